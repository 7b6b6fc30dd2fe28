/* cmd.c: `sentsim run`, the simulator's command line.
 *
 * Method: one scenario file is run with one seed and its merged log is
 * printed as Redis log lines (reports/log.h), followed by the verdict; or
 * a whole library directory is run over every scenario's seeds with one
 * line per scenario, optionally checking (or re-recording) the golden
 * skeletons beside each file. Exit status: 0 pass, 1 an expectation or a
 * golden failed, 2 bad input (unloadable scenario, bad option).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reports/golden.h"
#include "reports/log.h"
#include "reports/report.h"
#include "reports/runfile.h"
#include "sim/sim.h"

#define LIBRARY_FILES_MAX 512

struct options {
    const char *file;
    const char *library;
    const char *json;
    bool have_seed;
    uint64_t seed;
    uint64_t seed_last; /* --seeds A..B: the last seed (A is `seed`) */
    bool hash;
    bool stats;
    bool quiet;
    bool explain;
    bool golden;
    bool update_golden;
    bool quiet_pass;
};

static void usage(FILE *f) {
    fprintf(f,
            "usage: sentsim run FILE.yaml [--seed N] [--json FILE] [--quiet] [--explain]\n"
            "       sentsim run --library DIR [--golden] [--update-golden] [--quiet-pass]\n"
            "Runs scenarios in the deterministic simulator. Exit 0 pass, 1 fail, 2 bad input.\n");
}

static int parse(int argc, char **argv, struct options *o) {
    memset(o, 0, sizeof(*o));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(a, "--seed") == 0 && more) {
            char *end;
            o->seed = strtoull(argv[++i], &end, 10);
            if (*end != '\0') {
                fprintf(stderr, "sentsim run: bad seed '%s'\n", argv[i]);
                return -1;
            }
            o->have_seed = true;
        } else if (strcmp(a, "--seeds") == 0 && more) {
            char *end;
            o->seed = strtoull(argv[++i], &end, 10);
            if (strncmp(end, "..", 2) != 0) { end = NULL; }
            if (end != NULL) { o->seed_last = strtoull(end + 2, &end, 10); }
            if (end == NULL || *end != '\0' || o->seed_last < o->seed) {
                fprintf(stderr, "sentsim run: bad seed range '%s' (want A..B)\n", argv[i]);
                return -1;
            }
            o->have_seed = true;
        } else if (strcmp(a, "--hash") == 0) {
            o->hash = true;
        } else if (strcmp(a, "--stats") == 0) {
            o->stats = true;
        } else if (strcmp(a, "--json") == 0 && more) {
            o->json = argv[++i];
        } else if (strcmp(a, "--library") == 0 && more) {
            o->library = argv[++i];
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (strcmp(a, "--explain") == 0) {
            o->explain = true;
        } else if (strcmp(a, "--golden") == 0) {
            o->golden = true;
        } else if (strcmp(a, "--update-golden") == 0) {
            o->update_golden = true;
        } else if (strcmp(a, "--quiet-pass") == 0) {
            o->quiet_pass = true;
        } else if (a[0] != '-' && o->file == NULL) {
            o->file = a;
        } else {
            fprintf(stderr, "sentsim run: unknown or incomplete option '%s'\n", a);
            return -1;
        }
    }
    if ((o->file == NULL) == (o->library == NULL)) {
        fprintf(stderr, "sentsim run: give either a scenario file or --library DIR\n");
        return -1;
    }
    return 0;
}

static int load(const char *path, struct scn *scn) {
    struct scn_error err;
    if (scn_load(path, scn, &err) == 0) { return 0; }
    char buf[600];
    scn_error_format(&err, buf, sizeof(buf));
    fprintf(stderr, "%s\n", buf);
    scn_free(scn);
    return -1;
}

static void print_verdict(FILE *f,
                          const struct scn *scn,
                          const struct rep_run *run,
                          const struct rep_verdict *v) {
    fprintf(f, "%s %s seed=%" PRIu64 " leader=%s promoted=%s failovers=%u t=%" PRIu64 ".%03us\n",
            v->pass ? "PASS" : "FAIL", scn->name, run->seed, v->leader[0] ? v->leader : "-",
            v->promoted[0] ? v->promoted : "-", v->failovers, run->end_t_ms / 1000,
            (unsigned)(run->end_t_ms % 1000));
    for (uint32_t i = 0; i < v->findings_len; i++) {
        char buf[700];
        rep_finding_format(run, &v->findings[i], buf, sizeof(buf));
        fprintf(f, "  %s\n", buf);
    }
}

/* Runs one seed and judges it; a driver failure (wait timeout) fails the verdict. */
static bool print_stats;

