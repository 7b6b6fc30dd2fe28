/* core_world.c: the zero-latency test world of core_world.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/support/core_world.h"
#include "tests/support/core_test.h"

#define CW_CONNS_MAX   4096
#define CW_CLIENT_BASE 1000

struct cw_conn {
    int sentinel;
    uint32_t id;
    int node; /* target node, or -1 */
    int peer; /* target sentinel, or -1 */
    bool pubsub;
    bool subscribed;
    bool live;
};

struct cw_del {
    int sentinel;
    struct core_input in;
    struct core_reply *reply;
    char *strs[CORE_REPLY_ELEMENTS_MAX];
    size_t nstrs;
    const char **argv;
    size_t *argv_len;
    struct cw_del *next;
};

struct cw_deferred {
    int sentinel;
    uint32_t conn;
    uint64_t cmd;
    uint32_t argc;
    char *argv[8];
    size_t argv_len[8];
};

struct cw_pending {
    uint64_t client;
    int origin;
    uint32_t conn;
    uint64_t cmd;
};

struct cw {
    uint64_t now;
    struct core_sentinel *s[CW_SENTINELS_MAX];
    bool s_alive[CW_SENTINELS_MAX];
    int64_t offset[CW_SENTINELS_MAX];
    uint64_t due[CW_SENTINELS_MAX]; /* world ms of the next tick (monotonic timer) */
    char *persisted[CW_SENTINELS_MAX];
    int ns;
    bool explain;
    bool log_sends;
    bool have_limits; /* cw_set_limits() was called: use `limits`, not the defaults */
    struct core_limits limits;
    struct cw_node nodes[CW_NODES_MAX];
    int nn;
    struct cw_conn conns[CW_CONNS_MAX];
    int nc;
    struct cw_del *head, *tail;
    struct cw_pending pend[1024];
    struct cw_deferred *deferred;
    int ndeferred;
    int npend;
    uint64_t next_client;
    struct cw_event *ev;
    int nev, cap;
    struct core_reply *test_reply; /* reply to a cw_command() */
};

/* ---------------------------------------------------------------- replies */

static struct core_reply *rcopy(const struct core_reply *r);

static void rcopy_into(struct core_reply *d, const struct core_reply *r) {
    *d = *r;
    if (r->str != NULL) {
        char *p = malloc(r->len + 1);
        memcpy(p, r->str, r->len);
        p[r->len] = '\0';
        d->str = p;
    }
    if (r->type == CORE_REPLY_ARRAY && r->elements_len > 0) {
        struct core_reply *e = calloc(r->elements_len, sizeof(*e));
        for (size_t k = 0; k < r->elements_len; k++) {
            rcopy_into(&e[k], &r->elements[k]);
        }
        d->elements = e;
    }
}

static struct core_reply *rcopy(const struct core_reply *r) {
    struct core_reply *d = calloc(1, sizeof(*d));
    rcopy_into(d, r);
    return d;
}

static void rfree_inner(struct core_reply *r) {
    free((void *)(uintptr_t)r->str);
    if (r->type == CORE_REPLY_ARRAY && r->elements != NULL) {
        struct core_reply *e = (struct core_reply *)(uintptr_t)r->elements;
        for (size_t k = 0; k < r->elements_len; k++) {
            rfree_inner(&e[k]);
        }
        free(e);
    }
}

void cw_reply_free(struct core_reply *r) {
    if (r == NULL) { return; }
    rfree_inner(r);
    free(r);
}

static struct core_reply *rstatus(const char *s) {
    struct core_reply r = {.type = CORE_REPLY_STATUS, .str = s, .len = strlen(s)};
    if (s[0] == '-') {
        r.type = CORE_REPLY_ERROR;
        r.str = s + 1;
        r.len = strlen(s + 1);
    }
    return rcopy(&r);
}

static struct core_reply *rinteger(int64_t v) {
    struct core_reply r = {.type = CORE_REPLY_INTEGER, .integer = v};
    return rcopy(&r);
}

static struct core_reply *rbulk(const char *s) {
    struct core_reply r = {.type = CORE_REPLY_BULK, .str = s, .len = strlen(s)};
    return rcopy(&r);
}

/* ---------------------------------------------------------------- queue */

