/* app.h - the kiosk's state machine: screens, navigation, input, timers.
 *
 * Plain C with no SDL: the platform layer feeds Inputs and the time in, and
 * draws what app_view() appends to a DrawList. Taps are hit-tested against
 * the last frame's regions, so layout lives only in the views. */
#ifndef APP_H
#define APP_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "content.h"
#include "drawlist.h"
#include "i18n.h"
#include "measure.h"

typedef enum {
    SCREEN_HOME, SCREEN_NOTICES, SCREEN_NOTICE, SCREEN_EVENTS, SCREEN_EVENT,
    SCREEN_SUGGEST, SCREEN_SUGGEST_WRITE, SCREEN_SUGGEST_CONTACT,
    SCREEN_SUGGEST_REVIEW, SCREEN_SUGGEST_SENT,
    SCREEN_STAFF_PIN, SCREEN_STAFF,
    SCREEN_CONNECT, SCREEN_REPLY, SCREEN_BOARD, SCREEN_PICTURE,
    SCREEN_ATTRACT, SCREEN_NIGHT,
    SCREEN_COUNT
} ScreenId;

/* IN_DOWN, IN_MOVE, IN_UP: the pointer (the first finger down, or the
 * mouse). IN_DOWN2, IN_MOVE2, IN_UP2: a second finger while the first is
 * down (a pinch); further fingers are not reported. When the first finger
 * lifts before the second, only its IN_UP comes: it ends the gesture. */
typedef enum { IN_DOWN, IN_MOVE, IN_UP, IN_DOWN2, IN_MOVE2, IN_UP2 } InputKind;

/* A pointer event in window pixels (touch or mouse, already merged). */
typedef struct { InputKind kind; int x, y; } Input;

typedef struct App App;
typedef struct Outbox Outbox;
typedef struct Pinyin Pinyin;

#define STAFF_FLAGS_MAX 8

/* The upload worker as the staff panel says it. */
typedef enum {
    STAFF_UP_NOT_SET,        /* no upload_url: suggestions stay until exported */
    STAFF_UP_BROKEN,         /* configured, but the worker could not start */
    STAFF_UP_ON,
} StaffUpload;

/* One warning for staff: a code the panel turns into a sentence in the
 * shown language (staff.flag.<code> in the strings), never raw text. */
typedef struct {
    char code[32];           /* outbox flag name, content_rejected, content_sync,
                              * channel_expiring, pictures_refused */
    char since[11];          /* local date first raised (YYYY-MM-DD); "" unknown */
    char channel[40];        /* channel_expiring: the channel's id */
    int64_t at_s;            /* channel_expiring: when the code expires */
    int count;               /* pictures_refused: how many pictures */
} StaffFlag;

/* What the staff panel shows, gathered by the kiosk (never any resident
 * text). Figures and codes only: the panel words them in the language on
 * screen. */
typedef struct {
    bool valid;
    int64_t waiting, delivered, dead, exported;
    int oldest_waiting_days;         /* -1 when nothing waits */
    StaffUpload upload;
    int64_t upload_last_ok_s;        /* 0 never */
    int64_t upload_next_s;           /* 0 none planned */
    bool upload_failed;              /* the last pass did not deliver */
    bool content_present;
    int64_t content_imported_s;      /* when the content shown was stored */
    StaffFlag flags[STAFF_FLAGS_MAX];
    int nflags;
    int64_t free_disk_bytes;         /* -1 when unknown */
} StaffInfo;

/* What staff asked for on the panel, for the kiosk to carry out. */
typedef enum {
    STAFF_REQ_NONE, STAFF_REQ_UPLOAD, STAFF_REQ_EXPORT, STAFF_REQ_RELOAD,
    STAFF_REQ_LANG, STAFF_REQ_QUIT
} StaffRequest;

/* Create the app for a w x h screen. cfg, i18n and tm must outlive it.
 * `content` may be NULL (nothing imported yet); ownership passes to the app.
 * Returns NULL on allocation failure. */
App *app_create(const Config *cfg, const I18n *i18n, const TextMeasure *tm,
                Content *content, int w, int h, int64_t now_ms);
void app_destroy(App *a);   /* NULL accepted */

