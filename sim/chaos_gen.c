/* chaos_gen.c: one seed -> one topology and fault schedule (swarm testing).
 *
 * Method: everything is drawn from the seed's own PRNG stream
 * (SIM_CHAOS_STREAM, salted by opt->salt), never from the run's streams, so
 * the scenario of a seed does not change when the simulator draws more
 * numbers. Each seed first enables a random subset of fault kinds (swarm
 * testing: a schedule that never pauses anything explores interleavings a
 * uniform mix drowns out), then emits faults timed either after a random
 * delay or right after a protocol event (a WAIT step on "+odown",
 * "+elected-leader", ... on one sentinel, followed by the fault, usually
 * aimed at that same sentinel). Which processes are down, paused or cut off
 * is tracked while generating, so restores are well-formed and the final
 * block heals the network, resumes and restarts everything and then leaves
 * the convergence bound plus a stable window for the liveness judgement.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/chaos.h"
#include "sim/check.h"
#include "sim/rng.h"
#include "sim/sim.h"

#define STABLE_WINDOW_MS 10000 /* agreement must hold this long at the end */
#define PENDING_MAX      SIM_CHAOS_FAULTS_MAX

static const char *const fault_names[SIM_CHAOS_F_COUNT] = {
    "kill",    "shutdown", "pause", "partition",     "one-way", "isolate",
    "latency", "loss",     "clock", "sentinel-kill", "manual",  "set",
};

/* Protocol events a fault may be attached to. */
static const char *const trigger_events[] = {
    "+sdown",          "+odown",
    "+try-failover",   "+vote-for-leader",
    "+elected-leader", "+selected-slave",
    "+promoted-slave", "+failover-state-reconf-slaves",
    "+switch-master",  "+slave-reconf-sent",
    "+tilt",           "+convert-to-slave",
};

/* A restore owed for an earlier fault (restart, resume, heal, reset a link). */
struct pending {
    enum scn_step_kind kind;
    struct scn_proc proc;  /* RESTART, RESUME */
    uint32_t after_faults; /* emitted once this many more faults were placed */
};

struct gen {
    struct sim_rng rng;
    struct scn *s;
    uint32_t cap;
    bool *down; /* [nodes + sentinels] */
    bool *paused;
    struct pending pend[PENDING_MAX];
    uint32_t pend_len;
    bool cut; /* a partition is in force */
    bool latency_changed;
    bool loss_changed;
    uint64_t time_ms; /* upper bound of the timeline so far */
    bool nomem;
};

const char *sim_chaos_fault_name(enum sim_chaos_fault f) {
    SIM_ASSERT((unsigned)f < SIM_CHAOS_F_COUNT);
    return fault_names[f];
}

void sim_chaos_gen_default(struct sim_chaos_gen_options *opt) {
    memset(opt, 0, sizeof(*opt));
    opt->groups_max = 5;
    opt->replicas_max = 6;
    opt->sentinels_min = 1;
    opt->sentinels_max = 7;
    opt->faults_max = SIM_CHAOS_FAULTS_MAX;
    opt->workload = true;
}

/* The enabled fault kinds: the stream's first draw, so it never depends on the topology. */
static uint32_t draw_mask(struct sim_rng *r) {
    uint32_t mask = 0;
    while (mask == 0) {
        mask = (uint32_t)(sim_rng_next(r) & ((1u << SIM_CHAOS_F_COUNT) - 1));
    }
    return mask;
}

static uint64_t pick(struct gen *g, uint64_t n) {
    return sim_rng_below(&g->rng, n);
}

static bool chance(struct gen *g, uint32_t num, uint32_t den) {
    return sim_rng_ratio(&g->rng, num, den);
}

static uint32_t pidx(const struct scn *s, struct scn_proc p) {
    return p.kind == SCN_PROC_NODE ? p.index : s->nodes_len + p.index;
}

static struct scn_proc proc_of(const struct scn *s, uint32_t i) {
    struct scn_proc p;
    p.kind = i < s->nodes_len ? SCN_PROC_NODE : SCN_PROC_SENTINEL;
    p.index = i < s->nodes_len ? i : i - s->nodes_len;
    return p;
}

/* ---------------------------------------------------------------- topology */

