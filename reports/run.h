/* One finished run of a scenario, as both drivers hand it to reports/.
 *
 * Method: sim/ and real/ each fill a `struct rep_run`: the event log, the
 * map from the addresses and sentinel ids that appear in Sentinel's texts
 * back to scenario names, and the final state of the world as observed at
 * the end (who is master, who replicates from whom, what every sentinel
 * answers to GET-MASTER-ADDR-BY-NAME, what the write workload saw).
 * Everything downstream (expectation checks, normalization, golden
 * skeletons, diffs, reports) reads only this, so sim and real results are
 * compared on exactly the same terms.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_RUN_H
#define SENTSIM_REPORTS_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/event.h"
#include "scenarios/scenario.h"

#define REP_IP_MAX    46
#define REP_RUNID_LEN 40

/* An address or sentinel id as it appears in event texts, and whose it is. */
struct rep_name {
    char ip[REP_IP_MAX];
    uint16_t port;
    char runid[REP_RUNID_LEN + 1]; /* sentinels only; "" for data nodes */
    struct scn_proc proc;
};

/* What one data node reported at the end of the run. */
struct rep_node_state {
    bool up;          /* the process was running (not killed, not paused) */
    bool is_master;   /* role:master */
    int32_t upstream; /* node index it replicates from; -1: none or unknown */
    bool link_up;     /* master_link_status:up */
    uint64_t repl_offset;
};

/* What one sentinel answered at the end, per monitored master (group). */
struct rep_sentinel_state {
    bool up;
    int32_t *master_of_group; /* [groups_len]: node index of GET-MASTER-ADDR-BY-NAME; -1 */
    uint64_t current_epoch;
};

/* The write workload's account (zeros when the scenario has none). */
struct rep_writes {
    uint64_t acked;   /* writes some master acknowledged */
    uint64_t lost;    /* acknowledged but missing at the end */
    uint64_t refused; /* rejected (no master known, min-replicas, ...) */
};

enum rep_mode {
    REP_MODE_SIM,
    REP_MODE_REAL_REDIS, /* real redis-sentinel processes */
    REP_MODE_REAL_CORE,  /* our core as real sentinel processes */
    REP_MODE_REAL_MIXED,
};

/* Private to reports/: a process name and the process. */
struct rep_proc_name {
    const char *name;
    struct scn_proc proc;
};

struct rep_run {
    const struct scn *scn;
    enum rep_mode mode;
    uint64_t seed;       /* sim: the seed; real: 0 */
    uint64_t fault_t_ms; /* t_ms of the first fault step (normalization origin) */
    uint64_t end_t_ms;
    struct rep_log log;
    uint32_t names_len;
    struct rep_name *names;
    uint32_t names_cap;                   /* entries allocated by rep_run_init (additive field) */
    struct rep_node_state *nodes;         /* [scn->nodes_len] */
    struct rep_sentinel_state *sentinels; /* [scn->sentinels_len] */
    struct rep_writes writes;
    char failure[256]; /* a driver-level failure (wait timed out, ...); "" if none */
    /* Private to reports/, kept by rep_run_init and rep_run_add_name: reports
     * look names and addresses up for every event, so a scan would make
     * judging a run quadratic in its topology. */
    struct rep_proc_name *procs_by_name__; /* [nodes_len + sentinels_len], sorted by name */
    uint32_t *names_by_addr__;    /* [names_cap]: indices into names sorted by (port, ip) */
    uint32_t *names_with_runid__; /* [names_cap]: indices of the names with a run id, in order */
    uint32_t runids_len;
};

/* Allocates names/nodes/sentinels for `scn` (names_cap entries) and indexes
 * its process names, so `scn` must not change afterwards; zeroes the rest. */
int rep_run_init(struct rep_run *run,
                 const struct scn *scn,
                 enum rep_mode mode,
                 uint32_t names_cap);
void rep_run_free(struct rep_run *run);

/* Registers an address (and for sentinels their id) as belonging to proc. */
int rep_run_add_name(
    struct rep_run *run, const char *ip, uint16_t port, const char *runid, struct scn_proc proc);

/* The scenario name of an address / sentinel id; NULL if unknown. */
const char *rep_run_name_of_addr(const struct rep_run *run, const char *ip, uint16_t port);
const char *rep_run_name_of_runid(const struct rep_run *run, const char *runid);

/* ---------------------------------------------------------------- verdict */

#define REP_FINDINGS_MAX 32

/* One expectation that failed, with where it was written. */
struct rep_finding {
    struct scn_pos pos;
    char msg[320];
};

struct rep_verdict {
    bool pass;
    char leader[SCN_NAME_MAX];   /* sentinel elected in the last failover; "" if none */
    char promoted[SCN_NAME_MAX]; /* node promoted in the last failover; "" if none */
    uint32_t failovers;          /* +switch-master rounds */
    uint32_t findings_len;
    struct rep_finding findings[REP_FINDINGS_MAX];
};

/* Checks the scenario's expectations against a run. */
void rep_expect_check(const struct rep_run *run, struct rep_verdict *out);

#endif
