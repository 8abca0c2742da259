/* render_sdl.c - draws a DrawList with SDL2/SDL2_ttf; owns fonts, text and QR textures. */
#include "render_sdl.h"
#include "platform_sdl.h"
#include "image.h"
#include "imgcache.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>
#include <SDL_ttf.h>
#include <qrencode.h>

/* Limits and tuning. */
#define FONT_SLOTS       64          /* open (face, size) pairs; LRU beyond */
#define FONT_SIZE_MAX    512         /* larger sizes are refused */
#define HINTING          TTF_HINTING_LIGHT
#define TEX_MAX_BYTES    (64u << 20) /* pixel memory of cached textures */
#define TEX_STALE_FRAMES 120         /* dropped at frame end when unused this long */
#define TEX_MAX_W        8192        /* wider text lines are cut to the target */
#define MEAS_SLOTS       8192        /* direct-mapped width cache (power of 2) */
#define MEAS_MAX_LEN     1024        /* longer strings are measured, not cached */
#define CLIP_DEPTH       32
#define STACK_STR        256         /* NUL-terminated copies up to this on the stack */
#define KIND_QR          0xFFu       /* cache "face" for QR textures */
#define KIND_IMAGE       0xFEu       /* pictures: size = width, rgb = height */

static const char *const FONT_FILES[FONT_COUNT] = {
    "NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf", "MaterialIcons-Regular.ttf",
};

/* Failure kinds, each logged once per Renderer (never with the text). */
enum { LOG_FONT, LOG_TEXT, LOG_TEXTURE, LOG_QR, LOG_QR_SMALL, LOG_WIDE, LOG_SIZE, LOG_OOM,
       LOG_IMAGE, LOG_COUNT };

typedef struct {
    TTF_Font *font;
    int face, size;
    uint64_t used;                   /* r->tick at last use */
} FontSlot;

typedef struct TexEntry {
    struct TexEntry *chain;          /* hash bucket */
    struct TexEntry *newer, *older;  /* LRU list */
    uint64_t hash, last_frame;
    unsigned kind, size;             /* face or KIND_QR; font px or QR px/module */
    uint32_t rgb;
    size_t len, bytes;
    SDL_Texture *tex;
    int w, h;
    char key[];                      /* len bytes + NUL */
} TexEntry;

/* A command as drawn: its hash (kind, place, colour, font, text) and the
 * pixels it can touch. */
typedef struct {
    uint64_t hash;
    SDL_Rect bounds;
    bool clip;                       /* DL_CLIP or DL_UNCLIP */
} DrawnCmd;

typedef struct {
    uint64_t hash;
    char *s;                         /* NULL = empty slot */
    uint32_t len;
    uint16_t face, size;
    int width;
} MeasSlot;

struct Renderer {
    SDL_Renderer *sdl;
    /* Each font file read once; every size of a face is opened from this
     * buffer (FreeType reading the file itself made tens of thousands of
     * small lseek/read calls a start). */
    unsigned char *font_data[FONT_COUNT];
    size_t font_len[FONT_COUNT];
    TextMeasure measure;
    FontSlot fonts[FONT_SLOTS];
    uint64_t tick;
    TexEntry **buckets;
    size_t nbuckets, nentries, bytes;
    TexEntry *newest, *oldest;
    uint64_t frame;
    MeasSlot *meas;
    RenderStats stats;
    SDL_Rect clips[CLIP_DEPTH];
    int nclips, clip_overflow;
    SDL_Rect base;                   /* partial redraw: every draw clipped to it */
    bool has_base;
    /* What the target holds: the last frame's commands as (hash, painted
     * bounds), to redraw only where the next frame differs. */
    bool partial_ok;                 /* software renderer: the target keeps its pixels */
    bool prev_valid;
    Color prev_clear;
    DrawnCmd *prev, *cur;
    size_t nprev, capprev, capcur;
    uint16_t *lcs;                   /* dirty_rects' table */
    size_t caplcs;
    bool logged[LOG_COUNT];
    ImgCache *images;                /* pictures by SHA-256 (not owned), or NULL */
};

static void log_once(Renderer *r, int kind, const char *fmt, ...)
{
    if (r->logged[kind])
        return;
    r->logged[kind] = true;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "render: %s (further such errors not logged)\n", msg);
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t key_hash(unsigned kind, unsigned size, uint32_t rgb, const char *s, size_t len)
{
    uint32_t head[3] = {kind, size, rgb};
    return fnv1a(fnv1a(14695981039346656037ull, head, sizeof head), s, len);
}

/* ---- fonts ---------------------------------------------------------- */

/* Read a whole file into memory (the caller frees it, *outlen
 * bytes); NULL with a reason in why on failure. */
static unsigned char *read_file(const char *path, size_t *outlen, const char **why)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    struct stat st;
    unsigned char *buf = NULL;
    size_t got = 0;
    if (fstat(fd, &st) != 0)
        *why = strerror(errno);
    else if (st.st_size <= 0 || st.st_size > INT_MAX)
        *why = st.st_size <= 0 ? "empty file" : "too large";
    /* A copy in huge pages (platform_big_alloc): one fault maps a face's
     * 1.6 MB where 4 KiB pages took 391, each costly on a virtual machine.
     * A copy, not a mapping of the file: a font file rewritten while the
     * kiosk runs cannot take its pages away (SIGBUS). */
    else if (!(buf = platform_big_alloc((size_t)st.st_size))) {
        *why = "out of memory";
    } else {
        while (got < (size_t)st.st_size) {
            ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                *why = n < 0 ? strerror(errno) : "file shrank while read";
                free(buf);
                buf = NULL;
                break;
            }
            got += (size_t)n;
        }
    }
    close(fd);
    *outlen = got;
    return buf;
}

