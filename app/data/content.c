/* content.c - parse and validate the content document (docs/CONTENT.md). */
#include "content.h"
#include "errmsg.h"
#include "utf8.h"
#include "timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* All memory of a Content lives in a chain of blocks owned by a ContentBox
 * whose first member is the public Content, so content_free() frees all. */
typedef struct ContentBlock {
    struct ContentBlock *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
} ContentBlock;

typedef struct {
    Content pub;
    ContentBlock *blocks;
} ContentBox;

enum { CONTENT_BLOCK_SIZE = 16384 };

/* Zeroed memory from the box's arena, or NULL when out of memory. */
static void *content_alloc(ContentBox *box, size_t n)
{
    size_t align = _Alignof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    ContentBlock *b = box->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > CONTENT_BLOCK_SIZE ? n : CONTENT_BLOCK_SIZE;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = box->blocks;
        box->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

static char *content_strdup(ContentBox *box, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = content_alloc(box, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void content_free(Content *c)
{
    if (!c)
        return;
    ContentBox *box = (ContentBox *)c;
    for (ContentBlock *b = box->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(box);
}

/* ---- errors and paths ---- */

typedef struct {
    ContentBox *box;
    char *err;
    size_t errlen;
} ContentCtx;


/* Write "PATH.KEY: message" (or "PATH: message" when key is NULL); returns -1. */
static int content_fail(ContentCtx *x, const char *path, const char *key,
                        const char *fmt, ...)
{
    if (!x->err || x->errlen == 0)
        return -1;
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (key)
        snprintf(x->err, x->errlen, "%s%s%s: %s", path, *path ? "." : "", key, msg);
    else
        snprintf(x->err, x->errlen, "%s: %s", path, msg);
    return -1;
}

static const char *content_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "true/false";
    default: return "null";
    }
}

static int content_oom(ContentCtx *x)
{
    errmsg(x->err, x->errlen, "out of memory");
    return -1;
}

/* ---- field readers: each returns 0 or -1 with a message naming the place ---- */

/* A string field; *out is NULL when absent (or null) and not required. */
static int content_get_string(ContentCtx *x, json_t *obj, const char *path,
                              const char *key, bool required, size_t maxchars,
                              const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return content_fail(x, path, key, "missing");
        return 0;
    }
    if (!json_is_string(v))
        return content_fail(x, path, key, "expected a string, got %s", content_type_name(v));
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return content_fail(x, path, key, "contains a NUL character");
    size_t n = utf8_count(s, strlen(s));
    if (n > maxchars)
        return content_fail(x, path, key, "too long (%zu characters, at most %zu)", n, maxchars);
    *out = s;
    return 0;
}

static bool content_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* A text {"zh": "...", "en": "..."}: zh required and not blank, en optional. */
static int content_get_ltext(ContentCtx *x, json_t *obj, const char *path,
                             const char *key, size_t maxchars, LText *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return content_fail(x, path, key, "missing (expected {\"zh\": \"...\", \"en\": \"...\"})");
    if (!json_is_object(v))
        return content_fail(x, path, key,
                            "expected an object {\"zh\": \"...\", \"en\": \"...\"}, got %s",
                            content_type_name(v));
    char sub[160];
    snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
    const char *zh, *en;
    if (!json_object_get(v, "zh"))
        return content_fail(x, sub, "zh", "missing (Chinese text is required)");
    if (content_get_string(x, v, sub, "zh", true, maxchars, &zh) < 0)
        return -1;
    if (content_blank(zh))
        return content_fail(x, sub, "zh", "empty (Chinese text is required)");
    if (content_get_string(x, v, sub, "en", false, maxchars, &en) < 0)
        return -1;
    out->zh = content_strdup(x->box, zh);
    out->en = en && *en ? content_strdup(x->box, en) : NULL;
    if (!out->zh || (en && *en && !out->en))
        return content_oom(x);
    return 0;
}

static int content_get_id(ContentCtx *x, json_t *obj, const char *path, char **out)
{
    const char *s;
    if (content_get_string(x, obj, path, "id", true, CONTENT_MAX_ID, &s) < 0)
        return -1;
    if (!*s)
        return content_fail(x, path, "id", "empty");
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return content_fail(x, path, "id",
                                "\"%s\" has characters other than A-Z, a-z, 0-9, _ and -", s);
    }
    *out = content_strdup(x->box, s);
    return *out ? 0 : content_oom(x);
}

static int content_get_time(ContentCtx *x, json_t *obj, const char *path,
                            const char *key, bool required, int64_t *out)
{
    const char *s, *why;
    *out = 0;
    if (content_get_string(x, obj, path, key, required, 64, &s) < 0)
        return -1;
    if (!s)
        return 0;
    if (time_parse_iso8601_why(s, out, &why) < 0)
        return content_fail(x, path, key, "invalid date-time \"%s\": %s", s, why);
    return 0;
}

static int content_get_bool(ContentCtx *x, json_t *obj, const char *path,
                            const char *key, bool *out)
{
    json_t *v = json_object_get(obj, key);
    *out = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return content_fail(x, path, key, "expected true or false, got %s", content_type_name(v));
    *out = json_is_true(v);
    return 0;
}

/* Whether s is an http:// URL to a loopback address (127.0.0.1, [::1],
 * localhost, with an optional port) followed by a path: a picture served
 * by an office on loopback, which a kiosk fetches only when it allows
 * plain http to loopback (docs/CONTENT.md, "Images"). */
