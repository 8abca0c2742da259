/* kiosk.c - wiring of settings, database, strings and app; content watch. */
#include "kiosk.h"
#include "imgcache.h"
#include "seal.h"

#include "timeutil.h"
#include "wallclock.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "audit.h"
#include "staff.h"
#include <unistd.h>

struct Kiosk {
    Config cfg;
    Store *store;
    I18n *i18n;
    Outbox *outbox;               /* suggestions; NULL if it could not open */
    Pinyin *pinyin;               /* NULL if the dictionary is missing */
    bool shown;                   /* the first frame is on screen */
    bool inputs_started;          /* the pinyin load was started after it */
    bool inputs_checked;          /* and its outcome is known */
    Uploader *uploader;           /* upload, sync, heartbeat; NULL if it could not start;
                                   * launched after the first frame (kiosk_shown) */
    bool uploader_told;           /* a launch failure was logged */
    App *app;
    DrawList frame;               /* the last frame drawn (hit testing) */
    int64_t serial;               /* content serial the app shows */
    int64_t next_poll_ms;
    char content_error[512];      /* why the last import or load failed */
    int64_t next_info_ms;         /* when to refresh the staff panel's figures */
    int64_t next_retry_ms;        /* a read-only (full) database: next try to reopen it */
    bool quit;                    /* staff chose to leave the kiosk */
    struct StaffExport *export_job; /* an export to a USB drive, running */
    ImgCache *images;             /* pictures (DIR/images); NULL if it could not open */
    Wallclock wc;                 /* the believed time (kiosk_clock_attach) */
    bool wc_on;                   /* attached: kiosk_clock applies the policy */
    bool wc_flagged;              /* clock_not_set is raised */
    int64_t wc_office_mono;       /* the office Date last taken (its mono time) */
    int64_t wc_last, wc_last_mono;   /* the last believed time, to see steps */
};

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

static void load_default_lang(Kiosk *k);
static void kiosk_share_flags(Kiosk *k);

/* How often a kiosk that started read-only (a full disk) tries again. */
#define KIOSK_RETRY_MS 30000

