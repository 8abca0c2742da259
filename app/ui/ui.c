/* ui.c - drawing helpers shared by the screens. */
#include "ui.h"
#include "image.h"
#include "imgcache.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "timeutil.h"

int ui_dp(const App *a, double dp)
{
    int px = (int)lround(dp * a->dp);
    return (dp > 0 && px < 1) ? 1 : px;
}

int ui_ts(const App *a, double dp)
{
    return ui_dp(a, a->large_text ? dp * 1.4 : dp);
}

const char *ui_tr(const App *a, const char *key)
{
    return i18n_get(a->i18n, a->lang, key);
}

int ui_bottom(const App *a)
{
    return a->h - a->h / 20;
}

int ui_width(const App *a, FontFace face, int size_px, const char *s)
{
    return measure_width(a->tm, face, size_px, s, strlen(s));
}

bool ui_pressed(const App *a, const char *id)
{
    return a->down && !a->dragging && strcmp(a->press_id, id) == 0;
}

int ui_line(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
            int size_px, Color c, const char *s)
{
    char buf[1024];
    tl_ellipsize(a->tm, face, size_px, s, w, buf, sizeof buf);
    size_t before = dl->ncmds;
    dl_text(dl, x, y, face, size_px, c, buf, -1);
    if (dl->ncmds > before && strcmp(buf, s) != 0)
        dl_flag_last(dl, DL_F_CUT);
    return ui_width(a, face, size_px, buf);
}

int ui_line_preview(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
                    int size_px, Color c, const char *s)
{
    size_t before = dl->ncmds;
    int lw = ui_line(a, dl, x, y, w, face, size_px, c, s);
    if (dl->ncmds > before)
        dl_flag_last(dl, DL_F_PREVIEW);
    return lw;
}

/* Draw the wrapped lines of s, each at x (or centred in w), only those
 * inside the current clip (the first found by arithmetic, not by walking
 * the ones above it). */
static void para_lines(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
                       int size_px, int line_h, Color c, const char *s, const TlLines *lines,
                       int n, bool center)
{
    int pad = (line_h - measure_height(a->tm, face, size_px)) / 2;
    Rect clip = dl->nclips > 0 ? dl->clips[dl->nclips - 1] : (Rect){0, 0, a->w, a->h};
    int i = 0;
    if (line_h > 0 && clip.y - line_h > y)
        i = (clip.y - line_h - y) / line_h;   /* lines above it end before the clip */
    for (; i < n; i++) {
        int ly = y + i * line_h;
        if (ly > clip.y + clip.h)
            break;      /* below the clip, and so is every line after it */
        if (ly + line_h < clip.y)
            continue;   /* off screen: skip the text command */
        int lw = lines->lines[i].width < w ? lines->lines[i].width : w;
        dl_text(dl, center ? x + (w - lw) / 2 : x, ly + pad, face, size_px, c,
                s + lines->lines[i].start, (int)lines->lines[i].len);
    }
}

/* Wrapped lines of s, each at x (or centred in w), skipping those outside
 * the current clip. Returns the block's height. */
static int para(const App *a, DrawList *dl, int x, int y, int w, FontFace face, int size_px,
                int line_h, Color c, const char *s, bool center)
{
    TlLines lines = {0};
    int n = tl_wrap(a->tm, face, size_px, s, strlen(s), w, &lines);
    if (n < 0)
        n = 0;
    para_lines(a, dl, x, y, w, face, size_px, line_h, c, s, &lines, n, center);
    tl_lines_free(&lines);
    return n * line_h;
}

struct UiWrapCache {
    const char *s;      /* the text wrapped (NULL: nothing kept) */
    size_t len;
    FontFace face;
    int size, w;
    int n;              /* its lines */
    TlLines lines;
    unsigned wraps;     /* times a text was wrapped here */
};

UiWrapCache *ui_wrap_cache_new(void)
{
    return calloc(1, sizeof(UiWrapCache));
}

void ui_wrap_cache_clear(UiWrapCache *c)
{
    if (c)
        c->s = NULL;    /* the lines' memory is kept for the next text */
}

void ui_wrap_cache_free(UiWrapCache *c)
{
    if (!c)
        return;
    tl_lines_free(&c->lines);
    free(c);
}

unsigned ui_wrap_cache_wraps(const UiWrapCache *c)
{
    return c ? c->wraps : 0;
}

