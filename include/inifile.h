/* inifile.h - the one small INI reader of the kiosk: the settings file
 * (config.c, docs/CONFIG.md) and the user-interface strings (i18n.c).
 *
 * A file is lines of `[section]`, `key = value`, comments (the first
 * non-blank character `;` or `#`) and blank lines. Keys and values are
 * trimmed of spaces and tabs; nothing else is interpreted (no quotes, no
 * escapes, no continuation lines). A UTF-8 byte order mark at the start is
 * skipped, and a CR before the newline is dropped.
 *
 * Unlike inih, whose lines stop at 199 bytes (the rest read as a line of
 * its own), a line may be up to INIFILE_LINE_MAX bytes; a longer one is
 * refused whole with its own line number, except a comment, which may be
 * of any length and is never read as anything else. A NUL byte anywhere
 * and a key given twice in one section are errors. */
#ifndef INIFILE_H
#define INIFILE_H

#include <stddef.h>
#include <stdio.h>

#define INIFILE_LINE_MAX 8192   /* bytes in a line, its newline not counted */
#define INIFILE_SECTION_MAX 64  /* bytes in a section name, its NUL counted */

enum {
    /* `;` after a space or tab ends a value or a section line (as inih);
     * without it a value runs to the end of its line. */
    INIFILE_INLINE_COMMENTS = 1,
};

typedef struct {
    int line;              /* 1-based */
    const char *section;   /* "" before the first [section] */
    const char *key;       /* NULL on a [section] line */
    const char *value;     /* NULL on a [section] line */
} InifileEntry;

/* Called for each [section] line and each key, in order. Returns 0 to go
 * on, or -1 with a one-line message in msg (which stops the parse). */
typedef int (*InifileFn)(void *user, const InifileEntry *e, char *msg, size_t msglen);

/* Read f to its end (flags: INIFILE_INLINE_COMMENTS or 0). Returns 0, or
 * -1 with the line at fault in *line (0 when reading failed) and a message
 * in msg: the syntax error, or fn's message. */
int inifile_parse(FILE *f, unsigned flags, InifileFn fn, void *user, int *line, char *msg,
                  size_t msglen);

#endif