/* Replace the content (ownership passes to the app; NULL accepted). A detail
 * screen whose item is gone returns to its list. */
void app_set_content(App *a, Content *content);
const Content *app_content(const App *a);

struct ImgCache;
/* Where the screens look up pictures (not owned; NULL: none are shown). A
 * picture is shown once the cache holds it; until then its item shows its
 * text alone (never an empty frame). */
void app_set_images(App *a, struct ImgCache *images);

void app_resize(App *a, int w, int h);

/* Feed one input. `frame` is the last frame drawn (for hit testing).
 * Returns true when the screen must be redrawn. */
bool app_input(App *a, const Input *in, const DrawList *frame, int64_t now_ms);

/* Press the control with this id, as a tap on it would. Returns false if no
 * such control exists on the current screen. */
bool app_activate(App *a, const char *id, int64_t now_ms);

/* Let timers run (idle timeout, clock, schedule changes). Returns true when
 * the screen must be redrawn. */
bool app_tick(App *a, int64_t now_ms);

/* Milliseconds from now_ms until app_tick has something to do (>= 0). */
int64_t app_next_timeout(const App *a, int64_t now_ms);

/* Wait for the work the screen waits on off the UI thread (a reply check
 * on a sealed feed) and take its result, as app_tick would once it is
 * done: for scripts played on a virtual clock and for tests. True when
 * the screen must be redrawn. */
bool app_settle(App *a);

/* The clock the app runs on stepped by delta_ms (the office corrected it,
 * wallclock.h): move every moment the app keeps by as much, so each timer
 * (idle, countdowns, the carousel, the rating's undo, the PIN lock) keeps
 * what was left of it instead of firing at once or days late. */
void app_clock_step(App *a, int64_t delta_ms);

/* Draw the current screen into dl (which the caller reset). */
void app_view(const App *a, DrawList *dl, int64_t now_ms);

/* Open a screen by name (any screen's name, notice:ID, event:ID) from
 * home, through app_go as taps would: a flow step over the steps before it,
 * a detail over its list, each screen's entry action run at the app's
 * clock (the last input). Returns 0, or -1 if the name or id is unknown
 * (state unchanged) or a screen refuses to open (then home shows). */
int app_open(App *a, const char *name);

/* Give the app the suggestion outbox and the pinyin engine (not owned;
 * either may be NULL: the flow then explains that it is unavailable). */
void app_attach_inputs(App *a, Outbox *ob, Pinyin *py);

/* Pause (or resume) taking suggestions and ratings: while paused the home
 * tile says so, the suggestion screen explains it instead of offering
 * topics, and the rating is not offered (a full or read-only disk: the
 * kiosk could not save them). Both languages come from the strings file
 * (home.suggest_paused, suggest.paused_title, suggest.paused_body). */
void app_set_suggest_paused(App *a, bool paused);
bool app_suggest_paused(const App *a);

/* The draft being written (for tests). */
const char *app_draft_text(const App *a);
/* The receipt code of the last suggestion sent, "" if none. */
const char *app_last_receipt(const App *a);

/* Staff mode (the hidden gesture, the PIN pad and the panel). The app asks
 * the kiosk to carry out what needs more than the core has (uploading,
 * exporting, reloading, leaving): the kiosk takes the request (once),
 * carries it out and reports back with a result line; it refreshes the
 * panel's figures while the panel is shown. */
StaffRequest app_take_staff_request(App *a);
void app_staff_result(App *a, bool ok, const char *msg);
void app_set_staff_info(App *a, const StaffInfo *info);
bool app_staff_visible(const App *a);
/* Whether the staff panel shows and has no figures yet (it was just
 * opened): the kiosk then gives them at once rather than at its next
 * refresh. */
bool app_staff_needs_info(const App *a);
/* The language shown at rest (staff can change it). */
Lang app_default_lang(const App *a);
void app_set_default_lang(App *a, Lang lang);

/* "day", "night" (dimmed) or "night-blank": what the screen shows at rest,
 * for the heartbeat and the staff panel (a scheduled night is no fault). */
const char *app_display_state(const App *a);

ScreenId app_screen(const App *a);
const char *app_screen_name(ScreenId s);
Lang app_lang(const App *a);
void app_set_lang(App *a, Lang lang);

#endif
