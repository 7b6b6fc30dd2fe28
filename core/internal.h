/* internal.h: the state model of one sentinel and the core's internal API.
 *
 * Method: everything a sentinel knows lives in fixed tables sized once by
 * core_new() from core_limits: instance records (masters, replicas and other
 * sentinels alike, as in upstream's sentinelRedisInstance), links (a pair of
 * connections plus liveness times; sentinel records of the same physical
 * sentinel share one), connections, and per-master tables of replica and
 * sentinel indexes kept in insertion order ("table order"). Records refer to
 * each other by index, never by pointer. Times are int64 milliseconds of
 * the sentinel's own clock, like upstream's mstime_t, so that differences
 * may go negative after a clock jump.
 *
 * Command ids encode what a reply is for: the sequence number in the high
 * bits, then the reply kind and the instance index. A record remembers the
 * sequence number current when it was created, so a reply for a record that
 * was destroyed and whose slot was reused is recognised as stale (upstream
 * redirects such callbacks to a no-op).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_INTERNAL_H
#define SENTSIM_CORE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/check.h"
#include "core/core.h"
#include "core/rng.h"

#define CORE__NONE UINT32_MAX

struct core__conf_rw;
struct core__gen_cache;

/* ---------------------------------------------------------------- bounds */

#define CORE__SECRET_MAX       128  /* passwords and user names, with the NUL */
#define CORE__PATH_MAX         256  /* script paths, with the NUL */
#define CORE__RENAMES_MAX      8    /* rename-command mappings per master */
#define CORE__CMDNAME_MAX      32   /* a command name in a mapping, with the NUL */
#define CORE__TEXT_MAX         1024 /* one event, log or explain text */
#define CORE__ARGV_MAX         8    /* words of a command we send */
#define CORE__COMMAND_ARGS_MAX 4096 /* words of a command we accept */
#define CORE__PENDING_MAX      100  /* periodic commands in flight per link (x refcount) */
#define CORE__DESYNC_MAX       1000 /* random failover start offset, ms */
#define CORE__HELLO_CHANNEL    "__sentinel__:hello"

/* ---------------------------------------------------------------- flags */

#define CORE__F_MASTER               (1u << 0)
#define CORE__F_SLAVE                (1u << 1)
#define CORE__F_SENTINEL             (1u << 2)
#define CORE__F_S_DOWN               (1u << 3)
#define CORE__F_O_DOWN               (1u << 4)
#define CORE__F_MASTER_DOWN          (1u << 5)
#define CORE__F_FAILOVER_IN_PROGRESS (1u << 6)
#define CORE__F_PROMOTED             (1u << 7)
#define CORE__F_RECONF_SENT          (1u << 8)
#define CORE__F_RECONF_INPROG        (1u << 9)
#define CORE__F_RECONF_DONE          (1u << 10)
#define CORE__F_FORCE_FAILOVER       (1u << 11)
#define CORE__F_SCRIPT_KILL_SENT     (1u << 12)
#define CORE__F_MASTER_REBOOT        (1u << 13)
/* Sentinels: a reply to is-master-down-by-addr may have set MASTER_DOWN or
 * the leader since the stale-reply sweep last cleared them (never shown). */
#define CORE__F_ASK_REPLIED          (1u << 14)
#define CORE__F_KINDS                (CORE__F_MASTER | CORE__F_SLAVE | CORE__F_SENTINEL)

#define CORE__SIMFAIL_CRASH_AFTER_ELECTION  (1u << 0)
#define CORE__SIMFAIL_CRASH_AFTER_PROMOTION (1u << 1)

enum core__failover_state {
    CORE__FO_NONE,
    CORE__FO_WAIT_START,
    CORE__FO_SELECT_SLAVE,
    CORE__FO_SEND_SLAVEOF_NOONE,
    CORE__FO_WAIT_PROMOTION,
    CORE__FO_RECONF_SLAVES,
    CORE__FO_UPDATE_CONFIG,
};

/* What a reply is for (bits 24..27 of a command id). */
enum core__cmd_kind {
    CORE__CK_DISCARD, /* AUTH, CLIENT SETNAME, the transaction, SCRIPT KILL */
    CORE__CK_PING,
    CORE__CK_INFO,
    CORE__CK_PUBLISH,
    CORE__CK_ASK,       /* SENTINEL is-master-down-by-addr */
    CORE__CK_SUBSCRIBE, /* not counted in pending_commands */
};

