#!/bin/sh
# Write every screen, in both languages, landscape and portrait, as PNGs.
# Usage: tests/screenshots.sh BUILD_DIR OUT_DIR
set -eu
build=$1; out=$2
now=2026-12-01T10:00:00+08:00
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
mkdir -p "$out"
"$build/kioskctl" --data-dir "$data" import assets/content/sample.json >/dev/null
export TZ=Asia/Shanghai
for size in 1920x1080 1080x1920; do
    case $size in 1920x1080) shape=landscape;; *) shape=portrait;; esac
    for lang in zh en; do
        for screen in home notices notice:fee-accounts-2026q3 notice:water-cut-20261203 \
                      events event:owners-assembly-20261219; do
            name=$(echo "$screen" | sed 's/:.*//')
            case $screen in notice:water*) name=notice-urgent;; esac
            "$build/kiosk" --screenshot "$out/$name-$lang-$shape.png" --screen "$screen" \
                --size "$size" --lang "$lang" --now "$now" --data-dir "$data"
        done
    done
done
# The small panel, one of each.
for screen in home notices events; do
    "$build/kiosk" --screenshot "$out/$screen-zh-1280x800.png" --screen "$screen" \
        --size 1280x800 --lang zh --now "$now" --data-dir "$data"
done
echo "screenshots in $out"
