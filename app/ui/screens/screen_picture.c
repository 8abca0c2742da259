/* screen_picture.c - a picture full-screen: fitted, zoomed by a double tap,
 * a pinch or the zoom buttons, moved by a finger, with its alt text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* Where the parts go on this screen. */
typedef struct {
    int row_y, row_h;   /* the button row */
    Rect area;          /* the picture's room */
    int cap_y, cap_w, cap_size, hint_size;
    int iw, ih;         /* the picture's own size */
    double fit;         /* screen pixels per picture pixel at zoom 1 */
} PicLayout;

static const ContentImage *owner_images(const App *a, PictureOwner o, const char *item,
                                        size_t *n)
{
    *n = 0;
    if (!a->content)
        return NULL;
    if (o == PIC_NOTICE) {
        const Notice *x = content_find_notice(a->content, item);
        if (x) {
            *n = x->n_images;
            return x->images;
        }
    } else if (o == PIC_EVENT) {
        const Event *x = content_find_event(a->content, item);
        if (x) {
            *n = x->n_images;
            return x->images;
        }
    } else {
        for (size_t i = 0; i < a->content->n_board; i++)
            if (strcmp(a->content->board[i].id, item) == 0) {
                *n = a->content->board[i].n_images;
                return a->content->board[i].images;
            }
    }
    return NULL;
}

const ContentImage *app_picture(const App *a)
{
    size_t n;
    const ContentImage *imgs = owner_images(a, a->picture.owner, a->picture.item, &n);
    if (!imgs || a->picture.index < 0 || (size_t)a->picture.index >= n)
        return NULL;
    return &imgs[a->picture.index];
}

bool app_open_picture(App *a, PictureOwner owner, const char *id, int64_t now_ms)
{
    if (strncmp(id, "image:", 6) != 0)
        return false;
    const char *item = id + 6, *colon = strrchr(item, ':');
    if (!colon || colon == item || (size_t)(colon - item) >= APP_ITEM_ID_MAX)
        return false;
    char *end;
    long index = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || index < 0 || index >= CONTENT_MAX_IMAGES)
        return false;
    char name[APP_ITEM_ID_MAX];
    memcpy(name, item, (size_t)(colon - item));
    name[colon - item] = '\0';
    size_t n;
    const ContentImage *imgs = owner_images(a, owner, name, &n);
    if (!imgs || (size_t)index >= n || !ui_image_ready(a, &imgs[index]))
        return false;
    PictureState *p = &a->picture;
    memset(p, 0, sizeof *p);
    p->owner = owner;
    memcpy(p->item, name, sizeof name);
    p->index = (int)index;
    p->zoom = 1.0;
    p->cx = imgs[index].width / 2.0;
    p->cy = imgs[index].height / 2.0;
    return app_go(a, SCREEN_PICTURE, now_ms);
}

/* ---- geometry ---- */

static const char *hint_text(const App *a)
{
    return ui_tr(a, "image.hint");
}

