#!/usr/bin/env bash
# The benchmark scenario through gRPC (issue 12): MLMD's own client against `mlmd serve`, paired
# row by row with MLMD 1.17.1 in-process on its own SQLite, run back to back on this machine.
#
# For each N:
#   1. `mlmd init` a fresh store and start the release `mlmd-serve --store STORE --port 0`;
#      wait for its "mlmd serve: ready on 127.0.0.1:PORT" line.
#   2. Run ../shared/bench/bench_mlmd.py (as shipped) with --store-factory grpc:127.0.0.1:PORT
#      --db STORE (same scenario options as the in-process run: the harness's defaults).
#   3. Time the floor of one call (median of 200 get_artifact_types() on the same server), record
#      the server's CPU time and peak RSS, stop it with SIGTERM and wait for it.
#   4. Run the same harness on MLMD's SQLite in-process (fresh db, same N).
#   5. scripts/server/compare_grpc.py pairs every row: OUT/grpc-N.json (both results, the pairs,
#      the issue's target checks) and OUT/grpc-N.md (the table).
# Raw files go to OUT/grpc-raw/: serve-N.json/.txt, mlmd-N.json/.txt (the harness's JSON and
# printed summary), run-N.json (server figures, wall times), serve-N.log (the server's stderr).
#
# usage: scripts/server/bench_grpc.sh [N ...]        (default: 1000 10000)
#   MLMD_SERVE    the mlmd-serve binary (default .build-bench/release/mlmd-serve); `mlmd` is taken
#                 from the same folder. Build both (one product per command: given --product twice,
#                 swift build builds only the last):
#                   swift build -c release --product mlmd --scratch-path .build-bench
#                   swift build -c release --product mlmd-serve --scratch-path .build-bench
#   MLMD_HARNESS  bench_mlmd.py (default ../shared/bench/bench_mlmd.py)
#   OUT           results folder (default bench-results)
#   KEEP_STORES=1 keep the scratch stores (printed at the end) instead of deleting them
# Stores are deleted only after every scale ran (deleting many files slows later file creation).
set -euo pipefail
cd "$(dirname "$0")/../.."
SERVE=${MLMD_SERVE:-.build-bench/release/mlmd-serve}
MLMD=$(dirname "$SERVE")/mlmd
HARNESS=${MLMD_HARNESS:-../shared/bench/bench_mlmd.py}
OUT=${OUT:-bench-results}
PY=.venv-mlmd/bin/python
RAW=$OUT/grpc-raw
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(1000 10000)
for tool in "$SERVE" "$MLMD" "$PY" "$HARNESS"; do
    [ -e "$tool" ] || { echo "bench_grpc.sh: $tool not found" >&2; exit 1; }
done
mkdir -p "$RAW"
work=$(mktemp -d "${TMPDIR:-/tmp}/mlmd-grpc-bench-XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ "${KEEP_STORES:-}" = 1 ]; then echo "stores kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# CPU seconds (user + system) of a process, from /proc/PID/stat (fields 14 and 15, in clock ticks).
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }
peak_rss_mib() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

for n in "${scales[@]}"; do
    store=$work/serve-$n
    echo "$(date +%T) n=$n: mlmd serve through gRPC"
    t0=$(now)
    "$MLMD" init "$store" >/dev/null
    "$SERVE" --store "$store" --port 0 >"$work/serve-$n.out" 2>"$RAW/serve-$n.log" &
    server_pid=$!
    for _ in $(seq 1 300); do
        grep -q "ready on" "$work/serve-$n.out" 2>/dev/null && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$RAW/serve-$n.log" >&2; echo "mlmd serve did not start" >&2; exit 1; }
        sleep 0.1
    done
    port=$(sed -n 's/.*ready on .*:\([0-9]*\)$/\1/p' "$work/serve-$n.out")
    [ -n "$port" ] || { echo "mlmd serve printed no ready line" >&2; exit 1; }
    t_ready=$(now)
    serve_rc=0
    "$PY" "$HARNESS" --n "$n" --store-factory "grpc:127.0.0.1:$port" --db "$store" \
        --json-out "$RAW/serve-$n.json" --quiet >"$RAW/serve-$n.txt" || serve_rc=$?
    cat "$RAW/serve-$n.txt"
    # The floor of one call: 200 get_artifact_types() through MLMD's client on the same server.
    floor_ms=$("$PY" - "$port" <<'PY'
import statistics, sys, time
from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2 as pb
store = metadata_store.MetadataStore(pb.MetadataStoreClientConfig(host="127.0.0.1", port=int(sys.argv[1])))
samples = []
for _ in range(200):
    t0 = time.perf_counter()
    store.get_artifact_types()
    samples.append(time.perf_counter() - t0)
print(f"{statistics.median(samples) * 1e3:.3f}")
PY
)
    cpu=$(cpu_seconds "$server_pid")
    rss=$(peak_rss_mib "$server_pid")
    kill -TERM "$server_pid"
    server_rc=0
    wait "$server_pid" || server_rc=$?
    server_pid=
    t1=$(now)

    echo "$(date +%T) n=$n: MLMD in-process (SQLite)"
    mlmd_rc=0
    "$PY" "$HARNESS" --n "$n" --db "$work/mlmd-$n.db" --json-out "$RAW/mlmd-$n.json" --quiet \
        >"$RAW/mlmd-$n.txt" || mlmd_rc=$?
    cat "$RAW/mlmd-$n.txt"
    t2=$(now)

    ready_line=$(grep "serving" "$work/serve-$n.out" | head -1 | sed 's/"/\\"/g')
    log_lines=$(wc -l <"$RAW/serve-$n.log")
    cat >"$RAW/run-$n.json" <<EOF
{"n": $n, "port": $port, "ready_s": $(elapsed "$t0" "$t_ready"), "server_cpu_s": $cpu,
 "server_peak_rss_mib": $rss, "rpc_floor_ms": $floor_ms, "server_exit_code": $server_rc, "server_log_lines": $log_lines,
 "serving_line": "$ready_line",
 "serve_wall_s": $(elapsed "$t0" "$t1"), "inprocess_wall_s": $(elapsed "$t1" "$t2"),
 "harness_exit_codes": {"serve": $serve_rc, "inprocess": $mlmd_rc}}
EOF
    "$PY" scripts/server/compare_grpc.py "$OUT" "$n" >"$OUT/grpc-$n.md"
    echo "$(date +%T) n=$n: done (gRPC side $(elapsed "$t0" "$t1") s, in-process $(elapsed "$t1" "$t2") s): $OUT/grpc-$n.md"
done
