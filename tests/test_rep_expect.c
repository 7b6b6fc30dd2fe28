/* test_rep_expect.c: expectation checks on hand-made runs.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "reports/report.h"
#include "reports/run.h"
#include "tests/support/rep_fixture.h"

/* Expectations written the way a scenario file would give them. */
struct world {
    struct rep_fx fx;
    struct scn_expect_group group;
    struct scn_expect_replica replica;
    struct scn_proc master_one_of[1], leader_one_of[1], promoted_one_of[1];
    struct scn_skeleton skeletons[2];
    char leader_lines[4][SCN_TEXT_MAX];
    char follower_lines[3][SCN_TEXT_MAX];
    struct scn_never never[1];
};

static void expect_default(struct world *w) {
    struct scn_expect *x = &w->fx.scn.expect;
    w->master_one_of[0] = (struct scn_proc){SCN_PROC_NODE, 1};
    w->group = (struct scn_expect_group){0, {1, w->master_one_of}, 1, &w->replica, true, {40, 3}};
    w->replica = (struct scn_expect_replica){2, SCN_UPSTREAM_MASTER, {42, 7}};
    x->groups = &w->group;
    x->groups_len = 1;
    w->leader_one_of[0] = (struct scn_proc){SCN_PROC_SENTINEL, 1};
    w->promoted_one_of[0] = (struct scn_proc){SCN_PROC_NODE, 1};
    x->leader_one_of = (struct scn_set){1, w->leader_one_of};
    x->promoted_one_of = (struct scn_set){1, w->promoted_one_of};
    x->failovers_min = 1;
    x->failovers_max = 1;
    snprintf(w->leader_lines[0], SCN_TEXT_MAX, "+odown master M");
    snprintf(w->leader_lines[1], SCN_TEXT_MAX, "+elected-leader master M");
    snprintf(w->leader_lines[2], SCN_TEXT_MAX, "+failover-end master M");
    snprintf(w->leader_lines[3], SCN_TEXT_MAX, "+switch-master M P");
    snprintf(w->follower_lines[0], SCN_TEXT_MAX, "+vote-for-leader L");
    snprintf(w->follower_lines[1], SCN_TEXT_MAX, "+config-update-from sentinel L");
    snprintf(w->follower_lines[2], SCN_TEXT_MAX, "+switch-master M P");
    w->skeletons[0] = (struct scn_skeleton){SCN_ROLE_LEADER, 4, w->leader_lines, {50, 5}};
    w->skeletons[1] = (struct scn_skeleton){SCN_ROLE_FOLLOWER, 3, w->follower_lines, {56, 5}};
    x->skeletons = w->skeletons;
    x->skeletons_len = 2;
    snprintf(w->never[0].event, SCN_EVENT_TYPE_MAX, "-failover-abort-no-good-slave");
    w->never[0].pos = (struct scn_pos){60, 9};
    x->never = w->never;
    x->never_len = 1;
    x->lost_writes_max = 0;
}

static void world_init(struct world *w) {
    memset(w, 0, sizeof(*w));
    rep_fx_init(&w->fx);
    expect_default(w);
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&w->fx, &p);
}

/* Whether some finding, formatted, contains `text`. */
static bool has_finding(const struct world *w, const struct rep_verdict *v, const char *text) {
    for (uint32_t i = 0; i < v->findings_len; i++) {
        char buf[512];
        rep_finding_format(&w->fx.run, &v->findings[i], buf, sizeof(buf));
        if (strstr(buf, text) != NULL) { return true; }
    }
    for (uint32_t i = 0; i < v->findings_len; i++) {
        print_message("finding: %s\n", v->findings[i].msg);
    }
    return false;
}

static void test_rep_expect_happy_path_passes(void **state) {
    /* Goal: the §18.1 failover meets every expectation kind at once.
     * Method: default plan (s2 leads, r1 promoted) against the full set. */
    (void)state;
    struct world w;
    world_init(&w);
    struct rep_verdict v;
    rep_expect_check(&w.fx.run, &v);
    for (uint32_t i = 0; i < v.findings_len; i++) {
        print_message("finding: %s\n", v.findings[i].msg);
    }
    assert_true(v.pass);
    assert_int_equal(v.findings_len, 0);
    assert_string_equal(v.leader, "s2");
    assert_string_equal(v.promoted, "r1");
    assert_int_equal(v.failovers, 1);
    rep_fx_free(&w.fx);
}