static TTF_Font *open_font(Renderer *r, int face, int size)
{
    SDL_RWops *rw = SDL_RWFromConstMem(r->font_data[face], (int)r->font_len[face]);
    TTF_Font *f = rw ? TTF_OpenFontRW(rw, 1, size) : NULL;   /* closes rw on failure too */
    if (f)
        TTF_SetFontHinting(f, HINTING);
    return f;
}

/* The font for face/size, opened on first use; NULL (logged once) on failure. */
static TTF_Font *font_get(Renderer *r, FontFace face, int size)
{
    if ((unsigned)face >= FONT_COUNT || size <= 0 || size > FONT_SIZE_MAX) {
        log_once(r, LOG_SIZE, "bad font face %d or size %d", (int)face, size);
        return NULL;
    }
    FontSlot *victim = NULL;         /* an empty slot, else the least recently used */
    r->tick++;
    for (int i = 0; i < FONT_SLOTS; i++) {
        FontSlot *s = &r->fonts[i];
        if (s->font && s->face == (int)face && s->size == size) {
            s->used = r->tick;
            return s->font;
        }
        if (!victim || (victim->font && (!s->font || s->used < victim->used)))
            victim = s;
    }
    /* The face's font opened by render_create and not used yet takes this
     * size: opening a CJK face costs some 2 ms (FreeType parses the CFF
     * tables again for every size), resizing it next to nothing. */
    for (int i = 0; i < FONT_SLOTS; i++) {
        FontSlot *s = &r->fonts[i];
        if (s->font && s->face == (int)face && s->used == 0 &&
            TTF_SetFontSize(s->font, size) == 0) {
            s->size = size;
            s->used = r->tick;
            return s->font;
        }
    }
    TTF_Font *f = open_font(r, face, size);
    if (!f) {
        log_once(r, LOG_FONT, "cannot open %s at %d px: %s", FONT_FILES[face], size,
                 TTF_GetError());
        return NULL;
    }
    if (victim->font)
        TTF_CloseFont(victim->font);
    *victim = (FontSlot){f, (int)face, size, r->tick};
    return f;
}

/* ---- measuring ------------------------------------------------------ */

/* A character the font cannot draw (an emoji in office content) would be
 * a blank gap: it is drawn as a visible □ (U+25A1) instead, and joiners
 * and variation selectors (U+200D, U+FE0E, U+FE0F) that only glue emoji
 * are dropped. Returns z itself when every character is there (the usual
 * case), else a malloc'd copy in *owned (NULL: out of memory, z kept). */
