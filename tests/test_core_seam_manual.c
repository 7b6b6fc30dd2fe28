/* test_core_seam_manual.c: the manual failover of spec §18.3 through the
 * seam (SENTINEL FAILOVER on a healthy master).
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

#define M_ADDR  "10.0.1.1 6379"
#define R1_ADDR "10.0.1.2 6379"

struct run {
    struct cw *w;
    int from;
    uint64_t t0;
};

/* Asks sentinel 0 for a failover of the healthy master and runs 30 s. */
static void run_manual(struct run *r, uint64_t seed) {
    r->w = seam_deploy(3, "", seed);
    r->from = cw_events_len(r->w);
    r->t0 = cw_now(r->w);
    static const char *const argv[] = {"SENTINEL", "FAILOVER", "mymaster"};
    struct core_reply *rep = cw_command(r->w, 0, 3, argv);
    assert_non_null(rep);
    assert_int_equal(rep->type, CORE_REPLY_STATUS);
    assert_int_equal(rep->len, 2);
    assert_memory_equal(rep->str, "OK", 2);
    cw_reply_free(rep);
    cw_run(r->w, r->t0 + 30000);
    if (getenv("CW_DUMP")) { cw_dump(r->w, r->from); }
}

/* Goal: the leader's sequence for a manual failover: +new-epoch and
 * +try-failover in the command's own step (after the "Executing user
 * requested FAILOVER" line), then at the next tick the self-vote and
 * +elected-leader without any other vote, then the §9.10 steps; no
 * +sdown/+odown/-odown anywhere. Method: SENTINEL FAILOVER on sentinel 0,
 * compare its record up to its switch. */
static void test_seam_manual_leader_sequence(void **state) {
    (void)state;
    struct run r;
    run_manual(&r, 8000);
    struct cw *w = r.w;
    int exec = seam_must_find(w, r.from, 0, "", "Executing user requested FAILOVER of 'mymaster'");
    int ne = seam_must_find(w, r.from, 0, "+new-epoch", "1");
    int tf = seam_must_find(w, r.from, 0, "+try-failover", "master mymaster " M_ADDR);
    assert_true(exec < ne && ne < tf);
    assert_int_equal(cw_event_at(w, tf)->t, r.t0);
    int el = seam_must_find(w, r.from, 0, "+elected-leader", "master mymaster " M_ADDR);
    assert_true(cw_event_at(w, el)->t > r.t0 && cw_event_at(w, el)->t <= r.t0 + 110);
    int sw = seam_must_find(w, r.from, 0, "+switch-master", "mymaster " M_ADDR " " R1_ADDR);
    int end = seam_must_find(w, seam_must_find(w, sw, 0, "+slave", NULL) + 1, 0, "+slave", NULL);
    static const char *const want[] = {"+new-epoch",
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
                                       "+slave",
                                       NULL};
    seam_expect_sequence(w, 0, r.from, end + 1, want, "manual leader");
    char text[64];
    snprintf(text, sizeof(text), "%s 1", core_myid(cw_core(w, 0)));
    seam_must_find(w, r.from, 0, "+vote-for-leader", text);
    assert_int_equal(cw_count(w, -1, "+vote-for-leader", NULL), 1);
    assert_int_equal(cw_count(w, -1, "+sdown", "master mymaster"), 0);
    assert_int_equal(cw_count(w, -1, "+odown", NULL), 0);
    assert_int_equal(cw_count(w, -1, "-odown", NULL), 0);
    cw_free(w);
}

/* Goal: observers are never asked: they only learn +new-epoch 1 from a
 * hello, then switch on the hello forced at promotion, before the leader.
 * Method: compare each observer's record up to its switch, and times. */
static void test_seam_manual_observers(void **state) {
    (void)state;
    struct run r;
    run_manual(&r, 8100);
    struct cw *w = r.w;
    int lsw = seam_must_find(w, r.from, 0, "+switch-master", "mymaster " M_ADDR " " R1_ADDR);
    for (int k = 1; k < 3; k++) {
        int sw = seam_must_find(w, r.from, k, "+switch-master", "mymaster " M_ADDR " " R1_ADDR);
        int end =
            seam_must_find(w, seam_must_find(w, sw, k, "+slave", NULL) + 1, k, "+slave", NULL);
        static const char *const want[] = {"+new-epoch",
                                           "?-role-change",
                                           "+config-update-from",
                                           "+switch-master",
                                           "+slave",
                                           "+slave",
                                           NULL};
        seam_expect_sequence(w, k, r.from, end + 1, want, "manual observer");
        assert_true(cw_event_at(w, sw)->t + 500 <= cw_event_at(w, lsw)->t);
        char text[128];
        snprintf(text, sizeof(text), "sentinel %s 10.0.0.1 26379 @ mymaster " M_ADDR,
                 core_myid(cw_core(w, 0)));
        seam_must_find(w, r.from, k, "+config-update-from", text);
        assert_int_equal(core_current_epoch(cw_core(w, k)), 1);
    }
    cw_free(w);
}

