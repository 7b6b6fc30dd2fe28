/* sentinel.c: core_new/core_free/core_step, the timer tick, and the views.
 *
 * Method: one core_step() is one event-loop callback of upstream Sentinel:
 * a timer tick (sentinelTimer(): TILT check, then every master with its
 * replicas and sentinels, then the pending switch, then a new random hz),
 * a connection event, a reply, a Pub/Sub message or a client command. The
 * step caches "now" once (libuv-style) and collects outputs in order.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/internal.h"

/* ---------------------------------------------------------------- helpers */

int64_t core__atoi(const char *str) {
    CORE_ASSERT(strlen(str) < (1u << 20));
    CORE_ASSERT(str != NULL);
    long long v = strtoll(str, NULL, 10);
    /* atoi() truncates to int; saturate instead of wrapping. */
    if (v > INT32_MAX) { return INT32_MAX; }
    if (v < INT32_MIN) { return INT32_MIN; }
    return (int64_t)v;
}

int core__strcasecmp(const char *a, const char *b) {
    CORE_ASSERT(a != NULL);
    CORE_ASSERT(b != NULL);
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z') { ca += 'a' - 'A'; }
        if (cb >= 'A' && cb <= 'Z') { cb += 'a' - 'A'; }
        if (ca != cb || ca == 0) { return ca - cb; }
    }
}

uint32_t core__insts_per_master(const struct core_sentinel *s) {
    CORE_ASSERT(s->lim.replicas_max > 0);
    CORE_ASSERT(s->lim.sentinels_max > 0);
    return 1 + s->lim.replicas_max + s->lim.sentinels_max;
}

static void set_default_timing(struct core__timing *t) {
    CORE_ASSERT(t != NULL);
    t->info_period = 10000;
    t->ping_period = 1000;
    t->ask_period = 1000;
    t->publish_period = 2000;
    t->default_down_after = 30000;
    t->default_failover_timeout = 180000;
    t->tilt_trigger = 2000;
    t->tilt_period = 30000;
    t->slave_reconf_timeout = 10000;
    t->min_link_reconnect_period = 15000;
    t->election_timeout = 10000;
    t->script_max_runtime = 60000;
    t->script_retry_delay = 30000;
    CORE_ASSERT(t->tilt_period == 30 * t->ping_period);
}

struct core_limits core_limits_default(void) {
    struct core_limits l = {
        .masters_max = 16,
        .replicas_max = 64,
        .sentinels_max = 16,
        .conns_max = 4096,
        .outputs_max = 8192,
        .arena_bytes = 4u << 20,
        .config_bytes_max = 256u << 10,
        .info_cache_bytes = 4096,
    };
    CORE_ASSERT(l.masters_max > 0);
    CORE_ASSERT(l.conns_max > 0);
    return l;
}

/* ---------------------------------------------------------------- set-up */

/* Buffers that are always written before they are read (arena, outputs,
 * config text, INFO cache): not zeroed, so that a sentinel (re)start does not
 * touch megabytes it may never use. */
static void *alloc_buf(const struct core_allocator *a, size_t n, bool *ok) {
    CORE_ASSERT(a != NULL && a->alloc_cb != NULL);
    CORE_ASSERT(n > 0);
    void *p = a->alloc_cb(a->ud, n);
    if (p == NULL) { *ok = false; }
    return p;
}

/* Tables of state: zeroed, as every record starts out unused. */
static void *zalloc(const struct core_allocator *a, size_t n, bool *ok) {
    void *p = alloc_buf(a, n, ok);
    if (p != NULL) { memset(p, 0, n); }
    CORE_ASSERT(p != NULL || !*ok);
    return p;
}

/* A zeroed table whose records start on cache-line boundaries (the driver's
 * allocator promises malloc's alignment only); *mem receives what to free. */
static void *zalloc_lines(const struct core_allocator *a, size_t n, void **mem, bool *ok) {
    *mem = alloc_buf(a, n + 63, ok);
    if (*mem == NULL) { return NULL; }
    void *p = (void *)(((uintptr_t)*mem + 63) & ~(uintptr_t)63);
    memset(p, 0, n);
    return p;
}

