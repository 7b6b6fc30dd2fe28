/* test_scn_load.c: loading scenario files into struct scn, and refusing bad ones.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenarios/scenario.h"

/* Loads `yaml` and returns the formatted error ("" on success); frees the model. */
static void load_error(const char *yaml, char *buf, size_t len) {
    struct scn s;
    struct scn_error err;
    buf[0] = '\0';
    if (scn_load_string("t.yaml", yaml, strlen(yaml), &s, &err) < 0) {
        scn_error_format(&err, buf, len);
    }
    scn_free(&s);
}

#define BASE                                                                                       \
    "masters:\n"                                                                                   \
    "  mymaster:\n"                                                                                \
    "    master: m\n"                                                                              \
    "    quorum: 2\n"                                                                              \
    "    replicas: [r1, r2]\n"                                                                     \
    "sentinels: 3\n"

static void test_scn_load_library_files(void **state) {
    /* Goal: every file of the scenario library loads and is self-consistent.
     * Method: load each .yaml file in scenarios/library, then check invariants of
     * the model that every driver relies on (indices in range, one master
     * per group, seeds present). */
    (void)state;
    DIR *d = opendir("scenarios/library");
    assert_non_null(d);
    struct dirent *e;
    unsigned loaded = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0) { continue; }
        char path[512];
        snprintf(path, sizeof path, "scenarios/library/%s", e->d_name);
        struct scn s;
        struct scn_error err;
        char msg[600] = "";
        if (scn_load(path, &s, &err) < 0) { scn_error_format(&err, msg, sizeof msg); }
        assert_string_equal(msg, "");
        assert_true(s.cites_len > 0);
        assert_true(s.seeds_len > 0);
        assert_true(s.sentinels_len > 0);
        for (uint32_t i = 0; i < s.nodes_len; i++) {
            assert_true(s.nodes[i].group < s.groups_len);
            if (s.groups[s.nodes[i].group].master == i) {
                assert_int_equal(s.nodes[i].replicaof, -1);
            } else {
                assert_true(s.nodes[i].replicaof >= 0);
                assert_true((uint32_t)s.nodes[i].replicaof < s.nodes_len);
            }
        }
        for (uint32_t i = 0; i < s.steps_len; i++) {
            for (uint32_t k = 0; k < s.steps[i].targets.len; k++) {
                struct scn_proc p = s.steps[i].targets.items[k];
                assert_non_null(scn_proc_name(&s, p));
            }
        }
        scn_free(&s);
        loaded++;
    }
    closedir(d);
    assert_true(loaded >= 10);
}