static double cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The runaway bound of a run, sized to the scenario: a healthy deployment
 * processes about 8 events per node per sentinel per virtual second (hellos,
 * pings, INFO), so large topologies legitimately exceed the default 50
 * million (scale 1x500 for an hour needs ~75 million). 20 per node per
 * sentinel per second keeps a 2x margin; never below the default. */
static uint64_t events_bound(const struct scn *scn, uint64_t dflt) {
    uint64_t per_s = 20ull * (scn->nodes_len + 1ull) * (scn->sentinels_len + 1ull);
    uint64_t bound = per_s * (scn->duration_ms / 1000 + 1);
    return bound > dflt ? bound : dflt;
}

static int run_one(const struct scn *scn,
                   uint64_t seed,
                   bool explain,
                   struct rep_run *run,
                   struct rep_verdict *v) {
    struct sim_options opt;
    sim_options_default(&opt);
    opt.explain = explain;
    opt.events_max = events_bound(scn, opt.events_max);
    struct sim_stats st;
    double t0 = cpu_ms();
    int rc = sim_run_stats(scn, seed, &opt, run, &st);
    if (print_stats) {
        /* Host CPU time, not wall time: a loaded machine does not skew it. */
        double cpu = cpu_ms() - t0;
        fprintf(stderr,
                "stats: %s seed %" PRIu64 ": virtual %" PRIu64 " ms, %" PRIu64 " events, %" PRIu64
                " core steps, cpu %.3f ms, %.0fx real time\n",
                scn->name, seed, st.virtual_ms, st.events, st.core_steps, cpu,
                cpu > 0 ? (double)st.virtual_ms / cpu : 0.0);
    }
    if (rc != SIM_OK) {
        /* The reason (a config the core refused, a bound) is the last record. */
        const char *why = run->log.len > 0 ? run->log.events[run->log.len - 1].text : "";
        fprintf(stderr, "sentsim run: %s seed %" PRIu64 ": the simulator failed (%d): %s\n",
                scn->name, seed, rc, why);
        return -1;
    }
    rep_expect_check(run, v);
    if (run->failure[0] != '\0') {
        v->pass = false;
        if (v->findings_len < REP_FINDINGS_MAX) {
            struct rep_finding *f = &v->findings[v->findings_len++];
            memset(f, 0, sizeof(*f));
            snprintf(f->msg, sizeof(f->msg), "%.300s", run->failure);
        }
    }
    return 0;
}

/* --hash: one line per seed, "<seed> <FNV-1a of the JSON Lines event log>",
 * for the determinism check; exit 1 if any seed's expectations failed. */
static int cmd_hashes(const struct options *o, const struct scn *scn) {
    uint64_t first = o->have_seed ? o->seed : scn->seeds[0];
    uint64_t last = o->seed_last > first ? o->seed_last : first;
    int status = 0;
    for (uint64_t seed = first; seed <= last; seed++) {
        struct rep_run run;
        struct rep_verdict v;
        if (run_one(scn, seed, o->explain, &run, &v) != 0) {
            rep_run_free(&run);
            return 2;
        }
        printf("%" PRIu64 " %016" PRIx64 " %s\n", seed, rep_log_hash(&run.log),
               v.pass ? "pass" : "fail");
        if (!v.pass) { status = 1; }
        rep_run_free(&run);
    }
    return status;
}

static int cmd_file(const struct options *o) {
    struct scn scn;
    if (load(o->file, &scn) != 0) { return 2; }
    if (o->hash) {
        int rc = cmd_hashes(o, &scn);
        scn_free(&scn);
        return rc;
    }
    uint64_t seed = o->have_seed ? o->seed : scn.seeds[0];
    struct rep_run run;
    struct rep_verdict v;
    int status = 2;
    if (run_one(&scn, seed, o->explain, &run, &v) == 0) {
        if (!o->quiet) { rep_log_write_run(stdout, &run, NULL); }
        /* The run file (header, names, final state, events as JSON Lines) is
         * what `sentsim report` reads. */
        if (o->json != NULL && rep_run_save(&run, o->json) != 0) {
            fprintf(stderr, "sentsim run: cannot write %s\n", o->json);
        }
        print_verdict(stdout, &scn, &run, &v);
        status = v.pass ? 0 : 1;
    }
    rep_run_free(&run);
    scn_free(&scn);
    return status;
}

/* ---------------------------------------------------------------- library */

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_yaml(const char *dir, char **files, size_t *n) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "sentsim run: cannot open %s\n", dir);
        return -1;
    }
    struct dirent *e;
    *n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) { continue; }
        if (*n >= LIBRARY_FILES_MAX) { break; }
        size_t need = strlen(dir) + len + 2;
        files[*n] = malloc(need);
        if (files[*n] == NULL) { break; }
        snprintf(files[*n], need, "%s/%s", dir, e->d_name);
        (*n)++;
    }
    closedir(d);
    qsort(files, *n, sizeof(files[0]), by_name);
    return 0;
}

