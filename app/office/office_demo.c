/* office_demo.c - officectl demo: example suggestions, replies, a contact and ratings through the store's receiving and inbox calls (office_demo.h). */
#include "office_demo.h"
#include "office_feed.h"
#include "office_secret.h"
#include "ostore.h"
#include "receipt.h"
#include "timeutil.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_H 3600

/* One resident's suggestion and what the office did with it: acknowledged
 * `ack_h` hours after it came (0: straight to the end state), then moved
 * to `state` at `act_h` hours with the reply and note. */
typedef struct {
    const char *topic, *lang, *text;
    int age_min;                 /* received this many minutes before now */
    const char *state;
    int ack_h, act_h;
    const char *reply_zh, *reply_en, *note, *contact;
    bool shown;                  /* its receipt code is printed (/r/CODE) */
} DemoItem;

static const DemoItem demo_items[] = {
    {"repairs", "zh", "3号楼2单元的电梯这两天总停在8楼不动，按了也没反应。家里有老人，上下楼很不方便，"
     "请尽快派人检修。", 3 * 60, "new", 0, 0, NULL, NULL, NULL, NULL, false},
    {"cleaning", "zh", "东门旁边的垃圾桶已经满了两天没人清运，味道很大，还招苍蝇。", 50 * 60, "new",
     0, 0, NULL, NULL, NULL, "王女士 138 0013 8000（晚上七点后方便）", false},
    {"noise", "zh", "晚上九点以后中心广场的广场舞音响还很响，孩子没法睡觉。能不能和跳舞的阿姨们商量一下"
     "时间和音量？", 30 * 60, "new", 0, 0, NULL, NULL, NULL, NULL, false},
    {"parking", "zh", "地下车库B区有几辆车长期停在消防通道上，万一着火很危险，请物业管一管。",
     (9 * 24 + 5) * 60, "new", 0, 0, NULL, NULL, NULL, NULL, false},
    {"other", "en", "Could the parcel lockers by gate 2 get a small roof? Parcels get wet when it"
     " rains.", 70, "new", 0, 0, NULL, NULL, NULL, NULL, false},
    {"safety", "zh", "12号楼1单元楼道的灯坏了一个多星期，晚上很黑，怕老人摔倒。", 4 * 24 * 60,
     "acknowledged", 0, 2, NULL, NULL, "已派电工王师傅，周五前换好。", NULL, false},
    {"repairs", "zh", "顶楼屋面防水老化，一下雨家里墙角就渗水，去年也报过一次。", 10 * 24 * 60,
     "acknowledged", 0, 5, "已收到。我们已联系防水施工单位上门查看，查看后会在这里告诉您结果。", NULL,
     NULL, NULL, false},
    {"repairs", "zh", "5号楼水压很低，早上高峰时段六楼以上几乎没有水。", (3 * 24 + 4) * 60,
     "in_progress", 1, 20, "维修单位已约好本周四上午上门更换水泵，届时会短时停水，请提前储水。",
     "The pump will be replaced on Thursday morning; the water will be off for a short time.",
     NULL, NULL, false},
    {"fees", "zh", "物业费账单里的公摊电费比去年高了不少，希望能公示明细。", 12 * 24 * 60,
     "in_progress", 3, 48, "财务正在整理去年的公摊电费明细，整理好后在公示栏和大堂屏幕上公布。", NULL,
     "等财务室王会计下周给明细。", NULL, false},
    {"safety", "zh", "儿童游乐区的滑梯有一块踏板松了，孩子玩的时候有危险。", 6 * 24 * 60, "done", 2,
     46, "滑梯上松动的踏板已于本周二更换并加固，感谢您的提醒！",
     "The loose step on the slide was replaced and secured on Tuesday. Thank you for telling us!",
     "供应商上门更换，已验收。", NULL, true},
    {"service", "en", "The lobby door of building 7 closes too fast for a wheelchair.",
     14 * 24 * 60, "done", 4, 72, "7号楼大堂门的闭门器已调慢，轮椅和婴儿车可以从容通过。",
     "The door closer of building 7 has been slowed down, so wheelchairs and prams can pass.",
     NULL, NULL, false},
    {"other", "zh", "建议在小区里收养几只流浪猫，可以抓老鼠。", 8 * 24 * 60, "declined", 6, 30,
     "感谢您的建议。考虑到部分居民过敏和卫生管理，小区暂不集中喂养动物；灭鼠已委托专业公司每月进行。",
     NULL, NULL, NULL, false},
    {"cleaning", "zh", "中心花园的草太高了，蚊子多，希望修剪一下。", 20 * 24 * 60, "done", 5, 50,
     "中心花园的草坪已修剪完毕，今后每两周修剪一次。",
     "The lawn in the central garden has been mown; it will be mown every two weeks.", NULL,
     NULL, false},
    {"safety", "en", "The fire extinguisher on floor 6 of building 8 is past its inspection date.",
     20, "new", 0, 0, NULL, NULL, NULL, NULL, false},
};
#define DEMO_N (sizeof demo_items / sizeof demo_items[0])