static bool limits_valid(const struct core_limits *l) {
    CORE_ASSERT(sizeof(struct core__inst) > 0);
    CORE_ASSERT(l != NULL);
    uint64_t insts = (uint64_t)l->masters_max * (1u + (uint64_t)l->replicas_max + l->sentinels_max);
    return l->masters_max > 0 && l->replicas_max > 0 && l->sentinels_max > 0 && l->conns_max > 1 &&
           l->conns_max < (1u << 24) && l->outputs_max >= 64 && l->arena_bytes >= (64u << 10) &&
           l->config_bytes_max >= 1024 && insts < (1u << CORE__CMD_INST_BITS) &&
           l->info_cache_bytes <= CORE_INFO_BYTES_MAX;
}

static bool alloc_tables(struct core_sentinel *s) {
    CORE_ASSERT(s->lim.masters_max > 0);
    CORE_ASSERT(s->masters == NULL);
    const struct core_allocator *a = &s->alloc;
    const struct core_limits *l = &s->lim;
    bool ok = true;
    s->insts_max = l->masters_max * core__insts_per_master(s);
    s->links_max = s->insts_max;
    s->masters = zalloc_lines(a, l->masters_max * sizeof(*s->masters), &s->masters_mem, &ok);
    s->order = zalloc(a, l->masters_max * sizeof(*s->order), &ok);
    for (s->names_len = 4; s->names_len < 2 * l->masters_max; s->names_len *= 2) {}
    s->names = zalloc(a, s->names_len * sizeof(*s->names), &ok);
    for (s->rnames_len = 4; s->rnames_len < 2 * l->masters_max * l->replicas_max;
         s->rnames_len *= 2) {}
    s->rnames = zalloc(a, s->rnames_len * sizeof(*s->rnames), &ok);
    s->insts = zalloc_lines(a, s->insts_max * sizeof(*s->insts), &s->insts_mem, &ok);
    s->inst_used = zalloc(a, ((size_t)s->insts_max + 63) / 64 * sizeof(uint64_t), &ok);
    s->links = zalloc_lines(a, s->links_max * sizeof(*s->links), &s->links_mem, &ok);
    s->conns = zalloc(a, l->conns_max * sizeof(*s->conns), &ok);
    s->index_pool = zalloc(
        a, (size_t)l->masters_max * (l->replicas_max + l->sentinels_max) * sizeof(uint32_t), &ok);
    s->keys_pool = zalloc(a, (size_t)l->masters_max * l->sentinels_max * sizeof(uint64_t), &ok);
    s->quiet_pool = zalloc(
        a, (size_t)l->masters_max * (l->replicas_max + l->sentinels_max) * sizeof(int64_t), &ok);
    s->quiet = zalloc(a, l->masters_max * sizeof(*s->quiet), &ok);
    s->info_cache_bytes = l->info_cache_bytes;
    if (s->info_cache_bytes > 0) {
        s->info_slab = alloc_buf(a, (size_t)s->insts_max * s->info_cache_bytes, &ok);
    }
    s->conf = alloc_buf(a, l->config_bytes_max, &ok);
    s->conf_scratch = alloc_buf(a, l->config_bytes_max, &ok);
    s->conf_gen_spare = alloc_buf(a, l->config_bytes_max, &ok);
    void *gen = zalloc(a, core__gen_cache_bytes(l), &ok);
    if (gen != NULL) { s->conf_gen = core__gen_cache_init(gen, l); }
    s->conf_out = alloc_buf(a, l->config_bytes_max, &ok);
    s->conf_rw = alloc_buf(a, sizeof(*s->conf_rw), &ok);
    s->conf_keys = alloc_buf(a, 2 * (size_t)l->config_bytes_max, &ok);
    s->conf_prev = alloc_buf(a, l->config_bytes_max, &ok);
    if (ok) {
        core__conf_rw_init(s->conf_rw, s->conf_keys, 2 * (size_t)l->config_bytes_max, s->conf_prev,
                           l->config_bytes_max);
    }
    s->outs = alloc_buf(a, l->outputs_max * sizeof(*s->outs), &ok);
    s->arena = alloc_buf(a, l->arena_bytes, &ok);
    for (s->conn_slot_bits = 1; (1u << s->conn_slot_bits) < l->conns_max; s->conn_slot_bits++) {}
    return ok;
}

