#!/usr/bin/env bash
# The same kernel on both platforms, proven on the wire: the exchange of
# tests/wire/pingpong-hop.json (10 pings from node 1 to a server on node
# 0, then hopper moving itself from node 0 to node 1) runs in the
# simulator and on two QEMU nodes; both captures, decoded with the
# Wireshark dissector (tools/wireshark/cumulonimbus.lua) and normalised by
# tests/wire/normalise.py (which says what it normalises and why), must
# be the same text: message types, sizes, order, every header and payload
# field, the process image's bytes. Every QEMU frame must also decode
# completely (dissect_lib.sh's check: no "Data", no Lua error).
#   net_wire.sh <cumulonimbus.elf> <build dir> <nimbus> <source dir>
source "$(dirname "$0")/net_lib.sh"
NIMBUS=$3
SOURCE_DIR=$4
SCENARIO=$SOURCE_DIR/tests/wire/pingpong-hop.json
WIRE=$SOURCE_DIR/tests/wire

net_setup net_wire "$1" "$2"
net_need tshark
net_need python3
script=$SOURCE_DIR/tools/wireshark/cumulonimbus.lua out=$NET_DIR
fail() { net_fail "$*"; }
source "$WIRE/dissect_lib.sh"

"$NIMBUS" run "$SCENARIO" --out "$NET_DIR/sim" --quiet --no-progress > /dev/null ||
    net_fail "the simulator could not run $SCENARIO"

# The same processes with the same pids: the server is node 0's first
# process, the client node 1's, hopper node 0's second. The client and
# hopper start from the shell once both NICs receive (QEMU's e1000 holds
# received frames back for a second after the driver enables it), so the
# exchange is not resent for a second on QEMU alone.
net_lan_dgram 2
net_start_node 0 2 "run=pingpong:server:10"
net_wait 0 '^cumulonimbus: node 0 ready' 20
net_start_node 1 2 ""
net_wait 1 '^cumulonimbus: node 1 ready' 20
sleep 1.5
net_send 1 "spawn pingpong client n0.1 10"
net_wait 1 'n1\.1: client: 10 round trips' 30
net_wait 0 'n0\.1: server: answered 10 pings' 10
net_send 0 "spawn hopper 2 1"
net_wait 0 'n0\.2: hopper n0\.2: 1 hops, now on node 1' 30
net_wait 1 'cumulonimbus: n0\.2 exited with status 0' 10
# Let the last acknowledgements arrive, then stop both nodes so that
# their captures are complete.
sleep 1
for id in 0 1; do
    kill -TERM "${NET_QEMU_PID[$id]}"
    wait "${NET_QEMU_PID[$id]}" || true
done

check qemu-n0 "$NET_DIR/n0.pcap" DELIVER DELIVER_RESULT BEGIN IMAGE CHUNK HANDOVER ACK
check qemu-n1 "$NET_DIR/n1.pcap" DELIVER DELIVER_RESULT INSTALLED LOCATION CONSOLE ACK

python3 "$WIRE/normalise.py" tshark "$script" "all=$NET_DIR/sim/net.pcap" > "$NET_DIR/sim.wire" ||
    net_fail "could not decode the simulator's pcap"
python3 "$WIRE/normalise.py" tshark "$script" "0=$NET_DIR/n0.pcap" "1=$NET_DIR/n1.pcap" > "$NET_DIR/qemu.wire" ||
    net_fail "could not decode the QEMU pcaps"
diff -u "$NET_DIR/sim.wire" "$NET_DIR/qemu.wire" > "$NET_DIR/wire.diff" ||
    net_fail "the cluster protocol differs between the simulator (-) and QEMU (+): $(head -40 "$NET_DIR/wire.diff")"
echo "simulator and QEMU sent the same cluster messages ($(grep -vc '^##' "$NET_DIR/sim.wire") of them," \
     "every field equal after normalisation); outputs in $NET_DIR"
