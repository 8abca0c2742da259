/* test_handwriting.c - the ink (caps, decimation, undo) and zinnia recognition of recorded strokes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handwriting.h"
#include "strokes.h"

#define STROKES_DIR "tests/data/strokes/"

/* ---- the ink ---- */

static void test_ink_strokes_and_points(void **state)
{
    (void)state;
    HwInk *ink = hw_ink_new();
    assert_non_null(ink);
    assert_int_equal(hw_ink_strokes(ink), 0);
    assert_null(hw_ink_stroke(ink, 0));
    assert_int_equal(hw_ink_points(ink, 0), 0);
    /* No stroke open: refused. */
    assert_int_equal(hw_ink_add_point(ink, 10, 10), -1);

    assert_int_equal(hw_ink_begin_stroke(ink), 0);
    assert_int_equal(hw_ink_strokes(ink), 1);          /* counted while open */
    assert_int_equal(hw_ink_add_point(ink, 10, 10), 1);
    assert_int_equal(hw_ink_add_point(ink, 11, 12), 0);   /* < HW_MIN_STEP */
    assert_int_equal(hw_ink_add_point(ink, 10 + HW_MIN_STEP, 10), 1);
    assert_int_equal(hw_ink_add_point(ink, 10 + HW_MIN_STEP, 10 + HW_MIN_STEP), 1);
    hw_ink_end_stroke(ink);
    assert_int_equal(hw_ink_add_point(ink, 50, 50), -1);  /* ended */
    assert_int_equal(hw_ink_points(ink, 0), 3);
    const HwPoint *p = hw_ink_stroke(ink, 0);
    assert_int_equal(p[0].x, 10);
    assert_int_equal(p[2].y, 10 + HW_MIN_STEP);

    /* A second stroke: its first point is never dropped, even if close to
     * the end of the previous stroke. */
    assert_int_equal(hw_ink_begin_stroke(ink), 0);
    assert_int_equal(hw_ink_add_point(ink, 13, 13), 1);
    assert_int_equal(hw_ink_add_point(ink, 100000, -100000), 1);   /* clamped */
    assert_int_equal(hw_ink_stroke(ink, 1)[1].x, INT16_MAX);
    assert_int_equal(hw_ink_stroke(ink, 1)[1].y, INT16_MIN);
    /* Beginning a stroke ends the open one. */
    assert_int_equal(hw_ink_begin_stroke(ink), 0);
    assert_int_equal(hw_ink_add_point(ink, 5, 5), 1);
    assert_int_equal(hw_ink_strokes(ink), 3);
    assert_int_equal(hw_ink_points(ink, 1), 2);
    assert_int_equal(hw_ink_points(ink, 2), 1);
    hw_ink_end_stroke(ink);
    hw_ink_end_stroke(ink);                              /* no-op */
    assert_int_equal(hw_ink_strokes(ink), 3);

    /* A stroke without points (a touch that never moved into the pad) is
     * dropped when it ends. */
    assert_int_equal(hw_ink_begin_stroke(ink), 0);
    hw_ink_end_stroke(ink);
    assert_int_equal(hw_ink_strokes(ink), 3);
    hw_ink_free(ink);
    hw_ink_free(NULL);
}

static void test_ink_undo_and_clear(void **state)
{
    (void)state;
    HwInk *ink = hw_ink_new();
    for (int s = 0; s < 3; s++) {
        hw_ink_begin_stroke(ink);
        for (int i = 0; i < 5; i++)
            hw_ink_add_point(ink, s * 100 + i * 10, 50);
        hw_ink_end_stroke(ink);
    }
    assert_int_equal(hw_ink_undo(ink), 2);
    assert_int_equal(hw_ink_strokes(ink), 2);
    assert_int_equal(hw_ink_points(ink, 1), 5);
    assert_null(hw_ink_stroke(ink, 2));
    /* The points of the undone stroke are free again: a new stroke starts
     * right after stroke 1. */
    hw_ink_begin_stroke(ink);
    hw_ink_add_point(ink, 7, 7);
    assert_ptr_equal(hw_ink_stroke(ink, 2), hw_ink_stroke(ink, 1) + 5);
    /* Undo drops an open stroke too. */
    assert_int_equal(hw_ink_undo(ink), 2);
    assert_int_equal(hw_ink_add_point(ink, 9, 9), -1);   /* nothing open */
    assert_int_equal(hw_ink_undo(ink), 1);
    assert_int_equal(hw_ink_undo(ink), 0);
    assert_int_equal(hw_ink_undo(ink), 0);              /* empty: stays 0 */
    hw_ink_begin_stroke(ink);
    hw_ink_add_point(ink, 1, 1);
    hw_ink_clear(ink);
    assert_int_equal(hw_ink_strokes(ink), 0);
    assert_int_equal(hw_ink_add_point(ink, 9, 9), -1);
    hw_ink_free(ink);
}

