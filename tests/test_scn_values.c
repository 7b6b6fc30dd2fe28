/* test_scn_values.c: the scalar grammars of scenario files (durations, ratios).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scenarios/walk.h"

static int64_t dur(const char *text, bool neg, int *rc) {
    char msg[160];
    int64_t ms = -12345;
    *rc = scn__parse_duration(text, strlen(text), neg, &ms, msg, sizeof msg);
    return ms;
}

static void test_scn_values_duration_units(void **state) {
    /* Goal: every documented duration spelling gives the right milliseconds.
     * Method: parse each form and compare with the value worked out by hand. */
    (void)state;
    static const struct {
        const char *text;
        int64_t ms;
    } cases[] = {{"0", 0},        {"250", 250},  {"250ms", 250},   {"2s", 2000},
                 {"1.5s", 1500},  {"0.001s", 1}, {"1m", 60000},    {"1.5m", 90000},
                 {"0.25s", 250},  {"+3s", 3000}, {"10000", 10000}, {"1099511627776", 1099511627776},
                 {"6000ms", 6000}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = -1;
        int64_t ms = dur(cases[i].text, false, &rc);
        assert_int_equal(rc, 0);
        assert_int_equal(ms, cases[i].ms);
    }
}

static void test_scn_values_duration_rejects(void **state) {
    /* Goal: malformed, fractional-millisecond, negative (where not allowed)
     * and overlong durations are refused. Method: each must return -1. */
    (void)state;
    static const char *const bad[] = {"",
                                      "s",
                                      "ms",
                                      "1h",
                                      "1.5",
                                      "1.0005s",
                                      "1 s",
                                      "-2s",
                                      "2S",
                                      "1e3",
                                      "0x10",
                                      "1..2",
                                      "1.5ms",
                                      "99999999999999999999",
                                      "1099511627777",
                                      ".s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = 0;
        (void)dur(bad[i], false, &rc);
        assert_int_equal(rc, -1);
    }
}

static void test_scn_values_duration_signed(void **state) {
    /* Goal: clock jumps accept negative durations. Method: parse with
     * allow_negative and check sign and magnitude. */
    (void)state;
    int rc = -1;
    assert_int_equal(dur("-3s", true, &rc), -3000);
    assert_int_equal(rc, 0);
    assert_int_equal(dur("-1.5s", true, &rc), -1500);
    assert_int_equal(rc, 0);
    assert_int_equal(dur("500ms", true, &rc), 500);
    assert_int_equal(rc, 0);
}

static void test_scn_values_ratio(void **state) {
    /* Goal: loss ratios are integer pairs; 0/never and 1/always are the
     * extremes. Method: parse valid and invalid spellings. */
    (void)state;
    char msg[160];
    struct scn_ratio r;
    assert_int_equal(scn__parse_ratio("1/100", 5, &r, msg, sizeof msg), 0);
    assert_int_equal(r.num, 1);
    assert_int_equal(r.den, 100);
    assert_int_equal(scn__parse_ratio("0", 1, &r, msg, sizeof msg), 0);
    assert_int_equal(r.den, 0);
    assert_int_equal(scn__parse_ratio("never", 5, &r, msg, sizeof msg), 0);
    assert_int_equal(r.den, 0);
    assert_int_equal(scn__parse_ratio("0/7", 3, &r, msg, sizeof msg), 0);
    assert_int_equal(r.den, 0);
    assert_int_equal(scn__parse_ratio("always", 6, &r, msg, sizeof msg), 0);
    assert_int_equal(r.num, 1);
    assert_int_equal(r.den, 1);
    static const char *const bad[] = {"1/0", "2/1", "0.5", "1/", "/2", "a/b", "1/4294967296"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(scn__parse_ratio(bad[i], strlen(bad[i]), &r, msg, sizeof msg), -1);
        assert_true(msg[0] != '\0');
    }
}

static void test_scn_values_suggest(void **state) {
    /* Goal: "did you mean" offers the closest known word and nothing for
     * unrelated words. Method: query a small word list. */
    (void)state;
    static const char *const words[] = {"quorum", "down-after-milliseconds", "failover-timeout"};
    assert_string_equal(scn__suggest("quorom", words, 3), "quorum");
    assert_string_equal(scn__suggest("down-after-milisecond", words, 3), "down-after-milliseconds");
    assert_string_equal(scn__suggest("failover-timout", words, 3), "failover-timeout");
    assert_null(scn__suggest("banana", words, 3));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scn_values_duration_units),
        cmocka_unit_test(test_scn_values_duration_rejects),
        cmocka_unit_test(test_scn_values_duration_signed),
        cmocka_unit_test(test_scn_values_ratio),
        cmocka_unit_test(test_scn_values_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
