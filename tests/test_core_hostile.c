/* test_core_hostile.c: hostile data nodes and peers never break the
 * sentinel's work on the masters they do not own.
 *
 * Method: the core of tests/support/core_hostile.h monitors `good` (master
 * plus one replica, honest) and `bad` (a node whose answers a hook
 * replaces). Each test makes `bad` (or the other sentinel of `bad`) answer
 * in one hostile way: wrong reply types, INFO near and over
 * CORE_INFO_BYTES_MAX, arrays of 10^6 elements and nesting beyond
 * CORE_REPLY_DEPTH_MAX, truncated INFO, nonsense roles, replica lines naming
 * the master itself or the sentinel, garbage run ids, hellos with epochs up
 * to 2^64 - 1 and malformed hellos, is-master-down-by-addr answers of wrong
 * shapes, and no answer at all. The cmocka assertion handler fails a test
 * on any CORE_ASSERT and the world aborts on any CORE_E_INPUT. Then every
 * test checks that `good` stayed healthy (no +sdown) and that killing its
 * master still gives a complete failover to the replica.
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
#include <strings.h>

#include <cmocka.h>

#include "core/core.h"
#include "tests/support/core_hostile.h"
#include "tests/support/core_test.h"

#define SWITCH_GOOD "good 10.0.1.1 6379 10.0.1.2 6379"

/* Runs with the hostile node for 20 s, then checks `good` is healthy and
 * still fails over completely when its master dies. */
static void good_survives(struct hw *w) {
    hw_run(w, 20000);
    if (hw_count(w, "+sdown", "master good") != 0) { hw_dump(w); }
    assert_int_equal(hw_count(w, "+sdown", "master good"), 0);
    struct core_master_view v;
    assert_int_equal(core_master(hw_core(w), 0, &v), 0);
    assert_string_equal(v.name, "good");
    assert_false(v.sdown);
    hw_kill(w, HW_GOOD);
    hw_run(w, 40000);
    if (hw_count(w, "+switch-master", SWITCH_GOOD) != 1) { hw_dump(w); }
    assert_int_equal(hw_count(w, "+switch-master", SWITCH_GOOD), 1);
    assert_int_equal(core_master(hw_core(w), 0, &v), 0);
    assert_string_equal(v.ip, "10.0.1.2");
}

static bool is(const struct core_output *o, const char *verb) {
    return strcasecmp(o->argv[0], verb) == 0;
}

static void test_baseline_honest(void **state) {
    /* Goal: the harness itself is sound: with every node honest, both
     * masters stay up and good fails over when its master dies.
     * Method: no hook; run, kill good's master, run. */
    (void)state;
    struct hw *w = hw_new(false);
    good_survives(w);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 0);
    hw_free(w);
}

static const struct core_reply *wrong_types(struct hw *w,
                                            int node,
                                            const struct core_output *o,
                                            void *ud) {
    static const struct core_reply two[2] = {{.type = CORE_REPLY_INTEGER, .integer = 1},
                                             {.type = CORE_REPLY_NIL}};
    static const struct core_reply info_int = {.type = CORE_REPLY_INTEGER, .integer = 42};
    static const struct core_reply ping_arr = {
        .type = CORE_REPLY_ARRAY, .elements = two, .elements_len = 2};
    static const struct core_reply status = {.type = CORE_REPLY_STATUS, .str = "OK", .len = 2};
    static const struct core_reply nil_arr = {.type = CORE_REPLY_NIL_ARRAY};
    (void)w, (void)node, (void)ud;
    if (is(o, "INFO")) { return &info_int; }
    if (is(o, "PING")) { return &ping_arr; }
    if (is(o, "SUBSCRIBE")) { return &status; }
    if (is(o, "PUBLISH")) { return &nil_arr; }
    return &status;
}

static void test_wrong_types(void **state) {
    /* Goal: INFO answered by an integer, PING by an array, SUBSCRIBE by a
     * status and PUBLISH by a nil array are ignored like Sentinel ignores
     * replies of the wrong type. Method: bad answers everything so; the
     * core must keep asking (it sent several INFO) and good is unaffected. */
    (void)state;
    struct hw *w = hw_new(false);
    hw_set_answer(w, HW_BAD, wrong_types, NULL);
    hw_run(w, 25000);
    assert_true(hw_sent(w, HW_BAD, "INFO") >= 2);
    good_survives(w);
    hw_free(w);
}

