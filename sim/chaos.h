/* chaos.h: the swarm explorer behind `sentsim chaos`.
 *
 * Method: one seed deterministically yields a topology and a fault schedule
 * as a plain `struct scn` (sim_chaos_generate), with a random subset of
 * fault kinds enabled per seed (swarm testing). The scenario runs in the
 * simulator while an observer checks Sentinel's safety invariants after
 * every core step that emitted events (sim_chaos_check_*); at the end the
 * liveness and data checks judge the final world. A violation is shrunk
 * (delta debugging over the step list, then per-step and topology
 * simplification) to a scenario YAML that fails the same way when it is
 * run again, whatever the generator does by then. Seeds run in forked
 * worker processes whose results are merged in seed order, so the summary
 * of a seed range does not depend on --jobs.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_CHAOS_H
#define SENTSIM_SIM_CHAOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "reports/run.h"
#include "scenarios/scenario.h"

#define SIM_CHAOS_STREAM         0x6368616f73u /* "chaos": the generator's PRNG stream id */
#define SIM_CHAOS_FAULTS_MAX     12            /* fault steps per generated schedule */
#define SIM_CHAOS_STEPS_MAX      96  /* generated steps incl. waits, sleeps and the final heal */
#define SIM_CHAOS_VIOLATIONS_MAX 8   /* distinct findings kept per run */
#define SIM_CHAOS_ELECTIONS_MAX  512 /* elections remembered per run for the one-leader check */

/* ---------------------------------------------------------------- generator */

/* Fault kinds; each seed enables a random non-empty subset (swarm testing). */
enum sim_chaos_fault {
    SIM_CHAOS_F_KILL,          /* SIGKILL a data node, maybe restart it later */
    SIM_CHAOS_F_SHUTDOWN,      /* clean shutdown of a data node, maybe restart */
    SIM_CHAOS_F_PAUSE,         /* SIGSTOP a data node or sentinel, resume later */
    SIM_CHAOS_F_PARTITION,     /* two-sided cut between random sides */
    SIM_CHAOS_F_ONE_WAY,       /* one-way cut */
    SIM_CHAOS_F_ISOLATE,       /* a sentinel together with the master cut from the rest */
    SIM_CHAOS_F_LATENCY,       /* latency spike on links of some processes */
    SIM_CHAOS_F_LOSS,          /* message loss on links of some processes */
    SIM_CHAOS_F_CLOCK,         /* a sentinel's clock jumps (TILT when > tilt-trigger) */
    SIM_CHAOS_F_SENTINEL_KILL, /* a sentinel crashes, maybe restarts */
    SIM_CHAOS_F_MANUAL,        /* SENTINEL FAILOVER on one sentinel */
    SIM_CHAOS_F_SET,           /* SENTINEL SET quorum, down-after, ...; or SENTINEL RESET */
    SIM_CHAOS_F_COUNT,
};

/* What the generator may vary; sim_chaos_gen_default() gives the full swarm. */
struct sim_chaos_gen_options {
    uint32_t groups_max;    /* 1..5 monitored masters */
    uint32_t replicas_max;  /* 0..6 replicas per master */
    uint32_t sentinels_min; /* 1..7 sentinels */
    uint32_t sentinels_max;
    uint32_t faults_max; /* <= SIM_CHAOS_FAULTS_MAX */
    bool workload;       /* may enable the write workload */
    bool fixed_small;    /* benchmark shape: 1 master, 2 replicas, 3 sentinels */
    uint64_t salt;       /* mixed into the stream: models "the generator changed" */
};

void sim_chaos_gen_default(struct sim_chaos_gen_options *opt);

/* Builds the scenario of `seed` into *out (heap memory owned by *out; release
 * with sim_chaos_scn_free). Returns 0, or SIM_E_NOMEM. The same (seed, opt)
 * always gives an identical scenario. */
int sim_chaos_generate(uint64_t seed, const struct sim_chaos_gen_options *opt, struct scn *out);

/* The fault kinds seed `seed` enables (bit mask of enum sim_chaos_fault). */
uint32_t sim_chaos_gen_mask(uint64_t seed, const struct sim_chaos_gen_options *opt);

/* Names of fault kinds ("kill", "one-way", ...) for reports. */
const char *sim_chaos_fault_name(enum sim_chaos_fault f);

/* ---------------------------------------------------------------- scenario copies */

/* Deep copy of everything a chaos scenario uses (topology, timers, steps; the
 * expect block is not copied). Returns 0 or SIM_E_NOMEM. */
int sim_chaos_scn_clone(const struct scn *src, struct scn *dst);

/* Releases a scenario built by sim_chaos_generate or sim_chaos_scn_clone. */
void sim_chaos_scn_free(struct scn *s);

/* Removes step `i` (its sets are freed). */
void sim_chaos_scn_drop_step(struct scn *s, uint32_t i);

/* Writes `s` as a scenario YAML file that scn_load accepts (seeds: [seed]).
 * `comment` lines (may be NULL) are written as a leading '#' block. Returns
 * 0 or -1 (errno set) on I/O error. */
