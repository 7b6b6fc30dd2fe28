/* world.c: building the virtual world and running its event loop.
 *
 * Method: all of a run's memory is taken here, once, sized from the
 * scenario; the loop then pops events in (time, seq) order and hands each
 * to its owner: a message to the network, a timer to its sentinel, node or
 * client, a timeline step to timeline.c. While a WAIT step blocks, its
 * condition is re-evaluated after every event, so a wait ends at the exact
 * virtual moment its condition became true.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/check.h"
#include "sim/world.h"

static struct sim_world *assert_world;

static void core_assert_cb(
    const char *file, int line, const char *expr, const char *where, void *ud) {
    const struct sim_world *w = ud;
    fprintf(stderr, "core assertion failed: %s:%d: %s [%s] (seed %" PRIu64 ", t=%" PRIu64 " ms)\n",
            file, line, expr, where != NULL ? where : "?", w != NULL ? w->seed : 0,
            w != NULL ? w->now_ms : 0);
    fflush(stderr);
    abort();
}

static void bump(uint32_t *limit, uint32_t want) {
    if (*limit < want) { *limit = want; }
}

static int alloc_world(struct sim_world *w) {
    uint32_t n = w->nodes_len, s = w->sentinels_len;
    w->procs = calloc(w->procs_len, sizeof(*w->procs));
    size_t node_bytes = (n > 0 ? n : 1) * sizeof(*w->nodes);
    w->nodes = aligned_alloc(64, node_bytes); /* a node's hot fields share its first line */
    w->sentinels = calloc(s > 0 ? s : 1, sizeof(*w->sentinels));
    w->scratch = malloc(SIM_SCRATCH_BYTES);
    w->scratch2 = malloc(SIM_SCRATCH_BYTES);
    w->textbuf = malloc(CORE_INFO_BYTES_MAX);
    w->reply_pool = malloc(SIM_REPLY_POOL * sizeof(*w->reply_pool));
    if (w->procs == NULL || w->nodes == NULL || w->sentinels == NULL || w->scratch == NULL ||
        w->scratch2 == NULL || w->textbuf == NULL || w->reply_pool == NULL) {
        return -1;
    }
    memset(w->nodes, 0, node_bytes);
    if (sim__net_init(w) != 0) { return -1; }
    size_t events = (size_t)w->msg_slots.cap + 4u * w->procs_len + 2u * w->scn->steps_len + 1024;
    return sim_sched_init(&w->sched, events);
}

static void init_procs(struct sim_world *w) {
    const struct scn *scn = w->scn;
    for (uint32_t p = 0; p < w->procs_len; p++) {
        struct sim_proc *pr = &w->procs[p];
        pr->conns = pr->subs = pr->inbox_head = pr->inbox_tail = SIM_NONE;
        pr->latency = scn->network.latency;
        pr->loss = scn->network.loss;
        if (p < w->nodes_len) {
            pr->kind = SIM_PROC_NODE;
            pr->index = p;
            pr->port = (uint16_t)(SIM_NODE_PORT0 + p);
            snprintf(pr->name, sizeof(pr->name), "%s", scn->nodes[p].name);
        } else if (p < w->nodes_len + w->sentinels_len) {
            pr->kind = SIM_PROC_SENTINEL;
            pr->index = p - w->nodes_len;
            pr->port = (uint16_t)(SIM_SENTINEL_PORT0 + pr->index);
            snprintf(pr->name, sizeof(pr->name), "%s", scn->sentinels[pr->index].name);
        } else {
            pr->kind = SIM_PROC_CLIENT;
            pr->up = true; /* the workload's host never fails */
            snprintf(pr->name, sizeof(pr->name), "client");
        }
    }
}

static int init_data(struct sim_world *w) {
    if (w->client.acked_by == NULL) { return 0; }
    w->writes_bits = (w->client.writes_cap + 63) / 64;
    for (uint32_t i = 0; i < w->nodes_len; i++) {
        if (w->scn->nodes[i].group != w->scn->workload.group) { continue; }
        w->nodes[i].data = calloc(w->writes_bits, sizeof(uint64_t));
        if (w->nodes[i].data == NULL) { return -1; }
    }
    return 0;
}