static struct cw_del *del_new(struct cw *w, int k, enum core_input_kind kind, uint32_t conn) {
    struct cw_del *d = calloc(1, sizeof(*d));
    d->sentinel = k;
    d->in.kind = kind;
    d->in.conn = conn;
    if (w->tail != NULL) {
        w->tail->next = d;
    } else {
        w->head = d;
    }
    w->tail = d;
    return d;
}

static void del_free(struct cw_del *d) {
    cw_reply_free(d->reply);
    for (size_t k = 0; k < d->nstrs; k++) {
        free(d->strs[k]);
    }
    if (d->argv != NULL) {
        for (uint32_t k = 0; k < d->in.argc; k++) {
            free((void *)(uintptr_t)d->argv[k]);
        }
    }
    free(d->argv);
    free(d->argv_len);
    free(d);
}

static char *keep(struct cw_del *d, const char *s, size_t n) {
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    d->strs[d->nstrs++] = p;
    return p;
}

static void deliver_reply(struct cw *w, int k, uint32_t conn, uint64_t cmd, struct core_reply *r) {
    struct cw_del *d = del_new(w, k, CORE_IN_REPLY, conn);
    d->in.cmd = cmd;
    d->reply = r;
    d->in.reply = r;
}

/* ---------------------------------------------------------------- set-up */

struct cw *cw_new(void) {
    struct cw *w = calloc(1, sizeof(*w));
    w->now = 1700000000000ull;
    w->next_client = CW_CLIENT_BASE;
    return w;
}

void cw_free(struct cw *w) {
    while (w->head != NULL) {
        struct cw_del *d = w->head;
        w->head = d->next;
        del_free(d);
    }
    for (int k = 0; k < w->ns; k++) {
        core_free(w->s[k]);
        free(w->persisted[k]);
    }
    cw_reply_free(w->test_reply);
    for (int j = 0; j < w->ndeferred; j++) {
        for (uint32_t a = 0; a < w->deferred[j].argc && a < 8; a++) {
            free(w->deferred[j].argv[a]);
        }
    }
    free(w->deferred);
    free(w->ev);
    free(w);
}

int cw_node(struct cw *w, const char *ip, uint16_t port, int master) {
    struct cw_node *n = &w->nodes[w->nn];
    memset(n, 0, sizeof(*n));
    snprintf(n->ip, sizeof(n->ip), "%s", ip);
    n->port = port;
    n->alive = true;
    n->is_master = master < 0;
    n->master = master;
    n->priority = 100;
    n->announced = 1;
    n->link_down_at = 0;
    snprintf(n->runid, sizeof(n->runid), "%040d", w->nn + 1);
    return w->nn++;
}

struct cw_node *cw_node_at(struct cw *w, int n) {
    return &w->nodes[n];
}

struct core_sentinel *cw_core(struct cw *w, int k) {
    return w->s[k];
}

void cw_set_explain(struct cw *w, bool on) {
    w->explain = on;
}

void cw_set_limits(struct cw *w, const struct core_limits *l) {
    w->limits = *l;
    w->have_limits = true;
}

void cw_log_sends(struct cw *w, bool on) {
    w->log_sends = on;
}

uint64_t cw_now(const struct cw *w) {
    return w->now;
}

void cw_clock_offset(struct cw *w, int k, int64_t offset_ms) {
    w->offset[k] = offset_ms;
}

bool cw_sentinel_alive(const struct cw *w, int k) {
    return w->s_alive[k];
}

const char *cw_persisted(const struct cw *w, int k) {
    return w->persisted[k];
}

static void handle_outputs(struct cw *w, int k, const struct core_output *o, size_t n);

static uint64_t clock_of(const struct cw *w, int k) {
    return (uint64_t)((int64_t)w->now + w->offset[k]);
}

static void step(struct cw *w, int k, const struct core_input *in) {
    const struct core_output *o;
    size_t n;
    if (!w->s_alive[k]) { return; }
    uint64_t clock = clock_of(w, k);
    int rc = core_step(w->s[k], clock, in, &o, &n);
    if (rc != CORE_OK) {
        fprintf(stderr, "core_step rc %d kind %d\n", rc, in->kind);
        abort();
    }
    /* Timers are monotonic (as ae's are): the period the core asks for is
     * waited in world time, whatever its own clock does meanwhile. */
    uint64_t deadline = core_deadline_ms(w->s[k]);
    w->due[k] = deadline == UINT64_MAX ? UINT64_MAX
                : deadline > clock     ? w->now + (deadline - clock)
                                       : w->now;
    handle_outputs(w, k, o, n);
}

