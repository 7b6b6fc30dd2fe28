/* core_hostile.c: the single-sentinel world of core_hostile.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/support/core_hostile.h"
#include "tests/support/core_test.h"

#define HW_NODES    4
#define HW_CONNS    1024
#define HW_TEXT_MAX 4096

struct hw_node {
    const char *ip;
    uint16_t port;
    bool alive;
    bool is_master;
    int master; /* node it replicates from, or -1 */
    const char *runid;
    hw_answer_fn answer;
    void *ud;
};

struct hw_conn {
    uint32_t id;
    int node;
    bool pubsub, live;
};

/* One input waiting in the FIFO, with the storage an honest reply uses
 * (own[0], its elements own[1..3], text, channel). The queue may move, so
 * those pointers are set only when the input is consumed (own_reply). */
struct hw_del {
    struct core_input in;
    bool own_reply;
    struct core_reply own[4];
    char text[HW_TEXT_MAX];
    char channel[64];
};

struct hw_rec {
    char type[48];
    char text[256];
    int node; /* SEND records: the target node; else -1 */
};

struct hw {
    struct core_sentinel *s;
    uint64_t now;
    struct hw_node nodes[HW_NODES];
    struct hw_conn conns[HW_CONNS];
    int nconns;
    struct hw_del *q;
    size_t qhead, qlen, qcap;
    struct hw_rec *rec;
    int nrec, caprec;
};

static const char conf_base[] = "sentinel myid 0000000000000000000000000000000000000001\n"
                                "sentinel monitor good 10.0.1.1 6379 1\n"
                                "sentinel down-after-milliseconds good 1000\n"
                                "sentinel failover-timeout good 10000\n"
                                "sentinel monitor bad 10.0.2.1 6379 1\n"
                                "sentinel down-after-milliseconds bad 1000\n"
                                "sentinel failover-timeout bad 10000\n"
                                "sentinel auth-pass bad s3cret\n";
static const char conf_peer[] = "sentinel known-sentinel bad 10.0.0.9 26379 " HW_PEER_ID "\n";

static void record(struct hw *w, const char *type, const char *text, size_t len, int node) {
    if (w->nrec == w->caprec) {
        w->caprec = w->caprec ? 2 * w->caprec : 512;
        w->rec = realloc(w->rec, (size_t)w->caprec * sizeof(*w->rec));
        if (w->rec == NULL) { abort(); }
    }
    struct hw_rec *r = &w->rec[w->nrec++];
    snprintf(r->type, sizeof(r->type), "%s", type);
    snprintf(r->text, sizeof(r->text), "%.*s", (int)len, text);
    r->node = node;
}

static struct hw_del *push(struct hw *w, enum core_input_kind kind, uint32_t conn) {
    if (w->qhead + w->qlen == w->qcap) {
        if (w->qhead > 0) {
            memmove(w->q, w->q + w->qhead, w->qlen * sizeof(*w->q));
            w->qhead = 0;
        } else {
            w->qcap = w->qcap ? 2 * w->qcap : 64;
            w->q = realloc(w->q, w->qcap * sizeof(*w->q));
            if (w->q == NULL) { abort(); }
        }
    }
    struct hw_del *d = &w->q[w->qhead + w->qlen++];
    memset(d, 0, sizeof(*d));
    d->in.kind = kind;
    d->in.conn = conn;
    return d;
}

static struct hw_conn *conn_of(struct hw *w, uint32_t id) {
    for (int j = w->nconns - 1; j >= 0; j--) {
        if (w->conns[j].id == id) { return &w->conns[j]; }
    }
    return NULL;
}

static int node_at(const struct hw *w, const char *ip, uint16_t port) {
    for (int j = 0; j < HW_NODES; j++) {
        if (w->nodes[j].port == port && strcmp(w->nodes[j].ip, ip) == 0) { return j; }
    }
    return -1;
}

/* ---------------------------------------------------------------- honest nodes */

