/* test_core_election.c: votes, leader determination and retry spacing
 * (spec §7.2.3, §8).
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

#include "core/internal.h"
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_C "cccccccccccccccccccccccccccccccccccccccc"
#define ID_D "dddddddddddddddddddddddddddddddddddddddd"

static struct core_sentinel *new_core(const char *conf) {
    struct core_limits l = core_limits_default();
    struct core_options o = {conf, strlen(conf), 1, true};
    struct core_allocator a = core_test_malloc();
    struct core_sentinel *s;
    struct core_error e;
    assert_int_equal(core_new(&l, &o, &a, 1000000, &s, &e), CORE_OK);
    struct core_input in = {.kind = CORE_IN_START};
    const struct core_output *out;
    size_t n;
    assert_int_equal(core_step(s, 1000000, &in, &out, &n), CORE_OK);
    return s;
}

/* Sends IS-MASTER-DOWN-BY-ADDR and returns the outputs. */
static const struct core_output *ask(struct core_sentinel *s,
                                     const char *epoch,
                                     const char *id,
                                     size_t *n) {
    const char *argv[] = {"SENTINEL", "is-master-down-by-addr", "10.0.1.1", "6379", epoch, id};
    size_t lens[6];
    for (int k = 0; k < 6; k++) {
        lens[k] = strlen(argv[k]);
    }
    struct core_input in = {
        .kind = CORE_IN_COMMAND, .client = 5, .argc = 6, .argv = argv, .argv_len = lens};
    const struct core_output *out;
    assert_int_equal(core_step(s, 1000500, &in, &out, n), CORE_OK);
    return out;
}

static const struct core_reply *reply_of(const struct core_output *out, size_t n) {
    for (size_t k = 0; k < n; k++) {
        if (out[k].kind == CORE_OUT_REPLY) { return out[k].reply; }
    }
    fail_msg("no reply");
    static const struct core_reply none = {.type = CORE_REPLY_NIL};
    return &none;
}

static const struct core_reply *ask_reply(struct core_sentinel *s,
                                          const char *epoch,
                                          const char *id) {
    size_t n;
    const struct core_output *out = ask(s, epoch, id, &n);
    return reply_of(out, n);
}

static void check_vote(const struct core_reply *r, const char *leader, int64_t epoch) {
    assert_int_equal(r->type, CORE_REPLY_ARRAY);
    assert_int_equal(r->elements_len, 3);
    assert_int_equal(r->elements[0].type, CORE_REPLY_INTEGER);
    assert_int_equal(r->elements[1].type, CORE_REPLY_BULK);
    assert_int_equal(r->elements[1].len, strlen(leader));
    assert_memory_equal(r->elements[1].str, leader, strlen(leader));
    assert_int_equal(r->elements[2].integer, epoch);
}

static void test_election_one_vote_per_epoch(void **state) {
    /* Goal: the first requester of an epoch gets the vote, later ones of the
     * same or an older epoch are told that vote, a newer epoch gets a new
     * vote, the vote is persisted before the reply, and voting for another
     * delays our own failover (§8.2). Method: IS-MASTER-DOWN-BY-ADDR
     * commands straight into one core. */
    (void)state;
    struct core_sentinel *s = new_core("sentinel monitor mymaster 10.0.1.1 6379 2\n");
    size_t n;
    const struct core_output *out = ask(s, "5", ID_A, &n);
    check_vote(reply_of(out, n), ID_A, 5);
    int persist = -1, reply = -1, vote = -1;
    for (size_t k = 0; k < n; k++) {
        if (out[k].kind == CORE_OUT_PERSIST && persist < 0) { persist = (int)k; }
        if (out[k].kind == CORE_OUT_REPLY) { reply = (int)k; }
        if (out[k].kind == CORE_OUT_EVENT && !strcmp(out[k].type, "+vote-for-leader")) {
            assert_string_equal(out[k].text, ID_A " 5");
            vote = (int)k;
        }
    }
    assert_true(persist >= 0 && persist < vote && vote < reply);
    assert_int_equal(core_current_epoch(s), 5);
    struct core__master *m = &s->masters[s->order[0]];
    assert_true(m->failover_start_time >= 1000500 && m->failover_start_time < 1001500);
    check_vote(ask_reply(s, "5", ID_B), ID_A, 5);
    check_vote(ask_reply(s, "4", ID_C), ID_A, 5);
    check_vote(ask_reply(s, "6", ID_B), ID_B, 6);
    check_vote(ask_reply(s, "7", "*"), "*", 0);
    assert_int_equal(core_current_epoch(s), 6);
    const struct core_reply *r = ask_reply(s, "x", ID_A);
    assert_int_equal(r->type, CORE_REPLY_ERROR);
    core_free(s);
}