int cw_sentinel(struct cw *w, const char *conf, uint64_t seed) {
    int k = w->ns++;
    struct core_limits l = w->have_limits ? w->limits : core_limits_default();
    struct core_options opts = {conf, strlen(conf), seed, w->explain};
    struct core_allocator a = core_test_malloc();
    struct core_error err;
    if (core_new(&l, &opts, &a, w->now, &w->s[k], &err) != CORE_OK) {
        fprintf(stderr, "core_new: line %u: %s\n", err.line, err.msg);
        abort();
    }
    w->s_alive[k] = true;
    struct core_input in = {.kind = CORE_IN_START};
    step(w, k, &in);
    return k;
}

/* ---------------------------------------------------------------- data nodes */

static bool node_link_up(const struct cw *w, const struct cw_node *n) {
    if (n->is_master || n->master < 0) { return false; }
    const struct cw_node *m = &w->nodes[n->master];
    return m->alive && !m->paused && m->is_master;
}

static void info_text(const struct cw *w, int idx, char *buf, size_t cap) {
    const struct cw_node *n = &w->nodes[idx];
    size_t len =
        (size_t)snprintf(buf, cap, "# Server\r\nrun_id:%s\r\n\r\n# Replication\r\n", n->runid);
    if (n->is_master) {
        len += (size_t)snprintf(buf + len, cap - len, "role:master\r\n");
    } else {
        const struct cw_node *m = &w->nodes[n->master];
        bool up = node_link_up(w, n);
        len += (size_t)snprintf(buf + len, cap - len,
                                "role:slave\r\nmaster_host:%s\r\nmaster_port:%u\r\n"
                                "master_link_status:%s\r\nslave_repl_offset:%llu\r\n",
                                m->ip, m->port, up ? "up" : "down", (unsigned long long)n->offset);
        if (!up) {
            long long down =
                n->link_down_at ? (long long)(w->now - (uint64_t)n->link_down_at) / 1000 : -1;
            len += (size_t)snprintf(buf + len, cap - len, "master_link_down_since_seconds:%lld\r\n",
                                    down);
        }
        len +=
            (size_t)snprintf(buf + len, cap - len,
                             "slave_priority:%d\r\nslave_read_only:1\r\nreplica_announced:%d\r\n",
                             n->priority, n->announced);
    }
    int slaves = 0;
    for (int j = 0; j < w->nn; j++) {
        const struct cw_node *r = &w->nodes[j];
        if (j == idx || !r->alive || r->is_master || r->master != idx || !node_link_up(w, r)) {
            continue;
        }
        len += (size_t)snprintf(buf + len, cap - len,
                                "slave%d:ip=%s,port=%u,state=online,offset=%llu,lag=0\r\n",
                                slaves++, r->ip, r->port, (unsigned long long)r->offset);
    }
    snprintf(buf + len, cap - len, "connected_slaves:%d\r\nmaster_repl_offset:%llu\r\n", slaves,
             (unsigned long long)n->offset);
}

static void kill_conn(struct cw *w, struct cw_conn *c) {
    c->live = false;
    del_new(w, c->sentinel, CORE_IN_CONN_DOWN, c->id);
}

static void publish(struct cw *w, int node, const char *payload, size_t len, int depth) {
    for (int j = 0; j < w->nc; j++) {
        struct cw_conn *c = &w->conns[j];
        if (!c->live || !c->subscribed || c->node != node) { continue; }
        struct cw_del *d = del_new(w, c->sentinel, CORE_IN_MESSAGE, c->id);
        d->in.channel = keep(d, "__sentinel__:hello", 18);
        d->in.channel_len = 18;
        d->in.payload = keep(d, payload, len);
        d->in.payload_len = len;
    }
    for (int j = 0; j < w->nn && depth < 4; j++) {
        if (w->nodes[j].alive && w->nodes[j].master == node && node_link_up(w, &w->nodes[j])) {
            publish(w, j, payload, len, depth + 1);
        }
    }
}

