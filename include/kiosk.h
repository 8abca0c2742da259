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

typedef struct Kiosk {
    Config cfg;
    Store *store;
    I18n *i18n;
    Outbox *outbox;               /* suggestions; NULL if it could not open */
    Pinyin *pinyin;               /* NULL if the dictionary is missing */
    Uploader *uploader;           /* upload, sync, heartbeat; NULL if it could not start */
    App *app;
    DrawList frame;               /* the last frame drawn (hit testing) */
    int64_t serial;               /* content serial the app shows */
    int64_t next_poll_ms;
    char content_error[512];      /* why the last import or load failed */
    int64_t next_info_ms;         /* when to refresh the staff panel's figures */
    int64_t next_retry_ms;        /* a read-only (full) database: next try to reopen it */
    bool quit;                    /* staff chose to leave the kiosk */
    struct StaffExport *export_job; /* an export to a USB drive, running */
} Kiosk;

/* Find the directory holding assets/ and fonts/: cfg->share_dir if set,
 * else the parent of the program's directory (a source checkout), else
 * /usr/share/lobby-kiosk. Writes it into buf; returns 0 or -1 if none has
 * assets/i18n/strings.ini. */
int kiosk_find_share_dir(const Config *cfg, const char *argv0, char *buf, size_t n);

/* Open the database in cfg->data_dir, import `content_file` if not NULL
 * (an invalid file is reported in content_error and the last good content
 * stays), load the strings from share_dir and create the app.
 * Returns 0, or -1 with a message in err (nothing to close then). */
int kiosk_open(Kiosk *k, const Config *cfg, const char *share_dir,
               const char *content_file, const TextMeasure *tm,
               int w, int h, int64_t now_ms, char *err, size_t errlen);
void kiosk_close(Kiosk *k);

/* Look for content imported since the last look (at most once every
 * content_poll_s unless `force`); swaps it into the app. Returns true when
 * the content changed. */
bool kiosk_poll_content(Kiosk *k, int64_t now_ms, bool force);

/* Carry out what staff asked for on the screen (upload now, export,
 * reload, default language, leave) and keep the staff panel's figures
 * fresh while it is shown. Returns true when the screen must be redrawn. */
bool kiosk_service(Kiosk *k, int64_t now_ms);

/* Rebuild k->frame from the app's state. */
void kiosk_view(Kiosk *k, int64_t now_ms);

#endif
