/* test_rating.c - satisfaction ratings: a score and a month, queued, capped and uploaded like a suggestion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "faultsrv.h"
#include "outbox.h"
#include "seal.h"
#include "timeutil.h"
#include "outbox_fix.h"
#include "tmpdir.h"
#include "upload.h"

#define TOKEN "test-token-Zq9"


static void rate_ok(Outbox *ob, int score, int64_t now)
{
    char err[300] = "untouched";
    OutboxResult r = outbox_push_rating(ob, score, now, err, sizeof err);
    if (r != OUTBOX_OK)
        fail_msg("rating %d: %s: %s", score, outbox_result_name(r), err);
    assert_string_equal(err, "");
}

static const char *suggest_ok(Outbox *ob, const char *text, int64_t now)
{
    static char receipt[OUTBOX_RECEIPT_SIZE];
    char err[300];
    OutboxResult r = outbox_push(ob, "repairs", text, NULL, "zh", now, receipt, err, sizeof err);
    if (r != OUTBOX_OK)
        fail_msg("push: %s: %s", outbox_result_name(r), err);
    return receipt;
}

/* Scores 1 to 5 stored, each payload exactly as documented, and the columns
 * that repeat it: topic "rating", lang "", day the first of the month. */
static void test_scores_stored_exactly(void **state)
{
    Fix *f = *state;
    int64_t now = ofix_at("2026-12-19T15:42:07+08:00");
    for (int s = OUTBOX_RATING_MIN; s <= OUTBOX_RATING_MAX; s++)
        rate_ok(f->ob, s, now);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(f->raw, "SELECT id, receipt, topic, lang, day, payload,"
                                        " bytes, state FROM submissions", -1, &st, NULL),
                     SQLITE_OK);
    int seen[6] = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *receipt = (const char *)sqlite3_column_text(st, 1);
        const char *payload = (const char *)sqlite3_column_text(st, 5);
        assert_int_equal(strlen(id), 36);
        assert_int_equal(strlen(receipt), OUTBOX_RECEIPT_LEN);
        for (const char *p = receipt; *p; p++)
            assert_non_null(strchr(OUTBOX_RECEIPT_ALPHABET, *p));
        assert_string_equal((const char *)sqlite3_column_text(st, 2), "rating");
        assert_string_equal((const char *)sqlite3_column_text(st, 3), "");
        assert_string_equal((const char *)sqlite3_column_text(st, 4), "2026-12-01");
        assert_string_equal((const char *)sqlite3_column_text(st, 7), "waiting");
        assert_int_equal(sqlite3_column_int64(st, 6), (int64_t)strlen(payload));
        int score = 0;
        for (int s = 1; s <= 5; s++) {
            char want[160];
            snprintf(want, sizeof want,
                     "{\"v\":1,\"kind\":\"rating\",\"id\":\"%s\",\"score\":%d,\"month\":\"2026-12\"}",
                     id, s);
            if (strcmp(payload, want) == 0)
                score = s;
        }
        if (!score)
            fail_msg("unexpected payload %s", payload);
        seen[score]++;
        /* Exactly five members (the exact text above): month only, no day,
         * no time, no receipt, no text, no language. */
        json_error_t je;
        json_t *j = json_loads(payload, JSON_REJECT_DUPLICATES, &je);
        assert_non_null(j);
        assert_int_equal(json_object_size(j), 5);
        assert_null(json_object_get(j, "receipt"));
        json_decref(j);
    }
    sqlite3_finalize(st);
    for (int s = 1; s <= 5; s++)
        assert_int_equal(seen[s], 1);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM contacts"), 0);

    /* The month is the local one (Asia/Shanghai): 00:30 on 1 January is January. */
    rate_ok(f->ob, 3, ofix_at("2026-12-31T16:30:00Z"));
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions WHERE day = '2027-01-01'"
                           " AND payload LIKE '%\"month\":\"2027-01\"}'"), 1);
    char month[8];
    outbox_rating_month(ofix_at("2026-12-31T16:30:00Z"), month);
    assert_string_equal(month, "2027-01");
    outbox_rating_month(ofix_at("2026-12-31T15:59:59Z"), month);
    assert_string_equal(month, "2026-12");
}

