/* app.c - the screen table, navigation, pointer handling and timers. */
#include "app_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "schedule.h"
#include "timeutil.h"
#include "ui.h"

static const Screen *const screens[SCREEN_COUNT] = {
    [SCREEN_HOME] = &screen_home,
    [SCREEN_NOTICES] = &screen_notices,
    [SCREEN_NOTICE] = &screen_notice,
    [SCREEN_EVENTS] = &screen_events,
    [SCREEN_EVENT] = &screen_event,
    [SCREEN_SUGGEST] = &screen_suggest,
    [SCREEN_SUGGEST_WRITE] = &screen_suggest_write,
    [SCREEN_SUGGEST_CONTACT] = &screen_suggest_contact,
    [SCREEN_SUGGEST_REVIEW] = &screen_suggest_review,
    [SCREEN_SUGGEST_SENT] = &screen_suggest_sent,
    [SCREEN_STAFF_PIN] = &screen_staff_pin,
    [SCREEN_STAFF] = &screen_staff,
    [SCREEN_CONNECT] = &screen_connect,
    [SCREEN_REPLY] = &screen_reply,
    [SCREEN_BOARD] = &screen_board,
    [SCREEN_PICTURE] = &screen_picture,
    [SCREEN_ATTRACT] = &screen_attract,
    [SCREEN_NIGHT] = &screen_night,
};

const char *app_screen_name(ScreenId s)
{
    return s < SCREEN_COUNT ? screens[s]->name : "?";
}

const Theme *app_theme(const App *a)
{
    return a->contrast ? &theme_contrast : &theme_default;
}

void app_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    for (size_t i = 0; i < n; i++)
        v[i] = 0;
}

bool app_draft_has_text(const App *a)
{
    return a->draft.text[0] || a->draft.contact[0];
}

void app_draft_wipe(App *a)
{
    /* Nothing of what the resident wrote stays in memory or in the engines. */
    app_wipe(&a->draft, sizeof a->draft);
    osk_wipe(&a->osk);
    a->osk.mode = OSK_PINYIN;
}

/* Each screen's `forget` / `refresh` (the reply found by a code). */
static void forget_all(App *a)
{
    for (int s = 0; s < SCREEN_COUNT; s++)
        if (screens[s]->forget)
            screens[s]->forget(a);
}

static void refresh_all(App *a)
{
    for (int s = 0; s < SCREEN_COUNT; s++)
        if (screens[s]->refresh)
            screens[s]->refresh(a);
}

/* ---- navigation ---- */

static void push(App *a, ScreenId s)
{
    if (a->depth < (int)(sizeof a->stack / sizeof a->stack[0]))
        a->stack[a->depth++] = a->screen;
    a->screen = s;
    a->scroll[s] = 0;
}

static void pop(App *a)
{
    a->screen = a->depth > 0 ? a->stack[--a->depth] : SCREEN_HOME;
}

bool app_go(App *a, ScreenId s, int64_t now_ms)
{
    if (screens[s]->enter && !screens[s]->enter(a, now_ms))
        return false;
    if (screens[s]->root) {
        a->screen = s;
        a->depth = 0;
    } else {
        push(a, s);
    }
    return true;
}

void app_back(App *a)
{
    osk_wipe_composition(&a->osk);
    if (a->depth > 0)
        pop(a);
    else
        app_home(a);
}

/* Home from anywhere: whatever was being written is wiped. */
void app_home(App *a)
{
    if (app_draft_has_text(a) || a->draft.dialog != DIALOG_NONE || a->draft.receipt[0])
        app_draft_wipe(a);
    a->screen = SCREEN_HOME;
    a->depth = 0;
    a->filter = -1;
    forget_all(a);   /* a receipt is private too */
    a->item[0] = '\0';
    memset(a->scroll, 0, sizeof a->scroll);
}

/* The topic ids the suggestion screens offer: the outbox's (outbox_topics),
 * or, until one is attached, the configured list read as the outbox reads
 * it (outbox_topics_parse; the settings were checked at load). */
