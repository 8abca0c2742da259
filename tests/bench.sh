#!/bin/sh
# bench.sh - speed and memory figures against the targets (docs/BENCHMARKS.md).
# Usage: tests/bench.sh BUILD_DIR          (make bench)
# Settings from the environment: BENCH_RUNS (first-frame runs, 15),
# BENCH_REDRAWS (200), BENCH_IDLE_S (10), BENCH_XVFB=0 (measure idle with the
# dummy driver even when Xvfb is installed), BENCH_KEYS (4000),
# BENCH_LONG_KEYS (1000), BENCH_STROKE_ROUNDS (12), BENCH_SENDS (200), BENCH_RECEIPT_RUNS (20),
# BENCH_UPLOAD_ITEMS (500), BENCH_CHROMIUM=0 (skip section 7, the comparison
# with Chromium, which installs the chromium package with apt when missing),
# BENCH_CHROMIUM_RUNS (7);
# BENCH_UPDATE_DOC=1 also copies the tables into docs/BENCHMARKS.md;
# BENCH_ONLY=start measures only the start rows (section 1, and on Xvfb when
# installed) and prints them, for measuring them alone on a busy machine;
# BENCH_ONLY=office only Lobby Office (section 8, tests/bench-office.sh and
# its BENCH_OFFICE_* settings); BENCH_OFFICE=0 skips that section;
# BENCH_ONLY=pictures only the notice with a photo (section 6b, bench/pictures.c;
# BENCH_PICTURE_RUNS first opens, 15);
# BENCH_ONLY=stop only the stop on SIGTERM/SIGINT (section 6c; BENCH_STOP_RUNS
# runs a mode, 5).
# Exit status 1 when a target is missed.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
RUNS=${BENCH_RUNS:-15}
REDRAWS=${BENCH_REDRAWS:-200}
IDLE_S=${BENCH_IDLE_S:-10}
KEYS=${BENCH_KEYS:-4000}
LONG_KEYS=${BENCH_LONG_KEYS:-1000}
ROUNDS=${BENCH_STROKE_ROUNDS:-12}
SENDS=${BENCH_SENDS:-200}
NOW=2026-12-01T10:00:00+08:00
SAMPLE=assets/content/sample.json
SIZE=1920x1080

MAKEFLAGS= make --no-print-directory -f Makefile -f bench/bench.mk BUILD="$B" bench-programs >/dev/null ||
    { echo "bench: cannot build the bench programs" >&2; exit 1; }
export TZ=Asia/Shanghai SDL_AUDIODRIVER=dummy
unset DISPLAY WAYLAND_DISPLAY

