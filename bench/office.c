/* office.c - benchmark of Lobby Office (tests/bench-office.sh runs it):
 * a seeder, a disk floor and a load generator of simulated kiosks and a
 * staff console over keep-alive HTTPS. Prints key=value lines.
 *
 *   office seed DBSPEC SUGGESTIONS KIOSKS TOKENS_FILE
 *       an organisation (admin "bench", password "bench-password-1"),
 *       10 communities c0..c9, KIOSKS enrolled kiosks spread over them
 *       (their device tokens written one a line to TOKENS_FILE, kiosk i's
 *       on line i), SUGGESTIONS suggestions over the last 400 days in
 *       every state, through the office's own store calls.
 *   office fsync DIR SECONDS
 *       the disk's floor: 4 KB pwrite + fdatasync in a loop.
 *   office load URL CA TOKENS MODE CONNS SECONDS [KIOSKS]
 *       CONNS simulated kiosks, each one keep-alive HTTPS connection with
 *       one request at a time, for SECONDS: MODE submit (POST
 *       /api/submissions, a new Idempotency-Key each), poll (GET
 *       /api/content with the If-None-Match of its last answer), heartbeat
 *       (POST /api/heartbeat; the connections take turns over the first
 *       KIOSKS tokens, default CONNS). URL is the base ("https://127.0.0.1:
 *       PORT"); for poll it may be a whole document URL (nginx).
 *   office api URL CA ROUNDS [COMMUNITY]
 *       signs in as bench, then GETs each console query ROUNDS times in
 *       turn on one keep-alive connection: p50, p95, max per query. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "office_secret.h"
#include "ostore.h"
#include "outbox.h"

#define BENCH_USER "bench"
#define BENCH_PASSWORD "bench-password-1"
#define N_COMMUNITIES 10

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* ---- seed ---- */

static const char *const topics[] = {"repairs", "cleaning", "security", "parking", "greenery",
                                     "other"};
static const char *const words[] = {"东门路灯坏了", "电梯经常停", "楼道很脏", "停车位不够",
                                    "垃圾没人清", "water leak in the basement",
                                    "noise at night", "健身器材损坏", "绿化带需要修剪",
                                    "门禁卡失灵"};

static int seed_fail(Ostore *s, const char *what)
{
    fprintf(stderr, "office seed: %s: %s\n", what, ostore_error(s));
    return 1;
}

