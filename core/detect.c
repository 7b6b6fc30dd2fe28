/* detect.c: TILT, SDOWN and ODOWN (spec §3.4, §4.4, §7.1, §7.2.1).
 *
 * Method: mirrors sentinelCheckTiltCondition(),
 * sentinelCheckSubjectivelyDown() (with its link inactivity resets) and
 * sentinelCheckObjectivelyDown(). The "no" side of each decision can be
 * explained on request (opts.explain).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "core/internal.h"

void core__check_tilt(struct core_sentinel *s) {
    int64_t delta = s->now - s->previous_time;
    CORE_ASSERT(s->t.tilt_trigger > 0);
    if (delta < 0 || delta > s->t.tilt_trigger) {
        CORE_TESTCASE(s->tilt);
        CORE_TESTCASE(delta < 0);
        s->tilt = true;
        s->tilt_start_time = s->now;
        core__event(s, CORE_LEVEL_WARNING, "+tilt", CORE__NONE, "#tilt mode entered");
    }
    s->previous_time = s->now;
    CORE_ASSERT(s->previous_time == s->now);
}

/* §4.4: close links that look dead even though the socket is still open. */
static void inactivity_resets(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    struct core__link *l = core__link_of(s, inst);
    CORE_ASSERT(ri->down_after_period > 0);
    if (l->cc != 0 && s->now - l->cc_conn_time > s->t.min_link_reconnect_period &&
        l->act_ping_time != 0 && s->now - l->act_ping_time > ri->down_after_period / 2 &&
        s->now - l->last_pong_time > ri->down_after_period / 2) {
        core__link_close(s, ri->link, false);
    }
    if (l->pc != 0 && s->now - l->pc_conn_time > s->t.min_link_reconnect_period &&
        s->now - l->pc_last_activity > s->t.publish_period * 3) {
        core__link_close(s, ri->link, true);
    }
    CORE_ASSERT(l->in_use);
}

static bool sdown_condition(struct core_sentinel *s, uint32_t inst, int64_t elapsed) {
    CORE_ASSERT(inst < s->insts_max);
    struct core__inst *ri = core__inst(s, inst);
    struct core__master *m = core__master_of(s, inst);
    CORE_ASSERT(ri->down_after_period > 0);
    if (elapsed > ri->down_after_period) { return true; }
    if ((ri->flags & CORE__F_MASTER) && ri->role_reported == CORE__F_SLAVE &&
        s->now - ri->role_reported_time > ri->down_after_period + s->t.info_period * 2) {
        CORE_TESTCASE(true);
        return true;
    }
    if ((ri->flags & CORE__F_MASTER_REBOOT) &&
        s->now - ri->master_reboot_since_time > m->master_reboot_down_after_period) {
        CORE_TESTCASE(true);
        return true;
    }
    return false;
}

/* Mirrors sentinelCheckSubjectivelyDown(). */
void core__check_sdown(struct core_sentinel *s, uint32_t inst) {
    CORE_ASSERT(!s->tilt);
    struct core__inst *ri = core__inst(s, inst);
    struct core__link *l = core__link_of(s, inst);
    int64_t elapsed = 0;
    CORE_ASSERT(ri->flags & CORE__F_KINDS);
    if (l->act_ping_time != 0) {
        elapsed = s->now - l->act_ping_time;
    } else if (l->disconnected) {
        elapsed = s->now - l->last_avail_time;
    }
    inactivity_resets(s, inst);
    if (sdown_condition(s, inst, elapsed)) {
        if ((ri->flags & CORE__F_S_DOWN) == 0) {
            core__event_at(s, CORE_LEVEL_WARNING, "+sdown", inst);
            ri->s_down_since_time = s->now;
            ri->flags |= CORE__F_S_DOWN;
        }
    } else if (ri->flags & CORE__F_S_DOWN) {
        core__event_at(s, CORE_LEVEL_WARNING, "-sdown", inst);
        ri->flags &= ~(CORE__F_S_DOWN | CORE__F_SCRIPT_KILL_SENT);
    }
}

/* Mirrors sentinelCheckObjectivelyDown(). */
void core__check_odown(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    int64_t quorum = 0;
    bool odown = false;
    CORE_ASSERT(m->quorum > 0);
    if (mi->flags & CORE__F_S_DOWN) {
        quorum = 1;
        for (uint32_t k = 0; k < m->nsentinels; k++) {
            uint32_t flags = core__inst(s, m->sentinels[k])->flags;
            /* Only a reply sets MASTER_DOWN, and the sweep that expires it
             * looks at records marked as replied. */
            CORE_ASSERT(!(flags & CORE__F_MASTER_DOWN) || (flags & CORE__F_ASK_REPLIED));
            if (flags & CORE__F_MASTER_DOWN) { quorum++; }
        }
        odown = quorum >= m->quorum;
        /* Explain once per change of the count, not at every tick. */
        if (!odown && quorum != m->odown_explained) {
            core__out_explain(s, "no ODOWN for %s: %lld/%lld sentinels agree", mi->name,
                              (long long)quorum, (long long)m->quorum);
        }
    }
    m->odown_explained = odown ? -1 : quorum;
    if (odown) {
        if ((mi->flags & CORE__F_O_DOWN) == 0) {
            core__event_atf(s, CORE_LEVEL_WARNING, "+odown", m->inst, " #quorum %lld/%lld",
                            (long long)quorum, (long long)m->quorum);
            mi->flags |= CORE__F_O_DOWN;
            mi->o_down_since_time = s->now;
        }
    } else if (mi->flags & CORE__F_O_DOWN) {
        core__event_at(s, CORE_LEVEL_WARNING, "-odown", m->inst);
        mi->flags &= ~CORE__F_O_DOWN;
    }
    CORE_ASSERT(!(mi->flags & CORE__F_O_DOWN) || (mi->flags & CORE__F_S_DOWN));
}