static void test_scn_load_model_fields(void **state) {
    /* Goal: the loader fills the model as the README documents it.
     * Method: load a small scenario using most sections and check each
     * field, including defaults that were not written. */
    (void)state;
    const char *yaml =
        "name: demo\n"
        "seeds: 3..5\n"
        "duration: 1m\n"
        "timers: {info-period: 1s, tilt-trigger: 2500}\n"
        "defaults: {quorum: 2, down-after-milliseconds: 2s, failover-timeout: 6000}\n"
        "masters:\n"
        "  mymaster:\n"
        "    master: {name: m, min-replicas-to-write: 1}\n"
        "    parallel-syncs: 2\n"
        "    replicas:\n"
        "      r1: {priority: 0}\n"
        "      r1a: {replicaof: r1}\n"
        "sentinels: {s1: {impl: redis}, s2: , s3: {impl: core}}\n"
        "network: {latency: 1ms..3ms, loss: 1/1000}\n"
        "workload: {writes-per-sec: 20}\n"
        "timeline:\n"
        "  - at: 1s\n"
        "    kill: [m, s1]\n"
        "  - wait: {event: +switch-master, on: any, text: mymaster}\n"
        "  - sentinel: {on: s2, command: failover mymaster}\n"
        "  - sleep: 1.5s\n"
        "  - partition: {isolate: r1, one-way: yes}\n"
        "  - heal:\n"
        "  - clock-jump: {on: s3, by: -3s}\n"
        "expect:\n"
        "  master: [r1]\n"
        "  replicas: {r1a: master}\n"
        "  failovers: {min: 1, max: 2}\n"
        "  lost-writes: {max: 10}\n";
    struct scn s;
    struct scn_error err;
    assert_int_equal(scn_load_string("demo.yaml", yaml, strlen(yaml), &s, &err), 0);
    assert_string_equal(s.name, "demo");
    assert_int_equal(s.seeds_len, 3);
    assert_int_equal(s.seeds[2], 5);
    assert_int_equal(s.duration_ms, 60000);
    assert_int_equal(s.settle_ms, 10000);
    struct scn_timers t = scn_timers_effective(&s);
    assert_int_equal(t.info_period_ms, 1000);
    assert_int_equal(t.tilt_trigger_ms, 2500);
    assert_int_equal(t.ping_period_ms, 1000);
    assert_int_equal(t.tilt_period_ms, 30000);
    assert_int_equal(s.groups_len, 1);
    assert_int_equal(s.groups[0].settings.quorum, 2);
    assert_int_equal(s.groups[0].settings.down_after_ms, 2000);
    assert_int_equal(s.groups[0].settings.parallel_syncs, 2);
    assert_int_equal(s.nodes_len, 3);
    assert_int_equal(s.nodes[0].min_replicas_to_write, 1);
    assert_int_equal(s.nodes[1].priority, 0);
    assert_int_equal(s.nodes[2].replicaof, 1);
    assert_int_equal(s.sentinels[0].impl, SCN_IMPL_REDIS);
    assert_int_equal(s.sentinels[1].impl, SCN_IMPL_DEFAULT);
    assert_int_equal(s.network.latency.min_ms, 1);
    assert_int_equal(s.network.latency.max_ms, 3);
    assert_int_equal(s.network.loss.den, 1000);
    assert_true(s.workload.enabled);
    assert_int_equal(s.workload.writes_per_sec, 20);
    assert_int_equal(s.steps_len, 7);
    assert_int_equal(s.steps[0].when, SCN_WHEN_AT);
    assert_int_equal(s.steps[0].targets.len, 2);
    assert_int_equal(s.steps[0].targets.items[1].kind, SCN_PROC_SENTINEL);
    assert_int_equal(s.steps[1].cond.quantifier, SCN_ANY);
    assert_string_equal(s.steps[1].cond.text, "mymaster");
    assert_int_equal(s.steps[1].timeout_ms, 60000);
    assert_int_equal(s.steps[2].argc, 3);
    assert_string_equal(s.steps[2].argv[0], "SENTINEL");
    assert_string_equal(s.steps[2].argv[1], "failover");
    assert_int_equal(s.steps[3].kind, SCN_STEP_SLEEP);
    assert_int_equal(s.steps[3].time_ms, 1500);
    assert_true(s.steps[4].one_way);
    assert_int_equal(s.steps[4].side_a.len, 1);
    assert_int_equal(s.steps[4].side_b.len, 0);
    assert_int_equal(s.steps[6].jump_ms, -3000);
    assert_int_equal(s.expect.groups_len, 1);
    assert_int_equal(s.expect.groups[0].replicas[0].upstream, SCN_UPSTREAM_MASTER);
    assert_int_equal(s.expect.failovers_max, 2);
    assert_int_equal(s.expect.lost_writes_max, 10);
    assert_int_equal(s.expect.failovers_pos.line, 28);
    assert_int_equal(s.expect.failovers_pos.col, 3);
    assert_int_equal(s.expect.lost_writes_pos.line, 29);
    assert_int_equal(s.expect.leader_pos.line, 0);
    struct scn_proc p;
    assert_int_equal(scn_find_proc(&s, "r1a", &p), 0);
    assert_int_equal(p.kind, SCN_PROC_NODE);
    assert_string_equal(scn_proc_name(&s, p), "r1a");
    assert_int_equal(scn_find_proc(&s, "nobody", &p), -1);
    scn_free(&s);
}

static void test_scn_load_generated_topology(void **state) {
    /* Goal: the compact forms expand to the documented names and shapes.
     * Method: load {count: 100, replicas: 4} and `replicas: 500`, check
     * counts, names, groups and upstreams. */
    (void)state;
    const char *yaml = "defaults: {quorum: 3}\n"
                       "masters: {count: 100, replicas: 4}\n"
                       "sentinels: 5\n";
    struct scn s;
    struct scn_error err;
    assert_int_equal(scn_load_string("g.yaml", yaml, strlen(yaml), &s, &err), 0);
    assert_int_equal(s.groups_len, 100);
    assert_int_equal(s.nodes_len, 500);
    assert_string_equal(s.groups[99].name, "m100");
    assert_string_equal(s.nodes[s.groups[99].master].name, "m100");
    assert_string_equal(s.nodes[1].name, "m1r1");
    assert_int_equal(s.nodes[1].replicaof, 0);
    assert_int_equal(s.nodes[499].group, 99);
    assert_int_equal(s.groups[42].settings.quorum, 3);
    assert_string_equal(s.sentinels[4].name, "s5");
    scn_free(&s);

    const char *one = "masters: {big: {master: m, quorum: 2, replicas: 500}}\nsentinels: 3\n";
    assert_int_equal(scn_load_string("b.yaml", one, strlen(one), &s, &err), 0);
    assert_int_equal(s.nodes_len, 501);
    assert_string_equal(s.nodes[500].name, "mr500");
    scn_free(&s);

    char msg[600];
    load_error("defaults: {quorum: 1}\nmasters: {count: 512, replicas: 8}\nsentinels: 1\n", msg,
               sizeof msg);
    assert_string_equal(msg,
                        "t.yaml:2:11: 512 masters with 8 replicas each exceed 4096 data nodes");
}

