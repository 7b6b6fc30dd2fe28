/* events.c: the Sentinel 7.0 event names a scenario may wait for or forbid.
 *
 * Method: the catalogue of spec §13.2, so that a misspelt event in a wait
 * or a `never:` fails at load (with a suggestion) instead of silently
 * never matching. Names documented but not emitted by 7.0 (§13.3) are
 * refused with that reason.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "scenarios/walk.h"

static const char *const events[] = {
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
};

static const char *const not_in_7_0[] = {
    "+failover-detected",
    "-dup-sentinel",
    "+failover-state-wait-start",
};

int scn__check_event(struct scn__ctx *c, const char *type, struct scn_pos pos) {
    size_t n = sizeof events / sizeof events[0];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(type, events[i]) == 0) { return 0; }
    }
    for (size_t i = 0; i < sizeof not_in_7_0 / sizeof not_in_7_0[0]; i++) {
        if (strcmp(type, not_in_7_0[i]) == 0) {
            return scn__fail(c, pos, "event '%s' is not emitted by Sentinel 7.0", type);
        }
    }
    const char *hint = scn__suggest(type, events, n);
    if (hint != NULL) {
        return scn__fail(c, pos, "unknown event '%s' (did you mean '%s'?)", type, hint);
    }
    return scn__fail(c, pos, "unknown event '%s'", type);
}
