/* timeline.c: the `timeline:` steps of a scenario and their consistency.
 *
 * Method: every step is a mapping with exactly one action key (kill, wait,
 * partition, ...) and at most one of `at:` / `after:`. Each action reads its
 * value into `struct scn_step`; then scn__check_timeline() replays the steps
 * over a small up/down/paused state per process and over the absolute
 * times, so that impossible timelines (restarting what runs, resuming what
 * was never paused, going back in time) fail at load with the step's
 * position rather than in the middle of a run.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenarios/check.h"
#include "scenarios/walk.h"

#define WAIT_DEFAULT_TIMEOUT_MS 60000

/* Order matches enum scn_step_kind after the two timing keys. */
static const char *const step_keys[] = {
    "at",       "after",     "kill",   "shutdown", "restart", "pause",
    "resume",   "partition", "heal",   "latency",  "loss",    "clock-jump",
    "sentinel", "node",      "writes", "wait",     "sleep",
};
#define STEP_KEYS_LEN   (sizeof step_keys / sizeof step_keys[0])
#define STEP_ACTION_0   2
#define STEP_NAME(kind) step_keys[STEP_ACTION_0 + (kind)]

/* Sentinel subcommands of 7.0 (spec §12.1) and which take a master name. */
static const char *const sentinel_subcommands[] = {
    "ckquorum",
    "config",
    "debug",
    "failover",
    "flushconfig",
    "get-master-addr-by-name",
    "help",
    "info-cache",
    "is-master-down-by-addr",
    "master",
    "masters",
    "monitor",
    "myid",
    "pending-scripts",
    "remove",
    "replicas",
    "slaves",
    "reset",
    "sentinels",
    "set",
    "simulate-failure",
};
static const char *const takes_master[] = {
    "ckquorum",  "failover", "get-master-addr-by-name", "master", "remove", "replicas", "slaves",
    "sentinels", "set",
};

/* ---------------------------------------------------------------- helpers */

static int require_kind(struct scn__ctx *c,
                        const struct scn_set *set,
                        enum scn_proc_kind kind,
                        struct scn_pos pos,
                        const char *what) {
    for (uint32_t i = 0; i < set->len; i++) {
        if (set->items[i].kind != kind) {
            return scn__fail(c, pos, "%s applies to %s; '%s' is a %s", what,
                             kind == SCN_PROC_NODE ? "data nodes" : "sentinels",
                             scn_proc_name(c->s, set->items[i]),
                             kind == SCN_PROC_NODE ? "sentinel" : "data node");
        }
    }
    return 0;
}

/* Fills `set` with every sentinel (for `on: all`). */
static int all_sentinels(struct scn__ctx *c, struct scn_set *set, struct scn_pos pos) {
    SCN_ASSERT(set->items == NULL);
    set->items = calloc(c->s->sentinels_len, sizeof *set->items);
    if (set->items == NULL) { return scn__fail(c, pos, "out of memory"); }
    for (uint32_t i = 0; i < c->s->sentinels_len; i++) {
        set->items[i].kind = SCN_PROC_SENTINEL;
        set->items[i].index = i;
    }
    set->len = c->s->sentinels_len;
    return 0;
}

static bool is_word(struct fy_node *n, const char *word) {
    if (n == NULL || !fy_node_is_scalar(n) || fy_node_is_alias(n)) { return false; }
    size_t len = 0;
    const char *v = fy_node_get_scalar(n, &len);
    return v != NULL && strlen(word) == len && strncmp(v, word, len) == 0;
}

