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
#include <stdio.h>
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

/* Writes why replica `r` is no candidate into why[]; false if it is one. */
static bool excluded(
    struct core_sentinel *s, uint32_t mslot, uint32_t r, int64_t max_down, char *why, size_t cap) {
    struct core__inst *mi = core__minst(s, &s->masters[mslot]);
    struct core__inst *ri = core__inst(s, r);
    struct core__link *l = core__link_of(s, r);
    const char *what = NULL;
    CORE_ASSERT(why != NULL && cap > 0);
    CORE_ASSERT(ri->flags & CORE__F_SLAVE);
    int64_t val = 0, lim = 0;
    int64_t info_lim = (mi->flags & CORE__F_S_DOWN) ? s->t.ping_period * 5 : s->t.info_period * 3;
    if (ri->flags & (CORE__F_S_DOWN | CORE__F_O_DOWN)) {
        snprintf(why, cap, "down");
    } else if (l->disconnected) {
        snprintf(why, cap, "disconnected");
    } else if ((val = s->now - l->last_avail_time) > (lim = s->t.ping_period * 5)) {
        what = "last valid ping reply";
    } else if (ri->slave_priority == 0) {
        snprintf(why, cap, "priority 0");
    } else if ((val = s->now - ri->info_refresh) > (lim = info_lim)) {
        what = "INFO age";
    } else if ((val = ri->master_link_down_time) > (lim = max_down)) {
        what = "master link down";
    } else {
        return false;
    }
    if (what != NULL) {
        snprintf(why, cap, "%s %lld ms > limit %lld ms", what, (long long)val, (long long)lim);
    }
    return true;
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
        char why[96];
        if (excluded(s, mslot, r, max_down, why, sizeof(why))) {
            core__out_explain(s, "%s excluded: %s", core__inst(s, r)->name, why);
            continue;
        }
        if (best == CORE__NONE || compare(s, r, best) < 0) { best = r; }
    }
    CORE_ASSERT(best == CORE__NONE || core__inst(s, best)->flags & CORE__F_SLAVE);
    return best;
}
