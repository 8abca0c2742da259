/* ostore.h - Lobby Office's storage: every query the office makes, behind
 * one small interface that runs on two engines: SQLite (a file, the
 * default) and PostgreSQL (a "postgresql://" spec, through libpq). The
 * queries are engine-neutral (app/office/ostore*.c over the private
 * statement layer include/ostore_priv.h); the engines' drivers are
 * app/office/ostore_sqlite.c and app/office/ostore_pg.c. No SQL lives
 * anywhere else.
 *
 * Rules every engine keeps (tests/test_office_store.c checks them):
 *   - All state is in the database; an Ostore holds a connection and the
 *     last error, nothing else, so several processes may share a database.
 *   - Uniqueness is a database constraint, not a check in C: idempotency
 *     keys, enrolment code use, community slugs, kiosk names per community,
 *     token hashes.
 *   - A call that returns OSTORE_OK or OSTORE_DUPLICATE for a write has
 *     committed it durably (SQLite: WAL, synchronous=FULL; PostgreSQL:
 *     its commit).
 *   - Schema changes are numbered migrations, applied by ostore_open; the
 *     version is kept in the table ostore_schema on both engines.
 *   - Tenancy: organisation -> communities -> kiosks; every row of resident
 *     data or content belongs to a community.
 *   - Secrets are stored only as hashes (hex SHA-256 of kiosk tokens and
 *     enrolment codes, Argon2id strings of passwords): callers pass hashes.
 *
 * A unique violation is OSTORE_CONFLICT; a lost connection is OSTORE_ERROR
 * (the server answers 503) and the next call on the handle reconnects.
 *
 * An Ostore belongs to one thread at a time (the server keeps a pool).
 * Functions return an OstoreResult; on OSTORE_ERROR, ostore_error() says
 * why in one line (the server answers 503). Strings in the structs below
 * are copies the caller owns unless said otherwise. */
#ifndef OSTORE_H
#define OSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Ostore Ostore;

typedef enum {
    OSTORE_OK = 0,
    OSTORE_DUPLICATE,   /* idempotent replay: the same key and body are already stored */
    OSTORE_NOTFOUND,    /* no such row (or an expired code) */
    OSTORE_CONFLICT,    /* a constraint refused it: exists already, key reused with another body */
    OSTORE_ERROR,       /* the database failed: see ostore_error */
} OstoreResult;

/* The schema version this program writes (migrations 1..OSTORE_SCHEMA). */
#define OSTORE_SCHEMA 12

#define OSTORE_HASH_HEX 65   /* 64 hex digits of a SHA-256 and a NUL */

/* Open the database `spec` names: a file path (SQLite; the file is created
 * mode 0600 if missing) or a "postgresql://" (or "postgres://") libpq URL.
 * Applies pending migrations (one process at a time); refuses a database
 * whose schema is newer than OSTORE_SCHEMA. Returns NULL with a message in
 * err (which never repeats a URL's password). */
Ostore *ostore_open(const char *spec, char *err, size_t errlen);
void ostore_close(Ostore *s);   /* NULL accepted */

/* `spec` fit for messages: a PostgreSQL URL's password (user:PASSWORD@ or
 * password=...) as "***". Cut to n. */
void ostore_spec_display(const char *spec, char *out, size_t n);

/* The last error of this handle, one line ("" when none). */
const char *ostore_error(const Ostore *s);

/* The schema version of the open database. */
int ostore_schema_version(Ostore *s);

/* Group several writes into one transaction (content import). Calls made
 * inside join it instead of committing on their own. rollback undoes
 * everything since begin; it is harmless when no transaction is open. */
OstoreResult ostore_begin(Ostore *s);
OstoreResult ostore_commit(Ostore *s);
void ostore_rollback(Ostore *s);

/* ---- group commit (ostore_group.c) ----
 * The writes of one process's kiosks (the server's requests) share one
 * transaction instead of committing each on its own: a committer thread
 * with its own connection takes every job waiting when it is free, runs
 * them in one transaction, each under a savepoint (one job's failure undoes
 * only its own writes), and commits once; jobs arriving meanwhile make the
 * next batch. So under load one commit, one fsync, makes many writes
 * durable. A job's result is final only after the commit of its batch:
 * OSTORE_OK or OSTORE_DUPLICATE then means committed, as ostore.h
 * promises; when the commit fails, every job of the batch gets OSTORE_ERROR
 * with the reason in its err. fn must do only what may share a transaction
 * (ostore_*_add: they join an open one). */
typedef struct OstoreGroup OstoreGroup;
typedef OstoreResult (*OstoreGroupFn)(Ostore *s, void *arg);
typedef struct OstoreGroupJob OstoreGroupJob;
struct OstoreGroupJob {
    OstoreGroupFn fn;             /* set by the caller, with arg and done */
    void *arg;
    /* Called on the committer's thread once r and err are final (no lock
     * held); the job is the caller's again from then on. */
    void (*done)(OstoreGroupJob *j);
    OstoreResult r;               /* the result (set by the group) */
    char err[300];                /* why, when r is OSTORE_ERROR, CONFLICT or NOTFOUND */
    OstoreGroupJob *next;         /* the group's */
};
/* Start the committer on its own connection to `spec` (ostore_open's);
 * NULL with a message in err. */
OstoreGroup *ostore_group_new(const char *spec, char *err, size_t errlen);
/* Run what is waiting, refuse what comes after (ostore_group_submit false),
 * stop the committer. Every job submitted before has had its done call
 * when this returns. Idempotent. */
void ostore_group_close(OstoreGroup *g);
void ostore_group_free(OstoreGroup *g);      /* closes first; NULL accepted */
/* Queue j for the next batch: true, and j->done will be called once; false
 * (closed: nothing queued, no call) when the group no longer takes jobs. */
