/* chaos_repro.c: from a violating seed to a small scenario file that fails the same way.
 *
 * Method: the shrinker's predicate writes each candidate as YAML, loads it
 * back with the scenario loader and runs the loaded model with the seed,
 * stopping at the first unexplained finding. A candidate counts as failing
 * only if that finding is the same invariant. Going through the file form
 * for every candidate means the final file is, by construction, one the
 * loader accepts (timeline consistency included) and one whose run is the
 * run that was judged; the written file is loaded and run once more to
 * confirm before it is reported. Every candidate runs in a child process,
 * so an assertion in the simulator or the core costs the candidate, not the
 * shrinker; a crash finding is shrunk too, keeping candidates that die at
 * the same "file:line".
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/chaos_internal.h"
#include "sim/chaos_repro.h"
#include "sim/check.h"
#include "sim/sim.h"

/* The finding of invariant `inv` and class `cls` in r, or NULL. */
static const struct sim_chaos_violation *find(const struct sim_chaos_result *r,
                                              enum sim_chaos_inv inv,
                                              enum sim_chaos_class cls) {
    for (uint32_t i = 0; i < r->violations_len; i++) {
        if (r->violations[i].inv == inv && r->violations[i].cls == cls) {
            return &r->violations[i];
        }
    }
    return NULL;
}

int sim_chaos_run_file_model(const struct scn *cand,
                             uint64_t seed,
                             const struct sim_chaos_violation *stop_at,
                             struct sim_chaos_result *out) {
    char *yaml = NULL;
    size_t len = 0;
    if (sim_chaos_yaml_string(cand, seed, &yaml, &len) != 0) { return -1; }
    struct scn loaded;
    struct scn_error err;
    memset(&loaded, 0, sizeof(loaded));
    int rc = scn_load_string("candidate.yaml", yaml, len, &loaded, &err);
    free(yaml);
    if (rc != 0) {
        scn_free(&loaded);
        return -1;
    }
    rc = sim_chaos_run_scn(&loaded, seed, stop_at, out, NULL);
    scn_free(&loaded);
    return rc == SIM_OK ? 0 : -1;
}

struct pred {
    uint64_t seed;
    struct sim_chaos_violation target; /* its invariant and class: explained otherwise is
                                          another finding */
    char crash_sig[128];               /* crashes: "file:line" of the assertion that fired */
};

/* Runs `cand` as its file would run, in a child process: a simulator or
 * core assertion (which aborts) then costs the candidate, not the shrinker.
 * The child hands its result back through a shared mapping. Returns true if
 * the child died; sig then receives the start of the first line it wrote to
 * stderr, up to the assertion's "file:line". Otherwise *out is the result
 * and *ran says whether the file loaded and ran. */
static bool run_isolated(const struct scn *cand,
                         uint64_t seed,
                         const struct sim_chaos_violation *stop_at,
                         struct sim_chaos_result *out,
                         bool *ran,
                         char *sig,
                         size_t cap) {
    struct shared {
        struct sim_chaos_result r;
        int rc;
    } *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fd[2];
    *ran = false;
    sig[0] = '\0';
    if (sh == MAP_FAILED) { return false; }
    if (pipe(fd) != 0) {
        munmap(sh, sizeof(*sh));
        return false;
    }
    sh->rc = -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], STDERR_FILENO);
        sh->rc = sim_chaos_run_file_model(cand, seed, stop_at, &sh->r);
        _exit(0);
    }
    close(fd[1]);
    char buf[512];
    size_t have = 0;
    ssize_t n;
    while (pid > 0 && have < sizeof(buf) - 1 &&
           (n = read(fd[0], buf + have, sizeof(buf) - 1 - have)) > 0) {
        have += (size_t)n;
    }
    buf[have] = '\0';
    close(fd[0]);
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    bool died = pid > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (died) {
        /* "node_cmd.c:455: assertion failed: ..." -> "node_cmd.c:455". */
        size_t len = strcspn(buf, " \n");
        if (len > 0 && buf[len - 1] == ':') { len--; }
        snprintf(sig, cap, "%.*s", (int)len, buf);
    } else if (pid > 0 && sh->rc == 0) {
        *out = sh->r;
        *ran = true;
    }
    munmap(sh, sizeof(*sh));
    return died;
}

/* Whether `cand` still shows the finding: the same assertion for a crash,
 * else the same invariant with the same class. */
static bool shows(const struct pred *p, const struct scn *cand, struct sim_chaos_result *r) {
    char sig[sizeof(p->crash_sig)];
    bool ran = false;
    bool died =
        run_isolated(cand, p->seed, p->target.inv == SIM_CHAOS_INV_CRASH ? NULL : &p->target, r,
                     &ran, sig, sizeof(sig));
    if (p->target.inv == SIM_CHAOS_INV_CRASH) { return died && strcmp(sig, p->crash_sig) == 0; }
    return ran && find(r, p->target.inv, p->target.cls) != NULL;
}