static void test_invalid_scores_refused(void **state)
{
    Fix *f = *state;
    const int bad[] = {0, 6, -1, 100, INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[300] = "";
        assert_int_equal(outbox_push_rating(f->ob, bad[i], ofix_at("2026-03-14T10:00:00+08:00"),
                                            err, sizeof err), OUTBOX_INVALID);
        assert_non_null(strstr(err, "1 to 5"));
    }
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), 0);
    OutboxFlag fl[4];
    assert_int_equal(outbox_flags_list(f->ob, fl, 4), 0);
}

/* "rating" is no topic of the suggestion flow: not accepted by outbox_push,
 * not configurable. */
static void test_topic_rating_reserved(void **state)
{
    Fix *f = *state;
    char receipt[OUTBOX_RECEIPT_SIZE], err[300];
    assert_int_equal(outbox_push(f->ob, "rating", "5 stars", NULL, "zh",
                                 ofix_at("2026-03-14T10:00:00+08:00"), receipt, err, sizeof err),
                     OUTBOX_INVALID);
    assert_string_equal(receipt, "");
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), 0);

    char ids[OUTBOX_MAX_TOPICS][OUTBOX_TOPIC_MAX];
    assert_int_equal(outbox_topics_parse("cleaning, rating", ids, err, sizeof err), -1);
    assert_non_null(strstr(err, "reserved"));
    assert_int_equal(outbox_topics_parse("cleaning,ratings,my_rating", ids, err, sizeof err), 3);
    OutboxLimits lim = {.topics = "rating,other"};
    assert_null(outbox_open(f->dir, &lim, err, sizeof err));
    assert_non_null(strstr(err, "reserved"));
}

/* Ratings are rows like any other: counted by state, toward the caps, and
 * left out of what is about suggestions (outbox_each, receipts, oldest). */
static void test_counted_and_capped(void **state)
{
    Fix *f = *state;
    int64_t now = ofix_at("2026-03-14T10:00:00+08:00");
    const char *receipt = suggest_ok(f->ob, "电梯异响", now);
    char sug_receipt[OUTBOX_RECEIPT_SIZE];
    snprintf(sug_receipt, sizeof sug_receipt, "%s", receipt);
    rate_ok(f->ob, 4, now);
    rate_ok(f->ob, 2, now);
    OutboxCounts c;
    assert_int_equal(outbox_counts(f->ob, &c), 0);
    assert_int_equal(c.waiting, 3);
    assert_int_equal(c.queued_rows, 3);
    assert_int_equal(c.queued_bytes,
                     ofix_q_int(f->raw, "SELECT sum(length(CAST(payload AS BLOB))) FROM submissions"));

    /* The rating's receipt is never shown, so it is never found either. */
    char *rr = ofix_q_text(f->raw, "SELECT receipt FROM submissions WHERE topic = 'rating' LIMIT 1");
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(f->ob, rr, &m), 0);
    assert_int_equal(outbox_get_by_receipt(f->ob, sug_receipt, &m), 1);
    free(rr);

    /* The oldest waiting date is the suggestion's, not a rating's 1st of the month. */
    char day[11];
    assert_int_equal(outbox_oldest_waiting(f->ob, day), 1);
    assert_string_equal(day, "2026-03-14");

    /* Caps: rows of any kind count; a rating over them is refused. */
    OutboxLimits lim = {.max_rows = 4};
    Outbox *capped = ofix_open(f->dir, &lim);
    rate_ok(capped, 5, now);
    char err[300];
    assert_int_equal(outbox_push_rating(capped, 5, now, err, sizeof err), OUTBOX_FULL);
    OutboxFlag fl[4];
    assert_int_equal(outbox_flags_list(capped, fl, 4), 1);
    assert_string_equal(fl[0].name, "queue_full");
    char receipt2[OUTBOX_RECEIPT_SIZE];
    assert_int_equal(outbox_push(capped, "repairs", "x", NULL, "zh", now, receipt2, err,
                                 sizeof err), OUTBOX_FULL);
    outbox_close(capped);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), 4);
}

