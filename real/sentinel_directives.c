/* sentinel_directives.c: which server directives redis-sentinel 7.0.15
 * accepts in its config file, and with which values.
 *
 * Method: the table below records facts about Redis 7.0.15's config
 * loader (every name its config table knows, aliases included, with the
 * kind of value and the range it accepts), obtained by feeding
 * redis-sentinel 7.0.15 one directive at a time with bad, negative and huge
 * values and reading its FATAL CONFIG FILE ERROR reasons. The checks reuse
 * those reasons word for word, so `sentsim sentinel --check-config` refuses
 * what redis-sentinel refuses, the same way. Directives the process acts on
 * (bind, dir, logfile, ...) are applied by sentinel_conf.c; the others are
 * only validated: a sentinel has no data, so they change nothing.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real/sentinel_directives.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "real/check.h"
#include "real/resp.h"

enum real__dir_kind {
    REAL__DIR_BOOL,
    REAL__DIR_INT,
    REAL__DIR_MEMORY,
    REAL__DIR_MEMORY_PERCENT,
    REAL__DIR_ENUM,
    REAL__DIR_OCTAL,
    REAL__DIR_STRING,
    REAL__DIR_SPECIAL, /* several words or a value checked by hand below */
};

struct real__dir {
    const char *name;
    enum real__dir_kind kind;
    int64_t min; /* REAL__DIR_INT */
    int64_t max;
    const char *values; /* REAL__DIR_ENUM: Redis's list, as in its message */
};

