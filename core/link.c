/* link.c: connections, (re)connection, sending commands, routing replies.
 *
 * Method: reproduces the hiredis async semantics Sentinel relies on (spec
 * §4, §4.5): a connection exists from the moment CONNECT is emitted, so
 * commands queued on it before the handshake completes count as sent; a
 * connection dropped by either side takes its outstanding callbacks with it
 * (we simply forget the conn id, and its replies can no longer arrive); an
 * error answer to SUBSCRIBE closes the pub/sub connection. Connection ids
 * carry a slot number in their low bits and a generation above it, so they
 * are never reused and lookups stay O(1).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* ---------------------------------------------------------------- links and conns */

uint32_t core__link_new(struct core_sentinel *s) {
    uint32_t i;
    for (i = s->link_cursor; i < s->links_max && s->links[i].in_use; i++) {}
    if (i == s->links_max) {
        for (i = 0; i < s->links_max && s->links[i].in_use; i++) {}
    }
    CORE_ASSERT(i < s->links_max);
    s->link_cursor = i + 1 < s->links_max ? i + 1 : 0;
    struct core__link *l = &s->links[i];
    memset(l, 0, sizeof(*l));
    l->in_use = true;
    l->refcount = 1;
    l->disconnected = true;
    l->last_avail_time = s->now;
    l->act_ping_time = s->now;
    l->last_pong_time = s->now;
    CORE_ASSERT(l->cc == 0 && l->pc == 0);
    return i;
}

uint32_t core__conn_lookup(struct core_sentinel *s, uint32_t id) {
    uint32_t slot = id & ((1u << s->conn_slot_bits) - 1u);
    CORE_ASSERT(s->conn_slot_bits > 0 && s->conn_slot_bits < 32);
    if (id == 0 || slot >= s->lim.conns_max) { return CORE__NONE; }
    if (s->conns[slot].id != id) { return CORE__NONE; }
    CORE_ASSERT(s->links[s->conns[slot].link].in_use);
    return slot;
}

static uint32_t conn_open(struct core_sentinel *s, uint32_t link, bool pubsub, uint32_t inst) {
    uint32_t slot = CORE__NONE;
    /* Next fit: reuse every slot in turn, so generations grow slowly. */
    for (uint32_t k = 0; k < s->lim.conns_max; k++) {
        uint32_t cand = (s->conn_cursor + k) % s->lim.conns_max;
        if (s->conns[cand].id == 0) {
            slot = cand;
            break;
        }
    }
    /* conns_max too small for this deployment: a limit, loudly. */
    CORE_ASSERT(slot != CORE__NONE);
    s->conn_cursor = (slot + 1) % s->lim.conns_max;
    struct core__conn *c = &s->conns[slot];
    uint32_t gen = (c->link + 1u) & ((1u << (32 - s->conn_slot_bits)) - 1u);
    /* Ids are never reused: running out of generations is a hard stop. */
    CORE_ASSERT(gen != 0);
    c->id = (gen << s->conn_slot_bits) | slot;
    c->link = link;
    c->pubsub = pubsub;
    struct core__inst *ri = core__inst(s, inst);
    struct core_output *o = core__out_push(s, CORE_OUT_CONNECT);
    o->conn = c->id;
    o->conn_kind = pubsub ? CORE_CONN_PUBSUB : CORE_CONN_CMD;
    o->peer_kind = (ri->flags & CORE__F_MASTER)  ? CORE_PEER_MASTER
                   : (ri->flags & CORE__F_SLAVE) ? CORE_PEER_REPLICA
                                                 : CORE_PEER_SENTINEL;
    o->ip = core__arena_strndup(s, ri->addr.ip, strlen(ri->addr.ip));
    o->port = ri->addr.port;
    return c->id;
}

/* Frees a conn slot; the generation survives in c->link for the next id. */
static void conn_free(struct core_sentinel *s, uint32_t id) {
    CORE_ASSERT(id != 0);
    uint32_t slot = core__conn_lookup(s, id);
    CORE_ASSERT(slot != CORE__NONE);
    struct core__conn *c = &s->conns[slot];
    c->link = id >> s->conn_slot_bits;
    c->id = 0;
}

/* Mirrors instanceLinkCloseConnection(): closed by us, so the driver is told. */
void core__link_close(struct core_sentinel *s, uint32_t link, bool pubsub) {
    CORE_ASSERT(link < s->links_max);
    struct core__link *l = &s->links[link];
    CORE_ASSERT(l->in_use);
    uint32_t id = pubsub ? l->pc : l->cc;
    if (id == 0) { return; }
    core__wake_all(s); /* every record sharing the link now finds it down */
    conn_free(s, id);
    if (pubsub) {
        l->pc = 0;
    } else {
        l->cc = 0;
        l->pending_commands = 0;
    }
    l->disconnected = true;
    struct core_output *o = core__out_push(s, CORE_OUT_CLOSE);
    o->conn = id;
}

