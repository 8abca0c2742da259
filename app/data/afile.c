/* afile.c - small files written atomically (temp, fsync, rename, fsync dir) and read back. */
#include "afile.h"
#include "errmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


int afile_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int afile_sync_parent(const char *path)
{
    char dir[PATH_MAX];
    size_t n = strlen(path);
    if (n >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, path, n + 1);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    return afile_sync_dir(dir);
}

int afile_write(const char *path, const void *data, size_t len, mode_t mode,
                int exclusive, char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        errmsg(err, errlen, "%s: name too long", path);
        return -1;
    }
    struct stat st;
    if (exclusive && lstat(path, &st) == 0) {
        errno = EEXIST;
        errmsg(err, errlen, "%s: already exists", path);
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        errmsg(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    const char *p = data;
    size_t left = len;
    if (fchmod(fd, mode) < 0)
        goto fail;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            goto fail;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) < 0)
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    /* link() refuses an existing target, so exclusive stays exclusive
     * even against a writer that raced us; rename() replaces. */
    if (exclusive) {
        if (link(tmp, path) < 0)
            goto fail;
        unlink(tmp);
    } else if (rename(tmp, path) < 0) {
        goto fail;
    }
    if (afile_sync_parent(path) < 0) {
        errmsg(err, errlen, "%s: written, but syncing its directory failed: %s", path,
                  strerror(errno));
        return -1;
    }
    return 0;
fail:;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = saved;
    errmsg(err, errlen, "%s: cannot write: %s", path, strerror(saved));
    return -1;
}

char *afile_read(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        errmsg(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) < 0)
        goto fail;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        errmsg(err, errlen, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    if ((size_t)st.st_size > max) {
        errno = EFBIG;
        errmsg(err, errlen, "%s: larger than %zu bytes", path, max);
        close(fd);
        return NULL;
    }
    buf = malloc(max + 1);
    if (!buf)
        goto fail;
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, max + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto fail;
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max) {
            errno = EFBIG;
            errmsg(err, errlen, "%s: larger than %zu bytes", path, max);
            free(buf);
            close(fd);
            return NULL;
        }
    }
    close(fd);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
fail:;
    int saved = errno;
    free(buf);
    close(fd);
    errno = saved;
    errmsg(err, errlen, "%s: cannot read: %s", path, strerror(saved));
    return NULL;
}