static int find_node(const struct cw *w, const char *ip, uint16_t port) {
    for (int j = 0; j < w->nn; j++) {
        if (w->nodes[j].port == port && strcmp(w->nodes[j].ip, ip) == 0) { return j; }
    }
    return -1;
}

static void node_slaveof(struct cw *w, int idx, const char *host, const char *port) {
    struct cw_node *n = &w->nodes[idx];
    if (n->deaf_slaveof) { return; }
    if (strcasecmp(host, "no") == 0) {
        n->is_master = true;
        n->master = -1;
        return;
    }
    int m = find_node(w, host, (uint16_t)atoi(port));
    if (m >= 0 && m != idx) {
        n->is_master = false;
        n->master = m;
        n->link_down_at = 0;
    }
}

static void client_kill(struct cw *w, const struct cw_conn *self, bool pubsub) {
    for (int j = 0; j < w->nc; j++) {
        struct cw_conn *c = &w->conns[j];
        if (c->live && c != self && c->node == self->node && c->pubsub == pubsub) {
            kill_conn(w, c);
        }
    }
}

static struct core_reply *node_command(struct cw *w,
                                       struct cw_conn *c,
                                       const struct core_output *o) {
    struct cw_node *n = &w->nodes[c->node];
    const char *cmd = o->argv[0];
    if (!strcasecmp(cmd, "PING")) { return rstatus(n->ping_reply ? n->ping_reply : "PONG"); }
    if (!strcasecmp(cmd, "INFO")) {
        char buf[4096];
        info_text(w, c->node, buf, sizeof(buf));
        return rbulk(buf);
    }
    if (!strcasecmp(cmd, "PUBLISH")) {
        publish(w, c->node, o->argv[2], o->argv_len[2], 0);
        return rinteger(1);
    }
    if (!strcasecmp(cmd, "SLAVEOF")) {
        node_slaveof(w, c->node, o->argv[1], o->argv[2]);
        return rstatus("OK");
    }
    if (!strcasecmp(cmd, "CLIENT") && o->argc == 4 && !strcasecmp(o->argv[1], "KILL")) {
        client_kill(w, c, !strcasecmp(o->argv[3], "pubsub"));
        return rinteger(0);
    }
    if (!strcasecmp(cmd, "SUBSCRIBE")) {
        c->subscribed = true;
        struct core_reply e[3] = {
            {.type = CORE_REPLY_BULK, .str = "subscribe", .len = 9},
            {.type = CORE_REPLY_BULK, .str = o->argv[1], .len = o->argv_len[1]},
            {.type = CORE_REPLY_INTEGER, .integer = 1}};
        struct core_reply a = {.type = CORE_REPLY_ARRAY, .elements = e, .elements_len = 3};
        return rcopy(&a);
    }
    if (!strcasecmp(cmd, "MULTI") || !strcasecmp(cmd, "CONFIG") || !strcasecmp(cmd, "EXEC")) {
        return rstatus("OK");
    }
    if (!strcasecmp(cmd, "AUTH") || !strcasecmp(cmd, "CLIENT") || !strcasecmp(cmd, "SCRIPT")) {
        return rstatus("OK");
    }
    return rstatus("-ERR unknown command");
}

/* ---------------------------------------------------------------- outputs */

static struct cw_conn *conn_of(struct cw *w, int k, uint32_t id) {
    for (int j = w->nc - 1; j >= 0; j--) {
        if (w->conns[j].sentinel == k && w->conns[j].id == id) { return &w->conns[j]; }
    }
    return NULL;
}

static void on_connect(struct cw *w, int k, const struct core_output *o) {
    struct cw_conn *c = &w->conns[w->nc++];
    if (w->nc >= CW_CONNS_MAX) { abort(); }
    memset(c, 0, sizeof(*c));
    c->sentinel = k;
    c->id = o->conn;
    c->pubsub = o->conn_kind == CORE_CONN_PUBSUB;
    c->node = find_node(w, o->ip, o->port);
    c->peer = -1;
    for (int j = 0; j < w->ns && c->node < 0; j++) {
        char ip[32];
        snprintf(ip, sizeof(ip), "10.0.0.%d", j + 1);
        if (o->port == 26379 && strcmp(ip, o->ip) == 0) { c->peer = j; }
    }
    bool up = (c->node >= 0 && w->nodes[c->node].alive) || (c->peer >= 0 && w->s_alive[c->peer]);
    c->live = up;
    struct cw_del *d = del_new(w, k, up ? CORE_IN_CONN_UP : CORE_IN_CONN_DOWN, o->conn);
    char ip[32];
    snprintf(ip, sizeof(ip), "10.0.0.%d", k + 1);
    d->in.local_ip = keep(d, ip, strlen(ip));
}