/* Goal: the old master, alive and still a master, is demoted by exactly one
 * sentinel about one INFO period after that sentinel's switch; every
 * sentinel first reports it as "-role-change ... is master" right after its
 * switch, the others end with "+role-change ... is slave"; the converter is
 * an observer (they switch, and so first INFO it, about 1 s before the
 * leader, §11.3). Method: count and order the old master's events. */
static void test_seam_manual_old_master_demoted_once(void **state) {
    (void)state;
    struct run r;
    run_manual(&r, 8200);
    struct cw *w = r.w;
    static const char subject[] = "slave 10.0.1.1:6379 " M_ADDR " @ mymaster " R1_ADDR;
    assert_int_equal(cw_count(w, -1, "+convert-to-slave", subject), 1);
    int conv = seam_must_find(w, r.from, -1, "+convert-to-slave", subject);
    int converter = cw_event_at(w, conv)->sentinel;
    assert_int_not_equal(converter, 0);
    int csw = seam_must_find(w, r.from, converter, "+switch-master", "mymaster");
    uint64_t after = cw_event_at(w, conv)->t - cw_event_at(w, csw)->t;
    assert_true(after >= 8000 && after <= 11200);
    for (int k = 0; k < 3; k++) {
        int sw = seam_must_find(w, r.from, k, "+switch-master", "mymaster");
        int down = seam_must_find(w, sw, k, "-role-change", subject);
        assert_non_null(strstr(cw_event_at(w, down)->text, "new reported role is master"));
        assert_true(cw_event_at(w, down)->t <= cw_event_at(w, sw)->t + 1200);
        if (k != converter) {
            int up = seam_must_find(w, down, k, "+role-change", subject);
            assert_non_null(strstr(cw_event_at(w, up)->text, "new reported role is slave"));
            assert_true(up > conv);
        }
    }
    for (int n = 0; n < 3; n += 2) {
        assert_false(cw_node_at(w, n)->is_master);
        assert_int_equal(cw_node_at(w, n)->master, 1);
    }
    assert_true(cw_node_at(w, 1)->is_master);
    cw_free(w);
}

/* Goal: SENTINEL FAILOVER's refusals: unknown master, a failover already in
 * progress (-INPROG), no suitable replica (-NOGOODSLAVE). Method: issue
 * the command in each situation and read the error replies. */
static void test_seam_manual_refusals(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, "", 8300);
    static const char *const unknown[] = {"SENTINEL", "FAILOVER", "nosuch"};
    static const char *const fo[] = {"SENTINEL", "FAILOVER", "mymaster"};
    static const struct {
        const char *const *argv;
        const char *err;
    } cases[] = {{unknown, "ERR No such master with that name"},
                 {fo, NULL},
                 {fo, "INPROG Failover already in progress"}};
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct core_reply *rep = cw_command(w, 0, 3, cases[c].argv);
        assert_non_null(rep);
        if (cases[c].err == NULL) {
            assert_int_equal(rep->type, CORE_REPLY_STATUS);
        } else {
            assert_int_equal(rep->type, CORE_REPLY_ERROR);
            assert_int_equal(rep->len, strlen(cases[c].err));
            assert_memory_equal(rep->str, cases[c].err, rep->len);
        }
        cw_reply_free(rep);
    }
    /* With both replicas dead, sentinel 1 has no candidate. */
    cw_kill_node(w, 1);
    cw_kill_node(w, 2);
    cw_run(w, cw_now(w) + 6000);
    struct core_reply *rep = cw_command(w, 1, 3, fo);
    assert_non_null(rep);
    assert_int_equal(rep->type, CORE_REPLY_ERROR);
    static const char nogood[] = "NOGOODSLAVE No suitable replica to promote";
    assert_int_equal(rep->len, strlen(nogood));
    assert_memory_equal(rep->str, nogood, rep->len);
    cw_reply_free(rep);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seam_manual_leader_sequence),
        cmocka_unit_test(test_seam_manual_observers),
        cmocka_unit_test(test_seam_manual_old_master_demoted_once),
        cmocka_unit_test(test_seam_manual_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
