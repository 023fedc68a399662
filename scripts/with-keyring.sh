#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service, so
# that tests exercise the real OS keychain (RELIABILITY.md promise 3). Usage: scripts/with-keyring.sh CMD…
set -euo pipefail
if [ -z "${COPILOT_IN_KEYRING_SESSION:-}" ]; then
  exec env COPILOT_IN_KEYRING_SESSION=1 dbus-run-session -- "$0" "$@"
fi
# A throwaway keyring home so the developer's own keyring is never touched.
export XDG_DATA_HOME="$(mktemp -d)"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
GNOME_KEYRING_PID=""
eval "$(printf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
export GNOME_KEYRING_CONTROL
cleanup() {
  # Only a real daemon pid: `kill 0` would signal this whole process group (the caller included).
  if [ -n "${GNOME_KEYRING_PID}" ] && [ "${GNOME_KEYRING_PID}" -gt 1 ] 2>/dev/null; then
    kill "${GNOME_KEYRING_PID}" 2>/dev/null || true
  fi
  rm -rf "$XDG_DATA_HOME"
}
trap cleanup EXIT
"$@"
