/* config.c - the settings file (inifile.h) with validation and line numbers. */
#include "config.h"
#include "imgcache.h"
#include "config_value.h"
#include "inifile.h"
#include "outbox.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void config_defaults(Config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->data_dir, sizeof c->data_dir, "/var/lib/lobby-kiosk");
    c->default_lang = LANG_ZH;
    c->idle_timeout_s = 90;
    c->content_poll_s = 2;
    c->image_cache_mb = (int)(IMGCACHE_DEFAULT_MAX >> 20);
    c->fullscreen = true;
    c->width = 1920;
    c->height = 1080;
    c->software_render = true;
    c->night_start_min = 23 * 60;
    c->night_end_min = 6 * 60;
    c->night_blank = false;
    snprintf(c->topics, sizeof c->topics, "%s", OUTBOX_DEFAULT_TOPICS);
    c->suggest_idle_s = 60;
    c->still_there_s = 15;
    c->rate_burst = 3;
    c->rate_refill_s = 300;
    c->queue_max_rows = OUTBOX_DEFAULT_MAX_ROWS;
    c->queue_max_mb = 20;
    config_staff_defaults(&c->staff);
    config_upload_defaults(&c->upload);
}

int config_parse_lang(const char *s)
{
    if (strcmp(s, "zh") == 0)
        return LANG_ZH;
    if (strcmp(s, "en") == 0)
        return LANG_EN;
    return -1;
}

static int set_path(char *dst, const char *v, char *msg, size_t msglen)
{
    if (strlen(v) >= CONFIG_PATH_MAX) {
        snprintf(msg, msglen, "path longer than %d bytes", CONFIG_PATH_MAX - 1);
        return -1;
    }
    snprintf(dst, CONFIG_PATH_MAX, "%s", v);
    return 0;
}

#define IS(sec, key) (strcmp(section, sec) == 0 && strcmp(name, key) == 0)

