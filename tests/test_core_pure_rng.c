/* test_core_pure_rng.c: the core's PRNG (core/rng.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "tests/support/core_test.h"

/* Goal: the generator is exactly xoshiro256** seeded by splitmix64.
 * Method: compare the first outputs for two seeds with values computed by an
 * independent (Python) transcription of the reference algorithms, whose
 * splitmix64(0) output 0xe220a8397b1dcdaf matches the published one. */
static void test_rng_next_known_answers(void **state) {
    (void)state;
    static const struct {
        uint64_t seed;
        uint64_t out[3];
    } cases[] = {
        {0, {0x99ec5f36cb75f2b4u, 0xbf6e1f784956452au, 0x1a5f849d4933e6e0u}},
        {42, {0x15780b2e0c2ec716u, 0x6104d9866d113a7eu, 0xae17533239e499a1u}},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct core__rng r;
        core__rng_seed(&r, cases[c].seed);
        for (size_t i = 0; i < 3; i++) {
            assert_int_equal(core__rng_next(&r), cases[c].out[i]);
        }
    }
}

/* Goal: same seed, same stream; a copied state continues identically.
 * Method: draw 1000 values from two generators and a mid-stream copy. */
static void test_rng_seed_is_deterministic(void **state) {
    (void)state;
    struct core__rng a, b, c;
    core__rng_seed(&a, 7);
    core__rng_seed(&b, 7);
    for (int i = 0; i < 500; i++) {
        assert_int_equal(core__rng_next(&a), core__rng_next(&b));
    }
    c = a;
    for (int i = 0; i < 500; i++) {
        uint64_t x = core__rng_next(&a);
        assert_int_equal(x, core__rng_next(&b));
        assert_int_equal(x, core__rng_next(&c));
    }
}

/* Goal: neighbouring seeds and split streams are unrelated.
 * Method: count equal outputs at equal positions (expected: none). */
static void test_rng_split_streams_differ(void **state) {
    (void)state;
    struct core__rng a, b, parent, child;
    core__rng_seed(&a, 1);
    core__rng_seed(&b, 2);
    core__rng_seed(&parent, 1);
    core__rng_split(&parent, &child);
    int same = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = core__rng_next(&a);
        same += x == core__rng_next(&b);
        same += core__rng_next(&parent) == core__rng_next(&child);
    }
    assert_int_equal(same, 0);
}

/* Goal: below(n) stays in [0, n), below(1) is 0, and values are uniform.
 * Method: 60000 draws over 6 buckets and over n = 3 (a non-power of two,
 * where plain modulo of a 32-bit draw would be biased); a chi-square above
 * 30 (p < 1e-5 for 5 degrees of freedom) fails. Also the extreme n. */
static void test_rng_below_range_and_uniformity(void **state) {
    (void)state;
    struct core__rng r;
    core__rng_seed(&r, 99);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(core__rng_below(&r, 1), 0);
        assert_true(core__rng_below(&r, UINT32_MAX) < UINT32_MAX);
        assert_true(core__rng_below(&r, 0x80000001u) < 0x80000001u);
    }
    uint32_t counts[6] = {0};
    const uint32_t draws = 60000;
    for (uint32_t i = 0; i < draws; i++) {
        uint32_t v = core__rng_below(&r, 6);
        assert_true(v < 6);
        counts[v]++;
    }
    double expected = draws / 6.0, chi = 0;
    for (int k = 0; k < 6; k++) {
        double d = counts[k] - expected;
        chi += d * d / expected;
    }
    assert_true(chi < 30.0);
}

/* Goal: below(0) is a contract violation caught by CORE_ASSERT.
 * Method: run it under CORE_TEST_EXPECT_ASSERT. */
static void test_rng_below_zero_asserts(void **state) {
    (void)state;
    struct core__rng r;
    core__rng_seed(&r, 5);
    CORE_TEST_EXPECT_ASSERT(core__rng_below(&r, 0));
}

/* Goal: hex ids are n lowercase hex digits plus a NUL, nothing written past.
 * Method: fill a guard-filled buffer for several n, check every byte; two
 * 40-char ids from one stream differ. */
static void test_rng_hex_writes_exactly_n_digits(void **state) {
    (void)state;
    struct core__rng r;
    core__rng_seed(&r, 3);
    static const size_t ns[] = {0, 1, 15, 16, 17, 40, 63};
    for (size_t c = 0; c < sizeof(ns) / sizeof(ns[0]); c++) {
        char out[80];
        memset(out, 'Z', sizeof(out));
        core__rng_hex(&r, out, ns[c]);
        for (size_t i = 0; i < ns[c]; i++) {
            assert_non_null(strchr("0123456789abcdef", out[i]));
            assert_true(out[i] != '\0');
        }
        assert_int_equal(out[ns[c]], '\0');
        assert_int_equal(out[ns[c] + 1], 'Z');
    }
    char a[41], b[41];
    core__rng_hex(&r, a, 40);
    core__rng_hex(&r, b, 40);
    assert_string_not_equal(a, b);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_next_known_answers),
        cmocka_unit_test(test_rng_seed_is_deterministic),
        cmocka_unit_test(test_rng_split_streams_differ),
        cmocka_unit_test(test_rng_below_range_and_uniformity),
        cmocka_unit_test(test_rng_below_zero_asserts),
        cmocka_unit_test(test_rng_hex_writes_exactly_n_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
