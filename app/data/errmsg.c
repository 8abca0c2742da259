/* errmsg.c - writing an error message into the caller's buffer. */
#include "errmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

void errmsg(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    errno = saved;
}
