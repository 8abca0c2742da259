/* screen_reply.c - "Check a reply" by receipt code, and "You said, we did". */
#include <stdio.h>
#include <string.h>
#include "receipt.h"
#include "ui.h"
#include "image.h"

/* The receipt alphabet, as keys (the same symbols the kiosk prints). */
static const char code_keys[] = RECEIPT_ALPHABET;

static void code_display(const char *raw, char *out, size_t n)
{
    char shown[12];
    size_t len = strlen(raw);
    for (size_t i = 0, k = 0; i < 8; i++) {
        if (i == 4)
            shown[k++] = '-';
        shown[k++] = i < len ? raw[i] : '_';
        shown[k] = '\0';
    }
    snprintf(out, n, "%s", shown);
}

static Color status_color(const App *a, ReplyStatus s)
{
    switch (s) {
    case REPLY_DONE: return COL_CAT_ACCOUNTS;
    case REPLY_IN_PROGRESS: return COL_CAT_REPAIRS;
    case REPLY_DECLINED: return COL_TEXT2;
    default: return COL_PRIMARY;
    }
}

/* The answer for the code looked up (found, unknown or malformed). */
static void result(const App *a, DrawList *dl, Rect r)
{
    ui_card(a, dl, r, NULL);
    int pad = ui_dp(a, 36), w = r.w - 2 * pad;   /* the result card: one-off */
    int x = r.x + pad, y = r.y + pad;
    int bsz = ui_ts(a, DP_T_BODY), tsz = ui_ts(a, DP_T_CARD);
    char code[16];
    code_display(a->reply_found, code, sizeof code);
    if (a->reply_state == 3) {
        ui_para(a, dl, x, y, w, FONT_REGULAR, bsz, bsz * 3 / 2, COL_URGENT,
                ui_tr(a, "reply.malformed"));
        return;
    }
    if (a->reply_state == 4) {
        /* The derivation runs off the UI thread: the code, and that it is
         * being checked. */
        char msg[200];
        snprintf(msg, sizeof msg, ui_tr(a, "reply.checking"), code);
        ui_para(a, dl, x, y, w, FONT_REGULAR, bsz, bsz * 3 / 2, COL_TEXT2, msg);
        return;
    }
    const Reply *rp = a->reply_state == 1 ? a->reply_open : NULL;
    if (!rp) {
        char msg[400];
        snprintf(msg, sizeof msg, ui_tr(a, "reply.unknown"), code);
        ui_empty_block(a, dl, x, y, w, ICON_QA, msg, ui_tr(a, "reply.unknown_hint"));
        return;
    }
    dl_text(dl, x, y, FONT_BOLD, tsz, COL_TEXT, code, -1);
    y += tsz * 3 / 2 + ui_dp(a, DP_GAP_XS);
    char key[32];
    snprintf(key, sizeof key, "reply.status.%s", content_reply_status_name(rp->status));
    int bw = ui_badge(a, dl, x, y, status_color(a, rp->status), NULL, ui_tr(a, key));
    char date[64], upd[128];
    ui_fmt_date(a, rp->updated_at, false, date, sizeof date);
    snprintf(upd, sizeof upd, ui_tr(a, "reply.updated"), date);
    dl_text(dl, x + bw + ui_dp(a, DP_GAP), y + ui_dp(a, 6) /* centred on the badge */, FONT_REGULAR, ui_ts(a, DP_T_SMALL),
            COL_TEXT2, upd, -1);
    y += ui_dp(a, DP_BADGE_H) + ui_dp(a, DP_GAP_L);
    const char *text = ltext(&rp->reply, a->lang);
    if (!text[0])
        text = ui_tr(a, "reply.no_text");
    dl_clip(dl, (Rect){r.x, y, r.w, r.y + r.h - pad - y});
    ui_para(a, dl, x, y, w, FONT_REGULAR, bsz, bsz * 3 / 2, COL_TEXT, text);
    dl_unclip(dl);
}

