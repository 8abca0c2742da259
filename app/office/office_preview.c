/* office_preview.c - a notice or event drawn by the kiosk program itself (headless screenshot) before it is published: a stored one, or a form not saved yet. */
#include "office_preview.h"
#include "afile.h"
#include "office_feed.h"
#include "office_publish.h"
#include "office_staff.h"
#include "timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PREVIEW_MAX_PNG (8u << 20)

/* The kiosk program beside this one, or "" when there is none. */
static void preview_kiosk_bin(char *out, size_t n)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    out[0] = '\0';
    if (len <= 0)
        return;
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return;
    *slash = '\0';
    if (strlen(self) + 7 > n || (size_t)snprintf(out, n, "%s/kiosk", self) >= n ||
        access(out, X_OK) != 0)
        out[0] = '\0';
}

/* The document to draw: the published one with `item` (its id item_id) in
 * place of (or beside) its published copy. A malloc'd string or NULL. */
static char *preview_doc(OfficeReq *rq, int64_t community_id, OstoreList l, const json_t *item,
                         const char *item_id)
{
    OstoreFeed f;
    char err[400];
    int rc = office_feed_current(rq->store, community_id, rq->now, &f, err, sizeof err);
    json_t *doc = rc != OFFICE_FEED_FAIL && f.json ? json_loads(f.json, 0, NULL) : NULL;
    ostore_feed_free(&f);
    json_t *arr = json_object_get(doc, ostore_list_name(l));
    if (!json_is_array(arr) || !json_is_object(item)) {
        json_decref(doc);
        return NULL;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
        if (json_is_string(json_object_get(v, "id")) &&
            strcmp(json_string_value(json_object_get(v, "id")), item_id) == 0) {
            json_array_remove(arr, i);
            break;
        }
    json_array_append_new(arr, json_deep_copy(item));
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

/* When to draw it: now while it is on show, else a minute after it starts. */
static void preview_when(OstoreList l, const json_t *item, int64_t now, char out[32])
{
    const char *from = json_string_value(json_object_get(item, l == OSTORE_NOTICES ? "publish_at"
                                                                                : "start"));
    const char *to = json_string_value(json_object_get(item, l == OSTORE_NOTICES ? "expire_at"
                                                                              : "end"));
    int64_t a = 0, b = 0;
    int64_t t = now;
    if (from && to && time_parse_iso8601(from, &a) == 0 && time_parse_iso8601(to, &b) == 0 &&
        (now < a || now >= b))
        t = a + 60;
    if (l == OSTORE_EVENTS && t == now && a && now >= b)
        t = a - 3600;   /* a past event: as it was announced */
    office_publish_iso(t, out);
}

static int preview_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(path);
    return 0;
}

/* The scratch directory and whatever the kiosk left in it. */
static void preview_rmdir(const char *dir)
{
    nftw(dir, preview_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* Previews per staff user and hour (saved and unsaved alike), counted in
 * the database: each one runs the kiosk program for most of a second. */
static bool preview_rate_allow(OfficeReq *rq, OfficeResp *rs)
{
    const OfficeStaff *st = office_staff_of(rq);
    int64_t window = rq->now - rq->now % 3600, n = 0;
    if (ostore_addr_hit(rq->store, "preview", st ? st->name : "?", window, &n) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return false;
    }
    int per_hour = office_conf(rq->office)->previews_per_hour;
    if (n <= per_hour)
        return true;
    char retry[24];
    snprintf(retry, sizeof retry, "%lld", (long long)(window + 3600 - rq->now));
    office_resp_error(rs, 429, "rate_limited", "more than %d previews this hour; try again in"
                      " %s seconds", per_hour, retry);
    office_resp_header(rs, "Retry-After", retry);
    return false;
}

/* The orientation and language of the query; false with 422 naming them
 * (and `which`, a message about notice/event, when given) in rs. */
static bool preview_params(OfficeReq *rq, OfficeResp *rs, const char *which, const char **orient,
                           const char **lang)
{
    *orient = office_req_query(rq, "orientation");
    *lang = office_req_query(rq, "lang");
    json_t *fields = json_object();
    if (which)
        json_object_set_new(fields, "notice", json_string(which));
    if (*orient && strcmp(*orient, "landscape") && strcmp(*orient, "portrait"))
        json_object_set_new(fields, "orientation", json_string("landscape or portrait"));
    if (*lang && strcmp(*lang, "zh") && strcmp(*lang, "en"))
        json_object_set_new(fields, "lang", json_string("zh or en"));
    if (json_object_size(fields)) {
        office_publish_fields(rs, fields);
        return false;
    }
    json_decref(fields);
    return true;
}

/* Draw `item` (a checked content item of list l) with the kiosk program and
 * answer the PNG. */
static void preview_draw(OfficeReq *rq, OfficeResp *rs, int64_t community_id, OstoreList l,
                         const json_t *item, const char *orient, const char *lang)
{
    const char *item_id = json_string_value(json_object_get(item, "id"));
    char bin[PATH_MAX];
    preview_kiosk_bin(bin, sizeof bin);
    if (!bin[0]) {
        office_resp_error(rs, 501, "no_renderer", "the kiosk program is not installed beside"
                          " the office");
        return;
    }
    char *doc = item_id ? preview_doc(rq, community_id, l, item, item_id) : NULL;
    char when[32], dir[] = "/tmp/lobby-preview-XXXXXX", path[4][PATH_MAX + 32];
    preview_when(l, item, rq->now, when);
    char screen[OSTORE_PUB_ID + 8];
    snprintf(screen, sizeof screen, "%s:%s", l == OSTORE_NOTICES ? "notice" : "event",
             item_id ? item_id : "");
    if (!doc || !mkdtemp(dir)) {
        free(doc);
        office_resp_error(rs, 500, "internal", "cannot prepare the preview");
        return;
    }
    snprintf(path[0], sizeof path[0], "%s/c.json", dir);
    snprintf(path[1], sizeof path[1], "%s/shot.png", dir);
    snprintf(path[2], sizeof path[2], "%s/kiosk.conf", dir);
    snprintf(path[3], sizeof path[3], "%s/data", dir);
    char why[300];
    int ok = afile_write(path[0], doc, strlen(doc), 0600, 0, why, sizeof why) == 0 &&
             afile_write(path[2], "", 0, 0600, 0, why, sizeof why) == 0;
    free(doc);
    char *argv[] = {bin, "--config", path[2], "--data-dir", path[3], "--content", path[0],
                    "--screenshot", path[1], "--screen", screen, "--size",
                    orient && !strcmp(orient, "portrait") ? "1080x1920" : "1920x1080",
                    "--lang", lang ? (char *)lang : "zh", "--now", when, NULL};
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int status = -1;
    if (ok && posix_spawn(&pid, bin, &fa, NULL, argv, environ) == 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    posix_spawn_file_actions_destroy(&fa);
    size_t len = 0;
    char *png = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0
        ? afile_read(path[1], PREVIEW_MAX_PNG, &len, why, sizeof why) : NULL;
    preview_rmdir(dir);
    if (!png) {
        office_resp_error(rs, 500, "preview_failed", "the kiosk could not draw the item (exit"
                          " %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return;
    }
    office_resp_text(rs, 200, "image/png", png, len);
    free(png);
}

void office_preview(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        return;
    const char *notice = office_req_query(rq, "notice"), *event = office_req_query(rq, "event");
    const char *orient, *lang;
    if (!preview_params(rq, rs, !notice == !event ? "give one notice or one event" : NULL,
                        &orient, &lang) ||
        !preview_rate_allow(rq, rs))
        return;
    OstoreList l = notice ? OSTORE_NOTICES : OSTORE_EVENTS;
    OstorePub p;
    if (!office_publish_item(rq, rs, com.id, l, notice ? notice : event, &p))
        return;
    json_t *item = json_loads(p.json, 0, NULL);
    ostore_pub_free(&p);
    if (!json_is_object(item)) {
        json_decref(item);
        office_resp_error(rs, 500, "internal", "cannot prepare the preview");
        return;
    }
    preview_draw(rq, rs, com.id, l, item, orient, lang);
    json_decref(item);
}

void office_preview_form(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        return;
    json_t *body = office_req_object(rq, rs);
    if (!body)
        return;
    json_t *notice = json_object_get(body, "notice"), *event = json_object_get(body, "event");
    const char *orient, *lang;
    const char *which = !notice == !event ? "give one notice or one event"
                        : !json_is_object(notice ? notice : event) ? "expected the item's form"
                        : NULL;
    if (!preview_params(rq, rs, which, &orient, &lang) || !preview_rate_allow(rq, rs)) {
        json_decref(body);
        return;
    }
    OstoreList l = notice ? OSTORE_NOTICES : OSTORE_EVENTS;
    json_t *item = NULL;
    /* The same reading and checks as saving it; nothing is stored. */
    if (office_publish_read(rq, rs, &com, l, notice ? notice : event, manager, &item))
        preview_draw(rq, rs, com.id, l, item, orient, lang);
    json_decref(item);
    json_decref(body);
}
