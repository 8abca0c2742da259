/* test_office_inbox.c - the staff's suggestion inbox through HTTP against
 * a server in this process with a fake clock: filters and search, cursor
 * paging that neither repeats nor skips, overdue first (ack and close
 * deadlines moving with the clock), the state machine with its illegal
 * transitions (422) and stale versions (409, so a double submit acts
 * once), a manager's reply sealed into the community's feed and opened by
 * the kiosk's own "Check a reply" code (content_open_reply), a clerk's
 * reply held until a manager approves it, the contact shown only to
 * managers and deleted on close, unreadable suggestions, counts capped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "content.h"
#include "office_feed.h"
#include "office_secret.h"
#include "staffsrv.h"

static StaffSrv srv;
static StaffSession mgr, clerk;

#define PW "correct-horse-1"
#define HOUR 3600
#define DAY (24 * HOUR)

static int setup(void **state)
{
    (void)state;
    if (staffsrv_start(&srv, NULL) < 0 ||
        staffsrv_user(&srv, "wang", PW, "manager", "cuihu", NULL) < 0 ||
        staffsrv_user(&srv, "li", PW, "clerk", "cuihu", NULL) < 0 ||
        staffsrv_login(&srv, "wang", PW, &mgr) != 200 ||
        staffsrv_login(&srv, "li", PW, &clerk) != 200)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    staffsrv_stop(&srv);
    return 0;
}

static int64_t now(void)
{
    return atomic_load(&srv.now);
}

static int64_t add(const char *key, const char *topic, const char *text, int64_t ago,
                   const char *contact)
{
    int64_t id = staffsrv_suggestion(&srv, srv.cuihu, key, topic, text, "HJKM6789",
                                     now() - ago, contact);
    assert_true(id > 0);
    return id;
}

/* GET a list; returns its JSON (caller decrefs). */
static json_t *list(const StaffSession *s, const char *query)
{
    char path[600];
    snprintf(path, sizeof path, "/api/office/suggestions%s", query);
    StaffResp r;
    long st = staffsrv_req(&srv, "GET", path, s, NULL, NULL, NULL, &r);
    if (st != 200)
        fail_msg("GET %s: %ld %s", path, st, r.body ? r.body : "");
    json_t *v = json_incref(r.json);
    staffsrv_resp_free(&r);
    return v;
}

static size_t count(const char *query)
{
    json_t *v = list(&mgr, query);
    size_t n = json_array_size(json_object_get(v, "items"));
    json_decref(v);
    return n;
}

static int64_t item_id(json_t *v, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(json_object_get(v, "items"), i),
                                              "id"));
}

/* POST a change; the status; the answer's JSON into *out when not NULL. */
static long change(const StaffSession *s, int64_t id, const char *what, const char *body,
                   json_t **out)
{
    char path[120];
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/%s", (long long)id, what);
    StaffResp r;
    long st = staffsrv_req(&srv, "POST", path, s, NULL, NULL, body, &r);
    if (out)
        *out = json_incref(r.json);
    staffsrv_resp_free(&r);
    return st;
}

static const char *code_of(json_t *v)
{
    const char *c = json_string_value(json_object_get(json_object_get(v, "error"), "code"));
    return c ? c : "";
}

static json_t *get(const StaffSession *s, int64_t id)
{
    char path[100];
    snprintf(path, sizeof path, "/api/office/suggestions/%lld", (long long)id);
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", path, s, NULL, NULL, NULL, &r), 200);
    json_t *v = json_incref(r.json);
    staffsrv_resp_free(&r);
    return v;
}

