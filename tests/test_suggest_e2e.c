/* test_suggest_e2e.c - the real kiosk binary takes a suggestion typed in
 * pinyin and handwriting; the row survives kill -9 right after the
 * thank-you page; a full disk shows the apology and keeps the draft. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "handwriting.h"
#include "proc.h"
#include "strokes.h"
#include "tmpdir.h"

#define NOW "2026-12-01T10:00:00+08:00"

extern char **environ;

static char *dir;

static int setup(void **state) { (void)state; dir = tmpdir_make(); return dir ? 0 : -1; }
static int teardown(void **state) { (void)state; tmpdir_remove(dir); return 0; }

/* A growing script. */
typedef struct { char *s; size_t len; } Buf;

static void add(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[4096];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof line);
    b->s = realloc(b->s, b->len + (size_t)n + 1);
    assert_non_null(b->s);
    memcpy(b->s + b->len, line, (size_t)n + 1);
    b->len += (size_t)n;
}

static void type_pinyin(Buf *b, const char *letters)
{
    for (; *letters; letters++)
        add(b, "tap @key:%c\n", *letters);
}

/* Draw a recorded character on the pad at `pad` (x y w h) as stroke lines. */
static void draw(Buf *b, const char *file, const int pad[4])
{
    HwInk *ink = hw_ink_new();
    char ch[8];
    assert_true(strokes_load(file, pad[2] / 400.0, 0, 0, ink, ch) > 0);
    for (size_t s = 0; s < hw_ink_strokes(ink); s++) {
        const HwPoint *p = hw_ink_stroke(ink, s);
        size_t n = hw_ink_points(ink, s);
        size_t step = n / 60 + 1;   /* at most 64 points a stroke command */
        add(b, "stroke");
        for (size_t i = 0; i < n; i += step)
            add(b, " %d %d", pad[0] + p[i].x, pad[1] + p[i].y);
        add(b, " %d %d\n", pad[0] + p[n - 1].x, pad[1] + p[n - 1].y);
    }
    hw_ink_free(ink);
}

static char *write_script(const char *name, const Buf *b)
{
    char *p = tmpdir_path(dir, name);
    assert_int_equal(tmpdir_write(p, b->s, b->len), 0);
    return p;
}

/* Run the kiosk on a script with a data directory; returns the status. */
static int kiosk(const char *script, const char *data, char **err)
{
    char *argv[] = {(char *)proc_bin("kiosk"), "--replay", (char *)script, "--data-dir",
                    (char *)data, "--now", NOW, "--size", "1920x1080", NULL};
    return proc_run(argv, NULL, err);
}

/* Where the handwriting pad is on the write step. */
static void find_pad(const char *data, int pad[4])
{
    char *dump = tmpdir_path(dir, "pad.txt");
    Buf b = {0};
    add(&b, "tap @tile:suggest\ntap @topic:repairs\ntap @mode:hand\ndump %s\n", dump);
    char *sp = write_script("pad.replay", &b);
    assert_int_equal(kiosk(sp, data, NULL), 0);
    char *t = tmpdir_read(dump);
    const char *h = strstr(t, "hit hwpad ");
    assert_non_null(h);
    assert_int_equal(sscanf(h, "hit hwpad %d %d %d %d", &pad[0], &pad[1], &pad[2], &pad[3]), 4);
    free(t); free(sp); free(b.s); free(dump);
}

/* The payload texts stored in DATA/kiosk.db, joined by '|'. */
static char *stored_texts(const char *data, int *count)
{
    char path[600];
    snprintf(path, sizeof path, "%s/kiosk.db", data);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT payload FROM submissions", -1, &st, NULL),
                     SQLITE_OK);
    char *out = calloc(1, 1);
    *count = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_error_t e;
        json_t *j = json_loads((const char *)sqlite3_column_text(st, 0), 0, &e);
        const char *t = json_string_value(json_object_get(j, "text"));
        size_t n = strlen(out) + strlen(t) + 2;
        out = realloc(out, n);
        if (*count)
            strcat(out, "|");
        strcat(out, t);
        json_decref(j);
        ++*count;
    }
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static void test_pinyin_and_handwriting_through_the_binary(void **state)
{
    (void)state;
    char *data = tmpdir_path(dir, "data1");
    int pad[4];
    find_pad(data, pad);
    char *sent = tmpdir_path(dir, "sent.txt");
    Buf b = {0};
    add(&b, "tap @tile:suggest\ntap @topic:repairs\n");
    type_pinyin(&b, "shequ");
    add(&b, "tap @cand:0\n");                 /* 社区 */
    add(&b, "tap @mode:hand\n");
    draw(&b, "tests/data/strokes/dian.txt", pad);
    add(&b, "tap @cand:0\n");                 /* 电 */
    draw(&b, "tests/data/strokes/ti.txt", pad);
    add(&b, "tap @cand:0\n");                 /* 梯 */
    add(&b, "tap @mode:pinyin\n");
    type_pinyin(&b, "huaile");
    add(&b, "tap @key:space\ntap @key:sym:。\n");
    add(&b, "tap @next\ntap @anonymous\ntap @send\ndump %s\n", sent);
    char *sp = write_script("type.replay", &b);
    char *err = NULL;
    int rc = kiosk(sp, data, &err);
    if (rc != 0)
        fail_msg("kiosk exited %d: %s", rc, err);
    /* Nothing the resident typed reaches the log. */
    assert_null(strstr(err, "社区"));
    assert_null(strstr(err, "坏了"));
    char *t = tmpdir_read(sent);
    assert_non_null(strstr(t, "screen suggest-sent"));
    int n;
    char *texts = stored_texts(data, &n);
    assert_int_equal(n, 1);
    assert_string_equal(texts, "社区电梯坏了。");
    free(texts); free(t); free(err); free(sp); free(b.s); free(sent); free(data);
}

