/* office_conf.c - the office's settings file (INI, read by inifile.c as the kiosk's), with line numbers in errors. */
#include "office_conf.h"
#include "inifile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void office_conf_defaults(OfficeConf *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
    c->listen_port = 8080;
    c->threads = 4;
    c->request_timeout_s = 30;
    c->max_body_kb = 256;
    snprintf(c->data_dir, sizeof c->data_dir, "/var/lib/lobby-office");
    c->enrol_code_hours = 24;
    c->session_idle_minutes = 30;
    c->ack_hours = 24;
    c->close_days = 7;
    c->enrol_per_hour = 20;
    c->heartbeat_interval_min = 10;
    c->heartbeat_keep = 2000;
    c->heartbeat_keep_days = 90;
    c->night_start_min = c->night_end_min = -1;
    c->tick_s = 60;
    c->webhook_format = OFFICE_WEBHOOK_GENERIC;
    c->webhook_timeout_s = 10;
    c->reply_per_hour = 30;
    c->retention_days = 180;
    c->image_uploads_per_hour = 120;
    c->previews_per_hour = 240;
    c->image_unused_days = 30;
}

/* "HH:MM" into minutes after midnight; "" is -1 (none). */
static int office_conf_hhmm(const char *v, int *out)
{
    if (!v[0]) {
        *out = -1;
        return 0;
    }
    if (strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '2' || v[1] < '0' || v[1] > '9' ||
        v[3] < '0' || v[3] > '5' || v[4] < '0' || v[4] > '9')
        return -1;
    int h = (v[0] - '0') * 10 + (v[1] - '0');
    if (h > 23)
        return -1;
    *out = h * 60 + (v[3] - '0') * 10 + (v[4] - '0');
    return 0;
}

bool office_conf_is_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
        strcmp(host, "[::1]") == 0)
        return true;
    struct in_addr a;
    return inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

static int office_conf_int(const char *v, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi)
        return -1;
    *out = (int)n;
    return 0;
}

static int office_conf_path(char *dst, const char *v, char *m, size_t ml, const char *name)
{
    if (strlen(v) >= OFFICE_PATH_MAX) {
        snprintf(m, ml, "%s: longer than %d bytes", name, OFFICE_PATH_MAX - 1);
        return 0;
    }
    snprintf(dst, OFFICE_PATH_MAX, "%s", v);
    return 1;
}

/* "host:port", "[v6]:port" or ":port". */
static int office_conf_listen(OfficeConf *c, const char *v, char *m, size_t ml)
{
    const char *colon = strrchr(v, ':');
    if (!colon || (v[0] == '[' && (colon == v || colon[-1] != ']')) ||
        office_conf_int(colon + 1, 0, 65535, &c->listen_port) < 0 ||
        (size_t)(colon - v) >= sizeof c->listen_host) {
        snprintf(m, ml, "listen: expected ADDRESS:PORT, e.g. 127.0.0.1:8080 or [::1]:8443");
        return 0;
    }
    size_t n = (size_t)(colon - v);
    if (v[0] == '[')
        memcpy(c->listen_host, v + 1, n - 2), c->listen_host[n - 2] = '\0';
    else if (n == 0)
        snprintf(c->listen_host, sizeof c->listen_host, "0.0.0.0");
    else
        memcpy(c->listen_host, v, n), c->listen_host[n] = '\0';
    return 1;
}

#define IS(sec, key) (strcmp(section, sec) == 0 && strcmp(name, key) == 0)