bool ostore_group_submit(OstoreGroup *g, OstoreGroupJob *j);
/* Submit and wait for the result (tests, and callers without a server);
 * the error text into err (may be NULL). OSTORE_ERROR when closed. */
OstoreResult ostore_group_run(OstoreGroup *g, OstoreGroupFn fn, void *arg, char *err,
                              size_t errlen);
/* Batches committed (or failed) and jobs finished so far, and jobs waiting
 * for the next batch now (tests). */
void ostore_group_stats(OstoreGroup *g, int64_t *commits, int64_t *jobs, int *waiting);
/* Tests: while held, no batch starts (jobs only gather; closing ends the
 * hold); fail_next makes the next batch's commit fail with `why` (rolled
 * back, as when the disk is full), so every job in it gets OSTORE_ERROR. */
void ostore_group_hold(OstoreGroup *g, bool hold);
void ostore_group_fail_next(OstoreGroup *g, const char *why);

/* ---- organisation and staff ---- */

/* Create the one organisation and its first administrator (`pwhash` is a
 * crypto_pwhash_str string). OSTORE_CONFLICT when already initialised. */
OstoreResult ostore_org_init(Ostore *s, const char *org_name, const char *admin_name,
                             const char *pwhash, int64_t now);
/* The organisation's name (NUL-terminated, cut to n). OSTORE_NOTFOUND
 * before ostore_org_init. */
OstoreResult ostore_org_name(Ostore *s, char *name, size_t n);
/* The password hash and role of a staff user (for sign-in).
 * OSTORE_NOTFOUND for an unknown or disabled user. */
OstoreResult ostore_user_pwhash(Ostore *s, const char *name, char *pwhash, size_t n,
                                char *role, size_t rn);

/* ---- communities ---- */

typedef struct {
    int64_t id;
    char slug[64];          /* [a-z0-9-], the name officectl and URLs use */
    char name_zh[256];
    char name_en[256];      /* "" when none */
    int64_t created_at;
} OstoreCommunity;

/* OSTORE_CONFLICT when the slug exists. *id may be NULL. */
OstoreResult ostore_community_add(Ostore *s, const char *slug, const char *name_zh,
                                  const char *name_en, int64_t now, int64_t *id);
OstoreResult ostore_community_get(Ostore *s, const char *slug, OstoreCommunity *out);
OstoreResult ostore_community_by_id(Ostore *s, int64_t id, OstoreCommunity *out);
/* Rename (the feed's site name); raises the content revision. */
OstoreResult ostore_community_rename(Ostore *s, int64_t id, const char *name_zh,
                                     const char *name_en, int64_t now);
/* Calls fn for each community by slug; fn returns non-zero to stop. */
typedef int (*OstoreCommunityFn)(void *ud, const OstoreCommunity *c);
OstoreResult ostore_community_list(Ostore *s, OstoreCommunityFn fn, void *ud);

/* ---- kiosks and enrolment ---- */

typedef struct {
    int64_t id, community_id;
    char name[128];
    char community[64];     /* the community's slug */
    int64_t created_at;
    int64_t enrolled_at;    /* 0: not yet */
    int64_t revoked_at;     /* 0: not revoked */
    int64_t last_seen_at;   /* last authenticated request, 0: never */
} OstoreKiosk;

/* A new kiosk and its one-time enrolment code (stored as `code_hash`,
 * valid until code_expires). OSTORE_CONFLICT when the community already
 * has a kiosk of that name or the code hash exists. */
OstoreResult ostore_kiosk_add(Ostore *s, int64_t community_id, const char *name,
                              const char *code_hash, int64_t code_expires, int64_t now,
                              int64_t *id);
/* Another enrolment code for an existing kiosk that is not revoked (a
 * replaced disk). OSTORE_NOTFOUND when there is no such live kiosk. */
OstoreResult ostore_kiosk_new_code(Ostore *s, int64_t kiosk_id, const char *code_hash,
                                   int64_t code_expires, int64_t now);
OstoreResult ostore_kiosk_get(Ostore *s, int64_t community_id, const char *name,
                              OstoreKiosk *out);
/* community_id 0: every community's. Ordered by community and name. */
typedef int (*OstoreKioskFn)(void *ud, const OstoreKiosk *k);
OstoreResult ostore_kiosk_list(Ostore *s, int64_t community_id, OstoreKioskFn fn, void *ud);
/* Forget the kiosk's token (its requests get 401) and its unused codes.
 * OSTORE_NOTFOUND for an unknown or already revoked kiosk. */
OstoreResult ostore_kiosk_revoke(Ostore *s, int64_t kiosk_id, int64_t now);

/* Redeem an enrolment code: when `code_hash` is known, not expired and not
 * used, record its use (a primary key: a second use fails in the
 * database), give the kiosk `token_hash` and fill *out. OSTORE_NOTFOUND for
 * an unknown, expired or revoked code; OSTORE_CONFLICT when already used. */
OstoreResult ostore_enrol_redeem(Ostore *s, const char *code_hash, const char *token_hash,
                                 int64_t now, OstoreKiosk *out);

/* The live kiosk holding `token_hash`; records last_seen_at = now.
 * OSTORE_NOTFOUND for an unknown or revoked token. */
OstoreResult ostore_kiosk_by_token(Ostore *s, const char *token_hash, int64_t now,
                                   OstoreKiosk *out);
/* The same, and in the same query the ETag of the kiosk's community's
 * stored feed when that feed is current (made from the community's
 * content revision), else "": a content poll's 304 in one query. */
