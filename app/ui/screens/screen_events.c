/* screen_events.c - upcoming events grouped by day, and an event's detail. */
#include <stdio.h>
#include <string.h>
#include "schedule.h"
#include "timeutil.h"
#include "ui.h"

#define MAX_ITEMS 512

/* An icon followed by text wrapped beside it (drawn when dl is not NULL);
 * returns the height used. */
static int icon_line(const App *a, DrawList *dl, int x, int y, int w, int size,
                     const char *icon, const char *text)
{
    int lh = measure_height(a->tm, FONT_REGULAR, size);
    int isz = size * 5 / 4;
    int tx = isz + ui_dp(a, DP_GAP_S);
    if (!dl)
        return ui_para_height(a, FONT_REGULAR, size, lh, w - tx, text);
    dl_text(dl, x, y + (lh - measure_height(a->tm, FONT_ICON, isz)) / 2, FONT_ICON,
            isz, COL_TEXT2, icon, -1);
    return ui_para(a, dl, x + tx, y, w - tx, FONT_REGULAR, size, lh, COL_TEXT2, text);
}

/* The calendar block: month above, day below. */
static void date_block(const App *a, DrawList *dl, Rect r, int64_t t)
{
    LocalTime lt;
    time_local(t, &lt);
    dl_rect(dl, r, COL_PRIMARY);
    char mon[32], day[8], key[16];
    snprintf(key, sizeof key, "mon.%d", lt.mon);
    if (a->lang == LANG_ZH)
        snprintf(mon, sizeof mon, "%d月", lt.mon);
    else
        snprintf(mon, sizeof mon, "%s", ui_tr(a, key));
    snprintf(day, sizeof day, "%d", lt.mday);
    int ms = ui_ts(a, DP_T_SMALL), ds = ui_dp(a, 56);   /* the date block: one-off */
    int mh = measure_height(a->tm, FONT_REGULAR, ms);
    int dh = measure_height(a->tm, FONT_BOLD, ds);
    int y = r.y + (r.h - mh - dh) / 2;
    dl_text(dl, r.x + (r.w - ui_width(a, FONT_REGULAR, ms, mon)) / 2, y, FONT_REGULAR,
            ms, COL_ON_PRIMARY, mon, -1);
    dl_text(dl, r.x + (r.w - ui_width(a, FONT_BOLD, ds, day)) / 2, y + mh, FONT_BOLD,
            ds, COL_ON_PRIMARY, day, -1);
}

/* The text of a card at (x, y) to right: title, time and place, each
 * wrapped, never cut (drawn when dl is not NULL). Returns its height. */
static int card_text(const App *a, DrawList *dl, const Event *e, int x, int y, int right)
{
    int top = y;
    int tsz = ui_ts(a, DP_T_CARD);
    int th = measure_height(a->tm, FONT_BOLD, tsz);
    const char *title = ltext(&e->title, a->lang);
    y += dl ? ui_para(a, dl, x, y, right - x, FONT_BOLD, tsz, th, COL_TEXT, title)
            : ui_para_height(a, FONT_BOLD, tsz, th, right - x, title);
    y += ui_dp(a, DP_GAP_XS);
    char when[160];
    ui_fmt_range(a, e->start, e->end, when, sizeof when);
    int ssz = ui_ts(a, DP_T_SMALL + 2);
    y += icon_line(a, dl, x, y, right - x, ssz, ICON_SCHEDULE, when) + ui_dp(a, DP_GAP_XS);
    y += icon_line(a, dl, x, y, right - x, ssz, ICON_PLACE, ltext(&e->location, a->lang));
    return y - top;
}

#define EVENT_DATE_W 140   /* dp: the date block on an event's card (its text column starts after) */

/* The card's text column for a card at r. */
static void card_column(const App *a, Rect r, int *x, int *right)
{
    int pad = ui_dp(a, DP_GAP_L);
    *x = r.x + pad + ui_dp(a, EVENT_DATE_W) + ui_dp(a, DP_GAP_XL);
    *right = r.x + r.w - pad - ui_dp(a, DP_ICON);
}

static int card_height(const App *a, const Event *e, int w)
{
    int x, right;
    card_column(a, (Rect){0, 0, w, 0}, &x, &right);
    int h = ui_dp(a, 2 * DP_GAP_L + DP_GAP) + card_text(a, NULL, e, x, 0, right);
    return h < ui_dp(a, 200) ? ui_dp(a, 200) : h;   /* a card at least this tall: one-off */
}

