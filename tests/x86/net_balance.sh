#!/usr/bin/env bash
# Migration between two x86 nodes by the balancer: node 0 boots with
# WORKERS copies of "worker ITERATIONS", node 1 with none, both with
# balance=offer. The overloaded node 0 must hand at least one worker to
# node 1, and every worker, moved or not, must print exactly what it
# prints unmoved on one simulated node. Node 0 interprets (translate=off),
# so the workers still run when the balancer has heard node 1, however
# fast translated code is.
#   net_balance.sh <cumulonimbus.elf> <build dir> <nimbus>
source "$(dirname "$0")/net_lib.sh"
NIMBUS=$3
WORKERS=4
ITERATIONS=60000

net_setup net_balance "$1" "$2"
# The reference names pid n0.1; the result does not depend on the pid.
expected=$(net_sim_output "$NIMBUS" worker $ITERATIONS | sed -n 's/.*: checksum /checksum /p')
[ -n "$expected" ] || net_fail "the simulated worker printed no checksum"

run=worker:$ITERATIONS
for ((i = 1; i < WORKERS; i++)); do run+=,worker:$ITERATIONS; done
net_lan_dgram 2
net_start_node 1 2 "balance=offer"
net_wait 1 'cumulonimbus: node 1 ready' 20
net_start_node 0 2 "balance=offer translate=off run=$run"
net_wait 0 'cumulonimbus: node 0 ready' 20
for ((i = 1; i <= WORKERS; i++)); do
    net_wait 0 "n0\.$i: worker n0\.$i: checksum" 60
    got=$(net_output 0 "n0\.$i: worker n0\.$i: checksum" | sed 's/.*: checksum /checksum /')
    [ "$got" = "$expected" ] || net_fail "worker n0.$i printed '$got', unmoved it prints '$expected'"
done
moves=$(grep -c 'cumulonimbus: migrated n0\.[0-9]* to node 1' "$NET_DIR/n0.log" || true)
[ "$moves" -ge 1 ] || net_fail "the balancer moved no worker to node 1"
echo "balancer moved $moves of $WORKERS workers to node 1; every worker printed '$expected'"
