/* test_real_sentinel_mixed.c: one `sentsim sentinel` and two real
 * redis-sentinel 7.0.15 processes (then three of ours) watching one master
 * with two replicas, through repeated master kills.
 *
 * Method: the strictest check of our core on a real network is to make it
 * take part in real elections: kill the master, wait until all three
 * sentinels agree on a new master that really is one, restart the old
 * master (the sentinels turn it into a replica), wait for the cluster to
 * settle and for the failover retry spacing to pass, and repeat. Each round
 * the leader is read from the logs (the sentinel that logged
 * +promoted-slave), and whether the real sentinels took the new
 * configuration from ours (+config-update-from sentinel <our id>) or ours
 * from them. A second test runs three of our sentinels alone the same way.
 * RSH_ROUNDS overrides the number of kills (default 10; half of it for the
 * all-ours cluster).
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
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/real_sentinel_harness.h"

#define NODES      3
#define SENTINELS  3
#define DOWN_MS    1500
#define TIMEOUT_MS 6000

static struct rsh_proc nodes[NODES];
static struct rsh_proc sents[SENTINELS];
static bool is_ours[SENTINELS];
static char ids[SENTINELS][41];

static int setup(void **state) {
    (void)state;
    rsh_setup();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    rsh_teardown();
    return 0;
}

/* The master port sentinel i reports, or 0. */
static uint16_t master_of(int i) {
    redisReply *r = rsh_cmd(sents[i].port, "SENTINEL GET-MASTER-ADDR-BY-NAME mymaster");
    uint16_t port = 0;
    if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
        port = (uint16_t)atoi(r->element[1]->str);
    }
    if (r != NULL) { freeReplyObject(r); }
    return port;
}

static int node_at(uint16_t port) {
    for (int i = 0; i < NODES; i++) {
        if (nodes[i].port == port) { return i; }
    }
    return -1;
}

/* The "role:" of a data node's INFO replication, or "" if unreachable. */
static void node_role(int n, char *out, size_t len, int *connected_slaves) {
    out[0] = '\0';
    *connected_slaves = -1;
    redisReply *r = rsh_cmd(nodes[n].port, "INFO replication");
    if (r != NULL && r->type == REDIS_REPLY_STRING) {
        const char *p = strstr(r->str, "role:");
        if (p != NULL) { sscanf(p, "role:%15s", out); }
        p = strstr(r->str, "connected_slaves:");
        if (p != NULL) { sscanf(p, "connected_slaves:%d", connected_slaves); }
        (void)len;
    }
    if (r != NULL) { freeReplyObject(r); }
}

/* All sentinels report the same master, other than `old`, and it is one. */
static bool agreed_new_master(void *arg) {
    uint16_t old = *(uint16_t *)arg;
    uint16_t m = master_of(0);
    if (m == 0 || m == old) { return false; }
    for (int i = 1; i < SENTINELS; i++) {
        if (master_of(i) != m) { return false; }
    }
    int n = node_at(m);
    if (n < 0) { return false; }
    char role[16];
    int slaves;
    node_role(n, role, sizeof(role), &slaves);
    return strcmp(role, "master") == 0;
}

/* A field of SENTINEL MASTER mymaster on every sentinel equals want. */
static bool all_fields(const char *field, const char *want) {
    for (int i = 0; i < SENTINELS; i++) {
        char *v = rsh_master_field(sents[i].port, "mymaster", field);
        bool ok = v != NULL && strcmp(v, want) == 0;
        free(v);
        if (!ok) { return false; }
    }
    return true;
}

/* Steady state: one master with two replicas linked up, every sentinel
 * sees both replicas (none down) and both other sentinels. */
static bool settled(void *arg) {
    (void)arg;
    uint16_t m = master_of(0);
    int n = node_at(m);
    if (n < 0) { return false; }
    char role[16];
    int slaves;
    node_role(n, role, sizeof(role), &slaves);
    if (strcmp(role, "master") != 0 || slaves != 2) { return false; }
    if (!all_fields("num-slaves", "2") || !all_fields("num-other-sentinels", "2") ||
        !all_fields("flags", "master")) {
        return false;
    }
    for (int i = 0; i < SENTINELS; i++) {
        if (master_of(i) != m) { return false; }
        redisReply *r = rsh_cmd(sents[i].port, "SENTINEL REPLICAS mymaster");
        bool ok = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2;
        for (size_t k = 0; ok && k < r->elements; k++) {
            const redisReply *map = r->element[k];
            for (size_t f = 0; f + 1 < map->elements; f += 2) {
                if (strcmp(map->element[f]->str, "flags") == 0 &&
                    strcmp(map->element[f + 1]->str, "slave") != 0) {
                    ok = false;
                }
            }
        }
        if (r != NULL) { freeReplyObject(r); }
        if (!ok) { return false; }
    }
    return true;
}

