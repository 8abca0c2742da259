/* replyfeed.h - writing replies in the feed's sealed form (docs/CONTENT.md,
 * "Sealed replies"): what the office's feed generator and `kioskctl
 * seal-replies` use, so the feed never carries a receipt or a reply in
 * plain text. Reading the form is content.c's. */
#ifndef REPLYFEED_H
#define REPLYFEED_H

#include <stddef.h>
#include <stdint.h>
#include "content.h"
#include "receipt.h"

/* One reply to publish. The strings are the caller's (UTF-8). */
typedef struct {
    const char *receipt;          /* as typed or shown (receipt_normalize) */
    ReplyStatus status;
    const char *reply_zh;         /* NULL or "": no text yet (en is then ignored) */
    const char *reply_en;         /* NULL or "": the Chinese text is shown */
    int64_t updated_at;           /* Unix seconds */
} ReplyFeedItem;

/* One entry of the sealed form: the lookup (hex, NUL-terminated) and a
 * malloc'd base64 box (caller frees). One Argon2id derivation. An office
 * may keep both per reply and seal again only what changed (a new salt
 * changes every lookup). Returns 0, or -1 with a message ("receipt: ...",
 * "box.reply.zh: ...") and *box NULL. */
int replyfeed_seal_one(const ReplyFeedItem *item, const unsigned char salt[RECEIPT_SALT_BYTES],
                       char lookup[RECEIPT_LOOKUP_HEX + 1], char **box,
                       char *err, size_t errlen);

/* The sealed "replies" array for `n` items under `salt`, as JSON text (a
 * malloc'd NUL-terminated string, caller frees): per item one Argon2id
 * derivation (about 30 ms) and {"lookup": hex, "box": base64}, where the
 * box holds {"status", "updated_at", "reply"} checked exactly as the kiosk
 * will check it when it opens the box. Entries are sorted by lookup, so
 * their order says nothing of the input's. Returns NULL with a message
 * naming the item ("items[2]: ...") when a receipt is malformed or
 * repeated, a text breaks the content rules, n is over
 * CONTENT_MAX_REPLIES, or out of memory. Secrets are wiped. */
char *replyfeed_seal(const ReplyFeedItem *items, size_t n,
                     const unsigned char salt[RECEIPT_SALT_BYTES],
                     char *err, size_t errlen);

/* A whole content document with its replies sealed: `json` is a content
 * document (any form); its "replies" are replaced by the sealed form of
 * `replies_json` (a JSON array of plain replies, docs/CONTENT.md) when that
 * is not NULL, else of the document's own plain replies; "reply_salt" is
 * set to `salt`. Every other key is kept as it is, in order. The result is
 * validated with content_parse before it is returned (malloc'd JSON text,
 * caller frees). Returns NULL with a message when either input is not
 * valid or the document's replies are sealed already (and no
 * replies_json is given). */
char *replyfeed_seal_document(const char *json, size_t len, const char *replies_json,
                              const unsigned char salt[RECEIPT_SALT_BYTES],
                              char *err, size_t errlen);

#endif
