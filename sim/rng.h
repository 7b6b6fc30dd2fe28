/* rng.h: the simulator's seeded random streams.
 *
 * Method: one run seed is split into independent streams (network, faults,
 * workload, data nodes, and one per sentinel for its core's seed), so that
 * drawing one more number for, say, network latency never shifts what the
 * fault or workload streams produce. Each stream is a xoshiro256** state
 * seeded through splitmix64 from (seed, stream id).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_RNG_H
#define SENTSIM_SIM_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stream ids. Sentinel i uses SIM_STREAM_SENTINEL + i. FAULTS is reserved
 * for fault generators (the chaos explorer draws from its own stream). */
enum sim_stream {
    SIM_STREAM_NETWORK = 1,
    SIM_STREAM_FAULTS = 2,
    SIM_STREAM_WORKLOAD = 3,
    SIM_STREAM_NODES = 4,
    SIM_STREAM_SENTINEL = 64,
};

struct sim_rng {
    uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream);
uint64_t sim_rng_next(struct sim_rng *r);

/* Uniform in [0, n); n must be > 0. */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n);

/* Uniform in [lo, hi]. */
uint64_t sim_rng_range(struct sim_rng *r, uint64_t lo, uint64_t hi);

/* True with probability num/den (den 0: never). Integer arithmetic only. */
bool sim_rng_ratio(struct sim_rng *r, uint32_t num, uint32_t den);

/* Writes `n` lowercase hex digits and a NUL into out[n + 1]. */
void sim_rng_hex(struct sim_rng *r, char *out, size_t n);

#endif