static void layout(const App *a, const ContentImage *img, PicLayout *L)
{
    int m = ui_dp(a, DP_MARGIN);
    L->row_y = ui_dp(a, DP_HEADER) + ui_dp(a, DP_GAP);
    /* As tall as the back button's two lines need (large text). */
    L->row_h = ui_dp(a, DP_BUTTON_L);
    int two = measure_height(a->tm, FONT_BOLD, ui_ts(a, DP_T_CARD)) +
              measure_height(a->tm, FONT_REGULAR, ui_ts(a, DP_T_SMALL)) + 2 * ui_dp(a, DP_GAP_XS);
    if (a->lang == LANG_ZH && two > L->row_h)
        L->row_h = two;
    int top = L->row_y + L->row_h + ui_dp(a, DP_GAP);
    int bottom = ui_bottom(a);
    /* The alt text under the picture, at most a third of the screen: a
     * long one gets a smaller size, never cut. */
    L->cap_w = a->w - 2 * m;
    if (L->cap_w > ui_dp(a, DP_READ_MAX))
        L->cap_w = ui_dp(a, DP_READ_MAX);
    L->hint_size = ui_ts(a, DP_T_SMALL);
    int hint_h = ui_para_height(a, FONT_REGULAR, L->hint_size, L->hint_size * 3 / 2, L->cap_w,
                                hint_text(a));
    const char *alt = img ? ltext(&img->alt, a->lang) : "";
    int size = ui_ts(a, DP_T_BODY), min = ui_dp(a, DP_T_SMALL) * 4 / 5;
    int cap_h;
    for (;;) {
        cap_h = ui_para_height(a, FONT_REGULAR, size, size * 3 / 2, L->cap_w, alt);
        if (cap_h + hint_h <= (bottom - top) / 3 || size <= min)
            break;
        size -= size / 12 > 0 ? size / 12 : 1;
    }
    L->cap_size = size;
    L->cap_y = bottom - hint_h - ui_dp(a, DP_GAP_XS) - cap_h;
    int area_bottom = L->cap_y - ui_dp(a, DP_GAP);
    if (area_bottom < top + 1)
        area_bottom = top + 1;
    L->area = (Rect){0, top, a->w, area_bottom - top};
    L->iw = img && img->width > 0 ? img->width : 1;
    L->ih = img && img->height > 0 ? img->height : 1;
    double fx = (double)L->area.w / L->iw, fy = (double)L->area.h / L->ih;
    L->fit = fx < fy ? fx : fy;
    if (L->fit > PIC_FIT_UP_MAX)
        L->fit = PIC_FIT_UP_MAX;
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The centre kept where the picture fills the view: a picture narrower
 * than the view stays in its middle, a wider one never shows a gap. */
static void clamp_centre(const PicLayout *L, double zoom, double *cx, double *cy)
{
    double scale = L->fit * zoom;
    double hw = L->area.w / (2 * scale), hh = L->area.h / (2 * scale);
    *cx = L->iw <= 2 * hw ? L->iw / 2.0 : clampd(*cx, hw, L->iw - hw);
    *cy = L->ih <= 2 * hh ? L->ih / 2.0 : clampd(*cy, hh, L->ih - hh);
}

/* Zoom to z keeping the picture's point under the screen point (sx, sy). */
static void zoom_at(App *a, double z, int sx, int sy)
{
    PicLayout L;
    layout(a, app_picture(a), &L);
    PictureState *p = &a->picture;
    double s0 = L.fit * p->zoom;
    double mx = L.area.x + L.area.w / 2.0, my = L.area.y + L.area.h / 2.0;
    double px = p->cx + (sx - mx) / s0, py = p->cy + (sy - my) / s0;
    p->zoom = clampd(z, 1.0, PIC_ZOOM_MAX);
    double s1 = L.fit * p->zoom;
    p->cx = px - (sx - mx) / s1;
    p->cy = py - (sy - my) / s1;
    clamp_centre(&L, p->zoom, &p->cx, &p->cy);
}

/* ---- input ---- */

static void pinch_begin(App *a)
{
    PictureState *p = &a->picture;
    PicLayout L;
    layout(a, app_picture(a), &L);
    clamp_centre(&L, p->zoom, &p->cx, &p->cy);
    double span = hypot(p->x2 - p->x1, p->y2 - p->y1);
    p->pinch_span = span > 1 ? span : 1;
    p->pinch_zoom = p->zoom;
    double s = L.fit * p->zoom;
    double mx = (p->x1 + p->x2) / 2.0, my = (p->y1 + p->y2) / 2.0;
    p->anchor_x = p->cx + (mx - (L.area.x + L.area.w / 2.0)) / s;
    p->anchor_y = p->cy + (my - (L.area.y + L.area.h / 2.0)) / s;
}

/* The picture's point that was under the fingers' midpoint stays under it;
 * the zoom follows the fingers' spread. */
static void pinch_move(App *a)
{
    PictureState *p = &a->picture;
    PicLayout L;
    layout(a, app_picture(a), &L);
    double span = hypot(p->x2 - p->x1, p->y2 - p->y1);
    p->zoom = clampd(p->pinch_zoom * span / p->pinch_span, 1.0, PIC_ZOOM_MAX);
    double s = L.fit * p->zoom;
    double mx = (p->x1 + p->x2) / 2.0, my = (p->y1 + p->y2) / 2.0;
    p->cx = p->anchor_x - (mx - (L.area.x + L.area.w / 2.0)) / s;
    p->cy = p->anchor_y - (my - (L.area.y + L.area.h / 2.0)) / s;
    clamp_centre(&L, p->zoom, &p->cx, &p->cy);
}

static void pan(App *a, int dx, int dy)
{
    PictureState *p = &a->picture;
    PicLayout L;
    layout(a, app_picture(a), &L);
    double s = L.fit * p->zoom;
    clamp_centre(&L, p->zoom, &p->cx, &p->cy);
    p->cx -= dx / s;
    p->cy -= dy / s;
    clamp_centre(&L, p->zoom, &p->cx, &p->cy);
}

/* A tap on the picture: the second of two close in time and place zooms
 * in there, or back out to the whole picture. */
static void picture_tap(App *a, int x, int y, int64_t now_ms)
{
    PictureState *p = &a->picture;
    int near = (int)(TAP_SLOP_DP * 2 * a->dp) + 1;
    if (p->tap_armed && now_ms - p->tap_ms <= PIC_DOUBLE_TAP_MS &&
        abs(x - p->tap_x) <= near && abs(y - p->tap_y) <= near) {
        p->tap_armed = false;
        zoom_at(a, p->zoom > 1.01 ? 1.0 : PIC_ZOOM_TAP, x, y);
        return;
    }
    p->tap_armed = true;
    p->tap_ms = now_ms;
    p->tap_x = x;
    p->tap_y = y;
}

static bool pointer_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    PictureState *p = &a->picture;
    const Input *pt = in->pointer;
    int slop = (int)(TAP_SLOP_DP * a->dp) + 1;
    switch (pt->kind) {
    case IN_DOWN: {
        const char *id = in->frame ? dl_hit_test(in->frame, pt->x, pt->y) : NULL;
        if (!id || strcmp(id, "picture") != 0 || !app_picture(a))
            return false;
        p->tracking = true;
        p->two = p->moved = p->pinched = false;
        p->down_x = p->x1 = pt->x;
        p->down_y = p->y1 = pt->y;
        return true;
    }
    case IN_MOVE:
        if (!p->tracking)
            return false;
        if (p->two) {
            p->x1 = pt->x;
            p->y1 = pt->y;
            pinch_move(a);
            return true;
        }
        if (!p->moved && abs(pt->x - p->down_x) <= slop && abs(pt->y - p->down_y) <= slop)
            return true;
        p->moved = true;
        pan(a, pt->x - p->x1, pt->y - p->y1);
        p->x1 = pt->x;
        p->y1 = pt->y;
        return true;
    case IN_UP:
        if (!p->tracking)
            return false;
        p->tracking = p->two = false;
        if (!p->moved && !p->pinched)
            picture_tap(a, pt->x, pt->y, now_ms);
        else
            p->tap_armed = false;
        return true;
    case IN_DOWN2:
        if (!p->tracking)
            return false;
        p->two = p->pinched = true;
        p->tap_armed = false;
        p->x2 = pt->x;
        p->y2 = pt->y;
        pinch_begin(a);
        return true;
    case IN_MOVE2:
        if (!p->two)
            return false;
        p->x2 = pt->x;
        p->y2 = pt->y;
        pinch_move(a);
        return true;
    case IN_UP2:
        if (!p->two)
            return false;
        p->two = false;
        p->moved = true;   /* the finger left pans from where it is */
        return true;
    }
    return false;
}

