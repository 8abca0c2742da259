/* handwriting.c - handwritten Chinese character recognition (zinnia) and the ink it reads. */
#include "handwriting.h"
#include "errmsg.h"
#include "hw_common.h"
#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zinnia.h>

/* Placement (HW_PLACE_CENTER): ink smaller than HW_SMALL of the pad is
 * enlarged to that, ink larger than the pad less HW_MARGIN on each side is
 * shrunk to fit; measured in docs/INPUT.md. */
#define HW_SMALL 0.5
#define HW_MARGIN 0.1
/* Ask zinnia for more than shown, so filtered-out ones can be replaced. */
#define HW_NBEST 30
/* The frequency prior: a candidate among the hw_common characters gains
 * HW_PRIOR x (ln(count + 1) - ln(rank + 1)) on its score, when its score
 * is within HW_PRIOR_WINDOW of the best (measured in docs/INPUT.md). */
#define HW_PRIOR 0.175
#define HW_PRIOR_WINDOW 0.8

struct HwInk {
    size_t nstrokes;                    /* including an open one */
    bool open;
    size_t npts;
    uint16_t start[HW_MAX_STROKES + 1]; /* start[nstrokes] == npts */
    HwPoint pts[HW_MAX_POINTS];
};

struct Handwriting {
    zinnia_recognizer_t *rec;
    zinnia_character_t *ch;
    HwDrawable drawable;
    void *ctx;
    HwPlacement placement;
    /* hw_open_async: the loader thread reads rec and model, and writes ok
     * and err; the caller's thread reads those only after joining it. */
    pthread_t loader;
    bool loading;                       /* loader started and not joined */
    bool ok;                            /* the model is open */
    char model[PATH_MAX];
    char err[300];
};

HwInk *hw_ink_new(void)
{
    return calloc(1, sizeof(HwInk));
}

void hw_ink_free(HwInk *ink)
{
    free(ink);
}

int hw_ink_begin_stroke(HwInk *ink)
{
    hw_ink_end_stroke(ink);
    if (ink->nstrokes >= HW_MAX_STROKES || ink->npts >= HW_MAX_POINTS)
        return -1;
    ink->start[ink->nstrokes] = (uint16_t)ink->npts;
    ink->nstrokes++;
    ink->start[ink->nstrokes] = (uint16_t)ink->npts;
    ink->open = true;
    return 0;
}

static int16_t hw_clamp16(int v)
{
    return (int16_t)(v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : v);
}

int hw_ink_add_point(HwInk *ink, int x, int y)
{
    if (!ink->open || ink->npts >= HW_MAX_POINTS)
        return -1;
    HwPoint p = {hw_clamp16(x), hw_clamp16(y)};
    if (ink->npts > ink->start[ink->nstrokes - 1]) {
        const HwPoint *last = &ink->pts[ink->npts - 1];
        if (abs(p.x - last->x) < HW_MIN_STEP && abs(p.y - last->y) < HW_MIN_STEP)
            return 0;
    }
    ink->pts[ink->npts++] = p;
    ink->start[ink->nstrokes] = (uint16_t)ink->npts;
    return 1;
}

void hw_ink_end_stroke(HwInk *ink)
{
    if (!ink->open)
        return;
    ink->open = false;
    if (ink->start[ink->nstrokes - 1] == ink->npts)
        ink->nstrokes--;            /* no points: drop it */
}

int hw_ink_undo(HwInk *ink)
{
    ink->open = false;
    if (ink->nstrokes > 0) {
        ink->nstrokes--;
        ink->npts = ink->start[ink->nstrokes];
    }
    return (int)ink->nstrokes;
}

void hw_ink_clear(HwInk *ink)
{
    ink->nstrokes = 0;
    ink->npts = 0;
    ink->open = false;
    ink->start[0] = 0;
}

size_t hw_ink_strokes(const HwInk *ink)
{
    return ink->nstrokes;
}

size_t hw_ink_points(const HwInk *ink, size_t s)
{
    return s < ink->nstrokes ? (size_t)(ink->start[s + 1] - ink->start[s]) : 0;
}

const HwPoint *hw_ink_stroke(const HwInk *ink, size_t s)
{
    return s < ink->nstrokes ? &ink->pts[ink->start[s]] : NULL;
}


