/* test_core_quiet.c: the due times that let a tick skip quiet records
 * (core/quiet.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/internal.h"
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define CONF                                                                                       \
    "sentinel monitor mymaster 10.0.1.1 6379 2\n"                                                  \
    "sentinel down-after-milliseconds mymaster 5000\n"

/* One sentinel, a master and one replica, settled. */
static struct cw *settled(void) {
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, 0);
    cw_sentinel(w, CONF, 11);
    cw_run(w, cw_now(w) + 15000);
    return w;
}

static uint32_t replica_of(struct core_sentinel *s) {
    struct core__master *m = &s->masters[s->order[0]];
    assert_int_equal(m->nreplicas, 1);
    return m->replicas[0];
}

static void test_quiet_healthy_replica_due_by_its_next_ping(void **state) {
    /* Goal: a healthy replica is quiet, and no longer than until its next
     * PING may go out (ping period 1 s). Method: settle, read the due time
     * and the link's ping times. */
    (void)state;
    struct cw *w = settled();
    struct core_sentinel *s = cw_core(w, 0);
    uint32_t r = replica_of(s);
    const struct core__link *l = core__link_of(s, r);
    assert_false(l->disconnected);
    int64_t due = core__quiet_until(s, r);
    int64_t ping_due = l->last_pong_time + 1000 + 1;
    if (l->last_ping_time + 500 + 1 > ping_due) { ping_due = l->last_ping_time + 500 + 1; }
    assert_true(due > s->now);
    assert_true(due <= ping_due);
    cw_free(w);
}

static void test_quiet_dead_replica_due_at_sdown(void **state) {
    /* Goal: once a PING goes unanswered the replica is due no later than
     * down-after past it, and it goes SDOWN then, skipped or not. Method:
     * kill the replica's process and compare the due time with the oldest
     * unanswered PING, then wait for +sdown. */
    (void)state;
    struct cw *w = settled();
    struct core_sentinel *s = cw_core(w, 0);
    uint32_t r = replica_of(s);
    int from = cw_events_len(w);
    cw_kill_node(w, 1);
    cw_run(w, cw_now(w) + 2500);
    const struct core__link *l = core__link_of(s, r);
    if (!l->disconnected) {
        assert_true(l->act_ping_time != 0);
        assert_true(core__quiet_until(s, r) <= l->act_ping_time + 5000 + 1);
    } else {
        assert_true(core__quiet_until(s, r) == s->now);
    }
    cw_run(w, cw_now(w) + 6000);
    assert_true(cw_find(w, from, 0, "+sdown", "slave 10.0.1.2:6379") >= 0);
    cw_free(w);
}

/* Two sentinels that know each other, a master and one replica, settled. */
static struct cw *settled_pair(void) {
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, 0);
    cw_sentinel(w, CONF, 11);
    cw_sentinel(w, CONF, 12);
    cw_run(w, cw_now(w) + 15000);
    return w;
}

static int64_t earlier(int64_t a, int64_t b) {
    return a < b ? a : b;
}

static void test_quiet_steady_master_skipped_until_first_record_due(void **state) {
    /* Goal: when a master and all its records are healthy, the tick skips
     * the master whole, but no later than the first of its records (its
     * own included) is due, and its own record until that one is due.
     * Method: settle two sentinels, then compare the master's due times
     * with each record's, taken afresh (a reply since can only have moved
     * those later). */
    (void)state;
    struct cw *w = settled_pair();
    struct core_sentinel *s = cw_core(w, 0);
    uint32_t mslot = s->order[0];
    struct core__master *m = &s->masters[mslot];
    assert_int_equal(m->nsentinels, 1);
    assert_true(core__master_steady(s, mslot));
    const struct core__quiet *q = &s->quiet[mslot];
    assert_int_equal(q->gen, s->wake_gen);
    assert_true(q->due > s->now);
    assert_true(q->own >= q->due);
    assert_true(q->own <= core__quiet_until(s, m->inst));
    int64_t first = earlier(core__quiet_until(s, m->inst), core__quiet_until(s, replica_of(s)));
    first = earlier(first, core__quiet_until(s, m->sentinels[0]));
    assert_true(q->due <= first);
    cw_free(w);
}

static void test_quiet_late_ask_reply_still_expires(void **state) {
    /* Goal: a reply to is-master-down-by-addr that comes while the master
     * is healthy (and skipped) still expires 5 s after it came (§7.2.2).
     * Method: hand the peer's record a "down" reply, then run to just
     * before and just after the 5 s. */
    (void)state;
    struct cw *w = settled_pair();
    struct core_sentinel *s = cw_core(w, 0);
    struct core__master *m = &s->masters[s->order[0]];
    uint32_t peer = m->sentinels[0];
    const struct core_reply el[3] = {
        {.type = CORE_REPLY_INTEGER, .integer = 1},
        {.type = CORE_REPLY_BULK, .str = "*", .len = 1},
        {.type = CORE_REPLY_INTEGER, .integer = 0},
    };
    const struct core_reply r = {.type = CORE_REPLY_ARRAY, .elements = el, .elements_len = 3};
    core__on_ask_reply(s, peer, &r);
    const uint32_t replied = CORE__F_ASK_REPLIED | CORE__F_MASTER_DOWN;
    assert_int_equal(s->insts[peer].flags & replied, replied);
    uint64_t t0 = (uint64_t)s->now;
    cw_run(w, t0 + 4900);
    assert_int_equal(s->insts[peer].flags & replied, replied);
    assert_true(m->asks_marked);
    cw_run(w, t0 + 5110); /* the first tick past 5 s: ticks are at most 100 ms apart */
    assert_int_equal(s->insts[peer].flags & replied, 0);
    assert_false(m->asks_marked);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_healthy_replica_due_by_its_next_ping),
        cmocka_unit_test(test_quiet_dead_replica_due_at_sdown),
        cmocka_unit_test(test_quiet_steady_master_skipped_until_first_record_due),
        cmocka_unit_test(test_quiet_late_ask_reply_still_expires),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
