/* test_core_detect.c: SDOWN, ODOWN and TILT rules (spec §3.4, §5.2, §7).
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

#include "core/internal.h"
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define ONE_CONF                                                                                   \
    "sentinel monitor mymaster 10.0.1.1 6379 2\n"                                                  \
    "sentinel down-after-milliseconds mymaster 5000\n"

/* One sentinel (quorum 2, so it never fails over alone) and one master. */
static struct cw *one_sentinel(void) {
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_sentinel(w, ONE_CONF, 7);
    cw_run(w, cw_now(w) + 3000);
    return w;
}

static uint64_t event_time(struct cw *w, int from, const char *type, const char *text) {
    int i = cw_find(w, from, 0, type, text);
    if (i < 0) { fail_msg("no %s", type); }
    return cw_event_at(w, i)->t;
}

static void test_detect_sdown_after_dead_master(void **state) {
    /* Goal: a master whose process died goes SDOWN down-after ms after the
     * first reconnection attempt, which queues a PING (§7.1 note). Method:
     * kill it and bound the +sdown time by the tick period. */
    (void)state;
    struct cw *w = one_sentinel();
    uint64_t t0 = cw_now(w);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    cw_run(w, t0 + 4900);
    assert_int_equal(cw_find(w, from, 0, "+sdown", NULL), -1);
    cw_run(w, t0 + 8000);
    uint64_t t = event_time(w, from, "+sdown", "master mymaster 10.0.1.1 6379");
    assert_true(t > t0 + 5000);
    assert_true(t <= t0 + 5000 + 1000 + 200);
    cw_free(w);
}

static void test_detect_sdown_paused_master_and_back(void **state) {
    /* Goal: an unresponsive but connected master goes SDOWN from its oldest
     * unanswered PING, and -sdown follows its first valid reply. Method:
     * pause, wait, resume. */
    (void)state;
    struct cw *w = one_sentinel();
    uint64_t t0 = cw_now(w);
    int from = cw_events_len(w);
    cw_node_at(w, 0)->paused = true;
    cw_run(w, t0 + 8000);
    uint64_t t = event_time(w, from, "+sdown", NULL);
    assert_true(t > t0 + 5000 && t <= t0 + 6200);
    cw_resume_node(w, 0);
    cw_run(w, cw_now(w) + 3000);
    assert_true(cw_find(w, from, 0, "-sdown", "master mymaster") >= 0);
    cw_free(w);
}

static void test_detect_sdown_role_mismatch(void **state) {
    /* Goal: a master reporting role:slave is SDOWN once down-after plus two
     * INFO periods passed since the role change was seen (§7.1 rule 2).
     * Method: turn the master node into a replica of another node and time
     * +sdown against the -role-change event. */
    (void)state;
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    int other = cw_node(w, "10.0.1.9", 6379, -1);
    cw_sentinel(w, ONE_CONF, 7);
    cw_run(w, cw_now(w) + 3000);
    int from = cw_events_len(w);
    cw_node_at(w, m)->is_master = false;
    cw_node_at(w, m)->master = other;
    cw_run(w, cw_now(w) + 40000);
    uint64_t seen = event_time(w, from, "-role-change", "new reported role is slave");
    uint64_t down = event_time(w, from, "+sdown", NULL);
    assert_true(down > seen + 25000);
    assert_true(down <= seen + 25000 + 200);
    cw_free(w);
}

static void test_detect_busy_invalid_loading_valid(void **state) {
    /* Goal: -BUSY is an invalid PING reply (SDOWN, then one SCRIPT KILL)
     * while -LOADING is valid (no SDOWN). Method: set the node's PING reply
     * and run past down-after in both cases. */
    (void)state;
    struct cw *w = one_sentinel();
    cw_log_sends(w, true);
    int from = cw_events_len(w);
    cw_node_at(w, 0)->ping_reply = "-LOADING Redis is loading the dataset in memory";
    cw_run(w, cw_now(w) + 12000);
    assert_int_equal(cw_find(w, from, 0, "+sdown", NULL), -1);
    cw_node_at(w, 0)->ping_reply = "-BUSY Redis is busy running a script.";
    cw_run(w, cw_now(w) + 12000);
    int sd = cw_find(w, from, 0, "+sdown", NULL);
    assert_true(sd >= 0);
    assert_true(cw_find(w, sd, 0, ">", "SCRIPT KILL") > sd);
    assert_int_equal(cw_count(w, 0, ">", "SCRIPT KILL"), 1);
    cw_free(w);
}

/* One sentinel that knows two unreachable peers, with its master dead. */
static struct cw *with_peers(void) {
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_sentinel(w,
                ONE_CONF "sentinel known-sentinel mymaster 10.0.0.8 26379 "
                         "8888888888888888888888888888888888888888\n"
                         "sentinel known-sentinel mymaster 10.0.0.9 26379 "
                         "9999999999999999999999999999999999999999\n",
                7);
    cw_run(w, cw_now(w) + 2000);
    return w;
}

