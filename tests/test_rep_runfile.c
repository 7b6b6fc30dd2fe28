/* test_rep_runfile.c: a whole run written as JSON Lines and read back.
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

#include "reports/runfile.h"
#include "tests/support/rep_fixture.h"

static const char yaml[] = "name: fixture\n"
                           "defaults: {quorum: 2}\n"
                           "masters:\n"
                           "  mymaster:\n"
                           "    master: m\n"
                           "    replicas: [r1, r2]\n"
                           "sentinels: 3\n"
                           "timeline:\n"
                           "  - kill: m\n";

static void temp_file(char *buf, size_t len, const char *suffix, const char *content) {
    snprintf(buf, len, "/tmp/rep_runfile_XXXXXX%s", suffix);
    int fd = mkstemps(buf, (int)strlen(suffix));
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(content, f);
    fclose(f);
}

static void test_rep_runfile_roundtrip(void **state) {
    /* Goal: everything reports need survives the file: events (same hash),
     * names, final node and sentinel states, writes, failure. Method: save
     * the §18.1 fixture run, read it back with the scenario from disk,
     * compare field by field. */
    (void)state;
    char scn_path[64], run_path[64];
    temp_file(scn_path, sizeof(scn_path), ".yaml", yaml);
    struct rep_fx fx;
    rep_fx_init(&fx);
    fx.scn.path = scn_path;
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&fx, &p);
    fx.run.writes = (struct rep_writes){10, 2, 1};
    snprintf(fx.run.failure, sizeof(fx.run.failure), "said \"no\"");
    temp_file(run_path, sizeof(run_path), ".jsonl", "");
    assert_int_equal(rep_run_save(&fx.run, run_path), 0);
    struct rep_run_file rf;
    char err[512];
    if (rep_run_read_json(run_path, NULL, &rf, err, sizeof(err)) != 0) { fail_msg("%s", err); }
    const struct rep_run *r = &rf.run;
    assert_true(rep_log_hash(&r->log) == rep_log_hash(&fx.run.log));
    assert_int_equal(r->names_len, 6);
    assert_string_equal(rep_run_name_of_addr(r, "127.0.0.1", 6380), "r1");
    assert_string_equal(rep_run_name_of_runid(r, "3333333333333333333333333333333333333333"), "s3");
    assert_int_equal(r->fault_t_ms, 5000);
    assert_int_equal(r->nodes[2].upstream, 1);
    assert_true(r->nodes[2].link_up);
    assert_false(r->nodes[0].up);
    assert_int_equal(r->sentinels[1].master_of_group[0], 1);
    assert_int_equal(r->sentinels[1].current_epoch, 1);
    assert_int_equal(r->writes.lost, 2);
    assert_string_equal(r->failure, "said \"no\"");
    rep_run_file_free(&rf);
    rep_fx_free(&fx);
    unlink(run_path);
    unlink(scn_path);
}

static void test_rep_runfile_rejects_bad_headers(void **state) {
    /* Goal: header mistakes are errors with positions. Method: an unknown
     * process in a final-node record, and a file not starting with a run. */
    (void)state;
    char scn_path[64], run_path[64], content[1024], err[512];
    temp_file(scn_path, sizeof(scn_path), ".yaml", yaml);
    snprintf(content, sizeof(content),
             "{\"kind\":\"run\",\"version\":1,\"scenario\":\"%s\",\"name\":\"fixture\","
             "\"mode\":\"sim\",\"seed\":1,\"fault_t_ms\":0,\"end_t_ms\":0,\"failure\":\"\"}\n"
             "{\"kind\":\"final-node\",\"proc\":\"r9\",\"up\":true,\"master\":true,"
             "\"upstream\":\"\",\"link_up\":false,\"repl_offset\":0}\n",
             scn_path);
    temp_file(run_path, sizeof(run_path), ".jsonl", content);
    struct rep_run_file rf;
    assert_int_equal(rep_run_read_json(run_path, NULL, &rf, err, sizeof(err)), -1);
    if (strstr(err, ":2:29: unknown process \"r9\"") == NULL) { fail_msg("%s", err); }
    unlink(run_path);
    temp_file(run_path, sizeof(run_path), ".jsonl",
              "{\"seq\":0,\"t_ms\":1,\"proc\":\"s1\",\"kind\":\"log\",\"level\":\"notice\","
              "\"type\":\"\",\"text\":\"\"}\n");
    assert_int_equal(rep_run_read_json(run_path, NULL, &rf, err, sizeof(err)), -1);
    assert_non_null(strstr(err, ":1:1: a run file starts with"));
    unlink(run_path);
    unlink(scn_path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_runfile_roundtrip),
        cmocka_unit_test(test_rep_runfile_rejects_bad_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
