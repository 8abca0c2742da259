/* wallclock.h - the time the kiosk believes: the system clock, checked
 * against a floor it can trust and corrected by the office's Date header.
 *
 * A kiosk may boot without network and with a wrong clock (the RTC reset
 * to 1970, or set days ahead). Trusting it would expire every notice, or
 * show far-future ones as current, and date suggestions wrongly. The
 * policy (docs/OPERATIONS.md, "The clock"):
 *
 *  - The floor is a time known to have passed: the release date of this
 *    build (KIOSK_RELEASE_DATE), or the believed time the kiosk last saved
 *    (DATA_DIR/clock, every WALLCLOCK_SAVE_MS and at each office time),
 *    whichever is later.
 *  - A system clock more than WALLCLOCK_SLACK_MS before the floor is
 *    BEHIND; one more than WALLCLOCK_AHEAD_MAX_MS after it is AHEAD (only
 *    when the kiosk has an office to ask: without network settings nothing
 *    could ever confirm it, so it is believed; and only against a time the
 *    kiosk has seen, never against the release date alone: a kiosk first
 *    installed weeks after its release has a right clock). In either case the kiosk
 *    runs from the floor plus the time it has been up (monotonic): never
 *    later than the true time, and staff and the heartbeat see the flag
 *    "clock_not_set".
 *  - The office's Date header (any HTTPS answer) is the truth: from then on
 *    time is that Date plus the monotonic time since (SYNCED), whatever the
 *    system clock says, and the floor becomes that time (it may go down: a
 *    clock believed too far ahead before is corrected).
 *  - A system clock within WALLCLOCK_SYNC_TOLERANCE_MS of the office's time
 *    is simply OK again (the system's own NTP then keeps it).
 *
 * Pure: every function takes the system time and the monotonic time as
 * arguments (sys_ms, mono_ms), so tests drive it with a fake clock. */
#ifndef WALLCLOCK_H
#define WALLCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WALLCLOCK_SLACK_MS          (10LL * 60 * 1000)          /* 10 minutes */
#define WALLCLOCK_AHEAD_MAX_MS      (3LL * 24 * 3600 * 1000)    /* 3 days */
#define WALLCLOCK_SYNC_TOLERANCE_MS (2LL * 60 * 1000)           /* 2 minutes */
#define WALLCLOCK_SAVE_MS           (10LL * 60 * 1000)          /* 10 minutes */

typedef enum {
    WALLCLOCK_OK,       /* the system clock, plausible (not yet confirmed) */
    WALLCLOCK_SYNCED,   /* the office's time (Date header) plus monotonic time */
    WALLCLOCK_BEHIND,   /* the system clock is before the floor: floor + uptime */
    WALLCLOCK_AHEAD,    /* the system clock is implausibly far ahead: floor + uptime */
} WallclockState;

typedef struct {
    WallclockState state;
    int64_t floor_ms;        /* a time known to have passed */
    bool floor_from_office;  /* the floor came from the office's Date */
    int64_t base_ms;         /* SYNCED/BEHIND/AHEAD: time = base_ms + (mono - base_mono) */
    int64_t base_mono;
    int64_t sys_ms;          /* the system clock at the last look */
    bool check_ahead;        /* an office can confirm the time: AHEAD applies */
    int64_t saved_mono;      /* when the floor was last saved (INT64_MIN: never) */
} Wallclock;

/* The release date of this build in Unix milliseconds (KIOSK_RELEASE_DATE). */
int64_t wallclock_build_floor_ms(void);

/* Start at boot: floor_ms is the later of the build floor and the saved
 * time (0: none saved); check_ahead when an office URL is set. */
void wallclock_init(Wallclock *w, int64_t floor_ms, bool floor_from_office, bool check_ahead,
                    int64_t sys_ms, int64_t mono_ms);

/* The believed time in Unix milliseconds now; updates the state (a system
 * clock set right meanwhile, e.g. by NTP, is taken: BEHIND/AHEAD -> OK).
 * Never earlier than the floor, never goes back while not SYNCED. */
int64_t wallclock_now(Wallclock *w, int64_t sys_ms, int64_t mono_ms);

/* The office's Date header (server_s, Unix seconds) arrived at mono_ms,
 * when the system clock said sys_ms. Implausible dates (before the build
 * floor) are ignored: returns -1. Returns 0 when taken; the time is then
 * due to be saved when it was not set, not yet confirmed by the office,
 * or off by more than WALLCLOCK_SYNC_TOLERANCE_MS. */
int wallclock_office_time(Wallclock *w, int64_t server_s, int64_t sys_ms, int64_t mono_ms);

/* Whether the time is not known (BEHIND or AHEAD): staff see "time not set". */
bool wallclock_not_set(const Wallclock *w);

/* Whether the believed time should be saved now (every WALLCLOCK_SAVE_MS,
 * and at once after an office time); wallclock_saved records that it was. */
bool wallclock_save_due(const Wallclock *w, int64_t mono_ms);
void wallclock_saved(Wallclock *w, int64_t mono_ms);

/* "ok", "synced", "behind", "ahead". */
const char *wallclock_state_name(WallclockState s);

/* The saved record's text ("believed_ms N\nsource office|kiosk\n") and its
 * parser: returns 0 with *ms and *office, -1 when it does not parse. */
int wallclock_format(int64_t ms, bool office, char *buf, size_t n);
int wallclock_parse(const char *text, int64_t *ms, bool *office);

/* DATA_DIR/clock: load (0: *ms set; 1: no file; -1: unreadable or
 * damaged, message in err) and save atomically (0 or -1). */
int wallclock_load(const char *data_dir, int64_t *ms, bool *office, char *err, size_t errlen);
int wallclock_save(const char *data_dir, int64_t ms, bool office, char *err, size_t errlen);

#endif
