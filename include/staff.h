/* staff.h - what the staff screens call: the panel's figures, the PIN with
 * its audit line, export to the USB drive (also on a worker thread),
 * content reload, and audit lines for the other actions.
 *
 * Every function here that does something for staff writes one audit line
 * (audit.h) to the configured audit log with what was done and how it
 * went; never suggestion text. Time comes in as now_s (Unix seconds). */
#ifndef STAFF_H
#define STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "content.h"
#include "export.h"
#include "outbox.h"
#include "pin.h"
#include "store.h"

#define STAFF_MAX_FLAGS 8

/* Upload status, from the uploader (uploader_status(), another module):
 * staff_panel_info leaves it zeroed with known = false; the screen fills
 * it before drawing. */
typedef struct {
    bool known;                 /* false: uploading not configured or not running */
    int64_t last_success_s;     /* 0: never */
    int64_t next_try_s;         /* 0: none planned */
    int64_t last_sync_s;        /* content sync; 0: never */
    char last_error[160];       /* "" if the last attempt succeeded */
} StaffUploadInfo;

typedef struct {
    bool queue_ok;              /* false: the database could not be read */
    OutboxCounts counts;        /* waiting, delivered, dead, exported */
    char oldest_waiting[11];    /* date of the oldest waiting one; "" if none */
    int oldest_waiting_days;    /* its age in whole days; -1 if none */
    OutboxFlag flags[STAFF_MAX_FLAGS];
    int n_flags;                /* how many are in flags[] */
    int more_flags;             /* raised but not in flags[] */
    int64_t free_bytes;         /* free space for the kiosk's data; -1 unknown */
    bool has_content;
    char content_version[17];
    int64_t content_imported_s; /* when it was imported */
    char content_error[160];    /* why the last new content was rejected; "" none */
    bool sealed;                /* submissions are sealed to the office key */
    StaffUploadInfo upload;     /* filled by the caller */
} StaffPanelInfo;

/* Gather the panel's figures. `ob` and `st` may be NULL (those parts stay
 * empty, queue_ok false); content_error may be NULL. Returns 0, or -1 when
 * a part could not be read (the rest is filled). Cheap: a few queries. */
int staff_panel_info(Outbox *ob, Store *st, const char *data_dir, const char *content_error,
                     int64_t now_s, StaffPanelInfo *out);

/* Check a PIN typed on the pad (pin_check on the configured PIN file,
 * ~50 ms) and audit the result. Returns st->result. */
PinResult staff_pin_check(const Config *cfg, const char *pin, int64_t now_s, PinStatus *st);

/* The pad's state before a PIN is typed (pin_state; not audited). */
PinResult staff_pin_state(const Config *cfg, int64_t now_s, PinStatus *st);

/* The export target: [staff] export_dir if set, else the one USB drive
 * under /media (export_find_drive). Returns 0, or -1 with a message. */
int staff_export_target(const Config *cfg, char *out, size_t n, char *msg, size_t msglen);

/* Export the queue to the drive (staff_export_target + export_run) and
 * audit it. Blocks while writing and syncing (seconds on a slow stick):
 * the screen should rather use staff_export_start. Returns 0 (rep filled;
 * rep->rows == 0: nothing to export) or -1; either way msg holds a line
 * for staff in English (build a translated one from rep when rc == 0). */
int staff_export_to_drive(const Config *cfg, int64_t now_s, ExportReport *rep,
                          char *msg, size_t msglen);

/* The same on a worker thread with its own database connection: returns
 * NULL when the thread cannot start (then call staff_export_to_drive).
 * cfg is copied. Poll from the UI loop; staff_export_poll returns true once
 * done and then fills rc (0 or -1), rep and msg. staff_export_free waits
 * for the thread (NULL accepted). */
typedef struct StaffExport StaffExport;
StaffExport *staff_export_start(const Config *cfg, int64_t now_s);
bool staff_export_poll(StaffExport *x, int *rc, ExportReport *rep, char *msg, size_t msglen);
void staff_export_free(StaffExport *x);

/* Reload the stored content (after an import, or to recover the screen):
 * returns 0 with *out owned by the caller (hand it to app_set_content), or
 * -1 with a message (nothing changes). Audited. */
int staff_reload_content(const Config *cfg, Store *st, int64_t now_s, Content **out,
                         char *msg, size_t msglen);

/* One audit line for an action the screens do themselves ("leave",
 * "default_lang", "upload_now", "session_end"). Returns audit_log's result. */
int staff_audit(const Config *cfg, int64_t now_s, const char *action, const char *result);

#endif
