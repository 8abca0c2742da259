/* imgcache.h - the kiosk's content-addressed picture cache in the data dir.
 *
 * DIR/images/<sha256> holds a picture's bytes, named by their SHA-256, put
 * only after the hash matches and image_probe accepts the file; a refused
 * picture leaves DIR/images/<sha256>.bad with the reason, so it is not
 * fetched again and again. Files are written to a temporary name and
 * renamed, so a reader never sees half a picture. Use sets a file's
 * modification time, which orders eviction (least recently used first);
 * imgcache_evict never removes a picture that the given content needs.
 * One ImgCache per thread; several processes may share the directory. */
#ifndef IMGCACHE_H
#define IMGCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "content.h"

/* The default bound on the cache's size (config `image_cache_mb`). */
#define IMGCACHE_DEFAULT_MAX (256LL * 1024 * 1024)

typedef struct ImgCache ImgCache;

/* Open (creating DIR/images, mode 0700) a cache bounded to max_bytes
 * (0: IMGCACHE_DEFAULT_MAX). Returns NULL with a message in err. */
ImgCache *imgcache_open(const char *data_dir, int64_t max_bytes, char *err, size_t errlen);
void imgcache_close(ImgCache *c);   /* NULL accepted */

/* Whether the picture with this hash (64 hex digits) is in the cache. */
bool imgcache_has(ImgCache *c, const char *sha256);

/* Whether it was refused before; copies the reason into why when so. */
bool imgcache_refused(ImgCache *c, const char *sha256, char *why, size_t whylen);

/* Keep `len` bytes as the picture `sha256`: refused (returns -1, message
 * in err, the reason kept as .bad) when their SHA-256 differs or
 * image_probe refuses them; -2 with a message on an I/O error (nothing
 * kept). 0 when stored (or already there). */
int imgcache_put(ImgCache *c, const char *sha256, const void *buf, size_t len,
                 char *err, size_t errlen);

/* Mark `sha256` refused with `why` (a download over the size limit, say)
 * without bytes to check; imgcache_refused then reports it. */
void imgcache_refuse(ImgCache *c, const char *sha256, const char *why);

/* Read the picture `sha256` into a new buffer (*buf, *len; caller frees),
 * checking its hash again (a damaged file is removed), and mark it used.
 * Returns 0, or -1 with a message when absent or damaged. */
int imgcache_get(ImgCache *c, const char *sha256, unsigned char **buf, size_t *len,
                 char *err, size_t errlen);

/* Remove least recently used pictures that `keep` (may be NULL) does not
 * need until the cache is within its bound, and every .bad mark that
 * `keep` no longer names. Returns how many pictures were removed, or -1. */
int imgcache_evict(ImgCache *c, const Content *keep);

/* Bytes of pictures in the cache now, or -1. */
int64_t imgcache_bytes(ImgCache *c);

/* Whether s is 64 lower-case hex digits (a name the cache accepts). */
bool imgcache_valid_name(const char *s);

#endif
