#!/bin/sh
# bench-office.sh - Lobby Office's speed and memory against issue 13's and
# 14's targets, each beside a peer or a floor measured in the same run
# (docs/BENCHMARKS.md, "Lobby Office"). Prints a markdown table (and notes).
# Usage: tests/bench-office.sh BUILD_DIR    (tests/bench.sh runs it; make bench)
#   tests/bench-office.sh --engine BUILD_DIR ROWS NOTES   (internal: one engine,
#   the one OFFICE_TEST_DB names, else SQLite; rows appended to ROWS)
# Settings: BENCH_OFFICE_SUGGESTIONS (100000), BENCH_OFFICE_KIOSKS (2000
# enrolled), BENCH_OFFICE_CONNS (200 simulated kiosks), BENCH_OFFICE_SECONDS
# (10 per load), BENCH_OFFICE_ROUNDS (30 per console query),
# BENCH_OFFICE_THREADS (the office's threads, 4: its default),
# BENCH_OFFICE_PG=0 (SQLite only). Exit status 1 when a target is missed.
set -u
cd "$(dirname "$0")/.." || exit 1

SUGG=${BENCH_OFFICE_SUGGESTIONS:-100000}
KIOSKS=${BENCH_OFFICE_KIOSKS:-2000}
CONNS=${BENCH_OFFICE_CONNS:-200}
SECS=${BENCH_OFFICE_SECONDS:-10}
ROUNDS=${BENCH_OFFICE_ROUNDS:-30}
THREADS=${BENCH_OFFICE_THREADS:-4}

get() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
progress() { printf 'bench-office: %s\n' "$*" >&2; }

