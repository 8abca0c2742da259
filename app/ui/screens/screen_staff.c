/* screen_staff.c - staff mode: the PIN pad and the panel with its actions. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "audit.h"
#include "pin.h"
#include "ui.h"


static void say(App *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(App *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->staff.msg, sizeof a->staff.msg, fmt, ap);
    va_end(ap);
    a->staff.msg_error = error;
}

/* The pad opens empty, and tells staff at once when it is locked or has
 * no PIN yet. */
static bool pad_enter(App *a, int64_t now_ms)
{
    app_wipe(a->staff.pin, sizeof a->staff.pin);
    a->staff.msg[0] = '\0';
    a->staff.quit = false;
    PinStatus st;
    PinResult r = pin_state(a->pin_path, now_ms / 1000, &st);
    if (r == PIN_LOCKED)
        say(a, true, ui_tr(a, "staff.locked"), (int)((st.locked_s + 59) / 60));
    else if (r == PIN_NO_PIN)
        say(a, true, "%s", ui_tr(a, "staff.no_pin"));
    return true;
}

/* Home and back sign staff out. */
static bool sign_out(App *a, const char *id, int64_t now_ms)
{
    if (strcmp(id, "home") != 0 && strcmp(id, "back") != 0)
        return false;
    app_staff_sign_out(a, "signed out", now_ms);
    return true;
}

/* ---- the PIN pad ---- */

static void pad_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int y = ui_header(a, dl, now_ms / 1000);
    y = ui_titlebar(a, dl, y, ui_tr(a, "staff.pin_title"));
    int key = ui_dp(a, DP_TOUCH + DP_GAP_XS), gap = ui_dp(a, DP_GAP);
    int w = 3 * key + 2 * gap;
    int x0 = (a->w - w) / 2;
    /* The digits typed, as dots. */
    int n = (int)strlen(a->staff.pin);
    int dot = ui_dp(a, 28);   /* a PIN digit's dot: one-off */
    Rect box = {x0, y + ui_dp(a, DP_GAP_XS), w, ui_dp(a, 80) /* the PIN box: one-off */};
    dl_rect(dl, box, COL_CARD);
    dl_frame(dl, box, COL_PRIMARY, ui_dp(a, DP_RULE));
    int dx = box.x + (box.w - (n * dot + (n - 1) * dot / 2)) / 2;
    for (int i = 0; i < n; i++)
        dl_rect(dl, (Rect){dx + i * (dot * 3 / 2), box.y + (box.h - dot) / 2, dot, dot}, COL_TEXT);
    y = box.y + box.h + ui_dp(a, DP_GAP_S);
    int msz = ui_ts(a, DP_T_SMALL);
    if (a->staff.msg[0]) {
        int mw = a->w - 2 * ui_dp(a, DP_MARGIN);
        ui_para(a, dl, ui_dp(a, DP_MARGIN), y, mw, FONT_BOLD, msz, msz * 3 / 2,
                a->staff.msg_error ? COL_URGENT : COL_CAT_ACCOUNTS, a->staff.msg);
    }
    y += msz * 3 + ui_dp(a, DP_GAP_XS);
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9",
                                         "clear", "0", "del"};
    for (int i = 0; i < 12; i++) {
        Rect r = {x0 + (i % 3) * (key + gap), y + (i / 3) * (key + gap), key, key};
        char id[16];
        snprintf(id, sizeof id, "pin:%s", keys[i]);
        const char *label = i == 9 ? ui_tr(a, "staff.clear") : keys[i];
        if (i == 11)
            ui_button(a, dl, r, id, ICON_BACKSPACE, "", false);
        else
            ui_button(a, dl, r, id, NULL, label, false);
    }
    int oy = y + 4 * (key + gap);
    ui_button(a, dl, (Rect){x0, oy, w, ui_dp(a, 100) /* one-off */}, "pin:ok", ICON_LOCK_OPEN,
              ui_tr(a, "staff.sign_in"), true);
}

static void try_pin(App *a, int64_t now_ms)
{
    PinStatus st;
    int64_t t = now_ms / 1000;
    PinResult r = pin_check(a->pin_path, a->staff.pin, t, &st);
    app_wipe(a->staff.pin, sizeof a->staff.pin);
    audit_log(a->audit_path, t, "staff sign-in", pin_result_name(r));
    switch (r) {
    case PIN_OK:
        app_go(a, SCREEN_STAFF, now_ms);
        break;
    case PIN_WRONG:
        say(a, true, ui_tr(a, "staff.wrong"), st.attempts_left);
        break;
    case PIN_LOCKED:
        say(a, true, ui_tr(a, "staff.locked"), (int)((st.locked_s + 59) / 60));
        break;
    case PIN_NO_PIN:
        say(a, true, "%s", ui_tr(a, "staff.no_pin"));
        break;
    default:
        say(a, true, "%s", ui_tr(a, "staff.pin_error"));
        break;
    }
}

