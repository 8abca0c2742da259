/* test_outbox.c - the suggestion outbox: stored exactly, anonymous, immutable, capped, durable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "store.h"
#include "timeutil.h"
#include "outbox_fix.h"
#include "tmpdir.h"


static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* Push that must succeed; returns the receipt in a static buffer. */
static const char *push_ok(Outbox *ob, const char *topic, const char *text,
                           const char *contact, int64_t now)
{
    static char receipt[OUTBOX_RECEIPT_SIZE];
    char err[300];
    OutboxResult r = outbox_push(ob, topic, text, contact, "zh", now, receipt, err, sizeof err);
    if (r != OUTBOX_OK)
        fail_msg("push: %s: %s", outbox_result_name(r), err);
    assert_int_equal(strlen(receipt), OUTBOX_RECEIPT_LEN);
    return receipt;
}

/* The stored payload of a receipt, parsed. */
static json_t *payload_of(sqlite3 *db, const char *receipt)
{
    char *sql = sqlite3_mprintf("SELECT payload FROM submissions WHERE receipt = %Q", receipt);
    char *p = ofix_q_text(db, sql);
    sqlite3_free(sql);
    assert_non_null(p);
    json_error_t e;
    json_t *j = json_loads(p, JSON_REJECT_DUPLICATES, &e);
    free(p);
    assert_non_null(j);
    return j;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

/* Repeat a UTF-8 character n times into a malloc'd string. */
static char *repeat(const char *ch, int n)
{
    size_t k = strlen(ch);
    char *s = malloc(k * (size_t)n + 1);
    for (int i = 0; i < n; i++)
        memcpy(s + k * (size_t)i, ch, k);
    s[k * (size_t)n] = '\0';
    return s;
}

static bool uuid_v4(const char *s)
{
    if (strlen(s) != 36 || s[14] != '4' || !strchr("89ab", s[19]))
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
            return false;
    }
    return true;
}

static void test_push_and_read_back(void **state)
{
    Fix *f = *state;
    const char *text = "东门路灯坏了，晚上很黑。\n请尽快修理 \"thanks\" \\ 🙏";
    char receipt[OUTBOX_RECEIPT_SIZE];
    snprintf(receipt, sizeof receipt, "%s",
             push_ok(f->ob, "repairs", text, NULL, ofix_at("2026-03-14T23:59:30+08:00")));
    for (const char *p = receipt; *p; p++)
        assert_non_null(strchr(OUTBOX_RECEIPT_ALPHABET, *p));

    json_t *j = payload_of(f->raw, receipt);
    assert_int_equal(json_object_size(j), 7);
    assert_int_equal(json_integer_value(json_object_get(j, "v")), 1);
    assert_true(uuid_v4(jstr(j, "id")));
    assert_string_equal(jstr(j, "topic"), "repairs");
    assert_string_equal(jstr(j, "text"), text);
    assert_string_equal(jstr(j, "date"), "2026-03-14");    /* local date, Asia/Shanghai */
    assert_string_equal(jstr(j, "receipt"), receipt);
    assert_string_equal(jstr(j, "lang"), "zh");

    OutboxMeta m;
    char shown[OUTBOX_RECEIPT_SIZE], typed[OUTBOX_RECEIPT_SIZE];
    outbox_format_receipt(receipt, shown);
    for (int i = 0; shown[i]; i++)     /* as a person might type it */
        typed[i] = (char)(shown[i] >= 'A' && shown[i] <= 'Z' ? shown[i] + 32 : shown[i]);
    typed[9] = '\0';
    assert_int_equal(outbox_get_by_receipt(f->ob, typed, &m), 1);
    assert_string_equal(m.id, jstr(j, "id"));
    assert_string_equal(m.receipt, receipt);
    assert_string_equal(m.topic, "repairs");
    assert_string_equal(m.lang, "zh");
    assert_string_equal(m.day, "2026-03-14");
    assert_string_equal(m.state, "waiting");
    assert_false(m.has_contact);
    json_decref(j);

    /* One second after midnight is the next day. */
    const char *r2 = push_ok(f->ob, "noise", "楼上装修太吵", NULL, ofix_at("2026-03-15T00:00:01+08:00"));
    assert_int_equal(outbox_get_by_receipt(f->ob, r2, &m), 1);
    assert_string_equal(m.day, "2026-03-15");

    OutboxCounts c;
    assert_int_equal(outbox_counts(f->ob, &c), 0);
    assert_int_equal(c.waiting, 2);
    assert_int_equal(c.queued_rows, 2);
    assert_int_equal(c.queued_bytes,
                     ofix_q_int(f->raw, "SELECT sum(length(CAST(payload AS BLOB))) FROM submissions"));
    assert_int_equal(outbox_get_by_receipt(f->ob, "2222-2222", &m), 0);
    assert_int_equal(outbox_get_by_receipt(f->ob, "not a receipt", &m), 0);
}

