/* test_core_confgen.c: the cache of generated config lines (core/confgen.c).
 *
 * Method: the sentinels of a small world check every generation against
 * one that prints every master's block (s->conf_gen_verify, a CORE_ASSERT
 * that fails the test), while a seeded script drives them through what
 * changes the lines: discoveries, failovers, SENTINEL SET of every master
 * parameter, RESET, REMOVE and MONITOR (also of another address), global
 * CONFIG SET, lost links and full files.
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

#include "core/core.h"
#include "core/internal.h"
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define MASTERS   4
#define SENTINELS 3

/* Four masters with two replicas each: nodes 3m (master), 3m+1, 3m+2;
 * nodes 12 to 15 are spares that MONITOR may point at. */
#define CONF_MASTER(n, ip)                                                                         \
    "sentinel monitor " n " " ip " 6379 2\n"                                                       \
    "sentinel down-after-milliseconds " n " 2000\n"                                                \
    "sentinel failover-timeout " n " 20000\n"
#define CONF                                                                                       \
    "sentinel deny-scripts-reconfig no\n" CONF_MASTER("m0", "10.0.1.0")                            \
        CONF_MASTER("m1", "10.0.1.3") CONF_MASTER("m2", "10.0.1.6") CONF_MASTER("m3", "10.0.1.9")

static const char *const names[] = {"m0", "m1", "m2", "m3", "other"};

static uint64_t rng_state;

static uint32_t pick(uint32_t n) {
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(rng_state >> 33) % n;
}

static const char *node_ip(int n, char *buf, size_t cap) {
    snprintf(buf, cap, "10.0.1.%d", n);
    return buf;
}

static struct cw *world(void) {
    struct cw *w = cw_new();
    char ip[32];
    for (int m = 0; m < MASTERS; m++) {
        int at = cw_node(w, node_ip(3 * m, ip, sizeof(ip)), 6379, -1);
        cw_node(w, node_ip(3 * m + 1, ip, sizeof(ip)), 6379, at);
        cw_node(w, node_ip(3 * m + 2, ip, sizeof(ip)), 6379, at);
    }
    for (int n = 3 * MASTERS; n < CW_NODES_MAX; n++) {
        cw_node(w, node_ip(n, ip, sizeof(ip)), 6379, -1);
    }
    for (int k = 0; k < SENTINELS; k++) {
        cw_sentinel(w, CONF, 40 + (uint64_t)k);
        cw_core(w, k)->conf_gen_verify = true;
    }
    return w;
}

/* Runs a command; its reply does not matter (errors are part of the mix). */
static void command(struct cw *w, int k, int argc, const char *const *argv) {
    cw_reply_free(cw_command(w, k, argc, argv));
}

static void sentinel_set(struct cw *w, int k, const char *name) {
    static const char *const opts[][2] = {
        {"down-after-milliseconds", "30000"},
        {"down-after-milliseconds", "1500"},
        {"failover-timeout", "180000"},
        {"failover-timeout", "25000"},
        {"parallel-syncs", "1"},
        {"parallel-syncs", "2"},
        {"quorum", "2"},
        {"quorum", "1"},
        {"master-reboot-down-after-period", "0"},
        {"master-reboot-down-after-period", "5000"},
        {"notification-script", "/bin/notify"},
        {"notification-script", ""},
        {"client-reconfig-script", "/bin/reconfig"},
        {"client-reconfig-script", ""},
        {"auth-pass", "secret"},
        {"auth-pass", ""},
        {"auth-user", "bob"},
        {"auth-user", ""},
    };
    static const char *const cmds[] = {"PING", "INFO", "CONFIG", "SLAVEOF"};
    if (pick(5) == 0) {
        const char *from = cmds[pick(4)];
        const char *to = pick(3) == 0 ? from : (pick(2) ? "XX" : "YY");
        const char *argv[] = {"SENTINEL", "SET", name, "rename-command", from, to};
        command(w, k, 6, argv);
        return;
    }
    uint32_t o = pick(sizeof(opts) / sizeof(opts[0]));
    const char *argv[] = {"SENTINEL", "SET", name, opts[o][0], opts[o][1]};
    command(w, k, 5, argv);
}

