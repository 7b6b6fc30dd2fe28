/* rng.c: xoshiro256** seeded by splitmix64 (see rng.h).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/rng.h"

#include "core/check.h"

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) {
    CORE_ASSERT(k > 0 && k < 64);
    return (x << k) | (x >> (64 - k));
}

void core__rng_seed(struct core__rng *r, uint64_t seed) {
    CORE_ASSERT(r != NULL);
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&x);
    }
    /* splitmix64 is a bijection of its counter, so four consecutive outputs
     * cannot all be zero; xoshiro's only forbidden state is thus avoided. */
    CORE_ASSERT((r->s[0] | r->s[1] | r->s[2] | r->s[3]) != 0);
}

void core__rng_split(struct core__rng *parent, struct core__rng *child) {
    CORE_ASSERT(parent != NULL);
    CORE_ASSERT(child != NULL);
    CORE_ASSERT(parent != child);
    core__rng_seed(child, core__rng_next(parent));
}

uint64_t core__rng_next(struct core__rng *r) {
    CORE_ASSERT(r != NULL);
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

uint32_t core__rng_below(struct core__rng *r, uint32_t n) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(n >= 1);
    /* Lemire: the high half of a 32x32 product is uniform once the low half
     * is outside the short range of 2^32 mod n values that would bias it. */
    uint64_t m = (core__rng_next(r) >> 32) * (uint64_t)n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) {
            m = (core__rng_next(r) >> 32) * (uint64_t)n;
            low = (uint32_t)m;
        }
    }
    uint32_t v = (uint32_t)(m >> 32);
    CORE_ASSERT(v < n);
    return v;
}

void core__rng_hex(struct core__rng *r, char *out, size_t n) {
    static const char digits[] = "0123456789abcdef";
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(out != NULL);
    uint64_t bits = 0;
    unsigned left = 0;
    for (size_t i = 0; i < n; i++) {
        if (left == 0) {
            bits = core__rng_next(r);
            left = 16;
        }
        out[i] = digits[bits & 0xf];
        bits >>= 4;
        left--;
    }
    out[n] = '\0';
}
