/* config_upload.h - the [upload] section of the settings file: where and how
 * the kiosk uploads suggestions, syncs content and sends heartbeats
 * (docs/CONFIG.md, docs/PROTOCOL.md). Part of Config (config.h). */
#ifndef CONFIG_UPLOAD_H
#define CONFIG_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_URL_MAX   1024
#define CONFIG_TOKEN_MAX  256

typedef struct ConfigUpload {
    char upload_url[CONFIG_URL_MAX];    /* "" = uploading disabled */
    char contact_url[CONFIG_URL_MAX];   /* "" = upload_url + "/contact" */
    char content_url[CONFIG_URL_MAX];   /* "" = no content sync */
    char heartbeat_url[CONFIG_URL_MAX]; /* "" = no heartbeat */
    char device_token[CONFIG_TOKEN_MAX];/* sent as Authorization: Bearer; never logged */
    char ca_file[512];                  /* "" = the system's CA store */
    bool allow_http_loopback;           /* plain http to 127.0.0.0/8, ::1, localhost */
    char upload_times[512];             /* "HH:MM, HH:MM": local batch times (up to 48) */
    int upload_batch_min;               /* a batch also opens at this many waiting; 0 = off */
    int64_t backoff_base_ms, backoff_cap_ms;
    int delivered_keep_days;            /* then delivered rows are deleted */
    int sync_interval_min;              /* content sync period */
    int heartbeat_interval_min;
    int content_max_mb;                 /* download cap of the content document */
    int connect_timeout_s, transfer_timeout_s, low_speed_timeout_s;
} ConfigUpload;

/* Fill in the defaults (docs/CONFIG.md). */
void config_upload_defaults(ConfigUpload *u);

/* Apply one key of the [upload] section. Returns 1 when applied, 0 with a
 * message in m for a bad value, -1 when `name` is not an [upload] key
 * (m untouched). Never copies the token into m. */
int config_upload_apply(ConfigUpload *u, const char *name, const char *value,
                        char *m, size_t ml);

/* The URL contact records go to: contact_url, or upload_url + "/contact"
 * (before any query string). Writes "" when uploading is disabled. */
void config_upload_contact_url(const ConfigUpload *u, char *out, size_t n);

#endif
