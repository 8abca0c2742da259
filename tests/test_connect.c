/* test_connect.c - QR codes decode to the exact addresses (zbarimg), codes
 * expire with a fixed clock, staff are warned two days before, and receipt
 * codes are looked up (known, unknown, malformed) in the sample's sealed
 * replies, in the plain form, with altered boxes and across new content. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <qrencode.h>
#include "app_priv.h"
#include "fake_measure.h"
#include "kiosk.h"
#include "proc.h"
#include "screen_util.h"
#include "tmpdir.h"
#include "ui.h"

#define NOW "2026-12-01T10:00:00+08:00"

static char *dir;

static int setup(void **state) { (void)state; dir = tmpdir_make(); return dir ? 0 : -1; }
static int teardown(void **state) { (void)state; tmpdir_remove(dir); return 0; }

/* Decode every QR code in a PNG; returns zbarimg's output (caller frees). */
static char *decode(const char *png)
{
    char *argv[] = {"/usr/bin/zbarimg", "-q", "--raw", (char *)png, NULL};
    char *out = NULL, *err = NULL;
    int rc = proc_run(argv, &out, &err);
    if (rc < 0)
        fail_msg("zbarimg is missing (Debian package zbar-tools)");
    free(err);
    return out;
}

/* Run the kiosk's replay on the sample content (with a config if given). */
static void replay(const char *script, const char *size, const char *config)
{
    char *sp = tmpdir_path(dir, "s.replay");
    char *data = tmpdir_path(dir, "data");
    assert_int_equal(tmpdir_write(sp, script, strlen(script)), 0);
    char *argv[16] = {(char *)proc_bin("kiosk"), "--replay", sp, "--data-dir", data,
                      "--content", "assets/content/sample.json", "--now", NOW, "--size",
                      (char *)size, NULL};
    if (config) {
        argv[11] = "--config";
        argv[12] = (char *)config;
        argv[13] = NULL;
    }
    char *err = NULL;
    int rc = proc_run(argv, NULL, &err);
    if (rc != 0)
        fail_msg("kiosk exited %d: %s", rc, err);
    free(err);
    free(sp);
    free(data);
}

/* The sample content with its first n of six channels: the sample's four,
 * then a website with a long label and address and a second hotline
 * (caller frees). */
static char *channels_json(size_t n)
{
    json_error_t e;
    json_t *doc = json_load_file("assets/content/sample.json", 0, &e);
    assert_non_null(doc);
    json_t *ch = json_object_get(doc, "channels");
    json_array_append_new(ch, json_pack("{s:s, s:s, s:{s:s, s:s}, s:s}", "id", "property-website",
        "kind", "website", "label", "zh", "翠湖花园物业服务网站",
        "en", "Cuihu Garden property services website",
        "url", "https://cuihu-garden.example/services/overview?from=kiosk"));
    json_array_append_new(ch, json_pack("{s:s, s:s, s:{s:s, s:s}, s:s}", "id", "parking-hotline",
        "kind", "hotline", "label", "zh", "停车管理热线", "en", "Parking office hotline",
        "url", "tel:0571-8888-7777"));
    while (json_array_size(ch) > n)
        json_array_remove(ch, json_array_size(ch) - 1);
    char *out = json_dumps(doc, 0);
    json_decref(doc);
    assert_non_null(out);
    return out;
}

/* Every code of the connect screen, each from one screenshot with nothing
 * scrolled: the four channels of the sample at 1920x1080 (the online
 * repair form was below the fold), six in portrait with large English
 * text, six on the small panel in Chinese. */