static void test_ink_caps(void **state)
{
    (void)state;
    HwInk *ink = hw_ink_new();
    for (int s = 0; s < HW_MAX_STROKES; s++) {
        assert_int_equal(hw_ink_begin_stroke(ink), 0);
        assert_int_equal(hw_ink_add_point(ink, s, 0), 1);
        hw_ink_end_stroke(ink);
    }
    assert_int_equal(hw_ink_begin_stroke(ink), -1);
    assert_int_equal(hw_ink_strokes(ink), HW_MAX_STROKES);
    assert_int_equal(hw_ink_undo(ink), HW_MAX_STROKES - 1);
    assert_int_equal(hw_ink_begin_stroke(ink), 0);      /* room again */

    /* Points: a long scribble stops at HW_MAX_POINTS in all. */
    hw_ink_clear(ink);
    hw_ink_begin_stroke(ink);
    int kept = 0;
    for (int i = 0; i < HW_MAX_POINTS + 100; i++) {
        int r = hw_ink_add_point(ink, (i % 100) * 4, (i / 100) * 4);
        if (r == 1)
            kept++;
        else
            assert_true(i >= HW_MAX_POINTS && r == -1);
    }
    assert_int_equal(kept, HW_MAX_POINTS);
    hw_ink_end_stroke(ink);
    assert_int_equal(hw_ink_begin_stroke(ink), -1);     /* no points left */
    assert_int_equal(hw_ink_points(ink, 0), HW_MAX_POINTS);
    hw_ink_free(ink);
}

/* ---- recognition ---- */

static Handwriting *hw;

static int group_setup(void **state)
{
    (void)state;
    char err[256] = "";
    hw = hw_open(NULL, err, sizeof err);
    if (!hw)
        fprintf(stderr, "hw_open: %s\n", err);
    return hw ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    hw_close(hw);
    hw = NULL;
    return 0;
}

/* Rank (1-based) of the recording's own character among the candidates
 * for it drawn at scale/offset; 0 if absent. */
static int rank_of(const char *file, double scale, int dx, int dy, char first[8])
{
    HwInk *ink = hw_ink_new();
    char ch[8], out[HW_MAX_CANDIDATES][8];
    char path[256];
    snprintf(path, sizeof path, STROKES_DIR "%s", file);
    if (strokes_load(path, scale, dx, dy, ink, ch) <= 0)
        fail_msg("cannot load %s", path);
    size_t n = hw_recognize(hw, ink, 400, 400, out, HW_MAX_CANDIDATES);
    hw_ink_free(ink);
    snprintf(first, 8, "%s", n ? out[0] : "-");
    for (size_t i = 0; i < n; i++)
        if (strcmp(out[i], ch) == 0)
            return (int)i + 1;
    return 0;
}

/* Each recording (standard stroke order, 400x400 pad) with the rank it
 * must reach. Where zinnia's tegaki model is weak the limit is 10, and two
 * characters it misses in the standard order are checked in the order it
 * knows (docs/INPUT.md). */
static const struct { const char *file; int max_rank; } recordings[] = {
    {"yi.txt", 5},    {"shi.txt", 5},   {"kou.txt", 5},   {"ren.txt", 5},
    {"da.txt", 5},    /* 有 在 first (丈 左 久 ... before the frequency prior) */
    {"zhong.txt", 5}, {"dian.txt", 5},  {"ti.txt", 5},    {"che.txt", 5},
    {"men.txt", 5},   {"xiao.txt", 5},  {"ri.txt", 5},    {"mu.txt", 5},
    {"wang.txt", 5},
    {"shan.txt", 0},      /* known miss: 入 廾 女 ..., 山 not in the 10 */
    {"shui.txt", 0},      /* known miss: 仄 小 从 ..., 水 not in the 10 */
    {"shan-alt.txt", 5},  /* 山 as 竖折 first */
    {"shui-alt.txt", 5},  /* 水 as 横撇 first */
};

