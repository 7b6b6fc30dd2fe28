/* diff.h: a Sentinel-aware diff of two runs of the same scenario (e.g. sim
 * versus real).
 *
 * Method: both runs are normalized (normalize.h) and compared per failover
 * round and role: round 1's L with round 1's L, F1 with F1 ..., then round
 * 2's, each over the events of that round (so rounds led by different
 * sentinels compare like for like). Within a role, events belong either
 * to an ordered chain, whose order the spec guarantees (the leader's
 * +odown < +new-epoch < +try-failover < ... < +failover-end <
 * +switch-master; a follower's +sdown < +odown, +new-epoch <
 * +vote-for-leader, +config-update-from < +switch-master), or to the
 * unordered rest, compared as a multiset. Each chain is aligned by longest
 * common subsequence of skeleton lines: a line aligned on neither side but
 * present on both is an ORDER difference, a line on one side only is a
 * PRESENCE difference, and aligned pairs whose offsets from the fault
 * differ by more than the tolerance are TIMING differences. Unordered
 * events pair up by line and nearest time within `window_ms` (TIMING
 * beyond it). So a follower voting before its own +sdown, or -role-change
 * landing on either side of +promoted-slave, is no difference; nor is the
 * absence on one side of an event the spec makes optional (a follower's
 * +odown, the leader's -odown, -role-change), which is shown, not counted.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_DIFF_H
#define SENTSIM_REPORTS_DIFF_H

#include <stdint.h>
#include <stdio.h>

#include "reports/normalize.h"
#include "reports/run.h"

#define REP_DIFF_ITEMS_MAX 256 /* differences kept for the caller; all are counted */

enum rep_diff_class {
    REP_DIFF_ORDER,    /* both have it, in a different order within a chain */
    REP_DIFF_PRESENCE, /* only one side has it */
    REP_DIFF_TIMING,   /* both have it, further apart in time than allowed */
};

struct rep_diff_opts {
    uint32_t tick_ms;        /* timer period slack (default 100) */
    uint32_t latency_ms;     /* network latency slack (default 10) */
    uint32_t ping_period_ms; /* +sdown / -sdown / +odown slack (default 1000) */
    uint32_t period_ms;      /* slack of every other chain event (default 2000) */
    uint32_t window_ms;      /* unordered events: max distance to pair (default 5000) */
    uint32_t context;        /* unified-diff context lines (default 3) */
    const char *a_label;     /* "--- " header (default "a") */
    const char *b_label;     /* "+++ " header (default "b") */
};

struct rep_diff_item {
    enum rep_diff_class cls;
    char role[REP_ROLE_MAX];
    char line[REP_NORM_TEXT_MAX]; /* skeleton line */
    int64_t a_dt_ms;              /* INT64_MIN when absent on that side */
    int64_t b_dt_ms;
};

struct rep_diff_result {
    uint32_t order;
    uint32_t presence;
    uint32_t timing;
    uint32_t items_len; /* min(total, REP_DIFF_ITEMS_MAX) */
    struct rep_diff_item items[REP_DIFF_ITEMS_MAX];
};

/* The defaults above. */
void rep_diff_opts_default(struct rep_diff_opts *o);

/* The tolerance for one event type: tick + latency + ping period for SDOWN
 * and ODOWN events, tick + latency + period for the rest. */
uint32_t rep_diff_tolerance_ms(const struct rep_diff_opts *o, const char *type);

const char *rep_diff_class_name(enum rep_diff_class c); /* "ORDER", ... */

/* Diffs two normalized runs. With `out` set, writes a `diff -u` style text
 * (headers "--- a", "+++ b", one "@@ role X (proc | proc) @@" hunk per
 * differing region, each differing line annotated with its class).
 * Returns 0 when no difference was found, 1 when some were, -1 on memory
 * exhaustion. */
int rep_diff_norm(const struct rep_norm *a,
                  const struct rep_norm *b,
                  const struct rep_diff_opts *opts,
                  struct rep_diff_result *res,
                  FILE *out);

/* Normalizes both runs and diffs them; same returns. */
int rep_diff_runs(const struct rep_run *a,
                  const struct rep_run *b,
                  const struct rep_diff_opts *opts,
                  struct rep_diff_result *res,
                  FILE *out);

#endif
