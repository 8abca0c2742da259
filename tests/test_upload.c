/* test_upload.c - delivering the outbox to the fault server on loopback:
 * exactly once as the server sees it, contacts as a second part, backoff
 * and Retry-After, dead letter for a poison submission, batches, shuffled
 * order, retention, and the worker thread (stop while a transfer hangs). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "config.h"
#include "faultsrv.h"
#include "outbox.h"
#include "timeutil.h"
#include "tmpdir.h"
#include "upload.h"
#include "uploadctl.h"
#include "uploader.h"

#define TOKEN "test-token-Zq9"

typedef struct {
    char *dir;
    FaultSrv fs;
    Outbox *ob;
    Outbox *upob;    /* the uploader's own connection, as in uploader.c */
    Http *http;
    Upload *up;
    char url[256], contact_url[256];
} Fix;

static uint32_t rng_zero(uint32_t upper, void *ctx) { (void)upper; (void)ctx; return 0; }
static uint32_t rng_top(uint32_t upper, void *ctx) { (void)ctx; return upper - 1; }

static Upload *open_upload(Fix *f, int batch_min, const char *times)
{
    char err[300];
    UploadSettings s = {.upload_url = f->url, .contact_url = f->contact_url,
                        .device_token = TOKEN, .backoff_base_ms = 1000,
                        .backoff_cap_ms = 8000, .batch_min = batch_min};
    assert_int_equal(batch_parse_times(times, &s.times, err, sizeof err), 0);
    Upload *u = upload_open(f->upob, &s, f->http, err, sizeof err);
    if (!u)
        fail_msg("upload_open: %s", err);
    return u;
}

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make();
    if (!f->dir || faultsrv_start(&f->fs, NULL, NULL, TOKEN, "POISON") < 0)
        return -1;
    snprintf(f->url, sizeof f->url, "%s/submit", f->fs.base);
    snprintf(f->contact_url, sizeof f->contact_url, "%s/submit/contact", f->fs.base);
    char err[300];
    f->ob = outbox_open(f->dir, NULL, err, sizeof err);
    f->upob = outbox_open(f->dir, NULL, err, sizeof err);
    HttpPolicy p = {.allow_http_loopback = true, .connect_timeout_ms = 2000,
                    .total_timeout_ms = 3000, .low_speed_time_s = 2};
    f->http = http_create(&p, err, sizeof err);
    if (!f->ob || !f->upob || !f->http)
        return -1;
    f->up = open_upload(f, 1, "");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    upload_close(f->up);
    http_destroy(f->http);
    outbox_close(f->upob);
    outbox_close(f->ob);
    faultsrv_stop(&f->fs);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Push a suggestion; returns its id (static buffer rotation). */
static const char *push(Fix *f, const char *text, const char *contact)
{
    static char ids[64][37];
    static int next;
    char receipt[OUTBOX_RECEIPT_SIZE], err[200];
    assert_int_equal(outbox_push(f->ob, "repairs", text, contact, "zh", time_now_ms() / 1000,
                                 receipt, err, sizeof err), OUTBOX_OK);
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(f->ob, receipt, &m), 1);
    char *id = ids[next++ % 64];
    memcpy(id, m.id, 37);
    return id;
}

