/* world.h: the simulator's internal model, shared by the files of sim/.
 *
 * Method: everything a run needs is allocated once, when the world is
 * built, in fixed-size tables: processes, connections, in-flight messages
 * (a small payload inside the message, a larger one in 256-byte chunks from
 * one pool, shared by a Pub/Sub fan-out), the event queue. Every
 * object is named by an index, never by a pointer, so nothing logged or
 * hashed can depend on addresses. Processes are numbered data nodes first
 * (scenario order), then sentinels, then the workload client.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_WORLD_H
#define SENTSIM_SIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "reports/run.h"
#include "scenarios/scenario.h"
#include "sim/clock.h"
#include "sim/rng.h"
#include "sim/sched.h"
#include "sim/sim.h"

#define SIM_NONE           UINT32_MAX
#define SIM_NODE_PORT0     6379
#define SIM_SENTINEL_PORT0 26379
#define SIM_IP             "127.0.0.1"
#define SIM_CHUNK_DATA     248 /* payload bytes per chunk */
#define SIM_MSG_INLINE     20  /* payload bytes a message holds itself */
#define SIM_SCRATCH_BYTES  (CORE_INFO_BYTES_MAX + 4096)
#define SIM_REPLY_POOL     1024 /* decoded reply elements held at once */
#define SIM_ARGV_MAX       64   /* words of one command */
#define SIM_PENDING_MAX    64   /* commands a sentinel server still owes replies for, per conn */
#define SIM_PARTITIONS_MAX 32
#define SIM_INBOX_MAX      2048 /* held for a paused process; then its window closes */

/* ---------------------------------------------------------------- events */

enum sim_ev_kind {
    SIM_EV_MSG,     /* a: message index: delivery */
    SIM_EV_TICK,    /* a: sentinel, b: generation: the core's timer */
    SIM_EV_NODE,    /* a: node, b: generation: replication/loading timer */
    SIM_EV_CLIENT,  /* b: generation: the workload's next action */
    SIM_EV_STEP,    /* a: step index: a timeline step is due */
    SIM_EV_TIMEOUT, /* a: step index, b: wait serial: a WAIT timed out */
    SIM_EV_END,     /* the run's hard end (duration) or settle end */
};

/* ---------------------------------------------------------------- processes */

enum sim_proc_kind {
    SIM_PROC_NODE,
    SIM_PROC_SENTINEL,
    SIM_PROC_CLIENT,
};

struct sim_proc {
    enum sim_proc_kind kind;
    uint32_t index; /* into nodes[] / sentinels[]; 0 for the client */
    char name[SCN_NAME_MAX];
    uint16_t port;              /* listening port; 0 for the client */
    bool up;                    /* running (possibly paused) */
    bool paused;                /* SIGSTOP: receives nothing until resumed */
    struct scn_latency latency; /* towards and from this process */
    struct scn_ratio loss;
    uint32_t conns;      /* head of the list of connection ends here, newest first */
    uint32_t subs;       /* head of its subscribed server ends, in the same order */
    uint32_t inbox_head; /* messages held while paused, in arrival order */
    uint32_t inbox_tail;
    uint32_t inbox_len;
};

/* ---------------------------------------------------------------- network */

enum sim_end {
    SIM_END_CLIENT = 0,
    SIM_END_SERVER = 1,
};

/* One cache line: every message delivered or sent reads its connection, so
 * what a server remembers between commands lives apart (sim_session). */
struct sim_conn {
    uint32_t gen; /* bumped when the slot is freed: stale messages die */
    bool used;
    bool open[2];                  /* each end still exists */
    bool accepted;                 /* the server end was opened (the SYN was handled) */
    bool subscribed;               /* server end: SUBSCRIBE done (CLIENT KILL TYPE pubsub) */
    bool authed;                   /* server end: AUTH done */
    bool in_multi;                 /* server end: MULTI open (its queue is in sim_session) */
    uint32_t proc[2];              /* client process, server process (SIM_NONE: nobody there) */
    uint32_t q_head[2], q_tail[2]; /* messages in flight towards each end, in order */
    uint32_t prev[2], next[2];     /* per-process lists of ends */
    uint32_t sub_prev, sub_next;   /* subscribed server end: the node's subscriber list */
    uint32_t owner;                /* client end: the core's conn id, or the client's slot */
};

