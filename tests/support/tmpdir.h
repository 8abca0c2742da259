/* tmpdir.h - test support: scratch directories under /tmp and small files. */
#ifndef TMPDIR_H
#define TMPDIR_H

#include <stddef.h>

/* Create a fresh directory /tmp/kiosk-test-XXXXXX; returns a malloc'd path
 * (free with tmpdir_remove) or NULL on failure. */
char *tmpdir_make(void);

/* Remove `dir` and everything below it, then free the path. NULL accepted. */
void tmpdir_remove(char *dir);

/* "dir/name" in a malloc'd string (caller frees); NULL on failure. */
char *tmpdir_path(const char *dir, const char *name);

/* Write `len` bytes to `path` (created or truncated). Returns 0 or -1. */
int tmpdir_write(const char *path, const void *data, size_t len);

/* Read a whole small file into a malloc'd NUL-terminated string, or NULL. */
char *tmpdir_read(const char *path);

/* Whether the n bytes occur anywhere in the SQLite database `db` or in its
 * WAL (`db`-wal), read whole, NULs and all (a string search would stop at
 * the first NUL of the file header): 1 or 0. */
int tmpdir_db_holds(const char *db, const void *bytes, size_t n);

/* Whether `path` starts with the PNG signature: 1 or 0. */
int tmpdir_is_png(const char *path);

/* Fill the file system holding `path` (a new file there) until it refuses
 * even single bytes; asserts that it ended with ENOSPC. */
void tmpdir_fill(const char *path);

#endif
