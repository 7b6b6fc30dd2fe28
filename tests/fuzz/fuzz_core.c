/* fuzz_core.c: libFuzzer target for whole core_step() sequences.
 *
 * Method: one sentinel core is started from one of a few config files and
 * then driven by the input bytes, which pick each next input: a tick
 * (time moves forward to at least the deadline; sometimes the clock jumps
 * by +-3 s), a connection of the core's going up or down, a reply to the
 * oldest outstanding command on a connection (PING, INFO and the rest get
 * plausible replies built from the bytes: INFO texts with fuzzed roles,
 * replicas and links), a hello on a Pub/Sub connection, or a command from a
 * client (the SENTINEL subcommands with fuzzed arguments). Every input is
 * valid for the seam, so checked are: core_step() returns CORE_OK; no
 * CORE_ASSERT fires (the default handler traps); outputs are well formed
 * (fresh connection ids, sends only on open connections with increasing
 * command ids and NUL-terminated words, replies only to the client that
 * asked, events named +x/-x); the current epoch never decreases; and
 * the last persisted config file loads into a new core with the same id.
 *
 * fuzz-sources: core
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CONNS_MAX 256
#define PEND_MAX  512
#define OPS_MAX   3000

#define ID0 "00000000000000000000000000000000000000a0"
#define ID1 "11111111111111111111111111111111111111b1"
#define ID2 "22222222222222222222222222222222222222c2"

static const char *const confs[] = {
    "sentinel myid " ID0 "\nsentinel monitor mymaster 10.0.1.1 6379 2\n"
    "sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 4000\n"
    "sentinel known-replica mymaster 10.0.1.2 6379\n"
    "sentinel known-sentinel mymaster 10.0.0.2 26379 " ID1 "\n"
    "sentinel known-sentinel mymaster 10.0.0.3 26379 " ID2 "\n",
    "sentinel monitor mymaster 10.0.1.1 6379 1\nsentinel down-after-milliseconds mymaster 500\n"
    "sentinel failover-timeout mymaster 2000\nsentinel parallel-syncs mymaster 2\n",
    "port 26380\nsentinel myid " ID0 "\nsentinel monitor a 10.0.1.1 6379 2\n"
    "sentinel monitor b 10.0.1.2 6379 1\nsentinel known-replica b 10.0.1.3 6379\n"
    "sentinel current-epoch 3\nsentinel config-epoch a 2\nsentinel leader-epoch a 3\n",
};

static const char *const ips[] = {"10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.0.2", "10.0.0.3"};
static const char *const ids[] = {ID0, ID1, ID2, "*"};
static const char *const names[] = {"mymaster", "a", "b", "nosuch"};

struct conn {
    uint32_t id;
    bool pubsub, up, open;
    char ip[16];
    uint16_t port;
};

struct pend {
    uint32_t conn;
    uint64_t cmd;
    char name[16];
};

struct fz {
    struct core_sentinel *s;
    uint64_t now;
    struct conn conns[CONNS_MAX];
    uint32_t nconns;
    struct pend pend[PEND_MAX];
    uint32_t npend;
    uint64_t last_cmd;
    uint64_t epoch;
    char *persisted;
    bool stopped;
    char scratch[8192];
};

static struct conn *conn_by_id(struct fz *f, uint32_t id) {
    for (uint32_t j = 0; j < f->nconns; j++) {
        if (f->conns[j].id == id) { return &f->conns[j]; }
    }
    return NULL;
}

static void on_output(struct fz *f, const struct core_output *o) {
    switch (o->kind) {
    case CORE_OUT_CONNECT:
        CHECK(o->ip != NULL && o->port != 0);
        CHECK(conn_by_id(f, o->conn) == NULL); /* ids are never reused */
        if (f->nconns < CONNS_MAX) {
            struct conn *c = &f->conns[f->nconns++];
            *c = (struct conn){o->conn, o->conn_kind == CORE_CONN_PUBSUB, false, true, "", 0};
            snprintf(c->ip, sizeof(c->ip), "%s", o->ip);
            c->port = o->port;
        }
        break;
    case CORE_OUT_CLOSE: {
        struct conn *c = conn_by_id(f, o->conn);
        if (c != NULL) { c->open = false; }
        break;
    }
    case CORE_OUT_SEND: {
        struct conn *c = conn_by_id(f, o->conn);
        CHECK(o->argc >= 1 && o->argv != NULL && o->argv_len != NULL);
        for (uint32_t j = 0; j < o->argc; j++) {
            CHECK(o->argv[j] != NULL && o->argv[j][o->argv_len[j]] == '\0');
        }
        CHECK(o->cmd > f->last_cmd);
        f->last_cmd = o->cmd;
        if (c == NULL) { break; } /* beyond our table: never answered */
        CHECK(c->open);
        if (f->npend < PEND_MAX) {
            struct pend *p = &f->pend[f->npend++];
            p->conn = o->conn;
            p->cmd = o->cmd;
            snprintf(p->name, sizeof(p->name), "%.*s", (int)o->argv_len[0], o->argv[0]);
        }
        break;
    }
    case CORE_OUT_PERSIST:
        CHECK(o->text != NULL);
        free(f->persisted);
        f->persisted = strndup(o->text, o->text_len);
        break;
    case CORE_OUT_EVENT:
        CHECK(o->type != NULL && (o->type[0] == '+' || o->type[0] == '-'));
        CHECK(o->text != NULL || o->text_len == 0);
        break;
    case CORE_OUT_REPLY:
        CHECK(o->reply != NULL);
        CHECK(o->client == 7); /* the only client this target ever plays */
        break;
    case CORE_OUT_CRASH:
    case CORE_OUT_EXIT:
        f->stopped = true;
        break;
    case CORE_OUT_LOG:
    case CORE_OUT_EXPLAIN:
        CHECK(o->text != NULL || o->text_len == 0);
        break;
    default:
        CHECK(!"unknown output kind");
    }
}