static void test_filters_and_search(void **state)
{
    (void)state;
    int64_t a = add("a", "repairs", "东门路灯坏了", 3 * HOUR, NULL);
    add("b", "cleaning", "楼道很脏 Stairs dirty", 2 * HOUR, NULL);
    int64_t c = add("c", "repairs", "电梯异响", 1 * HOUR, "王先生");
    staffsrv_suggestion(&srv, srv.other, "d", "repairs", "别的小区", "HJKM6788", now(), NULL);
    assert_int_equal(count(""), 3);
    assert_int_equal(count("?community=cuihu"), 3);
    assert_int_equal(count("?topic=repairs"), 2);
    assert_int_equal(count("?topic=cleaning"), 1);
    assert_int_equal(count("?kiosk=lobby-east"), 3);
    assert_int_equal(count("?kiosk=lobby-x"), 0);
    assert_int_equal(count("?q=%E8%B7%AF%E7%81%AF"), 1);   /* 路灯 */
    assert_int_equal(count("?q=STAIRS"), 1);                /* case-insensitive */
    assert_int_equal(count("?state=new"), 3);
    assert_int_equal(count("?state=done"), 0);
    /* Acknowledge one, assign another. */
    assert_int_equal(change(&mgr, a, "state", "{\"state\":\"acknowledged\",\"version\":1}", NULL),
                     200);
    assert_int_equal(change(&mgr, c, "assign", "{\"user\":\"wang\",\"version\":1}", NULL), 200);
    assert_int_equal(count("?state=acknowledged"), 1);
    assert_int_equal(count("?state=open"), 3);
    assert_int_equal(count("?assignee=me"), 1);
    assert_int_equal(count("?assignee=wang"), 1);
    assert_int_equal(count("?assignee=none"), 2);
    json_t *v = list(&mgr, "?assignee=me");
    json_t *it = json_array_get(json_object_get(v, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(it, "assignee")), "wang");
    assert_true(json_is_true(json_object_get(it, "has_contact")));
    assert_null(json_object_get(it, "contact"));      /* never in the list */
    json_decref(v);
    /* Dates are local days, inclusive. */
    char q[100], day[16];
    time_t t = (time_t)now();
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    snprintf(q, sizeof q, "?from=%s&to=%s", day, day);
    size_t today = count(q);
    assert_true(today >= 1 && today <= 3);
    assert_int_equal(count("?from=2000-01-01&to=2000-01-31"), 0);
    assert_int_equal(count("?from=2000-01-01"), 3);
    /* Counts are of the user's communities. */
    v = list(&mgr, "?topic=cleaning");
    json_t *counts = json_object_get(v, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "new")), 2);
    assert_int_equal(json_integer_value(json_object_get(counts, "acknowledged")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "overdue")), 0);
    json_decref(v);
    /* Bad parameters. */
    const char *bad[] = {"?state=old", "?from=2025-02-30", "?to=yesterday", "?limit=0",
                         "?limit=201", "?cursor=xyz", "?overdue=2", "?assignee=nobody",
                         "?q=%FF%FE", "?q=%E7%94",    /* q: not UTF-8 */
                         /* digits only (sscanf's %d took a sign or a space) */
                         "?from=2026-+1-05", "?to=2026-%201-05", "?from=+202-01-05"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[120];
        snprintf(path, sizeof path, "/api/office/suggestions%s", bad[i]);
        StaffResp r;
        assert_int_equal(staffsrv_req(&srv, "GET", path, &mgr, NULL, NULL, NULL, &r), 400);
        assert_string_equal(staffsrv_code(&r), "invalid_query");
        staffsrv_resp_free(&r);
    }
}

