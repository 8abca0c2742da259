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
# A kiosk set up as docs/OPERATIONS.md says: with a staff PIN (without one
# the pad opens saying so).
printf '246810\n246810\n' | "$build/kioskctl" --data-dir "$data" set-pin >/dev/null
export TZ=Asia/Shanghai
for size in 1920x1080 1080x1920; do
    case $size in 1920x1080) shape=landscape;; *) shape=portrait;; esac
    for lang in zh en; do
        for screen in home notices notice:fee-accounts-2026q3 notice:water-cut-20261203 \
                      notice:rules-revision-draft events event:owners-assembly-20261219 \
                      connect board staff-pin staff attract; do
            name=$(echo "$screen" | sed 's/:.*//')
            case $screen in notice:water*) name=notice-urgent;; notice:rules*) name=notice-qr;; esac
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


# A recorded character (tests/data/strokes) as replay strokes in the box
# at X, Y of side W.
strokes() {   # strokes FILE X Y W
    awk -v X="$2" -v Y="$3" -v W="$4" 'NR > 1 {
        n = split($0, a, " "); step = int(n / 60) + 1; printf "stroke"
        for (i = 1; i <= n; i += step) { split(a[i], p, ","); printf " %d %d", X + p[1] * W / 400, Y + p[2] * W / 400 }
        split(a[n], p, ","); printf " %d %d\n", X + p[1] * W / 400, Y + p[2] * W / 400 }' "$1"
}

# Handwriting (issue 15) in both shapes, languages and text sizes: 电 and 梯
# written in turn in the two boxes (梯 picked), then 坏 waiting in the first.
hand() {   # hand SIZE LANG SHAPE [large]
    d=$(mktemp -d); big=""; sfx=""
    [ "${4:-}" = large ] && { big="tap @textsize"; sfx="-large"; }
    "$build/kioskctl" --data-dir "$d" import assets/content/sample.json >/dev/null
    printf '%s\ntap @tile:suggest\ntap @topic:repairs\ntap @mode:hand\ndump %s/pad.txt\n' "$big" "$d" > "$d/a.replay"
    "$build/kiosk" --replay "$d/a.replay" --size "$1" --lang "$2" --now "$now" --data-dir "$d"
    set -- "$1" "$2" "$3" $(awk '$1 == "hit" && ($2 == "hwpad" || $2 == "hwpad2") {print $3, $4, $5}' "$d/pad.txt")
    {
        echo "$big"; echo "tap @tile:suggest"; echo "tap @topic:repairs"; echo "tap @mode:hand"
        strokes tests/data/strokes/dian.txt "$4" "$5" "$6"
        strokes tests/data/strokes/ti.txt "$7" "$8" "$6"
        echo "tap @cand:0"
        strokes tests/data/strokes/huai.txt "$4" "$5" "$6"
        echo "shot $out/suggest-hand-$2-$3$sfx.png"
    } > "$d/b.replay"
    "$build/kiosk" --replay "$d/b.replay" --size "$1" --lang "$2" --now "$now" --data-dir "$d"
    rm -rf "$d"
}
for l in zh en; do
    for t in "" large; do
        hand 1920x1080 $l landscape $t
        hand 1080x1920 $l portrait $t
    done
done

