/* app.c - screens, navigation, pointer handling and timers. */
#include "app_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "schedule.h"
#include "theme.h"

static const Screen *const screens[SCREEN_COUNT] = {
    [SCREEN_HOME] = &screen_home,
    [SCREEN_NOTICES] = &screen_notices,
    [SCREEN_NOTICE] = &screen_notice,
    [SCREEN_EVENTS] = &screen_events,
    [SCREEN_EVENT] = &screen_event,
};

const char *app_screen_name(ScreenId s)
{
    return s < SCREEN_COUNT ? screens[s]->name : "?";
}

static void go_home(App *a)
{
    a->screen = SCREEN_HOME;
    a->depth = 0;
    a->filter = -1;
    a->item[0] = '\0';
    memset(a->scroll, 0, sizeof a->scroll);
}

App *app_create(const Config *cfg, const I18n *i18n, const TextMeasure *tm,
                Content *content, int w, int h, int64_t now_ms)
{
    App *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->cfg = cfg;
    a->i18n = i18n;
    a->tm = tm;
    a->lang = cfg->default_lang;
    a->last_input_ms = now_ms;
    a->shown_minute = now_ms / 60000;
    go_home(a);
    app_resize(a, w, h);
    app_set_content(a, content);
    a->next_change_s = sched_next_change(a->content, now_ms / 1000);
    return a;
}

void app_destroy(App *a)
{
    if (!a)
        return;
    content_free(a->content);
    free(a);
}

const Content *app_content(const App *a)
{
    return a->content;
}

void app_set_content(App *a, Content *content)
{
    content_free(a->content);
    a->content = content;
    a->next_change_s = 0;   /* recomputed on the next tick */
    if (a->screen == SCREEN_NOTICE && !(content && content_find_notice(content, a->item)))
        a->screen = a->depth > 0 ? a->stack[--a->depth] : SCREEN_HOME;
    if (a->screen == SCREEN_EVENT && !(content && content_find_event(content, a->item)))
        a->screen = a->depth > 0 ? a->stack[--a->depth] : SCREEN_HOME;
}

void app_resize(App *a, int w, int h)
{
    a->w = w > 1 ? w : 1;
    a->h = h > 1 ? h : 1;
    a->dp = (a->w < a->h ? a->w : a->h) / 1080.0;
}

ScreenId app_screen(const App *a) { return a->screen; }
Lang app_lang(const App *a) { return a->lang; }
void app_set_lang(App *a, Lang lang) { a->lang = lang; }

void app_push(App *a, ScreenId s)
{
    if (a->depth < (int)(sizeof a->stack / sizeof a->stack[0]))
        a->stack[a->depth++] = a->screen;
    a->screen = s;
    a->scroll[s] = 0;
}

bool app_open_item(App *a, const char *id)
{
    bool notice = strncmp(id, "notice:", 7) == 0;
    bool event = strncmp(id, "event:", 6) == 0;
    const char *item = strchr(id, ':');
    if ((!notice && !event) || !item || strlen(item + 1) >= APP_ITEM_ID_MAX)
        return false;
    item++;
    if (notice && !(a->content && content_find_notice(a->content, item)))
        return false;
    if (event && !(a->content && content_find_event(a->content, item)))
        return false;
    app_push(a, notice ? SCREEN_NOTICE : SCREEN_EVENT);
    snprintf(a->item, sizeof a->item, "%s", item);
    return true;
}

static void go_back(App *a)
{
    if (a->depth > 0)
        a->screen = a->stack[--a->depth];
    else
        go_home(a);
}

/* Dispatch a tap on control `id`. Returns true if anything handled it. */
static bool tap(App *a, const char *id)
{
    if (strcmp(id, "home") == 0) {
        go_home(a);
        return true;
    }
    if (strcmp(id, "back") == 0) {
        go_back(a);
        return true;
    }
    if (strcmp(id, "lang") == 0) {
        a->lang = a->lang == LANG_ZH ? LANG_EN : LANG_ZH;
        return true;
    }
    return screens[a->screen]->on_tap(a, id);
}

bool app_activate(App *a, const char *id, int64_t now_ms)
{
    a->last_input_ms = now_ms;
    a->down = false;
    return tap(a, id);
}

static int *scroll_of(App *a, const char *id)
{
    for (int s = 0; s < SCREEN_COUNT; s++) {
        char want[DL_ID_MAX];
        snprintf(want, sizeof want, "scroll:%s", screens[s]->name);
        if (strcmp(want, id) == 0)
            return &a->scroll[s];
    }
    return NULL;
}

