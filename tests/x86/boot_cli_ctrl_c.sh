#!/usr/bin/env bash
# Ctrl-C and SIGTERM on `nimbus boot`: once every node is ready, SIGINT
# stops a 3-node cluster (exit 130) and SIGTERM a 1-node one (exit 143);
# no QEMU it started survives, its socket directory is gone, and each
# node's console log and pcap are where it said.
#
#   boot_cli_ctrl_c.sh NIMBUS OUT_DIR IMAGE
source "$(dirname "$0")/boot_cli_lib.sh" "$@"
image=${3:?image}
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
command -v qemu-system-x86_64 > /dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }

# stop NAME NODES SIGNAL STATUS: start a cluster, wait for its ready lines,
# send SIGNAL, check it ended with STATUS and cleaned up.
stop()
{
    local name=$1 nodes=$2 sig=$3 want=$4
    "$BC_NIMBUS" boot --nodes "$nodes" --kernel "$image" --out "$BC_OUT/$name" \
        < /dev/null > "$BC_OUT/$name.out" 2> "$BC_OUT/$name.err" &
    local pid=$! ready=0
    for _ in $(seq 1 300); do # 30 s
        ready=$(grep -c '^nimbus boot: node [0-9]* ready' "$BC_OUT/$name.out" || true)
        [ "$ready" -lt "$nodes" ] || break
        kill -0 "$pid" 2> /dev/null || bc_fail "$name: nimbus ended before the nodes were ready"
        sleep 0.1
    done
    [ "$ready" -eq "$nodes" ] || { kill -KILL "$pid"; bc_fail "$name: $ready of $nodes nodes ready after 30 s"; }
    local children
    children=$(pgrep -P "$pid" || true)
    [ "$(echo "$children" | grep -c .)" -eq "$nodes" ] || bc_fail "$name: nimbus has children '$children'"
    kill "-$sig" "$pid"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq "$want" ] || bc_fail "$name: exit status $status after SIG$sig, wanted $want"
    # shellcheck disable=SC2086 # one pid a word
    bc_gone $children
    bc_no_temp "$name"
    bc_has "$name" out "stopping every node"
    bc_has "$name" out "nimbus boot: stopped $nodes node"
    local i
    for i in $(seq 0 $((nodes - 1))); do
        grep -q "^cumulonimbus: node $i ready" "$BC_OUT/$name/node$i.log" || bc_fail "$name: node$i.log lacks the ready line"
        [ -s "$BC_OUT/$name/node$i.pcap" ] || bc_fail "$name: node$i.pcap is missing or empty"
    done
}

stop int 3 INT 130
stop term 1 TERM 143
echo "PASS"
