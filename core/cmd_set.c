/* cmd_set.c: SENTINEL SET, SENTINEL CONFIG and SENTINEL DEBUG (spec §12.6,
 * §12.7, §12.14).
 *
 * Method: mirrors sentinelSetCommand() (options applied left to right,
 * each with its +set event; a failure midway keeps the earlier ones and
 * still flushes), sentinelConfigSetCommand()/sentinelConfigGetCommand()
 * (7.0: one parameter per call) and the DEBUG timing parameters. Script
 * paths cannot be checked for executability without I/O; they are taken
 * as given.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/glob.h"
#include "core/internal.h"

static void reply_err(struct core_sentinel *s, uint64_t client, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reply_err(struct core_sentinel *s, uint64_t client, const char *fmt, ...) {
    char buf[CORE__TEXT_MAX];
    va_list ap;
    CORE_ASSERT(fmt != NULL);
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    CORE_ASSERT(n >= 0);
    struct core_reply *r = core__r_new(s, 1);
    core__r_error(s, r, "%s", buf);
    core__out_reply(s, client, r);
}

static void reply_ok_or_flush_error(struct core_sentinel *s, uint64_t client, bool flush) {
    CORE_ASSERT(s->started);
    struct core_reply *r = core__r_new(s, 1);
    CORE_ASSERT(client == client);
    if (flush && core__flush_config_rc(s) != 0) {
        core__r_error(s, r, "ERR Failed to save config file. Check server logs.");
    } else {
        core__r_status(s, r, "OK");
    }
    core__out_reply(s, client, r);
}

/* Closes the master's and its replicas' connections (dropInstanceConnections). */
static void drop_instance_connections(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    core__link_close(s, core__inst(s, m->inst)->link, false);
    core__link_close(s, core__inst(s, m->inst)->link, true);
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        core__link_close(s, core__inst(s, m->replicas[k])->link, false);
        core__link_close(s, core__inst(s, m->replicas[k])->link, true);
    }
    CORE_ASSERT(core__link_of(s, m->inst)->disconnected);
}

static void set_down_after(struct core_sentinel *s, struct core__master *m, int64_t ms) {
    CORE_ASSERT(m->in_use);
    CORE_ASSERT(ms > 0);
    core__minst(s, m)->down_after_period = ms;
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        core__inst(s, m->replicas[k])->down_after_period = ms;
    }
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        core__inst(s, m->sentinels[k])->down_after_period = ms;
    }
}

/* Outcome of one SET option. */
enum set_rc { SET_OK, SET_BADARG, SET_ERR };

static enum set_rc set_number(
    struct core_sentinel *s, struct core__master *m, const char *opt, const char *val, size_t len) {
    int64_t ll;
    bool parsed = core__parse_ll(val, len, &ll);
    CORE_ASSERT(opt != NULL);
    if (!strcasecmp(opt, "master-reboot-down-after-period")) {
        if (!parsed || ll < 0) { return SET_BADARG; }
        m->master_reboot_down_after_period = ll;
        return SET_OK;
    }
    if (!parsed || ll <= 0) { return SET_BADARG; }
    if (!strcasecmp(opt, "down-after-milliseconds")) {
        set_down_after(s, m, ll);
    } else if (!strcasecmp(opt, "failover-timeout")) {
        m->failover_timeout = ll;
    } else if (!strcasecmp(opt, "parallel-syncs")) {
        m->parallel_syncs = ll;
    } else {
        CORE_ASSERT(!strcasecmp(opt, "quorum"));
        m->quorum = ll;
    }
    return SET_OK;
}

static enum set_rc set_script(struct core_sentinel *s,
                              uint64_t client,
                              struct core__master *m,
                              const char *opt,
                              const char *val) {
    CORE_ASSERT(opt != NULL && val != NULL);
    if (s->deny_scripts_reconfig) {
        struct core_reply *r = core__r_new(s, 1);
        core__r_error(s, r,
                      "ERR Reconfiguration of scripts path is denied for security reasons. "
                      "Check the deny-scripts-reconfig configuration directive in your Sentinel "
                      "configuration");
        core__out_reply(s, client, r);
        return SET_ERR;
    }
    if (strlen(val) >= CORE__PATH_MAX) {
        reply_err(s, client, "ERR Script path too long (sentsim limit)");
        return SET_ERR;
    }
    char *dst = !strcasecmp(opt, "notification-script") ? m->notification_script
                                                        : m->client_reconfig_script;
    snprintf(dst, CORE__PATH_MAX, "%s", val);
    return SET_OK;
}