LOAD0=$(cut -d ' ' -f 1-3 /proc/loadavg)   # other work on the machine skews every figure
TMP=$(mktemp -d /tmp/kiosk-bench-XXXXXX) || exit 1
XPID=; KPID=
cleanup() {
    [ -n "$KPID" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
    [ -n "$XPID" ] && kill "$XPID" 2>/dev/null && wait "$XPID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ROWS=$TMP/rows; : >"$ROWS"
NOTES=$TMP/notes; : >"$NOTES"
failed=0

# get KEY "k=v k=v ..." -> v
get() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
# lt A B: true when A < B (decimals)
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
# row FIGURE MEASURED TARGET RESULT
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >>"$ROWS"; }
# check FIGURE MEASURED VALUE LIMIT TARGET: a row with pass/FAIL for VALUE < LIMIT
check() {
    if lt "$3" "$4"; then row "$1" "$2" "$5" pass
    else row "$1" "$2" "$5" FAIL; failed=1; fi
}
note() { printf -- '- %s\n' "$*" >>"$NOTES"; }
progress() { printf 'bench: %s\n' "$*" >&2; }

# 8. Lobby Office (tests/bench-office.sh): submissions, 304s beside nginx,
# heartbeats, memory with 2,000 kiosks, the console's queries over 100,000
# suggestions; SQLite and PostgreSQL. BENCH_OFFICE=0 skips it;
# BENCH_ONLY=office measures it alone.
OFFICE_MD=$TMP/office.md; : >"$OFFICE_MD"
office_section() {
    if [ "${BENCH_OFFICE:-1}" = 0 ]; then
        note "BENCH_OFFICE=0: Lobby Office was not measured"; return
    fi
    progress "Lobby Office (tests/bench-office.sh)"
    tests/bench-office.sh "$B" >"$OFFICE_MD" || failed=1
}
if [ "${BENCH_ONLY:-}" = office ]; then
    office_section
    cat "$OFFICE_MD"
    [ -s "$NOTES" ] && { echo; cat "$NOTES"; }
    [ $failed -eq 0 ]; exit
fi

# 6b. A notice with a photo (issue 16, bench/pictures.c): the first open of
# a notice with a 4000 x 3000 JPEG, cache-cold (a new renderer each run, in
# turn with the same notice without it: the floor), its unchanged redraw
# beside that notice's, and the peak RSS with the largest allowed picture
# (6000 x 4000, under 10 MB) open full-screen and zoomed in to the maximum,
# beside the same process showing the notice without a picture.
pictures_section() {
    pr=${BENCH_PICTURE_RUNS:-15}
    progress "a notice with a photo ($pr first opens each, $REDRAWS redraws, peak RSS)"
    pt=$(SDL_VIDEODRIVER=dummy "$B/bench/pictures" "$TMP/pictures-t" "$pr" "$REDRAWS") ||
        { note "bench/pictures failed: its rows are missing"; failed=1; return; }
    pic=$(printf '%s\n' "$pt" | tr '\n' ' ')
    kb=$(( $(get picture_bytes "$pic") / 1024 ))
    check "First open of a notice with a 4000x3000 JPEG ($kb KiB of noise, quality $(get quality "$pic")), cache-cold: decode + scale + first draw (median of $pr, each on a new renderer)" \
        "$(get first_pic_wall_median "$pic") ms (min $(get first_pic_wall_min "$pic"), max $(get first_pic_wall_max "$pic"); CPU $(get first_pic_cpu_median "$pic") ms)" \
        "$(get first_pic_wall_median "$pic")" 150 "< 150 ms (floor here $(get first_nopic_wall_median "$pic") ms)"
    # Wall time over the target with CPU time under it: the machine's load.
    if ! lt "$(get first_pic_wall_median "$pic")" 150 && lt "$(get first_pic_cpu_median "$pic")" 150; then
        sed -i '$ s/| FAIL |$/| FAIL on wall time; its CPU time is under the target (load average '"$(cut -d ' ' -f 1 /proc/loadavg)"' on '"$(nproc)"' cores) |/' "$ROWS"
    fi
    row "  the floor: the same notice without the picture, in turn in the same runs" \
        "$(get first_nopic_wall_median "$pic") ms (min $(get first_nopic_wall_min "$pic"), max $(get first_nopic_wall_max "$pic"); CPU $(get first_nopic_cpu_median "$pic") ms)" "-" info
    row "  of which decode + scale alone (image_decode_fit to $(get drawn_w "$pic")x$(get drawn_h "$pic"), median of $pr)" \
        "$(get decode_cpu_median "$pic") ms CPU (max $(get decode_cpu_max "$pic"))" "-" info
    rp=$(get redraw_pic_cpu_median "$pic"); rn=$(get redraw_nopic_cpu_median "$pic")
    d=$(awk -v a="$rp" -v b="$rn" 'BEGIN { printf "%.3f", a - b }')
    pc=$(awk -v a="$rp" -v b="$rn" 'BEGIN { printf "%.0f", 100 * (a - b) / b }')
    # Drawn whole, the picture's pixels are copied again (the copy row below:
    # about what it adds); this row holds it to section 2's redraw target.
    # "As cheap as without" is the next row: the kiosk's own redraw, which
    # skips what did not change, as it does on every frame.
    meas="$rp ms CPU (p99 $(get redraw_pic_cpu_p99 "$pic")), +$d ms = +$pc % over the floor (the pixel copy)"
    check "Redraw of that notice drawn whole (render_invalidate first, as section 2; median of $REDRAWS)" \
        "$meas" "$rp" 2 "< 2 ms, as every screen (floor here $rn ms)"
    row "  the floor: the same notice without the picture" \
        "$rn ms CPU (p99 $(get redraw_nopic_cpu_p99 "$pic"))" "-" info
    kp=$(get redraw_pic_cpu_kept_median "$pic"); kn=$(get redraw_nopic_cpu_kept_median "$pic")
    d=$(awk -v a="$kp" -v b="$kn" 'BEGIN { printf "%.3f", a - b }')
    pc=$(awk -v a="$kp" -v b="$kn" 'BEGIN { printf "%.0f", 100 * (a - b) / b }')
    meas="$kp ms CPU (p99 $(get redraw_pic_cpu_kept_p99 "$pic")), +$d ms = +$pc % over the floor"
    tgt="within 10 % or 0.1 ms of the floor ($kn ms, p99 $(get redraw_nopic_cpu_kept_p99 "$pic"))"
    fig="Redraw, unchanged, of that notice as the kiosk redraws (no render_invalidate: unchanged parts skipped)"
    if lt "$d" 0.1 || lt "$pc" 10; then row "$fig" "$meas" "$tgt" pass
    else row "$fig" "$meas" "$tgt" FAIL; failed=1; fi
    row "  copying $(get drawn_w "$pic")x$(get drawn_h "$pic") pixels alone (SDL_RenderCopy of a texture, software renderer)" \
        "$(get copy_cpu_median "$pic") ms CPU" "-" info
    pr1=$(SDL_VIDEODRIVER=dummy "$B/bench/pictures" --rss "$TMP/pictures-r" 6000 4000) &&
        pr0=$(SDL_VIDEODRIVER=dummy "$B/bench/pictures" --rss "$TMP/pictures-f" 0 0) ||
        { note "bench/pictures --rss failed: the memory rows are missing"; failed=1; return; }
    pr1=$(printf '%s\n' "$pr1" | tr '\n' ' '); pr0=$(printf '%s\n' "$pr0" | tr '\n' ' ')
    mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
    p1=$(get peak_rss_kib "$pr1"); p0=$(get peak_rss_kib "$pr0")
    check "Peak RSS, the largest allowed picture (6000x4000 JPEG, $(( $(get picture_bytes "$pr1") / 1024 )) KiB) on its notice, then full-screen zoomed to the maximum (4x)" \
        "$(mb "$p1") MB (peak after the notice $(mb "$(get peak_kib_notice "$pr1")"), full-screen fitted $(mb "$(get peak_kib_fitted "$pr1")"), 2x $(mb "$(get peak_kib_zoom_tap1 "$pr1")"), 4x $(mb "$(get peak_kib_zoom_tap2 "$pr1")"))" \
        "$(mb "$p1")" 80 "< 80 MB (floor here $(mb "$p0") MB)"
    row "  the floor: the same process showing the notice without a picture" "$(mb "$p0") MB" "-" info
}
# 6c. SIGTERM (and SIGINT) to the end of the process, the kiosk fullscreen
# on the dummy driver as the service runs it, in each mode a resident or
# staff can leave it in (issue 15: "stops cleanly in under 0.5 s in every
# mode"; test_kiosk checks the clean stop, also while a transfer hangs,
# without a clock). A prelude script (--prelude) brings it into the mode and
# dumps the frame to a file; the signal goes once that file is there.
stop_section() {
    sruns=${BENCH_STOP_RUNS:-5}
    sd=$TMP/stop-data
    "$B/kioskctl" --data-dir "$sd" import $SAMPLE >/dev/null &&
        printf '246810\n246810\n' | "$B/kioskctl" --data-dir "$sd" set-pin >/dev/null ||
        { echo "bench: cannot set up $sd" >&2; failed=1; return; }
    progress "stop on a signal ($sruns runs a mode)"
    worst=0; all=
    for mode in idle typing handwriting staff-pad staff-panel sigint; do
        scr=; sig=TERM
        case $mode in
            idle) pre= ;;
            typing) pre='tap @tile:suggest\ntap @topic:repairs\ntap @key:s\ntap @key:h\ntap @key:e\n' ;;
            handwriting) pre='tap @tile:suggest\ntap @topic:repairs\ntap @mode:hand\ntap @hwpad\n' ;;
            staff-pad) scr=staff-pin; pre='tap @pin:1\ntap @pin:2\n' ;;
            staff-panel) scr=staff-pin
                pre='tap @pin:2\ntap @pin:4\ntap @pin:6\ntap @pin:8\ntap @pin:1\ntap @pin:0\ntap @pin:ok\n' ;;
            sigint) pre='tap @tile:notices\n'; sig=INT ;;
        esac
        ms_all=
        r=0
        while [ $r -lt "$sruns" ]; do
            r=$((r + 1))
            rm -f "$TMP/stop.ready"
            printf "${pre}dump %s\n" "$TMP/stop.ready" >"$TMP/stop.replay"
            SDL_VIDEODRIVER=dummy "$B/kiosk" --data-dir "$sd" --now $NOW --prelude "$TMP/stop.replay" \
                ${scr:+--screen $scr} >/dev/null 2>&1 &
            KPID=$!
            w=0
            while [ ! -e "$TMP/stop.ready" ] && [ $w -lt 3000 ] && kill -0 $KPID 2>/dev/null; do
                sleep 0.01; w=$((w + 1))
            done
            t0=$(date +%s%N)
            kill -s $sig $KPID; wait $KPID; st=$?
            t1=$(date +%s%N)
            KPID=
            [ $st -eq 0 ] || { note "stop: $mode run $r ended with status $st"; failed=1; }
            ms_all="$ms_all $(( (t1 - t0) / 1000000 ))"
        done
        mx=$(printf '%s\n' $ms_all | sort -n | tail -n 1)
        med=$(printf '%s\n' $ms_all | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
        all="$all $mode $med/$mx,"
        [ "$mx" -gt "$worst" ] && worst=$mx
    done
    check "Stop on SIGTERM/SIGINT, fullscreen (dummy driver): signal to the process's end, median/worst of $sruns runs a mode" \
          "${all%,}: worst $worst ms" "$worst" 500 "< 500 ms in every mode"
}

if [ "${BENCH_ONLY:-}" = stop ]; then
    stop_section
    echo "Load average $LOAD0 at the start, $(cut -d ' ' -f 1-3 /proc/loadavg) at the end; $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores."
    echo
    echo "| Figure | Measured | Target | Result |"
    echo "|---|---|---|---|"
    cat "$ROWS"
    [ -s "$NOTES" ] && { echo; cat "$NOTES"; }
    [ $failed -eq 0 ]; exit
fi

if [ "${BENCH_ONLY:-}" = pictures ]; then
    pictures_section
    echo "Load average $LOAD0 at the start, $(cut -d ' ' -f 1-3 /proc/loadavg) at the end; $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)."
    echo
    echo "| Figure | Measured | Target | Result |"
    echo "|---|---|---|---|"
    cat "$ROWS"
    [ -s "$NOTES" ] && { echo; cat "$NOTES"; }
    [ $failed -eq 0 ]; exit
