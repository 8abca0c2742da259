/* imgcache.c - content-addressed picture files in DIR/images, LRU-bounded. */
#include "imgcache.h"
#include "errmsg.h"
#include "image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ImgCache {
    char *dir;                   /* DIR/images */
    int64_t max_bytes;
};

bool imgcache_valid_name(const char *s)
{
    size_t n = 0;
    while (s && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
        n++;
    return s && n == 64 && s[n] == '\0';
}

ImgCache *imgcache_open(const char *data_dir, int64_t max_bytes, char *err, size_t errlen)
{
    ImgCache *c = calloc(1, sizeof *c);
    size_t n = strlen(data_dir) + sizeof "/images";
    if (!c || !(c->dir = malloc(n))) {
        free(c);
        errmsg(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(c->dir, n, "%s/images", data_dir);
    if (mkdir(c->dir, 0700) < 0 && errno != EEXIST) {
        errmsg(err, errlen, "%s: cannot create: %s", c->dir, strerror(errno));
        imgcache_close(c);
        return NULL;
    }
    c->max_bytes = max_bytes > 0 ? max_bytes : IMGCACHE_DEFAULT_MAX;
    return c;
}

void imgcache_close(ImgCache *c)
{
    if (!c)
        return;
    free(c->dir);
    free(c);
}

/* DIR/images/NAME[SUFFIX] into path. */
static void imgcache_path(const ImgCache *c, const char *name, const char *suffix,
                          char *path, size_t n)
{
    snprintf(path, n, "%s/%s%s", c->dir, name, suffix);
}

bool imgcache_has(ImgCache *c, const char *sha256)
{
    char path[4096];
    if (!imgcache_valid_name(sha256))
        return false;
    imgcache_path(c, sha256, "", path, sizeof path);
    return access(path, F_OK) == 0;
}

bool imgcache_refused(ImgCache *c, const char *sha256, char *why, size_t whylen)
{
    char path[4096];
    if (!imgcache_valid_name(sha256))
        return false;
    imgcache_path(c, sha256, ".bad", path, sizeof path);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    char line[300] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    errmsg(why, whylen, "%s", line);
    return true;
}

/* Write len bytes to path through a temporary file and a rename. */
static int imgcache_write(const char *path, const void *buf, size_t len)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    const char *p = buf;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            errno = e;
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

/* Keep the reason a picture was refused (best effort). */
static void imgcache_mark_bad(ImgCache *c, const char *sha256, const char *why)
{
    char path[4096];
    imgcache_path(c, sha256, ".bad", path, sizeof path);
    imgcache_write(path, why, strlen(why));
}

void imgcache_refuse(ImgCache *c, const char *sha256, const char *why)
{
    if (imgcache_valid_name(sha256))
        imgcache_mark_bad(c, sha256, why);
}

int imgcache_put(ImgCache *c, const char *sha256, const void *buf, size_t len,
                 char *err, size_t errlen)
{
    char msg[300];
    if (!imgcache_valid_name(sha256)) {
        errmsg(err, errlen, "not a SHA-256 (64 lower-case hex digits)");
        return -1;
    }
    if (imgcache_has(c, sha256))
        return 0;
    char got[65];
    ImageInfo info;
    image_sha256_hex(buf, len, got);
    if (strcmp(got, sha256) != 0) {
        snprintf(msg, sizeof msg, "wrong SHA-256: the file's is %.16s..., the content says "
                 "%.16s...; not used", got, sha256);
        imgcache_mark_bad(c, sha256, msg);
        errmsg(err, errlen, "%s", msg);
        return -1;
    }
    if (image_probe(buf, len, &info, msg, sizeof msg) != IMAGE_OK) {
        imgcache_mark_bad(c, sha256, msg);
        errmsg(err, errlen, "%s", msg);
        return -1;
    }
    char path[4096];
    imgcache_path(c, sha256, "", path, sizeof path);
    if (imgcache_write(path, buf, len) < 0) {
        errmsg(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -2;
    }
    imgcache_path(c, sha256, ".bad", path, sizeof path);
    unlink(path);
    return 0;
}

int imgcache_get(ImgCache *c, const char *sha256, unsigned char **bufp, size_t *lenp,
                 char *err, size_t errlen)
{
    *bufp = NULL;
    *lenp = 0;
    char path[4096];
    if (!imgcache_valid_name(sha256)) {
        errmsg(err, errlen, "not a SHA-256 (64 lower-case hex digits)");
        return -1;
    }
    imgcache_path(c, sha256, "", path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        errmsg(err, errlen, "picture %.16s... not in the cache", sha256);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > (off_t)IMAGE_MAX_BYTES) {
        close(fd);
        errmsg(err, errlen, "picture %.16s... in the cache is not a picture file", sha256);
        return -1;
    }
    size_t len = (size_t)st.st_size, got = 0;
    unsigned char *buf = malloc(len ? len : 1);
    while (buf && got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    char hex[65];
    if (buf)
        image_sha256_hex(buf, got, hex);
    if (!buf || got != len || strcmp(hex, sha256) != 0) {
        free(buf);
        if (buf)
            unlink(path);            /* damaged on disk: fetched again */
        errmsg(err, errlen, buf ? "picture %.16s... in the cache was damaged; removed"
                                : "out of memory reading picture %.16s...", sha256);
        return -1;
    }
    utimensat(AT_FDCWD, path, NULL, 0);   /* used now: last to be evicted */
    *bufp = buf;
    *lenp = len;
    return 0;
}

typedef struct {
    char name[72];
    int64_t size;
    struct timespec mtime;
    bool bad;
} ImgCacheEntry;

static int imgcache_needed_cb(const ContentImage *img, void *arg)
{
    return strcmp(img->sha256, (const char *)arg) == 0;
}

static bool imgcache_needed(const Content *keep, const char *name)
{
    return keep && content_each_image(keep, imgcache_needed_cb, (void *)name) != 0;
}

static int imgcache_cmp(const void *a, const void *b)
{
    const ImgCacheEntry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The cache's files (pictures and .bad marks); *n entries, or NULL. */
static ImgCacheEntry *imgcache_list(ImgCache *c, size_t *n)
{
    *n = 0;
    DIR *d = opendir(c->dir);
    if (!d)
        return NULL;
    size_t cap = 64;
    ImgCacheEntry *v = malloc(cap * sizeof *v);
    struct dirent *e;
    while (v && (e = readdir(d)) != NULL) {
        char name[72];
        size_t len = strlen(e->d_name);
        bool bad = len == 68 && strcmp(e->d_name + 64, ".bad") == 0;
        if (len != 64 && !bad)
            continue;
        snprintf(name, sizeof name, "%.64s", e->d_name);
        if (!imgcache_valid_name(name))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (*n == cap) {
            ImgCacheEntry *nv = realloc(v, cap * 2 * sizeof *v);
            if (!nv) {
                free(v);
                v = NULL;
                break;
            }
            v = nv;
            cap *= 2;
        }
        memcpy(v[*n].name, name, sizeof name);
        v[*n].size = st.st_size;
        v[*n].mtime = st.st_mtim;
        v[*n].bad = bad;
        (*n)++;
    }
    closedir(d);
    return v;
}

int imgcache_evict(ImgCache *c, const Content *keep)
{
    size_t n;
    ImgCacheEntry *v = imgcache_list(c, &n);
    if (!v)
        return -1;
    qsort(v, n, sizeof *v, imgcache_cmp);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        if (!v[i].bad)
            total += v[i].size;
    int removed = 0;
    char path[4096];
    for (size_t i = 0; i < n; i++) {
        bool needed = imgcache_needed(keep, v[i].name);
        if (v[i].bad) {
            if (!needed) {
                imgcache_path(c, v[i].name, ".bad", path, sizeof path);
                unlink(path);
            }
            continue;
        }
        if (total <= c->max_bytes || needed)
            continue;
        imgcache_path(c, v[i].name, "", path, sizeof path);
        if (unlink(path) == 0) {
            total -= v[i].size;
            removed++;
        }
    }
    free(v);
    return removed;
}

int64_t imgcache_bytes(ImgCache *c)
{
    size_t n;
    ImgCacheEntry *v = imgcache_list(c, &n);
    if (!v)
        return -1;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        if (!v[i].bad)
            total += v[i].size;
    free(v);
    return total;
}