/* The server end's command state, one per connection slot. */
struct sim_session {
    uint32_t multi_head, multi_tail; /* commands queued by MULTI (message indices) */
    uint32_t multi_len;
    uint32_t pending_head, pending_len;
    uint64_t pending[SIM_PENDING_MAX]; /* sentinel server end: cmd ids owed a reply */
};

enum sim_msg_kind {
    SIM_MSG_CONNECT, /* towards the server: SYN */
    SIM_MSG_ACCEPT,  /* towards the client: handshake done */
    SIM_MSG_REFUSE,  /* towards the client: nobody listens */
    SIM_MSG_CMD,     /* a command (argv) */
    SIM_MSG_REPLY,   /* a reply (encoded core_reply) to command `cmd` */
    SIM_MSG_PUSH,    /* a Pub/Sub message: channel, payload */
    SIM_MSG_CLOSE,   /* the other end closed or was reset */
};

/* One cache line (aligned): a delivery reads it whole, and a message that
 * straddled two lines cost two misses. */
struct sim_msg {
    _Alignas(64) uint8_t kind; /* enum sim_msg_kind */
    uint8_t to_end;            /* enum sim_end */
    uint8_t tries;             /* transmissions lost so far (RTO backoff, at most RETRIES_MAX) */
    uint32_t gen;              /* bumped when freed: a stale scheduled delivery is ignored */
    uint64_t ready_ms;         /* when it arrives if nothing is lost */
    uint32_t conn;
    uint32_t conn_gen;
    uint32_t next;  /* direction queue, inbox or MULTI queue */
    uint32_t len;   /* payload bytes */
    uint64_t cmd;   /* CMD/REPLY: the client's command id */
    uint32_t chunk; /* first payload chunk; SIM_NONE when the payload is inline */
    /* A payload of up to SIM_MSG_INLINE bytes (PING, PONG, +OK, :1 ...) is
     * held here: no chunk to take, touch and give back. */
    uint8_t bytes[SIM_MSG_INLINE];
};

struct sim_chunk {
    uint32_t next;
    uint32_t refs; /* first chunk of a payload: messages holding it */
    uint8_t data[SIM_CHUNK_DATA];
};

/* Which slots of a fixed pool are free: a stack of indices, then the
 * never-used tail. A stack rather than links through the free slots: taking
 * a slot then reads no pooled memory, where following a link was a cache
 * miss per message in a burst of sends. */
struct sim_slots {
    uint32_t *free; /* [cap] */
    uint32_t free_len;
    uint32_t used; /* slots ever taken (the rest was never touched) */
    uint32_t cap;
};

struct sim_partition {
    uint8_t *a;   /* membership bitsets over processes */
    uint8_t *b;   /* NULL: everyone not in a */
    bool one_way; /* only a -> b is cut */
};

/* ---------------------------------------------------------------- data nodes */

/* What a node's configuration says; runtime and saved (config file) copies.
 * The scalars and the password, which every command checks, lead. */
struct sim_node_conf {
    uint16_t replicaof_port; /* 0: a master */
    bool announced;
    bool serve_stale; /* replica-serve-stale-data */
    uint32_t priority;
    uint32_t min_replicas;
    uint32_t min_replicas_max_lag_s;
    char requirepass[SCN_SECRET_MAX];
    char masterauth[SCN_SECRET_MAX];
    char replicaof_host[CORE_IP_MAX];
};

enum sim_repl_state {
    SIM_REPL_NONE,      /* a master */
    SIM_REPL_CONNECT,   /* must (re)connect to its master */
    SIM_REPL_SYNC,      /* handshake and transfer under way until sync_done_ms */
    SIM_REPL_CONNECTED, /* link up */
};