static void test_channel_codes_decode_exactly(void **state)
{
    (void)state;
    static const struct { size_t n; const char *size, *lang; bool large; } runs[] = {
        {4, "1920x1080", "zh", false}, {6, "1080x1920", "en", true}, {6, "1280x800", "zh", false},
        {5, "1920x1080", "en", true},
    };
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
        char *json = channels_json(runs[r].n);
        char *cpath = tmpdir_path(dir, "c.json");
        assert_int_equal(tmpdir_write(cpath, json, strlen(json)), 0);
        char *png = tmpdir_path(dir, "c.png"), *sp = tmpdir_path(dir, "s.replay");
        char *data = tmpdir_path(dir, "cdata");
        char script[1024];
        snprintf(script, sizeof script, "tap @tile:connect\n%sshot %s\n",
                 runs[r].large ? "tap @textsize\n" : "", png);
        assert_int_equal(tmpdir_write(sp, script, strlen(script)), 0);
        char *argv[] = {(char *)proc_bin("kiosk"), "--replay", sp, "--data-dir", data,
                        "--content", cpath, "--now", NOW, "--size", (char *)runs[r].size,
                        "--lang", (char *)runs[r].lang, NULL};
        char *err = NULL;
        int rc = proc_run(argv, NULL, &err);
        if (rc != 0)
            fail_msg("kiosk exited %d: %s", rc, err);
        free(err);
        char *got = decode(png);
        static const char *const want[] = {
            "https://cuihu-garden.example/join/owners-group\n",
            "https://cuihu-garden.example/official-account\n",
            "tel:+86-571-8765-4321\n",
            "https://cuihu-garden.example/repairs/new\n",
            "https://cuihu-garden.example/services/overview?from=kiosk\n",
            "tel:0571-8888-7777\n",
        };
        for (size_t i = 0; i < runs[r].n; i++)
            if (!got || !strstr(got, want[i]))
                fail_msg("%zu channels %s %s%s: %s not decoded from one screen; got:\n%s",
                         runs[r].n, runs[r].size, runs[r].lang, runs[r].large ? " A+" : "",
                         want[i], got ? got : "");
        free(got); free(json); free(cpath); free(png); free(sp); free(data);
    }
}

/* A QR code's pixels a module as the renderer draws it (whole pixels, the
 * quiet zone included), with the encoder the renderer uses. */
static int module_px(const char *payload, int side)
{
    QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(q);
    int px = side / (q->width + 2 * DL_QR_QUIET);
    QRcode_free(q);
    return px;
}

/* Four to six channels fit on one screen in every shape and odd window,
 * both languages, both text sizes: every code whole above the bottom 5 %,
 * nothing to scroll, every label shown, each code at least 4 px a module
 * on the 1920x1080 and 1080x1920 screens (3 on the small panels, 2 in a
 * 600x1000 window), hotlines grouped as dialled. */
static void test_four_to_six_channels_fit(void **state)
{
    (void)state;
    static const int sizes[][3] = {{1920, 1080, 4}, {1080, 1920, 4}, {1280, 800, 3},
                                   {1366, 768, 3}, {600, 1000, 2}};
    int least[5] = {99, 99, 99, 99, 99}, most[5] = {0};
    for (size_t n = 4; n <= 6; n++) {
        char *json = channels_json(n);
        for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++)
            for (int lang = 0; lang < LANG_COUNT; lang++)
                for (int large = 0; large < 2; large++) {
                    int w = sizes[z][0], h = sizes[z][1];
                    Screen_ s;
                    su_start(&s, w, h, json);
                    app_set_lang(s.app, (Lang)lang);
                    s.app->large_text = large;
                    assert_int_equal(app_open(s.app, "connect"), 0);
                    su_draw(&s);
                    char what[64];
                    snprintf(what, sizeof what, "%zu channels %dx%d %s%s", n, w, h,
                             lang ? "en" : "zh", large ? " A+" : "");
                    const Content *c = app_content(s.app);
                    assert_int_equal(c->n_channels, n);
                    size_t codes = 0;
                    for (size_t i = 0; i < s.dl.ncmds; i++) {
                        const DlCmd *q = &s.dl.cmds[i];
                        if (q->kind != DL_QR)
                            continue;
                        codes++;
                        if (q->r.x < 0 || q->r.x + q->r.w > w || q->r.y < ui_dp(s.app, DP_HEADER) ||
                            q->r.y + q->r.h > h - h / 20)
                            fail_msg("%s: the code of %s falls off the screen (%d,%d %dx%d)",
                                     what, dl_str(&s.dl, q), q->r.x, q->r.y, q->r.w, q->r.h);
                        int px = module_px(dl_str(&s.dl, q), q->r.w);
                        if (px < sizes[z][2])
                            fail_msg("%s: the code of %s has %d px a module, under %d", what,
                                     dl_str(&s.dl, q), px, sizes[z][2]);
                        if (px < least[z])
                            least[z] = px;
                        if (px > most[z])
                            most[z] = px;
                    }
                    if (codes != n)
                        fail_msg("%s: %zu codes drawn, want %zu", what, codes, n);
                    for (size_t k = 0; k < s.dl.nscrolls; k++)
                        if (s.dl.scrolls[k].content_h > s.dl.scrolls[k].viewport.h)
                            fail_msg("%s: the cards scroll (%d px in %d)", what,
                                     s.dl.scrolls[k].content_h, s.dl.scrolls[k].viewport.h);
                    /* Each label's first word is drawn, on screen. */
                    for (size_t i = 0; i < n; i++) {
                        char word[64];
                        snprintf(word, sizeof word, "%s", ltext(&c->channels[i].label, (Lang)lang));
                        word[strcspn(word, " ")] = '\0';
                        if (!lang)
                            word[6] = '\0';   /* two characters of the label */
                        const DlCmd *t = su_text(&s, word);
                        if (!t || t->r.y + t->size > h - h / 20)
                            fail_msg("%s: label \"%s\" not on screen", what, word);
                    }
                    assert_non_null(su_text(&s, "0571-8765-4321"));
                    if (n == 6)
                        assert_non_null(su_text(&s, "0571-8888-7777"));
                    su_stop(&s);
                }
        free(json);
    }
    for (size_t z = 0; z < 5; z++)
        print_message("%dx%d: %d to %d px a module\n", sizes[z][0], sizes[z][1], least[z], most[z]);
}

