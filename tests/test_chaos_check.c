/* test_chaos_check.c: the chaos invariant checkers (sim/chaos_check.c, sim/chaos_end.c)
 * on hand-made runs.
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

#include "sim/chaos.h"

/* Sentinel ids: 40 hex chars, one distinct digit each. */
#define ID1 "1111111111111111111111111111111111111111"
#define ID2 "2222222222222222222222222222222222222222"
#define ID3 "3333333333333333333333333333333333333333"

/* A world of 3 sentinels, master m (port 6379) and replicas r1 (6380, priority
 * 100) and r2 (6381, priority 0), with the names map a run would have. */
struct fixture {
    struct scn scn;
    struct scn_group group;
    struct scn_node nodes[3];
    struct scn_sentinel sentinels[3];
    struct rep_run run;
    struct sim_chaos_check *c;
};

static int setup(void **state) {
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->group.name, sizeof(f->group.name), "mymaster");
    f->group.master = 0;
    f->group.settings.quorum = 2;
    static const char *const names[3] = {"m", "r1", "r2"};
    for (uint32_t i = 0; i < 3; i++) {
        snprintf(f->nodes[i].name, sizeof(f->nodes[i].name), "%s", names[i]);
        f->nodes[i].replicaof = i == 0 ? -1 : 0;
        f->nodes[i].priority = i == 2 ? 0 : 100;
        snprintf(f->sentinels[i].name, sizeof(f->sentinels[i].name), "s%u", i + 1);
    }
    f->scn.groups = &f->group;
    f->scn.groups_len = 1;
    f->scn.nodes = f->nodes;
    f->scn.nodes_len = 3;
    f->scn.sentinels = f->sentinels;
    f->scn.sentinels_len = 3;
    assert_int_equal(rep_run_init(&f->run, &f->scn, REP_MODE_SIM, 8), 0);
    for (uint32_t i = 0; i < 3; i++) {
        struct scn_proc n = {SCN_PROC_NODE, i};
        assert_int_equal(rep_run_add_name(&f->run, "127.0.0.1", (uint16_t)(6379 + i), "", n), 0);
    }
    f->c = sim_chaos_check_new(&f->scn, &f->run);
    assert_non_null(f->c);
    const char *ids[3] = {ID1, ID2, ID3};
    for (uint32_t i = 0; i < 3; i++) {
        sim_chaos_check_runid(f->c, i, ids[i]);
        sim_chaos_check_proc(f->c, 0, i, true);
    }
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    sim_chaos_check_free(f->c);
    rep_run_free(&f->run);
    free(f);
    return 0;
}

static void ev(struct fixture *f, uint64_t t, uint32_t s, const char *type, const char *text) {
    sim_chaos_check_event(f->c, t, s, 0, type, text);
}

/* The findings so far, as "inv/class" words separated by spaces. */
static const char *findings(struct fixture *f) {
    static char buf[256];
    const struct sim_chaos_violation *v;
    uint32_t n = sim_chaos_check_violations(f->c, &v);
    buf[0] = '\0';
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof(buf) - len, "%s%s/%s", i ? " " : "",
                 sim_chaos_inv_name(v[i].inv), sim_chaos_class_name(v[i].cls));
    }
    return buf;
}

/* s starts an automatic attempt in epoch e (after +odown) and votes for itself. */
static void attempt(struct fixture *f, uint64_t t, uint32_t s, const char *id, const char *e) {
    char vote[64];
    ev(f, t, s, "+odown", "master mymaster 127.0.0.1 6379 #quorum 2/2");
    ev(f, t, s, "+new-epoch", e);
    ev(f, t, s, "+try-failover", "master mymaster 127.0.0.1 6379");
    snprintf(vote, sizeof(vote), "%s %s", id, e);
    ev(f, t, s, "+vote-for-leader", vote);
}

/* Goal: a sentinel that votes twice in one epoch, for different candidates,
 * is flagged as a bug. Method: s2 votes for s1 and then for s3 in epoch 5
 * (what the planted bug does on a split start). */
static void test_chaos_check_double_vote_flagged(void **state) {
    struct fixture *f = *state;
    attempt(f, 100, 0, ID1, "5");
    attempt(f, 101, 2, ID3, "5");
    ev(f, 102, 1, "+new-epoch", "5");
    ev(f, 102, 1, "+vote-for-leader", ID1 " 5");
    ev(f, 103, 1, "+vote-for-leader", ID3 " 5");
    assert_string_equal(findings(f), "vote-changed/bug");
    const struct sim_chaos_violation *v;
    sim_chaos_check_violations(f->c, &v);
    assert_string_equal(v[0].proc, "s2");
    assert_non_null(strstr(v[0].detail, "s1 and then for s3 in epoch 5"));
}

/* Goal: a legitimate split vote is not flagged: two candidates in the same
 * epoch each vote for themselves, the third sentinel votes once, one
 * candidate is elected, and the same voter votes differently in a later
 * epoch. Method: the §18.2 split start, then epoch 6. */
