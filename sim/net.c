/* net.c: virtual TCP between the simulated processes.
 *
 * Method: a connection has two ends (client, server), each owned by a
 * process, and each direction is an ordered queue of segments of which only
 * the head is scheduled: a segment arrives a drawn latency after it was sent
 * but never before the one ahead of it, as in a TCP stream. The outcomes
 * Sentinel cares about follow from what happens to the head:
 *   - a connect to a port nobody listens on, or to a dead process, is
 *     answered by a refusal one latency later (CONN_DOWN);
 *   - across a partition (checked per direction at each attempt) or when
 *     lost (an integer ratio drawn at each attempt) the head is sent again
 *     after a doubling RTO and everything behind it waits, so a connect
 *     hangs and commands get no reply until the path is back; the core's
 *     own inactivity rules close such links meanwhile;
 *   - a paused process's kernel completes connects but the process answers
 *     nothing: what arrives waits in its inbox, in order, until it resumes;
 *   - a process that dies resets every connection it had: each peer end
 *     receives a CLOSE one latency later (retransmitted like anything else).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "sim/check.h"
#include "sim/world.h"

/* ---------------------------------------------------------------- pools */

_Static_assert(sizeof(struct sim_conn) == 64, "a connection fills one cache line");
_Static_assert(sizeof(struct sim_msg) == 64, "a message fills one cache line");

/* Messages a hung sentinel-to-sentinel link may accumulate. A sentinel asks
 * every peer about each SDOWN master at every tick (a normal and a forced
 * round, with no pending-commands cap: spec §7.2.2, §19 item 23) until its
 * inactivity reset closes the link, at most MIN-LINK-RECONNECT-PERIOD plus
 * the largest down-after later (§4.4); ticks come at most every 50 ms. */
static uint64_t hung_asks_budget(const struct sim_world *w) {
    const struct scn *scn = w->scn;
    uint64_t down_after_max_ms = scn_timers_effective(scn).default_down_after_ms;
    for (uint32_t g = 0; g < scn->groups_len; g++) {
        uint64_t d = scn->groups[g].settings.down_after_ms;
        if (d > down_after_max_ms) { down_after_max_ms = d; }
    }
    uint64_t hang_s =
        (scn_timers_effective(scn).min_link_reconnect_period_ms + down_after_max_ms) / 1000 + 5;
    uint64_t s = w->sentinels_len;
    return s * (s > 0 ? s - 1 : 0) * scn->groups_len * 2 * 20 * hang_s;
}

static int slots_init(struct sim_slots *slots, uint32_t cap) {
    *slots = (struct sim_slots){.cap = cap};
    slots->free = malloc((size_t)cap * sizeof(*slots->free));
    return slots->free != NULL ? 0 : -1;
}

/* Takes the most recently freed slot (the likeliest still in cache), else
 * one from the untouched tail. */
static uint32_t slot_take(struct sim_slots *slots) {
    if (slots->free_len > 0) { return slots->free[--slots->free_len]; }
    SIM_ASSERT(slots->used < slots->cap); /* a fixed pool is exhausted: the run is out of bounds */
    return slots->used++;
}

static void slot_put(struct sim_slots *slots, uint32_t i) {
    SIM_ASSERT(i < slots->used && slots->free_len < slots->used);
    slots->free[slots->free_len++] = i;
}

