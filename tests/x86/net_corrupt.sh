#!/usr/bin/env bash
# A node fed corrupt frames keeps running. Node 0 serves pingpong on a
# -netdev dgram LAN; a datagram sent to its UDP port on 127.0.0.1 arrives
# as a raw Ethernet frame at its NIC, so net_garbage (net_garbage.c)
# writes FRAMES corrupt frames there while the client on node 1 pings:
# random bytes, noise after IPv4 and ARP headers, cluster headers that are
# cut short or disagree with their datagram, ICMP with bad checksums,
# frames over 1514 bytes. Node 0 must answer every ping, then answer an
# ICMP echo request (the reply is in its pcap), count the bad frames
# (shell command `load`) and still be running.
#   net_corrupt.sh <cumulonimbus.elf> <build dir> <net_garbage>
source "$(dirname "$0")/net_lib.sh"
GARBAGE=$3
PINGS=500
FRAMES=2000
GAP_US=500
ECHO_ID=20034 # 0x4e42

net_setup net_corrupt "$1" "$2"
[ -x "$GARBAGE" ] || net_fail "no net_garbage at $GARBAGE"
net_lan_dgram 2
node0_mac=$(net_mac 0 | tr -d :)

net_start_node 0 2 "run=pingpong:server:$PINGS"
net_wait 0 'cumulonimbus: node 0 ready' 20
net_start_node 1 2 "run=pingpong:client:n0.1:$PINGS exit=idle"
"$GARBAGE" garbage "${NET_PORT[0]}" "$node0_mac" $FRAMES 4119 $GAP_US > "$NET_DIR/garbage.log" 2>&1 &
garbage_pid=$!
NET_PIDS+=("$garbage_pid")
net_wait 1 "n1\.1: client: $PINGS round trips" 60
net_wait 0 "n0\.1: server: answered $PINGS pings" 10
net_expect_clean_exit 1 10
wait "$garbage_pid" || net_fail "net_garbage failed: $(cat "$NET_DIR/garbage.log")"

# Still answering after the garbage: an ICMP echo request and the shell.
"$GARBAGE" echo "${NET_PORT[0]}" "$node0_mac" $ECHO_ID || net_fail "net_garbage could not send the echo request"
net_send 0 load
net_wait 0 'frames rx [0-9]+, tx [0-9]+, bad [0-9]+' 10
bad=$(net_line 0 'frames rx [0-9]+, tx' | sed 's/.*, bad \([0-9]*\).*/\1/')
[ "$bad" -gt 0 ] || net_fail "node 0 counted no bad frames"
kill -0 "${NET_QEMU_PID[0]}" 2> /dev/null || net_fail "node 0 is no longer running"
! grep -q 'PANIC' "$NET_DIR/n0.log" || net_fail "node 0 panicked"
if command -v tshark > /dev/null; then
    replies=$(tshark -r "$NET_DIR/n0.pcap" -Y "icmp.type == 0 && icmp.ident == $ECHO_ID" 2> /dev/null | wc -l)
    [ "$replies" -eq 1 ] || net_fail "node 0 sent $replies replies to the echo request, expected 1"
    echo "node 0 answered an ICMP echo request after the garbage"
    # The Wireshark dissector (docs/wireshark.md) reads the garbage too:
    # every datagram on the cluster port decodes, the malformed ones with
    # expert info, none with a Lua error.
    dissect() { tshark -X "lua_script:$(dirname "$0")/../../tools/wireshark/cumulonimbus.lua" \
                    -r "$NET_DIR/n0.pcap" -Y "$1" 2> /dev/null | wc -l; }
    cluster_port=$(tshark -r "$NET_DIR/n0.pcap" -Y 'udp.port == 5119' 2> /dev/null | wc -l)
    decoded=$(dissect 'cnimbus')
    malformed=$(dissect 'cnimbus.short || cnimbus.bad_magic || cnimbus.bad_version || cnimbus.bad_length ||
                         cnimbus.bad_checksum || cnimbus.bad_type || cnimbus.bad_payload')
    lua_errors=$(dissect '_ws.lua.error')
    [ "$decoded" -eq "$cluster_port" ] || net_fail "the dissector decoded $decoded of $cluster_port cluster-port frames"
    [ "$malformed" -gt 0 ] || net_fail "the dissector flagged none of the garbage as malformed"
    [ "$lua_errors" -eq 0 ] || net_fail "the dissector raised $lua_errors Lua errors on the garbage"
    echo "the dissector decoded all $decoded cluster-port frames, $malformed flagged malformed, no Lua error"
fi
echo "node 0 took $FRAMES corrupt frames ($bad counted bad by the core; the rest dropped by the NIC" \
    "or its driver), answered all $PINGS pings and kept running"
