#!/usr/bin/env python3
"""Pairs one bench_grpc.sh scale: MLMD in-process vs. mlmd serve through gRPC, row by row.

Reads RAW/mlmd-N.json and RAW/serve-N.json (bench_mlmd.py's JSON: MLMD's own SQLite in-process,
and MLMD's client against `mlmd serve`) and RAW/run-N.json (the server's figures from
bench_grpc.sh). Writes OUT/grpc-N.json (both results, the pairs and the target checks) and prints
the markdown table. The rows are the harness's own (../shared/bench/summarize.py ROWS), so every
figure of the scenario is paired; nothing is typed by hand.

usage: compare_grpc.py OUT N [--raw RAW]   (RAW defaults to OUT/grpc-raw)
  MLMD_HARNESS: bench_mlmd.py, whose folder holds summarize.py (default ../shared/bench/bench_mlmd.py)
"""
import argparse
import importlib.util
import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HARNESS = os.environ.get("MLMD_HARNESS", os.path.join(ROOT, "..", "shared", "bench", "bench_mlmd.py"))


def harness_rows():
    path = os.path.join(os.path.dirname(os.path.abspath(HARNESS)), "summarize.py")
    spec = importlib.util.spec_from_file_location("summarize", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ROWS


def get(data, path):
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def fmt(value, decimals):
    return "—" if value is None else f"{value:,.{decimals}f}"


# The targets (issue 12): (label, json paths of the rows, required MLMD ÷ serve ratio).
PIPELINE = ["pipeline_runs.per_run_median_s", "pipeline_runs.per_run_mean_s"]
READS = ["reads.get_artifacts_by_type_Model.median_s", "reads.get_artifacts_by_type_Examples.median_s",
         "reads.get_artifacts_by_id_1000.median_s", "reads.get_artifacts_by_context_run.median_s",
         "reads.get_artifacts_filter_model_accuracy.median_s",
         "reads.get_artifacts_filter_bulk_version_quality.median_s",
         "reads.get_events_by_execution_ids_run.median_s"]
FILTERS_LINEAGE = ["reads.get_artifacts_filter_model_accuracy.median_s",
                   "reads.get_artifacts_filter_bulk_version_quality.median_s",
                   "lineage.lineage_upstream_20hops.median_s", "lineage.lineage_bidirectional_20hops.median_s",
                   "lineage.lineage_upstream_20hops_nodes_events_only.median_s"]
TARGETS = [
    ("pipeline run through gRPC no slower than MLMD in-process (median and mean per run)", PIPELINE, 1.0),
    ("every read (d) at least 2× faster than MLMD in-process", READS, 2.0),
    ("paged filters and lineage at least 10× faster", FILTERS_LINEAGE, 10.0),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("n", type=int)
    parser.add_argument("--raw")
    args = parser.parse_args()
    raw = args.raw or os.path.join(args.out, "grpc-raw")
    n = args.n

    def load(name):
        path = os.path.join(raw, name)
        return json.load(open(path)) if os.path.exists(path) else {}

    mlmd, serve, run = load(f"mlmd-{n}.json"), load(f"serve-{n}.json"), load(f"run-{n}.json")
    rows = harness_rows()
    labels = {path: label for label, path, _, _, _ in rows}
    pairs = []
    for label, path, scale, decimals, count_path in rows:
        a, b = get(mlmd, path), get(serve, path)
        pairs.append({"metric": label, "key": path,
                      "mlmd_inprocess": a * scale if a is not None else None,
                      "mlmd_serve_grpc": b * scale if b is not None else None,
                      "ratio_mlmd_over_serve": (a / b) if a and b else None,
                      "decimals": decimals,
                      "count_mlmd": get(mlmd, count_path) if count_path else None,
                      "count_serve": get(serve, count_path) if count_path else None})
    by_key = {p["key"]: p for p in pairs}
    targets = []
    for label, keys, need in TARGETS:
        items = [{"metric": labels[k], "ratio": by_key[k]["ratio_mlmd_over_serve"],
                  "met": by_key[k]["ratio_mlmd_over_serve"] is not None
                  and by_key[k]["ratio_mlmd_over_serve"] >= need} for k in keys]
        targets.append({"target": label, "required_ratio": need, "met": all(i["met"] for i in items),
                        "rows": items})

    combined = {"n": n, "mlmd_inprocess": mlmd, "mlmd_serve_grpc": serve, "run": run,
                "pairs": pairs, "targets": targets}
    with open(os.path.join(args.out, f"grpc-{n}.json"), "w") as f:
        json.dump(combined, f, indent=1)

    counts = mlmd.get("counts") or serve.get("counts") or {}
    out = [f"#### N = {n:,}: MLMD in-process vs. mlmd serve through gRPC", ""]
    out.append(f"R = {counts.get('runs', 0):,} runs, {counts.get('artifacts_total', 0):,} artifacts, "
               f"{counts.get('events', 0):,} events. Both sides: bench_mlmd.py as shipped, MLMD's Python "
               f"client (ml-metadata {get(mlmd, 'env.ml_metadata') or get(serve, 'env.ml_metadata')}), "
               "back to back on the same machine: mlmd serve first "
               f"(harness started {get(serve, 'env.started')}), then MLMD in-process "
               f"(started {get(mlmd, 'env.started')}). "
               "× = MLMD in-process ÷ mlmd serve (above 1: mlmd serve is faster, or smaller).")
    out.append("")
    out.append("| Metric | MLMD in-process | mlmd serve via gRPC | × | results (MLMD / serve) |")
    out.append("|---|--:|--:|--:|---|")
    for p in pairs:
        ratio = f"{p['ratio_mlmd_over_serve']:,.2f}×" if p["ratio_mlmd_over_serve"] else "—"
        counts_text = (f"{p['count_mlmd']:,} / {p['count_serve']:,}"
                       if p["count_mlmd"] is not None and p["count_serve"] is not None else "")
        out.append(f"| {p['metric']} | {fmt(p['mlmd_inprocess'], p['decimals'])} | "
                   f"{fmt(p['mlmd_serve_grpc'], p['decimals'])} | {ratio} | {counts_text} |")
    out.append(f"| all result checks passed | {mlmd.get('all_checks_ok')} | {serve.get('all_checks_ok')} | | |")
    out.append("")
    if run:
        out.append(f"mlmd serve: `mlmd init` plus start until the ready line {run.get('ready_s', 0):.2f} s; server CPU time "
                   f"{run.get('server_cpu_s', 0):,.1f} s (user+system) and peak RSS "
                   f"{run.get('server_peak_rss_mib', 0):,.0f} MiB over the harness run; one call's floor "
                   f"(median of 200 `get_artifact_types()` through MLMD's client afterwards) "
                   f"{run.get('rpc_floor_ms', 0):.3f} ms; exit code "
                   f"{run.get('server_exit_code')} after SIGTERM; {run.get('server_log_lines', 0)} line(s) in its "
                   f"log. Wall time: gRPC side {run.get('serve_wall_s', 0):,.0f} s (init, start, harness, "
                   f"stop), in-process side {run.get('inprocess_wall_s', 0):,.0f} s.")
        out.append("")
    out.append("| Target (issue 12) | Met at this N? | × per row |")
    out.append("|---|---|---|")
    for t in targets:
        detail = "; ".join(f"{i['metric'].split(' (')[0]}: "
                           + (f"{i['ratio']:.2f}×" if i["ratio"] else "—")
                           + ("" if i["met"] else " **(miss)**") for i in t["rows"])
        out.append(f"| {t['target']} | {'**met**' if t['met'] else '**missed**'} | {detail} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
