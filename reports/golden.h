/* golden.h: golden skeletons, the per-role event order a scenario must keep.
 *
 * Method: a golden file (scenarios/library/<name>.golden, beside the
 * scenario) lists, per role, the skeleton lines (normalize.h "skel" form:
 * "+odown master M", "+switch-master M P") of the sentinels' events from
 * the first fault on, leaving out VERBOSE and DEBUG ones. To keep only what
 * is invariant across seeds, the file holds the longest common subsequence
 * of every run added: for role L the leader's lines, for role F every
 * follower's lines of every run. A run matches when each role's golden
 * lines appear in order (as a subsequence) in the leader's lines and in
 * each follower's lines; on drift a unified diff of golden versus actual is
 * printed. Files are written only by `sentsim run --update-golden`.
 * A run with several failover rounds (normalize.h) has the two roles per
 * round, each over that round's events only: sections [1:L], [1:F],
 * [2:L] ...; a round some run lacks keeps nothing invariant, and rounds
 * past REP_GOLDEN_ROUNDS_MAX are not kept.
 *
 * File format:
 *   # comment lines
 *   [L]                    ([1:L] when the golden has several rounds)
 *   +sdown master M
 *   ...
 *   [F]
 *   +switch-master M P
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_GOLDEN_H
#define SENTSIM_REPORTS_GOLDEN_H

#include <stdint.h>
#include <stdio.h>

#include "reports/normalize.h"
#include "reports/run.h"

#define REP_GOLDEN_LINES_MAX  1024 /* per role; a longer skeleton is an error */
#define REP_GOLDEN_ROUNDS_MAX 8    /* failover rounds kept */
#define REP_GOLDEN_ROLES      (2 * REP_GOLDEN_ROUNDS_MAX) /* L, F per round */

/* Section i is role L (i even) or F (i odd) of round i / 2 + 1. */
struct rep_golden_role {
    char role[REP_ROLE_MAX]; /* "L" or "F" */
    int seen;                /* some run contributed to this role */
    uint32_t len;
    char (*lines)[REP_NORM_TEXT_MAX]; /* [REP_GOLDEN_LINES_MAX] */
};

/* A golden skeleton being accumulated over the seeds of one scenario. */
struct rep_golden {
    uint32_t runs;
    uint32_t rounds; /* rounds with sections: the most any run had (at most the max) */
    struct rep_golden_role roles[REP_GOLDEN_ROLES];
};

/* Returns 0, or -1 when memory runs out. */
int rep_golden_init(struct rep_golden *g);
void rep_golden_free(struct rep_golden *g);

/* Intersects the golden with one more run (the first run sets it).
 * Returns 0, or -1 on memory exhaustion or a skeleton over the limit. */
int rep_golden_add(struct rep_golden *g, const struct rep_run *run);

/* Writes the golden file. Returns 0 or -1 on I/O error. */
int rep_golden_write(const struct rep_golden *g, const struct rep_run *run, const char *path);

/* "dir/name.yaml" -> "dir/name.golden". Returns 0 or -1 when buf is too small. */
int rep_golden_path(const char *scenario_path, char *buf, size_t len);

/* Reads a golden file. Returns 0, or -1 with "file:line:col: message" in err. */
int rep_golden_read(const char *path, struct rep_golden *g, char *err, size_t errlen);

/* Checks a run against a golden file. Returns 0 when it matches, 1 on
 * drift (a unified diff per drifting role goes to diff_out when not NULL),
 * -1 when the file is missing or malformed (message to diff_out). */
int rep_golden_check(const struct rep_run *run, const char *golden_path, FILE *diff_out);

#endif
