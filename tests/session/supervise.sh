#!/bin/sh
# supervise.sh UNIT DESTDIR - run an installed systemd service the way
# systemd would run and restart it, for tests/session/session-test.sh: in a
# container or CI systemd is not PID 1, so nothing else can.
#
# From UNIT it takes ExecStart=, Environment=, Restart= (no, on-failure or
# always) and RestartSec=; a path in ExecStart= that exists under DESTDIR is
# taken from there (the test installs with make install DESTDIR=...). Each
# start runs in a session and process group of its own, and when its main
# process ends every process left in the group gets SIGTERM, then SIGKILL
# after TimeoutStopSec= (systemd's KillMode=control-group does the same
# with the service's cgroup). SIGTERM to the supervisor stops the service
# and exits. It prints "supervise: start N" and "supervise: exit RC" lines.
set -u
unit=$1
dest=$2
val() { sed -n "s/^$1=//p" "$unit" | tail -1; }
seconds() {   # 5s, 5, 500ms (rounded up) -> seconds
    case $1 in
    *ms) echo $(((${1%ms} + 999) / 1000)) ;;
    *s) echo "${1%s}" ;;
    *[!0-9]* | '') echo "supervise: cannot read the time '$1'" >&2; exit 2 ;;
    *) echo "$1" ;;
    esac
}
restart=$(val Restart)
restart_sec=$(seconds "$(val RestartSec)") || exit 2
stop_sec=$(seconds "$(val TimeoutStopSec)") || exit 2
case ${restart:-no} in no | on-failure | always) ;; *)
    echo "supervise: Restart=$restart is not handled" >&2; exit 2 ;;
esac
# Environment=VAR=VALUE, one per line, no quoting (as in our units).
for e in $(sed -n 's/^Environment=//p' "$unit"); do export "${e?}"; done
set -f
set -- $(val ExecStart)
set +f
for a do
    shift
    case $a in /*) [ -e "$dest$a" ] && a=$dest$a ;; esac
    set -- "$@" "$a"
done

pid=""
stopping=0
trap 'stopping=1; [ -n "$pid" ] && kill -TERM "-$pid" 2>/dev/null' TERM INT
n=0
while :; do
    n=$((n + 1))
    echo "supervise: start $n" >&2
    # Not a process group leader, so setsid does not fork: $! leads the group.
    setsid "$@" &
    pid=$!
    while :; do
        wait "$pid"
        rc=$?
        kill -0 "$pid" 2>/dev/null || break   # (wait was cut short by the trap)
    done
    echo "supervise: exit $rc" >&2
    kill -TERM "-$pid" 2>/dev/null
    t=0
    while kill -0 "-$pid" 2>/dev/null && [ "$t" -lt $((stop_sec * 10)) ]; do
        sleep 0.1
        t=$((t + 1))
    done
    kill -KILL "-$pid" 2>/dev/null
    pid=""
    [ "$stopping" = 1 ] && exit 0
    case ${restart:-no} in
    no) exit "$rc" ;;
    on-failure) [ "$rc" -eq 0 ] && exit 0 ;;
    esac
    sleep "$restart_sec" &
    wait $!
    [ "$stopping" = 1 ] && exit 0
done
