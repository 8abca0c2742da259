/* office_publish.c - the staff API's notices, events, channels and board: statuses, approval, field errors, form keys. */
#include "office_publish.h"
#include "content.h"
#include "office_feed.h"
#include "office_image.h"
#include "office_posting.h"
#include "office_secret.h"
#include "office_staff.h"
#include "timeutil.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PUB_MAX_SOURCES 50

/* Keys of the API that are not part of the content item. */
static const char *const pub_api_keys[] = {
    "status", "version", "posting", "from_suggestions", "live", "days_left", "expired",
    "created_by", "created_at", "updated_by", "updated_at", "submitted_by", "submitted_at",
    "approved_by", "published_at", "withdrawn_at",
};

/* ---- shared helpers ---- */

bool office_publish_community(OfficeReq *rq, OfficeResp *rs, OfficePubNeed need,
                              OstoreCommunity *com, bool *manager)
{
    if (!office_staff_community(rq, rs, office_req_param(rq, "slug"),
                                need == OFFICE_PUB_MANAGE ? OFFICE_STAFF_MANAGER
                                                          : OFFICE_STAFF_CLERK, com))
        return false;
    *manager = office_staff_can(rq, com->id, OFFICE_STAFF_MANAGER) == 0;
    return true;
}

bool office_publish_item(OfficeReq *rq, OfficeResp *rs, int64_t community_id, OstoreList l,
                         const char *id, OstorePub *p)
{
    OstoreResult r = ostore_pub_get(rq->store, community_id, l, id, p);
    if (r == OSTORE_OK)
        return true;
    if (r == OSTORE_NOTFOUND)
        office_resp_error(rs, 404, "not_found", "no such item");
    else
        office_resp_store_error(rq, rs);
    ostore_pub_free(p);
    return false;
}

const char *office_publish_user(const OfficeReq *rq)
{
    const OfficeStaff *st = office_staff_of(rq);
    return st ? st->name : "";
}

void office_publish_fields(OfficeResp *rs, json_t *fields)
{
    const char *first = NULL;
    json_t *v;
    json_object_foreach(fields, first, v)
        break;
    char msg[300];
    snprintf(msg, sizeof msg, "%s: %s", first ? first : "body",
             first ? json_string_value(json_object_get(fields, first)) : "invalid");
    office_resp_json(rs, 422, json_pack("{s:{s:i,s:s,s:s,s:o}}", "error", "status", 422,
                                        "code", "invalid_field", "message", msg,
                                        "fields", fields));
}

