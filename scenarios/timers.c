/* timers.c: the SENTINEL DEBUG timers by name, and their effective values.
 *
 * Method: one table maps each SENTINEL DEBUG name (spec §12.14) to its
 * field of struct scn_timers, so the loader (reading `timers:`), the
 * simulator and real mode (sending `SENTINEL DEBUG <name> <ms>` after every
 * start) cannot disagree about a name or an order.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stddef.h>

#include "scenarios/check.h"
#include "scenarios/scenario.h"

const char *const scn_timer_names[SCN_TIMERS_LEN] = {
    "info-period",          "ping-period",
    "ask-period",           "publish-period",
    "default-down-after",   "default-failover-timeout",
    "tilt-trigger",         "tilt-period",
    "slave-reconf-timeout", "min-link-reconnect-period",
    "election-timeout",
};

static const size_t offsets[SCN_TIMERS_LEN] = {
    offsetof(struct scn_timers, info_period_ms),
    offsetof(struct scn_timers, ping_period_ms),
    offsetof(struct scn_timers, ask_period_ms),
    offsetof(struct scn_timers, publish_period_ms),
    offsetof(struct scn_timers, default_down_after_ms),
    offsetof(struct scn_timers, default_failover_timeout_ms),
    offsetof(struct scn_timers, tilt_trigger_ms),
    offsetof(struct scn_timers, tilt_period_ms),
    offsetof(struct scn_timers, slave_reconf_timeout_ms),
    offsetof(struct scn_timers, min_link_reconnect_period_ms),
    offsetof(struct scn_timers, election_timeout_ms),
};

/* Sentinel 7.0's defaults (spec §1.1), in the same order. */
static const uint32_t defaults[SCN_TIMERS_LEN] = {
    10000, 1000, 1000, 2000, 30000, 180000, 2000, 30000, 10000, 15000, 10000,
};

uint32_t *scn_timer_slot(struct scn_timers *t, uint32_t i) {
    SCN_ASSERT(t != NULL);
    SCN_ASSERT(i < SCN_TIMERS_LEN);
    return (uint32_t *)(void *)((char *)t + offsets[i]);
}

uint32_t scn_timer_get(const struct scn_timers *t, uint32_t i) {
    SCN_ASSERT(t != NULL);
    SCN_ASSERT(i < SCN_TIMERS_LEN);
    return *(const uint32_t *)(const void *)((const char *)t + offsets[i]);
}

struct scn_timers scn_timers_effective(const struct scn *s) {
    SCN_ASSERT(s != NULL);
    struct scn_timers t = s->timers;
    for (uint32_t i = 0; i < SCN_TIMERS_LEN; i++) {
        uint32_t *slot = scn_timer_slot(&t, i);
        if (*slot == 0) { *slot = defaults[i]; }
    }
    return t;
}