Kiosk *kiosk_open(const Config *cfg, const char *share_dir, const char *content_file,
                  const TextMeasure *tm, int w, int h, int64_t now_ms, char *err,
                  size_t errlen)
{
    Kiosk *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    k->cfg = *cfg;
    dl_init(&k->frame);
    char msg[400], path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/assets/i18n/strings.ini", share_dir);
    k->i18n = i18n_load(path, msg, sizeof msg);
    if (!k->i18n) {
        snprintf(err, errlen, "%s", msg);
        free(k);
        return NULL;
    }
    /* A damaged database is moved aside (never deleted) and the kiosk
     * starts on a fresh one: staff are told below, once the outbox (which
     * holds the flags) is open. docs/OPERATIONS.md, "When the database is
     * damaged". */
    k->store = store_open_recover(cfg->data_dir, msg, sizeof msg);
    if (!k->store) {
        snprintf(err, errlen, "database in %s: %s", cfg->data_dir, msg);
        i18n_free(k->i18n);
        free(k);
        return NULL;
    }
    const char *why, *moved = store_recovered(k->store, &why);
    if (moved)
        fprintf(stderr, "kiosk: the database was damaged (%s); moved it aside to %s/%s and "
                "started on a fresh one: import the content again (docs/OPERATIONS.md, "
                "\"When the database is damaged\")\n", why, cfg->data_dir, moved);
    bool lost = store_lost(k->store);
    if (lost)
        fprintf(stderr, "kiosk: the database in %s is empty or was missing, but this data"
                " directory held content or suggestions before (%s): they are lost; staff"
                " are told (docs/OPERATIONS.md, \"When the database is lost\")\n",
                cfg->data_dir, STORE_DATA_MARK);
    if (store_readonly(k->store) && !store_disk_full(k->store))
        fprintf(stderr, "kiosk: the database in %s is read-only (a read-only file system?): "
                "showing the stored content, but suggestions cannot be saved\n", cfg->data_dir);
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
        return NULL;
    }
    /* Pictures: without the cache the kiosk shows text only. */
    k->images = imgcache_open(cfg->data_dir, (int64_t)cfg->image_cache_mb << 20, msg, sizeof msg);
    if (!k->images)
        fprintf(stderr, "kiosk: pictures not shown: %s\n", msg);
    app_set_images(k->app, k->images);
    /* Suggestions need the outbox and the pinyin engine. Without them the
     * kiosk still shows notices, and the flow says it is unavailable. */
    OutboxLimits lim = {cfg->queue_max_rows, (int64_t)cfg->queue_max_mb * 1024 * 1024,
                        cfg->topics};
    k->outbox = outbox_open(cfg->data_dir, &lim, msg, sizeof msg);
    if (!k->outbox)
        fprintf(stderr, "kiosk: suggestions cannot be saved: %s\n", msg);
    if (k->outbox && moved) {
        char detail[OUTBOX_FLAG_DETAIL_MAX];
        snprintf(detail, sizeof detail, "moved aside to %s; import the content again", moved);
        outbox_flag_raise(k->outbox, "database_corrupt", detail, now_ms / 1000);
    }
    if (k->outbox && lost)
        outbox_flag_raise(k->outbox, "database_lost", "kiosk.db was found empty or missing"
                          " where content or suggestions were kept: they are gone; import the"
                          " content again", now_ms / 1000);
    if (store_readonly(k->store)) {
        /* Said on the suggestion tile at once, not after writing it all;
         * kiosk_poll_content opens the database again once it can. */
        app_set_suggest_paused(k->app, true);
        k->next_retry_ms = now_ms + KIOSK_RETRY_MS;
    }
    if (store_disk_full(k->store)) {
        char detail[OUTBOX_FLAG_DETAIL_MAX];
        snprintf(detail, sizeof detail, "the disk is full (%lld KiB free): content is shown,"
                 " suggestions are paused until space is freed",
                 (long long)store_free_bytes(cfg->data_dir) / 1024);
        fprintf(stderr, "kiosk: %s in %s\n", detail, cfg->data_dir);
        if (k->outbox)
            outbox_flag_raise(k->outbox, "disk_full", detail, now_ms / 1000);
    } else if (k->outbox && store_readonly(k->store))   /* kept in memory: the file refuses it */
        outbox_flag_raise(k->outbox, "database_readonly", "the data directory is read-only;"
                          " suggestions cannot be saved", now_ms / 1000);
    /* Sealed mode: a configured office key that cannot be read is a
     * start-up error, never a silent fall back to storing plain text. */
    if (cfg->staff.office_public_key[0]) {
        SealPublic pub;
        if (seal_load_public(cfg->staff.office_public_key, &pub, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "[staff] office_public_key: %s", msg);
            kiosk_close(k);
            return NULL;
        }
        if (k->outbox)
            outbox_set_seal_key(k->outbox, &pub);
    }
    /* The dictionary is checked now, loaded once the first frame is on
     * screen (kiosk_tick), on a thread of its own: a key pressed sooner
     * waits for it. */
    k->pinyin = pinyin_open_later(cfg->pinyin_dict[0] ? cfg->pinyin_dict : NULL, msg,
                                  sizeof msg);
    if (!k->pinyin)
        fprintf(stderr, "kiosk: pinyin input unavailable: %s\n", msg);
    app_attach_inputs(k->app, k->outbox, k->pinyin);
    /* The network worker: without it the kiosk works offline and the
     * staff panel says why. Checked now, started after the first frame
     * (kiosk_shown): its thread then loads libcurl, which that frame does
     * not need. */
    k->uploader = uploader_prepare(cfg, msg, sizeof msg);
    if (!k->uploader)
        fprintf(stderr, "kiosk: uploading and content sync are off: %s\n", msg);
    kiosk_share_flags(k);   /* before the first heartbeat goes, as a rule */
    load_default_lang(k);
    k->next_poll_ms = now_ms + (int64_t)cfg->content_poll_s * 1000;
    return k;
}

void kiosk_close(Kiosk *k)
{
    if (!k)
        return;
    staff_export_free(k->export_job);   /* waits for a running export */
    uploader_stop(k->uploader);   /* first: it may be mid-transfer */
    app_destroy(k->app);
    imgcache_close(k->images);
    store_note_data(k->store);   /* suggestions made since the last poll */
    pinyin_close(k->pinyin);
    outbox_close(k->outbox);
    store_close(k->store);
    i18n_free(k->i18n);
    dl_free(&k->frame);
    free(k);
}