static bool picture_input(App *a, const ScreenInput *in, int64_t now_ms)
{
    if (in->pointer)
        return pointer_input(a, in, now_ms);
    if (!app_picture(a))
        return false;
    PicLayout L;
    layout(a, app_picture(a), &L);
    int mx = L.area.x + L.area.w / 2, my = L.area.y + L.area.h / 2;
    if (strcmp(in->id, "picture:zoom_in") == 0) {
        zoom_at(a, a->picture.zoom < 1.99 ? 2.0 : PIC_ZOOM_MAX, mx, my);
        return true;
    }
    if (strcmp(in->id, "picture:zoom_out") == 0) {
        zoom_at(a, a->picture.zoom > 2.01 ? 2.0 : 1.0, mx, my);
        return true;
    }
    return strcmp(in->id, "picture") == 0;   /* a tap goes through the pointer */
}

static bool picture_enter(App *a, int64_t now_ms)
{
    (void)now_ms;
    return app_picture(a) != NULL;
}

static void picture_forget(App *a)
{
    memset(&a->picture, 0, sizeof a->picture);
}

/* ---- view ---- */

/* The large back button: 返回 with "Back" small under it in Chinese. */
static void back_button(const App *a, DrawList *dl, Rect r)
{
    bool down = ui_pressed(a, "back");
    dl_rect(dl, r, down ? COL_PRIMARY_DOWN : COL_PRIMARY);
    int size = ui_ts(a, DP_T_CARD), ssz = ui_ts(a, DP_T_SMALL);
    int isz = size * 5 / 4, gap = ui_dp(a, DP_GAP_S);
    const char *zh = ui_tr(a, "image.back");
    bool sub = a->lang == LANG_ZH;
    int lw = ui_width(a, FONT_BOLD, size, zh);
    int sw = sub ? ui_width(a, FONT_REGULAR, ssz, "Back") : 0;
    int tw = lw > sw ? lw : sw;
    int x = r.x + (r.w - isz - gap - tw) / 2;
    dl_text(dl, x, r.y + (r.h - measure_height(a->tm, FONT_ICON, isz)) / 2, FONT_ICON, isz,
            COL_ON_PRIMARY, ICON_ARROW_BACK, -1);
    x += isz + gap;
    int th = measure_height(a->tm, FONT_BOLD, size);
    int sh = sub ? measure_height(a->tm, FONT_REGULAR, ssz) : 0;
    int y = r.y + (r.h - th - sh) / 2;
    dl_text(dl, x + (tw - lw) / 2, y, FONT_BOLD, size, COL_ON_PRIMARY, zh, -1);
    if (sub)
        dl_text(dl, x + (tw - sw) / 2, y + th, FONT_REGULAR, ssz, COL_ON_PRIMARY, "Back", -1);
    dl_hit(dl, r, "back");
}

