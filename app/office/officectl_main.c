/* officectl_main.c - Lobby Office's admin tool: init, communities, kiosks, content, status. */
#include "office_bundle.h"
#include "office_conf.h"
#include "office_demo.h"
#include "office_feed.h"
#include "office_proof.h"
#include "office_retention.h"
#include "office_secret.h"
#include "ostore.h"
#include "content.h"
#include "seal.h"
#include "afile.h"

#include <errno.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { OCTL_OK = 0, OCTL_FAIL = 1, OCTL_USAGE = 2 };

typedef struct {
    OfficeConf conf;
    char db[OFFICE_PATH_MAX];
    int argc;
    char **argv;
    int64_t now;
} Octl;

typedef struct {
    const char *name, *args;
    int min_args, max_args;
    const char *summary;
    int (*run)(Octl *c);
} OctlCommand;

static Ostore *octl_open(Octl *c)
{
    char err[700];
    Ostore *s = ostore_open(c->db, err, sizeof err);
    if (!s)
        fprintf(stderr, "officectl: %s\n", err);
    return s;
}

static int octl_store_fail(Ostore *s, const char *what)
{
    fprintf(stderr, "officectl: %s: %s\n", what, ostore_error(s));
    ostore_close(s);
    return OCTL_FAIL;
}

static void octl_time(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!t || !localtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M %z", &tm))
        snprintf(out, n, "-");
}

/* ---- passwords ---- */

/* The longest password taken, as the console's API (office_staff.c). */
#define OCTL_PASSWORD_MAX 1024

/* One line from stdin without echo when it is a terminal: 0; -1 at the
 * end of input; -2 when the line is longer than n - 2 bytes (it is read
 * to its end and refused whole, never split into two lines). */
