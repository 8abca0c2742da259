/* screen_suggest.c - the anonymous suggestion flow: topic, write, contact,
 * review, sent; and its dialogs (leave?, still there?, apology). */
#include <stdio.h>
#include <string.h>
#include "osk.h"
#include "outbox.h"
#include "ratelimit.h"
#include "textclean.h"
#include "timeutil.h"
#include "ui.h"


/* The keyboard a suggestion is written on: pinyin in Chinese, ABC in
 * English (English letters must not turn into Chinese candidates). */
static OskMode writing_mode(const App *a)
{
    return a->lang == LANG_EN ? OSK_ABC : OSK_PINYIN;
}

/* ---- the flow's navigation ---- */

/* Home and back in the flow: leaving a step with text on it asks first. */
static bool flow_nav(App *a, const char *id)
{
    if (strcmp(id, "home") == 0) {
        if (app_draft_has_text(a)) {
            a->draft.dialog = DIALOG_CONFIRM_LEAVE;
            a->draft.leave_home = true;
        } else {
            app_home(a);
        }
        return true;
    }
    if (strcmp(id, "back") != 0)
        return false;
    bool here = (a->screen == SCREEN_SUGGEST_WRITE && a->draft.text[0]) ||
                (a->screen == SCREEN_SUGGEST_CONTACT && a->draft.contact[0]);
    if (here) {
        a->draft.dialog = DIALOG_CONFIRM_LEAVE;
        a->draft.leave_home = false;
    } else if (a->screen == SCREEN_SUGGEST_CONTACT && a->draft.with_contact) {
        a->draft.with_contact = false;   /* back to the two choices */
    } else {
        app_back(a);
        if (a->screen == SCREEN_SUGGEST_WRITE)
            a->osk.mode = writing_mode(a);
    }
    return true;
}

/* The handwriting pad follows the finger: the keyboard takes a touch that
 * lands on its pad, and the moves and the lift after it. */
static OskTarget text_target(App *a);
static OskTarget contact_target(App *a);

static bool pad_input(App *a, const ScreenInput *in)
{
    const Input *p = in->pointer;
    OskTarget t = a->screen == SCREEN_SUGGEST_CONTACT ? contact_target(a) : text_target(a);
    switch (p->kind) {
    case IN_DOWN:
        return osk_pad_down(&a->osk, in->frame, p->x, p->y, &t);
    case IN_MOVE:
        osk_pad_move(&a->osk, p->x, p->y);
        return true;
    case IN_UP:
        osk_pad_up(&a->osk, p->x, p->y);
        return true;
    case IN_DOWN2:   /* a second finger (a palm) writes nothing */
    case IN_MOVE2:
    case IN_UP2:
        return false;
    }
    return false;
}

static OskTarget text_target(App *a)
{
    return (OskTarget){a->draft.text, sizeof a->draft.text, DRAFT_MAX_CHARS};
}

static OskTarget contact_target(App *a)
{
    return (OskTarget){a->draft.contact, sizeof a->draft.contact, DRAFT_CONTACT_CHARS};
}

/* The keyboard's area on screen (bottom, full width; taller for 手写). */
static Rect kb_area(const App *a)
{
    /* At most 60 % of the window above the bottom margin: the text box
     * keeps a line or more (the 1080x1920 standee: 1,003 px of 1,824). */
    int h = osk_height_for(&a->osk, a->dp, a->large_text ? 1.4 : 1.0, a->w,
                           ui_bottom(a) * 60 / 100);
    return (Rect){0, ui_bottom(a) - h, a->w, h};
}

static int bar_width(const App *a)
{
    int pad = ui_dp(a, DP_GAP_S);
    int w = a->w - 2 * pad;
    int max = ui_dp(a, 1500);   /* the keyboard no wider: one-off */
    return w < max ? w : max;
}

/* ---- topic ---- */

/* A new suggestion starts from nothing, unless too many were sent in a
 * short time: then a dialog says so and the flow does not open. */
static bool topic_enter(App *a, int64_t now_ms)
{
    app_draft_wipe(a);
    if (rl_wait_ms(&a->rl, now_ms) > 0) {
        a->draft.dialog = DIALOG_LIMITED;
        return false;
    }
    return true;
}

