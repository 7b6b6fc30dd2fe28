/* test_rep_diff.c: the Sentinel-aware diff on hand-made logs.
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

#include "reports/diff.h"
#include "tests/support/rep_fixture.h"

/* Diffs a against b, printing the diff (cmocka shows it on failure). */
static int diff(struct rep_fx *a, struct rep_fx *b, struct rep_diff_result *res) {
    struct rep_diff_opts o;
    rep_diff_opts_default(&o);
    o.a_label = "sim";
    o.b_label = "real";
    return rep_diff_runs(&a->run, &b->run, &o, res, stdout);
}

static bool has_item(const struct rep_diff_result *res,
                     enum rep_diff_class cls,
                     const char *role,
                     const char *line) {
    for (uint32_t i = 0; i < res->items_len; i++) {
        const struct rep_diff_item *it = &res->items[i];
        if (it->cls == cls && strcmp(it->role, role) == 0 && strcmp(it->line, line) == 0) {
            return true;
        }
    }
    return false;
}

static void pair_init(struct rep_fx *a, struct rep_fx *b, const struct rep_fx_plan *pb) {
    struct rep_fx_plan pa = rep_fx_plan_default();
    rep_fx_init(a);
    rep_fx_init(b);
    rep_fx_failover(a, &pa);
    rep_fx_failover(b, pb);
}

static void test_rep_diff_identical_runs_are_equal(void **state) {
    /* Goal: a run diffs equal to itself. Method: two runs from one plan. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan p = rep_fx_plan_default();
    pair_init(&a, &b, &p);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 0);
    assert_int_equal(res.order + res.presence + res.timing, 0);
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_diff_follower_vote_before_sdown_passes(void **state) {
    /* Goal: a follower that votes before its own +sdown is no difference
     * (spec §9.10: votes do not depend on the voter's view). Method: in b,
     * s3 reaches SDOWN 300 ms later, after the leader's vote request. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan p = rep_fx_plan_default();
    p.sdown_ms[2] = 30400;
    pair_init(&a, &b, &p);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 0);
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_diff_switch_before_failover_end_is_order(void **state) {
    /* Goal: a leader logging +switch-master before +failover-end fails as
     * ORDER and only as ORDER. Method: move b's +failover-end after its
     * +switch-master, at the same time. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan p = rep_fx_plan_default();
    pair_init(&a, &b, &p);
    assert_int_equal(rep_fx_move_after(&b, "s2", "+failover-end", "+switch-master"), 1);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 1);
    assert_true(res.order >= 1);
    assert_int_equal(res.presence, 0);
    assert_int_equal(res.timing, 0);
    assert_true(has_item(&res, REP_DIFF_ORDER, "L", "+failover-end master M") ||
                has_item(&res, REP_DIFF_ORDER, "L", "+switch-master M P"));
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_diff_missing_reconf_done_is_presence(void **state) {
    /* Goal: a missing +slave-reconf-done fails as PRESENCE. Method: drop it
     * from b's leader. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan p = rep_fx_plan_default();
    pair_init(&a, &b, &p);
    assert_int_equal(rep_fx_drop(&b, "s2", "+slave-reconf-done"), 1);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 1);
    assert_int_equal(res.presence, 1);
    assert_int_equal(res.order, 0);
    assert_int_equal(res.timing, 0);
    assert_true(has_item(&res, REP_DIFF_PRESENCE, "L", "+slave-reconf-done slave R"));
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_diff_sdown_two_seconds_late_is_timing(void **state) {
    /* Goal: SDOWN 2 s late fails as TIMING (beyond down-after + tick +
     * latency + ping period), not as ORDER or PRESENCE. Method: b's s3
     * reaches SDOWN at 32.1 s instead of 30.1 s. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan p = rep_fx_plan_default();
    p.sdown_ms[2] = 32100;
    pair_init(&a, &b, &p);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 1);
    assert_true(res.timing >= 1);
    assert_int_equal(res.order, 0);
    assert_int_equal(res.presence, 0);
    assert_true(has_item(&res, REP_DIFF_TIMING, "F2", "+sdown master M"));
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_diff_tolerates_small_shifts_and_other_leader(void **state) {
    /* Goal: a different leader and promoted replica compare by role, and a
     * 500 ms SDOWN shift is within tolerance. Method: b has s1 leading, r2
     * promoted, every SDOWN 500 ms later. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan p = rep_fx_plan_default();
    p.leader = 0;
    p.promoted = 2;
    p.sdown_ms[0] = 30550;
    p.sdown_ms[1] = 30500;
    p.sdown_ms[2] = 30600;
    pair_init(&a, &b, &p);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 0);
    assert_int_equal(
        rep_diff_tolerance_ms(&(struct rep_diff_opts){100, 10, 1000, 2000, 0, 0, 0, 0}, "+sdown"),
        1110);
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_diff_convert_by_another_sentinel_passes(void **state) {
    /* Goal: which sentinel converts the restarted old master is no
     * difference (spec §11.3: the first whose INFO arrives), but a missing
     * conversion is. Method: a's s1 converts and s3 sees +role-change; b the
     * other way round; then b without any conversion. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan p = rep_fx_plan_default();
    pair_init(&a, &b, &p);
    rep_fx_ev(&a, 50000, "s1", "+convert-to-slave", "slave {m:} {m} @ mymaster {r1}");
    rep_fx_ev(&a, 50100, "s3", "+role-change",
              "slave {m:} {m} @ mymaster {r1} new reported role is slave");
    rep_fx_ev(&b, 50050, "s3", "+convert-to-slave", "slave {m:} {m} @ mymaster {r1}");
    rep_fx_ev(&b, 50120, "s1", "+role-change",
              "slave {m:} {m} @ mymaster {r1} new reported role is slave");
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 0);
    assert_int_equal(rep_fx_drop(&b, "s3", "+convert-to-slave"), 1);
    assert_int_equal(diff(&a, &b, &res), 1);
    assert_true(has_item(&res, REP_DIFF_PRESENCE, "*", "+convert-to-slave slave M"));
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_diff_optional_events_not_counted(void **state) {
    /* Goal: events whose presence the spec lets vary (§9.10: a follower's
     * +odown when the switch came first, the leader's -odown) are shown
     * but not counted. Method: drop them from b; the diff is still equal. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan p = rep_fx_plan_default();
    pair_init(&a, &b, &p);
    assert_int_equal(rep_fx_drop(&b, "s1", "+odown"), 1);
    assert_int_equal(rep_fx_drop(&b, "s2", "-odown"), 1);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 0);
    assert_int_equal(res.presence, 0);
    rep_fx_free(&a);
    rep_fx_free(&b);
}

/* Two failover rounds: round 1 as `first`, round 2 the second default plan. */
static void two_rounds(struct rep_fx *fx, const struct rep_fx_plan *first) {
    struct rep_fx_plan second = rep_fx_plan_second();
    rep_fx_init(fx);
    rep_fx_failover(fx, first);
    rep_fx_failover(fx, &second);
}

static void test_rep_diff_two_rounds_other_first_leader_agree(void **state) {
    /* Goal: two runs with the same behaviour whose round 1 was led by
     * different sentinels agree: roles are per round, so s2 leading round
     * 1 and following round 2 compares with s1 doing so, and with s3
     * leading both. Method: round 2 led by s3 in all three runs; round 1
     * led by s2, s1 and s3. */
    (void)state;
    struct rep_fx a, b, c;
    struct rep_fx_plan pa = rep_fx_plan_default(), pb = rep_fx_plan_default(), pc = pa;
    pb.leader = 0;
    pc.leader = 2;
    two_rounds(&a, &pa);
    two_rounds(&b, &pb);
    two_rounds(&c, &pc);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 0);
    assert_int_equal(diff(&a, &c, &res), 0);
    assert_int_equal(diff(&b, &c, &res), 0);
    rep_fx_free(&a);
    rep_fx_free(&b);
    rep_fx_free(&c);
}

