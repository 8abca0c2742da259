/* screen_connect.c - "Scan to connect": the office's online channels as QR
 * codes. */
#include <stdio.h>
#include <string.h>
#include "ui.h"

/* One channel's card: label, code (or why there is none), address. */
static int channel_card(const App *a, DrawList *dl, Rect r, const Channel *ch, int64_t now_s,
                        bool draw)
{
    int pad = ui_dp(a, DP_PAD_LIST);
    int tsz = ui_ts(a, DP_T_CARD);
    int side = ui_dp(a, DP_QR);
    int inner = r.w - 2 * pad;
    if (side > inner)
        side = inner;
    int h = pad + tsz * 3 / 2 + ui_dp(a, DP_GAP_S);
    int y = r.y + h;
    if (draw) {
        ui_card(a, dl, (Rect){r.x, r.y, r.w, r.h}, NULL);
        ui_line(a, dl, r.x + pad, r.y + pad, inner, FONT_BOLD, tsz, COL_TEXT,
                ltext(&ch->label, a->lang));
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
        ui_nothing(a, dl, y, ui_tr(a, "connect.none"));
        return;
    }
    int ssz = ui_ts(a, DP_T_SMALL + 2);
    y += ui_para(a, dl, m, y, a->w - 2 * m, FONT_REGULAR, ssz, ssz * 3 / 2, COL_TEXT2,
                 ui_tr(a, "connect.intro"));
    y += ssz / 2;
    int cols = a->w < a->h ? 1 : (c->n_channels >= 3 ? 3 : (int)c->n_channels);
    if (a->w >= a->h && a->w < ui_dp(a, 1600) /* a narrow landscape */ && cols > 2)
        cols = 2;
    int gap = ui_dp(a, DP_GAP_L);
    int cw = (a->w - 2 * m - ui_dp(a, DP_GUTTER) - (cols - 1) * gap) / cols;
    Rect vp = {0, y, a->w, ui_bottom(a) - y};
    /* Lay out rows: each as tall as its tallest card. */
    int content_h = 0;
    int rowh[64] = {0};
    for (size_t i = 0; i < c->n_channels && i / (size_t)cols < 64; i++) {
        int h = channel_card(a, dl, (Rect){0, 0, cw, 0}, &c->channels[i], now_s, false);
        if (h > rowh[i / cols])
            rowh[i / cols] = h;
    }
    int rows = (int)((c->n_channels + cols - 1) / cols);
    for (int r = 0; r < rows && r < 64; r++)
        content_h += rowh[r] + gap;
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
                channel_card(a, dl, card, &c->channels[i], now_s, true);
        }
        ry += rowh[r] + gap;
    }
    dl_unclip(dl);
    ui_scrollbar(a, dl, (Rect){0, vp.y, a->w - ui_dp(a, DP_GAP_S), vp.h}, content_h, off);
    dl_scroll(dl, vp, content_h, "scroll:connect");
}

const Screen screen_connect = {.name = "connect", .view = view};
