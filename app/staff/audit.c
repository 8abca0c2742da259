/* audit.c - the staff audit log: one fsync'ed line per staff action, rotated by size. */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Copy s into out as one field: controls become spaces, cut to AUDIT_FIELD_MAX
 * bytes without splitting a UTF-8 sequence. */
static void audit_field(const char *s, char out[AUDIT_FIELD_MAX + 1])
{
    size_t n = 0;
    for (; s && s[n] && n < AUDIT_FIELD_MAX; n++) {
        unsigned char c = (unsigned char)s[n];
        out[n] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
    }
    if (s && s[n])   /* cut: back off to a character boundary */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    out[n] = '\0';
}

static void audit_time(int64_t now_s, char out[40])
{
    time_t t = (time_t)now_s;
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        snprintf(out, 40, "%lld", (long long)now_s);
        return;
    }
    char zone[8];
    strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(zone, sizeof zone, "%z", &tm);   /* +0800 -> +08:00 */
    size_t n = strlen(out);
    if (strlen(zone) == 5)
        snprintf(out + n, 40 - n, "%.3s:%.2s", zone, zone + 3);
}

int audit_log(const char *path, int64_t now_s, const char *action, const char *result)
{
    char a[AUDIT_FIELD_MAX + 1], r[AUDIT_FIELD_MAX + 1], when[40];
    audit_field(action, a);
    audit_field(result, r);
    audit_time(now_s, when);
    char line[2 * AUDIT_FIELD_MAX + 64];
    int len = snprintf(line, sizeof line, "%s\t%s\t%s\n", when, a, r);

    struct stat st;
    if (stat(path, &st) == 0 && st.st_size >= AUDIT_ROTATE_BYTES) {
        char old[PATH_MAX];
        if (snprintf(old, sizeof old, "%s.1", path) < (int)sizeof old)
            rename(path, old);   /* best effort: a failed rotation still appends */
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    ssize_t w;
    do
        w = write(fd, line, (size_t)len);   /* O_APPEND: one write, one whole line */
    while (w < 0 && errno == EINTR);
    int rc = (w == len && fsync(fd) == 0) ? 0 : -1;
    int saved = w >= 0 && w != len ? EIO : errno;
    close(fd);
    errno = saved;
    return rc;
}

int audit_logf(const char *path, int64_t now_s, const char *action, const char *fmt, ...)
{
    char result[AUDIT_FIELD_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(result, sizeof result, fmt, ap);
    va_end(ap);
    return audit_log(path, now_s, action, result);
}
