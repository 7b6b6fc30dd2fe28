/* chaos_repro.h: shrinking a violation into a reproducer file (sim/chaos_repro.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_CHAOS_REPRO_H
#define SENTSIM_SIM_CHAOS_REPRO_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/chaos.h"

struct sim_chaos_repro_opts {
    const char *dir;    /* where reproducers go (created), e.g. reports/out/chaos */
    bool shrink;        /* false: write the schedule as generated */
    uint32_t tries_max; /* shrinker budget (candidate runs) */
};

struct sim_chaos_repro {
    char path[256];
    bool shrunk;
    bool verified; /* the written file, loaded and run, fails the same way */
    uint32_t fault_steps;
    struct sim_chaos_shrink_stats stats;
};

/* Shrinks `scn` (which violates v->inv with `seed`) and writes the result
 * as <dir>/seed-<seed>-<invariant>.yaml. Returns 0, -1 on I/O error, or
 * SIM_E_NOMEM. Crash findings are shrunk in child processes. */
int sim_chaos_reproduce(const struct scn *scn,
                        uint64_t seed,
                        const struct sim_chaos_violation *v,
                        const struct sim_chaos_repro_opts *o,
                        struct sim_chaos_repro *out);

/* Runs `cand` the way its file would run: written as YAML, loaded back,
 * then run under the checkers. Returns 0, or -1 if the YAML does not load
 * or the run failed to start. */
int sim_chaos_run_file_model(const struct scn *cand,
                             uint64_t seed,
                             const struct sim_chaos_violation *stop_at,
                             struct sim_chaos_result *out);

#endif
