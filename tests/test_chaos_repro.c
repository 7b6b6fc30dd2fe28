/* test_chaos_repro.c: reproducers (sim/chaos_repro.c): the file form runs like the model,
 * and a finding shrinks into a file that loads and fails the same way.
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
#include <unistd.h>

#include <cmocka.h>

#include "sim/chaos_repro.h"
#include "sim/sim.h"

#define SEEDS 40

/* Goal: a generated scenario written as YAML and loaded back runs exactly
 * like the generated model (so a reproducer file shows what was judged).
 * Method: SEEDS seeds of the small topology, run directly and through the
 * file form; findings, coverage and end time must be identical. */
static void test_chaos_repro_file_form_runs_the_same(void **state) {
    (void)state;
    struct sim_chaos_gen_options gen;
    sim_chaos_gen_default(&gen);
    gen.fixed_small = true;
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct scn s;
        assert_int_equal(sim_chaos_generate(seed, &gen, &s), 0);
        struct sim_chaos_result a, b;
        assert_int_equal(sim_chaos_run_scn(&s, seed, NULL, &a, NULL), SIM_OK);
        assert_int_equal(sim_chaos_run_file_model(&s, seed, NULL, &b), 0);
        assert_int_equal(a.end_t_ms, b.end_t_ms);
        assert_int_equal(a.violations_len, b.violations_len);
        for (uint32_t i = 0; i < a.violations_len; i++) {
            assert_int_equal(a.violations[i].inv, b.violations[i].inv);
            assert_string_equal(a.violations[i].detail, b.violations[i].detail);
        }
        assert_memory_equal(&a.cov, &b.cov, sizeof(a.cov));
        sim_chaos_scn_free(&s);
    }
}

/* A hand-written run with a known liveness finding: after a failover a
 * SENTINEL RESET forgets the old master's replica record, so when it
 * returns as a master nobody converts it (spec §11.1, §19 item 10). */
static const char orphan_yaml[] = "name: orphan\n"
                                  "seeds: [7]\n"
                                  "duration: 200000\n"
                                  "settle: 120000\n"
                                  "masters:\n"
                                  "  mymaster:\n"
                                  "    master: m\n"
                                  "    quorum: 1\n"
                                  "    down-after-milliseconds: 2000\n"
                                  "    failover-timeout: 5000\n"
                                  "    replicas: [r, r2]\n"
                                  "sentinels: [s1, s2]\n"
                                  "timeline:\n"
                                  "  - sleep: 3000\n"
                                  "  - shutdown: [m]\n"
                                  "  - wait: {event: +switch-master, on: all, timeout: 30000}\n"
                                  "  - sentinel: {on: all, command: SENTINEL RESET mymaster}\n"
                                  "  - sleep: 1500\n"
                                  "  - restart: [m]\n";

/* Goal: a finding shrinks into a smaller scenario file that the loader
 * accepts and that, run from the file, shows the same finding with the
 * same class. Method: the orphaned-master run above (4 nodes and sentinels
 * more than it needs, one useless step) is reproduced with a budget of 200
 * runs; the file is loaded and run again here. */
static void test_chaos_repro_shrinks_into_a_failing_file(void **state) {
    (void)state;
    struct scn s;
    struct scn_error err;
    memset(&s, 0, sizeof(s));
    assert_int_equal(scn_load_string("orphan.yaml", orphan_yaml, strlen(orphan_yaml), &s, &err), 0);
    struct sim_chaos_result r;
    assert_int_equal(sim_chaos_run_scn(&s, 7, NULL, &r, NULL), SIM_OK);
    assert_int_equal(r.violations_len, 1);
    assert_int_equal(r.violations[0].inv, SIM_CHAOS_INV_NO_CONVERGENCE);
    assert_int_equal(r.violations[0].cls, SIM_CHAOS_CLASS_KNOWN);
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/sentsim-repro-XXXXXX");
    assert_non_null(mkdtemp(dir)); /* 0700, removed at the end */
    struct sim_chaos_repro_opts ro = {dir, true, 200};
    struct sim_chaos_repro rep;
    assert_int_equal(sim_chaos_reproduce(&s, 7, &r.violations[0], &ro, &rep), 0);
    assert_true(rep.shrunk);
    assert_true(rep.verified);
    assert_true(rep.stats.steps_after < rep.stats.steps_before);
    assert_true(rep.stats.procs_after < rep.stats.procs_before);
    struct scn loaded;
    memset(&loaded, 0, sizeof(loaded));
    assert_int_equal(scn_load(rep.path, &loaded, &err), 0);
    assert_int_equal(loaded.seeds[0], 7);
    struct sim_chaos_result again;
    assert_int_equal(sim_chaos_run_scn(&loaded, 7, NULL, &again, NULL), SIM_OK);
    assert_int_equal(again.violations_len, 1);
    assert_int_equal(again.violations[0].inv, SIM_CHAOS_INV_NO_CONVERGENCE);
    assert_int_equal(again.violations[0].cls, SIM_CHAOS_CLASS_KNOWN);
    scn_free(&loaded);
    scn_free(&s);
    unlink(rep.path);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chaos_repro_file_form_runs_the_same),
        cmocka_unit_test(test_chaos_repro_shrinks_into_a_failing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
