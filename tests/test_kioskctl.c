/* test_kioskctl.c - runs the real $KIOSK_BUILD/kioskctl on a scratch data dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image.h"
#include "imgcache.h"
#include "testimg.h"
#include "tmpdir.h"

#define SAMPLE "assets/content/sample.json"

extern char **environ;

typedef struct {
    char *dir;       /* scratch directory */
    char *data;      /* dir/data: the kiosk data dir */
    char *out, *err; /* captured stdout and stderr of the last run */
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = tmpdir_make()))
        return -1;
    f->data = tmpdir_path(f->dir, "data");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    free(f->data);
    free(f->out);
    free(f->err);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Runs kioskctl with args (NULL-terminated); returns its exit status and
 * keeps its stdout and stderr in f->out and f->err. */
static int run_ctl(Fixture *f, const char *const *args)
{
    const char *build = getenv("KIOSK_BUILD");
    if (!build || !*build)
        fail_msg("KIOSK_BUILD is not set (run through tests/run-tests.sh)");
    char bin[4096];
    snprintf(bin, sizeof bin, "%s/kioskctl", build);
    if (access(bin, X_OK) != 0)
        fail_msg("%s: not found or not executable (build it first)", bin);

    char *argv[32] = { bin };
    int n = 1;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;

    char *outp = tmpdir_path(f->dir, "stdout"), *errp = tmpdir_path(f->dir, "stderr");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        fail_msg("posix_spawn %s: %s", bin, strerror(rc));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    free(f->out);
    free(f->err);
    f->out = tmpdir_read(outp);
    f->err = tmpdir_read(errp);
    free(outp);
    free(errp);
    assert_non_null(f->out);
    assert_non_null(f->err);
    if (!WIFEXITED(status))
        fail_msg("kioskctl died with signal %d; stderr: %s", WTERMSIG(status), f->err);
    return WEXITSTATUS(status);
}
#define CTL(f, ...) run_ctl((f), (const char *const[]){ __VA_ARGS__, NULL })

static void expect_in(const char *text, const char *part, const char *what)
{
    if (!strstr(text, part))
        fail_msg("%s lacks \"%s\":\n%s", what, part, text);
}

/* The version line of `status` output, copied into v (17 bytes). */
static void status_version(Fixture *f, char *v)
{
    assert_int_equal(CTL(f, "--data-dir", f->data, "status"), 0);
    const char *p = strstr(f->out, "version ");
    if (!p)
        fail_msg("no version in status output:\n%s", f->out);
    memcpy(v, p + 8, 16);
    v[16] = '\0';
}

static void test_import_valid(void **state)
{
    Fixture *f = *state;
    assert_int_equal(CTL(f, "--data-dir", f->data, "status"), 0);
    expect_in(f->out, "none imported yet", "status before import");
    int rc = CTL(f, "--data-dir", f->data, "import", SAMPLE);
    if (rc != 0)
        fail_msg("import exited %d: %s", rc, f->err);
    expect_in(f->out, "serial 1", "import output");
    expect_in(f->out, "11 notices", "import output");
    assert_int_equal(CTL(f, "--data-dir", f->data, "status"), 0);
    expect_in(f->out, "serial 1", "status");
    expect_in(f->out, "notices:   11", "status");
    expect_in(f->out, "events:    8", "status");
    expect_in(f->out, "channels:  4", "status");
    expect_in(f->out, "翠湖花园社区 / Cuihu Garden Community", "status");
    assert_string_equal(f->err, "");
    /* --data-dir=DIR form; a second import bumps the serial. */
    char opt[4200];
    snprintf(opt, sizeof opt, "--data-dir=%s", f->data);
    assert_int_equal(CTL(f, opt, "import", SAMPLE), 0);
    expect_in(f->out, "serial 2", "second import");
}

/* An emoji in office content: imported, with a warning that says where
 * (the kiosk draws it as a box). */
