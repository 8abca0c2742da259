/* office_reply.c - the public reply page /r/{code} and its JSON, found as the kiosk finds a reply; per-address rate limits. */
#include "office_reply.h"
#include "receipt.h"
#include "timeutil.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- rate limits ---- */

bool office_rate_allow(OfficeReq *rq, OfficeResp *rs, const char *bucket, int per_hour)
{
    char addr[64];
    office_req_address(rq, addr, sizeof addr);
    int64_t window = rq->now - rq->now % 3600, n = 0;
    if (ostore_addr_hit(rq->store, bucket, addr, window, &n) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return false;
    }
    if (n <= per_hour)
        return true;
    char retry[24];
    snprintf(retry, sizeof retry, "%lld", (long long)(window + 3600 - rq->now));
    office_resp_error(rs, 429, "rate_limited", "too many requests from this address; try again"
                      " in %s seconds", retry);
    office_resp_header(rs, "Retry-After", retry);
    return false;
}

/* ---- finding the reply ---- */

typedef struct {
    Ostore *s;
    const char *raw;
    Reply *found;
    int error;
} ReplySearch;

/* Look for the code in one community. */
static int reply_in_community(void *ud, const OstoreCommunity *com)
{
    ReplySearch *q = ud;
    char hex[64] = "";
    unsigned char salt[RECEIPT_SALT_BYTES];
    if (ostore_reply_salt(q->s, com->id, hex, sizeof hex) != OSTORE_OK) {
        q->error = 1;
        return 1;
    }
    if (!hex[0] || receipt_unhex(hex, salt, sizeof salt) < 0)
        return 0;   /* no replies published there yet */
    ReceiptKeys k;
    if (receipt_derive(q->raw, salt, &k) < 0) {
        q->error = 1;
        return 1;
    }
    char lookup[RECEIPT_LOOKUP_HEX + 1], *json = NULL;
    receipt_hex(k.lookup, sizeof k.lookup, lookup);
    OstoreResult r = ostore_item_get(q->s, com->id, OSTORE_REPLIES, lookup, &json);
    if (r == OSTORE_ERROR)
        q->error = 1;
    json_t *item = json ? json_loads(json, 0, NULL) : NULL;
    free(json);
    const char *b64 = json_string_value(json_object_get(item, "box"));
    unsigned char *box = NULL;
    size_t blen = 0, plen = 0;
    char *plain = NULL;
    if (b64 && receipt_box_decode(b64, &box, &blen) == 0)
        plain = receipt_open(&k, box, blen, &plen);
    /* A box that does not open or holds no valid reply is no reply. */
    if (plain && (q->found = content_parse_reply_box(plain, plen, NULL, 0)) != NULL)
        memcpy(q->found->receipt, q->raw, RECEIPT_LEN + 1);
    receipt_plain_free(plain, plen);
    free(box);
    json_decref(item);
    receipt_wipe(&k);
    return q->found || q->error;
}

ContentReplyResult office_reply_find(Ostore *s, const char *typed, const char *slug,
                                     Reply **out)
{
    *out = NULL;
    char raw[RECEIPT_LEN + 1];
    if (receipt_normalize(typed, raw) < 0)
        return CONTENT_REPLY_MALFORMED;
    ReplySearch q = {.s = s, .raw = raw};
    if (slug) {
        OstoreCommunity com;
        OstoreResult r = ostore_community_get(s, slug, &com);
        if (r == OSTORE_OK)
            reply_in_community(&q, &com);
        else if (r == OSTORE_ERROR)
            q.error = 1;
    } else if (ostore_community_list(s, reply_in_community, &q) != OSTORE_OK) {
        q.error = 1;
    }
    receipt_zero(raw, sizeof raw);
    if (q.found) {
        *out = q.found;
        return CONTENT_REPLY_FOUND;
    }
    return q.error ? CONTENT_REPLY_ERROR : CONTENT_REPLY_NONE;
}

/* ---- the page ---- */

static const char reply_style[] =
    "body{margin:0;font:17px/1.6 system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\","
    "sans-serif;background:#f4f1ea;color:#1d1d1b}"
    "main{max-width:36em;margin:0 auto;padding:1.2em}"
    "h1{font-size:1.3em;margin:.2em 0 .8em}"
    ".en{color:#5a5a55;font-size:.92em}"
    ".code{font-family:ui-monospace,monospace;letter-spacing:.08em}"
    ".status{display:inline-block;padding:.15em .7em;border-radius:1em;background:#1f5f8b;"
    "color:#fff;font-weight:600}"
    ".st-done{background:#2e7d32}.st-declined{background:#6d6d6d}.st-in_progress{background:#b26a00}"
    ".reply{background:#fff;border-radius:.6em;padding:.8em 1em;margin:1em 0}"
    "footer{margin-top:2em;font-size:.85em;color:#6d6d6d}";

