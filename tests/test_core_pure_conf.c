/* test_core_pure_conf.c: config words, directives, quoting and the CONFIG
 * REWRITE engine (core/conf.c, spec §16).
 *
 * The two rewrite fixtures were produced by the real redis-sentinel 7.0.15
 * (start it on the old file, SENTINEL FLUSHCONFIG, read the file back); the
 * new lines are the ones that binary wrote, in its order.
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

#include "core/conf.h"
#include "core/core.h"
#include "tests/support/core_test.h"

#define ID "a77f3bec7022da795660f9fb661f474ae1739f50"

static struct core__conf_args args;

/* Splits s and joins the words with '|' into out; returns the split code. */
static int split_joined(const char *s, size_t len, char *out, size_t cap) {
    int rc = core__conf_split(s, len, &args);
    size_t o = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < args.argc; i++) {
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? "|" : "", args.argv[i]);
    }
    return rc;
}

/* Goal: Redis's argument-splitting rules, word by word.
 * Method: table of lines with the expected words joined by '|' (or an error). */
static void test_conf_split_table(void **state) {
    (void)state;
    static const struct {
        const char *in;
        int rc;
        const char *words;
    } cases[] = {
        {"", CORE_OK, ""},
        {"   \t ", CORE_OK, ""},
        {"port 26379", CORE_OK, "port|26379"},
        {"  a\tb  c ", CORE_OK, "a|b|c"},
        {"\"a b\" c", CORE_OK, "a b|c"},
        {"\"\" x", CORE_OK, "|x"},
        {"''", CORE_OK, ""},
        {"\"\\n\\r\\t\\b\\a\\\\\\\"\\q\"", CORE_OK, "\n\r\t\b\a\\\"q"},
        {"\"\\x41\\x7a\\x4\"", CORE_OK, "Azx4"},
        {"'it\\'s' 'a\\b'", CORE_OK, "it's|a\\b"},
        {"a\"b c\"", CORE_OK, "ab c"},
        {"ab'c d'", CORE_OK, "abc d"},
        {"\"a\"b", CORE_E_CONFIG, ""},
        {"'a'b", CORE_E_CONFIG, ""},
        {"\"abc", CORE_E_CONFIG, ""},
        {"'abc", CORE_E_CONFIG, ""},
        {"\"abc\\\"", CORE_E_CONFIG, ""},
        {"\"a\"\tb", CORE_OK, "a|b"},
        {"\"a\"\vb", CORE_OK, "a|b"},
        {"x\"", CORE_E_CONFIG, ""},
        {"sentinel announce-ip \"10.0.0.1\"", CORE_OK, "sentinel|announce-ip|10.0.0.1"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char joined[256];
        int rc = split_joined(cases[c].in, strlen(cases[c].in), joined, sizeof(joined));
        assert_int_equal(rc, cases[c].rc);
        assert_string_equal(joined, cases[c].words);
    }
}

/* Goal: binary-safe words: \x00 gives a NUL inside a word (argv_len counts
 * it); a raw NUL byte ends the line as in Redis; len is honoured.
 * Method: crafted byte strings. */
static void test_conf_split_nul_and_length(void **state) {
    (void)state;
    assert_int_equal(core__conf_split("\"a\\x00b\" c", 10, &args), CORE_OK);
    assert_int_equal(args.argc, 2);
    assert_int_equal(args.argv_len[0], 3);
    assert_memory_equal(args.argv[0], "a\0b", 4);
    assert_int_equal(core__conf_split("ab\0cd ef", 8, &args), CORE_OK);
    assert_int_equal(args.argc, 1);
    assert_string_equal(args.argv[0], "ab");
    assert_int_equal(core__conf_split("abc def", 5, &args), CORE_OK);
    assert_int_equal(args.argc, 2);
    assert_string_equal(args.argv[1], "d");
    assert_int_equal(core__conf_split("\"ab\"", 3, &args), CORE_E_CONFIG);
}

/* Goal: limits are errors, not truncation: CORE__CONF_ARGS_MAX words fit,
 * one more does not; a line of CORE__CONF_LINE_MAX bytes fits, one more not.
 * Method: generated lines at and past each limit. */
static void test_conf_split_limits(void **state) {
    (void)state;
    static char line[CORE__CONF_LINE_MAX + 2];
    size_t n = 0;
    for (int i = 0; i < CORE__CONF_ARGS_MAX; i++) {
        n += (size_t)snprintf(line + n, sizeof(line) - n, "w%d ", i);
    }
    assert_int_equal(core__conf_split(line, n, &args), CORE_OK);
    assert_int_equal(args.argc, CORE__CONF_ARGS_MAX);
    line[n] = 'x';
    assert_int_equal(core__conf_split(line, n + 1, &args), CORE_E_LIMIT);
    assert_int_equal(args.argc, 0);
    memset(line, 'a', sizeof(line));
    assert_int_equal(core__conf_split(line, CORE__CONF_LINE_MAX, &args), CORE_OK);
    assert_int_equal(args.argv_len[0], CORE__CONF_LINE_MAX);
    assert_int_equal(core__conf_split(line, CORE__CONF_LINE_MAX + 1, &args), CORE_E_LIMIT);
}

/* Goal: the iterator skips comments and blanks, trims, lower-cases the first
 * word only, counts lines from 1 (CRLF too), reports an unbalanced line and
 * can continue after it. Method: walk a small file. */
static void test_conf_iter_walk(void **state) {
    (void)state;
    static const char text[] = "# header\r\n"
                               "\r\n"
                               "  PORT 26379  \r\n"
                               "Sentinel MONITOR M 1.2.3.4 6379 2\n"
                               "   # indented comment\n"
                               "bad \"quote\n"
                               "\v\n"
                               "last";
    struct core__conf_iter it;
    core__conf_iter_init(&it, text, sizeof(text) - 1);
    assert_int_equal(core__conf_next(&it, &args), 1);
    assert_int_equal(it.lineno, 3);
    assert_string_equal(args.argv[0], "port");
    assert_int_equal(it.line_len, 10);
    assert_memory_equal(it.line, "PORT 26379", 10);
    assert_int_equal(core__conf_next(&it, &args), 1);
    assert_int_equal(it.lineno, 4);
    assert_string_equal(args.argv[0], "sentinel");
    assert_string_equal(args.argv[1], "MONITOR");
    assert_true(core__conf_word_is(&args, 1, "monitor"));
    assert_false(core__conf_word_is(&args, 1, "monito"));
    assert_false(core__conf_word_is(&args, 9, "monitor"));
    assert_int_equal(core__conf_next(&it, &args), CORE_E_CONFIG);
    assert_int_equal(it.lineno, 6);
    assert_int_equal(core__conf_next(&it, &args), 1);
    assert_int_equal(it.lineno, 8);
    assert_string_equal(args.argv[0], "last");
    assert_int_equal(core__conf_next(&it, &args), 0);
    assert_int_equal(core__conf_next(&it, &args), 0);
}

static void repr(const char *s, size_t n, bool word, const char *want) {
    char mem[128];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(word ? core__conf_put_word(&b, s, n) : core__conf_put_repr(&b, s, n), 0);
    assert_string_equal(mem, want);
    /* What is written reads back as the same single word. */
    assert_int_equal(core__conf_split(b.data, b.len, &args), CORE_OK);
    assert_int_equal(args.argc, 1);
    assert_int_equal(args.argv_len[0], n);
    assert_memory_equal(args.argv[0], s, n);
}

/* Goal: the quoted form is sdscatrepr's and round-trips through the
 * splitter; put_word stays bare when that is safe. Method: table. */
static void test_conf_repr_and_word(void **state) {
    (void)state;
    repr("10.0.0.1", 8, false, "\"10.0.0.1\"");
    repr("", 0, false, "\"\"");
    repr("a\"b\\c", 5, false, "\"a\\\"b\\\\c\"");
    repr("\n\r\t\a\b", 5, false, "\"\\n\\r\\t\\a\\b\"");
    repr("\x01\x7f\xff", 3, false, "\"\\x01\\x7f\\xff\"");
    repr("a\0b", 3, false, "\"a\\x00b\"");
    repr("mymaster", 8, true, "mymaster");
    repr("my master", 9, true, "\"my master\"");
    repr("", 0, true, "\"\"");
    repr("it's", 4, true, "\"it's\"");
    repr("#x", 2, true, "#x");
    char mem[4];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(core__conf_put_repr(&b, "abcd", 4), -1);
    assert_true(b.overflow);
}

static const char *rewrite(const char *old, const char *neu, char *mem, size_t cap) {
    struct core__buf b;
    core__buf_init(&b, mem, cap);
    assert_int_equal(core__conf_rewrite(old, strlen(old), neu, strlen(neu), &b), CORE_OK);
    return mem;
}

/* Goal: the rewrite matches redis-sentinel 7.0.15 on a file with default-
 * valued directives, duplicates and announce-ip "" (every unreplaced
 * sentinel line blanked, blank runs collapsed, the second `port` blanked,
 * appended lines after the signature, a final blank line), and a further
 * rewrite changes nothing. Method: rewrite twice (sentinel rewrites once at
 * start-up for the new myid, once for FLUSHCONFIG) and compare with the
 * file the real binary left. */
static void test_conf_rewrite_matches_real_sentinel_defaults(void **state) {
    (void)state;
    static const char old[] = "sentinel monitor setmaster 127.0.0.1 30000 2\n"
                              "sentinel down-after-milliseconds setmaster 30000\n"
                              "sentinel failover-timeout setmaster 180000\n"
                              "sentinel parallel-syncs setmaster 1\n"
                              "sentinel master-reboot-down-after-period setmaster 0\n"
                              "sentinel announce-port 0\n"
                              "sentinel deny-scripts-reconfig yes\n"
                              "sentinel resolve-hostnames no\n"
                              "sentinel announce-ip \"\"\n"
                              "sentinel sentinel-user \"\"\n"
                              "sentinel rename-command setmaster CONFIG CONFIG\n"
                              "sentinel auth-pass setmaster \"\"\n"
                              "sentinel current-epoch 0\n"
                              "sentinel current-epoch 0\n"
                              "port 26999\n"
                              "port 26999\n";
    static const char neu[] = "port 26999\n"
                              "loglevel warning\n"
                              "latency-tracking-info-percentiles 50 99 99.9\n"
                              "dir \"/tmp/cpx\"\n"
                              "protected-mode no\n"
                              "user default on nopass ~* &* +@all\n"
                              "sentinel myid " ID "\n"
                              "sentinel deny-scripts-reconfig yes\n"
                              "sentinel resolve-hostnames no\n"
                              "sentinel monitor setmaster 127.0.0.1 30000 2\n"
                              "sentinel auth-pass setmaster \n"
                              "sentinel config-epoch setmaster 0\n"
                              "sentinel leader-epoch setmaster 0\n"
                              "sentinel rename-command setmaster CONFIG CONFIG\n"
                              "sentinel current-epoch 0\n";
    static const char want[] = "sentinel monitor setmaster 127.0.0.1 30000 2\n"
                               "\n"
                               "sentinel deny-scripts-reconfig yes\n"
                               "sentinel resolve-hostnames no\n"
                               "\n"
                               "sentinel rename-command setmaster CONFIG CONFIG\n"
                               "sentinel auth-pass setmaster \n"
                               "sentinel current-epoch 0\n"
                               "\n"
                               "port 26999\n"
                               "\n"
                               "# Generated by CONFIG REWRITE\n"
                               "loglevel warning\n"
                               "latency-tracking-info-percentiles 50 99 99.9\n"
                               "dir \"/tmp/cpx\"\n"
                               "protected-mode no\n"
                               "user default on nopass ~* &* +@all\n"
                               "sentinel myid " ID "\n"
                               "sentinel config-epoch setmaster 0\n"
                               "sentinel leader-epoch setmaster 0\n"
                               "\n";
    static char one[4096], two[4096], three[4096];
    rewrite(rewrite(old, neu, one, sizeof(one)), neu, two, sizeof(two));
    assert_string_equal(two, want);
    assert_string_equal(rewrite(two, neu, three, sizeof(three)), want);
}

/* Goal: the rewrite matches redis-sentinel 7.0.15 on a hand-written file:
 * comments and in-place values keep their slots (start-init-tests), keys
 * ignore case (`Known-Replica`, `SENTINEL`), the old 4-word known-sentinel
 * line is blanked, a `known-slave` line survives (7.0 behaviour), unrelated
 * directives stay. Method: as above, against the real binary's output. */
static void test_conf_rewrite_matches_real_sentinel_in_place(void **state) {
    (void)state;
    static const char old[] = "# comment\n"
                              "port 26999\n"
                              "sentinel down-after-milliseconds setmaster 20000\n"
                              "# comment\n"
                              "sentinel parallel-syncs setmaster 2\n"
                              "\n"
                              "# comment\n"
                              "\n"
                              "\n"
                              "sentinel failover-timeout setmaster 240000\n"
                              "# comment\n"
                              "sentinel monitor setmaster 127.0.0.1 30000 2\n"
                              "sentinel known-replica setmaster 127.0.0.1 30001\n"
                              "sentinel Known-Replica setmaster 127.0.0.1 30002\n"
                              "sentinel known-sentinel setmaster 127.0.0.1 30005\n"
                              "sentinel known-slave setmaster 127.0.0.1 30003\n"
                              "SENTINEL config-epoch setmaster 0\n"
                              "daemonize no\n"
                              "bind \"127.0.0.1\"   \n";
    static const char neu[] = "port 26999\n"
                              "daemonize no\n"
                              "bind 127.0.0.1\n"
                              "protected-mode no\n"
                              "loglevel warning\n"
                              "latency-tracking-info-percentiles 50 99 99.9\n"
                              "dir \"/tmp/cpx\"\n"
                              "user default on nopass ~* &* +@all\n"
                              "sentinel myid " ID "\n"
                              "sentinel monitor setmaster 127.0.0.1 30000 2\n"
                              "sentinel down-after-milliseconds setmaster 20000\n"
                              "sentinel failover-timeout setmaster 240000\n"
                              "sentinel parallel-syncs setmaster 2\n"
                              "sentinel config-epoch setmaster 0\n"
                              "sentinel leader-epoch setmaster 0\n"
                              "sentinel known-replica setmaster 127.0.0.1 30003\n"
                              "sentinel known-replica setmaster 127.0.0.1 30002\n"
                              "sentinel known-replica setmaster 127.0.0.1 30001\n"
                              "sentinel current-epoch 0\n";
    static const char want[] = "# comment\n"
                               "port 26999\n"
                               "sentinel down-after-milliseconds setmaster 20000\n"
                               "# comment\n"
                               "sentinel parallel-syncs setmaster 2\n"
                               "\n"
                               "# comment\n"
                               "\n"
                               "sentinel failover-timeout setmaster 240000\n"
                               "# comment\n"
                               "sentinel monitor setmaster 127.0.0.1 30000 2\n"
                               "sentinel known-replica setmaster 127.0.0.1 30003\n"
                               "sentinel known-replica setmaster 127.0.0.1 30002\n"
                               "\n"
                               "sentinel known-slave setmaster 127.0.0.1 30003\n"
                               "sentinel config-epoch setmaster 0\n"
                               "daemonize no\n"
                               "bind 127.0.0.1\n"
                               "\n"
                               "# Generated by CONFIG REWRITE\n"
                               "protected-mode no\n"
                               "loglevel warning\n"
                               "latency-tracking-info-percentiles 50 99 99.9\n"
                               "dir \"/tmp/cpx\"\n"
                               "user default on nopass ~* &* +@all\n"
                               "sentinel myid " ID "\n"
                               "sentinel leader-epoch setmaster 0\n"
                               "sentinel known-replica setmaster 127.0.0.1 30001\n"
                               "sentinel current-epoch 0\n"
                               "\n";
    static char one[4096], two[4096];
    rewrite(rewrite(old, neu, one, sizeof(one)), neu, two, sizeof(two));
    assert_string_equal(two, want);
}

/* Goal: successive rewrites that each add a directive (SENTINEL SET) put
 * every addition after the blank line left by the previous file's final
 * newline, exactly as redis-sentinel 7.0.15 does. Method: three rewrites
 * (start-up myid flush, then two SETs) compared with the real binary's file. */
static void test_conf_rewrite_matches_real_sentinel_successive_sets(void **state) {
    (void)state;
#define GENERIC                                                                                    \
    "protected-mode no\nlatency-tracking-info-percentiles 50 99 99.9\ndir \"/tmp/cpx\"\n"          \
    "loglevel warning\nuser default on nopass ~* &* +@all\n"
#define EPOCHS "sentinel config-epoch m 0\nsentinel leader-epoch m 0\n"
    static const char old[] = "port 26999\nsentinel monitor m 127.0.0.1 30000 2\n";
    static const char new1[] =
        "port 26999\n" GENERIC "sentinel myid " ID "\nsentinel monitor m 127.0.0.1 30000 2\n" EPOCHS
        "sentinel current-epoch 0\n";
    static const char new2[] =
        "port 26999\n" GENERIC "sentinel myid " ID "\nsentinel monitor m 127.0.0.1 30000 2\n"
        "sentinel down-after-milliseconds m 5000\n" EPOCHS "sentinel current-epoch 0\n";
    static const char new3[] =
        "port 26999\n" GENERIC "sentinel myid " ID "\nsentinel monitor m 127.0.0.1 30000 2\n"
        "sentinel down-after-milliseconds m 5000\n"
        "sentinel failover-timeout m 5000\n" EPOCHS "sentinel current-epoch 0\n";
    static const char want[] = "port 26999\nsentinel monitor m 127.0.0.1 30000 2\n\n"
                               "# Generated by CONFIG REWRITE\n" GENERIC "sentinel myid " ID
                               "\n" EPOCHS "sentinel current-epoch 0\n\n"
                               "sentinel down-after-milliseconds m 5000\n\n"
                               "sentinel failover-timeout m 5000\n";
#undef GENERIC
#undef EPOCHS
    static char one[2048], two[2048], three[2048];
    rewrite(rewrite(rewrite(old, new1, one, sizeof(one)), new2, two, sizeof(two)), new3, three,
            sizeof(three));
    assert_string_equal(three, want);
}

/* Goal: small cases: an empty file gets the signature then every line and
 * no blank line; a file without a final newline gets none; an existing
 * signature is not repeated; unparsable lines become "# ??? "; a lone
 * `sentinel` word and unrelated directives are kept; a non-sentinel key
 * written once blanks its other old lines (verified real-binary facts).
 * Method: table of (old, new, expected). */
static void test_conf_rewrite_small_cases(void **state) {
    (void)state;
    static const struct {
        const char *old, *neu, *want;
    } cases[] = {
        {"", "sentinel myid x\nport 1\n",
         "# Generated by CONFIG REWRITE\nsentinel myid x\nport 1\n"},
        {"port 1\n# tail", "port 2\nsentinel myid x\n",
         "port 2\n# tail\n# Generated by CONFIG REWRITE\nsentinel myid x\n"},
        {"# Generated by CONFIG REWRITE\nport 1", "sentinel myid x\n",
         "# Generated by CONFIG REWRITE\nport 1\nsentinel myid x\n"},
        {"foo \"bar\nsentinel\ninclude /x\nport 1\nport 2\nport 3", "port 9\n",
         "# ??? foo \"bar\nsentinel\ninclude /x\nport 9\n\n"},
        {"  \t port 1 \r\n\r\n\r\n\r\n", "", "port 1\n\n"},
        {"sentinel monitor a 1 2 3\nsentinel monitor b 1 2 3\n",
         "sentinel monitor b 1 2 3\nsentinel monitor c 1 2 3\nsentinel monitor d 1 2 3\n",
         "sentinel monitor b 1 2 3\nsentinel monitor c 1 2 3\n\n"
         "# Generated by CONFIG REWRITE\nsentinel monitor d 1 2 3\n"},
        {"sentinel myid x\n", "\n\nsentinel myid y\n\n", "sentinel myid y\n\n"},
        /* An empty first word is a key like any other (found by fuzzing). */
        {"\"\" x\nport 1\n", "port 2\n", "\"\" x\nport 2\n\n"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char mem[512];
        assert_string_equal(rewrite(cases[c].old, cases[c].neu, mem, sizeof(mem)), cases[c].want);
    }
}

/* Goal: errors: a comment or unbalanced new line is a caller bug
 * (CORE_E_CONFIG); a too-small output reports CORE_E_LIMIT with overflow
 * set; too many old lines is CORE_E_LIMIT. Method: crafted inputs. */
static void test_conf_rewrite_errors(void **state) {
    (void)state;
    char mem[64];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(core__conf_rewrite("", 0, "# no\n", 5, &b), CORE_E_CONFIG);
    assert_int_equal(core__conf_rewrite("", 0, "a \"b\n", 5, &b), CORE_E_CONFIG);
    assert_int_equal(core__conf_rewrite("", 0, " \n", 2, &b), CORE_E_CONFIG);
    core__buf_init(&b, mem, 8);
    assert_int_equal(core__conf_rewrite("", 0, "port 26379\n", 11, &b), CORE_E_LIMIT);
    assert_true(b.overflow);
    static char many[CORE__CONF_LINES_MAX + 1];
    memset(many, '\n', sizeof(many));
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(core__conf_rewrite(many, CORE__CONF_LINES_MAX - 1, "", 0, &b), CORE_OK);
    assert_string_equal(mem, "\n");
    assert_int_equal(core__conf_rewrite(many, CORE__CONF_LINES_MAX, "", 0, &b), CORE_E_LIMIT);
}

/* Goal: a realistic sentinel file survives load -> rewrite -> load with
 * the same directives (what a restart from a persisted config relies on).
 * Method: rewrite a fresh file, iterate both and compare the directives. */
static void test_conf_rewrite_round_trip_through_iterator(void **state) {
    (void)state;
    static const char neu[] = "sentinel myid " ID "\n"
                              "sentinel monitor mymaster 10.0.0.1 6379 2\n"
                              "sentinel config-epoch mymaster 1\n"
                              "sentinel leader-epoch mymaster 1\n"
                              "sentinel known-replica mymaster 10.0.0.2 6379\n"
                              "sentinel known-sentinel mymaster 10.0.0.7 26379 " ID "\n"
                              "sentinel current-epoch 1\n"
                              "sentinel announce-ip \"10.0.0.5\"\n";
    char mem[1024];
    rewrite("port 26379\n", neu, mem, sizeof(mem));
    struct core__conf_iter a, b;
    static struct core__conf_args args2;
    core__conf_iter_init(&a, mem, strlen(mem));
    core__conf_iter_init(&b, neu, sizeof(neu) - 1);
    assert_int_equal(core__conf_next(&a, &args), 1);
    assert_string_equal(args.argv[0], "port");
    int ra, rb;
    while ((rb = core__conf_next(&b, &args2)) == 1) {
        ra = core__conf_next(&a, &args);
        assert_int_equal(ra, 1);
        assert_int_equal(args.argc, args2.argc);
        for (uint32_t i = 0; i < args.argc; i++) {
            assert_string_equal(args.argv[i], args2.argv[i]);
        }
    }
    assert_int_equal(core__conf_next(&a, &args), 0);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conf_split_table),
        cmocka_unit_test(test_conf_split_nul_and_length),
        cmocka_unit_test(test_conf_split_limits),
        cmocka_unit_test(test_conf_iter_walk),
        cmocka_unit_test(test_conf_repr_and_word),
        cmocka_unit_test(test_conf_rewrite_matches_real_sentinel_defaults),
        cmocka_unit_test(test_conf_rewrite_matches_real_sentinel_in_place),
        cmocka_unit_test(test_conf_rewrite_matches_real_sentinel_successive_sets),
        cmocka_unit_test(test_conf_rewrite_small_cases),
        cmocka_unit_test(test_conf_rewrite_errors),
        cmocka_unit_test(test_conf_rewrite_round_trip_through_iterator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
