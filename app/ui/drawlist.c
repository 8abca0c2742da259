/* drawlist.c - the frame's command list, text arena and hit regions. */
#include "drawlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dl_init(DrawList *dl)
{
    memset(dl, 0, sizeof *dl);
    dl->clear = (Color){0, 0, 0, 255};
}

void dl_free(DrawList *dl)
{
    free(dl->cmds);
    free(dl->arena);
    free(dl->hits);
    dl_init(dl);
}

void dl_set_clear(DrawList *dl, Color c)
{
    dl->clear = c;
}

void dl_reset(DrawList *dl)
{
    dl->ncmds = 0;
    dl->arena_len = 0;
    dl->nhits = 0;
    dl->nscrolls = 0;
    dl->nclips = 0;
    dl->oom = false;
}

/* Grow *buf so it holds `need` elements of `size`; false on failure. */
static bool grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*buf, ncap * size);
    if (!p)
        return false;
    *buf = p;
    *cap = ncap;
    return true;
}

static DlCmd *push(DrawList *dl, DlKind kind, Rect r, Color c)
{
    if (!grow((void **)&dl->cmds, &dl->cmdcap, dl->ncmds + 1, sizeof *dl->cmds)) {
        dl->oom = true;
        return NULL;
    }
    DlCmd *cmd = &dl->cmds[dl->ncmds++];
    memset(cmd, 0, sizeof *cmd);
    cmd->kind = kind;
    cmd->r = r;
    cmd->color = c;
    return cmd;
}

/* Copy len bytes into the arena with a NUL; returns the offset or -1. */
static long intern(DrawList *dl, const char *s, size_t len)
{
    if (!grow((void **)&dl->arena, &dl->arena_cap, dl->arena_len + len + 1, 1)) {
        dl->oom = true;
        return -1;
    }
    size_t off = dl->arena_len;
    memcpy(dl->arena + off, s, len);
    dl->arena[off + len] = '\0';
    dl->arena_len += len + 1;
    return (long)off;
}

void dl_rect(DrawList *dl, Rect r, Color c)
{
    push(dl, DL_RECT, r, c);
}

void dl_frame(DrawList *dl, Rect r, Color c, int thickness)
{
    DlCmd *cmd = push(dl, DL_FRAME, r, c);
    if (cmd)
        cmd->size = thickness < 1 ? 1 : thickness;
}

void dl_text(DrawList *dl, int x, int y, FontFace face, int size, Color c,
             const char *s, int len)
{
    size_t n = len < 0 ? strlen(s) : (size_t)len;
    if (n == 0)
        return;
    long off = intern(dl, s, n);
    if (off < 0)
        return;
    DlCmd *cmd = push(dl, DL_TEXT, (Rect){x, y, 0, 0}, c);
    if (!cmd)
        return;
    cmd->face = face;
    cmd->size = size;
    cmd->text = (size_t)off;
}

void dl_flag_last(DrawList *dl, unsigned flags)
{
    if (dl->ncmds > 0)
        dl->cmds[dl->ncmds - 1].flags |= flags;
}

void dl_qr(DrawList *dl, Rect r, const char *payload)
{
    long off = intern(dl, payload, strlen(payload));
    if (off < 0)
        return;
    DlCmd *cmd = push(dl, DL_QR, r, (Color){0, 0, 0, 255});
    if (cmd)
        cmd->text = (size_t)off;
}

void dl_image(DrawList *dl, Rect dst, const char *sha256, int tw, int th, Rect src)
{
    char key[160];
    int n = snprintf(key, sizeof key, "%.64s %d %d %d %d %d %d", sha256, tw, th,
                     src.x, src.y, src.w, src.h);
    long off = intern(dl, key, (size_t)n);
    if (off < 0)
        return;
    DlCmd *cmd = push(dl, DL_IMAGE, dst, (Color){0, 0, 0, 255});
    if (cmd)
        cmd->text = (size_t)off;
}

int dl_image_parse(const char *s, char sha256[65], int *tw, int *th, Rect *src)
{
    if (sscanf(s, "%64s %d %d %d %d %d %d", sha256, tw, th, &src->x, &src->y,
               &src->w, &src->h) != 7 || *tw < 1 || *th < 1)
        return -1;
    return 0;
}

void dl_line(DrawList *dl, int x1, int y1, int x2, int y2, int thickness, Color c)
{
    DlCmd *cmd = push(dl, DL_LINE, (Rect){x1, y1, x2, y2}, c);
    if (cmd)
        cmd->size = thickness < 1 ? 1 : thickness;
}

void dl_clip(DrawList *dl, Rect r)
{
    Rect eff = dl->nclips > 0 ? rect_intersect(dl->clips[dl->nclips - 1], r) : r;
    if (dl->nclips < (int)(sizeof dl->clips / sizeof dl->clips[0]))
        dl->clips[dl->nclips++] = eff;
    push(dl, DL_CLIP, r, (Color){0, 0, 0, 0});
}

void dl_unclip(DrawList *dl)
{
    if (dl->nclips > 0)
        dl->nclips--;
    push(dl, DL_UNCLIP, (Rect){0, 0, 0, 0}, (Color){0, 0, 0, 0});
}

