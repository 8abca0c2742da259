/* timeutil.h - ISO 8601 parsing and local-time helpers. */
#ifndef TIMEUTIL_H
#define TIMEUTIL_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Parse "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)" into Unix seconds.
 * Rejects impossible dates (2026-02-30), hours > 23, missing offsets.
 * Returns 0 on success, -1 on error (and *out untouched). */
int time_parse_iso8601(const char *s, int64_t *out);
/* As time_parse_iso8601; on error also sets *why (when `why` is non-NULL) to
 * a short static English reason ("missing UTC offset ..."). Sets *why to
 * NULL on success. Does not depend on TZ. */
int time_parse_iso8601_why(const char *s, int64_t *out, const char **why);

/* Days from 1970-01-01 to the date y-m-d (proleptic Gregorian, m 1..12),
 * without the TZ: the one date arithmetic of parsers (ISO 8601 here,
 * HTTP dates in backoff.c). */
int64_t time_days_from_civil(int64_t y, int m, int d);

/* Broken-down local time of Unix seconds `t` (uses the process TZ). */
typedef struct { int year, mon, mday, hour, min, sec, wday, yday; } LocalTime;
void time_local(int64_t t, LocalTime *out);

/* The local date (TZ) `days_back` calendar days before the day of Unix
 * seconds t, as YYYY-MM-DD (days_back 0: t's own date; counted in
 * calendar days, so daylight saving never shifts it). The one place a
 * date column's value is made. */
void time_local_date(int64_t t, int days_back, char out[11]);

/* Whole calendar days from date a to date b (YYYY-MM-DD each): b - a.
 * Returns 0 with *days set, or -1 when either does not parse. */
int time_days_between(const char *a, const char *b, int *days);

/* Unix seconds of local midnight starting the day that contains `t`. */
int64_t time_local_midnight(int64_t t);

/* The current wall-clock time in milliseconds since the epoch. */
int64_t time_now_ms(void);
/* A monotonic clock in milliseconds (for measuring durations only). */
int64_t time_mono_ms(void);

#endif
