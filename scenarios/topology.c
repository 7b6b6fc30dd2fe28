/* topology.c: monitored masters, data nodes and sentinels of a scenario.
 *
 * Method: two passes. The first reads `masters:` and `sentinels:` in file
 * order, giving every process an index and keeping replicaof targets as
 * names (a chain may name a replica declared further down); the second
 * resolves those names, requires each upstream to be in the same monitored
 * master, and follows every chain to the master so a cycle is reported
 * instead of looping. The compact forms (`replicas: 500`, `masters:
 * {count: 100, replicas: 3}`) expand to the same arrays with generated
 * names (m1, m1r1, ...), so drivers never see the difference.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/check.h"
#include "scenarios/walk.h"

static const char *const reserved_names[] = {"all", "any", "client", "harness", "master"};

/* ---------------------------------------------------------------- settings */

static const char *const settings_keys[] = {
    "quorum",
    "down-after-milliseconds",
    "failover-timeout",
    "parallel-syncs",
    "auth-pass",
    "auth-user",
    "master-reboot-down-after-period",
};
#define SETTINGS_KEYS_LEN (sizeof settings_keys / sizeof settings_keys[0])

/* Applies one settings key; returns 1 if `kv` was one, 0 if not, -1 on error. */
static int settings_key(struct scn__ctx *c,
                        const struct scn__kv *kv,
                        struct scn_master_settings *out) {
    uint64_t ms = 0;
    int k = -1;
    for (size_t i = 0; i < SETTINGS_KEYS_LEN; i++) {
        if (strcmp(kv->key, settings_keys[i]) == 0) { k = (int)i; }
    }
    switch (k) {
    case -1:
        return 0;
    case 0:
        return scn__u32(c, kv->value, kv->pos, "'quorum'", 1, SCN_SENTINELS_MAX, &out->quorum) < 0
                   ? -1
                   : 1;
    case 1:
    case 2:
    case 6: {
        char what[96];
        snprintf(what, sizeof what, "'%s'", kv->key);
        if (scn__duration(c, kv->value, kv->pos, what, k == 6, &ms) < 0) { return -1; }
        if (ms > UINT32_MAX) {
            return scn__fail(c, kv->pos, "'%s' is too large (at most %u ms)", kv->key, UINT32_MAX);
        }
        if (k == 1) { out->down_after_ms = (uint32_t)ms; }
        if (k == 2) { out->failover_timeout_ms = (uint32_t)ms; }
        if (k == 6) { out->master_reboot_down_after_ms = (uint32_t)ms; }
        return 1;
    }
    case 3:
        return scn__u32(c, kv->value, kv->pos, "'parallel-syncs'", 1, SCN_NODES_MAX,
                        &out->parallel_syncs) < 0
                   ? -1
                   : 1;
    case 4:
        return scn__str(c, kv->value, kv->pos, "'auth-pass'", out->auth_pass,
                        sizeof out->auth_pass) < 0
                   ? -1
                   : 1;
    case 5:
        return scn__str(c, kv->value, kv->pos, "'auth-user'", out->auth_user,
                        sizeof out->auth_user) < 0
                   ? -1
                   : 1;
    default:
        SCN_UNREACHABLE();
    }
}

int scn__load_settings(struct scn__ctx *c,
                       struct fy_node *n,
                       struct scn_pos pos,
                       struct scn_master_settings *out) {
    if (scn__want_map(c, n, pos, "'defaults'") < 0) { return -1; }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int got = settings_key(c, &kv, out);
        if (got < 0) { return -1; }
        if (got == 0) {
            return scn__key_index(c, &kv, settings_keys, SETTINGS_KEYS_LEN, "'defaults'");
        }
    }
    return r;
}

/* ---------------------------------------------------------------- names */

