/* screen_home.c - the home screen: urgent banner and capability tiles. */
#include <stdio.h>
#include <string.h>
#include "outbox.h"
#include "schedule.h"
#include "ui.h"

/* Lines of a tile centred in r, wrapped (never cut) to its width less pad a
 * side. Returns the height. */
static int centred_lines(const App *a, DrawList *dl, Rect r, int pad, int y, FontFace face,
                         int size, Color c, const char *s)
{
    int lh = measure_height(a->tm, face, size);
    if (!dl)
        return ui_para_height(a, face, size, lh, r.w - 2 * pad, s);
    return ui_para_center(a, dl, r.x + pad, y, r.w - 2 * pad, face, size, lh, c, s);
}

/* One large tile: icon, label (at lsz, the same for every tile), and a
 * small second line. */
static void tile(const App *a, DrawList *dl, Rect r, const char *id,
                 const char *icon, const char *label, const char *label_en,
                 const char *sub, int lsz)
{
    ui_card(a, dl, r, id);
    int pad = ui_dp(a, DP_PAD_TILE);
    int isz = ui_dp(a, DP_ICON_L);
    if (isz > r.h / 4)
        isz = r.h / 4;   /* short tiles (a small panel): a smaller icon, some air */
    int ssz = ui_ts(a, DP_T_SMALL);
    int esz = ui_ts(a, DP_T_BODY);
    /* Vertical stack centred in the tile; when it does not fit (large
     * text on a small panel) the small line goes first, then the icon
     * shrinks, so nothing touches the tile's edge. */
    int room = r.h - ui_dp(a, DP_GAP_XL);
    int h;
    for (;;) {
        h = isz + ui_dp(a, DP_GAP_L) + centred_lines(a, NULL, r, pad, 0, FONT_BOLD, lsz, COL_TEXT, label);
        if (label_en)
            h += ui_dp(a, DP_GAP_XXS) +
                 centred_lines(a, NULL, r, pad, 0, FONT_REGULAR, esz, COL_TEXT2, label_en);
        if (sub)
            h += ui_dp(a, DP_GAP) + centred_lines(a, NULL, r, pad, 0, FONT_REGULAR, ssz, COL_TEXT2, sub);
        if (h <= room)
            break;
        if (sub)
            sub = NULL;
        else if (isz > ui_dp(a, DP_ICON))
            isz = isz * 3 / 4 > ui_dp(a, DP_ICON) ? isz * 3 / 4 : ui_dp(a, DP_ICON);
        else if (label_en)
            label_en = NULL;
        else
            break;
    }
    int y = r.y + (r.h - h) / 2;
    int iw = ui_width(a, FONT_ICON, isz, icon);
    dl_text(dl, r.x + (r.w - iw) / 2, y, FONT_ICON, isz, COL_PRIMARY, icon, -1);
    y += isz + ui_dp(a, DP_GAP_L);
    y += centred_lines(a, dl, r, pad, y, FONT_BOLD, lsz, COL_TEXT, label);
    if (label_en) {
        y += ui_dp(a, DP_GAP_XXS);
        y += centred_lines(a, dl, r, pad, y, FONT_REGULAR, esz, COL_TEXT2, label_en);
    }
    if (sub) {
        y += ui_dp(a, DP_GAP);
        centred_lines(a, dl, r, pad, y, FONT_REGULAR, ssz, COL_TEXT2, sub);
    }
}

