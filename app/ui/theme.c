/* theme.c - the two colour themes (shared/UI.md). */
#include "theme.h"

#define RGB(h) {(uint8_t)((h) >> 16), (uint8_t)((h) >> 8), (uint8_t)(h), 0xFF}

/* Text colours hold 4.5:1 against the ground they are drawn on (WCAG AA);
 * tests/test_app.c checks every text drawn. Category hues are darkened
 * from the UI notes' where needed to reach that (repairs orange #EF6C00 on
 * white is 3:1; #B34E00 is 5.0:1). */
const Theme theme_default = {
    .bg = RGB(0xF4F1EA), .card = RGB(0xFFFFFF), .border = RGB(0xD9D3C7),
    .primary = RGB(0x1F4E79), .primary_down = RGB(0x153655), .pressed = RGB(0xE4DED2),
    .on_primary = RGB(0xFFFFFF), .text = RGB(0x1E1E1E), .text2 = RGB(0x595959),
    .urgent = RGB(0xC62828), .pinned = RGB(0x8A5A10), .cat_notice = RGB(0x1F4E79),
    .cat_accounts = RGB(0x2E7D32), .cat_repairs = RGB(0xB34E00), .cat_safety = RGB(0xC62828),
    .cat_services = RGB(0x6A1B9A), .scrim = {0, 0, 0, 0x80}, .good = RGB(0x2E7D32),
    .kb = RGB(0xE6E1D6), .key_fn = RGB(0xD3CCBE), .pad = RGB(0xFFFDF7), .grid = RGB(0xE3B7B0),
    .ink = RGB(0x141414), .highlight = RGB(0xFFF4D6), .photo = RGB(0x4A4A4A),
};

/* Black ground, white text, yellow accents: 7:1 and more. */
const Theme theme_contrast = {
    .bg = RGB(0x000000), .card = RGB(0x000000), .border = RGB(0xFFFFFF),
    .primary = RGB(0xFFD60A), .primary_down = RGB(0xC9A800), .pressed = RGB(0x333333),
    .on_primary = RGB(0x000000), .text = RGB(0xFFFFFF), .text2 = RGB(0xE6E6E6),
    .urgent = RGB(0xFF8A80), .pinned = RGB(0xFFD60A), .cat_notice = RGB(0xFFD60A),
    .cat_accounts = RGB(0xFFD60A), .cat_repairs = RGB(0xFFD60A), .cat_safety = RGB(0xFF8A80),
    .cat_services = RGB(0xFFD60A), .scrim = {0, 0, 0, 0xC0}, .good = RGB(0x9CFF8A),
    .kb = RGB(0x111111), .key_fn = RGB(0x2A2A2A), .pad = RGB(0x000000), .grid = RGB(0x666666),
    .ink = RGB(0xFFFFFF), .highlight = RGB(0x3A3300), .photo = RGB(0x000000),
};