void office_publish_iso(int64_t t, char out[32])
{
    out[0] = '\0';
    if (t <= 0)
        return;
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Which list the path names: .../communities/{slug}/LIST[/...]. */
static OstoreList pub_list_of_path(const OfficeReq *rq)
{
    const char *p = strstr(rq->path, "/communities/");
    p = p ? strchr(p + 13, '/') : NULL;
    if (!p)
        return OSTORE_N_LISTS;
    p++;
    size_t n = strcspn(p, "/");
    for (OstoreList l = 0; l < OSTORE_N_LISTS; l++)
        if (l != OSTORE_REPLIES && strlen(ostore_list_name(l)) == n &&
            strncmp(p, ostore_list_name(l), n) == 0)
            return l;
    return OSTORE_N_LISTS;
}

/* Record a staff change in the audit log: "notice.approve", the item's
 * list and id, the status it has now (no resident text). */
static void pub_audit(OfficeReq *rq, const OstoreCommunity *com, const char *action,
                      OstoreList l, const char *item_id, const char *status)
{
    static const char *const singular[OSTORE_N_LISTS] = {"notice", "event", "channel", "reply",
                                                         "board"};
    char name[64], target[128], summary[64];
    snprintf(name, sizeof name, "%s.%s", l < OSTORE_N_LISTS ? singular[l] : "item", action);
    snprintf(target, sizeof target, "%s/%s", ostore_list_name(l), item_id);
    snprintf(summary, sizeof summary, "now %s", status);
    office_staff_audit(rq, name, com->id, target, summary);
}

/* ---- validation by the kiosk's own code ---- */

/* The item as the only one of its list in a document, parsed by content_parse. */
static Content *pub_parse(OstoreList l, json_t *item, char *why, size_t n)
{
    json_t *doc = json_pack("{s:{s:{s:s}},s:[],s:[],s:[]}", "site", "name", "zh", "-",
                            "notices", "events", "channels");
    json_object_set_new(doc, ostore_list_name(l), json_pack("[O]", item));
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    Content *c = text ? content_parse(text, strlen(text), why, n) : NULL;
    if (!text)
        snprintf(why, n, "out of memory");
    free(text);
    return c;
}

/* A stand-in that content_parse takes for a field found wrong, so that the
 * next round finds the next problem; NULL: drop the (optional) field. */
static json_t *pub_placeholder(const char *key, bool *known)
{
    static const char *const texts[] = {"title", "body", "description", "location", "label",
                                        "said", "done"};
    *known = true;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (strcmp(key, texts[i]) == 0)
            return json_pack("{s:s}", "zh", "x");
    if (strcmp(key, "id") == 0)
        return json_string("x");
    if (strcmp(key, "category") == 0)
        return json_string("notice");
    if (strcmp(key, "kind") == 0)
        return json_string("other");
    if (strcmp(key, "url") == 0)
        return json_string("https://x");
    if (!strcmp(key, "publish_at") || !strcmp(key, "start") || !strcmp(key, "date"))
        return json_string("2000-01-01T00:00:00Z");
    if (!strcmp(key, "expire_at") || !strcmp(key, "end"))
        return json_string("2100-01-01T00:00:00Z");
    *known = !strcmp(key, "pinned") || !strcmp(key, "urgent") || !strcmp(key, "link") ||
             !strcmp(key, "signup_url") || !strcmp(key, "expires_at");
    return NULL;
}

/* content_parse reports the first problem; a stand-in for that field lets
 * the next round find the next. */
int office_publish_check(OstoreList l, json_t *item, json_t *fields)
{
    json_t *work = json_deep_copy(item);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%s[0].", ostore_list_name(l));
    int found = 0;
    for (int round = 0; work && round < 32; round++) {
        char why[400];
        Content *c = pub_parse(l, work, why, sizeof why);
        if (c) {
            content_free(c);
            break;
        }
        const char *colon = strstr(why, ": ");
        if (strncmp(why, prefix, strlen(prefix)) != 0 || !colon) {
            json_object_set_new(fields, "item", json_string(why));
            found++;
            break;
        }
        char field[64], key[64];
        const char *f = why + strlen(prefix);
        snprintf(field, sizeof field, "%.*s", (int)(colon - f), f);
        snprintf(key, sizeof key, "%.*s", (int)strcspn(field, "."), field);
        if (json_object_get(fields, field))
            break;   /* no progress: stop rather than loop */
        json_object_set_new(fields, field, json_string(colon + 2));
        found++;
        bool known;
        json_t *stand_in = pub_placeholder(key, &known);
        if (!known)
            break;
        if (stand_in)
            json_object_set_new(work, key, stand_in);
        else
            json_object_del(work, key);
    }
    json_decref(work);
    return found;
}

/* ---- reading a form ---- */

typedef struct {
    json_t *item;                    /* the content item to store */
    const char *status;              /* NULL: keep (update) */
    const char *posting;             /* NULL: keep (update) or none */
    int64_t sources[PUB_MAX_SOURCES];
    size_t n_sources;
    bool aliased;                    /* board: title/body given for said/done */
} PubForm;

static bool pub_status_ok(const char *s)
{
    return s && (!strcmp(s, "draft") || !strcmp(s, "pending") || !strcmp(s, "published") ||
                 !strcmp(s, "withdrawn"));
}

/* A new id: notice-20261205-3fa94c. */
static void pub_new_id(OstoreList l, int64_t now, char *out, size_t n)
{
    static const char *const prefix[OSTORE_N_LISTS] = {"notice", "event", "channel", "reply",
                                                       "board"};
    LocalTime lt;
    time_local(now, &lt);
    unsigned char rnd[3];
    randombytes_buf(rnd, sizeof rnd);
    snprintf(out, n, "%s-%04d%02d%02d-%02x%02x%02x", prefix[l], lt.year, lt.mon, lt.mday,
             rnd[0], rnd[1], rnd[2]);
}

/* Board items made from closed suggestions: their ids, checked. */
static void pub_sources(OfficeReq *rq, int64_t community_id, json_t *arr, PubForm *f,
                        json_t *fields, json_t **topics)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0 ||
        json_array_size(arr) > PUB_MAX_SOURCES) {
        json_object_set_new(fields, "from_suggestions",
                            json_sprintf("expected a list of 1 to %d suggestion ids",
                                         PUB_MAX_SOURCES));
        return;
    }
    size_t i;
    json_t *v;
    *topics = json_array();
    json_array_foreach(arr, i, v) {
        OstoreSuggestionState st;
        OstoreResult r = json_is_integer(v)
            ? ostore_suggestion_state(rq->store, community_id, json_integer_value(v), &st)
            : OSTORE_NOTFOUND;
        if (r != OSTORE_OK) {
            json_object_set_new(fields, "from_suggestions",
                                r == OSTORE_ERROR ? json_string("the database is not available")
                                : json_sprintf("item %zu: no such suggestion in this community",
                                               i));
            return;
        }
        if (strcmp(st.status, "done") != 0 && strcmp(st.status, "declined") != 0) {
            json_object_set_new(fields, "from_suggestions",
                                json_sprintf("suggestion %lld is not closed (it is %s)",
                                             (long long)st.id, st.status));
            return;
        }
        f->sources[f->n_sources++] = st.id;
        bool seen = false;
        size_t j;
        json_t *t;
        json_array_foreach(*topics, j, t)
            seen |= strcmp(json_string_value(t), st.topic) == 0;
        if (!seen && st.topic[0])
            json_array_append_new(*topics, json_string(st.topic));
    }
}

