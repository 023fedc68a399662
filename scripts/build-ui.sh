#!/usr/bin/env bash
# Builds the Leptos UI (ui/) to static files in ui/dist/: the wasm module, its JS glue,
# index.html, main.js and style.css. The Tauri shell embeds ui/dist at compile time, so run this
# before building src-tauri.
#
#   scripts/build-ui.sh            release profile (what the app ships)
#   UI_PROFILE=dev scripts/build-ui.sh   faster incremental builds while working on the UI
#
# Needs: the wasm32-unknown-unknown target and a `wasm-bindgen` CLI of exactly the version
# ui/Cargo.lock pins (found on PATH or in $WEALTH_COPILOT_TOOLS/bin). No wasm-opt: Debian's
# binaryen 108 produces wasm that validates but never mounts Leptos.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ui="$root/ui"
dist="$ui/dist"
profile="${UI_PROFILE:-release}"
tools="${WEALTH_COPILOT_TOOLS:-/var/cache/wealth-copilot/tools}"
export PATH="$tools/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/wealth-copilot/target}"

want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ui/Cargo.lock")"
if ! command -v wasm-bindgen >/dev/null; then
    echo "build-ui: wasm-bindgen CLI not found; install it with" >&2
    echo "  cargo install --root $tools wasm-bindgen-cli --version $want" >&2
    exit 1
fi
have="$(wasm-bindgen --version | awk '{ print $2 }')"
if [[ "$have" != "$want" ]]; then
    echo "build-ui: wasm-bindgen CLI is $have but ui/Cargo.lock pins $want" >&2
    exit 1
fi

case "$profile" in
    release) cargo_profile=(--release); out_dir=release ;;
    dev) cargo_profile=(); out_dir=debug ;;
    *) echo "build-ui: UI_PROFILE must be release or dev" >&2; exit 1 ;;
esac

start=$SECONDS
(cd "$ui" && cargo build --locked --target wasm32-unknown-unknown "${cargo_profile[@]}")
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$out_dir/copilot_ui.wasm"

rm -rf "$dist"
mkdir -p "$dist"
wasm-bindgen --target web --no-typescript --out-dir "$dist" "$wasm"
cp "$ui/index.html" "$ui/main.js" "$ui/style.css" "$dist/"

echo "build-ui: $profile build in $((SECONDS - start)) s → $dist ($(du -sh "$dist" | cut -f1))"
