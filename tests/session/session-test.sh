#!/bin/sh
# session-test.sh BUILD_DIR - the installed kiosk session, for real but
# headless (issue 17): `make install DESTDIR=...`, then the installed unit's
# ExecStart= (kiosk-session, cage, the kiosk) run by tests/session/supervise.sh
# with the unit's Environment=, Restart= and RestartSec=, under cage on
# wlroots' headless backend with its pixman renderer, on an output of
# 1920x1080 and then one of 1080x1920. Checked from outside the kiosk:
#  - the screen (grim, through the compositor) is the kiosk's own
#    --screenshot of the same screen, near pixel for pixel;
#  - the QR codes on the screen decode (zbarimg) to the content's addresses;
#  - a tap on the touch panel (a wlroots touch device, tests/session/cage_shim.c)
#    reaches the kiosk and changes the screen;
#  - Alt+F4, Ctrl+Alt+Backspace, Ctrl+Alt+F2, Alt+Tab and Escape on a
#    keyboard leave the same kiosk on the screen, with no other program;
#  - no Mesa driver mapped by cage, Xwayland or the kiosk (the display path
#    of docs/OPERATIONS.md);
#  - memory (RSS and PSS of cage, Xwayland and the kiosk) at rest and after
#    use, the whole session under 120 MB RSS at rest;
#  - kill -9 of the kiosk, then of cage: the session is back on the screen
#    within 10 s each time;
#  - systemd-analyze verify passes on the installed unit.
# Prints "session: N passed, N failed, N skipped"; exit 77 (and "session:
# skipped: no cage") when cage, grim, zbarimg or systemd-analyze is missing.
set -u
cd "$(dirname "$0")/../.." || exit 1
build=${1:-build}
for tool in cage grim zbarimg systemd-analyze setpriv; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "session: skipped: no $tool"
        exit 77
    fi
done
for f in "$build/tests/session/cage_shim.so" "$build/tests/session/pngcmp"; do
    [ -e "$f" ] || { echo "session: FAILED: $f is not built"; exit 1; }
done
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "session: ok   $*"; }
bad() { fail=$((fail + 1)); echo "session: FAIL $*"; }
now() { date +%s.%N | cut -c1-14; }
elapsed() { echo "$1 $2" | awk '{printf "%.1f", $2 - $1}'; }

t=$(mktemp -d /tmp/lk-session.XXXXXX)
chmod 0755 "$t"
sup=""
cleanup() {
    [ -n "$sup" ] && kill -TERM "$sup" 2>/dev/null && wait "$sup" 2>/dev/null
    rm -rf "$t"
}
trap cleanup EXIT
trap 'exit 1' TERM INT
# The session's user may not be able to read this tree (a clone under
# /root): what it runs comes from the scratch directory.
mkdir -p "$t/bin"
cp "$build/tests/session/cage_shim.so" tests/session/supervise.sh "$t/bin/"
shim=$t/bin/cage_shim.so
pngcmp=$(cd "$build/tests/session" && pwd)/pngcmp
export TZ=${TZ:-Asia/Shanghai}

# 1. Install, as on the kiosk (docs/OPERATIONS.md step 3).
dest=$t/root
if ! env -u MAKEFLAGS -u MAKELEVEL make -s install DESTDIR="$dest" PREFIX=/usr BUILD="$build" \
        >"$t/install.log" 2>&1; then
    cat "$t/install.log"
    echo "session: FAILED: make install"
    exit 1
fi
unit=$dest/lib/systemd/system/lobby-kiosk.service

# systemd-analyze verify on the installed unit, in a root made of the
# install and the system's own units (the targets and sockets it names).
mkdir -p "$t/verify"
cp -a "$dest/." "$t/verify/"
cp -rn /lib/systemd/system/. "$t/verify/lib/systemd/system/"
if out=$(systemd-analyze verify --root="$t/verify" /lib/systemd/system/lobby-kiosk.service 2>&1) &&
   [ -z "$out" ]; then
    ok "systemd-analyze verify lobby-kiosk.service"
else
    bad "systemd-analyze verify lobby-kiosk.service: $out"
fi

# The unit's user is lobby-kiosk; here an unprivileged user (cage refuses
# to run as root): ourselves, or nobody when we are root.
run=""
[ "$(id -u)" = 0 ] && run="setpriv --reuid=65534 --regid=65534 --clear-groups"
mkdir -p "$t/state" "$t/runtime" "$t/xdg" "$t/shots"
chmod 0700 "$t/state" "$t/runtime" "$t/xdg"
[ -n "$run" ] && chown 65534:65534 "$t/state" "$t/runtime" "$t/xdg" "$t/shots"
# Settings as OPERATIONS.md step 5: the data directory is the unit's
# StateDirectory=, here a scratch one.
conf=$dest/etc/lobby-kiosk/kiosk.conf
sed -i "s|^; data_dir = .*|data_dir = $t/state|" "$conf"
# First content, as the kiosk's user (step 6).
$run "$dest/usr/bin/kioskctl" --config "$conf" import "$dest/usr/share/lobby-kiosk/assets/content/sample.json" \
    >/dev/null || bad "kioskctl import"