int sim__net_init(struct sim_world *w) {
    uint32_t n = w->nodes_len, s = w->sentinels_len;
    uint32_t conns = 256 + 4 * s * (2 * n + s + 2);
    /* In flight, what paused processes may hold and what hung links pile up;
     * pools are touched lazily, so a generous bound costs address space only. */
    uint64_t msgs =
        4096 + (uint64_t)conns * 16 + (uint64_t)w->procs_len * SIM_INBOX_MAX + hung_asks_budget(w);
    SIM_ASSERT(msgs < UINT32_MAX / 2);
    uint32_t chunks = (uint32_t)msgs + 65536;
    /* Connections and messages on cache-line boundaries (one line each). */
    w->conns = aligned_alloc(64, (size_t)conns * sizeof(*w->conns));
    w->sessions = malloc((size_t)conns * sizeof(*w->sessions));
    w->msgs = aligned_alloc(64, msgs * sizeof(*w->msgs));
    w->chunks = malloc((size_t)chunks * sizeof(*w->chunks));
    w->bitset_bytes = (w->procs_len + 7) / 8;
    w->bitset_pool = calloc(2 * SIM_PARTITIONS_MAX, w->bitset_bytes);
    if (w->conns == NULL || w->sessions == NULL || w->msgs == NULL || w->chunks == NULL ||
        w->bitset_pool == NULL || slots_init(&w->conn_slots, conns) != 0 ||
        slots_init(&w->msg_slots, (uint32_t)msgs) != 0 ||
        slots_init(&w->chunk_slots, chunks) != 0) {
        return -1;
    }
    memset(w->conns, 0, (size_t)conns * sizeof(*w->conns));
    w->partitions_len = 0;
    return 0;
}

void sim__net_free(struct sim_world *w) {
    free(w->conns);
    free(w->sessions);
    free(w->msgs);
    free(w->chunks);
    free(w->conn_slots.free);
    free(w->msg_slots.free);
    free(w->chunk_slots.free);
    free(w->bitset_pool);
}

uint32_t sim__payload_new(struct sim_world *w, const uint8_t *bytes, uint32_t len) {
    uint32_t head = SIM_NONE;
    uint32_t *link = &head;
    for (uint32_t off = 0; off < len; off += SIM_CHUNK_DATA) {
        uint32_t c = slot_take(&w->chunk_slots);
        uint32_t n = len - off < SIM_CHUNK_DATA ? len - off : SIM_CHUNK_DATA;
        memcpy(w->chunks[c].data, bytes + off, n);
        w->chunks[c].next = SIM_NONE;
        *link = c;
        link = &w->chunks[c].next;
    }
    if (head != SIM_NONE) { w->chunks[head].refs = 1; }
    return head;
}

static uint32_t payload_ref(struct sim_world *w, uint32_t payload) {
    if (payload != SIM_NONE) { w->chunks[payload].refs++; }
    return payload;
}

void sim__payload_release(struct sim_world *w, uint32_t payload) {
    if (payload == SIM_NONE || --w->chunks[payload].refs > 0) { return; }
    for (uint32_t c = payload; c != SIM_NONE;) {
        uint32_t next = w->chunks[c].next;
        slot_put(&w->chunk_slots, c);
        c = next;
    }
}

/* A message carrying `payload` (one reference of which it takes over); the
 * caller fills in what it is. A reused slot keeps its generation, and is
 * only written: reading it first was a cache miss per message. */
static uint32_t msg_alloc(struct sim_world *w, uint32_t payload, uint32_t len) {
    bool fresh = w->msg_slots.free_len == 0;
    uint32_t m = slot_take(&w->msg_slots);
    struct sim_msg *msg = &w->msgs[m];
    if (fresh) { msg->gen = 0; }
    msg->tries = 0;
    msg->ready_ms = 0;
    msg->next = SIM_NONE;
    msg->len = len;
    msg->chunk = payload;
    return m;
}

void sim__msg_free(struct sim_world *w, uint32_t m) {
    SIM_ASSERT(m < w->msg_slots.used);
    sim__payload_release(w, w->msgs[m].chunk);
    w->msgs[m].chunk = SIM_NONE;
    w->msgs[m].gen++;
    slot_put(&w->msg_slots, m);
}

