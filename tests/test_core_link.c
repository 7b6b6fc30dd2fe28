/* test_core_link.c: connections and their hiredis semantics (spec §4).
 *
 * Method: one core driven by hand: the test plays the network, answering
 * (or not) exactly the commands it wants, so every rule is observed at the
 * seam (CONNECT / SEND / CLOSE outputs).
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

/* What the hand-driven network saw in the last steps. */
struct net {
    struct core_sentinel *s;
    uint64_t now;
    uint32_t cc, pc;  /* latest conn ids of each kind */
    uint64_t sub_cmd; /* the SUBSCRIBE command id */
    int connects, closes, sends;
    uint32_t closed[16];
    int nclosed;
};

static void observe(struct net *n, const struct core_output *o, size_t len) {
    for (size_t k = 0; k < len; k++) {
        if (o[k].kind == CORE_OUT_CONNECT) {
            n->connects++;
            *(o[k].conn_kind == CORE_CONN_PUBSUB ? &n->pc : &n->cc) = o[k].conn;
        } else if (o[k].kind == CORE_OUT_CLOSE) {
            n->closes++;
            if (n->nclosed < 16) { n->closed[n->nclosed++] = o[k].conn; }
        } else if (o[k].kind == CORE_OUT_SEND) {
            n->sends++;
            if (strcmp(o[k].argv[0], "SUBSCRIBE") == 0) { n->sub_cmd = o[k].cmd; }
        }
    }
}

static void step(struct net *n, const struct core_input *in) {
    const struct core_output *o;
    size_t len;
    assert_int_equal(core_step(n->s, n->now, in, &o, &len), CORE_OK);
    observe(n, o, len);
}

/* Ticks at each deadline until `until`. */
static void run(struct net *n, uint64_t until) {
    while (core_deadline_ms(n->s) <= until) {
        n->now = core_deadline_ms(n->s);
        struct core_input in = {.kind = CORE_IN_TICK};
        step(n, &in);
    }
    n->now = until;
}

static void start(struct net *n) {
    const char *conf = "sentinel monitor m 10.0.1.1 6379 2\n"
                       "sentinel down-after-milliseconds m 5000\n";
    struct core_limits l = core_limits_default();
    struct core_options o = {conf, strlen(conf), 1, false};
    struct core_allocator a = core_test_malloc();
    struct core_error e;
    memset(n, 0, sizeof(*n));
    n->now = 1000000;
    assert_int_equal(core_new(&l, &o, &a, n->now, &n->s, &e), CORE_OK);
    struct core_input in = {.kind = CORE_IN_START};
    step(n, &in);
    run(n, n->now + 10);
    assert_int_equal(n->connects, 2);
}

static const char *master_flags(struct net *n, char *buf, size_t cap) {
    const char *argv[] = {"SENTINEL", "MASTER", "m"};
    size_t lens[] = {8, 6, 1};
    struct core_input in = {.kind = CORE_IN_COMMAND, .argc = 3, .argv = argv, .argv_len = lens};
    const struct core_output *o;
    size_t len;
    assert_int_equal(core_step(n->s, n->now, &in, &o, &len), CORE_OK);
    const struct core_reply *r = o[len - 1].reply;
    snprintf(buf, cap, "%.*s", (int)r->elements[9].len, r->elements[9].str);
    return buf;
}

static void test_link_subscribe_error_closes_pubsub(void **state) {
    /* Goal: an error answer to SUBSCRIBE closes the pub/sub connection (the
     * hiredis behaviour), the link shows "disconnected", and only the
     * pub/sub connection is re-created, once per PING-PERIOD (§4.5). */
    (void)state;
    struct net n;
    char buf[128];
    start(&n);
    struct core_input up = {.kind = CORE_IN_CONN_UP, .conn = n.cc, .local_ip = "10.0.0.1"};
    step(&n, &up);
    up.conn = n.pc;
    step(&n, &up);
    struct core_reply err = {
        .type = CORE_REPLY_ERROR, .str = "NOAUTH Authentication required.", .len = 31};
    struct core_input rep = {.kind = CORE_IN_REPLY, .conn = n.pc, .cmd = n.sub_cmd, .reply = &err};
    uint32_t old_pc = n.pc;
    step(&n, &rep);
    assert_int_equal(n.closes, 1);
    assert_int_equal(n.closed[0], old_pc);
    assert_string_equal(master_flags(&n, buf, sizeof(buf)), "master,disconnected");
    run(&n, n.now + 1200);
    assert_int_equal(n.connects, 3);
    assert_int_not_equal(n.pc, old_pc);
    core_free(n.s);
}

static void test_link_pending_cap_and_inactivity(void **state) {
    /* Goal: with no replies at all, periodic commands stop at 100 pending;
     * after MIN-LINK-RECONNECT-PERIOD both connections are closed for
     * inactivity and re-created, and the unanswered PING keeps aging across
     * the reconnect (SDOWN stays) (§4.1, §4.4, §5.1). */
    (void)state;
    struct net n;
    char buf[128];
    start(&n);
    uint64_t t0 = n.now;
    run(&n, t0 + 12000);
    int sends = n.sends;
    run(&n, t0 + 14000);
    assert_int_equal(n.sends, sends);
    assert_int_equal(n.closes, 0);
    run(&n, t0 + 15300);
    assert_int_equal(n.closes, 2);
    run(&n, t0 + 16500);
    assert_int_equal(n.connects, 4);
    assert_string_equal(master_flags(&n, buf, sizeof(buf)), "s_down,master");
    core_free(n.s);
}

static void test_link_stale_ids_ignored(void **state) {
    /* Goal: inputs about a conn the core closed, or with an unknown command
     * id, change nothing and are not errors; inputs violating the seam are
     * CORE_E_INPUT (§core.h). */
    (void)state;
    struct net n;
    start(&n);
    struct core_reply pong = {.type = CORE_REPLY_STATUS, .str = "PONG", .len = 4};
    struct core_input rep = {.kind = CORE_IN_REPLY, .conn = 12345, .cmd = 1, .reply = &pong};
    step(&n, &rep);
    struct core_input down = {.kind = CORE_IN_CONN_DOWN, .conn = 999999};
    step(&n, &down);
    struct core_input again = {.kind = CORE_IN_START};
    const struct core_output *o;
    size_t len;
    assert_int_equal(core_step(n.s, n.now, &again, &o, &len), CORE_E_INPUT);
    struct core_input bad = {.kind = CORE_IN_REPLY, .conn = n.cc, .reply = NULL};
    assert_int_equal(core_step(n.s, n.now, &bad, &o, &len), CORE_E_INPUT);
    core_free(n.s);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_subscribe_error_closes_pubsub),
        cmocka_unit_test(test_link_pending_cap_and_inactivity),
        cmocka_unit_test(test_link_stale_ids_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
