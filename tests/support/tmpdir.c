/* tmpdir.c - test support: scratch directories under /tmp and small files. */
#include "tmpdir.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *tmpdir_make(void)
{
    char tmpl[] = "/tmp/kiosk-test-XXXXXX";
    if (!mkdtemp(tmpl))
        return NULL;
    return strdup(tmpl);
}

static int tmpdir_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(path);   /* FTW_DEPTH: a directory comes after its entries */
    return 0;
}

void tmpdir_remove(char *dir)
{
    if (!dir)
        return;
    if (strncmp(dir, "/tmp/kiosk-test-", 16) == 0)   /* never anything else */
        nftw(dir, tmpdir_unlink, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

char *tmpdir_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int tmpdir_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = len ? fwrite(data, 1, len, f) : 0;
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

static int tmpdir_file_holds(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t cap = 1 << 16, len = 0, r;
    char *buf = malloc(cap);
    while (buf && (r = fread(buf + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        abort();   /* a test cannot go on without the answer */
    int found = n > 0 && memmem(buf, len, bytes, n) != NULL;
    free(buf);
    return found;
}

int tmpdir_db_holds(const char *db, const void *bytes, size_t n)
{
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", db);
    return tmpdir_file_holds(db, bytes, n) || tmpdir_file_holds(wal, bytes, n);
}

char *tmpdir_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

int tmpdir_is_png(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char sig[8] = {0};
    if (!f)
        return 0;
    size_t n = fread(sig, 1, 8, f);
    fclose(f);
    return n == 8 && memcmp(sig, "\x89PNG\r\n\x1a\n", 8) == 0;
}

void tmpdir_fill(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    static char block[4096];
    memset(block, 'x', sizeof block);
    while (write(fd, block, sizeof block) > 0)
        ;
    assert_int_equal(errno, ENOSPC);
    /* Single bytes too, so not even a partial page is left. */
    while (write(fd, block, 1) > 0)
        ;
    close(fd);
}
