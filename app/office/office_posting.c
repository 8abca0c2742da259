/* office_posting.c - statutory postings (公示): templates, per-community rules, when the next is due, expiring channel codes. */
#include "office_posting.h"
#include "office_publish.h"
#include "office_staff.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *kind, *name_zh, *name_en;
    int every_months, min_days;      /* defaults (docs/OFFICE.md, "Statutory postings") */
    const char *title_zh, *title_en, *body_zh, *body_en;
} PostingKind;

static const PostingKind posting_kinds[] = {
    {"fees", "物业服务费收支", "Property fee accounts", 12, 30,
     "物业服务费收支情况公示", "Property service fee accounts",
     "公示期间：____年__月__日至____年__月__日\n\n一、物业服务费收入：______元\n"
     "二、物业服务支出：______元（明细附后）\n三、结余：______元\n\n"
     "如有疑问，请在公示期内向物业服务中心提出。",
     "Period: ____ to ____\n\n1. Fee income: ______ yuan\n2. Service spending: ______ yuan"
     " (details attached)\n3. Balance: ______ yuan\n\nQuestions: please ask the property office"
     " while this notice is posted."},
    {"fund", "维修资金使用", "Maintenance-fund use", 6, 30,
     "专项维修资金使用情况公示", "Maintenance fund: how it was used",
     "公示期间：____年__月__日至____年__月__日\n\n一、期初余额：______元\n"
     "二、本期使用：______元（项目、金额、施工单位附后）\n三、本期收入（利息等）：______元\n"
     "四、期末余额：______元\n\n如有异议，请在公示期内向物业服务中心或业主委员会提出。",
     "Period: ____ to ____\n\n1. Opening balance: ______ yuan\n2. Spent: ______ yuan (works,"
     " amounts and contractors attached)\n3. Income (interest etc.): ______ yuan\n"
     "4. Closing balance: ______ yuan\n\nObjections: please tell the property office or the"
     " owners' committee while this notice is posted."},
    {"income", "公共收益", "Common-income accounts", 3, 30,
     "共有部分经营收益情况公示", "Income from common parts",
     "公示期间：____年__月__日至____年__月__日\n\n一、广告收入：______元\n"
     "二、停车收入：______元\n三、场地租赁收入：______元\n四、管理成本：______元\n"
     "五、归全体业主所有的收益：______元\n\n如有疑问，请在公示期内向物业服务中心提出。",
     "Period: ____ to ____\n\n1. Advertising: ______ yuan\n2. Parking: ______ yuan\n"
     "3. Rent of common areas: ______ yuan\n4. Management costs: ______ yuan\n"
     "5. Owed to all owners: ______ yuan\n\nQuestions: please ask the property office while"
     " this notice is posted."},
};
#define N_KINDS (sizeof posting_kinds / sizeof posting_kinds[0])

static const PostingKind *posting_kind(const char *kind)
{
    for (size_t i = 0; kind && i < N_KINDS; i++)
        if (!strcmp(kind, posting_kinds[i].kind))
            return &posting_kinds[i];
    return NULL;
}

bool office_posting_kind_ok(const char *kind)
{
    return posting_kind(kind) != NULL;
}

int office_posting_rule(Ostore *s, int64_t community_id, const char *kind, int *every_months,
                        int *min_days)
{
    const PostingKind *k = posting_kind(kind);
    if (!k)
        return -1;
    OstoreResult r = ostore_posting_rule(s, community_id, kind, every_months, min_days);
    if (r == OSTORE_NOTFOUND) {
        *every_months = k->every_months;
        *min_days = k->min_days;
        return 0;
    }
    return r == OSTORE_OK ? 1 : -1;
}

int office_posting_check(Ostore *s, int64_t community_id, const char *kind, json_t *item,
                         char *why, size_t n)
{
    int every, min_days;
    if (office_posting_rule(s, community_id, kind, &every, &min_days) < 0) {
        snprintf(why, n, "the posting rules cannot be read now; try again");
        return -1;
    }
    int64_t from, to;
    if (time_parse_iso8601(json_string_value(json_object_get(item, "publish_at")), &from) < 0 ||
        time_parse_iso8601(json_string_value(json_object_get(item, "expire_at")), &to) < 0)
        return 0;   /* the content check reports those */
    if (to - from < (int64_t)min_days * 86400) {
        snprintf(why, n, "%s postings stay up at least %d days (this one: %lld)",
                 posting_kind(kind)->name_en, min_days, (long long)((to - from) / 86400));
        return -1;
    }
    return 0;
}

