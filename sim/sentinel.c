/* sentinel.c: a simulated sentinel process wrapping one core.
 *
 * Method: the process owns a core created from its config text and drives
 * it exactly as real mode's event loop does: CORE_IN_START first, the
 * scenario's SENTINEL DEBUG timers as commands right after, then a tick
 * whenever core_deadline_ms() comes due in the process's own (possibly
 * skewed) clock, and every network event as the matching input. Outputs
 * are carried out strictly in order; a CRASH or EXIT stops the process
 * between two outputs, like a real exit would. The connection-level
 * commands a real listener answers itself (AUTH, CLIENT SETNAME, HELLO)
 * are answered here; everything else goes to the core. Other sentinels
 * reach this core through the network like any client, so their commands
 * and its replies have latency, order and loss like everything else.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/check.h"
#include "sim/world.h"

#define HARNESS_CLIENT UINT64_MAX
#define CONFIG_MAX     (1u << 20)

/* ---------------------------------------------------------------- conn map */

/* A key's home slot. Core conn ids are handed out in increasing order, so
 * the live ones are nearly consecutive: placing them by id keeps them
 * together in a few cache lines (a mixing hash would spread a sentinel's
 * thousand links over the whole table) and they rarely collide. */
/* Core conn ids carry a slot in their low bits that no two live conns
 * share (core/link.c). Taking those bits as the home packed live ids into
 * one long run, and every backward-shift deletion walked to its end
 * (quadratic in conns); doubling them leaves a free slot after each home,
 * so runs stay short while neighbouring ids still share cache lines. Any
 * other keys would only probe further. */
static uint32_t home_of(const struct sim_connmap *m, uint32_t k) {
    return (k << 1) & (m->cap - 1);
}

static int map_init(struct sim_connmap *m, uint32_t want) {
    uint32_t cap = 16;
    while (cap < want * 2) {
        cap *= 2;
    }
    m->slots = calloc(cap, sizeof(*m->slots));
    m->cap = cap;
    m->len = 0;
    return m->slots != NULL ? 0 : -1;
}

static void map_clear(struct sim_connmap *m) {
    memset(m->slots, 0, m->cap * sizeof(*m->slots));
    m->len = 0;
}

static struct sim_connmap_slot *map_slot(const struct sim_connmap *m, uint32_t key) {
    uint32_t k = key + 1;
    for (uint32_t i = home_of(m, k);; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].key == k || m->slots[i].key == 0) { return &m->slots[i]; }
    }
}

static void map_put(struct sim_connmap *m, uint32_t key, uint32_t val) {
    SIM_ASSERT(m->len < m->cap / 2); /* the core opened more conns than its limit */
    struct sim_connmap_slot *sl = map_slot(m, key);
    SIM_ASSERT(sl->key == 0); /* core conn ids are never reused */
    *sl = (struct sim_connmap_slot){key + 1, val};
    m->len++;
}

static uint32_t map_get(const struct sim_connmap *m, uint32_t key) {
    const struct sim_connmap_slot *sl = map_slot(m, key);
    return sl->key == 0 ? SIM_NONE : sl->val;
}

/* Removes key (backward-shift deletion keeps probe chains intact). */
static void map_del(struct sim_connmap *m, uint32_t key) {
    struct sim_connmap_slot *sl = map_slot(m, key);
    if (sl->key == 0) { return; }
    uint32_t i = (uint32_t)(sl - m->slots);
    m->slots[i].key = 0;
    m->len--;
    for (uint32_t j = (i + 1) & (m->cap - 1); m->slots[j].key != 0; j = (j + 1) & (m->cap - 1)) {
        uint32_t home = home_of(m, m->slots[j].key);
        /* Move j back into the hole if its home is not in (i, j]. */
        bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            m->slots[i] = m->slots[j];
            m->slots[j].key = 0;
            i = j;
        }
    }
}

/* ---------------------------------------------------------------- config */

/* Plain malloc: the core zeroes its own tables and writes its buffers
 * before reading them, and a run creates a core at every sentinel start. */
static void *alloc_cb(void *ud, size_t size) {
    (void)ud;
    return malloc(size);
}

static void free_cb(void *ud, void *ptr) {
    (void)ud;
    free(ptr);
}

