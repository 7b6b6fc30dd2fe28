/* test_core_failover.c: the failover state machine end to end and per abort.
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
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define CONF                                                                                       \
    "port 26379\n"                                                                                 \
    "sentinel monitor mymaster 10.0.1.1 6379 2\n"                                                  \
    "sentinel down-after-milliseconds mymaster 5000\n"                                             \
    "sentinel failover-timeout mymaster 60000\n"

/* Three sentinels, a master and two replicas, after discovery settled. */
static struct cw *three_sentinels(void) {
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    cw_node(w, "10.0.1.3", 6379, m);
    for (int k = 0; k < 3; k++) {
        cw_sentinel(w, CONF, 100 + (uint64_t)k);
    }
    cw_run(w, cw_now(w) + 20000);
    return w;
}

static void test_failover_happy_path(void **state) {
    /* Goal: a dead master is failed over by exactly one leader and every
     * sentinel switches. Method: three sentinels in the zero-latency world,
     * kill the master, run 30 s and check the leader's event sequence. */
    (void)state;
    struct cw *w = three_sentinels();
    for (int k = 0; k < 3; k++) {
        struct core_master_view v;
        assert_int_equal(core_master(cw_core(w, k), 0, &v), 0);
        assert_int_equal(v.replicas, 2);
        assert_int_equal(v.sentinels, 2);
    }
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 30000);
    if (getenv("CW_DUMP")) { cw_dump(w, from); }
    assert_int_equal(cw_count(w, -1, "+elected-leader", NULL), 1);
    int el = cw_find(w, from, -1, "+elected-leader", NULL);
    int leader = cw_event_at(w, el)->sentinel;
    const char *seq[] = {"+sdown",
                         "+odown",
                         "+new-epoch",
                         "+try-failover",
                         "+vote-for-leader",
                         "+elected-leader",
                         "+failover-state-select-slave",
                         "+selected-slave",
                         "+failover-state-send-slaveof-noone",
                         "+failover-state-wait-promotion",
                         "-role-change",
                         "+promoted-slave",
                         "+failover-state-reconf-slaves",
                         "+slave-reconf-sent",
                         "+slave-reconf-inprog",
                         "+slave-reconf-done",
                         "+failover-end",
                         "+switch-master",
                         "+slave",
                         "+slave"};
    int at = from;
    for (size_t j = 0; j < sizeof(seq) / sizeof(seq[0]); j++) {
        at = cw_find(w, at, leader, seq[j], NULL);
        if (at < 0) { fail_msg("leader misses %s", seq[j]); }
        at++;
    }
    for (int k = 0; k < 3; k++) {
        assert_true(cw_find(w, from, k, "+switch-master", "mymaster 10.0.1.1 6379") >= 0);
        struct core_master_view v;
        core_master(cw_core(w, k), 0, &v);
        assert_int_equal(v.config_epoch, 1);
        assert_string_not_equal(v.ip, "10.0.1.1");
    }
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failover_happy_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
