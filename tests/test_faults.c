/* test_faults.c - the database under faults: 1,000 submissions with kill -9
 * at random moments, a full disk, a read-only mount, and a damaged file
 * that the kiosk moves aside (never deletes) before starting afresh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fake_measure.h"
#include "kiosk.h"
#include "outbox.h"
#include "proc.h"
#include "screen_util.h"
#include "store.h"
#include "timeutil.h"
#include "tmpdir.h"

#define SUBMISSIONS 1000
#define REC (OUTBOX_RECEIPT_LEN + 1)   /* a receipt and '\n' per acknowledgement */
#define SAMPLE "assets/content/sample.json"

static char *dir;               /* this run's scratch directory */
static char mounted[4][600];    /* tmpfs mounts to undo in teardown */

static uint64_t rng = 20261128;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static int64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    /* A failed test may leave a mount behind, read-only even. */
    for (size_t i = 0; i < sizeof mounted / sizeof mounted[0]; i++)
        if (mounted[i][0]) {
            mount(NULL, mounted[i], NULL, MS_REMOUNT, NULL);
            umount2(mounted[i], MNT_DETACH);
            mounted[i][0] = '\0';
        }
    tmpdir_remove(dir);
    return 0;
}

/* Mount a small tmpfs at dir/name; returns its path, or NULL (and prints
 * why) when mounting is not permitted (not root). */
static char *mount_tmpfs(const char *name, const char *size)
{
    char *mnt = tmpdir_path(dir, name);
    assert_int_equal(mkdir(mnt, 0700), 0);
    char opts[64];
    snprintf(opts, sizeof opts, "size=%s,mode=0700", size);
    if (mount("tmpfs", mnt, "tmpfs", 0, opts) != 0) {
        fprintf(stderr, "cannot mount a tmpfs (%s): test skipped (needs root)\n",
                strerror(errno));
        free(mnt);
        return NULL;
    }
    for (size_t i = 0; i < sizeof mounted / sizeof mounted[0]; i++)
        if (!mounted[i][0]) {
            snprintf(mounted[i], sizeof mounted[i], "%s", mnt);
            break;
        }
    return mnt;
}

static void unmount_tmpfs(char *mnt)
{
    assert_int_equal(umount(mnt), 0);
    for (size_t i = 0; i < sizeof mounted / sizeof mounted[0]; i++)
        if (strcmp(mounted[i], mnt) == 0)
            mounted[i][0] = '\0';
    free(mnt);
}

/* PRAGMA integrity_check through a read-only connection of its own. */
static void assert_integrity_ok(const char *data)
{
    char path[700];
    snprintf(path, sizeof path, "%s/kiosk.db", data);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ---- 1,000 submissions, kill -9 at random moments ---- */

/* The child: push forever, and only after outbox_push returned OUTBOX_OK
 * tell the parent the receipt. Exits (never returns) on any failure. */
static void pusher(const char *data, int fd, int round)
{
    char err[300];
    OutboxLimits lim = {1000000, 1LL << 30, NULL};
    Outbox *ob = outbox_open(data, &lim, err, sizeof err);
    if (!ob)
        _exit(2);
    static const char *const topics[] = {"cleaning", "safety", "repairs", "noise", "other"};
    static const char line[] = "楼道灯坏了，晚上很黑，老人上下楼不安全。";
    for (unsigned i = 0;; i++) {
        /* Texts of 1 to 12 lines: rows from one page to several. */
        char text[1600];
        int n = snprintf(text, sizeof text, "第%d轮第%u条：", round, i);
        for (unsigned l = 0; l < 1 + (i * 7 + (unsigned)round) % 8; l++)
            n += snprintf(text + n, sizeof text - (size_t)n, "%s", line);
        char receipt[OUTBOX_RECEIPT_SIZE];
        OutboxResult r = outbox_push(ob, topics[i % 5], text, i % 3 ? NULL : "3栋501 王",
                                     i % 2 ? "zh" : "en", 1796090400 + i, receipt, err,
                                     sizeof err);
        if (r != OUTBOX_OK)
            _exit(3);
        char rec[REC];
        memcpy(rec, receipt, OUTBOX_RECEIPT_LEN);
        rec[OUTBOX_RECEIPT_LEN] = '\n';
        if (write(fd, rec, REC) != REC)   /* atomic: REC < PIPE_BUF */
            _exit(4);
    }
}

/* Read one acknowledgement; returns 1, or 0 at end of file. */
static int read_ack(int fd, char rec[REC])
{
    size_t got = 0;
    while (got < REC) {
        ssize_t n = read(fd, rec + got, REC - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            assert_int_equal(got, 0);   /* never half a record */
            return 0;
        }
        got += (size_t)n;
    }
    assert_int_equal(rec[OUTBOX_RECEIPT_LEN], '\n');
    rec[OUTBOX_RECEIPT_LEN] = '\0';
    return 1;
}

typedef struct {
    char (*acked)[REC];
    size_t n, cap;
} Acks;

static void acks_add(Acks *a, const char rec[REC])
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 1024;
        a->acked = realloc(a->acked, a->cap * sizeof *a->acked);
        assert_non_null(a->acked);
    }
    memcpy(a->acked[a->n++], rec, REC);
}

static int cmp_rec(const void *x, const void *y)
{
    return strcmp(x, y);
}

/* After a kill: through a read-only connection, the file is sound, every
 * acknowledged receipt is there, and every row is whole (its payload
 * parses and matches its columns; a contact belongs to a submission).
 * Returns the number of rows. */
