#!/usr/bin/env bash
# `nimbus fs` from the command line. Every session in docs/storage.md and
# README.md marked <!-- fs-session --> is run as written and must print
# exactly what the page shows; then the errors and exit statuses: bad
# sizes, a missing image, a corrupted data block and superblock found by
# fsck (exit 1), and a large file stored and read back.
# Usage: fs_cli.sh NIMBUS SOURCE_DIR BINARY_DIR
set -euo pipefail
nimbus="$1"; src="$2"; bin="$3"
work="$bin/fs-cli-test"
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail() { echo "FAIL: $*"; exit 1; }

# A page's sessions: the lines of each fenced block after the marker.
sessions() {
  awk '/<!-- fs-session -->/ {armed = 1; next}
       armed && /^```/ { if (inside) { armed = 0; inside = 0 } else inside = 1; next }
       inside { print }' "$1"
}
run_session() { # page
  local page="$1" want="$work/want" got="$work/got"
  sessions "$src/$page" > "$want"
  [ -s "$want" ] || fail "$page has no fs session"
  rm -f disk.img hello.txt; : > "$got"
  while IFS= read -r line; do
    [ "${line:0:2}" = '$ ' ] || continue
    echo "$line" >> "$got"
    (nimbus() { "$nimbus" "$@"; }; eval "${line:2}") >> "$got" 2>&1 || true
  done < "$want"
  diff -u "$want" "$got" || fail "$page: the session's output differs"
  echo "$page: $(grep -c '^\$ ' "$want") commands print what the page shows"
}
run_session docs/storage.md
run_session README.md

expect() { # status, message, args...
  local want="$1" msg="$2"; shift 2
  local status=0
  "$nimbus" fs "$@" > out 2>&1 || status=$?
  [ "$status" = "$want" ] || fail "nimbus fs $*: status $status, want $want: $(cat out)"
  grep -qF -- "$msg" out || fail "nimbus fs $*: said '$(cat out)', want '$msg'"
}
expect 1 "nimbus fs: big.img: --size 64GiB is larger than the largest store, 32GiB" mkfs big.img --size 64GiB
expect 1 "--size: missing a unit (B, KB, MB, GB, KiB, MiB or GiB), got '1000'" mkfs big.img --size 1000
expect 1 "--size: ambiguous unit \"M\" (write MB for 10^6 bytes or MiB for 2^20 bytes), got '64 M'" mkfs big.img --size "64 M"
expect 1 "--size 100KiB is not a whole number of 4096-byte blocks of at least 64 blocks" mkfs big.img --size 100KiB
expect 1 "mkfs needs --size" mkfs big.img
expect 1 "nimbus fs: none.img: cannot open: No such file or directory" fsck none.img
expect 1 "unknown action 'bogus'" bogus x.img
expect 1 "cat needs IMAGE PATH" cat x.img

"$nimbus" fs mkfs t.img --size 1MiB > /dev/null
expect 2 "nimbus fs: t.img: /a/b: no such file, directory or key (STORE_E_NOT_FOUND)" put t.img /a/b /dev/null
head -c 300000 /dev/urandom > big.bin
"$nimbus" fs put t.img /big big.bin
"$nimbus" fs cat t.img /big | cmp - big.bin || fail "a 300000-byte file came back different"
expect 2 "nimbus fs: t.img: /more: no space left in the store (STORE_E_NO_SPACE)" put t.img /more big.bin
"$nimbus" fs ls t.img /more > /dev/null 2>&1 && fail "a put that failed left /more behind"
"$nimbus" fs rm t.img /big
"$nimbus" fs put t.img /more big.bin
expect 0 "t.img: clean: 2 inodes, 1 entries, 74 extents" fsck t.img

# A flipped byte in the file's first data block: fsck names it, cat refuses.
block=$("$nimbus" fs fsck t.img > /dev/null; python3 - <<'PY'
import struct
img = open("t.img", "rb").read()
big = open("big.bin", "rb").read()
for b in range(len(img) // 4096):
    if img[b * 4096:(b + 1) * 4096] == big[:4096]:
        print(b)
        break
PY
)
[ -n "$block" ] || fail "the first data block is not in the image"
printf '\xff' | dd of=t.img bs=1 seek=$((block * 4096 + 10)) conv=notrunc status=none
expect 1 "t.img: block $block: data block fails its CRC-32 (inode 3)" fsck t.img
[ "$block" = 5 ] || fail "the first data block is $block, docs/storage.md shows block 5"
expect 2 "nimbus fs: t.img: /more: corrupt block $block (STORE_E_CORRUPT)" cat t.img /more
# An image cut short of what its superblock says.
"$nimbus" fs mkfs cut.img --size 1MiB > /dev/null
truncate -s 512KiB cut.img
expect 1 "nimbus fs: cut.img: cannot mount: the superblock says 256 blocks, the file holds 128" fsck cut.img
# Both superblocks flipped: nothing to mount.
printf '\xff' | dd of=t.img bs=1 seek=40 conv=notrunc status=none
printf '\xff' | dd of=t.img bs=1 seek=$((4096 + 40)) conv=notrunc status=none
expect 1 "cannot mount: no valid superblock (blocks 0 and 1 fail their checks)" fsck t.img
echo "fs cli: ok"
