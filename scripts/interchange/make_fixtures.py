#!/usr/bin/env python3
"""Writes the MLMD databases the import/export tests read, with the official library.

    .venv-mlmd/bin/python scripts/interchange/make_fixtures.py Tests/MLMDInterchangeTests/Fixtures

For each fixture it writes NAME.sqlite (MLMD's own file) and NAME.expected.json: everything the
official library reads back from it (types, nodes, events, attributions, associations, parent
contexts), as proto3 JSON with MLMD's field names. The tests compare an import with that dump.

* every-kind-v10: schema 10 (MLMD 1.11-1.17): typed and custom properties of every value kind
  (int, double, string, bool, struct, proto), type versions, base types, external ids, states,
  names, event paths and times, parent contexts, two TFX-shaped runs.
* every-kind-v10-later: the same database after one more run and an update of an execution, as a
  pipeline leaves it between two imports.
* every-kind-v9, -v8, -v7: the same runs without bool and proto values (schema 10 added them),
  downgraded with MLMD's own migration
  (downgrade_schema), as earlier TFX releases left them. Their dumps are read after upgrading a
  copy with enable_upgrade_migration (MLMD 1.17 reads only schema 10).
* kubeflow: two runs written the way Kubeflow Pipelines v1's metadata writer writes them (KfpRun
  contexts, components.* executions without a state), one as KFP v2 does (system.PipelineRun in
  a system.Pipeline).
"""
import base64
import json
import os
import shutil
import sqlite3
import sys
import time

from google.protobuf import any_pb2, json_format, struct_pb2
from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2 as pb


def config(path):
    c = pb.ConnectionConfig()
    c.sqlite.filename_uri = path
    c.sqlite.connection_mode = pb.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    return c


def tick():
    # MLMD stamps create/update times itself (ms); spacing the calls gives every run its own times.
    time.sleep(0.004)


def struct(d):
    s = struct_pb2.Struct()
    s.update(d)
    return s


def any_of(message):
    a = any_pb2.Any()
    a.Pack(message)
    return a