static void test_scn_load_error_positions(void **state) {
    /* Goal: errors point at the offending key or value, 1-based.
     * Method: load small broken variants of one scenario and compare the
     * whole formatted line. */
    (void)state;
    char msg[600];
    load_error(BASE "timeline:\n  - kill: r9\n", msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:8:11: unknown node or sentinel 'r9' in kill");
    load_error(BASE "timeline:\n  - kill: [m, r9]\n", msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:8:15: unknown node or sentinel 'r9' in kill");
    load_error("masters:\n  mymaster:\n    master: m\n    quorom: 2\nsentinels: 3\n", msg,
               sizeof msg);
    assert_string_equal(msg, "t.yaml:4:5: unknown key 'quorom' in master 'mymaster' (did you mean "
                             "'quorum'?)");
    load_error(BASE "duration: 1.5x\n", msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:7:11: 'duration': '1.5x' is not a duration (write 1500, "
                             "\"1500ms\", \"1.5s\" or \"1m\")");
    load_error(BASE "sentinels: 4\n", msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:7:1: duplicate key 'sentinels'");
    load_error("masters: [\n", msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:2:1: unclosed '[': a flow list needs ']'");
    load_error("", msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:1:1: the scenario is empty");
    load_error(BASE "timeline:\n  - wait: {event: +switch-master, timeout: 0}\n", msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:8:44: 'timeout' must be greater than 0");
}

static void test_scn_load_hostile_text(void **state) {
    /* Goal: text libfyaml mishandles never reaches it, and quoted content
     * cannot break the one-line error format. Method: load a directive line
     * with malformed UTF-8 (libfyaml 0.7.12 loops forever on it), other
     * malformed UTF-8, and a multi-line flow key; compare the messages. */
    (void)state;
    char msg[600];
    load_error("%a \xd9"
               "b\n",
               msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:1:1: YAML directives ('%YAML', '%TAG') are not supported");
    load_error("name: caf\xc3\xa9\ncites: [\xed\xa0\x80]\n", msg, sizeof msg);
    assert_string_equal(msg, "t.yaml:2:9: invalid UTF-8 byte 0xed");
    load_error("defaults: {quorum: 1, bad\n\n\n  key: 1}\n", msg, sizeof msg);
    assert_null(strchr(msg, '\n'));
    assert_non_null(strstr(msg, "unknown key 'bad?"));
}

static void test_scn_load_free_partial(void **state) {
    /* Goal: scn_free releases a model whose load failed half-way, and is
     * safe on a zeroed struct and twice in a row. Method: fail in each
     * section after allocations were made (ASan's leak check in the san
     * build proves nothing is left). */
    (void)state;
    static const char *const broken[] = {
        BASE "timeline:\n  - kill: [m, r1]\n  - partition: [[r2], [s1, nobody]]\n",
        BASE "timeline:\n  - wait: {event: +sdown, on: [s1, m]}\n",
        BASE "expect:\n  skeletons: {L: [+sdown master M, +bogus]}\n",
        BASE "expect:\n  differences: [{what: a, why: b}, {what: c}]\n",
        BASE "expect:\n  replicas: {r1: master, r2: r9}\n",
        BASE "expect:\n  never: [+tilt, {event: -tilt, text: x, extra: 1}]\n",
        BASE "cites: [a, b, [c]]\n",
        "description: long\ncites: x\nmasters: {g: {master: m, replicas: {a: {replicaof: b}}}}\n"
        "sentinels: 1\n",
        "masters: {g: {master: m, quorum: 1, replicas: 3}}\nsentinels: [s1, s1]\n",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        struct scn s;
        struct scn_error err;
        assert_int_equal(scn_load_string("p.yaml", broken[i], strlen(broken[i]), &s, &err), -1);
        assert_true(err.msg[0] != '\0');
        assert_true(err.pos.line > 0);
        scn_free(&s);
        scn_free(&s);
    }
    struct scn zero;
    memset(&zero, 0, sizeof zero);
    scn_free(&zero);
}

static void test_scn_load_missing_file(void **state) {
    /* Goal: an unreadable file is an error without a position. Method: load
     * a path that does not exist and format the error. */
    (void)state;
    struct scn s;
    struct scn_error err;
    char msg[600];
    assert_int_equal(scn_load("/nonexistent/x.yaml", &s, &err), -1);
    assert_int_equal(err.pos.line, 0);
    scn_error_format(&err, msg, sizeof msg);
    assert_string_equal(msg, "/nonexistent/x.yaml: cannot open: No such file or directory");
    scn_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scn_load_library_files),
        cmocka_unit_test(test_scn_load_model_fields),
        cmocka_unit_test(test_scn_load_generated_topology),
        cmocka_unit_test(test_scn_load_error_positions),
        cmocka_unit_test(test_scn_load_hostile_text),
        cmocka_unit_test(test_scn_load_free_partial),
        cmocka_unit_test(test_scn_load_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
