#!/usr/bin/env bash
# `nimbus boot --program NAME=PATH` (docs/x86.md, "Programs built outside
# the tree"): tests/outside's collatz.elf, built as its own CMake project,
# handed to every node as a multiboot module.
#   - doc: docs/x86.md's command, as the page shows it, from a directory
#     with build/ and build-outside/ as the page has them;
#   - run: three programs start at boot, the module last, after the
#     kernel and two processes took memory (pages_alloc zeroes what it
#     hands out, so a module page given away would be a spawn that fails);
#     collatz prints its exact answer and every node ends idle;
#   - shell: `programs` lists the module, `spawn` starts it, `ps` shows it;
#   - move: collatz migrates from node 0 to node 1, ends there, and its
#     answer (printed on its home node's console, as every moved process's
#     output is) is the one it gives unmoved;
#   - bad modules: QEMU given a file that is no ELF and a cut-off ELF as
#     modules directly (nimbus boot refuses both on the host): each boot
#     program fails to start with "bad program image", the node boots on.
#
#   boot_cli_program.sh NIMBUS OUT_DIR IMAGE SOURCE_DIR CLANG LD_LLD
source "$(dirname "$0")/boot_cli_lib.sh" "$@"
image=${3:?image}
src=${4:?source dir}
clang=${5:?clang}
lld=${6:?ld.lld}
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
command -v qemu-system-x86_64 > /dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }

cmake -S "$src/tests/outside" -B "$BC_OUT/build-outside" -DNIMBUS_SOURCE_DIR="$src" \
    -DNIMBUS_CLANG="$clang" -DNIMBUS_LD_LLD="$lld" > "$BC_OUT/configure.log" || bc_fail "configure tests/outside"
cmake --build "$BC_OUT/build-outside" > "$BC_OUT/build.log" || bc_fail "build tests/outside"
elf=$BC_OUT/build-outside/collatz.elf

doc_cmd='build/nimbus boot --program collatz=build-outside/collatz.elf --run 0:collatz:3000 --until-idle'
grep -qxF -- "\$ $doc_cmd" "$src/docs/x86.md" || bc_fail "docs/x86.md no longer shows: $doc_cmd"
ln -sfn "$(cd "$(dirname "$BC_NIMBUS")" && pwd)" "$BC_OUT/build"
set +e
(cd "$BC_OUT" && timeout -k 5 "$BC_LIMIT_S" bash -c "$doc_cmd" < /dev/null > doc.out 2> doc.err)
BC_STATUS=$?
set -e
bc_status doc 0
bc_has doc out "n0.1: collatz n0.1: below 3000, 2919 takes the most steps: 216"
bc_has doc out "n0| cumulonimbus: node 0 idle: every process exited (status 0)"

bc_run run --nodes 1 --kernel "$image" --out "$BC_OUT/run" --timeout 60 --program "collatz=$elf" \
    --run 0:hello --run 0:worker:20000 --run 0:collatz:3000 --until-idle
bc_status run 0
bc_has run out "n0| cumulonimbus: n0.3 started collatz (parent n0.0)"
grep -qE '^n0\| \[ *[0-9]+\.[0-9]{6} ms\] n0\.3: collatz n0\.3: below 3000, 2919 takes the most steps: 216$' \
    "$BC_OUT/run.out" || bc_fail "run: no answer from collatz n0.3"
bc_has run out "n0| cumulonimbus: node 0 idle: every process exited (status 0)"
grep -qF -- "-initrd '$elf collatz'" "$BC_OUT/run/qemu-commands.txt" || bc_fail "run: no -initrd in qemu-commands.txt"

bc_run shell --nodes 1 --kernel "$image" --out "$BC_OUT/shell" --timeout 60 --program "collatz=$elf" \
    --exec '0:programs' --exec '0:spawn collatz 30000' --exec '0:ps' --expect 'takes the most steps'
bc_status shell 0
size=$(stat -c %s "$elf")
grep -qE "^n0\| collatz +$size bytes \(boot module\)$" "$BC_OUT/shell.out" || bc_fail "shell: programs lacks collatz"
bc_has shell out "n0| spawned n0.1 (collatz)"
grep -qE '^n0\| n0\.1 .*collatz' "$BC_OUT/shell.out" || bc_fail "shell: ps lacks collatz"
bc_has shell out "n0.1: collatz n0.1: below 30000, 26623 takes the most steps: 307"

bc_run move --nodes 2 --kernel "$image" --out "$BC_OUT/move" --timeout 80 --program "collatz=$elf" \
    --exec '0:spawn collatz 100000' --exec '0:migrate n0.1 1' \
    --expect 'arrived from node 0' --expect 'takes the most steps' --expect 'n0.1 exited with status 0'
bc_status move 0
grep -qE '^n0\| cumulonimbus: migrated n0\.1 to node 1 \([0-9]+ bytes, freeze [0-9]+ us\)$' "$BC_OUT/move.out" ||
    bc_fail "move: collatz n0.1 was not migrated"
bc_has move out "n1| cumulonimbus: n0.1 arrived from node 0"
bc_has move out "n1| cumulonimbus: n0.1 exited with status 0"
grep -qE '^n0\| \[ *[0-9]+\.[0-9]{6} ms\] n0\.1: collatz n0\.1: below 100000, 77031 takes the most steps: 350$' \
    "$BC_OUT/move.out" || bc_fail "move: no answer from collatz n0.1"

# Bad module data, past nimbus's checks: straight to QEMU.
head -c 100 "$elf" > "$BC_OUT/cut.elf"
printf 'not an ELF file at all\n' > "$BC_OUT/text.bin"
set +e
timeout -k 5 60 qemu-system-x86_64 -machine pc -accel tcg -m 128M -no-reboot -monitor none -display none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -bios qboot.rom -kernel "$image" \
    -append "node=0 nodes=1 run=cut,text,hello exit=idle" -initrd "$BC_OUT/cut.elf cut,$BC_OUT/text.bin text" \
    -serial "file:$BC_OUT/bad.log" > "$BC_OUT/bad.qemu.log" 2>&1
status=$?
set -e
tr -d '\r' < "$BC_OUT/bad.log" > "$BC_OUT/bad.txt" # COM1 ends lines with CR LF
# Two boot programs failed: exit=idle ends with status 1, QEMU with 3.
[ "$status" = 3 ] || bc_fail "bad modules: QEMU exited with $status, want 3: $(tail -n 5 "$BC_OUT/bad.log")"
for name in cut text; do
    grep -qxF "cumulonimbus: run=$name: cannot start: bad program image" "$BC_OUT/bad.txt" ||
        bc_fail "bad modules: no refusal of $name: $(cat "$BC_OUT/bad.txt")"
done
grep -qE '^\[ *[0-9]+\.[0-9]{6} ms\] n0\.1: hello from n0\.1$' "$BC_OUT/bad.txt" ||
    bc_fail "bad modules: hello did not run after them"
echo "PASS"
