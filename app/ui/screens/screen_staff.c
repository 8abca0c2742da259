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
    a->staff.locked_until_ms = 0;
    PinStatus st;
    PinResult r = pin_state(a->pin_path, now_ms / 1000, &st);
    if (r == PIN_LOCKED)
        a->staff.locked_until_ms = now_ms + st.locked_s * 1000;   /* a countdown (pad_view) */
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

/* Whole seconds (rounded up) the pad stays locked; 0 when it is not. */
int64_t app_staff_lock_left_s(const App *a, int64_t now_ms)
{
    int64_t left = a->staff.locked_until_ms - now_ms;
    return a->staff.locked_until_ms > 0 && left > 0 ? (left + 999) / 1000 : 0;
}

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
    int64_t left_s = app_staff_lock_left_s(a, now_ms);
    if (left_s > 0) {
        /* Locked: the time left, counting down each second. */
        char m[300];
        snprintf(m, sizeof m, ui_tr(a, "staff.locked_left"), (int)(left_s / 60),
                 (int)(left_s % 60));
        int mw = a->w - 2 * ui_dp(a, DP_MARGIN);
        ui_para(a, dl, ui_dp(a, DP_MARGIN), y, mw, FONT_BOLD, msz, msz * 3 / 2, COL_URGENT, m);
    } else if (a->staff.msg[0]) {
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
    bool was_locked = app_staff_lock_left_s(a, now_ms) > 0;
    a->staff.msg[0] = '\0';
    a->staff.locked_until_ms = 0;
    /* The audit log in plain words (docs/OPERATIONS.md, "The audit log"). */
    switch (r) {
    case PIN_OK:
        audit_log(a->audit_path, t, "pin", "ok: staff session opened");
        app_go(a, SCREEN_STAFF, now_ms);
        break;
    case PIN_WRONG:
        audit_logf(a->audit_path, t, "pin", "wrong PIN, %d left before the lock",
                   st.attempts_left);
        say(a, true, ui_tr(a, "staff.wrong"), st.attempts_left);
        break;
    case PIN_LOCKED:
        if (was_locked)
            audit_logf(a->audit_path, t, "pin", "refused: the pad is locked for %lld more"
                       " seconds", (long long)st.locked_s);
        else
            audit_logf(a->audit_path, t, "pin", "wrong PIN, the pad is now locked for %lld"
                       " minutes", (long long)(st.locked_s + 59) / 60);
        a->staff.locked_until_ms = now_ms + st.locked_s * 1000;
        break;
    case PIN_NO_PIN:
        audit_log(a->audit_path, t, "pin", "refused: no PIN is set");
        say(a, true, "%s", ui_tr(a, "staff.no_pin"));
        break;
    default:
        audit_logf(a->audit_path, t, "pin", "failed: %s", st.msg);
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

/* A warning as a sentence: staff.flag.CODE, the channel's label and the
 * expiry for a channel's code, and since when. */
static void staff_flag_text(const App *a, const StaffFlag *f, int64_t now_s, char *out,
                            size_t n)
{
    char key[64], when[64], day[48];
    snprintf(key, sizeof key, "staff.flag.%s", f->code);
    const char *t = ui_tr(a, key);
    bool known = strcmp(t, key) != 0;
    size_t len;
    if (!known) {
        len = (size_t)snprintf(out, n, ui_tr(a, "staff.flag.other"), f->code);
    } else if (strcmp(f->code, "pictures_refused") == 0) {
        len = (size_t)snprintf(out, n, t, f->count);
    } else if (strcmp(f->code, "channel_expiring") == 0) {
        const char *label = f->channel;
        for (size_t i = 0; a->content && i < a->content->n_channels; i++)
            if (strcmp(a->content->channels[i].id, f->channel) == 0)
                label = ltext(&a->content->channels[i].label, a->lang);
        ui_fmt_when(a, f->at_s, now_s, when, sizeof when);
        len = (size_t)snprintf(out, n, t, label, when);
    } else {
        len = (size_t)snprintf(out, n, "%s", t);
    }
    ui_fmt_day(a, f->since, now_s, day, sizeof day);
    if (day[0] && len < n)
        snprintf(out + len, n - len, ui_tr(a, "staff.flag_since"), day);
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
    char v[600], when[64], t2[64];
    int64_t now_s = now_ms / 1000;
    if (!in->valid) {
        row(a, dl, x, cy, w, ui_tr(a, "staff.queue"), ui_tr(a, "staff.loading"), COL_TEXT2);
    } else {
        snprintf(v, sizeof v, ui_tr(a, "staff.counts"), (long long)in->waiting,
                 (long long)in->delivered, (long long)in->dead, (long long)in->exported);
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.queue"), v, COL_TEXT);
        if (in->oldest_waiting_days < 0)
            snprintf(v, sizeof v, "%s", ui_tr(a, "staff.none_waiting"));
        else if (in->oldest_waiting_days <= 1)
            snprintf(v, sizeof v, "%s", ui_tr(a, in->oldest_waiting_days == 0
                                              ? "staff.oldest_today" : "staff.oldest_yesterday"));
        else
            snprintf(v, sizeof v, ui_tr(a, "staff.oldest"), in->oldest_waiting_days);
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.oldest_label"), v, COL_TEXT);
        Color uc = COL_TEXT;
        if (in->upload == STAFF_UP_NOT_SET) {
            snprintf(v, sizeof v, "%s", ui_tr(a, "staff.up_not_set"));
        } else if (in->upload == STAFF_UP_BROKEN) {
            snprintf(v, sizeof v, "%s", ui_tr(a, "staff.up_broken"));
            uc = COL_URGENT;
        } else {
            if (in->upload_last_ok_s > 0)
                ui_fmt_when(a, in->upload_last_ok_s, now_s, when, sizeof when);
            else
                snprintf(when, sizeof when, "%s", ui_tr(a, "staff.up_never"));
            size_t len = (size_t)snprintf(v, sizeof v, ui_tr(a, "staff.up_last"), when);
            if (in->upload_next_s > 0 && len < sizeof v) {
                ui_fmt_when(a, in->upload_next_s, now_s, t2, sizeof t2);
                len += (size_t)snprintf(v + len, sizeof v - len, ui_tr(a, "staff.up_next"), t2);
            }
            if (in->upload_failed && len < sizeof v) {
                snprintf(v + len, sizeof v - len, "%s", ui_tr(a, "staff.up_failed"));
                uc = COL_URGENT;
            }
        }
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.upload"), v, uc);
        if (in->content_present) {
            ui_fmt_when(a, in->content_imported_s, now_s, when, sizeof when);
            snprintf(v, sizeof v, ui_tr(a, "staff.content_loaded"), when);
        } else {
            snprintf(v, sizeof v, "%s", ui_tr(a, "staff.content_none"));
        }
        cy = row(a, dl, x, cy, w, ui_tr(a, "staff.content"), v, COL_TEXT);
        ui_fmt_bytes(in->free_disk_bytes, v, sizeof v);
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
            for (int i = 0; i < in->nflags; i++) {
                staff_flag_text(a, &in->flags[i], now_s, v, sizeof v);
                cy = row(a, dl, x, cy, w, i == 0 ? ui_tr(a, "staff.flags") : "", v, COL_URGENT);
            }
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
