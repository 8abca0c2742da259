/* osk.h - the on-screen keyboard: 拼音, 手写, ABC and 123 modes editing a
 * UTF-8 buffer, with a candidate bar. Core only: it draws into a DrawList
 * and takes key ids ("key:a", "cand:3", "mode:hand", ...) and ink. */
#ifndef OSK_H
#define OSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drawlist.h"
#include "i18n.h"
#include "measure.h"
#include "theme.h"

typedef struct Pinyin Pinyin;
typedef struct Handwriting Handwriting;
typedef struct HwInk HwInk;

typedef enum { OSK_PINYIN, OSK_HAND, OSK_ABC, OSK_SYM, OSK_MODE_COUNT } OskMode;

/* The text being edited: a NUL-terminated UTF-8 buffer of `cap` bytes that
 * may hold at most `max_chars` code points. */
typedef struct { char *buf; size_t cap; size_t max_chars; } OskTarget;

typedef struct Osk {
    OskMode mode;
    bool shift;                   /* ABC: next letter upper case */
    Pinyin *py;                   /* not owned; NULL = pinyin unavailable */
    Handwriting *hw;              /* owned; opened on first use */
    char hw_model[512];           /* "" = the default model */
    bool hw_failed;               /* the model could not be opened */
    HwInk *ink;                   /* owned */
    bool inking;                  /* a stroke is being drawn */
    int pad_w, pad_h;             /* the pad's size at the last stroke */
    Rect pad;                     /* where the pad was when the stroke began */
    int box;                      /* the writing box the ink is in (0 or 1) */
    char hw_cands[10][8];
    size_t hw_n;
    size_t page, pages[32];       /* candidate page start and history */
    int npages;
    bool (*drawable)(void *ctx, uint32_t cp);
    void *drawable_ctx;
    double text_scale;            /* large text: 1.4 (0 or 1: normal); set by
                                   * the screen before osk_press, as drawn */
} Osk;

/* Set up a keyboard in `mode` using the pinyin engine `py` (may be NULL).
 * `hw_model` NULL = the default handwriting model. Returns 0 or -1. */
int osk_init(Osk *k, OskMode mode, Pinyin *py, const char *hw_model);
/* Free what the keyboard owns (not the pinyin engine). */
void osk_free(Osk *k);
/* Forget everything typed: composition, predictions, ink, candidates and
 * the pinyin engine's learning (a fresh user dictionary). */
void osk_wipe(Osk *k);
/* Drop the composition, predictions and ink, keeping the engine's state. */
void osk_wipe_composition(Osk *k);
/* Only offer candidates whose every character passes `drawable`. */
void osk_set_filter(Osk *k, bool (*drawable)(void *ctx, uint32_t cp), void *ctx);

/* The keyboard's height in pixels for a given dp scale. */
int osk_height(double dp);
/* Its height as drawn now, `w` pixels wide: the 手写 boxes are larger in
 * a narrow (portrait) window and with large text (`text` 1.4; 0 or 1
 * normal), but shrink so the keyboard takes at most max_h pixels; other
 * modes as osk_height. osk_view draws 手写 to fit the area it is given. */
int osk_height_for(const Osk *k, double dp, double text, int w, int max_h);

/* Handle a tap on control `id` for the text `t`. `m` and `bar_w` (the
 * candidate bar's width in pixels) let paging match what was drawn.
 * Returns true if the id was a keyboard control. */
bool osk_press(Osk *k, const char *id, OskTarget *t, const TextMeasure *m, double dp,
               int bar_w);

/* Handwriting writes character after character in two boxes ("hwpad"
 * and "hwpad2"): a stroke that starts in the other box than the ink's
 * commits the best candidate of that ink to the text first; so do
 * punctuation, space and osk_commit_pending. A picked or committed
 * character brings next-word predictions (from the pinyin engine, if any)
 * while the pad is empty. Nothing is committed by a pause: the rule and
 * its reasons are in docs/INPUT.md. */

/* Commit the best candidate of the ink on the pad, if any, to t (with
 * predictions after it). Returns true if a character was committed. */
bool osk_commit_pending(Osk *k, OskTarget *t);

/* Ink on the handwriting pad, in pad pixels; the pad is pad_w x pad_h.
 * Recognition runs when a stroke ends. */
void osk_ink_down(Osk *k, int x, int y);
void osk_ink_move(Osk *k, int x, int y);
void osk_ink_up(Osk *k, int pad_w, int pad_h);

/* The pad following a finger, in window pixels. osk_pad_down starts a
 * stroke and returns true when (x, y) is on a writing box ("hwpad" or
 * "hwpad2" is the topmost region of `frame` there); false, and nothing
 * happens, otherwise. A stroke in the other box first commits the ink's
 * best candidate to t. Moves and the lift are clamped to the box where the
 * stroke began; the lift ends the stroke and recognition runs. */
bool osk_pad_down(Osk *k, const DrawList *frame, int x, int y, OskTarget *t);
void osk_pad_move(Osk *k, int x, int y);
void osk_pad_up(Osk *k, int x, int y);

/* How the keyboard is drawn: text measurer, pixels per dp, colours, and
 * the strings (osk.* in assets/i18n/strings.ini) in `lang`. */
typedef struct {
    const TextMeasure *m;
    double dp;
    const Theme *theme;
    const I18n *i18n;
    Lang lang;
    double text;      /* text size factor: 1.4 with large text (0 = 1) */
    bool phone;       /* 123 is a phone's keypad (1 2 3 / 4 5 6 / 7 8 9 / - 0 ⌫), for a
                       * contact; else a row of digits over punctuation */
} OskLook;

/* Draw the keyboard in `area` (full width at the bottom). Registers hit
 * ids; the pad as "hwpad". `pressed` is the id under the finger (drawn
 * darker) or NULL. */
void osk_view(const Osk *k, DrawList *dl, const OskLook *look, Rect area, const char *pressed);

/* Whether a composition (pinyin being converted) is in progress. */
bool osk_composing(const Osk *k);

/* Append UTF-8 `s` to the target, cut at a character boundary so the
 * target keeps at most max_chars characters and fits in cap bytes; an
 * invalid UTF-8 sequence in `s` ends it too, so the target is always valid
 * UTF-8. Returns the chars added. */
size_t osk_append(OskTarget *t, const char *s);
/* Delete the last character of the target; returns false if empty. */
bool osk_delete_last(OskTarget *t);

#endif