static void reply_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    int y = ui_header(a, dl, now_s);
    y = ui_titlebar(a, dl, y, ui_tr(a, "reply.title"));
    int m = ui_dp(a, DP_MARGIN);
    bool portrait = a->w < a->h;
    int key = ui_dp(a, DP_TOUCH), gap = ui_dp(a, DP_GAP_S);
    int cols = 7;
    int kw = cols * key + (cols - 1) * gap;
    int left = portrait ? (a->w - kw) / 2 : m;
    int ssz = ui_ts(a, DP_T_SMALL + 2);
    y += ui_para(a, dl, left, y, a->w - left - m, FONT_REGULAR, ssz, ssz * 3 / 2, COL_TEXT2,
                 ui_tr(a, "reply.prompt"));
    y += ssz / 2;
    /* What has been typed, XXXX-XXXX. */
    char shown[16];
    code_display(a->reply_code, shown, sizeof shown);
    int csz = ui_dp(a, DP_T_ATTRACT);   /* the code as large as a headline */
    Rect box = {left, y, kw, csz * 3 / 2};
    dl_rect(dl, box, COL_CARD);
    dl_frame(dl, box, COL_PRIMARY, ui_dp(a, DP_RULE_BOLD));
    int tw = ui_width(a, FONT_BOLD, csz, shown);
    dl_text(dl, box.x + (box.w - tw) / 2, box.y + (box.h - measure_height(a->tm, FONT_BOLD, csz)) / 2,
            FONT_BOLD, csz, COL_PRIMARY, shown, -1);
    y += box.h + ui_dp(a, DP_GAP_M);
    for (int i = 0; code_keys[i]; i++) {
        char id[16], label[2] = {code_keys[i], '\0'};
        snprintf(id, sizeof id, "code:%c", code_keys[i]);
        Rect r = {left + (i % cols) * (key + gap), y + (i / cols) * (key + gap), key, key};
        ui_button(a, dl, r, id, NULL, label, false);
    }
    int rows = (int)((sizeof code_keys - 1 + cols - 1) / cols);
    int by = y + rows * (key + gap);
    int half = (kw - gap) / 2;
    ui_button(a, dl, (Rect){left, by, half / 2, key}, "code:del", ICON_BACKSPACE, "", false);
    ui_button(a, dl, (Rect){left + half / 2 + gap, by, half - half / 2 - gap, key}, "code:clear",
              NULL, ui_tr(a, "staff.clear"), false);
    ui_button(a, dl, (Rect){left + half + gap, by, half, key}, "code:ok", ICON_SEARCH,
              ui_tr(a, "reply.check"), true);
    if (a->reply_state == 0)
        return;
    Rect res = portrait ? (Rect){m, by + key + ui_dp(a, DP_GAP_XL), a->w - 2 * m, 0}
                        : (Rect){left + kw + 2 * m, box.y, a->w - left - kw - 3 * m, 0};
    res.h = ui_bottom(a) - res.y;
    result(a, dl, res);
}

/* Look the code in reply_found up. On a sealed feed the derivation
 * (RECEIPT_OPSLIMIT, RECEIPT_MEMLIMIT: 15 ms on a quiet machine here, 150
 * ms under load, docs/BENCHMARKS.md) runs on a thread of its own while the
 * screen says it is checking (`checking`: state 4 meanwhile; else what is
 * shown stays until the answer replaces it); reply_poll takes the answer.
 * A plain feed answers at once. A wrong code, a box that does not open
 * and an error all read "no reply yet". */
static void reply_lookup(App *a, bool checking)
{
    content_reply_check_cancel(a->reply_job);
    a->reply_job = content_reply_check_start(a->content, a->reply_found);
    if (a->reply_job) {
        if (checking) {
            content_reply_free(a->reply_open);
            a->reply_open = NULL;
            a->reply_state = 4;
        }
        return;
    }
    content_reply_free(a->reply_open);
    a->reply_open = NULL;
    a->reply_state = content_open_reply(a->content, a->reply_found, &a->reply_open) ==
                             CONTENT_REPLY_FOUND ? 1 : 2;
}

bool reply_poll(App *a, bool wait)
{
    if (!a->reply_job || (!wait && !content_reply_check_done(a->reply_job)))
        return false;
    Reply *r;
    ContentReplyResult res = content_reply_check_finish(a->reply_job, a->content, &r);
    a->reply_job = NULL;
    content_reply_free(a->reply_open);
    a->reply_open = r;
    a->reply_state = res == CONTENT_REPLY_FOUND ? 1 : 2;
    return true;
}

/* New content: the code in reply_found is looked up again (a check under
 * way starts again under the new feed). */
