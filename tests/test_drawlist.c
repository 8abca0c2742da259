/* test_drawlist.c - hit testing, clipping of hit regions, scroll areas, the
 * frame hash, dropping hit regions and setting a card's height afterwards. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "drawlist.h"

static void test_hit_testing_topmost_and_edges(void **state)
{
    (void)state;
    DrawList dl;
    dl_init(&dl);
    dl_hit(&dl, (Rect){0, 0, 100, 100}, "under");
    dl_hit(&dl, (Rect){50, 50, 100, 100}, "over");
    assert_string_equal(dl_hit_test(&dl, 10, 10), "under");
    assert_string_equal(dl_hit_test(&dl, 60, 60), "over");    /* the later one wins */
    assert_string_equal(dl_hit_test(&dl, 149, 149), "over");
    assert_null(dl_hit_test(&dl, 150, 150));                 /* right/bottom edges exclusive */
    assert_null(dl_hit_test(&dl, -1, 10));
    assert_non_null(dl_find_hit(&dl, "under"));
    assert_null(dl_find_hit(&dl, "nowhere"));
    dl_free(&dl);
}

static void test_hits_are_clipped(void **state)
{
    (void)state;
    DrawList dl;
    dl_init(&dl);
    dl_clip(&dl, (Rect){0, 100, 500, 200});     /* a scrolled list's viewport */
    dl_hit(&dl, (Rect){0, 50, 500, 100}, "half-hidden card");
    dl_hit(&dl, (Rect){0, 350, 500, 100}, "scrolled away");
    dl_unclip(&dl);
    /* Only the visible part answers; a region wholly outside is dropped. */
    assert_null(dl_hit_test(&dl, 10, 60));
    assert_string_equal(dl_hit_test(&dl, 10, 120), "half-hidden card");
    assert_null(dl_find_hit(&dl, "scrolled away"));
    /* Nested clips intersect. */
    dl_reset(&dl);
    dl_clip(&dl, (Rect){0, 0, 100, 100});
    dl_clip(&dl, (Rect){50, 50, 100, 100});
    dl_hit(&dl, (Rect){0, 0, 200, 200}, "inner");
    dl_unclip(&dl);
    dl_unclip(&dl);
    const DlHit *h = dl_find_hit(&dl, "inner");
    assert_non_null(h);
    assert_int_equal(h->clip.x, 50);
    assert_int_equal(h->clip.w, 50);
    dl_free(&dl);
}

static void test_scroll_areas_and_hash(void **state)
{
    (void)state;
    DrawList dl;
    dl_init(&dl);
    dl_scroll(&dl, (Rect){0, 100, 800, 600}, 2000, "scroll:notices");
    const DlScroll *s = dl_scroll_at(&dl, 400, 300);
    assert_non_null(s);
    assert_int_equal(s->content_h, 2000);
    assert_null(dl_scroll_at(&dl, 400, 50));
    dl_text(&dl, 10, 10, FONT_REGULAR, 32, (Color){0, 0, 0, 255}, "社区", -1);
    uint64_t h1 = dl_hash(&dl);
    dl_reset(&dl);
    dl_text(&dl, 10, 10, FONT_REGULAR, 32, (Color){0, 0, 0, 255}, "社区", -1);
    assert_true(dl_hash(&dl) == h1);                         /* same frame, same hash */
    dl_reset(&dl);
    dl_text(&dl, 10, 11, FONT_REGULAR, 32, (Color){0, 0, 0, 255}, "社区", -1);
    assert_true(dl_hash(&dl) != h1);                         /* one pixel differs */
    /* Translation moves commands and regions alike. */
    dl_hit(&dl, (Rect){0, 0, 10, 10}, "x");
    dl_translate(&dl, 3, -2);
    assert_int_equal(dl.cmds[0].r.x, 13);
    assert_string_equal(dl_hit_test(&dl, 12, 7), "x");
    dl_free(&dl);
}

static void test_drop_hits_keeps_commands(void **state)
{
    (void)state;
    DrawList dl;
    dl_init(&dl);
    dl_rect(&dl, (Rect){0, 0, 100, 100}, (Color){1, 2, 3, 255});
    dl_hit(&dl, (Rect){0, 0, 100, 100}, "under");
    dl_drop_hits(&dl);
    assert_null(dl_hit_test(&dl, 10, 10));
    assert_null(dl_find_hit(&dl, "under"));
    assert_int_equal(dl.ncmds, 1);                 /* what was drawn stays */
    /* Regions added afterwards (a dialog's buttons) are the only ones. */
    dl_hit(&dl, (Rect){20, 20, 10, 10}, "dialog:ok");
    assert_string_equal(dl_hit_test(&dl, 25, 25), "dialog:ok");
    assert_null(dl_hit_test(&dl, 5, 5));
    dl_free(&dl);
}

static void test_set_height_of_a_card_drawn_first(void **state)
{
    (void)state;
    DrawList dl;
    dl_init(&dl);
    Color c = {9, 9, 9, 255};
    dl_rect(&dl, (Rect){0, 0, 10, 10}, c);         /* before the card: untouched */
    size_t mark = dl_mark(&dl);
    assert_int_equal(mark, 1);
    dl_rect(&dl, (Rect){5, 6, 300, 0}, c);         /* the card's fill ... */
    dl_frame(&dl, (Rect){5, 6, 300, 0}, c, 2);     /* ... and border */
    dl_text(&dl, 7, 8, FONT_REGULAR, 20, c, "body", -1);
    dl_rect(&dl, (Rect){0, 0, 50, 4}, c);          /* after the n commands: untouched */
    dl_set_height(&dl, mark, 3, 240);
    assert_int_equal(dl.cmds[0].r.h, 10);
    assert_int_equal(dl.cmds[1].r.h, 240);
    assert_int_equal(dl.cmds[2].r.h, 240);
    assert_int_equal(dl.cmds[1].r.w, 300);         /* only the height changes */
    assert_int_equal(dl.cmds[3].kind, DL_TEXT);
    assert_int_equal(dl.cmds[3].r.h, 0);           /* text is not a rectangle */
    assert_int_equal(dl.cmds[4].r.h, 4);
    /* A mark past the end (the appends failed) changes nothing. */
    dl_set_height(&dl, dl_mark(&dl), 2, 99);
    dl_set_height(&dl, 100, 2, 99);
    for (size_t i = 0; i < dl.ncmds; i++)
        assert_int_not_equal(dl.cmds[i].r.h, 99);
    dl_free(&dl);
}

static void test_set_clear_last_call_wins(void **state)
{
    (void)state;
    DrawList dl;
    dl_init(&dl);
    assert_int_equal(dl.clear.r, 0);               /* opaque black until set */
    assert_int_equal(dl.clear.a, 255);
    dl_set_clear(&dl, (Color){0xF4, 0xF1, 0xEA, 0xFF});
    dl_set_clear(&dl, (Color){1, 2, 3, 4});        /* a screen over the app's ground */
    assert_int_equal(dl.clear.r, 1);
    assert_int_equal(dl.clear.g, 2);
    assert_int_equal(dl.clear.b, 3);
    assert_int_equal(dl.clear.a, 4);
    assert_int_equal(dl.ncmds, 0);                 /* not a command */
    dl_free(&dl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_testing_topmost_and_edges),
        cmocka_unit_test(test_hits_are_clipped),
        cmocka_unit_test(test_scroll_areas_and_hash),
        cmocka_unit_test(test_drop_hits_keeps_commands),
        cmocka_unit_test(test_set_height_of_a_card_drawn_first),
        cmocka_unit_test(test_set_clear_last_call_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