static bool pad_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return false;
    if (sign_out(a, id, now_ms))
        return true;
    if (strncmp(id, "pin:", 4) != 0)
        return false;
    const char *k = id + 4;
    size_t n = strlen(a->staff.pin);
    if (k[0] >= '0' && k[0] <= '9' && !k[1]) {
        if (n + 1 < sizeof a->staff.pin && n < PIN_MAX_DIGITS) {
            a->staff.pin[n] = k[0];
            a->staff.pin[n + 1] = '\0';
        }
    } else if (strcmp(k, "del") == 0) {
        if (n > 0)
            a->staff.pin[n - 1] = '\0';
    } else if (strcmp(k, "clear") == 0) {
        app_wipe(a->staff.pin, sizeof a->staff.pin);
    } else if (strcmp(k, "ok") == 0) {
        try_pin(a, now_ms);
    }
    return true;
}

const Screen screen_staff_pin = {.name = "staff-pin", .root = true, .enter = pad_enter,
                                 .on_input = pad_input, .view = pad_view};

/* ---- the panel ---- */

/* One labelled line of the panel; returns the next y. */
static int row(const App *a, DrawList *dl, int x, int y, int w, const char *label,
               const char *value, Color vc)
{
    int sz = ui_ts(a, DP_T_SMALL + 2);
    int lw = ui_dp(a, 260);   /* the label column: one-off */
    dl_text(dl, x, y, FONT_BOLD, sz, COL_TEXT2, label, -1);
    int h = ui_para(a, dl, x + lw, y, w - lw, FONT_REGULAR, sz, sz * 3 / 2, vc, value);
    return y + (h > sz * 3 / 2 ? h : sz * 3 / 2) + ui_dp(a, DP_BADGE_PAD);
}

/* Signed in: the panel's figures come fresh from the kiosk. */
static bool panel_enter(App *a, int64_t now_ms)
{
    a->staff.msg[0] = '\0';
    a->staff.info.valid = false;
    return true;
}

