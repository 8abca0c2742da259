/* phone.h - telephone numbers as Chinese residents read and dial them. */
#ifndef PHONE_H
#define PHONE_H

#include <stddef.h>

/* Write the number s ("tel:" optional) grouped with hyphens into out (n
 * bytes, always terminated), as it is dialled in mainland China:
 *   400/800 service numbers  400-820-7788
 *   mobiles (11 digits)      138-1234-5678
 *   with an area code        010-1234-5678, 0571-8888-7777, 0571-888-7777
 *   local numbers            8765-4321, 876-4321
 * "+86" or "0086" is the domestic number (+86-571-8765-4321 is
 * 0571-8765-4321; +86 138... is 138-...); other separators ("-", ".",
 * spaces, brackets) are regrouped. Short numbers (110, 12345, 95588), other
 * countries' numbers and anything but digits and those separators are
 * copied as written. Returns the length written (truncated to n - 1). */
size_t phone_format(const char *s, char *out, size_t n);

#endif