static void app_topics(App *a, const char *list)
{
    const char *ids[OUTBOX_MAX_TOPICS];
    if (a->outbox) {
        size_t n = outbox_topics(a->outbox, ids, OUTBOX_MAX_TOPICS);
        a->ntopics = (int)(n < OUTBOX_MAX_TOPICS ? n : OUTBOX_MAX_TOPICS);
        for (int i = 0; i < a->ntopics; i++)
            snprintf(a->topics[i], sizeof a->topics[i], "%s", ids[i]);
        return;
    }
    char why[120];
    int n = list ? outbox_topics_parse(list, a->topics, why, sizeof why) : -1;
    a->ntopics = n < 0 ? 0 : n;
}

void app_attach_inputs(App *a, Outbox *ob, Pinyin *py)
{
    a->outbox = ob;
    if (ob)
        app_topics(a, NULL);
    a->osk.py = py;
    if (py && a->tm->has_glyph)
        osk_set_filter(&a->osk, a->tm->has_glyph, a->tm->ctx);
}

void app_set_suggest_paused(App *a, bool paused)
{
    a->suggest_paused = paused;
}

bool app_suggest_paused(const App *a)
{
    return a->suggest_paused;
}

StaffRequest app_take_staff_request(App *a)
{
    StaffRequest r = a->staff.req;
    a->staff.req = STAFF_REQ_NONE;
    return r;
}

void app_staff_result(App *a, bool ok, const char *msg)
{
    snprintf(a->staff.msg, sizeof a->staff.msg, "%s", msg);
    a->staff.msg_error = !ok;
}

void app_set_staff_info(App *a, const StaffInfo *info)
{
    a->staff.info = *info;
    a->staff.info.valid = true;
}

bool app_staff_visible(const App *a) { return a->screen == SCREEN_STAFF; }
bool app_staff_needs_info(const App *a)
{
    return a->screen == SCREEN_STAFF && !a->staff.info.valid;
}

void app_staff_sign_out(App *a, const char *why, int64_t now_ms)
{
    if (a->screen == SCREEN_STAFF)
        audit_log(a->audit_path, now_ms / 1000, "sign out",
                  strcmp(why, "idle") == 0 ? "ok: no touch for a while, signed out by itself"
                                           : "ok: staff signed out");
    app_wipe(a->staff.pin, sizeof a->staff.pin);
    a->staff.locked_until_ms = 0;
    a->staff.msg[0] = '\0';
    a->staff.info.valid = false;
    app_go(a, SCREEN_HOME, now_ms);
}
Lang app_default_lang(const App *a) { return a->default_lang; }
void app_set_default_lang(App *a, Lang lang) { a->default_lang = lang; }

const char *app_draft_text(const App *a) { return a->draft.text; }
const char *app_last_receipt(const App *a) { return a->draft.receipt; }

/* Night by the configured schedule (it may span midnight). */
static bool is_night(const App *a, int64_t now_s)
{
    int s = a->cfg->night_start_min, e = a->cfg->night_end_min;
    if (s < 0 || e < 0 || s == e)
        return false;
    LocalTime lt;
    time_local(now_s, &lt);
    int m = lt.hour * 60 + lt.min;
    return s < e ? (m >= s && m < e) : (m >= s || m < e);
}

/* Where the kiosk goes when left alone: the attract carousel or night. */
static void rest(App *a, int64_t now_ms)
{
    ScreenId s = is_night(a, now_ms / 1000) ? SCREEN_NIGHT : SCREEN_ATTRACT;
    if (s != a->screen)
        app_go(a, s, now_ms);
}

int64_t app_slide(const App *a, int64_t now_ms)
{
    int64_t t = now_ms - a->attract_since_ms;
    return t > 0 ? t / ATTRACT_SLIDE_MS : 0;
}

