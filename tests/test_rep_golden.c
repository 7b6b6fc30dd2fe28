/* test_rep_golden.c: golden skeletons across seeds, drift diffs, bad files.
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

#include "reports/golden.h"
#include "tests/support/rep_fixture.h"

static void temp_path(char *buf, size_t len) {
    snprintf(buf, len, "/tmp/rep_golden_XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
}

static bool golden_has(const struct rep_golden *g, int role, const char *line) {
    for (uint32_t i = 0; i < g->roles[role].len; i++) {
        if (strcmp(g->roles[role].lines[i], line) == 0) { return true; }
    }
    return false;
}

/* g becomes the golden of runs a and b. */
static void golden_of_two(struct rep_golden *g, const struct rep_fx *a, const struct rep_fx *b) {
    assert_int_equal(rep_golden_init(g), 0);
    assert_int_equal(rep_golden_add(g, &a->run), 0);
    assert_int_equal(rep_golden_add(g, &b->run), 0);
    assert_int_equal(g->runs, 2);
}

/* Writes g (as recorded from a) to a new file at path, checks that a and b
 * both match it, and reads it back into back with every section intact. */
static void write_check_read_back(const struct rep_golden *g,
                                  const struct rep_fx *a,
                                  const struct rep_fx *b,
                                  char *path,
                                  size_t len,
                                  struct rep_golden *back) {
    temp_path(path, len);
    assert_int_equal(rep_golden_write(g, &a->run, path), 0);
    assert_int_equal(rep_golden_check(&a->run, path, stdout), 0);
    assert_int_equal(rep_golden_check(&b->run, path, stdout), 0);
    char err[256];
    assert_int_equal(rep_golden_init(back), 0);
    assert_int_equal(rep_golden_read(path, back, err, sizeof(err)), 0);
    assert_int_equal(back->rounds, g->rounds);
    for (uint32_t i = 0; i < REP_GOLDEN_ROLES; i++) {
        assert_int_equal(back->roles[i].len, g->roles[i].len);
    }
}

static void test_rep_golden_keeps_what_seeds_share(void **state) {
    /* Goal: the golden of two differently-ordered runs keeps their common
     * order and drops what differs, and both runs then match it. Method:
     * run a is the default plan; run b has s1 leading, r2 promoted and s3
     * voting before its +sdown; write, read back and check each. */
    (void)state;
    struct rep_fx a, b;
    rep_fx_init(&a);
    rep_fx_init(&b);
    struct rep_fx_plan pa = rep_fx_plan_default(), pb = rep_fx_plan_default();
    pb.leader = 0;
    pb.promoted = 2;
    pb.sdown_ms[2] = 30600;
    rep_fx_failover(&a, &pa);
    rep_fx_failover(&b, &pb);
    struct rep_golden g, back;
    golden_of_two(&g, &a, &b);
    assert_true(golden_has(&g, 0, "+elected-leader master M"));
    assert_true(golden_has(&g, 0, "+slave-reconf-done slave R"));
    assert_true(golden_has(&g, 0, "+switch-master M P"));
    assert_true(golden_has(&g, 1, "+config-update-from sentinel L"));
    assert_false(golden_has(&g, 1, "-role-change slave P")); /* VERBOSE: left out */
    char path[64];
    write_check_read_back(&g, &a, &b, path, sizeof(path), &back);
    rep_golden_free(&back);
    rep_golden_free(&g);
    unlink(path);
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_golden_drift_prints_unified_diff(void **state) {
    /* Goal: a run that lost a golden line drifts, with a unified diff naming
     * the missing line. Method: golden from the default run; check a run
     * whose leader never logs +failover-end; capture the diff in memory. */
    (void)state;
    struct rep_fx a, c;
    rep_fx_init(&a);
    rep_fx_init(&c);
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&a, &p);
    rep_fx_failover(&c, &p);
    assert_int_equal(rep_fx_drop(&c, "s2", "+failover-end"), 1);
    struct rep_golden g;
    assert_int_equal(rep_golden_init(&g), 0);
    assert_int_equal(rep_golden_add(&g, &a.run), 0);
    char path[64];
    temp_path(path, sizeof(path));
    assert_int_equal(rep_golden_write(&g, &a.run, path), 0);
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    assert_int_equal(rep_golden_check(&c.run, path, f), 1);
    fclose(f);
    printf("%s", buf);
    assert_non_null(strstr(buf, "[L]\n+++ run: s2 as L (seed 1)\n@@ lines"));
    assert_non_null(strstr(buf, "\n-+failover-end master M\n"));
    assert_non_null(strstr(buf, "\n +switch-master M P\n"));
    assert_null(strstr(buf, "[F]")); /* followers did not drift */
    rep_golden_free(&g);
    unlink(path);
    rep_fx_free(&a);
    rep_fx_free(&c);
}

