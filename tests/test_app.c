/* test_app.c - screen tests: drive the app with inputs and a fake clock and
 * check what it draws. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <math.h>
#include "app_priv.h"
#include "screen_util.h"
#include "fake_measure.h"
#include "ui.h"
#include "utf8.h"

static double lum(Color c);

static const Notice *notice(const Screen_ *s, const char *id)
{
    const Notice *n = content_find_notice(app_content(s->app), id);
    assert_non_null(n);
    return n;
}

static void test_home_shows_site_tiles_and_urgent(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    assert_int_equal(app_screen(s.app), SCREEN_HOME);
    assert_non_null(su_text(&s, ltext(&app_content(s.app)->site_name, LANG_ZH)));
    assert_non_null(su_text(&s, "10:00"));          /* the fixed clock */
    assert_non_null(su_text(&s, "12月1日 星期二"));
    assert_true(su_has_hit(&s, "tile:notices"));
    assert_true(su_has_hit(&s, "tile:events"));
    assert_true(su_has_hit(&s, "lang"));
    /* The urgent water cut is a red banner that opens the notice. */
    assert_true(su_has_hit(&s, "notice:water-cut-20261203"));
    su_tap(&s, "notice:water-cut-20261203");
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);
    su_tap(&s, "back");
    assert_int_equal(app_screen(s.app), SCREEN_HOME);
    su_stop(&s);
}

static void test_notices_list_filter_detail_back_home(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    su_tap(&s, "tile:notices");
    assert_int_equal(app_screen(s.app), SCREEN_NOTICES);
    /* The first card is the urgent one: it is drawn highest. */
    const DlHit *first = NULL;
    for (size_t i = 0; i < s.dl.nhits; i++)
        if (strncmp(s.dl.hits[i].id, "notice:", 7) == 0 &&
            (!first || s.dl.hits[i].r.y < first->r.y))
            first = &s.dl.hits[i];
    assert_non_null(first);
    assert_string_equal(first->id, "notice:water-cut-20261203");
    assert_non_null(su_text(&s, "紧急"));
    /* Expired notices are not listed. */
    assert_false(su_has_hit(&s, "notice:national-day-2026"));
    /* Filter: accounts only. */
    su_tap(&s, "filter:accounts");
    int n = su_count_hits(&s, "notice:");
    assert_true(n >= 1);
    for (size_t i = 0; i < s.dl.nhits; i++)
        if (strncmp(s.dl.hits[i].id, "notice:", 7) == 0)
            assert_int_equal(notice(&s, s.dl.hits[i].id + 7)->category, CAT_ACCOUNTS);
    su_tap(&s, "filter:all");
    assert_true(su_count_hits(&s, "notice:") > n);
    /* Detail shows the whole body's first line and the title. */
    su_tap(&s, "notice:office-winter-hours");
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);
    const Notice *hours = notice(&s, "office-winter-hours");
    assert_non_null(su_text(&s, ltext(&hours->title, LANG_ZH)));
    assert_non_null(su_text(&s, "置顶"));
    su_tap(&s, "back");
    assert_int_equal(app_screen(s.app), SCREEN_NOTICES);
    su_tap(&s, "home");
    assert_int_equal(app_screen(s.app), SCREEN_HOME);
    su_stop(&s);
}

/* Y of the first text command drawn for a notice's body line. */
static int body_y(const Screen_ *s, const char *needle)
{
    const DlCmd *c = su_text(s, needle);
    return c ? c->r.y : -100000;
}

static void test_detail_scrolls_by_drag_without_tapping(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1280, 800, NULL);
    assert_int_equal(app_open(s.app, "notice:fee-accounts-2026q3"), 0);
    su_draw(&s);
    const DlScroll *sc = dl_scroll_at(&s.dl, 640, 500);
    assert_non_null(sc);
    assert_true(sc->content_h > sc->viewport.h);   /* long enough to scroll */
    const DlCmd *t = su_text(&s, "2026");
    assert_non_null(t);
    char needle[64];
    snprintf(needle, sizeof needle, "%s", dl_str(&s.dl, t));
    int y0 = body_y(&s, needle);
    su_drag(&s, 640, 600, -200, 10);
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);   /* no tap */
    int y1 = body_y(&s, needle);
    assert_true(y1 == -100000 || y1 < y0 - 150);
    /* Dragging far down is clamped at the top. */
    su_drag(&s, 640, 300, 2000, 10);
    assert_int_equal(body_y(&s, needle), y0);
    /* Dragging far up is clamped at the end: the last line is visible. */
    su_drag(&s, 640, 700, -30000, 20);
    su_drag(&s, 640, 700, -30000, 20);
    const Notice *fee = notice(&s, "fee-accounts-2026q3");
    const char *body = ltext(&fee->body, LANG_ZH);
    const char *last = strrchr(body, '\n');
    last = last ? last + 1 : body;
    char tail[16];
    snprintf(tail, sizeof tail, "%.9s", last);   /* three CJK characters */
    const DlCmd *lc = su_text(&s, tail);
    assert_non_null(lc);
    assert_true(lc->r.y < sc->viewport.y + sc->viewport.h);
    su_stop(&s);
}

static void test_idle_returns_home_and_resets_language(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    su_tap(&s, "lang");
    assert_int_equal(app_lang(s.app), LANG_EN);
    assert_non_null(su_text(&s, "Notices"));
    su_tap(&s, "tile:events");
    assert_int_equal(app_screen(s.app), SCREEN_EVENTS);
    assert_true(app_next_timeout(s.app, s.now) <= 90000);
    su_wait(&s, 89000);
    assert_int_equal(app_screen(s.app), SCREEN_EVENTS);
    assert_true(su_wait(&s, 1000));
    assert_int_equal(app_screen(s.app), SCREEN_ATTRACT);   /* home's carousel */
    assert_int_equal(app_lang(s.app), LANG_ZH);
    su_stop(&s);
}

static void test_idle_timeout_is_configurable(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    s.cfg.idle_timeout_s = 30;   /* the app reads the config it was given */
    su_tap(&s, "tile:notices");
    su_wait(&s, 29999);
    assert_int_equal(app_screen(s.app), SCREEN_NOTICES);
    su_wait(&s, 1);
    assert_int_equal(app_screen(s.app), SCREEN_ATTRACT);
    su_stop(&s);
}

/* Left alone, home turns into the carousel of urgent and pinned notices and
 * the next events; the first touch only wakes it. */
