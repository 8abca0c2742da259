#!/usr/bin/env python3
"""gen.py - writes the handwriting test strokes (tests/data/strokes/*.txt).

The skeletons below are hand-authored: each stroke of each character in the
standard stroke order, as a few key points on a 400x400 pad. gen.py walks
each skeleton like a finger would (a point every 4-7 px, uneven speed) and
adds a slow, small wobble, deterministic per character. Real recordings from
the kiosk pad can be dropped in beside them in the same format:

    # 十
    x,y x,y x,y ...      <- one stroke per line, in drawing order
"""
import math
import os
import random

SKELETONS = {
    "一": [[(80, 205), (200, 198), (320, 195)]],
    "十": [[(70, 190), (330, 185)],
           [(200, 60), (200, 345)]],
    "口": [[(110, 120), (115, 300)],
           [(110, 120), (290, 115), (285, 300)],
           [(115, 295), (285, 295)]],
    "人": [[(200, 70), (190, 170), (150, 260), (80, 330)],
           [(195, 165), (240, 250), (330, 330)]],
    "大": [[(70, 150), (330, 145)],
           [(200, 60), (195, 170), (150, 270), (80, 340)],
           [(200, 175), (250, 260), (330, 340)]],
    "中": [[(110, 130), (115, 260)],
           [(110, 130), (290, 125), (285, 260)],
           [(115, 255), (285, 255)],
           [(200, 50), (200, 350)]],
    "电": [[(110, 110), (112, 250)],
           [(110, 110), (290, 105), (285, 250)],
           [(112, 178), (287, 178)],
           [(112, 248), (285, 248)],
           [(200, 50), (200, 300), (215, 330), (330, 330), (335, 295)]],
    "车": [[(80, 110), (320, 105)],
           [(185, 55), (110, 215), (300, 205)],
           [(70, 280), (330, 275)],
           [(205, 140), (205, 360)]],
    "水": [[(200, 50), (200, 340), (175, 320)],
           [(80, 150), (160, 145), (70, 290)],
           [(310, 110), (270, 160), (215, 190)],
           [(215, 180), (270, 270), (340, 340)]],
    "梯": [[(40, 130), (150, 125)],
           [(95, 50), (95, 360)],
           [(92, 140), (40, 250)],
           [(100, 160), (140, 200)],
           [(215, 50), (235, 80)],
           [(320, 45), (295, 85)],
           [(185, 110), (330, 108), (325, 165)],
           [(185, 165), (328, 165)],
           [(185, 165), (185, 225), (340, 222), (330, 320), (305, 305)],
           [(255, 225), (215, 300), (175, 340)],
           [(258, 85), (258, 370)]],
    "门": [[(110, 60), (135, 95)],
           [(95, 110), (95, 360)],
           [(150, 90), (310, 88), (308, 340), (280, 320)]],
    "小": [[(200, 50), (200, 330), (175, 310)],
           [(130, 150), (85, 270)],
           [(270, 150), (320, 260)]],
    "山": [[(200, 60), (200, 310)],
           [(90, 140), (90, 320), (310, 318)],
           [(310, 140), (310, 320)]],
    "日": [[(120, 70), (122, 340)],
           [(120, 70), (280, 68), (278, 340)],
           [(122, 200), (278, 200)],
           [(122, 335), (278, 335)]],
    "木": [[(70, 140), (330, 135)],
           [(200, 50), (200, 360)],
           [(195, 150), (80, 300)],
           [(205, 150), (330, 300)]],
    "王": [[(90, 90), (310, 88)],
           [(110, 200), (290, 198)],
           [(200, 90), (200, 320)],
           [(70, 320), (330, 318)]],
}

NAMES = {"一": "yi", "十": "shi", "口": "kou", "人": "ren", "大": "da",
         "中": "zhong", "电": "dian", "车": "che", "水": "shui", "梯": "ti",
         "门": "men", "小": "xiao", "山": "shan", "日": "ri", "木": "mu",
         "王": "wang"}


# The same skeletons in the stroke order the tegaki model seems to have
# learnt (it misses 山 and 水 written in the standard order).
ALT_ORDER = {"shan-alt": ("山", (1, 0, 2)), "shui-alt": ("水", (1, 0, 2, 3))}


def walk(points, rng):
    """Points along the polyline, uneven spacing, slow wobble."""
    out = []
    wx = wy = 0.0
    vx = vy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        t = 0.0
        while t < length:
            f = t / length
            vx = 0.8 * vx + rng.uniform(-0.6, 0.6)
            vy = 0.8 * vy + rng.uniform(-0.6, 0.6)
            wx = max(-3.0, min(3.0, wx + vx))
            wy = max(-3.0, min(3.0, wy + vy))
            p = (round(x0 + (x1 - x0) * f + wx), round(y0 + (y1 - y0) * f + wy))
            if not out or out[-1] != p:
                out.append(p)
            t += rng.uniform(4.0, 7.0)
    end = (round(points[-1][0] + wx), round(points[-1][1] + wy))
    if out[-1] != end:
        out.append(end)
    return out


def write(path, ch, strokes):
    rng = random.Random(ord(ch))
    lines = ["# " + ch]
    for s in strokes:
        lines.append(" ".join("%d,%d" % p for p in walk(s, rng)))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for ch, strokes in SKELETONS.items():
        write(os.path.join(here, NAMES[ch] + ".txt"), ch, strokes)
    for name, (ch, order) in ALT_ORDER.items():
        strokes = [SKELETONS[ch][i] for i in order]
        write(os.path.join(here, name + ".txt"), ch, strokes)


if __name__ == "__main__":
    main()
