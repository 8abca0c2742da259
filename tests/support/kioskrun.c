/* kioskrun.c - test support: the real kiosk and kioskctl on a settings
 * file. */
#include "kioskrun.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc.h"
#include "tmpdir.h"

int kioskrun_conf(const char *conf, const char *dir, const char *upload)
{
    char text[2048], cwd[512];
    if (!getcwd(cwd, sizeof cwd))   /* the tests run from the source tree */
        return -1;
    int n = snprintf(text, sizeof text,
                     "; the kiosk's settings before enrolment\n"
                     "[kiosk]\ndata_dir = %s/kiosk\nshare_dir = %s\n\n[upload]\n%s", dir, cwd,
                     upload);
    if (n < 0 || (size_t)n >= sizeof text)
        return -1;
    return tmpdir_write(conf, text, (size_t)n) < 0 ? -1 : 0;
}

int kioskrun_ctl(const char *conf, char **out, char **err, const char *a, const char *b,
                 const char *c)
{
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("kioskctl"));
    char *argv[] = {bin, "--config", (char *)conf, (char *)a, (char *)b, (char *)c, NULL};
    return proc_run(argv, out, err);
}

void kioskrun_replay(const char *dir, const char *conf, const char *now, const char *script)
{
    char *sp = tmpdir_path(dir, "walk.replay");
    assert_int_equal(tmpdir_write(sp, script, strlen(script)), 0);
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("kiosk"));
    char *argv[] = {bin, "--replay", sp, "--config", (char *)conf, "--now", (char *)now,
                    "--size", "1280x800", NULL};
    char *err = NULL;
    int rc = proc_run(argv, NULL, &err);
    if (rc != 0)
        fail_msg("kiosk exited %d: %s", rc, err ? err : "");
    free(err);
    free(sp);
}
