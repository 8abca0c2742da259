#!/bin/sh
# make-fonts.sh - build the bundled Noto Sans CJK SC subsets and copy Material Icons.
#
# Usage: fonts/make-fonts.sh            (from anywhere; writes into fonts/)
# Needs Debian's fonts-noto-cjk, fonts-material-design-icons-iconfont and
# python3-fonttools. Uses /usr/bin/python3 on purpose (the Debian python that
# has fontTools), not whatever python3 is first on PATH.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
py=/usr/bin/python3
noto=/usr/share/fonts/opentype/noto
icons=/usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf
face=2   # index of Noto Sans CJK SC in the .ttc collections (checked below)

for f in "$noto/NotoSansCJK-Regular.ttc" "$noto/NotoSansCJK-Bold.ttc" "$icons"; do
    [ -r "$f" ] || { echo "make-fonts: missing $f (apt install fonts-noto-cjk fonts-material-design-icons-iconfont)" >&2; exit 1; }
done
"$py" -c 'import fontTools' 2>/dev/null || { echo "make-fonts: $py has no fontTools (apt install python3-fonttools)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# 1. Check that face $face really is the SC face of both collections.
"$py" - "$noto/NotoSansCJK-Regular.ttc" "$noto/NotoSansCJK-Bold.ttc" "$face" <<'EOF'
import sys
from fontTools.ttLib import TTFont
for path in sys.argv[1:3]:
    ps = TTFont(path, fontNumber=int(sys.argv[3]), lazy=True)['name'].getDebugName(6)
    if not ps or not ps.startswith('NotoSansCJKsc-'):
        sys.exit('make-fonts: face %s of %s is %r, not NotoSansCJKsc' % (sys.argv[3], path, ps))
EOF

# 2. The code points to keep, one hex value a line.
"$py" - "$repo" > "$tmp/unicodes.txt" <<'EOF'
import sys, glob, os
repo = sys.argv[1]
cps = set()
def span(a, b): cps.update(range(a, b + 1))
span(0x20, 0x7E)        # Basic Latin
span(0xA0, 0xFF)        # Latin-1 Supplement (includes ° ¥ ·)
span(0x2000, 0x206F)    # General Punctuation (includes … ‘’ “” — ‧)
span(0x2190, 0x21FF)    # Arrows
span(0x2460, 0x2469)    # ① .. ⑩
span(0x3000, 0x303F)    # CJK Symbols and Punctuation
span(0xFF00, 0xFFEF)    # Halfwidth and Fullwidth Forms
# (No U+FFFD: Noto Sans CJK has none; broken UTF-8 shows as .notdef boxes.)
# Every character of GB2312: the 6763 hanzi plus its symbols, kana, etc.
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            cps.update(ord(c) for c in bytes([hi, lo]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
# Whatever the shipped sample content and translations use.
for pat in ('assets/**/*.json', 'assets/**/*.ini'):
    for path in glob.glob(os.path.join(repo, pat), recursive=True):
        with open(path, encoding='utf-8') as f:
            cps.update(ord(c) for c in f.read() if ord(c) >= 0x20)
for cp in sorted(cps):
    print('%04X' % cp)
EOF
echo "make-fonts: $(wc -l < "$tmp/unicodes.txt") code points requested"

# 3. Subset Regular and Bold. No hinting (FreeType's autohinter/light hinting
#    does better on CJK anyway), only horizontal layout features (no locl:
#    the SC forms are the defaults, and locl would swap in JP/KR/TC glyphs
#    under another locale and triple the glyph count), license kept
#    in the name table (OFL condition 2).
for w in Regular Bold; do
    "$py" -m fontTools.subset "$noto/NotoSansCJK-$w.ttc" \
        --font-number="$face" \
        --unicodes-file="$tmp/unicodes.txt" \
        --layout-features='kern,ccmp,liga,calt,mark,mkmk' \
        --no-hinting \
        --drop-tables+=vhea,vmtx,VORG,BASE \
        --name-IDs='0,1,2,3,4,5,6,13,14' \
        --name-languages='*' \
        --output-file="$here/NotoSansCJKsc-$w.otf"
done

# 4. Material Icons as shipped by Debian (kept whole).
cp "$icons" "$here/MaterialIcons-Regular.ttf"

ls -l "$here/NotoSansCJKsc-Regular.otf" "$here/NotoSansCJKsc-Bold.otf" "$here/MaterialIcons-Regular.ttf"