fi

DATA=$TMP/data
"$B/kioskctl" --data-dir "$DATA" import $SAMPLE >/dev/null ||
    { echo "bench: cannot import $SAMPLE" >&2; exit 1; }

# 1. Start to first frame: spawn to exit of the window path (dummy driver),
# in turn with the SDL floor (bench/floor.c: SDL + SDL_ttf drawing one
# board, nothing of the kiosk's), so the ratio holds on any machine.
progress "start to first frame ($RUNS runs each, in turn with the SDL floor)"
SDL_VIDEODRIVER=dummy "$B/kiosk" --windowed --size $SIZE --now $NOW --data-dir "$DATA" \
    --exit-after-first-frame || exit 1      # warm the file cache
FLOOR="$B/bench/floor --windowed --size $SIZE"
# ffrow FIGURE OUTPUT TARGET_MS: the row of a start measured --vs the floor.
# The target is absolute and stays so: a start over it is a FAIL. The row
# says besides what the floor took in the same runs, and when the floor
# alone is over the target, that no program could pass here (the ratio to
# the floor is then the figure that carries). A pass with less than the
# issue's 30 % margin says so.
ffrow() {
    w=$(get wall_median "$2"); fl=$(get b_wall_median "$2")
    meas="$w ms = $(get ratio_wall_median "$2") x the SDL floor (min $(get wall_min "$2"), max $(get wall_max "$2"); CPU $(get cpu_median "$2") ms = $(get ratio_cpu_median "$2") x)"
    tgt="< $3 ms (floor here $fl ms)"
    if lt "$w" "$3"; then
        m=$(awk -v w="$w" -v t="$3" 'BEGIN { printf "%.0f", 100 * (t - w) / t }')
        if lt "$m" 30; then row "$1" "$meas" "$tgt" "pass, margin $m % (< 30 %)"
        else row "$1" "$meas" "$tgt" "pass, margin $m %"; fi
    elif lt "$fl" "$3"; then
        row "$1" "$meas" "$tgt" FAIL; failed=1
    else
        row "$1" "$meas" "$tgt" "FAIL: the floor alone is over the target, unreachable here"; failed=1
    fi
    row "  the SDL floor in the same runs (bench/floor.c: SDL + SDL_ttf, one board)" \
        "$fl ms (min $(get b_wall_min "$2"), max $(get b_wall_max "$2"); CPU $(get b_cpu_median "$2") ms)" "-" info
}
# start_xvfb: an X server for the window rows; sets DISPLAY and driver=x11,
# or leaves driver as it is and says why in the notes.
start_xvfb() {
    Xvfb -displayfd 5 -screen 0 ${SIZE}x24 -nolisten tcp 5>"$TMP/display" \
        >"$TMP/xvfb.log" 2>&1 &
    XPID=$!
    i=0
    while [ ! -s "$TMP/display" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    if [ -s "$TMP/display" ]; then
        DISPLAY=:$(head -n 1 "$TMP/display"); export DISPLAY; driver=x11
    else
        note "Xvfb did not start ($(head -c 200 "$TMP/xvfb.log")); idle measured with the dummy driver"
        kill "$XPID" 2>/dev/null; wait "$XPID" 2>/dev/null; XPID=
    fi
}
# xvfb_start_row: the start on X11, in turn with the floor there.
xvfb_start_row() {
    progress "start to first frame under Xvfb ($RUNS runs, in turn with the SDL floor)"
    fx=$(SDL_VIDEODRIVER=x11 "$B/bench/spawn" "$RUNS" "$B/kiosk" --windowed --size $SIZE \
         --now $NOW --data-dir "$DATA" --exit-after-first-frame --vs $FLOOR) || exit 1
    ffrow "Start to first frame, window on Xvfb (X11, median of $RUNS)" "$fx" 100
}
ff=$(SDL_VIDEODRIVER=dummy "$B/bench/spawn" "$RUNS" "$B/kiosk" --windowed --size $SIZE \
     --now $NOW --data-dir "$DATA" --exit-after-first-frame --vs $FLOOR) || exit 1
ffrow "Start to first frame, window, dummy driver (median of $RUNS)" "$ff" 60
ffc=$(SDL_VIDEODRIVER=dummy "$B/bench/spawn" "$RUNS" "$B/kiosk" --windowed --size $SIZE \
      --now $NOW --data-dir "$DATA" --content $SAMPLE --exit-after-first-frame) || exit 1
check "Same with --content $SAMPLE imported at start" \
      "$(get wall_median "$ffc") ms (min $(get wall_min "$ffc"), max $(get wall_max "$ffc"); CPU $(get cpu_median "$ffc") ms)" \
      "$(get wall_median "$ffc")" 60 "(< 60 ms)"
# System calls of a start and of a redraw, counted by strace: a regression
# like FreeType reading the fonts by small seeks (55,000 calls) shows here.
if command -v strace >/dev/null 2>&1; then
    SDL_VIDEODRIVER=dummy strace -f -c -o "$TMP/strace-start" "$B/kiosk" --windowed --size $SIZE \
        --now $NOW --data-dir "$DATA" --exit-after-first-frame >/dev/null 2>&1
    n=$(awk '$NF == "total" { print $4 }' "$TMP/strace-start")   # % s us/call CALLS [errors] name
    top=$(awk 'NR > 2 && $NF != "total" && $1 !~ /^-/ { c = $4 ~ /^[0-9]+$/ ? $4 : 0; if (c > m) { m = c; s = $NF } } END { print s " " m }' "$TMP/strace-start")
    SYS_START=${n:-?}
    row "System calls of a start (strace -f, window, dummy driver, to exit)" \
        "$SYS_START (most: ${top% *} ${top#* })" "-" info
    SYS_RUNS=20
    SDL_VIDEODRIVER=dummy BENCH_SYSCALL_MARKS=1 strace -f -o "$TMP/strace-redraw" \
        "$B/bench/redraw" "$TMP/strace-data" $SYS_RUNS >/dev/null 2>&1
    n=$(awk '/bench-mark-begin-notices/ { on = 1; next } /bench-mark-end-notices/ { on = 0 }
             on && !/resumed>/ && !/CLOCK_PROCESS_CPUTIME_ID/ && !/^[0-9]+ +(\+\+\+|---)/ { n++ } END { print n + 0 }' "$TMP/strace-redraw")
    SYS_REDRAW=$(awk -v n="$n" -v r=$SYS_RUNS 'BEGIN { printf "%.1f", n / r }')
    row "System calls of a redraw, unchanged notices screen (per redraw, $SYS_RUNS redraws)" \
        "$SYS_REDRAW" "-" info
else
    note "strace is not installed (package strace): the system calls of a start and a redraw were not counted"
fi

if [ "${BENCH_ONLY:-}" = start ]; then
    driver=dummy
    command -v Xvfb >/dev/null 2>&1 && start_xvfb
    [ $driver = x11 ] && xvfb_start_row
    echo "Load average $LOAD0 at the start, $(cut -d ' ' -f 1-3 /proc/loadavg) at the end; $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "| Figure | Measured | Target | Result |"
    echo "|---|---|---|---|"
    cat "$ROWS"
    [ -s "$NOTES" ] && { echo; cat "$NOTES"; }
    [ $failed -eq 0 ]; exit
fi

# 2. Redraw of an unchanged screen, in-process, CPU time.
progress "redraw CPU time ($REDRAWS redraws a screen)"
rd=$(SDL_VIDEODRIVER=dummy "$B/bench/redraw" "$TMP/redraw-data" "$REDRAWS") || exit 1
for scr in notices notice:fee-accounts-2026q3 home; do
    for part in full view first; do
        l=$(printf '%s\n' "$rd" | grep "^screen=$scr part=$part ")
        med=$(get median "$l"); p99=$(get p99 "$l"); tm=$(get tex_misses "$l")
        case $part in
        full) fig="Redraw $scr, view + render (median of $REDRAWS)"
              val="$med ms (p99 $p99 ms; texture misses $tm)" ;;
        view) fig="  view building alone, $scr"; val="$med ms (p99 $p99 ms)" ;;
        first) fig="  first (cold) frame, $scr"; val="$med ms ($tm textures made)" ;;
        esac
        if [ "$part" = full ] && [ "$scr" = notices ]; then
            check "$fig" "$val" "$med" 2 "< 2 ms CPU"
        elif [ "$part" = full ]; then      # the same bar, for the other screens
            check "$fig" "$val" "$med" 2 "(< 2 ms CPU)"
        else
            row "$fig" "$val" "-" "info"
        fi
        if [ "$part" = view ] && [ "$(get width_misses "$l")" != 0 ]; then
            note "$scr: building the view measured text the width cache did not hold $(get width_misses "$l") times in $REDRAWS redraws"
        fi
    done