/* A valid master INFO padded with comment lines to exactly `len` bytes. */
static char *padded_info(size_t len) {
    static const char head[] = "# Server\r\nrun_id:3333333333333333333333333333333333333333\r\n"
                               "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n";
    char *b = malloc(len);
    assert_non_null(b);
    memcpy(b, head, sizeof(head) - 1);
    for (size_t j = sizeof(head) - 1; j < len; j++) {
        b[j] = (j % 64 == 63) ? '\n' : (j % 64 == 0 ? '#' : 'x');
    }
    return b;
}

struct huge {
    struct core_reply under, over;
    int calls;
};

static const struct core_reply *huge_info(struct hw *w,
                                          int node,
                                          const struct core_output *o,
                                          void *ud) {
    struct huge *h = ud;
    if (!is(o, "INFO")) { return hw_honest(w, node, o); }
    return h->calls++ % 2 == 0 ? &h->under : &h->over;
}

static void test_info_near_and_over_limit(void **state) {
    /* Goal: an INFO of exactly CORE_INFO_BYTES_MAX bytes is parsed (bad
     * keeps its role and stays up) and one byte more is refused without
     * harm. Method: bad alternates the two sizes; bad must not go down
     * (PING is honest) and good is unaffected. */
    (void)state;
    struct huge h = {
        .under = {.type = CORE_REPLY_BULK, .len = CORE_INFO_BYTES_MAX},
        .over = {.type = CORE_REPLY_BULK, .len = CORE_INFO_BYTES_MAX + 1},
    };
    h.under.str = padded_info(CORE_INFO_BYTES_MAX);
    h.over.str = padded_info(CORE_INFO_BYTES_MAX + 1);
    struct hw *w = hw_new(false);
    hw_set_answer(w, HW_BAD, huge_info, &h);
    good_survives(w);
    assert_true(h.calls >= 4);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 0);
    hw_free(w);
    free((void *)(uintptr_t)h.under.str);
    free((void *)(uintptr_t)h.over.str);
}

struct many {
    struct core_reply *elems;  /* 10^6 nils */
    struct core_reply big;     /* an array of them */
    struct core_reply nest[8]; /* arrays nested 8 deep */
};

static const struct core_reply *many_elements(struct hw *w,
                                              int node,
                                              const struct core_output *o,
                                              void *ud) {
    struct many *m = ud;
    (void)w, (void)node;
    return is(o, "INFO") ? &m->nest[0] : &m->big;
}

static void test_arrays_beyond_bounds(void **state) {
    /* Goal: replies with 10^6 elements (CORE_REPLY_ELEMENTS_MAX is 64) or
     * nested deeper than CORE_REPLY_DEPTH_MAX are refused without being
     * walked into trouble. Method: bad answers INFO with an 8-deep array and
     * everything else with a 10^6-element one; the core must go on, bad ends
     * SDOWN (no valid PING reply) and good is unaffected. */
    (void)state;
    static struct many m;
    m.elems = calloc(1000000, sizeof(*m.elems));
    assert_non_null(m.elems);
    for (size_t j = 0; j < 1000000; j++) {
        m.elems[j].type = CORE_REPLY_NIL;
    }
    m.big =
        (struct core_reply){.type = CORE_REPLY_ARRAY, .elements = m.elems, .elements_len = 1000000};
    for (int j = 0; j < 8; j++) {
        m.nest[j] = (struct core_reply){.type = CORE_REPLY_ARRAY,
                                        .elements = j < 7 ? &m.nest[j + 1] : m.elems,
                                        .elements_len = 1};
    }
    struct hw *w = hw_new(false);
    hw_set_answer(w, HW_BAD, many_elements, &m);
    good_survives(w);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 1);
    hw_free(w);
    free(m.elems);
}

/* INFO texts of one kind of nonsense, answered in turn. */
struct texts {
    const char *const *list;
    int calls;
    struct core_reply r;
};

