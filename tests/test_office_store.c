/* test_office_store.c - the office's storage interface (ostore.h) on
 * SQLite, or on PostgreSQL when OFFICE_TEST_DB says so (testdb.h):
 * migrations step by step, two writers racing for one code or key, tenancy, enrolment codes used once (by the database, also
 * from a second connection), tokens, exactly-once receiving by
 * idempotency key, content items and the feed's revisions, group commit
 * (a call answered is committed; one call's failure undoes its own writes). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "content.h"
#include "office_feed.h"
#include "office_secret.h"
#include "ostore.h"
#include "ostore_priv.h"
#include "testdb.h"
#include "tmpdir.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#define NOW 1796000000

static char *dir, *path;
static char db[700];   /* the spec: path, or the PostgreSQL database (testdb.h) */

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

static Ostore *open_store(void)
{
    char err[400];
    Ostore *s = ostore_open(db, err, sizeof err);
    if (!s)
        fail_msg("ostore_open: %s", err);
    return s;
}

/* A fresh database per test. */
static Ostore *fresh(void)
{
    if (testdb_fresh(path, db, sizeof db) < 0)
        fail_msg("no fresh %s database", testdb_engine());
    return open_store();
}

static int64_t community(Ostore *s, const char *slug)
{
    int64_t id = 0;
    assert_int_equal(ostore_community_add(s, slug, "翠湖花园", "Cuihu", NOW, &id), OSTORE_OK);
    return id;
}

static void test_schema_is_migrated_and_newer_refused(void **state)
{
    (void)state;
    Ostore *s = fresh();
    assert_int_equal(ostore_schema_version(s), OSTORE_SCHEMA);
    ostore_close(s);
    s = open_store();   /* again: nothing to do */
    assert_int_equal(ostore_schema_version(s), OSTORE_SCHEMA);
    ostore_close(s);
    s = open_store();   /* a later program's migration 99 was applied */
    assert_int_equal(ostore_exec(s, "INSERT INTO ostore_schema (version, applied_at)"
                                    " VALUES (99, 0)"), OSTORE_OK);
    ostore_close(s);
    char err[400];
    assert_null(ostore_open(db, err, sizeof err));
    assert_non_null(strstr(err, "newer"));
    /* A server that is not there: the engine named, the password not. */
    assert_null(ostore_open("postgresql://nobody:s3cret@127.0.0.1:1/office", err, sizeof err));
    assert_non_null(strstr(err, "PostgreSQL"));
    assert_null(strstr(err, "s3cret"));
    char shown[200];
    ostore_spec_display("postgresql://office:s3cret@db.example.cn/lobby", shown, sizeof shown);
    assert_string_equal(shown, "postgresql://office:***@db.example.cn/lobby");
    ostore_spec_display("postgresql:///lobby?host=/run&password=s3cret&user=x", shown,
                        sizeof shown);
    assert_string_equal(shown, "postgresql:///lobby?host=/run&password=***&user=x");
    ostore_spec_display("/var/lib/lobby-office/office.db", shown, sizeof shown);
    assert_string_equal(shown, "/var/lib/lobby-office/office.db");
}

/* Every step of the list: a database this program left at schema N-1
 * (its own migrations up to there, with data) migrates to N, keeping the
 * data, with every step recorded in ostore_schema. */
static void test_each_migration_step(void **state)
{
    (void)state;
    char err[400];
    for (int v = 1; v < OSTORE_SCHEMA; v++) {
        assert_int_equal(testdb_fresh(path, db, sizeof db), 0);
        Ostore *s = ostore_open_upto(db, v, err, sizeof err);
        if (!s)
            fail_msg("schema %d: %s", v, err);
        assert_int_equal(ostore_schema_version(s), v);
        int64_t cid = community(s, "cuihu");
        ostore_close(s);
        s = open_store();
        assert_int_equal(ostore_schema_version(s), OSTORE_SCHEMA);
        OstoreCommunity c;
        assert_int_equal(ostore_community_get(s, "cuihu", &c), OSTORE_OK);
        assert_int_equal(c.id, cid);
        assert_string_equal(c.name_zh, "翠湖花园");
        char salt[40] = "x";
        assert_int_equal(ostore_reply_salt(s, cid, salt, sizeof salt), OSTORE_OK);
        assert_string_equal(salt, "");   /* migration 2's column, with its default */
        /* One row per step, 1..N. */
        OstoreStmt *st = ostore_prep(s, "SELECT count(*), min(version), max(version)"
                                        " FROM ostore_schema", "");
        assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
        assert_int_equal(ostore_col_int(st, 0), OSTORE_SCHEMA);
        assert_int_equal(ostore_col_int(st, 1), 1);
        assert_int_equal(ostore_col_int(st, 2), OSTORE_SCHEMA);
        ostore_finish(st);
        ostore_close(s);
    }
}

