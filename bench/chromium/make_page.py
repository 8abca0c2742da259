#!/usr/bin/env python3
"""make_page.py - the kiosk's notices list as one static HTML page, for the
browser comparison in tests/bench.sh (docs/BENCHMARKS.md, section 7).

Usage: bench/chromium/make_page.py CONTENT.json NOW OUT.html [REPO]

CONTENT.json is a content file (assets/content/sample.json), NOW the fixed
clock (2026-12-01T10:00:00+08:00), REPO the repository (default: two levels
up from this file), whose fonts/ and assets/i18n/strings.ini are used.

The page is what app/screen_notices.c draws at 1920x1080 in Chinese: the
header bar (site name, date, time, the A+, contrast and language buttons),
the back / title / home row, the filter chips with "all" chosen, and the
visible notices in the kiosk's order (urgent, then pinned, then newest), each
a card with its category strip, badges, title, the first line of its body
and category + date. Sizes and colours are the kiosk's (include/theme.h,
app/ui.c; 1 dp = 1 px at this size). Plain HTML and inline CSS, no script;
the fonts are the repository's own files through file:// URLs, so the
browser draws the same glyphs. Python standard library only.
"""
import datetime
import html
import json
import pathlib
import sys

LANG = "zh"

# include/theme.h, theme_default
C = {
    "bg": "#F4F1EA", "card": "#FFFFFF", "border": "#D9D3C7", "primary": "#1F4E79",
    "on_primary": "#FFFFFF", "text": "#1E1E1E", "text2": "#595959",
    "urgent": "#C62828", "pinned": "#8A5A10",
}
CAT_COLOUR = {
    "notice": "#1F4E79", "accounts": "#2E7D32", "repairs": "#B34E00",
    "safety": "#C62828", "services": "#6A1B9A",
}
CATS = ["notice", "accounts", "repairs", "safety", "services"]
# Material Icons code points (include/theme.h)
ICON = {
    "home": "\ue88a", "back": "\ue5c4", "translate": "\ue8e2", "warning": "\ue002",
    "pin": "\uf10d", "chevron": "\ue5cc", "contrast": "\ueb37", "text_increase": "\ueae2",
}


def strings(repo):
    """The [zh] section of assets/i18n/strings.ini."""
    out, section = {}, None
    for line in (repo / "assets/i18n/strings.ini").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
        elif section == LANG and "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def ltext(t):
    """A localised text: this language, else the other (content.h's ltext)."""
    if isinstance(t, str):
        return t
    return t.get(LANG) or t.get("en") or t.get("zh") or ""


def when(s):
    return datetime.datetime.fromisoformat(s)


def fmt_date(tr, t, now, weekday):
    """ui_fmt_date in Chinese: 12月1日 星期二; the year only when not this one."""
    t = t.astimezone(now.tzinfo)
    y = "%d年" % t.year if t.year != now.year else ""
    wd = " " + tr["wday.%d" % ((t.weekday() + 1) % 7)] if weekday else ""
    return "%s%d月%d日%s" % (y, t.month, t.day, wd)


def rank(n):
    return (2 if n.get("urgent") else 0) + (1 if n.get("pinned") else 0)


def visible(content, now):
    """sched_notices: published and not expired; by rank, newest, id."""
    ns = [n for n in content.get("notices", [])
          if when(n["publish_at"]) <= now < when(n["expire_at"])]
    ns.sort(key=lambda n: n["id"])
    ns.sort(key=lambda n: when(n["publish_at"]), reverse=True)
    ns.sort(key=rank, reverse=True)
    return ns


CSS = """
@font-face { font-family: "KioskSans"; font-weight: 400; src: url("%(regular)s") format("opentype"); }
@font-face { font-family: "KioskSans"; font-weight: 700; src: url("%(bold)s") format("opentype"); }
@font-face { font-family: "KioskIcons"; font-weight: 400; src: url("%(icons)s") format("truetype"); }
* { box-sizing: border-box; margin: 0; padding: 0; }
html, body { width: 1920px; height: 1080px; overflow: hidden; }
body { background: %(bg)s; color: %(text)s; font-family: "KioskSans"; font-weight: 400;
       -webkit-font-smoothing: antialiased; cursor: none; user-select: none; }
.i { font-family: "KioskIcons"; font-weight: 400; line-height: 1; font-style: normal; }
.b { font-weight: 700; }
header { position: absolute; left: 0; top: 0; width: 1920px; height: 96px; background: %(primary)s;
         color: %(on_primary)s; display: flex; align-items: center; padding: 0 16px 0 32px; }
header .site { font-size: 40px; font-weight: 700; flex: 1; white-space: nowrap; overflow: hidden;
               text-overflow: ellipsis; }
header .date { font-size: 26px; margin-right: 20px; }
header .time { font-size: 40px; font-weight: 700; margin-right: 16px; }
header .hb { height: 80px; border: 2px solid %(on_primary)s; display: flex; align-items: center;
             justify-content: center; margin-left: 16px; }
header .hb.sq { width: 96px; } header .hb.sq .i { font-size: 48px; }
header .hb.lang { width: 211px; font-size: 32px; font-weight: 700; }
header .hb.lang .i { font-size: 40px; margin-right: 10px; }
.btn { height: 96px; background: %(card)s; border: 2px solid %(border)s; display: flex;
       align-items: center; justify-content: center; font-size: 32px; font-weight: 700; }
.btn .i { font-size: 40px; margin-right: 10px; }
.title { position: absolute; left: 0; top: 112px; width: 1920px; height: 96px; display: flex;
         align-items: center; padding: 0 32px; }
.title .btn { width: 200px; }
.title h1 { flex: 1; font-size: 48px; font-weight: 700; margin-left: 32px; white-space: nowrap; }
.chips { position: absolute; left: 32px; top: 224px; display: flex; gap: 16px; }
.chips .btn { min-width: 140px; padding: 0 30px; }
.chips .btn.on { background: %(primary)s; border-color: %(primary)s; color: %(on_primary)s; }
.list { position: absolute; left: 0; top: 344px; width: 1908px; height: 682px; overflow-y: auto;
        padding-left: 32px; }
.list::-webkit-scrollbar { width: 8px; }
.list::-webkit-scrollbar-track { background: %(border)s; }
.list::-webkit-scrollbar-thumb { background: %(text2)s; }
.card { position: relative; width: 1840px; height: 207px; margin-bottom: 16px; background: %(card)s;
        border: 1px solid %(border)s; border-left: 12px solid; padding: 23px 76px 0 28px; }
.card .t { display: flex; align-items: center; height: 58px; }
.card h2 { font-size: 40px; font-weight: 700; white-space: nowrap; overflow: hidden;
           text-overflow: ellipsis; line-height: 58px; }
.badge { height: 44px; padding: 0 10px; margin-right: 12px; display: flex; align-items: center;
         color: %(on_primary)s; font-size: 26px; font-weight: 700; flex: none; }
.badge .i { font-size: 26px; margin-right: 5px; }
.card p { font-size: 32px; color: %(text2)s; white-space: nowrap; overflow: hidden;
          text-overflow: ellipsis; line-height: 47px; margin-top: 8px; }
.card .m { font-size: 26px; color: %(text2)s; line-height: 38px; margin-top: 8px; white-space: nowrap; }
.card .m b { margin-right: 24px; }
.card .go { position: absolute; right: 27px; top: 79px; font-size: 48px; color: %(text2)s; }
"""