static void test_rep_expect_wrong_promotion_cites_positions(void **state) {
    /* Goal: a failover that promotes the other replica fails the master,
     * replica and promoted expectations, each citing where it was written.
     * Method: plan r2 promoted against expectations naming r1. */
    (void)state;
    struct world w;
    memset(&w, 0, sizeof(w));
    rep_fx_init(&w.fx);
    expect_default(&w);
    struct rep_fx_plan p = rep_fx_plan_default();
    p.promoted = 2;
    rep_fx_failover(&w.fx, &p);
    w.replica.node = 1; /* r1 should now follow the final master */
    struct rep_verdict v;
    rep_expect_check(&w.fx.run, &v);
    assert_false(v.pass);
    assert_string_equal(v.promoted, "r2");
    assert_true(has_finding(&w, &v,
                            "tests/fixture.yaml:40:3: expected the final master of mymaster to be "
                            "one of {r1}, got r2 (s1=r2 s2=r2 s3=r2)"));
    assert_true(has_finding(&w, &v,
                            "tests/fixture.yaml: expected the promoted replica of the last "
                            "failover to be one of {r1}, got r2"));
    assert_false(has_finding(&w, &v, ":42:7:"));
    rep_fx_free(&w.fx);
}

static void test_rep_expect_skeleton_order_and_never(void **state) {
    /* Goal: a leader that switches before ending, a never-event, lost
     * writes and a driver failure are each reported. Method: edit the
     * generated log and run record, check each finding. */
    (void)state;
    struct world w;
    world_init(&w);
    assert_int_equal(rep_fx_move_after(&w.fx, "s2", "+failover-end", "+slave"), 1);
    rep_fx_ev(&w.fx, 99000, "s1", "-failover-abort-no-good-slave", "master mymaster {m}");
    w.fx.run.writes = (struct rep_writes){100, 3, 0};
    snprintf(w.fx.run.failure, sizeof(w.fx.run.failure), "wait timed out at 60000 ms");
    struct rep_verdict v;
    rep_expect_check(&w.fx.run, &v);
    assert_false(v.pass);
    assert_true(
        has_finding(&w, &v, "tests/fixture.yaml:50:5: expected L (s2) to log the skeleton"));
    assert_true(has_finding(&w, &v, "no match after \"+failover-end master M\""));
    assert_true(has_finding(&w, &v,
                            "tests/fixture.yaml:60:9: expected no "
                            "-failover-abort-no-good-slave, got"));
    assert_true(has_finding(&w, &v, "expected at most 0 lost writes, got 3 (of 100 acked)"));
    assert_true(has_finding(&w, &v, "expected the run to complete, got: wait timed out"));
    assert_false(has_finding(&w, &v, ":56:5:"));
    rep_fx_free(&w.fx);
}

static void test_rep_expect_sentinels_disagree(void **state) {
    /* Goal: a sentinel that still names the old master breaks
     * sentinels_agree, a replica pointing elsewhere breaks its upstream,
     * and a second round breaks the failover bound. Method: edit the final
     * state and add a second +switch-master round in epoch 2. */
    (void)state;
    struct world w;
    world_init(&w);
    w.fx.run.sentinels[2].master_of_group[0] = 0;
    w.fx.run.nodes[2].upstream = 0;
    rep_fx_ev(&w.fx, 90000, "s1", "+new-epoch", "2");
    rep_fx_ev(&w.fx, 90100, "s1", "+switch-master", "mymaster {r1} {r2}");
    struct rep_verdict v;
    rep_expect_check(&w.fx.run, &v);
    assert_false(v.pass);
    assert_true(has_finding(&w, &v,
                            ":40:3: expected every live sentinel to name r1 as master of "
                            "mymaster, got s1=r1 s2=r1 s3=m"));
    assert_true(has_finding(&w, &v, ":42:7: expected r2 to replicate from r1, got m"));
    assert_true(has_finding(&w, &v, "expected 1..1 failovers (+switch-master rounds), got 2"));
    rep_fx_free(&w.fx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_expect_happy_path_passes),
        cmocka_unit_test(test_rep_expect_wrong_promotion_cites_positions),
        cmocka_unit_test(test_rep_expect_skeleton_order_and_never),
        cmocka_unit_test(test_rep_expect_sentinels_disagree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