static void test_attract_mode(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    su_wait(&s, 90000);
    assert_int_equal(app_screen(s.app), SCREEN_ATTRACT);
    assert_non_null(su_text(&s, "轻触屏幕开始"));
    assert_int_equal(s.dl.nhits, 0);                 /* nothing to tap by mistake */
    const DlCmd *first = su_text(&s, "停水通知");     /* urgent first */
    assert_non_null(first);
    /* The slides move on with the clock, and the main loop is told when. */
    assert_true(app_next_timeout(s.app, s.now) <= 10000);
    char before[256];
    snprintf(before, sizeof before, "%llx", (unsigned long long)dl_hash(&s.dl));
    /* The urgent notice stays twice as long as any other slide. */
    su_wait(&s, 10000);
    assert_non_null(su_text(&s, "停水通知"));
    assert_true(su_wait(&s, 10000));
    char after[256];
    snprintf(after, sizeof after, "%llx", (unsigned long long)dl_hash(&s.dl));
    assert_string_not_equal(before, after);
    /* Burn-in care: every 5 minutes the picture moves a few pixels (the
     * "touch to start" bar stands still otherwise). */
    const DlCmd *hint = su_text(&s, "轻触屏幕开始");
    assert_non_null(hint);
    Rect r0 = hint->r;
    su_wait(&s, 5 * 60000);
    hint = su_text(&s, "轻触屏幕开始");
    assert_non_null(hint);
    int dx = hint->r.x - r0.x, dy = hint->r.y - r0.y;
    assert_true(dx != 0 || dy != 0);
    assert_true(dx >= -8 && dx <= 8 && dy >= -8 && dy <= 8);
    /* A touch where the notices tile is on home: it only wakes the kiosk. */
    su_tap_xy(&s, 300, 400);
    assert_int_equal(app_screen(s.app), SCREEN_HOME);
    su_stop(&s);
}

/* At night (default 23:00-06:00) the resting screen dims; an urgent notice
 * still shows; a touch wakes it; morning brings the day back. */
static void test_night_schedule(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    s.now = (1796090400LL + 13 * 3600) * 1000;       /* 23:00 on 1 December */
    su_wait(&s, 0);
    s.now += 90000;
    su_wait(&s, 0);
    assert_int_equal(app_screen(s.app), SCREEN_NIGHT);
    assert_string_equal(app_display_state(s.app), "night");
    assert_non_null(su_text(&s, "停水通知"));          /* the urgent one shows */
    su_tap_xy(&s, 960, 540);
    assert_int_equal(app_screen(s.app), SCREEN_HOME);
    assert_string_equal(app_display_state(s.app), "day");
    su_wait(&s, 90000);
    assert_int_equal(app_screen(s.app), SCREEN_NIGHT);
    s.now = (1796090400LL + 20 * 3600) * 1000;       /* 06:00 */
    su_wait(&s, 0);
    assert_int_equal(app_screen(s.app), SCREEN_ATTRACT);
    /* Blank nights show nothing but an urgent notice. */
    s.cfg.night_blank = true;
    s.now = (1796090400LL + 14 * 3600) * 1000;       /* midnight */
    su_wait(&s, 0);
    assert_string_equal(app_display_state(s.app), "night-blank");
    su_stop(&s);
}

/* The largest opaque rectangle of colour c drawn in the frame (area). */
static long largest_rect(const Screen_ *s, Color c)
{
    long best = 0;
    for (size_t i = 0; i < s->dl.ncmds; i++) {
        const DlCmd *k = &s->dl.cmds[i];
        if (k->kind == DL_RECT && k->color.a == 255 && k->color.r == c.r && k->color.g == c.g &&
            k->color.b == c.b && (long)k->r.w * k->r.h > best)
            best = (long)k->r.w * k->r.h;
    }
    return best;
}

/* While an urgent notice is current the carousel shows it first, longest
 * and on red (a replay of a whole round of slides, step by step). */
static void test_attract_urgent_first_longest(void **state)
{
    (void)state;
    for (int z = 0; z < 2; z++) {
        Screen_ s;
        su_start(&s, z ? 1080 : 1920, z ? 1920 : 1080, NULL);
        su_wait(&s, 90000);
        assert_int_equal(app_screen(s.app), SCREEN_ATTRACT);
        int urgent = 0, steps = 30, other = 0;
        for (int i = 0; i < steps; i++) {
            if (su_text(&s, "停水通知")) {
                urgent++;
                /* Unmistakable: the whole slide is red, not a white card
                 * with a small tag. */
                assert_true(largest_rect(&s, theme_default.urgent) >
                            (long)s.app->w * s.app->h / 3);
                if (i == 0)
                    assert_int_equal(app_slide(s.app, s.now), 0);
            } else {
                other++;
                assert_true(largest_rect(&s, theme_default.urgent) <
                            (long)s.app->w * s.app->h / 10);
            }
            if (i == 0)
                assert_true(urgent == 1);   /* first */
            su_wait(&s, ATTRACT_SLIDE_MS);
        }
        assert_true(other > 0);               /* the others still show */
        assert_true(urgent >= 2 * other);     /* longest: two thirds of the time at least */
        su_stop(&s);
    }
}

/* At night with an urgent notice, "dim" and "blank" each do what they say
 * and the notice is legible in both: dim is the carousel's frame under a
 * veil, blank is black with the notice alone in light text. */
static void test_night_dim_and_blank_differ(void **state)
{
    (void)state;
    uint64_t hash[2];
    for (int blank = 0; blank < 2; blank++) {
        Screen_ s;
        su_start(&s, 1920, 1080, NULL);
        s.cfg.night_blank = blank;
        s.now = (1796090400LL + 13 * 3600) * 1000;   /* 23:00 on 1 December */
        su_wait(&s, 90000);
        assert_int_equal(app_screen(s.app), SCREEN_NIGHT);
        const DlCmd *t = su_text(&s, "停水通知");
        assert_non_null(t);
        hash[blank] = dl_hash(&s.dl);
        /* The ground under the title, veils included (alpha blended). */
        double g[3] = {s.dl.clear.r, s.dl.clear.g, s.dl.clear.b};
        double f[3] = {t->color.r, t->color.g, t->color.b};
        int px = t->r.x + 2, py = t->r.y + t->size / 2;
        size_t ti = (size_t)(t - s.dl.cmds);
        long lit = 0;
        for (size_t i = 0; i < s.dl.ncmds; i++) {
            const DlCmd *k = &s.dl.cmds[i];
            if (k->kind == DL_RECT && k->color.a == 255 &&
                k->color.r + k->color.g + k->color.b > 0)
                lit += (long)k->r.w * k->r.h;
            if (k->kind != DL_RECT || !rect_contains(k->r, px, py))
                continue;
            double al = k->color.a / 255.0;
            double c[3] = {k->color.r, k->color.g, k->color.b};
            for (int j = 0; j < 3; j++) {
                g[j] = g[j] * (1 - al) + c[j] * al;
                if (i > ti)
                    f[j] = f[j] * (1 - al) + c[j] * al;
            }
        }
        Color fc = {(uint8_t)f[0], (uint8_t)f[1], (uint8_t)f[2], 255};
        Color gc = {(uint8_t)g[0], (uint8_t)g[1], (uint8_t)g[2], 255};
        double l1 = lum(fc), l2 = lum(gc);
        double ratio = (fmax(l1, l2) + 0.05) / (fmin(l1, l2) + 0.05);
        assert_true(ratio >= 4.5);
        if (blank) {
            assert_string_equal(app_display_state(s.app), "night-blank");
            assert_int_equal(lit, 0);             /* no grey slab: black but the text */
        } else {
            assert_true(lit > 0);                 /* the page, dimmed */
            assert_true(su_text(&s, "轻触屏幕开始") != NULL);
        }
        su_stop(&s);
    }
    assert_true(hash[0] != hash[1]);
}