def every_kind(store, modern=True):
    # modern=False leaves out what schema 10 added (bool and proto values), for the older schemas.
    examples = pb.ArtifactType(name="Examples", version="1.0.0", description="TFX examples",
                               external_id="type:Examples@1", base_type=pb.ArtifactType.DATASET)
    declared = [("span", pb.INT), ("split_names", pb.STRING), ("weight", pb.DOUBLE), ("schema", pb.STRUCT)]
    if modern:
        declared += [("verified", pb.BOOLEAN), ("payload", pb.PROTO)]
    for name, kind in declared:
        examples.properties[name] = kind
    examples_id = store.put_artifact_type(examples)
    examples_v2 = pb.ArtifactType(name="Examples", version="2.0.0")
    examples_v2.properties["span"] = pb.INT
    examples_v2_id = store.put_artifact_type(examples_v2)
    model = pb.ArtifactType(name="Model", base_type=pb.ArtifactType.MODEL)
    model.properties["accuracy"] = pb.DOUBLE
    model_id = store.put_artifact_type(model)
    trainer = pb.ExecutionType(name="tfx.components.trainer.component.Trainer",
                               base_type=pb.ExecutionType.TRAIN, external_id="type:Trainer")
    trainer.properties["train_steps"] = pb.INT
    trainer.properties["config"] = pb.STRUCT
    trainer_id = store.put_execution_type(trainer)
    gen = pb.ExecutionType(name="tfx.components.example_gen.ExampleGen", base_type=pb.ExecutionType.PROCESS)
    gen_id = store.put_execution_type(gen)
    ctx_types = {}
    for name, props in [("pipeline", {}), ("pipeline_run", {"run_number": pb.INT}), ("node", {})]:
        t = pb.ContextType(name=name)
        for k, v in props.items():
            t.properties[k] = v
        ctx_types[name] = store.put_context_type(t)
    tick()
    [pipeline] = store.put_contexts([pb.Context(type_id=ctx_types["pipeline"], name="taxi",
                                                external_id="pipeline:taxi")])
    node_ids = store.put_contexts([pb.Context(type_id=ctx_types["node"], name="taxi.ExampleGen"),
                                   pb.Context(type_id=ctx_types["node"], name="taxi.Trainer")])
    previous_model = None
    for run in range(2):
        tick()
        run_ctx = pb.Context(type_id=ctx_types["pipeline_run"], name=f"run-{run}")
        run_ctx.properties["run_number"].int_value = run
        run_ctx.custom_properties["trigger"].string_value = "manual" if run == 0 else "schedule"
        [run_id] = store.put_contexts([run_ctx])
        store.put_parent_contexts([pb.ParentContext(child_id=run_id, parent_id=pipeline)])
        contexts = store.get_contexts_by_id([pipeline, run_id])
        [gen_node, trainer_node] = store.get_contexts_by_id(node_ids)
        # ExampleGen: one output of every value kind.
        tick()
        out = pb.Artifact(type_id=examples_id, uri=f"/data/examples/{run}", name=f"examples-{run}",
                          external_id=f"examples:{run}", state=pb.Artifact.LIVE)
        out.properties["span"].int_value = run + 1
        out.properties["split_names"].string_value = '["train","eval"]'
        out.properties["weight"].double_value = 0.25 * (run + 1)
        if modern:
            out.properties["verified"].bool_value = run == 0
            out.properties["payload"].proto_value.CopyFrom(any_of(pb.Value(string_value=f"packed-{run}")))
            out.custom_properties["flag"].bool_value = True
            out.custom_properties["anyproto"].proto_value.CopyFrom(any_of(pb.ArtifactType(name="packed")))
        out.properties["schema"].struct_value.CopyFrom(struct({"features": ["a", "b"], "n": 2, "nested": {"ok": True, "none": None}}))
        out.custom_properties["tfx_version"].string_value = "1.15.0"
        out.custom_properties["is_external"].int_value = 0
        out.custom_properties["ratio"].double_value = -1.5e-7
        out.custom_properties["meta"].struct_value.CopyFrom(struct({"k": "v", "list": [1, 2.5, "x"]}))
        gen_exec = pb.Execution(type_id=gen_id, last_known_state=pb.Execution.COMPLETE, name=f"gen-{run}")
        gen_exec.custom_properties["input_base"].string_value = "/data/csv"
        ev = pb.Event(type=pb.Event.OUTPUT)
        ev.path.steps.add().key = "examples"
        ev.path.steps.add().index = 0
        store.put_execution(gen_exec, [(out, ev)], contexts + [gen_node])
        # Trainer: reads the examples (and the previous model), writes a model; RUNNING then COMPLETE.
        tick()
        [examples_art] = store.get_artifacts_by_external_ids([f"examples:{run}"])
        ex = pb.Execution(type_id=trainer_id, last_known_state=pb.Execution.RUNNING, external_id=f"trainer:{run}")
        ex.properties["train_steps"].int_value = 1000 * (run + 1)
        ex.properties["config"].struct_value.CopyFrom(struct({"lr": 0.01, "layers": [64, 32]}))
        in_ev = pb.Event(type=pb.Event.INPUT)
        in_ev.path.steps.add().key = "examples"
        in_ev.path.steps.add().index = 0
        pairs = [(examples_art, in_ev)]
        if previous_model is not None:
            base_ev = pb.Event(type=pb.Event.INPUT)
            base_ev.path.steps.add().key = "baseline_model"
            pairs.append((previous_model, base_ev))
        model_art = pb.Artifact(type_id=model_id, uri=f"/models/{run}", state=pb.Artifact.PENDING)
        pending = pb.Event(type=pb.Event.PENDING_OUTPUT)
        pending.path.steps.add().key = "model"
        pending.path.steps.add().index = 0
        pairs.append((model_art, pending))
        ex_id, [_, *rest], _ = store.put_execution(ex, pairs, contexts + [trainer_node])
        model_art_id = rest[-1]
        tick()
        [ex_done] = store.get_executions_by_id([ex_id])
        ex_done.last_known_state = pb.Execution.COMPLETE
        [model_done] = store.get_artifacts_by_id([model_art_id])
        model_done.state = pb.Artifact.LIVE
        model_done.properties["accuracy"].double_value = 0.5 + run / 10
        published = pb.Event(type=pb.Event.OUTPUT, milliseconds_since_epoch=1_700_000_000_000 + run)
        published.path.steps.add().key = "model"
        published.path.steps.add().index = 0
        # An OUTPUT event beside the PENDING_OUTPUT one: MLMD keeps both (unique by type).
        store.put_execution(ex_done, [(model_done, published)], [])
        [previous_model] = store.get_artifacts_by_id([model_art_id])
    tick()
    # A node of a second type version, with a typeless edge case: an artifact with no uri/name.
    store.put_artifacts([pb.Artifact(type_id=examples_v2_id)])
    # An execution in no context, with every state set once across a few executions.
    for state in [pb.Execution.NEW, pb.Execution.FAILED, pb.Execution.CACHED, pb.Execution.CANCELED]:
        tick()
        store.put_executions([pb.Execution(type_id=gen_id, last_known_state=state)])
    # An artifact marked for deletion, then DELETED; and one with unicode text.
    tick()
    uni = pb.Artifact(type_id=model_id, uri="gs://bücket/モデル", state=pb.Artifact.DELETED, name="naïve ✓")
    uni.custom_properties["note"].string_value = "line1\nline2\t\"quoted\" \\ é"
    uni.custom_properties["big"].int_value = -(2**63)
    uni.custom_properties["huge"].double_value = 1.7976931348623157e308
    store.put_artifacts([uni])


