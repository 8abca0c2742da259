/* test_office_retention.c - retention (docs/OFFICE.md, "Retention") on the
 * engine of the tests (testdb.h: SQLite, or PostgreSQL under
 * scripts/pg-test.sh): a closed suggestion's text and its body as received
 * are erased retention_days after it was closed and kept until then; a
 * contact left on a closed suggestion goes at the first purge; open
 * suggestions are never touched however old; state, dates, topic, receipt
 * and the office's reply stay. The purge runs from the server's daily job
 * (office_jobs_tick, once a day) and from `officectl purge`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "office_alert.h"
#include "office_conf.h"
#include "office_retention.h"
#include "officesrv.h"
#include "ostore.h"
#include "ostore_priv.h"
#include "testdb.h"
#include "tmpdir.h"

#define T0 1796000000              /* the day the first ones were closed */
#define DAY 86400

static char *dir, *path;
static char db[700];

static int setup(void **state)
{
    (void)state;
    return testdb_scratch(&dir, &path);
}

static int teardown(void **state)
{
    (void)state;
    testdb_scratch_remove(&dir, &path);
    return 0;
}

static Ostore *fresh(void)
{
    if (testdb_fresh(path, db, sizeof db) < 0)
        fail_msg("no fresh %s database", testdb_engine());
    char err[400];
    Ostore *s = ostore_open(db, err, sizeof err);
    if (!s)
        fail_msg("ostore_open: %s", err);
    return s;
}

typedef struct {
    Ostore *s;
    int64_t cid, kid, uid;
} World;

/* A suggestion received at `at` with text `text` (and a contact when
 * `contact`); returns its id. */
static int64_t suggest(World *w, const char *key, const char *text, const char *contact,
                       int64_t at)
{
    char body[256];
    snprintf(body, sizeof body, "{\"topic\":\"repairs\",\"text\":\"%s\"}", text);
    OstoreIn in = {w->cid, w->kid, key, "hash", at};
    OstoreSuggestion sg = {.body = body, .topic = "repairs", .text = text,
                           .date = "2026-11-30", .receipt = key + 2, .lang = "zh"};
    assert_int_equal(ostore_suggestion_add(w->s, &in, &sg), OSTORE_OK);
    if (contact) {
        char ck[64];
        snprintf(ck, sizeof ck, "%s-contact", key);
        OstoreIn cin = {w->cid, w->kid, ck, "hash", at};
        assert_int_equal(ostore_contact_add(w->s, &cin, key, contact, false, false), OSTORE_OK);
    }
    int64_t id = 0;
    OstoreStmt *st = ostore_prep(w->s, "SELECT id FROM suggestion WHERE uuid = ?", "t", key);
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    id = ostore_col_int(st, 0);
    ostore_finish(st);
    return id;
}

/* Move it to `to` at `at` as the staff API does, but leaving the contact
 * when `keep_contact` (a suggestion closed another way). */
static void change(World *w, int64_t id, int64_t version, const char *from, const char *to,
                   int64_t at, const char *reply, bool keep_contact)
{
    OstoreInboxChange c = {.id = id, .version = version, .user_id = w->uid, .now = at,
                           .from = from, .to = to, .reply_zh = reply,
                           .reply_state = reply ? "published" : NULL,
                           .delete_contact = !keep_contact};
    assert_int_equal(ostore_inbox_change(w->s, &c, NULL), OSTORE_OK);
}

typedef struct {
    bool found, text_null, has_contact;
    char text[128], body[256], status[16], topic[32], receipt[16], reply[128];
    int64_t closed_at, received_at;
} Row;

static void fill_row(OstoreStmt *st, void *out)
{
    Row *r = out;
    r->found = true;
    const char *t = ostore_col_text(st, 0);
    r->text_null = t == NULL;
    snprintf(r->text, sizeof r->text, "%s", t ? t : "");
    ostore_col(st, 1, r->body, sizeof r->body);
    ostore_col(st, 2, r->status, sizeof r->status);
    ostore_col(st, 3, r->topic, sizeof r->topic);
    ostore_col(st, 4, r->receipt, sizeof r->receipt);
    ostore_col(st, 5, r->reply, sizeof r->reply);
    r->closed_at = ostore_col_int(st, 6);
    r->received_at = ostore_col_int(st, 7);
    r->has_contact = ostore_col_int(st, 8) != 0;
}

/* The row as the database holds it (not through the store's readers, so
 * a column they do not show cannot keep the text unseen). */
