/* test_core_seam_select.c: replica selection (spec §10) and the end of the
 * reconfiguration phase (§9.6) through the seam.
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

#define EXTRA                                                                                      \
    "sentinel down-after-milliseconds mymaster 5000\n"                                             \
    "sentinel failover-timeout mymaster 10000\n"

static uint64_t t_at(const struct cw *w, int at) {
    return cw_event_at(w, at)->t;
}

/* Goal: the §10.2 order: lower priority first, then higher offset, then the
 * smaller run id; priority 0 is never chosen. Method: for each row set the
 * replicas' priority and offset, kill the master, and read +selected-slave. */
static void test_seam_select_order(void **state) {
    (void)state;
    static const struct {
        int prio1, prio2;
        uint64_t off1, off2;
        const char *want;
    } rows[] = {
        {100, 100, 0, 0, "slave 10.0.1.2:6379"}, /* equal: R1's run id is smaller */
        {100, 10, 0, 0, "slave 10.0.1.3:6379"},  /* priority */
        {0, 100, 0, 0, "slave 10.0.1.3:6379"},   /* priority 0: never */
        {100, 100, 5, 9, "slave 10.0.1.3:6379"}, /* offset */
        {10, 100, 5, 9, "slave 10.0.1.2:6379"},  /* priority before offset */
        {100, 0, 9, 5, "slave 10.0.1.2:6379"},   /* priority 0 again */
    };
    for (size_t c = 0; c < sizeof(rows) / sizeof(rows[0]); c++) {
        struct cw *w = seam_deploy(3, EXTRA, 9700 + c);
        cw_node_at(w, 1)->priority = rows[c].prio1;
        cw_node_at(w, 2)->priority = rows[c].prio2;
        cw_node_at(w, 1)->offset = rows[c].off1;
        cw_node_at(w, 2)->offset = rows[c].off2;
        /* One INFO period so that every sentinel has read the new values. */
        cw_run(w, cw_now(w) + 11000);
        int from = cw_events_len(w);
        cw_kill_node(w, 0);
        cw_run(w, cw_now(w) + 12000);
        int sel = seam_must_find(w, from, -1, "+selected-slave", NULL);
        if (strstr(cw_event_at(w, sel)->text, rows[c].want) == NULL) {
            fail_msg("row %zu: selected %s, want %s", c, cw_event_at(w, sel)->text, rows[c].want);
        }
        cw_free(w);
    }
}

/* Goal: with no acceptable replica the elected leader aborts with
 * -failover-abort-no-good-slave right after +failover-state-select-slave,
 * promotes nothing, and tries again after 2 x failover-timeout.
 * Method: both replicas at priority 0, kill the master, run 40 s. */
static void test_seam_select_no_good_slave(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, EXTRA, 9800);
    cw_node_at(w, 1)->priority = 0;
    cw_node_at(w, 2)->priority = 0;
    cw_run(w, cw_now(w) + 11000);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 40000);
    if (getenv("CW_DUMP")) { cw_dump(w, from); }
    int el = seam_must_find(w, from, -1, "+elected-leader", "master mymaster");
    int leader = cw_event_at(w, el)->sentinel;
    static const char *const want[] = {"+sdown",
                                       "?+odown",
                                       "+new-epoch",
                                       "+try-failover",
                                       "+vote-for-leader",
                                       "+elected-leader",
                                       "+failover-state-select-slave",
                                       "-failover-abort-no-good-slave",
                                       NULL};
    int abort1 = seam_must_find(w, el, leader, "-failover-abort-no-good-slave", "master mymaster");
    seam_expect_sequence(w, leader, from, abort1 + 1, want, "leader");
    assert_int_equal(cw_count(w, -1, "+selected-slave", NULL), 0);
    int try1 = seam_must_find(w, from, leader, "+try-failover", NULL);
    int try2 = seam_must_find(w, try1 + 1, -1, "+try-failover", NULL);
    uint64_t gap = t_at(w, try2) - t_at(w, try1);
    assert_true(gap >= 20000 && gap <= 21200);
    assert_true(cw_node_at(w, 1)->master == 0 && cw_node_at(w, 2)->master == 0);
    cw_free(w);
}

/* Runs until the leader has observed the promotion; returns the leader. */
static int run_to_promotion(struct cw *w, int from) {
    for (int i = 0; i < 4000; i++) {
        int p = cw_find(w, from, -1, "+promoted-slave", NULL);
        if (p >= 0) { return cw_event_at(w, p)->sentinel; }
        cw_run(w, cw_now(w) + 5);
    }
    fail_msg("no promotion");
    return -1;
}

/* Goal: a replica that is disconnected but not yet SDOWN blocks the end of
 * RECONF_SLAVES; once it is SDOWN the failover ends without it (§9.6), and
 * it was never sent SLAVEOF. Method: kill R2 the moment the promotion is
 * observed (down-after 5 s): +failover-end must come about 5 s later, right
 * after the leader's +sdown of R2, with no reconfiguration events for R2. */
static void test_seam_select_dead_replica_blocks_end_until_sdown(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, EXTRA, 9900);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    int leader = run_to_promotion(w, from);
    uint64_t killed = cw_now(w);
    cw_kill_node(w, 2);
    cw_run(w, killed + 10000);
    if (getenv("CW_DUMP")) { cw_dump(w, from); }
    int end = seam_must_find(w, from, leader, "+failover-end", "master mymaster");
    uint64_t waited = t_at(w, end) - killed;
    assert_true(waited >= 5000 && waited <= 6300);
    int sd = seam_must_find(w, from, leader, "+sdown", "slave 10.0.1.3:6379");
    assert_true(sd < end && t_at(w, end) - t_at(w, sd) <= 110);
    assert_int_equal(cw_count(w, leader, "+slave-reconf-sent", NULL), 0);
    assert_int_equal(cw_count(w, leader, "+slave-reconf-done", NULL), 0);
    seam_must_find(w, end, leader, "+switch-master", "mymaster 10.0.1.1 6379 10.0.1.2 6379");
    cw_free(w);
}

/* Goal: the only other replica being SDOWN already, the failover ends at
 * the first RECONF_SLAVES tick (§9.6 "If the only replica was the promoted
 * one" generalised: SDOWN replicas do not count). Method: kill R2 well
 * before the master; +failover-end must follow +failover-state-reconf-slaves
 * within one tick, without -odown (nothing to wait for, §9.10). */
static void test_seam_select_sdown_replica_does_not_block(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, EXTRA, 9950);
    cw_kill_node(w, 2);
    cw_run(w, cw_now(w) + 8000);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 12000);
    if (getenv("CW_DUMP")) { cw_dump(w, from); }
    int el = seam_must_find(w, from, -1, "+elected-leader", "master mymaster");
    int leader = cw_event_at(w, el)->sentinel;
    int rs = seam_must_find(w, el, leader, "+failover-state-reconf-slaves", NULL);
    int end = seam_must_find(w, rs, leader, "+failover-end", NULL);
    assert_true(t_at(w, end) - t_at(w, rs) <= 110);
    assert_int_equal(cw_count(w, leader, "-odown", NULL), 0);
    assert_int_equal(cw_count(w, leader, "+slave-reconf-inprog", NULL), 0);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seam_select_order),
        cmocka_unit_test(test_seam_select_no_good_slave),
        cmocka_unit_test(test_seam_select_dead_replica_blocks_end_until_sdown),
        cmocka_unit_test(test_seam_select_sdown_replica_does_not_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
