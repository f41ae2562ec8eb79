#!/usr/bin/env python3
"""screen_check.py - read what an x86 node's screen shows, for screen_panel.sh.

  screen_check.py monitor SOCKET COMMAND...   run QEMU monitor commands
  screen_check.py text-fb SCREEN.ppm FONT.c    the framebuffer's text, read
                                              back cell by cell with the font
  screen_check.py text-vga SOCKET              VGA text memory (80x25)
  screen_check.py colours SCREEN.ppm          the title row is blue, the
                                              panel has text, the console's
                                              background is black

Text comes out one screen row per line; code page 437 bytes outside ASCII
print as '-' (0xC4, the divider), '#' (0xDB, a full bar cell), '.' (0xB0,
an empty bar cell) or '?'.
"""
import re
import socket
import sys

CELL_H = 16
SPECIAL = {0xC4: '-', 0xDB: '#', 0xB0: '.'}


def show(byte):
    if 0x20 <= byte < 0x7F:
        return chr(byte)
    return SPECIAL.get(byte, '?')


def monitor(path, commands):
    """Run each command at the QEMU monitor; return their outputs."""
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(10)
    sock.connect(path)

    def until_prompt():
        data = b''
        while not data.endswith(b'(qemu) '):
            chunk = sock.recv(65536)
            if not chunk:
                raise SystemExit('monitor closed the connection')
            data += chunk
        return data.decode('latin-1')

    until_prompt()
    outputs = []
    for command in commands:
        sock.sendall(command.encode() + b'\n')
        outputs.append(until_prompt())
    sock.close()
    return outputs


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    fields = data.split(maxsplit=4)
    if fields[0] != b'P6' or fields[3] != b'255':
        raise SystemExit(f'{path}: not an 8-bit binary PPM')
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4]
    if len(pixels) < width * height * 3:
        raise SystemExit(f'{path}: truncated')
    return width, height, pixels


def read_font(path):
    """Glyph rows -> byte, from the generated font_8x16.c (first byte wins,
    so a pattern several bytes share reads as the lowest)."""
    glyphs = {}
    with open(path) as f:
        for m in re.finditer(r'/\* ([0-9A-F]{2}) \*/ \{([^}]*)\}', f.read()):
            rows = tuple(int(v, 16) for v in m.group(2).split(','))
            byte = int(m.group(1), 16)
            if rows not in glyphs or (0x20 <= byte < 0x7F and not 0x20 <= glyphs[rows] < 0x7F):
                glyphs[rows] = byte
    if len(glyphs) < 90:
        raise SystemExit(f'{path}: no font found')
    return glyphs


def text_fb(ppm, font_c):
    width, height, px = read_ppm(ppm)
    glyphs = read_font(font_c)
    lines = []
    for row in range(height // CELL_H):
        line = ''
        for col in range(width // 8):
            def colour(x, y):
                i = ((row * CELL_H + y) * width + col * 8 + x) * 3
                return px[i:i + 3]
            background = colour(0, 0)  # glyphs leave their top-left pixel blank
            rows = tuple(sum(0x80 >> x for x in range(8) if colour(x, y) != background)
                         for y in range(CELL_H))
            byte = glyphs.get(rows)
            if byte is None:
                byte = glyphs.get(tuple(r ^ 0xFF for r in rows))
            line += show(byte) if byte is not None else '?'
        lines.append(line.rstrip())
    print('\n'.join(lines))


def text_vga(sock):
    out = monitor(sock, ['xp /2000hx 0xb8000'])[0]
    words = [int(w, 16) for w in re.findall(r'0x([0-9a-f]{4})\b', out.split('\n', 1)[1])]
    if len(words) < 2000:
        raise SystemExit(f'read {len(words)} of 2000 VGA cells')
    for row in range(25):
        print(''.join(show(w & 0xFF) for w in words[row * 80:row * 80 + 80]).rstrip())


def colours(ppm):
    width, height, px = read_ppm(ppm)

    def share(y0, y1, test):
        hits = total = 0
        for y in range(y0, y1):
            for x in range(width):
                i = (y * width + x) * 3
                hits += test(px[i], px[i + 1], px[i + 2])
                total += 1
        return hits / total

    blue = share(0, CELL_H, lambda r, g, b: b >= 0x80 and r < 0x40 and g < 0x40)
    black = share(9 * CELL_H, height, lambda r, g, b: r + g + b < 0x30)
    ink = share(CELL_H, 8 * CELL_H, lambda r, g, b: r + g + b > 0x180)
    print(f'title row blue {blue:.0%}, console background black {black:.0%}, panel ink {ink:.1%}')
    problems = []
    if blue < 0.6:
        problems.append('the title row is not blue')
    if black < 0.75:
        problems.append('the console background is not black')
    if ink < 0.01:
        problems.append('the panel rows have no text')
    if problems:
        raise SystemExit('; '.join(problems))


def main(argv):
    if len(argv) >= 3 and argv[1] == 'monitor':
        for out in monitor(argv[2], argv[3:]):
            print(out)
    elif len(argv) == 4 and argv[1] == 'text-fb':
        text_fb(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == 'text-vga':
        text_vga(argv[2])
    elif len(argv) == 3 and argv[1] == 'colours':
        colours(argv[2])
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
