/* cmd_sentinel.c: the SENTINEL subcommands (spec §12.1-§12.5, §7.2.3).
 *
 * Method: mirrors sentinelCommand(): an arity table like Redis 7.0's
 * subcommand table (errors name 'sentinel|<sub>'), then one small function
 * per subcommand. SET, CONFIG and DEBUG live in cmd_set.c, the instance
 * maps and INFO in cmd_show.c.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/glob.h"
#include "core/internal.h"

struct ctx {
    struct core_sentinel *s;
    uint64_t client;
    uint32_t argc;
    const char *const *argv;
    const size_t *argv_len;
};

static struct core_reply *reply_new(struct ctx *c) {
    CORE_ASSERT(c != NULL);
    CORE_ASSERT(c->s != NULL);
    return core__r_new(c->s, 1);
}

static void send_reply(struct ctx *c, struct core_reply *r) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(c != NULL);
    core__out_reply(c->s, c->client, r);
}

static void error(struct ctx *c, const char *msg) {
    CORE_ASSERT(c != NULL);
    struct core_reply *r = reply_new(c);
    CORE_ASSERT(msg != NULL);
    core__r_error(c->s, r, "%s", msg);
    send_reply(c, r);
}

static void status(struct ctx *c, const char *msg) {
    CORE_ASSERT(c != NULL);
    struct core_reply *r = reply_new(c);
    CORE_ASSERT(msg != NULL);
    core__r_status(c->s, r, msg);
    send_reply(c, r);
}

/* Replies "OK" or the flush error, like sentinelFlushConfigAndReply(). */
static void flush_and_reply(struct ctx *c) {
    CORE_ASSERT(c != NULL);
    CORE_ASSERT(c->s->started);
    if (core__flush_config_rc(c->s) != 0) {
        error(c, "ERR Failed to save config file. Check server logs.");
    } else {
        status(c, "OK");
    }
}

static uint32_t master_or_error(struct ctx *c, uint32_t i) {
    CORE_ASSERT(c->argv_len != NULL);
    CORE_ASSERT(i < c->argc);
    uint32_t mslot = core__master_by_name(c->s, c->argv[i], c->argv_len[i]);
    if (mslot == CORE__NONE) { error(c, "ERR No such master with that name"); }
    return mslot;
}

/* ---------------------------------------------------------------- subcommands */

static void sub_masters(struct ctx *c) {
    CORE_ASSERT(c->s->started);
    struct core_reply *r = reply_new(c);
    struct core_reply *e = core__r_array(c->s, r, c->s->nmasters);
    CORE_ASSERT(c->argc == 2);
    for (uint32_t k = 0; k < c->s->nmasters; k++) {
        core__reply_instance(c->s, &e[k], c->s->masters[c->s->order[k]].inst);
    }
    send_reply(c, r);
}

static void sub_master(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    uint32_t mslot = master_or_error(c, 2);
    if (mslot == CORE__NONE) { return; }
    struct core_reply *r = reply_new(c);
    core__reply_instance(c->s, r, c->s->masters[mslot].inst);
    send_reply(c, r);
}

static void sub_replicas(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    uint32_t mslot = master_or_error(c, 2);
    if (mslot == CORE__NONE) { return; }
    struct core__master *m = &c->s->masters[mslot];
    uint32_t n = 0;
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        if (core__inst(c->s, m->replicas[k])->replica_announced != 0) { n++; }
    }
    struct core_reply *r = reply_new(c);
    struct core_reply *e = core__r_array(c->s, r, n);
    n = 0;
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        if (core__inst(c->s, m->replicas[k])->replica_announced == 0) { continue; }
        core__reply_instance(c->s, &e[n++], m->replicas[k]);
    }
    send_reply(c, r);
}

static void sub_sentinels(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    uint32_t mslot = master_or_error(c, 2);
    if (mslot == CORE__NONE) { return; }
    struct core__master *m = &c->s->masters[mslot];
    struct core_reply *r = reply_new(c);
    struct core_reply *e = core__r_array(c->s, r, m->nsentinels);
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        core__reply_instance(c->s, &e[k], m->sentinels[k]);
    }
    send_reply(c, r);
}

