/* select.c: choosing the replica to promote (spec §10).
 *
 * Method: mirrors sentinelSelectSlave() and compareSlavesForPromotion():
 * every filter of §10.1 in order (each exclusion can be explained), then
 * the best candidate by priority, offset and run id. Upstream sorts with
 * qsort and leaves further ties undefined; we end with the record name
 * ("ip:port"), so the choice is the same on every run and platform.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "core/internal.h"

/* Negative if a should be promoted before b. */
static int compare(struct core_sentinel *s, uint32_t a, uint32_t b) {
    const struct core__inst *ra = core__inst(s, a), *rb = core__inst(s, b);
    CORE_ASSERT(a != b);
    if (ra->slave_priority != rb->slave_priority) {
        return ra->slave_priority < rb->slave_priority ? -1 : 1;
    }
    if (ra->slave_repl_offset != rb->slave_repl_offset) {
        return ra->slave_repl_offset > rb->slave_repl_offset ? -1 : 1;
    }
    bool ha = ra->runid[0] != '\0', hb = rb->runid[0] != '\0';
    if (ha != hb) { return ha ? -1 : 1; }
    if (ha) {
        int c = core__strcasecmp(ra->runid, rb->runid);
        if (c != 0) { return c; }
    }
    int c = strcmp(ra->name, rb->name);
    CORE_ASSERT(c != 0);
    return c;
}

/* Why replica `r` is no candidate, or NULL if it is one. */
static const char *excluded(struct core_sentinel *s,
                            uint32_t mslot,
                            uint32_t r,
                            int64_t max_down,
                            int64_t *val,
                            int64_t *lim) {
    struct core__inst *mi = core__minst(s, &s->masters[mslot]);
    struct core__inst *ri = core__inst(s, r);
    struct core__link *l = core__link_of(s, r);
    if (ri->flags & (CORE__F_S_DOWN | CORE__F_O_DOWN)) { return "down"; }
    if (l->disconnected) { return "disconnected"; }
    *val = s->now - l->last_avail_time;
    *lim = s->t.ping_period * 5;
    if (*val > *lim) { return "last valid ping reply"; }
    if (ri->slave_priority == 0) { return "priority 0"; }
    *lim = (mi->flags & CORE__F_S_DOWN) ? s->t.ping_period * 5 : s->t.info_period * 3;
    *val = s->now - ri->info_refresh;
    if (*val > *lim) { return "INFO age"; }
    *val = ri->master_link_down_time;
    *lim = max_down;
    if (*val > *lim) { return "master link down"; }
    return NULL;
}

uint32_t core__select_slave(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    int64_t max_down = mi->down_after_period * 10;
    uint32_t best = CORE__NONE;
    CORE_ASSERT(mi->flags & CORE__F_MASTER);
    if (mi->flags & CORE__F_S_DOWN) { max_down += s->now - mi->s_down_since_time; }
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        uint32_t r = m->replicas[k];
        int64_t val = 0, lim = 0;
        const char *why = excluded(s, mslot, r, max_down, &val, &lim);
        if (why != NULL) {
            core__out_explain(s, "%s excluded: %s %lld ms > limit %lld ms", core__inst(s, r)->name,
                              why, (long long)val, (long long)lim);
            continue;
        }
        if (best == CORE__NONE || compare(s, r, best) < 0) { best = r; }
    }
    CORE_ASSERT(best == CORE__NONE || core__inst(s, best)->flags & CORE__F_SLAVE);
    return best;
}
