#!/usr/bin/env bash
# The demo: sets up what is missing, builds mlmd, records the embedded sample pipeline (three
# runs of a TFX-like pipeline, the same bytes as sample-store/) into a store in a fresh git
# repository, one commit per run, and shows it through the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product mlmd
mlmd="$(swift build --show-bin-path)/mlmd"

repository="$(mktemp -d)/demo"
trap 'rm -rf "$(dirname "$repository")"' EXIT
mkdir -p "$repository" && cd "$repository"
git init -q -b main .
git config user.name "MLMetadata demo" && git config user.email "demo@example.com"

step() { printf '\n\033[1m$ mlmd %s\033[0m\n' "$*"; "$mlmd" "$@"; }
step init metadata --commit-runs
step example metadata
cd metadata
step runs
step list artifacts --filter "type = 'ModelEvaluation' AND custom_properties.accuracy.double_value > 0.85"
step lineage Model@latest --upstream
step fsck
step runs --at HEAD~1
step diff HEAD~1 HEAD
step log
