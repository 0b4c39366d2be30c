#!/usr/bin/env bash
# Installs what building and testing MLMetadata needs, if it is missing:
#   - Debian packages: libsqlite3-dev (GRDB), libgit2-dev (MLMetadataGit), git, pkg-config,
#     openssl (the TLS test of `mlmd serve` makes its certificate with it)
#   - with --python: a venv in .venv-mlmd with Google's ml-metadata 1.17.1 and pytest (interop
#     tests, MLMD's own test suite against `mlmd serve`)
# Safe to run again; does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_python=false
[[ "${1:-}" == "--python" ]] && want_python=true

missing=()
pkg-config --version >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists sqlite3 2>/dev/null || missing+=(libsqlite3-dev)
pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if $want_python; then
  python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

if $want_python && ! .venv-mlmd/bin/python -c "import ml_metadata, pytest" >/dev/null 2>&1; then
  echo "setup: creating .venv-mlmd with ml-metadata 1.17.1 and pytest"
  [ -x .venv-mlmd/bin/pip ] || python3 -m venv .venv-mlmd
  .venv-mlmd/bin/pip install --quiet --disable-pip-version-check ml-metadata==1.17.1 pytest
fi