/* A kiosk that started on a full or read-only disk opens its database
 * normally again as soon as it can (a new Store, outbox and uploader take
 * the place of the read-only ones; the lock moves across), and takes
 * suggestions again. docs/OPERATIONS.md, "When the disk is full". */
static void kiosk_retry_store(Kiosk *k, int64_t now_ms)
{
    if (!store_readonly(k->store) || now_ms < k->next_retry_ms)
        return;
    k->next_retry_ms = now_ms + KIOSK_RETRY_MS;
    bool was_full = store_disk_full(k->store);
    int64_t free_b = store_free_bytes(k->cfg.data_dir);
    if (was_full ? free_b >= 0 && free_b < STORE_FULL_BYTES
                 : access(k->cfg.data_dir, W_OK) != 0)
        return;   /* still full, or still read-only: not worth an open */
    char msg[400];
    Store *s = store_open(k->cfg.data_dir, msg, sizeof msg);
    if (!s || store_readonly(s)) {
        store_close(s);
        return;
    }
    OutboxLimits lim = {k->cfg.queue_max_rows, (int64_t)k->cfg.queue_max_mb * 1024 * 1024,
                        k->cfg.topics};
    Outbox *ob = outbox_open(k->cfg.data_dir, &lim, msg, sizeof msg);
    SealPublic pub;
    if (ob && k->cfg.staff.office_public_key[0]) {
        if (seal_load_public(k->cfg.staff.office_public_key, &pub, msg, sizeof msg) < 0) {
            outbox_close(ob);
            ob = NULL;
        } else {
            outbox_set_seal_key(ob, &pub);
        }
    }
    if (!ob) {
        store_close(s);
        return;
    }
    uploader_stop(k->uploader);   /* its connections are read-only too */
    app_attach_inputs(k->app, ob, k->pinyin);
    outbox_close(k->outbox);
    store_adopt_lock(s, k->store);
    store_close(k->store);
    k->store = s;
    k->outbox = ob;
    k->uploader = uploader_prepare(&k->cfg, msg, sizeof msg);
    k->uploader_told = false;
    if (k->shown)
        uploader_launch(k->uploader);
    app_set_suggest_paused(k->app, false);
    if (was_full)
        outbox_flag_raise(ob, "disk_full", "the disk was full when the kiosk started;"
                          " suggestions were paused until space was freed", now_ms / 1000);
    fprintf(stderr, "kiosk: the database in %s can be written again: taking suggestions\n",
            k->cfg.data_dir);
}

/* Hand the raised flags' names to the uploader for the heartbeat. */
static void kiosk_share_flags(Kiosk *k)
{
    char names[256] = "";
    OutboxFlag f[16];
    int n = k->outbox ? outbox_flags_list(k->outbox, f, 16) : 0;
    size_t len = 0;
    for (int i = 0; i < n && i < 16; i++) {
        int w = snprintf(names + len, sizeof names - len, "%s%s", len ? "," : "", f[i].name);
        if (w < 0 || (size_t)w >= sizeof names - len) {
            names[len] = '\0';
            break;
        }
        len += (size_t)w;
    }
    uploader_set_flags(k->uploader, names);
}

