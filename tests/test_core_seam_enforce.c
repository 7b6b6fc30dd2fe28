/* test_core_seam_enforce.c: configuration enforcement on data nodes
 * (+fix-slave-config, spec §6.2 C and §11.3) and master reboot detection
 * (§18.4) through the seam.
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

static uint64_t t_at(const struct cw *w, int at) {
    return cw_event_at(w, at)->t;
}

/* Goal: a replica that replicates from the wrong node (here: chained
 * behind R1) is re-pointed at the master by exactly one sentinel with
 * +fix-slave-config, once its wrong configuration is older than
 * failover-timeout (10 s) and the master looks sane. Method: chain R2
 * behind R1 in the world, run 30 s, check the event, its timing and R2. */
static void test_seam_enforce_fix_slave_config(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, "sentinel failover-timeout mymaster 10000\n", 1400);
    int from = cw_events_len(w);
    uint64_t t0 = cw_now(w);
    cw_node_at(w, 2)->master = 1;
    cw_run(w, t0 + 30000);
    if (getenv("CW_DUMP")) { cw_dump(w, from); }
    static const char subject[] = "slave 10.0.1.3:6379 10.0.1.3 6379 @ mymaster 10.0.1.1 6379";
    assert_int_equal(cw_count(w, -1, "+fix-slave-config", subject), 1);
    int fix = seam_must_find(w, from, -1, "+fix-slave-config", subject);
    uint64_t after = t_at(w, fix) - t0;
    assert_true(after > 10000 && after <= 21500);
    assert_int_equal(cw_node_at(w, 2)->master, 0);
    assert_int_equal(cw_count(w, -1, "+convert-to-slave", NULL), 0);
    assert_int_equal(cw_count(w, -1, "+sdown", NULL), 0);
    cw_free(w);
}

/* Goal: with master-reboot-down-after-period 3000, a master that restarts
 * within down-after and answers PING with -LOADING (a valid reply) is seen
 * rebooted at the next INFO (+reboot, new run id) and goes +sdown 3 s later
 * (rule 3), which leads to the normal ODOWN/failover path; the first +PONG
 * clears the flag and brings -sdown. Method: kill and revive the master
 * 100 ms apart with -LOADING replies; when the first +sdown appears, let
 * PING answer +PONG again. */
static void test_seam_enforce_master_reboot(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, "sentinel master-reboot-down-after-period mymaster 3000\n", 1500);
    int from = cw_events_len(w);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 100);
    cw_revive_node(w, 0);
    cw_node_at(w, 0)->ping_reply = "-LOADING Redis is loading the dataset in memory";
    int sd = -1;
    for (int i = 0; i < 2000 && sd < 0; i++) {
        cw_run(w, cw_now(w) + 10);
        sd = cw_find(w, from, -1, "+sdown", "master mymaster");
    }
    assert_true(sd >= 0);
    cw_node_at(w, 0)->ping_reply = NULL;
    cw_run(w, cw_now(w) + 3000);
    if (getenv("CW_DUMP")) { cw_dump(w, from); }
    int k = cw_event_at(w, sd)->sentinel;
    int reboot = seam_must_find(w, from, k, "+reboot", "master mymaster 10.0.1.1 6379");
    assert_true(reboot < sd);
    uint64_t waited = t_at(w, sd) - t_at(w, reboot);
    assert_true(waited > 3000 && waited <= 3200);
    int up = seam_must_find(w, sd, k, "-sdown", "master mymaster 10.0.1.1 6379");
    assert_true(t_at(w, up) - t_at(w, sd) <= 1300);
    for (int j = 0; j < 3; j++) {
        seam_must_find(w, from, j, "+reboot", "master mymaster 10.0.1.1 6379");
    }
    /* Every sentinel saw the reboot at about the same INFO, so they all go
     * SDOWN within a tick or so: the normal ODOWN/failover path follows. */
    seam_must_find(w, from, -1, "+odown", "master mymaster 10.0.1.1 6379");
    assert_int_equal(cw_count(w, -1, "+elected-leader", NULL), 1);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seam_enforce_fix_slave_config),
        cmocka_unit_test(test_seam_enforce_master_reboot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