static int seed(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: office seed DBSPEC SUGGESTIONS KIOSKS TOKENS_FILE\n");
        return 2;
    }
    long n_sugg = atol(argv[3]), n_kiosks = atol(argv[4]);
    char err[400];
    Ostore *s = ostore_open(argv[2], err, sizeof err);
    if (!s) {
        fprintf(stderr, "office seed: %s\n", err);
        return 1;
    }
    FILE *tf = fopen(argv[5], "w");
    if (!tf) {
        fprintf(stderr, "office seed: %s: %s\n", argv[5], strerror(errno));
        ostore_close(s);
        return 1;
    }
    int64_t now = (int64_t)time(NULL);
    char pw[crypto_pwhash_STRBYTES];
    if (office_password_hash(pw, BENCH_PASSWORD) != 0 ||
        ostore_org_init(s, "基准物业", BENCH_USER, pw, now) != OSTORE_OK)
        return seed_fail(s, "org init");
    double t0 = now_s();
    int64_t comm[N_COMMUNITIES];
    int64_t *kid = calloc((size_t)n_kiosks, sizeof *kid);
    int rc = 1;
    if (!kid || ostore_begin(s) != OSTORE_OK)
        goto out;
    for (int c = 0; c < N_COMMUNITIES; c++) {
        char slug[16], name[64];
        snprintf(slug, sizeof slug, "c%d", c);
        snprintf(name, sizeof name, "基准社区%d", c);
        if (ostore_community_add(s, slug, name, "", now, &comm[c]) != OSTORE_OK) {
            seed_fail(s, "community");
            goto out;
        }
    }
    for (long i = 0; i < n_kiosks; i++) {
        char name[32], code[OFFICE_CODE_SIZE], ch[OSTORE_HASH_HEX], tok[OFFICE_TOKEN_SIZE],
            th[OSTORE_HASH_HEX];
        snprintf(name, sizeof name, "k%04ld", i);
        office_code_new(code);
        office_hash_hex(code, strlen(code), ch);
        office_token_new(tok);
        office_hash_hex(tok, strlen(tok), th);
        OstoreKiosk k;
        if (ostore_kiosk_add(s, comm[i % N_COMMUNITIES], name, ch, now + 3600, now, &kid[i]) !=
                OSTORE_OK ||
            ostore_enrol_redeem(s, ch, th, now, &k) != OSTORE_OK) {
            seed_fail(s, "kiosk");
            goto out;
        }
        fprintf(tf, "%s\n", tok);
    }
    srand(12345);
    static const char *const to[] = {NULL, NULL, "acknowledged", "in_progress", "done",
                                     "done", "done", "declined"};
    for (long i = 0; i < n_sugg; i++) {
        char key[48], hash[OSTORE_HASH_HEX], receipt[OUTBOX_RECEIPT_LEN + 1], text[200],
            body[400];
        snprintf(key, sizeof key, "seed-%08ld", i);
        long k = rand() % (n_kiosks > 0 ? n_kiosks : 1);
        const char *topic = topics[rand() % 6];
        snprintf(text, sizeof text, "%s %s #%ld", words[rand() % 10], words[rand() % 10], i);
        outbox_new_receipt(receipt);
        snprintf(body, sizeof body, "{\"seed\":%ld}", i);
        office_hash_hex(body, strlen(body), hash);
        /* Older ones first, so ids rise with time as uploads make them. */
        int64_t at = now - (int64_t)((n_sugg - i) * (400LL * 86400 / n_sugg)) - rand() % 60;
        OstoreIn in = {.community_id = comm[k % N_COMMUNITIES], .kiosk_id = kid[k],
                       .key = key, .body_hash = hash, .received_at = at};
        OstoreSuggestion sg = {.body = body, .topic = topic, .text = text, .date = "2026-01-01",
                               .receipt = receipt, .lang = "zh"};
        if (ostore_suggestion_add(s, &in, &sg) != OSTORE_OK) {
            seed_fail(s, "suggestion");
            goto out;
        }
        /* The recent ones stay mostly open, the old ones mostly closed. */
        const char *target = to[rand() % 8];
        if (now - at > 30 * 86400 && !target)
            target = "done";
        if (target) {
            OstoreInboxChange c = {.id = i + 1, .version = 1, .from = "new", .to = target,
                                   .now = at + 3600, .user_id = 1};
            if (ostore_inbox_change(s, &c, NULL) != OSTORE_OK) {
                seed_fail(s, "state");
                goto out;
            }
        }
        if (i % 20000 == 19999 && (ostore_commit(s) != OSTORE_OK || ostore_begin(s) != OSTORE_OK)) {
            seed_fail(s, "commit");
            goto out;
        }
    }
    if (ostore_commit(s) != OSTORE_OK) {
        seed_fail(s, "commit");
        goto out;
    }
    printf("part=seed suggestions=%ld kiosks=%ld communities=%d seconds=%.1f\n", n_sugg,
           n_kiosks, N_COMMUNITIES, now_s() - t0);
    rc = 0;
out:
    if (rc)
        ostore_rollback(s);
    free(kid);
    fclose(tf);
    ostore_close(s);
    return rc;
}

/* ---- fsync floor ---- */

