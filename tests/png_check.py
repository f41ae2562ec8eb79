#!/usr/bin/env python3
"""png_check.py FILE - print a PNG's "WIDTHxHEIGHT COUNT": its size and how
many pixels differ from the top-left one (the background). For
sweep_plot.sh: a figure must have its size and something drawn on it.
Reads 8-bit truecolour or greyscale, with or without alpha, unpalettized,
non-interlaced PNGs (what gnuplot's pngcairo writes)."""
import struct
import sys
import zlib

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel


def chunks(data):
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        yield kind, data[pos + 8:pos + 8 + length]
        pos += 12 + length


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def rows(raw, width, height, bpp):
    stride = width * bpp
    prev = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up_left = prev[i - bpp] if i >= bpp else 0
            pred = [0, left, prev[i], (left + prev[i]) // 2, paeth(left, prev[i], up_left)][kind]
            line[i] = (line[i] + pred) & 0xFF
        yield line
        prev = line


def main(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(f'{path}: not a PNG')
    idat = b''
    for kind, body in chunks(data):
        if kind == b'IHDR':
            width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or colour not in CHANNELS or interlace:
                sys.exit(f'{path}: depth {depth}, colour type {colour}, interlace {interlace}: not read here')
        elif kind == b'IDAT':
            idat += body
    bpp = CHANNELS[colour]
    raw = zlib.decompress(idat)
    background, drawn = None, 0
    for line in rows(raw, width, height, bpp):
        for x in range(0, len(line), bpp):
            pixel = bytes(line[x:x + bpp])
            background = background or pixel
            drawn += pixel != background
    print(f'{width}x{height} {drawn}')


if __name__ == '__main__':
    main(sys.argv[1])