def page(repo, content, now):
    tr = strings(repo)
    fonts = repo / "fonts"
    css = CSS % dict(C,
                     regular=(fonts / "NotoSansCJKsc-Regular.otf").resolve().as_uri(),
                     bold=(fonts / "NotoSansCJKsc-Bold.otf").resolve().as_uri(),
                     icons=(fonts / "MaterialIcons-Regular.ttf").resolve().as_uri())
    e = html.escape
    site = ltext(content.get("site", {}).get("name", {})) or tr["site.default"]
    # translate="no": no offer to translate the page (a kiosk would not show one).
    out = ['<!DOCTYPE html>\n<html lang="zh-CN" translate="no"><head><meta charset="utf-8">\n'
           '<meta name="google" content="notranslate">\n'
           '<meta name="viewport" content="width=1920, height=1080">\n'
           '<title>%s</title>\n<style>%s</style></head><body>\n' % (e(tr["home.notices"]), css)]
    out.append('<header><span class="site">%s</span><span class="date">%s</span>'
               '<span class="time">%s</span>'
               '<span class="hb sq"><i class="i">%s</i></span>'
               '<span class="hb sq"><i class="i">%s</i></span>'
               '<span class="hb lang"><i class="i">%s</i>%s</span></header>\n'
               % (e(site), e(fmt_date(tr, now, now, True)), now.strftime("%H:%M"),
                  ICON["text_increase"], ICON["contrast"], ICON["translate"],
                  e(tr["lang.switch"])))
    out.append('<div class="title"><a class="btn"><i class="i">%s</i>%s</a><h1>%s</h1>'
               '<a class="btn"><i class="i">%s</i>%s</a></div>\n'
               % (ICON["back"], e(tr["nav.back"]), e(tr["home.notices"]),
                  ICON["home"], e(tr["nav.home"])))
    chips = [("on", tr["filter.all"])] + [("", tr["cat." + c]) for c in CATS]
    out.append('<nav class="chips">%s</nav>\n'
               % "".join('<a class="btn %s">%s</a>' % (cls, e(label)) for cls, label in chips))
    out.append('<main class="list">\n')
    for n in visible(content, now):
        colour = CAT_COLOUR.get(n["category"], CAT_COLOUR["notice"])
        badges = ""
        if n.get("urgent"):
            badges += ('<span class="badge" style="background:%s"><i class="i">%s</i>%s</span>'
                       % (C["urgent"], ICON["warning"], e(tr["notice.urgent"])))
        if n.get("pinned"):
            badges += ('<span class="badge" style="background:%s"><i class="i">%s</i>%s</span>'
                       % (C["pinned"], ICON["pin"], e(tr["notice.pinned"])))
        preview = ltext(n["body"]).split("\n", 1)[0]
        meta = tr["notice.posted"].replace("%s", fmt_date(tr, when(n["publish_at"]), now, False))
        out.append('<article class="card" style="border-left-color:%s">'
                   '<div class="t">%s<h2>%s</h2></div><p>%s</p>'
                   '<div class="m"><b style="color:%s">%s</b>%s</div>'
                   '<i class="i go">%s</i></article>\n'
                   % (colour, badges, e(ltext(n["title"])), e(preview), colour,
                      e(tr["cat." + n["category"]]), e(meta), ICON["chevron"]))
    out.append('</main>\n</body></html>\n')
    return "".join(out)


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit("usage: make_page.py CONTENT.json NOW OUT.html [REPO]")
    repo = pathlib.Path(argv[4] if len(argv) == 5 else pathlib.Path(__file__).resolve().parents[2])
    content = json.loads(pathlib.Path(argv[1]).read_text(encoding="utf-8"))
    now = datetime.datetime.fromisoformat(argv[2])
    if now.tzinfo is None:
        sys.exit("make_page.py: NOW needs a UTC offset, e.g. 2026-12-01T10:00:00+08:00")
    pathlib.Path(argv[3]).write_text(page(repo, content, now), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
