/* screen_attract.c - what the kiosk shows when nobody is using it: a
 * carousel of urgent and pinned notices and the next events ("touch to
 * start"), and at night a dimmed or blank screen that still shows an urgent
 * notice. Slides follow the clock, so no state is kept. */
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

static int slides(const App *a, int64_t now_s, Slide *out)
{
    int k = 0;
    size_t idx[64];
    size_t n = sched_notices(a->content, now_s, -1, idx, 64);
    for (size_t i = 0; i < n && k < MAX_SLIDES; i++) {
        const Notice *no = &a->content->notices[idx[i]];
        if (no->urgent || no->pinned)
            out[k++] = (Slide){no, NULL};
    }
    EventGroup g[64];
    n = sched_events(a->content, now_s, idx, g, 64);
    for (size_t i = 0; i < n && i < 3 && k < MAX_SLIDES; i++)
        out[k++] = (Slide){NULL, &a->content->events[idx[i]]};
    return k;
}

/* One slide, full screen: a tag, a headline, a few lines of detail. */
static void slide(const App *a, DrawList *dl, Rect r, const Slide *s)
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
    ui_badge(a, dl, x, y, tagc, s->n && s->n->urgent ? ICON_WARNING : NULL, tag);
    y += ui_dp(a, DP_BADGE_H) + ui_dp(a, DP_GAP_XL);
    int hsz = ui_ts(a, DP_T_ATTRACT);
    y += ui_para_clamped(a, dl, x, y, w, FONT_BOLD, hsz, hsz * 4 / 3, 0, COL_TEXT, title, 3);
    y += ui_dp(a, DP_GAP_L);
    int bsz = ui_ts(a, DP_T_CARD);
    if (when[0]) {
        dl_text(dl, x, y, FONT_BOLD, bsz, COL_PRIMARY, when, -1);
        y += bsz * 3 / 2;
    }
    /* As many lines of the body as fit above the hint. */
    int maxl = (r.y + r.h - pad - y) / (bsz * 3 / 2);
    if (maxl > 0)
        ui_para_clamped(a, dl, x, y, w, FONT_REGULAR, bsz, bsz * 3 / 2, 0, COL_TEXT2, body, maxl);
}

/* "Touch to start" in both languages: whoever walks up can read it. */
static void hint(const App *a, DrawList *dl, int y)
{
    int sz = ui_ts(a, DP_T_TITLE);
    const char *zh = i18n_get(a->i18n, LANG_ZH, "attract.touch");
    const char *en = i18n_get(a->i18n, LANG_EN, "attract.touch");
    char both[200];
    snprintf(both, sizeof both, "%s · %s", zh, en);
    int tw = ui_width(a, FONT_BOLD, sz, both);
    int w = tw + ui_dp(a, 2 * DP_PAD_CARD);
    if (w > a->w - 2 * ui_dp(a, DP_MARGIN))
        w = a->w - 2 * ui_dp(a, DP_MARGIN);
    Rect r = {(a->w - w) / 2, y, w, ui_dp(a, DP_BUTTON_H)};
    dl_rect(dl, r, COL_PRIMARY);
    int room = r.w - ui_dp(a, 2 * DP_GAP_L);
    ui_line(a, dl, r.x + (r.w - (tw < room ? tw : room)) / 2,
            r.y + (r.h - measure_height(a->tm, FONT_BOLD, sz)) / 2, room, FONT_BOLD, sz,
            COL_ON_PRIMARY, both);
}

static void carousel(const App *a, DrawList *dl, int64_t now_s)
{
    int y = ui_header(a, dl, now_s);
    dl_drop_hits(dl);   /* the first touch only wakes the kiosk */
    int m = ui_dp(a, DP_MARGIN);
    int hint_y = ui_bottom(a) - ui_dp(a, DP_BUTTON_H);
    Rect card = {m, y + m, a->w - 2 * m, hint_y - y - 2 * m};
    Slide s[MAX_SLIDES];
    int n = slides(a, now_s, s);
    if (n > 0) {
        ui_card(a, dl, card, NULL);
        int i = (int)(app_slide(a, now_s * 1000) % n);
        slide(a, dl, card, &s[i]);
        /* Dots: which slide of how many. */
        int d = ui_dp(a, DP_GAP), gap = ui_dp(a, DP_GAP_S);
        int dx = card.x + (card.w - (n * d + (n - 1) * gap)) / 2;
        for (int k = 0; k < n; k++)
            dl_rect(dl, (Rect){dx + k * (d + gap), card.y + card.h - ui_dp(a, DP_GAP_XXL), d, d},
                    k == i ? COL_PRIMARY : COL_BORDER);
    } else {
        const char *name = a->content ? ltext(&a->content->site_name, a->lang)
                                      : ui_tr(a, "site.default");
        int sz = ui_ts(a, DP_T_ATTRACT);
        ui_para_center(a, dl, m, card.y + card.h / 3, card.w, FONT_BOLD, sz, sz * 4 / 3,
                       COL_TEXT, name);
    }
    hint(a, dl, hint_y);
}

static void attract_view(const App *a, DrawList *dl, int64_t now_ms)
{
    carousel(a, dl, now_ms / 1000);
    shift(dl, now_ms);
}

const Screen screen_attract = {.name = "attract", .root = true, .enter = rest_enter,
                               .view = attract_view};

/* Night: blank or dim, but an urgent notice still shows. */
static void night_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    const Notice *u = sched_top_urgent(a->content, now_s);
    if (!u && a->cfg->night_blank) {
        dl_set_clear(dl, (Color){0, 0, 0, 255});
        shift(dl, now_ms);
        return;
    }
    if (u) {
        dl_set_clear(dl, (Color){0, 0, 0, 255});
        int m = ui_dp(a, DP_MARGIN) * 2;
        Slide s = {u, NULL};
        Rect r = {m, m, a->w - 2 * m, a->h - 2 * m - ui_dp(a, 80)};   /* room for the dots: one-off */
        dl_rect(dl, r, COL_CARD);
        slide(a, dl, r, &s);
    } else {
        carousel(a, dl, now_s);
    }
    /* Dimmed: everything under a dark veil. */
    dl_rect(dl, (Rect){-16, -16, a->w + 32, a->h + 32}, (Color){0, 0, 0, u ? 0x60 : 0xC0});
    dl_drop_hits(dl);
    shift(dl, now_ms);
}

const Screen screen_night = {.name = "night", .root = true, .enter = rest_enter,
                             .view = night_view};
