/* outbox_fix.c - test support: an outbox fixture and query helpers. */
#include "outbox_fix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "timeutil.h"
#include "tmpdir.h"

Outbox *ofix_open(const char *dir, const OutboxLimits *lim)
{
    char err[300] = "untouched";
    Outbox *ob = outbox_open(dir, lim, err, sizeof err);
    if (!ob)
        fail_msg("outbox_open: %s", err);
    assert_string_equal(err, "");
    return ob;
}

int ofix_setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tmpdir_make();
    if (!f->dir) {
        free(f);
        return -1;
    }
    f->ob = ofix_open(f->dir, NULL);
    char *path = tmpdir_path(f->dir, "kiosk.db");
    assert_int_equal(sqlite3_open(path, &f->raw), SQLITE_OK);
    sqlite3_busy_timeout(f->raw, 5000);
    free(path);
    *state = f;
    return 0;
}

int ofix_teardown(void **state)
{
    Fix *f = *state;
    sqlite3_close(f->raw);
    outbox_close(f->ob);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

int64_t ofix_at(const char *iso)
{
    int64_t t;
    assert_int_equal(time_parse_iso8601(iso, &t), 0);
    return t;
}

char *ofix_q_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

long long ofix_q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    long long v = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}