static int fsync_floor(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: office fsync DIR SECONDS\n");
        return 2;
    }
    char path[600];
    snprintf(path, sizeof path, "%s/fsync-floor", argv[2]);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        fprintf(stderr, "office fsync: %s: %s\n", path, strerror(errno));
        return 1;
    }
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    double secs = atof(argv[3]), t0 = now_s(), t;
    size_t n = 0, cap = 1 << 16;
    double *lat = malloc(cap * sizeof *lat);
    while ((t = now_s()) - t0 < secs && lat && n < cap) {
        /* Appends, as a WAL grows: each sync writes data and the size. */
        if (pwrite(fd, buf, sizeof buf, (off_t)(n % 1024) * 4096) != (ssize_t)sizeof buf ||
            fdatasync(fd) != 0) {
            fprintf(stderr, "office fsync: %s\n", strerror(errno));
            break;
        }
        lat[n++] = (now_s() - t) * 1000;
    }
    double el = now_s() - t0;
    printf("part=fsync per_s=%.0f median_ms=%.2f p95_ms=%.2f n=%zu\n", (double)n / el,
           pct(lat, n, 0.5), pct(lat, n, 0.95), n);
    free(lat);
    close(fd);
    unlink(path);
    return 0;
}

/* ---- load ---- */

typedef struct {
    CURL *h;
    struct curl_slist *hdrs;
    char auth[100], etag[128], key[64], body[512];
    int conn, kiosk, warmed;
    long seq;
    double started;
} Client;

typedef struct {
    const char *mode, *url;
    char **tokens;
    int n_tokens, kiosks, conns;
    double *lat;
    size_t n_lat, cap_lat;
    long done, s2xx, s304, s200, other, failed, measuring;
    int first_bad_status;
} Load;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    (void)p; (void)ud;
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    Client *c = ud;
    size_t len = size * n;
    if (len > 6 && strncasecmp(p, "ETag:", 5) == 0) {
        const char *v = p + 5;
        while (*v == ' ')
            v++;
        size_t k = len - (size_t)(v - p);
        while (k > 0 && (v[k - 1] == '\r' || v[k - 1] == '\n'))
            k--;
        if (k < sizeof c->etag) {
            memcpy(c->etag, v, k);
            c->etag[k] = '\0';
        }
    }
    return len;
}

/* Set up c's next request. */
static void load_next(Load *L, Client *c)
{
    curl_slist_free_all(c->hdrs);
    c->hdrs = NULL;
    if (strcmp(L->mode, "heartbeat") == 0)
        c->kiosk = (c->kiosk + L->conns) % L->kiosks;
    snprintf(c->auth, sizeof c->auth, "Authorization: Bearer %s", L->tokens[c->kiosk % L->n_tokens]);
    c->hdrs = curl_slist_append(c->hdrs, c->auth);
    char url[600];
    if (strcmp(L->mode, "poll") == 0) {
        if (strstr(L->url, "/api/") || strstr(L->url, ".json"))
            snprintf(url, sizeof url, "%s", L->url);
        else
            snprintf(url, sizeof url, "%s/api/content", L->url);
        curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
        if (c->etag[0]) {
            char h[200];
            snprintf(h, sizeof h, "If-None-Match: %s", c->etag);
            c->hdrs = curl_slist_append(c->hdrs, h);
        }
    } else if (strcmp(L->mode, "submit") == 0) {
        snprintf(url, sizeof url, "%s/api/submissions", L->url);
        snprintf(c->key, sizeof c->key, "bench-%ld-%d-%ld", (long)getpid(), c->conn, c->seq++);
        char receipt[OUTBOX_RECEIPT_LEN + 1];
        outbox_new_receipt(receipt);
        snprintf(c->body, sizeof c->body,
                 "{\"v\":1,\"id\":\"%s\",\"topic\":\"repairs\",\"text\":\"东门路灯坏了，晚上很黑"
                 " (bench %ld)\",\"date\":\"2026-12-01\",\"receipt\":\"%s\",\"lang\":\"zh\"}",
                 c->key, c->seq, receipt);
        char h[120];
        snprintf(h, sizeof h, "Idempotency-Key: %s", c->key);
        c->hdrs = curl_slist_append(c->hdrs, h);
        c->hdrs = curl_slist_append(c->hdrs, "Content-Type: application/json");
        curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, c->body);
    } else {
        snprintf(url, sizeof url, "%s/api/heartbeat", L->url);
        snprintf(c->body, sizeof c->body,
                 "{\"v\":1,\"app_version\":\"0.3.0\",\"time\":\"2026-12-01T02:00:00Z\","
                 "\"uptime_s\":%ld,\"queue\":null,\"upload\":null,\"content\":null,"
                 "\"display\":\"day\",\"disk_free_bytes\":5123145728,\"flags\":[]}",
                 1000 + c->seq++);
        c->hdrs = curl_slist_append(c->hdrs, "Content-Type: application/json");
        curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, c->body);
    }
    curl_easy_setopt(c->h, CURLOPT_URL, url);
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->hdrs);
    c->started = now_s();
}

