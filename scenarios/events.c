/* events.c: the Sentinel 7.0 event names a scenario may wait for or forbid.
 *
 * Method: the catalogue of spec §13.2 (shared with reports/ and the chaos
 * coverage tables through scenario.h), so that a misspelt event in a wait
 * or a `never:` fails at load (with a suggestion) instead of silently
 * never matching. Names documented but not emitted by 7.0 (§13.3) are
 * refused with that reason.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "scenarios/walk.h"

const char *const scn_event_types[SCN_EVENT_TYPES_LEN] = {
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

int scn_event_type_index(const char *type) {
    for (int i = 0; i < SCN_EVENT_TYPES_LEN; i++) {
        if (strcmp(type, scn_event_types[i]) == 0) { return i; }
    }
    return -1;
}

static const char *const not_in_7_0[] = {
    "+failover-detected",
    "-dup-sentinel",
    "+failover-state-wait-start",
};

int scn__check_event(struct scn__ctx *c, const char *type, struct scn_pos pos) {
    if (scn_event_type_index(type) >= 0) { return 0; }
    for (size_t i = 0; i < sizeof not_in_7_0 / sizeof not_in_7_0[0]; i++) {
        if (strcmp(type, not_in_7_0[i]) == 0) {
            return scn__fail(c, pos, "event '%s' is not emitted by Sentinel 7.0", type);
        }
    }
    const char *hint = scn__suggest(type, scn_event_types, SCN_EVENT_TYPES_LEN);
    if (hint != NULL) {
        return scn__fail(c, pos, "unknown event '%s' (did you mean '%s'?)", type, hint);
    }
    return scn__fail(c, pos, "unknown event '%s'", type);
}
