/* failover.c: the failover state machine, one function per state (spec §9).
 *
 * Method: mirrors sentinelFailoverStateMachine() and its per-state helpers,
 * sentinelAbortFailover(), sentinelFailoverDetectEnd() and
 * sentinelFailoverSwitchToPromotedSlave(). Exactly one state handler runs
 * per master per tick; the transition WAIT_PROMOTION -> RECONF_SLAVES is
 * driven by the promoted replica's INFO (core__promotion_observed).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "core/internal.h"

static const char *const state_names[] = {
    "none",           "wait_start",    "select_slave",  "send_slaveof_noone",
    "wait_promotion", "reconf_slaves", "update_config",
};

const char *core__failover_state_name(enum core__failover_state st) {
    CORE_ASSERT((unsigned)st < sizeof(state_names) / sizeof(state_names[0]));
    CORE_ASSERT(state_names[st] != NULL);
    return state_names[st];
}

static void set_state(struct core_sentinel *s,
                      struct core__master *m,
                      enum core__failover_state st) {
    CORE_ASSERT(st != m->failover_state);
    CORE_ASSERT(st <= CORE__FO_UPDATE_CONFIG);
    m->failover_state = st;
    m->failover_state_change_time = s->now;
}

/* Mirrors sentinelAbortFailover() (spec §9.7). */
static void abort_failover(struct core_sentinel *s, struct core__master *m) {
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(mi->flags & CORE__F_FAILOVER_IN_PROGRESS);
    CORE_ASSERT(m->failover_state <= CORE__FO_WAIT_PROMOTION);
    mi->flags &= ~(CORE__F_FAILOVER_IN_PROGRESS | CORE__F_FORCE_FAILOVER);
    m->failover_state = CORE__FO_NONE;
    m->failover_state_change_time = s->now;
    if (m->promoted != CORE__NONE) {
        core__inst(s, m->promoted)->flags &= ~CORE__F_PROMOTED;
        m->promoted = CORE__NONE;
    }
}

static void crash(struct core_sentinel *s) {
    CORE_ASSERT(s->simfailure != 0);
    CORE_ASSERT(!s->halted);
    core__out_log(s, CORE_LEVEL_WARNING, "Sentinel CRASH because of SENTINEL simulate-failure");
    core__out_halt(s, CORE_OUT_CRASH, 99);
}

/* §9.2 */
static void wait_start(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    char buf[CORE_RUNID_LEN + 1];
    const char *leader = core__get_leader(s, mslot, m->failover_epoch, buf);
    bool isleader = leader != NULL && core__strcasecmp(leader, s->myid) == 0;
    CORE_TESTCASE(!isleader && (mi->flags & CORE__F_FORCE_FAILOVER));
    CORE_TESTCASE(leader != NULL && !isleader);
    CORE_ASSERT(mi->flags & CORE__F_FAILOVER_IN_PROGRESS);
    CORE_ASSERT(m->failover_state == CORE__FO_WAIT_START);
    if (!isleader && !(mi->flags & CORE__F_FORCE_FAILOVER)) {
        int64_t timeout = s->t.election_timeout;
        if (timeout > m->failover_timeout) { timeout = m->failover_timeout; }
        if (s->now - m->failover_start_time > timeout) {
            CORE_TESTCASE(true);
            core__event_at(s, CORE_LEVEL_WARNING, "-failover-abort-not-elected", m->inst);
            abort_failover(s, m);
        }
        return;
    }
    core__event_at(s, CORE_LEVEL_WARNING, "+elected-leader", m->inst);
    if (s->simfailure & CORE__SIMFAIL_CRASH_AFTER_ELECTION) {
        crash(s);
        return;
    }
    set_state(s, m, CORE__FO_SELECT_SLAVE);
    core__event_at(s, CORE_LEVEL_WARNING, "+failover-state-select-slave", m->inst);
}

