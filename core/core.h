/* core.h: the whole seam between Redis Sentinel's logic and whoever drives it.
 *
 * Method: the core is a sans-I/O state machine in the style of ngtcp2. It
 * reads no clock, opens no socket, prints nothing and draws no randomness of
 * its own. A driver (sim/ or real/) owns one `struct core_sentinel` per
 * sentinel process and, in a loop:
 *
 *   1. waits until core_deadline_ms() or until something arrives;
 *   2. calls core_step() with its clock reading ("now": the sentinel's own
 *      wall clock in ms, which a simulator may skew or jump) and one input:
 *      a timer tick, a connection going up or down, a reply to a command the
 *      core sent (already parsed: the core never sees RESP bytes), a Pub/Sub
 *      message, or a command from a client or another sentinel;
 *   3. carries out the returned outputs in order: open/close a connection,
 *      send a command, persist the config file (always before the reply it
 *      guards), reply to a client, log an event, crash or exit.
 *
 * Connections are the core's: it names each one with a fresh id in a
 * CONNECT output and refers to it afterwards; ids are never reused, so
 * inputs about a connection the core already dropped are ignored. Every
 * command sent carries a command id; the driver hands the reply back with
 * it, in the order replies arrive on that connection.
 *
 * All memory is allocated in core_new() from limits and an allocator the
 * driver passes in; afterwards nothing is allocated. Outputs and the
 * strings they point to live in the core's output arena and stay valid
 * until the next core_step() or core_free() on the same sentinel.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_CORE_H
#define SENTSIM_CORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- errors */

#define CORE_OK       0
#define CORE_E_CONFIG -1 /* the config file is malformed; core_error says where and why */
#define CORE_E_LIMIT  -2 /* a limit from core_limits would be exceeded */
#define CORE_E_NOMEM  -3 /* the allocator returned NULL in core_new() */
#define CORE_E_INPUT  -4 /* the input violates the seam's contract (a driver bug) */

#define CORE_RUNID_LEN 40       /* run ids and sentinel ids: 40 hex chars */
#define CORE_IP_MAX    46       /* textual IPv4/IPv6 address plus NUL */
#define CORE_NAME_MAX  64       /* master names */
#define CORE_VERSION   "7.0.15" /* the Redis Sentinel version we reproduce */

/* Where and why a config file was rejected. */
struct core_error {
    uint32_t line; /* 1-based line of the offending directive; 0 if not line-bound */
    char msg[160]; /* Sentinel's own reason, e.g. "Quorum must be 1 or greater." */
};

/* ---------------------------------------------------------------- set-up */

/* Capacity fixed at core_new(); exceeding one is reported, never resized. */
struct core_limits {
    uint32_t masters_max;      /* monitored masters */
    uint32_t replicas_max;     /* replica records per master */
    uint32_t sentinels_max;    /* other-sentinel records per master */
    uint32_t conns_max;        /* live connections */
    uint32_t outputs_max;      /* outputs produced by one core_step() */
    uint32_t arena_bytes;      /* bytes of output strings and replies per step */
    uint32_t config_bytes_max; /* size of the config file text */
    uint32_t info_cache_bytes; /* INFO text kept per master/replica for SENTINEL
                                  INFO-CACHE (longer is cut); 0 = keep none */
};

/* Limits for a small deployment (16 masters, 64 replicas each, 16 sentinels). */
struct core_limits core_limits_default(void);

/* Memory comes from the driver. free_cb receives what alloc_cb returned. */
struct core_allocator {
    void *(*alloc_cb)(void *ud, size_t size);
    void (*free_cb)(void *ud, void *ptr);
    void *ud;
};

struct core_options {
    const char *config_text; /* the sentinel config file, as read (may be empty) */
    size_t config_len;
    uint64_t seed; /* seeds the core's only PRNG (hz jitter, desync, ids) */
    bool explain;  /* emit CORE_OUT_EXPLAIN records for "no" decisions */
};

struct core_sentinel;

/* Creates a sentinel from its config file. Returns CORE_OK, CORE_E_CONFIG
 * (err filled with line and Sentinel's message), CORE_E_LIMIT or
 * CORE_E_NOMEM. The first core_step() must carry CORE_IN_START. */
int core_new(const struct core_limits *limits,
             const struct core_options *opts,
             const struct core_allocator *alloc,
             uint64_t now_ms,
             struct core_sentinel **out,
             struct core_error *err);