/* As para, with the lines kept in a->wrap: wrapped again only when the
 * text, its face, size or the width changed. */
static int para_cached(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
                       int size_px, int line_h, Color c, const char *s)
{
    UiWrapCache *wc = a->wrap;
    if (!wc)
        return para(a, dl, x, y, w, face, size_px, line_h, c, s, false);
    size_t len = strlen(s);
    if (wc->s != s || wc->len != len || wc->face != face || wc->size != size_px || wc->w != w) {
        wc->s = NULL;
        int n = tl_wrap(a->tm, face, size_px, s, len, w, &wc->lines);
        wc->wraps++;
        if (n < 0)      /* out of memory: nothing drawn this frame, tried again the next */
            return 0;
        *wc = (UiWrapCache){s, len, face, size_px, w, n, wc->lines, wc->wraps};
    }
    para_lines(a, dl, x, y, w, face, size_px, line_h, c, s, &wc->lines, wc->n, false);
    return wc->n * line_h;
}

int ui_para(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
            int size_px, int line_h, Color c, const char *s)
{
    return para(a, dl, x, y, w, face, size_px, line_h, c, s, false);
}

int ui_para_center(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
                   int size_px, int line_h, Color c, const char *s)
{
    return para(a, dl, x, y, w, face, size_px, line_h, c, s, true);
}

int ui_para_clamped(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
                    int size_px, int line_h, int pad, Color c, const char *s, int max_lines)
{
    TlLines lines = {0};
    char last[1024];
    int n = tl_wrap_clamped(a->tm, face, size_px, s, w, max_lines, &lines, last, sizeof last);
    for (int i = 0; i < n; i++)
        dl_text(dl, x, y + i * line_h + pad, face, size_px, c,
                i == n - 1 ? last : s + lines.lines[i].start,
                i == n - 1 ? -1 : (int)lines.lines[i].len);
    /* A cut last line is a preview: the clamped texts are summaries. */
    if (n > 0 && lines.lines[n - 1].start + lines.lines[n - 1].len < strlen(s) &&
        dl->ncmds > 0)
        dl_flag_last(dl, DL_F_CUT | DL_F_PREVIEW);
    tl_lines_free(&lines);
    return n > 0 ? n * line_h : 0;
}

int ui_empty_block(const App *a, DrawList *dl, int x, int y, int w, const char *icon,
                   const char *title, const char *hint)
{
    int y0 = y;
    int isz = ui_ts(a, DP_ICON_L);
    if (icon) {
        dl_text(dl, x + (w - ui_width(a, FONT_ICON, isz, icon)) / 2, y, FONT_ICON, isz,
                COL_TEXT2, icon, -1);
        y += measure_height(a->tm, FONT_ICON, isz) + ui_dp(a, DP_GAP);
    }
    int tsz = ui_ts(a, DP_T_CARD);
    y += ui_para_center(a, dl, x, y, w, FONT_BOLD, tsz, tsz * 4 / 3, COL_TEXT, title);
    if (hint && hint[0]) {
        int bsz = ui_ts(a, DP_T_BODY);
        y += ui_dp(a, DP_GAP_S);
        y += ui_para_center(a, dl, x, y, w, FONT_REGULAR, bsz, bsz * 3 / 2, COL_TEXT2, hint);
    }
    return y - y0;
}

void ui_empty(const App *a, DrawList *dl, int y, const char *icon, const char *title,
              const char *hint)
{
    int m = ui_dp(a, DP_MARGIN);
    int w = a->w - 2 * m;
    if (w > ui_dp(a, DP_READ_MAX))
        w = ui_dp(a, DP_READ_MAX);
    ui_empty_block(a, dl, (a->w - w) / 2, y + ui_dp(a, DP_EMPTY_Y), w, icon, title, hint);
}

int ui_fit_size(const App *a, FontFace face, int size_px, int min_px, int w, const char *s)
{
    while (size_px > min_px && ui_width(a, face, size_px, s) > w)
        size_px -= size_px / 12 > 0 ? size_px / 12 : 1;
    return size_px < min_px ? min_px : size_px;
}

int ui_para_height(const App *a, FontFace face, int size_px, int line_h,
                   int w, const char *s)
{
    TlLines lines = {0};
    int n = tl_wrap(a->tm, face, size_px, s, strlen(s), w, &lines);
    tl_lines_free(&lines);
    return n < 0 ? 0 : n * line_h;
}