static void test_schema_orders_nothing(void **state)
{
    Fix *f = *state;
    push_ok(f->ob, "fees", "物业费明细能否公示", "3栋501", ofix_at("2026-03-14T09:15:00+08:00"));
    /* The columns, exactly: no timestamp, no counter. */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(f->raw, "SELECT group_concat(name, ',') FROM"
                     " pragma_table_info('submissions')", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0),
                        "id,receipt,topic,lang,day,payload,bytes,state");
    sqlite3_finalize(st);
    char *cols = ofix_q_text(f->raw, "SELECT group_concat(name, ',') FROM pragma_table_info('contacts')");
    assert_string_equal(cols, "submission_id,contact");
    free(cols);
    /* WITHOUT ROWID: there is no rowid to order by. */
    for (const char *t = "submissions\0contacts\0flags\0deliveries\0uploader_state\0"; *t;
         t += strlen(t) + 1) {
        char *sql = sqlite3_mprintf("SELECT sql FROM sqlite_master WHERE name = %Q", t);
        char *ddl = ofix_q_text(f->raw, sql);
        sqlite3_free(sql);
        assert_non_null(ddl);
        assert_non_null(strstr(ddl, "WITHOUT ROWID"));
        assert_null(strcasestr(ddl, "AUTOINCREMENT"));
        free(ddl);
        sql = sqlite3_mprintf("SELECT rowid FROM %s", t);
        assert_int_not_equal(sqlite3_prepare_v2(f->raw, sql, -1, &st, NULL), SQLITE_OK);
        sqlite3_free(sql);
    }
    /* The date is a date: ten characters, and the schema refuses more. */
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions WHERE length(day) = 10"
                           " AND day GLOB '2026-03-14'"), 1);
    assert_int_not_equal(exec(f->raw, "INSERT INTO submissions (id, receipt, topic, lang, day,"
                              " payload, bytes) VALUES ('123456789012345678901234567890123456',"
                              " 'ACDEFGHJ', 'fees', 'zh', '2026-03-14 09:15', '{}', 2)"), SQLITE_OK);
    /* No stored time of day anywhere in the row. */
    char *row = ofix_q_text(f->raw, "SELECT id || receipt || topic || lang || day || payload ||"
                       " bytes || state FROM submissions");
    assert_null(strstr(row, "09:15"));
    assert_null(strstr(row, "T09"));
    free(row);
}

static void test_payload_is_frozen(void **state)
{
    Fix *f = *state;
    const char *r = push_ok(f->ob, "service", "保安很负责，表扬", "138 0013 8000",
                            ofix_at("2026-03-14T10:00:00+08:00"));
    char *sql = sqlite3_mprintf("SELECT payload FROM submissions WHERE receipt = %Q", r);
    char *before = ofix_q_text(f->raw, sql);
    assert_int_equal(exec(f->raw, "UPDATE submissions SET payload = '{}'"), SQLITE_CONSTRAINT);
    assert_non_null(strstr(sqlite3_errmsg(f->raw), "immutable"));
    assert_int_equal(exec(f->raw, "UPDATE submissions SET payload = payload"), SQLITE_CONSTRAINT);
    assert_int_equal(exec(f->raw, "UPDATE submissions SET day = '2026-01-01'"), SQLITE_CONSTRAINT);
    assert_int_equal(exec(f->raw, "UPDATE submissions SET id = upper(id)"), SQLITE_CONSTRAINT);
    assert_int_equal(exec(f->raw, "UPDATE contacts SET contact = 'x'"), SQLITE_CONSTRAINT);
    /* The state is what later stages change. */
    assert_int_equal(exec(f->raw, "UPDATE submissions SET state = 'delivered'"), SQLITE_OK);
    assert_int_not_equal(exec(f->raw, "UPDATE submissions SET state = 'lost'"), SQLITE_OK);
    char *after = ofix_q_text(f->raw, sql);
    assert_string_equal(before, after);
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(f->ob, r, &m), 1);
    assert_string_equal(m.state, "delivered");
    sqlite3_free(sql);
    free(before);
    free(after);
}

