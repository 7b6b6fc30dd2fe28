/* config.c: loading the sentinel config file (spec §16.2).
 *
 * Method: mirrors loadServerConfig()'s handling of `sentinel` lines and
 * sentinelHandleConfiguration(): sentinel directives are applied after the
 * whole file was read, in three passes (pre-monitor, monitor, the rest),
 * each in file order. Instead of queueing the lines we walk the text once
 * per pass, which keeps line numbers exact without extra memory. Of the
 * generic server directives only `port` and `requirepass` matter to the
 * core; the others are accepted and left to the driver.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/internal.h"

static const char *const pre_monitor[] = {
    "announce-ip",   "announce-port",     "deny-scripts-reconfig",
    "sentinel-user", "sentinel-pass",     "current-epoch",
    "myid",          "resolve-hostnames", "announce-hostnames",
};

static int pass_of(const char *sub) {
    CORE_ASSERT(strlen(sub) < CORE__CONF_LINE_MAX);
    CORE_ASSERT(sub != NULL);
    for (size_t k = 0; k < sizeof(pre_monitor) / sizeof(pre_monitor[0]); k++) {
        if (core__strcasecmp(sub, pre_monitor[k]) == 0) { return 0; }
    }
    return core__strcasecmp(sub, "monitor") == 0 ? 1 : 2;
}

/* The outcome of one directive: an error message, or NULL. */
struct verdict {
    int rc;
    const char *msg;
};

static int yesno(const char *v) {
    CORE_ASSERT(strlen(v) < CORE__CONF_LINE_MAX);
    CORE_ASSERT(v != NULL);
    if (core__strcasecmp(v, "yes") == 0) { return 1; }
    if (core__strcasecmp(v, "no") == 0) { return 0; }
    return -1;
}

static bool copy_secret(char *dst, const char *src) {
    CORE_ASSERT(dst != NULL);
    CORE_ASSERT(src != NULL);
    if (strlen(src) >= CORE__SECRET_MAX) { return false; }
    snprintf(dst, CORE__SECRET_MAX, "%s", src);
    return true;
}

#define FAIL(msg)  ((struct verdict){CORE_E_CONFIG, (msg)})
#define LIMIT(msg) ((struct verdict){CORE_E_LIMIT, (msg)})
#define OK         ((struct verdict){CORE_OK, NULL})

/* Global (pass 0) directives. */
static struct verdict global_directive(struct core_sentinel *s,
                                       uint32_t argc,
                                       const char *const *a) {
    const char *k = a[0];
    CORE_ASSERT(argc == 2);
    if (!core__strcasecmp(k, "announce-ip")) {
        if (strlen(a[1]) >= CORE_IP_MAX) { return LIMIT("announce-ip too long (sentsim limit)."); }
        snprintf(s->announce_ip, sizeof(s->announce_ip), "%s", a[1]);
    } else if (!core__strcasecmp(k, "announce-port")) {
        s->announce_port = (uint16_t)core__atoi(a[1]);
    } else if (!core__strcasecmp(k, "deny-scripts-reconfig")) {
        int v = yesno(a[1]);
        if (v < 0) {
            return FAIL("Please specify yes or no for the deny-scripts-reconfig options.");
        }
        s->deny_scripts_reconfig = v == 1;
        s->keep_deny_line = true;
    } else if (!core__strcasecmp(k, "sentinel-user") || !core__strcasecmp(k, "sentinel-pass")) {
        char *dst = !core__strcasecmp(k, "sentinel-user") ? s->sentinel_user : s->sentinel_pass;
        if (a[1][0] != '\0' && !copy_secret(dst, a[1])) { return LIMIT("Secret too long."); }
    } else if (!core__strcasecmp(k, "current-epoch")) {
        uint64_t e = strtoull(a[1], NULL, 10);
        if (e > s->current_epoch) { s->current_epoch = e; }
    } else if (!core__strcasecmp(k, "myid")) {
        if (strlen(a[1]) != CORE_RUNID_LEN) {
            return FAIL("Malformed Sentinel id in myid option.");
        }
        memcpy(s->myid, a[1], CORE_RUNID_LEN + 1);
    } else {
        bool resolve = !core__strcasecmp(k, "resolve-hostnames");
        int v = yesno(a[1]);
        if (v < 0) {
            return FAIL(resolve ? "Please specify yes or no for the resolve-hostnames option."
                                : "Please specify yes or no for the announce-hostnames option.");
        }
        *(resolve ? &s->resolve_hostnames : &s->announce_hostnames) = v == 1;
        *(resolve ? &s->keep_resolve_line : &s->keep_announce_hn_line) = true;
    }
    return OK;
}

static struct verdict monitor_directive(struct core_sentinel *s, const char *const *a) {
    CORE_ASSERT(a != NULL);
    CORE_ASSERT(a[4] != NULL);
    int64_t quorum = core__atoi(a[4]);
    uint32_t m;
    const char *err = NULL;
    if (quorum <= 0) { return FAIL("Quorum must be 1 or greater."); }
    int rc = core__create_master(s, a[1], a[2], core__atoi(a[3]), quorum, &m, &err);
    return (struct verdict){rc, err};
}

