/* confgen.c: "flush config": the sentinel lines of §16.3 and the rewrite.
 *
 * Method: mirrors rewriteConfigSentinelOption() and sentinelFlushConfig().
 * We generate the `sentinel ...` lines in upstream's order, let the pure
 * rewrite engine (core/conf.c) merge them into the current file text, and
 * hand the whole new text to the driver in a PERSIST output, followed by
 * upstream's log line. Values are written raw like upstream does, except
 * announce-ip which upstream quotes. A master's block of lines is copied
 * from the last text while what it prints did not change (below).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/internal.h"

/* The frequent lines are built piecewise: a flush runs at every discovery,
 * vote and epoch change, and format strings were most of its cost. A
 * partial line on overflow does not matter: the whole text is then refused. */
static void put_i64(struct core__buf *b, long long v) {
    CORE_ASSERT(b != NULL);
    if (v < 0) {
        core__buf_putc(b, '-');
        core__buf_putu64(b, (unsigned long long)(-(v + 1)) + 1u);
    } else {
        core__buf_putu64(b, (unsigned long long)v);
    }
}

/* "sentinel <key> <name>" */
static void put_head(struct core__buf *b, const char *key, const char *name) {
    CORE_ASSERT(key != NULL && name != NULL);
    core__buf_puts(b, "sentinel ");
    core__buf_puts(b, key);
    core__buf_putc(b, ' ');
    core__buf_puts(b, name);
}

/* "sentinel <key> <name> <v>\n" */
static void put_num_line(struct core__buf *b, const char *key, const char *name, long long v) {
    put_head(b, key, name);
    core__buf_putc(b, ' ');
    put_i64(b, v);
    core__buf_putc(b, '\n');
}

/* "sentinel <key> <name> <ip> <port>" (the caller ends the line) */
static void put_addr_line(
    struct core__buf *b, const char *key, const char *name, const char *ip, unsigned port) {
    put_head(b, key, name);
    core__buf_putc(b, ' ');
    core__buf_puts(b, ip);
    core__buf_putc(b, ' ');
    core__buf_putu64(b, port);
}

/* ---------------------------------------------------------------- the per-master cache
 *
 * A flush happens at every discovery, vote and epoch change, O(masters)
 * times per failover round, and formatting every master's lines each time
 * made the flushes quadratic; usually one master's lines changed. So each
 * master's block of lines is kept in the last generated text and copied
 * while its inputs stay the same. Whether they did is not tracked at the
 * places that change them (a missed one would corrupt files silently):
 * sync_master() captures, at every generation, everything master_lines()
 * prints into the master's snapshot and says whether the snapshot already
 * held it. master_lines() reads the snapshot only, never the sentinel, so
 * a block is a function of its snapshot: equal snapshots, equal bytes. A
 * new input therefore has to go into struct gen_master and sync_master()
 * before master_lines() can print it; keep the three together.
 *
 * Which bytes a block is: each generation has a new serial and stamps every
 * master it writes with it; s->conf_scratch holds the text whose serial is
 * c->text. A master stamped c->text was last synced by the generation that
 * wrote that text, so its block there prints its snapshot as it is now. A
 * generation that does not fit keeps conf_scratch and c->text, and the
 * masters it synced carry a serial no kept text has; a master removed (its
 * slot maybe reused) keeps a stamp older than c->text. */

/* A `sentinel known-sentinel` line's values. */
struct gen_peer {
    char runid[CORE_RUNID_LEN + 1];
    struct core__addr addr;
};

