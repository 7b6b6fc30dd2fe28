/* run.c: one scenario against real processes, from set-up to verdict input.
 *
 * Method: t = 0 is the moment the first process is spawned. The timeline
 * starts once the world is ready (an `at` time earlier than that waits for
 * it); `after` steps follow the previous step's end. Between steps the
 * harness "pumps": it tails the sentinels' logs, drives the write workload
 * and checks for Ctrl-C, in 5 ms slices. The run ends settle_ms after the
 * last step (never after duration_ms); then the final state of every process
 * is read, the records are sorted by time, and the world is torn down.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real/check.h"
#include "real/fault.h"
#include "real/netns.h"
#include "real/observe.h"
#include "real/proc.h"
#include "real/query.h"
#include "real/real.h"
#include "real/sys.h"
#include "real/workload.h"

#define PUMP_SLICE_MS    5u
#define COND_POLL_MS     50u
#define READY_TIMEOUT_MS 30000u

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

bool real_interrupted(void) {
    return interrupted != 0;
}

void real_catch_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void real_options_default(struct real_options *opt) {
    memset(opt, 0, sizeof(*opt));
    opt->sentinel = REAL_SENTINEL_REDIS;
    opt->ready_timeout_ms = READY_TIMEOUT_MS;
}

struct runner {
    const struct scn *scn;
    const struct real_options *opt;
    struct real_world w;
    struct real_observer o;
    struct real_workload wl;
    bool workload;
    size_t mark;  /* record index when the last non-wait step began */
    bool faulted; /* a fault step has run */
    uint64_t fault_t_ms;
    char failure[256];
    char *errstr;
    size_t errlen;
};

static int rerr(struct runner *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int rerr(struct runner *r, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errstr, r->errlen, fmt, ap);
    va_end(ap);
    return code;
}