static int check_name(struct scn__ctx *c, const char *name, struct scn_pos pos, const char *what) {
    size_t len = strlen(name);
    bool ok = len > 0 && ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'));
    for (size_t i = 0; ok && i < len; i++) {
        char ch = name[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '_' || ch == '-' || ch == '.';
    }
    if (!ok) {
        return scn__fail(c, pos,
                         "%s name '%s' must start with a letter and use only letters, digits, "
                         "'_', '-' and '.'",
                         what, name);
    }
    for (size_t i = 0; i < sizeof reserved_names / sizeof reserved_names[0]; i++) {
        if (strcmp(name, reserved_names[i]) == 0) {
            return scn__fail(c, pos, "'%s' is a reserved word and cannot name a %s", name, what);
        }
    }
    return 0;
}

/* Node and sentinel names share one namespace: every step names either. */
static int check_unique_proc(struct scn__ctx *c, const char *name, struct scn_pos pos) {
    struct scn_proc p;
    if (scn__names_find(c, name, &p) == 0) {
        struct scn_pos first =
            p.kind == SCN_PROC_NODE ? c->s->nodes[p.index].pos : c->s->sentinels[p.index].pos;
        return scn__fail(c, pos, "name '%s' is already used (line %u)", name, first.line);
    }
    return 0;
}

/* ---------------------------------------------------------------- nodes */

static int grow(struct scn__ctx *c,
                void **arr,
                size_t elem,
                uint32_t len,
                uint32_t max,
                struct scn_pos pos,
                const char *what) {
    if (len >= max) { return scn__fail(c, pos, "too many %s (at most %u)", what, max); }
    /* Grow at powers of two so the array is reallocated O(log n) times. */
    if (len != 0 && (len & (len - 1)) != 0) { return 0; }
    size_t cap = len == 0 ? 4 : (size_t)len * 2;
    void *p = realloc(*arr, cap * elem);
    if (p == NULL) { return scn__fail(c, pos, "out of memory"); }
    *arr = p;
    return 0;
}

/* Appends a node with defaults; returns its index or -1. */
static int add_node(struct scn__ctx *c, const char *name, uint32_t group, struct scn_pos pos) {
    struct scn *s = c->s;
    if (check_name(c, name, pos, "node") < 0 || check_unique_proc(c, name, pos) < 0) { return -1; }
    if (grow(c, (void **)&s->nodes, sizeof *s->nodes, s->nodes_len, SCN_NODES_MAX, pos,
             "data nodes") < 0 ||
        grow(c, (void **)&c->upstream_name, sizeof *c->upstream_name, s->nodes_len, SCN_NODES_MAX,
             pos, "data nodes") < 0 ||
        grow(c, (void **)&c->upstream_pos, sizeof *c->upstream_pos, s->nodes_len, SCN_NODES_MAX,
             pos, "data nodes") < 0) {
        return -1;
    }
    struct scn_node *n = &s->nodes[s->nodes_len];
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    n->group = group;
    n->replicaof = -1;
    n->priority = 100;
    n->announced = true;
    n->min_replicas_max_lag_s = 10;
    n->pos = pos;
    c->upstream_name[s->nodes_len][0] = '\0';
    c->upstream_pos[s->nodes_len] = pos;
    struct scn_proc p = {SCN_PROC_NODE, s->nodes_len++};
    return scn__names_add(c, p, pos) < 0 ? -1 : (int)p.index;
}

static const char *const node_keys[] = {
    "replicaof",
    "priority",
    "announced",
    "requirepass",
    "masterauth",
    "min-replicas-to-write",
    "min-replicas-max-lag",
    "name",
};
#define NODE_KEYS_LEN (sizeof node_keys / sizeof node_keys[0])

/* Reads a node's settings mapping. `is_master`: no replicaof allowed;
 * `allow_name`: the mapping may carry `name:` (the master's long form). */
static int node_settings(
    struct scn__ctx *c, struct fy_node *map, uint32_t idx, bool is_master, bool allow_name) {
    struct scn_node *n = &c->s->nodes[idx];
    char where[112];
    snprintf(where, sizeof where, "node '%s'", n->name);
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, map, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, node_keys, allow_name ? NODE_KEYS_LEN : NODE_KEYS_LEN - 1,
                               where);
        switch (k) {
        case 0:
            if (is_master) {
                return scn__fail(c, kv.key_pos,
                                 "node '%s' is the master of '%s' and cannot have replicaof",
                                 n->name, c->s->groups[n->group].name);
            }
            if (kv.value != NULL && fy_node_is_sequence(kv.value)) {
                return scn__fail(c, kv.pos, "node '%s' has more than one replicaof; name one node",
                                 n->name);
            }
            if (scn__str(c, kv.value, kv.pos, "'replicaof'", c->upstream_name[idx], SCN_NAME_MAX) <
                0) {
                return -1;
            }
            c->upstream_pos[idx] = kv.pos;
            break;
        case 1:
            if (scn__u32(c, kv.value, kv.pos, "'priority'", 0, 1000000, &n->priority) < 0) {
                return -1;
            }
            break;
        case 2:
            if (scn__bool(c, kv.value, kv.pos, "'announced'", &n->announced) < 0) { return -1; }
            break;
        case 3:
            if (scn__str(c, kv.value, kv.pos, "'requirepass'", n->requirepass,
                         sizeof n->requirepass) < 0) {
                return -1;
            }
            break;
        case 4:
            if (scn__str(c, kv.value, kv.pos, "'masterauth'", n->masterauth, sizeof n->masterauth) <
                0) {
                return -1;
            }
            break;
        case 5:
            if (scn__u32(c, kv.value, kv.pos, "'min-replicas-to-write'", 0, SCN_NODES_MAX,
                         &n->min_replicas_to_write) < 0) {
                return -1;
            }
            break;
        case 6:
            if (scn__u32(c, kv.value, kv.pos, "'min-replicas-max-lag'", 1, 3600,
                         &n->min_replicas_max_lag_s) < 0) {
                return -1;
            }
            break;
        case 7:
            break; /* read by the caller before the node existed */
        default:
            return -1;
        }
    }
    return r;
}

