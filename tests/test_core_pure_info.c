/* test_core_pure_info.c: the INFO parser (core/info.c, spec §6.1 step 2).
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

#include "core/info.h"
#include "tests/support/core_test.h"

#define RUNID_A "8c9b1a6f0e3d2c4b5a69788796a5b4c3d2e1f001"

/* A master's INFO as Redis 7.0 writes it (abridged sections, CRLF). */
static const char master_info[] =
    "# Server\r\n"
    "redis_version:7.0.15\r\n"
    "redis_mode:standalone\r\n"
    "run_id:" RUNID_A "\r\n"
    "tcp_port:6379\r\n"
    "\r\n"
    "# Replication\r\n"
    "role:master\r\n"
    "connected_slaves:2\r\n"
    "slave0:ip=10.0.0.2,port=6380,state=online,offset=1234,lag=0\r\n"
    "slave1:ip=10.0.0.3,port=6381,state=wait_bgsave,offset=0,lag=1\r\n"
    "master_failover_state:no-failover\r\n"
    "master_replid:0123456789012345678901234567890123456789\r\n"
    "master_repl_offset:1234\r\n"
    "slave_priority:7\r\n"
    "\r\n";

/* A replica's INFO whose link is down since 12 s (LF only, as tolerated). */
static const char replica_info[] = "# Server\n"
                                   "run_id:" RUNID_A "\n"
                                   "# Replication\n"
                                   "role:slave\n"
                                   "master_host:10.0.0.1\n"
                                   "master_port:6379\n"
                                   "master_link_status:down\n"
                                   "master_last_io_seconds_ago:-1\n"
                                   "master_sync_in_progress:0\n"
                                   "slave_read_repl_offset:999\n"
                                   "slave_repl_offset:987\n"
                                   "master_link_down_since_seconds:12\n"
                                   "slave_priority:100\n"
                                   "slave_read_only:1\n"
                                   "replica_announced:1\n"
                                   "connected_slaves:1\n"
                                   "slave0:ip=10.0.0.9,port=6390,state=online,offset=5,lag=0\n";

static void parse(const char *text,
                  struct core__info *out,
                  struct core__info_replica *tab,
                  uint32_t cap) {
    assert_int_equal(core__info_parse(text, strlen(text), out, tab, cap), CORE_OK);
}

/* Goal: a real master INFO yields run id, role and both replica addresses,
 * and none of the replica-only fields (slave_priority after role:master is
 * not read). Method: parse the master text above. */
static void test_info_parse_master(void **state) {
    (void)state;
    struct core__info in;
    struct core__info_replica tab[4];
    parse(master_info, &in, tab, 4);
    assert_true(in.has_run_id);
    assert_string_equal(in.run_id, RUNID_A);
    assert_int_equal(in.role, CORE__INFO_ROLE_MASTER);
    assert_int_equal(in.replicas_len, 2);
    assert_int_equal(in.replicas_seen, 2);
    assert_string_equal(tab[0].ip, "10.0.0.2");
    assert_int_equal(tab[0].port, 6380);
    assert_string_equal(tab[1].ip, "10.0.0.3");
    assert_int_equal(tab[1].port, 6381);
    assert_false(in.has_slave_priority);
    assert_false(in.has_master_host);
    assert_false(in.has_master_link_down_since);
    assert_int_equal(in.lines, 16);
}

/* Goal: a replica INFO yields every replica field, with LF-only lines.
 * Method: parse the replica text above and check each field. */
static void test_info_parse_replica_lf(void **state) {
    (void)state;
    struct core__info in;
    struct core__info_replica tab[1];
    parse(replica_info, &in, tab, 1);
    assert_int_equal(in.role, CORE__INFO_ROLE_SLAVE);
    assert_true(in.has_master_host);
    assert_string_equal(in.master_host, "10.0.0.1");
    assert_true(in.has_master_port);
    assert_int_equal(in.master_port, 6379);
    assert_true(in.has_master_link_status);
    assert_false(in.master_link_up);
    assert_true(in.has_slave_repl_offset);
    assert_int_equal(in.slave_repl_offset, 987);
    assert_true(in.has_master_link_down_since);
    assert_int_equal(in.master_link_down_since_s, 12);
    assert_true(in.has_slave_priority);
    assert_int_equal(in.slave_priority, 100);
    assert_true(in.has_replica_announced);
    assert_int_equal(in.replica_announced, 1);
    /* The parser reports slaveN lines of a replica too; ignoring them is the caller's rule. */
    assert_int_equal(in.replicas_len, 1);
    assert_string_equal(tab[0].ip, "10.0.0.9");
}

