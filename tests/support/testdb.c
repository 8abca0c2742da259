/* testdb.c - test support: the office tests' database on SQLite or on the PostgreSQL server scripts/pg-test.sh started. */
#include "testdb.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "tmpdir.h"

static const char *testdb_spec(void)
{
    const char *s = getenv("OFFICE_TEST_DB");
    return s && (strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0)
        ? s : NULL;
}

bool testdb_is_pg(void)
{
    return testdb_spec() != NULL;
}

const char *testdb_engine(void)
{
    return testdb_is_pg() ? "postgresql" : "sqlite";
}

static int testdb_pg_reset(const char *spec)
{
    PGconn *c = PQconnectdb(spec);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "testdb: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PGresult *r = PQexec(c, "SET client_min_messages = warning;"
                            " DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "testdb: reset: %s", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

int testdb_fresh(const char *sqlite_path, char *out, size_t n)
{
    const char *pg = testdb_spec();
    if (pg) {
        snprintf(out, n, "%s", pg);
        return testdb_pg_reset(pg);
    }
    char side[1024];
    remove(sqlite_path);
    snprintf(side, sizeof side, "%s-wal", sqlite_path);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", sqlite_path);
    remove(side);
    snprintf(out, n, "%s", sqlite_path);
    return 0;
}

static int testdb_run(const char *var)
{
    const char *cmd = getenv(var);
    if (!testdb_is_pg() || !cmd || !cmd[0]) {
        fprintf(stderr, "testdb: %s is not set (scripts/pg-test.sh sets it)\n", var);
        return -1;
    }
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "testdb: %s failed (%d)\n", var, st);
        return -1;
    }
    return 0;
}

int testdb_pg_stop(void)
{
    return testdb_run("OFFICE_TEST_PG_STOP");
}

int testdb_pg_start(void)
{
    return testdb_run("OFFICE_TEST_PG_START");
}

int testdb_scratch(char **dir, char **path)
{
    *dir = tmpdir_make();
    *path = *dir ? tmpdir_path(*dir, "office.db") : NULL;
    if (*path)
        return 0;
    tmpdir_remove(*dir);
    *dir = NULL;
    return -1;
}

void testdb_scratch_remove(char **dir, char **path)
{
    free(*path);
    tmpdir_remove(*dir);
    *path = NULL;
    *dir = NULL;
}
