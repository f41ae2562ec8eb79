#!/usr/bin/env bash
# A program built outside the tree runs in a scenario (docs/scenarios.md,
# "Programs of your own"): tests/outside is configured and built as its
# own CMake project, collatz.json names its collatz.elf by a relative path,
# and the run prints what collatz computes, the same bytes twice. An ELF
# built for compressed instructions is refused when the scenario loads,
# with the file and the reason.
# Usage: outside_program.sh NIMBUS SOURCE_DIR BINARY_DIR CLANG LD_LLD
set -euo pipefail
nimbus="$1"; src="$2"; bin="$3"; clang="$4"; lld="$5"
work="$bin/test-runs/outside"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

# The documented steps (docs/scenarios.md shows them for build-outside in
# the source tree), with the build directory under $work.
for step in 'cmake -S tests/outside -B build-outside -DNIMBUS_SOURCE_DIR=$PWD' 'cmake --build build-outside' \
            'cp tests/outside/collatz.json build-outside/' 'build/nimbus run build-outside/collatz.json' \
            'collatz n0.1: below 3000, 2919 takes the most steps: 216'; do
  grep -qxF -- "$step" "$src/docs/scenarios.md" || grep -qF -- "\`$step\`" "$src/docs/scenarios.md" ||
    fail "docs/scenarios.md no longer shows: $step"
done
cmake -S "$src/tests/outside" -B "$work/build-outside" -DNIMBUS_SOURCE_DIR="$src" \
      -DNIMBUS_CLANG="$clang" -DNIMBUS_LD_LLD="$lld" > "$work/configure.log"
cmake --build "$work/build-outside" > "$work/build.log"
cp "$src/tests/outside/collatz.json" "$work/build-outside/"

"$nimbus" check "$work/build-outside/collatz.json" > "$work/check.log" 2>&1 ||
  fail "check: $(cat "$work/check.log")"
for run in a b; do
  "$nimbus" run "$work/build-outside/collatz.json" --out "$work/run-$run" --quiet > "$work/run-$run.log" 2>&1 ||
    fail "run $run: $(cat "$work/run-$run.log")"
done
for pid in n0.1 n1.1 n0.2 n1.2; do
  grep -qF "collatz $pid: below 3000, 2919 takes the most steps: 216" "$work/run-a/console.log" ||
    fail "no answer from $pid: $(cat "$work/run-a/console.log")"
done
for f in trace.jsonl net.pcap metrics.json console.log; do
  cmp -s "$work/run-a/$f" "$work/run-b/$f" || fail "$f differs between two runs of the same ELF bytes"
done

# Clang's default for riscv32 includes compressed instructions: refused at
# load time, never met at run time.
sed 's/"collatz.elf"/"collatz-rvc.elf"/' "$src/tests/outside/collatz.json" > "$work/build-outside/rvc.json"
status=0
"$nimbus" run "$work/build-outside/rvc.json" --out "$work/run-rvc" --quiet > "$work/rvc.log" 2>&1 || status=$?
[ "$status" = 1 ] || fail "rvc.json: status $status, want 1"
want="$work/build-outside/rvc.json: programs.collatz: $work/build-outside/collatz-rvc.elf: uses compressed instructions (build with -march=rv32im, not rv32imc)"
[ "$(cat "$work/rvc.log")" = "$want" ] || fail "rvc.json said '$(cat "$work/rvc.log")', want '$want'"
[ ! -e "$work/run-rvc/trace.jsonl" ] || fail "a run started with a bad program"
echo "ok: an outside program ran; a compressed one was refused at load"
