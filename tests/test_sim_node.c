/* test_sim_node.c: the simulated redis-server: INFO, roles, resyncs, commands.
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

static const char *const yaml = "name: node\n"
                                "defaults: {quorum: 2}\n"
                                "masters:\n"
                                "  mymaster: {master: m, replicas: [r1, r2]}\n"
                                "sentinels: 1\n"
                                "network: {latency: 1ms}\n"
                                "workload: {writes-per-sec: 10}\n";

/* Position of "field:" at a line start in INFO text, or -1. */
static long field_at(const char *info, const char *field) {
    char key[64];
    snprintf(key, sizeof(key), "\n%s:", field);
    const char *p = strstr(info, key);
    return p == NULL ? -1 : (long)(p - info);
}

static void assert_order(const char *info, const char *const *fields, size_t n) {
    long last = -1;
    for (size_t i = 0; i < n; i++) {
        long at = field_at(info, fields[i]);
        if (at <= last) { fail_msg("INFO field %s missing or out of order", fields[i]); }
        last = at;
    }
}

static bool log_has(const struct sw *t, const char *proc, const char *text) {
    for (size_t i = 0; i < t->run.log.len; i++) {
        const struct rep_event *ev = &t->run.log.events[i];
        if (strcmp(ev->proc, proc) == 0 && strstr(ev->text, text) != NULL) { return true; }
    }
    return false;
}

static void test_sim_node_info_replica_fields_in_redis_order(void **state) {
    /* Goal: a replica's INFO has the fields Sentinel reads in real Redis 7.0
     * order, -1 link-down time before its first sync and none once up.
     * Method: read r1's INFO at t=0 (never synced) and after the sync. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    char info[4096];
    snprintf(info, sizeof(info), "%s", sw_node(t, 1, "INFO"));
    assert_non_null(strstr(info, "\nmaster_link_status:down\r\n"));
    assert_non_null(strstr(info, "\nmaster_link_down_since_seconds:-1\r\n"));
    sw_run(t, 1000);
    snprintf(info, sizeof(info), "%s", sw_node(t, 1, "INFO"));
    static const char *const order[] = {"run_id",
                                        "tcp_port",
                                        "role",
                                        "master_host",
                                        "master_port",
                                        "master_link_status",
                                        "master_last_io_seconds_ago",
                                        "master_sync_in_progress",
                                        "slave_read_repl_offset",
                                        "slave_repl_offset",
                                        "slave_priority",
                                        "slave_read_only",
                                        "replica_announced",
                                        "connected_slaves",
                                        "master_failover_state",
                                        "master_replid",
                                        "master_replid2",
                                        "master_repl_offset",
                                        "second_repl_offset"};
    assert_order(info, order, sizeof(order) / sizeof(order[0]));
    assert_non_null(strstr(info, "\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:6379\r\n"
                                 "master_link_status:up\r\n"));
    assert_int_equal(field_at(info, "master_link_down_since_seconds"), -1);
    assert_int_equal(strncmp(info, "$# Server\r\n", 11), 0);
    snprintf(info, sizeof(info), "%s", sw_node(t, 0, "INFO replication"));
    assert_non_null(strstr(info, "\nconnected_slaves:2\r\n"
                                 "slave0:ip=127.0.0.1,port=6380,state=online,offset="));
    assert_non_null(strstr(info, "slave1:ip=127.0.0.1,port=6381,state=online"));
    sw_free(t);
}

static void test_sim_node_run_id_new_at_every_start(void **state) {
    /* Goal: run_id changes at every process start (Sentinel's +reboot).
     * Method: compare m's run_id before and after a stop/start. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    char before[64];
    snprintf(before, sizeof(before), "%s", t->w.nodes[0].run_id);
    sim__node_stop(&t->w, 0);
    sw_run(t, 10);
    sim__node_start(&t->w, 0);
    assert_string_not_equal(before, t->w.nodes[0].run_id);
    assert_int_equal(strlen(t->w.nodes[0].run_id), 40);
    sw_free(t);
}

static void test_sim_node_slaveof_no_one_and_back(void **state) {
    /* Goal: SLAVEOF NO ONE makes a replica a master at once and detaches it;
     * SLAVEOF to the current master answers "Already connected". Method:
     * commands on r1 with INFO checks on r1 and m. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    sw_run(t, 1000);
    assert_string_equal(sw_node(t, 2, "SLAVEOF 127.0.0.1 6379"),
                        "+OK Already connected to specified master");
    assert_string_equal(sw_node(t, 1, "SLAVEOF NO ONE"), "+OK");
    assert_non_null(strstr(sw_node(t, 1, "INFO replication"), "\nrole:master\r\n"));
    assert_non_null(strstr(sw_node(t, 0, "INFO replication"), "\nconnected_slaves:1\r\n"));
    assert_string_equal(sw_node(t, 1, "REPLICAOF 127.0.0.1 6379"), "+OK");
    const char *info = sw_node(t, 1, "INFO replication");
    assert_non_null(strstr(info, "\nrole:slave\r\n"));
    assert_non_null(strstr(info, "\nmaster_link_down_since_seconds:-1\r\n"));
    sw_run(t, 2000);
    assert_non_null(strstr(sw_node(t, 1, "INFO replication"), "\nmaster_link_status:up\r\n"));
    sw_free(t);
}

static void test_sim_node_partial_vs_full_resync(void **state) {
    /* Goal: a former master that took no writes after the promotion resyncs
     * partially; one with diverged writes does a full sync and loses them.
     * Method: promote r1; case 1 demote m at once (partial); case 2 write on
     * m first (full, the key is gone). */
    (void)state;
    for (int diverge = 0; diverge < 2; diverge++) {
        struct sw *t = sw_new(yaml, 1);
        sw_run(t, 1000);
        assert_string_equal(sw_node(t, 1, "SLAVEOF NO ONE"), "+OK");
        if (diverge) { assert_string_equal(sw_node(t, 0, "SET key:0 0"), "+OK"); }
        assert_string_equal(sw_node(t, 0, "GET key:0"), diverge ? "$0" : "$-1");
        assert_string_equal(sw_node(t, 0, "SLAVEOF 127.0.0.1 6380"), "+OK");
        sw_run(t, 2000);
        assert_non_null(strstr(sw_node(t, 0, "INFO replication"), "master_link_status:up"));
        bool partial = log_has(t, "m", "Master accepted a Partial Resynchronization");
        bool full = log_has(t, "m", "Full resync from master");
        assert_true(diverge ? full && !partial : partial && !full);
        assert_string_equal(sw_node(t, 0, "GET key:0"), "$-1");
        sw_free(t);
    }
}

