/* expect.c: the `expect:` section, what a run must show to pass.
 *
 * Method: expectations are sets and bounds rather than single values
 * (master one-of, leader one-of, failovers min..max) because real Sentinel
 * legitimately varies from run to run; a scenario pins only what the spec
 * makes certain. With one monitored master, its expectations may be written
 * directly under `expect:`; with several they go under `expect.masters`.
 * Skeleton lines are kept as normalized text (spaces collapsed) after their
 * event name is checked against the 7.0 catalogue.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/check.h"
#include "scenarios/walk.h"

/* ---------------------------------------------------------------- sets and bounds */

/* One name or a list of names, all of `kind`; `what` names the key. */
static int one_of(struct scn__ctx *c,
                  const struct scn__kv *kv,
                  enum scn_proc_kind kind,
                  struct scn_set *out) {
    char what[96];
    snprintf(what, sizeof what, "expect '%s'", kv->key);
    if (out->items != NULL) { return scn__fail(c, kv->key_pos, "'%s' given twice", kv->key); }
    if (scn__proc_set(c, kv->value, kv->pos, what, out) < 0) { return -1; }
    for (uint32_t i = 0; i < out->len; i++) {
        if (out->items[i].kind != kind) {
            return scn__fail(c, kv->pos, "%s takes %s; '%s' is a %s", what,
                             kind == SCN_PROC_NODE ? "data nodes" : "sentinels",
                             scn_proc_name(c->s, out->items[i]),
                             kind == SCN_PROC_NODE ? "sentinel" : "data node");
        }
    }
    return 0;
}

/* `N` (exactly) or {min: a, max: b}; absent bounds are left as they are. */
static int bounds(struct scn__ctx *c,
                  const struct scn__kv *kv,
                  uint64_t max_value,
                  uint64_t *min,
                  uint64_t *max) {
    if (kv->value != NULL && fy_node_is_mapping(kv->value)) {
        static const char *const keys[] = {"min", "max"};
        struct scn__kv in;
        void *it = NULL;
        int r;
        while ((r = scn__next_pair(c, kv->value, &it, &in)) > 0) {
            int k = scn__key_index(c, &in, keys, 2, kv->key);
            if (k < 0 ||
                scn__u64(c, in.value, in.pos, k == 0 ? "'min'" : "'max'", k == 0 ? min : max) < 0) {
                return -1;
            }
        }
        if (r < 0) { return -1; }
    } else {
        if (scn__u64(c, kv->value, kv->pos, kv->key, min) < 0) { return -1; }
        *max = *min;
    }
    if (*min > max_value || (*max != UINT64_MAX && *max > max_value)) {
        return scn__fail(c, kv->pos, "'%s' bound is too large", kv->key);
    }
    if (*max != UINT64_MAX && *min > *max) {
        return scn__fail(c, kv->pos, "'%s': min %llu is above max %llu", kv->key,
                         (unsigned long long)*min, (unsigned long long)*max);
    }
    return 0;
}

/* ---------------------------------------------------------------- per master */

static int node_named(struct scn__ctx *c,
                      const char *name,
                      struct scn_pos pos,
                      uint32_t group,
                      const char *what,
                      uint32_t *out) {
    struct scn_proc p;
    if (scn__names_find(c, name, &p) < 0) {
        return scn__fail(c, pos, "unknown node '%s' in %s", name, what);
    }
    if (p.kind != SCN_PROC_NODE) {
        return scn__fail(c, pos, "%s takes data nodes; '%s' is a sentinel", what, name);
    }
    if (c->s->nodes[p.index].group != group) {
        return scn__fail(c, pos, "node '%s' does not belong to master '%s'", name,
                         c->s->groups[group].name);
    }
    *out = p.index;
    return 0;
}

