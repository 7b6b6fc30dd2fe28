/* test_core_config.c: config load errors, generation, rewrite and restart
 * (spec §16).
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
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static int load(const char *conf, struct core_sentinel **s, struct core_error *e) {
    struct core_limits l = core_limits_default();
    struct core_options o = {conf, strlen(conf), 1, false};
    struct core_allocator a = core_test_malloc();
    return core_new(&l, &o, &a, 1000000, s, e);
}

static void test_config_load_errors(void **state) {
    /* Goal: every rejected directive gives Sentinel's message and the line
     * of the offending directive, with the three passes deciding which
     * error comes first (§16.2). Method: a table of small files. */
    (void)state;
    static const struct {
        const char *text;
        uint32_t line;
        const char *msg;
    } rows[] = {
        {"sentinel monitor m 10.0.1.1 6379 0\n", 1, "Quorum must be 1 or greater."},
        {"# c\n\nsentinel down-after-milliseconds m 1000\n", 3,
         "No such master with specified name."},
        {"port 1\nsentinel myid abc\n", 2, "Malformed Sentinel id in myid option."},
        {"sentinel can-failover m yes\n", 1, "Unrecognized sentinel configuration statement."},
        {"sentinel monitor m 10.0.1.1 6379 2\nsentinel monitor m 10.0.1.2 6379 2\n", 2,
         "Duplicate master name."},
        {"sentinel monitor m 10.0.1.1 70000 2\n", 1, "Invalid port number."},
        {"sentinel monitor m db.local 6379 2\n", 1, "Can't resolve instance hostname."},
        {"sentinel deny-scripts-reconfig maybe\n", 1,
         "Please specify yes or no for the deny-scripts-reconfig options."},
        {"sentinel resolve-hostnames 1\n", 1,
         "Please specify yes or no for the resolve-hostnames option."},
        {"sentinel monitor m 10.0.1.1 6379 2\nsentinel down-after-milliseconds m 0\n", 2,
         "negative or zero time parameter."},
        {"sentinel monitor m 10.0.1.1 6379 2\nsentinel failover-timeout m -5\n", 2,
         "negative or zero time parameter."},
        {"sentinel monitor m 10.0.1.1 6379 2\nsentinel master-reboot-down-after-period m -1\n", 2,
         "negative time parameter."},
        {"sentinel monitor m 10.0.1.1 6379 2\nsentinel rename-command m PING P1\n"
         "sentinel rename-command m ping P2\n",
         3, "Same command renamed multiple times with rename-command."},
        {"sentinel monitor m 10.0.1.1 6379 2\nsentinel known-replica m 10.0.1.2 6379\n"
         "sentinel known-slave m 10.0.1.2 6379\n",
         3, "Duplicate hostname and port for replica."},
        {"sentinel announce-ip \"1.2.3.4\n", 1, "Unbalanced quotes in configuration line"},
        /* Pass 0 (myid) is applied before pass 2, whatever the file order. */
        {"sentinel down-after-milliseconds x 1\nsentinel myid bad\n", 2,
         "Malformed Sentinel id in myid option."},
        /* Pass 1 (monitor) before pass 2: this file is fine except line 3. */
        {"sentinel parallel-syncs m 3\nsentinel monitor m 10.0.1.1 6379 2\n"
         "sentinel monitor m 10.0.1.1 6380 2\n",
         3, "Duplicate master name."},
    };
    for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
        struct core_sentinel *s = NULL;
        struct core_error e;
        int rc = load(rows[k].text, &s, &e);
        if (rc != CORE_E_CONFIG || e.line != rows[k].line || strcmp(e.msg, rows[k].msg) != 0) {
            fail_msg("row %zu: rc %d line %u msg '%s'", k, rc, e.line, e.msg);
        }
        assert_null(s);
    }
}

static void test_config_load_applies(void **state) {
    /* Goal: accepted directives land where they should: epochs (current =
     * max of current-epoch and config-epochs), myid, port, known records,
     * the old 4-word known-sentinel form ignored (§16.2). Method: views. */
    (void)state;
    struct core_sentinel *s;
    struct core_error e;
    const char *conf = "port 26400\n"
                       "sentinel parallel-syncs m 2\n"
                       "sentinel monitor m 10.0.1.1 6379 2\n"
                       "sentinel myid " ID_A "\n"
                       "sentinel current-epoch 3\n"
                       "sentinel config-epoch m 7\n"
                       "sentinel leader-epoch m 6\n"
                       "sentinel known-replica m 10.0.1.2 6379\n"
                       "sentinel known-sentinel m 10.0.0.2 26379\n"
                       "sentinel known-sentinel m 10.0.0.3 26379 "
                       "cccccccccccccccccccccccccccccccccccccccc\n";
    assert_int_equal(load(conf, &s, &e), CORE_OK);
    assert_string_equal(core_myid(s), ID_A);
    assert_int_equal(core_port(s), 26400);
    assert_int_equal(core_current_epoch(s), 7);
    struct core_master_view v;
    assert_int_equal(core_master(s, 0, &v), 0);
    assert_int_equal(v.config_epoch, 7);
    assert_int_equal(v.leader_epoch, 6);
    assert_int_equal(v.replicas, 1);
    assert_int_equal(v.sentinels, 1);
    core_free(s);
}

