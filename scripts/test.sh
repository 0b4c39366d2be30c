#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs first (see scripts/setup.sh).
# The interop tests with Google's ml-metadata are required here, not optional.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --python
export MLMD_REQUIRE_INTEROP=1
swift build --build-tests
swift test --skip-build "$@"