# The kiosk's own screenshots are drawn from a copy of the data (the
# running kiosk holds the directory's lock).
cp -a "$t/state" "$t/shotdata"

export XDG_RUNTIME_DIR=$t/xdg WAYLAND_DISPLAY=wayland-0
export WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 WLR_HEADLESS_OUTPUTS=0
export RUNTIME_DIRECTORY=$t/runtime
ctl=$t/xdg/shim.sock

grab() { $run grim -l 1 "$1" 2>/dev/null; }
send() {   # send COMMAND: to the shim's socket in cage; "ok" or an error
    python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall((sys.argv[2]+"\n").encode())
r=s.recv(300).decode().strip(); print(r); sys.exit(r!="ok")' "$ctl" "$1"
}
# expect SCREEN: the kiosk's own --screenshot of SCREEN at the size under
# test and the current minute (the clock on the screen), made once; prints
# its file name.
expect() {
    m=$(date +%Y-%m-%dT%H:%M:00%:z)
    f=$t/shots/$1-$size-$(echo "$m" | tr -d ':+-')-want.png
    [ -e "$f" ] || "$dest/usr/bin/kiosk" --config "$conf" --data-dir "$t/shotdata" --screenshot "$f" \
        --screen "$1" --size "$size" --now "$m" >/dev/null 2>&1
    echo "$f"
}
# shows NAME SCREEN SECONDS: poll the compositor (grim) until it shows what
# the kiosk draws for SCREEN; prints the comparison, and sets $seen to the
# time of the matching grab.
shows() {
    end=$(($(date +%s) + $3))
    while [ "$(date +%s)" -le "$end" ]; do
        at=$(now)
        if grab "$t/shots/$1-got.png" && ! "$pngcmp" --blank "$t/shots/$1-got.png"; then
            want=$(expect "$2")
            diff=$("$pngcmp" "$t/shots/$1-got.png" "$want")
            if [ $? -eq 0 ]; then
                echo "$diff"
                echo "$at" >"$t/seen"
                return 0
            fi
        fi
        sleep 0.2
    done
    echo "${diff:-nothing on the screen}"
    return 1
}
pids() { pgrep -u "$(id -u ${run:+nobody})" -x "$1" | tr '\n' ' ' | sed 's/ $//'; }
# mem: RSS and PSS in MB of cage, Xwayland and the kiosk, summed.
mem() {
    rss=0; pss=0; parts=""
    for name in cage Xwayland kiosk; do
        for p in $(pids "$name"); do
            r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")
            s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
            rss=$((rss + r)); pss=$((pss + s))
            parts="$parts $name $((r / 1024))/$((s / 1024))"
        done
    done
    echo "$((rss / 1024)) MB RSS, $((pss / 1024)) MB PSS (RSS/PSS MB:$parts)"
}
# hits NAME [STEP]: the kiosk's hit regions (replay "dump") on the home
# screen or the page STEP opens, at the size under test, into $t/NAME.hits.
hits() {
    printf '%s\ndump %s\n' "${2:-}" "$t/$1.hits" >"$t/hits.replay"
    "$dest/usr/bin/kiosk" --config "$conf" --data-dir "$t/shotdata" --replay "$t/hits.replay" \
        --size "$size" >/dev/null 2>&1
}
tapat() {   # tapat ID NAME: tap the middle of hit region ID of $t/NAME.hits
    xy=$(awk -v id="$1" -v s="$size" 'BEGIN {split(s, d, "x")}
        $1 == "hit" && $2 == id {printf "%.4f %.4f", ($3 + $5 / 2) / d[1], ($4 + $6 / 2) / d[2]; exit}' \
        "$t/$2.hits")
    [ -n "$xy" ] && send "tap $xy" >/dev/null
}

start_session() {
    rm -f "$ctl"
    $run env -C "$t" LD_PRELOAD="$shim" LK_SHIM_OUTPUT="$size" LK_SHIM_SOCKET="$ctl" \
        "$t/bin/supervise.sh" "$unit" "$dest" 2>>"$t/session.log" &
    sup=$!
}
stop_session() {
    kill -TERM "$sup" 2>/dev/null
    wait "$sup" 2>/dev/null
    sup=""
}

for size in 1920x1080 1080x1920; do
    start_session
    hits home; hits page "tap @tile:connect"
    t0=$(now)
    if diff=$(shows home-$size home 30); then
        ok "$size: the screen is the kiosk's home screen after $(elapsed "$t0" "$(cat "$t/seen")") s ($diff)"
    else
        bad "$size: the screen is not the kiosk's home screen ($diff)"
        tail -20 "$t/session.log"
        stop_session
        continue
    fi
    got=$("$pngcmp" --size "$t/shots/home-$size-got.png")
    [ "$got" = "$size" ] && ok "$size: the output is $got, the kiosk fills it" ||
        bad "$size: the screenshot is $got"
    [ "$size" = 1920x1080 ] && rest=$(mem)
    # The display path: no Mesa driver (llvmpipe, swrast) in any of them.
    gl=""
    for name in cage Xwayland kiosk; do
        for p in $(pids "$name"); do
            grep -q '_dri\.so\|libgallium\|libLLVM' "/proc/$p/maps" && gl="$gl $name"
        done
    done
    [ -z "$gl" ] && ok "$size: no OpenGL driver mapped by cage, Xwayland or the kiosk" ||
        bad "$size: an OpenGL driver is mapped by:$gl"

    # A tap on the "Scan to connect" tile opens its page: QR codes.
    if tapat tile:connect home && diff=$(shows connect-$size connect 10); then
        ok "$size: a tap on the touch panel opened the connect page ($diff)"
    else
        bad "$size: a tap did not open the connect page (${diff:-no tap})"
    fi
    codes=$(zbarimg -q --raw "$t/shots/connect-$size-got.png" 2>/dev/null | sort | tr '\n' ' ')
    want=$(python3 -c 'import json,sys
print(" ".join(sorted(c["url"] for c in json.load(open(sys.argv[1]))["channels"])))' \
        assets/content/sample.json)
    [ "${codes% }" = "$want" ] && ok "$size: QR codes decode to the channels' addresses" ||
        bad "$size: QR codes decoded: '$codes', wanted '$want'"
    [ "$size" = 1080x1920 ] && { stop_session; continue; }

    # The way out that keyboards offer, tried on the compositor and the kiosk.
    kiosk=$(pids kiosk); cage=$(pids cage)
    for keys in "56 62:Alt+F4" "29 56 14:Ctrl+Alt+Backspace" "29 56 60:Ctrl+Alt+F2" \
                "56 15:Alt+Tab" "1:Escape" "29 16:Ctrl+Q"; do
        send "keys ${keys%%:*}" >/dev/null || bad "keys ${keys#*:} not sent"
    done
    others=$(ps -o comm= --ppid "$(pids cage | cut -d' ' -f1)" 2>/dev/null | grep -v '^kiosk-session$\|^Xwayland$\|^sh$' | tr '\n' ' ')
    if [ "$(pids kiosk)" = "$kiosk" ] && [ "$(pids cage)" = "$cage" ] && [ -z "$others" ] &&
       { diff=$(shows keys-$size connect 3) || diff=$(shows keys-$size home 3); }; then
        ok "$size: Alt+F4, Ctrl+Alt+Backspace, Ctrl+Alt+F2, Alt+Tab, Escape, Ctrl+Q: the same kiosk stays ($diff)"
    else
        bad "$size: after the keys: kiosk $(pids kiosk) (was $kiosk), cage $(pids cage) (was $cage), others '$others' ${diff:-}"
    fi
    tapat home page; tapat tile:notices home; tapat back page
    tapat tile:events home; tapat back page; tapat tile:connect home
    used=$(mem)
    rss=${rest%% MB*}
    if [ "$rss" -lt 120 ]; then
        ok "$size: memory at rest $rest; after use $used"
    else
        bad "$size: memory at rest $rest (target under 120 MB RSS); after use $used"
    fi

    # kill -9 of the kiosk, then of cage: back within 10 s (RestartSec=5s).
    for victim in kiosk cage; do
        old=$(pids kiosk)
        kill -KILL $(pids "$victim")
        t0=$(now)
        end=$(($(date +%s) + 15))
        while [ "$(date +%s)" -le "$end" ]; do
            new=$(pids kiosk)
            [ -n "$new" ] && [ "$new" != "$old" ] && break
            sleep 0.2
        done
        if diff=$(shows restart-$victim-$size home 15); then
            secs=$(elapsed "$t0" "$(cat "$t/seen")")
            if awk -v s="$secs" 'BEGIN {exit !(s <= 10)}'; then
                ok "$size: kill -9 of $victim: the kiosk is back on the screen after $secs s"
            else
                bad "$size: kill -9 of $victim: back only after $secs s (more than 10)"
            fi
        else
            bad "$size: kill -9 of $victim: the session did not come back ($diff)"
            tail -20 "$t/session.log"
        fi
    done
    stop_session
done
starts=$(grep -c '^supervise: start' "$t/session.log")
echo "session: $starts starts by the supervisor (2 sessions, 2 restarts expected: 4)"
[ "$starts" -eq 4 ] && ok "supervisor: 4 starts" || { bad "supervisor: $starts starts"; cat "$t/session.log"; }
echo "session: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