static bool content_loopback_http(const char *s)
{
    static const char *const hosts[] = {"http://127.0.0.1", "http://[::1]", "http://localhost"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        size_t n = strlen(hosts[i]);
        if (strncmp(s, hosts[i], n) != 0)
            continue;
        const char *p = s + n;
        if (*p == ':') {
            int digits = 0;
            while (p[1] >= '0' && p[1] <= '9' && digits < 6) {
                p++;
                digits++;
            }
            if (digits == 0 || digits > 5)
                return false;
            p++;
        }
        return *p == '/' && p[1];
    }
    return false;
}

enum { URL_HTTPS, URL_OR_TEL, URL_OR_LOOPBACK };

/* An https:// URL (or a tel: number for URL_OR_TEL, or plain http to a
 * loopback address for URL_OR_LOOPBACK); NULL when absent and optional. */
static int content_get_url(ContentCtx *x, json_t *obj, const char *path,
                           const char *key, bool required, int kind, char **out)
{
    bool allow_tel = kind == URL_OR_TEL;
    const char *s;
    *out = NULL;
    if (content_get_string(x, obj, path, key, required, CONTENT_MAX_URL, &s) < 0)
        return -1;
    if (!s)
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return content_fail(x, path, key, "\"%s\" contains spaces or control characters", s);
    if (strncmp(s, "https://", 8) == 0 && s[8]) {
        /* fine */
    } else if (kind == URL_OR_LOOPBACK && content_loopback_http(s)) {
        /* an office on loopback (development, tests) */
    } else if (allow_tel && strncmp(s, "tel:", 4) == 0) {
        int digits = 0;
        for (const char *p = s + 4; *p; p++) {
            if (*p >= '0' && *p <= '9')
                digits++;
            else if (!strchr("+-.()", *p))
                return content_fail(x, path, key, "\"%s\": a tel: number may only have digits and + - . ( )", s);
        }
        if (digits < 3)
            return content_fail(x, path, key, "\"%s\": too few digits for a phone number", s);
    } else if (allow_tel) {
        return content_fail(x, path, key, "\"%s\" must start with https:// (or tel: for a hotline)", s);
    } else {
        return content_fail(x, path, key, "\"%s\" must start with https://", s);
    }
    *out = content_strdup(x->box, s);
    return *out ? 0 : content_oom(x);
}

/* ---- pictures ---- */

/* An integer field in 1..max. */
static int content_get_dim(ContentCtx *x, json_t *o, const char *path, const char *key,
                           int max, int *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return content_fail(x, path, key, "missing (the picture's size in pixels)");
    if (!json_is_integer(v))
        return content_fail(x, path, key, "expected a whole number of pixels, got %s",
                            content_type_name(v));
    json_int_t n = json_integer_value(v);
    if (n < 1 || n > max)
        return content_fail(x, path, key, "%" JSON_INTEGER_FORMAT " pixels is out of range "
                            "(1 to %d)", n, max);
    *out = (int)n;
    return 0;
}

static int content_parse_image(ContentCtx *x, json_t *o, const char *path,
                               bool board, ContentImage *img)
{
    const char *hash, *role;
    if (content_get_url(x, o, path, "url", true, URL_OR_LOOPBACK, &img->url) < 0 ||
        content_get_string(x, o, path, "sha256", true, 64, &hash) < 0)
        return -1;
    size_t n = 0;
    while (hash[n] && ((hash[n] >= '0' && hash[n] <= '9') || (hash[n] >= 'a' && hash[n] <= 'f')))
        n++;
    if (n != 64 || hash[n])
        return content_fail(x, path, "sha256", "expected 64 lower-case hex digits (the SHA-256 "
                            "of the file), got \"%.80s\"", hash);
    memcpy(img->sha256, hash, 65);
    if (content_get_ltext(x, o, path, "alt", CONTENT_MAX_TITLE, &img->alt) < 0 ||
        content_get_dim(x, o, path, "width", IMAGE_MAX_SIDE, &img->width) < 0 ||
        content_get_dim(x, o, path, "height", IMAGE_MAX_SIDE, &img->height) < 0)
        return -1;
    if ((uint64_t)img->width * (uint64_t)img->height > IMAGE_MAX_PIXELS)
        return content_fail(x, path, NULL, "%d x %d is %" PRIu64 " pixels, more than the limit "
                            "of %u", img->width, img->height,
                            (uint64_t)img->width * (uint64_t)img->height, IMAGE_MAX_PIXELS);
    if (content_get_string(x, o, path, "role", false, 16, &role) < 0)
        return -1;
    img->role = IMAGE_ROLE_NONE;
    if (role && !board)
        return content_fail(x, path, "role", "only board items have before/after pictures");
    if (role && strcmp(role, "before") == 0)
        img->role = IMAGE_ROLE_BEFORE;
    else if (role && strcmp(role, "after") == 0)
        img->role = IMAGE_ROLE_AFTER;
    else if (role)
        return content_fail(x, path, "role", "unknown role \"%s\" (expected before or after)", role);
    return 0;
}