def later(store):
    # What a pipeline records after a first import: one more run, and an update of an old execution.
    tick()
    [pipeline] = store.get_contexts_by_type("pipeline")
    run_type = store.get_context_type("pipeline_run")
    run_ctx = pb.Context(type_id=run_type.id, name="run-2")
    run_ctx.properties["run_number"].int_value = 2
    [run_id] = store.put_contexts([run_ctx])
    store.put_parent_contexts([pb.ParentContext(child_id=run_id, parent_id=pipeline.id)])
    gen_type = store.get_execution_type("tfx.components.example_gen.ExampleGen")
    examples_type = store.get_artifact_type("Examples", type_version="1.0.0")
    tick()
    out = pb.Artifact(type_id=examples_type.id, uri="/data/examples/2", name="examples-2", state=pb.Artifact.LIVE)
    out.properties["span"].int_value = 3
    ev = pb.Event(type=pb.Event.OUTPUT)
    ev.path.steps.add().key = "examples"
    store.put_execution(pb.Execution(type_id=gen_type.id, last_known_state=pb.Execution.COMPLETE, name="gen-2"), [(out, ev)],
                        store.get_contexts_by_id([pipeline.id, run_id]))
    tick()
    [trainer] = store.get_executions_by_external_ids(["trainer:1"])
    trainer.custom_properties["reviewed"].bool_value = True
    store.put_executions([trainer])