/* The initial config file, as real mode writes it (minus bind/dir/logfile). */
static size_t initial_config(const struct sim_world *w, uint32_t i, char *buf, size_t cap) {
    const struct scn *scn = w->scn;
    const struct scn_sentinel *ss = &scn->sentinels[i];
    size_t len = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        int n_ = snprintf(buf + len, cap - len, __VA_ARGS__);                                      \
        SIM_ASSERT(n_ >= 0 && (size_t)n_ < cap - len);                                             \
        len += (size_t)n_;                                                                         \
    } while (0)
    ADD("# sentsim sentinel: %s of scenario %s\n", ss->name, scn->name);
    ADD("port %u\n", SIM_SENTINEL_PORT0 + i);
    if (ss->requirepass[0] != '\0') { ADD("requirepass %s\n", ss->requirepass); }
    if (ss->sentinel_user[0] != '\0') { ADD("sentinel sentinel-user %s\n", ss->sentinel_user); }
    if (ss->sentinel_pass[0] != '\0') { ADD("sentinel sentinel-pass %s\n", ss->sentinel_pass); }
    for (uint32_t g = 0; g < scn->groups_len; g++) {
        const struct scn_group *grp = &scn->groups[g];
        const struct scn_master_settings *st = &grp->settings;
        ADD("sentinel monitor %s %s %u %u\n", grp->name, SIM_IP, SIM_NODE_PORT0 + grp->master,
            st->quorum);
        ADD("sentinel down-after-milliseconds %s %u\n", grp->name, st->down_after_ms);
        ADD("sentinel failover-timeout %s %u\n", grp->name, st->failover_timeout_ms);
        ADD("sentinel parallel-syncs %s %u\n", grp->name, st->parallel_syncs);
        if (st->master_reboot_down_after_ms > 0) {
            ADD("sentinel master-reboot-down-after-period %s %u\n", grp->name,
                st->master_reboot_down_after_ms);
        }
        if (st->auth_pass[0] != '\0') {
            ADD("sentinel auth-pass %s %s\n", grp->name, st->auth_pass);
        }
        if (st->auth_user[0] != '\0') {
            ADD("sentinel auth-user %s %s\n", grp->name, st->auth_user);
        }
    }
#undef ADD
    return len;
}

int sim__sentinel_init(struct sim_world *w, uint32_t i) {
    struct sim_sentinel *s = &w->sentinels[i];
    memset(s, 0, sizeof(*s));
    s->proc = w->nodes_len + i;
    sim_clock_init(&s->clock);
    sim_rng_seed(&s->rng, w->seed, SIM_STREAM_SENTINEL + i);
    s->tick_ms = UINT64_MAX;
    s->config_cap =
        w->limits.config_bytes_max > CONFIG_MAX ? w->limits.config_bytes_max : CONFIG_MAX;
    s->config = malloc(s->config_cap);
    if (s->config == NULL) { return -1; }
    s->config_len = initial_config(w, i, s->config, s->config_cap);
    return map_init(&s->map, w->limits.conns_max + 16);
}

void sim__sentinel_free(struct sim_world *w, uint32_t i) {
    struct sim_sentinel *s = &w->sentinels[i];
    core_free(s->core);
    s->core = NULL;
    free(s->config);
    free(s->map.slots);
    s->config = NULL;
    s->map.slots = NULL;
}

/* ---------------------------------------------------------------- stepping */

static enum rep_level level_of(enum core_level l) {
    switch (l) {
    case CORE_LEVEL_DEBUG:
        return REP_LEVEL_DEBUG;
    case CORE_LEVEL_VERBOSE:
        return REP_LEVEL_VERBOSE;
    case CORE_LEVEL_NOTICE:
        return REP_LEVEL_NOTICE;
    case CORE_LEVEL_WARNING:
        return REP_LEVEL_WARNING;
    }
    SIM_UNREACHABLE();
}

static void log_text(struct sim_world *w,
                     uint32_t proc,
                     enum rep_kind kind,
                     enum rep_level level,
                     const char *type,
                     const char *text,
                     size_t len) {
    char buf[REP_TEXT_MAX];
    SIM_ASSERT(len < sizeof(buf)); /* a text longer than the event record holds */
    memcpy(buf, text, len);
    buf[len] = '\0';
    sim__log(w, kind, level, proc, type, buf);
}

