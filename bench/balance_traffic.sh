#!/usr/bin/env bash
# Balancing traffic per node as the cluster grows: one scenario per node
# count on the flat LAN, the balancer on (offer), every tenth node
# overloaded with four workers, run for a fixed simulated time. Prints,
# per node and simulated second: frames sent, balancer load reports sent
# (ksend lines of type load), and frame copies received (the broadcasts
# of every other node's ARP requests included), with wall time and peak
# memory.
# Usage: bench/balance_traffic.sh [build dir] [duration] [node counts...]
#   defaults: build, 200ms, 100 1000 10000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
duration=${2:-200ms}
shift $(( $# < 2 ? $# : 2 ))
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 1000 10000)
nimbus="$build/nimbus"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

scenario() { # nodes duration -> JSON on stdout
  python3 - "$1" "$2" <<'EOF'
import json, sys
nodes, duration = int(sys.argv[1]), sys.argv[2]
spawns = [{"at": "0s", "spawn": {"node": n, "program": "worker", "args": ["1000000"], "count": 4}}
          for n in range(0, nodes, 10)]
print(json.dumps({"name": "balance-traffic-%d" % nodes, "seed": 15, "duration": duration,
                  "nodes": [{"count": nodes, "cpu_mips": 100, "memory_mib": 16}],
                  "network": {"latency": "50us", "jitter": "5us", "bandwidth": "1Gbps"},
                  "balancer": {"policy": "offer"}, "events": spawns}))
EOF
}

metric() { # file key -> the first integer value of "key"
  grep -o "\"$2\": *[0-9]*" "$1" | head -1 | grep -o '[0-9]*$'
}

echo "balancing traffic per node per simulated second ($nimbus, $duration)"
printf '%8s %14s %14s %16s %10s %10s\n' nodes frames_sent load_reports copies_received wall_s peak_MiB
for n in "${counts[@]}"; do
  scenario "$n" "$duration" > "$out/s$n.json"
  /usr/bin/time -f "%e %M" -o "$out/t$n" "$nimbus" run "$out/s$n.json" --out "$out/r$n" --quiet > /dev/null
  read -r wall rss_kib < "$out/t$n"
  sim_ns=$(metric "$out/r$n/metrics.json" sim_time_ns)
  sent=$(metric "$out/r$n/metrics.json" frames_sent)
  received=$(metric "$out/r$n/metrics.json" frames_delivered)
  reports=$(grep -c '"ev":"ksend".*"type":"load"' "$out/r$n/trace.jsonl" || true)
  awk -v n="$n" -v s="$sim_ns" -v f="$sent" -v l="$reports" -v r="$received" -v w="$wall" -v m="$rss_kib" 'BEGIN {
    sec = s / 1e9
    printf "%8d %14.1f %14.1f %16.1f %10.2f %10.1f\n", n, f / n / sec, l / n / sec, r / n / sec, w, m / 1024 }'
done