/* A SQLite database from before the shared schema table kept its version
 * in PRAGMA user_version: it is adopted, not migrated again. */
static void test_sqlite_user_version_adopted(void **state)
{
    (void)state;
    if (testdb_is_pg())
        skip();
    char err[400];
    assert_int_equal(testdb_fresh(path, db, sizeof db), 0);
    Ostore *s = ostore_open_upto(db, 2, err, sizeof err);
    assert_non_null(s);
    community(s, "cuihu");
    assert_int_equal(ostore_exec(s, "DROP TABLE ostore_schema; PRAGMA user_version = 2"),
                     OSTORE_OK);
    ostore_close(s);
    s = ostore_open(db, err, sizeof err);
    if (!s)
        fail_msg("%s", err);   /* migrations 1 and 2 again would fail: tables exist */
    assert_int_equal(ostore_schema_version(s), OSTORE_SCHEMA);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(s, "cuihu", &c), OSTORE_OK);
    ostore_close(s);
}

/* Two processes at once, held exactly at the race: the first has done its
 * write in an open transaction when the second starts the same one. The
 * second waits (a row or write lock) and then gets the answer the
 * database's constraint gives: a code is used once, a key stored once (the
 * same body DUPLICATE, not an error; another body CONFLICT). */
typedef struct {
    const char *what;
    const char *hash, *token;
    const OstoreIn *in;
    const OstoreSuggestion *sg;
    OstoreResult r;
} Racer;

static void *racer(void *arg)
{
    Racer *r = arg;
    char err[400];
    Ostore *s = ostore_open(db, err, sizeof err);
    if (!s) {
        r->r = (OstoreResult)-1;
        return NULL;
    }
    OstoreKiosk k;
    r->r = strcmp(r->what, "redeem") == 0 ? ostore_enrol_redeem(s, r->hash, r->token, NOW, &k)
                                          : ostore_suggestion_add(s, r->in, r->sg);
    ostore_close(s);
    return NULL;
}

static OstoreResult race(Ostore *first, Racer *second)
{
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, racer, second), 0);
    assert_int_equal(ostore_commit(first), OSTORE_OK);
    pthread_join(th, NULL);
    return second->r;
}

static void test_two_writers_at_once(void **state)
{
    (void)state;
    Ostore *s = fresh();
    int64_t cid = community(s, "cuihu"), kid;
    char hash[OSTORE_HASH_HEX];
    office_hash_hex("2345-6789", 9, hash);
    assert_int_equal(ostore_kiosk_add(s, cid, "lobby-1", hash, NOW + 86400, NOW, &kid),
                     OSTORE_OK);
    OstoreKiosk k;
    assert_int_equal(ostore_begin(s), OSTORE_OK);
    assert_int_equal(ostore_enrol_redeem(s, hash, "token-a", NOW, &k), OSTORE_OK);
    Racer r = {.what = "redeem", .hash = hash, .token = "token-b"};
    assert_int_equal(race(s, &r), OSTORE_CONFLICT);
    assert_int_equal(ostore_kiosk_by_token(s, "token-a", NOW, &k), OSTORE_OK);
    assert_int_equal(ostore_kiosk_by_token(s, "token-b", NOW, &k), OSTORE_NOTFOUND);

    OstoreIn in = {cid, kid, "7d1c0a7e-0b53-4b1e-a0c4-2f9d5e3b8a61", "hash-a", NOW};
    OstoreSuggestion sg = {.body = "{}", .topic = "repairs", .text = "电梯", .date = "2026-12-01",
                           .receipt = "HJKM6789", .lang = "zh"};
    assert_int_equal(ostore_begin(s), OSTORE_OK);
    assert_int_equal(ostore_suggestion_add(s, &in, &sg), OSTORE_OK);
    Racer same = {.what = "add", .in = &in, .sg = &sg};
    assert_int_equal(race(s, &same), OSTORE_DUPLICATE);

    OstoreIn in2 = {cid, kid, "0e6f3c2a-5d4b-4a8e-b1f7-9c2d8e4a6b13", "hash-b", NOW}, other = in2;
    other.body_hash = "hash-c";
    assert_int_equal(ostore_begin(s), OSTORE_OK);
    assert_int_equal(ostore_suggestion_add(s, &in2, &sg), OSTORE_OK);
    Racer diff = {.what = "add", .in = &other, .sg = &sg};
    assert_int_equal(race(s, &diff), OSTORE_CONFLICT);
    OstoreCounts n;
    assert_int_equal(ostore_counts(s, cid, &n), OSTORE_OK);
    assert_int_equal(n.suggestions, 2);
    ostore_close(s);
}