/* The optional "images" list of an item (absent is the same as []). */
static int content_get_images(ContentCtx *x, json_t *o, const char *path, bool board,
                              ContentImage **out, size_t *n_out)
{
    json_t *v = json_object_get(o, "images");
    *out = NULL;
    *n_out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return content_fail(x, path, "images", "expected an array, got %s", content_type_name(v));
    size_t n = json_array_size(v);
    if (n > CONTENT_MAX_IMAGES)
        return content_fail(x, path, "images", "too many pictures (%zu, at most %d)",
                            n, CONTENT_MAX_IMAGES);
    if (n == 0)
        return 0;
    ContentImage *imgs = content_alloc(x->box, n * sizeof *imgs);
    if (!imgs)
        return content_oom(x);
    char sub[128];
    for (size_t i = 0; i < n; i++) {
        snprintf(sub, sizeof sub, "%s.images[%zu]", path, i);
        json_t *io = json_array_get(v, i);
        if (!json_is_object(io))
            return content_fail(x, sub, NULL, "expected an object {\"url\", \"sha256\", "
                                "\"alt\", \"width\", \"height\"}, got %s", content_type_name(io));
        if (content_parse_image(x, io, sub, board, &imgs[i]) < 0)
            return -1;
    }
    *out = imgs;
    *n_out = n;
    return 0;
}

/* The array at `key` (required), checked against `max` items. */
static int content_get_array(ContentCtx *x, json_t *root, const char *key,
                             size_t max, json_t **out)
{
    json_t *v = json_object_get(root, key);
    if (!v)
        return content_fail(x, key, NULL, "missing (use [] for none)");
    if (!json_is_array(v))
        return content_fail(x, key, NULL, "expected an array, got %s", content_type_name(v));
    if (json_array_size(v) > max)
        return content_fail(x, key, NULL, "too many items (%zu, at most %zu)",
                            json_array_size(v), max);
    *out = v;
    return 0;
}

/* Checks that items[i] is an object; writes "key[i]" into path. */
static int content_item(ContentCtx *x, json_t *arr, const char *key, size_t i,
                        char *path, size_t pathlen, json_t **out)
{
    snprintf(path, pathlen, "%s[%zu]", key, i);
    *out = json_array_get(arr, i);
    if (!json_is_object(*out))
        return content_fail(x, path, NULL, "expected an object, got %s", content_type_name(*out));
    return 0;
}

/* ---- items ---- */

static int content_parse_notice(ContentCtx *x, json_t *o, const char *path, Notice *n)
{
    const char *cat;
    if (content_get_id(x, o, path, &n->id) < 0 ||
        content_get_string(x, o, path, "category", true, 64, &cat) < 0)
        return -1;
    int c = content_category_from_name(cat);
    if (c < 0)
        return content_fail(x, path, "category",
                            "unknown category \"%s\" (expected notice, accounts, repairs, safety or services)",
                            cat);
    n->category = (Category)c;
    if (content_get_ltext(x, o, path, "title", CONTENT_MAX_TITLE, &n->title) < 0 ||
        content_get_ltext(x, o, path, "body", CONTENT_MAX_BODY, &n->body) < 0 ||
        content_get_time(x, o, path, "publish_at", true, &n->publish_at) < 0 ||
        content_get_time(x, o, path, "expire_at", true, &n->expire_at) < 0 ||
        content_get_bool(x, o, path, "pinned", &n->pinned) < 0 ||
        content_get_bool(x, o, path, "urgent", &n->urgent) < 0 ||
        content_get_url(x, o, path, "link", false, URL_HTTPS, &n->link) < 0 ||
        content_get_images(x, o, path, false, &n->images, &n->n_images) < 0)
        return -1;
    if (n->expire_at <= n->publish_at)
        return content_fail(x, path, "expire_at", "must be after publish_at");
    return 0;
}

static int content_parse_event(ContentCtx *x, json_t *o, const char *path, Event *e)
{
    if (content_get_id(x, o, path, &e->id) < 0 ||
        content_get_ltext(x, o, path, "title", CONTENT_MAX_TITLE, &e->title) < 0 ||
        content_get_ltext(x, o, path, "description", CONTENT_MAX_BODY, &e->description) < 0 ||
        content_get_ltext(x, o, path, "location", CONTENT_MAX_TITLE, &e->location) < 0 ||
        content_get_time(x, o, path, "start", true, &e->start) < 0 ||
        content_get_time(x, o, path, "end", true, &e->end) < 0 ||
        content_get_url(x, o, path, "signup_url", false, URL_HTTPS, &e->signup_url) < 0 ||
        content_get_images(x, o, path, false, &e->images, &e->n_images) < 0)
        return -1;
    if (e->end < e->start)
        return content_fail(x, path, "end", "must not be before start");
    return 0;
}

static const char *const content_kinds[] = {
    "wechat_group", "official_account", "hotline", "form", "website", "other",
};

static int content_parse_channel(ContentCtx *x, json_t *o, const char *path, Channel *ch)
{
    const char *kind;
    if (content_get_id(x, o, path, &ch->id) < 0 ||
        content_get_string(x, o, path, "kind", true, 64, &kind) < 0)
        return -1;
    size_t k = 0, nk = sizeof content_kinds / sizeof content_kinds[0];
    while (k < nk && strcmp(kind, content_kinds[k]) != 0)
        k++;
    if (k == nk)
        return content_fail(x, path, "kind",
                            "unknown kind \"%s\" (expected wechat_group, official_account, "
                            "hotline, form, website or other)", kind);
    ch->kind = content_strdup(x->box, kind);
    if (!ch->kind)
        return content_oom(x);
    bool hotline = strcmp(kind, "hotline") == 0;
    if (content_get_ltext(x, o, path, "label", CONTENT_MAX_NAME, &ch->label) < 0 ||
        content_get_url(x, o, path, "url", true, hotline ? URL_OR_TEL : URL_HTTPS, &ch->url) < 0 ||
        content_get_time(x, o, path, "expires_at", false, &ch->expires_at) < 0)
        return -1;
    return 0;
}

