#!/bin/sh
# Install the Debian packages listed in scripts/packages.txt that are missing.
# Runs apt-get as root, or through sudo when not root. Exits 0 when all are
# present. Extra package lists (e.g. scripts/packages-dev.txt) may be given.
set -eu
here=$(dirname "$0")
lists="$here/packages.txt $*"
missing=""
for pkg in $(grep -hv '^#' $lists | tr -s ' \n' '\n'); do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0
echo "Installing:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
