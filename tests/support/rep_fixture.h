/* rep_fixture.h: hand-made runs for the reports tests.
 *
 * Method: a fixed little world (group "mymaster" with nodes m, r1, r2 on
 * 127.0.0.1:6379..6381 and sentinels s1..s3 on 26379..26381 with
 * recognisable run ids) and a generator that writes the happy-path failover
 * of spec §18.1 into a run's log, with the knobs the tests turn (who leads,
 * who is promoted, when each sentinel reaches SDOWN). Tests then edit the
 * generated log (drop, move, shift records) to make the case they check.
 * Calling the generator twice writes two failover rounds: the second
 * plan's master is the node the first promoted, with the next epoch.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_REP_FIXTURE_H
#define SENTSIM_TESTS_REP_FIXTURE_H

#include <stdint.h>

#include "reports/run.h"
#include "scenarios/scenario.h"

struct rep_fx {
    struct scn scn;
    struct scn_group groups[1];
    struct scn_node nodes[3];
    struct scn_sentinel sentinels[3];
    struct rep_run run;
};

/* What the generated failover looks like. */
struct rep_fx_plan {
    uint32_t leader;      /* sentinel index */
    uint32_t promoted;    /* node index (1 or 2) */
    uint64_t fault_t_ms;  /* the kill of m */
    uint64_t sdown_ms[3]; /* per sentinel: offset of its +sdown from the fault */
    uint64_t vote_ms;     /* followers' vote: offset from the leader's +sdown */
    uint32_t master;      /* node index of the master that dies */
    uint64_t epoch;       /* the failover's epoch */
};

/* Builds the world and an empty run (mode sim, seed 1). */
void rep_fx_init(struct rep_fx *fx);
void rep_fx_free(struct rep_fx *fx);

/* The default plan: m dies at 5 s, s2 leads epoch 1, r1 is promoted,
 * +sdown at 30.00 s / 30.05 s / 30.10 s, votes 101 ms after the leader's
 * +sdown. */
struct rep_fx_plan rep_fx_plan_default(void);

/* A second round after the default plan: r1 dies at 60 s, s3 leads epoch
 * 2, r2 is promoted, same delays. */
struct rep_fx_plan rep_fx_plan_second(void);

/* Appends a record; in `text`, "{m}" becomes "127.0.0.1 6379", "{m:}"
 * "127.0.0.1:6379" (likewise r1, r2, s1..s3), and "{id:s1}" s1's run id. */
void rep_fx_ev(
    struct rep_fx *fx, uint64_t t_ms, const char *proc, const char *type, const char *text);
void rep_fx_log(struct rep_fx *fx, uint64_t t_ms, const char *proc, const char *text);

/* Writes the whole failover and the final state it leaves (the run's
 * fault time is the first failover's). */
void rep_fx_failover(struct rep_fx *fx, const struct rep_fx_plan *plan);

/* Log edits; each keeps the log sorted by time and renumbers seq.
 * Returns the number of records affected. */
int rep_fx_drop(struct rep_fx *fx, const char *proc, const char *type);
/* Drops proc's `type` records from time from_ms on. */
int rep_fx_drop_from(struct rep_fx *fx, const char *proc, const char *type, uint64_t from_ms);
int rep_fx_shift(struct rep_fx *fx, const char *proc, const char *type, int64_t by_ms);
/* Moves proc's `type` record to just after its `after` record (same time). */
int rep_fx_move_after(struct rep_fx *fx, const char *proc, const char *type, const char *after);

#endif