/* The first lines of the acceptance suite's sentinel.conf (§16.3 example). */
#define SUITE_HEAD                                                                                 \
    "# comment\n"                                                                                  \
    "sentinel down-after-milliseconds setmaster 20000\n"                                           \
    "# comment\n"                                                                                  \
    "sentinel parallel-syncs setmaster 2\n"                                                        \
    "# comment\n"                                                                                  \
    "sentinel failover-timeout setmaster 240000\n"                                                 \
    "# comment\n"                                                                                  \
    "sentinel monitor setmaster 10.0.0.1 30000 2\n"

static void test_config_rewrite_keeps_lines_in_place(void **state) {
    /* Goal: FLUSHCONFIG rewrites each value in its own slot and keeps the
     * comments, appending the rest after the signature (start-init test).
     * Method: world sentinel on the suite's file, compare the head. */
    (void)state;
    struct cw *w = cw_new();
    cw_sentinel(w, SUITE_HEAD "\nport 20000\nsentinel deny-scripts-reconfig yes\n", 5);
    const char *argv[] = {"SENTINEL", "FLUSHCONFIG"};
    struct core_reply *r = cw_command(w, 0, 2, argv);
    assert_string_equal(r->str, "OK");
    cw_reply_free(r);
    const char *text = cw_persisted(w, 0);
    assert_non_null(text);
    assert_memory_equal(text, SUITE_HEAD, strlen(SUITE_HEAD));
    assert_non_null(strstr(text, "port 20000\n"));
    assert_non_null(strstr(text, "sentinel deny-scripts-reconfig yes\n"));
    const char *sig = strstr(text, "# Generated by CONFIG REWRITE\n");
    assert_non_null(sig);
    const char *order[] = {"sentinel myid ", "sentinel config-epoch setmaster 0",
                           "sentinel leader-epoch setmaster 0", "sentinel current-epoch 0"};
    const char *at = sig;
    for (size_t k = 0; k < 4; k++) {
        const char *p = strstr(at, order[k]);
        if (p == NULL) { fail_msg("missing or out of order: %s", order[k]); }
        at = p;
    }
    cw_free(w);
}

#define CONF3                                                                                      \
    "sentinel monitor mymaster 10.0.1.1 6379 2\n"                                                  \
    "sentinel down-after-milliseconds mymaster 3000\n"                                             \
    "sentinel failover-timeout mymaster 30000\n"

static void test_config_restart_from_rewritten(void **state) {
    /* Goal: a sentinel restarted from the file it persisted after a
     * failover comes back with the same id, epochs, master address, known
     * replicas and sentinels, and without re-announcing them (§16, §11.2).
     * Method: world failover, then core_new() on the persisted text. */
    (void)state;
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    cw_node(w, "10.0.1.3", 6379, m);
    for (int k = 0; k < 3; k++) {
        cw_sentinel(w, CONF3, 30 + (uint64_t)k);
    }
    cw_run(w, cw_now(w) + 15000);
    cw_kill_node(w, m);
    cw_run(w, cw_now(w) + 20000);
    struct core_master_view before;
    core_master(cw_core(w, 1), 0, &before);
    assert_int_equal(before.config_epoch, 1);
    struct core_sentinel *s;
    struct core_error e;
    assert_int_equal(load(cw_persisted(w, 1), &s, &e), CORE_OK);
    assert_string_equal(core_myid(s), core_myid(cw_core(w, 1)));
    assert_int_equal(core_current_epoch(s), core_current_epoch(cw_core(w, 1)));
    struct core_master_view after;
    core_master(s, 0, &after);
    assert_string_equal(after.ip, before.ip);
    assert_int_equal(after.port, before.port);
    assert_int_equal(after.config_epoch, 1);
    assert_int_equal(after.leader_epoch, before.leader_epoch);
    assert_int_equal(after.replicas, 2);
    assert_int_equal(after.sentinels, 2);
    struct core_input in = {.kind = CORE_IN_START};
    const struct core_output *out;
    size_t n;
    assert_int_equal(core_step(s, 2000000, &in, &out, &n), CORE_OK);
    for (size_t k = 0; k < n; k++) {
        assert_int_not_equal(out[k].kind, CORE_OUT_PERSIST);
        if (out[k].kind == CORE_OUT_EVENT) { assert_string_equal(out[k].type, "+monitor"); }
    }
    core_free(s);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_load_errors),
        cmocka_unit_test(test_config_load_applies),
        cmocka_unit_test(test_config_rewrite_keeps_lines_in_place),
        cmocka_unit_test(test_config_restart_from_rewritten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