void core__link_release(struct core_sentinel *s, uint32_t link) {
    CORE_ASSERT(link < s->links_max);
    struct core__link *l = &s->links[link];
    CORE_ASSERT(l->in_use && l->refcount > 0);
    if (--l->refcount > 0) { return; }
    core__link_close(s, link, false);
    core__link_close(s, link, true);
    l->in_use = false;
}

/* ---------------------------------------------------------------- sending */

static const char *map_command(struct core_sentinel *s, uint32_t inst, const char *cmd) {
    struct core__master *m = core__master_of(s, inst);
    CORE_ASSERT(cmd != NULL);
    CORE_ASSERT(m->nrenames <= CORE__RENAMES_MAX);
    for (uint32_t k = 0; k < m->nrenames; k++) {
        if (core__strcasecmp(m->renames[k].from, cmd) == 0) { return m->renames[k].to; }
    }
    return cmd;
}

bool core__send(struct core_sentinel *s,
                uint32_t inst,
                enum core__cmd_kind kind,
                bool pubsub,
                uint32_t argc,
                const char *const *argv) {
    struct core__link *l = core__link_of(s, inst);
    CORE_ASSERT(argc > 0 && argc <= CORE__ARGV_MAX);
    CORE_ASSERT(inst < (1u << CORE__CMD_INST_BITS));
    uint32_t conn = pubsub ? l->pc : l->cc;
    if (conn == 0) { return false; }
    const char **av = core__arena_alloc(s, argc * sizeof(*av));
    size_t *avl = core__arena_alloc(s, argc * sizeof(*avl));
    for (uint32_t k = 0; k < argc; k++) {
        const char *w = k == 0 ? map_command(s, inst, argv[0]) : argv[k];
        avl[k] = strlen(w);
        av[k] = core__arena_strndup(s, w, avl[k]);
    }
    struct core_output *o = core__out_push(s, CORE_OUT_SEND);
    o->conn = conn;
    o->cmd = (s->cmd_seq++ << CORE__CMD_SEQ_SHIFT) | ((uint64_t)kind << CORE__CMD_INST_BITS) | inst;
    o->argc = argc;
    o->argv = av;
    o->argv_len = avl;
    if (kind != CORE__CK_SUBSCRIBE) { l->pending_commands++; }
    return true;
}

/* Mirrors sentinelSendPing(). */
bool core__send_ping(struct core_sentinel *s, uint32_t inst) {
    static const char *const argv[] = {"PING"};
    struct core__link *l = core__link_of(s, inst);
    if (!core__send(s, inst, CORE__CK_PING, false, 1, argv)) { return false; }
    l->last_ping_time = s->now;
    if (l->act_ping_time == 0) { l->act_ping_time = s->now; }
    CORE_ASSERT(l->act_ping_time <= s->now || l->act_ping_time > 0);
    return true;
}

/* Mirrors sentinelSendSlaveOf(): the reconfiguration transaction of §9.9. */
bool core__send_slaveof(struct core_sentinel *s, uint32_t inst, const struct core__addr *to) {
    char port[8];
    const char *host = "NO", *portstr = "ONE";
    CORE_ASSERT(core__inst(s, inst)->flags & (CORE__F_SLAVE | CORE__F_MASTER));
    if (to != NULL) {
        CORE_ASSERT(to->port > 0);
        snprintf(port, sizeof(port), "%u", to->port);
        host = core__announce_ip(to);
        portstr = port;
    }
    const char *multi[] = {"MULTI"}, *slaveof[] = {"SLAVEOF", host, portstr};
    const char *rewrite[] = {"CONFIG", "REWRITE"}, *exec[] = {"EXEC"};
    const char *kill_normal[] = {"CLIENT", "KILL", "TYPE", "normal"};
    const char *kill_pubsub[] = {"CLIENT", "KILL", "TYPE", "pubsub"};
    if (!core__send(s, inst, CORE__CK_DISCARD, false, 1, multi)) { return false; }
    core__send(s, inst, CORE__CK_DISCARD, false, 3, slaveof);
    core__send(s, inst, CORE__CK_DISCARD, false, 2, rewrite);
    core__send(s, inst, CORE__CK_DISCARD, false, 4, kill_normal);
    core__send(s, inst, CORE__CK_DISCARD, false, 4, kill_pubsub);
    core__send(s, inst, CORE__CK_DISCARD, false, 1, exec);
    return true;
}

/* ---------------------------------------------------------------- reconnection */

