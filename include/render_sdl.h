/* render_sdl.h - draws a DrawList with SDL2 and SDL2_ttf (the only TTF user).
 *
 * A Renderer owns the fonts and a cache of text textures keyed by face, size,
 * colour and string, so an unchanged screen costs almost nothing to redraw.
 * It also provides the TextMeasure the core lays text out with. */
#ifndef RENDER_SDL_H
#define RENDER_SDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <SDL.h>
#include "drawlist.h"
#include "measure.h"

struct ImgCache;

typedef struct Renderer Renderer;

/* Open the fonts in font_dir (NotoSansCJKsc-Regular.otf, -Bold.otf,
 * MaterialIcons-Regular.ttf) for drawing on `sdl` (not owned); every face is
 * opened once here, so a missing font fails now. Calls TTF_Init (reference
 * counted; render_destroy balances it). Returns NULL with a message in err
 * on failure. Other sizes are opened on first use. */
Renderer *render_create(SDL_Renderer *sdl, const char *font_dir,
                        char *err, size_t errlen);
/* Free fonts and textures; NULL accepted. Does not destroy the SDL_Renderer. */
void render_destroy(Renderer *r);

/* Where DL_IMAGE commands find their pictures (not owned; NULL: none are
 * drawn). A picture is decoded (include/image.h) at the size drawn the
 * first time and then kept as a texture like text, so redrawing a screen
 * with pictures costs what one without does. */
void render_set_images(Renderer *r, struct ImgCache *images);

/* The measurer for the core; valid while the Renderer lives. */
const TextMeasure *render_measure(Renderer *r);

/* True when face's font has a glyph for code point cp (e.g. to check that
 * content or an input method's candidates can be shown). */
bool render_has_glyph(Renderer *r, FontFace face, uint32_t cp);

/* Clear to dl->clear and draw every command. Does not present.
 * Returns 0, or -1 if something could not be drawn (each kind of failure is
 * logged once to stderr; the text itself is never logged). Empty or invalid
 * UTF-8 text is safe; a text line wider than 8192 px is cut.
 * With a software renderer the target keeps its pixels, so only where dl
 * differs from the last frame drawn is drawn again (the commands between
 * the two lists' common head and tail; the pixels are those a whole
 * redraw gives). Call render_invalidate when the target's pixels were lost
 * or changed by others. KIOSK_FULL_REDRAW in the environment turns this
 * off (for comparison). */
int render_frame(Renderer *r, const DrawList *dl);

/* The next render_frame draws the whole frame (a resized or re-exposed
 * window, a target drawn on by others). NULL accepted. */
void render_invalidate(Renderer *r);

/* Drop cached textures not used in the last `frames` frames (0 drops all).
 * render_frame itself drops those unused for 120 frames and keeps the cache
 * under 64 MB of pixels by evicting the least recently used. NULL accepted. */
void render_trim(Renderer *r, int frames);

/* Cache counters since render_create, for tests and benchmarks. */
typedef struct {
    unsigned long hits, misses;          /* text and QR texture lookups */
    size_t entries;                      /* textures cached now */
    size_t bytes;                        /* their pixel memory */
    unsigned long measure_hits, measure_misses;  /* width cache */
    int fonts_open;                      /* (face, size) pairs open now */
    unsigned long partial_frames;        /* frames drawn only where they changed */
} RenderStats;

/* Copy the current counters into *out. */
void render_stats(const Renderer *r, RenderStats *out);

/* Read the current target's pixels and write them as a PNG file.
 * Returns 0, or -1 with a message in err. */
int render_save_png(SDL_Renderer *sdl, const char *path, char *err, size_t errlen);

#endif