static size_t check_round(const char *data, const Acks *a)
{
    assert_integrity_ok(data);
    char path[700];
    snprintf(path, sizeof path, "%s/kiosk.db", data);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, receipt, topic, lang, payload, bytes,"
                                        " state FROM submissions", -1, &st, NULL), SQLITE_OK);
    size_t rows = 0, cap = 1024;
    char (*stored)[REC] = malloc(cap * sizeof *stored);
    assert_non_null(stored);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *receipt = (const char *)sqlite3_column_text(st, 1);
        const char *payload = (const char *)sqlite3_column_text(st, 4);
        json_error_t je;
        json_t *j = json_loads(payload, 0, &je);
        if (!j)
            fail_msg("receipt %s: payload does not parse: %s", receipt, je.text);
        assert_string_equal(json_string_value(json_object_get(j, "id")), id);
        assert_string_equal(json_string_value(json_object_get(j, "receipt")), receipt);
        assert_string_equal(json_string_value(json_object_get(j, "topic")),
                            (const char *)sqlite3_column_text(st, 2));
        assert_string_equal(json_string_value(json_object_get(j, "lang")),
                            (const char *)sqlite3_column_text(st, 3));
        assert_non_null(strstr(json_string_value(json_object_get(j, "text")), "楼道灯坏了"));
        assert_int_equal(sqlite3_column_int64(st, 5), (int64_t)strlen(payload));
        assert_string_equal((const char *)sqlite3_column_text(st, 6), "waiting");
        json_decref(j);
        if (rows == cap) {
            cap *= 2;
            stored = realloc(stored, cap * sizeof *stored);
            assert_non_null(stored);
        }
        snprintf(stored[rows++], REC, "%s", receipt);
    }
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
    /* Contacts: whole, and never without their submission. */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM contacts c LEFT JOIN"
                                        " submissions s ON s.id = c.submission_id"
                                        " WHERE s.id IS NULL OR c.contact <> '3栋501 王'",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);

    qsort(stored, rows, sizeof *stored, cmp_rec);
    for (size_t i = 0; i < a->n; i++)
        if (!bsearch(a->acked[i], stored, rows, sizeof *stored, cmp_rec))
            fail_msg("acknowledged receipt %s lost", a->acked[i]);
    free(stored);
    return rows;
}

static void test_thousand_submissions_with_kill_9(void **state)
{
    (void)state;
    char *data = tmpdir_path(dir, "crash");
    Acks a = {0};
    int64_t t0 = mono_ns(), push_ns = 0;
    int round = 0, mid_push = 0;
    size_t rows = 0;
    signal(SIGPIPE, SIG_IGN);
    while (a.n < SUBMISSIONS) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            pusher(data, fds[1], round);
        }
        close(fds[1]);
        /* A random number of acknowledgements (the first one includes the
         * child's start), then a kill at a random moment: at once, or
         * somewhere in the next push, whose length is measured from the
         * ones just seen. The spin only places the kill; nothing waits on
         * it for correctness. */
        int want = 1 + (int)(next_rand() % 60);
        char rec[REC];
        int64_t first = 0;
        int got = 0;
        for (; got < want && read_ack(fds[0], rec); got++) {
            acks_add(&a, rec);
            if (got == 0)
                first = mono_ns();
        }
        if (got > 1)
            push_ns = (mono_ns() - first) / (got - 1);
        if (next_rand() % 5 != 0 && push_ns > 0) {
            int64_t until = mono_ns() + push_ns * (int64_t)(next_rand() % 1000) / 1000;
            while (mono_ns() < until)
                ;
            mid_push++;
        }
        assert_int_equal(kill(pid, SIGKILL), 0);
        /* Whatever it acknowledged before dying counts too. */
        while (read_ack(fds[0], rec))
            acks_add(&a, rec);
        close(fds[0]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            fail_msg("round %d: the child stopped by itself (status %d)", round, status);
        round++;
        rows = check_round(data, &a);
        /* At most the one push in flight per kill committed unacknowledged. */
        assert_true(rows >= a.n && rows <= a.n + (size_t)round);
    }
    fprintf(stderr, "faults: %zu acknowledged in %d kill -9 rounds (%d mid-push), %zu rows "
            "(%zu committed but not acknowledged), %.2f s, %.2f ms a push\n", a.n, round,
            mid_push, rows, rows - a.n, (double)(mono_ns() - t0) / 1e9, (double)push_ns / 1e6);
    free(a.acked);
    free(data);
}

/* ---- Full disk ---- */

/* The flag `name` as outbox_flags_list has it, or NULL. */
static const OutboxFlag *find_flag(Outbox *ob, const char *name, OutboxFlag *buf, int max)
{
    int n = outbox_flags_list(ob, buf, max);
    for (int i = 0; i < n && i < max; i++)
        if (strcmp(buf[i].name, name) == 0)
            return &buf[i];
    return NULL;
}

static const char new_content[] =
    "{\"site\":{\"name\":{\"zh\":\"磁盘满了也不坏的小区\"}},\"notices\":[],\"events\":[],"
    "\"channels\":[]}";