const uint8_t *sim__msg_payload(struct sim_world *w, uint32_t m) {
    const struct sim_msg *msg = &w->msgs[m];
    SIM_ASSERT(msg->len <= SIM_SCRATCH_BYTES);
    if (msg->len <= SIM_MSG_INLINE) { return msg->bytes; }
    /* Most payloads fit in one chunk: read them in place. */
    if (msg->len > 0 && msg->len <= SIM_CHUNK_DATA) { return w->chunks[msg->chunk].data; }
    uint32_t off = 0;
    for (uint32_t c = msg->chunk; c != SIM_NONE; c = w->chunks[c].next) {
        uint32_t n = msg->len - off < SIM_CHUNK_DATA ? msg->len - off : SIM_CHUNK_DATA;
        memcpy(w->scratch2 + off, w->chunks[c].data, n);
        off += n;
    }
    SIM_ASSERT(off == msg->len);
    return w->scratch2;
}

uint32_t sim__msg_clone(struct sim_world *w, uint32_t m) {
    const struct sim_msg *src = &w->msgs[m];
    uint32_t copy = msg_alloc(w, payload_ref(w, src->chunk), src->len);
    struct sim_msg *dst = &w->msgs[copy];
    dst->kind = src->kind;
    dst->to_end = src->to_end;
    dst->conn = src->conn;
    dst->conn_gen = src->conn_gen;
    dst->cmd = src->cmd;
    memcpy(dst->bytes, src->bytes, sizeof(dst->bytes));
    return copy;
}

bool sim__conn_live(const struct sim_world *w, uint32_t conn, uint32_t gen) {
    return conn < w->conn_slots.used && w->conns[conn].used && w->conns[conn].gen == gen;
}

/* ---------------------------------------------------------------- per-process end lists */

#define END_ID(conn, end) (((conn) << 1) | (uint32_t)(end))

static void end_link(struct sim_world *w, uint32_t conn, enum sim_end end) {
    struct sim_conn *c = &w->conns[conn];
    struct sim_proc *p = &w->procs[c->proc[end]];
    c->prev[end] = SIM_NONE;
    c->next[end] = p->conns;
    if (p->conns != SIM_NONE) {
        struct sim_conn *h = &w->conns[p->conns >> 1];
        h->prev[p->conns & 1] = END_ID(conn, end);
    }
    p->conns = END_ID(conn, end);
}

/* The subscriber list holds the subscribed server ends of a process in the
 * order of its end list (newest first), which is the order a PUBLISH
 * reaches them in; it spares a PUBLISH the walk over every client. */
void sim__net_subscribe(struct sim_world *w, uint32_t conn) {
    struct sim_conn *c = &w->conns[conn];
    SIM_ASSERT(c->open[SIM_END_SERVER]);
    if (c->subscribed) { return; }
    c->subscribed = true;
    struct sim_proc *p = &w->procs[c->proc[SIM_END_SERVER]];
    /* Join before the next older subscribed end, or at the tail. */
    uint32_t before = SIM_NONE, last = SIM_NONE;
    for (uint32_t e = c->next[SIM_END_SERVER]; e != SIM_NONE; e = w->conns[e >> 1].next[e & 1]) {
        if ((e & 1) == SIM_END_SERVER && w->conns[e >> 1].subscribed) {
            before = e >> 1;
            break;
        }
    }
    if (before == SIM_NONE) {
        for (uint32_t s = p->subs; s != SIM_NONE; s = w->conns[s].sub_next) {
            last = s;
        }
    } else {
        last = w->conns[before].sub_prev;
    }
    c->sub_prev = last;
    c->sub_next = before;
    if (last == SIM_NONE) {
        p->subs = conn;
    } else {
        w->conns[last].sub_next = conn;
    }
    if (before != SIM_NONE) { w->conns[before].sub_prev = conn; }
}