static Row row(World *w, int64_t id)
{
    Row r = {0};
    assert_int_equal(ostore_one(w->s, ostore_prep(w->s,
        "SELECT s.text, s.body, s.status, s.topic, s.receipt, COALESCE(s.reply_zh, ''),"
        " COALESCE(s.closed_at, 0), s.received_at,"
        " (SELECT COUNT(*) FROM contact c WHERE c.suggestion_id = s.id)"
        " FROM suggestion s WHERE s.id = ?", "i", id), fill_row, &r), OSTORE_OK);
    return r;
}

static void assert_kept(World *w, int64_t id, const char *text)
{
    Row r = row(w, id);
    assert_false(r.text_null);
    assert_string_equal(r.text, text);
    assert_non_null(strstr(r.body, text));
}

static void assert_erased(World *w, int64_t id, const char *text)
{
    Row r = row(w, id);
    assert_true(r.text_null);
    assert_string_equal(r.body, "");
    assert_null(strstr(r.body, text));
    assert_false(r.has_contact);
}

static World world(void)
{
    World w = {.s = fresh()};
    assert_int_equal(ostore_org_init(w.s, "测试物业", "admin", "$argon2id$x", T0 - 400 * DAY),
                     OSTORE_OK);
    OstoreStmt *st = ostore_prep(w.s, "SELECT id FROM staff_user WHERE name = 'admin'", "");
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    w.uid = ostore_col_int(st, 0);
    ostore_finish(st);
    assert_int_equal(ostore_community_add(w.s, "cuihu", "翠湖花园", "Cuihu", T0 - 400 * DAY,
                                          &w.cid), OSTORE_OK);
    assert_int_equal(ostore_kiosk_add(w.s, w.cid, "lobby", "code", T0, T0 - 400 * DAY, &w.kid),
                     OSTORE_OK);
    return w;
}

static void test_closed_text_erased_after_the_period_only(void **state)
{
    (void)state;
    World w = world();
    OfficeConf conf;
    office_conf_defaults(&conf);
    conf.retention_days = 30;
    /* Open ones, one of them received long ago: never purged. */
    int64_t open_old = suggest(&w, "k-OPENOLD1", "lift-noise-open", "王先生 13800000000",
                               T0 - 300 * DAY);
    int64_t acked = suggest(&w, "k-ACKED001", "door-acked", "李女士", T0 - 200 * DAY);
    change(&w, acked, 1, "new", "acknowledged", T0 - 199 * DAY, NULL, true);
    int64_t progress = suggest(&w, "k-INPROG01", "lamp-progress", NULL, T0 - 100 * DAY);
    change(&w, progress, 1, "new", "in_progress", T0 - 99 * DAY, NULL, false);
    /* Closed: done at T0 with a reply (contact deleted on closing), declined
     * at T0 + 10 days with its contact left over. */
    int64_t done = suggest(&w, "k-DONE0001", "broken-gate-done", "赵先生", T0 - 5 * DAY);
    change(&w, done, 1, "new", "done", T0, "已修好，谢谢", false);
    int64_t declined = suggest(&w, "k-DECL0001", "paint-declined", "钱女士", T0 - 5 * DAY);
    change(&w, declined, 1, "new", "declined", T0 + 10 * DAY, NULL, true);
    assert_true(row(&w, declined).has_contact);

    /* A day before the done one's period ends: no text goes; the contact
     * left on the declined one does, the open ones' stay. */
    OfficeRetentionReport rep;
    assert_int_equal(office_retention_run(w.s, &conf, T0 + 30 * DAY - 1, &rep), 0);
    assert_int_equal(rep.texts, 0);
    assert_int_equal(rep.contacts, 1);
    assert_false(row(&w, declined).has_contact);
    assert_kept(&w, done, "broken-gate-done");
    assert_kept(&w, declined, "paint-declined");
    assert_true(row(&w, open_old).has_contact);
    assert_true(row(&w, acked).has_contact);

    /* Past it: the done one's words are gone; what statistics and the
     * reply page need stays. */
    assert_int_equal(office_retention_run(w.s, &conf, T0 + 30 * DAY + 1, &rep), 0);
    assert_int_equal(rep.texts, 1);
    assert_int_equal(rep.contacts, 0);
    assert_erased(&w, done, "broken-gate-done");
    Row r = row(&w, done);
    assert_string_equal(r.status, "done");
    assert_string_equal(r.topic, "repairs");
    assert_string_equal(r.receipt, "DONE0001");
    assert_string_equal(r.reply, "已修好，谢谢");
    assert_int_equal(r.closed_at, T0);
    assert_int_equal(r.received_at, T0 - 5 * DAY);
    assert_kept(&w, declined, "paint-declined");

    /* The declined one 30 days after it was closed; then nothing is left
     * to do, and the open ones are as they were. */
    assert_int_equal(office_retention_run(w.s, &conf, T0 + 40 * DAY + 1, &rep), 0);
    assert_int_equal(rep.texts, 1);
    assert_erased(&w, declined, "paint-declined");
    assert_int_equal(office_retention_run(w.s, &conf, T0 + 400 * DAY, &rep), 0);
    assert_int_equal(rep.texts, 0);
    assert_int_equal(rep.contacts, 0);
    assert_kept(&w, open_old, "lift-noise-open");
    assert_kept(&w, acked, "door-acked");
    assert_kept(&w, progress, "lamp-progress");
    assert_true(row(&w, open_old).has_contact);
    assert_true(row(&w, acked).has_contact);

    /* The inbox reads a purged one without its text. */
    int64_t counts[6];
    OstoreInboxQuery q = {.community_id = w.cid, .now = T0 + 400 * DAY};
    assert_int_equal(ostore_inbox_counts(w.s, &q, counts), OSTORE_OK);
    assert_int_equal(counts[3], 1);   /* done */
    assert_int_equal(counts[4], 1);   /* declined */
    ostore_close(w.s);
}

