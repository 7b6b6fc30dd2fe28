/* clock.h: virtual time and each process's own view of it.
 *
 * Method: the world runs on one virtual clock in ms from the run's start.
 * A process reads it through its own clock: the run's wall-clock epoch
 * (2026-01-01 00:00:00 UTC, so that Sentinel's ctime-style texts look like a
 * real run) plus a per-process offset that clock-jump faults move. Timers,
 * like Redis's event loop, are monotonic: a jump changes what "now" reads,
 * not when an already armed timer fires.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_CLOCK_H
#define SENTSIM_SIM_CLOCK_H

#include <stdint.h>

#define SIM_EPOCH_MS 1767225600000ULL /* 2026-01-01 00:00:00.000 UTC */

struct sim_clock {
    int64_t offset_ms; /* local clock minus (epoch + virtual time) */
};

void sim_clock_init(struct sim_clock *c);

/* The process's wall clock in ms since the Unix epoch at virtual time now_ms. */
uint64_t sim_clock_local_ms(const struct sim_clock *c, uint64_t now_ms);

/* Moves the process's clock by jump_ms (may be negative). */
void sim_clock_jump(struct sim_clock *c, int64_t jump_ms);

/* Converts a local deadline into a virtual delay from now_ms (0 if already due). */
uint64_t sim_clock_delay_ms(const struct sim_clock *c, uint64_t now_ms, uint64_t local_deadline_ms);

#endif