/* Goal: replica-only fields count only after a role:slave line, and the
 * latest role line wins. Method: table of texts with the fields before,
 * after and between role lines. */
static void test_info_role_gates_replica_fields(void **state) {
    (void)state;
    static const struct {
        const char *text;
        int role;
        bool has_host, has_prio;
    } cases[] = {
        {"master_host:h\r\nslave_priority:1\r\n", CORE__INFO_ROLE_NONE, false, false},
        {"master_host:h\r\nrole:slave\r\nslave_priority:1\r\n", CORE__INFO_ROLE_SLAVE, false, true},
        {"role:slave\r\nmaster_host:h\r\nrole:master\r\nslave_priority:1\r\n",
         CORE__INFO_ROLE_MASTER, true, false},
        {"role:master\r\nmaster_host:h\r\n", CORE__INFO_ROLE_MASTER, false, false},
        {"role:slavery\r\nmaster_host:h\r\n", CORE__INFO_ROLE_SLAVE, true, false},
        {"role:mast\r\nmaster_host:h\r\n", CORE__INFO_ROLE_NONE, false, false},
        {"ROLE:slave\r\nmaster_host:h\r\n", CORE__INFO_ROLE_NONE, false, false},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct core__info in;
        parse(cases[c].text, &in, NULL, 0);
        assert_int_equal(in.role, cases[c].role);
        assert_int_equal(in.has_master_host, cases[c].has_host);
        assert_int_equal(in.has_slave_priority, cases[c].has_prio);
    }
}

/* Goal: run_id needs a line of at least 47 bytes and takes exactly 40.
 * Method: lines of 46, 47 and 60 bytes; a CR is not part of the line. */
static void test_info_run_id_length_rule(void **state) {
    (void)state;
    struct core__info in;
    parse("run_id:" RUNID_A "\r\n", &in, NULL, 0);
    assert_true(in.has_run_id);
    assert_string_equal(in.run_id, RUNID_A);
    parse("run_id:8c9b1a6f0e3d2c4b5a69788796a5b4c3d2e1f00\r\n", &in, NULL, 0);
    assert_false(in.has_run_id);
    assert_string_equal(in.run_id, "");
    parse("run_id:" RUNID_A "extra-bytes!!\n", &in, NULL, 0);
    assert_true(in.has_run_id);
    assert_string_equal(in.run_id, RUNID_A);
    parse("xrun_id:" RUNID_A "\n", &in, NULL, 0);
    assert_false(in.has_run_id);
    /* Without the final newline the last line still counts. */
    parse("a\nrun_id:" RUNID_A, &in, NULL, 0);
    assert_true(in.has_run_id);
    assert_int_equal(in.lines, 2);
}

/* Goal: slaveN lines in both formats, and malformed ones skipped.
 * Method: table of single lines with the expected ip/port or "skipped". */
static void test_info_replica_line_formats(void **state) {
    (void)state;
    static const struct {
        const char *line;
        const char *ip; /* NULL: not a replica */
        int64_t port;
    } cases[] = {
        {"slave0:ip=1.2.3.4,port=6380,state=online,offset=1,lag=0", "1.2.3.4", 6380},
        {"slave12:ip=::1,port=7000", "::1", 7000},
        {"slave3:port=7001,ip=5.6.7.8,state=online", "5.6.7.8", 7001},
        {"slave0:1.2.3.4,6380,online", "1.2.3.4", 6380},
        {"slave0:1.2.3.4,6380", NULL, 0},       /* old format needs the state */
        {"slave0:1.2.3.4", NULL, 0},            /* no port */
        {"slave0:ip=1.2.3.4,state=x", NULL, 0}, /* new format needs port= */
        {"slave0:ip=,port=1", NULL, 0},         /* empty ip */
        {"slavex:ip=1.2.3.4,port=1", NULL, 0},
        {"slave_read_only:1", NULL, 0},
        {"slave0", NULL, 0}, /* shorter than 7 bytes */
        {"slave0:ip=1.2.3.4,port=abc", "1.2.3.4", 0},
        {"slave0:ip=1.2.3.4,port=65536x", "1.2.3.4", 65536},
        {"slave0:ip=1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa,port=1", NULL, 0},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct core__info in;
        struct core__info_replica tab[2];
        memset(tab, 0x5a, sizeof(tab));
        parse(cases[c].line, &in, tab, 2);
        if (cases[c].ip == NULL) {
            assert_int_equal(in.replicas_seen, 0);
            assert_int_equal(in.replicas_len, 0);
            assert_int_equal((unsigned char)tab[0].ip[0], 0x5a);
        } else {
            assert_int_equal(in.replicas_len, 1);
            assert_string_equal(tab[0].ip, cases[c].ip);
            assert_int_equal(tab[0].port, cases[c].port);
        }
    }
}