static void test_chaos_check_split_vote_not_flagged(void **state) {
    struct fixture *f = *state;
    attempt(f, 100, 0, ID1, "5");
    attempt(f, 100, 2, ID3, "5");
    ev(f, 101, 1, "+new-epoch", "5");
    ev(f, 101, 1, "+vote-for-leader", ID3 " 5");
    ev(f, 102, 1, "+vote-for-leader", ID3 " 5"); /* the forced and normal ask rounds */
    ev(f, 200, 2, "+elected-leader", "master mymaster 127.0.0.1 6379");
    ev(f, 900, 1, "+new-epoch", "6");
    ev(f, 900, 1, "+vote-for-leader", ID1 " 6");
    assert_string_equal(findings(f), "");
}

/* Goal: two sentinels elected for one master in one epoch is a bug; when one
 * of them was a manual (forced) failover it is known behaviour. Method: the
 * same clash twice, in fresh checkers, with and without the manual log line. */
static void test_chaos_check_two_leaders(void **state) {
    struct fixture *f = *state;
    attempt(f, 100, 0, ID1, "5");
    attempt(f, 100, 2, ID3, "5");
    ev(f, 200, 2, "+elected-leader", "master mymaster 127.0.0.1 6379");
    ev(f, 201, 0, "+elected-leader", "master mymaster 127.0.0.1 6379");
    assert_string_equal(findings(f), "two-leaders/bug");

    sim_chaos_check_free(f->c);
    f->c = sim_chaos_check_new(&f->scn, &f->run);
    sim_chaos_check_runid(f->c, 0, ID1);
    sim_chaos_check_runid(f->c, 2, ID3);
    attempt(f, 100, 0, ID1, "5");
    ev(f, 100, 2, "", "Executing user requested FAILOVER of 'mymaster'");
    ev(f, 100, 2, "+new-epoch", "5");
    ev(f, 100, 2, "+try-failover", "master mymaster 127.0.0.1 6379");
    ev(f, 200, 2, "+elected-leader", "master mymaster 127.0.0.1 6379");
    ev(f, 201, 0, "+elected-leader", "master mymaster 127.0.0.1 6379");
    assert_string_equal(findings(f), "two-leaders/known");
}

/* Goal: an automatic attempt without +odown is flagged; one after +odown,
 * or a manual one, is not; -odown and a restart clear the flag. Method:
 * four sentinel histories. */
static void test_chaos_check_failover_needs_odown(void **state) {
    struct fixture *f = *state;
    attempt(f, 100, 0, ID1, "1");
    ev(f, 100, 1, "", "Executing user requested FAILOVER of 'mymaster'");
    ev(f, 100, 1, "+new-epoch", "2");
    ev(f, 100, 1, "+try-failover", "master mymaster 127.0.0.1 6379");
    assert_string_equal(findings(f), "");
    ev(f, 300, 2, "+odown", "master mymaster 127.0.0.1 6379 #quorum 2/2");
    sim_chaos_check_proc(f->c, 301, 2, false);
    sim_chaos_check_proc(f->c, 302, 2, true);
    ev(f, 400, 2, "+new-epoch", "3");
    ev(f, 400, 2, "+try-failover", "master mymaster 127.0.0.1 6379");
    assert_string_equal(findings(f), "failover-no-odown/bug");
}

/* Goal: switching to a node no leader promoted is flagged, switching to a
 * promoted one is not, and selecting a priority-0 replica is flagged.
 * Method: a normal promotion of r1 and a switch to it; then a switch to r2
 * without promotion; then a selection of r2 (priority 0). */
static void test_chaos_check_switch_and_priority(void **state) {
    struct fixture *f = *state;
    ev(f, 10, 0, "+selected-slave",
       "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379");
    ev(f, 11, 0, "+promoted-slave",
       "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379");
    ev(f, 12, 1, "+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1 6380");
    assert_string_equal(findings(f), "");
    ev(f, 20, 2, "+switch-master", "mymaster 127.0.0.1 6380 127.0.0.1 6381");
    assert_string_equal(findings(f), "unpromoted/bug");
    ev(f, 30, 0, "+selected-slave",
       "slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380");
    assert_string_equal(findings(f), "unpromoted/bug prio0/bug");
}

/* Goal: the end-of-run judgement accepts a converged world (with a chain)
 * and flags a split one, but only inside the stable window. Method: fill
 * the rep_run's final state by hand: all sentinels say r1, r1 is master, m
 * replicates from r1 and r2 from m (a chain); then make m a master too. */
