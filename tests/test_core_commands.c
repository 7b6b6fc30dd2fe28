/* test_core_commands.c: reply shapes and error strings of the commands a
 * sentinel answers (spec §12).
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

#define CONF                                                                                       \
    "sentinel monitor mymaster 10.0.1.1 6379 2\n"                                                  \
    "sentinel down-after-milliseconds mymaster 5000\n"

struct fixture {
    struct cw *w;
};

/* Three sentinels, a master and two replicas, settled. */
static int setup(void **state) {
    struct fixture *f = calloc(1, sizeof(*f));
    f->w = cw_new();
    int m = cw_node(f->w, "10.0.1.1", 6379, -1);
    cw_node(f->w, "10.0.1.2", 6379, m);
    cw_node(f->w, "10.0.1.3", 6379, m);
    for (int k = 0; k < 3; k++) {
        cw_sentinel(f->w, CONF, 70 + (uint64_t)k);
    }
    cw_run(f->w, cw_now(f->w) + 15000);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    cw_free(f->w);
    free(f);
    return 0;
}

/* Runs argv (NULL-terminated) on sentinel 0. */
static struct core_reply *run(struct fixture *f, const char *a0, ...) {
    const char *argv[16];
    int argc = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a != NULL && argc < 16; a = va_arg(ap, const char *)) {
        argv[argc++] = a;
    }
    va_end(ap);
    struct core_reply *r = cw_command(f->w, 0, argc, argv);
    assert_non_null(r);
    return r;
}

static void expect_error(struct fixture *f, const char *want, struct core_reply *r) {
    (void)f;
    assert_int_equal(r->type, CORE_REPLY_ERROR);
    if (strcmp(r->str, want) != 0) { fail_msg("got '%s' want '%s'", r->str, want); }
    cw_reply_free(r);
}

static void expect_status(struct core_reply *r, const char *want) {
    assert_int_equal(r->type, CORE_REPLY_STATUS);
    assert_string_equal(r->str, want);
    cw_reply_free(r);
}

static const char *field(const struct core_reply *map, const char *key) {
    for (size_t k = 0; k + 1 < map->elements_len; k += 2) {
        if (strcmp(map->elements[k].str, key) == 0) { return map->elements[k + 1].str; }
    }
    return NULL;
}

static void test_commands_master_map(void **state) {
    /* Goal: SENTINEL MASTER lists the fields in upstream's order, all as
     * bulk strings, with num-other-sentinels at flat index 33 (acceptance
     * test 11) and flags exactly "master" when healthy (§12.2). */
    struct fixture *f = *state;
    struct core_reply *r = run(f, "SENTINEL", "MASTER", "mymaster", NULL);
    assert_int_equal(r->type, CORE_REPLY_ARRAY);
    static const char *const keys[] = {"name",
                                       "ip",
                                       "port",
                                       "runid",
                                       "flags",
                                       "link-pending-commands",
                                       "link-refcount",
                                       "last-ping-sent",
                                       "last-ok-ping-reply",
                                       "last-ping-reply",
                                       "down-after-milliseconds",
                                       "info-refresh",
                                       "role-reported",
                                       "role-reported-time",
                                       "config-epoch",
                                       "num-slaves",
                                       "num-other-sentinels",
                                       "quorum",
                                       "failover-timeout",
                                       "parallel-syncs"};
    assert_int_equal(r->elements_len, 2 * (sizeof(keys) / sizeof(keys[0])));
    for (size_t k = 0; k < r->elements_len; k++) {
        assert_int_equal(r->elements[k].type, CORE_REPLY_BULK);
        if (k % 2 == 0) { assert_string_equal(r->elements[k].str, keys[k / 2]); }
    }
    assert_string_equal(r->elements[33].str, "2");
    assert_string_equal(field(r, "flags"), "master");
    assert_string_equal(field(r, "num-slaves"), "2");
    assert_string_equal(field(r, "role-reported"), "master");
    assert_string_equal(field(r, "runid"), "0000000000000000000000000000000000000001");
    cw_reply_free(r);
    expect_error(f, "ERR No such master with that name",
                 run(f, "SENTINEL", "MASTER", "nope", NULL));
}