int sim__world_init(struct sim_world *w,
                    const struct scn *scn,
                    uint64_t seed,
                    const struct sim_options *opt,
                    struct rep_run *run) {
    memset(w, 0, sizeof(*w));
    w->scn = scn;
    w->seed = seed;
    w->opt = *opt;
    w->run = run;
    w->nodes_len = scn->nodes_len;
    w->sentinels_len = scn->sentinels_len;
    w->procs_len = scn->nodes_len + scn->sentinels_len + 1;
    if (SIM_NODE_PORT0 + scn->nodes_len > SIM_SENTINEL_PORT0 ||
        SIM_SENTINEL_PORT0 + scn->sentinels_len > 65535) {
        return SIM_E_LIMIT;
    }
    sim_rng_seed(&w->rng_net, seed, SIM_STREAM_NETWORK);
    sim_rng_seed(&w->rng_nodes, seed, SIM_STREAM_NODES);
    sim_rng_seed(&w->rng_workload, seed, SIM_STREAM_WORKLOAD);
    /* Limits sized to the scenario (with margins for stale records), not to
     * the defaults: a core zeroes its tables at creation, and a run creates
     * one per sentinel start. */
    w->limits = core_limits_default();
    w->limits.masters_max = scn->groups_len + 2;
    /* Replica records per master: its group's nodes, with room for nodes a
     * scenario re-points into the group (and for all of them in small runs). */
    uint32_t group_max = 0;
    for (uint32_t g = 0; g < scn->groups_len; g++) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < scn->nodes_len; i++) {
            n += scn->nodes[i].group == g;
        }
        if (n > group_max) { group_max = n; }
    }
    w->limits.replicas_max = 2 * group_max + 4;
    bump(&w->limits.replicas_max, scn->nodes_len < 64 ? scn->nodes_len + 2 : 0);
    w->limits.sentinels_max = scn->sentinels_len + 2;
    w->limits.conns_max =
        2 * (w->limits.masters_max * (w->limits.replicas_max + 1) + w->limits.sentinels_max) + 64;
    w->limits.outputs_max = 512 + 16 * scn->nodes_len;
    w->limits.config_bytes_max = 16384 + 128 * scn->nodes_len +
                                 160 * scn->sentinels_len * scn->groups_len + 256 * scn->groups_len;
    w->limits.arena_bytes = (64u << 10) + 4096 * scn->nodes_len + w->limits.config_bytes_max;
    w->limits.info_cache_bytes = 2048;
    bump(&w->limits.conns_max, 2 * (scn->nodes_len + scn->sentinels_len) + 16);
    if (alloc_world(w) != 0) { return SIM_E_NOMEM; }
    init_procs(w);
    for (uint32_t i = 0; i < w->nodes_len; i++) {
        sim__node_init(w, i);
    }
    if (sim__client_init(w) != 0 || init_data(w) != 0) { return SIM_E_NOMEM; }
    for (uint32_t i = 0; i < w->sentinels_len; i++) {
        if (sim__sentinel_init(w, i) != 0) { return SIM_E_NOMEM; }
    }
    assert_world = w;
    sim__check_context(seed, &w->now_ms);
    core_set_assert_handler(core_assert_cb, w);
    return SIM_OK;
}

void sim__world_free(struct sim_world *w) {
    if (w->sentinels != NULL) {
        for (uint32_t i = 0; i < w->sentinels_len; i++) {
            sim__sentinel_free(w, i);
        }
    }
    if (w->nodes != NULL) {
        for (uint32_t i = 0; i < w->nodes_len; i++) {
            free(w->nodes[i].data);
        }
    }
    sim__client_free(w);
    sim_sched_free(&w->sched);
    free(w->procs);
    free(w->nodes);
    free(w->sentinels);
    sim__net_free(w);
    free(w->scratch);
    free(w->scratch2);
    free(w->textbuf);
    free(w->reply_pool);
    if (assert_world == w) {
        assert_world = NULL;
        sim__check_context(0, NULL);
        core_set_assert_handler(core_assert_cb, NULL);
    }
    memset(w, 0, sizeof(*w));
}