static int octl_read_line(const char *prompt, char *buf, size_t n)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *r = fgets(buf, (int)n, stdin);
    size_t len = r ? strlen(buf) : 0;
    bool cut = r && len == n - 1 && buf[len - 1] != '\n';
    if (cut) {
        int ch;
        while ((ch = getchar()) != EOF && ch != '\n')
            ;
    }
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    if (!r)
        return -1;
    if (cut) {
        sodium_memzero(buf, n);
        return -2;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* The password, read twice; its Argon2id string in out. */
static int octl_password(char out[crypto_pwhash_STRBYTES])
{
    char a[OCTL_PASSWORD_MAX + 2], b[OCTL_PASSWORD_MAX + 2];   /* + newline, NUL */
    int rc = OCTL_USAGE;
    int ra = octl_read_line("password: ", a, sizeof a);
    int rb = ra == -1 ? -1 : octl_read_line("password again: ", b, sizeof b);
    if (ra == -2 || rb == -2) {
        fprintf(stderr, "officectl: the password is longer than %d bytes\n", OCTL_PASSWORD_MAX);
    } else if (ra < 0 || rb < 0) {
        fprintf(stderr, "officectl: the password must be given twice (terminal or standard"
                " input)\n");
    } else if (strcmp(a, b) != 0) {
        fprintf(stderr, "officectl: the two passwords differ\n");
    } else if (strlen(a) < 10) {
        fprintf(stderr, "officectl: the password is too short (at least 10 characters)\n");
    } else if (office_password_hash(out, a) != 0) {
        fprintf(stderr, "officectl: out of memory hashing the password\n");
        rc = OCTL_FAIL;
    } else {
        rc = OCTL_OK;
    }
    sodium_memzero(a, sizeof a);
    sodium_memzero(b, sizeof b);
    return rc;
}

/* ---- init ---- */

static int octl_mkdir(const char *dir)
{
    if (mkdir(dir, 0700) == 0 || errno == EEXIST)
        return 0;
    fprintf(stderr, "officectl: %s: cannot create: %s\n", dir, strerror(errno));
    return -1;
}

static int octl_init(Octl *c)
{
    const char *org = NULL, *admin = NULL;
    for (int i = 0; i < c->argc; i++) {
        if (strcmp(c->argv[i], "--org") == 0 && i + 1 < c->argc)
            org = c->argv[++i];
        else if (strcmp(c->argv[i], "--admin") == 0 && i + 1 < c->argc)
            admin = c->argv[++i];
        else {
            fprintf(stderr, "officectl: init: unexpected \"%s\"\n", c->argv[i]);
            return OCTL_USAGE;
        }
    }
    if (!org || !*org || !admin || !*admin) {
        fprintf(stderr, "officectl: init needs --org NAME and --admin USER\n");
        return OCTL_USAGE;
    }
    /* Also with PostgreSQL: the office key lives in the data directory. */
    if (octl_mkdir(c->conf.data_dir) < 0)
        return OCTL_FAIL;
    /* Said before the password is asked for, not after it was typed twice. */
    Ostore *s = octl_open(c);
    if (!s)
        return OCTL_FAIL;
    char org_name[200];
    OstoreResult r = ostore_org_name(s, org_name, sizeof org_name);
    if (r != OSTORE_NOTFOUND) {
        if (r != OSTORE_OK)
            return octl_store_fail(s, "init");
        char shown[OFFICE_PATH_MAX];
        ostore_spec_display(c->db, shown, sizeof shown);
        fprintf(stderr, "officectl: %s is initialised already\n", shown);
        ostore_close(s);
        return OCTL_USAGE;
    }
    char pw[OFFICE_PW_HASH_SIZE];
    int rc = octl_password(pw);
    if (rc != OCTL_OK) {
        ostore_close(s);
        return rc;
    }
    char key[OFFICE_PATH_MAX];
    office_conf_key_path(&c->conf, key, sizeof key);
    if (key[0] && access(key, F_OK) != 0) {
        char dir[OFFICE_PATH_MAX], name[OFFICE_PATH_MAX], err[600];
        snprintf(dir, sizeof dir, "%s", key);
        snprintf(name, sizeof name, "%s", key);
        if (strcmp(basename(name), SEAL_KEY_NAME) != 0) {
            fprintf(stderr, "officectl: office_key %s does not exist; make it with kioskctl"
                    " keygen --out DIR and name DIR/office.key here\n", key);
            ostore_close(s);
            return OCTL_FAIL;
        }
        if (seal_keygen(dirname(dir), err, sizeof err) < 0) {
            fprintf(stderr, "officectl: %s\n", err);
            ostore_close(s);
            return OCTL_FAIL;
        }
        printf("made the office key pair: %s (secret, 0600) and its office.pub\n", key);
    }
    r = ostore_org_init(s, org, admin, pw, c->now);
    if (r == OSTORE_CONFLICT) {
        char shown[OFFICE_PATH_MAX];
        ostore_spec_display(c->db, shown, sizeof shown);
        fprintf(stderr, "officectl: %s is initialised already\n", shown);
        ostore_close(s);
        return OCTL_USAGE;
    }
    if (r != OSTORE_OK)
        return octl_store_fail(s, "init");
    char shown[OFFICE_PATH_MAX];
    ostore_spec_display(c->db, shown, sizeof shown);
    printf("initialised %s: organisation \"%s\", administrator \"%s\"\n", shown, org, admin);
    ostore_close(s);
    return OCTL_OK;
}

/* ---- communities ---- */

static bool octl_slug_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static int octl_community_row(void *ud, const OstoreCommunity *com)
{
    OstoreCounts n = {0};
    ostore_counts(ud, com->id, &n);
    printf("%-20s %s%s%s  kiosks %lld, suggestions %lld\n", com->slug, com->name_zh,
           com->name_en[0] ? " / " : "", com->name_en, (long long)n.kiosks,
           (long long)n.suggestions);
    return 0;
}

static int octl_community(Octl *c)
{
    const char *sub = c->argv[0];
    Ostore *s;
    if (strcmp(sub, "add") == 0 && (c->argc == 3 || c->argc == 4)) {
        if (!octl_slug_ok(c->argv[1])) {
            fprintf(stderr, "officectl: community \"%s\": use 1 to 63 of a-z, 0-9 and -\n",
                    c->argv[1]);
            return OCTL_USAGE;
        }
        if (!(s = octl_open(c)))
            return OCTL_FAIL;
        OstoreResult r = ostore_community_add(s, c->argv[1], c->argv[2],
                                              c->argc == 4 ? c->argv[3] : "", c->now, NULL);
        if (r == OSTORE_CONFLICT) {
            fprintf(stderr, "officectl: community %s exists already\n", c->argv[1]);
            ostore_close(s);
            return OCTL_USAGE;
        }
        if (r != OSTORE_OK)
            return octl_store_fail(s, "community add");
        printf("added community %s (%s)\n", c->argv[1], c->argv[2]);
        ostore_close(s);
        return OCTL_OK;
    }
    if (strcmp(sub, "list") == 0 && c->argc == 1) {
        if (!(s = octl_open(c)))
            return OCTL_FAIL;
        if (ostore_community_list(s, octl_community_row, s) != OSTORE_OK)
            return octl_store_fail(s, "community list");
        ostore_close(s);
        return OCTL_OK;
    }
    fprintf(stderr, "officectl: community: expected add SLUG NAME_ZH [NAME_EN] or list\n");
    return OCTL_USAGE;
}

/* The community named on the command line, or a message. */
static int octl_find_community(Ostore *s, const char *slug, OstoreCommunity *com)
{
    OstoreResult r = ostore_community_get(s, slug, com);
    if (r == OSTORE_NOTFOUND)
        fprintf(stderr, "officectl: no community \"%s\" (officectl community list)\n", slug);
    else if (r != OSTORE_OK)
        fprintf(stderr, "officectl: %s\n", ostore_error(s));
    return r == OSTORE_OK ? OCTL_OK : r == OSTORE_NOTFOUND ? OCTL_USAGE : OCTL_FAIL;
}

/* ---- staff users ---- */

static bool octl_user_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n >= 1 && n <= 32 &&
           strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

typedef struct {
    Ostore *s;
    int rc;
} OctlUsers;

static int octl_user_row(void *ud, const OstoreUser *u)
{
    OctlUsers *w = ud;
    int64_t ids[256];
    int n = 0;
    char list[1024] = "";
    if (strcmp(u->role, "admin") == 0) {
        snprintf(list, sizeof list, "(every community)");
    } else if (ostore_user_communities(w->s, u->id, ids, 256, &n) != OSTORE_OK) {
        w->rc = OCTL_FAIL;
        return 1;
    }
    for (int i = 0; i < n; i++) {
        OstoreCommunity c;
        if (ostore_community_by_id(w->s, ids[i], &c) == OSTORE_OK) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%s", len ? "," : "", c.slug);
        }
    }
    printf("%-20s %-8s %-9s %s\n", u->name, u->role, u->disabled_at ? "disabled" : "active",
           list);
    return 0;
}

