#!/usr/bin/env python3
# png_colored.py: counts the coloured pixels of a PNG (8-bit RGB or RGBA),
# optionally inside a box, for the report render test. A pixel counts when
# its channels differ by more than 40 (a colour, not white, grey or black
# text), so only the timeline's spans and marks are counted.
# usage: png_colored.py FILE [x0 y0 x1 y1]; prints "<count> <width> <height>".
#
# SPDX-License-Identifier: BSD-3-Clause
import struct
import sys
import zlib


def rows(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("not a PNG: " + path)
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise SystemExit("unsupported PNG format")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    out = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        out.append(line)
        prev = line
    return out, width, height, bpp


def main():
    img, w, h, bpp = rows(sys.argv[1])
    x0, y0, x1, y1 = (0, 0, w, h) if len(sys.argv) < 6 else map(int, sys.argv[2:6])
    count = 0
    for y in range(max(0, y0), min(h, y1)):
        line = img[y]
        for x in range(max(0, x0), min(w, x1)):
            r, g, b = line[x * bpp], line[x * bpp + 1], line[x * bpp + 2]
            if max(r, g, b) - min(r, g, b) > 40:
                count += 1
    print(count, w, h)


main()