static const struct core_reply *info_texts(struct hw *w,
                                           int node,
                                           const struct core_output *o,
                                           void *ud) {
    struct texts *t = ud;
    if (!is(o, "INFO")) { return hw_honest(w, node, o); }
    int n = 0;
    while (t->list[n] != NULL) {
        n++;
    }
    const char *s = t->list[t->calls++ % n];
    t->r = (struct core_reply){.type = CORE_REPLY_BULK, .str = s, .len = strlen(s)};
    return &t->r;
}

/* Runs a world whose bad master answers INFO with each text in turn. */
static struct hw *with_info_texts(struct texts *t) {
    struct hw *w = hw_new(false);
    hw_set_answer(w, HW_BAD, info_texts, t);
    good_survives(w);
    assert_true(t->calls >= 4);
    return w;
}

#define RUNID_OK "run_id:3333333333333333333333333333333333333333\r\n"

static void test_info_truncated(void **state) {
    /* Goal: INFO cut anywhere (mid key, mid value, no CRLF, empty) is read
     * as far as it goes and never past its length. Method: bad answers with
     * four truncations in turn; good is unaffected, bad stays up. */
    (void)state;
    static const char *const cuts[] = {"", "# Serv", RUNID_OK "# Replication\r\nrole:sla",
                                       RUNID_OK "role:master\r\nslave0:ip=10.0.2.9,port=63", NULL};
    struct texts t = {cuts, 0, {0}};
    struct hw *w = with_info_texts(&t);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 0);
    hw_free(w);
}

static void test_info_link_down_since_overflow(void **state) {
    /* Goal: master_link_down_since_seconds of +-2^63 (Redis reads it with
     * strtoll and multiplies by 1000) is stored without undefined
     * behaviour and hurts nothing. Method: bad alternates the two values
     * (on a master and on a replica-looking INFO); under V=san any signed
     * overflow aborts the test; good must still fail over. */
    (void)state;
    static const char *const texts[] = {
        RUNID_OK "role:master\r\nmaster_link_down_since_seconds:9223372036854775807\r\n",
        RUNID_OK "role:slave\r\nmaster_host:10.0.1.1\r\nmaster_port:6379\r\n"
                 "master_link_down_since_seconds:-9223372036854775808\r\n",
        NULL};
    struct texts t = {texts, 0, {0}};
    struct hw *w = with_info_texts(&t);
    hw_free(w);
}

static void test_role_banana(void **state) {
    /* Goal: a role Sentinel does not know changes nothing (no role switch,
     * no +convert-to-slave, no failover of bad). Method: bad alternates
     * role:banana, role: (empty) and role:slave without master fields. */
    (void)state;
    static const char *const roles[] = {RUNID_OK "role:banana\r\n", RUNID_OK "role:\r\n",
                                        RUNID_OK "role:slave\r\n", NULL};
    struct texts t = {roles, 0, {0}};
    struct hw *w = with_info_texts(&t);
    assert_int_equal(hw_count(w, "+convert-to-slave", NULL), 0);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 0);
    hw_free(w);
}

static void test_replicas_pointing_at_master_and_sentinel(void **state) {
    /* Goal: replica lines naming the master itself or the sentinel's own
     * address, and ones with bad ports, do not confuse the master's record.
     * Method: bad lists such slaveN lines; good is unaffected and bad stays
     * up. Sentinel 7.0 does not filter these addresses (spec §6.1: a
     * record is created for any address not yet known), so bad ends with
     * replica records at its own address and at the sentinel's, each
     * created once; the empty ip and port 70000 create none. */
    (void)state;
    static const char *const slaves[] = {
        RUNID_OK "role:master\r\nslave0:ip=10.0.2.1,port=6379,state=online,offset=1,lag=0\r\n"
                 "slave1:ip=10.0.0.1,port=26379,state=online,offset=1,lag=0\r\n",
        RUNID_OK "role:master\r\nslave0:ip=10.0.2.1,port=0,state=online\r\n"
                 "slave1:ip=,port=70000\r\nslave2:10.0.2.1,6379,online\r\n",
        NULL};
    struct texts t = {slaves, 0, {0}};
    struct hw *w = with_info_texts(&t);
    struct core_instance_view r;
    int self = 0, sentinel = 0, other = 0;
    for (uint32_t j = 0; core_replica(hw_core(w), 1, j, &r) == 0; j++) {
        bool at_self = strcmp(r.ip, "10.0.2.1") == 0 && r.port == 6379;
        bool at_sentinel = strcmp(r.ip, "10.0.0.1") == 0 && r.port == 26379;
        self += at_self;
        sentinel += at_sentinel;
        other += !at_self && !at_sentinel && r.port != 0;
    }
    assert_int_equal(self, 1);
    assert_int_equal(sentinel, 1);
    assert_int_equal(other, 0);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 0);
    hw_free(w);
}

