#!/usr/bin/env bash
# Runs MLMD's own test suite (metadata_store_test.py from the installed ml-metadata wheel) over
# gRPC against `mlmd serve` on a fresh, empty store, as issue 12 and COMPATIBILITY.md describe.
#
# The suite needs one new store per run (fixed external ids, store-wide counts) and its tests in
# their usual order. Four gRPC-only tests have bugs in the file itself (three call
# `_get_metadata_store(...)` without `self.cli_args`, one writes `self.self.cli_args`); a
# temporary copy is corrected for exactly those calls. Nothing of MLMD's file is committed.
#
# usage: scripts/server/mlmd_test_suite.sh [pytest options…]
#   MLMD_SERVE: the mlmd-serve binary (default .build/debug/mlmd-serve)
#   MLMD_SUITE_DESELECT: file with one test name per line to deselect (default
#     scripts/server/mlmd_test_suite.deselect: the store's documented differences)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
python=.venv-mlmd/bin/python
serve=${MLMD_SERVE:-.build/debug/mlmd-serve}
mlmd=$(dirname "$serve")/mlmd
deselect_file=${MLMD_SUITE_DESELECT:-scripts/server/mlmd_test_suite.deselect}

package=$("$python" -c 'import ml_metadata, os; print(os.path.dirname(ml_metadata.__file__))')
work=$(mktemp -d "${TMPDIR:-/tmp}/mlmd-suite.XXXXXX")
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# The suite, corrected for its four gRPC-only bugs. Each substitution must apply exactly as
# often as expected, so that a different wheel fails loudly instead of running unpatched.
cp "$package/metadata_store/metadata_store_test.py" "$package/metadata_store/conftest.py" "$work/"
"$python" - "$work/metadata_store_test.py" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
fixes = [
    ("_get_metadata_store(grpc_max_receive_message_length=100)",
     "_get_metadata_store(self.cli_args, grpc_max_receive_message_length=100)", 1),
    ("_get_metadata_store(self.self.cli_args, grpc_max_receive_message_length=1)",
     "_get_metadata_store(self.cli_args, grpc_max_receive_message_length=1)", 1),
    ("_get_metadata_store(grpc_http2_max_ping_strikes=0)",
     "_get_metadata_store(self.cli_args, grpc_http2_max_ping_strikes=0)", 1),
    ("_get_metadata_store(grpc_client_timeout_sec=0)",
     "_get_metadata_store(self.cli_args, grpc_client_timeout_sec=0)", 1),
]
for old, new, count in fixes:
    found = text.count(old)
    if found != count:
        sys.exit(f"metadata_store_test.py: expected {count} of {old!r}, found {found}: not the 1.17.1 file?")
    text = text.replace(old, new)
open(path, "w").write(text)
PY

"$mlmd" init "$work/store" >/dev/null
"$serve" --store "$work/store" --port 0 >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 1 600); do  # up to 60 s: a debug build on a loaded machine
    grep -q "ready on" "$work/serve.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; echo "mlmd serve did not start" >&2; exit 1; }
    sleep 0.1
done
port=$(sed -n 's/.*ready on .*:\([0-9]*\)$/\1/p' "$work/serve.out")
[ -n "$port" ] || { echo "mlmd serve printed no ready line" >&2; exit 1; }

deselect=()
if [ -f "$deselect_file" ]; then
    while IFS= read -r line; do
        line=${line%%#*}; line=${line// /}
        [ -n "$line" ] && deselect+=(--deselect "metadata_store_test.py::$line")
    done <"$deselect_file"
fi

status=0
(cd "$work" && "$root/$python" -m pytest metadata_store_test.py -p no:cacheprovider --tb=line -q \
    --use_grpc_backend --grpc_host 127.0.0.1 --grpc_port "$port" "${deselect[@]}" "$@") || status=$?
if [ "$status" != 0 ]; then
    echo "--- mlmd serve's log of failed calls (last 40 lines) ---" >&2
    tail -n 40 "$work/serve.log" >&2
fi
exit "$status"
