/* run.c: one simulated run of a scenario, from world building to results.
 *
 * Method: the world starts every data node and then every sentinel at
 * virtual time 0 (nodes first, so a sentinel's first connection finds its
 * master listening, as in real mode where nodes are started and checked
 * before sentinels), turns the workload on, and runs the timeline until it
 * ends. The final state is then read the way real mode observes it: each
 * node's role and upstream from its own state, each sentinel's answer for
 * every monitored master from its core's views, and the workload's
 * account of acknowledged and lost writes.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "sim/check.h"
#include "sim/world.h"

void sim_options_default(struct sim_options *opt) {
    memset(opt, 0, sizeof(*opt));
    opt->node_load_ms = 0;
    /* Real mode runs nodes with repl-diskless-sync-delay 0: a full sync is quick. */
    opt->full_sync_ms = 20;
    opt->partial_sync_ms = 2;
    opt->repl_timeout_ms = 60000;
    opt->events_max = 50u * 1000u * 1000u;
}

static void fill_names(struct sim_world *w, struct rep_run *out) {
    for (uint32_t i = 0; i < w->nodes_len; i++) {
        struct scn_proc p = {SCN_PROC_NODE, i};
        int rc = rep_run_add_name(out, SIM_IP, w->procs[i].port, "", p);
        SIM_ASSERT(rc == 0);
    }
    for (uint32_t i = 0; i < w->sentinels_len; i++) {
        struct scn_proc p = {SCN_PROC_SENTINEL, i};
        const struct sim_sentinel *s = &w->sentinels[i];
        int rc = rep_run_add_name(out, SIM_IP, w->procs[s->proc].port, s->myid, p);
        SIM_ASSERT(rc == 0);
    }
}

static void fill_states(struct sim_world *w, struct rep_run *out) {
    for (uint32_t i = 0; i < w->nodes_len; i++) {
        const struct sim_node *n = &w->nodes[i];
        const struct sim_proc *p = &w->procs[n->proc];
        struct rep_node_state *st = &out->nodes[i];
        st->up = p->up && !p->paused;
        st->is_master = sim__node_is_master(w, i);
        st->upstream = sim__node_upstream(w, i);
        st->link_up = n->repl == SIM_REPL_CONNECTED;
        st->repl_offset = n->offset;
    }
    for (uint32_t i = 0; i < w->sentinels_len; i++) {
        const struct sim_sentinel *s = &w->sentinels[i];
        const struct sim_proc *p = &w->procs[s->proc];
        struct rep_sentinel_state *st = &out->sentinels[i];
        st->up = p->up && !p->paused;
        st->current_epoch = s->core != NULL && p->up ? core_current_epoch(s->core) : 0;
        /* Real Sentinel has no capacity limits: a record the core refused
         * makes the run fail loudly instead of quietly seeing less. */
        uint64_t refused = s->core != NULL ? core_limit_refusals(s->core) : 0;
        if (refused > 0 && out->failure[0] == '\0') {
            snprintf(out->failure, sizeof(out->failure),
                     "sentinel %s refused %llu records: a core limit was reached",
                     w->scn->sentinels[i].name, (unsigned long long)refused);
        }
        for (uint32_t g = 0; g < w->scn->groups_len; g++) {
            struct core_master_view v;
            st->master_of_group[g] = -1;
            if (!st->up || sim__sentinel_group(w, i, g, &v) < 0) { continue; }
            uint32_t node = sim__node_by_addr(w, v.ip, v.port);
            st->master_of_group[g] = node == SIM_NONE ? -1 : (int32_t)node;
        }
    }
}

/* The master of the workload's group at the end: what the live sentinels say. */
static uint32_t final_master(const struct sim_world *w, const struct rep_run *out) {
    uint32_t group = w->scn->workload.group;
    for (uint32_t i = 0; i < w->sentinels_len; i++) {
        if (out->sentinels[i].up && out->sentinels[i].master_of_group[group] >= 0) {
            return (uint32_t)out->sentinels[i].master_of_group[group];
        }
    }
    return w->client.master;
}

static int start_world(struct sim_world *w) {
    for (uint32_t i = 0; i < w->nodes_len; i++) {
        sim__node_start(w, i);
    }
    for (uint32_t i = 0; i < w->sentinels_len; i++) {
        int rc = sim__sentinel_start(w, i);
        if (rc != SIM_OK) { return rc; }
    }
    sim__client_set_active(w, w->scn->workload.enabled);
    sim_sched_push(&w->sched, w->scn->duration_ms, SIM_EV_END, 0, 0);
    sim__timeline_start(w);
    return SIM_OK;
}

int sim_run_stats(const struct scn *scn,
                  uint64_t seed,
                  const struct sim_options *opt,
                  struct rep_run *out,
                  struct sim_stats *stats) {
    struct sim_options defaults;
    if (opt == NULL) {
        sim_options_default(&defaults);
        opt = &defaults;
    }
    if (rep_run_init(out, scn, REP_MODE_SIM, scn->nodes_len + scn->sentinels_len) != 0) {
        return SIM_E_NOMEM;
    }
    out->seed = seed;
    struct sim_world world;
    struct sim_world *w = &world;
    int rc = sim__world_init(w, scn, seed, opt, out);
    if (rc == SIM_OK) { rc = start_world(w); }
    if (rc == SIM_OK) {
        sim__world_loop(w, UINT64_MAX);
        out->end_t_ms = w->now_ms;
        fill_names(w, out);
        fill_states(w, out);
        sim__client_account(w, final_master(w, out));
    }
    if (stats != NULL) {
        stats->events = w->events;
        stats->core_steps = w->core_steps;
        stats->virtual_ms = w->now_ms;
    }
    sim__world_free(w);
    return rc;
}

int sim_run(const struct scn *scn,
            uint64_t seed,
            const struct sim_options *opt,
            struct rep_run *out) {
    return sim_run_stats(scn, seed, opt, out, NULL);
}