static void test_organisation_and_communities(void **state)
{
    (void)state;
    Ostore *s = fresh();
    char name[100], pw[200], role[20];
    assert_int_equal(ostore_org_name(s, name, sizeof name), OSTORE_NOTFOUND);
    assert_int_equal(ostore_org_init(s, "物业公司", "admin", "$argon2id$x", NOW), OSTORE_OK);
    assert_int_equal(ostore_org_init(s, "again", "admin2", "$argon2id$y", NOW), OSTORE_CONFLICT);
    assert_int_equal(ostore_org_name(s, name, sizeof name), OSTORE_OK);
    assert_string_equal(name, "物业公司");
    assert_int_equal(ostore_user_pwhash(s, "admin", pw, sizeof pw, role, sizeof role), OSTORE_OK);
    assert_string_equal(pw, "$argon2id$x");
    assert_string_equal(role, "admin");
    /* A sign-in replacing the hash (office_password_outdated). */
    OstoreUser u;
    assert_int_equal(ostore_user_get(s, "admin", &u), OSTORE_OK);
    assert_int_equal(ostore_user_set_pwhash(s, u.id, "$argon2id$z'; --"), OSTORE_OK);
    assert_int_equal(ostore_user_pwhash(s, "admin", pw, sizeof pw, role, sizeof role), OSTORE_OK);
    assert_string_equal(pw, "$argon2id$z'; --");
    assert_int_equal(ostore_user_set_pwhash(s, u.id + 1000, "$argon2id$y"), OSTORE_NOTFOUND);
    assert_int_equal(ostore_user_pwhash(s, "admin2", pw, sizeof pw, role, sizeof role),
                     OSTORE_NOTFOUND);   /* the failed init left nothing behind */

    community(s, "cuihu");
    assert_int_equal(ostore_community_add(s, "cuihu", "x", NULL, NOW, NULL), OSTORE_CONFLICT);
    /* SQL metacharacters are data. */
    const char *evil = "x'); DROP TABLE community; --";
    assert_int_equal(ostore_community_add(s, "evil", evil, NULL, NOW, NULL), OSTORE_OK);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(s, "evil", &c), OSTORE_OK);
    assert_string_equal(c.name_zh, evil);
    assert_int_equal(ostore_community_get(s, "nope", &c), OSTORE_NOTFOUND);
    ostore_close(s);
}

