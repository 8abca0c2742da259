/* screen_connect.c - "Scan to connect": the office's online channels as QR
 * codes, four to six of them on one screen in every shape and text size. */
#include <stdio.h>
#include <string.h>
#include "phone.h"
#include "ui.h"

/* Four to six channels are laid out to fit; beyond CONNECT_ROWS_MAX rows
 * (or on a window too small for the smallest code) the cards scroll. */
enum { CONNECT_ROWS_MAX = 64, CONNECT_LINE_MIN = 7 };

/* How dense the cards are: 0 as shared/UI.md sets them; 1 the label at
 * body size, a web address as its host (where the code leads: the whole
 * address is in the code), tighter padding; 2 as 1 without the intro. */
enum { DENSITY_LEVELS = 3 };

/* One way of laying the cards out: cols a row, each card either a label
 * over a centred code over the address ("stacked") or the code at the left
 * with the label and address beside it ("beside"). */
typedef struct {
    int density;
    int cols, rows;
    bool beside;
    int cw;                       /* a card's width */
    int side;                     /* a code's box: a whole number of modules */
    int px;                       /* pixels a module of the largest code */
    int total;                    /* the cards' height, gaps included */
    int rowh[CONNECT_ROWS_MAX];   /* each row as tall as its tallest card */
    int labh[CONNECT_ROWS_MAX];   /* stacked: a row's tallest label, so its codes line up */
} ConnLayout;

static bool is_phone(const Channel *ch)
{
    return strncmp(ch->url, "tel:", 4) == 0;
}

/* What is printed under or beside a code: a hotline's number grouped as
 * it is dialled (0571-8765-4321), else the address (dense: its host). */
static void shown(const Channel *ch, int density, char *buf, size_t n)
{
    if (is_phone(ch)) {
        phone_format(ch->url, buf, n);
        return;
    }
    snprintf(buf, n, "%s", ui_shown_address(ch->url));
    if (density > 0 && strncmp(ch->url, "https://", 8) == 0) {
        char *slash = strchr(buf, '/');
        if (slash)
            *slash = '\0';
    }
}

static int pad_of(const App *a, const ConnLayout *l)
{
    return ui_dp(a, l->density ? DP_GAP : DP_PAD_LIST);
}

static int gap_of(const App *a, const ConnLayout *l)
{
    return ui_dp(a, l->density ? DP_GAP : DP_GAP_L);
}

static int label_size(const App *a, const ConnLayout *l)
{
    return ui_ts(a, l->density ? DP_T_BODY : DP_T_CARD);
}

/* The address's face, size and line height in a column w wide: a number
 * to dial is read like a title, on one line (smaller rather than broken
 * where the column is narrow); an address is secondary. */
static void addr_font(const App *a, const Channel *ch, const char *text, int w, FontFace *face,
                      int *size, int *lh)
{
    *face = is_phone(ch) ? FONT_BOLD : FONT_REGULAR;
    *size = ui_ts(a, is_phone(ch) ? DP_T_BODY : DP_T_SMALL);
    if (is_phone(ch))
        *size = ui_fit_size(a, FONT_BOLD, *size, ui_dp(a, DP_T_SMALL), w, text);
    *lh = *size * 3 / 2;
}

static int label_h(const App *a, const ConnLayout *l, const Channel *ch, int w)
{
    int tsz = label_size(a, l);
    return ui_para_height(a, FONT_BOLD, tsz, tsz * 5 / 4, w, ltext(&ch->label, a->lang));
}

static int addr_h(const App *a, const ConnLayout *l, const Channel *ch, int w)
{
    char buf[CONTENT_MAX_URL + 1];
    FontFace face;
    int size, lh;
    shown(ch, l->density, buf, sizeof buf);
    addr_font(a, ch, buf, w, &face, &size, &lh);
    return ui_para_height(a, face, size, lh, w, buf);
}

/* An expired code's notice: never a dead code, tell people where to ask. */
static int expired_h(const App *a, int w)
{
    int bsz = ui_ts(a, DP_T_BODY);
    return 2 * ui_dp(a, DP_GAP_M) +
           ui_para_height(a, FONT_REGULAR, bsz, bsz * 3 / 2, w - 2 * ui_dp(a, DP_GAP_M),
                          ui_tr(a, "connect.expired"));
}

/* The words' column of a card "beside": right of the code. */
static int beside_text_w(const App *a, const ConnLayout *l)
{
    return l->cw - 2 * pad_of(a, l) - l->side - ui_dp(a, DP_GAP_L);
}

/* A card's height in layout l (row r's label height for stacked cards). */
static int card_h(const App *a, const ConnLayout *l, const Channel *ch, int r, int64_t now_s)
{
    int pad = pad_of(a, l), gap = ui_dp(a, DP_GAP_S);
    int inner = l->cw - 2 * pad;
    bool dead = channel_expired(ch, now_s);
    if (l->beside) {
        int tw = dead ? inner : beside_text_w(a, l);
        int words = label_h(a, l, ch, tw) + gap + (dead ? expired_h(a, tw) : addr_h(a, l, ch, tw));
        return 2 * pad + (dead || words > l->side ? words : l->side);
    }
    return 2 * pad + l->labh[r] + gap +
           (dead ? expired_h(a, inner) : l->side + gap + addr_h(a, l, ch, inner));
}

