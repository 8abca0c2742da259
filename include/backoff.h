/* backoff.h - when to try a failed upload again: exponential backoff with
 * full jitter, and the server's Retry-After. Pure functions. */
#ifndef BACKOFF_H
#define BACKOFF_H

#include <stdint.h>

/* Longest Retry-After honoured, in seconds; a larger value is cut to it so
 * a broken server cannot park the queue for weeks. */
#define BACKOFF_RETRY_AFTER_MAX_S (24 * 3600)

/* A uniform random number in [0, upper) (upper >= 1). */
typedef uint32_t (*BackoffRng)(uint32_t upper, void *ctx);

/* The wait before try number failures + 1, after `failures` (>= 1) failed
 * tries: a uniform random value in [0, min(cap_ms, base_ms * 2^(failures-1))]
 * ("full jitter"). `rng` NULL uses libsodium's randombytes_uniform. The
 * ceiling never overflows (it saturates at cap_ms); cap_ms is at most
 * UINT32_MAX - 1 ms. Returns 0 when base_ms or cap_ms is <= 0. */
int64_t backoff_delay_ms(int failures, int64_t base_ms, int64_t cap_ms,
                         BackoffRng rng, void *ctx);

/* An HTTP-date (RFC 9110 5.6.7) in any of its three forms, exactly (no
 * spaces around): returns 0 with Unix seconds in *out, or -1. */
int backoff_http_date(const char *s, int64_t *out);

/* Parse a Retry-After value (RFC 9110 10.2.3): delay-seconds ("120") or an
 * HTTP-date in IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") or either
 * obsolete form (RFC 850, asctime). Spaces around are ignored. On success
 * returns 0 with the wait in *delay_s: never negative (a date in the past
 * is 0) and at most BACKOFF_RETRY_AFTER_MAX_S. Returns -1 (and leaves
 * *delay_s alone) for anything else. */
int backoff_retry_after(const char *value, int64_t now_s, int64_t *delay_s);

/* The wait after a failed try: the jittered backoff, or the Retry-After
 * (ms) when that is longer. retry_after_ms < 0 means none was given. */
int64_t backoff_next_ms(int failures, int64_t base_ms, int64_t cap_ms,
                        int64_t retry_after_ms, BackoffRng rng, void *ctx);

#endif
