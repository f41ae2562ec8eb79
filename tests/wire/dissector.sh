#!/usr/bin/env bash
# The Wireshark dissector (tools/wireshark/cumulonimbus.lua) on the pcaps of
# real simulator runs: every UDP frame decodes as the cluster protocol (no
# "Data" layer), nothing raises a Lua error or an expert warning, and the
# message types each run must carry are there by name. chatty-8 runs with
# duplication and corruption: the pcap shows frames as they left the sender
# (docs/scenarios.md), so corruption shows as resends, which must carry the
# RETRY flag and the dissector's retransmission note. Malformed frames are
# frames.py's job.
#   dissector.sh <nimbus> <source dir> <build dir>
set -euo pipefail
nimbus=$1 source_dir=$2 out=$3/test-runs/wire
script=$source_dir/tools/wireshark/cumulonimbus.lua
rm -rf "$out"
mkdir -p "$out"

fail()
{
    echo "FAIL: $*" >&2
    exit 1
}

source "$(dirname "$0")/dissect_lib.sh"

run()
{
    local name=$1 scenario=$2
    shift 2
    "$nimbus" run "$scenario" --out "$out/$name" --quiet --no-progress "$@" > /dev/null ||
        fail "nimbus run $scenario $* failed"
}

run pingpong "$source_dir/scenarios/pingpong.json"
check pingpong "$out/pingpong/net.pcap" DELIVER DELIVER_RESULT ACK

run hotspot-16 "$source_dir/scenarios/hotspot-16.json"
check hotspot-16 "$out/hotspot-16/net.pcap" LOAD OFFER ACCEPT RELEASE BEGIN IMAGE CHUNK INSTALLED HANDOVER \
    LOCATION CONSOLE ACK

run precopy-move "$source_dir/tests/wire/precopy-move.json"
check precopy-move "$out/precopy-move/net.pcap" BEGIN PAGE IMAGE CHUNK INSTALLED HANDOVER LOCATION
# The first CHUNK holds the start of the process image, decoded field by field.
image=$(dissect -r "$out/precopy-move/net.pcap" -Y 'cnimbus.migrate.chunk_offset == 0' \
        -T fields -e cnimbus.image.magic -e cnimbus.image.pid -e cnimbus.image.name)
[ "$image" = $'0x434e5049\t0x00000001\tmemtouch' ] || fail "precopy-move: image start decoded as '$image'"

run storage-demo "$source_dir/scenarios/storage-demo.json"
check storage-demo "$out/storage-demo/net.pcap" STOCK_REQ STOCK_REPLY
# A key-value put names its key; the reply to a readdir names the entry.
[ "$(count "$out/storage-demo/net.pcap" 'cnimbus.stock.op == 11 && cnimbus.stock.a == "user/0"')" -eq 1 ] ||
    fail "storage-demo: no kv put of user/0"
[ "$(count "$out/storage-demo/net.pcap" 'cnimbus.stock.reply_op == 7 && cnimbus.stock.name == "log"')" -ge 1 ] ||
    fail "storage-demo: no readdir reply naming log"

run chatty-8 "$source_dir/scenarios/chatty-8.json" --set network.duplicate=0.02 --set network.corrupt=0.02
check chatty-8 "$out/chatty-8/net.pcap" DELIVER DELIVER_RESULT BEGIN CHUNK HANDOVER INSTALLED LOCATION
retry=$(frames_where '$5 == 1')
noted=$(frames_where '$5 == 1 && $4 ~ /Retransmission \(RETRY flag\)/')
[ "$retry" -gt 0 ] || fail "chatty-8 with corruption: no resent (RETRY) frame"
[ "$noted" -eq "$retry" ] || fail "chatty-8: $retry RETRY frames, $noted with the retransmission note"
echo "chatty-8: $retry resent frames, each flagged RETRY with a retransmission note"