static long long q_int(Fix *f, const char *fmt, const char *arg)
{
    char *sql = sqlite3_mprintf(fmt, arg);
    sqlite3_stmt *st;
    long long v = -1;
    assert_int_equal(sqlite3_prepare_v2(outbox_db(f->ob), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return v;
}

static const char *state_of(Fix *f, const char *id)
{
    static char buf[16];
    char *sql = sqlite3_mprintf("SELECT state FROM submissions WHERE id = %Q", id);
    sqlite3_stmt *st;
    buf[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(outbox_db(f->ob), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return buf;
}

/* Each of ids accepted by the server exactly once, under its own id as key. */
static void assert_accepted_once(json_t *st, const char **ids, int n)
{
    json_t *acc = json_object_get(st, "accepted");
    assert_int_equal(json_object_size(acc), (size_t)n);
    for (int i = 0; i < n; i++) {
        json_t *keys = json_object_get(acc, ids[i]);
        if (!keys)
            fail_msg("%s was not accepted", ids[i]);
        assert_int_equal(json_array_size(keys), 1);
        assert_string_equal(json_string_value(json_array_get(keys, 0)), ids[i]);
    }
    assert_int_equal(faultsrv_int(st, "conflicts"), 0);
    assert_int_equal(faultsrv_int(st, "bad_auth"), 0);
    assert_int_equal(faultsrv_int(st, "bad_key"), 0);
}

static void test_delivers_each_once_with_contacts(void **state)
{
    Fix *f = *state;
    const char *ids[6];
    for (int i = 0; i < 6; i++)
        ids[i] = push(f, "东门路灯坏了，晚上很黑。", i < 2 ? "王先生 138-0000-0000" : NULL);
    assert_int_equal(upload_open_batch(f->up, time_now_ms() / 1000, false), 6);
    UploadReport rep;
    assert_int_equal(upload_send_due(f->up, time_now_ms(), &rep), 0);
    assert_int_equal(rep.delivered, 6);
    assert_int_equal(rep.sent, 8);   /* 6 payloads and 2 contacts */
    assert_string_equal(rep.last_error, "");
    json_t *st = faultsrv_state(&f->fs);
    assert_accepted_once(st, ids, 6);
    json_t *contacts = json_object_get(st, "contacts");
    assert_int_equal(json_object_size(contacts), 2);
    json_t *c0 = json_object_get(contacts, ids[0]);
    assert_string_equal(json_string_value(json_object_get(c0, "contact")), "王先生 138-0000-0000");
    /* Every POST was JSON. */
    json_t *h;
    size_t i;
    json_array_foreach(json_object_get(st, "headers"), i, h)
        assert_string_equal(json_string_value(json_array_get(h, 2)), "application/json");
    json_decref(st);
    for (int k = 0; k < 6; k++)
        assert_string_equal(state_of(f, ids[k]), "delivered");
    /* The office has the contacts: the kiosk keeps none. */
    assert_int_equal(q_int(f, "SELECT count(*) FROM contacts%s", ""), 0);
    /* Nothing more to send. */
    assert_int_equal(upload_send_due(f->up, time_now_ms(), &rep), 0);
    assert_int_equal(rep.sent, 0);
    assert_true(upload_next_due_ms(f->up) == INT64_MAX);
    OutboxCounts c;
    assert_int_equal(outbox_counts(f->upob, &c), 0);
    assert_int_equal(c.delivered, 6);
    assert_int_equal(c.waiting + c.batched + c.dead, 0);
}

static void test_backoff_and_retry_after(void **state)
{
    Fix *f = *state;
    upload_set_rng(f->up, rng_top, NULL);
    const char *ids[2] = {push(f, "one", NULL), push(f, "two", NULL)};
    assert_int_equal(upload_open_batch(f->up, time_now_ms() / 1000, false), 2);
    int64_t now = time_now_ms();
    /* A 503: the pass stops (the server is unwell) with a backoff of base. */
    assert_int_equal(faultsrv_faults(&f->fs, "503", 1, NULL), 0);
    UploadReport rep;
    assert_int_equal(upload_send_due(f->up, now, &rep), 0);
    assert_int_equal(rep.sent, 1);
    assert_int_equal(rep.retry, 1);
    assert_true(rep.held);
    assert_int_equal(rep.hold_until_ms, now + 1000);   /* rng_top: the ceiling */
    assert_non_null(strstr(rep.last_error, "HTTP 503"));
    /* Held: nothing goes before the hold ends. */
    assert_int_equal(upload_send_due(f->up, now + 999, &rep), 0);
    assert_int_equal(rep.sent, 0);
    assert_true(upload_next_due_ms(f->up) >= now + 1000);
    /* A 429 with Retry-After: 5 s, longer than the backoff (2 s). */
    assert_int_equal(faultsrv_faults(&f->fs, "429", 1, "5"), 0);
    now += 1000;
    assert_int_equal(upload_send_due(f->up, now, &rep), 0);
    assert_int_equal(rep.retry, 1);
    assert_int_equal(rep.last_status, 429);
    assert_int_equal(rep.hold_until_ms, now + 5000);
    /* Then a reset and a timeout (hang): transient too, with the jitter
     * ceiling doubling: 1, 2, 4 s for the same item. */
    assert_int_equal(faultsrv_faults(&f->fs, "reset", -1, NULL), 0);
    now += 5000;
    assert_int_equal(upload_send_due(f->up, now, &rep), 0);
    assert_int_equal(rep.retry, 1);
    assert_int_equal(rep.last_status, 0);
    /* Healthy again: both go. */
    assert_int_equal(faultsrv_faults(&f->fs, "none", 0, NULL), 0);
    now = rep.hold_until_ms;
    assert_int_equal(upload_send_due(f->up, now, &rep), 0);
    assert_int_equal(rep.delivered, 2);
    json_t *st = faultsrv_state(&f->fs);
    assert_accepted_once(st, ids, 2);
    json_decref(st);
}

static void test_lost_answer_is_not_a_second_submission(void **state)
{
    Fix *f = *state;
    upload_set_rng(f->up, rng_zero, NULL);
    const char *ids[1] = {push(f, "answer lost", NULL)};
    assert_int_equal(upload_open_batch(f->up, time_now_ms() / 1000, false), 1);
    /* The server accepts, then the connection is reset before the answer. */
    assert_int_equal(faultsrv_faults(&f->fs, "reset_after", 1, NULL), 0);
    UploadReport rep;
    assert_int_equal(upload_send_due(f->up, time_now_ms(), &rep), 0);
    assert_int_equal(rep.delivered, 0);
    assert_string_equal(state_of(f, ids[0]), "waiting");
    /* The same key again: the server recognises it; delivered once. */
    assert_int_equal(upload_send_due(f->up, time_now_ms() + 1, &rep), 0);
    assert_int_equal(rep.delivered, 1);
    json_t *st = faultsrv_state(&f->fs);
    assert_accepted_once(st, ids, 1);
    assert_int_equal(faultsrv_int(json_object_get(json_object_get(st, "keys"), ids[0]),
                                  "repeats"), 1);
    json_decref(st);
}

static void test_contact_part_is_resumed(void **state)
{
    Fix *f = *state;
    upload_set_rng(f->up, rng_zero, NULL);
    const char *ids[1] = {push(f, "with contact", "room 1-502")};
    assert_int_equal(upload_open_batch(f->up, time_now_ms() / 1000, false), 1);
    json_t *r = faultsrv_ctl(&f->fs, "/faults",
                             "{\"mode\":\"500\",\"count\":1,\"path\":\"/submit/contact\"}");
    json_decref(r);
    UploadReport rep;
    assert_int_equal(upload_send_due(f->up, time_now_ms(), &rep), 0);
    assert_int_equal(rep.sent, 2);
    assert_int_equal(rep.delivered, 0);
    assert_int_equal(q_int(f, "SELECT payload_done FROM deliveries WHERE submission_id = %Q",
                           ids[0]), 1);
    assert_string_equal(state_of(f, ids[0]), "waiting");
    /* Next pass: only the contact goes. */
    assert_int_equal(upload_send_due(f->up, time_now_ms() + 1, &rep), 0);
    assert_int_equal(rep.sent, 1);
    assert_int_equal(rep.delivered, 1);
    json_t *st = faultsrv_state(&f->fs);
    assert_accepted_once(st, ids, 1);
    assert_int_equal(faultsrv_int(st, "requests"), 3);
    assert_int_equal(faultsrv_int(json_object_get(json_object_get(st, "keys"), ids[0]),
                                  "repeats"), 0);
    assert_non_null(json_object_get(json_object_get(st, "contacts"), ids[0]));
    json_decref(st);
}

static void test_poison_goes_to_dead_letter(void **state)
{
    Fix *f = *state;
    upload_set_rng(f->up, rng_top, NULL);
    const char *poison = push(f, "this one is POISON to the server", "call me");
    const char *ok[3] = {push(f, "a", NULL), push(f, "b", NULL), push(f, "c", NULL)};
    assert_int_equal(upload_open_batch(f->up, time_now_ms() / 1000, false), 4);
    int64_t now = time_now_ms();
    UploadReport rep;
    assert_int_equal(upload_send_due(f->up, now, &rep), 0);
    /* The refusal stops nothing behind it. */
    assert_int_equal(rep.delivered, 3);
    assert_int_equal(rep.refused, 1);
    assert_false(rep.held);
    /* Twice more (after its backoff): dead. */
    for (int i = 0; i < 2; i++) {
        now = upload_next_due_ms(f->up);
        assert_int_equal(upload_send_due(f->up, now, &rep), 0);
        assert_int_equal(rep.sent, 1);
    }
    assert_int_equal(rep.dead, 1);
    assert_string_equal(state_of(f, poison), "dead");
    assert_int_equal(q_int(f, "SELECT last_status FROM deliveries WHERE submission_id = %Q",
                           poison), 400);
    /* Dead letter stays for staff, contact and all, and blocks nothing. */
    assert_int_equal(q_int(f, "SELECT count(*) FROM contacts WHERE submission_id = %Q",
                           poison), 1);
    assert_true(upload_next_due_ms(f->up) == INT64_MAX);
    const char *later = push(f, "after the poison", NULL);
    assert_int_equal(upload_open_batch(f->up, time_now_ms() / 1000, false), 1);
    assert_int_equal(upload_send_due(f->up, time_now_ms(), &rep), 0);
    assert_int_equal(rep.delivered, 1);
    const char *all[4] = {ok[0], ok[1], ok[2], later};
    json_t *st = faultsrv_state(&f->fs);
    assert_accepted_once(st, all, 4);
    assert_int_equal(faultsrv_int(st, "poison"), 3);
    json_decref(st);
    OutboxCounts c;
    assert_int_equal(outbox_counts(f->upob, &c), 0);
    assert_int_equal(c.dead, 1);
}

static void test_batches_and_shuffle(void **state)
{
    Fix *f = *state;
    upload_close(f->up);
    f->up = open_upload(f, 0, "09:00,18:00");   /* times only */
    int64_t t;
    assert_int_equal(time_parse_iso8601("2026-03-14T10:00:00+08:00", &t), 0);
    for (int i = 0; i < 20; i++)
        push(f, "batch", NULL);
    /* A kiosk that never sent a batch sends what waits at start. */
    assert_int_equal(upload_open_batch(f->up, t, false), 20);
    /* A suggestion an hour later waits for 18:00 ... */
    const char *late = push(f, "late", NULL);
    assert_int_equal(upload_open_batch(f->up, t + 3600, false), 0);
    assert_int_equal(upload_open_batch(f->up, t + 7 * 3600, false), 0);
    assert_int_equal(upload_open_batch(f->up, t + 8 * 3600 - 1, false), 0);
    /* ... or staff's "upload now". */
    assert_int_equal(upload_open_batch(f->up, t + 8 * 3600, false), 1);
    UploadReport rep;
    assert_int_equal(upload_send_due(f->up, time_now_ms(), &rep), 0);
    assert_int_equal(rep.delivered, 21);
    assert_string_equal(state_of(f, late), "delivered");
    const char *forced = push(f, "forced", NULL);
    assert_int_equal(upload_open_batch(f->up, t + 8 * 3600 + 60, false), 0);
    assert_int_equal(upload_open_batch(f->up, t + 8 * 3600 + 60, true), 1);
    assert_string_equal(state_of(f, forced), "waiting");
    /* The batch went out in a random order, not the table's (id) order. */
    json_t *st = faultsrv_state(&f->fs);
    json_t *h = json_object_get(st, "headers");
    assert_int_equal(json_array_size(h), 21);
    int sorted = 1;
    for (size_t i = 1; i < 20; i++)
        sorted &= strcmp(json_string_value(json_array_get(json_array_get(h, i - 1), 1)),
                         json_string_value(json_array_get(json_array_get(h, i), 1))) < 0;
    assert_false(sorted);
    json_decref(st);
    /* The batch time used is remembered across a restart. */
    upload_close(f->up);
    f->up = open_upload(f, 0, "09:00,18:00");
    assert_int_equal(upload_open_batch(f->up, t + 8 * 3600 + 120, false), 0);
}

static void test_retention_purges_and_checkpoints(void **state)
{
    Fix *f = *state;
    const char *ids[2] = {push(f, "keep me for 30 days", "contact"), push(f, "me too", NULL)};
    const char *waiting = push(f, "not sent", NULL);
    assert_int_equal(upload_open_batch(f->up, time_now_ms() / 1000, false), 3);
    assert_int_equal(faultsrv_faults(&f->fs, "none", 0, NULL), 0);
    UploadReport rep;
    /* Send two of three: the third stays waiting (taken out of the batch). */
    char *sql = sqlite3_mprintf("DELETE FROM deliveries WHERE submission_id = %Q", waiting);
    assert_int_equal(sqlite3_exec(outbox_db(f->ob), sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    assert_int_equal(upload_send_due(f->up, time_now_ms(), &rep), 0);
    assert_int_equal(rep.delivered, 2);
    int64_t now = time_now_ms() / 1000;
    assert_int_equal(outbox_purge(f->upob, 30, now, NULL, 0), 0);
    assert_int_equal(outbox_purge(f->upob, 30, now + 29 * 86400, NULL, 0), 0);
    assert_int_equal(outbox_purge(f->upob, 30, now + 30 * 86400 + 3600, NULL, 0), 2);
    assert_string_equal(state_of(f, ids[0]), "");
    assert_string_equal(state_of(f, waiting), "waiting");
    assert_int_equal(q_int(f, "SELECT count(*) FROM deliveries%s", ""), 0);
    /* The WAL was checkpointed and truncated: the deleted text is not in it. */
    char *wal = tmpdir_path(f->dir, "kiosk.db-wal");
    struct stat sb;
    assert_int_equal(stat(wal, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    free(wal);
}

/* One purge rule: a delivered row counts from the day it was delivered,
 * not the day it was written; an exported one from its own date. */
static void test_purge_counts_from_delivery(void **state)
{
    Fix *f = *state;
    int64_t now = time_now_ms() / 1000;
    char receipt[OUTBOX_RECEIPT_SIZE], err[200];
    assert_int_equal(outbox_push(f->ob, "repairs", "written 40 days ago", NULL, "zh",
                                 now - 40 * 86400, receipt, err, sizeof err), OUTBOX_OK);
    OutboxMeta old;
    assert_int_equal(outbox_get_by_receipt(f->ob, receipt, &old), 1);
    assert_int_equal(outbox_push(f->ob, "repairs", "exported, 40 days old", NULL, "zh",
                                 now - 40 * 86400, receipt, err, sizeof err), OUTBOX_OK);
    OutboxMeta exp;
    assert_int_equal(outbox_get_by_receipt(f->ob, receipt, &exp), 1);
    const char ids[1][37] = {""};
    memcpy((char *)ids[0], exp.id, 37);
    assert_int_equal(outbox_mark_exported(f->ob, ids, 1, err, sizeof err), 1);
    assert_int_equal(upload_open_batch(f->up, now, false), 1);
    UploadReport rep;
    assert_int_equal(upload_send_due(f->up, time_now_ms(), &rep), 0);
    assert_int_equal(rep.delivered, 1);
    /* The export is 40 days old: it goes; the delivery is today's: it stays. */
    assert_int_equal(outbox_purge(f->upob, 30, now, NULL, 0), 1);
    assert_string_equal(state_of(f, exp.id), "");
    assert_string_equal(state_of(f, old.id), "delivered");
    assert_int_equal(outbox_purge(f->upob, 30, now + 29 * 86400, NULL, 0), 0);
    assert_int_equal(outbox_purge(f->upob, 30, now + 30 * 86400 + 3600, NULL, 0), 1);
    assert_string_equal(state_of(f, old.id), "");
}

/* The worker thread: a hanging server does not hold up uploader_stop, and
 * a restarted worker delivers. */
static void test_worker_stops_promptly_and_resumes(void **state)
{
    Fix *f = *state;
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", f->dir);
    snprintf(cfg.upload.upload_url, sizeof cfg.upload.upload_url, "%s", f->url);
    snprintf(cfg.upload.heartbeat_url, sizeof cfg.upload.heartbeat_url, "%s/heartbeat",
             f->fs.base);
    snprintf(cfg.upload.device_token, sizeof cfg.upload.device_token, TOKEN);
    cfg.upload.allow_http_loopback = true;
    cfg.upload.upload_batch_min = 0;
    cfg.upload.upload_times[0] = '\0';
    const char *ids[1] = {push(f, "worker 秘密", NULL)};
    assert_int_equal(faultsrv_faults(&f->fs, "hang", -1, NULL), 0);
    char err[300];
    Uploader *u = uploader_start(&cfg, err, sizeof err);
    if (!u)
        fail_msg("uploader_start: %s", err);
    uploader_wake(u, true);   /* staff: upload now */
    json_t *w = faultsrv_wait(&f->fs, "inflight", 1, 20);
    assert_true(json_is_true(json_object_get(w, "ok")));
    json_decref(w);
    /* What the main loop calls never waits while the transfer hangs. */
    int64_t worst = 0;
    for (int i = 0; i < 1000; i++) {
        int64_t a = time_mono_ms();
        UploaderStatus us;
        char line[200];
        uploader_set_frame_hash(u, (uint64_t)i);
        uploader_status(u, &us);
        uploader_summary(u, line, sizeof line);
        if (i % 100 == 0)
            uploader_wake(u, false);
        int64_t d = time_mono_ms() - a;
        worst = d > worst ? d : worst;
    }
    /* Never waits for the hanging network (seconds): the speed itself is
     * measured by make bench. */
    assert_true(worst < 1000);
    int64_t t0 = time_mono_ms();
    uploader_stop(u);
    assert_true(time_mono_ms() - t0 < 5000);   /* not the 60 s transfer timeout */
    assert_string_equal(state_of(f, ids[0]), "waiting");

    /* Healthy again: a new worker sends it (the batch was kept). */
    assert_int_equal(faultsrv_faults(&f->fs, "none", 0, NULL), 0);
    u = uploader_start(&cfg, err, sizeof err);
    assert_non_null(u);
    uploader_set_frame_hash(u, 0x0123456789abcdefULL);
    w = faultsrv_wait(&f->fs, "accepted", 1, 20);
    assert_true(json_is_true(json_object_get(w, "ok")));
    assert_accepted_once(w, ids, 1);
    json_decref(w);
    /* A heartbeat came (the second worker sends one at start), and holds
     * no resident text. */
    w = faultsrv_wait(&f->fs, "heartbeats", 1, 20);
    assert_true(json_is_true(json_object_get(w, "ok")));
    json_t *hbs = json_object_get(w, "heartbeats");
    json_t *hb = json_array_get(hbs, json_array_size(hbs) - 1);
    assert_non_null(hb);
    char *txt = json_dumps(hb, 0);
    assert_null(strstr(txt, "秘密"));
    assert_null(strstr(txt, TOKEN));
    free(txt);
    assert_string_equal(json_string_value(json_object_get(hb, "app_version")), "0.3.0");
    json_decref(w);
    UploaderStatus st;
    for (int i = 0; i < 200; i++) {   /* bounded: the status follows the database */
        uploader_status(u, &st);
        if (st.delivered == 1)
            break;
        uploader_wake(u, false);
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(st.delivered, 1);
    assert_true(st.upload_enabled && st.running);
    assert_true(st.last_ok_ms > 0);
    uploader_stop(u);
    assert_string_equal(state_of(f, ids[0]), "delivered");

    /* No URL at all: an Uploader without a thread that says it is off. */
    Config off;
    config_defaults(&off);
    snprintf(off.data_dir, sizeof off.data_dir, "%s", f->dir);
    u = uploader_start(&off, err, sizeof err);
    assert_non_null(u);
    uploader_status(u, &st);
    assert_false(st.upload_enabled || st.running);
    char line[200];
    uploader_summary(u, line, sizeof line);
    assert_non_null(strstr(line, "off"));
    uploader_stop(u);
    /* A plain http URL to another host is refused at start. */
    snprintf(off.upload.upload_url, sizeof off.upload.upload_url, "http://office.example/s");
    off.upload.allow_http_loopback = true;
    assert_null(uploader_start(&off, err, sizeof err));
    assert_non_null(strstr(err, "upload_url"));
}

/* A Config for kioskctl's commands against the fault server. */
static void ctl_config(Fix *f, Config *cfg)
{
    config_defaults(cfg);
    snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s", f->dir);
    snprintf(cfg->upload.upload_url, sizeof cfg->upload.upload_url, "%s", f->url);
    snprintf(cfg->upload.device_token, sizeof cfg->upload.device_token, TOKEN);
    cfg->upload.allow_http_loopback = true;
    cfg->upload.upload_batch_min = 0;
    cfg->upload.upload_times[0] = '\0';
}

/* Run `kioskctl upload` (uploadctl_upload) with out and err captured. */
static int ctl_upload(Fix *f, const Config *cfg, char **out, char **err)
{
    size_t n1, n2;
    FILE *o = open_memstream(out, &n1), *e = open_memstream(err, &n2);
    assert_non_null(o);
    assert_non_null(e);
    int rc = uploadctl_upload(f->dir, cfg, o, e);
    fclose(o);
    fclose(e);
    return rc;
}

/* Issue 12 item 9: `kioskctl upload` sends everything, in passes of at
 * most 2,000 with a progress line each, not the first 2,000 and exit 1
 * without a word. */
static void test_kioskctl_upload_sends_everything(void **state)
{
    Fix *f = *state;
    enum { N = 2010 };   /* more than one pass of 2,000 */
    char receipt[OUTBOX_RECEIPT_SIZE], err[200];
    for (int i = 0; i < N; i++)
        assert_int_equal(outbox_push(f->ob, "repairs", "电梯有异响", NULL, "zh",
                                     time_now_ms() / 1000, receipt, err, sizeof err), OUTBOX_OK);
    Config cfg;
    ctl_config(f, &cfg);
    char *out = NULL, *errs = NULL;
    int rc = ctl_upload(f, &cfg, &out, &errs);
    if (rc != UPLOADCTL_OK)
        fail_msg("kioskctl upload: %d\nout: %s\nerr: %s", rc, out, errs);
    json_t *st = faultsrv_state(&f->fs);
    assert_int_equal(json_object_size(json_object_get(st, "accepted")), N);
    assert_int_equal(faultsrv_int(st, "requests"), N);   /* each once */
    json_decref(st);
    assert_int_equal(q_int(f, "SELECT count(*) FROM submissions WHERE state = %Q", "delivered"),
                     N);
    /* Progress after each pass, then the summary. */
    if (!strstr(out, "2000 of 2010") || !strstr(out, "2010 delivered") ||
        !strstr(out, "now 0 waiting"))
        fail_msg("output: %s", out);
    free(out);
    free(errs);
}

/* Issue 12 item 10: an error names the setting at fault. */
static void test_kioskctl_upload_names_the_setting(void **state)
{
    Fix *f = *state;
    Config cfg;
    ctl_config(f, &cfg);
    char *out = NULL, *err = NULL;
    /* http to another host: upload_url is at fault (contact_url is not
     * even set; it is derived from upload_url). */
    snprintf(cfg.upload.upload_url, sizeof cfg.upload.upload_url, "http://office.example/s");
    assert_int_equal(ctl_upload(f, &cfg, &out, &err), UPLOADCTL_USAGE);
    if (!strstr(err, "[upload] upload_url:") || strstr(err, "contact_url"))
        fail_msg("err: %s", err);
    free(out);
    free(err);
    /* A contact_url of its own that breaks the rules is named as such. */
    ctl_config(f, &cfg);
    snprintf(cfg.upload.contact_url, sizeof cfg.upload.contact_url, "http://office.example/c");
    assert_int_equal(ctl_upload(f, &cfg, &out, &err), UPLOADCTL_USAGE);
    if (!strstr(err, "[upload] contact_url:"))
        fail_msg("err: %s", err);
    free(out);
    free(err);
    /* A redirect from https to http says so, not "protocol not supported". */
    ctl_config(f, &cfg);
    push(f, "路灯坏了", NULL);
    snprintf(cfg.upload.upload_url, sizeof cfg.upload.upload_url,
             "%s/redirect?to=http://127.0.0.1:%d/submit", f->fs.base, f->fs.port);
    assert_int_equal(ctl_upload(f, &cfg, &out, &err), UPLOADCTL_FAIL);
    if (!strstr(err, "redirect to http refused") || strstr(err, "not supported"))
        fail_msg("err: %s", err);
    free(out);
    free(err);
}

/* Start a worker, wait for the heartbeat it sends at start (the n-th the
 * server got), optionally press "upload now" and wait for `accepted`
 * deliveries, stop it; returns that heartbeat's document (json_decref). */
static json_t *worker_heartbeat(Fix *f, const Config *cfg, int n, int upload_now_accepted)
{
    char err[300];
    Uploader *u = uploader_start(cfg, err, sizeof err);
    if (!u)
        fail_msg("uploader_start: %s", err);
    json_t *w = faultsrv_wait(&f->fs, "heartbeats", n, 20);
    assert_true(json_is_true(json_object_get(w, "ok")));
    json_t *hb = json_incref(json_array_get(json_object_get(w, "heartbeats"), (size_t)n - 1));
    json_decref(w);
    if (upload_now_accepted > 0) {
        uploader_wake(u, true);
        w = faultsrv_wait(&f->fs, "accepted", upload_now_accepted, 20);
        assert_true(json_is_true(json_object_get(w, "ok")));
        json_decref(w);
    }
    uploader_stop(u);
    assert_non_null(hb);
    return hb;
}

/* Issue 12 item 2: the heartbeat must not tell when a suggestion was
 * made. Its queue counts are those of the moment the last batch opened,
 * so a suggestion written between two heartbeats changes nothing in them
 * until its batch leaves (which the server sees anyway); free disk space
 * is coarse. */
static void test_heartbeat_reveals_no_submission_time(void **state)
{
    Fix *f = *state;
    Config cfg;
    ctl_config(f, &cfg);
    snprintf(cfg.upload.heartbeat_url, sizeof cfg.upload.heartbeat_url, "%s/heartbeat",
             f->fs.base);
    /* Batches only at "upload now": nothing leaves by itself. */
    json_t *hb1 = worker_heartbeat(f, &cfg, 1, 0);
    json_t *q1 = json_object_get(hb1, "queue");
    assert_non_null(q1);
    /* A resident writes; the next heartbeat is the same in every count. */
    const char *ids[1] = {push(f, "三楼走廊灯不亮", NULL)};
    json_t *hb2 = worker_heartbeat(f, &cfg, 2, 1);   /* then "upload now" */
    json_t *q2 = json_object_get(hb2, "queue");
    if (!json_equal(q1, q2)) {
        char *a = json_dumps(q1, JSON_SORT_KEYS), *b = json_dumps(q2, JSON_SORT_KEYS);
        fail_msg("the heartbeat changed after a suggestion: %s -> %s", a, b);
    }
    long long quantum = 16LL << 20;
    long long disk = json_integer_value(json_object_get(hb2, "disk_free_bytes"));
    assert_true(disk > 0 && disk % quantum == 0);
    /* After the batch: its counts, as of when it opened (one joined). */
    json_t *st = faultsrv_state(&f->fs);
    assert_accepted_once(st, ids, 1);
    json_decref(st);
    json_t *hb3 = worker_heartbeat(f, &cfg, 3, 0);
    json_t *q3 = json_object_get(hb3, "queue");
    assert_int_equal(json_integer_value(json_object_get(q3, "waiting")), 1);
    assert_int_equal(json_integer_value(json_object_get(q3, "batched")), 0);
    assert_int_equal(json_integer_value(json_object_get(q3, "delivered")), 0);
    assert_true(json_is_string(json_object_get(q3, "as_of")));
    /* Another suggestion after the batch: still nothing new. */
    push(f, "垃圾桶满了", NULL);
    json_t *hb4 = worker_heartbeat(f, &cfg, 4, 0);
    assert_true(json_equal(q3, json_object_get(hb4, "queue")));
    json_decref(hb1);
    json_decref(hb2);
    json_decref(hb3);
    json_decref(hb4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delivers_each_once_with_contacts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff_and_retry_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_answer_is_not_a_second_submission, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_contact_part_is_resumed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poison_goes_to_dead_letter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batches_and_shuffle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_counts_from_delivery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention_purges_and_checkpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worker_stops_promptly_and_resumes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kioskctl_upload_sends_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kioskctl_upload_names_the_setting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_reveals_no_submission_time, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
