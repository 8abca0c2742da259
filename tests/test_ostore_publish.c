/* test_ostore_publish.c - the store's publishing calls (ostore.h,
 * "publishing"): only a published item is in the feed, a withdrawn or
 * deleted one leaves it, a draft edit of a published item leaves the
 * published copy, stale versions are refused, an Idempotency-Key is one
 * item across two connections, board sources, posting rules, and a content
 * import makes its items published ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "content.h"
#include "office_feed.h"
#include "ostore.h"
#include "testdb.h"
#include "tmpdir.h"

#define NOW 1796000000
#define ITEM(id, title) "{\"id\":\"" id "\",\"category\":\"notice\",\"title\":{\"zh\":\"" title \
    "\"},\"body\":{\"zh\":\"x\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\"," \
    "\"expire_at\":\"2027-01-31T00:00:00+08:00\"}"

static char *dir, *db;
static Ostore *s;
static int64_t cid;

static int setup(void **state)
{
    (void)state;
    char *path = NULL, err[300], spec[700];
    db = testdb_scratch(&dir, &path) == 0 && testdb_fresh(path, spec, sizeof spec) == 0
         ? strdup(spec) : NULL;
    free(path);
    s = db ? ostore_open(db, err, sizeof err) : NULL;
    return s && ostore_community_add(s, "cuihu", "翠湖", "Cuihu", NOW, &cid) == OSTORE_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ostore_close(s);
    free(db);
    tmpdir_remove(dir);
    return 0;
}

/* The feed document now, as a kiosk would get it. */
static char *feed_now(void)
{
    OstoreFeed f;
    char err[300];
    assert_int_equal(office_feed_current(s, cid, NOW, &f, err, sizeof err), OFFICE_FEED_OK);
    char *doc = f.json;
    f.json = NULL;
    ostore_feed_free(&f);
    return doc;
}

static OstorePubWrite w_of(const char *id, const char *status, const char *json)
{
    return (OstorePubWrite){.community_id = cid, .list = OSTORE_NOTICES, .item_id = id,
                            .status = status, .json = json, .user = "wang", .now = NOW};
}

static void test_only_published_items_are_in_the_feed(void **state)
{
    (void)state;
    OstorePubWrite w = w_of("n1", "draft", ITEM("n1", "草稿"));
    assert_int_equal(ostore_pub_create(s, &w), OSTORE_OK);
    assert_int_equal(ostore_pub_create(s, &w), OSTORE_CONFLICT);   /* the id is taken */
    char *doc = feed_now();
    assert_null(strstr(doc, "草稿"));
    free(doc);
    /* Published: in the feed. */
    w = w_of("n1", "published", NULL);
    int64_t v;
    assert_int_equal(ostore_pub_update(s, &w, 1, &v), OSTORE_OK);
    assert_int_equal(v, 2);
    doc = feed_now();
    assert_non_null(strstr(doc, "草稿"));
    free(doc);
    /* A draft edit keeps the published copy. */
    w = w_of("n1", "draft", ITEM("n1", "改过"));
    assert_int_equal(ostore_pub_update(s, &w, 2, NULL), OSTORE_OK);
    doc = feed_now();
    assert_non_null(strstr(doc, "草稿"));
    assert_null(strstr(doc, "改过"));
    free(doc);
    OstorePub p;
    assert_int_equal(ostore_pub_get(s, cid, OSTORE_NOTICES, "n1", &p), OSTORE_OK);
    assert_string_equal(p.status, "draft");
    assert_true(p.live);
    assert_int_equal(p.version, 3);
    assert_non_null(strstr(p.json, "改过"));
    ostore_pub_free(&p);
    /* Stale: nothing changes. */
    w = w_of("n1", "published", NULL);
    assert_int_equal(ostore_pub_update(s, &w, 2, NULL), OSTORE_CONFLICT);
    assert_int_equal(ostore_pub_update(s, &w, 3, NULL), OSTORE_OK);
    doc = feed_now();
    assert_non_null(strstr(doc, "改过"));
    free(doc);
    /* Withdrawn: out of the feed, kept in the office. */
    w = w_of("n1", "withdrawn", NULL);
    assert_int_equal(ostore_pub_update(s, &w, 4, NULL), OSTORE_OK);
    doc = feed_now();
    assert_null(strstr(doc, "改过"));
    free(doc);
    assert_int_equal(ostore_pub_get(s, cid, OSTORE_NOTICES, "n1", &p), OSTORE_OK);
    assert_false(p.live);
    assert_int_not_equal(p.withdrawn_at, 0);
    ostore_pub_free(&p);
    /* Deleted (at its version), and gone. */
    assert_int_equal(ostore_pub_delete(s, cid, OSTORE_NOTICES, "n1", 4, NOW), OSTORE_CONFLICT);
    assert_int_equal(ostore_pub_delete(s, cid, OSTORE_NOTICES, "n1", 5, NOW), OSTORE_OK);
    assert_int_equal(ostore_pub_get(s, cid, OSTORE_NOTICES, "n1", &p), OSTORE_NOTFOUND);
    w = w_of("nope", "draft", NULL);
    assert_int_equal(ostore_pub_update(s, &w, 1, NULL), OSTORE_NOTFOUND);
}