/* Sorted by name (bsearch). */
static const struct real__dir dirs[] = {
    {"acl-pubsub-default", REAL__DIR_ENUM, 0, 0, "allchannels, resetchannels"},
    {"aclfile", REAL__DIR_STRING, 0, 0, NULL},
    {"acllog-max-len", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"active-defrag-cycle-max", REAL__DIR_INT, 1, 99, NULL},
    {"active-defrag-cycle-min", REAL__DIR_INT, 1, 99, NULL},
    {"active-defrag-ignore-bytes", REAL__DIR_MEMORY, 0, 0, NULL},
    {"active-defrag-max-scan-fields", REAL__DIR_INT, 1, INT64_MAX, NULL},
    {"active-defrag-threshold-lower", REAL__DIR_INT, 0, 1000, NULL},
    {"active-defrag-threshold-upper", REAL__DIR_INT, 0, 1000, NULL},
    {"active-expire-effort", REAL__DIR_INT, 1, 10, NULL},
    {"activedefrag", REAL__DIR_BOOL, 0, 0, NULL},
    {"activerehashing", REAL__DIR_BOOL, 0, 0, NULL},
    {"always-show-logo", REAL__DIR_BOOL, 0, 0, NULL},
    {"aof-disable-auto-gc", REAL__DIR_BOOL, 0, 0, NULL},
    {"aof-load-truncated", REAL__DIR_BOOL, 0, 0, NULL},
    {"aof-rewrite-incremental-fsync", REAL__DIR_BOOL, 0, 0, NULL},
    {"aof-timestamp-enabled", REAL__DIR_BOOL, 0, 0, NULL},
    {"aof-use-rdb-preamble", REAL__DIR_BOOL, 0, 0, NULL},
    {"aof_rewrite_cpulist", REAL__DIR_STRING, 0, 0, NULL},
    {"appenddirname", REAL__DIR_STRING, 0, 0, NULL},
    {"appendfilename", REAL__DIR_STRING, 0, 0, NULL},
    {"appendfsync", REAL__DIR_ENUM, 0, 0, "everysec, always, no"},
    {"appendonly", REAL__DIR_BOOL, 0, 0, NULL},
    {"auto-aof-rewrite-min-size", REAL__DIR_MEMORY, 0, 0, NULL},
    {"auto-aof-rewrite-percentage", REAL__DIR_INT, 0, 2147483647, NULL},
    {"bgsave_cpulist", REAL__DIR_STRING, 0, 0, NULL},
    {"bind", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"bind-source-addr", REAL__DIR_STRING, 0, 0, NULL},
    {"bio_cpulist", REAL__DIR_STRING, 0, 0, NULL},
    {"busy-reply-threshold", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"client-output-buffer-limit", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"client-query-buffer-limit", REAL__DIR_MEMORY, 0, 0, NULL},
    {"cluster-allow-pubsubshard-when-down", REAL__DIR_BOOL, 0, 0, NULL},
    {"cluster-allow-reads-when-down", REAL__DIR_BOOL, 0, 0, NULL},
    {"cluster-allow-replica-migration", REAL__DIR_BOOL, 0, 0, NULL},
    {"cluster-announce-bus-port", REAL__DIR_INT, 0, 65535, NULL},
    {"cluster-announce-hostname", REAL__DIR_STRING, 0, 0, NULL},
    {"cluster-announce-ip", REAL__DIR_STRING, 0, 0, NULL},
    {"cluster-announce-port", REAL__DIR_INT, 0, 65535, NULL},
    {"cluster-announce-tls-port", REAL__DIR_INT, 0, 65535, NULL},
    {"cluster-config-file", REAL__DIR_STRING, 0, 0, NULL},
    {"cluster-enabled", REAL__DIR_BOOL, 0, 0, NULL},
    {"cluster-link-sendbuf-limit", REAL__DIR_MEMORY, 0, 0, NULL},
    {"cluster-migration-barrier", REAL__DIR_INT, 0, 2147483647, NULL},
    {"cluster-node-timeout", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"cluster-port", REAL__DIR_INT, 0, 65535, NULL},
    {"cluster-preferred-endpoint-type", REAL__DIR_ENUM, 0, 0, "ip, hostname, unknown-endpoint"},
    {"cluster-replica-no-failover", REAL__DIR_BOOL, 0, 0, NULL},
    {"cluster-replica-validity-factor", REAL__DIR_INT, 0, 2147483647, NULL},
    {"cluster-require-full-coverage", REAL__DIR_BOOL, 0, 0, NULL},
    {"cluster-slave-no-failover", REAL__DIR_BOOL, 0, 0, NULL},
    {"cluster-slave-validity-factor", REAL__DIR_INT, 0, 2147483647, NULL},
    {"crash-log-enabled", REAL__DIR_BOOL, 0, 0, NULL},
    {"crash-memcheck-enabled", REAL__DIR_BOOL, 0, 0, NULL},
    {"daemonize", REAL__DIR_BOOL, 0, 0, NULL},
    {"databases", REAL__DIR_INT, 1, 2147483647, NULL},
    {"dbfilename", REAL__DIR_STRING, 0, 0, NULL},
    {"dir", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"disable-thp", REAL__DIR_BOOL, 0, 0, NULL},
    {"dynamic-hz", REAL__DIR_BOOL, 0, 0, NULL},
    {"enable-debug-command", REAL__DIR_ENUM, 0, 0, "no, yes, local"},
    {"enable-module-command", REAL__DIR_ENUM, 0, 0, "no, yes, local"},
    {"enable-protected-configs", REAL__DIR_ENUM, 0, 0, "no, yes, local"},
    {"hash-max-listpack-entries", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"hash-max-listpack-value", REAL__DIR_MEMORY, 0, 0, NULL},
    {"hash-max-ziplist-entries", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"hash-max-ziplist-value", REAL__DIR_MEMORY, 0, 0, NULL},
    {"hll-sparse-max-bytes", REAL__DIR_MEMORY, 0, 0, NULL},
    {"hz", REAL__DIR_INT, 0, 2147483647, NULL},
    {"ignore-warnings", REAL__DIR_STRING, 0, 0, NULL},
    {"io-threads", REAL__DIR_INT, 1, 128, NULL},
    {"io-threads-do-reads", REAL__DIR_BOOL, 0, 0, NULL},
    {"jemalloc-bg-thread", REAL__DIR_BOOL, 0, 0, NULL},
    {"latency-monitor-threshold", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"latency-tracking", REAL__DIR_BOOL, 0, 0, NULL},
    {"latency-tracking-info-percentiles", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"lazyfree-lazy-eviction", REAL__DIR_BOOL, 0, 0, NULL},
    {"lazyfree-lazy-expire", REAL__DIR_BOOL, 0, 0, NULL},
    {"lazyfree-lazy-server-del", REAL__DIR_BOOL, 0, 0, NULL},
    {"lazyfree-lazy-user-del", REAL__DIR_BOOL, 0, 0, NULL},
    {"lazyfree-lazy-user-flush", REAL__DIR_BOOL, 0, 0, NULL},
    {"lfu-decay-time", REAL__DIR_INT, 0, 2147483647, NULL},
    {"lfu-log-factor", REAL__DIR_INT, 0, 2147483647, NULL},
    {"list-compress-depth", REAL__DIR_INT, 0, 2147483647, NULL},
    {"list-max-listpack-size", REAL__DIR_INT, -2147483648, 2147483647, NULL},
    {"list-max-ziplist-size", REAL__DIR_INT, -2147483648, 2147483647, NULL},
    {"logfile", REAL__DIR_STRING, 0, 0, NULL},
    {"loglevel", REAL__DIR_ENUM, 0, 0, "debug, verbose, notice, warning"},
    {"lua-time-limit", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"masterauth", REAL__DIR_STRING, 0, 0, NULL},
    {"masteruser", REAL__DIR_STRING, 0, 0, NULL},
    {"maxclients", REAL__DIR_INT, 1, 4294967295, NULL},
    {"maxmemory", REAL__DIR_MEMORY, 0, 0, NULL},
    {"maxmemory-clients", REAL__DIR_MEMORY_PERCENT, 0, 0, NULL},
    {"maxmemory-eviction-tenacity", REAL__DIR_INT, 0, 100, NULL},
    {"maxmemory-policy", REAL__DIR_ENUM, 0, 0,
     "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, "
     "allkeys-random, noeviction"},
    {"maxmemory-samples", REAL__DIR_INT, 1, 2147483647, NULL},
    {"min-replicas-max-lag", REAL__DIR_INT, 0, 2147483647, NULL},
    {"min-replicas-to-write", REAL__DIR_INT, 0, 2147483647, NULL},
    {"min-slaves-max-lag", REAL__DIR_INT, 0, 2147483647, NULL},
    {"min-slaves-to-write", REAL__DIR_INT, 0, 2147483647, NULL},
    {"no-appendfsync-on-rewrite", REAL__DIR_BOOL, 0, 0, NULL},
    {"notify-keyspace-events", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"oom-score-adj", REAL__DIR_ENUM, 0, 0, "no, yes, relative, absolute"},
    {"oom-score-adj-values", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"pidfile", REAL__DIR_STRING, 0, 0, NULL},
    {"port", REAL__DIR_INT, 0, 65535, NULL},
    {"proc-title-template", REAL__DIR_STRING, 0, 0, NULL},
    {"propagation-error-behavior", REAL__DIR_ENUM, 0, 0, "ignore, panic, panic-on-replicas"},
    {"protected-mode", REAL__DIR_BOOL, 0, 0, NULL},
    {"proto-max-bulk-len", REAL__DIR_MEMORY, 0, 0, NULL},
    {"rdb-del-sync-files", REAL__DIR_BOOL, 0, 0, NULL},
    {"rdb-save-incremental-fsync", REAL__DIR_BOOL, 0, 0, NULL},
    {"rdbchecksum", REAL__DIR_BOOL, 0, 0, NULL},
    {"rdbcompression", REAL__DIR_BOOL, 0, 0, NULL},
    {"repl-backlog-size", REAL__DIR_MEMORY, 0, 0, NULL},
    {"repl-backlog-ttl", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"repl-disable-tcp-nodelay", REAL__DIR_BOOL, 0, 0, NULL},
    {"repl-diskless-load", REAL__DIR_ENUM, 0, 0, "disabled, on-empty-db, swapdb"},
    {"repl-diskless-sync", REAL__DIR_BOOL, 0, 0, NULL},
    {"repl-diskless-sync-delay", REAL__DIR_INT, 0, 2147483647, NULL},
    {"repl-diskless-sync-max-replicas", REAL__DIR_INT, 0, 2147483647, NULL},
    {"repl-ping-replica-period", REAL__DIR_INT, 1, 2147483647, NULL},
    {"repl-ping-slave-period", REAL__DIR_INT, 1, 2147483647, NULL},
    {"repl-timeout", REAL__DIR_INT, 1, 2147483647, NULL},
    {"replica-announce-ip", REAL__DIR_STRING, 0, 0, NULL},
    {"replica-announce-port", REAL__DIR_INT, 0, 65535, NULL},
    {"replica-announced", REAL__DIR_BOOL, 0, 0, NULL},
    {"replica-ignore-disk-write-errors", REAL__DIR_BOOL, 0, 0, NULL},
    {"replica-ignore-maxmemory", REAL__DIR_BOOL, 0, 0, NULL},
    {"replica-lazy-flush", REAL__DIR_BOOL, 0, 0, NULL},
    {"replica-priority", REAL__DIR_INT, 0, 2147483647, NULL},
    {"replica-read-only", REAL__DIR_BOOL, 0, 0, NULL},
    {"replica-serve-stale-data", REAL__DIR_BOOL, 0, 0, NULL},
    {"replicaof", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"requirepass", REAL__DIR_STRING, 0, 0, NULL},
    {"sanitize-dump-payload", REAL__DIR_ENUM, 0, 0, "no, yes, clients"},
    {"save", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"server_cpulist", REAL__DIR_STRING, 0, 0, NULL},
    {"set-max-intset-entries", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"set-proc-title", REAL__DIR_BOOL, 0, 0, NULL},
    {"shutdown-on-sigint", REAL__DIR_ENUM, 0, 0, "default, save, nosave, now, force"},
    {"shutdown-on-sigterm", REAL__DIR_ENUM, 0, 0, "default, save, nosave, now, force"},
    {"shutdown-timeout", REAL__DIR_INT, 0, 2147483647, NULL},
    {"slave-announce-ip", REAL__DIR_STRING, 0, 0, NULL},
    {"slave-announce-port", REAL__DIR_INT, 0, 65535, NULL},
    {"slave-ignore-maxmemory", REAL__DIR_BOOL, 0, 0, NULL},
    {"slave-lazy-flush", REAL__DIR_BOOL, 0, 0, NULL},
    {"slave-priority", REAL__DIR_INT, 0, 2147483647, NULL},
    {"slave-read-only", REAL__DIR_BOOL, 0, 0, NULL},
    {"slave-serve-stale-data", REAL__DIR_BOOL, 0, 0, NULL},
    {"slaveof", REAL__DIR_SPECIAL, 0, 0, NULL},
    {"slowlog-log-slower-than", REAL__DIR_INT, -1, INT64_MAX, NULL},
    {"slowlog-max-len", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"socket-mark-id", REAL__DIR_INT, 0, 4294967295, NULL},
    {"stop-writes-on-bgsave-error", REAL__DIR_BOOL, 0, 0, NULL},
    {"stream-node-max-bytes", REAL__DIR_MEMORY, 0, 0, NULL},
    {"stream-node-max-entries", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"supervised", REAL__DIR_ENUM, 0, 0, "upstart, systemd, auto, no"},
    {"syslog-enabled", REAL__DIR_BOOL, 0, 0, NULL},
    {"syslog-facility", REAL__DIR_ENUM, 0, 0,
     "user, local0, local1, local2, local3, local4, local5, local6, local7"},
    {"syslog-ident", REAL__DIR_STRING, 0, 0, NULL},
    {"tcp-backlog", REAL__DIR_INT, 0, 2147483647, NULL},
    {"tcp-keepalive", REAL__DIR_INT, 0, 2147483647, NULL},
    {"timeout", REAL__DIR_INT, 0, 2147483647, NULL},
    {"tls-auth-clients", REAL__DIR_ENUM, 0, 0, "no, yes, optional"},
    {"tls-ca-cert-dir", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-ca-cert-file", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-cert-file", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-ciphers", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-ciphersuites", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-client-cert-file", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-client-key-file", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-client-key-file-pass", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-cluster", REAL__DIR_BOOL, 0, 0, NULL},
    {"tls-dh-params-file", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-key-file", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-key-file-pass", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-port", REAL__DIR_INT, 0, 65535, NULL},
    {"tls-prefer-server-ciphers", REAL__DIR_BOOL, 0, 0, NULL},
    {"tls-protocols", REAL__DIR_STRING, 0, 0, NULL},
    {"tls-replication", REAL__DIR_BOOL, 0, 0, NULL},
    {"tls-session-cache-size", REAL__DIR_INT, 0, 2147483647, NULL},
    {"tls-session-cache-timeout", REAL__DIR_INT, 0, 2147483647, NULL},
    {"tls-session-caching", REAL__DIR_BOOL, 0, 0, NULL},
    {"tracking-table-max-keys", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"unixsocket", REAL__DIR_STRING, 0, 0, NULL},
    {"unixsocketperm", REAL__DIR_OCTAL, 0, 0, NULL},
    {"zset-max-listpack-entries", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"zset-max-listpack-value", REAL__DIR_MEMORY, 0, 0, NULL},
    {"zset-max-ziplist-entries", REAL__DIR_INT, 0, INT64_MAX, NULL},
    {"zset-max-ziplist-value", REAL__DIR_MEMORY, 0, 0, NULL},
};

/* The commands of Sentinel mode's table, the only ones rename-command takes. */
static const char *const sentinel_commands[] = {
    "acl",  "auth",     "client",     "command",   "hello",
    "info", "ping",     "psubscribe", "publish",   "punsubscribe",
    "role", "sentinel", "shutdown",   "subscribe", "unsubscribe",
};

static int dir_cmp(const void *key, const void *elem) {
    return strcmp(key, ((const struct real__dir *)elem)->name);
}

/* Redis's strict integer syntax: no blanks, no '+', no leading zeros. */
static bool strict_ll(const char *s, long long *out) {
    size_t len = strlen(s);
    size_t i = s[0] == '-' ? 1 : 0;
    if (len == i || len > 20 || (s[i] == '0' && len > i + 1) || (s[i] == '0' && i == 1)) {
        return false;
    }
    for (size_t k = i; k < len; k++) {
        if (s[k] < '0' || s[k] > '9') { return false; }
    }
    errno = 0;
    char *end;
    *out = strtoll(s, &end, 10);
    return errno == 0 && *end == '\0';
}

/* A memory value: digits, then nothing or one of b k kb m mb g gb (any case). */
static bool memory_value(const char *s) {
    size_t digits = strspn(s, "0123456789");
    if (digits == 0 || digits > 19) { return false; }
    const char *unit = s + digits;
    static const char *const units[] = {"", "b", "k", "kb", "m", "mb", "g", "gb"};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcasecmp(unit, units[i]) == 0) { return true; }
    }
    return false;
}