static void test_english_falls_back_to_chinese(void **state)
{
    (void)state;
    const char *json =
        "{\"site\":{\"name\":{\"zh\":\"测试小区\"}},\"notices\":[{\"id\":\"a\","
        "\"category\":\"notice\",\"title\":{\"zh\":\"只有中文\"},\"body\":{\"zh\":\"正文\","
        "\"en\":\"Body\"},\"publish_at\":\"2026-11-01T00:00:00+08:00\",\"expire_at\":"
        "\"2027-01-01T00:00:00+08:00\"}],\"events\":[],\"channels\":[]}";
    Screen_ s;
    su_start(&s, 1920, 1080, json);
    su_tap(&s, "lang");
    su_tap(&s, "tile:notices");
    assert_non_null(su_text(&s, "只有中文"));
    assert_non_null(su_text(&s, "Body"));
    assert_non_null(su_text(&s, "测试小区"));
    assert_non_null(su_text(&s, "Back"));
    su_stop(&s);
}

static void test_schedule_change_redraws_and_hides(void **state)
{
    (void)state;
    const char *json =
        "{\"site\":{\"name\":{\"zh\":\"小区\"}},\"notices\":[{\"id\":\"soon-gone\","
        "\"category\":\"notice\",\"title\":{\"zh\":\"即将过期\"},\"body\":{\"zh\":\"正文\"},"
        "\"publish_at\":\"2026-11-01T00:00:00+08:00\",\"expire_at\":"
        "\"2026-12-01T10:00:30+08:00\"}],\"events\":[],\"channels\":[]}";
    Screen_ s;
    su_start(&s, 1920, 1080, json);
    su_tap(&s, "tile:notices");
    assert_true(su_has_hit(&s, "notice:soon-gone"));
    assert_true(app_next_timeout(s.app, s.now) <= 30000);
    assert_true(su_wait(&s, 30000));
    assert_false(su_has_hit(&s, "notice:soon-gone"));
    assert_non_null(su_text(&s, "暂时没有"));
    su_stop(&s);
}

static void test_content_swap_leaves_vanished_detail(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    su_tap(&s, "tile:notices");
    su_tap(&s, "notice:office-winter-hours");
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);
    char err[200];
    const char *json = "{\"site\":{\"name\":{\"zh\":\"新小区\"}},\"notices\":[],"
                       "\"events\":[],\"channels\":[]}";
    app_set_content(s.app, content_parse(json, strlen(json), err, sizeof err));
    su_draw(&s);
    assert_int_equal(app_screen(s.app), SCREEN_NOTICES);
    assert_non_null(su_text(&s, "新小区"));
    su_stop(&s);
}

static void test_pressed_control_darkens_and_drag_cancels_tap(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    uint64_t before = dl_hash(&s.dl);
    const DlHit *h = dl_find_hit(&s.dl, "tile:events");
    Input in = {IN_DOWN, h->r.x + 10, h->r.y + 10};
    assert_true(app_input(s.app, &in, &s.dl, s.now));
    su_draw(&s);
    assert_true(dl_hash(&s.dl) != before);          /* drawn pressed */
    in.kind = IN_MOVE;
    in.y += 200;                                     /* finger slides off */
    app_input(s.app, &in, &s.dl, s.now);
    in.kind = IN_UP;
    app_input(s.app, &in, &s.dl, s.now);
    su_draw(&s);
    assert_int_equal(app_screen(s.app), SCREEN_HOME);
    assert_true(dl_hash(&s.dl) == before);
    su_stop(&s);
}

static void test_events_grouped(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1080, 1920, NULL);
    su_tap(&s, "tile:events");
    const DlCmd *today = su_text(&s, "今天");
    const DlCmd *week = su_text(&s, "本周");
    assert_non_null(today);
    assert_non_null(week);
    assert_true(today->r.y < week->r.y);
    /* The past event is gone; today's clinic is listed. */
    assert_false(su_has_hit(&s, "event:fire-drill-20261118"));
    assert_true(su_has_hit(&s, "event:free-clinic-20261201"));
    su_tap(&s, "event:free-clinic-20261201");
    assert_int_equal(app_screen(s.app), SCREEN_EVENT);
    const Event *e = content_find_event(app_content(s.app), "free-clinic-20261201");
    assert_non_null(su_text(&s, ltext(&e->location, LANG_ZH)));
    su_stop(&s);
}

static void test_open_by_name(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    assert_int_equal(app_open(s.app, "events"), 0);
    assert_int_equal(app_screen(s.app), SCREEN_EVENTS);
    assert_int_equal(app_open(s.app, "event:free-clinic-20261201"), 0);
    assert_int_equal(app_screen(s.app), SCREEN_EVENT);
    assert_int_equal(app_open(s.app, "notice:no-such-id"), -1);
    assert_int_equal(app_screen(s.app), SCREEN_EVENT);   /* unchanged */
    assert_int_equal(app_open(s.app, "nowhere"), -1);
    assert_int_equal(app_open(s.app, "notice"), -1);
    assert_int_equal(app_open(s.app, "home"), 0);
    assert_int_equal(app_screen(s.app), SCREEN_HOME);
    su_stop(&s);
}

/* app_open goes through app_go: each screen's entry action runs, as when a
 * resident's taps open it. */
static void test_open_runs_entry_actions(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    /* The contact step opens its keyboard on digits (contact_enter), over
     * the flow's steps with a topic chosen. */
    assert_int_equal(app_open(s.app, "suggest-contact"), 0);
    assert_int_equal(app_screen(s.app), SCREEN_SUGGEST_CONTACT);
    assert_int_equal(s.app->osk.mode, OSK_SYM);
    assert_int_equal(s.app->depth, 3);   /* under it: home, topic, write */
    assert_true(s.app->draft.topic[0] != '\0');
    app_back(s.app);
    assert_int_equal(app_screen(s.app), SCREEN_SUGGEST_WRITE);
    /* The carousel starts at its first slide (rest_enter). */
    assert_int_equal(app_open(s.app, "attract"), 0);
    assert_int_equal(app_screen(s.app), SCREEN_ATTRACT);
    assert_int_equal(app_slide(s.app, s.app->last_input_ms), 0);
    assert_int_equal(app_slide(s.app, s.app->last_input_ms + ATTRACT_SLIDE_MS), 1);
    /* The notice list opens showing every category (list_enter). */
    s.app->filter = 2;
    assert_int_equal(app_open(s.app, "notice:fee-accounts-2026q3"), 0);
    assert_int_equal(s.app->filter, -1);
    app_back(s.app);
    assert_int_equal(app_screen(s.app), SCREEN_NOTICES);
    su_stop(&s);
}

