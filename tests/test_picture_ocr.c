/* test_picture_ocr.c - a scanned paper notice is legible zoomed in (issue
 * 16, "Done when"): a scan of an A4 notice (drawn with the kiosk's fonts,
 * tests/support/scanimg.c) is imported beside its content file, the real
 * kiosk opens it full-screen on a 1080p screen and zooms in with a double
 * tap on its title (a replay script), and tesseract reads the zoomed
 * screenshot: the title, in Chinese and in English, and a line of the body
 * text that is too small to read with the page fitted to the screen.
 * Without tesseract (Debian: tesseract-ocr, tesseract-ocr-chi-sim) the test
 * says so and is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "proc.h"
#include "scanimg.h"
#include "tmpdir.h"

#define TITLE_ZH "关于小区停水的通知"
#define TITLE_EN "NOTICE OF WATER SUPPLY INTERRUPTION"
#define BODY_EN  "Water will be off from 8 am to 5 pm on 3 December."

static char tesseract[512];   /* its path, found in PATH */

static bool have_tesseract(void)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s", path ? path : "/usr/bin:/bin");
    tesseract[0] = '\0';
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(tesseract, sizeof tesseract, "%s/tesseract", d);
        if (access(tesseract, X_OK) == 0)
            break;
        tesseract[0] = '\0';
    }
    if (!tesseract[0])
        return false;
    char *out = NULL, *err = NULL;
    char *argv[] = {tesseract, "--list-langs", NULL};
    int rc = proc_run(argv, &out, &err);
    bool ok = rc == 0 && out && strstr(out, "chi_sim") && strstr(out, "eng");
    free(out);
    free(err);
    return ok;
}

/* What tesseract reads in a PNG, with every space and line break taken out
 * (it puts spaces between Chinese characters). A new string. */
static char *ocr(const char *png, const char *langs)
{
    char *out = NULL, *err = NULL;
    char *argv[] = {tesseract, (char *)png, "stdout", "-l", (char *)langs, NULL};
    int rc = proc_run(argv, &out, &err);
    if (rc != 0)
        fail_msg("tesseract %s: status %d: %s", png, rc, err ? err : "");
    free(err);
    size_t j = 0;
    for (size_t i = 0; out[i]; i++)
        if (out[i] != ' ' && out[i] != '\n' && out[i] != '\r' && out[i] != '\t')
            out[j++] = out[i];
    out[j] = '\0';
    return out;
}

