/* test_core_seam_discovery.c: start-up, discovery of replicas and
 * sentinels (spec §16.2, §6.1, §5.3) and the is-master-down-by-addr
 * request with its votes (§7.2.3, §8.2), through the seam.
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
#include "tests/support/core_seam.h"
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define CONF "port 26379\nsentinel monitor mymaster 10.0.1.1 6379 2\n"
#define FAKE "0123456789012345678901234567890123456789"

/* Goal: START logs "Sentinel ID is <id>" then +monitor; the first INFO of
 * the master adds each replica once (+slave); hellos add each other
 * sentinel once (+sentinel) within about one publish period; the persisted
 * file lists them. Method: three sentinels started together, 4 s of events. */
static void test_seam_discovery_startup(void **state) {
    (void)state;
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    cw_node(w, "10.0.1.3", 6379, m);
    uint64_t t0 = cw_now(w);
    for (int k = 0; k < 3; k++) {
        cw_sentinel(w, CONF, 500 + (uint64_t)k);
    }
    cw_run(w, t0 + 4000);
    if (getenv("CW_DUMP")) { cw_dump(w, 0); }
    for (int k = 0; k < 3; k++) {
        const char *id = core_myid(cw_core(w, k));
        char text[160];
        snprintf(text, sizeof(text), "Sentinel ID is %s", id);
        int log = seam_must_find(w, 0, k, "", text);
        int mon = seam_must_find(w, 0, k, "+monitor", "master mymaster 10.0.1.1 6379 quorum 2");
        assert_true(log < mon);
        for (int r = 2; r <= 3; r++) {
            snprintf(text, sizeof(text), "slave 10.0.1.%d:6379 10.0.1.%d 6379 @ mymaster", r, r);
            assert_int_equal(cw_count(w, k, "+slave", text), 1);
            assert_true(cw_event_at(w, seam_must_find(w, 0, k, "+slave", text))->t <= t0 + 250);
        }
        for (int j = 0; j < 3; j++) {
            snprintf(text, sizeof(text), "sentinel %s 10.0.0.%d 26379 @ mymaster 10.0.1.1 6379",
                     core_myid(cw_core(w, j)), j + 1);
            assert_int_equal(cw_count(w, k, "+sentinel", text), j == k ? 0 : 1);
            if (j == k) { continue; }
            assert_true(cw_event_at(w, seam_must_find(w, 0, k, "+sentinel", text))->t <= t0 + 2500);
            snprintf(text, sizeof(text), "sentinel known-sentinel mymaster 10.0.0.%d 26379 %s\n",
                     j + 1, core_myid(cw_core(w, j)));
            assert_non_null(strstr(cw_persisted(w, k), text));
        }
    }
    cw_free(w);
}

/* Checks reply r is [down, leader, epoch] and frees it. */
static void expect_down_reply(struct core_reply *r,
                              int64_t down,
                              const char *leader,
                              int64_t epoch) {
    assert_non_null(r);
    assert_int_equal(r->type, CORE_REPLY_ARRAY);
    assert_int_equal(r->elements_len, 3);
    assert_int_equal(r->elements[0].type, CORE_REPLY_INTEGER);
    assert_int_equal(r->elements[0].integer, down);
    assert_int_equal(r->elements[1].type, CORE_REPLY_BULK);
    assert_int_equal(r->elements[1].len, strlen(leader));
    assert_memory_equal(r->elements[1].str, leader, strlen(leader));
    assert_int_equal(r->elements[2].type, CORE_REPLY_INTEGER);
    assert_int_equal(r->elements[2].integer, epoch);
    cw_reply_free(r);
}

static struct core_reply *ask(
    struct cw *w, int k, const char *ip, const char *port, const char *epoch, const char *runid) {
    const char *argv[] = {"SENTINEL", "is-master-down-by-addr", ip, port, epoch, runid};
    return cw_command(w, k, 6, argv);
}

/* Goal: the request's replies and votes (§7.2.3, §8.2): "*" asks only;
 * a run id gets our vote once per epoch (+new-epoch, +vote-for-leader,
 * persisted before the reply); a later or older request is told the
 * current vote; an unknown address gets [0,"*",0]; a down master gives 1;
 * malformed requests get Redis's errors. Method: commands on sentinel 1. */
static void test_seam_discovery_is_master_down(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, "sentinel down-after-milliseconds mymaster 5000\n", 600);
    int from = cw_events_len(w);
    expect_down_reply(ask(w, 1, "10.0.1.1", "6379", "0", "*"), 0, "*", 0);
    assert_int_equal(cw_events_len(w), from);
    expect_down_reply(ask(w, 1, "10.0.1.1", "6379", "5", FAKE), 0, FAKE, 5);
    seam_must_find(w, from, 1, "+new-epoch", "5");
    seam_must_find(w, from, 1, "+vote-for-leader", FAKE " 5");
    assert_non_null(strstr(cw_persisted(w, 1), "sentinel leader-epoch mymaster 5\n"));
    assert_non_null(strstr(cw_persisted(w, 1), "sentinel current-epoch 5\n"));
    expect_down_reply(ask(w, 1, "10.0.1.1", "6379", "5", "f" FAKE "x"), 0, FAKE, 5);
    expect_down_reply(ask(w, 1, "10.0.1.1", "6379", "3", "f" FAKE "x"), 0, FAKE, 5);
    assert_int_equal(cw_count(w, 1, "+vote-for-leader", NULL), 1);
    expect_down_reply(ask(w, 1, "10.9.9.9", "6379", "9", FAKE), 0, "*", 0);
    assert_int_equal(core_current_epoch(cw_core(w, 1)), 5);

    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 6000);
    seam_must_find(w, from, 1, "+sdown", "master mymaster");
    expect_down_reply(ask(w, 1, "10.0.1.1", "6379", "0", "*"), 1, "*", 0);

    struct core_reply *r = ask(w, 1, "10.0.1.1", "port", "0", "*");
    assert_non_null(r);
    assert_int_equal(r->type, CORE_REPLY_ERROR);
    assert_true(r->len >= 13 && memcmp(r->str, "ERR value is ", 13) == 0);
    cw_reply_free(r);
    const char *argv[] = {"SENTINEL", "is-master-down-by-addr", "10.0.1.1", "6379", "0"};
    r = cw_command(w, 1, 5, argv);
    assert_non_null(r);
    assert_int_equal(r->type, CORE_REPLY_ERROR);
    static const char arity[] =
        "ERR wrong number of arguments for 'sentinel|is-master-down-by-addr' command";
    assert_int_equal(r->len, strlen(arity));
    assert_memory_equal(r->str, arity, r->len);
    cw_reply_free(r);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seam_discovery_startup),
        cmocka_unit_test(test_seam_discovery_is_master_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