static void sub_unlink(struct sim_world *w, uint32_t conn) {
    struct sim_conn *c = &w->conns[conn];
    struct sim_proc *p = &w->procs[c->proc[SIM_END_SERVER]];
    if (c->sub_prev == SIM_NONE) {
        SIM_ASSERT(p->subs == conn);
        p->subs = c->sub_next;
    } else {
        w->conns[c->sub_prev].sub_next = c->sub_next;
    }
    if (c->sub_next != SIM_NONE) { w->conns[c->sub_next].sub_prev = c->sub_prev; }
    c->sub_prev = c->sub_next = SIM_NONE;
}

static void end_unlink(struct sim_world *w, uint32_t conn, enum sim_end end) {
    struct sim_conn *c = &w->conns[conn];
    struct sim_proc *p = &w->procs[c->proc[end]];
    if (end == SIM_END_SERVER && c->subscribed) { sub_unlink(w, conn); }
    if (c->prev[end] == SIM_NONE) {
        SIM_ASSERT(p->conns == END_ID(conn, end));
        p->conns = c->next[end];
    } else {
        w->conns[c->prev[end] >> 1].next[c->prev[end] & 1] = c->next[end];
    }
    if (c->next[end] != SIM_NONE) {
        w->conns[c->next[end] >> 1].prev[c->next[end] & 1] = c->prev[end];
    }
}

static void conn_release(struct sim_world *w, uint32_t conn) {
    struct sim_conn *c = &w->conns[conn];
    SIM_ASSERT(!c->open[0] && !c->open[1]);
    uint32_t lists[3] = {w->sessions[conn].multi_head, c->q_head[0], c->q_head[1]};
    for (int l = 0; l < 3; l++) {
        for (uint32_t m = lists[l]; m != SIM_NONE;) {
            uint32_t next = w->msgs[m].next;
            sim__msg_free(w, m);
            m = next;
        }
    }
    uint32_t gen = c->gen + 1;
    memset(c, 0, sizeof(*c));
    c->gen = gen;
    slot_put(&w->conn_slots, conn);
}

/* ---------------------------------------------------------------- links */

bool sim__net_blocked(const struct sim_world *w, uint32_t from, uint32_t to) {
    if (from == SIM_NONE || to == SIM_NONE) { return false; }
    for (uint32_t i = 0; i < w->partitions_len; i++) {
        const struct sim_partition *p = &w->partitions[i];
        bool from_a = (p->a[from / 8] >> (from % 8)) & 1;
        bool to_a = (p->a[to / 8] >> (to % 8)) & 1;
        bool from_b = p->b != NULL ? (p->b[from / 8] >> (from % 8)) & 1 : !from_a;
        bool to_b = p->b != NULL ? (p->b[to / 8] >> (to % 8)) & 1 : !to_a;
        if (from_a && to_b) { return true; }
        if (!p->one_way && from_b && to_a) { return true; }
    }
    return false;
}

bool sim__net_reachable(const struct sim_world *w, uint32_t p, uint32_t q) {
    const struct sim_proc *a = &w->procs[p], *b = &w->procs[q];
    if (!a->up || !b->up || a->paused || b->paused) { return false; }
    return !sim__net_blocked(w, p, q) && !sim__net_blocked(w, q, p);
}

uint64_t sim__net_latency_ms(struct sim_world *w, uint32_t from, uint32_t to) {
    struct scn_latency l = w->procs[from].latency;
    if (to != SIM_NONE) {
        const struct scn_latency *o = &w->procs[to].latency;
        if (o->min_ms > l.min_ms) { l.min_ms = o->min_ms; }
        if (o->max_ms > l.max_ms) { l.max_ms = o->max_ms; }
    }
    if (l.max_ms < l.min_ms) { l.max_ms = l.min_ms; }
    return sim_rng_range(&w->rng_net, l.min_ms, l.max_ms);
}