static void test_full_disk(void **state)
{
    (void)state;
    char *mnt = mount_tmpfs("full", "2m");
    if (!mnt)
        skip();
    char *data = tmpdir_path(mnt, "data");
    char err[300];
    Store *s = store_open(data, err, sizeof err);
    if (!s)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_import_file(s, SAMPLE, err, sizeof err), 0);
    int64_t serial = store_content_serial(s);
    Outbox *ob = outbox_open(data, NULL, err, sizeof err);
    if (!ob)
        fail_msg("outbox_open: %s", err);
    char receipt[OUTBOX_RECEIPT_SIZE], kept[3][OUTBOX_RECEIPT_SIZE];
    for (int i = 0; i < 3; i++)
        assert_int_equal(outbox_push(ob, "repairs", "电梯坏了", NULL, "zh", 1796090400,
                                     kept[i], err, sizeof err), OUTBOX_OK);
    /* An empty WAL, so the next commit needs new blocks (a used WAL is
     * rewritten in place and would take a few more on a full disk). */
    assert_int_equal(sqlite3_exec(outbox_db(ob), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                                  NULL), SQLITE_OK);
    char *filler = tmpdir_path(mnt, "filler");
    tmpdir_fill(filler);

    for (int i = 0; i < 5; i++) {
        assert_int_equal(outbox_push(ob, "repairs", "屋顶漏水", "3栋501", "zh", 1796090400,
                                     receipt, err, sizeof err), OUTBOX_IO);
        assert_string_equal(receipt, "");
        assert_null(strstr(err, "屋顶"));   /* never the resident's words */
    }
    assert_int_equal(outbox_push_rating(ob, 5, 1796090400, err, sizeof err), OUTBOX_IO);
    OutboxFlag fl[16];
    const OutboxFlag *f = find_flag(ob, "commit_failed", fl, 16);
    assert_non_null(f);
    assert_true(f->in_memory);   /* the database could not take it either */
    assert_non_null(strstr(f->detail, "full"));
    /* The content import fails cleanly: an error, the old content kept. */
    int rc = store_import_json(s, new_content, strlen(new_content), err, sizeof err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "full"));
    assert_int_equal(store_content_serial(s), serial);
    Content *c = store_load_content(s, err, sizeof err);
    assert_non_null(c);
    assert_string_equal(c->site_name.zh, "翠湖花园社区");
    content_free(c);
    assert_integrity_ok(data);
    OutboxCounts cnt;
    assert_int_equal(outbox_counts(ob, &cnt), 0);
    assert_int_equal(cnt.waiting, 3);

    /* Space again: pushes and imports work, the flag reaches the file. */
    assert_int_equal(unlink(filler), 0);
    assert_int_equal(outbox_push(ob, "repairs", "屋顶漏水", "3栋501", "zh", 1796090400,
                                 receipt, err, sizeof err), OUTBOX_OK);
    f = find_flag(ob, "commit_failed", fl, 16);
    assert_non_null(f);
    assert_false(f->in_memory);
    assert_int_equal(store_import_json(s, new_content, strlen(new_content), err, sizeof err), 0);
    assert_int_equal(store_content_serial(s), serial + 1);
    for (int i = 0; i < 3; i++) {
        OutboxMeta m;
        assert_int_equal(outbox_get_by_receipt(ob, kept[i], &m), 1);
    }
    outbox_close(ob);
    store_close(s);
    assert_integrity_ok(data);
    free(filler);
    free(data);
    unmount_tmpfs(mnt);
}

/* ---- Read-only mount ---- */

static bool frame_has_text(const DrawList *dl, const char *needle)
{
    for (size_t i = 0; i < dl->ncmds; i++)
        if (dl->cmds[i].kind == DL_TEXT && strstr(dl_str(dl, &dl->cmds[i]), needle))
            return true;
    return false;
}

static Kiosk *kiosk_start(const char *data, const char *content, int64_t now)
{
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    char err[600];
    Kiosk *k = kiosk_open(&cfg, ".", content, fake_measure(), 1920, 1080, now, err, sizeof err);
    if (!k)
        fail_msg("kiosk_open: %s", err);
    return k;
}

/* The staff panel's text holds `needle`. */
static bool staff_panel_shows(Kiosk *k, int64_t now, const char *needle)
{
    assert_int_equal(app_open(kiosk_app(k), "staff"), 0);
    kiosk_service(k, now);
    kiosk_view(k, now);
    return frame_has_text(kiosk_frame(k), needle);
}

static int kioskctl(const char *data, const char *cmd, const char *arg, char **out, char **err)
{
    char *argv[] = {(char *)proc_bin("kioskctl"), "--data-dir", (char *)data, (char *)cmd,
                    (char *)arg, NULL};
    return proc_run(argv, out, err);
}

static void test_read_only_mount(void **state)
{
    (void)state;
    char *mnt = mount_tmpfs("ro", "4m");
    if (!mnt)
        skip();
    char *data = tmpdir_path(mnt, "data");
    int64_t now = SAMPLE_NOW_MS;
    Kiosk *k;
    k = kiosk_start(data, SAMPLE, now);
    char receipt[OUTBOX_RECEIPT_SIZE], err[300];
    assert_int_equal(outbox_push(kiosk_outbox(k), "noise", "夜里装修太吵", NULL, "zh", now / 1000,
                                 receipt, err, sizeof err), OUTBOX_OK);
    kiosk_close(k);   /* the last connection: -wal and -shm go */
    char *wal = tmpdir_path(data, "kiosk.db-wal");
    struct stat st;
    assert_int_equal(stat(wal, &st), -1);
    assert_int_equal(mount(NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);

    /* The kiosk starts and shows the stored content. */
    k = kiosk_start(data, NULL, now);
    assert_true(store_readonly(kiosk_store(k)));
    const Content *c = app_content(kiosk_app(k));
    assert_non_null(c);
    assert_string_equal(c->site_name.zh, "翠湖花园社区");
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "翠湖花园社区"));
    assert_non_null(dl_find_hit(kiosk_frame(k), "tile:suggest"));
    /* The suggestion the file holds is still found by its receipt. */
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(kiosk_outbox(k), receipt, &m), 1);
    /* A new one cannot be saved: OUTBOX_IO (the screen's apology), and
     * the flags are kept in memory and shown on the staff panel. */
    char r2[OUTBOX_RECEIPT_SIZE];
    assert_int_equal(outbox_push(kiosk_outbox(k), "noise", "还是很吵", NULL, "zh", now / 1000, r2,
                                 err, sizeof err), OUTBOX_IO);
    assert_string_equal(r2, "");
    OutboxFlag fl[16];
    const OutboxFlag *f = find_flag(kiosk_outbox(k), "commit_failed", fl, 16);
    assert_non_null(f);
    assert_true(f->in_memory);
    f = find_flag(kiosk_outbox(k), "database_readonly", fl, 16);
    assert_non_null(f);
    assert_true(f->in_memory);
    assert_true(staff_panel_shows(k, now, "保存建议时出错"));
    assert_true(staff_panel_shows(k, now, "数据目录无法写入"));

    /* kioskctl: import exits 1 and says why; status still reads. */
    char *newc = tmpdir_path(dir, "new.json");
    assert_int_equal(tmpdir_write(newc, new_content, strlen(new_content)), 0);
    char *out = NULL, *msg = NULL;
    assert_int_equal(kioskctl(data, "import", newc, &out, &msg), 1);
    if (!strstr(msg, "read-only"))
        fail_msg("kioskctl import on a read-only mount said: %s", msg);
    free(out); free(msg);
    assert_int_equal(kioskctl(data, "status", NULL, &out, &msg), 0);
    assert_non_null(strstr(out, "翠湖花园"));
    free(out); free(msg);
    kiosk_close(k);

    /* Writable again: a restarted kiosk saves suggestions. */
    assert_int_equal(mount(NULL, mnt, NULL, MS_REMOUNT, NULL), 0);
    k = kiosk_start(data, NULL, now);
    assert_false(store_readonly(kiosk_store(k)));
    assert_int_equal(outbox_push(kiosk_outbox(k), "noise", "还是很吵", NULL, "zh", now / 1000, r2,
                                 err, sizeof err), OUTBOX_OK);
    assert_null(find_flag(kiosk_outbox(k), "database_readonly", fl, 16));
    kiosk_close(k);
    assert_integrity_ok(data);
    free(newc); free(wal); free(data);
    unmount_tmpfs(mnt);
}

