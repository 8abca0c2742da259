/* handwriting.h - handwritten Chinese character recognition (zinnia) and the ink it reads.
 *
 * HwInk collects the strokes drawn on the pad (fixed memory, capped);
 * Handwriting recognises them with zinnia and the tegaki simplified Chinese
 * model (the 6,763 GB2312 characters; no digits or Latin). The ink holds
 * what a resident wrote: never log it. Not thread-safe. */
#ifndef HANDWRITING_H
#define HANDWRITING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HW_DEFAULT_MODEL "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"
/* Caps: the most complex common characters have about 30 strokes. */
#define HW_MAX_STROKES 64
#define HW_MAX_POINTS 2048
/* A point closer than this (pixels, either axis) to the last kept point of
 * its stroke is dropped: touch screens report every pixel or two, zinnia
 * needs only the shape, and fewer points recognise faster. */
#define HW_MIN_STEP 3
/* Most candidates hw_recognize returns. */
#define HW_MAX_CANDIDATES 10

typedef struct { int16_t x, y; } HwPoint;
typedef struct HwInk HwInk;
typedef struct Handwriting Handwriting;

/* Whether the font can draw code point cp. */
typedef bool (*HwDrawable)(void *ctx, uint32_t cp);

/* An empty ink, or NULL when out of memory. Free with hw_ink_free. */
HwInk *hw_ink_new(void);
/* NULL accepted. */
void hw_ink_free(HwInk *ink);

/* Start a stroke (ending one left open). Returns 0, or -1 when the ink
 * already has HW_MAX_STROKES strokes or HW_MAX_POINTS points. */
int hw_ink_begin_stroke(HwInk *ink);
/* Add a point to the open stroke; coordinates are clamped to int16.
 * Returns 1 if kept, 0 if dropped as too close to the previous one, -1 if
 * no stroke is open or the ink is full (HW_MAX_POINTS). */
int hw_ink_add_point(HwInk *ink, int x, int y);
/* End the open stroke; a stroke without points is dropped. No-op when
 * none is open. */
void hw_ink_end_stroke(HwInk *ink);
/* Drop the last stroke (the open one if any). Returns the strokes left. */
int hw_ink_undo(HwInk *ink);
/* Drop all strokes. */
void hw_ink_clear(HwInk *ink);
/* Number of strokes, counting an open one. */
size_t hw_ink_strokes(const HwInk *ink);
/* Points of stroke s (0 if s is out of range). */
size_t hw_ink_points(const HwInk *ink, size_t s);
/* The points of stroke s, or NULL if s is out of range. Valid until the
 * ink changes. */
const HwPoint *hw_ink_stroke(const HwInk *ink, size_t s);

/* Open the recogniser with the zinnia model at `model` (NULL: the default
 * HW_DEFAULT_MODEL). Returns NULL with a message in err when the model is
 * missing or unreadable. About 5 ms; the model is mapped (26 MB). Free
 * with hw_close. */
Handwriting *hw_open(const char *model, char *err, size_t errlen);
/* As hw_open, but the model is opened on a thread of its own, so the
 * caller goes on at once: returns NULL (message in err) only when the model
 * file is missing or unreadable or memory is short. hw_recognize waits for
 * the open to finish; hw_wait says how it went. Use the handle from one
 * thread only, as any other. */
Handwriting *hw_open_async(const char *model, char *err, size_t errlen);
/* Wait until the model is open (at once after hw_open). Returns true, or
 * false with zinnia's message in err (may be NULL): the handle then
 * recognises nothing; close it. */
bool hw_wait(Handwriting *h, char *err, size_t errlen);
/* Waits for an open still under way; NULL accepted. */
void hw_close(Handwriting *h);

/* Leave out candidates drawable() rejects. NULL: no filter. */
void hw_set_filter(Handwriting *h, HwDrawable drawable, void *ctx);

/* Recognise the ink drawn on a pad_w x pad_h pad: writes up to max
 * (at most HW_MAX_CANDIDATES) candidates, best first, as NUL-terminated
 * UTF-8 into out. The ink is first centred and, if small, enlarged (see
 * hw_set_placement). Radicals GB2312 encodes as characters (囗 亻 氵 ...)
 * come after the real characters. Returns the number written; 0 for empty
 * ink or on error. */
size_t hw_recognize(Handwriting *h, const HwInk *ink, int pad_w, int pad_h,
                    char out[][8], size_t max);

/* How hw_recognize places the ink on zinnia's canvas (a square the size
 * of the pad's short side). HW_PLACE_CENTER, the default: centred, size
 * kept, but enlarged to half the canvas if smaller and shrunk to fit if
 * larger. HW_PLACE_FIT: centred and scaled to fill the canvas.
 * HW_PLACE_RAW: as drawn on the pad. Aspect ratios are always kept. The
 * measurements behind the default are in docs/INPUT.md. */
typedef enum { HW_PLACE_CENTER, HW_PLACE_FIT, HW_PLACE_RAW } HwPlacement;
void hw_set_placement(Handwriting *h, HwPlacement placement);

#endif
