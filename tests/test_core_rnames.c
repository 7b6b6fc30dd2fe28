/* test_core_rnames.c: the replica lookup table (core/instance.c) stays
 * exact as replicas come and go.
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
#include "core/rng.h"
#include "tests/support/core_test.h"

#define MASTERS  32
#define REPLICAS 8
#define HOSTS    24 /* replica addresses a master draws from */

static void replica_ip(char *ip, size_t cap, uint32_t master, uint32_t host) {
    snprintf(ip, cap, "10.%u.0.%u", master, host + 2);
}

/* Which hosts of each master are replicas now, as the test believes. */
static bool known[MASTERS][HOSTS];

/* Every master's replicas are found, and no other address of its hosts. */
static void check_lookups(struct core_sentinel *s) {
    for (uint32_t k = 0; k < MASTERS; k++) {
        uint32_t mslot = s->order[k];
        for (uint32_t h = 0; h < HOSTS; h++) {
            char ip[CORE_IP_MAX];
            replica_ip(ip, sizeof(ip), k, h);
            uint32_t r = core__replica_lookup(s, mslot, ip, 6379);
            assert_int_equal(r != CORE__NONE, known[k][h]);
            if (r != CORE__NONE) {
                assert_string_equal(s->insts[r].addr.ip, ip);
                assert_int_equal(s->insts[r].master, mslot);
            }
        }
    }
}

/* Goal: after any sequence of resets (all of a master's replicas released)
 * and rediscoveries, every replica of every master is found and none that
 * was released is, while the table runs at its highest load. Method:
 * MASTERS masters each filled to replicas_max from random hosts, so the
 * table (twice masters x replicas) is half full and probe chains cross
 * masters; 400 random resets, each followed by a full check. */
static void test_rnames_survive_resets(void **state) {
    (void)state;
    struct core__rng rng;
    core__rng_seed(&rng, 11);
    char conf[MASTERS * 64];
    size_t len = 0;
    for (uint32_t k = 0; k < MASTERS; k++) {
        len += (size_t)snprintf(conf + len, sizeof(conf) - len,
                                "sentinel monitor m%02u 10.%u.0.1 6379 2\n", k, k);
    }
    struct core_limits l = core_limits_default();
    l.masters_max = MASTERS;
    l.replicas_max = REPLICAS;
    struct core_options o = {conf, len, 3, true};
    struct core_allocator a = core_test_malloc();
    struct core_sentinel *s;
    struct core_error e;
    assert_int_equal(core_new(&l, &o, &a, 1000, &s, &e), CORE_OK);
    assert_int_equal(s->nmasters, MASTERS);
    memset(known, 0, sizeof(known));
    for (int round = 0; round < 400; round++) {
        uint32_t k = round < MASTERS ? (uint32_t)round : core__rng_below(&rng, MASTERS);
        uint32_t mslot = s->order[k];
        core__release_replicas(s, mslot);
        memset(known[k], 0, sizeof(known[k]));
        for (uint32_t n = 0; n < REPLICAS; n++) {
            uint32_t h = core__rng_below(&rng, HOSTS);
            if (known[k][h]) { continue; }
            char ip[CORE_IP_MAX];
            uint32_t r;
            const char *err = NULL;
            replica_ip(ip, sizeof(ip), k, h);
            assert_int_equal(core__create_replica(s, mslot, ip, 6379, &r, &err), CORE_OK);
            known[k][h] = true;
        }
        check_lookups(s);
    }
    core_free(s);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rnames_survive_resets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