/* Splits a command (a string of words or a sequence of words) into argv. */
static int command_words(struct scn__ctx *c,
                         struct fy_node *n,
                         struct scn_pos pos,
                         struct scn_step *st) {
    if (n != NULL && fy_node_is_sequence(n)) {
        void *it = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
            if (st->argc >= SCN_ARGV_MAX) {
                return scn__fail(c, pos, "command has more than %u words", SCN_ARGV_MAX);
            }
            if (scn__str(c, item, scn__pos(item, pos), "a command word", st->argv[st->argc],
                         SCN_ARG_MAX) < 0) {
                return -1;
            }
            st->argc++;
        }
    } else {
        const char *v = NULL;
        size_t len = 0;
        if (scn__scalar(c, n, pos, "'command'", &v, &len) < 0) { return -1; }
        size_t i = 0;
        while (i < len) {
            while (i < len && (v[i] == ' ' || v[i] == '\t')) {
                i++;
            }
            size_t start = i;
            while (i < len && v[i] != ' ' && v[i] != '\t') {
                i++;
            }
            if (i == start) { break; }
            if (st->argc >= SCN_ARGV_MAX) {
                return scn__fail(c, pos, "command has more than %u words", SCN_ARGV_MAX);
            }
            if (i - start >= SCN_ARG_MAX) {
                return scn__fail(c, pos, "command word '%.20s...' is longer than %u bytes",
                                 v + start, SCN_ARG_MAX - 1);
            }
            memcpy(st->argv[st->argc], v + start, i - start);
            st->argv[st->argc][i - start] = '\0';
            st->argc++;
        }
    }
    if (st->argc == 0) { return scn__fail(c, pos, "empty command"); }
    return 0;
}

static bool word_in(const char *w, const char *const *list, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (strcasecmp(w, list[i]) == 0) { return true; }
    }
    return false;
}

/* SENTINEL commands: argv[0] is always "SENTINEL"; the subcommand and any
 * master name are checked here so typos fail at load. */
static int check_sentinel_command(struct scn__ctx *c, struct scn_step *st, struct scn_pos pos) {
    if (strcasecmp(st->argv[0], "sentinel") != 0) {
        if (st->argc >= SCN_ARGV_MAX) {
            return scn__fail(c, pos, "command has more than %u words", SCN_ARGV_MAX);
        }
        memmove(st->argv[1], st->argv[0], (size_t)st->argc * SCN_ARG_MAX);
        snprintf(st->argv[0], SCN_ARG_MAX, "SENTINEL");
        st->argc++;
    }
    if (st->argc < 2) { return scn__fail(c, pos, "SENTINEL command without a subcommand"); }
    size_t n = sizeof sentinel_subcommands / sizeof sentinel_subcommands[0];
    if (!word_in(st->argv[1], sentinel_subcommands, n)) {
        char lower[SCN_ARG_MAX];
        size_t i = 0;
        for (; st->argv[1][i] != '\0'; i++) {
            char ch = st->argv[1][i];
            lower[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
        }
        lower[i] = '\0';
        const char *hint = scn__suggest(lower, sentinel_subcommands, n);
        if (hint != NULL) {
            return scn__fail(c, pos, "unknown SENTINEL subcommand '%s' (did you mean '%s'?)",
                             st->argv[1], hint);
        }
        return scn__fail(c, pos, "unknown SENTINEL subcommand '%s'", st->argv[1]);
    }
    if (word_in(st->argv[1], takes_master, sizeof takes_master / sizeof takes_master[0])) {
        if (st->argc < 3) {
            return scn__fail(c, pos, "SENTINEL %s needs a master name", st->argv[1]);
        }
        for (uint32_t g = 0; g < c->s->groups_len; g++) {
            if (strcmp(c->s->groups[g].name, st->argv[2]) == 0) { return 0; }
        }
        return scn__fail(c, pos, "unknown master '%s' in SENTINEL %s", st->argv[2], st->argv[1]);
    }
    return 0;
}

/* REPLICAOF/SLAVEOF <node> names a node; the drivers put its address in. */
static int check_node_command(struct scn__ctx *c, struct scn_step *st, struct scn_pos pos) {
    bool replicaof =
        strcasecmp(st->argv[0], "replicaof") == 0 || strcasecmp(st->argv[0], "slaveof") == 0;
    if (!replicaof) { return 0; }
    if (st->argc == 3 && strcasecmp(st->argv[1], "no") == 0 &&
        strcasecmp(st->argv[2], "one") == 0) {
        return 0;
    }
    if (st->argc != 2) {
        return scn__fail(c, pos, "%s takes a node name or 'no one'", st->argv[0]);
    }
    struct scn_proc p;
    if (scn__names_find(c, st->argv[1], &p) < 0 || p.kind != SCN_PROC_NODE) {
        return scn__fail(c, pos, "unknown node '%s' in %s", st->argv[1], st->argv[0]);
    }
    return 0;
}

/* `{on: ..., command: ...}` for sentinel and node steps. */
static int command_step(struct scn__ctx *c,
                        struct fy_node *n,
                        struct scn_pos pos,
                        struct scn_step *st) {
    const char *what = STEP_NAME(st->kind);
    static const char *const keys[] = {"on", "command"};
    if (scn__want_map(c, n, pos, what) < 0) { return -1; }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    bool have_on = false, have_cmd = false;
    enum scn_proc_kind kind = st->kind == SCN_STEP_SENTINEL ? SCN_PROC_SENTINEL : SCN_PROC_NODE;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, keys, 2, what);
        if (k < 0) { return -1; }
        if (k == 0) {
            have_on = true;
            if (kind == SCN_PROC_SENTINEL && is_word(kv.value, "all")) {
                if (all_sentinels(c, &st->targets, kv.pos) < 0) { return -1; }
            } else if (scn__proc_set(c, kv.value, kv.pos, what, &st->targets) < 0 ||
                       require_kind(c, &st->targets, kind, kv.pos, what) < 0) {
                return -1;
            }
        } else {
            have_cmd = true;
            if (command_words(c, kv.value, kv.pos, st) < 0) { return -1; }
            int bad = kind == SCN_PROC_SENTINEL ? check_sentinel_command(c, st, kv.pos)
                                                : check_node_command(c, st, kv.pos);
            if (bad < 0) { return -1; }
        }
    }
    if (r < 0) { return -1; }
    if (!have_on) { return scn__fail(c, pos, "%s step needs 'on:'", what); }
    if (!have_cmd) { return scn__fail(c, pos, "%s step needs 'command:'", what); }
    return 0;
}