/* Starts the data nodes and SENTINELS sentinels, the first `ours` of them
 * ours, with the short timers and `extra` config lines, and learns every
 * sentinel's id. */
static void start_cluster(int ours, const char *extra) {
    rsh_redis(&nodes[0], "node0", 0);
    assert_true(rsh_wait_up(nodes[0].port, 5000));
    for (int i = 1; i < NODES; i++) {
        char name[16];
        snprintf(name, sizeof(name), "node%d", i);
        rsh_redis(&nodes[i], name, nodes[0].port);
        assert_true(rsh_wait_up(nodes[i].port, 5000));
    }
    char body[512];
    snprintf(body, sizeof(body),
             "sentinel monitor mymaster 127.0.0.1 %u 2\n"
             "sentinel down-after-milliseconds mymaster %d\n"
             "sentinel failover-timeout mymaster %d\n%s",
             (unsigned)nodes[0].port, DOWN_MS, TIMEOUT_MS, extra);
    for (int i = 0; i < SENTINELS; i++) {
        char name[16];
        is_ours[i] = i < ours;
        snprintf(name, sizeof(name), is_ours[i] ? "ours%d" : "redis%d", i);
        rsh_sentinel(&sents[i], name, is_ours[i], body);
    }
    for (int i = 0; i < SENTINELS; i++) {
        assert_true(rsh_wait_up(sents[i].port, 5000));
        redisReply *r =
            rsh_cmd(sents[i].port, "SENTINEL DEBUG info-period 1000 publish-period 1000 "
                                   "ask-period 500");
        assert_non_null(r);
        assert_int_equal(r->type, REDIS_REPLY_STATUS);
        freeReplyObject(r);
        r = rsh_cmd(sents[i].port, "SENTINEL MYID");
        assert_non_null(r);
        assert_int_equal(r->len, 40);
        memcpy(ids[i], r->str, 41);
        freeReplyObject(r);
    }
}

static int count_in(int s, const char *needle) {
    return rsh_count(sents[s].log, needle);
}

/* What a series of kills showed. */
struct tally {
    int agreed;
    int led[SENTINELS];     /* failovers led (+promoted-slave) */
    int elected[SENTINELS]; /* +elected-leader lines */
    int real_followed_ours; /* a real sentinel adopted a config from one of ours */
    int ours_followed_real; /* one of ours adopted a config from a real one */
    int ours_followed_ours;
};

/* Counts, per sentinel, "+config-update-from sentinel <id of s>" lines. */
static void updates_from(int leader, int *out) {
    char needle[192];
    snprintf(needle, sizeof(needle), "+config-update-from sentinel %s", ids[leader]);
    for (int i = 0; i < SENTINELS; i++) {
        out[i] = count_in(i, needle);
    }
}

/* One kill: returns the leader index (-1 if none seen). */
static int one_round(int round, struct tally *t) {
    int promoted0[SENTINELS], elected0[SENTINELS], upd0[SENTINELS][SENTINELS];
    for (int i = 0; i < SENTINELS; i++) {
        promoted0[i] = count_in(i, "+promoted-slave");
        elected0[i] = count_in(i, "+elected-leader");
        updates_from(i, upd0[i]);
    }
    uint16_t old = master_of(0);
    int victim = node_at(old);
    assert_true(victim >= 0);
    uint64_t t0 = rsh_now_ms();
    rsh_kill(&nodes[victim]);
    bool agreed = rsh_wait(agreed_new_master, &old, 60000);
    uint64_t took = rsh_now_ms() - t0;
    int leader = -1;
    for (int i = 0; i < SENTINELS; i++) {
        t->elected[i] += count_in(i, "+elected-leader") - elected0[i];
        if (count_in(i, "+promoted-slave") > promoted0[i]) { leader = i; }
    }
    if (leader >= 0) {
        t->led[leader]++;
        int upd[SENTINELS];
        updates_from(leader, upd);
        for (int i = 0; i < SENTINELS; i++) {
            if (i == leader || upd[i] <= upd0[leader][i]) { continue; }
            if (is_ours[leader] && !is_ours[i]) { t->real_followed_ours++; }
            if (!is_ours[leader] && is_ours[i]) { t->ours_followed_real++; }
            if (is_ours[leader] && is_ours[i]) { t->ours_followed_ours++; }
        }
    }
    printf("round %d: killed node%d, %s after %llu ms, leader %s\n", round + 1, victim,
           agreed ? "agreed" : "NO AGREEMENT", (unsigned long long)took,
           leader < 0        ? "?"
           : is_ours[leader] ? "ours"
                             : "redis-sentinel");
    fflush(stdout);
    assert_true(agreed);
    t->agreed++;
    rsh_restart(&nodes[victim], false, false);
    assert_true(rsh_wait(settled, NULL, 60000));
    /* A sentinel that led or voted waits 2 x failover-timeout before it
     * may start another failover of the same master. */
    uint64_t since = rsh_now_ms() - t0;
    if (since < 2 * TIMEOUT_MS + 1000) {
        usleep((useconds_t)(2 * TIMEOUT_MS + 1000 - since) * 1000);
    }
    return leader;
}