/* replicas: {r2: master, r1a: r1}: who each node replicates from at the end. */
static int expect_replicas(struct scn__ctx *c,
                           const struct scn__kv *kv,
                           struct scn_expect_group *eg) {
    if (scn__want_map(c, kv->value, kv->pos, "expect 'replicas'") < 0) { return -1; }
    if (eg->replicas != NULL) { return scn__fail(c, kv->key_pos, "'replicas' given twice"); }
    int count = fy_node_mapping_item_count(kv->value);
    SCN_ASSERT(count > 0);
    if ((uint32_t)count > c->s->nodes_len) {
        return scn__fail(c, kv->pos, "expect 'replicas' names more nodes than exist");
    }
    eg->replicas = calloc((size_t)count, sizeof *eg->replicas);
    if (eg->replicas == NULL) { return scn__fail(c, kv->pos, "out of memory"); }
    struct scn__kv in;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, kv->value, &it, &in)) > 0) {
        struct scn_expect_replica *er = &eg->replicas[eg->replicas_len];
        if (node_named(c, in.key, in.key_pos, eg->group, "expect 'replicas'", &er->node) < 0) {
            return -1;
        }
        for (uint32_t i = 0; i < eg->replicas_len; i++) {
            if (eg->replicas[i].node == er->node) {
                return scn__fail(c, in.key_pos, "'%s' appears twice in expect 'replicas'", in.key);
            }
        }
        er->pos = in.key_pos;
        char name[SCN_NAME_MAX];
        if (scn__str(c, in.value, in.pos, "an upstream", name, sizeof name) < 0) { return -1; }
        if (strcmp(name, "master") == 0) {
            er->upstream = SCN_UPSTREAM_MASTER;
            eg->replicas_len++;
            continue;
        }
        uint32_t up = 0;
        if (node_named(c, name, in.pos, eg->group, "expect 'replicas'", &up) < 0) { return -1; }
        if (up == er->node) {
            return scn__fail(c, in.pos, "node '%s' cannot replicate from itself", in.key);
        }
        er->upstream = (int32_t)up;
        eg->replicas_len++;
    }
    return r;
}

static const char *const group_keys[] = {"master", "replicas", "sentinels-agree"};

/* Applies a per-master key; returns 1 if `kv` was one, 0 if not, -1. */
static int group_key(struct scn__ctx *c, const struct scn__kv *kv, struct scn_expect_group *eg) {
    if (strcmp(kv->key, "master") == 0) {
        if (one_of(c, kv, SCN_PROC_NODE, &eg->master_one_of) < 0) { return -1; }
        for (uint32_t i = 0; i < eg->master_one_of.len; i++) {
            uint32_t node = eg->master_one_of.items[i].index;
            if (c->s->nodes[node].group != eg->group) {
                return scn__fail(c, kv->pos, "node '%s' does not belong to master '%s'",
                                 c->s->nodes[node].name, c->s->groups[eg->group].name);
            }
        }
        return 1;
    }
    if (strcmp(kv->key, "replicas") == 0) { return expect_replicas(c, kv, eg) < 0 ? -1 : 1; }
    if (strcmp(kv->key, "sentinels-agree") == 0) {
        return scn__bool(c, kv->value, kv->pos, "'sentinels-agree'", &eg->sentinels_agree) < 0 ? -1
                                                                                               : 1;
    }
    return 0;
}

static int add_group(struct scn__ctx *c,
                     uint32_t group,
                     struct scn_pos pos,
                     struct scn_expect_group **out) {
    struct scn_expect *e = &c->s->expect;
    for (uint32_t i = 0; i < e->groups_len; i++) {
        if (e->groups[i].group == group) {
            *out = &e->groups[i];
            return 0;
        }
    }
    if (e->groups == NULL) {
        e->groups = calloc(c->s->groups_len, sizeof *e->groups);
        if (e->groups == NULL) { return scn__fail(c, pos, "out of memory"); }
    }
    SCN_ASSERT(e->groups_len < c->s->groups_len);
    *out = &e->groups[e->groups_len++];
    (*out)->group = group;
    (*out)->pos = pos;
    return 0;
}

