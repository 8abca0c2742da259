/* backoff.c - exponential backoff with full jitter; Retry-After parsing. */
#include "backoff.h"
#include "timeutil.h"

#include <ctype.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint32_t backoff_sodium(uint32_t upper, void *ctx)
{
    (void)ctx;
    return randombytes_uniform(upper);
}

int64_t backoff_delay_ms(int failures, int64_t base_ms, int64_t cap_ms,
                         BackoffRng rng, void *ctx)
{
    if (base_ms <= 0 || cap_ms <= 0)
        return 0;
    if (cap_ms > (int64_t)UINT32_MAX - 1)
        cap_ms = (int64_t)UINT32_MAX - 1;
    int64_t ceil = base_ms;
    for (int i = 1; i < failures && ceil < cap_ms; i++)
        ceil *= 2;   /* stops at cap_ms: base_ms <= cap is not needed, no overflow */
    if (ceil > cap_ms)
        ceil = cap_ms;
    uint32_t v = (rng ? rng : backoff_sodium)((uint32_t)ceil + 1u, ctx);
    return v > (uint32_t)ceil ? ceil : (int64_t)v;
}

static int backoff_month(const char *s)
{
    static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (strcmp(s, names[i]) == 0)
            return i + 1;
    return 0;
}

static bool backoff_wday(const char *s, bool full)
{
    static const char *const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
    for (int i = 0; i < 7; i++)
        if (full ? strcmp(s, names[i]) == 0 : strncmp(s, names[i], 3) == 0 && strlen(s) == 3)
            return true;
    return false;
}

int backoff_http_date(const char *s, int64_t *out)
{
    char wd[16], mon[4], tz[4], tail;
    int d, y, hh, mm, ss, n = 0;
    /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
    if (sscanf(s, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3s%n%c", wd, &d, mon, &y, &hh,
               &mm, &ss, tz, &n, &tail) == 8 && (size_t)n == strlen(s) && backoff_wday(wd, false)) {
        /* fall through to the checks below */
    } else if (sscanf(s, "%9[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d %3s%n%c", wd, &d, mon, &y,
                      &hh, &mm, &ss, tz, &n, &tail) == 8 && (size_t)n == strlen(s) &&
               backoff_wday(wd, true)) {
        /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT; two-digit years are read
         * as the nearest year not more than 50 years ahead (RFC 9110). */
        y += y < 70 ? 2000 : 1900;
    } else if (sscanf(s, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n%c", wd, mon, &d, &hh, &mm,
                      &ss, &y, &n, &tail) == 7 && (size_t)n == strlen(s) &&
               backoff_wday(wd, false)) {
        snprintf(tz, sizeof tz, "GMT");   /* asctime: Sun Nov  6 08:49:37 1994 */
    } else {
        return -1;
    }
    int m = backoff_month(mon);
    if (!m || strcmp(tz, "GMT") != 0 || d < 1 || d > 31 || y < 1970 || hh > 23 || mm > 59 ||
        ss > 60 || hh < 0 || mm < 0 || ss < 0)
        return -1;
    *out = time_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
    return 0;
}

int backoff_retry_after(const char *value, int64_t now_s, int64_t *delay_s)
{
    if (!value)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    char buf[64];
    size_t n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\r' ||
                     value[n - 1] == '\n'))
        n--;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, value, n);
    buf[n] = '\0';
    int64_t v;
    if (isdigit((unsigned char)buf[0])) {
        v = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isdigit((unsigned char)buf[i]))
                return -1;
            if (v <= BACKOFF_RETRY_AFTER_MAX_S)
                v = v * 10 + (buf[i] - '0');
        }
    } else {
        int64_t at;
        if (backoff_http_date(buf, &at) < 0)
            return -1;
        v = at - now_s;
    }
    *delay_s = v < 0 ? 0 : v > BACKOFF_RETRY_AFTER_MAX_S ? BACKOFF_RETRY_AFTER_MAX_S : v;
    return 0;
}

int64_t backoff_next_ms(int failures, int64_t base_ms, int64_t cap_ms,
                        int64_t retry_after_ms, BackoffRng rng, void *ctx)
{
    int64_t d = backoff_delay_ms(failures, base_ms, cap_ms, rng, ctx);
    return retry_after_ms > d ? retry_after_ms : d;
}
