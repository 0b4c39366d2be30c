#!/usr/bin/env bash
# The demo: sets up what is missing, builds mlmd, and shows the embedded sample store
# (three runs of a TFX-like pipeline, sample-store/) through the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product mlmd
mlmd="$(swift build --show-bin-path)/mlmd"

# Work on a copy: the demo creates the store's index cache and must not touch the committed files.
store="$(mktemp -d)/sample-store"
trap 'rm -rf "$(dirname "$store")"' EXIT
cp -R sample-store "$store"

step() { printf '\n\033[1m$ mlmd %s\033[0m\n' "$*"; "$mlmd" "$@"; }
cd "$(dirname "$store")"
step runs --store sample-store
step list artifacts --store sample-store --filter "type = 'ModelEvaluation' AND custom_properties.accuracy.double_value > 0.85"
step lineage Model@latest --upstream --store sample-store
step show artifact Model@latest --store sample-store
step fsck --store sample-store