/* `replicas: N` generates <master>r1..<master>rN. */
static int gen_replicas(struct scn__ctx *c, uint32_t group, uint32_t count, struct scn_pos pos) {
    /* A copy: add_node() may move the nodes array. */
    char master[SCN_NAME_MAX];
    snprintf(master, sizeof master, "%s", c->s->nodes[c->s->groups[group].master].name);
    for (uint32_t i = 1; i <= count; i++) {
        char name[SCN_NAME_MAX + 16];
        snprintf(name, sizeof name, "%sr%u", master, i);
        if (strlen(name) >= SCN_NAME_MAX) {
            return scn__fail(c, pos, "generated name '%s' is too long", name);
        }
        if (add_node(c, name, group, pos) < 0) { return -1; }
    }
    return 0;
}

static int replica_named(struct scn__ctx *c,
                         struct fy_node *key_or_item,
                         struct scn_pos pos,
                         uint32_t group,
                         struct fy_node *settings,
                         struct scn_pos settings_pos) {
    char name[SCN_NAME_MAX];
    if (scn__str(c, key_or_item, pos, "replica name", name, sizeof name) < 0) { return -1; }
    int idx = add_node(c, name, group, pos);
    if (idx < 0) { return -1; }
    if (settings == NULL) { return 0; }
    if (scn__want_map(c, settings, settings_pos, "a replica's settings") < 0) { return -1; }
    return node_settings(c, settings, (uint32_t)idx, false, false);
}

