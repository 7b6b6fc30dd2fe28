/* timeline.c: executing a scenario's steps and waits in virtual time.
 *
 * Method: steps run one after another. A step's start is absolute (`at`)
 * or relative to the end of the previous step (`after`); it is scheduled as
 * an event so that it interleaves with the world in (time, seq) order.
 * Faults act on the processes and the network directly, as a harness
 * would, and are recorded as FAULT records. A WAIT blocks the timeline
 * until its condition holds, checked after every event, or fails the run
 * at its timeout (recorded in run->failure; the run then stops). An event
 * wait looks at the records since the last action step, so a wait placed
 * after another wait still sees an event that came between them. When the
 * last step is done the run ends after the settle time (or at duration).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/check.h"
#include "sim/world.h"

static uint32_t proc_of(const struct sim_world *w, struct scn_proc p) {
    uint32_t i = p.kind == SCN_PROC_NODE ? p.index : w->nodes_len + p.index;
    SIM_ASSERT(i < w->procs_len);
    return i;
}

static void fault(struct sim_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fault(struct sim_world *w, const char *fmt, ...) {
    char text[REP_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    sim__log(w, REP_KIND_FAULT, REP_LEVEL_WARNING, SIM_NONE, "", text);
}

static void set_names(const struct sim_world *w, const struct scn_set *set, char *buf, size_t cap) {
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < set->len && len < cap; i++) {
        int n = snprintf(buf + len, cap - len, "%s%s", i > 0 ? "," : "",
                         w->procs[proc_of(w, set->items[i])].name);
        if (n < 0) { break; }
        len += (size_t)n;
    }
}

static void schedule_next(struct sim_world *w) {
    const struct scn *scn = w->scn;
    if (w->step >= scn->steps_len) {
        w->timeline_done = true;
        uint64_t end = w->now_ms + scn->settle_ms;
        sim_sched_push(&w->sched, end < scn->duration_ms ? end : scn->duration_ms, SIM_EV_END, 0,
                       0);
        return;
    }
    const struct scn_step *st = &scn->steps[w->step];
    uint64_t at = st->when == SCN_WHEN_AT ? st->time_ms : w->step_done_ms + st->time_ms;
    if (at < w->now_ms) { at = w->now_ms; }
    sim_sched_push(&w->sched, at, SIM_EV_STEP, w->step, 0);
}

static void step_done(struct sim_world *w) {
    const struct sim_observer *obs = w->opt.observer;
    if (obs != NULL && obs->timeline_cb != NULL) { obs->timeline_cb(obs->ud, w->now_ms, w->step); }
    w->waiting = false;
    w->step_done_ms = w->now_ms;
    w->step++;
    schedule_next(w);
}

void sim__timeline_start(struct sim_world *w) {
    w->step = 0;
    w->step_done_ms = 0;
    schedule_next(w);
}

/* ---------------------------------------------------------------- conditions */

static bool in_set(const struct scn_set *set, uint32_t sentinel) {
    if (set->len == 0) { return true; }
    for (uint32_t i = 0; i < set->len; i++) {
        if (set->items[i].kind == SCN_PROC_SENTINEL && set->items[i].index == sentinel) {
            return true;
        }
    }
    return false;
}

/* Looks only at the records added since the last check: a wait is
 * re-evaluated after every event, so rescanning would be quadratic. */
static bool cond_event(struct sim_world *w, const struct scn_cond *cond) {
    const struct rep_log *log = &w->run->log;
    for (size_t k = w->wait_scanned; k < log->len; k++) {
        const struct rep_event *ev = &log->events[k];
        if (ev->kind != REP_KIND_EVENT || strcmp(ev->type, cond->event) != 0) { continue; }
        if (cond->text[0] != '\0' && strstr(ev->text, cond->text) == NULL) { continue; }
        for (uint32_t i = 0; i < w->sentinels_len; i++) {
            if (strcmp(ev->proc, w->procs[w->sentinels[i].proc].name) == 0) {
                w->wait_seen |= 1u << i;
            }
        }
    }
    w->wait_scanned = log->len;
    bool any = false, all = true;
    for (uint32_t i = 0; i < w->sentinels_len; i++) {
        if (!in_set(&cond->on, i)) { continue; }
        bool seen = (w->wait_seen >> i) & 1;
        any = any || seen;
        all = all && seen;
    }
    return cond->quantifier == SCN_ANY ? any : all;
}