static void topic_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int y = ui_header(a, dl, now_ms / 1000);
    y = ui_titlebar(a, dl, y, ui_tr(a, "suggest.title"));
    int m = ui_dp(a, DP_MARGIN);
    int size = ui_ts(a, DP_T_BODY);
    if (a->suggest_paused) {
        /* Said at once, not after the resident has written it all. */
        dl_text(dl, m, y + ui_dp(a, DP_GAP_XS), FONT_BOLD, ui_ts(a, DP_T_BODY + 8), COL_TEXT,
                ui_tr(a, "suggest.paused_title"), -1);
        ui_para(a, dl, m, y + ui_dp(a, DP_TOUCH), a->w - 2 * m, FONT_REGULAR, size, size * 3 / 2,
                COL_TEXT2, ui_tr(a, "suggest.paused_body"));
        return;
    }
    dl_text(dl, m, y + ui_dp(a, DP_GAP_XS), FONT_REGULAR, size, COL_TEXT2,
            ui_tr(a, "suggest.topic_prompt"), -1);
    y += ui_dp(a, 72);   /* the prompt's row: one-off */
    bool portrait = a->w < a->h;
    int cols = portrait ? 2 : 4;
    int gap = ui_dp(a, DP_GAP_L);
    int n = a->ntopics;
    int rows = (n + cols - 1) / cols;
    int bw = (a->w - 2 * m - (cols - 1) * gap) / cols;
    int avail = ui_bottom(a) - y - ui_dp(a, 140);   /* room for the promise under them */
    int bh = rows ? (avail - (rows - 1) * gap) / rows : 0;
    if (bh > ui_dp(a, 200))   /* a topic button no taller: one-off */
        bh = ui_dp(a, 200);
    for (int i = 0; i < n; i++) {
        char id[DL_ID_MAX], key[64];
        snprintf(id, sizeof id, "topic:%s", a->topics[i]);
        snprintf(key, sizeof key, "topic.%s", a->topics[i]);
        Rect r = {m + (i % cols) * (bw + gap), y + (i / cols) * (bh + gap), bw, bh};
        ui_button(a, dl, r, id, NULL, ui_tr(a, key), false);
    }
    /* The promise, in plain words, under the choices. */
    int ny = y + rows * (bh + gap) + ui_dp(a, DP_GAP_XS);
    ui_para(a, dl, m, ny, a->w - 2 * m, FONT_REGULAR, ui_ts(a, DP_T_SMALL),
            ui_ts(a, DP_T_SMALL) * 3 / 2, COL_TEXT2, ui_tr(a, "suggest.anonymous_note"));
}

static bool topic_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return false;
    if (flow_nav(a, id))
        return true;
    if (strncmp(id, "topic:", 6) != 0 || a->suggest_paused)
        return false;
    for (int i = 0; i < a->ntopics; i++)
        if (strcmp(id + 6, a->topics[i]) == 0) {
            snprintf(a->draft.topic, sizeof a->draft.topic, "%s", a->topics[i]);
            a->osk.mode = writing_mode(a);
            app_go(a, SCREEN_SUGGEST_WRITE, now_ms);
            return true;
        }
    return false;
}

const Screen screen_suggest = {.name = "suggest", .enter = topic_enter, .on_input = topic_input,
                               .view = topic_view};

/* ---- write (and the contact box, which uses the same layout) ---- */

/* The text box with its live count and a caret; shows the end of the text
 * when it is longer than the box. */