/* Goal: more slaveN lines than table slots are counted, never written
 * past the table. Method: 5 lines into a 3-slot table framed by guards. */
static void test_info_replica_overflow_is_reported(void **state) {
    (void)state;
    char text[512];
    size_t n = 0;
    for (int i = 0; i < 5; i++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "slave%d:ip=10.0.0.%d,port=%d,state=online,offset=0,lag=0\r\n", i, i,
                              6380 + i);
    }
    struct core__info_replica tab[5];
    memset(tab, 0x5a, sizeof(tab));
    struct core__info in;
    assert_int_equal(core__info_parse(text, n, &in, tab, 3), CORE_OK);
    assert_int_equal(in.replicas_len, 3);
    assert_int_equal(in.replicas_seen, 5);
    assert_string_equal(tab[2].ip, "10.0.0.2");
    assert_int_equal(tab[2].port, 6382);
    assert_int_equal((unsigned char)tab[3].ip[0], 0x5a);
    /* A zero-capacity table takes nothing and still counts. */
    assert_int_equal(core__info_parse(text, n, &in, NULL, 0), CORE_OK);
    assert_int_equal(in.replicas_seen, 5);
    assert_int_equal(in.replicas_len, 0);
}

/* Goal: numbers are read like strtoll/strtoull (Sentinel's atoi): -1 link
 * down, trailing garbage ignored, no digits reads 0, huge values saturate.
 * Method: table of replica texts and the numbers read. */
static void test_info_number_reading(void **state) {
    (void)state;
    struct core__info in;
    parse("role:slave\r\nmaster_link_down_since_seconds:-1\r\nmaster_port:12ab\r\n"
          "slave_priority:\r\nreplica_announced:0\r\n",
          &in, NULL, 0);
    assert_int_equal(in.master_link_down_since_s, -1);
    assert_int_equal(in.master_port, 12);
    assert_true(in.has_slave_priority);
    assert_int_equal(in.slave_priority, 0);
    assert_int_equal(in.replica_announced, 0);
    parse("role:slave\nslave_repl_offset:99999999999999999999999\nslave_priority:-5\n", &in, NULL,
          0);
    assert_int_equal(in.slave_repl_offset, UINT64_MAX);
    assert_int_equal(in.slave_priority, -5);
    /* master_link_down_since_seconds is read whatever the role. */
    parse("role:master\r\nmaster_link_down_since_seconds:30\r\n", &in, NULL, 0);
    assert_true(in.has_master_link_down_since);
    assert_int_equal(in.master_link_down_since_s, 30);
    parse("master_link_down_since_seconds:\r\n", &in, NULL, 0);
    assert_false(in.has_master_link_down_since); /* 31 bytes < 32 */
}

/* Goal: master_link_status is "up" case-insensitively, anything else down.
 * Method: table of values. */
static void test_info_link_status_values(void **state) {
    (void)state;
    static const struct {
        const char *v;
        bool up;
    } cases[] = {{"up", true},   {"UP", true}, {"Up", true},  {"down", false},
                 {"up ", false}, {"", false},  {"upx", false}};
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char text[64];
        int n = snprintf(text, sizeof(text), "role:slave\r\nmaster_link_status:%s\r\n", cases[c].v);
        struct core__info in;
        assert_int_equal(core__info_parse(text, (size_t)n, &in, NULL, 0), CORE_OK);
        assert_true(in.has_master_link_status);
        assert_int_equal(in.master_link_up, cases[c].up);
    }
}

/* Goal: bounds: an over-long master_host is absent, not truncated; a text
 * over CORE_INFO_BYTES_MAX is refused; the length argument is honoured (no
 * read past len, bytes after it ignored); embedded NULs are plain bytes.
 * Method: crafted texts. */