static int expect_masters(struct scn__ctx *c, const struct scn__kv *kv) {
    if (scn__want_map(c, kv->value, kv->pos, "expect 'masters'") < 0) { return -1; }
    struct scn__kv g;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, kv->value, &it, &g)) > 0) {
        uint32_t group = 0;
        bool found = false;
        for (uint32_t i = 0; i < c->s->groups_len && !found; i++) {
            if (strcmp(c->s->groups[i].name, g.key) == 0) {
                group = i;
                found = true;
            }
        }
        if (!found) { return scn__fail(c, g.key_pos, "unknown master '%s' in expect", g.key); }
        char where[112];
        snprintf(where, sizeof where, "expect for master '%s'", g.key);
        if (scn__want_map(c, g.value, g.pos, where) < 0) { return -1; }
        struct scn_expect_group *eg = NULL;
        if (add_group(c, group, g.key_pos, &eg) < 0) { return -1; }
        struct scn__kv in;
        void *it2 = NULL;
        int r2;
        while ((r2 = scn__next_pair(c, g.value, &it2, &in)) > 0) {
            int got = group_key(c, &in, eg);
            if (got < 0) { return -1; }
            if (got == 0) { return scn__key_index(c, &in, group_keys, 3, where); }
        }
        if (r2 < 0) { return -1; }
    }
    return r;
}

/* ---------------------------------------------------------------- skeletons, never */

/* Copies a skeleton line with runs of blanks collapsed and its event checked. */
static int skeleton_line(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, char *dst) {
    char raw[SCN_TEXT_MAX];
    if (scn__str(c, n, pos, "a skeleton line", raw, sizeof raw) < 0) { return -1; }
    size_t o = 0;
    for (size_t i = 0; raw[i] != '\0'; i++) {
        bool blank = raw[i] == ' ' || raw[i] == '\t';
        if (blank && (o == 0 || dst[o - 1] == ' ')) { continue; }
        dst[o++] = blank ? ' ' : raw[i];
    }
    while (o > 0 && dst[o - 1] == ' ') {
        o--;
    }
    dst[o] = '\0';
    if (o == 0) { return scn__fail(c, pos, "empty skeleton line"); }
    char type[SCN_EVENT_TYPE_MAX];
    size_t tl = strcspn(dst, " ");
    if (tl >= sizeof type) {
        return scn__fail(c, pos, "skeleton line '%.40s' does not start with an event", dst);
    }
    memcpy(type, dst, tl);
    type[tl] = '\0';
    return scn__check_event(c, type, pos);
}

static int expect_skeletons(struct scn__ctx *c, const struct scn__kv *kv) {
    static const char *const roles[] = {"L", "F", "any"};
    struct scn_expect *e = &c->s->expect;
    if (scn__want_map(c, kv->value, kv->pos, "expect 'skeletons'") < 0) { return -1; }
    int count = fy_node_mapping_item_count(kv->value);
    SCN_ASSERT(count > 0 && count <= 3);
    e->skeletons = calloc((size_t)count, sizeof *e->skeletons);
    if (e->skeletons == NULL) { return scn__fail(c, kv->pos, "out of memory"); }
    struct scn__kv in;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, kv->value, &it, &in)) > 0) {
        int k = scn__key_index(c, &in, roles, 3, "expect 'skeletons' (roles are L, F and any)");
        if (k < 0) { return -1; }
        struct scn_skeleton *sk = &e->skeletons[e->skeletons_len++];
        sk->role = (enum scn_role)k;
        sk->pos = in.key_pos;
        if (scn__want_seq(c, in.value, in.pos, "a skeleton") < 0) { return -1; }
        int lines = fy_node_sequence_item_count(in.value);
        if (lines <= 0 || lines > 1024) {
            return scn__fail(c, in.pos, "a skeleton has 1 to 1024 lines, not %d", lines);
        }
        sk->lines = calloc((size_t)lines, sizeof *sk->lines);
        if (sk->lines == NULL) { return scn__fail(c, in.pos, "out of memory"); }
        void *lit = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(in.value, &lit)) != NULL) {
            SCN_ASSERT(sk->len < (uint32_t)lines);
            if (skeleton_line(c, item, scn__pos(item, in.pos), sk->lines[sk->len]) < 0) {
                return -1;
            }
            sk->len++;
        }
    }
    return r;
}

