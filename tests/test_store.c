/* test_store.c - the SQLite store: import, serial, second connection, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "tmpdir.h"

#define SAMPLE "assets/content/sample.json"

static const char small_doc[] =
    "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"notices\":[],\"events\":[],\"channels\":[]}";

static int setup(void **state)
{
    *state = tmpdir_make();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    tmpdir_remove(*state);
    return 0;
}

static Store *open_ok(const char *dir)
{
    char err[512] = "untouched";
    Store *s = store_open(dir, err, sizeof err);
    if (!s)
        fail_msg("store_open(%s): %s", dir, err);
    assert_string_equal(err, "");
    return s;
}

static void import_ok(Store *s, const char *json)
{
    char err[512];
    if (store_import_json(s, json, strlen(json), err, sizeof err) != 0)
        fail_msg("import failed: %s", err);
}

/* Runs SQL on a separate raw connection; returns the first column as int. */
static long long raw_sql(const char *dir, const char *sql)
{
    char *path = tmpdir_path(dir, "kiosk.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    long long v = -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_TEXT
          ? (long long)(sqlite3_column_text(st, 0)[0]) : sqlite3_column_int64(st, 0);
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
    return v;
}

static void test_open_creates_schema(void **state)
{
    char *sub = tmpdir_path(*state, "a/b/data");
    Store *s = open_ok(sub);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    char *a = tmpdir_path(*state, "a");
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    free(a);

    assert_int_equal(store_content_serial(s), 0);
    char err[256] = "x";
    assert_null(store_load_content(s, err, sizeof err));
    assert_string_equal(err, "");   /* none yet is not an error */
    StoreContentInfo info;
    assert_int_equal(store_content_info(s, &info, err, sizeof err), 0);
    store_close(s);

    assert_int_equal(raw_sql(sub, "PRAGMA user_version"), 3);   /* content, outbox, uploads */
    assert_int_equal(raw_sql(sub, "PRAGMA journal_mode"), 'w');   /* "wal" */
    /* Reopening an existing database keeps it. */
    s = open_ok(sub);
    store_close(s);
    store_close(NULL);
    free(sub);
}

static void test_import_and_reload(void **state)
{
    Store *s = open_ok(*state);
    char err[512];
    assert_int_equal(store_import_file(s, SAMPLE, err, sizeof err), 0);
    assert_int_equal(store_content_serial(s), 1);
    Content *c = store_load_content(s, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(c->n_notices, 11);
    Content *f = content_load_file(SAMPLE, err, sizeof err);
    assert_non_null(f);
    assert_string_equal(c->version, f->version);
    StoreContentInfo info;
    assert_int_equal(store_content_info(s, &info, err, sizeof err), 1);
    assert_string_equal(info.version, f->version);
    assert_int_equal(info.serial, 1);
    assert_true(llabs(info.imported_at - (int64_t)time(NULL)) < 60);
    content_free(c);
    content_free(f);

    import_ok(s, small_doc);
    assert_int_equal(store_content_serial(s), 2);
    assert_int_equal(store_content_serial(s), 2);   /* cached, unchanged */
    c = store_load_content(s, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(c->n_notices, 0);
    assert_string_equal(ltext(&c->site_name, LANG_EN), "翠湖花园");
    content_free(c);
    store_close(s);
}

static void test_invalid_import_keeps_content(void **state)
{
    Store *s = open_ok(*state);
    import_ok(s, small_doc);
    Content *before = store_load_content(s, NULL, 0);
    assert_non_null(before);
    int64_t serial = store_content_serial(s);

    static const char bad[] =
        "{\"site\":{\"name\":{\"zh\":\"x\"}},\"notices\":[{\"id\":\"a\",\"category\":\"notice\","
        "\"title\":{\"en\":\"No Chinese\"}}],\"events\":[],\"channels\":[]}";
    char err[512];
    assert_int_equal(store_import_json(s, bad, strlen(bad), err, sizeof err), STORE_INVALID);
    assert_non_null(strstr(err, "notices[0].title.zh: missing"));
    assert_int_equal(store_import_json(s, "{\"site\":", 8, err, sizeof err), STORE_INVALID);
    assert_non_null(strstr(err, "line 1, column"));
    assert_int_equal(store_import_file(s, "/nonexistent/c.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));

    assert_int_equal(store_content_serial(s), serial);
    Content *after = store_load_content(s, err, sizeof err);
    assert_non_null(after);
    assert_string_equal(after->version, before->version);
    content_free(before);
    content_free(after);
    store_close(s);
}

/* A database error inside the transaction rolls back and keeps the content. */
static void test_failed_write_rolls_back(void **state)
{
    Store *s = open_ok(*state);
    import_ok(s, small_doc);
    Content *before = store_load_content(s, NULL, 0);
    raw_sql(*state, "CREATE TRIGGER no_update BEFORE UPDATE ON content "
                    "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    char err[512];
    size_t len;
    char *sample = tmpdir_read(SAMPLE);
    assert_non_null(sample);
    len = strlen(sample);
    assert_int_equal(store_import_json(s, sample, len, err, sizeof err), -1);
    assert_non_null(strstr(err, "disk says no"));
    assert_int_equal(store_content_serial(s), 1);
    Content *after = store_load_content(s, err, sizeof err);
    assert_non_null(after);
    assert_string_equal(after->version, before->version);
    /* The connection is usable again once the obstacle is gone. */
    raw_sql(*state, "DROP TRIGGER no_update");
    assert_int_equal(store_import_json(s, sample, len, err, sizeof err), 0);
    assert_int_equal(store_content_serial(s), 2);
    free(sample);
    content_free(before);
    content_free(after);
    store_close(s);
}

/* Another connection (as kioskctl in another process) sees each import. */
static void test_second_connection_sees_serial(void **state)
{
    Store *kiosk = open_ok(*state);
    Store *ctl = open_ok(*state);
    assert_int_equal(store_content_serial(kiosk), 0);
    import_ok(ctl, small_doc);
    assert_int_equal(store_content_serial(kiosk), 1);
    assert_int_equal(store_content_serial(kiosk), 1);
    import_ok(ctl, small_doc);
    import_ok(ctl, small_doc);
    assert_int_equal(store_content_serial(kiosk), 3);
    assert_int_equal(store_content_serial(ctl), 3);
    /* And the other way round. */
    import_ok(kiosk, small_doc);
    assert_int_equal(store_content_serial(ctl), 4);
    /* A raw write by a third party counts too. */
    raw_sql(*state, "UPDATE content SET serial = 41");
    assert_int_equal(store_content_serial(kiosk), 41);
    assert_int_equal(store_content_serial(ctl), 41);
    store_close(ctl);
    store_close(kiosk);
}

static void expect_open_error(const char *dir, const char *part)
{
    char err[512] = "";
    Store *s = store_open(dir, err, sizeof err);
    if (s) {
        store_close(s);
        fail_msg("store_open(%s) succeeded", dir);
    }
    if (!strstr(err, part))
        fail_msg("store_open(%s): message \"%s\" lacks \"%s\"", dir, err, part);
}

static void test_unusable_dirs(void **state)
{
    /* A regular file where a directory should be (fails even for root). */
    char *file = tmpdir_path(*state, "file");
    assert_int_equal(tmpdir_write(file, "x", 1), 0);
    expect_open_error(file, "not a directory");
    char *below = tmpdir_path(file, "data");
    expect_open_error(below, "cannot create directory");
    free(below);
    free(file);

    /* kiosk.db is a directory, or not a database at all. */
    char *d1 = tmpdir_path(*state, "d1");
    char *db1 = tmpdir_path(d1, "kiosk.db");
    assert_int_equal(mkdir(d1, 0700), 0);
    assert_int_equal(mkdir(db1, 0700), 0);
    expect_open_error(d1, "kiosk.db");
    char *d2 = tmpdir_path(*state, "d2");
    char *db2 = tmpdir_path(d2, "kiosk.db");
    assert_int_equal(mkdir(d2, 0700), 0);
    char junk[4096];
    memset(junk, 'j', sizeof junk);
    assert_int_equal(tmpdir_write(db2, junk, sizeof junk), 0);
    expect_open_error(d2, "not a database");
    expect_open_error("", "bad directory");
    free(d1); free(db1); free(d2); free(db2);

    /* Read-only directory: only meaningful when not root. */
    if (geteuid() != 0) {
        char *ro = tmpdir_path(*state, "ro");
        assert_int_equal(mkdir(ro, 0500), 0);
        expect_open_error(ro, "kiosk.db");
        chmod(ro, 0700);
        free(ro);
    }
}

static void test_newer_schema_refused(void **state)
{
    Store *s = open_ok(*state);
    store_close(s);
    raw_sql(*state, "PRAGMA user_version = 99");
    expect_open_error(*state, "newer");
}

static void test_oversize_file_is_invalid(void **state)
{
    char *big = tmpdir_path(*state, "big.json");
    FILE *f = fopen(big, "wb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 20L * 1024 * 1024, SEEK_SET), 0);
    fputc('}', f);
    fclose(f);
    Store *s = open_ok(*state);
    char err[512];
    assert_int_equal(store_import_file(s, big, err, sizeof err), STORE_INVALID);
    assert_non_null(strstr(err, "larger than the limit"));
    assert_int_equal(store_content_serial(s), 0);
    store_close(s);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_and_reload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_import_keeps_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_connection_sees_serial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unusable_dirs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_file_is_invalid, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
