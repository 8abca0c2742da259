#!/bin/sh
# Install the Debian packages listed in scripts/packages.txt that are missing.
# Runs apt-get as root, or through sudo when not root. Exits 0 when all are
# present; when they cannot be installed (no root, no sudo, apt-get failed)
# it says in one sentence what to run, and exits 1. `make run` and
# `make test` run it first (the `deps` target). Extra package lists (e.g.
# scripts/packages-dev.txt) may be given.
set -eu
here=$(dirname "$0")
lists="$here/packages.txt $*"
want=$(grep -hv '^#' $lists | tr -s ' \n' '\n')
# One dpkg-query for all of them (make test runs this every time).
have=" "$(dpkg-query -W -f='${Package} ${Status}\n' $want 2>/dev/null |
             sed -n 's/ install ok installed$//p' | tr '\n' ' ')
missing=""
for pkg in $want; do
    case "$have" in
    *" $pkg "*) ;;
    *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
# One sentence when they cannot be installed from here.
tell() {
    echo "Lobby Kiosk needs these Debian packages:$missing; install them as root" \
         "(sudo scripts/install-deps.sh, or apt-get install$missing), then run make again." >&2
    exit 1
}
if [ "$(id -u)" -eq 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"
else tell
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || tell
$SUDO apt-get install -y -qq --no-install-recommends $missing || tell