static int load_replicas(struct scn__ctx *c,
                         struct fy_node *n,
                         struct scn_pos pos,
                         uint32_t group) {
    if (n != NULL && fy_node_is_scalar(n) && !fy_node_is_alias(n)) {
        uint32_t count = 0;
        if (scn__u32(c, n, pos, "'replicas'", 0, SCN_NODES_MAX, &count) < 0) { return -1; }
        return gen_replicas(c, group, count, pos);
    }
    if (n != NULL && fy_node_is_sequence(n)) {
        void *it = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
            struct scn_pos ipos = scn__pos(item, pos);
            if (item != NULL && fy_node_is_mapping(item)) {
                return scn__fail(c, ipos,
                                 "a replica with settings is written 'name: {settings}' under "
                                 "'replicas:', not as a list item");
            }
            if (replica_named(c, item, ipos, group, NULL, ipos) < 0) { return -1; }
        }
        return 0;
    }
    if (scn__want_map(c, n, pos, "'replicas'") < 0) { return -1; }
    struct fy_node_pair *p;
    void *it = NULL;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *key = fy_node_pair_key(p);
        struct fy_node *val = fy_node_pair_value(p);
        struct scn_pos kpos = scn__pos(key, pos);
        if (key == NULL || !fy_node_is_scalar(key)) {
            return scn__fail(c, kpos, "replica names must be plain words");
        }
        if (replica_named(c, key, kpos, group, scn__is_null(val) ? NULL : val,
                          scn__pos(val, kpos)) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- groups */

static int add_group(struct scn__ctx *c,
                     const char *name,
                     struct scn_pos pos,
                     const struct scn_master_settings *defaults) {
    struct scn *s = c->s;
    if (check_name(c, name, pos, "master") < 0) { return -1; }
    for (uint32_t i = 0; i < s->groups_len; i++) {
        if (strcmp(s->groups[i].name, name) == 0) {
            return scn__fail(c, pos, "master '%s' is declared twice (line %u)", name,
                             s->groups[i].pos.line);
        }
    }
    if (grow(c, (void **)&s->groups, sizeof *s->groups, s->groups_len, SCN_GROUPS_MAX, pos,
             "monitored masters") < 0) {
        return -1;
    }
    struct scn_group *g = &s->groups[s->groups_len];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    g->settings = *defaults;
    g->pos = pos;
    return (int)s->groups_len++;
}

static int finish_group(struct scn__ctx *c, uint32_t group) {
    struct scn_group *g = &c->s->groups[group];
    if (g->settings.quorum == 0) {
        return scn__fail(c, g->pos,
                         "master '%s' has no quorum (set 'quorum' here or under 'defaults')",
                         g->name);
    }
    return 0;
}

static const char *const group_keys[] = {
    "master",
    "replicas",
    "quorum",
    "down-after-milliseconds",
    "failover-timeout",
    "parallel-syncs",
    "auth-pass",
    "auth-user",
    "master-reboot-down-after-period",
};
#define GROUP_KEYS_LEN (sizeof group_keys / sizeof group_keys[0])

/* The initial master: `master: m` or `master: {name: m, requirepass: ...}`. */
static int group_master(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, uint32_t group) {
    char name[SCN_NAME_MAX];
    struct fy_node *settings = NULL;
    if (n != NULL && fy_node_is_mapping(n)) {
        struct fy_node *nm = fy_node_mapping_lookup_by_string(n, "name", 4);
        if (scn__is_null(nm)) {
            return scn__fail(c, pos, "the master's settings need 'name:' (the node's name)");
        }
        if (scn__str(c, nm, scn__pos(nm, pos), "the master's name", name, sizeof name) < 0) {
            return -1;
        }
        settings = n;
        pos = scn__pos(nm, pos);
    } else if (scn__str(c, n, pos, "the master's name", name, sizeof name) < 0) {
        return -1;
    }
    int idx = add_node(c, name, group, pos);
    if (idx < 0) { return -1; }
    c->s->groups[group].master = (uint32_t)idx;
    return settings == NULL ? 0 : node_settings(c, settings, (uint32_t)idx, true, true);
}

static int load_group(struct scn__ctx *c,
                      const char *name,
                      struct scn_pos pos,
                      struct fy_node *n,
                      struct scn_pos vpos,
                      const struct scn_master_settings *defaults) {
    int group = add_group(c, name, pos, defaults);
    if (group < 0) { return -1; }
    char where[112];
    snprintf(where, sizeof where, "master '%s'", name);
    if (scn__want_map(c, n, vpos, where) < 0) { return -1; }
    struct fy_node *master = fy_node_mapping_lookup_by_string(n, "master", 6);
    if (scn__is_null(master)) {
        return scn__fail(c, vpos, "master '%s' needs 'master:' (its initial master node)", name);
    }
    struct scn_pos mpos = scn__pos(master, vpos);
    if (group_master(c, master, mpos, (uint32_t)group) < 0) { return -1; }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, group_keys, GROUP_KEYS_LEN, where);
        if (k < 0) { return -1; }
        if (k == 1) {
            if (kv.value == NULL) { continue; }
            if (load_replicas(c, kv.value, kv.pos, (uint32_t)group) < 0) { return -1; }
        } else if (k >= 2 && settings_key(c, &kv, &c->s->groups[group].settings) < 0) {
            return -1;
        }
    }
    if (r < 0) { return -1; }
    return finish_group(c, (uint32_t)group);
}

static const char *const generated_keys[] = {
    "count",
    "replicas",
    "quorum",
    "down-after-milliseconds",
    "failover-timeout",
    "parallel-syncs",
    "auth-pass",
    "auth-user",
    "master-reboot-down-after-period",
};

