#!/usr/bin/env bash
# xlat_callgrind.sh - host x86 instructions per guest RV32IM instruction
# for the `worker` program translated ahead of time and interpreted,
# counted by callgrind (exact and repeatable, unlike wall time).
#
#   bench/xlat_callgrind.sh [path/to/bench_xlat] [guest_instructions]
#
# For each mode, runs bench_xlat under callgrind with N guest instructions
# and with none, and divides the difference in instructions read (Ir) by
# N, so process start-up and loading do not count.
set -euo pipefail
bench="${1:-build/bench/bench_xlat}"
n="${2:-10000000}"
command -v valgrind >/dev/null || { echo "xlat_callgrind.sh: valgrind not found" >&2; exit 1; }
[ -x "$bench" ] || { echo "xlat_callgrind.sh: no executable $bench (build target bench_xlat)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

total_ir() { # MODE N
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bench" "$1" "$2" >/dev/null 2>"$tmp/log" ||
        { cat "$tmp/log" >&2; exit 1; }
    awk '/^(summary|totals):/ { print $2; exit }' "$tmp/out"
}

for mode in xlat interp; do
    base=$(total_ir "$mode" 0)
    full=$(total_ir "$mode" "$n")
    awk -v m="$mode" -v b="$base" -v f="$full" -v n="$n" 'BEGIN {
        printf "%-6s %d guest instructions, %d host instructions: %.2f per guest instruction\n", m, n, f - b, (f - b) / n
    }'
done
