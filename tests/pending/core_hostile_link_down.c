/* core_hostile_link_down.c: the regression test for the first crash
 * fuzz_core_step found, waiting for its fix (tests/pending/README.md).
 *
 * Method: a drop-in for tests/test_core_hostile.c (add the function and
 * its cmocka_unit_test line there once core/refresh.c no longer multiplies
 * master_link_down_since_seconds by 1000 in signed 64-bit arithmetic):
 * bad answers INFO with the largest and the smallest 64-bit values of
 * master_link_down_since_seconds. Today `make V=san` aborts with
 * "core/refresh.c:110: signed integer overflow: 9223372036854775807 * 1000";
 * the fuzz input is tests/fuzz/regress/core_step-link-down-overflow.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */

static void test_info_link_down_since_overflow(void **state) {
    /* Goal: master_link_down_since_seconds of +-2^63 (Redis reads it with
     * strtoll and multiplies by 1000) is stored without undefined
     * behaviour and hurts nothing. Method: bad alternates the two values
     * (on a master and on a replica-looking INFO); under V=san any signed
     * overflow aborts the test; good must still fail over. */
    (void)state;
    static const char *const texts[] = {
        RUNID_OK "role:master\r\nmaster_link_down_since_seconds:9223372036854775807\r\n",
        RUNID_OK "role:slave\r\nmaster_host:10.0.1.1\r\nmaster_port:6379\r\n"
                 "master_link_down_since_seconds:-9223372036854775808\r\n",
        NULL};
    struct texts t = {texts, 0, {0}};
    struct hw *w = with_info_texts(&t);
    hw_free(w);
}
