/* chaos_cmd.c: `sentsim chaos`: options, the batch, reproducers, the summary.
 *
 * Method: the command only wires the other chaos files together: it runs
 * the seed batch (chaos_pool.c), then for the first seed of each distinct
 * unexplained invariant shrinks a reproducer (chaos_repro.c), then prints
 * the summary and writes the results file (chaos_report.c). `--file` runs
 * a scenario file under the same checkers (how a reproducer is replayed),
 * `--replay` turns a seed into its scenario file and hands it to
 * `sentsim run`, so the event log is exactly the one that command prints.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/chaos_internal.h"
#include "sim/chaos_pool.h"
#include "sim/chaos_report.h"
#include "sim/chaos_repro.h"
#include "sim/check.h"
#include "sim/sim.h"

#define MERGE_MAX 256

struct args {
    struct sim_chaos_batch_opts batch;
    bool have_seeds, have_seed, replay, no_shrink, shrink_known, quiet;
    uint64_t seed;
    const char *json, *file, *out;
    const char *merge[MERGE_MAX];
    uint32_t merge_len;
    uint32_t shrink_tries, repro_max;
};

static void usage(FILE *f) {
    fputs(
        "usage: sentsim chaos [--seeds A..B | --seed S [--replay]] [--jobs N] [--shard k/n]\n"
        "                     [--time 10m [--seeds A..]] [--json FILE] [--out DIR] [--no-shrink]\n"
        "                     [--shrink-tries N] [--repro-max N] [--small] [--salt N]\n"
        "                     [--faults-max N] [--full-bound] [--shrink-known] [--quiet]\n"
        "       sentsim chaos --file SCENARIO.yaml [--seed S]\n"
        "       sentsim chaos --merge FILE.jsonl...\n"
        "Generates a topology and fault schedule per seed, runs it in the simulator and\n"
        "checks Sentinel's safety and liveness invariants; each violation is shrunk to a\n"
        "scenario file under --out (default reports/out/chaos); --shrink-known also\n"
        "shrinks known Sentinel behaviour (lost writes, ...). Exit 0: no unexplained\n"
        "finding, 1: findings (bug or new), 2: bad usage.\n",
        f);
}

static int bad(const char *what, const char *val) {
    fprintf(stderr, "sentsim chaos: bad %s '%s'\n", what, val ? val : "");
    usage(stderr);
    return 2;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out) {
    uint64_t a = 0, b = 0;
    if (s == NULL || sim_chaos_parse_range(s, &a, &b) != 0 || a != b || a < lo || a > hi) {
        return -1;
    }
    *out = (uint32_t)a;
    return 0;
}

static int parse_args(int argc, char **argv, struct args *a) {
    memset(a, 0, sizeof(*a));
    a->batch.first = 1;
    a->batch.last = 100;
    a->batch.shard_k = a->batch.shard_n = a->batch.jobs = 1;
    sim_chaos_gen_default(&a->batch.gen);
    a->out = "reports/out/chaos";
    a->shrink_tries = 400;
    a->repro_max = 3;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (strcmp(o, "--seeds") == 0) {
            if (!v || sim_chaos_parse_range(v, &a->batch.first, &a->batch.last)) {
                return bad(o, v);
            }
            a->have_seeds = true;
        } else if (strcmp(o, "--seed") == 0) {
            uint64_t b = 0;
            if (!v || sim_chaos_parse_range(v, &a->seed, &b) || b != a->seed) { return bad(o, v); }
            a->have_seed = true;
        } else if (strcmp(o, "--jobs") == 0) {
            if (parse_u32(v, 1, 256, &a->batch.jobs)) { return bad(o, v); }
        } else if (strcmp(o, "--shard") == 0) {
            if (!v || sim_chaos_parse_shard(v, &a->batch.shard_k, &a->batch.shard_n)) {
                return bad(o, v);
            }
        } else if (strcmp(o, "--time") == 0) {
            if (!v || sim_chaos_parse_time(v, &a->batch.time_limit_ms)) { return bad(o, v); }
        } else if (strcmp(o, "--json") == 0 && v) {
            a->json = v;
        } else if (strcmp(o, "--file") == 0 && v) {
            a->file = v;
        } else if (strcmp(o, "--out") == 0 && v) {
            a->out = v;
        } else if (strcmp(o, "--shrink-tries") == 0) {
            if (parse_u32(v, 1, 1000000, &a->shrink_tries)) { return bad(o, v); }
        } else if (strcmp(o, "--repro-max") == 0) {
            if (parse_u32(v, 0, 1000, &a->repro_max)) { return bad(o, v); }
        } else if (strcmp(o, "--faults-max") == 0) {
            if (parse_u32(v, 1, SIM_CHAOS_FAULTS_MAX, &a->batch.gen.faults_max)) {
                return bad(o, v);
            }
        } else if (strcmp(o, "--salt") == 0) {
            uint64_t b = 0;
            if (!v || sim_chaos_parse_range(v, &a->batch.gen.salt, &b)) { return bad(o, v); }
        } else if (strcmp(o, "--merge") == 0) {
            takes = false;
            while (i + 1 < argc && argv[i + 1][0] != '-' && a->merge_len < MERGE_MAX) {
                a->merge[a->merge_len++] = argv[++i];
            }
            if (a->merge_len == 0) { return bad(o, v); }
        } else {
            takes = false;
            if (strcmp(o, "--replay") == 0) {
                a->replay = true;
            } else if (strcmp(o, "--no-shrink") == 0) {
                a->no_shrink = true;
            } else if (strcmp(o, "--shrink-known") == 0) {
                a->shrink_known = true;
            } else if (strcmp(o, "--full-bound") == 0) {
                sim_chaos_set_quiet_stop(false);
            } else if (strcmp(o, "--small") == 0) {
                a->batch.gen.fixed_small = true;
            } else if (strcmp(o, "--quiet") == 0) {
                a->quiet = true;
            } else if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
                usage(stdout);
                return 1;
            } else {
                return bad("option", o);
            }
        }
        if (takes) { i++; }
    }
    if (a->have_seed && !a->have_seeds) { a->batch.first = a->batch.last = a->seed; }
    if (a->batch.time_limit_ms && !a->have_seeds && !a->have_seed) { a->batch.last = UINT64_MAX; }
    if (a->replay && !a->have_seed) { return bad("--replay without --seed", ""); }
    if (a->batch.last == UINT64_MAX && a->batch.time_limit_ms == 0 && a->merge_len == 0 &&
        a->file == NULL) {
        return bad("open-ended --seeds without --time", "");
    }
    return 0;
}

static void print_violations(const struct sim_chaos_result *r) {
    for (uint32_t k = 0; k < r->violations_len; k++) {
        const struct sim_chaos_violation *v = &r->violations[k];
        printf("seed %" PRIu64 ": %s (%s) at %" PRIu64 " ms%s%s: %s\n", r->seed,
               sim_chaos_inv_name(v->inv), sim_chaos_class_name(v->cls), v->t_ms,
               v->proc[0] ? " on " : "", v->proc, v->detail);
        if (v->cite[0]) { printf("    cite: %s\n", v->cite); }
    }
}

/* `--file`: a scenario file under the invariants. */
static int run_file(const struct args *a) {
    struct scn s;
    struct scn_error err;
    memset(&s, 0, sizeof(s));
    if (scn_load(a->file, &s, &err) != 0) {
        char msg[512];
        scn_error_format(&err, msg, sizeof(msg));
        fprintf(stderr, "%s\n", msg);
        scn_free(&s);
        return 2;
    }
    uint32_t n = a->have_seed ? 1 : s.seeds_len;
    uint64_t unexplained = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t seed = a->have_seed ? a->seed : s.seeds[i];
        struct sim_chaos_result r;
        if (sim_chaos_run_scn(&s, seed, NULL, &r, NULL) != SIM_OK) {
            fprintf(stderr, "sentsim chaos: %s: the run failed to start\n", a->file);
        }
        print_violations(&r);
        for (uint32_t k = 0; k < r.violations_len; k++) {
            unexplained += r.violations[k].cls != SIM_CHAOS_CLASS_KNOWN;
        }
        if (r.violations_len == 0) { printf("seed %" PRIu64 ": no violation\n", seed); }
    }
    scn_free(&s);
    return unexplained ? 1 : 0;
}

