/* test_rep_report.c: terminal, Markdown and JUnit reports, and the
 * `sentsim report` command's exit codes.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "reports/report.h"
#include "reports/runfile.h"
#include "tests/support/rep_fixture.h"

/* Two sim cases (one failing) and a real one, from fixture runs. */
struct three {
    struct rep_fx a, b;
    struct rep_case cases[3];
};

static void three_init(struct three *t) {
    memset(t, 0, sizeof(*t));
    rep_fx_init(&t->a);
    rep_fx_init(&t->b);
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&t->a, &p);
    rep_fx_failover(&t->b, &p);
    snprintf(t->b.run.failure, sizeof(t->b.run.failure), "wait <timed> out & \"gone\"");
    for (int i = 0; i < 3; i++) {
        struct rep_case *c = &t->cases[i];
        const struct rep_run *r = i == 1 ? &t->b.run : &t->a.run;
        c->kind = i == 2 ? "real-redis" : "sim";
        c->scenario = "fixture";
        c->path = "tests/fixture.yaml";
        c->seed = (uint64_t)i + 1;
        c->virtual_ms = 41234;
        c->wall_ms = 1500;
        c->run = r;
        rep_expect_check(r, &c->verdict);
    }
}

static char *render(int (*writer)(FILE *, const struct rep_case *, size_t), struct three *t) {
    static char buf[1 << 15];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    assert_int_equal(writer(f, t->cases, 3), 0);
    fclose(f);
    return buf;
}

static void test_rep_report_junit_is_wellformed(void **state) {
    /* Goal: JUnit has one suite per kind, one testcase per case, failures
     * with escaped findings, and parses as XML. Method: write it, check
     * substrings, parse it with python3's xml module. */
    (void)state;
    struct three t;
    three_init(&t);
    char *xml = render(rep_junit_write, &t);
    assert_non_null(strstr(xml, "<testsuites name=\"sentsim\" tests=\"3\" failures=\"1\">"));
    assert_non_null(strstr(xml, "<testsuite name=\"sim\" tests=\"2\" failures=\"1\""));
    assert_non_null(strstr(xml, "<testsuite name=\"real-redis\" tests=\"1\" failures=\"0\""));
    assert_non_null(strstr(xml, "name=\"fixture seed=2\" time=\"1.500\""));
    assert_non_null(strstr(xml, "wait &lt;timed&gt; out &amp; &quot;gone&quot;"));
    char path[] = "/tmp/rep_junit_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof(cmd),
             "python3 -c 'import sys,xml.dom.minidom as m; d=m.parse(sys.argv[1]); "
             "sys.exit(len(d.getElementsByTagName(\"testcase\")) != 3)' %s",
             path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
    rep_fx_free(&t.a);
    rep_fx_free(&t.b);
}

static void test_rep_report_markdown_and_summary(void **state) {
    /* Goal: the Markdown table lists every case and the failure's findings,
     * and the terminal summary has no colour when asked for none. Method:
     * write both into memory and look for the lines. */
    (void)state;
    struct three t;
    three_init(&t);
    char *md = render(rep_markdown_write, &t);
    assert_non_null(strstr(md, "2 passed, 1 failed (of 3)."));
    assert_non_null(strstr(md, "| **FAIL** | fixture | sim | 2 | s2 | r1 | 1 | 41.2s |"));
    assert_non_null(strstr(md, "### fixture, sim, seed 2"));
    assert_non_null(strstr(md, "- `tests/fixture.yaml: expected the run to complete, got: wait"));
    static char buf[1 << 14];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    rep_summary_write(f, t.cases, 3, false);
    fclose(f);
    assert_null(strchr(buf, '\033'));
    assert_non_null(strstr(buf, "FAIL fixture"));
    assert_non_null(strstr(buf, "seed=2    leader=s2   promoted=r1   failovers=1 41.2s\n     "
                                "tests/fixture.yaml: expected the run to complete"));
    assert_non_null(strstr(buf, "2 passed, 1 failed (of 3)\n"));
    rep_fx_free(&t.a);
    rep_fx_free(&t.b);
}