static void test_overdue_first_with_a_fake_clock(void **state)
{
    (void)state;
    int64_t fresh = add("fresh", "repairs", "新的", 2 * HOUR, NULL);
    int64_t late_ack = add("late-ack", "repairs", "没人理", 25 * HOUR, NULL);
    int64_t late_close = add("late-close", "repairs", "拖了很久", 8 * DAY, NULL);
    int64_t done = add("done", "repairs", "办完了", 1 * HOUR, NULL);
    assert_int_equal(change(&mgr, late_close, "state", "{\"state\":\"acknowledged\","
                            "\"version\":1}", NULL), 200);
    assert_int_equal(change(&mgr, done, "state", "{\"state\":\"done\",\"version\":1}", NULL),
                     200);
    json_t *v = list(&mgr, "");
    /* Overdue first (newest first among them), then the rest newest first. */
    int64_t want[] = {late_ack, late_close, done, fresh};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(item_id(v, i), want[i]);
    json_t *items = json_object_get(v, "items");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "overdue")),
                        "ack");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "overdue")),
                        "close");
    assert_true(json_is_null(json_object_get(json_array_get(items, 3), "overdue")));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 3), "ack_due")),
                     now() - 2 * HOUR + DAY);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "counts"),
                                                        "overdue")), 2);
    json_decref(v);
    assert_int_equal(count("?overdue=1"), 2);
    /* 23 hours later the fresh one is overdue too, and comes first. */
    atomic_fetch_add(&srv.now, 23 * HOUR);
    assert_int_equal(staffsrv_login(&srv, "wang", PW, &mgr), 200);   /* the session idled out */
    v = list(&mgr, "");
    assert_int_equal(item_id(v, 0), fresh);
    assert_int_equal(item_id(v, 3), done);
    json_decref(v);
    assert_int_equal(count("?overdue=1"), 3);
    /* Acknowledging ends the "ack" lateness. */
    assert_int_equal(change(&mgr, fresh, "state", "{\"state\":\"acknowledged\",\"version\":1}",
                            NULL), 200);
    assert_int_equal(count("?overdue=1"), 2);
}

static void test_paging_covers_everything_once(void **state)
{
    (void)state;
    enum { N = 130 };
    static bool seen[N + 10];
    int64_t first = 0;
    for (int i = 0; i < N; i++) {
        char key[16];
        snprintf(key, sizeof key, "k-%d", i);
        /* Every third one is overdue; two share each arrival second. */
        int64_t ago = (i % 3 == 0) ? 2 * DAY + i / 2 : 60 + i / 2;
        int64_t id = add(key, "repairs", "x", ago, NULL);
        if (i == 0)
            first = id;
    }
    char query[200] = "?limit=17";
    int pages = 0, total = 0, overdue_seen = 0;
    bool in_rest = false;
    for (;;) {
        json_t *v = list(&mgr, query);
        json_t *items = json_object_get(v, "items");
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            int64_t id = json_integer_value(json_object_get(it, "id")) - first;
            assert_true(id >= 0 && id < N);
            assert_false(seen[id]);
            seen[id] = true;
            total++;
            bool od = !json_is_null(json_object_get(it, "overdue"));
            if (od) {
                assert_false(in_rest);   /* no overdue one after the first on-time one */
                overdue_seen++;
            } else {
                in_rest = true;
            }
        }
        pages++;
        /* Time passes between pages: the cursor keeps the first page's clock. */
        atomic_fetch_add(&srv.now, 2 * DAY);
        assert_int_equal(staffsrv_login(&srv, "wang", PW, &mgr), 200);
        const char *next = json_string_value(json_object_get(v, "next"));
        if (!next) {
            json_decref(v);
            break;
        }
        snprintf(query, sizeof query, "?limit=17&cursor=%s", next);
        json_decref(v);
        assert_true(pages < 20);
    }
    assert_int_equal(total, N);
    assert_int_equal(overdue_seen, (N + 2) / 3);
    assert_int_equal(pages, (N + 16) / 17);
}

