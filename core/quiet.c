/* quiet.c: when a visit of a record, or of a whole master, can next act.
 *
 * Method: a tick visits every record (sentinelHandleRedisInstance()), but a
 * healthy record only acts when one of its timers runs out: INFO, PING and
 * hello, the SDOWN check and the two dead-link checks, each a strict
 * "now - since > period" on fields of the record and its link. The first
 * time any of them can hold is the record's due time; until then its visit
 * changes nothing, and the tick skips it, a master's own record included.
 * A master is due when its record or the first of its others is, and
 * until then the tick skips it whole, reading one entry of a small table
 * (sentinel.c). A deployment of thousands of records then no longer walks
 * them all, cold, ten times a second.
 *
 * Due times only ever move later on their own (a reply or a message sets a
 * "since" to now). What can move one earlier wakes the master whose records
 * they are (an INFO reply, a sentinel's reply to is-master-down-by-addr, a
 * forced hello, a record created or released) or every master (a
 * connection lost, a link closed, a SENTINEL command: a link may be shared
 * by records of many masters); they are then visited, and their due times
 * taken again, at the next tick. Records that are not plainly healthy (link
 * down, SDOWN, too many commands in flight) are due at once, as is
 * everything of a master that is down or failing over, and everything
 * during TILT.
 *
 * Builds with CORE_VERIFY_QUIET (the sanitizer and debug builds) visit the
 * skipped records and masters anyway and assert that nothing changed.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/internal.h"

/* The first `now` at which "now - since > period" holds. */
static int64_t after(int64_t since, int64_t period) {
    return since + period + 1;
}

/* What else a steady master's visit reads: the replica role reported for
 * too long (core__check_sdown()), an ODOWN count not yet reset
 * (core__check_odown()) and sentinel replies to expire
 * (core__ask_master_state()). Each makes the visit due at once. */
static bool master_record_quiet(const struct core_sentinel *s, const struct core__inst *ri) {
    const struct core__master *m = &s->masters[ri->master];
    return ri->role_reported != CORE__F_SLAVE && !m->asks_marked && m->odown_explained == 0;
}

int64_t core__quiet_until(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    struct core__link *l = core__link_of(s, inst);
    CORE_ASSERT(ri->flags & CORE__F_KINDS);
    CORE_ASSERT(!(ri->flags & CORE__F_MASTER) || core__master_steady(s, ri->master));
    CORE_ASSERT(ri->down_after_period > 0);
    if (l->disconnected || (ri->flags & CORE__F_S_DOWN) ||
        l->pending_commands >= (int32_t)(CORE__PENDING_MAX * l->refcount) ||
        ((ri->flags & CORE__F_MASTER) && !master_record_quiet(s, ri))) {
        return s->now;
    }
    /* The timers of core__send_periodic(). */
    int64_t ping_period = core__min64(ri->down_after_period, s->t.ping_period);
    int64_t due = core__max64(after(l->last_pong_time, ping_period),
                              after(l->last_ping_time, ping_period / 2));
    due = core__min64(due, after(ri->last_pub_time, s->t.publish_period));
    if (!(ri->flags & CORE__F_SENTINEL)) {
        due = core__min64(due, ri->info_refresh == 0
                                   ? s->now
                                   : after(ri->info_refresh, core__info_period(s, inst)));
    }
    /* The checks of core__check_sdown() (a steady master has no reboot
     * condition, and its role one was ruled out above). */
    int64_t half_down = ri->down_after_period / 2;
    if (l->act_ping_time != 0) {
        due = core__min64(due, after(l->act_ping_time, ri->down_after_period));
        if (l->cc != 0) {
            int64_t idle = core__max64(after(l->act_ping_time, half_down),
                                       after(l->last_pong_time, half_down));
            due = core__min64(
                due, core__max64(after(l->cc_conn_time, s->t.min_link_reconnect_period), idle));
        }
    }
    if (l->pc != 0) {
        due = core__min64(due, core__max64(after(l->pc_conn_time, s->t.min_link_reconnect_period),
                                           after(l->pc_last_activity, s->t.publish_period * 3)));
    }
    return due;
}

int64_t *core__quiet_block(struct core_sentinel *s, uint32_t mslot) {
    CORE_ASSERT(mslot < s->lim.masters_max);
    return s->quiet_pool + (size_t)mslot * (s->lim.replicas_max + s->lim.sentinels_max);
}

void core__wake_master(struct core_sentinel *s, uint32_t mslot) {
    CORE_ASSERT(mslot < s->lim.masters_max);
    s->quiet[mslot].gen = 0;
}

void core__wake_all(struct core_sentinel *s) {
    s->wake_gen++;
    CORE_ASSERT(s->wake_gen > 0);
}

bool core__master_steady(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    const uint32_t unsteady =
        CORE__F_S_DOWN | CORE__F_O_DOWN | CORE__F_FAILOVER_IN_PROGRESS | CORE__F_MASTER_REBOOT;
    return !(core__minst(s, m)->flags & unsteady) && m->failover_state == CORE__FO_NONE &&
           m->promoted == CORE__NONE;
}