static int octl_user(Octl *c)
{
    const char *sub = c->argv[0];
    Ostore *s;
    if (strcmp(sub, "list") == 0 && c->argc == 1) {
        if (!(s = octl_open(c)))
            return OCTL_FAIL;
        /* Collect first: the rows ask the store again. */
        OctlUsers w = {s, OCTL_OK};
        if (ostore_user_list(s, octl_user_row, &w) != OSTORE_OK)
            return octl_store_fail(s, "user list");
        ostore_close(s);
        return w.rc;
    }
    if (strcmp(sub, "disable") == 0 && c->argc == 2) {
        if (!(s = octl_open(c)))
            return OCTL_FAIL;
        OstoreUser u;
        OstoreResult r = ostore_user_get(s, c->argv[1], &u);
        if (r == OSTORE_NOTFOUND) {
            fprintf(stderr, "officectl: no user \"%s\" (officectl user list)\n", c->argv[1]);
            ostore_close(s);
            return OCTL_USAGE;
        }
        if (r == OSTORE_OK)
            r = ostore_user_disable(s, u.id, c->now);
        if (r == OSTORE_CONFLICT) {
            fprintf(stderr, "officectl: %s is the last active administrator; add another first"
                    " (officectl user add NAME --role admin)\n", u.name);
            ostore_close(s);
            return OCTL_USAGE;
        }
        if (r == OSTORE_OK)
            r = ostore_audit_add(s, c->now, 0, "officectl", "user.disable", 0, u.name, NULL);
        if (r != OSTORE_OK && r != OSTORE_NOTFOUND)
            return octl_store_fail(s, "user disable");
        printf("user %s is disabled; their sessions have ended\n", u.name);
        ostore_close(s);
        return OCTL_OK;
    }
    if (strcmp(sub, "add") == 0 && c->argc >= 2) {
        const char *name = c->argv[1], *role = NULL;
        const char *slugs[256];
        int n = 0;
        for (int i = 2; i < c->argc; i++) {
            if (strcmp(c->argv[i], "--role") == 0 && i + 1 < c->argc)
                role = c->argv[++i];
            else if (strcmp(c->argv[i], "--community") == 0 && i + 1 < c->argc && n < 256)
                slugs[n++] = c->argv[++i];
            else {
                fprintf(stderr, "officectl: user add: unexpected \"%s\"\n", c->argv[i]);
                return OCTL_USAGE;
            }
        }
        if (!octl_user_name_ok(name)) {
            fprintf(stderr, "officectl: user \"%s\": use 1 to 32 of letters, digits and . _ -\n",
                    name);
            return OCTL_USAGE;
        }
        if (!role || (strcmp(role, "admin") != 0 && strcmp(role, "manager") != 0 &&
                      strcmp(role, "clerk") != 0)) {
            fprintf(stderr, "officectl: user add needs --role admin, manager or clerk\n");
            return OCTL_USAGE;
        }
        bool admin = strcmp(role, "admin") == 0;
        if (!admin && n == 0) {
            fprintf(stderr, "officectl: a %s needs at least one --community SLUG\n", role);
            return OCTL_USAGE;
        }
        if (!(s = octl_open(c)))
            return OCTL_FAIL;
        int64_t ids[256];
        for (int i = 0; !admin && i < n; i++) {
            OstoreCommunity com;
            int rc = octl_find_community(s, slugs[i], &com);
            if (rc != OCTL_OK) {
                ostore_close(s);
                return rc;
            }
            ids[i] = com.id;
        }
        char pw[crypto_pwhash_STRBYTES];
        int rc = octl_password(pw);
        if (rc != OCTL_OK) {
            ostore_close(s);
            return rc;
        }
        OstoreResult r = ostore_user_add(s, name, pw, role, ids, admin ? 0 : n, c->now, NULL);
        if (r == OSTORE_CONFLICT) {
            fprintf(stderr, "officectl: user %s exists already\n", name);
            ostore_close(s);
            return OCTL_USAGE;
        }
        char summary[80];
        snprintf(summary, sizeof summary, "role %s, %d communities", role, admin ? 0 : n);
        if (r == OSTORE_OK)
            r = ostore_audit_add(s, c->now, 0, "officectl", "user.add", 0, name, summary);
        if (r != OSTORE_OK)
            return octl_store_fail(s, "user add");
        printf("added %s %s\n", role, name);
        ostore_close(s);
        return OCTL_OK;
    }
    fprintf(stderr, "officectl: user: expected add NAME --role ROLE [--community SLUG]...,"
            " list, or disable NAME\n");
    return OCTL_USAGE;
}