/* REMOVE, then MONITOR that name or "other" at a master's or a spare's
 * address: the slot is reused by another name or address. */
static void remonitor(struct cw *w, int k, const char *name) {
    char ip[32];
    const char *rm[] = {"SENTINEL", "REMOVE", name};
    command(w, k, 3, rm);
    int node = pick(2) ? 3 * (int)pick(MASTERS) : 3 * MASTERS + (int)pick(4);
    const char *mon[] = {
        "SENTINEL", "MONITOR", pick(2) ? name : "other", node_ip(node, ip, sizeof(ip)),
        "6379",     "2"};
    command(w, k, 6, mon);
}

static void config_set(struct cw *w, int k) {
    static const char *const opts[][2] = {
        {"announce-ip", "10.9.9.9"}, {"announce-ip", ""},          {"announce-port", "26000"},
        {"announce-port", "0"},      {"resolve-hostnames", "yes"}, {"resolve-hostnames", "no"},
    };
    uint32_t o = pick(sizeof(opts) / sizeof(opts[0]));
    const char *argv[] = {"SENTINEL", "CONFIG", "SET", opts[o][0], opts[o][1]};
    command(w, k, 5, argv);
}

/* Kills a monitored master's node (a failover follows) or revives one. */
static void kill_or_revive(struct cw *w) {
    int n = (int)pick(3 * MASTERS);
    if (cw_node_at(w, n)->alive) {
        if (cw_node_at(w, n)->is_master) { cw_kill_node(w, n); }
    } else {
        cw_revive_node(w, n);
    }
}

static void one_action(struct cw *w) {
    int k = (int)pick(SENTINELS);
    const char *name = names[pick(5)];
    switch (pick(9)) {
    case 0:
    case 1:
        sentinel_set(w, k, name);
        break;
    case 2: {
        const char *argv[] = {"SENTINEL", "FAILOVER", name};
        command(w, k, 3, argv);
        break;
    }
    case 3:
        kill_or_revive(w);
        break;
    case 4: {
        const char *argv[] = {"SENTINEL", "RESET", pick(3) == 0 ? "*" : name};
        command(w, k, 3, argv);
        break;
    }
    case 5:
        remonitor(w, k, name);
        break;
    case 6:
        config_set(w, k);
        break;
    case 7:
        cw_drop_conns_to_sentinel(w, k);
        break;
    default: {
        const char *argv[] = {"SENTINEL", "FLUSHCONFIG"};
        command(w, k, 2, argv);
        break;
    }
    }
}

static void test_confgen_cache_matches_full_generation(void **state) {
    /* Goal: at every flush of every sentinel, through any sequence of what
     * changes the lines, the generation that copies unchanged blocks writes
     * the bytes of one that prints them all. Method: seeded action mix,
     * each followed by a random wait; the cores check themselves. */
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        rng_state = seed;
        struct cw *w = world();
        cw_run(w, cw_now(w) + 10000);
        for (int step = 0; step < 60; step++) {
            one_action(w);
            cw_run(w, cw_now(w) + pick(6000));
        }
        for (int k = 0; k < SENTINELS; k++) {
            assert_non_null(cw_persisted(w, k));
        }
        cw_free(w);
    }
}

/* Runs a command on sentinel 0 that must flush, and checks the line it wrote. */
static void expect_line(struct cw *w, int argc, const char *const *argv, const char *line) {
    struct core_reply *r = cw_command(w, 0, argc, argv);
    assert_int_not_equal(r->type, CORE_REPLY_ERROR);
    cw_reply_free(r);
    if (strstr(cw_persisted(w, 0), line) == NULL) { fail_msg("no line: %s", line); }
}

