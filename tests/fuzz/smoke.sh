#!/usr/bin/env bash
# Run every libFuzzer harness for a short, bounded time from its seed
# corpus (the shipped scenarios and user programs, and a few frames the
# harness makes itself). Usage: tests/fuzz/smoke.sh BUILD_DIR [SECONDS]
set -euo pipefail
build="$1"; seconds="${2:-15}"
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/scenario" "$work/elf" "$work/frame"
cp "$root"/scenarios/*.json "$root"/tests/scenarios/bad/*.json "$work/scenario/"
cp "$build"/user/*.elf "$work/elf/"
for harness in "$build"/tests/fuzz/fuzz_*; do
  name=$(basename "$harness")
  corpus="$work/${name#fuzz_}"
  mkdir -p "$corpus"
  echo "=== $name for ${seconds}s"
  status=0
  "$harness" -max_total_time="$seconds" -seed=1 -print_final_stats=1 "$corpus" > "$work/$name.log" 2>&1 || status=$?
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)" "$work/$name.log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$work/$name.log"
    echo "$name failed (status $status)"
    exit 1
  fi
done
echo "fuzz smoke: every harness ran clean"
