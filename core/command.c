/* command.c: the top-level commands a sentinel answers (spec §12).
 *
 * Method: dispatch on the command name the way Sentinel's reduced command
 * table does: PING, INFO, ROLE, PUBLISH (hello only), SENTINEL, SHUTDOWN,
 * AUTH and CLIENT SETNAME/GETNAME here; Pub/Sub subscriptions of clients
 * and ACL are the driver's, since they are about client connections the
 * core does not model. Error texts are Redis 7.0's.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/internal.h"

/* Parses a whole decimal integer the way getLongLongFromObject() does. */
bool core__parse_ll(const char *str, size_t len, int64_t *out) {
    char buf[32];
    CORE_ASSERT(str != NULL);
    CORE_ASSERT(out != NULL);
    if (len == 0 || len >= sizeof(buf)) { return false; }
    memcpy(buf, str, len);
    buf[len] = '\0';
    if (buf[0] == ' ' || buf[0] == '+' || (buf[0] == '0' && len > 1) ||
        (buf[0] == '-' && (len == 1 || buf[1] == '0'))) {
        return false;
    }
    char *end = NULL;
    long long v = strtoll(buf, &end, 10);
    if (end != buf + len || ((v == LLONG_MAX || v == LLONG_MIN) && len > 18)) { return false; }
    *out = (int64_t)v;
    return true;
}

static void reply_error(struct core_sentinel *s, uint64_t client, const char *msg) {
    struct core_reply *r = core__r_new(s, 1);
    CORE_ASSERT(msg != NULL);
    CORE_ASSERT(msg[0] != '-');
    core__r_error(s, r, "%s", msg);
    core__out_reply(s, client, r);
}

static void reply_status(struct core_sentinel *s, uint64_t client, const char *msg) {
    CORE_ASSERT(s->started);
    struct core_reply *r = core__r_new(s, 1);
    CORE_ASSERT(msg != NULL);
    core__r_status(s, r, msg);
    core__out_reply(s, client, r);
}

static void arity_error(struct core_sentinel *s, uint64_t client, const char *name) {
    CORE_ASSERT(s->started);
    struct core_reply *r = core__r_new(s, 1);
    CORE_ASSERT(name != NULL);
    core__r_error(s, r, "ERR wrong number of arguments for '%s' command", name);
    core__out_reply(s, client, r);
}

/* "unknown command" with Redis 7.0's argument preview. */
static void unknown_command(struct core_sentinel *s, const struct core_input *in) {
    char args[160] = "";
    size_t used = 0;
    CORE_ASSERT(in->argc >= 1);
    for (uint32_t k = 1; k < in->argc && used < 128; k++) {
        int n = snprintf(args + used, sizeof(args) - used, "'%.*s' ",
                         (int)(in->argv_len[k] < 128 - used ? in->argv_len[k] : 128 - used),
                         in->argv[k]);
        CORE_ASSERT(n >= 0);
        used += (size_t)n < sizeof(args) - used ? (size_t)n : sizeof(args) - used - 1;
    }
    struct core_reply *r = core__r_new(s, 1);
    core__r_error(s, r, "ERR unknown command '%.*s', with args beginning with: %s",
                  (int)(in->argv_len[0] < 128 ? in->argv_len[0] : 128), in->argv[0], args);
    for (size_t k = 0; k < r->len; k++) {
        if (r->str[k] == '\r' || r->str[k] == '\n') { ((char *)(uintptr_t)r->str)[k] = ' '; }
    }
    core__out_reply(s, in->client, r);
}

static void cmd_ping(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in->argv_len != NULL);
    CORE_ASSERT(in->argc >= 1);
    if (in->argc > 2) {
        arity_error(s, in->client, "ping");
        return;
    }
    if (in->argc == 1) {
        reply_status(s, in->client, "PONG");
        return;
    }
    struct core_reply *r = core__r_new(s, 1);
    core__r_bulk(s, r, in->argv[1], in->argv_len[1]);
    core__out_reply(s, in->client, r);
}

static void cmd_role(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    CORE_ASSERT(in->argc >= 1);
    if (in->argc != 1) {
        arity_error(s, in->client, "role");
        return;
    }
    struct core_reply *r = core__r_new(s, 1);
    struct core_reply *e = core__r_array(s, r, 2);
    core__r_bulkz(s, &e[0], "sentinel");
    struct core_reply *names = core__r_array(s, &e[1], s->nmasters);
    for (uint32_t k = 0; k < s->nmasters; k++) {
        core__r_bulkz(s, &names[k], core__minst(s, &s->masters[s->order[k]])->name);
    }
    core__out_reply(s, in->client, r);
}

