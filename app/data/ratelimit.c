/* ratelimit.c - token bucket with an injected clock (integer arithmetic, exact). */
#include "ratelimit.h"

void rl_init(RateLimit *rl, int burst, int64_t refill_ms, int64_t now)
{
    rl->burst = burst < 1 ? 1 : burst;
    rl->refill_ms = refill_ms < 1 ? 1 : refill_ms;
    rl->tokens = rl->burst;
    rl->stamp = now;
}

/* Add the tokens earned since stamp. */
static void rl_refill(RateLimit *rl, int64_t now)
{
    if (rl->tokens >= rl->burst) {
        rl->stamp = now;
        return;
    }
    if (now < rl->stamp) {        /* clock went backwards */
        rl->stamp = now;
        return;
    }
    int64_t earned = (now - rl->stamp) / rl->refill_ms;
    if (earned >= rl->burst - rl->tokens) {
        rl->tokens = rl->burst;
        rl->stamp = now;
    } else {
        rl->tokens += (int)earned;
        rl->stamp += earned * rl->refill_ms;
    }
}

bool rl_take(RateLimit *rl, int64_t now)
{
    rl_refill(rl, now);
    if (rl->tokens == 0)
        return false;
    rl->tokens--;     /* a full bucket's refill starts now (stamp = now above) */
    return true;
}

int64_t rl_wait_ms(const RateLimit *rl, int64_t now)
{
    RateLimit copy = *rl;
    rl_refill(&copy, now);
    if (copy.tokens > 0)
        return 0;
    return copy.stamp + copy.refill_ms - now;
}