static char *squeeze(const char *s)
{
    char *t = strdup(s);
    size_t j = 0;
    for (size_t i = 0; t[i]; i++)
        if (t[i] != ' ')
            t[j++] = t[i];
    t[j] = '\0';
    return t;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    unsigned char *buf = malloc((size_t)n);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void run(char *const argv[])
{
    char *out = NULL, *err = NULL;
    int rc = proc_run(argv, &out, &err);
    if (rc != 0)
        fail_msg("%s: status %d: %s%s", argv[0], rc, out ? out : "", err ? err : "");
    free(out);
    free(err);
}

/* The "image" line of a replay dump: the picture's rectangle on screen. */
static void picture_rect(const char *dump, int *x, int *y, int *w, int *h)
{
    char *text = tmpdir_read(dump);
    assert_non_null(text);
    const char *line = strstr(text, "\nimage ");
    assert_non_null(line);
    assert_int_equal(sscanf(line, "\nimage %d %d %d %d", x, y, w, h), 4);
    free(text);
}

static void test_zoomed_scan_is_legible(void **state)
{
    (void)state;
    if (!have_tesseract()) {
        printf("test_picture_ocr: tesseract with chi_sim and eng is not installed "
               "(Debian: tesseract-ocr tesseract-ocr-chi-sim): the OCR check is skipped\n");
        skip();
    }
    char *dir = tmpdir_make();
    char *scan = tmpdir_path(dir, "scan.png"), *json = tmpdir_path(dir, "content.json");
    char *data = tmpdir_path(dir, "data"), *script = tmpdir_path(dir, "zoom.replay");
    char *fitted = tmpdir_path(dir, "fitted.png"), *zoomed = tmpdir_path(dir, "zoomed.png");
    char *dump = tmpdir_path(dir, "fitted.txt");
    const char *body[] = {
        "尊敬的各位业主：",
        "因市政供水管道维修，小区将暂停供水。",
        BODY_EN,
        "请提前做好储水准备，给您带来不便，敬请谅解。",
        NULL,
    };
    char err[300];
    if (scanimg_write(scan, "fonts", TITLE_ZH, TITLE_EN, body, err, sizeof err) != 0)
        fail_msg("scan: %s", err);
    size_t n;
    unsigned char *png = slurp(scan, &n);
    char sha[65];
    image_sha256_hex(png, n, sha);
    free(png);
    char doc[2048];
    snprintf(doc, sizeof doc,
             "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"events\":[],\"channels\":[],"
             "\"notices\":[{\"id\":\"water\",\"category\":\"notice\","
             "\"title\":{\"zh\":\"停水通知\",\"en\":\"Water cut\"},"
             "\"body\":{\"zh\":\"见通知原件。\",\"en\":\"See the notice.\"},"
             "\"publish_at\":\"2026-11-01T08:00:00+08:00\","
             "\"expire_at\":\"2027-01-01T00:00:00+08:00\",\"images\":[{"
             "\"url\":\"https://office.example/scan.png\",\"sha256\":\"%s\","
             "\"alt\":{\"zh\":\"盖章的停水通知原件\",\"en\":\"The stamped notice\"},"
             "\"width\":%d,\"height\":%d}]}]}", sha, SCANIMG_WIDTH, SCANIMG_HEIGHT);
    assert_int_equal(tmpdir_write(json, doc, strlen(doc)), 0);
    char kioskctl[512], kiosk[512];
    snprintf(kioskctl, sizeof kioskctl, "%s", proc_bin("kioskctl"));
    snprintf(kiosk, sizeof kiosk, "%s", proc_bin("kiosk"));
    char *imp[] = {kioskctl, "--data-dir", data, "import", json, NULL};
    run(imp);

    /* The page fitted to a 1080p screen. */
    char walk[1024];
    snprintf(walk, sizeof walk,
             "tap @tile:notices\ntap @notice:water\ntap @image:water:0\nshot %s\ndump %s\n",
             fitted, dump);
    assert_int_equal(tmpdir_write(script, walk, strlen(walk)), 0);
    char *play[] = {kiosk, "--replay", script, "--size", "1920x1080", "--now",
                    "2026-12-01T10:00:00+08:00", "--data-dir", data, NULL};
    run(play);
    int px, py, pw, ph;
    picture_rect(dump, &px, &py, &pw, &ph);
    /* A double tap on the title zooms in 2x there. */
    int tx = px + pw / 2, ty = py + ph * 200 / SCANIMG_HEIGHT;
    snprintf(walk, sizeof walk,
             "tap @tile:notices\ntap @notice:water\ntap @image:water:0\n"
             "tap %d %d\ntap %d %d\nshot %s\n", tx, ty, tx, ty, zoomed);
    assert_int_equal(tmpdir_write(script, walk, strlen(walk)), 0);
    run(play);

    char *zh = squeeze(TITLE_ZH), *en = squeeze(TITLE_EN), *line = squeeze(BODY_EN);
    char *read_zoomed = ocr(zoomed, "chi_sim+eng");
    /* KIOSK_OCR_KEEP=docs/screenshots/pictures-zoomed-scan-zh-landscape.png
     * keeps a copy of the zoomed screenshot (the one in the docs). */
    const char *keep = getenv("KIOSK_OCR_KEEP");
    if (keep && *keep) {
        size_t zl;
        unsigned char *z = slurp(zoomed, &zl);
        assert_int_equal(tmpdir_write(keep, z, zl), 0);
        free(z);
    }
    printf("test_picture_ocr: zoomed 2x, tesseract read: %s\n", read_zoomed);
    if (!strstr(read_zoomed, zh))
        fail_msg("the Chinese title %s was not read in the zoomed view", TITLE_ZH);
    if (!strstr(read_zoomed, en))
        fail_msg("the English title %s was not read in the zoomed view", TITLE_EN);
    if (!strstr(read_zoomed, line))
        fail_msg("the body line \"%s\" was not read in the zoomed view", BODY_EN);
    /* Fitted, the body text is too small to read: the zoom is what makes
     * it legible. */
    char *read_fitted = ocr(fitted, "chi_sim+eng");
    printf("test_picture_ocr: fitted, tesseract read: %s\n", read_fitted);
    assert_null(strstr(read_fitted, line));

    free(read_zoomed);
    free(read_fitted);
    free(zh);
    free(en);
    free(line);
    free(scan);
    free(json);
    free(data);
    free(script);
    free(fitted);
    free(zoomed);
    free(dump);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zoomed_scan_is_legible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
