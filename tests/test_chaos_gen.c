/* test_chaos_gen.c: the chaos generator (sim/chaos_gen.c) and its YAML form (sim/chaos_yaml.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/chaos.h"

#define SEEDS 400

static char *yaml_of(const struct scn *s, uint64_t seed) {
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(sim_chaos_yaml_string(s, seed, &text, &len), 0);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    return text;
}

/* Goal: the same seed always yields the identical scenario, and different
 * seeds do not. Method: generate each of SEEDS seeds twice and compare the
 * complete YAML text byte for byte (it covers every field the generator
 * sets); neighbouring seeds must differ. */
static void test_chaos_gen_same_seed_identical(void **state) {
    (void)state;
    struct sim_chaos_gen_options opt;
    sim_chaos_gen_default(&opt);
    char *prev = NULL;
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct scn a, b;
        assert_int_equal(sim_chaos_generate(seed, &opt, &a), 0);
        assert_int_equal(sim_chaos_generate(seed, &opt, &b), 0);
        char *ya = yaml_of(&a, seed), *yb = yaml_of(&b, seed);
        assert_string_equal(ya, yb);
        assert_int_equal(a.steps_len, b.steps_len);
        assert_memory_equal(a.nodes, b.nodes, a.nodes_len * sizeof(*a.nodes));
        if (prev != NULL) { assert_string_not_equal(prev, ya); }
        free(prev);
        free(yb);
        prev = ya;
        sim_chaos_scn_free(&a);
        sim_chaos_scn_free(&b);
    }
    free(prev);
}

/* Goal: the swarm covers the whole topology and fault space and stays in
 * range. Method: over SEEDS seeds check the documented bounds (1-5 masters,
 * 0-6 replicas each, 1-7 sentinels, 1 <= quorum <= sentinels) and that
 * priority 0, chains, every fault kind, event-triggered waits and the final
 * restart all occur somewhere. */
static void test_chaos_gen_ranges_and_swarm(void **state) {
    (void)state;
    struct sim_chaos_gen_options opt;
    sim_chaos_gen_default(&opt);
    uint32_t kinds = 0, prio0 = 0, chains = 0, waits = 0, restarts = 0, groups5 = 0;
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct scn s;
        assert_int_equal(sim_chaos_generate(seed, &opt, &s), 0);
        assert_true(s.groups_len >= 1 && s.groups_len <= 5);
        assert_true(s.sentinels_len >= 1 && s.sentinels_len <= 7);
        groups5 += s.groups_len == 5;
        for (uint32_t g = 0; g < s.groups_len; g++) {
            uint32_t reps = 0;
            for (uint32_t n = 0; n < s.nodes_len; n++) {
                reps += s.nodes[n].group == g && n != s.groups[g].master;
            }
            assert_true(reps <= 6);
            assert_true(s.groups[g].settings.quorum >= 1);
            assert_true(s.groups[g].settings.quorum <= s.sentinels_len);
        }
        for (uint32_t n = 0; n < s.nodes_len; n++) {
            prio0 += s.nodes[n].priority == 0;
            int32_t up = s.nodes[n].replicaof;
            chains += up >= 0 && s.nodes[up].replicaof >= 0;
        }
        for (uint32_t i = 0; i < s.steps_len; i++) {
            waits += s.steps[i].kind == SCN_STEP_WAIT;
        }
        restarts += s.steps_len > 0 && s.steps[s.steps_len - 1].kind != SCN_STEP_WAIT;
        kinds |= sim_chaos_gen_mask(seed, &opt);
        assert_true(s.settle_ms > sim_chaos_bound_ms(&s));
        assert_true(s.duration_ms > s.settle_ms);
        sim_chaos_scn_free(&s);
    }
    assert_int_equal(kinds, (1u << SIM_CHAOS_F_COUNT) - 1);
    assert_true(prio0 > 0);
    assert_true(chains > 0);
    assert_true(waits > 0);
    assert_true(restarts > 0);
    assert_true(groups5 > 0);
}

/* Goal: every generated scenario is a valid scenario file: the loader
 * accepts its YAML (timeline consistency included) and writing the loaded
 * model again gives the same text, so a reproducer survives the round trip.
 * Method: SEEDS seeds through sim_chaos_yaml_string, scn_load_string and
 * sim_chaos_yaml_string again. */
static void test_chaos_gen_yaml_round_trip(void **state) {
    (void)state;
    struct sim_chaos_gen_options opt;
    sim_chaos_gen_default(&opt);
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct scn s, back;
        struct scn_error err;
        assert_int_equal(sim_chaos_generate(seed, &opt, &s), 0);
        char *y1 = yaml_of(&s, seed);
        memset(&back, 0, sizeof(back));
        int rc = scn_load_string("gen.yaml", y1, strlen(y1), &back, &err);
        if (rc != 0) {
            char msg[512];
            scn_error_format(&err, msg, sizeof(msg));
            fail_msg("seed %llu: %s\n%s", (unsigned long long)seed, msg, y1);
        }
        char *y2 = yaml_of(&back, seed);
        assert_string_equal(y1, y2);
        assert_int_equal(back.seeds[0], seed);
        free(y1);
        free(y2);
        scn_free(&back);
        sim_chaos_scn_free(&s);
    }
}

