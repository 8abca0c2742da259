/* platform_sdl.h - SDL events to the core's Inputs, and the window's main loop. */
#ifndef PLATFORM_SDL_H
#define PLATFORM_SDL_H

#include <stdbool.h>
#include <SDL.h>
#include "app.h"
#include "kiosk.h"
#include "render_sdl.h"

/* The fingers on the screen that are reported: the first (the pointer)
 * and a second (a pinch); zeroed at the start. */
typedef struct {
    bool first, second;
    SDL_TouchID touch;
    SDL_FingerID id1, id2;
} Fingers;

/* Translate one SDL event into an Input for a w x h window. Touch
 * coordinates (0..1) are scaled to pixels; the synthetic mouse copy of a
 * touch is dropped. The first finger down is the pointer (IN_DOWN, IN_MOVE,
 * IN_UP), a second one while it is down comes as IN_DOWN2, IN_MOVE2,
 * IN_UP2; others are dropped (`f` keeps track). Returns false when the
 * event is not an input. */
bool platform_input(const SDL_Event *ev, int w, int h, Fingers *f, Input *out);

/* The size the app draws at for this renderer: its output size, or, for
 * an output with a side over CONFIG_SIZE_MAX (a fullscreen 8K panel), the
 * largest size of the same shape within it, set as the renderer's logical
 * size so SDL scales the frame (and mouse coordinates) to the output. */
void platform_view_size(SDL_Renderer *sdl, int *w, int *h);

/* Large blocks in huge pages: SDL's allocations of 2 MiB and more (the
 * window surface: 8 MB at 1920x1080) are 2 MiB aligned and advised as
 * transparent huge pages (MADV_HUGEPAGE), so the kernel maps them in a few
 * faults instead of one per 4 KiB page (2,028 faults, a quarter of a
 * start's CPU on this virtual machine: docs/BENCHMARKS.md section 1).
 * Without THP (a kernel set to "never") they are ordinary pages. Call it
 * first, before any other SDL call (SDL_SetMemoryFunctions). Returns 0,
 * or -1 when SDL refused it (SDL's own allocator then, as before). */
int platform_memory_init(void);
/* The same for a block the kiosk allocates itself: n bytes in huge pages
 * where the kernel allows (rounded up to whole 2 MiB), free with free();
 * NULL when out of memory. Blocks under 1 MiB are plain malloc. */
void *platform_big_alloc(size_t n);

/* The clock the kiosk runs on: the real time, or a fixed start time that
 * then advances with the monotonic clock (--now). */
typedef struct { int64_t start_ms, mono0; bool fixed; } Clock;
void clock_init(Clock *c, int64_t fixed_start_ms, bool fixed);
int64_t clock_now(const Clock *c);

/* The main loop's state: what it drives, whether the state changed since
 * the last frame (dirty) and since the last layout (stale), and counts of
 * what it did (tests and benchmarks read them). */
typedef struct {
    Kiosk *k;
    SDL_Renderer *sdl;
    Renderer *r;
    const Clock *clock;
    bool allow_quit;
    Uint32 stop_event;
    bool dirty, stale;
    Fingers fingers;
    unsigned long frames;   /* frames drawn and presented */
    unsigned long views;    /* layouts (kiosk_view), frames' included */
    unsigned long inputs;   /* Inputs given to the app */
} PlatformLoop;

/* A loop on the window (see platform_run); draws its first frame at the
 * first step. */
void platform_loop_init(PlatformLoop *p, Kiosk *k, SDL_Renderer *sdl, Renderer *r,
                        const Clock *clock, bool allow_quit, Uint32 stop_event);
/* One turn: run the timers, draw and present a frame if anything changed,
 * then wait for an event (at most max_wait_ms, less when a timer is due)
 * and handle it and every event waiting behind it before returning, so a
 * frame shows all of them. A move (IN_MOVE, IN_MOVE2) changes the state
 * without a layout; the frame is laid out again only before an input that
 * is hit-tested on it (a press, a lift) and to be drawn. Returns false when
 * the loop is to end (stop_event, or SDL_QUIT / Ctrl+Q when allow_quit, or
 * the kiosk asks to quit). */
bool platform_step(PlatformLoop *p, int max_wait_ms);

/* Run the window until it is closed: wait for input or the next timer,
 * redraw only when something changed. Returns the exit status. An event
 * of type stop_event (SIGTERM, SIGINT: kiosk_main.c) ends it in every
 * mode; closing the window (SDL_QUIT) only when allow_quit. */
int platform_run(Kiosk *k, SDL_Renderer *sdl, Renderer *r, const Clock *clock, bool allow_quit,
                 Uint32 stop_event);

#endif
