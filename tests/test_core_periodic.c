/* test_core_periodic.c: the INFO / PING / hello schedule (spec §5.1, §5.3).
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
    "sentinel monitor m 10.0.1.1 6379 1\n"                                                         \
    "sentinel down-after-milliseconds m 5000\n"                                                    \
    "sentinel failover-timeout m 60000\n"

static void test_periodic_healthy_rates(void **state) {
    /* Goal: on healthy links INFO goes out every INFO-PERIOD (10 s), PING
     * about every PING-PERIOD (1 s) and the hello every PUBLISH-PERIOD
     * (2 s), each plus up to one tick (§5.1), to the master and to the
     * replica alike, though a tick skips the replica between its due times
     * (core/quiet.c). Method: count the sends to both over 60 s of a
     * settled world. */
    (void)state;
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    cw_log_sends(w, true);
    cw_sentinel(w, CONF, 4);
    cw_run(w, cw_now(w) + 5000);
    uint64_t t0 = cw_now(w);
    cw_run(w, t0 + 60000);
    int info = cw_count_sends(w, 0, "10.0.1.1:6379", "INFO", t0, t0 + 60000);
    int ping = cw_count_sends(w, 0, "10.0.1.1:6379", "PING", t0, t0 + 60000);
    int pub = cw_count_sends(w, 0, "10.0.1.1:6379", "PUBLISH __sentinel__:hello", t0, t0 + 60000);
    assert_true(info >= 5 && info <= 6);
    assert_true(ping >= 54 && ping <= 60);
    assert_true(pub >= 27 && pub <= 30);
    static const char *const kinds[] = {"INFO", "PING", "PUBLISH"};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        int to_replica = cw_count_sends(w, 0, "10.0.1.2:6379", kinds[k], t0, t0 + 60000);
        int to_master = cw_count_sends(w, 0, "10.0.1.1:6379", kinds[k], t0, t0 + 60000);
        assert_true(to_replica >= to_master - 1 && to_replica <= to_master + 1);
    }
    cw_free(w);
}

static void test_periodic_replica_info_during_odown(void **state) {
    /* Goal: replicas of an ODOWN master (or one with a failover running)
     * are INFO'd every second instead of every 10 s (§5.1). Method: a
     * master that answers INFO but not PING: SDOWN, ODOWN (quorum 1), and a
     * failover that waits forever for a replica that ignores SLAVEOF. */
    (void)state;
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    int r = cw_node(w, "10.0.1.2", 6379, m);
    cw_log_sends(w, true);
    cw_sentinel(w, CONF, 4);
    cw_run(w, cw_now(w) + 15000);
    uint64_t t0 = cw_now(w);
    int before = cw_count_sends(w, 0, "10.0.1.2:6379", "INFO", t0 - 10000, t0);
    assert_true(before >= 1 && before <= 2);
    cw_node_at(w, r)->deaf_slaveof = true;
    cw_node_at(w, m)->ping_reply = "-ERR unknown command 'PING'";
    cw_run(w, t0 + 8000);
    assert_true(cw_find(w, 0, 0, "+odown", NULL) >= 0);
    cw_run(w, t0 + 18000);
    int during = cw_count_sends(w, 0, "10.0.1.2:6379", "INFO", t0 + 8000, t0 + 18000);
    assert_true(during >= 9 && during <= 11);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periodic_healthy_rates),
        cmocka_unit_test(test_periodic_replica_info_during_odown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