#define CORE__CMD_INST_BITS 24
#define CORE__CMD_KIND_BITS 4
#define CORE__CMD_SEQ_SHIFT (CORE__CMD_INST_BITS + CORE__CMD_KIND_BITS)

/* ---------------------------------------------------------------- records */

/* Timing parameters settable with SENTINEL DEBUG (spec §1.1), in ms. */
struct core__timing {
    int64_t info_period;
    int64_t ping_period;
    int64_t ask_period;
    int64_t publish_period;
    int64_t default_down_after;
    int64_t default_failover_timeout;
    int64_t tilt_trigger;
    int64_t tilt_period;
    int64_t slave_reconf_timeout;
    int64_t min_link_reconnect_period;
    int64_t election_timeout;
    int64_t script_max_runtime;
    int64_t script_retry_delay;
};

struct core__addr {
    char ip[CORE_IP_MAX]; /* the host as given: an IP literal (or a hostname) */
    uint16_t port;        /* 0 marks an address never connected */
};

/* A connection pair and its liveness times (upstream's instanceLink).
 * Every visit of an instance reads its link: what it reads on the common
 * path fills the first cache line, and the table is line-aligned. */
struct core__link {
    _Alignas(64) bool in_use;
    bool disconnected;        /* cc missing, or pc missing for masters/replicas */
    uint32_t refcount;        /* records sharing it */
    int32_t pending_commands; /* commands sent, reply not yet handed back */
    uint32_t cc;              /* command conn id; 0 = none */
    uint32_t pc;              /* pub/sub conn id; 0 = none */
    int64_t cc_conn_time;     /* ms */
    int64_t pc_conn_time;     /* ms */
    int64_t pc_last_activity; /* ms: last reply or message on pc */
    int64_t act_ping_time;    /* ms: oldest PING without valid reply; 0 = none */
    int64_t last_pong_time;   /* ms: last PING reply of any kind */
    /* Read by a tick only once a reply is late or the link is down. */
    int64_t last_ping_time;     /* ms */
    int64_t last_avail_time;    /* ms: last valid PING reply */
    int64_t last_reconn_time;   /* ms: last connection attempt (throttle) */
    char local_ip[CORE_IP_MAX]; /* our end of cc from CONN_UP; kept across reconnects */
};

/* When a tick next has to visit a master, its record or any of its
 * others (quiet.c); trusted while `gen` is the sentinel's wake_gen. */
struct core__quiet {
    int64_t gen; /* 0: not trusted */
    int64_t due; /* ms */
    int64_t own; /* ms: when the master's own record is */
};

struct core__conn {
    uint32_t id;   /* 0 = free slot */
    uint32_t link; /* owning link */
    bool pubsub;   /* pc rather than cc */
};

/* One instance record; which fields matter depends on the kind flag. A tick
 * visits every master and every record with something due (quiet.c): what
 * a visit reads on the common path fills the first cache line, and the
 * table is line-aligned. */
struct core__inst {
    _Alignas(64) uint32_t flags;   /* CORE__F_* */
    uint32_t master;               /* slot in s->masters of the owning master */
    uint32_t link;                 /* index in s->links */
    uint8_t role_reported;         /* CORE__F_MASTER, CORE__F_SLAVE or 0 */
    int64_t down_after_period;     /* ms */
    int64_t info_refresh;          /* ms: last INFO parsed; 0 = never */
    int64_t last_pub_time;         /* ms: last acknowledged hello publish */
    int64_t master_link_down_time; /* ms (replicas) */
    int64_t role_reported_time;    /* ms */
    uint64_t born_seq;             /* command sequence at creation (every reply checks it) */
    /* Read by a tick only when something is wrong, or by other paths. */
    char name[CORE_NAME_MAX];       /* master name, "ip:port", or the sentinel's id */
    char runid[CORE_RUNID_LEN + 1]; /* "" if unknown */
    struct core__addr addr;
    int64_t last_hello_time;             /* ms (sentinels) */
    int64_t last_master_down_reply_time; /* ms (sentinels) */
    int64_t s_down_since_time;           /* ms: SDOWN last entered; never cleared */
    int64_t o_down_since_time;           /* ms */
    int64_t slave_conf_change_time;      /* ms */
    int64_t master_reboot_since_time;    /* ms (masters) */
    int64_t slave_priority;
    int64_t replica_announced;
    bool has_slave_master_host;
    char slave_master_host[CORE_IP_MAX];
    int64_t slave_master_port;
    bool slave_master_link_up;
    uint64_t slave_repl_offset;
    int64_t slave_reconf_sent_time;  /* ms */
    char leader[CORE_RUNID_LEN + 1]; /* (sentinels) reported vote; "" if none */
    uint64_t leader_epoch;
    uint32_t info_len; /* bytes cached in the info slab */
    bool has_info;
};
_Static_assert(offsetof(struct core__link, last_pong_time) < 64, "hot link fields share a line");
_Static_assert(offsetof(struct core__inst, born_seq) < 64, "hot fields share a line");

