/* ui.h - drawing helpers shared by the screens: header, buttons, text. */
#ifndef UI_H
#define UI_H

#include "app_priv.h"
#include "textlayout.h"
#include "theme.h"

/* A view's colours are those of the App it draws (theme.h). */
#define VIEW_THEME app_theme(a)

/* dp to pixels for this screen (never below 1 for non-zero values). */
int ui_dp(const App *a, double dp);
/* A text size in dp to pixels: dp scaled, and 1.4x in large-text mode. */
int ui_ts(const App *a, double dp);
/* A user-interface string in the current language. */
const char *ui_tr(const App *a, const char *key);
/* The bottom of the usable area (the lowest 5 % is left empty). */
int ui_bottom(const App *a);

/* The header bar: community name, date and time, language toggle.
 * Returns its height in pixels. */
int ui_header(const App *a, DrawList *dl, int64_t now_s);
/* The back / title / home row of inner screens, at y. Returns its bottom. */
int ui_titlebar(const App *a, DrawList *dl, int y, const char *title);

/* Whether the control `id` is being pressed right now (draw it darker). */
bool ui_pressed(const App *a, const char *id);

/* A filled button with centred label (and optional icon before it). */
void ui_button(const App *a, DrawList *dl, Rect r, const char *id,
               const char *icon, const char *label, bool primary);
/* A white card with a border; pressed cards darken. */
void ui_card(const App *a, DrawList *dl, Rect r, const char *id);
/* A small coloured badge with white text; returns its width. */
int ui_badge(const App *a, DrawList *dl, int x, int y, Color bg,
             const char *icon, const char *label);

/* The width ui_badge would draw. */
int ui_badge_width(const App *a, const char *icon, const char *label);
/* One line of text cut with "…" to fit w. Returns the width drawn. */
int ui_line(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
            int size_px, Color c, const char *s);
/* As ui_line, for a preview of what one tap opens whole (a list card's
 * summary): the only kind of text that may be cut (DL_F_PREVIEW). */
int ui_line_preview(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
                    int size_px, Color c, const char *s);
/* Wrapped text, `line_h` px per line; draws only lines that intersect the
 * current clip (if any). Returns the block's height. */
int ui_para(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
            int size_px, int line_h, Color c, const char *s);
/* As ui_para, each line centred in w. */
int ui_para_center(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
                   int size_px, int line_h, Color c, const char *s);
/* At most max_lines wrapped lines of s at x, `pad` px down in each line_h
 * line, the last one cut with "…" when s is longer: a preview
 * (DL_F_PREVIEW), never for what must be read whole. Returns the height
 * drawn. */
int ui_para_clamped(const App *a, DrawList *dl, int x, int y, int w, FontFace face,
                    int size_px, int line_h, int pad, Color c, const char *s, int max_lines);
/* An empty state, the same on every screen: a large grey icon, a bold
 * line saying what is missing and a sentence saying what happens next or
 * what to do, centred in a column at most DP_READ_MAX wide. ui_empty
 * draws it below the title bar at y; ui_empty_block in a column at x, y, w
 * and returns its height. */
void ui_empty(const App *a, DrawList *dl, int y, const char *icon, const char *title,
              const char *hint);
int ui_empty_block(const App *a, DrawList *dl, int x, int y, int w, const char *icon,
                   const char *title, const char *hint);
/* The largest size from size_px down to min_px at which s fits in w. */
int ui_fit_size(const App *a, FontFace face, int size_px, int min_px, int w, const char *s);
/* Height ui_para would use, without drawing. */
int ui_para_height(const App *a, FontFace face, int size_px, int line_h,
                   int w, const char *s);
/* Text width in pixels. */
int ui_width(const App *a, FontFace face, int size_px, const char *s);

/* A vertical scroll indicator for a viewport showing content_h pixels. */
void ui_scrollbar(const App *a, DrawList *dl, Rect viewport, int content_h,
                  int offset);

/* Dates in the current language: "12月1日 星期二" / "Tue 1 Dec". */
void ui_fmt_date(const App *a, int64_t t, bool weekday, char *buf, size_t n);
/* "10:00" */
void ui_fmt_time(int64_t t, char *buf, size_t n);
/* "12月1日 10:00–11:30" or across days with both dates. */
void ui_fmt_range(const App *a, int64_t start, int64_t end, char *buf, size_t n);
/* A moment relative to now_s, as people say it: "今天 09:12" / "Today 09:12",
 * "昨天 18:40" / "Yesterday 18:40", "明天 00:00" / "Tomorrow 00:00", else
 * the date and time ("12月3日 09:12" / "3 Dec 09:12"). */
