/* test_real_sentinel_conf.c: the process directives `sentsim sentinel`
 * reads itself, and command-line options appended as config lines
 * (real/sentinel_conf.c).
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
#include <unistd.h>

#include <cmocka.h>

#include "real/sentinel_conf.h"

/* Goal: defaults are Redis's (bind "* -::*", stdout, notice) and the
 * directives override them, quotes and case included. Method: load a small
 * text without side effects. */
static void test_sentinel_conf_directives(void **state) {
    (void)state;
    struct real_sentinel_conf c;
    uint32_t line = 0;
    char msg[128];
    assert_int_equal(real_sentinel_conf_load("", 0, false, &c, &line, msg, sizeof(msg)), 0);
    assert_int_equal(c.binds_len, 2);
    assert_string_equal(c.binds[0], "*");
    assert_string_equal(c.binds[1], "-::*");
    assert_string_equal(c.logfile, "");
    assert_int_equal(c.loglevel, CORE_LEVEL_NOTICE);
    assert_null(c.pidfile);
    assert_null(c.requirepass);
    real_sentinel_conf_free(&c);
    const char *text = "# comment\n  BIND 127.0.0.1 -::1\r\nloglevel WARNING\n"
                       "requirepass \"a b\"\npidfile /tmp/x.pid\nsentinel myid x\nlogfile \"\"\n"
                       "daemonize YES\n";
    assert_int_equal(
        real_sentinel_conf_load(text, strlen(text), false, &c, &line, msg, sizeof(msg)), 0);
    assert_int_equal(c.binds_len, 2);
    assert_string_equal(c.binds[1], "-::1");
    assert_int_equal(c.loglevel, CORE_LEVEL_WARNING);
    assert_string_equal(c.requirepass, "a b");
    assert_string_equal(c.pidfile, "/tmp/x.pid");
    assert_true(c.daemonize);
    real_sentinel_conf_free(&c);
}

/* Goal: a bad process directive is reported with its line and Redis's
 * reason. Method: one text per case. */
static void test_sentinel_conf_errors_name_the_line(void **state) {
    (void)state;
    static const struct {
        const char *text;
        uint32_t line;
        const char *msg;
    } cases[] = {
        {"port 1\n\nloglevel loud\n", 3,
         "argument(s) must be one of the following: debug, verbose, notice, warning"},
        {"bind\n", 1, "wrong number of arguments"},
        {"x\npidfile a b\n", 2, "wrong number of arguments"},
        {"requirepass \"open\n", 1, "Unbalanced quotes in configuration line"},
        {"bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", 1,
         "Too many bind addresses specified."},
        {"daemonize maybe\n", 1, "argument must be 'yes' or 'no'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct real_sentinel_conf c;
        uint32_t line = 0;
        char msg[128];
        assert_int_equal(real_sentinel_conf_load(cases[i].text, strlen(cases[i].text), false, &c,
                                                 &line, msg, sizeof(msg)),
                         -1);
        assert_int_equal(line, cases[i].line);
        assert_string_equal(msg, cases[i].msg);
        char shown[64];
        real_sentinel_conf_line(cases[i].text, strlen(cases[i].text), line, shown, sizeof(shown));
        assert_true(strlen(shown) > 0);
    }
}

/* Goal: "--name value" options become config lines after the file, values
 * quoted so they read back as one word. Method: read a temp file. */
static void test_sentinel_conf_read_appends_options(void **state) {
    (void)state;
    char path[] = "/tmp/sentsim-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "port 1", 6), 6);
    close(fd);
    char o0[] = "--port", o1[] = "5000", o2[] = "--requirepass", o3[] = "a \"b\"";
    char *opts[] = {o0, o1, o2, o3};
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(real_sentinel_conf_read(path, 4, opts, &text, &len), 0);
    assert_string_equal(text, "port 1\nport \"5000\"\nrequirepass \"a \\\"b\\\"\"\n");
    assert_int_equal(len, strlen(text));
    struct real_sentinel_conf c;
    uint32_t line;
    char msg[128];
    assert_int_equal(real_sentinel_conf_load(text, len, false, &c, &line, msg, sizeof(msg)), 0);
    assert_string_equal(c.requirepass, "a \"b\"");
    real_sentinel_conf_free(&c);
    free(text);
    unlink(path);
    assert_int_equal(real_sentinel_conf_read(path, 0, NULL, &text, &len), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sentinel_conf_directives),
        cmocka_unit_test(test_sentinel_conf_errors_name_the_line),
        cmocka_unit_test(test_sentinel_conf_read_appends_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