void core_free(struct core_sentinel *s) {
    if (s == NULL) { return; }
    void *ptrs[] = {s->masters_mem,    s->order,     s->names,     s->rnames,     s->insts_mem,
                    s->inst_used,      s->links_mem, s->conns,     s->index_pool, s->keys_pool,
                    s->quiet_pool,     s->quiet,     s->info_slab, s->conf,       s->conf_scratch,
                    s->conf_gen_spare, s->conf_gen,  s->conf_out,  s->conf_rw,    s->conf_keys,
                    s->conf_prev,      s->outs,      s->arena};
    struct core_allocator a = s->alloc;
    for (size_t k = 0; k < sizeof(ptrs) / sizeof(ptrs[0]); k++) {
        if (ptrs[k] != NULL) { a.free_cb(a.ud, ptrs[k]); }
    }
    a.free_cb(a.ud, s);
}

static void init_state(struct core_sentinel *s, const struct core_options *opts, uint64_t now) {
    CORE_ASSERT(opts != NULL);
    CORE_ASSERT(s->arena != NULL);
    s->seed = opts->seed;
    s->explain = opts->explain;
    core__rng_seed(&s->rng, opts->seed);
    core__rng_hex(&s->rng, s->run_id, CORE_RUNID_LEN);
    s->now = (int64_t)now;
    s->start_time = s->now;
    s->previous_time = s->now;
    s->next_tick = s->now + 1;
    s->hz = 10;
    s->port = 26379;
    s->deny_scripts_reconfig = true;
    s->cmd_seq = 1;
    s->wake_gen = 1; /* above every master's 0: nothing is trusted yet */
    set_default_timing(&s->t);
}

int core_new(const struct core_limits *limits,
             const struct core_options *opts,
             const struct core_allocator *alloc,
             uint64_t now_ms,
             struct core_sentinel **out,
             struct core_error *err) {
    CORE_ASSERT(limits != NULL && opts != NULL && alloc != NULL);
    CORE_ASSERT(out != NULL && err != NULL);
    memset(err, 0, sizeof(*err));
    *out = NULL;
    if (!limits_valid(limits) || opts->config_len >= limits->config_bytes_max) {
        snprintf(err->msg, sizeof(err->msg), "core limits invalid or config file too large");
        return CORE_E_LIMIT;
    }
    bool ok = true;
    struct core_sentinel *s = zalloc(alloc, sizeof(*s), &ok);
    if (s == NULL) { return CORE_E_NOMEM; }
    s->alloc = *alloc;
    s->lim = *limits;
    if (!alloc_tables(s)) {
        core_free(s);
        return CORE_E_NOMEM;
    }
    init_state(s, opts, now_ms);
    core__check_enter(NULL, now_ms, opts->seed);
    if (opts->config_len > 0) { memcpy(s->conf, opts->config_text, opts->config_len); }
    s->conf_len = opts->config_len;
    int rc = core__config_load(s, s->conf, s->conf_len, err);
    if (rc != CORE_OK) {
        core_free(s);
        return rc;
    }
    if (s->myid[0] == '\0') {
        core__rng_hex(&s->rng, s->myid, CORE_RUNID_LEN);
        s->myid_generated = true;
    }
    core__out_reset(s);
    *out = s;
    return CORE_OK;
}

/* ---------------------------------------------------------------- the tick */

