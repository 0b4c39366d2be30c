#!/usr/bin/env bash
# Runs `mlmd serve` through MLMD's official Python client (Tests/ServerInterop): the README's
# Python example, the conformance queries, TLS, large responses, bad input, SIGKILL recovery.
# Each test starts its own server on a fresh store; openssl makes the TLS test's certificate.
#
# usage: scripts/server/client_tests.sh [pytest options…]
#   MLMD_SERVE: the mlmd-serve binary (default .build/debug/mlmd-serve; mlmd next to it)
set -euo pipefail
cd "$(dirname "$0")/../.."
export MLMD_SERVE=${MLMD_SERVE:-$(pwd)/.build/debug/mlmd-serve}
exec .venv-mlmd/bin/python -m pytest Tests/ServerInterop -p no:cacheprovider -q --tb=short "$@"