static enum set_rc set_secret(
    struct core_sentinel *s, uint64_t client, uint32_t mslot, const char *opt, const char *val) {
    struct core__master *m = &s->masters[mslot];
    bool pass = !strcasecmp(opt, "auth-pass");
    CORE_ASSERT(pass || !strcasecmp(opt, "auth-user"));
    CORE_ASSERT(val != NULL);
    if (strlen(val) >= CORE__SECRET_MAX) {
        reply_err(s, client, "ERR Secret too long (sentsim limit)");
        return SET_ERR;
    }
    snprintf(pass ? m->auth_pass : m->auth_user, CORE__SECRET_MAX, "%s", val);
    *(pass ? &m->has_auth_pass : &m->has_auth_user) = val[0] != '\0';
    drop_instance_connections(s, mslot);
    return SET_OK;
}

static enum set_rc set_rename(struct core_sentinel *s,
                              uint64_t client,
                              struct core__master *m,
                              const char *from,
                              const char *to) {
    uint32_t k;
    CORE_ASSERT(from[0] != '\0' && to[0] != '\0');
    for (k = 0; k < m->nrenames && strcasecmp(m->renames[k].from, from) != 0; k++) {}
    if (k < m->nrenames) {
        m->renames[k] = m->renames[m->nrenames - 1];
        m->nrenames--;
    }
    if (!strcasecmp(from, to)) { return SET_OK; }
    if (m->nrenames == CORE__RENAMES_MAX || strlen(from) >= CORE__CMDNAME_MAX ||
        strlen(to) >= CORE__CMDNAME_MAX) {
        reply_err(s, client, "ERR Too many or too long renames (sentsim limit)");
        return SET_ERR;
    }
    snprintf(m->renames[m->nrenames].from, CORE__CMDNAME_MAX, "%s", from);
    snprintf(m->renames[m->nrenames].to, CORE__CMDNAME_MAX, "%s", to);
    m->nrenames++;
    return SET_OK;
}

/* Applies option argv[j] (and its values); *used is how many words it took. */
static enum set_rc set_one(struct core_sentinel *s,
                           uint64_t client,
                           uint32_t mslot,
                           uint32_t more,
                           const char *const *a,
                           const size_t *al,
                           uint32_t *used) {
    struct core__master *m = &s->masters[mslot];
    const char *opt = a[0];
    CORE_ASSERT(used != NULL);
    *used = 0;
    if (more >= 2 && !strcasecmp(opt, "rename-command")) {
        *used = 3;
        if (al[1] == 0 || al[2] == 0) { return SET_BADARG; }
        return set_rename(s, client, m, a[1], a[2]);
    }
    if (more < 1) { return SET_ERR; }
    *used = 2;
    static const char *const numeric[] = {"down-after-milliseconds", "failover-timeout",
                                          "parallel-syncs", "quorum",
                                          "master-reboot-down-after-period"};
    for (size_t k = 0; k < sizeof(numeric) / sizeof(numeric[0]); k++) {
        if (!strcasecmp(opt, numeric[k])) { return set_number(s, m, opt, a[1], al[1]); }
    }
    if (!strcasecmp(opt, "notification-script") || !strcasecmp(opt, "client-reconfig-script")) {
        return set_script(s, client, m, opt, a[1]);
    }
    if (!strcasecmp(opt, "auth-pass") || !strcasecmp(opt, "auth-user")) {
        return set_secret(s, client, mslot, opt, a[1]);
    }
    *used = 0;
    return SET_ERR;
}

static void set_event(struct core_sentinel *s, uint32_t inst, const char *const *a, uint32_t n) {
    CORE_ASSERT(n == 2 || n == 3);
    CORE_ASSERT(a != NULL);
    if (n == 3) {
        core__event_atf(s, CORE_LEVEL_WARNING, "+set", inst, " %s %s %s", a[0], a[1], a[2]);
    } else {
        bool redacted = !strcasecmp(a[0], "auth-pass");
        core__event_atf(s, CORE_LEVEL_WARNING, "+set", inst, " %s %s", a[0],
                        redacted ? "******" : a[1]);
    }
}

