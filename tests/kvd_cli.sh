#!/usr/bin/env bash
# `nimbus kvd` without QEMU: usage errors and exit statuses, a database
# that cannot be opened, a socket that cannot be bound; then a standalone
# kvd answers an ARP request for its address on its socket (the real
# core's network stack behind it), stops on SIGTERM with its closing line
# and removes its socket.
# Usage: kvd_cli.sh NIMBUS BINARY_DIR
set -euo pipefail
nimbus="$1"; bin="$2"
work="$bin/kvd-cli-test"
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail() { echo "FAIL: $*"; exit 1; }

expect() { # status stderr-line command...
  local want_status=$1 want_err=$2 status=0
  shift 2
  "$@" > out 2> err || status=$?
  [ "$status" = "$want_status" ] || fail "$*: exit status $status, wanted $want_status ($(cat err))"
  grep -qxF -- "$want_err" err || fail "$*: stderr lacks '$want_err': $(cat err)"
}

expect 1 "nimbus kvd: --db DIR is required" "$nimbus" kvd --dump
expect 1 "nimbus kvd: serving needs --node, --port and --peer (or give --dump or --get)" "$nimbus" kvd --db db
expect 1 "nimbus kvd: --node 3 is outside the cluster of --nodes 2" \
  "$nimbus" kvd --db db --node 3 --nodes 2 --port p --peer q
expect 1 "nimbus kvd: --node x: not a node id from 0 to 1022" "$nimbus" kvd --db db --node x --port p --peer q
expect 1 "nimbus kvd: --dump and --get exclude each other" "$nimbus" kvd --db db --dump --get k
expect 2 "nimbus kvd: missing: no such database directory" "$nimbus" kvd --db missing --dump
expect 2 "nimbus kvd: cannot bind the LAN socket nodir/kvd.sock: No such file or directory" \
  "$nimbus" kvd --db db --node 1 --port nodir/kvd.sock --peer lan.sock
"$nimbus" kvd --help | grep -q "^Usage: nimbus kvd --db DIR --node N" || fail "--help"
# The database stayed empty and usable: a dump lists nothing.
"$nimbus" kvd --db db --dump > out || fail "--dump of an empty store"
[ ! -s out ] || fail "an empty store listed: $(cat out)"

# A standalone kvd as node 1; this script is the LAN at lan.sock.
"$nimbus" kvd --db db --node 1 --port kvd.sock --peer lan.sock > kvd.out 2>&1 &
kvd=$!
for _ in $(seq 100); do grep -q " up: " kvd.out && break; sleep 0.1; done
grep -qxF "nimbus kvd: node 1 of 2 up: ip 10.0.0.2, mac 02:6b:76:64:00:01; LMDB store db (0 keys); LAN port kvd.sock, peer lan.sock" kvd.out ||
  { kill -TERM "$kvd"; fail "the up line: $(cat kvd.out)"; }
python3 - <<'PY' || { kill -TERM "$kvd"; fail "no ARP reply from kvd"; }
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("lan.sock")
s.settimeout(5)
me, kvd_mac = bytes.fromhex("525400000001"), bytes.fromhex("026b76640001")
arp = bytes.fromhex("0001080006040001") + me + bytes([10, 0, 0, 1]) + bytes(6) + bytes([10, 0, 0, 2])
s.sendto(b"\xff" * 6 + me + b"\x08\x06" + arp, "kvd.sock")
while True:
    f = s.recv(2048)
    # An ARP reply (op 2) to us, from kvd's MAC, saying 10.0.0.2 is at it.
    if f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02":
        assert f[0:6] == me and f[22:28] == kvd_mac and f[28:32] == bytes([10, 0, 0, 2]), f.hex()
        break
PY
kill -TERM "$kvd"
wait "$kvd" || fail "kvd did not exit 0 on SIGTERM"
grep -qxF "nimbus kvd: stopped (SIGTERM): 0 commits for 0 requests, 0 us a commit; 0 frames dropped" kvd.out ||
  fail "the closing line: $(tail -1 kvd.out)"
[ ! -e kvd.sock ] || fail "kvd left its socket behind"
echo PASS
