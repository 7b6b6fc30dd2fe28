/* chaos_pool.c: many seeds in forked worker processes, merged in seed order.
 *
 * Method: the seeds of a range that a shard owns are numbered 0, 1, 2, ...
 * and worker w of N runs the numbers congruent to w mod N, each writing one
 * fixed-size result record per seed to its own pipe. Workers are separate
 * processes, so a core or simulator assertion (which aborts) loses one
 * seed, not the batch: the parent sees the worker die, records a "crash"
 * finding for the seed it was running (the next one it owed) and starts a
 * new worker for the rest of that residue class. The parent keeps every
 * result that has a finding and only sums the others (coverage, data
 * figures), then sorts the findings by seed; nothing it reports depends on
 * N or on which worker finished first. With a time limit the workers stop
 * taking new seeds at the deadline.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/chaos_pool.h"
#include "sim/check.h"
#include "sim/sim.h"

#define JOBS_MAX 256

struct worker {
    pid_t pid;
    int fd;        /* read end, -1 when closed */
    uint64_t next; /* index of the next seed it owes */
    size_t have;   /* bytes of a partial record */
    struct sim_chaos_result buf;
};

uint64_t sim_chaos__mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The first seed >= first that shard k/n owns; false if none <= last. */
static bool shard_first(const struct sim_chaos_batch_opts *o, uint64_t *s0) {
    uint64_t n = o->shard_n, want = o->shard_k - 1;
    uint64_t off = (want + n - o->first % n) % n;
    if (o->first > UINT64_MAX - off || o->first + off > o->last) { return false; }
    *s0 = o->first + off;
    return true;
}

/* Seed number `idx` of the shard, or false when it is past the range. */
static bool nth_seed(const struct sim_chaos_batch_opts *o, uint64_t idx, uint64_t *seed) {
    uint64_t s0;
    if (!shard_first(o, &s0)) { return false; }
    if (idx > (o->last - s0) / o->shard_n) { return false; }
    *seed = s0 + idx * o->shard_n;
    return true;
}

uint64_t sim_chaos_batch_total(const struct sim_chaos_batch_opts *o) {
    uint64_t s0;
    if (!shard_first(o, &s0)) { return 0; }
    return (o->last - s0) / o->shard_n + 1;
}

static bool write_all(int fd, const void *p, size_t len) {
    const char *c = p;
    while (len > 0) {
        ssize_t w = write(fd, c, len);
        if (w < 0 && errno == EINTR) { continue; }
        if (w <= 0) { return false; }
        c += w;
        len -= (size_t)w;
    }
    return true;
}

static _Noreturn void worker_main(const struct sim_chaos_batch_opts *o,
                                  uint64_t idx,
                                  int fd,
                                  uint64_t deadline_ms) {
    uint64_t seed;
    while (nth_seed(o, idx, &seed)) {
        if (deadline_ms != 0 && sim_chaos__mono_ms() >= deadline_ms) { break; }
        struct sim_chaos_result r;
        if (sim_chaos_run_seed(seed, &o->gen, &r) == SIM_E_NOMEM) { _exit(3); }
        if (!write_all(fd, &r, sizeof(r))) { _exit(4); }
        if (idx > UINT64_MAX - o->jobs) { break; }
        idx += o->jobs;
    }
    _exit(0);
}

static int spawn(const struct sim_chaos_batch_opts *o, struct worker *wk, uint64_t deadline_ms) {
    int p[2];
    if (pipe(p) != 0) { return -1; }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        worker_main(o, wk->next, p[1], deadline_ms);
    }
    close(p[1]);
    wk->pid = pid;
    wk->fd = p[0];
    wk->have = 0;
    return 0;
}

/* ---------------------------------------------------------------- merging */

static void absorb(struct sim_chaos_batch *b, const struct sim_chaos_result *r) {
    b->runs++;
    b->max_seed = r->seed > b->max_seed ? r->seed : b->max_seed;
    b->judged += r->liveness_judged ? 1u : 0u;
    sim_chaos_cov_add(&b->cov, &r->cov);
    if (r->writes_lost > 0) {
        int k = r->min_replicas ? 1 : 0;
        b->seeds_lost[k]++;
        b->writes_lost[k] += r->writes_lost;
    }
    b->writes_acked += r->writes_acked;
    for (uint32_t i = 0; i < r->violations_len; i++) {
        b->inv_count[r->violations[i].inv][r->violations[i].cls]++;
    }
    if (r->violations_len == 0) { return; }
    if (b->found_len == b->found_cap) {
        uint32_t cap = b->found_cap ? b->found_cap * 2 : 64;
        struct sim_chaos_result *n = realloc(b->found, cap * sizeof(*n));
        SIM_ASSERT(n != NULL); /* the parent keeps only findings; running out is fatal */
        b->found = n;
        b->found_cap = cap;
    }
    b->found[b->found_len++] = *r;
}

static int by_seed(const void *a, const void *b) {
    const struct sim_chaos_result *x = a, *y = b;
    return x->seed < y->seed ? -1 : (x->seed > y->seed ? 1 : 0);
}

