/* core_seam.h: helpers for the seam-level scenario tests (test_core_seam_*.c).
 *
 * Method: the scenario tests drive real cores through the zero-latency
 * world of core_world.h and then judge each sentinel's ordered event
 * record. These helpers build the standard deployment of spec §18 (three
 * sentinels, a master and two replicas) and compare an event record with an
 * expected sequence in which entries marked '?' may be absent, printing
 * both sequences on a mismatch.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_CORE_SEAM_H
#define SENTSIM_TESTS_CORE_SEAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/support/core_world.h"

/* The §18 deployment: master M = node 0 at 10.0.1.1:6379, replicas R1 =
 * node 1 (10.0.1.2) and R2 = node 2 (10.0.1.3); sentinels 0..n-1 monitor M
 * as `mymaster` with quorum 2 and the extra per-master lines `extra` (may be
 * ""). Runs until every sentinel knows both replicas and the n-1 others. */
struct cw *seam_deploy(int sentinels, const char *extra, uint64_t seed);

/* Writes the event types of sentinel k's EVENT records with index in
 * [from, to) (to < 0: to the end), separated by single spaces. */
void seam_types(const struct cw *w, int k, int from, int to, char *out, size_t cap);

/* Fails the test unless sentinel k's events in [from, to) are exactly
 * `want` (NULL-terminated event types; a type prefixed by '?' is optional;
 * "!<type>" removes every <type> record before comparing, for an event whose
 * position the caller checks separately).
 * `who` names the sentinel's role in the failure message. */
void seam_expect_sequence(
    const struct cw *w, int k, int from, int to, const char *const *want, const char *who);

/* Index of sentinel k's first EVENT record of `type` at or after `from`
 * whose text contains `text` (NULL: any), failing the test if there is none. */
int seam_must_find(const struct cw *w, int from, int k, const char *type, const char *text);

#endif
