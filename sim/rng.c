/* rng.c: splitmix64-seeded xoshiro256** streams.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim/rng.h"

#include "sim/check.h"

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream) {
    /* Mixing the stream id through its own splitmix step keeps streams of
     * neighbouring seeds unrelated (seed 1 stream 2 != seed 2 stream 1). */
    uint64_t x = stream * 0xd1342543de82ef95ULL;
    uint64_t mix = splitmix64(&x) ^ seed;
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&mix);
    }
    SIM_ASSERT((r->s[0] | r->s[1] | r->s[2] | r->s[3]) != 0);
}

uint64_t sim_rng_next(struct sim_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t sim_rng_below(struct sim_rng *r, uint64_t n) {
    SIM_ASSERT(n > 0);
    /* Rejection sampling: no modulo bias, and still deterministic. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do {
        v = sim_rng_next(r);
    } while (v >= limit);
    return v % n;
}

uint64_t sim_rng_range(struct sim_rng *r, uint64_t lo, uint64_t hi) {
    SIM_ASSERT(lo <= hi);
    if (lo == hi) { return lo; }
    return lo + sim_rng_below(r, hi - lo + 1);
}

bool sim_rng_ratio(struct sim_rng *r, uint32_t num, uint32_t den) {
    if (den == 0 || num == 0) { return false; }
    if (num >= den) { return true; }
    return sim_rng_below(r, den) < num;
}

void sim_rng_hex(struct sim_rng *r, char *out, size_t n) {
    static const char digits[] = "0123456789abcdef";
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 16 == 0) { bits = sim_rng_next(r); }
        out[i] = digits[bits & 15];
        bits >>= 4;
    }
    out[n] = '\0';
}
