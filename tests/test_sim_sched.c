/* test_sim_sched.c: the event queue's total order and the split random streams.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim/clock.h"
#include "sim/rng.h"
#include "sim/sched.h"

static void test_sim_sched_orders_by_time(void **state) {
    /* Goal: events come out by time whatever the push order. Method: push
     * 1000 events at pseudo-random times and check the popped times never
     * decrease and all come back. */
    (void)state;
    struct sim_sched s;
    assert_int_equal(sim_sched_init(&s, 1000), 0);
    struct sim_rng r;
    sim_rng_seed(&r, 7, 1);
    for (uint32_t i = 0; i < 1000; i++) {
        sim_sched_push(&s, sim_rng_below(&r, 500), 0, i, 0);
    }
    struct sim_ev ev;
    uint64_t last = 0;
    uint32_t n = 0;
    while (sim_sched_pop(&s, &ev)) {
        assert_true(ev.t_ms >= last);
        last = ev.t_ms;
        n++;
    }
    assert_int_equal(n, 1000);
    assert_int_equal(sim_sched_next_ms(&s), UINT64_MAX);
    sim_sched_free(&s);
}

static void test_sim_sched_ties_keep_push_order(void **state) {
    /* Goal: equal times pop in push order (the sequence tie-break), even
     * interleaved with other times. Method: push 300 events over three
     * times in round-robin; within each time the operands must increase. */
    (void)state;
    struct sim_sched s;
    assert_int_equal(sim_sched_init(&s, 300), 0);
    for (uint32_t i = 0; i < 300; i++) {
        sim_sched_push(&s, (uint64_t)(2 - i % 3) * 10, 0, i, 0);
    }
    struct sim_ev ev;
    int64_t last_a[3] = {-1, -1, -1};
    uint64_t last_t = 0;
    while (sim_sched_pop(&s, &ev)) {
        uint32_t slot = (uint32_t)(ev.t_ms / 10);
        assert_true(ev.t_ms >= last_t);
        assert_true((int64_t)ev.a > last_a[slot]);
        last_a[slot] = ev.a;
        last_t = ev.t_ms;
    }
    sim_sched_free(&s);
}

/* The pending event a plain linear scan calls earliest (by time, then push order). */
static uint32_t naive_min(const uint64_t *t, const bool *done, uint32_t n) {
    uint32_t best = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        if (!done[i] && (best == UINT32_MAX || t[i] < t[best])) { best = i; }
    }
    return best;
}

static void test_sim_sched_far_events_match_a_linear_scan(void **state) {
    /* Goal: events beyond the wheel's window, equal times among them, and
     * events pushed while popping all come out in (time, push order).
     * Method: pushes over three windows, then a push after every pop (some
     * near, some far, some at the popped time); each pop is compared with
     * a linear scan over what is pending (operand a = push index). */
    (void)state;
    enum { FIRST = 600, TOTAL = 1800 };
    static uint64_t t[TOTAL];
    static bool done[TOTAL];
    struct sim_sched s;
    assert_int_equal(sim_sched_init(&s, TOTAL), 0);
    struct sim_rng r;
    sim_rng_seed(&r, 11, 3);
    uint32_t n = 0;
    for (; n < FIRST; n++) {
        t[n] = sim_rng_below(&r, 3 * SIM_SCHED_WHEEL_MS) / 50 * 50; /* many ties */
        sim_sched_push(&s, t[n], 0, n, 0);
    }
    struct sim_ev ev;
    uint32_t popped = 0;
    while (sim_sched_pop(&s, &ev)) {
        uint32_t want = naive_min(t, done, n);
        assert_int_equal(ev.a, want);
        assert_int_equal(ev.t_ms, t[want]);
        done[want] = true;
        popped++;
        if (n < TOTAL) {
            uint64_t delay =
                sim_rng_below(&r, 4) == 0 ? 0 : sim_rng_below(&r, 3 * SIM_SCHED_WHEEL_MS);
            t[n] = ev.t_ms + delay / 50 * 50;
            sim_sched_push(&s, t[n], 0, n, 0);
            n++;
        }
    }
    assert_int_equal(popped, TOTAL);
    assert_int_equal(sim_sched_next_ms(&s), UINT64_MAX);
    sim_sched_free(&s);
}

