/* office_preview.c - a notice or event drawn by the kiosk program itself (headless screenshot) before it is published. */
#include "office_preview.h"
#include "afile.h"
#include "office_feed.h"
#include "office_publish.h"
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

/* The document to draw: the published one with the item's working copy in
 * place of (or beside) its published copy. A malloc'd string or NULL. */
static char *preview_doc(OfficeReq *rq, int64_t community_id, OstoreList l, const OstorePub *p)
{
    OstoreFeed f;
    char err[400];
    int rc = office_feed_current(rq->store, community_id, rq->now, &f, err, sizeof err);
    json_t *doc = rc != OFFICE_FEED_FAIL && f.json ? json_loads(f.json, 0, NULL) : NULL;
    ostore_feed_free(&f);
    json_t *item = json_loads(p->json, 0, NULL);
    json_t *arr = json_object_get(doc, ostore_list_name(l));
    if (!json_is_array(arr) || !json_is_object(item)) {
        json_decref(doc);
        json_decref(item);
        return NULL;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
        if (json_is_string(json_object_get(v, "id")) &&
            strcmp(json_string_value(json_object_get(v, "id")), p->item_id) == 0) {
            json_array_remove(arr, i);
            break;
        }
    json_array_append_new(arr, item);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

/* When to draw it: now while it is on show, else a minute after it starts. */
static void preview_when(OstoreList l, const OstorePub *p, int64_t now, char out[32])
{
    json_t *item = json_loads(p->json, 0, NULL);
    const char *from = json_string_value(json_object_get(item, l == OSTORE_NOTICES ? "publish_at"
                                                                                : "start"));
    const char *to = json_string_value(json_object_get(item, l == OSTORE_NOTICES ? "expire_at"
                                                                              : "end"));
    int64_t a = 0, b = 0;
    int64_t t = now;
    if (from && to && time_parse_iso8601(from, &a) == 0 && time_parse_iso8601(to, &b) == 0 &&
        (now < a || now >= b))
        t = a + 60;
    json_decref(item);
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

void office_preview(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        return;
    const char *notice = office_req_query(rq, "notice"), *event = office_req_query(rq, "event");
    const char *orient = office_req_query(rq, "orientation"), *lang = office_req_query(rq, "lang");
    json_t *fields = json_object();
    if (!notice == !event)
        json_object_set_new(fields, "notice", json_string("give one notice or one event"));
    if (orient && strcmp(orient, "landscape") && strcmp(orient, "portrait"))
        json_object_set_new(fields, "orientation", json_string("landscape or portrait"));
    if (lang && strcmp(lang, "zh") && strcmp(lang, "en"))
        json_object_set_new(fields, "lang", json_string("zh or en"));
    if (json_object_size(fields)) {
        office_publish_fields(rs, fields);
        return;
    }
    json_decref(fields);
    OstoreList l = notice ? OSTORE_NOTICES : OSTORE_EVENTS;
    OstorePub p;
    OstoreResult r = ostore_pub_get(rq->store, com.id, l, notice ? notice : event, &p);
    if (r != OSTORE_OK) {
        if (r == OSTORE_NOTFOUND)
            office_resp_error(rs, 404, "not_found", "no such item");
        else
            office_resp_store_error(rq, rs);
        return;
    }
    char bin[PATH_MAX];
    preview_kiosk_bin(bin, sizeof bin);
    if (!bin[0]) {
        ostore_pub_free(&p);
        office_resp_error(rs, 501, "no_renderer", "the kiosk program is not installed beside"
                          " the office");
        return;
    }
    char *doc = preview_doc(rq, com.id, l, &p);
    char when[32], dir[] = "/tmp/lobby-preview-XXXXXX", path[4][PATH_MAX + 32];
    preview_when(l, &p, rq->now, when);
    char screen[OSTORE_PUB_ID + 8];
    snprintf(screen, sizeof screen, "%s:%s", l == OSTORE_NOTICES ? "notice" : "event", p.item_id);
    ostore_pub_free(&p);
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
