#!/usr/bin/env python3
"""Many clients at once: C processes record pipeline runs into ONE store at the same time.

Compares two set-ups, one after the other on the same machine:

  sqlite  MLMD 1.17.1 in-process: every client process opens the same MLMD SQLite file
          (ConnectionConfig.sqlite.filename_uri, READWRITE_OPENCREATE) with MLMD's Python library.
  serve   `mlmd serve`: a fresh store (`mlmd init`), one `mlmd-serve --port 0`, and every client
          process talks to it with MLMD's official gRPC client (MetadataStoreClientConfig).

Each client records --runs-per-client pipeline runs shaped like the benchmark scenario's phase b)
(../shared/bench/scenario.md; protos built with bench_mlmd.py's own helpers): 7 put_execution
calls per run, each with a COMPLETE execution, its input artifacts by id, new output artifacts
with INPUT/OUTPUT events, and the contexts [pipeline, pipeline_run, node] with
force_reuse_context=True. The pipeline and node contexts and the types are created once before
the clients start (as the first run does in the scenario), so every client updates the same
shared contexts, as concurrent TFX runs of one pipeline do. Each client's run has its own
pipeline_run context; its Evaluator reads the client's previous Model as baseline.

Timed: every put_execution call as the caller sees it, from the first attempt to the success,
including the MLMD client's own retries (on ABORTED it makes up to 5 attempts, with random
sleeps of mean 2 s between them) and any repeat this script makes after an error reached the
caller anyway (the call is a transaction, so it is repeated, up to --max-app-retries times). Throughput: runs (and
calls) completed by all clients, divided by the time from the common start (a barrier after every
client has opened its store) to the last client's end. ABORTED errors seen by the client and
errors that reached the caller are counted by kind and reported. At the end the store is opened
once more and its executions, artifacts and events are counted against what was written.

usage: scripts/server/bench_concurrent.py [--backends serve,sqlite] [--clients 8]
           [--runs-per-client 100] [--rounds 1] [--json-out FILE] [--md-out FILE] [--work DIR]
       scripts/server/bench_concurrent.py --render FILE.json [--md-out FILE]   (the table again)
  MLMD_SERVE (or --serve): the mlmd-serve binary (default .build-bench/release/mlmd-serve);
  `mlmd` is taken from the same folder. MLMD_HARNESS: bench_mlmd.py (default
  ../shared/bench/bench_mlmd.py). Run it with .venv-mlmd/bin/python (ml-metadata 1.17.1).
"""

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HARNESS = os.environ.get("MLMD_HARNESS",
                         os.path.join(ROOT, "..", "shared", "bench", "bench_mlmd.py"))
sys.path.insert(0, os.path.dirname(os.path.abspath(HARNESS)))
import bench_mlmd as H  # noqa: E402  (the harness as shipped: only its helpers are used)

import ml_metadata  # noqa: E402
from ml_metadata import errors, metadata_store  # noqa: E402
from ml_metadata.proto import metadata_store_pb2 as pb  # noqa: E402


# ----------------------------------------------------------------------------
# Stores
# ----------------------------------------------------------------------------

def sqlite_config(path):
    config = pb.ConnectionConfig()
    config.sqlite.filename_uri = path
    config.sqlite.connection_mode = pb.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    return config


def grpc_config(port):
    config = pb.MetadataStoreClientConfig(host="127.0.0.1", port=port)
    config.channel_arguments.max_receive_message_length = 1 << 30
    return config


def open_store(kind, config_bytes):
    config = (pb.ConnectionConfig() if kind == "sqlite" else pb.MetadataStoreClientConfig())
    config.ParseFromString(config_bytes)
    return metadata_store.MetadataStore(config)