bool kiosk_poll_content(Kiosk *k, int64_t now_ms, bool force)
{
    kiosk_retry_store(k, now_ms);
    if (!force && now_ms < k->next_poll_ms)
        return false;
    k->next_poll_ms = now_ms + (int64_t)k->cfg.content_poll_s * 1000;
    store_note_data(k->store);   /* the first suggestion of a fresh database */
    if (k->uploader)
        kiosk_share_flags(k);
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

/* One warning for the panel (a code; the panel words it). */
static StaffFlag *kiosk_flag(StaffInfo *in, const char *code, const char *since)
{
    if (in->nflags >= STAFF_FLAGS_MAX)
        return NULL;
    StaffFlag *f = &in->flags[in->nflags++];
    snprintf(f->code, sizeof f->code, "%s", code);
    snprintf(f->since, sizeof f->since, "%s", since ? since : "");
    return f;
}

/* Counts the pictures of the content that the cache refused (a wrong
 * SHA-256, too large, not a picture): they are not shown. */
typedef struct { ImgCache *cache; int refused; } KioskRefused;

static int kiosk_count_refused(const ContentImage *img, void *arg)
{
    KioskRefused *r = arg;
    char why[200];
    if (imgcache_refused(r->cache, img->sha256, why, sizeof why))
        r->refused++;
    return 0;
}

/* The staff panel's figures (staff_figures, as kioskctl status shows
 * them) and the kiosk's own state, as figures and codes the panel words
 * in the language on screen: never any resident text, never a raw
 * message (those go to stderr and kioskctl status). */
static void kiosk_staff_info(Kiosk *k, int64_t now_ms, StaffInfo *in)
{
    memset(in, 0, sizeof *in);
    StaffFigures fig;
    staff_figures(k->outbox, k->cfg.data_dir, now_ms / 1000, &fig);
    in->waiting = fig.counts.waiting;
    in->delivered = fig.counts.delivered;
    in->dead = fig.counts.dead;
    in->exported = fig.counts.exported;
    in->oldest_waiting_days = fig.oldest_waiting_days;
    in->free_disk_bytes = fig.free_bytes;
    for (int i = 0; i < fig.n_flags; i++)
        kiosk_flag(in, fig.flags[i].name, fig.flags[i].raised_on);
    if (k->content_error[0])
        kiosk_flag(in, "content_rejected", NULL);
    const Content *shown = app_content(k->app);
    if (shown && k->images) {
        KioskRefused r = {k->images, 0};
        content_each_image(shown, kiosk_count_refused, &r);
        StaffFlag *f = r.refused ? kiosk_flag(in, "pictures_refused", NULL) : NULL;
        if (f)
            f->count = r.refused;
    }
    /* A channel's code (a WeChat group's expires in 7 days) about to expire. */
    const Content *ct = app_content(k->app);
    for (size_t i = 0; ct && i < ct->n_channels; i++)
        if (channel_expiring(&ct->channels[i], now_ms / 1000)) {
            StaffFlag *f = kiosk_flag(in, "channel_expiring", NULL);
            if (!f)
                break;
            snprintf(f->channel, sizeof f->channel, "%s", ct->channels[i].id);
            f->at_s = ct->channels[i].expires_at;
        }
    StoreContentInfo ci;
    char err[200];
    if (store_content_info(k->store, &ci, err, sizeof err) == 1) {
        in->content_present = true;
        in->content_imported_s = ci.imported_at;
    }
    UploaderStatus us;
    uploader_status(k->uploader, &us);
    if (!k->uploader || us.start_error[0])
        in->upload = STAFF_UP_BROKEN;
    else if (!us.upload_enabled)
        in->upload = STAFF_UP_NOT_SET;
    else
        in->upload = STAFF_UP_ON;
    in->upload_last_ok_s = us.last_ok_ms / 1000;
    in->upload_next_s = us.next_try_ms / 1000;
    in->upload_failed = us.last_error[0] != '\0';
    if (us.content_error[0])
        kiosk_flag(in, "content_sync", NULL);
}

/* Keep the default language staff chose across restarts. */
static int save_default_lang(const Kiosk *k, Lang lang)
{
    char path[CONFIG_PATH_MAX + 32], tmp[CONFIG_PATH_MAX + 40];
    snprintf(path, sizeof path, "%s/default_lang", k->cfg.data_dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fputs(lang == LANG_EN ? "en\n" : "zh\n", f);
    int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void load_default_lang(Kiosk *k)
{
    char path[CONFIG_PATH_MAX + 32], buf[8] = "";
    snprintf(path, sizeof path, "%s/default_lang", k->cfg.data_dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        int l = config_parse_lang(buf);
        if (l >= 0) {
            app_set_default_lang(k->app, (Lang)l);
            app_set_lang(k->app, (Lang)l);
        }
    }
    fclose(f);
}

/* An export's outcome in the language on screen: what happened and what
 * to do, never the raw message (that goes to the audit log). */
static void kiosk_export_msg(const Kiosk *k, Lang lang, int rc, const ExportReport *rep,
                             char *out, size_t n)
{
    if (rc == 0 && rep->rows == 0 && rep->ratings == 0) {
        snprintf(out, n, "%s", i18n_get(k->i18n, lang, "staff.export_none"));
        return;
    }
    if (rc == 0) {
        /* The drive by its name: the bundle's parent directory. */
        char drive[PATH_MAX];
        snprintf(drive, sizeof drive, "%s", rep->bundle);
        char *slash = strrchr(drive, '/');
        if (slash)
            *slash = '\0';
        slash = strrchr(drive, '/');
        const char *name = slash ? slash + 1 : drive;
        if (rep->ratings)
            snprintf(out, n, i18n_get(k->i18n, lang, "staff.exported_ratings"),
                     (long long)rep->rows, (long long)rep->ratings, name);
        else
            snprintf(out, n, i18n_get(k->i18n, lang, "staff.exported"), (long long)rep->rows,
                     name);
        return;
    }
    static const char *const keys[] = {
        [EXPORT_FAIL_NONE] = "staff.export_fail.other",
        [EXPORT_FAIL_NO_DRIVE] = "staff.export_fail.no_drive",
        [EXPORT_FAIL_MANY_DRIVES] = "staff.export_fail.many_drives",
        [EXPORT_FAIL_DRIVE] = "staff.export_fail.drive",
        [EXPORT_FAIL_QUEUE] = "staff.export_fail.queue",
        [EXPORT_FAIL_MARKS] = "staff.export_fail.marks",
        [EXPORT_FAIL_OTHER] = "staff.export_fail.other",
    };
    int f = rep->fail >= 0 && rep->fail <= EXPORT_FAIL_OTHER ? rep->fail : EXPORT_FAIL_OTHER;
    snprintf(out, n, "%s", i18n_get(k->i18n, lang, keys[f]));
}

bool kiosk_service(Kiosk *k, int64_t now_ms)
{
    bool redraw = false;
    char audit[CONFIG_PATH_MAX + 32];
    config_staff_audit_path(&k->cfg.staff, k->cfg.data_dir, audit, sizeof audit);
    int64_t now_s = now_ms / 1000;
    Lang lang = app_lang(k->app);
    switch (app_take_staff_request(k->app)) {
    case STAFF_REQ_NONE:
        break;
    case STAFF_REQ_RELOAD: {
        bool changed = kiosk_poll_content(k, now_ms, true);
        const char *msg = k->content_error[0] ? i18n_get(k->i18n, lang, "staff.reload_failed")
                        : changed ? i18n_get(k->i18n, lang, "staff.reloaded")
                                  : i18n_get(k->i18n, lang, "staff.up_to_date");
        app_staff_result(k->app, k->content_error[0] == '\0', msg);
        if (k->content_error[0])
            audit_logf(audit, now_s, "reload content", "failed: %s", k->content_error);
        else
            audit_log(audit, now_s, "reload content",
                      changed ? "ok: new content shown" : "ok: already up to date");
        redraw = true;
        break;
    }
    case STAFF_REQ_LANG: {
        Lang l = app_default_lang(k->app);
        int rc = save_default_lang(k, l);
        audit_logf(audit, now_s, "default language", "%s: %s%s", rc == 0 ? "ok" : "failed",
                   l == LANG_EN ? "English" : "Chinese",
                   rc == 0 ? "" : " for now, not saved for the next start");
        redraw = true;
        break;
    }
    case STAFF_REQ_UPLOAD: {
        UploaderStatus us;
        uploader_status(k->uploader, &us);
        if (us.upload_enabled) {
            uploader_wake(k->uploader, true);   /* a batch now, in the background */
            app_staff_result(k->app, true, i18n_get(k->i18n, lang, "staff.uploading"));
            audit_log(audit, now_s, "upload now", "ok: started");
        } else {
            app_staff_result(k->app, false, i18n_get(k->i18n, lang, "staff.no_upload"));
            audit_log(audit, now_s, "upload now", "refused: uploading is not set up");
        }
        redraw = true;
        break;
    }
    case STAFF_REQ_EXPORT:
        /* On a worker thread: the screen keeps answering while the stick
         * writes and syncs. staff_export_* audits the result itself. */
        if (k->export_job) {
            app_staff_result(k->app, true, i18n_get(k->i18n, lang, "staff.export_running"));
        } else if (!(k->export_job = staff_export_start(&k->cfg, now_s))) {
            ExportReport rep;
            char msg[300], said[400];
            int rc = staff_export_to_drive(&k->cfg, now_s, &rep, msg, sizeof msg);
            kiosk_export_msg(k, lang, rc, &rep, said, sizeof said);
            app_staff_result(k->app, rc == 0, said);
        }
        redraw = true;
        break;
    case STAFF_REQ_QUIT:
        audit_log(audit, now_s, "leave kiosk", "ok");
        k->quit = true;
        break;
    }
    if (k->export_job) {
        int rc;
        ExportReport rep;
        char msg[300], said[400];
        if (staff_export_poll(k->export_job, &rc, &rep, msg, sizeof msg)) {
            staff_export_free(k->export_job);
            k->export_job = NULL;
            kiosk_export_msg(k, app_lang(k->app), rc, &rep, said, sizeof said);
            app_staff_result(k->app, rc == 0, said);
            k->next_info_ms = 0;   /* the counts changed */
            redraw = true;
        }
    }
    if (app_staff_visible(k->app) &&
        (now_ms >= k->next_info_ms || redraw || app_staff_needs_info(k->app))) {
        StaffInfo in;
        kiosk_staff_info(k, now_ms, &in);
        app_set_staff_info(k->app, &in);
        k->next_info_ms = now_ms + 2000;
        redraw = true;
    }
    return redraw;
}

/* The input engines load after the first frame, off the UI thread; a
 * load that failed takes pinyin away (the flow then says it is off). */
static bool kiosk_inputs(Kiosk *k)
{
    if (!k->pinyin || k->inputs_checked || !k->shown)
        return false;
    if (!k->inputs_started) {
        pinyin_load_start(k->pinyin);
        k->inputs_started = true;
    }
    char msg[400];
    int st = pinyin_load_status(k->pinyin, msg, sizeof msg);
    if (st == 0)
        return false;
    k->inputs_checked = true;
    if (st > 0)
        return false;
    fprintf(stderr, "kiosk: pinyin input unavailable: %s\n", msg);
    app_attach_inputs(k->app, k->outbox, NULL);
    pinyin_close(k->pinyin);
    k->pinyin = NULL;
    return true;
}

/* Say once on stderr when the worker launched after the first frame could
 * not open (libcurl missing, the database): the staff panel says it too. */
static void kiosk_uploader_check(Kiosk *k)
{
    if (k->uploader_told || !uploader_launched(k->uploader))
        return;
    UploaderStatus us;
    uploader_status(k->uploader, &us);
    if (!us.start_error[0])
        return;
    k->uploader_told = true;
    fprintf(stderr, "kiosk: uploading and content sync are off: %s\n", us.start_error);
}

bool kiosk_tick(Kiosk *k, int64_t now_ms)
{
    kiosk_uploader_check(k);
    bool redraw = kiosk_inputs(k);
    redraw |= kiosk_poll_content(k, now_ms, false);
    redraw |= app_tick(k->app, now_ms);
    redraw |= kiosk_service(k, now_ms);
    return redraw;
}

int64_t kiosk_next_timeout(const Kiosk *k, int64_t now_ms)
{
    int64_t wait = app_next_timeout(k->app, now_ms);
    int64_t poll = k->next_poll_ms - now_ms;
    if (poll < wait)
        wait = poll;
    if (k->export_job && wait > 250)
        wait = 250;   /* look in on a running export */
    if (k->shown && k->pinyin && !k->inputs_started)
        wait = 0;     /* start loading the input engines */
    return wait < 0 ? 0 : wait;
}

void kiosk_view(Kiosk *k, int64_t now_ms)
{
    dl_reset(&k->frame);
    app_view(k->app, &k->frame, now_ms);
}

void kiosk_shown(Kiosk *k)
{
    k->shown = true;
    uploader_set_frame_hash(k->uploader, dl_hash(&k->frame));   /* for the heartbeat */
    uploader_set_display(k->uploader, app_display_state(k->app));
    uploader_launch(k->uploader);   /* the first time: its thread opens libcurl */
}

const DrawList *kiosk_frame(const Kiosk *k) { return &k->frame; }
App *kiosk_app(Kiosk *k) { return k->app; }
ImgCache *kiosk_images(Kiosk *k) { return k->images; }
bool kiosk_quit_requested(const Kiosk *k) { return k->quit; }
bool kiosk_exporting(const Kiosk *k) { return k->export_job != NULL; }
const char *kiosk_content_error(const Kiosk *k) { return k->content_error; }
Outbox *kiosk_outbox(Kiosk *k) { return k->outbox; }
Store *kiosk_store(Kiosk *k) { return k->store; }
Pinyin *kiosk_pinyin(Kiosk *k) { return k->pinyin; }
Uploader *kiosk_uploader(Kiosk *k) { return k->uploader; }

/* ---- The believed time (wallclock.h, docs/OPERATIONS.md "The clock") ---- */

int64_t kiosk_clock_boot(const Config *cfg, Wallclock *w, int64_t sys_ms, int64_t mono_ms)
{
    int64_t saved = 0;
    bool office = false;
    char err[300];
    int rc = wallclock_load(cfg->data_dir, &saved, &office, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kiosk: %s\n", err);
    if (rc != 0) {
        saved = 0;
        office = false;
    }
    const ConfigUpload *cu = &cfg->upload;
    bool asks = cu->content_url[0] || cu->heartbeat_url[0] || cu->upload_url[0];
    wallclock_init(w, saved, office, asks, sys_ms, mono_ms);
    return wallclock_now(w, sys_ms, mono_ms);
}

void kiosk_clock_attach(Kiosk *k, const Wallclock *w, int64_t mono_ms)
{
    k->wc = *w;
    k->wc_on = true;
    k->wc_office_mono = 0;
    k->wc_last = k->wc.floor_ms;
    k->wc_last_mono = mono_ms;
    /* Raised by an earlier run: kiosk_clock clears it once the time is known. */
    OutboxFlag f[16];
    int n = k->outbox ? outbox_flags_list(k->outbox, f, 16) : 0;
    k->wc_flagged = false;
    for (int i = 0; i < n && i < 16; i++)
        if (strcmp(f[i].name, "clock_not_set") == 0)
            k->wc_flagged = true;
}

/* Raise or clear clock_not_set (the staff panel, kioskctl status and the
 * heartbeat list it) to match the clock's state. */
static void kiosk_clock_flag(Kiosk *k, int64_t now_ms)
{
    bool not_set = wallclock_not_set(&k->wc);
    if (not_set == k->wc_flagged || !k->outbox)
        return;
    if (not_set) {
        char sys[11], used[11], detail[160];
        time_local_date(k->wc.sys_ms / 1000, 0, sys);
        time_local_date(now_ms / 1000, 0, used);
        snprintf(detail, sizeof detail, "time not set: the clock says %s, %s; showing %s until"
                 " the office's time arrives", sys,
                 k->wc.state == WALLCLOCK_BEHIND ? "before the last known time"
                                                 : "too far ahead", used);
        outbox_flag_raise(k->outbox, "clock_not_set", detail, now_ms / 1000);
        fprintf(stderr, "kiosk: %s\n", detail);
    } else if (outbox_flag_clear(k->outbox, "clock_not_set") == 0) {
        fprintf(stderr, "kiosk: the time is set (%s)\n", wallclock_state_name(k->wc.state));
    } else {
        return;   /* try again next time */
    }
    k->wc_flagged = not_set;
    kiosk_share_flags(k);
}

int64_t kiosk_clock(Kiosk *k, int64_t sys_ms, int64_t mono_ms)
{
    if (!k->wc_on)
        return sys_ms;
    UploaderStatus us;
    uploader_status(k->uploader, &us);
    if (us.office_date_mono_ms && us.office_date_mono_ms != k->wc_office_mono) {
        k->wc_office_mono = us.office_date_mono_ms;
        /* The Date as it was when it came, carried to now by the monotonic clock. */
        int64_t age = mono_ms - us.office_date_mono_ms;
        wallclock_office_time(&k->wc, us.office_date_s, sys_ms - age, us.office_date_mono_ms);
    }
    int64_t t = wallclock_now(&k->wc, sys_ms, mono_ms);
    /* A step (a correction, a clock set): the timers kept in believed
     * time are due now, not days away. */
    int64_t expected = k->wc_last + (mono_ms - k->wc_last_mono);
    if (t < expected - 5000 || t > expected + 5000) {
        app_clock_step(k->app, t - expected);
        k->next_poll_ms = t;
        k->next_info_ms = t;
        k->next_retry_ms = t;
    }
    k->wc_last = t;
    k->wc_last_mono = mono_ms;
    kiosk_clock_flag(k, t);
    if (wallclock_save_due(&k->wc, mono_ms)) {
        char err[300];
        if (wallclock_save(k->cfg.data_dir, t, k->wc.floor_from_office, err, sizeof err) < 0)
            fprintf(stderr, "kiosk: cannot save the time: %s\n", err);
        wallclock_saved(&k->wc, mono_ms);   /* either way: not again until the next turn */
    }
    return t;
}

const Wallclock *kiosk_wallclock(const Kiosk *k)
{
    return k->wc_on ? &k->wc : NULL;
}