/* Draw `label` (and icon) centred in r. A label too long for one line
 * wraps to the lines the button's height holds (the size steps down a
 * little, to 3/4, before it does); it is never cut. */
static void centred_label(const App *a, DrawList *dl, Rect r, const char *icon,
                          const char *label, int size, Color fg)
{
    int isz = icon ? size * 5 / 4 : 0;
    int gap = icon ? size / 3 : 0;
    int lw = ui_width(a, FONT_BOLD, size, label);
    int total = (icon ? isz + gap : 0) + lw;
    if (total > r.w - 2 * gap) {
        int pad = ui_dp(a, DP_GAP_S);
        int room = r.w - 2 * pad - (icon ? isz + gap : 0);
        int sz = size, lh = 0, n = 0;
        for (;;) {
            lh = sz * 6 / 5;
            n = ui_para_height(a, FONT_BOLD, sz, lh, room, label) / (lh > 0 ? lh : 1);
            if ((n == 1 || n * lh <= r.h - 2 * ui_dp(a, DP_GAP_XS)) || sz <= size * 3 / 4)
                break;
            sz -= sz / 12 > 0 ? sz / 12 : 1;
        }
        int bw = 0;
        TlLines lines = {0};
        int k = tl_wrap(a->tm, FONT_BOLD, sz, label, strlen(label), room, &lines);
        for (int i = 0; i < k; i++)
            if (lines.lines[i].width > bw)
                bw = lines.lines[i].width;
        int x = r.x + (r.w - (icon ? isz + gap : 0) - bw) / 2;
        int y = r.y + (r.h - k * lh) / 2;
        if (icon) {
            int ih = measure_height(a->tm, FONT_ICON, isz);
            dl_text(dl, x, r.y + (r.h - ih) / 2, FONT_ICON, isz, fg, icon, -1);
            x += isz + gap;
        }
        int th = measure_height(a->tm, FONT_BOLD, sz);
        for (int i = 0; i < k; i++)
            dl_text(dl, x + (bw - lines.lines[i].width) / 2, y + i * lh + (lh - th) / 2, FONT_BOLD,
                    sz, fg, label + lines.lines[i].start, (int)lines.lines[i].len);
        tl_lines_free(&lines);
        return;
    }
    int x = r.x + (r.w - total) / 2;
    if (icon) {
        int ih = measure_height(a->tm, FONT_ICON, isz);
        dl_text(dl, x, r.y + (r.h - ih) / 2, FONT_ICON, isz, fg, icon, -1);
        x += isz + gap;
    }
    int th = measure_height(a->tm, FONT_BOLD, size);
    dl_text(dl, x, r.y + (r.h - th) / 2, FONT_BOLD, size, fg, label, -1);
}

void ui_button(const App *a, DrawList *dl, Rect r, const char *id,
               const char *icon, const char *label, bool primary)
{
    bool p = ui_pressed(a, id);
    if (primary) {
        dl_rect(dl, r, p ? COL_PRIMARY_DOWN : COL_PRIMARY);
    } else {
        dl_rect(dl, r, p ? COL_PRESSED : COL_CARD);
        dl_frame(dl, r, COL_BORDER, ui_dp(a, DP_RULE));
    }
    centred_label(a, dl, r, icon, label, ui_ts(a, DP_T_BODY),
                  primary ? COL_ON_PRIMARY : COL_TEXT);
    dl_hit(dl, r, id);
}

void ui_card(const App *a, DrawList *dl, Rect r, const char *id)
{
    dl_rect(dl, r, id && ui_pressed(a, id) ? COL_PRESSED : COL_CARD);
    dl_frame(dl, r, COL_BORDER, ui_dp(a, DP_BORDER));
    if (id)
        dl_hit(dl, r, id);
}

int ui_badge_width(const App *a, const char *icon, const char *label)
{
    int size = ui_ts(a, DP_T_SMALL);
    int pad = ui_dp(a, DP_BADGE_PAD);
    return pad * 2 + ui_width(a, FONT_BOLD, size, label) + (icon ? size + pad / 2 : 0);
}

