/* upload_priv.h - the Upload's state, shared by upload.c (sending) and
 * upload_queue.c (batches, counts, retention, state); core only. */
#ifndef UPLOAD_PRIV_H
#define UPLOAD_PRIV_H

#include "upload.h"

#include <sqlite3.h>

struct Upload {
    sqlite3 *db;
    Http *http;
    UploadSettings s;
    char *upload_url, *contact_url, *token;
    BackoffRng rng;
    void *rng_ctx;
    int64_t hold_until_ms;       /* a failing server: nothing before this */
    bool wal_has_private;        /* deleted resident text may sit in the WAL */
    sqlite3_stmt *data_version;
    int64_t seen_version;
};

/* sqlite3_exec without a message: 0 or -1. */
int upload_exec(Upload *u, const char *sql);
/* Roll back what is open, if anything. */
void upload_rollback(Upload *u);
/* The first column of the first row of sql, or -1. */
int64_t upload_int(Upload *u, const char *sql);
/* Step a statement to its end and finalize it: 0 when it completed, else -1. */
int upload_step(sqlite3_stmt *st);
/* The local date `days` days before now_s, YYYY-MM-DD. */
void upload_day(int64_t now_s, int days, char out[11]);

#endif
