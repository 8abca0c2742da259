/* inifile.c - the INI reader shared by the settings file and the UI strings. */
#include "inifile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name;   /* "section\nkey" */
    int line;
} InifileSeen;

typedef struct {
    InifileSeen *v;
    size_t n, cap;
} InifileKeys;

static bool inifile_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim spaces and tabs at both ends, in place. */
static char *inifile_trim(char *s)
{
    while (inifile_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && inifile_blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Cut s at an inline comment: `;` after a space or tab. */
static void inifile_cut_comment(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == ';' && p > s && inifile_blank(p[-1])) {
            *p = '\0';
            return;
        }
}

/* Read one line (without its newline) into *buf. Returns its length, or -1
 * at the end of the file. *nul tells whether it held a NUL byte; *over
 * whether it was longer than INIFILE_LINE_MAX (then only the first
 * INIFILE_LINE_MAX bytes are kept, the rest is read past). */
static long inifile_read_line(FILE *f, char *buf, bool *nul, bool *over)
{
    size_t n = 0;
    int c;
    *nul = *over = false;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (c == '\0')
            *nul = true;
        if (n < INIFILE_LINE_MAX)
            buf[n++] = (char)c;
        else
            *over = true;
    }
    if (c == EOF && n == 0 && !*over)
        return -1;
    buf[n] = '\0';
    return (long)n;
}

/* Remember section+key at line; -1 with a message when it was seen. */
static int inifile_once(InifileKeys *k, const char *section, const char *key, int line,
                        char *msg, size_t msglen)
{
    size_t len = strlen(section) + strlen(key) + 2;
    char *name = malloc(len);
    if (!name) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    snprintf(name, len, "%s\n%s", section, key);
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].name, name) == 0) {
            snprintf(msg, msglen, "%.80s is set twice in [%.40s] (first on line %d)", key,
                     section, k->v[i].line);
            free(name);
            return -1;
        }
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 64;
        InifileSeen *v = realloc(k->v, cap * sizeof *v);
        if (!v) {
            free(name);
            snprintf(msg, msglen, "out of memory");
            return -1;
        }
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = (InifileSeen){name, line};
    return 0;
}

/* One line; 0 or -1 with a message. */
static int inifile_line(char *s, unsigned flags, char *section, InifileKeys *keys, int line,
                        InifileFn fn, void *user, char *msg, size_t msglen)
{
    char *p = inifile_trim(s);
    if (*p == '\0' || *p == ';' || *p == '#')
        return 0;
    if (flags & INIFILE_INLINE_COMMENTS) {
        inifile_cut_comment(p);
        p = inifile_trim(p);
    }
    InifileEntry e = {.line = line, .section = section};
    if (*p == '[') {
        char *end = strchr(p, ']');
        if (!end || end[1] != '\0') {
            snprintf(msg, msglen, "malformed section line (expected [name])");
            return -1;
        }
        *end = '\0';
        char *name = inifile_trim(p + 1);
        if (*name == '\0' || strlen(name) >= INIFILE_SECTION_MAX) {
            snprintf(msg, msglen, "%s section name", *name ? "too long a" : "empty");
            return -1;
        }
        memcpy(section, name, strlen(name) + 1);
        return fn(user, &e, msg, msglen);
    }
    char *eq = strchr(p, '=');
    if (!eq) {
        snprintf(msg, msglen, "malformed line (expected key = value or [section])");
        return -1;
    }
    *eq = '\0';
    e.key = inifile_trim(p);
    e.value = inifile_trim(eq + 1);
    if (*e.key == '\0') {
        snprintf(msg, msglen, "malformed line (no key before =)");
        return -1;
    }
    if (inifile_once(keys, section, e.key, line, msg, msglen) < 0)
        return -1;
    return fn(user, &e, msg, msglen);
}

int inifile_parse(FILE *f, unsigned flags, InifileFn fn, void *user, int *line, char *msg,
                  size_t msglen)
{
    char *buf = malloc(INIFILE_LINE_MAX + 1);
    char section[INIFILE_SECTION_MAX] = "";
    InifileKeys keys = {NULL, 0, 0};
    int rc = 0;
    long n;
    bool nul, over;
    *line = 0;
    msg[0] = '\0';
    if (!buf) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    while ((n = inifile_read_line(f, buf, &nul, &over)) >= 0) {
        ++*line;
        char *s = buf;
        if (*line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3;   /* a UTF-8 byte order mark */
        if (nul) {
            snprintf(msg, msglen, "a NUL byte in the line (not a text file?)");
            rc = -1;
            break;
        }
        size_t len = (size_t)n - (size_t)(s - buf);
        if (len > 0 && s[len - 1] == '\r')
            s[--len] = '\0';
        if (over) {
            char *p = s;
            while (inifile_blank(*p))
                p++;
            if (*p == ';' || *p == '#')
                continue;   /* a comment may be of any length */
            snprintf(msg, msglen, "line longer than %d bytes", INIFILE_LINE_MAX);
            rc = -1;
            break;
        }
        if (inifile_line(s, flags, section, &keys, *line, fn, user, msg, msglen) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(msg, msglen, "cannot read");
        *line = 0;
        rc = -1;
    }
    for (size_t i = 0; i < keys.n; i++)
        free(keys.v[i].name);
    free(keys.v);
    free(buf);
    return rc;
}
