/* screen_attract.c - what the kiosk shows when nobody is using it: a
 * carousel of urgent and pinned notices and the next events ("touch to
 * start"; a current urgent notice first, longest, on red), and at night a
 * dimmed or blank screen that still shows an urgent notice. Slides follow the clock, so no state is kept. */
#include <stdio.h>
#include <string.h>
#include "schedule.h"
#include "timeutil.h"
#include "ui.h"

#define MAX_SLIDES 12

/* Entering the carousel or the night: the carousel starts with its first
 * slide on a whole second (the view picks the slide from whole seconds,
 * app_tick and app_next_timeout from milliseconds; they agree then), and
 * the visit is over: the next person may rate. */
static bool rest_enter(App *a, int64_t now_ms)
{
    a->attract_since_ms = now_ms - now_ms % 1000;
    app_rate_commit(a, now_ms);   /* a face tapped just before: stored, not lost */
    a->rated = 0;
    return true;
}

/* Burn-in care: what stands for hours moves by a few pixels, -4 .. 4 px,
 * a different pair every ATTRACT_SHIFT_MS. */
static void shift(DrawList *dl, int64_t now_ms)
{
    int64_t k = now_ms / ATTRACT_SHIFT_MS;
    dl_translate(dl, (int)((k * 7) % 9) - 4, (int)((k * 5 + 3) % 9) - 4);
}

/* A slide: an urgent or pinned notice, or an upcoming event. */
typedef struct { const Notice *n; const Event *e; } Slide;

/* The slides: urgent notices first, then pinned ones, then the next three
 * events. */
static int slides(const App *a, int64_t now_s, Slide *out)
{
    int k = 0;
    size_t idx[64];
    size_t n = sched_notices(a->content, now_s, -1, idx, 64);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n && k < MAX_SLIDES; i++) {
            const Notice *no = &a->content->notices[idx[i]];
            if (pass == 0 ? no->urgent : (no->pinned && !no->urgent))
                out[k++] = (Slide){no, NULL};
        }
    EventGroup g[64];
    n = sched_events(a->content, now_s, idx, g, 64);
    for (size_t i = 0; i < n && i < 3 && k < MAX_SLIDES; i++)
        out[k++] = (Slide){NULL, &a->content->events[idx[i]]};
    return k;
}

/* Which slide shows at carousel step `step`. While an urgent notice is
 * current it shows first and longest: each urgent slide stands for two
 * steps, and the urgent ones come back between every other slide
 * (U U P U U E ...). */
static int slide_at(const Slide *s, int n, int64_t step)
{
    int nu = 0;
    while (nu < n && s[nu].n && s[nu].n->urgent)
        nu++;
    if (nu == 0 || nu == n)
        return (int)(step % n);
    int block = 2 * nu, period = (n - nu) * (block + 1);
    int t = (int)(step % period);
    int other = t / (block + 1), in = t % (block + 1);
    return in < block ? in / 2 : nu + other;
}

/* How a slide is drawn: on a white card, on the red of an urgent notice,
 * or on the black of a blank night. */
typedef enum { LOOK_CARD, LOOK_URGENT, LOOK_DARK } Look;

/* One slide, full screen: a tag, the whole headline, a few lines of
 * detail (a preview: the kiosk opens the notice whole). */
