/* staffsrv.c - test support: an in-process Lobby Office with a settable clock, and a staff HTTP client (cookie, CSRF, any method and type). */
#include "staffsrv.h"
#include "office_secret.h"
#include "ostore_priv.h"
#include "testdb.h"
#include "tmpdir.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int64_t staffsrv_clock(void *ud)
{
    return atomic_load(&((StaffSrv *)ud)->now);
}

int staffsrv_start(StaffSrv *s, void (*conf_extra)(OfficeConf *c))
{
    memset(s, 0, sizeof *s);
    atomic_store(&s->now, 1764900000);   /* 2025-12-05 */
    s->dir = tmpdir_make();
    if (!s->dir)
        return -1;
    OfficeConf c;
    office_conf_defaults(&c);
    snprintf(c.listen_host, sizeof c.listen_host, "127.0.0.1");
    c.listen_port = 0;
    c.threads = 2;
    snprintf(c.data_dir, sizeof c.data_dir, "%s", s->dir);
    snprintf(c.office_key, sizeof c.office_key, "none");
    if (conf_extra)
        conf_extra(&c);
    bool ours = !c.database[0];
    if (ours) {
        /* The tests' engine: SQLite here, or the PostgreSQL database
         * scripts/pg-test.sh names (emptied first). */
        char path[700];
        snprintf(path, sizeof path, "%s/office.db", s->dir);
        if (testdb_fresh(path, c.database, sizeof c.database) < 0)
            return -1;
    }
    office_conf_database(&c, s->db, sizeof s->db);
    char err[600];
    s->store = ostore_open(s->db, err, sizeof err);
    if (!s->store) {
        fprintf(stderr, "staffsrv: %s\n", err);
        return -1;
    }
    if (ours && strcmp(ostore_engine(s->store), testdb_engine()) != 0) {
        fprintf(stderr, "staffsrv: on %s, not %s\n", ostore_engine(s->store), testdb_engine());
        return -1;
    }
    char hash[OSTORE_HASH_HEX];
    office_hash_hex("code-1", 6, hash);
    char hash2[OSTORE_HASH_HEX];
    office_hash_hex("code-2", 6, hash2);
    int64_t now = atomic_load(&s->now);
    if (ostore_community_add(s->store, "cuihu", "翠湖花园", "Cuihu Garden", now, &s->cuihu) ||
        ostore_community_add(s->store, "other", "别的小区", "", now, &s->other) ||
        ostore_kiosk_add(s->store, s->cuihu, "lobby-east", hash, now + 86400, now,
                         &s->kiosk_cuihu) ||
        ostore_kiosk_add(s->store, s->other, "lobby-x", hash2, now + 86400, now,
                         &s->kiosk_other)) {
        fprintf(stderr, "staffsrv: %s\n", ostore_error(s->store));
        return -1;
    }
    s->office = office_start_clock(&c, staffsrv_clock, s, err, sizeof err);
    if (!s->office) {
        fprintf(stderr, "staffsrv: %s\n", err);
        return -1;
    }
    snprintf(s->url, sizeof s->url, "%s", office_url(s->office));
    return 0;
}

void staffsrv_stop(StaffSrv *s)
{
    office_stop(s->office);
    ostore_close(s->store);
    if (s->dir)
        tmpdir_remove(s->dir);
    memset(s, 0, sizeof *s);
}

int64_t staffsrv_user(StaffSrv *s, const char *name, const char *password, const char *role,
                      ...)
{
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) != 0)
        return -1;
    int64_t ids[16];
    int n = 0;
    va_list ap;
    va_start(ap, role);
    for (const char *slug; n < 16 && (slug = va_arg(ap, const char *));) {
        OstoreCommunity c;
        if (ostore_community_get(s->store, slug, &c) != OSTORE_OK) {
            va_end(ap);
            return -1;
        }
        ids[n++] = c.id;
    }
    va_end(ap);
    int64_t id = -1;
    if (ostore_user_add(s->store, name, hash, role, ids, n, atomic_load(&s->now), &id) !=
        OSTORE_OK)
        return -1;
    return id;
}

typedef struct {
    const char *key;
    int64_t id;
} StaffsrvFind;

static int staffsrv_find(void *ud, const OstoreSuggestionRow *r)
{
    StaffsrvFind *f = ud;
    if (strcmp(r->key, f->key) == 0)
        f->id = r->id;
    return 0;
}

int64_t staffsrv_suggestion(StaffSrv *s, int64_t cid, const char *key, const char *topic,
                            const char *text, const char *receipt, int64_t at,
                            const char *contact)
{
    char body_hash[OSTORE_HASH_HEX];
    office_hash_hex(key, strlen(key), body_hash);
    OstoreIn in = {.community_id = cid, .kiosk_id = cid == s->cuihu ? s->kiosk_cuihu
                                                                     : s->kiosk_other,
                   .key = key, .body_hash = body_hash, .received_at = at};
    OstoreSuggestion sg = {.body = "{}", .topic = topic, .text = text, .date = "2025-12-01",
                           .receipt = receipt, .lang = "zh", .unreadable = text == NULL};
    if (ostore_suggestion_add(s->store, &in, &sg) != OSTORE_OK)
        return -1;
    if (contact) {
        char ckey[120];
        snprintf(ckey, sizeof ckey, "%s:contact", key);
        office_hash_hex(ckey, strlen(ckey), body_hash);
        OstoreIn ci = in;
        ci.key = ckey;
        if (ostore_contact_add(s->store, &ci, key, contact, false, false) != OSTORE_OK)
            return -1;
    }
    StaffsrvFind f = {key, -1};
    if (ostore_suggestion_list(s->store, cid, staffsrv_find, &f) != OSTORE_OK)
        return -1;
    return f.id;
}