/* Add months in local time (the 31st into a shorter month rolls over as mktime does). */
static int64_t posting_add_months(int64_t t, int months)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    tm.tm_mon += months;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* Whole days from now to t (negative when past), rounded down. */
static int64_t posting_days(int64_t t, int64_t now)
{
    int64_t d = t - now;
    return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

static json_t *posting_rule_json(OfficeReq *rq, int64_t community_id, const PostingKind *k)
{
    int every, min_days;
    int rc = office_posting_rule(rq->store, community_id, k->kind, &every, &min_days);
    if (rc < 0)
        return NULL;
    return json_pack("{s:i,s:i,s:b}", "every_months", every, "min_days", min_days,
                     "default", rc == 0);
}

void office_posting_templates(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < N_KINDS; i++) {
        const PostingKind *k = &posting_kinds[i];
        json_t *rule = posting_rule_json(rq, com.id, k);
        if (!rule) {
            json_decref(arr);
            office_resp_store_error(rq, rs);
            return;
        }
        char from[32], to[32];
        int min_days = (int)json_integer_value(json_object_get(rule, "min_days"));
        office_publish_iso(rq->now, from);
        office_publish_iso(rq->now + (int64_t)min_days * 86400, to);
        json_array_append_new(arr, json_pack(
            "{s:s,s:{s:s,s:s},s:o,s:{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s},s:s,s:s,s:b}}",
            "kind", k->kind, "name", "zh", k->name_zh, "en", k->name_en, "rule", rule,
            "notice", "category", "accounts", "posting", k->kind,
            "title", "zh", k->title_zh, "en", k->title_en,
            "body", "zh", k->body_zh, "en", k->body_en,
            "publish_at", from, "expire_at", to, "pinned", 1));
    }
    office_resp_json(rs, 200, json_pack("{s:o}", "templates", arr));
}

static void posting_rules_answer(OfficeReq *rq, OfficeResp *rs, int64_t community_id)
{
    json_t *o = json_object();
    for (size_t i = 0; i < N_KINDS; i++) {
        json_t *rule = posting_rule_json(rq, community_id, &posting_kinds[i]);
        if (!rule) {
            json_decref(o);
            office_resp_store_error(rq, rs);
            return;
        }
        json_object_set_new(o, posting_kinds[i].kind, rule);
    }
    office_resp_json(rs, 200, o);
}

void office_posting_rules(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    if (office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        posting_rules_answer(rq, rs, com.id);
}

void office_posting_set_rules(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_MANAGE, &com, &manager))
        return;
    json_t *b = office_req_object(rq, rs);
    if (!b)
        return;
    json_t *fields = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) {
        char name[80];
        if (!posting_kind(key)) {
            json_object_set_new(fields, key, json_string("unknown kind (fees, fund, income)"));
            continue;
        }
        json_t *e = json_object_get(v, "every_months"), *m = json_object_get(v, "min_days");
        snprintf(name, sizeof name, "%s.every_months", key);
        if (!json_is_integer(e) || json_integer_value(e) < 1 || json_integer_value(e) > 60)
            json_object_set_new(fields, name, json_string("expected a whole number from 1 to 60"));
        snprintf(name, sizeof name, "%s.min_days", key);
        if (!json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 366)
            json_object_set_new(fields, name, json_string("expected a whole number from 1 to 366"));
    }
    if (json_object_size(fields) > 0) {
        office_publish_fields(rs, fields);
        json_decref(b);
        return;
    }
    json_decref(fields);
    OstoreResult r = ostore_begin(rq->store);
    json_object_foreach(b, key, v) {
        if (r == OSTORE_OK)
            r = ostore_set_posting_rule(rq->store, com.id, key,
                                        (int)json_integer_value(json_object_get(v, "every_months")),
                                        (int)json_integer_value(json_object_get(v, "min_days")));
    }
    if (r == OSTORE_OK)
        r = ostore_commit(rq->store);
    if (r == OSTORE_OK) {
        json_object_foreach(b, key, v) {
            char summary[80];
            snprintf(summary, sizeof summary, "every %d months, at least %d days",
                     (int)json_integer_value(json_object_get(v, "every_months")),
                     (int)json_integer_value(json_object_get(v, "min_days")));
            office_staff_audit(rq, "posting.rule", com.id, key, summary);
        }
    }
    json_decref(b);
    if (r != OSTORE_OK) {
        ostore_rollback(rq->store);
        office_resp_store_error(rq, rs);
        return;
    }
    posting_rules_answer(rq, rs, com.id);
}