/* ---------------------------------------------------------------- network steps */

static int partition_sides(struct scn__ctx *c,
                           struct fy_node *n,
                           struct scn_pos pos,
                           struct scn_step *st) {
    if (fy_node_sequence_item_count(n) != 2) {
        return scn__fail(c, pos, "a partition has exactly two sides, not %d",
                         fy_node_sequence_item_count(n));
    }
    struct fy_node *a = fy_node_sequence_get_by_index(n, 0);
    struct fy_node *b = fy_node_sequence_get_by_index(n, 1);
    if (scn__proc_set(c, a, scn__pos(a, pos), "partition", &st->side_a) < 0 ||
        scn__proc_set(c, b, scn__pos(b, pos), "partition", &st->side_b) < 0) {
        return -1;
    }
    for (uint32_t i = 0; i < st->side_a.len; i++) {
        for (uint32_t j = 0; j < st->side_b.len; j++) {
            if (st->side_a.items[i].kind == st->side_b.items[j].kind &&
                st->side_a.items[i].index == st->side_b.items[j].index) {
                return scn__fail(c, scn__pos(b, pos), "'%s' is on both sides of the partition",
                                 scn_proc_name(c->s, st->side_a.items[i]));
            }
        }
    }
    return 0;
}

static int partition_step(struct scn__ctx *c,
                          struct fy_node *n,
                          struct scn_pos pos,
                          struct scn_step *st) {
    if (n != NULL && fy_node_is_sequence(n)) { return partition_sides(c, n, pos, st); }
    static const char *const keys[] = {"sides", "isolate", "one-way"};
    if (scn__want_map(c, n, pos, "partition") < 0) { return -1; }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    bool have_sides = false, have_isolate = false;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, keys, 3, "partition");
        if (k < 0) { return -1; }
        if (k == 0) {
            if (have_isolate) {
                return scn__fail(c, kv.key_pos, "partition takes 'sides' or 'isolate', not both");
            }
            have_sides = true;
            if (scn__want_seq(c, kv.value, kv.pos, "'sides'") < 0 ||
                partition_sides(c, kv.value, kv.pos, st) < 0) {
                return -1;
            }
        } else if (k == 1) {
            if (have_sides) {
                return scn__fail(c, kv.key_pos, "partition takes 'sides' or 'isolate', not both");
            }
            have_isolate = true;
            if (scn__proc_set(c, kv.value, kv.pos, "isolate", &st->side_a) < 0) { return -1; }
        } else if (scn__bool(c, kv.value, kv.pos, "'one-way'", &st->one_way) < 0) {
            return -1;
        }
    }
    if (r < 0) { return -1; }
    if (!have_sides && !have_isolate) {
        return scn__fail(c, pos, "partition needs 'sides' or 'isolate'");
    }
    if (have_isolate && st->side_a.len == c->s->nodes_len + c->s->sentinels_len) {
        return scn__fail(c, pos,
                         "'isolate' names every process; nothing is left on the other side");
    }
    return 0;
}