static void test_commands_replicas_and_sentinels(void **state) {
    /* Goal: REPLICAS/SLAVES give the replica maps (hiding unannounced
     * replicas) and SENTINELS the sentinel maps (§12.1, §12.2). */
    struct fixture *f = *state;
    struct core_reply *r = run(f, "SENTINEL", "REPLICAS", "mymaster", NULL);
    assert_int_equal(r->elements_len, 2);
    const struct core_reply *m = &r->elements[0];
    assert_string_equal(field(m, "flags"), "slave");
    assert_string_equal(field(m, "master-link-status"), "ok");
    assert_string_equal(field(m, "master-host"), "10.0.1.1");
    assert_string_equal(field(m, "slave-priority"), "100");
    assert_string_equal(m->elements[m->elements_len - 2].str, "replica-announced");
    cw_reply_free(r);
    cw_node_at(f->w, 2)->announced = 0;
    cw_run(f->w, cw_now(f->w) + 11000);
    r = run(f, "SENTINEL", "SLAVES", "mymaster", NULL);
    assert_int_equal(r->elements_len, 1);
    cw_reply_free(r);
    r = run(f, "SENTINEL", "SENTINELS", "mymaster", NULL);
    assert_int_equal(r->elements_len, 2);
    m = &r->elements[0];
    assert_string_equal(field(m, "flags"), "sentinel");
    assert_string_equal(field(m, "voted-leader"), "?");
    assert_string_equal(m->elements[m->elements_len - 2].str, "voted-leader-epoch");
    cw_reply_free(r);
}

