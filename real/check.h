/* check.h: real mode's always-on assertions.
 *
 * Method: a programmer error in the harness must stop it at once, but the
 * processes it started must not outlive it; the watchdog (watchdog.c) sees
 * the harness die and cleans up, so an assertion may simply abort.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_CHECK_H
#define SENTSIM_REAL_CHECK_H

#ifdef __FILE_NAME__
#define REAL__FILE __FILE_NAME__
#else
#define REAL__FILE __FILE__
#endif

/* Prints file:line and the expression, then aborts. */
_Noreturn void real__assert_fail(const char *file, int line, const char *expr);

#define REAL_ASSERT(x)                                                                             \
    do {                                                                                           \
        if (!(x)) { real__assert_fail(REAL__FILE, __LINE__, #x); }                                 \
    } while (0)

#define REAL_UNREACHABLE() real__assert_fail(REAL__FILE, __LINE__, "unreachable")

#endif