/* What master_lines() prints for one master, and where it last did. */
struct gen_master {
    uint64_t text; /* serial of the generated text holding the block; 0 = none */
    size_t off;    /* the block is that text's [off, off + len) */
    size_t len;
    char name[CORE_NAME_MAX];
    struct core__addr cur; /* core__current_master_addr() */
    int64_t quorum;
    int64_t down_after_period;
    int64_t failover_timeout;
    int64_t parallel_syncs;
    int64_t master_reboot_down_after_period;
    uint64_t config_epoch;
    uint64_t leader_epoch;
    char notification_script[CORE__PATH_MAX];
    char client_reconfig_script[CORE__PATH_MAX];
    bool has_auth_pass;
    bool has_auth_user;
    char auth_pass[CORE__SECRET_MAX]; /* "" unless has_auth_pass */
    char auth_user[CORE__SECRET_MAX]; /* "" unless has_auth_user */
    uint32_t nreplicas;
    /* Pools are zeroed at start: an entry past the count is still a string. */
    struct core__addr *replicas; /* the addresses printed, limits.replicas_max */
    uint32_t npeers;
    struct gen_peer *peers; /* the sentinels with a run id, limits.sentinels_max */
    uint32_t nrenames;
    struct core__rename renames[CORE__RENAMES_MAX];
};

struct core__gen_cache {
    uint64_t serial;            /* the last serial handed out */
    uint64_t text;              /* serial of the text in s->conf_scratch; 0 = none yet */
    struct gen_master *masters; /* by master slot, plus one for full generations */
};

/* Each sync_* makes *kept equal to now and says whether it already was. */
static bool sync_u64(uint64_t *kept, uint64_t now) {
    bool same = *kept == now;
    *kept = now;
    return same;
}

static bool sync_i64(int64_t *kept, int64_t now) {
    bool same = *kept == now;
    *kept = now;
    return same;
}

static bool sync_bool(bool *kept, bool now) {
    bool same = *kept == now;
    *kept = now;
    return same;
}

static bool sync_str(char *kept, size_t cap, const char *now) {
    CORE_ASSERT(kept != NULL && now != NULL);
    if (strcmp(kept, now) == 0) { return true; }
    size_t n = strlen(now);
    CORE_ASSERT(n < cap);
    memcpy(kept, now, n + 1);
    return false;
}

static bool sync_u32(uint32_t *kept, uint32_t now) {
    bool same = *kept == now;
    *kept = now;
    return same;
}

static bool sync_addr(struct core__addr *kept, const struct core__addr *now) {
    bool same = sync_str(kept->ip, sizeof(kept->ip), now->ip);
    same &= kept->port == now->port;
    kept->port = now->port;
    return same;
}

/* known-replica lines print the master's own address for the replica now
 * at the current address (one being promoted). */
static bool sync_replicas(struct core_sentinel *s, struct gen_master *g, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    const struct core__addr *own = &core__minst(s, m)->addr;
    CORE_ASSERT(m->nreplicas <= s->lim.replicas_max);
    bool same = sync_u32(&g->nreplicas, m->nreplicas);
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        const struct core__addr *a = &core__inst(s, m->replicas[k])->addr;
        if (core__addr_equal(a, &g->cur)) { a = own; }
        same &= sync_addr(&g->replicas[k], a);
    }
    return same;
}

/* known-sentinel lines are written for the sentinels whose run id we know. */
static bool sync_peers(struct core_sentinel *s, struct gen_master *g, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    uint32_t n = 0;
    bool same = true;
    CORE_ASSERT(m->nsentinels <= s->lim.sentinels_max);
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        struct core__inst *ri = core__inst(s, m->sentinels[k]);
        if (ri->runid[0] == '\0') { continue; }
        same &= sync_str(g->peers[n].runid, sizeof(g->peers[n].runid), ri->runid);
        same &= sync_addr(&g->peers[n].addr, &ri->addr);
        n++;
    }
    same &= sync_u32(&g->npeers, n);
    return same;
}

static bool sync_renames(struct gen_master *g, const struct core__master *m) {
    CORE_ASSERT(m->nrenames <= CORE__RENAMES_MAX);
    bool same = sync_u32(&g->nrenames, m->nrenames);
    for (uint32_t k = 0; k < m->nrenames; k++) {
        struct core__rename *r = &g->renames[k];
        same &= sync_str(r->from, sizeof(r->from), m->renames[k].from);
        same &= sync_str(r->to, sizeof(r->to), m->renames[k].to);
    }
    return same;
}