/* ---- the client ---- */

static size_t staffsrv_body(char *p, size_t size, size_t n, void *ud)
{
    StaffResp *r = ud;
    size_t len = r->len, add = size * n;
    char *b = realloc(r->body, len + add + 1);
    if (!b)
        return 0;
    memcpy(b + len, p, add);
    b[len + add] = '\0';
    r->body = b;
    r->len = len + add;
    return add;
}

static void staffsrv_header_value(const char *line, size_t n, const char *name, char *out,
                                  size_t outn)
{
    size_t nl = strlen(name);
    if (n > nl + 1 && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
        const char *v = line + nl + 1;
        while (*v == ' ')
            v++;
        size_t vl = n - (size_t)(v - line);
        while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
            vl--;
        snprintf(out, outn, "%.*s", (int)vl, v);
    }
}

static size_t staffsrv_header(char *p, size_t size, size_t n, void *ud)
{
    StaffResp *r = ud;
    staffsrv_header_value(p, size * n, "Set-Cookie", r->set_cookie, sizeof r->set_cookie);
    staffsrv_header_value(p, size * n, "Retry-After", r->retry_after, sizeof r->retry_after);
    staffsrv_header_value(p, size * n, "Content-Type", r->content_type, sizeof r->content_type);
    staffsrv_header_value(p, size * n, "ETag", r->etag, sizeof r->etag);
    staffsrv_header_value(p, size * n, "Cache-Control", r->cache_control,
                          sizeof r->cache_control);
    staffsrv_header_value(p, size * n, "X-Content-Type-Options", r->nosniff, sizeof r->nosniff);
    return size * n;
}

long staffsrv_req(StaffSrv *s, const char *method, const char *path, const StaffSession *ses,
                  const char *csrf, const char *type, const char *body, StaffResp *out)
{
    return staffsrv_req_bin(s, method, path, ses, csrf, type, body, body ? strlen(body) : 0,
                            NULL, out);
}

long staffsrv_req_bin(StaffSrv *s, const char *method, const char *path, const StaffSession *ses,
                      const char *csrf, const char *type, const void *body, size_t len,
                      const char *extra_header, StaffResp *out)
{
    StaffResp r;
    memset(&r, 0, sizeof r);
    r.status = -1;
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    char url[2048], h[300];
    snprintf(url, sizeof url, "%s%s", s->url, path);
    struct curl_slist *hs = NULL;
    if (ses && ses->cookie[0]) {
        snprintf(h, sizeof h, "Cookie: %s", ses->cookie);
        hs = curl_slist_append(hs, h);
    }
    const char *token = csrf ? csrf : ses ? ses->csrf : "";
    if (token[0]) {
        snprintf(h, sizeof h, "X-CSRF-Token: %s", token);
        hs = curl_slist_append(hs, h);
    }
    if (body) {
        snprintf(h, sizeof h, "Content-Type: %s", type ? type : "application/json");
        hs = curl_slist_append(hs, h);
    }
    hs = curl_slist_append(hs, "Expect:");
    if (extra_header)
        hs = curl_slist_append(hs, extra_header);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, staffsrv_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, staffsrv_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    CURLcode cc = curl_easy_perform(c);
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    else
        fprintf(stderr, "staffsrv: %s %s: %s\n", method, path, curl_easy_strerror(cc));
    curl_slist_free_all(hs);
    curl_easy_cleanup(c);
    if (r.body)
        r.json = json_loads(r.body, 0, NULL);
    long st = r.status;
    if (out)
        *out = r;
    else
        staffsrv_resp_free(&r);
    return st;
}

void staffsrv_resp_free(StaffResp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

const char *staffsrv_code(const StaffResp *r)
{
    const char *c = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    return c ? c : "";
}

StaffSession staffsrv_login_ok(StaffSrv *s, const char *user, const char *password)
{
    StaffSession ses;
    long st = staffsrv_login(s, user, password, &ses);
    if (st != 200)
        fail_msg("login %s: %ld", user, st);
    return ses;
}

long staffsrv_login(StaffSrv *s, const char *user, const char *password, StaffSession *ses)
{
    json_t *b = json_pack("{s:s,s:s}", "user", user, "password", password);
    char *text = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    StaffResp r;
    long st = staffsrv_req(s, "POST", "/api/office/login", NULL, "", NULL, text, &r);
    free(text);
    if (st == 200 && ses) {
        memset(ses, 0, sizeof *ses);
        snprintf(ses->cookie, sizeof ses->cookie, "%.*s", (int)strcspn(r.set_cookie, ";"),
                 r.set_cookie);
        const char *csrf = json_string_value(json_object_get(r.json, "csrf"));
        snprintf(ses->csrf, sizeof ses->csrf, "%s", csrf ? csrf : "");
    }
    staffsrv_resp_free(&r);
    return st;
}

int staffsrv_start_team(StaffSrv *s, const char *password)
{
    if (staffsrv_start(s, NULL) < 0)
        return -1;
    if (staffsrv_user(s, "root", password, "admin", NULL) < 0 ||
        staffsrv_user(s, "wang", password, "manager", "cuihu", NULL) < 0 ||
        staffsrv_user(s, "li", password, "clerk", "cuihu", NULL) < 0 ||
        staffsrv_user(s, "zhao", password, "manager", "other", NULL) < 0)
        return -1;
    return 0;
}
