#!/usr/bin/env python3
"""Records a small TFX-shaped run into `mlmd serve` through MLMD's own Python client, then reads
it back: the example of the README's "Recording from Python and TFX" section (CI runs it).

usage: record_and_query.py HOST PORT
"""
import sys

from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2

host, port = sys.argv[1], int(sys.argv[2])
store = metadata_store.MetadataStore(metadata_store_pb2.MetadataStoreClientConfig(host=host, port=port))

# Types, as TFX registers them.
examples_type = metadata_store_pb2.ArtifactType(name="Examples")
examples_type.properties["span"] = metadata_store_pb2.INT
examples_type_id = store.put_artifact_type(examples_type)
model_type = metadata_store_pb2.ArtifactType(name="Model")
model_type_id = store.put_artifact_type(model_type)
trainer_type_id = store.put_execution_type(metadata_store_pb2.ExecutionType(name="Trainer"))
pipeline_type_id = store.put_context_type(metadata_store_pb2.ContextType(name="pipeline"))
run_type_id = store.put_context_type(metadata_store_pb2.ContextType(name="pipeline_run"))

# One execution with its input, output and contexts, in one atomic call.
examples = metadata_store_pb2.Artifact(type_id=examples_type_id, uri="/data/examples/1")
examples.properties["span"].int_value = 1
[examples_id] = store.put_artifacts([examples])
trainer = metadata_store_pb2.Execution(type_id=trainer_type_id, last_known_state=metadata_store_pb2.Execution.COMPLETE)
model = metadata_store_pb2.Artifact(type_id=model_type_id, uri="/models/1")
model.custom_properties["accuracy"].double_value = 0.93
contexts = [metadata_store_pb2.Context(type_id=pipeline_type_id, name="taxi"),
            metadata_store_pb2.Context(type_id=run_type_id, name="taxi-run-1")]
execution_id, (_, model_id), context_ids = store.put_execution(
    trainer,
    artifact_and_events=[
        (store.get_artifacts_by_id([examples_id])[0], metadata_store_pb2.Event(type=metadata_store_pb2.Event.INPUT)),
        (model, metadata_store_pb2.Event(type=metadata_store_pb2.Event.OUTPUT)),
    ],
    contexts=contexts,
    reuse_context_if_already_exist=True)

# Read it back: by context, with a filter, and the model's lineage.
print("artifacts of the run:", sorted(a.uri for a in store.get_artifacts_by_context(context_ids[1])))
good = store.get_artifacts(list_options=metadata_store.ListOptions(
    filter_query="type = 'Model' AND custom_properties.accuracy.double_value > 0.9"))
print("models above 0.9:", [a.uri for a in good])
query = metadata_store_pb2.LineageSubgraphQueryOptions(max_num_hops=2)
query.starting_artifacts.filter_query = f"id = {model_id}"
graph = store.get_lineage_subgraph(query)
print("lineage of the model:", sorted(a.uri for a in graph.artifacts), "executions:", len(graph.executions))
assert sorted(a.uri for a in graph.artifacts) == ["/data/examples/1", "/models/1"]
assert [a.id for a in good] == [model_id]
