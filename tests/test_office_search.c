/* test_office_search.c - the inbox's text search through its index
 * (ostore_search.c, migration 11) on the engine of the tests (testdb.h:
 * SQLite, or PostgreSQL under scripts/pg-test.sh): every search gives
 * exactly the rows, in the order and pages, of the plain LIKE scan
 * (Ostore.search_scan) under every filter and per-community authorisation:
 * Chinese of 1, 2 and 3+ characters, English in any case, LIKE's own
 * characters (% _ \), quotes, four-byte characters, bytes that are not
 * UTF-8, and more matches than the index lists (OSTORE_SEARCH_CAP); the
 * migration indexes the rows already there; a purged text's words are
 * neither found nor left in the index. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ostore.h"
#include "ostore_priv.h"
#include "testdb.h"
#include "tmpdir.h"

#define T0 1796000000
#define DAY 86400
#define HOUR 3600

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

static Ostore *open_upto(int v)
{
    char err[400];
    Ostore *s = ostore_open_upto(db, v, err, sizeof err);
    if (!s)
        fail_msg("ostore_open: %s", err);
    return s;
}

typedef struct {
    Ostore *s;
    int64_t cid[2], kid[3], admin, manager;
    int n;
} World;

static World world_at(int schema)
{
    if (testdb_fresh(path, db, sizeof db) < 0)
        fail_msg("no fresh %s database", testdb_engine());
    World w = {.s = open_upto(schema)};
    assert_int_equal(ostore_org_init(w.s, "测试物业", "admin", "$argon2id$x", T0 - 400 * DAY),
                     OSTORE_OK);
    OstoreStmt *st = ostore_prep(w.s, "SELECT id FROM staff_user WHERE name = 'admin'", "");
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    w.admin = ostore_col_int(st, 0);
    ostore_finish(st);
    assert_int_equal(ostore_community_add(w.s, "cuihu", "翠湖花园", "Cuihu", T0 - 400 * DAY,
                                          &w.cid[0]), OSTORE_OK);
    assert_int_equal(ostore_community_add(w.s, "lanting", "兰亭苑", "Lanting", T0 - 400 * DAY,
                                          &w.cid[1]), OSTORE_OK);
    assert_int_equal(ostore_kiosk_add(w.s, w.cid[0], "east", "c1", T0, T0 - 400 * DAY,
                                      &w.kid[0]), OSTORE_OK);
    assert_int_equal(ostore_kiosk_add(w.s, w.cid[0], "west", "c2", T0, T0 - 400 * DAY,
                                      &w.kid[1]), OSTORE_OK);
    assert_int_equal(ostore_kiosk_add(w.s, w.cid[1], "gate", "c3", T0, T0 - 400 * DAY,
                                      &w.kid[2]), OSTORE_OK);
    assert_int_equal(ostore_user_add(w.s, "wang", "$argon2id$x", "manager", &w.cid[0], 1,
                                     T0 - 400 * DAY, &w.manager), OSTORE_OK);
    return w;
}

/* A suggestion at kiosk k (0..2), `ago` seconds before T0; its id. */
static int64_t suggest(World *w, int k, const char *topic, const char *text, int64_t ago)
{
    char key[40];
    snprintf(key, sizeof key, "k-%d", w->n++);
    OstoreIn in = {w->cid[k == 2], w->kid[k], key, "hash", T0 - ago};
    OstoreSuggestion sg = {.body = "{}", .topic = topic, .text = text, .date = "2026-11-30",
                           .receipt = "R", .lang = "zh", .unreadable = text == NULL,
                           .sealed = text == NULL};
    assert_int_equal(ostore_suggestion_add(w->s, &in, &sg), OSTORE_OK);
    OstoreStmt *st = ostore_prep(w->s, "SELECT id FROM suggestion WHERE uuid = ?", "t", key);
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    int64_t id = ostore_col_int(st, 0);
    ostore_finish(st);
    return id;
}

static void move(World *w, int64_t id, const char *to)
{
    OstoreInboxChange c = {.id = id, .version = 1, .user_id = w->admin, .now = T0,
                           .from = "new", .to = to};
    assert_int_equal(ostore_inbox_change(w->s, &c, NULL), OSTORE_OK);
}

/* Every row a query gives, page after page (as the API's cursor does):
 * their ids in order, -1 after the last. */
typedef struct {
    int64_t ids[4000];
    int n, page;
    int64_t last_received, last_id;
    int last_phase;
} Walk;

static int walk_row(void *ud, const OstoreInboxRow *r)
{
    Walk *k = ud;
    assert_true(k->n < 3999);
    k->ids[k->n++] = r->id;
    k->page++;
    k->last_received = r->received_at;
    k->last_id = r->id;
    k->last_phase = r->overdue ? 1 : 2;
    return 0;
}