/* Every screen, every size, both languages: controls are on screen, large
 * enough, do not overlap each other, and no text runs off the edge. */
static void check_layout(Screen_ *s, const char *screen, int w, int h)
{
    double dp = (w < h ? w : h) / 1080.0;
    for (size_t i = 0; i < s->dl.nhits; i++) {
        const DlHit *a = &s->dl.hits[i];
        if (a->clip.h < a->r.h) {
            /* Partly out of view: only in a list or text that scrolls. */
            bool scrolled = false;
            for (size_t k = 0; k < s->dl.nscrolls; k++) {
                Rect o = rect_intersect(s->dl.scrolls[k].viewport, a->r);
                if (o.w > 0 && o.h > 0 && s->dl.scrolls[k].content_h > s->dl.scrolls[k].viewport.h)
                    scrolled = true;
            }
            if (!scrolled)
                fail_msg("%s %dx%d: control %s is cut by the edge of the screen", screen, w, h,
                         a->id);
            continue;
        }
        if (a->r.x < 0 || a->r.y < 0 || a->r.x + a->r.w > w || a->r.y + a->r.h > h)
            fail_msg("%s %dx%d: control %s off screen", screen, w, h, a->id);
        if (a->r.h < 80 * dp || a->r.w < 80 * dp)
            fail_msg("%s %dx%d: control %s is %dx%d, under 80 dp", screen, w, h, a->id,
                     a->r.w, a->r.h);
        for (size_t j = i + 1; j < s->dl.nhits; j++) {
            Rect o = rect_intersect(a->clip, s->dl.hits[j].clip);
            if (o.w > 0 && o.h > 0)
                fail_msg("%s %dx%d: controls %s and %s overlap", screen, w, h, a->id,
                         s->dl.hits[j].id);
        }
    }
    for (size_t i = 0; i < s->dl.ncmds; i++) {
        const DlCmd *c = &s->dl.cmds[i];
        if (c->kind != DL_TEXT)
            continue;
        const char *t = dl_str(&s->dl, c);
        int tw = fake_measure_width_of(c->size, t, strlen(t));
        if (c->r.x < 0 || c->r.x + tw > w)
            fail_msg("%s %dx%d: text \"%s\" runs off the screen (x %d, width %d)",
                     screen, w, h, t, c->r.x, tw);
    }
}

/* No two texts are drawn over each other (each text's em box, within the
 * clip it is drawn in), and none runs past the bottom of the screen. */
static void check_overlap(Screen_ *s, const char *screen, int h)
{
    enum { MAX = 2048 };
    static Rect box[MAX];
    static size_t who[MAX];
    size_t n = 0;
    SuTextWalk w;
    su_texts(&w, &s->dl);
    Rect b;
    for (const DlCmd *c; n < MAX && (c = su_next_text(&w, &b));) {
        if (c->face == FONT_ICON || b.w <= 0 || b.h <= 0)
            continue;
        const char *t = dl_str(&s->dl, c);
        size_t i = (size_t)(c - s->dl.cmds);
        if (b.y + b.h > h)
            fail_msg("%s: \"%s\" runs past the bottom (%d > %d)", screen, t, b.y + b.h, h);
        for (size_t j = 0; j < n; j++) {
            Rect o = rect_intersect(b, box[j]);
            if (o.w > 2 && o.h > 2)
                fail_msg("%s: \"%s\" is drawn over \"%s\"", screen, t,
                         dl_str(&s->dl, &s->dl.cmds[who[j]]));
        }
        box[n] = b;
        who[n++] = i;
    }
}

/* No text is cut where it hides words from the person it belongs to: a
 * text cut with "…" is a preview only when it is flagged so (a list
 * card's summary, opened whole with one tap), and a text ending in "…" it
 * was not given is flagged cut; a text its clip shows only in part is in a
 * scrolled area (the rest scrolls into view). */
/* Whether t is a translation as written (a placeholder "…" is its own). */
static bool ui_source_ends_so(const Screen_ *s, const char *t)
{
    for (int l = 0; l < LANG_COUNT; l++)
        for (size_t i = 0; i < i18n_count(s->i18n, (Lang)l); i++)
            if (strcmp(i18n_get(s->i18n, (Lang)l, i18n_key(s->i18n, (Lang)l, i)), t) == 0)
                return true;
    return false;
}

static int cuts_found;   /* every cut is listed before the test fails */

static void check_cuts(Screen_ *s, const char *screen)
{
    static const char ell[] = "\xe2\x80\xa6";
    Rect clips[16];
    int nclips = 0;
    for (size_t i = 0; i < s->dl.ncmds; i++) {
        const DlCmd *c = &s->dl.cmds[i];
        if (c->kind == DL_CLIP) {
            Rect r = nclips ? rect_intersect(clips[nclips - 1], c->r) : c->r;
            if (nclips < 16)
                clips[nclips++] = r;
            continue;
        }
        if (c->kind == DL_UNCLIP) {
            if (nclips)
                nclips--;
            continue;
        }
        if (c->kind != DL_TEXT)
            continue;
        const char *t = dl_str(&s->dl, c);
        size_t n = strlen(t);
        bool ends = n >= 3 && strcmp(t + n - 3, ell) == 0;
        if (ends && n > 3 && !(c->flags & DL_F_CUT) && !ui_source_ends_so(s, t)) {
            print_message("%s: \"%s\" ends in an ellipsis nobody wrote and is not flagged cut\n",
                          screen, t);
            cuts_found++;
        }
        if ((c->flags & DL_F_CUT) && !(c->flags & DL_F_PREVIEW))
        {
            print_message("%s: \"%s\" is cut\n", screen, t);
            cuts_found++;
        }
        if (!nclips || c->face == FONT_ICON)
            continue;
        Rect em = {c->r.x, c->r.y + c->size / 4, fake_measure_width_of(c->size, t, n), c->size};
        Rect in = rect_intersect(em, clips[nclips - 1]);
        if (in.w >= em.w - 2 && in.h >= em.h - 2)
            continue;
        bool scrolled = false;
        for (size_t k = 0; k < s->dl.nscrolls; k++) {
            const DlScroll *sc = &s->dl.scrolls[k];
            Rect o = rect_intersect(sc->viewport, clips[nclips - 1]);
            if (o.w > 0 && o.h > 0 && sc->content_h > sc->viewport.h)
                scrolled = true;
        }
        if (!scrolled) {
            print_message("%s: \"%s\" is hidden by its clip and nothing scrolls it into view\n",
                          screen, t);
            cuts_found++;
        }
    }
}

