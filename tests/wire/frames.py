#!/usr/bin/env python3
"""frames.py TSHARK DISSECTOR OUT_DIR - the dissector on frames built by
hand, byte by byte from docs/protocol.md:

1. a valid message of every type, each field set to a known value: every
   value must come out of the dissector under its cnimbus.* name, with
   no expert info;
2. malformed messages (short, wrong magic, version, length, CRC, types,
   payload lengths): each must get exactly the expected expert info;
3. every truncation of the valid frames and a fixed-seed run of byte
   changes with the CRC repaired: no Lua error, ever.

Writes OUT_DIR/frames.pcap and OUT_DIR/mutations.pcap."""
import os
import random
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wirelib  # noqa: E402

TSHARK, SCRIPT, OUT = sys.argv[1:4]

EPOCH_A, EPOCH_B = 0x11223344, 0x55667788
PID_SRC, PID_DST = 0x00010002, 0x00000003  # n1.2, n0.3


# ---- building frames ----------------------------------------------------------
def cluster(msg_type, payload=b"", seq=7, ack=5, flags=0, length=None, magic=0x434E, version=1,
            crc=None, src=1, dst=0):
    """A cluster datagram; the length and CRC are right unless given."""
    length = len(payload) if length is None else length
    header = struct.pack(">HBBHHIIIIHHI", magic, version, msg_type, src, dst, EPOCH_A, EPOCH_B, seq, ack,
                         length, flags, 0)
    if crc is None:
        crc = zlib.crc32(header + payload) & 0xFFFFFFFF
    return header[:28] + struct.pack(">I", crc) + payload


