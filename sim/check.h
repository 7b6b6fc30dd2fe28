/* check.h: the simulator's always-on assertions.
 *
 * Method: a failed SIM_ASSERT is a bug in the simulator (or a bound that a
 * run exceeded, which the house rules make a loud failure). It prints the
 * location together with the run's seed and virtual time, taken from the
 * context the running world registered, so that the failure can be replayed
 * with `sentsim run FILE --seed N`, then aborts.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_CHECK_H
#define SENTSIM_SIM_CHECK_H

#include <stdint.h>

#ifdef __FILE_NAME__
#define SIM__FILE __FILE_NAME__
#else
#define SIM__FILE __FILE__
#endif

/* Prints "file:line: assertion failed: expr (seed S, t=T ms)" and aborts. */
_Noreturn void sim__assert_fail(const char *file, int line, const char *expr);

/* Registers what a failure report names: the run's seed and its clock. A
 * NULL clock clears the context (between runs). */
void sim__check_context(uint64_t seed, const uint64_t *now_ms);

#define SIM_ASSERT(x)                                                                              \
    do {                                                                                           \
        if (!(x)) { sim__assert_fail(SIM__FILE, __LINE__, #x); }                                   \
    } while (0)

#define SIM_UNREACHABLE() sim__assert_fail(SIM__FILE, __LINE__, "unreachable")

#endif