/* The fields a plain reply and a sealed box share: status, reply, updated_at. */
static int content_parse_reply_body(ContentCtx *x, json_t *o, const char *path, Reply *r)
{
    const char *status;
    if (content_get_string(x, o, path, "status", true, 32, &status) < 0)
        return -1;
    int st = content_reply_status_from_name(status);
    if (st < 0)
        return content_fail(x, path, "status", "unknown status \"%s\" (expected received, "
                            "in_progress, done or declined)", status);
    r->status = (ReplyStatus)st;
    if (json_object_get(o, "reply")) {
        if (content_get_ltext(x, o, path, "reply", CONTENT_MAX_BODY, &r->reply) < 0)
            return -1;
    } else {
        r->reply.zh = content_strdup(x->box, "");
        if (!r->reply.zh)
            return content_oom(x);
    }
    return content_get_time(x, o, path, "updated_at", true, &r->updated_at);
}

static int content_parse_reply(ContentCtx *x, json_t *o, const char *path, Reply *r)
{
    const char *code;
    if (json_object_get(o, "lookup") || json_object_get(o, "box"))
        return content_fail(x, path, json_object_get(o, "lookup") ? "lookup" : "box",
                            "a sealed reply needs \"reply_salt\" at the top level of the document");
    if (content_get_string(x, o, path, "receipt", true, 16, &code) < 0)
        return -1;
    /* As a person reads it: XXXX-XXXX, the same alphabet as the kiosk's. */
    size_t n = 0;
    for (const char *p = code; *p; p++) {
        if (*p == '-')
            continue;
        if (n == 8 || !strchr(RECEIPT_ALPHABET, *p))
            return content_fail(x, path, "receipt",
                                "\"%s\" is not a receipt code (8 symbols like 7KQ4-M2XD)", code);
        r->receipt[n++] = *p;
    }
    if (n != 8)
        return content_fail(x, path, "receipt",
                            "\"%s\" is not a receipt code (8 symbols like 7KQ4-M2XD)", code);
    r->receipt[8] = '\0';
    return content_parse_reply_body(x, o, path, r);
}

/* A sealed reply: {"lookup": 64 hex digits, "box": base64}. Plain fields
 * next to them would publish what the box hides, so they are refused. */
static int content_parse_sealed(ContentCtx *x, json_t *o, const char *path, SealedReply *r)
{
    static const char *const plain[] = {"receipt", "status", "reply", "updated_at"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (json_object_get(o, plain[i]))
            return content_fail(x, path, plain[i],
                                "not allowed in a sealed feed (reply_salt is set): it belongs "
                                "inside the box (kioskctl seal-replies makes the sealed form)");
    const char *lookup, *box;
    if (content_get_string(x, o, path, "lookup", true, CONTENT_MAX_URL, &lookup) < 0)
        return -1;
    if (receipt_unhex(lookup, r->lookup, sizeof r->lookup) < 0)
        return content_fail(x, path, "lookup", "expected %d hex digits (%d bytes), got \"%.80s\"",
                            RECEIPT_LOOKUP_HEX, RECEIPT_LOOKUP_BYTES, lookup);
    if (content_get_string(x, o, path, "box", true, CONTENT_MAX_BYTES, &box) < 0)
        return -1;
    unsigned char *bin;
    size_t len;
    int rc = receipt_box_decode(box, &bin, &len);
    if (rc == -1)
        return content_fail(x, path, "box", "not base64 (standard alphabet with = padding, "
                            "no spaces or line breaks)");
    if (rc == -2)
        return content_fail(x, path, "box", "wrong length (%zu characters): a box is %d bytes "
                            "of nonce and MAC and whole blocks of %d bytes, at least %d and at "
                            "most %u bytes", strlen(box), RECEIPT_NONCE_BYTES + RECEIPT_MAC_BYTES,
                            RECEIPT_BOX_BLOCK, RECEIPT_BOX_MIN, (unsigned)RECEIPT_BOX_MAX);
    if (rc < 0)
        return content_oom(x);
    r->box = content_alloc(x->box, len);
    if (r->box) {
        memcpy(r->box, bin, len);
        r->box_len = len;
    }
    free(bin);
    return r->box ? 0 : content_oom(x);
}

/* The optional top-level "reply_salt": 32 hex digits; sets the sealed form. */
static int content_get_salt(ContentCtx *x, json_t *root, Content *c)
{
    const char *salt;
    if (content_get_string(x, root, "", "reply_salt", false, CONTENT_MAX_URL, &salt) < 0)
        return -1;
    if (!salt)
        return 0;
    if (receipt_unhex(salt, c->reply_salt, sizeof c->reply_salt) < 0)
        return content_fail(x, "reply_salt", NULL, "expected %d hex digits (%d bytes), got \"%.80s\"",
                            RECEIPT_SALT_HEX, RECEIPT_SALT_BYTES, salt);
    c->replies_sealed = true;
    return 0;
}

static int content_parse_board(ContentCtx *x, json_t *o, const char *path, BoardItem *b)
{
    return content_get_id(x, o, path, &b->id) < 0 ||
           content_get_ltext(x, o, path, "said", CONTENT_MAX_TITLE * 5, &b->said) < 0 ||
           content_get_ltext(x, o, path, "done", CONTENT_MAX_BODY, &b->done) < 0 ||
           content_get_time(x, o, path, "date", true, &b->date) < 0 ||
           content_get_images(x, o, path, true, &b->images, &b->n_images) < 0 ? -1 : 0;
}

/* An optional array: absent is the same as []. */
static int content_get_optional_array(ContentCtx *x, json_t *root, const char *key,
                                      size_t max, json_t **out)
{
    if (!json_object_get(root, key)) {
        *out = NULL;
        return 0;
    }
    return content_get_array(x, root, key, max, out);
}

/* Rejects a repeated id among `n` items of `size` bytes whose first member
 * is `char *id` (Notice, Event and Channel all start so). */
static int content_check_dups(ContentCtx *x, const char *key, const void *items,
                              size_t n, size_t size)
{
    const char *base = items;
    for (size_t i = 1; i < n; i++) {
        const char *a = *(char *const *)(const void *)(base + i * size);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(a, *(char *const *)(const void *)(base + j * size)) == 0) {
                char path[64];
                snprintf(path, sizeof path, "%s[%zu]", key, i);
                return content_fail(x, path, "id", "duplicate id \"%s\" (also %s[%zu])",
                                    a, key, j);
            }
        }
    }
    return 0;
}