def kubeflow(store):
    # Two runs as Kubeflow Pipelines v1's metadata writer (backend/metadata_writer) records them:
    # a DummyExecutionType put on connect; a KfpRun context named after the Argo workflow, with
    # pipeline_name and run_id properties; executions of type "components.<name>@sha256=<digest>"
    # with pipeline_name, run_id, component_id and no state, custom kfp_pod_name and input:<param>;
    # output artifacts with name, pipeline_name and run_id, an OUTPUT event keyed by the output
    # name, attributed to the run; an INPUT event when a later run reads one. Then one run as
    # KFP v2 records it (system.PipelineRun in a system.Pipeline, system.ContainerExecution).
    store.put_execution_type(pb.ExecutionType(name="DummyExecutionType"))
    run_type = pb.ContextType(name="KfpRun")
    for name in ("pipeline_name", "run_id"):
        run_type.properties[name] = pb.STRING
    kfp_run = store.put_context_type(run_type)
    train_type = pb.ExecutionType(name="components.Train model@sha256=5f1d2c")
    for name in ("pipeline_name", "run_id", "component_id"):
        train_type.properties[name] = pb.STRING
    train = store.put_execution_type(train_type)
    dataset_type = pb.ArtifactType(name="Dataset")
    for name in ("name", "pipeline_name", "run_id"):
        dataset_type.properties[name] = pb.STRING
    dataset = store.put_artifact_type(dataset_type)
    previous = None
    for run in range(2):
        tick()
        workflow = f"train-pipeline-{run}x7k2p"
        ctx = pb.Context(type_id=kfp_run, name=workflow)
        ctx.properties["pipeline_name"].string_value = workflow
        ctx.properties["run_id"].string_value = workflow
        [ctx_id] = store.put_contexts([ctx])
        tick()
        e = pb.Execution(type_id=train)
        e.properties["pipeline_name"].string_value = workflow
        e.properties["run_id"].string_value = workflow
        e.properties["component_id"].string_value = "Train model"
        e.custom_properties["kfp_pod_name"].string_value = f"{workflow}-1234"
        e.custom_properties["input:epochs"].string_value = str(10 * (run + 1))
        [execution_id] = store.put_executions([e])
        store.put_attributions_and_associations([], [pb.Association(execution_id=execution_id, context_id=ctx_id)])
        if previous is not None:
            store.put_events([pb.Event(execution_id=execution_id, artifact_id=previous, type=pb.Event.INPUT,
                                       path=pb.Event.Path(steps=[pb.Event.Path.Step(key="baseline")]))])
        a = pb.Artifact(type_id=dataset, uri=f"minio://mlpipeline/artifacts/{workflow}/data.tgz")
        a.properties["name"].string_value = "data"
        a.properties["pipeline_name"].string_value = workflow
        a.properties["run_id"].string_value = workflow
        [artifact_id] = store.put_artifacts([a])
        store.put_events([pb.Event(execution_id=execution_id, artifact_id=artifact_id, type=pb.Event.OUTPUT,
                                   path=pb.Event.Path(steps=[pb.Event.Path.Step(key="data")]))])
        store.put_attributions_and_associations([pb.Attribution(artifact_id=artifact_id, context_id=ctx_id)], [])
        previous = artifact_id
    pipeline_type = store.put_context_type(pb.ContextType(name="system.Pipeline"))
    run_type = store.put_context_type(pb.ContextType(name="system.PipelineRun"))
    container = store.put_execution_type(pb.ExecutionType(name="system.ContainerExecution"))
    generic = store.put_artifact_type(pb.ArtifactType(name="system.Artifact"))
    tick()
    [pipeline_id] = store.put_contexts([pb.Context(type_id=pipeline_type, name="train")])
    run_ctx = pb.Context(type_id=run_type, name="train-2-abc12")
    run_ctx.custom_properties["namespace"].string_value = "kubeflow"
    [run_id] = store.put_contexts([run_ctx])
    store.put_parent_contexts([pb.ParentContext(child_id=run_id, parent_id=pipeline_id)])
    for step in range(2):
        tick()
        e = pb.Execution(type_id=container, last_known_state=pb.Execution.COMPLETE)
        e.custom_properties["display_name"].string_value = f"step-{step}"
        a = pb.Artifact(type_id=generic, uri=f"minio://mlpipeline/v2/train-2/{step}", state=pb.Artifact.LIVE)
        a.custom_properties["display_name"].string_value = "output"
        ev = pb.Event(type=pb.Event.OUTPUT)
        ev.path.steps.add().key = "output"
        store.put_execution(e, [(a, ev)], store.get_contexts_by_id([pipeline_id, run_id]))