static void step(struct fz *f, const struct core_input *in) {
    const struct core_output *outs;
    size_t n;
    CHECK(core_step(f->s, f->now, in, &outs, &n) == CORE_OK);
    for (size_t j = 0; j < n && !f->stopped; j++) {
        on_output(f, &outs[j]);
    }
    uint64_t e = core_current_epoch(f->s);
    CHECK(e >= f->epoch);
    f->epoch = e;
}

/* An INFO text with fuzzed role, replicas and link fields, as the node at
 * `self` could write it: it never lists itself as its own replica (with
 * that, Sentinel 7.0 itself can persist a file it cannot load: during
 * RECONF_SLAVES the promoted replica's line is written with the old
 * master's address, which would then appear twice). */
static size_t info_text(struct fz *f, struct fuzz_in *in, const struct conn *self) {
    char *b = f->scratch;
    size_t cap = sizeof(f->scratch), n = 0;
    n += (size_t)snprintf(b + n, cap - n, "# Server\r\nrun_id:%.40s\r\n\r\n# Replication\r\n",
                          ids[fuzz_u8(in) % 3]);
    if (fuzz_u8(in) & 1) {
        n += (size_t)snprintf(b + n, cap - n,
                              "role:slave\r\nmaster_host:%s\r\nmaster_port:%u\r\n"
                              "master_link_status:%s\r\nslave_repl_offset:%u\r\n"
                              "master_link_down_since_seconds:%d\r\nslave_priority:%u\r\n"
                              "replica_announced:%u\r\n",
                              ips[fuzz_u8(in) % 5], 6379 + fuzz_u8(in) % 2,
                              (fuzz_u8(in) & 1) ? "up" : "down", fuzz_u16(in),
                              (int)(fuzz_u8(in) % 4) - 1, fuzz_u8(in) % 3 * 50, fuzz_u8(in) & 1);
    } else {
        n += (size_t)snprintf(b + n, cap - n, "role:master\r\n");
    }
    uint32_t slaves = fuzz_u8(in) % 4;
    n += (size_t)snprintf(b + n, cap - n, "connected_slaves:%u\r\n", slaves);
    for (uint32_t j = 0; j < slaves; j++) {
        const char *ip = ips[fuzz_u8(in) % 5];
        uint32_t port = 6379 + fuzz_u8(in) % 2;
        if (strcmp(ip, self->ip) == 0 && port == self->port) { continue; }
        n += (size_t)snprintf(b + n, cap - n,
                              "slave%u:ip=%s,port=%u,state=online,offset=0,lag=0\r\n", j, ip, port);
    }
    return n;
}