static void test_import_warns_on_emoji(void **state)
{
    Fixture *f = *state;
    char *file = tmpdir_path(f->dir, "emoji.json");
    const char *json =
        "{\"site\":{\"name\":{\"zh\":\"小区\"}},\"notices\":[{\"id\":\"party\","
        "\"category\":\"notice\",\"title\":{\"zh\":\"新年联欢\\ud83c\\udf89\","
        "\"en\":\"New Year party\"},\"body\":{\"zh\":\"欢迎参加\"},"
        "\"publish_at\":\"2026-11-01T00:00:00+08:00\",\"expire_at\":\"2027-11-01T00:00:00+08:00\"}],"
        "\"events\":[],\"channels\":[]}";
    assert_int_equal(tmpdir_write(file, json, strlen(json)), 0);
    int rc = CTL(f, "--data-dir", f->data, "import", file);
    if (rc != 0)
        fail_msg("import exited %d: %s", rc, f->err);
    expect_in(f->err, "warning: notice party, title (zh), character 5: U+1F389", "warning");
    expect_in(f->err, "box", "warning");
    if (strstr(f->err, "(en)"))
        fail_msg("the English title has no emoji: %s", f->err);
    free(file);
}

/* kioskctl import takes pictures from files beside the content file. */
static void test_import_pictures(void **state)
{
    Fixture *f = *state;
    size_t na, nb;
    unsigned char *a = testimg_png(40, 30, TESTIMG_SOLID, 9, 9, 9, 255, 0, &na);
    unsigned char *b = testimg_jpeg(40, 30, TESTIMG_SOLID, 9, 9, 9, 80, 0, &nb);
    char ha[65], hb[65], hc[65];
    image_sha256_hex(a, na, ha);
    image_sha256_hex(b, nb, hb);
    image_sha256_hex("nothing", 7, hc);
    char *pa = tmpdir_path(f->dir, "stamp.png"), *pb = tmpdir_path(f->dir, "lamp.jpg");
    assert_int_equal(tmpdir_write(pa, a, na), 0);
    assert_int_equal(tmpdir_write(pb, a, na), 0);    /* not the bytes lamp.jpg's hash names */
    char json[4096];
    snprintf(json, sizeof json,
             "{\"site\":{\"name\":{\"zh\":\"翠湖\"}},\"events\":[],\"channels\":[],"
             "\"notices\":[{\"id\":\"n1\",\"category\":\"notice\",\"title\":{\"zh\":\"标题\"},"
             "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-01T08:00:00+08:00\","
             "\"expire_at\":\"2027-01-01T00:00:00+08:00\",\"images\":["
             "{\"url\":\"https://o.example/m/stamp.png?v=2\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"章\"},\"width\":40,\"height\":30},"
             "{\"url\":\"https://o.example/m/lamp.jpg\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"灯\"},\"width\":40,\"height\":30},"
             "{\"url\":\"https://o.example/m/..\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"无\"},\"width\":40,\"height\":30}"
             "]}]}", ha, hb, hc);
    char *doc = tmpdir_path(f->dir, "content.json");
    assert_int_equal(tmpdir_write(doc, json, strlen(json)), 0);
    int rc = CTL(f, "--data-dir", f->data, "import", doc);
    /* The text is imported; the wrong picture is refused with exit 2. */
    assert_int_equal(rc, 2);
    expect_in(f->out, "serial 1", "import output");
    expect_in(f->out, "pictures: 1 taken from beside", "import output");
    expect_in(f->out, "1 not there", "import output");
    expect_in(f->err, "picture lamp.jpg refused: wrong SHA-256", "import errors");
    expect_in(f->err, "the text is shown without them", "import errors");
    char err[200];
    ImgCache *c = imgcache_open(f->data, 0, err, sizeof err);
    assert_non_null(c);
    assert_true(imgcache_has(c, ha));
    assert_false(imgcache_has(c, hb));
    imgcache_close(c);
    /* With the right bytes beside it, all is well. */
    assert_int_equal(tmpdir_write(pb, b, nb), 0);
    rc = CTL(f, "--data-dir", f->data, "import", doc);
    if (rc != 0)
        fail_msg("import exited %d: %s", rc, f->err);
    expect_in(f->out, "pictures: 1 taken", "second import");
    free(doc);
    free(pa);
    free(pb);
    free(a);
    free(b);
}

