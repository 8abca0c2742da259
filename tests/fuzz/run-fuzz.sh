#!/bin/sh
# Run each libFuzzer harness for FUZZ_SECONDS (default 60) and print one line
# per harness. The corpus grows in a scratch copy (FUZZ_DIR/corpus/NAME,
# seeded from tests/fuzz/corpus/NAME; tests/fuzz/regress/NAME is read too),
# so the repository is never written. A crash, leak, timeout or out-of-memory
# input is saved in FUZZ_DIR/crashes/NAME/ and makes the exit status 1;
# the full log is FUZZ_DIR/logs/NAME.log.
# Usage: tests/fuzz/run-fuzz.sh FUZZ_DIR NAME...
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=$1; shift
secs=${FUZZ_SECONDS:-60}
export TZ=Asia/Shanghai
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:alloc_dealloc_mismatch=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
bad=""
for name in "$@"; do
    bin=$dir/fuzz_$name corpus=$dir/corpus/$name crashes=$dir/crashes/$name
    log=$dir/logs/$name.log
    mkdir -p "$corpus" "$crashes" "$dir/logs"
    cp tests/fuzz/corpus/"$name"/* "$corpus"/
    set -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$crashes"/
    [ -f tests/fuzz/"$name".dict ] && set -- "$@" -dict=tests/fuzz/"$name".dict
    set -- "$@" "$corpus"
    [ -d tests/fuzz/regress/"$name" ] && set -- "$@" tests/fuzz/regress/"$name"
    before=$(ls "$crashes" | wc -l)
    start=$(date +%s)
    "$bin" "$@" >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    size=$(ls "$corpus" | wc -l)
    new=$(( $(ls "$crashes" | wc -l) - before ))
    line="fuzz $name: ${took} s, ${runs:-?} runs, ${rate:-?} exec/s, ${rss:-?} MB, corpus $size"
    if [ "$rc" -eq 0 ] && [ "$new" -eq 0 ]; then
        echo "$line: ok"
    else
        echo "$line: FAIL (exit $rc)"
        grep -E 'ERROR|invariant failed|runtime error|SUMMARY|Test unit written' "$log" | head -20
        ls -t "$crashes" | head -1 | sed "s|^|  saved: $crashes/|"
        bad="$bad $name"
    fi
done
if [ -n "$bad" ]; then
    echo "fuzz: crashes in:$bad (logs in $dir/logs/; turn each into a regression test: docs/TESTING.md)"
    exit 1
fi
