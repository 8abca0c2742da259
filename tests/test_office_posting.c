/* test_office_proof.c - proof of posting from heartbeats with a fake
 * clock: a notice's record per kiosk - shown from the first heartbeat
 * that reported a version holding it, gaps for silence (no heartbeat), a
 * blank screen and other content, a dimmed night screen counted as shown,
 * a stretch still under way running to now - as text and as CSV; a notice
 * the office never served; and `officectl posting`, `officectl backup`
 * (a consistent copy; an existing file refused) on the real programs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "office_conf.h"
#include "office_feed.h"
#include "office_proof.h"
#include "officesrv.h"
#include "ostore.h"
#include "testdb.h"
#include "tmpdir.h"

/* 2026-03-14 10:00 in Asia/Shanghai. */
#define T0 1773453600LL
#define MIN 60LL
#define HOUR 3600LL

static char *dir;
static OfficeConf conf;
static Ostore *s;
static OstoreCommunity com;
static int64_t kiosk_id;
static char v1[24], v2[24];

static const char doc1[] =
    "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"notices\":[{\"id\":\"fund-2026h1\",\"category\":"
    "\"accounts\",\"title\":{\"zh\":\"维修资金使用情况公示\"},\"body\":{\"zh\":\"见附表\"},"
    "\"publish_at\":\"2026-03-14T09:00+08:00\",\"expire_at\":\"2026-04-14T09:00+08:00\"}],"
    "\"events\":[],\"channels\":[]}";
static const char doc2[] =
    "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"notices\":[{\"id\":\"water\",\"category\":"
    "\"notice\",\"title\":{\"zh\":\"停水\"},\"body\":{\"zh\":\"明天停水\"},"
    "\"publish_at\":\"2026-03-14T09:00+08:00\",\"expire_at\":\"2026-04-14T09:00+08:00\"}],"
    "\"events\":[],\"channels\":[]}";

/* Import a document at `now`; its version into v. */
static void import(const char *doc, int64_t now, char *v)
{
    char err[300];
    assert_int_equal(office_feed_import(s, com.id, doc, strlen(doc), now, err, sizeof err),
                     OFFICE_FEED_OK);
    OstoreFeed f;
    assert_int_equal(office_feed_current(s, com.id, now, &f, err, sizeof err), OFFICE_FEED_OK);
    snprintf(v, 24, "%.*s", (int)strlen(f.etag) - 2, f.etag + 1);
    ostore_feed_free(&f);
}

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    office_conf_defaults(&conf);
    conf.heartbeat_interval_min = 10;
    char db[600], err[300];
    snprintf(db, sizeof db, "%s/office.db", dir);
    s = ostore_open(db, err, sizeof err);
    if (!s || ostore_org_init(s, "o", "admin", "x", T0) != OSTORE_OK ||
        ostore_community_add(s, "cuihu", "翠湖花园", "", T0, NULL) != OSTORE_OK ||
        ostore_community_get(s, "cuihu", &com) != OSTORE_OK ||
        ostore_kiosk_add(s, com.id, "lobby-1", "h", T0, T0, &kiosk_id) != OSTORE_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ostore_close(s);
    tmpdir_remove(dir);
    return 0;
}

static void beat(int64_t at, const char *version, const char *display)
{
    OstoreHeartbeat hb = {.json = "{}", .content_version = version, .display = display,
                          .flags = "", .app_version = "", .queue = "",
                          .visible = strcmp(display, "night-blank") != 0};
    assert_int_equal(ostore_fleet_heartbeat(s, com.id, kiosk_id, &hb, 0, 30 * MIN, at),
                     OSTORE_OK);
}

static void expect_span(const ProofKiosk *k, size_t i, ProofKind kind, int64_t from,
                        int64_t to, const char *reason)
{
    assert_true(i < k->n);
    const ProofSpan *sp = &k->spans[i];
    if (sp->kind != kind || sp->from != from || sp->to != to ||
        (reason ? !sp->reason || strcmp(sp->reason, reason) != 0 : sp->reason != NULL))
        fail_msg("span %zu: got %s %+lld..%+lld min %s", i,
                 sp->kind == PROOF_SHOWN ? "shown" : "gap", (long long)(sp->from - T0) / 60,
                 (long long)(sp->to - T0) / 60, sp->reason ? sp->reason : "-");
}

