/* fuzz_core_step.c: libFuzzer target for the seam itself: raw reply trees,
 * raw hello payloads and raw command words fed to one core.
 *
 * Method: one core starts from a fixed config (two masters, a known
 * replica, two known sentinels) and the input bytes drive a sequence of
 * seam inputs with a monotonic clock that advances by fuzzed steps (small,
 * seconds, or hours): ticks at or after the deadline, CONN_UP / CONN_DOWN
 * of connections the core opened, REPLY to the oldest outstanding command
 * of an up connection, MESSAGE on an up pub/sub connection and COMMAND from
 * a client. Where fuzz_core.c builds plausible values, this target builds
 * them from raw bytes: reply trees of any type, depth up to
 * CORE_REPLY_DEPTH_MAX + 2 and up to 2 * CORE_REPLY_ELEMENTS_MAX elements
 * per array (beyond the bounds the core promises to refuse), INFO texts
 * mixing real keys with fuzzed values, hello payloads spliced from fields
 * and raw bytes (epochs up to 2^64 - 1), and argv words of raw bytes. Every
 * string handed to the core is its own heap block of exactly its length,
 * without a NUL, so a read past a length is an ASan report. Checked: every
 * valid input returns CORE_OK (never CORE_E_INPUT), no CORE_ASSERT fires,
 * a TICK leaves the deadline in (now, now + 100] (10..19 Hz), any other
 * input leaves it unchanged (or UINT64_MAX once the core halted), and the
 * epoch never decreases.
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

#define CONNS_MAX  128
#define PEND_MAX   256
#define OPS_MAX    2000
#define BLOCKS_MAX 8192
#define NODES_MAX  1024

#define MYID "0000000000000000000000000000000000000aa0"
#define ID1  "11111111111111111111111111111111111111b1"
#define ID2  "22222222222222222222222222222222222222c2"

static const char conf[] = "sentinel myid " MYID "\n"
                           "sentinel monitor good 10.0.1.1 6379 2\n"
                           "sentinel down-after-milliseconds good 1000\n"
                           "sentinel failover-timeout good 3000\n"
                           "sentinel known-replica good 10.0.1.2 6379\n"
                           "sentinel known-sentinel good 10.0.0.2 26379 " ID1 "\n"
                           "sentinel known-sentinel good 10.0.0.3 26379 " ID2 "\n"
                           "sentinel monitor bad 10.0.2.1 6379 1\n"
                           "sentinel down-after-milliseconds bad 500\n"
                           "sentinel auth-pass bad secret\n";

/* Words the byte stream picks from to build INFO texts, hellos and argv. */
static const char *const tokens[] = {
    "role:",
    "master",
    "slave",
    "run_id:",
    "master_host:",
    "master_port:",
    "master_link_status:",
    "up",
    "down",
    "slave0:ip=",
    ",port=",
    ",state=online,offset=",
    "slave_priority:",
    "replica_announced:",
    "slave_repl_offset:",
    "master_link_down_since_seconds:",
    "connected_slaves:",
    "10.0.1.1",
    "10.0.1.2",
    "10.0.2.1",
    "10.0.0.1",
    "10.0.0.2",
    "6379",
    "26379",
    "0",
    "1",
    "-1",
    "9223372036854775807",
    "18446744073709551615",
    "99999999999999999999",
    MYID,
    ID1,
    ID2,
    "good",
    "bad",
    "\r\n",
    ",",
    ":",
    " ",
    "SENTINEL",
    "is-master-down-by-addr",
    "*",
    "failover",
    "set",
    "reset",
    "monitor",
    "remove",
    "config",
    "debug",
    "simulate-failure",
    "info-cache",
    "ckquorum",
    "__sentinel__:hello",
    "PUBLISH",
    "",
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

struct conn {
    uint32_t id;
    bool pubsub, up, open;
};

struct pend {
    uint32_t conn;
    uint64_t cmd;
};

struct fz {
    struct core_sentinel *s;
    uint64_t now, deadline, epoch, last_cmd;
    bool halted;
    struct conn conns[CONNS_MAX];
    uint32_t nconns;
    struct pend pend[PEND_MAX];
    uint32_t npend;
    /* Heap blocks handed to the core during one step, freed after it. */
    void *blocks[BLOCKS_MAX];
    uint32_t nblocks;
    struct core_reply nodes[NODES_MAX];
    uint32_t nnodes;
    char text[8192];
};

/* An exact-size heap copy, not NUL-terminated (NULL when the pool is full). */
static const char *block(struct fz *f, const char *p, size_t n) {
    if (f->nblocks == BLOCKS_MAX) { return NULL; }
    char *b = malloc(n > 0 ? n : 1);
    CHECK(b != NULL);
    memcpy(b, p, n);
    f->blocks[f->nblocks++] = b;
    return b;
}

static void release(struct fz *f) {
    for (uint32_t j = 0; j < f->nblocks; j++) {
        free(f->blocks[j]);
    }
    f->nblocks = 0;
    f->nnodes = 0;
}

/* Appends to f->text: a token or a run of raw bytes, `parts` times. */
static size_t splice(struct fz *f, struct fuzz_in *in, uint32_t parts) {
    size_t n = 0;
    for (uint32_t k = 0; k < parts && in->n > 0; k++) {
        uint32_t pick = fuzz_u8(in);
        const char *t;
        size_t len;
        if (pick < 200) {
            t = tokens[pick % NTOKENS];
            len = strlen(t);
        } else {
            len = (pick - 200) % 24;
            len = len < in->n ? len : in->n;
            t = (const char *)in->p;
            in->p += len;
            in->n -= len;
        }
        if (n + len > sizeof(f->text)) { break; }
        memcpy(f->text + n, t, len);
        n += len;
    }
    return n;
}

static const struct core_reply *tree(struct fz *f, struct fuzz_in *in, uint32_t depth);

static void fill(struct fz *f, struct fuzz_in *in, struct core_reply *r, uint32_t depth) {
    uint32_t pick = fuzz_u8(in);
    *r = (struct core_reply){.type = (enum core_reply_type)(pick % 7)};
    switch (r->type) {
    case CORE_REPLY_INTEGER:
        r->integer =
            (pick & 0x80) ? INT64_MIN + (int64_t)fuzz_u16(in) : (int64_t)fuzz_u16(in) - 100;
        break;
    case CORE_REPLY_STATUS:
    case CORE_REPLY_ERROR:
    case CORE_REPLY_BULK: {
        size_t n = splice(f, in, fuzz_u8(in) % 64);
        r->str = block(f, f->text, n);
        r->len = r->str != NULL ? n : 0;
        break;
    }
    case CORE_REPLY_ARRAY: {
        uint32_t want = fuzz_u8(in);
        want = want < 240 ? want % 8 : (want - 240) * 2 * CORE_REPLY_ELEMENTS_MAX / 15;
        if (depth > CORE_REPLY_DEPTH_MAX + 2 || f->nnodes + want > NODES_MAX) { want = 0; }
        struct core_reply *e = &f->nodes[f->nnodes];
        f->nnodes += want;
        for (uint32_t j = 0; j < want; j++) {
            fill(f, in, &e[j], depth + 1);
        }
        r->elements = want > 0 ? e : NULL;
        r->elements_len = want;
        break;
    }
    case CORE_REPLY_NIL:
    case CORE_REPLY_NIL_ARRAY:
        break;
    }
}

static const struct core_reply *tree(struct fz *f, struct fuzz_in *in, uint32_t depth) {
    if (f->nnodes == NODES_MAX) { return NULL; }
    struct core_reply *r = &f->nodes[f->nnodes++];
    fill(f, in, r, depth);
    return r;
}

/* A bulk INFO-like text of key lines with spliced values. */
static const struct core_reply *info_reply(struct fz *f, struct fuzz_in *in) {
    size_t n = splice(f, in, 4 + fuzz_u8(in) % 120);
    struct core_reply *r = &f->nodes[f->nnodes++];
    *r = (struct core_reply){.type = CORE_REPLY_BULK, .str = block(f, f->text, n)};
    r->len = r->str != NULL ? n : 0;
    return r;
}

static struct conn *conn_by_id(struct fz *f, uint32_t id) {
    for (uint32_t j = 0; j < f->nconns; j++) {
        if (f->conns[j].id == id) { return &f->conns[j]; }
    }
    return NULL;
}

static void drop_pending(struct fz *f, uint32_t conn) {
    uint32_t k = 0;
    for (uint32_t j = 0; j < f->npend; j++) {
        if (f->pend[j].conn != conn) { f->pend[k++] = f->pend[j]; }
    }
    f->npend = k;
}

static void on_output(struct fz *f, const struct core_output *o) {
    struct conn *c;
    switch (o->kind) {
    case CORE_OUT_CONNECT:
        CHECK(o->ip != NULL && o->port != 0);
        CHECK(conn_by_id(f, o->conn) == NULL);
        if (f->nconns < CONNS_MAX) {
            f->conns[f->nconns++] =
                (struct conn){o->conn, o->conn_kind == CORE_CONN_PUBSUB, false, true};
        }
        break;
    case CORE_OUT_CLOSE:
        if ((c = conn_by_id(f, o->conn)) != NULL) {
            c->open = false;
            drop_pending(f, o->conn);
        }
        break;
    case CORE_OUT_SEND:
        CHECK(o->argc >= 1 && o->argv != NULL && o->argv_len != NULL);
        CHECK(o->cmd > f->last_cmd);
        f->last_cmd = o->cmd;
        c = conn_by_id(f, o->conn);
        if (c != NULL && f->npend < PEND_MAX) {
            CHECK(c->open);
            f->pend[f->npend++] = (struct pend){o->conn, o->cmd};
        }
        break;
    case CORE_OUT_CRASH:
    case CORE_OUT_EXIT:
        f->halted = true;
        break;
    case CORE_OUT_PERSIST:
    case CORE_OUT_REPLY:
    case CORE_OUT_EVENT:
    case CORE_OUT_LOG:
    case CORE_OUT_EXPLAIN:
        break;
    default:
        CHECK(!"unknown output kind");
    }
}

static void step(struct fz *f, const struct core_input *in) {
    const struct core_output *outs;
    size_t n;
    CHECK(core_step(f->s, f->now, in, &outs, &n) == CORE_OK);
    for (size_t j = 0; j < n && !f->halted; j++) {
        on_output(f, &outs[j]);
    }
    uint64_t d = core_deadline_ms(f->s);
    if (f->halted) {
        CHECK(d == UINT64_MAX);
    } else if (in->kind == CORE_IN_TICK) {
        CHECK(d > f->now && d <= f->now + 100);
    } else {
        CHECK(d == f->deadline);
    }
    f->deadline = d;
    uint64_t e = core_current_epoch(f->s);
    CHECK(e >= f->epoch);
    f->epoch = e;
    release(f);
}

static void do_tick(struct fz *f, struct fuzz_in *in) {
    uint32_t pick = fuzz_u8(in);
    if (pick >= 250) {
        f->now += (uint64_t)(pick - 249) * 3600 * 1000; /* a suspended host: tilt */
    } else if (pick >= 200) {
        f->now += (uint64_t)(pick - 199) * 1000;
    } else {
        f->now += pick;
    }
    if (f->now < f->deadline) { f->now = f->deadline; }
    struct core_input i = {.kind = CORE_IN_TICK};
    step(f, &i);
}

static void do_reply(struct fz *f, struct fuzz_in *in) {
    if (f->npend == 0) { return; }
    uint32_t conn = f->pend[fuzz_u8(in) % f->npend].conn, at = 0;
    while (f->pend[at].conn != conn) {
        at++;
    }
    uint64_t cmd = f->pend[at].cmd;
    memmove(&f->pend[at], &f->pend[at + 1], (f->npend - at - 1) * sizeof(f->pend[0]));
    f->npend--;
    struct conn *c = conn_by_id(f, conn);
    if (c == NULL || !c->open || !c->up) { return; }
    const struct core_reply *r = (fuzz_u8(in) & 1) ? info_reply(f, in) : tree(f, in, 1);
    if (r == NULL) { return; }
    struct core_input i = {.kind = CORE_IN_REPLY, .conn = conn, .cmd = cmd, .reply = r};
    step(f, &i);
}

static void do_message(struct fz *f, struct fuzz_in *in) {
    if (f->nconns == 0) { return; }
    struct conn *c = &f->conns[fuzz_u8(in) % f->nconns];
    if (!c->open || !c->up || !c->pubsub) { return; }
    static const char hello[] = "__sentinel__:hello";
    bool odd = fuzz_u8(in) == 0;
    size_t clen = odd ? splice(f, in, 2) : sizeof(hello) - 1;
    const char *channel = block(f, odd ? f->text : hello, clen);
    size_t plen = splice(f, in, 1 + fuzz_u8(in) % 24);
    const char *payload = block(f, f->text, plen);
    if (channel == NULL || payload == NULL) { return; }
    struct core_input i = {.kind = CORE_IN_MESSAGE,
                           .conn = c->id,
                           .channel = channel,
                           .channel_len = clen,
                           .payload = payload,
                           .payload_len = plen};
    step(f, &i);
}

static void do_command(struct fz *f, struct fuzz_in *in) {
    const char *argv[12];
    size_t lens[12];
    uint32_t argc = 1 + fuzz_u8(in) % 12;
    for (uint32_t j = 0; j < argc; j++) {
        lens[j] = splice(f, in, 1 + (fuzz_u8(in) % 8 == 0));
        if ((argv[j] = block(f, f->text, lens[j])) == NULL) { return; }
    }
    struct core_input i = {.kind = CORE_IN_COMMAND,
                           .client = 1 + fuzz_u8(in),
                           .argc = argc,
                           .argv = argv,
                           .argv_len = lens};
    step(f, &i);
}

static void do_conn(struct fz *f, struct fuzz_in *in, bool up) {
    if (f->nconns == 0) { return; }
    struct conn *c = &f->conns[fuzz_u8(in) % f->nconns];
    if (!c->open || (up && c->up)) { return; }
    struct core_input i = {.kind = up ? CORE_IN_CONN_UP : CORE_IN_CONN_DOWN, .conn = c->id};
    if (up) {
        i.local_ip = "10.0.0.1";
        c->up = true;
    } else {
        c->open = false;
        drop_pending(f, c->id);
    }
    step(f, &i);
}

static void op(struct fz *f, struct fuzz_in *in) {
    switch (fuzz_u8(in) % 10) {
    case 0:
    case 1:
        do_tick(f, in);
        break;
    case 2:
    case 3:
        do_conn(f, in, true);
        break;
    case 4:
        do_conn(f, in, false);
        break;
    case 5:
    case 6:
    case 7:
        do_reply(f, in);
        break;
    case 8:
        do_message(f, in);
        break;
    default:
        do_command(f, in);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static struct fz f;
    struct fuzz_in in = {data, size};
    memset(&f, 0, sizeof(f));
    struct core_limits l = core_limits_default();
    l.masters_max = 4;
    l.replicas_max = 8;
    l.sentinels_max = 8;
    l.conns_max = CONNS_MAX;
    l.outputs_max = 1024;
    l.arena_bytes = 256u << 10;
    l.config_bytes_max = 64u << 10;
    l.info_cache_bytes = 1024;
    struct core_options o = {conf, sizeof(conf) - 1, fuzz_u8(&in), fuzz_u8(&in) & 1};
    struct core_allocator a = {fuzz_alloc, fuzz_free, NULL};
    struct core_error err;
    f.now = 1700000000000ull;
    CHECK(core_new(&l, &o, &a, f.now, &f.s, &err) == CORE_OK);
    f.deadline = core_deadline_ms(f.s);
    struct core_input start = {.kind = CORE_IN_START};
    const struct core_output *outs;
    size_t n;
    CHECK(core_step(f.s, f.now, &start, &outs, &n) == CORE_OK);
    for (size_t j = 0; j < n; j++) {
        on_output(&f, &outs[j]);
    }
    f.deadline = core_deadline_ms(f.s);
    CHECK(f.deadline > f.now);
    for (int k = 0; k < OPS_MAX && in.n > 0 && !f.halted; k++) {
        op(&f, &in);
    }
    release(&f);
    core_free(f.s);
    return 0;
}