static void test_chaos_check_end_convergence(void **state) {
    struct fixture *f = *state;
    for (uint32_t i = 0; i < 3; i++) {
        f->run.sentinels[i].up = true;
        f->run.sentinels[i].master_of_group[0] = 1;
        f->run.nodes[i].up = true;
    }
    f->run.nodes[1].is_master = true;
    f->run.nodes[0].upstream = 1;
    f->run.nodes[2].upstream = 0;
    f->run.end_t_ms = 50000;
    sim_chaos_check_stable_from(f->c, 40000);
    sim_chaos_check_end(f->c, &f->run);
    assert_string_equal(findings(f), "");
    f->run.nodes[0].is_master = true;
    f->run.nodes[0].upstream = -1;
    sim_chaos_check_stable_from(f->c, 60000); /* the run ended before the window */
    sim_chaos_check_end(f->c, &f->run);
    assert_string_equal(findings(f), "");
    sim_chaos_check_stable_from(f->c, 40000);
    sim_chaos_check_end(f->c, &f->run);
    assert_string_equal(findings(f), "no-convergence/new");
    const struct sim_chaos_violation *v;
    sim_chaos_check_violations(f->c, &v);
    assert_non_null(strstr(v[0].detail, "m is a master too"));
}

/* Goal: lost acknowledged writes are reported as known behaviour with the
 * cause that discarded them. Method: one writes_lost report. */
static void test_chaos_check_writes_lost_known(void **state) {
    struct fixture *f = *state;
    sim_chaos_check_writes_lost(f->c, 900, 0, 17, "full resync from r1");
    assert_string_equal(findings(f), "writes-lost/known");
    const struct sim_chaos_violation *v;
    sim_chaos_check_violations(f->c, &v);
    assert_non_null(strstr(v[0].detail, "17 acknowledged writes: full resync from r1"));
    assert_non_null(strstr(v[0].cite, "§19 item 21"));
}

/* Goal: coverage counts events by type, unknown types in the last slot.
 * Method: three events, one unknown. */
static void test_chaos_check_coverage_counts(void **state) {
    struct fixture *f = *state;
    ev(f, 1, 0, "+sdown", "master mymaster 127.0.0.1 6379");
    ev(f, 2, 1, "+sdown", "master mymaster 127.0.0.1 6379");
    ev(f, 3, 1, "+made-up", "x");
    const struct sim_chaos_cov *cov = sim_chaos_check_cov(f->c);
    assert_int_equal(cov->events[sim_chaos_cov_event("+sdown")], 2);
    assert_int_equal(cov->events[SIM_CHAOS_COV_EVENTS - 1], 1);
    assert_string_equal(sim_chaos_cov_event_name(sim_chaos_cov_event("+tilt")), "+tilt");
}

/* Goal: liveness is judged only once the timeline has healed the network:
 * a partition left in force, or a link left lossy, means no judgement.
 * Method: a split final state (two masters) with the scenario's steps set
 * to [partition], [partition, heal], and [loss 1/2 on m, loss never on m]. */
static void test_chaos_check_end_needs_healed_network(void **state) {
    struct fixture *f = *state;
    for (uint32_t i = 0; i < 3; i++) {
        f->run.sentinels[i].up = true;
        f->run.sentinels[i].master_of_group[0] = 0;
        f->run.nodes[i].up = true;
        f->run.nodes[i].is_master = true;
    }
    f->run.end_t_ms = 50000;
    struct scn_proc m = {SCN_PROC_NODE, 0};
    struct scn_step steps[2];
    memset(steps, 0, sizeof(steps));
    steps[0].kind = SCN_STEP_PARTITION;
    steps[0].side_a.items = &m;
    steps[0].side_a.len = 1;
    f->scn.steps = steps;
    f->scn.steps_len = 1;
    sim_chaos_check_stable_from(f->c, 40000);
    sim_chaos_check_end(f->c, &f->run);
    assert_string_equal(findings(f), "");
    assert_false(sim_chaos_check_judged(f->c));
    steps[0].kind = SCN_STEP_LOSS;
    steps[0].targets.items = &m;
    steps[0].targets.len = 1;
    steps[0].loss.num = 1;
    steps[0].loss.den = 2;
    sim_chaos_check_end(f->c, &f->run);
    assert_string_equal(findings(f), "");
    steps[1] = steps[0];
    steps[1].loss.num = 0;
    steps[1].loss.den = 0;
    f->scn.steps_len = 2;
    sim_chaos_check_end(f->c, &f->run);
    assert_string_equal(findings(f), "no-convergence/new");
    assert_true(sim_chaos_check_judged(f->c));
    f->scn.steps = NULL;
    f->scn.steps_len = 0;
}

/* Goal: selecting a priority-0 node that was reporting role:master (an old
 * master not yet converted: its INFO carries no slave_priority) is Sentinel
 * behaviour, classified new, not a bug. Method: the record is created, its
 * INFO says master, then it is selected. */
static void test_chaos_check_prio0_as_master_is_new(void **state) {
    struct fixture *f = *state;
    ev(f, 10, 0, "+slave", "slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380");
    ev(f, 11, 0, "-role-change",
       "slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380 new reported role is master");
    ev(f, 12, 0, "+selected-slave",
       "slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380");
    assert_string_equal(findings(f), "prio0/new");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chaos_check_double_vote_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_split_vote_not_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_two_leaders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_failover_needs_odown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_switch_and_priority, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_prio0_as_master_is_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_end_convergence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_end_needs_healed_network, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_writes_lost_known, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chaos_check_coverage_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