static void sub_myid(struct ctx *c) {
    CORE_ASSERT(c->s->started);
    struct core_reply *r = reply_new(c);
    CORE_ASSERT(c->argc == 2);
    core__r_bulkz(c->s, r, c->s->myid);
    send_reply(c, r);
}

static void sub_get_master_addr(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    struct core_reply *r = reply_new(c);
    uint32_t mslot = core__master_by_name(c->s, c->argv[2], c->argv_len[2]);
    if (mslot == CORE__NONE) {
        r->type = CORE_REPLY_NIL_ARRAY;
    } else {
        struct core__addr a = core__current_master_addr(c->s, mslot);
        struct core_reply *e = core__r_array(c->s, r, 2);
        core__r_bulkz(c->s, &e[0], core__announce_ip(&a));
        core__r_bulkf(c->s, &e[1], "%u", a.port);
    }
    send_reply(c, r);
}

/* Mirrors the IS-MASTER-DOWN-BY-ADDR branch of sentinelCommand() (§7.2.3). */
static void sub_is_master_down(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    int64_t port, epoch;
    if (!core__parse_ll(c->argv[3], c->argv_len[3], &port) ||
        !core__parse_ll(c->argv[4], c->argv_len[4], &epoch)) {
        error(c, "ERR value is not an integer or out of range");
        return;
    }
    struct core_sentinel *s = c->s;
    uint32_t found = CORE__NONE;
    for (uint32_t k = 0; k < s->nmasters && found == CORE__NONE; k++) {
        struct core__inst *mi = core__minst(s, &s->masters[s->order[k]]);
        if (mi->addr.port == port && core__strcasecmp(mi->addr.ip, c->argv[2]) == 0) {
            found = s->order[k];
        }
    }
    bool down = !s->tilt && found != CORE__NONE &&
                (core__minst(s, &s->masters[found])->flags & CORE__F_S_DOWN);
    const char *leader = NULL;
    uint64_t leader_epoch = 0;
    if (found != CORE__NONE && !(c->argv_len[5] == 1 && c->argv[5][0] == '*')) {
        leader = core__vote_leader(s, found, (uint64_t)epoch, c->argv[5], &leader_epoch);
    }
    struct core_reply *r = reply_new(c);
    struct core_reply *e = core__r_array(s, r, 3);
    core__r_int(&e[0], down ? 1 : 0);
    core__r_bulkz(s, &e[1], leader != NULL && leader[0] != '\0' ? leader : "*");
    core__r_int(&e[2], (int64_t)leader_epoch);
    send_reply(c, r);
}

/* Mirrors the MONITOR branch (§12.3). */
static void sub_monitor(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    int64_t quorum, port;
    struct core_sentinel *s = c->s;
    if (!core__parse_ll(c->argv[5], c->argv_len[5], &quorum)) {
        error(c, "ERR Invalid quorum");
        return;
    }
    if (!core__parse_ll(c->argv[4], c->argv_len[4], &port)) {
        error(c, "ERR Invalid port");
        return;
    }
    if (quorum <= 0) {
        error(c, "ERR Quorum must be 1 or greater.");
        return;
    }
    if (!s->resolve_hostnames && !core__ip_literal(c->argv[3])) {
        error(c, "ERR Invalid IP address or hostname specified");
        return;
    }
    uint32_t mslot;
    const char *err = NULL;
    if (core__create_master(s, c->argv[2], c->argv[3], port, quorum, &mslot, &err) != CORE_OK) {
        struct core_reply *r = reply_new(c);
        core__r_error(s, r, "ERR %s", err);
        send_reply(c, r);
        return;
    }
    flush_and_reply(c);
    core__event_atf(s, CORE_LEVEL_WARNING, "+monitor", s->masters[mslot].inst, " quorum %lld",
                    (long long)quorum);
}

static void sub_remove(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    uint32_t mslot = master_or_error(c, 2);
    if (mslot == CORE__NONE) { return; }
    core__event_at(c->s, CORE_LEVEL_WARNING, "-monitor", c->s->masters[mslot].inst);
    core__remove_master(c->s, mslot);
    flush_and_reply(c);
}