static void test_recorded_characters(void **state)
{
    (void)state;
    size_t n = sizeof recordings / sizeof *recordings;
    int top1 = 0, checked = 0;
    for (size_t i = 0; i < n; i++) {
        char first[8];
        int r = rank_of(recordings[i].file, 1.0, 0, 0, first);
        printf("  %-13s rank %2d (first %s)\n", recordings[i].file, r, first);
        if (recordings[i].max_rank == 0)
            continue;
        checked++;
        if (r == 1)
            top1++;
        if (r == 0 || r > recordings[i].max_rank)
            fail_msg("%s: rank %d, needs top %d (first was %s)", recordings[i].file, r,
                     recordings[i].max_rank, first);
    }
    printf("  top-1: %d of %d\n", top1, checked);
    assert_true(top1 * 2 > checked);   /* most are top-1 */
}

/* The recognition rate over every recording in the standard stroke order
 * (docs/INPUT.md has the figures before and after each change): each one
 * drawn as recorded, at 60 % of its size in the middle of the pad, and at
 * 45 % in the top-left quarter, as residents write big, small and off
 * centre. */
static const char *const rate_files[] = {
    "yi.txt",   "shi.txt",  "kou.txt",  "ren.txt",  "da.txt",   "zhong.txt", "dian.txt",
    "ti.txt",   "che.txt",  "men.txt",  "xiao.txt", "ri.txt",   "mu.txt",    "wang.txt",
    "shan.txt", "shui.txt",
    /* residents' words (issue 15): 电梯坏了，请尽快修理 漏水 停车 噪音 垃圾 物业 */
    "le.txt",   "huai.txt", "qing.txt", "jin.txt",  "kuai.txt", "xiu.txt",   "li.txt",
    "ting.txt", "lou.txt",  "zao.txt",  "yin.txt",  "la.txt",   "ji.txt",    "wu.txt",
    "ye.txt",
};
static const struct { double scale; int dx, dy; } rate_draws[] = {
    {1.0, 0, 0}, {0.6, 80, 80}, {0.45, 10, 10},
};

/* Top-1 and top-3 counts out of *n over rate_files x rate_draws; prints
 * each miss of the top 3 when verbose. */
static void rate(int *top1, int *top3, int *n, bool verbose)
{
    *top1 = *top3 = *n = 0;
    for (size_t d = 0; d < sizeof rate_draws / sizeof *rate_draws; d++)
        for (size_t i = 0; i < sizeof rate_files / sizeof *rate_files; i++) {
            char first[8];
            int r = rank_of(rate_files[i], rate_draws[d].scale, rate_draws[d].dx,
                            rate_draws[d].dy, first);
            (*n)++;
            *top1 += r == 1;
            *top3 += r >= 1 && r <= 3;
            if (verbose && (r == 0 || r > 1))
                printf("  %-9s x%.2f rank %2d (first %s)\n", rate_files[i],
                       rate_draws[d].scale, r, first);
        }
}

/* The floor: the rate measured after the last change, less a small margin
 * (two characters of the 93). A change that makes recognition worse fails
 * here; one that makes it better raises the floor (docs/INPUT.md). */
#define RATE_TOP1_FLOOR 58   /* measured 60 of 93 */
#define RATE_TOP3_FLOOR 73   /* measured 75 of 93 */

static void test_recognition_rate(void **state)
{
    (void)state;
    int top1, top3, n;
    rate(&top1, &top3, &n, true);
    printf("handwriting rate: top-1 %d/%d (%.0f %%), top-3 %d/%d (%.0f %%)\n", top1, n,
           100.0 * top1 / n, top3, n, 100.0 * top3 / n);
    assert_int_equal(n, 3 * (int)(sizeof rate_files / sizeof *rate_files));
    if (top1 < RATE_TOP1_FLOOR || top3 < RATE_TOP3_FLOOR)
        fail_msg("recognition fell: top-1 %d (floor %d), top-3 %d (floor %d) of %d", top1,
                 RATE_TOP1_FLOOR, top3, RATE_TOP3_FLOOR, n);
}

/* The placement decision (HW_PLACE_CENTER) on small and off-centre
 * drawings: scaled to 35% in the top-left corner. Drawn as is (RAW), zinnia
 * sees a tiny character in a corner and finds almost none. */