/* Mirrors sentinelHandleRedisInstance(). */
static void handle_instance(struct core_sentinel *s, uint32_t inst) {
    CORE_ASSERT(s->started);
    CORE_ASSERT(!s->halted);
    struct core__inst *ri = core__inst(s, inst);
    core__reconnect(s, inst);
    core__send_periodic(s, inst);
    if (s->tilt) {
        if (s->now - s->tilt_start_time < s->t.tilt_period) { return; }
        s->tilt = false;
        core__event(s, CORE_LEVEL_WARNING, "-tilt", CORE__NONE, "#tilt mode exited");
    }
    core__check_sdown(s, inst);
    if (!(ri->flags & CORE__F_MASTER)) { return; }
    core__check_odown(s, ri->master);
    if (core__start_failover_if_needed(s, ri->master)) {
        core__ask_master_state(s, ri->master, CORE__ASK_FORCED);
    }
    core__failover_step(s, ri->master);
    if (s->halted) { return; }
    core__ask_master_state(s, ri->master, false);
}

/* When a master's others are all visited (after a wake), the records lie
 * scattered in memory, and with a thousand replicas the walk is a chain of
 * cache misses: start loading the hot line of a record, and of its link, a
 * few visits ahead. The link index is read from a record prefetched on an
 * earlier visit. */
#define PREFETCH_AHEAD 4

static void prefetch_visit(const struct core_sentinel *s,
                           const uint32_t *insts,
                           uint32_t n,
                           uint32_t j) {
    if (j + 2 * PREFETCH_AHEAD < n) {
        __builtin_prefetch(&s->insts[insts[j + 2 * PREFETCH_AHEAD]]);
    }
    if (j + PREFETCH_AHEAD < n) {
        __builtin_prefetch(&s->links[s->insts[insts[j + PREFETCH_AHEAD]].link]);
    }
}

#if CORE_VERIFY_QUIET
/* A skipped visit, made anyway: it must change nothing at all. */
static void verify_quiet(struct core_sentinel *s, uint32_t inst) {
    struct core__inst ri;
    struct core__link l;
    memcpy(&ri, core__inst(s, inst), sizeof(ri));
    memcpy(&l, core__link_of(s, inst), sizeof(l));
    size_t nouts = s->nouts;
    uint64_t cmd_seq = s->cmd_seq;
    handle_instance(s, inst);
    CORE_ASSERT(memcmp(&ri, core__inst(s, inst), sizeof(ri)) == 0);
    CORE_ASSERT(memcmp(&l, core__link_of(s, inst), sizeof(l)) == 0);
    CORE_ASSERT(s->nouts == nouts && s->cmd_seq == cmd_seq);
}

static uint64_t digest_bytes(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 0x100000001b3u;
    }
    return h;
}

static uint64_t digest_record(uint64_t h, struct core_sentinel *s, uint32_t inst) {
    h = digest_bytes(h, core__inst(s, inst), sizeof(struct core__inst));
    return digest_bytes(h, core__link_of(s, inst), sizeof(struct core__link));
}

/* Everything the visits of a master and its others may change. */
static uint64_t digest_master(struct core_sentinel *s, uint32_t mslot) {
    const struct core__master *m = &s->masters[mslot];
    uint64_t h = digest_bytes(0xcbf29ce484222325u, m, sizeof(*m));
    h = digest_bytes(h, &s->rng, sizeof(s->rng));
    h = digest_record(h, s, m->inst);
    for (uint32_t j = 0; j < m->nreplicas; j++) {
        h = digest_record(h, s, m->replicas[j]);
    }
    for (uint32_t j = 0; j < m->nsentinels; j++) {
        h = digest_record(h, s, m->sentinels[j]);
    }
    return h;
}

/* A skipped master record, and its others if `whole`, visited anyway:
 * nothing of the master may change (its record's visit may sweep its
 * sentinel records). */
