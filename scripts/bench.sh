#!/usr/bin/env bash
# Runs mlmd-bench and Google's MLMD harness (shared/bench/bench_mlmd.py) side by side on this
# machine, at each scale, then the git-commit scenario (libgit2 vs the git CLI), and writes
# bench-results/comparison.md (see BENCHMARKS.md).
#   SCALES="1000 10000 100000" bash scripts/bench.sh
# Stores are kept until every run is done: deleting many files slows file creation on some file
# systems for minutes (see shared/reference/measured-costs.md), which would distort later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=${SCALES:-"1000 10000 100000"}
HARNESS=${MLMD_HARNESS:-../shared/bench/bench_mlmd.py}
OUT=${OUT:-bench-results}
bash scripts/setup.sh --python
swift build -c release --product mlmd-bench
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/mlmd-bench-XXXXXX")
for n in $SCALES; do
  echo "$(date +%T) mlmd-bench n=$n"
  .build/release/mlmd-bench --n "$n" --db "$work/mlmetadata-$n" --json-out "$OUT/mlmetadata-$n.json" --quiet | tee "$OUT/mlmetadata-$n.txt"
  if [[ -f "$HARNESS" ]]; then
    echo "$(date +%T) bench_mlmd.py n=$n"
    .venv-mlmd/bin/python "$HARNESS" --n "$n" --db "$work/mlmd-$n.db" --json-out "$OUT/mlmd-$n.json" --quiet | tee "$OUT/mlmd-$n.txt"
  fi
  echo "$(date +%T) mlmd-bench --scenario git-commit n=$n"
  .build/release/mlmd-bench --scenario git-commit --n "$n" --db "$work/git-$n" --json-out "$OUT/git-commit-$n.json" --quiet | tee "$OUT/git-commit-$n.txt"
done
.venv-mlmd/bin/python scripts/compare_bench.py "$OUT" > "$OUT/comparison.md"
echo "$(date +%T) done: $OUT/comparison.md"
rm -rf "$work"
