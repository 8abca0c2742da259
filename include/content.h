/* content.h - the kiosk's content document: notices, events, channels.
 *
 * content_parse() validates a JSON document (see docs/CONTENT.md) and builds
 * an immutable Content. All strings are valid UTF-8 owned by the Content. */
#ifndef CONTENT_H
#define CONTENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "receipt.h"

/* Largest content document accepted, in bytes. */
#define CONTENT_MAX_BYTES (8u * 1024u * 1024u)

/* Other limits (docs/CONTENT.md). Lengths count Unicode characters. */
#define CONTENT_MAX_NOTICES   500
#define CONTENT_MAX_EVENTS    500
#define CONTENT_MAX_CHANNELS  100
#define CONTENT_MAX_ID         64   /* [A-Za-z0-9_-], bytes */
#define CONTENT_MAX_NAME      100   /* site name, channel label */
#define CONTENT_MAX_TITLE     200   /* notice and event titles, locations */
#define CONTENT_MAX_BODY    20000   /* notice bodies, event descriptions */
#define CONTENT_MAX_URL      2048
#define CONTENT_MAX_REPLIES  5000
#define CONTENT_MAX_BOARD     500

/* Pictures (docs/CONTENT.md, "Images"): at most this many per notice, event
 * or board item; each file PNG or JPEG of at most IMAGE_MAX_BYTES and
 * IMAGE_MAX_SIDE x IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS pixels in all. */
#define CONTENT_MAX_IMAGES      8
#define IMAGE_MAX_BYTES   (10u * 1024u * 1024u)
#define IMAGE_MAX_SIDE      10000
#define IMAGE_MAX_PIXELS  (24u * 1000u * 1000u)

typedef enum { LANG_ZH, LANG_EN, LANG_COUNT } Lang;

/* A text in both languages; `en` is NULL when absent (falls back to zh). */
typedef struct { char *zh; char *en; } LText;

/* Where a board item's picture belongs: "before" or "after" the work. */
typedef enum { IMAGE_ROLE_NONE, IMAGE_ROLE_BEFORE, IMAGE_ROLE_AFTER } ImageRole;

/* One picture of an item. The kiosk fetches `url` and uses the bytes only
 * when their SHA-256 is `sha256`; width and height are the file's own. */
typedef struct {
    char *url;                       /* https:// */
    char sha256[65];                 /* 64 lower-case hex digits */
    LText alt;                       /* what it shows, for those who cannot see it */
    int width, height;               /* pixels, as the file declares */
    ImageRole role;                  /* board items only; NONE elsewhere */
} ContentImage;

typedef enum {
    CAT_NOTICE, CAT_ACCOUNTS, CAT_REPAIRS, CAT_SAFETY, CAT_SERVICES, CAT_COUNT
} Category;

typedef struct {
    char *id;
    Category category;
    LText title, body;
    int64_t publish_at, expire_at;   /* Unix seconds */
    bool pinned, urgent;
    char *link;                      /* NULL when absent */
    ContentImage *images; size_t n_images;
} Notice;

typedef struct {
    char *id;
    LText title, description, location;
    int64_t start, end;              /* Unix seconds */
    char *signup_url;                /* NULL when absent */
    ContentImage *images; size_t n_images;
} Event;

typedef struct {
    char *id;
    char *kind;                      /* wechat_group, official_account, hotline,
                                        form, website, other */
    LText label;
    char *url;                       /* https URL or tel: */
    int64_t expires_at;              /* 0 when it never expires */
} Channel;

/* What became of a suggestion, looked up by its receipt code. */
typedef enum { REPLY_RECEIVED, REPLY_IN_PROGRESS, REPLY_DONE, REPLY_DECLINED,
               REPLY_STATUS_COUNT } ReplyStatus;

typedef struct {
    char receipt[9];                 /* 8 symbols, without the dash */
    ReplyStatus status;
    LText reply;                     /* the office's answer; zh may be "" */
    int64_t updated_at;              /* Unix seconds */
} Reply;

/* A reply in the sealed form (docs/CONTENT.md, "Sealed replies"): found by
 * the lookup derived from the receipt; the box holds the status, the reply
 * and the date as JSON, sealed with the key derived from the receipt. */
typedef struct {
    unsigned char lookup[RECEIPT_LOOKUP_BYTES];
    unsigned char *box;              /* nonce || secretbox, box_len bytes */
    size_t box_len;
} SealedReply;

/* "You said, we did": a moderated summary and what was done. */
typedef struct {
    char *id;
    LText said, done;
    int64_t date;                    /* Unix seconds */
    ContentImage *images; size_t n_images;
} BoardItem;

typedef struct Content {
    LText site_name;
    Notice *notices; size_t n_notices;
    Event *events;   size_t n_events;
    Channel *channels; size_t n_channels;
    Reply *replies; size_t n_replies;       /* optional; the plain form */
    bool replies_sealed;             /* reply_salt given: replies are sealed */
    unsigned char reply_salt[RECEIPT_SALT_BYTES];
    SealedReply *sealed; size_t n_sealed;   /* the sealed form */
    BoardItem *board; size_t n_board;       /* optional in the document */
    char version[17];                /* 16 hex digits of a hash of the document */
} Content;

