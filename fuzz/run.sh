#!/usr/bin/env bash
# Runs each fuzz target for FUZZ_TIME seconds on its corpus, prints its executions, and a
# summary line. Exits 1 when a target crashed (its input is in fuzz/artifacts/<target>/).
# Usage: run.sh CORPUS_DIR TARGET...
set -uo pipefail
corpus=$(cd "$1" && pwd)
shift
time=${FUZZ_TIME:-60}
here=$(cd "$(dirname "$0")" && pwd)
logs=$here/target/logs
mkdir -p "$logs"
total=0
crashed=()
for target in "$@"; do
    log=$logs/$target.log
    dict=()
    [ -f "$here/dict/$target.dict" ] && dict=(-dict="$here/dict/$target.dict")
    (cd "$here" && cargo +nightly fuzz run "$target" "$corpus/$target" -- \
        -max_total_time="$time" -print_final_stats=1 "${dict[@]}") >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    runs=${runs:-0}
    total=$((total + runs))
    if [ "$status" -eq 0 ]; then
        echo "fuzz: $target: $runs executions in ${time} s, no crash"
    elif ! grep -q "^stat::number_of_executed_units" "$log"; then
        crashed+=("$target")
        echo "fuzz: $target: did not run (log: $log)"
        tail -5 "$log" | sed 's/^/    /'
    else
        crashed+=("$target")
        echo "fuzz: $target: CRASH after $runs executions (log: $log)"
        grep -m1 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)" "$log" | sed 's/^/    /'
        grep -E "^artifact_prefix|Test unit written to" "$log" | sed 's/^/    /'
    fi
done
echo "fuzz: $# targets, $total executions, ${#crashed[@]} crashed${crashed[*]:+: ${crashed[*]}}"
[ "${#crashed[@]}" -eq 0 ]