static void walk(Ostore *s, OstoreInboxQuery q, bool scan, int page, Walk *k)
{
    memset(k, 0, sizeof *k);
    s->search_scan = scan;
    q.limit = page;
    for (;;) {
        k->page = 0;
        if (ostore_inbox_list(s, &q, walk_row, k) != OSTORE_OK)
            fail_msg("list: %s", ostore_error(s));
        if (k->page < page)
            break;
        q.cur_phase = k->last_phase;
        q.cur_received = k->last_received;
        q.cur_id = k->last_id;
    }
    s->search_scan = false;
    k->ids[k->n] = -1;
}

/* The index gives what the scan gives; returns how many. */
static int same_as_scan(Ostore *s, OstoreInboxQuery q, int page)
{
    static Walk a, b;
    walk(s, q, false, page, &a);
    walk(s, q, true, page, &b);
    if (a.n != b.n)
        fail_msg("q \"%s\" (state %s, page %d): %d rows by the index, %d by the scan",
                 q.q ? q.q : "", q.state ? q.state : "-", page, a.n, b.n);
    for (int i = 0; i < a.n; i++)
        if (a.ids[i] != b.ids[i])
            fail_msg("q \"%s\": row %d is %lld by the index, %lld by the scan", q.q, i,
                     (long long)a.ids[i], (long long)b.ids[i]);
    return a.n;
}

static const char *const texts[] = {
    "电梯经常停", "东门路灯坏了", "楼道很脏", "停车位不够", "电", "梯", "电梯",
    "Noise at NIGHT", "noise", "The lift is BROKEN again", "100% 不满意", "a_b 下划线",
    "路径 C:\\temp\\x", "引号 \"quoted\" and 'single'", "表情 😀 好", "Élan café",
    "电梯坏了，请尽快修理！", "  空格  ", "#99999", "%_\\", "停", "ab", "x",
};

static const char *const queries[] = {
    "电", "梯", "停", "电梯", "梯经", "了", "电梯经", "电梯经常停", "电梯坏了，请", "路灯坏",
    "不存在的词", "noise", "NOISE", "NoIsE aT", "night", "t n", "lift is broken", "x", "ab",
    "b", "%", "_", "\\", "100%", "0%", "a_b", "a%b", "_b", "\\temp\\", "C:\\", "%_\\",
    "\"quoted\"", "\"", "'", "'single'", "😀", "😀 好", "É", "é", "élan", "ÉLAN", " ",
    "  ", "空格  ", "#99999", "#9", "99", "ÿ", "zzz", "z", "好",
    /* Not UTF-8: the API refuses them (test_office_inbox), PostgreSQL too;
     * SQLite's store takes them: the same rows (none) either way. */
    "\xff\xfe", "\xe7\x94", "电\x80",
};
#define INVALID_UTF8 3

static World mixed(void)
{
    World w = world_at(OSTORE_SCHEMA);
    static const char *const topics[] = {"repairs", "cleaning", "noise"};
    static const char *const states[] = {"new", "acknowledged", "in_progress", "done",
                                         "declined"};
    int nt = (int)(sizeof texts / sizeof texts[0]);
    for (int i = 0; i < 260; i++) {
        const char *text = i % 37 == 5 ? NULL : texts[(i * 7) % nt];
        /* Newest first by the hour, several at one second (the id decides). */
        int64_t id = suggest(&w, i % 3, topics[i % 3], text, (int64_t)(i / 2) * 5 * HOUR);
        if (i % 4 != 0)
            move(&w, id, states[(i / 4) % 5]);
        if (i % 5 == 1) {
            assert_int_equal(ostore_inbox_assign(w.s, id, 2 - (i % 4 == 0), w.admin,
                                                 w.manager, T0, NULL), OSTORE_OK);
        }
    }
    return w;
}

/* Lower-case ASCII, as the LIKE's pattern is (for the reference below). */
static bool contains_ascii_ci(const char *text, const char *q)
{
    size_t n = strlen(text), m = strlen(q);
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        for (; j < m; j++) {
            char a = text[i + j], b = q[j];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z')
                b = (char)(b - 'A' + 'a');
            if (a != b)
                break;
        }
        if (j == m)
            return true;
    }
    return false;
}