/* ---- A damaged database ---- */

typedef enum { DAMAGE_HEADER, DAMAGE_TRUNCATE, DAMAGE_PAGES } Damage;
static const char *const damage_name[] = {"header", "truncated mid-page", "random pages"};

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void write_at(const char *path, long off, const void *buf, size_t n)
{
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, buf, n, off), (ssize_t)n);
    close(fd);
}

static void damage(const char *db, Damage how)
{
    struct stat st;
    assert_int_equal(stat(db, &st), 0);
    long page = 4096, pages = (long)st.st_size / page;
    assert_true(pages >= 16);
    unsigned char junk[100];
    switch (how) {
    case DAMAGE_HEADER:
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (unsigned char)next_rand();
        write_at(db, 0, junk, sizeof junk);
        break;
    case DAMAGE_TRUNCATE:
        assert_int_equal(truncate(db, (pages / 2) * page + 1234), 0);
        break;
    case DAMAGE_PAGES:
        /* 16 random bytes at the start of five random pages after the
         * first: a b-tree page's header, an overflow page's link. */
        for (int p = 0; p < 5; p++) {
            for (size_t i = 0; i < 16; i++)
                junk[i] = (unsigned char)next_rand();
            write_at(db, (1 + (long)(next_rand() % (uint32_t)(pages - 1))) * page, junk, 16);
        }
        break;
    }
}

/* What SQLite itself says about the file: true when it sees the damage
 * (so the test cannot pass on damage nobody could find). */
static bool sqlite_sees_damage(const char *db)
{
    sqlite3 *h;
    bool bad = true;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                bad = strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0;
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(h);
    return bad;
}

static int cmp_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The names in `data` that start with kiosk.db.corrupt-, sorted, joined by '\n'. */
static char *corrupt_names(const char *data, int *count)
{
    DIR *d = opendir(data);
    assert_non_null(d);
    char *names[16];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "kiosk.db.corrupt-", 17) == 0) {
            assert_true(n < 16);
            names[n++] = strdup(e->d_name);
        }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_name);
    char *all = calloc(1, 16 * 64);
    for (int i = 0; i < n; i++) {
        strcat(all, names[i]);
        strcat(all, "\n");
        free(names[i]);
    }
    *count = n;
    return all;
}

/* A data directory with content and 300 suggestions, closed cleanly. */
static char *populated(const char *name, int64_t now)
{
    char *data = tmpdir_path(dir, name);
    Kiosk *k;
    k = kiosk_start(data, SAMPLE, now);
    char receipt[OUTBOX_RECEIPT_SIZE], err[300], text[400];
    for (int i = 0; i < 300; i++) {
        snprintf(text, sizeof text, "第%d条：小区东门的路灯已经坏了一个星期，晚上回家很不方便。", i);
        assert_int_equal(outbox_push(kiosk_outbox(k), "repairs", text, i % 4 ? NULL : "3栋501", "zh",
                                     now / 1000, receipt, err, sizeof err), OUTBOX_OK);
    }
    kiosk_close(k);
    return data;
}

static void check_moved_aside(const char *data, Damage how, int64_t now)
{
    char *db = tmpdir_path(data, "kiosk.db");
    damage(db, how);
    if (!sqlite_sees_damage(db))
        fail_msg("%s: SQLite itself sees no damage; the test proves nothing", damage_name[how]);
    size_t blen;
    char *before = read_all(db, &blen);

    /* kioskctl refuses, says why, and moves nothing. */
    char *out = NULL, *msg = NULL;
    assert_int_equal(kioskctl(data, "status", NULL, &out, &msg), 1);
    if (!strstr(msg, "damaged") || !strstr(msg, "OPERATIONS.md"))
        fail_msg("%s: kioskctl status said: %s", damage_name[how], msg);
    free(out); free(msg);
    assert_int_equal(kioskctl(data, "import", SAMPLE, &out, &msg), 1);
    assert_non_null(strstr(msg, "damaged"));
    free(out); free(msg);
    assert_int_equal(kioskctl(data, "list", NULL, &out, &msg), 1);
    assert_non_null(strstr(msg, "damaged"));
    free(out); free(msg);
    char err[600];
    assert_null(store_open(data, err, sizeof err));
    assert_non_null(strstr(err, "damaged"));
    int n;
    free(corrupt_names(data, &n));
    assert_int_equal(n, 0);
    size_t len2;
    char *still = read_all(db, &len2);
    assert_true(len2 == blen && memcmp(still, before, blen) == 0);
    free(still);

    /* The kiosk moves it aside and starts on a fresh database. */
    Kiosk *k;
    k = kiosk_start(data, NULL, now);
    const char *why, *name = store_recovered(kiosk_store(k), &why);
    assert_non_null(name);
    assert_non_null(strstr(why, "kiosk.db"));
    char moved[64];   /* the Store's copy goes with kiosk_close */
    snprintf(moved, sizeof moved, "%s", name);
    assert_int_equal(strlen(moved), strlen("kiosk.db.corrupt-YYYYMMDD-HHMMSS"));
    for (size_t i = 17; i < strlen(moved); i++)
        assert_true(i == 25 ? moved[i] == '-' : moved[i] >= '0' && moved[i] <= '9');
    /* The file, and the -wal and -shm when there were any (an open that
     * found the damage may have left an empty pair). */
    char *names = corrupt_names(data, &n), expect[3][256];
    snprintf(expect[0], sizeof expect[0], "%s\n", moved);
    snprintf(expect[1], sizeof expect[1], "%s\n%s-shm\n%s-wal\n", moved, moved, moved);
    snprintf(expect[2], sizeof expect[2], "%s\n%s-wal\n", moved, moved);
    if (strcmp(names, expect[0]) && strcmp(names, expect[1]) && strcmp(names, expect[2]))
        fail_msg("%s: moved aside:\n%s", damage_name[how], names);
    char *aside = tmpdir_path(data, moved);
    size_t alen;
    char *kept = read_all(aside, &alen);
    assert_true(alen == blen && memcmp(kept, before, blen) == 0);   /* byte for byte */
    /* Empty states, not a blank screen; staff are told. */
    assert_null(app_content(kiosk_app(k)));
    kiosk_view(k, now);
    assert_non_null(dl_find_hit(kiosk_frame(k), "tile:suggest"));
    OutboxFlag fl[16];
    const OutboxFlag *f = find_flag(kiosk_outbox(k), "database_corrupt", fl, 16);
    assert_non_null(f);
    assert_false(f->in_memory);
    assert_non_null(strstr(f->detail, moved));
    assert_true(staff_panel_shows(k, now, "数据库文件损坏"));
    /* The panel says it in words; the moved file's name is in kioskctl status. */
    assert_false(staff_panel_shows(k, now, "database_corrupt"));
    char receipt[OUTBOX_RECEIPT_SIZE];
    assert_int_equal(outbox_push(kiosk_outbox(k), "repairs", "新的建议", NULL, "zh", now / 1000,
                                 receipt, err, sizeof err), OUTBOX_OK);
    kiosk_close(k);
    assert_integrity_ok(data);
    /* kioskctl works again and lists the flag; content is imported anew. */
    assert_int_equal(kioskctl(data, "status", NULL, &out, &msg), 0);
    assert_non_null(strstr(out, "database_corrupt"));
    assert_non_null(strstr(out, moved));
    assert_non_null(strstr(out, "none imported yet"));
    free(out); free(msg);
    assert_int_equal(kioskctl(data, "import", SAMPLE, &out, &msg), 0);
    free(out); free(msg);
    free(names); free(kept); free(aside); free(before); free(db);
}

