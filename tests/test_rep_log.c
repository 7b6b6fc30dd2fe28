/* test_rep_log.c: Redis-format log lines, rendered and parsed.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "reports/log.h"
#include "tests/support/rep_fixture.h"

static void test_rep_log_format_line_uses_run_epoch(void **state) {
    /* Goal: a record renders exactly like Redis's own line, dated from the
     * 2026-01-01 UTC run epoch. Method: a record at t = 1 day + 3 h 4 min
     * 5.678 s, and one at t = 0 with no type. */
    (void)state;
    struct rep_log log;
    rep_log_init(&log);
    uint64_t t = 86400000ull + 3 * 3600000ull + 4 * 60000ull + 5678;
    rep_log_append(&log, t, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+sdown",
                   "master mymaster 127.0.0.1 6379");
    rep_log_append(&log, 0, REP_KIND_LOG, REP_LEVEL_NOTICE, "s1", "",
                   "Sentinel new configuration saved on disk");
    char buf[REP_LOG_LINE_MAX];
    assert_int_equal(rep_log_format_line(&log.events[0], 1003, 'X', buf, sizeof(buf)), 0);
    assert_string_equal(buf,
                        "1003:X 02 Jan 2026 03:04:05.678 # +sdown master mymaster 127.0.0.1 6379");
    assert_int_equal(rep_log_format_line(&log.events[1], 1000, 'M', buf, sizeof(buf)), 0);
    assert_string_equal(buf, "1000:M 01 Jan 2026 00:00:00.000 * Sentinel new configuration saved "
                             "on disk");
    assert_int_equal(rep_log_format_line(&log.events[1], 1000, 'M', buf, 20), -1);
    rep_log_free(&log);
}

static void test_rep_log_write_run_merged_and_single(void **state) {
    /* Goal: the merged view prefixes process names, a single process's view
     * reads like its own log file, and a promoted node's letter turns M.
     * Method: render the §18.1 fixture both ways into memory. */
    (void)state;
    struct rep_fx fx;
    rep_fx_init(&fx);
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&fx, &p);
    rep_log_append(&fx.run.log, 40000, REP_KIND_NODE, REP_LEVEL_NOTICE, "r1", "",
                   "MASTER MODE enabled");
    static char buf[1 << 16];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    assert_int_equal(rep_log_write_run(f, &fx.run, NULL), 0);
    fclose(f);
    assert_non_null(strstr(buf, "s2      | 1004:X 01 Jan 2026 00:00:35.050 # +sdown master "
                                "mymaster 127.0.0.1 6379\n"));
    assert_non_null(strstr(buf, "harness | 1006:C 01 Jan 2026 00:00:05.000 # kill m\n"));
    assert_non_null(strstr(buf, "r1      | 1001:M 01 Jan 2026 00:00:40.000 * MASTER MODE"));
    f = fmemopen(buf, sizeof(buf), "w");
    assert_int_equal(rep_log_write_run(f, &fx.run, "s1"), 0);
    fclose(f);
    assert_true(strncmp(buf, "1003:X 01 Jan 2026 00:00:35.000 # +sdown master", 47) == 0);
    assert_null(strstr(buf, "s2"));
    rep_fx_free(&fx);
}

