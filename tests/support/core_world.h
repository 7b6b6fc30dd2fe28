/* core_world.h: a tiny zero-latency world for the core's unit tests.
 *
 * Method: real cores (sentinels) talk to modelled data nodes and to each
 * other through this helper instead of a network. Outputs are turned into
 * inputs through one FIFO queue, which is drained completely before the
 * clock moves to the next sentinel deadline, so every reply arrives "at
 * once" but never re-entrantly. Data nodes answer PING, INFO, SUBSCRIBE,
 * PUBLISH (propagated to their replicas' channels), the reconfiguration
 * transaction (SLAVEOF takes effect at once) and CLIENT KILL. It is much
 * simpler than sim/: no latency, loss or partitions, only kills, pauses
 * and per-sentinel clock offsets, which is what the unit rules need.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_CORE_WORLD_H
#define SENTSIM_TESTS_CORE_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define CW_SENTINELS_MAX 8
#define CW_NODES_MAX     16

struct cw_event {
    uint64_t t;                 /* world ms */
    int sentinel;               /* index */
    enum core_output_kind kind; /* EVENT, LOG or EXPLAIN */
    char type[48];              /* events only */
    char text[512];
    char peer[64]; /* sends: "ip:port" of the conn's target */
};

struct cw_node {
    char ip[CORE_IP_MAX];
    uint16_t port;
    bool alive;
    bool paused; /* accepts connections but never answers */
    bool is_master;
    int master; /* node index it replicates from, or -1 */
    char runid[CORE_RUNID_LEN + 1];
    uint64_t offset;
    int priority;
    int announced;
    int64_t link_down_at;   /* world ms the replication link broke; 0 = never up */
    const char *ping_reply; /* overrides +PONG when set, e.g. "-BUSY ..." */
    bool deaf_slaveof;      /* answers SLAVEOF but ignores it */
};

struct cw;

struct cw *cw_new(void);
void cw_free(struct cw *w);

/* Adds a data node; master < 0 for a master, else the node it replicates. */
int cw_node(struct cw *w, const char *ip, uint16_t port, int master);
struct cw_node *cw_node_at(struct cw *w, int n);
/* Adds a sentinel at 10.0.0.<k+1>:26379 with this config file and START. */
int cw_sentinel(struct cw *w, const char *conf, uint64_t seed);
struct core_sentinel *cw_core(struct cw *w, int k);
void cw_set_explain(struct cw *w, bool on); /* for sentinels added afterwards */
/* Core limits for sentinels added afterwards (default: core_limits_default()). */
void cw_set_limits(struct cw *w, const struct core_limits *l);
/* Records every SEND as a CORE_OUT_SEND record whose text is the argv joined
 * by spaces and whose type is "". */
void cw_log_sends(struct cw *w, bool on);

void cw_run(struct cw *w, uint64_t until_ms);
uint64_t cw_now(const struct cw *w);
void cw_clock_offset(struct cw *w, int k, int64_t offset_ms);
void cw_kill_node(struct cw *w, int n);
void cw_revive_node(struct cw *w, int n);
/* Ends a pause: the commands it swallowed are answered now, in order. */
void cw_resume_node(struct cw *w, int n);
void cw_kill_sentinel(struct cw *w, int k);
void cw_drop_conns_to_sentinel(struct cw *w, int k); /* keep it alive, cut links */
bool cw_sentinel_alive(const struct cw *w, int k);

/* Runs a command on sentinel k at the current time; the reply is a heap copy
 * the caller releases with cw_reply_free(). */
struct core_reply *cw_command(struct cw *w, int k, int argc, const char *const *argv);
void cw_reply_free(struct core_reply *r);
/* The last config text sentinel k persisted (NULL if none). */
const char *cw_persisted(const struct cw *w, int k);

/* Index of the first record at or after `from` of sentinel k (-1: any) whose
 * type equals `type` ("" selects log lines, ">" sends, "?" explanations) and
 * whose text contains `text` (NULL: any); -1 if none. */
int cw_find(const struct cw *w, int from, int k, const char *type, const char *text);
const struct cw_event *cw_event_at(const struct cw *w, int i);
int cw_events_len(const struct cw *w);
int cw_count(const struct cw *w, int k, const char *type, const char *text);
/* Sends of sentinel k to `peer` ("ip:port") whose text starts with `prefix`
 * at world times in [from_ms, to_ms). */
int cw_count_sends(const struct cw *w,
                   int k,
                   const char *peer,
                   const char *prefix,
                   uint64_t from_ms,
                   uint64_t to_ms);
void cw_dump(const struct cw *w, int from);

#endif