static int load(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: office load URL CA TOKENS MODE CONNS SECONDS [KIOSKS]\n");
        return 2;
    }
    Load L = {.url = argv[2], .mode = argv[5], .conns = atoi(argv[6])};
    double secs = atof(argv[7]);
    FILE *tf = fopen(argv[4], "r");
    if (!tf) {
        fprintf(stderr, "office load: %s: %s\n", argv[4], strerror(errno));
        return 1;
    }
    char line[200];
    int cap = 0;
    while (fgets(line, sizeof line, tf)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (L.n_tokens == cap) {
            cap = cap ? 2 * cap : 256;
            L.tokens = realloc(L.tokens, (size_t)cap * sizeof *L.tokens);
        }
        L.tokens[L.n_tokens++] = strdup(line);
    }
    fclose(tf);
    if (L.n_tokens == 0 || L.conns <= 0) {
        fprintf(stderr, "office load: no tokens or no connections\n");
        return 1;
    }
    L.kiosks = argc > 8 ? atoi(argv[8]) : L.conns;
    if (L.kiosks > L.n_tokens)
        L.kiosks = L.n_tokens;
    L.cap_lat = 1 << 20;
    L.lat = malloc(L.cap_lat * sizeof *L.lat);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)L.conns + 10);
    Client *cl = calloc((size_t)L.conns, sizeof *cl);
    for (int i = 0; i < L.conns; i++) {
        Client *c = &cl[i];
        c->conn = i;
        c->kiosk = i - L.conns;   /* heartbeat: load_next adds conns first */
        if (strcmp(L.mode, "heartbeat") != 0)
            c->kiosk = i;
        c->h = curl_easy_init();
        curl_easy_setopt(c->h, CURLOPT_CAINFO, argv[3]);
        curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c->h, CURLOPT_HEADERDATA, c);
        curl_easy_setopt(c->h, CURLOPT_PRIVATE, c);
        curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(c->h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(c->h, CURLOPT_MAXCONNECTS, 1L);   /* its own one connection */
        load_next(&L, c);
        curl_multi_add_handle(m, c->h);
    }
    /* Connections open (TLS handshakes) before the clock starts: every
     * kiosk's first answer is a warm-up. */
    double t_start = 0, t_end = 0, warm_deadline = now_s() + 30;
    int warm = 0, running = 1;
    for (;;) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            Client *c;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            long status = 0;
            curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
            double t = now_s();
            if (L.measuring) {
                if (msg->data.result != CURLE_OK) {
                    L.failed++;
                } else if (status == 304) {
                    L.s304++;
                } else if (status >= 200 && status < 300) {
                    L.s2xx++;
                    L.s200 += status == 200;
                } else {
                    L.other++;
                    if (!L.first_bad_status)
                        L.first_bad_status = (int)status;
                }
                L.done++;
                if (L.n_lat < L.cap_lat)
                    L.lat[L.n_lat++] = (t - c->started) * 1000;
            } else if (msg->data.result == CURLE_OK && !c->warmed) {
                c->warmed = 1;   /* this connection's first answer */
                warm++;
            }
            curl_multi_remove_handle(m, c->h);
            if (L.measuring && t >= t_end)
                continue;   /* this kiosk is done */
            load_next(&L, c);
            curl_multi_add_handle(m, c->h);
        }
        double t = now_s();
        if (!L.measuring && (warm >= L.conns || t > warm_deadline)) {
            L.measuring = 1;
            t_start = t;
            t_end = t + secs;
        }
        if (L.measuring && t >= t_end + 30)
            break;
        if (!running && L.measuring && t >= t_end)
            break;
        curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    double el = t_end - t_start;
    long answered = L.done - L.failed;
    printf("part=%s conns=%d kiosks=%d seconds=%.1f requests=%ld per_s=%.0f ok_per_s=%.0f"
           " not_modified_per_s=%.0f s2xx=%ld s200=%ld s304=%ld other=%ld first_other=%d"
           " failed=%ld warm=%d p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f\n",
           L.mode, L.conns, L.kiosks, el, L.done, (double)answered / el, (double)L.s2xx / el,
           (double)L.s304 / el, L.s2xx, L.s200, L.s304, L.other, L.first_bad_status, L.failed,
           warm, pct(L.lat, L.n_lat, 0.5), pct(L.lat, L.n_lat, 0.95),
           pct(L.lat, L.n_lat, 0.99));
    for (int i = 0; i < L.conns; i++) {
        curl_multi_remove_handle(m, cl[i].h);
        curl_easy_cleanup(cl[i].h);
        curl_slist_free_all(cl[i].hdrs);
    }
    curl_multi_cleanup(m);
    free(cl);
    for (int i = 0; i < L.n_tokens; i++)
        free(L.tokens[i]);
    free(L.tokens);
    free(L.lat);
    curl_global_cleanup();
    return L.failed || L.other ? 1 : 0;
}

