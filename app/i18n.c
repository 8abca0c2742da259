/* i18n.c - user-interface strings from an INI file, looked up by key. */
#include "i18n.h"

#include <ini.h>
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

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    I18n *t = user;
    int lang = strcmp(section, "zh") == 0 ? LANG_ZH
             : strcmp(section, "en") == 0 ? LANG_EN : -1;
    if (lang < 0) {
        if (!t->msg[0])
            snprintf(t->msg, sizeof t->msg, "unknown section [%s]", section);
        return 0;
    }
    if (i18n_has(t, (Lang)lang, name)) {
        if (!t->msg[0])
            snprintf(t->msg, sizeof t->msg, "%s defined twice in [%s]", name, section);
        return 0;
    }
    return add(t, (Lang)lang, name, value) == 0;
}

I18n *i18n_load(const char *path, char *err, size_t errlen)
{
    I18n *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int line = ini_parse(path, handler, t);
    if (line == 0)
        return t;
    if (line == -1)
        snprintf(err, errlen, "%s: cannot open", path);
    else if (line < 0)
        snprintf(err, errlen, "%s: out of memory", path);
    else
        snprintf(err, errlen, "%s:%d: %s", path, line,
                 t->msg[0] ? t->msg : "malformed line");
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
