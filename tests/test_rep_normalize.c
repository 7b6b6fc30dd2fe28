/* test_rep_normalize.c: names, roles and skeleton forms of event texts.
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

#include "reports/normalize.h"
#include "tests/support/rep_fixture.h"

/* The normalized record of proc's first record of `type`; fails the test if none. */
static const struct rep_norm_event *find(const struct rep_norm *n,
                                         const char *proc,
                                         const char *type) {
    for (uint32_t i = 0; i < n->len; i++) {
        if (strcmp(n->events[i].proc, proc) == 0 && strcmp(n->events[i].type, type) == 0) {
            return &n->events[i];
        }
    }
    fail_msg("no %s record from %s", type, proc);
    abort();
}

static void test_rep_normalize_named_replaces_addresses(void **state) {
    /* Goal: addresses and run ids become names, a replica named twice is
     * named once, unknown addresses and the rest stay. Method: normalize
     * the texts of spec §13.1's forms directly. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    char out[REP_NORM_TEXT_MAX];
    assert_int_equal(rep_norm_named(&fx.run,
                                    "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379",
                                    out, sizeof(out)),
                     0);
    assert_string_equal(out, "slave r1 @ mymaster m");
    rep_norm_named(&fx.run, "mymaster 127.0.0.1 6379 127.0.0.1 6381", out, sizeof(out));
    assert_string_equal(out, "mymaster m r2");
    rep_norm_named(&fx.run,
                   "sentinel 2222222222222222222222222222222222222222 127.0.0.1 26380 @ mymaster "
                   "127.0.0.1 6379",
                   out, sizeof(out));
    assert_string_equal(out, "sentinel s2 @ mymaster m");
    rep_norm_named(&fx.run, "master mymaster 127.0.0.1 6379 #quorum 2/2", out, sizeof(out));
    assert_string_equal(out, "master mymaster m #quorum 2/2");
    rep_norm_named(&fx.run, "slave 10.0.0.9:7000 10.0.0.9 7000 @ mymaster 127.0.0.1 6379", out,
                   sizeof(out));
    assert_string_equal(out, "slave 10.0.0.9:7000 10.0.0.9 7000 @ mymaster m");
    rep_norm_named(&fx.run,
                   "Next failover delay: I will not start a failover before Sun Nov 22 01:02:03 "
                   "2026",
                   out, sizeof(out));
    assert_string_equal(out, "Next failover delay: I will not start a failover before <date>");
    rep_fx_free(&fx);
}

static void test_rep_normalize_roles_of_last_failover(void **state) {
    /* Goal: the leader, promoted replica and old master are found from the
     * log, and texts read in roles. Method: generate §18.1 with s3 leading
     * and r2 promoted, normalize, check the role table and several lines. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    struct rep_fx_plan p = rep_fx_plan_default();
    p.leader = 2;
    p.promoted = 2;
    rep_fx_failover(&fx, &p);
    struct rep_norm n;
    assert_int_equal(rep_normalize(&fx.run, &n), 0);
    assert_int_equal(n.leader, 2);
    assert_int_equal(n.promoted, 2);
    assert_int_equal(n.old_master, 0);
    assert_int_equal(n.failovers, 1);
    assert_string_equal(rep_norm_role_of(&n, "s3"), "L");
    assert_string_equal(rep_norm_role_of(&n, "s1"), "F1");
    assert_string_equal(rep_norm_role_of(&n, "s2"), "F2");
    assert_string_equal(rep_norm_role_of(&n, "m"), "M");
    assert_string_equal(rep_norm_role_of(&n, "r1"), "R1");
    assert_string_equal(rep_norm_role_of(&n, "r2"), "P");
    assert_null(rep_norm_role_of(&n, "harness"));
    const struct rep_norm_event *e = find(&n, "s3", "+switch-master");
    assert_string_equal(e->named, "mymaster m r2");
    assert_string_equal(e->roled, "M P");
    assert_string_equal(e->skel, "+switch-master M P");
    assert_int_equal(e->dt_ms, 30100 + 2400);
    e = find(&n, "s1", "+config-update-from");
    assert_string_equal(e->roled, "sentinel L @ M");
    assert_string_equal(e->skel, "+config-update-from sentinel L");
    e = find(&n, "s1", "+vote-for-leader");
    assert_string_equal(e->roled, "L 1");
    assert_string_equal(e->skel, "+vote-for-leader L");
    e = find(&n, "s3", "+odown");
    assert_string_equal(e->skel, "+odown master M");
    e = find(&n, "s3", "+slave-reconf-done");
    assert_string_equal(e->roled, "slave R1 @ M");
    assert_string_equal(e->skel, "+slave-reconf-done slave R");
    e = find(&n, "s3", "");
    assert_int_equal(e->kind, REP_KIND_LOG);
    assert_string_equal(e->named, "s1 voted for s3 1");
    assert_string_equal(e->roled, "F1 voted for L 1");
    assert_string_equal(e->skel, "");
    rep_norm_free(&n);
    rep_fx_free(&fx);
}

static void test_rep_normalize_roles_per_round(void **state) {
    /* Goal: each failover round has its own roles, texts read in their
     * round's roles and the emitter's role carries the round; the summary
     * is the last failover. Method: round 1 led by s2 promoting r1, round 2
     * led by s3 promoting r2 (r1 dies); check both rounds' records. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    struct rep_fx_plan p1 = rep_fx_plan_default(), p2 = rep_fx_plan_second();
    rep_fx_failover(&fx, &p1);
    rep_fx_failover(&fx, &p2);
    struct rep_norm n;
    assert_int_equal(rep_normalize(&fx.run, &n), 0);
    assert_int_equal(n.rounds_len, 2);
    assert_int_equal(n.failovers, 2);
    assert_int_equal(n.rounds[0].leader, 1);
    assert_int_equal(n.rounds[0].promoted, 1);
    assert_int_equal(n.rounds[1].leader, 2);
    assert_int_equal(n.rounds[1].old_master, 1);
    assert_int_equal(n.last, 1);
    assert_int_equal(n.leader, 2);
    assert_string_equal(rep_norm_role_of(&n, "s2"), "F2");
    assert_int_equal(rep_norm_sentinel_in_role(&n, 0, "L"), 1);
    assert_int_equal(rep_norm_sentinel_in_role(&n, 1, "F2"), 1);
    for (uint32_t i = 0; i < n.len; i++) {
        const struct rep_norm_event *e = &n.events[i];
        bool second = n.run->log.events[e->index].t_ms >= p2.fault_t_ms;
        if (strcmp(e->proc, "s2") != 0 || e->kind != REP_KIND_EVENT) { continue; }
        assert_int_equal(e->round, second ? 1 : 0);
        assert_string_equal(e->role, second ? "2:F2" : "1:L");
        if (strcmp(e->type, "+switch-master") == 0) {
            assert_string_equal(e->named, second ? "mymaster r1 r2" : "mymaster m r1");
            assert_string_equal(e->roled, "M P");
        }
        if (strcmp(e->type, "+vote-for-leader") == 0) {
            assert_string_equal(e->roled, second ? "L 2" : "L 1");
        }
    }
    rep_norm_free(&n);
    rep_fx_free(&fx);
}

static void test_rep_normalize_without_failover(void **state) {
    /* Goal: a run with no election has no leader, every sentinel is a
     * follower and the initial master is M. Method: a log with only SDOWN
     * events. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    rep_fx_ev(&fx, 100, "s1", "+sdown", "slave {r1:} {r1} @ mymaster {m}");
    struct rep_norm n;
    assert_int_equal(rep_normalize(&fx.run, &n), 0);
    assert_int_equal(n.leader, -1);
    assert_int_equal(n.failovers, 0);
    assert_int_equal(n.rounds_len, 1);
    assert_string_equal(n.events[0].role, "F1");
    assert_string_equal(rep_norm_role_of(&n, "s1"), "F1");
    assert_string_equal(rep_norm_role_of(&n, "s3"), "F3");
    assert_string_equal(rep_norm_role_of(&n, "m"), "M");
    assert_string_equal(rep_norm_role_of(&n, "r2"), "R2");
    assert_string_equal(n.events[0].roled, "slave R1 @ M");
    rep_norm_free(&n);
    rep_fx_free(&fx);
}

static void test_rep_normalize_pattern_matching(void **state) {
    /* Goal: skeleton patterns match as word prefixes with F/R/"*" wildcards.
     * Method: matching and non-matching pairs. */
    (void)state;
    assert_true(rep_norm_line_matches("+odown master M", "+odown master M #quorum 2/2"));
    assert_true(rep_norm_line_matches("+slave slave R @ P", "+slave slave R2 @ P"));
    assert_true(rep_norm_line_matches("+sentinel sentinel F", "+sentinel sentinel F12 @ M"));
    assert_true(rep_norm_line_matches("+switch-master * P", "+switch-master M P"));
    assert_false(rep_norm_line_matches("+switch-master M P", "+switch-master P M"));
    assert_false(rep_norm_line_matches("+odown master M #quorum", "+odown master M"));
    assert_false(rep_norm_line_matches("+slave slave R", "+slave slave RX"));
}