struct core__rename {
    char from[CORE__CMDNAME_MAX];
    char to[CORE__CMDNAME_MAX];
};

/* The per-master part of a master record. */
struct core__master {
    /* What a tick, a command sent or a hello received reads, in the first line. */
    _Alignas(64) bool in_use;
    bool asks_marked;   /* some sentinel record may carry CORE__F_ASK_REPLIED */
    uint32_t inst;      /* the master's own record */
    uint32_t *replicas; /* record indexes, table order */
    uint32_t *sentinels;
    uint64_t *sentinel_keys; /* the runid key of each of sentinels[] (instance.c) */
    uint32_t nreplicas;
    uint32_t nsentinels;
    enum core__failover_state failover_state;
    uint32_t nrenames; /* every command sent to the master's instances looks */
    int64_t quorum;
    uint64_t config_epoch;
    int64_t parallel_syncs;
    char leader[CORE_RUNID_LEN + 1]; /* our vote; "" if none */
    uint64_t leader_epoch;
    uint64_t failover_epoch;
    int64_t failover_state_change_time;      /* ms */
    int64_t failover_start_time;             /* ms */
    int64_t failover_timeout;                /* ms */
    int64_t failover_delay_logged;           /* ms */
    uint32_t promoted;                       /* record index or CORE__NONE */
    int64_t master_reboot_down_after_period; /* ms */
    int64_t odown_explained;                 /* agreeing count last explained; -1 = none */
    int64_t elect_explained;                 /* votes last explained; -1 = none */
    char notification_script[CORE__PATH_MAX];
    char client_reconfig_script[CORE__PATH_MAX];
    bool has_auth_pass;
    char auth_pass[CORE__SECRET_MAX];
    bool has_auth_user;
    char auth_user[CORE__SECRET_MAX];
    struct core__rename renames[CORE__RENAMES_MAX];
};
_Static_assert(offsetof(struct core__master, config_epoch) < 64, "hot master fields share a line");

struct core_sentinel {
    struct core_allocator alloc;
    struct core_limits lim;
    uint64_t seed;
    bool explain;
    struct core__rng rng;
    char myid[CORE_RUNID_LEN + 1];
    char run_id[CORE_RUNID_LEN + 1]; /* the process run_id of INFO server */
    bool myid_generated;             /* persist it at START */
    bool started;
    bool halted;             /* after CRASH or EXIT: inputs are refused */
    uint64_t limit_refusals; /* records refused for a core_limits bound */
    bool persist_pending;    /* conf changed by a deferred flush: PERSIST it before the next
                                REPLY, CRASH or EXIT output, or at the end of the step */
    int64_t now;             /* the clock of the current step */
    int64_t start_time;      /* ms, for uptime */
    uint64_t current_epoch;