/* A board item's "said" when the office wrote none: counts and topics,
 * never a resident's words. */
static json_t *pub_said_default(size_t n, json_t *topics)
{
    char list[200] = "";
    size_t i;
    json_t *t;
    json_array_foreach(topics, i, t) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", json_string_value(t));
    }
    char zh[300], en[300];
    snprintf(zh, sizeof zh, "居民反映了%zu条意见（%s）", n, list);
    snprintf(en, sizeof en, "Residents raised %zu suggestion%s (%s)", n, n == 1 ? "" : "s", list);
    return json_pack("{s:s,s:s}", "zh", zh, "en", en);
}

/* Read the form into *f: the content item with the API's keys taken out,
 * defaults filled in, status and posting read and checked for the role,
 * board sources checked, and the item checked by the kiosk's code.
 * `cur` is the stored item for an update (NULL: create). Returns true, or
 * false having written 422 (fields) or 403 into rs. */
static bool pub_form(OfficeReq *rq, OfficeResp *rs, const OstoreCommunity *com, OstoreList l,
                     json_t *b, bool manager, const OstorePub *cur, PubForm *f)
{
    memset(f, 0, sizeof *f);
    json_t *fields = json_object(), *topics = NULL;
    json_t *st = json_object_get(b, "status");
    if (st && !pub_status_ok(json_string_value(st)))
        json_object_set_new(fields, "status",
                            json_string("expected draft, pending, published or withdrawn"));
    else if (st)
        f->status = json_string_value(st);
    if (f->status && !manager && strcmp(f->status, "draft") && strcmp(f->status, "pending")) {
        json_decref(fields);
        office_resp_error(rs, 403, "forbidden", "a clerk's item waits for a manager: save it as"
                          " draft or pending");
        return false;
    }
    if (!cur && f->status && !strcmp(f->status, "withdrawn"))
        json_object_set_new(fields, "status", json_string("a new item cannot be withdrawn"));
    if (!cur && !f->status)
        f->status = "draft";
    if (cur && !f->status && !manager &&
        (!strcmp(cur->status, "published") || !strcmp(cur->status, "withdrawn")))
        f->status = "draft";   /* a clerk's edit waits; the published copy stays on show */

    json_t *posting = json_object_get(b, "posting");
    if (posting && !json_is_null(posting)) {
        const char *k = json_string_value(posting);
        if (l != OSTORE_NOTICES)
            json_object_set_new(fields, "posting", json_string("only notices are postings"));
        else if (!k || (k[0] && !office_posting_kind_ok(k)))
            json_object_set_new(fields, "posting", json_string("expected fees, fund or income"));
        else
            f->posting = k;
    }

    f->item = json_deep_copy(b);
    for (size_t i = 0; i < sizeof pub_api_keys / sizeof pub_api_keys[0]; i++)
        json_object_del(f->item, pub_api_keys[i]);
    json_t *id = json_object_get(f->item, "id");
    if (cur) {
        if (id && !(json_is_string(id) && !strcmp(json_string_value(id), cur->item_id)))
            json_object_set_new(fields, "id", json_string("cannot be changed"));
        json_object_set_new(f->item, "id", json_string(cur->item_id));
    } else if (!id) {
        char nid[OSTORE_PUB_ID];
        pub_new_id(l, rq->now, nid, sizeof nid);
        json_object_set_new(f->item, "id", json_string(nid));
    }
    if (l == OSTORE_BOARD) {
        /* The office's words: "title"/"body" may stand for "said"/"done". */
        if (!json_object_get(f->item, "said") && json_object_get(f->item, "title")) {
            json_object_set(f->item, "said", json_object_get(f->item, "title"));
            f->aliased = true;
        }
        if (!json_object_get(f->item, "done") && json_object_get(f->item, "body")) {
            json_object_set(f->item, "done", json_object_get(f->item, "body"));
            f->aliased = true;
        }
        json_object_del(f->item, "title");
        json_object_del(f->item, "body");
        json_t *src = json_object_get(b, "from_suggestions");
        if (src && !cur)
            pub_sources(rq, com->id, src, f, fields, &topics);
        else if (src)
            json_object_set_new(fields, "from_suggestions", json_string("set when the item is made"));
        if (!json_object_get(f->item, "said") && f->n_sources)
            json_object_set_new(f->item, "said", pub_said_default(f->n_sources, topics));
        if (!json_object_get(f->item, "date")) {
            char iso[32];
            office_publish_iso(rq->now, iso);
            json_object_set_new(f->item, "date", json_string(iso));
        }
    } else if (json_object_get(b, "from_suggestions")) {
        json_object_set_new(fields, "from_suggestions", json_string("only board items"));
    }
    json_decref(topics);

    /* Pictures the community uploaded: their url, width and height. */
    if (office_image_fill(rq, rs, com->id, f->item, fields) < 0) {
        json_decref(fields);
        json_decref(f->item);
        f->item = NULL;
        return false;
    }
    json_t *found = json_object();
    office_publish_check(l, f->item, found);
    const char *k;
    json_t *v;
    json_object_foreach(found, k, v) {
        char name[80];
        if (f->aliased && (!strncmp(k, "said", 4) || !strncmp(k, "done", 4)))
            snprintf(name, sizeof name, "%s%s", k[0] == 's' ? "title" : "body", k + 4);
        else
            snprintf(name, sizeof name, "%s", k);
        json_object_set(fields, name, v);
    }
    json_decref(found);
    /* A statutory posting stays up its minimum period. */
    const char *kind = f->posting ? f->posting : cur ? cur->posting : "";
    if (kind[0] && !json_object_get(fields, "expire_at") && !json_object_get(fields, "publish_at")) {
        char why[200];
        if (office_posting_check(rq->store, com->id, kind, f->item, why, sizeof why) < 0)
            json_object_set_new(fields, "expire_at", json_string(why));
    }
    if (json_object_size(fields) > 0) {
        office_publish_fields(rs, fields);
        json_decref(f->item);
        f->item = NULL;
        return false;
    }
    json_decref(fields);
    return true;
}