/* §9.3 */
static void select_slave(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    uint32_t slave = core__select_slave(s, mslot);
    CORE_ASSERT(m->promoted == CORE__NONE);
    CORE_ASSERT(m->failover_state == CORE__FO_SELECT_SLAVE);
    if (slave == CORE__NONE) {
        CORE_TESTCASE(true);
        core__event_at(s, CORE_LEVEL_WARNING, "-failover-abort-no-good-slave", m->inst);
        abort_failover(s, m);
        return;
    }
    core__event_at(s, CORE_LEVEL_WARNING, "+selected-slave", slave);
    core__inst(s, slave)->flags |= CORE__F_PROMOTED;
    m->promoted = slave;
    set_state(s, m, CORE__FO_SEND_SLAVEOF_NOONE);
    core__event_at(s, CORE_LEVEL_NOTICE, "+failover-state-send-slaveof-noone", slave);
}

/* §9.4 */
static void send_slaveof_noone(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->promoted != CORE__NONE);
    CORE_ASSERT(m->failover_state == CORE__FO_SEND_SLAVEOF_NOONE);
    if (core__link_of(s, m->promoted)->disconnected) {
        if (s->now - m->failover_state_change_time > m->failover_timeout) {
            core__event_at(s, CORE_LEVEL_WARNING, "-failover-abort-slave-timeout", m->inst);
            abort_failover(s, m);
        }
        return;
    }
    if (!core__send_slaveof(s, m->promoted, NULL)) { return; }
    core__event_at(s, CORE_LEVEL_NOTICE, "+failover-state-wait-promotion", m->promoted);
    set_state(s, m, CORE__FO_WAIT_PROMOTION);
}

/* §9.5: the state handler only checks the timeout. */
static void wait_promotion(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->promoted != CORE__NONE);
    CORE_ASSERT(m->failover_state == CORE__FO_WAIT_PROMOTION);
    if (s->now - m->failover_state_change_time > m->failover_timeout) {
        core__event_at(s, CORE_LEVEL_WARNING, "-failover-abort-slave-timeout", m->inst);
        abort_failover(s, m);
    }
}

/* §9.5: INFO of the promoted replica reports role:master. */
void core__promotion_observed(struct core_sentinel *s, uint32_t inst) {
    struct core__master *m = core__master_of(s, inst);
    CORE_ASSERT(m->promoted == inst);
    CORE_ASSERT(m->failover_state == CORE__FO_WAIT_PROMOTION);
    m->config_epoch = m->failover_epoch;
    set_state(s, m, CORE__FO_RECONF_SLAVES);
    core__flush_config(s);
    core__event_at(s, CORE_LEVEL_WARNING, "+promoted-slave", inst);
    if (s->simfailure & CORE__SIMFAIL_CRASH_AFTER_PROMOTION) {
        crash(s);
        return;
    }
    core__event_at(s, CORE_LEVEL_WARNING, "+failover-state-reconf-slaves", m->inst);
    core__force_hello(s, core__inst(s, inst)->master);
}

/* Mirrors sentinelFailoverDetectEnd() (spec §9.6 step 3). */
static void detect_end(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->failover_state == CORE__FO_RECONF_SLAVES);
    CORE_ASSERT(core__minst(s, m)->flags & CORE__F_FAILOVER_IN_PROGRESS);
    if (m->promoted == CORE__NONE || (core__inst(s, m->promoted)->flags & CORE__F_S_DOWN)) {
        return;
    }
    uint32_t not_reconfigured = 0;
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        uint32_t f = core__inst(s, m->replicas[k])->flags;
        if (!(f & (CORE__F_PROMOTED | CORE__F_RECONF_DONE)) && !(f & CORE__F_S_DOWN)) {
            not_reconfigured++;
        }
    }
    bool timeout = s->now - m->failover_state_change_time > m->failover_timeout;
    CORE_TESTCASE(timeout);
    CORE_TESTCASE(not_reconfigured > 0 && !timeout);
    if (timeout) {
        not_reconfigured = 0;
        core__event_at(s, CORE_LEVEL_WARNING, "+failover-end-for-timeout", m->inst);
    }
    if (not_reconfigured == 0) {
        core__event_at(s, CORE_LEVEL_WARNING, "+failover-end", m->inst);
        set_state(s, m, CORE__FO_UPDATE_CONFIG);
    }
    if (!timeout) { return; }
    struct core__addr to = core__inst(s, m->promoted)->addr;
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        uint32_t r = m->replicas[k];
        struct core__inst *ri = core__inst(s, r);
        if (ri->flags & (CORE__F_PROMOTED | CORE__F_RECONF_DONE | CORE__F_RECONF_SENT)) {
            continue;
        }
        if (core__link_of(s, r)->disconnected) { continue; }
        if (core__send_slaveof(s, r, &to)) {
            core__event_at(s, CORE_LEVEL_NOTICE, "+slave-reconf-sent-be", r);
            ri->flags |= CORE__F_RECONF_SENT;
        }
    }
}