static void verify_quiet_master(struct core_sentinel *s, uint32_t mslot, bool whole) {
    const struct core__master *m = &s->masters[mslot];
    uint64_t before = digest_master(s, mslot);
    size_t nouts = s->nouts;
    uint64_t cmd_seq = s->cmd_seq;
    handle_instance(s, m->inst);
    for (uint32_t j = 0; whole && j < m->nreplicas; j++) {
        handle_instance(s, m->replicas[j]);
    }
    for (uint32_t j = 0; whole && j < m->nsentinels; j++) {
        handle_instance(s, m->sentinels[j]);
    }
    CORE_ASSERT(digest_master(s, mslot) == before);
    CORE_ASSERT(s->nouts == nouts && s->cmd_seq == cmd_seq);
}
#endif

/* One replica or sentinel of a master: visited if it may act (quiet.c). */
static void visit_other(struct core_sentinel *s, uint32_t inst, int64_t *due, bool trusted) {
    if (trusted && s->now < *due) {
#if CORE_VERIFY_QUIET
        verify_quiet(s, inst);
#endif
        return;
    }
    handle_instance(s, inst);
    if (!s->halted && !s->tilt) { *due = core__quiet_until(s, inst); }
}

/* The replicas and sentinels of a master, in table order, each visited if
 * its due time is not trusted or has come; returns the earliest due time. */
static int64_t visit_others(struct core_sentinel *s, uint32_t mslot, bool trusted) {
    struct core__master *m = &s->masters[mslot];
    int64_t *due = core__quiet_block(s, mslot), first = INT64_MAX;
    for (uint32_t j = 0; j < m->nreplicas && !s->halted; j++) {
        if (!trusted) { prefetch_visit(s, m->replicas, m->nreplicas, j); }
        visit_other(s, m->replicas[j], &due[j], trusted);
        first = core__min64(first, due[j]);
    }
    due += s->lim.replicas_max;
    for (uint32_t j = 0; j < m->nsentinels && !s->halted; j++) {
        visit_other(s, m->sentinels[j], &due[j], trusted);
        first = core__min64(first, due[j]);
    }
    return first;
}

/* A master's record, then its others, each visited if its due time is not
 * trusted or has come. Due times are trusted if taken since the last wake
 * (and not during TILT) while the master was steady; a wake during the
 * visits leaves them untrusted for the next tick. A steady master is next
 * due when its record or the first of its others is. */
static void visit_master(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__quiet *q = &s->quiet[mslot];
    bool trusted = q->gen == s->wake_gen && !s->tilt;
    /* q->own is later than its taking only if the master was steady then. */
    bool own_quiet = trusted && s->now < q->own;
    if (own_quiet) {
#if CORE_VERIFY_QUIET
        verify_quiet_master(s, mslot, false);
#endif
    } else {
        handle_instance(s, m->inst);
        if (s->halted) { return; }
        trusted = trusted && q->gen == s->wake_gen && core__master_steady(s, mslot);
    }
    int64_t gen = s->wake_gen;
    int64_t due = visit_others(s, mslot, trusted);
    if (s->halted) { return; }
    bool kept = s->wake_gen == gen && !s->tilt;
    /* Visits of its others cannot unsettle a master without a wake. */
    bool steady = kept && (own_quiet || core__master_steady(s, mslot));
    if (!own_quiet) { q->own = steady ? core__quiet_until(s, m->inst) : s->now; }
    q->gen = kept ? gen : 0;
    q->due = steady ? core__min64(due, q->own) : s->now;
}

/* Nothing of the master is due: the tick skips it whole. */
static bool master_quiet(const struct core_sentinel *s, uint32_t mslot) {
    const struct core__quiet *q = &s->quiet[mslot];
    return q->gen == s->wake_gen && !s->tilt && s->now < q->due;
}

