/* test_core_pure_testcase.c: CORE_TESTCASE hit counting (core/testcase.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define CORE_TESTCASE_COUNTS 1

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/check.h"
#include "tests/support/core_test.h"

static void branchy(int x) {
    CORE_TESTCASE(x > 5);
    CORE_TESTCASE(x == 0);
}

/* Goal: a site is counted only when its condition holds, per file:line, in
 * first-hit order. Method: call a function with two sites 10 times. */
static void test_testcase_counts_true_conditions(void **state) {
    (void)state;
    for (int x = 0; x < 10; x++) {
        branchy(x);
    }
    const char *file;
    int line0, line1;
    uint64_t hits;
    assert_int_equal(core__testcase_get(0, &file, &line0, &hits), 0);
    assert_non_null(strstr(file, "test_core_pure_testcase.c"));
    assert_int_equal(hits, 1); /* x == 0 came first */
    assert_int_equal(core__testcase_get(1, &file, &line1, &hits), 0);
    assert_int_equal(hits, 4); /* x = 6..9 */
    assert_int_equal(line0, line1 + 1);
    assert_int_equal(core__testcase_get(2, &file, &line0, &hits), -1);
    assert_int_equal(core__testcase_dropped(), 0);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_testcase_counts_true_conditions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