int ui_badge(const App *a, DrawList *dl, int x, int y, Color bg,
             const char *icon, const char *label)
{
    int size = ui_ts(a, DP_T_SMALL);
    int pad = ui_dp(a, DP_BADGE_PAD);
    int h = ui_dp(a, DP_BADGE_H);
    int isz = icon ? size : 0;
    int w = pad * 2 + ui_width(a, FONT_BOLD, size, label) + (icon ? isz + pad / 2 : 0);
    dl_rect(dl, (Rect){x, y, w, h}, bg);
    int tx = x + pad;
    if (icon) {
        dl_text(dl, tx, y + (h - measure_height(a->tm, FONT_ICON, isz)) / 2,
                FONT_ICON, isz, COL_ON_PRIMARY, icon, -1);
        tx += isz + pad / 2;
    }
    dl_text(dl, tx, y + (h - measure_height(a->tm, FONT_BOLD, size)) / 2,
            FONT_BOLD, size, COL_ON_PRIMARY, label, -1);
    return w;
}

void ui_scrollbar(const App *a, DrawList *dl, Rect v, int content_h, int offset)
{
    if (content_h <= v.h)
        return;
    int track = v.h;
    int thumb = track * v.h / content_h;
    if (thumb < ui_dp(a, DP_TOUCH / 2))
        thumb = ui_dp(a, DP_TOUCH / 2);
    int maxoff = content_h - v.h;
    int y = v.y + (track - thumb) * offset / (maxoff > 0 ? maxoff : 1);
    int w = ui_dp(a, DP_SCROLLBAR);
    dl_rect(dl, (Rect){v.x + v.w - w, v.y, w, track}, COL_BORDER);
    dl_rect(dl, (Rect){v.x + v.w - w, y, w, thumb}, COL_TEXT2);
}