# ---- one engine: seed, start the office, measure, stop ----
if [ "${1:-}" = --engine ]; then
    B=$2; ROWS=$3; NOTES=$4
    failed=0
    row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >>"$ROWS"; }
    check() {   # FIGURE MEASURED VALUE LIMIT TARGET: pass when VALUE < LIMIT
        if lt "$3" "$4"; then row "$1" "$2" "$5" pass; else row "$1" "$2" "$5" FAIL; failed=1; fi
    }
    atleast() { # FIGURE MEASURED VALUE LIMIT TARGET: pass when VALUE >= LIMIT
        if lt "$3" "$4"; then row "$1" "$2" "$5" FAIL; failed=1; else row "$1" "$2" "$5" pass; fi
    }
    note() { printf -- '- %s\n' "$*" >>"$NOTES"; }
    T=$(mktemp -d /tmp/office-bench-XXXXXX) || exit 1
    chmod 755 "$T"
    OPID=; SPID=; NPID=
    cleanup() {
        for p in $OPID $SPID $NPID; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
        rm -rf "$T"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    if [ -n "${OFFICE_TEST_DB:-}" ]; then ENGINE=postgresql; DB=$OFFICE_TEST_DB
    else ENGINE=sqlite; DB=$T/data/office.db; fi
    mkdir -p "$T/data" "$T/www" && chmod 755 "$T/www"
    tests/server/make_certs.sh "$T/certs" || { echo "bench-office: no certificates" >&2; exit 1; }
    CA=$T/certs/ca.pem
    dbline=; [ $ENGINE = postgresql ] && dbline="database = $DB"
    cat >"$T/office.conf" <<EOF
[server]
listen = 127.0.0.1:0
tls_cert = $T/certs/server.pem
tls_key = $T/certs/server.key
threads = $THREADS
[storage]
data_dir = $T/data
$dbline
[kiosks]
office_key = none
[fleet]
tick_s = 0
EOF
    progress "$ENGINE: seeding $SUGG suggestions, $KIOSKS kiosks"
    sd=$("$B/bench/office" seed "$DB" "$SUGG" "$KIOSKS" "$T/tokens") || exit 1
    for c in 0 1 2 3 4 5 6 7 8 9; do
        "$B/officectl" --config "$T/office.conf" content import c$c assets/content/sample.json \
            >/dev/null || { echo "bench-office: content import failed" >&2; exit 1; }
    done
    # start_office [strace]: the office in the background; URL and OPID set.
    start_office() {
        : >"$T/office.out"
        if [ "${1:-}" = strace ]; then
            strace -f --seccomp-bpf -e trace=fsync,fdatasync -c -o "$T/strace.txt" \
                "$B/office" --config "$T/office.conf" >"$T/office.out" 2>>"$T/office.err" &
            SPID=$!
        else
            "$B/office" --config "$T/office.conf" >"$T/office.out" 2>>"$T/office.err" &
            OPID=$!
        fi
        i=0
        while ! grep -q 'listening on' "$T/office.out" && [ $i -lt 300 ]; do
            sleep 0.1; i=$((i + 1)); done
        URL=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$T/office.out")
        [ -n "$URL" ] || { echo "bench-office: the office did not start:" >&2
                           tail -n 5 "$T/office.err" >&2; exit 1; }
        [ -n "$SPID" ] && OPID=$(pgrep -P "$SPID" | head -n 1)
    }
    stop_office() {
        [ -n "$SPID" ] && { kill "$OPID"; wait "$SPID" 2>/dev/null; SPID=; OPID=; return; }
        kill "$OPID"; wait "$OPID" 2>/dev/null; OPID=
    }
    load() {   # MODE [KIOSKS] [URL]: one load run's output line
        "$B/bench/office" load "${3:-$URL}" "$CA" "$T/tokens" "$1" "$CONNS" "$SECS" ${2:-} ||
            note "$ENGINE $1: some requests failed ($(tail -n 1 "$T/office.err" 2>/dev/null | cut -c1-160))"
    }
    wal_syncs() { psql "$DB" -Atc 'SELECT wal_sync FROM pg_stat_wal' 2>/dev/null || echo 0; }

    # 1. Durable submissions, with fsyncs counted (SQLite: strace counts the
    # office's fsync and fdatasync calls; PostgreSQL: pg_stat_wal.wal_sync).
    progress "$ENGINE: submissions, $CONNS kiosks, ${SECS} s"
    if [ $ENGINE = sqlite ] && command -v strace >/dev/null 2>&1; then start_office strace
    else start_office; fi
    w0=$(wal_syncs)
    sub=$(load submit)
    w1=$(wal_syncs)
    stop_office
    stored=$(( $(get s2xx "$sub") + CONNS ))   # the warm-up requests stored one each too
    if [ $ENGINE = sqlite ] && [ -s "$T/strace.txt" ]; then
        syncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$T/strace.txt")
        how="strace -f: fsync + fdatasync of the office"
    else
        syncs=$((w1 - w0)); how="pg_stat_wal.wal_sync"
    fi
    per=$(awk -v f="$syncs" -v s="$stored" 'BEGIN { printf "%.2f", s ? f / s : 0 }')
    # 2. The rest on an office without strace.
    start_office
    sub2=$(load submit)
    subrate=$(get ok_per_s "$sub2")
    if [ $ENGINE = sqlite ]; then
        atleast "Durable submissions/s, SQLite (WAL, synchronous=FULL), $CONNS kiosks" \
            "$subrate/s (p50 $(get p50_ms "$sub2") ms, p95 $(get p95_ms "$sub2") ms; $(get failed "$sub2") failed, $(get other "$sub2") refused)" \
            "$subrate" 2000 ">= 2,000/s"
    else
        row "Durable submissions/s, PostgreSQL 15 (fsync on, synchronous_commit on), $CONNS kiosks" \
            "$subrate/s (p50 $(get p50_ms "$sub2") ms, p95 $(get p95_ms "$sub2") ms; $(get failed "$sub2") failed)" \
            "(SQLite's 2,000/s)" info
    fi
    check "  syncs per stored submission ($how; $stored stored under it at $(get ok_per_s "$sub")/s)" \
        "$per ($syncs syncs)" "$per" 1 "< 1 (commits grouped)"
    progress "$ENGINE: heartbeats, $KIOSKS kiosks over $CONNS connections"
    hb=$(load heartbeat "$KIOSKS")
    row "Heartbeats/s, $KIOSKS enrolled kiosks over $CONNS connections" \
        "$(get ok_per_s "$hb")/s (p50 $(get p50_ms "$hb") ms, p95 $(get p95_ms "$hb") ms)" "-" info
    progress "$ENGINE: content polls (If-None-Match), $CONNS kiosks"
    poll=$(load poll)
    progress "$ENGINE: console queries, $ROUNDS rounds"
    apiout=$("$B/bench/office" api "$URL" "$CA" "$ROUNDS") ||
        note "$ENGINE: a console query failed (see the rows)"
    hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$OPID/status)
    rss=$(awk '/^VmRSS/ { print $2 }' /proc/$OPID/status)
    stop_office

    # nginx serving the same document with its ETag, same client, same TLS.
    if [ $ENGINE = sqlite ]; then
        tok=$(head -n 1 "$T/tokens")
        if ! command -v nginx >/dev/null 2>&1; then
            note "nginx is not installed (Debian: nginx): the 304 peer was not measured"
            row "Content polls answered 304/s, $CONNS kiosks" "$(get not_modified_per_s "$poll")/s (p95 $(get p95_ms "$poll") ms)" ">= 0.5 x nginx" "FAIL: no nginx to compare"
            failed=1
        else
            start_office
            curl -s --cacert "$CA" -H "Authorization: Bearer $tok" -o "$T/www/content.json" "$URL/api/content"
            stop_office
            chmod 644 "$T/www/content.json"
            port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
            workers=$(nproc)
            cat >"$T/nginx.conf" <<EOF
