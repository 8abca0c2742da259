/* test_install.c - `make install` into a DESTDIR, as on a clean machine: the
 * files and their modes, the systemd unit, a settings file that is never
 * overwritten, the installed kiosk finding its share dir by its own
 * location, kiosk-session's exit status, and `make uninstall`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proc.h"
#include "tmpdir.h"

#define NOW "2026-12-01T10:00:00+08:00"

static char *dir;    /* scratch */
static char *dest;   /* the DESTDIR */

/* Run make TARGET with DESTDIR and PREFIX=/usr on the variant under test
 * ($KIOSK_BUILD): install never builds, so it cannot rebuild that variant
 * with other flags. Returns make's status; its output goes to *err. */
static int make(const char *target, char **err)
{
    char destdir[600], build[600];
    const char *b = getenv("KIOSK_BUILD");
    snprintf(destdir, sizeof destdir, "DESTDIR=%s", dest);
    snprintf(build, sizeof build, "BUILD=%s", b && *b ? b : "build");
    char *argv[] = {"/usr/bin/make", "-s", (char *)target, destdir, "PREFIX=/usr", build, NULL};
    return proc_run(argv, NULL, err);
}

static int setup(void **state)
{
    (void)state;
    /* Run as a plain command, not as part of the parent make's job: no
     * jobserver, no inherited command-line variables. */
    unsetenv("MAKEFLAGS");
    unsetenv("MFLAGS");
    unsetenv("MAKELEVEL");
    dir = tmpdir_make();
    dest = dir ? tmpdir_path(dir, "root") : NULL;
    if (!dest)
        return -1;
    char *err = NULL;
    int rc = make("install", &err);
    if (rc != 0)
        fprintf(stderr, "make install: exit %d\n%s", rc, err ? err : "");
    free(err);
    return rc == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(dest);
    tmpdir_remove(dir);
    return 0;
}

/* DESTDIR + path, in a static buffer (one at a time). */
static const char *at(const char *path)
{
    static char buf[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s%s", dest, path);
    return buf[i];
}

static void assert_mode(const char *path, unsigned mode)
{
    struct stat st;
    if (stat(at(path), &st) != 0)
        fail_msg("%s is not installed", path);
    if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != mode)
        fail_msg("%s: mode %o, expected a file of mode %o", path,
                 (unsigned)(st.st_mode & 07777), mode);
}

static void test_files_and_modes(void **state)
{
    (void)state;
    assert_mode("/usr/bin/kiosk", 0755);
    assert_mode("/usr/bin/kioskctl", 0755);
    assert_mode("/usr/bin/office", 0755);
    assert_mode("/usr/bin/officectl", 0755);
    assert_mode("/usr/libexec/lobby-kiosk/kiosk-session", 0755);
    assert_int_equal(access(at("/usr/bin/kiosk"), X_OK), 0);
    const char *share[] = {
        "/usr/share/lobby-kiosk/assets/i18n/strings.ini",
        "/usr/share/lobby-kiosk/assets/content/sample.json",
        "/usr/share/lobby-kiosk/fonts/NotoSansCJKsc-Regular.otf",
        "/usr/share/lobby-kiosk/fonts/NotoSansCJKsc-Bold.otf",
        "/usr/share/lobby-kiosk/fonts/MaterialIcons-Regular.ttf",
        "/usr/share/lobby-kiosk/fonts/OFL.txt",
        "/usr/share/doc/lobby-kiosk/OPERATIONS.md",
        "/usr/share/doc/lobby-kiosk/CONFIG.md",
        "/usr/share/doc/lobby-kiosk/lobby-kiosk-usb.rules",
        "/lib/systemd/system/lobby-kiosk.service",
        "/usr/lib/sysusers.d/lobby-kiosk.conf",
        "/etc/lobby-kiosk/kiosk.conf",
        "/etc/lobby-kiosk/office.conf",
        "/lib/systemd/system/lobby-office.service",
        "/usr/lib/sysusers.d/lobby-office.conf",
        "/usr/share/doc/lobby-kiosk/OFFICE.md",
    };
    for (size_t i = 0; i < sizeof share / sizeof *share; i++)
        assert_mode(share[i], 0644);
    /* The settings file is dist/kiosk.conf as it is. */
    char *want = tmpdir_read("dist/kiosk.conf"), *got = tmpdir_read(at("/etc/lobby-kiosk/kiosk.conf"));
    assert_non_null(want);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
    free(got);
    char *users = tmpdir_read(at("/usr/lib/sysusers.d/lobby-kiosk.conf"));
    assert_non_null(strstr(users, "\nu lobby-kiosk "));
    free(users);
}