/* The day of the record: on show, off, blank, dimmed, other content, on again. */
static void make_day(void)
{
    import(doc1, T0 - 2 * HOUR, v1);
    for (int64_t t = T0 - 30 * MIN; t <= T0; t += 10 * MIN)
        beat(t, v1, "day");
    /* Silent for two hours (switched off). */
    beat(T0 + 2 * HOUR, v1, "day");
    beat(T0 + 2 * HOUR + 10 * MIN, v1, "day");
    beat(T0 + 2 * HOUR + 20 * MIN, v1, "night-blank");
    beat(T0 + 2 * HOUR + 30 * MIN, v1, "night-blank");
    beat(T0 + 2 * HOUR + 40 * MIN, v1, "night");
    beat(T0 + 2 * HOUR + 50 * MIN, v1, "night");
    /* Other content (the notice was taken out), then back. */
    import(doc2, T0 + 2 * HOUR + 55 * MIN, v2);
    beat(T0 + 3 * HOUR, v2, "day");
    beat(T0 + 3 * HOUR + 10 * MIN, v2, "day");
    import(doc1, T0 + 3 * HOUR + 15 * MIN, v1);
    beat(T0 + 3 * HOUR + 20 * MIN, v1, "day");
}

static void test_record_with_gaps(void **state)
{
    (void)state;
    make_day();
    assert_string_not_equal(v1, v2);
    Proof p;
    int64_t now = T0 + 3 * HOUR + 40 * MIN;
    assert_int_equal(office_proof_make(s, &conf, &com, "fund-2026h1", now, &p), 0);
    assert_string_equal(p.title, "维修资金使用情况公示");
    assert_int_equal(p.from, T0 - HOUR);
    assert_int_equal(p.to, now);
    assert_int_equal(p.n, 1);
    const ProofKiosk *k = &p.kiosks[0];
    assert_string_equal(k->kiosk, "lobby-1");
    size_t i = 0;
    expect_span(k, i++, PROOF_GAP, T0 - HOUR, T0 - 30 * MIN, "no_heartbeat");
    expect_span(k, i++, PROOF_SHOWN, T0 - 30 * MIN, T0, NULL);
    expect_span(k, i++, PROOF_GAP, T0, T0 + 2 * HOUR, "no_heartbeat");
    expect_span(k, i++, PROOF_SHOWN, T0 + 2 * HOUR, T0 + 2 * HOUR + 10 * MIN, NULL);
    expect_span(k, i++, PROOF_GAP, T0 + 2 * HOUR + 10 * MIN, T0 + 2 * HOUR + 40 * MIN,
                "blank_screen");
    expect_span(k, i++, PROOF_SHOWN, T0 + 2 * HOUR + 40 * MIN, T0 + 2 * HOUR + 50 * MIN, NULL);
    expect_span(k, i++, PROOF_GAP, T0 + 2 * HOUR + 50 * MIN, T0 + 3 * HOUR + 20 * MIN,
                "other_content");
    /* The last heartbeat is 20 minutes old: still on show now. */
    expect_span(k, i++, PROOF_SHOWN, T0 + 3 * HOUR + 20 * MIN, now, NULL);
    assert_int_equal(k->n, i);
    assert_int_equal(k->shown_s, 30 * MIN + 10 * MIN + 10 * MIN + 20 * MIN);

    /* As text. */
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    office_proof_print(&p, f);
    fclose(f);
    assert_non_null(strstr(text, "notice fund-2026h1 \"维修资金使用情况公示\" in cuihu: window"
                                 " 2026-03-14 09:00 - 2026-03-14 13:40"));
    assert_non_null(strstr(text, "kiosk lobby-1: shown 0d 01h 10m (25.0% of the window)"));
    assert_non_null(strstr(text, "gap   2026-03-14 10:00 - 2026-03-14 12:00  0d 02h 00m  no"
                                 " heartbeat"));
    free(text);
    /* As CSV. */
    size_t len = 0;
    char *csv = office_proof_csv(&p, &len);
    assert_non_null(csv);
    assert_int_equal(strlen(csv), len);
    static const char head[] = "\xef\xbb\xbf" "community,notice,title,kiosk,kind,from,to,"
                               "seconds,reason\n";
    assert_int_equal(strncmp(csv, head, sizeof head - 1), 0);
    assert_non_null(strstr(csv, "cuihu,fund-2026h1,维修资金使用情况公示,lobby-1,shown,"
                                "2026-03-14T09:30:00+08:00,2026-03-14T10:00:00+08:00,1800,\n"));
    assert_non_null(strstr(csv, ",gap,2026-03-14T12:10:00+08:00,2026-03-14T12:40:00+08:00,1800,"
                                "blank_screen\n"));
    int rows = 0;
    for (const char *c = csv; *c; c++)
        rows += *c == '\n';
    assert_int_equal(rows, 1 + 8);
    free(csv);
    office_proof_free(&p);

    /* Later the heartbeat is old: the stretch ends at it. */
    now = T0 + 5 * HOUR;
    assert_int_equal(office_proof_make(s, &conf, &com, "fund-2026h1", now, &p), 0);
    k = &p.kiosks[0];
    expect_span(k, k->n - 1, PROOF_GAP, T0 + 3 * HOUR + 20 * MIN, now, "no_heartbeat");
    office_proof_free(&p);
}

