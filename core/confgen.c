/* confgen.c: "flush config": the sentinel lines of §16.3 and the rewrite.
 *
 * Method: mirrors rewriteConfigSentinelOption() and sentinelFlushConfig().
 * We generate the `sentinel ...` lines in upstream's order, let the pure
 * rewrite engine (core/conf.c) merge them into the current file text, and
 * hand the whole new text to the driver in a PERSIST output, followed by
 * upstream's log line. Values are written raw like upstream does, except
 * announce-ip which upstream quotes.
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

static void master_lines(struct core_sentinel *s, struct core__buf *b, uint32_t mslot) {
    CORE_ASSERT(b != NULL);
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    const char *n = mi->name;
    struct core__addr cur = core__current_master_addr(s, mslot);
    CORE_ASSERT(m->in_use);
    put_addr_line(b, "monitor", n, core__announce_ip(&cur), cur.port);
    core__buf_putc(b, ' ');
    put_i64(b, (long long)m->quorum);
    core__buf_putc(b, '\n');
    if (mi->down_after_period != 30000) {
        put_num_line(b, "down-after-milliseconds", n, (long long)mi->down_after_period);
    }
    if (m->failover_timeout != 180000) {
        put_num_line(b, "failover-timeout", n, (long long)m->failover_timeout);
    }
    if (m->parallel_syncs != 1) {
        put_num_line(b, "parallel-syncs", n, (long long)m->parallel_syncs);
    }
    if (m->notification_script[0] != '\0') {
        core__buf_appendf(b, "sentinel notification-script %s %s\n", n, m->notification_script);
    }
    if (m->client_reconfig_script[0] != '\0') {
        core__buf_appendf(b, "sentinel client-reconfig-script %s %s\n", n,
                          m->client_reconfig_script);
    }
    if (m->has_auth_pass) { core__buf_appendf(b, "sentinel auth-pass %s %s\n", n, m->auth_pass); }
    if (m->has_auth_user) { core__buf_appendf(b, "sentinel auth-user %s %s\n", n, m->auth_user); }
    if (m->master_reboot_down_after_period != 0) {
        core__buf_appendf(b, "sentinel master-reboot-down-after-period %s %lld\n", n,
                          (long long)m->master_reboot_down_after_period);
    }
    put_head(b, "config-epoch", n);
    core__buf_putc(b, ' ');
    core__buf_putu64(b, m->config_epoch);
    core__buf_putc(b, '\n');
    put_head(b, "leader-epoch", n);
    core__buf_putc(b, ' ');
    core__buf_putu64(b, m->leader_epoch);
    core__buf_putc(b, '\n');
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        const struct core__addr *a = &core__inst(s, m->replicas[k])->addr;
        if (core__addr_equal(a, &cur)) { a = &mi->addr; }
        put_addr_line(b, "known-replica", n, core__announce_ip(a), a->port);
        core__buf_putc(b, '\n');
    }
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        struct core__inst *ri = core__inst(s, m->sentinels[k]);
        if (ri->runid[0] == '\0') { continue; }
        put_addr_line(b, "known-sentinel", n, core__announce_ip(&ri->addr), ri->addr.port);
        core__buf_putc(b, ' ');
        core__buf_puts(b, ri->runid);
        core__buf_putc(b, '\n');
    }
    for (uint32_t k = 0; k < m->nrenames; k++) {
        core__buf_appendf(b, "sentinel rename-command %s %s %s\n", n, m->renames[k].from,
                          m->renames[k].to);
    }
}

/* Writes the `sentinel` lines of §16.3 "What" into out[0..cap). */
int core__config_generate(struct core_sentinel *s, char *out, size_t cap, size_t *len) {
    struct core__buf b;
    CORE_ASSERT(out != NULL);
    CORE_ASSERT(len != NULL);
    core__buf_init(&b, out, cap);
    core__buf_appendf(&b, "sentinel myid %s\n", s->myid);
    if (s->deny_scripts_reconfig != true || s->keep_deny_line) {
        core__buf_appendf(&b, "sentinel deny-scripts-reconfig %s\n",
                          s->deny_scripts_reconfig ? "yes" : "no");
    }
    if (s->resolve_hostnames || s->keep_resolve_line) {
        core__buf_appendf(&b, "sentinel resolve-hostnames %s\n",
                          s->resolve_hostnames ? "yes" : "no");
    }
    if (s->announce_hostnames || s->keep_announce_hn_line) {
        core__buf_appendf(&b, "sentinel announce-hostnames %s\n",
                          s->announce_hostnames ? "yes" : "no");
    }
    for (uint32_t k = 0; k < s->nmasters; k++) {
        master_lines(s, &b, s->order[k]);
    }
    core__buf_puts(&b, "sentinel current-epoch ");
    core__buf_putu64(&b, s->current_epoch);
    core__buf_putc(&b, '\n');
    if (s->announce_ip[0] != '\0') {
        core__buf_puts(&b, "sentinel announce-ip ");
        core__conf_put_repr(&b, s->announce_ip, strlen(s->announce_ip));
        core__buf_putc(&b, '\n');
    }
    if (s->announce_port != 0) {
        core__buf_appendf(&b, "sentinel announce-port %u\n", s->announce_port);
    }
    if (s->sentinel_user[0] != '\0') {
        core__buf_appendf(&b, "sentinel sentinel-user %s\n", s->sentinel_user);
    }
    if (s->sentinel_pass[0] != '\0') {
        core__buf_appendf(&b, "sentinel sentinel-pass %s\n", s->sentinel_pass);
    }
    *len = b.len;
    return b.overflow ? CORE_E_LIMIT : CORE_OK;
}

/* Generates the sentinel lines and rewrites the file with them, standing
 * for the flushes it lags behind; on success the new text becomes the file. */
static int rewrite_file(struct core_sentinel *s, size_t *gen_len) {
    size_t cap = s->lim.config_bytes_max;
    struct core__buf out;
    CORE_ASSERT(s->conf != NULL);
    CORE_ASSERT(s->conf_scratch != NULL);
    int rc = core__config_generate(s, s->conf_scratch, cap, gen_len);
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
    if (later) { measure_room(s, gen_len); }
    if (!later) { core__out_persist(s); }
    core__out_log(s, CORE_LEVEL_NOTICE, "Sentinel new configuration saved on disk");
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
    core__out_log(s, CORE_LEVEL_NOTICE, "Sentinel new configuration saved on disk");
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