/* latency / loss: a bare value for every link, or {to: value, on: names}. */
static int link_step(struct scn__ctx *c,
                     struct fy_node *n,
                     struct scn_pos pos,
                     struct scn_step *st) {
    const char *what = STEP_NAME(st->kind);
    struct fy_node *value = n;
    struct scn_pos vpos = pos;
    if (n != NULL && fy_node_is_mapping(n)) {
        static const char *const keys[] = {"to", "on"};
        struct scn__kv kv;
        void *it = NULL;
        int r;
        value = NULL;
        while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
            int k = scn__key_index(c, &kv, keys, 2, what);
            if (k < 0) { return -1; }
            if (k == 0) {
                value = kv.value;
                vpos = kv.pos;
                if (value == NULL) { return scn__fail(c, kv.pos, "missing value for 'to'"); }
            } else if (scn__proc_set(c, kv.value, kv.pos, what, &st->targets) < 0) {
                return -1;
            }
        }
        if (r < 0) { return -1; }
        if (value == NULL) { return scn__fail(c, pos, "%s step needs 'to:'", what); }
    }
    if (st->kind == SCN_STEP_LATENCY) { return scn__latency(c, value, vpos, what, &st->latency); }
    return scn__ratio(c, value, vpos, what, &st->loss);
}

static int clock_jump_step(struct scn__ctx *c,
                           struct fy_node *n,
                           struct scn_pos pos,
                           struct scn_step *st) {
    static const char *const keys[] = {"on", "by"};
    if (scn__want_map(c, n, pos, "clock-jump") < 0) { return -1; }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    bool have_by = false;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, keys, 2, "clock-jump");
        if (k < 0) { return -1; }
        if (k == 0) {
            if (scn__proc_set(c, kv.value, kv.pos, "clock-jump", &st->targets) < 0 ||
                require_kind(c, &st->targets, SCN_PROC_SENTINEL, kv.pos, "clock-jump") < 0) {
                return -1;
            }
        } else {
            have_by = true;
            if (scn__signed_duration(c, kv.value, kv.pos, "'by'", &st->jump_ms) < 0) { return -1; }
        }
    }
    if (r < 0) { return -1; }
    if (st->targets.len == 0) { return scn__fail(c, pos, "clock-jump needs 'on:'"); }
    if (!have_by) { return scn__fail(c, pos, "clock-jump needs 'by:'"); }
    return 0;
}

/* ---------------------------------------------------------------- wait */

static int wait_on(struct scn__ctx *c, const struct scn__kv *kv, struct scn_cond *cond) {
    struct fy_node *v = kv->value;
    cond->quantifier = SCN_ALL;
    if (is_word(v, "all") || is_word(v, "any")) {
        cond->quantifier = is_word(v, "any") ? SCN_ANY : SCN_ALL;
        return 0; /* empty set = every sentinel */
    }
    if (v != NULL && fy_node_is_mapping(v)) {
        if (fy_node_mapping_item_count(v) != 1) {
            return scn__fail(c, kv->pos, "'on' takes one of 'any:' or 'all:'");
        }
        struct scn__kv in;
        void *it = NULL;
        static const char *const keys[] = {"any", "all"};
        if (scn__next_pair(c, v, &it, &in) < 0) { return -1; }
        int k = scn__key_index(c, &in, keys, 2, "'on'");
        if (k < 0) { return -1; }
        cond->quantifier = k == 0 ? SCN_ANY : SCN_ALL;
        v = in.value;
        if (scn__proc_set(c, v, in.pos, "wait", &cond->on) < 0) { return -1; }
        return require_kind(c, &cond->on, SCN_PROC_SENTINEL, in.pos, "an event wait");
    }
    if (scn__proc_set(c, v, kv->pos, "wait", &cond->on) < 0) { return -1; }
    return require_kind(c, &cond->on, SCN_PROC_SENTINEL, kv->pos, "an event wait");
}