bool office_publish_read(OfficeReq *rq, OfficeResp *rs, const OstoreCommunity *com,
                         OstoreList l, json_t *b, bool manager, json_t **item)
{
    json_t *form = json_copy(b);
    json_object_del(form, "status");   /* a preview saves nothing, in no status */
    PubForm f;
    bool ok = form && pub_form(rq, rs, com, l, form, manager, NULL, &f);
    json_decref(form);
    *item = ok ? f.item : NULL;
    if (!form)
        office_resp_error(rs, 503, "unavailable", "out of memory");
    return ok;
}

/* ---- answers ---- */

/* The API's view of a stored item: the content item and its state. */
static json_t *pub_view(OfficeReq *rq, const OstorePub *p)
{
    json_t *o = json_loads(p->json, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    json_object_set_new(o, "status", json_string(p->status));
    json_object_set_new(o, "version", json_integer(p->version));
    json_object_set_new(o, "live", json_boolean(p->live));
    json_object_set_new(o, "posting", p->posting[0] ? json_string(p->posting) : json_null());
    static const char *const who[4] = {"created_by", "updated_by", "submitted_by",
                                       "approved_by"};
    const char *const whov[4] = {p->created_by, p->updated_by, p->submitted_by, p->approved_by};
    for (int i = 0; i < 4; i++)
        json_object_set_new(o, who[i], whov[i][0] ? json_string(whov[i]) : json_null());
    static const char *const when[5] = {"created_at", "updated_at", "submitted_at",
                                        "published_at", "withdrawn_at"};
    const int64_t whenv[5] = {p->created_at, p->updated_at, p->submitted_at, p->published_at,
                              p->withdrawn_at};
    for (int i = 0; i < 5; i++)   /* Unix seconds, as in the rest of the staff API */
        json_object_set_new(o, when[i], whenv[i] ? json_integer(whenv[i]) : json_null());
    if (p->list == OSTORE_CHANNELS) {
        /* A WeChat group's code expires: days left (negative: expired). */
        int64_t exp;
        const char *e = json_string_value(json_object_get(o, "expires_at"));
        if (e && time_parse_iso8601(e, &exp) == 0) {
            int64_t left = exp - rq->now;
            json_object_set_new(o, "days_left", json_integer(left >= 0 ? left / 86400
                                                             : -((-left + 86399) / 86400)));
            json_object_set_new(o, "expired", json_boolean(left <= 0));
        } else {
            json_object_set_new(o, "days_left", json_null());
            json_object_set_new(o, "expired", json_false());
        }
    }
    if (p->list == OSTORE_BOARD) {
        int64_t ids[PUB_MAX_SOURCES];
        size_t n = 0;
        ostore_pub_sources(rq->store, p->row, ids, PUB_MAX_SOURCES, &n);
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_integer(ids[i]));
        json_object_set_new(o, "from_suggestions", arr);
    }
    return o;
}

