/* rng.h: the core's only source of randomness, a seeded xoshiro256**.
 *
 * Method: the driver hands each sentinel one 64-bit seed (core_options.seed);
 * splitmix64 expands it into the 256-bit xoshiro256** state, as its authors
 * recommend, so that nearby seeds give unrelated streams. Independent
 * streams (hz jitter, ids, desync) come from core__rng_split(), so adding a
 * draw to one stream never shifts another. Nothing here reads a clock.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_RNG_H
#define SENTSIM_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256** state; never all zero once seeded. Copyable by value. */
struct core__rng {
    uint64_t s[4];
};

/* Seeds `r` from `seed` (any value, 0 included) through splitmix64. */
void core__rng_seed(struct core__rng *r, uint64_t seed);

/* Seeds `child` from one draw of `parent`: a new independent stream. */
void core__rng_split(struct core__rng *parent, struct core__rng *child);

/* Returns the next 64 uniformly distributed bits. */
uint64_t core__rng_next(struct core__rng *r);

/* Returns a value uniform in [0, n) without modulo bias (Lemire's
 * multiply-and-reject). n must be at least 1 (asserted). */
uint32_t core__rng_below(struct core__rng *r, uint32_t n);

/* Writes n lowercase hex digits to out and a NUL after them, so out must
 * hold n + 1 bytes; core__rng_hex(r, id, CORE_RUNID_LEN) makes a Sentinel id. */
void core__rng_hex(struct core__rng *r, char *out, size_t n);

#endif