static struct verdict timing_directive(struct core_sentinel *s,
                                       struct core__master *m,
                                       const char *k,
                                       const char *v) {
    int64_t ms = core__atoi(v);
    struct core__inst *mi = core__minst(s, m);
    if (!core__strcasecmp(k, "down-after-milliseconds")) {
        mi->down_after_period = ms;
        if (ms <= 0) { return FAIL("negative or zero time parameter."); }
        for (uint32_t j = 0; j < m->nreplicas; j++) {
            core__inst(s, m->replicas[j])->down_after_period = ms;
        }
        for (uint32_t j = 0; j < m->nsentinels; j++) {
            core__inst(s, m->sentinels[j])->down_after_period = ms;
        }
    } else if (!core__strcasecmp(k, "failover-timeout")) {
        m->failover_timeout = ms;
        if (ms <= 0) { return FAIL("negative or zero time parameter."); }
    } else {
        CORE_ASSERT(!core__strcasecmp(k, "master-reboot-down-after-period"));
        m->master_reboot_down_after_period = ms;
        if (ms < 0) { return FAIL("negative time parameter."); }
    }
    return OK;
}

static struct verdict rename_directive(struct core__master *m, const char *from, const char *to) {
    CORE_ASSERT(m->nrenames <= CORE__RENAMES_MAX);
    CORE_ASSERT(from != NULL && to != NULL);
    for (uint32_t k = 0; k < m->nrenames; k++) {
        if (core__strcasecmp(m->renames[k].from, from) == 0) {
            return FAIL("Same command renamed multiple times with rename-command.");
        }
    }
    if (m->nrenames == CORE__RENAMES_MAX || strlen(from) >= CORE__CMDNAME_MAX ||
        strlen(to) >= CORE__CMDNAME_MAX) {
        return LIMIT("Too many or too long rename-command mappings (sentsim limit).");
    }
    snprintf(m->renames[m->nrenames].from, CORE__CMDNAME_MAX, "%s", from);
    snprintf(m->renames[m->nrenames].to, CORE__CMDNAME_MAX, "%s", to);
    m->nrenames++;
    return OK;
}

static struct verdict known_directive(struct core_sentinel *s,
                                      uint32_t mslot,
                                      uint32_t argc,
                                      const char *const *a) {
    const char *err = NULL;
    uint32_t r;
    CORE_ASSERT(argc == 4 || argc == 5);
    if (core__strcasecmp(a[0], "known-sentinel") != 0) {
        int rc = core__create_replica(s, mslot, a[2], core__atoi(a[3]), &r, &err);
        return (struct verdict){rc, err};
    }
    CORE_ASSERT(argc == 5);
    int rc = core__create_sentinel(s, mslot, a[4], a[2], core__atoi(a[3]), &r, &err);
    if (rc != CORE_OK) { return (struct verdict){rc, err}; }
    core__try_link_sharing(s, r);
    return OK;
}

static struct verdict string_directive(struct core__master *m, const char *k, const char *v) {
    CORE_ASSERT(k != NULL);
    CORE_ASSERT(v != NULL);
    bool script = !core__strcasecmp(k, "notification-script") ||
                  !core__strcasecmp(k, "client-reconfig-script");
    if (script) {
        /* Executability cannot be checked without I/O: the path is kept as is. */
        if (strlen(v) >= CORE__PATH_MAX) { return LIMIT("Script path too long."); }
        char *dst = !core__strcasecmp(k, "notification-script") ? m->notification_script
                                                                : m->client_reconfig_script;
        snprintf(dst, CORE__PATH_MAX, "%s", v);
        return OK;
    }
    bool pass = !core__strcasecmp(k, "auth-pass");
    if (!copy_secret(pass ? m->auth_pass : m->auth_user, v)) { return LIMIT("Secret too long."); }
    *(pass ? &m->has_auth_pass : &m->has_auth_user) = true;
    return OK;
}

/* Per-master (pass 2) directives. */
static struct verdict master_directive(struct core_sentinel *s,
                                       uint32_t argc,
                                       const char *const *a) {
    const char *k = a[0];
    /* The old form without a run id is ignored before the master lookup. */
    if (!core__strcasecmp(k, "known-sentinel") && argc == 4) { return OK; }
    uint32_t mslot = core__master_by_name(s, a[1], strlen(a[1]));
    if (mslot == CORE__NONE) { return FAIL("No such master with specified name."); }
    struct core__master *m = &s->masters[mslot];
    if (!core__strcasecmp(k, "known-replica") || !core__strcasecmp(k, "known-slave") ||
        !core__strcasecmp(k, "known-sentinel")) {
        return known_directive(s, mslot, argc, a);
    }
    if (!core__strcasecmp(k, "rename-command")) { return rename_directive(m, a[2], a[3]); }
    if (!core__strcasecmp(k, "parallel-syncs")) {
        m->parallel_syncs = core__atoi(a[2]);
    } else if (!core__strcasecmp(k, "config-epoch")) {
        m->config_epoch = strtoull(a[2], NULL, 10);
        if (m->config_epoch > s->current_epoch) { s->current_epoch = m->config_epoch; }
    } else if (!core__strcasecmp(k, "leader-epoch")) {
        m->leader_epoch = strtoull(a[2], NULL, 10);
    } else if (!core__strcasecmp(k, "auth-pass") || !core__strcasecmp(k, "auth-user") ||
               !core__strcasecmp(k, "notification-script") ||
               !core__strcasecmp(k, "client-reconfig-script")) {
        return string_directive(m, k, a[2]);
    } else {
        return timing_directive(s, m, k, a[2]);
    }
    return OK;
}

