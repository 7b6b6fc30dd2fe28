/* election.c: asking other sentinels, votes, leader determination, and the
 * start of a failover attempt (spec §7.2.2, §7.2.4, §8).
 *
 * Method: mirrors sentinelAskMasterStateToOtherSentinels(),
 * sentinelReceiveIsMasterDownReply(), sentinelVoteLeader(),
 * sentinelGetLeader(), sentinelStartFailover() and
 * sentinelStartFailoverIfNeeded(). Vote tallies are kept in first-seen
 * order so that ties resolve the same way on every run.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/datefmt.h"
#include "core/internal.h"

/* Mirrors sentinelAskMasterStateToOtherSentinels(). */
void core__ask_master_state(struct core_sentinel *s, uint32_t mslot, bool forced) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(s->t.ask_period > 0);
    CORE_ASSERT(mi->flags & CORE__F_MASTER);
    /* Every tick sweeps the sentinels of every master, but only a record a
     * reply wrote since the last sweep has anything to clear; the master
     * notes whether one may, so that a healthy master's sentinel records
     * stay untouched (the tick skips them too, sentinel.c). */
    if (!m->asks_marked && !(mi->flags & CORE__F_S_DOWN)) { return; }
    bool marked = false;
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        uint32_t si = m->sentinels[k];
        struct core__inst *ri = core__inst(s, si);
        if ((ri->flags & CORE__F_ASK_REPLIED) &&
            s->now - ri->last_master_down_reply_time > s->t.ask_period * 5) {
            ri->flags &= ~(CORE__F_MASTER_DOWN | CORE__F_ASK_REPLIED);
            ri->leader[0] = '\0';
        }
        marked = marked || (ri->flags & CORE__F_ASK_REPLIED);
        if ((mi->flags & CORE__F_S_DOWN) == 0) { continue; }
        if (core__link_of(s, si)->disconnected) { continue; }
        if (!forced && s->now - ri->last_master_down_reply_time < s->t.ask_period) { continue; }
        char port[8], epoch[24];
        snprintf(port, sizeof(port), "%u", mi->addr.port);
        snprintf(epoch, sizeof(epoch), "%llu", (unsigned long long)s->current_epoch);
        const char *argv[] = {"SENTINEL",
                              "is-master-down-by-addr",
                              core__announce_ip(&mi->addr),
                              port,
                              epoch,
                              m->failover_state > CORE__FO_NONE ? s->myid : "*"};
        core__send(s, si, CORE__CK_ASK, false, 6, argv);
    }
    m->asks_marked = marked;
}

/* Mirrors sentinelReceiveIsMasterDownReply() (spec §7.2.4). */
void core__on_ask_reply(struct core_sentinel *s, uint32_t inst, const struct core_reply *r) {
    CORE_ASSERT(r != NULL);
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(ri->flags & CORE__F_SENTINEL);
    if (r->type != CORE_REPLY_ARRAY || r->elements_len != 3 || r->elements == NULL) { return; }
    const struct core_reply *e = r->elements;
    if (e[0].type != CORE_REPLY_INTEGER || e[1].type != CORE_REPLY_BULK ||
        e[2].type != CORE_REPLY_INTEGER) {
        return;
    }
    ri->last_master_down_reply_time = s->now;
    ri->flags |= CORE__F_ASK_REPLIED;
    s->masters[ri->master].asks_marked = true;
    core__wake_master(s, ri->master); /* its next visit has the reply to expire */
    if (e[0].integer == 1) {
        ri->flags |= CORE__F_MASTER_DOWN;
    } else {
        ri->flags &= ~CORE__F_MASTER_DOWN;
    }
    if (e[1].len == 1 && e[1].str[0] == '*') { return; }
    size_t n = e[1].len < CORE_RUNID_LEN ? e[1].len : CORE_RUNID_LEN;
    if ((int64_t)ri->leader_epoch != e[2].integer) {
        core__out_log(s, CORE_LEVEL_WARNING, "%s voted for %.*s %llu", ri->name, (int)n, e[1].str,
                      (unsigned long long)e[2].integer);
    }
    memcpy(ri->leader, e[1].str, n);
    ri->leader[n] = '\0';
    ri->leader_epoch = (uint64_t)e[2].integer;
}

/* At most one vote per epoch (spec §8.2). The V=coretest build plants the
 * classic bug of granting a second, different vote in the same epoch, so
 * that the chaos explorer has something to find (tests/chaos_planted.sh). */
static bool may_vote(const struct core_sentinel *s,
                     const struct core__master *m,
                     uint64_t req_epoch,
                     const char *req_runid) {
    CORE_ASSERT(req_runid != NULL);
    CORE_ASSERT(m->in_use);
    if (s->current_epoch > req_epoch) { return false; }
    if (m->leader_epoch < req_epoch) { return true; }
    return CORE_PLANTED_DOUBLE_VOTE && m->leader_epoch == req_epoch && m->leader[0] != '\0' &&
           strcmp(m->leader, req_runid) != 0;
}

/* Mirrors sentinelVoteLeader() (spec §8.2). Returns our current vote ("" if
 * none) and its epoch. */