/* `--replay`: the seed's scenario as a file, run by `sentsim run`. */
static int replay(const struct args *a) {
    struct scn s;
    if (sim_chaos_generate(a->seed, &a->batch.gen, &s) != 0) { return 2; }
    char path[512];
    snprintf(path, sizeof(path), "%s/seed-%" PRIu64 ".yaml", a->out, a->seed);
    int rc = sim_chaos__mkdirs(a->out) == 0
                 ? sim_chaos_write_yaml(&s, a->seed, "sentsim chaos --replay: generated", path)
                 : -1;
    sim_chaos_scn_free(&s);
    if (rc != 0) {
        fprintf(stderr, "sentsim chaos: cannot write %s\n", path);
        return 2;
    }
    fprintf(stderr, "sentsim chaos: seed %" PRIu64 " written to %s; running it\n", a->seed, path);
    char run_word[] = "run";
    char *argv[] = {run_word, path, NULL};
    return sim_cmd_run(2, argv);
}

/* Shrinks the first seed of each distinct unexplained invariant (with
 * --shrink-known, of each distinct invariant: documented Sentinel weaknesses
 * deserve a small reproducer too). */
static void reproducers(const struct args *a, struct sim_chaos_report *r) {
    uint32_t done = 0, seen = 0;
    for (uint32_t i = 0; i < r->b.found_len && done < a->repro_max; i++) {
        const struct sim_chaos_result *x = &r->b.found[i];
        const struct sim_chaos_violation *v = NULL;
        for (uint32_t k = 0; k < x->violations_len && v == NULL; k++) {
            uint32_t bit = 1u << x->violations[k].inv;
            bool wanted = a->shrink_known || x->violations[k].cls != SIM_CHAOS_CLASS_KNOWN;
            if (wanted && !(seen & bit)) {
                v = &x->violations[k];
                seen |= bit;
            }
        }
        if (v == NULL) { continue; }
        struct scn s;
        if (sim_chaos_generate(x->seed, &a->batch.gen, &s) != 0) { continue; }
        struct sim_chaos_repro_opts ro = {a->out, !a->no_shrink, a->shrink_tries};
        struct sim_chaos_repro rep;
        uint64_t t0 = sim_chaos__mono_ms();
        if (sim_chaos_reproduce(&s, x->seed, v, &ro, &rep) == 0) {
            snprintf(r->repro[i], sizeof(r->repro[i]), "%s", rep.path);
            fprintf(stderr,
                    "reproducer: %s: %s, %u fault steps (%u -> %u steps, %u -> %u processes, %u "
                    "runs, %.1f s)%s\n",
                    rep.path, sim_chaos_inv_name(v->inv), rep.fault_steps, rep.stats.steps_before,
                    rep.stats.steps_after, rep.stats.procs_before, rep.stats.procs_after,
                    rep.stats.tries, (double)(sim_chaos__mono_ms() - t0) / 1000.0,
                    rep.verified ? ", verified" : (rep.shrunk ? ", NOT verified" : ""));
        }
        sim_chaos_scn_free(&s);
        done++;
    }
}

