/* app_priv.h - the App's state and the screen table, shared by app.c and
 * the screens (core only). Screens change the screen only through
 * app_go, app_back and app_home (tests/test_nav.c checks). */
#ifndef APP_PRIV_H
#define APP_PRIV_H

#include "app.h"
#include "osk.h"
#include "outbox.h"
#include "ratelimit.h"
#include "theme.h"

#define APP_ITEM_ID_MAX 72
#define APP_TOPICS_MAX 16

#define DRAFT_MAX_CHARS 500        /* a suggestion's text */
#define DRAFT_CONTACT_CHARS 100    /* the optional contact */

/* The dialogs of the suggestion flow, drawn over the screen; modal. */
typedef enum {
    DIALOG_NONE,
    DIALOG_CONFIRM_LEAVE,   /* leaving a step with text on it */
    DIALOG_STILL_THERE,     /* idle in the flow: countdown to a wipe */
    DIALOG_COMMIT_FAILED,   /* the outbox could not save it: apology, draft kept */
    DIALOG_LIMITED,         /* too many suggestions in a short time */
    DIALOG_QUEUE_FULL       /* the outbox is at its cap */
} AppDialog;

/* The suggestion being written, and its dialog. Wiped (app_draft_wipe)
 * whenever the resident leaves or the kiosk is left alone. */
typedef struct {
    char topic[32];
    char text[DRAFT_MAX_CHARS * 4 + 1];
    char contact[DRAFT_CONTACT_CHARS * 4 + 1];
    bool with_contact;          /* the resident chose to leave a contact */
    AppDialog dialog;
    bool leave_home;            /* the confirm dialog leads home (else back) */
    int64_t still_deadline_ms;  /* when the "still there?" countdown ends */
    char receipt[16];           /* of the suggestion just sent */
} Draft;

/* Staff mode on the screen. */
typedef struct {
    char pin[16];                    /* digits typed on the pad */
    char msg[400];                   /* the pad's or panel's status line */
    bool msg_error;
    int64_t corner_down_ms;          /* when a finger went down in the corner */
    bool corner_active;
    StaffRequest req;                /* for the kiosk to carry out */
    StaffInfo info;
    bool quit;                       /* "leave the kiosk" asked once: confirm */
    int64_t locked_until_ms;         /* the pad is locked until then (0: not locked) */
    int64_t shown_lock_s;            /* the countdown's second on screen */
    int shown_hold_step;             /* the corner hold's progress on screen (0: none) */
} StaffState;

/* Where a picture on screen comes from. */
typedef enum { PIC_NOTICE, PIC_EVENT, PIC_BOARD } PictureOwner;

/* The picture viewer (screen_picture.c): which picture, its zoom and the
 * finger gestures on it. The zoom is relative to the whole picture fitted
 * to the screen; (cx, cy) is the picture's point (in its own pixels) at
 * the middle of the view, clamped so the picture never leaves a gap it
 * could fill. */
typedef struct {
    PictureOwner owner;
    char item[APP_ITEM_ID_MAX];      /* the notice, event or board item */
    int index;                       /* in its images[] */
    double zoom;                     /* 1 (fitted) to PIC_ZOOM_MAX */
    double cx, cy;
    /* Gestures: the first finger (x1, y1) and the second (x2, y2). */
    bool tracking, two, moved, pinched;
    int down_x, down_y, x1, y1, x2, y2;
    double pinch_span, pinch_zoom, anchor_x, anchor_y;
    bool tap_armed;                  /* a single tap at tap_ms: a second makes a double */
    int64_t tap_ms;
    int tap_x, tap_y;
} PictureState;

struct App {
    const Config *cfg;
    const I18n *i18n;
    const TextMeasure *tm;
    struct UiWrapCache *wrap;     /* owned: a detail body's lines (ui.c); NULL: none kept */
    Content *content;             /* owned; NULL when nothing is imported */
    struct ImgCache *images;      /* pictures (not owned); NULL: none shown */
    int w, h;
    double dp;                    /* pixels per dp: short side / 1080 */
    Lang lang;
    Lang default_lang;            /* at rest; staff may change it */
    bool contrast;                /* the high-contrast theme (reset when idle) */
    bool large_text;              /* text 1.4x (reset when idle) */
    bool swallow;                 /* the touch that woke the kiosk does nothing else */
    int64_t shown_slide;          /* the attract slide on screen */
    int64_t attract_since_ms;     /* the carousel starts with its first slide */
    int rated;                    /* this visit: 0 not yet, 1 rated, -1 not saved */
    int rated_score;              /* the score of this visit's rating */
    int rate_pending;             /* a face tapped (1-5), not stored yet: it can be changed */
    int64_t rate_commit_ms;       /* when the pending rating is stored */

    /* Navigation: written only by app_go, app_back and app_home. */
    ScreenId screen;
    ScreenId stack[8];            /* screens to go back to */
    int depth;
    int filter;                   /* notices category filter, -1 = all */
    char item[APP_ITEM_ID_MAX];   /* id shown by a detail screen */
    int scroll[SCREEN_COUNT];     /* vertical scroll offset per screen, px */

    /* Pointer state. */
    bool down, dragging;
    bool captured;                /* the screen holds the pointer (a stroke) */
    char press_id[DL_ID_MAX];     /* control under the finger at DOWN */
    char drag_id[DL_ID_MAX];      /* scroll area being dragged */
    int down_x, down_y, last_y;
    int drag_max;                 /* largest scroll offset of that area */

    /* The suggestion flow. */
    Draft draft;
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
    int reply_state;              /* 0 typing, 1 found, 2 unknown, 3 malformed,
                                     4 checking (reply_job running) */
    char reply_found[9];          /* the code looked up */
    Reply *reply_open;            /* owned: the reply found (reply_state 1) */
    ContentReplyCheck *reply_job; /* owned: a sealed feed's check under way */