static void gen_settings(struct gen *g, struct scn_master_settings *st, uint32_t sentinels) {
    static const uint32_t down_after[] = {1000, 2000, 3000, 5000};
    static const uint32_t failover_timeout[] = {2000, 3000, 5000, 8000};
    memset(st, 0, sizeof(*st));
    /* Quorum: half the seeds use the majority, the rest anything in range. */
    st->quorum = chance(g, 1, 2) ? sentinels / 2 + 1 : (uint32_t)pick(g, sentinels) + 1;
    st->down_after_ms = down_after[pick(g, 4)];
    st->failover_timeout_ms = failover_timeout[pick(g, 4)];
    st->parallel_syncs = (uint32_t)pick(g, 3) + 1;
}

static uint32_t gen_priority(struct gen *g) {
    static const uint32_t prio[] = {1, 10, 50, 100, 100, 100, 150};
    return chance(g, 1, 6) ? 0 : prio[pick(g, sizeof(prio) / sizeof(prio[0]))];
}

static int gen_topology(struct gen *g, const struct sim_chaos_gen_options *opt) {
    struct scn *s = g->s;
    uint32_t groups = 1, sentinels = 3;
    uint32_t reps[5] = {2, 0, 0, 0, 0};
    if (!opt->fixed_small) {
        static const uint32_t sent_pick[] = {1, 2, 3, 3, 3, 4, 5, 5, 6, 7};
        groups = chance(g, 1, 2) ? 1 : (uint32_t)sim_rng_range(&g->rng, 1, opt->groups_max);
        do {
            sentinels = sent_pick[pick(g, 10)];
        } while (sentinels < opt->sentinels_min || sentinels > opt->sentinels_max);
        for (uint32_t i = 0; i < groups; i++) {
            /* The smaller of two draws: few replicas are common, six are rare. */
            uint32_t a = (uint32_t)pick(g, opt->replicas_max + 1);
            uint32_t b = (uint32_t)pick(g, opt->replicas_max + 1);
            reps[i] = a < b ? a : b;
        }
    }
    SIM_ASSERT(groups >= 1 && groups <= 5);
    uint32_t nodes = 0;
    for (uint32_t i = 0; i < groups; i++) {
        nodes += 1 + reps[i];
    }
    s->groups = calloc(groups, sizeof(*s->groups));
    s->nodes = calloc(nodes, sizeof(*s->nodes));
    s->sentinels = calloc(sentinels, sizeof(*s->sentinels));
    if (!s->groups || !s->nodes || !s->sentinels) { return SIM_E_NOMEM; }
    s->groups_len = groups;
    s->nodes_len = nodes;
    s->sentinels_len = sentinels;
    uint32_t n = 0;
    for (uint32_t gi = 0; gi < groups; gi++) {
        struct scn_group *grp = &s->groups[gi];
        if (gi == 0) {
            snprintf(grp->name, sizeof(grp->name), "mymaster");
        } else {
            snprintf(grp->name, sizeof(grp->name), "master%u", gi + 1);
        }
        grp->master = n;
        gen_settings(g, &grp->settings, sentinels);
        uint32_t mrw = 0;
        if (reps[gi] > 0 && chance(g, 1, 5)) { mrw = (uint32_t)pick(g, reps[gi]) + 1; }
        for (uint32_t r = 0; r <= reps[gi]; r++, n++) {
            struct scn_node *nd = &s->nodes[n];
            if (r == 0) {
                snprintf(nd->name, sizeof(nd->name), "m%u", gi + 1);
                nd->replicaof = -1;
            } else {
                snprintf(nd->name, sizeof(nd->name), "r%u%c", gi + 1, (char)('a' + r - 1));
                /* One replica in five hangs off an earlier replica: a chain. */
                bool chain = r > 1 && chance(g, 1, 5);
                nd->replicaof =
                    (int32_t)(chain ? grp->master + 1 + (uint32_t)pick(g, r - 1) : grp->master);
            }
            nd->group = gi;
            nd->priority = gen_priority(g);
            nd->announced = true;
            nd->min_replicas_to_write = mrw;
            nd->min_replicas_max_lag_s = 10;
        }
    }
    for (uint32_t i = 0; i < sentinels; i++) {
        snprintf(s->sentinels[i].name, sizeof(s->sentinels[i].name), "s%u", i + 1);
    }
    return 0;
}

