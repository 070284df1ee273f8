#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret Service),
# so keychain tests use the real OS keychain path on a headless Linux box.
#   usage: tests/support/keyring-session.sh <command> [args...]
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
# Said plainly, not as bash's "command not found" halfway through a test run.
for program in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$program" >/dev/null; then
    echo "$program is not installed, so there is no keychain to test against: apt-get install gnome-keyring dbus-x11" >&2
    exit 2
  fi
done
# A keyring folder of its own: sessions started side by side (parallel test files) must not share
# ~/.local/share/keyrings, or one daemon rewrites the file under the other and secrets vanish.
# The same for the runtime folder, which holds the daemon's control socket: with a shared one, a second session's
# daemon hands its work to the first and dies with it.
XDG_DATA_HOME="$(mktemp -d -t s3drop-keyring-XXXXXX)"
XDG_RUNTIME_DIR="$(mktemp -d -t s3drop-keyring-run-XXXXXX)"
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_DATA_HOME XDG_RUNTIME_DIR
exec dbus-run-session -- bash -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' keyring-session "$@"
