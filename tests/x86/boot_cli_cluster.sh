#!/usr/bin/env bash
# `nimbus boot` runs real clusters to the end of a script:
#   - three nodes; commands typed into two of them come back with the
#     shell's prompt (--exec, --expect), each console is logged;
#   - the token ring over three nodes until every member has exited
#     (--run '*:...', --until-idle), and the frames it sent are in the
#     pcaps (decoded by tshark when it is installed).
#
#   boot_cli_cluster.sh NIMBUS OUT_DIR IMAGE
source "$(dirname "$0")/boot_cli_lib.sh" "$@"
image=${3:?image}
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
command -v qemu-system-x86_64 > /dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }

bc_run shell --nodes 3 --kernel "$image" --out "$BC_OUT/shell" --timeout 60 \
    --exec '0:ps' --exec '2:load' --expect 'nimbus> '
bc_status shell 0
# The prompt may be shown on its own before the command is typed (the
# first --exec waits for the LAN to settle), so the echo is read in the logs.
grep -q "^nimbus> ps$" "$BC_OUT/shell/node0.log" || bc_fail "node0.log lacks the echo of ps"
grep -q "^nimbus> load$" "$BC_OUT/shell/node2.log" || bc_fail "node2.log lacks the echo of load"
bc_has shell out "n0| no processes"
bc_has shell out "n2| load 0.00, 0 processes"
bc_has shell out "nimbus boot: done: every --exec answered, every --expect seen"
for i in 0 1 2; do
    bc_has shell out "nimbus boot: node $i ready"
    grep -q "^cumulonimbus: node $i ready: ip 10\.0\.0\.$((i + 1)) mac 52:54:00:00:00:0$((i + 1)) nodes 3" \
        "$BC_OUT/shell/node$i.log" || bc_fail "node$i.log lacks node $i's ready line"
done
bc_no_temp shell

bc_run ring --nodes 3 --kernel "$image" --out "$BC_OUT/ring" --timeout 60 \
    --run '*:ring:3:3' --until-idle --expect 'lap 3 done'
bc_status ring 0
bc_has ring out "n0| [" # process output carries the simulator's time stamp
for i in 0 1 2; do
    bc_has ring out "n$i.1: ring member n$i.1 exiting after"
    bc_has ring out "n$i| cumulonimbus: node $i idle: every process exited (status 0)"
done
if command -v tshark > /dev/null; then
    for i in 0 1 2; do
        tshark -r "$BC_OUT/ring/node$i.pcap" > "$BC_OUT/ring/node$i.pcap.txt" 2>&1 ||
            bc_fail "tshark cannot read node$i.pcap"
        grep -q "10\.0\.0\.$((i + 1))" "$BC_OUT/ring/node$i.pcap.txt" ||
            bc_fail "node$i.pcap has no frame of 10.0.0.$((i + 1))"
    done
fi
echo "PASS"