static bool lost(struct sim_world *w, uint32_t from, uint32_t to) {
    if (from == SIM_NONE) { return false; } /* a kernel's refusal for a free port */
    struct scn_ratio r = w->procs[from].loss;
    if (to != SIM_NONE) {
        const struct scn_ratio *o = &w->procs[to].loss;
        /* The lossier of the two ends decides: compare num/den by cross-multiplying. */
        if (o->den != 0 && (r.den == 0 || (uint64_t)o->num * r.den > (uint64_t)r.num * o->den)) {
            r = *o;
        }
    }
    return sim_rng_ratio(&w->rng_net, r.num, r.den);
}

/* TCP retransmission: the oldest undelivered segment of a direction is sent
 * again after an RTO that doubles each time (Linux: 200 ms minimum, 1 s for
 * the handshake), whether it was lost or cut off by a partition; everything behind
 * it waits (head-of-line blocking). Loss is drawn at each attempt, so a
 * loss setting that ends stops delaying at once. After this many attempts
 * the segment is given up (the kernel would reset the connection after
 * minutes; Sentinel closes such links long before). */
#define RETRIES_MAX 12

static uint64_t rto_ms(enum sim_msg_kind kind, uint32_t tries) {
    /* The handshake (SYN, and the SYN-ACK or RST a retransmitted SYN draws)
     * follows the SYN timer: 1 s, 2 s, 4 s ... */
    bool handshake = kind == SIM_MSG_CONNECT || kind == SIM_MSG_ACCEPT || kind == SIM_MSG_REFUSE;
    uint64_t base = handshake ? 1000 : 200;
    uint32_t shift = tries < 8 ? tries : 8;
    return base << shift;
}

static void push_delivery(struct sim_world *w, uint32_t m, uint64_t t) {
    sim_sched_push(&w->sched, t, SIM_EV_MSG, m, w->msgs[m].gen);
}

/* Removes the head of a direction's queue and arms the next one. */
static void dequeue(struct sim_world *w, uint32_t m) {
    struct sim_msg *msg = &w->msgs[m];
    struct sim_conn *c = &w->conns[msg->conn];
    enum sim_end end = msg->to_end;
    SIM_ASSERT(c->q_head[end] == m);
    c->q_head[end] = msg->next;
    if (c->q_head[end] == SIM_NONE) {
        c->q_tail[end] = SIM_NONE;
    } else {
        uint32_t next = c->q_head[end];
        uint64_t t = w->msgs[next].ready_ms > w->now_ms ? w->msgs[next].ready_ms : w->now_ms;
        push_delivery(w, next, t);
    }
    msg->next = SIM_NONE;
}

static uint32_t enqueue(struct sim_world *w,
                        uint32_t conn,
                        enum sim_end to_end,
                        enum sim_msg_kind kind,
                        uint64_t cmd,
                        uint32_t payload,
                        uint32_t len,
                        uint32_t from_proc,
                        uint32_t to_proc) {
    struct sim_conn *c = &w->conns[conn];
    uint32_t m = msg_alloc(w, payload, len);
    struct sim_msg *msg = &w->msgs[m];
    msg->kind = kind;
    msg->to_end = to_end;
    msg->conn = conn;
    msg->conn_gen = c->gen;
    msg->cmd = cmd;
    msg->ready_ms = w->now_ms + sim__net_latency_ms(w, from_proc, to_proc);
    if (c->q_tail[to_end] == SIM_NONE) {
        c->q_head[to_end] = c->q_tail[to_end] = m;
        push_delivery(w, m, msg->ready_ms);
    } else {
        w->msgs[c->q_tail[to_end]].next = m;
        c->q_tail[to_end] = m;
    }
    return m;
}

