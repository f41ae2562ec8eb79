#!/usr/bin/env bash
# A key-value back end that dies: kvput on a QEMU node puts keys into
# `nimbus kvd` (started by `nimbus boot --kvd`) until the test kills kvd
# with SIGKILL; the put in flight fails with ERR_OUTCOME_UNKNOWN within the
# front end's bound (ABI_STOCK_TIMEOUT_NS, 5 s), never hangs, and the boot
# names kvd's death. Every put kvput reported acked is in the store.
#
#   boot_cli_kvd_kill.sh NIMBUS OUT_DIR IMAGE
source "$(dirname "$0")/boot_cli_lib.sh" "$@"
image=${3:?image}
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
command -v qemu-system-x86_64 > /dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }

db="$BC_OUT/db"
out="$BC_OUT/kill.out"
timeout -k 5 "$BC_LIMIT_S" "$BC_NIMBUS" boot --nodes 1 --kernel "$image" --out "$BC_OUT/run" --kvd "$db" \
    --timeout 60 --run '0:kvput:k:100000:64' --until-idle < /dev/null > "$out" 2> "$BC_OUT/kill.err" &
boot=$!
for _ in $(seq 300); do grep -q "kvput: acked k20$" "$out" && break; sleep 0.1; done
grep -q "kvput: acked k20$" "$out" || { kill -TERM "$boot"; bc_fail "kvput did not get going"; }
nimbus=$(ps -o pid= --ppid "$boot" | xargs) # $boot is timeout's pid
kvd=$(ps -o pid=,args= --ppid "$nimbus" | awk '$3 == "kvd" { print $1 }')
[ -n "$kvd" ] || { kill -TERM "$boot"; bc_fail "no kvd child of nimbus boot"; }
kill -KILL "$kvd"
killed_at=$(date +%s%N)
set +e
wait "$boot"
status=$?
set -e
took_ms=$(( ($(date +%s%N) - killed_at) / 1000000 ))
# The node goes idle with a failed process: the run fails (2), not the
# --timeout (3).
[ "$status" = 2 ] || bc_fail "nimbus boot: exit status $status, wanted 2"
grep -qE "kvput: k[0-9]+: outcome unknown \(-17\)$" "$out" || bc_fail "kvput did not report ERR_OUTCOME_UNKNOWN"
grep -qF "nimbus boot: nimbus kvd (node 1) stopped during the run: was killed by signal 9" "$BC_OUT/kill.err" ||
    bc_fail "the boot did not name kvd's death"
[ "$took_ms" -lt 20000 ] || bc_fail "the run took $took_ms ms to end after kvd died"
# Every acknowledged put is there (the one in flight may be too).
last=$(grep -oE "kvput: acked k[0-9]+$" "$out" | tail -1 | grep -oE "[0-9]+$")
"$BC_NIMBUS" kvd --db "$db" --dump > "$BC_OUT/dump" || bc_fail "nimbus kvd --dump failed"
for i in 0 "$last"; do
    grep -qE "^k$i	64	" "$BC_OUT/dump" || bc_fail "acked key k$i is not in the store"
done
stored=$(wc -l < "$BC_OUT/dump")
[ "$stored" -ge $((last + 1)) ] && [ "$stored" -le $((last + 2)) ] ||
    bc_fail "$stored keys stored, $((last + 1)) acked"
echo "PASS (the run ended $took_ms ms after kvd was killed; $((last + 1)) puts acked, $stored stored)"