static int back_width(const App *a)
{
    int size = ui_ts(a, DP_T_CARD);
    int w = ui_width(a, FONT_BOLD, size, ui_tr(a, "image.back")) + size * 5 / 4 +
            ui_dp(a, DP_GAP_S) + 2 * ui_dp(a, DP_GAP_XL);
    return w > ui_dp(a, 280) ? w : ui_dp(a, 280);   /* the large back button: one-off */
}

/* Back on the left; zoom out, zoom in and home on the right (the zoom
 * buttons lose their words when the row is too narrow for them). */
static void button_row(const App *a, DrawList *dl, const PicLayout *L)
{
    int m = ui_dp(a, DP_MARGIN), gap = ui_dp(a, DP_GAP), h = L->row_h, y = L->row_y;
    int bw = back_width(a);
    back_button(a, dl, (Rect){m, y, bw, h});
    int size = ui_ts(a, DP_T_BODY);
    const char *home = ui_tr(a, "nav.home");
    int hw = ui_width(a, FONT_BOLD, size, home) + ui_dp(a, DP_NAV_PAD);
    if (hw < ui_dp(a, DP_NAV_W))
        hw = ui_dp(a, DP_NAV_W);
    const char *zin = ui_tr(a, "image.zoom_in"), *zout = ui_tr(a, "image.zoom_out");
    int pad = size * 5 / 4 + ui_dp(a, 72);   /* icon, its gap and the sides: one-off */
    int win = ui_width(a, FONT_BOLD, size, zin) + pad;
    int wout = ui_width(a, FONT_BOLD, size, zout) + pad;
    bool words = m + bw + gap * 4 + wout + win + hw + m <= a->w;
    if (!words)
        win = wout = h;
    int x = a->w - m - hw;
    ui_button(a, dl, (Rect){x, y, hw, h}, "home", ICON_HOME, home, false);
    x -= gap + win;
    ui_button(a, dl, (Rect){x, y, win, h}, "picture:zoom_in", ICON_ZOOM_IN, words ? zin : "",
              false);
    x -= gap + wout;
    ui_button(a, dl, (Rect){x, y, wout, h}, "picture:zoom_out", ICON_ZOOM_OUT,
              words ? zout : "", false);
}

/* The scale a zoom step's picture is decoded at (its size in tw x th):
 * step times the fitted size, never more than its own pixels or
 * PIC_TEX_MAX_PIXELS. */
static double decode_scale(const PicLayout *L, double step, int *tw, int *th)
{
    double ts = L->fit * step;
    if (ts > 1.0)
        ts = 1.0;
    double px = (double)L->iw * L->ih * ts * ts;
    if (px > PIC_TEX_MAX_PIXELS)
        ts *= sqrt(PIC_TEX_MAX_PIXELS / px);
    *tw = (int)lround(L->iw * ts);
    *th = (int)lround(L->ih * ts);
    *tw = *tw < 1 ? 1 : *tw;
    *th = *th < 1 ? 1 : *th;
    return (double)*tw / L->iw;
}