# The suggestion flow, step by step, walked with a replay script.
flow() {   # flow SIZE LANG SHAPE
    size=$1; lang=$2; shape=$3; d=$(mktemp -d); s=$d/walk.replay
    "$build/kioskctl" --data-dir "$d" import assets/content/sample.json >/dev/null
    printf 'tap @tile:suggest\ntap @topic:repairs\ntap @mode:hand\ndump %s/pad.txt\n' "$d" > "$s"
    "$build/kiosk" --replay "$s" --size "$size" --lang "$lang" --now "$now" --data-dir "$d"
    set -- $(awk '$1 == "hit" && $2 == "hwpad" {print $3, $4, $5}' "$d/pad.txt")
    px=$1; py=$2; pw=$3
    set -- $(awk '$1 == "hit" && $2 == "hwpad2" {print $3, $4}' "$d/pad.txt")
    qx=$1; qy=$2
    o="$out/suggest"
    {
        echo "tap @tile:suggest"
        echo "shot $o-1-topic-$lang-$shape.png"
        echo "tap @topic:repairs"
        echo "tap @mode:pinyin"   # English starts on ABC
        for k in s h e q u w u y e d e d i a n t i; do echo "tap @key:$k"; done
        echo "shot $o-2-write-pinyin-$lang-$shape.png"
        echo "tap @cand:0"
        echo "tap @mode:hand"
        # 电 in the first box, then the first strokes of 梯 in the second,
        # which commit 电.
        strokes tests/data/strokes/dian.txt "$px" "$py" "$pw"
        strokes tests/data/strokes/ti.txt "$qx" "$qy" "$pw" | head -4
        echo "shot $o-3-write-hand-$lang-$shape.png"
        echo "tap @hw:clear"
        echo "tap @key:bksp"   # the 电 written by hand: the text goes on by pinyin
        echo "tap @mode:pinyin"
        for k in c h a n g c h a n g; do echo "tap @key:$k"; done
        echo "tap @key:space"
        for k in h u a i; do echo "tap @key:$k"; done
        echo "tap @key:space"
        echo "tap @key:sym:，"
        for k in x i w a n g j i n k u a i x i u l i; do echo "tap @key:$k"; done
        echo "tap @key:space"
        echo "tap @key:sym:。"
        echo "shot $o-4-write-text-$lang-$shape.png"
        echo "tap @back"
        echo "shot $o-5-leave-dialog-$lang-$shape.png"
        echo "tap @dialog:keep"
        echo "wait 60000"
        echo "shot $o-6-still-there-$lang-$shape.png"
        echo "tap 5 5"
        echo "tap @next"
        echo "shot $o-7-contact-$lang-$shape.png"
        echo "tap @add-contact"
        for k in 1 3 8 0 0 1 3 8 0 0 0; do echo "tap @key:sym:$k"; done
        echo "shot $o-8-contact-given-$lang-$shape.png"
        echo "tap @back"
        echo "tap @dialog:discard"
        echo "tap @anonymous"
        echo "shot $o-9-review-$lang-$shape.png"
        echo "tap @send"
        echo "shot $o-10-sent-$lang-$shape.png"
    } > "$s"
    # The thank-you page also shows the tracking address as a QR code.
    printf '[suggest]\ntracking_url = https://cuihu-garden.example/track?code={receipt}\n' > "$d/kiosk.conf"
    "$build/kiosk" --replay "$s" --size "$size" --lang "$lang" --now "$now" --data-dir "$d" \
        --config "$d/kiosk.conf"
    rm -rf "$d"
}
# A reply looked up by receipt code.
reply() {   # reply SIZE LANG SHAPE
    d=$(mktemp -d)
    "$build/kioskctl" --data-dir "$d" import assets/content/sample.json >/dev/null
    { echo "tap @tile:reply"; for c in 7 K Q 4 M 2 X D; do echo "tap @code:$c"; done
      echo "tap @code:ok"; echo "shot $out/reply-$2-$3.png"; } > "$d/r.replay"
    "$build/kiosk" --replay "$d/r.replay" --size "$1" --lang "$2" --now "$now" --data-dir "$d"
    rm -rf "$d"
}
reply 1920x1080 zh landscape
reply 1080x1920 en portrait

# Pictures (issue 16): a notice with a stamped scan, the picture viewer
# fitted and zoomed by a double tap on its title, the board's before and
# after, in both shapes; scripts/sample-pictures.py makes the pictures.
pictures() {   # pictures SIZE LANG SHAPE [contrast]
    size=$1; lang=$2; shape=$3; d=$(mktemp -d); o="$out/pictures"
    nid=$(python3 scripts/sample-pictures.py "$d/pics")
    bid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["board"][0]["id"])' \
          "$d/pics/content.json")
    "$build/kioskctl" --data-dir "$d" import "$d/pics/content.json" >/dev/null
    mode=""; [ "${4:-}" = contrast ] && mode="-contrast"
    {
        [ -n "$mode" ] && { echo "tap @contrast"; echo "tap @textsize"; }
        echo "tap @tile:notices"; echo "tap @notice:$nid"
        echo "tap @image:$nid:0"; echo "dump $d/viewer.txt"
    } > "$d/open.replay"
    "$build/kiosk" --replay "$d/open.replay" --size "$size" --lang "$lang" --now "$now" --data-dir "$d"
    # The title of the scan is at about a ninth of its height.
    set -- $(awk '/^image / {print $2, $3, $4, $5}' "$d/viewer.txt")
    tx=$(($1 + $3 / 2)); ty=$(($2 + $4 * 12 / 100))
    {
        cat "$d/open.replay"
        echo "shot $o-viewer$mode-$lang-$shape.png"
        echo "tap $tx $ty"; echo "tap $tx $ty"
        echo "shot $o-zoomed$mode-$lang-$shape.png"
        echo "tap @back"
        echo "drag 500 $(( ${size#*x} * 8 / 10 )) 500 $(( ${size#*x} / 4 )) 300"
        echo "shot $o-notice$mode-$lang-$shape.png"
        echo "tap @home"; echo "tap @tile:board"
        echo "shot $o-board$mode-$lang-$shape.png"
        echo "tap @image:$bid:1"
        echo "shot $o-board-viewer$mode-$lang-$shape.png"
    } > "$d/walk.replay"
    "$build/kiosk" --replay "$d/walk.replay" --size "$size" --lang "$lang" --now "$now" --data-dir "$d"
    rm -rf "$d"
}
pictures 1920x1080 zh landscape
pictures 1080x1920 en portrait
pictures 1080x1920 zh portrait contrast
pictures 1280x800 zh 1280x800