/* Check the model, allocate the recogniser; the model is not opened yet. */
static Handwriting *hw_new(const char *model, char *err, size_t errlen)
{
    if (!model)
        model = HW_DEFAULT_MODEL;
    /* zinnia's own message for a missing file is vague; check first. */
    if (access(model, R_OK) != 0) {
        errmsg(err, errlen, "handwriting: %s: %s%s", model, strerror(errno),
               errno == ENOENT ? " (install tegaki-zinnia-simplified-chinese)" : "");
        return NULL;
    }
    Handwriting *h = calloc(1, sizeof *h);
    if (!h || !(h->rec = zinnia_recognizer_new()) || !(h->ch = zinnia_character_new()) ||
        snprintf(h->model, sizeof h->model, "%s", model) >= (int)sizeof h->model) {
        errmsg(err, errlen, h && h->ch ? "handwriting: model path too long"
                                       : "handwriting: out of memory");
        hw_close(h);
        return NULL;
    }
    h->placement = HW_PLACE_CENTER;
    return h;
}

/* Open the model (26 MB, mapped and walked): on the loader thread or not. */
static void hw_load(Handwriting *h)
{
    h->ok = zinnia_recognizer_open(h->rec, h->model) != 0;
    if (!h->ok)
        errmsg(h->err, sizeof h->err, "handwriting: %s: %s", h->model,
               zinnia_recognizer_strerror(h->rec));
}

static void *hw_loader(void *arg)
{
    hw_load(arg);
    return NULL;
}

Handwriting *hw_open(const char *model, char *err, size_t errlen)
{
    Handwriting *h = hw_new(model, err, errlen);
    if (!h)
        return NULL;
    hw_load(h);
    if (!h->ok) {
        errmsg(err, errlen, "%s", h->err);
        hw_close(h);
        return NULL;
    }
    return h;
}

Handwriting *hw_open_async(const char *model, char *err, size_t errlen)
{
    Handwriting *h = hw_new(model, err, errlen);
    if (h)
        h->loading = pthread_create(&h->loader, NULL, hw_loader, h) == 0;
    if (h && !h->loading)
        hw_load(h);                     /* no thread: open it now */
    return h;
}

bool hw_wait(Handwriting *h, char *err, size_t errlen)
{
    if (!h)
        return false;
    if (h->loading) {
        pthread_join(h->loader, NULL);
        h->loading = false;
    }
    if (!h->ok)
        errmsg(err, errlen, "%s", h->err);
    return h->ok;
}

void hw_close(Handwriting *h)
{
    if (!h)
        return;
    if (h->loading)
        pthread_join(h->loader, NULL);  /* it uses rec */
    if (h->ch)
        zinnia_character_destroy(h->ch);
    if (h->rec) {
        if (h->ok)
            zinnia_recognizer_close(h->rec);
        zinnia_recognizer_destroy(h->rec);
    }
    free(h);
}

void hw_set_filter(Handwriting *h, HwDrawable drawable, void *ctx)
{
    h->drawable = drawable;
    h->ctx = ctx;
}

void hw_set_placement(Handwriting *h, HwPlacement placement)
{
    h->placement = placement;
}

/* Radicals and bare strokes that GB2312 encodes as characters. Nobody
 * writes them in a suggestion, but zinnia often ranks them first: 囗 above
 * 口, 亻 above 人. hw_recognize moves them after the real characters. */
static const char hw_radicals[] =
    "丨丶丿乛亅亠亻冂冖冫凵刂勹匚匸卩厶廴廾彐彡彳忄扌氵灬犭纟饣讠钅阝"
    "礻衤艹宀囗夂夊丬爿罒疒癶耒虍衤";

static bool hw_is_radical(const char *v)
{
    return strstr(hw_radicals, v) != NULL;
}