static void sub_failover(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    uint32_t mslot = master_or_error(c, 2);
    if (mslot == CORE__NONE) { return; }
    struct core_sentinel *s = c->s;
    struct core__inst *mi = core__minst(s, &s->masters[mslot]);
    if (mi->flags & CORE__F_FAILOVER_IN_PROGRESS) {
        error(c, "INPROG Failover already in progress");
        return;
    }
    if (core__select_slave(s, mslot) == CORE__NONE) {
        error(c, "NOGOODSLAVE No suitable replica to promote");
        return;
    }
    core__out_log(s, CORE_LEVEL_WARNING, "Executing user requested FAILOVER of '%s'", mi->name);
    core__start_failover(s, mslot);
    mi->flags |= CORE__F_FORCE_FAILOVER;
    status(c, "OK");
}

static void sub_reset(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    struct core_sentinel *s = c->s;
    int64_t n = 0;
    for (uint32_t k = 0; k < s->nmasters; k++) {
        uint32_t mslot = s->order[k];
        struct core__inst *mi = core__minst(s, &s->masters[mslot]);
        if (!core__glob_match(c->argv[2], c->argv_len[2], mi->name, strlen(mi->name), false)) {
            continue;
        }
        core__reset_master(s, mslot, false);
        core__event_at(s, CORE_LEVEL_WARNING, "+reset-master", s->masters[mslot].inst);
        n++;
    }
    struct core_reply *r = reply_new(c);
    core__r_int(r, n);
    send_reply(c, r);
}

/* Mirrors sentinelIsQuorumReachable() and the CKQUORUM branch (§12.5). */
static void sub_ckquorum(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    uint32_t mslot = master_or_error(c, 2);
    if (mslot == CORE__NONE) { return; }
    struct core__master *m = &c->s->masters[mslot];
    int64_t usable = 1, voters = m->nsentinels + 1;
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        if (!(core__inst(c->s, m->sentinels[k])->flags & (CORE__F_S_DOWN | CORE__F_O_DOWN))) {
            usable++;
        }
    }
    bool noquorum = usable < m->quorum, noauth = usable < voters / 2 + 1;
    struct core_reply *r = reply_new(c);
    if (!noquorum && !noauth) {
        char buf[128];
        snprintf(buf, sizeof(buf),
                 "OK %lld usable Sentinels. Quorum and failover authorization can be reached",
                 (long long)usable);
        core__r_status(c->s, r, buf);
    } else {
        core__r_error(c->s, r, "NOQUORUM %lld usable Sentinels. %s%s%s", (long long)usable,
                      noquorum ? "Not enough available Sentinels to reach the specified quorum "
                                 "for this master"
                               : "",
                      noquorum && noauth ? ". " : "",
                      noauth ? "Not enough available Sentinels to reach the majority and "
                               "authorize a failover"
                             : "");
    }
    send_reply(c, r);
}

static void sub_flushconfig(struct ctx *c) {
    CORE_ASSERT(c != NULL);
    CORE_ASSERT(c->argc == 2);
    flush_and_reply(c);
}

static void sub_pending_scripts(struct ctx *c) {
    CORE_ASSERT(c->s->started);
    struct core_reply *r = reply_new(c);
    CORE_ASSERT(c->argc == 2);
    core__r_array(c->s, r, 0);
    send_reply(c, r);
}

static void sub_simulate_failure(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    struct core_sentinel *s = c->s;
    s->simfailure = 0;
    for (uint32_t j = 2; j < c->argc; j++) {
        if (!strcasecmp(c->argv[j], "crash-after-election")) {
            s->simfailure |= CORE__SIMFAIL_CRASH_AFTER_ELECTION;
            core__out_log(s, CORE_LEVEL_WARNING,
                          "Failure simulation: this Sentinel will crash after being successfully "
                          "elected as failover leader");
        } else if (!strcasecmp(c->argv[j], "crash-after-promotion")) {
            s->simfailure |= CORE__SIMFAIL_CRASH_AFTER_PROMOTION;
            core__out_log(s, CORE_LEVEL_WARNING,
                          "Failure simulation: this Sentinel will crash after promoting the "
                          "selected replica to master");
        } else if (!strcasecmp(c->argv[j], "help")) {
            struct core_reply *r = reply_new(c);
            struct core_reply *e = core__r_array(s, r, 2);
            core__r_bulkz(s, &e[0], "crash-after-election");
            core__r_bulkz(s, &e[1], "crash-after-promotion");
            send_reply(c, r);
            return;
        } else {
            error(c, "ERR Unknown failure simulation specified");
            return;
        }
    }
    status(c, "OK");
}

