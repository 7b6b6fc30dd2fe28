/* workload.c: a client that finds the master through the sentinels and writes.
 *
 * Method: the client behaves like a Sentinel-aware application: it asks a
 * sentinel SENTINEL GET-MASTER-ADDR-BY-NAME, connects to the answer and
 * writes sequential keys (key:0, key:1, ...) at the scenario's rate, one
 * outstanding write at a time. A refused connection, a reset, a READONLY
 * or a request unanswered for a second sends it back to the sentinels (the
 * next one in turn when a sentinel does not answer). Every write a master
 * acknowledged is remembered with the node that acknowledged it; at the
 * end, acknowledged writes missing from the final master are counted as
 * lost and attributed to the nodes that acknowledged them.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/check.h"
#include "sim/world.h"

#define REQUEST_TIMEOUT_MS 1000
#define WRITES_CAP_MAX     (1u << 22)

int sim__client_init(struct sim_world *w) {
    struct sim_client *c = &w->client;
    memset(c, 0, sizeof(*c));
    c->proc = w->nodes_len + w->sentinels_len;
    c->sconn = c->mconn = c->master = SIM_NONE;
    const struct scn_workload *wl = &w->scn->workload;
    if (!wl->enabled || wl->writes_per_sec == 0) { return 0; }
    uint64_t cap = (uint64_t)wl->writes_per_sec * (w->scn->duration_ms / 1000 + 1) + 16;
    c->writes_cap = cap < WRITES_CAP_MAX ? cap : WRITES_CAP_MAX;
    c->interval_ms = 1000 / wl->writes_per_sec > 0 ? 1000 / wl->writes_per_sec : 1;
    c->acked_by = calloc(c->writes_cap, sizeof(*c->acked_by));
    /* Clients shuffle their sentinel list: start with a random one. */
    if (w->sentinels_len > 0) {
        c->sentinel = (uint32_t)sim_rng_below(&w->rng_workload, w->sentinels_len);
    }
    return c->acked_by != NULL ? 0 : -1;
}

void sim__client_free(struct sim_world *w) {
    free(w->client.acked_by);
    w->client.acked_by = NULL;
}

static void arm(struct sim_world *w, uint64_t at_ms) {
    struct sim_client *c = &w->client;
    c->gen++;
    sim_sched_push(&w->sched, at_ms, SIM_EV_CLIENT, 0, c->gen);
}

void sim__client_set_active(struct sim_world *w, bool on) {
    struct sim_client *c = &w->client;
    if (c->acked_by == NULL) { return; }
    c->active = on;
    if (on) { arm(w, w->now_ms); }
}

static void send_cmd(struct sim_world *w, uint32_t conn, uint32_t argc, const char *const *argv) {
    struct sim_client *c = &w->client;
    uint32_t len = sim__encode_argv(w->scratch, SIM_SCRATCH_BYTES, argc, argv, NULL);
    sim__net_send(w, conn, SIM_END_CLIENT, SIM_MSG_CMD, ++c->next_cmd, w->scratch, len);
    c->since_ms = w->now_ms;
}

static void drop(struct sim_world *w, uint32_t *conn) {
    if (*conn != SIM_NONE) {
        sim__net_close(w, *conn, SIM_END_CLIENT);
        *conn = SIM_NONE;
    }
}

static void forget_master(struct sim_world *w) {
    struct sim_client *c = &w->client;
    drop(w, &c->mconn);
    c->master = SIM_NONE;
    c->writing = false;
}

static void next_sentinel(struct sim_world *w) {
    struct sim_client *c = &w->client;
    drop(w, &c->sconn);
    c->asking = false;
    c->sentinel = (c->sentinel + 1) % w->sentinels_len;
}

static void ask(struct sim_world *w) {
    struct sim_client *c = &w->client;
    if (c->sconn == SIM_NONE) {
        uint32_t to = w->sentinels[c->sentinel].proc;
        c->sconn = sim__net_connect(w, c->proc, to, 0);
    }
    const char *argv[] = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME",
                          w->scn->groups[w->scn->workload.group].name};
    send_cmd(w, c->sconn, 3, argv);
    c->asking = true;
}

static void write_next(struct sim_world *w) {
    struct sim_client *c = &w->client;
    if (c->writes >= c->writes_cap) { return; }
    if (c->mconn == SIM_NONE) {
        c->mconn = sim__net_connect(w, c->proc, w->nodes[c->master].proc, 0);
    }
    char key[32], val[24];
    snprintf(key, sizeof(key), "key:%" PRIu64, c->writes);
    snprintf(val, sizeof(val), "%" PRIu64, c->writes);
    const char *argv[] = {"SET", key, val};
    c->inflight_key = c->writes++;
    send_cmd(w, c->mconn, 3, argv);
    c->writing = true;
}