static void test_contact_stored_apart(void **state)
{
    Fix *f = *state;
    const char *contact = "13800138000 3栋2单元501";
    char receipt[OUTBOX_RECEIPT_SIZE];
    snprintf(receipt, sizeof receipt, "%s", push_ok(f->ob, "parking", "地下车库有车占消防通道",
                                                    contact, ofix_at("2026-03-14T10:00:00+08:00")));
    json_t *j = payload_of(f->raw, receipt);
    assert_null(json_object_get(j, "contact"));
    char *sql = sqlite3_mprintf("SELECT payload FROM submissions WHERE receipt = %Q", receipt);
    char *payload = ofix_q_text(f->raw, sql);
    sqlite3_free(sql);
    assert_null(strstr(payload, "13800138000"));
    assert_null(strstr(payload, "单元"));
    free(payload);
    sql = sqlite3_mprintf("SELECT contact FROM contacts WHERE submission_id = %Q", jstr(j, "id"));
    char *stored = ofix_q_text(f->raw, sql);
    sqlite3_free(sql);
    assert_string_equal(stored, contact);
    free(stored);
    json_decref(j);
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(f->ob, receipt, &m), 1);
    assert_true(m.has_contact);

    /* Blank contacts are no contact; a contact is one line. */
    push_ok(f->ob, "parking", "还是车位的事", " \u3000 ", ofix_at("2026-03-14T10:00:00+08:00"));
    push_ok(f->ob, "parking", "再说一次", "", ofix_at("2026-03-14T10:00:00+08:00"));
    push_ok(f->ob, "parking", "最后一次", "a\r\nb\tc", ofix_at("2026-03-14T10:00:00+08:00"));
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM contacts"), 2);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM contacts WHERE contact = 'a b c'"), 1);
    /* Deleting a submission takes its contact with it. */
    assert_int_equal(exec(f->raw, "DELETE FROM submissions"), SQLITE_OK);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM contacts"), 0);
}

static int cmp_code(const void *a, const void *b)
{
    return memcmp(a, b, OUTBOX_RECEIPT_LEN);
}

static void test_receipt_codes(void **state)
{
    (void)state;
    const char *alpha = OUTBOX_RECEIPT_ALPHABET;
    size_t na = strlen(alpha);
    assert_true(na >= 28);
    for (const char *c = "01OIL"; *c; c++)
        assert_null(strchr(alpha, *c));
    for (size_t i = 0; i < na; i++)                  /* no repeats in the alphabet */
        assert_ptr_equal(strchr(alpha, alpha[i]), alpha + i);

    enum { N = 10000 };
    char (*codes)[OUTBOX_RECEIPT_LEN + 1] = calloc(N, sizeof *codes);
    int freq[128] = {0};
    for (int i = 0; i < N; i++) {
        outbox_new_receipt(codes[i]);
        assert_int_equal(strlen(codes[i]), OUTBOX_RECEIPT_LEN);
        for (int k = 0; k < OUTBOX_RECEIPT_LEN; k++) {
            assert_non_null(strchr(alpha, codes[i][k]));
            freq[(int)codes[i][k]]++;
        }
    }
    qsort(codes, N, sizeof *codes, cmp_code);
    for (int i = 1; i < N; i++)
        assert_int_not_equal(cmp_code(codes[i - 1], codes[i]), 0);
    free(codes);
    /* Uniform: each symbol about N * 8 / 28 = 2857 times (sd about 52). */
    double expect = (double)N * OUTBOX_RECEIPT_LEN / (double)na;
    for (size_t i = 0; i < na; i++) {
        int n = freq[(int)alpha[i]];
        if (n < expect * 0.9 || n > expect * 1.1)
            fail_msg("symbol %c came %d times, expected about %.0f", alpha[i], n, expect);
    }

    char out[OUTBOX_RECEIPT_SIZE], raw[OUTBOX_RECEIPT_LEN + 1];
    outbox_format_receipt("ACDE2345", out);
    assert_string_equal(out, "ACDE-2345");
    assert_int_equal(outbox_parse_receipt("acde-2345", raw), 0);
    assert_string_equal(raw, "ACDE2345");
    assert_int_equal(outbox_parse_receipt(" HJKM 8zsb ", raw), 0);   /* look-alikes read */
    assert_string_equal(raw, "HJKM8258");
    assert_int_equal(outbox_parse_receipt("ACDE-234", raw), -1);
    assert_int_equal(outbox_parse_receipt("ACDE-23456", raw), -1);
    assert_int_equal(outbox_parse_receipt("ACDE-2O45", raw), -1);
}