    /* Tables. */
    struct core__master *masters; /* [masters_max], line-aligned inside masters_mem */
    void *masters_mem;
    uint32_t *order;     /* master slots in table order */
    uint32_t *names;     /* open-addressed index of master names: slot + 1, 0 = empty */
    uint32_t names_len;  /* a power of two, at least twice masters_max */
    uint32_t *rnames;    /* index of replica records by (master, "ip:port"): inst + 1 */
    uint32_t rnames_len; /* a power of two, at least twice masters_max * replicas_max */
    uint32_t nmasters;
    struct core__inst *insts; /* [insts_max], line-aligned inside insts_mem */
    void *insts_mem;
    uint64_t *inst_used; /* bit i: insts[i] is a record (core__inst_used()) */
    uint32_t insts_max;
    uint32_t inst_cursor;     /* next-fit start for new records */
    struct core__link *links; /* [links_max], line-aligned inside links_mem */
    void *links_mem;
    uint32_t links_max;
    uint32_t link_cursor; /* next-fit start for new links */
    struct core__conn *conns;
    uint32_t conn_slot_bits;
    uint32_t conn_cursor; /* next-fit start, spreads slot reuse */
    uint32_t *index_pool; /* backing store of replicas/sentinels arrays */
    uint64_t *keys_pool;  /* backing store of sentinel_keys arrays */
    /* Per master, laid out as index_pool: the due time of each replica and
     * sentinel slot (quiet.c). */
    int64_t *quiet_pool;
    struct core__quiet *quiet; /* [masters_max]: when each master is next due */
    int64_t wake_gen;          /* bumped by core__wake_all(); starts at 1 */
    char *info_slab;           /* insts_max * info_cache_bytes */
    uint32_t info_cache_bytes;

    /* Timer and TILT. */
    bool tilt;
    int64_t tilt_start_time;
    int64_t previous_time;
    int64_t next_tick;
    uint32_t hz;
    struct core__timing t;

    /* Global configuration. */
    uint16_t port;
    char announce_ip[CORE_IP_MAX];
    uint16_t announce_port;
    bool deny_scripts_reconfig;
    bool resolve_hostnames;
    bool announce_hostnames;
    bool keep_deny_line; /* the file has the line: keep writing it */
    bool keep_resolve_line;
    bool keep_announce_hn_line;
    char sentinel_user[CORE__SECRET_MAX];
    char sentinel_pass[CORE__SECRET_MAX];
    char requirepass[CORE__SECRET_MAX];
    uint32_t simfailure;
    uint64_t cmd_seq; /* next command sequence number */

    /* Config file text. */
    char *conf;
    size_t conf_len;
    char *conf_scratch;            /* generated sentinel lines */
    char *conf_out;                /* the rewrite's output; swapped with conf after a flush */
    struct core__conf_rw *conf_rw; /* the line index of conf, kept between flushes */
    char *conf_keys;               /* its key pool: 2 * config_bytes_max */
    char *conf_prev;               /* its copy of the last generated lines */
    uint32_t conf_deferred;        /* +slave flushes conf lags behind (confgen.c) */
    size_t conf_room_bytes;        /* what deferred flushes may still add to conf */
    uint32_t conf_room_lines;      /* ... in lines */

    /* The generated lines' cache (confgen.c). */
    char *conf_gen_spare;             /* the next lines are written here, then swapped with
                                         conf_scratch, which holds the last */
    struct core__gen_cache *conf_gen; /* each master's block of conf_scratch */
    bool conf_gen_verify;             /* tests: check each generation against a full one */

    /* Outputs of the current step. */
    struct core_output *outs;
    uint32_t nouts;
    char *arena;
    size_t arena_used;
};

/* ---------------------------------------------------------------- helpers */

static inline int64_t core__min64(int64_t a, int64_t b) {
    return a < b ? a : b;
}

static inline int64_t core__max64(int64_t a, int64_t b) {
    return a > b ? a : b;
}

/* Whether insts[i] is a record. The flags live in a dense bitmap, not in the
 * records: every access checks one, and the record's own line would be a
 * cache miss where the caller reads other lines only (a hello reads its
 * sender's run id and address). */
static inline bool core__inst_used(const struct core_sentinel *s, uint32_t i) {
    CORE_ASSERT(i < s->insts_max);
    return (s->inst_used[i / 64] >> (i % 64)) & 1u;
}

static inline struct core__inst *core__inst(struct core_sentinel *s, uint32_t i) {
    CORE_ASSERT(core__inst_used(s, i));
    return &s->insts[i];
}