static void test_sim_sched_full_queue_fits_its_chunks(void **state) {
    /* Goal: a queue filled to its capacity never runs out of wheel chunks,
     * however the events spread over buckets. Method: fill to capacity one
     * event per bucket, then all at one time while that time is being
     * popped (refilling the bucket being read); a chunk shortage asserts. */
    (void)state;
    enum { CAP = 3 * SIM_SCHED_WHEEL_MS };
    struct sim_sched s;
    assert_int_equal(sim_sched_init(&s, CAP), 0);
    for (uint32_t i = 0; i < CAP; i++) {
        sim_sched_push(&s, i % SIM_SCHED_WHEEL_MS, 0, i, 0);
    }
    struct sim_ev ev;
    uint32_t n = 0;
    while (sim_sched_pop(&s, &ev)) {
        assert_int_equal(ev.t_ms, ev.a % SIM_SCHED_WHEEL_MS);
        n++;
    }
    assert_int_equal(n, CAP);
    uint64_t t = SIM_SCHED_WHEEL_MS;
    for (uint32_t i = 0; i < CAP; i++) {
        sim_sched_push(&s, t, 0, i, 0);
    }
    for (uint32_t i = 0; i < 10 * CAP; i++) {
        assert_true(sim_sched_pop(&s, &ev));
        assert_int_equal(ev.t_ms, t);
        assert_int_equal(ev.a, i);
        sim_sched_push(&s, t, 0, CAP + i, 0);
    }
    sim_sched_free(&s);
}

static void test_sim_rng_streams_independent_and_repeatable(void **state) {
    /* Goal: a stream depends only on (seed, stream): same pair, same
     * sequence; another stream or seed, another sequence. Method: compare
     * the first 64 draws. */
    (void)state;
    struct sim_rng a, b, c, d;
    sim_rng_seed(&a, 42, SIM_STREAM_NETWORK);
    sim_rng_seed(&b, 42, SIM_STREAM_NETWORK);
    sim_rng_seed(&c, 42, SIM_STREAM_FAULTS);
    sim_rng_seed(&d, 43, SIM_STREAM_NETWORK);
    uint32_t same_c = 0, same_d = 0;
    for (int i = 0; i < 64; i++) {
        uint64_t x = sim_rng_next(&a);
        assert_int_equal(x, sim_rng_next(&b));
        same_c += x == sim_rng_next(&c);
        same_d += x == sim_rng_next(&d);
    }
    assert_int_equal(same_c, 0);
    assert_int_equal(same_d, 0);
}

static void test_sim_rng_ratio_and_range_bounds(void **state) {
    /* Goal: integer ratios and ranges stay in bounds; 0/den never fires,
     * den/den always does, 1/4 fires about a quarter of the time. Method:
     * 40000 draws. */
    (void)state;
    struct sim_rng r;
    sim_rng_seed(&r, 1, 2);
    uint32_t hits = 0;
    for (int i = 0; i < 40000; i++) {
        assert_false(sim_rng_ratio(&r, 0, 5));
        assert_true(sim_rng_ratio(&r, 5, 5));
        hits += sim_rng_ratio(&r, 1, 4);
        uint64_t v = sim_rng_range(&r, 3, 9);
        assert_true(v >= 3 && v <= 9);
    }
    assert_true(hits > 9000 && hits < 11000);
}

static void test_sim_clock_jump_moves_now_not_timers(void **state) {
    /* Goal: a clock jump changes the process's "now" but a delay computed
     * before it is unaffected (monotonic timers). Method: compute a delay,
     * jump +5 s and -5 s, read local time. */
    (void)state;
    struct sim_clock c;
    sim_clock_init(&c);
    assert_int_equal(sim_clock_local_ms(&c, 0), SIM_EPOCH_MS);
    uint64_t delay = sim_clock_delay_ms(&c, 100, SIM_EPOCH_MS + 200);
    assert_int_equal(delay, 100);
    sim_clock_jump(&c, 5000);
    assert_int_equal(sim_clock_local_ms(&c, 100), SIM_EPOCH_MS + 5100);
    assert_int_equal(sim_clock_delay_ms(&c, 100, SIM_EPOCH_MS + 200), 0);
    sim_clock_jump(&c, -10000);
    assert_int_equal(sim_clock_local_ms(&c, 100), SIM_EPOCH_MS - 4900);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_sched_orders_by_time),
        cmocka_unit_test(test_sim_sched_ties_keep_push_order),
        cmocka_unit_test(test_sim_sched_far_events_match_a_linear_scan),
        cmocka_unit_test(test_sim_sched_full_queue_fits_its_chunks),
        cmocka_unit_test(test_sim_rng_streams_independent_and_repeatable),
        cmocka_unit_test(test_sim_rng_ratio_and_range_bounds),
        cmocka_unit_test(test_sim_clock_jump_moves_now_not_timers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