/* The newest notices as one-line rows, as many as fit between y and bottom. */
static void latest(const App *a, DrawList *dl, int y, int bottom, const size_t *idx,
                   size_t n)
{
    int m = ui_dp(a, DP_MARGIN);
    int hsz = ui_ts(a, DP_T_BODY);
    int hh = measure_height(a->tm, FONT_BOLD, hsz) + ui_dp(a, DP_GAP);
    int rh = ui_dp(a, DP_TOUCH + DP_GAP_XS), gap = ui_dp(a, DP_GAP_S);
    int rows = (bottom - y - hh + gap) / (rh + gap);
    if (rows < 2 || n == 0)
        return;
    dl_text(dl, m, y, FONT_BOLD, hsz, COL_PRIMARY, ui_tr(a, "home.latest"), -1);
    y += hh;
    int tsz = ui_ts(a, DP_T_BODY);
    for (size_t i = 0; i < n && (int)i < rows; i++) {
        const Notice *no = &a->content->notices[idx[i]];
        char id[DL_ID_MAX];
        snprintf(id, sizeof id, "notice:%s", no->id);
        Rect r = {m, y, a->w - 2 * m, rh};
        ui_card(a, dl, r, id);
        dl_rect(dl, (Rect){r.x, r.y, ui_dp(a, 10) /* thinner than a card's */, r.h}, ui_category_color(a, no->category));
        int x = r.x + ui_dp(a, 36);   /* past the stripe: one-off */
        int th = measure_height(a->tm, FONT_REGULAR, tsz);
        if (no->urgent)
            x += ui_badge(a, dl, x, r.y + (r.h - ui_dp(a, DP_BADGE_H)) / 2, COL_URGENT, NULL,
                          ui_tr(a, "notice.urgent")) + ui_dp(a, DP_GAP);
        ui_line(a, dl, x, r.y + (r.h - th) / 2, r.x + r.w - ui_dp(a, DP_GAP_XL) - x,
                FONT_REGULAR, tsz, COL_TEXT, ltext(&no->title, a->lang));
        y += rh + gap;
    }
}

static const char *const faces[5] = {
    "\xee\xa0\x94", "\xee\xa0\x91", "\xee\xa0\x92", "\xee\xa0\x93", "\xee\xa0\x95",
};   /* sentiment_very_dissatisfied ... sentiment_very_satisfied */

/* The faces' row width. */
static int faces_width(const App *a)
{
    return 5 * ui_dp(a, DP_TOUCH) + 4 * ui_dp(a, DP_GAP);
}

/* The question stands over the faces in portrait, and wherever it does not
 * fit beside them on one line (large text): it is never cut. */
static bool rating_stacked(const App *a)
{
    int pad = ui_dp(a, DP_GAP_L);
    int tw = a->w - 2 * ui_dp(a, DP_MARGIN) - 3 * pad - faces_width(a);
    return a->w < a->h ||
           ui_width(a, FONT_BOLD, ui_ts(a, DP_T_BODY), ui_tr(a, "rate.question")) > tw;
}

static int rating_height(const App *a)
{
    int qsz = ui_ts(a, DP_T_BODY);
    if (rating_stacked(a))
        return ui_dp(a, DP_GAP_L + DP_GAP + DP_GAP_L + DP_TOUCH) +
               ui_para_height(a, FONT_BOLD, qsz, qsz * 3 / 2, a->w - 2 * ui_dp(a, DP_MARGIN + DP_GAP_L),
                              ui_tr(a, "rate.question"));
    int q = measure_height(a->tm, FONT_BOLD, qsz);
    return q > ui_dp(a, DP_TOUCH) ? q + ui_dp(a, DP_GAP_L) : ui_dp(a, DP_TOUCH + DP_GAP_L);
}

/* "How satisfied are you with our property service this month?" and five
 * faces, one tap; answered (or after a failed save): a short line. */