/* ---- kiosks ---- */

static void octl_print_code(Octl *c, const char *community, const char *name, const char *code,
                            int64_t expires)
{
    char when[64];
    octl_time(expires, when, sizeof when);
    printf("kiosk %s/%s: enrolment code %s (once, until %s)\n", community, name, code, when);
    if (c->conf.public_url[0])
        printf("on the kiosk: kioskctl --config /etc/lobby-kiosk/kiosk.conf enroll %s %s\n",
               c->conf.public_url, code);
}

static int octl_kiosk_row(void *ud, const OstoreKiosk *k)
{
    (void)ud;
    char seen[64];
    octl_time(k->last_seen_at, seen, sizeof seen);
    const char *state = k->revoked_at ? "revoked" : k->enrolled_at ? "enrolled" : "waiting";
    printf("%-20s %-20s %-9s last seen %s\n", k->community, k->name, state, seen);
    return 0;
}

static int octl_kiosk(Octl *c)
{
    const char *sub = c->argv[0];
    bool add = strcmp(sub, "add") == 0, code = strcmp(sub, "code") == 0,
         revoke = strcmp(sub, "revoke") == 0, list = strcmp(sub, "list") == 0;
    if (!((add || code || revoke) && c->argc == 3) && !(list && c->argc <= 2)) {
        fprintf(stderr, "officectl: kiosk: expected add|code|revoke COMMUNITY NAME,"
                " or list [COMMUNITY]\n");
        return OCTL_USAGE;
    }
    Ostore *s = octl_open(c);
    if (!s)
        return OCTL_FAIL;
    OstoreCommunity com = {0};
    int rc;
    if (c->argc >= 2 && (rc = octl_find_community(s, c->argv[1], &com)) != OCTL_OK) {
        ostore_close(s);
        return rc;
    }
    if (list) {
        if (ostore_kiosk_list(s, com.id, octl_kiosk_row, NULL) != OSTORE_OK)
            return octl_store_fail(s, "kiosk list");
        ostore_close(s);
        return OCTL_OK;
    }
    const char *name = c->argv[2];
    if (!*name || strlen(name) > 100) {
        fprintf(stderr, "officectl: kiosk name: 1 to 100 bytes\n");
        ostore_close(s);
        return OCTL_USAGE;
    }
    OstoreKiosk k;
    OstoreResult r = add ? OSTORE_OK : ostore_kiosk_get(s, com.id, name, &k);
    if (r == OSTORE_NOTFOUND) {
        fprintf(stderr, "officectl: no kiosk \"%s\" in %s (officectl kiosk list)\n", name, com.slug);
        ostore_close(s);
        return OCTL_USAGE;
    }
    if (r != OSTORE_OK)
        return octl_store_fail(s, "kiosk");
    if (revoke) {
        r = ostore_kiosk_revoke(s, k.id, c->now);
        if (r == OSTORE_NOTFOUND) {
            fprintf(stderr, "officectl: kiosk %s/%s is revoked already\n", com.slug, name);
            ostore_close(s);
            return OCTL_USAGE;
        }
        if (r != OSTORE_OK)
            return octl_store_fail(s, "kiosk revoke");
        printf("revoked kiosk %s/%s: its requests are refused from now on\n", com.slug, name);
        ostore_close(s);
        return OCTL_OK;
    }
    char cd[OFFICE_CODE_SIZE], hash[OSTORE_HASH_HEX];
    office_code_new(cd);
    office_hash_hex(cd, strlen(cd), hash);
    int64_t expires = c->now + (int64_t)c->conf.enrol_code_hours * 3600;
    r = add ? ostore_kiosk_add(s, com.id, name, hash, expires, c->now, NULL)
            : ostore_kiosk_new_code(s, k.id, hash, expires, c->now);
    if (r == OSTORE_CONFLICT || r == OSTORE_NOTFOUND) {
        fprintf(stderr, add ? "officectl: kiosk %s/%s exists already (kiosk code makes a new"
                              " enrolment code)\n"
                            : "officectl: kiosk %s/%s is revoked; add a new one\n",
                com.slug, name);
        ostore_close(s);
        return OCTL_USAGE;
    }
    if (r != OSTORE_OK)
        return octl_store_fail(s, "kiosk add");
    octl_print_code(c, com.slug, name, cd, expires);
    ostore_close(s);
    return OCTL_OK;
}