static void card(const App *a, DrawList *dl, Rect r, const Event *e)
{
    char id[DL_ID_MAX];
    snprintf(id, sizeof id, "event:%s", e->id);
    ui_card(a, dl, r, id);
    int pad = ui_dp(a, DP_GAP_L);
    int bw = ui_dp(a, EVENT_DATE_W);
    date_block(a, dl, (Rect){r.x + pad, r.y + pad, bw, r.h - 2 * pad}, e->start);
    int x, right;
    card_column(a, r, &x, &right);
    card_text(a, dl, e, x, r.y + pad, right);
    int csz = ui_dp(a, DP_ICON);
    dl_text(dl, r.x + r.w - pad - csz, r.y + (r.h - measure_height(a->tm, FONT_ICON, csz)) / 2,
            FONT_ICON, csz, COL_TEXT2, ICON_CHEVRON, -1);
}

static void list_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    static const char *const group_keys[EVG_COUNT] = {
        "events.today", "events.week", "events.later",
    };
    int y = ui_header(a, dl, now_s);
    y = ui_titlebar(a, dl, y, ui_tr(a, "home.events"));
    size_t idx[MAX_ITEMS];
    EventGroup grp[MAX_ITEMS];
    size_t n = sched_events(a->content, now_s, idx, grp, MAX_ITEMS);
    if (n == 0) {
        ui_empty(a, dl, y, ICON_EVENT, ui_tr(a, "events.none"), ui_tr(a, "events.none_hint"));
        return;
    }
    int m = ui_dp(a, DP_MARGIN);
    int cw = a->w - 2 * m - ui_dp(a, DP_GUTTER);
    int ch[MAX_ITEMS], gap = ui_dp(a, DP_GAP);
    for (size_t i = 0; i < n; i++)
        ch[i] = card_height(a, &a->content->events[idx[i]], cw);
    int gsz = ui_ts(a, DP_T_BODY);
    int gh = ui_dp(a, 72);   /* a group heading's row: one-off */
    Rect vp = {0, y, a->w, ui_bottom(a) - y};
    int content_h = 0;
    for (size_t i = 0; i < n; i++)
        content_h += (i == 0 || grp[i] != grp[i - 1] ? gh : 0) + ch[i] + gap;
    int max = content_h > vp.h ? content_h - vp.h : 0;
    int off = a->scroll[SCREEN_EVENTS] < max ? a->scroll[SCREEN_EVENTS] : max;
    dl_clip(dl, vp);
    int cy = vp.y - off;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || grp[i] != grp[i - 1]) {
            dl_text(dl, m, cy + gh - measure_height(a->tm, FONT_BOLD, gsz) - ui_dp(a, DP_GAP_S),
                    FONT_BOLD, gsz, COL_PRIMARY, ui_tr(a, group_keys[grp[i]]), -1);
            cy += gh;
        }
        if (cy + ch[i] >= vp.y && cy <= vp.y + vp.h)
            card(a, dl, (Rect){m, cy, cw, ch[i]}, &a->content->events[idx[i]]);
        cy += ch[i] + gap;
    }
    dl_unclip(dl);
    ui_scrollbar(a, dl, (Rect){0, vp.y, a->w - ui_dp(a, DP_GAP_S), vp.h}, content_h, off);
    dl_scroll(dl, vp, content_h, "scroll:events");
}

static bool list_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    return in->id && app_open_item(a, in->id, now_ms);
}

const Screen screen_events = {.name = "events", .on_input = list_input, .view = list_view};

/* ---- detail ---- */

static void detail_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    const Event *e = a->content ? content_find_event(a->content, a->item) : NULL;
    int y = ui_header(a, dl, now_s);
    y = ui_titlebar(a, dl, y, ui_tr(a, "home.events"));
    if (!e)
        return;
    UiDetail d;
    int cy = ui_detail_begin(a, dl, y, a->scroll[SCREEN_EVENT], &d);
    cy += ui_detail_title(a, dl, &d, cy, ltext(&e->title, a->lang));
    cy += ui_dp(a, DP_GAP_M);
    char when[160];
    ui_fmt_range(a, e->start, e->end, when, sizeof when);
    int bsz = ui_ts(a, DP_T_BODY);
    cy += icon_line(a, dl, d.x, cy, d.col, bsz, ICON_SCHEDULE, when) + ui_dp(a, DP_GAP_S);
    cy += icon_line(a, dl, d.x, cy, d.col, bsz, ICON_PLACE, ltext(&e->location, a->lang));
    cy += ui_dp(a, DP_GAP_L);
    cy = ui_detail_body(a, dl, &d, cy, ltext(&e->description, a->lang), e->signup_url,
                        ui_tr(a, "connect.scan_signup"));
    cy = ui_detail_images(a, dl, &d, cy, e->id, e->images, e->n_images);
    ui_detail_end(a, dl, &d, cy, "scroll:event");
}

/* A tap on one of its pictures opens it full-screen. */
static bool detail_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    return in->id && app_open_picture(a, PIC_EVENT, in->id, now_ms);
}

const Screen screen_event = {.name = "event", .on_input = detail_input, .view = detail_view};