static void rating(const App *a, DrawList *dl, Rect r, int64_t now_ms)
{
    dl_rect(dl, r, COL_CARD);
    dl_frame(dl, r, COL_BORDER, ui_dp(a, DP_BORDER));
    int pad = ui_dp(a, DP_GAP_L);
    int qsz = ui_ts(a, DP_T_BODY);
    int face = ui_dp(a, DP_TOUCH);
    int fw = faces_width(a);
    int tx = r.x + pad;
    int tw = r.w - 3 * pad - fw;
    int ty = r.y + (r.h - measure_height(a->tm, FONT_BOLD, qsz)) / 2;
    static const Color tint[5] = {
        {0xC6, 0x28, 0x28, 0xFF}, {0xB3, 0x4E, 0x00, 0xFF}, {0x59, 0x59, 0x59, 0xFF},
        {0x2E, 0x7D, 0x32, 0xFF}, {0x1B, 0x5E, 0x20, 0xFF},
    };
    if (a->rate_pending || a->rated) {
        /* What was chosen, with its face; while it can still be changed,
         * how long for and a button to change it. */
        char key[24], t[300];
        int score = a->rate_pending ? a->rate_pending : a->rated_score;
        snprintf(key, sizeof key, "rate.face.%d", score >= 1 && score <= 5 ? score : 3);
        int isz = face * 4 / 5, x = tx;
        if (score >= 1 && score <= 5 && a->rated >= 0) {
            dl_text(dl, x, r.y + (r.h - measure_height(a->tm, FONT_ICON, isz)) / 2, FONT_ICON,
                    isz, a->contrast ? COL_TEXT : tint[score - 1], faces[score - 1], -1);
            x += isz + ui_dp(a, DP_GAP);
        }
        int bw = 0;
        if (a->rate_pending) {
            int64_t left = (a->rate_commit_ms - now_ms + 999) / 1000;
            snprintf(t, sizeof t, ui_tr(a, "rate.pending"), ui_tr(a, key),
                     (int)(left > 0 ? left : 0));
            const char *cl = ui_tr(a, "rate.change");
            bw = ui_width(a, FONT_BOLD, ui_ts(a, DP_T_BODY), cl) + ui_dp(a, 2 * DP_GAP_L);
            if (bw < ui_dp(a, 200))   /* the change button: one-off minimum */
                bw = ui_dp(a, 200);
            Rect b = {r.x + r.w - pad - bw, r.y + (r.h - face) / 2, bw, face};
            ui_button(a, dl, b, "rate:change", NULL, cl, false);
            bw += pad;
        } else if (a->rated > 0) {
            snprintf(t, sizeof t, ui_tr(a, "rate.thanks"), ui_tr(a, key));
        } else {
            snprintf(t, sizeof t, "%s", ui_tr(a, "rate.failed"));
        }
        int w = r.x + r.w - pad - bw - x;
        int lh = qsz * 3 / 2;
        int h = ui_para_height(a, FONT_BOLD, qsz, lh, w, t);
        ui_para(a, dl, x, r.y + (r.h - h) / 2 + (lh - measure_height(a->tm, FONT_BOLD, qsz)) / 2,
                w, FONT_BOLD, qsz, lh, a->rated < 0 ? COL_TEXT2 : a->rated ? COL_GOOD : COL_TEXT, t);
        return;
    }
    int fx = r.x + r.w - pad - fw;
    int fy = r.y + (r.h - face) / 2;
    if (rating_stacked(a)) {
        int qh = ui_para(a, dl, tx, r.y + pad, r.w - 2 * pad, FONT_BOLD, qsz, qsz * 3 / 2,
                         COL_TEXT, ui_tr(a, "rate.question"));
        fx = r.x + (r.w - fw) / 2;
        fy = r.y + pad + qh + ui_dp(a, DP_GAP);
    } else {
        ui_line(a, dl, tx, ty, tw, FONT_BOLD, qsz, COL_TEXT, ui_tr(a, "rate.question"));
    }
    for (int i = 0; i < 5; i++) {
        char id[24];
        snprintf(id, sizeof id, "rate:%d", i + 1);
        Rect b = {fx + i * (face + ui_dp(a, DP_GAP)), fy, face, face};
        dl_rect(dl, b, ui_pressed(a, id) ? COL_PRESSED : COL_CARD);
        int isz = face * 4 / 5;
        dl_text(dl, b.x + (b.w - ui_width(a, FONT_ICON, isz, faces[i])) / 2,
                b.y + (b.h - measure_height(a->tm, FONT_ICON, isz)) / 2, FONT_ICON, isz,
                a->contrast ? COL_TEXT : tint[i], faces[i], -1);
        dl_hit(dl, b, id);
    }
}

/* The most urgent notice as a red banner at y: icon, "紧急" and the whole
 * title, wrapped to as many lines as it needs (never cut: the date in it
 * is what residents need). Returns its height. */
