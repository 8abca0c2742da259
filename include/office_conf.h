/* office_conf.h - Lobby Office's settings file (/etc/lobby-kiosk/office.conf,
 * docs/OFFICE.md): INI with [server], [storage], [kiosks] and [staff] sections.
 * docs/OFFICE.md): INI with [server], [storage], [kiosks], [fleet],
 * [public] and [retention] sections.
 * Like the kiosk's: every key has a default, an unknown key or bad value
 * is an error naming the file and line. */
#ifndef OFFICE_CONF_H
#define OFFICE_CONF_H

#include <stdbool.h>
#include <stddef.h>

#define OFFICE_CONF_PATH "/etc/lobby-kiosk/office.conf"
#define OFFICE_PATH_MAX  512

typedef struct OfficeConf {
    /* [server] */
    char listen_host[256];          /* address to bind: IPv4, [IPv6] or a host name */
    int listen_port;                /* 0: any free port (tests) */
    char public_url[OFFICE_PATH_MAX];   /* base URL kiosks reach; "" = from the request */
    char tls_cert[OFFICE_PATH_MAX];     /* PEM certificate chain; "" = plain http (loopback only) */
    char tls_key[OFFICE_PATH_MAX];      /* PEM private key */
    int threads;                    /* worker threads */
    int request_timeout_s;          /* a connection idle this long is closed; a request
                                       that takes longer in all gets 408 */
    int max_body_kb;                /* largest request body of the kiosk endpoints */
    char console_dir[OFFICE_PATH_MAX];  /* the console's files; "" = found beside the program
                                           or in the share directory (office_static.h) */
    /* [storage] */
    char data_dir[OFFICE_PATH_MAX];     /* holds office.db and office.key by default */
    char database[OFFICE_PATH_MAX];     /* "" = DATA_DIR/office.db; or postgresql://... */
    /* [kiosks] */
    char office_key[OFFICE_PATH_MAX];   /* sealed-mode secret key; "" = DATA_DIR/office.key;
                                           "none" = no sealing */
    int enrol_code_hours;           /* an enrolment code is valid this long */
    char tracking_url[OFFICE_PATH_MAX]; /* "" = PUBLIC_URL/r/{receipt}; "none" = off */
    /* [staff] */
    int session_idle_minutes;       /* a staff session idle this long ends */
    int ack_hours;                  /* a suggestion is due to be acknowledged after this */
    int close_days;                 /* and to be closed after this */
    int enrol_per_hour;             /* enrolment attempts per address and hour */
    int image_uploads_per_hour;     /* [staff] picture uploads per staff user and hour */
    int previews_per_hour;          /* [staff] previews (kiosk drawings) per staff user and hour */
    /* [fleet] (docs/OFFICE.md, "Watching the fleet") */
    int heartbeat_interval_min;     /* the kiosks' heartbeat_interval_min */
    int heartbeat_keep;             /* heartbeats kept per kiosk (0: no count limit) */
    int heartbeat_keep_days;        /* heartbeats older than this are deleted daily (0: never) */
    int night_start_min, night_end_min; /* the night window, minutes; -1: none */
    int tick_s;                     /* the background jobs' period; 0: no background jobs */
    char webhook_url[OFFICE_PATH_MAX];  /* alerts are POSTed here; "" = off */
    int webhook_format;             /* OFFICE_WEBHOOK_* */
    int webhook_timeout_s;
    /* [public] */
    int reply_per_hour;             /* reply look-ups per address and hour */
    /* [retention] */
    int retention_days;             /* a closed suggestion's text is kept this long */
    int image_unused_days;          /* an uploaded picture no item names goes after this */
} OfficeConf;

enum { OFFICE_WEBHOOK_GENERIC, OFFICE_WEBHOOK_WECOM, OFFICE_WEBHOOK_DINGTALK,
       OFFICE_WEBHOOK_FEISHU };

/* The defaults. */
void office_conf_defaults(OfficeConf *c);

/* Read `path` over the current values. Returns 0, or -1 with "FILE:LINE:
 * message" in err. */
int office_conf_load(OfficeConf *c, const char *path, char *err, size_t errlen);

/* The effective database spec and key path (defaults filled in). */
void office_conf_database(const OfficeConf *c, char *out, size_t n);
/* "" when sealing is off ("none"). */
void office_conf_key_path(const OfficeConf *c, char *out, size_t n);

/* Whether `host` is a loopback address or "localhost" (literal only: no
 * name resolution). */
bool office_conf_is_loopback(const char *host);

#endif