static void test_enrolment_code_is_used_once(void **state)
{
    (void)state;
    Ostore *s = fresh(), *s2 = open_store();
    int64_t cid = community(s, "cuihu");
    char code[OFFICE_CODE_SIZE], hash[OSTORE_HASH_HEX], t1[OSTORE_HASH_HEX], t2[OSTORE_HASH_HEX];
    office_code_new(code);
    office_hash_hex(code, strlen(code), hash);
    office_hash_hex("token-1", 7, t1);
    office_hash_hex("token-2", 7, t2);
    int64_t kid;
    assert_int_equal(ostore_kiosk_add(s, cid, "lobby-1", hash, NOW + 86400, NOW, &kid), OSTORE_OK);
    assert_int_equal(ostore_kiosk_add(s, cid, "lobby-1", "other", NOW + 86400, NOW, NULL),
                     OSTORE_CONFLICT);
    OstoreKiosk k;
    assert_int_equal(ostore_kiosk_by_token(s, t1, NOW, &k), OSTORE_NOTFOUND);
    assert_int_equal(ostore_enrol_redeem(s, hash, t1, NOW + 10, &k), OSTORE_OK);
    assert_int_equal(k.id, kid);
    assert_string_equal(k.community, "cuihu");
    assert_int_equal(k.enrolled_at, NOW + 10);
    /* A second use, from another connection, is refused by the database. */
    assert_int_equal(ostore_enrol_redeem(s2, hash, t2, NOW + 20, &k), OSTORE_CONFLICT);
    assert_int_equal(ostore_kiosk_by_token(s2, t2, NOW, &k), OSTORE_NOTFOUND);
    assert_int_equal(ostore_kiosk_by_token(s2, t1, NOW + 30, &k), OSTORE_OK);
    assert_string_equal(k.name, "lobby-1");
    assert_int_equal(ostore_enrol_redeem(s, "no-such-code", t2, NOW, &k), OSTORE_NOTFOUND);

    /* An expired code is not taken. */
    char code2[OFFICE_CODE_SIZE], hash2[OSTORE_HASH_HEX];
    office_code_new(code2);
    office_hash_hex(code2, strlen(code2), hash2);
    assert_int_equal(ostore_kiosk_add(s, cid, "lobby-2", hash2, NOW + 100, NOW, NULL), OSTORE_OK);
    assert_int_equal(ostore_enrol_redeem(s, hash2, t2, NOW + 100, &k), OSTORE_NOTFOUND);

    /* Revoked: the token stops working, new codes are refused. */
    assert_int_equal(ostore_kiosk_revoke(s, kid, NOW + 40), OSTORE_OK);
    assert_int_equal(ostore_kiosk_revoke(s, kid, NOW + 41), OSTORE_NOTFOUND);
    assert_int_equal(ostore_kiosk_by_token(s2, t1, NOW + 50, &k), OSTORE_NOTFOUND);
    assert_int_equal(ostore_kiosk_new_code(s, kid, "h3", NOW + 999, NOW + 50), OSTORE_NOTFOUND);
    OstoreCounts n;
    assert_int_equal(ostore_counts(s, cid, &n), OSTORE_OK);
    assert_int_equal(n.kiosks, 2);
    assert_int_equal(n.kiosks_live, 0);
    ostore_close(s2);
    ostore_close(s);
}

static int count_rows(void *ud, const OstoreSuggestionRow *r)
{
    int *n = ud;
    (*n)++;
    assert_string_equal(r->text, "灯坏了");
    return 0;
}

static void test_received_exactly_once_by_key(void **state)
{
    (void)state;
    Ostore *s = fresh(), *s2 = open_store();
    int64_t cid = community(s, "cuihu");
    int64_t kid;
    assert_int_equal(ostore_kiosk_add(s, cid, "k", "code", NOW + 9, NOW, &kid), OSTORE_OK);
    OstoreIn in = {cid, kid, "3f0c1e52-8a4b-4c6e-9d2a-5b7e1f0a9c33", "hash-a", NOW};
    OstoreSuggestion sg = {.body = "{...}", .topic = "repairs", .text = "灯坏了",
                           .date = "2026-03-14", .receipt = "HJKM6789", .lang = "zh"};
    assert_int_equal(ostore_suggestion_add(s, &in, &sg), OSTORE_OK);
    assert_int_equal(ostore_suggestion_add(s2, &in, &sg), OSTORE_DUPLICATE);
    OstoreIn other = in;
    other.body_hash = "hash-b";
    assert_int_equal(ostore_suggestion_add(s2, &other, &sg), OSTORE_CONFLICT);
    /* The key is unique across kinds too. */
    assert_int_equal(ostore_rating_add(s, &other, "2026-12", 4), OSTORE_CONFLICT);
    int rows = 0;
    assert_int_equal(ostore_suggestion_list(s, cid, count_rows, &rows), OSTORE_OK);
    assert_int_equal(rows, 1);

    /* Contacts: only for a suggestion of the same community, once. */
    OstoreIn ck = {cid, kid, "3f0c1e52-8a4b-4c6e-9d2a-5b7e1f0a9c33:contact", "hash-c", NOW};
    OstoreIn bad = {cid, kid, "nope:contact", "hash-d", NOW};
    assert_int_equal(ostore_contact_add(s, &bad, "nope", "王先生", false, false), OSTORE_NOTFOUND);
    assert_int_equal(ostore_contact_add(s, &ck, in.key, "王先生", false, false), OSTORE_OK);
    assert_int_equal(ostore_contact_add(s2, &ck, in.key, "王先生", false, false), OSTORE_DUPLICATE);

    /* Ratings: counted once per key. */
    OstoreIn r1 = {cid, kid, "r-1", "h1", NOW}, r2 = {cid, kid, "r-2", "h2", NOW};
    assert_int_equal(ostore_rating_add(s, &r1, "2026-12", 4), OSTORE_OK);
    assert_int_equal(ostore_rating_add(s2, &r1, "2026-12", 4), OSTORE_DUPLICATE);
    assert_int_equal(ostore_rating_add(s, &r2, "2026-12", 4), OSTORE_OK);
    int64_t counts[6];
    assert_int_equal(ostore_rating_counts(s, cid, "2026-12", counts), OSTORE_OK);
    assert_int_equal(counts[4], 2);
    assert_int_equal(counts[5], 0);

    /* A sealed one the office cannot open is kept, flagged. */
    OstoreIn u = {cid, kid, "sealed-1", "h5", NOW};
    OstoreSuggestion unreadable = {.body = "{\"sealed\":\"...\"}", .sealed = true,
                                   .unreadable = true};
    assert_int_equal(ostore_suggestion_add(s, &u, &unreadable), OSTORE_OK);
    OstoreCounts n;
    assert_int_equal(ostore_counts(s, 0, &n), OSTORE_OK);
    assert_int_equal(n.suggestions, 2);
    assert_int_equal(n.unreadable, 1);
    assert_int_equal(n.contacts, 1);
    assert_int_equal(n.ratings, 2);
    ostore_close(s2);
    ostore_close(s);
}

