/* batch.c - upload batch times: parsing and the decision to open a batch. */
#include "batch.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int batch_parse_times(const char *s, BatchTimes *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        int h, m, used = 0;
        if (sscanf(p, "%2d:%2d%n", &h, &m, &used) != 2 || used != 5 ||
            p[0] < '0' || p[0] > '9' || p[3] < '0' || p[3] > '9' ||
            h < 0 || h > 23 || m < 0 || m > 59) {
            snprintf(err, errlen, "expected times as HH:MM (00:00 to 23:59) separated by commas");
            return -1;
        }
        p += used;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ',' && *p != '\0') {
            snprintf(err, errlen, "expected times as HH:MM (00:00 to 23:59) separated by commas");
            return -1;
        }
        int v = h * 60 + m, i = out->n;
        if (out->n == BATCH_MAX_TIMES) {
            snprintf(err, errlen, "more than %d times", BATCH_MAX_TIMES);
            return -1;
        }
        while (i > 0 && out->min[i - 1] > v)
            i--;
        if (i > 0 && out->min[i - 1] == v) {
            snprintf(err, errlen, "%02d:%02d listed twice", h, m);
            return -1;
        }
        memmove(&out->min[i + 1], &out->min[i], (size_t)(out->n - i) * sizeof out->min[0]);
        out->min[i] = v;
        out->n++;
        if (*p == '\0')
            return 0;
        p++;
    }
}

/* Unix seconds of minute `min` of the local day `day_offset` days from the
 * day of now_s (mktime normalises, and handles daylight saving). */
static int64_t batch_at(int64_t now_s, int day_offset, int min)
{
    time_t t = (time_t)now_s;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mday += day_offset;
    tm.tm_hour = min / 60;
    tm.tm_min = min % 60;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

int64_t batch_last_slot(const BatchTimes *t, int64_t now_s)
{
    if (t->n == 0)
        return -1;
    for (int day = 0; day >= -1; day--)
        for (int i = t->n - 1; i >= 0; i--) {
            int64_t at = batch_at(now_s, day, t->min[i]);
            if (at <= now_s)
                return at;
        }
    return batch_at(now_s, -2, t->min[t->n - 1]);
}

int64_t batch_next_slot(const BatchTimes *t, int64_t now_s)
{
    if (t->n == 0)
        return -1;
    for (int day = 0; day <= 1; day++)
        for (int i = 0; i < t->n; i++) {
            int64_t at = batch_at(now_s, day, t->min[i]);
            if (at > now_s)
                return at;
        }
    return batch_at(now_s, 2, t->min[0]);
}

bool batch_should_open(const BatchTimes *t, int64_t *seen_slot, int64_t now_s,
                       int64_t outside, int batch_min, bool force)
{
    bool slot_passed = false;
    int64_t last = batch_last_slot(t, now_s);
    if (last >= 0 && last > *seen_slot) {
        *seen_slot = last;
        slot_passed = true;
    }
    if (outside <= 0)
        return false;
    return force || slot_passed || (batch_min > 0 && outside >= batch_min);
}