#define OSTORE_ETAG_SIZE 40
OstoreResult ostore_kiosk_by_token_etag(Ostore *s, const char *token_hash, int64_t now,
                                        OstoreKiosk *out, char etag[OSTORE_ETAG_SIZE]);

/* ---- receiving (docs/PROTOCOL.md) ----
 * Each kind is recorded exactly once by its idempotency key (a primary key
 * across every kind): a key already stored with the same body hash gives
 * OSTORE_DUPLICATE and stores nothing; with another body OSTORE_CONFLICT. */

typedef struct {
    int64_t community_id, kiosk_id;
    const char *key;            /* Idempotency-Key */
    const char *body_hash;      /* hex SHA-256 of the body as received */
    int64_t received_at;
} OstoreIn;

/* The body_hash of a record that came in a USB bundle (officectl
 * import-bundle): it has no upload body to compare. A key stored with it
 * and the same key with an upload's hash (either way round) are the same
 * record when kind and community agree: OSTORE_DUPLICATE; else
 * OSTORE_CONFLICT. So a suggestion both uploaded and carried on a drive is
 * stored once. */
#define OSTORE_BODY_BUNDLE "bundle"

typedef struct {
    const char *body;           /* the payload as received (sealed or plain) */
    bool sealed;                /* it came sealed */
    bool unreadable;            /* sealed and could not be opened: fields below NULL */
    const char *topic, *text, *date, *receipt, *lang;
} OstoreSuggestion;

OstoreResult ostore_suggestion_add(Ostore *s, const OstoreIn *in, const OstoreSuggestion *sg);
/* A rating adds one to its (community, month, score) count. */
OstoreResult ostore_rating_add(Ostore *s, const OstoreIn *in, const char *month, int score);
/* The contact of the suggestion `suggestion_key` of the same community.
 * OSTORE_NOTFOUND when there is no such suggestion. `contact` is NULL when
 * unreadable. */
OstoreResult ostore_contact_add(Ostore *s, const OstoreIn *in, const char *suggestion_key,
                                const char *contact, bool sealed, bool unreadable);
/* Keep one heartbeat (the JSON as received). */
OstoreResult ostore_heartbeat_add(Ostore *s, int64_t community_id, int64_t kiosk_id,
                                  const char *json, int64_t now);

typedef struct {
    int64_t id, community_id, kiosk_id, received_at;
    char key[80];
    char topic[32], date[16], receipt[16], lang[8], status[16];
    const char *text;           /* NULL when unreadable; valid during the callback */
    const char *contact;        /* NULL when none or unreadable; during the callback */
    bool sealed, unreadable, has_contact;
} OstoreSuggestionRow;

/* The community's suggestions, oldest first; fn returns non-zero to stop. */
typedef int (*OstoreSuggestionFn)(void *ud, const OstoreSuggestionRow *r);
OstoreResult ostore_suggestion_list(Ostore *s, int64_t community_id, OstoreSuggestionFn fn,
                                    void *ud);
/* Ratings of a month ("YYYY-MM"): counts[1..5] (counts[0] unused). */
OstoreResult ostore_rating_counts(Ostore *s, int64_t community_id, const char *month,
                                  int64_t counts[6]);

typedef struct {
    int64_t suggestions, unreadable, contacts, ratings, heartbeats, kiosks, kiosks_live;
} OstoreCounts;
/* community_id 0: the whole organisation. */
OstoreResult ostore_counts(Ostore *s, int64_t community_id, OstoreCounts *out);

/* ---- published content ----
 * The items of a community's content document (docs/CONTENT.md), each
 * stored as its JSON object, validated by the caller. Every change raises
 * the community's content revision; the feed is regenerated from the
 * items (office_feed.h) when its revision is behind. */

typedef enum {
    OSTORE_NOTICES, OSTORE_EVENTS, OSTORE_CHANNELS, OSTORE_REPLIES, OSTORE_BOARD,
    OSTORE_N_LISTS
} OstoreList;

/* "notices", "events", "channels", "replies", "board": the document's keys. */
const char *ostore_list_name(OstoreList l);

/* Insert or replace item `item_id` of list `l` (a replaced item keeps its
 * place in the list). Replies are stored sealed only ({"lookup","box"},
 * item_id the lookup; office_feed_put_reply): no receipt in the clear. */
OstoreResult ostore_item_put(Ostore *s, int64_t community_id, OstoreList l,
                             const char *item_id, const char *json, int64_t now);
OstoreResult ostore_item_delete(Ostore *s, int64_t community_id, OstoreList l,
                                const char *item_id, int64_t now);
/* Delete every item of the community (before an import). */
OstoreResult ostore_item_clear(Ostore *s, int64_t community_id, int64_t now);
/* The list's items in order; strings valid during the callback. */
typedef int (*OstoreItemFn)(void *ud, const char *item_id, const char *json);
OstoreResult ostore_item_list(Ostore *s, int64_t community_id, OstoreList l,
                              OstoreItemFn fn, void *ud);

/* The salt of the community's sealed replies: 32 hex digits, or "" when
 * none was made yet. Setting it raises the content revision (every
 * stored reply must have been sealed under it). */
OstoreResult ostore_reply_salt(Ostore *s, int64_t community_id, char *hex, size_t n);
OstoreResult ostore_set_reply_salt(Ostore *s, int64_t community_id, const char *hex);

/* The community's content revision (raised by every change above). */
OstoreResult ostore_content_rev(Ostore *s, int64_t community_id, int64_t *rev);

typedef struct {
    int64_t rev;                /* the content revision it was made from */
    char etag[40];              /* strong ETag value, quotes included */
    char *json;                 /* malloc'd document; free with ostore_feed_free */
    size_t len;
    int64_t generated_at;
} OstoreFeed;