/* Whether the code fits in a card of l and the words keep CONNECT_LINE_MIN
 * label characters a line (narrower, labels and addresses break mid-word). */
static bool conn_roomy(const App *a, const ConnLayout *l)
{
    int inner = l->cw - 2 * pad_of(a, l);
    int words = l->beside ? beside_text_w(a, l) : inner;
    return l->side <= inner && words >= CONNECT_LINE_MIN * label_size(a, l);
}

/* Lay out the channels as l->cols a row at l->px a module (mods modules a
 * side, quiet zone included) in w. Returns whether the cards fit in
 * avail_h and conn_roomy holds. */
static bool conn_try(const App *a, const Content *c, int64_t now_s, int w, int avail_h,
                     int mods, ConnLayout *l)
{
    int gap = gap_of(a, l), pad = pad_of(a, l);
    size_t n = c->n_channels;
    l->rows = (int)((n + (size_t)l->cols - 1) / (size_t)l->cols);
    if (l->rows > CONNECT_ROWS_MAX)
        return false;
    l->cw = (w - (l->cols - 1) * gap) / l->cols;
    l->side = mods * l->px;
    if (!conn_roomy(a, l))
        return false;
    memset(l->rowh, 0, sizeof l->rowh);
    memset(l->labh, 0, sizeof l->labh);
    if (!l->beside)
        for (size_t i = 0; i < n; i++) {
            int h = label_h(a, l, &c->channels[i], l->cw - 2 * pad);
            if (h > l->labh[i / (size_t)l->cols])
                l->labh[i / (size_t)l->cols] = h;
        }
    l->total = 0;
    for (size_t i = 0; i < n; i++) {
        int r = (int)(i / (size_t)l->cols);
        int h = card_h(a, l, &c->channels[i], r, now_s);
        if (h > l->rowh[r])
            l->rowh[r] = h;
    }
    for (int r = 0; r < l->rows; r++)
        l->total += l->rowh[r] + (r ? gap : 0);
    return l->total <= avail_h;
}

/* Modules a side of the largest live code, with its quiet zone. */
static int connect_qr_modules(const Content *c, int64_t now_s)
{
    int mods = 21;   /* version 1 */
    for (size_t i = 0; c && i < c->n_channels; i++)
        if (!channel_expired(&c->channels[i], now_s)) {
            int m = ui_qr_modules(c->channels[i].url);
            if (m > mods)
                mods = m;
        }
    return mods + 2 * DL_QR_QUIET;
}

/* A module of at least dp, never under 2 px. */
static int module_px(const App *a, double dp)
{
    int px = ui_dp(a, dp);
    return px < 2 ? 2 : px;
}

/* The layout of the cards in w: with the most pixels a module the codes
 * can have (at most DP_QR a side) down to 4 dp, the densest first at
 * density 0, then 1, then 2; then likewise down to 3 dp and 2 dp (never
 * under 2 px): every column count, stacked or beside, on a tie the fewest
 * rows (stacked first). intro_h is the intro's height, which density 2
 * gives to the cards. None fits: the shortest at the smallest module,
 * scrolled. */
static void conn_layout(const App *a, const Content *c, int64_t now_s, int w, int avail_h,
                        int intro_h, ConnLayout *best)
{
    int mods = connect_qr_modules(c, now_s);
    static const double floors[] = {4, 3, 2};
    int hi = ui_dp(a, DP_QR) / mods;
    int ncols = c->n_channels < 6 ? (int)c->n_channels : 6;
    ConnLayout l;
    for (size_t t = 0; t < sizeof floors / sizeof *floors; t++) {
        int lo = module_px(a, floors[t]);
        if (hi < lo)
            hi = lo;
        for (int d = 0; d < DENSITY_LEVELS; d++)
            for (int px = hi; px >= lo; px--) {
                bool found = false;
                for (int beside = 0; beside < 2; beside++)
                    for (int cols = 1; cols <= ncols; cols++) {
                        l = (ConnLayout){.density = d, .cols = cols, .beside = beside, .px = px};
                        if (!conn_try(a, c, now_s, w, avail_h + (d == 2 ? intro_h : 0), mods, &l))
                            continue;
                        if (!found || l.rows < best->rows) {
                            *best = l;
                            found = true;
                        }
                    }
                if (found)
                    return;
            }
        hi = lo - 1;
    }
    /* Too many to fit: the smallest module, the shortest layout, scrolled. */
    bool found = false;
    for (int beside = 0; beside < 2; beside++)
        for (int cols = 1; cols <= ncols; cols++) {
            l = (ConnLayout){.density = 1, .cols = cols, .beside = beside, .px = module_px(a, 2)};
            conn_try(a, c, now_s, w, avail_h, mods, &l);
            if (l.rows > CONNECT_ROWS_MAX || !conn_roomy(a, &l))
                continue;
            if (!found || l.total < best->total) {
                *best = l;
                found = true;
            }
        }
    if (!found) {
        /* A window too narrow for the smallest code: one column, the code
         * as wide as the card allows. */
        l = (ConnLayout){.density = 1, .cols = 1};
        int fit = (w - 2 * pad_of(a, &l)) / mods;
        l.px = fit > 0 ? fit : 1;
        conn_try(a, c, now_s, w, avail_h, mods, &l);
        *best = l;
    }
}