static void rearm(struct sim_world *w, uint32_t i) {
    struct sim_sentinel *s = &w->sentinels[i];
    uint64_t deadline = core_deadline_ms(s->core);
    if (deadline == UINT64_MAX) { return; }
    uint64_t at = w->now_ms + sim_clock_delay_ms(&s->clock, w->now_ms, deadline);
    if (at == s->tick_ms) { return; }
    s->tick_ms = at;
    s->tick_gen++;
    sim_sched_push(&w->sched, at, SIM_EV_TICK, i, s->tick_gen);
}

static void do_connect(struct sim_world *w, uint32_t i, const struct core_output *o) {
    struct sim_sentinel *s = &w->sentinels[i];
    SIM_ASSERT(o->ip != NULL);
    uint32_t to = sim__proc_at(w, o->ip, o->port);
    uint32_t wc = sim__net_connect(w, s->proc, to, o->conn);
    map_put(&s->map, o->conn, wc);
}

static void do_send(struct sim_world *w, uint32_t i, const struct core_output *o) {
    struct sim_sentinel *s = &w->sentinels[i];
    uint32_t wc = map_get(&s->map, o->conn);
    SIM_ASSERT(wc != SIM_NONE); /* the core sent on a conn it never opened or already lost */
    SIM_ASSERT(o->argc > 0);
    uint32_t len = sim__encode_argv(w->scratch, SIM_SCRATCH_BYTES, o->argc, o->argv, o->argv_len);
    sim__net_send(w, wc, SIM_END_CLIENT, SIM_MSG_CMD, o->cmd, w->scratch, len);
}

static void do_reply(struct sim_world *w, uint32_t i, const struct core_output *o) {
    struct sim_sentinel *s = &w->sentinels[i];
    SIM_ASSERT(o->reply != NULL);
    if (o->client == HARNESS_CLIENT) {
        const struct core_reply *r = o->reply;
        s->harness_error = r->type == CORE_REPLY_ERROR;
        if (r->type == CORE_REPLY_STATUS || r->type == CORE_REPLY_ERROR ||
            r->type == CORE_REPLY_BULK) {
            snprintf(s->harness_reply, sizeof(s->harness_reply), "%.*s", (int)r->len, r->str);
        } else if (r->type == CORE_REPLY_INTEGER) {
            snprintf(s->harness_reply, sizeof(s->harness_reply), "%" PRId64, r->integer);
        } else {
            snprintf(s->harness_reply, sizeof(s->harness_reply), "(array of %zu)", r->elements_len);
        }
        return;
    }
    uint32_t conn = (uint32_t)(o->client & 0xffffffffu);
    uint32_t gen = (uint32_t)(o->client >> 32);
    if (!sim__conn_live(w, conn, gen) || !w->conns[conn].open[SIM_END_SERVER]) { return; }
    struct sim_session *ss = &w->sessions[conn];
    SIM_ASSERT(ss->pending_len > 0); /* a reply nobody asked for */
    uint64_t cmd = ss->pending[ss->pending_head];
    ss->pending_head = (ss->pending_head + 1) % SIM_PENDING_MAX;
    ss->pending_len--;
    uint32_t len = sim__encode_reply(w->scratch, SIM_SCRATCH_BYTES, o->reply);
    sim__net_send(w, conn, SIM_END_SERVER, SIM_MSG_REPLY, cmd, w->scratch, len);
}

