#!/usr/bin/env bash
# Our simulator against SimGrid on the same token ring (issue 15): wall
# time, CPU time and peak memory of bench/scenarios/ring-1000.json and
# ring-10000.json side by side with bench/simgrid/ring_s4u on a platform of
# the same latency and bandwidth, the hops and simulated end time of each,
# and host instructions per token hop (callgrind, exact) on 1,000 nodes.
# Needs SimGrid (Debian: libsimgrid-dev) when the build was configured, so
# that it built ring_s4u. Figures: docs/performance.md, "Against SimGrid".
# Usage: bench/compare_simgrid.sh [build dir] [--skip-10000] [--skip-callgrind]
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(...) stops the script too
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
skip_10000=0 skip_callgrind=0
for arg in "$@"; do
  case $arg in
    --skip-10000) skip_10000=1 ;;
    --skip-callgrind) skip_callgrind=1 ;;
    -*) echo "compare_simgrid.sh: unknown option '$arg'" >&2; exit 2 ;;
    *) build=$arg ;;
  esac
done
nimbus=$build/nimbus
ring_s4u=$build/bench/simgrid/ring_s4u
for tool in "$nimbus" "$ring_s4u"; do
  if [ ! -x "$tool" ]; then
    echo "compare_simgrid.sh: $tool is not built (ring_s4u needs libsimgrid-dev installed before cmake configures)" >&2
    exit 2
  fi
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

metric() { # file key -> the first integer value of "key"
  grep -o "\"$2\": *[0-9]*" "$1" | head -1 | grep -o '[0-9]*$'
}

# A scenario's duration ("50us") in ns or bandwidth ("1Gbps") in bit/s.
to_ns() {
  awk -v t="$1" 'BEGIN {
    if (match(t, /^[0-9]+/) == 0) exit 1
    v = substr(t, 1, RLENGTH); u = substr(t, RLENGTH + 1)
    f = u == "ns" ? 1 : u == "us" ? 1e3 : u == "ms" ? 1e6 : u == "s" ? 1e9 : 0
    if (f == 0) exit 1
    printf "%.0f\n", v * f }' || { echo "compare_simgrid.sh: cannot read the duration '$1'" >&2; exit 2; }
}
to_bps() {
  awk -v t="$1" 'BEGIN {
    if (match(t, /^[0-9]+/) == 0) exit 1
    v = substr(t, 1, RLENGTH); u = substr(t, RLENGTH + 1)
    f = u == "bps" ? 1 : u == "Kbps" ? 1e3 : u == "Mbps" ? 1e6 : u == "Gbps" ? 1e9 : 0
    if (f == 0) exit 1
    printf "%.0f\n", v * f }' || { echo "compare_simgrid.sh: cannot read the bandwidth '$1'" >&2; exit 2; }
}

# Runs `nimbus run` on a scenario (extra --set options after it) into $out/NAME.
run_ours() { # name scenario [--set ...]
  local name=$1 scenario=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$out/$name.time" \
    "$nimbus" run "$scenario" "$@" --out "$out/$name" --quiet > /dev/null
}

# The ring's parameters, read from the scenario so that SimGrid's ring is
# the same ring: nodes and laps from the spawn's args, the network's
# latency (plus the mean of its uniform jitter) and bandwidth.
scenario_ring() { # scenario -> "nodes laps latency_ns bandwidth_bps"
  local args latency jitter bandwidth
  args=$(jq -r '.events[0].spawn | select(.program == "ring") | .args | join(" ")' "$1")
  [ -n "$args" ] || { echo "compare_simgrid.sh: $1: the first event does not spawn ring" >&2; exit 2; }
  latency=$(to_ns "$(jq -r '.network.latency // "100us"' "$1")")
  jitter=$(to_ns "$(jq -r '.network.jitter // "0s"' "$1")")
  bandwidth=$(to_bps "$(jq -r '.network.bandwidth // "1Gbps"' "$1" | tr -d ' ')")
  echo "$args $((latency + jitter / 2)) $bandwidth"
}

row() { # label wall user sys rss_kib end_ns hops
  awk -v l="$1" -v w="$2" -v u="$3" -v s="$4" -v r="$5" -v e="$6" -v h="$7" 'BEGIN {
    printf "  %-8s %8.2f %8.2f %9.1f %10d %14.3f\n", l, w, u + s, r / 1024, h, e / 1e6 }'
}