uint32_t sim__net_connect(struct sim_world *w,
                          uint32_t from_proc,
                          uint32_t to_proc,
                          uint32_t owner) {
    SIM_ASSERT(w->procs[from_proc].up);
    uint32_t conn = slot_take(&w->conn_slots);
    struct sim_conn *c = &w->conns[conn];
    uint32_t gen = c->gen;
    memset(c, 0, sizeof(*c));
    c->gen = gen;
    c->used = true;
    c->open[SIM_END_CLIENT] = true;
    c->proc[SIM_END_CLIENT] = from_proc;
    c->proc[SIM_END_SERVER] = to_proc;
    c->owner = owner;
    c->q_head[0] = c->q_head[1] = c->q_tail[0] = c->q_tail[1] = SIM_NONE;
    c->sub_prev = c->sub_next = SIM_NONE;
    struct sim_session *ss = &w->sessions[conn];
    ss->multi_head = ss->multi_tail = SIM_NONE;
    ss->multi_len = ss->pending_head = ss->pending_len = 0;
    end_link(w, conn, SIM_END_CLIENT);
    if (to_proc == SIM_NONE ||
        (!w->procs[to_proc].up && !sim__net_blocked(w, from_proc, to_proc))) {
        /* Nobody listens on that port: the peer's kernel refuses the SYN, and
         * the error comes back one latency later. */
        enqueue(w, conn, SIM_END_CLIENT, SIM_MSG_REFUSE, 0, SIM_NONE, 0, from_proc, to_proc);
    } else {
        enqueue(w, conn, SIM_END_SERVER, SIM_MSG_CONNECT, 0, SIM_NONE, 0, from_proc, to_proc);
    }
    return conn;
}

/* The destination process of a send from `from_end`, or SIM_NONE when the
 * connect is being refused (what is sent then goes nowhere). */
static uint32_t send_target(const struct sim_world *w, uint32_t conn, enum sim_end from_end) {
    const struct sim_conn *c = &w->conns[conn];
    SIM_ASSERT(c->used);
    SIM_ASSERT(c->open[from_end]);
    return c->proc[from_end == SIM_END_CLIENT ? SIM_END_SERVER : SIM_END_CLIENT];
}

void sim__net_send(struct sim_world *w,
                   uint32_t conn,
                   enum sim_end from_end,
                   enum sim_msg_kind kind,
                   uint64_t cmd,
                   const uint8_t *payload,
                   uint32_t len) {
    uint32_t to = send_target(w, conn, from_end);
    if (to == SIM_NONE) { return; }
    bool small = len <= SIM_MSG_INLINE;
    uint32_t m = enqueue(w, conn, from_end == SIM_END_CLIENT ? SIM_END_SERVER : SIM_END_CLIENT,
                         kind, cmd, small ? SIM_NONE : sim__payload_new(w, payload, len), len,
                         w->conns[conn].proc[from_end], to);
    if (small && len > 0) { memcpy(w->msgs[m].bytes, payload, len); }
}

void sim__net_send_shared(struct sim_world *w,
                          uint32_t conn,
                          enum sim_end from_end,
                          enum sim_msg_kind kind,
                          uint32_t payload,
                          uint32_t len) {
    if (len <= SIM_MSG_INLINE) {
        /* Too small to share: the message holds its own copy. */
        sim__net_send(w, conn, from_end, kind, 0, len > 0 ? w->chunks[payload].data : NULL, len);
        return;
    }
    uint32_t to = send_target(w, conn, from_end);
    if (to == SIM_NONE) { return; }
    enqueue(w, conn, from_end == SIM_END_CLIENT ? SIM_END_SERVER : SIM_END_CLIENT, kind, 0,
            payload_ref(w, payload), len, w->conns[conn].proc[from_end], to);
}

void sim__net_close(struct sim_world *w, uint32_t conn, enum sim_end end) {
    struct sim_conn *c = &w->conns[conn];
    SIM_ASSERT(c->used);
    if (!c->open[end]) { return; }
    c->open[end] = false;
    end_unlink(w, conn, end);
    enum sim_end other = end == SIM_END_CLIENT ? SIM_END_SERVER : SIM_END_CLIENT;
    if (c->open[other]) {
        enqueue(w, conn, other, SIM_MSG_CLOSE, 0, SIM_NONE, 0, c->proc[end], c->proc[other]);
    } else {
        /* A connect still in flight dies with the slot's generation. */
        conn_release(w, conn);
    }
}

