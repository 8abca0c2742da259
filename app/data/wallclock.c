/* wallclock.c - the believed time: the system clock checked against a floor, corrected by the office's Date. */
#include "wallclock.h"

#include "afile.h"
#include "timeutil.h"
#include "version.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALLCLOCK_FILE "clock"
#define WALLCLOCK_FILE_MAX 256

int64_t wallclock_build_floor_ms(void)
{
    int64_t s = 0;
    if (time_parse_iso8601(KIOSK_RELEASE_DATE, &s) < 0)
        return 0;   /* cannot happen: test_wallclock parses it */
    return s * 1000;
}

const char *wallclock_state_name(WallclockState s)
{
    switch (s) {
    case WALLCLOCK_OK: return "ok";
    case WALLCLOCK_SYNCED: return "synced";
    case WALLCLOCK_BEHIND: return "behind";
    case WALLCLOCK_AHEAD: return "ahead";
    }
    return "?";
}

/* Run from the floor plus the monotonic time from now on. */
static void wallclock_estimate(Wallclock *w, WallclockState s, int64_t mono_ms)
{
    w->state = s;
    w->base_ms = w->floor_ms;
    w->base_mono = mono_ms;
}

/* Judge the system clock against the floor (states OK, BEHIND, AHEAD). */
static void wallclock_judge(Wallclock *w, int64_t sys_ms, int64_t mono_ms)
{
    if (sys_ms < w->floor_ms - WALLCLOCK_SLACK_MS)
        wallclock_estimate(w, WALLCLOCK_BEHIND, mono_ms);
    else if (w->check_ahead && w->floor_ms > wallclock_build_floor_ms() &&
             sys_ms > w->floor_ms + WALLCLOCK_AHEAD_MAX_MS)
        wallclock_estimate(w, WALLCLOCK_AHEAD, mono_ms);
    else
        w->state = WALLCLOCK_OK;
}

void wallclock_init(Wallclock *w, int64_t floor_ms, bool floor_from_office, bool check_ahead,
                    int64_t sys_ms, int64_t mono_ms)
{
    memset(w, 0, sizeof *w);
    int64_t build = wallclock_build_floor_ms();
    w->floor_ms = floor_ms > build ? floor_ms : build;
    w->floor_from_office = floor_ms > build && floor_from_office;
    w->check_ahead = check_ahead;
    w->sys_ms = sys_ms;
    w->saved_mono = mono_ms;
    wallclock_judge(w, sys_ms, mono_ms);
}

int64_t wallclock_now(Wallclock *w, int64_t sys_ms, int64_t mono_ms)
{
    w->sys_ms = sys_ms;
    int64_t t;
    switch (w->state) {
    case WALLCLOCK_SYNCED:
        t = w->base_ms + (mono_ms - w->base_mono);
        /* The system clock was set right meanwhile: it is the better one. */
        if (sys_ms >= t - WALLCLOCK_SYNC_TOLERANCE_MS && sys_ms <= t + WALLCLOCK_SYNC_TOLERANCE_MS)
            w->state = WALLCLOCK_OK;
        break;
    case WALLCLOCK_BEHIND:
    case WALLCLOCK_AHEAD:
        t = w->base_ms + (mono_ms - w->base_mono);
        /* Someone (NTP, staff) set the system clock to a plausible time. */
        if (sys_ms >= t - WALLCLOCK_SLACK_MS &&
            (!w->check_ahead || sys_ms <= t + WALLCLOCK_AHEAD_MAX_MS)) {
            w->state = WALLCLOCK_OK;
            t = sys_ms;
        }
        break;
    case WALLCLOCK_OK:
    default:
        /* A jump back past the floor, or far ahead, while running. */
        wallclock_judge(w, sys_ms, mono_ms);
        t = w->state == WALLCLOCK_OK ? sys_ms : w->base_ms;
        break;
    }
    if (t > w->floor_ms)
        w->floor_ms = t;
    return t;
}

