"""`mlmd serve` through MLMD's official Python client (ml-metadata 1.17.1): the README's example,
the project's filter and lineage conformance queries, TLS, large responses, bad input, and a
server killed during writes. Each test starts its own server on a fresh store.

Run by scripts/server/client_tests.sh (CI): MLMD_SERVE and MLMD_BIN name the binaries.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import grpc
import pytest
from ml_metadata import errors, metadata_store
from ml_metadata.proto import metadata_store_pb2 as pb
from ml_metadata.proto import metadata_store_service_pb2 as service_pb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVE = os.environ.get("MLMD_SERVE", os.path.join(ROOT, ".build/debug/mlmd-serve"))
MLMD = os.environ.get("MLMD_BIN", os.path.join(os.path.dirname(SERVE), "mlmd"))
PYTHON = sys.executable


class Server:
    """`mlmd serve` on a store folder, started and stopped by the test."""

    def __init__(self, store, *arguments):
        self.store = store
        self.arguments = list(arguments)
        self.process = None
        self.port = None
        self.log = os.path.join(os.path.dirname(store), os.path.basename(store) + ".log")

    def start(self):
        self.process = subprocess.Popen([SERVE, "--store", self.store, "--port", "0", *self.arguments],
                                        stdout=subprocess.PIPE, stderr=open(self.log, "ab"), text=True)
        self.lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("mlmd serve exited: " + open(self.log).read())
            self.lines.append(line)
            if "ready on" in line:
                self.port = int(line.rsplit(":", 1)[1])
                return self
        raise RuntimeError("mlmd serve printed no ready line")

    def client(self, **channel_arguments):
        config = pb.MetadataStoreClientConfig(host="127.0.0.1", port=self.port)
        for key, value in channel_arguments.items():
            setattr(config.channel_arguments, key, value)
        return metadata_store.MetadataStore(config)

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)
        rest = self.process.stdout.read() if self.process else ""
        return self.process.returncode, self.lines + rest.splitlines(keepends=True)


@pytest.fixture
def folder():
    with tempfile.TemporaryDirectory(prefix="mlmd-serve-test-") as path:
        yield path


@pytest.fixture
def server(folder):
    store = os.path.join(folder, "store")
    subprocess.run([MLMD, "init", store], check=True, capture_output=True)
    running = Server(store).start()
    yield running
    running.stop()


def model_type(store):
    t = pb.ArtifactType(name="Model")
    t.properties["accuracy"] = pb.DOUBLE
    return store.put_artifact_type(t)


def test_readme_example_runs(server):
    result = subprocess.run([PYTHON, os.path.join(ROOT, "examples/python/record_and_query.py"), "127.0.0.1", str(server.port)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "models above 0.9: ['/models/1']" in result.stdout


def test_conformance_queries_agree_with_mlmd_in_process(server):
    script = os.path.join(ROOT, "Tests/Interop/conformance.py")
    data = os.path.join(ROOT, "Tests/Interop/conformance.json")
    ours = subprocess.run([PYTHON, script, data, "--grpc", f"127.0.0.1:{server.port}"], capture_output=True, text=True)
    assert ours.returncode == 0, ours.stderr
    theirs = subprocess.run([PYTHON, script, data], capture_output=True, text=True, check=True)
    ours, theirs = json.loads(ours.stdout), json.loads(theirs.stdout)
    assert len(ours["filters"]) >= 40 and len(ours["lineage"]) >= 10
    for index, (a, b) in enumerate(zip(ours["filters"], theirs["filters"])):
        assert a == b, f"filter {index}"
    assert ours["errors"] == theirs["errors"]
    assert ours["lineage"] == theirs["lineage"]


def test_each_status_reaches_the_client_as_mlmds_exception_class(server):
    store = server.client()
    type_id = model_type(store)
    with pytest.raises(errors.NotFoundError):
        store.get_artifact_type("NoSuchType")
    with pytest.raises(errors.AlreadyExistsError):
        t = pb.ArtifactType(name="Model")
        t.properties["accuracy"] = pb.STRING
        store.put_artifact_type(t)
    with pytest.raises(errors.InvalidArgumentError, match=r"artifacts\[1\]"):
        bad = pb.Artifact(type_id=type_id)
        bad.properties["accuracy"].string_value = "high"
        store.put_artifacts([pb.Artifact(type_id=type_id), bad])
    with pytest.raises(errors.NotFoundError, match="Cannot find type for type_id: 987654321"):  # as MLMD
        store.put_artifacts([pb.Artifact(type_id=987654321)])
    with pytest.raises(errors.OutOfRangeError):
        store.put_lineage_subgraph([], [], [], [(3, 0, pb.Event(type=pb.Event.INPUT))])
    with pytest.raises(errors.FailedPreconditionError):
        [artifact_id] = store.put_artifacts([pb.Artifact(type_id=type_id, uri="/a")])
        stale = store.get_artifacts_by_id([artifact_id])[0]
        stale.last_update_time_since_epoch -= 1
        request = service_pb.PutArtifactsRequest(artifacts=[stale])
        request.options.abort_if_latest_updated_time_changed = True
        store._call("PutArtifacts", request, service_pb.PutArtifactsResponse())
    with pytest.raises(errors.InvalidArgumentError, match=r"1:\d+"):
        store.get_artifacts(list_options=metadata_store.ListOptions(filter_query="uri = = 1"))
    with pytest.raises(errors.UnimplementedError):
        store._call("GetLineageGraph", service_pb.GetLineageGraphRequest(), service_pb.GetLineageGraphResponse())
    # Nothing of the failed batch was written, and the server still serves.
    assert [a.uri for a in store.get_artifacts()] == ["/a"]


def test_malformed_bytes_get_a_status_and_the_server_keeps_serving(server):
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    call = channel.unary_unary("/ml_metadata.MetadataStoreService/PutArtifacts",
                               request_serializer=lambda raw: raw, response_deserializer=lambda raw: raw)
    with pytest.raises(grpc.RpcError) as failure:
        call(b"\x0a\xff\xff\xff\xff\x0f", timeout=10)  # a length-delimited field longer than the message
    assert failure.value.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL)
    unknown = channel.unary_unary("/ml_metadata.MetadataStoreService/NoSuchMethod",
                                  request_serializer=lambda raw: raw, response_deserializer=lambda raw: raw)
    with pytest.raises(grpc.RpcError) as failure:
        unknown(b"", timeout=10)
    assert failure.value.code() == grpc.StatusCode.UNIMPLEMENTED
    channel.close()
    assert server.client().get_artifact_types() == []


def test_oversized_request_is_resource_exhausted(folder):
    store_path = os.path.join(folder, "store")
    subprocess.run([MLMD, "init", store_path], check=True, capture_output=True)
    running = Server(store_path, "--max-request-size", "1").start()
    try:
        store = running.client()
        type_id = model_type(store)
        with pytest.raises(errors.ResourceExhaustedError, match="larger than max"):
            store.put_artifacts([pb.Artifact(type_id=type_id, uri="u" * 60_000) for _ in range(30)])
        assert store.put_artifacts([pb.Artifact(type_id=type_id, uri="small")])
    finally:
        running.stop()


def test_responses_beyond_4_mib_need_the_clients_larger_limit(server):
    store = server.client()
    type_id = model_type(store)
    for _ in range(4):
        store.put_artifacts([pb.Artifact(type_id=type_id, uri="u" * 60_000) for _ in range(25)])  # 1.5 MB per call
    with pytest.raises(errors.ResourceExhaustedError):
        store.get_artifacts_by_type("Model")
    large = server.client(max_receive_message_length=64 << 20)
    assert len(large.get_artifacts_by_type("Model")) == 100


def test_a_client_that_disconnects_mid_call_leaves_the_server_serving(server):
    store = server.client()
    type_id = model_type(store)
    store.put_artifacts([pb.Artifact(type_id=type_id, uri=f"/m/{i}") for i in range(2000)])
    impatient = metadata_store.MetadataStore(
        pb.MetadataStoreClientConfig(host="127.0.0.1", port=server.port, client_timeout_sec=0.001))
    with pytest.raises(errors.DeadlineExceededError):
        impatient.get_artifacts()
    import socket
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12garbage")  # a broken HTTP/2 preface, then hang up
    assert len(store.get_artifacts()) == 2000


def test_tls_with_mlmds_ssl_config(folder):
    key, cert = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    store_path = os.path.join(folder, "store")
    subprocess.run([MLMD, "init", store_path], check=True, capture_output=True)
    running = Server(store_path, "--tls-cert", cert, "--tls-key", key).start()
    try:
        assert "(TLS)" in "".join(running.lines)
        config = pb.MetadataStoreClientConfig(host="localhost", port=running.port)
        config.ssl_config.custom_ca = open(cert).read()
        store = metadata_store.MetadataStore(config)
        type_id = model_type(store)
        assert store.get_artifact_types_by_id([type_id])[0].name == "Model"
        plain = running.client()
        with pytest.raises(errors.StatusError):
            plain.get_artifact_types()
    finally:
        running.stop()


WRITER = r"""
import sys
from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2 as pb
store = metadata_store.MetadataStore(pb.MetadataStoreClientConfig(host="127.0.0.1", port=int(sys.argv[1])))
done = open(sys.argv[2], "a", buffering=1)
type_id = store.get_execution_type("Trainer").id
artifact_type = store.get_artifact_type("Model").id
run_type = store.get_context_type("pipeline_run").id
for i in range(100000):
    model = pb.Artifact(type_id=artifact_type, uri=f"/m/{i}")
    execution_id, artifact_ids, _ = store.put_execution(
        pb.Execution(type_id=type_id, last_known_state=pb.Execution.COMPLETE),
        [(model, pb.Event(type=pb.Event.OUTPUT))],
        [pb.Context(type_id=run_type, name=f"run-{i % 7}")], reuse_context_if_already_exist=True)
    done.write(f"{execution_id} {artifact_ids[0]}\n")