/* Carries out outputs in order; returns false when the process stopped. */
static bool run_outputs(struct sim_world *w, uint32_t i, const struct core_output *outs, size_t n) {
    struct sim_sentinel *s = &w->sentinels[i];
    for (size_t k = 0; k < n; k++) {
        const struct core_output *o = &outs[k];
        switch (o->kind) {
        case CORE_OUT_CONNECT:
            do_connect(w, i, o);
            break;
        case CORE_OUT_CLOSE: {
            uint32_t wc = map_get(&s->map, o->conn);
            if (wc != SIM_NONE) {
                map_del(&s->map, o->conn);
                sim__net_close(w, wc, SIM_END_CLIENT);
            }
            break;
        }
        case CORE_OUT_SEND:
            do_send(w, i, o);
            break;
        case CORE_OUT_PERSIST:
            SIM_ASSERT(o->text_len <= s->config_cap);
            memcpy(s->config, o->text, o->text_len);
            s->config_len = o->text_len;
            break;
        case CORE_OUT_REPLY:
            do_reply(w, i, o);
            break;
        case CORE_OUT_EVENT:
            SIM_ASSERT(o->type != NULL);
            /* Every change a wait on the cores' views looks at comes with an
             * event (+slave, +sentinel, +switch-master). */
            w->cond_dirty = true;
            log_text(w, s->proc, REP_KIND_EVENT, level_of(o->level), o->type, o->text, o->text_len);
            break;
        case CORE_OUT_LOG:
            log_text(w, s->proc, REP_KIND_LOG, level_of(o->level), "", o->text, o->text_len);
            break;
        case CORE_OUT_EXPLAIN:
            log_text(w, s->proc, REP_KIND_EXPLAIN, level_of(o->level), "", o->text, o->text_len);
            break;
        case CORE_OUT_CRASH:
        case CORE_OUT_EXIT:
            sim__sentinel_stop(w, i, o->kind == CORE_OUT_CRASH);
            return false;
        }
    }
    return true;
}

static void step(struct sim_world *w, uint32_t i, const struct core_input *in) {
    struct sim_sentinel *s = &w->sentinels[i];
    SIM_ASSERT(s->core != NULL);
    SIM_ASSERT(w->procs[s->proc].up && !w->procs[s->proc].paused);
    const struct core_output *outs = NULL;
    size_t n = 0;
    uint64_t local = sim_clock_local_ms(&s->clock, w->now_ms);
    int rc = core_step(s->core, local, in, &outs, &n);
    SIM_ASSERT(rc == CORE_OK); /* CORE_E_INPUT: the simulator broke the seam's contract */
    w->core_steps++;
    bool alive = run_outputs(w, i, outs, n);
    if (alive) { rearm(w, i); }
    const struct sim_observer *obs = w->opt.observer;
    if (obs != NULL && obs->core_step_cb != NULL &&
        obs->core_step_cb(obs->ud, w->now_ms, i, s->core, outs, n)) {
        w->stopped = true;
    }
}

/* ---------------------------------------------------------------- lifecycle */

static void apply_timers(struct sim_world *w, uint32_t i) {
    struct sim_sentinel *s = &w->sentinels[i];
    for (uint32_t k = 0; k < SCN_TIMERS_LEN; k++) {
        uint32_t v = scn_timer_get(&w->scn->timers, k);
        if (v == 0) { continue; }
        char val[16];
        snprintf(val, sizeof(val), "%u", v);
        const char *argv[] = {"SENTINEL", "DEBUG", scn_timer_names[k], val};
        sim__sentinel_harness(w, i, 4, argv);
        if (!w->procs[s->proc].up) { return; }
        if (s->harness_error) {
            char text[REP_TEXT_MAX];
            snprintf(text, sizeof(text), "SENTINEL DEBUG %s %s refused: %s", scn_timer_names[k],
                     val, s->harness_reply);
            sim__log(w, REP_KIND_CHECK, REP_LEVEL_WARNING, s->proc, "", text);
        }
    }
}

