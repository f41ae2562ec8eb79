#!/usr/bin/env bash
# The host tools and a QEMU node read and write the same Stockholder
# images: `nimbus fs put` writes a file into an image, a QEMU node
# (`nimbus boot --disk`) copies it and appends an fsynced log beside it,
# and `nimbus fs` then finds the image clean and reads both files back.
#
#   boot_cli_storage.sh NIMBUS OUT_DIR IMAGE
source "$(dirname "$0")/boot_cli_lib.sh" "$@"
image=${3:?image}
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
command -v qemu-system-x86_64 > /dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }

disk="$BC_OUT/st/node0.disk"
mkdir -p "$BC_OUT/st"
"$BC_NIMBUS" fs mkfs "$disk" --size 16MiB > "$BC_OUT/mkfs.out" || bc_fail "nimbus fs mkfs failed"
printf 'hello from the host\n' > "$BC_OUT/hello.txt"
"$BC_NIMBUS" fs put "$disk" /hello.txt "$BC_OUT/hello.txt" || bc_fail "nimbus fs put failed"

bc_run st --nodes 1 --kernel "$image" --out "$BC_OUT/st" --disk 16 --timeout 60 \
    --run '0:fcopy:/hello.txt:/copy.txt' --run '0:logwriter:/log:20:5' --until-idle
bc_status st 0
bc_has st out "fcopy: copied 20 bytes"
bc_has st out "logwriter: durable through record 20"

"$BC_NIMBUS" fs fsck "$disk" > "$BC_OUT/fsck.out" 2>&1 || bc_fail "fsck found problems: $(cat "$BC_OUT/fsck.out")"
[ "$("$BC_NIMBUS" fs cat "$disk" /copy.txt)" = "hello from the host" ] || bc_fail "/copy.txt differs"
"$BC_NIMBUS" fs cat "$disk" /log > "$BC_OUT/log.txt" || bc_fail "cannot read /log"
want=$(for i in $(seq 1 20); do printf 'rec %06d\n' "$i"; done)
[ "$(cat "$BC_OUT/log.txt")" = "$want" ] || bc_fail "/log is not records 1..20: $(head -c 300 "$BC_OUT/log.txt")"
echo "PASS"