/* Parse and validate `len` bytes of JSON. On success returns a new Content
 * (free with content_free) and leaves `err` empty. On failure returns NULL
 * and writes a one-line message naming the place into `err`: "line L,
 * column C: ..." for syntax errors, "notices[3].title.zh: ..." for schema
 * errors. Never reads past `len`. */
Content *content_parse(const char *buf, size_t len, char *err, size_t errlen);

/* Read and parse a file (at most CONTENT_MAX_BYTES). As content_parse; the
 * message also covers I/O errors and oversize files. */
Content *content_load_file(const char *path, char *err, size_t errlen);

/* Read a whole file of at most CONTENT_MAX_BYTES into a new buffer with a
 * NUL after the last byte (caller frees *buf). The size is checked with
 * fstat before reading and the read is bounded, so a huge file costs
 * nothing. Returns 0 on success; -1 with a message on I/O errors; -2 with
 * a message naming the size and the limit when the file is too large. */
int content_read_file(const char *path, char **buf, size_t *len,
                      char *err, size_t errlen);

/* Free a Content; NULL is accepted. */
void content_free(Content *c);

/* The text in `lang`, falling back to zh. Never NULL for a parsed LText. */
const char *ltext(const LText *t, Lang lang);

/* Category names as used in JSON ("notice", "accounts", ...). */
const char *content_category_name(Category c);
/* Parse a category name; returns -1 when unknown. */
int content_category_from_name(const char *name);

const Notice *content_find_notice(const Content *c, const char *id);
/* The reply for a receipt code (8 symbols, no dash) in a plain feed, or
 * NULL (always NULL for a sealed feed: use content_open_reply). */
const Reply *content_find_reply(const Content *c, const char *receipt);

/* The entry of a sealed feed with this lookup, or NULL. */
const SealedReply *content_find_sealed(const Content *c,
                                       const unsigned char lookup[RECEIPT_LOOKUP_BYTES]);

/* What content_open_reply found. */
typedef enum {
    CONTENT_REPLY_FOUND = 1,
    CONTENT_REPLY_NONE = 0,        /* no reply under this code (or a box that
                                      does not open or holds no valid reply) */
    CONTENT_REPLY_MALFORMED = -1,  /* not a receipt code */
    CONTENT_REPLY_ERROR = -2,      /* out of memory, the derivation failed */
} ContentReplyResult;

/* Look up the reply for a code as a resident typed it (receipt_normalize),
 * in either form of the feed. Plain: the entry under the code. Sealed: one
 * Argon2id derivation (receipt_derive, about 30 ms), the entry found by its
 * lookup, its box opened and its JSON checked like a plain reply; the keys
 * and the plaintext are wiped. On CONTENT_REPLY_FOUND *out is a new Reply
 * (free with content_reply_free), else *out is NULL. */
ContentReplyResult content_open_reply(const Content *c, const char *typed, Reply **out);

/* The same check with the derivation on a thread of its own, so that the
 * screen keeps drawing meanwhile (docs/CONTENT.md, "Sealed replies").
 * content_reply_check_start copies the code and the feed's salt and
 * starts the thread; NULL when the feed is not sealed or has no replies,
 * the code is malformed, or no thread could start: then call
 * content_open_reply. content_reply_check_done is true once the keys are
 * there (it never waits). content_reply_check_finish waits for them if
 * need be, looks the code up in c (the feed now: when its salt is not the
 * one derived under, it checks again here) and frees the job; its result
 * and *out are content_open_reply's. content_reply_check_cancel drops a
 * job without waiting (the thread frees it when it ends); NULL is
 * accepted. Every copy of the code and the keys is wiped. */
typedef struct ContentReplyCheck ContentReplyCheck;
ContentReplyCheck *content_reply_check_start(const Content *c, const char *typed);
bool content_reply_check_done(ContentReplyCheck *j);
ContentReplyResult content_reply_check_finish(ContentReplyCheck *j, const Content *c,
                                              Reply **out);
void content_reply_check_cancel(ContentReplyCheck *j);

/* Wipe and free a Reply from content_open_reply; NULL is accepted. */
void content_reply_free(Reply *r);

/* Check the JSON a sealed box holds ({"status", "updated_at", "reply"},
 * docs/CONTENT.md) as the kiosk will when it opens the box: a new Reply
 * (free with content_reply_free; its receipt is empty), or NULL with a
 * message naming the field ("box.status: ..."). For tools that seal. */
Reply *content_parse_reply_box(const char *json, size_t len, char *err, size_t errlen);
/* "received", "in_progress", "done", "declined"; -1 when unknown. */
const char *content_reply_status_name(ReplyStatus s);
int content_reply_status_from_name(const char *name);
const Event *content_find_event(const Content *c, const char *id);

/* Calls fn for every picture of every notice, event and board item (in
 * that order, duplicates included); stops early and returns fn's value
 * when fn returns non-zero, else returns 0. */
int content_each_image(const Content *c,
                       int (*fn)(const ContentImage *img, void *arg), void *arg);

/* "before", "after" or "" for a role. */
const char *content_image_role_name(ImageRole r);

/* Staff are warned this long before a channel's code expires. */
#define CHANNEL_WARN_S (2 * 24 * 3600)

/* Past its expires_at: show "ask at the property office", not the code. */
bool channel_expired(const Channel *ch, int64_t now_s);
/* Expiring within CHANNEL_WARN_S (but not yet expired). */
bool channel_expiring(const Channel *ch, int64_t now_s);

#endif