static void text_box(const App *a, DrawList *dl, Rect r, const char *text, size_t max,
                     const char *placeholder)
{
    dl_rect(dl, r, COL_CARD);
    dl_frame(dl, r, COL_PRIMARY, ui_dp(a, DP_RULE_BOLD));
    int pad = ui_dp(a, DP_GAP_L);
    int size = ui_ts(a, DP_T_BODY + 4);
    int lh = size * 3 / 2;
    int csz = ui_ts(a, DP_T_SMALL);
    int count_h = measure_height(a->tm, FONT_REGULAR, csz);
    int inner_w = r.w - 2 * pad;
    size_t chars = utf8_count(text, strlen(text));
    char count[32];
    snprintf(count, sizeof count, "%zu/%zu", chars, max);
    int cw = ui_width(a, FONT_REGULAR, csz, count);
    /* Low in the corner (8 dp from the frame), under the text's last row. */
    int count_y = r.y + r.h - ui_dp(a, DP_GAP_XS) - count_h;
    if (!text[0]) {
        dl_text(dl, r.x + pad, r.y + pad, FONT_REGULAR, size, COL_TEXT2, placeholder, -1);
    } else {
        TlLines lines = {0};
        int n = tl_wrap(a->tm, FONT_REGULAR, size, text, strlen(text), inner_w, &lines);
        /* The text has the whole box; the count takes the bottom right
         * corner, so the bottom row is given up only when the last line
         * (and the caret) would run into it. A box that would hold one
         * line (A+ over the handwriting pad) trades its top and bottom
         * inset, down to 8 dp, for a second. With A+ at 1920x1080 the box
         * holds two lines this way, not one, over either keyboard. */
        int top = pad;
        int fit = (r.h - 2 * pad) / lh;
        int tight = (r.h - 2 * ui_dp(a, DP_GAP_XS)) / lh;
        if (fit < 2 && tight > fit) {
            fit = tight;
            top = (r.h - fit * lh) / 2;
        }
        if (fit < 1)
            fit = 1;
        int first = n > fit ? n - fit : 0;
        int cx = r.x + pad + (n > 0 ? lines.lines[n - 1].width : 0) + ui_dp(a, DP_RULE);
        /* A trailing newline or space puts the caret after it. */
        if (text[strlen(text) - 1] == ' ')
            cx += ui_width(a, FONT_REGULAR, size, " ");
        int text_h = measure_height(a->tm, FONT_REGULAR, size);
        if (n - first > 1 && r.y + top + (n - 1 - first) * lh + text_h > count_y &&
            cx + ui_dp(a, 4) + ui_dp(a, DP_GAP) > r.x + r.w - pad - cw)
            first++;
        for (int i = first; i < n; i++)
            dl_text(dl, r.x + pad, r.y + top + (i - first) * lh, FONT_REGULAR, size, COL_TEXT,
                    text + lines.lines[i].start, (int)lines.lines[i].len);
        int cy = r.y + top + (n - 1 - first) * lh;
        /* The caret: 4 dp wide, 6 dp short of the line at each end. */
        dl_rect(dl, (Rect){cx, cy + ui_dp(a, 6), ui_dp(a, 4), lh - ui_dp(a, 12)}, COL_PRIMARY);
        tl_lines_free(&lines);
    }
    dl_text(dl, r.x + r.w - pad - cw, count_y, FONT_REGULAR, csz,
            chars >= max ? COL_URGENT : COL_TEXT2, count, -1);
}

/* The text box and a primary button beside it (landscape) or under it. */
static void edit_area(const App *a, DrawList *dl, int y, const char *text, size_t max,
                      const char *placeholder, const char *btn_id, const char *btn_label,
                      bool enabled)
{
    int m = ui_dp(a, DP_MARGIN);
    Rect kb = kb_area(a);
    int gap = ui_dp(a, DP_GAP);
    bool portrait = a->w < a->h;
    int bw = ui_dp(a, 300) /* one-off */, bh = ui_dp(a, DP_TOUCH);
    Rect box, btn;
    if (portrait) {
        box = (Rect){m, y, a->w - 2 * m, kb.y - y - bh - 2 * gap};
        btn = (Rect){a->w - m - bw, box.y + box.h + gap, bw, bh};
    } else {
        box = (Rect){m, y, a->w - 3 * m - bw, kb.y - y - gap};
        btn = (Rect){a->w - m - bw, y, bw, box.h < ui_dp(a, 160) ? box.h : ui_dp(a, 160) /* one-off */};
    }
    text_box(a, dl, box, text, max, placeholder);
    if (enabled) {
        ui_button(a, dl, btn, btn_id, ICON_CHEVRON, btn_label, true);
    } else {
        /* Shown but inert until there is text: grey, no hit region. */
        dl_rect(dl, btn, COL_PRESSED);
        int size = ui_ts(a, DP_T_BODY);
        int tw = ui_width(a, FONT_BOLD, size, btn_label);
        dl_text(dl, btn.x + (btn.w - tw) / 2,
                btn.y + (btn.h - measure_height(a->tm, FONT_BOLD, size)) / 2, FONT_BOLD, size,
                COL_TEXT2, btn_label, -1);
    }
    const char *pressed = a->down && !a->dragging ? a->press_id : NULL;
    OskLook look = {a->tm, a->dp, app_theme(a), a->i18n, a->lang, a->large_text ? 1.4 : 1.0,
                    a->screen == SCREEN_SUGGEST_CONTACT};   /* 123 there: a phone's keypad */
    osk_view(&a->osk, dl, &look, kb, pressed);
}

static bool has_words(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\n')
            return true;
    return false;
}