done

l=$(printf '%s\n' "$rd" | grep "^screen=empty part=full ")
row "  floor: clearing the ${SIZE} surface (empty frame)" "$(get median "$l") ms (p99 $(get p99 "$l") ms)" "-" info

# The largest notice the format allows (20,000 characters a language):
# opened (the first frame) and dragged a step at a time (input, view,
# render each); the ordinary notice's figures from the same run beside them.
lo=$(printf '%s\n' "$rd" | grep "^screen=long part=open ")
ld=$(printf '%s\n' "$rd" | grep "^screen=long part=drag ")
of=$(printf '%s\n' "$rd" | grep "^screen=notice:fee-accounts-2026q3 part=first ")
ow=$(printf '%s\n' "$rd" | grep "^screen=notice:fee-accounts-2026q3 part=full ")
check "Open the longest notice (20,000 characters), first frame" \
      "$(get median "$lo") ms (ordinary notice $(get median "$of") ms)" "$(get median "$lo")" 50 "< 50 ms CPU"
check "Drag frame, longest notice (median of $REDRAWS; p99)" \
      "$(get median "$ld") ms, p99 $(get p99 "$ld") ms (ordinary notice redraw $(get median "$ow") ms)" \
      "$(get p99 "$ld")" 8 "< 8 ms CPU"
lb=$(printf '%s\n' "$rd" | grep "^screen=long part=back ")
check "Back after three drags through the longest notice: events in to the list's frame (main loop; p99)" \
      "$(get median "$lb") ms CPU, p99 $(get p99 "$lb") ms; wall $(get wall_median "$lb") ms, p99 $(get wall_p99 "$lb") ms; $(get frames "$lb") frame, $(get views "$lb") layouts for $(get events "$lb") events" \
      "$(get p99 "$lb")" 50 "< 50 ms CPU, one frame"
[ "$(get width_misses "$ld")" -gt "$REDRAWS" ] 2>/dev/null &&
    note "long notice: $(get width_misses "$ld") text measurements in $REDRAWS drag frames (the layout is not kept)"

# 3. Peak memory of a headless notices screenshot and of the first-frame runs.
progress "peak memory"
sh=$("$B/bench/spawn" 3 "$B/kiosk" --size $SIZE --now $NOW --data-dir "$DATA" \
     --screenshot "$TMP/notices.png" --screen notices) || exit 1
check "Peak RSS, first-frame runs (window, home)" "$(($(get maxrss_max "$ff") / 1024)) MB" \
      "$(get maxrss_max "$ff")" $((60 * 1024)) "< 60 MB"
check "Peak RSS, --screenshot --screen notices" "$(($(get maxrss_max "$sh") / 1024)) MB" \
      "$(get maxrss_max "$sh")" $((60 * 1024)) "< 60 MB"

# 4. Idle CPU (and peak memory) of the real kiosk in a window: on Xvfb if
# installed, else on the dummy driver.
# ticks PID: utime + stime in clock ticks; ctxsw PID: context switches of
# all its threads (each is a wake-up or a preemption).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ctxsw() { cat /proc/"$1"/task/*/status 2>/dev/null |
          awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'; }
hz=$(getconf CLK_TCK)
driver=dummy
if [ "${BENCH_XVFB:-1}" = 0 ]; then
    note "BENCH_XVFB=0: idle measured with the dummy driver, whose SDL_WaitEventTimeout polls every millisecond, so its idle CPU is not the kiosk's"
elif command -v Xvfb >/dev/null 2>&1; then
    start_xvfb
else
    note "Xvfb is not installed (package xvfb): idle measured with the dummy driver, whose SDL_WaitEventTimeout polls every millisecond, so its idle CPU is not the kiosk's"
fi

if [ $driver = x11 ]; then
    xvfb_start_row
fi

progress "idle CPU for ${IDLE_S} s ($driver driver)"
SDL_VIDEODRIVER=$driver "$B/kiosk" --windowed --size $SIZE --now $NOW --data-dir "$DATA" &
KPID=$!
sleep 2
if ! kill -0 $KPID 2>/dev/null; then
    echo "bench: the kiosk did not stay up under $driver" >&2; KPID=; exit 1
fi
screen=home
if [ $driver = x11 ] && command -v xdotool >/dev/null 2>&1; then
    # Tap the notices tile where the home screen draws it at this size.
    printf 'dump %s\n' "$TMP/home.txt" >"$TMP/home.replay"
    "$B/kiosk" --size $SIZE --now $NOW --data-dir "$DATA" --replay "$TMP/home.replay" \
        >/dev/null 2>&1
    set -- $(sed -n 's/^hit tile:notices //p' "$TMP/home.txt")
    shot() { command -v import >/dev/null 2>&1 && import -window root "$1" 2>/dev/null; }
    shot "$TMP/before.png"
    if [ $# -eq 4 ] && xdotool mousemove $(($1 + $3 / 2)) $(($2 + $4 / 2)) click 1 &&
            sleep 1; then
        screen=notices
        if shot "$B/bench/idle-screen.png"; then
            if cmp -s "$TMP/before.png" "$B/bench/idle-screen.png"; then
                screen=home; note "the tap on the notices tile changed nothing on screen"
            else
                note "the idle screen is saved in $B/bench/idle-screen.png"
            fi
        fi
    fi
else
    note "no xdotool or no X display: idle and memory measured on the home screen"
fi
t0=$(ticks $KPID); c0=$(ctxsw $KPID)
[ -n "$XPID" ] && x0=$(ticks $XPID)
sleep "$IDLE_S"
t1=$(ticks $KPID); c1=$(ctxsw $KPID)
[ -n "$XPID" ] && x1=$(ticks $XPID)
if ! kill -0 $KPID 2>/dev/null; then
    echo "bench: the kiosk exited while idle" >&2; KPID=; exit 1
fi
hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$KPID/status)
kill $KPID; wait $KPID 2>/dev/null; KPID=
cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$IDLE_S" 'BEGIN { printf "%.2f", 100 * d / hz / s }')
wake=$(awk -v d=$((c1 - c0)) -v s="$IDLE_S" 'BEGIN { printf "%.1f", d / s }')
idle="$cpu % of a core ($((t1 - t0)) ticks of 1/$hz s; $wake wake-ups/s)"
if [ $driver = x11 ]; then
    check "Idle CPU, $screen screen, ${IDLE_S} s, X11 on Xvfb" "$idle" "$cpu" 0.5 "~0 (< 0.5 %)"