static void test_state_machine(void **state)
{
    (void)state;
    int64_t id = add("s", "repairs", "路灯", HOUR, NULL);
    json_t *v;
    const char *illegal[] = {"new", "in_progress"};
    for (size_t i = 0; i < 2; i++) {
        char body[80];
        snprintf(body, sizeof body, "{\"state\":\"%s\",\"version\":1}", illegal[i]);
        assert_int_equal(change(&mgr, id, "state", body, &v), 422);
        assert_string_equal(code_of(v), "illegal_transition");
        json_decref(v);
    }
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"lost\",\"version\":1}", &v), 422);
    assert_string_equal(code_of(v), "invalid_field");
    json_decref(v);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"acknowledged\"}", &v), 422);
    json_decref(v);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"acknowledged\",\"version\":1,"
                            "\"reply_en\":\"only english\"}", &v), 422);
    json_decref(v);
    /* The legal path, each with the version it read. A double submit acts once. */
    const char *body = "{\"state\":\"acknowledged\",\"version\":1}";
    assert_int_equal(change(&mgr, id, "state", body, &v), 200);
    assert_int_equal(json_integer_value(json_object_get(v, "version")), 2);
    json_decref(v);
    assert_int_equal(change(&mgr, id, "state", body, &v), 409);
    assert_string_equal(code_of(v), "stale");
    json_decref(v);
    assert_int_equal(change(&clerk, id, "state", "{\"state\":\"in_progress\",\"version\":2}",
                            NULL), 200);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"done\",\"version\":2}", &v), 409);
    json_decref(v);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"done\",\"version\":3,"
                            "\"note\":\"换了灯泡\"}", NULL), 200);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"in_progress\",\"version\":4}", &v),
                     422);
    assert_string_equal(code_of(v), "illegal_transition");
    json_decref(v);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"declined\",\"version\":4}", &v),
                     422);
    json_decref(v);
    /* The history: three changes, by whom, with the note. */
    v = get(&mgr, id);
    json_t *h = json_object_get(v, "history");
    assert_int_equal(json_array_size(h), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 1), "user")), "li");
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 2), "to")), "done");
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 2), "note")),
                        "换了灯泡");
    assert_string_equal(json_string_value(json_object_get(v, "state")), "done");
    assert_true(json_integer_value(json_object_get(v, "closed_at")) == now());
    json_decref(v);
    /* Skipping straight to declined is allowed from new. */
    int64_t other = add("t", "repairs", "别的", HOUR, NULL);
    assert_int_equal(change(&mgr, other, "state", "{\"state\":\"declined\",\"version\":1}",
                            NULL), 200);
}

/* The kiosk's side: the community's feed as served, parsed by the kiosk's
 * content code, and the reply for `typed` opened as "Check a reply" does. */
static ContentReplyResult kiosk_lookup(const char *typed, Reply **out)
{
    OstoreFeed f;
    char err[300];
    assert_int_equal(office_feed_current(srv.store, srv.cuihu, now(), &f, err, sizeof err),
                     OFFICE_FEED_OK);
    assert_null(strstr(f.json, "HJKM6789"));
    assert_null(strstr(f.json, "HJKM-6789"));
    assert_null(strstr(f.json, "明天派人"));
    Content *c = content_parse(f.json, f.len, err, sizeof err);
    if (!c)
        fail_msg("the feed does not parse: %s", err);
    ostore_feed_free(&f);
    ContentReplyResult r = content_open_reply(c, typed, out);
    content_free(c);
    return r;
}

static void test_a_reply_reaches_the_kiosk(void **state)
{
    (void)state;
    int64_t id = add("s", "repairs", "东门路灯坏了", HOUR, NULL);
    Reply *rp = NULL;
    assert_int_equal(kiosk_lookup("HJKM-6789", &rp), CONTENT_REPLY_NONE);
    json_t *v;
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"acknowledged\",\"version\":1,"
                            "\"reply_zh\":\"已收到，明天派人查看。\","
                            "\"reply_en\":\"Received; someone will look tomorrow.\"}", &v),
                     200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "reply"), "state")),
                        "published");
    json_decref(v);
    assert_int_equal(kiosk_lookup("hjkm 6789", &rp), CONTENT_REPLY_FOUND);
    assert_int_equal(rp->status, REPLY_RECEIVED);
    assert_string_equal(rp->reply.zh, "已收到，明天派人查看。");
    assert_string_equal(rp->reply.en, "Received; someone will look tomorrow.");
    content_reply_free(rp);
    /* Another code finds nothing. */
    assert_int_equal(kiosk_lookup("HJKM-6788", &rp), CONTENT_REPLY_NONE);
    /* A later change without a reply keeps the text and moves the status. */
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"done\",\"version\":2}", NULL), 200);
    assert_int_equal(kiosk_lookup("HJKM6789", &rp), CONTENT_REPLY_FOUND);
    assert_int_equal(rp->status, REPLY_DONE);
    assert_string_equal(rp->reply.zh, "已收到，明天派人查看。");
    content_reply_free(rp);
}