static void gen_world(struct gen *g, const struct sim_chaos_gen_options *opt, uint32_t mask) {
    struct scn *s = g->s;
    static const uint32_t info_period[] = {1000, 2000, 5000};
    if (chance(g, 1, 2)) { s->timers.info_period_ms = info_period[pick(g, 3)]; }
    if (mask & (1u << SIM_CHAOS_F_CLOCK)) {
        static const uint32_t tilt_period[] = {5000, 10000, 30000};
        s->timers.tilt_period_ms = tilt_period[pick(g, 3)];
    }
    s->network.latency.min_ms = 1;
    s->network.latency.max_ms = chance(g, 1, 3) ? (uint32_t)sim_rng_range(&g->rng, 2, 20) : 1;
    if (opt->workload && chance(g, 1, 3)) {
        static const uint32_t rate[] = {10, 50, 100};
        s->workload.enabled = true;
        s->workload.group = (uint32_t)pick(g, s->groups_len);
        s->workload.writes_per_sec = rate[pick(g, 3)];
    }
}

/* ---------------------------------------------------------------- steps */

static struct scn_step *new_step(struct gen *g, enum scn_step_kind kind, uint64_t after_ms) {
    SIM_ASSERT(g->s->steps_len < g->cap);
    struct scn_step *st = &g->s->steps[g->s->steps_len++];
    memset(st, 0, sizeof(*st));
    st->kind = kind;
    st->when = SCN_WHEN_AFTER;
    st->time_ms = after_ms;
    st->timeout_ms = 60000;
    st->pos.line = g->s->steps_len;
    g->time_ms += after_ms;
    return st;
}

static void set_add(struct gen *g, struct scn_set *set, struct scn_proc p) {
    struct scn_proc *items = realloc(set->items, (set->len + 1) * sizeof(*items));
    if (items == NULL) {
        g->nomem = true;
        return;
    }
    items[set->len++] = p;
    set->items = items;
}

static struct scn_proc sentinel_proc(uint32_t i) {
    struct scn_proc p = {SCN_PROC_SENTINEL, i};
    return p;
}

static struct scn_proc node_proc(uint32_t i) {
    struct scn_proc p = {SCN_PROC_NODE, i};
    return p;
}

/* A process that is up and not paused, preferring `want` when it qualifies;
 * kind_mask bit 0: nodes, bit 1: sentinels. Returns false if none. */
static bool pick_live(struct gen *g,
                      unsigned kind_mask,
                      const struct scn_proc *want,
                      struct scn_proc *out) {
    const struct scn *s = g->s;
    uint32_t total = s->nodes_len + s->sentinels_len;
    if (want != NULL) {
        uint32_t i = pidx(s, *want);
        if (!g->down[i] && !g->paused[i]) {
            *out = *want;
            return true;
        }
    }
    uint32_t start = (uint32_t)pick(g, total);
    for (uint32_t k = 0; k < total; k++) {
        uint32_t i = (start + k) % total;
        struct scn_proc p = proc_of(s, i);
        unsigned bit = p.kind == SCN_PROC_NODE ? 1u : 2u;
        if ((kind_mask & bit) && !g->down[i] && !g->paused[i]) {
            *out = p;
            return true;
        }
    }
    return false;
}

static void owe(struct gen *g, enum scn_step_kind kind, struct scn_proc p) {
    /* Two faults in three are undone later (after 0-2 more faults); the rest
     * stay until the final heal, so long outages happen too. */
    if (g->pend_len >= PENDING_MAX || !chance(g, 2, 3)) { return; }
    struct pending *pd = &g->pend[g->pend_len++];
    pd->kind = kind;
    pd->proc = p;
    pd->after_faults = (uint32_t)pick(g, 3);
}