/* A generator replaying a fixed list of codes. */
typedef struct { const char *const *codes; int n, i; } Script;
static void scripted(char raw[OUTBOX_RECEIPT_LEN + 1], void *ctx)
{
    Script *s = ctx;
    snprintf(raw, OUTBOX_RECEIPT_LEN + 1, "%s", s->codes[s->i < s->n ? s->i : s->n - 1]);
    s->i++;
}

static void test_receipt_collision_retried(void **state)
{
    Fix *f = *state;
    static const char *const codes[] = {"ACDE2345", "ACDE2345", "ACDE2345", "HJKM6789"};
    Script s = {codes, 4, 0};
    outbox_set_receipt_gen(f->ob, scripted, &s);
    int64_t now = ofix_at("2026-03-14T10:00:00+08:00");
    assert_string_equal(push_ok(f->ob, "other", "第一条", NULL, now), "ACDE2345");
    assert_string_equal(push_ok(f->ob, "other", "第二条", "联系我", now), "HJKM6789");
    assert_int_equal(s.i, 4);                     /* two codes were taken: tried again */
    /* A generator that only repeats itself gives up instead of looping. */
    Script stuck = {codes, 1, 0};
    outbox_set_receipt_gen(f->ob, scripted, &stuck);
    char receipt[OUTBOX_RECEIPT_SIZE] = "x", err[200];
    assert_int_equal(outbox_push(f->ob, "other", "第三条", NULL, "zh", now, receipt, err,
                                 sizeof err), OUTBOX_IO);
    assert_string_equal(receipt, "");
    assert_true(stuck.i > 1 && stuck.i < 100);
    outbox_set_receipt_gen(f->ob, NULL, NULL);
    push_ok(f->ob, "other", "第三条", NULL, now);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), 3);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM contacts"), 1);
}

static bool flag_listed(Outbox *ob, const char *name, OutboxFlag *out)
{
    OutboxFlag flags[16];
    int n = outbox_flags_list(ob, flags, 16);
    assert_true(n >= 0 && n <= 16);
    for (int i = 0; i < n; i++)
        if (strcmp(flags[i].name, name) == 0) {
            if (out)
                *out = flags[i];
            return true;
        }
    return false;
}

static void test_caps_refuse_and_flag(void **state)
{
    Fix *f = *state;
    outbox_close(f->ob);
    OutboxLimits lim = {3, 1 << 20, NULL};
    f->ob = ofix_open(f->dir, &lim);
    int64_t now = ofix_at("2026-03-14T10:00:00+08:00");
    for (int i = 0; i < 3; i++)
        push_ok(f->ob, "cleaning", "垃圾桶满了", NULL, now);
    char receipt[OUTBOX_RECEIPT_SIZE] = "x", err[200];
    assert_false(flag_listed(f->ob, "queue_full", NULL));
    assert_int_equal(outbox_push(f->ob, "cleaning", "第四条秘密内容", "13800138000", "zh", now,
                                 receipt, err, sizeof err), OUTBOX_FULL);
    assert_string_equal(receipt, "");
    assert_null(strstr(err, "秘密"));
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), 3);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM contacts"), 0);
    OutboxFlag fl;
    assert_true(flag_listed(f->ob, "queue_full", &fl));
    assert_false(fl.in_memory);
    assert_string_equal(fl.raised_on, "2026-03-14");
    assert_null(strstr(fl.detail, "秘密"));
    assert_null(strstr(fl.detail, "13800138000"));
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM flags WHERE name = 'queue_full'"), 1);
    /* Rows handed on no longer count. */
    assert_int_equal(exec(f->raw, "UPDATE submissions SET state = 'delivered'"
                          " WHERE id = (SELECT min(id) FROM submissions)"), SQLITE_OK);
    push_ok(f->ob, "cleaning", "第四条", NULL, now);
    assert_int_equal(outbox_push(f->ob, "cleaning", "第五条", NULL, "zh", now, receipt, err,
                                 sizeof err), OUTBOX_FULL);

    /* The byte cap: payloads of about 1 KB against 2.5 KB. */
    outbox_close(f->ob);
    assert_int_equal(exec(f->raw, "DELETE FROM submissions"), SQLITE_OK);
    lim = (OutboxLimits){100, 2500, NULL};
    f->ob = ofix_open(f->dir, &lim);
    char *text = repeat("字", 300);
    push_ok(f->ob, "cleaning", text, NULL, now);
    push_ok(f->ob, "cleaning", text, NULL, now);
    assert_int_equal(outbox_push(f->ob, "cleaning", text, NULL, "zh", now, receipt, err,
                                 sizeof err), OUTBOX_FULL);
    OutboxCounts c;
    assert_int_equal(outbox_counts(f->ob, &c), 0);
    assert_int_equal(c.waiting, 2);
    assert_true(c.queued_bytes <= 2500);
    /* Small enough to fit exactly what is left still goes in. */
    push_ok(f->ob, "cleaning", "短", NULL, now);
    free(text);
}

