/* real.h: real mode's public entry points.
 *
 * Method: real_run() carries out a scenario against real processes
 * (redis-server data nodes and redis-sentinel or `sentsim sentinel`
 * sentinels) and fills the same `struct rep_run` the simulator fills, so
 * reports/ judges both on the same terms. The `sentsim` subcommands are thin
 * wrappers around it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_REAL_H
#define SENTSIM_REAL_REAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "real/proc.h"
#include "reports/run.h"
#include "scenarios/scenario.h"

#define REAL_OK            0
#define REAL_E_RUN         (-1) /* the run could not be carried out (start-up, readiness, I/O) */
#define REAL_E_BAD         (-2) /* a step cannot be realised here: refused before starting */
#define REAL_E_INTERRUPTED (-3) /* SIGINT/SIGTERM: everything was cleaned up */

struct real_options {
    enum real_sentinel_mode sentinel; /* which sentinel implementation to launch */
    uint64_t ready_timeout_ms;        /* bound on the readiness wait (default 30000) */
    bool verbose;                     /* progress lines on stderr */
};

/* Where the wall-clock time of one run went. */
struct real_timing {
    uint64_t setup_ms;    /* temp dirs, namespaces, processes up, until ready */
    uint64_t fault_ms;    /* first fault step to the last +switch-master (0: none) */
    uint64_t timeline_ms; /* ready to the end of the settle time */
    uint64_t teardown_ms; /* final state, stop everything, remove every trace */
    uint64_t total_ms;
};

void real_options_default(struct real_options *opt);

/* Runs `scn` once. `out` is initialized here and must be released with
 * rep_run_free() whatever the result (unless REAL_E_BAD, when it was never
 * initialized). Returns REAL_OK when the run was carried out (a timed-out
 * wait is recorded in out->failure; judge with rep_expect_check), or a
 * negative REAL_E_* code with errstr set. */
int real_run(const struct scn *scn,
             const struct real_options *opt,
             struct rep_run *out,
             struct real_timing *timing,
             char *errstr,
             size_t errlen);

/* True once SIGINT/SIGTERM/SIGHUP arrived (handlers installed by the commands). */
bool real_interrupted(void);

/* Installs the SIGINT/SIGTERM/SIGHUP handlers that make real_interrupted() true. */
void real_catch_signals(void);

/* `sentsim real FILE.yaml [--sentinel=redis|core|mixed] [--json FILE]`:
 * exit 0 pass, 1 fail, 2 bad input or a refused step. */
int real_cmd_real(int argc, char **argv);

/* `sentsim compare FILE.yaml [--runs N] [--sentinel=redis|core]`: exit 0 agree, 1 differ,
 * 2 bad input. */
int real_cmd_compare(int argc, char **argv);

/* `sentsim sentinel FILE.conf`: our core as a real sentinel (real/sentinel*.c). */
int real_cmd_sentinel(int argc, char **argv);

#endif
