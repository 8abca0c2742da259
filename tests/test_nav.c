/* test_nav.c - the screen stack has one owner: outside app/ui/app.c no
 * source writes the App's screen, depth or stack (screens navigate through
 * app_go, app_back and app_home), and the app's input handling leaves the
 * keyboard's handwriting pad to the keyboard; views change a DrawList only
 * through dl_* calls. Reads the sources as text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glob.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tmpdir.h"

/* Writes to the navigation state, in any spelling C allows here. */
static const char *const writes[] = {
    "->screen[[:space:]]*=[^=]",
    "->depth[[:space:]]*([-+*/]?=[^=]|\\+\\+|--)",
    "(\\+\\+|--)[[:space:]]*[A-Za-z_][A-Za-z_0-9]*->depth",
    "->stack([^A-Za-z_0-9]|$)",
};

/* Writes to a DrawList's fields (its clear colour, counts, commands), in
 * the spellings a view would use (dl->x, list.x, s->dl.x). */
static const char *const dl_writes[] = {
    "(->|\\.)(clear|ncmds|nhits|nscrolls|nclips|oom|arena_len)(\\.[a-z]+)?[[:space:]]*"
    "([-+*/]?=[^=]|\\+\\+|--)",
    "(->|\\.)(cmds|hits|scrolls|clips)\\[[^]]*\\](\\.[a-z]+)*[[:space:]]*[-+*/]?=[^=]",
};

/* Lines of `src` matching any pattern, as "path:line: text" into out. */
static int scan(const char *path, const char *src, const char *const *pats, size_t npats,
                char *out, size_t outlen)
{
    int hits = 0, line = 1;
    regex_t re[8];
    for (size_t i = 0; i < npats; i++)
        assert_int_equal(regcomp(&re[i], pats[i], REG_EXTENDED | REG_NOSUB), 0);
    for (const char *p = src; *p; line++) {
        size_t n = strcspn(p, "\n");
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf - 1 ? n : sizeof buf - 1), p);
        for (size_t i = 0; i < npats; i++)
            if (regexec(&re[i], buf, 0, NULL, 0) == 0) {
                size_t used = strlen(out);
                snprintf(out + used, outlen - used, "%s:%d: %s\n", path, line, buf);
                hits++;
                break;
            }
        p += n + (p[n] == '\n');
    }
    for (size_t i = 0; i < npats; i++)
        regfree(&re[i]);
    return hits;
}

/* Scan the files matching the NULL-terminated `globs`, but `skip`, for
 * `pats`; the hits into out. Returns the hits; the files read in *files. */
static int scan_files(const char *const *globs, const char *skip, const char *const *pats,
                      size_t npats, char *out, size_t outlen, int *files)
{
    glob_t g;
    for (size_t i = 0; globs[i]; i++)
        assert_int_equal(glob(globs[i], i ? GLOB_APPEND : 0, NULL, &g), 0);
    out[0] = '\0';
    int hits = 0;
    *files = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        if (strcmp(path, skip) == 0)
            continue;
        char *src = tmpdir_read(path);
        assert_non_null(src);
        (*files)++;
        hits += scan(path, src, pats, npats, out, outlen);
        free(src);
    }
    globfree(&g);
    return hits;
}

/* `pats` find each line of `bad` (once) and none of `good`. */
static void expect_scan(const char *const *pats, size_t npats, const char *const *bad,
                        size_t nbad, const char *const *good, size_t ngood)
{
    char out[4096];
    for (size_t i = 0; i < nbad; i++) {
        out[0] = '\0';
        if (scan("t.c", bad[i], pats, npats, out, sizeof out) != 1)
            fail_msg("missed: %s", bad[i]);
    }
    for (size_t i = 0; i < ngood; i++) {
        out[0] = '\0';
        if (scan("t.c", good[i], pats, npats, out, sizeof out) != 0)
            fail_msg("flagged a read: %s", good[i]);
    }
}

