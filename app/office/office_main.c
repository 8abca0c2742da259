/* office_main.c - the Lobby Office server program: settings, start, wait for SIGTERM, stop. */
#include "office.h"
#include "version.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void office_usage(FILE *f)
{
    fprintf(f, "usage: office [--config FILE]\n"
            "  --config FILE  settings (default: $OFFICE_CONFIG, else " OFFICE_CONF_PATH
            " when it exists, else the built-in defaults; docs/OFFICE.md)\n"
            "  -h, --help     this help\n"
            "Runs until SIGTERM or SIGINT; prints \"office: listening on URL\" once ready.\n");
}

int main(int argc, char **argv)
{
    const char *config = getenv("OFFICE_CONFIG");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            office_usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        } else {
            fprintf(stderr, "office: bad option \"%s\"\n", argv[i]);
            office_usage(stderr);
            return 2;
        }
    }
    if ((!config || !*config) && access(OFFICE_CONF_PATH, F_OK) == 0)
        config = OFFICE_CONF_PATH;
    static OfficeConf conf;
    office_conf_defaults(&conf);
    char err[800];
    if (config && *config && office_conf_load(&conf, config, err, sizeof err) < 0) {
        fprintf(stderr, "office: %s\n", err);
        return 2;
    }
    /* Block the stop signals in every thread; main waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    Office *o = office_start(&conf, err, sizeof err);
    if (!o) {
        fprintf(stderr, "office: %s\n", err);
        return 1;
    }
    printf("office: listening on %s (lobby-office %s)\n", office_url(o), KIOSK_VERSION);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "office: stopping (%s)\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    office_stop(o);
    return 0;
}