"""


def test_sigkill_during_writes_loses_nothing_acknowledged_and_the_next_start_recovers(folder):
    store_path = os.path.join(folder, "store")
    subprocess.run([MLMD, "init", store_path], check=True, capture_output=True)
    running = Server(store_path).start()
    store = running.client()
    model_type(store)
    store.put_execution_type(pb.ExecutionType(name="Trainer"))
    store.put_context_type(pb.ContextType(name="pipeline_run"))
    acknowledged = os.path.join(folder, "acknowledged")
    writers = [subprocess.Popen([PYTHON, "-c", WRITER, str(running.port), acknowledged], stderr=subprocess.DEVNULL)
               for _ in range(3)]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not os.path.exists(acknowledged) or sum(1 for _ in open(acknowledged)) < 60):
        time.sleep(0.05)
    running.process.send_signal(signal.SIGKILL)
    running.process.wait()
    for writer in writers:
        writer.wait(timeout=120)
    pairs = [line.split() for line in open(acknowledged) if line.strip()]
    assert len(pairs) >= 60

    fsck = subprocess.run([MLMD, "fsck", "--store", store_path], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    again = Server(store_path).start()
    try:
        store = again.client()
        executions = {e.id for e in store.get_executions()}
        artifacts = {a.id for a in store.get_artifacts()}
        for execution_id, artifact_id in pairs:
            assert int(execution_id) in executions and int(artifact_id) in artifacts
        # Every stored execution is whole: its output event and its run context are there.
        events = store.get_events_by_execution_ids(list(executions))
        assert {e.execution_id for e in events} == executions
        for execution_id in executions:
            assert len(store.get_contexts_by_execution(execution_id)) == 1
    finally:
        again.stop()


def test_graceful_shutdown_lets_calls_in_flight_finish(server):
    store = server.client()
    type_id = model_type(store)
    results = []

    def write():
        results.append(store.put_artifacts([pb.Artifact(type_id=type_id, uri=f"/g/{i}") for i in range(3000)]))

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.05)
    status, lines = server.stop(signal.SIGTERM)
    thread.join()
    assert status == 0
    assert any("stopped" in line for line in lines)
    if results:  # the call was in flight when the signal came: it finished, and all of it is stored
        again = Server(server.store).start()
        try:
            assert len(again.client().get_artifacts()) == 3000
        finally:
            again.stop()


def test_a_port_in_use_and_a_missing_store_are_clear_errors(server, folder):
    taken = subprocess.run([SERVE, "--store", server.store, "--port", str(server.port)], capture_output=True, text=True,
                           timeout=60)
    assert taken.returncode == 14  # UNAVAILABLE
    assert f"cannot listen on 127.0.0.1:{server.port}" in taken.stderr and "Address already in use" in taken.stderr
    missing = subprocess.run([SERVE, "--store", os.path.join(folder, "nothing-here")], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 5  # NOT_FOUND
    assert "is not a store" in missing.stderr and "mlmd init" in missing.stderr
    assert server.client().get_artifact_types() == []


def test_mlmd_serve_runs_the_server_with_the_store_it_finds_and_signals_reach_it(folder):
    store_path = os.path.join(folder, "store")
    subprocess.run([MLMD, "init", store_path], check=True, capture_output=True)
    # `mlmd serve` finds the store upwards from the current folder, as every command does.
    process = subprocess.Popen([MLMD, "serve", "--port", "0"], cwd=store_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    while line and "ready on" not in line:
        line = process.stdout.readline()
    assert "ready on" in line, process.stderr.read()
    port = int(line.rsplit(":", 1)[1])
    store = metadata_store.MetadataStore(pb.MetadataStoreClientConfig(host="127.0.0.1", port=port))
    assert model_type(store)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    assert "mlmd serve: stopped" in process.stdout.read()


def test_the_cli_and_the_server_share_the_store(server):
    store = server.client()
    type_id = model_type(store)
    [served] = store.put_artifacts([pb.Artifact(type_id=type_id, uri="/from/grpc")])
    listed = subprocess.run([MLMD, "list", "artifacts", "--store", server.store, "--format", "jsonl"],
                            capture_output=True, text=True, check=True)
    assert "/from/grpc" in listed.stdout
    put = subprocess.run([MLMD, "put", "artifact", "--store", server.store], input=json.dumps({"type": "Model", "uri": "/from/cli"}),
                         capture_output=True, text=True)
    assert put.returncode == 0, put.stderr
    assert sorted(a.uri for a in store.get_artifacts()) == ["/from/cli", "/from/grpc"]
