/* test_real_run.c: a whole real run, from scenario to the run record.
 *
 * Method: real_run() on a small failover scenario with a workload; the
 * resulting `struct rep_run` is checked field by field against what the
 * processes must have done (names map, final roles, sentinels' answers,
 * records sorted and named, fault origin, writes), and the expectations
 * checker must pass it. A second test checks that a refused scenario starts
 * nothing.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "real/real.h"
#include "real/sys.h"
#include "tests/support/real_fixture.h"

static void test_real_run_fills_the_run_record(void **state) {
    /* Goal: the run record is complete and true. Method: kill the master of
     * a 3-node, 3-sentinel group with a 50 writes/s workload; check every
     * part of the record and the verdict. */
    (void)state;
    struct scn s;
    rfx_load(&s, "name: run-record\n"
                 "settle: 1s\n"
                 "timers: {info-period: 1000}\n"
                 "defaults: {quorum: 2, down-after-milliseconds: 1500, failover-timeout: 6000}\n"
                 "masters:\n  mymaster: {master: m, replicas: [r1, r2]}\n"
                 "sentinels: 3\n"
                 "workload: {writes-per-sec: 50}\n"
                 "timeline:\n"
                 "  - after: 500ms\n    kill: m\n"
                 "  - wait: {event: +switch-master, on: all, timeout: 30s}\n"
                 "  - wait: {event: +slave-reconf-done, on: any, timeout: 20s}\n"
                 "expect:\n  master: [r1, r2]\n  sentinels-agree: true\n  failovers: 1\n");
    struct real_options opt;
    real_options_default(&opt);
    struct rep_run run;
    struct real_timing t;
    char err[512] = "";
    int rc = real_run(&s, &opt, &run, &t, err, sizeof(err));
    if (rc != REAL_OK) { fail_msg("real_run: %d %s", rc, err); }
    assert_string_equal(run.failure, "");
    assert_int_equal(run.mode, REP_MODE_REAL_REDIS);
    /* Names: every process's address, sentinels with their 40-char ids. */
    assert_int_equal(run.names_len, 6);
    for (uint32_t i = 0; i < run.names_len; i++) {
        assert_string_equal(run.names[i].ip, "127.0.0.1");
        assert_int_equal(strlen(run.names[i].runid),
                         run.names[i].proc.kind == SCN_PROC_SENTINEL ? 40 : 0);
    }
    /* Final state: m down, one replica promoted, the other replicating from it. */
    assert_false(run.nodes[0].up);
    int32_t promoted = run.nodes[1].is_master ? 1 : 2, other = 3 - promoted;
    assert_true(run.nodes[promoted].up && run.nodes[promoted].is_master);
    assert_false(run.nodes[other].is_master);
    assert_int_equal(run.nodes[other].upstream, promoted);
    assert_true(run.nodes[other].link_up);
    for (uint32_t j = 0; j < 3; j++) {
        assert_true(run.sentinels[j].up);
        assert_int_equal(run.sentinels[j].master_of_group[0], promoted);
        assert_true(run.sentinels[j].current_epoch >= 1);
    }
    /* Records: sorted by time, numbered, named by scenario process. */
    size_t events = 0, faults = 0, nodes = 0;
    for (size_t i = 0; i < run.log.len; i++) {
        const struct rep_event *ev = &run.log.events[i];
        assert_int_equal(ev->seq, i);
        if (i > 0) { assert_true(ev->t_ms >= run.log.events[i - 1].t_ms); }
        assert_true(ev->proc[0] != '\0');
        events += ev->kind == REP_KIND_EVENT;
        nodes += ev->kind == REP_KIND_NODE;
        if (ev->kind == REP_KIND_FAULT) {
            faults++;
            assert_string_equal(ev->text, "kill m");
            assert_int_equal(ev->t_ms, run.fault_t_ms);
        }
    }
    assert_int_equal(faults, 1);
    assert_true(events > 20);
    assert_true(nodes > 0);
    assert_true(run.fault_t_ms >= 500 && run.fault_t_ms < run.end_t_ms);
    /* Writes: acknowledged before and after the failover; some may be lost. */
    assert_true(run.writes.acked > 50);
    assert_true(run.writes.lost <= run.writes.acked);
    /* Timing: the parts add up to the whole, and the failover took time. */
    assert_true(t.setup_ms > 0 && t.fault_ms > 1000);
    assert_true(t.setup_ms + t.timeline_ms + t.teardown_ms <= t.total_ms + 5);
    struct rep_verdict v;
    rep_expect_check(&run, &v);
    if (!v.pass) { fail_msg("verdict: %s", v.findings_len ? v.findings[0].msg : "?"); }
    assert_int_equal(v.failovers, 1);
    rep_run_free(&run);
    scn_free(&s);
}

static void test_real_run_refused_scenario_starts_nothing(void **state) {
    /* Goal: a refused scenario is refused before any process or directory
     * exists. Method: a backward clock jump: real_run must return at once
     * (set-up alone takes longer) with the reason. */
    (void)state;
    struct scn s;
    rfx_load(&s, "name: refused\n"
                 "defaults: {quorum: 1}\n"
                 "masters:\n  mymaster: {master: m}\n"
                 "sentinels: 1\n"
                 "timeline:\n  - clock-jump: {on: s1, by: -1s}\n");
    struct real_options opt;
    real_options_default(&opt);
    struct rep_run run;
    struct real_timing t;
    char err[512] = "";
    uint64_t t0 = real__now_ms();
    assert_int_equal(real_run(&s, &opt, &run, &t, err, sizeof(err)), REAL_E_BAD);
    assert_true(real__now_ms() - t0 < 500);
    assert_non_null(strstr(err, "backward clock jump"));
    scn_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_run_fills_the_run_record),
        cmocka_unit_test(test_real_run_refused_scenario_starts_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