static void pub_answer(OfficeReq *rq, OfficeResp *rs, int status, int64_t community_id,
                       OstoreList l, const char *item_id)
{
    OstorePub p;
    OstoreResult r = ostore_pub_get(rq->store, community_id, l, item_id, &p);
    if (r == OSTORE_OK)
        office_resp_json(rs, status, pub_view(rq, &p));
    else if (r == OSTORE_NOTFOUND)
        office_resp_error(rs, 404, "not_found", "no such item");
    else
        office_resp_store_error(rq, rs);
    ostore_pub_free(&p);
}

/* The feed made again inside the caller's transaction: the published
 * items must still make a valid document. False with 422 or 503 in rs. */
static bool pub_feed_ok(OfficeReq *rq, OfficeResp *rs, int64_t community_id)
{
    OstoreFeed f;
    char err[400];
    int rc = office_feed_current(rq->store, community_id, rq->now, &f, err, sizeof err);
    ostore_feed_free(&f);
    if (rc == OFFICE_FEED_OK)
        return true;
    if (rc == OFFICE_FEED_INVALID)
        office_resp_error(rs, 422, "feed_invalid", "%s", err);
    else
        office_resp_store_error(rq, rs);
    return false;
}

/* Commit a change whose result is r, with the feed checked; writes the
 * refusal for anything but OSTORE_OK. Returns true when committed. */
static bool pub_finish(OfficeReq *rq, OfficeResp *rs, int64_t community_id, OstoreResult r)
{
    if (r == OSTORE_OK && pub_feed_ok(rq, rs, community_id)) {
        if (ostore_commit(rq->store) == OSTORE_OK)
            return true;
        r = OSTORE_ERROR;
    }
    ostore_rollback(rq->store);
    if (r == OSTORE_NOTFOUND)
        office_resp_error(rs, 404, "not_found", "no such item");
    else if (r == OSTORE_CONFLICT)
        office_resp_error(rs, 409, "stale", "the item was changed by someone else meanwhile;"
                          " load it again");
    else if (r == OSTORE_ERROR)
        office_resp_store_error(rq, rs);
    return false;
}

