#!/usr/bin/env bash
# cpumix_vs_native.sh - wall time of the CPU benchmark mix on the
# interpreter against the same source compiled for the host at -O2.
#
#   bench/cpumix_vs_native.sh [build dir] [rounds] [runs]   (default build 2000 3)
#
# Runs bench_cpumix and cpumix_native `runs` times each, in turn, checks
# that both print the same checksum line, and reports each one's fastest
# run, in wall time and in CPU time, and how many times slower the
# interpreter is. Times on a shared machine are noisy (CPU time less so):
# compare figures from one run of this script only.
set -euo pipefail
build="${1:-build}"
rounds="${2:-2000}"
runs="${3:-3}"
interp="$build/bench/bench_cpumix"
native="$build/bench/cpumix_native"
for exe in "$interp" "$native"; do
    [ -x "$exe" ] || { echo "cpumix_vs_native.sh: no executable $exe" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for i in $(seq "$runs"); do
    "$interp" "$rounds" >"$tmp/interp.$i"
    "$native" "$rounds" >"$tmp/native.$i"
    if [ "$(head -n 1 "$tmp/interp.$i")" != "$(head -n 1 "$tmp/native.$i")" ]; then
        echo "cpumix_vs_native.sh: the checksums differ:" >&2
        head -n 1 "$tmp/interp.$i" "$tmp/native.$i" >&2
        exit 1
    fi
done
# The fastest run's figure `what` ("seconds" or "cpu seconds") of $1.
fastest() { awk -F': ' -v w="$2" '$1 == w { print $2 }' "$tmp"/"$1".* | sort -g | head -n 1; }
head -n 1 "$tmp/native.1"
echo "rounds: $rounds, fastest of $runs runs"
for what in seconds "cpu seconds"; do
    awk -v w="$what" -v i="$(fastest interp "$what")" -v n="$(fastest native "$what")" 'BEGIN {
        printf "%s: interpreter %.3f, native -O2 %.3f, interpreter / native %.1f\n", w, i, n, i / n
    }'
done