static void test_small_drawings_need_placement(void **state)
{
    (void)state;
    size_t n = sizeof recordings / sizeof *recordings;
    int top5[4] = {0, 0, 0, 0};
    /* The last pass uses a fresh recogniser's default placement. */
    const HwPlacement modes[3] = {HW_PLACE_CENTER, HW_PLACE_FIT, HW_PLACE_RAW};
    Handwriting *shared = hw;
    for (int m = 0; m < 4; m++) {
        if (m < 3)
            hw_set_placement(hw, modes[m]);
        else
            assert_non_null(hw = hw_open(NULL, NULL, 0));
        for (size_t i = 0; i < n; i++) {
            char first[8];
            int r = rank_of(recordings[i].file, 0.35, 20, 20, first);
            if (r >= 1 && r <= 5)
                top5[m]++;
        }
    }
    hw_close(hw);
    hw = shared;
    hw_set_placement(hw, HW_PLACE_CENTER);
    printf("  small drawings in the top 5: center %d, fit %d, raw %d of %zu\n",
           top5[0], top5[1], top5[2], n);
    assert_int_equal(top5[3], top5[0]);     /* centre is the default */
    assert_true(top5[0] >= 14);
    assert_true(top5[0] >= top5[1]);
    assert_true(top5[2] < top5[0] / 2);
    /* Size is kept for normal drawings: 口 (drawn at 45% of the pad) is not
     * blown up into 囗. */
    char first[8];
    hw_set_placement(hw, HW_PLACE_FIT);
    int fit = rank_of("kou.txt", 1.0, 0, 0, first);
    hw_set_placement(hw, HW_PLACE_CENTER);
    assert_int_equal(rank_of("kou.txt", 1.0, 0, 0, first), 1);
    assert_true(fit != 1);
}

static void test_empty_ink_and_taps(void **state)
{
    (void)state;
    HwInk *ink = hw_ink_new();
    char out[HW_MAX_CANDIDATES][8];
    assert_int_equal(hw_recognize(hw, ink, 400, 400, out, HW_MAX_CANDIDATES), 0);
    hw_ink_begin_stroke(ink);   /* open, no points */
    assert_int_equal(hw_recognize(hw, ink, 400, 400, out, HW_MAX_CANDIDATES), 0);
    assert_int_equal(hw_recognize(NULL, ink, 400, 400, out, 10), 0);
    /* A single tap, and a tap after a stroke: candidates, no crash. */
    hw_ink_add_point(ink, 200, 200);
    hw_ink_end_stroke(ink);
    size_t n = hw_recognize(hw, ink, 400, 400, out, HW_MAX_CANDIDATES);
    assert_true(n > 0 && n <= HW_MAX_CANDIDATES);
    /* max is honoured, and capped at HW_MAX_CANDIDATES. */
    assert_int_equal(hw_recognize(hw, ink, 400, 400, out, 3), 3);
    assert_int_equal(hw_recognize(hw, ink, 400, 400, out, 0), 0);
    char big[HW_MAX_CANDIDATES + 5][8];
    assert_int_equal(hw_recognize(hw, ink, 400, 400, big, HW_MAX_CANDIDATES + 5),
                     HW_MAX_CANDIDATES);
    /* Degenerate pads. */
    assert_true(hw_recognize(hw, ink, 0, 0, out, HW_MAX_CANDIDATES) > 0);
    hw_ink_free(ink);
}

static bool reject_cp(void *ctx, uint32_t cp)
{
    return cp != *(const uint32_t *)ctx;
}

