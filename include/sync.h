/* sync.h - content sync and heartbeat over HTTPS (docs/PROTOCOL.md).
 *
 * Content: GET content_url with If-None-Match; the body (at most
 * content_max bytes) is validated exactly as `kioskctl import` does
 * (store_import_json) and swapped in in one transaction, which the running
 * kiosk picks up at its next content poll. On any failure the last good
 * content stays and the reason is kept in the database for staff.
 * Heartbeat: a small JSON status POSTed to heartbeat_url; no resident data.
 * A Sync belongs to one thread (the uploader's). */
#ifndef SYNC_H
#define SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "http.h"
#include "outbox.h"

typedef struct {
    const char *content_url;      /* "" or NULL: no content sync */
    const char *heartbeat_url;    /* "" or NULL: no heartbeat */
    const char *device_token;
    size_t content_max;           /* bytes; 0: CONTENT_MAX_BYTES */
    int64_t image_cache_max;      /* bytes of pictures kept; 0: IMGCACHE_DEFAULT_MAX */
} SyncSettings;

typedef struct Sync Sync;

/* Open the database in data_dir for syncing with `http` (borrowed).
 * Strings are copied. Returns NULL with a message in err. */
Sync *sync_open(const char *data_dir, const SyncSettings *s, Http *http,
                char *err, size_t errlen);
void sync_close(Sync *s);   /* NULL accepted */

typedef enum {
    SYNC_UPDATED,     /* new content stored */
    SYNC_UNCHANGED,   /* 304, or the same document again */
    SYNC_FAILED,      /* the last good content stays; why says so */
    SYNC_STOPPED,     /* http_interrupt */
} SyncResult;

/* One content sync at now_s. The result and its reason are also stored
 * (sync_content_state). `why` gets a one-line reason on failure. */
SyncResult sync_content(Sync *s, int64_t now_s, char *why, size_t whylen);

/* What sync_images did. */
typedef struct {
    int needed;          /* distinct pictures the stored content names */
    int present;         /* of those, in the cache now */
    int fetched;         /* downloaded and kept by this call */
    int refused;         /* wrong hash, not a picture, over a limit (kept refused) */
    int failed;          /* download failed (tried again next time) */
    int evicted;         /* unused pictures removed to keep the cache's bound */
    char last_error[256];/* the last refusal or failure, "" when none */
} SyncImages;

/* Download every picture the stored content needs that the cache
 * (DIR/images, include/imgcache.h) lacks: each once, at most
 * IMAGE_MAX_BYTES, kept only when its SHA-256 matches and its header
 * passes image_probe; a refused one is not fetched again. The device
 * token is sent only to the content URL's own origin. Then evicts the
 * least recently used pictures the content does not need. The counts and
 * the last error are stored for staff and the heartbeat ("images").
 * Returns 0, or -1 (no content stored, database error) with why. */
int sync_images(Sync *s, SyncImages *out, char *why, size_t whylen);

typedef struct {
    char etag[256];
    int64_t last_ok_s;        /* last sync that succeeded (200 or 304), 0 never */
    int64_t last_try_s;       /* last attempt, 0 never */
    char last_error[256];     /* "" after a success */
    char version[17];         /* the stored content's version, "" if none */
    int64_t serial;
} SyncContentState;
/* Returns 0, or -1 (database error; st zeroed). */
int sync_content_state(Sync *s, SyncContentState *st);

/* Free disk space is reported rounded down to this (16 MiB): a suggestion
 * (some KiB in the database) moves it only when it happens to cross a
 * multiple, so the figure does not tell when one was written. */
#define SYNC_DISK_QUANTUM (16LL << 20)

/* The heartbeat's queue counts are those of the moment the last batch
 * opened, not live ones: a live `waiting` going 0 -> 1 between two
 * heartbeats would tell the server when a suggestion was made, which
 * batching hides (docs/PROTOCOL.md, "What a batch still shows"). Call this
 * when a batch opens, with the counts taken just before it (so `waiting`
 * is how many joined it). db: a connection to the kiosk's database
 * (outbox_db of the caller's Outbox). Returns 0 or -1. */
int sync_note_batch(struct sqlite3 *db, const OutboxCounts *before, int64_t at_ms);

typedef struct {
    int64_t now_ms;
    int64_t uptime_s;
    int64_t upload_last_ok_ms;     /* 0: never */
    char upload_error[200];        /* "" when the last pass went well */
    uint64_t frame_hash;
    int64_t frame_at_ms;           /* 0: no frame drawn yet */
    char display[16];              /* "day", "night" (dimmed), "night-blank" */
    int64_t disk_free_bytes;       /* -1: unknown */
    char flags[256];               /* raised staff flags' names, comma-separated ("") */
} SyncHeartbeat;

/* The heartbeat document for hb plus the stored content state and the
 * queue as of the last batch (sync_note_batch), with disk_free_bytes
 * rounded down to SYNC_DISK_QUANTUM (malloc'd compact JSON, or NULL when
 * out of memory). Fields in docs/PROTOCOL.md. */
char *sync_heartbeat_json(Sync *s, const SyncHeartbeat *hb);

/* POST it. Returns 0 on a 2xx answer, else -1 with the reason in why. */
int sync_heartbeat(Sync *s, const SyncHeartbeat *hb, char *why, size_t whylen);

/* Free bytes for an unprivileged user on the file system of `dir`, or -1. */
int64_t sync_disk_free(const char *dir);

#endif
