/* scanimg.c - test support: a "scanned" stamped paper notice as a PNG. */
#include "scanimg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <SDL.h>

#include "drawlist.h"
#include "measure.h"
#include "render_sdl.h"

static void centred(DrawList *dl, const TextMeasure *tm, int y, FontFace face, int size, Color c,
                    const char *s)
{
    int w = measure_width(tm, face, size, s, strlen(s));
    dl_text(dl, (SCANIMG_WIDTH - w) / 2, y, face, size, c, s, -1);
}

int scanimg_write(const char *path, const char *font_dir, const char *title_zh,
                  const char *title_en, const char *const *body, char *err, size_t errlen)
{
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, SCANIMG_WIDTH, SCANIMG_HEIGHT, 32,
                                                       SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    if (!sdl) {
        snprintf(err, errlen, "no software renderer: %s", SDL_GetError());
        SDL_FreeSurface(surf);
        return -1;
    }
    Renderer *r = render_create(sdl, font_dir, err, errlen);
    if (!r) {
        SDL_DestroyRenderer(sdl);
        SDL_FreeSurface(surf);
        return -1;
    }
    const TextMeasure *tm = render_measure(r);
    DrawList dl;
    dl_init(&dl);
    dl_set_clear(&dl, (Color){247, 245, 238, 255});
    /* A scanner's speckle: faint grey dots, the same every time. */
    uint32_t seed = 12345;
    for (int i = 0; i < 6000; i++) {
        seed = seed * 1103515245u + 12345u;
        int x = (int)((seed >> 8) % SCANIMG_WIDTH);
        seed = seed * 1103515245u + 12345u;
        int y = (int)((seed >> 8) % SCANIMG_HEIGHT);
        uint8_t g = (uint8_t)(190 + (seed >> 24) % 40);
        dl_rect(&dl, (Rect){x, y, 2, 2}, (Color){g, g, g, 255});
    }
    Color ink = {35, 35, 35, 255}, red = {200, 30, 30, 255};
    centred(&dl, tm, 150, FONT_BOLD, 64, ink, title_zh);
    centred(&dl, tm, 240, FONT_REGULAR, 40, ink, title_en);
    int y = 380;
    for (size_t i = 0; body && body[i]; i++, y += 56)
        dl_text(&dl, 140, y, FONT_REGULAR, 30, ink, body[i], -1);
    /* The stamp: a red ring with the office's name inside. */
    int cx = 930, cy = 1420, rad = 150;
    for (int k = 0; k < 90; k++) {
        double a0 = k * 2 * M_PI / 90, a1 = (k + 1) * 2 * M_PI / 90;
        dl_line(&dl, cx + (int)lround(rad * cos(a0)), cy + (int)lround(rad * sin(a0)),
                cx + (int)lround(rad * cos(a1)), cy + (int)lround(rad * sin(a1)), 10, red);
    }
    const char *office = "物业服务中心";
    int w = measure_width(tm, FONT_BOLD, 34, office, strlen(office));
    dl_text(&dl, cx - w / 2, cy - 24, FONT_BOLD, 34, red, office, -1);
    dl_text(&dl, 870, 1290, FONT_REGULAR, 30, ink, "2026年12月1日", -1);
    int rc = render_frame(r, &dl) == 0 ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "the scan could not be drawn");
    else
        rc = render_save_png(sdl, path, err, errlen);
    dl_free(&dl);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(surf);
    return rc;
}