static void test_sim_node_config_rewrite_survives_restart(void **state) {
    /* Goal: CONFIG REWRITE persists the role Sentinel gave a node, so a
     * restart brings it back with it; without the rewrite a restart returns
     * to the original config. Method: promote r1 with a rewrite and r2
     * without, restart both, read their roles. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    sw_run(t, 1000);
    sw_node(t, 1, "SLAVEOF NO ONE");
    assert_string_equal(sw_node(t, 1, "CONFIG REWRITE"), "+OK");
    sw_node(t, 2, "SLAVEOF NO ONE");
    for (uint32_t n = 1; n <= 2; n++) {
        sim__node_stop(&t->w, n);
    }
    sw_run(t, 1500);
    for (uint32_t n = 1; n <= 2; n++) {
        sim__node_start(&t->w, n);
    }
    assert_non_null(strstr(sw_node(t, 1, "INFO replication"), "\nrole:master\r\n"));
    assert_non_null(strstr(sw_node(t, 2, "INFO replication"),
                           "\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:6379\r\n"));
    sw_free(t);
}

static void test_sim_node_transaction_kills_other_clients(void **state) {
    /* Goal: Sentinel's reconfiguration transaction applies SLAVEOF and CLIENT
     * KILL TYPE normal|pubsub drops every other client of those types but
     * not the caller (spec §9.9, §17.6). Method: a normal and a subscribed
     * probe connection, then the transaction on a third. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    uint32_t normal = sw_connect(t, 1), sub = sw_connect(t, 1), tx = sw_connect(t, 1);
    sw_send(t, sub, "SUBSCRIBE __sentinel__:hello");
    sw_run(t, 100);
    static const char *const cmds[] = {"MULTI",
                                       "SLAVEOF NO ONE",
                                       "CONFIG REWRITE",
                                       "CLIENT KILL TYPE normal",
                                       "CLIENT KILL TYPE pubsub",
                                       "EXEC"};
    for (size_t k = 0; k < 6; k++) {
        sw_send(t, tx, cmds[k]);
    }
    sw_run(t, 200);
    assert_int_equal(sw_count(t, SIM_MSG_CLOSE, normal), 1);
    assert_int_equal(sw_count(t, SIM_MSG_CLOSE, sub), 1);
    assert_int_equal(sw_count(t, SIM_MSG_CLOSE, tx), 0);
    assert_int_equal(sw_count(t, SIM_MSG_REPLY, tx), 6);
    static const char *const want[] = {"+OK", "+QUEUED", "+QUEUED", "+QUEUED", "+QUEUED", "*4"};
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->seen_len; i++) {
        if (t->seen[i].conn == tx && t->seen[i].kind == SIM_MSG_REPLY) {
            assert_string_equal(t->seen[i].text, want[k++]);
        }
    }
    assert_true(sim__node_is_master(&t->w, 1));
    sim__node_stop(&t->w, 1);
    sim__node_start(&t->w, 1);
    assert_true(sim__node_is_master(&t->w, 1));
    sw_free(t);
}

static void test_sim_node_publish_reaches_replica_subscribers(void **state) {
    /* Goal: a PUBLISH on a master reaches subscribers of its synced replicas
     * through the replication stream, and grows the offsets. Method: subscribe
     * on r1, publish on m. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    uint32_t sub = sw_connect(t, 1), pub = sw_connect(t, 0);
    sw_send(t, sub, "SUBSCRIBE __sentinel__:hello");
    sw_run(t, 1000);
    uint64_t off = t->w.nodes[1].offset;
    sw_send(t, pub, "PUBLISH __sentinel__:hello hi");
    sw_run(t, 1100);
    const struct sw_seen *msg = sw_first(t, SIM_MSG_PUSH, sub);
    assert_non_null(msg);
    assert_string_equal(msg->text, "__sentinel__:hello hi");
    const struct sw_seen *r = sw_first(t, SIM_MSG_REPLY, pub);
    assert_non_null(r);
    assert_string_equal(r->text, ":0");
    assert_true(t->w.nodes[1].offset > off);
    assert_int_equal(t->w.nodes[1].offset, t->w.nodes[0].offset);
    sw_free(t);
}

static void test_sim_node_publish_fan_out_small_and_large(void **state) {
    /* Goal: every subscriber of every replica gets its own intact copy of a
     * PUBLISH whatever its size: a tiny one (held inside each message), one
     * of one chunk and one of several chunks (one stored copy shared by the
     * whole fan-out). Method: two subscribers on r1 and one on m; three
     * PUBLISHes on m; each subscriber's pushes are compared in order. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    uint32_t subs[3] = {sw_connect(t, 1), sw_connect(t, 1), sw_connect(t, 0)};
    uint32_t pub = sw_connect(t, 0);
    for (int i = 0; i < 3; i++) {
        sw_send(t, subs[i], "SUBSCRIBE c");
    }
    sw_run(t, 1000);
    static char big[241], mid[120]; /* big: its push message needs two chunks */
    memset(big, 'b', sizeof(big) - 1);
    memset(mid, 'm', sizeof(mid) - 1);
    const char *payloads[3] = {"x", mid, big};
    char line[512];
    for (int k = 0; k < 3; k++) {
        snprintf(line, sizeof(line), "PUBLISH c %s", payloads[k]);
        sw_send(t, pub, line);
    }
    sw_run(t, 1200);
    for (int i = 0; i < 3; i++) {
        int k = 0;
        for (uint32_t j = 0; j < t->seen_len; j++) {
            if (t->seen[j].kind != SIM_MSG_PUSH || t->seen[j].conn != subs[i]) { continue; }
            assert_true(k < 3);
            snprintf(line, sizeof(t->seen[j].text), "c %s", payloads[k]); /* as recorded */
            assert_string_equal(t->seen[j].text, line);
            k++;
        }
        assert_int_equal(k, 3);
    }
    sw_free(t);
}