static void test_import_invalid(void **state)
{
    Fixture *f = *state;
    assert_int_equal(CTL(f, "--data-dir", f->data, "import", SAMPLE), 0);
    char before[17], after[17];
    status_version(f, before);

    char *bad = tmpdir_path(f->dir, "bad.json");
    static const char syntax[] = "{\n  \"site\": {\n    \"name\" {\"zh\": \"x\"}\n";
    assert_int_equal(tmpdir_write(bad, syntax, strlen(syntax)), 0);
    assert_int_equal(CTL(f, "--data-dir", f->data, "import", bad), 2);
    char want[4200];
    snprintf(want, sizeof want, "kioskctl: %s: line 3, column", bad);
    expect_in(f->err, want, "stderr");

    static const char schema[] =
        "{\"site\":{\"name\":{\"zh\":\"x\"}},\"notices\":[],\"events\":[],"
        "\"channels\":[{\"id\":\"c\",\"kind\":\"pager\",\"label\":{\"zh\":\"x\"},"
        "\"url\":\"https://x.example/\"}]}";
    assert_int_equal(tmpdir_write(bad, schema, strlen(schema)), 0);
    assert_int_equal(CTL(f, "--data-dir", f->data, "import", bad), 2);
    expect_in(f->err, "channels[0].kind: unknown kind \"pager\"", "stderr");

    status_version(f, after);
    assert_string_equal(before, after);
    expect_in(f->out, "serial 1", "status after invalid imports");
    free(bad);
}

static void test_usage(void **state)
{
    Fixture *f = *state;
    assert_int_equal(CTL(f, "--help"), 0);
    expect_in(f->out, "usage: kioskctl", "--help");
    expect_in(f->out, "import", "--help");
    expect_in(f->out, "status", "--help");
    assert_int_equal(CTL(f, "import", "--help"), 0);
    expect_in(f->out, "import FILE", "import --help");
    assert_int_equal(CTL(f, "status", "-h"), 0);
    assert_int_equal(CTL(f, "frobnicate"), 2);
    expect_in(f->err, "unknown command \"frobnicate\"", "stderr");
    assert_int_equal(CTL(f, "--data-dir", f->data, "import"), 2);
    expect_in(f->err, "usage", "stderr");
    assert_int_equal(CTL(f, "--data-dir", f->data, "import", "a", "b"), 2);
    assert_int_equal(CTL(f, "--data-dir", f->data, "status", "--verbose"), 2);
    assert_int_equal(CTL(f, "--bogus", "status"), 2);
    assert_int_equal(CTL(f, "--data-dir"), 2);
    assert_int_equal(CTL(f, "--data-dir", f->data), 2);
}

static void test_failures(void **state)
{
    Fixture *f = *state;
    /* A missing file is an I/O failure (1), not bad input. */
    assert_int_equal(CTL(f, "--data-dir", f->data, "import", "/nonexistent/c.json"), 1);
    expect_in(f->err, "kioskctl: /nonexistent/c.json: cannot open", "stderr");
    /* A data dir that cannot be created. */
    char *file = tmpdir_path(f->dir, "file");
    assert_int_equal(tmpdir_write(file, "x", 1), 0);
    char *under = tmpdir_path(file, "data");
    assert_int_equal(CTL(f, "--data-dir", under, "import", SAMPLE), 1);
    expect_in(f->err, "kioskctl: cannot create directory", "stderr");
    /* A file over the size limit is bad input (2). */
    char *big = tmpdir_path(f->dir, "big.json");
    assert_int_equal(tmpdir_write(big, "{}", 2), 0);
    assert_int_equal(truncate(big, 9 * 1024 * 1024), 0);
    assert_int_equal(CTL(f, "--data-dir", f->data, "import", big), 2);
    expect_in(f->err, "larger than the limit", "stderr");
    free(big);
    free(under);
    free(file);
}

