#!/usr/bin/env bash
# The key-value back end on the host: `nimbus boot --kvd DB` starts
# `nimbus kvd` as node 1 of the LAN and gives node 0 kv=1; kvput and
# kvbench on the QEMU node put their keys there; after the run
# `nimbus kvd --dump` lists exactly those keys and values, --get returns
# one as it is, and a second boot (node 0 now with a disk of its own, whose
# key-value calls still go to kvd) reads them back with stockcheck. Also:
# the errors for a locked and a bad database directory.
#
#   boot_cli_kvd.sh NIMBUS OUT_DIR IMAGE
source "$(dirname "$0")/boot_cli_lib.sh" "$@"
image=${3:?image}
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
command -v qemu-system-x86_64 > /dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }
command -v python3 > /dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

db="$BC_OUT/db"
bc_run put --nodes 1 --kernel "$image" --out "$BC_OUT/put" --kvd "$db" --timeout 60 \
    --run '0:kvput:k:8:40' --run '0:kvbench:2:4:16' --until-idle
bc_status put 0
bc_has put out "nimbus boot: kvd node 1 of 2 up: "
bc_has put out "n0| cumulonimbus: node 0 ready: ip 10.0.0.1 mac 52:54:00:00:00:01 nodes 2,"
bc_has put out "kvput: acked k7"
bc_has put out "kvbench: 2 clients, 8 puts of 16 bytes in "
bc_has put out "nimbus boot: kvd stopped (SIGTERM): "

# What kvput writes: value i of PREFIX has byte j = (i * 7 + j) & 0xff;
# --dump escapes bytes outside printable ASCII, and backslash.
python3 - "$BC_OUT/want.dump" <<'PY'
import sys
def esc(b):
    return "".join("\\\\" if c == 0x5c else chr(c) if 0x20 <= c < 0x7f else "\\x%02x" % c for c in b)
rows = [("k%d" % i, 40) for i in range(8)] + [("c%d/%d" % (c, i), 16) for c in range(2) for i in range(4)]
lines = []
for key, size in rows:
    i = int(key.split("/")[-1][1:] if key.startswith("k") else key.split("/")[1])
    value = bytes((i * 7 + j) & 0xff for j in range(size))
    lines.append((key.encode(), "%s\t%d\t%s\n" % (key, size, esc(value))))
with open(sys.argv[1], "w") as f:
    f.write("".join(line for _, line in sorted(lines)))
PY
"$BC_NIMBUS" kvd --db "$db" --dump > "$BC_OUT/got.dump" || bc_fail "nimbus kvd --dump failed"
diff "$BC_OUT/want.dump" "$BC_OUT/got.dump" > "$BC_OUT/dump.diff" ||
    bc_fail "the dump differs from what was put: $(head -c 600 "$BC_OUT/dump.diff")"
"$BC_NIMBUS" kvd --db "$db" --get c1/3 > "$BC_OUT/c1_3.bin" || bc_fail "nimbus kvd --get failed"
[ "$(od -An -tu1 "$BC_OUT/c1_3.bin" | xargs)" = "$(seq 21 36 | xargs)" ] || bc_fail "--get c1/3 is not bytes 21..36"
set +e
"$BC_NIMBUS" kvd --db "$db" --get nosuch > /dev/null 2> "$BC_OUT/get.err"
status=$?
set -e
[ "$status" = 2 ] && grep -qxF "nimbus kvd: $db: nosuch: no such key" "$BC_OUT/get.err" ||
    bc_fail "--get of a missing key: status $status, $(cat "$BC_OUT/get.err")"

# The second boot reads them back; node 0 has a disk now, and kv=1 still
# sends its key-value calls to kvd.
bc_run check --nodes 1 --kernel "$image" --out "$BC_OUT/check" --kvd "$db" --disk 16 --timeout 60 \
    --run '0:stockcheck:/nolog:k:40' --until-idle
bc_status check 0
bc_has check out "nimbus boot: kvd node 1 of 2 up: "
bc_has check out "(16 keys)"
bc_has check out "stockcheck: log records 1..0 intact, kv keys k0..7 intact"
bc_has check out "stockcheck: ok"

# A database another kvd serves, and one that is not LMDB's: the boot
# stops before any QEMU starts, with kvd's one-line reason.
"$BC_NIMBUS" kvd --db "$db" --node 1 --port "$BC_OUT/holder.sock" --peer "$BC_OUT/nobody.sock" \
    > "$BC_OUT/holder.out" 2>&1 &
holder=$!
for _ in $(seq 100); do grep -q " up: " "$BC_OUT/holder.out" && break; sleep 0.1; done
grep -q " up: " "$BC_OUT/holder.out" || bc_fail "the standalone kvd did not come up: $(cat "$BC_OUT/holder.out")"
bc_run locked --nodes 1 --kernel "$image" --out "$BC_OUT/locked" --kvd "$db" --timeout 30 --until-idle
kill -TERM "$holder"
wait "$holder" || bc_fail "the standalone kvd did not stop cleanly on SIGTERM"
grep -qF "nimbus kvd: stopped (SIGTERM): 0 commits for 0 requests, 0 us a commit; 0 frames dropped" "$BC_OUT/holder.out" ||
    bc_fail "the standalone kvd's last line: $(tail -1 "$BC_OUT/holder.out")"
bc_status locked 2
bc_has locked err "nimbus boot: nimbus kvd (node 1) did not start: status 2; it said: nimbus kvd: $db: in use by another nimbus kvd (kvd.lock is locked)"
[ ! -e "$BC_OUT/locked/node0.log" ] || ! grep -q "ready" "$BC_OUT/locked/node0.log" ||
    bc_fail "a node booted although kvd could not start"

mkdir -p "$BC_OUT/bad"
printf 'not an LMDB file, but long enough to be read as one: %0200d\n' 0 > "$BC_OUT/bad/data.mdb"
bc_run bad --nodes 1 --kernel "$image" --out "$BC_OUT/badrun" --kvd "$BC_OUT/bad" --timeout 30 --until-idle
bc_status bad 2
bc_has bad err "it said: nimbus kvd: $BC_OUT/bad: cannot open the LMDB database: "
echo "PASS"