static void test_rep_normalize_two_groups_keep_names(void **state) {
    /* Goal: with two monitored masters the group name stays, the failover's
     * group gets M/P/R roles and the other group's nodes keep their names.
     * Method: a hand-built world (groups a and b, one sentinel), a switch
     * in group b. */
    (void)state;
    static struct scn s;
    static struct scn_group g[2];
    static struct scn_node nodes[4];
    static struct scn_sentinel sen[1];
    static const char *const names[4] = {"a1", "a2", "b1", "b2"};
    memset(&s, 0, sizeof(s));
    snprintf(g[0].name, SCN_NAME_MAX, "ga");
    snprintf(g[1].name, SCN_NAME_MAX, "gb");
    g[1].master = 2;
    for (uint32_t i = 0; i < 4; i++) {
        snprintf(nodes[i].name, SCN_NAME_MAX, "%s", names[i]);
        nodes[i].group = i / 2;
        nodes[i].replicaof = i % 2 == 0 ? -1 : (int32_t)(i - 1);
    }
    snprintf(sen[0].name, SCN_NAME_MAX, "s1");
    s.groups = g;
    s.groups_len = 2;
    s.nodes = nodes;
    s.nodes_len = 4;
    s.sentinels = sen;
    s.sentinels_len = 1;
    struct rep_run run;
    assert_int_equal(rep_run_init(&run, &s, REP_MODE_SIM, 8), 0);
    for (uint32_t i = 0; i < 4; i++) {
        rep_run_add_name(&run, "10.0.0.1", (uint16_t)(7000 + i), "",
                         (struct scn_proc){SCN_PROC_NODE, i});
    }
    rep_log_append(&run.log, 1, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+new-epoch", "3");
    rep_log_append(&run.log, 2, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+elected-leader",
                   "master gb 10.0.0.1 7002");
    rep_log_append(&run.log, 3, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+switch-master",
                   "gb 10.0.0.1 7002 10.0.0.1 7003");
    rep_log_append(&run.log, 4, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+sdown",
                   "slave 10.0.0.1:7001 10.0.0.1 7001 @ ga 10.0.0.1 7000");
    struct rep_norm n;
    assert_int_equal(rep_normalize(&run, &n), 0);
    assert_int_equal(n.group, 1);
    assert_int_equal(n.leader, 0);
    assert_int_equal(n.failovers, 1);
    assert_string_equal(n.events[2].roled, "gb M P");
    assert_string_equal(n.events[3].roled, "slave a2 @ ga a1");
    assert_string_equal(rep_norm_role_of(&n, "b2"), "P");
    assert_string_equal(rep_norm_role_of(&n, "a1"), "a1");
    rep_norm_free(&n);
    rep_run_free(&run);
}

static void test_rep_normalize_fault_window(void **state) {
    /* Goal: the run "from the fault on" starts at the fault record, but
     * takes in what the fault's step caused in its millisecond before the
     * record was logged, not discovery. Method: at t = 5000, +sentinel,
     * +new-epoch, the fault record, +try-failover; one record earlier. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    rep_fx_ev(&fx, 4000, "s1", "+sdown", "master mymaster {m}");
    rep_fx_ev(&fx, 5000, "s1", "+sentinel", "sentinel {id:s2} {s2} @ mymaster {m}");
    rep_fx_ev(&fx, 5000, "s1", "+new-epoch", "1");
    rep_log_append(&fx.run.log, 5000, REP_KIND_FAULT, REP_LEVEL_NOTICE, "harness", "",
                   "s1: SENTINEL FAILOVER mymaster -> +OK");
    rep_fx_ev(&fx, 5000, "s1", "+try-failover", "master mymaster {m}");
    fx.run.fault_t_ms = 5000;
    struct rep_norm n;
    assert_int_equal(rep_normalize(&fx.run, &n), 0);
    assert_int_equal(n.fault_index, 3);
    bool want[5] = {false, false, true, true, true};
    for (uint32_t i = 0; i < 5; i++) {
        assert_int_equal(rep_norm_after_fault(&n, &n.events[i]), want[i]);
    }
    rep_norm_free(&n);
    rep_fx_free(&fx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_normalize_named_replaces_addresses),
        cmocka_unit_test(test_rep_normalize_roles_of_last_failover),
        cmocka_unit_test(test_rep_normalize_roles_per_round),
        cmocka_unit_test(test_rep_normalize_without_failover),
        cmocka_unit_test(test_rep_normalize_pattern_matching),
        cmocka_unit_test(test_rep_normalize_two_groups_keep_names),
        cmocka_unit_test(test_rep_normalize_fault_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