int ui_header(const App *a, DrawList *dl, int64_t now_s)
{
    int h = ui_dp(a, DP_HEADER);
    int m = ui_dp(a, DP_MARGIN);
    /* Reaching past the edges, so the burn-in shift never shows a gap. */
    dl_rect(dl, (Rect){-16, -16, a->w + 32, h + 16}, COL_PRIMARY);

    /* Language toggle on the right: shows the language it switches to. */
    int bsize = ui_dp(a, DP_T_BODY);
    const char *other = ui_tr(a, "lang.switch");
    int bw = ui_width(a, FONT_BOLD, bsize, other) + bsize * 5 / 4 + ui_dp(a, 56);   /* icon gap and padding */
    if (bw < ui_dp(a, 180))   /* the language toggle: one-off sizes */
        bw = ui_dp(a, 180);
    Rect lr = {a->w - m / 2 - bw, ui_dp(a, DP_GAP_XS), bw, h - ui_dp(a, DP_GAP)};
    bool p = ui_pressed(a, "lang");
    dl_rect(dl, lr, p ? COL_PRIMARY_DOWN : COL_PRIMARY);
    dl_frame(dl, lr, COL_ON_PRIMARY, ui_dp(a, DP_RULE));
    centred_label(a, dl, lr, ICON_TRANSLATE, other, bsize, COL_ON_PRIMARY);
    /* The hit area reaches the top edge and the full header height. */
    dl_hit(dl, (Rect){lr.x, 0, lr.w, h}, "lang");

    /* The high-contrast toggle, an icon button beside it. */
    int cw = ui_dp(a, DP_TOUCH);
    Rect cr = {lr.x - ui_dp(a, DP_GAP) - cw, ui_dp(a, DP_GAP_XS), cw, h - ui_dp(a, DP_GAP)};
    bool cp = ui_pressed(a, "contrast");
    dl_rect(dl, cr, cp ? COL_PRIMARY_DOWN : COL_PRIMARY);
    dl_frame(dl, cr, COL_ON_PRIMARY, ui_dp(a, a->contrast ? 5 : 2));
    int isz = ui_dp(a, DP_ICON);
    dl_text(dl, cr.x + (cr.w - ui_width(a, FONT_ICON, isz, ICON_CONTRAST)) / 2,
            cr.y + (cr.h - measure_height(a->tm, FONT_ICON, isz)) / 2, FONT_ICON, isz,
            COL_ON_PRIMARY, ICON_CONTRAST, -1);
    dl_hit(dl, (Rect){cr.x, 0, cr.w, h}, "contrast");

    /* Large text (A+), likewise. */
    Rect tr = {cr.x - ui_dp(a, DP_GAP) - cw, ui_dp(a, DP_GAP_XS), cw, h - ui_dp(a, DP_GAP)};
    bool tp = ui_pressed(a, "textsize");
    dl_rect(dl, tr, tp ? COL_PRIMARY_DOWN : COL_PRIMARY);
    dl_frame(dl, tr, COL_ON_PRIMARY, ui_dp(a, a->large_text ? 5 : 2));
    dl_text(dl, tr.x + (tr.w - ui_width(a, FONT_ICON, isz, ICON_TEXT_INCREASE)) / 2,
            tr.y + (tr.h - measure_height(a->tm, FONT_ICON, isz)) / 2, FONT_ICON, isz,
            COL_ON_PRIMARY, ICON_TEXT_INCREASE, -1);
    dl_hit(dl, (Rect){tr.x, 0, tr.w, h}, "textsize");

    /* Date and time left of the toggle; stacked when the screen is narrow. */
    char date[64], tm[16];
    ui_fmt_date(a, now_s, true, date, sizeof date);
    ui_fmt_time(now_s, tm, sizeof tm);
    bool narrow = a->w < a->h;
    int tsize = ui_dp(a, narrow ? DP_T_BODY : DP_T_CARD);
    int dsize = ui_dp(a, narrow ? 22 : DP_T_SMALL);   /* 22: the stacked date only */
    int tw = ui_width(a, FONT_BOLD, tsize, tm);
    int dw = ui_width(a, FONT_REGULAR, dsize, date);
    int th = measure_height(a->tm, FONT_BOLD, tsize);
    int dh = measure_height(a->tm, FONT_REGULAR, dsize);
    int right = tr.x - m;
    int dx;
    if (narrow) {
        int top = (h - th - dh) / 2;
        dl_text(dl, right - dw, top, FONT_REGULAR, dsize, COL_ON_PRIMARY, date, -1);
        dl_text(dl, right - tw, top + dh, FONT_BOLD, tsize, COL_ON_PRIMARY, tm, -1);
        dx = right - (dw > tw ? dw : tw);
    } else {
        dl_text(dl, right - tw, (h - th) / 2, FONT_BOLD, tsize, COL_ON_PRIMARY, tm, -1);
        dx = right - tw - ui_dp(a, DP_GAP_M) - dw;
        dl_text(dl, dx, (h - dh) / 2, FONT_REGULAR, dsize, COL_ON_PRIMARY, date, -1);
    }

    /* Community name on the left, cut to the room that is left. */
    const char *name = a->content ? ltext(&a->content->site_name, a->lang)
                                  : ui_tr(a, "site.default");
    /* A long name shrinks a little (not below 30 dp) before it is cut. */
    int nsize = ui_fit_size(a, FONT_BOLD, ui_dp(a, DP_T_CARD), ui_dp(a, 30),   /* never under 30 dp (shared/UI.md) */
                            dx - m - ui_dp(a, DP_GAP_L), name);
    ui_line(a, dl, m, (h - measure_height(a->tm, FONT_BOLD, nsize)) / 2,
            dx - m - ui_dp(a, DP_GAP_L), FONT_BOLD, nsize, COL_ON_PRIMARY, name);
    return h;
}

int ui_titlebar(const App *a, DrawList *dl, int y, const char *title)
{
    int m = ui_dp(a, DP_MARGIN);
    int bh = ui_dp(a, DP_TOUCH);
    int top = y + ui_dp(a, DP_GAP);
    const char *back = ui_tr(a, "nav.back");
    const char *home = ui_tr(a, "nav.home");
    int size = ui_ts(a, DP_T_BODY);
    int bw = ui_width(a, FONT_BOLD, size, back) + ui_dp(a, DP_NAV_PAD);
    int hw = ui_width(a, FONT_BOLD, size, home) + ui_dp(a, DP_NAV_PAD);
    if (bw < ui_dp(a, DP_NAV_W)) bw = ui_dp(a, DP_NAV_W);
    if (hw < ui_dp(a, DP_NAV_W)) hw = ui_dp(a, DP_NAV_W);
    ui_button(a, dl, (Rect){m, top, bw, bh}, "back", ICON_ARROW_BACK, back, false);
    ui_button(a, dl, (Rect){a->w - m - hw, top, hw, bh}, "home", ICON_HOME, home, false);
    int tsize = ui_ts(a, DP_T_TITLE);
    int tx = m + bw + ui_dp(a, DP_GAP_XL);
    int room = a->w - m - hw - ui_dp(a, DP_GAP_XL) - tx;
    if (ui_width(a, FONT_BOLD, tsize, title) <= room) {
        dl_text(dl, tx, top + (bh - measure_height(a->tm, FONT_BOLD, tsize)) / 2, FONT_BOLD,
                tsize, COL_TEXT, title, -1);
        return top + bh + ui_dp(a, DP_GAP);
    }
    /* Too long beside the buttons (large text, a narrow screen): the title
     * takes a row of its own under them, wrapped, never cut. */
    int ty = top + bh + ui_dp(a, DP_GAP_XS);
    ty += ui_para(a, dl, m, ty, a->w - 2 * m, FONT_BOLD, tsize, tsize * 13 / 10, COL_TEXT, title);
    return ty + ui_dp(a, DP_GAP);
}