static void test_a_clerks_reply_waits_for_a_manager(void **state)
{
    (void)state;
    int64_t id = add("s", "repairs", "东门路灯坏了", HOUR, NULL);
    json_t *v;
    assert_int_equal(change(&clerk, id, "state", "{\"state\":\"acknowledged\",\"version\":1,"
                            "\"reply_zh\":\"已收到，明天派人查看。\"}", &v), 200);
    assert_true(json_is_null(json_object_get(v, "reply")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "pending_reply"),
                                                          "zh")), "已收到，明天派人查看。");
    json_decref(v);
    /* The state is public at once, the text is not. */
    Reply *rp = NULL;
    assert_int_equal(kiosk_lookup("HJKM6789", &rp), CONTENT_REPLY_FOUND);
    assert_int_equal(rp->status, REPLY_RECEIVED);
    assert_true(!rp->reply.zh || !rp->reply.zh[0]);
    content_reply_free(rp);
    /* The clerk cannot approve; a stale version is refused; the manager can. */
    assert_int_equal(change(&clerk, id, "approve-reply", "{\"version\":2}", &v), 403);
    json_decref(v);
    assert_int_equal(change(&mgr, id, "approve-reply", "{\"version\":1}", &v), 409);
    json_decref(v);
    assert_int_equal(change(&mgr, id, "approve-reply", "{\"version\":2}", &v), 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "reply"), "zh")),
                        "已收到，明天派人查看。");
    assert_true(json_is_null(json_object_get(v, "pending_reply")));
    json_decref(v);
    assert_int_equal(kiosk_lookup("HJKM6789", &rp), CONTENT_REPLY_FOUND);
    assert_string_equal(rp->reply.zh, "已收到，明天派人查看。");
    content_reply_free(rp);
    assert_int_equal(change(&mgr, id, "approve-reply", "{\"version\":3}", &v), 422);
    assert_string_equal(code_of(v), "no_pending_reply");
    json_decref(v);
}

static void test_contact_for_managers_and_deleted_on_close(void **state)
{
    (void)state;
    int64_t id = add("s", "repairs", "电梯异响", HOUR, "王先生 13800000000");
    json_t *v = get(&clerk, id);
    assert_null(json_object_get(v, "contact"));
    assert_true(json_is_true(json_object_get(v, "has_contact")));
    json_decref(v);
    v = get(&mgr, id);
    assert_string_equal(json_string_value(json_object_get(v, "contact")), "王先生 13800000000");
    assert_non_null(json_object_get(json_object_get(v, "contact_warning"), "zh"));
    json_decref(v);
    OstoreCounts n;
    assert_int_equal(ostore_counts(srv.store, srv.cuihu, &n), OSTORE_OK);
    assert_int_equal(n.contacts, 1);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"done\",\"version\":1}", NULL), 200);
    v = get(&mgr, id);
    assert_null(json_object_get(v, "contact"));
    assert_true(json_is_false(json_object_get(v, "has_contact")));
    json_decref(v);
    assert_int_equal(ostore_counts(srv.store, srv.cuihu, &n), OSTORE_OK);
    assert_int_equal(n.contacts, 0);
}

static void test_unreadable_has_no_receipt(void **state)
{
    (void)state;
    int64_t id = staffsrv_suggestion(&srv, srv.cuihu, "u", NULL, NULL, NULL, now() - HOUR, NULL);
    assert_true(id > 0);
    json_t *v = get(&mgr, id);
    assert_true(json_is_true(json_object_get(v, "unreadable")));
    assert_true(json_is_null(json_object_get(v, "text")));
    json_decref(v);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"acknowledged\",\"version\":1,"
                            "\"reply_zh\":\"收到\"}", &v), 422);
    assert_string_equal(code_of(v), "no_receipt");
    json_decref(v);
    assert_int_equal(change(&mgr, id, "state", "{\"state\":\"declined\",\"version\":1}", NULL),
                     200);
}