static void test_same_rows_as_the_scan(void **state)
{
    (void)state;
    World w = mixed();
    int nq = (int)(sizeof queries / sizeof queries[0]) - (testdb_is_pg() ? INVALID_UTF8 : 0);
    int found = 0;
    for (int i = 0; i < nq; i++) {
        OstoreInboxQuery q = {.q = queries[i], .now = T0, .ack_s = DAY, .close_s = 7 * DAY};
        /* Every community, page sizes 7 and 500 (one page). */
        int n = same_as_scan(w.s, q, 7);
        assert_int_equal(same_as_scan(w.s, q, 500), n);
        found += n > 0;
        /* The plain words: as many as hold them (ASCII and CJK, whose
         * case both engines' LOWER treat alike). */
        bool plain = true;
        for (const char *c = queries[i]; *c; c++)
            plain = plain && (unsigned char)*c != 0xC3 && (unsigned char)*c != 0xFF &&
                    (unsigned char)*c != 0xFE && (unsigned char)*c != 0x80;
        if (plain && strcmp(queries[i], "\xe7\x94") != 0) {
            int want = 0;
            for (int j = 0; j < 260; j++) {
                int nt = (int)(sizeof texts / sizeof texts[0]);
                if (j % 37 != 5 && contains_ascii_ci(texts[(j * 7) % nt], queries[i]))
                    want++;
            }
            if (want != n)
                fail_msg("q \"%s\": %d rows, %d hold it", queries[i], n, want);
        }
        /* Each filter, and a manager's communities only. */
        OstoreInboxQuery f = q;
        f.community_id = w.cid[1];
        same_as_scan(w.s, f, 5);
        f = q;
        f.user_id = w.manager;
        same_as_scan(w.s, f, 5);
        f = q;
        f.state = "open";
        same_as_scan(w.s, f, 5);
        f = q;
        f.state = "done";
        same_as_scan(w.s, f, 5);
        f = q;
        f.topic = "noise";
        same_as_scan(w.s, f, 5);
        f = q;
        f.kiosk = "west";
        same_as_scan(w.s, f, 5);
        f = q;
        f.from = T0 - 200 * HOUR;
        f.to = T0 - 20 * HOUR;
        same_as_scan(w.s, f, 5);
        f = q;
        f.assignee = -1;
        same_as_scan(w.s, f, 5);
        f = q;
        f.assignee = w.manager;
        same_as_scan(w.s, f, 5);
        f = q;
        f.overdue_only = true;
        same_as_scan(w.s, f, 5);
    }
    assert_true(found >= 30);   /* most queries find something */
    ostore_close(w.s);
}

/* Short queries common enough that the index lists more than its cap: the
 * scan answers, with the same rows. */
static void test_more_matches_than_the_index_lists(void **state)
{
    (void)state;
    World w = world_at(OSTORE_SCHEMA);
    assert_int_equal(ostore_begin(w.s), OSTORE_OK);
    for (int i = 0; i < OSTORE_SEARCH_CAP + 60; i++)
        suggest(&w, i % 3, "repairs", i % 2 ? "电梯经常停" : "电梯坏了", i * 60);
    suggest(&w, 0, "repairs", "只有一条 lonely", 5);
    assert_int_equal(ostore_commit(w.s), OSTORE_OK);
    static const char *const qs[] = {"电梯", "电", "电梯坏", "坏了", "lonely", "梯经常停"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        OstoreInboxQuery q = {.q = qs[i], .now = T0, .ack_s = DAY, .close_s = 7 * DAY};
        int n = same_as_scan(w.s, q, 200);
        assert_true(n >= 1);
        q.community_id = w.cid[1];
        same_as_scan(w.s, q, 50);
    }
    OstoreSearch se;
    assert_int_equal(ostore_search_prepare(w.s, "电梯", &se), OSTORE_OK);
    if (!testdb_is_pg())
        assert_null(se.ids);          /* over the cap: the scan */
    ostore_search_free(&se);
    assert_int_equal(ostore_search_prepare(w.s, "Lonely", &se), OSTORE_OK);
    if (!testdb_is_pg()) {
        assert_int_equal(se.count, 1);   /* the index: that one row */
        assert_non_null(se.ids);
    } else {
        assert_true(se.grams);
        assert_string_equal(se.lower, "lonely");
    }
    ostore_search_free(&se);
    ostore_close(w.s);
}

/* How many rows the index itself (not the LIKE) gives for q. */
static int index_rows(Ostore *s, const char *q)
{
    int n = -1;
    if (testdb_is_pg()) {
        OstoreStmt *st = ostore_prep(s, "SELECT COUNT(*) FROM suggestion"
                                        " WHERE ostore_grams(LOWER(text)) @> ostore_grams_q(?)",
                                     "t", q);
        assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
        n = (int)ostore_col_int(st, 0);
        ostore_finish(st);
    } else {
        OstoreSearch se;
        assert_int_equal(ostore_search_prepare(s, q, &se), OSTORE_OK);
        assert_non_null(se.ids);
        n = se.count;
        ostore_search_free(&se);
    }
    return n;
}

/* A database at schema 10 with suggestions: migration 11 indexes them,
 * and the index follows new ones. */