/* Apply one key; returns 1, or 0 with a message in m. */
static int apply(Config *c, const char *section, const char *name,
                 const char *value, char *m, size_t ml)
{
    int lang;

    if (IS("kiosk", "data_dir"))
        return set_path(c->data_dir, value, m, ml) == 0;
    if (IS("kiosk", "share_dir"))
        return set_path(c->share_dir, value, m, ml) == 0;
    if (IS("kiosk", "default_lang")) {
        if ((lang = config_parse_lang(value)) < 0) {
            snprintf(m, ml, "default_lang: expected zh or en");
            return 0;
        }
        c->default_lang = (Lang)lang;
        return 1;
    }
    if (IS("kiosk", "idle_timeout_s")) {
        if (config_value_int(value, 10, 3600, &c->idle_timeout_s) < 0) {
            snprintf(m, ml, "idle_timeout_s: expected whole seconds from 10 to 3600");
            return 0;
        }
        return 1;
    }
    if (IS("kiosk", "content_poll_s")) {
        if (config_value_int(value, 1, 3600, &c->content_poll_s) < 0) {
            snprintf(m, ml, "content_poll_s: expected whole seconds from 1 to 3600");
            return 0;
        }
        return 1;
    }
    if (IS("kiosk", "image_cache_mb")) {
        if (config_value_int(value, 16, 65536, &c->image_cache_mb) < 0) {
            snprintf(m, ml, "image_cache_mb: expected whole megabytes from 16 to 65536");
            return 0;
        }
        return 1;
    }
    if (IS("suggest", "tracking_url")) {
        if (value[0] && (strncmp(value, "https://", 8) != 0 || !strstr(value, "{receipt}"))) {
            snprintf(m, ml, "tracking_url: expected an https:// address with {receipt} in it");
            return 0;
        }
        return set_path(c->tracking_url, value, m, ml) == 0;
    }
    if (IS("suggest", "topics")) {
        /* Checked here as outbox_open will, so a bad list names its line. */
        char ids[OUTBOX_MAX_TOPICS][OUTBOX_TOPIC_MAX], why[120];
        if (strlen(value) >= sizeof c->topics) {
            snprintf(m, ml, "topics: longer than %zu bytes", sizeof c->topics - 1);
            return 0;
        }
        if (outbox_topics_parse(value, ids, why, sizeof why) < 0) {
            snprintf(m, ml, "topics: %s", why);
            return 0;
        }
        snprintf(c->topics, sizeof c->topics, "%s", value);
        return 1;
    }
    static const ConfigIntKey ints[] = {
        {"idle_timeout_s", 15, 3600, offsetof(Config, suggest_idle_s)},
        {"still_there_s", 5, 300, offsetof(Config, still_there_s)},
        {"rate_burst", 1, 100, offsetof(Config, rate_burst)},
        {"rate_refill_s", 1, 86400, offsetof(Config, rate_refill_s)},
        {"queue_max_rows", 10, 1000000, offsetof(Config, queue_max_rows)},
        {"queue_max_mb", 1, 4096, offsetof(Config, queue_max_mb)},
    };
    if (strcmp(section, "suggest") == 0) {
        int r = config_value_int_key(ints, sizeof ints / sizeof *ints, c, name, value, m, ml);
        if (r >= 0)
            return r;
    }
    if (IS("suggest", "pinyin_dict"))
        return set_path(c->pinyin_dict, value, m, ml) == 0;
    if (IS("suggest", "handwriting_model"))
        return set_path(c->handwriting_model, value, m, ml) == 0;
    if (IS("display", "fullscreen")) {
        if (config_value_bool(value, &c->fullscreen) < 0) {
            snprintf(m, ml, "fullscreen: expected true or false");
            return 0;
        }
        return 1;
    }
    if (IS("display", "width") || IS("display", "height")) {
        int *dst = strcmp(name, "width") == 0 ? &c->width : &c->height;
        if (config_value_int(value, CONFIG_SIZE_MIN, CONFIG_SIZE_MAX, dst) < 0) {
            snprintf(m, ml, "%s: expected pixels from %d to %d", name, CONFIG_SIZE_MIN,
                     CONFIG_SIZE_MAX);
            return 0;
        }
        return 1;
    }
    if (IS("display", "night_start") || IS("display", "night_end")) {
        int *dst = strcmp(name, "night_start") == 0 ? &c->night_start_min : &c->night_end_min;
        int hh, mm;
        char extra;
        if (value[0] == '\0') {
            c->night_start_min = c->night_end_min = -1;   /* no night */
            return 1;
        }
        if (sscanf(value, "%d:%d%c", &hh, &mm, &extra) != 2 || hh < 0 || hh > 23 || mm < 0 ||
            mm > 59) {
            snprintf(m, ml, "%s: expected a time of day HH:MM, or nothing for no night", name);
            return 0;
        }
        *dst = hh * 60 + mm;
        return 1;
    }
    if (IS("display", "night_mode")) {
        if (strcmp(value, "dim") == 0)
            c->night_blank = false;
        else if (strcmp(value, "blank") == 0)
            c->night_blank = true;
        else {
            snprintf(m, ml, "night_mode: expected dim or blank");
            return 0;
        }
        return 1;
    }
    if (IS("display", "renderer")) {
        if (strcmp(value, "software") == 0)
            c->software_render = true;
        else if (strcmp(value, "accelerated") == 0)
            c->software_render = false;
        else {
            snprintf(m, ml, "renderer: expected software or accelerated");
            return 0;
        }
        return 1;
    }
    if (strcmp(section, "staff") == 0) {
        int r = config_staff_apply(&c->staff, name, value, m, ml);
        if (r >= 0)
            return r;
    }
    if (strcmp(section, "upload") == 0) {
        int r = config_upload_apply(&c->upload, name, value, m, ml);
        if (r >= 0)
            return r;
    }
    if (section[0] == '\0')
        snprintf(m, ml, "%s: keys belong in a [section] (see docs/CONFIG.md)", name);
    else
        snprintf(m, ml, "unknown key [%s] %s (see docs/CONFIG.md)", section, name);
    return 0;
}

/* The sections of docs/CONFIG.md: an empty unknown one is a typo too.
 * (Not written as a table row: test_config_dist reads rows as keys.) */
static const char *const config_sections[] = {
    "kiosk", "suggest", "display", "staff", "upload",
};

static int config_entry(void *user, const InifileEntry *e, char *msg, size_t msglen)
{
    if (!e->key) {
        for (size_t i = 0; i < sizeof config_sections / sizeof *config_sections; i++)
            if (strcmp(e->section, config_sections[i]) == 0)
                return 0;
        snprintf(msg, msglen, "unknown section [%.60s] (see docs/CONFIG.md)", e->section);
        return -1;
    }
    return apply(user, e->section, e->key, e->value, msg, msglen) ? 0 : -1;
}

int config_load(Config *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    char msg[300];
    int line;
    int rc = inifile_parse(f, INIFILE_INLINE_COMMENTS, config_entry, c, &line, msg, sizeof msg);
    fclose(f);
    if (rc == 0)
        return 0;
    if (line > 0)
        snprintf(err, errlen, "%s:%d: %s", path, line, msg);
    else
        snprintf(err, errlen, "%s: %s", path, msg);
    return -1;
}
