/* timeutil.c - ISO 8601 parsing (independent of TZ) and local-time helpers. */
#include "timeutil.h"

#include <time.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t time_days_from_civil(int64_t y, int m, int d)
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
