#!/usr/bin/env bash
# Translated programs on x86 (docs/translation.md): node 0 runs the
# built-in programs' translations, node 1 boots with translate=off. Both
# run the CPU-bound "worker ITERATIONS" at boot; `load` must then show
# instructions retired through translations on node 0 and none on node 1,
# and both checksums must be what the simulator's worker prints. Then a
# worker spawned on node 1 moves to node 0: node 0 translates it from its
# arrival (its count of translated instructions grows), and its checksum
# is again the simulator's.
#   net_xlat.sh <cumulonimbus.elf> <build dir> <nimbus>
source "$(dirname "$0")/net_lib.sh"
NIMBUS=$3
ITERATIONS=20000
MOVED_ITERATIONS=300000

# checksum ID PID: what worker PID printed on node ID's console, without
# the pid: "checksum <hex> after <n> iterations" (empty if nothing).
checksum()
{
    local pid=${2//./\\.}
    { net_output "$1" "$pid: worker $pid: checksum" || true; } | sed 's/^.*: checksum/checksum/'
}

# translated ID: type `load` on node ID; prints "<instructions> <translated>"
# from its answer.
translated()
{
    local log=$NET_DIR/n$1.log pattern='^instructions [0-9]+ \(translated [0-9]+\);' before deadline
    before=$(grep -Ec -- "$pattern" "$log" || true)
    net_send "$1" load
    deadline=$((SECONDS + 10))
    until [ "$(grep -Ec -- "$pattern" "$log" || true)" -gt "$before" ]; do
        [ "$SECONDS" -lt "$deadline" ] || net_fail "node $1: no answer to 'load' within 10 s"
        sleep 0.1
    done
    grep -E -- "$pattern" "$log" | tail -n 1 | sed -E 's/^instructions ([0-9]+) \(translated ([0-9]+)\).*/\1 \2/'
}

net_setup net_xlat "$1" "$2"
expected=$(net_sim_output "$NIMBUS" worker $ITERATIONS | sed 's/^.*: checksum/checksum/')
expected_moved=$(net_sim_output "$NIMBUS" worker $MOVED_ITERATIONS | sed 's/^.*: checksum/checksum/')
[ -n "$expected" ] || net_fail "the simulated worker printed nothing"

net_lan_dgram 2
net_start_node 0 2 "run=worker:$ITERATIONS"
net_start_node 1 2 "run=worker:$ITERATIONS translate=off"
for id in 0 1; do
    net_wait $id "cumulonimbus: n$id\.1 exited with status 0" 30
    got=$(checksum $id "n$id.1")
    [ "$got" = "$expected" ] || net_fail "node $id: worker printed '$got', the simulator's '$expected'"
done

read -r insns0 xlat0 <<< "$(translated 0)"
read -r insns1 xlat1 <<< "$(translated 1)"
echo "node 0 (translated): $insns0 instructions, $xlat0 through translations"
echo "node 1 (translate=off): $insns1 instructions, $xlat1 through translations"
[ "$xlat0" -gt 0 ] || net_fail "node 0 ran no instruction through a translation"
# Nearly all of the worker's time goes to its loop, which is translated.
[ $((xlat0 * 10)) -ge $((insns0 * 9)) ] || net_fail "node 0 translated only $xlat0 of $insns0 instructions"
[ "$xlat0" -le "$insns0" ] || net_fail "node 0: more translated instructions than instructions"
[ "$xlat1" -eq 0 ] || net_fail "node 1 runs translations despite translate=off"
[ "$insns1" -gt 0 ] || net_fail "node 1 ran nothing"

net_send 1 "spawn worker $MOVED_ITERATIONS"
net_wait 1 '^spawned n1\.2 \(worker\)' 10
net_send 1 "migrate n1.2 0"
net_wait 0 'cumulonimbus: n1\.2 arrived from node 1' 20
net_wait 0 'cumulonimbus: n1\.2 exited with status 0' 30
net_wait 1 'n1\.2: worker n1\.2: checksum' 10
got=$(checksum 1 "n1.2")
[ "$got" = "$expected_moved" ] || net_fail "moved worker printed '$got', the simulator's '$expected_moved'"
read -r insns0_after xlat0_after <<< "$(translated 0)"
echo "node 0 after the arrival: $insns0_after instructions, $xlat0_after through translations"
[ "$xlat0_after" -gt "$xlat0" ] || net_fail "node 0 did not translate the worker that arrived"
echo "outputs in $NET_DIR"