static double lum(Color c)
{
    double ch[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
    for (int i = 0; i < 3; i++)
        ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

/* Every text drawn stands out from what it is drawn on by at least `min`
 * (WCAG contrast ratio): the ground is the last rectangle drawn under the
 * text's first pixel, or the frame's clear colour. */
static void check_contrast(Screen_ *s, const char *screen, double min)
{
    for (size_t i = 0; i < s->dl.ncmds; i++) {
        const DlCmd *c = &s->dl.cmds[i];
        if (c->kind != DL_TEXT)
            continue;
        Color ground = s->dl.clear;
        Rect gr = {-100000, -100000, 200000, 200000};
        int px = c->r.x + 1, py = c->r.y + c->size / 2;
        for (size_t j = 0; j < i; j++) {
            const DlCmd *b = &s->dl.cmds[j];
            if (b->kind == DL_RECT && b->color.a == 255 && rect_contains(b->r, px, py)) {
                ground = b->color;
                gr = b->r;
            }
        }
        /* Nothing spills out of the card or button it is drawn on. */
        const char *t = dl_str(&s->dl, c);
        Rect em = {c->r.x, c->r.y + c->size / 4,
                   c->face == FONT_ICON ? c->size : fake_measure_width_of(c->size, t, strlen(t)),
                   c->size};
        Rect in = rect_intersect(em, gr);
        if (in.w < em.w - 2 || in.h < em.h - 2)
            fail_msg("%s: \"%s\" spills out of what it is drawn on (%d,%d %dx%d in %d,%d %dx%d)",
                     screen, t, em.x, em.y, em.w, em.h, gr.x, gr.y, gr.w, gr.h);
        double l1 = lum(c->color), l2 = lum(ground);
        double ratio = (fmax(l1, l2) + 0.05) / (fmin(l1, l2) + 0.05);
        if (ratio < min)
            fail_msg("%s: \"%s\" has contrast %.2f:1 (#%02X%02X%02X on #%02X%02X%02X), under %.1f:1",
                     screen, dl_str(&s->dl, c), ratio, c->color.r, c->color.g, c->color.b,
                     ground.r, ground.g, ground.b, min);
    }
}

/* The longest suggestion the kiosk takes: 500 characters, Chinese with a
 * few Latin words and digits. */
static void long_draft(Screen_ *s)
{
    char *t = s->app->draft.text;
    size_t n = 0;
    static const char *const parts[] = {"电梯坏了，请尽快修理。", "Lift B2 ", "12345 ",
                                        "楼道的灯晚上不亮，老人上下楼很不方便，希望物业能够安排维修。"};
    for (int chars = 0, k = 0; chars < 500; k++) {
        const char *p = parts[k % 4];
        for (const char *q = p; *q && chars < 500;) {
            size_t l = (*q & 0x80) ? ((*q & 0xE0) == 0xC0 ? 2 : (*q & 0xF0) == 0xE0 ? 3 : 4) : 1;
            memcpy(t + n, q, l);
            n += l;
            q += l;
            chars++;
        }
    }
    t[n] = '\0';
    assert_true(n < sizeof s->app->draft.text);
}

/* The review step shows the whole of a 500-character suggestion: dragging
 * its text through the box brings every line into view, in order, whole. */
static void test_review_shows_the_whole_text(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {1280, 800}, {600, 1000}};
    for (size_t z = 0; z < 4; z++)
        for (int large = 0; large < 2; large++) {
            Screen_ s;
            su_start(&s, sizes[z][0], sizes[z][1], NULL);
            s.app->large_text = large;
            assert_int_equal(app_open(s.app, "suggest-review"), 0);
            long_draft(&s);
            su_draw(&s);
            const DlScroll *sc = NULL;
            for (size_t k = 0; k < s.dl.nscrolls; k++)
                if (strcmp(s.dl.scrolls[k].id, "scroll:suggest-review") == 0)
                    sc = &s.dl.scrolls[k];
            assert_non_null(sc);
            Rect vp = sc->viewport;
            /* Collect each line wholly inside the box, by its place in the
             * text (the scroll offset plus its y). */
            static char seen[4096];
            size_t seen_len = 0;
            int last_y = -1000000;
            for (int round = 0; round < 200; round++) {
                int off = s.app->scroll[SCREEN_SUGGEST_REVIEW];
                for (size_t i = 0; i < s.dl.ncmds; i++) {
                    const DlCmd *c = &s.dl.cmds[i];
                    if (c->kind != DL_TEXT || c->face == FONT_ICON ||
                        c->r.x < vp.x || c->r.x >= vp.x + vp.w ||
                        c->r.y + c->size / 4 < vp.y || c->r.y + c->size * 5 / 4 > vp.y + vp.h)
                        continue;
                    int at = c->r.y + off;
                    if (at <= last_y)
                        continue;
                    const char *t = dl_str(&s.dl, c);
                    assert_true(seen_len + strlen(t) < sizeof seen);
                    memcpy(seen + seen_len, t, strlen(t));
                    seen_len += strlen(t);
                    last_y = at;
                }
                int before = s.app->scroll[SCREEN_SUGGEST_REVIEW];
                su_drag(&s, vp.x + vp.w / 2, vp.y + vp.h - 2, -(vp.h / 2), 4);
                if (s.app->scroll[SCREEN_SUGGEST_REVIEW] == before)
                    break;
            }
            seen[seen_len] = '\0';
            /* Lines are cut at breaks: compare without the spaces a line
             * ends or starts with. */
            char want[4096], got[4096];
            size_t wn = 0, gn = 0;
            for (const char *p = s.app->draft.text; *p; p++)
                if (*p != ' ')
                    want[wn++] = *p;
            for (const char *p = seen; *p; p++)
                if (*p != ' ')
                    got[gn++] = *p;
            want[wn] = got[gn] = '\0';
            if (strcmp(want, got) != 0)
                fail_msg("%dx%d%s: the review showed %zu of %zu bytes", sizes[z][0], sizes[z][1],
                         large ? " large" : "", gn, wn);
            su_stop(&s);
        }
}

/* The lines of the draft drawn above the count `count` (texts that are
 * part of the draft); their size in *size, the first's y in *top. */
static int draft_lines(const Screen_ *s, const DlCmd *count, int *size, int *top)
{
    int shown = 0;
    *top = 1 << 30;
    for (size_t i = 0; i < s->dl.ncmds; i++) {
        const DlCmd *c = &s->dl.cmds[i];
        const char *t = dl_str(&s->dl, c);
        if (c->kind != DL_TEXT || c == count || c->r.y > count->r.y + count->size ||
            !t[0] || !strstr(s->app->draft.text, t))
            continue;
        shown++;
        *size = c->size;
        *top = c->r.y < *top ? c->r.y : *top;
    }
    return shown;
}

/* The write step's text box uses its height: a long suggestion shows as
 * many lines as the box holds inside 24 dp insets (8 dp when that makes
 * two lines of one), the count sharing the bottom row (given up only when
 * the last line reaches the count). With A+ in landscape it showed one
 * line of a box that holds two: the count's row was kept free under the
 * text, and over the handwriting pad the insets took the second line. */
static void test_write_box_shows_the_lines_it_holds(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {1280, 800}, {600, 1000},
                                   {1366, 768}};
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++)
        for (int lang = 0; lang < LANG_COUNT; lang++)
            for (int large = 0; large < 2; large++)
                for (int hand = 0; hand < 2; hand++) {
                    Screen_ s;
                    su_start(&s, sizes[z][0], sizes[z][1], NULL);
                    app_set_lang(s.app, (Lang)lang);
                    s.app->large_text = large;
                    assert_int_equal(app_open(s.app, "suggest-write"), 0);
                    su_draw(&s);
                    if (hand)
                        su_tap(&s, "mode:hand");
                    long_draft(&s);
                    char what[96];
                    snprintf(what, sizeof what, "suggest-write %dx%d %s%s%s (a long text)",
                             sizes[z][0], sizes[z][1], lang ? "en" : "zh",
                             large ? " large" : "", hand ? " hand" : "");
                    /* The full text, then 40 shorter lengths: the last line
                     * short and long. */
                    char keep[sizeof s.app->draft.text];
                    memcpy(keep, s.app->draft.text, sizeof keep);
                    size_t len = strlen(keep);
                    int most = 0, least = 1 << 30, rows = 0;
                    for (int cut = 0; cut <= 40 && len > 0; cut++) {
                        keep[len] = '\0';
                        memcpy(s.app->draft.text, keep, len + 1);
                        su_draw(&s);
                        check_overlap(&s, what, sizes[z][1]);   /* the count clear of the text */
                        char want[16];
                        snprintf(want, sizeof want, "%zu/500", utf8_count(keep, len));
                        const DlCmd *count = NULL;
                        for (size_t i = 0; i < s.dl.ncmds; i++)
                            if (s.dl.cmds[i].kind == DL_TEXT &&
                                strcmp(dl_str(&s.dl, &s.dl.cmds[i]), want) == 0)
                                count = &s.dl.cmds[i];
                        assert_non_null(count);
                        int size = 0, top;
                        int shown = draft_lines(&s, count, &size, &top);
                        if (shown < 1)
                            fail_msg("%s: no line of the text shown (%zu bytes)", what, len);
                        /* The box: the smallest rectangle around the first
                         * line and the count. */
                        Rect box = {0, 0, 1 << 20, 1 << 20};
                        for (size_t i = 0; i < s.dl.ncmds; i++) {
                            const DlCmd *c = &s.dl.cmds[i];
                            if (c->kind == DL_RECT && c->r.y <= top &&
                                c->r.y + c->r.h > count->r.y && c->r.x <= count->r.x &&
                                c->r.x + c->r.w > count->r.x &&
                                (int64_t)c->r.w * c->r.h < (int64_t)box.w * box.h)
                                box = c->r;
                        }
                        assert_true(box.w < (1 << 20));
                        int lh = size * 3 / 2;
                        rows = (box.h - 2 * ui_dp(s.app, 24)) / lh;
                        if (rows < 2)   /* a short box: 8 dp insets if that makes two */
                            rows = (box.h - 2 * ui_dp(s.app, 8)) / lh;
                        most = shown > most ? shown : most;
                        least = shown < least ? shown : least;
                        do
                            len--;
                        while (len > 0 && (keep[len] & 0xC0) == 0x80);
                    }
                    if (least < rows - 1 || most < rows)
                        fail_msg("%s: the text box shows %d to %d lines of the %d it holds", what,
                                 least, most, rows);
                    su_stop(&s);
                }
}