/* The "version" a change starts from (body member, else ?version=). */
static bool pub_version(OfficeReq *rq, OfficeResp *rs, json_t *b, int64_t *version)
{
    json_t *v = b ? json_object_get(b, "version") : NULL;
    const char *q = office_req_query(rq, "version");
    char *end = NULL;
    if (json_is_integer(v)) {
        *version = json_integer_value(v);
        return true;
    }
    if (!v && q && *q) {
        *version = strtoll(q, &end, 10);
        if (*end == '\0')
            return true;
    }
    office_publish_fields(rs, json_pack("{s:s}", "version", "required: the version of the item"
                                        " you changed (a whole number)"));
    return false;
}

/* ---- handlers ---- */

typedef struct {
    OfficeReq *rq;
    json_t *items;
    const char *status;
    int64_t counts[4];
} PubListing;

static int pub_list_one(void *ud, const OstorePub *p)
{
    PubListing *pl = ud;
    static const char *const names[4] = {"draft", "pending", "published", "withdrawn"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(p->status, names[i]))
            pl->counts[i]++;
    if (!pl->status || !strcmp(pl->status, p->status))
        json_array_append_new(pl->items, pub_view(pl->rq, p));
    return 0;
}

void office_publish_list(OfficeReq *rq, OfficeResp *rs)
{
    OstoreList l = pub_list_of_path(rq);
    OstoreCommunity com;
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        return;
    PubListing pl = {rq, json_array(), office_req_query(rq, "status"), {0}};
    if (pl.status && !pub_status_ok(pl.status)) {
        json_decref(pl.items);
        office_publish_fields(rs, json_pack("{s:s}", "status",
                                            "expected draft, pending, published or withdrawn"));
        return;
    }
    if (ostore_pub_list(rq->store, com.id, l, NULL, pub_list_one, &pl) != OSTORE_OK) {
        json_decref(pl.items);
        office_resp_store_error(rq, rs);
        return;
    }
    office_resp_json(rs, 200, json_pack("{s:o,s:{s:I,s:I,s:I,s:I}}", "items", pl.items,
                                        "counts", "draft", (json_int_t)pl.counts[0],
                                        "pending", (json_int_t)pl.counts[1],
                                        "published", (json_int_t)pl.counts[2],
                                        "withdrawn", (json_int_t)pl.counts[3]));
}

void office_publish_get(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    if (office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        pub_answer(rq, rs, 200, com.id, pub_list_of_path(rq), office_req_param(rq, "id"));
}

/* The Idempotency-Key of a form, checked: false with the answer written
 * (a replay's stored item, a conflict, a bad key). */
static bool pub_idem(OfficeReq *rq, OfficeResp *rs, const OstoreCommunity *com,
                     const char **key, char hash[OSTORE_HASH_HEX])
{
    *key = office_req_header(rq, "Idempotency-Key");
    if (!*key)
        return true;
    size_t n = strlen(*key);
    bool ok = n > 0 && n <= 100;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)(*key)[i]) || strchr("-_:.", (*key)[i]);
    if (!ok) {
        office_resp_error(rs, 400, "bad_idempotency_key", "an Idempotency-Key is 1 to 100 of"
                          " letters, digits and - _ : .");
        return false;
    }
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)rq->path, strlen(rq->path) + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)rq->body, rq->body_len);
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hash, OSTORE_HASH_HEX, d, sizeof d);
    OstoreList l;
    char id[OSTORE_PUB_ID];
    OstoreResult r = ostore_pub_idem(rq->store, office_publish_user(rq), *key, hash, &l, id);
    if (r == OSTORE_NOTFOUND)
        return true;
    if (r == OSTORE_OK)
        pub_answer(rq, rs, 200, com->id, l, id);   /* a double submit: the first one's item */
    else if (r == OSTORE_CONFLICT)
        office_resp_error(rs, 422, "idempotency_conflict",
                          "this Idempotency-Key was used with a different form");
    else
        office_resp_store_error(rq, rs);
    return false;
}