Color ui_category_color(const App *a, Category c)
{
    switch (c) {
    case CAT_ACCOUNTS: return COL_CAT_ACCOUNTS;
    case CAT_REPAIRS:  return COL_CAT_REPAIRS;
    case CAT_SAFETY:   return COL_CAT_SAFETY;
    case CAT_SERVICES: return COL_CAT_SERVICES;
    default:           return COL_CAT_NOTICE;
    }
}

void ui_fmt_date(const App *a, int64_t t, bool weekday, char *buf, size_t n)
{
    LocalTime lt, now;
    time_local(t, &lt);
    time_local(a->shown_minute * 60, &now);
    bool year = lt.year != now.year;   /* only when it is not this year */
    char key[16];
    snprintf(key, sizeof key, "wday.%d", lt.wday);
    const char *wd = weekday ? ui_tr(a, key) : "";
    if (a->lang == LANG_ZH) {
        char y[16] = "";
        if (year)
            snprintf(y, sizeof y, "%d年", lt.year);
        snprintf(buf, n, "%s%d月%d日%s%s", y, lt.mon, lt.mday, weekday ? " " : "", wd);
    } else {
        snprintf(key, sizeof key, "mon.%d", lt.mon);
        const char *mo = ui_tr(a, key);
        char y[16] = "";
        if (year)
            snprintf(y, sizeof y, " %d", lt.year);
        snprintf(buf, n, "%s%s%d %s%s", wd, weekday ? " " : "", lt.mday, mo, y);
    }
}

void ui_fmt_time(int64_t t, char *buf, size_t n)
{
    LocalTime lt;
    time_local(t, &lt);
    snprintf(buf, n, "%02d:%02d", lt.hour, lt.min);
}

void ui_fmt_range(const App *a, int64_t start, int64_t end, char *buf, size_t n)
{
    char d0[48], d1[48], t0[16], t1[16];
    ui_fmt_date(a, start, true, d0, sizeof d0);
    ui_fmt_time(start, t0, sizeof t0);
    ui_fmt_time(end, t1, sizeof t1);
    if (time_local_midnight(start) == time_local_midnight(end - 1)) {
        snprintf(buf, n, "%s %s–%s", d0, t0, t1);
    } else {
        ui_fmt_date(a, end, true, d1, sizeof d1);
        snprintf(buf, n, "%s %s – %s %s", d0, t0, d1, t1);
    }
}

void ui_fmt_when(const App *a, int64_t t, int64_t now_s, char *buf, size_t n)
{
    char date[48], hm[16];
    ui_fmt_time(t, hm, sizeof hm);
    char day[11], today[11];
    time_local_date(t, 0, day);
    time_local_date(now_s, 0, today);
    int d = 0;
    const char *rel = NULL;
    if (time_days_between(today, day, &d) == 0 && d >= -1 && d <= 1)
        rel = ui_tr(a, d == 0 ? "time.today" : d < 0 ? "time.yesterday" : "time.tomorrow");
    if (!rel) {
        ui_fmt_date(a, t, false, date, sizeof date);
        rel = date;
    }
    snprintf(buf, n, "%s %s", rel, hm);
}

