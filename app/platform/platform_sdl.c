/* platform_sdl.c - SDL events in, frames out: the kiosk's main loop. */
#include "platform_sdl.h"

#include "timeutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_SZ   ((size_t)2 << 20)   /* a transparent huge page (x86-64, arm64 4K) */
#define BIG_MIN   ((size_t)1 << 20)   /* smaller blocks: plain malloc */

/* Advise the whole 2 MiB units inside [p, p + n) as huge pages; the
 * first touch of each then maps the whole unit at once. */
static void advise_huge(void *p, size_t n)
{
    uintptr_t a = ((uintptr_t)p + HUGE_SZ - 1) & ~(uintptr_t)(HUGE_SZ - 1);
    uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_SZ - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_HUGEPAGE);   /* advice: a refusal changes nothing */
}

void *platform_big_alloc(size_t n)
{
    if (n < BIG_MIN)
        return malloc(n);
    /* Rounded up to whole huge pages (8,294,400 bytes -> 8 MiB: four
     * faults, 94 KB more; a 1.6 MB font -> 2 MiB: one fault for 391). */
    size_t len = (n + HUGE_SZ - 1) & ~(HUGE_SZ - 1);
    void *p;
    if (len < n || posix_memalign(&p, HUGE_SZ, len) != 0)
        return NULL;
    advise_huge(p, len);
    return p;
}

static void *big_calloc(size_t nmemb, size_t size)
{
    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    size_t n = nmemb * size;
    if (n < BIG_MIN)
        return calloc(nmemb, size);
    void *p = platform_big_alloc(n);
    if (p)
        memset(p, 0, n);   /* aligned blocks may be reused heap memory */
    return p;
}

static void *big_realloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (q && n >= BIG_MIN)
        advise_huge(q, n);
    return q;
}

int platform_memory_init(void)
{
    return SDL_SetMemoryFunctions(platform_big_alloc, big_calloc, big_realloc, free) == 0 ? 0
                                                                                         : -1;
}

void clock_init(Clock *c, int64_t fixed_start_ms, bool fixed)
{
    c->fixed = fixed;
    c->start_ms = fixed_start_ms;
    c->mono0 = time_mono_ms();
}

int64_t clock_now(const Clock *c)
{
    return c->fixed ? c->start_ms + (time_mono_ms() - c->mono0) : time_now_ms();
}

/* Which of the reported fingers an event is: 1, 2, or 0 (not reported;
 * a new finger becomes the first or the second when that is free). */
static int finger_of(const SDL_TouchFingerEvent *e, bool down, Fingers *f)
{
    if (f->first && e->touchId == f->touch && e->fingerId == f->id1)
        return 1;
    if (f->second && e->touchId == f->touch && e->fingerId == f->id2)
        return 2;
    if (!down)
        return 0;
    if (!f->first) {
        f->first = true;
        f->second = false;
        f->touch = e->touchId;
        f->id1 = e->fingerId;
        return 1;
    }
    if (!f->second && e->touchId == f->touch) {
        f->second = true;
        f->id2 = e->fingerId;
        return 2;
    }
    return 0;
}

bool platform_input(const SDL_Event *ev, int w, int h, Fingers *f, Input *out)
{
    switch (ev->type) {
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        int which = finger_of(&ev->tfinger, ev->type == SDL_FINGERDOWN, f);
        if (which == 0)
            return false;
        bool up = ev->type == SDL_FINGERUP;
        if (which == 1) {
            out->kind = ev->type == SDL_FINGERDOWN ? IN_DOWN : up ? IN_UP : IN_MOVE;
            if (up)   /* the gesture ends; a second finger still down is dropped */
                f->first = f->second = false;
        } else {
            out->kind = ev->type == SDL_FINGERDOWN ? IN_DOWN2 : up ? IN_UP2 : IN_MOVE2;
            if (up)
                f->second = false;
        }
        out->x = (int)(ev->tfinger.x * (float)w);
        out->y = (int)(ev->tfinger.y * (float)h);
        return true;
    }
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            return false;
        out->kind = ev->type == SDL_MOUSEBUTTONDOWN ? IN_DOWN : IN_UP;
        out->x = ev->button.x;
        out->y = ev->button.y;
        return true;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID || !(ev->motion.state & SDL_BUTTON_LMASK))
            return false;
        out->kind = IN_MOVE;
        out->x = ev->motion.x;
        out->y = ev->motion.y;
        return true;
    default:
        return false;
    }
}