static void test_runid_garbage(void **state) {
    /* Goal: run ids that are short, long, empty or not hex are read like
     * Sentinel reads them (spec §6.1: the first 40 characters when there
     * are at least 40, else nothing) and hurt nothing. Method: bad
     * alternates them; the two long ones differ, so each switch between
     * them is a +reboot, the short ones none; bad stays up. */
    (void)state;
    static const char *const ids[] = {
        "run_id:zzzz\r\nrole:master\r\n", "run_id:\r\nrole:master\r\n",
        "run_id:33333333333333333333333333333333333333333333\r\nrole:master\r\n",
        "run_id:,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\r\nrole:master\r\n", NULL};
    struct texts t = {ids, 0, {0}};
    struct hw *w = with_info_texts(&t);
    int longs = 0;
    for (int j = 0; j < t.calls; j++) {
        longs += j % 4 >= 2;
    }
    assert_int_equal(hw_count(w, "+reboot", "master bad"), longs - 1);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 0);
    hw_free(w);
}

static void test_hello_future_epochs(void **state) {
    /* Goal: a hello of a new sentinel with epoch 2^63 is taken like
     * Sentinel takes it (the current epoch jumps, +new-epoch), and good
     * still fails over (in epoch 2^63 + 1). Method: deliver the hello on
     * bad's pub/sub link, then run the usual check. */
    (void)state;
    struct hw *w = hw_new(false);
    hw_run(w, 3000);
    static const char hello[] = "10.0.0.8,26379,8888888888888888888888888888888888888888,"
                                "9223372036854775808,bad,10.0.2.1,6379,9223372036854775808";
    assert_true(hw_message(w, HW_BAD, "__sentinel__:hello", hello, sizeof(hello) - 1));
    assert_int_equal(core_current_epoch(hw_core(w)), UINT64_C(9223372036854775808));
    assert_int_equal(hw_count(w, "+new-epoch", "9223372036854775808"), 1);
    good_survives(w);
    assert_int_equal(core_current_epoch(hw_core(w)), UINT64_C(9223372036854775809));
    hw_free(w);
}

static void test_hello_max_epoch(void **state) {
    /* Goal: a hello with epoch 2^64 - 1 wraps the epoch exactly as
     * Sentinel 7.0's uint64_t does, without an assertion: the next failover
     * attempt runs in epoch 0, cannot be voted for (the vote needs an epoch
     * above the master's leader epoch) and aborts; the retry runs in epoch
     * 1 and completes. Method: deliver the hello on bad's link, kill good's
     * master, and read the event record. */
    (void)state;
    struct hw *w = hw_new(false);
    hw_run(w, 3000);
    static const char hello[] = "10.0.0.8,26379,8888888888888888888888888888888888888888,"
                                "18446744073709551615,bad,10.0.2.1,6379,0";
    assert_true(hw_message(w, HW_BAD, "__sentinel__:hello", hello, sizeof(hello) - 1));
    assert_int_equal(core_current_epoch(hw_core(w)), UINT64_MAX);
    hw_run(w, 5000);
    hw_kill(w, HW_GOOD);
    hw_run(w, 40000);
    /* 2^64 - 1, then 0 (the aborted attempt), then 1. */
    assert_int_equal(hw_count(w, "+new-epoch", NULL), 3);
    assert_int_equal(hw_count(w, "-failover-abort-not-elected", "master good"), 1);
    assert_int_equal(hw_count(w, "+switch-master", SWITCH_GOOD), 1);
    assert_int_equal(core_current_epoch(hw_core(w)), 1);
    hw_free(w);
}