static void test_daily_job_purges_once_a_day(void **state)
{
    (void)state;
    World w = world();
    OfficeConf conf;
    office_conf_defaults(&conf);
    conf.retention_days = 0;            /* erased at the next purge */
    int64_t a = suggest(&w, "k-JOBA0001", "first-closed", NULL, T0 - DAY);
    change(&w, a, 1, "new", "done", T0, NULL, false);
    assert_int_equal(office_jobs_tick(w.s, &conf, T0 + 60), 0);
    assert_erased(&w, a, "first-closed");
    /* Closed after today's run: it waits for tomorrow's. */
    int64_t b = suggest(&w, "k-JOBB0001", "second-closed", NULL, T0 - DAY);
    change(&w, b, 1, "new", "declined", T0 + 120, NULL, false);
    assert_int_equal(office_jobs_tick(w.s, &conf, T0 + 3600), 0);
    assert_kept(&w, b, "second-closed");
    assert_int_equal(office_jobs_tick(w.s, &conf, T0 + DAY + 60), 0);
    assert_erased(&w, b, "second-closed");
    ostore_close(w.s);
}

/* `officectl purge` on a real office's settings (the clock is the real
 * one: the dates are set around today). */
static void test_officectl_purge(void **state)
{
    (void)state;
    char *odir = tmpdir_path(dir, "office");
    assert_int_equal(mkdir(odir, 0700), 0);
    OfficeSrv srv;
    assert_int_equal(officesrv_init(&srv, odir, "[retention]\nretention_days = 30\n"), 0);
    char err[400];
    World w = {.s = ostore_open(srv.db, err, sizeof err)};
    assert_non_null(w.s);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(w.s, "cuihu", &c), OSTORE_OK);
    w.cid = c.id;
    OstoreStmt *st = ostore_prep(w.s, "SELECT id FROM staff_user WHERE name = 'admin'", "");
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    w.uid = ostore_col_int(st, 0);
    ostore_finish(st);
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(ostore_kiosk_add(w.s, w.cid, "lobby", "code", now, now, &w.kid), OSTORE_OK);
    int64_t old = suggest(&w, "k-CTLOLD01", "closed-long-ago", NULL, now - 40 * DAY);
    change(&w, old, 1, "new", "done", now - 31 * DAY, NULL, false);
    int64_t recent = suggest(&w, "k-CTLNEW01", "closed-lately", "孙先生", now - 40 * DAY);
    change(&w, recent, 1, "new", "done", now - 29 * DAY, NULL, true);
    int64_t open = suggest(&w, "k-CTLOPN01", "still-open", NULL, now - 400 * DAY);
    char *out = NULL, *cerr = NULL;
    int rc = officesrv_ctl(&srv, &out, &cerr, "purge", NULL);
    if (rc != 0)
        fail_msg("officectl purge: %d %s", rc, cerr ? cerr : "");
    assert_non_null(strstr(out, "purged: 1 suggestion texts (closed over 30 days ago), 1 contacts"));
    /* Nothing a resident typed is printed. */
    assert_null(strstr(out, "closed-long-ago"));
    assert_null(strstr(cerr, "closed-long-ago"));
    free(out);
    free(cerr);
    assert_erased(&w, old, "closed-long-ago");
    assert_kept(&w, recent, "closed-lately");
    assert_false(row(&w, recent).has_contact);
    assert_kept(&w, open, "still-open");
    ostore_close(w.s);
    free(odir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_text_erased_after_the_period_only),
        cmocka_unit_test(test_daily_job_purges_once_a_day),
        cmocka_unit_test(test_officectl_purge),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
