# dissect_lib.sh - sourced by the dissector tests (tests/wire/dissector.sh,
# tests/x86/net_wire.sh): run tshark with tools/wireshark/cumulonimbus.lua
# and check that a pcap decodes completely.
#
# The sourcing script sets `script` (the dissector) and `out` (a directory
# for tshark's files) and may define its own fail().

# tshark with the dissector, without its "running as root" notice.
dissect()
{
    tshark -X "lua_script:$script" "$@" 2> "$out/tshark.err" || fail "tshark $*: $(cat "$out/tshark.err")"
}

# Frames of the last checked pcap that match an awk condition on its
# fields: $1 protocols, $2 Info (the dissector starts it with the type's
# name), $3 expert severities, $4 expert messages, $5 the RETRY flag.
frames_where()
{
    awk -F'\t' "$1" "$out/$name.fields" | wc -l
}

# check NAME PCAP TYPE...: every UDP frame of PCAP decodes as the cluster
# protocol (no "Data" layer), no frame has an expert warning or error (a
# Lua error is one), every message type has a name, and each TYPE is
# there. Prints the count of each type. One tshark pass per pcap (they
# can be large, and the dissector is Lua).
check()
{
    name=$1
    local pcap=$2
    shift 2
    dissect -r "$pcap" -T fields -e frame.protocols -e _ws.col.Info -e _ws.expert.severity \
        -e _ws.expert.message -e cnimbus.flags.retry > "$out/$name.fields"
    local frames undecoded bad
    frames=$(grep -c . "$out/$name.fields")
    [ "$frames" -gt 0 ] || fail "$name: no frames in $pcap"
    undecoded=$(frames_where '$1 ~ /:udp/ && $1 !~ /:udp:cnimbus$/')
    [ "$undecoded" -eq 0 ] || fail "$name: $undecoded UDP frames not decoded as cnimbus (data left)"
    # Lua errors are expert errors too. Severity: 0x600000 warning, 0x800000 error.
    bad=$(awk -F'\t' '{ n = split($3, s, ","); for (i = 1; i <= n; i++) if (s[i] >= 6291456) { print; break } }' \
          "$out/$name.fields")
    [ -z "$bad" ] || fail "$name: frames with expert warnings, errors or Lua errors, the first: $(head -1 <<< "$bad")"
    awk -F'\t' '$1 ~ /:cnimbus$/ { split($2, w, " "); print w[1] }' "$out/$name.fields" |
        sort | uniq -c | sort -k2 > "$out/$name.types"
    if grep -qw type "$out/$name.types"; then
        fail "$name: message types without a name: $(grep -w type "$out/$name.types" | tr -s ' ')"
    fi
    local t
    for t in "$@"; do
        grep -qw "$t" "$out/$name.types" || fail "$name: no $t message in $pcap"
    done
    echo "$name: $frames frames, every cluster frame decoded:" $(awk '{ print $2 "=" $1 }' "$out/$name.types")
}

# Frames of PCAP that match a display FILTER.
count()
{
    dissect -r "$1" -Y "$2" | wc -l
}