/* Captures into g every input of master_lines() for the master in mslot. */
static bool sync_master(struct core_sentinel *s, struct gen_master *g, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    struct core__addr cur = core__current_master_addr(s, mslot);
    bool same = sync_str(g->name, sizeof(g->name), mi->name);
    same &= sync_addr(&g->cur, &cur);
    same &= sync_i64(&g->quorum, m->quorum);
    same &= sync_i64(&g->down_after_period, mi->down_after_period);
    same &= sync_i64(&g->failover_timeout, m->failover_timeout);
    same &= sync_i64(&g->parallel_syncs, m->parallel_syncs);
    same &= sync_i64(&g->master_reboot_down_after_period, m->master_reboot_down_after_period);
    same &= sync_u64(&g->config_epoch, m->config_epoch);
    same &= sync_u64(&g->leader_epoch, m->leader_epoch);
    same &=
        sync_str(g->notification_script, sizeof(g->notification_script), m->notification_script);
    same &= sync_str(g->client_reconfig_script, sizeof(g->client_reconfig_script),
                     m->client_reconfig_script);
    same &= sync_bool(&g->has_auth_pass, m->has_auth_pass);
    same &= sync_str(g->auth_pass, sizeof(g->auth_pass), m->has_auth_pass ? m->auth_pass : "");
    same &= sync_bool(&g->has_auth_user, m->has_auth_user);
    same &= sync_str(g->auth_user, sizeof(g->auth_user), m->has_auth_user ? m->auth_user : "");
    same &= sync_replicas(s, g, mslot);
    same &= sync_peers(s, g, mslot);
    same &= sync_renames(g, m);
    return same;
}

/* Prints the snapshot g, and nothing else (see above). */
static void master_lines(struct core__buf *b, const struct gen_master *g) {
    CORE_ASSERT(b != NULL && g != NULL);
    const char *n = g->name;
    put_addr_line(b, "monitor", n, core__announce_ip(&g->cur), g->cur.port);
    core__buf_putc(b, ' ');
    put_i64(b, (long long)g->quorum);
    core__buf_putc(b, '\n');
    if (g->down_after_period != 30000) {
        put_num_line(b, "down-after-milliseconds", n, (long long)g->down_after_period);
    }
    if (g->failover_timeout != 180000) {
        put_num_line(b, "failover-timeout", n, (long long)g->failover_timeout);
    }
    if (g->parallel_syncs != 1) {
        put_num_line(b, "parallel-syncs", n, (long long)g->parallel_syncs);
    }
    if (g->notification_script[0] != '\0') {
        core__buf_appendf(b, "sentinel notification-script %s %s\n", n, g->notification_script);
    }
    if (g->client_reconfig_script[0] != '\0') {
        core__buf_appendf(b, "sentinel client-reconfig-script %s %s\n", n,
                          g->client_reconfig_script);
    }
    if (g->has_auth_pass) { core__buf_appendf(b, "sentinel auth-pass %s %s\n", n, g->auth_pass); }
    if (g->has_auth_user) { core__buf_appendf(b, "sentinel auth-user %s %s\n", n, g->auth_user); }
    if (g->master_reboot_down_after_period != 0) {
        core__buf_appendf(b, "sentinel master-reboot-down-after-period %s %lld\n", n,
                          (long long)g->master_reboot_down_after_period);
    }
    put_head(b, "config-epoch", n);
    core__buf_putc(b, ' ');
    core__buf_putu64(b, g->config_epoch);
    core__buf_putc(b, '\n');
    put_head(b, "leader-epoch", n);
    core__buf_putc(b, ' ');
    core__buf_putu64(b, g->leader_epoch);
    core__buf_putc(b, '\n');
    for (uint32_t k = 0; k < g->nreplicas; k++) {
        const struct core__addr *a = &g->replicas[k];
        put_addr_line(b, "known-replica", n, core__announce_ip(a), a->port);
        core__buf_putc(b, '\n');
    }
    for (uint32_t k = 0; k < g->npeers; k++) {
        const struct gen_peer *p = &g->peers[k];
        put_addr_line(b, "known-sentinel", n, core__announce_ip(&p->addr), p->addr.port);
        core__buf_putc(b, ' ');
        core__buf_puts(b, p->runid);
        core__buf_putc(b, '\n');
    }
    for (uint32_t k = 0; k < g->nrenames; k++) {
        core__buf_appendf(b, "sentinel rename-command %s %s %s\n", n, g->renames[k].from,
                          g->renames[k].to);
    }
}

