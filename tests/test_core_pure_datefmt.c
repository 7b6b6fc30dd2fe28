/* test_core_pure_datefmt.c: Unix time to ctime text (core/datefmt.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/datefmt.h"
#include "tests/support/core_test.h"

/* Goal: fixed points: the epoch, the brief's example, a leap day, the turn
 * of a century that is not a leap year, the last second of year 9999.
 * Method: table of (seconds, text). */
static void test_datefmt_ctime_known_dates(void **state) {
    (void)state;
    static const struct {
        uint64_t t;
        const char *text;
    } cases[] = {
        {0, "Thu Jan  1 00:00:00 1970"},           {1636516367, "Wed Nov 10 03:52:47 2021"},
        {951782400, "Tue Feb 29 00:00:00 2000"},   {4107542399u, "Sun Feb 28 23:59:59 2100"},
        {4107542400u, "Mon Mar  1 00:00:00 2100"}, {253402300799u, "Fri Dec 31 23:59:59 9999"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char out[CORE__CTIME_LEN];
        assert_int_equal(core__ctime(cases[c].t, out), 0);
        assert_string_equal(out, cases[c].text);
    }
}

/* Goal: years past 9999 do not fit the 24-byte layout and are refused.
 * Method: the first second of year 10000 and UINT64_MAX. */
static void test_datefmt_ctime_year_overflow(void **state) {
    (void)state;
    char out[CORE__CTIME_LEN];
    memset(out, 'x', sizeof(out));
    assert_int_equal(core__ctime(253402300800u, out), -1);
    assert_string_equal(out, "");
    assert_int_equal(core__ctime(UINT64_MAX, out), -1);
    struct core__civil c;
    core__civil_from_unix(UINT64_MAX, &c);
    assert_true(c.year > 9999);
    assert_true(c.month >= 1 && c.month <= 12);
}

/* Goal: agree with the C library on every kind of day.
 * Method: compare with gmtime_r + strftime (an independent oracle, allowed
 * in tests) for 200000 times spread over 1970..9999 by an LCG, plus every
 * day of 1999..2001. */
static void test_datefmt_ctime_matches_libc(void **state) {
    (void)state;
    uint64_t x = 12345;
    for (int i = 0; i < 200000 + 3 * 366; i++) {
        uint64_t t;
        if (i < 200000) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            t = (x >> 11) % 253402300800u;
        } else {
            t = 915148800u + (uint64_t)(i - 200000) * 86400u + 3661u;
        }
        time_t tt = (time_t)t;
        struct tm tm;
        assert_non_null(gmtime_r(&tt, &tm));
        char want[64], got[CORE__CTIME_LEN];
        strftime(want, sizeof(want), "%a %b %e %H:%M:%S %Y", &tm);
        assert_int_equal(core__ctime(t, got), 0);
        assert_string_equal(got, want);
        struct core__civil c;
        core__civil_from_unix(t, &c);
        assert_int_equal(c.wday, tm.tm_wday);
    }
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datefmt_ctime_known_dates),
        cmocka_unit_test(test_datefmt_ctime_year_overflow),
        cmocka_unit_test(test_datefmt_ctime_matches_libc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