else    # the dummy driver's wait is a 1 ms poll: not the kiosk's own behaviour
    row "Idle CPU, $screen screen, ${IDLE_S} s, dummy driver (polls)" "$idle" "~0 (< 0.5 %)" \
        "skipped: no X server"
fi
if [ -n "$XPID" ]; then
    row "  Xvfb's own CPU meanwhile (frames sent to the X server)" \
        "$(awk -v d=$((x1 - x0)) -v hz="$hz" -v s="$IDLE_S" 'BEGIN { printf "%.2f", 100 * d / hz / s }') %" "-" info
fi
check "Peak RSS (VmHWM), running kiosk after the $screen screen, $driver" \
      "$((hwm / 1024)) MB" "$hwm" $((60 * 1024)) "< 60 MB"

# 5. The suggestion flow, in-process: keystroke to candidates, handwriting
# stroke to candidates, send to thank-you (bench/suggest.c says how).
progress "suggestion flow ($KEYS + $LONG_KEYS keys, $ROUNDS handwriting drafts, $SENDS sends)"
SD=$TMP/suggest-data
mkdir -p "$SD" || exit 1
sg=$(SDL_VIDEODRIVER=dummy "$B/bench/suggest" "$SD" "$KEYS" "$ROUNDS" "$SENDS" "$LONG_KEYS") ||
    { echo "bench: bench/suggest failed" >&2; exit 1; }
# part NAME: that line of the output
part() { printf '%s\n' "$sg" | grep "^part=$1 "; }
# spread LINE: "median M, max X" of a part line
spread() { echo "median $(get median "$1"), max $(get max "$1")"; }
# keyrows NAME FIGURE FIGURE_DRAWN TARGET_KEY TARGET_DRAWN: the rows of the
# presses NAME (key, key_long), judged on their p99 less the thread's wait
# for a core (parts NAME_own, NAME_draw_own: the machine's load left out)
# when bench/suggest gives them, on wall clock otherwise; the wall clock
# p99 is in the row either way.
keyrows() {
    l=$(part "$1"); ld=$(part "$1_draw"); lo=$(part "$1_own"); ldo=$(part "$1_draw_own")
    if [ -n "$lo" ] && [ -n "$ldo" ]; then
        if [ -n "$4" ]; then
            check "$2, less its wait for a core" \
                  "$(get p99 "$lo") ms (median $(get median "$lo"), max $(get max "$lo"); wall clock p99 $(get p99 "$l"), max $(get max "$l"); drafts up to $(get draft_max_chars "$l") characters)" \
                  "$(get p99 "$lo")" "$4" "< $4 ms p99"
        fi
        check "$3, less its wait for a core" \
              "$(get p99 "$ldo") ms (median $(get median "$ldo"), max $(get max "$ldo"); wall clock p99 $(get p99 "$ld"), max $(get max "$ld"); $(get tex_misses_per_key "$ld") texture misses a key)" \
              "$(get p99 "$ldo")" "$5" "< $5 ms p99"
    else
        note "/proc/thread-self/schedstat is missing: the key rows are judged on wall clock, the machine's load included"
        [ -n "$4" ] && check "$2" \
              "$(get p99 "$l") ms ($(spread "$l"); drafts up to $(get draft_max_chars "$l") characters)" \
              "$(get p99 "$l")" "$4" "< $4 ms p99"
        check "$3" \
              "$(get p99 "$ld") ms ($(spread "$ld"); $(get tex_misses_per_key "$ld") texture misses a key)" \
              "$(get p99 "$ld")" "$5" "< $5 ms p99"
    fi
}
l=$(part key)
keyrows key "Keystroke to candidates, 拼音 on suggest-write: app_activate + app_view (p99 of $(get runs "$l") keys)" \
    "  same with render_frame (candidates drawn)" 5 5
row "  by kind, app_activate + app_view, p99 (wall clock)" \
    "letter $(get p99 "$(part key_letter)"), backspace $(get p99 "$(part key_bksp)"), pick $(get p99 "$(part key_pick)") ms ($(get runs "$(part key_letter)") / $(get runs "$(part key_bksp)") / $(get runs "$(part key_pick)") keys)" \
    "-" info
l=$(part key_long)
row "Keys into a long draft (300 to $(get draft_max_chars "$l") characters), p99 of $(get runs "$l") without drawing" \
    "$(get p99 "$l") ms wall clock (median $(get median "$l")$([ -n "$(part key_long_own)" ] && echo "; less its wait for a core $(get p99 "$(part key_long_own)")"))" "-" info
keyrows key_long "" "  the same with drawing (candidates drawn)" "" 3

l=$(part stroke); ld=$(part stroke_draw)
fp=$(part stroke_first_process); fd=$(part stroke_first_draft)
lo=$(part stroke_own); ldo=$(part stroke_draw_own)
if [ -n "$lo" ] && [ -n "$ldo" ]; then
    check "Handwriting stroke to candidates: IN_UP on hwpad + app_view (p99 of $(get runs "$l") strokes), less its wait for a core" \
          "$(get p99 "$lo") ms (median $(get median "$lo"), max $(get max "$lo"); wall clock p99 $(get p99 "$l"), max $(get max "$l"))" \
          "$(get p99 "$lo")" 30 "< 30 ms p99"
    check "  same with render_frame (ink and candidates drawn), less its wait for a core" \
          "$(get p99 "$ldo") ms (median $(get median "$ldo"), max $(get max "$ldo"); wall clock p99 $(get p99 "$ld"), max $(get max "$ld"))" \
          "$(get p99 "$ldo")" 30 "(< 30 ms p99)"
else
    check "Handwriting stroke to candidates: IN_UP on hwpad + app_view (p99 of $(get runs "$l") strokes)" \
          "$(get p99 "$l") ms ($(spread "$l"))" "$(get p99 "$l")" 30 "< 30 ms p99"
    check "  same with render_frame (ink and candidates drawn)" \
          "$(get p99 "$ld") ms ($(spread "$ld"))" "$(get p99 "$ld")" 30 "(< 30 ms p99)"
fi
row "  the handwriting model's open alone (26 MB; in the kiosk on a thread of its own once 手写 is chosen)" \
    "$(get max "$(part hw_model_open)") ms" "-" info
check "First handwriting stroke of the process (drawn at a resident's pace after choosing 手写; waits for the model if still opening)" \
      "$(get max "$fp") ms" "$(get max "$fp")" 30 "(< 30 ms)"
check "  first stroke of each later draft (the model opened again), $(get runs "$fd") drafts" \
      "$(spread "$fd") ms" "$(get max "$fd")" 30 "(< 30 ms)"
rec=$(part recognition)
row "  recognition of the $(get files "$l") recorded characters, $ROUNDS rounds" \
    "first $(get top1 "$l") / $(get chars "$l"), top five $(get top5 "$l") / $(get chars "$l") (place of those not first, - not offered: $(get not_first "$rec" | sed 's/:/ /g; s/,/, /g'))" \
    "-" info

