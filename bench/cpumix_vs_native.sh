#!/usr/bin/env bash
# cpumix_vs_native.sh - wall time of the CPU benchmark mix on the
# interpreter against the same source compiled for the host at -O2.
#
#   bench/cpumix_vs_native.sh [build dir] [rounds] [runs]   (default build 2000 3)
#
# Runs bench_cpumix and cpumix_native `runs` times each, in turn, checks
# that both print the same checksum line, and reports each one's fastest
# run and how many times slower the interpreter is. Wall time on a shared
# machine is noisy: compare figures from one run of this script only.
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
fastest() { awk -F': ' '/^seconds:/ { print $2 }' "$tmp"/"$1".* | sort -g | head -n 1; }
head -n 1 "$tmp/native.1"
awk -v i="$(fastest interp)" -v n="$(fastest native)" -v r="$rounds" -v runs="$runs" 'BEGIN {
    printf "rounds: %d, fastest of %d runs\n", r, runs
    printf "interpreter: %.3f s\nnative -O2:  %.3f s\ninterpreter / native: %.1f\n", i, n, i / n
}'
