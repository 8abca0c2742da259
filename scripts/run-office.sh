#!/bin/sh
# make run-office: a demo Lobby Office on loopback with an embedded
# database, a demo organisation, community and enrolled kiosk.
# Usage: scripts/run-office.sh BUILD_DIR   (OFFICE_PORT, default 8080; 0
# takes a free one)
# The demo lives in BUILD_DIR/office-demo/ (OFFICE_DEMO_DIR: elsewhere) and
# is kept between runs; delete that directory to start afresh. Its inbox
# holds example suggestions (officectl demo: some overdue, some answered),
# stored once: a second run adds nothing.
set -eu
build=${1:-build}
port=${OFFICE_PORT:-8080}
demo=${OFFICE_DEMO_DIR:-$build/office-demo}
password=demo-password
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
conf=$demo/office.conf
kconf=$demo/kiosk.conf
if [ ! -e "$demo/data/office.db" ]; then
    cat >"$conf" <<CONF
; the demo office of make run-office (scripts/run-office.sh)
[server]
listen = 127.0.0.1:$port
[storage]
data_dir = $demo/data
CONF
    printf '%s\n%s\n' "$password" "$password" |
        "$build/officectl" --config "$conf" init --org "翠湖物业服务有限公司" --admin admin
    "$build/officectl" --config "$conf" community add cuihu 翠湖花园社区 "Cuihu Garden Community"
    "$build/officectl" --config "$conf" content import cuihu assets/content/sample.json
    code=$("$build/officectl" --config "$conf" kiosk add cuihu lobby-demo |
           sed -n 's/.*enrolment code \([^ ]*\).*/\1/p')
    cat >"$kconf" <<CONF
; the demo kiosk of make run-office, enrolled with kioskctl enroll
[kiosk]
data_dir = $demo/kiosk
[upload]
upload_times =
upload_batch_min = 1
CONF
fi
# Example suggestions, replies, a contact and ratings (once).
demo_said=$("$build/officectl" --config "$conf" demo cuihu lobby-demo admin)
receipt=$(printf '%s\n' "$demo_said" | sed -n 's/.*receipt code with a reply: \([^ ]*\).*/\1/p')
out=$demo/office.out
"$build/office" --config "$conf" >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM
# Wait for its readiness line (or its exit).
while ! grep -q "listening on" "$out" 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { echo "run-office: the office did not start" >&2; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$out")
if [ -n "${code:-}" ]; then
    "$build/kioskctl" --config "$kconf" enroll "$url" "$code"
fi
cat <<MSG

Lobby Office is running at $url  (Ctrl-C stops it)
  the console:   $url/console/
  demo login:    admin / $password
  organisation:  翠湖物业服务有限公司, community "cuihu", kiosk "lobby-demo" (enrolled)
  the inbox:     14 example suggestions (officectl demo), some overdue
  a reply:       $url/r/$receipt  (a resident's receipt code $receipt)
  the demo kiosk, talking to this office (another terminal):
    $build/kiosk --windowed --config $kconf
    $build/kioskctl --config $kconf upload     # send its suggestions now
    $build/kioskctl --config $kconf sync       # fetch the content now
  the office's admin tool:
    $build/officectl --config $conf status
  a fresh demo: rm -rf $demo
MSG
wait $pid
