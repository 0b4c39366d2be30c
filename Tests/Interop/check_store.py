#!/usr/bin/env python3
"""Checks a store's files with the official ml_metadata protobuf classes.

Every entity file must parse with json_format.Parse into its MLMD message, and re-printing the
message with MessageToJson(preserving_proto_field_name=True, sort_keys=True, indent=2,
ensure_ascii=False) plus a newline must give back the file's exact bytes. Every edge line must
parse into its edge message (chosen by its id fields; a line of
context times into Context) and re-print (indent=None) to the same line.

Usage: check_store.py STORE   Prints a JSON summary; exits 1 if any file fails.
"""
import json
import os
import sys

from google.protobuf import json_format
from ml_metadata.proto import metadata_store_pb2 as pb

TYPE_CLASSES = {"artifact": pb.ArtifactType, "execution": pb.ExecutionType, "context": pb.ContextType}
NODE_CLASSES = {"artifacts": pb.Artifact, "executions": pb.Execution, "contexts": pb.Context}
EDGE_CLASSES = {
    frozenset(["artifact_id", "execution_id"]): pb.Event,
    frozenset(["artifact_id", "context_id"]): pb.Attribution,
    frozenset(["context_id", "execution_id"]): pb.Association,
    frozenset(["child_id", "parent_id"]): pb.ParentContext,
    # A context's times (format 2): a Context with only its id and times.
    frozenset(): pb.Context,
}


def reprint(message, indent):
    return json_format.MessageToJson(message, preserving_proto_field_name=True, sort_keys=True,
                                      indent=indent, ensure_ascii=False)


def message_class(relative):
    parts = relative.split("/")
    if parts[0] == "types" and len(parts) == 3:
        return TYPE_CLASSES[parts[1]]
    return NODE_CLASSES.get(parts[0])


def main(store):
    counts = {"entity_files": 0, "edge_lines": 0}
    failures = []
    for folder in ("types", "artifacts", "executions", "contexts", "edges"):
        for root, _, files in os.walk(os.path.join(store, folder)):
            for name in sorted(files):
                path = os.path.join(root, name)
                relative = os.path.relpath(path, store)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                try:
                    if folder == "edges":
                        for number, line in enumerate(text.split("\n")[:-1], 1):
                            keys = frozenset(k for k in json.loads(line) if k.endswith("_id"))
                            message = json_format.Parse(line, EDGE_CLASSES[keys]())
                            if reprint(message, None) != line:
                                failures.append(f"{relative}:{number}: re-printed line differs")
                            counts["edge_lines"] += 1
                    else:
                        message = json_format.Parse(text, message_class(relative)())
                        if reprint(message, 2) + "\n" != text:
                            failures.append(f"{relative}: re-printed file differs")
                        counts["entity_files"] += 1
                except Exception as error:  # noqa: BLE001 - report every failure with its file
                    failures.append(f"{relative}: {type(error).__name__}: {error}")
    print(json.dumps({**counts, "failures": failures}, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