static int event_name(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, char *dst, size_t cap) {
    if (scn__str(c, n, pos, "'event'", dst, cap) < 0) { return -1; }
    return scn__check_event(c, dst, pos);
}

static int knows(struct scn__ctx *c, const struct scn__kv *kv, struct scn_cond *cond) {
    static const char *const keys[] = {"replicas", "sentinels"};
    if (scn__want_map(c, kv->value, kv->pos, "'knows'") < 0) { return -1; }
    struct scn__kv in;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, kv->value, &it, &in)) > 0) {
        int k = scn__key_index(c, &in, keys, 2, "'knows'");
        if (k < 0) { return -1; }
        uint32_t max = k == 0 ? SCN_NODES_MAX : SCN_SENTINELS_MAX - 1;
        if (scn__u32(c, in.value, in.pos, k == 0 ? "'replicas'" : "'sentinels'", 0, max,
                     k == 0 ? &cond->replicas : &cond->sentinels) < 0) {
            return -1;
        }
    }
    return r;
}

enum wait_key {
    W_EVENT,
    W_TEXT,
    W_ON,
    W_MASTER,
    W_KNOWS,
    W_NODE,
    W_ROLE,
    W_OF,
    W_MASTER_IS,
    W_TIMEOUT,
    W_COUNT,
};
static const char *const wait_keys[] = {
    "event", "text", "on", "master", "knows", "node", "role", "of", "master-is", "timeout",
};

/* Which keys each condition kind accepts (besides timeout). */
static bool wait_key_fits(enum scn_cond_kind kind, int k) {
    switch (kind) {
    case SCN_COND_EVENT:
        return k == W_EVENT || k == W_TEXT || k == W_ON;
    case SCN_COND_KNOWS:
        return k == W_KNOWS || k == W_MASTER;
    case SCN_COND_ROLE:
        return k == W_NODE || k == W_ROLE || k == W_OF;
    case SCN_COND_MASTER:
        return k == W_MASTER_IS || k == W_MASTER;
    }
    SCN_UNREACHABLE();
}

static int wait_kind(struct scn__ctx *c,
                     struct fy_node *n,
                     struct scn_pos pos,
                     enum scn_cond_kind *out) {
    static const struct {
        const char *key;
        enum scn_cond_kind kind;
    } kinds[] = {{"event", SCN_COND_EVENT},
                 {"knows", SCN_COND_KNOWS},
                 {"role", SCN_COND_ROLE},
                 {"master-is", SCN_COND_MASTER}};
    const char *found = NULL;
    for (size_t i = 0; i < 4; i++) {
        if (fy_node_mapping_lookup_by_string(n, kinds[i].key, FY_NT) == NULL) { continue; }
        if (found != NULL) {
            return scn__fail(c, pos, "wait on both '%s' and '%s'; use two wait steps", found,
                             kinds[i].key);
        }
        found = kinds[i].key;
        *out = kinds[i].kind;
    }
    if (found == NULL) {
        return scn__fail(c, pos, "wait needs one of 'event', 'knows', 'role' or 'master-is'");
    }
    return 0;
}

static int wait_role(struct scn__ctx *c, const struct scn__kv *kv, struct scn_cond *cond) {
    char word[16];
    if (scn__str(c, kv->value, kv->pos, "'role'", word, sizeof word) < 0) {
        return scn__fail(c, kv->pos, "'role' must be master or replica");
    }
    if (strcmp(word, "master") == 0) {
        cond->role_master = true;
    } else if (strcmp(word, "replica") == 0) {
        cond->role_master = false;
    } else {
        return scn__fail(c, kv->pos, "'role' must be master or replica, not '%s'", word);
    }
    return 0;
}

