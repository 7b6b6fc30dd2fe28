/* test_chaos_shrink.c: the scenario shrinker (sim/chaos_shrink.c) on synthetic predicates.
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

/* True if `s` has a step of `kind` whose targets include the process `name`. */
static bool has_step(const struct scn *s, enum scn_step_kind kind, const char *name) {
    for (uint32_t i = 0; i < s->steps_len; i++) {
        const struct scn_step *st = &s->steps[i];
        if (st->kind != kind) { continue; }
        for (uint32_t j = 0; j < st->targets.len; j++) {
            if (strcmp(scn_proc_name(s, st->targets.items[j]), name) == 0) { return true; }
        }
    }
    return false;
}

struct pred {
    uint32_t calls;
};

/* The synthetic failure: "m1 is killed and s2's clock jumps by at least 1 s,
 * in that order". Names, not indices, so renumbering must keep it true. */
static bool fails(void *ud, const struct scn *s) {
    struct pred *p = ud;
    p->calls++;
    int32_t kill_at = -1;
    for (uint32_t i = 0; i < s->steps_len; i++) {
        const struct scn_step *st = &s->steps[i];
        if (st->kind == SCN_STEP_KILL && kill_at < 0 && has_step(s, SCN_STEP_KILL, "m1")) {
            for (uint32_t j = 0; j < st->targets.len; j++) {
                if (strcmp(scn_proc_name(s, st->targets.items[j]), "m1") == 0) {
                    kill_at = (int32_t)i;
                }
            }
        }
        if (st->kind == SCN_STEP_CLOCK_JUMP && kill_at >= 0 && (uint32_t)kill_at < i &&
            (st->jump_ms >= 1000 || st->jump_ms <= -1000)) {
            for (uint32_t j = 0; j < st->targets.len; j++) {
                if (strcmp(scn_proc_name(s, st->targets.items[j]), "s2") == 0) { return true; }
            }
        }
    }
    return false;
}

/* A generated scenario with the two culprit steps planted among its steps. */
static void build(uint64_t seed, struct scn *s) {
    struct sim_chaos_gen_options opt;
    sim_chaos_gen_default(&opt);
    opt.groups_max = 2;
    opt.sentinels_min = 3;
    do {
        assert_int_equal(sim_chaos_generate(seed++, &opt, s), 0);
        if (s->steps_len >= 10) { break; }
        sim_chaos_scn_free(s);
    } while (true);
    struct scn_step *k = &s->steps[2], *j = &s->steps[s->steps_len - 3];
    struct scn_step *both[2] = {k, j};
    for (int b = 0; b < 2; b++) {
        free(both[b]->targets.items);
        free(both[b]->side_a.items);
        free(both[b]->side_b.items);
        free(both[b]->cond.on.items);
    }
    memset(k, 0, sizeof(*k));
    memset(j, 0, sizeof(*j));
    k->kind = SCN_STEP_KILL;
    k->targets.items = calloc(2, sizeof(*k->targets.items));
    k->targets.items[0] = (struct scn_proc){SCN_PROC_NODE, 0};     /* m1 */
    k->targets.items[1] = (struct scn_proc){SCN_PROC_SENTINEL, 0}; /* s1 */
    k->targets.len = 2;
    k->time_ms = 1234;
    j->kind = SCN_STEP_CLOCK_JUMP;
    j->targets.items = calloc(1, sizeof(*j->targets.items));
    j->targets.items[0] = (struct scn_proc){SCN_PROC_SENTINEL, 1}; /* s2 */
    j->targets.len = 1;
    j->jump_ms = 64000;
    j->time_ms = 999;
}

/* Goal: the shrinker reduces a failing scenario to the minimal step set and
 * topology that keep the predicate true. Method: plant "kill [m1, s1]" and
 * "clock-jump s2 by 64 s" in generated scenarios of 10+ steps; afterwards
 * exactly those two steps remain, reduced to their essence (m1 alone, delays
 * 0, the jump halved down to just above 1 s), the topology is the master m1
 * and sentinel s2 alone, and the predicate still holds. */
static void test_chaos_shrink_minimal_steps(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 40; seed += 13) {
        struct scn s;
        build(seed, &s);
        struct pred p = {0};
        assert_true(fails(&p, &s));
        struct sim_chaos_shrink_stats st;
        assert_int_equal(sim_chaos_shrink(&s, fails, &p, 5000, &st), 0);
        assert_true(fails(&p, &s));
        assert_int_equal(s.steps_len, 2);
        assert_int_equal(s.steps[0].kind, SCN_STEP_KILL);
        assert_int_equal(s.steps[0].targets.len, 1);
        assert_string_equal(scn_proc_name(&s, s.steps[0].targets.items[0]), "m1");
        assert_int_equal(s.steps[0].time_ms, 0);
        assert_int_equal(s.steps[1].kind, SCN_STEP_CLOCK_JUMP);
        assert_int_equal(s.steps[1].jump_ms, 1000);
        assert_int_equal(s.groups_len, 1);
        assert_int_equal(s.nodes_len, 1);
        assert_int_equal(s.sentinels_len, 1);
        assert_string_equal(s.sentinels[0].name, "s2");
        assert_int_equal(st.steps_after, 2);
        assert_true(st.steps_before >= 10);
        assert_true(st.tries < 5000);
        sim_chaos_scn_free(&s);
    }
}

/* Goal: the shrinker never returns a scenario that passes, even when it runs
 * out of tries. Method: a budget of 3 tries. */
static void test_chaos_shrink_budget_keeps_failing(void **state) {
    (void)state;
    struct scn s;
    build(5, &s);
    struct pred p = {0};
    struct sim_chaos_shrink_stats st;
    assert_int_equal(sim_chaos_shrink(&s, fails, &p, 3, &st), 0);
    assert_int_equal(st.tries, 3);
    assert_true(fails(&p, &s));
    sim_chaos_scn_free(&s);
}

/* Goal: a clone is deep and equal, and dropping a step frees only that step.
 * Method: clone a generated scenario, compare its YAML, drop the first step
 * of the clone and check the original is untouched. */
static void test_chaos_shrink_clone_is_deep(void **state) {
    (void)state;
    struct sim_chaos_gen_options opt;
    sim_chaos_gen_default(&opt);
    struct scn a, b;
    assert_int_equal(sim_chaos_generate(11, &opt, &a), 0);
    assert_int_equal(sim_chaos_scn_clone(&a, &b), 0);
    char *ya = NULL, *yb = NULL;
    size_t la = 0, lb = 0;
    assert_int_equal(sim_chaos_yaml_string(&a, 11, &ya, &la), 0);
    assert_int_equal(sim_chaos_yaml_string(&b, 11, &yb, &lb), 0);
    assert_string_equal(ya, yb);
    uint32_t steps = a.steps_len;
    sim_chaos_scn_drop_step(&b, 0);
    assert_int_equal(a.steps_len, steps);
    assert_int_equal(b.steps_len, steps - 1);
    free(ya);
    free(yb);
    sim_chaos_scn_free(&a);
    sim_chaos_scn_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chaos_shrink_minimal_steps),
        cmocka_unit_test(test_chaos_shrink_budget_keeps_failing),
        cmocka_unit_test(test_chaos_shrink_clone_is_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