/* The size of the first text command that is exactly `s`, or 0. */
static int text_size(const Screen_ *s, const char *t)
{
    for (size_t i = 0; i < s->dl.ncmds; i++)
        if (s->dl.cmds[i].kind == DL_TEXT && strcmp(dl_str(&s->dl, &s->dl.cmds[i]), t) == 0)
            return s->dl.cmds[i].size;
    return 0;
}

/* In English a suggestion starts on the ABC keyboard (letters stay
 * letters), the mode keys say what they are in both languages; in Chinese
 * it starts on pinyin. */
static void test_keyboard_follows_the_language(void **state)
{
    (void)state;
    for (int lang = 0; lang < LANG_COUNT; lang++) {
        Screen_ s;
        su_start(&s, 1920, 1080, NULL);
        su_attach(&s);
        app_set_lang(s.app, (Lang)lang);
        su_tap(&s, "tile:suggest");
        char topic[DL_ID_MAX];
        snprintf(topic, sizeof topic, "topic:%s", s.app->topics[0]);
        su_tap(&s, topic);
        assert_int_equal(app_screen(s.app), SCREEN_SUGGEST_WRITE);
        assert_int_equal(s.app->osk.mode, lang == LANG_EN ? OSK_ABC : OSK_PINYIN);
        su_type(&s, "hi");
        assert_string_equal(app_draft_text(s.app), lang == LANG_EN ? "hi" : "");
        assert_non_null(su_text(&s, "拼音"));
        assert_non_null(su_text(&s, "手写"));
        if (lang == LANG_EN) {
            assert_non_null(su_text(&s, "Pinyin"));
            assert_non_null(su_text(&s, "Hand"));
        }
        su_stop(&s);
    }
}

/* Large text means every text: the keys and the candidates grow too. */
static void test_large_text_grows_the_keyboard(void **state)
{
    (void)state;
    int key[2], cand[2];
    for (int large = 0; large < 2; large++) {
        Screen_ s;
        su_start(&s, 1920, 1080, NULL);
        su_attach(&s);
        s.app->large_text = large;
        assert_int_equal(app_open(s.app, "suggest-write"), 0);
        su_draw(&s);
        su_type(&s, "dianti");
        key[large] = text_size(&s, "q");
        cand[large] = text_size(&s, "电梯");
        assert_true(key[large] > 0 && cand[large] > 0);
        su_stop(&s);
    }
    assert_true(key[1] * 10 >= key[0] * 13);
    assert_true(cand[1] * 10 >= cand[0] * 13);
}

/* Every check of a frame: texts apart and on screen, controls whole and
 * apart, no cut that hides words, contrast. */
static void check_frame(Screen_ *s, const char *what, int w, int h)
{
    check_overlap(s, what, h);
    check_layout(s, what, w, h);
    check_cuts(s, what);
    check_contrast(s, what, 4.5);
}

/* Type a receipt code on the reply screen and look it up. */
static void lookup_code(Screen_ *s, const char *code)
{
    for (const char *c = code; *c; c++) {
        char id[16];
        snprintf(id, sizeof id, "code:%c", *c);
        su_tap(s, id);
    }
    su_tap(s, "code:ok");
    app_settle(s->app);   /* a sealed feed's check: its answer */
    su_draw(s);
}