static size_t info_text(const struct hw *w, int idx, char *b, size_t cap) {
    const struct hw_node *n = &w->nodes[idx];
    size_t len =
        (size_t)snprintf(b, cap, "# Server\r\nrun_id:%s\r\n\r\n# Replication\r\n", n->runid);
    if (!n->is_master) {
        const struct hw_node *m = &w->nodes[n->master];
        len += (size_t)snprintf(b + len, cap - len,
                                "role:slave\r\nmaster_host:%s\r\nmaster_port:%u\r\n"
                                "master_link_status:%s\r\nslave_repl_offset:100\r\n"
                                "slave_priority:100\r\nreplica_announced:1\r\n",
                                m->ip, m->port, m->alive ? "up" : "down");
    } else {
        len += (size_t)snprintf(b + len, cap - len, "role:master\r\n");
    }
    int k = 0;
    for (int j = 0; j < HW_NODES; j++) {
        const struct hw_node *r = &w->nodes[j];
        if (r->alive && !r->is_master && r->master == idx) {
            len += (size_t)snprintf(b + len, cap - len,
                                    "slave%d:ip=%s,port=%u,state=online,offset=100,lag=0\r\n", k++,
                                    r->ip, r->port);
        }
    }
    len += (size_t)snprintf(b + len, cap - len, "connected_slaves:%d\r\n", k);
    return len;
}

static void slaveof(struct hw *w, int idx, const struct core_output *o) {
    struct hw_node *n = &w->nodes[idx];
    if (o->argc < 3) { return; }
    if (strcasecmp(o->argv[1], "NO") == 0) {
        n->is_master = true;
        n->master = -1;
        return;
    }
    int m = node_at(w, o->argv[1], (uint16_t)atoi(o->argv[2]));
    if (m >= 0 && m != idx) {
        n->is_master = false;
        n->master = m;
    }
}

/* The honest reply, built in the storage of the delivery that carries it. */
static const struct core_reply *honest_into(struct hw *w,
                                            int node,
                                            const struct core_output *o,
                                            struct hw_del *d) {
    const char *verb = o->argv[0];
    struct core_reply *r = &d->own[0];
    *r = (struct core_reply){.type = CORE_REPLY_STATUS, .str = "OK", .len = 2};
    if (strcasecmp(verb, "PING") == 0) {
        *r = (struct core_reply){.type = CORE_REPLY_STATUS, .str = "PONG", .len = 4};
    } else if (strcasecmp(verb, "INFO") == 0) {
        size_t n = info_text(w, node, d->text, sizeof(d->text));
        *r = (struct core_reply){.type = CORE_REPLY_BULK, .len = n};
    } else if (strcasecmp(verb, "PUBLISH") == 0) {
        *r = (struct core_reply){.type = CORE_REPLY_INTEGER, .integer = 1};
    } else if (strcasecmp(verb, "SUBSCRIBE") == 0 && o->argc == 2) {
        snprintf(d->channel, sizeof(d->channel), "%s", o->argv[1]);
        d->own[1] = (struct core_reply){.type = CORE_REPLY_BULK, .str = "subscribe", .len = 9};
        d->own[2] = (struct core_reply){.type = CORE_REPLY_BULK, .len = strlen(d->channel)};
        d->own[3] = (struct core_reply){.type = CORE_REPLY_INTEGER, .integer = 1};
        *r = (struct core_reply){.type = CORE_REPLY_ARRAY, .elements_len = 3};
    } else if (strcasecmp(verb, "SLAVEOF") == 0 || strcasecmp(verb, "REPLICAOF") == 0) {
        slaveof(w, node, o);
    }
    return r;
}

const struct core_reply *hw_honest(struct hw *w, int node, const struct core_output *o) {
    /* The reply lives in the last queued delivery, reserved by on_send(). */
    struct hw_del *d = &w->q[w->qhead + w->qlen - 1];
    return honest_into(w, node, o, d);
}

/* ---------------------------------------------------------------- the core */

static void handle(struct hw *w, const struct core_output *o, size_t n);