static void restore(struct gen *g, const struct pending *pd) {
    struct scn_step *st = new_step(g, pd->kind, sim_rng_range(&g->rng, 0, 4000));
    uint32_t i = pidx(g->s, pd->proc);
    switch (pd->kind) {
    case SCN_STEP_RESTART:
        if (!g->down[i]) {
            st->kind = SCN_STEP_SLEEP;
            return;
        }
        g->down[i] = false;
        set_add(g, &st->targets, pd->proc);
        return;
    case SCN_STEP_RESUME:
        if (!g->paused[i]) {
            st->kind = SCN_STEP_SLEEP;
            return;
        }
        g->paused[i] = false;
        set_add(g, &st->targets, pd->proc);
        return;
    case SCN_STEP_HEAL:
        /* The loader refuses a heal with nothing to heal. */
        if (!g->cut) { st->kind = SCN_STEP_SLEEP; }
        g->cut = false;
        return;
    case SCN_STEP_LATENCY:
        set_add(g, &st->targets, pd->proc);
        st->latency = g->s->network.latency;
        return;
    case SCN_STEP_LOSS:
        set_add(g, &st->targets, pd->proc);
        st->loss = g->s->network.loss;
        return;
    case SCN_STEP_KILL:
    case SCN_STEP_SHUTDOWN:
    case SCN_STEP_PAUSE:
    case SCN_STEP_PARTITION:
    case SCN_STEP_CLOCK_JUMP:
    case SCN_STEP_SENTINEL:
    case SCN_STEP_NODE:
    case SCN_STEP_WRITES:
    case SCN_STEP_WAIT:
    case SCN_STEP_SLEEP:
        break;
    }
    SIM_UNREACHABLE();
}

static void settle_pending(struct gen *g) {
    uint32_t keep = 0;
    for (uint32_t i = 0; i < g->pend_len; i++) {
        struct pending pd = g->pend[i];
        if (pd.after_faults == 0) {
            restore(g, &pd);
        } else {
            pd.after_faults--;
            g->pend[keep++] = pd;
        }
    }
    g->pend_len = keep;
}

/* A random non-empty proper subset of all processes into `set`. */
static void random_side(struct gen *g, struct scn_set *set, const struct scn_set *exclude) {
    const struct scn *s = g->s;
    uint32_t total = s->nodes_len + s->sentinels_len;
    for (uint32_t i = 0; i < total; i++) {
        bool excluded = false;
        for (uint32_t k = 0; exclude && k < exclude->len; k++) {
            excluded |= pidx(s, exclude->items[k]) == i;
        }
        if (!excluded && chance(g, 1, 3)) { set_add(g, set, proc_of(s, i)); }
    }
    if (set->len == 0 || set->len + (exclude ? exclude->len : 0) >= total) {
        /* Fall back to one process alone: always a proper, non-empty side. */
        free(set->items);
        set->items = NULL;
        set->len = 0;
        for (uint32_t k = 0; k < total; k++) {
            uint32_t i = (uint32_t)pick(g, total);
            bool excluded = false;
            for (uint32_t e = 0; exclude && e < exclude->len; e++) {
                excluded |= pidx(s, exclude->items[e]) == i;
            }
            if (!excluded) {
                set_add(g, set, proc_of(s, i));
                return;
            }
        }
    }
}

static void gen_set_command(struct gen *g, struct scn_step *st, uint32_t group) {
    static const char *const opts[] = {"quorum", "down-after-milliseconds", "failover-timeout",
                                       "parallel-syncs"};
    static const uint32_t down_after[] = {1000, 2000, 3000, 5000};
    static const uint32_t failover_timeout[] = {2000, 3000, 5000, 8000};
    const struct scn *s = g->s;
    uint32_t o = (uint32_t)pick(g, 4);
    uint32_t v = 0;
    switch (o) {
    case 0:
        v = (uint32_t)pick(g, s->sentinels_len) + 1;
        break;
    case 1:
        v = down_after[pick(g, 4)];
        break;
    case 2:
        v = failover_timeout[pick(g, 4)];
        break;
    default:
        v = (uint32_t)pick(g, 3) + 1;
        break;
    }
    snprintf(st->argv[0], SCN_ARG_MAX, "SENTINEL");
    snprintf(st->argv[2], SCN_ARG_MAX, "%s", s->groups[group].name);
    if (chance(g, 1, 6)) {
        /* SENTINEL RESET: forgets replicas and sentinels until rediscovered
         * (the documented way to drop stale sentinels, spec §19 item 3). */
        st->argc = 3;
        snprintf(st->argv[1], SCN_ARG_MAX, "RESET");
    } else {
        st->argc = 5;
        snprintf(st->argv[1], SCN_ARG_MAX, "SET");
        snprintf(st->argv[3], SCN_ARG_MAX, "%s", opts[o]);
        snprintf(st->argv[4], SCN_ARG_MAX, "%u", v);
    }
    /* Most SETs go to every live sentinel, as an operator would do it. */
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        uint32_t k = s->nodes_len + i;
        if (!g->down[k] && !g->paused[k] && chance(g, 3, 4)) {
            set_add(g, &st->targets, sentinel_proc(i));
        }
    }
}

