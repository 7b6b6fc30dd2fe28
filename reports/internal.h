/* internal.h: helpers shared by reports' own files (not for other modules).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_INTERNAL_H
#define SENTSIM_REPORTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/run.h"
#include "scenarios/scenario.h"

/* A process's scenario name (reports read the model directly, so they do
 * not need the loader linked in). */
const char *rep__proc_name(const struct scn *s, struct scn_proc p);

/* Looks a process of the run's scenario up by name; returns 0 or -1. */
int rep__find_proc(const struct rep_run *run, const char *name, struct scn_proc *out);

/* The node index of an address, or -1. */
int32_t rep__node_of_addr(const struct rep_run *run, const char *ip, unsigned port);

/* Whether a set holds a process. */
bool rep__set_has(const struct scn_set *set, struct scn_proc p);

/* "{a, b, c}" of a set's names into buf. */
void rep__set_format(const struct scn *s, const struct scn_set *set, char *buf, size_t len);

/* Splits s into at most max words in place (s is modified); returns the count. */
size_t rep__split(char *s, char **words, size_t max);

#endif