static void step(struct hw *w, const struct core_input *in) {
    const struct core_output *o;
    size_t n;
    int rc = core_step(w->s, w->now, in, &o, &n);
    if (rc != CORE_OK) {
        fprintf(stderr, "core_hostile: core_step rc %d for input kind %d\n", rc, in->kind);
        abort();
    }
    handle(w, o, n);
}

static void on_connect(struct hw *w, const struct core_output *o) {
    if (w->nconns == HW_CONNS) { abort(); }
    struct hw_conn *c = &w->conns[w->nconns++];
    c->id = o->conn;
    c->node = node_at(w, o->ip, o->port);
    c->pubsub = o->conn_kind == CORE_CONN_PUBSUB;
    c->live = c->node >= 0 && w->nodes[c->node].alive;
    struct hw_del *d = push(w, c->live ? CORE_IN_CONN_UP : CORE_IN_CONN_DOWN, o->conn);
    d->in.local_ip = "10.0.0.1";
}

static void on_send(struct hw *w, const struct core_output *o) {
    struct hw_conn *c = conn_of(w, o->conn);
    if (c == NULL || !c->live) { return; }
    char argv0[32];
    snprintf(argv0, sizeof(argv0), "%.*s", (int)o->argv_len[0], o->argv[0]);
    record(w, ">", argv0, strlen(argv0), c->node);
    struct hw_del *d = push(w, CORE_IN_REPLY, o->conn);
    d->in.cmd = o->cmd;
    struct hw_node *n = &w->nodes[c->node];
    const struct core_reply *r =
        n->answer != NULL ? n->answer(w, c->node, o, n->ud) : honest_into(w, c->node, o, d);
    d = &w->q[w->qhead + w->qlen - 1]; /* hooks queue nothing: still the last slot */
    if (r == HW_NO_ANSWER) {
        w->qlen--;
    } else if (r == &d->own[0]) {
        d->own_reply = true;
    } else {
        d->in.reply = r;
    }
}

static void handle(struct hw *w, const struct core_output *o, size_t n) {
    for (size_t j = 0; j < n; j++) {
        switch (o[j].kind) {
        case CORE_OUT_CONNECT:
            on_connect(w, &o[j]);
            break;
        case CORE_OUT_CLOSE: {
            struct hw_conn *c = conn_of(w, o[j].conn);
            if (c != NULL) { c->live = false; }
            break;
        }
        case CORE_OUT_SEND:
            on_send(w, &o[j]);
            break;
        case CORE_OUT_EVENT:
            record(w, o[j].type, o[j].text, o[j].text_len, -1);
            break;
        case CORE_OUT_LOG:
            record(w, "", o[j].text, o[j].text_len, -1);
            break;
        case CORE_OUT_PERSIST:
        case CORE_OUT_REPLY:
        case CORE_OUT_EXPLAIN:
            break;
        case CORE_OUT_CRASH:
        case CORE_OUT_EXIT:
        default:
            fprintf(stderr, "core_hostile: unexpected output kind %d\n", o[j].kind);
            abort();
        }
    }
}

static void drain(struct hw *w) {
    while (w->qlen > 0) {
        /* Nothing is queued while the core reads d (outputs come after). */
        struct hw_del *d = &w->q[w->qhead++];
        w->qlen--;
        struct hw_conn *c = conn_of(w, d->in.conn);
        if (c != NULL && !c->live && d->in.kind != CORE_IN_CONN_DOWN) { continue; }
        if (d->own_reply) {
            d->in.reply = &d->own[0];
            d->own[0].elements = d->own[0].type == CORE_REPLY_ARRAY ? &d->own[1] : NULL;
            d->own[0].str = d->own[0].type == CORE_REPLY_BULK ? d->text : d->own[0].str;
            d->own[2].str = d->channel;
        }
        step(w, &d->in);
    }
}

/* ---------------------------------------------------------------- API */

