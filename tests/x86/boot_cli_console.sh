#!/usr/bin/env bash
# `nimbus boot`'s console (docs/x86.md, "Typing into the nodes"):
#   - typed from a script (stdin a pipe): '*: load' on three nodes shows
#     each node's answer whole, in one block; bare 'help' explains the
#     syntax and shows a node's list of shell commands;
#   - a run whose nodes all end as asked (--until-idle) exits 0 and says so,
#     with no "QEMU exited with status 1"; one whose process fails names
#     the node and its status and exits 2;
#   - on a terminal (boot_cli_pty.py, when python3 is installed): line
#     editing, history, bare help and Ctrl-C.
#
#   boot_cli_console.sh NIMBUS OUT_DIR IMAGE
source "$(dirname "$0")/boot_cli_lib.sh" "$@"
image=${3:?image}
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
command -v qemu-system-x86_64 > /dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }

# ---- typed from a pipe: three nodes, '*: load', bare help, then SIGTERM
mkfifo "$BC_OUT/typed"
"$BC_NIMBUS" boot --nodes 3 --kernel "$image" --out "$BC_OUT/typed.run" \
    < "$BC_OUT/typed" > "$BC_OUT/typed.out" 2> "$BC_OUT/typed.err" &
pid=$!
exec 7> "$BC_OUT/typed"
# wait_out TEXT COUNT: until TEXT is in COUNT lines of typed.out (30 s).
wait_out()
{
    local n
    for _ in $(seq 1 300); do
        n=$(grep -cF -- "$1" "$BC_OUT/typed.out" || true)
        [ "$n" -lt "$2" ] || return 0
        kill -0 "$pid" 2> /dev/null || bc_fail "nimbus ended before '$1' came $2 times"
        sleep 0.1
    done
    kill -KILL "$pid"
    bc_fail "'$1' came $n of $2 times within 30 s"
}
wait_out "nimbus boot: node " 3 # the ready lines
echo '*: load' >&7
wait_out "| pages in use" 3
echo 'help' >&7
wait_out "|   programs " 1
exec 7>&-
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" = 143 ] || bc_fail "typed: exit status $status after SIGTERM, wanted 143"
# Each node's six lines of 'load' come one after the other.
for i in 0 1 2; do
    first=$(grep -n "^n$i| load 0\.00" "$BC_OUT/typed.out" | cut -d: -f1)
    last=$(grep -n "^n$i| pages in use" "$BC_OUT/typed.out" | cut -d: -f1)
    if [ -z "$first" ] || [ -z "$last" ]; then
        bc_fail "typed: node $i's answer to load is missing"
    fi
    [ $((last - first)) = 5 ] ||
        bc_fail "typed: node $i's answer is spread over lines $first-$last: $(sed -n "${first},${last}p" "$BC_OUT/typed.out")"
done
bc_has typed out "nimbus boot: '<node>: <command>' types a command into node <node>'s shell, '*: <command>' into every node's"
bc_has typed out "nimbus boot: the shell's commands (node 0's 'help'):"
bc_has typed out "n0|   migrate  PID NODE       move a process (PID as n<node>.<local>)"
if grep -q "^nimbus boot: input 'help'" "$BC_OUT/typed.out" "$BC_OUT/typed.err"; then
    bc_fail "typed: bare help was refused"
fi

# ---- ending as asked: exit 0, no "QEMU exited with status 1"
bc_run idle --nodes 2 --kernel "$image" --out "$BC_OUT/idle" --run '*:hello' --until-idle --timeout 60
bc_status idle 0
for i in 0 1; do
    bc_has idle out "n$i| cumulonimbus: node $i idle: every process exited (status 0)"
done
! grep -q "exited with status 1" "$BC_OUT/idle.out" "$BC_OUT/idle.err" || bc_fail "idle: says QEMU exited with status 1"
# A node's QEMU that ends after its idle notice is reported as asked (the
# run may also end first, once every node is idle: then nothing is said).
if grep -q "its QEMU" "$BC_OUT/idle.out"; then
    bc_has idle out "its QEMU ended as exit=idle asks (status 0)"
fi

# ---- a process that fails: the node and its status, exit 2
bc_run fails --nodes 1 --kernel "$image" --out "$BC_OUT/fails" --run '0:fcopy' --until-idle --timeout 60
bc_status fails 2
bc_has fails err "nimbus boot: node 0: not every process exited with status 0 (idle status 1)"

# ---- on a terminal
if command -v python3 > /dev/null; then
    timeout -k 5 "$BC_LIMIT_S" python3 "$(dirname "$0")/boot_cli_pty.py" "$BC_NIMBUS" "$image" "$BC_OUT" ||
        bc_fail "on a terminal (boot_cli_pty.py)"
else
    echo "python3 is not installed: the terminal part is skipped"
fi
echo "PASS"
