/* sim.h: the deterministic simulator's public entry points.
 *
 * Method: sim_run() builds a virtual world from a scenario (simulated
 * redis-server data nodes, sentinels each wrapping one core, a virtual
 * network and an optional write workload), executes the scenario's
 * timeline in virtual time and fills a `struct rep_run` exactly as real
 * mode does, so that reports/ judges both on the same terms. The same
 * (scenario, seed, options) always yields a byte-identical event log.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_SIM_H
#define SENTSIM_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/run.h"
#include "scenarios/scenario.h"

#define SIM_OK       0
#define SIM_E_NOMEM  -1 /* the run's fixed-size memory could not be allocated */
#define SIM_E_CONFIG -2 /* a core rejected the sentinel config built from the scenario */
#define SIM_E_LIMIT  -3 /* the scenario exceeds a simulator bound (processes, ports) */

struct core_sentinel;
struct core_output;

/* A harness observer (the chaos invariants, sim/chaos_run.c), called
 * synchronously inside sim_run(). Any callback may be NULL. */
struct sim_observer {
    /* After every core_step() of sentinel `sentinel` (START included) once its
     * outputs were carried out; `core` is its live state for read-only views.
     * Returning true ends the run at once. */
    bool (*core_step_cb)(void *ud,
                         uint64_t t_ms,
                         uint32_t sentinel,
                         const struct core_sentinel *core,
                         const struct core_output *outs,
                         size_t outs_len);
    /* A sentinel process came up (before its START step) or went down. */
    void (*sentinel_cb)(void *ud, uint64_t t_ms, uint32_t sentinel, bool up);
    /* Timeline step `step` finished (a WAIT: satisfied or timed out). */
    void (*timeline_cb)(void *ud, uint64_t t_ms, uint32_t step);
    void *ud;
};

/* Knobs of the data-node and network model that scenarios do not set. */
struct sim_options {
    bool explain;             /* ask the cores for EXPLAIN records (also scn->explain) */
    uint32_t node_load_ms;    /* a restarted node answers -LOADING for this long */
    uint32_t full_sync_ms;    /* full resync duration (real mode: diskless, no delay) */
    uint32_t partial_sync_ms; /* partial resync duration after the handshake */
    uint32_t repl_timeout_ms; /* a silent master link is dropped after this (repl-timeout) */
    uint64_t events_max;      /* bound on processed events; exceeding it fails the run */
    const struct sim_observer *observer; /* NULL: none (the default) */
    bool wait_timeout_continues;         /* a timed-out WAIT is logged and the timeline goes on */
};

/* The defaults: node_load_ms 0, full_sync_ms 20, partial_sync_ms 2,
 * repl_timeout_ms 60000, events_max 50 million. */
void sim_options_default(struct sim_options *opt);

/* Runs `scn` with `seed` (`opt` NULL: the defaults). `out` is initialized here (rep_run_init) and
 * must be released with rep_run_free() by the caller whatever the result. Returns SIM_OK when the
 * run was carried out (its expectations are judged separately with rep_expect_check), or a negative
 * SIM_E_* code. A wait that timed out is not an error: it is recorded in out->failure. */
int sim_run(const struct scn *scn,
            uint64_t seed,
            const struct sim_options *opt,
            struct rep_run *out);

/* What a run cost, for benchmarks: events processed and core steps taken. */
struct sim_stats {
    uint64_t events;
    uint64_t core_steps;
    uint64_t virtual_ms;
};

/* sim_run() that also reports its cost. */
int sim_run_stats(const struct scn *scn,
                  uint64_t seed,
                  const struct sim_options *opt,
                  struct rep_run *out,
                  struct sim_stats *stats);

/* `sentsim run ...`: see sim/cmd.c for the options. Exit 0 pass, 1 fail, 2 bad input. */
int sim_cmd_run(int argc, char **argv);

#endif
