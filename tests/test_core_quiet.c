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

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_healthy_replica_due_by_its_next_ping),
        cmocka_unit_test(test_quiet_dead_replica_due_at_sdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