static int collect_row(const OutboxRow *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

typedef struct {
    int n, sum;
    char months[8][8];
} RatingSeen;

static int collect_rating(const OutboxRating *r, void *ctx)
{
    RatingSeen *s = ctx;
    assert_int_equal(strlen(r->id), 36);
    snprintf(s->months[s->n % 8], 8, "%s", r->month);
    s->n++;
    s->sum += r->score;
    return 0;
}

static void test_read_back_for_staff(void **state)
{
    Fix *f = *state;
    suggest_ok(f->ob, "大堂很干净", ofix_at("2026-03-14T10:00:00+08:00"));
    rate_ok(f->ob, 5, ofix_at("2026-03-14T10:00:00+08:00"));
    rate_ok(f->ob, 5, ofix_at("2026-03-02T10:00:00+08:00"));
    rate_ok(f->ob, 1, ofix_at("2026-03-31T23:00:00+08:00"));
    rate_ok(f->ob, 3, ofix_at("2026-04-01T08:00:00+08:00"));
    char err[300] = "";
    int rows = 0;
    /* outbox_each hands over suggestions only: a rating has no text to give. */
    assert_int_equal(outbox_each(f->ob, OUTBOX_WAITING, collect_row, &rows, err, sizeof err), 1);
    assert_int_equal(rows, 1);
    RatingSeen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(outbox_each_rating(f->ob, OUTBOX_WAITING, collect_rating, &s, err,
                                        sizeof err), 4);
    assert_int_equal(s.sum, 14);
    memset(&s, 0, sizeof s);
    assert_int_equal(outbox_each_rating(f->ob, OUTBOX_DELIVERED, collect_rating, &s, err,
                                        sizeof err), 0);

    int counts[5];
    assert_int_equal(outbox_rating_counts(f->ob, "2026-03", counts), 3);
    const int want03[5] = {1, 0, 0, 0, 2};
    assert_memory_equal(counts, want03, sizeof want03);
    /* Any state the kiosk still holds. */
    assert_int_equal(sqlite3_exec(f->raw, "UPDATE submissions SET state = 'delivered'"
                                  " WHERE day = '2026-04-01'", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(outbox_rating_counts(f->ob, "2026-04", counts), 1);
    const int want04[5] = {0, 0, 1, 0, 0};
    assert_memory_equal(counts, want04, sizeof want04);
    assert_int_equal(outbox_rating_counts(f->ob, "2026-05", counts), 0);
    assert_int_equal(outbox_rating_counts(f->ob, "2026-3", counts), -1);
    assert_int_equal(outbox_rating_counts(f->ob, NULL, counts), -1);
}

/* Sealed mode seals suggestions; a rating stays plain (no resident text,
 * and the server must tell its kind without a key). */
static void test_sealed_mode_leaves_ratings_plain(void **state)
{
    Fix *f = *state;
    char *keys = tmpdir_path(f->dir, "keys"), err[300];
    assert_int_equal(mkdir(keys, 0700), 0);
    assert_int_equal(seal_keygen(keys, err, sizeof err), 0);
    char *pubp = tmpdir_path(keys, SEAL_PUB_NAME);
    SealPublic pub;
    assert_int_equal(seal_load_public(pubp, &pub, err, sizeof err), 0);
    outbox_set_seal_key(f->ob, &pub);
    suggest_ok(f->ob, "门禁坏了", ofix_at("2026-03-14T10:00:00+08:00"));
    rate_ok(f->ob, 2, ofix_at("2026-03-14T10:00:00+08:00"));
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions WHERE topic = 'repairs'"
                           " AND payload LIKE '%\"sealed\":%'"), 1);
    char *p = ofix_q_text(f->raw, "SELECT payload FROM submissions WHERE topic = 'rating'");
    char *id = ofix_q_text(f->raw, "SELECT id FROM submissions WHERE topic = 'rating'");
    char want[160];
    snprintf(want, sizeof want,
             "{\"v\":1,\"kind\":\"rating\",\"id\":\"%s\",\"score\":2,\"month\":\"2026-03\"}", id);
    assert_string_equal(p, want);
    free(p);
    free(id);
    free(pubp);
    free(keys);
}

/* A write the disk refuses: nothing stored, commit_failed names a rating. */
static void test_disk_refuses(void **state)
{
    Fix *f = *state;
    assert_int_equal(sqlite3_exec(outbox_db(f->ob), "PRAGMA query_only = ON", NULL, NULL, NULL),
                     SQLITE_OK);
    char err[300];
    assert_int_equal(outbox_push_rating(f->ob, 4, ofix_at("2026-03-14T10:00:00+08:00"), err,
                                        sizeof err), OUTBOX_IO);
    assert_non_null(strstr(err, "could not save the rating"));
    assert_int_equal(sqlite3_exec(outbox_db(f->ob), "PRAGMA query_only = OFF", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), 0);
    OutboxFlag fl[4];
    assert_int_equal(outbox_flags_list(f->ob, fl, 4), 1);
    assert_string_equal(fl[0].name, "commit_failed");
    assert_non_null(strstr(fl[0].detail, "a rating could not be saved"));
    rate_ok(f->ob, 4, ofix_at("2026-03-14T10:00:00+08:00"));
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), 1);
}

