/* export_format.c - bundle files: hashed writes, JSON Lines records, Excel-safe CSV rows. */
#include "export_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void export_hex(const unsigned char h[crypto_hash_sha256_BYTES], char hex[65])
{
    sodium_bin2hex(hex, 65, h, crypto_hash_sha256_BYTES);
}

int export_file_open(ExportFile *f, const char *path)
{
    memset(f, 0, sizeof *f);
    crypto_hash_sha256_init(&f->sha);
    f->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    return f->fd < 0 ? -1 : 0;
}

void export_file_write(ExportFile *f, const void *data, size_t len)
{
    const char *p = data;
    while (!f->err && len > 0) {
        ssize_t w = write(f->fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->err = w < 0 ? errno : ENOSPC;
            return;
        }
        crypto_hash_sha256_update(&f->sha, (const unsigned char *)p, (size_t)w);
        f->bytes += w;
        p += w;
        len -= (size_t)w;
    }
}

int export_file_close(ExportFile *f, char hex[65])
{
    int e = f->err;
    if (!e && fsync(f->fd) < 0)
        e = errno;
    if (!e)   /* the read-back must come from the drive, not the page cache */
        posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED);
    if (close(f->fd) < 0 && !e)
        e = errno;
    f->fd = -1;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&f->sha, h);
    export_hex(h, hex);
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

int export_sha256_path(const char *path, char hex[65], int64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    unsigned char buf[65536];
    int64_t total = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        crypto_hash_sha256_update(&sha, buf, (size_t)r);
        total += r;
    }
    close(fd);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, h);
    export_hex(h, hex);
    if (size)
        *size = total;
    return 0;
}

char *export_jsonl_line(const OutboxRow *r)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:o}",
                          "id", r->id, "receipt", r->receipt, "date", r->day,
                          "topic", r->topic, "lang", r->lang, "state", r->state,
                          "sealed", r->sealed, "text", r->text ? r->text : "",
                          "contact", r->contact ? json_string(r->contact) : json_null());
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *line = realloc(s, n + 2);
    if (!line) {
        free(s);
        return NULL;
    }
    memcpy(line + n, "\n", 2);
    return line;
}

/* Whether a plain contact is a phone number Excel would turn into 1.38E+10. */
static int export_is_phone(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!(*p == ' ' || *p == '-' || (*p == '+' && p == s)))
            return 0;
    }
    return digits >= 8;
}

/* One CSV field: quoted when needed (RFC 4180: "" inside quotes). Resident
 * text is kept from being read as a formula: a leading = + - @ tab or CR
 * gets a ' in front (plain rows only; sealed base64 is opaque), and a
 * phone number becomes ="..." so Excel keeps every digit. */
static void export_csv_field(FILE *m, const char *s, int resident, int sealed)
{
    if (!s)
        return;
    if (resident && !sealed && export_is_phone(s)) {
        fprintf(m, "\"=\"\"%s\"\"\"", s);
        return;
    }
    int guard = resident && !sealed && strchr("=+-@\t\r", s[0]) && s[0];
    int quote = resident || guard || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', m);
    if (guard)
        fputc('\'', m);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', m);
        fputc(*p, m);
    }
    if (quote)
        fputc('"', m);
}

char *export_csv_line(const OutboxRow *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    char receipt[OUTBOX_RECEIPT_SIZE];
    outbox_format_receipt(r->receipt, receipt);
    const char *cells[] = { r->id, receipt, r->day, r->topic, r->lang };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        export_csv_field(m, cells[i], 0, r->sealed);
        fputc(',', m);
    }
    export_csv_field(m, r->text ? r->text : "", 1, r->sealed);
    fputc(',', m);
    export_csv_field(m, r->contact, 1, r->sealed);
    fputs("\r\n", m);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

void export_io_msg(char *err, size_t errlen, int e, const char *doing, const char *what)
{
    const char *why;
    switch (e) {
    case ENOSPC: case EDQUOT: case EFBIG:
        why = "the drive is full";
        break;
    case ENOENT: case ENODEV: case ENXIO: case EIO: case ESTALE: case ENOTDIR:
        why = "the drive was removed or stopped working";
        break;
    case EROFS: case EACCES: case EPERM:
        why = "the drive cannot be written (read-only or locked)";
        break;
    default:
        why = "the drive reported an error";
    }
    snprintf(err, errlen, "%s while %s %s (%s); nothing was marked exported",
             why, doing, what, strerror(e));
}