static void test_rep_log_parse_real_lines(void **state) {
    /* Goal: real redis-sentinel lines become events, plain log records or
     * nothing, with t_ms from the caller's origin. Method: TZ=UTC, an
     * origin at 22 Nov 2026 00:51:00.000, lines of each kind. */
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    uint64_t origin = 1795308660000ull; /* 2026-11-22 00:51:00 UTC */
    struct rep_event ev;
    assert_int_equal(rep_log_parse_line("4242:X 22 Nov 2026 00:51:02.123 # +sdown master "
                                        "mymaster 127.0.0.1 6379",
                                        "s1", origin, &ev),
                     0);
    assert_int_equal(ev.kind, REP_KIND_EVENT);
    assert_int_equal(ev.level, REP_LEVEL_WARNING);
    assert_int_equal(ev.t_ms, 2123);
    assert_string_equal(ev.type, "+sdown");
    assert_string_equal(ev.text, "master mymaster 127.0.0.1 6379");
    assert_string_equal(ev.proc, "s1");
    assert_int_equal(rep_log_parse_line("4242:X 22 Nov 2026 00:51:03.000 # "
                                        "1111111111111111111111111111111111111111 voted for "
                                        "2222222222222222222222222222222222222222 1",
                                        "s1", origin, &ev),
                     0);
    assert_int_equal(ev.kind, REP_KIND_LOG);
    assert_string_equal(ev.type, "");
    assert_int_equal(rep_log_parse_line("4242:X 22 Nov 2026 00:51:04.000 * Sentinel new "
                                        "configuration saved on disk",
                                        "s1", origin, &ev),
                     0);
    assert_int_equal(ev.kind, REP_KIND_LOG);
    assert_int_equal(ev.level, REP_LEVEL_NOTICE);
    assert_int_equal(rep_log_parse_line("4242:X 22 Nov 2026 00:51:04.500 - -role-change slave "
                                        "127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379 "
                                        "new reported role is master",
                                        "s1", origin, &ev),
                     0);
    assert_int_equal(ev.kind, REP_KIND_EVENT);
    assert_int_equal(ev.level, REP_LEVEL_VERBOSE);
    assert_string_equal(ev.type, "-role-change");
    assert_int_equal(rep_log_parse_line("                _._", "s1", origin, &ev), 1);
    assert_int_equal(rep_log_parse_line("", "s1", origin, &ev), 1);
    assert_int_equal(rep_log_parse_line("4242:X 22 Nov 2026 00:51 # x", "s1", origin, &ev), -1);
    assert_int_equal(rep_log_parse_line("4242:signal-handler (1795309569) Received SIGTERM "
                                        "scheduling shutdown...",
                                        "s1", origin, &ev),
                     1);
    assert_int_equal(rep_log_parse_line("4242:X 22 Nov 2026 00:51:04.5 # x", "s1", origin, &ev),
                     -1);
    assert_int_equal(rep_log_parse_line("4242:X 22 Nov 2026 00:50:59.000 # +tilt #tilt mode "
                                        "entered",
                                        "s1", origin, &ev),
                     0);
    assert_int_equal(ev.t_ms, 0);
}

static void test_rep_log_parse_file_positions(void **state) {
    /* Goal: a file parses into records appended to a log, and a malformed
     * line is reported as file:line:col. Method: a three-line file, then
     * one with a broken second line. */
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    char path[] = "/tmp/rep_log_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(
        "1:X 01 Jan 2026 00:00:01.000 # +monitor master mymaster 127.0.0.1 6379 quorum 2\n"
        "\n"
        "1:X 01 Jan 2026 00:00:02.000 # Sentinel ID is 1111111111111111111111111111111111111111\n",
        f);
    fclose(f);
    struct rep_log log;
    rep_log_init(&log);
    char err[256];
    assert_int_equal(rep_log_parse_file(path, "s1", REP_LOG_EPOCH_UNIX_MS, &log, err, sizeof(err)),
                     0);
    assert_int_equal(log.len, 2);
    assert_int_equal(log.events[1].t_ms, 2000);
    f = fopen(path, "w");
    fputs("1:X 01 Jan 2026 00:00:01.000 # ok\n1:X 01 Jan 2026 00:00:0 # bad\n", f);
    fclose(f);
    assert_int_equal(rep_log_parse_file(path, "s1", REP_LOG_EPOCH_UNIX_MS, &log, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, ":2:1: not a Redis log line"));
    rep_log_free(&log);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_log_format_line_uses_run_epoch),
        cmocka_unit_test(test_rep_log_write_run_merged_and_single),
        cmocka_unit_test(test_rep_log_parse_real_lines),
        cmocka_unit_test(test_rep_log_parse_file_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