void sim__client_timer(struct sim_world *w, uint64_t gen) {
    struct sim_client *c = &w->client;
    if (gen != c->gen || !c->active) { return; }
    bool late = w->now_ms - c->since_ms >= REQUEST_TIMEOUT_MS;
    if (c->asking && late) { next_sentinel(w); }
    if (c->writing && late) { forget_master(w); }
    if (c->master == SIM_NONE) {
        c->refused++;
        if (!c->asking) { ask(w); }
    } else if (!c->writing) {
        write_next(w);
    }
    arm(w, w->now_ms + c->interval_ms);
}

static void on_sentinel_reply(struct sim_world *w, const struct core_reply *r) {
    struct sim_client *c = &w->client;
    c->asking = false;
    if (r->type != CORE_REPLY_ARRAY || r->elements_len != 2) {
        next_sentinel(w);
        return;
    }
    char host[CORE_IP_MAX];
    snprintf(host, sizeof(host), "%.*s", (int)r->elements[0].len, r->elements[0].str);
    uint16_t port = (uint16_t)strtoul(r->elements[1].str, NULL, 10);
    uint32_t m = sim__node_by_addr(w, host, port);
    if (m != c->master) {
        forget_master(w);
        c->master = m;
    }
}

static void on_master_reply(struct sim_world *w, const struct core_reply *r) {
    struct sim_client *c = &w->client;
    c->writing = false;
    if (r->type == CORE_REPLY_STATUS) {
        SIM_ASSERT(c->inflight_key < c->writes_cap);
        c->acked_by[c->inflight_key] = c->master + 1;
        c->acked++;
        return;
    }
    c->refused++;
    /* A replica or a master that lost its replicas: ask the sentinels again. */
    forget_master(w);
}

void sim__client_receive(struct sim_world *w, uint32_t msg) {
    struct sim_client *c = &w->client;
    const struct sim_msg *m = &w->msgs[msg];
    bool from_sentinel = m->conn == c->sconn;
    if (!from_sentinel && m->conn != c->mconn) { return; }
    switch (m->kind) {
    case SIM_MSG_ACCEPT:
        return;
    case SIM_MSG_REFUSE:
    case SIM_MSG_CLOSE:
        if (from_sentinel) {
            c->sconn = SIM_NONE;
            next_sentinel(w);
        } else {
            c->mconn = SIM_NONE;
            forget_master(w);
        }
        return;
    case SIM_MSG_REPLY: {
        const uint8_t *p = sim__msg_payload(w, msg);
        const struct core_reply *r = sim__decode_reply(w, p, m->len);
        if (from_sentinel) {
            on_sentinel_reply(w, r);
        } else {
            on_master_reply(w, r);
        }
        return;
    }
    case SIM_MSG_PUSH:
    case SIM_MSG_CONNECT:
    case SIM_MSG_CMD:
        return;
    }
    SIM_UNREACHABLE();
}

void sim__client_account(struct sim_world *w, uint32_t final_master) {
    struct sim_client *c = &w->client;
    struct rep_writes *out = &w->run->writes;
    out->acked = c->acked;
    out->refused = c->refused;
    out->lost = 0;
    if (c->acked_by == NULL) { return; }
    /* Lost writes, attributed to the node that acknowledged them. */
    for (uint32_t n = 0; n < w->nodes_len; n++) {
        uint64_t lost = 0, first = UINT64_MAX, last = 0;
        for (uint64_t k = 0; k < c->writes; k++) {
            if (c->acked_by[k] != n + 1) { continue; }
            if (final_master != SIM_NONE && sim__node_has_write(w, final_master, k)) { continue; }
            lost++;
            if (first == UINT64_MAX) { first = k; }
            last = k;
        }
        if (lost == 0) { continue; }
        out->lost += lost;
        char text[REP_TEXT_MAX];
        snprintf(text, sizeof(text),
                 "%" PRIu64 " acknowledged writes lost: acked by %s (keys %" PRIu64 "..%" PRIu64
                 "), missing on the final master %s",
                 lost, w->procs[w->nodes[n].proc].name, first, last,
                 final_master == SIM_NONE ? "(none)" : w->procs[w->nodes[final_master].proc].name);
        sim__log(w, REP_KIND_CHECK, REP_LEVEL_WARNING, c->proc, "", text);
    }
}
