/* test_real_sentinel_resp.c: the RESP pieces of `sentsim sentinel`: the
 * request parser, the bounded reply reader, config-line splitting and the
 * Pub/Sub glob (real/resp.c, real/serve_cmds.c).
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

#include <cmocka.h>

#include "real/resp.h"
#include "real/serve_client.h"

static struct real_resp_req req;

static void feed(struct real_resp_buf *b, const char *s) {
    real_resp_buf_append(b, s, strlen(s));
}

static int parse(struct real_resp_buf *b, bool authed) {
    return real_resp_req_parse(&req, b, authed);
}

static void assert_arg(const struct real_resp_buf *b, size_t i, const char *want) {
    assert_true(i < req.argc);
    assert_int_equal(req.arg_len[i], strlen(want));
    assert_memory_equal(b->data + req.arg_off[i], want, strlen(want));
}

/* Goal: a multibulk request split across reads completes exactly once, and
 * a pipelined second request follows. Method: feed byte by byte. */
static void test_sentinel_resp_req_multibulk_dripped(void **state) {
    (void)state;
    const char *wire = "*2\r\n$4\r\nPING\r\n$5\r\nhello\r\n*1\r\n$4\r\nQUIT\r\n";
    struct real_resp_buf b = {0};
    real_resp_req_reset(&req);
    size_t first = strlen("*2\r\n$4\r\nPING\r\n$5\r\nhello\r\n");
    for (size_t i = 0; i < first; i++) {
        real_resp_buf_append(&b, wire + i, 1);
        assert_int_equal(parse(&b, true), i + 1 == first ? 1 : 0);
    }
    assert_int_equal(req.argc, 2);
    assert_arg(&b, 0, "PING");
    assert_arg(&b, 1, "hello");
    real_resp_buf_consume(&b, req.pos);
    real_resp_req_reset(&req);
    feed(&b, wire + first);
    assert_int_equal(parse(&b, true), 1);
    assert_int_equal(req.argc, 1);
    assert_arg(&b, 0, "QUIT");
    real_resp_buf_free(&b);
}

/* Goal: inline requests split like redis-server splits them (quotes,
 * escapes), with a byte after each argument. Method: parse one line. */
static void test_sentinel_resp_req_inline(void **state) {
    (void)state;
    struct real_resp_buf b = {0};
    real_resp_req_reset(&req);
    feed(&b, "sentinel  \"get-master\\x41\" 'a b'\r\nPING\r\n");
    assert_int_equal(parse(&b, true), 1);
    assert_int_equal(req.argc, 3);
    assert_arg(&b, 0, "sentinel");
    assert_arg(&b, 1, "get-masterA");
    assert_arg(&b, 2, "a b");
    assert_true(req.arg_off[2] + req.arg_len[2] < req.pos);
    real_resp_buf_free(&b);
}

/* Goal: hostile lengths are refused as soon as their header line is
 * complete, with Redis's messages. Method: one request per case. */
