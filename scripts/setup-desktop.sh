#!/usr/bin/env bash
# Installs what the desktop build, packaging and end-to-end tests need (idempotent; Debian/Ubuntu):
# Tauri's Linux packages, WebKitWebDriver and Xvfb, the wasm target, and into the tools root
# (/var/cache/wealth-copilot/tools, kept between CI runs): wasm-bindgen-cli =0.2.130 (the UI crate's
# wasm-bindgen version), tauri-driver 2.1.0 and tauri-cli 2.12 (≈12 min the first time).
set -euo pipefail
TOOLS="${COPILOT_TOOLS_ROOT:-/var/cache/wealth-copilot/tools}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/wealth-copilot/target}"
export PATH="$TOOLS/bin:$PATH"

need=()
for pkg in libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libgtk-3-dev librsvg2-dev \
  libayatana-appindicator3-dev webkit2gtk-driver xvfb xauth; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-desktop: apt installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# cargo install TOOL VERSION-CHECK ARGS… — skipped when the binary already reports the wanted version.
install_tool() {
  local bin="$1" want="$2"; shift 2
  if [ -x "$TOOLS/bin/$bin" ] && "$TOOLS/bin/$bin" --version 2>/dev/null | grep -Eq "$want"; then
    return 0
  fi
  echo "setup-desktop: cargo install $*" >&2
  # Tools get their own target dir so their builds don't evict the app's artefacts.
  CARGO_TARGET_DIR="$TOOLS/build" cargo install --root "$TOOLS" "$@"
}
# Not --locked: wasm-bindgen-cli's lockfile pins a crate version the registry lacks.
install_tool wasm-bindgen ' 0\.2\.130' wasm-bindgen-cli --version =0.2.130
# tauri-driver --version prints nothing useful in 2.x: check the cargo install record instead.
if ! grep -q '"tauri-driver 2.1.0' "$TOOLS/.crates2.json" 2>/dev/null; then
  CARGO_TARGET_DIR="$TOOLS/build" cargo install --root "$TOOLS" tauri-driver --version =2.1.0 --locked
fi
install_tool cargo-tauri 'tauri-cli 2\.1[2-9]\.' tauri-cli --version '^2.12' --locked
command -v WebKitWebDriver >/dev/null || { echo "setup-desktop: WebKitWebDriver missing" >&2; exit 1; }
echo "setup-desktop: ok ($TOOLS/bin: $(ls "$TOOLS/bin" | tr '\n' ' '))" >&2