/* ui_qr_modules, which the layout sizes codes by, is never below what the
 * renderer's encoder draws (a code's modules would be cut to fewer pixels)
 * and equals it for text in byte mode. */
static void test_qr_module_estimate(void **state)
{
    (void)state;
    char buf[1200];
    for (size_t len = 1; len < sizeof buf; len += (len < 300 ? 1 : 37)) {
        for (int kind = 0; kind < 2; kind++) {
            for (size_t i = 0; i < len; i++)
                buf[i] = kind ? "0123456789"[i % 10] : "abcdefghijklmnopqrstuvwxyz/.-?="[i % 31];
            buf[len] = '\0';
            QRcode *q = QRcode_encodeString(buf, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
            assert_non_null(q);
            int est = ui_qr_modules(buf);
            if (est < q->width || (kind == 0 && est != q->width))
                fail_msg("%zu %s: estimated %d modules, the encoder drew %d", len,
                         kind ? "digits" : "letters", est, q->width);
            QRcode_free(q);
        }
    }
}

static void test_notice_event_and_receipt_codes(void **state)
{
    (void)state;
    char *n = tmpdir_path(dir, "n.png"), *e = tmpdir_path(dir, "e.png");
    char *t = tmpdir_path(dir, "t.png"), *d = tmpdir_path(dir, "t.txt");
    char *conf = tmpdir_path(dir, "kiosk.conf");
    const char *c = "[suggest]\ntracking_url = https://cuihu-garden.example/track?code={receipt}\n";
    assert_int_equal(tmpdir_write(conf, c, strlen(c)), 0);
    char script[2048];
    /* The thank-you page with a tracking address configured. */
    snprintf(script, sizeof script,
             "tap @tile:suggest\ntap @topic:other\ntap @mode:abc\ntap @key:o\ntap @key:k\n"
             "tap @next\ntap @anonymous\ntap @send\nshot %s\ndump %s\n", t, d);
    replay(script, "1920x1080", conf);
    char *dump = tmpdir_read(d);
    assert_non_null(strstr(dump, "screen suggest-sent"));
    assert_non_null(strstr(dump, "qr "));
    char *code = decode(t);
    const char *p = strstr(code, "https://cuihu-garden.example/track?code=");
    assert_non_null(p);
    /* The code in the QR is the receipt shown on the page. */
    char receipt[9];
    memcpy(receipt, p + strlen("https://cuihu-garden.example/track?code="), 8);
    receipt[8] = '\0';
    char shown[12];
    snprintf(shown, sizeof shown, "%.4s-%.4s", receipt, receipt + 4);
    assert_non_null(strstr(dump, shown));
    free(code); free(dump);
    /* Notice and event details, opened directly. */
    for (int k = 0; k < 2; k++) {
        char *argv[] = {(char *)proc_bin("kiosk"), "--screenshot", k ? e : n, "--screen",
                        k ? "event:owners-assembly-20261219" : "notice:rules-revision-draft",
                        "--data-dir", tmpdir_path(dir, "data"), "--now", NOW, NULL};
        assert_int_equal(proc_run(argv, NULL, NULL), 0);
        free(argv[6]);
        char *got = decode(k ? e : n);
        const char *want = k ? "https://cuihu-garden.example/assembly-2026\n"
                             : "https://cuihu-garden.example/rules-draft\n";
        if (!got || strcmp(got, want) != 0)
            fail_msg("decoded \"%s\", want \"%s\"", got ? got : "", want);
        free(got);
    }
    free(n); free(e); free(t); free(d); free(conf);
}

/* In-process: expiry on a fixed clock, and the staff warning. */
static void test_expiry_and_staff_warning(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    const Content *c = app_content(s.app);
    const Channel *group = NULL;
    for (size_t i = 0; i < c->n_channels; i++)
        if (strcmp(c->channels[i].id, "owners-wechat-group") == 0)
            group = &c->channels[i];
    assert_non_null(group);
    int64_t exp = group->expires_at;
    assert_false(channel_expired(group, exp - 1));
    assert_true(channel_expired(group, exp));
    assert_false(channel_expiring(group, exp - 2 * 86400 - 1));
    assert_true(channel_expiring(group, exp - 2 * 86400));
    /* On screen: before expiry a code, after it the advice instead. */
    assert_int_equal(app_open(s.app, "connect"), 0);
    s.now = (exp - 60) * 1000;
    su_draw(&s);
    int codes_before = 0, codes_after = 0;
    for (size_t i = 0; i < s.dl.ncmds; i++)
        if (s.dl.cmds[i].kind == DL_QR &&
            strcmp(dl_str(&s.dl, &s.dl.cmds[i]), group->url) == 0)
            codes_before++;
    assert_int_equal(codes_before, 1);
    assert_null(su_text(&s, "已过期"));
    s.now = exp * 1000;
    su_draw(&s);
    for (size_t i = 0; i < s.dl.ncmds; i++)
        if (s.dl.cmds[i].kind == DL_QR &&
            strcmp(dl_str(&s.dl, &s.dl.cmds[i]), group->url) == 0)
            codes_after++;
    assert_int_equal(codes_after, 0);
    assert_non_null(su_text(&s, "已过期"));
    su_stop(&s);

    /* The kiosk warns staff two days before. */
    char *data = tmpdir_path(dir, "kdata");
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    char err[300];
    Kiosk *k = kiosk_open(&cfg, ".", "assets/content/sample.json", fake_measure(), 1920, 1080,
                          (exp - 3 * 86400) * 1000, err, sizeof err);
    assert_non_null(k);
    assert_int_equal(app_open(kiosk_app(k), "staff"), 0);
    kiosk_service(k, (exp - 3 * 86400) * 1000);
    kiosk_view(k, (exp - 3 * 86400) * 1000);
    const DrawList *f = kiosk_frame(k);
    bool warned = false;
    for (size_t i = 0; i < f->ncmds; i++)
        if (f->cmds[i].kind == DL_TEXT && strstr(dl_str(f, &f->cmds[i]), "二维码将在"))
            warned = true;
    assert_false(warned);
    kiosk_service(k, (exp - 2 * 86400) * 1000);
    kiosk_view(k, (exp - 2 * 86400) * 1000);
    for (size_t i = 0; i < f->ncmds; i++)
        if (f->cmds[i].kind == DL_TEXT &&
            strstr(dl_str(f, &f->cmds[i]), "“业主微信群”的二维码将在"))
            warned = true;
    assert_true(warned);
    kiosk_close(k);
    free(data);
}

static void lookup(Screen_ *s, const char *typed)
{
    su_tap(s, "code:clear");
    for (const char *p = typed; *p; p++) {
        char id[16];
        snprintf(id, sizeof id, "code:%c", *p);
        su_tap(s, id);
    }
    su_tap(s, "code:ok");
    /* A sealed feed's check runs on its own thread (the screen says it is
     * checking): wait for its answer, as a replay tap does, and draw it. */
    if (app_settle(s->app))
        su_draw(s);
}

static void test_receipt_lookup(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1080, 1920, NULL);
    su_tap(&s, "tile:reply");
    assert_int_equal(app_screen(s.app), SCREEN_REPLY);
    lookup(&s, "7KQ4M2XD");                       /* known: done */
    assert_non_null(su_text(&s, "7KQ4-M2XD"));
    assert_non_null(su_text(&s, "已办结"));
    assert_non_null(su_text(&s, "您反映的5号楼"));
    lookup(&s, "H3TN8WAC");                       /* known: in progress */
    assert_non_null(su_text(&s, "处理中"));
    lookup(&s, "D9FX4RPM");                       /* received, no reply text yet */
    assert_non_null(su_text(&s, "已收到"));
    assert_non_null(su_text(&s, "正在安排处理"));
    lookup(&s, "2345ACDE");                       /* well formed, unknown */
    assert_non_null(su_text(&s, "还没有 2345-ACDE 的回复"));
    lookup(&s, "7KQ");                            /* malformed: too short */
    assert_non_null(su_text(&s, "回执码是8位"));
    /* At most 8 symbols are taken. */
    lookup(&s, "7KQ4M2XDAAAA");
    assert_non_null(su_text(&s, "已办结"));
    /* Going home forgets the code typed. */
    su_tap(&s, "home");
    su_tap(&s, "tile:reply");
    assert_null(su_text(&s, "7KQ4"));
    su_stop(&s);
}