static pthread_once_t reply_csp_once = PTHREAD_ONCE_INIT;
static char reply_csp_value[200];

static void reply_csp_make(void)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    crypto_hash_sha256(h, (const unsigned char *)reply_style, sizeof reply_style - 1);
    sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
    snprintf(reply_csp_value, sizeof reply_csp_value,
             "default-src 'none'; style-src 'sha256-%s'; base-uri 'none'; form-action 'none';"
             " frame-ancestors 'none'", b64);
}

const char *office_reply_csp(void)
{
    pthread_once(&reply_csp_once, reply_csp_make);
    return reply_csp_value;
}

typedef struct {
    char *buf;
    size_t len, cap;
    int oom;
} ReplyBuf;

static void rb_put(ReplyBuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *t = realloc(b->buf, cap);
        if (!t) {
            b->oom = 1;
            return;
        }
        b->buf = t;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void rb_raw(ReplyBuf *b, const char *s)
{
    rb_put(b, s, strlen(s));
}

/* HTML-escaped text; line breaks become <br>. */
static void rb_text(ReplyBuf *b, const char *s)
{
    for (const char *p = s; p && *p; p++) {
        switch (*p) {
        case '&': rb_raw(b, "&amp;"); break;
        case '<': rb_raw(b, "&lt;"); break;
        case '>': rb_raw(b, "&gt;"); break;
        case '"': rb_raw(b, "&quot;"); break;
        case '\'': rb_raw(b, "&#39;"); break;
        case '\n': rb_raw(b, "<br>"); break;
        case '\r': break;
        default: rb_put(b, p, 1);
        }
    }
}

static const char *const reply_status_zh[REPLY_STATUS_COUNT] = {
    "已收到", "处理中", "已办结", "暂不采纳",
};
static const char *const reply_status_en[REPLY_STATUS_COUNT] = {
    "Received", "In progress", "Done", "Declined for now",
};

char *office_reply_html(const Reply *r, const char *raw, bool malformed)
{
    ReplyBuf b = {0};
    rb_raw(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<meta name=\"referrer\" content=\"no-referrer\">"
               "<meta name=\"robots\" content=\"noindex\">"
               "<title>建议回复 · Reply</title><style>");
    rb_raw(&b, reply_style);
    rb_raw(&b, "</style></head><body><main>"
               "<h1>建议回复 <span class=\"en\" lang=\"en\">Reply to your suggestion</span></h1>");
    char shown[RECEIPT_SHOWN_SIZE] = "";
    if (!malformed) {
        receipt_format(raw, shown);
        rb_raw(&b, "<p>回执码 <span class=\"en\" lang=\"en\">Receipt code</span>: <b class=\"code\">");
        rb_text(&b, shown);
        rb_raw(&b, "</b></p>");
    }
    if (malformed) {
        rb_raw(&b, "<p>回执码是8位字母和数字，例如 7KQ4-M2XD。请核对回执上的二维码或回执码。</p>"
                   "<p class=\"en\" lang=\"en\">A receipt code has 8 letters and digits, like"
                   " 7KQ4-M2XD. Please check the code on your receipt.</p>");
    } else if (!r) {
        rb_raw(&b, "<p>还没有 <b class=\"code\">");
        rb_text(&b, shown);
        rb_raw(&b, "</b> 的回复。新提交的建议一般在3个工作日内更新处理情况；如果回执码无误但一直查不到，"
                   "请到物业服务中心询问。</p><p class=\"en\" lang=\"en\">There is no reply for <b"
                   " class=\"code\">");
        rb_text(&b, shown);
        rb_raw(&b, "</b> yet. New suggestions are usually updated within 3 working days; if the"
                   " code is right and nothing appears, please ask at the property office.</p>");
    } else {
        ReplyStatus st = r->status < REPLY_STATUS_COUNT ? r->status : REPLY_RECEIVED;
        char date[11] = "";
        if (r->updated_at > 0)
            time_local_date(r->updated_at, 0, date);
        rb_raw(&b, "<p><span class=\"status st-");
        rb_raw(&b, content_reply_status_name(st));
        rb_raw(&b, "\">");
        rb_raw(&b, reply_status_zh[st]);
        rb_raw(&b, " · ");
        rb_raw(&b, reply_status_en[st]);
        rb_raw(&b, "</span>");
        if (date[0]) {
            rb_raw(&b, " 更新于 ");
            rb_text(&b, date);
            rb_raw(&b, " <span class=\"en\" lang=\"en\">updated ");
            rb_text(&b, date);
            rb_raw(&b, "</span>");
        }
        rb_raw(&b, "</p>");
        const char *zh = r->reply.zh && r->reply.zh[0] ? r->reply.zh : NULL;
        if (zh) {
            rb_raw(&b, "<div class=\"reply\" lang=\"zh-CN\">");
            rb_text(&b, zh);
            rb_raw(&b, "</div>");
            if (r->reply.en && r->reply.en[0]) {
                rb_raw(&b, "<div class=\"reply en\" lang=\"en\">");
                rb_text(&b, r->reply.en);
                rb_raw(&b, "</div>");
            }
        } else {
            rb_raw(&b, "<div class=\"reply\"><p>物业已收到您的建议，正在安排处理。</p>"
                       "<p class=\"en\" lang=\"en\">The office has your suggestion and is"
                       " arranging to deal with it.</p></div>");
        }
    }
    rb_raw(&b, "<footer>此页只显示这个回执码的处理情况。<span lang=\"en\">This page shows only"
               " what became of this receipt code.</span></footer></main></body></html>\n");
    if (b.oom) {
        free(b.buf);
        return NULL;
    }
    return b.buf;
}

/* The code of the request: the path's, as typed (URL-decoded by the server). */
static const char *reply_code(OfficeReq *rq)
{
    const char *c = office_req_param(rq, "code");
    return c ? c : "";
}

static const char *reply_slug(OfficeReq *rq)
{
    const char *c = office_req_query(rq, "c");
    return c && *c && strlen(c) < 64 ? c : NULL;
}

/* The reply asked for (page and API alike): within the hour's limit of
 * lookups, the code and community of the request looked up; false when
 * rs was answered (429, or the store's error). */
static bool reply_lookup(OfficeReq *rq, OfficeResp *rs, Reply **r, ContentReplyResult *res)
{
    const OfficeConf *c = office_conf(rq->office);
    if (!office_rate_allow(rq, rs, "reply", c->reply_per_hour))
        return false;
    *res = office_reply_find(rq->store, reply_code(rq), reply_slug(rq), r);
    if (*res == CONTENT_REPLY_ERROR) {
        office_resp_store_error(rq, rs);
        return false;
    }
    return true;
}

void office_reply_page(OfficeReq *rq, OfficeResp *rs)
{
    Reply *r = NULL;
    ContentReplyResult res;
    if (!reply_lookup(rq, rs, &r, &res))
        return;
    char raw[RECEIPT_LEN + 1] = "";
    if (res != CONTENT_REPLY_MALFORMED)
        receipt_normalize(reply_code(rq), raw);
    char *html = office_reply_html(r, raw, res == CONTENT_REPLY_MALFORMED);
    content_reply_free(r);
    receipt_zero(raw, sizeof raw);
    if (!html) {
        office_resp_error(rs, 500, "internal", "out of memory");
        return;
    }
    free(rs->body);
    rs->status = res == CONTENT_REPLY_MALFORMED ? 400 : 200;
    rs->content_type = "text/html; charset=utf-8";
    rs->body = html;
    rs->len = strlen(html);
    office_resp_header(rs, "Content-Security-Policy", office_reply_csp());
    office_resp_header(rs, "Referrer-Policy", "no-referrer");
    office_resp_header(rs, "X-Frame-Options", "DENY");
}

void office_reply_api(OfficeReq *rq, OfficeResp *rs)
{
    Reply *r = NULL;
    ContentReplyResult res;
    if (!reply_lookup(rq, rs, &r, &res))
        return;
    if (res == CONTENT_REPLY_MALFORMED) {
        office_resp_error(rs, 400, "bad_code", "code: expected 8 symbols such as 7KQ4-M2XD");
        return;
    }
    char raw[RECEIPT_LEN + 1], shown[RECEIPT_SHOWN_SIZE];
    receipt_normalize(reply_code(rq), raw);
    receipt_format(raw, shown);
    receipt_zero(raw, sizeof raw);
    json_t *v = json_pack("{s:s,s:b}", "code", shown, "found", r != NULL);
    if (r) {
        ReplyStatus st = r->status < REPLY_STATUS_COUNT ? r->status : REPLY_RECEIVED;
        json_object_set_new(v, "status", json_string(content_reply_status_name(st)));
        json_object_set_new(v, "status_zh", json_string(reply_status_zh[st]));
        json_object_set_new(v, "status_en", json_string(reply_status_en[st]));
        json_t *reply = json_object();
        if (r->reply.zh && r->reply.zh[0])
            json_object_set_new(reply, "zh", json_string(r->reply.zh));
        if (r->reply.en && r->reply.en[0])
            json_object_set_new(reply, "en", json_string(r->reply.en));
        json_object_set_new(v, "reply", reply);
        json_object_set_new(v, "updated_at", json_integer(r->updated_at));
    }
    content_reply_free(r);
    office_resp_json(rs, 200, v);
}
