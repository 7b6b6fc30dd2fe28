/* chaos_pool.h: running a batch of seeds in worker processes (sim/chaos_pool.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_CHAOS_POOL_H
#define SENTSIM_SIM_CHAOS_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/chaos.h"

struct sim_chaos_batch_opts {
    uint64_t first, last;      /* inclusive seed range */
    uint32_t shard_k, shard_n; /* 1/1: every seed */
    uint32_t jobs;             /* worker processes, 1..256 */
    uint64_t time_limit_ms;    /* 0: none; else stop taking seeds after this */
    struct sim_chaos_gen_options gen;
    bool progress; /* a progress line on stderr */
};

struct sim_chaos_batch {
    uint64_t runs;       /* seeds run */
    uint64_t max_seed;   /* the highest seed run */
    uint64_t judged;     /* runs whose liveness was judged */
    uint64_t elapsed_ms; /* wall time */
    uint32_t found_len, found_cap;
    struct sim_chaos_result *found;             /* seeds with a finding, by seed */
    uint64_t inv_count[SIM_CHAOS_INV_COUNT][3]; /* findings per invariant and class */
    uint64_t seeds_lost[2];                     /* seeds that lost acked writes: [0] without,
                                                   [1] with min-replicas-to-write */
    uint64_t writes_lost[2];
    uint64_t writes_acked;
    struct sim_chaos_cov cov;
};

/* Seeds of the range the shard owns. */
uint64_t sim_chaos_batch_total(const struct sim_chaos_batch_opts *o);

/* Runs the batch. Returns 0, or -1 when a pipe or fork failed (errno set). */
int sim_chaos_batch_run(const struct sim_chaos_batch_opts *o, struct sim_chaos_batch *out);
void sim_chaos_batch_free(struct sim_chaos_batch *b);

/* Wall-clock milliseconds from a monotonic clock (never logged or hashed). */
uint64_t sim_chaos__mono_ms(void);

#endif
