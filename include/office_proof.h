/* office_proof.h - proof of posting (公示, docs/OFFICE.md "Proof of
 * posting"): for a notice, on which kiosks it was on show and from when
 * to when, with the gaps.
 *
 * The record is made of two things the office keeps: the notices of every
 * content version it served (noted when the feed is made), and each
 * kiosk's display segments (from its heartbeats: the content version it
 * showed and whether the screen was visible, from the first to the last
 * heartbeat that said so; ostore_fleet_heartbeat). A kiosk showed the
 * notice while a segment of a version holding it was visible, within the
 * notice's own publish_at .. expire_at; two such stretches less than 3
 * heartbeat intervals apart are one. Everything else within the notice's
 * window is a gap, with its reason: no heartbeat (off, no network), a
 * blank screen (night-blank), or other content (an older version). */
#ifndef OFFICE_PROOF_H
#define OFFICE_PROOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "content.h"
#include "office.h"
#include "office_conf.h"
#include "ostore.h"

/* Note the notices of a content version the office serves. Returns 0 or
 * -1 (database; ostore_error). */
int office_proof_note(Ostore *s, int64_t community_id, const Content *c, int64_t now);

typedef enum { PROOF_SHOWN, PROOF_GAP } ProofKind;

typedef struct {
    ProofKind kind;
    int64_t from, to;
    const char *reason;          /* gaps: "no_heartbeat", "blank_screen", "other_content" */
} ProofSpan;

typedef struct {
    int64_t kiosk_id;
    char kiosk[128];
    ProofSpan *spans;          /* shown and gaps in order, covering the window */
    size_t n;
    int64_t shown_s;
} ProofKiosk;

typedef struct {
    char community[64];
    char notice_id[CONTENT_MAX_ID + 1];
    char title[CONTENT_MAX_TITLE * 4 + 1];
    int64_t from, to;            /* the notice's window, cut at now */
    bool open;                   /* the window runs to now: a kiosk whose last report
                                    showed it, less than 3 intervals ago, shows it still */
    ProofKiosk *kiosks;
    size_t n;
} Proof;

/* The record of notice `notice_id` of the community at `now`. Returns 0;
 * 1 when the office never served that notice (nothing filled); -1 on a
 * database error or out of memory. Free with office_proof_free. */
int office_proof_make(Ostore *s, const OfficeConf *c, const OstoreCommunity *com,
                        const char *notice_id, int64_t now, Proof *out);
void office_proof_free(Proof *p);

/* As text for people (local times), and as CSV (UTF-8 with a BOM, a
 * header row, one row per span, ISO 8601 times with offsets). */
void office_proof_print(const Proof *p, FILE *f);
/* A malloc'd CSV document (NUL-terminated), NULL when out of memory. */
char *office_proof_csv(const Proof *p, size_t *len);


#endif