/* Counts stop at the cap (counts.cap: "that many or more"), so they cost
 * the same over any number of suggestions; below it they are exact. */
static void test_counts_capped(void **state)
{
    (void)state;
    int n = OSTORE_INBOX_COUNT_CAP + 3;
    assert_int_equal(ostore_begin(srv.store), OSTORE_OK);
    for (int i = 0; i < n; i++) {
        char key[40], hash[OSTORE_HASH_HEX];
        snprintf(key, sizeof key, "cap-%d", i);
        office_hash_hex(key, strlen(key), hash);
        OstoreIn in = {.community_id = srv.cuihu, .kiosk_id = srv.kiosk_cuihu, .key = key,
                       .body_hash = hash, .received_at = now() - 2 * DAY - i};
        OstoreSuggestion sg = {.body = "{}", .topic = "repairs", .text = "路灯",
                               .date = "2025-12-01", .receipt = "HJKM6789", .lang = "zh"};
        assert_int_equal(ostore_suggestion_add(srv.store, &in, &sg), OSTORE_OK);
    }
    assert_int_equal(ostore_commit(srv.store), OSTORE_OK);
    int64_t ack = add("acked", "repairs", "已确认", HOUR, NULL);
    assert_int_equal(change(&mgr, ack, "state", "{\"state\":\"acknowledged\",\"version\":1}",
                            NULL), 200);
    json_t *v = list(&mgr, "");
    json_t *c = json_object_get(v, "counts");
    assert_int_equal(json_integer_value(json_object_get(c, "cap")), OSTORE_INBOX_COUNT_CAP);
    assert_int_equal(json_integer_value(json_object_get(c, "new")), OSTORE_INBOX_COUNT_CAP);
    assert_int_equal(json_integer_value(json_object_get(c, "overdue")), OSTORE_INBOX_COUNT_CAP);
    assert_int_equal(json_integer_value(json_object_get(c, "acknowledged")), 1);
    assert_int_equal(json_integer_value(json_object_get(c, "done")), 0);
    /* The list itself is not capped: overdue first, newest first. */
    assert_int_equal(json_array_size(json_object_get(v, "items")), 50);
    json_t *first = json_array_get(json_object_get(v, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "overdue")), "ack");
    assert_int_equal(json_integer_value(json_object_get(first, "received_at")), now() - 2 * DAY);
    json_decref(v);
    assert_int_equal(count("?state=new&limit=200"), 200);
    assert_int_equal(count("?state=acknowledged"), 1);
    /* Filters together and paging by cursor: each once, newest first. */
    int seen = 0;
    int64_t last = INT64_MAX;
    char query[300] = "?kiosk=lobby-east&topic=repairs&q=%E8%B7%AF%E7%81%AF&state=open&limit=200";
    for (int page = 0; page < 10; page++) {
        v = list(&mgr, query);
        json_t *items = json_object_get(v, "items");
        for (size_t i = 0; i < json_array_size(items); i++) {
            int64_t at = json_integer_value(json_object_get(json_array_get(items, i),
                                                            "received_at"));
            assert_true(at < last);
            last = at;
            seen++;
        }
        const char *next = json_string_value(json_object_get(v, "next"));
        if (next)
            snprintf(query, sizeof query, "?kiosk=lobby-east&topic=repairs&q=%%E8%%B7%%AF%%E7%%81"
                     "%%AF&state=open&limit=200&cursor=%s", next);
        json_decref(v);
        if (!next)
            break;
    }
    assert_int_equal(seen, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_filters_and_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overdue_first_with_a_fake_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging_covers_everything_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_machine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_reply_reaches_the_kiosk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_clerks_reply_waits_for_a_manager, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_contact_for_managers_and_deleted_on_close, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_has_no_receipt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts_capped, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
