/* osk.c - the on-screen keyboard: modes, keys, candidates, handwriting pad. */
#include "osk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "handwriting.h"
#include "pinyin.h"
#include "textlayout.h"

/* Sizes in dp. */
#define KEY_H     88
#define KEY_GAP   10
#define COMP_H    48
#define BAR_H     88
#define KB_PAD    12
#define KB_MAX_W  1500
#define CAND_MIN  96
#define CAND_PAD  28
#define ARROW_W   96

/* The colours come with the drawing context (theme.h). */
#define VIEW_THEME   (c->look->theme)
#define COL_KB       (VIEW_THEME->kb)
#define COL_KEY_FN   (VIEW_THEME->key_fn)
#define COL_PAD      (VIEW_THEME->pad)
#define COL_GRID     (VIEW_THEME->grid)
#define COL_INK      (VIEW_THEME->ink)
#define COL_HIGHLIGHT (VIEW_THEME->highlight)

static const char *const letter_rows[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

/* 123 mode: digits, then Chinese punctuation, then more symbols. */
static const char *const sym_rows[3][10] = {
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"},
    {"，", "。", "？", "！", "、", "：", "；", "“", "”", "…"},
    {"（", "）", "《", "》", "—", "-", "@", "#", NULL, NULL},
};

static const char *const mode_ids[OSK_MODE_COUNT] = {
    "mode:pinyin", "mode:hand", "mode:abc", "mode:123",
};
/* The words on the keyboard (assets/i18n/strings.ini): mode keys, the
 * hint line for each mode, the pad's editing keys. */
static const char *const mode_keys[OSK_MODE_COUNT] = {
    "osk.mode.pinyin", "osk.mode.hand", "osk.mode.abc", "osk.mode.123",
};
static const char *const hint_keys[OSK_MODE_COUNT] = {
    "osk.hint.pinyin", "osk.hint.hand", "osk.hint.abc", "osk.hint.123",
};

static int px(double dp, double v)
{
    int p = (int)(v * dp + 0.5);
    return p < 1 ? 1 : p;
}

int osk_init(Osk *k, OskMode mode, Pinyin *py, const char *hw_model)
{
    memset(k, 0, sizeof *k);
    k->mode = mode;
    k->py = py;
    if (hw_model)
        snprintf(k->hw_model, sizeof k->hw_model, "%s", hw_model);
    k->ink = hw_ink_new();
    return k->ink ? 0 : -1;
}

void osk_free(Osk *k)
{
    hw_close(k->hw);
    hw_ink_free(k->ink);
    k->hw = NULL;
    k->ink = NULL;
}

static void reset_page(Osk *k)
{
    k->page = 0;
    k->npages = 0;
}

void osk_wipe(Osk *k)
{
    if (k->py)
        pinyin_reset(k->py);
    if (k->ink)
        hw_ink_clear(k->ink);
    k->inking = false;
    k->hw_n = 0;
    k->shift = false;
    reset_page(k);
    /* The handwriting model holds nothing of the resident; it is closed
     * only to give its 26 MB back while nobody is writing. */
    hw_close(k->hw);
    k->hw = NULL;
}

void osk_set_filter(Osk *k, bool (*drawable)(void *ctx, uint32_t cp), void *ctx)
{
    k->drawable = drawable;
    k->drawable_ctx = ctx;
    if (k->py)
        pinyin_set_filter(k->py, drawable, ctx);
    if (k->hw)
        hw_set_filter(k->hw, drawable, ctx);
}

int osk_height(double dp)
{
    return px(dp, KB_PAD * 2 + COMP_H + BAR_H + KEY_GAP * 4 + KEY_H * 4);
}

void osk_wipe_composition(Osk *k)
{
    if (k->py)
        pinyin_clear(k->py);
    if (k->ink)
        hw_ink_clear(k->ink);
    k->inking = false;
    k->hw_n = 0;
    reset_page(k);
}

bool osk_composing(const Osk *k)
{
    return k->mode == OSK_PINYIN && k->py && pinyin_composing(k->py);
}

/* ---- the edited text ---- */

size_t osk_append(OskTarget *t, const char *s)
{
    size_t len = strlen(t->buf);
    size_t chars = utf8_count(t->buf, len);
    size_t added = 0;
    const char *p = s;
    size_t rest = strlen(s);
    while (rest > 0 && chars < t->max_chars) {
        unsigned cp;
        size_t n = utf8_decode(p, rest, &cp);
        if (len + n + 1 > t->cap || !utf8_valid(p, n))
            break;   /* full, or not UTF-8: the target stays valid text */
        memcpy(t->buf + len, p, n);
        len += n;
        t->buf[len] = '\0';
        p += n;
        rest -= n;
        chars++;
        added++;
    }
    return added;
}

bool osk_delete_last(OskTarget *t)
{
    size_t len = strlen(t->buf);
    if (len == 0)
        return false;
    do
        len--;
    while (len > 0 && ((unsigned char)t->buf[len] & 0xC0) == 0x80);
    t->buf[len] = '\0';
    return true;
}

/* ---- candidates (pinyin or handwriting) ---- */

/* 手写 with an empty pad after a character: the pinyin engine's
 * predictions are the candidates. */
static bool hand_predicting(const Osk *k)
{
    return k->mode == OSK_HAND && k->py && k->hw_n == 0 && hw_ink_strokes(k->ink) == 0 &&
           pinyin_predicting(k->py);
}

static size_t cand_count(const Osk *k)
{
    if (k->mode == OSK_PINYIN && k->py)
        return pinyin_count(k->py);
    if (hand_predicting(k))
        return pinyin_count(k->py);
    if (k->mode == OSK_HAND)
        return k->hw_n;
    return 0;
}

static const char *cand_text(const Osk *k, size_t i)
{
    if ((k->mode == OSK_PINYIN && k->py) || hand_predicting(k))
        return pinyin_candidate(k->py, i);
    return k->hw_cands[i];
}

/* The text size factor the keyboard is drawn with. */
static double scale_of(double f)
{
    return f > 0 ? f : 1.0;
}

static int cand_width(const Osk *k, const TextMeasure *m, double dp, double sc, size_t i)
{
    const char *s = cand_text(k, i);
    int w = measure_width(m, FONT_REGULAR, px(dp, 40 * sc), s, strlen(s)) +
            2 * px(dp, CAND_PAD);
    return w < px(dp, CAND_MIN) ? px(dp, CAND_MIN) : w;
}

/* How many candidates from `start` fit in a bar of bar_w pixels (always at
 * least one, so paging moves on). */
static size_t cand_fit(const Osk *k, const TextMeasure *m, double dp, double sc, int bar_w,
                       size_t start)
{
    size_t n = cand_count(k);
    int room = bar_w - 2 * px(dp, ARROW_W) - px(dp, KEY_GAP) * 2;
    int used = 0;
    size_t i = start;
    for (; i < n; i++) {
        int w = cand_width(k, m, dp, sc, i) + (i > start ? px(dp, KEY_GAP) : 0);
        if (i > start && used + w > room)
            break;
        used += w;
    }
    return i - start;
}

/* The last few characters of the text, as history for predictions. */
static void history(const char *buf, char *out, size_t n)
{
    size_t len = strlen(buf), start = len, chars = 0;
    while (start > 0 && chars < 4) {
        start--;
        if (((unsigned char)buf[start] & 0xC0) != 0x80)
            chars++;
    }
    snprintf(out, n, "%s", buf + start);
}

/* Choose candidate i: a whole conversion (or a prediction) goes into the
 * text and brings predictions for what may follow; a partial choice leaves
 * the rest of the pinyin to convert. */
static void commit_pinyin(Osk *k, OskTarget *t, size_t i)
{
    char out[256];
    int r = pinyin_choose(k->py, i, out, sizeof out);
    reset_page(k);
    if (r != 1)
        return;
    osk_append(t, out);
    char his[32];
    history(t->buf, his, sizeof his);
    pinyin_predict(k->py, his);
}

/* Start opening the handwriting model (26 MB) on a thread of its own, if
 * not open or opening: when the pad is shown, so that the resident's first
 * stroke finds it open (or waits only for the rest of the load). */
static void hw_start(Osk *k)
{
    if (k->hw || k->hw_failed)
        return;
    char err[300];
    k->hw = hw_open_async(k->hw_model[0] ? k->hw_model : NULL, err, sizeof err);
    if (!k->hw) {
        k->hw_failed = true;
        fprintf(stderr, "kiosk: handwriting unavailable: %s\n", err);
        return;
    }
    if (k->drawable)
        hw_set_filter(k->hw, k->drawable, k->drawable_ctx);
}

/* Recognise the ink so far. */
static void recognise(Osk *k, int pad_w, int pad_h)
{
    k->hw_n = 0;
    reset_page(k);
    if (hw_ink_strokes(k->ink) == 0)
        return;
    hw_start(k);
    char err[300];
    if (k->hw && !hw_wait(k->hw, err, sizeof err)) {   /* a load under way: wait */
        k->hw_failed = true;
        fprintf(stderr, "kiosk: handwriting unavailable: %s\n", err);
        hw_close(k->hw);
        k->hw = NULL;
    }
    if (k->hw)
        k->hw_n = hw_recognize(k->hw, k->ink, pad_w, pad_h, k->hw_cands, 10);
}

/* A handwritten character goes into the text: the pad is cleared and the
 * engine predicts what may follow it. */
static void hand_commit(Osk *k, OskTarget *t, const char *ch)
{
    osk_append(t, ch);
    hw_ink_clear(k->ink);
    k->inking = false;
    k->hw_n = 0;
    reset_page(k);
    if (k->py) {
        char his[32];
        history(t->buf, his, sizeof his);
        pinyin_predict(k->py, his);
    }
}

bool osk_commit_pending(Osk *k, OskTarget *t)
{
    if (k->mode != OSK_HAND || k->inking || hw_ink_strokes(k->ink) == 0 || k->hw_n == 0)
        return false;
    char ch[8];
    memcpy(ch, k->hw_cands[0], sizeof ch);
    hand_commit(k, t, ch);
    return true;
}

static void set_mode(Osk *k, OskMode mode)
{
    if (k->py)
        pinyin_clear(k->py);
    hw_ink_clear(k->ink);
    k->hw_n = 0;
    k->shift = false;
    k->mode = mode;
    reset_page(k);
    if (mode == OSK_HAND)
        hw_start(k);
}

static size_t hand_page(const Osk *k, double dp, int w);

bool osk_press(Osk *k, const char *id, OskTarget *t, const TextMeasure *m, double dp,
               int bar_w)
{
    for (int i = 0; i < OSK_MODE_COUNT; i++)
        if (strcmp(id, mode_ids[i]) == 0) {
            set_mode(k, (OskMode)i);
            return true;
        }
    if (strncmp(id, "cand:", 5) == 0) {
        const char *arg = id + 5;
        size_t n = cand_count(k);
        if (strcmp(arg, "next") == 0) {
            size_t fit = k->mode == OSK_HAND ? hand_page(k, dp, bar_w)
                                             : cand_fit(k, m, dp, scale_of(k->text_scale), bar_w, k->page);
            if (k->page + fit < n && k->npages < (int)(sizeof k->pages / sizeof *k->pages)) {
                k->pages[k->npages++] = k->page;
                k->page += fit;
            }
            return true;
        }
        if (strcmp(arg, "prev") == 0) {
            if (k->npages > 0)
                k->page = k->pages[--k->npages];
            return true;
        }
        char *end;
        unsigned long i = strtoul(arg, &end, 10);
        if (*end || i >= n)
            return true;
        if (k->mode == OSK_PINYIN) {
            commit_pinyin(k, t, i);
        } else if (hand_predicting(k)) {
            commit_pinyin(k, t, i);     /* a prediction: more follow it */
        } else if (k->mode == OSK_HAND) {
            char ch[8];
            memcpy(ch, k->hw_cands[i], sizeof ch);
            hand_commit(k, t, ch);
        }
        return true;
    }
    if (strcmp(id, "hw:undo") == 0 || strcmp(id, "hw:clear") == 0) {
        if (id[3] == 'u')
            hw_ink_undo(k->ink);
        else
            hw_ink_clear(k->ink);
        /* Recognise what is left, on the pad size of the last stroke. */
        recognise(k, k->pad_w, k->pad_h);
        return true;
    }
    if (strncmp(id, "key:", 4) != 0)
        return false;
    const char *key = id + 4;
    bool pinyin = k->mode == OSK_PINYIN && k->py;
    if (strcmp(key, "bksp") == 0) {
        if (pinyin && pinyin_composing(k->py)) {
            if (pinyin_backspace(k->py) == 0)
                osk_delete_last(t);
            reset_page(k);
        } else {
            if (pinyin)
                pinyin_clear(k->py);
            if (k->mode == OSK_HAND && hw_ink_strokes(k->ink) > 0) {
                hw_ink_clear(k->ink);
                k->hw_n = 0;
            } else {
                osk_delete_last(t);
                if (k->mode == OSK_HAND && k->py)
                    pinyin_clear(k->py);   /* predictions were for what was deleted */
            }
            reset_page(k);
        }
        return true;
    }
    if (strcmp(key, "space") == 0) {
        if (osk_commit_pending(k, t))
            return true;   /* space takes the written character, as in 拼音 */
        if (pinyin && pinyin_composing(k->py) && pinyin_count(k->py) > 0)
            commit_pinyin(k, t, 0);
        else {
            if (pinyin)
                pinyin_clear(k->py);
            osk_append(t, " ");
        }
        return true;
    }
    if (strcmp(key, "shift") == 0) {
        k->shift = !k->shift;
        return true;
    }
    if (strcmp(key, "sep") == 0) {
        if (pinyin && pinyin_composing(k->py))
            pinyin_type(k->py, '\'');
        return true;
    }
    if (strncmp(key, "sym:", 4) == 0) {
        /* Punctuation ends a composition with its first candidate. */
        if (pinyin && pinyin_composing(k->py)) {
            char out[256];
            int r;
            while ((r = pinyin_choose(k->py, 0, out, sizeof out)) == 0)
                ;
            if (r == 1)
                osk_append(t, out);
        }
        osk_commit_pending(k, t);   /* 手写: the character before it goes in */
        if (k->py)
            pinyin_clear(k->py);
        osk_append(t, key + 4);
        reset_page(k);
        return true;
    }
    if (key[0] >= 'a' && key[0] <= 'z' && key[1] == '\0') {
        if (pinyin) {
            pinyin_type(k->py, key[0]);
            reset_page(k);
        } else if (k->mode == OSK_ABC) {
            char s[2] = {k->shift ? (char)(key[0] - 'a' + 'A') : key[0], '\0'};
            osk_append(t, s);
            k->shift = false;
        }
        return true;
    }
    return true;   /* an unknown key: ignore it, but it was a keyboard id */
}

/* ---- handwriting ---- */

void osk_ink_down(Osk *k, int x, int y)
{
    if (k->mode != OSK_HAND)
        return;
    if (hw_ink_begin_stroke(k->ink) < 0)
        return;
    if (k->py && hw_ink_strokes(k->ink) == 1)
        pinyin_clear(k->py);     /* writing again: the predictions go */
    k->inking = true;
    hw_ink_add_point(k->ink, x, y);
}

void osk_ink_move(Osk *k, int x, int y)
{
    if (k->inking)
        hw_ink_add_point(k->ink, x, y);
}

void osk_ink_up(Osk *k, int pad_w, int pad_h)
{
    if (!k->inking)
        return;
    hw_ink_end_stroke(k->ink);
    k->inking = false;
    k->pad_w = pad_w;
    k->pad_h = pad_h;
    recognise(k, pad_w, pad_h);
}

bool osk_pad_down(Osk *k, const DrawList *frame, int x, int y, OskTarget *t)
{
    const char *id = dl_hit_test(frame, x, y);
    if (!id || (strcmp(id, "hwpad") != 0 && strcmp(id, "hwpad2") != 0))
        return false;
    int box = id[5] == '2';
    if (box != k->box && hw_ink_strokes(k->ink) > 0) {
        /* The next character, in the other box: the one written is done. */
        if (!osk_commit_pending(k, t)) {
            hw_ink_clear(k->ink);   /* nothing recognised: nothing to keep */
            k->hw_n = 0;
        }
    }
    k->box = box;
    k->pad = dl_find_hit(frame, id)->r;
    osk_ink_down(k, x - k->pad.x, y - k->pad.y);
    return true;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void osk_pad_move(Osk *k, int x, int y)
{
    osk_ink_move(k, clampi(x - k->pad.x, 0, k->pad.w - 1), clampi(y - k->pad.y, 0, k->pad.h - 1));
}

void osk_pad_up(Osk *k, int x, int y)
{
    osk_pad_move(k, x, y);
    osk_ink_up(k, k->pad.w, k->pad.h);
}

/* ---- drawing ---- */

typedef struct {
    DrawList *dl;
    const TextMeasure *m;
    double dp;
    const char *pressed;
    const OskLook *look;
} Ctx;

static const char *tr(const Ctx *c, const char *key)
{
    return i18n_get(c->look->i18n, c->look->lang, key);
}

static void key(const Ctx *c, Rect r, const char *id, const char *label, FontFace face,
                int size_dp, Color bg, Color fg)
{
    bool down = c->pressed && strcmp(c->pressed, id) == 0;
    Color b = down ? (Color){(uint8_t)(bg.r * 3 / 4), (uint8_t)(bg.g * 3 / 4),
                             (uint8_t)(bg.b * 3 / 4), 0xFF} : bg;
    dl_rect(c->dl, r, b);
    dl_frame(c->dl, r, COL_BORDER, 1);
    Color tc = down && bg.r > 0x80 ? COL_TEXT : fg;
    int size = px(c->dp, size_dp * (face == FONT_ICON ? 1.0 : scale_of(c->look->text)));
    const char *nl = strchr(label, '\n');
    if (nl) {
        /* Two lines (a mode key in both languages: "拼音" over "Pinyin"),
         * each at the size that fits the key. */
        const char *ln[2] = {label, nl + 1};
        int len[2] = {(int)(nl - label), (int)strlen(nl + 1)};
        int sz = size * 3 / 4;
        for (int i = 0; i < 2; i++)
            while (sz > 1 && measure_width(c->m, face, sz, ln[i], (size_t)len[i]) > r.w - px(c->dp, 8))
                sz -= 1;
        int h = measure_height(c->m, face, sz);
        int y = r.y + (r.h - 2 * h) / 2;
        for (int i = 0; i < 2; i++) {
            int w = measure_width(c->m, face, sz, ln[i], (size_t)len[i]);
            dl_text(c->dl, r.x + (r.w - w) / 2, y + i * h, face, sz, tc, ln[i], len[i]);
        }
        dl_hit(c->dl, r, id);
        return;
    }
    int w = measure_width(c->m, face, size, label, strlen(label));
    /* A label wider than its key (large text, a narrow pad side) shrinks
     * to fit it: it is never cut. */
    while (w > r.w - px(c->dp, 8) && size > px(c->dp, 16)) {
        size -= size / 12 > 0 ? size / 12 : 1;
        w = measure_width(c->m, face, size, label, strlen(label));
    }
    int h = measure_height(c->m, face, size);
    dl_text(c->dl, r.x + (r.w - w) / 2, r.y + (r.h - h) / 2, face, size, tc, label, -1);
    dl_hit(c->dl, r, id);
}

static void char_key(const Ctx *c, Rect r, const char *text, bool upper)
{
    char id[32], label[8];
    if (text[1] == '\0' && text[0] >= 'a' && text[0] <= 'z') {
        snprintf(id, sizeof id, "key:%s", text);
        snprintf(label, sizeof label, "%c", upper ? text[0] - 'a' + 'A' : text[0]);
    } else {
        snprintf(id, sizeof id, "key:sym:%s", text);
        snprintf(label, sizeof label, "%s", text);
    }
    key(c, r, id, label, FONT_REGULAR, 40, COL_CARD, COL_TEXT);
}

static void candidates(const Osk *k, const Ctx *c, Rect bar)
{
    size_t n = cand_count(k);
    int gap = px(c->dp, KEY_GAP);
    int aw = px(c->dp, ARROW_W);
    double sc = scale_of(c->look->text);
    size_t fit = n ? cand_fit(k, c->m, c->dp, sc, bar.w, k->page) : 0;
    int x = bar.x;
    for (size_t i = k->page; i < k->page + fit; i++) {
        int w = cand_width(k, c->m, c->dp, sc, i);
        char id[32];
        snprintf(id, sizeof id, "cand:%zu", i);
        Color bg = i == 0 && k->mode == OSK_PINYIN ? COL_HIGHLIGHT : COL_CARD;
        key(c, (Rect){x, bar.y, w, bar.h}, id, cand_text(k, i), FONT_REGULAR, 40, bg, COL_TEXT);
        x += w + gap;
    }
    bool more = k->page + fit < n, less = k->npages > 0;
    Rect prev = {bar.x + bar.w - 2 * aw - gap, bar.y, aw, bar.h};
    Rect next = {bar.x + bar.w - aw, bar.y, aw, bar.h};
    if (less)
        key(c, prev, "cand:prev", ICON_CHEVRON_L, FONT_ICON, 56, COL_KEY_FN, COL_TEXT);
    if (more)
        key(c, next, "cand:next", ICON_CHEVRON, FONT_ICON, 56, COL_KEY_FN, COL_TEXT);
}

/* A writing box: the 米字格 practice grid, and the ink if it is written in
 * this box; the other box, while a character waits in this one, says that
 * the next character goes there. */
static void pad(const Osk *k, const Ctx *c, Rect r, int box)
{
    DrawList *dl = c->dl;
    bool ink = box == k->box && hw_ink_strokes(k->ink) > 0;
    bool next = box != k->box && hw_ink_strokes(k->ink) > 0;
    dl_rect(dl, r, COL_PAD);
    int t = px(c->dp, 2);
    dl_frame(dl, r, next ? COL_PRIMARY : COL_GRID, next ? px(c->dp, 4) : t);
    int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
    dl_line(dl, r.x, cy, r.x + r.w, cy, 1, COL_GRID);
    dl_line(dl, cx, r.y, cx, r.y + r.h, 1, COL_GRID);
    /* Dashed diagonals, as on a practice sheet. */
    for (int i = 0; i < 16; i += 2) {
        int a0 = r.w * i / 16, a1 = r.w * (i + 1) / 16;
        dl_line(dl, r.x + a0, r.y + a0, r.x + a1, r.y + a1, 1, COL_GRID);
        dl_line(dl, r.x + r.w - a0, r.y + a0, r.x + r.w - a1, r.y + a1, 1, COL_GRID);
    }
    if (next) {
        const char *say = tr(c, "osk.hand_next");
        int sz = px(c->dp, 26 * scale_of(c->look->text));
        int w = measure_width(c->m, FONT_REGULAR, sz, say, strlen(say));
        while (w > r.w - px(c->dp, 16) && sz > px(c->dp, 16)) {
            sz--;
            w = measure_width(c->m, FONT_REGULAR, sz, say, strlen(say));
        }
        dl_text(dl, r.x + (r.w - w) / 2, r.y + px(c->dp, 8), FONT_REGULAR, sz, COL_TEXT2, say,
                -1);
    }
    int thick = px(c->dp, 10);
    for (size_t s = 0; ink && s < hw_ink_strokes(k->ink); s++) {
        const HwPoint *p = hw_ink_stroke(k->ink, s);
        size_t n = hw_ink_points(k->ink, s);
        if (n == 1)
            dl_line(dl, r.x + p[0].x, r.y + p[0].y, r.x + p[0].x, r.y + p[0].y, thick, COL_INK);
        for (size_t i = 1; i < n; i++)
            dl_line(dl, r.x + p[i - 1].x, r.y + p[i - 1].y, r.x + p[i].x, r.y + p[i].y, thick,
                    COL_INK);
    }
    dl_hit(dl, r, box ? "hwpad2" : "hwpad");
}

/* The 手写 layout. Landscape: editing keys and punctuation, the two
 * boxes, the candidates in a 3-column grid, side by side, as tall as the
 * candidate bar and three rows of keys (larger with large text). Portrait
 * (a keyboard narrower than 1300 dp): the two boxes side by side across
 * the width, two rows of five candidates under them, then the editing
 * keys: the pad takes the room the empty text box does not need. */
#define HAND_PORTRAIT_W 1300   /* dp */
#define HAND_BOX_MAX 560       /* dp: a portrait box no larger */
#define HAND_GROW 1.15         /* landscape: the boxes with large text */

static bool hand_portrait(double dp, int w)
{
    return w < px(dp, HAND_PORTRAIT_W);
}

/* Candidates a page of the 手写 grid shows: landscape 10 of its 12 slots,
 * the last two for ‹ ›; portrait all 10 slots, or 8 and ‹ › when there are
 * more (predictions run to dozens). */
static size_t hand_page(const Osk *k, double dp, int w)
{
    return !hand_portrait(dp, w) || cand_count(k) <= 10 ? 10 : 8;
}

/* The height of the pad part (boxes, candidates, editing keys) of the
 * hand mode, for a keyboard `w` pixels wide whose body may take at most
 * `room` pixels (the boxes shrink to fit, never under 200 dp); *box gets
 * a box's side. */
static int hand_body(double dp, double text, int w, int room, int *box)
{
    int gap = px(dp, KEY_GAP), kh = px(dp, KEY_H);
    double sc = scale_of(text);
    int side, rest;
    if (!hand_portrait(dp, w)) {
        side = px(dp, (BAR_H + KEY_GAP * 3 + KEY_H * 3) * (sc > 1 ? HAND_GROW : 1.0));
        rest = 0;
    } else {
        side = (w - gap) / 2;
        if (side > px(dp, HAND_BOX_MAX))
            side = px(dp, HAND_BOX_MAX);
        rest = gap + 2 * (px(dp, CAND_MIN * sc) + gap) + kh;
    }
    if (side + rest > room)
        side = room - rest;
    if (side < px(dp, 200))
        side = px(dp, 200);
    *box = side;
    return side + rest;
}

/* The hint line's height: taller in 手写 with large text, whose hint is
 * a sentence that must not touch the boxes. */
static int comp_height(const Osk *k, double dp, double text)
{
    return px(dp, COMP_H * (k->mode == OSK_HAND ? scale_of(text) : 1.0));
}

/* What the keyboard takes besides the hand mode's body. */
static int hand_frame(const Osk *k, double dp, double text)
{
    return px(dp, KB_PAD) * 2 + comp_height(k, dp, text) + px(dp, KEY_GAP) + px(dp, KEY_H);
}

int osk_height_for(const Osk *k, double dp, double text, int w, int max_h)
{
    if (k->mode != OSK_HAND)
        return osk_height(dp);
    int box, frame = hand_frame(k, dp, text);
    return frame + hand_body(dp, text, w - 2 * px(dp, KB_PAD), max_h - frame, &box);
}

/* One handwriting candidate (or prediction) key. */
static void hand_cand(const Osk *k, const Ctx *c, Rect r, size_t i)
{
    char id[32];
    snprintf(id, sizeof id, "cand:%zu", i);
    bool first = i == 0 && !hand_predicting(k);
    key(c, r, id, cand_text(k, i), FONT_REGULAR, 48, first ? COL_HIGHLIGHT : COL_CARD,
        COL_TEXT);
}

/* Slot j of the 手写 candidate grid on the current page of `page`
 * candidates: a candidate, then ‹ and › when there are pages before or
 * after, else nothing. */
static void hand_slot(const Osk *k, const Ctx *c, Rect r, size_t j, size_t page)
{
    size_t n = cand_count(k);
    if (j < page) {
        if (k->page + j < n)
            hand_cand(k, c, r, k->page + j);
    } else if (j == page && k->npages > 0) {
        key(c, r, "cand:prev", ICON_CHEVRON_L, FONT_ICON, 56, COL_KEY_FN, COL_TEXT);
    } else if (j == page + 1 && k->page + page < n) {
        key(c, r, "cand:next", ICON_CHEVRON, FONT_ICON, 56, COL_KEY_FN, COL_TEXT);
    }
}

/* The hand mode's body from y; returns the y of the bottom row. */
static int hand_view(const Osk *k, const Ctx *c, int x0, int y, int w, int room)
{
    double dp = c->dp, sc = scale_of(c->look->text);
    int gap = px(dp, KEY_GAP), kh = px(dp, KEY_H), side;
    int body = hand_body(dp, c->look->text, w, room, &side);
    const char *rid[3] = {"hw:undo", "hw:clear", "key:bksp"};
    const char *rl[3] = {"osk.undo", "osk.clear", "osk.delete"};
    if (hand_portrait(dp, w)) {
        int bx = x0 + (w - 2 * side - gap) / 2;
        pad(k, c, (Rect){bx, y, side, side}, 0);
        pad(k, c, (Rect){bx + side + gap, y, side, side}, 1);
        int cy = y + side + gap, crh = px(dp, CAND_MIN * sc);
        int cw = (w - 4 * gap) / 5;
        for (size_t j = 0; j < 10; j++)
            hand_slot(k, c, (Rect){x0 + (int)(j % 5) * (cw + gap), cy + (int)(j / 5) * (crh + gap),
                                   cw, crh}, j, hand_page(k, dp, w));
        /* Editing keys, then 、？！ (，。 are on the bottom row). */
        int ry = cy + 2 * (crh + gap);
        const char *punct[3] = {"、", "？", "！"};
        int ew = (w - 5 * gap) / 6;
        for (int i = 0; i < 3; i++)
            key(c, (Rect){x0 + i * (ew + gap), ry, ew, kh}, rid[i], tr(c, rl[i]), FONT_BOLD, 30,
                COL_KEY_FN, COL_TEXT);
        for (int i = 0; i < 3; i++)
            char_key(c, (Rect){x0 + (3 + i) * (ew + gap), ry, i == 2 ? x0 + w - (x0 + 5 * (ew + gap)) : ew, kh},
                     punct[i], false);
        return y + body + gap;
    }
    /* Landscape: editing keys and punctuation | box | box | candidates. */
    int ph = side;
    int cw = px(dp, 112 * (sc > 1 ? HAND_GROW : 1.0));
    int lw = (w - 2 * ph - gap - 4 * gap - (3 * cw + 2 * gap) - gap) / 2;
    if (lw > px(dp, 190))
        lw = px(dp, 190);
    int total = 2 * lw + gap + gap * 2 + 2 * ph + gap + gap * 2 + 3 * cw + 2 * gap;
    int lx = x0 + (w - total) / 2;
    Rect pr = {lx + 2 * lw + gap + 2 * gap, y, ph, ph};
    pad(k, c, pr, 0);
    pad(k, c, (Rect){pr.x + ph + gap, y, ph, ph}, 1);
    int ch = (ph - 3 * gap) / 4;
    int gx = pr.x + 2 * ph + gap + 2 * gap;
    for (size_t j = 0; j < 12; j++)
        hand_slot(k, c, (Rect){gx + (int)(j % 3) * (cw + gap), y + (int)(j / 3) * (ch + gap), cw, ch},
                  j, hand_page(k, dp, w));
    const char *punct[4] = {"，", "。", "？", "！"};
    for (int i = 0; i < 4; i++) {
        Rect r = {lx, y + i * (ch + gap), lw, ch};
        if (i < 3)
            key(c, r, rid[i], tr(c, rl[i]), FONT_BOLD, 30, COL_KEY_FN, COL_TEXT);
        r.x += lw + gap;
        char_key(c, r, punct[i], false);
    }
    return y + body + gap;
}

void osk_view(const Osk *k, DrawList *dl, const OskLook *look, Rect area, const char *pressed)
{
    const TextMeasure *m = look->m;
    double dp = look->dp;
    const Ctx ctx = {dl, m, dp, pressed, look}, *c = &ctx;
    dl_rect(dl, area, COL_KB);
    int gap = px(dp, KEY_GAP), pad_ = px(dp, KB_PAD);
    /* 手写 in landscape needs the width for two boxes and large text. */
    int kw_max = k->mode == OSK_HAND ? area.w : px(dp, KB_MAX_W);
    int w = area.w - 2 * pad_ < kw_max ? area.w - 2 * pad_ : kw_max;
    int x0 = area.x + (area.w - w) / 2;
    int y = area.y + pad_;
    int kh = px(dp, KEY_H);

    /* Composition or hint line. */
    char comp[256] = "";
    Color cc = COL_PRIMARY;
    if (osk_composing(k)) {
        pinyin_display(k->py, comp, sizeof comp);
    } else {
        cc = COL_TEXT2;
        const char *hint = hint_keys[k->mode];
        if (k->mode == OSK_PINYIN && k->py && pinyin_predicting(k->py) && pinyin_count(k->py))
            hint = "osk.hint.predicting";
        else if (k->mode == OSK_PINYIN && !k->py)
            hint = "osk.pinyin_unavailable";
        else if (k->mode == OSK_HAND && k->hw_failed)
            hint = "osk.hand_unavailable";
        else if (hand_predicting(k) && pinyin_count(k->py))
            hint = "osk.hint.hand_predicting";
        else if (k->mode == OSK_HAND && hw_ink_strokes(k->ink) > 0)
            hint = "osk.hint.hand_writing";
        else if (k->mode == OSK_SYM && look->phone)
            hint = "osk.hint.phone";
        snprintf(comp, sizeof comp, "%s", tr(c, hint));
    }
    int csz = px(dp, (k->mode == OSK_PINYIN && osk_composing(k) ? 36 : 28) * scale_of(look->text));
    /* A hint longer than the line (English, large text, portrait) is
     * drawn smaller, never cut. */
    while (csz > px(dp, 18) && measure_width(m, FONT_REGULAR, csz, comp, strlen(comp)) > w - px(dp, 16))
        csz--;
    int comp_h = comp_height(k, dp, look->text);
    dl_text(dl, x0 + px(dp, 8), y + (comp_h - measure_height(m, FONT_REGULAR, csz)) / 2,
            FONT_REGULAR, csz, cc, comp, -1);
    y += comp_h;

    int unit = (w - 9 * gap) / 10;   /* a letter key's width */
    int rows_y = y + px(dp, BAR_H) + gap;
    int by = rows_y + 3 * (kh + gap);
    if (k->mode == OSK_HAND) {
        by = hand_view(k, c, x0, y, w, area.h - hand_frame(k, dp, look->text));
    } else if (k->mode == OSK_SYM && look->phone) {
        /* A phone's keypad where the candidates and the three rows are:
         * four rows of large keys, 1 2 3 at the top, 0 at the foot. */
        static const char *const pk[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9",
                                           "-", "0", NULL};
        int rh = (px(dp, BAR_H) + 3 * kh + 3 * gap - 3 * gap) / 4;
        int cw = (w - 2 * gap) / 3;
        if (cw > px(dp, 320))   /* a phone keypad's key: one-off widest */
            cw = px(dp, 320);
        int px0 = x0 + (w - 3 * cw - 2 * gap) / 2;
        for (int i = 0; i < 12; i++) {
            Rect r = {px0 + (i % 3) * (cw + gap), y + (i / 3) * (rh + gap), cw, rh};
            if (pk[i]) {
                char id[32];
                snprintf(id, sizeof id, "key:sym:%s", pk[i]);
                key(c, r, id, pk[i], FONT_BOLD, 48, COL_CARD, COL_TEXT);
            } else {
                key(c, r, "key:bksp", ICON_BACKSPACE, FONT_ICON, 48, COL_KEY_FN, COL_TEXT);
            }
        }
    } else {
        candidates(k, c, (Rect){x0, y, w, px(dp, BAR_H)});
        for (int row = 0; row < 3; row++) {
            int ry = rows_y + row * (kh + gap);
            if (k->mode == OSK_SYM) {
                int n = 0;
                while (n < 10 && sym_rows[row][n])
                    n++;
                for (int i = 0; i < n; i++)
                    char_key(c, (Rect){x0 + i * (unit + gap), ry, unit, kh}, sym_rows[row][i],
                             false);
            } else {
                const char *letters = letter_rows[row];
                int n = (int)strlen(letters);
                int indent = (w - n * unit - (n - 1) * gap) / 2;
                for (int i = 0; i < n; i++) {
                    char s[2] = {letters[i], '\0'};
                    char_key(c, (Rect){x0 + indent + i * (unit + gap), ry, unit, kh}, s,
                             k->mode == OSK_ABC && k->shift);
                }
                if (row == 2) {
                    int fw = indent - gap;
                    if (k->mode == OSK_ABC)
                        key(c, (Rect){x0, ry, fw, kh}, "key:shift", "\xe2\x87\xa7",
                            FONT_REGULAR, 40, k->shift ? COL_PRIMARY : COL_KEY_FN,
                            k->shift ? COL_ON_PRIMARY : COL_TEXT);
                    else
                        key(c, (Rect){x0, ry, fw, kh}, "key:sep", "'", FONT_BOLD, 40,
                            COL_KEY_FN, COL_TEXT);
                }
            }
            if (row == 2) {
                int bx = x0 + 8 * (unit + gap);
                if (k->mode != OSK_SYM)
                    bx = x0 + w - ((w - 7 * unit - 6 * gap) / 2 - gap);
                key(c, (Rect){bx, ry, x0 + w - bx, kh}, "key:bksp", ICON_BACKSPACE, FONT_ICON,
                    48, COL_KEY_FN, COL_TEXT);
            }
        }
    }

    /* Bottom row: the four modes, punctuation, space. */
    if (k->mode == OSK_HAND) {
        /* The bottom row as in the other modes, whatever the body's width. */
        w = area.w - 2 * pad_ < px(dp, KB_MAX_W) ? area.w - 2 * pad_ : px(dp, KB_MAX_W);
        x0 = area.x + (area.w - w) / 2;
        unit = (w - 9 * gap) / 10;
    }
    int mw = unit + unit / 3;
    int x = x0;
    for (int i = 0; i < OSK_MODE_COUNT; i++) {
        bool on = (int)k->mode == i;
        key(c, (Rect){x, by, mw, kh}, mode_ids[i], tr(c, mode_keys[i]), FONT_BOLD, 32,
            on ? COL_PRIMARY : COL_KEY_FN, on ? COL_ON_PRIMARY : COL_TEXT);
        x += mw + gap;
    }
    if (k->mode == OSK_PINYIN || k->mode == OSK_HAND) {
        char_key(c, (Rect){x, by, unit, kh}, "，", false);
        x += unit + gap;
        char_key(c, (Rect){x, by, unit, kh}, "。", false);
        x += unit + gap;
    }
    key(c, (Rect){x, by, x0 + w - x, kh}, "key:space", tr(c, "osk.space"), FONT_REGULAR, 32,
        COL_CARD, COL_TEXT2);
}