static int collect_ids(void *ud, const char *item_id, const char *json)
{
    (void)json;
    strcat(ud, item_id);
    strcat(ud, ",");
    return 0;
}

static void test_items_revisions_and_feed(void **state)
{
    (void)state;
    Ostore *s = fresh();
    int64_t cid = community(s, "cuihu");
    int64_t r0, r1, r2;
    assert_int_equal(ostore_content_rev(s, cid, &r0), OSTORE_OK);
    assert_int_equal(ostore_item_put(s, cid, OSTORE_NOTICES, "b", "{\"id\":\"b\"}", NOW),
                     OSTORE_OK);
    assert_int_equal(ostore_item_put(s, cid, OSTORE_NOTICES, "a", "{\"id\":\"a\"}", NOW),
                     OSTORE_OK);
    assert_int_equal(ostore_item_put(s, cid, OSTORE_NOTICES, "b", "{\"id\":\"b\",\"x\":1}", NOW),
                     OSTORE_OK);
    assert_int_equal(ostore_content_rev(s, cid, &r1), OSTORE_OK);
    assert_true(r1 >= r0 + 3);
    char ids[100] = "";
    assert_int_equal(ostore_item_list(s, cid, OSTORE_NOTICES, collect_ids, ids), OSTORE_OK);
    assert_string_equal(ids, "b,a,");   /* a replaced item keeps its place */
    assert_int_equal(ostore_item_delete(s, cid, OSTORE_NOTICES, "zz", NOW), OSTORE_NOTFOUND);
    assert_int_equal(ostore_item_delete(s, cid, OSTORE_NOTICES, "a", NOW), OSTORE_OK);
    assert_int_equal(ostore_content_rev(s, cid, &r2), OSTORE_OK);
    assert_true(r2 > r1);

    /* An older revision never replaces a newer feed. */
    OstoreFeed f;
    assert_int_equal(ostore_feed_get(s, cid, &f), OSTORE_NOTFOUND);
    assert_int_equal(ostore_feed_put(s, cid, r2, "new", 3, "\"n\"", NOW), OSTORE_OK);
    assert_int_equal(ostore_feed_put(s, cid, r1, "old", 3, "\"o\"", NOW), OSTORE_OK);
    assert_int_equal(ostore_feed_get(s, cid, &f), OSTORE_OK);
    assert_string_equal(f.json, "new");
    assert_int_equal(f.rev, r2);
    ostore_feed_free(&f);

    /* A transaction the caller holds is all or nothing. */
    assert_int_equal(ostore_begin(s), OSTORE_OK);
    assert_int_equal(ostore_item_clear(s, cid, NOW), OSTORE_OK);
    ostore_rollback(s);
    ids[0] = '\0';
    assert_int_equal(ostore_item_list(s, cid, OSTORE_NOTICES, collect_ids, ids), OSTORE_OK);
    assert_string_equal(ids, "b,");
    ostore_close(s);
}

