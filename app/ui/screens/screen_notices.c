/* screen_notices.c - the notices list (with category filter) and detail. */
#include <stdio.h>
#include <string.h>
#include "image.h"
#include "schedule.h"
#include "ui.h"

#define MAX_ITEMS 512

static const char *const filter_keys[] = {
    "filter.all", "cat.notice", "cat.accounts", "cat.repairs", "cat.safety", "cat.services",
};

static const char *cat_label(const App *a, Category c)
{
    static const char *const keys[CAT_COUNT] = {
        "cat.notice", "cat.accounts", "cat.repairs", "cat.safety", "cat.services",
    };
    return ui_tr(a, keys[c]);
}

/* Category chips, flowing onto more rows when narrow. Returns the bottom. */
static int filters(const App *a, DrawList *dl, int y)
{
    int m = ui_dp(a, DP_MARGIN);
    int gap = ui_dp(a, DP_GAP);
    int h = ui_dp(a, DP_TOUCH);
    int size = ui_ts(a, DP_T_BODY);
    int x = m;
    for (int f = -1; f < CAT_COUNT; f++) {
        const char *label = ui_tr(a, filter_keys[f + 1]);
        int w = ui_width(a, FONT_BOLD, size, label) + ui_dp(a, 64);   /* a filter chip: one-off sizes */
        if (w < ui_dp(a, 140))
            w = ui_dp(a, 140);
        if (x + w > a->w - m && x > m) {
            x = m;
            y += h + gap;
        }
        char id[32];
        snprintf(id, sizeof id, "filter:%s", f < 0 ? "all" : content_category_name((Category)f));
        ui_button(a, dl, (Rect){x, y, w, h}, id, NULL, label, a->filter == f);
        x += w + gap;
    }
    return y + h + ui_dp(a, DP_GAP_L);
}

/* The badges (urgent, pinned) and the title of a card from (x, y) to
 * right: the title beside the badges when it fits on that line, else the
 * badges on a row of their own and the title wrapped under them, never cut.
 * Drawn when dl is not NULL. Returns the height. */
static int card_title(const App *a, DrawList *dl, const Notice *n, int x, int y, int right)
{
    int tsz = ui_ts(a, DP_T_CARD);
    int th = measure_height(a->tm, FONT_BOLD, tsz);
    int lh = tsz * 13 / 10;
    const char *title = ltext(&n->title, a->lang);
    int bw = 0, gap = ui_dp(a, DP_GAP_S);
    if (n->urgent)
        bw += ui_badge_width(a, ICON_WARNING, ui_tr(a, "notice.urgent")) + gap;
    if (n->pinned)
        bw += ui_badge_width(a, ICON_PUSH_PIN, ui_tr(a, "notice.pinned")) + gap;
    bool beside = ui_width(a, FONT_BOLD, tsz, title) <= right - x - bw;
    int bh = ui_dp(a, DP_BADGE_H);
    int top = y;
    if (dl) {
        int bx = x;
        int by = beside ? y + (th - bh) / 2 : y;
        if (n->urgent)
            bx += ui_badge(a, dl, bx, by, COL_URGENT, ICON_WARNING, ui_tr(a, "notice.urgent")) + gap;
        if (n->pinned)
            bx += ui_badge(a, dl, bx, by, COL_PINNED, ICON_PUSH_PIN, ui_tr(a, "notice.pinned")) + gap;
        if (beside)
            dl_text(dl, bx, y, FONT_BOLD, tsz, COL_TEXT, title, -1);
    }
    if (beside)
        return th;
    if (bw > 0)
        y += bh + ui_dp(a, DP_GAP_XS);
    int h = dl ? ui_para(a, dl, x, y - (lh - th) / 2, right - x, FONT_BOLD, tsz, lh, COL_TEXT, title)
               : ui_para_height(a, FONT_BOLD, tsz, lh, right - x, title);
    return y - top + h - (lh - th);
}

/* The small picture of a card (the first the cache holds), or NULL; its
 * box is as tall as a card of three lines, less a gap above and below. */
static const ContentImage *card_thumb(const App *a, const Notice *n, int *tw, int *th)
{
    for (size_t i = 0; i < n->n_images; i++)
        if (ui_image_ready(a, &n->images[i])) {
            *th = ui_dp(a, 2 * DP_GAP_L + DP_GAP) +
                  measure_height(a->tm, FONT_BOLD, ui_ts(a, DP_T_CARD)) +
                  measure_height(a->tm, FONT_REGULAR, ui_ts(a, DP_T_BODY)) +
                  measure_height(a->tm, FONT_REGULAR, ui_ts(a, DP_T_SMALL)) -
                  2 * ui_dp(a, DP_GAP_S);
            *tw = *th * 4 / 3;
            return &n->images[i];
        }
    return NULL;
}