static int wait_node(struct scn__ctx *c,
                     const struct scn__kv *kv,
                     const char *what,
                     uint32_t *out) {
    struct scn_proc p;
    if (scn__proc_one(c, kv->value, kv->pos, what, &p) < 0) { return -1; }
    if (p.kind != SCN_PROC_NODE) {
        return scn__fail(c, kv->pos, "%s takes a data node; '%s' is a sentinel", what,
                         scn_proc_name(c->s, p));
    }
    *out = p.index;
    return 0;
}

static int wait_step(struct scn__ctx *c,
                     struct fy_node *n,
                     struct scn_pos pos,
                     struct scn_step *st) {
    struct scn_cond *cond = &st->cond;
    if (scn__want_map(c, n, pos, "wait") < 0 || wait_kind(c, n, pos, &cond->kind) < 0) {
        return -1;
    }
    st->timeout_ms = WAIT_DEFAULT_TIMEOUT_MS;
    cond->quantifier = SCN_ALL;
    cond->upstream = -1;
    struct fy_node *master = NULL;
    struct scn_pos master_pos = pos;
    bool have_node = false;
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, wait_keys, W_COUNT, "wait");
        if (k < 0) { return -1; }
        if (k != W_TIMEOUT && !wait_key_fits(cond->kind, k)) {
            return scn__fail(c, kv.key_pos, "'%s' does not apply to this kind of wait", kv.key);
        }
        int bad = 0;
        switch ((enum wait_key)k) {
        case W_EVENT:
            bad = event_name(c, kv.value, kv.pos, cond->event, sizeof cond->event);
            break;
        case W_TEXT:
            bad = scn__str(c, kv.value, kv.pos, "'text'", cond->text, sizeof cond->text);
            break;
        case W_ON:
            bad = wait_on(c, &kv, cond);
            break;
        case W_MASTER:
            master = kv.value;
            master_pos = kv.pos;
            if (master == NULL) { bad = scn__fail(c, kv.pos, "missing value for 'master'"); }
            break;
        case W_KNOWS:
            bad = knows(c, &kv, cond);
            break;
        case W_NODE:
            have_node = true;
            bad = wait_node(c, &kv, "'node'", &cond->node);
            break;
        case W_ROLE:
            bad = wait_role(c, &kv, cond);
            break;
        case W_OF: {
            uint32_t up = 0;
            bad = wait_node(c, &kv, "'of'", &up);
            cond->upstream = (int32_t)up;
            break;
        }
        case W_MASTER_IS:
            bad = wait_node(c, &kv, "'master-is'", &cond->node);
            break;
        case W_TIMEOUT:
            bad = scn__duration(c, kv.value, kv.pos, "'timeout'", false, &st->timeout_ms);
            break;
        case W_COUNT:
            SCN_UNREACHABLE();
        }
        if (bad < 0) { return -1; }
    }
    if (r < 0) { return -1; }
    if (cond->kind == SCN_COND_ROLE) {
        if (!have_node) { return scn__fail(c, pos, "a role wait needs 'node:'"); }
        if (cond->role_master && cond->upstream >= 0) {
            return scn__fail(c, pos, "'of' only applies to role replica");
        }
        cond->group = c->s->nodes[cond->node].group;
        return 0;
    }
    if (cond->kind == SCN_COND_EVENT) { return 0; }
    if (scn__group_ref(c, master, master_pos, "wait", &cond->group) < 0) { return -1; }
    if (cond->kind == SCN_COND_MASTER && c->s->nodes[cond->node].group != cond->group) {
        return scn__fail(c, pos, "node '%s' does not belong to master '%s'",
                         c->s->nodes[cond->node].name, c->s->groups[cond->group].name);
    }
    return 0;
}

/* ---------------------------------------------------------------- one step */