static void send_auth(struct core_sentinel *s, uint32_t inst, bool pubsub) {
    CORE_ASSERT((pubsub ? core__link_of(s, inst)->pc : core__link_of(s, inst)->cc) != 0);
    struct core__inst *ri = core__inst(s, inst);
    const char *user = NULL, *pass = NULL;
    CORE_ASSERT(ri->flags & CORE__F_KINDS);
    if (ri->flags & CORE__F_SENTINEL) {
        if (s->sentinel_pass[0] != '\0') {
            pass = s->sentinel_pass;
            user = s->sentinel_user[0] != '\0' ? s->sentinel_user : NULL;
        } else if (s->requirepass[0] != '\0') {
            pass = s->requirepass;
        }
    } else {
        struct core__master *m = core__master_of(s, inst);
        pass = m->has_auth_pass ? m->auth_pass : NULL;
        user = m->has_auth_user ? m->auth_user : NULL;
    }
    if (pass == NULL) { return; }
    const char *argv[] = {"AUTH", user != NULL ? user : pass, pass};
    core__send(s, inst, CORE__CK_DISCARD, pubsub, user != NULL ? 3 : 2, argv);
}

static void send_setname(struct core_sentinel *s, uint32_t inst, bool pubsub) {
    char name[64];
    snprintf(name, sizeof(name), "sentinel-%.8s-%s", s->myid, pubsub ? "pubsub" : "cmd");
    const char *argv[] = {"CLIENT", "SETNAME", name};
    CORE_ASSERT(strlen(name) > 9);
    CORE_ASSERT(inst != CORE__NONE);
    core__send(s, inst, CORE__CK_DISCARD, pubsub, 3, argv);
}

/* Mirrors sentinelReconnectInstance() (spec §4.1). */
void core__reconnect(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    struct core__link *l = core__link_of(s, inst);
    CORE_ASSERT(ri->flags & CORE__F_KINDS);
    CORE_ASSERT(l->refcount > 0);
    if (!l->disconnected || ri->addr.port == 0) { return; }
    if (s->now - l->last_reconn_time < s->t.ping_period) { return; }
    l->last_reconn_time = s->now;
    if (l->cc == 0) {
        l->cc = conn_open(s, ri->link, false, inst);
        l->pending_commands = 0;
        l->cc_conn_time = s->now;
        send_auth(s, inst, false);
        send_setname(s, inst, false);
        core__send_ping(s, inst);
    }
    if ((ri->flags & (CORE__F_MASTER | CORE__F_SLAVE)) && l->pc == 0) {
        static const char *const sub[] = {"SUBSCRIBE", CORE__HELLO_CHANNEL};
        l->pc = conn_open(s, ri->link, true, inst);
        l->pc_conn_time = s->now;
        send_auth(s, inst, true);
        send_setname(s, inst, true);
        core__send(s, inst, CORE__CK_SUBSCRIBE, true, 2, sub);
    }
    if (l->cc != 0 && ((ri->flags & CORE__F_SENTINEL) || l->pc != 0)) { l->disconnected = false; }
}

/* ---------------------------------------------------------------- inputs */

void core__on_conn_up(struct core_sentinel *s, const struct core_input *in) {
    uint32_t slot = core__conn_lookup(s, in->conn);
    CORE_ASSERT(in->kind == CORE_IN_CONN_UP);
    if (slot == CORE__NONE || s->conns[slot].pubsub) { return; }
    struct core__link *l = &s->links[s->conns[slot].link];
    CORE_ASSERT(l->cc == in->conn);
    if (in->local_ip != NULL && strlen(in->local_ip) < CORE_IP_MAX) {
        snprintf(l->local_ip, sizeof(l->local_ip), "%s", in->local_ip);
    }
}

/* Mirrors sentinelDisconnectCallback(): the peer or the network closed it. */
void core__on_conn_down(struct core_sentinel *s, const struct core_input *in) {
    uint32_t slot = core__conn_lookup(s, in->conn);
    CORE_ASSERT(in->kind == CORE_IN_CONN_DOWN);
    if (slot == CORE__NONE) { return; }
    struct core__link *l = &s->links[s->conns[slot].link];
    bool pubsub = s->conns[slot].pubsub;
    CORE_ASSERT((pubsub ? l->pc : l->cc) == in->conn);
    conn_free(s, in->conn);
    if (pubsub) {
        l->pc = 0;
    } else {
        l->cc = 0;
    }
    l->disconnected = true;
}

/* Finds the live record a reply is for, or CORE__NONE if it is stale. */
static uint32_t reply_target(struct core_sentinel *s, uint32_t slot, uint64_t cmd) {
    uint32_t inst = (uint32_t)(cmd & ((1u << CORE__CMD_INST_BITS) - 1u));
    uint64_t seq = cmd >> CORE__CMD_SEQ_SHIFT;
    CORE_ASSERT(slot < s->lim.conns_max);
    CORE_ASSERT(seq < s->cmd_seq);
    if (inst >= s->insts_max || !core__inst_used(s, inst)) { return CORE__NONE; }
    if (seq < s->insts[inst].born_seq || s->insts[inst].link != s->conns[slot].link) {
        return CORE__NONE;
    }
    return inst;
}