/* Mirrors sentinelSetCommand(). */
void core__cmd_sentinel_set(struct core_sentinel *s,
                            uint64_t client,
                            uint32_t argc,
                            const char *const *argv,
                            const size_t *argv_len) {
    uint32_t mslot = core__master_by_name(s, argv[2], argv_len[2]);
    uint32_t changes = 0;
    CORE_ASSERT(argc >= 5);
    if (mslot == CORE__NONE) {
        reply_err(s, client, "ERR No such master with that name");
        return;
    }
    for (uint32_t j = 3; j < argc;) {
        uint32_t used;
        enum set_rc rc = set_one(s, client, mslot, argc - 1 - j, argv + j, argv_len + j, &used);
        if (rc == SET_BADARG) {
            uint32_t bad = used == 3 ? (argv_len[j + 2] ? j + 1 : j + 2) : j + 1;
            reply_err(s, client, "ERR Invalid argument '%s' for SENTINEL SET '%s'", argv[bad],
                      argv[j]);
        } else if (rc == SET_ERR && used == 0) {
            reply_err(s, client, "ERR Unknown option or number of arguments for SENTINEL SET '%s'",
                      argv[j]);
        }
        if (rc != SET_OK) {
            if (changes > 0) { core__flush_config(s); }
            return;
        }
        changes++;
        set_event(s, s->masters[mslot].inst, argv + j, used);
        j += used;
    }
    reply_ok_or_flush_error(s, client, changes > 0);
}

/* ---------------------------------------------------------------- CONFIG */

/* Closes every connection to other sentinels (sentinelDropConnections). */
static void drop_sentinel_connections(struct core_sentinel *s) {
    CORE_ASSERT(s != NULL);
    for (uint32_t k = 0; k < s->nmasters; k++) {
        struct core__master *m = &s->masters[s->order[k]];
        CORE_ASSERT(m->in_use);
        for (uint32_t j = 0; j < m->nsentinels; j++) {
            core__link_close(s, core__inst(s, m->sentinels[j])->link, false);
            core__link_close(s, core__inst(s, m->sentinels[j])->link, true);
        }
    }
}

static int yesno(const char *v) {
    CORE_ASSERT(strlen(v) < (1u << 20));
    CORE_ASSERT(v != NULL);
    if (!strcasecmp(v, "yes")) { return 1; }
    return !strcasecmp(v, "no") ? 0 : -1;
}

/* Returns 1 applied, 0 bad value, -1 unknown parameter; *drop if conns must go. */
static int config_set_param(
    struct core_sentinel *s, const char *opt, const char *val, size_t len, bool *drop) {
    int64_t n;
    CORE_ASSERT(opt != NULL && val != NULL);
    CORE_ASSERT(drop != NULL);
    if (!strcasecmp(opt, "resolve-hostnames") || !strcasecmp(opt, "announce-hostnames")) {
        int v = yesno(val);
        if (v < 0) { return 0; }
        *(!strcasecmp(opt, "resolve-hostnames") ? &s->resolve_hostnames : &s->announce_hostnames) =
            v == 1;
    } else if (!strcasecmp(opt, "announce-ip")) {
        if (len >= CORE_IP_MAX) { return 0; }
        snprintf(s->announce_ip, sizeof(s->announce_ip), "%s", val);
    } else if (!strcasecmp(opt, "announce-port")) {
        if (!core__parse_ll(val, len, &n) || n < 0 || n > 65535) { return 0; }
        s->announce_port = (uint16_t)n;
    } else if (!strcasecmp(opt, "sentinel-user") || !strcasecmp(opt, "sentinel-pass")) {
        if (len >= CORE__SECRET_MAX) { return 0; }
        snprintf(!strcasecmp(opt, "sentinel-user") ? s->sentinel_user : s->sentinel_pass,
                 CORE__SECRET_MAX, "%s", val);
        *drop = true;
    } else {
        return -1;
    }
    return 1;
}

static void config_get(struct core_sentinel *s, uint64_t client, const char *pat, size_t plen) {
    CORE_ASSERT(pat != NULL);
    CORE_ASSERT(s->started);
    char port[8];
    snprintf(port, sizeof(port), "%u", s->announce_port);
    const char *const kv[][2] = {
        {"resolve-hostnames", s->resolve_hostnames ? "yes" : "no"},
        {"announce-hostnames", s->announce_hostnames ? "yes" : "no"},
        {"announce-ip", s->announce_ip},
        {"announce-port", port},
        {"sentinel-user", s->sentinel_user},
        {"sentinel-pass", s->sentinel_pass},
    };
    struct core_reply *r = core__r_new(s, 1);
    struct core__rmap mp;
    core__rmap_init(s, &mp, r, 6);
    for (size_t k = 0; k < 6; k++) {
        if (core__glob_match(pat, plen, kv[k][0], strlen(kv[k][0]), true)) {
            core__rmap_str(s, &mp, kv[k][0], kv[k][1]);
        }
    }
    CORE_ASSERT(r->elements_len <= 12);
    core__out_reply(s, client, r);
}

