"""Writes MLMD's protocol as a FileDescriptorSet, taken from the official ml-metadata wheel.

The `*_pb2` modules of `ml_metadata` carry each `.proto` file as a serialized
FileDescriptorProto; this collects `metadata_store_service.proto` and every file it imports
(transitively), dependencies first, so that `protoc --descriptor_set_in` needs no `.proto` file.

Usage: python extract_descriptors.py OUT.pb
"""
import sys

from google.protobuf import descriptor_pb2
from ml_metadata.proto import metadata_store_service_pb2


def collect(descriptor, seen, out):
    if descriptor.name in seen:
        return
    seen.add(descriptor.name)
    for dependency in descriptor.dependencies:
        collect(dependency, seen, out)
    proto = descriptor_pb2.FileDescriptorProto()
    descriptor.CopyToProto(proto)
    out.file.append(proto)


def main():
    descriptor_set = descriptor_pb2.FileDescriptorSet()
    collect(metadata_store_service_pb2.DESCRIPTOR, set(), descriptor_set)
    with open(sys.argv[1], "wb") as handle:
        handle.write(descriptor_set.SerializeToString(deterministic=True))
    print(" ".join(f.name for f in descriptor_set.file))


if __name__ == "__main__":
    main()
