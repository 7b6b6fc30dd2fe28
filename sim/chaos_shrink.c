/* chaos_shrink.c: shrink a failing scenario to a small one that fails the same way.
 *
 * Method: the caller's predicate says whether a candidate still fails (for
 * chaos: the same invariant is violated when the candidate runs with the
 * same seed). Three passes, each only ever keeping a candidate the
 * predicate accepts, so the result always fails:
 *   1. delta debugging over the step list (Zeller's ddmin, complements
 *      only, granularity doubling), then one-step-at-a-time removal;
 *   2. per-step simplification: turn waits into sleeps, drop members of
 *      each process set, zero or halve delays, wait timeouts, clock jumps
 *      and latencies;
 *   3. topology: drop the write workload, remove whole groups, then
 *      replicas and sentinels, with every index in the steps renumbered;
 *      a step that loses its last target goes with the process.
 * Passes 2 and 3 repeat while they make progress. Every candidate is a
 * fresh deep copy (chaos_scn.c); `tries_max` bounds the predicate calls.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "sim/chaos.h"
#include "sim/check.h"
#include "sim/sim.h"

struct shrink {
    struct scn *cur;
    bool (*fails_cb)(void *ud, const struct scn *cand);
    void *ud;
    uint32_t tries;
    uint32_t tries_max;
    bool nomem;
};

/* Runs the predicate on `cand`; on success it replaces the current scenario,
 * otherwise it is freed. Returns true if it was kept. */
static bool try_keep(struct shrink *sh, struct scn *cand) {
    if (sh->tries >= sh->tries_max) {
        sim_chaos_scn_free(cand);
        return false;
    }
    sh->tries++;
    if (!sh->fails_cb(sh->ud, cand)) {
        sim_chaos_scn_free(cand);
        return false;
    }
    sim_chaos_scn_free(sh->cur);
    *sh->cur = *cand;
    memset(cand, 0, sizeof(*cand));
    return true;
}

static bool clone_cur(struct shrink *sh, struct scn *out) {
    if (sim_chaos_scn_clone(sh->cur, out) != 0) {
        sh->nomem = true;
        return false;
    }
    return true;
}

static bool budget(const struct shrink *sh) {
    return !sh->nomem && sh->tries < sh->tries_max;
}

/* ---------------------------------------------------------------- pass 1: steps */

/* A candidate without steps [from, to). */
static bool try_without(struct shrink *sh, uint32_t from, uint32_t to) {
    struct scn cand;
    if (!clone_cur(sh, &cand)) { return false; }
    for (uint32_t i = to; i > from; i--) {
        sim_chaos_scn_drop_step(&cand, i - 1);
    }
    return try_keep(sh, &cand);
}

static void ddmin_steps(struct shrink *sh) {
    uint32_t n = 2;
    while (budget(sh) && sh->cur->steps_len >= 2) {
        uint32_t len = sh->cur->steps_len;
        if (n > len) { n = len; }
        bool reduced = false;
        for (uint32_t k = 0; k < n && budget(sh); k++) {
            uint32_t from = (uint32_t)((uint64_t)len * k / n);
            uint32_t to = (uint32_t)((uint64_t)len * (k + 1) / n);
            if (from < to && try_without(sh, from, to)) {
                reduced = true;
                n = n > 2 ? n - 1 : 2;
                break;
            }
        }
        if (!reduced) {
            if (n >= len) { break; }
            n = n * 2 > len ? len : n * 2;
        }
    }
    for (uint32_t i = sh->cur->steps_len; i > 0 && budget(sh); i--) {
        if (i - 1 < sh->cur->steps_len) { try_without(sh, i - 1, i); }
    }
}

/* ---------------------------------------------------------------- pass 2: each step */

static struct scn_set *step_set(struct scn_step *st, uint32_t which) {
    switch (which) {
    case 0:
        return &st->targets;
    case 1:
        return &st->side_a;
    case 2:
        return &st->side_b;
    default:
        return &st->cond.on;
    }
}

static void set_remove(struct scn_set *set, uint32_t j) {
    SIM_ASSERT(j < set->len);
    memmove(&set->items[j], &set->items[j + 1], (set->len - j - 1) * sizeof(*set->items));
    set->len--;
}

