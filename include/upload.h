/* upload.h - delivering the outbox: one pass of the upload protocol with one
 * Http (docs/PROTOCOL.md). It decides what to send and what an answer
 * means; the Outbox it is given records every outcome (outbox.h,
 * "Delivery"): this module writes no table. The uploader thread
 * (uploader.h) and `kioskctl upload` drive it; tests drive it directly.
 *
 * Exactly once as the server sees it: every POST carries the submission's
 * UUID as its Idempotency-Key and the frozen payload as its body, so a
 * resend after a crash or a lost answer is recognised by the server. A
 * submission becomes `delivered` only after the server acknowledged every
 * part (the payload, then the contact if there is one). Nothing here logs
 * resident text, the contact or the token. */
#ifndef UPLOAD_H
#define UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "backoff.h"
#include "batch.h"
#include "config_upload.h"
#include "http.h"
#include "outbox.h"

/* 4xx answers (other than 401, 403, 408, 429) after which a submission
 * goes to dead letter. */
#define UPLOAD_MAX_REFUSALS 3

/* Most submissions one upload_send_due picks up (so the worker gets back
 * to content and heartbeats); the rest wait for the next pass. */
#define UPLOAD_PASS_MAX 2000

typedef struct {
    const char *upload_url;       /* "" or NULL: no uploading (nothing is sent) */
    const char *contact_url;      /* where contacts go (config_upload_contact_url) */
    const char *device_token;     /* Authorization: Bearer */
    int64_t backoff_base_ms, backoff_cap_ms;
    BatchTimes times;             /* batch times (local) */
    int batch_min;                /* open a batch at this many waiting; 0: times only */
} UploadSettings;

typedef struct Upload Upload;

/* The one place the [upload] settings become a network policy: CA file,
 * loopback, timeouts (for every Http of the uploader and of kioskctl). */
void upload_policy(const ConfigUpload *cu, HttpPolicy *pol);
/* The UploadSettings of cu: its strings point into cu and into contact,
 * which receives the contact URL (config_upload_contact_url). Returns 0, or
 * -1 with a message when upload_times does not parse. */
int upload_settings(const ConfigUpload *cu, UploadSettings *us, char contact[CONFIG_URL_MAX],
                    char *err, size_t errlen);

/* Deliver ob's submissions with `http`. Both are borrowed (the caller
 * keeps them alive, closes them, and uses them from this thread only).
 * Strings in `s` are copied. Returns NULL with a message in err. */
Upload *upload_open(Outbox *ob, const UploadSettings *s, Http *http, char *err, size_t errlen);
void upload_close(Upload *u);   /* NULL accepted */

/* Replace the jitter's random source (tests); NULL restores libsodium. */
void upload_set_rng(Upload *u, BackoffRng rng, void *ctx);

/* Open a batch when batch_should_open says so (the last batch time used is
 * kept in the database, so a restart neither skips nor repeats one): every
 * waiting submission not yet in a batch joins it. Returns the number that
 * joined, 0 when no batch opened, -1 on database errors. */
int upload_open_batch(Upload *u, int64_t now_s, bool force);

typedef struct {
    int sent;          /* POSTs made */
    int delivered;     /* submissions now delivered */
    int retry;         /* transient failures (408, 429, 5xx, 401/403, network) */
    int refused;       /* 4xx refusals (not yet dead) */
    int dead;          /* moved to dead letter */
    bool held;         /* stopped early: the server is failing, wait until hold_until_ms */
    int64_t hold_until_ms;
    bool more;         /* the pass stopped at UPLOAD_PASS_MAX: more may be due now */
    int last_status;   /* of the last POST, 0 if none answered */
    char last_error[200];   /* the last failure, "" if none */
} UploadReport;

/* Send the batched submissions whose next try has come (at most
 * UPLOAD_PASS_MAX; rep->more says when that many were taken), in a random
 * order, each part at most once. A transient failure stops the pass (the
 * server is unwell) and holds every submission until its backoff ends;
 * refusals of one submission stop nothing, and their next try is after
 * now_ms, so passes repeated at the same now_ms send each submission at
 * most once. Returns 0, or -1 when the database failed (rep says what was
 * done). Stops between requests when the Http is interrupted. */
int upload_send_due(Upload *u, int64_t now_ms, UploadReport *rep);

/* Staff "upload now": forget the backoff of every batched submission and
 * the hold, so the next upload_send_due tries them all. Returns 0 or -1. */
int upload_retry_now(Upload *u);

/* When upload_send_due has something to do next, as Unix ms: the earliest
 * next try in the batch (not before a hold); INT64_MAX when nothing is
 * batched, -1 on database errors. */
int64_t upload_next_due_ms(Upload *u);

#endif
