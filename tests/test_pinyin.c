/* test_pinyin.c - the googlepinyin wrapper: conversion, choices, predictions, filter, privacy, speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pinyin_priv.h"
#include "pinyin.h"
#include "tmpdir.h"

/* The whole file shares one Pinyin (one decoder per process), opened in
 * the group setup with TMPDIR pointing at a scratch directory. */
static Pinyin *py;
static char *scratch;
static off_t empty_dict_size;

static int group_setup(void **state)
{
    (void)state;
    scratch = tmpdir_make();
    if (!scratch || setenv("TMPDIR", scratch, 1) != 0)
        return -1;
    /* Left by a process that died (no such pid), and by a live one. */
    char path[512];
    snprintf(path, sizeof path, "%s/lobby-pinyin-2147483646-AbCdEf", scratch);
    if (mkdir(path, 0700) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/lobby-pinyin-2147483646-AbCdEf/user-123456", scratch);
    if (tmpdir_write(path, "x", 1) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/lobby-pinyin-%ld-GhIjKl", scratch, (long)getppid());
    if (mkdir(path, 0700) != 0)
        return -1;
    char err[256] = "";
    py = pinyin_open(NULL, err, sizeof err);
    if (!py) {
        fprintf(stderr, "pinyin_open: %s\n", err);
        return -1;
    }
    struct stat st;
    if (stat(pinyin_user_dict_path(py), &st) != 0)
        return -1;
    empty_dict_size = st.st_size;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pinyin_close(py);
    py = NULL;
    unsetenv("TMPDIR");
    tmpdir_remove(scratch);
    scratch = NULL;
    return 0;
}

static int each_setup(void **state)
{
    (void)state;
    if (!py)
        return -1;
    pinyin_set_filter(py, NULL, NULL);
    pinyin_clear(py);
    return 0;
}

static void type(const char *letters)
{
    for (const char *c = letters; *c; c++)
        if (pinyin_type(py, *c) != 0)
            fail_msg("pinyin_type refused '%c' of \"%s\"", *c, letters);
}

/* Index of candidate `text`, or -1. */
static long find(const char *text)
{
    for (size_t i = 0; i < pinyin_count(py); i++)
        if (strcmp(pinyin_candidate(py, i), text) == 0)
            return (long)i;
    return -1;
}

static void expect_first(const char *letters, const char *first)
{
    pinyin_clear(py);
    type(letters);
    assert_true(pinyin_count(py) > 1);
    assert_string_equal(pinyin_candidate(py, 0), first);
}

static void test_whole_input_is_candidate_zero(void **state)
{
    (void)state;
    expect_first("shequwuye", "社区物业");
    assert_string_equal(pinyin_letters(py), "shequwuye");
    assert_true(pinyin_composing(py));
    assert_false(pinyin_predicting(py));
    expect_first("tingchewenti", "停车问题");
    expect_first("diantihuaile", "电梯坏了");
    expect_first("wuye", "物业");
    /* Later candidates are the words and characters for the start. */
    pinyin_clear(py);
    type("shequwuye");
    assert_true(find("社区") > 0);
    assert_null(pinyin_candidate(py, pinyin_count(py)));
    assert_true(pinyin_count(py) <= PINYIN_MAX_CANDIDATES);
    /* "zzz" has 1436 engine candidates: capped. */
    pinyin_clear(py);
    type("zzz");
    assert_int_equal(pinyin_count(py), PINYIN_MAX_CANDIDATES);
}

static void expect_display(const char *letters, const char *shown)
{
    char buf[128];
    pinyin_clear(py);
    type(letters);
    pinyin_display(py, buf, sizeof buf);
    assert_string_equal(buf, shown);
}

static void test_display_splits_syllables(void **state)
{
    (void)state;
    expect_display("shequwuye", "she'qu'wu'ye");
    expect_display("xian", "xian");
    expect_display("xi'an", "xi'an");
    expect_display("shequv", "she'qu'v");     /* v alone is no syllable */
    expect_display("vvv", "vvv");
    char buf[8];
    pinyin_clear(py);
    pinyin_display(py, buf, sizeof buf);
    assert_string_equal(buf, "");
    type("shequwuye");
    pinyin_display(py, buf, sizeof buf);       /* truncated, terminated */
    assert_string_equal(buf, "she'qu");
    pinyin_display(py, buf, 1);
    assert_string_equal(buf, "");
}

static void test_backspace(void **state)
{
    (void)state;
    type("ting");
    size_t before = pinyin_count(py);
    assert_int_equal(pinyin_backspace(py), 1);
    assert_string_equal(pinyin_letters(py), "tin");
    assert_true(pinyin_count(py) > 0);
    assert_true(pinyin_count(py) != before || strcmp(pinyin_candidate(py, 0), "停") != 0);
    assert_int_equal(pinyin_backspace(py), 1);
    assert_int_equal(pinyin_backspace(py), 1);
    assert_int_equal(pinyin_backspace(py), 1);
    assert_string_equal(pinyin_letters(py), "");
    assert_false(pinyin_composing(py));
    assert_int_equal(pinyin_count(py), 0);
    assert_int_equal(pinyin_backspace(py), 0);
    assert_int_equal(pinyin_backspace(py), 0);
    /* Typing again after emptying works. */
    type("wuye");
    assert_string_equal(pinyin_candidate(py, 0), "物业");
}

static void test_partial_choice(void **state)
{
    (void)state;
    char out[PINYIN_TEXT_MAX], buf[128];
    type("shequwuye");
    long i = find("社区");
    assert_true(i > 0);
    strcpy(out, "untouched");
    assert_int_equal(pinyin_choose(py, (size_t)i, out, sizeof out), 0);
    assert_string_equal(out, "untouched");
    assert_true(pinyin_composing(py));
    pinyin_display(py, buf, sizeof buf);
    assert_string_equal(buf, "社区wu'ye");
    long j = find("物业");
    assert_true(j >= 0);
    assert_null(strstr(pinyin_candidate(py, 0), "社区"));   /* only the rest */
    assert_int_equal(pinyin_choose(py, (size_t)j, out, sizeof out), 1);
    assert_string_equal(out, "社区物业");
    assert_false(pinyin_composing(py));
    assert_int_equal(pinyin_count(py), 0);
    assert_string_equal(pinyin_letters(py), "");
}

static void test_partial_choice_then_backspace(void **state)
{
    (void)state;
    char out[PINYIN_TEXT_MAX], buf[128];
    type("shequwuye");
    assert_int_equal(pinyin_choose(py, (size_t)find("社区"), out, sizeof out), 0);
    assert_int_equal(pinyin_backspace(py), 1);
    pinyin_display(py, buf, sizeof buf);
    assert_string_equal(buf, "社区wu'y");                 /* the choice stays */
    assert_int_equal(pinyin_backspace(py), 1);
    assert_int_equal(pinyin_backspace(py), 1);
    assert_int_equal(pinyin_backspace(py), 1);            /* into the choice */
    pinyin_display(py, buf, sizeof buf);
    assert_string_equal(buf, "she'qu");
    assert_string_equal(pinyin_candidate(py, 0), "社区");
    /* Three syllables, choose one at a time. */
    pinyin_clear(py);
    type("shequwuyeguanli");
    assert_int_equal(pinyin_choose(py, (size_t)find("社区"), out, sizeof out), 0);
    assert_int_equal(pinyin_choose(py, (size_t)find("物业"), out, sizeof out), 0);
    pinyin_display(py, buf, sizeof buf);
    assert_string_equal(buf, "社区物业guan'li");
    assert_int_equal(pinyin_choose(py, (size_t)find("管理"), out, sizeof out), 1);
    assert_string_equal(out, "社区物业管理");
}

static void test_choose_errors(void **state)
{
    (void)state;
    char out[PINYIN_TEXT_MAX], small[4];
    assert_int_equal(pinyin_choose(py, 0, out, sizeof out), -1);  /* nothing */
    type("shequwuye");
    size_t n = pinyin_count(py);
    assert_int_equal(pinyin_choose(py, n, out, sizeof out), -1);
    assert_int_equal(pinyin_choose(py, 0, small, sizeof small), -1);
    assert_int_equal(pinyin_choose(py, 0, NULL, 0), -1);
    /* Nothing changed. */
    assert_int_equal(pinyin_count(py), n);
    assert_string_equal(pinyin_letters(py), "shequwuye");
    assert_int_equal(pinyin_choose(py, 0, out, sizeof out), 1);
    assert_string_equal(out, "社区物业");
}

static void test_invalid_input_refused(void **state)
{
    (void)state;
    const char bad[] = {'A', 'Z', '0', '9', ' ', '-', '\0', '\n', (char)0xE4};
    for (size_t i = 0; i < sizeof bad; i++)
        assert_int_equal(pinyin_type(py, bad[i]), -1);
    assert_int_equal(pinyin_type(py, '\''), -1);          /* nothing to separate */
    assert_false(pinyin_composing(py));
    type("xi");
    assert_int_equal(pinyin_type(py, '\''), 0);
    assert_int_equal(pinyin_type(py, '\''), -1);          /* no '' */
    assert_string_equal(pinyin_letters(py), "xi'");
    pinyin_clear(py);
    /* 28 letters fit; the 29th is refused and nothing breaks. */
    const char *longest = "woxiangjianyiwuyegongsizengj";
    assert_int_equal(strlen(longest), PINYIN_MAX_LETTERS);
    type(longest);
    assert_int_equal(pinyin_type(py, 'i'), -1);
    assert_int_equal(pinyin_type(py, '\''), -1);
    assert_string_equal(pinyin_letters(py), longest);
    assert_true(pinyin_count(py) > 0);
    char out[PINYIN_TEXT_MAX];
    int r;
    while ((r = pinyin_choose(py, 0, out, sizeof out)) == 0)
        ;
    assert_int_equal(r, 1);
    assert_true(strncmp(out, "我想建议物业公司", strlen("我想建议物业公司")) == 0);
    /* Letters that form no syllable give no candidates, no crash. */
    pinyin_clear(py);
    type("iiiiuuuuvvvv");
    assert_int_equal(pinyin_count(py), 0);
    assert_int_equal(pinyin_choose(py, 0, out, sizeof out), -1);
}

static void test_predictions(void **state)
{
    (void)state;
    char out[PINYIN_TEXT_MAX];
    size_t n = pinyin_predict(py, "小区的物业");
    assert_true(n > 0);
    assert_int_equal(pinyin_count(py), n);
    assert_true(pinyin_predicting(py));
    assert_false(pinyin_composing(py));
    long i = find("管理");
    assert_true(i >= 0);
    assert_int_equal(pinyin_choose(py, (size_t)i, out, sizeof out), 1);
    assert_string_equal(out, "管理");
    assert_false(pinyin_predicting(py));
    assert_int_equal(pinyin_count(py), 0);

    assert_true(pinyin_predict(py, "停车") > 0);
    assert_true(find("场") >= 0 || find("位") >= 0);
    /* After 电梯坏了 the engine knows no word starting with 坏了 and fell
     * back to 了 alone (了解, 了吗, 了一场: "解 吗 一场"): punctuation
     * instead. A 了 picked on its own still predicts 了解. */
    assert_int_equal(pinyin_predict(py, "电梯坏了"), 4);
    assert_string_equal(pinyin_candidate(py, 0), "，");
    assert_string_equal(pinyin_candidate(py, 1), "。");
    assert_int_equal(find("解"), -1);
    assert_int_equal(find("一场"), -1);
    assert_int_equal(pinyin_choose(py, 0, out, sizeof out), 1);
    assert_string_equal(out, "，");
    assert_int_equal(pinyin_predict(py, "这样行吗"), 4);
    assert_string_equal(pinyin_candidate(py, 0), "？");
    assert_true(pinyin_predict(py, "了") > 0);
    assert_true(find("解") >= 0);
    assert_true(pinyin_predict(py, "小区的") > 0);      /* 的: a noun follows, kept */
    assert_int_equal(find("，"), -1);
    assert_true(pinyin_predict(py, "小区的物业") > 0);
    assert_true(find("管理") >= 0);
    /* A letter ends predictions. */
    type("a");
    assert_false(pinyin_predicting(py));
    assert_string_equal(pinyin_candidate(py, 0), "啊");
    /* Backspace with no letters drops predictions and returns 0. */
    pinyin_clear(py);
    assert_true(pinyin_predict(py, "物业") > 0);
    assert_int_equal(pinyin_backspace(py), 0);
    assert_false(pinyin_predicting(py));
    assert_int_equal(pinyin_count(py), 0);
    /* Nothing Chinese at the end: nothing to predict from. */
    assert_int_equal(pinyin_predict(py, "物业。"), 0);
    assert_int_equal(pinyin_predict(py, "abc"), 0);
    assert_int_equal(pinyin_predict(py, ""), 0);
    assert_int_equal(pinyin_predict(py, NULL), 0);
    assert_int_equal(pinyin_predict(py, "\xE7\x89"), 0);   /* cut UTF-8 */
    assert_false(pinyin_predicting(py));
    /* A long history uses its end. */
    assert_true(pinyin_predict(py, "我们希望小区尽快改善物业") > 0);
    assert_true(find("管理") >= 0);
}

static bool reject_cp(void *ctx, uint32_t cp)
{
    return cp != *(const uint32_t *)ctx;
}

static void assert_none_contains(const char *s)
{
    for (size_t i = 0; i < pinyin_count(py); i++)
        if (strstr(pinyin_candidate(py, i), s))
            fail_msg("candidate %zu \"%s\" contains %s", i, pinyin_candidate(py, i), s);
}

static void test_filter(void **state)
{
    (void)state;
    char out[PINYIN_TEXT_MAX], buf[128];
    static uint32_t qu = 0x533A;   /* 区 */
    type("shequ");
    size_t all = pinyin_count(py);
    assert_true(find("社区") >= 0);
    pinyin_set_filter(py, reject_cp, &qu);    /* re-filters at once */
    assert_true(pinyin_count(py) < all);
    assert_none_contains("区");
    long i = find("摄取");
    assert_true(i >= 0);
    assert_int_equal(pinyin_choose(py, (size_t)i, out, sizeof out), 1);
    assert_string_equal(out, "摄取");          /* filtered index mapped right */

    /* A partial choice through the filter. */
    static uint32_t she = 0x793E;  /* 社 */
    pinyin_set_filter(py, reject_cp, &she);
    type("shequwuye");
    assert_none_contains("社");
    i = find("摄取");
    assert_true(i >= 0);
    assert_int_equal(pinyin_choose(py, (size_t)i, out, sizeof out), 0);
    pinyin_display(py, buf, sizeof buf);
    assert_string_equal(buf, "摄取wu'ye");
    int r;
    while ((r = pinyin_choose(py, 0, out, sizeof out)) == 0)
        ;
    assert_int_equal(r, 1);
    assert_true(strncmp(out, "摄取", strlen("摄取")) == 0);

    /* Predictions are filtered too. */
    static uint32_t guan = 0x7BA1; /* 管 */
    pinyin_set_filter(py, reject_cp, &guan);
    assert_true(pinyin_predict(py, "物业") > 0);
    assert_none_contains("管");
    pinyin_set_filter(py, NULL, NULL);
    assert_true(find("管理") >= 0);
}

/* Teach the engine a rare phrase: 社区午夜 by two partial choices. */
static void teach_rare_phrase(void)
{
    char out[PINYIN_TEXT_MAX];
    for (int k = 0; k < 3; k++) {
        pinyin_clear(py);
        type("shequwuye");
        assert_int_equal(pinyin_choose(py, (size_t)find("社区"), out, sizeof out), 0);
        long i = find("午夜");
        assert_true(i >= 0);
        assert_int_equal(pinyin_choose(py, (size_t)i, out, sizeof out), 1);
        assert_string_equal(out, "社区午夜");
    }
}

static void test_reset_forgets_learning(void **state)
{
    (void)state;
    /* Earlier tests taught it phrases (摄取物业 in test_filter). */
    assert_int_equal(pinyin_reset(py), 0);
    const char *path = pinyin_user_dict_path(py);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(strncmp(path, scratch, strlen(scratch)) == 0);

    expect_first("shequwuye", "社区物业");
    teach_rare_phrase();
    expect_first("shequwuye", "社区午夜");     /* it did learn */

    /* Make the engine write what it learned into its file (the module
     * itself never does), so the reset has something to delete. */
    pinyin_clear(py);
    im_flush_cache();
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > empty_dict_size);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);

    assert_int_equal(pinyin_reset(py), 0);
    struct stat old, now;
    assert_int_equal(fstat(fd, &old), 0);
    close(fd);
    assert_int_equal(old.st_nlink, 0);           /* the old file is deleted */
    assert_int_equal(stat(path, &now), 0);       /* a fresh one in its place */
    assert_true(now.st_ino != old.st_ino);
    assert_int_equal(now.st_size, empty_dict_size);
    assert_int_equal(now.st_mode & 0777, 0600);
    expect_first("shequwuye", "社区物业");       /* learning is gone */

    /* Reset also drops the composition and predictions. */
    type("ni");
    assert_int_equal(pinyin_reset(py), 0);
    assert_false(pinyin_composing(py));
    assert_true(pinyin_predict(py, "物业") > 0);
    assert_int_equal(pinyin_reset(py), 0);
    assert_false(pinyin_predicting(py));
    assert_int_equal(pinyin_count(py), 0);
    /* Learning without a flush: still forgotten. */
    teach_rare_phrase();
    expect_first("shequwuye", "社区午夜");
    assert_int_equal(pinyin_reset(py), 0);
    expect_first("shequwuye", "社区物业");
    assert_int_equal(stat(path, &now), 0);
    assert_int_equal(now.st_size, empty_dict_size);   /* never written */
}

