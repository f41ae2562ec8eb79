#!/usr/bin/env python3
"""Seed inputs for fuzz_frame from a run's net.pcap (tests/fuzz/README.md).

Usage: pcap_frames.py NET_PCAP OUT_PREFIX [NODE] [PER_INPUT]

Takes the frames the simulator delivered to NODE (default 7, the node
fuzz_frame's kernel plays; ARP broadcasts included) in capture order and
writes them PER_INPUT (default 8) at a time as fuzz_frame inputs
OUT_PREFIX-0000, OUT_PREFIX-0001, ...: records
of [control 0x02: run the timer, 0 ms] [length (2, big-endian)] [frame].
The frames are real, so their checksums need no repair.
"""
import struct
import sys

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_ARP = 0x0806


def read_frames(path):
    data = open(path, "rb").read()
    magic = data[:4]
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    at = 24
    while at + 16 <= len(data):
        _, _, incl, _ = struct.unpack(order + "IIII", data[at:at + 16])
        at += 16
        yield data[at:at + incl]
        at += incl


def for_node(frame, ipv4):
    if len(frame) < 14:
        return False
    ethertype = struct.unpack(">H", frame[12:14])[0]
    if ethertype == ETHERTYPE_ARP:
        return frame[:6] == b"\xff" * 6
    return ethertype == ETHERTYPE_IPV4 and len(frame) >= 34 and struct.unpack(">I", frame[30:34])[0] == ipv4


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    pcap, out = sys.argv[1], sys.argv[2]
    node = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    per_input = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    frames = list(read_frames(pcap))
    # The base address: the lowest IPv4 source seen is node 0's.
    sources = [struct.unpack(">I", f[26:30])[0] for f in frames
               if len(f) >= 34 and struct.unpack(">H", f[12:14])[0] == ETHERTYPE_IPV4]
    ipv4 = min(sources) + node
    mine = [f for f in frames if for_node(f, ipv4)]
    for i in range(0, len(mine), per_input):
        with open(f"{out}-{i // per_input:04d}", "wb") as f:
            for frame in mine[i:i + per_input]:
                f.write(b"\x02" + struct.pack(">H", len(frame)) + frame)
    print(f"{len(mine)} frames for node {node} in {(len(mine) + per_input - 1) // per_input} inputs")


if __name__ == "__main__":
    main()