#define MISSING_MARK "\xe2\x96\xa1"
static const char *visible_text(TTF_Font *f, const char *z, char **owned)
{
    *owned = NULL;
    size_t len = strlen(z), bad = 0;
    for (size_t i = 0; i < len; ) {
        unsigned cp;
        size_t n = utf8_decode(z + i, len - i, &cp);
        if (cp >= 0x20 && !TTF_GlyphIsProvided32(f, cp))
            bad++;
        i += n;
    }
    if (bad == 0)
        return z;
    char *out = malloc(len + bad * 3 + 1);
    if (!out)
        return z;
    size_t o = 0;
    for (size_t i = 0; i < len; ) {
        unsigned cp;
        size_t n = utf8_decode(z + i, len - i, &cp);
        if (cp >= 0x20 && !TTF_GlyphIsProvided32(f, cp)) {
            if (cp != 0x200D && cp != 0xFE0E && cp != 0xFE0F) {
                memcpy(out + o, MISSING_MARK, 3);
                o += 3;
            }
        } else {
            memcpy(out + o, z + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    *owned = out;
    return out;
}

/* Width of a NUL-terminated string, as drawn (visible_text); 0 on error. */
static int size_utf8(TTF_Font *f, const char *z)
{
    int w = 0;
    char *owned;
    const char *v = visible_text(f, z, &owned);
    if (!*v || TTF_SizeUTF8(f, v, &w, NULL) != 0 || w < 0)
        w = 0;
    free(owned);
    return w;
}

static int measure_uncached(Renderer *r, FontFace face, int size, const char *s, size_t len)
{
    TTF_Font *f = font_get(r, face, size);
    if (!f || len == 0)
        return 0;
    char stack[STACK_STR];
    char *z = len < sizeof stack ? stack : malloc(len + 1);
    if (!z) {
        log_once(r, LOG_OOM, "out of memory measuring text");
        return 0;
    }
    memcpy(z, s, len);
    z[len] = '\0';
    int w = size_utf8(f, z);
    if (z != stack)
        free(z);
    return w;
}

static int measure_width_cb(void *ctx, FontFace face, int size, const char *s, size_t len)
{
    Renderer *r = ctx;
    if (len == 0)
        return 0;
    if (len > MEAS_MAX_LEN || (unsigned)face >= FONT_COUNT || size <= 0 || size > FONT_SIZE_MAX)
        return measure_uncached(r, face, size, s, len);
    uint64_t h = key_hash((unsigned)face, (unsigned)size, 0, s, len);
    MeasSlot *m = &r->meas[h & (MEAS_SLOTS - 1)];
    if (m->s && m->hash == h && m->len == len && m->face == face && m->size == size
        && memcmp(m->s, s, len) == 0) {
        r->stats.measure_hits++;
        return m->width;
    }
    r->stats.measure_misses++;
    int w = measure_uncached(r, face, size, s, len);
    char *copy = realloc(m->s, len);
    if (!copy)
        return w;                    /* m->s still valid, entry unchanged */
    memcpy(copy, s, len);
    *m = (MeasSlot){h, copy, (uint32_t)len, (uint16_t)face, (uint16_t)size, w};
    return w;
}

static int measure_height_cb(void *ctx, FontFace face, int size)
{
    TTF_Font *f = font_get(ctx, face, size);
    return f ? TTF_FontHeight(f) : 0;
}

bool render_has_glyph(Renderer *r, FontFace face, uint32_t cp)
{
    TTF_Font *f = NULL;              /* any size of the face will do */
    for (int i = 0; i < FONT_SLOTS && !f && (unsigned)face < FONT_COUNT; i++)
        if (r->fonts[i].font && r->fonts[i].face == (int)face)
            f = r->fonts[i].font;
    if (!f)
        f = font_get(r, face, 32);
    return f && TTF_GlyphIsProvided32(f, cp) != 0;
}

static bool measure_has_glyph_cb(void *ctx, uint32_t cp)
{
    return render_has_glyph(ctx, FONT_REGULAR, cp);
}

/* ---- texture cache -------------------------------------------------- */

static void lru_unlink(Renderer *r, TexEntry *e)
{
    if (e->newer) e->newer->older = e->older; else r->newest = e->older;
    if (e->older) e->older->newer = e->newer; else r->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push(Renderer *r, TexEntry *e)
{
    e->older = r->newest;
    e->newer = NULL;
    if (r->newest) r->newest->newer = e; else r->oldest = e;
    r->newest = e;
}

static void tex_remove(Renderer *r, TexEntry *e)
{
    TexEntry **p = &r->buckets[e->hash & (r->nbuckets - 1)];
    while (*p != e)
        p = &(*p)->chain;
    *p = e->chain;
    lru_unlink(r, e);
    r->nentries--;
    r->bytes -= e->bytes;
    SDL_DestroyTexture(e->tex);
    free(e);
}

static TexEntry *tex_find(Renderer *r, uint64_t h, unsigned kind, unsigned size,
                          uint32_t rgb, const char *s, size_t len)
{
    for (TexEntry *e = r->buckets[h & (r->nbuckets - 1)]; e; e = e->chain)
        if (e->hash == h && e->kind == kind && e->size == size && e->rgb == rgb
            && e->len == len && memcmp(e->key, s, len) == 0) {
            lru_unlink(r, e);
            lru_push(r, e);
            e->last_frame = r->frame;
            r->stats.hits++;
            return e;
        }
    r->stats.misses++;
    return NULL;
}

static void tex_grow(Renderer *r)
{
    size_t n = r->nbuckets * 2;
    TexEntry **b = calloc(n, sizeof *b);
    if (!b)
        return;                      /* keep the longer chains */
    for (size_t i = 0; i < r->nbuckets; i++)
        for (TexEntry *e = r->buckets[i], *next; e; e = next) {
            next = e->chain;
            e->chain = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(r->buckets);
    r->buckets = b;
    r->nbuckets = n;
}

/* Evict least recently used textures not drawn in this frame until under the cap. */
static void tex_evict(Renderer *r)
{
    while (r->bytes > TEX_MAX_BYTES && r->oldest && r->oldest->last_frame < r->frame)
        tex_remove(r, r->oldest);
}

/* Take ownership of `tex` under the key; returns the entry, or NULL (tex freed). */
static TexEntry *tex_insert(Renderer *r, uint64_t h, unsigned kind, unsigned size,
                            uint32_t rgb, const char *s, size_t len, SDL_Texture *tex)
{
    TexEntry *e = malloc(sizeof *e + len + 1);
    if (!e) {
        log_once(r, LOG_OOM, "out of memory caching a texture");
        SDL_DestroyTexture(tex);
        return NULL;
    }
    if (r->nentries >= r->nbuckets)
        tex_grow(r);
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->kind = kind;
    e->size = size;
    e->rgb = rgb;
    e->len = len;
    memcpy(e->key, s, len);
    e->key[len] = '\0';
    e->tex = tex;
    SDL_QueryTexture(tex, NULL, NULL, &e->w, &e->h);
    e->bytes = (size_t)e->w * (size_t)e->h * 4;
    e->last_frame = r->frame;
    TexEntry **b = &r->buckets[h & (r->nbuckets - 1)];
    e->chain = *b;
    *b = e;
    lru_push(r, e);
    r->nentries++;
    r->bytes += e->bytes;
    tex_evict(r);
    return e;
}

void render_trim(Renderer *r, int frames)
{
    if (!r)
        return;
    if (frames < 0)
        frames = 0;
    while (r->oldest && r->frame - r->oldest->last_frame >= (uint64_t)frames)
        tex_remove(r, r->oldest);
}

void render_stats(const Renderer *r, RenderStats *out)
{
    *out = r->stats;
    out->entries = r->nentries;
    out->bytes = r->bytes;
    out->fonts_open = 0;
    for (int i = 0; i < FONT_SLOTS; i++)
        out->fonts_open += r->fonts[i].font != NULL;
}

/* ---- create / destroy ----------------------------------------------- */

Renderer *render_create(SDL_Renderer *sdl, const char *font_dir, char *err, size_t errlen)
{
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "SDL_ttf init failed: %s", TTF_GetError());
        return NULL;
    }
    Renderer *r = calloc(1, sizeof *r);
    if (r)
        r->meas = calloc(MEAS_SLOTS, sizeof *r->meas);
    if (r)
        r->buckets = calloc(r->nbuckets = 256, sizeof *r->buckets);
    if (!r || !r->meas || !r->buckets) {
        snprintf(err, errlen, "out of memory");
        render_destroy(r);
        if (!r)
            TTF_Quit();
        return NULL;
    }
    r->sdl = sdl;
    /* Only a software renderer keeps the target's pixels from one frame to
     * the next; a GPU's back buffer is undefined after a present. */
    SDL_RendererInfo info;
    r->partial_ok = SDL_GetRendererInfo(sdl, &info) == 0 &&
                    (info.flags & SDL_RENDERER_SOFTWARE) && !getenv("KIOSK_FULL_REDRAW");
    /* Read and open every face once now, so a missing or broken font fails
     * at start-up. */
    for (int face = 0; face < FONT_COUNT; face++) {
        char path[1024];
        if (snprintf(path, sizeof path, "%s/%s", font_dir, FONT_FILES[face]) >= (int)sizeof path) {
            snprintf(err, errlen, "font directory path too long");
            render_destroy(r);
            return NULL;
        }
        const char *why = "";
        if (!(r->font_data[face] = read_file(path, &r->font_len[face], &why))) {
            snprintf(err, errlen, "cannot read font %s: %s (run fonts/make-fonts.sh?)", path, why);
            render_destroy(r);
            return NULL;
        }
        TTF_Font *f = open_font(r, face, 32);
        if (!f) {
            snprintf(err, errlen, "cannot open font %s/%s: %s (run fonts/make-fonts.sh?)",
                     font_dir, FONT_FILES[face], TTF_GetError());
            render_destroy(r);
            return NULL;
        }
        r->fonts[face] = (FontSlot){f, face, 32, 0};
    }
    r->measure = (TextMeasure){r, measure_width_cb, measure_height_cb, measure_has_glyph_cb};
    return r;
}

void render_destroy(Renderer *r)
{
    if (!r)
        return;
    if (r->buckets)
        render_trim(r, 0);
    free(r->buckets);
    free(r->prev);
    free(r->cur);
    free(r->lcs);
    if (r->meas)
        for (size_t i = 0; i < MEAS_SLOTS; i++)
            free(r->meas[i].s);
    free(r->meas);
    for (int i = 0; i < FONT_SLOTS; i++)
        if (r->fonts[i].font)
            TTF_CloseFont(r->fonts[i].font);
    for (int face = 0; face < FONT_COUNT; face++)   /* after the fonts that read them */
        if (r->font_data[face])
            free(r->font_data[face]);
    free(r);
    TTF_Quit();                      /* balances the TTF_Init in render_create */
}

const TextMeasure *render_measure(Renderer *r)
{
    return &r->measure;
}

/* ---- drawing -------------------------------------------------------- */

static SDL_Texture *texture_from(Renderer *r, SDL_Surface *s)
{
    SDL_Texture *t = SDL_CreateTextureFromSurface(r->sdl, s);
    SDL_FreeSurface(s);
    if (!t)
        log_once(r, LOG_TEXTURE, "cannot create texture: %s", SDL_GetError());
    return t;
}

/* Bytes of `s` that fit in max_w pixels at a character boundary (for over-wide lines). */
static size_t fit_prefix(TTF_Font *f, const char *s, int max_w)
{
    int extent = 0, count = 0;
    if (TTF_MeasureUTF8(f, s, max_w, &extent, &count) != 0)
        return 0;
    size_t i = 0;                    /* count is in characters: walk that many */
    for (int c = 0; s[i] && c < count; c++)
        do i++; while (((unsigned char)s[i] & 0xC0) == 0x80);
    return i;
}

/* The cached texture of a text command, made on a miss; NULL on failure. */
static TexEntry *text_entry(Renderer *r, const DlCmd *c, const char *s)
{
    size_t len = strlen(s);
    if (len == 0)
        return NULL;
    uint32_t rgb = (uint32_t)c->color.r << 16 | (uint32_t)c->color.g << 8 | c->color.b;
    uint64_t h = key_hash(c->face, (unsigned)c->size, rgb, s, len);
    TexEntry *e = NULL;
    if ((unsigned)c->face < FONT_COUNT && c->size > 0)
        e = tex_find(r, h, c->face, (unsigned)c->size, rgb, s, len);
    if (!e) {
        TTF_Font *f = font_get(r, c->face, c->size);
        if (!f)
            return NULL;
        const char *z = s;
        char *cut = NULL;
        /* Never a texture wider than TEX_MAX_W (the width is usually cached). */
        if (measure_width_cb(r, c->face, c->size, s, len) > TEX_MAX_W) {
            log_once(r, LOG_WIDE, "text line wider than %d px cut", TEX_MAX_W);
            size_t n = fit_prefix(f, s, TEX_MAX_W);
            if (n == 0 || !(cut = malloc(n + 1)))
                return NULL;
            memcpy(cut, s, n);
            cut[n] = '\0';
            z = cut;
        }
        SDL_Color fg = {c->color.r, c->color.g, c->color.b, 255};
        char *shown;
        SDL_Surface *surf = TTF_RenderUTF8_Blended(f, visible_text(f, z, &shown), fg);
        free(shown);
        free(cut);
        if (!surf) {
            log_once(r, LOG_TEXT, "cannot render text (%zu bytes): %s", len, TTF_GetError());
            return NULL;
        }
        SDL_Texture *t = texture_from(r, surf);
        if (!t)
            return NULL;
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
        e = tex_insert(r, h, c->face, (unsigned)c->size, rgb, s, len, t);
    }
    return e;
}

static int draw_text(Renderer *r, const DlCmd *c, const char *s)
{
    if (!s[0])
        return 0;
    TexEntry *e = text_entry(r, c, s);
    if (!e)
        return -1;
    SDL_SetTextureAlphaMod(e->tex, c->color.a);
    SDL_Rect dst = {c->r.x, c->r.y, e->w, e->h};
    return SDL_RenderCopy(r->sdl, e->tex, NULL, &dst) == 0 ? 0 : -1;
}

/* A QR code at `px` pixels a module including the quiet zone, as a surface. */
static SDL_Surface *qr_surface(QRcode *q, int px)
{
    int side = (q->width + 2 * DL_QR_QUIET) * px;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, side, side, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    SDL_FillRect(s, NULL, 0xFFFFFFFFu);
    for (int y = 0; y < q->width; y++)
        for (int x = 0; x < q->width; x++)
            if (q->data[y * q->width + x] & 1) {
                SDL_Rect m = {(x + DL_QR_QUIET) * px, (y + DL_QR_QUIET) * px, px, px};
                SDL_FillRect(s, &m, 0xFF000000u);
            }
    return s;
}

static int draw_qr(Renderer *r, const DlCmd *c, const char *payload)
{
    int box = c->r.w < c->r.h ? c->r.w : c->r.h;
    if (box <= 0)
        return 0;
    SDL_SetRenderDrawBlendMode(r->sdl, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r->sdl, 255, 255, 255, 255);
    SDL_RenderFillRect(r->sdl, &(SDL_Rect){c->r.x, c->r.y, c->r.w, c->r.h});
    size_t len = strlen(payload);
    /* Keyed by payload and box side, which together fix the module size. */
    uint64_t h = key_hash(KIND_QR, (unsigned)box, 0, payload, len);
    TexEntry *e = tex_find(r, h, KIND_QR, (unsigned)box, 0, payload, len);
    if (!e) {
        if (len == 0)
            return 0;
        QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        if (!q) {
            log_once(r, LOG_QR, "cannot encode QR code (%zu bytes)", len);
            return -1;
        }
        int px = box / (q->width + 2 * DL_QR_QUIET);
        if (px < 1) {
            log_once(r, LOG_QR_SMALL, "QR box %d px too small for %d modules", box, q->width);
            QRcode_free(q);
            return -1;
        }
        SDL_Surface *s = qr_surface(q, px);
        QRcode_free(q);
        if (!s) {
            log_once(r, LOG_OOM, "cannot allocate QR surface: %s", SDL_GetError());
            return -1;
        }
        SDL_Texture *t = texture_from(r, s);
        if (!t)
            return -1;
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
        e = tex_insert(r, h, KIND_QR, (unsigned)box, 0, payload, len, t);
        if (!e)
            return -1;
    }
    SDL_Rect dst = {c->r.x + (c->r.w - e->w) / 2, c->r.y + (c->r.h - e->h) / 2, e->w, e->h};
    return SDL_RenderCopy(r->sdl, e->tex, NULL, &dst) == 0 ? 0 : -1;
}

void render_set_images(Renderer *r, ImgCache *images)
{
    if (r)
        r->images = images;
}

/* A picture: decoded from the cache once at its texture size (then a
 * texture like a text's), the src part of it drawn into the rectangle.
 * One that cannot be had draws nothing (the view shows only pictures the
 * cache holds, so this is a picture damaged since). */
static int draw_image(Renderer *r, const DlCmd *c, const char *key)
{
    char sha[65];
    int tw, th;
    Rect src;
    if (dl_image_parse(key, sha, &tw, &th, &src) < 0 || !r->images)
        return 0;
    uint64_t h = key_hash(KIND_IMAGE, (unsigned)tw, (uint32_t)th, sha, 64);
    TexEntry *e = tex_find(r, h, KIND_IMAGE, (unsigned)tw, (uint32_t)th, sha, 64);
    if (!e) {
        /* The same picture at its other sizes (the viewer's previous zoom
         * step, the notice's) goes first unless drawn in this frame: a
         * zoomed picture is the largest thing the kiosk holds, and its
         * file, its pixels and its texture already meet while it is made
         * (issue 16: peak RSS under 80 MB). */
        for (TexEntry *o = r->oldest, *next; o; o = next) {
            next = o->newer;
            if (o->kind == KIND_IMAGE && o->last_frame < r->frame && o->len == 64 &&
                memcmp(o->key, sha, 64) == 0)
                tex_remove(r, o);
        }
        unsigned char *buf;
        size_t len;
        char err[300];
        ImagePixels px;
        if (imgcache_get(r->images, sha, &buf, &len, err, sizeof err) < 0) {
            log_once(r, LOG_IMAGE, "picture not shown: %s", err);
            return 0;
        }
        int rc = image_decode_fit(buf, len, tw, th, &px, err, sizeof err);
        free(buf);
        if (rc != IMAGE_OK) {
            log_once(r, LOG_IMAGE, "picture %.16s... not shown: %s", sha, err);
            return 0;
        }
        SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormatFrom(px.px, px.w, px.h, 32, px.w * 4,
                                                             SDL_PIXELFORMAT_RGBA32);
        SDL_Texture *t = sf ? SDL_CreateTextureFromSurface(r->sdl, sf) : NULL;
        SDL_FreeSurface(sf);
        image_pixels_free(&px);
        if (!t) {
            log_once(r, LOG_TEXTURE, "cannot create texture: %s", SDL_GetError());
            return -1;
        }
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
        e = tex_insert(r, h, KIND_IMAGE, (unsigned)tw, (uint32_t)th, sha, 64, t);
        if (!e)
            return -1;
    }
    /* The decoded size may differ from the asked one by a pixel. */
    SDL_Rect s2 = {src.x * e->w / tw, src.y * e->h / th, src.w * e->w / tw, src.h * e->h / th};
    SDL_Rect dst = {c->r.x, c->r.y, c->r.w, c->r.h};
    return SDL_RenderCopy(r->sdl, e->tex, &s2, &dst) == 0 ? 0 : -1;
}

static void set_color(Renderer *r, Color c)
{
    SDL_SetRenderDrawBlendMode(r->sdl, c.a < 255 ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r->sdl, c.r, c.g, c.b, c.a);
}

static int draw_frame_outline(Renderer *r, const DlCmd *c)
{
    Rect b = c->r;
    int t = c->size < 1 ? 1 : c->size;
    set_color(r, c->color);
    if (2 * t >= b.w || 2 * t >= b.h)
        return SDL_RenderFillRect(r->sdl, &(SDL_Rect){b.x, b.y, b.w, b.h});
    SDL_Rect sides[4] = {                 /* no overlaps, so alpha blends evenly */
        {b.x, b.y, b.w, t}, {b.x, b.y + b.h - t, b.w, t},
        {b.x, b.y + t, t, b.h - 2 * t}, {b.x + b.w - t, b.y + t, t, b.h - 2 * t},
    };
    return SDL_RenderFillRects(r->sdl, sides, 4);
}

/* A thick line as a quad (two triangles) with a square at each end, so
 * the segments of a handwriting stroke join without gaps. */
static int draw_line(Renderer *r, const DlCmd *c)
{
    float x1 = (float)c->r.x, y1 = (float)c->r.y, x2 = (float)c->r.w, y2 = (float)c->r.h;
    float t = (float)(c->size < 1 ? 1 : c->size);
    SDL_Color col = {c->color.r, c->color.g, c->color.b, c->color.a};
    set_color(r, c->color);
    int half = c->size / 2;
    SDL_Rect caps[2] = {{c->r.x - half, c->r.y - half, c->size, c->size},
                        {c->r.w - half, c->r.h - half, c->size, c->size}};
    int rc = SDL_RenderFillRects(r->sdl, caps, 2);
    float dx = x2 - x1, dy = y2 - y1;
    float len = SDL_sqrtf(dx * dx + dy * dy);
    if (len < 0.5f)
        return rc;
    float nx = -dy / len * t / 2, ny = dx / len * t / 2;
    SDL_Vertex v[4] = {
        {{x1 + nx, y1 + ny}, col, {0, 0}}, {{x1 - nx, y1 - ny}, col, {0, 0}},
        {{x2 + nx, y2 + ny}, col, {0, 0}}, {{x2 - nx, y2 - ny}, col, {0, 0}},
    };
    static const int idx[6] = {0, 1, 2, 1, 3, 2};
    if (SDL_RenderGeometry(r->sdl, NULL, v, 4, idx, 6) != 0)
        rc = -1;
    return rc;
}

/* The innermost clip, or NULL for none; an empty clip has w == 0. */
static const SDL_Rect *clip_top(const Renderer *r)
{
    return r->nclips > 0 ? &r->clips[r->nclips - 1] : r->has_base ? &r->base : NULL;
}

static void clip_apply(Renderer *r)
{
    const SDL_Rect *c = clip_top(r);
    /* SDL turns clipping off for an empty rect: those draws are skipped instead. */
    SDL_RenderSetClipRect(r->sdl, c && c->w > 0 && c->h > 0 ? c : NULL);
}

static void clip_push(Renderer *r, Rect a)
{
    if (r->nclips == CLIP_DEPTH) {
        r->clip_overflow++;          /* keep clipping to the deepest stored one */
        return;
    }
    SDL_Rect n = {a.x, a.y, a.w < 0 ? 0 : a.w, a.h < 0 ? 0 : a.h};
    const SDL_Rect *t = clip_top(r);
    if (t && !SDL_IntersectRect(t, &n, &n))
        n = (SDL_Rect){0, 0, 0, 0};
    r->clips[r->nclips++] = n;
    clip_apply(r);
}

static void clip_pop(Renderer *r)
{
    if (r->clip_overflow > 0)
        r->clip_overflow--;
    else if (r->nclips > 0)
        r->nclips--;
    clip_apply(r);
}

/* The pixels command c can touch (text: its texture, made now if new);
 * false when that cannot be known (the frame is then drawn whole). */
static bool cmd_bounds(Renderer *r, const DrawList *dl, const DlCmd *c, SDL_Rect *b)
{
    switch (c->kind) {
    case DL_TEXT: {
        const char *s = dl_str(dl, c);
        if (!s[0]) {
            *b = (SDL_Rect){c->r.x, c->r.y, 0, 0};
            return true;
        }
        TexEntry *e = text_entry(r, c, s);
        if (!e)
            return false;
        *b = (SDL_Rect){c->r.x, c->r.y, e->w, e->h};
        return true;
    }
    case DL_LINE: {
        int half = c->size / 2 + 2;
        int x0 = c->r.x < c->r.w ? c->r.x : c->r.w, x1 = c->r.x < c->r.w ? c->r.w : c->r.x;
        int y0 = c->r.y < c->r.h ? c->r.y : c->r.h, y1 = c->r.y < c->r.h ? c->r.h : c->r.y;
        *b = (SDL_Rect){x0 - half, y0 - half, x1 - x0 + 2 * half + 1, y1 - y0 + 2 * half + 1};
        return true;
    }
    case DL_UNCLIP:
        *b = (SDL_Rect){0, 0, 0, 0};
        return true;
    default:                         /* rect, frame, clip, QR: their rectangle */
        *b = (SDL_Rect){c->r.x, c->r.y, c->r.w > 0 ? c->r.w : 0, c->r.h > 0 ? c->r.h : 0};
        return true;
    }
}

static uint64_t cmd_hash(const DrawList *dl, const DlCmd *c)
{
    uint32_t head[10] = {(uint32_t)c->kind, (uint32_t)c->r.x, (uint32_t)c->r.y,
                         (uint32_t)c->r.w, (uint32_t)c->r.h,
                         (uint32_t)c->color.r << 24 | (uint32_t)c->color.g << 16 |
                             (uint32_t)c->color.b << 8 | c->color.a,
                         (uint32_t)c->face, (uint32_t)c->size, 0, 0};
    uint64_t h = fnv1a(14695981039346656037ull, head, sizeof head);
    if (c->kind == DL_TEXT || c->kind == DL_QR || c->kind == DL_IMAGE) {
        const char *s = dl_str(dl, c);
        h = fnv1a(h, s, strlen(s) + 1);
    }
    return h;
}

static bool rect_same(const SDL_Rect *a, const SDL_Rect *b)
{
    return a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h;
}

#define DIRTY_MAX 16
#define DIRTY_SLACK 4096             /* pixels a merge may add for free */

static long rect_area(const SDL_Rect *a)
{
    return (long)a->w * a->h;
}

/* Add b to the dirty rectangles: merged with one it overlaps or that its
 * union wastes little with (then again, as the union may now reach
 * others); past DIRTY_MAX, merged with the one that wastes least. */
static void dirty_add(SDL_Rect *d, int *n, SDL_Rect b)
{
    if (b.w <= 0 || b.h <= 0)
        return;
    int best = -1;
    long least = 0;
    for (int i = 0; i < *n; i++) {
        SDL_Rect u;
        SDL_UnionRect(&d[i], &b, &u);
        long waste = rect_area(&u) - rect_area(&d[i]) - rect_area(&b);
        if (SDL_HasIntersection(&d[i], &b) || waste <= DIRTY_SLACK || *n == DIRTY_MAX) {
            if (best < 0 || waste < least) {
                best = i;
                least = waste;
            }
        }
    }
    if (best < 0) {
        d[(*n)++] = b;
        return;
    }
    SDL_Rect u;
    SDL_UnionRect(&d[best], &b, &u);
    d[best] = d[--*n];
    dirty_add(d, n, u);
}

/* Replay the whole list, clipped to the base clip if one is set. */
static int replay(Renderer *r, const DrawList *dl)
{
    int rc = 0;
    r->nclips = r->clip_overflow = 0;
    clip_apply(r);
    SDL_SetRenderDrawBlendMode(r->sdl, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r->sdl, dl->clear.r, dl->clear.g, dl->clear.b, dl->clear.a);
    if (r->has_base)
        SDL_RenderFillRect(r->sdl, &r->base);   /* RenderClear ignores the clip */
    else
        SDL_RenderClear(r->sdl);
    for (size_t i = 0; i < dl->ncmds; i++) {
        const DlCmd *c = &dl->cmds[i];
        if (c->kind == DL_CLIP) {
            clip_push(r, c->r);
            continue;
        }
        if (c->kind == DL_UNCLIP) {
            clip_pop(r);
            continue;
        }
        const SDL_Rect *clip = clip_top(r);
        if (clip && (clip->w == 0 || clip->h == 0))
            continue;                /* everything clipped away */
        if (r->has_base && !SDL_HasIntersection(&r->cur[i].bounds, &r->base))
            continue;                /* draws nothing inside this rectangle */
        int res = 0;
        switch (c->kind) {
        case DL_RECT:
            if (c->r.w > 0 && c->r.h > 0) {
                set_color(r, c->color);
                res = SDL_RenderFillRect(r->sdl, &(SDL_Rect){c->r.x, c->r.y, c->r.w, c->r.h});
            }
            break;
        case DL_FRAME:
            if (c->r.w > 0 && c->r.h > 0)
                res = draw_frame_outline(r, c);
            break;
        case DL_TEXT:
            res = draw_text(r, c, dl_str(dl, c));
            break;
        case DL_QR:
            res = draw_qr(r, c, dl_str(dl, c));
            break;
        case DL_IMAGE:
            res = draw_image(r, c, dl_str(dl, c));
            break;
        case DL_LINE:
            res = draw_line(r, c);
            break;
        default:
            break;
        }
        if (res != 0)
            rc = -1;
    }
    return rc;
}

static bool drawn_same(const DrawnCmd *a, const DrawnCmd *b)
{
    return a->hash == b->hash && rect_same(&a->bounds, &b->bounds);
}

#define LCS_MAX_CELLS 250000         /* larger middles are drawn again whole */

/* Mark in the middles o[0..m) and c[0..n) of the two lists the commands
 * outside their longest common subsequence (the ones that changed, moved
 * or came or went) as dirty. False when that cannot be done (too large, no
 * memory) or a clip is among them (it would change what the others
 * paint): the whole middles are then dirty. */
static bool lcs_dirty(Renderer *r, const DrawnCmd *o, size_t m, const DrawnCmd *c, size_t n,
                      SDL_Rect *d, int *nd)
{
    if ((m + 1) * (n + 1) > LCS_MAX_CELLS)
        return false;
    size_t cells = (m + 1) * (n + 1);
    if (cells > r->caplcs) {
        uint16_t *t = realloc(r->lcs, cells * sizeof *t);
        if (!t)
            return false;
        r->lcs = t;
        r->caplcs = cells;
    }
    uint16_t *L = r->lcs;            /* L[i * (n + 1) + j]: LCS of o[i..m), c[j..n) */
    for (size_t j = 0; j <= n; j++)
        L[m * (n + 1) + j] = 0;
    for (size_t i = m; i-- > 0;) {
        L[i * (n + 1) + n] = 0;
        for (size_t j = n; j-- > 0;) {
            uint16_t down = L[(i + 1) * (n + 1) + j], right = L[i * (n + 1) + j + 1];
            L[i * (n + 1) + j] = drawn_same(&o[i], &c[j]) ? L[(i + 1) * (n + 1) + j + 1] + 1
                                 : down > right ? down : right;
        }
    }
    SDL_Rect dd[DIRTY_MAX];
    int k = 0;
    size_t i = 0, j = 0;
    while (i < m || j < n) {
        const DrawnCmd *x;
        if (i < m && j < n && drawn_same(&o[i], &c[j])) {
            i++;
            j++;
            continue;
        }
        if (j == n || (i < m && L[(i + 1) * (n + 1) + j] >= L[i * (n + 1) + j + 1]))
            x = &o[i++];
        else
            x = &c[j++];
        if (x->clip)
            return false;
        dirty_add(dd, &k, x->bounds);
    }
    for (int q = 0; q < k; q++)
        dirty_add(d, nd, dd[q]);
    return true;
}

/* Where the target must be drawn again for dl: past the two lists' common
 * head and tail, the commands of either outside their longest common
 * subsequence (both versions). Fills d (at most DIRTY_MAX) and returns
 * their number, or -1 to draw the whole frame. */
static int dirty_rects(Renderer *r, const DrawList *dl, SDL_Rect *d)
{
    int n = 0;
    if (!r->prev_valid || memcmp(&r->prev_clear, &dl->clear, sizeof dl->clear) != 0)
        return -1;
    size_t a = 0, na = r->nprev, nb = dl->ncmds;
    while (a < na && a < nb && drawn_same(&r->prev[a], &r->cur[a]))
        a++;
    size_t t = 0;
    while (t < na - a && t < nb - a && drawn_same(&r->prev[na - 1 - t], &r->cur[nb - 1 - t]))
        t++;
    if (lcs_dirty(r, r->prev + a, na - a - t, r->cur + a, nb - a - t, d, &n))
        return n;
    n = 0;
    for (size_t i = a; i < na - t; i++)
        dirty_add(d, &n, r->prev[i].bounds);
    for (size_t i = a; i < nb - t; i++)
        dirty_add(d, &n, r->cur[i].bounds);
    return n;
}

int render_frame(Renderer *r, const DrawList *dl)
{
    r->frame++;
    SDL_RenderSetClipRect(r->sdl, NULL);
    /* Each command's hash and bounds (making new texts' textures now). */
    bool known = r->partial_ok;
    if (known && dl->ncmds > r->capcur) {
        DrawnCmd *c = realloc(r->cur, dl->ncmds * sizeof *c);
        if (c) {
            r->cur = c;
            r->capcur = dl->ncmds;
        } else {
            known = false;
        }
    }
    for (size_t i = 0; known && i < dl->ncmds; i++) {
        r->cur[i].hash = cmd_hash(dl, &dl->cmds[i]);
        r->cur[i].clip = dl->cmds[i].kind == DL_CLIP || dl->cmds[i].kind == DL_UNCLIP;
        known = cmd_bounds(r, dl, &dl->cmds[i], &r->cur[i].bounds);
    }
    SDL_Rect d[DIRTY_MAX];
    int nd = known ? dirty_rects(r, dl, d) : -1;
    long area = 0;
    for (int i = 0; i < nd; i++)
        area += (long)d[i].w * d[i].h;
    int vw = 0, vh = 0, rc = 0;
    SDL_Rect vp;
    SDL_RenderGetViewport(r->sdl, &vp);
    vw = vp.w;
    vh = vp.h;
    if (nd < 0 || area * 2 > (long)vw * vh) {
        r->has_base = false;         /* the whole frame */
        rc = replay(r, dl);
    } else {
        for (int i = 0; i < nd; i++) {
            r->base = d[i];
            r->has_base = true;
            if (replay(r, dl) != 0)
                rc = -1;
        }
        r->has_base = false;
        r->stats.partial_frames++;
    }
    r->nclips = 0;
    SDL_RenderSetClipRect(r->sdl, NULL);
    /* Remember what the target now holds. */
    r->prev_valid = known;
    if (known) {
        DrawnCmd *t = r->prev;
        size_t tc = r->capprev;
        r->prev = r->cur;
        r->capprev = r->capcur;
        r->nprev = dl->ncmds;
        r->cur = t;
        r->capcur = tc;
        r->prev_clear = dl->clear;
    }
    render_trim(r, TEX_STALE_FRAMES);
    return rc;
}

void render_invalidate(Renderer *r)
{
    if (r)
        r->prev_valid = false;
}

#define PNG_STRIP 64                 /* rows read back from the target at a time */

/* Write the target's w x h pixels as a PNG file with libpng, reading them
 * back PNG_STRIP rows at a time (not a whole second copy of the screen);
 * 0, or -1 with a message in err. */
static int write_png(SDL_Renderer *sdl, const char *path, int w, int h, char *err,
                     size_t errlen)
{
    int pitch = w * 3;
    unsigned char *strip = malloc((size_t)pitch * PNG_STRIP);
    FILE *f = strip ? fopen(path, "wb") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strip ? strerror(errno)
                                                                : "out of memory");
        free(strip);
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    volatile int rc = -1;
    const char *volatile why = "PNG encoding failed";
    if (png && info && setjmp(png_jmpbuf(png)) == 0) {
        png_init_io(png, f);
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        /* Screens are flat colour and anti-aliased text: unfiltered rows at
         * zlib level 2 came out smaller than libpng's default (adaptive
         * filters, level 6; 172 KB against 192 KB for the notices) and
         * about four times faster to write. The pixels are the same. */
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
        png_set_compression_level(png, 2);
        png_write_info(png, info);
        int y = 0;
        for (; y < h; y += PNG_STRIP) {
            int n = h - y < PNG_STRIP ? h - y : PNG_STRIP;
            if (SDL_RenderReadPixels(sdl, &(SDL_Rect){0, y, w, n}, SDL_PIXELFORMAT_RGB24,
                                     strip, pitch) != 0) {
                why = SDL_GetError();
                break;
            }
            for (int i = 0; i < n; i++)
                png_write_row(png, strip + (size_t)i * (size_t)pitch);
        }
        if (y >= h) {
            png_write_end(png, NULL);
            rc = 0;
        }
    }
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(strip);
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        why = strerror(errno);
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, why);
        unlink(path);
    }
    return rc;
}

int render_save_png(SDL_Renderer *sdl, const char *path, char *err, size_t errlen)
{
    SDL_Rect vp;
    SDL_RenderGetViewport(sdl, &vp);
    if (vp.w <= 0 || vp.h <= 0) {
        snprintf(err, errlen, "nothing to save: empty viewport");
        return -1;
    }
    return write_png(sdl, path, vp.w, vp.h, err, errlen);
}