static inline struct core__link *core__link_of(struct core_sentinel *s, uint32_t inst) {
    uint32_t l = core__inst(s, inst)->link;
    CORE_ASSERT(l < s->links_max);
    CORE_ASSERT(s->links[l].in_use);
    return &s->links[l];
}

static inline struct core__master *core__master_of(struct core_sentinel *s, uint32_t inst) {
    uint32_t m = core__inst(s, inst)->master;
    CORE_ASSERT(m < s->lim.masters_max);
    CORE_ASSERT(s->masters[m].in_use);
    return &s->masters[m];
}

static inline struct core__inst *core__minst(struct core_sentinel *s, struct core__master *m) {
    CORE_ASSERT(m->in_use);
    return core__inst(s, m->inst);
}

/* ---------------------------------------------------------------- out.c */

void core__out_reset(struct core_sentinel *s);
void *core__arena_alloc(struct core_sentinel *s, size_t n);
/* Not zeroed: for tables sized to a limit of which a step fills and reads a prefix. */
void *core__arena_alloc_raw(struct core_sentinel *s, size_t n);
char *core__arena_strndup(struct core_sentinel *s, const char *str, size_t len);
struct core_output *core__out_push(struct core_sentinel *s, enum core_output_kind kind);
void core__out_log(struct core_sentinel *s, enum core_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void core__out_explain(struct core_sentinel *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void core__out_reply(struct core_sentinel *s, uint64_t client, const struct core_reply *r);
/* Emits the PERSIST a deferred flush owes (s->persist_pending). */
void core__out_persist(struct core_sentinel *s);
void core__out_halt(struct core_sentinel *s, enum core_output_kind kind, int status);

/* Reply trees in the arena. */
struct core_reply *core__r_new(struct core_sentinel *s, size_t n);
void core__r_status(struct core_sentinel *s, struct core_reply *r, const char *str);
void core__r_error(struct core_sentinel *s, struct core_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void core__r_bulk(struct core_sentinel *s, struct core_reply *r, const char *str, size_t len);
void core__r_bulkz(struct core_sentinel *s, struct core_reply *r, const char *str);
void core__r_bulkf(struct core_sentinel *s, struct core_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void core__r_int(struct core_reply *r, int64_t v);
void core__r_nil(struct core_reply *r);
struct core_reply *core__r_array(struct core_sentinel *s, struct core_reply *r, size_t n);

/* A flat field/value list (RESP2 map) of bounded size. */
struct core__rmap {
    struct core_reply *r;
    struct core_reply *els;
    size_t cap;
};
void core__rmap_init(struct core_sentinel *s,
                     struct core__rmap *m,
                     struct core_reply *r,
                     size_t pairs_max);
void core__rmap_str(struct core_sentinel *s, struct core__rmap *m, const char *k, const char *v);
void core__rmap_int(struct core_sentinel *s, struct core__rmap *m, const char *k, int64_t v);
void core__rmap_bint(struct core_sentinel *s, struct core__rmap *m, const char *k, int64_t v);

/* ---------------------------------------------------------------- event.c */

/* An event whose text is `fmt` (inst: the associated record or CORE__NONE). */
void core__event(struct core_sentinel *s,
                 enum core_level level,
                 const char *type,
                 uint32_t inst,
                 const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));
/* An event whose text is the %@ identification of `inst` ... */
void core__event_at(struct core_sentinel *s,
                    enum core_level level,
                    const char *type,
                    uint32_t inst);
/* ... followed by `fmt`. */
void core__event_atf(struct core_sentinel *s,
                     enum core_level level,
                     const char *type,
                     uint32_t inst,
                     const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));
const char *core__announce_ip(const struct core__addr *a);

/* ---------------------------------------------------------------- instance.c */

bool core__ip_literal(const char *ip);
bool core__addr_equal(const struct core__addr *a, const struct core__addr *b);
bool core__addr_equals_host(struct core_sentinel *s, const struct core__addr *a, const char *h);
uint32_t core__master_by_name(struct core_sentinel *s, const char *name, size_t len);
int core__create_master(struct core_sentinel *s,
                        const char *name,
                        const char *ip,
                        int64_t port,
                        int64_t quorum,
                        uint32_t *out,
                        const char **err);
int core__create_replica(struct core_sentinel *s,
                         uint32_t mslot,
                         const char *ip,
                         int64_t port,
                         uint32_t *out,
                         const char **err);
int core__create_sentinel(struct core_sentinel *s,
                          uint32_t mslot,
                          const char *runid,
                          const char *ip,
                          int64_t port,
                          uint32_t *out,
                          const char **err);
uint32_t core__replica_lookup(struct core_sentinel *s,
                              uint32_t mslot,
                              const char *ip,
                              int64_t port);
uint32_t core__sentinel_lookup(
    struct core_sentinel *s, uint32_t mslot, const char *ip, int64_t port, const char *runid);
void core__release_replicas(struct core_sentinel *s, uint32_t mslot);
void core__release_sentinel_at(struct core_sentinel *s, uint32_t mslot, uint32_t pos);
void core__remove_master(struct core_sentinel *s, uint32_t mslot);
bool core__try_link_sharing(struct core_sentinel *s, uint32_t inst);
struct core__addr core__current_master_addr(struct core_sentinel *s, uint32_t mslot);
void core__reset_master(struct core_sentinel *s, uint32_t mslot, bool keep_sentinels);
int core__reset_master_and_change_address(struct core_sentinel *s,
                                          uint32_t mslot,
                                          const char *ip,
                                          uint16_t port);
bool core__no_down_for(struct core_sentinel *s, uint32_t inst, int64_t ms);

/* ---------------------------------------------------------------- link.c */

uint32_t core__conn_lookup(struct core_sentinel *s, uint32_t id);
void core__link_close(struct core_sentinel *s, uint32_t link, bool pubsub);
void core__link_release(struct core_sentinel *s, uint32_t link);
uint32_t core__link_new(struct core_sentinel *s);
void core__reconnect(struct core_sentinel *s, uint32_t inst);
bool core__send(struct core_sentinel *s,
                uint32_t inst,
                enum core__cmd_kind kind,
                bool pubsub,
                uint32_t argc,
                const char *const *argv);
bool core__send_ping(struct core_sentinel *s, uint32_t inst);
bool core__send_slaveof(struct core_sentinel *s, uint32_t inst, const struct core__addr *to);
void core__on_conn_up(struct core_sentinel *s, const struct core_input *in);
void core__on_conn_down(struct core_sentinel *s, const struct core_input *in);
void core__on_reply(struct core_sentinel *s, const struct core_input *in);
void core__on_message(struct core_sentinel *s, const struct core_input *in);

/* ---------------------------------------------------------------- periodic.c */

void core__send_periodic(struct core_sentinel *s, uint32_t inst);
int64_t core__info_period(struct core_sentinel *s, uint32_t inst);
void core__force_hello(struct core_sentinel *s, uint32_t mslot);
void core__on_ping_reply(struct core_sentinel *s, uint32_t inst, const struct core_reply *r);
void core__on_publish_reply(struct core_sentinel *s, uint32_t inst, const struct core_reply *r);

/* ---------------------------------------------------------------- quiet.c */

/* 1: visit the records a tick skips anyway, asserting the visit is a no-op
 * (the Makefile sets it in the sanitizer and debug builds). */
#ifndef CORE_VERIFY_QUIET
#define CORE_VERIFY_QUIET 0
#endif

/* The first time a visit of record `inst` may do anything; now if it may
 * at once. A master's record must be steady (core__master_steady()). */
int64_t core__quiet_until(struct core_sentinel *s, uint32_t inst);
int64_t *core__quiet_block(struct core_sentinel *s, uint32_t mslot);
/* Due times may have moved earlier: for one master and its records, or for
 * every master. */
void core__wake_master(struct core_sentinel *s, uint32_t mslot);
void core__wake_all(struct core_sentinel *s);
/* Not down, not failing over: its due times can be trusted. */
bool core__master_steady(struct core_sentinel *s, uint32_t mslot);

/* ---------------------------------------------------------------- gossip.c */

void core__process_hello(struct core_sentinel *s, const char *payload, size_t len);

/* ---------------------------------------------------------------- refresh.c */

void core__on_info_reply(struct core_sentinel *s, uint32_t inst, const struct core_reply *r);
bool core__master_looks_sane(struct core_sentinel *s, uint32_t mslot);

/* ---------------------------------------------------------------- detect.c */

void core__check_tilt(struct core_sentinel *s);
void core__check_sdown(struct core_sentinel *s, uint32_t inst);
void core__check_odown(struct core_sentinel *s, uint32_t mslot);

/* ---------------------------------------------------------------- election.c */

#define CORE__ASK_FORCED true
void core__ask_master_state(struct core_sentinel *s, uint32_t mslot, bool forced);
void core__on_ask_reply(struct core_sentinel *s, uint32_t inst, const struct core_reply *r);
const char *core__vote_leader(struct core_sentinel *s,
                              uint32_t mslot,
                              uint64_t req_epoch,
                              const char *req_runid,
                              uint64_t *leader_epoch);
const char *core__get_leader(struct core_sentinel *s,
                             uint32_t mslot,
                             uint64_t epoch,
                             char winner_out[CORE_RUNID_LEN + 1]);
void core__start_failover(struct core_sentinel *s, uint32_t mslot);
bool core__start_failover_if_needed(struct core_sentinel *s, uint32_t mslot);

/* ---------------------------------------------------------------- failover.c */

void core__failover_step(struct core_sentinel *s, uint32_t mslot);
void core__switch_to_promoted(struct core_sentinel *s, uint32_t mslot);
void core__promotion_observed(struct core_sentinel *s, uint32_t inst);
const char *core__failover_state_name(enum core__failover_state st);

/* ---------------------------------------------------------------- select.c */

uint32_t core__select_slave(struct core_sentinel *s, uint32_t mslot);

/* ---------------------------------------------------------------- config.c / confgen.c */

int core__config_load(struct core_sentinel *s,
                      const char *text,
                      size_t len,
                      struct core_error *err);
void core__flush_config(struct core_sentinel *s);
int core__flush_config_rc(struct core_sentinel *s);
/* core__flush_config() for each replica of master `mslot` one INFO reply reveals
 * (+slave): the same decision and log line now, but the PERSIST output carries the
 * text once, before the next reply, crash or exit or at the end of the step.
 * Per-discovery copies made a step's output arena grow as the square of the
 * replicas (1 master x 500 replicas overflowed it). Between two calls of one
 * batch the only change is the replica added; core__flush_config_settle() ends
 * the batch. */
void core__flush_config_later(struct core_sentinel *s, uint32_t mslot);
void core__flush_config_settle(struct core_sentinel *s);
/* Generates the `sentinel` lines into s->conf_scratch (*len bytes); CORE_E_LIMIT if
 * they exceed config_bytes_max. */
int core__config_generate(struct core_sentinel *s, size_t *len);
/* The cache of generated blocks: core__gen_cache_bytes() zeroed bytes for these limits,
 * set up by core__gen_cache_init(). */
size_t core__gen_cache_bytes(const struct core_limits *l);
struct core__gen_cache *core__gen_cache_init(void *mem, const struct core_limits *l);

/* ---------------------------------------------------------------- commands */

void core__on_command(struct core_sentinel *s, const struct core_input *in);
void core__cmd_sentinel(struct core_sentinel *s,
                        uint64_t client,
                        uint32_t argc,
                        const char *const *argv,
                        const size_t *argv_len);
void core__cmd_sentinel_set(struct core_sentinel *s,
                            uint64_t client,
                            uint32_t argc,
                            const char *const *argv,
                            const size_t *argv_len);
void core__cmd_sentinel_config(struct core_sentinel *s,
                               uint64_t client,
                               uint32_t argc,
                               const char *const *argv,
                               const size_t *argv_len);
void core__cmd_sentinel_debug(struct core_sentinel *s,
                              uint64_t client,
                              uint32_t argc,
                              const char *const *argv);
void core__cmd_info(struct core_sentinel *s,
                    uint64_t client,
                    uint32_t argc,
                    const char *const *argv);
void core__reply_instance(struct core_sentinel *s, struct core_reply *r, uint32_t inst);
bool core__parse_ll(const char *str, size_t len, int64_t *out);

/* ---------------------------------------------------------------- sentinel.c */

uint32_t core__insts_per_master(const struct core_sentinel *s);
int64_t core__atoi(const char *str);
int core__strcasecmp(const char *a, const char *b);

#endif