/* masters: {count: 100, replicas: 3} -> groups m1..m100, nodes m1, m1r1, ... */
static int load_generated(struct scn__ctx *c,
                          struct fy_node *n,
                          struct scn_pos pos,
                          const struct scn_master_settings *defaults) {
    uint32_t count = 0, replicas = 0;
    struct scn_master_settings set = *defaults;
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k =
            scn__key_index(c, &kv, generated_keys, sizeof generated_keys / sizeof generated_keys[0],
                           "generated 'masters'");
        if (k < 0) { return -1; }
        if (k == 0 && scn__u32(c, kv.value, kv.pos, "'count'", 1, SCN_GROUPS_MAX, &count) < 0) {
            return -1;
        }
        if (k == 1 &&
            scn__u32(c, kv.value, kv.pos, "'replicas'", 0, SCN_NODES_MAX, &replicas) < 0) {
            return -1;
        }
        if (k >= 2 && settings_key(c, &kv, &set) < 0) { return -1; }
    }
    if (r < 0) { return -1; }
    if ((uint64_t)count * (1 + (uint64_t)replicas) > SCN_NODES_MAX) {
        return scn__fail(c, pos, "%u masters with %u replicas each exceed %u data nodes", count,
                         replicas, SCN_NODES_MAX);
    }
    for (uint32_t i = 1; i <= count; i++) {
        char name[SCN_NAME_MAX];
        snprintf(name, sizeof name, "m%u", i);
        int g = add_group(c, name, pos, &set);
        if (g < 0) { return -1; }
        int m = add_node(c, name, (uint32_t)g, pos);
        if (m < 0) { return -1; }
        c->s->groups[g].master = (uint32_t)m;
        if (gen_replicas(c, (uint32_t)g, replicas, pos) < 0 || finish_group(c, (uint32_t)g) < 0) {
            return -1;
        }
    }
    return 0;
}

int scn__load_masters(struct scn__ctx *c,
                      struct fy_node *n,
                      struct scn_pos pos,
                      const struct scn_master_settings *defaults) {
    if (scn__want_map(c, n, pos, "'masters'") < 0) { return -1; }
    struct fy_node *count = fy_node_mapping_lookup_by_string(n, "count", 5);
    if (count != NULL && fy_node_is_scalar(count)) { return load_generated(c, n, pos, defaults); }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        if (load_group(c, kv.key, kv.key_pos, kv.value, kv.pos, defaults) < 0) { return -1; }
    }
    if (r < 0) { return -1; }
    if (c->s->groups_len == 0) { return scn__fail(c, pos, "'masters' declares no master"); }
    return 0;
}

/* ---------------------------------------------------------------- sentinels */

static int add_sentinel(struct scn__ctx *c, const char *name, struct scn_pos pos) {
    struct scn *s = c->s;
    if (check_name(c, name, pos, "sentinel") < 0 || check_unique_proc(c, name, pos) < 0) {
        return -1;
    }
    if (s->sentinels_len >= SCN_SENTINELS_MAX) {
        return scn__fail(c, pos, "too many sentinels (at most %u)", SCN_SENTINELS_MAX);
    }
    struct scn_sentinel *t = &s->sentinels[s->sentinels_len];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->impl = SCN_IMPL_DEFAULT;
    t->pos = pos;
    struct scn_proc p = {SCN_PROC_SENTINEL, s->sentinels_len++};
    return scn__names_add(c, p, pos) < 0 ? -1 : (int)p.index;
}

static const char *const sentinel_keys[] = {"impl", "sentinel-user", "sentinel-pass",
                                            "requirepass"};

static int sentinel_settings(struct scn__ctx *c, struct fy_node *map, struct scn_sentinel *t) {
    char where[112];
    snprintf(where, sizeof where, "sentinel '%s'", t->name);
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, map, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, sentinel_keys, 4, where);
        char word[16];
        if (k < 0) { return -1; }
        if (k == 0) {
            if (scn__str(c, kv.value, kv.pos, "'impl'", word, sizeof word) < 0) {
                return scn__fail(c, kv.pos, "'impl' must be redis or core");
            }
            if (strcmp(word, "redis") == 0) {
                t->impl = SCN_IMPL_REDIS;
            } else if (strcmp(word, "core") == 0) {
                t->impl = SCN_IMPL_CORE;
            } else {
                return scn__fail(c, kv.pos, "'impl' must be redis or core, not '%s'", word);
            }
        }
        if (k == 1 && scn__str(c, kv.value, kv.pos, "'sentinel-user'", t->sentinel_user,
                               sizeof t->sentinel_user) < 0) {
            return -1;
        }
        if (k == 2 && scn__str(c, kv.value, kv.pos, "'sentinel-pass'", t->sentinel_pass,
                               sizeof t->sentinel_pass) < 0) {
            return -1;
        }
        if (k == 3 && scn__str(c, kv.value, kv.pos, "'requirepass'", t->requirepass,
                               sizeof t->requirepass) < 0) {
            return -1;
        }
    }
    return r;
}