static void test_confgen_each_input_alone(void **state) {
    /* Goal: a change of any one value a master's block prints, and of
     * nothing else, is written (the random mix rarely changes one alone:
     * a failover moves the epochs with the address). Method: each SET
     * twice with two non-default values, a vote, and a MONITOR of the same
     * name elsewhere; m1..m3 stay the same throughout. */
    (void)state;
    static const char *const sets[][3] = {
        {"down-after-milliseconds", "1500", "2500"},
        {"failover-timeout", "25000", "26000"},
        {"parallel-syncs", "2", "3"},
        {"quorum", "1", "3"},
        {"master-reboot-down-after-period", "5000", "6000"},
        {"notification-script", "/n1", "/n2"},
        {"client-reconfig-script", "/c1", "/c2"},
        {"auth-pass", "p1", "p2"},
        {"auth-user", "u1", "u2"},
    };
    struct cw *w = world();
    cw_run(w, cw_now(w) + 5000);
    char line[128];
    for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
        for (int v = 1; v <= 2; v++) {
            const char *argv[] = {"SENTINEL", "SET", "m0", sets[k][0], sets[k][v]};
            snprintf(line, sizeof(line), "sentinel %s m0 %s\n", sets[k][0], sets[k][v]);
            if (!strcmp(sets[k][0], "quorum")) {
                snprintf(line, sizeof(line), "sentinel monitor m0 10.0.1.0 6379 %s\n", sets[k][v]);
            }
            expect_line(w, 5, argv, line);
        }
    }
    const char *ren1[] = {"SENTINEL", "SET", "m0", "rename-command", "PING", "XX"};
    expect_line(w, 6, ren1, "sentinel rename-command m0 PING XX\n");
    const char *ren2[] = {"SENTINEL", "SET", "m0", "rename-command", "PING", "YY"};
    expect_line(w, 6, ren2, "sentinel rename-command m0 PING YY\n");
    const char *ren3[] = {"SENTINEL",       "SET",  "m0", "rename-command", "PING", "PING",
                          "rename-command", "INFO", "YY"};
    expect_line(w, 9, ren3, "sentinel rename-command m0 INFO YY\n");
    const char *ren4[] = {"SENTINEL", "SET", "m0", "rename-command", "CONFIG", "YY"};
    expect_line(w, 6, ren4, "sentinel rename-command m0 CONFIG YY\n");
    const char *ren5[] = {"SENTINEL", "SET", "m0", "rename-command", "CONFIG", "CONFIG"};
    expect_line(w, 6, ren5, "sentinel rename-command m0 INFO YY\n");
    assert_null(strstr(cw_persisted(w, 0), "CONFIG YY"));
    const char *vote[] = {"SENTINEL", "is-master-down-by-addr",
                          "10.0.1.0", "6379",
                          "7",        "cccccccccccccccccccccccccccccccccccccccc"};
    expect_line(w, 6, vote, "sentinel leader-epoch m0 7\n");
    const char *rm[] = {"SENTINEL", "REMOVE", "m0"};
    command(w, 0, 3, rm);
    const char *mon[] = {"SENTINEL", "MONITOR", "m0", "10.0.1.12", "6379", "2"};
    expect_line(w, 6, mon, "sentinel monitor m0 10.0.1.12 6379 2\n");
    command(w, 0, 3, rm);
    const char *mon2[] = {"SENTINEL", "MONITOR", "m0", "10.0.1.13", "6379", "2"};
    expect_line(w, 6, mon2, "sentinel monitor m0 10.0.1.13 6379 2\n");
    cw_free(w);
}