/* ---- content ---- */

static int octl_content(Octl *c)
{
    const char *sub = c->argv[0];
    bool import = strcmp(sub, "import") == 0 && c->argc == 3;
    bool export = strcmp(sub, "export") == 0 && (c->argc == 2 || c->argc == 3);
    if (!import && !export) {
        fprintf(stderr, "officectl: content: expected import COMMUNITY FILE or export COMMUNITY"
                " [FILE]\n");
        return OCTL_USAGE;
    }
    char err[600];
    char *buf = NULL;
    size_t len = 0;
    if (import) {
        int rr = content_read_file(c->argv[2], &buf, &len, err, sizeof err);
        if (rr < 0) {
            fprintf(stderr, "officectl: %s: %s\n", c->argv[2], err);
            return rr == -2 ? OCTL_USAGE : OCTL_FAIL;
        }
    }
    Ostore *s = octl_open(c);
    OstoreCommunity com;
    int rc = s ? octl_find_community(s, c->argv[1], &com) : OCTL_FAIL;
    if (rc != OCTL_OK)
        goto out;
    if (import) {
        int r = office_feed_import(s, com.id, buf, len, c->now, err, sizeof err);
        if (r != OFFICE_FEED_OK) {
            fprintf(stderr, "officectl: %s: %s\n", c->argv[2], err);
            rc = r == OFFICE_FEED_INVALID ? OCTL_USAGE : OCTL_FAIL;
            goto out;
        }
    }
    OstoreFeed f;
    int r = office_feed_current(s, com.id, c->now, &f, err, sizeof err);
    if (r != OFFICE_FEED_OK || !f.json) {
        fprintf(stderr, "officectl: %s: %s\n", com.slug, err);
        ostore_feed_free(&f);
        rc = OCTL_FAIL;
        goto out;
    }
    if (import) {
        printf("imported %s into %s: content %s\n", c->argv[2], com.slug, f.etag);
    } else if (c->argc == 3) {
        if (afile_write(c->argv[2], f.json, f.len, 0644, 0, err, sizeof err) < 0) {
            fprintf(stderr, "officectl: %s\n", err);
            rc = OCTL_FAIL;
        } else {
            fprintf(stderr, "exported %s to %s: content %s\n", com.slug, c->argv[2], f.etag);
        }
    } else if (fwrite(f.json, 1, f.len, stdout) != f.len || fflush(stdout) != 0) {
        rc = OCTL_FAIL;
    }
    ostore_feed_free(&f);
out:
    free(buf);
    ostore_close(s);
    return rc;
}