worker_processes $workers;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    server {
        listen 127.0.0.1:$port ssl;
        ssl_certificate $T/certs/server.pem;
        ssl_certificate_key $T/certs/server.key;
        root $T/www;
        location / { default_type application/json; etag on; }
    }
}
EOF
            nginx -p "$T" -c "$T/nginx.conf" -g 'daemon off;' 2>>"$T/nginx-error.log" &
            NPID=$!
            i=0
            while ! curl -s --cacert "$CA" -o /dev/null "https://127.0.0.1:$port/content.json" && [ $i -lt 50 ]; do
                sleep 0.1; i=$((i + 1)); done
            ng=$(load poll "" "https://127.0.0.1:$port/content.json")
            kill "$NPID"; wait "$NPID" 2>/dev/null; NPID=
            nver=$(nginx -v 2>&1 | sed 's/.*: //')
            o304=$(get not_modified_per_s "$poll"); n304=$(get not_modified_per_s "$ng")
            ratio=$(awk -v a="$o304" -v b="$n304" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
            atleast "Content polls answered 304/s, $CONNS kiosks (If-None-Match)" \
                "$o304/s = ${ratio} x nginx (p50 $(get p50_ms "$poll") ms, p95 $(get p95_ms "$poll") ms; office threads $THREADS)" \
                "$ratio" 0.5 ">= 0.5 x nginx"
            row "  peer: $nver, the same document with its ETag, $workers workers, same client and TLS" \
                "$n304/s (p50 $(get p50_ms "$ng") ms, p95 $(get p95_ms "$ng") ms)" "-" info
        fi
    else
        row "Content polls answered 304/s, PostgreSQL, $CONNS kiosks" \
            "$(get not_modified_per_s "$poll")/s (p50 $(get p50_ms "$poll") ms, p95 $(get p95_ms "$poll") ms)" "(0.5 x nginx: the SQLite row)" info
    fi

    check "Peak RSS of the office ($ENGINE), $KIOSKS enrolled kiosks, all the loads above" \
        "$((hwm / 1024)) MB (VmHWM; $((rss / 1024)) MB at the end)" "$hwm" $((60 * 1024)) "< 60 MB"

    # The console's queries over $SUGG suggestions.
    printf '%s\n' "$apiout" | grep '^part=api ' >"$T/api"
    worst_inbox=0; worst_page=0
    while read -r l; do
        n=$(get name "$l"); p95=$(get p95_ms "$l")
        if [ "$(get status "$l")" != 200 ]; then
            row "  console query $n ($ENGINE)" "answered $(get status "$l")" "-" FAIL; failed=1
            continue
        fi
        case $n in
        inbox*) lim=50; tgt="< 50 ms p95" ;;
        *) lim=100; tgt="< 100 ms p95" ;;
        esac
        items=$(printf '%s\n' "$apiout" | sed -n "s/^part=api_items name=$n items=//p")
        [ -n "$items" ] && items="; $items items"
        check "  $n ($ENGINE, $SUGG suggestions)" "p95 $p95 ms (p50 $(get p50_ms "$l"), max $(get max_ms "$l")$items)" "$p95" $lim "$tgt"
    done <"$T/api"
    row "  the seed ($ENGINE)" "$(get suggestions "$sd") suggestions, $(get kiosks "$sd") kiosks, $(get communities "$sd") communities in $(get seconds "$sd") s" "-" info
    exit $failed
fi

# ---- the whole section: the floor, SQLite, PostgreSQL when it can start ----
B=${1:-build}
TMP=$(mktemp -d /tmp/office-bench-rows-XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
ROWS=$TMP/rows; NOTES=$TMP/notes; : >"$ROWS"; : >"$NOTES"
LOAD0=$(cut -d ' ' -f 1-3 /proc/loadavg)
failed=0
progress "disk floor: 4 KB pwrite + fdatasync for 3 s"
fl=$("$B/bench/office" fsync "$TMP" 3) || exit 1
src=$(df -P "$TMP" | awk 'NR == 2 { print $1 }'); fstype=$(df -PT "$TMP" | awk 'NR == 2 { print $2 }')
printf '| Disk floor: 4 KB pwrite + fdatasync in a loop (%s on %s) | %s/s (median %s ms, p95 %s ms) | - | info |\n' \
    "$fstype" "$src" "$(get per_s "$fl")" "$(get median_ms "$fl")" "$(get p95_ms "$fl")" >>"$ROWS"
echo "$(get per_s "$fl")" >"$TMP/floor"
"$0" --engine "$B" "$ROWS" "$NOTES" || failed=1
if [ "${BENCH_OFFICE_PG:-1}" = 0 ]; then
    printf -- '- BENCH_OFFICE_PG=0: PostgreSQL was not measured\n' >>"$NOTES"
else
    PG_TEST_FSYNC=on scripts/pg-test.sh "$0" --engine "$B" "$ROWS" "$NOTES" >"$TMP/pg.out" 2>&1
    rc=$?
    if [ $rc = 77 ]; then
        printf -- '- PostgreSQL: %s\n' "$(head -n 1 "$TMP/pg.out")" >>"$NOTES"
    elif [ $rc != 0 ]; then
        failed=1
        grep -v '^bench-office:' "$TMP/pg.out" | tail -n 3 | sed 's/^/- PostgreSQL: /' >>"$NOTES"
    fi
fi
echo "Lobby Office ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $LOAD0 at the start, $(cut -d ' ' -f 1-3 /proc/loadavg) at the end):"
echo
echo "| Figure | Measured | Target | Result |"
echo "|---|---|---|---|"
cat "$ROWS"
[ -s "$NOTES" ] && { echo; cat "$NOTES"; }
exit $failed
