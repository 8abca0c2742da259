/* enrollctl.c - kioskctl enroll: a one-time code for the office's settings, written into kiosk.conf. */
#include "enrollctl.h"
#include "config_edit.h"
#include "export_sign.h"
#include "http.h"
#include "seal.h"
#include "upload.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

/* A string member, or NULL. */
static const char *enrollctl_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The office's error message, when its answer has one. */
static void enrollctl_refused(const HttpResponse *rs, FILE *err)
{
    json_t *v = rs->body ? json_loadb(rs->body, rs->body_len, 0, NULL) : NULL;
    const char *msg = enrollctl_str(json_object_get(v, "error"), "message");
    fprintf(err, "kioskctl: enroll: the office refused: %s (HTTP %ld)\n",
            msg ? msg : "no reason given", rs->status);
    json_decref(v);
}

static bool enrollctl_token_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n >= CONFIG_TOKEN_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (t[i] <= ' ' || t[i] > '~')
            return false;
    return true;
}

int enrollctl_enroll(const char *config_path, const Config *cfg, int argc, char **argv,
                     FILE *out, FILE *err)
{
    if (argc != 2) {
        fprintf(err, "kioskctl: enroll: expected the office's address and the code, e.g.\n"
                "  kioskctl enroll https://office.example.cn 7KQ4-M2XD\n");
        return ENROLLCTL_USAGE;
    }
    char base[CONFIG_URL_MAX - 64], url[CONFIG_URL_MAX], why[300];
    if (snprintf(base, sizeof base, "%s", argv[0]) >= (int)sizeof base) {
        fprintf(err, "kioskctl: enroll: the address is too long\n");
        return ENROLLCTL_USAGE;
    }
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/')
        base[--bl] = '\0';
    bool http = strncmp(base, "http://", 7) == 0;
    snprintf(url, sizeof url, "%s/api/enrol", base);
    /* As for every URL of the kiosk: https, or http only to loopback. */
    if (http_url_check(url, true, why, sizeof why) < 0) {
        fprintf(err, "kioskctl: enroll: %s\n", why);
        return ENROLLCTL_USAGE;
    }
    HttpPolicy pol;
    upload_policy(&cfg->upload, &pol);   /* the uploader's CA and timeouts */
    pol.allow_http_loopback = http;      /* the address given, checked above */
    /* The kiosk's export signing key: the office records its public half,
     * so it can tell this kiosk's USB bundles from any other's. */
    ExportSignKey sk;
    char export_pub[EXPORT_SIGN_KEY_B64 + 1], skerr[500];
    if (export_sign_load(cfg->data_dir, true, &sk, skerr, sizeof skerr) != 0) {
        fprintf(err, "kioskctl: enroll: %s (nothing was sent)\n", skerr);
        return ENROLLCTL_FAIL;
    }
    export_sign_public_b64(sk.pk, export_pub);
    export_sign_wipe(&sk);
    Http *h = http_create(&pol, why, sizeof why);
    if (!h) {
        fprintf(err, "kioskctl: enroll: %s\n", why);
        return ENROLLCTL_FAIL;
    }
    json_t *req = json_pack("{s:s, s:s}", "code", argv[1], "export_key", export_pub);
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!body) {
        http_destroy(h);
        fprintf(err, "kioskctl: enroll: out of memory\n");
        return ENROLLCTL_FAIL;
    }
    HttpRequest rq = {.method = "POST", .url = url, .body = body, .body_len = strlen(body)};
    HttpResponse rs;
    HttpResult hr = http_request(h, &rq, &rs);
    free(body);
    http_destroy(h);
    int rc = ENROLLCTL_FAIL;
    json_t *v = NULL;
    if (hr != HTTP_DONE) {
        fprintf(err, "kioskctl: enroll: %s: %s\n", base, rs.error);
        goto out;
    }
    if (rs.status != 200) {
        enrollctl_refused(&rs, err);
        rc = rs.status >= 400 && rs.status < 500 ? ENROLLCTL_USAGE : ENROLLCTL_FAIL;
        goto out;
    }
    v = rs.body ? json_loadb(rs.body, rs.body_len, 0, NULL) : NULL;
    static const char *const url_keys[] = {"upload_url", "contact_url", "content_url",
                                           "heartbeat_url"};
    const char *urls[4], *token = enrollctl_str(v, "device_token");
    const char *pub = enrollctl_str(v, "office_public_key");
    const char *tracking = enrollctl_str(v, "tracking_url");
    json_t *kiosk = json_object_get(v, "kiosk");
    for (int i = 0; i < 4; i++) {
        urls[i] = enrollctl_str(v, url_keys[i]);
        if (!urls[i] || strlen(urls[i]) >= CONFIG_URL_MAX ||
            http_url_check(urls[i], http, why, sizeof why) < 0) {
            fprintf(err, "kioskctl: enroll: the office's %s is not usable%s%s\n", url_keys[i],
                    urls[i] ? ": " : "", urls[i] ? why : "");
            goto out;
        }
    }
    if (!token || !enrollctl_token_ok(token)) {
        fprintf(err, "kioskctl: enroll: the office sent no usable device token\n");
        goto out;
    }
    SealPublic sp;
    if (pub && (strlen(pub) != SEAL_KEY_B64 || seal_load_public(pub, &sp, why, sizeof why) < 0)) {
        fprintf(err, "kioskctl: enroll: the office's public key is not a key\n");
        goto out;
    }
    if (tracking && (strncmp(tracking, "https://", 8) != 0 || !strstr(tracking, "{receipt}"))) {
        fprintf(err, "kioskctl: enroll: the office's tracking_url is not an https address with"
                " {receipt}\n");
        goto out;
    }
    ConfigEditKey keys[9];
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        keys[n++] = (ConfigEditKey){"upload", url_keys[i], urls[i]};
    keys[n++] = (ConfigEditKey){"upload", "device_token", token};
    if (http)
        keys[n++] = (ConfigEditKey){"upload", "allow_http_loopback", "true"};
    if (pub)
        keys[n++] = (ConfigEditKey){"staff", "office_public_key", pub};
    if (tracking)
        keys[n++] = (ConfigEditKey){"suggest", "tracking_url", tracking};
    char msg[800];
    if (config_edit_file(config_path, keys, n, msg, sizeof msg) < 0) {
        fprintf(err, "kioskctl: enroll: %s: %s (enrolled at the office, but not saved here: make"
                " a new code with officectl kiosk code)\n", config_path, msg);
        goto out;
    }
    fprintf(out, "enrolled as %s/%s at %s; settings written to %s%s\n"
            "restart the kiosk to use them (systemctl restart lobby-kiosk)\n",
            enrollctl_str(kiosk, "community") ? enrollctl_str(kiosk, "community") : "?",
            enrollctl_str(kiosk, "name") ? enrollctl_str(kiosk, "name") : "?", base, config_path,
            pub ? " (sealed mode on)" : "");
    rc = ENROLLCTL_OK;
out:
    json_decref(v);
    http_response_free(&rs);
    return rc;
}