static void test_detect_odown_quorum_and_reply_expiry(void **state) {
    /* Goal: ODOWN counts ourselves plus sentinels whose last reply said
     * "down", and those flags expire 5 s after the last reply (§7.2.1,
     * §7.2.2). Method: poke a MASTER_DOWN reply into one peer record while
     * the master is SDOWN (failovers blocked), then let it age. */
    (void)state;
    struct cw *w = with_peers();
    struct core_sentinel *s = cw_core(w, 0);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 7000);
    assert_true(cw_find(w, from, 0, "+sdown", NULL) >= 0);
    assert_int_equal(cw_find(w, from, 0, "+odown", NULL), -1);
    struct core__master *m = &s->masters[s->order[0]];
    m->failover_start_time = (int64_t)cw_now(w);
    struct core__inst *peer = &s->insts[m->sentinels[0]];
    peer->flags |= CORE__F_MASTER_DOWN | CORE__F_ASK_REPLIED; /* as a reply leaves it */
    m->asks_marked = true;
    peer->last_master_down_reply_time = (int64_t)cw_now(w);
    uint64_t t0 = cw_now(w);
    cw_run(w, t0 + 200);
    assert_true(cw_find(w, from, 0, "+odown", "#quorum 2/2") >= 0);
    cw_run(w, t0 + 4900);
    assert_int_equal(cw_find(w, from, 0, "-odown", NULL), -1);
    cw_run(w, t0 + 5400);
    uint64_t t = event_time(w, from, "-odown", NULL);
    assert_true(t > t0 + 5000);
    assert_int_equal(cw_find(w, from, 0, "-sdown", NULL), -1);
    cw_free(w);
}

static void test_detect_no_odown_explained(void **state) {
    /* Goal: with explain on, a missing ODOWN says how many agree, once per
     * change. Method: one sentinel with two silent peers, master dead. */
    (void)state;
    struct cw *w = cw_new();
    cw_set_explain(w, true);
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_sentinel(w, ONE_CONF, 7);
    cw_run(w, cw_now(w) + 2000);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 10000);
    assert_int_equal(cw_count(w, 0, "?", "no ODOWN for mymaster: 1/2 sentinels agree"), 1);
    cw_free(w);
}

static void test_detect_tilt_on_clock_jump(void **state) {
    /* Goal: a 3 s jump enters TILT; during TILT INFO is still processed
     * (+slave) but SDOWN is not evaluated; TILT ends 30 s later and SDOWN
     * follows at once (§3.4). Method: offset the sentinel's clock. */
    (void)state;
    struct cw *w = one_sentinel();
    int from = cw_events_len(w);
    cw_clock_offset(w, 0, 3000);
    cw_run(w, cw_now(w) + 200);
    int tilt = cw_find(w, from, 0, "+tilt", "#tilt mode entered");
    assert_true(tilt >= 0);
    assert_true(core_in_tilt(cw_core(w, 0)));
    cw_node(w, "10.0.1.2", 6379, 0);
    cw_kill_node(w, 0);
    cw_revive_node(w, 0);
    cw_run(w, cw_now(w) + 11000);
    assert_true(cw_find(w, from, 0, "+slave", "10.0.1.2:6379") >= 0);
    cw_kill_node(w, 0);
    cw_run(w, cw_event_at(w, tilt)->t + 29900);
    assert_int_equal(cw_find(w, from, 0, "+sdown", NULL), -1);
    const char *argv[] = {"SENTINEL", "is-master-down-by-addr", "10.0.1.1", "6379", "0", "*"};
    struct core_reply *r = cw_command(w, 0, 6, argv);
    assert_int_equal(r->elements[0].integer, 0);
    cw_reply_free(r);
    cw_run(w, cw_event_at(w, tilt)->t + 30300);
    int exit = cw_find(w, from, 0, "-tilt", "#tilt mode exited");
    assert_true(exit >= 0);
    int sd = cw_find(w, exit, 0, "+sdown", "master mymaster");
    assert_true(sd > exit);
    assert_int_equal(cw_event_at(w, sd)->t, cw_event_at(w, exit)->t);
    cw_free(w);
}

static void test_detect_tilt_backwards_and_reentry(void **state) {
    /* Goal: a backwards jump also enters TILT, and a second jump while in
     * TILT re-emits +tilt and postpones the exit. Method: two offsets. */
    (void)state;
    struct cw *w = one_sentinel();
    int from = cw_events_len(w);
    cw_clock_offset(w, 0, -500);
    cw_run(w, cw_now(w) + 200);
    assert_int_equal(cw_count(w, 0, "+tilt", NULL), 1);
    cw_run(w, cw_now(w) + 20000);
    cw_clock_offset(w, 0, 3000);
    uint64_t second = cw_now(w);
    cw_run(w, second + 200);
    assert_int_equal(cw_count(w, 0, "+tilt", NULL), 2);
    cw_run(w, second + 29000);
    assert_int_equal(cw_find(w, from, 0, "-tilt", NULL), -1);
    cw_run(w, second + 31000);
    assert_true(cw_find(w, from, 0, "-tilt", NULL) >= 0);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_sdown_after_dead_master),
        cmocka_unit_test(test_detect_sdown_paused_master_and_back),
        cmocka_unit_test(test_detect_sdown_role_mismatch),
        cmocka_unit_test(test_detect_busy_invalid_loading_valid),
        cmocka_unit_test(test_detect_odown_quorum_and_reply_expiry),
        cmocka_unit_test(test_detect_no_odown_explained),
        cmocka_unit_test(test_detect_tilt_on_clock_jump),
        cmocka_unit_test(test_detect_tilt_backwards_and_reentry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
