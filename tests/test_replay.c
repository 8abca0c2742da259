/* test_replay.c - the replay script parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "replay.h"

static int parse(const char *text, Replay *r, char *err, size_t n)
{
    err[0] = '\0';
    return replay_parse(text, strlen(text), r, err, n);
}

static void test_valid_script(void **state)
{
    (void)state;
    Replay r;
    char err[200];
    assert_int_equal(parse("# walk to a notice\n\ntap @tile:notices\n  tap 100 200 # comment\n"
                           "drag 10 900 10 300 250\r\nwait 1500\nshot out.png\ndump f.txt",
                           &r, err, sizeof err), 0);
    assert_int_equal(r.n, 6);
    assert_int_equal(r.cmds[0].op, RP_TAP_ID);
    assert_string_equal(r.cmds[0].arg, "tile:notices");
    assert_int_equal(r.cmds[0].line, 3);
    assert_int_equal(r.cmds[1].op, RP_TAP_XY);
    assert_int_equal(r.cmds[1].x1, 100);
    assert_int_equal(r.cmds[1].y1, 200);
    assert_int_equal(r.cmds[2].op, RP_DRAG);
    assert_int_equal(r.cmds[2].y2, 300);
    assert_int_equal(r.cmds[2].ms, 250);
    assert_int_equal(r.cmds[3].op, RP_WAIT);
    assert_int_equal(r.cmds[3].ms, 1500);
    assert_int_equal(r.cmds[4].op, RP_SHOT);
    assert_string_equal(r.cmds[4].arg, "out.png");
    assert_int_equal(r.cmds[5].op, RP_DUMP);
    assert_int_equal(r.cmds[5].line, 8);
    replay_free(&r);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    static const struct { const char *text, *msg; } bad[] = {
        {"tap @a\nfly 1 2\n", "line 2: unknown command \"fly\""},
        {"tap\n", "line 1: tap: expected"},
        {"tap @\n", "line 1: tap: expected"},
        {"tap 1 x\n", "line 1: tap: expected tap @ID or tap X Y"},
        {"tap -5 3\n", "line 1: tap"},
        {"drag 1 2 3 4\n", "line 1: drag: expected drag X1 Y1 X2 Y2 MS"},
        {"\n\nwait soon\n", "line 3: wait: expected"},
        {"wait 99999999999\n", "line 1: wait"},
        {"shot\n", "line 1: shot: expected shot FILE"},
        {"tap 1 2 3 4 5 6 7 8 9\n", "line 1: too many words"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        Replay r;
        char err[200];
        assert_int_equal(parse(bad[i].text, &r, err, sizeof err), -1);
        if (!strstr(err, bad[i].msg))
            fail_msg("script %zu: got \"%s\", want \"%s\"", i, err, bad[i].msg);
        assert_null(r.cmds);
        assert_int_equal(r.n, 0);
    }
}

static void test_hostile_input(void **state)
{
    (void)state;
    Replay r;
    char err[200];
    char nul[] = "tap @a\0b\n";
    assert_int_equal(replay_parse(nul, sizeof nul - 1, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "NUL"));
    char longline[3000];
    memset(longline, 'x', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    assert_int_equal(parse(longline, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 1: longer than"));
    /* Only the given length is read: the text after it is never parsed. */
    const char *t = "wait 10\nbogus";
    assert_int_equal(replay_parse(t, 8, &r, err, sizeof err), 0);
    assert_int_equal(r.n, 1);
    replay_free(&r);
    assert_int_equal(replay_load("/nonexistent/script", &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/script"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_script),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_hostile_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
