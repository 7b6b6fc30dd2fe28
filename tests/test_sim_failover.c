/* test_sim_failover.c: whole simulated runs, core included, end to end.
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

static void load(const char *path, struct scn *s) {
    struct scn_error err;
    if (scn_load(path, s, &err) != 0) {
        char buf[600];
        scn_error_format(&err, buf, sizeof(buf));
        fail_msg("%s", buf);
    }
}

static void load_string(const char *yaml, struct scn *s) {
    struct scn_error err;
    if (scn_load_string("inline.yaml", yaml, strlen(yaml), s, &err) != 0) {
        char buf[600];
        scn_error_format(&err, buf, sizeof(buf));
        fail_msg("%s", buf);
    }
}

static uint32_t count(const struct rep_run *run,
                      const char *proc,
                      const char *type,
                      const char *text) {
    uint32_t n = 0;
    for (size_t i = 0; i < run->log.len; i++) {
        const struct rep_event *ev = &run->log.events[i];
        if (proc != NULL && strcmp(ev->proc, proc) != 0) { continue; }
        if (type != NULL && strcmp(ev->type, type) != 0) { continue; }
        if (text != NULL && strstr(ev->text, text) == NULL) { continue; }
        n++;
    }
    return n;
}

static void test_sim_failover_master_dies_first(void **state) {
    /* Goal: the textbook failover happens in the simulator with the real
     * core: one +switch-master round, a replica promoted, every sentinel
     * agreeing, the old master converted to a replica of the new one.
     * Method: the library scenario, seeds 1..3, checked through the
     * scenario's own expectations and directly on the final state. */
    (void)state;
    struct scn s;
    load("scenarios/library/master-dies-first.yaml", &s);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct rep_run run;
        assert_int_equal(sim_run(&s, seed, NULL, &run), SIM_OK);
        assert_string_equal(run.failure, "");
        struct rep_verdict v;
        rep_expect_check(&run, &v);
        assert_true(v.pass);
        assert_int_equal(v.failovers, 1);
        int32_t master = run.sentinels[0].master_of_group[0];
        assert_true(master == 1 || master == 2);
        for (uint32_t i = 0; i < s.sentinels_len; i++) {
            assert_true(run.sentinels[i].up);
            assert_int_equal(run.sentinels[i].master_of_group[0], master);
            assert_int_equal(count(&run, s.sentinels[i].name, "+switch-master", NULL), 1);
            assert_int_equal(run.sentinels[i].current_epoch, 1);
        }
        assert_true(run.nodes[master].is_master);
        assert_false(run.nodes[0].is_master);
        assert_int_equal(run.nodes[0].upstream, master);
        assert_int_equal(count(&run, NULL, "+convert-to-slave", NULL), 1);
        rep_run_free(&run);
    }
    scn_free(&s);
}

static void test_sim_failover_same_seed_same_log(void **state) {
    /* Goal: a run is a pure function of (scenario, seed): same seed, same
     * log hash; another seed, another log. Method: three runs in one
     * process (the shell test checks across processes). */
    (void)state;
    struct scn s;
    load("scenarios/library/master-dies-first.yaml", &s);
    struct rep_run a, b, c;
    assert_int_equal(sim_run(&s, 5, NULL, &a), SIM_OK);
    assert_int_equal(sim_run(&s, 5, NULL, &b), SIM_OK);
    assert_int_equal(sim_run(&s, 6, NULL, &c), SIM_OK);
    assert_int_equal(a.log.len, b.log.len);
    assert_true(rep_log_hash(&a.log) == rep_log_hash(&b.log));
    assert_true(rep_log_hash(&a.log) != rep_log_hash(&c.log));
    rep_run_free(&a);
    rep_run_free(&b);
    rep_run_free(&c);
    scn_free(&s);
}

static void test_sim_failover_partitioned_old_master_loses_writes(void **state) {
    /* Goal: writes acknowledged by an old master cut off from the majority
     * are lost when it rejoins as a replica (full resync), and the loss is
     * attributed to it. Method: the library scenario; check the workload's
     * account and the CHECK record naming m. */
    (void)state;
    struct scn s;
    load("scenarios/library/old-master-partitioned-writes-lost.yaml", &s);
    struct rep_run run;
    assert_int_equal(sim_run(&s, 1, NULL, &run), SIM_OK);
    assert_true(run.writes.lost >= 1);
    assert_true(run.writes.acked > run.writes.lost);
    assert_int_equal(count(&run, "client", "", "acked by m "), 1);
    assert_false(run.nodes[0].is_master);
    rep_run_free(&run);
    scn_free(&s);
}

static void test_sim_failover_restarted_sentinel_keeps_id_and_learns(void **state) {
    /* Goal: a sentinel restarted from its persisted config keeps its id and
     * learns the failover it missed from the others' hellos. Method: kill s1
     * before the master dies, restart it after the switch; its two "Sentinel
     * ID is" lines must carry the same id and all sentinels must agree. */
    (void)state;
    static const char *const yaml =
        "name: restart\n"
        "seeds: 1..2\n"
        "duration: 80s\n"
        "timers: {info-period: 1000}\n"
        "defaults: {quorum: 2, down-after-milliseconds: 2000, failover-timeout: 6000}\n"
        "masters:\n"
        "  mymaster: {master: m, replicas: [r1, r2]}\n"
        "sentinels: 3\n"
        "timeline:\n"
        "  - wait: {knows: {replicas: 2, sentinels: 2}, timeout: 30s}\n"
        "  - kill: s1\n"
        "  - kill: m\n"
        "  - wait: {event: +switch-master, on: [s2, s3], timeout: 30s}\n"
        "  - after: 2s\n"
        "    restart: s1\n"
        "  - wait: {event: +switch-master, on: s1, timeout: 30s}\n"
        "expect:\n"
        "  sentinels-agree: true\n"
        "  failovers: 1\n";
    struct scn s;
    load_string(yaml, &s);
    struct rep_run run;
    assert_int_equal(sim_run(&s, 1, NULL, &run), SIM_OK);
    assert_string_equal(run.failure, "");
    struct rep_verdict v;
    rep_expect_check(&run, &v);
    assert_true(v.pass);
    char first[REP_TEXT_MAX] = "";
    uint32_t ids = 0;
    for (size_t i = 0; i < run.log.len; i++) {
        const struct rep_event *ev = &run.log.events[i];
        if (strcmp(ev->proc, "s1") != 0 || strncmp(ev->text, "Sentinel ID is ", 15) != 0) {
            continue;
        }
        if (ids++ == 0) {
            snprintf(first, sizeof(first), "%s", ev->text);
        } else {
            assert_string_equal(ev->text, first);
        }
    }
    assert_int_equal(ids, 2);
    assert_int_equal(count(&run, "s1", "+config-update-from", NULL), 1);
    rep_run_free(&run);
    scn_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_failover_master_dies_first),
        cmocka_unit_test(test_sim_failover_same_seed_same_log),
        cmocka_unit_test(test_sim_failover_partitioned_old_master_loses_writes),
        cmocka_unit_test(test_sim_failover_restarted_sentinel_keeps_id_and_learns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
