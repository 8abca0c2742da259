/* theme.h - look and feel: colours, sizes (in dp) and timings. */
#ifndef THEME_H
#define THEME_H

#include "drawlist.h"

/* Colours (default theme, shared/UI.md). */
#define COL_BG        ((Color){0xF4, 0xF1, 0xEA, 0xFF})
#define COL_CARD      ((Color){0xFF, 0xFF, 0xFF, 0xFF})
#define COL_BORDER    ((Color){0xD9, 0xD3, 0xC7, 0xFF})
#define COL_PRIMARY   ((Color){0x1F, 0x4E, 0x79, 0xFF})
#define COL_PRIMARY_DOWN ((Color){0x15, 0x36, 0x55, 0xFF})
#define COL_PRESSED   ((Color){0xE4, 0xDE, 0xD2, 0xFF})
#define COL_ON_PRIMARY ((Color){0xFF, 0xFF, 0xFF, 0xFF})
#define COL_TEXT      ((Color){0x1E, 0x1E, 0x1E, 0xFF})
#define COL_TEXT2     ((Color){0x5A, 0x5A, 0x5A, 0xFF})
#define COL_URGENT    ((Color){0xC6, 0x28, 0x28, 0xFF})
#define COL_PINNED    ((Color){0xB7, 0x79, 0x1F, 0xFF})
#define COL_CAT_NOTICE   ((Color){0x1F, 0x4E, 0x79, 0xFF})
#define COL_CAT_ACCOUNTS ((Color){0x2E, 0x7D, 0x32, 0xFF})
#define COL_CAT_REPAIRS  ((Color){0xEF, 0x6C, 0x00, 0xFF})
#define COL_CAT_SAFETY   ((Color){0xC6, 0x28, 0x28, 0xFF})
#define COL_CAT_SERVICES ((Color){0x6A, 0x1B, 0x9A, 0xFF})
#define COL_SCRIM     ((Color){0x00, 0x00, 0x00, 0x80})

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

#endif