l=$(part send); ld=$(part send_draw); fs=$(part fdatasync)
src=$(df -P "$SD" | awk 'NR == 2 { print $1 }')
fstype=$(df -PT "$SD" | awk 'NR == 2 { print $2 }')
dev=${src#/dev/}
wc=/sys/block/$dev/queue/write_cache
[ -r "$wc" ] || wc=/sys/block/$(printf '%s' "$dev" | sed 's/p\{0,1\}[0-9]*$//')/queue/write_cache
cache=$(cat "$wc" 2>/dev/null || echo "unknown")
check "Send to thank-you: app_activate(\"send\") on suggest-review, WAL + synchronous=FULL (median of $(get runs "$l"))" \
      "$(get median "$l") ms (p99 $(get p99 "$l"), max $(get max "$l"); $(get rows "$l") rows stored)" \
      "$(get median "$l")" 50 "< 50 ms"
row "  same with the thank-you page laid out and drawn" \
    "$(get median "$ld") ms (p99 $(get p99 "$ld"), max $(get max "$ld"))" "-" info
row "  floor: 4 KB pwrite + fdatasync, same directory ($fstype on $src, write cache: $cache)" \
    "$(get median "$fs") ms (p99 $(get p99 "$fs"), max $(get max "$fs"))" "-" info
case $fstype in
tmpfs|ramfs) note "the outbox ran on $fstype, where fdatasync writes nothing: the send figures say nothing about a disk" ;;
esac
lt "$(get median "$fs")" 1 &&
    note "fdatasync takes $(get median "$fs") ms on this disk ($src, $fstype, write cache: $cache), so the sends here are mostly CPU; a send makes one fdatasync (the WAL commit), and on a kiosk's eMMC or SD card, where one can take several to tens of ms, it costs that much more"

# 5b. "Check a reply" on a sealed feed: one Argon2id derivation per check,
# on a thread of its own while the screen says it is checking (bench/receipt.c;
# docs/CONTENT.md, "Sealed replies"). The UI thread's part of a tap is held
# to the keystroke target; the tap to the answer, a wait a resident sees
# announced, to half a second.
progress "check a reply (sealed feed, ${BENCH_RECEIPT_RUNS:-20} derivations)"
rc_out=$("$B/bench/receipt" "${BENCH_RECEIPT_RUNS:-20}") ||
    { echo "bench: bench/receipt failed" >&2; exit 1; }
rdv=$(printf '%s\n' "$rc_out" | grep '^derive ')
rk=$(printf '%s\n' "$rc_out" | grep '^check ')
ru=$(printf '%s\n' "$rc_out" | grep '^ui ')
ra=$(printf '%s\n' "$rc_out" | grep '^answer ')
check "Check a reply, sealed feed: the tap on 查询 on the UI thread (content_reply_check_start + _finish; the derivation on a thread of its own, 'checking' shown), p95 of $(get runs "$ru")" \
      "$(get p95 "$ru") ms (median $(get median "$ru"), max $(get max "$ru"); CPU $(get cpu "$ru") ms)" \
      "$(get p95 "$ru")" 5 "< 5 ms p95"
check "  the tap to the answer shown (median of $(get runs "$ra"))" \
      "$(get median "$ra") ms (p95 $(get p95 "$ra"), max $(get max "$ra"))" \
      "$(get median "$ra")" 500 "< 500 ms"
row "  the whole check in one call, as the UI thread did it before (content_open_reply)" \
    "$(get median "$rk") ms (p95 $(get p95 "$rk"), max $(get max "$rk"); CPU $(get cpu "$rk") ms)" "-" info
row "  of which the Argon2id derivation (4 passes, 16 MiB)" \
    "$(get median "$rdv") ms (p95 $(get p95 "$rdv"); CPU $(get cpu "$rdv") ms)" "-" info

# 6. Uploads: throughput to a loopback server, and the main loop's worst
# frame while the uploader works and a content server hangs (bench/upload.c).
UP_ITEMS=${BENCH_UPLOAD_ITEMS:-500}
progress "uploads ($UP_ITEMS suggestions, frames for 3 s)"
UD=$TMP/upload-data
mkdir -p "$UD" || exit 1
up=$(SDL_VIDEODRIVER=dummy "$B/bench/upload" "$UD" "$UP_ITEMS" 3) ||
    { echo "bench: bench/upload failed (its figures below are those of the failed run)" >&2
      note "bench/upload failed: $(printf '%s\n' "$up" | grep '^part=frames ' | cut -c1-200)"; failed=1; }
l=$(printf '%s\n' "$up" | grep "^part=throughput ")
row "Upload throughput, plain http to 127.0.0.1 (one pass of $(get items "$l"), $(get requests "$l") POSTs, a commit each)" \
    "$(get per_s "$l") items/s ($(get seconds "$l") s)" "-" info
l=$(printf '%s\n' "$up" | grep "^part=frames ")
# The frame's wall time less its wait for a core (/proc/thread-self/schedstat):
# what the kiosk's own work and any blocking (a lock, the database, the
# network) took. The wait for a core is the machine's load (the two fault
# servers, the uploader thread and whatever else runs): shown, not judged.
if [ -n "$(get own_max "$l")" ]; then
    check "Worst frame while uploading and a content server hangs ($(get frames "$l") frames in 3 s), less its wait for a core" \
          "$(get own_max "$l") ms (p99 $(get own_p99 "$l"); of it blocked, off a core and not waiting for one, at most $(get blocked_max "$l") ms; CPU at most $(get cpu_max "$l") ms; $(get delivered "$l") of $(get of "$l") delivered meanwhile, $(get hanging_requests "$l") request hanging)" \
          "$(get own_max "$l")" 20 "< 20 ms"
    row "  wall clock, with the wait for a core (load average $(cut -d ' ' -f 1 /proc/loadavg) on $(nproc) cores)" \
        "$(get max "$l") ms (median $(get median "$l"), p99 $(get p99 "$l"); the longest wait for a core in one frame $(get wait_max "$l") ms)" "-" info
else
    note "/proc/thread-self/schedstat is missing: the worst frame is judged on wall clock, the machine's load included"
    check "Worst frame while uploading and a content server hangs ($(get frames "$l") frames in 3 s)" \
          "$(get max "$l") ms (median $(get median "$l"), p99 $(get p99 "$l"); $(get delivered "$l") of $(get of "$l") delivered meanwhile, $(get hanging_requests "$l") request hanging)" \
          "$(get max "$l")" 20 "< 20 ms"
fi
row "  uploader_stop with that request still hanging" "$(get stop_ms "$l") ms" "-" info

pictures_section
stop_section