/* The sample content with the notices, events and board taken out (the
 * empty states), or with six channels. Caller frees. */
static char *variant_json(bool empty, bool six_channels)
{
    json_error_t e;
    json_t *doc = json_load_file("assets/content/sample.json", 0, &e);
    assert_non_null(doc);
    if (empty) {
        json_object_set_new(doc, "notices", json_array());
        json_object_set_new(doc, "events", json_array());
        json_object_set_new(doc, "board", json_array());
        json_object_set_new(doc, "channels", json_array());
    }
    if (six_channels) {
        json_t *ch = json_object_get(doc, "channels");
        json_array_append_new(ch, json_pack("{s:s, s:s, s:{s:s, s:s}, s:s}", "id", "web",
            "kind", "website", "label", "zh", "翠湖花园物业服务网站",
            "en", "Cuihu Garden property services website",
            "url", "https://cuihu-garden.example/services/overview?from=kiosk"));
        json_array_append_new(ch, json_pack("{s:s, s:s, s:{s:s, s:s}, s:s}", "id", "parking",
            "kind", "hotline", "label", "zh", "停车管理热线", "en", "Parking office hotline",
            "url", "tel:4008207788"));
    }
    char *out = json_dumps(doc, 0);
    json_decref(doc);
    assert_non_null(out);
    return out;
}

/* A sealed feed's reply check: the derivation (Argon2id) runs off the UI
 * thread. Right after the tap the screen says it is checking and keeps
 * answering; a tick takes the answer once the thread is done; a check
 * dropped (Clear) or overtaken by new content leaves nothing behind. */
static void type_code(Screen_ *s, const char *code)
{
    for (const char *c = code; *c; c++) {
        char id[16];
        snprintf(id, sizeof id, "code:%c", *c);
        su_tap(s, id);
    }
}

static void test_reply_check_off_the_ui_thread(void **state)
{
    (void)state;
    Screen_ s;
    su_start(&s, 1920, 1080, NULL);
    assert_true(app_content(s.app)->replies_sealed);
    assert_int_equal(app_open(s.app, "reply"), 0);
    su_draw(&s);
    type_code(&s, "7KQ4M2XD");
    su_tap(&s, "code:ok");
    /* The tap returned before the derivation: checking, no reply yet. */
    assert_int_equal(s.app->reply_state, 4);
    assert_non_null(su_text(&s, "正在查询 7KQ4-M2XD 的回复"));
    assert_null(su_text(&s, "您反映的"));
    assert_null(su_text(&s, "还没有"));
    assert_true(app_next_timeout(s.app, s.now) <= REPLY_POLL_MS);
    /* The screen keeps answering meanwhile; a second tap on 查询 starts
     * no second check. */
    su_tap(&s, "code:del");
    assert_non_null(su_text(&s, "7KQ4-M2X_"));
    su_tap(&s, "code:D");
    ContentReplyCheck *job = s.app->reply_job;
    su_tap(&s, "code:ok");
    assert_ptr_equal(s.app->reply_job, job);
    assert_int_equal(s.app->reply_state, 4);
    /* The answer comes with a tick once the thread is done (each tick
     * looks without waiting: spin until it is). */
    while (s.app->reply_state == 4)
        su_wait(&s, 0);
    assert_int_equal(s.app->reply_state, 1);
    assert_null(s.app->reply_job);
    assert_null(su_text(&s, "正在查询"));
    assert_non_null(su_text(&s, "7KQ4-M2XD"));
    assert_non_null(s.app->reply_open);
    assert_string_equal(s.app->reply_open->receipt, "7KQ4M2XD");
    assert_false(app_settle(s.app));   /* nothing left to wait for */

    /* Clear during a check: dropped, nothing comes later. */
    su_tap(&s, "code:clear");
    type_code(&s, "7KQ4M2XD");
    su_tap(&s, "code:ok");
    assert_int_equal(s.app->reply_state, 4);
    su_tap(&s, "code:clear");
    assert_null(s.app->reply_job);
    assert_int_equal(s.app->reply_state, 0);
    assert_false(app_settle(s.app));
    su_wait(&s, 0);
    assert_null(su_text(&s, "正在查询"));
    assert_null(s.app->reply_open);

    /* New content during a check: checked again under the new feed. */
    type_code(&s, "7KQ4M2XD");
    su_tap(&s, "code:ok");
    char err[300];
    Content *c = content_load_file("assets/content/sample.json", err, sizeof err);
    assert_non_null(c);
    app_set_content(s.app, c);
    assert_int_equal(s.app->reply_state, 4);
    assert_true(app_settle(s.app));
    su_draw(&s);
    assert_int_equal(s.app->reply_state, 1);
    assert_non_null(s.app->reply_open);

    /* An unknown code: "no reply yet", by the same way. */
    su_tap(&s, "code:clear");
    type_code(&s, "2345ACDE");
    su_tap(&s, "code:ok");
    assert_int_equal(s.app->reply_state, 4);
    assert_true(app_settle(s.app));
    su_draw(&s);
    assert_int_equal(s.app->reply_state, 2);
    assert_non_null(su_text(&s, "还没有 2345-ACDE 的回复"));

    /* Leaving with a check under way: the App closes cleanly (su_stop). */
    su_tap(&s, "code:clear");
    type_code(&s, "H3TN8WAC");
    su_tap(&s, "code:ok");
    su_stop(&s);
}

