/* app_priv.h - the App's state, shared by app.c and the screens (core only). */
#ifndef APP_PRIV_H
#define APP_PRIV_H

#include "app.h"
#include "osk.h"
#include "outbox.h"
#include "ratelimit.h"
#include "suggest.h"

#define APP_ITEM_ID_MAX 72

struct App {
    const Config *cfg;
    const I18n *i18n;
    const TextMeasure *tm;
    Content *content;             /* owned; NULL when nothing is imported */
    int w, h;
    double dp;                    /* pixels per dp: short side / 1080 */
    Lang lang;
    Lang default_lang;            /* at rest; staff may change it */
    bool contrast;                /* the high-contrast theme (reset when idle) */
    bool large_text;              /* text 1.4x (reset when idle) */
    bool swallow;                 /* the touch that woke the kiosk does nothing else */
    int64_t shown_slide;          /* the attract slide (10 s steps) on screen */
    int64_t attract_since_ms;     /* the carousel starts with its first slide */
    int rated;                    /* this visit: 0 not yet, 1 rated, -1 not saved */

    ScreenId screen;
    ScreenId stack[8];            /* screens to go back to */
    int depth;
    int filter;                   /* notices category filter, -1 = all */
    char item[APP_ITEM_ID_MAX];   /* id shown by a detail screen */
    int scroll[SCREEN_COUNT];     /* vertical scroll offset per screen, px */

    /* Pointer state. */
    bool down, dragging;
    char press_id[DL_ID_MAX];     /* control under the finger at DOWN */
    char drag_id[DL_ID_MAX];      /* scroll area being dragged */
    int down_x, down_y, last_y;
    int drag_max;                 /* largest scroll offset of that area */
    bool inking;                  /* the finger is writing on the pad */
    Rect pad;                     /* the pad's rectangle when the stroke began */

    /* The suggestion flow. */
    Suggest sg;
    Osk osk;
    Outbox *outbox;               /* not owned */
    bool suggest_paused;          /* the kiosk cannot save now: the flow says so */
    RateLimit rl;
    RateLimit rate_rl;            /* ratings: the same flood guard, its own bucket */
    char topics[OUTBOX_MAX_TOPICS][OUTBOX_TOPIC_MAX];   /* app_topics */
    int ntopics;

    /* Staff mode. */
    StaffState staff;
    char pin_path[512], audit_path[512];

    /* Reply lookup. */
    char reply_code[12];          /* symbols typed (no dash) */
    int reply_state;              /* 0 typing, 1 found, 2 unknown, 3 malformed */
    char reply_found[9];          /* the code looked up */
    Reply *reply_open;            /* owned: the reply found (reply_state 1) */

    /* Timers. */
    int64_t last_input_ms;
    int64_t shown_minute;         /* the minute the header clock shows */
    int64_t next_change_s;        /* next schedule boundary */
};

/* A screen: how it draws and what its own controls do. */
typedef struct {
    const char *name;
    void (*view)(const App *a, DrawList *dl, int64_t now_s);
    /* Handle a tap on `id`; returns true if it was this screen's control. */
    bool (*on_tap)(App *a, const char *id);
} Screen;

extern const Screen screen_home, screen_notices, screen_notice,
                    screen_events, screen_event, screen_suggest, screen_suggest_write,
                    screen_suggest_contact, screen_suggest_review, screen_suggest_sent,
                    screen_staff_pin, screen_staff, screen_connect, screen_reply,
                    screen_board, screen_attract, screen_night;

/* Attract mode and the night schedule (screen_attract.c). */
bool attract_is_night(const App *a, int64_t now_s);
/* The burn-in shift for this moment: a few pixels, changing every 5 min. */
void attract_shift(int64_t now_ms, int *dx, int *dy);
/* Where the kiosk goes when left alone: the attract carousel or night. */
void attract_enter(App *a, int64_t now_ms);

/* "Check a reply" (screen_reply.c): look the code in reply_found up again
 * in new content (one key derivation for a sealed feed) / forget the code
 * and the reply (wiped). */
void reply_refresh(App *a);
void reply_forget(App *a);

/* Staff mode hooks used by app.c (screen_staff.c). */
void screen_staff_enter_pad(App *a);
void screen_staff_leave(App *a, const char *why);
static inline bool app_is_staff(ScreenId s)
{
    return s == SCREEN_STAFF_PIN || s == SCREEN_STAFF;
}

/* Whether s is a step of the suggestion flow that holds a draft. */
static inline bool app_in_flow(ScreenId s)
{
    return s >= SCREEN_SUGGEST && s <= SCREEN_SUGGEST_REVIEW;
}

/* Navigation used by screens. */
void app_push(App *a, ScreenId s);
/* Open "notice:ID" or "event:ID" in its detail screen over the current one.
 * Returns false when `id` is not such a control or the item is unknown. */
bool app_open_item(App *a, const char *id);

#endif
