#!/usr/bin/env bash
# Simulator benchmarks: events per wall second, simulated-to-wall time
# ratio and peak memory on rings of 64, 1,000 and 10,000 nodes and on
# hotspot-16 (CPU-bound guests, balancer on), and host
# instructions per message delivered between nodes (callgrind, exact).
# Usage: bench/bench_sim.sh [build dir] [--skip-10000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
nimbus="$build/nimbus"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

metric() { # file key -> the first integer value of "key"
  grep -o "\"$2\": *[0-9]*" "$1" | head -1 | grep -o '[0-9]*$'
}

run_one() { # scenario file
  local name; name=$(basename "$1" .json)
  echo "--- $name" >&2
  /usr/bin/time -f "%e %M" -o "$out/$name.time" \
    "$nimbus" run "$1" --out "$out/$name" --quiet > /dev/null
  read -r wall rss_kib < "$out/$name.time"
  local events sim_ns
  events=$(metric "$out/$name/metrics.json" events)
  sim_ns=$(metric "$out/$name/metrics.json" sim_time_ns)
  awk -v n="$name" -v e="$events" -v s="$sim_ns" -v w="$wall" -v r="$rss_kib" 'BEGIN {
    if (w < 0.01) w = 0.01;
    printf "%-12s %12d events %8.2f s wall %12.0f events/s  sim/wall %8.4f  peak %7.1f MiB\n",
           n, e, w, e / w, s / 1e9 / w, r / 1024 }'
}

echo "simulator benchmarks ($nimbus)"
run_one "$root/scenarios/ring-64.json"
run_one "$root/scenarios/hotspot-16.json"
run_one "$root/bench/scenarios/ring-1000.json"
[ "${2:-}" = "--skip-10000" ] || run_one "$root/bench/scenarios/ring-10000.json"

echo "--- callgrind: host instructions per message delivered (pingpong)" >&2
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" \
  "$nimbus" run "$root/scenarios/pingpong.json" --out "$out/cg" --quiet > /dev/null 2> "$out/cg.log"
ir=$(grep -o 'Collected : [0-9]*' "$out/cg.log" | grep -o '[0-9]*$')
delivered=$(metric "$out/cg/metrics.json" msgs_delivered)
awk -v ir="$ir" -v d="$delivered" 'BEGIN {
  printf "pingpong: %d host instructions in all, %d messages delivered: %.0f host instructions per message (whole run, including the guests)\n", ir, d, ir / d }'