/* Mirrors sentinelPublishCommand() (spec §12.8). */
static void cmd_publish(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in->argv_len != NULL);
    CORE_ASSERT(in->argc >= 1);
    if (in->argc != 3) {
        arity_error(s, in->client, "publish");
        return;
    }
    if (in->argv_len[1] != strlen(CORE__HELLO_CHANNEL) ||
        memcmp(in->argv[1], CORE__HELLO_CHANNEL, in->argv_len[1]) != 0) {
        reply_error(s, in->client, "ERR Only HELLO messages are accepted by Sentinel instances.");
        return;
    }
    core__process_hello(s, in->argv[2], in->argv_len[2]);
    struct core_reply *r = core__r_new(s, 1);
    core__r_int(r, 1);
    core__out_reply(s, in->client, r);
}

static void cmd_shutdown(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in->argc >= 1);
    CORE_ASSERT(!s->halted);
    core__out_log(s, CORE_LEVEL_WARNING, "User requested shutdown...");
    core__out_log(s, CORE_LEVEL_WARNING, "Sentinel is now ready to exit, bye bye...");
    core__out_halt(s, CORE_OUT_EXIT, 0);
}

static void cmd_auth(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in->argv_len != NULL);
    CORE_ASSERT(in->argc >= 1);
    if (in->argc < 2 || in->argc > 3) {
        arity_error(s, in->client, "auth");
        return;
    }
    const char *pass = in->argv[in->argc - 1];
    size_t len = in->argv_len[in->argc - 1];
    if (s->requirepass[0] == '\0' && in->argc == 2) {
        reply_error(s, in->client,
                    "ERR AUTH <password> called without any password configured for the default "
                    "user. Are you sure your configuration is correct?");
    } else if (len == strlen(s->requirepass) && memcmp(pass, s->requirepass, len) == 0 &&
               (in->argc == 2 || (in->argv_len[1] == 7 && !memcmp(in->argv[1], "default", 7)))) {
        reply_status(s, in->client, "OK");
    } else {
        reply_error(s, in->client, "WRONGPASS invalid username-password pair or user is disabled.");
    }
}

static void cmd_client(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in->argv_len != NULL);
    CORE_ASSERT(in->argc >= 1);
    if (in->argc < 2) {
        arity_error(s, in->client, "client");
        return;
    }
    if (in->argc == 3 && in->argv_len[1] == 7 && !strncasecmp(in->argv[1], "setname", 7)) {
        reply_status(s, in->client, "OK");
    } else if (in->argc == 2 && in->argv_len[1] == 7 && !strncasecmp(in->argv[1], "getname", 7)) {
        struct core_reply *r = core__r_new(s, 1);
        core__r_nil(r);
        core__out_reply(s, in->client, r);
    } else {
        struct core_reply *r = core__r_new(s, 1);
        core__r_error(s, r, "ERR unknown subcommand '%.*s'. Try CLIENT HELP.",
                      (int)(in->argv_len[1] < 128 ? in->argv_len[1] : 128), in->argv[1]);
        core__out_reply(s, in->client, r);
    }
}

/* Sentinel mode's command table of 7.0.15 (COMMAND COUNT 15, LIST 72). */
static const char *const command_names[] = {
    "acl",
    "acl|cat",
    "acl|deluser",
    "acl|dryrun",
    "acl|genpass",
    "acl|getuser",
    "acl|help",
    "acl|list",
    "acl|load",
    "acl|log",
    "acl|save",
    "acl|setuser",
    "acl|users",
    "acl|whoami",
    "auth",
    "client",
    "client|caching",
    "client|getname",
    "client|getredir",
    "client|help",
    "client|id",
    "client|info",
    "client|kill",
    "client|list",
    "client|no-evict",
    "client|pause",
    "client|reply",
    "client|setname",
    "client|tracking",
    "client|trackinginfo",
    "client|unblock",
    "client|unpause",
    "command",
    "command|count",
    "command|docs",
    "command|getkeys",
    "command|getkeysandflags",
    "command|help",
    "command|info",
    "command|list",
    "hello",
    "info",
    "ping",
    "psubscribe",
    "publish",
    "punsubscribe",
    "role",
    "sentinel",
    "sentinel|ckquorum",
    "sentinel|config",
    "sentinel|debug",
    "sentinel|failover",
    "sentinel|flushconfig",
    "sentinel|get-master-addr-by-name",
    "sentinel|help",
    "sentinel|info-cache",
    "sentinel|is-master-down-by-addr",
    "sentinel|master",
    "sentinel|masters",
    "sentinel|monitor",
    "sentinel|myid",
    "sentinel|pending-scripts",
    "sentinel|remove",
    "sentinel|replicas",
    "sentinel|reset",
    "sentinel|sentinels",
    "sentinel|set",
    "sentinel|simulate-failure",
    "sentinel|slaves",
    "shutdown",
    "subscribe",
    "unsubscribe",
};