/* The card's text column: from the stripe to the picture or the chevron. */
static void card_column(const App *a, const Notice *n, Rect r, int *x, int *right)
{
    int pad = ui_dp(a, DP_PAD_LIST);
    *x = r.x + ui_dp(a, DP_STRIPE) + pad;
    *right = r.x + r.w - pad - ui_dp(a, DP_ICON);
    int tw, th;
    if (card_thumb(a, n, &tw, &th))
        *right -= ui_dp(a, DP_GAP_S) + tw + ui_dp(a, DP_GAP_M);
}

/* A card's height at width w: its title as it wraps, a preview line and
 * the category and date. */
static int card_height(const App *a, const Notice *n, int w)
{
    int x, right;
    card_column(a, n, (Rect){0, 0, w, 0}, &x, &right);
    return ui_dp(a, 2 * DP_GAP_L + DP_GAP) + card_title(a, NULL, n, x, 0, right) +
           measure_height(a->tm, FONT_REGULAR, ui_ts(a, DP_T_BODY)) +
           measure_height(a->tm, FONT_REGULAR, ui_ts(a, DP_T_SMALL));
}

/* One notice card in the list. */
static void card(const App *a, DrawList *dl, Rect r, const Notice *n)
{
    char id[DL_ID_MAX];
    snprintf(id, sizeof id, "notice:%s", n->id);
    ui_card(a, dl, r, id);
    dl_rect(dl, (Rect){r.x, r.y, ui_dp(a, DP_STRIPE), r.h}, ui_category_color(a, n->category));
    int pad = ui_dp(a, DP_PAD_LIST);
    int x, right;
    card_column(a, n, r, &x, &right);
    /* A small picture left of the chevron, centred in the card's height. */
    int tw, th;
    const ContentImage *img = card_thumb(a, n, &tw, &th);
    if (img) {
        int iw, ih;
        image_fit_size(img->width, img->height, tw, th, &iw, &ih);
        Rect box = {right + ui_dp(a, DP_GAP_M) + (tw - iw), r.y + (r.h - ih) / 2, iw, ih};
        ui_image(a, dl, box, img, false, NULL);
    }
    int y = r.y + ui_dp(a, DP_GAP_L);
    y += card_title(a, dl, n, x, y, right) + ui_dp(a, DP_GAP_XS);

    /* First line of the body as a preview: the card opens it whole. */
    const char *body = ltext(&n->body, a->lang);
    const char *nl = strchr(body, '\n');
    char preview[512];
    size_t len = nl ? (size_t)(nl - body) : strlen(body);
    if (len >= sizeof preview)
        len = sizeof preview - 1;
    while (len > 0 && ((unsigned char)body[len] & 0xC0) == 0x80)
        len--;   /* do not cut a character */
    memcpy(preview, body, len);
    preview[len] = '\0';
    int bsz = ui_ts(a, DP_T_BODY);
    ui_line_preview(a, dl, x, y, right - x, FONT_REGULAR, bsz, COL_TEXT2, preview);
    y += measure_height(a->tm, FONT_REGULAR, bsz) + ui_dp(a, DP_GAP_XS);

    int ssz = ui_ts(a, DP_T_SMALL);
    const char *cat = cat_label(a, n->category);
    dl_text(dl, x, y, FONT_BOLD, ssz, ui_category_color(a, n->category), cat, -1);
    char date[64], meta[160];
    ui_fmt_date(a, n->publish_at, false, date, sizeof date);
    snprintf(meta, sizeof meta, ui_tr(a, "notice.posted"), date);
    int cw = ui_width(a, FONT_BOLD, ssz, cat) + ui_dp(a, DP_GAP_L);
    ui_line(a, dl, x + cw, y, right - x - cw, FONT_REGULAR, ssz, COL_TEXT2, meta);

    int csz = ui_dp(a, DP_ICON);
    dl_text(dl, r.x + r.w - pad - csz, r.y + (r.h - measure_height(a->tm, FONT_ICON, csz)) / 2,
            FONT_ICON, csz, COL_TEXT2, ICON_CHEVRON, -1);
}