const char *core__vote_leader(struct core_sentinel *s,
                              uint32_t mslot,
                              uint64_t req_epoch,
                              const char *req_runid,
                              uint64_t *leader_epoch) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    CORE_ASSERT(req_runid != NULL);
    if (req_epoch > s->current_epoch) {
        s->current_epoch = req_epoch;
        core__flush_config(s);
        core__event(s, CORE_LEVEL_WARNING, "+new-epoch", m->inst, "%llu",
                    (unsigned long long)s->current_epoch);
    }
    if (may_vote(s, m, req_epoch, req_runid)) {
        snprintf(m->leader, sizeof(m->leader), "%.40s", req_runid);
        m->leader_epoch = s->current_epoch;
        core__flush_config(s);
        core__event(s, CORE_LEVEL_WARNING, "+vote-for-leader", m->inst, "%s %llu", m->leader,
                    (unsigned long long)m->leader_epoch);
        CORE_TESTCASE(core__strcasecmp(m->leader, s->myid) != 0);
        if (core__strcasecmp(m->leader, s->myid) != 0) {
            m->failover_start_time = s->now + core__rng_below(&s->rng, CORE__DESYNC_MAX);
        }
    }
    *leader_epoch = m->leader_epoch;
    return m->leader;
}

/* Votes per run id in first-seen order (arrays from the step arena). */
struct tally {
    const char **id;
    uint32_t *votes;
    uint32_t n;
    uint32_t cap;
};

static uint32_t tally_incr(struct tally *t, const char *id) {
    CORE_ASSERT(id != NULL && id[0] != '\0');
    for (uint32_t k = 0; k < t->n; k++) {
        if (strcmp(t->id[k], id) == 0) { return ++t->votes[k]; }
    }
    CORE_ASSERT(t->n < t->cap);
    t->id[t->n] = id;
    t->votes[t->n] = 1;
    return t->votes[t->n++];
}

/* Mirrors sentinelGetLeader() (spec §8.3). Returns winner_out or NULL. */
const char *core__get_leader(struct core_sentinel *s,
                             uint32_t mslot,
                             uint64_t epoch,
                             char winner_out[CORE_RUNID_LEN + 1]) {
    struct core__master *m = &s->masters[mslot];
    uint32_t voters = m->nsentinels + 1, max_votes = 0;
    struct tally t = {.n = 0, .cap = voters};
    const char *winner = NULL;
    CORE_ASSERT(m->in_use);
    t.id = core__arena_alloc(s, voters * sizeof(*t.id));
    t.votes = core__arena_alloc(s, voters * sizeof(*t.votes));
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        struct core__inst *ri = core__inst(s, m->sentinels[k]);
        if (ri->leader[0] != '\0' && ri->leader_epoch == s->current_epoch) {
            tally_incr(&t, ri->leader);
        }
    }
    for (uint32_t k = 0; k < t.n; k++) {
        if (t.votes[k] > max_votes) {
            max_votes = t.votes[k];
            winner = t.id[k];
        }
    }
    uint64_t leader_epoch;
    const char *myvote =
        core__vote_leader(s, mslot, epoch, winner != NULL ? winner : s->myid, &leader_epoch);
    if (myvote[0] != '\0' && leader_epoch == epoch) {
        uint32_t votes = tally_incr(&t, myvote);
        if (votes > max_votes) {
            max_votes = votes;
            winner = myvote;
        }
    }
    uint32_t needed = voters / 2 + 1;
    if ((int64_t)needed < m->quorum) { needed = (uint32_t)m->quorum; }
    if (max_votes < needed && (int64_t)max_votes != m->elect_explained) {
        core__out_explain(s, "not elected for %s: %u votes < needed %u", core__minst(s, m)->name,
                          max_votes, needed);
    }
    m->elect_explained = max_votes < needed ? (int64_t)max_votes : -1;
    if (winner != NULL && max_votes < needed) { winner = NULL; }
    if (winner == NULL) { return NULL; }
    snprintf(winner_out, CORE_RUNID_LEN + 1, "%s", winner);
    return winner_out;
}

/* Mirrors sentinelStartFailover() (spec §8.4). */
void core__start_failover(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(mi->flags & CORE__F_MASTER);
    CORE_ASSERT(!(mi->flags & CORE__F_FAILOVER_IN_PROGRESS));
    m->failover_state = CORE__FO_WAIT_START;
    mi->flags |= CORE__F_FAILOVER_IN_PROGRESS;
    m->failover_epoch = ++s->current_epoch;
    core__event(s, CORE_LEVEL_WARNING, "+new-epoch", m->inst, "%llu",
                (unsigned long long)s->current_epoch);
    core__event_at(s, CORE_LEVEL_WARNING, "+try-failover", m->inst);
    m->failover_start_time = s->now + core__rng_below(&s->rng, CORE__DESYNC_MAX);
    m->failover_state_change_time = s->now;
}

/* Mirrors sentinelStartFailoverIfNeeded(). */
bool core__start_failover_if_needed(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    struct core__inst *mi = core__minst(s, m);
    CORE_ASSERT(m->failover_timeout > 0);
    if (!(mi->flags & CORE__F_O_DOWN)) { return false; }
    if (mi->flags & CORE__F_FAILOVER_IN_PROGRESS) { return false; }
    if (s->now - m->failover_start_time < m->failover_timeout * 2) {
        if (m->failover_delay_logged != m->failover_start_time) {
            char date[CORE__CTIME_LEN];
            int64_t at = (m->failover_start_time + m->failover_timeout * 2) / 1000;
            core__ctime(at < 0 ? 0 : (uint64_t)at, date);
            m->failover_delay_logged = m->failover_start_time;
            core__out_log(s, CORE_LEVEL_WARNING,
                          "Next failover delay: I will not start a failover before %s", date);
        }
        return false;
    }
    core__start_failover(s, mslot);
    CORE_ASSERT(mi->flags & CORE__F_FAILOVER_IN_PROGRESS);
    return true;
}