/* The stored feed document. OSTORE_NOTFOUND when none was stored yet. */
OstoreResult ostore_feed_get(Ostore *s, int64_t community_id, OstoreFeed *out);
/* Store a feed made from revision `rev`; a feed of a later revision
 * already stored is kept (two processes regenerating race harmlessly). */
OstoreResult ostore_feed_put(Ostore *s, int64_t community_id, int64_t rev, const char *json,
                             size_t len, const char *etag, int64_t now);
void ostore_feed_free(OstoreFeed *f);

/* ---- publishing (ostore_publish.c) ----
 * The office's own copy of each notice, event, channel and board item,
 * with a status: "draft" (being written), "pending" (waiting for a
 * manager), "published" (in the feed), "withdrawn" (taken off). The feed's
 * content_item row is the published copy: publishing puts the working
 * copy there, withdrawing and deleting take it away, and a draft edit of a
 * published item leaves the published copy on the kiosks until it is
 * published again. Every write checks the version it was given (stale:
 * OSTORE_CONFLICT) and raises it by one. Replies are not managed here. */

#define OSTORE_PUB_ID 72             /* an item id (content id: 1-64 of [A-Za-z0-9_-]) */

typedef struct {
    int64_t row, community_id;
    OstoreList list;
    char item_id[OSTORE_PUB_ID];
    char status[16];                 /* draft, pending, published, withdrawn */
    int64_t version;                 /* 1 when created, +1 on each change */
    char posting[16];                /* statutory posting kind, "" when none */
    char *json;                      /* the working copy: ostore_pub_get's is malloc'd
                                        (ostore_pub_free); a list callback's is borrowed */
    bool live;                       /* a copy is in the feed */
    char created_by[64], updated_by[64], submitted_by[64], approved_by[64];
    int64_t created_at, updated_at, submitted_at, published_at, withdrawn_at;
} OstorePub;

typedef struct {
    int64_t community_id;
    OstoreList list;
    const char *item_id;
    const char *status;              /* update: NULL keeps it */
    const char *json;                /* update: NULL keeps it */
    const char *posting;             /* NULL or "": none (update: NULL keeps it) */
    const char *user;                /* the staff user's name */
    int64_t now;
    const int64_t *sources;          /* create: suggestion ids (board) */
    size_t n_sources;
    const char *idem_key, *idem_hash;   /* create: Idempotency-Key and body hash, or NULL */
} OstorePubWrite;

/* A new item (version 1). OSTORE_CONFLICT when the list already has that
 * id or the idempotency key was stored meanwhile (ask ostore_pub_idem). A
 * published one goes into the feed at once. */
OstoreResult ostore_pub_create(Ostore *s, const OstorePubWrite *w);
/* Change the item from `version` (else OSTORE_CONFLICT: stale;
 * OSTORE_NOTFOUND: no such item). "published" puts the working copy into
 * the feed, "withdrawn" takes the feed's copy away; draft and pending
 * leave the feed as it is. *new_version may be NULL. */
OstoreResult ostore_pub_update(Ostore *s, const OstorePubWrite *w, int64_t version,
                               int64_t *new_version);
/* Delete the item and its feed copy (version as for update). */
OstoreResult ostore_pub_delete(Ostore *s, int64_t community_id, OstoreList l,
                               const char *item_id, int64_t version, int64_t now);
OstoreResult ostore_pub_get(Ostore *s, int64_t community_id, OstoreList l,
                            const char *item_id, OstorePub *out);
void ostore_pub_free(OstorePub *p);   /* its json; NULL accepted */
/* The list's items, newest first; posting non-NULL: only that kind. fn
 * returns non-zero to stop. */
typedef int (*OstorePubFn)(void *ud, const OstorePub *p);
OstoreResult ostore_pub_list(Ostore *s, int64_t community_id, OstoreList l,
                             const char *posting, OstorePubFn fn, void *ud);
/* The suggestion ids a board item was made from (at most max into ids). */
OstoreResult ostore_pub_sources(Ostore *s, int64_t row, int64_t *ids, size_t max, size_t *n);
/* An Idempotency-Key of `user`: OSTORE_OK with the item it made (list and
 * id) when stored with the same body hash; OSTORE_CONFLICT when stored
 * with another; OSTORE_NOTFOUND when new. */
OstoreResult ostore_pub_idem(Ostore *s, const char *user, const char *key, const char *hash,
                             OstoreList *l, char item_id[OSTORE_PUB_ID]);
/* After a content import: every feed item of the community becomes a
 * published item (its working copy the imported one), and published items
 * the import dropped become withdrawn. Joins the caller's transaction. */
OstoreResult ostore_pub_adopt(Ostore *s, int64_t community_id, const char *user, int64_t now);

/* Statutory postings (公示): a kind's cadence and minimum posting period
 * for a community. OSTORE_NOTFOUND when the community has no rule of its
 * own (the caller's defaults apply). */
OstoreResult ostore_posting_rule(Ostore *s, int64_t community_id, const char *kind,
                                 int *every_months, int *min_days);
OstoreResult ostore_set_posting_rule(Ostore *s, int64_t community_id, const char *kind,
                                     int every_months, int min_days);

/* What statistics and the board need of a suggestion. */
typedef struct {
    int64_t id, received_at;
    int64_t acknowledged_at, closed_at;   /* 0: not (yet) */
    char topic[32], status[16];
} OstoreSuggestionState;
/* One suggestion of the community. OSTORE_NOTFOUND when it has none of that id. */
OstoreResult ostore_suggestion_state(Ostore *s, int64_t community_id, int64_t id,
                                     OstoreSuggestionState *out);
