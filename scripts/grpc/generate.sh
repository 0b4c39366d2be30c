#!/usr/bin/env bash
# Generates the Swift code of MLMD 1.17.1's gRPC protocol (messages, service server and client)
# from the official descriptors, and writes it to Sources/MLMDServiceProtocol/Generated/. The
# output is committed: neither CI nor a normal build runs this or builds the protoc plugins.
#
#   bash scripts/grpc/generate.sh
#
# Needs: protoc (Debian's protobuf-compiler), the venv with ml-metadata 1.17.1 (scripts/setup.sh
# --python), and the plugins protoc-gen-swift (apple/swift-protobuf 1.39.0) and
# protoc-gen-grpc-swift-2 (grpc/grpc-swift-protobuf 2.4.1), which are built once in a scratch
# package outside the project unless PROTOC_GEN_SWIFT and PROTOC_GEN_GRPC_SWIFT name them.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v protoc >/dev/null || { echo "generate: install protoc first: apt-get install -y protobuf-compiler" >&2; exit 1; }
bash scripts/setup.sh --python

plugins="${TMPDIR:-/tmp}/mlmd-protoc-plugins"
if [[ -z "${PROTOC_GEN_SWIFT:-}" || -z "${PROTOC_GEN_GRPC_SWIFT:-}" ]]; then
  mkdir -p "$plugins/dummy"
  cat > "$plugins/Package.swift" <<'PACKAGE'
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "plugins",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: [.executableTarget(name: "dummy", path: "dummy")]
)
PACKAGE
  echo 'print("")' > "$plugins/dummy/main.swift"
  (cd "$plugins" && swift build -c release --product protoc-gen-swift && swift build -c release --product protoc-gen-grpc-swift-2)
  PROTOC_GEN_SWIFT="$plugins/.build/release/protoc-gen-swift"
  PROTOC_GEN_GRPC_SWIFT="$plugins/.build/release/protoc-gen-grpc-swift-2"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.venv-mlmd/bin/python scripts/grpc/extract_descriptors.py "$work/mlmd.pb"
out=Sources/MLMDServiceProtocol/Generated
rm -rf "$out"
mkdir -p "$out"
# Only MLMD's own files: the well-known types (Any, Struct, FieldMask, descriptor) come with
# swift-protobuf.
protoc --descriptor_set_in="$work/mlmd.pb" \
  --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" --plugin=protoc-gen-grpc-swift-2="$PROTOC_GEN_GRPC_SWIFT" \
  --swift_out="$out" --swift_opt=Visibility=Public,FileNaming=DropPath \
  --grpc-swift-2_out="$out" --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true,FileNaming=DropPath \
  ml_metadata/proto/metadata_store.proto ml_metadata/proto/metadata_store_service.proto
protoc --version > "$out/VERSIONS"
echo "protoc-gen-swift: apple/swift-protobuf 1.39.0; protoc-gen-grpc-swift-2: grpc/grpc-swift-protobuf 2.4.1; descriptors: ml-metadata $(.venv-mlmd/bin/python -c 'import ml_metadata; print(ml_metadata.__version__)')" >> "$out/VERSIONS"
wc -l "$out"/*.swift