static void test_confgen_lists_regrow(void **state) {
    /* Goal: a list that was emptied and finds the same entries again is
     * written again: the kept entries then equal the new ones and only the
     * count tells. Method: RESET m0 on one sentinel and flush, then let it rediscover
     * its replicas and the other sentinels. */
    (void)state;
    struct cw *w = world();
    cw_run(w, cw_now(w) + 15000);
    const char *reset[] = {"SENTINEL", "RESET", "m0"};
    command(w, 0, 3, reset);
    const char *flush[] = {"SENTINEL", "FLUSHCONFIG"};
    command(w, 0, 2, flush);
    assert_null(strstr(cw_persisted(w, 0), "sentinel known-replica m0 "));
    cw_run(w, cw_now(w) + 25000);
    assert_non_null(strstr(cw_persisted(w, 0), "sentinel known-replica m0 10.0.1.1 6379\n"));
    assert_non_null(strstr(cw_persisted(w, 0), "sentinel known-sentinel m0 10.0.0.2 26379 "));
    cw_free(w);
}

static void test_confgen_empty_secret(void **state) {
    /* Goal: an empty auth-pass read from the file is written, and dropped
     * when SET clears it: only the "has" flag changes then. */
    (void)state;
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_sentinel(w,
                "sentinel monitor a 10.0.1.1 6379 1\n"
                "sentinel auth-pass a \"\"\nsentinel auth-user a \"\"\n",
                7);
    cw_core(w, 0)->conf_gen_verify = true;
    const char *flush[] = {"SENTINEL", "FLUSHCONFIG"};
    expect_line(w, 2, flush, "sentinel auth-pass a \nsentinel auth-user a \n");
    const char *pass[] = {"SENTINEL", "SET", "a", "auth-pass", ""};
    expect_line(w, 5, pass, "sentinel auth-user a \n");
    assert_null(strstr(cw_persisted(w, 0), "auth-pass"));
    const char *user[] = {"SENTINEL", "SET", "a", "auth-user", ""};
    expect_line(w, 5, user, "sentinel monitor a ");
    assert_null(strstr(cw_persisted(w, 0), "auth-user"));
    cw_free(w);
}

static void test_confgen_cache_after_full_file(void **state) {
    /* Goal: a generation that outgrew config_bytes_max leaves no block
     * behind to copy: the flushes after it still match full generations.
     * Method: MONITOR masters into a small file until a flush fails, then
     * REMOVE them and change what stays. */
    (void)state;
    struct cw *w = cw_new();
    struct core_limits l = core_limits_default();
    l.config_bytes_max = 1024;
    cw_set_limits(w, &l);
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_sentinel(w, "sentinel monitor a 10.0.1.1 6379 1\n", 7);
    cw_core(w, 0)->conf_gen_verify = true;
    cw_run(w, cw_now(w) + 3000);
    static const char *const extra[] = {"b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
    for (size_t k = 0; k < sizeof(extra) / sizeof(extra[0]); k++) {
        const char *mon[] = {"SENTINEL", "MONITOR", extra[k], "10.0.1.1", "6379", "1"};
        command(w, 0, 6, mon);
    }
    assert_true(cw_count(w, 0, "", "File too large") > 0);
    for (size_t k = 0; k < sizeof(extra) / sizeof(extra[0]); k++) {
        const char *rm[] = {"SENTINEL", "REMOVE", extra[k]};
        command(w, 0, 3, rm);
    }
    const char *set[] = {"SENTINEL", "SET", "a", "quorum", "2"};
    struct core_reply *r = cw_command(w, 0, 5, set);
    assert_string_equal(r->str, "OK");
    cw_reply_free(r);
    assert_non_null(strstr(cw_persisted(w, 0), "sentinel monitor a 10.0.1.1 6379 2\n"));
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confgen_cache_matches_full_generation),
        cmocka_unit_test(test_confgen_each_input_alone),
        cmocka_unit_test(test_confgen_lists_regrow),
        cmocka_unit_test(test_confgen_empty_secret),
        cmocka_unit_test(test_confgen_cache_after_full_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
