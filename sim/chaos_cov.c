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

static const char *const event_names[] = {
    "+monitor",
    "-monitor",
    "+set",
    "+reset-master",
    "+slave",
    "+sentinel",
    "+sentinel-address-switch",
    "+sentinel-address-update",
    "+sentinel-invalid-addr",
    "+reboot",
    "+role-change",
    "-role-change",
    "+sdown",
    "-sdown",
    "+odown",
    "-odown",
    "+new-epoch",
    "+try-failover",
    "+vote-for-leader",
    "+elected-leader",
    "+failover-state-select-slave",
    "-failover-abort-not-elected",
    "-failover-abort-no-good-slave",
    "+selected-slave",
    "+failover-state-send-slaveof-noone",
    "+failover-state-wait-promotion",
    "-failover-abort-slave-timeout",
    "+promoted-slave",
    "+failover-state-reconf-slaves",
    "+slave-reconf-sent",
    "+slave-reconf-sent-be",
    "-slave-reconf-sent-timeout",
    "+slave-reconf-inprog",
    "+slave-reconf-done",
    "+failover-end-for-timeout",
    "+failover-end",
    "+switch-master",
    "+config-update-from",
    "+convert-to-slave",
    "+fix-slave-config",
    "+tilt",
    "-tilt",
    "-script-error",
    "-script-timeout",
    "+script-child",
    "-script-child",
    "-cmd-link-reconnection",
    "-pubsub-link-reconnection",
};
#define EVENT_NAMES_LEN (sizeof(event_names) / sizeof(event_names[0]))
_Static_assert(EVENT_NAMES_LEN < SIM_CHAOS_COV_EVENTS, "one slot must stay for unknown types");

static const char *const state_names[SIM_CHAOS_COV_STATES] = {
    "none",           "wait_start",    "select_slave",  "send_slaveof_noone",
    "wait_promotion", "reconf_slaves", "update_config",
};

uint32_t sim_chaos_cov_event(const char *type) {
    SIM_ASSERT(type != NULL);
    for (uint32_t i = 0; i < EVENT_NAMES_LEN; i++) {
        if (strcmp(type, event_names[i]) == 0) { return i; }
    }
    return SIM_CHAOS_COV_EVENTS - 1;
}

const char *sim_chaos_cov_event_name(uint32_t slot) {
    SIM_ASSERT(slot < SIM_CHAOS_COV_EVENTS);
    if (slot < EVENT_NAMES_LEN) { return event_names[slot]; }
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