/* The value of `key=` in the unit, or NULL; the first one. */
static const char *unit_value(const char *unit, const char *key, char *out, size_t n)
{
    char pat[100];
    snprintf(pat, sizeof pat, "\n%s=", key);
    const char *p = strstr(unit, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    size_t len = strcspn(p, "\n");
    snprintf(out, n, "%.*s", (int)len, p);
    return out;
}

static void test_unit_file(void **state)
{
    (void)state;
    char *unit = tmpdir_read(at("/lib/systemd/system/lobby-kiosk.service"));
    assert_non_null(unit);
    for (const char *at_ = strchr(unit, '@'); at_; at_ = strchr(at_ + 1, '@'))
        if (at_[1] >= 'A' && at_[1] <= 'Z')   /* an @PLACEHOLDER@ left over */
            fail_msg("the unit still has %.20s", at_);
    char v[600];
    struct { const char *key, *want; } lines[] = {
        {"ExecStart", "/usr/libexec/lobby-kiosk/kiosk-session /usr/bin/cage -- /usr/bin/kiosk "
                      "--config /etc/lobby-kiosk/kiosk.conf"},
        {"Restart", "on-failure"},
        {"RestartSec", "2s"},
        {"User", "lobby-kiosk"},
        {"PAMName", "login"},
        {"TTYPath", "/dev/tty7"},
        {"StandardError", "journal"},
        {"StateDirectory", "lobby-kiosk"},
        {"StateDirectoryMode", "0700"},
        {"ProtectSystem", "strict"},
        {"NoNewPrivileges", "yes"},
        {"WantedBy", "graphical.target"},
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        if (!unit_value(unit, lines[i].key, v, sizeof v))
            fail_msg("the unit has no %s=", lines[i].key);
        if (strcmp(v, lines[i].want) != 0)
            fail_msg("%s=%s, expected %s", lines[i].key, v, lines[i].want);
    }
    /* cage's -s would allow switching to a text console. */
    assert_null(strstr(unit, "cage -s"));
    /* The display path of docs/OPERATIONS.md: software frames through
     * Xwayland, no OpenGL in cage or Xwayland. */
    assert_non_null(strstr(unit, "\nEnvironment=SDL_VIDEODRIVER=x11\n"));
    assert_non_null(strstr(unit, "\nEnvironment=WLR_RENDERER=pixman\n"));
    assert_non_null(strstr(unit, "\nEnvironment=LIBGL_DRIVERS_PATH=/nonexistent\n"));
    assert_null(strstr(unit, "SDL_FRAMEBUFFER_ACCELERATION"));
    free(unit);
}

/* systemd's own check, when systemd-analyze is there. The ExecStart
 * program must exist for it, so a copy points it into DESTDIR. */
static void test_unit_verifies(void **state)
{
    (void)state;
    if (access("/usr/bin/systemd-analyze", X_OK) != 0) {
        print_message("systemd-analyze not installed: the unit was not verified\n");
        skip();
    }
    char *unit = tmpdir_read(at("/lib/systemd/system/lobby-kiosk.service"));
    assert_non_null(unit);
    const char *from = "ExecStart=/usr/libexec/";
    char *p = strstr(unit, from);
    assert_non_null(p);
    char *copy = malloc(strlen(unit) + strlen(dest) + 1);
    snprintf(copy, strlen(unit) + strlen(dest) + 1, "%.*sExecStart=%s%s", (int)(p - unit), unit,
             dest, p + strlen("ExecStart="));
    char *path = tmpdir_path(dir, "lobby-kiosk.service");
    assert_int_equal(tmpdir_write(path, copy, strlen(copy)), 0);
    char *argv[] = {"/usr/bin/systemd-analyze", "verify", "--man=no", path, NULL};
    char *out = NULL, *err = NULL;
    int rc = proc_run(argv, &out, &err);
    /* Warnings (an unknown key, a bad value) come with exit status 0. */
    if (rc != 0 || (err && strstr(err, "lobby-kiosk.service")) ||
        (out && strstr(out, "lobby-kiosk.service")))
        fail_msg("systemd-analyze verify: exit %d\n%s%s", rc, out ? out : "", err ? err : "");
    free(out);
    free(err);
    free(path);
    free(copy);
    free(unit);
}

/* The installed program finds DESTDIR/usr/share/lobby-kiosk from its own
 * location (PREFIX/bin/kiosk -> PREFIX/share/lobby-kiosk), not the checkout. */
static void test_installed_kiosk_runs(void **state)
{
    (void)state;
    char *data = tmpdir_path(dir, "data"), *png = tmpdir_path(dir, "home.png");
    char kiosk[1024];
    snprintf(kiosk, sizeof kiosk, "%s", at("/usr/bin/kiosk"));
    char *argv[] = {kiosk, "--config", (char *)at("/etc/lobby-kiosk/kiosk.conf"), "--screenshot",
                    png, "--data-dir", data, "--now", NOW, NULL};
    char *err = NULL;
    int rc = proc_run(argv, NULL, &err);
    if (rc != 0)
        fail_msg("installed kiosk: exit %d: %s", rc, err ? err : "");
    free(err);
    assert_true(tmpdir_is_png(png));
    /* Without its share dir it fails: it was using DESTDIR's. (Unless this
     * machine has a real install for the last-resort fallback.) */
    struct stat st;
    if (stat("/usr/share/lobby-kiosk/assets/i18n/strings.ini", &st) == 0) {
        print_message("/usr/share/lobby-kiosk is installed here: not checking the lookup\n");
    } else {
        char moved[1024];
        snprintf(moved, sizeof moved, "%s", at("/usr/share/lobby-kiosk.away"));
        assert_int_equal(rename(at("/usr/share/lobby-kiosk"), moved), 0);
        err = NULL;
        rc = proc_run(argv, NULL, &err);
        assert_int_equal(rename(moved, at("/usr/share/lobby-kiosk")), 0);
        assert_int_equal(rc, 1);
        assert_non_null(strstr(err, "cannot find assets/ and fonts/"));
        free(err);
    }
    free(data);
    free(png);
}

/* kiosk-session exits with the kiosk's status although cage (0.1.4, like
 * the fake here) exits 0: Restart=on-failure depends on it. */
static void test_kiosk_session_passes_the_status_on(void **state)
{
    (void)state;
    char *cage = tmpdir_path(dir, "fake-cage");
    const char *script = "#!/bin/sh\n"
                         "# like cage 0.1.4: run the client after --, always exit 0\n"
                         "while [ \"$1\" != -- ]; do shift; done; shift\n"
                         "\"$@\"\nexit 0\n";
    assert_int_equal(tmpdir_write(cage, script, strlen(script)), 0);
    assert_int_equal(chmod(cage, 0755), 0);
    char session[1024];
    snprintf(session, sizeof session, "%s", at("/usr/libexec/lobby-kiosk/kiosk-session"));
    struct { const char *client; int want; } cases[] = {
        {"exit 0", 0},           /* staff left the kiosk: no restart */
        {"exit 1", 1},           /* start-up error */
        {"kill -9 $$", 128 + 9}, /* a crash */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *argv[] = {session, cage, "-d", "--", "/bin/sh", "-c", (char *)cases[i].client,
                        NULL};
        int rc = proc_run(argv, NULL, NULL);
        if (rc != cases[i].want)
            fail_msg("kiosk-session with a client doing '%s': exit %d, expected %d",
                     cases[i].client, rc, cases[i].want);
    }
    /* cage failing before the kiosk ran is a failure too. */
    char *argv[] = {session, "/bin/false", "--", "/bin/true", NULL};
    assert_int_equal(proc_run(argv, NULL, NULL), 1);
    free(cage);
}

static void test_reinstall_keeps_the_settings(void **state)
{
    (void)state;
    const char *mine = "[kiosk]\nidle_timeout_s = 120\n";
    assert_int_equal(tmpdir_write(at("/etc/lobby-kiosk/kiosk.conf"), mine, strlen(mine)), 0);
    char *err = NULL;
    assert_int_equal(make("install", &err), 0);
    free(err);
    char *got = tmpdir_read(at("/etc/lobby-kiosk/kiosk.conf"));
    assert_string_equal(got, mine);
    free(got);
}

/* Last: it removes the program. */
static void test_uninstall_keeps_the_settings(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(make("uninstall", &err), 0);
    free(err);
    const char *gone[] = {"/usr/bin/kiosk", "/usr/bin/kioskctl",
                          "/usr/libexec/lobby-kiosk", "/usr/share/lobby-kiosk",
                          "/usr/share/doc/lobby-kiosk", "/lib/systemd/system/lobby-kiosk.service",
                          "/usr/lib/sysusers.d/lobby-kiosk.conf", "/usr/bin/office",
                          "/usr/bin/officectl", "/lib/systemd/system/lobby-office.service",
                          "/usr/lib/sysusers.d/lobby-office.conf"};
    for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
        if (access(at(gone[i]), F_OK) == 0)
            fail_msg("%s is still there after make uninstall", gone[i]);
    assert_int_equal(access(at("/etc/lobby-kiosk/kiosk.conf"), F_OK), 0);
    assert_int_equal(access(at("/etc/lobby-kiosk/office.conf"), F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_and_modes),
        cmocka_unit_test(test_unit_file),
        cmocka_unit_test(test_unit_verifies),
        cmocka_unit_test(test_installed_kiosk_runs),
        cmocka_unit_test(test_kiosk_session_passes_the_status_on),
        cmocka_unit_test(test_reinstall_keeps_the_settings),
        cmocka_unit_test(test_uninstall_keeps_the_settings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