static void panel_view(const App *a, DrawList *dl, int64_t now_ms)
{
    int y = ui_header(a, dl, now_ms / 1000);
    y = ui_titlebar(a, dl, y, ui_tr(a, "staff.title"));
    int m = ui_dp(a, DP_MARGIN);
    bool portrait = a->w < a->h;
    int aw = portrait ? a->w - 2 * m : ui_dp(a, 520);   /* the button column: one-off */
    int iw = portrait ? a->w - 2 * m : a->w - 3 * m - aw;
    const StaffInfo *in = &a->staff.info;
    Rect card = {m, y, iw, portrait ? ui_dp(a, 640) /* one-off */ : ui_bottom(a) - y};
    ui_card(a, dl, card, NULL);
    int x = card.x + ui_dp(a, DP_GAP_XL), w = card.w - ui_dp(a, 2 * DP_GAP_XL);
    int cy = card.y + ui_dp(a, DP_PAD_LIST);
    char v[400];
    if (!in->valid) {
        row(a, dl, x, cy, w, ui_tr(a, "staff.queue"), ui_tr(a, "staff.loading"), COL_TEXT2);
    } else {
        snprintf(v, sizeof v, ui_tr(a, "staff.counts"), (long long)in->waiting,
                 (long long)in->delivered, (long long)in->dead, (long long)in->exported);
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.queue"), v, COL_TEXT);
        if (in->oldest_waiting_days >= 0)
            snprintf(v, sizeof v, ui_tr(a, "staff.oldest"), in->oldest_waiting_days);
        else
            snprintf(v, sizeof v, "%s", ui_tr(a, "staff.none_waiting"));
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.oldest_label"), v, COL_TEXT);
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.upload"), in->upload, COL_TEXT);
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.content"), in->content, COL_TEXT);
        if (in->free_disk_mb >= 0)
            snprintf(v, sizeof v, "%lld MB", (long long)in->free_disk_mb);
        else
            snprintf(v, sizeof v, "?");
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.disk"), v, COL_TEXT);
        /* The night schedule is intended: said plainly, not as a warning. */
        if (a->cfg->night_start_min >= 0 && a->cfg->night_end_min >= 0 &&
            a->cfg->night_start_min != a->cfg->night_end_min)
            snprintf(v, sizeof v, ui_tr(a, a->cfg->night_blank ? "staff.night_blank" : "staff.night_dim"),
                     a->cfg->night_start_min / 60, a->cfg->night_start_min % 60,
                     a->cfg->night_end_min / 60, a->cfg->night_end_min % 60);
        else
            snprintf(v, sizeof v, "%s", ui_tr(a, "staff.night_off"));
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.screen"), v, COL_TEXT);
        if (in->nflags == 0) {
            row(a, dl, x, cy, w, ui_tr(a, "staff.flags"), ui_tr(a, "staff.no_flags"),
                COL_CAT_ACCOUNTS);
        } else {
            for (int i = 0; i < in->nflags; i++)
                cy = row(a, dl, x, cy, w, i == 0 ? ui_tr(a, "staff.flags") : "", in->flags[i],
                         COL_URGENT);
        }
    }
    /* Actions. */
    int ax = portrait ? m : card.x + card.w + m;
    int ay = portrait ? card.y + card.h + m : y;
    int bh = ui_dp(a, DP_TOUCH + DP_GAP_XS), gap = ui_dp(a, DP_GAP);
    static const char *const ids[] = {"staff:upload", "staff:export", "staff:reload",
                                      "staff:lang", "staff:quit"};
    static const char *const keys[] = {"staff.upload_now", "staff.export", "staff.reload",
                                       "staff.default_lang", "staff.quit"};
    int cols = portrait ? 2 : 1;
    int bw = (aw - (cols - 1) * gap) / cols;
    for (int i = 0; i < 5; i++) {
        char label[160];
        if (i == 3)
            snprintf(label, sizeof label, ui_tr(a, keys[i]),
                     a->default_lang == LANG_ZH ? "中文" : "English");
        else if (i == 4 && a->staff.quit)
            snprintf(label, sizeof label, "%s", ui_tr(a, "staff.quit_confirm"));
        else
            snprintf(label, sizeof label, "%s", ui_tr(a, keys[i]));
        Rect r = {ax + (i % cols) * (bw + gap), ay + (i / cols) * (bh + gap), bw, bh};
        ui_button(a, dl, r, ids[i], NULL, label, i == 1);
    }
    if (a->staff.msg[0]) {
        int rows = (5 + cols - 1) / cols;
        int my = ay + rows * (bh + gap);
        int sz = ui_ts(a, DP_T_SMALL), lh = sz * 3 / 2;
        /* Under five stacked buttons (landscape) a long result, such as an
         * export's bundle path, has a few lines at most: as many as fit
         * above the bottom margin, the last one ellipsized. */
        int pad = (lh - measure_height(a->tm, FONT_BOLD, sz)) / 2;
        ui_para_clamped(a, dl, ax, my, aw, FONT_BOLD, sz, lh, pad,
                        a->staff.msg_error ? COL_URGENT : COL_CAT_ACCOUNTS, a->staff.msg,
                        (ui_bottom(a) - my) / lh);
    }
}

static bool panel_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    const char *id = in->id;
    if (!id)
        return false;
    if (sign_out(a, id, now_ms))
        return true;
    if (strncmp(id, "staff:", 6) != 0)
        return false;
    const char *act = id + 6;
    if (strcmp(act, "quit") != 0)
        a->staff.quit = false;
    if (strcmp(act, "upload") == 0) {
        a->staff.req = STAFF_REQ_UPLOAD;
        say(a, false, "%s", ui_tr(a, "staff.working"));
    } else if (strcmp(act, "export") == 0) {
        a->staff.req = STAFF_REQ_EXPORT;
        say(a, false, "%s", ui_tr(a, "staff.working"));
    } else if (strcmp(act, "reload") == 0) {
        a->staff.req = STAFF_REQ_RELOAD;
        say(a, false, "%s", ui_tr(a, "staff.working"));
    } else if (strcmp(act, "lang") == 0) {
        a->default_lang = a->default_lang == LANG_ZH ? LANG_EN : LANG_ZH;
        a->staff.req = STAFF_REQ_LANG;
    } else if (strcmp(act, "quit") == 0) {
        if (!a->staff.quit) {
            a->staff.quit = true;           /* a second tap confirms */
            say(a, false, "%s", ui_tr(a, "staff.quit_ask"));
        } else {
            a->staff.req = STAFF_REQ_QUIT;
        }
    }
    return true;
}

const Screen screen_staff = {.name = "staff", .root = true, .enter = panel_enter,
                             .on_input = panel_input, .view = panel_view};
