/* test_core_limits.c: a deployment larger than the core's limits is reported,
 * not silently capped (core_limit_refusals, core.h).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define CONF "sentinel monitor mymaster 10.0.1.1 6379 2\n"

/* A master with three replicas watched by three sentinels, settled; the first
 * sentinel runs with `first` limits, the others with the defaults. */
static struct cw *world(const struct core_limits *first) {
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    cw_node(w, "10.0.1.3", 6379, m);
    cw_node(w, "10.0.1.4", 6379, m);
    cw_set_limits(w, first);
    cw_sentinel(w, CONF, 70);
    struct core_limits def = core_limits_default();
    cw_set_limits(w, &def);
    cw_sentinel(w, CONF, 71);
    cw_sentinel(w, CONF, 72);
    cw_run(w, cw_now(w) + 15000);
    return w;
}

static void test_limits_default_fit(void **state) {
    /* Goal: a deployment within the limits refuses nothing. Method: default
     * limits everywhere; every replica and sentinel is recorded and the
     * refusal count stays 0. */
    (void)state;
    struct core_limits l = core_limits_default();
    struct cw *w = world(&l);
    struct core_master_view v;
    assert_int_equal(core_master(cw_core(w, 0), 0, &v), 0);
    assert_int_equal(v.replicas, 3);
    assert_int_equal(v.sentinels, 2);
    assert_int_equal(core_limit_refusals(cw_core(w, 0)), 0);
    cw_free(w);
}

static void test_limits_replicas_refused(void **state) {
    /* Goal: a master with more replicas than replicas_max is visible to the
     * driver as refusals (Sentinel itself has no such bound). Method: the
     * first sentinel may record 2 replicas of the 3; after discovery it holds
     * 2 and reports refusals; the sentinels with default limits refuse none. */
    (void)state;
    struct core_limits l = core_limits_default();
    l.replicas_max = 2;
    struct cw *w = world(&l);
    struct core_master_view v;
    assert_int_equal(core_master(cw_core(w, 0), 0, &v), 0);
    assert_int_equal(v.replicas, 2);
    assert_true(core_limit_refusals(cw_core(w, 0)) > 0);
    assert_int_equal(core_limit_refusals(cw_core(w, 1)), 0);
    cw_free(w);
}

static void test_limits_sentinels_refused(void **state) {
    /* Goal: the same for other sentinels beyond sentinels_max. Method: the
     * first sentinel may record 1 of its 2 peers; it reports refusals. */
    (void)state;
    struct core_limits l = core_limits_default();
    l.sentinels_max = 1;
    struct cw *w = world(&l);
    struct core_master_view v;
    assert_int_equal(core_master(cw_core(w, 0), 0, &v), 0);
    assert_int_equal(v.sentinels, 1);
    assert_true(core_limit_refusals(cw_core(w, 0)) > 0);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits_default_fit),
        cmocka_unit_test(test_limits_replicas_refused),
        cmocka_unit_test(test_limits_sentinels_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
