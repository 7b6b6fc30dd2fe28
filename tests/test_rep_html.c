/* test_rep_html.c: what the HTML timeline draws, checked in its markup.
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

#include "reports/report.h"
#include "tests/support/rep_fixture.h"

static size_t count(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

static void test_rep_html_draws_the_failover(void **state) {
    /* Goal: the page holds one lane per process, the fault, the old master
     * down, each sentinel's SDOWN and ODOWN span, the election, the
     * promotion, the reconfiguration and three switches, with texts
     * escaped. Method: render the §18.1 fixture (plus a record holding
     * markup) to memory and count the marks by class. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&fx, &p);
    rep_log_append(&fx.run.log, 44000, REP_KIND_LOG, REP_LEVEL_NOTICE, "s1", "", "<b>&\"x\"");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(rep_html_write(f, &fx.run, NULL, NULL, NULL), 0);
    fclose(f);
    assert_int_equal(count(buf, "<svg class=\"timeline\""), 1);
    assert_int_equal(count(buf, "class=\"lane-label\""), 6);
    assert_int_equal(count(buf, "<rect class=\"sdown\""), 3);
    assert_int_equal(count(buf, "<rect class=\"odown\""), 3);
    assert_int_equal(count(buf, "<rect class=\"down\""), 1); /* m, killed, never restarted */
    assert_int_equal(count(buf, "<g class=\"fault\">"), 1);
    assert_int_equal(count(buf, ">kill m</text>"), 1);
    assert_int_equal(count(buf, ">elected</text>"), 1);
    assert_int_equal(count(buf, ">promoted</text>"), 1);
    assert_int_equal(count(buf, ">switch</text>"), 3);
    assert_int_equal(count(buf, ">reconf</text>"), 1);
    assert_non_null(strstr(buf, "&lt;b&gt;&amp;&quot;x&quot;"));
    assert_null(strstr(buf, "<b>&\"x\""));
    assert_null(strstr(buf, "<script"));
    free(buf);
    rep_fx_free(&fx);
}

static void test_rep_html_is_deterministic(void **state) {
    /* Goal: the same run renders the same bytes (no clock, no pointers).
     * Method: render twice and compare. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&fx, &p);
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    FILE *f = open_memstream(&a, &la);
    assert_int_equal(rep_html_write(f, &fx.run, NULL, &fx.run, NULL), 0);
    fclose(f);
    f = open_memstream(&b, &lb);
    assert_int_equal(rep_html_write(f, &fx.run, NULL, &fx.run, NULL), 0);
    fclose(f);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    rep_fx_free(&fx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_html_draws_the_failover),
        cmocka_unit_test(test_rep_html_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