static void test_damaged_database_is_moved_aside(void **state)
{
    (void)state;
    int64_t now = SAMPLE_NOW_MS;
    for (Damage how = DAMAGE_HEADER; how <= DAMAGE_PAGES; how++) {
        char name[32];
        snprintf(name, sizeof name, "damaged%d", (int)how);
        char *data = populated(name, now);
        check_moved_aside(data, how, now);
        free(data);
    }
}

/* store_open_recover's quick_check policy (store.h): skipped only when the
 * kiosk's own clean close vouches for the file as it is; after a crash, on
 * damage that keeps the file's size and mtime, and once the last check is a
 * week old, the check runs and finds what it must. */
static void test_quick_check_skipped_only_after_clean_close(void **state)
{
    (void)state;
    int64_t now = SAMPLE_NOW_MS;
    char *data = populated("clean-close", now);
    char *stamp = tmpdir_path(data, STORE_CLEAN_NAME);
    char *db = tmpdir_path(data, "kiosk.db");
    struct stat st;
    assert_int_equal(stat(stamp, &st), 0);           /* populated closed cleanly */
    assert_int_equal(st.st_mode & 077, 0);

    /* A clean close before: no check; the stamp is gone while it runs. */
    Kiosk *k = kiosk_start(data, NULL, now);
    assert_false(store_checked(kiosk_store(k)));
    assert_int_equal(stat(stamp, &st), -1);
    assert_non_null(app_content(kiosk_app(k)));
    kiosk_close(k);
    assert_int_equal(stat(stamp, &st), 0);

    /* A crash (a kiosk that ends without closing): the next start checks. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        Config cfg;
        config_defaults(&cfg);
        snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
        char err[600];
        Kiosk *child = kiosk_open(&cfg, ".", NULL, fake_measure(), 1920, 1080, now, err,
                                  sizeof err);
        if (child)
            raise(SIGKILL);     /* no kiosk_close: a kill -9 (and no leak report) */
        _exit(1);
    }
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
    assert_int_equal(stat(stamp, &st), -1);
    k = kiosk_start(data, NULL, now);
    assert_true(store_checked(kiosk_store(k)));
    assert_null(store_recovered(kiosk_store(k), NULL));
    kiosk_close(k);

    /* The last check a week old: checked, and the new check's time kept. */
    size_t n;
    char *line = read_all(stamp, &n), aged[300];
    line[n] = '\0';
    char *last = strrchr(line, ' ');
    assert_non_null(last);
    long long at = strtoll(last + 1, NULL, 10);
    assert_true(at > 0);
    *last = '\0';
    snprintf(aged, sizeof aged, "%s %lld\n", line, at - STORE_CHECK_MAX_AGE_S);
    FILE *f = fopen(stamp, "w");
    assert_non_null(f);
    fputs(aged, f);
    fclose(f);
    free(line);
    k = kiosk_start(data, NULL, now);
    assert_true(store_checked(kiosk_store(k)));
    kiosk_close(k);
    k = kiosk_start(data, NULL, now);
    assert_false(store_checked(kiosk_store(k)));     /* that check counts again */
    kiosk_close(k);

    /* Damage that keeps the size and puts the mtime back (only the ctime,
     * which no one can set, tells): checked, found, moved aside. */
    assert_int_equal(stat(db, &st), 0);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    damage(db, DAMAGE_PAGES);
    assert_int_equal(utimensat(AT_FDCWD, db, times, 0), 0);
    struct stat st2;
    assert_int_equal(stat(db, &st2), 0);
    assert_true(st2.st_size == st.st_size && st2.st_mtim.tv_sec == st.st_mtim.tv_sec &&
                st2.st_mtim.tv_nsec == st.st_mtim.tv_nsec);
    if (!sqlite_sees_damage(db))
        fail_msg("SQLite itself sees no damage; the test proves nothing");
    k = kiosk_start(data, NULL, now);
    assert_true(store_checked(kiosk_store(k)));
    assert_non_null(store_recovered(kiosk_store(k), NULL));
    kiosk_close(k);
    free(db); free(stamp); free(data);
}

