/* i18n.c - user-interface strings from an INI file, looked up by key. */
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *key, *text; } Entry;

struct I18n {
    Entry *e[LANG_COUNT];
    size_t n[LANG_COUNT], cap[LANG_COUNT];
    char msg[160];
};

static int add(I18n *t, Lang lang, const char *key, const char *text)
{
    if (t->n[lang] == t->cap[lang]) {
        size_t ncap = t->cap[lang] ? t->cap[lang] * 2 : 64;
        Entry *ne = realloc(t->e[lang], ncap * sizeof *ne);
        if (!ne)
            return -1;
        t->e[lang] = ne;
        t->cap[lang] = ncap;
    }
    char *k = strdup(key), *v = strdup(text);
    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    t->e[lang][t->n[lang]++] = (Entry){k, v};
    return 0;
}

/* Trim spaces and tabs at both ends, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
                     s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* The strings file is read by this small parser rather than inih: inih's
 * line limit (200 bytes) is too short for a sentence of Chinese. Lines are
 * "[zh]", "[en]", "key = text", or comments starting with ';' or '#'. */
static int parse(I18n *t, FILE *f, int *lineno)
{
    char *line = NULL;
    size_t cap = 0;
    int lang = -1, rc = 0;
    *lineno = 0;
    while (getline(&line, &cap, f) != -1) {
        ++*lineno;
        char *p = trim(line);
        if (*p == '\0' || *p == ';' || *p == '#')
            continue;
        if (*p == '[') {
            char *end = strchr(p, ']');
            if (!end || end[1]) {
                snprintf(t->msg, sizeof t->msg, "malformed section header");
                rc = -1;
                break;
            }
            *end = '\0';
            lang = strcmp(p + 1, "zh") == 0 ? LANG_ZH : strcmp(p + 1, "en") == 0 ? LANG_EN : -1;
            if (lang < 0) {
                snprintf(t->msg, sizeof t->msg, "unknown section [%.40s]", p + 1);
                rc = -1;
                break;
            }
            continue;
        }
        char *eq = strchr(p, '=');
        if (!eq || lang < 0) {
            snprintf(t->msg, sizeof t->msg, "%s", lang < 0 ? "text outside [zh] or [en]"
                                                           : "expected key = text");
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = trim(p), *val = trim(eq + 1);
        if (!*key) {
            snprintf(t->msg, sizeof t->msg, "missing key");
            rc = -1;
            break;
        }
        if (i18n_has(t, (Lang)lang, key)) {
            snprintf(t->msg, sizeof t->msg, "%.60s defined twice in [%s]", key,
                     lang == LANG_ZH ? "zh" : "en");
            rc = -1;
            break;
        }
        if (add(t, (Lang)lang, key, val) < 0) {
            snprintf(t->msg, sizeof t->msg, "out of memory");
            rc = -1;
            break;
        }
    }
    free(line);
    return rc;
}

I18n *i18n_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    I18n *t = calloc(1, sizeof *t);
    int line = 0;
    if (!t) {
        fclose(f);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = parse(t, f, &line);
    fclose(f);
    if (rc == 0)
        return t;
    snprintf(err, errlen, "%s:%d: %s", path, line, t->msg);
    i18n_free(t);
    return NULL;
}

void i18n_free(I18n *t)
{
    if (!t)
        return;
    for (int l = 0; l < LANG_COUNT; l++) {
        for (size_t i = 0; i < t->n[l]; i++) {
            free(t->e[l][i].key);
            free(t->e[l][i].text);
        }
        free(t->e[l]);
    }
    free(t);
}

static const char *find(const I18n *t, Lang lang, const char *key)
{
    for (size_t i = 0; i < t->n[lang]; i++)
        if (strcmp(t->e[lang][i].key, key) == 0)
            return t->e[lang][i].text;
    return NULL;
}

const char *i18n_get(const I18n *t, Lang lang, const char *key)
{
    const char *s = t ? find(t, lang, key) : NULL;
    if (!s && t)
        s = find(t, LANG_ZH, key);
    return s ? s : key;
}

int i18n_has(const I18n *t, Lang lang, const char *key)
{
    return find(t, lang, key) != NULL;
}

size_t i18n_count(const I18n *t, Lang lang)
{
    return t->n[lang];
}

const char *i18n_key(const I18n *t, Lang lang, size_t i)
{
    return i < t->n[lang] ? t->e[lang][i].key : NULL;
}