void office_publish_create(OfficeReq *rq, OfficeResp *rs)
{
    OstoreList l = pub_list_of_path(rq);
    OstoreCommunity com;
    bool manager;
    const char *key;
    char hash[OSTORE_HASH_HEX];
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager) ||
        !pub_idem(rq, rs, &com, &key, hash))
        return;
    json_t *b = office_req_object(rq, rs);
    PubForm f;
    if (!b || !pub_form(rq, rs, &com, l, b, manager, NULL, &f)) {
        json_decref(b);
        return;
    }
    char *json = json_dumps(f.item, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char id[OSTORE_PUB_ID];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(f.item, "id")));
    OstorePubWrite w = {.community_id = com.id, .list = l, .item_id = id, .status = f.status,
                        .json = json, .posting = f.posting, .user = office_publish_user(rq),
                        .now = rq->now, .sources = f.sources, .n_sources = f.n_sources,
                        .idem_key = key, .idem_hash = hash};
    OstoreResult r = json && ostore_begin(rq->store) == OSTORE_OK ? ostore_pub_create(rq->store, &w)
                                                                  : OSTORE_ERROR;
    if (r == OSTORE_CONFLICT) {
        ostore_rollback(rq->store);
        /* The same form twice at once: the other request made it. */
        if (key && !pub_idem(rq, rs, &com, &key, hash))
            goto out;
        office_publish_fields(rs, json_pack("{s:s}", "id", "another item of this list has"
                                            " this id"));
        goto out;
    }
    if (pub_finish(rq, rs, com.id, r)) {
        pub_audit(rq, &com, "create", l, id, f.status);
        pub_answer(rq, rs, 201, com.id, l, id);
    }
out:
    free(json);
    json_decref(f.item);
    json_decref(b);
}

void office_publish_update(OfficeReq *rq, OfficeResp *rs)
{
    OstoreList l = pub_list_of_path(rq);
    OstoreCommunity com;
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        return;
    json_t *b = office_req_object(rq, rs);
    int64_t version;
    if (!b || !pub_version(rq, rs, b, &version)) {
        json_decref(b);
        return;
    }
    OstorePub cur;
    if (!office_publish_item(rq, rs, com.id, l, office_req_param(rq, "id"), &cur)) {
        json_decref(b);
        return;
    }
    PubForm f;
    char *json = NULL;
    if (cur.version != version) {
        office_resp_error(rs, 409, "stale", "the item was changed by someone else meanwhile;"
                          " load it again");
        goto out;
    }
    if (!pub_form(rq, rs, &com, l, b, manager, &cur, &f))
        goto out;
    json = json_dumps(f.item, JSON_COMPACT | JSON_PRESERVE_ORDER);
    OstorePubWrite w = {.community_id = com.id, .list = l, .item_id = cur.item_id,
                        .status = f.status, .json = json, .posting = f.posting,
                        .user = office_publish_user(rq), .now = rq->now};
    OstoreResult r = json && ostore_begin(rq->store) == OSTORE_OK
                     ? ostore_pub_update(rq->store, &w, version, NULL) : OSTORE_ERROR;
    if (pub_finish(rq, rs, com.id, r)) {
        pub_audit(rq, &com, "update", l, cur.item_id, f.status ? f.status : cur.status);
        pub_answer(rq, rs, 200, com.id, l, cur.item_id);
    }
    json_decref(f.item);
out:
    free(json);
    ostore_pub_free(&cur);
    json_decref(b);
}

/* The community, the caller's rank and the item version an action or a
 * deletion names (in an optional JSON body); false with the refusal in rs. */
static bool pub_versioned_request(OfficeReq *rq, OfficeResp *rs, OstoreCommunity *com,
                                  bool *manager, int64_t *version)
{
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, com, manager))
        return false;
    json_t *b = rq->body_len ? office_req_object(rq, rs) : NULL;
    bool ok = (!rq->body_len || b) && pub_version(rq, rs, b, version);
    json_decref(b);
    return ok;
}

