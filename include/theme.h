/* theme.h - look and feel: colours, sizes (in dp) and timings. */
#ifndef THEME_H
#define THEME_H

#include "drawlist.h"

/* Colours. Two themes (shared/UI.md): the warm default and a high-contrast
 * one (black ground, white text, yellow accents). No global: the theme
 * travels in the view's context. COL_* read VIEW_THEME, which the drawing
 * file defines: ui.h as the theme of the App `a` a view draws
 * (app_theme(a)), osk.c as its drawing context's. */
typedef struct {
    Color bg, card, border, primary, primary_down, pressed, on_primary, text, text2,
          urgent, pinned, cat_notice, cat_accounts, cat_repairs, cat_safety, cat_services,
          scrim, good, kb, key_fn, pad, grid, ink, highlight,
          photo;   /* the picture viewer's ground */
} Theme;

extern const Theme theme_default, theme_contrast;

#define COL_BG           (VIEW_THEME->bg)
#define COL_CARD         (VIEW_THEME->card)
#define COL_BORDER       (VIEW_THEME->border)
#define COL_PRIMARY      (VIEW_THEME->primary)
#define COL_PRIMARY_DOWN (VIEW_THEME->primary_down)
#define COL_PRESSED      (VIEW_THEME->pressed)
#define COL_ON_PRIMARY   (VIEW_THEME->on_primary)
#define COL_TEXT         (VIEW_THEME->text)
#define COL_TEXT2        (VIEW_THEME->text2)
#define COL_URGENT       (VIEW_THEME->urgent)
#define COL_PINNED       (VIEW_THEME->pinned)
#define COL_CAT_NOTICE   (VIEW_THEME->cat_notice)
#define COL_CAT_ACCOUNTS (VIEW_THEME->cat_accounts)
#define COL_CAT_REPAIRS  (VIEW_THEME->cat_repairs)
#define COL_CAT_SAFETY   (VIEW_THEME->cat_safety)
#define COL_CAT_SERVICES (VIEW_THEME->cat_services)
#define COL_SCRIM        (VIEW_THEME->scrim)
#define COL_GOOD         (VIEW_THEME->good)
#define COL_PHOTO        (VIEW_THEME->photo)

/* Sizes in dp (1 dp = short side / 1080). The views take every gap,
 * padding and part size from here; a literal left in a view is a one-off
 * of that view and says so in a comment. */
#define DP_HEADER     96
#define DP_MARGIN     32    /* the screen's edge to its content */
#define DP_TOUCH      96    /* minimum touch target height */
#define DP_BORDER     1     /* a card's border */
#define DP_RULE       2     /* a button's outline, a divider */
#define DP_RULE_BOLD  3     /* an entry box's outline */

/* Spacing, smallest to largest: what stands between two things. */
#define DP_GAP_XXS    4     /* a Chinese label to its English line */
#define DP_GAP_XS     8     /* a line of text to the next block, small insets */
#define DP_GAP_S      12    /* an icon to its text, a badge to the next, keys of a pad */
#define DP_GAP        16    /* between controls (touch targets 16 dp apart) */
#define DP_GAP_M      20    /* a title to what follows it */
#define DP_GAP_L      24    /* between blocks of a card; cards of a grid */
#define DP_GAP_XL     32    /* between sections of a screen */
#define DP_GAP_XXL    40    /* above a closing button or a page's last block */

/* Padding: a container's edge to its content. */
#define DP_PAD_LIST   28    /* a list's card, a row */
#define DP_PAD_TILE   40    /* a home tile, the review card */
#define DP_PAD_CARD   48    /* a detail card, a dialog */

