/* test_core_refresh.c: what INFO replies do (spec §6, §7.1 rule 3, §9.6).
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
    "sentinel monitor m 10.0.1.1 6379 1\n"                                                         \
    "sentinel down-after-milliseconds m 5000\n"                                                    \
    "sentinel failover-timeout m 6000\n"

static void test_refresh_discovery_persists(void **state) {
    /* Goal: a replica listed in the master's INFO is added with +slave and
     * the config is flushed with its known-replica line (§6.1). */
    (void)state;
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_sentinel(w, CONF, 1);
    cw_run(w, cw_now(w) + 1000);
    cw_node(w, "10.0.1.2", 6379, m);
    cw_run(w, cw_now(w) + 10500);
    assert_true(cw_find(w, 0, 0, "+slave", "slave 10.0.1.2:6379 10.0.1.2 6379 @ m 10.0.1.1 6379") >=
                0);
    assert_non_null(strstr(cw_persisted(w, 0), "sentinel known-replica m 10.0.1.2 6379\n"));
    cw_free(w);
}

static void test_refresh_fix_slave_config(void **state) {
    /* Goal: a known replica replicating from another node is re-pointed
     * with +fix-slave-config once its wrong setting is older than
     * failover-timeout and the master looks sane (§6.2 C). Method: a
     * chained replica known from the config file. */
    (void)state;
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    int r1 = cw_node(w, "10.0.1.2", 6379, m);
    int r2 = cw_node(w, "10.0.1.3", 6379, r1);
    cw_log_sends(w, true);
    cw_sentinel(w, CONF "sentinel known-replica m 10.0.1.3 6379\n", 1);
    cw_run(w, cw_now(w) + 5000);
    assert_int_equal(cw_find(w, 0, 0, "+fix-slave-config", NULL), -1);
    cw_run(w, cw_now(w) + 4000);
    int fix = cw_find(w, 0, 0, "+fix-slave-config", "slave 10.0.1.3:6379 10.0.1.3 6379 @ m");
    assert_true(fix >= 0);
    assert_true(cw_event_at(w, fix)->t > cw_event_at(w, 0)->t + 6000);
    assert_true(cw_find(w, 0, 0, ">", "SLAVEOF 10.0.1.1 6379") >= 0);
    assert_int_equal(cw_node_at(w, r2)->master, m);
    cw_run(w, cw_now(w) + 10000);
    assert_int_equal(cw_count(w, 0, "+fix-slave-config", NULL), 1);
    cw_free(w);
}

static void test_refresh_master_reboot(void **state) {
    /* Goal: a new run_id gives +reboot; with master-reboot-down-after-period
     * the master goes SDOWN while it only answers -LOADING, and a +PONG
     * clears it (§6.1, §7.1 rule 3, §18.4). */
    (void)state;
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_sentinel(w, CONF "sentinel master-reboot-down-after-period m 3000\n", 1);
    cw_run(w, cw_now(w) + 2000);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 500);
    cw_revive_node(w, 0);
    cw_node_at(w, 0)->ping_reply = "-LOADING Redis is loading the dataset in memory";
    cw_run(w, cw_now(w) + 11000);
    int rb = cw_find(w, 0, 0, "+reboot", "master m 10.0.1.1 6379");
    assert_true(rb >= 0);
    cw_run(w, cw_event_at(w, rb)->t + 3500);
    int sd = cw_find(w, rb, 0, "+sdown", "master m");
    assert_true(sd > rb);
    uint64_t after = cw_event_at(w, sd)->t - cw_event_at(w, rb)->t;
    assert_true(after > 3000 && after <= 3200);
    cw_node_at(w, 0)->ping_reply = NULL;
    cw_run(w, cw_now(w) + 2000);
    assert_true(cw_find(w, sd, 0, "-sdown", "master m") > sd);
    cw_free(w);
}

/* Solo sentinel, master and two replicas; the second ignores SLAVEOF and
 * has priority 0, so the first is promoted and the second gets stuck. */
static struct cw *stuck_replica(const char *extra, int *from) {
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    int r2 = cw_node(w, "10.0.1.3", 6379, m);
    char conf[512];
    snprintf(conf, sizeof(conf), "%s%s", CONF, extra);
    cw_sentinel(w, conf, 1);
    cw_run(w, cw_now(w) + 12000);
    cw_node_at(w, r2)->deaf_slaveof = true;
    cw_node_at(w, r2)->priority = 0;
    cw_run(w, cw_now(w) + 11000);
    *from = cw_events_len(w);
    cw_kill_node(w, m);
    return w;
}

static void test_refresh_reconf_sent_timeout(void **state) {
    /* Goal: with room in parallel-syncs, a replica that never follows
     * SLAVEOF gets -slave-reconf-sent-timeout after 10 s, counts as done
     * (the failover ends), and, as in 7.0, is sent SLAVEOF again in that
     * same pass (§9.6). */
    (void)state;
    int from;
    struct cw *w = stuck_replica("sentinel failover-timeout m 60000\n"
                                 "sentinel parallel-syncs m 2\n",
                                 &from);
    cw_run(w, cw_now(w) + 25000);
    int sent = cw_find(w, from, 0, "+slave-reconf-sent", "slave 10.0.1.3:6379");
    int to = cw_find(w, sent, 0, "-slave-reconf-sent-timeout", "slave 10.0.1.3:6379");
    assert_true(sent >= 0 && to > sent);
    uint64_t waited = cw_event_at(w, to)->t - cw_event_at(w, sent)->t;
    assert_true(waited > 10000 && waited <= 10200);
    assert_int_equal(cw_event_at(w, to + 1)->kind, CORE_OUT_EVENT);
    assert_string_equal(cw_event_at(w, to + 1)->type, "+slave-reconf-sent");
    int end = cw_find(w, to, 0, "+failover-end", NULL);
    assert_true(end > to);
    assert_true(cw_find(w, end, 0, "+switch-master", "m 10.0.1.1 6379 10.0.1.2 6379") > end);
    cw_free(w);
}

static void test_refresh_reconf_stuck_until_failover_timeout(void **state) {
    /* Goal: with parallel-syncs 1 the stuck replica fills the only slot, so
     * upstream's per-replica timeout is never reached and the failover ends
     * by +failover-end-for-timeout (§9.6 step 3). */
    (void)state;
    int from;
    struct cw *w = stuck_replica("sentinel failover-timeout m 15000\n", &from);
    cw_run(w, cw_now(w) + 30000);
    int rs = cw_find(w, from, 0, "+failover-state-reconf-slaves", NULL);
    int eft = cw_find(w, rs, 0, "+failover-end-for-timeout", "master m 10.0.1.1 6379");
    assert_true(rs >= 0 && eft > rs);
    assert_int_equal(cw_find(w, from, 0, "-slave-reconf-sent-timeout", NULL), -1);
    uint64_t waited = cw_event_at(w, eft)->t - cw_event_at(w, rs)->t;
    assert_true(waited > 15000 && waited <= 15200);
    assert_string_equal(cw_event_at(w, eft + 1)->type, "+failover-end");
    assert_string_equal(cw_event_at(w, eft + 2)->type, "+switch-master");
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refresh_discovery_persists),
        cmocka_unit_test(test_refresh_fix_slave_config),
        cmocka_unit_test(test_refresh_master_reboot),
        cmocka_unit_test(test_refresh_reconf_sent_timeout),
        cmocka_unit_test(test_refresh_reconf_stuck_until_failover_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
