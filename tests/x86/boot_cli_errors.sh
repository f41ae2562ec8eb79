#!/usr/bin/env bash
# `nimbus boot`'s errors, without booting anything: bad arguments (1), a
# --program file that is no program (1), QEMU or the image missing (2), a
# node's QEMU that dies at once (2, with its messages shown) and one that
# never gets ready (3 at --timeout, naming what did not happen).
# Stand-ins for QEMU are small scripts; no run may leave one of them or
# its socket directory behind.
#
#   boot_cli_errors.sh NIMBUS OUT_DIR
source "$(dirname "$0")/boot_cli_lib.sh" "$@"

dies=$BC_OUT/qemu-that-dies
hangs=$BC_OUT/qemu-that-hangs
cat > "$dies" << 'EOF'
#!/usr/bin/env bash
echo "stand-in QEMU: cannot start this machine" >&2
exit 1
EOF
cat > "$hangs" << 'EOF'
#!/usr/bin/env bash
trap 'exit 0' TERM
while :; do sleep 0.1; done
EOF
chmod +x "$dies" "$hangs"
kernel=$dies # any readable file passes for the kernel until QEMU reads it

"$BC_NIMBUS" help boot > "$BC_OUT/help.out" || bc_fail "nimbus help boot failed"
bc_has help out "Usage: nimbus boot [--nodes N] [OPTIONS]"
bc_has help out "Exit status: 0 finished"

bc_run nodes --nodes 0
bc_status nodes 1
bc_has nodes err "nimbus boot: --nodes: '0' is not a number from 1 to 16"
bc_has nodes err "Try 'nimbus boot --help'."
bc_run typo --nodez 2
bc_status typo 1
bc_has typo err "nimbus boot: unknown option '--nodez' (did you mean '--nodes'?)"

bc_run program --run 0:no_such_program
bc_status program 1
bc_has program err "no program 'no_such_program' in the image"

# A --program file is checked before QEMU is even looked for: the stand-in
# that dies would be a different error.
printf 'not a program\n' > "$BC_OUT/text.elf"
bc_run bad_elf --qemu "$dies" --kernel "$kernel" --out "$BC_OUT/bad_elf" --program "mine=$BC_OUT/text.elf"
bc_status bad_elf 1
[ "$(cat "$BC_OUT/bad_elf.err")" = "nimbus boot: --program mine=$BC_OUT/text.elf: not an ELF file" ] ||
    bc_fail "bad_elf said: $(cat "$BC_OUT/bad_elf.err")"
[ ! -e "$BC_OUT/bad_elf" ] || bc_fail "bad_elf made its output directory"
bc_run no_elf --program "mine=$BC_OUT/missing.elf"
bc_status no_elf 1
bc_has no_elf err "nimbus boot: --program mine=$BC_OUT/missing.elf: cannot read: No such file or directory"
bc_run clash --program hello=x.elf
bc_status clash 1
bc_has clash err "nimbus boot: --program 'hello=x.elf': 'hello' is a built-in program: give yours another name"

bc_run exec --nodes 2 --exec 2:ps
bc_status exec 1
bc_has exec err "there is no node 2 (--nodes 2)"

bc_run no_qemu --qemu "$BC_OUT/no-such-qemu"
bc_status no_qemu 2
bc_has no_qemu err "QEMU not found: $BC_OUT/no-such-qemu is not an executable file"

bc_run no_kernel --qemu "$dies" --kernel "$BC_OUT/missing.elf"
bc_status no_kernel 2
bc_has no_kernel err "no kernel image at $BC_OUT/missing.elf"

bc_run dies --nodes 2 --qemu "$dies" --kernel "$kernel" --out "$BC_OUT/dies"
bc_status dies 2
bc_has dies err "'s QEMU exited with status 1"
bc_has dies err "stand-in QEMU: cannot start this machine"
bc_has dies out "nimbus boot: stopped 2 nodes"
bc_no_temp dies
[ -f "$BC_OUT/dies/qemu-commands.txt" ] || bc_fail "no qemu-commands.txt"

bc_run hangs --nodes 2 --qemu "$hangs" --kernel "$kernel" --out "$BC_OUT/hangs" --timeout 1 --expect never
bc_status hangs 3
bc_has hangs err "timeout: 1 s passed, and this did not happen:"
bc_has hangs err "  - node 1 never printed its ready line"
bc_has hangs err "  - --expect 'never' did not appear"
bc_no_temp hangs
! pgrep -f "$hangs" > /dev/null || bc_fail "a stand-in QEMU survived: $(pgrep -af "$hangs")"

echo "PASS"