static void slide(const App *a, DrawList *dl, Rect r, const Slide *s, Look look)
{
    int pad = ui_dp(a, 64);   /* the slide's padding: one-off */
    int x = r.x + pad, w = r.w - 2 * pad, y = r.y + pad;
    Color tagc = COL_PRIMARY;
    const char *tag = ui_tr(a, "attract.event");
    const char *title, *body;
    char when[200] = "";
    if (s->n) {
        tagc = s->n->urgent ? COL_URGENT : COL_PINNED;
        tag = ui_tr(a, s->n->urgent ? "notice.urgent" : "notice.pinned");
        title = ltext(&s->n->title, a->lang);
        body = ltext(&s->n->body, a->lang);
    } else {
        title = ltext(&s->e->title, a->lang);
        body = ltext(&s->e->location, a->lang);
        ui_fmt_range(a, s->e->start, s->e->end, when, sizeof when);
    }
    Color fg = COL_TEXT, fg2 = COL_TEXT2;
    int hsz = ui_ts(a, DP_T_ATTRACT);
    if (look == LOOK_URGENT || look == LOOK_DARK) {
        /* Unmistakable: the warning sign and the word as large as the
         * headline, in the urgent colour's opposite. */
        if (look == LOOK_URGENT) {
            dl_rect(dl, r, COL_URGENT);
            fg = fg2 = COL_ON_PRIMARY;
        } else {
            fg = (Color){0xFF, 0xFF, 0xFF, 0xFF};
            fg2 = (Color){0xE0, 0xE0, 0xE0, 0xFF};
        }
        Color tc = look == LOOK_DARK ? (Color){0xFF, 0x8A, 0x80, 0xFF} : fg;
        int th = measure_height(a->tm, FONT_BOLD, hsz);
        dl_text(dl, x, y + (th - measure_height(a->tm, FONT_ICON, hsz)) / 2, FONT_ICON, hsz, tc,
                ICON_WARNING, -1);
        dl_text(dl, x + hsz + ui_dp(a, DP_GAP_M), y, FONT_BOLD, hsz, tc, tag, -1);
        y += th + ui_dp(a, DP_GAP_L);
    } else {
        ui_badge(a, dl, x, y, tagc, s->n && s->n->urgent ? ICON_WARNING : NULL, tag);
        y += ui_dp(a, DP_BADGE_H) + ui_dp(a, DP_GAP_XL);
    }
    y += ui_para(a, dl, x, y, w, FONT_BOLD, hsz, hsz * 4 / 3, fg, title);
    y += ui_dp(a, DP_GAP_L);
    int bsz = ui_ts(a, DP_T_CARD);
    if (when[0]) {
        y += ui_para(a, dl, x, y, w, FONT_BOLD, bsz, bsz * 3 / 2, look == LOOK_CARD ? COL_PRIMARY : fg,
                     when);
    }
    /* As many lines of the body as fit above the hint. */
    int maxl = (r.y + r.h - pad - y) / (bsz * 3 / 2);
    if (maxl > 0)
        ui_para_clamped(a, dl, x, y, w, FONT_REGULAR, bsz, bsz * 3 / 2, 0, fg2, body, maxl);
}

/* "Touch to start" in both languages: whoever walks up can read it; on
 * one button when it fits the width, else on two lines in a full-width
 * box. Its layout, shared by the drawing and the card above it. */
typedef struct {
    int sz, lh;
    bool one_line;
    int tw;              /* one line: the text's width */
    int w, h;            /* the box */
    int inner;           /* two lines: the paragraph's width */
    char text[200];
} Hint;

static void hint_layout(const App *a, Hint *h)
{
    h->sz = ui_ts(a, DP_T_TITLE);
    h->lh = h->sz * 5 / 4;
    const char *zh = i18n_get(a->i18n, LANG_ZH, "attract.touch");
    const char *en = i18n_get(a->i18n, LANG_EN, "attract.touch");
    snprintf(h->text, sizeof h->text, "%s · %s", zh, en);
    int maxw = a->w - 2 * ui_dp(a, DP_MARGIN);
    h->tw = ui_width(a, FONT_BOLD, h->sz, h->text);
    h->w = h->tw + ui_dp(a, 2 * DP_PAD_CARD);
    h->one_line = h->w <= maxw;
    if (h->one_line) {
        h->h = ui_dp(a, DP_BUTTON_H);
        return;
    }
    snprintf(h->text, sizeof h->text, "%s\n%s", zh, en);
    h->w = maxw;
    h->inner = maxw - ui_dp(a, 2 * DP_GAP_L);
    h->h = ui_para_height(a, FONT_BOLD, h->sz, h->lh, h->inner, h->text) + ui_dp(a, 2 * DP_GAP_L);
}

