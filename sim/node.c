/* node.c: a simulated redis-server 7.0 data node: lifecycle and replication.
 *
 * Method: replication is modelled by its effects, not its bytes. A replica
 * "connects" to the node its replicaof names when both are reachable, then
 * spends a partial or full sync time before its link is up; a full sync
 * replaces its dataset with the master's (losing diverged writes), a
 * partial one is allowed when its replication id and offset are still in
 * the master's history (replid, or replid2 up to second_off), as in Redis's
 * PSYNC. While the link is up the master's writes and PUBLISHes reach the
 * replica at once if it is reachable; otherwise it falls behind, catches up
 * when reachable again, and drops the link after repl-timeout. A master's
 * death is seen at once (RST); a dead or refusing master is retried every
 * second, as replicationCron does. Each node has a single timer; all of
 * this is driven by events, never by scanning every node every tick.
 * Commands and INFO are in node_cmd.c.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/check.h"
#include "sim/world.h"

#define CRON_MS 1000 /* replicationCron period */

enum repl_error {
    ERR_NONE,
    ERR_REFUSED,
    ERR_TIMEOUT,
    ERR_LOADING,
    ERR_AUTH,
    ERR_SELF,
};

void sim__node_log(struct sim_world *w, uint32_t i, enum rep_level level, const char *fmt, ...) {
    char text[REP_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    sim__log(w, REP_KIND_NODE, level, w->nodes[i].proc, "", text);
}

static void arm(struct sim_world *w, uint32_t i, uint64_t at_ms) {
    struct sim_node *n = &w->nodes[i];
    if (n->timer_ms != UINT64_MAX && n->timer_ms <= at_ms) { return; }
    n->timer_ms = at_ms;
    n->timer_gen++;
    sim_sched_push(&w->sched, at_ms, SIM_EV_NODE, i, n->timer_gen);
}

static void new_replid(struct sim_world *w, char *out) {
    sim_rng_hex(&w->rng_nodes, out, CORE_RUNID_LEN);
}

uint32_t sim__node_by_addr(const struct sim_world *w, const char *host, uint16_t port) {
    if (strcmp(host, SIM_IP) != 0 && strcasecmp(host, "localhost") != 0) { return SIM_NONE; }
    if (port < SIM_NODE_PORT0 || port - SIM_NODE_PORT0 >= (int)w->nodes_len) { return SIM_NONE; }
    return (uint32_t)(port - SIM_NODE_PORT0);
}

bool sim__node_is_master(const struct sim_world *w, uint32_t i) {
    return w->nodes[i].conf.replicaof_port == 0;
}

int32_t sim__node_upstream(const struct sim_world *w, uint32_t i) {
    const struct sim_node *n = &w->nodes[i];
    if (n->conf.replicaof_port == 0) { return -1; }
    uint32_t m = sim__node_by_addr(w, n->conf.replicaof_host, n->conf.replicaof_port);
    return m == SIM_NONE ? -1 : (int32_t)m;
}

bool sim__node_has_write(const struct sim_world *w, uint32_t i, uint64_t key) {
    const struct sim_node *n = &w->nodes[i];
    if (n->data == NULL || key / 64 >= w->writes_bits) { return false; }
    return (n->data[key / 64] >> (key % 64)) & 1;
}

/* ---------------------------------------------------------------- replica lists */

static void attach(struct sim_world *w, uint32_t r, uint32_t m) {
    struct sim_node *rn = &w->nodes[r], *mn = &w->nodes[m];
    SIM_ASSERT(rn->upstream == SIM_NONE);
    rn->upstream = m;
    rn->rep_prev = mn->rep_tail;
    rn->rep_next = SIM_NONE;
    if (mn->rep_tail == SIM_NONE) {
        mn->rep_head = r;
    } else {
        w->nodes[mn->rep_tail].rep_next = r;
    }
    mn->rep_tail = r;
}

static void detach(struct sim_world *w, uint32_t r) {
    struct sim_node *rn = &w->nodes[r];
    if (rn->upstream == SIM_NONE) { return; }
    if (rn->dangling) {
        /* Already out of the dead master's list. */
        rn->upstream = SIM_NONE;
        rn->dangling = false;
        return;
    }
    struct sim_node *mn = &w->nodes[rn->upstream];
    if (rn->rep_prev == SIM_NONE) {
        mn->rep_head = rn->rep_next;
    } else {
        w->nodes[rn->rep_prev].rep_next = rn->rep_next;
    }
    if (rn->rep_next == SIM_NONE) {
        mn->rep_tail = rn->rep_prev;
    } else {
        w->nodes[rn->rep_next].rep_prev = rn->rep_prev;
    }
    rn->upstream = rn->rep_prev = rn->rep_next = SIM_NONE;
}

/* ---------------------------------------------------------------- link changes */

/* The replica's link to its master broke (or never came up); retry on the next cron. */
static void link_lost(struct sim_world *w, uint32_t r, bool log_it) {
    struct sim_node *n = &w->nodes[r];
    bool was_up = n->repl == SIM_REPL_CONNECTED;
    detach(w, r);
    n->repl = SIM_REPL_CONNECT;
    n->behind = false;
    n->unreach_since_ms = UINT64_MAX;
    if (was_up) {
        n->down_since_ms = (int64_t)w->now_ms;
        if (log_it) { sim__node_log(w, r, REP_LEVEL_WARNING, "Connection with master lost."); }
    }
    arm(w, r, w->now_ms + CRON_MS);
}

/* Every replica attached to node i loses its link (i died or changed role). */
static void drop_replicas(struct sim_world *w, uint32_t i) {
    while (w->nodes[i].rep_head != SIM_NONE) {
        uint32_t r = w->nodes[i].rep_head;
        link_lost(w, r, true);
    }
}

static void copy_data(struct sim_world *w, uint32_t to, uint32_t from) {
    struct sim_node *t = &w->nodes[to];
    const struct sim_node *f = &w->nodes[from];
    if (t->data != NULL && f->data != NULL) {
        memcpy(t->data, f->data, w->writes_bits * sizeof(uint64_t));
    } else if (t->data != NULL) {
        memset(t->data, 0, w->writes_bits * sizeof(uint64_t));
    }
    t->offset = f->offset;
    memcpy(t->replid, f->replid, sizeof(t->replid));
    memcpy(t->replid2, f->replid2, sizeof(t->replid2));
    t->second_off = f->second_off;
    t->last_io_ms = w->now_ms;
}

/* Brings an up-to-date replica (and its own replicas) level with its master. */
static void catch_up(struct sim_world *w, uint32_t r) {
    struct sim_node *n = &w->nodes[r];
    copy_data(w, r, n->upstream);
    n->behind = false;
    for (uint32_t s = n->rep_head; s != SIM_NONE; s = w->nodes[s].rep_next) {
        if (w->nodes[s].repl == SIM_REPL_CONNECTED && !w->nodes[s].behind &&
            sim__net_reachable(w, n->proc, w->nodes[s].proc)) {
            catch_up(w, s);
        }
    }
}

static enum repl_error can_sync(const struct sim_world *w, uint32_t r, uint32_t m) {
    if (m == SIM_NONE) { return ERR_REFUSED; }
    if (m == r) { return ERR_SELF; }
    const struct sim_proc *mp = &w->procs[w->nodes[m].proc];
    if (!mp->up) { return ERR_REFUSED; }
    if (!sim__net_reachable(w, w->nodes[r].proc, w->nodes[m].proc)) { return ERR_TIMEOUT; }
    if (w->now_ms < w->nodes[m].loading_until_ms) { return ERR_LOADING; }
    const char *pass = w->nodes[m].conf.requirepass;
    if (pass[0] != '\0' && strcmp(pass, w->nodes[r].conf.masterauth) != 0) { return ERR_AUTH; }
    return ERR_NONE;
}

static void log_sync_error(struct sim_world *w, uint32_t r, enum repl_error e) {
    struct sim_node *n = &w->nodes[r];
    if (n->last_error == (uint32_t)e) { return; } /* Redis repeats these every second; we don't */
    n->last_error = (uint32_t)e;
    switch (e) {
    case ERR_REFUSED:
        sim__node_log(w, r, REP_LEVEL_WARNING,
                      "Error condition on socket for SYNC: Connection refused");
        break;
    case ERR_TIMEOUT:
        sim__node_log(w, r, REP_LEVEL_WARNING, "Timeout connecting to the MASTER...");
        break;
    case ERR_LOADING:
        sim__node_log(w, r, REP_LEVEL_WARNING,
                      "Error reply to PING from master: '-LOADING Redis is loading the dataset in "
                      "memory'");
        break;
    case ERR_AUTH:
        sim__node_log(w, r, REP_LEVEL_WARNING,
                      "Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user "
                      "is disabled.");
        break;
    case ERR_SELF:
    case ERR_NONE:
        break;
    }
}

static bool psync_possible(const struct sim_node *r, const struct sim_node *m) {
    if (strcmp(r->replid, m->replid) == 0 && r->offset <= m->offset) { return true; }
    return m->second_off >= 0 && strcmp(r->replid, m->replid2) == 0 &&
           r->offset <= (uint64_t)m->second_off;
}

static void try_sync(struct sim_world *w, uint32_t r) {
    struct sim_node *n = &w->nodes[r];
    uint32_t m = sim__node_by_addr(w, n->conf.replicaof_host, n->conf.replicaof_port);
    enum repl_error e = can_sync(w, r, m);
    if (e != ERR_NONE) {
        log_sync_error(w, r, e);
        arm(w, r, w->now_ms + CRON_MS);
        return;
    }
    n->last_error = ERR_NONE;
    const struct sim_node *mn = &w->nodes[m];
    sim__node_log(w, r, REP_LEVEL_NOTICE, "Connecting to MASTER %s:%u", n->conf.replicaof_host,
                  n->conf.replicaof_port);
    sim__node_log(w, r, REP_LEVEL_NOTICE, "MASTER <-> REPLICA sync started");
    n->full_sync = !psync_possible(n, mn);
    if (n->full_sync) {
        sim__node_log(w, r, REP_LEVEL_NOTICE,
                      "Partial resynchronization not possible (no cached "
                      "master)");
    } else {
        sim__node_log(w, r, REP_LEVEL_NOTICE,
                      "Trying a partial resynchronization (request %s:%llu).", n->replid,
                      (unsigned long long)n->offset + 1);
    }
    attach(w, r, m);
    n->repl = SIM_REPL_SYNC;
    uint64_t rtt = sim__net_latency_ms(w, n->proc, mn->proc) * 2;
    n->sync_done_ms =
        w->now_ms + rtt + (n->full_sync ? w->opt.full_sync_ms : w->opt.partial_sync_ms);
    arm(w, r, n->sync_done_ms);
}

static void finish_sync(struct sim_world *w, uint32_t r) {
    struct sim_node *n = &w->nodes[r];
    uint32_t m = n->upstream;
    SIM_ASSERT(m != SIM_NONE);
    if (can_sync(w, r, m) != ERR_NONE) {
        link_lost(w, r, false);
        return;
    }
    bool had_replicas = n->rep_head != SIM_NONE;
    if (n->full_sync) {
        sim__node_log(w, r, REP_LEVEL_NOTICE, "Full resync from master: %s:%llu",
                      w->nodes[m].replid, (unsigned long long)w->nodes[m].offset);
    }
    copy_data(w, r, m);
    n->repl = SIM_REPL_CONNECTED;
    n->ever_synced = true;
    n->down_since_ms = -1;
    n->link_up_ms = w->now_ms;
    n->behind = false;
    n->unreach_since_ms = UINT64_MAX;
    if (n->full_sync) {
        sim__node_log(w, r, REP_LEVEL_NOTICE, "MASTER <-> REPLICA sync: Finished with success");
        /* Our dataset was replaced: our own replicas must resync with us. */
        if (had_replicas) { drop_replicas(w, r); }
    } else {
        sim__node_log(w, r, REP_LEVEL_NOTICE,
                      "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    }
}

/* The link is up: check that the master is still reachable; time out if not. */
static void check_link(struct sim_world *w, uint32_t r) {
    struct sim_node *n = &w->nodes[r];
    uint32_t m = n->upstream;
    SIM_ASSERT(m != SIM_NONE);
    if (n->dangling && !sim__net_blocked(w, w->nodes[m].proc, n->proc)) {
        /* The path is back: the next segment meets a reset (or a refusal). */
        link_lost(w, r, true);
        return;
    }
    if (!n->dangling && sim__net_reachable(w, n->proc, w->nodes[m].proc)) {
        n->unreach_since_ms = UINT64_MAX;
        if (n->behind) { catch_up(w, r); }
        return;
    }
    if (n->unreach_since_ms == UINT64_MAX) { n->unreach_since_ms = w->now_ms; }
    uint64_t deadline = n->unreach_since_ms + w->opt.repl_timeout_ms;
    if (w->now_ms >= deadline) {
        sim__node_log(w, r, REP_LEVEL_WARNING, "MASTER timeout: no data nor PING received...");
        link_lost(w, r, true);
        return;
    }
    arm(w, r, deadline);
}

void sim__node_timer(struct sim_world *w, uint32_t i, uint64_t gen) {
    struct sim_node *n = &w->nodes[i];
    if (gen != n->timer_gen) { return; }
    n->timer_ms = UINT64_MAX;
    if (!w->procs[n->proc].up || w->procs[n->proc].paused) { return; }
    if (w->now_ms < n->loading_until_ms) {
        arm(w, i, n->loading_until_ms);
        return;
    }
    switch (n->repl) {
    case SIM_REPL_NONE:
        return;
    case SIM_REPL_CONNECT:
        try_sync(w, i);
        return;
    case SIM_REPL_SYNC:
        if (w->now_ms >= n->sync_done_ms) {
            finish_sync(w, i);
        } else {
            arm(w, i, n->sync_done_ms);
        }
        return;
    case SIM_REPL_CONNECTED:
        check_link(w, i);
        return;
    }
    SIM_UNREACHABLE();
}

void sim__node_topology_changed(struct sim_world *w) {
    /* Rare (a fault step), so a pass over the nodes is fine here. */
    for (uint32_t i = 0; i < w->nodes_len; i++) {
        struct sim_node *n = &w->nodes[i];
        if (!w->procs[n->proc].up || n->repl == SIM_REPL_NONE) { continue; }
        arm(w, i, w->now_ms);
    }
}

/* ---------------------------------------------------------------- lifecycle */

void sim__node_init(struct sim_world *w, uint32_t i) {
    const struct scn_node *sn = &w->scn->nodes[i];
    struct sim_node *n = &w->nodes[i];
    memset(n, 0, sizeof(*n));
    n->proc = i;
    if (sn->replicaof >= 0) {
        snprintf(n->conf.replicaof_host, sizeof(n->conf.replicaof_host), "%s", SIM_IP);
        n->conf.replicaof_port = (uint16_t)(SIM_NODE_PORT0 + sn->replicaof);
    }
    n->conf.priority = sn->priority;
    n->conf.announced = sn->announced;
    n->conf.min_replicas = sn->min_replicas_to_write;
    n->conf.min_replicas_max_lag_s = sn->min_replicas_max_lag_s;
    n->conf.serve_stale = true;
    snprintf(n->conf.requirepass, sizeof(n->conf.requirepass), "%s", sn->requirepass);
    snprintf(n->conf.masterauth, sizeof(n->conf.masterauth), "%s", sn->masterauth);
    n->saved = n->conf;
    n->upstream = n->rep_head = n->rep_tail = n->rep_prev = n->rep_next = SIM_NONE;
    n->timer_ms = UINT64_MAX;
    n->second_off = -1;
    memset(n->replid2, '0', CORE_RUNID_LEN);
    new_replid(w, n->replid);
}

void sim__node_start(struct sim_world *w, uint32_t i) {
    struct sim_node *n = &w->nodes[i];
    struct sim_proc *p = &w->procs[n->proc];
    SIM_ASSERT(!p->up);
    p->up = true;
    p->paused = false;
    w->cond_dirty = true;
    bool restart = n->started_ms > 0 || w->now_ms > 0;
    n->conf = n->saved;
    n->started_ms = w->now_ms;
    n->loading_until_ms = restart ? w->now_ms + w->opt.node_load_ms : 0;
    sim_rng_hex(&w->rng_nodes, n->run_id, CORE_RUNID_LEN);
    n->last_error = ERR_NONE;
    n->unreach_since_ms = UINT64_MAX;
    n->ever_synced = false;
    n->down_since_ms = -1;
    if (n->conf.replicaof_port == 0) {
        n->repl = SIM_REPL_NONE;
        /* A master restarting from its dataset starts a new history. */
        if (restart) { new_replid(w, n->replid); }
    } else {
        n->repl = SIM_REPL_CONNECT;
        arm(w, i, w->now_ms);
    }
    sim__node_log(w, i, REP_LEVEL_NOTICE, "Ready to accept connections");
}

void sim__node_stop(struct sim_world *w, uint32_t i) {
    struct sim_node *n = &w->nodes[i];
    struct sim_proc *p = &w->procs[n->proc];
    SIM_ASSERT(p->up);
    p->up = false;
    p->paused = false;
    w->cond_dirty = true;
    detach(w, i);
    n->repl = n->conf.replicaof_port == 0 ? SIM_REPL_NONE : SIM_REPL_CONNECT;
    n->timer_ms = UINT64_MAX;
    n->timer_gen++;
    sim__net_proc_down(w, n->proc);
    /* Our replicas see the connection reset at once and retry every second;
     * one the reset cannot reach (partition) keeps its link up until
     * repl-timeout or until the path comes back. */
    while (n->rep_head != SIM_NONE) {
        uint32_t r = n->rep_head;
        struct sim_node *rn = &w->nodes[r];
        if (rn->repl != SIM_REPL_CONNECTED || !sim__net_blocked(w, n->proc, rn->proc)) {
            link_lost(w, r, true);
            continue;
        }
        detach(w, r);
        rn->upstream = i;
        rn->dangling = true;
        arm(w, r, w->now_ms);
    }
}

/* ---------------------------------------------------------------- role changes */

static void become_master(struct sim_world *w, uint32_t i) {
    struct sim_node *n = &w->nodes[i];
    detach(w, i);
    n->conf.replicaof_port = 0;
    n->conf.replicaof_host[0] = '\0';
    n->repl = SIM_REPL_NONE;
    /* The old history stays valid up to here for replicas that followed it. */
    memcpy(n->replid2, n->replid, sizeof(n->replid2));
    n->second_off = (int64_t)n->offset;
    new_replid(w, n->replid);
    n->down_since_ms = -1;
    n->ever_synced = false;
    n->behind = false;
    sim__node_log(w, i, REP_LEVEL_WARNING,
                  "Setting secondary replication ID to %s, valid up to offset: %llu. New "
                  "replication ID is %s",
                  n->replid2, (unsigned long long)n->offset + 1, n->replid);
    drop_replicas(w, i);
}

void sim__node_replicaof(
    struct sim_world *w, uint32_t i, const char *host, uint16_t port, uint32_t by_conn) {
    struct sim_node *n = &w->nodes[i];
    w->cond_dirty = true;
    char who[96];
    snprintf(who, sizeof(who), "id=%u addr=%s:%u laddr=%s:%u",
             by_conn == SIM_NONE ? 0 : by_conn + 3, SIM_IP,
             by_conn == SIM_NONE ? 0 : 40000 + by_conn, SIM_IP, w->procs[n->proc].port);
    if (host == NULL) {
        if (n->conf.replicaof_port == 0) { return; }
        become_master(w, i);
        sim__node_log(w, i, REP_LEVEL_NOTICE, "MASTER MODE enabled (user request from '%s')", who);
        return;
    }
    bool was_master = n->conf.replicaof_port == 0;
    detach(w, i);
    snprintf(n->conf.replicaof_host, sizeof(n->conf.replicaof_host), "%s", host);
    n->conf.replicaof_port = port;
    n->repl = SIM_REPL_CONNECT;
    n->down_since_ms = -1;
    n->ever_synced = false;
    n->behind = false;
    n->last_error = ERR_NONE;
    if (was_master) {
        sim__node_log(w, i, REP_LEVEL_NOTICE,
                      "Before turning into a replica, using my own master parameters to "
                      "synthesize a cached master: I may be able to synchronize with the new "
                      "master with just a partial transfer.");
    }
    /* Our replicas resync with us: our history is about to change. */
    drop_replicas(w, i);
    sim__node_log(w, i, REP_LEVEL_NOTICE, "REPLICAOF %s:%u enabled (user request from '%s')", host,
                  port, who);
    /* Redis connects at once from the REPLICAOF command itself. */
    if (w->now_ms >= n->loading_until_ms) {
        try_sync(w, i);
    } else {
        arm(w, i, n->loading_until_ms);
    }
}

/* ---------------------------------------------------------------- the stream */

/* Hands stream data (a write, or a PUBLISH whose push message is stored
 * once as `push`) to node i's replicas, recursively. */
static void propagate(struct sim_world *w,
                      uint32_t i,
                      uint64_t key,
                      uint32_t bytes,
                      uint32_t push,
                      uint32_t push_len);

/* Sends a stored Pub/Sub message to node r's subscribers; returns how many got it. */
static uint32_t notify(struct sim_world *w, uint32_t r, uint32_t push, uint32_t push_len) {
    uint32_t receivers = 0;
    for (uint32_t c = w->procs[w->nodes[r].proc].subs; c != SIM_NONE; c = w->conns[c].sub_next) {
        sim__net_send_shared(w, c, SIM_END_SERVER, SIM_MSG_PUSH, push, push_len);
        receivers++;
    }
    return receivers;
}

static void apply(struct sim_world *w,
                  uint32_t r,
                  uint64_t key,
                  uint32_t bytes,
                  uint32_t push,
                  uint32_t push_len) {
    struct sim_node *n = &w->nodes[r];
    if (key != UINT64_MAX && n->data != NULL) { n->data[key / 64] |= 1ULL << (key % 64); }
    n->offset += bytes;
    n->last_io_ms = w->now_ms;
    if (push != SIM_NONE) { notify(w, r, push, push_len); }
    propagate(w, r, key, bytes, push, push_len);
}

static void propagate(struct sim_world *w,
                      uint32_t i,
                      uint64_t key,
                      uint32_t bytes,
                      uint32_t push,
                      uint32_t push_len) {
    for (uint32_t r = w->nodes[i].rep_head; r != SIM_NONE; r = w->nodes[r].rep_next) {
        struct sim_node *rn = &w->nodes[r];
        if (rn->repl != SIM_REPL_CONNECTED || rn->behind) { continue; }
        if (!sim__net_reachable(w, w->nodes[i].proc, rn->proc)) {
            rn->behind = true;
            arm(w, r, w->now_ms);
            continue;
        }
        apply(w, r, key, bytes, push, push_len);
    }
}

uint32_t sim__node_good_replicas(const struct sim_world *w, uint32_t i) {
    const struct sim_node *n = &w->nodes[i];
    uint32_t good = 0;
    for (uint32_t r = n->rep_head; r != SIM_NONE; r = w->nodes[r].rep_next) {
        const struct sim_node *rn = &w->nodes[r];
        if (rn->repl != SIM_REPL_CONNECTED) { continue; }
        uint64_t lag_ms = rn->unreach_since_ms == UINT64_MAX ? 0 : w->now_ms - rn->unreach_since_ms;
        if (sim__net_reachable(w, n->proc, rn->proc) ||
            lag_ms <= (uint64_t)n->conf.min_replicas_max_lag_s * 1000) {
            good++;
        }
    }
    return good;
}

void sim__node_write(struct sim_world *w, uint32_t i, uint64_t key, uint32_t bytes) {
    SIM_ASSERT(sim__node_is_master(w, i));
    apply(w, i, key, bytes, SIM_NONE, 0);
}

uint32_t sim__node_publish(struct sim_world *w,
                           uint32_t i,
                           const char *channel,
                           size_t channel_len,
                           const char *payload,
                           size_t payload_len,
                           uint32_t bytes) {
    uint32_t len =
        sim__encode_push(w->scratch, SIM_SCRATCH_BYTES, channel, channel_len, payload, payload_len);
    uint32_t push = sim__payload_new(w, w->scratch, len);
    uint32_t receivers = notify(w, i, push, len);
    /* Only a master feeds its replication stream; a replica's PUBLISH stays local. */
    if (sim__node_is_master(w, i)) {
        w->nodes[i].offset += bytes;
        propagate(w, i, UINT64_MAX, bytes, push, len);
    }
    sim__payload_release(w, push);
    return receivers;
}