static void test_feed_import_and_generation(void **state)
{
    (void)state;
    Ostore *s = fresh();
    int64_t cid = community(s, "cuihu");
    char *buf = tmpdir_read("assets/content/sample.json");
    assert_non_null(buf);
    char err[400];
    assert_int_equal(office_feed_import(s, cid, buf, strlen(buf), NOW, err, sizeof err),
                     OFFICE_FEED_OK);
    OstoreFeed f;
    assert_int_equal(office_feed_current(s, cid, NOW, &f, err, sizeof err), OFFICE_FEED_OK);
    assert_non_null(strstr(f.json, "翠湖花园社区"));
    assert_non_null(strstr(f.json, "water-cut-20261203"));
    char etag[40];
    snprintf(etag, sizeof etag, "%s", f.etag);
    ostore_feed_free(&f);
    /* Unchanged content: the same document and ETag. */
    assert_int_equal(office_feed_current(s, cid, NOW + 5, &f, err, sizeof err), OFFICE_FEED_OK);
    assert_string_equal(f.etag, etag);
    ostore_feed_free(&f);

    /* An invalid document changes nothing and says where. */
    const char *bad = "{\"site\":{\"name\":{\"zh\":\"x\"}},\"notices\":[{\"id\":\"n\"}],"
                      "\"events\":[],\"channels\":[]}";
    assert_int_equal(office_feed_import(s, cid, bad, strlen(bad), NOW, err, sizeof err),
                     OFFICE_FEED_INVALID);
    assert_non_null(strstr(err, "notices[0]"));
    assert_int_equal(office_feed_current(s, cid, NOW, &f, err, sizeof err), OFFICE_FEED_OK);
    assert_string_equal(f.etag, etag);
    ostore_feed_free(&f);

    /* A new notice gives a new document with it. */
    const char *notice = "{\"id\":\"lift-20261205\",\"category\":\"repairs\","
                         "\"title\":{\"zh\":\"电梯维修\"},\"body\":{\"zh\":\"3号楼电梯周六维修\"},"
                         "\"publish_at\":\"2026-12-01T09:00:00+08:00\","
                         "\"expire_at\":\"2026-12-31T00:00:00+08:00\"}";
    char id[80];
    assert_int_equal(office_feed_check_item(OSTORE_NOTICES, notice, id, sizeof id, err,
                                            sizeof err), OFFICE_FEED_OK);
    assert_string_equal(id, "lift-20261205");
    assert_int_equal(office_feed_check_item(OSTORE_NOTICES, "{\"id\":\"x\"}", id, sizeof id,
                                            err, sizeof err), OFFICE_FEED_INVALID);
    assert_int_equal(ostore_item_put(s, cid, OSTORE_NOTICES, id, notice, NOW), OSTORE_OK);
    assert_int_equal(office_feed_current(s, cid, NOW, &f, err, sizeof err), OFFICE_FEED_OK);
    assert_string_not_equal(f.etag, etag);
    assert_non_null(strstr(f.json, "电梯维修"));
    ostore_feed_free(&f);
    free(buf);
    ostore_close(s);
}