static void test_sentinel_resp_req_refuses_hostile_lengths(void **state) {
    (void)state;
    static const struct {
        const char *wire;
        bool authed;
        const char *msg;
    } cases[] = {
        {"*1000000\r\n", true, "Protocol error: invalid multibulk length"},
        {"*-5x\r\n", true, "Protocol error: invalid multibulk length"},
        {"*11\r\n", false, "Protocol error: unauthenticated multibulk length"},
        {"*1\r\n$999999999999\r\n", true, "Protocol error: invalid bulk length"},
        {"*1\r\n$20000\r\n", false, "Protocol error: unauthenticated bulk length"},
        {"*1\r\n:12\r\n", true, "Protocol error: expected '$', got ':'"},
        {"ping \"unbalanced\r\n", true, "Protocol error: unbalanced quotes in request"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct real_resp_buf b = {0};
        real_resp_req_reset(&req);
        feed(&b, cases[i].wire);
        assert_int_equal(parse(&b, cases[i].authed), -1);
        assert_string_equal(req.errstr, cases[i].msg);
        real_resp_buf_free(&b);
    }
}

/* Goal: an endless line without CRLF is refused past 64 KiB. Method:
 * feed 70 KiB of 'a' as an inline request and as a multibulk header. */
static void test_sentinel_resp_req_refuses_endless_lines(void **state) {
    (void)state;
    for (int form = 0; form < 2; form++) {
        struct real_resp_buf b = {0};
        real_resp_req_reset(&req);
        if (form == 1) { feed(&b, "*"); }
        char *junk = malloc(70 * 1024);
        memset(junk, 'a', 70 * 1024);
        real_resp_buf_append(&b, junk, 70 * 1024);
        free(junk);
        assert_int_equal(parse(&b, true), -1);
        real_resp_buf_free(&b);
    }
}

static int read_all(struct real_resp_reader *r, const char *wire, struct core_reply **out) {
    if (real_resp_reader_feed(r, wire, strlen(wire)) != 0) { return -1; }
    return real_resp_reader_next(r, out);
}

/* Goal: replies become core_reply trees of the right shape and types.
 * Method: a nested array with every scalar type. */
static void test_sentinel_resp_reader_builds_tree(void **state) {
    (void)state;
    struct real_resp_reader *r = real_resp_reader_new();
    struct core_reply *v;
    const char *wire = "*5\r\n+OK\r\n-ERR no\r\n:42\r\n$-1\r\n*2\r\n$3\r\nabc\r\n*-1\r\n";
    assert_int_equal(read_all(r, wire, &v), 1);
    assert_int_equal(v->type, CORE_REPLY_ARRAY);
    assert_int_equal(v->elements_len, 5);
    assert_int_equal(v->elements[0].type, CORE_REPLY_STATUS);
    assert_memory_equal(v->elements[0].str, "OK", 2);
    assert_int_equal(v->elements[1].type, CORE_REPLY_ERROR);
    assert_int_equal(v->elements[1].len, 6);
    assert_int_equal(v->elements[2].integer, 42);
    assert_int_equal(v->elements[3].type, CORE_REPLY_NIL);
    const struct core_reply *inner = &v->elements[4];
    assert_int_equal(inner->elements_len, 2);
    assert_memory_equal(inner->elements[0].str, "abc", 3);
    assert_int_equal(inner->elements[1].type, CORE_REPLY_NIL_ARRAY);
    real_resp_reply_free(v);
    assert_int_equal(real_resp_reader_next(r, &v), 0);
    real_resp_reader_free(r);
}

/* Goal: replies wider, deeper or longer than the core accepts break the
 * reader instead of being built. Method: one fresh reader per case. */
static void test_sentinel_resp_reader_refuses_oversized(void **state) {
    (void)state;
    char deep[64] = "";
    for (int i = 0; i <= CORE_REPLY_DEPTH_MAX; i++) {
        strcat(deep, "*1\r\n");
    }
    strcat(deep, ":1\r\n");
    const char *cases[] = {"*1000000\r\n", "*65\r\n", deep, "*-7\r\n"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct real_resp_reader *r = real_resp_reader_new();
        struct core_reply *v = NULL;
        assert_int_equal(read_all(r, cases[i], &v), -1);
        assert_null(v);
        assert_true(strlen(real_resp_reader_error(r)) > 0);
        real_resp_reader_free(r);
    }
    /* A bulk announced past the INFO bound fails once that much arrived. */
    struct real_resp_reader *r = real_resp_reader_new();
    struct core_reply *v = NULL;
    assert_int_equal(read_all(r, "$99999999999\r\n", &v), 0);
    size_t chunk = 64 * 1024;
    char *junk = malloc(chunk);
    memset(junk, 'x', chunk);
    int rc = 0;
    for (size_t sent = 0; rc == 0 && sent < 2 * CORE_INFO_BYTES_MAX; sent += chunk) {
        assert_int_equal(real_resp_reader_feed(r, junk, chunk), 0);
        rc = real_resp_reader_next(r, &v);
    }
    free(junk);
    assert_int_equal(rc, -1);
    real_resp_reader_free(r);
}

/* Goal: malformed type bytes break the reader. Method: garbage input. */
static void test_sentinel_resp_reader_refuses_garbage(void **state) {
    (void)state;
    struct real_resp_reader *r = real_resp_reader_new();
    struct core_reply *v = NULL;
    assert_int_equal(read_all(r, "hello world\r\n", &v), -1);
    assert_int_equal(real_resp_reader_next(r, &v), -1);
    real_resp_reader_free(r);
}

/* Goal: config splitting follows Redis: quotes, escapes, glued quotes
 * refused. Method: a few lines. */
static void test_sentinel_resp_split_args(void **state) {
    (void)state;
    char *w[8];
    size_t l[8];
    const char *line = "sentinel announce-ip \"10.0.0.\\x31\" 'it\\'s'";
    int n = real_resp_split_args(line, strlen(line), w, l, 8);
    assert_int_equal(n, 4);
    assert_string_equal(w[2], "10.0.0.1");
    assert_string_equal(w[3], "it's");
    real_resp_words_free(w, n);
    const char *bad[] = {"a \"b", "a \"b\"c", "a 'b"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(real_resp_split_args(bad[i], strlen(bad[i]), w, l, 8), -1);
    }
    assert_int_equal(real_resp_split_args("a b c", 5, w, l, 2), -1);
}

/* Goal: PSUBSCRIBE patterns match like Redis globs, and a pathological
 * pattern stays fast. Method: table of cases, then a 40-star pattern
 * against a long non-matching channel. */
static void test_sentinel_resp_glob(void **state) {
    (void)state;
    static const struct {
        const char *p, *s;
        bool hit;
    } cases[] = {
        {"*", "+sdown", true},         {"+s*", "+sdown", true},
        {"+s*", "-sdown", false},      {"?sdown", "+sdown", true},
        {"[+-]sdown", "-sdown", true}, {"[^+]sdown", "+sdown", false},
        {"[a-c]x", "bx", true},        {"\\*", "*", true},
        {"\\*", "a", false},           {"*odown", "+odown", true},
        {"a*b*c", "aXbYc", true},      {"a*b*c", "aXbY", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(
            real__serve_glob(cases[i].p, strlen(cases[i].p), cases[i].s, strlen(cases[i].s)),
            cases[i].hit);
    }
    char pat[128] = "";
    for (int i = 0; i < 40; i++) {
        strcat(pat, "*a");
    }
    strcat(pat, "b");
    char s[4096];
    memset(s, 'a', sizeof(s) - 1);
    s[sizeof(s) - 1] = '\0';
    assert_false(real__serve_glob(pat, strlen(pat), s, strlen(s)));
}

/* Goal: encoding a core_reply gives the exact RESP2 bytes. Method: encode
 * an array holding each type. */
static void test_sentinel_resp_encode_reply(void **state) {
    (void)state;
    struct core_reply el[4] = {
        {.type = CORE_REPLY_BULK, .str = "ab", .len = 2},
        {.type = CORE_REPLY_INTEGER, .integer = -3},
        {.type = CORE_REPLY_NIL},
        {.type = CORE_REPLY_STATUS, .str = "O\r\nK", .len = 4},
    };
    struct core_reply top = {.type = CORE_REPLY_ARRAY, .elements = el, .elements_len = 4};
    struct real_resp_buf b = {0};
    real_resp_reply(&b, &top);
    const char *want = "*4\r\n$2\r\nab\r\n:-3\r\n$-1\r\n+O  K\r\n";
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    real_resp_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sentinel_resp_req_multibulk_dripped),
        cmocka_unit_test(test_sentinel_resp_req_inline),
        cmocka_unit_test(test_sentinel_resp_req_refuses_hostile_lengths),
        cmocka_unit_test(test_sentinel_resp_req_refuses_endless_lines),
        cmocka_unit_test(test_sentinel_resp_reader_builds_tree),
        cmocka_unit_test(test_sentinel_resp_reader_refuses_oversized),
        cmocka_unit_test(test_sentinel_resp_reader_refuses_garbage),
        cmocka_unit_test(test_sentinel_resp_split_args),
        cmocka_unit_test(test_sentinel_resp_glob),
        cmocka_unit_test(test_sentinel_resp_encode_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
