#!/usr/bin/env bash
# The README's migration on QEMU, run several times: `nimbus boot`'s LAN
# drops no frame (docs/x86.md, "The LAN"). Each run must finish (exit 0)
# and end with "LAN: N frames, 0 dropped"; the freeze times and frame
# counts of all runs are printed first, so the script also measures:
#
#   boot_cli_lan.sh NIMBUS OUT_DIR IMAGE [RUNS]
#
# RUNS defaults to 3, or 20 with NIMBUS_SLOW_TESTS=1.
source "$(dirname "$0")/boot_cli_lib.sh" "$@"
image=${3:?image}
runs=${4:-$([ "${NIMBUS_SLOW_TESTS:-0}" = 1 ] && echo 20 || echo 3)}
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
command -v qemu-system-x86_64 > /dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }

failed=()
for r in $(seq 1 "$runs"); do
    bc_run "run$r" --nodes 2 --kernel "$image" --out "$BC_OUT/run$r" \
        --exec '0:spawn worker 20000' --exec '0:migrate n0.1 1' \
        --expect 'arrived from node 0' --expect 'checksum' --timeout 60
    [ "$BC_STATUS" = 0 ] || failed+=("run $r: exit status $BC_STATUS")
    grep -q '^nimbus boot: stopped 2 nodes; LAN: [0-9]* frames, 0 dropped;' "$BC_OUT/run$r.out" ||
        failed+=("run $r: $(grep -o 'LAN: [^;]*' "$BC_OUT/run$r.out" | tail -n 1)")
done

# One line a run, then the summary: freeze (us) and frames over the runs.
for r in $(seq 1 "$runs"); do
    echo "run $r: freeze $(sed -n 's/.*migrated n0\.1 to node 1 ([0-9]* bytes, freeze \([0-9]*\) us).*/\1/p' \
        "$BC_OUT/run$r.out") us, $(grep -o 'LAN: [^;]*' "$BC_OUT/run$r.out" | tail -n 1)"
done | tee "$BC_OUT/runs.txt"
freeze=$(awk '{ print $4 }' "$BC_OUT/runs.txt" | sort -n)
frames=$(awk '{ print $7 }' "$BC_OUT/runs.txt" | sort -n)
echo "$runs runs: freeze min/median/max $(echo "$freeze" | head -n 1)/$(echo "$freeze" |
    sed -n "$(((runs + 1) / 2))p")/$(echo "$freeze" | tail -n 1) us;" \
    "frames $(echo "$frames" | head -n 1)-$(echo "$frames" | tail -n 1);" \
    "dropped $(awk '{ d += $9 } END { print d }' "$BC_OUT/runs.txt")"

[ ${#failed[@]} -eq 0 ] || bc_fail "$(printf '%s; ' "${failed[@]}")"
echo "PASS"