/* Satisfaction ratings: this month's and last month's scores. */
static const int demo_now_scores[] = {5, 5, 4, 4, 4, 3};
static const int demo_last_scores[] = {4, 5, 2, 4, 3};

typedef struct {
    char prefix[32];
    bool demo, other;
    char shown[16];
    char shown_key[48];
} DemoScan;

static int demo_scan(void *ud, const OstoreSuggestionRow *r)
{
    DemoScan *d = ud;
    if (strncmp(r->key, d->prefix, strlen(d->prefix)) == 0) {
        d->demo = true;
        if (strcmp(r->key, d->shown_key) == 0)
            memcpy(d->shown, r->receipt, sizeof d->shown);
    } else {
        d->other = true;
    }
    return 0;
}

typedef struct {
    const char *key;
    int64_t id, version;
} DemoFind;

static int demo_find(void *ud, const OstoreSuggestionRow *r)
{
    DemoFind *f = ud;
    if (strcmp(r->key, f->key) == 0) {
        f->id = r->id;
        return 1;
    }
    return 0;
}

static int demo_version(void *ud, const OstoreInboxRow *r)
{
    *(int64_t *)ud = r->version;
    return 1;
}

static ReplyStatus demo_status(const char *state)
{
    if (!strcmp(state, "in_progress"))
        return REPLY_IN_PROGRESS;
    if (!strcmp(state, "done"))
        return REPLY_DONE;
    if (!strcmp(state, "declined"))
        return REPLY_DECLINED;
    return REPLY_RECEIVED;
}

