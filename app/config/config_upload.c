/* config_upload.c - the [upload] settings: defaults and validation. */
#include "config_upload.h"
#include "batch.h"
#include "config_value.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void config_upload_defaults(ConfigUpload *u)
{
    memset(u, 0, sizeof *u);
    snprintf(u->upload_times, sizeof u->upload_times, "09:00,13:00,18:00");
    u->upload_batch_min = 5;
    u->backoff_base_ms = 30 * 1000;
    u->backoff_cap_ms = 6 * 3600 * 1000;
    u->delivered_keep_days = 30;
    u->sync_interval_min = 15;
    u->heartbeat_interval_min = 10;
    u->content_max_mb = 8;
    u->connect_timeout_s = 10;
    u->transfer_timeout_s = 60;
    u->low_speed_timeout_s = 20;
}

/* Seconds, possibly with a fraction ("0.5"), into milliseconds. */
static int cu_seconds(const char *v, double lo, double hi, int64_t *out_ms)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end != '\0' || !isfinite(d) || d < lo || d > hi)
        return -1;
    *out_ms = (int64_t)llround(d * 1000.0);
    return 0;
}

/* An http(s) URL that fits; the full policy (https only, loopback http
 * only when allowed) is applied when the kiosk uses it (http.h). */
static int cu_url(char *dst, const char *name, const char *v, char *m, size_t ml)
{
    if (strlen(v) >= CONFIG_URL_MAX) {
        snprintf(m, ml, "%s: longer than %d bytes", name, CONFIG_URL_MAX - 1);
        return 0;
    }
    if (*v && strncasecmp(v, "https://", 8) != 0 && strncasecmp(v, "http://", 7) != 0) {
        snprintf(m, ml, "%s: expected an https:// URL or nothing", name);
        return 0;
    }
    snprintf(dst, CONFIG_URL_MAX, "%s", v);
    return 1;
}

int config_upload_apply(ConfigUpload *u, const char *name, const char *value,
                        char *m, size_t ml)
{
    static const struct { const char *key; size_t off; } urls[] = {
        {"upload_url", offsetof(ConfigUpload, upload_url)},
        {"contact_url", offsetof(ConfigUpload, contact_url)},
        {"content_url", offsetof(ConfigUpload, content_url)},
        {"heartbeat_url", offsetof(ConfigUpload, heartbeat_url)},
    };
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++)
        if (strcmp(name, urls[i].key) == 0)
            return cu_url((char *)u + urls[i].off, name, value, m, ml);
    if (strcmp(name, "device_token") == 0) {
        size_t n = strlen(value);
        bool ok = n < sizeof u->device_token;
        for (size_t i = 0; ok && i < n; i++)   /* an HTTP header value: visible ASCII */
            ok = value[i] > ' ' && value[i] < 127;
        if (!ok) {
            snprintf(m, ml, "device_token: expected at most %zu visible ASCII characters",
                     sizeof u->device_token - 1);
            return 0;
        }
        memcpy(u->device_token, value, n + 1);
        return 1;
    }
    if (strcmp(name, "ca_file") == 0) {
        if (strlen(value) >= sizeof u->ca_file) {
            snprintf(m, ml, "ca_file: path longer than %zu bytes", sizeof u->ca_file - 1);
            return 0;
        }
        snprintf(u->ca_file, sizeof u->ca_file, "%s", value);
        return 1;
    }
    if (strcmp(name, "allow_http_loopback") == 0) {
        if (config_value_bool(value, &u->allow_http_loopback) < 0) {
            snprintf(m, ml, "allow_http_loopback: expected true or false");
            return 0;
        }
        return 1;
    }
    if (strcmp(name, "upload_times") == 0) {
        BatchTimes t;
        char why[120];
        if (strlen(value) >= sizeof u->upload_times) {
            snprintf(m, ml, "upload_times: longer than %zu bytes", sizeof u->upload_times - 1);
            return 0;
        }
        if (batch_parse_times(value, &t, why, sizeof why) < 0) {
            snprintf(m, ml, "upload_times: %s", why);
            return 0;
        }
        snprintf(u->upload_times, sizeof u->upload_times, "%s", value);
        return 1;
    }
    if (strcmp(name, "backoff_base_s") == 0 || strcmp(name, "backoff_cap_s") == 0) {
        bool base = name[8] == 'b';
        if (cu_seconds(value, base ? 0.01 : 0.1, base ? 3600 : 86400,
                       base ? &u->backoff_base_ms : &u->backoff_cap_ms) < 0) {
            snprintf(m, ml, "%s: expected seconds from %s to %s", name,
                     base ? "0.01" : "0.1", base ? "3600" : "86400");
            return 0;
        }
        return 1;
    }
    static const ConfigIntKey ints[] = {
        {"upload_batch_min", 0, 100000, offsetof(ConfigUpload, upload_batch_min)},
        {"delivered_keep_days", 0, 3650, offsetof(ConfigUpload, delivered_keep_days)},
        {"sync_interval_min", 1, 1440, offsetof(ConfigUpload, sync_interval_min)},
        {"heartbeat_interval_min", 1, 1440, offsetof(ConfigUpload, heartbeat_interval_min)},
        {"content_max_mb", 1, 8, offsetof(ConfigUpload, content_max_mb)},
        {"connect_timeout_s", 1, 300, offsetof(ConfigUpload, connect_timeout_s)},
        {"transfer_timeout_s", 1, 3600, offsetof(ConfigUpload, transfer_timeout_s)},
        {"low_speed_timeout_s", 1, 600, offsetof(ConfigUpload, low_speed_timeout_s)},
    };
    return config_value_int_key(ints, sizeof ints / sizeof *ints, u, name, value, m, ml);
}

void config_upload_contact_url(const ConfigUpload *u, char *out, size_t n)
{
    if (!u->upload_url[0]) {
        snprintf(out, n, "%s", "");
        return;
    }
    if (u->contact_url[0]) {
        snprintf(out, n, "%s", u->contact_url);
        return;
    }
    /* Insert "/contact" before a query string, without doubling a slash. */
    const char *q = strchr(u->upload_url, '?');
    size_t base = q ? (size_t)(q - u->upload_url) : strlen(u->upload_url);
    bool slash = base > 0 && u->upload_url[base - 1] == '/';
    snprintf(out, n, "%.*s%s%s", (int)base, u->upload_url, slash ? "contact" : "/contact",
             q ? q : "");
}
