/* errmsg.h - the one way a module writes its error message: printf into
 * the caller's (err, errlen) buffer. Every layer may use it. */
#ifndef ERRMSG_H
#define ERRMSG_H

#include <stddef.h>

/* vsnprintf fmt into err when err is non-NULL and errlen > 0 (cut to fit,
 * always NUL-terminated); nothing otherwise. errno is left as it was, so
 * a caller may still read it after writing the message. */
void errmsg(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