/* What every command reads (the state, the loading deadline, the runtime
 * config's scalars and the head of its password) is in the first line. */
struct sim_node {
    _Alignas(64) uint32_t proc;
    enum sim_repl_state repl;
    uint64_t loading_until_ms;
    struct sim_node_conf conf;  /* runtime */
    struct sim_node_conf saved; /* the config file */
    char run_id[CORE_RUNID_LEN + 1];
    char replid[CORE_RUNID_LEN + 1];
    char replid2[CORE_RUNID_LEN + 1];
    int64_t second_off;    /* last offset valid for replid2; -1 none */
    uint64_t offset;       /* master_repl_offset / slave_repl_offset */
    bool ever_synced;      /* had a master link since becoming a replica */
    bool full_sync;        /* the sync under way is a full one */
    int64_t down_since_ms; /* master link down since; -1: never up since becoming a replica */
    uint64_t sync_done_ms;
    uint64_t link_up_ms;
    uint64_t last_io_ms;         /* last replication stream data received */
    uint32_t upstream;           /* node we replicate from (attached), SIM_NONE */
    uint32_t rep_head, rep_tail; /* our attached replicas, in attach order */
    uint32_t rep_prev, rep_next; /* our place in upstream's list */
    bool behind;                 /* link up but missed stream data (unreachable) */
    bool dangling;               /* link up to a master that died unseen (its reset was cut off) */
    uint64_t unreach_since_ms;   /* link up, master unreachable since; UINT64_MAX: reachable */
    uint64_t started_ms;
    uint64_t timer_gen;
    uint64_t timer_ms;   /* when the node timer is armed; UINT64_MAX: not armed */
    uint64_t *data;      /* bitmap of workload writes held; NULL outside the group */
    uint32_t last_error; /* last replication error logged (suppresses repeats) */
};

/* ---------------------------------------------------------------- sentinels */

/* Open addressing, a key next to its value: one cache line per lookup. */
struct sim_connmap_slot {
    uint32_t key; /* core conn id + 1; 0 = empty */
    uint32_t val; /* world conn index */
};

struct sim_connmap {
    struct sim_connmap_slot *slots;
    uint32_t cap; /* power of two */
    uint32_t len;
};

struct sim_sentinel {
    uint32_t proc;
    struct core_sentinel *core;
    struct sim_clock clock;
    uint64_t seed;      /* the core's seed for this start */
    struct sim_rng rng; /* draws each start's core seed */
    uint32_t starts;
    char harness_reply[160]; /* the last reply to a harness command ("" none) */
    bool harness_error;
    uint64_t tick_gen;
    uint64_t tick_ms; /* virtual time of the armed tick; UINT64_MAX: none */
    char *config;     /* the config file as last persisted */
    size_t config_len;
    size_t config_cap;
    char myid[CORE_RUNID_LEN + 1];
    struct sim_connmap map;
};

/* ---------------------------------------------------------------- workload */

struct sim_client {
    uint32_t proc;
    bool active;           /* writes are on */
    uint64_t gen;          /* timer generation */
    uint32_t sentinel;     /* sentinel asked for the master (rotates on failure) */
    uint32_t sconn;        /* conn to the sentinel, SIM_NONE */
    uint32_t mconn;        /* conn to the master, SIM_NONE */
    uint32_t master;       /* node it believes is master, SIM_NONE */
    bool asking;           /* GET-MASTER-ADDR-BY-NAME outstanding */
    bool writing;          /* a SET outstanding */
    uint64_t since_ms;     /* when the outstanding request was sent */
    uint64_t inflight_key; /* key of the outstanding SET */
    uint64_t interval_ms;
    uint64_t next_cmd;
    uint64_t writes; /* writes issued (key ids 0..writes-1) */
    uint64_t writes_cap;
    uint32_t *acked_by; /* [writes_cap]: node that acked + 1; 0 not acked */
    uint64_t acked, refused;
};