int sim__sentinel_start(struct sim_world *w, uint32_t i) {
    struct sim_sentinel *s = &w->sentinels[i];
    struct sim_proc *p = &w->procs[s->proc];
    SIM_ASSERT(!p->up);
    /* The previous life's core is freed only now: its last outputs were
     * still being carried out when it stopped. */
    core_free(s->core);
    s->core = NULL;
    s->seed = sim_rng_next(&s->rng);
    s->starts++;
    struct core_options opts = {
        .config_text = s->config,
        .config_len = s->config_len,
        .seed = s->seed,
        .explain = w->opt.explain || w->scn->explain,
    };
    struct core_allocator alloc = {alloc_cb, free_cb, NULL};
    struct core_error err = {0};
    int rc = core_new(&w->limits, &opts, &alloc, sim_clock_local_ms(&s->clock, w->now_ms), &s->core,
                      &err);
    if (rc != CORE_OK) {
        char text[REP_TEXT_MAX];
        snprintf(text, sizeof(text), "core_new failed (%d) at config line %u: %s", rc, err.line,
                 err.msg);
        sim__log(w, REP_KIND_CHECK, REP_LEVEL_WARNING, s->proc, "", text);
        s->core = NULL;
        return rc == CORE_E_CONFIG ? SIM_E_CONFIG : SIM_E_NOMEM;
    }
    p->up = true;
    p->paused = false;
    w->cond_dirty = true;
    map_clear(&s->map);
    s->tick_ms = UINT64_MAX;
    snprintf(s->myid, sizeof(s->myid), "%s", core_myid(s->core));
    const struct sim_observer *obs = w->opt.observer;
    if (obs != NULL && obs->sentinel_cb != NULL) { obs->sentinel_cb(obs->ud, w->now_ms, i, true); }
    struct core_input in = {.kind = CORE_IN_START};
    step(w, i, &in);
    if (p->up) { apply_timers(w, i); }
    return SIM_OK;
}

void sim__sentinel_stop(struct sim_world *w, uint32_t i, bool crashed) {
    struct sim_sentinel *s = &w->sentinels[i];
    struct sim_proc *p = &w->procs[s->proc];
    SIM_ASSERT(p->up);
    (void)crashed;
    p->up = false;
    w->cond_dirty = true;
    const struct sim_observer *obs = w->opt.observer;
    if (obs != NULL && obs->sentinel_cb != NULL) { obs->sentinel_cb(obs->ud, w->now_ms, i, false); }
    p->paused = false;
    s->tick_gen++;
    s->tick_ms = UINT64_MAX;
    /* The outputs being carried out point into the core's arena: free it only
     * after they are done, i.e. not here but when the world is torn down or
     * the process restarts. The connections die now. */
    sim__net_proc_down(w, s->proc);
    map_clear(&s->map);
}

void sim__sentinel_tick(struct sim_world *w, uint32_t i, uint64_t gen) {
    struct sim_sentinel *s = &w->sentinels[i];
    if (gen != s->tick_gen) { return; }
    s->tick_ms = UINT64_MAX;
    if (!w->procs[s->proc].up || w->procs[s->proc].paused) { return; }
    struct core_input in = {.kind = CORE_IN_TICK};
    step(w, i, &in);
}

void sim__sentinel_resumed(struct sim_world *w, uint32_t i) {
    struct sim_sentinel *s = &w->sentinels[i];
    s->tick_ms = UINT64_MAX;
    rearm(w, i);
}

/* ---------------------------------------------------------------- messages */

static void serve_command(struct sim_world *w, uint32_t i, uint32_t conn, uint32_t msg) {
    struct sim_conn *c = &w->conns[conn];
    const char *argv[SIM_ARGV_MAX];
    size_t argv_len[SIM_ARGV_MAX];
    const uint8_t *p = sim__msg_payload(w, msg);
    uint32_t argc = sim__decode_argv(p, w->msgs[msg].len, argv, argv_len, SIM_ARGV_MAX);
    const char *pass = w->scn->sentinels[i].requirepass;
    const char *answer = NULL;
    enum core_reply_type type = CORE_REPLY_STATUS;
    SIM_ASSERT(argc > 0);
    if (strcasecmp(argv[0], "auth") == 0) {
        bool ok = pass[0] != '\0' && strcmp(argv[argc - 1], pass) == 0;
        if (ok) { c->authed = true; }
        type = ok ? CORE_REPLY_STATUS : CORE_REPLY_ERROR;
        answer = ok ? "OK"
                 : pass[0] == '\0'
                     ? "ERR AUTH <password> called without any password configured for the "
                       "default user. Are you sure your configuration is correct?"
                     : "WRONGPASS invalid username-password pair or user is disabled.";
    } else if (strcasecmp(argv[0], "client") == 0 && argc == 3 &&
               strcasecmp(argv[1], "setname") == 0) {
        answer = "OK";
    } else if (pass[0] != '\0' && !c->authed) {
        type = CORE_REPLY_ERROR;
        answer = "NOAUTH Authentication required.";
    }
    if (answer != NULL) {
        uint32_t len = sim__encode_status(w->scratch, SIM_SCRATCH_BYTES, type, answer);
        sim__net_send(w, conn, SIM_END_SERVER, SIM_MSG_REPLY, w->msgs[msg].cmd, w->scratch, len);
        return;
    }
    struct sim_session *ss = &w->sessions[conn];
    SIM_ASSERT(ss->pending_len < SIM_PENDING_MAX);
    ss->pending[(ss->pending_head + ss->pending_len) % SIM_PENDING_MAX] = w->msgs[msg].cmd;
    ss->pending_len++;
    struct core_input in = {
        .kind = CORE_IN_COMMAND,
        .client = ((uint64_t)c->gen << 32) | conn,
        .argc = argc,
        .argv = argv,
        .argv_len = argv_len,
    };
    step(w, i, &in);
}

