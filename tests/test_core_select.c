/* test_core_select.c: replica selection, every filter and tie-break (§10).
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

#include "core/internal.h"
#include "tests/support/core_test.h"

#define NOW 50000000

/* A core monitoring one master with replicas 10.0.1.2 .. 10.0.1.<n+1>, all
 * made healthy: connected, pinged and INFO'd just now. */
static struct core_sentinel *with_replicas(int n) {
    char conf[4096];
    size_t len = (size_t)snprintf(conf, sizeof(conf),
                                  "sentinel monitor m 10.0.1.1 6379 2\n"
                                  "sentinel down-after-milliseconds m 30000\n");
    for (int j = 0; j < n; j++) {
        len += (size_t)snprintf(conf + len, sizeof(conf) - len,
                                "sentinel known-replica m 10.0.1.%d 6379\n", j + 2);
    }
    struct core_limits l = core_limits_default();
    struct core_options o = {conf, len, 3, true};
    struct core_allocator a = core_test_malloc();
    struct core_sentinel *s;
    struct core_error e;
    assert_int_equal(core_new(&l, &o, &a, NOW, &s, &e), CORE_OK);
    s->now = NOW;
    struct core__master *m = &s->masters[s->order[0]];
    for (uint32_t j = 0; j < m->nreplicas; j++) {
        struct core__inst *ri = &s->insts[m->replicas[j]];
        s->links[ri->link].disconnected = false;
        s->links[ri->link].last_avail_time = NOW;
        ri->info_refresh = NOW;
    }
    core__out_reset(s);
    return s;
}

static struct core__inst *rep(struct core_sentinel *s, int j) {
    return &s->insts[s->masters[s->order[0]].replicas[j]];
}

static const char *selected(struct core_sentinel *s) {
    core__out_reset(s);
    uint32_t r = core__select_slave(s, s->order[0]);
    return r == CORE__NONE ? "none" : s->insts[r].name;
}

static bool explained(struct core_sentinel *s, const char *text) {
    for (uint32_t k = 0; k < s->nouts; k++) {
        if (s->outs[k].kind == CORE_OUT_EXPLAIN && strstr(s->outs[k].text, text) != NULL) {
            return true;
        }
    }
    return false;
}

static void test_select_filters(void **state) {
    /* Goal: each filter of §10.1 excludes its replica and says why, and the
     * one replica passing them all is chosen. Method: seven replicas, six
     * of them failing one filter each, at the limit + 1 where numeric. */
    (void)state;
    struct core_sentinel *s = with_replicas(7);
    rep(s, 0)->flags |= CORE__F_S_DOWN;
    s->links[rep(s, 1)->link].disconnected = true;
    s->links[rep(s, 2)->link].last_avail_time = NOW - 5001;
    rep(s, 3)->slave_priority = 0;
    rep(s, 4)->info_refresh = NOW - 30001;
    rep(s, 5)->master_link_down_time = 300001;
    rep(s, 6)->slave_priority = 200; /* worse, but the only candidate left */
    assert_string_equal(selected(s), "10.0.1.8:6379");
    assert_true(explained(s, "10.0.1.2:6379 excluded: down"));
    assert_true(explained(s, "10.0.1.3:6379 excluded: disconnected"));
    assert_true(explained(s, "10.0.1.4:6379 excluded: last valid ping reply 5001 ms > limit 5000"));
    assert_true(explained(s, "10.0.1.5:6379 excluded: priority 0"));
    assert_true(explained(s, "10.0.1.6:6379 excluded: INFO age 30001 ms > limit 30000 ms"));
    assert_true(
        explained(s, "10.0.1.7:6379 excluded: master link down 300001 ms > limit 300000 ms"));
    /* At the limits exactly, everything passes. */
    s->links[rep(s, 2)->link].last_avail_time = NOW - 5000;
    rep(s, 4)->info_refresh = NOW - 30000;
    rep(s, 5)->master_link_down_time = 300000;
    rep(s, 6)->slave_priority = 100;
    assert_string_equal(selected(s), "10.0.1.4:6379");
    core_free(s);
}

static void test_select_master_sdown_limits(void **state) {
    /* Goal: with the master SDOWN, INFO must be at most 5 s old and the
     * link-down limit grows by the time the master has been SDOWN; a
     * replica never connected (-1 s) passes. Method: poke the master. */
    (void)state;
    struct core_sentinel *s = with_replicas(3);
    struct core__inst *mi = &s->insts[s->masters[s->order[0]].inst];
    mi->flags |= CORE__F_S_DOWN;
    mi->s_down_since_time = NOW - 20000;
    rep(s, 0)->info_refresh = NOW - 5001;
    rep(s, 1)->master_link_down_time = 320001;
    rep(s, 2)->master_link_down_time = -1000;
    assert_string_equal(selected(s), "10.0.1.4:6379");
    assert_true(explained(s, "10.0.1.2:6379 excluded: INFO age 5001 ms > limit 5000 ms"));
    assert_true(
        explained(s, "10.0.1.3:6379 excluded: master link down 320001 ms > limit 320000 ms"));
    rep(s, 1)->master_link_down_time = 320000;
    rep(s, 2)->slave_priority = 101;
    assert_string_equal(selected(s), "10.0.1.3:6379");
    core_free(s);
}

static void test_select_ordering(void **state) {
    /* Goal: lower priority first, then higher offset, then run id (case
     * insensitive, known before unknown), then the name as our
     * deterministic last resort (§10.2). Method: a table of pairs. */
    (void)state;
    static const struct {
        int prio[2];
        uint64_t off[2];
        const char *runid[2];
        int want;
    } rows[] = {
        {{100, 90}, {5, 1}, {"", ""}, 1},
        {{100, 100}, {5, 9}, {"", ""}, 1},
        {{100, 100},
         {9, 9},
         {"B000000000000000000000000000000000000000", "a000000000000000000000000000000000000000"},
         1},
        {{100, 100}, {9, 9}, {"", "f000000000000000000000000000000000000000"}, 1},
        {{100, 100},
         {9, 9},
         {"C000000000000000000000000000000000000000", "c000000000000000000000000000000000000000"},
         0},
        {{100, 100}, {9, 9}, {"", ""}, 0},
    };
    for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
        struct core_sentinel *s = with_replicas(2);
        for (int j = 0; j < 2; j++) {
            rep(s, j)->slave_priority = rows[k].prio[j];
            rep(s, j)->slave_repl_offset = rows[k].off[j];
            snprintf(rep(s, j)->runid, sizeof(rep(s, j)->runid), "%s", rows[k].runid[j]);
        }
        const char *want = rows[k].want == 0 ? "10.0.1.2:6379" : "10.0.1.3:6379";
        if (strcmp(selected(s), want) != 0) { fail_msg("row %zu: want %s", k, want); }
        core_free(s);
    }
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_filters),
        cmocka_unit_test(test_select_master_sdown_limits),
        cmocka_unit_test(test_select_ordering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
