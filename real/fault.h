/* fault.h: carrying out timeline steps against real processes.
 *
 * Method: every fault maps to one plain operating-system action: kill is
 * SIGKILL, shutdown is SIGTERM (Redis's own clean shutdown path), restart
 * starts the process again from the config file it last rewrote, pause and
 * resume are SIGSTOP/SIGCONT, a clock jump is a SIGSTOP as long as the jump
 * (the sentinel's timer then sees exactly that gap, which is what drives
 * TILT), partitions and loss are nftables rules between namespaces. What
 * cannot be realised faithfully is refused before anything starts, never
 * faked.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_FAULT_H
#define SENTSIM_REAL_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "real/observe.h"
#include "real/proc.h"
#include "scenarios/scenario.h"

#define REAL_E_FAIL    (-1) /* the step could not be carried out (errstr says why) */
#define REAL_E_REFUSED (-2) /* the step cannot be realised here (errstr says why) */

/* Checks every step before the run starts: sets *need_netns when the
 * scenario cuts links. Returns 0, or REAL_E_REFUSED with the reason. */
int real_fault_precheck(const struct scn *s, bool *need_netns, char *errstr, size_t len);

/* Carries out one step that is neither WAIT, SLEEP nor WRITES, and records
 * it as a REP_KIND_FAULT record. Returns 0, REAL_E_FAIL or REAL_E_REFUSED,
 * with errstr set. */
int real_fault_apply(struct real_world *w,
                     struct real_observer *o,
                     const struct scn_step *st,
                     char *errstr,
                     size_t len);

/* The scenario keyword of a step kind ("kill", "clock-jump", ...). */
const char *real_step_name(enum scn_step_kind kind);

#endif