static int content_parse_root(ContentCtx *x, json_t *root)
{
    Content *c = &x->box->pub;
    if (!json_is_object(root))
        return content_fail(x, "document", NULL, "expected an object {\"site\": ..., \"notices\": [...], ...}, got %s",
                            content_type_name(root));
    json_t *site = json_object_get(root, "site");
    if (!site)
        return content_fail(x, "site", NULL, "missing");
    if (!json_is_object(site))
        return content_fail(x, "site", NULL, "expected an object, got %s", content_type_name(site));
    if (content_get_ltext(x, site, "site", "name", CONTENT_MAX_NAME, &c->site_name) < 0)
        return -1;

    json_t *notices, *events, *channels, *o;
    if (content_get_array(x, root, "notices", CONTENT_MAX_NOTICES, &notices) < 0 ||
        content_get_array(x, root, "events", CONTENT_MAX_EVENTS, &events) < 0 ||
        content_get_array(x, root, "channels", CONTENT_MAX_CHANNELS, &channels) < 0)
        return -1;
    c->n_notices = json_array_size(notices);
    c->n_events = json_array_size(events);
    c->n_channels = json_array_size(channels);
    c->notices = content_alloc(x->box, c->n_notices * sizeof *c->notices);
    c->events = content_alloc(x->box, c->n_events * sizeof *c->events);
    c->channels = content_alloc(x->box, c->n_channels * sizeof *c->channels);
    if (!c->notices || !c->events || !c->channels)
        return content_oom(x);

    char path[64];
    for (size_t i = 0; i < c->n_notices; i++)
        if (content_item(x, notices, "notices", i, path, sizeof path, &o) < 0 ||
            content_parse_notice(x, o, path, &c->notices[i]) < 0)
            return -1;
    for (size_t i = 0; i < c->n_events; i++)
        if (content_item(x, events, "events", i, path, sizeof path, &o) < 0 ||
            content_parse_event(x, o, path, &c->events[i]) < 0)
            return -1;
    for (size_t i = 0; i < c->n_channels; i++)
        if (content_item(x, channels, "channels", i, path, sizeof path, &o) < 0 ||
            content_parse_channel(x, o, path, &c->channels[i]) < 0)
            return -1;
    json_t *replies, *board;
    if (content_get_optional_array(x, root, "replies", CONTENT_MAX_REPLIES, &replies) < 0 ||
        content_get_optional_array(x, root, "board", CONTENT_MAX_BOARD, &board) < 0)
        return -1;
    if (content_get_salt(x, root, c) < 0)
        return -1;
    size_t n_replies = replies ? json_array_size(replies) : 0;
    c->n_replies = c->replies_sealed ? 0 : n_replies;
    c->n_sealed = c->replies_sealed ? n_replies : 0;
    c->n_board = board ? json_array_size(board) : 0;
    c->replies = content_alloc(x->box, (c->n_replies ? c->n_replies : 1) * sizeof *c->replies);
    c->sealed = content_alloc(x->box, (c->n_sealed ? c->n_sealed : 1) * sizeof *c->sealed);
    c->board = content_alloc(x->box, (c->n_board ? c->n_board : 1) * sizeof *c->board);
    if (!c->replies || !c->sealed || !c->board)
        return content_oom(x);
    for (size_t i = 0; i < c->n_replies; i++) {
        if (content_item(x, replies, "replies", i, path, sizeof path, &o) < 0 ||
            content_parse_reply(x, o, path, &c->replies[i]) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->replies[i].receipt, c->replies[j].receipt) == 0)
                return content_fail(x, path, "receipt", "duplicate receipt (also replies[%zu])", j);
    }
    for (size_t i = 0; i < c->n_sealed; i++) {
        if (content_item(x, replies, "replies", i, path, sizeof path, &o) < 0 ||
            content_parse_sealed(x, o, path, &c->sealed[i]) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (memcmp(c->sealed[i].lookup, c->sealed[j].lookup, RECEIPT_LOOKUP_BYTES) == 0)
                return content_fail(x, path, "lookup", "duplicate lookup (also replies[%zu])", j);
    }
    for (size_t i = 0; i < c->n_board; i++)
        if (content_item(x, board, "board", i, path, sizeof path, &o) < 0 ||
            content_parse_board(x, o, path, &c->board[i]) < 0)
            return -1;
    if (content_check_dups(x, "board", c->board, c->n_board, sizeof *c->board) < 0)
        return -1;
    if (content_check_dups(x, "notices", c->notices, c->n_notices, sizeof *c->notices) < 0 ||
        content_check_dups(x, "events", c->events, c->n_events, sizeof *c->events) < 0 ||
        content_check_dups(x, "channels", c->channels, c->n_channels, sizeof *c->channels) < 0)
        return -1;
    return 0;
}

