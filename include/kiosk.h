/* kiosk.h - one running kiosk: settings, database, strings, app, and the
 * watch for newly imported content. The platform layer drives it. */
#ifndef KIOSK_H
#define KIOSK_H

#include <stdbool.h>
#include <stdint.h>
#include "app.h"
#include "config.h"
#include "drawlist.h"
#include "i18n.h"
#include "outbox.h"
#include "pinyin.h"
#include "store.h"
#include "uploader.h"
#include "wallclock.h"

/* One running kiosk (opaque): settings, database, strings, outbox, input
 * engines, uploader, app and the last frame drawn. */
typedef struct Kiosk Kiosk;

/* Find the directory holding assets/ and fonts/: cfg->share_dir if set,
 * else the parent of the program's directory (a source checkout), else
 * /usr/share/lobby-kiosk. Writes it into buf; returns 0 or -1 if none has
 * assets/i18n/strings.ini. */
int kiosk_find_share_dir(const Config *cfg, const char *argv0, char *buf, size_t n);

/* Open the database in cfg->data_dir, import `content_file` if not NULL
 * (an invalid file is reported by kiosk_content_error and the last good
 * content stays), load the strings from share_dir and create the app.
 * Returns the kiosk (the caller closes it), or NULL with a message in err.
 * cfg is copied; tm must outlive the kiosk. */
Kiosk *kiosk_open(const Config *cfg, const char *share_dir, const char *content_file,
                  const TextMeasure *tm, int w, int h, int64_t now_ms, char *err,
                  size_t errlen);
/* Stop the uploader, wait for a running export, free everything; NULL accepted. */
void kiosk_close(Kiosk *k);

/* Look for content imported since the last look (at most once every
 * content_poll_s unless `force`); swaps it into the app. Returns true when
 * the content changed. */
bool kiosk_poll_content(Kiosk *k, int64_t now_ms, bool force);

/* Carry out what staff asked for on the screen (upload now, export,
 * reload, default language, leave) and keep the staff panel's figures
 * fresh while it is shown. Returns true when the screen must be redrawn. */
bool kiosk_service(Kiosk *k, int64_t now_ms);

/* Let every timer run once: new content, the app's timers, staff requests,
 * the input engines' load after the first frame (kiosk_shown).
 * Returns true when the screen must be redrawn. */
bool kiosk_tick(Kiosk *k, int64_t now_ms);

/* Milliseconds from now_ms until kiosk_tick has something to do (>= 0):
 * the app's next timer or the next content poll, and at most 250 ms while
 * an export runs. */
int64_t kiosk_next_timeout(const Kiosk *k, int64_t now_ms);

/* Rebuild the frame (kiosk_frame) from the app's state. */
void kiosk_view(Kiosk *k, int64_t now_ms);

/* The frame has been shown: the heartbeat reports its hash and whether
 * the screen is in its day or night state. The first starts the network
 * worker (uploader_launch: its thread loads libcurl, so kiosk_open never
 * does), and the next kiosk_tick starts loading the pinyin engine on a
 * thread of its own (kiosk_next_timeout is 0 until then), so neither
 * delays that frame. A kiosk that never shows a frame (a screenshot)
 * never goes online. */
void kiosk_shown(Kiosk *k);

/* The believed time (wallclock.h; docs/OPERATIONS.md, "The clock").
 * kiosk_clock_boot: before kiosk_open, load DATA_DIR/clock and judge the
 * system clock sys_ms; returns the time to start from. kiosk_clock_attach:
 * the kiosk then applies the policy in kiosk_clock, which takes the
 * office's Date from the uploader, raises or clears the staff flag
 * clock_not_set, saves the time every 10 minutes and returns the time to
 * pass to kiosk_tick and kiosk_view. Without attach (a fixed --now, tests)
 * kiosk_clock returns sys_ms. kiosk_wallclock: the state, NULL unattached. */
int64_t kiosk_clock_boot(const Config *cfg, Wallclock *w, int64_t sys_ms, int64_t mono_ms);
void kiosk_clock_attach(Kiosk *k, const Wallclock *w, int64_t mono_ms);
int64_t kiosk_clock(Kiosk *k, int64_t sys_ms, int64_t mono_ms);
const Wallclock *kiosk_wallclock(const Kiosk *k);

/* The last frame built by kiosk_view (hit testing, drawing, dumps). */
const DrawList *kiosk_frame(const Kiosk *k);

/* The app the kiosk drives (input, resize, opening a screen). */
App *kiosk_app(Kiosk *k);
/* The picture cache the screens and the renderer use (NULL: none). */
struct ImgCache *kiosk_images(Kiosk *k);

/* Staff chose "leave the kiosk": the program should exit. */
bool kiosk_quit_requested(const Kiosk *k);

/* Whether an export to a USB drive is still being written. */
bool kiosk_exporting(const Kiosk *k);

/* Why the last content import or load failed, "" when it did not. */
const char *kiosk_content_error(const Kiosk *k);

/* The suggestion outbox (NULL if it could not open), the database, the
 * pinyin engine (NULL if its dictionary is missing) and the network worker
 * (NULL if it could not start); owned by the kiosk. */
Outbox *kiosk_outbox(Kiosk *k);
Store *kiosk_store(Kiosk *k);
Pinyin *kiosk_pinyin(Kiosk *k);
Uploader *kiosk_uploader(Kiosk *k);

#endif