/* The real binary: a clear message on stderr, the home screen drawn, and
 * a name already taken (a second damage in the same second) never
 * overwritten; -wal and -shm follow the file. */
static void test_kiosk_binary_on_damaged_database(void **state)
{
    (void)state;
    int64_t now = SAMPLE_NOW_MS;
    char *data = populated("damaged-bin", now);
    char *db = tmpdir_path(data, "kiosk.db");
    damage(db, DAMAGE_HEADER);
    char *wal = tmpdir_path(data, "kiosk.db-wal"), *shm = tmpdir_path(data, "kiosk.db-shm");
    assert_int_equal(tmpdir_write(wal, "old wal", 7), 0);
    assert_int_equal(tmpdir_write(shm, "old shm", 7), 0);
    /* Decoys with the names of this second and the next two. */
    char decoy[3][64];
    time_t t = time(NULL);
    for (int i = 0; i < 3; i++) {
        LocalTime lt;
        time_local((int64_t)t + i, &lt);
        snprintf(decoy[i], sizeof decoy[i], "kiosk.db.corrupt-%04d%02d%02d-%02d%02d%02d",
                 lt.year, lt.mon, lt.mday, lt.hour, lt.min, lt.sec);
        char *p = tmpdir_path(data, decoy[i]);
        assert_int_equal(tmpdir_write(p, "decoy", 5), 0);
        free(p);
    }
    char *dump = tmpdir_path(dir, "home.txt"), *script = tmpdir_path(dir, "home.replay");
    char line[700];
    snprintf(line, sizeof line, "dump %s\n", dump);
    assert_int_equal(tmpdir_write(script, line, strlen(line)), 0);
    char *argv[] = {(char *)proc_bin("kiosk"), "--replay", script, "--data-dir", data,
                    "--now", "2026-12-01T10:00:00+08:00", NULL};
    char *msg = NULL;
    int rc = proc_run(argv, NULL, &msg);
    if (rc != 0)
        fail_msg("kiosk exited %d: %s", rc, msg);
    if (!strstr(msg, "damaged") || !strstr(msg, "moved it aside") ||
        !strstr(msg, "kiosk.db.corrupt-") || !strstr(msg, "OPERATIONS.md"))
        fail_msg("kiosk said: %s", msg);
    char *home = tmpdir_read(dump);
    assert_non_null(strstr(home, "screen home"));
    assert_non_null(strstr(home, "hit tile:suggest"));
    /* Every decoy untouched; the damaged file under a new name with ".N". */
    for (int i = 0; i < 3; i++) {
        char *p = tmpdir_path(data, decoy[i]);
        char *d = tmpdir_read(p);
        assert_string_equal(d, "decoy");
        free(d); free(p);
    }
    int n;
    char *names = corrupt_names(data, &n);
    assert_int_equal(n, 3 + 3);   /* the decoys, the file, its -shm and -wal */
    const char *moved = strstr(msg, "kiosk.db.corrupt-");
    char name[64];
    assert_int_equal(sscanf(moved, "%63[^ ]", name), 1);
    assert_non_null(strchr(name + 17, '.'));   /* ".2" or later */
    char *p = tmpdir_path(data, name);
    char pw[128];
    snprintf(pw, sizeof pw, "%s-wal", p);
    char *w = tmpdir_read(pw);
    assert_string_equal(w, "old wal");
    snprintf(pw, sizeof pw, "%s-shm", p);   /* SQLite rewrites the index in it */
    struct stat st;
    assert_int_equal(stat(pw, &st), 0);
    assert_false(sqlite_sees_damage(db));   /* the new one */
    free(w); free(p); free(names); free(home); free(msg); free(script); free(dump);
    free(wal); free(shm); free(db); free(data);
}

/* ---- A full disk at start (issue 12, item 1) ---- */

