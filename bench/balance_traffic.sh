#!/usr/bin/env bash
# Balancing traffic per node per simulated second, flat LAN against racks
# of 32 nodes (issue 15): at each cluster size N, node 0 starts 16 workers
# and the 'offer' balancer runs for 1 simulated second. Prints frames sent
# and frames received per node per second (every frame: load reports,
# offers, migrations, ARP), and plots them with gnuplot when OUT_PNG is given.
# Usage: bench/balance_traffic.sh [build dir] [sizes...]   (default sizes 64 128 256 512)
#        OUT_PNG=docs/img/balance-traffic.png bench/balance_traffic.sh build 64 128 256 512
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
sizes=${*:-64 128 256 512}
nimbus="$build/nimbus"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
per_rack=32

scenario() { # kind nodes -> scenario file
  local topology=""
  if [ "$1" = racks ]; then
    topology=", \"topology\": {\"racks\": $(($2 / per_rack)), \"nodes_per_rack\": $per_rack,
      \"tor\": {\"latency\": \"2us\", \"bandwidth\": \"10Gbps\"}, \"spine\": {\"latency\": \"5us\"},
      \"oversubscription\": 4}"
  fi
  cat > "$out/$1-$2.json" <<JSON
{"name": "traffic-$1-$2", "seed": 1, "duration": "1s", "nodes": [{"count": $2}],
 "balancer": {"policy": "offer"}$topology,
 "events": [{"at": "0s", "spawn": {"node": 0, "program": "worker", "args": ["20000"], "count": 16}}]}
JSON
  echo "$out/$1-$2.json"
}

metric() { # file key -> the first integer value of "key"
  grep -o "\"$2\": *[0-9]*" "$1" | head -1 | grep -o '[0-9]*$'
}

printf "%-6s %6s %18s %22s %10s\n" kind nodes "frames sent/node/s" "frames received/node/s" "wall s"
echo "kind nodes sent_per_node_s received_per_node_s" > "$out/traffic.dat"
for kind in flat racks; do
  for n in $sizes; do
    file=$(scenario "$kind" "$n")
    start=$(date +%s.%N)
    "$nimbus" run "$file" --out "$out/run-$kind-$n" --quiet > /dev/null
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    m="$out/run-$kind-$n/metrics.json"
    sent=$(metric "$m" frames_sent)
    received=$(metric "$m" frames_delivered)
    sim_ns=$(metric "$m" sim_time_ns)
    awk -v k="$kind" -v n="$n" -v s="$sent" -v r="$received" -v t="$sim_ns" -v w="$wall" 'BEGIN {
      printf "%-6s %6d %18.1f %22.1f %10.2f\n", k, n, s / n / (t / 1e9), r / n / (t / 1e9), w }'
    awk -v k="$kind" -v n="$n" -v s="$sent" -v r="$received" -v t="$sim_ns" 'BEGIN {
      printf "%s %d %.1f %.1f\n", k, n, s / n / (t / 1e9), r / n / (t / 1e9) }' >> "$out/traffic.dat"
  done
done

if [ -n "${OUT_PNG:-}" ]; then
  gnuplot <<GP
set terminal pngcairo size 800,480
set output "$OUT_PNG"
set title "Balancing traffic per node per simulated second (offer balancer, 16 workers on node 0)"
set xlabel "nodes"
set ylabel "frames per node per second"
set logscale xy
set key top left
plot "< grep '^flat' $out/traffic.dat" using 2:4 with linespoints title "flat LAN: received", \
     "< grep '^flat' $out/traffic.dat" using 2:3 with linespoints title "flat LAN: sent", \
     "< grep '^racks' $out/traffic.dat" using 2:4 with linespoints title "racks of $per_rack: received", \
     "< grep '^racks' $out/traffic.dat" using 2:3 with linespoints title "racks of $per_rack: sent"
GP
  echo "plot: $OUT_PNG"
fi