static bool enum_value(const char *values, const char *v) {
    size_t vlen = strlen(v);
    for (const char *p = values; *p;) {
        size_t n = strcspn(p, ",");
        if (n == vlen && strncasecmp(p, v, n) == 0) { return true; }
        p += n;
        while (*p == ',' || *p == ' ') {
            p++;
        }
    }
    return false;
}

static const char *check_value(const struct real__dir *d, const char *v, char *msg, size_t len) {
    long long ll;
    switch (d->kind) {
    case REAL__DIR_BOOL:
        if (strcasecmp(v, "yes") != 0 && strcasecmp(v, "no") != 0) {
            return "argument must be 'yes' or 'no'";
        }
        return NULL;
    case REAL__DIR_INT:
        if (!strict_ll(v, &ll)) { return "argument couldn't be parsed into an integer"; }
        if (ll < d->min || ll > d->max) {
            snprintf(msg, len, "argument must be between %lld and %lld inclusive",
                     (long long)d->min, (long long)d->max);
            return msg;
        }
        return NULL;
    case REAL__DIR_MEMORY:
        return memory_value(v) ? NULL : "argument must be a memory value";
    case REAL__DIR_MEMORY_PERCENT: {
        size_t n = strlen(v);
        bool pct = n > 1 && v[n - 1] == '%' && strspn(v, "0123456789") == n - 1;
        return pct || memory_value(v) ? NULL : "argument must be a memory or percent value";
    }
    case REAL__DIR_ENUM:
        if (enum_value(d->values, v)) { return NULL; }
        snprintf(msg, len, "argument(s) must be one of the following: %s", d->values);
        return msg;
    case REAL__DIR_OCTAL: {
        char *end;
        errno = 0;
        (void)strtol(v, &end, 8);
        return v[0] == '\0' || *end != '\0' || errno != 0
                   ? "argument couldn't be parsed as an octal number"
                   : NULL;
    }
    case REAL__DIR_STRING:
        return NULL;
    case REAL__DIR_SPECIAL:
        break;
    default:
        break;
    }
    REAL_UNREACHABLE();
}

