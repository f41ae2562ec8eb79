#!/usr/bin/env python3
"""normalise.py TSHARK DISSECTOR NODE=PCAP... - the cluster-protocol
content of one exchange, decoded by the dissector, as text that is the
same on every platform that runs the same kernel: the simulator
(`all=net.pcap`, the whole LAN in one file) and QEMU (`0=n0.pcap
1=n1.pcap`, one capture per node's NIC).

Printed: for each direction (node a > node b), in the order sent, every
cluster message with every field the dissector decodes, header and
payload. Normalised, and why:
- MAC addresses, IP identification and timestamps: not printed; they
  belong to the link and the host, not to the cluster protocol (the
  CRC-32 is printed as good or bad, not as its value, which covers the
  epochs);
- epochs: drawn at random on every boot, so each is printed as E<node>
  (0, "not known yet", stays 0);
- the LAN-wide vs per-node split: a node's frames are taken from its own
  capture as it sent them (QEMU's filter-dump also holds the frames it
  received, which are the other node's); directions are printed apart
  because how two independent senders interleave depends on timing;
- resends: a frame with the RETRY flag repeats a message already
  printed, and a pure ACK that echoes a seq already echoed answers such
  a repeat; how many there are depends on the host's timing (QEMU's
  e1000, a loaded machine), so they are counted on stderr, not printed;
- the OPENING flag on a message after seq 1: it says whether the ACK of
  seq 1 had come back when the message was sent, a race between the
  round trip and the sending process being scheduled (a pong can leave
  before or after the ACK of the DELIVER_RESULT ahead of it); it is
  printed for seq 1, where it must be set, and masked on later seqs;
- bulk bytes (an image chunk, a page, a message over 32 bytes): printed
  as their length and CRC-32, so the diff stays readable while any
  difference in them still shows."""
import os
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wirelib  # noqa: E402

EPOCH_FIELDS = {"cnimbus.src_epoch", "cnimbus.dst_epoch", "cnimbus.rst.dst_epoch", "cnimbus.load.epoch"}
# The checksum covers the epochs; the payload's raw bytes are printed as
# the fields decoded from them; the rest repeat what is printed.
NOT_PRINTED = {"cnimbus.checksum", "cnimbus.payload", "cnimbus.magic", "cnimbus.reliable", "cnimbus.flags.opening",
               "cnimbus.flags.retry", "cnimbus.flags.reserved"}
BULK_BYTES = 32
OPENING = 0x0001


def cluster_fields(frame):
    return [(k, v) for k, v in frame["fields"] if k.startswith("cnimbus.")]


def shorten(value):
    """Bytes fields (aa:bb:...) longer than BULK_BYTES: length and CRC-32.
    Text with control characters (console output) stays on one line."""
    if value.count(":") + 1 <= BULK_BYTES or any(c not in "0123456789abcdef:" for c in value):
        return value.encode("unicode_escape").decode("ascii")
    data = bytes.fromhex(value.replace(":", ""))
    return "<%d bytes, crc32 %08x>" % (len(data), zlib.crc32(data))


def sent_frames(specs, tshark, script):
    """[(node, fields)] of every cluster frame each node sent, in order."""
    sent = []
    for spec in specs:
        node, _, pcap = spec.partition("=")
        for frame in wirelib.decode(tshark, script, pcap):
            fields = cluster_fields(frame)
            src = dict(fields).get("cnimbus.src_node")
            if src is not None and (node == "all" or src == node):
                sent.append((src, fields))
    return sent


def main():
    tshark, script, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    sent = sent_frames(specs, tshark, script)
    epochs = {"0x00000000": "0"}
    for src, fields in sent:
        epochs.setdefault(dict(fields)["cnimbus.src_epoch"], "E" + src)
    directions, echoed, resends = {}, set(), 0
    for src, fields in sent:
        f = dict(fields)
        direction = "node %s > node %s" % (src, f["cnimbus.dst_node"])
        if f.get("cnimbus.flags.retry") == "1":
            resends += 1
            continue
        if f["cnimbus.type"] == "1":  # a pure ACK: its seq echoes the packet acknowledged
            echo = (direction, f["cnimbus.seq"])
            if echo in echoed:
                resends += 1
                continue
            echoed.add(echo)
        if f["cnimbus.seq"] != "1":
            fields = [(k, "0x%04x" % (int(v, 16) & ~OPENING)) if k == "cnimbus.flags" else (k, v) for k, v in fields]
        line = " ".join("%s=%s" % (k[len("cnimbus."):], epochs.get(v, "E?") if k in EPOCH_FIELDS else shorten(v))
                        for k, v in fields if k not in NOT_PRINTED)
        directions.setdefault(direction, []).append(line)
    for direction in sorted(directions):
        print("## " + direction)
        for line in directions[direction]:
            print(line)
    print("%s: %d messages, %d resends and their answers left out" %
          (" ".join(specs), sum(len(v) for v in directions.values()), resends), file=sys.stderr)


main()