typedef struct {
    int64_t publish_at, expire_at;
    char id[OSTORE_PUB_ID], status[16];
} PostingLast;

/* The latest posting that was ever on show (published or withdrawn since). */
static int posting_last(void *ud, const OstorePub *p)
{
    PostingLast *last = ud;
    if (!p->published_at)
        return 0;
    json_t *o = json_loads(p->json, 0, NULL);
    int64_t from = 0, to = 0;
    if (o && time_parse_iso8601(json_string_value(json_object_get(o, "publish_at")), &from) == 0 &&
        time_parse_iso8601(json_string_value(json_object_get(o, "expire_at")), &to) == 0 &&
        from > last->publish_at) {
        last->publish_at = from;
        last->expire_at = to;
        snprintf(last->id, sizeof last->id, "%s", p->item_id);
        snprintf(last->status, sizeof last->status, "%s", p->status);
    }
    json_decref(o);
    return 0;
}

typedef struct {
    OfficeReq *rq;
    json_t *arr;
} PostingChannels;

/* Published channels whose code expires within a week (or has). */
static int posting_channel(void *ud, const OstorePub *p)
{
    PostingChannels *pc = ud;
    if (!p->live)
        return 0;
    json_t *o = json_loads(p->json, 0, NULL);
    int64_t exp;
    if (o && time_parse_iso8601(json_string_value(json_object_get(o, "expires_at")), &exp) == 0 &&
        exp - pc->rq->now < 7 * 86400) {
        json_array_append_new(pc->arr, json_pack("{s:s,s:O,s:s,s:I,s:b}", "id", p->item_id,
                                                 "label", json_object_get(o, "label"),
                                                 "expires_at", json_string_value(
                                                     json_object_get(o, "expires_at")),
                                                 "days_left", (json_int_t)posting_days(
                                                     exp, pc->rq->now),
                                                 "expired", exp <= pc->rq->now));
    }
    json_decref(o);
    return 0;
}

void office_posting_due(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < N_KINDS; i++) {
        const PostingKind *k = &posting_kinds[i];
        int every, min_days;
        PostingLast last = {0};
        if (office_posting_rule(rq->store, com.id, k->kind, &every, &min_days) < 0 ||
            ostore_pub_list(rq->store, com.id, OSTORE_NOTICES, k->kind, posting_last, &last)
                != OSTORE_OK) {
            json_decref(arr);
            office_resp_store_error(rq, rs);
            return;
        }
        json_t *o = json_pack("{s:s,s:{s:s,s:s},s:i,s:i}", "kind", k->kind, "name",
                              "zh", k->name_zh, "en", k->name_en, "every_months", every,
                              "min_days", min_days);
        if (last.publish_at) {
            char a[32], b[32], d[32];
            int64_t next = posting_add_months(last.publish_at, every);
            office_publish_iso(last.publish_at, a);
            office_publish_iso(last.expire_at, b);
            office_publish_iso(next, d);
            int64_t left = posting_days(next, rq->now);
            json_object_set_new(o, "last", json_pack("{s:s,s:s,s:s,s:s}", "id", last.id,
                                                     "status", last.status, "publish_at", a,
                                                     "expire_at", b));
            json_object_set_new(o, "next_due", json_string(d));
            json_object_set_new(o, "days_left", json_integer(left));
            json_object_set_new(o, "due", json_boolean(left <= 0));
        } else {
            /* Never posted through the office: due now. */
            json_object_set_new(o, "last", json_null());
            json_object_set_new(o, "next_due", json_null());
            json_object_set_new(o, "days_left", json_null());
            json_object_set_new(o, "due", json_true());
        }
        json_array_append_new(arr, o);
    }
    PostingChannels pc = {rq, json_array()};
    if (ostore_pub_list(rq->store, com.id, OSTORE_CHANNELS, NULL, posting_channel, &pc)
        != OSTORE_OK) {
        json_decref(arr);
        json_decref(pc.arr);
        office_resp_store_error(rq, rs);
        return;
    }
    office_resp_json(rs, 200, json_pack("{s:o,s:o}", "postings", arr, "channels", pc.arr));
}