/* Makes peer record j report a vote for `id` in epoch `e`. */
static void set_peer_vote(struct core_sentinel *s, uint32_t j, const char *id, uint64_t e) {
    struct core__master *m = &s->masters[s->order[0]];
    struct core__inst *ri = &s->insts[m->sentinels[j]];
    snprintf(ri->leader, sizeof(ri->leader), "%s", id);
    ri->leader_epoch = e;
}

static const char *leader(struct core_sentinel *s, uint64_t epoch, char *buf) {
    core__out_reset(s);
    return core__get_leader(s, s->order[0], epoch, buf);
}

static void test_election_majority_and_quorum(void **state) {
    /* Goal: a leader needs max(majority of all known sentinels, quorum)
     * votes of the current epoch, and ties go to the first in table order
     * (§8.3). Method: one core with four known peers whose reported votes
     * are poked, then core__get_leader(). */
    (void)state;
    struct core_sentinel *s =
        new_core("sentinel monitor mymaster 10.0.1.1 6379 4\n"
                 "sentinel known-sentinel mymaster 10.0.0.2 26379 " ID_A "\n"
                 "sentinel known-sentinel mymaster 10.0.0.3 26379 " ID_B "\n"
                 "sentinel known-sentinel mymaster 10.0.0.4 26379 " ID_C "\n"
                 "sentinel known-sentinel mymaster 10.0.0.5 26379 " ID_D "\n");
    char buf[CORE_RUNID_LEN + 1];
    s->current_epoch = 3;
    set_peer_vote(s, 0, s->myid, 3);
    set_peer_vote(s, 1, s->myid, 3);
    set_peer_vote(s, 2, ID_C, 3);
    set_peer_vote(s, 3, ID_D, 2);
    /* 2 peers + our vote = 3: a majority of 5, but below quorum 4. */
    assert_null(leader(s, 3, buf));
    s->masters[s->order[0]].quorum = 3;
    assert_non_null(leader(s, 3, buf));
    assert_string_equal(buf, s->myid);
    /* Votes of an older epoch do not count. */
    s->current_epoch = 4;
    assert_null(leader(s, 4, buf));
    /* Tie 2-2 between A and C: A was seen first in table order, so it gets
     * our vote and wins 3-2. */
    set_peer_vote(s, 0, ID_A, 5);
    set_peer_vote(s, 1, ID_C, 5);
    set_peer_vote(s, 2, ID_C, 5);
    set_peer_vote(s, 3, ID_A, 5);
    s->current_epoch = 5;
    assert_non_null(leader(s, 5, buf));
    assert_string_equal(buf, ID_A);
    core_free(s);
}

#define CONF3                                                                                      \
    "sentinel monitor mymaster 10.0.1.1 6379 1\n"                                                  \
    "sentinel down-after-milliseconds mymaster 2000\n"                                             \
    "sentinel failover-timeout mymaster 20000\n"

static void test_election_not_elected_then_delay(void **state) {
    /* Goal: alone among three known sentinels, a candidate is not elected,
     * aborts after min(election-timeout, failover-timeout), logs "Next
     * failover delay" once and retries with a new epoch only after
     * 2 x failover-timeout (§8.4, §9.2, §18.2). Method: world with two
     * sentinels killed after discovery, quorum 1. */
    (void)state;
    struct cw *w = cw_new();
    cw_set_explain(w, true);
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    for (int k = 0; k < 3; k++) {
        cw_sentinel(w, CONF3, 50 + (uint64_t)k);
    }
    cw_run(w, cw_now(w) + 15000);
    cw_kill_sentinel(w, 1);
    cw_kill_sentinel(w, 2);
    int from = cw_events_len(w);
    cw_kill_node(w, m);
    cw_run(w, cw_now(w) + 20000);
    int tf = cw_find(w, from, 0, "+try-failover", NULL);
    int ab = cw_find(w, from, 0, "-failover-abort-not-elected", NULL);
    assert_true(tf >= 0 && ab > tf);
    uint64_t waited = cw_event_at(w, ab)->t - cw_event_at(w, tf)->t;
    assert_true(waited > 10000 && waited <= 11200);
    assert_true(cw_find(w, from, 0, "?", "not elected for mymaster: 1 votes < needed 2") >= 0);
    int delay = cw_find(w, ab, 0, "", "Next failover delay: I will not start a failover before");
    assert_true(delay > ab);
    assert_int_equal(cw_count(w, 0, "", "Next failover delay"), 1);
    cw_run(w, cw_event_at(w, tf)->t + 39000);
    assert_int_equal(cw_count(w, 0, "+try-failover", NULL), 1);
    cw_run(w, cw_event_at(w, tf)->t + 41200);
    assert_int_equal(cw_count(w, 0, "+try-failover", NULL), 2);
    assert_true(cw_find(w, from, 0, "+new-epoch", "2") >= 0);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_election_one_vote_per_epoch),
        cmocka_unit_test(test_election_majority_and_quorum),
        cmocka_unit_test(test_election_not_elected_then_delay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
