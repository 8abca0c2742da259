/* audit.h - the staff audit log: one line per staff action, appended and fsync'ed.
 *
 * A line is "TIME<TAB>ACTION<TAB>RESULT\n", TIME in ISO 8601 local time with
 * its offset ("2026-03-14T09:05:00+08:00"). Callers pass fixed words and
 * numbers: never suggestion text, a contact or a PIN. Tabs, line breaks and
 * other control characters in action or result become spaces, and each is
 * cut to AUDIT_FIELD_MAX bytes, so a line is always one line.
 *
 * The file (config [staff] audit_log, default DATA_DIR/audit.log) is
 * created with mode 0600. When it has grown past AUDIT_ROTATE_BYTES, it is
 * renamed to PATH.1 (replacing an older PATH.1) before the next line, so
 * at most about twice that is kept. */
#ifndef AUDIT_H
#define AUDIT_H

#include <stddef.h>
#include <stdint.h>

#define AUDIT_FIELD_MAX    200
#define AUDIT_ROTATE_BYTES (1024 * 1024)

/* Append one line for `action` ("pin", "export", "kioskctl purge", ...)
 * with `result` ("ok", "wrong, 3 left", "failed: no space left on device")
 * at time now_s, and fsync it. Returns 0, or -1 with errno set when the
 * line could not be written (the action itself is not undone: callers
 * report it and go on). */
int audit_log(const char *path, int64_t now_s, const char *action, const char *result);

/* As audit_log with a printf-style result. */
int audit_logf(const char *path, int64_t now_s, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