static void test_replies_are_sealed_in_the_feed(void **state)
{
    (void)state;
    Ostore *s = fresh();
    int64_t cid = community(s, "cuihu");
    char err[400];
    /* A plain document's replies are sealed on import. */
    const char *doc = "{\"site\":{\"name\":{\"zh\":\"翠湖\"}},\"notices\":[],\"events\":[],"
                      "\"channels\":[],\"replies\":[{\"receipt\":\"7KQ4-M2XD\",\"status\":\"done\","
                      "\"updated_at\":\"2026-11-27T16:30:00+08:00\",\"reply\":{\"zh\":\"路灯已修好\"}}]}";
    assert_int_equal(office_feed_import(s, cid, doc, strlen(doc), NOW, err, sizeof err),
                     OFFICE_FEED_OK);
    ReplyFeedItem r = {.receipt = "HJKM6789", .status = REPLY_IN_PROGRESS,
                       .reply_zh = "已派人查看", .updated_at = NOW};
    assert_int_equal(office_feed_put_reply(s, cid, &r, NOW, err, sizeof err), OFFICE_FEED_OK);
    ReplyFeedItem bad = {.receipt = "nope", .status = REPLY_DONE, .updated_at = NOW};
    assert_int_equal(office_feed_put_reply(s, cid, &bad, NOW, err, sizeof err),
                     OFFICE_FEED_INVALID);
    OstoreFeed f;
    assert_int_equal(office_feed_current(s, cid, NOW, &f, err, sizeof err), OFFICE_FEED_OK);
    /* The feed holds neither a code nor a reply in the clear. */
    assert_non_null(strstr(f.json, "\"reply_salt\""));
    assert_null(strstr(f.json, "7KQ4"));
    assert_null(strstr(f.json, "HJKM6789"));
    assert_null(strstr(f.json, "路灯"));
    assert_null(strstr(f.json, "已派人"));
    /* The kiosk's own code opens each with its code, and only with it. */
    Content *c = content_parse(f.json, f.len, err, sizeof err);
    assert_non_null(c);
    Reply *out = NULL;
    assert_int_equal(content_open_reply(c, "7kq4m2xd", &out), CONTENT_REPLY_FOUND);
    assert_string_equal(out->reply.zh, "路灯已修好");
    content_reply_free(out);
    assert_int_equal(content_open_reply(c, "HJKM-6789", &out), CONTENT_REPLY_FOUND);
    assert_int_equal(out->status, REPLY_IN_PROGRESS);
    content_reply_free(out);
    assert_int_equal(content_open_reply(c, "2345-6789", &out), CONTENT_REPLY_NONE);
    content_free(c);
    ostore_feed_free(&f);
    ostore_close(s);
}

static void test_codes_and_tokens(void **state)
{
    (void)state;
    char a[OFFICE_CODE_SIZE], b[OFFICE_CODE_SIZE], n[OFFICE_CODE_SIZE];
    office_code_new(a);
    office_code_new(b);
    assert_int_equal(strlen(a), 9);
    assert_int_equal(a[4], '-');
    assert_string_not_equal(a, b);
    assert_true(office_code_normalise("7kq4 m2xd", n));
    assert_string_equal(n, "7KQ4-M2XD");
    assert_true(office_code_normalise(a, n));
    assert_string_equal(n, a);
    assert_false(office_code_normalise("7KQ4-M2X", n));      /* too short */
    assert_false(office_code_normalise("7KQ4-M2XD0", n));    /* too long */
    assert_false(office_code_normalise("OKQ4-M2XD", n));     /* O is not in the alphabet */
    char t[OFFICE_TOKEN_SIZE];
    office_token_new(t);
    assert_int_equal(strlen(t), 64);
}


/* ---- group commit ---- */

#define GROUP_N 8
typedef struct {
    OstoreGroup *g;
    Ostore *look;           /* a connection to look with (the committer has its own) */
    int i;
    int64_t cid, kid;
    char key[40];
    OstoreResult r;
    bool seen;              /* visible to another connection once answered */
} GroupCall;

static OstoreGroup *group_g;
static atomic_int group_first_in;   /* the first call is inside its batch */

static OstoreResult group_add(Ostore *s, void *arg)
{
    GroupCall *c = arg;
    char hash[OSTORE_HASH_HEX];
    office_hash_hex(c->key, strlen(c->key), hash);
    OstoreIn in = {c->cid, c->kid, c->key, hash, NOW};
    OstoreSuggestion sg = {.body = "{}", .topic = "repairs", .text = "路灯", .date = "2026-12-01",
                           .receipt = "HJKM6789", .lang = "zh"};
    OstoreResult r = ostore_suggestion_add(s, &in, &sg);
    if (c->i == 0) {
        atomic_store(&group_first_in, 1);
        /* The first batch holds until every other call waits: they make
         * the second batch together (no clock involved). */
        int64_t commits, jobs;
        int waiting = 0;
        for (long spins = 0; waiting < GROUP_N - 1 && spins < 200000000L; spins++) {
            ostore_group_stats(group_g, &commits, &jobs, &waiting);
            sched_yield();
        }
    }
    if (c->i == 3 && r == OSTORE_OK)
        return OSTORE_CONFLICT;   /* wrote, then failed: only its own writes go */
    return r;
}