/* Goal: a salt models "the generator changed": the schedule of a seed
 * differs while the unsalted one is untouched. Method: compare the YAML of
 * seed 7 with salt 0, salt 1 and salt 0 again. */
static void test_chaos_gen_salt_changes_schedule(void **state) {
    (void)state;
    struct sim_chaos_gen_options opt;
    sim_chaos_gen_default(&opt);
    struct scn a, b, c;
    assert_int_equal(sim_chaos_generate(7, &opt, &a), 0);
    opt.salt = 1;
    assert_int_equal(sim_chaos_generate(7, &opt, &b), 0);
    opt.salt = 0;
    assert_int_equal(sim_chaos_generate(7, &opt, &c), 0);
    char *ya = yaml_of(&a, 7), *yb = yaml_of(&b, 7), *yc = yaml_of(&c, 7);
    assert_string_not_equal(ya, yb);
    assert_string_equal(ya, yc);
    free(ya);
    free(yb);
    free(yc);
    sim_chaos_scn_free(&a);
    sim_chaos_scn_free(&b);
    sim_chaos_scn_free(&c);
}

/* Goal: the benchmark shape is what it says: 1 master, 2 replicas, 3
 * sentinels. Method: generate 50 seeds with fixed_small. */
static void test_chaos_gen_fixed_small_shape(void **state) {
    (void)state;
    struct sim_chaos_gen_options opt;
    sim_chaos_gen_default(&opt);
    opt.fixed_small = true;
    for (uint64_t seed = 1; seed <= 50; seed++) {
        struct scn s;
        assert_int_equal(sim_chaos_generate(seed, &opt, &s), 0);
        assert_int_equal(s.groups_len, 1);
        assert_int_equal(s.nodes_len, 3);
        assert_int_equal(s.sentinels_len, 3);
        sim_chaos_scn_free(&s);
    }
}

/* Goal: the convergence bound follows its documented formula (chaos_bound.c).
 * Method: one group with down-after 2 s and failover-timeout 5 s, default
 * timers: 6 + 25 + 2 * 17 + 5 + 5 + 28 = 103 s; a clock jump adds tilt-period
 * plus tilt-trigger (32 s); a SENTINEL SET raising failover-timeout to 8 s
 * makes it 6 + 25 + 2 * 26 + 8 + 8 + 28 = 127 s. The quiet time Q is
 * max(T_detect, T_enforce) + T_gossip + 10 s. */
static void test_chaos_gen_bound_formula(void **state) {
    (void)state;
    struct scn_group grp;
    memset(&grp, 0, sizeof(grp));
    snprintf(grp.name, sizeof(grp.name), "mymaster");
    grp.settings.quorum = 2;
    grp.settings.down_after_ms = 2000;
    grp.settings.failover_timeout_ms = 5000;
    struct scn_step steps[2];
    memset(steps, 0, sizeof(steps));
    struct scn s;
    memset(&s, 0, sizeof(s));
    s.groups = &grp;
    s.groups_len = 1;
    s.steps = steps;
    assert_int_equal(sim_chaos_bound_ms(&s), 103000);
    /* Quiet time before an early end: max(25, 28) + 6 + 10 = 44 s. */
    assert_int_equal(sim_chaos_quiet_ms(&s), 44000);
    steps[0].kind = SCN_STEP_CLOCK_JUMP;
    steps[0].jump_ms = 5000;
    s.steps_len = 1;
    assert_int_equal(sim_chaos_bound_ms(&s), 135000);
    steps[0].kind = SCN_STEP_SENTINEL;
    steps[0].argc = 5;
    snprintf(steps[0].argv[0], SCN_ARG_MAX, "SENTINEL");
    snprintf(steps[0].argv[1], SCN_ARG_MAX, "SET");
    snprintf(steps[0].argv[2], SCN_ARG_MAX, "mymaster");
    snprintf(steps[0].argv[3], SCN_ARG_MAX, "failover-timeout");
    snprintf(steps[0].argv[4], SCN_ARG_MAX, "8000");
    assert_int_equal(sim_chaos_bound_ms(&s), 127000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chaos_gen_same_seed_identical),
        cmocka_unit_test(test_chaos_gen_ranges_and_swarm),
        cmocka_unit_test(test_chaos_gen_yaml_round_trip),
        cmocka_unit_test(test_chaos_gen_salt_changes_schedule),
        cmocka_unit_test(test_chaos_gen_fixed_small_shape),
        cmocka_unit_test(test_chaos_gen_bound_formula),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