/* ---------------------------------------------------------------- world */

struct sim_world {
    const struct scn *scn;
    uint64_t seed;
    struct sim_options opt;
    uint64_t now_ms;
    bool stopped;
    struct sim_sched sched;
    struct sim_rng rng_net;
    struct sim_rng rng_nodes;
    struct sim_rng rng_workload;

    uint32_t procs_len;
    struct sim_proc *procs;
    uint32_t nodes_len;
    struct sim_node *nodes;
    uint32_t sentinels_len;
    struct sim_sentinel *sentinels;
    struct sim_client client;
    struct core_limits limits;

    struct sim_slots conn_slots;
    struct sim_conn *conns;       /* [conn_slots.cap] */
    struct sim_session *sessions; /* [conn_slots.cap] */
    struct sim_slots msg_slots;
    struct sim_msg *msgs;
    struct sim_slots chunk_slots;
    struct sim_chunk *chunks;
    uint32_t partitions_len;
    struct sim_partition partitions[SIM_PARTITIONS_MAX];
    uint8_t *bitset_pool; /* 2 * SIM_PARTITIONS_MAX bitsets of procs_len bits */
    size_t bitset_bytes;

    uint8_t *scratch;  /* encoding area */
    uint8_t *scratch2; /* a delivered message's payload */
    char *textbuf;     /* INFO text and other long replies being built */
    struct core_reply *reply_pool;
    uint32_t reply_pool_len;

    struct rep_run *run; /* log, written as things happen */
    uint64_t events;
    uint64_t core_steps;
    uint64_t writes_bits; /* words per data bitmap */
    /* Tests only: when set, messages for the workload client's process go
     * here instead of to the workload (a probe process on the network). */
    void (*tap_cb)(struct sim_world *w, uint32_t msg, void *ud);
    void *tap_ud;

    /* Timeline. */
    uint32_t step; /* next step to start */
    bool waiting;  /* a WAIT step is blocking */
    uint64_t wait_serial;
    size_t wait_log_from;  /* log records a WAIT EVENT looks at */
    size_t wait_scanned;   /* records an event wait has already looked at */
    uint32_t wait_seen;    /* bit i: sentinel i showed the awaited event */
    bool cond_dirty;       /* something a non-event wait looks at may have changed */
    uint64_t step_done_ms; /* when the previous step finished */
    bool timeline_done;
    bool first_fault_seen;
};

/* ---------------------------------------------------------------- world.c */

int sim__world_init(struct sim_world *w,
                    const struct scn *scn,
                    uint64_t seed,
                    const struct sim_options *opt,
                    struct rep_run *run);
void sim__world_free(struct sim_world *w);
void sim__world_loop(struct sim_world *w, uint64_t until_ms);
/* Appends a record to the run's log at the current virtual time. */
void sim__log(struct sim_world *w,
              enum rep_kind kind,
              enum rep_level level,
              uint32_t proc,
              const char *type,
              const char *text);
/* The process listening on ip:port, or SIM_NONE. */
uint32_t sim__proc_at(const struct sim_world *w, const char *ip, uint16_t port);
/* Delivers a message to the process at its destination end (it is up, not paused). */
void sim__dispatch(struct sim_world *w, uint32_t msg);

/* ---------------------------------------------------------------- net.c */

int sim__net_init(struct sim_world *w);
/* Releases what sim__net_init() allocated (also after it failed part way). */
void sim__net_free(struct sim_world *w);
uint32_t sim__net_connect(struct sim_world *w,
                          uint32_t from_proc,
                          uint32_t to_proc,
                          uint32_t owner);
/* Sends a message from `from_end` of conn (copying len payload bytes). */
void sim__net_send(struct sim_world *w,
                   uint32_t conn,
                   enum sim_end from_end,
                   enum sim_msg_kind kind,
                   uint64_t cmd,
                   const uint8_t *payload,
                   uint32_t len);