static bool cond_knows(const struct sim_world *w, const struct scn_cond *cond) {
    bool some = false;
    for (uint32_t i = 0; i < w->sentinels_len; i++) {
        struct core_master_view v;
        if (!w->procs[w->sentinels[i].proc].up) { continue; }
        if (sim__sentinel_group(w, i, cond->group, &v) < 0) { return false; }
        if (v.replicas < cond->replicas || v.sentinels < cond->sentinels) { return false; }
        some = true;
    }
    return some;
}

static bool cond_role(const struct sim_world *w, const struct scn_cond *cond) {
    if (!w->procs[cond->node].up) { return false; }
    bool master = sim__node_is_master(w, cond->node);
    if (master != cond->role_master) { return false; }
    return master || cond->upstream < 0 || sim__node_upstream(w, cond->node) == cond->upstream;
}

static bool cond_master(const struct sim_world *w, const struct scn_cond *cond) {
    bool some = false;
    for (uint32_t i = 0; i < w->sentinels_len; i++) {
        struct core_master_view v;
        if (!w->procs[w->sentinels[i].proc].up) { continue; }
        if (sim__sentinel_group(w, i, cond->group, &v) < 0) { return false; }
        if (sim__node_by_addr(w, v.ip, v.port) != cond->node) { return false; }
        some = true;
    }
    return some;
}

static bool cond_holds(struct sim_world *w, const struct scn_cond *cond) {
    switch (cond->kind) {
    case SCN_COND_EVENT:
        return cond_event(w, cond);
    case SCN_COND_KNOWS:
        return cond_knows(w, cond);
    case SCN_COND_ROLE:
        return cond_role(w, cond);
    case SCN_COND_MASTER:
        return cond_master(w, cond);
    }
    SIM_UNREACHABLE();
}

void sim__timeline_check(struct sim_world *w) {
    SIM_ASSERT(w->waiting);
    const struct scn_step *st = &w->scn->steps[w->step];
    /* Views and roles are read again only when something that moves them
     * happened (an event, a process start or stop, a role change). */
    if (st->cond.kind == SCN_COND_EVENT) {
        if (w->wait_scanned == w->run->log.len) { return; }
    } else if (!w->cond_dirty) {
        return;
    }
    w->cond_dirty = false;
    if (!cond_holds(w, &st->cond)) { return; }
    char text[REP_TEXT_MAX];
    snprintf(text, sizeof(text), "wait at line %u satisfied after %" PRIu64 " ms", st->pos.line,
             w->now_ms - w->step_done_ms);
    sim__log(w, REP_KIND_CHECK, REP_LEVEL_NOTICE, SIM_NONE, "", text);
    step_done(w);
}

void sim__timeline_timeout(struct sim_world *w, uint32_t step, uint64_t serial) {
    if (!w->waiting || step != w->step || serial != w->wait_serial) { return; }
    const struct scn_step *st = &w->scn->steps[step];
    char text[sizeof(w->run->failure)];
    snprintf(text, sizeof(text), "%s:%u:%u: wait timed out after %" PRIu64 " ms",
             w->scn->path ? w->scn->path : "", st->pos.line, st->pos.col, st->timeout_ms);
    sim__log(w, REP_KIND_CHECK, REP_LEVEL_WARNING, SIM_NONE, "", text);
    if (w->opt.wait_timeout_continues) {
        step_done(w);
        return;
    }
    snprintf(w->run->failure, sizeof(w->run->failure), "%s", text);
    w->waiting = false;
    w->stopped = true;
}

/* ---------------------------------------------------------------- actions */

/* SIGTERM, as real mode sends it: a paused process is continued first;
 * a sentinel shuts down through its core (SHUTDOWN), a node logs as Redis. */