static void test_unknown_notice(void **state)
{
    (void)state;
    make_day();
    Proof p;
    assert_int_equal(office_proof_make(s, &conf, &com, "nope", T0 + 4 * HOUR, &p), 1);
    /* A notice served but never reported by any kiosk: a window, no kiosks. */
    assert_int_equal(office_proof_make(s, &conf, &com, "water", T0 + 4 * HOUR, &p), 0);
    assert_int_equal(p.n, 1);   /* the kiosk reported, showing other content */
    assert_int_equal(p.kiosks[0].shown_s, 10 * MIN);
    office_proof_free(&p);
}

/* The programs: officectl posting and backup. */
static void test_officectl(void **state)
{
    (void)state;
    OfficeSrv o;
    char *d = tmpdir_make();
    assert_int_equal(officesrv_init(&o, d, "[kiosks]\noffice_key = none\n"), 0);
    char *file = tmpdir_path(d, "doc.json");
    assert_int_equal(tmpdir_write(file, doc1, strlen(doc1)), 0);
    char *out = NULL, *err = NULL;
    assert_int_equal(officesrv_ctl(&o, NULL, NULL, "content", "import", "cuihu", file, NULL), 0);
    assert_int_equal(officesrv_ctl(&o, &out, &err, "posting", "cuihu", "fund-2026h1", "--csv",
                                   file, NULL), 0);
    assert_non_null(strstr(out, "维修资金使用情况公示"));
    assert_non_null(strstr(out, "no kiosk reported anything"));
    free(out);
    free(err);
    char *csv = tmpdir_read(file);
    assert_non_null(csv);
    assert_int_equal(strncmp(csv, "\xef\xbb\xbf" "community,", 13), 0);
    free(csv);
    assert_int_equal(officesrv_ctl(&o, NULL, &err, "posting", "cuihu", "nope", NULL), 2);
    assert_non_null(strstr(err, "never served"));
    free(err);
    /* A backup is a whole database on its own. */
    char *copy = tmpdir_path(d, "copy.db");
    if (testdb_is_pg()) {
        /* On PostgreSQL officectl refuses and names pg_dump (docs/OFFICE.md). */
        assert_int_equal(officesrv_ctl(&o, NULL, &err, "backup", copy, NULL), 1);
        assert_non_null(strstr(err, "pg_dump"));
        free(err);
        free(copy);
        free(file);
        tmpdir_remove(d);
        return;
    }
    assert_int_equal(officesrv_ctl(&o, &out, NULL, "backup", copy, NULL), 0);
    free(out);
    char e[300];
    Ostore *b = ostore_open(copy, e, sizeof e);
    assert_non_null(b);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(b, "cuihu", &c), OSTORE_OK);
    int64_t rev = 0;
    assert_int_equal(ostore_content_rev(b, c.id, &rev), OSTORE_OK);
    assert_true(rev > 1);
    ostore_close(b);
    /* Never over an existing file. */
    assert_int_equal(officesrv_ctl(&o, NULL, &err, "backup", copy, NULL), 1);
    assert_non_null(strstr(err, "exists already"));
    free(err);
    free(copy);
    free(file);
    tmpdir_remove(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record_with_gaps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_notice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_officectl, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
