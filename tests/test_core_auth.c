/* test_core_auth.c: outgoing credentials and renamed commands (spec §4.2,
 * §5.2, §12.6, §12.7).
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
    "sentinel monitor m 10.0.1.1 6379 2\n"                                                         \
    "sentinel down-after-milliseconds m 3000\n"

static struct core_reply *run3(struct cw *w, const char *a, const char *b, const char *c) {
    const char *argv[] = {"SENTINEL", "SET", "m", a, b, c};
    return cw_command(w, 0, c != NULL ? 6 : 5, argv);
}

static void test_auth_master_credentials(void **state) {
    /* Goal: SENTINEL SET auth-pass drops the master's and replicas'
     * connections, which come back sending AUTH <pass> first; with
     * auth-user too, AUTH <user> <pass> (§4.2, §12.7). Method: logged sends
     * in the test world. */
    (void)state;
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    cw_log_sends(w, true);
    cw_sentinel(w, CONF, 2);
    cw_run(w, cw_now(w) + 12000);
    assert_int_equal(cw_find(w, 0, 0, ">", "AUTH"), -1);
    uint64_t t0 = cw_now(w);
    cw_reply_free(run3(w, "auth-pass", "s3cret", NULL));
    cw_run(w, t0 + 2000);
    assert_int_equal(cw_count_sends(w, 0, "10.0.1.1:6379", "AUTH s3cret", t0, t0 + 2000), 2);
    assert_int_equal(cw_count_sends(w, 0, "10.0.1.2:6379", "AUTH s3cret", t0, t0 + 2000), 2);
    t0 = cw_now(w);
    cw_reply_free(run3(w, "auth-user", "alice", NULL));
    cw_run(w, t0 + 2000);
    assert_int_equal(cw_count_sends(w, 0, "10.0.1.1:6379", "AUTH alice s3cret", t0, t0 + 2000), 2);
    assert_non_null(strstr(cw_persisted(w, 0), "sentinel auth-user m alice\n"));
    cw_free(w);
}

static void test_auth_sentinel_links(void **state) {
    /* Goal: towards other sentinels the own requirepass is used when
     * sentinel-pass is unset, and CONFIG SET sentinel-pass drops those links
     * and switches to it (§4.2, §12.6). Method: two sentinels. */
    (void)state;
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_log_sends(w, true);
    cw_sentinel(w, "requirepass pw\n" CONF, 2);
    cw_sentinel(w, CONF, 3);
    cw_run(w, cw_now(w) + 10000);
    uint64_t t0 = cw_now(w);
    assert_true(cw_count_sends(w, 0, "10.0.0.2:26379", "AUTH pw", 0, t0) >= 1);
    const char *argv[] = {"SENTINEL", "CONFIG", "SET", "sentinel-pass", "other"};
    struct core_reply *r = cw_command(w, 0, 5, argv);
    assert_string_equal(r->str, "OK");
    cw_reply_free(r);
    cw_run(w, t0 + 2000);
    assert_int_equal(cw_count_sends(w, 0, "10.0.0.2:26379", "AUTH other", t0, t0 + 2000), 1);
    assert_int_equal(cw_count_sends(w, 0, "10.0.0.2:26379", "AUTH pw", t0, t0 + 2000), 0);
    cw_free(w);
}

static void test_auth_rename_ping(void **state) {
    /* Goal: rename-command applies to every command sent to the master and
     * its replicas; renaming PING to PONG gets "-ERR unknown command"
     * replies, which are invalid, so the master goes SDOWN; undoing it
     * brings it back (acceptance test 07). */
    (void)state;
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_log_sends(w, true);
    cw_sentinel(w, CONF, 2);
    cw_run(w, cw_now(w) + 3000);
    int from = cw_events_len(w);
    struct core_reply *r = run3(w, "rename-command", "PING", "PONG");
    assert_string_equal(r->str, "OK");
    cw_reply_free(r);
    assert_true(cw_find(w, from, 0, "+set", "master m 10.0.1.1 6379 rename-command PING PONG") >=
                0);
    cw_run(w, cw_now(w) + 5000);
    assert_true(cw_find(w, from, 0, ">", "PONG") >= 0);
    assert_true(cw_find(w, from, 0, "+sdown", "master m") >= 0);
    cw_reply_free(run3(w, "rename-command", "PING", "PING"));
    cw_run(w, cw_now(w) + 3000);
    assert_true(cw_find(w, from, 0, "-sdown", "master m") >= 0);
    assert_null(strstr(cw_persisted(w, 0), "rename-command"));
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_master_credentials),
        cmocka_unit_test(test_auth_sentinel_links),
        cmocka_unit_test(test_auth_rename_ping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
