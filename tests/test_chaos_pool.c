/* test_chaos_pool.c: batches of seeds in worker processes (sim/chaos_pool.c) and the
 * results file (sim/chaos_report.c): the merged outcome must not depend on --jobs or shards.
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
#include "sim/chaos_report.h"

#define FIRST 1
#define LAST  16

static void opts(struct sim_chaos_batch_opts *o, uint32_t jobs, uint32_t k, uint32_t n) {
    memset(o, 0, sizeof(*o));
    o->first = FIRST;
    o->last = LAST;
    o->shard_k = k;
    o->shard_n = n;
    o->jobs = jobs;
    sim_chaos_gen_default(&o->gen);
    o->gen.fixed_small = true;
    o->gen.faults_max = 4;
}

/* Everything a batch reports except timings, as bytes (*len of them). */
static char *digest(const struct sim_chaos_report *r, size_t *out_len) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    const struct sim_chaos_batch *b = &r->b;
    fprintf(f, "runs %llu acked %llu\n", (unsigned long long)b->runs,
            (unsigned long long)b->writes_acked);
    for (uint32_t i = 0; i < b->found_len; i++) {
        for (uint32_t k = 0; k < b->found[i].violations_len; k++) {
            const struct sim_chaos_violation *v = &b->found[i].violations[k];
            fprintf(f, "%llu %s %s %llu %s\n", (unsigned long long)b->found[i].seed,
                    sim_chaos_inv_name(v->inv), sim_chaos_class_name(v->cls),
                    (unsigned long long)v->t_ms, v->detail);
        }
    }
    fwrite(&b->cov, sizeof(b->cov), 1, f);
    fwrite(b->seeds_lost, sizeof(b->seeds_lost), 1, f);
    fwrite(b->writes_lost, sizeof(b->writes_lost), 1, f);
    fclose(f);
    *out_len = len;
    return buf;
}

static void assert_same(const struct sim_chaos_report *a, const struct sim_chaos_report *b) {
    size_t la = 0, lb = 0;
    char *da = digest(a, &la), *db = digest(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, la);
    free(da);
    free(db);
}

static void run(uint32_t jobs, uint32_t k, uint32_t n, struct sim_chaos_report *r) {
    memset(r, 0, sizeof(*r));
    struct sim_chaos_batch_opts o;
    opts(&o, jobs, k, n);
    assert_int_equal(sim_chaos_batch_run(&o, &r->b), 0);
    r->first = FIRST;
    r->last = LAST;
    r->shard_k = k;
    r->shard_n = n;
    r->jobs = jobs;
    r->repro = calloc(r->b.found_len + 1, sizeof(*r->repro));
    assert_non_null(r->repro);
}

/* Goal: a batch's outcome is the same with 1 and 3 workers (merged in seed
 * order, every seed run once). Method: seeds 1..16 of the small topology
 * both ways; compare a digest of findings, coverage and data figures. */
static void test_chaos_pool_jobs_do_not_matter(void **state) {
    (void)state;
    struct sim_chaos_report one, three;
    run(1, 1, 1, &one);
    run(3, 1, 1, &three);
    assert_int_equal(one.b.runs, LAST - FIRST + 1);
    assert_same(&one, &three);
    sim_chaos_report_free(&one);
    sim_chaos_report_free(&three);
}

/* Goal: shards written as results files and merged give the whole range's
 * outcome. Method: run shards 1/3, 2/3 and 3/3 with 2 workers each, write
 * their JSON Lines files, merge them and compare with one 1-worker run. */
static void test_chaos_pool_shards_merge_to_the_whole(void **state) {
    (void)state;
    char paths[3][64];
    const char *argv[3];
    for (uint32_t k = 1; k <= 3; k++) {
        struct sim_chaos_report r;
        run(2, k, 3, &r);
        snprintf(paths[k - 1], sizeof(paths[0]), "/tmp/chaos-shard-%d-%u.jsonl", (int)getpid(), k);
        assert_int_equal(sim_chaos_report_write_json(paths[k - 1], &r), 0);
        argv[k - 1] = paths[k - 1];
        sim_chaos_report_free(&r);
    }
    struct sim_chaos_report merged, whole;
    char err[320];
    assert_int_equal(sim_chaos_report_merge(argv, 3, &merged, err, sizeof(err)), 0);
    run(1, 1, 1, &whole);
    assert_same(&merged, &whole);
    assert_int_equal(merged.first, FIRST);
    assert_int_equal(merged.last, LAST);
    sim_chaos_report_free(&merged);
    sim_chaos_report_free(&whole);
    for (uint32_t k = 0; k < 3; k++) {
        unlink(paths[k]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chaos_pool_jobs_do_not_matter),
        cmocka_unit_test(test_chaos_pool_shards_merge_to_the_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