/* Uploaded exactly like a suggestion: its stored payload as the body, its
 * id as the Idempotency-Key, the same bytes on a resend, then delivered. */
static void test_uploaded_like_a_suggestion(void **state)
{
    Fix *f = *state;
    FaultSrv fs;
    if (faultsrv_start(&fs, NULL, NULL, TOKEN, NULL) < 0)
        fail_msg("cannot start the fault server (python3?)");
    char url[256], curl[256], err[300];
    snprintf(url, sizeof url, "%s/submit", fs.base);
    snprintf(curl, sizeof curl, "%s/submit/contact", fs.base);
    HttpPolicy p = {.allow_http_loopback = true, .connect_timeout_ms = 2000,
                    .total_timeout_ms = 3000, .low_speed_time_s = 2};
    Http *http = http_create(&p, err, sizeof err);
    assert_non_null(http);
    UploadSettings s = {.upload_url = url, .contact_url = curl, .device_token = TOKEN,
                        .backoff_base_ms = 1000, .backoff_cap_ms = 8000, .batch_min = 1};
    assert_int_equal(batch_parse_times("", &s.times, err, sizeof err), 0);
    Upload *u = upload_open(f->ob, &s, http, err, sizeof err);
    assert_non_null(u);

    rate_ok(f->ob, 4, time_now_ms() / 1000);
    char *id = ofix_q_text(f->raw, "SELECT id FROM submissions WHERE topic = 'rating'");
    assert_int_equal(upload_open_batch(u, time_now_ms() / 1000, false), 1);
    /* The server stores it, then the answer is lost: the kiosk sends it again. */
    assert_int_equal(faultsrv_faults(&fs, "reset_after", 1, NULL), 0);
    UploadReport rep;
    assert_int_equal(upload_send_due(u, time_now_ms(), &rep), 0);
    assert_int_equal(rep.delivered, 0);
    upload_retry_now(u);
    assert_int_equal(upload_send_due(u, time_now_ms() + 1, &rep), 0);
    assert_int_equal(rep.delivered, 1);

    json_t *st = faultsrv_state(&fs);
    json_t *keys = json_object_get(json_object_get(st, "accepted"), id);
    assert_int_equal(json_array_size(keys), 1);
    assert_string_equal(json_string_value(json_array_get(keys, 0)), id);
    /* The resend had the very same body (else the server answers 422). */
    assert_int_equal(faultsrv_int(st, "conflicts"), 0);
    assert_int_equal(faultsrv_int(json_object_get(json_object_get(st, "keys"), id), "repeats"),
                     1);
    json_t *h;
    size_t i;
    json_array_foreach(json_object_get(st, "headers"), i, h)
        assert_string_equal(json_string_value(json_array_get(h, 2)), "application/json");
    json_decref(st);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions WHERE state = 'delivered'"),
                     1);
    free(id);
    upload_close(u);
    http_destroy(http);
    faultsrv_stop(&fs);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scores_stored_exactly, ofix_setup, ofix_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_scores_refused, ofix_setup, ofix_teardown),
        cmocka_unit_test_setup_teardown(test_topic_rating_reserved, ofix_setup, ofix_teardown),
        cmocka_unit_test_setup_teardown(test_counted_and_capped, ofix_setup, ofix_teardown),
        cmocka_unit_test_setup_teardown(test_read_back_for_staff, ofix_setup, ofix_teardown),
        cmocka_unit_test_setup_teardown(test_sealed_mode_leaves_ratings_plain, ofix_setup, ofix_teardown),
        cmocka_unit_test_setup_teardown(test_disk_refuses, ofix_setup, ofix_teardown),
        cmocka_unit_test_setup_teardown(test_uploaded_like_a_suggestion, ofix_setup, ofix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