static int urgent_banner(const App *a, DrawList *dl, const Notice *u, int y)
{
    int m = ui_dp(a, DP_MARGIN);
    int pad = ui_dp(a, DP_PAD_LIST);
    int isz = ui_dp(a, 56);   /* the row's icon: one-off */
    int tsz = ui_ts(a, DP_T_CARD);
    int lh = tsz * 5 / 4;
    int csz = ui_dp(a, DP_ICON);
    const char *tag = ui_tr(a, "notice.urgent");
    int tagw = ui_width(a, FONT_BOLD, tsz, tag);
    int tx = m + pad + isz + ui_dp(a, DP_GAP_M) + tagw + ui_dp(a, DP_GAP_L);
    int right = a->w - m - pad - csz - ui_dp(a, DP_GAP);
    const char *title = ltext(&u->title, a->lang);
    int th = ui_para_height(a, FONT_BOLD, tsz, lh, right - tx, title);
    int h = th + 2 * pad > ui_dp(a, DP_BUTTON_H) ? th + 2 * pad : ui_dp(a, DP_BUTTON_H);
    Rect b = {m, y, a->w - 2 * m, h};
    char pid[DL_ID_MAX];
    snprintf(pid, sizeof pid, "notice:%s", u->id);
    bool p = ui_pressed(a, pid);
    dl_rect(dl, b, p ? (Color){(uint8_t)(COL_URGENT.r * 3 / 4), (uint8_t)(COL_URGENT.g * 3 / 4), (uint8_t)(COL_URGENT.b * 3 / 4), 0xFF} : COL_URGENT);
    int top = b.y + (b.h - th) / 2;   /* the text block, centred */
    int first = top + (lh - measure_height(a->tm, FONT_BOLD, tsz)) / 2;   /* its first line */
    dl_text(dl, b.x + pad, top + (lh - measure_height(a->tm, FONT_ICON, isz)) / 2,
            FONT_ICON, isz, COL_ON_PRIMARY, ICON_WARNING, -1);
    dl_text(dl, b.x + pad + isz + ui_dp(a, DP_GAP_M), first, FONT_BOLD, tsz, COL_ON_PRIMARY, tag,
            -1);
    ui_para(a, dl, tx, top, right - tx, FONT_BOLD, tsz, lh, COL_ON_PRIMARY, title);
    dl_text(dl, b.x + b.w - pad - csz, b.y + (b.h - measure_height(a->tm, FONT_ICON, csz)) / 2,
            FONT_ICON, csz, COL_ON_PRIMARY, ICON_CHEVRON, -1);
    dl_hit(dl, b, pid);
    return h;
}

static void view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    int y = ui_header(a, dl, now_s);
    int m = ui_dp(a, DP_MARGIN);
    y += m;

    const Notice *u = sched_top_urgent(a->content, now_s);
    if (u)
        y += urgent_banner(a, dl, u, y) + m;

    size_t idx[512];
    size_t nn = sched_notices(a->content, now_s, -1, idx, 512);
    EventGroup g[512];
    size_t ne = sched_events(a->content, now_s, idx, g, 512);
    char subn[64], sube[64];
    snprintf(subn, sizeof subn, ui_tr(a, "home.notices_count"), (int)nn);
    snprintf(sube, sizeof sube, ui_tr(a, "home.events_count"), (int)ne);

    int bottom = ui_bottom(a);
    int gap = ui_dp(a, DP_GAP_XL);
    bool portrait = a->w < a->h;
    /* The monthly satisfaction question: in landscape above the tiles, in
     * portrait under them. Once answered, a thank-you for the visit. */
    int rate_h = rating_height(a);
    bool can_rate = a->outbox && !a->suggest_paused;
    if (!portrait && can_rate) {
        rating(a, dl, (Rect){m, y, a->w - 2 * m, rate_h}, now_ms);
        y += rate_h + ui_dp(a, DP_GAP_L);
    }
    int avail_h = bottom - y;
    /* One tile per capability: 3 x 2 in landscape, 2 x 3 in portrait. */
    enum { NTILES = 6 };
    static const struct { const char *id, *icon, *key, *sub; } tiles[NTILES] = {
        {"tile:notices", ICON_CAMPAIGN, "home.notices", NULL},
        {"tile:events", ICON_EVENT, "home.events", NULL},
        {"tile:suggest", ICON_EDIT_NOTE, "home.suggest", "home.suggest_sub"},
        {"tile:connect", ICON_QR, "home.connect", "home.connect_sub"},
        {"tile:reply", ICON_QA, "home.reply", "home.reply_sub"},
        {"tile:board", ICON_FACT_CHECK, "home.board", "home.board_sub"},
    };
    int cols = portrait ? 2 : 3, rows = NTILES / cols;
    int tw = (a->w - 2 * m - (cols - 1) * gap) / cols;
    int th = (avail_h - (rows - 1) * gap) / rows;
    if (portrait && can_rate)   /* the rating's room under the tiles */
        th = (avail_h - rate_h - rows * gap) / rows;
    if (portrait && th > ui_dp(a, 420))   /* tiles no taller: one-off */
        th = ui_dp(a, 420);
    /* One label size for every tile: the largest at which each label fits
     * its tile on one line, not under 38 dp; a longer one wraps. */
    int lsz = ui_ts(a, DP_T_TITLE + 8);
    for (int i = 0; i < NTILES; i++) {
        int f = ui_fit_size(a, FONT_BOLD, ui_ts(a, DP_T_TITLE + 8), ui_dp(a, 38) /* smallest */,
                            tw - 2 * ui_dp(a, DP_PAD_TILE), ui_tr(a, tiles[i].key));
        if (f < lsz)
            lsz = f;
    }
    Rect t[NTILES];
    for (int i = 0; i < NTILES; i++) {
        t[i] = (Rect){m + (i % cols) * (tw + gap), y + (i / cols) * (th + gap), tw, th};
        const char *sub = i == 0 ? subn : i == 1 ? sube : ui_tr(a, tiles[i].sub);
        if (i == 2 && a->suggest_paused)
            sub = ui_tr(a, "home.suggest_paused");
        const char *en = a->lang == LANG_ZH ? i18n_get(a->i18n, LANG_EN, tiles[i].key) : NULL;
        tile(a, dl, t[i], tiles[i].id, tiles[i].icon, ui_tr(a, tiles[i].key), en, sub, lsz);
    }
    if (portrait) {
        int ry = t[NTILES - 1].y + t[NTILES - 1].h + gap;
        if (can_rate) {
            rating(a, dl, (Rect){m, ry, a->w - 2 * m, rate_h}, now_ms);
            ry += rate_h + gap;
        }
        size_t nidx[512];
        size_t count = sched_notices(a->content, now_s, -1, nidx, 512);
        latest(a, dl, ry, bottom, nidx, count);
    }
}

