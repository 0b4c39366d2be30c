#!/usr/bin/env python3
"""Puts mlmd-bench and bench_mlmd.py results side by side: one markdown table per scale.

usage: compare_bench.py RESULTS_DIR   (reads mlmetadata-N.json and mlmd-N.json)
"""
import glob
import json
import os
import re
import sys


def get(data, path):
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


# (label, json path, scale, unit, count path)
ROWS = [
    ("a) register 8+7+3 types", "register_types.total_s", 1e3, "ms", None),
    ("b) pipeline run (7 put_execution), median", "pipeline_runs.per_run_median_s", 1e3, "ms", None),
    ("b) per put_execution, mean", "pipeline_runs.per_put_execution_mean_s", 1e3, "ms", None),
    ("c) put_artifacts, per batch of 1000", "bulk_put_artifacts.per_batch_median_s", 1e3, "ms", None),
    ("d) get_artifacts_by_type('Model')", "reads.get_artifacts_by_type_Model.median_s", 1e3, "ms",
     "reads.get_artifacts_by_type_Model.check.count"),
    ("d) get_artifacts_by_type('Examples')", "reads.get_artifacts_by_type_Examples.median_s", 1e3, "ms",
     "reads.get_artifacts_by_type_Examples.check.count"),
    ("d) get_artifacts_by_id, 1000 ids", "reads.get_artifacts_by_id_1000.median_s", 1e3, "ms",
     "reads.get_artifacts_by_id_1000.check.count"),
    ("d) get_artifacts_by_context(run)", "reads.get_artifacts_by_context_run.median_s", 1e3, "ms",
     "reads.get_artifacts_by_context_run.check.count"),
    ("d) filter Q1, paged, newest first", "reads.get_artifacts_filter_model_accuracy.median_s", 1e3, "ms",
     "reads.get_artifacts_filter_model_accuracy.check.count"),
    ("d) filter Q2, paged, newest first", "reads.get_artifacts_filter_bulk_version_quality.median_s", 1e3, "ms",
     "reads.get_artifacts_filter_bulk_version_quality.check.count"),
    ("d) get_events_by_execution_ids(run)", "reads.get_events_by_execution_ids_run.median_s", 1e3, "ms",
     "reads.get_events_by_execution_ids_run.check.count"),
    ("e) lineage upstream, 20 hops", "lineage.lineage_upstream_20hops.median_s", 1e3, "ms",
     "lineage.lineage_upstream_20hops.check.artifacts"),
    ("e) lineage bidirectional, 20 hops", "lineage.lineage_bidirectional_20hops.median_s", 1e3, "ms",
     "lineage.lineage_bidirectional_20hops.check.artifacts"),
    ("f) reopen + get_artifact_types", "reopen.median_s", 1e3, "ms", None),
    ("g) size on disk", "store_size.mib", 1, "MiB", None),
]
OURS_ONLY = [
    ("b') pipeline run, full durability, median", "pipeline_runs_full_durability.per_run_median_s", 1e3, "ms"),
    ("f') reopen with the file-by-file check", "reopen_thorough.median_s", 1e3, "ms"),
    ("index: read + decode every file (all cores)", "index.read_and_decode_all.median_s", 1, "s"),
    ("index: full rebuild", "index.rebuild.median_s", 1, "s"),
    ("index: refresh after a checkout of 1% of files", "index.refresh_after_checkout_1pct.median_s", 1e3, "ms"),
    ("files in the store", "store_size.files", 1, ""),
    ("g) of which the files (what git stores)", "store_size.files_mib", 1, "MiB"),
]


def fmt(value, scale):
    if value is None:
        return "—"
    value *= scale
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def main(folder):
    scales = sorted({int(m.group(1)) for f in glob.glob(os.path.join(folder, "mlmetadata-*.json"))
                     if (m := re.search(r"-(\d+)\.json$", f))})
    print("# mlmd-bench vs. MLMD 1.17.1 (bench_mlmd.py), same machine, same run\n")
    for n in scales:
        ours = json.load(open(os.path.join(folder, f"mlmetadata-{n}.json")))
        path = os.path.join(folder, f"mlmd-{n}.json")
        theirs = json.load(open(path)) if os.path.exists(path) else {}
        print(f"## N = {n:,}\n")
        print("| Metric | MLMetadata | MLMD | MLMD ÷ MLMetadata | results |")
        print("|---|---|---|---|---|")
        for label, key, scale, unit, count in ROWS:
            a, b = get(ours, key), get(theirs, key)
            ratio = f"{b / a:,.1f}×" if a and b else "—"
            counts = f"{get(ours, count)} / {get(theirs, count)}" if count else ""
            print(f"| {label} ({unit}) | {fmt(a, scale)} | {fmt(b, scale)} | {ratio} | {counts} |")
        for label, key, scale, unit in OURS_ONLY:
            print(f"| {label} ({unit}) | {fmt(get(ours, key), scale)} | | | |")
        print(f"\nAll checks: MLMetadata {ours.get('all_checks_ok')}, MLMD {theirs.get('all_checks_ok')}.\n")

    git_scales = sorted({int(m.group(1)) for f in glob.glob(os.path.join(folder, "git-commit-*.json"))
                         if (m := re.search(r"-(\d+)\.json$", f))})
    if git_scales:
        print("## Committing one pipeline run to git (mlmd-bench --scenario git-commit)\n")
        print("| N | libgit2 (ms) | blobs | trees | pack + commit | repository index | git add + git commit (ms) | ratio | files | index entries |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for n in git_scales:
            g = json.load(open(os.path.join(folder, f"git-commit-{n}.json")))["git_commit"]
            b = g["libgit2"]["breakdown_median_s"]
            print(f"| {n:,} | {fmt(g['libgit2']['median_s'], 1e3)} | {fmt(b['blobs'], 1e3)} | {fmt(b['trees'], 1e3)} | "
                  f"{fmt(b['commit'], 1e3)} | {fmt(b['index'], 1e3)} | {fmt(g['git_cli']['median_s'], 1e3)} | "
                  f"{g['ratio_git_cli_over_libgit2']:.1f}× | {g['files_per_commit_median']:.0f} | {g['repository_index_entries']:,} |")
        print()


if __name__ == "__main__":
    main(sys.argv[1])