/* Without --data-dir, KIOSK_DATA_DIR chooses the directory. */
static void test_env_data_dir(void **state)
{
    Fixture *f = *state;
    char *old = getenv("KIOSK_DATA_DIR");
    old = old ? strdup(old) : NULL;
    setenv("KIOSK_DATA_DIR", f->data, 1);
    int rc = CTL(f, "import", SAMPLE);
    if (old)
        setenv("KIOSK_DATA_DIR", old, 1);
    else
        unsetenv("KIOSK_DATA_DIR");
    free(old);
    assert_int_equal(rc, 0);
    assert_int_equal(CTL(f, "--data-dir", f->data, "status"), 0);
    expect_in(f->out, "serial 1", "status");
}

/* seal-replies turns plain replies into the sealed form, which import
 * takes like the plain one; bad input is refused and changes nothing. */
static void test_seal_replies(void **state)
{
    Fixture *f = *state;
    static const char plain[] =
        "{\"site\":{\"name\":{\"zh\":\"x\"}},\"notices\":[],\"events\":[],\"channels\":[],"
        "\"replies\":[{\"receipt\":\"7KQ4-M2XD\",\"status\":\"done\","
        "\"updated_at\":\"2026-11-27T16:30:00+08:00\",\"reply\":{\"zh\":\"车库灯已修好\"}}]}";
    char *in = tmpdir_path(f->dir, "plain.json"), *out = tmpdir_path(f->dir, "sealed.json");
    assert_int_equal(tmpdir_write(in, plain, strlen(plain)), 0);
    /* The old form imports. */
    assert_int_equal(CTL(f, "--data-dir", f->data, "import", in), 0);
    int rc = CTL(f, "seal-replies", "--salt", "00112233445566778899aabbccddeeff", in, out);
    if (rc != 0)
        fail_msg("seal-replies exited %d: %s", rc, f->err);
    expect_in(f->out, "sealed 1 replies", "seal-replies output");
    assert_null(strstr(f->out, "7KQ4"));
    char *sealed = tmpdir_read(out);
    assert_non_null(sealed);
    expect_in(sealed, "\"reply_salt\": \"00112233445566778899aabbccddeeff\"", "sealed file");
    assert_null(strstr(sealed, "7KQ4"));
    assert_null(strstr(sealed, "车库灯"));
    /* The new form imports. */
    rc = CTL(f, "--data-dir", f->data, "import", out);
    if (rc != 0)
        fail_msg("import of the sealed file exited %d: %s", rc, f->err);
    expect_in(f->out, "serial 2", "import output");
    /* Sealing a sealed file again is refused, and leaves OUT as it was. */
    assert_int_equal(CTL(f, "seal-replies", out, out), 2);
    expect_in(f->err, "reply_salt: the replies are sealed already", "stderr");
    char *again = tmpdir_read(out);
    assert_string_equal(again, sealed);
    /* Bad usage. */
    assert_int_equal(CTL(f, "seal-replies", "--salt", "00", in, out), 2);
    expect_in(f->err, "--salt: expected 32 hex digits", "stderr");
    assert_int_equal(CTL(f, "seal-replies", in), 2);
    assert_int_equal(CTL(f, "seal-replies", "--bogus", in, out), 2);
    assert_int_equal(CTL(f, "seal-replies", "/nonexistent/c.json", out), 1);
    assert_int_equal(CTL(f, "seal-replies", "--help"), 0);
    expect_in(f->out, "seal-replies [--salt HEX] [--replies FILE] IN OUT", "--help");
    free(again);
    free(sealed);
    free(in);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_warns_on_emoji, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_pictures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_data_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_replies, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
