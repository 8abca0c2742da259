/* kiosk.c - wiring of settings, database, strings and app; content watch. */
#include "kiosk.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_strings(const char *dir)
{
    char p[PATH_MAX];
    struct stat st;
    if (snprintf(p, sizeof p, "%s/assets/i18n/strings.ini", dir) >= (int)sizeof p)
        return false;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int kiosk_find_share_dir(const Config *cfg, const char *argv0, char *buf, size_t n)
{
    if (cfg->share_dir[0]) {
        snprintf(buf, n, "%s", cfg->share_dir);
        return has_strings(buf) ? 0 : -1;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0 && argv0) {
        snprintf(exe, sizeof exe, "%s", argv0);
        len = (ssize_t)strlen(exe);
    }
    if (len > 0) {
        exe[len] = '\0';
        /* build/kiosk or build/san/kiosk in a checkout, PREFIX/bin/kiosk. */
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            if (has_strings(exe)) {
                snprintf(buf, n, "%s", exe);
                return 0;
            }
            char shared[PATH_MAX];
            if (snprintf(shared, sizeof shared, "%s/share/lobby-kiosk", exe) <
                    (int)sizeof shared && has_strings(shared)) {
                snprintf(buf, n, "%s", shared);
                return 0;
            }
        }
    }
    snprintf(buf, n, "/usr/share/lobby-kiosk");
    return has_strings(buf) ? 0 : -1;
}

int kiosk_open(Kiosk *k, const Config *cfg, const char *share_dir,
               const char *content_file, const TextMeasure *tm,
               int w, int h, int64_t now_ms, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    k->cfg = *cfg;
    dl_init(&k->frame);
    char msg[400], path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/assets/i18n/strings.ini", share_dir);
    k->i18n = i18n_load(path, msg, sizeof msg);
    if (!k->i18n) {
        snprintf(err, errlen, "%s", msg);
        return -1;
    }
    k->store = store_open(cfg->data_dir, msg, sizeof msg);
    if (!k->store) {
        snprintf(err, errlen, "database in %s: %s", cfg->data_dir, msg);
        i18n_free(k->i18n);
        return -1;
    }
    if (content_file && store_import_file(k->store, content_file, msg, sizeof msg) < 0) {
        snprintf(k->content_error, sizeof k->content_error, "%s", msg);
        fprintf(stderr, "kiosk: content %s rejected: %s; keeping the last good content\n",
                content_file, msg);
    }
    k->serial = store_content_serial(k->store);
    Content *c = store_load_content(k->store, msg, sizeof msg);
    if (!c && msg[0]) {
        snprintf(k->content_error, sizeof k->content_error, "%s", msg);
        fprintf(stderr, "kiosk: stored content unreadable: %s\n", msg);
    }
    k->app = app_create(&k->cfg, k->i18n, tm, c, w, h, now_ms);
    if (!k->app) {
        content_free(c);
        snprintf(err, errlen, "out of memory");
        kiosk_close(k);
        return -1;
    }
    /* Suggestions need the outbox and the pinyin engine. Without them the
     * kiosk still shows notices, and the flow says it is unavailable. */
    OutboxLimits lim = {cfg->queue_max_rows, (int64_t)cfg->queue_max_mb * 1024 * 1024,
                        cfg->topics};
    k->outbox = outbox_open(cfg->data_dir, &lim, msg, sizeof msg);
    if (!k->outbox)
        fprintf(stderr, "kiosk: suggestions cannot be saved: %s\n", msg);
    k->pinyin = pinyin_open(cfg->pinyin_dict[0] ? cfg->pinyin_dict : NULL, msg, sizeof msg);
    if (!k->pinyin)
        fprintf(stderr, "kiosk: pinyin input unavailable: %s\n", msg);
    app_attach_inputs(k->app, k->outbox, k->pinyin);
    k->next_poll_ms = now_ms + (int64_t)cfg->content_poll_s * 1000;
    return 0;
}

void kiosk_close(Kiosk *k)
{
    app_destroy(k->app);
    pinyin_close(k->pinyin);
    outbox_close(k->outbox);
    store_close(k->store);
    i18n_free(k->i18n);
    dl_free(&k->frame);
    memset(k, 0, sizeof *k);
}

bool kiosk_poll_content(Kiosk *k, int64_t now_ms, bool force)
{
    if (!force && now_ms < k->next_poll_ms)
        return false;
    k->next_poll_ms = now_ms + (int64_t)k->cfg.content_poll_s * 1000;
    int64_t serial = store_content_serial(k->store);
    if (serial < 0 || serial == k->serial)
        return false;
    char msg[400];
    Content *c = store_load_content(k->store, msg, sizeof msg);
    if (!c) {
        /* Keep showing what we have; try again at the next poll. */
        snprintf(k->content_error, sizeof k->content_error, "%s", msg);
        fprintf(stderr, "kiosk: new content unreadable, keeping the old: %s\n", msg);
        return false;
    }
    k->serial = serial;
    k->content_error[0] = '\0';
    app_set_content(k->app, c);
    return true;
}

void kiosk_view(Kiosk *k, int64_t now_ms)
{
    dl_reset(&k->frame);
    app_view(k->app, &k->frame, now_ms);
}