static void test_full_disk_at_start(void **state)
{
    (void)state;
    char *mnt = mount_tmpfs("fullstart", "2m");
    if (!mnt)
        skip();
    char *data = tmpdir_path(mnt, "data");
    int64_t now = SAMPLE_NOW_MS;
    Kiosk *k;
    k = kiosk_start(data, SAMPLE, now);
    char receipt[OUTBOX_RECEIPT_SIZE], r2[OUTBOX_RECEIPT_SIZE], err[300];
    assert_int_equal(outbox_push(kiosk_outbox(k), "noise", "夜里装修太吵", NULL, "zh", now / 1000,
                                 receipt, err, sizeof err), OUTBOX_OK);
    kiosk_close(k);   /* the last connection: -wal and -shm go */
    char *filler = tmpdir_path(mnt, "filler");
    tmpdir_fill(filler);

    /* The real binary starts, shows the content and says at once that
     * suggestions cannot be taken; exit 0. */
    char *d1 = tmpdir_path(dir, "full-home.txt"), *d2 = tmpdir_path(dir, "full-suggest.txt");
    char *script = tmpdir_path(dir, "full.replay"), line[1500];
    snprintf(line, sizeof line, "dump %s\ntap @tile:suggest\ndump %s\n", d1, d2);
    assert_int_equal(tmpdir_write(script, line, strlen(line)), 0);
    char *argv[] = {(char *)proc_bin("kiosk"), "--replay", script, "--data-dir", data,
                    "--now", "2026-12-01T10:00:00+08:00", NULL};
    char *msg = NULL;
    int rc = proc_run(argv, NULL, &msg);
    if (rc != 0 || !strstr(msg, "disk is full"))
        fail_msg("kiosk on a full disk exited %d: %s", rc, msg);
    free(msg);
    char *t1 = tmpdir_read(d1), *t2 = tmpdir_read(d2);
    assert_non_null(strstr(t1, "screen home"));
    assert_non_null(strstr(t1, "翠湖花园"));
    assert_non_null(strstr(t1, "暂时不能提交建议"));   /* on the tile */
    assert_null(strstr(t1, "hit rate:"));              /* no rating it cannot keep */
    assert_non_null(strstr(t2, "screen suggest"));
    assert_non_null(strstr(t2, "终端现在无法保存新的建议"));
    assert_null(strstr(t2, "hit topic:"));
    free(t1); free(t2);
    /* kioskctl status works and says what is wrong. */
    char *out = NULL;
    msg = NULL;
    assert_int_equal(kioskctl(data, "status", NULL, &out, &msg), 0);
    if (!strstr(out, "翠湖花园") || !strstr(out, "DISK FULL"))
        fail_msg("kioskctl status on a full disk: %s / %s", out, msg);
    free(out); free(msg);

    /* In process: both languages, a flag for staff, nothing lost. */
    k = kiosk_start(data, NULL, now);
    assert_true(store_disk_full(kiosk_store(k)));
    assert_true(app_suggest_paused(kiosk_app(k)));
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "翠湖花园"));
    app_set_lang(kiosk_app(k), LANG_EN);
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "Not taking suggestions right now"));
    assert_int_equal(app_open(kiosk_app(k), "suggest"), 0);
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "Suggestions cannot be taken right now"));
    OutboxFlag fl[16];
    const OutboxFlag *f = find_flag(kiosk_outbox(k), "disk_full", fl, 16);
    assert_non_null(f);
    assert_true(f->in_memory);
    assert_true(staff_panel_shows(k, now, "The disk is nearly full"));
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(kiosk_outbox(k), receipt, &m), 1);
    assert_int_equal(outbox_push(kiosk_outbox(k), "noise", "还是很吵", NULL, "zh", now / 1000, r2,
                                 err, sizeof err), OUTBOX_IO);

    /* Space again: at its next look the kiosk takes suggestions by itself. */
    assert_int_equal(unlink(filler), 0);
    kiosk_poll_content(k, now + 1000, false);
    assert_true(store_readonly(kiosk_store(k)));          /* not before its time */
    kiosk_poll_content(k, now + 31000, false);
    assert_false(store_readonly(kiosk_store(k)));
    assert_false(app_suggest_paused(kiosk_app(k)));
    assert_int_equal(outbox_push(kiosk_outbox(k), "noise", "还是很吵", NULL, "zh", now / 1000, r2,
                                 err, sizeof err), OUTBOX_OK);
    assert_int_equal(outbox_get_by_receipt(kiosk_outbox(k), receipt, &m), 1);
    f = find_flag(kiosk_outbox(k), "disk_full", fl, 16);
    assert_non_null(f);
    assert_false(f->in_memory);                    /* staff learn it happened */
    app_open(kiosk_app(k), "home");
    kiosk_view(k, now + 31000);
    assert_non_null(dl_find_hit(kiosk_frame(k), "rate:5"));
    /* Still the one kiosk here: the lock moved with the database. */
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    assert_null(kiosk_open(&cfg, ".", NULL, fake_measure(), 1920, 1080, now, err, sizeof err));
    kiosk_close(k);
    assert_integrity_ok(data);
    free(script); free(d1); free(d2); free(filler); free(data);
    unmount_tmpfs(mnt);
}

/* ---- One kiosk per data directory (issue 12, item 6) ---- */

static void test_one_kiosk_per_data_dir(void **state)
{
    (void)state;
    char *mnt = mount_tmpfs("lock", "8m");
    if (!mnt)
        skip();
    char *data = tmpdir_path(mnt, "data");
    int64_t now = SAMPLE_NOW_MS;
    Kiosk *k;
    k = kiosk_start(data, SAMPLE, now);
    char receipt[OUTBOX_RECEIPT_SIZE], err[600];
    for (int i = 0; i < 5; i++)
        assert_int_equal(outbox_push(kiosk_outbox(k), "repairs", "电梯又坏了", NULL, "zh", now / 1000,
                                     receipt, err, sizeof err), OUTBOX_OK);
    char pid[32];
    snprintf(pid, sizeof pid, "process %ld", (long)getpid());

    /* A second kiosk in this process is refused too (flock is per open file). */
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    assert_null(kiosk_open(&cfg, ".", NULL, fake_measure(), 1920, 1080, now, err, sizeof err));
    if (!strstr(err, "another kiosk") || !strstr(err, pid) || !strstr(err, "kiosk.lock"))
        fail_msg("second kiosk_open said: %s", err);

    /* The real binary, in each mode that opens the database: exit 1, a clear
     * message, nothing written, nothing moved. */
    char *dump = tmpdir_path(dir, "second.txt"), *script = tmpdir_path(dir, "second.replay");
    char *png = tmpdir_path(dir, "second.png");
    char line[700];
    snprintf(line, sizeof line, "dump %s\n", dump);
    assert_int_equal(tmpdir_write(script, line, strlen(line)), 0);
    char *kiosk = strdup(proc_bin("kiosk"));   /* proc_bin's buffer is reused */
    char *replay[] = {kiosk, "--replay", script, "--data-dir", data,
                      "--now", "2026-12-01T10:00:00+08:00", NULL};
    char *shot[] = {kiosk, "--screenshot", png, "--data-dir", data, NULL};
    char *content[] = {kiosk, "--replay", script, "--data-dir", data, "--content", SAMPLE, NULL};
    char **runs[] = {replay, shot, content};
    for (int i = 0; i < 3; i++) {
        char *msg = NULL;
        int rc = proc_run(runs[i], NULL, &msg);
        if (rc != 1 || !strstr(msg, "another kiosk") || !strstr(msg, pid) ||
            !strstr(msg, "only one kiosk"))
            fail_msg("second kiosk (%s) exited %d: %s", runs[i][1], rc, msg);
        free(msg);
    }
    struct stat st;
    assert_int_equal(stat(dump, &st), -1);
    assert_int_equal(stat(png, &st), -1);
    int n;
    free(corrupt_names(data, &n));
    assert_int_equal(n, 0);
    /* The running kiosk still has its queue; kioskctl still works beside it. */
    OutboxCounts c;
    assert_int_equal(outbox_counts(kiosk_outbox(k), &c), 0);
    assert_int_equal(c.waiting, 5);
    char *out = NULL, *msg = NULL;
    assert_int_equal(kioskctl(data, "status", NULL, &out, &msg), 0);
    assert_non_null(strstr(out, "翠湖花园"));
    free(out); free(msg);
    kiosk_close(k);

    /* Once it has stopped, the next one starts. */
    msg = NULL;
    int rc = proc_run(replay, NULL, &msg);
    if (rc != 0)
        fail_msg("kiosk after the first stopped exited %d: %s", rc, msg);
    free(msg);
    char *home = tmpdir_read(dump);
    assert_non_null(strstr(home, "screen home"));
    free(home); free(kiosk); free(png); free(script); free(dump); free(data);
    unmount_tmpfs(mnt);
}