void dl_hit(DrawList *dl, Rect r, const char *id)
{
    Rect clip = dl->nclips > 0 ? dl->clips[dl->nclips - 1]
                               : (Rect){-1000000, -1000000, 2000000, 2000000};
    Rect vis = rect_intersect(r, clip);
    if (vis.w <= 0 || vis.h <= 0)
        return;
    if (!grow((void **)&dl->hits, &dl->hitcap, dl->nhits + 1, sizeof *dl->hits)) {
        dl->oom = true;
        return;
    }
    DlHit *h = &dl->hits[dl->nhits++];
    memset(h, 0, sizeof *h);
    strncpy(h->id, id, DL_ID_MAX - 1);
    h->r = r;
    h->clip = vis;
}

void dl_drop_hits(DrawList *dl)
{
    dl->nhits = 0;
}

size_t dl_mark(const DrawList *dl)
{
    return dl->ncmds;
}

void dl_set_height(DrawList *dl, size_t mark, size_t n, int h)
{
    for (size_t i = mark; i < dl->ncmds && i - mark < n; i++)
        if (dl->cmds[i].kind == DL_RECT || dl->cmds[i].kind == DL_FRAME)
            dl->cmds[i].r.h = h;
}

void dl_scroll(DrawList *dl, Rect viewport, int content_h, const char *id)
{
    if (dl->nscrolls >= sizeof dl->scrolls / sizeof dl->scrolls[0])
        return;
    DlScroll *s = &dl->scrolls[dl->nscrolls++];
    memset(s, 0, sizeof *s);
    strncpy(s->id, id, DL_ID_MAX - 1);
    s->viewport = viewport;
    s->content_h = content_h;
}

const DlScroll *dl_scroll_at(const DrawList *dl, int x, int y)
{
    for (size_t i = dl->nscrolls; i-- > 0;)
        if (rect_contains(dl->scrolls[i].viewport, x, y))
            return &dl->scrolls[i];
    return NULL;
}

void dl_translate(DrawList *dl, int dx, int dy)
{
    for (size_t i = 0; i < dl->ncmds; i++) {
        Rect *r = &dl->cmds[i].r;
        r->x += dx;
        r->y += dy;
        if (dl->cmds[i].kind == DL_LINE) {   /* w, h hold the second point */
            r->w += dx;
            r->h += dy;
        }
    }
    for (size_t i = 0; i < dl->nhits; i++) {
        dl->hits[i].r.x += dx, dl->hits[i].r.y += dy;
        dl->hits[i].clip.x += dx, dl->hits[i].clip.y += dy;
    }
    for (size_t i = 0; i < dl->nscrolls; i++)
        dl->scrolls[i].viewport.x += dx, dl->scrolls[i].viewport.y += dy;
}

const char *dl_str(const DrawList *dl, const DlCmd *cmd)
{
    return dl->arena + cmd->text;
}

const char *dl_hit_test(const DrawList *dl, int x, int y)
{
    for (size_t i = dl->nhits; i-- > 0;)
        if (rect_contains(dl->hits[i].clip, x, y))
            return dl->hits[i].id;
    return NULL;
}

const DlHit *dl_find_hit(const DrawList *dl, const char *id)
{
    for (size_t i = dl->nhits; i-- > 0;)
        if (strcmp(dl->hits[i].id, id) == 0)
            return &dl->hits[i];
    return NULL;
}

bool rect_contains(Rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

Rect rect_intersect(Rect a, Rect b)
{
    int x0 = a.x > b.x ? a.x : b.x;
    int y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    if (x1 < x0) x1 = x0;
    if (y1 < y0) y1 = y0;
    return (Rect){x0, y0, x1 - x0, y1 - y0};
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t dl_hash(const DrawList *dl)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < dl->ncmds; i++) {
        const DlCmd *c = &dl->cmds[i];
        uint32_t rgba = (uint32_t)c->color.r << 24 | (uint32_t)c->color.g << 16 |
                        (uint32_t)c->color.b << 8 | c->color.a;
        int32_t v[9] = {(int32_t)c->kind, c->r.x, c->r.y, c->r.w, c->r.h, (int32_t)rgba,
                        (int32_t)c->face, c->size, 0};
        h = fnv(h, v, sizeof v);
        if (c->kind == DL_TEXT || c->kind == DL_QR || c->kind == DL_IMAGE) {
            const char *s = dl_str(dl, c);
            h = fnv(h, s, strlen(s));
        }
    }
    return h;
}

int dl_dump(const DrawList *dl, void *out)
{
    FILE *f = out;
    for (size_t i = 0; i < dl->ncmds; i++) {
        const DlCmd *c = &dl->cmds[i];
        if (c->kind == DL_TEXT && c->face != FONT_ICON)
            fprintf(f, "text %d %d %d %s\n", c->r.x, c->r.y, c->size, dl_str(dl, c));
        else if (c->kind == DL_QR)
            fprintf(f, "qr %d %d %d %d %s\n", c->r.x, c->r.y, c->r.w, c->r.h, dl_str(dl, c));
        else if (c->kind == DL_IMAGE)
            fprintf(f, "image %d %d %d %d %s\n", c->r.x, c->r.y, c->r.w, c->r.h, dl_str(dl, c));
    }
    for (size_t i = 0; i < dl->nhits; i++) {
        const DlHit *h = &dl->hits[i];
        fprintf(f, "hit %s %d %d %d %d\n", h->id, h->clip.x, h->clip.y, h->clip.w, h->clip.h);
    }
    return ferror(f) ? -1 : 0;
}