static void shutdown_proc(struct sim_world *w, uint32_t p) {
    struct sim_proc *pr = &w->procs[p];
    pr->paused = false;
    if (pr->kind == SIM_PROC_NODE) {
        sim__node_log(w, pr->index, REP_LEVEL_WARNING, "Received SIGTERM scheduling shutdown...");
        sim__node_log(w, pr->index, REP_LEVEL_WARNING, "User requested shutdown...");
        sim__node_log(w, pr->index, REP_LEVEL_WARNING, "Redis is now ready to exit, bye bye...");
        sim__node_stop(w, pr->index);
        return;
    }
    const char *argv[] = {"SHUTDOWN"};
    sim__sentinel_harness(w, pr->index, 1, argv);
    if (pr->up) { sim__sentinel_stop(w, pr->index, false); }
}

static void each_target(struct sim_world *w, const struct scn_step *st, const char *verb) {
    char names[REP_TEXT_MAX / 2];
    set_names(w, &st->targets, names, sizeof(names));
    fault(w, "%s %s", verb, names);
    for (uint32_t i = 0; i < st->targets.len; i++) {
        uint32_t p = proc_of(w, st->targets.items[i]);
        struct sim_proc *pr = &w->procs[p];
        bool node = pr->kind == SIM_PROC_NODE;
        switch (st->kind) {
        case SCN_STEP_KILL:
            if (!pr->up) { break; }
            if (node) {
                sim__node_stop(w, pr->index);
            } else {
                sim__sentinel_stop(w, pr->index, true);
            }
            break;
        case SCN_STEP_SHUTDOWN:
            if (!pr->up) { break; }
            shutdown_proc(w, p);
            break;
        case SCN_STEP_RESTART:
            if (pr->up) { break; }
            if (node) {
                sim__node_start(w, pr->index);
            } else if (sim__sentinel_start(w, pr->index) != SIM_OK) {
                fault(w, "restart of %s failed: its config was rejected", pr->name);
            }
            break;
        case SCN_STEP_PAUSE:
            if (pr->up) { pr->paused = true; }
            break;
        case SCN_STEP_RESUME:
            if (!pr->up || !pr->paused) { break; }
            pr->paused = false;
            sim__net_resume(w, p);
            if (!node && pr->up) { sim__sentinel_resumed(w, pr->index); }
            break;
        default:
            SIM_UNREACHABLE();
        }
    }
    /* A pause stops a node answering its replicas (or its master) without
     * closing anything: their links time out or catch up on resume. */
    if (st->kind == SCN_STEP_PAUSE || st->kind == SCN_STEP_RESUME) {
        sim__node_topology_changed(w);
    }
}

static void partition(struct sim_world *w, const struct scn_step *st) {
    char a[REP_TEXT_MAX / 3], b[REP_TEXT_MAX / 3];
    set_names(w, &st->side_a, a, sizeof(a));
    set_names(w, &st->side_b, b, sizeof(b));
    fault(w, "partition %s %s %s", a, st->one_way ? "->" : "|", st->side_b.len > 0 ? b : "(rest)");
    sim__net_partition(w, &st->side_a, &st->side_b, st->one_way);
    sim__node_topology_changed(w);
}

static void link_settings(struct sim_world *w, const struct scn_step *st) {
    bool lat = st->kind == SCN_STEP_LATENCY;
    if (lat) {
        fault(w, "latency %u..%u ms on %s", st->latency.min_ms, st->latency.max_ms,
              st->targets.len > 0 ? "targets" : "all links");
    } else {
        fault(w, "loss %u/%u on %s", st->loss.num, st->loss.den,
              st->targets.len > 0 ? "targets" : "all links");
    }
    uint32_t n = st->targets.len > 0 ? st->targets.len : w->procs_len;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p = st->targets.len > 0 ? proc_of(w, st->targets.items[i]) : i;
        if (lat) {
            w->procs[p].latency = st->latency;
        } else {
            w->procs[p].loss = st->loss;
        }
    }
}