/* ---- proof of posting, purge, backup ---- */

static int octl_posting(Octl *c)
{
    const char *csv = NULL;
    if (c->argc == 4 && strcmp(c->argv[2], "--csv") == 0 && *c->argv[3]) {
        csv = c->argv[3];
    } else if (c->argc != 2) {
        fprintf(stderr, "officectl: posting: expected COMMUNITY NOTICE_ID [--csv FILE]\n");
        return OCTL_USAGE;
    }
    Ostore *s = octl_open(c);
    if (!s)
        return OCTL_FAIL;
    OstoreCommunity com;
    int rc = octl_find_community(s, c->argv[0], &com);
    if (rc != OCTL_OK) {
        ostore_close(s);
        return rc;
    }
    Proof p;
    int r = office_proof_make(s, &c->conf, &com, c->argv[1], c->now, &p);
    if (r < 0)
        return octl_store_fail(s, "posting");
    ostore_close(s);
    if (r > 0) {
        fprintf(stderr, "officectl: %s never served a notice \"%s\" (its content held no such"
                " id since the office recorded it)\n", com.slug, c->argv[1]);
        return OCTL_USAGE;
    }
    office_proof_print(&p, stdout);
    rc = OCTL_OK;
    if (csv) {
        size_t len = 0;
        char *text = office_proof_csv(&p, &len), err[600];
        if (!text) {
            fprintf(stderr, "officectl: out of memory\n");
            rc = OCTL_FAIL;
        } else if (afile_write(csv, text, len, 0644, 0, err, sizeof err) < 0) {
            fprintf(stderr, "officectl: %s\n", err);
            rc = OCTL_FAIL;
        } else {
            fprintf(stderr, "wrote %s\n", csv);
        }
        free(text);
    }
    office_proof_free(&p);
    return rc;
}