static struct core_reply reply_for(struct fz *f,
                                   const struct conn *c,
                                   const char *name,
                                   struct fuzz_in *in,
                                   struct core_reply *elems) {
    static const char *const pings[] = {"PONG", "LOADING x", "MASTERDOWN y", "BUSY z", "NOAUTH"};
    struct core_reply r = {.type = CORE_REPLY_STATUS, .str = "OK", .len = 2};
    uint32_t pick = fuzz_u8(in);
    if (pick % 16 == 15) { /* anything goes */
        r.type = (enum core_reply_type)(pick / 16 % 7);
        r.str = "x";
        r.len = 1;
        r.integer = (int64_t)fuzz_u16(in) - 5;
        r.elements = elems;
        r.elements_len = r.type == CORE_REPLY_ARRAY ? 3 : 0;
        return r;
    }
    if (strcmp(name, "PING") == 0) {
        r.str = pings[pick % 5];
        r.len = strlen(r.str);
        r.type = pick % 5 == 0 ? CORE_REPLY_STATUS : CORE_REPLY_ERROR;
    } else if (strcmp(name, "INFO") == 0) {
        r.type = CORE_REPLY_BULK;
        r.str = f->scratch;
        r.len = info_text(f, in, c);
    } else if (strcmp(name, "SENTINEL") == 0) {
        elems[0] = (struct core_reply){.type = CORE_REPLY_INTEGER, .integer = pick & 1};
        const char *who = ids[fuzz_u8(in) % 4];
        elems[1] = (struct core_reply){.type = CORE_REPLY_BULK, .str = who, .len = strlen(who)};
        elems[2] = (struct core_reply){.type = CORE_REPLY_INTEGER, .integer = fuzz_u8(in) % 8};
        r = (struct core_reply){.type = CORE_REPLY_ARRAY, .elements = elems, .elements_len = 3};
    } else if (strcmp(name, "PUBLISH") == 0) {
        r = (struct core_reply){.type = CORE_REPLY_INTEGER, .integer = pick % 3};
    }
    return r;
}

static void do_reply(struct fz *f, struct fuzz_in *in) {
    if (f->npend == 0) { return; }
    /* The oldest outstanding command of the chosen one's connection. */
    uint32_t conn = f->pend[fuzz_u8(in) % f->npend].conn, at = 0;
    while (f->pend[at].conn != conn) {
        at++;
    }
    struct pend p = f->pend[at];
    memmove(&f->pend[at], &f->pend[at + 1], (f->npend - at - 1) * sizeof(p));
    f->npend--;
    struct conn *c = conn_by_id(f, conn);
    if (c == NULL || !c->open || !c->up) { return; }
    struct core_reply elems[3] = {
        {.type = CORE_REPLY_NIL}, {.type = CORE_REPLY_NIL}, {.type = CORE_REPLY_NIL}};
    struct core_reply r = reply_for(f, c, p.name, in, elems);
    struct core_input i = {.kind = CORE_IN_REPLY, .conn = conn, .cmd = p.cmd, .reply = &r};
    step(f, &i);
}