void office_publish_delete(OfficeReq *rq, OfficeResp *rs)
{
    OstoreList l = pub_list_of_path(rq);
    OstoreCommunity com;
    bool manager;
    int64_t version;
    if (!pub_versioned_request(rq, rs, &com, &manager, &version))
        return;
    OstorePub cur;
    const char *id = office_req_param(rq, "id");
    OstoreResult r = ostore_pub_get(rq->store, com.id, l, id, &cur);
    if (r == OSTORE_OK && !manager &&
        (cur.live || (strcmp(cur.status, "draft") && strcmp(cur.status, "pending")))) {
        office_resp_error(rs, 403, "forbidden", "only a manager deletes an item that was"
                          " published");
        ostore_pub_free(&cur);
        return;
    }
    ostore_pub_free(&cur);
    if (r == OSTORE_OK)
        r = ostore_begin(rq->store) == OSTORE_OK
            ? ostore_pub_delete(rq->store, com.id, l, id, version, rq->now) : OSTORE_ERROR;
    if (pub_finish(rq, rs, com.id, r)) {
        pub_audit(rq, &com, "delete", l, id, "deleted");
        office_resp_json(rs, 200, json_pack("{s:s,s:b}", "id", id, "deleted", 1));
    }
}

/* The status an action leads to from `from` (NULL: not allowed), and
 * whether it needs a manager. */
static const char *pub_transition(const char *action, const OstorePub *p, bool *manager_only)
{
    const char *from = p->status;
    *manager_only = true;
    if (!strcmp(action, "submit")) {
        *manager_only = false;
        return !strcmp(from, "draft") || !strcmp(from, "withdrawn") ? "pending" : NULL;
    }
    if (!strcmp(action, "approve"))
        return !strcmp(from, "pending") ? "published" : NULL;
    if (!strcmp(action, "publish"))
        return strcmp(from, "published") ? "published" : NULL;
    if (!strcmp(action, "reject"))
        return !strcmp(from, "pending") ? "draft" : NULL;
    if (!strcmp(action, "withdraw"))
        return !strcmp(from, "published") || p->live ? "withdrawn" : NULL;
    *manager_only = false;
    return NULL;
}

void office_publish_action(OfficeReq *rq, OfficeResp *rs)
{
    OstoreList l = pub_list_of_path(rq);
    const char *action = office_req_param(rq, "action");
    static const char *const actions[] = {"submit", "approve", "publish", "reject", "withdraw"};
    bool known = false;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        known |= action && !strcmp(action, actions[i]);
    if (!known) {
        office_resp_error(rs, 404, "not_found", "no such address");
        return;
    }
    OstoreCommunity com;
    bool manager;
    int64_t version;
    if (!pub_versioned_request(rq, rs, &com, &manager, &version))
        return;
    OstorePub cur;
    if (!office_publish_item(rq, rs, com.id, l, office_req_param(rq, "id"), &cur))
        return;
    bool manager_only;
    const char *to = pub_transition(action, &cur, &manager_only);
    if (manager_only && !manager) {
        office_resp_error(rs, 403, "forbidden", "only a manager may %s", action);
        goto out;
    }
    if (cur.version != version) {
        office_resp_error(rs, 409, "stale", "the item was changed by someone else meanwhile;"
                          " load it again");
        goto out;
    }
    if (!to) {
        office_resp_error(rs, 422, "illegal_transition", "an item that is %s cannot be %s",
                          cur.status, !strcmp(action, "submit") ? "submitted" :
                          !strcmp(action, "approve") ? "approved" :
                          !strcmp(action, "publish") ? "published" :
                          !strcmp(action, "reject") ? "sent back" : "withdrawn");
        goto out;
    }
    if (!strcmp(to, "published") && cur.posting[0]) {
        /* Publishing checks the posting period against today's rule. */
        json_t *item = json_loads(cur.json, 0, NULL);
        char why[200];
        int ok = item ? office_posting_check(rq->store, com.id, cur.posting, item, why,
                                             sizeof why) : -1;
        json_decref(item);
        if (ok < 0) {
            office_publish_fields(rs, json_pack("{s:s}", "expire_at", item ? why : "not JSON"));
            goto out;
        }
    }
    OstorePubWrite w = {.community_id = com.id, .list = l, .item_id = cur.item_id, .status = to,
                        .user = office_publish_user(rq), .now = rq->now};
    OstoreResult r = ostore_begin(rq->store) == OSTORE_OK
                     ? ostore_pub_update(rq->store, &w, version, NULL) : OSTORE_ERROR;
    if (pub_finish(rq, rs, com.id, r)) {
        pub_audit(rq, &com, action, l, cur.item_id, to);
        pub_answer(rq, rs, 200, com.id, l, cur.item_id);
    }
out:
    ostore_pub_free(&cur);
}