static int octl_purge(Octl *c)
{
    Ostore *s = octl_open(c);
    if (!s)
        return OCTL_FAIL;
    OfficeRetentionReport rep;
    if (office_retention_run(s, &c->conf, c->now, &rep) < 0)
        return octl_store_fail(s, "purge");
    printf("purged: %lld suggestion texts (closed over %d days ago), %lld contacts of closed"
           " suggestions, %lld heartbeats, %lld unused pictures\n", (long long)rep.texts,
           c->conf.retention_days, (long long)rep.contacts, (long long)rep.heartbeats,
           (long long)rep.images);
    ostore_close(s);
    return OCTL_OK;
}

static int octl_backup(Octl *c)
{
    Ostore *s = octl_open(c);
    if (!s)
        return OCTL_FAIL;
    if (ostore_backup(s, c->argv[0]) != OSTORE_OK)
        return octl_store_fail(s, "backup");
    printf("backed up %s to %s\n", c->db, c->argv[0]);
    ostore_close(s);
    return OCTL_OK;
}

/* ---- status ---- */

static int octl_status(Octl *c)
{
    Ostore *s = octl_open(c);
    if (!s)
        return OCTL_FAIL;
    char org[256];
    OstoreResult r = ostore_org_name(s, org, sizeof org);
    if (r == OSTORE_ERROR)
        return octl_store_fail(s, "status");
    OstoreCounts n;
    if (ostore_counts(s, 0, &n) != OSTORE_OK)
        return octl_store_fail(s, "status");
    char key[OFFICE_PATH_MAX];
    office_conf_key_path(&c->conf, key, sizeof key);
    char shown[OFFICE_PATH_MAX];
    ostore_spec_display(c->db, shown, sizeof shown);
    printf("database:     %s (schema %d)\n", shown, ostore_schema_version(s));
    printf("organisation: %s\n", r == OSTORE_OK ? org : "(not initialised: officectl init)");
    printf("office key:   %s\n", !key[0] ? "none (sealing off)"
                                 : access(key, R_OK) == 0 ? key : "missing");
    printf("kiosks:       %lld (%lld enrolled and not revoked)\n", (long long)n.kiosks,
           (long long)n.kiosks_live);
    printf("suggestions:  %lld (%lld unreadable), contacts %lld, ratings %lld, heartbeats %lld\n",
           (long long)n.suggestions, (long long)n.unreadable, (long long)n.contacts,
           (long long)n.ratings, (long long)n.heartbeats);
    ostore_close(s);
    return OCTL_OK;
}

/* ---- USB bundles (office_bundle.c) ---- */

static int octl_import_bundle(Octl *c)
{
    return office_bundle_cmd(&c->conf, c->db, c->argc, c->argv, c->now);
}

/* ---- example data for trying the console (office_demo.c) ---- */

static int octl_demo(Octl *c)
{
    return office_demo_cmd(&c->conf, c->db, c->argc, c->argv, c->now);
}