/* The community's suggestions received in [from, to), oldest first. */
typedef int (*OstoreSuggestionStateFn)(void *ud, const OstoreSuggestionState *st);
OstoreResult ostore_suggestion_states(Ostore *s, int64_t community_id, int64_t from, int64_t to,
                                      OstoreSuggestionStateFn fn, void *ud);
/* ---- fleet: heartbeats, kiosk states, alerts, posting, limits, jobs
 * (ostore_fleet.c; office_fleet.h, office_alert.h, office_posting.h) ---- */

/* What office_fleet made of one heartbeat (the strings are the caller's). */
typedef struct {
    const char *json;             /* as received */
    const char *content_version;  /* "" when the kiosk has no content */
    const char *display;          /* "day", "night", "night-blank" */
    const char *flags;            /* raised and derived flags, comma-separated, sorted */
    const char *app_version;
    const char *queue;            /* the queue object as compact JSON */
    bool visible;                 /* the screen shows content (not blank) */
} OstoreHeartbeat;

/* A kiosk's last heartbeat and its evaluated state. */
typedef struct {
    int64_t kiosk_id, community_id;
    char state[24];               /* "" before the first evaluation */
    char state_flags[256];        /* the flags the state was raised for */
    int64_t since;                /* when it entered the state */
    int64_t seq;                  /* raised at every change of state */
    int64_t hb_at;                /* last heartbeat, 0: never */
    char content_version[24], display[16], flags[256], app_version[32], queue[256];
} OstoreKioskStatus;

/* Keep one heartbeat in one transaction: its row (the kiosk's history
 * then pruned to its newest `keep` rows; 0 keeps all), its summary in the
 * kiosk's status, and its display segment: the kiosk's latest segment is
 * extended to `now` when it has the same content version and visibility
 * and ended at most `join_s` ago, else a new one starts at `now`. */
OstoreResult ostore_fleet_heartbeat(Ostore *s, int64_t community_id, int64_t kiosk_id,
                                    const OstoreHeartbeat *hb, int keep, int64_t join_s,
                                    int64_t now);
/* The kiosk's status; OSTORE_NOTFOUND when it has none yet (zeroed). */
OstoreResult ostore_fleet_status(Ostore *s, int64_t kiosk_id, OstoreKioskStatus *out);
/* Every kiosk (community_id 0: all) with its status (zeroed when none),
 * by community and name; fn returns non-zero to stop. */
typedef int (*OstoreFleetFn)(void *ud, const OstoreKiosk *k, const OstoreKioskStatus *st);
OstoreResult ostore_fleet_list(Ostore *s, int64_t community_id, OstoreFleetFn fn, void *ud);
/* Record a newly evaluated state of the kiosk whose status was read as
 * `old`: a compare-and-set on old->seq, so of several processes one
 * records each change. When `alert`, an alert row (kiosk, new seq: a
 * unique key) goes with it, pending for the webhook when `send`.
 * OSTORE_OK when recorded (*alert_id the new alert or 0);
 * OSTORE_CONFLICT when the status changed meanwhile (read it again). */
OstoreResult ostore_fleet_set_state(Ostore *s, const OstoreKioskStatus *old, const char *state,
                                    const char *flags, bool alert, bool send, int64_t now,
                                    int64_t *alert_id);
/* The stored feed's content version (its ETag without quotes), when it
 * was made, the revision it was made from and the community's current
 * revision, without the document. OSTORE_NOTFOUND when no feed was
 * stored yet (*content_rev is still set). */
OstoreResult ostore_feed_version(Ostore *s, int64_t community_id, char *version, size_t n,
                                 int64_t *generated_at, int64_t *rev, int64_t *content_rev);
/* A kiosk by id (any community). */
OstoreResult ostore_kiosk_by_id(Ostore *s, int64_t kiosk_id, OstoreKiosk *out);

typedef struct {
    int64_t id, community_id, kiosk_id, seq, created_at, acked_at, sent_at, next_try;
    int attempts;
    char community[64], kiosk[128];
    char from_state[24], to_state[24], flags[256];
    char acked_by[64], send_state[16], last_error[200];
} OstoreAlert;

/* Newest first: community_id 0 all; before_id 0 from the newest; at most
 * `limit`. */
typedef int (*OstoreAlertFn)(void *ud, const OstoreAlert *a);
OstoreResult ostore_alert_list(Ostore *s, int64_t community_id, int64_t before_id, int limit,
                               OstoreAlertFn fn, void *ud);
OstoreResult ostore_alert_get(Ostore *s, int64_t id, OstoreAlert *out);
/* OSTORE_NOTFOUND: no such alert; OSTORE_DUPLICATE: acknowledged already. */
OstoreResult ostore_alert_ack(Ostore *s, int64_t id, const char *user, int64_t now);
/* Claim the oldest alert due for the webhook (pending, next_try <= now,
 * no live claim) for `lease_s` seconds and count the attempt: only one
 * caller, of any process, gets it. OSTORE_NOTFOUND when none is due. */
OstoreResult ostore_alert_claim(Ostore *s, int64_t now, int64_t lease_s, OstoreAlert *out);
/* After the attempt: sent, or failed with the reason and the next try
 * (give_up: no more tries). */
OstoreResult ostore_alert_sent(Ostore *s, int64_t id, int64_t now);
OstoreResult ostore_alert_failed(Ostore *s, int64_t id, const char *why, int64_t next_try,
                                 bool give_up);

/* ---- proof of posting ---- */

/* Note that content version `version` of the community holds the notice
 * (kept once per version and notice). */
OstoreResult ostore_feed_notice_add(Ostore *s, int64_t community_id, const char *version,
                                    const char *notice_id, const char *title,
                                    int64_t publish_at, int64_t expire_at, int64_t now);
/* The versions holding the notice, oldest first. */
typedef int (*OstoreFeedNoticeFn)(void *ud, const char *version, const char *title,
                                  int64_t publish_at, int64_t expire_at);
