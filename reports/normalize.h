/* normalize.h: a run's events with addresses, ids and times made comparable.
 *
 * Method: normalization has three stages, each kept beside the raw record
 * (documented with examples in reports/README.md):
 *  - named: every "ip:port", "ip port" pair and sentinel run id in a text
 *    becomes the scenario name of its process (run->names), and adjacent
 *    duplicates that produces collapse, so
 *    "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379"
 *    reads "slave r1 @ mymaster m";
 *  - roled: names become roles of the failover ROUND the record belongs
 *    to. A round is one failover attempt that got somewhere: an
 *    +elected-leader or a +switch-master at one (group, epoch); rounds are
 *    numbered 1, 2 ... in epoch order (an election nobody won is no round:
 *    its events go to the next round). In a round, sentinels are L (its
 *    elected leader) and F1, F2 ... (the others, in scenario order); data
 *    nodes of its group M (its old master), P (its promoted replica), R1,
 *    R2 ... (the others, in scenario order); the group name is dropped when
 *    the scenario monitors one group: "slave R1 @ P", "+switch-master M P".
 *    Texts use the bare roles of their own round. The emitter's role
 *    (rep_norm_event.role) is bare when the run has one round and carries
 *    the round ("1:L", "2:F1", "2:P") when it has more, so a process that
 *    led round 1 and followed in round 2 reads "1:L" then "2:F1" (which
 *    record goes to which round: reports/README.md, "Normalization");
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

#define REP_ROLE_MAX      48  /* "L", "F12", "2:R3", or a node name (and round) */
#define REP_NORM_TEXT_MAX 320 /* a normalized text; never longer than the raw one + type */

struct rep_norm_event {
    uint32_t index; /* the raw record: run->log.events[index] */
    int64_t dt_ms;  /* t_ms - run->fault_t_ms */
    enum rep_kind kind;
    enum rep_level level;
    char proc[REP_PROC_NAME_MAX]; /* emitting process, by name */
    uint32_t round;               /* index into rep_norm.rounds (round number - 1) */
    char role[REP_ROLE_MAX];      /* emitting process, by role in its round ("" for
                                     client/harness); "<round>:<role>" with several rounds */
    char type[REP_TYPE_MAX];
    /* The three forms of the text live in the normalization's text pool,
     * each shorter than REP_NORM_TEXT_MAX. */
    const char *named; /* text with names */
    const char *roled; /* text with roles */
    const char *skel;  /* "<type> <skeleton text>" (events only; "" otherwise) */
};

/* One failover round: the (group, epoch) of an +elected-leader or a
 * +switch-master. */
struct rep_norm_round {
    int32_t group;      /* -1: the scenario has no groups */
    uint64_t epoch;     /* the leader's epoch; 0 when unknown */
    int32_t leader;     /* sentinel index; -1: no +elected-leader seen */
    int32_t old_master; /* node index */
    int32_t promoted;   /* node index; -1: none (the round aborted) */
    bool switched;      /* some sentinel logged its +switch-master */
};

/* What the log says about its failover rounds, and the roles derived from
 * them. The summary fields (group ... node_roles) are those of the LAST
 * failover: the last round with a +switch-master, else the last round. */
struct rep_norm {
    const struct rep_run *run;
    uint32_t len;
    struct rep_norm_event *events; /* [len], in record order */
    uint32_t rounds_len;           /* >= 1: a log without any round has one without leader */
    struct rep_norm_round *rounds; /* [rounds_len], in epoch order */
    uint32_t last;                 /* the last failover's round */
    int32_t group;                 /* last failover's group, else 0; -1: no groups */
    int32_t leader;                /* sentinel index; -1: none elected */
    int32_t promoted;              /* node index; -1: none */
    int32_t old_master;            /* node index; the initial master if no failover */
    uint32_t failovers;            /* rounds with a +switch-master */
    uint32_t fault_index;          /* the first fault record (or the first record at
                                      fault_t_ms); len if none */
    char (
        *sentinel_roles)[REP_ROLE_MAX]; /* [scn->sentinels_len], bare roles of the last failover */
    char (*node_roles)[REP_ROLE_MAX];   /* [scn->nodes_len], likewise */
    uint32_t *group_pos__;              /* private: per node, its rank within its group */
    /* Private: the texts events[] point into, room for the longest three of
     * every record reserved but only what is written ever touched, so a
     * short log does not fault in pages for texts it never has. */
    char *texts__;
    size_t texts_len__;
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

/* The role of a process given by name in the last failover (bare: "L",
 * "R2"); NULL when it is neither a node nor a sentinel. */
const char *rep_norm_role_of(const struct rep_norm *n, const char *proc);

/* The bare role ("L", "F2", "P", "R1", or the node's name outside the
 * round's group) of a process in round `round`. Returns 0, or -1 when out
 * is too small. */
int rep_norm_round_role(
    const struct rep_norm *n, uint32_t round, struct scn_proc p, char *out, size_t len);

/* The sentinel playing a bare role ("L", "F2") in a round, or -1. */
int32_t rep_norm_sentinel_in_role(const struct rep_norm *n, uint32_t round, const char *role);

/* A role as shown for round index `round` of a run with `rounds` rounds:
 * bare when there is one, else "<round number>:<role>" ("2:L"). Returns 0,
 * or -1 when out is too small. */
int rep_norm_round_label(uint32_t rounds, uint32_t round, const char *role, char *out, size_t len);

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
