#!/usr/bin/env bash
# Stockholder figures (docs/storage.md, "The service"), from simulated runs:
#  - key-value puts per simulated second with 1, 8 and 64 clients, against
#    what the disk model allows: flushes per second (one commit's time on
#    the disk, as the run's store_commit lines measure it) x puts per flush
#    (one outstanding put per client);
#  - write amplification: bytes the disk was asked to write per byte of
#    values put, for 4 KiB and 64 KiB values, with 1 and 32 clients;
#  - mount time after a crash with 64 MiB and with 1 GiB of data.
# Usage: bench/bench_stock.sh [build dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
nimbus="$build/nimbus"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

DISK='"disk": {"size": "2GiB", "latency": "100us", "bandwidth": "500MB/s", "write_cache": true'

metric() { # file key -> the first integer value of "key"
  grep -o "\"$2\": *[0-9]*" "$1" | head -1 | grep -o '[0-9]*$'
}

# kv_run NAME BACKEND_LOCAL CLIENT_NODES CLIENTS_EACH PUTS_EACH SIZE
kv_run() {
  local name=$1 local_backend=$2 nodes=$3 each=$4 puts=$5 size=$6 events="" i
  for ((i = 1; i <= nodes; i++)); do
    local at=$i; [ "$local_backend" = 1 ] && at=0
    events+="${events:+,}{\"at\": \"10ms\", \"spawn\": {\"node\": $at, \"program\": \"kvbench\", \"args\": [\"$each\", \"$puts\", \"$size\"]}}"
  done
  cat > "$out/$name.json" <<JSON
{"name": "$name", "nodes": [{"count": 1, "cpu_mips": 10000, $DISK}},
                           {"count": $nodes, "cpu_mips": 10000}],
 "kv": {"backend": 0}, "events": [$events]}
JSON
  "$nimbus" run "$out/$name.json" --out "$out/$name" --quiet --no-progress > /dev/null
}

kv_figures() { # NAME CLIENTS
  local dir=$out/$1
  local us puts took requests commits
  us=$(grep -o 'in [0-9]* us' "$dir/console.log" | grep -o '[0-9]*' | sort -n | tail -1)
  puts=$(grep -o 'clients, [0-9]* puts' "$dir/console.log" | grep -o '[0-9]* puts' | awk '{s += $1} END {print s}')
  read -r commits requests took < <(grep '"ev":"store_commit"' "$dir/trace.jsonl" |
    grep -v '"requests":0,' | awk -F'[:,}]' '{for (i = 1; i < NF; i++) {if ($i == "\"requests\"") r += $(i+1); if ($i == "\"took_us\"") t += $(i+1)}; n++} END {print n, r, t}')
  awk -v c="$2" -v p="$puts" -v us="$us" -v n="$commits" -v r="$requests" -v t="$took" 'BEGIN {
    rate = p * 1e6 / us; flushes = n * 1e6 / t; limit = flushes * c;
    printf "%2d clients: %6d puts/s; %4.1f puts a commit, a commit every %5.0f us on the disk: limit %6.0f flushes/s x %2d = %7.0f puts/s; reached %3.0f%%\n",
           c, rate, r / n, t / n, flushes, c, limit, 100 * rate / limit }'
}

echo "key-value puts of 512 bytes, back end on node 0 (disk: 100us, 500MB/s, write cache), clients on other nodes:"
kv_run c1 0 1 1 512 512;   kv_figures c1 1
kv_run c8 0 1 8 64 512;    kv_figures c8 8
kv_run c64 0 2 32 16 512;  kv_figures c64 64

echo "write amplification (disk bytes written per byte of values; mkfs's writes left out):"
kv_run base 1 1 1 0 4096
base=$(metric "$out/base/metrics.json" disk_write_bytes)
for size in 4096 65536; do
  for clients in 1 32; do
    puts=$((clients == 1 ? 64 : 4))
    kv_run "wa-$size-$clients" 1 1 "$clients" "$puts" "$size"
    bytes=$(metric "$out/wa-$size-$clients/metrics.json" disk_write_bytes)
    awk -v s="$size" -v c="$clients" -v n=$((clients * puts)) -v b="$bytes" -v z="$base" 'BEGIN {
      printf "%6d-byte values, %2d clients (%3d puts): %.2f bytes written per byte stored\n", s, c, n, (b - z) / (n * s) }'
  done
done

echo "mount after a crash (2 GiB disk; the store's data put there by nimbus fs):"
for mib in 64 1024; do
  img="$out/m$mib.img"
  "$nimbus" fs mkfs "$img" --size 2GiB > /dev/null
  head -c $((mib * 1048576)) /dev/zero > "$out/data"
  "$nimbus" fs put "$img" /data "$out/data"
  cat > "$out/m$mib.json" <<JSON
{"name": "m$mib", "duration": "1s", "nodes": [{"count": 1, $DISK, "image": "m$mib.img"}}],
 "events": [{"at": "10ms", "spawn": {"node": 0, "program": "logwriter", "args": ["/log", "100000", "3"]}},
            {"at": "50ms", "crash": {"node": 0}}, {"at": "100ms", "restart": {"node": 0}}]}
JSON
  "$nimbus" run "$out/m$mib.json" --out "$out/m$mib" --quiet --no-progress > /dev/null
  grep '"ev":"store_mount"' "$out/m$mib/trace.jsonl" | tail -1 |
    awk -v m="$mib" -F'[:,}]' '{for (i = 1; i < NF; i++) {if ($i == "\"blocks_read\"") b = $(i+1); if ($i == "\"took_us\"") t = $(i+1)}}
      END {printf "%5d MiB of data: mount after the crash read %d blocks in %d us\n", m, b, t}'
done
