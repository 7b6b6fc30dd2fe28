/* test_core_pure_hello.c: the hello parser and formatter (core/hello.c, §5.3.1).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/hello.h"
#include "tests/support/core_test.h"

#define ID "0123456789abcdef0123456789abcdef01234567"

static int parse_str(const char *s, struct core__hello *h) {
    return core__hello_parse(s, strlen(s), h);
}

/* Goal: a real hello parses into its 8 fields.
 * Method: the payload a sentinel on 10.0.0.5:26379 sends about mymaster. */
static void test_hello_parse_fields(void **state) {
    (void)state;
    struct core__hello h;
    assert_int_equal(parse_str("10.0.0.5,26379," ID ",7,mymaster,10.0.0.1,6379,6", &h), 0);
    assert_string_equal(h.ip, "10.0.0.5");
    assert_int_equal(h.port, 26379);
    assert_string_equal(h.runid, ID);
    assert_int_equal(h.current_epoch, 7);
    assert_string_equal(h.master_name, "mymaster");
    assert_string_equal(h.master_ip, "10.0.0.1");
    assert_int_equal(h.master_port, 6379);
    assert_int_equal(h.master_config_epoch, 6);
}

/* Goal: a hello captured from a real redis-sentinel 7.0.15 (SUBSCRIBE
 * __sentinel__:hello on its master) parses, and formatting the result gives
 * back the very same bytes. Method: parse, format, compare. */
static void test_hello_real_sentinel_capture(void **state) {
    (void)state;
    static const char real[] =
        "127.0.0.1,26999,5992e2c78330cc0cc75922adc85425acb8a88c7a,0,mymaster,127.0.0.1,26990,0";
    struct core__hello h;
    assert_int_equal(core__hello_parse(real, sizeof(real) - 1, &h), 0);
    assert_int_equal(h.port, 26999);
    assert_int_equal(h.master_port, 26990);
    char mem[CORE__HELLO_MAX + 1];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(core__hello_format(&b, &h), 0);
    assert_string_equal(mem, real);
}

/* Goal: everything Sentinel would not have produced is rejected and leaves
 * a zeroed record. Method: table of malformed payloads. */
static void test_hello_parse_rejects_malformed(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",
        "10.0.0.5,26379," ID ",7,m,10.0.0.1,6379",    /* 7 tokens */
        "10.0.0.5,26379," ID ",7,m,10.0.0.1,6379,6,", /* 9 tokens */
        "10.0.0.5,26379," ID ",7,m,10.0.0.1,6379,6,x",
        ",26379," ID ",7,m,10.0.0.1,6379,6",                            /* empty ip */
        "10.0.0.5,0," ID ",7,m,10.0.0.1,6379,6",                        /* port 0 */
        "10.0.0.5,65536," ID ",7,m,10.0.0.1,6379,6",                    /* port too big */
        "10.0.0.5,+1," ID ",7,m,10.0.0.1,6379,6",                       /* sign */
        "10.0.0.5, 1," ID ",7,m,10.0.0.1,6379,6",                       /* space */
        "10.0.0.5,26379,0123,7,m,10.0.0.1,6379,6",                      /* short id */
        "10.0.0.5,26379," ID "8,7,m,10.0.0.1,6379,6",                   /* long id */
        "10.0.0.5,26379," ID ",-1,m,10.0.0.1,6379,6",                   /* negative epoch */
        "10.0.0.5,26379," ID ",18446744073709551616,m,10.0.0.1,6379,6", /* 2^64 */
        "10.0.0.5,26379," ID ",7,,10.0.0.1,6379,6",                     /* empty name */
        "10.0.0.5,26379," ID ",7,m,,6379,6",                            /* empty master ip */
        "10.0.0.5,26379," ID ",7,m,10.0.0.1,6379,",                     /* empty config epoch */
        "10.0.0.5,26379," ID ",7,m,10.0.0.1,6379,6x",                   /* garbage */
        "10.0.0.5,26379," ID ",,m,10.0.0.1,6379,6",                     /* empty epoch */
        ",,,,,,,",
    };
    for (size_t c = 0; c < sizeof(bad) / sizeof(bad[0]); c++) {
        struct core__hello h;
        memset(&h, 0x5a, sizeof(h));
        assert_int_equal(parse_str(bad[c], &h), -1);
        assert_int_equal(h.port, 0);
        assert_string_equal(h.ip, "");
        assert_string_equal(h.runid, "");
    }
}