/* Parts. */
#define DP_STRIPE     12    /* a category's colour along a card */
#define DP_BADGE_H    44    /* an urgent / pinned badge */
#define DP_BADGE_PAD  10    /* inside a badge; between a staff figure's rows */
#define DP_SCROLLBAR  8     /* the scroll indicator's width */
#define DP_GUTTER     16    /* what a scrolled list leaves at its right for the indicator */
#define DP_NAV_W      200   /* back and home: at least this wide */
#define DP_NAV_PAD    120   /* back and home: icon and padding around the label */
#define DP_BUTTON_H   112   /* a large button: dialogs, the attract hint, a row to tap */
#define DP_BUTTON_L   120   /* the flow's main buttons (send, done, add a contact) */
#define DP_QR         300   /* a QR code's side */
#define DP_QR_MODULE_MIN 3  /* a QR module at the least (and never under 3 px) */
#define DP_READ_MAX   1100  /* the widest a column of running text goes */
#define DP_EMPTY_Y    80    /* an empty list's sentence below the title bar */
#define DP_T_ATTRACT  64
#define DP_T_TITLE    48
#define DP_T_CARD     40
#define DP_T_BODY     32
#define DP_T_SMALL    26
#define DP_ICON       48    /* an icon; a chevron's room */
#define DP_ICON_L     120   /* a tile's or a page's big icon */

/* Timings. */
#define TAP_SLOP_DP   24    /* movement that turns a tap into a drag */
/* The picture viewer (screen_picture.c). */
#define PIC_ZOOM_MAX       4.0   /* the largest zoom (1: the whole picture fitted) */
#define PIC_ZOOM_TAP       2.0   /* a double tap's zoom */
#define PIC_FIT_UP_MAX     3.0   /* a small picture is enlarged at most this much to fit */
#define PIC_TEX_MAX_PIXELS (4.0 * 1000 * 1000)   /* the most pixels it is decoded at (issue 16: RSS) */
#define PIC_STEP_MIN_GAIN  2.0   /* the 4x step gets its own decode only with this many times the 2x pixels */
#define PIC_DOUBLE_TAP_MS  400   /* two taps this close in time are a double tap */
#define ATTRACT_SLIDE_MS 10000      /* one attract slide every 10 s */
#define ATTRACT_SHIFT_MS (5 * 60000) /* the burn-in shift moves every 5 minutes */

/* Material Icons code points (UTF-8). */
#define ICON_HOME        "\xee\xa2\x8a"   /* e88a */
#define ICON_ARROW_BACK  "\xee\x97\x84"   /* e5c4 */
#define ICON_CAMPAIGN    "\xee\xbd\x89"   /* ef49 */
#define ICON_EVENT       "\xee\xa1\xb8"   /* e878 */
#define ICON_TRANSLATE   "\xee\xa3\xa2"   /* e8e2 */
#define ICON_WARNING     "\xee\x80\x82"   /* e002 */
#define ICON_PUSH_PIN    "\xef\x84\x8d"   /* f10d */
#define ICON_PLACE       "\xee\x95\x9f"   /* e55f */
#define ICON_SCHEDULE    "\xee\xa2\xb5"   /* e8b5 */
#define ICON_CHEVRON     "\xee\x97\x8c"   /* e5cc */
#define ICON_CHEVRON_L   "\xee\x97\x8b"   /* e5cb */
#define ICON_CHECK_CIRCLE "\xee\xa1\xac"  /* e86c */
#define ICON_EDIT_NOTE   "\xee\x9d\x85"   /* e745 */
#define ICON_BACKSPACE   "\xee\x85\x8a"   /* e14a */
#define ICON_LOCK_OPEN   "\xee\xa2\x98"   /* e898 */
#define ICON_LOCK        "\xee\xa2\x97"   /* e897 */
#define ICON_QR          "\xee\x80\x8a"   /* e00a qr_code_2 */
#define ICON_QA          "\xee\xa2\xaf"   /* e8af question_answer */
#define ICON_FACT_CHECK  "\xef\x83\x85"   /* f0c5 */
#define ICON_SEARCH      "\xee\xa2\xb6"   /* e8b6 */
#define ICON_PHONE       "\xee\x83\x8d"   /* e0cd */
#define ICON_CONTRAST    "\xee\xac\xb7"   /* eb37 */
#define ICON_TEXT_INCREASE "\xee\xab\xa2" /* eae2 */
#define ICON_ZOOM_IN     "\xee\xa3\xbf"   /* e8ff */
#define ICON_ZOOM_OUT    "\xee\xa4\x80"   /* e900 */
#define ICON_BROKEN_IMAGE "\xee\x8e\xad"  /* e3ad */

#endif