/* Mirrors sentinelHandleDictOfRedisInstances() for the masters table. */
static void tick(struct core_sentinel *s) {
    CORE_ASSERT(s->started);
    uint32_t switch_slot = CORE__NONE;
    core__check_tilt(s);
    for (uint32_t k = 0; k < s->nmasters && !s->halted; k++) {
        uint32_t mslot = s->order[k];
        if (master_quiet(s, mslot)) {
#if CORE_VERIFY_QUIET
            verify_quiet_master(s, mslot, true);
#endif
            continue;
        }
        visit_master(s, mslot);
        if (s->masters[mslot].failover_state == CORE__FO_UPDATE_CONFIG) { switch_slot = mslot; }
    }
    if (s->halted) { return; }
    if (switch_slot != CORE__NONE) { core__switch_to_promoted(s, switch_slot); }
    s->hz = 10 + core__rng_below(&s->rng, 10);
    s->next_tick = s->now + 1000 / s->hz;
    CORE_ASSERT(s->next_tick > s->now);
}

/* Mirrors sentinelIsRunning(). */
static void start(struct core_sentinel *s) {
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    CORE_ASSERT(!s->started);
    s->started = true;
    if (s->myid_generated) { core__flush_config(s); }
    core__out_log(s, CORE_LEVEL_WARNING, "Sentinel ID is %s", s->myid);
    for (uint32_t k = 0; k < s->nmasters; k++) {
        struct core__master *m = &s->masters[s->order[k]];
        core__event_atf(s, CORE_LEVEL_WARNING, "+monitor", m->inst, " quorum %lld",
                        (long long)m->quorum);
    }
    s->next_tick = s->now + 1;
}

static bool input_valid(const struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in != NULL);
    CORE_ASSERT(s != NULL);
    if (s->halted || (unsigned)in->kind > CORE_IN_COMMAND) { return false; }
    if ((in->kind == CORE_IN_START) == s->started) { return false; }
    if (in->kind == CORE_IN_REPLY && in->reply == NULL) { return false; }
    if (in->kind == CORE_IN_COMMAND &&
        (in->argc == 0 || in->argv == NULL || in->argv_len == NULL)) {
        return false;
    }
    return true;
}

int core_step(struct core_sentinel *s,
              uint64_t now_ms,
              const struct core_input *in,
              const struct core_output **outs,
              size_t *outs_len) {
    CORE_ASSERT(outs != NULL);
    CORE_ASSERT(outs_len != NULL);
    *outs = NULL;
    *outs_len = 0;
    if (!input_valid(s, in)) { return CORE_E_INPUT; }
    core__out_reset(s);
    s->now = (int64_t)now_ms;
    core__check_enter(s->myid, now_ms, s->seed);
    switch (in->kind) {
    case CORE_IN_START:
        start(s);
        break;
    case CORE_IN_TICK:
        tick(s);
        break;
    case CORE_IN_CONN_UP:
        /* No wake: a record whose hellos waited for our local address
         * found its hello overdue and is visited at every tick. */
        core__on_conn_up(s, in);
        break;
    case CORE_IN_CONN_DOWN:
        core__wake_all(s); /* records sharing the link find it down */
        core__on_conn_down(s, in);
        break;
    case CORE_IN_REPLY:
        core__on_reply(s, in);
        break;
    case CORE_IN_MESSAGE:
        core__on_message(s, in);
        break;
    case CORE_IN_COMMAND:
        core__on_command(s, in);
        break;
    default:
        CORE_UNREACHABLE();
    }
    if (s->persist_pending) { core__out_persist(s); }
    *outs = s->outs;
    *outs_len = s->nouts;
    return CORE_OK;
}

uint64_t core_deadline_ms(const struct core_sentinel *s) {
    CORE_ASSERT(s != NULL);
    CORE_ASSERT(s->next_tick >= 0);
    return s->halted ? UINT64_MAX : (uint64_t)s->next_tick;
}

/* ---------------------------------------------------------------- views */

const char *core_myid(const struct core_sentinel *s) {
    CORE_ASSERT(s != NULL);
    CORE_ASSERT(strlen(s->myid) == CORE_RUNID_LEN);
    return s->myid;
}

uint64_t core_current_epoch(const struct core_sentinel *s) {
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    CORE_ASSERT(s != NULL);
    return s->current_epoch;
}