/* ---------------------------------------------------------------- dispatch */

static void sub_info_cache(struct ctx *c);
static void sub_help(struct ctx *c);
static void sub_set(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    core__cmd_sentinel_set(c->s, c->client, c->argc, c->argv, c->argv_len);
}
static void sub_config(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    core__cmd_sentinel_config(c->s, c->client, c->argc, c->argv, c->argv_len);
}
static void sub_debug(struct ctx *c) {
    CORE_ASSERT(c->argc >= 2);
    CORE_ASSERT(c->s->started);
    core__cmd_sentinel_debug(c->s, c->client, c->argc, c->argv);
}

static const struct {
    const char *name;
    int arity;
    void (*fn)(struct ctx *c);
} subs[] = {
    {"ckquorum", 3, sub_ckquorum},
    {"config", -3, sub_config},
    {"debug", -2, sub_debug},
    {"failover", 3, sub_failover},
    {"flushconfig", 2, sub_flushconfig},
    {"get-master-addr-by-name", 3, sub_get_master_addr},
    {"help", 2, sub_help},
    {"info-cache", -3, sub_info_cache},
    {"is-master-down-by-addr", 6, sub_is_master_down},
    {"master", 3, sub_master},
    {"masters", 2, sub_masters},
    {"monitor", 6, sub_monitor},
    {"myid", 2, sub_myid},
    {"pending-scripts", 2, sub_pending_scripts},
    {"remove", 3, sub_remove},
    {"replicas", 3, sub_replicas},
    {"reset", 3, sub_reset},
    {"sentinels", 3, sub_sentinels},
    {"set", -5, sub_set},
    {"simulate-failure", -3, sub_simulate_failure},
    {"slaves", 3, sub_replicas},
};

void core__cmd_sentinel(struct core_sentinel *s,
                        uint64_t client,
                        uint32_t argc,
                        const char *const *argv,
                        const size_t *argv_len) {
    struct ctx c = {s, client, argc, argv, argv_len};
    CORE_ASSERT(argc >= 2);
    CORE_ASSERT(argv_len != NULL);
    for (size_t k = 0; k < sizeof(subs) / sizeof(subs[0]); k++) {
        if (strlen(subs[k].name) != argv_len[1] || strcasecmp(subs[k].name, argv[1]) != 0) {
            continue;
        }
        int a = subs[k].arity;
        if ((a > 0 && (int64_t)argc != a) || (a < 0 && (int64_t)argc < -a)) {
            struct core_reply *r = reply_new(&c);
            core__r_error(s, r, "ERR wrong number of arguments for 'sentinel|%s' command",
                          subs[k].name);
            send_reply(&c, r);
            return;
        }
        subs[k].fn(&c);
        return;
    }
    struct core_reply *r = reply_new(&c);
    core__r_error(s, r, "ERR unknown subcommand '%.*s'. Try SENTINEL HELP.",
                  (int)(argv_len[1] < 128 ? argv_len[1] : 128), argv[1]);
    send_reply(&c, r);
}

/* ---------------------------------------------------------------- INFO-CACHE, HELP */

static void info_pair(struct core_sentinel *s, struct core_reply *r, uint32_t inst, int64_t age) {
    CORE_ASSERT(r != NULL);
    struct core__inst *ri = core__inst(s, inst);
    struct core_reply *e = core__r_array(s, r, 2);
    CORE_ASSERT(e != NULL);
    core__r_int(&e[0], age);
    if (ri->has_info) {
        core__r_bulk(s, &e[1], s->info_slab + (size_t)inst * s->info_cache_bytes, ri->info_len);
    } else {
        core__r_nil(&e[1]);
    }
}

