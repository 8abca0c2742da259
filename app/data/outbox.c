/* outbox.c - the durable outbox: validated, anonymous, write-once submissions. */
#include "outbox.h"
#include "outbox_priv.h"
#include "receipt.h"
#include "store.h"
#include "textclean.h"
#include "timeutil.h"
#include "utf8.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How often a push tries a new receipt and UUID when one is taken. */
#define OUTBOX_ID_TRIES 16

int outbox_topics_parse(const char *list, char ids[OUTBOX_MAX_TOPICS][OUTBOX_TOPIC_MAX],
                        char *err, size_t errlen)
{
    const char *p = list;
    int count = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ',')
            n++;
        size_t m = n;
        while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t'))
            m--;
        if (count == OUTBOX_MAX_TOPICS) {
            errmsg(err, errlen, "more than %d topics", OUTBOX_MAX_TOPICS);
            return -1;
        }
        if (m >= OUTBOX_TOPIC_MAX) {
            errmsg(err, errlen, "topic id longer than %d bytes", OUTBOX_TOPIC_MAX - 1);
            return -1;
        }
        char *id = ids[count];
        memcpy(id, p, m);
        id[m] = '\0';
        if (!outbox_id_ok(id, OUTBOX_TOPIC_MAX)) {
            errmsg(err, errlen, "expected topic ids (a-z, 0-9, _) separated by commas");
            return -1;
        }
        if (strcmp(id, OUTBOX_RATING_TOPIC) == 0) {
            errmsg(err, errlen, "topic id %s is reserved for satisfaction ratings",
                       OUTBOX_RATING_TOPIC);
            return -1;
        }
        for (int i = 0; i < count; i++)
            if (strcmp(ids[i], id) == 0) {
                errmsg(err, errlen, "topic %s listed twice", id);
                return -1;
            }
        count++;
        if (p[n] == '\0')
            return count;
        p += n + 1;
    }
}

Outbox *outbox_open(const char *data_dir, const OutboxLimits *lim, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (sodium_init() < 0) {
        errmsg(err, errlen, "libsodium cannot start");
        return NULL;
    }
    Outbox *ob = calloc(1, sizeof *ob);
    if (!ob) {
        errmsg(err, errlen, "out of memory");
        return NULL;
    }
    ob->max_rows = lim && lim->max_rows > 0 ? lim->max_rows : OUTBOX_DEFAULT_MAX_ROWS;
    ob->max_bytes = lim && lim->max_bytes > 0 ? lim->max_bytes : OUTBOX_DEFAULT_MAX_BYTES;
    char sub[200];
    int n = outbox_topics_parse(lim && lim->topics ? lim->topics : OUTBOX_DEFAULT_TOPICS,
                                ob->topics, sub, sizeof sub);
    if (n < 0) {
        errmsg(err, errlen, "topics: %s", sub);
        free(ob);
        return NULL;
    }
    ob->n_topics = (size_t)n;
    ob->seen_version = -1;
    ob->db = store_connect(data_dir, err, errlen);
    if (!ob->db) {
        free(ob);
        return NULL;
    }
    ob->flags.db = ob->db;
    return ob;
}

void outbox_close(Outbox *ob)
{
    if (!ob)
        return;
    sqlite3_close(ob->db);
    free(ob);
}

const char *outbox_result_name(OutboxResult r)
{
    switch (r) {
    case OUTBOX_OK: return "OK";
    case OUTBOX_INVALID: return "INVALID";
    case OUTBOX_FULL: return "FULL";
    case OUTBOX_IO: return "IO";
    }
    return "?";
}

size_t outbox_topics(const Outbox *ob, const char **ids, size_t max)
{
    for (size_t i = 0; i < ob->n_topics && i < max; i++)
        ids[i] = ob->topics[i];
    return ob->n_topics;
}

