#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs first (see scripts/setup.sh).
# The interop tests with Google's ml-metadata are required here, not optional.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --python
export MLMD_REQUIRE_INTEROP=1
swift build --build-tests
swift test --skip-build "$@"
# `mlmd serve` through MLMD's own client: MLMD's test suite (metadata_store_test.py from the
# wheel, on a fresh store, minus the tests scripts/server/mlmd_test_suite.deselect names and
# COMPATIBILITY.md explains), then the project's own client tests.
bash scripts/server/mlmd_test_suite.sh
bash scripts/server/client_tests.sh
# Then fuzz the filter query, JSON and journal parsers for MLMD_FUZZ_SECONDS each (default 60;
# 0 skips): a separate debug build with -sanitize=fuzzer in .build-fuzz (see scripts/fuzz.sh).
if [ "${MLMD_FUZZ_SECONDS:-60}" != 0 ]; then
    MLMD_FUZZ_SECONDS="${MLMD_FUZZ_SECONDS:-60}" bash scripts/fuzz.sh
fi