bool app_input(App *a, const Input *in, const DrawList *frame, int64_t now_ms)
{
    a->last_input_ms = now_ms;
    int slop = (int)(TAP_SLOP_DP * a->dp) + 1;
    switch (in->kind) {
    case IN_DOWN: {
        const char *id = frame ? dl_hit_test(frame, in->x, in->y) : NULL;
        const DlScroll *sc = frame ? dl_scroll_at(frame, in->x, in->y) : NULL;
        a->down = true;
        a->dragging = false;
        snprintf(a->press_id, sizeof a->press_id, "%s", id ? id : "");
        snprintf(a->drag_id, sizeof a->drag_id, "%s", sc ? sc->id : "");
        a->drag_max = sc ? sc->content_h - sc->viewport.h : 0;
        a->down_x = in->x;
        a->down_y = a->last_y = in->y;
        return id != NULL;   /* pressed feedback */
    }
    case IN_MOVE: {
        if (!a->down)
            return false;
        int dx = in->x - a->down_x, dy = in->y - a->down_y;
        bool was = a->dragging;
        if (!a->dragging && (dx * dx + dy * dy > slop * slop))
            a->dragging = true;
        if (!a->dragging)
            return false;
        int *off = a->drag_id[0] ? scroll_of(a, a->drag_id) : NULL;
        if (!off)
            return !was && a->press_id[0];   /* drop the pressed look */
        int v = *off - (in->y - a->last_y);
        int max = a->drag_max > 0 ? a->drag_max : 0;
        if (v > max) v = max;
        if (v < 0) v = 0;
        a->last_y = in->y;
        bool changed = v != *off || (!was && a->press_id[0]);
        *off = v;
        return changed;
    }
    case IN_UP: {
        if (!a->down)
            return false;
        a->down = false;
        bool redraw = a->press_id[0] != '\0';
        if (!a->dragging && a->press_id[0]) {
            const char *id = frame ? dl_hit_test(frame, in->x, in->y) : NULL;
            if (id && strcmp(id, a->press_id) == 0)
                tap(a, id);
        }
        a->dragging = false;
        a->press_id[0] = '\0';
        return redraw;
    }
    }
    return false;
}

static bool at_rest(const App *a)
{
    return a->screen == SCREEN_HOME && a->lang == a->cfg->default_lang && !a->down;
}

bool app_tick(App *a, int64_t now_ms)
{
    bool redraw = false;
    int64_t idle_ms = (int64_t)a->cfg->idle_timeout_s * 1000;
    if (!at_rest(a) && now_ms - a->last_input_ms >= idle_ms) {
        go_home(a);
        a->lang = a->cfg->default_lang;
        a->down = a->dragging = false;
        redraw = true;
    }
    if (now_ms / 60000 != a->shown_minute) {
        a->shown_minute = now_ms / 60000;
        redraw = true;
    }
    int64_t now_s = now_ms / 1000;
    if (a->next_change_s == 0 || now_s >= a->next_change_s) {
        if (a->next_change_s != 0)
            redraw = true;
        a->next_change_s = sched_next_change(a->content, now_s);
    }
    return redraw;
}

int64_t app_next_timeout(const App *a, int64_t now_ms)
{
    int64_t next = (now_ms / 60000 + 1) * 60000;          /* clock minute */
    if (!at_rest(a)) {
        int64_t idle = a->last_input_ms + (int64_t)a->cfg->idle_timeout_s * 1000;
        if (idle < next)
            next = idle;
    }
    if (a->next_change_s > 0 && a->next_change_s * 1000 < next)
        next = a->next_change_s * 1000;
    int64_t d = next - now_ms;
    return d < 0 ? 0 : d;
}

void app_view(const App *a, DrawList *dl, int64_t now_ms)
{
    dl->clear = COL_BG;
    screens[a->screen]->view(a, dl, now_ms / 1000);
}

int app_open(App *a, const char *name)
{
    const char *colon = strchr(name, ':');
    size_t len = colon ? (size_t)(colon - name) : strlen(name);
    for (int s = 0; s < SCREEN_COUNT; s++) {
        const char *sn = screens[s]->name;
        if (strlen(sn) != len || strncmp(sn, name, len) != 0)
            continue;
        if (!colon) {
            if (s == SCREEN_NOTICE || s == SCREEN_EVENT)
                return -1;
            go_home(a);
            if (s != SCREEN_HOME)
                app_push(a, (ScreenId)s);
            return 0;
        }
        break;
    }
    if (!colon)
        return -1;
    /* notice:ID and event:ID open the detail over its list. */
    App saved = *a;
    go_home(a);
    app_push(a, strncmp(name, "notice:", 7) == 0 ? SCREEN_NOTICES : SCREEN_EVENTS);
    if (!app_open_item(a, name)) {
        *a = saved;
        return -1;
    }
    return 0;
}