static void write_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int y = ui_header(a, dl, now_ms / 1000);
    char title[128], key[64];
    snprintf(key, sizeof key, "topic.%s", a->draft.topic);
    snprintf(title, sizeof title, "%s · %s", ui_tr(a, "suggest.write_title"), ui_tr(a, key));
    y = ui_titlebar(a, dl, y, title);
    edit_area(a, dl, y, a->draft.text, DRAFT_MAX_CHARS, ui_tr(a, "suggest.placeholder"),
              "next", ui_tr(a, "suggest.next"), has_words(a->draft.text));
}

static bool write_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return pad_input(a, in);
    if (flow_nav(a, id))
        return true;
    if (strcmp(id, "next") == 0) {
        OskTarget t = text_target(a);
        osk_commit_pending(&a->osk, &t);   /* the character written last goes in */
        if (has_words(a->draft.text))
            app_go(a, SCREEN_SUGGEST_CONTACT, now_ms);
        return true;
    }
    OskTarget t = text_target(a);
    a->osk.text_scale = a->large_text ? 1.4 : 1.0;   /* as the frame was drawn */
    return osk_press(&a->osk, id, &t, a->tm, a->dp, bar_width(a));
}

const Screen screen_suggest_write = {.name = "suggest-write", .on_input = write_input,
                                     .view = write_view};

/* ---- contact (optional) ---- */

/* From the text to the contact: the composition goes, and the keyboard
 * opens on digits (contacts are mostly phone and room numbers). */
static bool contact_enter(App *a, int64_t now_ms)
{
    osk_wipe_composition(&a->osk);
    a->osk.mode = OSK_SYM;
    return true;
}

static void contact_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int y = ui_header(a, dl, now_ms / 1000);
    y = ui_titlebar(a, dl, y, ui_tr(a, "suggest.contact_title"));
    int m = ui_dp(a, DP_MARGIN);
    if (!a->draft.with_contact) {
        int w = a->w - 2 * m;
        y += ui_dp(a, DP_GAP);
        y += ui_para(a, dl, m, y, w, FONT_REGULAR, ui_ts(a, DP_T_BODY), ui_ts(a, DP_T_BODY * 3 / 2), COL_TEXT,
                     ui_tr(a, "suggest.contact_ask"));
        y += ui_dp(a, DP_GAP_XL);
        int bh = ui_dp(a, 140);   /* the suggested choice, larger: one-off */
        ui_button(a, dl, (Rect){m, y, w, bh}, "anonymous", NULL,
                  ui_tr(a, "suggest.stay_anonymous"), true);
        y += bh + ui_dp(a, DP_GAP_XL);
        ui_button(a, dl, (Rect){m, y, w, ui_dp(a, DP_BUTTON_L)}, "add-contact", NULL,
                  ui_tr(a, "suggest.add_contact"), false);
        return;
    }
    /* The warning, plainly, above the box. */
    int wsz = ui_ts(a, DP_T_SMALL + 2);
    int wy = y;
    dl_text(dl, m, wy, FONT_ICON, wsz * 5 / 4, COL_URGENT, ICON_WARNING, -1);
    y += ui_para(a, dl, m + wsz * 3 / 2, wy, a->w - 2 * m - wsz * 3 / 2, FONT_BOLD, wsz,
                 wsz * 3 / 2, COL_URGENT, ui_tr(a, "suggest.contact_warning"));
    y += ui_dp(a, DP_GAP_S);
    edit_area(a, dl, y, a->draft.contact, DRAFT_CONTACT_CHARS,
              ui_tr(a, "suggest.contact_placeholder"), "next", ui_tr(a, "suggest.next"),
              has_words(a->draft.contact));
}

static bool contact_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return pad_input(a, in);
    if (flow_nav(a, id))
        return true;
    if (strcmp(id, "anonymous") == 0) {
        a->draft.with_contact = false;
        a->draft.contact[0] = '\0';
        app_go(a, SCREEN_SUGGEST_REVIEW, now_ms);
        return true;
    }
    if (strcmp(id, "add-contact") == 0) {
        a->draft.with_contact = true;
        return true;
    }
    if (strcmp(id, "next") == 0) {
        OskTarget t = contact_target(a);
        osk_commit_pending(&a->osk, &t);
        if (has_words(a->draft.contact)) {
            osk_wipe_composition(&a->osk);
            app_go(a, SCREEN_SUGGEST_REVIEW, now_ms);
        }
        return true;
    }
    if (!a->draft.with_contact)
        return false;
    OskTarget t = contact_target(a);
    a->osk.text_scale = a->large_text ? 1.4 : 1.0;   /* as the frame was drawn */
    return osk_press(&a->osk, id, &t, a->tm, a->dp, bar_width(a));
}

