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
        {"sentinal monitor m 127.0.0.1 1 2\n", 1, "Bad directive or wrong number of arguments"},
        {"port 1\npidfile a b\n", 2, "wrong number of arguments"},
        {"requirepass \"open\n", 1, "Unbalanced quotes in configuration line"},
        {"bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", 1,
         "Too many bind addresses specified."},
        {"daemonize maybe\n", 1, "argument must be 'yes' or 'no'"},
        {"hz fast\n", 1, "argument couldn't be parsed into an integer"},
        {"port 070\n", 1, "argument couldn't be parsed into an integer"},
        {"maxclients 0\n", 1, "argument must be between 1 and 4294967295 inclusive"},
        {"timeout -5\n", 1, "argument must be between 0 and 2147483647 inclusive"},
        {"maxmemory 1.5gb\n", 1, "argument must be a memory value"},
        {"dir /nonexistent/sentsim\n", 1, "No such file or directory"},
        {"save 900\n", 1, "Invalid save parameters"},
        {"oom-score-adj-values 0 200 9000\n", 1,
         "Invalid oom-score-adj-values, elements must be between -2000 and 2000."},
        {"rename-command GET x\n", 1, "No such command in rename-command"},
        {"rename-command PING\n", 1, "Bad directive or wrong number of arguments"},
        {"replicaof 127.0.0.1 x\n", 1, "Invalid master port"},
        {"unixsocketperm 9\n", 1, "argument couldn't be parsed as an octal number"},
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

/* Goal: what redis-sentinel 7.0.15 accepts is accepted, including the
 * lines it writes itself on rewrite. Method: one text of valid lines. */
static void test_sentinel_conf_accepts_redis_lines(void **state) {
    (void)state;
    const char *text = "protected-mode no\nsave \"\"\nmaxmemory 1GB\nhz 10\nPort 26379\n"
                       "client-output-buffer-limit normal 0 0 0 pubsub 32mb 8mb 60\n"
                       "rename-command PING PONG2\nuser default on nopass ~* &* +@all\n"
                       "latency-tracking-info-percentiles 50 99 99.9\nunixsocketperm 700\n"
                       "oom-score-adj-values \"0 200 800\"\nreplicaof no one\nbind\n"
                       "maxmemory-clients 10%\nnotify-keyspace-events KEA\ndir \"/tmp\"\n"
                       "enable-debug-command local\ninclude /nonexistent/*.conf\n"
                       "sentinel anything at all\n";
    struct real_sentinel_conf c;
    uint32_t line = 0;
    char msg[128] = "";
    int rc = real_sentinel_conf_load(text, strlen(text), false, &c, &line, msg, sizeof(msg));
    if (rc != 0) { fprintf(stderr, "line %u: %s\n", (unsigned)line, msg); }
    assert_int_equal(rc, 0);
    assert_int_equal(c.binds_len, 2);
    real_sentinel_conf_free(&c);
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
        cmocka_unit_test(test_sentinel_conf_accepts_redis_lines),
        cmocka_unit_test(test_sentinel_conf_read_appends_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
