/* The scenario model: what a YAML scenario file says, as plain C data.
 *
 * Method: scenarios/scenario.c parses a file with libfyaml into `struct scn`
 * and copies every string out of the document, so the model outlives it.
 * Both drivers (sim/ and real/) and the reports read only this model; none
 * of them sees YAML. Processes are referred to by index, never by pointer,
 * and every element keeps the file position it came from so that later
 * checks (an impossible timeline, an unknown name) can still say
 * "file:line:col". The schema is documented in scenarios/README.md.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SCENARIOS_SCENARIO_H
#define SENTSIM_SCENARIOS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCN_NAME_MAX       32   /* node, sentinel and master names */
#define SCN_SECRET_MAX     64   /* passwords and user names */
#define SCN_EVENT_TYPE_MAX 48   /* "+failover-state-send-slaveof-noone" fits */
#define SCN_TEXT_MAX       160  /* substrings to match in event text */
#define SCN_ARGV_MAX       12   /* words in one command step */
#define SCN_ARG_MAX        64   /* bytes in one command word */
#define SCN_NODES_MAX      4096 /* data nodes in one scenario (scale runs use ~500) */
#define SCN_SENTINELS_MAX  16
#define SCN_GROUPS_MAX     512 /* monitored masters */
#define SCN_STEPS_MAX      4096
#define SCN_SEEDS_MAX      256

/* A 1-based position in the scenario file. */
struct scn_pos {
    uint32_t line;
    uint32_t col;
};

/* A process: a data node or a sentinel, by index into its array. */
enum scn_proc_kind {
    SCN_PROC_NODE,
    SCN_PROC_SENTINEL,
};

struct scn_proc {
    enum scn_proc_kind kind;
    uint32_t index;
};

/* A set of processes (heap array owned by the scenario). */
struct scn_set {
    uint32_t len;
    struct scn_proc *items;
};

/* SENTINEL DEBUG timer values applied to every sentinel; 0 = Sentinel's default. */
struct scn_timers {
    uint32_t info_period_ms;
    uint32_t ping_period_ms;
    uint32_t ask_period_ms;
    uint32_t publish_period_ms;
    uint32_t default_down_after_ms;
    uint32_t default_failover_timeout_ms;
    uint32_t tilt_trigger_ms;
    uint32_t tilt_period_ms;
    uint32_t slave_reconf_timeout_ms;
    uint32_t min_link_reconnect_period_ms;
    uint32_t election_timeout_ms;
};

/* Per monitored master: what `sentinel monitor` and `sentinel <opt>` set. */
struct scn_master_settings {
    uint32_t quorum;
    uint32_t down_after_ms;               /* Sentinel default 30000 */
    uint32_t failover_timeout_ms;         /* Sentinel default 180000 */
    uint32_t parallel_syncs;              /* Sentinel default 1 */
    uint32_t master_reboot_down_after_ms; /* 0 = off */
    char auth_user[SCN_SECRET_MAX];       /* empty = none */
    char auth_pass[SCN_SECRET_MAX];
};

/* One monitored master: a name the sentinels use and its data nodes. */
struct scn_group {
    char name[SCN_NAME_MAX]; /* e.g. "mymaster" */
    uint32_t master;         /* node index of the initial master */
    struct scn_master_settings settings;
    struct scn_pos pos;
};

struct scn_node {
    char name[SCN_NAME_MAX];
    uint32_t group;                  /* index into scn.groups */
    int32_t replicaof;               /* node index at start; -1: a master */
    uint32_t priority;               /* replica-priority, default 100 */
    bool announced;                  /* replica-announced, default yes */
    uint32_t min_replicas_to_write;  /* 0 = off */
    uint32_t min_replicas_max_lag_s; /* default 10 */
    char requirepass[SCN_SECRET_MAX];
    char masterauth[SCN_SECRET_MAX];
    struct scn_pos pos;
};

enum scn_sentinel_impl {
    SCN_IMPL_DEFAULT, /* whatever the run chose (--sentinel=) */
    SCN_IMPL_REDIS,   /* real redis-sentinel (real mode only; sim always runs core) */
    SCN_IMPL_CORE,    /* our core */
};

struct scn_sentinel {
    char name[SCN_NAME_MAX];
    enum scn_sentinel_impl impl;        /* for --sentinel=mixed */
    char sentinel_user[SCN_SECRET_MAX]; /* credentials towards other sentinels */
    char sentinel_pass[SCN_SECRET_MAX];
    char requirepass[SCN_SECRET_MAX]; /* inbound password of this sentinel */
    struct scn_pos pos;
};

/* Latency as a uniform range in ms; min == max for fixed latency. */
struct scn_latency {
    uint32_t min_ms;
    uint32_t max_ms;
};

/* Probabilities are integer ratios, never floats. */
struct scn_ratio {
    uint32_t num;
    uint32_t den; /* 0 means "never" */
};