/* One simplification of step i, selected by `what`; false if it does not apply. */
static bool simplify(struct scn_step *st, uint32_t what) {
    switch (what) {
    case 6:
        /* A wait that timed out is a sleep of its timeout: as a sleep it
         * replays the same under `sentsim run`, which stops at a timed-out
         * wait where chaos goes on. Tried first; the halvings follow. */
        if (st->kind != SCN_STEP_WAIT) { return false; }
        st->kind = SCN_STEP_SLEEP;
        st->time_ms += st->timeout_ms;
        st->when = SCN_WHEN_AFTER;
        return true;
    case 0:
        if (st->time_ms == 0) { return false; }
        st->time_ms = 0;
        return true;
    case 1:
        if (st->time_ms < 2) { return false; }
        st->time_ms /= 2;
        return true;
    case 2:
        if (st->kind != SCN_STEP_WAIT || st->timeout_ms < 2000) { return false; }
        st->timeout_ms /= 2;
        return true;
    case 3:
        if (st->kind != SCN_STEP_CLOCK_JUMP || (st->jump_ms > -2 && st->jump_ms < 2)) {
            return false;
        }
        st->jump_ms /= 2;
        return true;
    case 4:
        if (st->kind != SCN_STEP_LATENCY || st->latency.max_ms == st->latency.min_ms) {
            return false;
        }
        st->latency.max_ms = st->latency.min_ms;
        return true;
    case 5:
        if (st->kind != SCN_STEP_PARTITION || !st->one_way) { return false; }
        st->one_way = false;
        return true;
    default:
        return false;
    }
}

static bool simplify_steps(struct shrink *sh) {
    bool progress = false;
    for (uint32_t i = 0; i < sh->cur->steps_len && budget(sh); i++) {
        /* Each simplification repeats while it is kept (halving converges). */
        static const uint32_t order[] = {6, 0, 1, 2, 3, 4, 5};
        for (uint32_t k = 0; k < sizeof(order) / sizeof(order[0]) && budget(sh); k++) {
            uint32_t what = order[k];
            for (;;) {
                struct scn cand;
                if (!clone_cur(sh, &cand)) { return progress; }
                if (!simplify(&cand.steps[i], what)) {
                    sim_chaos_scn_free(&cand);
                    break;
                }
                if (!try_keep(sh, &cand)) { break; }
                progress = true;
            }
        }
        for (uint32_t which = 0; which < 4; which++) {
            for (uint32_t j = 0; budget(sh) && j < step_set(&sh->cur->steps[i], which)->len; j++) {
                if (step_set(&sh->cur->steps[i], which)->len < 2) { break; }
                struct scn cand;
                if (!clone_cur(sh, &cand)) { return progress; }
                set_remove(step_set(&cand.steps[i], which), j);
                if (try_keep(sh, &cand)) {
                    progress = true;
                    j--;
                }
            }
        }
    }
    return progress;
}

/* ---------------------------------------------------------------- pass 3: topology */

/* Drops `gone` from a set and renumbers the later processes of its kind;
 * *emptied is set when the set lost its last member. */
static void renumber_set(struct scn_set *set, struct scn_proc gone, bool *emptied) {
    uint32_t keep = 0;
    uint32_t before = set->len;
    for (uint32_t j = 0; j < set->len; j++) {
        struct scn_proc p = set->items[j];
        if (p.kind == gone.kind && p.index == gone.index) { continue; }
        if (p.kind == gone.kind && p.index > gone.index) { p.index--; }
        set->items[keep++] = p;
    }
    set->len = keep;
    *emptied |= before > 0 && keep == 0;
}

static bool cond_refers(const struct scn_cond *cond, struct scn_proc gone) {
    if (gone.kind != SCN_PROC_NODE) { return false; }
    if (cond->kind != SCN_COND_ROLE && cond->kind != SCN_COND_MASTER) { return false; }
    return cond->node == gone.index || cond->upstream == (int32_t)gone.index;
}

/* Removes process `gone` from s; false when it cannot go (a group's master,
 * the last sentinel, a condition naming it). */
static bool remove_proc(struct scn *s, struct scn_proc gone) {
    if (gone.kind == SCN_PROC_SENTINEL) {
        if (s->sentinels_len <= 1) { return false; }
        memmove(&s->sentinels[gone.index], &s->sentinels[gone.index + 1],
                (s->sentinels_len - gone.index - 1) * sizeof(*s->sentinels));
        s->sentinels_len--;
        for (uint32_t g = 0; g < s->groups_len; g++) {
            uint32_t *q = &s->groups[g].settings.quorum;
            if (*q > s->sentinels_len) { *q = s->sentinels_len; }
        }
    } else {
        uint32_t n = gone.index;
        for (uint32_t g = 0; g < s->groups_len; g++) {
            if (s->groups[g].master == n) { return false; }
            if (s->groups[g].master > n) { s->groups[g].master--; }
        }
        int32_t parent = s->nodes[n].replicaof;
        memmove(&s->nodes[n], &s->nodes[n + 1], (s->nodes_len - n - 1) * sizeof(*s->nodes));
        s->nodes_len--;
        for (uint32_t i = 0; i < s->nodes_len; i++) {
            int32_t *r = &s->nodes[i].replicaof;
            if (*r == (int32_t)n) { *r = parent; }
            if (*r > (int32_t)n) { (*r)--; }
        }
    }
    for (uint32_t i = s->steps_len; i > 0; i--) {
        struct scn_step *st = &s->steps[i - 1];
        if (cond_refers(&st->cond, gone)) { return false; }
        bool emptied = false;
        for (uint32_t which = 0; which < 4; which++) {
            renumber_set(step_set(st, which), gone, &emptied);
        }
        if (st->cond.kind == SCN_COND_ROLE || st->cond.kind == SCN_COND_MASTER) {
            if (gone.kind == SCN_PROC_NODE && st->cond.node > gone.index) { st->cond.node--; }
            if (gone.kind == SCN_PROC_NODE && st->cond.upstream > (int32_t)gone.index) {
                st->cond.upstream--;
            }
        }
        if (emptied) { sim_chaos_scn_drop_step(s, i - 1); }
    }
    return true;
}