/* ---------------------------------------------------------------- generation */

/* The pools are carved after the masters: each type's alignment divides
 * the size of what precedes it. */
_Static_assert(_Alignof(struct gen_master) <= _Alignof(struct core__gen_cache), "carving");
_Static_assert(_Alignof(struct gen_peer) <= _Alignof(struct gen_master), "carving");
_Static_assert(_Alignof(struct core__addr) <= _Alignof(struct gen_peer), "carving");

/* Snapshots for every master slot, plus one that full generations use. */
static size_t gen_masters(const struct core_limits *l) {
    return (size_t)l->masters_max + 1;
}

size_t core__gen_cache_bytes(const struct core_limits *l) {
    CORE_ASSERT(l != NULL);
    size_t one = sizeof(struct gen_master) + l->sentinels_max * sizeof(struct gen_peer) +
                 l->replicas_max * sizeof(struct core__addr);
    return sizeof(struct core__gen_cache) + gen_masters(l) * one;
}

struct core__gen_cache *core__gen_cache_init(void *mem, const struct core_limits *l) {
    CORE_ASSERT(mem != NULL && l != NULL);
    size_t n = gen_masters(l);
    struct core__gen_cache *c = mem;
    c->masters = (struct gen_master *)(c + 1);
    struct gen_peer *peers = (struct gen_peer *)(c->masters + n);
    struct core__addr *addrs = (struct core__addr *)(peers + n * l->sentinels_max);
    for (size_t k = 0; k < n; k++) {
        c->masters[k].peers = peers + k * l->sentinels_max;
        c->masters[k].replicas = addrs + k * l->replicas_max;
    }
    return c;
}

/* The lines before the masters' blocks. */
static void head_lines(struct core_sentinel *s, struct core__buf *b) {
    core__buf_appendf(b, "sentinel myid %s\n", s->myid);
    if (s->deny_scripts_reconfig != true || s->keep_deny_line) {
        core__buf_appendf(b, "sentinel deny-scripts-reconfig %s\n",
                          s->deny_scripts_reconfig ? "yes" : "no");
    }
    if (s->resolve_hostnames || s->keep_resolve_line) {
        core__buf_appendf(b, "sentinel resolve-hostnames %s\n",
                          s->resolve_hostnames ? "yes" : "no");
    }
    if (s->announce_hostnames || s->keep_announce_hn_line) {
        core__buf_appendf(b, "sentinel announce-hostnames %s\n",
                          s->announce_hostnames ? "yes" : "no");
    }
}

/* The lines after them. */
static void tail_lines(struct core_sentinel *s, struct core__buf *b) {
    core__buf_puts(b, "sentinel current-epoch ");
    core__buf_putu64(b, s->current_epoch);
    core__buf_putc(b, '\n');
    if (s->announce_ip[0] != '\0') {
        core__buf_puts(b, "sentinel announce-ip ");
        core__conf_put_repr(b, s->announce_ip, strlen(s->announce_ip));
        core__buf_putc(b, '\n');
    }
    if (s->announce_port != 0) {
        core__buf_appendf(b, "sentinel announce-port %u\n", s->announce_port);
    }
    if (s->sentinel_user[0] != '\0') {
        core__buf_appendf(b, "sentinel sentinel-user %s\n", s->sentinel_user);
    }
    if (s->sentinel_pass[0] != '\0') {
        core__buf_appendf(b, "sentinel sentinel-pass %s\n", s->sentinel_pass);
    }
}

/* Appends the block of the master in mslot to the text numbered serial:
 * copied from the last text if it holds one for the same snapshot. */
static void master_block(struct core_sentinel *s,
                         struct core__buf *b,
                         uint32_t mslot,
                         uint64_t serial) {
    struct core__gen_cache *c = s->conf_gen;
    struct gen_master *g = &c->masters[mslot];
    bool same = sync_master(s, g, mslot);
    size_t off = b->len;
    if (same && c->text != 0 && g->text == c->text) {
        core__buf_putn(b, s->conf_scratch + g->off, g->len);
    } else {
        master_lines(b, g);
    }
    g->text = serial;
    g->off = off;
    g->len = b->len - off;
}