void ui_fmt_when(const App *a, int64_t t, int64_t now_s, char *buf, size_t n);
/* A local date (YYYY-MM-DD) relative to now_s: "今天" / "today", "昨天" /
 * "yesterday", else the date; "" when it cannot be read. */
void ui_fmt_day(const App *a, const char *ymd, int64_t now_s, char *buf, size_t n);
/* A size as people read it: "1.2 GB", "350 MB", "12 KB" (1024-based,
 * one decimal under 10). */
void ui_fmt_bytes(int64_t bytes, char *buf, size_t n);

/* A category's colour in the App's theme. */
Color ui_category_color(const App *a, Category c);

/* What to print under a code: a phone number without "tel:", an https
 * address without "https://" (a phone's browser adds it), else the URL. */
const char *ui_shown_address(const char *url);
/* Modules a side of the QR code the renderer draws for payload (error
 * correction M, without the quiet zone): an upper bound (byte mode; the
 * encoder may pack digits tighter), so a box of (this + 2 * DL_QR_QUIET)
 * x N pixels gives every module at least N pixels. */
int ui_qr_modules(const char *payload);

/* A QR code of `payload` (side x side px, centred in w) with an optional
 * caption and the address as text under it. Returns the height used. */
int ui_qr_block(const App *a, DrawList *dl, int x, int y, int w, int side, const char *payload,
                const char *caption);

/* A notice's or event's detail: one card of readable width (body lines of
 * about 30 Chinese characters at most), scrolled by `off` in the viewport
 * from y to the bottom. Drawn in order: ui_detail_begin (the clip and the
 * card; returns the y of its content), what the screen shows, then
 * ui_detail_title, ui_detail_body and ui_detail_end where it needs them. */
typedef struct {
    Rect vp;          /* the scrolled viewport */
    int off;          /* its scroll offset */
    int cx, cw, top;  /* the card's left, width and (scrolled) top */
    int x, col;       /* the text column */
    int pad;          /* inside the card */
    size_t mark;      /* the card's fill and border, for dl_set_height */
} UiDetail;
int ui_detail_begin(const App *a, DrawList *dl, int y, int off, UiDetail *d);
/* The title at cy in the column; returns its height. */
int ui_detail_title(const App *a, DrawList *dl, const UiDetail *d, int cy, const char *title);
/* A rule at cy, the body text under it, then the QR of qr_payload (NULL:
 * none) beside the card when the screen has room, else under the text.
 * Returns the y below them. */
int ui_detail_body(const App *a, DrawList *dl, const UiDetail *d, int cy, const char *body,
                   const char *qr_payload, const char *qr_caption);
/* Close the card at cy (its bottom padding added): its height, the clip,
 * the scrollbar and the scroll area `scroll_id`. */
/* The lines of a detail body, wrapped once and kept between frames, so a
 * drag through a long notice only offsets them and draws those in view.
 * Keyed by the text (its address and length: a notice in a language), the
 * face, size and width; app_set_content drops it (the texts are freed). */
typedef struct UiWrapCache UiWrapCache;
UiWrapCache *ui_wrap_cache_new(void);
void ui_wrap_cache_clear(UiWrapCache *c);
void ui_wrap_cache_free(UiWrapCache *c);
/* How many times the cache wrapped a text (for tests). */
unsigned ui_wrap_cache_wraps(const UiWrapCache *c);

/* Whether a picture can be shown now (the picture cache holds it). */
bool ui_image_ready(const App *a, const ContentImage *img);
/* Draw a picture whole, as large as fits in box (never enlarged past its
 * own size), at the box's top left plus (box.w - w) / 2 when `centre`;
 * with a hit region `id` (NULL: none). Returns the rectangle drawn. */
Rect ui_image(const App *a, DrawList *dl, Rect box, const ContentImage *img, bool centre,
              const char *id);
/* A detail card's pictures (those the cache holds) one under another below
 * cy, each tappable as "image:ITEM:N"; returns the new cy. */
int ui_detail_images(const App *a, DrawList *dl, const UiDetail *d, int cy, const char *item,
                     const ContentImage *imgs, size_t n);

void ui_detail_end(const App *a, DrawList *dl, const UiDetail *d, int cy, const char *scroll_id);

#endif