def dump(store):
    def js(message):
        d = json_format.MessageToDict(message, preserving_proto_field_name=True)
        # A proto value as the store's files keep it: the Any's type URL and its serialized bytes
        # (MessageToDict would expand the packed message, which needs its descriptor to read back).
        for field in ("properties", "custom_properties") if hasattr(message, "custom_properties") else ():
            for name, value in getattr(message, field, {}).items():
                if value.HasField("proto_value"):
                    d[field][name]["proto_value"] = {"@type": value.proto_value.type_url,
                                                     "value": base64.b64encode(value.proto_value.value).decode()}
        return d
    contexts = store.get_contexts()
    executions = store.get_executions()
    # Types by id: MLMD's get_*_types() leave every type's external_id out, reads by id do not.
    return {
        "artifact_types": [js(t) for t in store.get_artifact_types_by_id([t.id for t in store.get_artifact_types()])],
        "execution_types": [js(t) for t in store.get_execution_types_by_id([t.id for t in store.get_execution_types()])],
        "context_types": [js(t) for t in store.get_context_types_by_id([t.id for t in store.get_context_types()])],
        "artifacts": [js(a) for a in store.get_artifacts()],
        "executions": [js(e) for e in executions],
        "contexts": [js(c) for c in contexts],
        "events": [js(e) for e in store.get_events_by_execution_ids([e.id for e in executions])],
        "attributions": [{"context_id": c.id, "artifact_id": a.id}
                         for c in contexts for a in store.get_artifacts_by_context(c.id)],
        "associations": [{"context_id": c.id, "execution_id": e.id}
                         for c in contexts for e in store.get_executions_by_context(c.id)],
        "parent_contexts": [{"child_id": c.id, "parent_id": p.id}
                            for c in contexts for p in store.get_parent_contexts_by_context(c.id)],
    }


def write(out_dir, name, path, upgrade_copy=False):
    # MLMD 1.17 reads only schema 10: the expected reads of an older file are those of a copy
    # upgraded with MLMD's own migration.
    read_path = path
    if upgrade_copy:
        read_path = os.path.join(out_dir, f".{name}.upgraded.sqlite")
        shutil.copyfile(path, read_path)
    store = metadata_store.MetadataStore(config(read_path), enable_upgrade_migration=upgrade_copy)
    with open(os.path.join(out_dir, f"{name}.expected.json"), "w") as f:
        json.dump(dump(store), f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    del store
    if upgrade_copy:
        os.remove(read_path)


def vacuum(path):
    db = sqlite3.connect(path)
    db.execute("VACUUM")
    db.close()


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    v10 = os.path.join(out_dir, "every-kind-v10.sqlite")
    for stale in [v10, os.path.join(out_dir, "every-kind-v10-later.sqlite")] + [os.path.join(out_dir, f"every-kind-v{v}.sqlite") for v in (7, 8, 9)] + [os.path.join(out_dir, "kubeflow.sqlite")]:
        if os.path.exists(stale):
            os.remove(stale)
    every_kind(metadata_store.MetadataStore(config(v10)))
    vacuum(v10)
    write(out_dir, "every-kind-v10", v10)
    later_path = os.path.join(out_dir, "every-kind-v10-later.sqlite")
    shutil.copyfile(v10, later_path)
    later(metadata_store.MetadataStore(config(later_path)))
    vacuum(later_path)
    write(out_dir, "every-kind-v10-later", later_path)
    legacy = os.path.join(out_dir, ".every-kind-legacy.sqlite")
    if os.path.exists(legacy):
        os.remove(legacy)
    every_kind(metadata_store.MetadataStore(config(legacy)), modern=False)
    for version in (9, 8, 7):
        old = os.path.join(out_dir, f"every-kind-v{version}.sqlite")
        shutil.copyfile(legacy, old)
        metadata_store.downgrade_schema(config(old), version)
        vacuum(old)
        write(out_dir, f"every-kind-v{version}", old, upgrade_copy=True)
    os.remove(legacy)
    kfp = os.path.join(out_dir, "kubeflow.sqlite")
    kubeflow(metadata_store.MetadataStore(config(kfp)))
    vacuum(kfp)
    write(out_dir, "kubeflow", kfp)


if __name__ == "__main__":
    main()