OstoreResult ostore_feed_notice_versions(Ostore *s, int64_t community_id, const char *notice_id,
                                         OstoreFeedNoticeFn fn, void *ud);
typedef struct {
    int64_t kiosk_id;
    char kiosk[128];
    char content_version[24];
    bool visible;
    int64_t start_at, end_at;
} OstoreSegment;
/* The community's display segments that overlap [from, to], by kiosk
 * name then start. */
typedef int (*OstoreSegmentFn)(void *ud, const OstoreSegment *g);
OstoreResult ostore_segment_list(Ostore *s, int64_t community_id, int64_t from, int64_t to,
                                 OstoreSegmentFn fn, void *ud);

/* ---- the public reply page ---- */

/* One item of a list by its id (a sealed reply by its lookup): its JSON,
 * malloc'd (caller frees). OSTORE_NOTFOUND when there is none. */
OstoreResult ostore_item_get(Ostore *s, int64_t community_id, OstoreList l, const char *item_id,
                             char **json);

/* ---- limits and jobs ---- */

/* Count one hit of `address` in `bucket`'s window starting at
 * window_start; *count is the hits in that window, this one included. */
OstoreResult ostore_addr_hit(Ostore *s, const char *bucket, const char *address,
                             int64_t window_start, int64_t *count);
/* Whether job `name` is due (last run at least every_s ago, or never): when
 * it is, this caller is recorded as running it now (OSTORE_OK), so one
 * process of several runs it; OSTORE_DUPLICATE when not due. */
OstoreResult ostore_job_claim(Ostore *s, const char *name, int64_t every_s, int64_t now);
/* Delete heartbeats received before hb_before and rate-limit windows
 * starting before rate_before; *heartbeats counts what went (may be NULL). */
OstoreResult ostore_fleet_prune(Ostore *s, int64_t hb_before, int64_t rate_before,
                                int64_t *heartbeats);
/* A consistent copy of the whole database into `path` (a new file, made
 * 0600) while others keep working (SQLite's online backup). OSTORE_ERROR
 * with a message on PostgreSQL (pg_dump is the way: docs/OFFICE.md). */
OstoreResult ostore_backup(Ostore *s, const char *path);

/* ---- USB bundles (ostore_bundle.c) ----
 * Each kiosk signs its USB bundles with its own Ed25519 key
 * (docs/EXPORT.md, "Trust"); the office records the public key (base64)
 * of each kiosk at enrolment, or by hand for a kiosk never enrolled. A key
 * belongs to one kiosk (a primary key); a kiosk may have had several (a
 * replaced disk). */

/* Record `public_key` as kiosk_id's; a key recorded for another kiosk
 * moves to this one (the latest enrolment wins). Joins the caller's
 * transaction. */
OstoreResult ostore_export_key_set(Ostore *s, int64_t kiosk_id, const char *public_key,
                                   int64_t now);
/* The kiosk whose key this is (revoked ones too: the caller decides).
 * OSTORE_NOTFOUND for a key the office does not know. */
OstoreResult ostore_export_key_kiosk(Ostore *s, const char *public_key, OstoreKiosk *out);

/* ---- staff: users, sessions, rate limits, audit (ostore_staff.c) ---- */

typedef struct {
    int64_t id;
    char name[64];
    char role[16];              /* "admin", "manager", "clerk" */
    char pwhash[128];           /* crypto_pwhash_str string */
    int64_t created_at;
    int64_t disabled_at;        /* 0: active */
    int64_t version;            /* 1 when made, +1 at each change by ostore_user_change */
} OstoreUser;

/* A new staff user holding `n` communities (ignored for an admin).
 * OSTORE_CONFLICT when the name is taken. *id may be NULL. */
OstoreResult ostore_user_add(Ostore *s, const char *name, const char *pwhash, const char *role,
                             const int64_t *communities, int n, int64_t now, int64_t *id);
/* A user by name, active or disabled. OSTORE_NOTFOUND when unknown. */
OstoreResult ostore_user_get(Ostore *s, const char *name, OstoreUser *out);
/* Every user by name (pwhash left empty). */
typedef int (*OstoreUserFn)(void *ud, const OstoreUser *u);
OstoreResult ostore_user_list(Ostore *s, OstoreUserFn fn, void *ud);
/* The ids of the communities a user holds (at most max; *n the count). */
OstoreResult ostore_user_communities(Ostore *s, int64_t user_id, int64_t *ids, int max, int *n);
/* Whether an active user holds the community (admins hold every one). */
OstoreResult ostore_user_holds(Ostore *s, int64_t user_id, int64_t community_id, bool *holds);
/* Disable a user and end their sessions. OSTORE_NOTFOUND when unknown or
 * disabled already; OSTORE_CONFLICT when it is the last active
 * administrator (as ostore_user_change). */
OstoreResult ostore_user_disable(Ostore *s, int64_t user_id, int64_t now);
/* Replace a user's password hash (a sign-in storing a cheaper one).
 * OSTORE_NOTFOUND when no such user. */
OstoreResult ostore_user_set_pwhash(Ostore *s, int64_t user_id, const char *pwhash);

/* What an administrator changes of a user (ostore_user_change); each part
 * optional. */
typedef struct {
    const char *role;               /* a new role, or NULL */
    const int64_t *communities;     /* with set_communities: the communities held */
    int n_communities;              /* (none kept for an admin) */
    bool set_communities;
    int enable;                     /* 1: enable, -1: disable, 0: neither */
    const char *pwhash;             /* a new password hash, or NULL */
    int64_t keep_session;           /* with pwhash: a session not ended (the admin's own) */
} OstoreUserChange;