void sim__log(struct sim_world *w,
              enum rep_kind kind,
              enum rep_level level,
              uint32_t proc,
              const char *type,
              const char *text) {
    const char *name = proc == SIM_NONE ? "harness" : w->procs[proc].name;
    SIM_ASSERT(strlen(text) < REP_TEXT_MAX);
    int rc = rep_log_append(&w->run->log, w->now_ms, kind, level, name, type, text);
    SIM_ASSERT(rc == 0); /* more than REP_EVENTS_MAX records: the run is out of bounds */
}

uint32_t sim__proc_at(const struct sim_world *w, const char *ip, uint16_t port) {
    if (strcmp(ip, SIM_IP) != 0 && strcmp(ip, "localhost") != 0) { return SIM_NONE; }
    if (port >= SIM_NODE_PORT0 && port - SIM_NODE_PORT0 < (int)w->nodes_len) {
        return (uint32_t)(port - SIM_NODE_PORT0);
    }
    if (port >= SIM_SENTINEL_PORT0 && port - SIM_SENTINEL_PORT0 < (int)w->sentinels_len) {
        return w->nodes_len + (uint32_t)(port - SIM_SENTINEL_PORT0);
    }
    return SIM_NONE;
}

void sim__dispatch(struct sim_world *w, uint32_t m) {
    const struct sim_msg *msg = &w->msgs[m];
    const struct sim_conn *c = &w->conns[msg->conn];
    const struct sim_proc *p = &w->procs[c->proc[msg->to_end]];
    SIM_ASSERT(p->up && !p->paused);
    switch (p->kind) {
    case SIM_PROC_NODE:
        /* A node is only ever a server; a closed client needs no action. */
        if (msg->kind == SIM_MSG_CMD) { sim__node_command(w, p->index, msg->conn, m); }
        return;
    case SIM_PROC_SENTINEL:
        sim__sentinel_receive(w, p->index, m);
        return;
    case SIM_PROC_CLIENT:
        if (w->tap_cb != NULL) {
            w->tap_cb(w, m, w->tap_ud);
        } else {
            sim__client_receive(w, m);
        }
        return;
    }
    SIM_UNREACHABLE();
}

/* Deliveries are the bulk of the events and each starts with cache misses
 * on its message and its connection. Two deep: load the message after next
 * now, and the next one's connection, whose index that message (loaded at
 * the previous event) holds. */
static void prefetch_next(const struct sim_world *w) {
    const struct sim_sched_ent *next = sim_sched_peek_same_ms(&w->sched, 0);
    if (next == NULL) { return; }
    if (next->kind == SIM_EV_MSG) { __builtin_prefetch(&w->conns[w->msgs[next->a].conn]); }
    const struct sim_sched_ent *after = sim_sched_peek_same_ms(&w->sched, 1);
    if (after != NULL && after->kind == SIM_EV_MSG) { __builtin_prefetch(&w->msgs[after->a]); }
}

void sim__world_loop(struct sim_world *w, uint64_t until_ms) {
    struct sim_ev ev;
    while (!w->stopped) {
        if (sim_sched_next_ms(&w->sched) > until_ms) {
            if (until_ms != UINT64_MAX) { w->now_ms = until_ms; }
            return;
        }
        bool got = sim_sched_pop(&w->sched, &ev);
        SIM_ASSERT(got);
        SIM_ASSERT(ev.t_ms >= w->now_ms); /* time never goes back */
        w->now_ms = ev.t_ms;
        prefetch_next(w);
        w->events++;
        SIM_ASSERT(w->events <= w->opt.events_max); /* a run that never settles */
        switch ((enum sim_ev_kind)ev.kind) {
        case SIM_EV_MSG:
            sim__net_deliver(w, ev.a, ev.b);
            break;
        case SIM_EV_TICK:
            sim__sentinel_tick(w, ev.a, ev.b);
            break;
        case SIM_EV_NODE:
            sim__node_timer(w, ev.a, ev.b);
            break;
        case SIM_EV_CLIENT:
            sim__client_timer(w, ev.b);
            break;
        case SIM_EV_STEP:
            sim__timeline_step(w, ev.a);
            break;
        case SIM_EV_TIMEOUT:
            sim__timeline_timeout(w, ev.a, ev.b);
            break;
        case SIM_EV_END:
            w->stopped = true;
            break;
        default:
            SIM_UNREACHABLE();
        }
        if (w->waiting) { sim__timeline_check(w); }
    }
}