static void test_hello_malformed(void **state) {
    /* Goal: malformed hellos are dropped: no new sentinel, no epoch change.
     * Method: deliver each on bad's pub/sub link (and a few on a foreign
     * channel); bad keeps zero known sentinels and the epoch stays 0. */
    (void)state;
    static const char *const bad[] = {
        "",
        ",,,,,,,",
        "10.0.0.8,26379,8888888888888888888888888888888888888888,1,bad,10.0.2.1,6379",
        "10.0.0.8,26379,8888888888888888888888888888888888888888,1,bad,10.0.2.1,6379,1,extra",
        "10.0.0.8,0,8888888888888888888888888888888888888888,1,bad,10.0.2.1,6379,1",
        "10.0.0.8,70000,8888888888888888888888888888888888888888,1,bad,10.0.2.1,6379,1",
        "10.0.0.8,26379,88888888,1,bad,10.0.2.1,6379,1",
        "10.0.0.8,26379,8888888888888888888888888888888888888888,-1,bad,10.0.2.1,6379,1",
        "10.0.0.8,26379,8888888888888888888888888888888888888888,x,bad,10.0.2.1,6379,1",
        "10.0.0.8,26379,8888888888888888888888888888888888888888,99999999999999999999999,bad,"
        "10.0.2.1,6379,1",
        ",26379,8888888888888888888888888888888888888888,1,bad,10.0.2.1,6379,1",
        "10.0.0.8,26379,8888888888888888888888888888888888888888,1,,10.0.2.1,6379,1",
        "10.0.0.8,26379,8888888888888888888888888888888888888888,1,bad,,6379,1",
        NULL};
    struct hw *w = hw_new(false);
    hw_run(w, 3000);
    for (int j = 0; bad[j] != NULL; j++) {
        assert_true(hw_message(w, HW_BAD, "__sentinel__:hello", bad[j], strlen(bad[j])));
    }
    char big[4096];
    memset(big, '7', sizeof(big));
    assert_true(hw_message(w, HW_BAD, "__sentinel__:hello", big, sizeof(big)));
    assert_true(hw_message(w, HW_BAD, "other", bad[2], strlen(bad[2])));
    struct core_master_view v;
    assert_int_equal(core_master(hw_core(w), 1, &v), 0);
    assert_int_equal(v.sentinels, 0);
    assert_int_equal(core_current_epoch(hw_core(w)), 0);
    good_survives(w);
    hw_free(w);
}

struct peer {
    const struct core_reply *shapes;
    int nshapes, asked;
};

static const struct core_reply *no_answer(struct hw *w,
                                          int node,
                                          const struct core_output *o,
                                          void *ud) {
    (void)w, (void)node, (void)o, (void)ud;
    return HW_NO_ANSWER;
}

static const struct core_reply *peer_answer(struct hw *w,
                                            int node,
                                            const struct core_output *o,
                                            void *ud) {
    struct peer *p = ud;
    if (o->argc >= 2 && is(o, "SENTINEL") &&
        strcasecmp(o->argv[1], "is-master-down-by-addr") == 0) {
        return &p->shapes[p->asked++ % p->nshapes];
    }
    return hw_honest(w, node, o);
}