static struct conn *pick_conn(struct fz *f, struct fuzz_in *in, bool want_up) {
    if (f->nconns == 0) { return NULL; }
    struct conn *c = &f->conns[fuzz_u8(in) % f->nconns];
    if (!c->open || c->up != want_up) { return NULL; }
    return c;
}

static void drop_pending(struct fz *f, uint32_t conn) {
    uint32_t k = 0;
    for (uint32_t j = 0; j < f->npend; j++) {
        if (f->pend[j].conn != conn) { f->pend[k++] = f->pend[j]; }
    }
    f->npend = k;
}

/* A hello as a real sentinel would send it: its config epoch never exceeds
 * its current epoch (other fields are fuzzed among a few plausible values). */
static size_t hello(char *b, size_t cap, struct fuzz_in *in) {
    const char *ip = ips[3 + fuzz_u8(in) % 2];
    uint32_t port = 26379 + fuzz_u8(in) % 2;
    const char *id = ids[fuzz_u8(in) % 3];
    uint32_t epoch = fuzz_u8(in) % 6;
    const char *name = names[fuzz_u8(in) % 4];
    const char *mip = ips[fuzz_u8(in) % 5];
    uint32_t mport = 6379 + fuzz_u8(in) % 2;
    uint32_t config_epoch = fuzz_u8(in) % (epoch + 1);
    return (size_t)snprintf(b, cap, "%s,%u,%s,%u,%s,%s,%u,%u", ip, port, id, epoch, name, mip,
                            mport, config_epoch);
}

static void do_command(struct fz *f, struct fuzz_in *in) {
    static const char *const subs[] = {"is-master-down-by-addr",
                                       "failover",
                                       "reset",
                                       "set",
                                       "master",
                                       "replicas",
                                       "sentinels",
                                       "monitor",
                                       "remove",
                                       "ckquorum",
                                       "flushconfig",
                                       "debug",
                                       "get-master-addr-by-name",
                                       "info-cache",
                                       "config",
                                       "myid",
                                       "masters",
                                       "pending-scripts",
                                       "is-master-down-by-addr"};
    static const char *const words[] = {
        "mymaster",    "10.0.1.1", "6379",       "2",   "*",  ID1, "down-after-milliseconds",
        "100",         "quorum",   "get",        "set", "-1", "0", "announce-ip",
        "ping-period", "a",        "99999999999"};
    static const char *const tops[] = {"SENTINEL", "PING", "INFO",     "ROLE",    "PUBLISH",
                                       "CLIENT",   "AUTH", "SENTINEL", "SENTINEL"};
    const char *argv[8];
    size_t lens[8];
    char hello_buf[256];
    uint32_t argc = 1 + fuzz_u8(in) % 7;
    argv[0] = tops[fuzz_u8(in) % 9];
    for (uint32_t j = 1; j < argc; j++) {
        argv[j] = words[fuzz_u8(in) % 17];
    }
    if (strcmp(argv[0], "SENTINEL") == 0 && argc > 1) { argv[1] = subs[fuzz_u8(in) % 19]; }
    if (strcmp(argv[0], "PUBLISH") == 0 && argc == 3) {
        argv[1] = "__sentinel__:hello";
        hello(hello_buf, sizeof(hello_buf), in);
        argv[2] = hello_buf;
    }
    for (uint32_t j = 0; j < argc; j++) {
        lens[j] = strlen(argv[j]);
    }
    struct core_input i = {
        .kind = CORE_IN_COMMAND, .client = 7, .argc = argc, .argv = argv, .argv_len = lens};
    step(f, &i);
}

