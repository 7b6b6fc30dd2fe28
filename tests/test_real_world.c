/* test_real_world.c: spawning and tearing down a real world, and readiness.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "real/link.h"
#include "real/netns.h"
#include "real/proc.h"
#include "real/sys.h"
#include "tests/support/real_fixture.h"

static const char *const three_three =
    "name: world\n"
    "timers: {info-period: 1000, publish-period: 500}\n"
    "defaults: {quorum: 2, down-after-milliseconds: 2000, failover-timeout: 6000}\n"
    "masters:\n"
    "  mymaster: {master: m, replicas: [r1, r2]}\n"
    "sentinels: 3\n";

/* Starts the world, waits until ready, checks the basics every process must
 * satisfy, tears it down and checks nothing is left. */
static void spawn_check_teardown(const char *yaml, bool netns) {
    struct scn s;
    rfx_load(&s, yaml);
    struct real_world w;
    int rc = real_world_init(&w, &s, REAL_SENTINEL_REDIS, netns);
    if (rc != 0) { fail_msg("init: %s", w.errstr); }
    if (real_world_start(&w) != 0) { fail_msg("start: %s", w.errstr); }
    if (real_world_wait_ready(&w, 20000) != 0) { fail_msg("ready: %s", w.errstr); }
    struct stat st;
    assert_int_equal(stat(w.guard.root, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    for (uint32_t k = 0; k < s.nodes_len + s.sentinels_len; k++) {
        struct real_proc *p = k < s.nodes_len ? &w.nodes[k] : &w.sentinels[k - s.nodes_len];
        assert_true(rfx_pid_running(p->pid));
        assert_int_equal(stat(p->dir, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0700);
        assert_true(p->port != 6379 && p->port != 26379);
        char conf[8192];
        assert_true(real__read_file(p->conf, conf, sizeof(conf)) > 0);
        char bind[80];
        snprintf(bind, sizeof(bind), "bind %s\n", p->ip);
        assert_non_null(strstr(conf, bind));
        assert_non_null(strstr(conf, "daemonize no\n"));
        if (netns) {
            assert_non_null(strstr(conf, "protected-mode no\n"));
        } else {
            assert_string_equal(p->ip, "127.0.0.1");
            /* Sentinel's own rewrite adds its default; data nodes keep Redis's. */
            if (p->id.kind == SCN_PROC_NODE) { assert_null(strstr(conf, "protected-mode")); }
        }
        if (p->id.kind == SCN_PROC_SENTINEL) {
            assert_int_equal(strlen(p->myid), 40);
            assert_non_null(strstr(conf, "loglevel verbose\n"));
        }
    }
    assert_int_equal(rfx_netns_count(w.guard.netns_prefix), netns ? 7 : 0);
    struct rfx_snapshot snap;
    rfx_snapshot(&w, &snap);
    real_world_close(&w);
    rfx_assert_gone(&snap);
    scn_free(&s);
}

static void test_real_world_loopback_spawn_teardown_leaves_nothing(void **state) {
    /* Goal: a loopback world comes up on private dirs and run-time ports, and
     * teardown leaves no process, port or dir. Method: spawn 3 nodes and 3
     * redis-sentinels, check them, close, check every trace is gone. */
    (void)state;
    spawn_check_teardown(three_three, false);
}

static void test_real_world_netns_spawn_teardown_leaves_nothing(void **state) {
    /* Goal: the same in namespace mode (one namespace per process plus the
     * hub), and no namespace survives teardown. Method: as above with
     * netns on; skipped when namespaces are unavailable (not root). */
    (void)state;
    char why[160];
    if (!real_netns_available(why, sizeof(why))) { skip(); }
    spawn_check_teardown(three_three, true);
}

static void test_real_world_two_runs_side_by_side_do_not_collide(void **state) {
    /* Goal: two worlds started at once pick disjoint ports and both become
     * ready. Method: start both before waiting for either. */
    (void)state;
    struct scn s;
    rfx_load(&s, three_three);
    static struct real_world a, b;
    assert_int_equal(real_world_init(&a, &s, REAL_SENTINEL_REDIS, false), 0);
    assert_int_equal(real_world_init(&b, &s, REAL_SENTINEL_REDIS, false), 0);
    if (real_world_start(&a) != 0) { fail_msg("a: %s", a.errstr); }
    if (real_world_start(&b) != 0) { fail_msg("b: %s", b.errstr); }
    for (uint32_t i = 0; i < s.nodes_len; i++) {
        for (uint32_t j = 0; j < s.nodes_len; j++) {
            assert_int_not_equal(a.nodes[i].port, b.nodes[j].port);
        }
    }
    assert_int_equal(real_world_wait_ready(&a, 20000), 0);
    assert_int_equal(real_world_wait_ready(&b, 20000), 0);
    struct rfx_snapshot sa, sb;
    rfx_snapshot(&a, &sa);
    rfx_snapshot(&b, &sb);
    real_world_close(&a);
    real_world_close(&b);
    rfx_assert_gone(&sa);
    rfx_assert_gone(&sb);
    scn_free(&s);
}

static void test_real_world_readiness_error_names_what_never_held(void **state) {
    /* Goal: a world that cannot get ready fails within the bound with a
     * message naming the replica that never synced. Method: r1's masterauth
     * is wrong, so its link to m never comes up. */
    (void)state;
    struct scn s;
    rfx_load(&s, "name: unready\n"
                 "defaults: {quorum: 2, down-after-milliseconds: 2000}\n"
                 "masters:\n"
                 "  mymaster:\n"
                 "    master: {name: m, requirepass: right}\n"
                 "    replicas: {r1: {masterauth: wrong}}\n"
                 "    auth-pass: right\n"
                 "sentinels: 1\n");
    struct real_world w;
    assert_int_equal(real_world_init(&w, &s, REAL_SENTINEL_REDIS, false), 0);
    if (real_world_start(&w) != 0) { fail_msg("start: %s", w.errstr); }
    uint64_t t0 = real__now_ms();
    assert_int_equal(real_world_wait_ready(&w, 1500), -1);
    uint64_t took = real__now_ms() - t0;
    assert_true(took >= 1500 && took < 4000);
    assert_non_null(strstr(w.errstr, "not ready after 1500 ms"));
    assert_non_null(strstr(w.errstr, "node r1 is not in sync with m"));
    real_world_close(&w);
    scn_free(&s);
}

static void test_real_world_start_error_names_the_process(void **state) {
    /* Goal: a process that cannot start is reported by name with its own
     * last words. Method: point REDIS_SENTINEL at a program that exits at
     * once; the data nodes start, the first sentinel does not. */
    (void)state;
    struct scn s;
    rfx_load(&s, three_three);
    setenv("REDIS_SENTINEL", "/bin/false", 1);
    struct real_world w;
    assert_int_equal(real_world_init(&w, &s, REAL_SENTINEL_REDIS, false), 0);
    int rc = real_world_start(&w);
    unsetenv("REDIS_SENTINEL");
    assert_int_equal(rc, -1);
    assert_non_null(strstr(w.errstr, "s1 exited at start"));
    struct rfx_snapshot snap;
    rfx_snapshot(&w, &snap);
    real_world_close(&w);
    rfx_assert_gone(&snap);
    scn_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_world_loopback_spawn_teardown_leaves_nothing),
        cmocka_unit_test(test_real_world_netns_spawn_teardown_leaves_nothing),
        cmocka_unit_test(test_real_world_two_runs_side_by_side_do_not_collide),
        cmocka_unit_test(test_real_world_readiness_error_names_what_never_held),
        cmocka_unit_test(test_real_world_start_error_names_the_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