# Runs SimGrid's ring for a scenario ours has run, and prints both.
compare() { # scenario
  local scenario=$1 name params nodes laps latency_ns bandwidth_bps
  name=$(basename "$scenario" .json)
  params=$(scenario_ring "$scenario") # a failed assignment stops the script
  read -r nodes laps latency_ns bandwidth_bps <<< "$params"
  echo "--- $name: SimGrid" >&2
  local tokens members ours_hops ours_end
  tokens=$(grep -o 'exiting after [0-9]* tokens' "$out/$name/console.log" | awk '{ t += $3 } END { print t + 0 }')
  members=$(grep -c 'exiting after' "$out/$name/console.log" || true)
  ours_hops=$((tokens + members)) # every member also received "stop" once
  ours_end=$(metric "$out/$name/metrics.json" makespan_ns)

  /usr/bin/time -f "%e %U %S %M" -o "$out/$name.sg.time" \
    "$ring_s4u" "$nodes" "$laps" --latency-ns "$latency_ns" --bandwidth-bps "$bandwidth_bps" \
    --mips "$mips" --instructions-per-hop "$insns_per_hop" > "$out/$name.sg.out"
  local sg_hops sg_end_ns
  sg_hops=$(awk '/^hops / { print $2 }' "$out/$name.sg.out")
  sg_end_ns=$(awk '/^simulated end / { print $3 * 1000 }' "$out/$name.sg.out")

  local ow ou os orss sw su ss srss
  read -r ow ou os orss < "$out/$name.time"
  read -r sw su ss srss < "$out/$name.sg.time"
  echo
  echo "$name: $nodes nodes, $laps laps, latency $latency_ns ns (with the mean jitter), $bandwidth_bps bit/s"
  printf "  %-8s %8s %8s %9s %10s %14s\n" "" "wall s" "cpu s" "peak MiB" "hops" "sim. end ms"
  row ours "$ow" "$ou" "$os" "$orss" "$ours_end" "$ours_hops"
  row SimGrid "$sw" "$su" "$ss" "$srss" "$sg_end_ns" "$sg_hops"
  awk -v ow="$ow" -v ou="$ou" -v os="$os" -v orss="$orss" -v sw="$sw" -v su="$su" -v ss="$ss" -v srss="$srss" \
      -v oe="$ours_end" -v se="$sg_end_ns" 'BEGIN {
    if (sw < 0.01) sw = 0.01; if (su + ss < 0.01) su = 0.01
    printf "  ours/SimGrid: wall %.2fx, cpu %.2fx, peak memory %.2fx; simulated end differs by %+.2f%%\n",
           ow / sw, (ou + os) / (su + ss), orss / srss, (se - oe) * 100 / oe }'
}

# Our rings first. The 1,000-node ring again with 1 lap gives the guest
# instructions a member runs per token hop once the ring is going: the
# difference over the hops between them. SimGrid's members compute that
# much per hop at the node's speed.
ring1000=$root/bench/scenarios/ring-1000.json
ring10000=$root/bench/scenarios/ring-10000.json
params1000=$(scenario_ring "$ring1000")
read -r nodes1000 laps1000 latency1000 bandwidth1000 <<< "$params1000"
[ "$laps1000" -gt 1 ] || { echo "compare_simgrid.sh: $ring1000 needs more than 1 lap" >&2; exit 2; }
echo "--- ours: ring-1000, the same with 1 lap$([ "$skip_10000" = 1 ] || echo ", ring-10000")" >&2
run_ours ring-1000 "$ring1000"
run_ours ring-1000-1lap "$ring1000" --set "events[0].spawn.args=[\"$nodes1000\",\"1\"]"
[ "$skip_10000" = 1 ] || run_ours ring-10000 "$ring10000"
steady_hops=$(((laps1000 - 1) * nodes1000))
insns_per_hop=$((($(metric "$out/ring-1000/metrics.json" work_insns) -
  $(metric "$out/ring-1000-1lap/metrics.json" work_insns)) / steady_hops))
mips=$(jq -r '.nodes[0].cpu_mips' "$ring1000")
echo "guest instructions per token hop: $insns_per_hop at $mips MIPS"

compare "$ring1000"
[ "$skip_10000" = 1 ] || compare "$ring10000"
[ "$skip_callgrind" = 1 ] && exit 0

# Host instructions per token hop once the ring is going (addresses
# resolved): the whole ring-1000 less its 1-lap run, over the hops between.
collected() { grep -o 'Collected : [0-9]*' "$1" | grep -o '[0-9]*$'; }
for laps in 1 "$laps1000"; do
  echo "--- callgrind: $nodes1000 nodes, $laps laps, ours then SimGrid" >&2
  valgrind --tool=callgrind --callgrind-out-file="$out/ours$laps.cg" \
    "$nimbus" run "$ring1000" --set "events[0].spawn.args=[\"$nodes1000\",\"$laps\"]" \
    --out "$out/cg$laps" --quiet > /dev/null 2> "$out/ours$laps.log"
  valgrind --tool=callgrind --callgrind-out-file="$out/sg$laps.cg" \
    "$ring_s4u" "$nodes1000" "$laps" --latency-ns "$latency1000" --bandwidth-bps "$bandwidth1000" \
    --mips "$mips" --instructions-per-hop "$insns_per_hop" > /dev/null 2> "$out/sg$laps.log"
done
echo
echo "host instructions per token hop, $nodes1000 nodes (callgrind; $laps1000 laps less 1 lap, over $steady_hops hops):"
awk -v o1="$(collected "$out/ours1.log")" -v o3="$(collected "$out/ours$laps1000.log")" \
    -v s1="$(collected "$out/sg1.log")" -v s3="$(collected "$out/sg$laps1000.log")" \
    -v steady="$steady_hops" -v all="$(((laps1000 + 1) * nodes1000))" 'BEGIN {
  printf "  ours %.0f, SimGrid %.0f (ratio %.2f); whole %d-hop runs: ours %.0f, SimGrid %.0f instructions per hop\n",
         (o3 - o1) / steady, (s3 - s1) / steady, (o3 - o1) / (s3 - s1), all, o3 / all, s3 / all }'