/* The directives of pass 2 and their word counts (after `sentinel`). */
static const struct {
    const char *name;
    uint32_t argc;
    uint32_t argc_alt;
} per_master[] = {
    {"down-after-milliseconds", 3, 3},
    {"failover-timeout", 3, 3},
    {"parallel-syncs", 3, 3},
    {"notification-script", 3, 3},
    {"client-reconfig-script", 3, 3},
    {"auth-pass", 3, 3},
    {"auth-user", 3, 3},
    {"config-epoch", 3, 3},
    {"leader-epoch", 3, 3},
    {"known-slave", 4, 4},
    {"known-replica", 4, 4},
    {"known-sentinel", 4, 5},
    {"rename-command", 4, 4},
    {"master-reboot-down-after-period", 3, 3},
};

/* Mirrors sentinelHandleConfiguration(); a[0] is the word after `sentinel`. */
static struct verdict sentinel_directive(struct core_sentinel *s,
                                         uint32_t argc,
                                         const char *const *a) {
    CORE_ASSERT(argc >= 1);
    CORE_ASSERT(a[0] != NULL);
    if (pass_of(a[0]) == 0 && argc == 2) { return global_directive(s, argc, a); }
    if (!core__strcasecmp(a[0], "monitor") && argc == 5) { return monitor_directive(s, a); }
    for (size_t k = 0; k < sizeof(per_master) / sizeof(per_master[0]); k++) {
        if (!core__strcasecmp(a[0], per_master[k].name) &&
            (argc == per_master[k].argc || argc == per_master[k].argc_alt)) {
            return master_directive(s, argc, a);
        }
    }
    return FAIL("Unrecognized sentinel configuration statement.");
}

static void set_error(struct core_error *err, uint32_t line, const char *msg) {
    CORE_ASSERT(err != NULL);
    CORE_ASSERT(msg != NULL);
    err->line = line;
    snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

/* Generic directives: only `port` and `requirepass` concern the core. */
static int generic_directive(struct core_sentinel *s,
                             const struct core__conf_args *a,
                             struct core_error *err,
                             uint32_t line) {
    CORE_ASSERT(a->argc >= 1);
    if (core__conf_word_is(a, 0, "port") && a->argc == 2) {
        int64_t port = core__atoi(a->argv[1]);
        if (port < 0 || port > 65535) {
            set_error(err, line, "argument must be between 0 and 65535 inclusive");
            return CORE_E_CONFIG;
        }
        s->port = (uint16_t)port;
    } else if (core__conf_word_is(a, 0, "requirepass") && a->argc == 2) {
        if (!copy_secret(s->requirepass, a->argv[1])) {
            set_error(err, line, "Secret too long.");
            return CORE_E_LIMIT;
        }
    }
    return CORE_OK;
}

/* Walks the text once; pass -1 reads generic directives, 0..2 sentinel ones. */
static int walk(
    struct core_sentinel *s, const char *text, size_t len, int pass, struct core_error *err) {
    struct core__conf_iter it;
    struct core__conf_args *a = core__arena_alloc(s, sizeof(*a));
    int rc;
    core__conf_iter_init(&it, text, len);
    while ((rc = core__conf_next(&it, a)) == 1) {
        bool sentinel_line = core__conf_word_is(a, 0, "sentinel");
        if (pass < 0 && !sentinel_line) {
            rc = generic_directive(s, a, err, it.lineno);
            if (rc != CORE_OK) { return rc; }
            continue;
        }
        if (pass < 0 || !sentinel_line || a->argc < 2 || pass_of(a->argv[1]) != pass) { continue; }
        struct verdict v = sentinel_directive(s, a->argc - 1, a->argv + 1);
        if (v.rc != CORE_OK) {
            set_error(err, it.lineno, v.msg);
            return v.rc;
        }
    }
    if (rc == 0) { return CORE_OK; }
    set_error(err, it.lineno,
              rc == CORE_E_CONFIG ? "Unbalanced quotes in configuration line" : "Line too long");
    return CORE_E_CONFIG;
}

int core__config_load(struct core_sentinel *s,
                      const char *text,
                      size_t len,
                      struct core_error *err) {
    CORE_ASSERT(text != NULL || len == 0);
    CORE_ASSERT(err != NULL);
    for (int pass = -1; pass <= 2; pass++) {
        int rc = walk(s, text, len, pass, err);
        if (rc != CORE_OK) { return rc; }
    }
    return CORE_OK;
}