static void reply_refresh(App *a)
{
    if (a->reply_state == 1 || a->reply_state == 2 || a->reply_state == 4)
        reply_lookup(a, a->reply_state == 4);
}

/* The code and the reply go (wiped); a check under way is dropped. */
static void reply_forget(App *a)
{
    content_reply_check_cancel(a->reply_job);
    a->reply_job = NULL;
    content_reply_free(a->reply_open);
    a->reply_open = NULL;
    receipt_zero(a->reply_code, sizeof a->reply_code);
    receipt_zero(a->reply_found, sizeof a->reply_found);
    a->reply_state = 0;
}

static bool reply_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id || strncmp(id, "code:", 5) != 0)
        return false;
    const char *k = id + 5;
    size_t n = strlen(a->reply_code);
    if (strcmp(k, "del") == 0) {
        if (n > 0)
            a->reply_code[n - 1] = '\0';
    } else if (strcmp(k, "clear") == 0) {
        reply_forget(a);
    } else if (strcmp(k, "ok") == 0) {
        char raw[RECEIPT_LEN + 1];
        if (a->reply_job && a->reply_state == 4) {
            return true;   /* checking already: the answer comes */
        } else if (receipt_normalize(a->reply_code, raw) < 0) {
            content_reply_check_cancel(a->reply_job);
            a->reply_job = NULL;
            content_reply_free(a->reply_open);
            a->reply_open = NULL;
            a->reply_state = 3;
            receipt_zero(a->reply_found, sizeof a->reply_found);
        } else {
            memcpy(a->reply_found, raw, sizeof raw);
            receipt_zero(raw, sizeof raw);
            reply_lookup(a, true);
        }
    } else if (k[0] && !k[1] && strchr(code_keys, k[0])) {
        if (n < 8) {
            a->reply_code[n] = k[0];
            a->reply_code[n + 1] = '\0';
        }
    }
    return true;
}

const Screen screen_reply = {.name = "reply", .on_input = reply_input, .view = reply_view,
                             .refresh = reply_refresh, .forget = reply_forget};

/* ---- "You said, we did" ---- */

/* The item's pictures the cache holds, two side by side: "before" on the
 * left and "after" on the right when both are there, each with its label.
 * Returns the height used (0 when none can be shown). */
static int board_pictures(const App *a, DrawList *dl, int x, int y, int w, const BoardItem *b,
                          bool draw)
{
    const ContentImage *pick[2] = {NULL, NULL};
    for (size_t i = 0; i < b->n_images; i++) {
        const ContentImage *im = &b->images[i];
        if (!ui_image_ready(a, im))
            continue;
        if (im->role == IMAGE_ROLE_BEFORE && !pick[0])
            pick[0] = im;
        else if (im->role == IMAGE_ROLE_AFTER && !pick[1])
            pick[1] = im;
    }
    for (size_t i = 0; i < b->n_images && !(pick[0] && pick[1]); i++) {
        const ContentImage *im = &b->images[i];
        if (im != pick[0] && im != pick[1] && ui_image_ready(a, im))
            pick[pick[0] ? 1 : 0] = im;
    }
    if (!pick[0] && !pick[1])
        return 0;
    int gap = ui_dp(a, DP_GAP_L), lsz = ui_ts(a, DP_T_SMALL);
    int cw = (w - gap) / 2, ph = ui_dp(a, 420);   /* a picture's height: one-off */
    int used = 0;
    for (int k = 0; k < 2; k++) {
        const ContentImage *im = pick[k];
        if (!im)
            continue;
        int cx = x + k * (cw + gap), cy = y;
        const char *label = im->role == IMAGE_ROLE_BEFORE ? ui_tr(a, "board.before")
                          : im->role == IMAGE_ROLE_AFTER ? ui_tr(a, "board.after") : NULL;
        if (label) {
            if (draw)
                dl_text(dl, cx, cy, FONT_BOLD, lsz, im->role == IMAGE_ROLE_AFTER
                        ? COL_CAT_ACCOUNTS : COL_TEXT2, label, -1);
            cy += lsz * 3 / 2;
        }
        int iw, ih;
        image_fit_size(im->width, im->height, cw, ph, &iw, &ih);
        if (draw) {
            char id[DL_ID_MAX];
            snprintf(id, sizeof id, "image:%s:%d", b->id, (int)(im - b->images));
            ui_image(a, dl, (Rect){cx, cy, cw, ph}, im, false, id);
        }
        if (cy + ih - y > used)
            used = cy + ih - y;
    }
    return used + ui_dp(a, DP_GAP_S);
}

