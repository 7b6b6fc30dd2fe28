/* test_real_cmd.c: the `sentsim real` command line: exit codes and run files.
 *
 * Method: real_cmd_real() is called in-process with argument vectors as
 * main() would pass them; a passing run must exit 0 and leave a run file
 * that reports reads back to the same verdict; refused, unreadable and
 * mistyped inputs must exit 2 without starting anything.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "real/real.h"
#include "real/sys.h"
#include "reports/runfile.h"

static const char *const quick_yaml =
    "name: cmd-quick\n"
    "settle: 500ms\n"
    "timers: {info-period: 1000}\n"
    "defaults: {quorum: 1, down-after-milliseconds: 1500, failover-timeout: 6000}\n"
    "masters:\n  mymaster: {master: m, replicas: [r1]}\n"
    "sentinels: 2\n"
    "timeline:\n"
    "  - kill: m\n"
    "  - wait: {event: +switch-master, on: all, timeout: 30s}\n"
    "expect:\n  master: [r1]\n  failovers: 1\n";

/* Writes yaml to a fresh temp file; the path is returned in `path`. */
static void write_scenario(char *path, const char *yaml) {
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
    close(fd);
}

static int run_cmd(int argc, const char **argv) {
    char *copy[16];
    assert_true(argc < 16);
    for (int i = 0; i < argc; i++) {
        copy[i] = strdup(argv[i]);
    }
    copy[argc] = NULL;
    fflush(stdout);
    int rc = real_cmd_real(argc, copy);
    for (int i = 0; i < argc; i++) {
        free(copy[i]);
    }
    return rc;
}

static void test_real_cmd_pass_exits_0_and_writes_a_run_file(void **state) {
    /* Goal: a passing run exits 0 and --json leaves a run file reports can
     * judge again. Method: a one-replica failover; read the file back and
     * check its mode, names and final state. */
    (void)state;
    char scn_path[] = "/tmp/sentsim-test-cmd-XXXXXX";
    char json[] = "/tmp/sentsim-test-cmd-json-XXXXXX";
    write_scenario(scn_path, quick_yaml);
    write_scenario(json, "");
    const char *argv[] = {"real", scn_path, "--quiet", "--json", json};
    assert_int_equal(run_cmd(5, argv), 0);
    struct rep_run_file rf;
    char err[256];
    memset(&rf, 0, sizeof(rf));
    if (rep_run_read_json(json, scn_path, &rf, err, sizeof(err)) != 0) { fail_msg("%s", err); }
    assert_int_equal(rf.run.mode, REP_MODE_REAL_REDIS);
    assert_int_equal(rf.run.names_len, 4);
    assert_false(rf.run.nodes[0].up);
    assert_true(rf.run.nodes[1].is_master);
    struct rep_verdict v;
    rep_expect_check(&rf.run, &v);
    assert_true(v.pass);
    assert_int_equal(v.failovers, 1);
    rep_run_file_free(&rf);
    unlink(scn_path);
    unlink(json);
}

static void test_real_cmd_bad_inputs_exit_2_quickly(void **state) {
    /* Goal: refused steps, unreadable files and bad options exit 2 before
     * anything starts. Method: three invocations, each timed. */
    (void)state;
    char scn_path[] = "/tmp/sentsim-test-cmd-XXXXXX";
    write_scenario(scn_path, "name: cmd-refused\n"
                             "defaults: {quorum: 1}\n"
                             "masters:\n  mymaster: {master: m}\n"
                             "sentinels: 1\n"
                             "timeline:\n  - latency: 20ms\n");
    const char *refused[] = {"real", scn_path};
    const char *missing[] = {"real", "/nonexistent/scenario.yaml"};
    const char *badopt[] = {"real", scn_path, "--sentinel=bogus"};
    uint64_t t0 = real__now_ms();
    assert_int_equal(run_cmd(2, refused), 2);
    assert_int_equal(run_cmd(2, missing), 2);
    assert_int_equal(run_cmd(3, badopt), 2);
    assert_true(real__now_ms() - t0 < 1000);
    unlink(scn_path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_cmd_pass_exits_0_and_writes_a_run_file),
        cmocka_unit_test(test_real_cmd_bad_inputs_exit_2_quickly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