def error_kind(exc):
    """A short, stable name for an error: class plus the message without numbers."""
    text = re.sub(r"\d+", "#", str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    return f"{type(exc).__name__}: {text[:60]}"


class CountingStore:
    """Counts the ABORTED errors MLMD's client sees (and retries) under one store object."""

    def __init__(self, store):
        self.store = store
        self.aborted = Counter()
        inner = store._call_method  # the client's _call retries ABORTED around this method

        def counted(method_name, request, response):
            try:
                return inner(method_name, request, response)
            except errors.AbortedError as exc:
                self.aborted[error_kind(exc)] += 1
                raise
        store._call_method = counted


# ----------------------------------------------------------------------------
# One client process
# ----------------------------------------------------------------------------

def client_main(index, kind, config_bytes, setup, runs, max_app_retries, barrier, results):
    try:
        client_body(index, kind, config_bytes, setup, runs, max_app_retries, barrier, results)
    except BaseException as exc:  # report instead of leaving the driver waiting
        barrier.abort()
        results.put({"index": index, "fatal": error_kind(exc)})


def client_body(index, kind, config_bytes, setup, runs, max_app_retries, barrier, results):
    rng = random.Random(1000 + index)
    opened_after_errors = Counter()
    for attempt in range(50):
        try:
            store = open_store(kind, config_bytes)
            break
        except Exception as exc:  # opening MLMD's SQLite file can itself meet a lock
            opened_after_errors[error_kind(exc)] += 1
            time.sleep(0.05 * (attempt + 1))
    else:
        barrier.abort()
        results.put({"index": index, "fatal": "could not open the store",
                     "open_errors": dict(opened_after_errors)})
        return
    counting = CountingStore(store)
    type_ids = setup["type_ids"]
    pipeline_ctx = pb.Context()
    pipeline_ctx.ParseFromString(setup["pipeline_ctx"])
    node_ctx = {}
    for comp, data in setup["node_ctx"].items():
        node_ctx[comp] = pb.Context()
        node_ctx[comp].ParseFromString(data)

    call_latencies, run_latencies = [], []
    app_errors, failed_calls = Counter(), 0
    written = {"executions": 0, "artifacts": 0, "events": 0}
    prev_model = None
    barrier.wait()
    t_start = time.perf_counter()
    for run in range(runs):
        run_name = f"c{index}-run-{run:06d}"
        run_ctx = H.set_props(pb.Context(type_id=type_ids["pipeline_run"], name=run_name),
                              {"run_number": run, "trigger": f"client-{index}"})
        produced = {}
        run_time = 0.0
        run_ok = True
        for comp, inputs, outputs in H.PIPELINE:
            execution = H.set_props(
                pb.Execution(type_id=type_ids[comp], name=f"{run_name}.{comp}",
                             last_known_state=pb.Execution.COMPLETE),
                H.execution_properties(comp, run_name, rng))
            pairs = []
            for key, source in inputs:
                if source.startswith("prev:"):
                    if prev_model is None:
                        continue
                    artifact = prev_model
                else:
                    artifact = produced[source]
                pairs.append((artifact, H.make_event(pb.Event.INPUT, key)))
            new_artifacts = []
            for key, type_name in outputs:
                artifact = H.set_props(
                    pb.Artifact(type_id=type_ids[type_name], name=f"{run_name}.{comp}.{key}",
                                uri=f"/pipelines/{H.PIPELINE_NAME}/{comp}/{key}/{index}/{run}",
                                state=pb.Artifact.LIVE),
                    H.run_artifact_properties(type_name, run, rng, produced, prev_model))
                new_artifacts.append((f"{comp}.{key}", artifact))
                pairs.append((artifact, H.make_event(pb.Event.OUTPUT, key)))
            contexts = [pipeline_ctx, run_ctx, node_ctx[comp]]

            result = None
            t0 = time.perf_counter()
            for _ in range(max_app_retries + 1):
                try:
                    result = store.put_execution(execution, pairs, contexts,
                                                 force_reuse_context=True)
                    break
                except Exception as exc:  # an error that reached the caller (after the client's own retries)
                    app_errors[error_kind(exc)] += 1
                    time.sleep(rng.uniform(0.0, 0.02))
            elapsed = time.perf_counter() - t0
            if result is None:
                failed_calls += 1
                run_ok = False
                break
            call_latencies.append(elapsed)
            run_time += elapsed
            execution_id, artifact_ids, context_ids = result
            for context, context_id in zip(contexts, context_ids):
                context.id = context_id
            for (artifact, _), artifact_id in zip(pairs, artifact_ids):
                artifact.id = artifact_id
            for name, artifact in new_artifacts:
                produced[name] = artifact
            written["executions"] += 1
            written["artifacts"] += len(new_artifacts)
            written["events"] += len(pairs)
        if not run_ok:
            continue
        run_latencies.append(run_time)
        prev_model = produced["Trainer.model"]
    t_end = time.perf_counter()
    results.put({"index": index, "t_start": t_start, "t_end": t_end,
                 "call_latencies_s": call_latencies, "run_latencies_s": run_latencies,
                 "aborted_retried_by_client": dict(counting.aborted),
                 "errors_raised_to_caller": dict(app_errors), "failed_calls": failed_calls,
                 "open_errors": dict(opened_after_errors), "written": written})


# ----------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------

def setup_store(store):
    """Types and the shared pipeline/node contexts, as the scenario's first run creates them."""
    _, type_ids = H.phase_register_types(store)
    pipeline_ctx = H.set_props(pb.Context(type_id=type_ids["pipeline"], name=H.PIPELINE_NAME),
                               {"pipeline_root": f"/pipelines/{H.PIPELINE_NAME}"})
    node_ctx = {comp: H.set_props(pb.Context(type_id=type_ids["node"], name=f"{H.PIPELINE_NAME}.{comp}"),
                                  {"pipeline_name": H.PIPELINE_NAME, "component_type": comp})
                for comp, _, _ in H.PIPELINE}
    contexts = [pipeline_ctx] + list(node_ctx.values())
    for context, context_id in zip(contexts, store.put_contexts(contexts)):
        context.id = context_id
    return {"type_ids": type_ids, "pipeline_ctx": pipeline_ctx.SerializeToString(),
            "node_ctx": {comp: c.SerializeToString() for comp, c in node_ctx.items()}}


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), int(-(-q * len(sorted_values) // 100))))
    return sorted_values[rank - 1]


def latency_summary(values):
    values = sorted(values)
    return {"count": len(values),
            "p50_s": percentile(values, 50), "p99_s": percentile(values, 99),
            "max_s": values[-1] if values else None,
            "mean_s": sum(values) / len(values) if values else None}


def proc_stats(pid):
    """CPU seconds and peak RSS (MiB) of a running process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        hwm = None
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
        return {"cpu_s": cpu, "peak_rss_mib": hwm}
    except OSError:
        return {}


def start_server(serve, mlmd, store_dir, log_path):
    subprocess.run([mlmd, "init", store_dir], check=True, stdout=subprocess.DEVNULL)
    log = open(log_path, "w")
    proc = subprocess.Popen([serve, "--store", store_dir, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=log, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        match = re.search(r"ready on .*:(\d+)\s*$", line)
        if match:
            return proc, int(match.group(1))
    proc.kill()
    raise SystemExit(f"mlmd serve did not print its ready line; see {log_path}")


def stop_server(proc):
    stats = proc_stats(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return {**stats, "exit_code": proc.returncode}


def run_backend(kind, args, work):
    info = {"backend": kind}
    server = None
    if kind == "serve":
        store_dir = os.path.join(work, "serve-store")
        server, port = start_server(args.serve, args.mlmd, store_dir, os.path.join(work, "serve.log"))
        config = grpc_config(port)
        info.update(store=store_dir, port=port)
    else:
        db = os.path.join(work, "mlmd-concurrent.db")
        config = sqlite_config(db)
        info.update(store=db)
    config_bytes = config.SerializeToString()
    try:
        store = open_store(kind, config_bytes)
        setup = setup_store(store)
        del store

        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(args.clients)
        results = ctx.Queue()
        procs = [ctx.Process(target=client_main,
                             args=(i, kind, config_bytes, setup, args.runs_per_client,
                                   args.max_app_retries, barrier, results))
                 for i in range(args.clients)]
        for p in procs:
            p.start()
        clients = [results.get() for _ in procs]
        for p in procs:
            p.join()
        clients.sort(key=lambda c: c["index"])

        # Count what the store holds now, with a new store object.
        store = open_store(kind, config_bytes)
        executions = store.get_executions()
        artifacts = store.get_artifacts()
        events = store.get_events_by_execution_ids([e.id for e in executions]) if executions else []
        held = {"executions": len(executions), "artifacts": len(artifacts), "events": len(events)}
        del store
    finally:
        if server is not None:
            info["server"] = stop_server(server)

    fatal = [c for c in clients if "fatal" in c]
    ok = [c for c in clients if "fatal" not in c]
    calls = [x for c in ok for x in c["call_latencies_s"]]
    runs = [x for c in ok for x in c["run_latencies_s"]]
    wall = (max(c["t_end"] for c in ok) - min(c["t_start"] for c in ok)) if ok else None
    written = Counter()
    for c in ok:
        written.update(c["written"])
    aborted, raised, opened = Counter(), Counter(), Counter()
    for c in clients:
        aborted.update(c.get("aborted_retried_by_client", {}))
        raised.update(c.get("errors_raised_to_caller", {}))
        opened.update(c.get("open_errors", {}))
    info.update(
        clients=args.clients, runs_per_client=args.runs_per_client,
        wall_s=wall, runs_completed=len(runs), calls_completed=len(calls),
        runs_per_s=len(runs) / wall if wall else None,
        calls_per_s=len(calls) / wall if wall else None,
        put_execution_latency=latency_summary(calls), run_latency=latency_summary(runs),
        aborted_retried_by_client=dict(aborted), aborted_total=sum(aborted.values()),
        errors_raised_to_caller=dict(raised), errors_raised_total=sum(raised.values()),
        open_errors=dict(opened), failed_calls=sum(c.get("failed_calls", 0) for c in clients),
        clients_that_could_not_open=len(fatal),
        written=dict(written), held=held,
        check_ok=(not fatal and held == dict(written)
                  and len(runs) == args.clients * args.runs_per_client),
        per_client_wall_s=[c["t_end"] - c["t_start"] for c in ok])
    return info


LABELS = {"sqlite": "MLMD in-process, one SQLite file", "serve": "mlmd serve via gRPC"}


def fmt_ms(seconds):
    if seconds is None:
        return "—"
    ms = seconds * 1e3
    return f"{ms:,.2f}" if ms < 100 else f"{ms:,.1f}" if ms < 1000 else f"{ms:,.0f}"


def short_kind(kind):
    """An error kind for the table: MLMD's messages that go on with the request are cut there."""
    match = re.match(r"(.*?type_id: #)", kind)
    return match.group(1) + " …" if match else kind


def kinds_text(counter):
    if not counter:
        return "0"
    short = Counter()
    for kind, n in counter.items():
        short[short_kind(kind)] += n
    return f"{sum(short.values()):,} (" + "; ".join(f"{n:,}× {k}" for k, n in
                                                    sorted(short.items(), key=lambda kv: -kv[1])) + ")"


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def markdown(report):
    """One table: per set-up, the median over the rounds (min – max when there are several);
    error counts are summed over the rounds. Then one line per round."""
    entries = report["backends"]
    kinds = list(dict.fromkeys(b["backend"] for b in entries))
    by_kind = {k: [b for b in entries if b["backend"] == k] for k in kinds}
    rounds = report.get("rounds", 1)
    first = entries[0]
    out = [f"{first['clients']} client processes at once, {first['runs_per_client']} pipeline runs "
           f"(7 `put_execution` each) per client, into one fresh store; {rounds} round(s), each running "
           f"{' then '.join(LABELS[k] for k in kinds)}; started {report['env']['started']}. "
           "Latency = one `put_execution` as the caller sees it, retries included"
           + (". Cells: median over the rounds (min – max)." if rounds > 1 else "."), ""]
    out.append("| | " + " | ".join(LABELS[k] for k in kinds) + " |")
    out.append("|---|" + "--:|" * len(kinds))

    def numeric(label, fn, text):
        cells = []
        for k in kinds:
            values = [fn(b) for b in by_kind[k]]
            values = [v for v in values if v is not None]
            if not values:
                cells.append("—")
            elif len(values) == 1:
                cells.append(text(values[0]))
            else:
                cells.append(f"{text(median(values))} ({text(min(values))} – {text(max(values))})")
        out.append(f"| {label} | " + " | ".join(cells) + " |")

    def summed(label, key):
        cells = []
        for k in kinds:
            total = Counter()
            for b in by_kind[k]:
                total.update(b[key])
            per_round = " / ".join(f"{sum(b[key].values()):,}" for b in by_kind[k])
            cells.append(kinds_text(total) + (f"; per round {per_round}" if rounds > 1 else ""))
        out.append(f"| {label} | " + " | ".join(cells) + " |")

    numeric("wall time, first start to last end (s)", lambda b: b["wall_s"], lambda v: f"{v:.2f}")
    numeric("throughput (runs/s)", lambda b: b["runs_per_s"], lambda v: f"{v:,.1f}")
    numeric("throughput (`put_execution` calls/s)", lambda b: b["calls_per_s"], lambda v: f"{v:,.0f}")
    for key, name in (("p50_s", "p50"), ("p99_s", "p99"), ("max_s", "max"), ("mean_s", "mean")):
        numeric(f"`put_execution` latency, {name} (ms)", lambda b, k=key: b["put_execution_latency"][k], fmt_ms)
    for key, name in (("p50_s", "p50"), ("p99_s", "p99"), ("max_s", "max")):
        numeric(f"one run (7 calls), {name} (ms)", lambda b, k=key: b["run_latency"][k], fmt_ms)
    summed("ABORTED answers to single attempts (MLMD's client retries them, up to 5 attempts a call)",
           "aborted_retried_by_client")
    summed("calls that still failed after the client's attempts (this script then repeats the call)",
           "errors_raised_to_caller")
    summed("errors opening the store (retried)", "open_errors")
    numeric("calls given up", lambda b: b["failed_calls"], lambda v: f"{v:,.0f}")
    numeric("runs completed", lambda b: b["runs_completed"], lambda v: f"{v:,.0f}")
    out.append("| executions / artifacts / events held at the end (each round) | " + " | ".join(
        ", ".join(sorted({f"{b['held']['executions']:,} / {b['held']['artifacts']:,} / {b['held']['events']:,}"
                          for b in by_kind[k]})) for k in kinds) + " |")
    out.append("| all written, nothing lost or doubled | " + " | ".join(
        f"{sum(b['check_ok'] for b in by_kind[k])}/{len(by_kind[k])} rounds" for k in kinds) + " |")
    if "serve" in by_kind:
        numeric("server CPU time (s)", lambda b: b.get("server", {}).get("cpu_s"), lambda v: f"{v:.1f}")
        numeric("server peak RSS (MiB)", lambda b: b.get("server", {}).get("peak_rss_mib"), lambda v: f"{v:.0f}")
    if "sqlite" in by_kind and "serve" in by_kind:
        med = {k: {"runs": median([b["runs_per_s"] for b in by_kind[k]]),
                   **{q: median([b["put_execution_latency"][q + "_s"] for b in by_kind[k]])
                      for q in ("p50", "p99", "max")}} for k in ("sqlite", "serve")}
        out.append("")
        out.append(f"Medians over the rounds, mlmd serve against MLMD in-process: throughput "
                   f"{med['serve']['runs'] / med['sqlite']['runs']:.2f}× MLMD's; call latency p50 "
                   f"{fmt_ms(med['serve']['p50'])} vs {fmt_ms(med['sqlite']['p50'])} ms, p99 "
                   f"{fmt_ms(med['serve']['p99'])} vs {fmt_ms(med['sqlite']['p99'])} ms, max "
                   f"{fmt_ms(med['serve']['max'])} vs {fmt_ms(med['sqlite']['max'])} ms.")
    if rounds > 1:
        out.append("")
        out.append("| round | set-up | runs/s | calls/s | p50 (ms) | p99 (ms) | max (ms) | ABORTED attempts | calls failed after 5 attempts |")
        out.append("|--:|---|--:|--:|--:|--:|--:|--:|--:|")
        for b in entries:
            lat = b["put_execution_latency"]
            out.append(f"| {b['round']} | {LABELS[b['backend']]} | {b['runs_per_s']:,.1f} | {b['calls_per_s']:,.0f} | "
                       f"{fmt_ms(lat['p50_s'])} | {fmt_ms(lat['p99_s'])} | {fmt_ms(lat['max_s'])} | "
                       f"{b['aborted_total']:,} | {b['errors_raised_total']:,} |")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="serve,sqlite",
                        help="comma-separated, run in this order (default serve,sqlite)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs-per-client", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat every set-up this many times, alternating (default 1)")
    parser.add_argument("--max-app-retries", type=int, default=50,
                        help="retries of a call after an error reached the caller (default 50)")
    parser.add_argument("--serve", default=os.environ.get(
        "MLMD_SERVE", os.path.join(ROOT, ".build-bench", "release", "mlmd-serve")))
    parser.add_argument("--mlmd", help="the mlmd binary (default: beside --serve)")
    parser.add_argument("--work", help="scratch folder, must not hold roundN folders yet (default: a new "
                        "temporary one, removed at the end)")
    parser.add_argument("--json-out")
    parser.add_argument("--md-out")
    parser.add_argument("--render", metavar="FILE.json",
                        help="only print (and --md-out) the markdown of a report written by --json-out")
    args = parser.parse_args()
    if args.render:
        with open(args.render) as f:
            text = markdown(json.load(f))
        if args.md_out:
            with open(args.md_out, "w") as f:
                f.write(text)
        print(text)
        return 0
    args.mlmd = args.mlmd or os.path.join(os.path.dirname(args.serve), "mlmd")

    work = args.work or tempfile.mkdtemp(prefix="mlmd-concurrent-")
    os.makedirs(work, exist_ok=True)
    report = {"benchmark": "concurrent-clients",
              "env": {"python": sys.version.split()[0], "ml_metadata": ml_metadata.__version__,
                      "platform": platform.platform(), "cpus": os.cpu_count(),
                      "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "serve": args.serve},
              "rounds": args.rounds, "backends": []}
    try:
        for round_number in range(1, args.rounds + 1):
            round_work = os.path.join(work, f"round{round_number}")
            os.makedirs(round_work)
            for kind in args.backends.split(","):
                print(f"{time.strftime('%T')} concurrent: round {round_number}, {kind}, {args.clients} clients × "
                      f"{args.runs_per_client} runs", file=sys.stderr, flush=True)
                entry = run_backend(kind.strip(), args, round_work)
                entry["round"] = round_number
                report["backends"].append(entry)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    text = markdown(report)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=1)
    if args.md_out:
        with open(args.md_out, "w") as f:
            f.write(text)
    print(text)
    return 0 if all(b["check_ok"] for b in report["backends"]) else 1


if __name__ == "__main__":
    sys.exit(main())