/* ---- the console's queries ---- */

typedef struct {
    char *data;
    size_t len;
} Buf;

static size_t on_buf(char *p, size_t size, size_t n, void *ud)
{
    Buf *b = ud;
    size_t k = size * n;
    char *d = realloc(b->data, b->len + k + 1);
    if (!d)
        return 0;
    memcpy(d + b->len, p, k);
    b->len += k;
    d[b->len] = '\0';
    b->data = d;
    return k;
}

/* GET (or POST json) path; the status, the body in *b. */
static long api_call(CURL *h, const char *base, const char *path, const char *post, Buf *b)
{
    char url[1200];
    snprintf(url, sizeof url, "%s%s", base, path);
    free(b->data);
    b->data = NULL;
    b->len = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    struct curl_slist *hd = NULL;
    if (post) {
        hd = curl_slist_append(hd, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hd);
    return status;
}

static int api(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: office api URL CA ROUNDS [COMMUNITY]\n");
        return 2;
    }
    const char *base = argv[2];
    int rounds = atoi(argv[4]);
    const char *comm = argc > 5 ? argv[5] : "c3";
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_CAINFO, argv[3]);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_buf);
    curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    Buf b = {0};
    int rc = 0;
    long st = api_call(h, base, "/api/office/login",
                       "{\"user\":\"" BENCH_USER "\",\"password\":\"" BENCH_PASSWORD "\"}", &b);
    if (st != 200) {
        fprintf(stderr, "office api: sign-in answered %ld: %.200s\n", st, b.data ? b.data : "");
        rc = 1;
        goto out;
    }
    /* A suggestion's id and the next page's cursor, from a first list. */
    char one[64] = "/api/office/suggestions/1", next[300] = "";
    if (api_call(h, base, "/api/office/suggestions?limit=50", NULL, &b) == 200) {
        json_t *v = json_loads(b.data, 0, NULL);
        json_t *items = json_object_get(v, "items");
        if (json_array_size(items) > 0)
            snprintf(one, sizeof one, "/api/office/suggestions/%lld",
                     (long long)json_integer_value(json_object_get(json_array_get(items, 0), "id")));
        const char *n = json_string_value(json_object_get(v, "next"));
        if (n) {
            char *e = curl_easy_escape(h, n, 0);
            snprintf(next, sizeof next, "/api/office/suggestions?limit=50&cursor=%s", e);
            curl_free(e);
        }
        json_decref(v);
    }
    char q[40][300];
    const char *name[40];
    int nq = 0;
