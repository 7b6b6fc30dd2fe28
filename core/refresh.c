/* refresh.c: what an INFO reply does to a master or replica record (spec §6).
 *
 * Method: mirrors sentinelRefreshInstanceInfo() split the same way as
 * upstream: a monitoring half that always runs (fields, +reboot, +slave,
 * role changes) and an acting half skipped in TILT (promotion observed,
 * +convert-to-slave, +fix-slave-config, reconfiguration progress). The text
 * itself is parsed by the pure core/info.c.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/info.h"
#include "core/internal.h"

/* Mirrors sentinelMasterLooksSane() (spec §6.3). */
bool core__master_looks_sane(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(mi->flags & CORE__F_MASTER);
    CORE_ASSERT(s->t.info_period > 0);
    return mi->role_reported == CORE__F_MASTER &&
           (mi->flags & (CORE__F_S_DOWN | CORE__F_O_DOWN)) == 0 &&
           s->now - mi->info_refresh < s->t.info_period * 2;
}

static void cache_info(struct core_sentinel *s, uint32_t inst, const char *text, size_t len) {
    CORE_ASSERT(inst < s->insts_max);
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(text != NULL || len == 0);
    if (s->info_cache_bytes == 0) { return; }
    size_t n = len < s->info_cache_bytes ? len : s->info_cache_bytes;
    memcpy(s->info_slab + (size_t)inst * s->info_cache_bytes, text, n);
    ri->info_len = (uint32_t)n;
    ri->has_info = true;
}

static void on_run_id(struct core_sentinel *s, uint32_t inst, const struct core__info *info) {
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(info->has_run_id);
    if (ri->runid[0] != '\0' && strcmp(ri->runid, info->run_id) != 0) {
        core__event_at(s, CORE_LEVEL_NOTICE, "+reboot", inst);
        struct core__master *m = core__master_of(s, inst);
        if ((ri->flags & CORE__F_MASTER) && m->master_reboot_down_after_period != 0) {
            ri->flags |= CORE__F_MASTER_REBOOT;
            ri->master_reboot_since_time = s->now;
        }
    }
    snprintf(ri->runid, sizeof(ri->runid), "%s", info->run_id);
    CORE_ASSERT(strlen(ri->runid) == CORE_RUNID_LEN);
}

static void discover_replicas(struct core_sentinel *s,
                              uint32_t inst,
                              const struct core__info_replica *reps,
                              uint32_t n) {
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(ri->flags & CORE__F_MASTER);
    CORE_ASSERT(n <= s->lim.replicas_max);
    for (uint32_t k = 0; k < n; k++) {
        if (core__replica_lookup(s, ri->master, reps[k].ip, reps[k].port) != CORE__NONE) {
            continue;
        }
        uint32_t r;
        const char *err = NULL;
        if (core__create_replica(s, ri->master, reps[k].ip, reps[k].port, &r, &err) == CORE_OK) {
            core__event_at(s, CORE_LEVEL_NOTICE, "+slave", r);
            core__flush_config_later(s, ri->master);
        } else {
            core__out_explain(s, "replica %s:%lld of %s not recorded: %s", reps[k].ip,
                              (long long)reps[k].port, ri->name, err);
        }
    }
    core__flush_config_settle(s);
}

static void replica_fields(struct core_sentinel *s,
                           struct core__inst *ri,
                           const struct core__info *info) {
    CORE_ASSERT(info->role == CORE__INFO_ROLE_SLAVE || !info->has_master_host);
    CORE_ASSERT(ri != NULL);
    if (info->has_master_host && (!ri->has_slave_master_host ||
                                  core__strcasecmp(info->master_host, ri->slave_master_host))) {
        snprintf(ri->slave_master_host, sizeof(ri->slave_master_host), "%s", info->master_host);
        ri->has_slave_master_host = true;
        ri->slave_conf_change_time = s->now;
    }
    if (info->has_master_port && ri->slave_master_port != info->master_port) {
        ri->slave_master_port = info->master_port;
        ri->slave_conf_change_time = s->now;
    }
    if (info->has_master_link_status) { ri->slave_master_link_up = info->master_link_up; }
    if (info->has_slave_priority) { ri->slave_priority = info->slave_priority; }
    if (info->has_slave_repl_offset) { ri->slave_repl_offset = info->slave_repl_offset; }
    if (info->has_replica_announced) { ri->replica_announced = info->replica_announced; }
}

static uint32_t monitoring_half(struct core_sentinel *s,
                                uint32_t inst,
                                const struct core__info *info,
                                const struct core__info_replica *reps) {
    struct core__inst *ri = core__inst(s, inst);
    uint32_t role = info->role == CORE__INFO_ROLE_MASTER  ? CORE__F_MASTER
                    : info->role == CORE__INFO_ROLE_SLAVE ? CORE__F_SLAVE
                                                          : 0;
    ri->master_link_down_time = 0;
    if (info->has_run_id) { on_run_id(s, inst, info); }
    if (ri->flags & CORE__F_MASTER) {
        discover_replicas(s, inst, reps, info->replicas_len);
        /* Replica lines beyond replicas_max were not kept: a limit, never a silent cap. */
        s->limit_refusals += info->replicas_seen - info->replicas_len;
    }
    if (info->has_master_link_down_since) {
        /* Sentinel multiplies the parsed seconds by 1000 in 64-bit signed
         * arithmetic; absurd values wrap there. Wrap the same way, through
         * unsigned arithmetic, instead of overflowing (undefined in C). */
        uint64_t ms = (uint64_t)info->master_link_down_since_s * 1000u;
        ri->master_link_down_time = (int64_t)ms;
    }
    replica_fields(s, ri, info);
    ri->info_refresh = s->now;
    if (role != ri->role_reported) {
        ri->role_reported_time = s->now;
        ri->role_reported = (uint8_t)role;
        if (role == CORE__F_SLAVE) { ri->slave_conf_change_time = s->now; }
        bool coherent = (ri->flags & (CORE__F_MASTER | CORE__F_SLAVE)) == role;
        core__event_atf(s, CORE_LEVEL_VERBOSE, coherent ? "+role-change" : "-role-change", inst,
                        " new reported role is %s", role == CORE__F_MASTER ? "master" : "slave");
    }
    CORE_ASSERT(ri->info_refresh == s->now);
    return role;
}