struct hw *hw_new(bool with_peer) {
    struct hw *w = calloc(1, sizeof(*w));
    if (w == NULL) { abort(); }
    static const struct hw_node init[HW_NODES] = {
        {"10.0.1.1", 6379, true, true, -1, "1111111111111111111111111111111111111111", NULL, NULL},
        {"10.0.1.2", 6379, true, false, 0, "2222222222222222222222222222222222222222", NULL, NULL},
        {"10.0.2.1", 6379, true, true, -1, "3333333333333333333333333333333333333333", NULL, NULL},
        {"10.0.0.9", 26379, true, true, -1, HW_PEER_ID, NULL, NULL},
    };
    memcpy(w->nodes, init, sizeof(init));
    char conf[1024];
    snprintf(conf, sizeof(conf), "%s%s", conf_base, with_peer ? conf_peer : "");
    struct core_limits l = core_limits_default();
    struct core_options opts = {conf, strlen(conf), 7, false};
    struct core_allocator a = core_test_malloc();
    struct core_error err;
    w->now = 1000000;
    if (core_new(&l, &opts, &a, w->now, &w->s, &err) != CORE_OK) {
        fprintf(stderr, "core_hostile: core_new: line %u: %s\n", err.line, err.msg);
        abort();
    }
    struct core_input start = {.kind = CORE_IN_START};
    step(w, &start);
    return w;
}

void hw_free(struct hw *w) {
    if (w == NULL) { return; }
    core_free(w->s);
    free(w->q);
    free(w->rec);
    free(w);
}

void hw_set_answer(struct hw *w, int node, hw_answer_fn fn, void *ud) {
    w->nodes[node].answer = fn;
    w->nodes[node].ud = ud;
}

void hw_kill(struct hw *w, int node) {
    w->nodes[node].alive = false;
    for (int j = 0; j < w->nconns; j++) {
        struct hw_conn *c = &w->conns[j];
        if (c->live && c->node == node) {
            c->live = false;
            push(w, CORE_IN_CONN_DOWN, c->id);
        }
    }
    drain(w);
}

void hw_run(struct hw *w, uint64_t ms) {
    uint64_t until = w->now + ms;
    for (;;) {
        drain(w);
        uint64_t d = core_deadline_ms(w->s);
        if (d > until) { break; }
        if (d > w->now) { w->now = d; }
        struct core_input tick = {.kind = CORE_IN_TICK};
        step(w, &tick);
    }
    w->now = until;
}

bool hw_message(struct hw *w, int node, const char *channel, const char *payload, size_t len) {
    for (int j = w->nconns - 1; j >= 0; j--) {
        struct hw_conn *c = &w->conns[j];
        if (!c->live || !c->pubsub || c->node != node) { continue; }
        struct core_input in = {.kind = CORE_IN_MESSAGE,
                                .conn = c->id,
                                .channel = channel,
                                .channel_len = strlen(channel),
                                .payload = payload,
                                .payload_len = len};
        step(w, &in);
        drain(w);
        return true;
    }
    return false;
}

struct core_sentinel *hw_core(struct hw *w) {
    return w->s;
}

int hw_count(const struct hw *w, const char *type, const char *text) {
    int n = 0;
    for (int j = 0; j < w->nrec; j++) {
        const struct hw_rec *r = &w->rec[j];
        n += strcmp(r->type, type) == 0 && (text == NULL || strstr(r->text, text) != NULL);
    }
    return n;
}

int hw_connects(const struct hw *w, int node, bool pubsub) {
    int n = 0;
    for (int j = 0; j < w->nconns; j++) {
        n += w->conns[j].node == node && w->conns[j].pubsub == pubsub;
    }
    return n;
}

int hw_sent(const struct hw *w, int node, const char *verb) {
    int n = 0;
    for (int j = 0; j < w->nrec; j++) {
        const struct hw_rec *r = &w->rec[j];
        n += r->node == node && r->type[0] == '>' && strcasecmp(r->text, verb) == 0;
    }
    return n;
}

void hw_dump(const struct hw *w) {
    for (int j = 0; j < w->nrec; j++) {
        if (w->rec[j].type[0] != '>') {
            fprintf(stderr, "  %s %s\n", w->rec[j].type, w->rec[j].text);
        }
    }
}