const char *app_display_state(const App *a)
{
    if (a->screen != SCREEN_NIGHT)
        return "day";
    return a->cfg->night_blank ? "night-blank" : "night";
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
    a->wrap = ui_wrap_cache_new();   /* NULL (out of memory): each frame wraps anew */
    a->default_lang = cfg->default_lang;
    a->lang = cfg->default_lang;
    a->last_input_ms = now_ms;
    if (osk_init(&a->osk, OSK_PINYIN, NULL, cfg->handwriting_model[0] ? cfg->handwriting_model
                                                                       : NULL) < 0) {
        free(a);
        return NULL;
    }
    if (tm->has_glyph)
        osk_set_filter(&a->osk, tm->has_glyph, tm->ctx);
    rl_init(&a->rl, cfg->rate_burst, (int64_t)cfg->rate_refill_s * 1000, now_ms);
    rl_init(&a->rate_rl, cfg->rate_burst, (int64_t)cfg->rate_refill_s * 1000, now_ms);
    config_staff_pin_path(&cfg->staff, cfg->data_dir, a->pin_path, sizeof a->pin_path);
    config_staff_audit_path(&cfg->staff, cfg->data_dir, a->audit_path, sizeof a->audit_path);
    app_topics(a, cfg->topics);
    a->shown_minute = now_ms / 60000;
    app_home(a);
    app_resize(a, w, h);
    app_set_content(a, content);
    a->next_change_s = sched_next_change(a->content, now_ms / 1000);
    return a;
}

void app_destroy(App *a)
{
    if (!a)
        return;
    app_rate_commit(a, a->last_input_ms);   /* a rating tapped just before closing */
    app_draft_wipe(a);
    reply_poll(a, true);   /* no check's thread outlives the kiosk */
    forget_all(a);
    osk_free(&a->osk);
    ui_wrap_cache_free(a->wrap);
    content_free(a->content);
    free(a);
}

const Content *app_content(const App *a)
{
    return a->content;
}

void app_set_content(App *a, Content *content)
{
    ui_wrap_cache_clear(a->wrap);   /* its key is the old texts' addresses */
    content_free(a->content);
    a->content = content;
    a->next_change_s = 0;   /* recomputed on the next tick */
    if (a->screen == SCREEN_PICTURE && !app_picture(a))
        pop(a);
    if (a->screen == SCREEN_NOTICE && !(content && content_find_notice(content, a->item)))
        pop(a);
    if (a->screen == SCREEN_EVENT && !(content && content_find_event(content, a->item)))
        pop(a);
    refresh_all(a);
}

void app_set_images(App *a, struct ImgCache *images)
{
    a->images = images;
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

bool app_open_item(App *a, const char *id, int64_t now_ms)
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
    app_go(a, notice ? SCREEN_NOTICE : SCREEN_EVENT, now_ms);
    snprintf(a->item, sizeof a->item, "%s", item);
    return true;
}

/* Dispatch a tap on control `id`. Returns true if anything handled it. */
static bool tap(App *a, const char *id, int64_t now_ms)
{
    ScreenInput in = {id, NULL, NULL};
    if (a->draft.dialog != DIALOG_NONE) {
        screen_suggest_dialog.on_input(a, &in, now_ms);   /* dialogs are modal */
        return true;
    }
    if (strcmp(id, "contrast") == 0) {
        a->contrast = !a->contrast;
        return true;
    }
    if (strcmp(id, "textsize") == 0) {
        a->large_text = !a->large_text;
        memset(a->scroll, 0, sizeof a->scroll);   /* lengths change: start at the top */
        return true;
    }
    if (strcmp(id, "lang") == 0) {
        a->lang = a->lang == LANG_ZH ? LANG_EN : LANG_ZH;
        return true;
    }
    const Screen *s = screens[a->screen];
    if (s->on_input && s->on_input(a, &in, now_ms))
        return true;
    if (strcmp(id, "home") == 0) {
        app_home(a);
        return true;
    }
    if (strcmp(id, "back") == 0) {
        app_back(a);
        return true;
    }
    return false;
}