/* COMMAND COUNT and COMMAND LIST; the rest of COMMAND is not modelled. */
static void cmd_command(struct core_sentinel *s, const struct core_input *in) {
    size_t n = sizeof(command_names) / sizeof(command_names[0]);
    CORE_ASSERT(n == 72);
    CORE_ASSERT(in->argc >= 1);
    struct core_reply *r = core__r_new(s, 1);
    if (in->argc == 2 && !strcasecmp(in->argv[1], "count")) {
        core__r_int(r, 15);
    } else if (in->argc == 2 && !strcasecmp(in->argv[1], "list")) {
        struct core_reply *e = core__r_array(s, r, n);
        for (size_t k = 0; k < n; k++) {
            core__r_bulkz(s, &e[k], command_names[k]);
        }
    } else {
        core__r_error(s, r, "ERR unknown subcommand '%.128s'. Try COMMAND HELP.",
                      in->argc > 1 ? in->argv[1] : "");
    }
    core__out_reply(s, in->client, r);
}

/* HELLO [2]: the seam speaks RESP2 only, so protocol 3 is refused. */
static void cmd_hello(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in->argc >= 1);
    CORE_ASSERT(in->argv_len != NULL);
    struct core_reply *r = core__r_new(s, 1);
    if (in->argc >= 2 && strcmp(in->argv[1], "2") != 0) {
        core__r_error(s, r, "NOPROTO sorry, this protocol version is not supported.");
        core__out_reply(s, in->client, r);
        return;
    }
    struct core__rmap mp;
    core__rmap_init(s, &mp, r, 7);
    core__rmap_str(s, &mp, "server", "redis");
    core__rmap_str(s, &mp, "version", CORE_VERSION);
    core__rmap_int(s, &mp, "proto", 2);
    core__rmap_int(s, &mp, "id", (int64_t)in->client);
    core__rmap_str(s, &mp, "mode", "sentinel");
    core__rmap_str(s, &mp, "role", "master");
    struct core_reply *mods = &mp.els[r->elements_len + 1];
    core__r_bulkz(s, &mp.els[r->elements_len], "modules");
    core__r_array(s, mods, 0);
    r->elements_len += 2;
    core__out_reply(s, in->client, r);
}

static bool name_is(const struct core_input *in, const char *name) {
    CORE_ASSERT(in->argc >= 1);
    size_t n = strlen(name);
    CORE_ASSERT(n > 0);
    return in->argv_len[0] == n && strncasecmp(in->argv[0], name, n) == 0;
}

/* Copies the arguments into the arena, NUL-terminated, so that the
 * handlers may treat them as C strings whatever the driver passed. */
static void copy_args(struct core_sentinel *s,
                      const struct core_input *in,
                      struct core_input *copy) {
    const char **argv = core__arena_alloc(s, in->argc * sizeof(*argv));
    size_t *lens = core__arena_alloc(s, in->argc * sizeof(*lens));
    CORE_ASSERT(in->argv != NULL);
    CORE_ASSERT(in->argv_len != NULL);
    for (uint32_t k = 0; k < in->argc; k++) {
        lens[k] = in->argv_len[k];
        argv[k] = core__arena_strndup(s, in->argv[k], lens[k]);
    }
    *copy = *in;
    copy->argv = argv;
    copy->argv_len = lens;
}

static void dispatch(struct core_sentinel *s, const struct core_input *in);

void core__on_command(struct core_sentinel *s, const struct core_input *in) {
    struct core_input copy;
    size_t bytes = 0;
    CORE_ASSERT(in->argc >= 1);
    CORE_ASSERT(in->argv != NULL);
    for (uint32_t k = 0; k < in->argc && k <= CORE__COMMAND_ARGS_MAX; k++) {
        bytes += in->argv_len[k] + 1 + 2 * sizeof(void *);
    }
    /* A request that cannot fit the step arena is refused, not trusted. */
    if (in->argc > CORE__COMMAND_ARGS_MAX || bytes > s->lim.arena_bytes / 4) {
        reply_error(s, in->client, "ERR Protocol error: command too large (sentsim limit)");
        return;
    }
    copy_args(s, in, &copy);
    dispatch(s, &copy);
}

static void dispatch(struct core_sentinel *s, const struct core_input *in) {
    CORE_ASSERT(in->argc >= 1);
    CORE_ASSERT(in->argv_len != NULL);
    if (name_is(in, "ping")) {
        cmd_ping(s, in);
    } else if (name_is(in, "info")) {
        core__cmd_info(s, in->client, in->argc, in->argv);
    } else if (name_is(in, "role")) {
        cmd_role(s, in);
    } else if (name_is(in, "publish")) {
        cmd_publish(s, in);
    } else if (name_is(in, "sentinel")) {
        /* The one command family that may change settings or records
         * (hellos published to us change records only by creating or
         * releasing them, which wakes by itself). */
        core__wake_all(s);
        if (in->argc < 2) {
            arity_error(s, in->client, "sentinel");
            return;
        }
        core__cmd_sentinel(s, in->client, in->argc, in->argv, in->argv_len);
    } else if (name_is(in, "shutdown")) {
        cmd_shutdown(s, in);
    } else if (name_is(in, "auth")) {
        cmd_auth(s, in);
    } else if (name_is(in, "client")) {
        cmd_client(s, in);
    } else if (name_is(in, "command")) {
        cmd_command(s, in);
    } else if (name_is(in, "hello")) {
        cmd_hello(s, in);
    } else {
        unknown_command(s, in);
    }
}