/* Removes group g with all its nodes; false when it is the last one. */
static bool remove_group(struct scn *s, uint32_t g) {
    if (s->groups_len <= 1) { return false; }
    for (uint32_t n = s->nodes_len; n > 0; n--) {
        if (s->nodes[n - 1].group != g) { continue; }
        /* The master goes last: remove_proc refuses a group's master. */
        if (s->groups[g].master == n - 1) { continue; }
        struct scn_proc p = {SCN_PROC_NODE, n - 1};
        if (!remove_proc(s, p)) { return false; }
    }
    uint32_t m = s->groups[g].master;
    s->groups[g].master = UINT32_MAX;
    struct scn_proc p = {SCN_PROC_NODE, m};
    if (!remove_proc(s, p)) { return false; }
    memmove(&s->groups[g], &s->groups[g + 1], (s->groups_len - g - 1) * sizeof(*s->groups));
    s->groups_len--;
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        if (s->nodes[i].group > g) { s->nodes[i].group--; }
    }
    for (uint32_t i = 0; i < s->steps_len; i++) {
        uint32_t *cg = &s->steps[i].cond.group;
        if (*cg == g) { *cg = 0; }
        if (*cg > g) { (*cg)--; }
    }
    if (s->workload.group == g) { s->workload.enabled = false; }
    if (s->workload.group >= g && s->workload.group > 0) { s->workload.group--; }
    return true;
}

static bool shrink_topology(struct shrink *sh) {
    bool progress = false;
    /* No write workload, unless the finding needs one (lost writes do). */
    if (sh->cur->workload.enabled && budget(sh)) {
        bool writes_steps = false;
        for (uint32_t i = 0; i < sh->cur->steps_len; i++) {
            writes_steps |= sh->cur->steps[i].kind == SCN_STEP_WRITES;
        }
        struct scn cand;
        if (!writes_steps && clone_cur(sh, &cand)) {
            cand.workload.enabled = false;
            progress |= try_keep(sh, &cand);
        }
    }
    for (uint32_t g = sh->cur->groups_len; g > 0 && budget(sh); g--) {
        struct scn cand;
        if (!clone_cur(sh, &cand)) { return progress; }
        if (g - 1 >= cand.groups_len || !remove_group(&cand, g - 1)) {
            sim_chaos_scn_free(&cand);
            continue;
        }
        progress |= try_keep(sh, &cand);
    }
    for (uint32_t kind = 0; kind < 2; kind++) {
        uint32_t len = kind == 0 ? sh->cur->nodes_len : sh->cur->sentinels_len;
        for (uint32_t i = len; i > 0 && budget(sh); i--) {
            struct scn_proc p = {kind == 0 ? SCN_PROC_NODE : SCN_PROC_SENTINEL, i - 1};
            uint32_t now_len = kind == 0 ? sh->cur->nodes_len : sh->cur->sentinels_len;
            if (p.index >= now_len) { continue; }
            struct scn cand;
            if (!clone_cur(sh, &cand)) { return progress; }
            if (!remove_proc(&cand, p)) {
                sim_chaos_scn_free(&cand);
                continue;
            }
            progress |= try_keep(sh, &cand);
        }
    }
    return progress;
}

int sim_chaos_shrink(struct scn *s,
                     bool (*fails_cb)(void *ud, const struct scn *cand),
                     void *ud,
                     uint32_t tries_max,
                     struct sim_chaos_shrink_stats *st) {
    SIM_ASSERT(s != NULL);
    SIM_ASSERT(fails_cb != NULL);
    struct shrink sh = {s, fails_cb, ud, 0, tries_max, false};
    struct sim_chaos_shrink_stats local;
    if (st == NULL) { st = &local; }
    memset(st, 0, sizeof(*st));
    st->steps_before = s->steps_len;
    st->procs_before = s->nodes_len + s->sentinels_len;
    ddmin_steps(&sh);
    bool progress = true;
    for (uint32_t round = 0; progress && round < 4 && budget(&sh); round++) {
        progress = shrink_topology(&sh);
        progress |= simplify_steps(&sh);
        if (progress) { ddmin_steps(&sh); }
    }
    st->tries = sh.tries;
    st->steps_after = s->steps_len;
    st->procs_after = s->nodes_len + s->sentinels_len;
    return sh.nomem ? SIM_E_NOMEM : 0;
}