const Screen screen_suggest_contact = {.name = "suggest-contact", .enter = contact_enter,
                                       .on_input = contact_input, .view = contact_view};

/* ---- review and send ---- */

static void review_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int y = ui_header(a, dl, now_ms / 1000);
    y = ui_titlebar(a, dl, y, ui_tr(a, "suggest.review_title"));
    int m = ui_dp(a, DP_MARGIN);
    int bh = ui_dp(a, DP_BUTTON_L);
    int bottom = ui_bottom(a) - bh - ui_dp(a, DP_GAP_L);
    Rect card = {m, y, a->w - 2 * m, bottom - y};
    ui_card(a, dl, card, NULL);
    int pad = ui_dp(a, DP_PAD_TILE);
    int x = card.x + pad, w = card.w - 2 * pad;
    int ssz = ui_ts(a, DP_T_SMALL), bsz = ui_ts(a, DP_T_BODY + 4);
    int cy = card.y + pad;
    char key[64], line[600];
    snprintf(key, sizeof key, "topic.%s", a->draft.topic);
    snprintf(line, sizeof line, "%s %s", ui_tr(a, "suggest.topic_label"), ui_tr(a, key));
    dl_text(dl, x, cy, FONT_BOLD, ssz, COL_PRIMARY, line, -1);
    cy += ssz * 2;
    /* The contact (or the anonymity promise) sits at the card's foot. */
    int foot = ssz * 3 / 2 * 2 + ui_dp(a, DP_GAP_L);
    /* The whole text, scrolled by a drag when it is longer than the room:
     * the resident checks every word before sending. */
    Rect vp = {x, cy, w, card.y + card.h - pad - foot - cy};
    int tw = w - ui_dp(a, DP_GUTTER);
    int text_h = ui_para_height(a, FONT_REGULAR, bsz, bsz * 3 / 2, tw, a->draft.text);
    int max = text_h > vp.h ? text_h - vp.h : 0;
    int off = a->scroll[SCREEN_SUGGEST_REVIEW] < max ? a->scroll[SCREEN_SUGGEST_REVIEW] : max;
    dl_clip(dl, vp);
    ui_para(a, dl, x, cy - off, tw, FONT_REGULAR, bsz, bsz * 3 / 2, COL_TEXT, a->draft.text);
    dl_unclip(dl);
    ui_scrollbar(a, dl, vp, text_h, off);
    dl_scroll(dl, vp, text_h, "scroll:suggest-review");
    int fy = card.y + card.h - pad - foot + ui_dp(a, DP_GAP_L);
    dl_rect(dl, (Rect){x, fy - ui_dp(a, DP_GAP), w, ui_dp(a, DP_RULE)}, COL_BORDER);
    if (a->draft.contact[0]) {
        snprintf(line, sizeof line, "%s %s", ui_tr(a, "suggest.contact_label"), a->draft.contact);
        ui_line(a, dl, x, fy, w, FONT_BOLD, ssz, COL_URGENT, line);
        ui_line(a, dl, x, fy + ssz * 3 / 2, w, FONT_REGULAR, ssz, COL_TEXT2,
                ui_tr(a, "suggest.not_anonymous"));
    } else {
        ui_line(a, dl, x, fy, w, FONT_BOLD, ssz, COL_CAT_ACCOUNTS, ui_tr(a, "suggest.is_anonymous"));
    }
    int bw = (a->w - 2 * m - ui_dp(a, DP_GAP_XL)) / 2;
    int by = ui_bottom(a) - bh;
    ui_button(a, dl, (Rect){m, by, bw, bh}, "edit", ICON_ARROW_BACK, ui_tr(a, "suggest.edit"),
              false);
    ui_button(a, dl, (Rect){a->w - m - bw, by, bw, bh}, "send", NULL, ui_tr(a, "suggest.send"),
              true);
}

static void send(App *a, int64_t now_ms);

static bool review_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return false;
    if (flow_nav(a, id))
        return true;
    if (strcmp(id, "edit") == 0) {
        /* Straight back to the text, keeping everything. */
        while (a->screen != SCREEN_SUGGEST_WRITE && a->depth > 0)
            app_back(a);
        a->osk.mode = writing_mode(a);
        return true;
    }
    if (strcmp(id, "send") == 0) {
        send(a, now_ms);
        return true;
    }
    return false;
}