static int never_item(struct scn__ctx *c,
                      struct fy_node *item,
                      struct scn_pos pos,
                      struct scn_never *nv) {
    nv->pos = pos;
    if (item != NULL && fy_node_is_mapping(item)) {
        static const char *const keys[] = {"event", "text"};
        struct scn__kv in;
        void *it = NULL;
        int r;
        bool have_event = false;
        while ((r = scn__next_pair(c, item, &it, &in)) > 0) {
            int k = scn__key_index(c, &in, keys, 2, "expect 'never'");
            if (k < 0) { return -1; }
            if (k == 0) {
                have_event = true;
                if (scn__str(c, in.value, in.pos, "'event'", nv->event, sizeof nv->event) < 0 ||
                    scn__check_event(c, nv->event, in.pos) < 0) {
                    return -1;
                }
            } else if (scn__str(c, in.value, in.pos, "'text'", nv->text, sizeof nv->text) < 0) {
                return -1;
            }
        }
        if (r < 0) { return -1; }
        if (!have_event) { return scn__fail(c, pos, "a 'never' entry needs 'event:'"); }
        return 0;
    }
    if (scn__str(c, item, pos, "an event", nv->event, sizeof nv->event) < 0) { return -1; }
    return scn__check_event(c, nv->event, pos);
}

static int expect_never(struct scn__ctx *c, const struct scn__kv *kv) {
    struct scn_expect *e = &c->s->expect;
    if (scn__want_seq(c, kv->value, kv->pos, "expect 'never'") < 0) { return -1; }
    int count = fy_node_sequence_item_count(kv->value);
    if (count <= 0 || count > 256) {
        return scn__fail(c, kv->pos, "'never' lists 1 to 256 events, not %d", count);
    }
    e->never = calloc((size_t)count, sizeof *e->never);
    if (e->never == NULL) { return scn__fail(c, kv->pos, "out of memory"); }
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(kv->value, &it)) != NULL) {
        SCN_ASSERT(e->never_len < (uint32_t)count);
        if (never_item(c, item, scn__pos(item, kv->pos), &e->never[e->never_len]) < 0) {
            return -1;
        }
        e->never_len++;
    }
    return 0;
}

