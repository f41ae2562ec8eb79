"""wirelib.py - what the Wireshark dissector tests share: run tshark with
tools/wireshark/cumulonimbus.lua over a pcap and give every frame's
decoded fields as a flat, ordered list (tests/wire/*.py)."""
import json
import subprocess
import sys


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def _pairs(pairs):
    # JSON objects from tshark repeat keys (two expert infos in one tree):
    # keep them all, in order.
    return pairs


def _flatten(node, out):
    """(key, value) for every leaf under node, depth first, in order."""
    for key, value in node:
        if isinstance(value, list) and value and isinstance(value[0], tuple):
            _flatten(value, out)
        elif isinstance(value, list):
            for v in value:
                out.append((key, v))
        else:
            out.append((key, value))


def decode(tshark, script, pcap):
    """One entry per frame: {"protocols": "eth:...:cnimbus", "fields":
    [(name, value), ...] for every field of every layer}. Fails the test if
    tshark fails."""
    run = subprocess.run(
        [tshark, "-X", "lua_script:" + script, "-r", pcap, "-T", "json"],
        capture_output=True, text=True, check=False)
    if run.returncode != 0:
        fail("tshark failed on %s: %s" % (pcap, run.stderr.strip()))
    frames = []
    for packet in json.loads(run.stdout, object_pairs_hook=_pairs):
        layers = dict(dict(packet)["_source"])["layers"]
        fields = []
        _flatten(layers, fields)
        names = dict(fields)
        frames.append({"protocols": names.get("frame.protocols", ""), "fields": fields})
    return frames


def values(frame, name):
    """Every value of field `name` in the frame, in order."""
    return [v for k, v in frame["fields"] if k == name]
