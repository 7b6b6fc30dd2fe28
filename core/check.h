/* check.h: the core's always-on assertions.
 *
 * Method: a failed CORE_ASSERT calls the handler the driver installed with
 * core_set_assert_handler() (core.h), passing a "where" string naming the
 * sentinel being stepped, its clock and its seed, so that the failure can be
 * replayed. The handler must not return; if it does, we trap.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_CHECK_H
#define SENTSIM_CORE_CHECK_H

#include <stdint.h>

#ifdef __FILE_NAME__
#define CORE__FILE __FILE_NAME__
#else
#define CORE__FILE __FILE__
#endif

/* Reports a failed assertion and never returns. */
_Noreturn void core__assert_fail(const char *file, int line, const char *expr);

/* Records which sentinel is being stepped, for the "where" of a failure. */
void core__check_enter(const char *myid, uint64_t now_ms, uint64_t seed);

#define CORE_ASSERT(x)                                                                             \
    do {                                                                                           \
        if (!(x)) { core__assert_fail(CORE__FILE, __LINE__, #x); }                                 \
    } while (0)

/* Expensive scans; on in every build for now (the core is small enough). */
#define CORE_DASSERT(x) CORE_ASSERT(x)

#define CORE_UNREACHABLE() core__assert_fail(CORE__FILE, __LINE__, "unreachable")

/* Marks a branch worth covering (SQLite testcase, TigerBeetle maybe): `x` is
 * a condition that some test should make true. Builds that define
 * CORE_TESTCASE_COUNTS count the hits per file:line (core/testcase.c) so a
 * report can show which transitions a run exercised; other builds compile
 * it away without evaluating `x`. */
void core__testcase_hit(const char *file, int line);

/* Entry i of the hit table (0-based, in first-hit order): 0, or -1 past the
 * end. Counts are process-wide and not thread-safe: for single-threaded
 * sim builds only. Hits beyond CORE__TESTCASE_MAX sites are counted in
 * core__testcase_dropped(). */
#define CORE__TESTCASE_MAX 1024
int core__testcase_get(uint32_t i, const char **file, int *line, uint64_t *hits);
uint64_t core__testcase_dropped(void);

#ifdef CORE_TESTCASE_COUNTS
#define CORE_TESTCASE(x)                                                                           \
    do {                                                                                           \
        if (x) { core__testcase_hit(CORE__FILE, __LINE__); }                                       \
    } while (0)
#else
#define CORE_TESTCASE(x) ((void)sizeof(!(x)))
#endif

/* Test builds plant one known bug each, to show that the tool meant to catch
 * it does (release builds plant nothing):
 *   1 (make V=coretest): the vote procedure may grant a second, different vote
 *     in one epoch; the chaos explorer must find it (tests/chaos_planted.sh);
 *   2 (make V=altered): observers switch without logging +config-update-from;
 *     golden skeletons and the sim-vs-real diff must flag it
 *     (tests/altered_core.sh). */
#ifndef CORE_PLANTED_BUG
#define CORE_PLANTED_BUG 0
#endif
#define CORE_PLANTED_DOUBLE_VOTE        (CORE_PLANTED_BUG == 1)
#define CORE_PLANTED_SKIP_CONFIG_UPDATE (CORE_PLANTED_BUG == 2)

#endif
