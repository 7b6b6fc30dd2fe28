/* test_rep_event.c: the event record, its JSON Lines form and the hash.
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

#include "reports/event.h"

static void write_file(const char *path, const char *content) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void test_rep_event_roundtrip_escapes(void **state) {
    /* Goal: a log with quotes, backslashes, control bytes and UTF-8 in its
     * texts reads back equal. Method: write with rep_log_write_json, read
     * with rep_log_read_json, compare every field. */
    (void)state;
    struct rep_log a, b;
    rep_log_init(&a);
    rep_log_init(&b);
    assert_int_equal(rep_log_append(&a, 0, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+sdown",
                                    "master mymaster 127.0.0.1 6379"),
                     0);
    assert_int_equal(rep_log_append(&a, 7, REP_KIND_LOG, REP_LEVEL_NOTICE, "s2", "",
                                    "quote \" back \\ tab \t nl \n bell \a caf\xc3\xa9"),
                     0);
    assert_int_equal(rep_log_append(&a, 9, REP_KIND_FAULT, REP_LEVEL_DEBUG, "harness", "kill", "m"),
                     0);
    /* An invalid byte (a real log may hold one) is written as '?' and reads back so. */
    assert_int_equal(rep_log_append(&a, 9, REP_KIND_LOG, REP_LEVEL_DEBUG, "s1", "", "x\xffy"), 0);
    char path[] = "/tmp/rep_event_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_int_equal(rep_log_write_json(f, &a), 0);
    fclose(f);
    /* The escapes are JSON's short forms, \u00XX for the other control bytes. */
    char text[1024] = "";
    f = fopen(path, "r");
    assert_non_null(f);
    assert_true(fread(text, 1, sizeof(text) - 1, f) > 0);
    fclose(f);
    assert_non_null(strstr(text, "{\"seq\":1,\"t_ms\":7,\"proc\":\"s2\",\"kind\":\"log\","
                                 "\"level\":\"notice\",\"type\":\"\",\"text\":\"quote \\\" back "
                                 "\\\\ tab \\t nl \\n bell \\u0007 caf\xc3\xa9\"}\n"));
    char err[256] = "";
    assert_int_equal(rep_log_read_json(path, &b, err, sizeof(err)), 0);
    assert_int_equal(b.len, 4);
    assert_string_equal(b.events[3].text, "x?y");
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(a.events[i].seq, b.events[i].seq);
        assert_int_equal(a.events[i].t_ms, b.events[i].t_ms);
        assert_int_equal(a.events[i].kind, b.events[i].kind);
        assert_int_equal(a.events[i].level, b.events[i].level);
        assert_string_equal(a.events[i].proc, b.events[i].proc);
        assert_string_equal(a.events[i].type, b.events[i].type);
        assert_string_equal(a.events[i].text, b.events[i].text);
    }
    unlink(path);
    rep_log_free(&a);
    rep_log_free(&b);
}

static void test_rep_event_json_field_order(void **state) {
    /* Goal: the JSON form is exactly the documented one (jq users rely on
     * it). Method: write one record to memory and compare the bytes. */
    (void)state;
    struct rep_log a;
    rep_log_init(&a);
    rep_log_append(&a, 31042, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+sdown",
                   "master mymaster 127.0.0.1 6379");
    char buf[512] = "";
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    assert_int_equal(rep_event_write_json(f, &a.events[0]), 0);
    fclose(f);
    assert_string_equal(buf, "{\"seq\":0,\"t_ms\":31042,\"proc\":\"s1\",\"kind\":\"event\","
                             "\"level\":\"warning\",\"type\":\"+sdown\","
                             "\"text\":\"master mymaster 127.0.0.1 6379\"}\n");
    rep_log_free(&a);
}

static void expect_error(const char *content, const char *want) {
    char path[] = "/tmp/rep_bad_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, content);
    struct rep_log log;
    rep_log_init(&log);
    char err[256] = "";
    assert_int_equal(rep_log_read_json(path, &log, err, sizeof(err)), -1);
    if (strstr(err + strlen(path), want) == NULL) {
        fail_msg("error \"%s\" lacks \"%s\"", err, want);
    }
    assert_true(strncmp(err, path, strlen(path)) == 0);
    rep_log_free(&log);
    unlink(path);
}

