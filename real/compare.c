/* compare.c: `sentsim compare FILE.yaml`: the same scenario in sim and real mode.
 *
 * Method: the simulator runs the scenario over N seeds (the scenario's own
 * seeds first, then 1, 2, ...), real mode runs it once, and reports' diff
 * compares the normalized real log with each simulated one (roles instead
 * of names, times relative to the first fault, timing tolerances). Real
 * Sentinel draws its own randomness, so the real run is one sample of the
 * behaviours the seeds span: the two agree when the real log matches at
 * least one seed's. Every diff is written under reports/out/.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "real/check.h"
#include "real/cmd.h"
#include "real/real.h"
#include "reports/diff.h"
#include "reports/report.h"
#include "sim/sim.h"

#define COMPARE_RUNS_MAX 64

static void usage(FILE *f) {
    fprintf(f, "usage: sentsim compare FILE.yaml [--runs N] [--sentinel=redis|core]\n"
               "  Runs the scenario in sim over N seeds (default 3) and once in real mode,\n"
               "  diffs the normalized logs and writes them under " REP_OUT_DIR "/.\n"
               "  Exit 0 when real agrees with some seed, 1 when it differs, 2 bad input.\n");
}

static uint64_t seed_of(const struct scn *s, uint32_t k) {
    return k < s->seeds_len ? s->seeds[k] : (uint64_t)(k - s->seeds_len + 1);
}

/* Runs sim with `seed` into *sim and diffs real against it, writing the diff
 * file; returns the difference count, or -1 (then *sim is already freed). */
static long diff_one(const struct scn *s,
                     const struct rep_run *real,
                     uint64_t seed,
                     struct rep_run *sim,
                     char *path,
                     size_t pathlen) {
    struct sim_options so;
    sim_options_default(&so);
    if (sim_run(s, seed, &so, sim) != SIM_OK) {
        rep_run_free(sim);
        return -1;
    }
    snprintf(path, pathlen, "%s/compare-%s-seed%llu.diff", REP_OUT_DIR, s->name,
             (unsigned long long)seed);
    FILE *f = fopen(path, "w");
    struct rep_diff_opts dopt;
    rep_diff_opts_default(&dopt);
    dopt.a_label = "sim";
    dopt.b_label = "real";
    struct rep_diff_result *res = calloc(1, sizeof(*res));
    long n = -1;
    if (res != NULL && rep_diff_runs(sim, real, &dopt, res, f) >= 0) {
        n = (long)(res->order + res->presence + res->timing);
    }
    free(res);
    if (f != NULL) { fclose(f); }
    if (n < 0) { rep_run_free(sim); }
    return n;
}

/* reports/out/compare-<name>/: summary, JUnit and the side-by-side HTML timeline. */
static void write_reports(const struct scn *s,
                          const struct rep_run *real,
                          const struct rep_run *sim,
                          uint64_t seed,
                          long diffs,
                          const struct real_timing *t) {
    static struct rep_case cases[2];
    static struct rep_verdict rv, sv;
    char dir[256], extra[96];
    rep_expect_check(real, &rv);
    memset(cases, 0, sizeof(cases));
    cases[0].kind = real->mode == REP_MODE_REAL_CORE ? "real-core" : "real-redis";
    cases[0].scenario = s->name;
    cases[0].path = s->path;
    cases[0].virtual_ms = real->end_t_ms;
    cases[0].wall_ms = t->total_ms;
    cases[0].verdict = rv;
    cases[0].run = real;
    size_t n = 1;
    if (sim != NULL) {
        rep_expect_check(sim, &sv);
        snprintf(extra, sizeof(extra), "%ld difference(s) from the real run", diffs);
        cases[1].kind = "compare";
        cases[1].scenario = s->name;
        cases[1].path = s->path;
        cases[1].seed = seed;
        cases[1].virtual_ms = sim->end_t_ms;
        cases[1].verdict = sv;
        cases[1].extra = diffs > 0 ? extra : NULL;
        cases[1].run = sim;
        cases[1].real = real;
        n = 2;
    }
    snprintf(dir, sizeof(dir), "%s/compare-%s", REP_OUT_DIR, s->name);
    if (rep_write_all(dir, cases, n) == 0) { printf("reports: %s/\n", dir); }
}

int real_cmd_compare(int argc, char **argv) {
    struct real_options opt;
    real_options_default(&opt);
    const char *path = NULL;
    long runs = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = strtol(argv[++i], NULL, 10);
        } else if (strncmp(argv[i], "--sentinel=", 11) == 0) {
            if (real__parse_sentinel(argv[i] + 11, &opt.sentinel) != 0) { return 2; }
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && path == NULL) {
            path = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (path == NULL || runs < 1 || runs > COMPARE_RUNS_MAX) {
        usage(stderr);
        return 2;
    }
    struct scn s;
    if (real__load(path, &s) != 0) { return 2; }
    if (mkdir("reports", 0755) != 0 && errno != EEXIST) { goto bad; }
    if (mkdir(REP_OUT_DIR, 0755) != 0 && errno != EEXIST) { goto bad; }
    real_catch_signals();
    struct rep_run real;
    struct real_timing timing;
    char err[REAL_ERR_MAX];
    int rc = real_run(&s, &opt, &real, &timing, err, sizeof(err));
    if (rc != REAL_OK) {
        fprintf(stderr, "sentsim compare: real run: %s\n", err);
        if (rc != REAL_E_BAD) { rep_run_free(&real); }
        scn_free(&s);
        return rc == REAL_E_BAD ? 2 : 1;
    }
    real__print_timing(stdout, s.name, &timing);
    long best = -1;
    uint64_t best_seed = 0;
    struct rep_run best_sim, sim;
    for (long k = 0; k < runs && !real_interrupted(); k++) {
        char file[512];
        uint64_t seed = seed_of(&s, (uint32_t)k);
        long n = diff_one(&s, &real, seed, &sim, file, sizeof(file));
        if (n < 0) {
            printf("seed %llu: sim run failed\n", (unsigned long long)seed);
            continue;
        }
        printf("seed %llu: %ld difference(s) (%s)\n", (unsigned long long)seed, n, file);
        if (best >= 0 && n >= best) {
            rep_run_free(&sim);
            continue;
        }
        /* Keep the closest simulated run for the side-by-side report. */
        if (best >= 0) { rep_run_free(&best_sim); }
        best_sim = sim;
        best = n;
        best_seed = seed;
    }
    write_reports(&s, &real, best >= 0 ? &best_sim : NULL, best_seed, best, &timing);
    if (best >= 0) { rep_run_free(&best_sim); }
    rep_run_free(&real);
    scn_free(&s);
    if (best == 0) {
        printf("AGREE %s: real matches sim seed %llu\n", path, (unsigned long long)best_seed);
        return 0;
    }
    printf("DIFFER %s: closest sim seed %llu has %ld difference(s)\n", path,
           (unsigned long long)best_seed, best);
    return 1;
bad:
    fprintf(stderr, "sentsim compare: cannot create %s: %s\n", REP_OUT_DIR, strerror(errno));
    scn_free(&s);
    return 2;
}
