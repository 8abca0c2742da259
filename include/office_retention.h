/* office_retention.h - what the office keeps and for how long (docs/OFFICE.md,
 * "Retention"): a closed suggestion's text is deleted [retention]
 * retention_days after it was closed (its contact went when it was closed;
 * anything left is deleted here too), heartbeats older than [fleet]
 * heartbeat_keep_days and rate-limit windows older than two days go, and
 * an uploaded picture that no item of its community names goes [retention]
 * image_unused_days after its upload.
 * Run by the server's daily job and by `officectl purge`. */
#ifndef OFFICE_RETENTION_H
#define OFFICE_RETENTION_H

#include <stdint.h>
#include "office_conf.h"
#include "ostore.h"

typedef struct {
    int64_t texts;        /* suggestion texts deleted */
    int64_t contacts;     /* contacts of closed suggestions deleted */
    int64_t heartbeats;   /* heartbeats deleted */
    int64_t images;       /* uploaded pictures no item names, deleted */
} OfficeRetentionReport;

/* Purge what is due at `now`. Returns 0, or -1 (ostore_error says why). */
int office_retention_run(Ostore *s, const OfficeConf *c, int64_t now, OfficeRetentionReport *out);

#endif
