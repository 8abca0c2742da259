/* i18n.h - the user interface's words in Chinese and English.
 *
 * Loaded from assets/i18n/strings.ini: a [zh] and an [en] section of
 * `key = text` lines. Content (notices, events) carries its own texts. */
#ifndef I18N_H
#define I18N_H

#include <stddef.h>
#include "content.h"

typedef struct I18n I18n;

/* Load the strings file. Returns NULL with a message (naming the line) in
 * err on failure. */
I18n *i18n_load(const char *path, char *err, size_t errlen);
void i18n_free(I18n *t);   /* NULL accepted */

/* The text for `key` in `lang`; falls back to zh, then to the key itself
 * (so a missing string shows up on screen instead of a blank). */
const char *i18n_get(const I18n *t, Lang lang, const char *key);

/* Whether `key` has a text in `lang` (without fallback). */
int i18n_has(const I18n *t, Lang lang, const char *key);

/* Number of keys in `lang`, and the i-th key (for checks). */
size_t i18n_count(const I18n *t, Lang lang);
const char *i18n_key(const I18n *t, Lang lang, size_t i);

#endif