static void *group_thread(void *arg)
{
    GroupCall *c = arg;
    c->r = ostore_group_run(c->g, group_add, c, NULL, 0);
    /* Acknowledged means committed: another connection sees it now. */
    if (c->r == OSTORE_OK) {
        OstoreStmt *st = ostore_prep(c->look, "SELECT COUNT(*) FROM suggestion WHERE uuid = ?",
                                     "t", c->key);
        c->seen = st && ostore_step(st) == OSTORE_STEP_ROW && ostore_col_int(st, 0) == 1;
        ostore_finish(st);
    }
    return NULL;
}

static void test_group_commit(void **state)
{
    (void)state;
    Ostore *s = fresh();
    int64_t cid = community(s, "cuihu"), kid;
    char hash[OSTORE_HASH_HEX];
    office_hash_hex("2345-6789", 9, hash);
    assert_int_equal(ostore_kiosk_add(s, cid, "lobby-1", hash, NOW + 86400, NOW, &kid),
                     OSTORE_OK);
    char err[300];
    group_g = ostore_group_new(db, err, sizeof err);
    if (!group_g)
        fail_msg("ostore_group_new: %s", err);
    GroupCall c[GROUP_N];
    pthread_t t[GROUP_N];
    for (int i = 0; i < GROUP_N; i++) {
        c[i] = (GroupCall){.g = group_g, .i = i, .cid = cid, .kid = kid,
                           .look = open_store()};
        snprintf(c[i].key, sizeof c[i].key, "group-%d", i);
    }
    strcpy(c[5].key, "group-4");      /* the same key and body twice in one batch */
    /* The first call alone, then the rest while it holds its batch. */
    atomic_store(&group_first_in, 0);
    assert_int_equal(pthread_create(&t[0], NULL, group_thread, &c[0]), 0);
    for (long spins = 0; !atomic_load(&group_first_in) && spins < 200000000L; spins++)
        sched_yield();
    assert_true(atomic_load(&group_first_in));
    for (int i = 1; i < GROUP_N; i++)
        assert_int_equal(pthread_create(&t[i], NULL, group_thread, &c[i]), 0);
    for (int i = 0; i < GROUP_N; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < GROUP_N; i++) {
        ostore_close(c[i].look);
    }
    int64_t commits = 0, jobs = 0;
    int waiting = 0;
    ostore_group_stats(group_g, &commits, &jobs, &waiting);
    assert_int_equal(jobs, GROUP_N);
    assert_int_equal(commits, 2);      /* eight calls, two commits */
    for (int i = 0; i < GROUP_N; i++) {
        if (i == 3) {
            assert_int_equal(c[i].r, OSTORE_CONFLICT);
        } else if (i == 5 || i == 4) {
            assert_true(c[i].r == OSTORE_OK || c[i].r == OSTORE_DUPLICATE);
            assert_true(c[i].seen || c[i].r == OSTORE_DUPLICATE);
        } else {
            assert_int_equal(c[i].r, OSTORE_OK);
            assert_true(c[i].seen);
        }
    }
    assert_true((c[4].r == OSTORE_OK) != (c[5].r == OSTORE_OK));   /* stored once */
    /* The failed call's own write was undone, nobody else's. */
    OstoreCounts n;
    assert_int_equal(ostore_counts(s, cid, &n), OSTORE_OK);
    assert_int_equal(n.suggestions, GROUP_N - 2);
    ostore_group_free(group_g);
    ostore_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_is_migrated_and_newer_refused),
        cmocka_unit_test(test_each_migration_step),
        cmocka_unit_test(test_sqlite_user_version_adopted),
        cmocka_unit_test(test_two_writers_at_once),
        cmocka_unit_test(test_organisation_and_communities),
        cmocka_unit_test(test_enrolment_code_is_used_once),
        cmocka_unit_test(test_received_exactly_once_by_key),
        cmocka_unit_test(test_items_revisions_and_feed),
        cmocka_unit_test(test_feed_import_and_generation),
        cmocka_unit_test(test_replies_are_sealed_in_the_feed),
        cmocka_unit_test(test_codes_and_tokens),
        cmocka_unit_test(test_group_commit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