/* Draw one card at r in layout l (row r's label height labh). */
static void channel_card(const App *a, DrawList *dl, Rect r, const ConnLayout *l, int labh,
                         const Channel *ch, int64_t now_s)
{
    int pad = pad_of(a, l), gap = ui_dp(a, DP_GAP_S);
    int tsz = label_size(a, l);
    int inner = r.w - 2 * pad;
    const char *label = ltext(&ch->label, a->lang);
    bool dead = channel_expired(ch, now_s);
    char addr[CONTENT_MAX_URL + 1];
    shown(ch, l->density, addr, sizeof addr);
    ui_card(a, dl, r, NULL);
    int x = r.x + pad, y = r.y + pad, tw = inner;
    if (l->beside && !dead) {
        dl_qr(dl, (Rect){x, y, l->side, l->side}, ch->url);
        x += l->side + ui_dp(a, DP_GAP_L);
        tw = beside_text_w(a, l);
    }
    y += ui_para(a, dl, x, y, tw, FONT_BOLD, tsz, tsz * 5 / 4, COL_TEXT, label);
    if (!l->beside)
        y = r.y + pad + labh;
    y += gap;
    if (dead) {
        int bsz = ui_ts(a, DP_T_BODY), in = ui_dp(a, DP_GAP_M);
        Rect box = {x, y, tw, expired_h(a, tw)};
        dl_rect(dl, box, COL_PRESSED);
        ui_para(a, dl, box.x + in, box.y + in, tw - 2 * in, FONT_REGULAR, bsz, bsz * 3 / 2,
                COL_TEXT, ui_tr(a, "connect.expired"));
        return;
    }
    FontFace af;
    int asz, alh;
    Color ac = is_phone(ch) ? COL_TEXT : COL_TEXT2;
    if (l->beside) {
        addr_font(a, ch, addr, tw, &af, &asz, &alh);
        ui_para(a, dl, x, y, tw, af, asz, alh, ac, addr);
        return;
    }
    dl_qr(dl, (Rect){x + (inner - l->side) / 2, y, l->side, l->side}, ch->url);
    y += l->side + gap;
    addr_font(a, ch, addr, inner, &af, &asz, &alh);
    ui_para_center(a, dl, x, y, inner, af, asz, alh, ac, addr);
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
    const char *intro = ui_tr(a, "connect.intro");
    int intro_h = ui_para_height(a, FONT_REGULAR, ssz, ssz * 3 / 2, a->w - 2 * m, intro) + ssz / 2;
    ConnLayout l;
    conn_layout(a, c, now_s, a->w - 2 * m, ui_bottom(a) - y - intro_h, intro_h, &l);
    if (l.density < 2) {
        ui_para(a, dl, m, y, a->w - 2 * m, FONT_REGULAR, ssz, ssz * 3 / 2, COL_TEXT2, intro);
        y += intro_h;
    }
    Rect vp = {0, y, a->w, ui_bottom(a) - y};
    if (l.total > vp.h)   /* scrolled: room for the indicator */
        conn_layout(a, c, now_s, a->w - 2 * m - ui_dp(a, DP_GUTTER), vp.h, 0, &l);
    int gap = gap_of(a, &l);
    int max = l.total > vp.h ? l.total - vp.h : 0;
    int off = a->scroll[SCREEN_CONNECT] < max ? a->scroll[SCREEN_CONNECT] : max;
    dl_clip(dl, vp);
    int ry = vp.y - off;
    for (int r = 0; r < l.rows; r++) {
        for (int k = 0; k < l.cols; k++) {
            size_t i = (size_t)(r * l.cols + k);
            if (i >= c->n_channels)
                break;
            Rect card = {m + k * (l.cw + gap), ry, l.cw, l.rowh[r]};
            if (card.y + card.h >= vp.y && card.y <= vp.y + vp.h)
                channel_card(a, dl, card, &l, l.labh[r], &c->channels[i], now_s);
        }
        ry += l.rowh[r] + gap;
    }
    dl_unclip(dl);
    ui_scrollbar(a, dl, (Rect){0, vp.y, a->w - ui_dp(a, DP_GAP_S), vp.h}, l.total, off);
    dl_scroll(dl, vp, l.total, "scroll:connect");
}

const Screen screen_connect = {.name = "connect", .view = view};
