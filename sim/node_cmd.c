/* node_cmd.c: what a simulated data node answers, and its INFO text.
 *
 * Method: a command is checked in the order redis-server's processCommand
 * checks it (unknown command, authentication, MULTI queueing, -LOADING for
 * commands not allowed while loading, -MASTERDOWN for stale replicas), then
 * executed against the replication model of node.c. Replies use Redis
 * 7.0's exact texts. INFO renders the server and replication sections
 * with the same fields in the same order as a real 7.0.15 node (observed
 * with redis-cli), since Sentinel parses them line by line.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/check.h"
#include "sim/world.h"

#define EXEC_MAX 16

/* One command's reply, with room for its text and a small array. */
struct res {
    struct core_reply r;
    char text[256];
    struct core_reply els[3];
};

static void res_status(struct res *res, enum core_reply_type type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void res_status(struct res *res, enum core_reply_type type, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(res->text, sizeof(res->text), fmt, ap);
    va_end(ap);
    SIM_ASSERT(n >= 0);
    res->r = (struct core_reply){.type = type, .str = res->text, .len = strlen(res->text)};
}

static void res_int(struct res *res, int64_t v) {
    res->r = (struct core_reply){.type = CORE_REPLY_INTEGER, .integer = v};
}

static bool is(const char *a, const char *b) {
    return strcasecmp(a, b) == 0;
}

static uint32_t digits(uint64_t v) {
    uint32_t n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* The size of a command in the replication stream (RESP multibulk). */
static uint32_t resp_len(uint32_t argc, const size_t *argv_len) {
    uint32_t n = 1 + digits(argc) + 2; /* "*<argc>\r\n" */
    for (uint32_t i = 0; i < argc; i++) {
        n += 1 + digits(argv_len[i]) + 2 + (uint32_t)argv_len[i] + 2; /* "$<len>\r\n<arg>\r\n" */
    }
    return n;
}

/* ---------------------------------------------------------------- INFO */

/* INFO is asked for by every sentinel of every instance every few seconds,
 * and a master's lists all its replicas: the text is assembled from fixed
 * pieces and decimal numbers, without a printf pass per line. */
struct text {
    char *buf;
    size_t cap;
    size_t len;
};

static void add_bytes(struct text *t, const char *s, size_t n) {
    SIM_ASSERT(n < t->cap - t->len); /* INFO larger than CORE_INFO_BYTES_MAX */
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void add(struct text *t, const char *s) {
    add_bytes(t, s, strlen(s));
}

static void add_u64(struct text *t, uint64_t v) {
    char d[20];
    size_t n = sizeof(d);
    do {
        d[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    add_bytes(t, d + n, sizeof(d) - n);
}

static void add_i64(struct text *t, int64_t v) {
    if (v < 0) { add(t, "-"); }
    add_u64(t, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

/* "<key><v>\r\n", key including its colon. */
static void line_u64(struct text *t, const char *key, uint64_t v) {
    add(t, key);
    add_u64(t, v);
    add(t, "\r\n");
}

static void line_i64(struct text *t, const char *key, int64_t v) {
    add(t, key);
    add_i64(t, v);
    add(t, "\r\n");
}

static void line_str(struct text *t, const char *key, const char *v) {
    add(t, key);
    add(t, v);
    add(t, "\r\n");
}

static void info_server(struct sim_world *w, uint32_t i, struct text *t) {
    const struct sim_node *n = &w->nodes[i];
    uint64_t unix_ms = SIM_EPOCH_MS + w->now_ms;
    uint64_t up_s = (w->now_ms - n->started_ms) / 1000;
    add(t, "# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n"
           "redis_build_id:ae4d7c971a948f0\r\nredis_mode:standalone\r\n"
           "os:Linux 6.1.0 x86_64\r\narch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\n"
           "multiplexing_api:epoll\r\natomicvar_api:c11-builtin\r\ngcc_version:12.2.0\r\n");
    line_u64(t, "process_id:", 1000 + n->proc);
    add(t, "process_supervised:no\r\n");
    line_str(t, "run_id:", n->run_id);
    line_u64(t, "tcp_port:", w->procs[n->proc].port);
    line_u64(t, "server_time_usec:", unix_ms * 1000);
    line_u64(t, "uptime_in_seconds:", up_s);
    line_u64(t, "uptime_in_days:", up_s / 86400);
    add(t, "hz:10\r\nconfigured_hz:10\r\n");
    line_u64(t, "lru_clock:", (unix_ms / 1000) & ((1 << 24) - 1));
    add(t, "executable:/usr/bin/redis-server\r\nconfig_file:/tmp/sentsim/");
    add(t, w->procs[n->proc].name);
    add(t, ".conf\r\nio_threads_active:0\r\n");
}

static void info_clients(struct sim_world *w, uint32_t i, struct text *t) {
    uint32_t clients = 0;
    for (uint32_t e = w->procs[w->nodes[i].proc].conns; e != SIM_NONE;
         e = w->conns[e >> 1].next[e & 1]) {
        clients += (e & 1) == SIM_END_SERVER;
    }
    line_u64(t, "# Clients\r\nconnected_clients:", clients);
    add(t, "cluster_connections:0\r\nmaxclients:10000\r\n"
           "client_recent_max_input_buffer:20480\r\nclient_recent_max_output_buffer:0\r\n"
           "blocked_clients:0\r\ntracking_clients:0\r\nclients_in_timeout_table:0\r\n");
}

static void info_replica_lines(struct sim_world *w, const struct sim_node *n, struct text *t) {
    bool up = n->repl == SIM_REPL_CONNECTED;
    bool transfer = n->repl == SIM_REPL_SYNC && n->full_sync;
    line_str(t, "master_host:", n->conf.replicaof_host);
    line_u64(t, "master_port:", n->conf.replicaof_port);
    line_str(t, "master_link_status:", up ? "up" : "down");
    line_i64(
        t, "master_last_io_seconds_ago:", up ? (int64_t)((w->now_ms - n->last_io_ms) / 1000) : -1);
    line_u64(t, "master_sync_in_progress:", transfer ? 1 : 0);
    uint64_t off = n->offset > 0 || n->ever_synced ? n->offset : 1;
    line_u64(t, "slave_read_repl_offset:", off);
    line_u64(t, "slave_repl_offset:", off);
    if (transfer) {
        add(t, "master_sync_total_bytes:-1\r\nmaster_sync_read_bytes:0\r\n"
               "master_sync_left_bytes:-1\r\nmaster_sync_perc:-0.00\r\n"
               "master_sync_last_io_seconds_ago:0\r\n");
    }
    if (!up) {
        int64_t since =
            n->down_since_ms < 0 ? -1 : (int64_t)(w->now_ms - (uint64_t)n->down_since_ms) / 1000;
        line_i64(t, "master_link_down_since_seconds:", since);
    }
    line_u64(t, "slave_priority:", n->conf.priority);
    add(t, "slave_read_only:1\r\n");
    line_u64(t, "replica_announced:", n->conf.announced ? 1 : 0);
}

static void info_slave_line(struct sim_world *w,
                            uint32_t k,
                            const struct sim_node *rn,
                            struct text *t) {
    const char *state = rn->repl == SIM_REPL_CONNECTED ? "online"
                        : rn->full_sync                ? "wait_bgsave"
                                                       : "online";
    uint64_t lag =
        rn->unreach_since_ms == UINT64_MAX ? 0 : (w->now_ms - rn->unreach_since_ms) / 1000;
    add(t, "slave");
    add_u64(t, k);
    add(t, ":ip=" SIM_IP ",port=");
    add_u64(t, w->procs[rn->proc].port);
    add(t, ",state=");
    add(t, state);
    add(t, ",offset=");
    add_u64(t, rn->offset);
    line_u64(t, ",lag=", lag);
}

static void info_replication(struct sim_world *w, uint32_t i, struct text *t) {
    const struct sim_node *n = &w->nodes[i];
    line_str(t, "# Replication\r\nrole:", n->conf.replicaof_port == 0 ? "master" : "slave");
    if (n->conf.replicaof_port != 0) { info_replica_lines(w, n, t); }
    uint32_t count = 0;
    for (uint32_t r = n->rep_head; r != SIM_NONE; r = w->nodes[r].rep_next) {
        count++;
    }
    line_u64(t, "connected_slaves:", count);
    uint32_t k = 0;
    for (uint32_t r = n->rep_head; r != SIM_NONE; r = w->nodes[r].rep_next, k++) {
        info_slave_line(w, k, &w->nodes[r], t);
    }
    add(t, "master_failover_state:no-failover\r\n");
    line_str(t, "master_replid:", n->replid);
    line_str(t, "master_replid2:", n->replid2);
    line_u64(t, "master_repl_offset:", n->offset);
    line_i64(t, "second_repl_offset:", n->second_off < 0 ? (int64_t)-1 : n->second_off + 1);
    add(t, "repl_backlog_active:1\r\nrepl_backlog_size:1048576\r\n"
           "repl_backlog_first_byte_offset:1\r\n");
    line_u64(t, "repl_backlog_histlen:", n->offset);
}

uint32_t sim__node_info(
    struct sim_world *w, uint32_t i, const char *section, char *buf, size_t cap) {
    struct text t = {buf, cap, 0};
    bool all = section == NULL || is(section, "default") || is(section, "all") ||
               is(section, "everything");
    if (all || is(section, "server")) { info_server(w, i, &t); }
    if (all || is(section, "clients")) {
        if (t.len > 0) { add(&t, "\r\n"); }
        info_clients(w, i, &t);
    }
    if (all || is(section, "replication")) {
        if (t.len > 0) { add(&t, "\r\n"); }
        info_replication(w, i, &t);
    }
    return (uint32_t)t.len;
}

/* ---------------------------------------------------------------- commands */

struct call {
    uint32_t conn; /* SIM_NONE for the harness */
    uint32_t argc;
    const char *const *argv;
    const size_t *argv_len;
};

static uint32_t client_kill(struct sim_world *w, uint32_t i, uint32_t self, bool pubsub) {
    uint32_t killed = 0;
    uint32_t e = w->procs[w->nodes[i].proc].conns;
    while (e != SIM_NONE) {
        uint32_t c = e >> 1;
        enum sim_end end = (enum sim_end)(e & 1);
        e = w->conns[c].next[end];
        if (end != SIM_END_SERVER || c == self || w->conns[c].subscribed != pubsub) { continue; }
        sim__net_close(w, c, SIM_END_SERVER);
        killed++;
    }
    return killed;
}

static void cmd_client(struct sim_world *w, uint32_t i, const struct call *k, struct res *res) {
    if (k->argc >= 2 && is(k->argv[1], "setname") && k->argc == 3) {
        res_status(res, CORE_REPLY_STATUS, "OK");
    } else if (k->argc == 4 && is(k->argv[1], "kill") && is(k->argv[2], "type")) {
        if (is(k->argv[3], "normal") || is(k->argv[3], "pubsub")) {
            res_int(res, client_kill(w, i, k->conn, is(k->argv[3], "pubsub")));
        } else if (is(k->argv[3], "master") || is(k->argv[3], "replica") ||
                   is(k->argv[3], "slave")) {
            res_int(res, 0);
        } else {
            res_status(res, CORE_REPLY_ERROR, "ERR Unknown client type '%s'", k->argv[3]);
        }
    } else {
        res_status(res, CORE_REPLY_ERROR, "ERR unknown subcommand '%s'. Try CLIENT HELP.",
                   k->argc >= 2 ? k->argv[1] : "");
    }
}

static void cmd_replicaof(struct sim_world *w, uint32_t i, const struct call *k, struct res *res) {
    struct sim_node *n = &w->nodes[i];
    if (k->argc != 3) {
        res_status(res, CORE_REPLY_ERROR, "ERR wrong number of arguments for '%s' command",
                   k->argv[0]);
        return;
    }
    if (is(k->argv[1], "no") && is(k->argv[2], "one")) {
        sim__node_replicaof(w, i, NULL, 0, k->conn);
        res_status(res, CORE_REPLY_STATUS, "OK");
        return;
    }
    char *end;
    long port = strtol(k->argv[2], &end, 10);
    if (*end != '\0' || port < 0 || port > 65535) {
        res_status(res, CORE_REPLY_ERROR, "ERR Invalid master port");
        return;
    }
    if (n->conf.replicaof_port == port && is(n->conf.replicaof_host, k->argv[1])) {
        sim__node_log(w, i, REP_LEVEL_NOTICE,
                      "REPLICAOF would result into synchronization with the master we are "
                      "already connected with. No operation performed.");
        res_status(res, CORE_REPLY_STATUS, "OK Already connected to specified master");
        return;
    }
    SIM_ASSERT(strlen(k->argv[1]) < CORE_IP_MAX);
    sim__node_replicaof(w, i, k->argv[1], (uint16_t)port, k->conn);
    res_status(res, CORE_REPLY_STATUS, "OK");
}

static bool config_set(struct sim_node *n, const char *p, const char *v) {
    char *end;
    long num = strtol(v, &end, 10);
    bool numeric = *end == '\0' && num >= 0;
    if ((is(p, "replica-priority") || is(p, "slave-priority")) && numeric) {
        n->conf.priority = (uint32_t)num;
    } else if ((is(p, "min-replicas-to-write") || is(p, "min-slaves-to-write")) && numeric) {
        n->conf.min_replicas = (uint32_t)num;
    } else if ((is(p, "min-replicas-max-lag") || is(p, "min-slaves-max-lag")) && numeric) {
        n->conf.min_replicas_max_lag_s = (uint32_t)num;
    } else if (is(p, "replica-announced") && (is(v, "yes") || is(v, "no"))) {
        n->conf.announced = is(v, "yes");
    } else if ((is(p, "replica-serve-stale-data") || is(p, "slave-serve-stale-data")) &&
               (is(v, "yes") || is(v, "no"))) {
        n->conf.serve_stale = is(v, "yes");
    } else if (is(p, "requirepass") && strlen(v) < SCN_SECRET_MAX) {
        snprintf(n->conf.requirepass, sizeof(n->conf.requirepass), "%s", v);
    } else if (is(p, "masterauth") && strlen(v) < SCN_SECRET_MAX) {
        snprintf(n->conf.masterauth, sizeof(n->conf.masterauth), "%s", v);
    } else {
        return false;
    }
    return true;
}

static void cmd_config(struct sim_world *w, uint32_t i, const struct call *k, struct res *res) {
    struct sim_node *n = &w->nodes[i];
    if (k->argc == 2 && is(k->argv[1], "rewrite")) {
        n->saved = n->conf;
        sim__node_log(w, i, REP_LEVEL_NOTICE, "CONFIG REWRITE executed with success.");
        res_status(res, CORE_REPLY_STATUS, "OK");
    } else if (k->argc == 4 && is(k->argv[1], "set")) {
        if (config_set(n, k->argv[2], k->argv[3])) {
            res_status(res, CORE_REPLY_STATUS, "OK");
        } else {
            res_status(res, CORE_REPLY_ERROR,
                       "ERR Unknown option or number of arguments for CONFIG SET - '%s'",
                       k->argv[2]);
        }
    } else {
        res_status(res, CORE_REPLY_ERROR, "ERR unknown subcommand '%s'. Try CONFIG HELP.",
                   k->argc >= 2 ? k->argv[1] : "");
    }
}

static void cmd_set(struct sim_world *w, uint32_t i, const struct call *k, struct res *res) {
    struct sim_node *n = &w->nodes[i];
    if (k->argc < 3) {
        res_status(res, CORE_REPLY_ERROR, "ERR wrong number of arguments for 'set' command");
        return;
    }
    if (!sim__node_is_master(w, i)) {
        res_status(res, CORE_REPLY_ERROR, "READONLY You can't write against a read only replica.");
        return;
    }
    if (n->conf.min_replicas > 0 && sim__node_good_replicas(w, i) < n->conf.min_replicas) {
        res_status(res, CORE_REPLY_ERROR, "NOREPLICAS Not enough good replicas to write.");
        return;
    }
    uint64_t key = UINT64_MAX;
    if (strncmp(k->argv[1], "key:", 4) == 0) { key = strtoull(k->argv[1] + 4, NULL, 10); }
    sim__node_write(w, i, key, resp_len(k->argc, k->argv_len));
    res_status(res, CORE_REPLY_STATUS, "OK");
}

static void cmd_auth(struct sim_world *w, uint32_t i, const struct call *k, struct res *res) {
    const char *pass = w->nodes[i].conf.requirepass;
    if (k->argc < 2 || k->argc > 3) {
        res_status(res, CORE_REPLY_ERROR, "ERR wrong number of arguments for 'auth' command");
    } else if (pass[0] == '\0') {
        res_status(res, CORE_REPLY_ERROR,
                   "ERR AUTH <password> called without any password configured for the default "
                   "user. Are you sure your configuration is correct?");
    } else if ((k->argc == 3 && !is(k->argv[1], "default")) ||
               strcmp(k->argv[k->argc - 1], pass) != 0) {
        res_status(res, CORE_REPLY_ERROR,
                   "WRONGPASS invalid username-password pair or user is disabled.");
    } else {
        if (k->conn != SIM_NONE) { w->conns[k->conn].authed = true; }
        res_status(res, CORE_REPLY_STATUS, "OK");
    }
}

static void cmd_subscribe(struct sim_world *w, const struct call *k, struct res *res) {
    if (k->conn != SIM_NONE) { sim__net_subscribe(w, k->conn); }
    res->els[0] = (struct core_reply){.type = CORE_REPLY_BULK, .str = "subscribe", .len = 9};
    snprintf(res->text, sizeof(res->text), "%s", k->argc >= 2 ? k->argv[1] : "");
    res->els[1] =
        (struct core_reply){.type = CORE_REPLY_BULK, .str = res->text, .len = strlen(res->text)};
    res->els[2] = (struct core_reply){.type = CORE_REPLY_INTEGER, .integer = 1};
    res->r = (struct core_reply){.type = CORE_REPLY_ARRAY, .elements = res->els, .elements_len = 3};
}

static bool allowed_while_loading(const char *cmd) {
    static const char *const ok[] = {"info",  "auth", "client",  "subscribe", "publish", "config",
                                     "multi", "exec", "discard", "shutdown",  "hello"};
    for (size_t j = 0; j < sizeof(ok) / sizeof(ok[0]); j++) {
        if (is(cmd, ok[j])) { return true; }
    }
    return false;
}

static bool known(const char *cmd) {
    static const char *const names[] = {"auth",      "ping",   "info", "client",  "subscribe",
                                        "publish",   "multi",  "exec", "discard", "slaveof",
                                        "replicaof", "config", "set",  "get",     "shutdown",
                                        "script",    "hello"};
    for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
        if (is(cmd, names[j])) { return true; }
    }
    return false;
}

static void unknown(const struct call *k, struct res *res) {
    char args[160] = "";
    size_t len = 0;
    for (uint32_t a = 1; a < k->argc && len < sizeof(args) - 1; a++) {
        int n = snprintf(args + len, sizeof(args) - len, "'%.40s' ", k->argv[a]);
        if (n < 0) { break; }
        len += (size_t)n;
    }
    res_status(res, CORE_REPLY_ERROR, "ERR unknown command '%.64s', with args beginning with: %s",
               k->argv[0], args);
}

/* Runs one command (not MULTI bookkeeping). Returns false if the node stopped. */
static bool execute(struct sim_world *w, uint32_t i, const struct call *k, struct res *res) {
    struct sim_node *n = &w->nodes[i];
    const char *cmd = k->argv[0];
    bool loading = w->now_ms < n->loading_until_ms;
    if (loading && !allowed_while_loading(cmd)) {
        res_status(res, CORE_REPLY_ERROR, "LOADING Redis is loading the dataset in memory");
        return true;
    }
    if (is(cmd, "ping")) {
        bool stale = n->conf.replicaof_port != 0 && n->repl != SIM_REPL_CONNECTED;
        if (stale && !n->conf.serve_stale) {
            res_status(res, CORE_REPLY_ERROR,
                       "MASTERDOWN Link with MASTER is down and "
                       "replica-serve-stale-data is set to 'no'.");
        } else if (k->argc == 2) {
            res_status(res, CORE_REPLY_BULK, "%s", k->argv[1]);
        } else {
            res_status(res, CORE_REPLY_STATUS, "PONG");
        }
    } else if (is(cmd, "info")) {
        uint32_t len =
            sim__node_info(w, i, k->argc >= 2 ? k->argv[1] : NULL, w->textbuf, CORE_INFO_BYTES_MAX);
        res->r = (struct core_reply){.type = CORE_REPLY_BULK, .str = w->textbuf, .len = len};
    } else if (is(cmd, "auth")) {
        cmd_auth(w, i, k, res);
    } else if (is(cmd, "client")) {
        cmd_client(w, i, k, res);
    } else if (is(cmd, "subscribe")) {
        cmd_subscribe(w, k, res);
    } else if (is(cmd, "publish") && k->argc == 3) {
        uint32_t bytes = resp_len(k->argc, k->argv_len);
        res_int(res, sim__node_publish(w, i, k->argv[1], k->argv_len[1], k->argv[2], k->argv_len[2],
                                       bytes));
    } else if (is(cmd, "slaveof") || is(cmd, "replicaof")) {
        cmd_replicaof(w, i, k, res);
    } else if (is(cmd, "config")) {
        cmd_config(w, i, k, res);
    } else if (is(cmd, "set")) {
        cmd_set(w, i, k, res);
    } else if (is(cmd, "get") && k->argc == 2) {
        uint64_t key =
            strncmp(k->argv[1], "key:", 4) == 0 ? strtoull(k->argv[1] + 4, NULL, 10) : UINT64_MAX;
        if (key != UINT64_MAX && sim__node_has_write(w, i, key)) {
            res_status(res, CORE_REPLY_BULK, "%" PRIu64, key);
        } else {
            res->r = (struct core_reply){.type = CORE_REPLY_NIL};
        }
    } else if (is(cmd, "script")) {
        res_status(res, CORE_REPLY_ERROR, "NOTBUSY No scripts in execution right now.");
    } else if (is(cmd, "shutdown")) {
        sim__node_log(w, i, REP_LEVEL_WARNING, "User requested shutdown...");
        sim__node_log(w, i, REP_LEVEL_WARNING, "Redis is now ready to exit, bye bye...");
        sim__node_stop(w, i);
        return false;
    } else {
        res_status(res, CORE_REPLY_ERROR, "ERR wrong number of arguments for '%s' command", cmd);
    }
    return true;
}

static void send_reply(struct sim_world *w,
                       uint32_t conn,
                       uint64_t cmd,
                       const struct core_reply *r) {
    uint32_t len = sim__encode_reply(w->scratch, SIM_SCRATCH_BYTES, r);
    sim__net_send(w, conn, SIM_END_SERVER, SIM_MSG_REPLY, cmd, w->scratch, len);
}

/* Queues a command inside MULTI; false when the queue is full (our bound:
 * Sentinel's transaction has 5 commands, Redis itself has none). */
static bool queue_multi(struct sim_world *w, uint32_t conn, uint32_t msg) {
    struct sim_session *ss = &w->sessions[conn];
    if (ss->multi_len >= EXEC_MAX) { return false; }
    uint32_t copy = sim__msg_clone(w, msg);
    if (ss->multi_tail == SIM_NONE) {
        ss->multi_head = copy;
    } else {
        w->msgs[ss->multi_tail].next = copy;
    }
    ss->multi_tail = copy;
    ss->multi_len++;
    return true;
}

/* EXEC: runs the queued commands; returns false if the node stopped. */
static bool exec_multi(struct sim_world *w, uint32_t i, uint32_t conn, uint64_t cmd) {
    struct sim_session *ss = &w->sessions[conn];
    static struct res results[EXEC_MAX];
    struct core_reply els[EXEC_MAX];
    uint32_t n = 0;
    uint32_t gen = w->conns[conn].gen;
    w->conns[conn].in_multi = false;
    uint32_t m = ss->multi_head;
    ss->multi_head = ss->multi_tail = SIM_NONE;
    ss->multi_len = 0;
    bool alive = true;
    while (m != SIM_NONE) {
        uint32_t next = w->msgs[m].next;
        if (alive) {
            const char *argv[SIM_ARGV_MAX];
            size_t argv_len[SIM_ARGV_MAX];
            const uint8_t *p = sim__msg_payload(w, m);
            uint32_t argc = sim__decode_argv(p, w->msgs[m].len, argv, argv_len, SIM_ARGV_MAX);
            struct call k = {conn, argc, argv, argv_len};
            if (is(argv[0], "info")) {
                res_status(&results[n], CORE_REPLY_ERROR, "ERR INFO inside MULTI: not modelled");
            } else {
                alive = execute(w, i, &k, &results[n]);
            }
            els[n] = results[n].r;
            n++;
        }
        sim__msg_free(w, m);
        m = next;
    }
    if (!alive || !sim__conn_live(w, conn, gen) || !w->conns[conn].open[SIM_END_SERVER]) {
        return alive;
    }
    struct core_reply arr = {.type = CORE_REPLY_ARRAY, .elements = els, .elements_len = n};
    send_reply(w, conn, cmd, &arr);
    return true;
}

void sim__node_command(struct sim_world *w, uint32_t i, uint32_t conn, uint32_t msg) {
    struct sim_node *n = &w->nodes[i];
    struct sim_conn *c = &w->conns[conn];
    const char *argv[SIM_ARGV_MAX];
    size_t argv_len[SIM_ARGV_MAX];
    const uint8_t *p = sim__msg_payload(w, msg);
    uint32_t argc = sim__decode_argv(p, w->msgs[msg].len, argv, argv_len, SIM_ARGV_MAX);
    uint64_t cmd = w->msgs[msg].cmd;
    struct call k = {conn, argc, argv, argv_len};
    struct res res;
    SIM_ASSERT(argc > 0);
    if (!known(argv[0])) {
        unknown(&k, &res);
    } else if (n->conf.requirepass[0] != '\0' && !c->authed && !is(argv[0], "auth") &&
               !is(argv[0], "hello")) {
        res_status(&res, CORE_REPLY_ERROR, "NOAUTH Authentication required.");
    } else if (is(argv[0], "multi")) {
        c->in_multi = true;
        res_status(&res, CORE_REPLY_STATUS, "OK");
    } else if (is(argv[0], "exec")) {
        if (!c->in_multi) {
            res_status(&res, CORE_REPLY_ERROR, "ERR EXEC without MULTI");
        } else {
            exec_multi(w, i, conn, cmd);
            return;
        }
    } else if (c->in_multi && !is(argv[0], "discard")) {
        if (queue_multi(w, conn, msg)) {
            res_status(&res, CORE_REPLY_STATUS, "QUEUED");
        } else {
            res_status(&res, CORE_REPLY_ERROR, "ERR sentsim: more than %d commands in MULTI",
                       EXEC_MAX);
        }
    } else if (is(argv[0], "discard")) {
        res_status(&res, c->in_multi ? CORE_REPLY_STATUS : CORE_REPLY_ERROR,
                   c->in_multi ? "OK" : "ERR DISCARD without MULTI");
        c->in_multi = false;
    } else if (!execute(w, i, &k, &res)) {
        return;
    }
    send_reply(w, conn, cmd, &res.r);
}

void sim__reply_render(const struct core_reply *r, char *out, size_t cap) {
    switch (r->type) {
    case CORE_REPLY_STATUS:
        snprintf(out, cap, "+%.*s", (int)r->len, r->str);
        return;
    case CORE_REPLY_ERROR:
        snprintf(out, cap, "-%.*s", (int)r->len, r->str);
        return;
    case CORE_REPLY_BULK:
        snprintf(out, cap, "$%.*s", (int)r->len, r->str);
        return;
    case CORE_REPLY_INTEGER:
        snprintf(out, cap, ":%" PRId64, r->integer);
        return;
    case CORE_REPLY_NIL:
        snprintf(out, cap, "$-1");
        return;
    case CORE_REPLY_ARRAY:
        snprintf(out, cap, "*%zu", r->elements_len);
        return;
    case CORE_REPLY_NIL_ARRAY:
        snprintf(out, cap, "*-1");
        return;
    }
    SIM_UNREACHABLE();
}

void sim__node_harness(struct sim_world *w,
                       uint32_t i,
                       uint32_t argc,
                       const char *const *argv,
                       char *reply,
                       size_t cap) {
    size_t argv_len[SIM_ARGV_MAX];
    SIM_ASSERT(argc > 0 && argc <= SIM_ARGV_MAX);
    SIM_ASSERT(reply != NULL && cap > 0);
    for (uint32_t a = 0; a < argc; a++) {
        argv_len[a] = strlen(argv[a]);
    }
    struct call k = {SIM_NONE, argc, argv, argv_len};
    struct res res;
    if (!w->procs[w->nodes[i].proc].up || w->procs[w->nodes[i].proc].paused) {
        snprintf(reply, cap, "(process not running)");
        return;
    }
    if (!known(argv[0])) {
        unknown(&k, &res);
    } else if (!execute(w, i, &k, &res)) {
        snprintf(reply, cap, "(the node stopped)");
        return;
    }
    sim__reply_render(&res.r, reply, cap);
}