static void test_migration_indexes_the_rows_there(void **state)
{
    (void)state;
    World w = world_at(10);
    int64_t a = suggest(&w, 0, "repairs", "迁移之前的电梯", 3 * HOUR);
    suggest(&w, 2, "repairs", "Before The Move", 2 * HOUR);
    suggest(&w, 1, "repairs", NULL, HOUR);
    ostore_close(w.s);
    w.s = open_upto(OSTORE_SCHEMA);
    assert_int_equal(ostore_schema_version(w.s), OSTORE_SCHEMA);
    assert_int_equal(index_rows(w.s, "电梯"), 1);
    assert_int_equal(index_rows(w.s, "前的电"), 1);
    assert_int_equal(index_rows(w.s, "the move"), 1);
    assert_int_equal(index_rows(w.s, "迁"), 1);
    assert_int_equal(index_rows(w.s, "移之前的电梯后"), 0);
    suggest(&w, 0, "repairs", "之后的电梯", HOUR / 2);
    assert_int_equal(index_rows(w.s, "电梯"), 2);
    OstoreInboxQuery q = {.q = "的电梯", .now = T0, .ack_s = DAY, .close_s = 7 * DAY};
    assert_int_equal(same_as_scan(w.s, q, 10), 2);
    q.q = "迁移";
    assert_int_equal(same_as_scan(w.s, q, 10), 1);
    Walk k;
    walk(w.s, q, false, 10, &k);
    assert_int_equal(k.ids[0], a);
    ostore_close(w.s);
}

/* Whether any block of the FTS5 table's data holds these bytes. */
static bool fts_data_holds(Ostore *s, const char *bytes)
{
    bool held = false;
    OstoreStmt *st = ostore_prep(s, "SELECT block FROM suggestion_fts_data", "");
    size_t m = strlen(bytes);
    while (!held && ostore_step(st) == OSTORE_STEP_ROW) {
        const char *b = ostore_col_text(st, 0);
        size_t n = b ? ostore_col_len(st, 0) : 0;
        for (size_t i = 0; !held && i + m <= n; i++)
            held = memcmp(b + i, bytes, m) == 0;
    }
    ostore_finish(st);
    return held;
}

/* Closed and past retention: the text is purged, its words are found no
 * more, and (SQLite) no block of the index holds its trigrams. */
static void test_purged_text_leaves_the_index(void **state)
{
    (void)state;
    World w = world_at(OSTORE_SCHEMA);
    int64_t gone = suggest(&w, 0, "repairs", "zqxjkv 秘密号码", 40 * DAY);
    int64_t kept = suggest(&w, 0, "repairs", "hello 电梯", 40 * DAY);
    move(&w, gone, "done");
    assert_int_equal(index_rows(w.s, "zqxjkv"), 1);
    assert_int_equal(index_rows(w.s, "秘密"), 1);
    if (!testdb_is_pg()) {
        assert_true(fts_data_holds(w.s, "qxj"));   /* the check can see it */
        assert_true(fts_data_holds(w.s, "xjk"));
    }
    int64_t purged = 0, contacts = 0;
    assert_int_equal(ostore_retention_purge(w.s, T0 + DAY, &purged, &contacts), OSTORE_OK);
    assert_int_equal(purged, 1);
    OstoreInboxQuery q = {.q = "zqxjkv", .now = T0, .ack_s = DAY, .close_s = 7 * DAY};
    assert_int_equal(same_as_scan(w.s, q, 10), 0);
    q.q = "秘密";
    assert_int_equal(same_as_scan(w.s, q, 10), 0);
    q.q = "秘";
    assert_int_equal(same_as_scan(w.s, q, 10), 0);
    assert_int_equal(index_rows(w.s, "zqxjkv"), 0);
    assert_int_equal(index_rows(w.s, "秘密"), 0);
    assert_int_equal(index_rows(w.s, "qx"), 0);
    q.q = "电梯";
    assert_int_equal(same_as_scan(w.s, q, 10), 1);
    assert_int_equal(index_rows(w.s, "hello"), 1);
    if (!testdb_is_pg()) {
        assert_false(fts_data_holds(w.s, "qxj"));
        assert_false(fts_data_holds(w.s, "xjk"));
        assert_true(fts_data_holds(w.s, "hel"));   /* the kept one stays */
        OstoreStmt *st = ostore_prep(w.s, "SELECT COUNT(*) FROM suggestion_fts_terms"
                                          " WHERE doc = ?", "i", gone);
        assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
        assert_int_equal(ostore_col_int(st, 0), 0);
        ostore_finish(st);
    }
    (void)kept;
    ostore_close(w.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_rows_as_the_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_more_matches_than_the_index_lists, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_migration_indexes_the_rows_there, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_purged_text_leaves_the_index, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
