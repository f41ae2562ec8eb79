#!/usr/bin/env bash
# Two x86 nodes on a -netdev dgram LAN (UDP on 127.0.0.1): a pingpong
# server on node 0 and its client on node 1 exchange PINGS request/reply
# messages across the cluster protocol; both nodes end through exit=idle
# with every process exited 0. Prints the mean round trip the client saw
# (its first ping waits for ARP and for QEMU's e1000 to start receiving,
# about a second) and the steady round trip from node 1's pcap.
#   net_pingpong.sh <cumulonimbus.elf> <build dir>
source "$(dirname "$0")/net_lib.sh"
PINGS=100

net_setup net_pingpong "$1" "$2"
net_lan_dgram 2
net_start_node 0 2 "run=pingpong:server:$PINGS exit=idle"
net_wait 0 '^cumulonimbus: node 0 ready' 20
net_start_node 1 2 "run=pingpong:client:n0.1:$PINGS exit=idle"
net_wait 1 "n1\.1: client: $PINGS round trips" 40
net_wait 0 "n0\.1: server: answered $PINGS pings" 10
net_expect_clean_exit 1 10
net_expect_clean_exit 0 10
echo "pingpong: $(net_line 1 'round trips' | sed 's/.*client: //')"
# The time from one ping (a cluster DELIVER, type 16, from node 1) to the
# next, from the second ping on.
if command -v tshark > /dev/null; then
    tshark -r "$NET_DIR/n1.pcap" -Y 'ip.src == 10.0.0.2 && udp.port == 5119' \
        -T fields -e frame.time_relative -e data.data 2> /dev/null |
        awk 'substr($2, 7, 2) == "10" { t[n++] = $1 }
             END { if (n > 2) printf "pingpong: steady round trip %.0f us (node 1 pcap, DELIVER frames 2..%d)\n",
                                     (t[n - 1] - t[1]) / (n - 2) * 1e6, n }'
fi
echo "outputs in $NET_DIR"
