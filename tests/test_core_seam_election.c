/* test_core_seam_election.c: a failed election and its retry (spec §18.2)
 * through the seam.
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
    "sentinel failover-timeout mymaster 15000\n"

static uint64_t t_at(const struct cw *w, int at) {
    return cw_event_at(w, at)->t;
}

/* Goal: with only 2 of 5 known sentinels alive no majority (3) exists: the
 * candidate votes for itself, gets the other's vote, waits the election
 * timeout min(10000, failover-timeout) from its (randomly offset) start and
 * aborts with -failover-abort-not-elected; it logs "Next failover delay"
 * once, at the next tick; a new attempt with epoch 2 comes 2 x
 * failover-timeout (30 s) later and fails the same way; nobody is elected.
 * Method: five sentinels discover each other, three are killed together
 * with the master, then 50 s of the two survivors' events are checked. */
static void test_seam_election_no_majority_aborts_and_retries(void **state) {
    (void)state;
    struct cw *w = seam_deploy(5, EXTRA, 7000);
    int from = cw_events_len(w);
    uint64_t t0 = cw_now(w);
    for (int k = 2; k < 5; k++) {
        cw_kill_sentinel(w, k);
    }
    cw_kill_node(w, 0);
    cw_run(w, t0 + 50000);
    if (getenv("CW_DUMP")) { cw_dump(w, from); }

    assert_int_equal(cw_count(w, -1, "+elected-leader", NULL), 0);
    int try1 = seam_must_find(w, from, -1, "+try-failover", "master mymaster 10.0.1.1 6379");
    int x = cw_event_at(w, try1)->sentinel, y = 1 - x;
    char text[128];
    snprintf(text, sizeof(text), "%s 1", core_myid(cw_core(w, x)));
    int ne = seam_must_find(w, from, x, "+new-epoch", "1");
    assert_true(ne < try1);
    assert_true(seam_must_find(w, try1, x, "+vote-for-leader", text) > try1);
    seam_must_find(w, from, y, "+vote-for-leader", text);

    int abort1 = seam_must_find(w, try1, x, "-failover-abort-not-elected", "master mymaster");
    uint64_t waited = t_at(w, abort1) - t_at(w, try1);
    assert_true(waited > 10000 && waited <= 11100);
    int delay = seam_must_find(w, abort1, x, "", "Next failover delay: I will not start");
    assert_true(t_at(w, delay) > t_at(w, abort1) && t_at(w, delay) <= t_at(w, abort1) + 110);

    int try2 = seam_must_find(w, try1 + 1, -1, "+try-failover", "master mymaster");
    int z = cw_event_at(w, try2)->sentinel;
    uint64_t gap = t_at(w, try2) - t_at(w, try1);
    assert_true(gap >= 30000 && gap <= 31200);
    int ne2 = seam_must_find(w, abort1, z, "+new-epoch", "2");
    assert_true(ne2 < try2);
    /* One "Next failover delay" per window: x logged it once before the retry. */
    int logs = 0;
    for (int j = cw_find(w, from, x, "", "Next failover delay"); j >= 0 && j < try2;
         j = cw_find(w, j + 1, x, "", "Next failover delay")) {
        logs++;
    }
    assert_int_equal(logs, 1);
    int abort2 = seam_must_find(w, try2, z, "-failover-abort-not-elected", "master mymaster");
    assert_true(t_at(w, abort2) - t_at(w, try2) > 10000);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(core_current_epoch(cw_core(w, k)), 2);
        struct core_master_view v;
        assert_int_equal(core_master(cw_core(w, k), 0, &v), 0);
        assert_string_equal(v.ip, "10.0.1.1");
        assert_int_equal(v.config_epoch, 0);
    }
    cw_free(w);
}

/* Goal: after an abort nothing was changed on the data nodes: no SLAVEOF
 * was sent, every replica still replicates from the dead master, and the
 * master record keeps its address (§9.7). Method: same world, inspect the
 * nodes and views after the first abort. */
static void test_seam_election_abort_changes_nothing(void **state) {
    (void)state;
    struct cw *w = seam_deploy(5, EXTRA, 7100);
    int from = cw_events_len(w);
    for (int k = 2; k < 5; k++) {
        cw_kill_sentinel(w, k);
    }
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 20000);
    seam_must_find(w, from, -1, "-failover-abort-not-elected", "master mymaster");
    assert_int_equal(cw_count(w, -1, "+selected-slave", NULL), 0);
    for (int n = 1; n <= 2; n++) {
        assert_false(cw_node_at(w, n)->is_master);
        assert_int_equal(cw_node_at(w, n)->master, 0);
    }
    for (int k = 0; k < 2; k++) {
        struct core_master_view v;
        assert_int_equal(core_master(cw_core(w, k), 0, &v), 0);
        assert_false(v.failover_in_progress);
        assert_string_equal(v.failover_state, "none");
        assert_true(v.odown);
    }
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seam_election_no_majority_aborts_and_retries),
        cmocka_unit_test(test_seam_election_abort_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