static int board_card(const App *a, DrawList *dl, Rect r, const BoardItem *b, bool draw)
{
    int pad = ui_dp(a, DP_GAP_XL), w = r.w - 2 * pad, x = r.x + pad;
    int lsz = ui_ts(a, DP_T_SMALL), bsz = ui_ts(a, DP_T_BODY);
    int y = r.y + pad;
    char date[64];
    ui_fmt_date(a, b->date, false, date, sizeof date);
    if (draw)
        dl_text(dl, x, y, FONT_REGULAR, lsz, COL_TEXT2, date, -1);
    y += lsz * 3 / 2 + ui_dp(a, DP_GAP_XS);
    const char *labels[2] = {ui_tr(a, "board.said"), ui_tr(a, "board.done")};
    const char *texts[2] = {ltext(&b->said, a->lang), ltext(&b->done, a->lang)};
    Color colors[2] = {COL_PRIMARY, COL_CAT_ACCOUNTS};
    for (int i = 0; i < 2; i++) {
        if (draw)
            dl_text(dl, x, y, FONT_BOLD, lsz, colors[i], labels[i], -1);
        y += lsz * 3 / 2;
        y += draw ? ui_para(a, dl, x, y, w, FONT_REGULAR, bsz, bsz * 3 / 2, COL_TEXT, texts[i])
                  : ui_para_height(a, FONT_REGULAR, bsz, bsz * 3 / 2, w, texts[i]);
        y += ui_dp(a, DP_GAP_S);
    }
    y += board_pictures(a, dl, x, y, w, b, draw);
    return y + pad - r.y;
}

static void board_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    int y = ui_header(a, dl, now_s);
    y = ui_titlebar(a, dl, y, ui_tr(a, "board.title"));
    int m = ui_dp(a, DP_MARGIN);
    const Content *c = a->content;
    if (!c || c->n_board == 0) {
        ui_empty(a, dl, y, ICON_FACT_CHECK, ui_tr(a, "board.none"), ui_tr(a, "board.none_hint"));
        return;
    }
    /* Newest first. */
    size_t idx[CONTENT_MAX_BOARD];
    size_t n = c->n_board < CONTENT_MAX_BOARD ? c->n_board : CONTENT_MAX_BOARD;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && c->board[idx[j - 1]].date < c->board[i].date) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    int cw = a->w - 2 * m - ui_dp(a, DP_GUTTER);
    if (cw > ui_dp(a, 1300))   /* the board's widest card: one-off */
        cw = ui_dp(a, 1300);
    int cx = (a->w - cw) / 2, gap = ui_dp(a, DP_GAP);
    Rect vp = {0, y, a->w, ui_bottom(a) - y};
    int content_h = 0;
    for (size_t i = 0; i < n; i++)
        content_h += board_card(a, dl, (Rect){cx, 0, cw, 0}, &c->board[idx[i]], false) + gap;
    int max = content_h > vp.h ? content_h - vp.h : 0;
    int off = a->scroll[SCREEN_BOARD] < max ? a->scroll[SCREEN_BOARD] : max;
    dl_clip(dl, vp);
    int cy = vp.y - off;
    for (size_t i = 0; i < n; i++) {
        int h = board_card(a, dl, (Rect){cx, 0, cw, 0}, &c->board[idx[i]], false);
        if (cy + h >= vp.y && cy <= vp.y + vp.h) {
            ui_card(a, dl, (Rect){cx, cy, cw, h}, NULL);
            board_card(a, dl, (Rect){cx, cy, cw, h}, &c->board[idx[i]], true);
        }
        cy += h + gap;
    }
    dl_unclip(dl);
    ui_scrollbar(a, dl, (Rect){0, vp.y, cx + cw + ui_dp(a, DP_GAP_L), vp.h}, content_h, off);
    dl_scroll(dl, vp, content_h, "scroll:board");
}

/* A tap on a picture opens it full-screen. */
static bool board_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    return in->id && app_open_picture(a, PIC_BOARD, in->id, now_ms);
}

const Screen screen_board = {.name = "board", .on_input = board_input, .view = board_view};
