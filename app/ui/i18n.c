/* i18n.c - user-interface strings from an INI file, looked up by key. */
#include "i18n.h"
#include "inifile.h"

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
    /* "\n" in a value is a line break (a key label on two lines). */
    char *w = v;
    for (const char *r = v; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') {
            *w++ = '\n';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    t->e[lang][t->n[lang]++] = (Entry){k, v};
    return 0;
}

typedef struct {
    I18n *t;
    int lang;   /* of the current section, -1 before [zh] or [en] */
} I18nParse;

/* One line of the strings file (inifile.h, the settings file's reader:
 * lines of a sentence of Chinese are longer than inih's 199 bytes).
 * Sections are [zh] and [en]; a value runs to the end of its line (no
 * inline comments: `;` is punctuation here); "\n" in it is a line break. */
static int i18n_entry(void *user, const InifileEntry *e, char *msg, size_t msglen)
{
    I18nParse *p = user;
    if (!e->key) {
        p->lang = strcmp(e->section, "zh") == 0 ? LANG_ZH : strcmp(e->section, "en") == 0 ? LANG_EN
                                                                                         : -1;
        if (p->lang < 0) {
            snprintf(msg, msglen, "unknown section [%.40s]", e->section);
            return -1;
        }
        return 0;
    }
    if (p->lang < 0) {
        snprintf(msg, msglen, "text outside [zh] or [en]");
        return -1;
    }
    if (add(p->t, (Lang)p->lang, e->key, e->value) < 0) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    return 0;
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
    I18nParse p = {t, -1};
    int rc = inifile_parse(f, 0, i18n_entry, &p, &line, t->msg, sizeof t->msg);
    fclose(f);
    if (rc == 0)
        return t;
    if (line > 0)
        snprintf(err, errlen, "%s:%d: %s", path, line, t->msg);
    else
        snprintf(err, errlen, "%s: %s", path, t->msg);
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
