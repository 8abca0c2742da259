/* testdb.h - test support: the office database a test uses. SQLite (a file
 * in the test's scratch directory) unless OFFICE_TEST_DB names a
 * PostgreSQL database (scripts/pg-test.sh sets it), so that the same office
 * tests run on both engines. */
#ifndef TESTDB_H
#define TESTDB_H

#include <stdbool.h>
#include <stddef.h>

/* The tests run on PostgreSQL (OFFICE_TEST_DB is a postgresql:// URL). */
bool testdb_is_pg(void);

/* "sqlite" or "postgresql", for messages. */
const char *testdb_engine(void);

/* A fresh, empty database; its spec (for ostore_open or office.conf's
 * `database`) into out. SQLite: `sqlite_path` with its -wal and -shm files
 * removed. PostgreSQL: the OFFICE_TEST_DB database with every table
 * dropped (DROP SCHEMA public CASCADE). Returns 0, or -1 with a message on
 * stderr. */
int testdb_fresh(const char *sqlite_path, char *out, size_t n);

/* A scratch directory (tmpdir.h) and the SQLite file's path in it
 * (DIR/office.db) for testdb_fresh: a setup's work. Returns 0, or -1 with
 * nothing left behind. */
int testdb_scratch(char **dir, char **path);
/* Remove and free what testdb_scratch made (NULLs accepted); both NULL after. */
void testdb_scratch_remove(char **dir, char **path);

/* Stop or start the PostgreSQL server under the test (the commands
 * scripts/pg-test.sh exports as OFFICE_TEST_PG_STOP and _START); waits
 * until it is down or accepting connections. Returns 0, or -1 when there
 * is no such server or the command failed. */
int testdb_pg_stop(void);
int testdb_pg_start(void);

#endif
