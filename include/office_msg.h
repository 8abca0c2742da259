/* office_msg.h - the staff's error messages in Chinese and English.
 *
 * The office's checks (and the kiosk's content validation it shares) word
 * their refusals in English, which API clients and the logs keep reading
 * as before. Every error answer also carries each message as a text
 * {"zh", "en"} for the console:
 *
 *   {"error": {"status", "code", "message": EN,
 *              "text": {"zh": ZH, "en": EN},
 *              "fields": {NAME: EN, ...},
 *              "fields_text": {NAME: {"zh": ZH, "en": EN}, ...}}}
 *
 * An invalid_field error worded "name: what is wrong" gets its "fields"
 * too, so the console can show it beside the control. The Chinese comes
 * from one table of the English wordings (a % in a wording stands for the
 * value it quotes); a wording missing from it has no "zh", which the
 * message tests catch (tests/test_office_messages.c). */
#ifndef OFFICE_MSG_H
#define OFFICE_MSG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The Chinese of an English message (with or without a leading "name: "),
 * into out. false (out "") when the table does not know it. */
bool office_msg_zh(const char *en, char *out, size_t n);

/* Add "text", "fields_text" (and "fields" for a one-field invalid_field
 * message) to an error answer {"error": {...}}; anything else is left as
 * it is. */
void office_msg_annotate(json_t *answer);

#endif
