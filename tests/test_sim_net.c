/* test_sim_net.c: the virtual network's connection outcomes and ordering.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/sim_world.h"

#define ANY UINT32_MAX

static const char *const world_yaml = "name: net\n"
                                      "defaults: {quorum: 2}\n"
                                      "masters:\n"
                                      "  mymaster: {master: m, replicas: [r1]}\n"
                                      "sentinels: 1\n"
                                      "network: {latency: 5ms}\n";

static void test_sim_net_connect_live_accepted_after_round_trip(void **state) {
    /* Goal: a connect to a live node completes after the SYN reached it and
     * the answer came back. Method: fixed 5 ms latency; the probe connects to
     * m at t=0 and must see ACCEPT at t=10, then a PING answered by +PONG. */
    (void)state;
    struct sw *t = sw_new(world_yaml, 1);
    uint32_t c = sw_connect(t, 0);
    sw_run(t, 100);
    const struct sw_seen *a = sw_first(t, SIM_MSG_ACCEPT, c);
    assert_non_null(a);
    assert_int_equal(a->t_ms, 10);
    uint64_t cmd = sw_send(t, c, "PING");
    sw_run(t, 200);
    const struct sw_seen *r = sw_first(t, SIM_MSG_REPLY, c);
    assert_non_null(r);
    assert_int_equal(r->cmd, cmd);
    assert_string_equal(r->text, "+PONG");
    assert_int_equal(r->t_ms, 110);
    sw_free(t);
}

static void test_sim_net_connect_dead_refused_after_one_latency(void **state) {
    /* Goal: a dead process's port refuses at once, so the connecter learns it
     * one latency later (spec §17.3 "connection refused"). Method: kill m,
     * connect, expect REFUSE at t+5 and nothing else. */
    (void)state;
    struct sw *t = sw_new(world_yaml, 1);
    sw_run(t, 50);
    sim__node_stop(&t->w, 0);
    uint32_t c = sw_connect(t, 0);
    sw_run(t, 1000);
    const struct sw_seen *r = sw_first(t, SIM_MSG_REFUSE, c);
    assert_non_null(r);
    assert_int_equal(r->t_ms, 55);
    assert_int_equal(sw_count(t, SIM_MSG_ACCEPT, c), 0);
    sw_free(t);
}

static void test_sim_net_partition_hangs_until_heal(void **state) {
    /* Goal: across a partition a connect neither succeeds nor fails (it
     * hangs) and commands get no answer; as with TCP retransmission, both
     * go through once the partition heals. Method: partition m from the
     * probe, connect and PING, wait 60 s of virtual time (nothing), heal,
     * then expect the ACCEPT and the PONG (SYN retries at 1, 2, 4 ... s). */
    (void)state;
    struct sw *t = sw_new(world_yaml, 1);
    uint32_t before = sw_connect(t, 0);
    sw_run(t, 20);
    assert_int_equal(sw_count(t, SIM_MSG_ACCEPT, before), 1);
    struct scn_proc m = {SCN_PROC_NODE, 0};
    struct scn_set a = {1, &m}, rest = {0, NULL};
    sim__net_partition(&t->w, &a, &rest, false);
    uint32_t c = sw_connect(t, 0);
    sw_send(t, before, "PING");
    sw_run(t, 60000);
    assert_int_equal(sw_count(t, SIM_MSG_ACCEPT, c), 0);
    assert_int_equal(sw_count(t, SIM_MSG_REFUSE, c), 0);
    assert_int_equal(sw_count(t, SIM_MSG_REPLY, before), 0);
    sim__net_heal(&t->w);
    uint32_t again = sw_connect(t, 0);
    sw_run(t, 60100);
    assert_int_equal(sw_count(t, SIM_MSG_ACCEPT, again), 1);
    sw_run(t, 200000);
    assert_int_equal(sw_count(t, SIM_MSG_ACCEPT, c), 1);
    assert_int_equal(sw_count(t, SIM_MSG_REPLY, before), 1);
    assert_true(sw_first(t, SIM_MSG_ACCEPT, c)->t_ms > 60000);
    sw_free(t);
}

static void test_sim_net_one_way_partition_drops_one_direction(void **state) {
    /* Goal: a one-way cut stops only side a's packets towards side b.
     * Method: cut m -> probe only; the probe's SET reaches m (its offset
     * moves) but no reply comes back while the cut lasts. */
    (void)state;
    struct sw *t = sw_new(world_yaml, 1);
    uint32_t c = sw_connect(t, 0);
    sw_run(t, 20);
    struct scn_proc m = {SCN_PROC_NODE, 0};
    struct scn_set a = {1, &m}, rest = {0, NULL};
    sim__net_partition(&t->w, &a, &rest, true);
    uint64_t before = t->w.nodes[0].offset;
    sw_send(t, c, "SET key:0 0");
    sw_run(t, 10000);
    assert_int_equal(sw_count(t, SIM_MSG_REPLY, c), 0);
    assert_true(t->w.nodes[0].offset > before);
    sw_free(t);
}

