/* timeutil.c - ISO 8601 parsing (independent of TZ) and local-time helpers. */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* H. Hinnant's days_from_civil. */
int64_t time_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool time_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int time_days_in_month(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && time_is_leap(y) ? 29 : days[m - 1];
}

/* Read exactly `n` ASCII digits at *p; advances *p. Returns -1 if not digits. */
static int time_digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

int time_parse_iso8601_why(const char *s, int64_t *out, const char **why)
{
    static const char *const shape = "expected YYYY-MM-DDTHH:MM[:SS]+08:00";
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = shape;
    if (!s)
        return -1;
    const char *p = s;
    int year = time_digits(&p, 4);
    if (year < 0 || *p++ != '-')
        return -1;
    int mon = time_digits(&p, 2);
    if (mon < 0 || *p++ != '-')
        return -1;
    int mday = time_digits(&p, 2);
    if (mday < 0)
        return -1;
    if (*p != 'T') {
        *why = *p ? "expected 'T' between the date and the time (2026-12-01T09:00+08:00)"
                  : "missing time and UTC offset (add e.g. T09:00+08:00)";
        return -1;
    }
    p++;
    int hour = time_digits(&p, 2);
    if (hour < 0 || *p++ != ':')
        return -1;
    int min = time_digits(&p, 2);
    if (min < 0)
        return -1;
    int sec = 0;
    if (*p == ':') {
        p++;
        sec = time_digits(&p, 2);
        if (sec < 0)
            return -1;
        if (*p == '.' || *p == ',') {
            p++;
            int nfrac = 0;
            while (*p >= '0' && *p <= '9' && nfrac < 9) {
                p++;
                nfrac++;
            }
            if (nfrac == 0 || (*p >= '0' && *p <= '9'))
                return -1;   /* no digits after '.', or more than 9 */
        }
    }
    int off_sign = 0, off_h = 0, off_m = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        off_sign = *p++ == '+' ? 1 : -1;
        off_h = time_digits(&p, 2);
        if (off_h < 0 || *p++ != ':') {
            *why = "UTC offset must be written +HH:MM (e.g. +08:00)";
            return -1;
        }
        off_m = time_digits(&p, 2);
        if (off_m < 0) {
            *why = "UTC offset must be written +HH:MM (e.g. +08:00)";
            return -1;
        }
    } else if (*p == '\0') {
        *why = "missing UTC offset (add +08:00 for China time, or Z for UTC)";
        return -1;
    } else {
        return -1;
    }
    if (*p != '\0') {
        *why = "unexpected text after the date-time";
        return -1;
    }
    if (mon < 1 || mon > 12) {
        *why = "month must be 01-12";
        return -1;
    }
    if (mday < 1 || mday > time_days_in_month(year, mon)) {
        *why = "that day does not exist in that month";
        return -1;
    }
    if (hour > 23) {
        *why = "hour must be 00-23";
        return -1;
    }
    if (min > 59) {
        *why = "minute must be 00-59";
        return -1;
    }
    if (sec > 59) {
        *why = "second must be 00-59";
        return -1;
    }
    if (off_h > 23 || off_m > 59) {
        *why = "UTC offset out of range";
        return -1;
    }
    int64_t t = time_days_from_civil(year, mon, mday) * 86400
              + hour * 3600 + min * 60 + sec;
    t -= (int64_t)off_sign * (off_h * 3600 + off_m * 60);
    *out = t;
    *why = NULL;
    return 0;
}

int time_parse_iso8601(const char *s, int64_t *out)
{
    return time_parse_iso8601_why(s, out, NULL);
}

void time_local(int64_t t, LocalTime *out)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) {
        *out = (LocalTime){ 1970, 1, 1, 0, 0, 0, 4, 0 };
        return;
    }
    out->year = tm.tm_year + 1900;
    out->mon = tm.tm_mon + 1;
    out->mday = tm.tm_mday;
    out->hour = tm.tm_hour;
    out->min = tm.tm_min;
    out->sec = tm.tm_sec;
    out->wday = tm.tm_wday;
    out->yday = tm.tm_yday;
}

void time_local_date(int64_t t, int days_back, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        memset(&tm, 0, sizeof tm);
    if (days_back) {
        tm.tm_mday -= days_back;
        tm.tm_hour = 12;   /* away from any daylight-saving edge */
        tm.tm_isdst = -1;
        tt = mktime(&tm);
        localtime_r(&tt, &tm);
    }
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

int time_days_between(const char *a, const char *b, int *days)
{
    struct tm ta, tb;
    memset(&ta, 0, sizeof ta);
    memset(&tb, 0, sizeof tb);
    if (sscanf(a, "%4d-%2d-%2d", &ta.tm_year, &ta.tm_mon, &ta.tm_mday) != 3 ||
        sscanf(b, "%4d-%2d-%2d", &tb.tm_year, &tb.tm_mon, &tb.tm_mday) != 3)
        return -1;
    ta.tm_year -= 1900;
    tb.tm_year -= 1900;
    ta.tm_mon -= 1;
    tb.tm_mon -= 1;
    ta.tm_hour = tb.tm_hour = 12;   /* noon of each day, in UTC: no edge */
    *days = (int)((timegm(&tb) - timegm(&ta)) / 86400);
    return 0;
}

int64_t time_local_midnight(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return t - (t % 86400 + 86400) % 86400;
    tm.tm_hour = 0;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    time_t m = mktime(&tm);
    return m == (time_t)-1 ? t : (int64_t)m;
}

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