static void test_disk_full_loses_nothing(void **state)
{
    Fix *f = *state;
    int64_t now = ofix_at("2026-03-14T10:00:00+08:00");
    char first[OUTBOX_RECEIPT_SIZE];
    snprintf(first, sizeof first, "%s", push_ok(f->ob, "safety", "消防通道堵了", NULL, now));
    sqlite3 *db = outbox_db(f->ob);
    char sql[80];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
             ofix_q_int(db, "PRAGMA page_count") + 1);
    assert_true(ofix_q_int(db, sql) > 0);

    char *text = repeat("满", 500);
    char receipt[OUTBOX_RECEIPT_SIZE], err[200];
    OutboxResult r = OUTBOX_OK;
    long long subs = 0, contacts = 0;
    int tries;
    for (tries = 0; tries < 100; tries++) {
        subs = ofix_q_int(f->raw, "SELECT count(*) FROM submissions");
        contacts = ofix_q_int(f->raw, "SELECT count(*) FROM contacts");
        r = outbox_push(f->ob, "safety", text, "13800138000", "zh", now, receipt, err, sizeof err);
        if (r != OUTBOX_OK)
            break;
    }
    assert_int_equal(r, OUTBOX_IO);
    assert_true(tries >= 1);           /* the page of headroom took at least one */
    assert_string_equal(receipt, "");
    assert_non_null(strstr(err, "full"));
    assert_null(strstr(err, "满"));
    /* Nothing half-written: neither the submission nor its contact. */
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), subs);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM contacts"), contacts);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions s LEFT JOIN contacts c"
                           " ON c.submission_id = s.id WHERE c.contact IS NULL"), 1);
    OutboxFlag fl;
    /* Stored if the flags table had room on a page, else in memory (the
     * read-only test below covers that path for sure). */
    assert_true(flag_listed(f->ob, "commit_failed", &fl));
    assert_non_null(strstr(fl.detail, "full"));
    assert_null(strstr(fl.detail, "满"));

    /* Space is freed: the same draft goes in, and the flag reaches the disk. */
    assert_true(ofix_q_int(db, "PRAGMA max_page_count = 1000000") > 0);
    push_ok(f->ob, "safety", text, "13800138000", now);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), subs + 1);
    assert_true(flag_listed(f->ob, "commit_failed", &fl));
    assert_false(fl.in_memory);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM flags WHERE name = 'commit_failed'"), 1);
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(f->ob, first, &m), 1);
    char *ok = ofix_q_text(f->raw, "PRAGMA integrity_check");
    assert_string_equal(ok, "ok");
    free(ok);
    free(text);
}

static void test_read_only_keeps_flag_in_memory(void **state)
{
    Fix *f = *state;
    int64_t now = ofix_at("2026-03-14T10:00:00+08:00");
    /* query_only stands in for a read-only disk (a root test process
     * cannot make a file unwritable): every write fails with
     * SQLITE_READONLY, the flag's too. */
    assert_int_equal(exec(outbox_db(f->ob), "PRAGMA query_only = ON"), SQLITE_OK);
    char receipt[OUTBOX_RECEIPT_SIZE], err[200];
    assert_int_equal(outbox_push(f->ob, "noise", "半夜广场舞", NULL, "zh", now, receipt, err,
                                 sizeof err), OUTBOX_IO);
    assert_string_equal(receipt, "");
    assert_non_null(strstr(err, "read"));
    OutboxFlag fl;
    assert_true(flag_listed(f->ob, "commit_failed", &fl));
    assert_true(fl.in_memory);
    assert_string_equal(fl.raised_on, "2026-03-14");
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM flags"), 0);
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), 0);
    /* A flag raised directly is kept in memory too. */
    assert_int_equal(outbox_flag_raise(f->ob, "upload_failing", "HTTP 503", now), 1);

    assert_int_equal(exec(outbox_db(f->ob), "PRAGMA query_only = OFF"), SQLITE_OK);
    push_ok(f->ob, "noise", "半夜广场舞", NULL, now + 86400);
    assert_true(flag_listed(f->ob, "commit_failed", &fl));
    assert_false(fl.in_memory);
    assert_string_equal(fl.raised_on, "2026-03-14");   /* when it happened, not when written */
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM flags"), 2);
}