void ui_fmt_day(const App *a, const char *ymd, int64_t now_s, char *buf, size_t n)
{
    char today[11];
    time_local_date(now_s, 0, today);
    int d;
    if (!ymd || time_days_between(ymd, today, &d) < 0) {
        snprintf(buf, n, "%s", "");
        return;
    }
    if (d == 0 || d == 1) {
        snprintf(buf, n, "%s", ui_tr(a, d == 0 ? "time.today_day" : "time.yesterday_day"));
        return;
    }
    int y, m, dd;
    if (sscanf(ymd, "%4d-%2d-%2d", &y, &m, &dd) != 3) {
        snprintf(buf, n, "%s", "");
        return;
    }
    LocalTime now;
    time_local(now_s, &now);
    if (a->lang == LANG_ZH) {
        if (y != now.year)
            snprintf(buf, n, "%d年%d月%d日", y, m, dd);
        else
            snprintf(buf, n, "%d月%d日", m, dd);
    } else {
        char key[16];
        snprintf(key, sizeof key, "mon.%d", m);
        if (y != now.year)
            snprintf(buf, n, "%d %s %d", dd, ui_tr(a, key), y);
        else
            snprintf(buf, n, "%d %s", dd, ui_tr(a, key));
    }
}

void ui_fmt_bytes(int64_t b, char *buf, size_t n)
{
    static const char *const unit[] = {"B", "KB", "MB", "GB", "TB"};
    if (b < 0) {
        snprintf(buf, n, "?");
        return;
    }
    double v = (double)b;
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%lld B", (long long)b);
    else if (v < 9.95)
        snprintf(buf, n, "%.1f %s", v, unit[u]);
    else
        snprintf(buf, n, "%.0f %s", v, unit[u]);
}

const char *ui_shown_address(const char *url)
{
    if (strncmp(url, "tel:", 4) == 0)
        return url + 4;
    if (strncmp(url, "https://", 8) == 0 && url[8])
        return url + 8;
    return url;
}

int ui_qr_modules(const char *payload)
{
    /* Bytes a symbol holds in byte mode at level M, versions 1 to 40. */
    static const short cap[40] = {
        14,   26,   42,   62,   84,   106,  122,  152,  180,  213,  251,  287,  331,  362,
        412,  450,  504,  560,  624,  666,  711,  779,  857,  911,  997,  1059, 1125, 1190,
        1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331};
    size_t len = strlen(payload);
    for (int v = 0; v < 40; v++)
        if (len <= (size_t)cap[v])
            return 17 + 4 * (v + 1);
    return 177;
}

int ui_qr_block(const App *a, DrawList *dl, int x, int y, int w, int side, const char *payload,
                const char *caption)
{
    int qx = x + (w - side) / 2;
    dl_qr(dl, (Rect){qx, y, side, side}, payload);
    int cy = y + side + ui_dp(a, DP_GAP_S);
    int ssz = ui_ts(a, DP_T_SMALL);
    if (caption) {
        int cw = ui_width(a, FONT_BOLD, ssz, caption);
        dl_text(dl, x + (w - (cw < w ? cw : w)) / 2, cy, FONT_BOLD, ssz, COL_TEXT, caption, -1);
        cy += ssz * 3 / 2;
    }
    cy += ui_para_center(a, dl, x, cy, w, FONT_REGULAR, ssz, ssz * 3 / 2, COL_TEXT2,
                         ui_shown_address(payload));
    return cy - y;
}

/* A notice's or event's QR: beside the detail card (right edge
 * card_right, top top_y) when the screen has room, else inline at cy in the
 * text column (x, col). Returns the height it took inline (0 beside). */
static int detail_qr(const App *a, DrawList *dl, int card_right, int top_y, int x, int col,
                     int cy, const char *payload, const char *caption)
{
    int side = ui_dp(a, DP_QR);
    int room = a->w - card_right - ui_dp(a, 56);   /* the margin and the scrollbar */
    if (room >= side + ui_dp(a, DP_GAP_XXL)) {
        /* Beside the card, where it stays while the text scrolls. */
        ui_qr_block(a, dl, card_right + ui_dp(a, DP_GAP_XXL), top_y, room - ui_dp(a, DP_GAP), side, payload,
                    caption);
        return 0;
    }
    if (side > col)
        side = col;
    return ui_dp(a, DP_GAP_XL) + ui_qr_block(a, dl, x, cy + ui_dp(a, DP_GAP_XL), col, side, payload, caption);
}

