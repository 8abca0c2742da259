/* config_edit.c - set keys of an INI settings file, keeping the rest; atomic replace, 0600. */
#include "config_edit.h"
#include "afile.h"
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONFIG_EDIT_MAX (1024 * 1024)

typedef struct {
    char **line;      /* without line breaks; malloc'd */
    size_t n, cap;
} ConfigLines;

static int config_edit_push(ConfigLines *L, size_t at, const char *text, size_t len)
{
    if (L->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 64;
        char **l = realloc(L->line, cap * sizeof *l);
        if (!l)
            return -1;
        L->line = l;
        L->cap = cap;
    }
    char *s = strndup(text, len);
    if (!s)
        return -1;
    memmove(&L->line[at + 1], &L->line[at], (L->n - at) * sizeof *L->line);
    L->line[at] = s;
    L->n++;
    return 0;
}

static void config_edit_free(ConfigLines *L)
{
    for (size_t i = 0; i < L->n; i++)
        free(L->line[i]);
    free(L->line);
}

/* The section a line opens ("" when it opens none), in out. */
static bool config_edit_section(const char *l, char *out, size_t n)
{
    while (isspace((unsigned char)*l))
        l++;
    if (*l != '[')
        return false;
    const char *end = strchr(l, ']');
    if (!end || (size_t)(end - l - 1) >= n)
        return false;
    memcpy(out, l + 1, (size_t)(end - l - 1));
    out[end - l - 1] = '\0';
    return true;
}

/* Whether the line sets `name` (commented out when `commented`). */
static bool config_edit_is_key(const char *l, const char *name, bool commented)
{
    while (isspace((unsigned char)*l))
        l++;
    if (commented) {
        if (*l != ';' && *l != '#')
            return false;
        l++;
        while (isspace((unsigned char)*l))
            l++;
    }
    size_t n = strlen(name);
    if (strncmp(l, name, n) != 0)
        return false;
    l += n;
    while (*l == ' ' || *l == '\t')
        l++;
    return *l == '=' || *l == ':';
}

static int config_edit_apply(ConfigLines *L, const ConfigEditKey *k)
{
    char cur[128] = "", sec[128];
    size_t hit = (size_t)-1, commented = (size_t)-1, last = (size_t)-1, header = (size_t)-1;
    for (size_t i = 0; i < L->n; i++) {
        if (config_edit_section(L->line[i], sec, sizeof sec)) {
            snprintf(cur, sizeof cur, "%s", sec);
            if (strcmp(cur, k->section) == 0 && header == (size_t)-1)
                header = last = i;
            continue;
        }
        if (strcmp(cur, k->section) != 0)
            continue;
        if (L->line[i][strspn(L->line[i], " \t")] != '\0')
            last = i;
        if (hit == (size_t)-1 && config_edit_is_key(L->line[i], k->name, false))
            hit = i;
        if (commented == (size_t)-1 && config_edit_is_key(L->line[i], k->name, true))
            commented = i;
    }
    char text[2048];
    int len = snprintf(text, sizeof text, "%s = %s", k->name, k->value);
    if (len < 0 || (size_t)len >= sizeof text)
        return -1;
    size_t at = hit != (size_t)-1 ? hit : commented;
    if (at != (size_t)-1) {
        char *s = strdup(text);
        if (!s)
            return -1;
        free(L->line[at]);
        L->line[at] = s;
        return 0;
    }
    if (header != (size_t)-1)
        return config_edit_push(L, last + 1, text, (size_t)len);
    char head[160];
    int hl = snprintf(head, sizeof head, "[%s]", k->section);
    if (L->n > 0 && L->line[L->n - 1][0] != '\0' && config_edit_push(L, L->n, "", 0) < 0)
        return -1;
    if (config_edit_push(L, L->n, head, (size_t)hl) < 0)
        return -1;
    return config_edit_push(L, L->n, text, (size_t)len);
}

int config_edit_file(const char *path, const ConfigEditKey *keys, size_t n,
                     char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++)
        if (strpbrk(keys[i].value, "\r\n") || strlen(keys[i].section) > 100) {
            snprintf(err, errlen, "%s: a value must be one line", keys[i].name);
            return -1;
        }
    char why[600];
    size_t len = 0;
    char *old = afile_read(path, CONFIG_EDIT_MAX, &len, why, sizeof why);
    if (!old && errno != ENOENT) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    /* A NUL byte would cut its line here (the kiosk refuses such a file):
     * refuse rather than drop the rest of the line unseen. */
    const char *nul = old ? memchr(old, '\0', len) : NULL;
    if (nul) {
        int line = 1;
        for (const char *p = old; p < nul; p++)
            line += *p == '\n';
        snprintf(err, errlen, "%s:%d: a NUL byte in the line (not a text file?); nothing"
                 " changed", path, line);
        free(old);
        return -1;
    }
    ConfigLines L = {0};
    int rc = -1;
    for (const char *p = old ? old : "", *end = p + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (config_edit_push(&L, L.n, p, ll) < 0)
            goto oom;
        p += ll + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (config_edit_apply(&L, &keys[i]) < 0)
            goto oom;
    size_t total = 0;
    for (size_t i = 0; i < L.n; i++)
        total += strlen(L.line[i]) + 1;
    char *text = malloc(total + 1), *q = text;
    if (!text)
        goto oom;
    for (size_t i = 0; i < L.n; i++) {
        size_t ll = strlen(L.line[i]);
        memcpy(q, L.line[i], ll);
        q += ll;
        *q++ = '\n';
    }
    /* Read the result back as the kiosk will, before it replaces the file. */
    char check[1100];
    snprintf(check, sizeof check, "%s.check-XXXXXX", path);
    int fd = mkstemp(check);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write beside it: %s", path, strerror(errno));
        free(text);
        goto out;
    }
    bool wrote = write(fd, text, total) == (ssize_t)total;
    close(fd);
    static Config probe;
    config_defaults(&probe);
    if (!wrote)
        snprintf(err, errlen, "%s: cannot write beside it", path);
    else if (config_load(&probe, check, why, sizeof why) < 0)
        snprintf(err, errlen, "the new settings would not load: %s", why);
    else if (afile_write(path, text, total, 0600, 0, why, sizeof why) < 0)
        snprintf(err, errlen, "%s", why);
    else
        rc = 0;
    unlink(check);
    free(text);
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    config_edit_free(&L);
    free(old);
    return rc;
}