static void on_subscribe_reply(struct core_sentinel *s,
                               struct core__link *l,
                               uint32_t link,
                               const struct core_reply *r) {
    CORE_ASSERT(l->pc != 0);
    CORE_ASSERT(r != NULL);
    l->pc_last_activity = s->now;
    /* hiredis treats an error answer to SUBSCRIBE as fatal for the conn. */
    if (r->type == CORE_REPLY_ERROR) { core__link_close(s, link, true); }
}

/* True if r respects the bounds of core.h (depth, elements, INFO size). */
static bool reply_bounded(const struct core_reply *r, uint32_t depth) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(depth <= CORE_REPLY_DEPTH_MAX + 1);
    if (depth > CORE_REPLY_DEPTH_MAX) { return false; }
    if (r->type == CORE_REPLY_BULK && r->len > CORE_INFO_BYTES_MAX) { return false; }
    if (r->type != CORE_REPLY_ARRAY) { return true; }
    if (r->elements_len > CORE_REPLY_ELEMENTS_MAX) { return false; }
    if (r->elements_len > 0 && r->elements == NULL) { return false; }
    for (size_t k = 0; k < r->elements_len; k++) {
        if (!reply_bounded(&r->elements[k], depth + 1)) { return false; }
    }
    return true;
}

void core__on_reply(struct core_sentinel *s, const struct core_input *in) {
    static const struct core_reply wrong_type = {.type = CORE_REPLY_NIL};
    uint32_t slot = core__conn_lookup(s, in->conn);
    CORE_ASSERT(in->reply != NULL);
    /* Anything beyond the bounds is treated like a wrong-type reply. */
    const struct core_reply *reply = reply_bounded(in->reply, 1) ? in->reply : &wrong_type;
    if (slot == CORE__NONE || (in->cmd >> CORE__CMD_SEQ_SHIFT) >= s->cmd_seq) { return; }
    uint32_t link = s->conns[slot].link;
    struct core__link *l = &s->links[link];
    enum core__cmd_kind kind = (enum core__cmd_kind)((in->cmd >> CORE__CMD_INST_BITS) & 0xfu);
    if (kind == CORE__CK_SUBSCRIBE) {
        on_subscribe_reply(s, l, link, reply);
        return;
    }
    /* The reply of a record released while its (shared) link lives on still
     * counts: upstream redirects such callbacks to the discarding one, which
     * decrements the link's pending commands. */
    l->pending_commands--;
    uint32_t inst = reply_target(s, slot, in->cmd);
    if (inst == CORE__NONE) { return; }
    switch (kind) {
    case CORE__CK_DISCARD:
        break;
    case CORE__CK_PING:
        core__on_ping_reply(s, inst, in->reply);
        break;
    case CORE__CK_INFO:
        /* A replica's INFO period shortens while its link to the master is down. */
        core__wake_master(s, s->insts[inst].master);
        core__on_info_reply(s, inst, in->reply);
        break;
    case CORE__CK_PUBLISH:
        core__on_publish_reply(s, inst, in->reply);
        break;
    case CORE__CK_ASK:
        core__on_ask_reply(s, inst, in->reply);
        break;
    case CORE__CK_SUBSCRIBE:
        CORE_UNREACHABLE();
    default:
        CORE_UNREACHABLE();
    }
}

/* Mirrors sentinelReceiveHelloMessages(). */
void core__on_message(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in->payload != NULL || in->payload_len == 0);
    uint32_t slot = core__conn_lookup(s, in->conn);
    CORE_ASSERT(in->kind == CORE_IN_MESSAGE);
    if (slot == CORE__NONE || !s->conns[slot].pubsub) { return; }
    struct core__link *l = &s->links[s->conns[slot].link];
    l->pc_last_activity = s->now;
    if (in->channel == NULL || in->payload == NULL) { return; }
    if (in->channel_len != strlen(CORE__HELLO_CHANNEL) ||
        memcmp(in->channel, CORE__HELLO_CHANNEL, in->channel_len) != 0) {
        return;
    }
    /* We are not interested in meeting ourselves. */
    for (size_t k = 0; k + CORE_RUNID_LEN <= in->payload_len; k++) {
        if (in->payload[k] == s->myid[0] && memcmp(in->payload + k, s->myid, CORE_RUNID_LEN) == 0) {
            return;
        }
    }
    core__process_hello(s, in->payload, in->payload_len);
}