/* Why ostore_user_change refused with OSTORE_CONFLICT. */
typedef enum {
    OSTORE_USER_STALE = 1,          /* `version` is not the user's version */
    OSTORE_USER_LAST_ADMIN,         /* no active administrator would be left */
} OstoreUserRefusal;

/* Apply `c` to user `user_id` if its version is `version` (0: any), and
 * count one more version, in one transaction. Disabling or a new password
 * ends the user's sessions (but keep_session). Demoting or disabling the
 * last active administrator is refused even against a concurrent change
 * (the active administrators' rows are locked first). OSTORE_NOTFOUND for
 * an unknown user, OSTORE_CONFLICT with *why, else OSTORE_OK and
 * *new_version (either may be NULL). Nothing changes unless OSTORE_OK. */
OstoreResult ostore_user_change(Ostore *s, int64_t user_id, int64_t version,
                                const OstoreUserChange *c, int64_t now, int64_t *new_version,
                                OstoreUserRefusal *why);

typedef struct {
    int64_t id, user_id, created_at, last_seen_at, expires_at;
    char csrf[48];
    char name[64], role[16];    /* the user's */
    int64_t disabled_at;        /* the user's; 0: active */
} OstoreSession;

/* A session for `token_hash` (hex SHA-256 of the cookie value). */
OstoreResult ostore_session_add(Ostore *s, int64_t user_id, const char *token_hash,
                                const char *csrf, int64_t now, int64_t expires_at, int64_t *id);
/* The session holding `token_hash`, with its user. OSTORE_NOTFOUND when none. */
OstoreResult ostore_session_get(Ostore *s, const char *token_hash, OstoreSession *out);
/* Record activity (last_seen_at = now). */
OstoreResult ostore_session_touch(Ostore *s, int64_t id, int64_t now);
/* End one session; end every session of a user. */
OstoreResult ostore_session_end(Ostore *s, int64_t id);
OstoreResult ostore_session_end_user(Ostore *s, int64_t user_id);
/* Delete sessions past expires_at or idle since before `idle_before`. */
OstoreResult ostore_session_purge(Ostore *s, int64_t now, int64_t idle_before);

/* Rate limits kept in the database (every process agrees): a fixed window
 * of `window_s` seconds per bucket name ("login-user:NAME",
 * "login-addr:ADDR", ...). ostore_rate_hit counts one and gives the count
 * and the start of the current window; ostore_rate_get reads them without
 * counting (*count 0 when none or the window has passed); clear forgets. */
OstoreResult ostore_rate_hit(Ostore *s, const char *bucket, int64_t window_s, int64_t now,
                             int64_t *count, int64_t *window_start);
OstoreResult ostore_rate_get(Ostore *s, const char *bucket, int64_t window_s, int64_t now,
                             int64_t *count, int64_t *window_start);
OstoreResult ostore_rate_clear(Ostore *s, const char *bucket);

typedef struct {
    int64_t id, at, user_id, community_id;
    char user[64], action[64], community[64], target[128], summary[256];
} OstoreAudit;

/* One audit row (user_id 0: none, community_id 0: none; target and
 * summary may be NULL). Never resident text: the callers' rule. */
OstoreResult ostore_audit_add(Ostore *s, int64_t at, int64_t user_id, const char *user_name,
                              const char *action, int64_t community_id, const char *target,
                              const char *summary);
/* Newest first, ids below `before_id` (0: from the newest), at most limit. */
typedef int (*OstoreAuditFn)(void *ud, const OstoreAudit *a);
OstoreResult ostore_audit_list(Ostore *s, int64_t before_id, int limit, OstoreAuditFn fn,
                               void *ud);

/* ---- the suggestion inbox (ostore_inbox.c) ----
 * States: "new", "acknowledged", "in_progress", "done", "declined"
 * (suggestion.status). Every change raises the suggestion's version; a
 * change naming another version is refused (OSTORE_CONFLICT: stale). */

/* Which suggestions a list or count covers, and the clock and deadlines
 * that make one overdue: "ack" when still new and received before
 * now - ack_s, "close" when open (new, acknowledged, in_progress) and
 * received before now - close_s. */
typedef struct {
    int64_t community_id;       /* one community; 0: see user_id */
    int64_t user_id;            /* 0: every community; else the ones this user holds */
    const char *state;          /* NULL: any; a state, or "open" */
    const char *topic;          /* NULL: any */
    const char *kiosk;          /* a kiosk's name; NULL: any */
    const char *q;              /* words in the text (substring, case-insensitive); NULL */
    int64_t from, to;           /* received_at in [from, to); 0: open-ended */
    int64_t assignee;           /* 0: any; -1: none; else the user's id */
    bool overdue_only;
    int64_t now, ack_s, close_s;
    int limit;                  /* rows to give at most */
    /* Where the previous page ended (a cursor): cur_phase 0 none; 1 within
     * the overdue ones; 2 within the rest. */
    int cur_phase;
    int64_t cur_received, cur_id;
} OstoreInboxQuery;

enum { OSTORE_OVERDUE_NONE = 0, OSTORE_OVERDUE_ACK = 1, OSTORE_OVERDUE_CLOSE = 2 };

typedef struct {
    int64_t id, community_id, kiosk_id, received_at, acknowledged_at, closed_at, version;
    int64_t assignee_id;        /* 0: none */
    char community[64], kiosk[128], topic[32], lang[8], state[16], receipt[16], assignee[64];
    const char *text;           /* NULL when unreadable; valid during the callback */
    const char *reply_zh, *reply_en;   /* the published reply, or NULL; during the callback */
    const char *contact;        /* ostore_inbox_get only: NULL when none or unreadable */
    bool has_contact, contact_unreadable, unreadable;
    int overdue;                /* OSTORE_OVERDUE_* at q->now */
} OstoreInboxRow;