const Screen screen_suggest_review = {.name = "suggest-review", .on_input = review_input,
                                      .view = review_view};

/* Commit the draft to the outbox; on success the thank-you page. */
static void send(App *a, int64_t now_ms)
{
    if (!a->outbox || a->suggest_paused) {
        a->draft.dialog = DIALOG_COMMIT_FAILED;
        return;
    }
    /* The token is spent only when the suggestion is really saved. */
    if (rl_wait_ms(&a->rl, now_ms) > 0) {
        a->draft.dialog = DIALOG_LIMITED;
        return;
    }
    char receipt[OUTBOX_RECEIPT_SIZE], err[200];
    OutboxResult r = outbox_push(a->outbox, a->draft.topic, a->draft.text,
                                 a->draft.contact[0] ? a->draft.contact : NULL,
                                 a->lang == LANG_EN ? "en" : "zh", now_ms / 1000, receipt, err,
                                 sizeof err);
    switch (r) {
    case OUTBOX_OK: {
        /* Committed: only now the thank-you page; the draft is wiped. */
        rl_take(&a->rl, now_ms);
        app_draft_wipe(a);
        snprintf(a->draft.receipt, sizeof a->draft.receipt, "%s", receipt);
        app_go(a, SCREEN_SUGGEST_SENT, now_ms);
        return;
    }
    case OUTBOX_FULL:
        a->draft.dialog = DIALOG_QUEUE_FULL;
        return;
    default:
        /* Never log the text; the error message carries none of it. */
        fprintf(stderr, "kiosk: a suggestion could not be saved: %s\n", err);
        a->draft.dialog = DIALOG_COMMIT_FAILED;
        return;
    }
}

/* ---- sent ---- */

/* The tracking address for a receipt from the configured template. */
static bool tracking_url(const App *a, char *out, size_t n)
{
    const char *t = a->cfg->tracking_url, *at = strstr(t, "{receipt}");
    if (!t[0] || !at || !a->draft.receipt[0])
        return false;
    snprintf(out, n, "%.*s%s%s", (int)(at - t), t, a->draft.receipt, at + strlen("{receipt}"));
    return true;
}

