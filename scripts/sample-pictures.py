#!/usr/bin/env python3
"""sample-pictures.py - write demo pictures and a content file that uses them.

Usage: scripts/sample-pictures.py OUTDIR

Writes into OUTDIR: stamp.png (a scanned A4 notice with a red stamp, 1240 x
1754), lamp-before.png and lamp-after.png (a car-park lamp, 800 x 600), and
content.json (assets/content/sample.json with those pictures on its first
notice and first board item, hashes and sizes filled in), so that
`kioskctl import OUTDIR/content.json` takes the pictures from beside it.
Pure Python (zlib): no imaging library needed.
"""
import hashlib
import json
import math
import os
import struct
import sys
import zlib


def png(path, w, h, pixel):
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            rows.extend(pixel(x, y))
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def notice(x, y):
    w, h = 1240, 1754
    # a red stamp ring, lower right
    d = math.hypot(x - 930, y - 1380)
    if 150 < d < 172 or (abs(x - 930) < 60 and abs(y - 1380) < 60 and (x // 6 + y // 6) % 3 == 0):
        return (200, 30, 30)
    # the title: a bold band of blocks
    if 170 < y < 250 and 300 < x < 940 and (x - 300) % 80 < 68:
        return (25, 25, 25)
    # body lines with word gaps
    if 380 < y < 1250 and (y - 380) % 70 < 30 and 140 < x < 1100:
        if ((x - 140) // 44 + (y - 380) // 70 * 3) % 9 != 0:
            return (60, 60, 60)
    # paper, slightly warm with scanner noise
    n = (x * 7 + y * 13) % 11
    return (246 - n, 244 - n, 236 - n)


def lamp(lit):
    def px(x, y):
        d = math.hypot(x - 400, y - 220)
        if d < 70:
            return (255, 244, 190) if lit else (70, 70, 75)
        if lit and d < 260:
            g = int(200 - d * 0.5)
            return (g + 40, g + 35, g)
        if abs(x - 400) < 12 and y > 280:
            return (90, 90, 95)
        return (120, 118, 110) if y > 500 else ((60, 62, 70) if lit else (30, 32, 38))
    return px


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "assets", "content", "sample.json"), encoding="utf-8") as f:
        doc = json.load(f)
    hs = png(os.path.join(out, "stamp.png"), 1240, 1754, notice)
    hb = png(os.path.join(out, "lamp-before.png"), 800, 600, lamp(False))
    ha = png(os.path.join(out, "lamp-after.png"), 800, 600, lamp(True))
    base = "https://office.example/media/"
    doc["notices"][0]["images"] = [{
        "url": base + "stamp.png", "sha256": hs, "width": 1240, "height": 1754,
        "alt": {"zh": "盖章的通知原件", "en": "The stamped paper notice"}}]
    if doc.get("board"):
        doc["board"][0]["images"] = [
            {"url": base + "lamp-before.png", "sha256": hb, "width": 800, "height": 600,
             "role": "before", "alt": {"zh": "修理前：灯不亮", "en": "Before: the lamp was out"}},
            {"url": base + "lamp-after.png", "sha256": ha, "width": 800, "height": 600,
             "role": "after", "alt": {"zh": "修理后：灯亮了", "en": "After: the lamp works"}}]
    with open(os.path.join(out, "content.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
    print(doc["notices"][0]["id"])


if __name__ == "__main__":
    main()