static bool still_fails(void *ud, const struct scn *cand) {
    struct sim_chaos_result r;
    return shows(ud, cand, &r);
}

static void comment_for(const struct sim_chaos_violation *v,
                        uint64_t seed,
                        uint32_t waits,
                        const struct sim_chaos_shrink_stats *st,
                        char *buf,
                        size_t cap) {
    int n = snprintf(buf, cap,
                     "sentsim chaos reproducer: invariant '%s' (%s) with seed %" PRIu64 "\n%s\n",
                     sim_chaos_inv_name(v->inv), sim_chaos_class_name(v->cls), seed, v->detail);
    size_t len = n > 0 && (size_t)n < cap ? (size_t)n : cap - 1;
    if (v->cite[0] != '\0') {
        n = snprintf(buf + len, cap - len, "See: %s\n", v->cite);
        len += n > 0 && (size_t)n < cap - len ? (size_t)n : cap - len - 1;
    }
    if (waits > 0) {
        n = snprintf(buf + len, cap - len,
                     "%u wait step(s) kept: `sentsim run` stops where one times out, "
                     "`sentsim chaos --file` goes on as the explorer did.\n",
                     waits);
        len += n > 0 && (size_t)n < cap - len ? (size_t)n : cap - len - 1;
    }
    snprintf(buf + len, cap - len,
             "Shrunk from %u to %u steps and %u to %u processes in %u runs.\n"
             "Replay: sentsim chaos --file <this file>   (checks the invariants)\n"
             "        sentsim run <this file>            (the event log)",
             st->steps_before, st->steps_after, st->procs_before, st->procs_after, st->tries);
}

int sim_chaos__mkdirs(const char *dir) {
    char path[512];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/') { continue; }
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) { return -1; }
        *p = '/';
    }
    return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int sim_chaos_reproduce(const struct scn *scn,
                        uint64_t seed,
                        const struct sim_chaos_violation *v,
                        const struct sim_chaos_repro_opts *o,
                        struct sim_chaos_repro *out) {
    SIM_ASSERT(scn != NULL && v != NULL && o != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    struct scn s;
    if (sim_chaos_scn_clone(scn, &s) != 0) { return SIM_E_NOMEM; }
    struct pred p = {seed, *v, ""};
    /* A crash is shrunk towards the same assertion, each candidate in a child. */
    if (v->inv == SIM_CHAOS_INV_CRASH) {
        struct sim_chaos_result ignored;
        bool ran = false;
        run_isolated(&s, seed, NULL, &ignored, &ran, p.crash_sig, sizeof(p.crash_sig));
    }
    bool shrink = o->shrink && still_fails(&p, &s);
    if (shrink && sim_chaos_shrink(&s, still_fails, &p, o->tries_max, &out->stats) != 0) {
        sim_chaos_scn_free(&s);
        return SIM_E_NOMEM;
    }
    if (!shrink) {
        out->stats.steps_before = out->stats.steps_after = s.steps_len;
        out->stats.procs_before = out->stats.procs_after = s.nodes_len + s.sentinels_len;
    }
    out->shrunk = shrink;
    out->fault_steps = sim_chaos_fault_steps(&s);
    if (sim_chaos__mkdirs(o->dir) != 0) {
        sim_chaos_scn_free(&s);
        return -1;
    }
    snprintf(out->path, sizeof(out->path), "%s/seed-%" PRIu64 "-%s.yaml", o->dir, seed,
             sim_chaos_inv_name(v->inv));
    snprintf(s.name, sizeof(s.name), "chaos-%" PRIu64 "-%s", seed, sim_chaos_inv_name(v->inv));
    /* The shrunk run's own words (names of the smaller topology) for the header. */
    struct sim_chaos_violation now = *v;
    struct sim_chaos_result r;
    if (shrink && v->inv == SIM_CHAOS_INV_CRASH) {
        snprintf(now.detail, sizeof(now.detail), "the run aborts: %s", p.crash_sig);
    } else if (shrink && shows(&p, &s, &r)) {
        const struct sim_chaos_violation *f = find(&r, v->inv, v->cls);
        if (f != NULL) { now = *f; }
    }
    char comment[1024];
    uint32_t waits = 0;
    for (uint32_t i = 0; i < s.steps_len; i++) {
        waits += s.steps[i].kind == SCN_STEP_WAIT ? 1u : 0u;
    }
    comment_for(&now, seed, waits, &out->stats, comment, sizeof(comment));
    int rc = sim_chaos_write_yaml(&s, seed, comment, out->path);
    sim_chaos_scn_free(&s);
    if (rc != 0) { return rc; }
    /* Confirm from the file itself, as a later `sentsim chaos --file` will. */
    struct scn loaded;
    struct scn_error err;
    memset(&loaded, 0, sizeof(loaded));
    if (scn_load(out->path, &loaded, &err) == 0) { out->verified = shows(&p, &loaded, &r); }
    scn_free(&loaded);
    return 0;
}