static void sent_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int y = ui_header(a, dl, now_ms / 1000);
    int m = ui_dp(a, DP_MARGIN);
    char url[CONFIG_PATH_MAX + 16];
    bool qr = tracking_url(a, url, sizeof url);
    bool side = qr && a->w > a->h;          /* the code beside the text */
    int colw = side ? a->w * 3 / 5 : a->w;  /* the text column */
    int w = colw - 2 * m;
    int isz = ui_dp(a, DP_ICON_L);
    int tsz = ui_ts(a, DP_T_TITLE);
    int ssz = ui_ts(a, DP_T_BODY);
    int csz = ui_dp(a, 88);   /* the receipt code, larger than a headline: one-off */
    int pw = w < ui_dp(a, DP_READ_MAX) ? w : ui_dp(a, DP_READ_MAX);
    const char *next = ui_tr(a, "suggest.next_steps");
    int bh = ui_dp(a, DP_BUTTON_L);
    /* What the page needs; when it does not fit (large text on a wide,
     * low screen) the check mark goes and the gaps close up, so the button
     * never covers the words. */
    int need = ui_dp(a, DP_PAD_CARD) + isz + ui_dp(a, DP_GAP_L) +
               ui_para_height(a, FONT_BOLD, tsz, tsz * 4 / 3, w, ui_tr(a, "suggest.thanks")) +
               tsz * 2 / 3 + ssz * 2 + csz * 3 / 2 + ui_dp(a, DP_GAP_XXL) +
               ui_para_height(a, FONT_REGULAR, ssz, ssz * 3 / 2, pw, next) +
               ui_dp(a, DP_GAP_XXL) + bh;
    bool tight = !(qr && !side) && y + need > ui_bottom(a);
    if (!tight) {
        y += ui_dp(a, DP_PAD_CARD);
        int iw = ui_width(a, FONT_ICON, isz, ICON_CHECK_CIRCLE);
        dl_text(dl, (colw - iw) / 2, y, FONT_ICON, isz, COL_CAT_ACCOUNTS, ICON_CHECK_CIRCLE, -1);
        y += isz + ui_dp(a, DP_GAP_L);
    } else {
        y += ui_dp(a, DP_GAP_L);
    }
    y += ui_para_center(a, dl, m, y, w, FONT_BOLD, tsz, tsz * 4 / 3, COL_TEXT,
                        ui_tr(a, "suggest.thanks"));
    y += tight ? tsz / 3 : tsz * 2 / 3;
    const char *rl = ui_tr(a, "suggest.receipt_label");
    int lw = ui_width(a, FONT_REGULAR, ssz, rl);
    dl_text(dl, (colw - lw) / 2, y, FONT_REGULAR, ssz, COL_TEXT2, rl, -1);
    y += ssz * 2;
    char code[OUTBOX_RECEIPT_SIZE];
    outbox_format_receipt(a->draft.receipt, code);
    int cw = ui_width(a, FONT_BOLD, csz, code);
    Rect box = {(colw - cw) / 2 - ui_dp(a, DP_GAP_XXL), y, cw + ui_dp(a, 2 * DP_GAP_XXL),
                csz * 3 / 2};
    dl_rect(dl, box, COL_CARD);
    dl_frame(dl, box, COL_PRIMARY, ui_dp(a, DP_RULE_BOLD));
    dl_text(dl, box.x + ui_dp(a, DP_GAP_XXL), box.y + (box.h - measure_height(a->tm, FONT_BOLD, csz)) / 2,
            FONT_BOLD, csz, COL_PRIMARY, code, -1);
    int qtop = y;
    y += box.h + ui_dp(a, tight ? DP_GAP_L : DP_GAP_XXL);
    /* Where to follow it up: this kiosk's "Check a reply", with the code above. */
    y += ui_para(a, dl, (colw - pw) / 2, y, pw, FONT_REGULAR, ssz, ssz * 3 / 2, COL_TEXT, next);
    if (qr) {
        int qside = ui_dp(a, side ? DP_QR : 260);
        if (side)
            ui_qr_block(a, dl, colw, qtop - ui_dp(a, 60) /* level with the code's label */, a->w - colw - m, qside, url,
                        ui_tr(a, "connect.scan_track"));
        else
            y += ui_dp(a, DP_GAP_L) + ui_qr_block(a, dl, m, y + ui_dp(a, DP_GAP_L), w, qside, url,
                                            ui_tr(a, "connect.scan_track"));
    }
    int bw = ui_dp(a, 420) /* one-off */;
    int by = y + ui_dp(a, tight ? DP_GAP_L : DP_GAP_XXL);
    if (by + bh > ui_bottom(a))
        by = ui_bottom(a) - bh;
    ui_button(a, dl, (Rect){(colw - bw) / 2, by, bw, bh}, "done", ICON_HOME,
              ui_tr(a, "suggest.done"), true);
}

static bool sent_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    if (!in->id || strcmp(in->id, "done") != 0)
        return false;
    a->draft.receipt[0] = '\0';
    app_go(a, SCREEN_HOME, now_ms);
    return true;
}

const Screen screen_suggest_sent = {.name = "suggest-sent", .root = true, .on_input = sent_input,
                                    .view = sent_view};

/* ---- dialogs over the flow ---- */

static void dialog(const App *a, DrawList *dl, const char *title, const char *body,
                   const char *id1, const char *label1, const char *id2, const char *label2)
{
    dl_rect(dl, (Rect){0, 0, a->w, a->h}, COL_SCRIM);
    int m = ui_dp(a, DP_MARGIN);
    int w = a->w - 4 * m < ui_dp(a, DP_READ_MAX) ? a->w - 4 * m : ui_dp(a, DP_READ_MAX);
    int pad = ui_dp(a, DP_PAD_CARD);
    int tsz = ui_ts(a, DP_T_TITLE), bsz = ui_ts(a, DP_T_BODY);
    int bh = ui_dp(a, DP_BUTTON_H);
    int body_h = ui_para_height(a, FONT_REGULAR, bsz, bsz * 3 / 2, w - 2 * pad, body);
    int h = pad + tsz * 3 / 2 + ui_dp(a, DP_GAP) + body_h + ui_dp(a, DP_GAP_XXL) + bh + pad;
    Rect r = {(a->w - w) / 2, (a->h - h) / 2, w, h};
    dl_rect(dl, r, COL_CARD);
    dl_frame(dl, r, COL_BORDER, ui_dp(a, DP_RULE));
    int y = r.y + pad;
    ui_line(a, dl, r.x + pad, y, w - 2 * pad, FONT_BOLD, tsz, COL_TEXT, title);
    y += tsz * 3 / 2 + ui_dp(a, DP_GAP);
    y += ui_para(a, dl, r.x + pad, y, w - 2 * pad, FONT_REGULAR, bsz, bsz * 3 / 2, COL_TEXT, body);
    y += ui_dp(a, DP_GAP_XXL);
    int gap = ui_dp(a, DP_GAP_L);
    if (id2) {
        int bw = (w - 2 * pad - gap) / 2;
        ui_button(a, dl, (Rect){r.x + pad, y, bw, bh}, id2, NULL, label2, false);
        ui_button(a, dl, (Rect){r.x + pad + bw + gap, y, bw, bh}, id1, NULL, label1, true);
    } else {
        ui_button(a, dl, (Rect){r.x + pad, y, w - 2 * pad, bh}, id1, NULL, label1, true);
    }
}