/* Load the ink into h->ch, placed as h->placement says. False if empty. */
static bool hw_load_ink(Handwriting *h, const HwInk *ink, int pad_w, int pad_h)
{
    if (ink->npts == 0)
        return false;
    int minx = INT16_MAX, miny = INT16_MAX, maxx = INT16_MIN, maxy = INT16_MIN;
    for (size_t i = 0; i < ink->npts; i++) {
        const HwPoint *p = &ink->pts[i];
        minx = p->x < minx ? p->x : minx;
        maxx = p->x > maxx ? p->x : maxx;
        miny = p->y < miny ? p->y : miny;
        maxy = p->y > maxy ? p->y : maxy;
    }
    pad_w = pad_w < 1 ? 1 : pad_w;
    pad_h = pad_h < 1 ? 1 : pad_h;
    bool raw = h->placement == HW_PLACE_RAW;
    /* A square canvas the size of the pad's short side; the ink's bounding
     * box is centred on it and its longer side scaled to `target`. */
    double canvas = pad_w < pad_h ? pad_w : pad_h;
    double side = maxx - minx > maxy - miny ? maxx - minx : maxy - miny;
    side = side < 1 ? 1 : side;
    double most = canvas * (1.0 - 2 * HW_MARGIN), target = side;
    if (h->placement == HW_PLACE_FIT || target > most)
        target = most;
    else if (target < canvas * HW_SMALL)
        target = canvas * HW_SMALL;
    double scale = target / side, cx = (minx + maxx) / 2.0, cy = (miny + maxy) / 2.0;
    zinnia_character_clear(h->ch);
    zinnia_character_set_width(h->ch, raw ? (size_t)pad_w : (size_t)canvas);
    zinnia_character_set_height(h->ch, raw ? (size_t)pad_h : (size_t)canvas);
    size_t id = 0;
    for (size_t s = 0; s < ink->nstrokes; s++) {
        size_t n = hw_ink_points(ink, s);
        const HwPoint *pts = hw_ink_stroke(ink, s);
        for (size_t i = 0; i < n; i++) {
            int x, y;
            if (raw) {
                x = pts[i].x < 0 ? 0 : pts[i].x > pad_w ? pad_w : pts[i].x;
                y = pts[i].y < 0 ? 0 : pts[i].y > pad_h ? pad_h : pts[i].y;
            } else {
                x = (int)((pts[i].x - cx) * scale + canvas / 2 + 0.5);
                y = (int)((pts[i].y - cy) * scale + canvas / 2 + 0.5);
            }
            zinnia_character_add(h->ch, id, x, y);
        }
        if (n > 0)
            id++;
    }
    return id > 0;
}

typedef struct { const char *v; double score; } HwCand;

static int hw_cand_cmp(const void *a, const void *b)
{
    double d = ((const HwCand *)b)->score - ((const HwCand *)a)->score;
    return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/* zinnia's results with the frequency prior added to each score within
 * HW_PRIOR_WINDOW of the best, best first (stable for equal scores: the
 * index breaks ties). Returns how many (at most HW_NBEST). */
static size_t hw_rerank(zinnia_result_t *res, HwCand c[HW_NBEST])
{
    size_t n = zinnia_result_size(res);
    n = n > HW_NBEST ? HW_NBEST : n;
    double best = n ? zinnia_result_score(res, 0) : 0;
    double top = log((double)hw_common_count() + 1);
    for (size_t i = 0; i < n; i++) {
        c[i].v = zinnia_result_value(res, i);
        c[i].score = zinnia_result_score(res, i) - 1e-9 * (double)i;
        int r = c[i].v ? hw_common_rank(c[i].v) : -1;
        if (r >= 0 && c[i].score >= best - HW_PRIOR_WINDOW)
            c[i].score += HW_PRIOR * (top - log((double)r + 1));
    }
    qsort(c, n, sizeof *c, hw_cand_cmp);
    return n;
}

size_t hw_recognize(Handwriting *h, const HwInk *ink, int pad_w, int pad_h,
                    char out[][8], size_t max)
{
    if (!h || !ink || max == 0)
        return 0;
    if (max > HW_MAX_CANDIDATES)
        max = HW_MAX_CANDIDATES;
    if (!hw_wait(h, NULL, 0) || !hw_load_ink(h, ink, pad_w, pad_h))
        return 0;
    zinnia_result_t *res = zinnia_recognizer_classify(h->rec, h->ch, HW_NBEST);
    if (!res)
        return 0;
    /* zinnia's results, re-ranked: a common character gains on a rare one
     * of nearly the same score (see HW_PRIOR). */
    HwCand c[HW_NBEST];
    size_t nc = hw_rerank(res, c);
    /* Two passes: characters, then radicals (see hw_radicals). */
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < nc && n < max; i++) {
            const char *v = c[i].v;
            if (!v || !v[0] || strlen(v) > 7 || hw_is_radical(v) != (pass == 1))
                continue;
            unsigned cp = 0;   /* the first character's; 0 when malformed */
            if (utf8_seq_len(v, strlen(v)) > 0)
                utf8_decode(v, strlen(v), &cp);
            if (cp == 0 || (h->drawable && !h->drawable(h->ctx, cp)))
                continue;
            memcpy(out[n], v, strlen(v) + 1);
            n++;
        }
    }
    zinnia_result_destroy(res);
    return n;
}