int sim_cmd_chaos(int argc, char **argv) {
    struct args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) { return rc == 1 ? 0 : rc; }
    if (a.file != NULL) { return run_file(&a); }
    if (a.replay) { return replay(&a); }
    struct sim_chaos_report r;
    memset(&r, 0, sizeof(r));
    if (a.merge_len > 0) {
        char err[320];
        if (sim_chaos_report_merge(a.merge, a.merge_len, &r, err, sizeof(err)) != 0) {
            fprintf(stderr, "sentsim chaos: %s\n", err);
            return 2;
        }
    } else {
        a.batch.progress = !a.quiet && isatty(STDERR_FILENO);
        r.first = a.batch.first;
        r.last = a.batch.last;
        r.shard_k = a.batch.shard_k;
        r.shard_n = a.batch.shard_n;
        r.jobs = a.batch.jobs;
        if (sim_chaos_batch_run(&a.batch, &r.b) != 0) {
            perror("sentsim chaos: workers");
            return 2;
        }
        if (a.batch.time_limit_ms && r.b.runs > 0 && r.b.max_seed < r.last) {
            r.last = r.b.max_seed;
        }
        r.repro = calloc(r.b.found_len ? r.b.found_len : 1, sizeof(*r.repro));
        if (r.repro == NULL) { return 2; }
        reproducers(&a, &r);
    }
    sim_chaos_report_summary(stdout, &r);
    if (a.json != NULL && sim_chaos_report_write_json(a.json, &r) != 0) {
        perror(a.json);
        sim_chaos_report_free(&r);
        return 2;
    }
    rc = sim_chaos_report_unexplained(&r) > 0 ? 1 : 0;
    sim_chaos_report_free(&r);
    return rc;
}