    /* The picture viewer. */
    PictureState picture;

    /* Timers. */
    int64_t last_input_ms;        /* the app's idle clock; screens use now_ms */
    int64_t shown_minute;         /* the minute the header clock shows */
    int64_t next_change_s;        /* next schedule boundary */
};

/* What reaches a screen's on_input: a tap on the control `id` (pointer
 * NULL), or the pointer itself (id NULL) for a screen that tracks a finger
 * (the handwriting pad): IN_DOWN with the frame it hit-tests against; a
 * screen that takes the IN_DOWN gets the IN_MOVEs and the IN_UP after it. */
typedef struct {
    const char *id;
    const Input *pointer;
    const DrawList *frame;
} ScreenInput;

/* A screen: its name (app_open, dumps, scroll ids), whether it opens with
 * nothing under it to go back to, its entry action, its input and its view.
 * `enter` (NULL: none) runs when app_go opens the screen and may refuse
 * (returns false: the app stays where it was). `on_input` (NULL: none)
 * returns true when the input was this screen's; the app then handles home,
 * back and the header's toggles. `view` draws the screen at now_ms.
 * For state a screen keeps in the App beyond its visit (NULL: none):
 * `refresh` runs for every screen when new content replaces the old;
 * `forget` runs for every screen when the kiosk goes home and when the app
 * ends, and wipes what a resident left there. */
typedef struct {
    const char *name;
    bool root;
    bool (*enter)(App *a, int64_t now_ms);
    bool (*on_input)(App *a, const ScreenInput *in, int64_t now_ms);
    void (*view)(const App *a, DrawList *dl, int64_t now_ms);
    void (*refresh)(App *a);
    void (*forget)(App *a);
} Screen;

/* The table's entries (app/ui/screens/screen_*.c), and the dialog drawn
 * over the flow while a->draft.dialog is set (screen_suggest.c). */
extern const Screen screen_home, screen_notices, screen_notice,
                    screen_events, screen_event, screen_suggest, screen_suggest_write,
                    screen_suggest_contact, screen_suggest_review, screen_suggest_sent,
                    screen_staff_pin, screen_staff, screen_connect, screen_reply,
                    screen_board, screen_picture, screen_attract, screen_night,
                    screen_suggest_dialog;
/* Store a pending rating now (screen_home.c): when its few seconds to
 * change it are over, or the visit ends, or the kiosk closes. */
void app_rate_commit(App *a, int64_t now_ms);
#define RATE_UNDO_MS 5000

/* A reply check under way (screen_reply.c): when its derivation is done
 * (or at once, waiting for it, when `wait`), the answer is taken and shown.
 * True when the screen changed. */
bool reply_poll(App *a, bool wait);
/* How often app_tick looks in on a reply check under way. */
#define REPLY_POLL_MS 10

/* Whole seconds the staff PIN pad stays locked (screen_staff.c); 0 when it is not. */
int64_t app_staff_lock_left_s(const App *a, int64_t now_ms);

/* ---- navigation: the only writers of screen, stack and depth ---- */

/* Open screen s: its enter action runs first and may refuse (returns
 * false, nothing changes). A root screen replaces the whole stack; any
 * other goes over the current one, scrolled to the top. */
bool app_go(App *a, ScreenId s, int64_t now_ms);
/* Back to the screen under this one (an unfinished composition on the
 * keyboard is dropped); home when there is none. */
void app_back(App *a);
/* Home, with what a resident left wiped: the draft and its receipt, the
 * reply code, the notices filter, the item shown, every scroll offset. */
void app_home(App *a);
/* Open "notice:ID" or "event:ID" in its detail screen over the current one.
 * Returns false when `id` is not such a control or the item is unknown. */
bool app_open_item(App *a, const char *id, int64_t now_ms);

/* Open the picture viewer over the current screen on the picture of a tap
 * on "image:ITEM:N" (the owner says whether ITEM is a notice, an event or
 * a board item). Returns false when `id` is not such a control or the
 * picture is unknown or not in the picture cache (nothing changes). */
bool app_open_picture(App *a, PictureOwner owner, const char *id, int64_t now_ms);
/* The picture the viewer shows, or NULL when it is gone (new content
 * without it). */
const ContentImage *app_picture(const App *a);

/* ---- state shared by app.c and the screens ---- */

/* The colours the views draw with: the App's theme (ui.h's COL_*). */
const Theme *app_theme(const App *a);
/* The attract carousel's step at now_ms: 0 while its first slide shows,
 * one more every ATTRACT_SLIDE_MS after it began (attract_since_ms). */
int64_t app_slide(const App *a, int64_t now_ms);
/* Zero memory that held what someone typed, in a way the compiler keeps. */
void app_wipe(void *p, size_t n);
/* Whether the draft holds anything the resident typed. */
bool app_draft_has_text(const App *a);
/* Wipe the draft, the contact, its dialog and the input engines' state. */
void app_draft_wipe(App *a);
/* Staff mode ends (`why`: "signed out", "idle"; audited when the panel was
 * open): the PIN and the panel's figures are wiped, home is shown. */
void app_staff_sign_out(App *a, const char *why, int64_t now_ms);

static inline bool app_is_staff(ScreenId s)
{
    return s == SCREEN_STAFF_PIN || s == SCREEN_STAFF;
}

/* Whether s is a step of the suggestion flow that holds a draft. */
static inline bool app_in_flow(ScreenId s)
{
    return s >= SCREEN_SUGGEST && s <= SCREEN_SUGGEST_REVIEW;
}

#endif
