#!/bin/sh
# Run COMMAND with a throwaway PostgreSQL 15 server: initdb in a scratch
# directory, a unix socket only (listen_addresses = ''), started with
# pg_ctl as an unprivileged user (as root: the user lkpgtest, created here
# when missing), one database `lk`; always stopped and removed afterwards.
# COMMAND sees:
#   OFFICE_TEST_DB        postgresql:///lk?host=SOCKETDIR&user=lk
#   OFFICE_TEST_PG_STOP   a shell command stopping the server (fast, waits)
#   OFFICE_TEST_PG_START  a shell command starting it again (waits)
# Exit status: COMMAND's; 77 when there is no PostgreSQL here (it says
# "skipped: no postgresql"); 1 when the server would not start.
# Usage: scripts/pg-test.sh COMMAND [ARG...]
#   e.g. scripts/pg-test.sh tests/run-tests.sh --office build
# PG_TEST_FSYNC=on: fsync and full_page_writes on (default off).
# PGBIN (default /usr/lib/postgresql/15/bin) names the server's programs.
set -u
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ] || [ ! -x "$PGBIN/postgres" ]; then
    echo "skipped: no postgresql (no $PGBIN/initdb; Debian: apt-get install postgresql-15)"
    exit 77
fi
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }

tmp=$(mktemp -d /tmp/lk-pg.XXXXXX) || exit 1
as=""
if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: a dedicated unprivileged user.
    if ! id -u lkpgtest >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            lkpgtest || { echo "pg-test: cannot create the user lkpgtest" >&2; rm -rf "$tmp"; exit 1; }
    fi
    chown lkpgtest "$tmp"
    as="runuser -u lkpgtest --"
fi
chmod 0700 "$tmp"

# fsync off: the server under test, not the disk, is what these tests try.
# PG_TEST_FSYNC=on keeps PostgreSQL durable (the benchmark of durable
# submissions, tests/bench-office.sh).
sync=off; [ "${PG_TEST_FSYNC:-off}" = on ] && sync=on
opts="-c listen_addresses='' -k $tmp -c fsync=$sync -c full_page_writes=$sync -c max_connections=200"
start="$as $PGBIN/pg_ctl -D $tmp/data -l $tmp/server.log -w -t 30 -o \"$opts\" start >/dev/null"
stop="$as $PGBIN/pg_ctl -D $tmp/data -m fast -w -t 30 stop >/dev/null"

cleanup() {
    if [ -f "$tmp/data/postmaster.pid" ]; then
        $as "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if ! $as "$PGBIN/initdb" -D "$tmp/data" -U lk --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1; then
    echo "pg-test: initdb failed:" >&2; cat "$tmp/initdb.log" >&2; exit 1
fi
if ! sh -c "$start"; then
    echo "pg-test: the server did not start:" >&2; cat "$tmp/server.log" >&2; exit 1
fi
if ! $as "$PGBIN/createdb" -h "$tmp" -U lk lk; then
    echo "pg-test: createdb failed" >&2; exit 1
fi

export OFFICE_TEST_DB="postgresql:///lk?host=$tmp&user=lk"
export OFFICE_TEST_PG_STOP="$stop"
export OFFICE_TEST_PG_START="$start"
"$@"