void core__cmd_sentinel_config(struct core_sentinel *s,
                               uint64_t client,
                               uint32_t argc,
                               const char *const *argv,
                               const size_t *argv_len) {
    CORE_ASSERT(argc >= 3);
    CORE_ASSERT(argv_len != NULL);
    if (argc == 5 && !strcasecmp(argv[2], "set")) {
        bool drop = false;
        int rc = config_set_param(s, argv[3], argv[4], argv_len[4], &drop);
        if (rc < 0) {
            reply_err(s, client, "ERR Invalid argument '%s' to SENTINEL CONFIG SET", argv[3]);
        } else if (rc == 0) {
            reply_err(s, client, "ERR Invalid value '%s' to SENTINEL CONFIG SET '%s'", argv[4],
                      argv[3]);
        } else {
            reply_ok_or_flush_error(s, client, true);
            if (drop) { drop_sentinel_connections(s); }
        }
    } else if (argc == 4 && !strcasecmp(argv[2], "get")) {
        config_get(s, client, argv[3], argv_len[3]);
    } else {
        reply_err(s, client,
                  "ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
    }
}

/* ---------------------------------------------------------------- DEBUG */

static int64_t *debug_param(struct core_sentinel *s, const char *name, const char **upper) {
    struct core__timing *t = &s->t;
    const struct {
        const char *lower, *upper;
        int64_t *v;
    } params[] = {
        {"info-period", "INFO-PERIOD", &t->info_period},
        {"ping-period", "PING-PERIOD", &t->ping_period},
        {"ask-period", "ASK-PERIOD", &t->ask_period},
        {"publish-period", "PUBLISH-PERIOD", &t->publish_period},
        {"default-down-after", "DEFAULT-DOWN-AFTER", &t->default_down_after},
        {"default-failover-timeout", "DEFAULT-FAILOVER-TIMEOUT", &t->default_failover_timeout},
        {"tilt-trigger", "TILT-TRIGGER", &t->tilt_trigger},
        {"tilt-period", "TILT-PERIOD", &t->tilt_period},
        {"slave-reconf-timeout", "SLAVE-RECONF-TIMEOUT", &t->slave_reconf_timeout},
        {"min-link-reconnect-period", "MIN-LINK-RECONNECT-PERIOD", &t->min_link_reconnect_period},
        {"election-timeout", "ELECTION-TIMEOUT", &t->election_timeout},
        {"script-max-runtime", "SCRIPT-MAX-RUNTIME", &t->script_max_runtime},
        {"script-retry-delay", "SCRIPT-RETRY-DELAY", &t->script_retry_delay},
    };
    CORE_ASSERT(name != NULL);
    CORE_ASSERT(upper != NULL);
    for (size_t k = 0; k < sizeof(params) / sizeof(params[0]); k++) {
        if (!strcasecmp(name, params[k].lower)) {
            *upper = params[k].upper;
            return params[k].v;
        }
    }
    return NULL;
}

static void debug_show(struct core_sentinel *s, uint64_t client) {
    CORE_ASSERT(s->started);
    static const char *const order[] = {"info-period",          "ping-period",
                                        "ask-period",           "publish-period",
                                        "default-down-after",   "default-failover-timeout",
                                        "tilt-trigger",         "tilt-period",
                                        "slave-reconf-timeout", "min-link-reconnect-period",
                                        "election-timeout",     "script-max-runtime",
                                        "script-retry-delay"};
    struct core_reply *r = core__r_new(s, 1);
    struct core__rmap mp;
    core__rmap_init(s, &mp, r, 13);
    for (size_t k = 0; k < 13; k++) {
        const char *upper = NULL;
        int64_t *v = debug_param(s, order[k], &upper);
        CORE_ASSERT(v != NULL);
        core__rmap_int(s, &mp, upper, *v);
    }
    core__out_reply(s, client, r);
}

void core__cmd_sentinel_debug(struct core_sentinel *s,
                              uint64_t client,
                              uint32_t argc,
                              const char *const *argv) {
    CORE_ASSERT(argc >= 2);
    if (argc == 2) {
        debug_show(s, client);
        return;
    }
    for (uint32_t j = 2; j < argc; j += 2) {
        const char *upper = NULL;
        int64_t *v = debug_param(s, argv[j], &upper);
        if (v == NULL || j + 1 >= argc) {
            reply_err(s, client,
                      "ERR Unknown option or number of arguments for SENTINEL DEBUG '%s'", argv[j]);
            return;
        }
        int64_t ll;
        if (!core__parse_ll(argv[j + 1], strlen(argv[j + 1]), &ll) || ll <= 0) {
            reply_err(s, client, "ERR Invalid argument '%s' for SENTINEL DEBUG '%s'", argv[j + 1],
                      argv[j]);
            return;
        }
        *v = ll;
    }
    reply_ok_or_flush_error(s, client, false);
}