static int action(struct scn__ctx *c, const struct scn__kv *kv, struct scn_step *st) {
    const char *what = STEP_NAME(st->kind);
    switch (st->kind) {
    case SCN_STEP_KILL:
    case SCN_STEP_SHUTDOWN:
    case SCN_STEP_RESTART:
    case SCN_STEP_PAUSE:
    case SCN_STEP_RESUME:
        return scn__proc_set(c, kv->value, kv->pos, what, &st->targets);
    case SCN_STEP_PARTITION:
        return partition_step(c, kv->value, kv->pos, st);
    case SCN_STEP_HEAL:
        if (kv->value != NULL && !is_word(kv->value, "all") && !is_word(kv->value, "true")) {
            return scn__fail(c, kv->pos, "heal takes no value (it removes every partition)");
        }
        return 0;
    case SCN_STEP_LATENCY:
    case SCN_STEP_LOSS:
        return link_step(c, kv->value, kv->pos, st);
    case SCN_STEP_CLOCK_JUMP:
        return clock_jump_step(c, kv->value, kv->pos, st);
    case SCN_STEP_SENTINEL:
    case SCN_STEP_NODE:
        return command_step(c, kv->value, kv->pos, st);
    case SCN_STEP_WRITES:
        if (!c->s->workload.enabled) {
            return scn__fail(c, kv->key_pos, "writes step without a 'workload'");
        }
        return scn__bool(c, kv->value, kv->pos, "'writes'", &st->writes_on);
    case SCN_STEP_WAIT:
        return wait_step(c, kv->value, kv->pos, st);
    case SCN_STEP_SLEEP:
        st->when = SCN_WHEN_AFTER;
        return scn__duration(c, kv->value, kv->pos, "sleep", false, &st->time_ms);
    }
    SCN_UNREACHABLE();
}

static int load_step(struct scn__ctx *c,
                     struct fy_node *n,
                     struct scn_pos pos,
                     struct scn_step *st) {
    if (scn__want_map(c, n, pos, "a timeline step") < 0) { return -1; }
    int timing = -1, act = -1;
    struct scn__kv timing_kv, act_kv;
    memset(&timing_kv, 0, sizeof timing_kv);
    memset(&act_kv, 0, sizeof act_kv);
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, step_keys, STEP_KEYS_LEN, "a timeline step");
        if (k < 0) { return -1; }
        if (k < STEP_ACTION_0) {
            if (timing >= 0) {
                return scn__fail(c, kv.key_pos, "a step takes 'at' or 'after', not both");
            }
            timing = k;
            timing_kv = kv;
        } else {
            if (act >= 0) {
                return scn__fail(c, kv.key_pos, "a step has one action; found '%s' and '%s'",
                                 step_keys[act], kv.key);
            }
            act = k;
            act_kv = kv;
        }
    }
    if (r < 0) { return -1; }
    if (act < 0) { return scn__fail(c, pos, "a step needs an action (kill, restart, wait, ...)"); }
    st->kind = (enum scn_step_kind)(act - STEP_ACTION_0);
    st->pos = act_kv.key_pos;
    st->when = SCN_WHEN_AFTER;
    if (timing >= 0) {
        if (st->kind == SCN_STEP_SLEEP) {
            return scn__fail(c, timing_kv.key_pos,
                             "sleep takes its duration as its value; "
                             "drop '%s'",
                             step_keys[timing]);
        }
        st->when = timing == 0 ? SCN_WHEN_AT : SCN_WHEN_AFTER;
        if (scn__duration(c, timing_kv.value, timing_kv.pos, timing == 0 ? "'at'" : "'after'", true,
                          &st->time_ms) < 0) {
            return -1;
        }
    }
    return action(c, &act_kv, st);
}

int scn__load_timeline(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    if (n == NULL) { return 0; }
    if (scn__want_seq(c, n, pos, "'timeline'") < 0) { return -1; }
    int count = fy_node_sequence_item_count(n);
    if (count < 0 || count > SCN_STEPS_MAX) {
        return scn__fail(c, pos, "too many steps (%d, at most %u)", count, SCN_STEPS_MAX);
    }
    if (count == 0) { return 0; }
    c->s->steps = calloc((size_t)count, sizeof *c->s->steps);
    if (c->s->steps == NULL) { return scn__fail(c, pos, "out of memory"); }
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
        SCN_ASSERT(c->s->steps_len < (uint32_t)count);
        struct scn_step *st = &c->s->steps[c->s->steps_len++];
        if (load_step(c, item, scn__pos(item, pos), st) < 0) { return -1; }
    }
    return 0;
}

