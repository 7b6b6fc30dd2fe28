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

#define SOLO                                                                                       \
    "sentinel monitor mymaster 10.0.1.1 6379 1\n"                                                  \
    "sentinel down-after-milliseconds mymaster 2000\n"                                             \
    "sentinel failover-timeout mymaster 6000\n"

/* One sentinel (quorum 1), a master and `replicas` replicas, settled. */
static struct cw *solo(int replicas) {
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    for (int j = 0; j < replicas; j++) {
        char ip[32];
        snprintf(ip, sizeof(ip), "10.0.1.%d", j + 2);
        cw_node(w, ip, 6379, m);
    }
    cw_sentinel(w, SOLO, 9);
    cw_run(w, cw_now(w) + 12000);
    return w;
}

static void test_failover_abort_no_good_slave(void **state) {
    /* Goal: with every replica at priority 0 the attempt ends
     * -failover-abort-no-good-slave and SENTINEL FAILOVER answers
     * -NOGOODSLAVE (§9.3, §12.4). Method: solo sentinel, kill the master. */
    (void)state;
    struct cw *w = solo(2);
    cw_node_at(w, 1)->priority = 0;
    cw_node_at(w, 2)->priority = 0;
    cw_run(w, cw_now(w) + 11000);
    const char *argv[] = {"SENTINEL", "FAILOVER", "mymaster"};
    struct core_reply *r = cw_command(w, 0, 3, argv);
    assert_int_equal(r->type, CORE_REPLY_ERROR);
    assert_string_equal(r->str, "NOGOODSLAVE No suitable replica to promote");
    cw_reply_free(r);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 5000);
    int sel = cw_find(w, from, 0, "+failover-state-select-slave", NULL);
    int ab = cw_find(w, sel, 0, "-failover-abort-no-good-slave", "master mymaster 10.0.1.1 6379");
    assert_true(sel >= 0 && ab > sel);
    struct core_master_view v;
    core_master(cw_core(w, 0), 0, &v);
    assert_false(v.failover_in_progress);
    assert_string_equal(v.failover_state, "none");
    cw_free(w);
}

static void test_failover_abort_promotion_timeout(void **state) {
    /* Goal: a replica that never turns master makes WAIT_PROMOTION abort
     * after failover-timeout (§9.5), after the exact reconfiguration
     * transaction was sent to it (§9.9). Method: a replica that ignores
     * SLAVEOF; the sends are logged. */
    (void)state;
    struct cw *w = solo(1);
    cw_node_at(w, 1)->deaf_slaveof = true;
    cw_log_sends(w, true);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 12000);
    int wp = cw_find(w, from, 0, "+failover-state-wait-promotion", "slave 10.0.1.2:6379");
    int ab = cw_find(w, wp, 0, "-failover-abort-slave-timeout", "master mymaster");
    assert_true(wp >= 0 && ab > wp);
    uint64_t waited = cw_event_at(w, ab)->t - cw_event_at(w, wp)->t;
    assert_true(waited > 6000 && waited <= 6200);
    const char *tx[] = {"MULTI",
                        "SLAVEOF NO ONE",
                        "CONFIG REWRITE",
                        "CLIENT KILL TYPE normal",
                        "CLIENT KILL TYPE pubsub",
                        "EXEC"};
    int at = cw_find(w, from, 0, ">", "MULTI");
    assert_true(at >= 0 && at < wp);
    for (int j = 0; j < 6; j++) {
        assert_string_equal(cw_event_at(w, at + j)->text, tx[j]);
    }
    cw_free(w);
}

static void test_failover_abort_promoted_disconnected(void **state) {
    /* Goal: if the selected replica is unreachable, SEND_SLAVEOF_NOONE waits
     * and aborts after failover-timeout (§9.4); the PROMOTED flag goes.
     * Method: kill the replica right after +selected-slave. */
    (void)state;
    struct cw *w = solo(1);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    for (int j = 0; j < 200 && cw_find(w, from, 0, "+selected-slave", NULL) < 0; j++) {
        cw_run(w, cw_now(w) + 50);
    }
    int sel = cw_find(w, from, 0, "+selected-slave", NULL);
    assert_true(sel >= 0);
    cw_kill_node(w, 1);
    cw_run(w, cw_now(w) + 7000);
    int ab = cw_find(w, sel, 0, "-failover-abort-slave-timeout", NULL);
    assert_true(ab > sel);
    assert_int_equal(cw_find(w, sel, 0, "+failover-state-wait-promotion", NULL), -1);
    struct core_instance_view r;
    assert_int_equal(core_replica(cw_core(w, 0), 0, 0, &r), 0);
    assert_false(r.promoted);
    cw_free(w);
}