/* Adds a name to a comma list unless it is already there. */
static void note(char *list, size_t cap, const char *name) {
    if (name[0] == '\0') { return; }
    size_t nl = strlen(name), len = strlen(list);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += nl) {
        if ((p == list || p[-1] == ',') && (p[nl] == ',' || p[nl] == '\0')) { return; }
    }
    snprintf(list + len, cap - len, "%s%s", len > 0 ? "," : "", name);
}

static int golden_step(const struct options *o,
                       const char *path,
                       struct rep_golden *g,
                       const struct rep_run *run,
                       char *extra,
                       size_t cap) {
    char gpath[600];
    if (rep_golden_path(path, gpath, sizeof(gpath)) != 0) { return -1; }
    if (o->update_golden) { return rep_golden_add(g, run); }
    if (!o->golden || access(gpath, F_OK) != 0) { return 0; }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int rc = mem != NULL ? rep_golden_check(run, gpath, mem) : -1;
    if (mem != NULL) { fclose(mem); }
    if (rc != 0 && buf != NULL) { snprintf(extra, cap, "%s", buf); }
    free(buf);
    return rc == 0 ? 0 : -1;
}

/* Runs every seed of one scenario file; returns 0 pass, 1 fail, 2 bad input. */
static int library_file(const struct options *o, const char *path) {
    struct scn scn;
    if (load(path, &scn) != 0) { return 2; }
    struct rep_golden g;
    bool gold_ok = !o->update_golden || rep_golden_init(&g) == 0;
    char leaders[128] = "", promoted[128] = "", extra[4096] = "";
    uint64_t virtual_ms = 0;
    int status = gold_ok ? 0 : 2;
    struct rep_run last;
    bool have_last = false;
    for (uint32_t k = 0; k < scn.seeds_len && status != 2; k++) {
        struct rep_run run;
        struct rep_verdict v;
        if (run_one(&scn, scn.seeds[k], false, &run, &v) != 0) {
            status = 2;
            rep_run_free(&run);
            break;
        }
        if (golden_step(o, path, &g, &run, extra, sizeof(extra)) != 0) {
            v.pass = false;
            if (extra[0] == '\0') { snprintf(extra, sizeof(extra), "golden skeleton: failed\n"); }
        }
        note(leaders, sizeof(leaders), v.leader);
        note(promoted, sizeof(promoted), v.promoted);
        if (run.end_t_ms > virtual_ms) { virtual_ms = run.end_t_ms; }
        if (!v.pass) {
            status = 1;
            print_verdict(stdout, &scn, &run, &v);
            if (extra[0] != '\0') { fputs(extra, stdout); }
            extra[0] = '\0';
        }
        if (have_last) { rep_run_free(&last); }
        last = run;
        have_last = true;
    }
    if (o->update_golden && gold_ok && status == 0 && have_last) {
        char gpath[600];
        if (rep_golden_path(path, gpath, sizeof(gpath)) != 0 ||
            rep_golden_write(&g, &last, gpath) != 0) {
            fprintf(stderr, "sentsim run: cannot write the golden skeleton of %s\n", path);
            status = 1;
        }
    }
    if (status != 2 && (status != 0 || !o->quiet_pass)) {
        printf("%s %-32s seeds=%u leader=%s promoted=%s t<=%" PRIu64 ".%03us\n",
               status == 0 ? "PASS" : "FAIL", scn.name, scn.seeds_len, leaders[0] ? leaders : "-",
               promoted[0] ? promoted : "-", virtual_ms / 1000, (unsigned)(virtual_ms % 1000));
    }
    if (have_last) { rep_run_free(&last); }
    if (o->update_golden && gold_ok) { rep_golden_free(&g); }
    scn_free(&scn);
    return status;
}

static int cmd_library(const struct options *o) {
    char *files[LIBRARY_FILES_MAX];
    size_t n = 0;
    if (list_yaml(o->library, files, &n) != 0) { return 2; }
    int worst = 0;
    uint32_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = library_file(o, files[i]);
        if (rc != 0) { failed++; }
        if (rc > worst) { worst = rc; }
        free(files[i]);
    }
    printf("%zu scenarios, %u failed\n", n, failed);
    return worst;
}

int sim_cmd_run(int argc, char **argv) {
    struct options o;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (parse(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    print_stats = o.stats;
    return o.library != NULL ? cmd_library(&o) : cmd_file(&o);
}