void sim__net_proc_down(struct sim_world *w, uint32_t proc) {
    struct sim_proc *p = &w->procs[proc];
    while (p->conns != SIM_NONE) {
        uint32_t id = p->conns;
        sim__net_close(w, id >> 1, (enum sim_end)(id & 1));
    }
    uint32_t m = p->inbox_head;
    while (m != SIM_NONE) {
        uint32_t next = w->msgs[m].next;
        sim__msg_free(w, m);
        m = next;
    }
    p->inbox_head = p->inbox_tail = SIM_NONE;
    p->inbox_len = 0;
}

/* ---------------------------------------------------------------- delivery */

/* Returns the destination process of a message still worth delivering, or SIM_NONE. */
static uint32_t destination(const struct sim_world *w, const struct sim_msg *msg) {
    if (!sim__conn_live(w, msg->conn, msg->conn_gen)) { return SIM_NONE; }
    const struct sim_conn *c = &w->conns[msg->conn];
    if (msg->kind == SIM_MSG_CONNECT) {
        return c->open[SIM_END_CLIENT] ? c->proc[SIM_END_SERVER] : SIM_NONE;
    }
    /* Data sent right after a connect follows the SYN: while the server has
     * not handled it yet (paused), it queues behind it. */
    bool pending = msg->to_end == SIM_END_SERVER && !c->accepted && c->open[SIM_END_CLIENT];
    return c->open[msg->to_end] || pending ? c->proc[msg->to_end] : SIM_NONE;
}

static void handle(struct sim_world *w, uint32_t m) {
    struct sim_msg *msg = &w->msgs[m];
    uint32_t conn = msg->conn;
    struct sim_conn *c = &w->conns[conn];
    switch (msg->kind) {
    case SIM_MSG_CONNECT:
        c->open[SIM_END_SERVER] = true;
        c->accepted = true;
        end_link(w, conn, SIM_END_SERVER);
        sim__net_send(w, conn, SIM_END_SERVER, SIM_MSG_ACCEPT, 0, NULL, 0);
        sim__msg_free(w, m);
        return;
    case SIM_MSG_REFUSE:
    case SIM_MSG_CLOSE: {
        enum sim_end end = msg->to_end;
        uint32_t gen = msg->conn_gen;
        sim__dispatch(w, m);
        sim__msg_free(w, m);
        if (sim__conn_live(w, conn, gen)) { sim__net_close(w, conn, end); }
        return;
    }
    case SIM_MSG_ACCEPT:
    case SIM_MSG_CMD:
    case SIM_MSG_REPLY:
    case SIM_MSG_PUSH:
        /* The SYN itself was lost: what follows it has no connection to join. */
        if (!c->open[msg->to_end]) {
            sim__msg_free(w, m);
            return;
        }
        sim__dispatch(w, m);
        sim__msg_free(w, m);
        return;
    }
    SIM_UNREACHABLE();
}