# 7. Against a browser kiosk: the same notices page in Debian's Chromium,
# measured the same way (bench/chromium/: make_page.py writes the page,
# treewatch runs a program with every process it starts). BENCH_CHROMIUM=0
# skips it; chromium is installed with apt when missing.
CROWS=$TMP/crows; : >"$CROWS"
# crow FIGURE KIOSK CHROMIUM [KIOSK_VALUE CHROMIUM_VALUE]: a row with the ratio
crow() {
    ratio=-
    if [ $# -ge 5 ] && lt 0 "$4"; then
        ratio=$(awk -v a="$5" -v b="$4" 'BEGIN { r = a / b; printf(r >= 10 ? "%.0f x" : "%.1f x", r) }')
    fi
    printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$ratio" >>"$CROWS"
}
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
CR_RUNS=${BENCH_CHROMIUM_RUNS:-7}
chromium_ok=0
if [ "${BENCH_CHROMIUM:-1}" = 0 ]; then
    note "BENCH_CHROMIUM=0: the comparison with Chromium was skipped"
elif ! command -v python3 >/dev/null 2>&1; then
    echo "chromium: not available (no python3 to write the page)"
    note "chromium: not available (no python3 to write the page); the comparison was skipped"
else
    if ! command -v chromium >/dev/null 2>&1; then
        progress "installing chromium (apt-get install -y chromium)"
        asroot=; [ "$(id -u)" = 0 ] || asroot="sudo -n"
        { DEBIAN_FRONTEND=noninteractive $asroot apt-get install -y chromium ||
          { $asroot apt-get update && DEBIAN_FRONTEND=noninteractive $asroot apt-get install -y chromium; }
        } >"$TMP/apt.log" 2>&1 ||
            progress "apt-get install chromium failed: $(tail -n 1 "$TMP/apt.log")"
    fi
    if command -v chromium >/dev/null 2>&1; then
        chromium_ok=1
    else
        echo "chromium: not available"
        note "chromium: not available (apt-get install -y chromium failed or not allowed); the comparison was skipped"
    fi
fi
if [ $chromium_ok = 1 ]; then
    PAGE=$B/bench/notices.html
    python3 bench/chromium/make_page.py $SAMPLE $NOW "$PAGE" || exit 1
    URL=file://$(cd "$(dirname "$PAGE")" && pwd)/notices.html
    PROF=$TMP/chromium-profile
    CR_FLAGS="--no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
              --disable-component-update --disable-sync --user-data-dir=$PROF --window-size=1920,1080"
    CLOG=$TMP/chromium.log
    cr_fail() { echo "bench: $1; the end of Chromium's messages:" >&2; grep -v dbus "$CLOG" | tail -n 5 >&2; exit 1; }
    cver=$(chromium --version 2>/dev/null | head -n 1)
    progress "$cver: headless screenshots ($CR_RUNS runs each)"
    # One unmeasured Chromium run first (the kiosk has run many times by
    # now): the disk cache is warm for both.
    env -u DISPLAY "$B/bench/treewatch" -b "rm -rf $PROF" -- chromium --headless $CR_FLAGS \
        --screenshot="$TMP/warm.png" "$URL" >/dev/null 2>>"$CLOG" || cr_fail "headless chromium failed"
    # No DISPLAY for either: with one, libdbus would fork dbus-launch in the kiosk.
    ch=$(env -u DISPLAY "$B/bench/treewatch" -r "$CR_RUNS" -b "rm -rf $PROF" -- chromium --headless \
        $CR_FLAGS --screenshot="$B/bench/chromium-headless.png" "$URL" 2>>"$CLOG") ||
        cr_fail "headless chromium failed"
    kh=$(env -u DISPLAY "$B/bench/treewatch" -r "$CR_RUNS" -- "$B/kiosk" --size $SIZE --now $NOW \
        --data-dir "$DATA" --screenshot "$B/bench/kiosk-headless.png" --screen notices) || exit 1
    khh=$(env -u DISPLAY "$B/bench/treewatch" -r "$CR_RUNS" -- "$B/kiosk" --size $SIZE --now $NOW \
        --data-dir "$DATA" --screenshot "$TMP/home.png" --screen home) || exit 1
    crow "Headless screenshot of the notices, spawn to exit (median of $CR_RUNS)" \
         "$(get wall_median "$kh") ms (min $(get wall_min "$kh"), max $(get wall_max "$kh"))" \
         "$(get wall_median "$ch") ms (min $(get wall_min "$ch"), max $(get wall_max "$ch"))" \
         "$(get wall_median "$kh")" "$(get wall_median "$ch")"
    crow "  CPU time of the whole process tree (median of $CR_RUNS)" \
         "$(get tree_cpu_median "$kh") ms" "$(get tree_cpu_median "$ch") ms" \
         "$(get tree_cpu_median "$kh")" "$(get tree_cpu_median "$ch")"
    crow "  peak memory of the process tree, sum of RSS (median of $CR_RUNS)" \
         "$(mb "$(get peak_rss_median "$kh")") MB" "$(mb "$(get peak_rss_median "$ch")") MB" \
         "$(get peak_rss_median "$kh")" "$(get peak_rss_median "$ch")"
    crow "  same, sum of PSS (shared pages counted once)" \
         "$(mb "$(get peak_pss_median "$kh")") MB" "$(mb "$(get peak_pss_median "$ch")") MB" \
         "$(get peak_pss_median "$kh")" "$(get peak_pss_median "$ch")"
    crow "  processes" "$(get procs_max "$kh")" "$(get procs_max "$ch")"
    crow "  (kiosk: the home screen instead, for the window rows below)" \
         "$(get wall_median "$khh") ms, CPU $(get tree_cpu_median "$khh") ms, $(mb "$(get peak_rss_median "$khh")") MB" "-"

    # The window: Chromium in kiosk mode and the kiosk, each alone on Xvfb,
    # the screen read every 10 ms; then 5 s idle, memory, and CPU over
    # $IDLE_S s. The kiosk starts on its home screen (it has no option to
    # start elsewhere): a tap on the notices tile before the idle part.
    if [ $driver != x11 ]; then
        note "no Xvfb: the window half of the comparison with Chromium was skipped"
    elif ! "$B/bench/treewatch" --has-x; then
        note "bench/treewatch was built without Xlib (libx11-dev, libxext-dev): the window half of the comparison with Chromium was skipped"
    else
        progress "$cver: kiosk windows on Xvfb ($CR_RUNS runs each, then ${IDLE_S} s idle)"
        [ -s "$TMP/home.txt" ] || {
            printf 'dump %s\n' "$TMP/home.txt" >"$TMP/home.replay"
            "$B/kiosk" --size $SIZE --now $NOW --data-dir "$DATA" --replay "$TMP/home.replay" \
                >/dev/null 2>&1; }
        set -- $(sed -n 's/^hit tile:notices //p' "$TMP/home.txt" 2>/dev/null)
        kscreen=home
        if [ $# -eq 4 ] && command -v xdotool >/dev/null 2>&1; then
            set -- -a "xdotool mousemove $(($1 + $3 / 2)) $(($2 + $4 / 2)) click 1"
            kscreen=notices
        else
            set --
        fi
        kw=$(SDL_VIDEODRIVER=x11 "$B/bench/treewatch" -x -r "$CR_RUNS" -i "5,$IDLE_S" -p "$XPID" \
             -o "$TMP/kiosk-window.ppm" "$@" -- "$B/kiosk" --windowed --size $SIZE --now $NOW \
             --data-dir "$DATA") || exit 1
        if [ $kscreen = notices ] && [ "$(get after_changed "$kw")" != 1 ]; then
            kscreen=home; note "the tap on the notices tile changed nothing on the kiosk's screen"
        fi
        cw=$("$B/bench/treewatch" -x -r "$CR_RUNS" -i "5,$IDLE_S" -p "$XPID" -b "rm -rf $PROF" \
             -o "$TMP/chromium-window.ppm" -- chromium $CR_FLAGS --window-position=0,0 --kiosk \
             --app="$URL" 2>>"$CLOG") || cr_fail "chromium --kiosk failed"
        crow "Kiosk window on Xvfb: spawn to the first change on screen (median of $CR_RUNS)" \
             "$(get first_change_median "$kw") ms (min $(get first_change_min "$kw"), max $(get first_change_max "$kw"))" \
             "$(get first_change_median "$cw") ms (min $(get first_change_min "$cw"), max $(get first_change_max "$cw"))" \
             "$(get first_change_median "$kw")" "$(get first_change_median "$cw")"
        crow "  spawn to the whole first frame (the screen as it then stays 1 s)" \
             "$(get complete_median "$kw") ms (min $(get complete_min "$kw"), max $(get complete_max "$kw"))" \
             "$(get complete_median "$cw") ms (min $(get complete_min "$cw"), max $(get complete_max "$cw"))" \
             "$(get complete_median "$kw")" "$(get complete_median "$cw")"
        crow "  peak memory while starting, sum of RSS / of PSS (median of $CR_RUNS; ratio of PSS)" \
             "$(mb "$(get peak_rss_median "$kw")") / $(mb "$(get peak_pss_median "$kw")") MB" \
             "$(mb "$(get peak_rss_median "$cw")") / $(mb "$(get peak_pss_median "$cw")") MB" \
             "$(get peak_pss_median "$kw")" "$(get peak_pss_median "$cw")"
        crow "  memory after 5 s idle, sum of RSS ($kscreen screen / notices page)" \
             "$(mb "$(get idle_rss "$kw")") MB" "$(mb "$(get idle_rss "$cw")") MB" \
             "$(get idle_rss "$kw")" "$(get idle_rss "$cw")"
        crow "  memory after 5 s idle, sum of PSS (shared pages counted once)" \
             "$(mb "$(get idle_pss "$kw")") MB" "$(mb "$(get idle_pss "$cw")") MB" \
             "$(get idle_pss "$kw")" "$(get idle_pss "$cw")"
        crow "  processes" "$(get idle_procs "$kw")" "$(get idle_procs "$cw")"
        crow "  idle CPU over ${IDLE_S} s, the whole tree (% of a core)" \
             "$(get idle_cpu "$kw") %" "$(get idle_cpu "$cw") %" "$(get idle_cpu "$kw")" "$(get idle_cpu "$cw")"
        crow "  Xvfb's CPU meanwhile" "$(get idle_extra_cpu "$kw") %" "$(get idle_extra_cpu "$cw") %"
        [ "$(get idle_screen_changed "$kw")$(get idle_screen_changed "$cw")" = 00 ] ||
            note "the screen changed while idle (kiosk $(get idle_screen_changed "$kw"), chromium $(get idle_screen_changed "$cw"))"
        if command -v convert >/dev/null 2>&1; then
            convert "$TMP/kiosk-window.ppm" "$B/bench/kiosk-window.png" 2>/dev/null &&
            convert "$TMP/chromium-window.ppm" "$B/bench/chromium-window.png" 2>/dev/null &&
                note "the screens after the windowed runs are in $B/bench/kiosk-window.png and chromium-window.png; the headless shots in kiosk-headless.png and chromium-headless.png"
        fi
    fi
fi

office_section

# The figures the issue names, one row each, from the sections above:
# medians, with the 99th percentile beside them where the target is one.
SUM=$TMP/summary; : >"$SUM"
srow() { printf '| %s | %s | %s |\n' "$1" "$2" "$3" >>"$SUM"; }
xv=; [ $driver = x11 ] && xv="; $(get wall_median "$fx") ms = $(get ratio_wall_median "$fx") x floor ($(get b_wall_median "$fx") ms) on Xvfb (X11)"
srow "Start to first frame (section 1)" "$(get wall_median "$ff") ms = $(get ratio_wall_median "$ff") x the SDL floor ($(get b_wall_median "$ff") ms), dummy driver$xv" "< 60 ms; Xvfb < 100 ms (the floor alone may be over them: section 1)"
srow "System calls: a start / a redraw of the notices (1)" "${SYS_START:-not counted} / ${SYS_REDRAW:-not counted}" "-"
l=$(printf '%s\n' "$rd" | grep "^screen=notices part=full ")
srow "Redraw cost, unchanged notices screen (2)" "$(get median "$l") ms CPU (p99 $(get p99 "$l"))" "< 2 ms"
srow "Idle CPU, $driver (3)" "$cpu % of a core over ${IDLE_S} s" "~0 (< 0.5 %)"
srow "Peak RSS (4)" "$(($(get maxrss_median "$sh") / 1024)) MB notices screenshot; $((hwm / 1024)) MB running kiosk; $(($(get maxrss_median "$ff") / 1024)) MB first-frame runs" "< 60 MB"
# own OF: ", less the wait for a core X / Y ms drawn" when bench/suggest gave it
own() { [ -n "$(part "$1_own")" ] && echo "; less the wait for a core $(get p99 "$(part "$1_own")") / $(get p99 "$(part "$1_draw_own")") ms drawn"; }
l=$(part key)
srow "Keystroke to candidates (5)" "median $(get median "$l") ms, p99 $(get p99 "$l") ms ($(get median "$(part key_draw)") / $(get p99 "$(part key_draw)") ms drawn$(own key))" "p99 < 5 ms"
l=$(part key_long)
srow "Keys into a long draft, up to $(get draft_max_chars "$l") characters (5)" "p99 $(get p99 "$l") ms, $(get p99 "$(part key_long_draw)") ms drawn$(own key_long)" "p99 < 3 ms drawn"
srow "First handwriting stroke of the process (5)" "$(get max "$(part stroke_first_process)") ms" "< 30 ms"
l=$(part stroke)
srow "Handwriting stroke to candidates (5)" "median $(get median "$l") ms, p99 $(get p99 "$l") ms ($(get median "$(part stroke_draw)") / $(get p99 "$(part stroke_draw)") ms drawn$(own stroke))" "p99 < 30 ms"
l=$(part send)
srow "Commit: send to thank-you, durable (5)" "$(get median "$l") ms (p99 $(get p99 "$l"))" "< 50 ms"
l=$(printf '%s\n' "$up" | grep "^part=throughput ")
srow "Upload throughput, loopback (6)" "$(get per_s "$l") items/s" "-"
l=$(printf '%s\n' "$up" | grep "^part=frames ")
srow "Worst frame while uploading, a server hanging (6)" "$(get max "$l") ms wall$([ -n "$(get own_max "$l")" ] && echo ", $(get own_max "$l") ms less its wait for a core")" "< 20 ms (less the wait)"
srow "Check a reply, sealed feed (5b)" "UI thread p95 $(get p95 "$ru") ms; the answer in $(get median "$ra") ms" "< 5 ms; < 500 ms"

# The tables, on the terminal and in $B/bench/results.md.
{
    echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1),"
    echo "Linux $(uname -r), SDL $(pkg-config --modversion sdl2 2>/dev/null); $(date -u '+%Y-%m-%d %H:%M UTC');"
    echo "load average $LOAD0 at the start, $(cut -d ' ' -f 1-3 /proc/loadavg) at the end."
    echo
    echo "| Figure (the issue's list) | This machine | Target |"
    echo "|---|---|---|"
    cat "$SUM"
    echo
    echo "| Figure | Measured | Target | Result |"
    echo "|---|---|---|---|"
    cat "$ROWS"
    if [ -s "$CROWS" ]; then
        echo
        echo "The same notices in $cver (section 7; kiosk and browser measured alike):"
        echo
        echo "| Figure | Kiosk | Chromium | Chromium / kiosk |"
        echo "|---|---|---|---|"
        cat "$CROWS"
    fi
    if [ -s "$OFFICE_MD" ]; then echo; cat "$OFFICE_MD"; fi
    if [ -s "$NOTES" ]; then echo; cat "$NOTES"; fi
} >"$B/bench/results.md"
cat "$B/bench/results.md"

if [ "${BENCH_UPDATE_DOC:-0}" = 1 ]; then
    doc=docs/BENCHMARKS.md
    if grep -q '^<!-- bench:begin -->$' $doc && grep -q '^<!-- bench:end -->$' $doc; then
        awk -v f="$B/bench/results.md" '
            /^<!-- bench:end -->$/ { while ((getline l < f) > 0) print l; skip = 0 }
            !skip { print }
            /^<!-- bench:begin -->$/ { skip = 1 }' $doc >"$TMP/doc" && cat "$TMP/doc" >$doc &&
            echo "bench: table written into $doc"
    else
        echo "bench: $doc has no <!-- bench:begin/end --> markers; not updated" >&2
    fi
fi
[ $failed -eq 0 ]