static void test_open_errors(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(pinyin_open("/nonexistent/dict_pinyin.dat", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/dict_pinyin.dat"));
    /* A file that is not a dictionary would make the engine abort. */
    char *bad = tmpdir_path(scratch, "garbage.dat");
    char junk[70000];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 3);
    assert_int_equal(tmpdir_write(bad, junk, sizeof junk), 0);
    err[0] = '\0';
    assert_null(pinyin_open(bad, err, sizeof err));
    assert_non_null(strstr(err, "not a googlepinyin dictionary"));
    assert_null(pinyin_open(bad, NULL, 0));
    free(bad);
    /* Only one decoder per process. */
    err[0] = '\0';
    assert_null(pinyin_open(NULL, err, sizeof err));
    assert_non_null(strstr(err, "already open"));
    /* The open one still works. */
    expect_first("tingchewenti", "停车问题");
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Roughly the kiosk font: GB2312's hanzi block range and ASCII. */
static bool cheap_font(void *ctx, uint32_t cp)
{
    (void)ctx;
    return cp < 0x80 || (cp >= 0x4E00 && cp <= 0x9FA5);
}

static void test_keystroke_speed(void **state)
{
    (void)state;
    static const char *const phrases[] = {
        "shequwuye", "tingchewenti", "diantihuaile", "woxiangjianyi",
        "xiaoqulvhua", "lajifenlei", "zhangjiaxiansheng", "louxiazaoyin",
        "shuifei", "anquan", "zzz", "xi'anshi",
    };
    enum { KEYS = 10000 };
    static double t[KEYS];
    size_t k = 0, ph = 0;
    char out[PINYIN_TEXT_MAX];
    pinyin_set_filter(py, cheap_font, NULL);
    while (k < KEYS) {
        const char *s = phrases[ph++ % (sizeof phrases / sizeof *phrases)];
        pinyin_clear(py);
        for (const char *c = s; *c && k < KEYS; c++) {
            double t0 = now_ms();
            pinyin_type(py, *c);
            size_t n = pinyin_count(py);
            for (size_t i = 0; i < n && i < 10; i++)   /* the first page */
                assert_non_null(pinyin_candidate(py, i));
            t[k++] = now_ms() - t0;
        }
        if (ph % 3 == 0) {              /* sometimes erase, sometimes commit */
            while (k < KEYS && pinyin_composing(py)) {
                double t0 = now_ms();
                pinyin_backspace(py);
                (void)pinyin_count(py);
                t[k++] = now_ms() - t0;
            }
        } else if (pinyin_count(py) > 0) {
            double t0 = now_ms();
            if (pinyin_choose(py, 0, out, sizeof out) == 1)
                pinyin_predict(py, out);
            if (k < KEYS)
                t[k++] = now_ms() - t0;
        }
    }
    qsort(t, KEYS, sizeof *t, cmp_double);
    double p50 = t[KEYS / 2], p99 = t[KEYS * 99 / 100], max = t[KEYS - 1];
    printf("pinyin: %d keys, p50 %.4f ms, p99 %.4f ms, max %.3f ms\n", KEYS, p50, p99, max);
}

/* Opening removed the directory of the dead process only. */
static void test_open_sweeps_stale_directories(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/lobby-pinyin-2147483646-AbCdEf", scratch);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/lobby-pinyin-%ld-GhIjKl", scratch, (long)getppid());
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(rmdir(path), 0);
    /* Ours is named with our pid. */
    snprintf(path, sizeof path, "%s/lobby-pinyin-%ld-", scratch, (long)getpid());
    assert_true(strncmp(pinyin_user_dict_path(py), path, strlen(path)) == 0);
}

/* A forked child that exits (its atexit handlers run) leaves the parent's
 * user dictionary alone. */
static void test_fork_child_exit_keeps_files(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        exit(0);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(access(pinyin_user_dict_path(py), F_OK), 0);
    expect_first("shequwuye", "社区物业");
}

/* Close wipes what was learned; the decoder is re-used by the next open. */
static void test_close_and_reopen(void **state)
{
    (void)state;
    char path[512], err[256] = "";
    snprintf(path, sizeof path, "%s", pinyin_user_dict_path(py));
    teach_rare_phrase();
    expect_first("shequwuye", "社区午夜");
    pinyin_close(py);
    py = NULL;
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, empty_dict_size);
    assert_int_equal(st.st_mode & 0777, 0600);
    py = pinyin_open(NULL, err, sizeof err);
    assert_non_null(py);
    assert_string_equal(pinyin_user_dict_path(py), path);
    expect_first("shequwuye", "社区物业");
    pinyin_close(NULL);
}

