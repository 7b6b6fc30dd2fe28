/* test_rep_run.c: the run's process and address lookups.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reports/internal.h"
#include "tests/support/rep_fixture.h"

static void test_rep_run_finds_every_process(void **state) {
    /* Goal: every scenario name resolves to its process and nothing else
     * does. Method: look up each node and sentinel of the fixture, then
     * names sorting before, between and after them. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    struct scn_proc p;
    for (uint32_t i = 0; i < fx.scn.nodes_len; i++) {
        assert_int_equal(rep__find_proc(&fx.run, fx.nodes[i].name, &p), 0);
        assert_int_equal(p.kind, SCN_PROC_NODE);
        assert_int_equal(p.index, i);
    }
    for (uint32_t i = 0; i < fx.scn.sentinels_len; i++) {
        assert_int_equal(rep__find_proc(&fx.run, fx.sentinels[i].name, &p), 0);
        assert_int_equal(p.kind, SCN_PROC_SENTINEL);
        assert_int_equal(p.index, i);
    }
    static const char *const unknown[] = {"", "a", "r", "r0", "r3", "s", "s4", "zz", "client"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        assert_int_equal(rep__find_proc(&fx.run, unknown[i], &p), -1);
    }
    rep_fx_free(&fx);
}

static void test_rep_run_address_first_registration_wins(void **state) {
    /* Goal: an address registered twice answers as a scan in registration
     * order would: its first name, and for node lookups its first node.
     * Method: re-register r1's address for s1, and a new address first for
     * s3 then for r2; also ask for a port that a 16-bit wrap would find. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    struct scn_proc s1 = {SCN_PROC_SENTINEL, 0}, s3 = {SCN_PROC_SENTINEL, 2};
    struct scn_proc r2 = {SCN_PROC_NODE, 2};
    assert_int_equal(rep_run_add_name(&fx.run, "127.0.0.1", 6380, "", s1), 0);
    assert_int_equal(rep_run_add_name(&fx.run, "10.0.0.2", 7000, "", s3), 0);
    assert_int_equal(rep_run_add_name(&fx.run, "10.0.0.2", 7000, "", r2), 0);
    assert_string_equal(rep_run_name_of_addr(&fx.run, "127.0.0.1", 6380), "r1");
    assert_int_equal(rep__node_of_addr(&fx.run, "127.0.0.1", 6380), 1);
    assert_string_equal(rep_run_name_of_addr(&fx.run, "10.0.0.2", 7000), "s3");
    assert_int_equal(rep__node_of_addr(&fx.run, "10.0.0.2", 7000), 2);
    assert_string_equal(rep_run_name_of_addr(&fx.run, "127.0.0.1", 26381), "s3");
    assert_int_equal(rep__node_of_addr(&fx.run, "127.0.0.1", 26381), -1);
    assert_int_equal(rep__node_of_addr(&fx.run, "127.0.0.1", 6379 + 65536), -1);
    assert_null(rep_run_name_of_addr(&fx.run, "127.0.0.2", 6379));
    assert_null(rep_run_name_of_addr(&fx.run, "10.0.0.2", 7001));
    rep_fx_free(&fx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_run_finds_every_process),
        cmocka_unit_test(test_rep_run_address_first_registration_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
