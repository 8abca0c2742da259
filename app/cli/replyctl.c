/* replyctl.c - kioskctl seal-replies: a content file's replies sealed (lookup and box, no receipts). */
#include "replyctl.h"
#include "afile.h"
#include "content.h"
#include "receipt.h"
#include "replyfeed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int replyctl_seal(int argc, char **argv)
{
    const char *salt_hex = NULL, *replies_path = NULL, *files[2];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--salt") == 0 && i + 1 < argc) {
            salt_hex = argv[++i];
        } else if (strcmp(argv[i], "--replies") == 0 && i + 1 < argc) {
            replies_path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kioskctl: seal-replies: unknown option or missing value \"%s\"\n",
                    argv[i]);
            return REPLYCTL_USAGE;
        } else if (nfiles < 2) {
            files[nfiles++] = argv[i];
        } else {
            fprintf(stderr, "kioskctl: seal-replies: too many arguments\n");
            return REPLYCTL_USAGE;
        }
    }
    if (nfiles != 2) {
        fprintf(stderr, "kioskctl: seal-replies: needs IN and OUT\n");
        return REPLYCTL_USAGE;
    }
    unsigned char salt[RECEIPT_SALT_BYTES];
    if (salt_hex && receipt_unhex(salt_hex, salt, sizeof salt) < 0) {
        fprintf(stderr, "kioskctl: seal-replies: --salt: expected %d hex digits\n",
                RECEIPT_SALT_HEX);
        return REPLYCTL_USAGE;
    }
    if (!salt_hex && receipt_new_salt(salt) < 0) {
        fprintf(stderr, "kioskctl: seal-replies: libsodium cannot start\n");
        return REPLYCTL_FAIL;
    }
    char err[600];
    char *doc = NULL, *replies = NULL;
    size_t len = 0, rlen = 0;
    int rc = content_read_file(files[0], &doc, &len, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "kioskctl: %s: %s\n", files[0], err);
        return rc == -2 ? REPLYCTL_USAGE : REPLYCTL_FAIL;
    }
    if (replies_path && (rc = content_read_file(replies_path, &replies, &rlen, err, sizeof err)) < 0) {
        fprintf(stderr, "kioskctl: %s: %s\n", replies_path, err);
        free(doc);
        return rc == -2 ? REPLYCTL_USAGE : REPLYCTL_FAIL;
    }
    char *out = replyfeed_seal_document(doc, len, replies, salt, err, sizeof err);
    free(doc);
    if (replies) {
        receipt_zero(replies, rlen);
        free(replies);
    }
    if (!out) {
        fprintf(stderr, "kioskctl: %s: %s\n", replies_path && strncmp(err, "replies", 7) == 0
                                                  ? replies_path : files[0], err);
        return REPLYCTL_USAGE;
    }
    size_t n = strlen(out);
    Content *c = content_parse(out, n, err, sizeof err);
    size_t sealed = c ? c->n_sealed : 0;
    content_free(c);
    out[n++] = '\n';   /* over the NUL: afile_write takes a length */
    rc = afile_write(files[1], out, n, 0644, 0, err, sizeof err);
    free(out);
    if (rc < 0) {
        fprintf(stderr, "kioskctl: %s\n", err);
        return REPLYCTL_FAIL;
    }
    printf("sealed %zu replies into %s\n", sealed, files[1]);
    return REPLYCTL_OK;
}