/* §6.2 B: a replica record that reports being a master. */
static void replica_turned_master(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    struct core__master *m = core__master_of(s, inst);
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(ri->flags & CORE__F_SLAVE);
    CORE_ASSERT(ri->role_reported == CORE__F_MASTER);
    if ((ri->flags & CORE__F_PROMOTED) && (mi->flags & CORE__F_FAILOVER_IN_PROGRESS) &&
        m->failover_state == CORE__FO_WAIT_PROMOTION) {
        core__promotion_observed(s, inst);
        return;
    }
    int64_t wait = s->t.publish_period * 4;
    if (!(ri->flags & CORE__F_PROMOTED) && core__master_looks_sane(s, ri->master) &&
        core__no_down_for(s, inst, wait) && s->now - ri->role_reported_time > wait) {
        if (core__send_slaveof(s, inst, &mi->addr)) {
            CORE_TESTCASE(true);
            core__event_at(s, CORE_LEVEL_NOTICE, "+convert-to-slave", inst);
        }
    }
}

/* §6.2 C: a replica replicating from the wrong address. */
static void replica_wrong_master(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    struct core__master *m = core__master_of(s, inst);
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(ri->flags & CORE__F_SLAVE);
    CORE_ASSERT(ri->role_reported == CORE__F_SLAVE);
    if (ri->slave_master_port == mi->addr.port &&
        core__addr_equals_host(s, &mi->addr,
                               ri->has_slave_master_host ? ri->slave_master_host : NULL)) {
        return;
    }
    int64_t wait = m->failover_timeout;
    if (core__master_looks_sane(s, ri->master) && core__no_down_for(s, inst, wait) &&
        s->now - ri->slave_conf_change_time > wait) {
        if (core__send_slaveof(s, inst, &mi->addr)) {
            CORE_TESTCASE(true);
            core__event_at(s, CORE_LEVEL_NOTICE, "+fix-slave-config", inst);
        }
    }
}

/* §6.2 D: reconfiguration progress during a failover. */
static void reconf_progress(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    struct core__master *m = core__master_of(s, inst);
    CORE_ASSERT(ri->flags & (CORE__F_RECONF_SENT | CORE__F_RECONF_INPROG));
    if (m->promoted == CORE__NONE) { return; }
    struct core__inst *pr = core__inst(s, m->promoted);
    if ((ri->flags & CORE__F_RECONF_SENT) && ri->has_slave_master_host &&
        core__addr_equals_host(s, &pr->addr, ri->slave_master_host) &&
        ri->slave_master_port == pr->addr.port) {
        ri->flags &= ~CORE__F_RECONF_SENT;
        ri->flags |= CORE__F_RECONF_INPROG;
        core__event_at(s, CORE_LEVEL_NOTICE, "+slave-reconf-inprog", inst);
    }
    if ((ri->flags & CORE__F_RECONF_INPROG) && ri->slave_master_link_up) {
        ri->flags &= ~CORE__F_RECONF_INPROG;
        ri->flags |= CORE__F_RECONF_DONE;
        core__event_at(s, CORE_LEVEL_NOTICE, "+slave-reconf-done", inst);
    }
    CORE_ASSERT((ri->flags & CORE__F_RECONF_SENT) == 0 || (ri->flags & CORE__F_RECONF_INPROG) == 0);
}

/* Mirrors sentinelInfoReplyCallback() + sentinelRefreshInstanceInfo(). */
void core__on_info_reply(struct core_sentinel *s, uint32_t inst, const struct core_reply *r) {
    CORE_ASSERT(r != NULL);
    struct core__info info;
    CORE_ASSERT(core__inst(s, inst)->flags & (CORE__F_MASTER | CORE__F_SLAVE));
    if (r->type != CORE_REPLY_BULK || r->str == NULL) { return; }
    /* Room for every replica this master may have; more lines are ignored.
     * Only the parsed prefix is read, and zeroing the whole table at every
     * INFO made each reply cost O(replicas_max). */
    uint32_t cap = s->lim.replicas_max;
    struct core__info_replica *reps = core__arena_alloc_raw(s, cap * sizeof(*reps));
    if (core__info_parse(r->str, r->len, &info, reps, cap) != CORE_OK) { return; }
    cache_info(s, inst, r->str, r->len);
    uint32_t role = monitoring_half(s, inst, &info, reps);
    if (s->tilt) { return; }
    struct core__inst *ri = core__inst(s, inst);
    if (!(ri->flags & CORE__F_SLAVE)) { return; }
    if (role == CORE__F_MASTER) { replica_turned_master(s, inst); }
    if (role == CORE__F_SLAVE) {
        replica_wrong_master(s, inst);
        if (ri->flags & (CORE__F_RECONF_SENT | CORE__F_RECONF_INPROG)) { reconf_progress(s, inst); }
    }
}
