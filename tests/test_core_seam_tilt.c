/* test_core_seam_tilt.c: TILT mode (spec §3.4) through the seam: a sentinel
 * whose clock jumps.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "tests/support/core_seam.h"
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define EXTRA "sentinel down-after-milliseconds mymaster 5000\n"

static uint64_t t_at(const struct cw *w, int at) {
    return cw_event_at(w, at)->t;
}

/* Goal: a 3 s forward jump of one sentinel's clock puts it in TILT at its
 * next tick (+tilt "#tilt mode entered", only there); in TILT it evaluates
 * no SDOWN/ODOWN and starts nothing, answers is-master-down with 0 (nobody
 * counts it: no "#quorum 3/2") but still votes and still switches on a
 * hello; it leaves TILT 30 s after entering (-tilt "#tilt mode exited").
 * Method: jump sentinel 0 by +3000 ms, kill the master right away (down-
 * after 5 s), let the two others fail over, watch sentinel 0 for 40 s. */
static void test_seam_tilt_forward_jump(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, EXTRA, 9000);
    int from = cw_events_len(w);
    uint64_t t0 = cw_now(w);
    cw_clock_offset(w, 0, 3000);
    cw_run(w, t0 + 200);
    int tilt = seam_must_find(w, from, 0, "+tilt", "#tilt mode entered");
    assert_true(t_at(w, tilt) <= t0 + 110);
    assert_true(core_in_tilt(cw_core(w, 0)));
    cw_kill_node(w, 0);
    cw_run(w, t0 + 40000);
    if (getenv("CW_DUMP")) { cw_dump(w, from); }
    int untilt = seam_must_find(w, tilt, 0, "-tilt", "#tilt mode exited");
    uint64_t in_tilt = t_at(w, untilt) - t_at(w, tilt);
    assert_true(in_tilt >= 30000 && in_tilt <= 30110);
    assert_false(core_in_tilt(cw_core(w, 0)));
    assert_int_equal(cw_count(w, -1, "+tilt", NULL), 1);
    assert_int_equal(cw_count(w, -1, "-tilt", NULL), 1);

    /* The failover happened without sentinel 0's opinion, but with its vote. */
    int el = seam_must_find(w, from, -1, "+elected-leader", "master mymaster");
    int leader = cw_event_at(w, el)->sentinel;
    assert_int_not_equal(leader, 0);
    assert_int_equal(cw_count(w, -1, "+odown", "#quorum 3/2"), 0);
    char text[64];
    snprintf(text, sizeof(text), "%s 1", core_myid(cw_core(w, leader)));
    assert_true(seam_must_find(w, from, 0, "+vote-for-leader", text) < untilt);
    assert_true(seam_must_find(w, from, 0, "+switch-master", "mymaster 10.0.1.1 6379") < untilt);
    for (int j = cw_find(w, from, 0, "+sdown", NULL); j >= 0;
         j = cw_find(w, j + 1, 0, "+sdown", NULL)) {
        assert_true(j > untilt);
    }
    assert_int_equal(cw_count(w, 0, "+odown", NULL), 0);
    assert_int_equal(cw_count(w, 0, "+try-failover", NULL), 0);
    cw_free(w);
}

/* Goal: a clock going backwards enters TILT too, and a jump while in TILT
 * re-emits +tilt and restarts the 30 s (the exit counts from the last
 * +tilt). Method: +3000 ms, then 10 s later back to +0 (a 3 s backward
 * step), and check the -tilt time against the second +tilt. */
static void test_seam_tilt_backward_jump_restarts_tilt(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, EXTRA, 9100);
    int from = cw_events_len(w);
    uint64_t t0 = cw_now(w);
    cw_clock_offset(w, 1, 3000);
    cw_run(w, t0 + 10000);
    cw_clock_offset(w, 1, 0);
    cw_run(w, t0 + 45000);
    assert_int_equal(cw_count(w, 1, "+tilt", NULL), 2);
    int first = seam_must_find(w, from, 1, "+tilt", NULL);
    int second = seam_must_find(w, first + 1, 1, "+tilt", NULL);
    assert_true(t_at(w, second) >= t0 + 10000 && t_at(w, second) <= t0 + 10110);
    int untilt = seam_must_find(w, from, 1, "-tilt", NULL);
    assert_true(untilt > second);
    uint64_t in_tilt = t_at(w, untilt) - t_at(w, second);
    assert_true(in_tilt >= 30000 && in_tilt <= 30110);
    assert_int_equal(cw_count(w, 0, "+tilt", NULL) + cw_count(w, 2, "+tilt", NULL), 0);
    cw_free(w);
}

/* Goal: a jump within TILT-TRIGGER (2000 ms between ticks) is no TILT.
 * Method: +1500 ms on sentinel 2 (the gap becomes about 1.6 s), run 10 s. */
static void test_seam_tilt_small_jump_ignored(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, EXTRA, 9200);
    cw_clock_offset(w, 2, 1500);
    cw_run(w, cw_now(w) + 10000);
    assert_int_equal(cw_count(w, -1, "+tilt", NULL), 0);
    assert_false(core_in_tilt(cw_core(w, 2)));
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seam_tilt_forward_jump),
        cmocka_unit_test(test_seam_tilt_backward_jump_restarts_tilt),
        cmocka_unit_test(test_seam_tilt_small_jump_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