/* Releases everything core_new() allocated. NULL is ignored. */
void core_free(struct core_sentinel *s);

/* Installs the handler a failed CORE_ASSERT calls (process-wide). It must not
 * return; the default handler spins on a trap. `where` names the sentinel id,
 * its clock and its seed so that a failure can be replayed. */
void core_set_assert_handler(
    void (*assert_cb)(const char *file, int line, const char *expr, const char *where, void *ud),
    void *ud);

/* ---------------------------------------------------------------- replies */

/* A parsed RESP2 value: inputs (replies to our commands) and outputs
 * (our replies to clients) share it. Strings are not NUL-terminated. */
enum core_reply_type {
    CORE_REPLY_STATUS,    /* +OK */
    CORE_REPLY_ERROR,     /* -ERR ... (str holds the text without '-') */
    CORE_REPLY_INTEGER,   /* :1 */
    CORE_REPLY_BULK,      /* $3 foo */
    CORE_REPLY_NIL,       /* $-1 */
    CORE_REPLY_ARRAY,     /* *n */
    CORE_REPLY_NIL_ARRAY, /* *-1 */
};

struct core_reply {
    enum core_reply_type type;
    int64_t integer; /* INTEGER */
    const char *str; /* STATUS, ERROR, BULK */
    size_t len;
    const struct core_reply *elements; /* ARRAY */
    size_t elements_len;
};

/* Bounds the core enforces on replies it is given; anything larger is
 * treated like a wrong-type reply (ignored), never trusted. */
#define CORE_REPLY_DEPTH_MAX    4
#define CORE_REPLY_ELEMENTS_MAX 64
#define CORE_INFO_BYTES_MAX     (1u << 20)

/* ---------------------------------------------------------------- inputs */

enum core_input_kind {
    CORE_IN_START,     /* first input: log the id, +monitor, persist a new myid */
    CORE_IN_TICK,      /* the timer fired (at or after core_deadline_ms()) */
    CORE_IN_CONN_UP,   /* conn's TCP handshake completed; local_ip is our end */
    CORE_IN_CONN_DOWN, /* conn failed to connect, was reset, or reached EOF */
    CORE_IN_REPLY,     /* reply to command `cmd` sent on `conn` */
    CORE_IN_MESSAGE,   /* Pub/Sub message on a pubsub conn: channel, payload */
    CORE_IN_COMMAND,   /* a command from client `client` (user or other sentinel) */
};

struct core_input {
    enum core_input_kind kind;
    uint32_t conn;                  /* CONN_UP, CONN_DOWN, REPLY, MESSAGE */
    uint64_t cmd;                   /* REPLY: the id from the SEND output */
    const struct core_reply *reply; /* REPLY */
    const char *local_ip;           /* CONN_UP: NUL-terminated */
    const char *channel;            /* MESSAGE */
    size_t channel_len;
    const char *payload; /* MESSAGE */
    size_t payload_len;
    uint64_t client; /* COMMAND: the driver's id for the caller */
    uint32_t argc;   /* COMMAND */
    const char *const *argv;
    const size_t *argv_len;
};

/* ---------------------------------------------------------------- outputs */

enum core_output_kind {
    CORE_OUT_CONNECT, /* open conn to ip:port; report CONN_UP or CONN_DOWN later */
    CORE_OUT_CLOSE,   /* close conn; the core has forgotten it (no CONN_DOWN needed) */
    CORE_OUT_SEND,    /* send argv on conn; hand the reply back with `cmd` */
    CORE_OUT_PERSIST, /* replace the config file with `text` (before the reply it guards) */
    CORE_OUT_REPLY,   /* answer client `client` with `reply` */
    CORE_OUT_EVENT,   /* a Sentinel event: log it, publish it unless DEBUG */
    CORE_OUT_LOG,     /* a non-event log line ("voted for", "Next failover delay") */
    CORE_OUT_EXPLAIN, /* why a decision came out "no" (only with opts.explain) */
    CORE_OUT_CRASH,   /* SIMULATE-FAILURE fired: stop at once with exit `status` */
    CORE_OUT_EXIT,    /* SHUTDOWN: exit cleanly with `status` */
};

/* Redis log levels in Redis's order; the log-line marks are . - * # */
enum core_level {
    CORE_LEVEL_DEBUG,
    CORE_LEVEL_VERBOSE,
    CORE_LEVEL_NOTICE,
    CORE_LEVEL_WARNING,
};

