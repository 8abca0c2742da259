/* office_feed.h - each community's content document (docs/CONTENT.md),
 * generated from the items in the database and validated by the kiosk's
 * own content code (content.c) before it is stored and served. */
#ifndef OFFICE_FEED_H
#define OFFICE_FEED_H

#include <stddef.h>
#include <stdint.h>
#include "ostore.h"
#include "replyfeed.h"

enum { OFFICE_FEED_OK = 0, OFFICE_FEED_FAIL = -1, OFFICE_FEED_INVALID = -2 };

/* Take a whole content document (today's format, `len` bytes) for the
 * community: validated exactly as `kioskctl import` does, then its site
 * name and every item replace the community's in one transaction, and the
 * feed is regenerated. Returns OFFICE_FEED_OK; OFFICE_FEED_INVALID with
 * the validator's message (nothing changed); OFFICE_FEED_FAIL on a
 * database error (nothing changed). */
int office_feed_import(Ostore *s, int64_t community_id, const char *buf, size_t len,
                       int64_t now, char *err, size_t errlen);

/* The community's current document in *out (free with ostore_feed_free),
 * regenerated and stored first when the content changed since the stored
 * one was made. The ETag is the document's content version (the kiosk
 * reports it in its heartbeat), quoted: a strong validator. Returns
 * OFFICE_FEED_OK, OFFICE_FEED_FAIL (database; message in err) or
 * OFFICE_FEED_INVALID (the items no longer make a valid document, e.g.
 * too many; the message names the place; the last good feed is kept in
 * the database and returned when there is one). */
int office_feed_current(Ostore *s, int64_t community_id, int64_t now, OstoreFeed *out,
                        char *err, size_t errlen);

/* Publish (insert or replace) one reply: sealed under the community's
 * reply salt (made on first use) with replyfeed_seal_one, stored by its
 * lookup; the feed never holds the receipt. For the staff API. Returns
 * OFFICE_FEED_OK, OFFICE_FEED_INVALID (a bad receipt or text: message) or
 * OFFICE_FEED_FAIL (database). About 30 ms (one Argon2id derivation). */
int office_feed_put_reply(Ostore *s, int64_t community_id, const ReplyFeedItem *item,
                          int64_t now, char *err, size_t errlen);

/* Check one item of list `l` as the kiosk would inside a document, and
 * copy its id (the receipt for a reply) into id. For the staff API.
 * Returns OFFICE_FEED_OK or OFFICE_FEED_INVALID with a message. */
int office_feed_check_item(OstoreList l, const char *json, char *id, size_t idlen,
                           char *err, size_t errlen);

#endif
