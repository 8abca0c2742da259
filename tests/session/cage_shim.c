/* cage_shim.c - preloaded into cage by tests/session/session-test.sh: gives
 * wlroots' headless backend one output of the size in LK_SHIM_OUTPUT (WxH;
 * wlroots 0.15 makes them 1280x720 and cage 0.1.4 has no way to set a mode),
 * plus a touch panel and a keyboard that the test drives through a control
 * socket (LK_SHIM_SOCKET). The devices are wlroots input devices of the
 * headless backend, so cage takes them as it takes libinput's: its seat
 * routes their events to the kiosk, and its own key bindings see the keys.
 *
 * It also turns off cage's direct scan-out of a fullscreen client's buffer
 * (wlr_output_attach_buffer + commit): on the headless backend with the
 * pixman renderer a scanned-out buffer reaches grim (screencopy) as black,
 * so cage composites every frame here, as it does whenever scan-out is not
 * possible. What the kiosk draws is the same either way.
 *
 * One command per connection, answered "ok" once cage has handled it, or
 * "error: ..." for a bad one:
 *   tap X Y      touch down at X,Y (0..1 of the output), frame, up, frame
 *   keys K...    press the evdev key codes K... in order, release in reverse
 */
#define WLR_USE_UNSTABLE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <wlr/backend.h>
#include <wlr/backend/headless.h>
#include <wlr/backend/multi.h>
#include <wlr/interfaces/wlr_keyboard.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_touch.h>

static struct wlr_input_device *touch_dev, *kbd_dev;

static uint32_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void key(uint32_t code, enum wl_keyboard_key_state state)
{
    struct wlr_event_keyboard_key ev = {.time_msec = now_ms(), .keycode = code,
                                        .update_state = true, .state = state};
    wlr_keyboard_notify_key(kbd_dev->keyboard, &ev);
}

static void tap(double x, double y)
{
    struct wlr_touch *t = touch_dev->touch;
    struct wlr_event_touch_down down = {.device = touch_dev, .time_msec = now_ms(),
                                        .touch_id = 0, .x = x, .y = y};
    wl_signal_emit(&t->events.down, &down);
    wl_signal_emit(&t->events.frame, NULL);
    struct wlr_event_touch_up up = {.device = touch_dev, .time_msec = now_ms() + 50,
                                    .touch_id = 0};
    wl_signal_emit(&t->events.up, &up);
    wl_signal_emit(&t->events.frame, NULL);
}

/* Runs COMMAND; returns NULL or an error message. */
static const char *run(char *command)
{
    double x, y;
    char extra;
    if (sscanf(command, "tap %lf %lf %c", &x, &y, &extra) == 2) {
        if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1))
            return "tap: X and Y are 0..1";
        tap(x, y);
        return NULL;
    }
    if (strncmp(command, "keys ", 5) == 0) {
        uint32_t codes[8];
        int n = 0;
        for (char *s = strtok(command + 5, " "); s; s = strtok(NULL, " ")) {
            char *end;
            long c = strtol(s, &end, 10);
            if (*end || c <= 0 || c > 767 || n == 8)
                return "keys: up to 8 evdev key codes";
            codes[n++] = (uint32_t)c;
        }
        if (n == 0)
            return "keys: no key";
        for (int i = 0; i < n; i++)
            key(codes[i], WL_KEYBOARD_KEY_STATE_PRESSED);
        for (int i = n - 1; i >= 0; i--)
            key(codes[i], WL_KEYBOARD_KEY_STATE_RELEASED);
        return NULL;
    }
    return "unknown command (tap X Y, keys K...)";
}

static int on_accept(int fd, uint32_t mask, void *data)
{
    (void)mask;
    (void)data;
    int c = accept(fd, NULL, NULL);
    if (c < 0)
        return 0;
    char buf[256];
    size_t len = 0;
    while (len < sizeof buf - 1) {   /* the test writes one short line */
        ssize_t n = read(c, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        if (memchr(buf, '\n', len))
            break;
    }
    buf[len] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    const char *err = run(buf);
    char reply[300];
    int n = snprintf(reply, sizeof reply, "%s%s\n", err ? "error: " : "ok", err ? err : "");
    if (write(c, reply, (size_t)n) < 0)
        perror("cage_shim: reply");
    close(c);
    return 0;
}

static bool refuse_commit;

/* True when the caller of the function calling this is wlroots itself
 * (which attaches and commits buffers of its own), not cage. */
static bool from_wlroots(void *caller)
{
    Dl_info info;
    return dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libwlroots");
}

/* cage's scan-out of the kiosk's buffer: not attached, and the commit that
 * follows fails with nothing pending, so cage composites the frame. */
void wlr_output_attach_buffer(struct wlr_output *output, struct wlr_buffer *buffer)
{
    static void (*real)(struct wlr_output *, struct wlr_buffer *);
    if (!real)
        real = (void (*)(struct wlr_output *, struct wlr_buffer *))
            dlsym(RTLD_NEXT, "wlr_output_attach_buffer");
    if (from_wlroots(__builtin_return_address(0)))
        real(output, buffer);
    else
        refuse_commit = true;
}

bool wlr_output_commit(struct wlr_output *output)
{
    static bool (*real)(struct wlr_output *);
    if (!real)
        real = (bool (*)(struct wlr_output *))dlsym(RTLD_NEXT, "wlr_output_commit");
    if (refuse_commit && !from_wlroots(__builtin_return_address(0))) {
        refuse_commit = false;
        return false;
    }
    return real(output);
}

static void find_headless(struct wlr_backend *b, void *data)
{
    if (wlr_backend_is_headless(b))
        *(struct wlr_backend **)data = b;
}

struct wlr_backend *wlr_backend_autocreate(struct wl_display *display)
{
    struct wlr_backend *(*real)(struct wl_display *) =
        (struct wlr_backend * (*)(struct wl_display *)) dlsym(RTLD_NEXT, "wlr_backend_autocreate");
    struct wlr_backend *b = real ? real(display) : NULL;
    if (!b)
        return NULL;
    struct wlr_backend *headless = NULL;
    if (wlr_backend_is_multi(b))
        wlr_multi_for_each_backend(b, find_headless, &headless);
    else
        find_headless(b, &headless);
    unsetenv("LD_PRELOAD");   /* not into Xwayland and the kiosk */
    const char *size = getenv("LK_SHIM_OUTPUT"), *path = getenv("LK_SHIM_SOCKET");
    unsigned w, h;
    if (!headless || !size || sscanf(size, "%ux%u", &w, &h) != 2 || !path ||
        strlen(path) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
        fprintf(stderr, "cage_shim: needs WLR_BACKENDS=headless, LK_SHIM_OUTPUT=WxH "
                        "and LK_SHIM_SOCKET=PATH\n");
        exit(1);
    }
    wlr_headless_add_output(headless, w, h);
    touch_dev = wlr_headless_add_input_device(headless, WLR_INPUT_DEVICE_TOUCH);
    kbd_dev = wlr_headless_add_input_device(headless, WLR_INPUT_DEVICE_KEYBOARD);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(path);
    if (!touch_dev || !kbd_dev || fd < 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 4) < 0) {
        perror("cage_shim: control socket");
        exit(1);
    }
    wl_event_loop_add_fd(wl_display_get_event_loop(display), fd, WL_EVENT_READABLE,
                         on_accept, NULL);
    return b;
}