static void picture_view(const App *a, DrawList *dl, int64_t now_ms)
{
    ui_header(a, dl, now_ms / 1000);
    const ContentImage *img = app_picture(a);
    PicLayout L;
    layout(a, img, &L);
    button_row(a, dl, &L);
    if (!img || !ui_image_ready(a, img)) {
        ui_empty(a, dl, L.row_y + L.row_h, ICON_BROKEN_IMAGE, ui_tr(a, "image.gone"),
                 ui_tr(a, "image.gone_hint"));
        return;
    }
    const PictureState *p = &a->picture;
    double zoom = clampd(p->zoom, 1.0, PIC_ZOOM_MAX), cx = p->cx, cy = p->cy;
    clamp_centre(&L, zoom, &cx, &cy);
    double scale = L.fit * zoom;
    /* Decoded once at the size the zoom needs (the whole picture at 1x, 2x
     * or 4x its fitted size; never more than its own pixels or
     * PIC_TEX_MAX_PIXELS), so a zoomed scan shows the file's own detail;
     * the renderer keeps it as a texture while the zoom stays in its step. */
    double step = zoom <= 1.0 ? 1.0 : zoom <= 2.0 ? 2.0 : 4.0;
    int tw, th;
    double ts = decode_scale(&L, step, &tw, &th);
    /* A 4x step that the cap leaves with barely more pixels than the 2x
     * one shows the 2x pixels (kept, no second large decode: RSS). */
    if (step > 2.0) {
        int w2, h2;
        double ts2 = decode_scale(&L, 2.0, &w2, &h2);
        if ((double)tw * th < PIC_STEP_MIN_GAIN * w2 * h2) {
            ts = ts2;
            tw = w2;
            th = h2;
        }
    }
    /* The part of the picture in view, in the picture's pixels, then in the
     * decoded one's. */
    double mx = L.area.x + L.area.w / 2.0, my = L.area.y + L.area.h / 2.0;
    double x0 = clampd(cx - L.area.w / (2 * scale), 0, L.iw);
    double x1 = clampd(cx + L.area.w / (2 * scale), 0, L.iw);
    double y0 = clampd(cy - L.area.h / (2 * scale), 0, L.ih);
    double y1 = clampd(cy + L.area.h / (2 * scale), 0, L.ih);
    Rect src = {(int)floor(x0 * ts), (int)floor(y0 * ts), 0, 0};
    src.w = (int)ceil(x1 * ts) - src.x;
    src.h = (int)ceil(y1 * ts) - src.y;
    if (src.x + src.w > tw) src.w = tw - src.x;
    if (src.y + src.h > th) src.h = th - src.y;
    src.w = src.w < 1 ? 1 : src.w;
    src.h = src.h < 1 ? 1 : src.h;
    /* Where that part lands on the screen. */
    int dx0 = (int)lround(mx + (src.x / ts - cx) * scale);
    int dy0 = (int)lround(my + (src.y / ts - cy) * scale);
    int dx1 = (int)lround(mx + ((src.x + src.w) / ts - cx) * scale);
    int dy1 = (int)lround(my + ((src.y + src.h) / ts - cy) * scale);
    Rect dst = {dx0, dy0, dx1 - dx0, dy1 - dy0};
    /* A neutral ground, so a white page shows its edges. */
    dl_rect(dl, L.area, COL_PHOTO);
    dl_clip(dl, L.area);
    dl_image(dl, dst, img->sha256, tw, th, src);
    dl_unclip(dl);
    dl_hit(dl, L.area, "picture");
    /* The alt text and how to zoom. */
    int cx0 = (a->w - L.cap_w) / 2;
    int y = L.cap_y;
    y += ui_para_center(a, dl, cx0, y, L.cap_w, FONT_REGULAR, L.cap_size, L.cap_size * 3 / 2,
                        COL_TEXT, ltext(&img->alt, a->lang));
    y += ui_dp(a, DP_GAP_XS);
    ui_para_center(a, dl, cx0, y, L.cap_w, FONT_REGULAR, L.hint_size, L.hint_size * 3 / 2,
                   COL_TEXT2, hint_text(a));
}

const Screen screen_picture = {.name = "picture", .enter = picture_enter,
                               .on_input = picture_input, .view = picture_view,
                               .forget = picture_forget};
