/* fuzz_scenario.c: libFuzzer target for the scenario loader (scenarios/).
 *
 * Method: the input is loaded as a scenario file with scn_load_string().
 * Checked on every input: loading terminates without a sanitizer report or
 * leak (scn_free must release a failed load as well as a good one); a
 * failed load names a 1-based position (or 0:0) and a non-empty message
 * that formats into one line; a successful load gives a model whose
 * indices are all in range (nodes' groups and upstreams, every chain
 * reaching its group's master, step targets, expectations), and loading
 * the same bytes again gives the same counts.
 *
 * fuzz-sources: scenarios
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenario.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_set(const struct scn *s, const struct scn_set *set) {
    CHECK(set->len == 0 || set->items != NULL);
    for (uint32_t i = 0; i < set->len; i++) {
        CHECK(scn_proc_name(s, set->items[i]) != NULL);
    }
}

static void check_model(const struct scn *s) {
    CHECK(s->groups_len > 0 && s->sentinels_len > 0);
    CHECK(s->nodes_len <= SCN_NODES_MAX && s->sentinels_len <= SCN_SENTINELS_MAX);
    CHECK(s->seeds_len >= 1 && s->seeds_len <= SCN_SEEDS_MAX);
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        const struct scn_node *n = &s->nodes[i];
        CHECK(n->group < s->groups_len);
        CHECK(memchr(n->name, '\0', sizeof n->name) != NULL);
        int32_t at = (int32_t)i;
        for (uint32_t hops = 0; s->nodes[at].replicaof >= 0; hops++) {
            CHECK(hops < s->nodes_len);
            CHECK((uint32_t)s->nodes[at].replicaof < s->nodes_len);
            at = s->nodes[at].replicaof;
        }
        CHECK((uint32_t)at == s->groups[n->group].master);
    }
    for (uint32_t i = 0; i < s->steps_len; i++) {
        const struct scn_step *st = &s->steps[i];
        check_set(s, &st->targets);
        check_set(s, &st->side_a);
        check_set(s, &st->side_b);
        check_set(s, &st->cond.on);
        CHECK(st->argc <= SCN_ARGV_MAX);
        CHECK(st->kind != SCN_STEP_WAIT || st->timeout_ms > 0);
        CHECK(st->when != SCN_WHEN_AT || st->time_ms < s->duration_ms);
        CHECK(st->latency.min_ms <= st->latency.max_ms);
    }
    for (uint32_t i = 0; i < s->expect.groups_len; i++) {
        const struct scn_expect_group *g = &s->expect.groups[i];
        CHECK(g->group < s->groups_len);
        check_set(s, &g->master_one_of);
        for (uint32_t k = 0; k < g->replicas_len; k++) {
            CHECK(g->replicas[k].node < s->nodes_len);
            CHECK(
                g->replicas[k].upstream == SCN_UPSTREAM_MASTER ||
                (g->replicas[k].upstream >= 0 && (uint32_t)g->replicas[k].upstream < s->nodes_len));
        }
    }
    check_set(s, &s->expect.leader_one_of);
    check_set(s, &s->expect.promoted_one_of);
    for (uint32_t i = 0; i < s->expect.skeletons_len; i++) {
        CHECK(s->expect.skeletons[i].len > 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct scn s;
    struct scn_error err;
    char line[600];
    const char *yaml = (const char *)data;
    if (scn_load_string("fuzz.yaml", yaml, size, &s, &err) == 0) {
        check_model(&s);
        struct scn again;
        CHECK(scn_load_string("fuzz.yaml", yaml, size, &again, &err) == 0);
        CHECK(again.nodes_len == s.nodes_len && again.steps_len == s.steps_len);
        CHECK(again.sentinels_len == s.sentinels_len && again.groups_len == s.groups_len);
        scn_free(&again);
    } else {
        CHECK(err.msg[0] != '\0');
        CHECK((err.pos.line == 0) == (err.pos.col == 0) || err.pos.line > 0);
        scn_error_format(&err, line, sizeof line);
        CHECK(strchr(line, '\n') == NULL);
    }
    scn_free(&s);
    return 0;
}
