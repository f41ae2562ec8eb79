#!/usr/bin/env bash
# A rack topology end to end (tests/scenarios/racks-pingpong.json: 3 racks
# of 3): a ping-pong between racks completes; the run is deterministic
# (two runs, byte-identical outputs); each net-rack<R>.pcap holds only its
# rack's broadcasts, routed frames arrive with TTL 61 and good checksums;
# with "pcap": "link" the uplink captures hold only routed IPv4.
# Usage: racks_run.sh NIMBUS SOURCE_DIR BUILD_DIR
set -euo pipefail
nimbus="$1"; scenario="$2/tests/scenarios/racks-pingpong.json"; work="$3/test-runs/racks"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work"
"$nimbus" run "$scenario" --out "$work/a" --quiet > /dev/null
"$nimbus" run "$scenario" --out "$work/b" --quiet > /dev/null
grep -q "client: 50 round trips" "$work/a/console.log" || fail "the ping-pong across racks did not finish"
for f in trace.jsonl metrics.json metrics.csv net-rack0.pcap net-rack1.pcap net-rack2.pcap; do
  cmp "$work/a/$f" "$work/b/$f" || fail "$f differs between two runs of one seed"
done
[ ! -e "$work/a/net.pcap" ] || fail "a rack topology writes no net.pcap"
"$nimbus" run "$scenario" --out "$work/c" --quiet --check-determinism | grep -q "deterministic: a second run" \
  || fail "nimbus run --check-determinism does not compare a rack topology's pcaps"

for rack in 0 1 2; do
  pcap="$work/a/net-rack$rack.pcap"
  # Node n has MAC 02:00:00:00:00:n (n < 256); rack R holds nodes 3R..3R+2.
  ours="eth.src == 02:00:00:00:00:0$((3 * rack)) || eth.src == 02:00:00:00:00:0$((3 * rack + 1)) || eth.src == 02:00:00:00:00:0$((3 * rack + 2))"
  bcast=$(tshark -r "$pcap" -Y "eth.dst == ff:ff:ff:ff:ff:ff" | wc -l)
  foreign=$(tshark -r "$pcap" -Y "eth.dst == ff:ff:ff:ff:ff:ff && !($ours)" | wc -l)
  [ "$bcast" -gt 0 ] || fail "rack $rack: no broadcast at all (ARP for the gateway expected)"
  [ "$foreign" -eq 0 ] || fail "rack $rack: $foreign broadcasts from other racks"
  gw=$(tshark -r "$pcap" -Y "arp.opcode == 2 && arp.src.proto_ipv4 == 10.0.$rack.254 && eth.src == 02:00:00:01:00:0$rack" | wc -l)
  [ "$gw" -gt 0 ] || fail "rack $rack: the ToR never answered ARP for 10.0.$rack.254"
  # Frames from another rack's subnet come in through three routers.
  routed=$(tshark -r "$pcap" -Y "ip && !(ip.src == 10.0.$rack.0/24)" | wc -l)
  bad_ttl=$(tshark -r "$pcap" -Y "ip && !(ip.src == 10.0.$rack.0/24) && ip.ttl != 61" | wc -l)
  [ "$routed" -gt 0 ] || fail "rack $rack: no routed frames"
  [ "$bad_ttl" -eq 0 ] || fail "rack $rack: $bad_ttl routed frames without TTL 61"
  bad=$(tshark -r "$pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
          -Y "ip.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\"" | wc -l)
  [ "$bad" -eq 0 ] || fail "rack $rack: $bad frames with bad checksums"
  echo "rack $rack: $bcast broadcasts, all its own; $routed routed frames, TTL 61, checksums good"
done

"$nimbus" run "$scenario" --out "$work/link" --quiet --set topology.pcap=link > /dev/null
cmp "$work/a/net-rack0.pcap" "$work/link/net-rack0.pcap" || fail "\"link\" changed a rack's capture"
for rack in 0 1 2; do
  up="$work/link/net-uplink$rack.pcap"
  total=$(tshark -r "$up" | wc -l)
  other=$(tshark -r "$up" -Y "!(ip && (ip.ttl == 63 || ip.ttl == 62))" | wc -l)
  [ "$total" -gt 0 ] || fail "uplink $rack: empty"
  [ "$other" -eq 0 ] || fail "uplink $rack: $other frames that are not routed IPv4 one or two hops in"
done
echo "racks: deterministic, broadcasts kept in their racks, uplink captures routed IPv4 only"