static const OctlCommand octl_commands[] = {
    {"init", "--org NAME --admin USER", 0, 4,
     "make the database, the office key pair and the first administrator\n"
     "            (password read twice from the terminal or standard input)", octl_init},
    {"user", "add NAME --role admin|manager|clerk [--community SLUG]... | list | disable NAME",
     1, 520, "add a staff user (password read twice), list them, or disable one\n"
     "            (their sessions end at once)", octl_user},
    {"community", "add SLUG NAME_ZH [NAME_EN] | list", 1, 4,
     "add a community, or list them", octl_community},
    {"kiosk", "add|code|revoke COMMUNITY NAME | list [COMMUNITY]", 1, 3,
     "add a kiosk (prints its one-time enrolment code), make a new code,\n"
     "            revoke one (its requests get 401), or list them", octl_kiosk},
    {"content", "import COMMUNITY FILE | export COMMUNITY [FILE]", 2, 3,
     "take a content document (docs/CONTENT.md) for a community, or write\n"
     "            the community's current document", octl_content},
    {"import-bundle", "DIR [--kiosk COMMUNITY/NAME [--trust FINGERPRINT]]", 1, 5,
     "store a kiosk's USB bundle (docs/EXPORT.md) once its signature, files and\n"
     "            kiosk check out; what was uploaded too is stored once", octl_import_bundle},
    {"posting", "COMMUNITY NOTICE_ID [--csv FILE]", 2, 4,
     "proof of posting: on which kiosks the notice was on show, from when\n"
     "            to when, with the gaps (and as CSV)", octl_posting},
    {"purge", "", 0, 0, "delete what retention says is due (docs/OFFICE.md, \"Retention\")",
     octl_purge},
    {"backup", "FILE", 1, 1, "a consistent copy of the database into a new FILE (SQLite;\n"
     "            on PostgreSQL use pg_dump)", octl_backup},
    {"status", "", 0, 0, "the database, the key and what was received", octl_status},
    {"demo", "COMMUNITY KIOSK USER", 3, 3,
     "example suggestions (some overdue), replies, a contact and ratings in an\n"
     "            empty inbox, for trying the console; a second run adds nothing", octl_demo},
};

static void octl_usage(FILE *f)
{
    fprintf(f, "usage: officectl [--config FILE] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof octl_commands / sizeof *octl_commands; i++)
        fprintf(f, "  %s %s\n            %s\n", octl_commands[i].name, octl_commands[i].args,
                octl_commands[i].summary);
    fprintf(f, "\noptions:\n"
            "  --config FILE  the office's settings (default: $OFFICE_CONFIG, else\n"
            "                 " OFFICE_CONF_PATH " when it exists; docs/OFFICE.md)\n"
            "  -h, --help     this help\n"
            "\nexit status: 0 success, 1 failure (I/O, database), 2 bad input or usage\n");
}

int main(int argc, char **argv)
{
    const char *config = getenv("OFFICE_CONFIG");
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            octl_usage(stdout);
            return OCTL_OK;
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc && *argv[i + 1]) {
            config = argv[++i];
        } else {
            fprintf(stderr, "officectl: bad option \"%s\"\n", argv[i]);
            octl_usage(stderr);
            return OCTL_USAGE;
        }
    }
    if (i == argc) {
        octl_usage(stderr);
        return OCTL_USAGE;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "officectl: libsodium cannot start\n");
        return OCTL_FAIL;
    }
    static Octl c;
    office_conf_defaults(&c.conf);
    if ((!config || !*config) && access(OFFICE_CONF_PATH, F_OK) == 0)
        config = OFFICE_CONF_PATH;
    char err[800];
    if (config && *config && office_conf_load(&c.conf, config, err, sizeof err) < 0) {
        fprintf(stderr, "officectl: %s\n", err);
        return OCTL_USAGE;
    }
    office_conf_database(&c.conf, c.db, sizeof c.db);
    c.now = (int64_t)time(NULL);
    for (size_t k = 0; k < sizeof octl_commands / sizeof *octl_commands; k++) {
        const OctlCommand *cmd = &octl_commands[k];
        if (strcmp(argv[i], cmd->name) != 0)
            continue;
        c.argc = argc - i - 1;
        c.argv = argv + i + 1;
        if (c.argc < cmd->min_args || c.argc > cmd->max_args) {
            fprintf(stderr, "officectl: %s: wrong number of arguments\nusage: officectl %s %s\n",
                    cmd->name, cmd->name, cmd->args);
            return OCTL_USAGE;
        }
        return cmd->run(&c);
    }
    fprintf(stderr, "officectl: unknown command \"%s\" (try officectl --help)\n", argv[i]);
    return OCTL_USAGE;
}