int sim_chaos_write_yaml(const struct scn *s, uint64_t seed, const char *comment, const char *path);

/* The same YAML into a heap buffer (*out, free()d by the caller). Returns 0 or -1. */
int sim_chaos_yaml_string(const struct scn *s, uint64_t seed, char **out, size_t *len);

/* ---------------------------------------------------------------- invariants */

enum sim_chaos_inv {
    SIM_CHAOS_INV_TWO_LEADERS,       /* two sentinels elected for one master in one epoch */
    SIM_CHAOS_INV_VOTE_CHANGED,      /* a sentinel voted twice in one epoch, differently */
    SIM_CHAOS_INV_EPOCH_REGRESSED,   /* a config epoch (or current epoch) went down */
    SIM_CHAOS_INV_FAILOVER_NO_ODOWN, /* an automatic failover started without ODOWN */
    SIM_CHAOS_INV_UNPROMOTED,        /* a switch to a node that was never promoted */
    SIM_CHAOS_INV_PRIO0,             /* a priority-0 replica was selected or promoted */
    SIM_CHAOS_INV_DISAGREE,          /* sentinels disagree on the master when stable */
    SIM_CHAOS_INV_NO_CONVERGENCE,    /* the healed world did not converge within the bound */
    SIM_CHAOS_INV_CRASH,             /* the run crashed (core or sim assertion, signal) */
    SIM_CHAOS_INV_RUN_ERROR,         /* sim_run returned an error */
    SIM_CHAOS_INV_WRITES_LOST,       /* acknowledged writes lost (data finding) */
    SIM_CHAOS_INV_COUNT,
};

/* How a finding is explained. */
enum sim_chaos_class {
    SIM_CHAOS_CLASS_BUG,   /* the spec rules it out: a sentsim or core bug */
    SIM_CHAOS_CLASS_KNOWN, /* known Sentinel behaviour; `cite` says where it is documented */
    SIM_CHAOS_CLASS_NEW,   /* not explained by the spec: needs a look */
};

struct sim_chaos_violation {
    enum sim_chaos_inv inv;
    enum sim_chaos_class cls;
    uint64_t t_ms;
    char proc[SCN_NAME_MAX]; /* the sentinel (or node) it was seen on; "" if global */
    char detail[192];
    char cite[160]; /* spec section / issue for KNOWN findings */
};

const char *sim_chaos_inv_name(enum sim_chaos_inv inv); /* "two-leaders", ... */
int sim_chaos_inv_parse(const char *s, enum sim_chaos_inv *out);
const char *sim_chaos_class_name(enum sim_chaos_class c); /* "bug", "known", "new" */

/* Coverage: events per type and failover-state transitions per run. */
#define SIM_CHAOS_COV_EVENTS 64
#define SIM_CHAOS_COV_STATES 7 /* none, wait_start, ..., update_config */
struct sim_chaos_cov {
    uint64_t events[SIM_CHAOS_COV_EVENTS];                      /* by sim_chaos_cov_event */
    uint64_t trans[SIM_CHAOS_COV_STATES][SIM_CHAOS_COV_STATES]; /* from -> to */
};

/* The coverage slot of an event type; the last slot collects unknown types. */
uint32_t sim_chaos_cov_event(const char *type);
const char *sim_chaos_cov_event_name(uint32_t slot);
const char *sim_chaos_cov_state_name(uint32_t state);
void sim_chaos_cov_add(struct sim_chaos_cov *into, const struct sim_chaos_cov *c);

/* The incremental checker: fed events and core views as the run goes. */
struct sim_chaos_check;

/* Sizes the checker for `scn` (one allocation per run). `names` maps event
 * addresses back to nodes (a run's rep_run; may be filled later, before the
 * first event). Returns NULL when out of memory. */
struct sim_chaos_check *sim_chaos_check_new(const struct scn *scn, const struct rep_run *names);
void sim_chaos_check_free(struct sim_chaos_check *c);

/* Declares a sentinel's id (40 hex chars), so votes name sentinels. */
void sim_chaos_check_runid(struct sim_chaos_check *c, uint32_t sentinel, const char *runid);

/* One event or log line emitted by sentinel `sentinel` about master group
 * `group` (-1 when it names none). Log lines have type "" and the text. */
void sim_chaos_check_event(struct sim_chaos_check *c,
                           uint64_t t_ms,
                           uint32_t sentinel,
                           int32_t group,
                           const char *type,
                           const char *text);

/* A sentinel's live state after a step that emitted events, and at start. */
void sim_chaos_check_core(struct sim_chaos_check *c,
                          uint64_t t_ms,
                          uint32_t sentinel,
                          const struct core_sentinel *core);

/* A sentinel process started (up) or stopped. */
void sim_chaos_check_proc(struct sim_chaos_check *c, uint64_t t_ms, uint32_t sentinel, bool up);