bool app_activate(App *a, const char *id, int64_t now_ms)
{
    a->last_input_ms = now_ms;
    a->down = false;
    return tap(a, id, now_ms);
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

/* The corner hold's progress is shown after HOLD_SHOW_MS (a tap on a
 * control there shows nothing), in HOLD_STEPS steps. */
#define HOLD_SHOW_MS 500
#define HOLD_STEPS 10

/* The step of the corner hold's progress to show: 0 (none) to HOLD_STEPS. */
static int hold_step(const App *a, int64_t now_ms)
{
    if (!a->staff.corner_active || !a->down)
        return 0;
    int64_t held = now_ms - a->staff.corner_down_ms;
    int64_t hold = (int64_t)a->cfg->staff.gesture_hold_s * 1000;
    if (held < HOLD_SHOW_MS || hold <= 0)
        return 0;
    int64_t st = held * HOLD_STEPS / hold;
    return st < 1 ? 1 : st > HOLD_STEPS ? HOLD_STEPS : (int)st;
}

/* The hidden staff gesture's corner: a 120 dp square. */
static bool in_corner(const App *a, int x, int y)
{
    int c = (int)(120 * a->dp);
    bool left = a->cfg->staff.gesture_corner == CONFIG_CORNER_TOP_LEFT ||
                a->cfg->staff.gesture_corner == CONFIG_CORNER_BOTTOM_LEFT;
    bool top = a->cfg->staff.gesture_corner == CONFIG_CORNER_TOP_LEFT ||
               a->cfg->staff.gesture_corner == CONFIG_CORNER_TOP_RIGHT;
    bool hx = left ? x < c : x >= a->w - c;
    bool hy = top ? y < c : y >= a->h - c;
    return hx && hy;
}

/* Offer a pointer event to the screen (a finger writing on the pad). */
static bool to_screen(App *a, const Input *in, const DrawList *frame, int64_t now_ms)
{
    const Screen *s = screens[a->screen];
    ScreenInput si = {NULL, in, frame};
    return s->on_input && s->on_input(a, &si, now_ms);
}

bool app_input(App *a, const Input *in, const DrawList *frame, int64_t now_ms)
{
    a->last_input_ms = now_ms;
    int slop = (int)(TAP_SLOP_DP * a->dp) + 1;
    switch (in->kind) {
    case IN_DOWN: {
        a->staff.corner_active = in_corner(a, in->x, in->y);
        a->staff.corner_down_ms = now_ms;
        if (a->screen == SCREEN_ATTRACT || a->screen == SCREEN_NIGHT) {
            /* The first touch only wakes the kiosk: nothing under it fires. */
            app_go(a, SCREEN_HOME, now_ms);
            a->swallow = true;
            a->down = true;
            a->dragging = false;
            a->press_id[0] = a->drag_id[0] = '\0';
            return true;
        }
        if (a->draft.dialog == DIALOG_STILL_THERE) {
            a->draft.dialog = DIALOG_NONE;   /* any touch: the resident is here */
            a->down = false;
            return true;
        }
        if (frame && to_screen(a, in, frame, now_ms)) {
            a->down = true;
            a->captured = true;
            a->press_id[0] = '\0';
            return true;
        }
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
        if (!a->down || a->swallow) {
            int dx = in->x - a->down_x, dy = in->y - a->down_y;
            if (a->swallow && dx * dx + dy * dy > slop * slop)
                a->staff.corner_active = false;
            return false;
        }
        if (a->captured) {
            to_screen(a, in, frame, now_ms);
            return true;
        }
        int dx = in->x - a->down_x, dy = in->y - a->down_y;
        if (dx * dx + dy * dy > slop * slop)
            a->staff.corner_active = false;   /* the hold must stay put */
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
        a->staff.corner_active = false;
        if (a->swallow) {
            a->swallow = false;
            a->down = false;
            return false;
        }
        if (!a->down)
            return false;
        a->down = false;
        if (a->captured) {
            a->captured = false;
            to_screen(a, in, frame, now_ms);
            return true;
        }
        bool redraw = a->press_id[0] != '\0';
        if (!a->dragging && a->press_id[0]) {
            const char *id = frame ? dl_hit_test(frame, in->x, in->y) : NULL;
            if (id && strcmp(id, a->press_id) == 0)
                tap(a, id, now_ms);
        }
        a->dragging = false;
        a->press_id[0] = '\0';
        return redraw;
    }
    case IN_DOWN2:
    case IN_MOVE2:
    case IN_UP2:
        /* A second finger: the screen holding the pointer may pinch; on
         * anything else it only turns the press into no tap. */
        if (!a->down || a->swallow)
            return false;
        if (a->captured)
            return to_screen(a, in, frame, now_ms);
        if (in->kind == IN_DOWN2 && a->press_id[0]) {
            a->press_id[0] = '\0';
            return true;
        }
        return false;
    }
    return false;
}

static bool at_rest(const App *a)
{
    return (a->screen == SCREEN_ATTRACT || a->screen == SCREEN_NIGHT) &&
           a->lang == a->default_lang && !a->down && !a->contrast && !a->large_text &&
           a->draft.dialog == DIALOG_NONE;
}

/* In the flow: after suggest_idle_s untouched, "Still there?"; after the
 * countdown the draft, the contact and the engines are wiped. */
static bool flow_tick(App *a, int64_t now_ms)
{
    if (a->draft.dialog == DIALOG_STILL_THERE) {
        if (now_ms >= a->draft.still_deadline_ms) {
            app_home(a);
            a->lang = a->default_lang;
            a->contrast = false;
            a->large_text = false;
        }
        return true;   /* the countdown changes every second */
    }
    if (now_ms - a->last_input_ms >= (int64_t)a->cfg->suggest_idle_s * 1000) {
        a->draft.dialog = DIALOG_STILL_THERE;
        a->draft.still_deadline_ms = now_ms + (int64_t)a->cfg->still_there_s * 1000;
        a->down = a->dragging = a->captured = false;
        return true;
    }
    return false;
}

bool app_settle(App *a)
{
    return reply_poll(a, true);
}

bool app_tick(App *a, int64_t now_ms)
{
    bool redraw = reply_poll(a, false);   /* a reply check done: its answer */
    int64_t idle_ms = (int64_t)a->cfg->idle_timeout_s * 1000;
    if (a->staff.corner_active && a->down &&
        now_ms - a->staff.corner_down_ms >= (int64_t)a->cfg->staff.gesture_hold_s * 1000) {
        a->staff.corner_active = false;
        a->down = a->dragging = a->captured = false;
        a->press_id[0] = '\0';
        app_home(a);                /* whatever a resident left is wiped */
        a->last_input_ms = now_ms;
        app_go(a, SCREEN_STAFF_PIN, now_ms);
        a->staff.shown_hold_step = 0;
        return true;
    }
    if (a->rate_pending) {
        /* The few seconds to change a rating: a countdown, then it is stored. */
        if (now_ms >= a->rate_commit_ms)
            app_rate_commit(a, now_ms);
        redraw = true;
    }
    int step = hold_step(a, now_ms);
    if (step != a->staff.shown_hold_step) {
        a->staff.shown_hold_step = step;   /* the hold's progress moves on, or goes */
        redraw = true;
    }
    if (a->screen == SCREEN_STAFF_PIN) {
        int64_t left = app_staff_lock_left_s(a, now_ms);
        if (left != a->staff.shown_lock_s) {
            a->staff.shown_lock_s = left;   /* the lock's countdown, each second */
            redraw = true;
        }
    }
    if (app_is_staff(a->screen)) {
        if (now_ms - a->last_input_ms >= (int64_t)a->cfg->staff.session_idle_s * 1000) {
            app_staff_sign_out(a, "idle", now_ms);
            a->lang = a->default_lang;
            a->contrast = false;
            a->large_text = false;
            redraw = true;
        }
    } else if (app_in_flow(a->screen) || a->draft.dialog == DIALOG_STILL_THERE) {
        redraw = flow_tick(a, now_ms);
    } else if (!at_rest(a) && now_ms - a->last_input_ms >= idle_ms) {
        app_home(a);
        a->lang = a->default_lang;
        a->contrast = false;
        a->large_text = false;
        a->down = a->dragging = false;
        rest(a, now_ms);
        redraw = true;
    } else if (at_rest(a)) {
        /* Night begins or ends; the carousel and the burn-in shift move. */
        ScreenId was = a->screen;
        rest(a, now_ms);
        if (a->screen != was)
            redraw = true;
        int64_t slide = app_slide(a, now_ms);
        if (slide != a->shown_slide) {
            a->shown_slide = slide;
            redraw = true;
        }
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
    if (a->staff.corner_active && a->down) {
        int64_t hold = (int64_t)a->cfg->staff.gesture_hold_s * 1000;
        int64_t t = a->staff.corner_down_ms + hold;
        /* The progress shown while the corner is held: its next step. */
        int64_t held = now_ms - a->staff.corner_down_ms;
        int64_t s = held < HOLD_SHOW_MS ? a->staff.corner_down_ms + HOLD_SHOW_MS
                  : a->staff.corner_down_ms + (held / (hold / HOLD_STEPS) + 1) * (hold / HOLD_STEPS);
        if (s < t)
            t = s;
        if (t < next)
            next = t;
    }
    if (a->rate_pending) {
        int64_t left = a->rate_commit_ms - now_ms;   /* the countdown's next second */
        int64_t t = left <= 0 ? now_ms : now_ms + (left % 1000 ? left % 1000 : 1000);
        if (t < next)
            next = t;
    }
    if (a->screen == SCREEN_STAFF_PIN && app_staff_lock_left_s(a, now_ms) > 0) {
        int64_t left = a->staff.locked_until_ms - now_ms;   /* the countdown's next second */
        int64_t t = now_ms + (left % 1000 ? left % 1000 : 1000);
        if (t < next)
            next = t;
    }
    if (app_is_staff(a->screen)) {
        int64_t t = a->last_input_ms + (int64_t)a->cfg->staff.session_idle_s * 1000;
        if (t < next)
            next = t;
    } else if (a->draft.dialog == DIALOG_STILL_THERE) {
        int64_t left = a->draft.still_deadline_ms - now_ms;  /* whole-second steps */
        int64_t step = left > 0 ? (left % 1000 ? left % 1000 : 1000) : 0;
        if (now_ms + step < next)
            next = now_ms + step;
    } else if (app_in_flow(a->screen)) {
        int64_t idle = a->last_input_ms + (int64_t)a->cfg->suggest_idle_s * 1000;
        if (idle < next)
            next = idle;
    } else if (!at_rest(a)) {
        int64_t idle = a->last_input_ms + (int64_t)a->cfg->idle_timeout_s * 1000;
        if (idle < next)
            next = idle;
    } else if (a->screen == SCREEN_ATTRACT ||
               (a->screen == SCREEN_NIGHT && !a->cfg->night_blank)) {
        /* The next slide (the dimmed night shows the carousel too). */
        int64_t since = now_ms - a->attract_since_ms;
        int64_t slide = now_ms + (ATTRACT_SLIDE_MS - (since % ATTRACT_SLIDE_MS + ATTRACT_SLIDE_MS) %
                                                      ATTRACT_SLIDE_MS);
        if (slide < next)
            next = slide;
    }
    if (a->next_change_s > 0 && a->next_change_s * 1000 < next)
        next = a->next_change_s * 1000;
    if (a->reply_job && now_ms + REPLY_POLL_MS < next)
        next = now_ms + REPLY_POLL_MS;   /* look in on the reply check */
    int64_t d = next - now_ms;
    return d < 0 ? 0 : d;
}

/* While the hidden corner is held: a card that fills up, so staff know
 * the hold is working and how long is left. */
static void hold_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int step = hold_step(a, now_ms);
    if (step == 0)
        return;
    const Theme *th = app_theme(a);
    int w = (int)(640 * a->dp), h = (int)(220 * a->dp);   /* the hold card: one-off */
    if (w > a->w - (int)(40 * a->dp))
        w = a->w - (int)(40 * a->dp);
    Rect card = {(a->w - w) / 2, (a->h - h) / 2, w, h};
    dl_rect(dl, card, th->primary);
    int pad = (int)(DP_GAP_L * a->dp);
    int isz = (int)(56 * a->dp * (a->large_text ? 1.4 : 1.0));
    int tsz = (int)(DP_T_SMALL * a->dp * (a->large_text ? 1.4 : 1.0));
    dl_text(dl, card.x + pad, card.y + pad, FONT_ICON, isz, th->on_primary, ICON_LOCK, -1);
    ui_para(a, dl, card.x + 2 * pad + isz, card.y + pad, card.w - 3 * pad - isz, FONT_BOLD, tsz,
            tsz * 3 / 2, th->on_primary, i18n_get(a->i18n, a->lang, "staff.hold"));
    Rect bar = {card.x + pad, card.y + card.h - pad - (int)(24 * a->dp), card.w - 2 * pad,
                (int)(24 * a->dp)};
    dl_frame(dl, bar, th->on_primary, (int)(3 * a->dp) + 1);
    dl_rect(dl, (Rect){bar.x, bar.y, bar.w * step / HOLD_STEPS, bar.h}, th->on_primary);
}

void app_view(const App *a, DrawList *dl, int64_t now_ms)
{
    dl_set_clear(dl, app_theme(a)->bg);
    screens[a->screen]->view(a, dl, now_ms);
    if (a->draft.dialog != DIALOG_NONE)
        screen_suggest_dialog.view(a, dl, now_ms);
    hold_view(a, dl, now_ms);
}

int app_open(App *a, const char *name)
{
    int64_t now_ms = a->last_input_ms;
    const char *colon = strchr(name, ':');
    size_t len = colon ? (size_t)(colon - name) : strlen(name);
    for (int s = 0; s < SCREEN_COUNT; s++) {
        const char *sn = screens[s]->name;
        if (strlen(sn) != len || strncmp(sn, name, len) != 0)
            continue;
        if (!colon) {
            if (s == SCREEN_NOTICE || s == SCREEN_EVENT)
                return -1;
            app_home(a);
            if (s == SCREEN_HOME)
                return 0;
            if (app_in_flow((ScreenId)s) || s == SCREEN_SUGGEST_SENT) {
                /* A flow step opens over the steps before it, each through
                 * its entry action as a resident's taps would open it. */
                for (int step = SCREEN_SUGGEST; step < s; step++) {
                    if (!app_go(a, (ScreenId)step, now_ms)) {
                        app_home(a);
                        return -1;
                    }
                    if (step == SCREEN_SUGGEST && a->ntopics > 0)
                        snprintf(a->draft.topic, sizeof a->draft.topic, "%s", a->topics[0]);
                }
            }
            if (!app_go(a, (ScreenId)s, now_ms)) {
                app_home(a);
                return -1;
            }
            return 0;
        }
        break;
    }
    if (!colon)
        return -1;
    /* notice:ID and event:ID open the detail over its list. */
    const char *id = colon + 1;
    bool notice = strncmp(name, "notice:", 7) == 0;
    bool event = strncmp(name, "event:", 6) == 0;
    if ((!notice && !event) || !a->content ||
        (notice && !content_find_notice(a->content, id)) ||
        (event && !content_find_event(a->content, id)))
        return -1;
    app_home(a);
    app_go(a, notice ? SCREEN_NOTICES : SCREEN_EVENTS, now_ms);
    return app_open_item(a, name, now_ms) ? 0 : -1;
}

void app_clock_step(App *a, int64_t delta_ms)
{
    int64_t *const at[] = {&a->last_input_ms, &a->attract_since_ms, &a->rate_commit_ms,
                           &a->draft.still_deadline_ms, &a->staff.corner_down_ms,
                           &a->staff.locked_until_ms, &a->picture.tap_ms};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        if (*at[i] != 0)   /* 0: not set */
            *at[i] += delta_ms;
}
