#!/usr/bin/env bash
# Builds the installable desktop app: the UI (scripts/build-ui.sh → ui/dist, embedded at compile
# time), then `cargo tauri build` → a .deb (and an .rpm when it builds offline) under
# $CARGO_TARGET_DIR/release/bundle/. AppImage is not built: it downloads linuxdeploy.
# Windows (msi/nsis) and macOS (dmg) bundles are configured in src-tauri/tauri.conf.json and are
# built on those systems with `cargo tauri build` (see installer/README.md).
#
#   scripts/package.sh              deb (+ rpm if it works)
#   BUNDLES=deb scripts/package.sh  deb only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/wealth-copilot/target}"
tools="${WEALTH_COPILOT_TOOLS:-/var/cache/wealth-copilot/tools}"
export PATH="$tools/bin:$PATH"

if ! command -v cargo-tauri >/dev/null; then
  echo "package: cargo-tauri not found; run scripts/setup-desktop.sh" >&2
  exit 1
fi
if [ ! -x "$root/scripts/build-ui.sh" ]; then
  echo "package: scripts/build-ui.sh is missing (the UI build)" >&2
  exit 1
fi
"$root/scripts/build-ui.sh"

cd "$root/src-tauri"
start=$SECONDS
cargo tauri build --bundles deb
if [ "${BUNDLES:-deb,rpm}" != "deb" ]; then
  # rpm needs no download; keep the .deb even if rpm fails on this machine.
  cargo tauri build --bundles rpm || echo "package: rpm bundle failed (the .deb is built)" >&2
fi
# Tauri names the files after productName ("Wealth Copilot_…"); IT scripts expect the package name.
version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/src-tauri/tauri.conf.json")"
bundle="$CARGO_TARGET_DIR/release/bundle"
cp -f "$bundle/deb/Wealth Copilot_${version}_amd64.deb" "$bundle/deb/wealth-copilot_${version}_amd64.deb"
if [ -f "$bundle/rpm/Wealth Copilot-${version}-1.x86_64.rpm" ]; then
  cp -f "$bundle/rpm/Wealth Copilot-${version}-1.x86_64.rpm" "$bundle/rpm/wealth-copilot-${version}-1.x86_64.rpm"
fi
echo "package: built in $((SECONDS - start)) s:" >&2
ls -l "$bundle"/deb/wealth-copilot_*.deb "$bundle"/rpm/wealth-copilot-*.rpm 2>/dev/null >&2