# Large text (A+) on every screen a resident meets, both languages and
# shapes (issue 15: large text reflows, never cuts): one walk each.
large() {   # large SIZE LANG SHAPE
    d=$(mktemp -d); o="$out"; sfx="$2-$3-large"
    "$build/kioskctl" --data-dir "$d" import assets/content/sample.json >/dev/null
    {
        echo "tap @textsize"; echo "shot $o/home-$sfx.png"
        echo "tap @notice:water-cut-20261203"; echo "shot $o/notice-urgent-$sfx.png"
        echo "tap @back"; echo "tap @tile:notices"; echo "shot $o/notices-$sfx.png"
        echo "tap @home"; echo "tap @tile:events"; echo "shot $o/events-$sfx.png"
        echo "tap @home"; echo "tap @tile:connect"; echo "shot $o/connect-$sfx.png"
        echo "tap @home"; echo "tap @tile:board"; echo "shot $o/board-$sfx.png"
        echo "tap @home"; echo "tap @tile:reply"
        for c in 7 K Q 4 M 2 X D; do echo "tap @code:$c"; done
        echo "tap @code:ok"; echo "shot $o/reply-$sfx.png"
        echo "tap @home"; echo "tap @tile:suggest"; echo "shot $o/suggest-1-topic-$sfx.png"
        echo "tap @topic:repairs"; echo "tap @mode:pinyin"
        for k in d i a n t i h u a i l e; do echo "tap @key:$k"; done
        echo "tap @cand:0"; echo "shot $o/suggest-2-write-pinyin-$sfx.png"
        echo "tap @next"; echo "tap @anonymous"; echo "shot $o/suggest-9-review-$sfx.png"
        echo "tap @send"; echo "shot $o/suggest-10-sent-$sfx.png"
        echo "tap @done"; echo "tap @rate:4"; echo "shot $o/home-rated-$sfx.png"
    } > "$d/walk.replay"
    "$build/kiosk" --replay "$d/walk.replay" --size "$1" --lang "$2" --now "$now" --data-dir "$d"
    rm -rf "$d"
}
# Six channels to scan (the sample's four, a website with a long label and
# a second hotline): one screen in every shape and text size.
connect6() {   # connect6 SIZE LANG SHAPE [large]
    d=$(mktemp -d); sfx=""; big=""
    [ "${4:-}" = large ] && { big="tap @textsize"; sfx="-large"; }
    python3 - "$d/c.json" <<'PY'
import json, sys
d = json.load(open("assets/content/sample.json"))
d["channels"] += [
    {"id": "property-website", "kind": "website",
     "label": {"zh": "翠湖花园物业服务网站", "en": "Cuihu Garden property services website"},
     "url": "https://cuihu-garden.example/services/overview?from=kiosk"},
    {"id": "parking-hotline", "kind": "hotline",
     "label": {"zh": "停车管理热线", "en": "Parking office hotline"}, "url": "tel:4008207788"}]
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False)
PY
    "$build/kioskctl" --data-dir "$d" import "$d/c.json" >/dev/null
    printf '%s\ntap @tile:connect\nshot %s\n' "$big" "$out/connect6-$2-$3$sfx.png" > "$d/r.replay"
    "$build/kiosk" --replay "$d/r.replay" --size "$1" --lang "$2" --now "$now" --data-dir "$d"
    rm -rf "$d"
}
# The night with an urgent notice: dim (the page under a veil) and blank.
night() {   # night MODE
    d=$(mktemp -d)
    "$build/kioskctl" --data-dir "$d" import assets/content/sample.json >/dev/null
    printf '[display]\nnight_start = 22:00\nnight_end = 06:00\nnight_mode = %s\n' "$1" > "$d/k.conf"
    printf 'wait 100000\nshot %s\n' "$out/night-$1-zh-landscape.png" > "$d/r.replay"
    "$build/kiosk" --replay "$d/r.replay" --size 1920x1080 --lang zh \
        --now 2026-12-01T23:30:00+08:00 --data-dir "$d" --config "$d/k.conf"
    rm -rf "$d"
}
for l in zh en; do
    large 1920x1080 $l landscape
    large 1080x1920 $l portrait
    for t in "" large; do
        connect6 1920x1080 $l landscape $t
        connect6 1080x1920 $l portrait $t
    done
done
connect6 1280x800 zh 1280x800
night dim
night blank

flow 1920x1080 zh landscape
flow 1080x1920 en portrait
flow 1280x800 zh 1280x800
echo "suggestion flow in $out"
