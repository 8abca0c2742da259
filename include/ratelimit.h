/* ratelimit.h - a token bucket on an injected millisecond clock.
 *
 * Holds at most `burst` tokens and gains one every `refill_ms`; each
 * accepted action takes one. With burst 3 and 300 000 ms a kiosk accepts
 * three suggestions at once, then one every five minutes. Time is passed
 * in (any monotonic milliseconds), so tests use a fixed clock. The struct
 * is plain data: no allocation, copy freely. */
#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int burst;           /* capacity, >= 1 */
    int64_t refill_ms;   /* time to gain one token, >= 1 */
    int tokens;          /* 0..burst */
    int64_t stamp;       /* while not full: when the next token started to grow */
} RateLimit;

/* Start full at time `now`. burst < 1 is taken as 1, refill_ms < 1 as 1. */
void rl_init(RateLimit *rl, int burst, int64_t refill_ms, int64_t now);

/* Take one token at `now`: true when there was one, false (nothing taken)
 * when the caller must wait. A clock that went backwards grants nothing
 * and restarts the current refill from `now`. */
bool rl_take(RateLimit *rl, int64_t now);

/* Milliseconds from `now` until rl_take would succeed: 0 when a token is
 * available, at most refill_ms otherwise. Changes nothing (a view may ask). */
int64_t rl_wait_ms(const RateLimit *rl, int64_t now);

#endif