struct scn_network {
    struct scn_latency latency; /* default 1..1 ms in sim */
    struct scn_ratio loss;
};

/* A client that finds the master through the sentinels and writes sequential keys. */
struct scn_workload {
    bool enabled;
    uint32_t group;
    uint32_t writes_per_sec;
};

/* ---------------------------------------------------------------- timeline */

enum scn_step_kind {
    SCN_STEP_KILL,     /* SIGKILL-like crash of `targets` */
    SCN_STEP_SHUTDOWN, /* clean shutdown (data nodes save config; sentinels exit) */
    SCN_STEP_RESTART,  /* start again from the process's current config file */
    SCN_STEP_PAUSE,    /* SIGSTOP-like: accepts and answers nothing until resumed */
    SCN_STEP_RESUME,
    SCN_STEP_PARTITION,  /* cut side_a from side_b (or from everyone else) */
    SCN_STEP_HEAL,       /* remove every partition */
    SCN_STEP_LATENCY,    /* new latency for links touching `targets` (all if empty) */
    SCN_STEP_LOSS,       /* new loss ratio for links touching `targets` (all if empty) */
    SCN_STEP_CLOCK_JUMP, /* move a sentinel's clock by jump_ms (may be negative) */
    SCN_STEP_SENTINEL,   /* run argv (SENTINEL ...) on each target sentinel */
    SCN_STEP_NODE,       /* run argv (REPLICAOF ..., CONFIG SET ...) on each target node */
    SCN_STEP_WRITES,     /* start (writes_on) or stop the workload */
    SCN_STEP_WAIT,       /* block until `cond` holds, or fail at timeout */
    SCN_STEP_SLEEP,      /* do nothing; lets time pass before the next relative step */
};

/* When a step runs. */
enum scn_when {
    SCN_WHEN_AFTER, /* time_ms after the previous step finished (default 0) */
    SCN_WHEN_AT,    /* time_ms after the run's start, absolute */
};

enum scn_cond_kind {
    SCN_COND_EVENT,  /* `event` (text containing `text`) seen on the sentinels in `on` */
    SCN_COND_KNOWS,  /* every live sentinel knows >= replicas and >= sentinels for group */
    SCN_COND_ROLE,   /* node `node` reports `role_master` (and, for a replica, `upstream`) */
    SCN_COND_MASTER, /* every live sentinel says `node` is the master of `group` */
};

enum scn_quantifier {
    SCN_ANY, /* at least one of the set */
    SCN_ALL, /* every member of the set */
};

struct scn_cond {
    enum scn_cond_kind kind;
    char event[SCN_EVENT_TYPE_MAX];
    char text[SCN_TEXT_MAX]; /* substring of the event text; "" = any */
    enum scn_quantifier quantifier;
    struct scn_set on; /* sentinels; empty = all */
    uint32_t group;
    uint32_t replicas;  /* KNOWS: replicas each sentinel must know */
    uint32_t sentinels; /* KNOWS: other sentinels each must know */
    uint32_t node;      /* ROLE, MASTER */
    bool role_master;   /* ROLE: true = master, false = replica */
    int32_t upstream;   /* ROLE replica: its master node, -1 = any */
};

struct scn_step {
    enum scn_step_kind kind;
    enum scn_when when;
    uint64_t time_ms;
    struct scn_set targets;     /* processes acted on (kind-dependent) */
    struct scn_set side_a;      /* PARTITION */
    struct scn_set side_b;      /* PARTITION; empty = everyone not in side_a */
    bool one_way;               /* PARTITION: drop only side_a -> side_b */
    struct scn_latency latency; /* LATENCY */
    struct scn_ratio loss;      /* LOSS */
    int64_t jump_ms;            /* CLOCK_JUMP */
    uint32_t argc;              /* SENTINEL, NODE */
    char argv[SCN_ARGV_MAX][SCN_ARG_MAX];
    bool writes_on;       /* WRITES */
    struct scn_cond cond; /* WAIT */
    uint64_t timeout_ms;  /* WAIT; default 60000 */
    struct scn_pos pos;
};

/* ---------------------------------------------------------------- expectations */

/* "The final master of `group` is one of `one_of`" and who replicates from whom. */
struct scn_expect_replica {
    uint32_t node;
    int32_t upstream; /* node index; SCN_UPSTREAM_MASTER = the final master */
    struct scn_pos pos;
};
#define SCN_UPSTREAM_MASTER (-2)

struct scn_expect_group {
    uint32_t group;
    struct scn_set master_one_of; /* empty: no expectation */
    uint32_t replicas_len;
    struct scn_expect_replica *replicas;
    bool sentinels_agree; /* every live sentinel reports the final master */
    struct scn_pos pos;
};

