#!/usr/bin/env bash
# The simulator's pcap is real Ethernet: tshark decodes every frame as
# ARP or IPv4/UDP (the cluster protocol), with good IP and UDP checksums.
set -euo pipefail
nimbus="$1"; source_dir="$2"; out="$3/test-runs/tshark"
rm -rf "$out"
"$nimbus" run "$source_dir/scenarios/pingpong.json" --out "$out" --quiet > /dev/null
pcap="$out/net.pcap"
total=$(tshark -r "$pcap" | wc -l)
[ "$total" -gt 0 ] || { echo "no frames in $pcap"; exit 1; }
protocols=$(tshark -r "$pcap" -T fields -e frame.protocols | sort | uniq -c)
echo "$protocols"
udp=$(tshark -r "$pcap" -Y "ip && udp.port == 5119" | wc -l)
arp=$(tshark -r "$pcap" -Y "arp" | wc -l)
other=$(tshark -r "$pcap" -Y "!(arp || (ip && udp.port == 5119))" | wc -l)
[ "$udp" -gt 200 ] || { echo "expected the cluster protocol's UDP frames, found $udp"; exit 1; }
[ "$arp" -ge 2 ] || { echo "expected ARP request and reply, found $arp"; exit 1; }
[ "$other" -eq 0 ] || { echo "$other frames are neither ARP nor cluster UDP"; exit 1; }
bad=$(tshark -r "$pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -Y "ip.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\"" | wc -l)
[ "$bad" -eq 0 ] || { echo "$bad frames with bad checksums"; exit 1; }
echo "tshark: $total frames ($udp cluster UDP, $arp ARP), checksums good"
