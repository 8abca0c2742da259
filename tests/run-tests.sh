#!/bin/sh
# Run every cmocka test program of each build variant given and print one
# summary line counting test cases: "N passed, N failed, N skipped" (a test
# that calls skip(), e.g. one that needs root to mount a tmpfs; cmocka
# prints "[  SKIPPED ] N test(s)" for them).
#
# The office's tests (test_office_*) run on SQLite with everything else,
# then again on a throwaway PostgreSQL server (scripts/pg-test.sh), each
# engine with its own summary line ("office on sqlite: ...", "office on
# postgresql: ..." or "office on postgresql: skipped: no postgresql")
# before the total.
#
# Then the console's browser tests (tests/browser/console_test.py, headless
# chromium against the first BUILD_DIR's office and kiosk), with their own
# line: "browser: N passed, N failed, N skipped", or "browser: skipped: no
# chromium" (counted as one skipped) where chromium, chromedriver or
# python3-selenium is missing; with LK_REQUIRE_BROWSER=1 (CI) that is a
# failure instead.
# Usage: tests/run-tests.sh [--office] BUILD_DIR [BUILD_DIR...]
#   --office  only the office's tests, on the engine OFFICE_TEST_DB names
#             (what scripts/pg-test.sh runs); no second engine
set -u
cd "$(dirname "$0")/.." || exit 1
only_office=0
if [ "${1:-}" = "--office" ]; then only_office=1; shift; fi
first_build=${1:-build}
pass=0; fail=0; skip=0; bad=0; failed=""; skipped=""
opass=0; ofail=0; oskip=0
engine=sqlite
case "${OFFICE_TEST_DB:-}" in postgres*) engine=postgresql;; esac
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy TZ=Asia/Shanghai
# alloc_dealloc_mismatch=0: libgooglepinyin's SpellingTrie::build_ym_info()
# frees a new[] array with plain delete when a second decoder is opened in
# one process (a library bug, harmless on glibc). Our code is C and has no
# new/delete, so the check could only ever report the library.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:alloc_dealloc_mismatch=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
tag=""
[ "$only_office" = 1 ] && tag="[$engine] "
for dir in "$@"; do
    for t in "$dir"/tests/test_*; do
        case "$t" in *.o|*.d) continue;; esac
        [ -x "$t" ] || continue
        office=0
        case "$t" in */test_office_*|*/test_ostore_*) office=1;; esac
        [ "$only_office" = 1 ] && [ "$office" = 0 ] && continue
        out=$(mktemp)
        KIOSK_BUILD="$dir" "$t" >"$out" 2>&1
        rc=$?
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
        s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
        p=${p:-0}; f=${f:-0}; s=${s:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or leaked
        pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
        if [ "$office" = 1 ]; then
            opass=$((opass + p)); ofail=$((ofail + f)); oskip=$((oskip + s))
        fi
        if [ "$s" -gt 0 ]; then
            skipped="$skipped $t"
            names=$(sed -n 's/^\[  SKIPPED \] \([a-z_0-9]*\)$/\1/p' "$out" | sort -u | tr '\n' ' ')
        fi
        if [ "$rc" -eq 0 ] && [ "$s" -gt 0 ]; then
            echo "${tag}ok   $t ($p tests, $s skipped: ${names% })"
        elif [ "$rc" -eq 0 ]; then
            echo "${tag}ok   $t ($p tests)"
        else
            bad=$((bad + 1)); failed="$failed $t"
            echo "${tag}FAIL $t (exit $rc)"; cat "$out"
        fi
        rm -f "$out"
    done
done
[ -n "$failed" ] && echo "${tag}failed:$failed"
[ -n "$skipped" ] && echo "${tag}skipped in:$skipped"
office_line="office on $engine: $opass passed, $ofail failed, $oskip skipped"
if [ "$only_office" = 1 ]; then
    echo "$office_line"
    echo "$pass passed, $fail failed, $skip skipped"
    [ "$bad" -eq 0 ]
    exit
fi

# The office's tests again on PostgreSQL.
pg_line="office on postgresql: skipped: no postgresql"
pgout=$(mktemp)
t0=$(date +%s)
scripts/pg-test.sh tests/run-tests.sh --office "$@" >"$pgout" 2>&1
prc=$?
t1=$(date +%s)
if [ "$prc" -eq 77 ]; then
    cat "$pgout"
    if [ "${LK_REQUIRE_PG:-0}" = 1 ]; then   # CI: the second engine must run
        pg_line="office on postgresql: FAILED: no postgresql (LK_REQUIRE_PG=1)"
        bad=$((bad + 1)); fail=$((fail + 1))
    fi
else
    grep -v '^office on \|^[0-9]* passed, ' "$pgout"
    sum=$(grep '^[0-9]* passed, [0-9]* failed, [0-9]* skipped$' "$pgout" | tail -1)
    if [ -n "$sum" ]; then
        set -- $sum
        pass=$((pass + $1)); fail=$((fail + $3)); skip=$((skip + $5))
        pg_line="office on postgresql: $1 passed, $3 failed, $5 skipped ($((t1 - t0)) s)"
    else
        pg_line="office on postgresql: FAILED to run (exit $prc)"
    fi
    if [ "$prc" -ne 0 ]; then
        bad=$((bad + 1))
        [ -n "$sum" ] && [ "$3" -gt 0 ] || fail=$((fail + 1))
    fi
fi
rm -f "$pgout"

# The console in a real browser, once (the normal build's programs).
brout=$(mktemp)
tests/browser/console_test.py "$first_build" >"$brout" 2>&1
brc=$?
br_line=$(grep '^browser: ' "$brout" | tail -1)
if [ "$brc" -eq 77 ]; then
    if [ "${LK_REQUIRE_BROWSER:-0}" = 1 ]; then   # CI: the browser tests must run
        br_line="$br_line: FAILED (LK_REQUIRE_BROWSER=1)"
        bad=$((bad + 1)); fail=$((fail + 1))
    else
        skip=$((skip + 1))
    fi
else
    grep -v '^browser: [0-9]* passed, ' "$brout"
    sum=$(echo "$br_line" | sed -n 's/^browser: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p')
    if [ -n "$sum" ]; then
        set -- $sum
        pass=$((pass + $1)); fail=$((fail + $2)); skip=$((skip + $3))
    else
        br_line="browser: FAILED to run (exit $brc)"
    fi
    if [ "$brc" -ne 0 ]; then
        bad=$((bad + 1))
        [ -n "$sum" ] && [ "$2" -gt 0 ] || fail=$((fail + 1))
    fi
fi
rm -f "$brout"

# The installed kiosk session under cage, headless, once (the normal
# build; tests/session/session-test.sh): "session: N passed, N failed, N
# skipped", or "session: skipped: no cage" (one skipped) where cage, grim,
# zbarimg or systemd-analyze is missing; with LK_REQUIRE_CAGE=1 (CI) that
# is a failure instead.
seout=$(mktemp)
t0=$(date +%s)
tests/session/session-test.sh "$first_build" >"$seout" 2>&1
src=$?
t1=$(date +%s)
se_line=$(grep '^session: [0-9]* passed, \|^session: skipped\|^session: FAILED' "$seout" | tail -1)
if [ "$src" -eq 77 ]; then
    if [ "${LK_REQUIRE_CAGE:-0}" = 1 ]; then   # CI: the session test must run
        se_line="$se_line: FAILED (LK_REQUIRE_CAGE=1)"
        bad=$((bad + 1)); fail=$((fail + 1))
    else
        skip=$((skip + 1))
    fi
else
    grep -v '^session: [0-9]* passed, ' "$seout"
    sum=$(echo "$se_line" | sed -n 's/^session: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p')
    if [ -n "$sum" ]; then
        set -- $sum
        pass=$((pass + $1)); fail=$((fail + $2)); skip=$((skip + $3))
        se_line="$se_line ($((t1 - t0)) s)"
    else
        se_line="session: FAILED to run (exit $src)"
    fi
    if [ "$src" -ne 0 ]; then
        bad=$((bad + 1))
        [ -n "$sum" ] && [ "$2" -gt 0 ] || fail=$((fail + 1))
    fi
fi
rm -f "$seout"
echo "$office_line"
echo "$pg_line"
echo "$br_line"
echo "$se_line"
echo "$pass passed, $fail failed, $skip skipped"
[ "$bad" -eq 0 ]