int ui_detail_begin(const App *a, DrawList *dl, int y, int off, UiDetail *d)
{
    int m = ui_dp(a, DP_MARGIN);
    int bsz = ui_ts(a, DP_T_BODY);
    d->pad = ui_dp(a, DP_PAD_CARD);
    /* Body lines of at most about 30 Chinese characters (shared/UI.md). */
    d->col = a->w - 2 * m - 2 * d->pad - ui_dp(a, DP_GUTTER);
    if (d->col > bsz * 31)
        d->col = bsz * 31;
    d->cw = d->col + 2 * d->pad;
    d->cx = (a->w - d->cw) / 2;
    d->x = d->cx + d->pad;
    d->vp = (Rect){0, y, a->w, ui_bottom(a) - y};
    d->off = off;
    dl_clip(dl, d->vp);
    d->top = d->vp.y - off;
    /* The card's height is known only after layout: ui_detail_end sets it. */
    d->mark = dl_mark(dl);
    ui_card(a, dl, (Rect){d->cx, d->top, d->cw, 0}, NULL);
    return d->top + d->pad;
}

int ui_detail_title(const App *a, DrawList *dl, const UiDetail *d, int cy, const char *title)
{
    int tsz = ui_ts(a, DP_T_TITLE);
    return ui_para(a, dl, d->x, cy, d->col, FONT_BOLD, tsz, tsz * 13 / 10, COL_TEXT, title);
}

int ui_detail_body(const App *a, DrawList *dl, const UiDetail *d, int cy, const char *body,
                   const char *qr_payload, const char *qr_caption)
{
    int bsz = ui_ts(a, DP_T_BODY);
    dl_rect(dl, (Rect){d->x, cy, d->col, ui_dp(a, DP_RULE)}, COL_BORDER);
    cy += ui_dp(a, DP_PAD_LIST);
    cy += para_cached(a, dl, d->x, cy, d->col, FONT_REGULAR, bsz, bsz * 3 / 2, COL_TEXT, body);
    if (qr_payload)
        cy += detail_qr(a, dl, d->cx + d->cw, d->vp.y, d->x, d->col, cy, qr_payload, qr_caption);
    return cy;
}

bool ui_image_ready(const App *a, const ContentImage *img)
{
    return a->images && imgcache_has(a->images, img->sha256);
}

Rect ui_image(const App *a, DrawList *dl, Rect box, const ContentImage *img, bool centre,
              const char *id)
{
    int w, h;
    image_fit_size(img->width, img->height, box.w, box.h, &w, &h);
    Rect r = {box.x + (centre ? (box.w - w) / 2 : 0), box.y, w, h};
    dl_image(dl, r, img->sha256, w, h, (Rect){0, 0, w, h});
    dl_frame(dl, r, COL_BORDER, ui_dp(a, 1) > 0 ? ui_dp(a, 1) : 1);
    if (id)
        dl_hit(dl, r, id);
    return r;
}

int ui_detail_images(const App *a, DrawList *dl, const UiDetail *d, int cy, const char *item,
                     const ContentImage *imgs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!ui_image_ready(a, &imgs[i]))
            continue;
        char id[DL_ID_MAX];
        snprintf(id, sizeof id, "image:%s:%zu", item, i);
        cy += ui_dp(a, DP_GAP_M);
        /* At most two thirds of the viewport high, so text stays in view. */
        Rect r = ui_image(a, dl, (Rect){d->x, cy, d->col, d->vp.h * 2 / 3}, &imgs[i], true, id);
        cy += r.h + ui_dp(a, DP_GAP_XS);
        int ssz = ui_ts(a, DP_T_SMALL);
        cy += ui_para(a, dl, d->x, cy, d->col, FONT_REGULAR, ssz, ssz * 3 / 2, COL_TEXT2,
                      ltext(&imgs[i].alt, a->lang));
    }
    return cy;
}

void ui_detail_end(const App *a, DrawList *dl, const UiDetail *d, int cy, const char *scroll_id)
{
    int card_h = cy + d->pad - d->top;
    dl_set_height(dl, d->mark, 2, card_h);   /* the fill and the border */
    dl_unclip(dl);
    int content_h = card_h + ui_dp(a, DP_GAP);
    ui_scrollbar(a, dl, (Rect){0, d->vp.y, d->cx + d->cw + ui_dp(a, DP_GAP_M), d->vp.h}, content_h,
                 d->off);
    dl_scroll(dl, d->vp, content_h, scroll_id);
}