/* For tests (s->conf_gen_verify): the text must be what a generation that
 * prints every block writes. The spare buffer is free again by now. */
static void verify(struct core_sentinel *s, const char *text, size_t len) {
    struct gen_master *g = &s->conf_gen->masters[s->lim.masters_max];
    struct core__buf b;
    core__buf_init(&b, s->conf_gen_spare, s->lim.config_bytes_max);
    head_lines(s, &b);
    for (uint32_t k = 0; k < s->nmasters; k++) {
        (void)sync_master(s, g, s->order[k]);
        master_lines(&b, g);
    }
    tail_lines(s, &b);
    CORE_ASSERT(!b.overflow);
    CORE_ASSERT(b.len == len && memcmp(b.data, text, len) == 0);
}

/* Writes the `sentinel` lines of §16.3 "What" into s->conf_scratch. The
 * blocks are written into the spare buffer while the last text, which
 * holds the cached ones, stays in conf_scratch; then the two swap. */
int core__config_generate(struct core_sentinel *s, size_t *len) {
    CORE_ASSERT(len != NULL);
    struct core__gen_cache *c = s->conf_gen;
    uint64_t serial = ++c->serial;
    struct core__buf b;
    core__buf_init(&b, s->conf_gen_spare, s->lim.config_bytes_max);
    head_lines(s, &b);
    for (uint32_t k = 0; k < s->nmasters; k++) {
        master_block(s, &b, s->order[k], serial);
    }
    tail_lines(s, &b);
    *len = b.len;
    /* A text that does not fit is not kept: conf_scratch and c->text stay
     * as they were, and the snapshots it synced carry a serial no text has. */
    if (b.overflow) { return CORE_E_LIMIT; }
    s->conf_gen_spare = s->conf_scratch;
    s->conf_scratch = b.data;
    c->text = serial;
    if (s->conf_gen_verify) { verify(s, b.data, b.len); }
    return CORE_OK;
}

/* Generates the sentinel lines and rewrites the file with them, standing
 * for the flushes it lags behind; on success the new text becomes the file. */
static int rewrite_file(struct core_sentinel *s, size_t *gen_len) {
    size_t cap = s->lim.config_bytes_max;
    struct core__buf out;
    CORE_ASSERT(s->conf != NULL);
    int rc = core__config_generate(s, gen_len);
    core__buf_init(&out, s->conf_out, cap);
    if (rc == CORE_OK) {
        rc = s->conf_deferred == 0
                 ? core__conf_rw_rewrite(s->conf_rw, s->conf, s->conf_len, s->conf_scratch,
                                         *gen_len, &out)
                 : core__conf_rw_rewrite_steps(s->conf_rw, s->conf, s->conf_len, s->conf_scratch,
                                               *gen_len, s->conf_deferred, &out);
    }
    if (rc != CORE_OK) { return rc; }
    /* The index now describes conf_out: it becomes the file. */
    s->conf_out = s->conf;
    s->conf = out.data;
    s->conf_len = out.len;
    s->conf_deferred = 0;
    return CORE_OK;
}

/* What the file and the generated lines (gen_len bytes) may still grow by
 * without failing a rewrite: both stay below cap (a buffer keeps one byte
 * spare), one signature line may yet be appended, and the engine refuses
 * texts of more than CORE__CONF_LINES_MAX lines. */
static void measure_room(struct core_sentinel *s, size_t gen_len) {
    size_t cap = s->lim.config_bytes_max;
    size_t used = (gen_len > s->conf_len ? gen_len : s->conf_len) + sizeof(CORE__CONF_SIGNATURE);
    const struct core__conf_rw *rw = s->conf_rw;
    uint32_t lines = (rw->old_len > rw->neu_len ? rw->old_len : rw->neu_len) + 4;
    s->conf_room_bytes = used < cap - 1 ? cap - 1 - used : 0;
    s->conf_room_lines = lines < CORE__CONF_LINES_MAX ? CORE__CONF_LINES_MAX - lines : 0;
}

