/* fuzz_check.h - the invariant check used by the fuzz targets (not a public header). */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stddef.h>

/* Print "file:line: invariant failed: what" with the input's size and abort. */
_Noreturn void fz_fail(const char *file, int line, const char *what);

#define FZ_CHECK(cond) ((cond) ? (void)0 : fz_fail(__FILE__, __LINE__, #cond))

/* Read a little-endian integer of `n` bytes (0 past the end) and advance. */
typedef struct { const unsigned char *p; size_t n; } FzIn;
unsigned fz_byte(FzIn *in);
unsigned fz_u16(FzIn *in);

#endif
