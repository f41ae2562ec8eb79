#!/usr/bin/env bash
# Migration between two x86 nodes by command: node 0 boots running
# "worker ITERATIONS"; `migrate n0.1 1` typed on its serial console moves
# the running worker to node 1, where it finishes. Its output (sent home
# to node 0's console) must be exactly what the worker prints when it runs
# unmoved on one simulated node. Node 0 interprets (translate=off), so the
# worker is still running when the command comes however fast translated
# code is; node 1 runs its translation from its arrival.
#   net_migrate.sh <cumulonimbus.elf> <build dir> <nimbus>
source "$(dirname "$0")/net_lib.sh"
NIMBUS=$3
ITERATIONS=200000

net_setup net_migrate "$1" "$2"
expected=$(net_sim_output "$NIMBUS" worker $ITERATIONS)
[ -n "$expected" ] || net_fail "the simulated worker printed nothing"

net_lan_dgram 2
net_start_node 1 2 ""
net_wait 1 'cumulonimbus: node 1 ready' 20
net_start_node 0 2 "run=worker:$ITERATIONS translate=off"
net_wait 0 'cumulonimbus: node 0 ready' 20
# QEMU's e1000 holds back received frames for a second after the driver
# enables reception (e1000.c); moving later keeps that out of the freeze.
sleep 1
net_send 0 "migrate n0.1 1"
net_wait 0 'cumulonimbus: migrated n0\.1 to node 1' 20
net_wait 1 'cumulonimbus: n0\.1 arrived from node 0' 5
net_wait 0 "n0\.1: worker n0\.1: checksum" 60
net_wait 1 'cumulonimbus: n0\.1 exited with status 0' 10

got=$(net_output 0 "n0\.1: worker n0\.1: checksum")
[ "$got" = "$expected" ] || net_fail "migrated worker printed '$got', unmoved it prints '$expected'"
echo "migrated worker: $got (as unmoved)"
echo "move: $(net_line 0 'cumulonimbus: migrated n0\.1' | sed 's/.*migrated //')"