static void test_sim_net_kill_resets_established(void **state) {
    /* Goal: killing a process resets its established connections: the peer
     * gets a CLOSE one latency later, and nothing after it. Method: connect,
     * kill m at t=100, expect CLOSE at t=105. */
    (void)state;
    struct sw *t = sw_new(world_yaml, 1);
    uint32_t c = sw_connect(t, 0);
    sw_run(t, 100);
    sim__node_stop(&t->w, 0);
    sw_run(t, 5000);
    const struct sw_seen *r = sw_first(t, SIM_MSG_CLOSE, c);
    assert_non_null(r);
    assert_int_equal(r->t_ms, 105);
    assert_int_equal(sw_count(t, SIM_MSG_CLOSE, ANY), 1);
    sw_free(t);
}

static void test_sim_net_pause_holds_then_answers_in_order(void **state) {
    /* Goal: a paused process's kernel still completes connects (listen
     * backlog), but the process answers nothing until resumed, then
     * processes everything queued, in order. Method: pause m, connect and
     * send three PINGs, run 30 s (only the ACCEPT), resume: three replies in
     * command order. */
    (void)state;
    struct sw *t = sw_new(world_yaml, 1);
    sw_run(t, 10);
    t->w.procs[0].paused = true;
    uint32_t c = sw_connect(t, 0);
    uint64_t ids[3];
    for (int k = 0; k < 3; k++) {
        ids[k] = sw_send(t, c, "PING");
    }
    sw_run(t, 30000);
    assert_int_equal(sw_count(t, SIM_MSG_ACCEPT, c), 1);
    assert_int_equal(sw_count(t, SIM_MSG_REPLY, c), 0);
    t->w.procs[0].paused = false;
    sim__net_resume(&t->w, 0);
    sw_run(t, 30100);
    assert_int_equal(sw_count(t, SIM_MSG_REPLY, c), 3);
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->seen_len; i++) {
        if (t->seen[i].kind != SIM_MSG_REPLY) { continue; }
        assert_int_equal(t->seen[i].cmd, ids[k]);
        assert_true(t->seen[i].t_ms >= 30000);
        k++;
    }
    sw_free(t);
}

static void test_sim_net_fifo_under_random_latency(void **state) {
    /* Goal: per-connection FIFO order survives a wide random latency range.
     * Method: latency 1..50 ms; send 200 PINGs one ms apart; replies must
     * come back in exactly the order sent, on every one of 5 seeds. */
    (void)state;
    static const char *const yaml = "name: fifo\n"
                                    "defaults: {quorum: 1}\n"
                                    "masters:\n"
                                    "  mymaster: {master: m}\n"
                                    "sentinels: 1\n"
                                    "network: {latency: 1ms..50ms}\n";
    for (uint64_t seed = 1; seed <= 5; seed++) {
        struct sw *t = sw_new(yaml, seed);
        uint32_t c = sw_connect(t, 0);
        for (uint64_t ms = 0; ms < 200; ms++) {
            sw_run(t, ms);
            sw_send(t, c, "PING");
        }
        sw_run(t, 2000);
        assert_int_equal(sw_count(t, SIM_MSG_REPLY, c), 200);
        uint64_t expect = 1;
        for (uint32_t i = 0; i < t->seen_len; i++) {
            if (t->seen[i].kind == SIM_MSG_REPLY) { assert_int_equal(t->seen[i].cmd, expect++); }
        }
        sw_free(t);
    }
}

static void test_sim_net_loss_delays_in_order(void **state) {
    /* Goal: loss behaves like TCP: a lost segment is retransmitted after a
     * doubling RTO, so everything arrives, in order, some of it late; at
     * 1/1 nothing ever gets through. Method: loss 1/10 on the probe's links,
     * 50 PINGs; then loss 1/1 and a connect. */
    (void)state;
    struct sw *t = sw_new(world_yaml, 1);
    uint32_t client = t->w.client.proc;
    t->w.procs[client].loss = (struct scn_ratio){1, 10};
    uint32_t c = sw_connect(t, 0);
    for (int k = 0; k < 50; k++) {
        sw_send(t, c, "PING");
    }
    sw_run(t, 100000);
    assert_int_equal(sw_count(t, SIM_MSG_REPLY, c), 50);
    uint64_t expect = 1, late = 0;
    for (uint32_t i = 0; i < t->seen_len; i++) {
        if (t->seen[i].kind != SIM_MSG_REPLY) { continue; }
        assert_int_equal(t->seen[i].cmd, expect++);
        late += t->seen[i].t_ms > 100; /* no loss: all answered by 15 ms */
    }
    assert_true(late > 0);
    t->w.procs[client].loss = (struct scn_ratio){1, 1};
    uint32_t lost = sw_connect(t, 0);
    sw_run(t, 10000000);
    assert_int_equal(sw_count(t, SIM_MSG_ACCEPT, lost), 0);
    sw_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_net_connect_live_accepted_after_round_trip),
        cmocka_unit_test(test_sim_net_connect_dead_refused_after_one_latency),
        cmocka_unit_test(test_sim_net_partition_hangs_until_heal),
        cmocka_unit_test(test_sim_net_one_way_partition_drops_one_direction),
        cmocka_unit_test(test_sim_net_kill_resets_established),
        cmocka_unit_test(test_sim_net_pause_holds_then_answers_in_order),
        cmocka_unit_test(test_sim_net_fifo_under_random_latency),
        cmocka_unit_test(test_sim_net_loss_delays_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