static void test_rep_golden_two_rounds_per_round_sections(void **state) {
    /* Goal: with two failover rounds the golden keeps each round's leader
     * and follower lines in sections of their own, so runs whose round 1
     * was led by different sentinels keep the whole chain of both rounds,
     * and the sections read back. Method: round 1 led by s2 in run a and by
     * s1 in run b, round 2 by s3 in both; write, check both, read back. */
    (void)state;
    struct rep_fx a, b;
    rep_fx_init(&a);
    rep_fx_init(&b);
    struct rep_fx_plan pa = rep_fx_plan_default(), pb = rep_fx_plan_default();
    struct rep_fx_plan second = rep_fx_plan_second();
    pb.leader = 0;
    rep_fx_failover(&a, &pa);
    rep_fx_failover(&a, &second);
    rep_fx_failover(&b, &pb);
    rep_fx_failover(&b, &second);
    struct rep_golden g, back;
    golden_of_two(&g, &a, &b);
    assert_int_equal(g.rounds, 2);
    for (int r = 0; r < 4; r += 2) {
        assert_true(golden_has(&g, r, "+elected-leader master M"));
        assert_true(golden_has(&g, r, "+slave-reconf-done slave R"));
        assert_true(golden_has(&g, r + 1, "+config-update-from sentinel L"));
    }
    char path[64];
    write_check_read_back(&g, &a, &b, path, sizeof(path), &back);
    assert_int_equal(back.rounds, 2);
    /* A run that lost round 2's reconfiguration drifts in [2:L] only. */
    assert_int_equal(rep_fx_drop_from(&b, "s3", "+slave-reconf-done", second.fault_t_ms), 1);
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    assert_int_equal(rep_golden_check(&b.run, path, f), 1);
    fclose(f);
    printf("%s", buf);
    assert_non_null(strstr(buf, "[2:L]\n+++ run: s3 as 2:L (seed 1)\n"));
    assert_null(strstr(buf, "[1:L]"));
    rep_golden_free(&back);
    rep_golden_free(&g);
    unlink(path);
    rep_fx_free(&a);
    rep_fx_free(&b);
}

static void test_rep_golden_bad_file_and_paths(void **state) {
    /* Goal: malformed golden files are refused with a position, and golden
     * paths sit beside their scenario. Method: a line before any section. */
    (void)state;
    char path[64];
    temp_path(path, sizeof(path));
    FILE *f = fopen(path, "w");
    fputs("# comment\n+sdown master M\n", f);
    fclose(f);
    struct rep_golden g;
    char err[256];
    assert_int_equal(rep_golden_init(&g), 0);
    assert_int_equal(rep_golden_read(path, &g, err, sizeof(err)), -1);
    assert_non_null(strstr(err, ":2:1: line outside an [L] or [F] section"));
    rep_golden_free(&g);
    unlink(path);
    char out[128];
    assert_int_equal(rep_golden_path("scenarios/library/x.yaml", out, sizeof(out)), 0);
    assert_string_equal(out, "scenarios/library/x.golden");
    assert_int_equal(rep_golden_path("y", out, sizeof(out)), 0);
    assert_string_equal(out, "y.golden");
    assert_int_equal(rep_golden_path("scenarios/library/x.yaml", out, 8), -1);
    struct rep_fx a;
    rep_fx_init(&a);
    assert_int_equal(rep_golden_check(&a.run, "/nonexistent.golden", NULL), -1);
    rep_fx_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_golden_keeps_what_seeds_share),
        cmocka_unit_test(test_rep_golden_drift_prints_unified_diff),
        cmocka_unit_test(test_rep_golden_two_rounds_per_round_sections),
        cmocka_unit_test(test_rep_golden_bad_file_and_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
