#!/usr/bin/env python3
"""Runs conformance.json's dataset and queries on Google's MLMD (in-memory SQLite).

Prints JSON: for each filter, the sorted names it returns; for each error query, whether MLMD
rejected it; for each lineage query, the sorted names of the artifacts, executions and contexts
and the number of events. The Swift test runs the same on MLMetadata and compares.

With --grpc HOST:PORT it runs them through the official client against that MetadataStoreService
(`mlmd serve` on an empty store) instead; Tests/ServerInterop compares the two outputs.

usage: conformance.py conformance.json [--grpc HOST:PORT]
"""
import json
import sys

from ml_metadata import errors, metadata_store
from ml_metadata.proto import metadata_store_pb2 as pb

PROPERTY_TYPES = {"INT": pb.INT, "DOUBLE": pb.DOUBLE, "STRING": pb.STRING, "BOOLEAN": pb.BOOLEAN}


def set_value(value, python):
    if isinstance(python, bool):
        value.bool_value = python
    elif isinstance(python, int):
        value.int_value = python
    elif isinstance(python, float):
        value.double_value = python
    else:
        value.string_value = python


def fill(node, spec):
    for key, value in spec.get("properties", {}).items():
        set_value(node.properties[key], value)
    for key, value in spec.get("custom_properties", {}).items():
        set_value(node.custom_properties[key], value)
    if "external_id" in spec:
        node.external_id = spec["external_id"]
    return node


def load(store, data):
    types = {}
    for kind, cls, put in (("artifact_types", pb.ArtifactType, store.put_artifact_type),
                           ("execution_types", pb.ExecutionType, store.put_execution_type),
                           ("context_types", pb.ContextType, store.put_context_type)):
        for spec in data[kind]:
            t = cls(name=spec["name"])
            for key, value in spec.get("properties", {}).items():
                t.properties[key] = PROPERTY_TYPES[value]
            types[(kind, spec["name"])] = put(t)
    ids = {}
    for spec in data["artifacts"]:
        a = fill(pb.Artifact(type_id=types[("artifact_types", spec["type"])], name=spec["name"]), spec)
        if "uri" in spec:
            a.uri = spec["uri"]
        if "state" in spec:
            a.state = pb.Artifact.State.Value(spec["state"])
        ids[spec["name"]] = store.put_artifacts([a])[0]
    for spec in data["executions"]:
        e = fill(pb.Execution(type_id=types[("execution_types", spec["type"])], name=spec["name"]), spec)
        if "state" in spec:
            e.last_known_state = pb.Execution.State.Value(spec["state"])
        ids[spec["name"]] = store.put_executions([e])[0]
    for spec in data["contexts"]:
        c = fill(pb.Context(type_id=types[("context_types", spec["type"])], name=spec["name"]), spec)
        ids[spec["name"]] = store.put_contexts([c])[0]
    store.put_parent_contexts([pb.ParentContext(child_id=ids[c], parent_id=ids[p]) for c, p in data["parent_contexts"]])
    store.put_attributions_and_associations(
        [pb.Attribution(artifact_id=ids[a], context_id=ids[c]) for a, c in data["attributions"]],
        [pb.Association(execution_id=ids[e], context_id=ids[c]) for e, c in data["associations"]])
    events = []
    for artifact, execution, event_type, path in data["events"]:
        event = pb.Event(artifact_id=ids[artifact], execution_id=ids[execution], type=pb.Event.Type.Value(event_type))
        for step in path:
            if isinstance(step, int):
                event.path.steps.add().index = step
            else:
                event.path.steps.add().key = step
        events.append(event)
    store.put_events(events)


def run_filter(store, kind, query):
    options = metadata_store.ListOptions(filter_query=query)
    getter = {"artifact": store.get_artifacts, "execution": store.get_executions, "context": store.get_contexts}[kind]
    return sorted(node.name for node in getter(list_options=options))


def run_lineage(store, spec):
    options = pb.LineageSubgraphQueryOptions(max_num_hops=spec["hops"],
                                             direction=pb.LineageSubgraphQueryOptions.Direction.Value(spec["direction"]))
    kind, query = spec["start"]
    (options.starting_artifacts if kind == "artifact" else options.starting_executions).filter_query = query
    for key, field in (("ending_artifacts", options.ending_artifacts), ("ending_executions", options.ending_executions)):
        if key in spec:
            field.filter_query, field.include_ending_nodes = spec[key]
    graph = store.get_lineage_subgraph(options)
    return {"artifacts": sorted(a.name for a in graph.artifacts), "executions": sorted(e.name for e in graph.executions),
            "contexts": sorted(c.name for c in graph.contexts), "events": len(graph.events)}


def main(path, grpc_target=None):
    data = json.load(open(path))
    if grpc_target:
        host, port = grpc_target.rsplit(":", 1)
        config = pb.MetadataStoreClientConfig(host=host, port=int(port))
    else:
        config = pb.ConnectionConfig()
        config.sqlite.filename_uri = ":memory:"
        config.sqlite.connection_mode = pb.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    store = metadata_store.MetadataStore(config)
    load(store, data)
    result = {"filters": [], "errors": [], "lineage": []}
    for kind, query in data["filters"]:
        result["filters"].append(run_filter(store, kind, query))
    for kind, query in data["errors"]:
        try:
            run_filter(store, kind, query)
            result["errors"].append("accepted")
        except errors.InvalidArgumentError:
            result["errors"].append("INVALID_ARGUMENT")
        except errors.StatusError as error:
            result["errors"].append(type(error).__name__)
    for spec in data["lineage"]:
        result["lineage"].append(run_lineage(store, spec))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--grpc":
        main(sys.argv[1], sys.argv[3])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit(__doc__)
