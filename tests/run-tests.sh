#!/bin/sh
# Run every cmocka test program of each build variant given and print one
# summary line counting test cases: "N passed, N failed, N skipped" (a test
# that calls skip(), e.g. one that needs root to mount a tmpfs; cmocka
# prints "[  SKIPPED ] N test(s)" for them).
# Usage: tests/run-tests.sh BUILD_DIR [BUILD_DIR...]
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0; fail=0; skip=0; bad=0; failed=""; skipped=""
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy TZ=Asia/Shanghai
# alloc_dealloc_mismatch=0: libgooglepinyin's SpellingTrie::build_ym_info()
# frees a new[] array with plain delete when a second decoder is opened in
# one process (a library bug, harmless on glibc). Our code is C and has no
# new/delete, so the check could only ever report the library.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:alloc_dealloc_mismatch=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
for dir in "$@"; do
    for t in "$dir"/tests/test_*; do
        case "$t" in *.o|*.d) continue;; esac
        [ -x "$t" ] || continue
        out=$(mktemp)
        KIOSK_BUILD="$dir" "$t" >"$out" 2>&1
        rc=$?
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
        s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
        p=${p:-0}; f=${f:-0}; s=${s:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or leaked
        pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
        if [ "$s" -gt 0 ]; then
            skipped="$skipped $t"
            names=$(sed -n 's/^\[  SKIPPED \] \([a-z_0-9]*\)$/\1/p' "$out" | sort -u | tr '\n' ' ')
        fi
        if [ "$rc" -eq 0 ] && [ "$s" -gt 0 ]; then
            echo "ok   $t ($p tests, $s skipped: ${names% })"
        elif [ "$rc" -eq 0 ]; then
            echo "ok   $t ($p tests)"
        else
            bad=$((bad + 1)); failed="$failed $t"
            echo "FAIL $t (exit $rc)"; cat "$out"
        fi
        rm -f "$out"
    done
done
[ -n "$failed" ] && echo "failed:$failed"
[ -n "$skipped" ] && echo "skipped in:$skipped"
echo "$pass passed, $fail failed, $skip skipped"
[ "$bad" -eq 0 ]
