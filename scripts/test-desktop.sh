#!/usr/bin/env bash
# The desktop app's tests: installs the tools (scripts/setup-desktop.sh), builds the UI
# (scripts/build-ui.sh → ui/dist, embedded at compile time), then runs src-tauri's tests: the
# contract test (protocol ↔ build.rs ↔ handlers ↔ capability), the service tests (10,000-client
# list timing) and the end-to-end tests through the real window under Xvfb (tauri-driver +
# WebKitWebDriver, the real model). Screenshots: $E2E_SCREENSHOTS or $CARGO_TARGET_DIR/e2e-screenshots.
set -euo pipefail
# The models directory is always the source tree's: a dev build of the desktop app copies
# models/manifest.json beside the binaries in the shared target dir, which `copilot` would
# otherwise take as the installed layout and fetch the weights there.
export COPILOT_MODEL_DIR="${COPILOT_MODEL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/models}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/wealth-copilot/target}"
tools="${WEALTH_COPILOT_TOOLS:-/var/cache/wealth-copilot/tools}"
export PATH="$tools/bin:$PATH"

"$root/scripts/setup-desktop.sh"
"$root/scripts/build-ui.sh"
# The UI's host-side tests (i18n table complete in both languages, masking, offsets, the UI's
# command list equals the protocol's).
(cd "$root/ui" && cargo test --locked -q)
# The e2e tests use the real model (models/manifest.json's default). This also builds the
# `copilot` CLI beside the app: the review e2e test runs it as "laptop B" (bundles).
(cd "$root" && cargo run -q -p copilot-cli -- models fetch >/dev/null)

cd "$root/src-tauri"
# Builds the app binary too (the e2e test launches CARGO_BIN_EXE_wealth-copilot-desktop).
cargo build --locked
export E2E_REQUIRED=1
# One test at a time: the e2e tests each start Xvfb, tauri-driver and the app, and time them.
cargo test --locked -- --test-threads=1 --nocapture 2>&1 | tee "$CARGO_TARGET_DIR/test-desktop.log"
grep -h "FIGURE" "$CARGO_TARGET_DIR/test-desktop.log" || true