/* The old, plain form of replies still answers on the screen. */
static void test_receipt_lookup_plain_feed(void **state)
{
    (void)state;
    const char *doc =
        "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"notices\":[],\"events\":[],\"channels\":[],"
        "\"replies\":[{\"receipt\":\"7KQ4-M2XD\",\"status\":\"done\","
        "\"updated_at\":\"2026-11-27T16:30:00+08:00\",\"reply\":{\"zh\":\"明文形式的回复\"}}]}";
    Screen_ s;
    su_start(&s, 1080, 1920, doc);
    su_tap(&s, "tile:reply");
    lookup(&s, "7KQ4M2XD");
    assert_non_null(su_text(&s, "已办结"));
    assert_non_null(su_text(&s, "明文形式的回复"));
    lookup(&s, "H3TN8WAC");
    assert_non_null(su_text(&s, "还没有 H3TN-8WAC 的回复"));
    su_stop(&s);
}

/* The sample with every box altered: each code reads "no reply yet", as an
 * unknown code does, and nothing breaks. */
static void test_receipt_lookup_tampered_boxes(void **state)
{
    (void)state;
    char *doc = tmpdir_read("assets/content/sample.json");
    assert_non_null(doc);
    int n = 0;
    for (char *p = strstr(doc, "\"box\": \""); p; p = strstr(p + 1, "\"box\": \"")) {
        char *c = p + 8 + 100;
        *c = *c == 'A' ? 'B' : 'A';
        n++;
    }
    assert_int_equal(n, 4);
    Screen_ s;
    su_start(&s, 1080, 1920, doc);
    su_tap(&s, "tile:reply");
    lookup(&s, "7KQ4M2XD");
    assert_non_null(su_text(&s, "还没有 7KQ4-M2XD 的回复"));
    assert_null(su_text(&s, "已办结"));
    lookup(&s, "D9FX4RPM");
    assert_non_null(su_text(&s, "还没有 D9FX-4RPM 的回复"));
    su_stop(&s);
    free(doc);
}

