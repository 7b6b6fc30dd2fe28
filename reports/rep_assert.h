/* rep_assert.h: the reports module's always-on assertions.
 *
 * Method: reports/ runs in the sentsim process only (never inside the core),
 * so a failed assertion prints where it failed and aborts; every build
 * variant keeps it on, as the house style asks.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_REP_ASSERT_H
#define SENTSIM_REPORTS_REP_ASSERT_H

#ifdef __FILE_NAME__
#define REP__FILE __FILE_NAME__
#else
#define REP__FILE __FILE__
#endif

/* Prints "file:line: assertion failed: expr" to stderr and aborts. */
_Noreturn void rep__assert_fail(const char *file, int line, const char *expr);

#define REP_ASSERT(x)                                                                              \
    do {                                                                                           \
        if (!(x)) { rep__assert_fail(REP__FILE, __LINE__, #x); }                                   \
    } while (0)

#define REP_UNREACHABLE() rep__assert_fail(REP__FILE, __LINE__, "unreachable")

#endif