static void demo_receipt(char raw[RECEIPT_LEN + 1])
{
    static const char alphabet[] = RECEIPT_ALPHABET;
    for (int i = 0; i < RECEIPT_LEN; i++)
        raw[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    raw[RECEIPT_LEN] = '\0';
}

/* One state change at `at`, audited as the console audits it. */
static OstoreResult demo_change(Ostore *s, const OstoreUser *u, int64_t cid, int64_t id,
                                int64_t *version, const char *from, const char *to,
                                const DemoItem *it, bool last, int64_t at)
{
    bool closing = !strcmp(to, "done") || !strcmp(to, "declined");
    OstoreInboxChange c = {.id = id, .version = *version, .user_id = u->id, .now = at,
                           .from = from, .to = to,
                           .reply_zh = last ? it->reply_zh : NULL,
                           .reply_en = last && it->reply_zh ? it->reply_en : NULL,
                           .reply_state = last && it->reply_zh ? "published" : NULL,
                           .note = last ? it->note : NULL, .delete_contact = closing};
    OstoreResult r = ostore_inbox_change(s, &c, version);
    char target[32], summary[120];
    snprintf(target, sizeof target, "%lld", (long long)id);
    snprintf(summary, sizeof summary, "%s -> %s%s%s", from, to,
             c.reply_zh ? ", reply published" : "", c.note ? ", note" : "");
    if (r == OSTORE_OK)
        r = ostore_audit_add(s, at, u->id, u->name, "suggestion.state", cid, target, summary);
    return r;
}

/* Store item i (key demo-<cid>-NN) and what was done with it. */
static OstoreResult demo_one(Ostore *s, const OstoreCommunity *com, const OstoreKiosk *k,
                             const OstoreUser *u, size_t i, int64_t now, char *err,
                             size_t errlen)
{
    const DemoItem *it = &demo_items[i];
    char key[48], raw[RECEIPT_LEN + 1], date[11], hash[OSTORE_HASH_HEX];
    snprintf(key, sizeof key, "demo-%lld-%02zu", (long long)com->id, i);
    int64_t at = now - (int64_t)it->age_min * 60;
    demo_receipt(raw);
    time_local_date(at, 0, date);
    /* The body a kiosk would upload in the clear (docs/PROTOCOL.md). */
    json_t *b = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s}", "v", 1, "id", key, "topic",
                          it->topic, "text", it->text, "date", date, "receipt", raw, "lang",
                          it->lang);
    char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
    json_decref(b);
    if (!body) {
        snprintf(err, errlen, "out of memory");
        return OSTORE_ERROR;
    }
    office_hash_hex(body, strlen(body), hash);
    OstoreIn in = {.community_id = com->id, .kiosk_id = k->id, .key = key, .body_hash = hash,
                   .received_at = at};
    OstoreSuggestion sg = {.body = body, .topic = it->topic, .text = it->text, .date = date,
                           .receipt = raw, .lang = it->lang};
    OstoreResult r = ostore_suggestion_add(s, &in, &sg);
    free(body);
    if (r == OSTORE_OK && it->contact) {
        char ckey[56];
        snprintf(ckey, sizeof ckey, "%s-contact", key);
        OstoreIn cin = {.community_id = com->id, .kiosk_id = k->id, .key = ckey,
                        .body_hash = hash, .received_at = at};
        r = ostore_contact_add(s, &cin, key, it->contact, false, false);
    }
    if (r != OSTORE_OK || !strcmp(it->state, "new"))
        return r;
    DemoFind f = {.key = key};
    r = ostore_suggestion_list(s, com->id, demo_find, &f);
    if (r == OSTORE_OK && !f.id)
        r = OSTORE_NOTFOUND;
    if (r == OSTORE_OK)
        r = ostore_inbox_get(s, f.id, now, 0, 0, demo_version, &f.version);
    const char *from = "new";
    if (r == OSTORE_OK && it->ack_h) {
        r = demo_change(s, u, com->id, f.id, &f.version, from, "acknowledged", it, false,
                        at + (int64_t)it->ack_h * DEMO_H);
        from = "acknowledged";
    }
    int64_t when = at + (int64_t)it->act_h * DEMO_H;
    if (r == OSTORE_OK)
        r = demo_change(s, u, com->id, f.id, &f.version, from, it->state, it, true, when);
    if (r != OSTORE_OK)
        return r;
    /* The kiosks' and the reply page's copy, as the console publishes it. */
    ReplyFeedItem rf = {.receipt = raw, .status = demo_status(it->state),
                        .reply_zh = it->reply_zh, .reply_en = it->reply_zh ? it->reply_en : NULL,
                        .updated_at = when};
    return office_feed_put_reply(s, com->id, &rf, when, err, errlen) == OFFICE_FEED_OK
        ? OSTORE_OK : OSTORE_ERROR;
}

