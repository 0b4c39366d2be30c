#!/usr/bin/env bash
# Builds the libFuzzer harness (Sources/mlmd-fuzz, declared only with MLMD_FUZZ=1) and fuzzes
# each entry point for a fixed time, starting from the committed seeds (Tests/Fuzz/corpus/) and
# every input that ever crashed (Tests/Fuzz/regressions/). Exits non-zero when libFuzzer finds a
# crash, a hang or a leak of memory past the limit; the input is left in .build-fuzz/artifacts/.
#
#   bash scripts/fuzz.sh                    # filter, json and journal, 60 s each
#   MLMD_FUZZ_SECONDS=600 bash scripts/fuzz.sh filter
#   MLMD_FUZZ_CONFIGURATION=release bash scripts/fuzz.sh
#
# New inputs libFuzzer finds go to .build-fuzz/corpus/<entry>/ (kept between runs, not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${MLMD_FUZZ_SECONDS:-60}"
# Debug builds in half the time of release (about 7 against 14 minutes on 2 busy cores) and runs
# about as many inputs a second: SQLite and the allocator dominate, not the Swift code.
configuration="${MLMD_FUZZ_CONFIGURATION:-debug}"
entries=("$@")
[ ${#entries[@]} -gt 0 ] || entries=(filter json journal)

export MLMD_FUZZ=1
# Swift's own crash backtracer would take the trap before libFuzzer and no crash input would be saved.
export SWIFT_BACKTRACE=enable=no
build=(swift build -c "$configuration" --scratch-path .build-fuzz --product mlmd-fuzz -Xswiftc -sanitize=fuzzer)
start=$(date +%s)
"${build[@]}"
echo "fuzz: build took $(( $(date +%s) - start )) s"
binary="$("${build[@]}" --show-bin-path)/mlmd-fuzz"

status=0
for entry in "${entries[@]}"; do
    case "$entry" in
        filter) max_len=4096 ;;   # room for nesting past the 100-level limit and long chains
        json) max_len=16384 ;;    # room for nesting past the JSON parser's 256 levels
        journal) max_len=4096 ;;
        *) echo "fuzz: unknown entry point $entry (filter, json, journal)" >&2; exit 2 ;;
    esac
    corpus=".build-fuzz/corpus/$entry"
    artifacts=".build-fuzz/artifacts/$entry/"
    mkdir -p "$corpus" "$artifacts"
    inputs=("$corpus" "Tests/Fuzz/corpus/$entry")
    [ -d "Tests/Fuzz/regressions/$entry" ] && inputs+=("Tests/Fuzz/regressions/$entry")
    options=(-max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048
             -artifact_prefix="$artifacts" -print_final_stats=1)
    [ -f "Tests/Fuzz/$entry.dict" ] && options+=(-dict="Tests/Fuzz/$entry.dict")
    echo "fuzz: $entry for $seconds s"
    if ! MLMD_FUZZ_ENTRY="$entry" "$binary" "${options[@]}" "${inputs[@]}"; then
        echo "fuzz: $entry FAILED; the input is in $artifacts (add it to Tests/Fuzz/regressions/$entry/)" >&2
        status=1
    fi
done
exit $status