static int office_conf_apply(OfficeConf *c, const char *section, const char *name,
                             const char *v, char *m, size_t ml)
{
    if (IS("server", "listen"))
        return office_conf_listen(c, v, m, ml);
    if (IS("server", "public_url")) {
        if (v[0] && strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) {
            snprintf(m, ml, "public_url: expected an https:// address");
            return 0;
        }
        int r = office_conf_path(c->public_url, v, m, ml, name);
        size_t n = strlen(c->public_url);
        while (n > 0 && c->public_url[n - 1] == '/')
            c->public_url[--n] = '\0';
        return r;
    }
    if (IS("server", "tls_cert"))
        return office_conf_path(c->tls_cert, v, m, ml, name);
    if (IS("server", "tls_key"))
        return office_conf_path(c->tls_key, v, m, ml, name);
    if (IS("server", "console_dir"))
        return office_conf_path(c->console_dir, v, m, ml, name);
    static const struct { const char *sec, *key; long lo, hi; size_t off; } ints[] = {
        {"server", "threads", 1, 64, offsetof(OfficeConf, threads)},
        {"server", "request_timeout_s", 1, 3600, offsetof(OfficeConf, request_timeout_s)},
        {"server", "max_body_kb", 1, 65536, offsetof(OfficeConf, max_body_kb)},
        {"kiosks", "enrol_code_hours", 1, 720, offsetof(OfficeConf, enrol_code_hours)},
        {"staff", "session_idle_minutes", 1, 1440, offsetof(OfficeConf, session_idle_minutes)},
        {"staff", "ack_hours", 1, 720, offsetof(OfficeConf, ack_hours)},
        {"staff", "close_days", 1, 365, offsetof(OfficeConf, close_days)},
        {"kiosks", "enrol_per_hour", 1, 100000, offsetof(OfficeConf, enrol_per_hour)},
        {"fleet", "heartbeat_interval_min", 1, 1440, offsetof(OfficeConf, heartbeat_interval_min)},
        {"fleet", "heartbeat_keep", 0, 1000000, offsetof(OfficeConf, heartbeat_keep)},
        {"fleet", "heartbeat_keep_days", 0, 36500, offsetof(OfficeConf, heartbeat_keep_days)},
        {"fleet", "tick_s", 0, 3600, offsetof(OfficeConf, tick_s)},
        {"fleet", "webhook_timeout_s", 1, 120, offsetof(OfficeConf, webhook_timeout_s)},
        {"public", "reply_per_hour", 1, 100000, offsetof(OfficeConf, reply_per_hour)},
        {"retention", "retention_days", 0, 36500, offsetof(OfficeConf, retention_days)},
        {"staff", "image_uploads_per_hour", 1, 100000,
         offsetof(OfficeConf, image_uploads_per_hour)},
        {"staff", "previews_per_hour", 1, 100000, offsetof(OfficeConf, previews_per_hour)},
        {"retention", "image_unused_days", 0, 36500, offsetof(OfficeConf, image_unused_days)},
    };
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        if (IS(ints[i].sec, ints[i].key)) {
            if (office_conf_int(v, ints[i].lo, ints[i].hi, (int *)((char *)c + ints[i].off)) < 0) {
                snprintf(m, ml, "%s: expected a whole number from %ld to %ld", name, ints[i].lo,
                         ints[i].hi);
                return 0;
            }
            return 1;
        }
    if (IS("fleet", "night_start") || IS("fleet", "night_end")) {
        int *dst = strcmp(name, "night_start") == 0 ? &c->night_start_min : &c->night_end_min;
        if (office_conf_hhmm(v, dst) < 0) {
            snprintf(m, ml, "%s: expected HH:MM (local time), or nothing for no night", name);
            return 0;
        }
        return 1;
    }
    if (IS("fleet", "webhook_url")) {
        if (v[0] && strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) {
            snprintf(m, ml, "webhook_url: expected an https:// address, or nothing for none");
            return 0;
        }
        return office_conf_path(c->webhook_url, v, m, ml, name);
    }
    if (IS("fleet", "webhook_format")) {
        static const char *const fmts[] = {"generic", "wecom", "dingtalk", "feishu"};
        for (int i = 0; i < 4; i++)
            if (strcmp(v, fmts[i]) == 0) {
                c->webhook_format = i;
                return 1;
            }
        snprintf(m, ml, "webhook_format: expected generic, wecom, dingtalk or feishu");
        return 0;
    }
    if (IS("storage", "data_dir"))
        return office_conf_path(c->data_dir, v, m, ml, name);
    if (IS("storage", "database"))
        return office_conf_path(c->database, v, m, ml, name);
    if (IS("kiosks", "office_key"))
        return office_conf_path(c->office_key, v, m, ml, name);
    if (IS("kiosks", "tracking_url")) {
        if (v[0] && strcmp(v, "none") != 0 &&
            (strncmp(v, "https://", 8) != 0 || !strstr(v, "{receipt}"))) {
            snprintf(m, ml, "tracking_url: expected an https:// address with {receipt} in it,"
                            " or none");
            return 0;
        }
        return office_conf_path(c->tracking_url, v, m, ml, name);
    }
    if (!section[0])
        snprintf(m, ml, "%s: keys belong in a [section] (see docs/OFFICE.md)", name);
    else
        snprintf(m, ml, "unknown key [%s] %s (see docs/OFFICE.md)", section, name);
    return 0;
}

typedef struct {
    OfficeConf *c;
} OfficeConfParse;

static int office_conf_entry(void *user, const InifileEntry *e, char *msg, size_t msglen)
{
    OfficeConfParse *p = user;
    if (!e->key)
        return 0;   /* a [section] line: its keys say whether it is known */
    return office_conf_apply(p->c, e->section, e->key, e->value, msg, msglen) ? 0 : -1;
}

int office_conf_load(OfficeConf *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    OfficeConfParse p = {.c = c};
    int line = 0;
    char msg[300];
    int rc = inifile_parse(f, INIFILE_INLINE_COMMENTS, office_conf_entry, &p, &line, msg,
                           sizeof msg);
    fclose(f);
    if (rc == 0)
        return 0;
    if (line == 0)
        snprintf(err, errlen, "%s: cannot read: %s", path, msg);
    else
        snprintf(err, errlen, "%s:%d: %s", path, line, msg);
    return -1;
}

void office_conf_database(const OfficeConf *c, char *out, size_t n)
{
    if (c->database[0])
        snprintf(out, n, "%s", c->database);
    else
        snprintf(out, n, "%s/office.db", c->data_dir);
}

void office_conf_key_path(const OfficeConf *c, char *out, size_t n)
{
    if (strcmp(c->office_key, "none") == 0)
        snprintf(out, n, "%s", "");
    else if (c->office_key[0])
        snprintf(out, n, "%s", c->office_key);
    else
        snprintf(out, n, "%s/office.key", c->data_dir);
}