static OstoreResult demo_ratings(Ostore *s, const OstoreCommunity *com, const OstoreKiosk *k,
                                 int64_t now)
{
    LocalTime lt;
    time_local(now, &lt);
    char month[2][16];
    snprintf(month[0], sizeof month[0], "%04d-%02d", lt.year % 10000, lt.mon % 100);
    snprintf(month[1], sizeof month[1], "%04d-%02d", (lt.mon == 1 ? lt.year - 1 : lt.year) % 10000,
             (lt.mon == 1 ? 12 : lt.mon - 1) % 100);
    OstoreResult r = OSTORE_OK;
    int n = 0;
    for (int m = 0; m < 2 && r == OSTORE_OK; m++) {
        const int *scores = m ? demo_last_scores : demo_now_scores;
        size_t count = m ? sizeof demo_last_scores / sizeof *demo_last_scores
                         : sizeof demo_now_scores / sizeof *demo_now_scores;
        for (size_t i = 0; i < count && r == OSTORE_OK; i++, n++) {
            char key[48], hash[OSTORE_HASH_HEX];
            snprintf(key, sizeof key, "demo-%lld-rating-%02d", (long long)com->id, n);
            office_hash_hex(key, strlen(key), hash);
            OstoreIn in = {.community_id = com->id, .kiosk_id = k->id, .key = key,
                           .body_hash = hash, .received_at = now - (int64_t)n * DEMO_H};
            r = ostore_rating_add(s, &in, month[m], scores[i]);
        }
    }
    return r;
}

static void demo_print_code(const char *raw)
{
    char shown[RECEIPT_SHOWN_SIZE];
    receipt_format(raw, shown);
    printf("a resident's receipt code with a reply: %s (the public reply page: /r/%s)\n", shown,
           shown);
}

int office_demo_cmd(const OfficeConf *conf, const char *db, int argc, char **argv,
                    int64_t now)
{
    (void)conf;
    if (argc != 3) {
        fprintf(stderr, "officectl: demo: expected COMMUNITY KIOSK USER\n");
        return 2;
    }
    char err[700];
    Ostore *s = ostore_open(db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "officectl: %s\n", err);
        return 1;
    }
    OstoreCommunity com;
    OstoreKiosk k;
    OstoreUser u;
    int rc = 2;
    OstoreResult r = ostore_community_get(s, argv[0], &com);
    if (r == OSTORE_OK)
        r = ostore_kiosk_get(s, com.id, argv[1], &k);
    if (r == OSTORE_OK)
        r = ostore_user_get(s, argv[2], &u);
    if (r == OSTORE_NOTFOUND) {
        fprintf(stderr, "officectl: demo: no community %s with a kiosk %s, or no user %s\n",
                argv[0], argv[1], argv[2]);
        goto out;
    }
    DemoScan scan = {0};
    snprintf(scan.prefix, sizeof scan.prefix, "demo-%lld-", (long long)com.id);
    for (size_t i = 0; i < DEMO_N; i++)
        if (demo_items[i].shown)
            snprintf(scan.shown_key, sizeof scan.shown_key, "%s%02zu", scan.prefix, i);
    if (r == OSTORE_OK)
        r = ostore_suggestion_list(s, com.id, demo_scan, &scan);
    if (r != OSTORE_OK)
        goto fail;
    if (scan.demo) {
        printf("the demo suggestions of %s are there already: nothing added\n", com.slug);
        if (scan.shown[0])
            demo_print_code(scan.shown);
        rc = 0;
        goto out;
    }
    if (scan.other) {
        fprintf(stderr, "officectl: demo: %s has suggestions of its own: the examples go only"
                " into an empty inbox\n", com.slug);
        goto out;
    }
    err[0] = '\0';
    r = ostore_begin(s);
    for (size_t i = 0; i < DEMO_N && r == OSTORE_OK; i++)
        r = demo_one(s, &com, &k, &u, i, now, err, sizeof err);
    if (r == OSTORE_OK)
        r = demo_ratings(s, &com, &k, now);
    if (r == OSTORE_OK)
        r = ostore_commit(s);
    if (r != OSTORE_OK) {
        ostore_rollback(s);
        goto fail;
    }
    ostore_suggestion_list(s, com.id, demo_scan, &scan);
    printf("stored %zu demo suggestions in %s (new, acknowledged, in progress, done, declined;"
           " some overdue), a contact and %zu ratings\n", DEMO_N, com.slug,
           sizeof demo_now_scores / sizeof *demo_now_scores +
           sizeof demo_last_scores / sizeof *demo_last_scores);
    if (scan.shown[0])
        demo_print_code(scan.shown);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "officectl: demo: %s; nothing was stored\n", err[0] ? err : ostore_error(s));
    rc = 1;
out:
    ostore_close(s);
    return rc;
}