static void test_filter_and_radicals(void **state)
{
    (void)state;
    HwInk *ink = hw_ink_new();
    char ch[8], out[HW_MAX_CANDIDATES][8];
    assert_true(strokes_load(STROKES_DIR "ri.txt", 1.0, 0, 0, ink, ch) > 0);
    size_t n = hw_recognize(hw, ink, 400, 400, out, HW_MAX_CANDIDATES);
    assert_true(n > 0);
    assert_string_equal(out[0], "日");
    static uint32_t ri = 0x65E5;  /* 日 */
    hw_set_filter(hw, reject_cp, &ri);
    n = hw_recognize(hw, ink, 400, 400, out, HW_MAX_CANDIDATES);
    assert_int_equal(n, HW_MAX_CANDIDATES);     /* refilled from further down */
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(out[i], "日");
    hw_set_filter(hw, NULL, NULL);
    /* 口 is first, 囗 (a radical) comes after the real characters. */
    assert_true(strokes_load(STROKES_DIR "kou.txt", 1.0, 0, 0, ink, ch) > 0);
    n = hw_recognize(hw, ink, 400, 400, out, HW_MAX_CANDIDATES);
    assert_string_equal(out[0], "口");
    for (size_t i = 0; i + 1 < n; i++)
        if (strcmp(out[i], "囗") == 0)
            fail_msg("囗 at %zu before real characters", i);
    hw_ink_free(ink);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The pad recognises after every stroke: time each prefix of each
 * recording (1 stroke, 2 strokes, ...). */
static void test_recognition_speed(void **state)
{
    (void)state;
    HwInk *full = hw_ink_new(), *ink = hw_ink_new();
    char ch[8], out[HW_MAX_CANDIDATES][8];
    double worst = 0, sum = 0;
    int runs = 0;
    for (size_t i = 0; i < sizeof recordings / sizeof *recordings; i++) {
        char path[256];
        snprintf(path, sizeof path, STROKES_DIR "%s", recordings[i].file);
        assert_true(strokes_load(path, 1.0, 0, 0, full, ch) > 0);
        hw_ink_clear(ink);
        for (size_t s = 0; s < hw_ink_strokes(full); s++) {
            hw_ink_begin_stroke(ink);
            const HwPoint *p = hw_ink_stroke(full, s);
            for (size_t k = 0; k < hw_ink_points(full, s); k++)
                hw_ink_add_point(ink, p[k].x, p[k].y);
            hw_ink_end_stroke(ink);
            double t0 = now_ms();
            hw_recognize(hw, ink, 400, 400, out, HW_MAX_CANDIDATES);
            double dt = now_ms() - t0;
            worst = dt > worst ? dt : worst;
            sum += dt;
            runs++;
        }
    }
    printf("handwriting: %d recognitions, mean %.2f ms, worst %.2f ms\n", runs, sum / runs, worst);
    hw_ink_free(full);
    hw_ink_free(ink);
}

static void test_open_errors(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(hw_open("/nonexistent/model", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/model"));
    /* A file that is not a model. */
    err[0] = '\0';
    assert_null(hw_open("tests/data/strokes/yi.txt", err, sizeof err));
    assert_true(err[0] != '\0');
    assert_null(hw_open("/nonexistent/model", NULL, 0));
    hw_close(NULL);
}

/* hw_open_async: the model opens on a thread of its own; the first
 * recognition waits for it and gives what a model opened in the
 * foreground gives. */
static void test_open_async(void **state)
{
    (void)state;
    char err[256] = "";
    Handwriting *a = hw_open_async(NULL, err, sizeof err);
    assert_non_null(a);
    HwInk *ink = hw_ink_new();
    char ch[8], out[HW_MAX_CANDIDATES][8], want[HW_MAX_CANDIDATES][8];
    assert_true(strokes_load(STROKES_DIR "kou.txt", 1.0, 0, 0, ink, ch) > 0);
    size_t n = hw_recognize(a, ink, 400, 400, out, HW_MAX_CANDIDATES);   /* waits */
    size_t m = hw_recognize(hw, ink, 400, 400, want, HW_MAX_CANDIDATES);
    assert_true(n > 0);
    assert_int_equal(n, m);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(out[i], want[i]);
    assert_true(hw_wait(a, err, sizeof err));
    hw_close(a);
    /* Closed while the model is still opening: waits for it, nothing leaks. */
    hw_close(hw_open_async(NULL, NULL, 0));
    hw_ink_free(ink);
}

/* A missing model fails at once; a file that is not a model fails in the
 * load, and hw_wait says so while the handle recognises nothing. */
static void test_open_async_errors(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(hw_open_async("/nonexistent/model", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/model"));
    err[0] = '\0';
    Handwriting *bad = hw_open_async("tests/data/strokes/yi.txt", err, sizeof err);
    assert_non_null(bad);
    assert_false(hw_wait(bad, err, sizeof err));
    assert_non_null(strstr(err, "yi.txt"));
    HwInk *ink = hw_ink_new();
    char ch[8], out[HW_MAX_CANDIDATES][8];
    assert_true(strokes_load(STROKES_DIR "kou.txt", 1.0, 0, 0, ink, ch) > 0);
    assert_int_equal(hw_recognize(bad, ink, 400, 400, out, HW_MAX_CANDIDATES), 0);
    hw_ink_free(ink);
    hw_close(bad);
    assert_false(hw_wait(NULL, NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ink_strokes_and_points),
        cmocka_unit_test(test_ink_undo_and_clear),
        cmocka_unit_test(test_ink_caps),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_recorded_characters),
        cmocka_unit_test(test_recognition_rate),
        cmocka_unit_test(test_small_drawings_need_placement),
        cmocka_unit_test(test_empty_ink_and_taps),
        cmocka_unit_test(test_filter_and_radicals),
        cmocka_unit_test(test_recognition_speed),
        cmocka_unit_test(test_open_async),
        cmocka_unit_test(test_open_async_errors),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