static bool all_ints(char **w, int n, long long lo, long long hi) {
    for (int i = 0; i < n; i++) {
        long long ll;
        if (!strict_ll(w[i], &ll) || ll < lo || ll > hi) { return false; }
    }
    return true;
}

static bool percentile(const char *s, bool *in_range) {
    char *end;
    double d = strtod(s, &end);
    *in_range = d >= 0.0 && d <= 100.0;
    return s[0] != '\0' && *end == '\0';
}

/* The directives whose words are checked by hand; w are the value words. */
static const char *check_special(const char *name, char **w, int n) {
    if (strcmp(name, "bind") == 0) { return NULL; }
    if (strcmp(name, "save") == 0) {
        bool none = n == 1 && w[0][0] == '\0';
        return none || (n % 2 == 0 && all_ints(w, n, 0, INT64_MAX)) ? NULL
                                                                    : "Invalid save parameters";
    }
    if (strcmp(name, "client-output-buffer-limit") == 0) {
        if (n == 0 || n % 4 != 0) {
            return "Wrong number of arguments in buffer limit configuration.";
        }
        for (int i = 0; i < n; i += 4) {
            if (!enum_value("normal, replica, slave, pubsub", w[i])) {
                return "Invalid client class specified in buffer limit configuration.";
            }
            if (!memory_value(w[i + 1]) || !memory_value(w[i + 2]) ||
                !all_ints(&w[i + 3], 1, 0, INT64_MAX)) {
                return "Error in hard, soft or soft_seconds setting in buffer limit "
                       "configuration.";
            }
        }
        return NULL;
    }
    if (strcmp(name, "oom-score-adj-values") == 0) {
        if (n != 3) { return "wrong number of arguments"; }
        return all_ints(w, n, -2000, 2000)
                   ? NULL
                   : "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
    }
    if (strcmp(name, "latency-tracking-info-percentiles") == 0) {
        for (int i = 0; i < n; i++) {
            bool in_range;
            if (!percentile(w[i], &in_range)) {
                return "Invalid latency-tracking-info-percentiles parameters";
            }
            if (!in_range) {
                return "latency-tracking-info-percentiles parameters should sit between "
                       "[0.0,100.0]";
            }
        }
        return NULL;
    }
    if (strcmp(name, "notify-keyspace-events") == 0) {
        if (n != 1) { return "wrong number of arguments"; }
        return strspn(w[0], "Ag$lshzxeKEtmdn") == strlen(w[0])
                   ? NULL
                   : "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    }
    if (strcmp(name, "replicaof") == 0 || strcmp(name, "slaveof") == 0) {
        if (n != 2) { return "wrong number of arguments"; }
        if (strcasecmp(w[0], "no") == 0 && strcasecmp(w[1], "one") == 0) { return NULL; }
        return all_ints(&w[1], 1, 0, 65535) ? NULL : "Invalid master port";
    }
    REAL_ASSERT(strcmp(name, "dir") == 0);
    if (n != 1) { return "wrong number of arguments"; }
    int fd = open(w[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) { return strerror(errno); }
    close(fd);
    return NULL;
}

/* The directives outside the config table (Redis handles them apart). */
static const char *check_outside(int argc, char **argv) {
    const char *name = argv[0];
    const char *bad = "Bad directive or wrong number of arguments";
    if (strcmp(name, "include") == 0) { return argc == 2 ? NULL : bad; }
    if (strcmp(name, "user") == 0 || strcmp(name, "loadmodule") == 0) {
        return argc >= 2 ? NULL : bad;
    }
    if (strcmp(name, "rename-command") == 0) {
        if (argc != 3) { return bad; }
        for (size_t i = 0; i < sizeof(sentinel_commands) / sizeof(sentinel_commands[0]); i++) {
            if (strcasecmp(argv[1], sentinel_commands[i]) == 0) { return NULL; }
        }
        return "No such command in rename-command";
    }
    return bad;
}

const char *real__sentinel_directive_check(int argc, char **argv, char *msg, size_t msglen) {
    REAL_ASSERT(argc >= 1);
    const struct real__dir *d =
        bsearch(argv[0], dirs, sizeof(dirs) / sizeof(dirs[0]), sizeof(dirs[0]), dir_cmp);
    if (d == NULL) { return check_outside(argc, argv); }
    if (d->kind != REAL__DIR_SPECIAL) {
        return argc != 2 ? "wrong number of arguments" : check_value(d, argv[1], msg, msglen);
    }
    /* Multi-word directives also take their words as one quoted value. */
    if (argc == 2 && strchr(argv[1], ' ') != NULL) {
        char *w[64];
        size_t lens[64];
        int n = real_resp_split_args(argv[1], strlen(argv[1]), w, lens, 64);
        if (n < 0) { return "wrong number of arguments"; }
        const char *why = check_special(d->name, w, n);
        if (why != NULL) {
            snprintf(msg, msglen, "%s", why);
            why = msg;
        }
        real_resp_words_free(w, n);
        return why;
    }
    return check_special(d->name, argv + 1, argc - 1);
}