/* Sends a stored payload (sim__payload_new) without copying it: a Pub/Sub
 * fan-out shares one copy among all its messages. */
void sim__net_send_shared(struct sim_world *w,
                          uint32_t conn,
                          enum sim_end from_end,
                          enum sim_msg_kind kind,
                          uint32_t payload,
                          uint32_t len);
/* The server end of conn subscribed: it joins its process's subscriber list. */
void sim__net_subscribe(struct sim_world *w, uint32_t conn);
/* Closes one end; the other end learns it one latency later. */
void sim__net_close(struct sim_world *w, uint32_t conn, enum sim_end end);
/* The process died: every end it had is reset. */
void sim__net_proc_down(struct sim_world *w, uint32_t proc);
/* A paused process resumes: delivers what waited for it, in order. */
void sim__net_resume(struct sim_world *w, uint32_t proc);
/* The SIM_EV_MSG handler (gen: the message generation it was scheduled with). */
void sim__net_deliver(struct sim_world *w, uint32_t msg, uint64_t gen);
bool sim__net_blocked(const struct sim_world *w, uint32_t from_proc, uint32_t to_proc);
/* Both processes up, unpaused and not partitioned in either direction. */
bool sim__net_reachable(const struct sim_world *w, uint32_t p, uint32_t q);
uint64_t sim__net_latency_ms(struct sim_world *w, uint32_t from_proc, uint32_t to_proc);
void sim__net_partition(struct sim_world *w,
                        const struct scn_set *a,
                        const struct scn_set *b,
                        bool one_way);
void sim__net_heal(struct sim_world *w);
/* A payload stored once for several messages; the caller holds one
 * reference, dropped with sim__payload_release(). SIM_NONE when len is 0. */
uint32_t sim__payload_new(struct sim_world *w, const uint8_t *bytes, uint32_t len);
void sim__payload_release(struct sim_world *w, uint32_t payload);
/* Message payload access, valid until the message is freed or the next
 * call: in place when inline or in one chunk, else copied into w->scratch2. */
const uint8_t *sim__msg_payload(struct sim_world *w, uint32_t msg);
/* A copy of a message (for MULTI queues, sharing its payload), not scheduled anywhere. */
uint32_t sim__msg_clone(struct sim_world *w, uint32_t msg);
void sim__msg_free(struct sim_world *w, uint32_t msg);
bool sim__conn_live(const struct sim_world *w, uint32_t conn, uint32_t gen);

/* ---------------------------------------------------------------- codec.c */

/* Encodes argv into buf; returns the length (asserts it fits in cap). */
uint32_t sim__encode_argv(
    uint8_t *buf, size_t cap, uint32_t argc, const char *const *argv, const size_t *argv_len);
/* Decodes argv pointing into buf (words NUL-terminated in place). Returns argc. */
uint32_t sim__decode_argv(
    const uint8_t *buf, uint32_t len, const char **argv, size_t *argv_len, uint32_t argv_max);
uint32_t sim__encode_reply(uint8_t *buf, size_t cap, const struct core_reply *r);
/* Decodes into w->reply_pool; strings point into buf. */
const struct core_reply *sim__decode_reply(struct sim_world *w, const uint8_t *buf, uint32_t len);
/* A status or error reply, and a Pub/Sub message, encoded straight into buf. */
uint32_t sim__encode_status(uint8_t *buf, size_t cap, enum core_reply_type type, const char *s);
uint32_t sim__encode_push(uint8_t *buf,
                          size_t cap,
                          const char *channel,
                          size_t channel_len,
                          const char *payload,
                          size_t payload_len);
void sim__decode_push(const uint8_t *buf,
                      uint32_t len,
                      const char **channel,
                      size_t *channel_len,
                      const char **payload,
                      size_t *payload_len);

/* ---------------------------------------------------------------- node.c */

