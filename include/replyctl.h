/* replyctl.h - `kioskctl seal-replies`: a content file's replies into the
 * sealed form (docs/CONTENT.md, "Sealed replies"), for an office that still
 * writes its content by hand and for the sample content. */
#ifndef REPLYCTL_H
#define REPLYCTL_H

enum { REPLYCTL_OK = 0, REPLYCTL_FAIL = 1, REPLYCTL_USAGE = 2 };

/* Arguments: [--salt HEX] [--replies FILE] IN OUT. Reads the content file
 * IN; seals its plain replies (or those of FILE, a JSON array of plain
 * replies, which then replace IN's) under a new random salt (or --salt, 32
 * hex digits, to keep the salt of an earlier feed); writes the validated
 * document to OUT atomically (OUT may be IN). Prints one line of counts on
 * stdout, never a receipt or a reply. Returns REPLYCTL_OK, REPLYCTL_USAGE
 * for bad arguments or invalid content (the message names the place), or
 * REPLYCTL_FAIL for I/O errors. */
int replyctl_seal(int argc, char **argv);

#endif
