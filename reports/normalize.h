/* normalize.h: a run's events with addresses, ids and times made comparable.
 *
 * Method: normalization has three stages, each kept beside the raw record
 * (documented with examples in reports/README.md):
 *  - named: every "ip:port", "ip port" pair and sentinel run id in a text
 *    becomes the scenario name of its process (run->names), and adjacent
 *    duplicates that produces collapse, so
 *    "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379"
 *    reads "slave r1 @ mymaster m";
 *  - roled: names become roles of the LAST failover: sentinels L (elected
 *    leader) and F1, F2 ... (the others, in scenario order); data nodes of
 *    the failover's group M (old master), P (promoted), R1, R2 ... (the
 *    others, in scenario order); the group name is dropped when the
 *    scenario monitors one group: "slave R1 @ P", "+switch-master M P";
 *  - skel: the seed-invariant skeleton form: type, then the roled text up to
 *    "@", without numbers and "#..." words, with R1/F2 reduced to R/F:
 *    "+vote-for-leader L", "+slave slave R".
 * Times become offsets from run->fault_t_ms (negative before the fault).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_NORMALIZE_H
#define SENTSIM_REPORTS_NORMALIZE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/run.h"

#define REP_ROLE_MAX      32  /* "L", "F12", "R3", or a node name outside the group */
#define REP_NORM_TEXT_MAX 320 /* a normalized text; never longer than the raw one + type */

struct rep_norm_event {
    uint32_t index; /* the raw record: run->log.events[index] */
    int64_t dt_ms;  /* t_ms - run->fault_t_ms */
    enum rep_kind kind;
    enum rep_level level;
    char proc[REP_PROC_NAME_MAX]; /* emitting process, by name */
    char role[REP_ROLE_MAX];      /* emitting process, by role ("" for client/harness) */
    char type[REP_TYPE_MAX];
    char named[REP_NORM_TEXT_MAX]; /* text with names */
    char roled[REP_NORM_TEXT_MAX]; /* text with roles */
    char skel[REP_NORM_TEXT_MAX];  /* "<type> <skeleton text>" (events only; "" otherwise) */
};

/* What the log says about the last failover, and the roles derived from it. */
struct rep_norm {
    const struct rep_run *run;
    uint32_t len;
    struct rep_norm_event *events;        /* [len], in record order */
    int32_t group;                        /* last failover's group, else 0; -1: no groups */
    int32_t leader;                       /* sentinel index; -1: none elected */
    int32_t promoted;                     /* node index; -1: none */
    int32_t old_master;                   /* node index; the initial master if no failover */
    uint32_t failovers;                   /* +switch-master rounds (distinct epochs) */
    uint32_t fault_index;                 /* the first fault record (or the first record at
                                             fault_t_ms); len if none */
    char (*sentinel_roles)[REP_ROLE_MAX]; /* [scn->sentinels_len] */
    char (*node_roles)[REP_ROLE_MAX];     /* [scn->nodes_len] */
    struct rep_norm_name *by_name__;      /* private: process names, sorted, for lookups */
};

/* Private to normalize.c: a process name and its role. */
struct rep_norm_name {
    const char *name;
    const char *role;
};

/* Normalizes a whole run. Returns 0, or -1 when memory runs out or a roled
 * text outgrows REP_NORM_TEXT_MAX (roles longer than the names they
 * replace). The result points at `run` (which must outlive it) and is
 * freed with rep_norm_free(). */
int rep_normalize(const struct rep_run *run, struct rep_norm *out);
void rep_norm_free(struct rep_norm *n);

/* Whether a record belongs to the run from the fault on: it comes after
 * the fault record, or in the fault's millisecond before it but is not
 * discovery (+monitor, +slave, +sentinel: what a "knows" wait waited for),
 * since a driver may log the fault after carrying it out (SENTINEL FAILOVER
 * logs +new-epoch and +try-failover in the same call). */
bool rep_norm_after_fault(const struct rep_norm *n, const struct rep_norm_event *e);

/* The named stage alone, for one text. Returns 0 or -1 when out is too small. */
int rep_norm_named(const struct rep_run *run, const char *text, char *out, size_t len);

/* The role of a process given by name; NULL when it is neither a node nor a sentinel. */
const char *rep_norm_role_of(const struct rep_norm *n, const char *proc);

/* Whether a skeleton pattern matches a normalized line "<type> <roled>":
 * the pattern's words must be a prefix of the line's words, where a
 * pattern word "*" matches any word and "F" / "R" match "F<n>" / "R<n>".
 * So "+odown master M" matches "+odown master M #quorum 2/2". */
bool rep_norm_line_matches(const char *pattern, const char *line);

/* Writes "<dt> <proc> <role> <type> <roled>   | <raw text>" lines, dt as
 * "+12.345s" (or "-0.100s"). Returns 0 or -1 on I/O error. */
int rep_norm_write_text(FILE *f, const struct rep_norm *n);

/* Writes one JSON object per event: {"seq","dt_ms","proc","role","kind",
 * "level","type","named","roled","skel","raw"}. Returns 0 or -1. */
int rep_norm_write_json(FILE *f, const struct rep_norm *n);

#endif
