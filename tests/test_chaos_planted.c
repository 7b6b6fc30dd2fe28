/* test_chaos_planted.c: the explorer against the core's planted bug (make V=coretest).
 *
 * With CORE_PLANTED_BUG the core's vote procedure may grant a second vote
 * in the same epoch. The explorer must find that, shrink it within a minute
 * to a reproducer of at most 5 fault steps, and the reproducer (a stored
 * schedule) must still fail after the generator changed. In every other
 * build the same search must find no such violation.
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

#include "sim/chaos_pool.h"
#include "sim/chaos_repro.h"
#include "sim/sim.h"

#ifndef CORE_PLANTED_BUG
#define CORE_PLANTED_BUG 0
#endif

#define BUDGET_MS   60000 /* find and shrink within a minute */
#define CLEAN_SEEDS 40    /* seeds searched in a build without the bug */
#define FAULT_STEPS 5

/* A finding the planted bug causes: a changed vote, or two leaders of one epoch. */
static const struct sim_chaos_violation *planted(const struct sim_chaos_result *r) {
    for (uint32_t i = 0; i < r->violations_len; i++) {
        const struct sim_chaos_violation *v = &r->violations[i];
        if (v->cls == SIM_CHAOS_CLASS_BUG &&
            (v->inv == SIM_CHAOS_INV_VOTE_CHANGED || v->inv == SIM_CHAOS_INV_TWO_LEADERS)) {
            return v;
        }
    }
    return NULL;
}

/* Goal: see the file comment. Method: run seeds 1, 2, ... in process until
 * one violates (bug build) or CLEAN_SEEDS passed (other builds); shrink the
 * first hit into a file; change the generator (salt) to show the seed now
 * means another schedule, and replay the file: it must fail the same way. */
static void test_chaos_planted_found_shrunk_and_stored(void **state) {
    (void)state;
    struct sim_chaos_gen_options gen;
    sim_chaos_gen_default(&gen);
    uint64_t t0 = sim_chaos__mono_ms();
    struct sim_chaos_result r;
    const struct sim_chaos_violation *v = NULL;
    uint64_t seed = 0;
    /* Batches of 20 seeds in 2 worker processes: a simulator assertion in one
     * seed costs that seed, not the test. */
    for (uint64_t first = 1; v == NULL && sim_chaos__mono_ms() - t0 < BUDGET_MS; first += 20) {
        if (!CORE_PLANTED_BUG && first > CLEAN_SEEDS) { break; }
        struct sim_chaos_batch_opts o;
        memset(&o, 0, sizeof(o));
        o.first = first;
        o.last = first + 19;
        o.shard_k = o.shard_n = 1;
        o.jobs = 2;
        o.gen = gen;
        struct sim_chaos_batch b;
        assert_int_equal(sim_chaos_batch_run(&o, &b), 0);
        for (uint32_t i = 0; i < b.found_len && v == NULL; i++) {
            if (planted(&b.found[i]) != NULL) {
                r = b.found[i];
                v = planted(&r);
                seed = r.seed;
            }
        }
        sim_chaos_batch_free(&b);
    }
    if (!CORE_PLANTED_BUG) {
        assert_null(v);
        return;
    }
    if (v == NULL) {
        fail_msg("the planted bug was not found within %d ms", BUDGET_MS);
        return;
    }
    struct scn s;
    assert_int_equal(sim_chaos_generate(seed, &gen, &s), 0);
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/sentsim-planted-XXXXXX");
    assert_non_null(mkdtemp(dir)); /* 0700, removed at the end */
    struct sim_chaos_repro_opts ro = {dir, true, 400};
    struct sim_chaos_repro rep;
    assert_int_equal(sim_chaos_reproduce(&s, seed, v, &ro, &rep), 0);
    sim_chaos_scn_free(&s);
    uint64_t took = sim_chaos__mono_ms() - t0;
    print_message("planted bug: seed %llu, %s, %u fault steps, %llu ms: %s\n",
                  (unsigned long long)seed, sim_chaos_inv_name(v->inv), rep.fault_steps,
                  (unsigned long long)took, rep.path);
    assert_true(rep.verified);
    assert_true(rep.fault_steps <= FAULT_STEPS);
    assert_true(took < BUDGET_MS);

    /* "The generator changed": the seed now yields another schedule ... */
    struct scn before, after;
    assert_int_equal(sim_chaos_generate(seed, &gen, &before), 0);
    gen.salt = 0x5eed;
    assert_int_equal(sim_chaos_generate(seed, &gen, &after), 0);
    char *ya = NULL, *yb = NULL;
    size_t la = 0, lb = 0;
    assert_int_equal(sim_chaos_yaml_string(&before, seed, &ya, &la), 0);
    assert_int_equal(sim_chaos_yaml_string(&after, seed, &yb, &lb), 0);
    assert_string_not_equal(ya, yb);
    free(ya);
    free(yb);
    sim_chaos_scn_free(&before);
    sim_chaos_scn_free(&after);
    /* ... but the stored reproducer still fails the same way. */
    struct scn loaded;
    struct scn_error err;
    memset(&loaded, 0, sizeof(loaded));
    assert_int_equal(scn_load(rep.path, &loaded, &err), 0);
    assert_int_equal(loaded.seeds_len, 1);
    struct sim_chaos_result again;
    assert_int_equal(sim_chaos_run_scn(&loaded, loaded.seeds[0], NULL, &again, NULL), SIM_OK);
    bool same = false;
    for (uint32_t i = 0; i < again.violations_len; i++) {
        same |= again.violations[i].inv == v->inv && again.violations[i].cls == v->cls;
    }
    assert_true(same);
    assert_true(sim_chaos_fault_steps(&loaded) <= FAULT_STEPS);
    scn_free(&loaded);
    unlink(rep.path);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chaos_planted_found_shrunk_and_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
