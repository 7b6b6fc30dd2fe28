/* test_sim_timeline.c: how a simulated run executes steps, waits and ends.
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

#include "reports/run.h"
#include "scenarios/scenario.h"
#include "sim/sim.h"

#define TOPOLOGY                                                                                   \
    "defaults: {quorum: 2, down-after-milliseconds: 2000, failover-timeout: 6000}\n"               \
    "masters:\n"                                                                                   \
    "  mymaster: {master: m, replicas: [r1]}\n"                                                    \
    "sentinels: 3\n"

static void load(const char *yaml, struct scn *s) {
    struct scn_error err;
    if (scn_load_string("inline.yaml", yaml, strlen(yaml), s, &err) != 0) {
        char buf[600];
        scn_error_format(&err, buf, sizeof(buf));
        fail_msg("%s", buf);
    }
}

static const struct rep_event *find(const struct rep_run *run,
                                    enum rep_kind kind,
                                    const char *text) {
    for (size_t i = 0; i < run->log.len; i++) {
        const struct rep_event *ev = &run->log.events[i];
        if (ev->kind == kind && strstr(ev->text, text) != NULL) { return ev; }
    }
    return NULL;
}

/* The time of the first matching record; fails the test when there is none. */
static uint64_t t_of(const struct rep_run *run, enum rep_kind kind, const char *text) {
    const struct rep_event *ev = find(run, kind, text);
    if (ev == NULL) { fail_msg("no record with '%s'", text); }
    return ev != NULL ? ev->t_ms : 0;
}

static void test_sim_timeline_wait_timeout_fails_and_ends(void **state) {
    /* Goal: a wait whose condition never holds fails the run at its timeout
     * and ends it there; the chaos option instead logs it and goes on.
     * Method: wait 5 s for a +switch-master that cannot come (nothing is
     * killed), then a sleep; check failure text, end time and the log. */
    (void)state;
    static const char *const yaml =
        "name: timeout\nduration: 60s\nsettle: 1s\n" TOPOLOGY "timeline:\n"
        "  - wait: {event: +switch-master, on: any, timeout: 5s}\n"
        "  - sleep: 10s\n";
    struct scn s;
    load(yaml, &s);
    struct rep_run run;
    assert_int_equal(sim_run(&s, 1, NULL, &run), SIM_OK);
    assert_non_null(strstr(run.failure, "wait timed out after 5000 ms"));
    assert_int_equal(run.end_t_ms, 5000);
    rep_run_free(&run);
    struct sim_options opt;
    sim_options_default(&opt);
    opt.wait_timeout_continues = true;
    assert_int_equal(sim_run(&s, 1, &opt, &run), SIM_OK);
    assert_string_equal(run.failure, "");
    assert_non_null(find(&run, REP_KIND_CHECK, "wait timed out"));
    assert_int_equal(run.end_t_ms, 5000 + 10000 + 1000);
    rep_run_free(&run);
    scn_free(&s);
}

static void test_sim_timeline_event_wait_sees_events_since_last_action(void **state) {
    /* Goal: an event wait counts events since the last action step, so a wait
     * placed after another wait still sees an event that came in between
     * (the leader's +slave-reconf-done precedes its own +switch-master).
     * Method: kill m, wait for +switch-master on all, then for the
     * +failover-end that came before it: satisfied at once. */
    (void)state;
    static const char *const yaml =
        "name: since\nduration: 60s\nsettle: 1s\ntimers: {info-period: 1000}\n" TOPOLOGY
        "timeline:\n"
        "  - wait: {knows: {replicas: 1, sentinels: 2}, timeout: 20s}\n"
        "  - kill: m\n"
        "  - wait: {event: +switch-master, on: all, timeout: 20s}\n"
        "  - wait: {event: +failover-end, on: any, timeout: 1s}\n";
    struct scn s;
    load(yaml, &s);
    struct rep_run run;
    assert_int_equal(sim_run(&s, 2, NULL, &run), SIM_OK);
    assert_string_equal(run.failure, "");
    assert_non_null(find(&run, REP_KIND_CHECK, "satisfied after 0 ms"));
    assert_true(run.fault_t_ms > 0);
    assert_int_equal(t_of(&run, REP_KIND_FAULT, "kill m"), run.fault_t_ms);
    rep_run_free(&run);
    scn_free(&s);
}

static void test_sim_timeline_at_and_after_times(void **state) {
    /* Goal: `at` is absolute from the run's start and `after` counts from the
     * end of the previous step. Method: pause a replica at 3 s, resume it 2 s
     * after that, shut it down at 9 s; compare FAULT record times. */
    (void)state;
    static const char *const yaml =
        "name: times\nduration: 30s\nsettle: 1s\n" TOPOLOGY "timeline:\n"
        "  - at: 3s\n    pause: r1\n"
        "  - after: 2s\n    resume: r1\n"
        "  - at: 9s\n    shutdown: r1\n";
    struct scn s;
    load(yaml, &s);
    struct rep_run run;
    assert_int_equal(sim_run(&s, 1, NULL, &run), SIM_OK);
    assert_int_equal(t_of(&run, REP_KIND_FAULT, "pause r1"), 3000);
    assert_int_equal(t_of(&run, REP_KIND_FAULT, "resume r1"), 5000);
    assert_int_equal(t_of(&run, REP_KIND_FAULT, "shutdown r1"), 9000);
    assert_int_equal(run.end_t_ms, 10000);
    assert_false(run.nodes[1].up);
    rep_run_free(&run);
    scn_free(&s);
}

static void test_sim_timeline_clock_jump_tilts_only_that_sentinel(void **state) {
    /* Goal: a clock jump moves one sentinel's "now" only; its core sees the
     * gap and enters TILT, the others do not. Method: jump s2 by +10 s. */
    (void)state;
    static const char *const yaml = "name: tilt\nduration: 20s\nsettle: 2s\n" TOPOLOGY "timeline:\n"
                                    "  - at: 5s\n    clock-jump: {on: s2, by: 10s}\n";
    struct scn s;
    load(yaml, &s);
    struct rep_run run;
    assert_int_equal(sim_run(&s, 1, NULL, &run), SIM_OK);
    uint32_t tilts[3] = {0, 0, 0};
    for (size_t i = 0; i < run.log.len; i++) {
        const struct rep_event *ev = &run.log.events[i];
        if (strcmp(ev->type, "+tilt") == 0) { tilts[ev->proc[1] - '1']++; }
    }
    assert_int_equal(tilts[0], 0);
    assert_int_equal(tilts[1], 1);
    assert_int_equal(tilts[2], 0);
    rep_run_free(&run);
    scn_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_timeline_wait_timeout_fails_and_ends),
        cmocka_unit_test(test_sim_timeline_event_wait_sees_events_since_last_action),
        cmocka_unit_test(test_sim_timeline_at_and_after_times),
        cmocka_unit_test(test_sim_timeline_clock_jump_tilts_only_that_sentinel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