static void test_info_bounds(void **state) {
    (void)state;
    struct core__info in;
    char text[200];
    memset(text, 'h', sizeof(text));
    memcpy(text, "role:slave\nmaster_host:", 23);
    assert_int_equal(core__info_parse(text, 23 + CORE_IP_MAX, &in, NULL, 0), CORE_OK);
    assert_false(in.has_master_host);
    assert_int_equal(core__info_parse(text, 23 + CORE_IP_MAX - 1, &in, NULL, 0), CORE_OK);
    assert_true(in.has_master_host);
    assert_int_equal(strlen(in.master_host), CORE_IP_MAX - 1);

    assert_int_equal(core__info_parse(text, CORE_INFO_BYTES_MAX + 1u, &in, NULL, 0), CORE_E_LIMIT);
    assert_int_equal(in.lines, 0);

    static const char cut[] = "role:slave\r\nmaster_port:6379\r\nrole:master";
    assert_int_equal(core__info_parse(cut, 30, &in, NULL, 0), CORE_OK);
    assert_int_equal(in.role, CORE__INFO_ROLE_SLAVE);
    assert_int_equal(in.master_port, 6379);

    static const char nul[] = "role:slave\0\nmaster_host:a\0b\nmaster_port:1\n";
    assert_int_equal(core__info_parse(nul, sizeof(nul) - 1, &in, NULL, 0), CORE_OK);
    assert_int_equal(in.role, CORE__INFO_ROLE_SLAVE);
    assert_false(in.has_master_host);
    assert_true(in.has_master_port);

    assert_int_equal(core__info_parse(NULL, 0, &in, NULL, 0), CORE_OK);
    assert_int_equal(in.lines, 0);
    assert_int_equal(in.role, CORE__INFO_ROLE_NONE);
}

/* Reads a capture of real INFO output (the fuzz seeds carry one leading
 * byte, the table capacity, which is skipped). */
static size_t read_capture(const char *name, char *buf, size_t cap) {
    char path[256];
    snprintf(path, sizeof(path), "tests/fuzz/corpus/info/%s", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) { fail_msg("cannot open %s (run from the repository root)", path); }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    assert_true(n > 1 && n < cap);
    memmove(buf, buf + 1, n - 1);
    return n - 1;
}

/* Goal: the parser reads INFO exactly as redis-server 7.0.15 writes it (all
 * default sections, about 200 CRLF lines): a master with an online
 * replica, that replica with its link up, and the same replica 2 s after
 * its master was shut down. Method: parse the three captures (taken with
 * redis-cli from real redis-server 7.0.15 processes) and check every field
 * Sentinel reads against the values in them. */
static void test_info_parse_real_redis_captures(void **state) {
    (void)state;
    static char buf[16384];
    struct core__info in;
    struct core__info_replica tab[4];
    size_t n = read_capture("real_master", buf, sizeof(buf));
    assert_int_equal(core__info_parse(buf, n, &in, tab, 4), CORE_OK);
    assert_true(in.lines > 150);
    assert_string_equal(in.run_id, "7f38a32af1634c5988dd2125fa8c416576ccbecc");
    assert_int_equal(in.role, CORE__INFO_ROLE_MASTER);
    assert_int_equal(in.replicas_len, 1);
    assert_string_equal(tab[0].ip, "127.0.0.1");
    assert_int_equal(tab[0].port, 26991);
    assert_false(in.has_master_host || in.has_slave_priority || in.has_master_link_down_since);

    n = read_capture("real_replica", buf, sizeof(buf));
    assert_int_equal(core__info_parse(buf, n, &in, tab, 4), CORE_OK);
    assert_string_equal(in.run_id, "2fa859bcaae0b87881bdce26b04134d0e425f82f");
    assert_int_equal(in.role, CORE__INFO_ROLE_SLAVE);
    assert_string_equal(in.master_host, "127.0.0.1");
    assert_int_equal(in.master_port, 26990);
    assert_true(in.has_master_link_status && in.master_link_up);
    assert_false(in.has_master_link_down_since);
    assert_int_equal(in.slave_repl_offset, 50);
    assert_int_equal(in.slave_priority, 42);
    assert_int_equal(in.replica_announced, 1);
    assert_int_equal(in.replicas_len, 0);

    n = read_capture("real_replica_down", buf, sizeof(buf));
    assert_int_equal(core__info_parse(buf, n, &in, tab, 4), CORE_OK);
    assert_true(in.has_master_link_status && !in.master_link_up);
    assert_true(in.has_master_link_down_since);
    assert_int_equal(in.master_link_down_since_s, 2);
    assert_int_equal(in.slave_repl_offset, 50);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_parse_master),
        cmocka_unit_test(test_info_parse_replica_lf),
        cmocka_unit_test(test_info_role_gates_replica_fields),
        cmocka_unit_test(test_info_run_id_length_rule),
        cmocka_unit_test(test_info_replica_line_formats),
        cmocka_unit_test(test_info_replica_overflow_is_reported),
        cmocka_unit_test(test_info_number_reading),
        cmocka_unit_test(test_info_link_status_values),
        cmocka_unit_test(test_info_bounds),
        cmocka_unit_test(test_info_parse_real_redis_captures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