typedef int (*OstoreInboxFn)(void *ud, const OstoreInboxRow *r);
/* Overdue ones first, then the rest; each newest first (received_at, id).
 * Stops after q->limit rows or when fn returns non-zero. */
OstoreResult ostore_inbox_list(Ostore *s, const OstoreInboxQuery *q, OstoreInboxFn fn, void *ud);
/* Counts per state (new, acknowledged, in_progress, done, declined) and
 * overdue, of q's communities (the other filters are ignored). Each is
 * counted up to OSTORE_INBOX_COUNT_CAP: a count of the cap means "the cap
 * or more" (each then reads at most that many index entries, so the
 * counts cost the same over 100 or 100,000 suggestions). */
#define OSTORE_INBOX_COUNT_CAP 1000
OstoreResult ostore_inbox_counts(Ostore *s, const OstoreInboxQuery *q, int64_t counts[6]);
/* One suggestion with its contact; overdue at q_now. OSTORE_NOTFOUND. */
OstoreResult ostore_inbox_get(Ostore *s, int64_t id, int64_t now, int64_t ack_s,
                              int64_t close_s, OstoreInboxFn fn, void *ud);

typedef struct {
    int64_t id, at, user_id;
    char user[64], kind[16], from[16], to[16], reply_state[16], assignee[64];
    const char *reply_zh, *reply_en, *note;   /* NULL when none; during the callback */
} OstoreInboxEvent;
typedef int (*OstoreInboxEventFn)(void *ud, const OstoreInboxEvent *e);
/* The history of a suggestion, oldest first. */
OstoreResult ostore_inbox_events(Ostore *s, int64_t suggestion_id, OstoreInboxEventFn fn,
                                 void *ud);

/* A state change (and/or a reply, a note), recorded as one history event:
 * the suggestion moves to `to` (NULL: stays) only when its version is
 * still `version` (else OSTORE_CONFLICT, nothing changed); a reply with
 * reply_state "published" becomes the suggestion's published reply (older
 * ones "superseded"), with "pending" it waits; delete_contact deletes the
 * contact. *new_version gets the version after it. Joins the caller's
 * transaction when one is open. */
typedef struct {
    int64_t id, version, user_id, now;
    const char *from, *to;      /* the state it had when read, and the new one */
    const char *reply_zh, *reply_en, *reply_state, *note;
    bool delete_contact;
} OstoreInboxChange;
OstoreResult ostore_inbox_change(Ostore *s, const OstoreInboxChange *c, int64_t *new_version);
/* Publish the latest pending reply (version-checked as above).
 * OSTORE_NOTFOUND when there is no pending reply. */
OstoreResult ostore_inbox_approve(Ostore *s, int64_t id, int64_t version, int64_t user_id,
                                  int64_t now, int64_t *new_version);
/* Assign to a user (0: nobody), version-checked as above. */
OstoreResult ostore_inbox_assign(Ostore *s, int64_t id, int64_t version, int64_t user_id,
                                 int64_t assignee_id, int64_t now, int64_t *new_version);

/* ---- pictures (ostore_image.c) ----
 * Uploaded pictures live in the database (so every office process serves
 * them), content-addressed: one row per SHA-256 holds the bytes (as base64
 * text: the statement layer binds text, and the same TEXT column works on
 * both engines), and image_use records each community that uploaded it. */

typedef struct {
    char sha256[OSTORE_HASH_HEX];
    char type[16];                /* "image/png" or "image/jpeg" */
    int width, height;
    int64_t bytes;                /* the file's size */
    int64_t uploaded_at;          /* image_use: the community's latest upload */
} OstoreImage;

/* Keep the picture `img` (checked by the caller: its hash, type and size
 * are those of the `len` bytes at data) and record that the community
 * holds it, uploaded by `user` at `now`. The same picture again keeps the
 * one copy and renews the community's upload time. One transaction, or the
 * caller's. OSTORE_OK, or OSTORE_ERROR. */
OstoreResult ostore_image_put(Ostore *s, int64_t community_id, const OstoreImage *img,
                              const void *data, size_t len, const char *user, int64_t now);
/* What is known of picture `sha256` as community `community_id` holds it
 * (0: whichever community; uploaded_at then the latest). OSTORE_NOTFOUND
 * when that community does not hold it. */
OstoreResult ostore_image_get(Ostore *s, int64_t community_id, const char *sha256,
                              OstoreImage *out);
/* The picture's bytes into a new buffer (*data, *len; the caller frees)
 * and what is known of it. OSTORE_NOTFOUND when no community holds it. */
OstoreResult ostore_image_data(Ostore *s, const char *sha256, OstoreImage *out,
                               unsigned char **data, size_t *len);
/* Forget pictures no item names: a community's hold on a picture uploaded
 * before `before` goes when none of its items (working copies or
 * published) names the hash; then every picture no community holds.
 * *removed: pictures deleted. One transaction, or the caller's. */
OstoreResult ostore_image_purge(Ostore *s, int64_t before, int64_t *removed);

/* ---- retention (ostore_retention.c) ---- */

/* Closed (done, declined) suggestions: delete every contact still on one
 * (*contacts: how many), and erase the text and the body as received of
 * those closed before `closed_before` (closed_at, or received_at when it
 * was never recorded): text NULL, body "" (*texts: how many). The rest of
 * the row (state, dates, topic, language, kiosk, receipt, the office's
 * reply) stays. Open suggestions are never touched. One transaction, or
 * the caller's. */
OstoreResult ostore_retention_purge(Ostore *s, int64_t closed_before, int64_t *texts,
                                    int64_t *contacts);

#endif