static void test_pragmas(void **state)
{
    Fix *f = *state;
    sqlite3 *db = outbox_db(f->ob);
    char *mode = ofix_q_text(db, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal");
    free(mode);
    assert_int_equal(ofix_q_int(db, "PRAGMA synchronous"), 2);    /* FULL */
    assert_int_equal(ofix_q_int(db, "PRAGMA secure_delete"), 1);
    assert_int_equal(ofix_q_int(db, "PRAGMA foreign_keys"), 1);
    /* The content store's connection deletes securely too. */
    char err[200];
    Store *s = store_open(f->dir, err, sizeof err);
    assert_non_null(s);
    store_close(s);
    assert_int_equal(ofix_q_int(f->raw, "PRAGMA user_version"), 3);
}

static void expect_invalid(Fix *f, const char *topic, const char *text, const char *contact,
                           const char *lang)
{
    char receipt[OUTBOX_RECEIPT_SIZE] = "x", err[200] = "";
    long long before = ofix_q_int(f->raw, "SELECT count(*) FROM submissions");
    OutboxResult r = outbox_push(f->ob, topic, text, contact, lang,
                                 ofix_at("2026-03-14T10:00:00+08:00"), receipt, err, sizeof err);
    if (r != OUTBOX_INVALID)
        fail_msg("expected INVALID, got %s", outbox_result_name(r));
    assert_string_equal(receipt, "");
    assert_true(err[0] != '\0');
    if (text && strlen(text) > 3)
        assert_null(strstr(err, text));
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM submissions"), before);
}

static void test_invalid_input(void **state)
{
    Fix *f = *state;
    int64_t now = ofix_at("2026-03-14T10:00:00+08:00");
    expect_invalid(f, "repairs", "", NULL, "zh");
    expect_invalid(f, "repairs", NULL, NULL, "zh");
    expect_invalid(f, "repairs", " \n\t\u3000\u00A0\r\n", NULL, "zh");
    expect_invalid(f, "repairs", "\x01\x02\x7f\u202E\uFEFF", NULL, "zh");   /* empty once cleaned */
    char *t501 = repeat("长", 501), *t500 = repeat("长", 500);
    expect_invalid(f, "repairs", t501, NULL, "zh");
    push_ok(f->ob, "repairs", t500, NULL, now);
    /* Controls do not count towards the limit: they are gone. */
    char *padded = malloc(strlen(t500) + 20);
    sprintf(padded, "\x01\x02%s\u202E\x7f", t500);
    push_ok(f->ob, "repairs", padded, NULL, now);
    expect_invalid(f, "unknown", "好", NULL, "zh");
    expect_invalid(f, NULL, "好", NULL, "zh");
    expect_invalid(f, "Repairs", "好", NULL, "zh");
    expect_invalid(f, "repairs", "好", NULL, "fr");
    expect_invalid(f, "repairs", "好", NULL, NULL);
    char *c101 = repeat("联", 101), *c100 = repeat("联", 100);
    expect_invalid(f, "repairs", "好", c101, "zh");
    push_ok(f->ob, "repairs", "好", c100, now);

    /* Invalid UTF-8 and hidden controls are cleaned, not refused. */
    char receipt[OUTBOX_RECEIPT_SIZE];
    snprintf(receipt, sizeof receipt, "%s",
             push_ok(f->ob, "other", "好\xff\xfe\xe4\xb8 a\u202Eb\r\nc\x1b", NULL, now));
    json_t *j = payload_of(f->raw, receipt);
    assert_string_equal(jstr(j, "text"), "好\uFFFD\uFFFD\uFFFD ab\nc");
    json_decref(j);
    free(t501);
    free(t500);
    free(padded);
    free(c101);
    free(c100);
}

static void test_flags(void **state)
{
    Fix *f = *state;
    int64_t d1 = ofix_at("2026-03-14T10:00:00+08:00"), d2 = ofix_at("2026-03-20T10:00:00+08:00");
    assert_int_equal(outbox_flag_raise(f->ob, "queue_full", "first", d1), 0);
    assert_int_equal(outbox_flag_raise(f->ob, "commit_failed", "disk\nfull\x1b", d1), 0);
    assert_int_equal(outbox_flag_raise(f->ob, "queue_full", "second", d2), 0);
    assert_int_equal(outbox_flag_raise(f->ob, "Bad Name", "x", d1), -1);
    assert_int_equal(outbox_flag_raise(f->ob, "", "x", d1), -1);
    OutboxFlag fl[4];
    assert_int_equal(outbox_flags_list(f->ob, fl, 4), 2);
    assert_string_equal(fl[0].name, "commit_failed");      /* by name */
    assert_string_equal(fl[0].detail, "disk full");         /* one clean line */
    assert_string_equal(fl[1].name, "queue_full");
    assert_string_equal(fl[1].raised_on, "2026-03-14");     /* first raised */
    assert_string_equal(fl[1].detail, "second");
    assert_int_equal(outbox_flags_list(f->ob, fl, 1), 2);   /* the count, beyond max */
    assert_int_equal(outbox_flags_list(f->ob, NULL, 0), 2);
    assert_int_equal(outbox_flag_clear(f->ob, "queue_full"), 0);
    assert_int_equal(outbox_flags_list(f->ob, fl, 4), 1);
    assert_string_equal(fl[0].name, "commit_failed");
    assert_int_equal(outbox_flag_clear(f->ob, "no_such_flag"), 0);
    /* Another connection (staff mode, kioskctl) sees them. */
    assert_int_equal(ofix_q_int(f->raw, "SELECT count(*) FROM flags"), 1);
}

static void test_topics(void **state)
{
    Fix *f = *state;
    const char *ids[OUTBOX_MAX_TOPICS];
    assert_int_equal(outbox_topics(f->ob, ids, OUTBOX_MAX_TOPICS), 8);
    assert_string_equal(ids[0], "cleaning");
    assert_string_equal(ids[7], "other");

    OutboxLimits lim = {0, 0, " lifts , gardens,other "};
    Outbox *ob = ofix_open(f->dir, &lim);
    assert_int_equal(outbox_topics(ob, ids, 2), 3);
    assert_string_equal(ids[1], "gardens");
    push_ok(ob, "lifts", "电梯异响", NULL, ofix_at("2026-03-14T10:00:00+08:00"));
    char receipt[OUTBOX_RECEIPT_SIZE], err[200];
    assert_int_equal(outbox_push(ob, "repairs", "电梯异响", NULL, "zh", 0, receipt, err,
                                 sizeof err), OUTBOX_INVALID);
    outbox_close(ob);

    static const char *const bad[] = {"", "a,,b", "a,A", "a,a", "a b", "a;b",
        "0123456789012345678901234567890123", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lim.topics = bad[i];
        err[0] = '\0';
        assert_null(outbox_open(f->dir, &lim, err, sizeof err));
        if (strncmp(err, "topics: ", 8) != 0)
            fail_msg("\"%s\": %s", bad[i], err);
    }
    outbox_close(NULL);
}

static void test_open_errors(void **state)
{
    Fix *f = *state;
    char *file = tmpdir_path(f->dir, "plain-file");
    assert_int_equal(tmpdir_write(file, "x", 1), 0);
    char err[300] = "";
    assert_null(outbox_open(file, NULL, err, sizeof err));
    assert_non_null(strstr(err, "not a directory"));
    free(file);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, ofix_setup, ofix_teardown)
    const struct CMUnitTest tests[] = {
        T(test_push_and_read_back),
        T(test_schema_orders_nothing),
        T(test_payload_is_frozen),
        T(test_contact_stored_apart),
        T(test_receipt_codes),
        T(test_receipt_collision_retried),
        T(test_caps_refuse_and_flag),
        T(test_disk_full_loses_nothing),
        T(test_read_only_keeps_flag_in_memory),
        T(test_pragmas),
        T(test_invalid_input),
        T(test_flags),
        T(test_topics),
        T(test_open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