/* A worker ended; if it died mid-seed, that seed is a crash finding. */
static void reap(const struct sim_chaos_batch_opts *o,
                 struct sim_chaos_batch *b,
                 struct worker *wk,
                 uint64_t deadline_ms,
                 bool *respawn) {
    int status = 0;
    while (waitpid(wk->pid, &status, 0) < 0 && errno == EINTR) {}
    close(wk->fd);
    wk->fd = -1;
    *respawn = false;
    uint64_t seed;
    bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (clean || !nth_seed(o, wk->next, &seed)) { return; }
    struct sim_chaos_result r;
    memset(&r, 0, sizeof(r));
    r.seed = seed;
    r.violations_len = 1;
    r.violations[0].inv = SIM_CHAOS_INV_CRASH;
    r.violations[0].cls = SIM_CHAOS_CLASS_NEW;
    snprintf(r.violations[0].detail, sizeof(r.violations[0].detail),
             WIFSIGNALED(status) ? "the run died with signal %d (an assertion; see stderr)"
                                 : "the run exited with status %d",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    r.faults_enabled = sim_chaos_gen_mask(seed, &o->gen);
    absorb(b, &r);
    wk->next += o->jobs;
    *respawn = deadline_ms == 0 || sim_chaos__mono_ms() < deadline_ms;
}

static void progress(const struct sim_chaos_batch_opts *o,
                     const struct sim_chaos_batch *b,
                     uint64_t start_ms,
                     uint64_t deadline_ms,
                     uint64_t total) {
    uint64_t now = sim_chaos__mono_ms();
    double secs = (double)(now - start_ms) / 1000.0;
    double rate = secs > 0 ? (double)b->runs / secs : 0.0;
    double eta = 0;
    if (deadline_ms != 0) {
        eta = now < deadline_ms ? (double)(deadline_ms - now) / 1000.0 : 0.0;
    } else if (rate > 0) {
        eta = (double)(total - b->runs) / rate;
    }
    uint64_t bad = 0;
    for (uint32_t i = 0; i < b->found_len; i++) {
        bool unexplained = false;
        for (uint32_t k = 0; k < b->found[i].violations_len; k++) {
            unexplained |= b->found[i].violations[k].cls != SIM_CHAOS_CLASS_KNOWN;
        }
        bad += unexplained;
    }
    fprintf(stderr, "\rchaos: %llu/%llu seeds  %.1f seeds/s  %llu violating  ETA %um%02us   ",
            (unsigned long long)b->runs, (unsigned long long)total, rate, (unsigned long long)bad,
            (unsigned)(eta / 60), (unsigned)eta % 60);
    (void)o;
}

int sim_chaos_batch_run(const struct sim_chaos_batch_opts *o, struct sim_chaos_batch *out) {
    SIM_ASSERT(o->jobs >= 1 && o->jobs <= JOBS_MAX);
    SIM_ASSERT(o->shard_k >= 1 && o->shard_k <= o->shard_n);
    SIM_ASSERT(o->first <= o->last);
    memset(out, 0, sizeof(*out));
    uint64_t start = sim_chaos__mono_ms();
    uint64_t deadline = o->time_limit_ms ? start + o->time_limit_ms : 0;
    uint64_t total = sim_chaos_batch_total(o);
    struct worker wk[JOBS_MAX];
    struct pollfd pfd[JOBS_MAX];
    uint32_t live = 0;
    for (uint32_t w = 0; w < o->jobs; w++) {
        memset(&wk[w], 0, sizeof(wk[w]));
        wk[w].fd = -1;
        wk[w].next = w;
        if (w < total) {
            if (spawn(o, &wk[w], deadline) != 0) { return -1; }
            live++;
        }
    }
    uint64_t last_progress = 0;
    while (live > 0) {
        for (uint32_t w = 0; w < o->jobs; w++) {
            pfd[w].fd = wk[w].fd;
            pfd[w].events = POLLIN;
            pfd[w].revents = 0;
        }
        int n = poll(pfd, o->jobs, 200);
        if (n < 0 && errno != EINTR) { return -1; }
        for (uint32_t w = 0; n > 0 && w < o->jobs; w++) {
            if (wk[w].fd < 0 || pfd[w].revents == 0) { continue; }
            char *dst = (char *)&wk[w].buf + wk[w].have;
            ssize_t got = read(wk[w].fd, dst, sizeof(wk[w].buf) - wk[w].have);
            if (got < 0 && errno == EINTR) { continue; }
            if (got > 0) {
                wk[w].have += (size_t)got;
                if (wk[w].have == sizeof(wk[w].buf)) {
                    absorb(out, &wk[w].buf);
                    wk[w].have = 0;
                    wk[w].next += o->jobs;
                }
                continue;
            }
            bool again = false;
            reap(o, out, &wk[w], deadline, &again);
            live--;
            if (again && spawn(o, &wk[w], deadline) == 0) { live++; }
        }
        uint64_t now = sim_chaos__mono_ms();
        if (o->progress && now - last_progress >= 250) {
            progress(o, out, start, deadline, total);
            last_progress = now;
        }
    }
    if (o->progress) {
        progress(o, out, start, deadline, total);
        fputc('\n', stderr);
    }
    if (out->found_len > 1) { qsort(out->found, out->found_len, sizeof(*out->found), by_seed); }
    out->elapsed_ms = sim_chaos__mono_ms() - start;
    return 0;
}

void sim_chaos_batch_free(struct sim_chaos_batch *b) {
    free(b->found);
    memset(b, 0, sizeof(*b));
}