static void dialog_view(const App *a, DrawList *dl, int64_t now_ms)
{
    /* Dialog controls replace the screen's: drop the hit regions under it. */
    dl_drop_hits(dl);
    switch (a->draft.dialog) {
    case DIALOG_CONFIRM_LEAVE:
        dialog(a, dl, ui_tr(a, "suggest.leave_title"), ui_tr(a, "suggest.leave_body"),
               "dialog:keep", ui_tr(a, "suggest.keep_writing"), "dialog:discard",
               ui_tr(a, "suggest.discard"));
        break;
    case DIALOG_STILL_THERE: {
        char body[300];
        int64_t left = (a->draft.still_deadline_ms - now_ms + 999) / 1000;
        snprintf(body, sizeof body, ui_tr(a, "suggest.still_body"), (int)(left > 0 ? left : 0));
        dialog(a, dl, ui_tr(a, "suggest.still_title"), body, "dialog:keep",
               ui_tr(a, "suggest.still_here"), NULL, NULL);
        break;
    }
    case DIALOG_COMMIT_FAILED:
        dialog(a, dl, ui_tr(a, "suggest.failed_title"), ui_tr(a, "suggest.failed_body"),
               "dialog:retry", ui_tr(a, "suggest.retry"), "dialog:keep", ui_tr(a, "suggest.later"));
        break;
    case DIALOG_LIMITED: {
        char body[300];
        RateLimit rl = a->rl;   /* rl_wait_ms updates its own bookkeeping */
        int64_t mins = (rl_wait_ms(&rl, now_ms) + 59999) / 60000;
        snprintf(body, sizeof body, ui_tr(a, "suggest.limited_body"), (int)(mins > 0 ? mins : 1));
        dialog(a, dl, ui_tr(a, "suggest.limited_title"), body, "dialog:ok",
               ui_tr(a, "suggest.ok"), NULL, NULL);
        break;
    }
    case DIALOG_QUEUE_FULL:
        dialog(a, dl, ui_tr(a, "suggest.full_title"), ui_tr(a, "suggest.full_body"),
               "dialog:ok", ui_tr(a, "suggest.ok"), NULL, NULL);
        break;
    default:
        break;
    }
}

static bool dialog_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return false;
    AppDialog was = a->draft.dialog;
    if (strcmp(id, "dialog:keep") == 0) {
        a->draft.dialog = DIALOG_NONE;
    } else if (strcmp(id, "dialog:discard") == 0) {
        if (a->draft.leave_home) {
            app_draft_wipe(a);
            app_go(a, SCREEN_HOME, now_ms);
        } else if (a->screen == SCREEN_SUGGEST_CONTACT) {
            /* Only the contact goes: back to the two choices. */
            app_wipe(a->draft.contact, sizeof a->draft.contact);
            a->draft.with_contact = false;
            a->draft.dialog = DIALOG_NONE;
            osk_wipe_composition(&a->osk);
        } else {
            app_draft_wipe(a);
            if (a->depth > 0)
                app_back(a);
        }
    } else if (strcmp(id, "dialog:retry") == 0) {
        a->draft.dialog = DIALOG_NONE;
        send(a, now_ms);
    } else if (strcmp(id, "dialog:ok") == 0) {
        a->draft.dialog = DIALOG_NONE;
        if (was == DIALOG_LIMITED && a->screen == SCREEN_SUGGEST && !app_draft_has_text(a))
            app_go(a, SCREEN_HOME, now_ms);
    } else {
        return false;
    }
    return true;
}

/* Not in the table: drawn over the flow while a->draft.dialog is set. */
const Screen screen_suggest_dialog = {.name = "dialog", .on_input = dialog_input,
                                      .view = dialog_view};