static void test_failover_manual_and_inprog(void **state) {
    /* Goal: SENTINEL FAILOVER on a healthy master replies +OK with
     * +new-epoch/+try-failover in the same step, is forced through the
     * election at the next tick, refuses a second request with -INPROG, and
     * the other sentinels switch on the hello (§12.4, §18.3). Method: three
     * sentinels, command on the first. */
    (void)state;
    struct cw *w = three_sentinels();
    int from = cw_events_len(w);
    const char *argv[] = {"SENTINEL", "FAILOVER", "mymaster"};
    struct core_reply *r = cw_command(w, 0, 3, argv);
    assert_int_equal(r->type, CORE_REPLY_STATUS);
    assert_string_equal(r->str, "OK");
    cw_reply_free(r);
    assert_true(cw_find(w, from, 0, "", "Executing user requested FAILOVER of 'mymaster'") >= 0);
    assert_true(cw_find(w, from, 0, "+try-failover", NULL) >= 0);
    r = cw_command(w, 0, 3, argv);
    assert_string_equal(r->str, "INPROG Failover already in progress");
    cw_reply_free(r);
    cw_run(w, cw_now(w) + 15000);
    assert_true(cw_find(w, from, 0, "+elected-leader", NULL) >= 0);
    assert_int_equal(cw_find(w, from, -1, "+sdown", "master mymaster"), -1);
    for (int k = 0; k < 3; k++) {
        assert_true(cw_find(w, from, k, "+switch-master", "mymaster 10.0.1.1 6379") >= 0);
    }
    assert_true(cw_find(w, from, 1, "+config-update-from", NULL) >= 0);
    /* The old master, alive, is demoted by exactly one sentinel. */
    cw_run(w, cw_now(w) + 20000);
    assert_int_equal(cw_count(w, -1, "+convert-to-slave", "slave 10.0.1.1:6379"), 1);
    cw_free(w);
}

static void test_failover_crash_after_election(void **state) {
    /* Goal: SIMULATE-FAILURE crash-after-election makes the leader log the
     * crash line and stop right after +elected-leader (§12.1). Method: solo
     * sentinel, manual failover. */
    (void)state;
    struct cw *w = solo(1);
    const char *sim[] = {"SENTINEL", "SIMULATE-FAILURE", "crash-after-election"};
    struct core_reply *r = cw_command(w, 0, 3, sim);
    assert_string_equal(r->str, "OK");
    cw_reply_free(r);
    const char *argv[] = {"SENTINEL", "FAILOVER", "mymaster"};
    cw_reply_free(cw_command(w, 0, 3, argv));
    cw_run(w, cw_now(w) + 1000);
    int el = cw_find(w, 0, 0, "+elected-leader", NULL);
    assert_true(el >= 0);
    assert_true(cw_find(w, el, 0, "", "Sentinel CRASH because of SENTINEL simulate-failure") > el);
    assert_int_equal(cw_find(w, el, 0, "+failover-state-select-slave", NULL), -1);
    assert_false(cw_sentinel_alive(w, 0));
    cw_free(w);
}

static void test_failover_crash_after_promotion(void **state) {
    /* Goal: crash-after-promotion stops the leader right after
     * +promoted-slave, after the new config was persisted (§9.5 step 5). */
    (void)state;
    struct cw *w = solo(1);
    const char *sim[] = {"SENTINEL", "SIMULATE-FAILURE", "crash-after-promotion"};
    cw_reply_free(cw_command(w, 0, 3, sim));
    const char *argv[] = {"SENTINEL", "FAILOVER", "mymaster"};
    cw_reply_free(cw_command(w, 0, 3, argv));
    cw_run(w, cw_now(w) + 3000);
    int pr = cw_find(w, 0, 0, "+promoted-slave", "slave 10.0.1.2:6379");
    assert_true(pr >= 0);
    assert_true(cw_find(w, pr, 0, "", "Sentinel CRASH because of SENTINEL simulate-failure") > pr);
    assert_int_equal(cw_find(w, pr, 0, "+failover-state-reconf-slaves", NULL), -1);
    assert_non_null(strstr(cw_persisted(w, 0), "sentinel monitor mymaster 10.0.1.2 6379 1"));
    assert_non_null(strstr(cw_persisted(w, 0), "sentinel config-epoch mymaster 1"));
    assert_false(cw_sentinel_alive(w, 0));
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failover_happy_path),
        cmocka_unit_test(test_failover_abort_no_good_slave),
        cmocka_unit_test(test_failover_abort_promotion_timeout),
        cmocka_unit_test(test_failover_abort_promoted_disconnected),
        cmocka_unit_test(test_failover_manual_and_inprog),
        cmocka_unit_test(test_failover_crash_after_election),
        cmocka_unit_test(test_failover_crash_after_promotion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