/* Last: unloading deletes the user dictionary and its directory. */
static void test_unload_deletes_everything(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s", pinyin_user_dict_path(py));
    type("nihao");
    pinyin_close(py);
    py = NULL;
    pinyin_unload();
    pinyin_unload();                        /* twice is harmless */
    assert_int_equal(access(path, F_OK), -1);
    DIR *d = opendir(scratch);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "garbage.dat") == 0)
            continue;
        fail_msg("left behind in TMPDIR: %s", e->d_name);
    }
    closedir(d);
}

/* After the unload: pinyin_open_later checks the dictionary at once but
 * loads nothing; pinyin_load_start loads it on a thread, and the first key
 * waits for that load; without a start, the first key loads it. */
static void test_open_later(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(pinyin_open_later("/nonexistent/dict.dat", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/dict.dat"));
    for (int start = 1; start >= 0; start--) {
        py = pinyin_open_later(NULL, err, sizeof err);
        assert_non_null(py);
        assert_int_equal(pinyin_load_status(py, err, sizeof err), 0);   /* not loaded */
        assert_int_equal(pinyin_count(py), 0);
        assert_int_equal(pinyin_reset(py), 0);
        pinyin_clear(py);
        pinyin_set_filter(py, NULL, NULL);
        if (start)
            pinyin_load_start(py);
        expect_first("shequwuye", "社区物业");   /* waits for (or makes) the load */
        assert_int_equal(pinyin_load_status(py, err, sizeof err), 1);
        assert_int_equal(access(pinyin_user_dict_path(py), F_OK), 0);
        pinyin_close(py);
        py = NULL;
        pinyin_unload();
    }
    /* Closed while its load runs: the load finishes first, nothing is left. */
    py = pinyin_open_later(NULL, err, sizeof err);
    assert_non_null(py);
    pinyin_load_start(py);
    pinyin_close(py);
    py = NULL;
    pinyin_unload();
    /* Never started, never used: nothing was loaded. */
    py = pinyin_open_later(NULL, err, sizeof err);
    pinyin_close(py);
    py = NULL;
    pinyin_unload();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_whole_input_is_candidate_zero, each_setup),
        cmocka_unit_test_setup(test_display_splits_syllables, each_setup),
        cmocka_unit_test_setup(test_backspace, each_setup),
        cmocka_unit_test_setup(test_partial_choice, each_setup),
        cmocka_unit_test_setup(test_partial_choice_then_backspace, each_setup),
        cmocka_unit_test_setup(test_choose_errors, each_setup),
        cmocka_unit_test_setup(test_invalid_input_refused, each_setup),
        cmocka_unit_test_setup(test_predictions, each_setup),
        cmocka_unit_test_setup(test_filter, each_setup),
        cmocka_unit_test_setup(test_reset_forgets_learning, each_setup),
        cmocka_unit_test_setup(test_open_errors, each_setup),
        cmocka_unit_test_setup(test_keystroke_speed, each_setup),
        cmocka_unit_test_setup(test_open_sweeps_stale_directories, each_setup),
        cmocka_unit_test_setup(test_fork_child_exit_keeps_files, each_setup),
        cmocka_unit_test_setup(test_close_and_reopen, each_setup),
        cmocka_unit_test_setup(test_unload_deletes_everything, each_setup),
        cmocka_unit_test(test_open_later),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