static void say(const struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const struct runner *r, const char *fmt, ...) {
    if (!r->opt->verbose) { return; }
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sentsim real: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Tails logs and drives the workload until run time `until_ms`. */
static int pump(struct runner *r, uint64_t until_ms) {
    do {
        if (interrupted) { return rerr(r, REAL_E_INTERRUPTED, "interrupted"); }
        if (real_observe_poll(&r->o) != 0) { return rerr(r, REAL_E_RUN, "%s", r->o.errstr); }
        if (r->workload) { real_workload_tick(&r->wl); }
        uint64_t now = real_observe_now(&r->o);
        if (now >= until_ms) { break; }
        uint64_t left = until_ms - now;
        real__sleep_ms(left < PUMP_SLICE_MS ? left : PUMP_SLICE_MS);
    } while (real_observe_now(&r->o) < until_ms);
    return 0;
}

/* ---------------------------------------------------------------- waits */

static bool in_set(const struct scn_set *set, struct scn_proc p) {
    for (uint32_t i = 0; i < set->len; i++) {
        if (set->items[i].kind == p.kind && set->items[i].index == p.index) { return true; }
    }
    return false;
}

static bool cond_event(struct runner *r, const struct scn_cond *c) {
    uint32_t seen = 0, asked = 0;
    for (uint32_t j = 0; j < r->scn->sentinels_len; j++) {
        struct scn_proc id = {SCN_PROC_SENTINEL, j};
        if (c->on.len > 0 && !in_set(&c->on, id)) { continue; }
        asked++;
        if (real_observe_find(&r->o, r->mark, j, c->event, c->text) >= 0) { seen++; }
    }
    return c->quantifier == SCN_ANY ? seen > 0 : seen == asked && asked > 0;
}

static bool cond_knows(struct runner *r, const struct scn_cond *c) {
    for (uint32_t j = 0; j < r->scn->sentinels_len; j++) {
        struct real_proc *p = &r->w.sentinels[j];
        if (!real_proc_reachable(p)) { continue; }
        uint32_t reps = 0, sents = 0;
        if (real_query_knows(&r->w, p, c->group, &reps, &sents) != 0) { return false; }
        if (reps < c->replicas || sents < c->sentinels) { return false; }
    }
    return true;
}

static bool cond_role(struct runner *r, const struct scn_cond *c) {
    struct real_role role;
    if (real_query_role(&r->w, &r->w.nodes[c->node], &role) != 0) { return false; }
    if (c->role_master) { return role.is_master; }
    if (role.is_master) { return false; }
    return c->upstream < 0 || role.upstream == &r->w.nodes[c->upstream];
}

static bool cond_master(struct runner *r, const struct scn_cond *c) {
    uint32_t live = 0;
    for (uint32_t j = 0; j < r->scn->sentinels_len; j++) {
        struct real_proc *p = &r->w.sentinels[j];
        if (!real_proc_reachable(p)) { continue; }
        struct real_proc *m = NULL;
        if (real_query_master(&r->w, p, c->group, &m) != 0) { return false; }
        if (m != &r->w.nodes[c->node]) { return false; }
        live++;
    }
    return live > 0;
}

static bool cond_holds(struct runner *r, const struct scn_cond *c) {
    switch (c->kind) {
    case SCN_COND_EVENT:
        return cond_event(r, c);
    case SCN_COND_KNOWS:
        return cond_knows(r, c);
    case SCN_COND_ROLE:
        return cond_role(r, c);
    case SCN_COND_MASTER:
        return cond_master(r, c);
    }
    REAL_UNREACHABLE();
}

static void cond_text(const struct scn *s, const struct scn_cond *c, char *out, size_t len) {
    switch (c->kind) {
    case SCN_COND_EVENT:
        snprintf(out, len, "%s %s%s%s on %s sentinel(s)", c->quantifier == SCN_ANY ? "any" : "all",
                 c->event, c->text[0] ? " " : "", c->text, c->on.len ? "the named" : "all");
        return;
    case SCN_COND_KNOWS:
        snprintf(out, len, "knows %s: %u replicas, %u sentinels", s->groups[c->group].name,
                 (unsigned)c->replicas, (unsigned)c->sentinels);
        return;
    case SCN_COND_ROLE:
        snprintf(out, len, "role %s %s", s->nodes[c->node].name,
                 c->role_master ? "master" : "replica");
        return;
    case SCN_COND_MASTER:
        snprintf(out, len, "master-is %s %s", s->groups[c->group].name, s->nodes[c->node].name);
        return;
    }
    REAL_UNREACHABLE();
}

/* Returns 0 when the condition held, 1 at timeout (recorded as the run's
 * failure), 2 when the run reached its duration first (it just ends there,
 * as in the simulator). */
static int run_wait(struct runner *r, const struct scn_step *st) {
    char what[SCN_TEXT_MAX + 128];
    cond_text(r->scn, &st->cond, what, sizeof(what));
    uint64_t timeout = st->timeout_ms > 0 ? st->timeout_ms : 60000;
    uint64_t started = real_observe_now(&r->o), deadline = started + timeout;
    bool capped = deadline > r->scn->duration_ms;
    if (capped) { deadline = r->scn->duration_ms; }
    for (;;) {
        if (cond_holds(r, &st->cond)) {
            real_observe_note(&r->o, REP_KIND_CHECK, REP_LEVEL_NOTICE,
                              "wait at line %u satisfied after %llu ms", st->pos.line,
                              (unsigned long long)(real_observe_now(&r->o) - started));
            return 0;
        }
        uint64_t now = real_observe_now(&r->o);
        if (now >= deadline) { break; }
        uint64_t next = now + COND_POLL_MS < deadline ? now + COND_POLL_MS : deadline;
        int rc = pump(r, next);
        if (rc != 0) { return rc; }
    }
    if (capped) {
        real_observe_note(&r->o, REP_KIND_CHECK, REP_LEVEL_WARNING,
                          "duration reached during the wait at line %u", st->pos.line);
        return 2;
    }
    real_observe_note(&r->o, REP_KIND_CHECK, REP_LEVEL_WARNING,
                      "%s:%u:%u: wait timed out after %llu ms (%s)",
                      r->scn->path != NULL ? r->scn->path : "", st->pos.line, st->pos.col,
                      (unsigned long long)timeout, what);
    snprintf(r->failure, sizeof(r->failure), "%.60s:%u:%u: wait timed out after %llu ms: %.100s",
             r->scn->path != NULL ? r->scn->path : r->scn->name, st->pos.line, st->pos.col,
             (unsigned long long)timeout, what);
    return 1;
}

/* ---------------------------------------------------------------- timeline */

static int run_step(struct runner *r, const struct scn_step *st) {
    switch (st->kind) {
    case SCN_STEP_WAIT:
        return run_wait(r, st);
    case SCN_STEP_SLEEP:
        return 0;
    case SCN_STEP_WRITES:
        r->mark = r->o.log.len;
        real_observe_note(&r->o, REP_KIND_FAULT, REP_LEVEL_WARNING, "writes %s",
                          st->writes_on ? "on" : "off");
        if (r->workload) { real_workload_set(&r->wl, st->writes_on); }
        return 0;
    default:
        break;
    }
    r->mark = r->o.log.len;
    int rc = real_fault_apply(&r->w, &r->o, st, r->errstr, r->errlen);
    /* The origin of normalized times is the first fault's own record. */
    for (size_t i = r->mark; !r->faulted && i < r->o.log.len; i++) {
        if (r->o.log.events[i].kind != REP_KIND_FAULT) { continue; }
        r->faulted = true;
        r->fault_t_ms = r->o.log.events[i].t_ms;
    }
    if (rc == REAL_E_REFUSED) { return REAL_E_BAD; }
    if (rc != 0) {
        snprintf(r->failure, sizeof(r->failure), "%s step failed: %.200s", real_step_name(st->kind),
                 r->errstr);
        real_observe_note(&r->o, REP_KIND_CHECK, REP_LEVEL_WARNING, "%s failed: %s",
                          real_step_name(st->kind), r->errstr);
        return 1;
    }
    return 0;
}

/* Runs every step; returns 0, 1 when the run failed (r->failure), or REAL_E_*. */
static int run_timeline(struct runner *r, uint64_t *last_end) {
    uint64_t prev_end = real_observe_now(&r->o);
    for (uint32_t i = 0; i < r->scn->steps_len; i++) {
        const struct scn_step *st = &r->scn->steps[i];
        uint64_t due = st->when == SCN_WHEN_AT ? st->time_ms : prev_end + st->time_ms;
        if (due > r->scn->duration_ms) {
            real_observe_note(&r->o, REP_KIND_CHECK, REP_LEVEL_WARNING,
                              "step %u at %llu ms is past duration_ms; not run", (unsigned)i + 1,
                              (unsigned long long)due);
            break;
        }
        int rc = pump(r, due);
        if (rc != 0) { return rc; }
        say(r, "t=%llu ms: %s", (unsigned long long)real_observe_now(&r->o),
            real_step_name(st->kind));
        rc = run_step(r, st);
        prev_end = real_observe_now(&r->o);
        if (rc != 0) {
            *last_end = prev_end;
            return rc == 2 ? 0 : rc;
        }
    }
    *last_end = prev_end;
    return 0;
}

/* ---------------------------------------------------------------- final state */

static int fill_names(struct runner *r, struct rep_run *out) {
    for (uint32_t i = 0; i < r->scn->nodes_len; i++) {
        struct real_proc *p = &r->w.nodes[i];
        if (rep_run_add_name(out, p->ip, p->port, "", p->id) != 0) { return -1; }
    }
    for (uint32_t j = 0; j < r->scn->sentinels_len; j++) {
        struct real_proc *p = &r->w.sentinels[j];
        if (rep_run_add_name(out, p->ip, p->port, p->myid, p->id) != 0) { return -1; }
    }
    return 0;
}

static void fill_state(struct runner *r, struct rep_run *out) {
    for (uint32_t i = 0; i < r->scn->nodes_len; i++) {
        struct real_proc *p = &r->w.nodes[i];
        struct rep_node_state *ns = &out->nodes[i];
        struct real_role role;
        real_proc_alive(p);
        ns->up = real_proc_reachable(p);
        ns->upstream = -1;
        if (!ns->up || real_query_role(&r->w, p, &role) != 0) { continue; }
        ns->is_master = role.is_master;
        ns->upstream = role.upstream != NULL ? (int32_t)role.upstream->id.index : -1;
        ns->link_up = role.link_up;
        ns->repl_offset = role.offset;
    }
    for (uint32_t j = 0; j < r->scn->sentinels_len; j++) {
        struct real_proc *p = &r->w.sentinels[j];
        struct rep_sentinel_state *ss = &out->sentinels[j];
        real_proc_alive(p);
        ss->up = real_proc_reachable(p);
        ss->current_epoch = real_query_epoch(p);
        for (uint32_t g = 0; ss->up && g < r->scn->groups_len; g++) {
            struct real_proc *m = NULL;
            if (real_query_master(&r->w, p, g, &m) == 0 && m != NULL) {
                ss->master_of_group[g] = (int32_t)m->id.index;
            }
        }
    }
}

/* The node most live sentinels name as master of the workload's group. */
static struct real_proc *final_master(struct runner *r, const struct rep_run *out) {
    uint32_t g = r->wl.group, best = 0;
    struct real_proc *m = NULL;
    for (uint32_t i = 0; i < r->scn->nodes_len; i++) {
        uint32_t votes = 0;
        for (uint32_t j = 0; j < r->scn->sentinels_len; j++) {
            if (out->sentinels[j].up && out->sentinels[j].master_of_group[g] == (int32_t)i) {
                votes++;
            }
        }
        if (votes > best) {
            best = votes;
            m = &r->w.nodes[i];
        }
    }
    return m;
}

/* The last +switch-master record's time (0 when none). */
static uint64_t last_switch_ms(const struct rep_log *log) {
    uint64_t t = 0;
    for (size_t i = 0; i < log->len; i++) {
        const struct rep_event *ev = &log->events[i];
        if (ev->kind == REP_KIND_EVENT && strcmp(ev->type, "+switch-master") == 0 && ev->t_ms > t) {
            t = ev->t_ms;
        }
    }
    return t;
}

static int finish(struct runner *r, struct rep_run *out, struct real_timing *tm, uint64_t end) {
    enum rep_mode mode = r->opt->sentinel == REAL_SENTINEL_REDIS  ? REP_MODE_REAL_REDIS
                         : r->opt->sentinel == REAL_SENTINEL_CORE ? REP_MODE_REAL_CORE
                                                                  : REP_MODE_REAL_MIXED;
    if (rep_run_init(out, r->scn, mode, r->scn->nodes_len + r->scn->sentinels_len) != 0) {
        return rerr(r, REAL_E_RUN, "out of memory");
    }
    if (fill_names(r, out) != 0) { return rerr(r, REAL_E_RUN, "names table overflow"); }
    fill_state(r, out);
    if (r->workload) {
        real_workload_set(&r->wl, false);
        char err[256] = "";
        if (real_workload_verify(&r->wl, final_master(r, out), err, sizeof(err)) != 0) {
            real_observe_note(&r->o, REP_KIND_CHECK, REP_LEVEL_WARNING, "%s", err);
        }
        out->writes = r->wl.counts;
        real_observe_note(
            &r->o, REP_KIND_CHECK, REP_LEVEL_NOTICE, "writes: acked %llu lost %llu refused %llu",
            (unsigned long long)out->writes.acked, (unsigned long long)out->writes.lost,
            (unsigned long long)out->writes.refused);
    }
    real_observe_poll(&r->o);
    rep_log_sort(&r->o.log);
    /* Hand the records over: the run owns them from here. */
    rep_log_free(&out->log);
    out->log = r->o.log;
    rep_log_init(&r->o.log);
    out->fault_t_ms = r->faulted ? r->fault_t_ms : 0;
    out->end_t_ms = end;
    snprintf(out->failure, sizeof(out->failure), "%s", r->failure);
    uint64_t sw = last_switch_ms(&out->log);
    tm->fault_ms = r->faulted && sw > r->fault_t_ms ? sw - r->fault_t_ms : 0;
    return REAL_OK;
}

/* ---------------------------------------------------------------- the run */

static int start_world(struct runner *r, bool netns, struct real_timing *tm, uint64_t t0) {
    if (real_world_init(&r->w, r->scn, r->opt->sentinel, netns) != 0) {
        return rerr(r, REAL_E_RUN, "set-up: %s", r->w.errstr);
    }
    uint64_t origin = real__now_ms();
    if (real_observe_init(&r->o, &r->w, origin) != 0) {
        return rerr(r, REAL_E_RUN, "%s", r->o.errstr);
    }
    say(r, "starting %u nodes and %u sentinels%s in %s", (unsigned)r->scn->nodes_len,
        (unsigned)r->scn->sentinels_len, netns ? " (one network namespace each)" : "",
        r->w.guard.root);
    const struct scn_network *net = &r->scn->network;
    if (net->latency.max_ms > 1) {
        /* Loopback and veths add well under a millisecond; say so rather than pretend. */
        real_observe_note(&r->o, REP_KIND_CHECK, REP_LEVEL_WARNING,
                          "network latency %u..%u ms is not realised in real mode (~0 ms here)",
                          (unsigned)net->latency.min_ms, (unsigned)net->latency.max_ms);
    }
    if (net->loss.num > 0 && net->loss.den > 0) {
        struct scn_set everyone = {0, NULL};
        if (real_netns_loss(&r->w, &everyone, net->loss) != 0) {
            return rerr(r, REAL_E_RUN, "network loss: %s", r->w.errstr);
        }
    }
    int rc = real_world_start(&r->w);
    if (rc == 0 && !interrupted) { rc = real_world_wait_ready(&r->w, r->opt->ready_timeout_ms); }
    if (interrupted) { return rerr(r, REAL_E_INTERRUPTED, "interrupted during set-up"); }
    if (rc != 0) { return rerr(r, REAL_E_RUN, "%s", r->w.errstr); }
    real_observe_poll(&r->o);
    real_observe_note(&r->o, REP_KIND_CHECK, REP_LEVEL_NOTICE,
                      "ready: replicas in sync, every sentinel knows every replica and sentinel");
    tm->setup_ms = real__now_ms() - t0;
    if (r->workload) {
        if (real_workload_init(&r->wl, &r->w) != 0) { return rerr(r, REAL_E_RUN, "out of memory"); }
        real_workload_set(&r->wl, true);
    }
    return 0;
}

int real_run(const struct scn *scn,
             const struct real_options *opt,
             struct rep_run *out,
             struct real_timing *timing,
             char *errstr,
             size_t errlen) {
    REAL_ASSERT(scn != NULL && opt != NULL && out != NULL && timing != NULL);
    memset(timing, 0, sizeof(*timing));
    memset(out, 0, sizeof(*out));
    uint64_t t0 = real__now_ms();
    bool netns = false;
    if (real_fault_precheck(scn, &netns, errstr, errlen) != 0) { return REAL_E_BAD; }
    struct runner *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        snprintf(errstr, errlen, "out of memory");
        return REAL_E_RUN;
    }
    r->scn = scn;
    r->opt = opt;
    r->errstr = errstr;
    r->errlen = errlen;
    r->workload = scn->workload.enabled;
    int rc = start_world(r, netns, timing, t0);
    uint64_t last_end = 0;
    if (rc == 0) {
        uint64_t ready = real__now_ms();
        rc = run_timeline(r, &last_end);
        /* A failed step ends the run at once, as in the simulator; otherwise settle. */
        if (rc == 0) {
            uint64_t end = last_end + scn->settle_ms;
            if (end > scn->duration_ms) {
                end = scn->duration_ms > last_end ? scn->duration_ms : last_end;
            }
            rc = pump(r, end);
        }
        timing->timeline_ms = real__now_ms() - ready;
    }
    uint64_t t_down = real__now_ms();
    if (rc == 0 || rc == 1) { rc = finish(r, out, timing, real_observe_now(&r->o)); }
    real_world_close(&r->w);
    if (r->workload) { real_workload_free(&r->wl); }
    real_observe_free(&r->o);
    free(r);
    timing->teardown_ms = real__now_ms() - t_down;
    timing->total_ms = real__now_ms() - t0;
    return rc;
}
