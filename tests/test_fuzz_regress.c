/* test_fuzz_regress.c - replays the fuzzers' seed corpora and every saved
 * crash (tests/fuzz/corpus/NAME/, tests/fuzz/regress/NAME/) through the same
 * target code the libFuzzer harnesses run (tests/fuzz/fuzz_targets.h), so
 * each crash once found stays fixed, under ASan and UBSan in make test. A
 * broken invariant aborts the test after naming the input file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/fuzz_targets.h"

/* Read a whole file into an exactly sized buffer (a read past the end is an
 * ASan error, as under libFuzzer). Returns NULL on error. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t r; buf && (r = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    uint8_t *exact = malloc(n ? n : 1);
    if (exact)
        memcpy(exact, buf, n);
    free(buf);
    *len = n;
    return exact;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every file of dir through `fn`; returns how many ran (0 when the
 * directory does not exist). */
static size_t replay_dir(FuzzTarget fn, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char *names[4096];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 4096;)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len = 0;
        uint8_t *data = slurp(path, &len);
        if (!data)
            fail_msg("cannot read %s", path);
        /* Named first, so a crash below says which input it was. */
        fprintf(stderr, "  %s (%zu bytes)\n", path, len);
        fn(data, len);
        free(data);
        free(names[i]);
    }
    return n;
}

static void run(const char *name)
{
    FuzzTarget fn = fuzz_target(name);
    assert_non_null(fn);
    char dir[256];
    fn((const uint8_t *)"", 0);   /* the empty input */
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
    size_t seeds = replay_dir(fn, dir);
    snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", name);
    size_t crashes = replay_dir(fn, dir);
    print_message("%s: %zu seeds, %zu saved crashes\n", name, seeds, crashes);
    assert_true(seeds > 0);   /* the corpus is where the test expects it */
}

static void test_content(void **state)
{
    (void)state;
    run("content");
}

static void test_textedit(void **state)
{
    (void)state;
    run("textedit");
}

static void test_layout(void **state)
{
    (void)state;
    run("layout");
}

static void test_replay(void **state)
{
    (void)state;
    run("replay");
}

static void test_office(void **state)
{
    (void)state;
    run("office");
}

static void test_image(void **state)
{
    (void)state;
    run("image");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content),
        cmocka_unit_test(test_textedit),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_office),
        cmocka_unit_test(test_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
