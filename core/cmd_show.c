/* cmd_show.c: instance description maps and the INFO command (spec §12.2,
 * §12.11).
 *
 * Method: mirrors addReplySentinelRedisInstance() field for field (the
 * order is pinned by acceptance test 11) and sentinelInfoCommand(). The
 * core knows nothing about the process (memory, CPU, clients), so the
 * server, clients, cpu and stats sections carry only what it does know.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/internal.h"

static const struct {
    uint32_t flag;
    const char *name;
} flag_names[] = {
    {CORE__F_S_DOWN, "s_down"},
    {CORE__F_O_DOWN, "o_down"},
    {CORE__F_MASTER, "master"},
    {CORE__F_SLAVE, "slave"},
    {CORE__F_SENTINEL, "sentinel"},
    {0, "disconnected"},
    {CORE__F_MASTER_DOWN, "master_down"},
    {CORE__F_FAILOVER_IN_PROGRESS, "failover_in_progress"},
    {CORE__F_PROMOTED, "promoted"},
    {CORE__F_RECONF_SENT, "reconf_sent"},
    {CORE__F_RECONF_INPROG, "reconf_inprog"},
    {CORE__F_RECONF_DONE, "reconf_done"},
    {CORE__F_FORCE_FAILOVER, "force_failover"},
    {CORE__F_SCRIPT_KILL_SENT, "script_kill_sent"},
};

static void flags_string(struct core_sentinel *s, uint32_t inst, char *buf, size_t cap) {
    CORE_ASSERT(cap >= 16);
    struct core__inst *ri = core__inst(s, inst);
    struct core__buf b;
    core__buf_init(&b, buf, cap);
    for (size_t k = 0; k < sizeof(flag_names) / sizeof(flag_names[0]); k++) {
        bool set = flag_names[k].flag != 0 ? (ri->flags & flag_names[k].flag) != 0
                                           : core__link_of(s, inst)->disconnected;
        if (!set) { continue; }
        if (b.len > 0) { core__buf_putc(&b, ','); }
        core__buf_puts(&b, flag_names[k].name);
    }
    CORE_ASSERT(!b.overflow);
}

static void master_fields(struct core_sentinel *s, struct core__rmap *mp, uint32_t inst) {
    CORE_ASSERT(mp != NULL);
    struct core__master *m = core__master_of(s, inst);
    CORE_ASSERT(m->inst == inst);
    core__rmap_bint(s, mp, "config-epoch", (int64_t)m->config_epoch);
    core__rmap_bint(s, mp, "num-slaves", m->nreplicas);
    core__rmap_bint(s, mp, "num-other-sentinels", m->nsentinels);
    core__rmap_bint(s, mp, "quorum", m->quorum);
    core__rmap_bint(s, mp, "failover-timeout", m->failover_timeout);
    core__rmap_bint(s, mp, "parallel-syncs", m->parallel_syncs);
    if (m->notification_script[0] != '\0') {
        core__rmap_str(s, mp, "notification-script", m->notification_script);
    }
    if (m->client_reconfig_script[0] != '\0') {
        core__rmap_str(s, mp, "client-reconfig-script", m->client_reconfig_script);
    }
}

static void replica_fields(struct core_sentinel *s, struct core__rmap *mp, uint32_t inst) {
    CORE_ASSERT(mp != NULL);
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(ri->flags & CORE__F_SLAVE);
    core__rmap_bint(s, mp, "master-link-down-time", ri->master_link_down_time);
    core__rmap_str(s, mp, "master-link-status", ri->slave_master_link_up ? "ok" : "err");
    core__rmap_str(s, mp, "master-host", ri->has_slave_master_host ? ri->slave_master_host : "?");
    core__rmap_bint(s, mp, "master-port", ri->slave_master_port);
    core__rmap_bint(s, mp, "slave-priority", ri->slave_priority);
    core__rmap_bint(s, mp, "slave-repl-offset", (int64_t)ri->slave_repl_offset);
    core__rmap_bint(s, mp, "replica-announced", ri->replica_announced);
}

/* Mirrors addReplySentinelRedisInstance(). */
void core__reply_instance(struct core_sentinel *s, struct core_reply *r, uint32_t inst) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(inst < s->insts_max);
    struct core__inst *ri = core__inst(s, inst);
    struct core__link *l = core__link_of(s, inst);
    struct core__master *m = core__master_of(s, inst);
    struct core__rmap mp;
    char flags[256];
    core__rmap_init(s, &mp, r, 40);
    core__rmap_str(s, &mp, "name", ri->name);
    core__rmap_str(s, &mp, "ip", core__announce_ip(&ri->addr));
    core__rmap_bint(s, &mp, "port", ri->addr.port);
    core__rmap_str(s, &mp, "runid", ri->runid);
    flags_string(s, inst, flags, sizeof(flags));
    core__rmap_str(s, &mp, "flags", flags);
    core__rmap_bint(s, &mp, "link-pending-commands", l->pending_commands);
    core__rmap_bint(s, &mp, "link-refcount", l->refcount);
    if (ri->flags & CORE__F_FAILOVER_IN_PROGRESS) {
        core__rmap_str(s, &mp, "failover-state", core__failover_state_name(m->failover_state));
    }
    core__rmap_bint(s, &mp, "last-ping-sent", l->act_ping_time ? s->now - l->act_ping_time : 0);
    core__rmap_bint(s, &mp, "last-ok-ping-reply", s->now - l->last_avail_time);
    core__rmap_bint(s, &mp, "last-ping-reply", s->now - l->last_pong_time);
    if (ri->flags & CORE__F_S_DOWN) {
        core__rmap_bint(s, &mp, "s-down-time", s->now - ri->s_down_since_time);
    }
    if (ri->flags & CORE__F_O_DOWN) {
        core__rmap_bint(s, &mp, "o-down-time", s->now - ri->o_down_since_time);
    }
    core__rmap_bint(s, &mp, "down-after-milliseconds", ri->down_after_period);
    if (ri->flags & (CORE__F_MASTER | CORE__F_SLAVE)) {
        core__rmap_bint(s, &mp, "info-refresh", ri->info_refresh ? s->now - ri->info_refresh : 0);
        core__rmap_str(s, &mp, "role-reported",
                       ri->role_reported == CORE__F_MASTER ? "master" : "slave");
        core__rmap_bint(s, &mp, "role-reported-time", s->now - ri->role_reported_time);
    }
    if (ri->flags & CORE__F_MASTER) { master_fields(s, &mp, inst); }
    if (ri->flags & CORE__F_SLAVE) { replica_fields(s, &mp, inst); }
    if (ri->flags & CORE__F_SENTINEL) {
        core__rmap_bint(s, &mp, "last-hello-message", s->now - ri->last_hello_time);
        core__rmap_str(s, &mp, "voted-leader", ri->leader[0] != '\0' ? ri->leader : "?");
        core__rmap_bint(s, &mp, "voted-leader-epoch", (int64_t)ri->leader_epoch);
    }
}

