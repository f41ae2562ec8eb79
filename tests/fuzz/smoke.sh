#!/usr/bin/env bash
# Run every libFuzzer harness for a short, bounded time from a copy of its
# committed seed corpus (tests/fuzz/corpus/<name>/, README.md here), so the
# committed corpus is never modified. Prints each harness's executions and
# speed. Usage: tests/fuzz/smoke.sh BUILD_DIR [SECONDS]
set -euo pipefail
build="$1"; seconds="${2:-15}"
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
total=0
for harness in "$build"/tests/fuzz/fuzz_*; do
  name=$(basename "$harness")
  corpus="$work/${name#fuzz_}"
  mkdir -p "$corpus"
  cp "$root/tests/fuzz/corpus/${name#fuzz_}"/* "$corpus/"
  echo "=== $name for ${seconds}s from $(ls "$corpus" | wc -l) seed inputs"
  status=0
  "$harness" -max_total_time="$seconds" -seed=1 -print_final_stats=1 "$corpus" > "$work/$name.log" 2>&1 || status=$?
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$work/$name.log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$work/$name.log"
    echo "$name failed (status $status)"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
  total=$((total + ${runs:-0}))
done
echo "fuzz smoke: every harness ran clean, $total executions in all"
