/* screen_util.c - test support: drive an App and query its frames. */
#include "screen_util.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_measure.h"
#include "outbox.h"
#include "pinyin.h"
#include "tmpdir.h"

void su_start(Screen_ *s, int w, int h, const char *json)
{
    memset(s, 0, sizeof *s);
    config_defaults(&s->cfg);
    char err[300] = "";
    s->i18n = i18n_load("assets/i18n/strings.ini", err, sizeof err);
    if (!s->i18n)
        fail_msg("strings: %s", err);
    Content *c;
    if (json) {
        c = content_parse(json, strlen(json), err, sizeof err);
    } else {
        c = content_load_file("assets/content/sample.json", err, sizeof err);
    }
    if (!c)
        fail_msg("content: %s", err);
    s->now = SAMPLE_NOW_MS;
    s->app = app_create(&s->cfg, s->i18n, fake_measure(), c, w, h, s->now);
    assert_non_null(s->app);
    dl_init(&s->dl);
    su_draw(s);
}

void su_attach(Screen_ *s)
{
    char err[300];
    s->dir = tmpdir_make();
    assert_non_null(s->dir);
    OutboxLimits lim = {s->cfg.queue_max_rows, (int64_t)s->cfg.queue_max_mb << 20,
                        s->cfg.topics};
    s->ob = outbox_open(s->dir, &lim, err, sizeof err);
    if (!s->ob)
        fail_msg("outbox: %s", err);
    s->py = pinyin_open(NULL, err, sizeof err);
    if (!s->py)
        fail_msg("pinyin: %s", err);
    app_attach_inputs(s->app, s->ob, s->py);
    su_draw(s);
}

void su_taps(Screen_ *s, ...)
{
    va_list ap;
    va_start(ap, s);
    for (const char *id = va_arg(ap, const char *); id; id = va_arg(ap, const char *))
        su_tap(s, id);
    va_end(ap);
}

void su_type(Screen_ *s, const char *letters)
{
    for (; *letters; letters++) {
        char id[16];
        snprintf(id, sizeof id, "key:%c", *letters);
        su_tap(s, id);
    }
}

void su_stop(Screen_ *s)
{
    app_destroy(s->app);
    pinyin_close(s->py);
    outbox_close(s->ob);
    tmpdir_remove(s->dir);
    i18n_free(s->i18n);
    dl_free(&s->dl);
}

void su_draw(Screen_ *s)
{
    dl_reset(&s->dl);
    app_view(s->app, &s->dl, s->now);
    assert_false(s->dl.oom);
}

void su_tap_xy(Screen_ *s, int x, int y)
{
    Input in = {IN_DOWN, x, y};
    app_input(s->app, &in, &s->dl, s->now);
    su_draw(s);
    in.kind = IN_UP;
    app_input(s->app, &in, &s->dl, s->now);
    su_draw(s);
}

void su_tap(Screen_ *s, const char *id)
{
    const DlHit *h = dl_find_hit(&s->dl, id);
    if (!h)
        fail_msg("no control %s on screen %s", id, app_screen_name(app_screen(s->app)));
    su_tap_xy(s, h->clip.x + h->clip.w / 2, h->clip.y + h->clip.h / 2);
}

void su_drag(Screen_ *s, int x, int y, int dy, int steps)
{
    Input in = {IN_DOWN, x, y};
    app_input(s->app, &in, &s->dl, s->now);
    for (int i = 1; i <= steps; i++) {
        in.kind = IN_MOVE;
        in.y = y + dy * i / steps;
        s->now += 16;
        app_input(s->app, &in, &s->dl, s->now);
    }
    in.kind = IN_UP;
    app_input(s->app, &in, &s->dl, s->now);
    su_draw(s);
}

bool su_wait(Screen_ *s, int64_t ms)
{
    s->now += ms;
    bool r = app_tick(s->app, s->now);
    su_draw(s);
    return r;
}

const DlCmd *su_text(const Screen_ *s, const char *needle)
{
    for (size_t i = 0; i < s->dl.ncmds; i++) {
        const DlCmd *c = &s->dl.cmds[i];
        if (c->kind == DL_TEXT && strstr(dl_str(&s->dl, c), needle))
            return c;
    }
    return NULL;
}

bool su_has_hit(const Screen_ *s, const char *id)
{
    return dl_find_hit(&s->dl, id) != NULL;
}

int su_count_hits(const Screen_ *s, const char *prefix)
{
    int n = 0;
    for (size_t i = 0; i < s->dl.nhits; i++)
        if (strncmp(s->dl.hits[i].id, prefix, strlen(prefix)) == 0)
            n++;
    return n;
}

void su_texts(SuTextWalk *w, const DrawList *dl)
{
    memset(w, 0, sizeof *w);
    w->dl = dl;
}

const DlCmd *su_next_text(SuTextWalk *w, Rect *box)
{
    while (w->next < w->dl->ncmds) {
        const DlCmd *c = &w->dl->cmds[w->next++];
        if (c->kind == DL_CLIP) {
            Rect r = w->nclips ? rect_intersect(w->clips[w->nclips - 1], c->r) : c->r;
            if (w->nclips < 16)
                w->clips[w->nclips++] = r;
            continue;
        }
        if (c->kind == DL_UNCLIP) {
            if (w->nclips)
                w->nclips--;
            continue;
        }
        if (c->kind != DL_TEXT)
            continue;
        const char *t = dl_str(w->dl, c);
        Rect b = {c->r.x, c->r.y + c->size / 4,
                  c->face == FONT_ICON ? c->size : fake_measure_width_of(c->size, t, strlen(t)),
                  c->size};
        *box = w->nclips ? rect_intersect(b, w->clips[w->nclips - 1]) : b;
        return c;
    }
    return NULL;
}
