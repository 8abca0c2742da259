/* drawlist.h - a frame as a list of drawing commands plus hit regions.
 *
 * Screens append commands; the renderer (render_sdl.c) draws them; the app
 * hit-tests taps against the regions of the last frame. Strings are copied
 * into an arena owned by the list, so callers may pass temporaries. */
#ifndef DRAWLIST_H
#define DRAWLIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct { uint8_t r, g, b, a; } Color;
typedef struct { int x, y, w, h; } Rect;

typedef enum { FONT_REGULAR, FONT_BOLD, FONT_ICON, FONT_COUNT } FontFace;

typedef enum {
    DL_RECT,    /* filled rectangle */
    DL_FRAME,   /* rectangle outline, `size` px thick */
    DL_TEXT,    /* one line of UTF-8 text, top-left at r.x, r.y */
    DL_CLIP,    /* clip following commands to r (nested clips intersect) */
    DL_UNCLIP,  /* pop the innermost clip */
    DL_QR,      /* QR code of `text`, drawn in r (square; DL_QR_QUIET modules of
                   white round it, whole pixels a module, centred) */
    DL_LINE,    /* line from (r.x, r.y) to (r.w, r.h), `size` px thick */
    DL_IMAGE    /* a picture in r: `text` is "SHA256 TW TH SX SY SW SH" (dl_image) */
} DlKind;

typedef struct {
    DlKind kind;
    Rect r;
    Color color;
    FontFace face;
    int size;          /* font pixel size (DL_TEXT) or line width (DL_FRAME) */
    size_t text;       /* offset into the arena (DL_TEXT, DL_QR) */
    unsigned flags;    /* DL_F_* (DL_TEXT) */
} DlCmd;

/* DL_F_CUT: the text was cut short (ends in "…" it did not have).
 * DL_F_PREVIEW: on purpose, a preview of something the resident opens
 * whole with one tap (a list card's summary). Every other text is drawn
 * whole: the layout test fails on DL_F_CUT without DL_F_PREVIEW. */
#define DL_F_CUT     1u
#define DL_F_PREVIEW 2u

#define DL_ID_MAX 80
/* The white border of a QR code, in modules on each side (ISO/IEC 18004). */
#define DL_QR_QUIET 4

typedef struct {
    char id[DL_ID_MAX];
    Rect r;
    Rect clip;         /* the visible part at the time it was added */
} DlHit;

/* A scrollable area: where it is and how tall its content is. */
typedef struct {
    char id[DL_ID_MAX];
    Rect viewport;
    int content_h;
} DlScroll;

typedef struct DrawList {
    Color clear;
    DlCmd *cmds;
    size_t ncmds, cmdcap;
    char *arena;
    size_t arena_len, arena_cap;
    DlHit *hits;
    size_t nhits, hitcap;
    DlScroll scrolls[8];
    size_t nscrolls;
    Rect clips[16];    /* current clip stack (view-building helper) */
    int nclips;
    bool oom;          /* set if any append failed; the frame is incomplete */
} DrawList;

/* Initialise an empty list (no allocation). */
void dl_init(DrawList *dl);
/* Free everything the list owns; the list is left empty and reusable. */
void dl_free(DrawList *dl);
/* Forget all commands and hits but keep the memory for the next frame. */
void dl_reset(DrawList *dl);

/* The colour the frame is cleared to before its commands are drawn (the
 * screen's ground; opaque black after dl_init). The last call wins. */
void dl_set_clear(DrawList *dl, Color c);

void dl_rect(DrawList *dl, Rect r, Color c);
void dl_frame(DrawList *dl, Rect r, Color c, int thickness);
/* Append one line of text; `len` bytes of `s` (or strlen if len < 0). */
void dl_text(DrawList *dl, int x, int y, FontFace face, int size, Color c,
             const char *s, int len);
/* Set `flags` (DL_F_*) on the last command appended (nothing if none). */
void dl_flag_last(DrawList *dl, unsigned flags);
void dl_qr(DrawList *dl, Rect r, const char *payload);
/* A thick line with square ends from (x1, y1) to (x2, y2). */
void dl_line(DrawList *dl, int x1, int y1, int x2, int y2, int thickness, Color c);
/* A picture from the picture cache (include/imgcache.h) by its SHA-256:
 * decoded once at tw x th pixels (its shape), and the part src of that
 * (in those pixels) drawn into dst. For the whole picture: src = {0, 0,
 * tw, th} and dst of the same size. */
void dl_image(DrawList *dl, Rect dst, const char *sha256, int tw, int th, Rect src);
/* Parse a DL_IMAGE command's text; 0, or -1 when malformed. */
int dl_image_parse(const char *s, char sha256[65], int *tw, int *th, Rect *src);
void dl_clip(DrawList *dl, Rect r);
void dl_unclip(DrawList *dl);
/* Register a tappable region with a stable id (truncated to DL_ID_MAX-1).
 * The region is limited to the current clip. */
void dl_hit(DrawList *dl, Rect r, const char *id);

/* Forget every hit region added so far; the commands stay. For what is
 * drawn over the screen and takes its controls away (a dialog's scrim, the
 * attract carousel whose first touch only wakes the kiosk). */
void dl_drop_hits(DrawList *dl);

/* A mark for dl_set_height: where the next command will go. */
size_t dl_mark(const DrawList *dl);
/* Set the height of the rectangles (DL_RECT, DL_FRAME) among the n commands
 * from `mark` on to h: for a card drawn before its content, whose height is
 * known only once the content is laid out. Commands of other kinds and
 * positions past the end (an append that failed) are left alone. */
void dl_set_height(DrawList *dl, size_t mark, size_t n, int h);

/* Record a scrollable area `id` showing content_h pixels of content. */
void dl_scroll(DrawList *dl, Rect viewport, int content_h, const char *id);
/* The scrollable area containing (x, y), or NULL. */
const DlScroll *dl_scroll_at(const DrawList *dl, int x, int y);

/* Move everything drawn and every region by (dx, dy) pixels. */
void dl_translate(DrawList *dl, int dx, int dy);

/* The text of a command (DL_TEXT, DL_QR). */
const char *dl_str(const DrawList *dl, const DlCmd *cmd);

/* Id of the topmost hit region containing (x, y), or NULL. */
const char *dl_hit_test(const DrawList *dl, int x, int y);
/* The region registered under `id`, or NULL. */
const DlHit *dl_find_hit(const DrawList *dl, const char *id);

bool rect_contains(Rect r, int x, int y);
Rect rect_intersect(Rect a, Rect b);

/* Write the frame as text, one line per text command ("text X Y SIZE s")
 * and hit region ("hit ID X Y W H"), for tests and bug reports.
 * `out` is a FILE*; returns 0 or -1 on a write error. */
int dl_dump(const DrawList *dl, void *out);

/* A stable 64-bit FNV-1a hash of the frame's commands and text. */
uint64_t dl_hash(const DrawList *dl);

#endif
