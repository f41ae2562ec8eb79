#!/usr/bin/env bash
# Three x86 nodes on one vde_switch (a unix socket) run the token ring:
# the member on node i (n<i>.1) passes the token to n<(i+1) % 3>.1 for
# LAPS laps, then "stop" goes round and every member exits 0; every node
# ends through exit=idle. Node 0, which starts the token, boots last.
#   net_ring.sh <cumulonimbus.elf> <build dir>
source "$(dirname "$0")/net_lib.sh"
NODES=3
LAPS=10

net_setup net_ring "$1" "$2"
net_lan_vde $NODES
for id in 1 2 0; do
    net_start_node $id $NODES "run=ring:$NODES:$LAPS exit=idle"
    net_wait $id "^cumulonimbus: node $id ready" 20
done
net_wait 0 "n0\.1: lap $LAPS done at" 40
for id in 0 1 2; do
    net_wait $id "n$id\.1: ring member n$id\.1 exiting after $LAPS tokens" 10
done
for id in 0 1 2; do
    net_expect_clean_exit $id 10
done
echo "ring: $LAPS laps round $NODES nodes; $(net_line 0 "lap $LAPS done" | sed 's/.*: //')"
echo "outputs in $NET_DIR"