/* A damaged file that another program has open is never moved aside. */
static void test_damaged_database_open_elsewhere_stays(void **state)
{
    (void)state;
    int64_t now = SAMPLE_NOW_MS;
    char *data = populated("inuse", now);
    char *db = tmpdir_path(data, "kiosk.db");
    sqlite3 *other;
    assert_int_equal(sqlite3_open_v2(db, &other, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(other, "SELECT count(*) FROM submissions", -1, &st,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 300);
    sqlite3_finalize(st);
    damage(db, DAMAGE_HEADER);
    char *dump = tmpdir_path(dir, "inuse.txt"), *script = tmpdir_path(dir, "inuse.replay");
    char line[700];
    snprintf(line, sizeof line, "dump %s\n", dump);
    assert_int_equal(tmpdir_write(script, line, strlen(line)), 0);
    char *argv[] = {(char *)proc_bin("kiosk"), "--replay", script, "--data-dir", data,
                    "--now", "2026-12-01T10:00:00+08:00", NULL};
    char *msg = NULL, pid[32];
    snprintf(pid, sizeof pid, "process %ld", (long)getpid());
    int rc = proc_run(argv, NULL, &msg);
    if (rc != 1 || !strstr(msg, "another program") || !strstr(msg, pid) ||
        !strstr(msg, "nothing was moved"))
        fail_msg("kiosk on a damaged file open elsewhere exited %d: %s", rc, msg);
    free(msg);
    int n;
    free(corrupt_names(data, &n));
    assert_int_equal(n, 0);
    struct stat sb;
    assert_int_equal(stat(db, &sb), 0);
    /* Closed there: now the kiosk moves it aside as usual. */
    sqlite3_close(other);
    msg = NULL;
    rc = proc_run(argv, NULL, &msg);
    if (rc != 0 || !strstr(msg, "moved it aside"))
        fail_msg("kiosk exited %d: %s", rc, msg);
    free(msg);
    free(corrupt_names(data, &n));
    assert_true(n >= 1);
    free(script); free(dump); free(db); free(data);
}

/* ---- A database emptied or deleted (issue 12, item 7) ---- */

static void assert_lost_flag(const char *data, int64_t now, bool want)
{
    Kiosk *k;
    k = kiosk_start(data, NULL, now);
    assert_int_equal(store_lost(kiosk_store(k)), want);
    OutboxFlag fl[16];
    const OutboxFlag *f = find_flag(kiosk_outbox(k), "database_lost", fl, 16);
    if (want) {
        assert_non_null(f);
        assert_false(f->in_memory);
        assert_true(staff_panel_shows(k, now, "数据库文件丢失"));
    } else {
        assert_null(f);
    }
    kiosk_close(k);
}

static void test_emptied_database_is_flagged(void **state)
{
    (void)state;
    int64_t now = SAMPLE_NOW_MS;
    char *data = populated("lost", now);   /* content and 300 waiting */
    char *db = tmpdir_path(data, "kiosk.db"), *mark = tmpdir_path(data, STORE_DATA_MARK);
    struct stat st;
    assert_int_equal(stat(mark, &st), 0);
    assert_int_equal((int)(st.st_mode & 0777), 0600);

    /* truncate -s0: flagged for staff, kioskctl lists it. */
    assert_int_equal(truncate(db, 0), 0);
    assert_lost_flag(data, now, true);
    char *out = NULL, *msg = NULL;
    assert_int_equal(kioskctl(data, "status", NULL, &out, &msg), 0);
    assert_non_null(strstr(out, "database_lost"));
    free(out); free(msg);
    /* Content imported again: no longer lost (the flag stays until cleared). */
    assert_int_equal(kioskctl(data, "import", SAMPLE, &out, &msg), 0);
    free(out); free(msg);
    Kiosk *k;
    k = kiosk_start(data, NULL, now);
    assert_false(store_lost(kiosk_store(k)));
    kiosk_close(k);

    /* Deleted altogether (kioskctl ran first and made a fresh one): the same. */
    assert_int_equal(unlink(db), 0);
    assert_int_equal(kioskctl(data, "status", NULL, &out, &msg), 0);
    assert_non_null(strstr(out, "lost"));
    free(out); free(msg);
    assert_lost_flag(data, now, true);

    /* A new directory never held anything: nothing to flag. */
    char *fresh = tmpdir_path(dir, "fresh");
    assert_lost_flag(fresh, now, false);
    /* A suggestion alone (no content) marks it, within a content poll. */
    k = kiosk_start(fresh, NULL, now);
    char receipt[OUTBOX_RECEIPT_SIZE], err[300];
    assert_int_equal(outbox_push(kiosk_outbox(k), "noise", "楼下施工太吵", NULL, "zh", now / 1000,
                                 receipt, err, sizeof err), OUTBOX_OK);
    char *fmark = tmpdir_path(fresh, STORE_DATA_MARK);
    assert_int_equal(stat(fmark, &st), -1);
    kiosk_poll_content(k, now + 60000, false);
    assert_int_equal(stat(fmark, &st), 0);
    kiosk_close(k);
    char *fdb = tmpdir_path(fresh, "kiosk.db");
    assert_int_equal(truncate(fdb, 0), 0);
    assert_lost_flag(fresh, now, true);
    free(fdb); free(fmark); free(fresh); free(mark); free(db); free(data);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_thousand_submissions_with_kill_9, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_mount, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_database_is_moved_aside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_binary_on_damaged_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quick_check_skipped_only_after_clean_close, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_at_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_kiosk_per_data_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_database_open_elsewhere_stays, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_emptied_database_is_flagged, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
