/* gossip.c: processing a received hello (spec §5.3.3).
 *
 * Method: mirrors sentinelProcessHelloMessage() step by step, in its order:
 * find or (re)create the sender's record with the address-switch and
 * invalid-address rules, adopt a newer current epoch, then adopt a newer
 * config epoch and, if it moves the master, switch like an observer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/hello.h"
#include "core/internal.h"

/* Removes the sentinel records with `runid` from master `mslot`. */
static uint32_t remove_matching_sentinel(struct core_sentinel *s,
                                         uint32_t mslot,
                                         const char *runid) {
    struct core__master *m = &s->masters[mslot];
    uint32_t removed = 0;
    CORE_ASSERT(m->in_use);
    CORE_ASSERT(runid != NULL);
    for (uint32_t k = 0; k < m->nsentinels;) {
        if (strcmp(core__inst(s, m->sentinels[k])->runid, runid) == 0) {
            core__release_sentinel_at(s, mslot, k);
            removed++;
        } else {
            k++;
        }
    }
    return removed;
}

/* Mirrors sentinelUpdateSentinelAddressInAllMasters() (spec §4.7). */
static void update_address_in_all_masters(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    uint32_t reconfigured = 0;
    CORE_ASSERT(ri->flags & CORE__F_SENTINEL);
    for (uint32_t k = 0; k < s->nmasters; k++) {
        uint32_t match = core__sentinel_lookup(s, s->order[k], NULL, 0, ri->runid);
        if (match == CORE__NONE || match == inst) { continue; }
        struct core__inst *mr = core__inst(s, match);
        core__link_close(s, mr->link, false);
        core__link_close(s, mr->link, true);
        mr->addr = ri->addr;
        reconfigured++;
    }
    if (reconfigured > 0) {
        core__event_atf(s, CORE_LEVEL_NOTICE, "+sentinel-address-update", inst,
                        " %u additional matching instances", reconfigured);
    }
    CORE_ASSERT(reconfigured < s->insts_max);
}

/* Step 2 of §5.3.3: the sender is unknown under this runid and address. */
static uint32_t meet_sentinel(struct core_sentinel *s,
                              uint32_t mslot,
                              const struct core__hello *h) {
    uint32_t removed = remove_matching_sentinel(s, mslot, h->runid);
    CORE_ASSERT(core__sentinel_lookup(s, mslot, NULL, 0, h->runid) == CORE__NONE);
    CORE_TESTCASE(removed > 0);
    if (removed > 0) {
        core__event_atf(s, CORE_LEVEL_NOTICE, "+sentinel-address-switch", s->masters[mslot].inst,
                        " ip %s port %u for %s", h->ip, h->port, h->runid);
    } else {
        uint32_t other = core__sentinel_lookup(s, mslot, h->ip, h->port, NULL);
        if (other != CORE__NONE) {
            char dead[CORE_RUNID_LEN + 1];
            core__event_at(s, CORE_LEVEL_NOTICE, "+sentinel-invalid-addr", other);
            snprintf(dead, sizeof(dead), "%s", core__inst(s, other)->runid);
            for (uint32_t k = 0; k < s->nmasters; k++) {
                remove_matching_sentinel(s, s->order[k], dead);
            }
        }
    }
    uint32_t si;
    const char *err = NULL;
    if (core__create_sentinel(s, mslot, h->runid, h->ip, h->port, &si, &err) != CORE_OK) {
        core__out_explain(s, "sentinel %s at %s:%u not recorded: %s", h->runid, h->ip, h->port,
                          err);
        return CORE__NONE;
    }
    if (removed == 0) { core__event_at(s, CORE_LEVEL_NOTICE, "+sentinel", si); }
    core__try_link_sharing(s, si);
    if (removed > 0) { update_address_in_all_masters(s, si); }
    core__flush_config(s);
    return si;
}

/* Step 4 of §5.3.3: a newer config epoch, maybe a new master address. */
static void adopt_config(struct core_sentinel *s,
                         uint32_t mslot,
                         uint32_t si,
                         const struct core__hello *h) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(m->config_epoch < h->master_config_epoch);
    m->config_epoch = h->master_config_epoch;
    if (h->master_port == mi->addr.port && core__addr_equals_host(s, &mi->addr, h->master_ip)) {
        return;
    }
    struct core__addr old = mi->addr;
    CORE_TESTCASE(mi->flags & CORE__F_FAILOVER_IN_PROGRESS);
    if (!CORE_PLANTED_SKIP_CONFIG_UPDATE) {
        core__event_at(s, CORE_LEVEL_WARNING, "+config-update-from", si);
    }
    core__event(s, CORE_LEVEL_WARNING, "+switch-master", m->inst, "%s %s %u %s %u", mi->name,
                core__announce_ip(&old), old.port, h->master_ip, h->master_port);
    core__reset_master_and_change_address(s, mslot, h->master_ip, h->master_port);
    CORE_ASSERT(core__minst(s, m)->addr.port == h->master_port);
}

void core__process_hello(struct core_sentinel *s, const char *payload, size_t len) {
    CORE_ASSERT(s->started);
    struct core__hello h;
    CORE_ASSERT(payload != NULL || len == 0);
    if (core__hello_parse(payload, len, &h) != 0) { return; }
    uint32_t mslot = core__master_by_name(s, h.master_name, strlen(h.master_name));
    if (mslot == CORE__NONE) { return; }
    uint32_t si = core__sentinel_lookup(s, mslot, h.ip, h.port, h.runid);
    if (si == CORE__NONE) { si = meet_sentinel(s, mslot, &h); }
    if (h.current_epoch > s->current_epoch) {
        s->current_epoch = h.current_epoch;
        core__flush_config(s);
        core__event(s, CORE_LEVEL_WARNING, "+new-epoch", s->masters[mslot].inst, "%llu",
                    (unsigned long long)s->current_epoch);
    }
    bool adopted = si != CORE__NONE && s->masters[mslot].config_epoch < h.master_config_epoch;
    if (adopted) { adopt_config(s, mslot, si, &h); }
    /* A switch may have dropped the record (and reused its slot): look
     * again then, and only then, as the record's flags are a line the
     * hello does not otherwise read. */
    if (si != CORE__NONE &&
        (!adopted || (core__inst_used(s, si) && (s->insts[si].flags & CORE__F_SENTINEL)))) {
        core__inst(s, si)->last_hello_time = s->now;
    }
}