static void sub_info_cache(struct ctx *c) {
    struct core_sentinel *s = c->s;
    uint32_t *slots = core__arena_alloc(s, c->argc * sizeof(*slots)), n = 0;
    for (uint32_t j = 2; j < c->argc; j++) {
        uint32_t mslot = core__master_by_name(s, c->argv[j], c->argv_len[j]);
        bool dup = false;
        for (uint32_t k = 0; k < n; k++) {
            dup = dup || slots[k] == mslot;
        }
        if (mslot != CORE__NONE && !dup) { slots[n++] = mslot; }
    }
    size_t bytes = 0;
    for (uint32_t k = 0; k < n; k++) {
        bytes += (s->masters[slots[k]].nreplicas + 1u) * ((size_t)s->info_cache_bytes + 256u);
    }
    /* Cached INFO texts of a large deployment may not fit one step's arena. */
    if (bytes > s->lim.arena_bytes / 2) {
        error(c, "ERR INFO-CACHE reply too large for the core's output arena (sentsim limit)");
        return;
    }
    struct core_reply *r = reply_new(c);
    struct core_reply *e = core__r_array(s, r, (size_t)n * 2);
    for (uint32_t k = 0; k < n; k++) {
        struct core__master *m = &s->masters[slots[k]];
        struct core__inst *mi = core__minst(s, m);
        core__r_bulkz(s, &e[2 * k], mi->name);
        struct core_reply *list = core__r_array(s, &e[2 * k + 1], m->nreplicas + 1);
        info_pair(s, &list[0], m->inst, mi->info_refresh ? s->now - mi->info_refresh : 0);
        for (uint32_t j = 0; j < m->nreplicas; j++) {
            struct core__inst *ri = core__inst(s, m->replicas[j]);
            /* Upstream quirk: the replica's age is 0 if the master's INFO is. */
            info_pair(s, &list[j + 1], m->replicas[j],
                      mi->info_refresh ? s->now - ri->info_refresh : 0);
        }
    }
    send_reply(c, r);
}

static const char *const help_lines[] = {
    "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CKQUORUM <master-name>",
    "    Check if the current Sentinel configuration is able to reach the quorum",
    "    needed to failover a master and the majority needed to authorize the",
    "    failover.",
    "CONFIG SET <param> <value>",
    "    Set a global Sentinel configuration parameter.",
    "CONFIG GET <param>",
    "    Get global Sentinel configuration parameter.",
    "DEBUG [<param> <value> ...]",
    "    Show a list of configurable time parameters and their values (milliseconds).",
    "    Or update current configurable parameters values (one or more).",
    "GET-MASTER-ADDR-BY-NAME <master-name>",
    "    Return the ip and port number of the master with that name.",
    "FAILOVER <master-name>",
    "    Manually failover a master node without asking for agreement from other",
    "    Sentinels",
    "FLUSHCONFIG",
    "    Force Sentinel to rewrite its configuration on disk, including the current",
    "    Sentinel state.",
    "INFO-CACHE <master-name>",
    "    Return last cached INFO output from masters and all its replicas.",
    "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
    "    Check if the master specified by ip:port is down from current Sentinel's",
    "    point of view.",
    "MASTER <master-name>",
    "    Show the state and info of the specified master.",
    "MASTERS",
    "    Show a list of monitored masters and their state.",
    "MONITOR <name> <ip> <port> <quorum>",
    "    Start monitoring a new master with the specified name, ip, port and quorum.",
    "MYID",
    "    Return the ID of the Sentinel instance.",
    "PENDING-SCRIPTS",
    "    Get pending scripts information.",
    "REMOVE <master-name>",
    "    Remove master from Sentinel's monitor list.",
    "REPLICAS <master-name>",
    "    Show a list of replicas for this master and their state.",
    "RESET <pattern>",
    "    Reset masters for specific master name matching this pattern.",
    "SENTINELS <master-name>",
    "    Show a list of Sentinel instances for this master and their state.",
    "SET <master-name> <option> <value> [<option> <value> ...]",
    "    Set configuration parameters for certain masters.",
    "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
    "    Simulate a Sentinel crash.",
    "HELP",
    "    Print this help.",
};

static void sub_help(struct ctx *c) {
    CORE_ASSERT(c->argc == 2);
    size_t n = sizeof(help_lines) / sizeof(help_lines[0]);
    struct core_reply *r = reply_new(c);
    struct core_reply *e = core__r_array(c->s, r, n);
    CORE_ASSERT(e != NULL);
    for (size_t k = 0; k < n; k++) {
        core__r_status(c->s, &e[k], help_lines[k]);
    }
    send_reply(c, r);
}