/* Emits fault `f`; `focus` is the sentinel a preceding WAIT watched, or NULL. */
static void gen_fault(struct gen *g,
                      enum sim_chaos_fault f,
                      uint64_t after_ms,
                      const struct scn_proc *focus,
                      uint32_t group) {
    const struct scn *s = g->s;
    struct scn_proc p, master = node_proc(s->groups[group].master);
    bool aim = focus != NULL && chance(g, 2, 3);
    struct scn_step *st = NULL;
    switch (f) {
    case SIM_CHAOS_F_KILL:
    case SIM_CHAOS_F_SHUTDOWN:
        if (!pick_live(g, 1, chance(g, 1, 2) ? &master : NULL, &p)) { return; }
        st = new_step(g, f == SIM_CHAOS_F_KILL ? SCN_STEP_KILL : SCN_STEP_SHUTDOWN, after_ms);
        set_add(g, &st->targets, p);
        g->down[pidx(s, p)] = true;
        owe(g, SCN_STEP_RESTART, p);
        return;
    case SIM_CHAOS_F_SENTINEL_KILL:
        if (!pick_live(g, 2, aim ? focus : NULL, &p)) { return; }
        st = new_step(g, SCN_STEP_KILL, after_ms);
        set_add(g, &st->targets, p);
        g->down[pidx(s, p)] = true;
        owe(g, SCN_STEP_RESTART, p);
        return;
    case SIM_CHAOS_F_PAUSE:
        if (!pick_live(g, 3, aim ? focus : (chance(g, 1, 2) ? &master : NULL), &p)) { return; }
        st = new_step(g, SCN_STEP_PAUSE, after_ms);
        set_add(g, &st->targets, p);
        g->paused[pidx(s, p)] = true;
        owe(g, SCN_STEP_RESUME, p);
        return;
    case SIM_CHAOS_F_PARTITION:
    case SIM_CHAOS_F_ONE_WAY:
        st = new_step(g, SCN_STEP_PARTITION, after_ms);
        if (aim) {
            set_add(g, &st->side_a, *focus);
        } else {
            random_side(g, &st->side_a, NULL);
        }
        if (chance(g, 1, 2)) { random_side(g, &st->side_b, &st->side_a); }
        st->one_way = f == SIM_CHAOS_F_ONE_WAY;
        g->cut = true;
        owe(g, SCN_STEP_HEAL, master);
        return;
    case SIM_CHAOS_F_ISOLATE:
        /* "A sentinel together with the master": the minority side keeps a
         * master that still takes writes while the others fail over. */
        st = new_step(g, SCN_STEP_PARTITION, after_ms);
        set_add(g, &st->side_a, aim ? *focus : sentinel_proc((uint32_t)pick(g, s->sentinels_len)));
        set_add(g, &st->side_a, master);
        if (st->side_a.len >= s->nodes_len + s->sentinels_len) {
            /* Nothing would be left on the other side: no partition at all. */
            st->kind = SCN_STEP_SLEEP;
            return;
        }
        g->cut = true;
        owe(g, SCN_STEP_HEAL, master);
        return;
    case SIM_CHAOS_F_LATENCY: {
        static const uint32_t lo[] = {50, 200, 1000}, hi[] = {200, 1500, 3000};
        uint32_t k = (uint32_t)pick(g, 3);
        if (!pick_live(g, 3, aim ? focus : NULL, &p)) { return; }
        st = new_step(g, SCN_STEP_LATENCY, after_ms);
        set_add(g, &st->targets, p);
        st->latency.min_ms = lo[k];
        st->latency.max_ms = hi[k];
        g->latency_changed = true;
        owe(g, SCN_STEP_LATENCY, p);
        return;
    }
    case SIM_CHAOS_F_LOSS: {
        static const uint32_t num[] = {1, 1, 1, 1}, den[] = {10, 3, 2, 1};
        uint32_t k = (uint32_t)pick(g, 4);
        if (!pick_live(g, 3, aim ? focus : NULL, &p)) { return; }
        st = new_step(g, SCN_STEP_LOSS, after_ms);
        set_add(g, &st->targets, p);
        st->loss.num = num[k];
        st->loss.den = den[k];
        g->loss_changed = true;
        owe(g, SCN_STEP_LOSS, p);
        return;
    }
    case SIM_CHAOS_F_CLOCK: {
        static const int64_t jumps[] = {3000, 10000, 60000, 1500, -2000, -5000};
        if (!pick_live(g, 2, aim ? focus : NULL, &p)) { return; }
        st = new_step(g, SCN_STEP_CLOCK_JUMP, after_ms);
        set_add(g, &st->targets, p);
        st->jump_ms = jumps[pick(g, 6)];
        return;
    }
    case SIM_CHAOS_F_MANUAL:
        if (!pick_live(g, 2, aim ? focus : NULL, &p)) { return; }
        st = new_step(g, SCN_STEP_SENTINEL, after_ms);
        set_add(g, &st->targets, p);
        st->argc = 3;
        snprintf(st->argv[0], SCN_ARG_MAX, "SENTINEL");
        snprintf(st->argv[1], SCN_ARG_MAX, "FAILOVER");
        snprintf(st->argv[2], SCN_ARG_MAX, "%s", s->groups[group].name);
        return;
    case SIM_CHAOS_F_SET:
        st = new_step(g, SCN_STEP_SENTINEL, after_ms);
        gen_set_command(g, st, group);
        if (st->targets.len == 0) { st->kind = SCN_STEP_SLEEP; }
        return;
    case SIM_CHAOS_F_COUNT:
        break;
    }
    SIM_UNREACHABLE();
}