static void list_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    int y = ui_header(a, dl, now_s);
    y = ui_titlebar(a, dl, y, ui_tr(a, "home.notices"));
    y = filters(a, dl, y);

    size_t idx[MAX_ITEMS];
    size_t n = sched_notices(a->content, now_s, a->filter, idx, MAX_ITEMS);
    if (n == 0) {
        /* Under 全部 nothing at all; under a category, that one is empty. */
        char t[300];
        if (a->filter < 0)
            snprintf(t, sizeof t, "%s", ui_tr(a, "notice.none_all"));
        else
            snprintf(t, sizeof t, ui_tr(a, "notice.none"), cat_label(a, (Category)a->filter));
        ui_empty(a, dl, y, ICON_CAMPAIGN, t,
                 ui_tr(a, a->filter < 0 ? "notice.none_all_hint" : "notice.none_hint"));
        return;
    }
    int m = ui_dp(a, DP_MARGIN);
    int cw = a->w - 2 * m - ui_dp(a, DP_GUTTER);
    /* Each card as tall as its lines need (a long title wraps). */
    int ch[MAX_ITEMS];
    int gap = ui_dp(a, DP_GAP);
    Rect vp = {0, y, a->w, ui_bottom(a) - y};
    int content_h = -gap;
    for (size_t i = 0; i < n; i++) {
        ch[i] = card_height(a, &a->content->notices[idx[i]], cw);
        content_h += ch[i] + gap;
    }
    int max = content_h > vp.h ? content_h - vp.h : 0;
    int off = a->scroll[SCREEN_NOTICES] < max ? a->scroll[SCREEN_NOTICES] : max;
    dl_clip(dl, vp);
    int cy = vp.y - off;
    for (size_t i = 0; i < n; i++) {
        if (cy + ch[i] >= vp.y && cy <= vp.y + vp.h)
            card(a, dl, (Rect){m, cy, cw, ch[i]}, &a->content->notices[idx[i]]);
        cy += ch[i] + gap;
    }
    dl_unclip(dl);
    ui_scrollbar(a, dl, (Rect){0, vp.y, a->w - ui_dp(a, DP_GAP_S), vp.h}, content_h, off);
    dl_scroll(dl, vp, content_h, "scroll:notices");
}

/* The list opens with every category shown. */
static bool list_enter(App *a, int64_t now_ms)
{
    a->filter = -1;
    return true;
}

static bool list_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return false;
    if (strncmp(id, "filter:", 7) == 0) {
        const char *name = id + 7;
        a->filter = strcmp(name, "all") == 0 ? -1 : content_category_from_name(name);
        a->scroll[SCREEN_NOTICES] = 0;
        return true;
    }
    return app_open_item(a, id, now_ms);
}

const Screen screen_notices = {.name = "notices", .enter = list_enter, .on_input = list_input,
                               .view = list_view};

/* ---- detail ---- */

static void detail_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    const Notice *n = a->content ? content_find_notice(a->content, a->item) : NULL;
    int y = ui_header(a, dl, now_s);
    y = ui_titlebar(a, dl, y, n ? cat_label(a, n->category) : ui_tr(a, "home.notices"));
    if (!n) {
        ui_empty(a, dl, y, ICON_CAMPAIGN, ui_tr(a, "notice.gone"), ui_tr(a, "notice.gone_hint"));
        return;
    }
    UiDetail d;
    int cy = ui_detail_begin(a, dl, y, a->scroll[SCREEN_NOTICE], &d);
    /* The category's colour along the card's top. */
    dl_rect(dl, (Rect){d.cx, d.top, d.cw, ui_dp(a, DP_STRIPE)}, ui_category_color(a, n->category));
    cy += ui_dp(a, DP_STRIPE);
    if (n->urgent || n->pinned) {
        int bx = d.x;
        if (n->urgent)
            bx += ui_badge(a, dl, bx, cy, COL_URGENT, ICON_WARNING, ui_tr(a, "notice.urgent")) + ui_dp(a, DP_GAP_S);
        if (n->pinned)
            ui_badge(a, dl, bx, cy, COL_PINNED, ICON_PUSH_PIN, ui_tr(a, "notice.pinned"));
        cy += ui_dp(a, DP_BADGE_H) + ui_dp(a, DP_GAP_M);
    }
    cy += ui_detail_title(a, dl, &d, cy, ltext(&n->title, a->lang));
    cy += ui_dp(a, DP_GAP_S);
    int ssz = ui_ts(a, DP_T_SMALL);
    char d0[64], d1[64], meta[256];
    ui_fmt_date(a, n->publish_at, false, d0, sizeof d0);
    /* Valid until the last moment before expiry: 00:00 on 1 Feb reads 31 Jan. */
    ui_fmt_date(a, n->expire_at - 1, false, d1, sizeof d1);
    snprintf(meta, sizeof meta, ui_tr(a, "notice.meta"), d0, d1);
    cy += ui_para(a, dl, d.x, cy, d.col, FONT_REGULAR, ssz, ssz * 3 / 2, COL_TEXT2, meta);
    cy += ui_dp(a, DP_GAP_M);
    cy = ui_detail_body(a, dl, &d, cy, ltext(&n->body, a->lang), n->link,
                        ui_tr(a, "connect.scan_link"));
    cy = ui_detail_images(a, dl, &d, cy, n->id, n->images, n->n_images);
    ui_detail_end(a, dl, &d, cy, "scroll:notice");
}

/* A tap on one of its pictures opens it full-screen. */
static bool detail_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    return in->id && app_open_picture(a, PIC_NOTICE, in->id, now_ms);
}

const Screen screen_notice = {.name = "notice", .on_input = detail_input, .view = detail_view};