static void forward_to_peer(struct cw *w, struct cw_conn *c, const struct core_output *o) {
    struct cw_del *d = del_new(w, c->peer, CORE_IN_COMMAND, 0);
    d->in.client = w->next_client++;
    d->in.argc = o->argc;
    d->argv = calloc(o->argc, sizeof(*d->argv));
    d->argv_len = calloc(o->argc, sizeof(*d->argv_len));
    for (uint32_t j = 0; j < o->argc; j++) {
        char *p = malloc(o->argv_len[j] + 1);
        memcpy(p, o->argv[j], o->argv_len[j] + 1);
        d->argv[j] = p;
        d->argv_len[j] = o->argv_len[j];
    }
    d->in.argv = d->argv;
    d->in.argv_len = d->argv_len;
    struct cw_pending *p = &w->pend[w->npend++ % 1024];
    p->client = d->in.client;
    p->origin = c->sentinel;
    p->conn = c->id;
    p->cmd = o->cmd;
}

static void record(struct cw *w, int k, const struct core_output *o);

static void record_send(struct cw *w, int k, const struct core_output *o) {
    char text[512];
    size_t len = 0;
    text[0] = '\0';
    for (uint32_t j = 0; j < o->argc && len < sizeof(text) - 1; j++) {
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", j ? " " : "", o->argv[j]);
    }
    struct core_output rec = {.kind = CORE_OUT_SEND, .text = text, .text_len = strlen(text)};
    record(w, k, &rec);
    struct cw_conn *c = conn_of(w, k, o->conn);
    struct cw_event *e = &w->ev[w->nev - 1];
    if (c != NULL && c->node >= 0) {
        snprintf(e->peer, sizeof(e->peer), "%s:%u", w->nodes[c->node].ip, w->nodes[c->node].port);
    } else if (c != NULL && c->peer >= 0) {
        snprintf(e->peer, sizeof(e->peer), "10.0.0.%d:26379", c->peer + 1);
    }
}

static void on_send(struct cw *w, int k, const struct core_output *o) {
    if (w->log_sends) { record_send(w, k, o); }
    struct cw_conn *c = conn_of(w, k, o->conn);
    if (c == NULL || !c->live) { return; }
    if (c->peer >= 0) {
        if (w->s_alive[c->peer]) { forward_to_peer(w, c, o); }
        return;
    }
    struct cw_node *n = &w->nodes[c->node];
    if (!n->alive) { return; }
    if (n->paused) {
        w->deferred = realloc(w->deferred, (size_t)(w->ndeferred + 1) * sizeof(*w->deferred));
        struct cw_deferred *d = &w->deferred[w->ndeferred++];
        d->sentinel = k;
        d->conn = o->conn;
        d->cmd = o->cmd;
        d->argc = o->argc;
        for (uint32_t j = 0; j < o->argc && j < 8; j++) {
            d->argv[j] = strndup(o->argv[j], o->argv_len[j]);
            d->argv_len[j] = o->argv_len[j];
        }
        return;
    }
    deliver_reply(w, k, o->conn, o->cmd, node_command(w, c, o));
}

static void on_reply(struct cw *w, int k, const struct core_output *o) {
    if (o->client == 0) {
        cw_reply_free(w->test_reply);
        w->test_reply = rcopy(o->reply);
        return;
    }
    int n = w->npend < 1024 ? w->npend : 1024;
    for (int j = 0; j < n; j++) {
        struct cw_pending *p = &w->pend[j];
        if (p->client != o->client) { continue; }
        struct cw_conn *c = conn_of(w, p->origin, p->conn);
        if (c != NULL && c->live) { deliver_reply(w, p->origin, p->conn, p->cmd, rcopy(o->reply)); }
        p->client = 0;
        return;
    }
    (void)k;
}

