/* test_chaos_shard.c: the seed space (sim/chaos_seeds.c): shards, ranges, time limits.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/chaos.h"

/* Goal: the n shards of any range cover each seed exactly once, and are
 * balanced to within one seed. Method: every n in 1..16 over a range that
 * does not start at 0 (1000..3999), counting owners per seed. */
static void test_chaos_shard_covers_each_seed_once(void **state) {
    (void)state;
    for (uint32_t n = 1; n <= 16; n++) {
        uint32_t per_shard[16] = {0};
        for (uint64_t seed = 1000; seed <= 3999; seed++) {
            uint32_t owners = 0;
            for (uint32_t k = 1; k <= n; k++) {
                if (sim_chaos_shard_owns(seed, k, n)) {
                    owners++;
                    per_shard[k - 1]++;
                }
            }
            assert_int_equal(owners, 1);
        }
        uint32_t lo = UINT32_MAX, hi = 0;
        for (uint32_t k = 0; k < n; k++) {
            lo = per_shard[k] < lo ? per_shard[k] : lo;
            hi = per_shard[k] > hi ? per_shard[k] : hi;
        }
        assert_true(hi - lo <= 1);
    }
}

/* Goal: seed ranges parse inclusively ("A.." is open-ended) and reject
 * nonsense. Method: table. */
static void test_chaos_shard_parse_range(void **state) {
    (void)state;
    uint64_t a = 0, b = 0;
    assert_int_equal(sim_chaos_parse_range("1..1000", &a, &b), 0);
    assert_int_equal(a, 1);
    assert_int_equal(b, 1000);
    assert_int_equal(sim_chaos_parse_range("42", &a, &b), 0);
    assert_int_equal(a, 42);
    assert_int_equal(b, 42);
    assert_int_equal(sim_chaos_parse_range("0..18446744073709551615", &a, &b), 0);
    assert_int_equal(b, UINT64_MAX);
    assert_int_equal(sim_chaos_parse_range("5000..", &a, &b), 0);
    assert_int_equal(a, 5000);
    assert_int_equal(b, UINT64_MAX);
    const char *bad[] = {"", "..", "..5", "9..3", "1...3", "x..3", "1..3x", "18446744073709551616"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sim_chaos_parse_range(bad[i], &a, &b), -1);
    }
}

/* Goal: shard specs k/n parse with 1 <= k <= n. Method: table. */
static void test_chaos_shard_parse_shard(void **state) {
    (void)state;
    uint32_t k = 0, n = 0;
    assert_int_equal(sim_chaos_parse_shard("3/8", &k, &n), 0);
    assert_int_equal(k, 3);
    assert_int_equal(n, 8);
    const char *bad[] = {"0/8", "9/8", "3", "3/", "/8", "a/b", "1/0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sim_chaos_parse_shard(bad[i], &k, &n), -1);
    }
}

/* Goal: time limits accept ms, s, m, h and bare seconds. Method: table. */
static void test_chaos_shard_parse_time(void **state) {
    (void)state;
    static const struct {
        const char *text;
        uint64_t ms;
    } ok[] = {{"10m", 600000}, {"90s", 90000}, {"2h", 7200000}, {"250ms", 250}, {"5", 5000}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        uint64_t ms = 0;
        assert_int_equal(sim_chaos_parse_time(ok[i].text, &ms), 0);
        assert_int_equal(ms, ok[i].ms);
    }
    uint64_t ms = 0;
    assert_int_equal(sim_chaos_parse_time("0s", &ms), -1);
    assert_int_equal(sim_chaos_parse_time("m", &ms), -1);
    assert_int_equal(sim_chaos_parse_time("10x", &ms), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chaos_shard_covers_each_seed_once),
        cmocka_unit_test(test_chaos_shard_parse_range),
        cmocka_unit_test(test_chaos_shard_parse_shard),
        cmocka_unit_test(test_chaos_shard_parse_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
