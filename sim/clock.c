/* clock.c: per-process clocks over the virtual time.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim/clock.h"

#include "sim/check.h"

void sim_clock_init(struct sim_clock *c) {
    c->offset_ms = 0;
}

uint64_t sim_clock_local_ms(const struct sim_clock *c, uint64_t now_ms) {
    int64_t local = (int64_t)(SIM_EPOCH_MS + now_ms) + c->offset_ms;
    SIM_ASSERT(local > 0);
    return (uint64_t)local;
}

void sim_clock_jump(struct sim_clock *c, int64_t jump_ms) {
    /* A jump to before 1970 is a scenario error the loader should catch. */
    SIM_ASSERT(jump_ms > -(int64_t)SIM_EPOCH_MS && jump_ms < (int64_t)SIM_EPOCH_MS);
    c->offset_ms += jump_ms;
}

uint64_t sim_clock_delay_ms(const struct sim_clock *c,
                            uint64_t now_ms,
                            uint64_t local_deadline_ms) {
    uint64_t local = sim_clock_local_ms(c, now_ms);
    return local_deadline_ms > local ? local_deadline_ms - local : 0;
}