/* The hint, drawn to end at `bottom`. */
static void hint(const App *a, DrawList *dl, int bottom)
{
    Hint h;
    hint_layout(a, &h);
    Rect r = {(a->w - h.w) / 2, bottom - h.h, h.w, h.h};
    dl_rect(dl, r, COL_PRIMARY);
    if (h.one_line) {
        int th = measure_height(a->tm, FONT_BOLD, h.sz);
        dl_text(dl, r.x + (r.w - h.tw) / 2, r.y + (r.h - th) / 2, FONT_BOLD, h.sz,
                COL_ON_PRIMARY, h.text, -1);
    } else {
        ui_para_center(a, dl, r.x + ui_dp(a, DP_GAP_L), r.y + ui_dp(a, DP_GAP_L), h.inner,
                       FONT_BOLD, h.sz, h.lh, COL_ON_PRIMARY, h.text);
    }
}

/* The hint's height (for the card above it). */
static int hint_height(const App *a)
{
    Hint h;
    hint_layout(a, &h);
    return h.h;
}

/* The carousel; with only_urgent, the current urgent notice alone (the
 * dimmed night). */
static void carousel(const App *a, DrawList *dl, int64_t now_s, bool only_urgent)
{
    int y = ui_header(a, dl, now_s);
    dl_drop_hits(dl);   /* the first touch only wakes the kiosk */
    int m = ui_dp(a, DP_MARGIN);
    int hint_y = ui_bottom(a) - hint_height(a);
    Rect card = {m, y + m, a->w - 2 * m, hint_y - y - 2 * m};
    Slide s[MAX_SLIDES];
    int n = slides(a, now_s, s);
    if (only_urgent && n > 0 && s[0].n && s[0].n->urgent)
        n = 1;
    if (n > 0) {
        int i = slide_at(s, n, app_slide(a, now_s * 1000));
        bool urgent = s[i].n && s[i].n->urgent;
        ui_card(a, dl, card, NULL);
        slide(a, dl, card, &s[i], urgent ? LOOK_URGENT : LOOK_CARD);
        /* Dots: which slide of how many. */
        int d = ui_dp(a, DP_GAP), gap = ui_dp(a, DP_GAP_S);
        int dx = card.x + (card.w - (n * d + (n - 1) * gap)) / 2;
        for (int k = 0; n > 1 && k < n; k++)
            dl_rect(dl, (Rect){dx + k * (d + gap), card.y + card.h - ui_dp(a, DP_GAP_XXL), d, d},
                    k == i ? (urgent ? COL_ON_PRIMARY : COL_PRIMARY) : COL_BORDER);
    } else {
        const char *name = a->content ? ltext(&a->content->site_name, a->lang)
                                      : ui_tr(a, "site.default");
        int sz = ui_ts(a, DP_T_ATTRACT);
        ui_para_center(a, dl, m, card.y + card.h / 3, card.w, FONT_BOLD, sz, sz * 4 / 3,
                       COL_TEXT, name);
    }
    hint(a, dl, ui_bottom(a));
}

static void attract_view(const App *a, DrawList *dl, int64_t now_ms)
{
    carousel(a, dl, now_ms / 1000, false);
    shift(dl, now_ms);
}

const Screen screen_attract = {.name = "attract", .root = true, .enter = rest_enter,
                               .view = attract_view};

/* Night. "blank": a black screen; with an urgent notice, that notice
 * alone in light text on the black (no card, nothing else lit). "dim": the
 * carousel under a dark veil; with an urgent notice, that notice alone,
 * under a lighter veil so it stays easy to read. */
static void night_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    const Notice *u = sched_top_urgent(a->content, now_s);
    dl_set_clear(dl, (Color){0, 0, 0, 255});
    if (a->cfg->night_blank) {
        if (u) {
            int m = ui_dp(a, DP_MARGIN) * 2;
            Slide s = {u, NULL};
            slide(a, dl, (Rect){m, m, a->w - 2 * m, a->h - 2 * m}, &s, LOOK_DARK);
        }
        dl_drop_hits(dl);
        shift(dl, now_ms);
        return;
    }
    carousel(a, dl, now_s, u != NULL);
    /* Dimmed: everything under a dark veil. */
    dl_rect(dl, (Rect){-16, -16, a->w + 32, a->h + 32}, (Color){0, 0, 0, u ? 0x40 : 0xC0});
    dl_drop_hits(dl);
    shift(dl, now_ms);
}

const Screen screen_night = {.name = "night", .root = true, .enter = rest_enter,
                             .view = night_view};