static void command(struct sim_world *w, const struct scn_step *st) {
    const char *argv[SCN_ARGV_MAX + 1];
    char port[8];
    uint32_t argc = st->argc;
    for (uint32_t a = 0; a < argc; a++) {
        argv[a] = st->argv[a];
    }
    bool repl = st->kind == SCN_STEP_NODE && argc == 2 &&
                (strcasecmp(argv[0], "replicaof") == 0 || strcasecmp(argv[0], "slaveof") == 0);
    if (repl) {
        /* The loader checked that the word names a node: substitute its address. */
        struct scn_proc p;
        int rc = scn_find_proc(w->scn, argv[1], &p);
        SIM_ASSERT(rc == 0 && p.kind == SCN_PROC_NODE);
        snprintf(port, sizeof(port), "%u", w->procs[p.index].port);
        argv[1] = SIM_IP;
        argv[2] = port;
        argc = 3;
    }
    for (uint32_t i = 0; i < st->targets.len; i++) {
        uint32_t p = proc_of(w, st->targets.items[i]);
        char words[REP_TEXT_MAX / 2] = "";
        size_t len = 0;
        for (uint32_t a = 0; a < argc && len < sizeof(words); a++) {
            int n = snprintf(words + len, sizeof(words) - len, "%s%s", a > 0 ? " " : "", argv[a]);
            if (n < 0) { break; }
            len += (size_t)n;
        }
        if (w->procs[p].kind == SIM_PROC_SENTINEL) {
            uint32_t s = w->procs[p].index;
            sim__sentinel_harness(w, s, argc, argv);
            fault(w, "%s: %s -> %s", w->procs[p].name, words, w->sentinels[s].harness_reply);
        } else {
            char reply[160];
            sim__node_harness(w, w->procs[p].index, argc, argv, reply, sizeof(reply));
            fault(w, "%s: %s -> %.100s", w->procs[p].name, words, reply);
        }
    }
}

static void start_wait(struct sim_world *w, const struct scn_step *st) {
    SIM_ASSERT(w->sentinels_len <= 32);
    w->waiting = true;
    w->wait_scanned = w->wait_log_from;
    w->wait_seen = 0;
    w->cond_dirty = true;
    w->wait_serial++;
    sim_sched_push(&w->sched, w->now_ms + st->timeout_ms, SIM_EV_TIMEOUT, w->step, w->wait_serial);
    sim__timeline_check(w);
}

void sim__timeline_step(struct sim_world *w, uint32_t step) {
    SIM_ASSERT(step == w->step);
    SIM_ASSERT(!w->waiting);
    const struct scn_step *st = &w->scn->steps[step];
    if (st->kind != SCN_STEP_WAIT && st->kind != SCN_STEP_SLEEP) {
        w->wait_log_from = w->run->log.len;
        if (!w->first_fault_seen && st->kind != SCN_STEP_WRITES) {
            w->first_fault_seen = true;
            w->run->fault_t_ms = w->now_ms;
        }
    }
    switch (st->kind) {
    case SCN_STEP_KILL:
    case SCN_STEP_SHUTDOWN:
    case SCN_STEP_RESTART:
    case SCN_STEP_PAUSE:
    case SCN_STEP_RESUME: {
        static const char *const verbs[] = {"kill", "shutdown", "restart", "pause", "resume"};
        each_target(w, st, verbs[st->kind - SCN_STEP_KILL]);
        break;
    }
    case SCN_STEP_PARTITION:
        partition(w, st);
        break;
    case SCN_STEP_HEAL:
        fault(w, "heal");
        sim__net_heal(w);
        sim__node_topology_changed(w);
        break;
    case SCN_STEP_LATENCY:
    case SCN_STEP_LOSS:
        link_settings(w, st);
        break;
    case SCN_STEP_CLOCK_JUMP:
        for (uint32_t i = 0; i < st->targets.len; i++) {
            uint32_t p = proc_of(w, st->targets.items[i]);
            SIM_ASSERT(w->procs[p].kind == SIM_PROC_SENTINEL);
            sim_clock_jump(&w->sentinels[w->procs[p].index].clock, st->jump_ms);
            fault(w, "clock-jump %s by %" PRId64 " ms", w->procs[p].name, st->jump_ms);
        }
        break;
    case SCN_STEP_SENTINEL:
    case SCN_STEP_NODE:
        command(w, st);
        break;
    case SCN_STEP_WRITES:
        fault(w, "writes %s", st->writes_on ? "on" : "off");
        sim__client_set_active(w, st->writes_on);
        break;
    case SCN_STEP_WAIT:
        start_wait(w, st);
        return;
    case SCN_STEP_SLEEP:
        break;
    }
    step_done(w);
}
