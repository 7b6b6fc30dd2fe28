/* test_core_limits.c: a deployment larger than the core's limits is reported,
 * not silently capped (core_limit_refusals, core.h).
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

/* ---------------------------------------------------------------- config file size */

#define BATCH     15 /* replicas one INFO reply reveals */
#define SAVED     "Sentinel new configuration saved on disk"
#define NOT_SAVED "WARNING: Sentinel was not able to save the new configuration on disk"

/* Comments that bring the file near the smallest config_bytes_max. */
#define PAD_LINE    "# a comment long enough that the config file nears the limit under test ...\n"
#define PAD_LINES_4 PAD_LINE PAD_LINE PAD_LINE PAD_LINE
#define PADDING     PAD_LINES_4 PAD_LINES_4 PAD_LINE PAD_LINE PAD_LINE

/* One sentinel (config_bytes_max `cap`, 0: default) watching a master
 * whose first INFO reply lists `replicas` replicas, run past that reply. */
static struct cw *batch_world(int replicas, size_t cap) {
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    for (int k = 0; k < replicas; k++) {
        char ip[CORE_IP_MAX];
        snprintf(ip, sizeof(ip), "10.0.2.%d", 10 + k);
        cw_node(w, ip, 6379, m);
    }
    struct core_limits l = core_limits_default();
    if (cap > 0) { l.config_bytes_max = cap; }
    cw_set_limits(w, &l);
    cw_sentinel(w, PADDING CONF, 71);
    cw_run(w, cw_now(w) + 2000);
    return w;
}

/* Goal: when a batch of +slave discoveries outgrows config_bytes_max, the
 * flushes succeed exactly while the file they write fits, in order, and the
 * file left is the one the last successful flush wrote: the batch is not
 * rewritten once per replica any more, but it must read as if it were
 * (§16.3; core__flush_config_later()). Method: the files of batches of 0 to
 * 15 replicas with room to spare are the oracle; every limit from the
 * smallest file to past the largest, byte by byte. */
static void test_limits_config_file_full_mid_batch(void **state) {
    (void)state;
    char *file[BATCH + 1];
    int saved_all = 0;
    for (int n = 0; n <= BATCH; n++) {
        struct cw *w = batch_world(n, 0);
        file[n] = strdup(cw_persisted(w, 0));
        assert_non_null(file[n]);
        if (n == BATCH) { saved_all = cw_count(w, 0, "", SAVED); }
        assert_int_equal(cw_count(w, 0, "", NOT_SAVED), 0);
        cw_free(w);
    }
    assert_true(strlen(file[0]) + 1 >= 1024);
    for (size_t cap = strlen(file[0]) + 1; cap <= strlen(file[BATCH]) + 2; cap++) {
        int fit = 0; /* replicas whose flush fits: files stay below cap */
        while (fit < BATCH && strlen(file[fit + 1]) < cap) {
            fit++;
        }
        struct cw *w = batch_world(BATCH, cap);
        assert_string_equal(cw_persisted(w, 0), file[fit]);
        assert_int_equal(cw_count(w, 0, "", SAVED), saved_all - (BATCH - fit));
        assert_int_equal(cw_count(w, 0, "", NOT_SAVED), BATCH - fit);
        int first_refused = cw_find(w, 0, 0, "", NOT_SAVED);
        assert_true(first_refused < 0 || cw_find(w, first_refused, 0, "", SAVED) < 0);
        cw_free(w);
    }
    for (int n = 0; n <= BATCH; n++) {
        free(file[n]);
    }
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits_default_fit),
        cmocka_unit_test(test_limits_replicas_refused),
        cmocka_unit_test(test_limits_sentinels_refused),
        cmocka_unit_test(test_limits_config_file_full_mid_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
