/* screen_connect.c - "Scan to connect": the office's online channels as QR
 * codes. */
#include <stdio.h>
#include <string.h>
#include "ui.h"

/* One channel's card: label, code (or why there is none), address. */
/* A channel label's height at card width w. */
static int label_height(const App *a, const Channel *ch, int w)
{
    int tsz = ui_ts(a, DP_T_CARD);
    return ui_para_height(a, FONT_BOLD, tsz, tsz * 5 / 4, w - 2 * ui_dp(a, DP_PAD_LIST),
                          ltext(&ch->label, a->lang));
}

/* One channel's card; the code starts below label_h (the tallest label of
 * its row, so the codes of a row line up). */
static int channel_card(const App *a, DrawList *dl, Rect r, const Channel *ch, int64_t now_s,
                        int side, int label_h, bool draw)
{
    int pad = ui_dp(a, DP_PAD_LIST);
    int tsz = ui_ts(a, DP_T_CARD);
    int inner = r.w - 2 * pad;
    if (side > inner)
        side = inner;
    /* The label wraps: "Residents' WeChat group" is read whole. */
    const char *label = ltext(&ch->label, a->lang);
    int lh = tsz * 5 / 4;
    int h = pad + label_h + ui_dp(a, DP_GAP_S);
    int y = r.y + h;
    if (draw) {
        ui_card(a, dl, (Rect){r.x, r.y, r.w, r.h}, NULL);
        ui_para(a, dl, r.x + pad, r.y + pad, inner, FONT_BOLD, tsz, lh, COL_TEXT, label);
    }
    int body;
    if (channel_expired(ch, now_s)) {
        /* Never a dead code: tell people where to ask instead. */
        int bsz = ui_ts(a, DP_T_BODY);
        body = ui_dp(a, DP_GAP_XXL) + ui_para_height(a, FONT_REGULAR, bsz, bsz * 3 / 2, inner - 2 * pad,
                                             ui_tr(a, "connect.expired"));
        if (draw) {
            Rect box = {r.x + pad, y, inner, body};
            dl_rect(dl, box, COL_PRESSED);
            ui_para(a, dl, box.x + pad, box.y + ui_dp(a, DP_GAP_M), inner - 2 * pad, FONT_REGULAR, bsz,
                    bsz * 3 / 2, COL_TEXT, ui_tr(a, "connect.expired"));
        }
    } else if (draw) {
        body = ui_qr_block(a, dl, r.x + pad, y, inner, side, ch->url, NULL);
    } else {
        int ssz = ui_ts(a, DP_T_SMALL);
        body = side + ui_dp(a, DP_GAP_S) + ui_para_height(a, FONT_REGULAR, ssz, ssz * 3 / 2, inner,
                                                    ui_shown_address(ch->url));
    }
    return h + body + pad;
}

static void view(const App *a, DrawList *dl, int64_t now_ms)
{
    int64_t now_s = now_ms / 1000;
    int y = ui_header(a, dl, now_s);
    y = ui_titlebar(a, dl, y, ui_tr(a, "connect.title"));
    int m = ui_dp(a, DP_MARGIN);
    const Content *c = a->content;
    if (!c || c->n_channels == 0) {
        ui_empty(a, dl, y, ICON_QR, ui_tr(a, "connect.none"), ui_tr(a, "connect.none_hint"));
        return;
    }
    int ssz = ui_ts(a, DP_T_SMALL + 2);
    y += ui_para(a, dl, m, y, a->w - 2 * m, FONT_REGULAR, ssz, ssz * 3 / 2, COL_TEXT2,
                 ui_tr(a, "connect.intro"));
    y += ssz / 2;
    /* Four to six channels on one screen: up to four side by side in a
     * wide landscape (three a row for five or six), two in portrait, and
     * the codes shrink (not below 200 dp, still easy to scan) until every
     * row fits; more channels scroll. */
    size_t nch = c->n_channels;
    int cols;
    if (a->w < a->h)
        cols = nch >= 2 ? 2 : 1;
    else if (a->w < ui_dp(a, 1600))   /* a narrow landscape */
        cols = nch >= 3 ? 3 : (int)nch;
    else
        cols = nch == 4 ? 4 : nch >= 3 ? 3 : (int)nch;
    int gap = ui_dp(a, DP_GAP_L);
    int cw = (a->w - 2 * m - ui_dp(a, DP_GUTTER) - (cols - 1) * gap) / cols;
    Rect vp = {0, y, a->w, ui_bottom(a) - y};
    int rows = (int)((nch + cols - 1) / cols);
    int content_h, rowh[64], labh[64] = {0}, side = ui_dp(a, DP_QR);
    for (size_t i = 0; i < nch && i / (size_t)cols < 64; i++) {
        int lh = label_height(a, &c->channels[i], cw);
        if (lh > labh[i / cols])
            labh[i / cols] = lh;
    }
    for (;;) {
        /* Lay out rows: each as tall as its tallest card. */
        content_h = 0;
        memset(rowh, 0, sizeof rowh);
        for (size_t i = 0; i < nch && i / (size_t)cols < 64; i++) {
            int h = channel_card(a, dl, (Rect){0, 0, cw, 0}, &c->channels[i], now_s, side,
                                 labh[i / cols], false);
            if (h > rowh[i / cols])
                rowh[i / cols] = h;
        }
        for (int r = 0; r < rows && r < 64; r++)
            content_h += rowh[r] + gap;
        if (content_h - gap <= vp.h || side <= ui_dp(a, 200) /* the smallest code */ || rows > 3)
            break;
        side -= ui_dp(a, DP_GAP_L);
    }
    int max = content_h > vp.h ? content_h - vp.h : 0;
    int off = a->scroll[SCREEN_CONNECT] < max ? a->scroll[SCREEN_CONNECT] : max;
    dl_clip(dl, vp);
    int ry = vp.y - off;
    for (int r = 0; r < rows && r < 64; r++) {
        for (int k = 0; k < cols; k++) {
            size_t i = (size_t)(r * cols + k);
            if (i >= c->n_channels)
                break;
            Rect card = {m + k * (cw + gap), ry, cw, rowh[r]};
            if (card.y + card.h >= vp.y && card.y <= vp.y + vp.h)
                channel_card(a, dl, card, &c->channels[i], now_s, side, labh[r], true);
        }
        ry += rowh[r] + gap;
    }
    dl_unclip(dl);
    ui_scrollbar(a, dl, (Rect){0, vp.y, a->w - ui_dp(a, DP_GAP_S), vp.h}, content_h, off);
    dl_scroll(dl, vp, content_h, "scroll:connect");
}

const Screen screen_connect = {.name = "connect", .view = view};