/* A WAIT on a protocol event of one sentinel (or any): returns the watched one. */
static bool gen_trigger(struct gen *g, uint32_t group, struct scn_proc *focus) {
    const struct scn *s = g->s;
    uint32_t ntrig = sizeof(trigger_events) / sizeof(trigger_events[0]);
    uint32_t mdown = s->groups[group].settings.down_after_ms;
    struct scn_step *st = new_step(g, SCN_STEP_WAIT, 0);
    snprintf(st->cond.event, sizeof(st->cond.event), "%s", trigger_events[pick(g, ntrig)]);
    st->cond.kind = SCN_COND_EVENT;
    st->cond.quantifier = SCN_ANY;
    st->cond.group = group;
    st->timeout_ms = (uint64_t)mdown * 4 + sim_rng_range(&g->rng, 5000, 20000);
    g->time_ms += st->timeout_ms;
    bool one = chance(g, 2, 3);
    if (one) {
        *focus = sentinel_proc((uint32_t)pick(g, s->sentinels_len));
        set_add(g, &st->cond.on, *focus);
    }
    return one;
}

/* The final block: heal, resume, restart, undo link changes. */
static void gen_final(struct gen *g) {
    struct scn *s = g->s;
    uint32_t total = s->nodes_len + s->sentinels_len;
    uint64_t pause_ms = sim_rng_range(&g->rng, 0, 3000);
    new_step(g, g->cut ? SCN_STEP_HEAL : SCN_STEP_SLEEP, pause_ms);
    struct scn_step *st = NULL;
    for (uint32_t i = 0; i < total; i++) {
        if (!g->paused[i]) { continue; }
        if (st == NULL) { st = new_step(g, SCN_STEP_RESUME, 0); }
        set_add(g, &st->targets, proc_of(s, i));
        g->paused[i] = false;
    }
    st = NULL;
    for (uint32_t i = 0; i < total; i++) {
        if (!g->down[i]) { continue; }
        if (st == NULL) { st = new_step(g, SCN_STEP_RESTART, 0); }
        set_add(g, &st->targets, proc_of(s, i));
        g->down[i] = false;
    }
    if (g->latency_changed) { new_step(g, SCN_STEP_LATENCY, 0)->latency = s->network.latency; }
    if (g->loss_changed) { new_step(g, SCN_STEP_LOSS, 0)->loss = s->network.loss; }
    g->cut = false;
}