static int run_cmd(const char *a0, const char *a1, const char *a2, const char *a3) {
    char *argv[] = {(char *)(uintptr_t) "report", (char *)(uintptr_t)a0, (char *)(uintptr_t)a1,
                    (char *)(uintptr_t)a2,        (char *)(uintptr_t)a3, NULL};
    int argc = 1;
    while (argv[argc] != NULL) {
        argc++;
    }
    /* Only the exit code is asserted. The subcommands' own summaries (such
     * as "0 passed, 1 failed" for the deliberately failing fixture) would
     * read like this suite's result in a CI log, so they go to /dev/null. */
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
    int null_fd = open("/dev/null", O_WRONLY);
    assert_true(saved_out >= 0 && saved_err >= 0 && null_fd >= 0);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    int rc = rep_cmd_report(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);
    close(null_fd);
    return rc;
}

static void test_rep_report_cmd_exit_codes(void **state) {
    /* Goal: `sentsim report` exits 0 same / 1 differ / 2 bad input, and
     * check fails a failing run. Method: save fixture runs (the scenario
     * from a temporary YAML), run the subcommands through rep_cmd_report. */
    (void)state;
    char scn[] = "/tmp/rep_cmd_XXXXXX.yaml";
    int fd = mkstemps(scn, 5);
    FILE *f = fdopen(fd, "w");
    fputs("name: fixture\ndefaults: {quorum: 2}\nmasters:\n  mymaster:\n    master: m\n"
          "    replicas: [r1, r2]\nsentinels: 3\ntimeline:\n  - kill: m\n",
          f);
    fclose(f);
    struct rep_fx a, b;
    rep_fx_init(&a);
    rep_fx_init(&b);
    a.scn.path = b.scn.path = scn;
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&a, &p);
    rep_fx_failover(&b, &p);
    rep_fx_drop(&b, "s2", "+slave-reconf-done");
    assert_int_equal(rep_run_save(&a.run, "/tmp/rep_cmd_a.jsonl"), 0);
    assert_int_equal(rep_run_save(&b.run, "/tmp/rep_cmd_b.jsonl"), 0);
    assert_int_equal(run_cmd("diff", "/tmp/rep_cmd_a.jsonl", "/tmp/rep_cmd_a.jsonl", NULL), 0);
    assert_int_equal(run_cmd("diff", "/tmp/rep_cmd_a.jsonl", "/tmp/rep_cmd_b.jsonl", NULL), 1);
    assert_int_equal(run_cmd("diff", "/tmp/rep_cmd_a.jsonl", "/nonexistent.jsonl", NULL), 2);
    assert_int_equal(run_cmd("diff", "/tmp/rep_cmd_a.jsonl", NULL, NULL), 2);
    assert_int_equal(run_cmd("check", "/tmp/rep_cmd_a.jsonl", NULL, NULL), 0);
    assert_int_equal(run_cmd("html", "/tmp/rep_cmd_a.jsonl", "-o", "/tmp/rep_cmd.html"), 0);
    assert_int_equal(run_cmd("junit", "/tmp/rep_cmd_a.jsonl", "-o", "/tmp/rep_cmd.xml"), 0);
    assert_int_equal(run_cmd("bogus", NULL, NULL, NULL), 2);
    assert_int_equal(run_cmd("diff", "--frobnicate", NULL, NULL), 2);
    snprintf(a.run.failure, sizeof(a.run.failure), "wait timed out");
    assert_int_equal(rep_run_save(&a.run, "/tmp/rep_cmd_a.jsonl"), 0);
    assert_int_equal(run_cmd("check", "/tmp/rep_cmd_a.jsonl", NULL, NULL), 1);
    rep_fx_free(&a);
    rep_fx_free(&b);
    unlink("/tmp/rep_cmd_a.jsonl");
    unlink("/tmp/rep_cmd_b.jsonl");
    unlink("/tmp/rep_cmd.html");
    unlink("/tmp/rep_cmd.xml");
    unlink(scn);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_report_junit_is_wellformed),
        cmocka_unit_test(test_rep_report_markdown_and_summary),
        cmocka_unit_test(test_rep_report_cmd_exit_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
