#!/usr/bin/env bash
# cpumix_callgrind.sh - host x86 instructions per guest RV32IM instruction
# on the CPU benchmark mix (user/programs/cpumix_work.h), counted by
# callgrind (exact and repeatable, unlike wall time).
#
#   bench/cpumix_callgrind.sh [path/to/bench_cpumix] [rounds]   (default 20)
#
# Runs bench_cpumix under callgrind with `rounds` rounds and with none, and
# divides the difference in instructions read (Ir) by the difference in
# guest instructions retired, so process start-up, loading the program and
# its own start-up and exit do not count.
#
# valgrind 3.19 cannot read clang 14's default DWARF 5 debug information:
# for a clang build, configure with -DCMAKE_C_FLAGS=-gdwarf-4.
set -euo pipefail
bench="${1:-build/bench/bench_cpumix}"
rounds="${2:-20}"
command -v valgrind >/dev/null || { echo "cpumix_callgrind.sh: valgrind not found" >&2; exit 1; }
[ -x "$bench" ] || { echo "cpumix_callgrind.sh: no executable $bench (build target bench_cpumix)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints "<Ir> <guest instructions>" for a run of $1 rounds.
measure() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out.$1" "$bench" "$1" >"$tmp/stdout.$1" 2>"$tmp/log.$1" ||
        { cat "$tmp/log.$1" >&2; exit 1; }
    local ir guest
    ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/out.$1")
    guest=$(awk -F': ' '/^guest instructions:/ { print $2 }' "$tmp/stdout.$1")
    echo "$ir $guest"
}

read -r base_ir base_guest < <(measure 0)
read -r full_ir full_guest < <(measure "$rounds")
head -n 1 "$tmp/stdout.$rounds"
awk -v bi="$base_ir" -v bg="$base_guest" -v fi="$full_ir" -v fg="$full_guest" -v r="$rounds" 'BEGIN {
    printf "rounds: %d\nguest instructions: %d (start-up %d excluded)\n", r, fg - bg, bg
    printf "host instructions:  %d (setup %d excluded)\n", fi - bi, bi
    printf "host instructions per guest instruction: %.2f\n", (fi - bi) / (fg - bg)
}'