void outbox_new_receipt(char raw[OUTBOX_RECEIPT_LEN + 1])
{
    static const char alphabet[] = OUTBOX_RECEIPT_ALPHABET;
    for (int i = 0; i < OUTBOX_RECEIPT_LEN; i++)
        raw[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    raw[OUTBOX_RECEIPT_LEN] = '\0';
}

void outbox_format_receipt(const char *raw, char out[OUTBOX_RECEIPT_SIZE])
{
    if (strlen(raw) != OUTBOX_RECEIPT_LEN) {
        snprintf(out, OUTBOX_RECEIPT_SIZE, "%s", raw);
        return;
    }
    memcpy(out, raw, 4);
    out[4] = '-';
    memcpy(out + 5, raw + 4, 4);
    out[9] = '\0';
}

int outbox_parse_receipt(const char *in, char raw[OUTBOX_RECEIPT_LEN + 1])
{
    return receipt_normalize(in, raw);
}

/* A random version 4 UUID, lower-case hex with dashes. */
static void outbox_new_uuid(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

/* The frozen payload (docs/OUTBOX.md); malloc'd, NULL when out of memory. */
static char *outbox_payload(const char *id, const char *topic, const char *text,
                            const char *day, const char *receipt, const char *lang)
{
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "v", 1, "id", id,
                          "topic", topic, "text", text, "date", day,
                          "receipt", receipt, "lang", lang);
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

/* Roll back what is open, if anything (SQLite may already have done it). */
static void outbox_rollback(Outbox *ob)
{
    if (!sqlite3_get_autocommit(ob->db))
        sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A failed write: roll back, raise commit_failed (its detail is SQLite's
 * fixed text for the code, never a message that could quote a value). */
static OutboxResult outbox_io_failed(Outbox *ob, const char *topic, int rc, int64_t now_s,
                                     char *err, size_t errlen)
{
    const char *why = sqlite3_errstr(rc);
    const char *what = strcmp(topic, OUTBOX_RATING_TOPIC) == 0 ? "rating" : "suggestion";
    outbox_rollback(ob);
    errmsg(err, errlen, "could not save the %s: %s", what, why);
    char detail[OUTBOX_FLAG_DETAIL_MAX];
    snprintf(detail, sizeof detail, "a %s could not be saved: %s (SQLite %d)", what, why, rc);
    outbox_flag_raise(ob, "commit_failed", detail, now_s);
    return OUTBOX_IO;
}

static int outbox_exec(Outbox *ob, const char *sql)
{
    return sqlite3_exec(ob->db, sql, NULL, NULL, NULL);
}

/* Rows and bytes the caps count, inside the caller's transaction. */
static int outbox_queued(Outbox *ob, int64_t *rows, int64_t *bytes)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(ob->db, "SELECT count(*), coalesce(sum(bytes), 0) FROM"
                                " submissions WHERE state IN ('waiting', 'dead')",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *rows = sqlite3_column_int64(st, 0);
        *bytes = sqlite3_column_int64(st, 1);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Insert the submission row with a fresh id and receipt, trying again when
 * either is taken. Returns an SQLite code; fills id and receipt. */
static int outbox_insert(Outbox *ob, const char *topic, const char *lang, const char *day,
                         OutboxPayloadFn make, const void *ctx,
                         char id[37], char receipt[OUTBOX_RECEIPT_LEN + 1])
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(ob->db, "INSERT INTO submissions (id, receipt, topic, lang,"
                                " day, payload, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    for (int attempt = 0; attempt < OUTBOX_ID_TRIES; attempt++) {
        outbox_new_uuid(id);
        if (ob->receipt_gen)
            ob->receipt_gen(receipt, ob->receipt_ctx);
        else
            outbox_new_receipt(receipt);
        char *payload = make(ob, id, receipt, ctx);
        if (!payload) {
            rc = SQLITE_NOMEM;
            break;
        }
        size_t bytes = strlen(payload);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, receipt, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, lang, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, day, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, payload, (int)bytes, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, (int64_t)bytes);
        rc = sqlite3_step(st);
        sqlite3_clear_bindings(st);
        free(payload);
        if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
            break;
        }
        /* A statement that broke a constraint is undone alone; the
         * transaction goes on. Anything else ends the attempt. */
        if ((rc & 0xFF) != SQLITE_CONSTRAINT)
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int outbox_insert_contact(Outbox *ob, const char *id, const char *contact)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(ob->db, "INSERT INTO contacts (submission_id, contact)"
                                " VALUES (?1, ?2)", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    char *stored = outbox_seal_contact(ob, id, contact);
    if (!stored) {
        sqlite3_finalize(st);
        return SQLITE_NOMEM;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, stored, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    free(stored);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Clean and check the input. Returns OUTBOX_OK or OUTBOX_INVALID. */
static OutboxResult outbox_check(const Outbox *ob, const char *topic, const char *text,
                                 const char *contact, const char *lang,
                                 char *text_out, size_t text_size,
                                 char *contact_out, size_t contact_size,
                                 char *err, size_t errlen)
{
    bool known = false;
    for (size_t i = 0; topic && i < ob->n_topics; i++)
        known = known || strcmp(ob->topics[i], topic) == 0;
    /* Never configured (outbox_topics_parse refuses it); only outbox_push_rating stores it. */
    if (!known || strcmp(topic, OUTBOX_RATING_TOPIC) == 0) {
        errmsg(err, errlen, "unknown topic");
        return OUTBOX_INVALID;
    }
    if (!lang || (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)) {
        errmsg(err, errlen, "language must be zh or en");
        return OUTBOX_INVALID;
    }
    if (!text || text_clean(text, strlen(text), text_out, text_size, true) >= text_size ||
        utf8_count(text_out, strlen(text_out)) > OUTBOX_TEXT_MAX_CHARS) {
        errmsg(err, errlen, text ? "text is longer than %d characters" : "no text",
                   OUTBOX_TEXT_MAX_CHARS);
        return OUTBOX_INVALID;
    }
    if (text_is_blank(text_out)) {
        errmsg(err, errlen, "text is empty");
        return OUTBOX_INVALID;
    }
    contact_out[0] = '\0';
    if (contact &&
        (text_clean(contact, strlen(contact), contact_out, contact_size, false) >= contact_size ||
         utf8_count(contact_out, strlen(contact_out)) > OUTBOX_CONTACT_MAX_CHARS)) {
        errmsg(err, errlen, "contact is longer than %d characters", OUTBOX_CONTACT_MAX_CHARS);
        return OUTBOX_INVALID;
    }
    if (text_is_blank(contact_out))
        contact_out[0] = '\0';
    return OUTBOX_OK;
}

/* What a suggestion's payload is made of (outbox_suggestion_payload's ctx). */
typedef struct {
    const char *topic, *text, *day, *lang;
} OutboxSuggestion;

static char *outbox_suggestion_payload(const Outbox *ob, const char *id, const char *receipt,
                                       const void *ctx)
{
    const OutboxSuggestion *sg = ctx;
    return outbox_seal_payload(ob, id, outbox_payload(id, sg->topic, sg->text, sg->day,
                                                      receipt, sg->lang));
}

OutboxResult outbox_store(Outbox *ob, const char *topic, const char *lang, const char *day,
                          OutboxPayloadFn make, const void *ctx, const char *contact,
                          int64_t now_s, char receipt[OUTBOX_RECEIPT_LEN + 1],
                          char *err, size_t errlen)
{
    char id[37];
    receipt[0] = '\0';
    /* The payload's exact size: id and receipt are fixed-length and need no
     * escaping, so stand-ins of the same length measure it. */
    static const char probe_id[] = "00000000-0000-4000-8000-000000000000";
    char *probe = make(ob, probe_id, "22222222", ctx);
    if (!probe)
        return outbox_io_failed(ob, topic, SQLITE_NOMEM, now_s, err, errlen);
    int64_t size = (int64_t)strlen(probe);
    free(probe);
    int rc = outbox_exec(ob, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return outbox_io_failed(ob, topic, rc, now_s, err, errlen);
    int64_t rows = 0, bytes = 0;
    if ((rc = outbox_queued(ob, &rows, &bytes)) != SQLITE_OK)
        return outbox_io_failed(ob, topic, rc, now_s, err, errlen);
    if (rows + 1 > ob->max_rows || bytes + size > ob->max_bytes) {
        outbox_rollback(ob);
        char detail[OUTBOX_FLAG_DETAIL_MAX];
        snprintf(detail, sizeof detail, "queue holds %lld suggestions, %lld bytes; limits"
                 " %lld and %lld", (long long)rows, (long long)bytes,
                 (long long)ob->max_rows, (long long)ob->max_bytes);
        outbox_flag_raise(ob, "queue_full", detail, now_s);
        errmsg(err, errlen, "the queue of suggestions is full");
        return OUTBOX_FULL;
    }
    if ((rc = outbox_insert(ob, topic, lang, day, make, ctx, id, receipt)) != SQLITE_OK ||
        (contact && contact[0] && (rc = outbox_insert_contact(ob, id, contact)) != SQLITE_OK) ||
        (rc = outbox_exec(ob, "COMMIT")) != SQLITE_OK) {
        receipt[0] = '\0';
        return outbox_io_failed(ob, topic, rc, now_s, err, errlen);
    }
    outbox_flags_flush(&ob->flags);
    return OUTBOX_OK;
}

OutboxResult outbox_push(Outbox *ob, const char *topic, const char *text,
                         const char *contact, const char *lang, int64_t now_s,
                         char receipt_out[OUTBOX_RECEIPT_SIZE], char *err, size_t errlen)
{
    /* 4 bytes per character at most: anything longer is over the limit. */
    char clean_text[OUTBOX_TEXT_MAX_CHARS * 4 + 1];
    char clean_contact[OUTBOX_CONTACT_MAX_CHARS * 4 + 1];
    receipt_out[0] = '\0';
    if (err && errlen)
        err[0] = '\0';
    OutboxResult r = outbox_check(ob, topic, text, contact, lang, clean_text, sizeof clean_text,
                                  clean_contact, sizeof clean_contact, err, errlen);
    if (r != OUTBOX_OK)
        return r;

    char day[11], receipt[OUTBOX_RECEIPT_LEN + 1];
    time_local_date(now_s, 0, day);
    OutboxSuggestion sg = { topic, clean_text, day, lang };
    r = outbox_store(ob, topic, lang, day, outbox_suggestion_payload, &sg, clean_contact, now_s,
                     receipt, err, errlen);
    if (r == OUTBOX_OK)
        memcpy(receipt_out, receipt, sizeof receipt);
    return r;
}

int outbox_counts(Outbox *ob, OutboxCounts *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "SELECT s.state, count(*), coalesce(sum(s.bytes), 0),"
                           " count(d.submission_id) FROM submissions s LEFT JOIN deliveries d"
                           " ON d.submission_id = s.id GROUP BY s.state", -1, &st, NULL)
        != SQLITE_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(st, 0);
        int64_t n = sqlite3_column_int64(st, 1), b = sqlite3_column_int64(st, 2);
        if (!state)
            continue;
        if (strcmp(state, "waiting") == 0) {
            out->waiting = n;
            out->batched = sqlite3_column_int64(st, 3);
        }
        if (strcmp(state, "delivered") == 0)
            out->delivered = n;
        else if (strcmp(state, "dead") == 0)
            out->dead = n;
        else if (strcmp(state, "exported") == 0)
            out->exported = n;
        if (strcmp(state, "waiting") == 0 || strcmp(state, "dead") == 0) {
            out->queued_rows += n;
            out->queued_bytes += b;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}

static void outbox_copy_col(sqlite3_stmt *st, int col, char *dst, size_t size)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", v ? (const char *)v : "");
}

int outbox_get_by_receipt(Outbox *ob, const char *receipt, OutboxMeta *out)
{
    memset(out, 0, sizeof *out);
    char raw[OUTBOX_RECEIPT_LEN + 1];
    if (!receipt || outbox_parse_receipt(receipt, raw) < 0)
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "SELECT s.id, s.receipt, s.topic, s.lang, s.day, s.state,"
                           " s.bytes, c.submission_id IS NOT NULL FROM submissions s"
                           " LEFT JOIN contacts c ON c.submission_id = s.id"
                           " WHERE s.receipt = ?1 AND s.topic <> '" OUTBOX_RATING_TOPIC "'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, raw, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        outbox_copy_col(st, 0, out->id, sizeof out->id);
        outbox_copy_col(st, 1, out->receipt, sizeof out->receipt);
        outbox_copy_col(st, 2, out->topic, sizeof out->topic);
        outbox_copy_col(st, 3, out->lang, sizeof out->lang);
        outbox_copy_col(st, 4, out->day, sizeof out->day);
        outbox_copy_col(st, 5, out->state, sizeof out->state);
        out->bytes = sqlite3_column_int64(st, 6);
        out->has_contact = sqlite3_column_int(st, 7) != 0;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

struct sqlite3 *outbox_db(Outbox *ob)
{
    return ob->db;
}

void outbox_set_receipt_gen(Outbox *ob, OutboxReceiptGen gen, void *ctx)
{
    ob->receipt_gen = gen;
    ob->receipt_ctx = ctx;
}

int outbox_flag_raise(Outbox *ob, const char *name, const char *detail, int64_t now_s)
{
    return outbox_flags_put(&ob->flags, name, detail, now_s);
}

int outbox_flag_clear(Outbox *ob, const char *name)
{
    return outbox_flags_remove(&ob->flags, name);
}

int outbox_flags_list(Outbox *ob, OutboxFlag *out, int max)
{
    return outbox_flags_read(&ob->flags, out, max);
}
