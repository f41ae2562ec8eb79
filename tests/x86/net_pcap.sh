#!/usr/bin/env bash
# The frames of two x86 nodes running pingpong, as QEMU's filter-dump saw
# them, decode in tshark exactly as the simulator's pcap of the same
# exchange (scenarios/pingpong.json): the same protocol stacks, the same
# ARP, IPv4 and UDP header fields, the same cluster header magic, version
# and message types, payload lengths that match the cluster header, good
# IP and UDP checksums, nothing malformed. MAC addresses and times differ
# by design and are left out.
#   net_pcap.sh <cumulonimbus.elf> <build dir> <nimbus> <source dir>
source "$(dirname "$0")/net_lib.sh"
NIMBUS=$3
SOURCE_DIR=$4

net_setup net_pcap "$1" "$2"
net_need tshark

# The simulator's side: the scenario the x86 nodes replay below.
"$NIMBUS" run "$SOURCE_DIR/scenarios/pingpong.json" --out "$NET_DIR/sim" --quiet > /dev/null
read -r server_args client_args < <(sed -n 's/.*"args": \[\(.*\)\].*/\1/p' \
    "$SOURCE_DIR/scenarios/pingpong.json" | tr -d '" ' | tr ',' ':' | paste -sd ' ')
[ -n "$client_args" ] || net_fail "could not read the spawn arguments from pingpong.json"

net_lan_dgram 2
net_start_node 0 2 "run=pingpong:$server_args exit=idle"
net_wait 0 '^cumulonimbus: node 0 ready' 20
net_start_node 1 2 "run=pingpong:$client_args exit=idle"
net_expect_clean_exit 1 60
net_expect_clean_exit 0 10

# One tshark pass per pcap: per frame its link type, length, malformed
# flag and IP and UDP checksum status (1: good), then the fields that show
# how it decodes.
decode()
{
    tshark -r "$1" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -T fields -E separator='|' -E occurrence=f \
        -e frame.encap_type -e frame.len -e _ws.malformed -e ip.checksum.status -e udp.checksum.status \
        -e frame.protocols -e eth.type \
        -e arp.hw.type -e arp.proto.type -e arp.hw.size -e arp.proto.size -e arp.opcode \
        -e ip.version -e ip.hdr_len -e ip.dsfield -e ip.flags -e ip.frag_offset -e ip.ttl \
        -e ip.proto -e ip.src -e ip.dst -e udp.srcport -e udp.dstport -e data.data 2> /dev/null
}

# Checks every frame of one pcap (Ethernet, at least the 60-byte minimum,
# not malformed, no bad checksum) and prints one line per distinct way a
# frame decodes, MACs and times left out. The cluster header is the UDP
# payload (tshark shows it as data): its magic and version (bytes 0..2),
# type (byte 3), and whether its payload length (bytes 24..25) is the rest.
check_and_sign()
{
    decode "$1" | awk -F'|' -v pcap="$1" '
        function hex(s,  i, v) {
            v = 0
            for (i = 1; i <= length(s); i++)
                v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v
        }
        $1 != 1 || $2 < 60 || $3 != "" || $4 == "0" || $5 == "0" {
            printf "%s: frame %d: link type %s, %s bytes, malformed \"%s\", checksums ip %s udp %s\n",
                   pcap, NR, $1, $2, $3, $4, $5 > "/dev/stderr"
            bad++
        }
        {
            d = $NF
            if (d ~ /^[0-9a-f]+$/ && length(d) >= 64)
                $NF = "cluster " substr(d, 1, 6) " type " hex(substr(d, 7, 2)) " " \
                      (hex(substr(d, 49, 4)) * 2 + 64 == length(d) ? "length-ok" : "length-BAD")
            line = $6
            for (i = 7; i <= NF; i++)
                line = line " " $i
            print line
        }
        END { if (NR == 0 || bad) exit 1 }' | sort -u
}

sim_pcap=$NET_DIR/sim/net.pcap
check_and_sign "$sim_pcap" > "$NET_DIR/sim.decode" || net_fail "$sim_pcap: empty or bad frames"
# Node 0's capture holds every frame of this two-node LAN, both ways.
check_and_sign "$NET_DIR/n0.pcap" > "$NET_DIR/n0.decode" || net_fail "$NET_DIR/n0.pcap: empty or bad frames"
diff -u "$NET_DIR/sim.decode" "$NET_DIR/n0.decode" ||
    net_fail "node 0's frames decode differently from the simulator's (- simulator, + QEMU)"
echo "x86 frames ($(grep -c . "$NET_DIR/n0.decode") kinds) decode as the simulator's:"
cat "$NET_DIR/sim.decode"