/* Mirrors sentinelFailoverReconfNextSlave() (spec §9.6). */
static void reconf_slaves(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->promoted != CORE__NONE);
    int64_t in_progress = 0;
    CORE_ASSERT(m->failover_state == CORE__FO_RECONF_SLAVES);
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        uint32_t f = core__inst(s, m->replicas[k])->flags;
        if (f & (CORE__F_RECONF_SENT | CORE__F_RECONF_INPROG)) { in_progress++; }
    }
    struct core__addr to = core__inst(s, m->promoted)->addr;
    for (uint32_t k = 0; k < m->nreplicas && in_progress < m->parallel_syncs; k++) {
        uint32_t r = m->replicas[k];
        struct core__inst *ri = core__inst(s, r);
        if (ri->flags & (CORE__F_PROMOTED | CORE__F_RECONF_DONE)) { continue; }
        if ((ri->flags & CORE__F_RECONF_SENT) &&
            s->now - ri->slave_reconf_sent_time > s->t.slave_reconf_timeout) {
            CORE_TESTCASE(true);
            core__event_at(s, CORE_LEVEL_NOTICE, "-slave-reconf-sent-timeout", r);
            ri->flags &= ~CORE__F_RECONF_SENT;
            ri->flags |= CORE__F_RECONF_DONE;
        }
        if (ri->flags & (CORE__F_RECONF_SENT | CORE__F_RECONF_INPROG)) { continue; }
        if (core__link_of(s, r)->disconnected) { continue; }
        if (core__send_slaveof(s, r, &to)) {
            ri->flags |= CORE__F_RECONF_SENT;
            ri->slave_reconf_sent_time = s->now;
            core__event_at(s, CORE_LEVEL_NOTICE, "+slave-reconf-sent", r);
            in_progress++;
        }
    }
    detect_end(s, mslot);
}

/* Mirrors sentinelFailoverStateMachine(). */
void core__failover_step(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    if (!(mi->flags & CORE__F_FAILOVER_IN_PROGRESS)) { return; }
    switch (m->failover_state) {
    case CORE__FO_WAIT_START:
        wait_start(s, mslot);
        break;
    case CORE__FO_SELECT_SLAVE:
        select_slave(s, mslot);
        break;
    case CORE__FO_SEND_SLAVEOF_NOONE:
        send_slaveof_noone(s, mslot);
        break;
    case CORE__FO_WAIT_PROMOTION:
        wait_promotion(s, mslot);
        break;
    case CORE__FO_RECONF_SLAVES:
        reconf_slaves(s, mslot);
        break;
    case CORE__FO_UPDATE_CONFIG:
        break;
    case CORE__FO_NONE:
        CORE_UNREACHABLE();
    default:
        CORE_UNREACHABLE();
    }
}

/* Mirrors sentinelFailoverSwitchToPromotedSlave() (spec §9.8). */
void core__switch_to_promoted(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(m->failover_state == CORE__FO_UPDATE_CONFIG);
    struct core__addr to = m->promoted != CORE__NONE ? core__inst(s, m->promoted)->addr : mi->addr;
    core__event(s, CORE_LEVEL_WARNING, "+switch-master", m->inst, "%s %s %u %s %u", mi->name,
                core__announce_ip(&mi->addr), mi->addr.port, core__announce_ip(&to), to.port);
    core__reset_master_and_change_address(s, mslot, to.ip, to.port);
    CORE_ASSERT(m->failover_state == CORE__FO_NONE);
}