/* From t_ms on, live sentinels must agree on every master (the stable window). */
void sim_chaos_check_stable_from(struct sim_chaos_check *c, uint64_t t_ms);

/* The final judgement on the finished run: liveness (convergence), data. */
void sim_chaos_check_end(struct sim_chaos_check *c, const struct rep_run *run);

/* Whether sim_chaos_check_end() judged liveness (the run reached its stable
 * window with a quorum and a majority of sentinels up for every group). */
bool sim_chaos_check_judged(const struct sim_chaos_check *c);

/* The time of the latest event any sentinel emitted. */
uint64_t sim_chaos_check_last_event(const struct sim_chaos_check *c);

/* Every live sentinel is out of TILT, runs no failover, sees no master SDOWN
 * or ODOWN, and they all name the same master address for every group. */
bool sim_chaos_check_settled(const struct sim_chaos_check *c);

/* Findings so far (the first of each invariant, in the order found). */
uint32_t sim_chaos_check_violations(const struct sim_chaos_check *c,
                                    const struct sim_chaos_violation **out);
const struct sim_chaos_cov *sim_chaos_check_cov(const struct sim_chaos_check *c);

/* Lost acknowledged writes, and what discarded them. */
void sim_chaos_check_writes_lost(
    struct sim_chaos_check *c, uint64_t t_ms, uint32_t node, uint64_t count, const char *cause);

/* The convergence bound of `scn` after its last step, in ms (see chaos_bound.c). */
uint64_t sim_chaos_bound_ms(const struct scn *scn);

/* How long a settled world must stay quiet before a run may end early. */
uint64_t sim_chaos_quiet_ms(const struct scn *scn);

/* false: every run lasts its full bound (`--full-bound`); default true. The
 * setting is process-wide and inherited by worker processes. */
void sim_chaos_set_quiet_stop(bool on);

/* ---------------------------------------------------------------- one run */

struct sim_chaos_result {
    uint64_t seed;
    uint32_t violations_len;
    struct sim_chaos_violation violations[SIM_CHAOS_VIOLATIONS_MAX];
    uint64_t writes_acked;
    uint64_t writes_lost;
    bool min_replicas;    /* the scenario used min-replicas-to-write */
    char lost_cause[192]; /* first attributed cause of a loss, "" if none */
    uint64_t end_t_ms;
    uint32_t faults_enabled; /* bit mask of enum sim_chaos_fault (generated seeds) */
    bool liveness_judged;    /* the run reached its stable window (see chaos_end.c) */
    struct sim_chaos_cov cov;
};

/* Runs `scn` with `seed` under the invariant checkers. With `keep` non-NULL
 * the finished rep_run is handed back (caller frees it with rep_run_free);
 * with `stop_at` non-NULL the run ends as soon as a finding of that
 * invariant and class appears (shrinking). Returns 0, or a negative SIM_E_*
 * code from sim_run. */
int sim_chaos_run_scn(const struct scn *scn,
                      uint64_t seed,
                      const struct sim_chaos_violation *stop_at,
                      struct sim_chaos_result *out,
                      struct rep_run *keep);

/* Generates and runs one seed. */
int sim_chaos_run_seed(uint64_t seed,
                       const struct sim_chaos_gen_options *opt,
                       struct sim_chaos_result *out);

/* ---------------------------------------------------------------- shrinking */

struct sim_chaos_shrink_stats {
    uint32_t tries; /* candidate runs */
    uint32_t steps_before;
    uint32_t steps_after;
    uint32_t procs_before; /* nodes + sentinels */
    uint32_t procs_after;
};

/* Shrinks *s in place while fails_cb(ud, candidate) stays true: ddmin over
 * steps, then each step's sets and magnitudes, then the topology (replicas
 * and sentinels no step needs). `tries_max` bounds the candidate runs.
 * Returns 0, or SIM_E_NOMEM. */
int sim_chaos_shrink(struct scn *s,
                     bool (*fails_cb)(void *ud, const struct scn *cand),
                     void *ud,
                     uint32_t tries_max,
                     struct sim_chaos_shrink_stats *st);

/* Counts the fault steps of s (what is neither WAIT, SLEEP nor HEAL). */
uint32_t sim_chaos_fault_steps(const struct scn *s);

/* ---------------------------------------------------------------- seeds */

/* Shard k of n (1 <= k <= n) owns the seeds s with s % n == k - 1. */
bool sim_chaos_shard_owns(uint64_t seed, uint32_t k, uint32_t n);

/* Parses "A..B" (inclusive; "A.." is open-ended), "k/n", and durations "10m", "90s", "2h". */
int sim_chaos_parse_range(const char *s, uint64_t *a, uint64_t *b);
int sim_chaos_parse_shard(const char *s, uint32_t *k, uint32_t *n);
int sim_chaos_parse_time(const char *s, uint64_t *out_ms);

/* `sentsim chaos ...`: exit 0 no violation, 1 violations found, 2 bad usage. */
int sim_cmd_chaos(int argc, char **argv);

#endif