/* Start the kiosk on a script in the background. */
static pid_t spawn_kiosk(const char *script, const char *data)
{
    char *argv[] = {(char *)proc_bin("kiosk"), "--replay", (char *)script, "--data-dir",
                    (char *)data, "--now", NOW, NULL};
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

/* Read what the kiosk dumps into a FIFO (blocks until it writes it). */
static char *read_fifo(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_kill_9_right_after_thank_you(void **state)
{
    (void)state;
    char *data = tmpdir_path(dir, "data2");
    char *f1 = tmpdir_path(dir, "thanks.fifo"), *f2 = tmpdir_path(dir, "never.fifo");
    assert_int_equal(mkfifo(f1, 0600), 0);
    assert_int_equal(mkfifo(f2, 0600), 0);
    Buf b = {0};
    add(&b, "tap @tile:suggest\ntap @topic:noise\ntap @mode:abc\n");
    type_pinyin(&b, "noisy");
    /* The second dump blocks for ever: the kiosk is still running, right
     * after the thank-you page, when it is killed. */
    add(&b, "tap @next\ntap @anonymous\ntap @send\ndump %s\ndump %s\n", f1, f2);
    char *sp = write_script("kill.replay", &b);
    pid_t pid = spawn_kiosk(sp, data);
    char *thanks = read_fifo(f1);
    assert_non_null(strstr(thanks, "screen suggest-sent"));
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    int n;
    char *texts = stored_texts(data, &n);
    assert_int_equal(n, 1);
    assert_string_equal(texts, "noisy");
    free(texts); free(thanks); free(sp); free(b.s); free(f1); free(f2); free(data);
}

static void test_full_disk_shows_apology_and_keeps_draft(void **state)
{
    (void)state;
    char *mnt = tmpdir_path(dir, "small");
    assert_int_equal(mkdir(mnt, 0700), 0);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m") != 0) {
        /* Only root (as in CI) may mount; test_suggest covers a read-only
         * database in-process where this cannot run. */
        fprintf(stderr, "cannot mount a small tmpfs (%s): full-disk test skipped\n",
                strerror(errno));
        free(mnt);
        skip();
    }
    char *data = tmpdir_path(mnt, "data");
    char *f1 = tmpdir_path(dir, "review.fifo"), *f2 = tmpdir_path(dir, "filled.fifo");
    char *f3 = tmpdir_path(dir, "failed.fifo"), *f4 = tmpdir_path(dir, "freed.fifo");
    char *apology = tmpdir_path(dir, "apology.txt"), *sent = tmpdir_path(dir, "sent3.txt");
    assert_int_equal(mkfifo(f1, 0600), 0);
    assert_int_equal(mkfifo(f2, 0600), 0);
    assert_int_equal(mkfifo(f3, 0600), 0);
    assert_int_equal(mkfifo(f4, 0600), 0);
    Buf b = {0};
    add(&b, "tap @tile:suggest\ntap @topic:repairs\ntap @mode:abc\n");
    type_pinyin(&b, "roofleak");
    add(&b, "tap @next\ntap @anonymous\n");
    /* f1: at the review step; f2: wait while the test fills the disk. */
    add(&b, "dump %s\ndump %s\ntap @send\ndump %s\n", f1, f2, apology);
    /* f3: the apology is on file; f4: wait while the test frees space. */
    add(&b, "dump %s\ndump %s\ntap @dialog:retry\ndump %s\n", f3, f4, sent);
    char *sp = write_script("full.replay", &b);
    pid_t pid = spawn_kiosk(sp, data);
    free(read_fifo(f1));
    char *filler = tmpdir_path(mnt, "filler");
    tmpdir_fill(filler);
    free(read_fifo(f2));          /* the kiosk sends on a full disk now */
    free(read_fifo(f3));          /* it has dumped the apology */
    char *t = tmpdir_read(apology);
    assert_non_null(strstr(t, "screen suggest-review"));
    assert_non_null(strstr(t, "抱歉"));
    assert_non_null(strstr(t, "roofleak"));   /* the draft is still on screen */
    assert_non_null(strstr(t, "hit dialog:retry"));
    assert_int_equal(unlink(filler), 0);
    free(read_fifo(f4));          /* space again: the kiosk tries again */
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *s2 = tmpdir_read(sent);
    assert_non_null(strstr(s2, "screen suggest-sent"));
    int n;
    char *texts = stored_texts(data, &n);
    assert_int_equal(n, 1);
    assert_string_equal(texts, "roofleak");
    umount2(mnt, MNT_DETACH);
    free(texts); free(s2); free(t); free(filler); free(sp); free(b.s);
    free(f1); free(f2); free(f3); free(f4); free(apology); free(sent); free(data); free(mnt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pinyin_and_handwriting_through_the_binary),
        cmocka_unit_test(test_kill_9_right_after_thank_you),
        cmocka_unit_test(test_full_disk_shows_apology_and_keeps_draft),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