static void record(struct cw *w, int k, const struct core_output *o) {
    if (w->nev == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->ev = realloc(w->ev, (size_t)w->cap * sizeof(*w->ev));
    }
    struct cw_event *e = &w->ev[w->nev++];
    memset(e, 0, sizeof(*e));
    e->t = w->now;
    e->sentinel = k;
    e->kind = o->kind;
    if (o->type != NULL) { snprintf(e->type, sizeof(e->type), "%s", o->type); }
    snprintf(e->text, sizeof(e->text), "%.*s", (int)o->text_len, o->text);
}

static void handle_outputs(struct cw *w, int k, const struct core_output *o, size_t n) {
    for (size_t j = 0; j < n; j++) {
        switch (o[j].kind) {
        case CORE_OUT_CONNECT:
            on_connect(w, k, &o[j]);
            break;
        case CORE_OUT_CLOSE: {
            struct cw_conn *c = conn_of(w, k, o[j].conn);
            if (c != NULL) { c->live = false; }
            break;
        }
        case CORE_OUT_SEND:
            on_send(w, k, &o[j]);
            break;
        case CORE_OUT_PERSIST:
            free(w->persisted[k]);
            w->persisted[k] = strndup(o[j].text, o[j].text_len);
            break;
        case CORE_OUT_REPLY:
            on_reply(w, k, &o[j]);
            break;
        case CORE_OUT_EVENT:
        case CORE_OUT_LOG:
        case CORE_OUT_EXPLAIN:
            record(w, k, &o[j]);
            break;
        case CORE_OUT_CRASH:
        case CORE_OUT_EXIT:
            cw_kill_sentinel(w, k);
            break;
        default:
            abort();
        }
    }
}

/* ---------------------------------------------------------------- running */

static void drain(struct cw *w) {
    while (w->head != NULL) {
        struct cw_del *d = w->head;
        w->head = d->next;
        if (w->head == NULL) { w->tail = NULL; }
        if (d->in.kind == CORE_IN_COMMAND || conn_of(w, d->sentinel, d->in.conn) == NULL ||
            conn_of(w, d->sentinel, d->in.conn)->live || d->in.kind == CORE_IN_CONN_DOWN) {
            step(w, d->sentinel, &d->in);
        }
        del_free(d);
    }
}

void cw_run(struct cw *w, uint64_t until_ms) {
    for (;;) {
        drain(w);
        int best = -1;
        uint64_t when = UINT64_MAX;
        for (int k = 0; k < w->ns; k++) {
            if (!w->s_alive[k]) { continue; }
            uint64_t t = w->due[k];
            if (t < when) {
                when = t;
                best = k;
            }
        }
        if (best < 0 || when > until_ms) { break; }
        if (when > w->now) { w->now = when; }
        struct core_input in = {.kind = CORE_IN_TICK};
        step(w, best, &in);
    }
    if (until_ms > w->now) { w->now = until_ms; }
}

void cw_kill_node(struct cw *w, int n) {
    w->nodes[n].alive = false;
    for (int j = 0; j < w->nc; j++) {
        if (w->conns[j].live && w->conns[j].node == n) { kill_conn(w, &w->conns[j]); }
    }
    for (int j = 0; j < w->nn; j++) {
        if (w->nodes[j].master == n) { w->nodes[j].link_down_at = (int64_t)w->now; }
    }
}

void cw_resume_node(struct cw *w, int n) {
    w->nodes[n].paused = false;
    int kept = 0;
    for (int j = 0; j < w->ndeferred; j++) {
        struct cw_deferred *d = &w->deferred[j];
        struct cw_conn *c = conn_of(w, d->sentinel, d->conn);
        if (c != NULL && c->node != n) {
            w->deferred[kept++] = *d;
            continue;
        }
        if (c != NULL && c->live) {
            struct core_output o = {.kind = CORE_OUT_SEND,
                                    .conn = d->conn,
                                    .cmd = d->cmd,
                                    .argc = d->argc,
                                    .argv = (const char *const *)d->argv,
                                    .argv_len = d->argv_len};
            deliver_reply(w, d->sentinel, d->conn, d->cmd, node_command(w, c, &o));
        }
        for (uint32_t a = 0; a < d->argc && a < 8; a++) {
            free(d->argv[a]);
        }
    }
    w->ndeferred = kept;
}