static void test_layout_every_screen_size_language(void **state)
{
    (void)state;
    /* The three shapes and windows of odd sizes. */
    static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {1280, 800}, {600, 1000},
                                   {1366, 768}};
    static const char *const screens[] = {
        "home", "notices", "notice:water-cut-20261203", "notice:fee-accounts-2026q3",
        "events", "event:owners-assembly-20261219", "suggest", "suggest-write",
        "suggest-contact", "suggest-review", "suggest-sent", "connect", "reply", "board",
        "staff-pin", "staff", "attract", "night",
    };
    char *empty = variant_json(true, false), *six = variant_json(false, true);
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++)
        for (int lang = 0; lang < LANG_COUNT; lang++)
            for (int large = 0; large < 2; large++)
            for (size_t k = 0; k < sizeof screens / sizeof *screens; k++) {
                Screen_ s;
                su_start(&s, sizes[z][0], sizes[z][1], NULL);
                if (strcmp(screens[k], "home") == 0)
                    su_attach(&s);   /* an outbox: the monthly rating shows */
                app_set_lang(s.app, (Lang)lang);
                s.app->large_text = large;
                assert_int_equal(app_open(s.app, screens[k]), 0);
                if (strcmp(screens[k], "suggest-review") == 0)
                    long_draft(&s);
                su_draw(&s);
                char what[96];
                snprintf(what, sizeof what, "%s %dx%d %s%s", screens[k], sizes[z][0],
                         sizes[z][1], lang ? "en" : "zh", large ? " large" : "");
                check_overlap(&s, what, sizes[z][1]);
                check_layout(&s, screens[k], sizes[z][0], sizes[z][1]);
                check_cuts(&s, what);
                check_contrast(&s, screens[k], 4.5);
                /* The high-contrast theme: 7:1 everywhere. */
                if (su_has_hit(&s, "contrast")) {
                    su_tap(&s, "contrast");
                    check_contrast(&s, screens[k], 7.0);
                    check_layout(&s, screens[k], sizes[z][0], sizes[z][1]);
                    su_tap(&s, "contrast");
                }
                /* The keyboard's other modes, and the contact box. */
                static const char *const extra[] = {"mode:hand", "mode:abc", "mode:123"};
                if (strcmp(screens[k], "suggest-write") == 0) {
                    for (int e = 0; e < 3; e++) {
                        su_tap(&s, extra[e]);
                        check_layout(&s, extra[e], sizes[z][0], sizes[z][1]);
                        check_cuts(&s, extra[e]);
                        check_contrast(&s, extra[e], 4.5);
                    }
                    /* Leaving with text: the dialog. */
                    su_tap(&s, "mode:abc");
                    su_tap(&s, "key:o");
                    su_tap(&s, "back");
                    char w2[128];
                    snprintf(w2, sizeof w2, "%s (the leave dialog)", what);
                    /* Over the page under its veil: its own texts and controls. */
                    check_layout(&s, w2, sizes[z][0], sizes[z][1]);
                    check_cuts(&s, w2);
                }
                if (strcmp(screens[k], "suggest-contact") == 0) {
                    su_tap(&s, "add-contact");
                    check_layout(&s, "contact box", sizes[z][0], sizes[z][1]);
                }
                /* A rating just given: what was recorded, and Change. */
                if (strcmp(screens[k], "home") == 0 && su_has_hit(&s, "rate:4")) {
                    su_tap(&s, "rate:4");
                    char w2[128];
                    snprintf(w2, sizeof w2, "%s (a rating given)", what);
                    check_frame(&s, w2, sizes[z][0], sizes[z][1]);
                    assert_true(su_has_hit(&s, "rate:change"));
                }
                /* A receipt looked up: the office's reply, read whole. */
                if (strcmp(screens[k], "reply") == 0) {
                    static const char *const codes[] = {"7KQ4M2XD", "H3TN8WAC", "D9FX4RPM",
                                                        "2345ACDE"};
                    for (int c = 0; c < 4; c++) {
                        app_open(s.app, "reply");
                        lookup_code(&s, codes[c]);
                        if (c == 0 && lang == 0)
                            assert_non_null(su_text(&s, "5号楼"));   /* the reply is shown */
                        char w2[128];
                        snprintf(w2, sizeof w2, "%s (code %s)", what, codes[c]);
                        check_frame(&s, w2, sizes[z][0], sizes[z][1]);
                    }
                }
                /* Night, blank: the urgent notice alone. */
                if (strcmp(screens[k], "night") == 0) {
                    s.cfg.night_blank = true;
                    su_draw(&s);
                    char w2[128];
                    snprintf(w2, sizeof w2, "%s (blank)", what);
                    check_frame(&s, w2, sizes[z][0], sizes[z][1]);
                }
                /* An urgent notice with a long title, as offices write them:
                 * read whole, and the screen still fits. */
                if (strcmp(screens[k], "home") == 0 || strcmp(screens[k], "attract") == 0 ||
                    strcmp(screens[k], "night") == 0) {
                    Notice *u = (Notice *)notice(&s, "water-cut-20261203");
                    LText keep = u->title;
                    static char zh[] = "停水通知：因市政供水管网改造，12月3日（周四）9:00至17:00全小区临时停水，请提前储水";
                    static char en[] = "Water cut: because of work on the city water main, the whole estate "
                                       "has no water on Thursday 3 December from 9:00 to 17:00";
                    u->title = (LText){zh, en};
                    su_draw(&s);
                    char what2[128];
                    snprintf(what2, sizeof what2, "%s (a long urgent title)", what);
                    check_overlap(&s, what2, sizes[z][1]);
                    check_layout(&s, what2, sizes[z][0], sizes[z][1]);
                    check_cuts(&s, what2);
                    u->title = keep;
                }
                su_stop(&s);
            }
    /* The empty states, and six channels to scan. */
    static const char *const empties[] = {"notices", "events", "board", "connect", "home"};
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++)
        for (int lang = 0; lang < LANG_COUNT; lang++)
            for (int large = 0; large < 2; large++)
                for (size_t k = 0; k <= sizeof empties / sizeof *empties; k++) {
                    bool six_ch = k == sizeof empties / sizeof *empties;
                    Screen_ s;
                    su_start(&s, sizes[z][0], sizes[z][1], six_ch ? six : empty);
                    app_set_lang(s.app, (Lang)lang);
                    s.app->large_text = large;
                    assert_int_equal(app_open(s.app, six_ch ? "connect" : empties[k]), 0);
                    su_draw(&s);
                    char what[96];
                    snprintf(what, sizeof what, "%s %dx%d %s%s", six_ch ? "connect (six)" :
                             empties[k], sizes[z][0], sizes[z][1], lang ? "en" : "zh",
                             large ? " large" : " (empty)");
                    check_frame(&s, what, sizes[z][0], sizes[z][1]);
                    su_stop(&s);
                }
    free(empty);
    free(six);
    if (cuts_found)
        fail_msg("%d texts are cut or hidden (listed above)", cuts_found);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_shows_site_tiles_and_urgent),
        cmocka_unit_test(test_notices_list_filter_detail_back_home),
        cmocka_unit_test(test_detail_scrolls_by_drag_without_tapping),
        cmocka_unit_test(test_idle_returns_home_and_resets_language),
        cmocka_unit_test(test_idle_timeout_is_configurable),
        cmocka_unit_test(test_attract_mode),
        cmocka_unit_test(test_night_schedule),
        cmocka_unit_test(test_attract_urgent_first_longest),
        cmocka_unit_test(test_night_dim_and_blank_differ),
        cmocka_unit_test(test_english_falls_back_to_chinese),
        cmocka_unit_test(test_schedule_change_redraws_and_hides),
        cmocka_unit_test(test_content_swap_leaves_vanished_detail),
        cmocka_unit_test(test_pressed_control_darkens_and_drag_cancels_tap),
        cmocka_unit_test(test_events_grouped),
        cmocka_unit_test(test_open_by_name),
        cmocka_unit_test(test_open_runs_entry_actions),
        cmocka_unit_test(test_review_shows_the_whole_text),
        cmocka_unit_test(test_write_box_shows_the_lines_it_holds),
        cmocka_unit_test(test_keyboard_follows_the_language),
        cmocka_unit_test(test_large_text_grows_the_keyboard),
        cmocka_unit_test(test_reply_check_off_the_ui_thread),
        cmocka_unit_test(test_layout_every_screen_size_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