static void op(struct fz *f, struct fuzz_in *in) {
    uint32_t kind = fuzz_u8(in) % 8;
    struct core_input i = {.kind = CORE_IN_TICK};
    struct conn *c;
    switch (kind) {
    case 0:
    case 1: {
        uint32_t jump = fuzz_u8(in);
        if (jump == 255) { f->now += 3000; }
        if (jump == 254 && f->now > 3000) { f->now -= 3000; }
        uint64_t d = core_deadline_ms(f->s);
        f->now += fuzz_u8(in) % 120;
        if (d != UINT64_MAX && f->now < d) { f->now = d; }
        step(f, &i);
        break;
    }
    case 2:
        if ((c = pick_conn(f, in, false)) == NULL) { break; }
        i.kind = CORE_IN_CONN_UP;
        i.conn = c->id;
        i.local_ip = "10.0.0.1";
        c->up = true;
        step(f, &i);
        break;
    case 3:
        if ((c = pick_conn(f, in, fuzz_u8(in) & 1)) == NULL) { break; }
        i.kind = CORE_IN_CONN_DOWN;
        i.conn = c->id;
        c->open = false;
        drop_pending(f, c->id);
        step(f, &i);
        break;
    case 4:
    case 5:
        do_reply(f, in);
        break;
    case 6: {
        if ((c = pick_conn(f, in, true)) == NULL || !c->pubsub) { break; }
        char buf[256];
        i.kind = CORE_IN_MESSAGE;
        i.conn = c->id;
        i.channel = "__sentinel__:hello";
        i.channel_len = 18;
        i.payload = buf;
        i.payload_len = hello(buf, sizeof(buf), in);
        step(f, &i);
        break;
    }
    default:
        do_command(f, in);
        break;
    }
}

static struct core_limits limits(void) {
    struct core_limits l = core_limits_default();
    l.masters_max = 4;
    l.replicas_max = 8;
    l.sentinels_max = 8;
    l.conns_max = 256;
    l.outputs_max = 1024;
    l.arena_bytes = 256u << 10;
    l.config_bytes_max = 64u << 10;
    l.info_cache_bytes = 1024;
    return l;
}

/* The last persisted file must load, with the same id and no higher epoch. */
static void check_reload(struct fz *f) {
    if (f->persisted == NULL) { return; }
    struct core_limits l = limits();
    struct core_options o = {f->persisted, strlen(f->persisted), 1, false};
    struct core_allocator a = {fuzz_alloc, fuzz_free, NULL};
    struct core_sentinel *s2 = NULL;
    struct core_error err;
    int rc = core_new(&l, &o, &a, f->now, &s2, &err);
    if (rc != CORE_OK) {
        fprintf(stderr, "fuzz_core: persisted config rejected at line %u: %s\n%s\n", err.line,
                err.msg, f->persisted);
    }
    CHECK(rc == CORE_OK);
    CHECK(strcmp(core_myid(s2), core_myid(f->s)) == 0);
    if (core_current_epoch(s2) > core_current_epoch(f->s)) {
        fprintf(stderr, "fuzz_core: reload epoch %llu > %llu\n%s\n",
                (unsigned long long)core_current_epoch(s2),
                (unsigned long long)core_current_epoch(f->s), f->persisted);
    }
    CHECK(core_current_epoch(s2) <= core_current_epoch(f->s));
    core_free(s2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static struct fz f;
    struct fuzz_in in = {data, size};
    memset(&f, 0, sizeof(f));
    const char *conf = confs[fuzz_u8(&in) % 3];
    struct core_limits l = limits();
    struct core_options o = {conf, strlen(conf), fuzz_u8(&in), fuzz_u8(&in) & 1};
    struct core_allocator a = {fuzz_alloc, fuzz_free, NULL};
    struct core_error err;
    f.now = 1700000000000ull;
    CHECK(core_new(&l, &o, &a, f.now, &f.s, &err) == CORE_OK);
    struct core_input start = {.kind = CORE_IN_START};
    step(&f, &start);
    for (int k = 0; k < OPS_MAX && in.n > 0 && !f.stopped; k++) {
        op(&f, &in);
    }
    if (!f.stopped) { check_reload(&f); }
    core_free(f.s);
    free(f.persisted);
    return 0;
}