/* ---------------------------------------------------------------- INFO */

enum { SEC_SERVER = 1, SEC_CLIENTS = 2, SEC_CPU = 4, SEC_STATS = 8, SEC_SENTINEL = 16 };

static uint32_t info_sections(uint32_t argc, const char *const *argv) {
    static const char *const names[] = {"server", "clients", "cpu", "stats", "sentinel"};
    uint32_t mask = argc <= 1 ? 31u : 0u;
    CORE_ASSERT(argc >= 1);
    CORE_ASSERT(argv != NULL);
    for (uint32_t j = 1; j < argc; j++) {
        if (!strcasecmp(argv[j], "all") || !strcasecmp(argv[j], "default") ||
            !strcasecmp(argv[j], "everything")) {
            mask = 31u;
        }
        for (uint32_t k = 0; k < 5; k++) {
            if (!strcasecmp(argv[j], names[k])) { mask |= 1u << k; }
        }
    }
    return mask;
}

static void info_sentinel(struct core_sentinel *s, struct core__buf *b) {
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    CORE_ASSERT(b != NULL);
    core__buf_appendf(b,
                      "# Sentinel\r\nsentinel_masters:%u\r\nsentinel_tilt:%d\r\n"
                      "sentinel_tilt_since_seconds:%lld\r\nsentinel_running_scripts:0\r\n"
                      "sentinel_scripts_queue_length:0\r\nsentinel_simulate_failure_flags:%u\r\n",
                      s->nmasters, s->tilt ? 1 : 0,
                      s->tilt ? (long long)((s->now - s->tilt_start_time) / 1000) : -1LL,
                      s->simfailure);
    for (uint32_t k = 0; k < s->nmasters; k++) {
        struct core__master *m = &s->masters[s->order[k]];
        struct core__inst *mi = core__minst(s, m);
        const char *st = (mi->flags & CORE__F_O_DOWN)   ? "odown"
                         : (mi->flags & CORE__F_S_DOWN) ? "sdown"
                                                        : "ok";
        core__buf_appendf(b, "master%u:name=%s,status=%s,address=%s:%u,slaves=%u,sentinels=%u\r\n",
                          k, mi->name, st, core__announce_ip(&mi->addr), mi->addr.port,
                          m->nreplicas, m->nsentinels + 1);
    }
}

static void info_section_sep(struct core__buf *b) {
    CORE_ASSERT(b != NULL);
    CORE_ASSERT(!b->overflow);
    if (b->len > 0) { core__buf_puts(b, "\r\n"); }
}

void core__cmd_info(struct core_sentinel *s,
                    uint64_t client,
                    uint32_t argc,
                    const char *const *argv) {
    uint32_t mask = info_sections(argc, argv);
    size_t cap = 4096 + (size_t)s->nmasters * 160;
    struct core__buf b;
    core__buf_init(&b, core__arena_alloc(s, cap), cap);
    int64_t up = (s->now - s->start_time) / 1000;
    if (mask & SEC_SERVER) {
        core__buf_appendf(&b,
                          "# Server\r\nredis_version:%s\r\nredis_mode:sentinel\r\nrun_id:%s\r\n"
                          "tcp_port:%u\r\nuptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\n"
                          "hz:%u\r\nconfigured_hz:10\r\n",
                          CORE_VERSION, s->run_id, s->port, (long long)up, (long long)(up / 86400),
                          s->hz);
    }
    if (mask & SEC_CLIENTS) {
        info_section_sep(&b);
        core__buf_puts(&b, "# Clients\r\nmaxclients:10000\r\n");
    }
    if (mask & SEC_CPU) {
        info_section_sep(&b);
        core__buf_puts(&b, "# CPU\r\nused_cpu_sys:0.000000\r\nused_cpu_user:0.000000\r\n");
    }
    if (mask & SEC_STATS) {
        info_section_sep(&b);
        core__buf_puts(&b, "# Stats\r\ntotal_connections_received:0\r\n");
    }
    if (mask & SEC_SENTINEL) {
        info_section_sep(&b);
        info_sentinel(s, &b);
    }
    CORE_ASSERT(!b.overflow);
    struct core_reply *r = core__r_new(s, 1);
    core__r_bulk(s, r, b.data, b.len);
    core__out_reply(s, client, r);
}