void sim__sentinel_receive(struct sim_world *w, uint32_t i, uint32_t msg) {
    struct sim_sentinel *s = &w->sentinels[i];
    const struct sim_msg *m = &w->msgs[msg];
    uint32_t conn = m->conn;
    if (m->to_end == SIM_END_SERVER) {
        if (m->kind == SIM_MSG_CMD) { serve_command(w, i, conn, msg); }
        return;
    }
    uint32_t owner = w->conns[conn].owner;
    if (map_get(&s->map, owner) != conn) { return; } /* the core already dropped it */
    struct core_input in = {.conn = owner};
    switch (m->kind) {
    case SIM_MSG_ACCEPT:
        in.kind = CORE_IN_CONN_UP;
        in.local_ip = SIM_IP;
        break;
    case SIM_MSG_REFUSE:
    case SIM_MSG_CLOSE:
        map_del(&s->map, owner);
        in.kind = CORE_IN_CONN_DOWN;
        break;
    case SIM_MSG_REPLY: {
        const uint8_t *p = sim__msg_payload(w, msg);
        in.kind = CORE_IN_REPLY;
        in.cmd = m->cmd;
        in.reply = sim__decode_reply(w, p, m->len);
        break;
    }
    case SIM_MSG_PUSH: {
        const uint8_t *p = sim__msg_payload(w, msg);
        in.kind = CORE_IN_MESSAGE;
        sim__decode_push(p, m->len, &in.channel, &in.channel_len, &in.payload, &in.payload_len);
        break;
    }
    case SIM_MSG_CONNECT:
    case SIM_MSG_CMD:
        SIM_UNREACHABLE();
    }
    step(w, i, &in);
}

void sim__sentinel_harness(struct sim_world *w,
                           uint32_t i,
                           uint32_t argc,
                           const char *const *argv) {
    struct sim_sentinel *s = &w->sentinels[i];
    size_t argv_len[SIM_ARGV_MAX];
    SIM_ASSERT(argc > 0 && argc <= SIM_ARGV_MAX);
    for (uint32_t a = 0; a < argc; a++) {
        argv_len[a] = strlen(argv[a]);
    }
    s->harness_reply[0] = '\0';
    s->harness_error = false;
    if (!w->procs[s->proc].up || w->procs[s->proc].paused) {
        snprintf(s->harness_reply, sizeof(s->harness_reply), "(process not running)");
        s->harness_error = true;
        return;
    }
    struct core_input in = {
        .kind = CORE_IN_COMMAND,
        .client = HARNESS_CLIENT,
        .argc = argc,
        .argv = argv,
        .argv_len = argv_len,
    };
    step(w, i, &in);
}

int sim__sentinel_group(const struct sim_world *w,
                        uint32_t i,
                        uint32_t group,
                        struct core_master_view *out) {
    const struct sim_sentinel *s = &w->sentinels[i];
    if (!w->procs[s->proc].up || s->core == NULL) { return -1; }
    const char *name = w->scn->groups[group].name;
    uint32_t n = core_masters_len(s->core);
    /* Usually master i is group i (the config lists them in order): try it first. */
    if (group < n && core_master(s->core, group, out) == 0 && strcmp(out->name, name) == 0) {
        return (int)group;
    }
    for (uint32_t j = 0; j < n; j++) {
        if (core_master(s->core, j, out) == 0 && strcmp(out->name, name) == 0) { return (int)j; }
    }
    return -1;
}
