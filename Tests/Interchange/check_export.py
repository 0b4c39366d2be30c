#!/usr/bin/env python3
"""Checks a database `mlmd export` wrote with the official library (ml-metadata 1.17.1).

usage: check_export.py EXPORTED.sqlite EXPECTED.json [--lineage-from ORIGINAL.sqlite]

Opens EXPORTED read-only, which MLMD refuses for a database that would need a migration, reads
every type, node and edge, and compares them, as protobuf messages, with EXPECTED.json (sections
as scripts/interchange/make_fixtures.py writes them: proto3 JSON with MLMD's field names).
Then, for every artifact, the lineage subgraph (20 hops upstream, downstream and both ways) on
EXPORTED is compared with the same query on ORIGINAL (MLMD on the database the store imported),
or with EXPECTED's "lineage" section (written by the Swift test from the store's own answers).

Prints {"checked": {...}, "failures": [...]} and exits with 1 when anything differs.
"""
import base64
import json
import sys

from google.protobuf import json_format
from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2 as pb

SECTIONS = {
    "artifact_types": pb.ArtifactType, "execution_types": pb.ExecutionType, "context_types": pb.ContextType,
    "artifacts": pb.Artifact, "executions": pb.Execution, "contexts": pb.Context, "events": pb.Event,
}
DIRECTIONS = {"UPSTREAM": pb.LineageSubgraphQueryOptions.UPSTREAM,
              "DOWNSTREAM": pb.LineageSubgraphQueryOptions.DOWNSTREAM,
              "BIDIRECTIONAL": pb.LineageSubgraphQueryOptions.BIDIRECTIONAL}


def open_store(path, readonly):
    config = pb.ConnectionConfig()
    config.sqlite.filename_uri = path
    config.sqlite.connection_mode = (pb.SqliteMetadataSourceConfig.READONLY if readonly
                                     else pb.SqliteMetadataSourceConfig.READWRITE)
    return metadata_store.MetadataStore(config)


def messages(store):
    executions = store.get_executions()
    # Types by id: MLMD's get_*_types() leave every type's external_id out, reads by id do not.
    return {
        "artifact_types": store.get_artifact_types_by_id([t.id for t in store.get_artifact_types()]),
        "execution_types": store.get_execution_types_by_id([t.id for t in store.get_execution_types()]),
        "context_types": store.get_context_types_by_id([t.id for t in store.get_context_types()]), "artifacts": store.get_artifacts(), "executions": executions,
        "contexts": store.get_contexts(), "events": store.get_events_by_execution_ids([e.id for e in executions]),
    }


def pairs(store):
    contexts = store.get_contexts()
    return {
        "attributions": sorted((c.id, a.id) for c in contexts for a in store.get_artifacts_by_context(c.id)),
        "associations": sorted((c.id, e.id) for c in contexts for e in store.get_executions_by_context(c.id)),
        "parent_contexts": sorted((c.id, p.id) for c in contexts for p in store.get_parent_contexts_by_context(c.id)),
    }


def lineage(store):
    out = {}
    for artifact in store.get_artifacts():
        for name, direction in DIRECTIONS.items():
            options = pb.LineageSubgraphQueryOptions(max_num_hops=20, direction=direction)
            options.starting_artifacts.filter_query = f"id = {artifact.id}"
            graph = store.get_lineage_subgraph(options)
            out[f"{artifact.id} {name}"] = {
                "artifacts": sorted(a.id for a in graph.artifacts), "executions": sorted(e.id for e in graph.executions),
                "contexts": sorted(c.id for c in graph.contexts), "events": len(graph.events),
            }
    return out


def parse(item, cls):
    """A message from proto3 JSON, with proto values as the store and make_fixtures.py write them:
    {"@type": URL, "value": base64 of the packed message}."""
    item = json.loads(json.dumps(item))
    packed = []
    for field in ("properties", "custom_properties"):
        for name, value in item.get(field, {}).items():
            proto = value.get("proto_value") if isinstance(value, dict) else None
            if isinstance(proto, dict) and set(proto) == {"@type", "value"}:
                packed.append((field, name, proto["@type"], base64.b64decode(proto["value"])))
                value.pop("proto_value")
    message = json_format.ParseDict(item, cls())
    for field, name, type_url, data in packed:
        getattr(message, field)[name].proto_value.type_url = type_url
        getattr(message, field)[name].proto_value.value = data
    return message


def key(message):
    return message.SerializeToString(deterministic=True)


def main():
    exported_path, expected_path = sys.argv[1], sys.argv[2]
    original = sys.argv[sys.argv.index("--lineage-from") + 1] if "--lineage-from" in sys.argv else None
    with open(expected_path) as f:
        expected = json.load(f)
    failures = []
    checked = {}
    try:
        store = open_store(exported_path, readonly=True)
        read = messages(store)
    except Exception as error:  # MLMD refused the file: report it as the failure it is
        print(json.dumps({"checked": {}, "failures": [f"MLMD cannot open or read {exported_path}: {error}"]}))
        return 1
    for section, cls in SECTIONS.items():
        want = sorted(key(parse(item, cls)) for item in expected.get(section, []))
        got = sorted(key(m) for m in read[section])
        checked[section] = len(got)
        if want != got:
            missing = [json_format.MessageToDict(cls.FromString(k), preserving_proto_field_name=True) for k in set(want) - set(got)]
            extra = [json_format.MessageToDict(cls.FromString(k), preserving_proto_field_name=True) for k in set(got) - set(want)]
            failures.append(f"{section}: {len(want)} expected, {len(got)} read; missing {missing[:3]}, unexpected {extra[:3]}")
    read_pairs = pairs(store)
    for section, columns in (("attributions", ("context_id", "artifact_id")), ("associations", ("context_id", "execution_id")),
                             ("parent_contexts", ("child_id", "parent_id"))):
        want = sorted((int(p[columns[0]]), int(p[columns[1]])) for p in expected.get(section, []))
        checked[section] = len(read_pairs[section])
        if want != read_pairs[section]:
            failures.append(f"{section}: expected {want[:5]}…, read {read_pairs[section][:5]}…")
    got_lineage = lineage(store)
    want_lineage = lineage(open_store(original, readonly=True)) if original else expected.get("lineage")
    if want_lineage is not None:
        checked["lineage_queries"] = len(got_lineage)
        for query in sorted(set(want_lineage) | set(got_lineage)):
            if want_lineage.get(query) != got_lineage.get(query):
                failures.append(f"lineage {query}: expected {want_lineage.get(query)}, read {got_lineage.get(query)}")
    print(json.dumps({"checked": checked, "failures": failures[:20]}, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