static void test_rep_diff_two_rounds_missing_event_names_round_and_role(void **state) {
    /* Goal: an event missing in round 2 is reported against round 2's role
     * of the sentinel that lacks it, even when round 1 was led by another
     * sentinel on each side. Method: a's round 1 led by s2, b's by s1; b's
     * round-2 leader (s3) loses +slave-reconf-done, and b's s1 (round 2's
     * F1) its round-2 +config-update-from. */
    (void)state;
    struct rep_fx a, b;
    struct rep_fx_plan pa = rep_fx_plan_default(), pb = rep_fx_plan_default();
    pb.leader = 0;
    two_rounds(&a, &pa);
    two_rounds(&b, &pb);
    uint64_t round2 = rep_fx_plan_second().fault_t_ms;
    assert_int_equal(rep_fx_drop_from(&b, "s3", "+slave-reconf-done", round2), 1);
    assert_int_equal(rep_fx_drop_from(&b, "s1", "+config-update-from", round2), 1);
    struct rep_diff_result res;
    assert_int_equal(diff(&a, &b, &res), 1);
    assert_int_equal(res.presence, 2);
    assert_int_equal(res.order + res.timing, 0);
    assert_true(has_item(&res, REP_DIFF_PRESENCE, "2:L", "+slave-reconf-done slave R"));
    assert_true(has_item(&res, REP_DIFF_PRESENCE, "2:F1", "+config-update-from sentinel L"));
    rep_fx_free(&a);
    rep_fx_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_diff_identical_runs_are_equal),
        cmocka_unit_test(test_rep_diff_two_rounds_other_first_leader_agree),
        cmocka_unit_test(test_rep_diff_two_rounds_missing_event_names_round_and_role),
        cmocka_unit_test(test_rep_diff_follower_vote_before_sdown_passes),
        cmocka_unit_test(test_rep_diff_switch_before_failover_end_is_order),
        cmocka_unit_test(test_rep_diff_missing_reconf_done_is_presence),
        cmocka_unit_test(test_rep_diff_sdown_two_seconds_late_is_timing),
        cmocka_unit_test(test_rep_diff_tolerates_small_shifts_and_other_leader),
        cmocka_unit_test(test_rep_diff_convert_by_another_sentinel_passes),
        cmocka_unit_test(test_rep_diff_optional_events_not_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