static void test_commands_addr_ckquorum_myid_role(void **state) {
    /* Goal: GET-MASTER-ADDR-BY-NAME, CKQUORUM, MYID, ROLE, PING and
     * PUBLISH reply shapes (§12.1, §12.5, §12.8, §12.10). */
    struct fixture *f = *state;
    struct core_reply *r = run(f, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster", NULL);
    assert_int_equal(r->elements_len, 2);
    assert_string_equal(r->elements[0].str, "10.0.1.1");
    assert_int_equal(r->elements[1].type, CORE_REPLY_BULK);
    assert_string_equal(r->elements[1].str, "6379");
    cw_reply_free(r);
    r = run(f, "SENTINEL", "get-master-addr-by-name", "nope", NULL);
    assert_int_equal(r->type, CORE_REPLY_NIL_ARRAY);
    cw_reply_free(r);
    expect_status(run(f, "SENTINEL", "CKQUORUM", "mymaster", NULL),
                  "OK 3 usable Sentinels. Quorum and failover authorization can be reached");
    r = run(f, "SENTINEL", "MYID", NULL);
    assert_string_equal(r->str, core_myid(cw_core(f->w, 0)));
    cw_reply_free(r);
    r = run(f, "ROLE", NULL);
    assert_string_equal(r->elements[0].str, "sentinel");
    assert_string_equal(r->elements[1].elements[0].str, "mymaster");
    cw_reply_free(r);
    expect_status(run(f, "PING", NULL), "PONG");
    expect_error(f, "ERR Only HELLO messages are accepted by Sentinel instances.",
                 run(f, "PUBLISH", "chan", "x", NULL));
    r = run(f, "PUBLISH", "__sentinel__:hello", "garbage", NULL);
    assert_int_equal(r->integer, 1);
    cw_reply_free(r);
}

static void test_commands_noquorum(void **state) {
    /* Goal: CKQUORUM reports both shortfalls, joined by ". " (§12.5).
     * Method: kill two sentinels and wait until they are SDOWN. */
    struct fixture *f = *state;
    expect_status(run(f, "SENTINEL", "SET", "mymaster", "quorum", "3", NULL), "OK");
    cw_kill_sentinel(f->w, 1);
    cw_kill_sentinel(f->w, 2);
    cw_run(f->w, cw_now(f->w) + 8000);
    expect_error(f,
                 "NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the "
                 "specified quorum for this master. Not enough available Sentinels to reach the "
                 "majority and authorize a failover",
                 run(f, "SENTINEL", "CKQUORUM", "mymaster", NULL));
}

static void test_commands_generic_errors(void **state) {
    /* Goal: arity, unknown subcommand and unknown command texts of 7.0, and
     * the sentinel-mode command table sizes acceptance test 00 checks. */
    struct fixture *f = *state;
    expect_error(f, "ERR wrong number of arguments for 'sentinel|set' command",
                 run(f, "SENTINEL", "SET", "mymaster", "quorum", NULL));
    expect_error(f, "ERR wrong number of arguments for 'sentinel|master' command",
                 run(f, "SENTINEL", "MASTER", NULL));
    expect_error(f, "ERR unknown subcommand 'foo'. Try SENTINEL HELP.",
                 run(f, "SENTINEL", "foo", NULL));
    expect_error(f, "ERR unknown command 'GET', with args beginning with: 'k' ",
                 run(f, "GET", "k", NULL));
    expect_error(f, "ERR wrong number of arguments for 'sentinel' command",
                 run(f, "SENTINEL", NULL));
    struct core_reply *r = run(f, "COMMAND", "COUNT", NULL);
    assert_int_equal(r->integer, 15);
    cw_reply_free(r);
    r = run(f, "COMMAND", "LIST", NULL);
    assert_int_equal(r->elements_len, 72);
    cw_reply_free(r);
    r = run(f, "HELLO", "2", NULL);
    assert_string_equal(field(r, "mode"), "sentinel");
    assert_string_equal(field(r, "version"), "7.0.15");
    cw_reply_free(r);
}

static void test_commands_set(void **state) {
    /* Goal: SENTINEL SET applies left to right with a +set event each
     * (auth-pass redacted), rejects bad values and unknown options with
     * 7.0's texts, and refuses script changes by default (§12.7). */
    struct fixture *f = *state;
    int from = cw_events_len(f->w);
    expect_status(run(f, "SENTINEL", "SET", "mymaster", "down-after-milliseconds", "7000",
                      "auth-pass", "secret", NULL),
                  "OK");
    assert_true(cw_find(f->w, from, 0, "+set",
                        "master mymaster 10.0.1.1 6379 down-after-milliseconds 7000") >= 0);
    assert_true(cw_find(f->w, from, 0, "+set", "auth-pass ******") >= 0);
    assert_non_null(strstr(cw_persisted(f->w, 0), "sentinel auth-pass mymaster secret"));
    expect_error(f, "ERR Invalid argument '-20' for SENTINEL SET 'down-after-milliseconds'",
                 run(f, "SENTINEL", "SET", "mymaster", "down-after-milliseconds", "-20", NULL));
    expect_error(f, "ERR Invalid argument 'abc' for SENTINEL SET 'quorum'",
                 run(f, "SENTINEL", "SET", "mymaster", "quorum", "abc", NULL));
    expect_error(f, "ERR Unknown option or number of arguments for SENTINEL SET 'fakeoption'",
                 run(f, "SENTINEL", "SET", "mymaster", "fakeoption", "1", NULL));
    expect_error(f,
                 "ERR Reconfiguration of scripts path is denied for security reasons. Check the "
                 "deny-scripts-reconfig configuration directive in your Sentinel configuration",
                 run(f, "SENTINEL", "SET", "mymaster", "notification-script", "/bin/true", NULL));
    struct core_reply *r = run(f, "SENTINEL", "MASTER", "mymaster", NULL);
    assert_string_equal(field(r, "down-after-milliseconds"), "7000");
    cw_reply_free(r);
    r = run(f, "SENTINEL", "SENTINELS", "mymaster", NULL);
    assert_string_equal(field(&r->elements[0], "down-after-milliseconds"), "7000");
    cw_reply_free(r);
}

static void test_commands_debug_config_simfail(void **state) {
    /* Goal: SENTINEL DEBUG shows the 13 timings in order and sets them,
     * CONFIG GET/SET follow 7.0's one-parameter form, SIMULATE-FAILURE
     * answers help and rejects unknown flags (§12.1, §12.6, §12.14). */
    struct fixture *f = *state;
    struct core_reply *r = run(f, "SENTINEL", "DEBUG", NULL);
    assert_int_equal(r->elements_len, 26);
    assert_string_equal(r->elements[0].str, "INFO-PERIOD");
    assert_int_equal(r->elements[1].integer, 10000);
    assert_string_equal(r->elements[24].str, "SCRIPT-RETRY-DELAY");
    cw_reply_free(r);
    expect_status(run(f, "SENTINEL", "DEBUG", "info-period", "8888", NULL), "OK");
    r = run(f, "SENTINEL", "DEBUG", NULL);
    assert_int_equal(r->elements[1].integer, 8888);
    cw_reply_free(r);
    expect_error(f, "ERR Invalid argument '0' for SENTINEL DEBUG 'ping-period'",
                 run(f, "SENTINEL", "DEBUG", "ping-period", "0", NULL));
    expect_error(f, "ERR Unknown option or number of arguments for SENTINEL DEBUG 'nope'",
                 run(f, "SENTINEL", "DEBUG", "nope", "1", NULL));
    expect_status(run(f, "SENTINEL", "CONFIG", "SET", "announce-port", "1234", NULL), "OK");
    r = run(f, "SENTINEL", "CONFIG", "GET", "announce-*", NULL);
    assert_int_equal(r->elements_len, 6);
    assert_string_equal(r->elements[4].str, "announce-port");
    assert_string_equal(r->elements[5].str, "1234");
    cw_reply_free(r);
    expect_error(f, "ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'resolve-hostnames'",
                 run(f, "SENTINEL", "CONFIG", "SET", "resolve-hostnames", "maybe", NULL));
    expect_error(f, "ERR Invalid argument 'foo' to SENTINEL CONFIG SET",
                 run(f, "SENTINEL", "CONFIG", "SET", "foo", "1", NULL));
    r = run(f, "SENTINEL", "SIMULATE-FAILURE", "help", NULL);
    assert_string_equal(r->elements[1].str, "crash-after-promotion");
    cw_reply_free(r);
    expect_error(f, "ERR Unknown failure simulation specified",
                 run(f, "SENTINEL", "SIMULATE-FAILURE", "boom", NULL));
}

static void test_commands_monitor_remove_reset(void **state) {
    /* Goal: MONITOR validates in 7.0's order and emits +monitor after the
     * flush and reply; REMOVE emits -monitor; RESET counts glob matches,
     * emits +reset-master and does not flush (§12.1, §12.3, §19 item 23). */
    struct fixture *f = *state;
    expect_error(f, "ERR Invalid quorum",
                 run(f, "SENTINEL", "MONITOR", "m2", "10.0.1.5", "x", "y", NULL));
    expect_error(f, "ERR Invalid port",
                 run(f, "SENTINEL", "MONITOR", "m2", "10.0.1.5", "x", "2", NULL));
    expect_error(f, "ERR Quorum must be 1 or greater.",
                 run(f, "SENTINEL", "MONITOR", "m2", "10.0.1.5", "6379", "0", NULL));
    expect_error(f, "ERR Invalid IP address or hostname specified",
                 run(f, "SENTINEL", "MONITOR", "m2", "db.local", "6379", "2", NULL));
    expect_error(f, "ERR Duplicate master name.",
                 run(f, "SENTINEL", "MONITOR", "mymaster", "10.0.1.5", "6379", "2", NULL));
    int from = cw_events_len(f->w);
    expect_status(run(f, "SENTINEL", "MONITOR", "m2", "10.0.1.5", "6379", "2", NULL), "OK");
    assert_true(cw_find(f->w, from, 0, "+monitor", "master m2 10.0.1.5 6379 quorum 2") >= 0);
    const char *before = cw_persisted(f->w, 0);
    char *copy = strdup(before);
    struct core_reply *r = run(f, "SENTINEL", "RESET", "m*", NULL);
    assert_int_equal(r->integer, 2);
    cw_reply_free(r);
    assert_int_equal(cw_count(f->w, 0, "+reset-master", NULL), 2);
    assert_string_equal(cw_persisted(f->w, 0), copy);
    free(copy);
    expect_status(run(f, "SENTINEL", "REMOVE", "m2", NULL), "OK");
    assert_true(cw_find(f->w, from, 0, "-monitor", "master m2 10.0.1.5 6379") >= 0);
    assert_null(strstr(cw_persisted(f->w, 0), "m2"));
}

static void test_commands_info(void **state) {
    /* Goal: INFO sentinel has the 7.0 fields and one masterN line, and
     * sections are selected like Redis does (§12.11). */
    struct fixture *f = *state;
    struct core_reply *r = run(f, "INFO", "sentinel", NULL);
    assert_int_equal(r->type, CORE_REPLY_BULK);
    assert_non_null(strstr(r->str, "# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:0\r\n"
                                   "sentinel_tilt_since_seconds:-1\r\n"));
    assert_non_null(strstr(r->str, "master0:name=mymaster,status=ok,address=10.0.1.1:6379,"
                                   "slaves=2,sentinels=3\r\n"));
    assert_null(strstr(r->str, "# Server"));
    cw_reply_free(r);
    r = run(f, "INFO", NULL);
    assert_non_null(strstr(r->str, "redis_mode:sentinel"));
    assert_non_null(strstr(r->str, "maxclients:"));
    assert_non_null(strstr(r->str, "sentinel_tilt:"));
    cw_reply_free(r);
    r = run(f, "INFO", "replication", NULL);
    assert_int_equal(r->len, 0);
    cw_reply_free(r);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commands_master_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_replicas_and_sentinels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_addr_ckquorum_myid_role, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_noquorum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_generic_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_debug_config_simfail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_monitor_remove_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_info, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