int wallclock_office_time(Wallclock *w, int64_t server_s, int64_t sys_ms, int64_t mono_ms)
{
    if (server_s > INT64_MAX / 1000 || server_s * 1000 < wallclock_build_floor_ms())
        return -1;
    int64_t ms = server_s * 1000;
    int64_t believed = w->state == WALLCLOCK_OK ? sys_ms : w->base_ms + (mono_ms - w->base_mono);
    /* Save at once when it was not known or was off; else at the usual pace. */
    if (wallclock_not_set(w) || !w->floor_from_office ||
        believed < ms - WALLCLOCK_SYNC_TOLERANCE_MS || believed > ms + WALLCLOCK_SYNC_TOLERANCE_MS)
        w->saved_mono = INT64_MIN;
    w->sys_ms = sys_ms;
    w->floor_ms = ms;   /* the truth; may be lower than a floor believed too far ahead */
    w->floor_from_office = true;
    if (sys_ms >= ms - WALLCLOCK_SYNC_TOLERANCE_MS && sys_ms <= ms + WALLCLOCK_SYNC_TOLERANCE_MS) {
        w->state = WALLCLOCK_OK;   /* confirmed: the system clock is right */
        return 0;
    }
    w->state = WALLCLOCK_SYNCED;
    w->base_ms = ms;
    w->base_mono = mono_ms;
    return 0;
}

bool wallclock_not_set(const Wallclock *w)
{
    return w->state == WALLCLOCK_BEHIND || w->state == WALLCLOCK_AHEAD;
}

bool wallclock_save_due(const Wallclock *w, int64_t mono_ms)
{
    return w->saved_mono == INT64_MIN || mono_ms - w->saved_mono >= WALLCLOCK_SAVE_MS;
}

void wallclock_saved(Wallclock *w, int64_t mono_ms)
{
    w->saved_mono = mono_ms;
}

int wallclock_format(int64_t ms, bool office, char *buf, size_t n)
{
    int len = snprintf(buf, n, "believed_ms %" PRId64 "\nsource %s\n", ms,
                       office ? "office" : "kiosk");
    return len < 0 || (size_t)len >= n ? -1 : len;
}

int wallclock_parse(const char *text, int64_t *ms, bool *office)
{
    long long v;
    char src[16], extra;
    int n = 0;
    if (sscanf(text, "believed_ms %lld\nsource %15s%n", &v, src, &n) != 2 || v < 0)
        return -1;
    if (sscanf(text + n, " %c", &extra) == 1)
        return -1;   /* anything after the record */
    if (strcmp(src, "office") != 0 && strcmp(src, "kiosk") != 0)
        return -1;
    *ms = v;
    *office = strcmp(src, "office") == 0;
    return 0;
}

static int wallclock_path(const char *data_dir, char out[PATH_MAX])
{
    return snprintf(out, PATH_MAX, "%s/" WALLCLOCK_FILE, data_dir) < PATH_MAX ? 0 : -1;
}

int wallclock_load(const char *data_dir, int64_t *ms, bool *office, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (wallclock_path(data_dir, path) < 0) {
        snprintf(err, errlen, "data directory name too long");
        return -1;
    }
    size_t len;
    char *text = afile_read(path, WALLCLOCK_FILE_MAX, &len, err, errlen);
    if (!text)
        return errno == ENOENT ? 1 : -1;
    int rc = wallclock_parse(text, ms, office);
    free(text);
    if (rc < 0)
        snprintf(err, errlen, "%s: not a saved time (ignored; the build date is the floor)", path);
    return rc;
}

int wallclock_save(const char *data_dir, int64_t ms, bool office, char *err, size_t errlen)
{
    char path[PATH_MAX], text[WALLCLOCK_FILE_MAX];
    if (wallclock_path(data_dir, path) < 0) {
        snprintf(err, errlen, "data directory name too long");
        return -1;
    }
    int len = wallclock_format(ms, office, text, sizeof text);
    if (len < 0) {
        snprintf(err, errlen, "cannot format the time");
        return -1;
    }
    return afile_write(path, text, (size_t)len, 0600, 0, err, errlen);
}