void sim__node_init(struct sim_world *w, uint32_t i);
void sim__node_start(struct sim_world *w, uint32_t i);
void sim__node_stop(struct sim_world *w, uint32_t i);
void sim__node_command(struct sim_world *w, uint32_t i, uint32_t conn, uint32_t msg);
void sim__node_timer(struct sim_world *w, uint32_t i, uint64_t gen);
/* Replication-model operations used by the command layer (node_cmd.c). */
void sim__node_replicaof(
    struct sim_world *w, uint32_t i, const char *host, uint16_t port, uint32_t by_conn);
void sim__node_write(struct sim_world *w, uint32_t i, uint64_t key, uint32_t bytes);
uint32_t sim__node_publish(struct sim_world *w,
                           uint32_t i,
                           const char *channel,
                           size_t channel_len,
                           const char *payload,
                           size_t payload_len,
                           uint32_t bytes);
uint32_t sim__node_good_replicas(const struct sim_world *w, uint32_t i);
uint32_t sim__node_info(
    struct sim_world *w, uint32_t i, const char *section, char *buf, size_t cap);
void sim__node_log(struct sim_world *w, uint32_t i, enum rep_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Re-evaluates replication links after the network or a pause changed. */
void sim__node_topology_changed(struct sim_world *w);
/* One line for a reply's head ("+OK", "-ERR ...", ":1", "$<text>", "*<n>"),
 * for logs of harness commands and for tests. */
void sim__reply_render(const struct core_reply *r, char *out, size_t cap);
/* Runs a harness command (scenario NODE step) and renders its reply into
 * reply[cap] with sim__reply_render(). */
void sim__node_harness(struct sim_world *w,
                       uint32_t i,
                       uint32_t argc,
                       const char *const *argv,
                       char *reply,
                       size_t cap);
bool sim__node_is_master(const struct sim_world *w, uint32_t i);
/* Node index replicated from (by configuration), or -1. */
int32_t sim__node_upstream(const struct sim_world *w, uint32_t i);
bool sim__node_has_write(const struct sim_world *w, uint32_t i, uint64_t key);
uint32_t sim__node_by_addr(const struct sim_world *w, const char *host, uint16_t port);

/* ---------------------------------------------------------------- sentinel.c */

int sim__sentinel_init(struct sim_world *w, uint32_t i);
void sim__sentinel_free(struct sim_world *w, uint32_t i);
int sim__sentinel_start(struct sim_world *w, uint32_t i);
void sim__sentinel_stop(struct sim_world *w, uint32_t i, bool crashed);
void sim__sentinel_tick(struct sim_world *w, uint32_t i, uint64_t gen);
void sim__sentinel_receive(struct sim_world *w, uint32_t i, uint32_t msg);
void sim__sentinel_resumed(struct sim_world *w, uint32_t i);
/* Runs a harness command (scenario SENTINEL step). */
void sim__sentinel_harness(struct sim_world *w, uint32_t i, uint32_t argc, const char *const *argv);
/* The core's master index for a scenario group, or -1 (not monitored / down). */
int sim__sentinel_group(const struct sim_world *w,
                        uint32_t i,
                        uint32_t group,
                        struct core_master_view *out);

/* ---------------------------------------------------------------- workload.c */

int sim__client_init(struct sim_world *w);
void sim__client_free(struct sim_world *w);
void sim__client_set_active(struct sim_world *w, bool on);
void sim__client_timer(struct sim_world *w, uint64_t gen);
void sim__client_receive(struct sim_world *w, uint32_t msg);
/* Counts acked writes missing from node `final_master` and logs who acked them. */
void sim__client_account(struct sim_world *w, uint32_t final_master);

/* ---------------------------------------------------------------- timeline.c */

void sim__timeline_start(struct sim_world *w);
void sim__timeline_step(struct sim_world *w, uint32_t step);
void sim__timeline_timeout(struct sim_world *w, uint32_t step, uint64_t serial);
/* Called after every event while a WAIT blocks. */
void sim__timeline_check(struct sim_world *w);

#endif