/* A reply shown stays right when new content arrives: gone when the office
 * removed it, back when it returns. */
static void test_receipt_lookup_follows_content(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1080, 1920, NULL);
    su_tap(&s, "tile:reply");
    lookup(&s, "7KQ4M2XD");
    assert_non_null(su_text(&s, "已办结"));
    char err[300];
    const char *none = "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"notices\":[],\"events\":[],"
                       "\"channels\":[]}";
    app_set_content(s.app, content_parse(none, strlen(none), err, sizeof err));
    su_draw(&s);
    assert_null(su_text(&s, "已办结"));
    assert_non_null(su_text(&s, "还没有 7KQ4-M2XD 的回复"));
    app_set_content(s.app, content_load_file("assets/content/sample.json", err, sizeof err));
    app_settle(s.app);     /* the sealed feed's check, started again under it */
    su_draw(&s);
    assert_non_null(su_text(&s, "已办结"));
    su_stop(&s);
}

static void test_board_newest_first(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    su_tap(&s, "tile:board");
    const DlCmd *a = su_text(&s, "11月20日"), *b = su_text(&s, "11月15日");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a->r.y < b->r.y);
    su_stop(&s);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_channel_codes_decode_exactly),
        cmocka_unit_test(test_notice_event_and_receipt_codes),
        cmocka_unit_test(test_four_to_six_channels_fit),
        cmocka_unit_test(test_qr_module_estimate),
        cmocka_unit_test(test_expiry_and_staff_warning),
        cmocka_unit_test(test_receipt_lookup),
        cmocka_unit_test(test_receipt_lookup_plain_feed),
        cmocka_unit_test(test_receipt_lookup_tampered_boxes),
        cmocka_unit_test(test_receipt_lookup_follows_content),
        cmocka_unit_test(test_board_newest_first),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
