/* check.h: always-on assertions for the scenario loader.
 *
 * Method: a malformed file is an operating error and is reported through
 * struct scn_error; these assertions guard only the loader's own
 * invariants (a bound computed wrongly, a table out of step), so failing
 * one is a bug in this directory and aborts with its location.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SCENARIOS_CHECK_H
#define SENTSIM_SCENARIOS_CHECK_H

#ifdef __FILE_NAME__
#define SCN__FILE __FILE_NAME__
#else
#define SCN__FILE __FILE__
#endif

/* Prints "file:line: assertion failed: expr" and aborts. */
_Noreturn void scn__assert_fail(const char *file, int line, const char *expr);

#define SCN_ASSERT(x)                                                                              \
    do {                                                                                           \
        if (!(x)) { scn__assert_fail(SCN__FILE, __LINE__, #x); }                                   \
    } while (0)

#define SCN_UNREACHABLE() scn__assert_fail(SCN__FILE, __LINE__, "unreachable")

#endif