static int expect_differences(struct scn__ctx *c, const struct scn__kv *kv) {
    struct scn_expect *e = &c->s->expect;
    if (scn__want_seq(c, kv->value, kv->pos, "expect 'differences'") < 0) { return -1; }
    int count = fy_node_sequence_item_count(kv->value);
    if (count <= 0 || count > 64) {
        return scn__fail(c, kv->pos, "'differences' lists 1 to 64 entries, not %d", count);
    }
    e->differences = calloc((size_t)count, sizeof *e->differences);
    if (e->differences == NULL) { return scn__fail(c, kv->pos, "out of memory"); }
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(kv->value, &it)) != NULL) {
        struct scn_pos ipos = scn__pos(item, kv->pos);
        struct scn_difference *d = &e->differences[e->differences_len++];
        if (scn__want_map(c, item, ipos, "a difference") < 0) { return -1; }
        static const char *const keys[] = {"what", "why"};
        struct scn__kv in;
        void *it2 = NULL;
        int r;
        while ((r = scn__next_pair(c, item, &it2, &in)) > 0) {
            int k = scn__key_index(c, &in, keys, 2, "a difference");
            if (k < 0) { return -1; }
            char **slot = k == 0 ? &d->what : &d->why;
            *slot = scn__strdup(c, in.value, in.pos, k == 0 ? "'what'" : "'why'");
            if (*slot == NULL) { return -1; }
        }
        if (r < 0) { return -1; }
        if (d->what == NULL || d->why == NULL) {
            return scn__fail(c, ipos, "a difference needs both 'what' and 'why'");
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- the section */

enum expect_key {
    E_MASTER,
    E_REPLICAS,
    E_AGREE,
    E_MASTERS,
    E_LEADER,
    E_PROMOTED,
    E_FAILOVERS,
    E_SKELETONS,
    E_NEVER,
    E_LOST,
    E_DIFFERENCES,
    E_COUNT,
};
static const char *const expect_keys[] = {
    "master",    "replicas",  "sentinels-agree", "masters",     "leader",      "promoted",
    "failovers", "skeletons", "never",           "lost-writes", "differences",
};

static int expect_key(struct scn__ctx *c, const struct scn__kv *kv, int k) {
    struct scn_expect *e = &c->s->expect;
    uint64_t lo = 0, hi = UINT64_MAX;
    switch ((enum expect_key)k) {
    case E_MASTER:
    case E_REPLICAS:
    case E_AGREE: {
        uint32_t group = 0;
        struct scn_expect_group *eg = NULL;
        if (c->s->groups_len != 1) {
            return scn__fail(c, kv->key_pos,
                             "expect '%s' is ambiguous with %u masters; use expect.masters",
                             kv->key, c->s->groups_len);
        }
        if (add_group(c, group, kv->key_pos, &eg) < 0) { return -1; }
        return group_key(c, kv, eg) < 0 ? -1 : 0;
    }
    case E_MASTERS:
        return expect_masters(c, kv);
    case E_LEADER:
        e->leader_pos = kv->key_pos;
        return one_of(c, kv, SCN_PROC_SENTINEL, &e->leader_one_of);
    case E_PROMOTED:
        e->promoted_pos = kv->key_pos;
        return one_of(c, kv, SCN_PROC_NODE, &e->promoted_one_of);
    case E_FAILOVERS:
        e->failovers_pos = kv->key_pos;
        if (bounds(c, kv, 1000000, &lo, &hi) < 0) { return -1; }
        e->failovers_min = (uint32_t)lo;
        e->failovers_max = hi == UINT64_MAX ? UINT32_MAX : (uint32_t)hi;
        return 0;
    case E_SKELETONS:
        return expect_skeletons(c, kv);
    case E_NEVER:
        return expect_never(c, kv);
    case E_LOST:
        e->lost_writes_pos = kv->key_pos;
        if (!c->s->workload.enabled) {
            return scn__fail(c, kv->key_pos, "'lost-writes' needs a 'workload'");
        }
        if (bounds(c, kv, (uint64_t)INT64_MAX, &lo, &hi) < 0) { return -1; }
        e->lost_writes_min = (int64_t)lo;
        e->lost_writes_max = hi == UINT64_MAX ? -1 : (int64_t)hi;
        return 0;
    case E_DIFFERENCES:
        return expect_differences(c, kv);
    case E_COUNT:
        break;
    }
    SCN_UNREACHABLE();
}

int scn__load_expect(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    struct scn_expect *e = &c->s->expect;
    e->failovers_min = 0;
    e->failovers_max = UINT32_MAX;
    e->lost_writes_min = -1;
    e->lost_writes_max = -1;
    if (n == NULL) { return 0; }
    if (scn__want_map(c, n, pos, "'expect'") < 0) { return -1; }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, expect_keys, E_COUNT, "'expect'");
        if (k < 0) { return -1; }
        if (kv.value == NULL) { return scn__fail(c, kv.pos, "missing value for '%s'", kv.key); }
        if (expect_key(c, &kv, k) < 0) { return -1; }
    }
    return r;
}
