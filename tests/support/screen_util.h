/* screen_util.h - test support: an App on the sample content with a fake
 * measurer and a fixed clock, and queries over the frames it draws. */
#ifndef SCREEN_UTIL_H
#define SCREEN_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include "app.h"
#include "drawlist.h"

typedef struct Outbox Outbox;
typedef struct Pinyin Pinyin;

typedef struct {
    Config cfg;
    I18n *i18n;
    App *app;
    DrawList dl;
    int64_t now;      /* the fake clock, ms */
    char *dir;        /* scratch data directory (su_attach) */
    Outbox *ob;
    Pinyin *py;
} Screen_;

/* 2026-12-01T10:00:00+08:00, the moment the sample content is written for. */
#define SAMPLE_NOW_MS (1796090400LL * 1000)

/* Start an app of w x h on assets/content/sample.json (or `json` if not
 * NULL) at SAMPLE_NOW_MS, and draw the first frame. */
void su_start(Screen_ *s, int w, int h, const char *json);
void su_stop(Screen_ *s);
/* Give the app a real outbox (in a scratch directory) and pinyin engine. */
void su_attach(Screen_ *s);
/* Tap each control in turn: "key:t", "key:i", ... (NULL-terminated). */
void su_taps(Screen_ *s, ...);
/* Type lower-case letters through the keyboard's key:X controls. */
void su_type(Screen_ *s, const char *letters);
/* Redraw the frame from the app's state. */
void su_draw(Screen_ *s);
/* Press and release at a point / at the centre of control `id` (which must
 * be on screen); redraws. */
void su_tap_xy(Screen_ *s, int x, int y);
void su_tap(Screen_ *s, const char *id);
/* Drag from (x, y) by dy pixels in `steps` moves; redraws. */
void su_drag(Screen_ *s, int x, int y, int dy, int steps);
/* Let ms pass and run the timers; returns app_tick's answer; redraws. */
bool su_wait(Screen_ *s, int64_t ms);

/* The first text command containing `needle`, or NULL. */
const DlCmd *su_text(const Screen_ *s, const char *needle);
/* Whether a hit region with exactly this id / this prefix exists. */
bool su_has_hit(const Screen_ *s, const char *id);
int su_count_hits(const Screen_ *s, const char *prefix);

/* Walks the text commands of a frame with the box each shows: its em box
 * (x, y + size/4, as wide as the fake measurer says, or `size` for an
 * icon; `size` high) within the clip it is drawn in. The box is empty
 * (w or h <= 0) for a text scrolled out of view. */
typedef struct {
    const DrawList *dl;
    size_t next;
    Rect clips[16];
    int nclips;
} SuTextWalk;
void su_texts(SuTextWalk *w, const DrawList *dl);
/* The next text command and its box, or NULL after the last. */
const DlCmd *su_next_text(SuTextWalk *w, Rect *box);

#endif