void app_rate_commit(App *a, int64_t now_ms)
{
    if (!a->rate_pending)
        return;
    int score = a->rate_pending;
    a->rate_pending = 0;
    a->rated_score = score;
    if (!a->outbox) {
        a->rated = -1;
        return;
    }
    /* A flood of taps (one per visit, visits seconds apart) is thanked
     * like anyone but not stored: it would crowd suggestions out of the
     * outbox. The bucket is the suggestions' own size, kept apart. */
    if (!rl_take(&a->rate_rl, now_ms)) {
        a->rated = 1;
        return;
    }
    /* Counts only: the score and the month, nothing else. */
    char err[200];
    OutboxResult r = outbox_push_rating(a->outbox, score, now_ms / 1000, err, sizeof err);
    a->rated = r == OUTBOX_OK ? 1 : -1;
    if (r != OUTBOX_OK)
        fprintf(stderr, "kiosk: a rating could not be saved: %s\n", err);
}

static bool on_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return false;
    if (strncmp(id, "rate:", 5) == 0 && id[5] >= '1' && id[5] <= '5' && !id[6]) {
        if (a->rated || a->rate_pending || !a->outbox || a->suggest_paused)
            return true;
        /* Shown at once with a way to change it; stored a few seconds later. */
        a->rate_pending = id[5] - '0';
        a->rate_commit_ms = now_ms + RATE_UNDO_MS;
        return true;
    }
    if (strcmp(id, "rate:change") == 0) {
        a->rate_pending = 0;   /* the faces again */
        return true;
    }
    /* A tile opens its screen (the suggestion flow may refuse: too many
     * suggestions in a short time; its dialog says so over home). */
    static const struct { const char *id; ScreenId s; } tiles[] = {
        {"tile:notices", SCREEN_NOTICES}, {"tile:events", SCREEN_EVENTS},
        {"tile:suggest", SCREEN_SUGGEST}, {"tile:connect", SCREEN_CONNECT},
        {"tile:reply", SCREEN_REPLY},     {"tile:board", SCREEN_BOARD},
    };
    for (size_t i = 0; i < sizeof tiles / sizeof tiles[0]; i++)
        if (strcmp(id, tiles[i].id) == 0) {
            app_go(a, tiles[i].s, now_ms);
            return true;
        }
    return app_open_item(a, id, now_ms);
}

const Screen screen_home = {.name = "home", .root = true, .on_input = on_input, .view = view};