void cw_revive_node(struct cw *w, int n) {
    w->nodes[n].alive = true;
    snprintf(w->nodes[n].runid, sizeof(w->nodes[n].runid), "%040llu",
             (unsigned long long)w->now + (unsigned long long)n);
}

void cw_drop_conns_to_sentinel(struct cw *w, int k) {
    for (int j = 0; j < w->nc; j++) {
        if (w->conns[j].live && w->conns[j].peer == k) { kill_conn(w, &w->conns[j]); }
    }
}

void cw_kill_sentinel(struct cw *w, int k) {
    w->s_alive[k] = false;
    cw_drop_conns_to_sentinel(w, k);
    for (int j = 0; j < w->nc; j++) {
        if (w->conns[j].sentinel == k) { w->conns[j].live = false; }
    }
}

struct core_reply *cw_command(struct cw *w, int k, int argc, const char *const *argv) {
    size_t lens[32];
    for (int j = 0; j < argc; j++) {
        lens[j] = strlen(argv[j]);
    }
    struct core_input in = {.kind = CORE_IN_COMMAND,
                            .client = 0,
                            .argc = (uint32_t)argc,
                            .argv = argv,
                            .argv_len = lens};
    cw_reply_free(w->test_reply);
    w->test_reply = NULL;
    step(w, k, &in);
    drain(w);
    struct core_reply *r = w->test_reply;
    w->test_reply = NULL;
    return r;
}

/* ---------------------------------------------------------------- queries */

/* The kind a type selects: "" logs, ">" sends, "?" explains, else events. */
static enum core_output_kind kind_of_type(const char *type) {
    if (type[0] == '\0') { return CORE_OUT_LOG; }
    if (strcmp(type, ">") == 0) { return CORE_OUT_SEND; }
    if (strcmp(type, "?") == 0) { return CORE_OUT_EXPLAIN; }
    return CORE_OUT_EVENT;
}

int cw_find(const struct cw *w, int from, int k, const char *type, const char *text) {
    enum core_output_kind kind = kind_of_type(type);
    for (int j = from < 0 ? 0 : from; j < w->nev; j++) {
        const struct cw_event *e = &w->ev[j];
        if (k >= 0 && e->sentinel != k) { continue; }
        if (e->kind != kind || (kind == CORE_OUT_EVENT && strcmp(e->type, type) != 0)) { continue; }
        if (text != NULL && strstr(e->text, text) == NULL) { continue; }
        return j;
    }
    return -1;
}

int cw_count(const struct cw *w, int k, const char *type, const char *text) {
    int n = 0;
    for (int j = cw_find(w, 0, k, type, text); j >= 0; j = cw_find(w, j + 1, k, type, text)) {
        n++;
    }
    return n;
}

int cw_count_sends(const struct cw *w,
                   int k,
                   const char *peer,
                   const char *prefix,
                   uint64_t from_ms,
                   uint64_t to_ms) {
    int n = 0;
    for (int j = 0; j < w->nev; j++) {
        const struct cw_event *e = &w->ev[j];
        if (e->kind != CORE_OUT_SEND || e->sentinel != k || e->t < from_ms || e->t >= to_ms) {
            continue;
        }
        if (strcmp(e->peer, peer) == 0 && strncmp(e->text, prefix, strlen(prefix)) == 0) { n++; }
    }
    return n;
}

const struct cw_event *cw_event_at(const struct cw *w, int i) {
    return i >= 0 && i < w->nev ? &w->ev[i] : NULL;
}

int cw_events_len(const struct cw *w) {
    return w->nev;
}

void cw_dump(const struct cw *w, int from) {
    for (int j = from; j < w->nev; j++) {
        const struct cw_event *e = &w->ev[j];
        fprintf(stderr, "%8llu s%d %s %s %s\n", (unsigned long long)(e->t % 10000000), e->sentinel,
                e->kind == CORE_OUT_EVENT ? "EV "
                : e->kind == CORE_OUT_LOG ? "LOG"
                                          : "EXP",
                e->type, e->text);
    }
}