static int gen_schedule(struct gen *g, const struct sim_chaos_gen_options *opt, uint32_t mask) {
    struct scn *s = g->s;
    uint32_t total = s->nodes_len + s->sentinels_len;
    /* Each fault may bring a WAIT and a restore; the final block adds four. */
    g->cap = opt->faults_max * 3 + 8;
    SIM_ASSERT(g->cap <= SIM_CHAOS_STEPS_MAX);
    s->steps = calloc(g->cap, sizeof(*s->steps));
    g->down = calloc(total, sizeof(bool));
    g->paused = calloc(total, sizeof(bool));
    if (!s->steps || !g->down || !g->paused) { return SIM_E_NOMEM; }
    enum sim_chaos_fault enabled[SIM_CHAOS_F_COUNT];
    uint32_t enabled_len = 0;
    for (uint32_t f = 0; f < SIM_CHAOS_F_COUNT; f++) {
        if (mask & (1u << f)) { enabled[enabled_len++] = (enum sim_chaos_fault)f; }
    }
    SIM_ASSERT(enabled_len > 0);
    /* Let the sentinels discover each other and the replicas first. */
    new_step(g, SCN_STEP_SLEEP, sim_rng_range(&g->rng, 3000, 8000));
    uint32_t faults = (uint32_t)sim_rng_range(&g->rng, 1, opt->faults_max);
    for (uint32_t i = 0; i < faults; i++) {
        uint32_t group = (uint32_t)pick(g, s->groups_len);
        uint32_t mdown = s->groups[group].settings.down_after_ms;
        struct scn_proc focus;
        bool focused = false;
        uint64_t after = 0;
        if (chance(g, 1, 3)) {
            focused = gen_trigger(g, group, &focus);
            after = chance(g, 1, 2) ? 0 : sim_rng_range(&g->rng, 1, 500);
        } else {
            after = sim_rng_range(&g->rng, 0, (uint64_t)mdown * 3 + 3000);
        }
        gen_fault(g, enabled[pick(g, enabled_len)], after, focused ? &focus : NULL, group);
        settle_pending(g);
    }
    gen_final(g);
    return g->nomem ? SIM_E_NOMEM : 0;
}

int sim_chaos_generate(uint64_t seed, const struct sim_chaos_gen_options *opt, struct scn *out) {
    SIM_ASSERT(opt != NULL);
    SIM_ASSERT(opt->faults_max >= 1 && opt->faults_max <= SIM_CHAOS_FAULTS_MAX);
    SIM_ASSERT(opt->groups_max >= 1 && opt->groups_max <= 5);
    SIM_ASSERT(opt->replicas_max <= 6);
    memset(out, 0, sizeof(*out));
    struct gen g;
    memset(&g, 0, sizeof(g));
    g.s = out;
    sim_rng_seed(&g.rng, seed ^ opt->salt, SIM_CHAOS_STREAM);
    snprintf(out->name, sizeof(out->name), "chaos-%llu", (unsigned long long)seed);
    out->seeds_len = 1;
    out->seeds[0] = seed;
    out->expect.failovers_max = UINT32_MAX;
    out->expect.lost_writes_min = -1;
    out->expect.lost_writes_max = -1;
    uint32_t mask = draw_mask(&g.rng);
    int rc = gen_topology(&g, opt);
    if (rc == 0) {
        gen_world(&g, opt, mask);
        rc = gen_schedule(&g, opt, mask);
    }
    free(g.down);
    free(g.paused);
    if (rc != 0) {
        sim_chaos_scn_free(out);
        return rc;
    }
    uint64_t bound = sim_chaos_bound_ms(out);
    out->settle_ms = bound + STABLE_WINDOW_MS;
    out->duration_ms = g.time_ms + out->settle_ms + 5000;
    return 0;
}

uint32_t sim_chaos_gen_mask(uint64_t seed, const struct sim_chaos_gen_options *opt) {
    struct sim_rng r;
    sim_rng_seed(&r, seed ^ opt->salt, SIM_CHAOS_STREAM);
    return draw_mask(&r);
}