def ip_checksum(header):
    total = sum(struct.unpack(">10H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet(datagram, port=5119):
    """Ethernet II, IPv4 and UDP (`port` both ends, no UDP checksum)
    around a cluster datagram, padded to 60 bytes like every frame sent."""
    udp = struct.pack(">HHHH", port, port, 8 + len(datagram), 0) + datagram
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                     bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
    ip = ip[:10] + struct.pack(">H", ip_checksum(ip)) + ip[12:]
    frame = bytes.fromhex("020000000000020000000001") + b"\x08\x00" + ip + udp
    return frame + bytes(max(0, 60 - len(frame)))


def write_pcap(path, frames):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            out.write(struct.pack("<IIII", i, 0, len(frame), len(frame)))
            out.write(frame)


def be32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def le(fmt, *v):
    return struct.pack("<" + fmt, *v)


def sample(epoch, seq, load, avg):
    return struct.pack(">IIII", epoch, seq, load, avg)


def stock_piece(call, pid, total, offset, body):
    return le("IIII", call, pid, total, offset) + body


STAT_REQ = le("BBHHHIQQ", 10, 0, 0, 4, 0, 0, 0, 0) + b"/log"
STAT_REPLY = le("iQ", 0, 0) + le("QQQII", 2, 220, 1000, 1, 1)
IMAGE_START = (struct.pack(">IHHIIIQQBBBBI", 0x434E5049, 3, 0, 9000, PID_SRC, 0x00010000, 123456,
                           0xFFFFFFFFFFFFFFFF, 0, 0, 0, 0, 0x10FC4) + bytes(124) + be32(2) + b"\x06worker")

# (name, datagram, {field: value} that must all be decoded)
VALID = [
    ("ACK", cluster(1, seq=9, ack=8), {"cnimbus.type": "1", "cnimbus.seq": "9", "cnimbus.ack": "8",
                                       "cnimbus.reliable": "0", "cnimbus.checksum.good": "1"}),
    ("RST", cluster(2, be32(41) + be32(0x99), seq=0),
     {"cnimbus.rst.seq": "41", "cnimbus.rst.dst_epoch": "0x00000099"}),
    ("SKIP", cluster(3, be32(12), seq=10), {"cnimbus.skip.last": "12", "cnimbus.reliable": "1"}),
    ("DELIVER", cluster(16, struct.pack(">IHBBII", 77, 1, 2, 0, PID_SRC, PID_DST) + b"ping 1", flags=3),
     {"cnimbus.deliver.send_id": "77", "cnimbus.deliver.origin": "1", "cnimbus.deliver.hops": "2",
      "cnimbus.deliver.kind": "0", "cnimbus.deliver.src_pid": "0x00010002",
      "cnimbus.deliver.dst_pid": "0x00000003", "cnimbus.deliver.data": "70:69:6e:67:20:31",
      "cnimbus.flags.opening": "1", "cnimbus.flags.retry": "1", "cnimbus.src_node": "1",
      "cnimbus.dst_node": "0", "cnimbus.src_epoch": "0x11223344", "cnimbus.dst_epoch": "0x55667788"}),
    ("DELIVER child exit", cluster(16, struct.pack(">IHBBII", 0, 1, 0, 1, PID_SRC, PID_DST) + be32(PID_SRC)
                                   + be32(-3)),
     {"cnimbus.deliver.kind": "1", "cnimbus.deliver.child_pid": "0x00010002",
      "cnimbus.deliver.child_status": "-3"}),
    ("DELIVER_RESULT", cluster(17, struct.pack(">IIiHI", 77, PID_DST, -6, 4, 3)),
     {"cnimbus.result.send_id": "77", "cnimbus.result.dst_pid": "0x00000003", "cnimbus.result.status": "-6",
      "cnimbus.result.node": "4", "cnimbus.result.moves": "3"}),
    ("WHEREIS", cluster(18, be32(PID_SRC)), {"cnimbus.whereis.pid": "0x00010002"}),
    ("WHERE", cluster(40, struct.pack(">IHII", PID_SRC, 4, 2, PID_DST)),
     {"cnimbus.where.pid": "0x00010002", "cnimbus.where.node": "4", "cnimbus.where.moves": "2",
      "cnimbus.where.parent": "0x00000003"}),
    ("CONSOLE", cluster(19, be32(PID_DST) + b"hello\n"),
     {"cnimbus.console.pid": "0x00000003", "cnimbus.console.text": "hello\n"}),
    ("LOCATION", cluster(20, struct.pack(">IHI", PID_SRC, 0xFFFF, 2)),
     {"cnimbus.location.pid": "0x00010002", "cnimbus.location.node": "65535", "cnimbus.location.moves": "2"}),
    ("PROBE", cluster(21), {"cnimbus.type": "21", "cnimbus.length": "0"}),
    ("STOCK_REQ", cluster(22, stock_piece(5, PID_SRC, len(STAT_REQ), 0, STAT_REQ)),
     {"cnimbus.stock.call_id": "5", "cnimbus.stock.pid": "0x00010002", "cnimbus.stock.total": "32",
      "cnimbus.stock.piece_offset": "0", "cnimbus.stock.op": "10", "cnimbus.stock.a_len": "4",
      "cnimbus.stock.a": "/log"}),
    # The reply goes back to node 1, which made call 5 (a stat): its data
    # is decoded as a struct abi_stat.
    ("STOCK_REPLY", cluster(23, stock_piece(5, PID_SRC, len(STAT_REPLY), 0, STAT_REPLY), src=0, dst=1),
     {"cnimbus.stock.result": "0", "cnimbus.stock.reply_op": "10", "cnimbus.stock.ino": "2",
      "cnimbus.stock.size": "220", "cnimbus.stock.mtime_ns": "1000", "cnimbus.stock.file_type": "1",
      "cnimbus.stock.nlink": "1"}),
    ("STOCK_REPLY piece", cluster(23, stock_piece(6, PID_SRC, 3000, 1424, b"xyz"), src=0, dst=1),
     {"cnimbus.stock.piece_offset": "1424", "cnimbus.stock.piece": "78:79:7a"}),
    ("BEGIN", cluster(24, struct.pack(">IIB", 3, PID_SRC, 1)),
     {"cnimbus.migrate.move_id": "3", "cnimbus.migrate.pid": "0x00010002", "cnimbus.migrate.mode": "1"}),
    ("PAGE", cluster(25, struct.pack(">IIH", 3, 0x10000 | 6, 100) + b"\x01\x02"),
     {"cnimbus.migrate.page_addr": "0x00010000", "cnimbus.migrate.page_perms": "0x00000006",
      "cnimbus.migrate.page_offset": "100", "cnimbus.migrate.data": "01:02"}),
    ("IMAGE", cluster(26, struct.pack(">II", 3, 9000)), {"cnimbus.migrate.image_length": "9000"}),
    ("CHUNK", cluster(27, struct.pack(">II", 3, 0) + IMAGE_START),
     {"cnimbus.migrate.chunk_offset": "0", "cnimbus.image.magic": "0x434e5049", "cnimbus.image.version": "3",
      "cnimbus.image.length": "9000", "cnimbus.image.pid": "0x00010002", "cnimbus.image.parent": "0x00010000",
      "cnimbus.image.insns": "123456", "cnimbus.image.pc": "0x00010fc4", "cnimbus.image.moves": "2",
      "cnimbus.image.name": "worker"}),
    ("INSTALLED", cluster(28, struct.pack(">II", 3, PID_SRC), src=0, dst=1),
     {"cnimbus.migrate.move_id": "3", "cnimbus.migrate.pid": "0x00010002"}),
    ("ABORT", cluster(29, struct.pack(">IIi", 3, PID_SRC, -12), src=0, dst=1),
     {"cnimbus.migrate.error": "-12"}),
    ("CANCEL", cluster(30, struct.pack(">IIi", 3, PID_SRC, -7)), {"cnimbus.migrate.error": "-7"}),
    ("HANDOVER LATE", cluster(31, struct.pack(">IBI", 3, 0, PID_DST) + b"late"),
     {"cnimbus.migrate.handover_kind": "0", "cnimbus.migrate.late_src_pid": "0x00000003",
      "cnimbus.migrate.data": "6c:61:74:65"}),
    ("HANDOVER DONE", cluster(31, struct.pack(">IB", 3, 1)), {"cnimbus.migrate.handover_kind": "1"}),
    ("LOAD", cluster(32, sample(EPOCH_A, 9, 2000, 1500)),
     {"cnimbus.load.epoch": "0x11223344", "cnimbus.load.seq": "9", "cnimbus.load.load_milli": "2000",
      "cnimbus.load.load_avg_milli": "1500"}),
    ("BALANCE_PROBE", cluster(33, be32(4)), {"cnimbus.load.request_id": "4"}),
    ("PROBE_REPLY", cluster(34, be32(4) + sample(EPOCH_A, 1, 0, 0)),
     {"cnimbus.load.request_id": "4", "cnimbus.load.seq": "1"}),
    ("OFFER", cluster(35, struct.pack(">III", 8, PID_SRC, 20688) + sample(EPOCH_A, 2, 3000, 2500)),
     {"cnimbus.load.request_id": "8", "cnimbus.load.pid": "0x00010002", "cnimbus.load.image_bytes": "20688",
      "cnimbus.load.load_milli": "3000"}),
    ("ACCEPT", cluster(36, struct.pack(">II", 8, PID_SRC) + sample(EPOCH_B, 3, 1000, 0)),
     {"cnimbus.load.request_id": "8", "cnimbus.load.epoch": "0x55667788"}),
    ("RELEASE", cluster(37, struct.pack(">II", 8, PID_SRC)), {"cnimbus.load.pid": "0x00010002"}),
]

# (name, datagram, the cnimbus expert infos it must get, exactly)
PAYLOAD = "cnimbus.bad_payload"
MALFORMED = [
    ("10 bytes", cluster(16)[:10], {"cnimbus.short"}),
    ("wrong magic", cluster(1, magic=0x4E43), {"cnimbus.bad_magic"}),
    ("version 2", cluster(1, version=2), {"cnimbus.bad_version"}),
    ("length says 4 more", cluster(21, length=4), {"cnimbus.bad_length"}),
    ("bad CRC", cluster(21, crc=0x12345678), {"cnimbus.bad_checksum"}),
    ("type 0", cluster(0), {"cnimbus.bad_type"}),
    ("type 5", cluster(5), {"cnimbus.bad_type"}),
    ("type 15", cluster(15), {"cnimbus.bad_type"}),
    ("type 38", cluster(38), {"cnimbus.bad_type"}),
    ("ACK with payload", cluster(1, b"x"), {PAYLOAD}),
    ("RST of 7", cluster(2, bytes(7)), {PAYLOAD}),
    ("SKIP of 3", cluster(3, bytes(3)), {PAYLOAD}),
    ("DELIVER of 15", cluster(16, bytes(15)), {PAYLOAD}),
    ("DELIVER of 1041", cluster(16, bytes(1041)), {PAYLOAD}),
    ("DELIVER kind 2", cluster(16, struct.pack(">IHBBII", 1, 1, 0, 2, 1, 2)), {PAYLOAD}),
    ("child exit of 20", cluster(16, struct.pack(">IHBBII", 0, 1, 0, 1, 1, 2) + bytes(4)), {PAYLOAD}),
    ("DELIVER_RESULT of 17", cluster(17, bytes(17)), {PAYLOAD}),
    ("WHEREIS of 5", cluster(18, bytes(5)), {PAYLOAD}),
    ("WHERE of 10", cluster(40, bytes(10)), {PAYLOAD}),
    ("CONSOLE of 3", cluster(19, bytes(3)), {PAYLOAD}),
    ("LOCATION of 11", cluster(20, bytes(11)), {PAYLOAD}),
    ("PROBE with payload", cluster(21, bytes(1)), {PAYLOAD}),
    ("STOCK_REQ of 16", cluster(22, stock_piece(1, 2, 0, 0, b"")), {PAYLOAD}),
    ("STOCK_REQ first piece of 20", cluster(22, stock_piece(1, 2, 20, 0, bytes(20))), {PAYLOAD}),
    ("STOCK_REQ a past the end", cluster(22, stock_piece(1, 2, 28, 0, le("BBHHHIQQ", 1, 0, 0, 999, 0, 0, 0, 0))),
     {PAYLOAD}),
    ("STOCK_REQ op 15", cluster(22, stock_piece(1, 2, 28, 0, le("BBHHHIQQ", 15, 0, 0, 0, 0, 0, 0, 0))), {PAYLOAD}),
    ("STOCK_REPLY first piece of 8", cluster(23, stock_piece(1, 2, 8, 0, bytes(8))), {PAYLOAD}),
    # Call 9 from node 1 is a readdir (its reply is below).
    ("readdir request", cluster(22, stock_piece(9, 2, 28, 0, le("BBHHHIQQ", 7, 0, 0, 0, 0, 0, 0, 0))), set()),
    ("BEGIN of 8", cluster(24, bytes(8)), {PAYLOAD}),
    ("PAGE of 10", cluster(25, bytes(10)), {PAYLOAD}),
    ("IMAGE of 9", cluster(26, bytes(9)), {PAYLOAD}),
    ("CHUNK of 8", cluster(27, bytes(8)), {PAYLOAD}),
    ("CHUNK 0 with 1 image byte", cluster(27, bytes(8) + b"C"), set()),
    ("INSTALLED of 7", cluster(28, bytes(7)), {PAYLOAD}),
    ("ABORT of 11", cluster(29, bytes(11)), {PAYLOAD}),
    ("CANCEL of 13", cluster(30, bytes(13)), {PAYLOAD}),
    ("HANDOVER of 4", cluster(31, bytes(4)), {PAYLOAD}),
    ("HANDOVER LATE of 8", cluster(31, be32(1) + b"\x00" + bytes(3)), {PAYLOAD}),
    ("HANDOVER DONE of 6", cluster(31, be32(1) + b"\x01" + bytes(1)), {PAYLOAD}),
    ("HANDOVER kind 2", cluster(31, be32(1) + b"\x02" + bytes(4)), {PAYLOAD}),
    ("LOAD of 15", cluster(32, bytes(15)), {PAYLOAD}),
    ("BALANCE_PROBE of 5", cluster(33, bytes(5)), {PAYLOAD}),
    ("PROBE_REPLY of 16", cluster(34, bytes(16)), {PAYLOAD}),
    ("OFFER of 27", cluster(35, bytes(27)), {PAYLOAD}),
    ("ACCEPT of 25", cluster(36, bytes(25)), {PAYLOAD}),
    ("RELEASE of 4", cluster(37, bytes(4)), {PAYLOAD}),
]
# A readdir reply whose name length runs past its data: call 9 above is a readdir.
MALFORMED.append(("readdir reply name past the end",
                  cluster(23, stock_piece(9, 2, 28, 0, le("iQ", 1, 0) + le("QII", 2, 1, 500)), src=0, dst=1),
                  {PAYLOAD}))


def experts(frame):
    """The cnimbus expert infos of a frame (their filter names)."""
    return {k for k, _ in frame["fields"] if k.startswith("cnimbus.") and k in EXPERT_NAMES}


EXPERT_NAMES = {"cnimbus.short", "cnimbus.bad_magic", "cnimbus.bad_version", "cnimbus.bad_length",
                "cnimbus.bad_checksum", "cnimbus.bad_type", "cnimbus.bad_payload", "cnimbus.retransmission"}


def check_common(name, frame):
    """Decoded as the cluster protocol, with no Lua error and no raw data."""
    if not frame["protocols"].endswith(":udp:cnimbus"):
        wirelib.fail("%s: decoded as %s, not as cnimbus" % (name, frame["protocols"]))
    lua_errors = wirelib.values(frame, "_ws.lua.error")
    messages = wirelib.values(frame, "_ws.expert.message")
    if lua_errors or any(m.startswith("Lua Error") for m in messages):
        wirelib.fail("%s: Lua error: %s" % (name, messages))


def check_valid(frames):
    for (name, _, want), frame in zip(VALID, frames):
        check_common(name, frame)
        got = dict(frame["fields"])
        for key, value in want.items():
            if got.get(key) != value:
                wirelib.fail("%s: %s is %r, expected %r" % (name, key, got.get(key), value))
        unexpected = experts(frame) - {"cnimbus.retransmission"}
        if unexpected:
            wirelib.fail("%s: unexpected expert info %s" % (name, sorted(unexpected)))
    names = sorted({v for f in frames for v in wirelib.values(f, "cnimbus.type")}, key=int)
    print("valid: %d frames, every type decoded (%s)" % (len(frames), " ".join(names)))


def check_malformed(frames):
    for (name, _, want), frame in zip(MALFORMED, frames):
        check_common(name, frame)
        got = experts(frame) - {"cnimbus.retransmission"}
        if got != want:
            wirelib.fail("%s: expert info %s, expected %s" % (name, sorted(got), sorted(want)))
    print("malformed: %d frames, each with its expert info" % len(frames))


def check_heuristic():
    """On another UDP port, a datagram that starts like a cluster header is
    taken (the heuristic); one that does not is left alone."""
    path = os.path.join(OUT, "heuristic.pcap")
    write_pcap(path, [ethernet(VALID[3][1], port=6000), ethernet(b"XY" + VALID[3][1][2:], port=6000)])
    ours, other = wirelib.decode(TSHARK, SCRIPT, path)
    check_common("heuristic, port 6000", ours)
    if wirelib.values(ours, "cnimbus.type") != ["16"]:
        wirelib.fail("heuristic: DELIVER on port 6000 decoded as type %s" % wirelib.values(ours, "cnimbus.type"))
    if "cnimbus" in other["protocols"]:
        wirelib.fail("heuristic: a datagram without the magic was taken as cnimbus")
    print("heuristic: a cluster datagram on UDP port 6000 decoded, another datagram left alone")


def mutations():
    """Every truncation of every valid datagram, then byte changes with the
    CRC repaired (so the payload decoders see them), from a fixed seed."""
    rng = random.Random(14)
    out = []
    for _, datagram, _ in VALID:
        out += [datagram[:n] for n in range(1, len(datagram))]
    for _ in range(3000):
        d = bytearray(rng.choice(VALID)[1])
        for _ in range(rng.randint(1, 4)):
            d[rng.randrange(3, len(d))] = rng.randrange(256)
        d[28:32] = struct.pack(">I", zlib.crc32(bytes(d[:28]) + bytes(4) + bytes(d[32:])) & 0xFFFFFFFF)
        out.append(bytes(d))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "frames.pcap")
    write_pcap(path, [ethernet(d) for _, d, _ in VALID + MALFORMED])
    frames = wirelib.decode(TSHARK, SCRIPT, path)
    if len(frames) != len(VALID) + len(MALFORMED):
        wirelib.fail("%s: %d frames decoded, %d written" % (path, len(frames), len(VALID) + len(MALFORMED)))
    check_valid(frames[:len(VALID)])
    check_malformed(frames[len(VALID):])
    check_heuristic()
    mutated = mutations()
    path = os.path.join(OUT, "mutations.pcap")
    write_pcap(path, [ethernet(d) for d in mutated])
    for i, frame in enumerate(wirelib.decode(TSHARK, SCRIPT, path)):
        check_common("mutation %d (%s)" % (i + 1, mutated[i].hex()), frame)
    print("mutations: %d truncated or changed frames, no Lua error" % len(mutated))


main()