int scn__load_sentinels(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    struct scn *s = c->s;
    s->sentinels = calloc(SCN_SENTINELS_MAX, sizeof *s->sentinels);
    if (s->sentinels == NULL) { return scn__fail(c, pos, "out of memory"); }
    if (n != NULL && fy_node_is_scalar(n) && !fy_node_is_alias(n)) {
        uint32_t count = 0;
        if (scn__u32(c, n, pos, "'sentinels'", 1, SCN_SENTINELS_MAX, &count) < 0) { return -1; }
        for (uint32_t i = 1; i <= count; i++) {
            char name[SCN_NAME_MAX];
            snprintf(name, sizeof name, "s%u", i);
            if (add_sentinel(c, name, pos) < 0) { return -1; }
        }
        return 0;
    }
    if (n != NULL && fy_node_is_sequence(n)) {
        void *it = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
            char name[SCN_NAME_MAX];
            struct scn_pos ipos = scn__pos(item, pos);
            if (scn__str(c, item, ipos, "a sentinel name", name, sizeof name) < 0 ||
                add_sentinel(c, name, ipos) < 0) {
                return -1;
            }
        }
    } else {
        if (scn__want_map(c, n, pos, "'sentinels'") < 0) { return -1; }
        struct scn__kv kv;
        void *it = NULL;
        int r;
        while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
            int idx = add_sentinel(c, kv.key, kv.key_pos);
            if (idx < 0) { return -1; }
            if (kv.value == NULL) { continue; }
            if (scn__want_map(c, kv.value, kv.pos, "a sentinel's settings") < 0 ||
                sentinel_settings(c, kv.value, &s->sentinels[idx]) < 0) {
                return -1;
            }
        }
        if (r < 0) { return -1; }
    }
    if (s->sentinels_len == 0) { return scn__fail(c, pos, "'sentinels' declares no sentinel"); }
    return 0;
}

/* ---------------------------------------------------------------- resolution */

static int find_node(const struct scn__ctx *c, const char *name) {
    struct scn_proc p;
    if (scn__names_find(c, name, &p) < 0 || p.kind != SCN_PROC_NODE) { return -1; }
    return (int)p.index;
}

/* `at` lies on a cycle: names it as "a -> b -> a". */
static int cycle_error(struct scn__ctx *c, uint32_t at) {
    char path[200];
    size_t used = 0;
    uint32_t x = at;
    do {
        int w = snprintf(path + used, sizeof path - used, "%s -> ", c->s->nodes[x].name);
        if (w < 0 || (size_t)w >= sizeof path - used) { break; }
        used += (size_t)w;
        x = (uint32_t)c->s->nodes[x].replicaof;
    } while (x != at);
    snprintf(path + used, sizeof path - used, "%s", c->s->nodes[at].name);
    return scn__fail(c, c->upstream_pos[at], "replicaof cycle: %s", path);
}

int scn__resolve_topology(struct scn__ctx *c) {
    struct scn *s = c->s;
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        struct scn_node *n = &s->nodes[i];
        const struct scn_group *g = &s->groups[n->group];
        if (g->master == i) { continue; }
        if (c->upstream_name[i][0] == '\0') {
            n->replicaof = (int32_t)g->master;
            continue;
        }
        int up = find_node(c, c->upstream_name[i]);
        if (up < 0) {
            return scn__fail(c, c->upstream_pos[i], "unknown node '%s' in replicaof of '%s'",
                             c->upstream_name[i], n->name);
        }
        if ((uint32_t)up == i) {
            return scn__fail(c, c->upstream_pos[i], "node '%s' cannot replicate from itself",
                             n->name);
        }
        if (s->nodes[up].group != n->group) {
            return scn__fail(c, c->upstream_pos[i],
                             "'%s' replicates from '%s', which belongs to master '%s', not '%s'",
                             n->name, s->nodes[up].name, s->groups[s->nodes[up].group].name,
                             g->name);
        }
        n->replicaof = up;
    }
    /* Every chain must end at its group's master. Each node is walked once
     * (0 unvisited, 1 on the current walk, 2 known to reach the master), so
     * a 4096-long chain costs 4096 steps, not 4096 squared. */
    uint8_t *mark = calloc(s->nodes_len == 0 ? 1 : s->nodes_len, 1);
    if (mark == NULL) { return scn__fail(c, (struct scn_pos){1, 1}, "out of memory"); }
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        int32_t at = (int32_t)i;
        while (at >= 0 && mark[at] == 0) {
            mark[at] = 1;
            at = s->nodes[at].replicaof;
        }
        if (at >= 0 && mark[at] == 1) {
            free(mark);
            return cycle_error(c, (uint32_t)at);
        }
        for (at = (int32_t)i; at >= 0 && mark[at] == 1; at = s->nodes[at].replicaof) {
            mark[at] = 2;
        }
    }
    free(mark);
    return 0;
}