static void test_idempotency_key_across_connections(void **state)
{
    (void)state;
    char err[300];
    Ostore *s2 = ostore_open(db, err, sizeof err);
    assert_non_null(s2);
    OstorePubWrite w = w_of("k1", "draft", ITEM("k1", "一次"));
    w.idem_key = "form-1";
    w.idem_hash = "h1";
    OstoreList l;
    char id[OSTORE_PUB_ID];
    assert_int_equal(ostore_pub_idem(s2, "wang", "form-1", "h1", &l, id), OSTORE_NOTFOUND);
    assert_int_equal(ostore_pub_create(s, &w), OSTORE_OK);
    /* The second connection sees the first's item under the key. */
    assert_int_equal(ostore_pub_idem(s2, "wang", "form-1", "h1", &l, id), OSTORE_OK);
    assert_int_equal(l, OSTORE_NOTICES);
    assert_string_equal(id, "k1");
    assert_int_equal(ostore_pub_idem(s2, "wang", "form-1", "h2", &l, id), OSTORE_CONFLICT);
    assert_int_equal(ostore_pub_idem(s2, "li", "form-1", "h1", &l, id), OSTORE_NOTFOUND);
    /* The same key racing in: refused by the database. */
    w.item_id = "k2";
    w.json = ITEM("k2", "两次");
    assert_int_equal(ostore_pub_create(s2, &w), OSTORE_CONFLICT);
    OstorePub p;
    assert_int_equal(ostore_pub_get(s, cid, OSTORE_NOTICES, "k2", &p), OSTORE_NOTFOUND);
    ostore_close(s2);
}

static void test_board_sources_and_posting_rules(void **state)
{
    (void)state;
    int64_t src[3] = {7, 3, 7};
    OstorePubWrite w = {.community_id = cid, .list = OSTORE_BOARD, .item_id = "b1",
                        .status = "draft", .user = "li", .now = NOW, .sources = src,
                        .n_sources = 3,
                        .json = "{\"id\":\"b1\",\"said\":{\"zh\":\"a\"},\"done\":{\"zh\":\"b\"},"
                                "\"date\":\"2026-12-01T00:00Z\"}"};
    assert_int_equal(ostore_pub_create(s, &w), OSTORE_OK);
    OstorePub p;
    assert_int_equal(ostore_pub_get(s, cid, OSTORE_BOARD, "b1", &p), OSTORE_OK);
    int64_t ids[4];
    size_t n;
    assert_int_equal(ostore_pub_sources(s, p.row, ids, 4, &n), OSTORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 3);
    assert_int_equal(ids[1], 7);
    ostore_pub_free(&p);
    int every, min;
    assert_int_equal(ostore_posting_rule(s, cid, "fund", &every, &min), OSTORE_NOTFOUND);
    assert_int_equal(ostore_set_posting_rule(s, cid, "fund", 6, 30), OSTORE_OK);
    assert_int_equal(ostore_set_posting_rule(s, cid, "fund", 6, 60), OSTORE_OK);
    assert_int_equal(ostore_posting_rule(s, cid, "fund", &every, &min), OSTORE_OK);
    assert_int_equal(every, 6);
    assert_int_equal(min, 60);
}

static int count_published(void *ud, const OstorePub *p)
{
    if (!strcmp(p->status, "published") && p->live)
        (*(int *)ud)++;
    return 0;
}

static void test_import_makes_published_items(void **state)
{
    (void)state;
    char *json = NULL;
    char err[300];
    size_t len;
    assert_int_equal(content_read_file("assets/content/sample.json", &json, &len, err,
                                       sizeof err), 0);
    OstorePubWrite w = w_of("old-1", "published", ITEM("old-1", "旧的"));
    assert_int_equal(ostore_pub_create(s, &w), OSTORE_OK);
    assert_int_equal(office_feed_import(s, cid, json, len, NOW, err, sizeof err), OFFICE_FEED_OK);
    free(json);
    int n = 0;
    assert_int_equal(ostore_pub_list(s, cid, OSTORE_NOTICES, NULL, count_published, &n),
                     OSTORE_OK);
    assert_true(n > 0);
    OstorePub p;
    assert_int_equal(ostore_pub_get(s, cid, OSTORE_NOTICES, "old-1", &p), OSTORE_OK);
    assert_string_equal(p.status, "withdrawn");   /* the import dropped it */
    ostore_pub_free(&p);
    assert_int_equal(ostore_pub_get(s, cid, OSTORE_NOTICES, "water-cut-20261203", &p),
                     OSTORE_OK);
    assert_string_equal(p.status, "published");
    assert_string_equal(p.created_by, "import");
    ostore_pub_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_published_items_are_in_the_feed),
        cmocka_unit_test(test_idempotency_key_across_connections),
        cmocka_unit_test(test_board_sources_and_posting_rules),
        cmocka_unit_test(test_import_makes_published_items),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