bool core_in_tilt(const struct core_sentinel *s) {
    CORE_ASSERT(!s->tilt || s->tilt_start_time != 0 || s->now == 0);
    CORE_ASSERT(s != NULL);
    return s->tilt;
}

uint64_t core_limit_refusals(const struct core_sentinel *s) {
    CORE_ASSERT(s != NULL);
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    return s->limit_refusals;
}

uint16_t core_port(const struct core_sentinel *s) {
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    CORE_ASSERT(s != NULL);
    return s->port;
}

uint32_t core_masters_len(const struct core_sentinel *s) {
    CORE_ASSERT(s != NULL);
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    return s->nmasters;
}

int core_master(const struct core_sentinel *s, uint32_t i, struct core_master_view *out) {
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    CORE_ASSERT(s != NULL && out != NULL);
    if (i >= s->nmasters) { return -1; }
    struct core_sentinel *w = (struct core_sentinel *)(uintptr_t)s;
    uint32_t mslot = s->order[i];
    struct core__master *m = &w->masters[mslot];
    struct core__inst *mi = core__minst(w, m);
    struct core__addr cur = core__current_master_addr(w, mslot);
    memset(out, 0, sizeof(*out));
    snprintf(out->name, sizeof(out->name), "%s", mi->name);
    snprintf(out->ip, sizeof(out->ip), "%s", cur.ip);
    out->port = cur.port;
    out->sdown = (mi->flags & CORE__F_S_DOWN) != 0;
    out->odown = (mi->flags & CORE__F_O_DOWN) != 0;
    out->failover_in_progress = (mi->flags & CORE__F_FAILOVER_IN_PROGRESS) != 0;
    out->failover_state = core__failover_state_name(m->failover_state);
    out->config_epoch = m->config_epoch;
    snprintf(out->leader, sizeof(out->leader), "%s", m->leader);
    out->leader_epoch = m->leader_epoch;
    out->replicas = m->nreplicas;
    out->sentinels = m->nsentinels;
    return 0;
}

static void inst_view(struct core_sentinel *s, uint32_t inst, struct core_instance_view *out) {
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(out != NULL);
    CORE_ASSERT(ri->flags & CORE__F_KINDS);
    memset(out, 0, sizeof(*out));
    out->kind = (ri->flags & CORE__F_MASTER)  ? CORE_PEER_MASTER
                : (ri->flags & CORE__F_SLAVE) ? CORE_PEER_REPLICA
                                              : CORE_PEER_SENTINEL;
    snprintf(out->ip, sizeof(out->ip), "%s", ri->addr.ip);
    out->port = ri->addr.port;
    snprintf(out->runid, sizeof(out->runid), "%s", ri->runid);
    out->sdown = (ri->flags & CORE__F_S_DOWN) != 0;
    out->disconnected = core__link_of(s, inst)->disconnected;
    out->promoted = (ri->flags & CORE__F_PROMOTED) != 0;
    out->reported_master = ri->role_reported == CORE__F_MASTER;
}

int core_replica(const struct core_sentinel *s,
                 uint32_t i,
                 uint32_t j,
                 struct core_instance_view *out) {
    CORE_ASSERT(s != NULL && out != NULL);
    if (i >= s->nmasters) { return -1; }
    struct core_sentinel *w = (struct core_sentinel *)(uintptr_t)s;
    struct core__master *m = &w->masters[s->order[i]];
    if (j >= m->nreplicas) { return -1; }
    inst_view(w, m->replicas[j], out);
    return 0;
}

int core_other_sentinel(const struct core_sentinel *s,
                        uint32_t i,
                        uint32_t j,
                        struct core_instance_view *out) {
    CORE_ASSERT(s != NULL && out != NULL);
    if (i >= s->nmasters) { return -1; }
    struct core_sentinel *w = (struct core_sentinel *)(uintptr_t)s;
    struct core__master *m = &w->masters[s->order[i]];
    if (j >= m->nsentinels) { return -1; }
    inst_view(w, m->sentinels[j], out);
    return 0;
}