/* Normalized roles of a skeleton (see reports/normalize). */
enum scn_role {
    SCN_ROLE_LEADER,   /* "L": the sentinel elected leader of the (last) failover */
    SCN_ROLE_FOLLOWER, /* "F": every other sentinel */
    SCN_ROLE_ANY,      /* each sentinel */
};

/* An ordered list of normalized event lines ("+sdown master M", "+switch-master M P"). */
struct scn_skeleton {
    enum scn_role role;
    uint32_t len;
    char (*lines)[SCN_TEXT_MAX];
    struct scn_pos pos;
};

struct scn_never {
    char event[SCN_EVENT_TYPE_MAX];
    char text[SCN_TEXT_MAX]; /* substring; "" = any text */
    struct scn_pos pos;
};

/* A documented, accepted difference between sim and real Sentinel. */
struct scn_difference {
    char *what;
    char *why;
};

struct scn_expect {
    uint32_t groups_len;
    struct scn_expect_group *groups;
    struct scn_set leader_one_of;   /* sentinels; empty = any */
    struct scn_set promoted_one_of; /* nodes; empty = any */
    uint32_t failovers_min;         /* +switch-master rounds seen (by any sentinel) */
    uint32_t failovers_max;         /* UINT32_MAX = no bound */
    uint32_t skeletons_len;
    struct scn_skeleton *skeletons;
    uint32_t never_len;
    struct scn_never *never;
    int64_t lost_writes_min; /* -1 = no bound */
    int64_t lost_writes_max; /* -1 = no bound */
    uint32_t differences_len;
    struct scn_difference *differences;
    /* Where the scalar expectations above were written (0:0 when absent),
     * so a failed check can cite its line (added after the first release). */
    struct scn_pos leader_pos;
    struct scn_pos promoted_pos;
    struct scn_pos failovers_pos;
    struct scn_pos lost_writes_pos;
};

/* ---------------------------------------------------------------- the scenario */

struct scn {
    char *path; /* as given to scn_load */
    char name[64];
    char *description;
    uint32_t cites_len;
    char **cites; /* seed documents, docs, issues */
    uint32_t seeds_len;
    uint64_t seeds[SCN_SEEDS_MAX]; /* default {1} */
    uint64_t duration_ms;          /* hard end of the run (default 120000) */
    uint64_t settle_ms;            /* quiet time after the last step (default 10000) */
    bool explain;                  /* emit REP_KIND_EXPLAIN records */
    struct scn_timers timers;
    struct scn_network network;
    struct scn_workload workload;
    uint32_t groups_len;
    struct scn_group *groups;
    uint32_t nodes_len;
    struct scn_node *nodes;
    uint32_t sentinels_len;
    struct scn_sentinel *sentinels;
    uint32_t steps_len;
    struct scn_step *steps;
    struct scn_expect expect;
};

/* Why loading failed: "path:line:col: message" is printed from this. */
struct scn_error {
    char path[256];
    struct scn_pos pos; /* 0:0 when the file could not be read */
    char msg[256];
};

/* Loads and validates a scenario file. Returns 0, or -1 with `err` filled
 * (libfyaml's own diagnostics are silenced; positions are ours, 1-based). */
int scn_load(const char *path, struct scn *out, struct scn_error *err);

/* Same, from a buffer; `name` is used as the path in errors. */
int scn_load_string(
    const char *name, const char *yaml, size_t len, struct scn *out, struct scn_error *err);

/* Releases everything scn_load allocated; safe on a zeroed struct. */
void scn_free(struct scn *s);

/* Formats "path:line:col: message" into buf. */
void scn_error_format(const struct scn_error *err, char *buf, size_t len);

/* Looks a process up by name; returns 0 or -1 when no node or sentinel has it. */
int scn_find_proc(const struct scn *s, const char *name, struct scn_proc *out);

/* The name of a process. */
const char *scn_proc_name(const struct scn *s, struct scn_proc p);

/* Sentinel 7.0's event types (spec §13.2), in catalogue order: the one list
 * that scenarios, reports and the chaos coverage tables all use. */
#define SCN_EVENT_TYPES_LEN 48
extern const char *const scn_event_types[SCN_EVENT_TYPES_LEN];

/* The catalogue index of an event type, or -1 when Sentinel 7.0 has no such event. */
int scn_event_type_index(const char *type);

/* The effective value of a timer: the scenario's, else Sentinel's default. */
struct scn_timers scn_timers_effective(const struct scn *s);

/* The timers by SENTINEL DEBUG name (spec §12.14), in struct scn_timers
 * order: the one table the loader, the simulator and real mode share. */
#define SCN_TIMERS_LEN 11
extern const char *const scn_timer_names[SCN_TIMERS_LEN];

/* Timer i of t (i < SCN_TIMERS_LEN): its value (0 = Sentinel's default) and its slot. */
uint32_t scn_timer_get(const struct scn_timers *t, uint32_t i);
uint32_t *scn_timer_slot(struct scn_timers *t, uint32_t i);

#endif