/* ---- raw bytes: NULs and UTF-8, reported by line and column ---- */

static int content_check_bytes(const char *buf, size_t len, char *err, size_t errlen)
{
    const unsigned char *p = (const unsigned char *)buf;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        if (p[i] == 0) {
            errmsg(err, errlen, "line %zu, column %zu: NUL byte (byte offset %zu); "
                        "the file must be UTF-8 text", line, col, i);
            return -1;
        }
        size_t n = utf8_seq_len(buf + i, len - i);
        if (n == 0) {
            errmsg(err, errlen, "line %zu, column %zu: invalid UTF-8 (byte 0x%02x at "
                        "byte offset %zu); save the file as UTF-8", line, col, p[i], i);
            return -1;
        }
        if (p[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    return 0;
}

static uint64_t content_fnv1a(const char *buf, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)buf[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

Content *content_parse(const char *buf, size_t len, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!buf || len == 0) {
        errmsg(err, errlen, "line 1, column 1: empty document (0 bytes)");
        return NULL;
    }
    if (len > CONTENT_MAX_BYTES) {
        errmsg(err, errlen, "document is %zu bytes, larger than the limit of %u bytes (8 MB)",
                    len, CONTENT_MAX_BYTES);
        return NULL;
    }
    if (content_check_bytes(buf, len, err, errlen) < 0)
        return NULL;
    size_t skip = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;   /* BOM */

    json_error_t je;
    json_t *root = json_loadb(buf + skip, len - skip, 0, &je);
    if (!root) {
        const char *text = je.text, *hint = "";
        if (strstr(text, "maximum parsing depth"))
            hint = " (arrays/objects nested too deeply)";
        else if (strstr(text, "end of file"))
            hint = " (is the document cut short?)";
        else if (strstr(text, "JSON_ALLOW_NUL"))
            text = "\\u0000 (a NUL character) is not allowed in text";
        errmsg(err, errlen, "line %d, column %d: %s%s", je.line, je.column, text, hint);
        return NULL;
    }
    ContentBox *box = calloc(1, sizeof *box);
    if (!box) {
        json_decref(root);
        errmsg(err, errlen, "out of memory");
        return NULL;
    }
    ContentCtx x = { box, err, errlen };
    int rc = content_parse_root(&x, root);
    json_decref(root);
    if (rc < 0) {
        content_free(&box->pub);
        return NULL;
    }
    snprintf(box->pub.version, sizeof box->pub.version, "%016" PRIx64,
             content_fnv1a(buf, len));
    return &box->pub;
}

int content_read_file(const char *path, char **bufp, size_t *lenp, char *err, size_t errlen)
{
    *bufp = NULL;
    *lenp = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        errmsg(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        errmsg(err, errlen, "cannot stat: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        errmsg(err, errlen, "is a directory");
        close(fd);
        return -1;
    }
    if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > CONTENT_MAX_BYTES) {
        errmsg(err, errlen, "file is %jd bytes, larger than the limit of %u bytes (8 MB)",
                    (intmax_t)st.st_size, CONTENT_MAX_BYTES);
        close(fd);
        return -2;
    }
    /* Bounded read: the file may change between fstat and read. */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, len = 0;
    char *buf = malloc(cap + 1);
    int rc = 0;
    while (buf) {
        if (len == cap) {
            if (cap > CONTENT_MAX_BYTES) {
                errmsg(err, errlen, "file is larger than the limit of %u bytes (8 MB)",
                            CONTENT_MAX_BYTES);
                rc = -2;
                break;
            }
            cap = cap * 2 > CONTENT_MAX_BYTES + 1 ? CONTENT_MAX_BYTES + 1 : cap * 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb)
                break;
            buf = nb;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            errmsg(err, errlen, "cannot read: %s", strerror(errno));
            rc = -1;
            break;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (!buf || rc < 0) {
        if (!buf)
            errmsg(err, errlen, "out of memory");
        free(buf);
        return rc == -2 ? -2 : -1;
    }
    buf[len] = '\0';
    *bufp = buf;
    *lenp = len;
    return 0;
}

Content *content_load_file(const char *path, char *err, size_t errlen)
{
    char *buf;
    size_t len;
    if (err && errlen)
        err[0] = '\0';
    if (content_read_file(path, &buf, &len, err, errlen) < 0)
        return NULL;
    Content *c = content_parse(buf, len, err, errlen);
    free(buf);
    return c;
}

const char *ltext(const LText *t, Lang lang)
{
    if (lang == LANG_EN && t->en && t->en[0])
        return t->en;
    return t->zh ? t->zh : "";
}

static const char *const content_categories[CAT_COUNT] = {
    "notice", "accounts", "repairs", "safety", "services",
};

const char *content_category_name(Category c)
{
    return (unsigned)c < CAT_COUNT ? content_categories[c] : "?";
}

int content_category_from_name(const char *name)
{
    for (int i = 0; name && i < CAT_COUNT; i++)
        if (strcmp(name, content_categories[i]) == 0)
            return i;
    return -1;
}

const Notice *content_find_notice(const Content *c, const char *id)
{
    for (size_t i = 0; c && id && i < c->n_notices; i++)
        if (strcmp(c->notices[i].id, id) == 0)
            return &c->notices[i];
    return NULL;
}

const Reply *content_find_reply(const Content *c, const char *receipt)
{
    for (size_t i = 0; c && receipt && i < c->n_replies; i++)
        if (strcmp(c->replies[i].receipt, receipt) == 0)
            return &c->replies[i];
    return NULL;
}

const SealedReply *content_find_sealed(const Content *c,
                                       const unsigned char lookup[RECEIPT_LOOKUP_BYTES])
{
    for (size_t i = 0; c && i < c->n_sealed; i++)
        if (memcmp(c->sealed[i].lookup, lookup, RECEIPT_LOOKUP_BYTES) == 0)
            return &c->sealed[i];
    return NULL;
}

/* An opened reply and the arena of its strings; wiped when freed. */
typedef struct {
    Reply pub;
    ContentBox arena;
} ContentReplyBox;

void content_reply_free(Reply *r)
{
    if (!r)
        return;
    ContentReplyBox *rb = (ContentReplyBox *)r;
    for (ContentBlock *b = rb->arena.blocks, *next; b; b = next) {
        next = b->next;
        sodium_memzero(b->data, b->cap);
        free(b);
    }
    sodium_memzero(rb, sizeof *rb);
    free(rb);
}

Reply *content_parse_reply_box(const char *json, size_t len, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    json_error_t je;
    json_t *o = json ? json_loadb(json, len, 0, &je) : NULL;
    if (!o) {
        errmsg(err, errlen, "box: not JSON (%s)", json ? je.text : "nothing");
        return NULL;
    }
    ContentReplyBox *rb = calloc(1, sizeof *rb);
    if (!rb) {
        json_decref(o);
        errmsg(err, errlen, "out of memory");
        return NULL;
    }
    ContentCtx x = { &rb->arena, err, errlen };
    int rc = json_is_object(o) ? content_parse_reply_body(&x, o, "box", &rb->pub)
                               : content_fail(&x, "box", NULL, "expected an object, got %s",
                                              content_type_name(o));
    json_decref(o);
    if (rc < 0) {
        content_reply_free(&rb->pub);
        return NULL;
    }
    return &rb->pub;
}

/* A copy of a plain feed's reply that the caller owns. */
static Reply *content_copy_reply(const Reply *r)
{
    ContentReplyBox *rb = calloc(1, sizeof *rb);
    if (!rb)
        return NULL;
    rb->pub = *r;
    rb->pub.reply.zh = content_strdup(&rb->arena, r->reply.zh ? r->reply.zh : "");
    rb->pub.reply.en = r->reply.en ? content_strdup(&rb->arena, r->reply.en) : NULL;
    if (!rb->pub.reply.zh || (r->reply.en && !rb->pub.reply.en)) {
        content_reply_free(&rb->pub);
        return NULL;
    }
    return &rb->pub;
}

/* The entry under k's lookup in a sealed feed, its box opened and checked. */
static ContentReplyResult content_open_sealed(const Content *c, const char *raw,
                                              const ReceiptKeys *k, Reply **out)
{
    const SealedReply *s = content_find_sealed(c, k->lookup);
    size_t len = 0;
    char *plain = s ? receipt_open(k, s->box, s->box_len, &len) : NULL;
    ContentReplyResult res = CONTENT_REPLY_NONE;
    /* A box that does not open, or holds no valid reply, is no reply. */
    if (plain && (*out = content_parse_reply_box(plain, len, NULL, 0)) != NULL) {
        memcpy((*out)->receipt, raw, RECEIPT_LEN + 1);
        res = CONTENT_REPLY_FOUND;
    }
    receipt_plain_free(plain, len);
    return res;
}

ContentReplyResult content_open_reply(const Content *c, const char *typed, Reply **out)
{
    *out = NULL;
    char raw[RECEIPT_LEN + 1];
    if (receipt_normalize(typed, raw) < 0)
        return CONTENT_REPLY_MALFORMED;
    ContentReplyResult res = CONTENT_REPLY_NONE;
    if (c && !c->replies_sealed) {
        const Reply *r = content_find_reply(c, raw);
        if (r)
            res = (*out = content_copy_reply(r)) ? CONTENT_REPLY_FOUND : CONTENT_REPLY_ERROR;
    } else if (c && c->n_sealed > 0) {
        ReceiptKeys k;
        if (receipt_derive(raw, c->reply_salt, &k) < 0)
            res = CONTENT_REPLY_ERROR;
        else
            res = content_open_sealed(c, raw, &k, out);
        receipt_wipe(&k);
    }
    sodium_memzero(raw, sizeof raw);
    return res;
}

/* ---- A check on a thread of its own (content_reply_check_*) ----
 * The thread derives the keys of `raw` under `salt` and nothing else: it
 * never reads a Content, so the feed may be replaced meanwhile. `state`
 * and `refs` are under `mu`; the job has two owners (the thread and the
 * caller), and the last to let go frees it. */
enum { CHECK_RUNNING, CHECK_DONE, CHECK_CANCELLED };

struct ContentReplyCheck {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int refs;
    int state;
    int rc;                                 /* receipt_derive's */
    char raw[RECEIPT_LEN + 1];
    unsigned char salt[RECEIPT_SALT_BYTES];
    ReceiptKeys keys;
};

static void check_free(ContentReplyCheck *j)
{
    receipt_wipe(&j->keys);
    sodium_memzero(j->raw, sizeof j->raw);
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

static void check_release(ContentReplyCheck *j)
{
    pthread_mutex_lock(&j->mu);
    bool last = --j->refs == 0;
    pthread_mutex_unlock(&j->mu);
    if (last)
        check_free(j);
}

static void *check_main(void *arg)
{
    ContentReplyCheck *j = arg;
    ReceiptKeys k;
    int rc = receipt_derive(j->raw, j->salt, &k);
    pthread_mutex_lock(&j->mu);
    if (j->state != CHECK_CANCELLED) {
        j->keys = k;
        j->rc = rc;
        j->state = CHECK_DONE;
        pthread_cond_signal(&j->cv);
    }
    pthread_mutex_unlock(&j->mu);
    receipt_wipe(&k);
    check_release(j);
    return NULL;
}

ContentReplyCheck *content_reply_check_start(const Content *c, const char *typed)
{
    char raw[RECEIPT_LEN + 1];
    if (!c || !c->replies_sealed || c->n_sealed == 0 || receipt_normalize(typed, raw) < 0)
        return NULL;
    ContentReplyCheck *j = calloc(1, sizeof *j);
    if (!j) {
        sodium_memzero(raw, sizeof raw);
        return NULL;
    }
    memcpy(j->raw, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    memcpy(j->salt, c->reply_salt, sizeof j->salt);
    j->state = CHECK_RUNNING;
    j->refs = 2;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    pthread_attr_t at;
    pthread_t t;
    bool ok = pthread_attr_init(&at) == 0;
    if (ok) {
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        ok = pthread_create(&t, &at, check_main, j) == 0;
        pthread_attr_destroy(&at);
    }
    if (!ok) {
        check_free(j);
        return NULL;
    }
    return j;
}

bool content_reply_check_done(ContentReplyCheck *j)
{
    pthread_mutex_lock(&j->mu);
    bool done = j->state == CHECK_DONE;
    pthread_mutex_unlock(&j->mu);
    return done;
}

ContentReplyResult content_reply_check_finish(ContentReplyCheck *j, const Content *c,
                                              Reply **out)
{
    *out = NULL;
    pthread_mutex_lock(&j->mu);
    while (j->state == CHECK_RUNNING)
        pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    ContentReplyResult res;
    if (c && c->replies_sealed && memcmp(c->reply_salt, j->salt, sizeof j->salt) == 0)
        res = j->rc < 0 ? CONTENT_REPLY_ERROR
            : c->n_sealed > 0 ? content_open_sealed(c, j->raw, &j->keys, out)
            : CONTENT_REPLY_NONE;
    else
        res = content_open_reply(c, j->raw, out);   /* another feed meanwhile */
    check_release(j);
    return res;
}

void content_reply_check_cancel(ContentReplyCheck *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->state = CHECK_CANCELLED;
    pthread_mutex_unlock(&j->mu);
    check_release(j);   /* the thread frees it if it is still running */
}

static const char *const content_reply_statuses[REPLY_STATUS_COUNT] = {
    "received", "in_progress", "done", "declined",
};

const char *content_reply_status_name(ReplyStatus s)
{
    return s < REPLY_STATUS_COUNT ? content_reply_statuses[s] : "?";
}

int content_reply_status_from_name(const char *name)
{
    for (int i = 0; i < REPLY_STATUS_COUNT; i++)
        if (strcmp(name, content_reply_statuses[i]) == 0)
            return i;
    return -1;
}

const Event *content_find_event(const Content *c, const char *id)
{
    for (size_t i = 0; c && id && i < c->n_events; i++)
        if (strcmp(c->events[i].id, id) == 0)
            return &c->events[i];
    return NULL;
}

int content_each_image(const Content *c,
                       int (*fn)(const ContentImage *img, void *arg), void *arg)
{
    int rc;
    for (size_t i = 0; c && i < c->n_notices; i++)
        for (size_t j = 0; j < c->notices[i].n_images; j++)
            if ((rc = fn(&c->notices[i].images[j], arg)) != 0)
                return rc;
    for (size_t i = 0; c && i < c->n_events; i++)
        for (size_t j = 0; j < c->events[i].n_images; j++)
            if ((rc = fn(&c->events[i].images[j], arg)) != 0)
                return rc;
    for (size_t i = 0; c && i < c->n_board; i++)
        for (size_t j = 0; j < c->board[i].n_images; j++)
            if ((rc = fn(&c->board[i].images[j], arg)) != 0)
                return rc;
    return 0;
}

const char *content_image_role_name(ImageRole r)
{
    return r == IMAGE_ROLE_BEFORE ? "before" : r == IMAGE_ROLE_AFTER ? "after" : "";
}

bool channel_expired(const Channel *ch, int64_t now_s)
{
    return ch->expires_at > 0 && now_s >= ch->expires_at;
}

bool channel_expiring(const Channel *ch, int64_t now_s)
{
    return ch->expires_at > 0 && now_s < ch->expires_at &&
           ch->expires_at - now_s <= CHANNEL_WARN_S;
}
