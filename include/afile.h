/* afile.h - small files written atomically (temp, fsync, rename, fsync dir) and read back.
 *
 * For the kiosk's own small state files: the staff PIN hash, its lockout
 * record, the office key pair. A reader sees either the old file or the
 * new one, never a mix, also across a power cut. */
#ifndef AFILE_H
#define AFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Write `len` bytes to `path` through "path.tmp-XXXXXX" in the same
 * directory created with `mode` (umask does not apply: fchmod sets it),
 * fsync it, rename it over `path`, fsync the directory. With `exclusive`,
 * an existing `path` is an error (EEXIST; nothing written). Returns 0, or
 * -1 with errno set and a message naming the path in err; the temporary
 * file is removed on failure. */
int afile_write(const char *path, const void *data, size_t len, mode_t mode,
                int exclusive, char *err, size_t errlen);

/* Read a whole regular file of at most `max` bytes into a malloc'd buffer
 * with a NUL after the data (*len excludes it). Returns NULL with errno set
 * (ENOENT: no such file, EFBIG: larger than max) and a message in err. */
char *afile_read(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* fsync the directory that holds `path` (its parent). Returns 0 or -1 with errno set. */
int afile_sync_parent(const char *path);
/* fsync the directory `dir` itself. Returns 0 or -1 with errno set. */
int afile_sync_dir(const char *dir);

#endif
