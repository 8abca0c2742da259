/* office_fleet.h - watching the fleet (docs/OFFICE.md, "Watching the
 * fleet"): each kiosk's state from its last heartbeat, the published
 * content and the clock; heartbeats kept with a bounded history; a change
 * of state that matters becomes one alert (office_alert.h sends it).
 *
 * The states, in the order they win when several hold:
 *   revoked         the kiosk's token was revoked
 *   never           no heartbeat ever (not enrolled yet, or silent since)
 *   late            no heartbeat for 3 heartbeat intervals (time inside the
 *                   office's night window, when one is set, does not count)
 *   flags           the kiosk raised flags (disk_full, database_corrupt,
 *                   queue_full, ...) or has dead letters or upload errors
 *   content_behind  it shows another content version than the one
 *                   published, for longer than 3 intervals after publishing
 *   night           its screen is on its night schedule (not a fault)
 *   online          none of the above
 * Only late, flags and content_behind are faults: a change into, between
 * or out of them (a recovery) is an alert; online <-> night is not.
 *
 * office_fleet_state is a pure function of its inputs (and the process's
 * TZ for the night window): the tests drive it with a fake clock. */
#ifndef OFFICE_FLEET_H
#define OFFICE_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "office.h"
#include "office_conf.h"
#include "ostore.h"

typedef enum {
    FLEET_ONLINE, FLEET_LATE, FLEET_CONTENT_BEHIND, FLEET_NIGHT, FLEET_FLAGS, FLEET_NEVER,
    FLEET_REVOKED, FLEET_N_STATES
} FleetState;

/* "online", "late", "content_behind", "night", "flags", "never", "revoked". */
const char *office_fleet_state_name(FleetState s);
/* The state of a name; -1 when unknown. */
int office_fleet_state_from_name(const char *name);
/* Whether a state is a fault (late, flags, content_behind). */
bool office_fleet_is_fault(FleetState s);

/* How the office judges kiosks (from office.conf [fleet]). */
typedef struct {
    int64_t interval_s;            /* the kiosks' heartbeat interval */
    int night_start_min;           /* local minutes after midnight; -1: no night window */
    int night_end_min;
} FleetPolicy;

void office_fleet_policy(const OfficeConf *c, FleetPolicy *p);

/* What the state depends on. */
typedef struct {
    int64_t revoked_at;            /* 0: not revoked */
    int64_t hb_at;                 /* last heartbeat, 0: never */
    const char *content_version;   /* of the last heartbeat */
    const char *display;           /* of the last heartbeat */
    const char *flags;             /* of the last heartbeat, comma-separated */
    const char *published;         /* the community's current content version, "" or NULL: none */
    int64_t published_at;          /* since when it is published */
} FleetInput;

FleetState office_fleet_state(const FleetInput *in, const FleetPolicy *p, int64_t now);

/* Seconds of [from, to) that fall inside the night window (0 without one). */
int64_t office_fleet_night_overlap(const FleetPolicy *p, int64_t from, int64_t to);

/* Read a heartbeat body (docs/PROTOCOL.md) into *hb: strings point into
 * `v` or into `buf` (flags and queue are written there). Flags are the
 * kiosk's own names plus "dead_letters" (queue.dead > 0), "upload_error"
 * (upload.last_error set) and "content_error" (content.last_error set),
 * sorted and comma-separated. Returns 0, or -1 with a message in err. */
int office_fleet_parse(json_t *v, const char *json, OstoreHeartbeat *hb, char *buf, size_t n,
                       char *err, size_t errlen);

/* POST /api/heartbeat: keep the heartbeat (history bounded by
 * [fleet] heartbeat_keep), re-evaluate the kiosk, and wake the alert
 * sender when that made an alert. */
void office_fleet_heartbeat(OfficeReq *rq, OfficeResp *rs, json_t *body);

/* Evaluate one kiosk now and record a change of state (and its alert).
 * *alerted (may be NULL) tells whether an alert was made. Returns 0 or -1
 * (database; ostore_error). */
int office_fleet_evaluate(Ostore *s, const OfficeConf *c, const OstoreKiosk *k,
                          int64_t now, bool *alerted);
/* The last community's published version, kept between calls of
 * office_fleet_evaluate_read (zero it first: community 0 is none). */
typedef struct {
    int64_t community;
    char version[24];
    int64_t since;
} FleetPublished;
/* Evaluate a kiosk whose status `st` was read with the list
 * (ostore_fleet_list) as office_fleet_evaluate would, without reading it
 * again while the state stands: the community's published version is read
 * once per community in a row (`pub`). Only when the state changes is the
 * status read afresh, the change recorded, and *st replaced by the status
 * as now stored. Returns 0 or -1 (database; ostore_error). */
int office_fleet_evaluate_read(Ostore *s, const OfficeConf *c, const OstoreKiosk *k,
                               OstoreKioskStatus *st, FleetPublished *pub, int64_t now,
                               bool *alerted);
/* Evaluate every kiosk (late ones are found without a heartbeat
 * arriving). *alerts counts the alerts made. Returns 0 or -1. */
int office_fleet_sweep(Ostore *s, const OfficeConf *c, int64_t now, int *alerts);

#endif