static int rounds_from_env(int dflt) {
    const char *v = getenv("RSH_ROUNDS");
    return v != NULL && atoi(v) > 0 ? atoi(v) : dflt;
}

/* Goal: in a mixed cluster our sentinel takes part in real elections: every
 * kill of the master ends with all three sentinels agreeing on a promoted
 * replica; when ours leads, the real sentinels adopt its configuration
 * (+config-update-from sentinel <our id>), and ours follows theirs.
 * Method: see the file comment; counts are printed for the report. */
static void test_sentinel_mixed_repeated_failovers(void **state) {
    (void)state;
    int rounds = rounds_from_env(10);
    start_cluster(1, "");
    assert_true(rsh_wait(settled, NULL, 60000));
    struct tally t = {0};
    for (int round = 0; round < rounds; round++) {
        (void)one_round(round, &t);
    }
    printf("mixed cluster: %d/%d failovers agreed; led by ours %d, by redis-sentinel %d+%d; "
           "+elected-leader logged: ours %d, redis %d+%d; real sentinels logged "
           "+config-update-from ours %d times; ours followed theirs %d times\n",
           t.agreed, rounds, t.led[0], t.led[1], t.led[2], t.elected[0], t.elected[1], t.elected[2],
           t.real_followed_ours, t.ours_followed_real);
    assert_int_equal(t.agreed, rounds);
    if (t.led[0] > 0) { assert_true(t.real_followed_ours > 0); }
    if (t.led[1] + t.led[2] > 0) { assert_true(t.ours_followed_real > 0); }
}

/* Goal: three of our sentinels alone fail over a real master repeatedly,
 * each round agreeing, and the followers adopt the leader's configuration.
 * Method: as above with every sentinel ours (half the rounds). */
static void test_sentinel_mixed_all_ours(void **state) {
    (void)state;
    int rounds = (rounds_from_env(10) + 1) / 2;
    start_cluster(SENTINELS, "");
    assert_true(rsh_wait(settled, NULL, 60000));
    struct tally t = {0};
    for (int round = 0; round < rounds; round++) {
        assert_true(one_round(round, &t) >= 0);
    }
    printf("all-ours cluster: %d/%d failovers agreed; led %d/%d/%d; followers adopted the "
           "leader's config %d times\n",
           t.agreed, rounds, t.led[0], t.led[1], t.led[2], t.ours_followed_ours);
    assert_int_equal(t.agreed, rounds);
    assert_true(t.ours_followed_ours >= rounds);
}

/* True when every sentinel sees both others and none of them down. */
static bool sentinels_healthy(void *arg) {
    (void)arg;
    for (int i = 0; i < SENTINELS; i++) {
        redisReply *r = rsh_cmd(sents[i].port, "SENTINEL SENTINELS mymaster");
        bool ok = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == SENTINELS - 1;
        for (size_t k = 0; ok && k < r->elements; k++) {
            const redisReply *map = r->element[k];
            for (size_t f = 0; f + 1 < map->elements; f += 2) {
                if (strcmp(map->element[f]->str, "flags") == 0 &&
                    strcmp(map->element[f + 1]->str, "sentinel") != 0) {
                    ok = false;
                }
            }
        }
        if (r != NULL) { freeReplyObject(r); }
        if (!ok) { return false; }
    }
    return true;
}

/* Goal: with `requirepass` on every sentinel, the real sentinels and ours
 * authenticate to each other (Sentinel falls back to its own requirepass
 * towards other sentinels, spec 4.2), see each other up, and fail over
 * together. Method: the mixed cluster with a shared password, 2 kills. */
static void test_sentinel_mixed_with_requirepass(void **state) {
    (void)state;
    rsh_set_auth("s3cret");
    start_cluster(1, "requirepass s3cret\n");
    assert_true(rsh_wait(settled, NULL, 60000));
    assert_true(rsh_wait(sentinels_healthy, NULL, 10000));
    struct tally t = {0};
    for (int round = 0; round < 2; round++) {
        (void)one_round(round, &t);
    }
    assert_int_equal(t.agreed, 2);
    assert_true(sentinels_healthy(NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sentinel_mixed_repeated_failovers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_mixed_all_ours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_mixed_with_requirepass, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
