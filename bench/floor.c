/* floor.c - benchmark: the SDL floor under the kiosk's start, SDL + SDL_ttf drawing one board.
 *
 *   floor [--windowed] [--size WxH]          (from the repository root)
 *
 * Does what any SDL2 program showing a board of text must do, and nothing
 * of the kiosk's own: SDL_Init(VIDEO), a window of the kiosk's size and
 * flags with the software renderer (the kiosk's default), TTF_Init, the
 * regular and bold Noto Sans CJK faces read into memory once and opened at
 * four sizes, then one frame: a background, a header bar, six tiles with a
 * title and two lines each, presented; then the same quit the kiosk's
 * --exit-after-first-frame uses. Linked with SDL2, SDL2_ttf and SDL2_image
 * only (bench/bench.mk). tests/bench.sh spawns it beside the kiosk, so the
 * kiosk's start is reported as a multiple of this floor, measured in the
 * same run on the same machine. Exit status 1 when a step fails. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <SDL.h>
#include <SDL_ttf.h>

static void *slurp(const char *path, size_t *len)
{
    SDL_RWops *rw = SDL_RWFromFile(path, "rb");
    void *p = rw ? SDL_LoadFile_RW(rw, len, 1) : NULL;
    if (!p)
        fprintf(stderr, "floor: cannot read %s: %s\n", path, SDL_GetError());
    return p;
}

static int text(SDL_Renderer *r, TTF_Font *f, const char *s, int x, int y, SDL_Color c)
{
    SDL_Surface *su = TTF_RenderUTF8_Blended(f, s, c);
    SDL_Texture *t = su ? SDL_CreateTextureFromSurface(r, su) : NULL;
    int rc = -1;
    if (t) {
        SDL_Rect d = {x, y, su->w, su->h};
        rc = SDL_RenderCopy(r, t, NULL, &d);
        SDL_DestroyTexture(t);
    }
    SDL_FreeSurface(su);
    return rc;
}

int main(int argc, char **argv)
{
    int w = 1920, h = 1080;
    bool windowed = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--windowed") == 0)
            windowed = true;
        else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc &&
                 sscanf(argv[i + 1], "%dx%d", &w, &h) == 2)
            i++;
        else {
            fputs("usage: floor [--windowed] [--size WxH]\n", stderr);
            return 2;
        }
    }
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) < 0 || TTF_Init() < 0) {
        fprintf(stderr, "floor: %s\n", SDL_GetError());
        return 1;
    }
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI |
                   (windowed ? SDL_WINDOW_RESIZABLE : SDL_WINDOW_FULLSCREEN_DESKTOP);
    SDL_Window *win = SDL_CreateWindow("floor", SDL_WINDOWPOS_CENTERED,
                                       SDL_WINDOWPOS_CENTERED, w, h, flags);
    SDL_Renderer *r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    size_t len[2] = {0, 0};
    void *data[2] = {slurp("fonts/NotoSansCJKsc-Regular.otf", &len[0]),
                     slurp("fonts/NotoSansCJKsc-Bold.otf", &len[1])};
    static const int sizes[4] = {64, 40, 30, 24};
    TTF_Font *font[4] = {0};
    for (int i = 0; i < 4 && data[0] && data[1]; i++) {
        int face = i == 0 || i == 2;                     /* bold for titles */
        font[i] = TTF_OpenFontRW(SDL_RWFromConstMem(data[face], (int)len[face]), 1, sizes[i]);
        if (font[i])
            TTF_SetFontHinting(font[i], TTF_HINTING_LIGHT);
    }
    if (!r || !font[0] || !font[1] || !font[2] || !font[3]) {
        fprintf(stderr, "floor: cannot open a window and the fonts: %s\n", SDL_GetError());
        return 1;
    }
    SDL_Color ink = {30, 40, 50, 255}, light = {255, 255, 255, 255};
    SDL_SetRenderDrawColor(r, 240, 242, 245, 255);
    SDL_RenderClear(r);
    SDL_SetRenderDrawColor(r, 20, 90, 160, 255);
    SDL_RenderFillRect(r, &(SDL_Rect){0, 0, w, h / 8});
    int rc = text(r, font[0], "幸福里小区 Lobby 公告栏", 48, h / 40, light);
    rc |= text(r, font[1], "2026年12月1日 星期二 10:00", w - 640, h / 28, light);
    static const char *const tiles[6][3] = {
        {"通知公告", "十二月物业费缴纳通知", "电梯年检安排 12月3日"},
        {"社区活动", "周六上午 亲子手工课", "周日下午 长者健康讲座"},
        {"意见建议", "写下您的建议", "可匿名 可手写 可拼音"},
        {"停车信息", "地下车库B区 维修中", "临时车位 东门入口"},
        {"便民服务", "快递柜 24小时", "维修电话 8888-1234"},
        {"Notices", "Water off 9-11 am Thursday", "Recycling day: Friday"},
    };
    int tw = (w - 4 * 48) / 3, th = (h - h / 8 - 3 * 48) / 2;
    for (int i = 0; i < 6; i++) {
        int x = 48 + (i % 3) * (tw + 48), y = h / 8 + 48 + (i / 3) * (th + 48);
        SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
        SDL_RenderFillRect(r, &(SDL_Rect){x, y, tw, th});
        rc |= text(r, font[2], tiles[i][0], x + 32, y + 32, ink);
        rc |= text(r, font[3], tiles[i][1], x + 32, y + 110, ink);
        rc |= text(r, font[3], tiles[i][2], x + 32, y + 160, ink);
    }
    SDL_RenderPresent(r);
    /* As the kiosk's --exit-after-first-frame: a quit queued, events read. */
    SDL_Event ev = {.type = SDL_QUIT};
    SDL_PushEvent(&ev);
    while (SDL_WaitEventTimeout(&ev, 1000) && ev.type != SDL_QUIT)
        ;
    for (int i = 0; i < 4; i++)
        TTF_CloseFont(font[i]);
    SDL_free(data[0]);
    SDL_free(data[1]);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    return rc ? 1 : 0;
}
