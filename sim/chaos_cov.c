/* chaos_cov.c: coverage tables (events per type, failover-state transitions).
 *
 * Method: the slots are fixed: Sentinel 7.0's event catalogue (spec §13.2)
 * in catalogue order, plus one slot for anything else, and the seven
 * failover states (§9.1). Fixed slots make coverage of two shards add up
 * element by element, and a report can name what was never reached.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "sim/chaos_internal.h"
#include "sim/check.h"

_Static_assert(SCN_EVENT_TYPES_LEN < SIM_CHAOS_COV_EVENTS, "one slot must stay for unknown types");

static const char *const state_names[SIM_CHAOS_COV_STATES] = {
    "none",           "wait_start",    "select_slave",  "send_slaveof_noone",
    "wait_promotion", "reconf_slaves", "update_config",
};

uint32_t sim_chaos_cov_event(const char *type) {
    SIM_ASSERT(type != NULL);
    int i = scn_event_type_index(type);
    return i >= 0 ? (uint32_t)i : SIM_CHAOS_COV_EVENTS - 1;
}

const char *sim_chaos_cov_event_name(uint32_t slot) {
    SIM_ASSERT(slot < SIM_CHAOS_COV_EVENTS);
    if (slot < SCN_EVENT_TYPES_LEN) { return scn_event_types[slot]; }
    return slot == SIM_CHAOS_COV_EVENTS - 1 ? "(other)" : NULL;
}

const char *sim_chaos_cov_state_name(uint32_t state) {
    SIM_ASSERT(state < SIM_CHAOS_COV_STATES);
    return state_names[state];
}

uint32_t sim_chaos__state_index(const char *name) {
    for (uint32_t i = 0; name != NULL && i < SIM_CHAOS_COV_STATES; i++) {
        if (strcmp(name, state_names[i]) == 0) { return i; }
    }
    return 0;
}

void sim_chaos_cov_add(struct sim_chaos_cov *into, const struct sim_chaos_cov *c) {
    for (uint32_t i = 0; i < SIM_CHAOS_COV_EVENTS; i++) {
        into->events[i] += c->events[i];
    }
    for (uint32_t a = 0; a < SIM_CHAOS_COV_STATES; a++) {
        for (uint32_t b = 0; b < SIM_CHAOS_COV_STATES; b++) {
            into->trans[a][b] += c->trans[a][b];
        }
    }
}
