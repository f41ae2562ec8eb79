#!/usr/bin/env bash
# interp_callgrind.sh - host x86 instructions per guest RV32IM instruction,
# counted by callgrind (exact and repeatable, unlike wall time).
#
#   bench/interp_callgrind.sh [path/to/bench_interp] [guest_instructions]
#
# Runs bench_interp under callgrind twice, with N guest instructions and
# with none, and divides the difference in instructions read (Ir) by N, so
# process start-up and setup do not count. The target is at most 12.
#
# valgrind 3.19 cannot read clang 14's default DWARF 5 debug information:
# for a clang build, configure with -DCMAKE_C_FLAGS=-gdwarf-4.
set -euo pipefail
bench="${1:-build/bench/bench_interp}"
n="${2:-10000000}"
command -v valgrind >/dev/null || { echo "interp_callgrind.sh: valgrind not found" >&2; exit 1; }
[ -x "$bench" ] || { echo "interp_callgrind.sh: no executable $bench (build target bench_interp)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

total_ir() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out.$1" "$bench" "$1" >/dev/null 2>"$tmp/log.$1" ||
        { cat "$tmp/log.$1" >&2; exit 1; }
    awk '/^(summary|totals):/ { print $2; exit }' "$tmp/out.$1"
}

base=$(total_ir 0)
full=$(total_ir "$n")
awk -v b="$base" -v f="$full" -v n="$n" 'BEGIN {
    printf "guest instructions: %d\nhost instructions:  %d (setup %d excluded)\n", n, f - b, b
    printf "host instructions per guest instruction: %.2f\n", (f - b) / n
}'