static void test_rep_event_read_rejects_bad_input(void **state) {
    /* Goal: malformed input is refused with file:line:col. Method: one bad
     * file per rule; check the position and message of each error. */
    (void)state;
    const char *ok =
        "{\"seq\":0,\"t_ms\":1,\"proc\":\"s1\",\"kind\":\"event\",\"level\":\"warning\","
        "\"type\":\"+sdown\",\"text\":\"x\"}\n";
    char two[1024];
    snprintf(two, sizeof(two), "%s{\"seq\":1,\"t_ms\":1.5}\n", ok);
    expect_error(two, ":2:18: numbers must be integers");
    expect_error("{\"seq\":0,\"t_ms\":1,\"proc\":\"s1\",\"kind\":\"bogus\",\"level\":\"warning\","
                 "\"type\":\"\",\"text\":\"\"}\n",
                 ":1:38: unknown kind");
    expect_error("{\"seq\":0,\"seq\":1}\n", ":1:10: duplicate key");
    expect_error("{\"seq\":0,\"t_ms\":1,\"proc\":\"s1\"}\n", ":1:1: missing field \"kind\"");
    expect_error("{\"seq\":5,\"t_ms\":1,\"proc\":\"s1\",\"kind\":\"log\",\"level\":\"notice\","
                 "\"type\":\"\",\"text\":\"\"}\n",
                 "seq out of order");
    expect_error("{\"seq\":0} x\n", ":1:11: trailing characters");
    expect_error("{\"a\":\"\x01\"}\n", ":1:7: raw control character");
    expect_error("{\"a\":{}}\n", "nested objects");
    expect_error("{\"a\":\"ok \xc3\xa9 \xc3(\"}\n", ":1:13: invalid UTF-8");
    expect_error("{\"a\":\"\xed\xa0\x80\"}\n", ":1:7: invalid UTF-8"); /* a surrogate */
    expect_error("\n", ":1:1: empty line");
    char *big = malloc(6000);
    assert_non_null(big);
    memset(big, 'x', 5000);
    big[5000] = '\n';
    big[5001] = '\0';
    expect_error(big, "longer than 4 KiB");
    free(big);
    char err[128];
    struct rep_log log;
    rep_log_init(&log);
    assert_int_equal(rep_log_read_json("/nonexistent/x.jsonl", &log, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/x.jsonl:0:0:"));
}

static void test_rep_event_hash_tracks_content(void **state) {
    /* Goal: the hash is FNV-1a over the JSON form: equal logs hash equal,
     * any changed byte changes it. Method: hash a log, an identical one,
     * and one differing in one character of the text. */
    (void)state;
    struct rep_log a, b, c;
    rep_log_init(&a);
    rep_log_init(&b);
    rep_log_init(&c);
    rep_log_append(&a, 5, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+sdown", "master x");
    rep_log_append(&b, 5, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+sdown", "master x");
    rep_log_append(&c, 5, REP_KIND_EVENT, REP_LEVEL_WARNING, "s1", "+sdown", "master y");
    assert_true(rep_log_hash(&a) == rep_log_hash(&b));
    assert_true(rep_log_hash(&a) != rep_log_hash(&c));
    /* The empty log hashes to the FNV-1a offset basis. */
    struct rep_log e;
    rep_log_init(&e);
    assert_true(rep_log_hash(&e) == UINT64_C(14695981039346656037));
    rep_log_free(&a);
    rep_log_free(&b);
    rep_log_free(&c);
}

static void test_rep_event_names_roundtrip(void **state) {
    /* Goal: kind and level names parse back, unknown names are refused, and
     * level characters are Redis's. Method: iterate over every value. */
    (void)state;
    for (int k = REP_KIND_EVENT; k <= REP_KIND_NODE; k++) {
        enum rep_kind out;
        assert_int_equal(rep_kind_parse(rep_kind_name((enum rep_kind)k), &out), 0);
        assert_int_equal(out, k);
    }
    for (int l = REP_LEVEL_DEBUG; l <= REP_LEVEL_WARNING; l++) {
        enum rep_level out;
        assert_int_equal(rep_level_parse(rep_level_name((enum rep_level)l), &out), 0);
        assert_int_equal(out, l);
    }
    enum rep_kind k;
    assert_int_equal(rep_kind_parse("events", &k), -1);
    assert_int_equal(rep_level_char(REP_LEVEL_DEBUG), '.');
    assert_int_equal(rep_level_char(REP_LEVEL_VERBOSE), '-');
    assert_int_equal(rep_level_char(REP_LEVEL_NOTICE), '*');
    assert_int_equal(rep_level_char(REP_LEVEL_WARNING), '#');
    assert_true(rep_event_type_known("+failover-state-send-slaveof-noone"));
    assert_false(rep_event_type_known("+failover-detected"));
}

static void test_rep_event_sort_merges_processes(void **state) {
    /* Goal: logs appended per process merge into time order with seq
     * renumbered. Method: append two processes' records out of time order. */
    (void)state;
    struct rep_log a;
    rep_log_init(&a);
    rep_log_append(&a, 30, REP_KIND_LOG, REP_LEVEL_NOTICE, "s1", "", "third");
    rep_log_append(&a, 10, REP_KIND_LOG, REP_LEVEL_NOTICE, "s1", "", "first");
    rep_log_append(&a, 20, REP_KIND_LOG, REP_LEVEL_NOTICE, "s2", "", "second");
    rep_log_sort(&a);
    assert_string_equal(a.events[0].text, "first");
    assert_string_equal(a.events[1].text, "second");
    assert_string_equal(a.events[2].text, "third");
    assert_int_equal(a.events[2].seq, 2);
    rep_log_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_event_roundtrip_escapes),
        cmocka_unit_test(test_rep_event_json_field_order),
        cmocka_unit_test(test_rep_event_read_rejects_bad_input),
        cmocka_unit_test(test_rep_event_hash_tracks_content),
        cmocka_unit_test(test_rep_event_names_roundtrip),
        cmocka_unit_test(test_rep_event_sort_merges_processes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