enum core_conn_kind {
    CORE_CONN_CMD,    /* command connection (masters, replicas, sentinels) */
    CORE_CONN_PUBSUB, /* hello subscription (masters and replicas) */
};

enum core_peer_kind {
    CORE_PEER_MASTER,
    CORE_PEER_REPLICA,
    CORE_PEER_SENTINEL,
};

struct core_output {
    enum core_output_kind kind;
    uint32_t conn;                 /* CONNECT, CLOSE, SEND */
    enum core_conn_kind conn_kind; /* CONNECT */
    enum core_peer_kind peer_kind; /* CONNECT */
    const char *ip;                /* CONNECT: NUL-terminated */
    uint16_t port;                 /* CONNECT */
    uint64_t cmd;                  /* SEND: unique per sentinel, increasing */
    uint32_t argc;                 /* SEND */
    const char *const *argv;       /* SEND: NUL-terminated words */
    const size_t *argv_len;
    uint64_t client;                /* REPLY */
    const struct core_reply *reply; /* REPLY */
    enum core_level level;          /* EVENT, LOG, EXPLAIN */
    const char *type;               /* EVENT: "+sdown" */
    const char *text;               /* EVENT (after the type), LOG, EXPLAIN, PERSIST */
    size_t text_len;
    const char *master; /* EVENT: the associated master's name, or NULL */
    int status;         /* CRASH, EXIT */
};

/* Feeds one input at `now_ms` and returns the outputs it produced in order
 * through *outs and *outs_len (valid until the next call). Returns CORE_OK or
 * CORE_E_INPUT (nothing changed; a driver bug worth asserting on). An input
 * for an unknown or dropped conn is not an error: it is ignored. */
int core_step(struct core_sentinel *s,
              uint64_t now_ms,
              const struct core_input *in,
              const struct core_output **outs,
              size_t *outs_len);

/* When the next CORE_IN_TICK is due, in the sentinel's clock. */
uint64_t core_deadline_ms(const struct core_sentinel *s);

/* ---------------------------------------------------------------- read-only views
 *
 * For harness checks (waits, expectations, chaos invariants) without going
 * through commands. Views copy values out; they never expose core memory. */

struct core_master_view {
    char name[CORE_NAME_MAX];
    char ip[CORE_IP_MAX]; /* the current master address (promoted replica */
    uint16_t port;        /* once the failover reached RECONF_SLAVES)     */
    bool sdown;
    bool odown;
    bool failover_in_progress;
    const char *failover_state; /* "none", "wait_start", ... (static string) */
    uint64_t config_epoch;
    char leader[CORE_RUNID_LEN + 1]; /* our vote for this master; "" if none */
    uint64_t leader_epoch;
    uint32_t replicas;  /* replica records (announced or not) */
    uint32_t sentinels; /* other-sentinel records */
};

struct core_instance_view {
    enum core_peer_kind kind;
    char ip[CORE_IP_MAX];
    uint16_t port;
    char runid[CORE_RUNID_LEN + 1]; /* "" if unknown */
    bool sdown;
    bool disconnected;
    bool promoted;
    bool reported_master; /* role reported by INFO (masters, replicas) */
};

/* The sentinel's id (40 hex chars, NUL-terminated, static per sentinel). */
const char *core_myid(const struct core_sentinel *s);
uint64_t core_current_epoch(const struct core_sentinel *s);
bool core_in_tilt(const struct core_sentinel *s);
uint16_t core_port(const struct core_sentinel *s);

/* How many masters, replicas or other sentinels this sentinel refused to
 * record since core_new() because a core_limits bound was reached (added
 * after the first contract). Real Sentinel has no such bounds, so a driver
 * must treat any refusal as a failed run (the deployment outgrew the limits
 * it passed), never as a silent cap on discovery. */
uint64_t core_limit_refusals(const struct core_sentinel *s);

/* Number of monitored masters, and master `i` (0-based, in table order).
 * core_master() returns 0, or -1 if i is out of range. */
uint32_t core_masters_len(const struct core_sentinel *s);
int core_master(const struct core_sentinel *s, uint32_t i, struct core_master_view *out);

/* Replica `j` / other sentinel `j` of master `i`; 0, or -1 if out of range. */
int core_replica(const struct core_sentinel *s,
                 uint32_t i,
                 uint32_t j,
                 struct core_instance_view *out);
int core_other_sentinel(const struct core_sentinel *s,
                        uint32_t i,
                        uint32_t j,
                        struct core_instance_view *out);

#endif