static void test_sim_node_error_replies(void **state) {
    /* Goal: the abnormal replies Sentinel depends on: -LOADING after a
     * restart, -NOAUTH/-WRONGPASS with requirepass, -READONLY on a replica,
     * -NOREPLICAS below min-replicas-to-write, -MASTERDOWN for a stale
     * replica with replica-serve-stale-data no. Method: harness commands. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    sw_run(t, 1000);
    assert_string_equal(sw_node(t, 1, "SET key:1 1"),
                        "-READONLY You can't write against a read only replica.");
    sw_node(t, 0, "CONFIG SET min-replicas-to-write 3");
    assert_string_equal(sw_node(t, 0, "SET key:1 1"),
                        "-NOREPLICAS Not enough good replicas to write.");
    sw_node(t, 0, "CONFIG SET min-replicas-to-write 2");
    assert_string_equal(sw_node(t, 0, "SET key:1 1"), "+OK");
    sw_node(t, 2, "CONFIG SET replica-serve-stale-data no");
    sim__node_stop(&t->w, 0);
    assert_string_equal(sw_node(t, 2, "PING"), "-MASTERDOWN Link with MASTER is down and "
                                               "replica-serve-stale-data is set to 'no'.");
    assert_string_equal(sw_node(t, 1, "PING"), "+PONG");
    t->w.opt.node_load_ms = 500;
    sw_run(t, 1100);
    sim__node_start(&t->w, 0);
    assert_string_equal(sw_node(t, 0, "PING"), "-LOADING Redis is loading the dataset in memory");
    assert_non_null(strstr(sw_node(t, 0, "INFO"), "run_id:"));
    sw_run(t, 1700);
    assert_string_equal(sw_node(t, 0, "PING"), "+PONG");
    sw_node(t, 0, "CONFIG SET requirepass secret");
    uint32_t c = sw_connect(t, 0);
    sw_send(t, c, "PING");
    sw_send(t, c, "AUTH wrong");
    sw_send(t, c, "AUTH secret");
    sw_send(t, c, "PING");
    sw_run(t, 2000);
    static const char *const want[] = {
        "-NOAUTH Authentication required.",
        "-WRONGPASS invalid username-password pair or user is disabled.", "+OK", "+PONG"};
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->seen_len; i++) {
        if (t->seen[i].conn == c && t->seen[i].kind == SIM_MSG_REPLY) {
            assert_string_equal(t->seen[i].text, want[k++]);
        }
    }
    assert_int_equal(k, 4);
    sw_free(t);
}

static void test_sim_node_master_death_behind_partition(void **state) {
    /* Goal: a replica sees its master's death at once when the reset reaches
     * it, but behind a partition keeps its link up until the path is back
     * (or repl-timeout). Method: cut m from r1 only, kill m: r2's link goes
     * down at once, r1's stays up; heal: r1's link goes down. */
    (void)state;
    struct sw *t = sw_new(yaml, 1);
    sw_run(t, 1000);
    struct scn_proc m = {SCN_PROC_NODE, 0}, r1 = {SCN_PROC_NODE, 1};
    struct scn_set a = {1, &m}, b = {1, &r1};
    sim__net_partition(&t->w, &a, &b, false);
    sim__node_topology_changed(&t->w);
    sw_run(t, 2000);
    sim__node_stop(&t->w, 0);
    sw_run(t, 3000);
    assert_non_null(strstr(sw_node(t, 2, "INFO replication"), "master_link_status:down"));
    assert_non_null(strstr(sw_node(t, 1, "INFO replication"), "master_link_status:up"));
    sim__net_heal(&t->w);
    sim__node_topology_changed(&t->w);
    sw_run(t, 3100);
    const char *info = sw_node(t, 1, "INFO replication");
    assert_non_null(strstr(info, "master_link_status:down"));
    assert_non_null(strstr(info, "master_link_down_since_seconds:0"));
    sw_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_node_info_replica_fields_in_redis_order),
        cmocka_unit_test(test_sim_node_run_id_new_at_every_start),
        cmocka_unit_test(test_sim_node_slaveof_no_one_and_back),
        cmocka_unit_test(test_sim_node_partial_vs_full_resync),
        cmocka_unit_test(test_sim_node_config_rewrite_survives_restart),
        cmocka_unit_test(test_sim_node_transaction_kills_other_clients),
        cmocka_unit_test(test_sim_node_publish_reaches_replica_subscribers),
        cmocka_unit_test(test_sim_node_publish_fan_out_small_and_large),
        cmocka_unit_test(test_sim_node_error_replies),
        cmocka_unit_test(test_sim_node_master_death_behind_partition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