/* ---------------------------------------------------------------- consistency */

enum proc_state {
    PROC_UP,
    PROC_PAUSED,
    PROC_DOWN,
};

static const char *state_name(enum proc_state s) {
    return s == PROC_UP ? "running" : (s == PROC_PAUSED ? "paused" : "down");
}

static int check_targets(struct scn__ctx *c, const struct scn_step *st, enum proc_state *state) {
    uint32_t nodes = c->s->nodes_len;
    for (uint32_t i = 0; i < st->targets.len; i++) {
        struct scn_proc p = st->targets.items[i];
        enum proc_state *ps = &state[p.kind == SCN_PROC_NODE ? p.index : nodes + p.index];
        const char *name = scn_proc_name(c->s, p);
        const char *what = STEP_NAME(st->kind);
        switch (st->kind) {
        case SCN_STEP_KILL:
        case SCN_STEP_SHUTDOWN:
            if (*ps == PROC_DOWN) {
                return scn__fail(c, st->pos, "%s of '%s', which is already down", what, name);
            }
            *ps = PROC_DOWN;
            break;
        case SCN_STEP_RESTART:
            if (*ps != PROC_DOWN) {
                return scn__fail(c, st->pos,
                                 "restart of '%s', which is %s (kill or shut it down "
                                 "first)",
                                 name, state_name(*ps));
            }
            *ps = PROC_UP;
            break;
        case SCN_STEP_PAUSE:
            if (*ps != PROC_UP) {
                return scn__fail(c, st->pos, "pause of '%s', which is %s", name, state_name(*ps));
            }
            *ps = PROC_PAUSED;
            break;
        case SCN_STEP_RESUME:
            if (*ps != PROC_PAUSED) {
                return scn__fail(c, st->pos, "resume of '%s', which was never paused", name);
            }
            *ps = PROC_UP;
            break;
        case SCN_STEP_SENTINEL:
        case SCN_STEP_NODE:
            if (*ps != PROC_UP) {
                return scn__fail(c, st->pos, "command sent to '%s', which is %s", name,
                                 state_name(*ps));
            }
            break;
        default:
            break;
        }
    }
    return 0;
}

static void format_ms(uint64_t ms, char *buf, size_t len) {
    if (ms % 1000 == 0) {
        snprintf(buf, len, "%llus", (unsigned long long)(ms / 1000));
    } else {
        snprintf(buf, len, "%llums", (unsigned long long)ms);
    }
}

int scn__check_timeline(struct scn__ctx *c) {
    struct scn *s = c->s;
    uint32_t procs = s->nodes_len + s->sentinels_len;
    enum proc_state *state = calloc(procs == 0 ? 1 : procs, sizeof *state);
    if (state == NULL) { return scn__fail(c, (struct scn_pos){0, 0}, "out of memory"); }
    int rc = 0;
    uint64_t last_at = 0;
    uint32_t last_at_line = 0;
    bool partitioned = false;
    for (uint32_t i = 0; i < s->steps_len && rc == 0; i++) {
        const struct scn_step *st = &s->steps[i];
        char a[32], b[32];
        if (st->when == SCN_WHEN_AT) {
            format_ms(st->time_ms, a, sizeof a);
            format_ms(last_at, b, sizeof b);
            if (st->time_ms < last_at) {
                rc = scn__fail(c, st->pos,
                               "step at %s comes after a step at %s (line %u); "
                               "absolute times must not go back",
                               a, b, last_at_line);
                break;
            }
            if (st->time_ms >= s->duration_ms) {
                format_ms(s->duration_ms, b, sizeof b);
                rc = scn__fail(c, st->pos, "step at %s is beyond the end of the run (duration %s)",
                               a, b);
                break;
            }
            last_at = st->time_ms;
            last_at_line = st->pos.line;
        }
        if (st->kind == SCN_STEP_PARTITION) { partitioned = true; }
        if (st->kind == SCN_STEP_HEAL) {
            if (!partitioned) {
                rc = scn__fail(c, st->pos, "heal without a partition in place");
                break;
            }
            partitioned = false;
        }
        rc = check_targets(c, st, state);
    }
    free(state);
    return rc;
}