/* Brings a lagging file up to date; the room guaranteed that it fits, so a
 * failure is a broken bound. */
static void catch_up(struct core_sentinel *s) {
    size_t gen_len = 0;
    int rc = rewrite_file(s, &gen_len);
    CORE_ASSERT(rc == CORE_OK);
    measure_room(s, gen_len);
}

/* What a flush logs when the file was written (or a deferred flush when it
 * provably will be). */
#define SAVED "Sentinel new configuration saved on disk"

/* Mirrors sentinelFlushConfig(). Returns 0, or -1 if the text outgrew
 * config_bytes_max (reported like a failed write). */
static int flush(struct core_sentinel *s, bool later) {
    size_t gen_len = 0;
    s->conf_room_bytes = 0;
    s->conf_room_lines = 0;
    if (rewrite_file(s, &gen_len) != CORE_OK) {
        core__out_log(s, CORE_LEVEL_WARNING,
                      "WARNING: Sentinel was not able to save the new configuration on disk!!!: "
                      "%s",
                      "File too large");
        return -1;
    }
    s->persist_pending = true;
    if (later) {
        measure_room(s, gen_len);
    } else {
        core__out_persist(s);
    }
    core__out_log(s, CORE_LEVEL_NOTICE, SAVED);
    return 0;
}

int core__flush_config_rc(struct core_sentinel *s) {
    CORE_ASSERT(s != NULL);
    CORE_ASSERT(!s->halted);
    return flush(s, false);
}

void core__flush_config(struct core_sentinel *s) {
    CORE_ASSERT(s != NULL);
    CORE_ASSERT(s->started || s->myid[0] != '\0');
    (void)flush(s, false);
}

/* The most a `sentinel known-replica` line of the master can add to either
 * text: the line with its LF, and a blank line its slot may bring back from
 * a run of blanks the old file had squeezed. */
static size_t replica_line_growth(struct core_sentinel *s, uint32_t mslot) {
    const char *name = core__minst(s, &s->masters[mslot])->name;
    return sizeof("sentinel known-replica ") + strlen(name) + sizeof(" ") + CORE_IP_MAX +
           sizeof(" 65535\n") + 1;
}

/* A batch of +slave discoveries flushes once per replica, as upstream does,
 * and each flush rewrote the whole file: quadratic in the replicas of one
 * INFO reply (1 x 1000 spent most of its time there). The first flush of a
 * batch is done in full. After it a flush can only add one known-replica
 * line, which no old line can take, so it is appended. While the measured
 * room provably holds that line no flush of the batch can fail: it logs its
 * success and leaves the text behind, and one rewrite standing for all of
 * them (core__conf_rw_rewrite_steps()) later writes what the last of them
 * would have. The text is brought up to date while the room would still
 * hold one more line, so a flush that might fail is always done in full,
 * on an up-to-date file. */
void core__flush_config_later(struct core_sentinel *s, uint32_t mslot) {
    CORE_ASSERT(s != NULL);
    CORE_ASSERT(s->started);
    CORE_ASSERT(mslot < s->lim.masters_max && s->masters[mslot].in_use);
    size_t grow = replica_line_growth(s, mslot);
    if (s->conf_room_bytes < grow || s->conf_room_lines < 2) {
        CORE_ASSERT(s->conf_deferred == 0);
        (void)flush(s, true);
        return;
    }
    s->conf_room_bytes -= grow;
    s->conf_room_lines -= 2;
    s->conf_deferred++;
    core__out_log(s, CORE_LEVEL_NOTICE, SAVED);
    if (s->conf_room_bytes < grow || s->conf_room_lines < 2) { catch_up(s); }
}

/* Ends a batch: the room was measured for it alone. */
void core__flush_config_settle(struct core_sentinel *s) {
    CORE_ASSERT(s != NULL);
    if (s->conf_deferred > 0) {
        CORE_ASSERT(s->persist_pending);
        catch_up(s);
    }
    s->conf_room_bytes = 0;
    s->conf_room_lines = 0;
}
