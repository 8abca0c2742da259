#!/bin/sh
# Run every test binary in each build variant given; print one summary line.
# Usage: tests/run-tests.sh BUILD_DIR [BUILD_DIR...]
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0; fail=0; failed=""
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy TZ=Asia/Shanghai
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
for dir in "$@"; do
    for t in "$dir"/tests/test_*; do
        case "$t" in *.o|*.d) continue;; esac
        [ -x "$t" ] || continue
        out=$(mktemp)
        if KIOSK_BUILD="$dir" "$t" >"$out" 2>&1; then
            pass=$((pass + 1)); echo "ok   $t"
        else
            fail=$((fail + 1)); failed="$failed $t"; echo "FAIL $t"; cat "$out"
        fi
        rm -f "$out"
    done
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