void platform_view_size(SDL_Renderer *sdl, int *w, int *h)
{
    int ow = 0, oh = 0, lw = 0, lh = 0, cw, ch;
    SDL_GetRendererOutputSize(sdl, &ow, &oh);
    if (ow > CONFIG_SIZE_MAX || oh > CONFIG_SIZE_MAX) {
        /* The longer side becomes CONFIG_SIZE_MAX, the other shrinks alike. */
        if (ow >= oh) {
            lw = CONFIG_SIZE_MAX;
            lh = (int)((int64_t)oh * CONFIG_SIZE_MAX / ow);
        } else {
            lh = CONFIG_SIZE_MAX;
            lw = (int)((int64_t)ow * CONFIG_SIZE_MAX / oh);
        }
        lw = lw < CONFIG_SIZE_MIN ? CONFIG_SIZE_MIN : lw;
        lh = lh < CONFIG_SIZE_MIN ? CONFIG_SIZE_MIN : lh;
    }
    SDL_RenderGetLogicalSize(sdl, &cw, &ch);
    if (cw != lw || ch != lh)
        SDL_RenderSetLogicalSize(sdl, lw, lh);
    *w = lw ? lw : ow;
    *h = lh ? lh : oh;
}

/* The time to run on: --now's, or the believed time (kiosk_clock). */
static int64_t run_now(Kiosk *k, const Clock *c)
{
    return c->fixed ? clock_now(c) : kiosk_clock(k, time_now_ms(), time_mono_ms());
}

void platform_loop_init(PlatformLoop *p, Kiosk *k, SDL_Renderer *sdl, Renderer *r,
                        const Clock *clock, bool allow_quit, Uint32 stop_event)
{
    *p = (PlatformLoop){.k = k, .sdl = sdl, .r = r, .clock = clock, .allow_quit = allow_quit,
                        .stop_event = stop_event, .dirty = true};
}

/* Lay the frame out anew from the state (what a tap is hit-tested on). */
static void loop_view(PlatformLoop *p, int64_t now)
{
    kiosk_view(p->k, now);
    p->views++;
    p->stale = false;
}

static void loop_draw(PlatformLoop *p, int64_t now)
{
    loop_view(p, now);
    render_frame(p->r, kiosk_frame(p->k));
    SDL_RenderPresent(p->sdl);
    kiosk_shown(p->k);
    p->frames++;
    p->dirty = false;
}

/* One event; false when the loop is to end. */
static bool loop_event(PlatformLoop *p, const SDL_Event *ev)
{
    int64_t now = run_now(p->k, p->clock);
    Input in;
    int w, h;
    platform_view_size(p->sdl, &w, &h);
    if (ev->type == p->stop_event)
        return false;   /* SIGTERM or SIGINT: kiosk_close follows at once */
    if (ev->type == SDL_QUIT)
        return !p->allow_quit;
    if (ev->type == SDL_WINDOWEVENT) {
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            app_resize(kiosk_app(p->k), w, h);
            render_invalidate(p->r);   /* a new window surface */
            p->dirty = p->stale = true;
        } else if (ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
            render_invalidate(p->r);
            p->dirty = true;
        }
        return true;
    }
    if (ev->type == SDL_KEYDOWN && p->allow_quit && ev->key.keysym.sym == SDLK_q &&
        (ev->key.keysym.mod & KMOD_CTRL))
        return false;
    if (!platform_input(ev, w, h, &p->fingers, &in))
        return true;
    p->inputs++;
    /* A move hit-tests nothing (a drag scrolls what its finger went down
     * on; a stroke stays on its pad), so moves only change the state and
     * a burst of them costs no layout; a press or a lift is hit-tested on
     * the frame as the state now is. */
    bool move = in.kind == IN_MOVE || in.kind == IN_MOVE2;
    if (p->stale && !move)
        loop_view(p, now);
    if (app_input(kiosk_app(p->k), &in, kiosk_frame(p->k), now))
        p->dirty = p->stale = true;
    return true;
}

bool platform_step(PlatformLoop *p, int max_wait_ms)
{
    int64_t now = run_now(p->k, p->clock);
    if (kiosk_tick(p->k, now))
        p->dirty = true;
    if (kiosk_quit_requested(p->k))
        return false;
    if (p->dirty)
        loop_draw(p, now);
    int64_t wait = kiosk_next_timeout(p->k, now);
    if (wait > max_wait_ms)
        wait = max_wait_ms;
    SDL_Event ev;
    if (!SDL_WaitEventTimeout(&ev, (int)wait))
        return true;
    /* Every event waiting is handled before the next frame is drawn: a
     * tap after a burst of drags answers in the next frame, never behind
     * a frame a drag step would have drawn. */
    do {
        if (!loop_event(p, &ev))
            return false;
    } while (SDL_PollEvent(&ev));
    return true;
}

int platform_run(Kiosk *k, SDL_Renderer *sdl, Renderer *r, const Clock *clock, bool allow_quit,
                 Uint32 stop_event)
{
    PlatformLoop p;
    platform_loop_init(&p, k, sdl, r, clock, allow_quit, stop_event);
    while (platform_step(&p, 60000))
        ;
    return 0;
}