/* Goal: field bounds: 63-byte name and 45-byte address fit, one more byte
 * does not; the largest epochs parse; NUL bytes are refused; len is honoured.
 * Method: payloads built around the limits. */
static void test_hello_parse_bounds(void **state) {
    (void)state;
    char name[CORE_NAME_MAX + 1], ip[CORE_IP_MAX + 1], p[512];
    struct core__hello h;
    for (int extra = 0; extra <= 1; extra++) {
        memset(name, 'n', sizeof(name));
        name[CORE_NAME_MAX - 1 + extra] = '\0';
        memset(ip, 'a', sizeof(ip));
        ip[CORE_IP_MAX - 1] = '\0';
        int n = snprintf(p, sizeof(p), "%s,1," ID ",18446744073709551615,%s,h,65535,0", ip, name);
        assert_int_equal(core__hello_parse(p, (size_t)n, &h), extra ? -1 : 0);
        if (!extra) {
            assert_int_equal(h.current_epoch, UINT64_MAX);
            assert_int_equal(strlen(h.master_name), CORE_NAME_MAX - 1);
            assert_int_equal(strlen(h.ip), CORE_IP_MAX - 1);
            assert_int_equal(h.master_port, 65535);
        }
        memset(ip, 'a', sizeof(ip));
        ip[CORE_IP_MAX] = '\0';
        n = snprintf(p, sizeof(p), "%s,1," ID ",1,m,h,1,0", ip);
        assert_int_equal(core__hello_parse(p, (size_t)n, &h), -1);
    }
    static const char nul[] = "1.2.3.4,1," ID ",1,m\0x,h,1,0";
    assert_int_equal(core__hello_parse(nul, sizeof(nul) - 1, &h), -1);
    static const char longer[] = "1.2.3.4,1," ID ",1,m,h,1,0,extra";
    assert_int_equal(core__hello_parse(longer, sizeof(longer) - 7, &h), 0);
    assert_int_equal(h.master_config_epoch, 0);
}

/* Goal: format writes the §5.3.1 layout and parse(format(h)) == h.
 * Method: format a record, compare the text, parse it back, memcmp. */
static void test_hello_format_round_trip(void **state) {
    (void)state;
    struct core__hello h, back;
    memset(&h, 0, sizeof(h));
    strcpy(h.ip, "127.0.0.1");
    h.port = 26380;
    strcpy(h.runid, ID);
    h.current_epoch = UINT64_MAX;
    strcpy(h.master_name, "mymaster");
    strcpy(h.master_ip, "::1");
    h.master_port = 6379;
    h.master_config_epoch = 3;
    char mem[CORE__HELLO_MAX + 1];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(core__hello_format(&b, &h), 0);
    assert_string_equal(mem, "127.0.0.1,26380," ID ",18446744073709551615,mymaster,::1,6379,3");
    assert_int_equal(core__hello_parse(b.data, b.len, &back), 0);
    assert_memory_equal(&h, &back, sizeof(h));
}

/* Goal: the largest possible hello fits CORE__HELLO_MAX exactly, and a
 * too-small buffer reports overflow. Method: all fields at their maximum. */
static void test_hello_format_max_and_overflow(void **state) {
    (void)state;
    struct core__hello h;
    memset(&h, 0, sizeof(h));
    memset(h.ip, '1', CORE_IP_MAX - 1);
    memset(h.master_ip, '2', CORE_IP_MAX - 1);
    memset(h.master_name, 'm', CORE_NAME_MAX - 1);
    strcpy(h.runid, ID);
    h.port = h.master_port = 65535;
    h.current_epoch = h.master_config_epoch = UINT64_MAX;
    char mem[CORE__HELLO_MAX + 1];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(core__hello_format(&b, &h), 0);
    assert_int_equal(b.len, CORE__HELLO_MAX);
    core__buf_init(&b, mem, CORE__HELLO_MAX);
    assert_int_equal(core__hello_format(&b, &h), -1);
    assert_true(b.overflow);
    h.port = 0;
    CORE_TEST_EXPECT_ASSERT(core__hello_format(&b, &h));
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello_parse_fields),
        cmocka_unit_test(test_hello_real_sentinel_capture),
        cmocka_unit_test(test_hello_parse_rejects_malformed),
        cmocka_unit_test(test_hello_parse_bounds),
        cmocka_unit_test(test_hello_format_round_trip),
        cmocka_unit_test(test_hello_format_max_and_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
