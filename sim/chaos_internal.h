/* chaos_internal.h: what the chaos files share and nobody else needs.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_CHAOS_INTERNAL_H
#define SENTSIM_SIM_CHAOS_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "sim/chaos.h"

/* The state index of a failover_state display string; 0 ("none") if unknown. */
uint32_t sim_chaos__state_index(const char *name);

/* A finding with its classification, appended unless that invariant was already seen. */
void sim_chaos__flag(struct sim_chaos_check *c,
                     enum sim_chaos_inv inv,
                     enum sim_chaos_class cls,
                     uint64_t t_ms,
                     const char *proc,
                     const char *cite,
                     const char *fmt,
                     ...) __attribute__((format(printf, 7, 8)));

/* Judges the replica selections the names map could not place during the
 * run (it may be filled only at the end). */
void sim_chaos__judge_picks(struct sim_chaos_check *c);

/* Records that liveness was judged (chaos_end.c). */
void sim_chaos__set_judged(struct sim_chaos_check *c);

/* The start of the stable window (UINT64_MAX: none), for the end-of-run judgement. */
uint64_t sim_chaos__stable_from(const struct sim_chaos_check *c);

/* mkdir -p; returns 0 or -1 (errno set). */
int sim_chaos__mkdirs(const char *dir);

/* Writes `s` as a JSON string literal (quotes included). */
void sim_chaos__json_str(FILE *f, const char *s);

#endif