#define Q(label, ...) (name[nq] = (label), snprintf(q[nq++], sizeof q[0], __VA_ARGS__))
    Q("inbox", "/api/office/suggestions");
    Q("inbox_page2", "%s", next[0] ? next : "/api/office/suggestions?limit=50");
    Q("inbox_open", "/api/office/suggestions?state=open");
    Q("inbox_done", "/api/office/suggestions?state=done");
    Q("inbox_community", "/api/office/suggestions?community=%s", comm);
    Q("inbox_community_new", "/api/office/suggestions?community=%s&state=new", comm);
    Q("inbox_topic", "/api/office/suggestions?topic=parking");
    Q("inbox_kiosk", "/api/office/suggestions?kiosk=k0007");
    Q("inbox_dates", "/api/office/suggestions?from=2026-06-01&to=2026-06-30");
    Q("inbox_unassigned", "/api/office/suggestions?assignee=none&state=open");
    Q("inbox_overdue", "/api/office/suggestions?overdue=1");
    Q("inbox_search", "/api/office/suggestions?q=%s", "%E7%94%B5%E6%A2%AF");    /* 电梯 */
    Q("inbox_search_rare", "/api/office/suggestions?q=%s", "%2399999");        /* #99999 */
    Q("inbox_search_none", "/api/office/suggestions?q=nothing-matches-this");
    Q("inbox_search_community", "/api/office/suggestions?community=%s&q=noise", comm);
    Q("suggestion", "%s", one);
    Q("me", "/api/office/me");
    Q("kiosks", "/api/office/kiosks");
    Q("alerts", "/api/office/alerts");
    Q("notices", "/api/office/communities/%s/notices", comm);
    Q("events", "/api/office/communities/%s/events", comm);
    Q("channels", "/api/office/communities/%s/channels", comm);
    Q("board", "/api/office/communities/%s/board", comm);
    Q("postings_due", "/api/office/communities/%s/postings-due", comm);
    Q("posting_rules", "/api/office/communities/%s/posting-rules", comm);
    Q("stats", "/api/office/communities/%s/stats?from=2026-01&to=2026-12", comm);
    Q("users", "/api/office/users");
    Q("audit", "/api/office/audit");
#undef Q
    double *lat = calloc((size_t)(nq * rounds), sizeof *lat);
    int *bad = calloc((size_t)nq, sizeof *bad);
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < nq; i++) {
            double t0 = now_s();
            long s = api_call(h, base, q[i], NULL, &b);
            lat[i * rounds + r] = (now_s() - t0) * 1000;
            if (s != 200 && !bad[i]) {
                bad[i] = (int)s;
                fprintf(stderr, "office api: %s answered %ld: %.200s\n", q[i], s,
                        b.data ? b.data : "");
                rc = 1;
            }
            if (r == 0 && strncmp(name[i], "inbox", 5) == 0 && s == 200) {
                json_t *v = json_loads(b.data, 0, NULL);
                printf("part=api_items name=%s items=%zu\n", name[i],
                       json_array_size(json_object_get(v, "items")));
                json_decref(v);
            }
        }
    for (int i = 0; i < nq; i++) {
        double *v = lat + i * rounds;
        printf("part=api name=%s rounds=%d p50_ms=%.1f p95_ms=%.1f max_ms=%.1f status=%d\n",
               name[i], rounds, pct(v, (size_t)rounds, 0.5), pct(v, (size_t)rounds, 0.95),
               pct(v, (size_t)rounds, 1.0), bad[i] ? bad[i] : 200);
    }
    free(lat);
    free(bad);
out:
    free(b.data);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0)
        return 1;
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "seed") == 0)
        return seed(argc, argv);
    if (strcmp(cmd, "fsync") == 0)
        return fsync_floor(argc, argv);
    if (strcmp(cmd, "load") == 0)
        return load(argc, argv);
    if (strcmp(cmd, "api") == 0)
        return api(argc, argv);
    fprintf(stderr, "usage: office seed|fsync|load|api ... (bench/office.c says how)\n");
    return 2;
}