void sim__net_deliver(struct sim_world *w, uint32_t m, uint64_t gen) {
    struct sim_msg *msg = &w->msgs[m];
    if (msg->gen != gen) { return; } /* freed with its connection meanwhile */
    SIM_ASSERT(sim__conn_live(w, msg->conn, msg->conn_gen));
    uint32_t to = destination(w, msg);
    if (to == SIM_NONE) {
        dequeue(w, m);
        sim__msg_free(w, m);
        return;
    }
    const struct sim_conn *c = &w->conns[msg->conn];
    enum sim_end from_end = msg->to_end == SIM_END_CLIENT ? SIM_END_SERVER : SIM_END_CLIENT;
    uint32_t from = c->proc[from_end];
    if (sim__net_blocked(w, from, to) || lost(w, from, to)) {
        if (msg->tries == RETRIES_MAX) {
            dequeue(w, m);
            sim__msg_free(w, m);
            return;
        }
        push_delivery(w, m, w->now_ms + rto_ms(msg->kind, msg->tries++));
        return;
    }
    const struct sim_proc *dest = &w->procs[to];
    if (dest->up && dest->paused && msg->kind != SIM_MSG_CONNECT &&
        dest->inbox_len >= SIM_INBOX_MAX) {
        /* A stopped process's socket buffers are full: its window is zero,
         * so the sender keeps the segment and probes again later. */
        push_delivery(w, m, w->now_ms + 1000);
        return;
    }
    dequeue(w, m);
    struct sim_proc *p = &w->procs[to];
    if (!p->up) {
        /* A dead process's ends were all reset: only a connect (refused) or
         * data queued behind one can still be heading for it. */
        SIM_ASSERT(msg->kind == SIM_MSG_CONNECT || !c->accepted);
        if (msg->kind != SIM_MSG_CONNECT) {
            sim__msg_free(w, m);
            return;
        }
        enqueue(w, msg->conn, SIM_END_CLIENT, SIM_MSG_REFUSE, 0, SIM_NONE, 0, to,
                c->proc[SIM_END_CLIENT]);
        sim__msg_free(w, m);
        return;
    }
    if (p->paused && msg->kind == SIM_MSG_CONNECT) {
        /* The kernel completes the handshake of a stopped process (listen
         * backlog): the connect succeeds, then nothing is answered. */
        handle(w, m);
        return;
    }
    if (p->paused) {
        SIM_ASSERT(p->inbox_len < SIM_INBOX_MAX); /* checked before dequeuing */
        p->inbox_len++;
        msg->next = SIM_NONE;
        if (p->inbox_tail == SIM_NONE) {
            p->inbox_head = m;
        } else {
            w->msgs[p->inbox_tail].next = m;
        }
        p->inbox_tail = m;
        return;
    }
    handle(w, m);
}

void sim__net_resume(struct sim_world *w, uint32_t proc) {
    struct sim_proc *p = &w->procs[proc];
    SIM_ASSERT(p->up);
    SIM_ASSERT(!p->paused);
    while (p->inbox_head != SIM_NONE && p->up && !p->paused) {
        uint32_t m = p->inbox_head;
        p->inbox_head = w->msgs[m].next;
        p->inbox_len--;
        if (p->inbox_head == SIM_NONE) { p->inbox_tail = SIM_NONE; }
        if (destination(w, &w->msgs[m]) != proc) {
            sim__msg_free(w, m);
            continue;
        }
        handle(w, m);
    }
}

/* ---------------------------------------------------------------- partitions */

static uint8_t *set_bits(struct sim_world *w, uint32_t slot, const struct scn_set *set) {
    uint8_t *bits = w->bitset_pool + (size_t)slot * w->bitset_bytes;
    memset(bits, 0, w->bitset_bytes);
    for (uint32_t i = 0; i < set->len; i++) {
        uint32_t p = set->items[i].kind == SCN_PROC_NODE ? set->items[i].index
                                                         : w->nodes_len + set->items[i].index;
        SIM_ASSERT(p < w->procs_len);
        bits[p / 8] |= (uint8_t)(1u << (p % 8));
    }
    return bits;
}

void sim__net_partition(struct sim_world *w,
                        const struct scn_set *a,
                        const struct scn_set *b,
                        bool one_way) {
    SIM_ASSERT(w->partitions_len < SIM_PARTITIONS_MAX); /* more cuts at once than supported */
    uint32_t i = w->partitions_len++;
    w->partitions[i].a = set_bits(w, 2 * i, a);
    w->partitions[i].b = b->len > 0 ? set_bits(w, 2 * i + 1, b) : NULL;
    w->partitions[i].one_way = one_way;
}

void sim__net_heal(struct sim_world *w) {
    w->partitions_len = 0;
}