static void test_only_the_app_writes_the_screen_stack(void **state)
{
    (void)state;
    /* Outside app/ui the App is opaque (app.h declares only its name), so
     * the compiler already keeps every other layer out of its fields. */
    static const char *const where[] = {"app/ui/*.c", "app/ui/screens/*.c", "include/*.h", NULL};
    static char found[16384];
    int files;
    int hits = scan_files(where, "app/ui/app.c", writes, sizeof writes / sizeof writes[0], found,
                          sizeof found, &files);
    assert_true(files > 40);
    glob_t g;   /* the screens were among them */
    assert_int_equal(glob("app/ui/screens/screen_*.c", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 8);
    globfree(&g);
    if (hits)
        fail_msg("the screen stack is written outside app_go/app_back/app_home:\n%s", found);
}

/* The scan itself: it sees each way of writing, and not a comparison. */
static void test_scan_catches_writes(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "    a->screen = SCREEN_HOME;", "a->depth = 0;", "a->depth--;", "--a->depth;",
        "a->screen=s;", "    while (a->depth > 0 && a->stack[a->depth - 1] != S)",
        "x = a->stack[--a->depth];", "a->depth += 1;",
    };
    static const char *const good[] = {
        "if (a->screen == SCREEN_HOME)", "return a->depth > 0;", "s = a->screen;",
        "bool b = a->screen != SCREEN_NIGHT;",
    };
    expect_scan(writes, sizeof writes / sizeof writes[0], bad, sizeof bad / sizeof bad[0], good,
                sizeof good / sizeof good[0]);
}

/* Views and the app change the frame only through dl_* calls (dl_set_clear,
 * dl_drop_hits, dl_set_height, ...): drawlist.c owns the list's fields. */
static void test_views_do_not_patch_the_drawlist(void **state)
{
    (void)state;
    static const char *const where[] = {"app/ui/*.c", "app/ui/screens/*.c", "app/kiosk/*.c", NULL};
    static char found[16384];
    int files;
    int hits = scan_files(where, "app/ui/drawlist.c", dl_writes,
                          sizeof dl_writes / sizeof dl_writes[0], found, sizeof found, &files);
    assert_true(files >= 15);
    if (hits)
        fail_msg("a DrawList's fields are written outside drawlist.c:\n%s", found);
}

/* That scan sees the writes views used to make, and not a read. */
static void test_scan_catches_drawlist_writes(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "        dl->clear = (Color){0, 0, 0, 255};", "dl->nhits = 0;", "dl->ncmds--;",
        "dl->cmds[i].r.h = h;", "s->dl.clear = BG;", "dl->clear.a = 0;",
    };
    static const char *const good[] = {
        "Color ground = s->dl.clear;", "if (dl->nhits == 0)", "const DlCmd *c = &dl->cmds[i];",
        "Rect clip = dl->nclips > 0 ? dl->clips[dl->nclips - 1] : r;",
    };
    expect_scan(dl_writes, sizeof dl_writes / sizeof dl_writes[0], bad, sizeof bad / sizeof bad[0],
                good, sizeof good / sizeof good[0]);
}

/* app_input hands the pointer to the screen; the pad is the keyboard's. */
static void test_app_does_not_know_the_pad(void **state)
{
    (void)state;
    static const char *const pad[] = {"hwpad", "osk_ink_", "osk_pad_", "inking"};
    char *src = tmpdir_read("app/ui/app.c");
    assert_non_null(src);
    static char found[4096];
    found[0] = '\0';
    int hits = scan("app/ui/app.c", src, pad, sizeof pad / sizeof pad[0], found, sizeof found);
    free(src);
    if (hits)
        fail_msg("app.c handles the handwriting pad itself:\n%s", found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_the_app_writes_the_screen_stack),
        cmocka_unit_test(test_scan_catches_writes),
        cmocka_unit_test(test_app_does_not_know_the_pad),
        cmocka_unit_test(test_views_do_not_patch_the_drawlist),
        cmocka_unit_test(test_scan_catches_drawlist_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
