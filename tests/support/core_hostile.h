/* core_hostile.h: one sentinel core among honest and hostile peers, for
 * tests/test_core_hostile.c.
 *
 * Method: a single core monitors two masters: `good` (node 0 at
 * 10.0.1.1:6379 with replica node 1 at 10.0.1.2:6379, quorum 1) and `bad`
 * (node 2 at 10.0.2.1:6379, quorum 1, auth-pass s3cret), and may know
 * one more sentinel of `bad` (node 3 at 10.0.0.9:26379). Honest nodes answer like a Redis data
 * node (PING, INFO, SUBSCRIBE, PUBLISH, SLAVEOF, MULTI/EXEC, CLIENT,
 * CONFIG). A node with an answer hook answers whatever the hook returns
 * instead; the reply is the test's memory and must stay valid until the
 * next hw_run() or hw_message() returns. Replies are delivered in send
 * order through one FIFO before the clock moves to the next deadline (zero
 * latency), so a test sees exactly which hostile value caused what.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_CORE_HOSTILE_H
#define SENTSIM_TESTS_CORE_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define HW_GOOD      0 /* node: good's master */
#define HW_REPLICA   1 /* node: good's replica */
#define HW_BAD       2 /* node: bad's master */
#define HW_PEER      3 /* node: the other sentinel of bad (when configured) */
#define HW_PEER_ID   "9999999999999999999999999999999999999999"
#define HW_NO_ANSWER ((const struct core_reply *)0)

struct hw;

/* Answers command `o` (a SEND) sent to node `node`; HW_NO_ANSWER keeps the
 * command unanswered forever. */
typedef const struct core_reply *(*hw_answer_fn)(struct hw *w,
                                                 int node,
                                                 const struct core_output *o,
                                                 void *ud);

/* A world whose core knows the peer sentinel of `bad` when with_peer. */
struct hw *hw_new(bool with_peer);
void hw_free(struct hw *w);
void hw_set_answer(struct hw *w, int node, hw_answer_fn fn, void *ud);
/* The honest node's own reply to `o`, for hooks that lie only sometimes. */
const struct core_reply *hw_honest(struct hw *w, int node, const struct core_output *o);
void hw_kill(struct hw *w, int node);

/* Advances the world (and the core's clock) by ms. */
void hw_run(struct hw *w, uint64_t ms);
/* Delivers a Pub/Sub message on the core's live pub/sub link to `node`;
 * returns false when there is none. */
bool hw_message(struct hw *w, int node, const char *channel, const char *payload, size_t len);

struct core_sentinel *hw_core(struct hw *w);
/* Events the core logged whose type is `type` and whose text contains
 * `text` (NULL: any). */
int hw_count(const struct hw *w, const char *type, const char *text);
/* Connections (pub/sub ones when pubsub) the core opened to `node`. */
int hw_connects(const struct hw *w, int node, bool pubsub);
/* Commands of name `verb` the core sent to `node`. */
int hw_sent(const struct hw *w, int node, const char *verb);
void hw_dump(const struct hw *w);

#endif