static void test_peer_vote_wrong_shapes(void **state) {
    /* Goal: a peer sentinel answering is-master-down-by-addr with wrong
     * shapes (integer, short array, wrong element types, a negative epoch,
     * a huge array, an error) neither counts as a vote nor as a down
     * report; it never helps elect a leader for bad, and good is unaffected.
     * Method: bad never answers (SDOWN, then ODOWN with quorum 1); the peer
     * answers with the shapes in turn; bad's failover is never completed. */
    (void)state;
    static const struct core_reply two[2] = {{.type = CORE_REPLY_INTEGER, .integer = 1},
                                             {.type = CORE_REPLY_BULK, .str = "*", .len = 1}};
    static const struct core_reply typed[3] = {{.type = CORE_REPLY_BULK, .str = "1", .len = 1},
                                               {.type = CORE_REPLY_INTEGER, .integer = 7},
                                               {.type = CORE_REPLY_BULK, .str = "1", .len = 1}};
    static const struct core_reply neg[3] = {
        {.type = CORE_REPLY_INTEGER, .integer = 1},
        {.type = CORE_REPLY_BULK, .str = HW_PEER_ID, .len = 40},
        {.type = CORE_REPLY_INTEGER, .integer = -5}};
    static struct core_reply many[1000];
    for (int j = 0; j < 1000; j++) {
        many[j] = (struct core_reply){.type = CORE_REPLY_INTEGER, .integer = 1};
    }
    const struct core_reply shapes[] = {
        {.type = CORE_REPLY_INTEGER, .integer = 1},
        {.type = CORE_REPLY_ARRAY, .elements = two, .elements_len = 2},
        {.type = CORE_REPLY_ARRAY, .elements = typed, .elements_len = 3},
        {.type = CORE_REPLY_ARRAY, .elements = neg, .elements_len = 3},
        {.type = CORE_REPLY_ARRAY, .elements = many, .elements_len = 1000},
        {.type = CORE_REPLY_ERROR, .str = "ERR no", .len = 6},
        {.type = CORE_REPLY_NIL_ARRAY},
    };
    struct peer p = {shapes, 7, 0};
    struct hw *w = hw_new(true);
    hw_set_answer(w, HW_BAD, no_answer, NULL);
    hw_set_answer(w, HW_PEER, peer_answer, &p);
    good_survives(w);
    assert_true(p.asked >= 7);
    assert_int_equal(hw_count(w, "+odown", "master bad"), 1);
    assert_int_equal(hw_count(w, "+switch-master", "bad"), 0);
    assert_int_equal(hw_count(w, "+elected-leader", "master bad"), 0);
    hw_free(w);
}

static const struct core_reply *wrong_password(struct hw *w,
                                               int node,
                                               const struct core_output *o,
                                               void *ud) {
    static const struct core_reply wrongpass = {
        .type = CORE_REPLY_ERROR,
        .str = "WRONGPASS invalid username-password pair or user is disabled.",
        .len = 62};
    static const struct core_reply noauth = {
        .type = CORE_REPLY_ERROR, .str = "NOAUTH Authentication required.", .len = 31};
    (void)w, (void)node, (void)ud;
    return is(o, "AUTH") ? &wrongpass : &noauth;
}

static void test_wrong_password(void **state) {
    /* Goal: a master that refuses our password (spec §4.2, §4.5) is judged
     * SDOWN (-NOAUTH is not a valid PING reply) and its pub/sub link loops:
     * the SUBSCRIBE error closes it and it is opened again, at most once
     * per ping period; good is unaffected. Method: bad answers AUTH with
     * -WRONGPASS and everything else with -NOAUTH for 30 s. */
    (void)state;
    struct hw *w = hw_new(false);
    hw_set_answer(w, HW_BAD, wrong_password, NULL);
    hw_run(w, 10000);
    assert_true(hw_sent(w, HW_BAD, "AUTH") >= 2);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 1);
    int loops = hw_connects(w, HW_BAD, true);
    assert_true(loops >= 5 && loops <= 11); /* 10 s, ping period 1 s */
    assert_int_equal(hw_connects(w, HW_BAD, false), 1);
    good_survives(w);
    hw_free(w);
}

static void test_node_never_answers(void **state) {
    /* Goal: a node that accepts connections and never answers is judged
     * down after down-after-milliseconds and costs good nothing. Method: bad
     * swallows every command; it goes +sdown and +odown (quorum 1) and the
     * failover attempt for it finds no replica. */
    (void)state;
    struct hw *w = hw_new(false);
    hw_set_answer(w, HW_BAD, no_answer, NULL);
    good_survives(w);
    assert_int_equal(hw_count(w, "+sdown", "master bad"), 1);
    assert_int_equal(hw_count(w, "+switch-master", "bad"), 0);
    hw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_honest),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_info_near_and_over_limit),
        cmocka_unit_test(test_arrays_beyond_bounds),
        cmocka_unit_test(test_info_truncated),
        cmocka_unit_test(test_info_link_down_since_overflow),
        cmocka_unit_test(test_role_banana),
        cmocka_unit_test(test_replicas_pointing_at_master_and_sentinel),
        cmocka_unit_test(test_runid_garbage),
        cmocka_unit_test(test_hello_future_epochs),
        cmocka_unit_test(test_hello_max_epoch),
        cmocka_unit_test(test_hello_malformed),
        cmocka_unit_test(test_peer_vote_wrong_shapes),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_node_never_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
