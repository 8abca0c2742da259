/* uploader.h - the background worker that sends the outbox, syncs content
 * and sends heartbeats (docs/PROTOCOL.md). It owns its thread, its SQLite
 * connections and its libcurl handle; the main thread never waits on the
 * network: it talks to the worker only through these calls, each of which
 * takes a mutex for a few memory copies at most.
 *
 * Suggestions wait for a batch: at the configured upload_times (local),
 * once upload_batch_min are waiting, or at uploader_wake(u, true). */
#ifndef UPLOADER_H
#define UPLOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"

typedef struct Uploader Uploader;

/* Start the worker for cfg (its [upload] section and data_dir). When no
 * URL is configured the Uploader exists but starts no thread, and its
 * status says uploading is off. Returns NULL with a message in err when a
 * URL breaks the network policy (http.h), the CA file cannot be read, or
 * the database or thread cannot start. */
Uploader *uploader_start(const Config *cfg, char *err, size_t errlen);

/* uploader_start in two steps, so that a program's first frame comes before
 * libcurl is loaded. uploader_prepare checks what it can without libcurl
 * (upload_times, the CA file readable: NULL with a message as
 * uploader_start) and opens nothing: no thread, no libcurl, no database
 * connection. The status already says what is enabled; `running` stays
 * false until the launch. uploader_launch then starts the thread, which
 * checks the URLs' network policy (libcurl's URL parser), opens libcurl
 * and its connections itself and then works as uploader_start's (its
 * first pass and heartbeat come right after it opened). When any of that
 * fails, the worker stops and the status gives start_error (the summary
 * says "off: WHY"). Idempotent; a no-op when no URL is set; NULL accepted. */
Uploader *uploader_prepare(const Config *cfg, char *err, size_t errlen);
void uploader_launch(Uploader *u);
/* Whether uploader_launch (or uploader_start) started the thread. */
bool uploader_launched(const Uploader *u);

/* Stop the worker and free everything. Returns promptly even while a
 * transfer hangs (the transfer is aborted; the submission stays waiting and
 * is sent again later under the same Idempotency-Key). NULL accepted. */
void uploader_stop(Uploader *u);

/* Look at the queue now instead of at the next timer. With `force` (staff
 * "upload now") a batch opens at once with every waiting suggestion, and
 * content sync runs. NULL accepted. */
void uploader_wake(Uploader *u, bool force);

/* The main loop calls this after each drawn frame with dl_hash of the
 * frame; the heartbeat reports the last hash and when it was drawn.
 * Cheap; NULL accepted. */
void uploader_set_frame_hash(Uploader *u, uint64_t hash);
/* What the screen shows at rest: "day", "night" or "night-blank". A
 * scheduled night is reported as such in the heartbeat, not as a fault. */
void uploader_set_display(Uploader *u, const char *state);
/* The raised staff flags' names, comma-separated (disk_full,database_lost):
 * sent with every heartbeat (docs/PROTOCOL.md); copied. */
void uploader_set_flags(Uploader *u, const char *names);

typedef struct {
    bool upload_enabled;          /* upload_url configured */
    bool content_enabled, heartbeat_enabled;
    bool running;                 /* the worker thread is up */
    int64_t waiting, batched, delivered, dead, exported;   /* counts by state */
    int64_t last_ok_ms;           /* last submission delivered, 0 never */
    int64_t last_try_ms;          /* last upload POST, 0 never */
    int64_t next_try_ms;          /* next upload planned, 0 none */
    char last_error[200];         /* of the last upload pass, "" if it went well */
    int64_t content_last_ok_ms;   /* last content sync that succeeded, 0 never */
    char content_error[256];      /* why the last content sync failed, "" if it did not */
    int64_t heartbeat_last_ok_ms;
    char heartbeat_error[200];
    char start_error[200];        /* the launched worker could not open (libcurl,
                                   * the database): why; "" otherwise */
    int passes;                   /* worker loop iterations (tests) */
    int64_t office_date_s;        /* the office's time from its last Date header */
    int64_t office_date_mono_ms;  /* time_mono_ms() when it came; 0: none yet */
} UploaderStatus;

/* A copy of the worker's status (zeroed for NULL). */
void uploader_status(Uploader *u, UploaderStatus *out);

/* One line for the staff panel: "off: no upload_url", or the last
 * delivery, the next try (local HH:MM) and the last error. */
void uploader_summary(Uploader *u, char *out, size_t n);

#endif
