#!/bin/sh
# Seal the sample content's replies (docs/CONTENT.md, "Sealed replies").
# The plain replies, with their receipt codes, live in
# scripts/sample-replies.json (sample data, so a person can try the codes
# listed in docs/CONTENT.md); assets/content/sample.json carries only their
# lookups and boxes, under a new random salt each time.
# Usage: scripts/seal-sample.sh [BUILD_DIR]     (after make)
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
[ -x "$B/kioskctl" ] || { echo "seal-sample: $B/kioskctl is missing: run make first" >&2; exit 1; }
"$B/kioskctl" seal-replies --replies scripts/sample-replies.json \
    assets/content/sample.json assets/content/sample.json
