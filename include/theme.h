/* theme.h - look and feel: colours, sizes (in dp) and timings. */
#ifndef THEME_H
#define THEME_H

#include "drawlist.h"

/* Colours. Two themes (shared/UI.md): the warm default and a high-contrast
 * one (black ground, white text, yellow accents). Views read the colours
 * through `theme`, which app_view() points at the App's choice before it
 * draws; drawing happens on the UI thread only, so one pointer serves. */
typedef struct {
    Color bg, card, border, primary, primary_down, pressed, on_primary, text, text2,
          urgent, pinned, cat_notice, cat_accounts, cat_repairs, cat_safety, cat_services,
          scrim, good, kb, key_fn, pad, grid, ink, highlight;
} Theme;

extern const Theme theme_default, theme_contrast;
extern const Theme *theme;

#define COL_BG           (theme->bg)
#define COL_CARD         (theme->card)
#define COL_BORDER       (theme->border)
#define COL_PRIMARY      (theme->primary)
#define COL_PRIMARY_DOWN (theme->primary_down)
#define COL_PRESSED      (theme->pressed)
#define COL_ON_PRIMARY   (theme->on_primary)
#define COL_TEXT         (theme->text)
#define COL_TEXT2        (theme->text2)
#define COL_URGENT       (theme->urgent)
#define COL_PINNED       (theme->pinned)
#define COL_CAT_NOTICE   (theme->cat_notice)
#define COL_CAT_ACCOUNTS (theme->cat_accounts)
#define COL_CAT_REPAIRS  (theme->cat_repairs)
#define COL_CAT_SAFETY   (theme->cat_safety)
#define COL_CAT_SERVICES (theme->cat_services)
#define COL_SCRIM        (theme->scrim)
#define COL_GOOD         (theme->good)

/* Sizes in dp (1 dp = short side / 1080). */
#define DP_HEADER     96
#define DP_MARGIN     32
#define DP_GAP        16
#define DP_TOUCH      96    /* minimum touch target height */
#define DP_BORDER     1
#define DP_T_ATTRACT  64
#define DP_T_TITLE    48
#define DP_T_CARD     40
#define DP_T_BODY     32
#define DP_T_SMALL    26
#define DP_ICON       48

/* Timings. */
#define TAP_SLOP_DP   24    /* movement that turns a tap into a drag */
#define CLOCK_TICK_MS 1000  /* header clock refresh granularity */

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
#define ICON_QR          "\xee\x80\x8a"   /* e00a qr_code_2 */
#define ICON_QA          "\xee\xa2\xaf"   /* e8af question_answer */
#define ICON_FACT_CHECK  "\xef\x83\x85"   /* f0c5 */
#define ICON_SEARCH      "\xee\xa2\xb6"   /* e8b6 */
#define ICON_PHONE       "\xee\x83\x8d"   /* e0cd */
#define ICON_CONTRAST    "\xee\xac\xb7"   /* eb37 */
#define ICON_TEXT_INCREASE "\xee\xab\xa2" /* eae2 */

#endif
