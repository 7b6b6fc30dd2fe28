/* normalize.c: names, roles and offsets for a run's events (see normalize.h).
 *
 * Method: a first pass over the log finds the failover rounds (each
 * +elected-leader and +switch-master, by group and epoch) and sorts them by
 * epoch; a second pass puts every record in a round, following each
 * sentinel through its epochs, switches and detections; a third rewrites
 * each record's text word by word through the names map and then its
 * round's roles, which are computed from the round (leader, old master,
 * promoted) rather than stored per round. Words are only ever replaced
 * whole, so a text that holds no known address passes through unchanged.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/normalize.h"

#include <stdlib.h>
#include <string.h>

#include "reports/internal.h"
#include "reports/json.h"
#include "reports/rep_assert.h"

#define WORDS_MAX 300 /* a 511-byte text has at most 256 words */

static const char next_delay[] = "Next failover delay: I will not start a failover before";

/* ---------------------------------------------------------------- words */

static bool all_digits(const char *s) {
    if (*s == '\0') { return false; }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') { return false; }
    }
    return true;
}

static bool is_runid(const char *s) {
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) { return false; }
    }
    return n == REP_RUNID_LEN;
}

static unsigned port_of(const char *s) {
    unsigned long v = strtoul(s, NULL, 10);
    return v <= 65535 ? (unsigned)v : 0;
}

/* The name of "ip port" (two words) or NULL. */
static const char *name_of_pair(const struct rep_run *run, const char *ip, const char *port) {
    if (!all_digits(port) || strlen(port) > 5) { return NULL; }
    return rep_run_name_of_addr(run, ip, (uint16_t)port_of(port));
}

/* The name of "ip:port" (one word; the last colon splits, for IPv6) or NULL. */
static const char *name_of_joined(const struct rep_run *run, const char *word) {
    const char *colon = strrchr(word, ':');
    if (colon == NULL || colon == word) { return NULL; }
    char ip[REP_IP_MAX];
    size_t n = (size_t)(colon - word);
    if (n >= sizeof(ip)) { return NULL; }
    memcpy(ip, word, n);
    ip[n] = '\0';
    return name_of_pair(run, ip, colon + 1);
}

struct out {
    char *buf;
    size_t cap;
    size_t pos;
    int rc;
};

/* Plain appends: every word of every record of every judged run passes here. */
static void emit(struct out *o, const char *word) {
    int rc = o->pos > 0 ? rep__json_put(o->buf, o->cap, &o->pos, " ", 1) : 0;
    if (rc < 0 || rep__json_put(o->buf, o->cap, &o->pos, word, strlen(word)) < 0) { o->rc = -1; }
}

int rep_norm_named(const struct rep_run *run, const char *text, char *outbuf, size_t len) {
    REP_ASSERT(run != NULL);
    REP_ASSERT(len > 0);
    struct out o = {outbuf, len, 0, 0};
    outbuf[0] = '\0';
    if (strncmp(text, next_delay, sizeof(next_delay) - 1) == 0) {
        /* The date is the host's wall clock: replace it, keep the sentence. */
        emit(&o, next_delay);
        emit(&o, "<date>");
        return o.rc;
    }
    char copy[REP_TEXT_MAX * 2];
    if (strlen(text) >= sizeof(copy)) { return -1; }
    memcpy(copy, text, strlen(text) + 1);
    char *w[WORDS_MAX];
    size_t n = rep__split(copy, w, WORDS_MAX);
    const char *prev_name = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL;
        size_t used = 1;
        if (i + 1 < n && (name = name_of_pair(run, w[i], w[i + 1])) != NULL) {
            used = 2;
        } else if ((name = name_of_joined(run, w[i])) == NULL && is_runid(w[i])) {
            name = rep_run_name_of_runid(run, w[i]);
        }
        if (name != NULL) {
            /* "slave <ip:port> <ip> <port>" names one replica twice: say it once. */
            if (prev_name == NULL || strcmp(prev_name, name) != 0) { emit(&o, name); }
            prev_name = name;
        } else {
            emit(&o, w[i]);
            prev_name = NULL;
        }
        i += used - 1;
    }
    return o.rc;
}

/* ---------------------------------------------------------------- failover rounds */

/* The node of the "<kind> <name> <ip> <port>" subject of a %@ text, or -1. */
static int32_t subject_node(const struct rep_run *run, const char *text, int32_t *group) {
    char copy[REP_TEXT_MAX];
    snprintf(copy, sizeof(copy), "%s", text);
    char *w[8];
    size_t n = rep__split(copy, w, 8);
    if (n < 4 || !all_digits(w[3])) { return -1; }
    if (group != NULL) {
        *group = -1;
        for (uint32_t g = 0; g < run->scn->groups_len; g++) {
            if (strcmp(run->scn->groups[g].name, w[1]) == 0) { *group = (int32_t)g; }
        }
    }
    return rep__node_of_addr(run, w[2], port_of(w[3]));
}

struct switch_seen {
    int32_t group;
    int32_t old_node;
    int32_t new_node;
};

static int32_t group_by_name(const struct scn *s, const char *name) {
    for (uint32_t g = 0; g < s->groups_len; g++) {
        if (strcmp(s->groups[g].name, name) == 0) { return (int32_t)g; }
    }
    return -1;
}

static bool parse_switch(const struct rep_run *run, const char *text, struct switch_seen *sw) {
    char copy[REP_TEXT_MAX];
    snprintf(copy, sizeof(copy), "%s", text);
    char *w[8];
    if (rep__split(copy, w, 8) != 5) { return false; }
    sw->group = group_by_name(run->scn, w[0]);
    sw->old_node = rep__node_of_addr(run, w[1], port_of(w[2]));
    sw->new_node = rep__node_of_addr(run, w[3], port_of(w[4]));
    return sw->group >= 0;
}

/* The group an event's text names ("master <g> ...", "... @ <g> ...",
 * "+switch-master <g> ..."), or -1. */
static int32_t group_of_text(const struct scn *s, const char *type, const char *text) {
    char copy[REP_TEXT_MAX];
    snprintf(copy, sizeof(copy), "%s", text);
    char *w[8];
    size_t n = rep__split(copy, w, 8);
    if (n == 0) { return -1; }
    if (strcmp(type, "+switch-master") == 0) { return group_by_name(s, w[0]); }
    if (n >= 2 && strcmp(w[0], "master") == 0) { return group_by_name(s, w[1]); }
    for (size_t i = 0; i + 1 < n; i++) {
        if (strcmp(w[i], "@") == 0) { return group_by_name(s, w[i + 1]); }
    }
    return -1;
}

#define ROUNDS_MAX 4096
#define NO_ROUND   UINT32_MAX

struct rounds {
    struct rep_norm_round *v;
    uint32_t len;
    uint32_t cap; /* <= ROUNDS_MAX */
};

static uint32_t round_at(const struct rounds *r, int32_t group, uint64_t epoch) {
    for (uint32_t k = 0; k < r->len; k++) {
        if (r->v[k].group == group && r->v[k].epoch == epoch) { return k; }
    }
    return NO_ROUND;
}

/* The round a +switch-master seen at `epoch` reports: of its group's rounds
 * no later than that epoch (a follower's epoch may have moved on with an
 * election of its own), the latest that promoted its new master, else the
 * latest not yet switched from its old master. */
static uint32_t round_of_switch(const struct rounds *r,
                                const struct switch_seen *sw,
                                uint64_t epoch) {
    uint32_t by_new = NO_ROUND, by_old = NO_ROUND;
    for (uint32_t k = 0; k < r->len; k++) {
        const struct rep_norm_round *x = &r->v[k];
        if (x->group != sw->group || (epoch != 0 && x->epoch > epoch)) { continue; }
        if (x->promoted == sw->new_node && sw->new_node >= 0) { by_new = k; }
        if (x->old_master == sw->old_node && !x->switched) { by_old = k; }
    }
    return by_new != NO_ROUND ? by_new : by_old;
}

/* A new round; its old master is the group's initial one until the log says. */
static struct rep_norm_round *add_round(const struct scn *s,
                                        struct rounds *r,
                                        int32_t group,
                                        uint64_t epoch) {
    if (r->len == r->cap) { return NULL; }
    struct rep_norm_round *x = &r->v[r->len++];
    int32_t master = group >= 0 ? (int32_t)s->groups[group].master : -1;
    *x = (struct rep_norm_round){group, epoch, -1, master, -1, false};
    return x;
}

/* Pass 1: every round, from the elections, promotions and switches. */
static void discover_event(const struct rep_run *run,
                           struct rounds *r,
                           uint64_t *epoch,
                           const struct rep_event *ev,
                           uint32_t sentinel) {
    int32_t group = -1;
    if (strcmp(ev->type, "+new-epoch") == 0) {
        epoch[sentinel] = strtoull(ev->text, NULL, 10);
    } else if (strcmp(ev->type, "+elected-leader") == 0) {
        int32_t master = subject_node(run, ev->text, &group);
        if (group < 0) { group = run->scn->groups_len > 0 ? 0 : -1; }
        uint32_t k = round_at(r, group, epoch[sentinel]);
        struct rep_norm_round *x =
            k != NO_ROUND ? &r->v[k] : add_round(run->scn, r, group, epoch[sentinel]);
        if (x == NULL) { return; }
        x->leader = (int32_t)sentinel;
        if (!x->switched && master >= 0) { x->old_master = master; }
    } else if (strcmp(ev->type, "+promoted-slave") == 0) {
        int32_t node = subject_node(run, ev->text, NULL);
        for (uint32_t k = r->len; k-- > 0;) {
            struct rep_norm_round *x = &r->v[k];
            if (x->leader != (int32_t)sentinel) { continue; }
            if (!x->switched) { x->promoted = node; }
            break;
        }
    } else if (strcmp(ev->type, "+switch-master") == 0) {
        struct switch_seen sw;
        if (!parse_switch(run, ev->text, &sw)) { return; }
        uint32_t k = round_of_switch(r, &sw, epoch[sentinel]);
        struct rep_norm_round *x =
            k != NO_ROUND ? &r->v[k] : add_round(run->scn, r, sw.group, epoch[sentinel]);
        if (x == NULL) { return; }
        x->switched = true;
        x->old_master = sw.old_node;
        x->promoted = sw.new_node;
    }
}

/* The scenario process of a sentinel's record, or -1 for anyone else. */
static int32_t sentinel_of(const struct rep_run *run, const struct rep_event *ev) {
    struct scn_proc p;
    if (rep__find_proc(run, ev->proc, &p) < 0 || p.kind != SCN_PROC_SENTINEL) { return -1; }
    return (int32_t)p.index;
}

/* Rounds in epoch order; an insertion sort keeps discovery order among equals. */
static void sort_rounds(struct rounds *r) {
    for (uint32_t i = 1; i < r->len; i++) {
        struct rep_norm_round x = r->v[i];
        uint32_t k = i;
        for (; k > 0 && r->v[k - 1].epoch > x.epoch; k--) {
            r->v[k] = r->v[k - 1];
        }
        r->v[k] = x;
    }
}

/* The rounds a log can hold: one per election or switch it records, and
 * the one without leader of a log that has neither. Sizing the table by
 * the log rather than by ROUNDS_MAX spares a short run zeroing 128 KiB. */
static uint32_t rounds_bound(const struct rep_run *run) {
    uint32_t n = 1;
    for (size_t i = 0; i < run->log.len && n < ROUNDS_MAX; i++) {
        const struct rep_event *ev = &run->log.events[i];
        if (ev->kind != REP_KIND_EVENT) { continue; }
        if (strcmp(ev->type, "+elected-leader") == 0 || strcmp(ev->type, "+switch-master") == 0) {
            n++;
        }
    }
    return n;
}

static int discover_rounds(const struct rep_run *run, struct rounds *r) {
    const struct scn *s = run->scn;
    uint64_t *epoch = calloc(s->sentinels_len + 1, sizeof(*epoch));
    r->cap = rounds_bound(run);
    r->v = calloc(r->cap, sizeof(*r->v));
    r->len = 0;
    if (epoch == NULL || r->v == NULL) {
        free(epoch);
        return -1;
    }
    for (size_t i = 0; i < run->log.len; i++) {
        const struct rep_event *ev = &run->log.events[i];
        int32_t sen = ev->kind == REP_KIND_EVENT ? sentinel_of(run, ev) : -1;
        if (sen >= 0) { discover_event(run, r, epoch, ev, (uint32_t)sen); }
    }
    free(epoch);
    sort_rounds(r);
    if (r->len == 0) {
        /* No failover: one round without leader around the initial master. */
        add_round(s, r, s->groups_len > 0 ? 0 : -1, 0);
    }
    return 0;
}

/* The last failover: the last round with a switch, else the last round. */
static void summarize(struct rep_norm *n) {
    n->last = n->rounds_len - 1;
    n->failovers = 0;
    for (uint32_t k = 0; k < n->rounds_len; k++) {
        if (!n->rounds[k].switched) { continue; }
        n->failovers++;
        n->last = k;
    }
    const struct rep_norm_round *x = &n->rounds[n->last];
    n->group = x->group;
    n->leader = x->leader;
    n->promoted = x->promoted;
    n->old_master = x->old_master;
}

/* ---------------------------------------------------------------- which round a record is in */

/* Pass 2 walks the log keeping, per sentinel and group, the round the
 * sentinel is in and whether it has switched in it:
 *  - +new-epoch N and +vote-for-leader go to the first round of epoch >= N
 *    (an election nobody won belongs to the round that follows it; after
 *    the last round, to the last), and move the sentinel into it;
 *  - the leader's own steps (+try-failover ... +failover-end, aborts,
 *    +slave-reconf-*) go to the first round of their group at or after
 *    the sentinel's epoch;
 *  - +switch-master goes to the round it reports (round_of_switch), and
 *    +config-update-from to that of the sentinel's next +switch-master;
 *  - once a sentinel has switched, a "master" event about the next round's
 *    old master (+sdown master, +odown master: the detection that starts a
 *    failover, logged before any epoch moves) opens that next round;
 *  - everything else stays in the sentinel's current round of the group
 *    (so +slave and +sdown slave after a switch are that round's
 *    aftermath), and records without a group in its last round;
 *  - records of nodes, the harness and clients go to the latest round any
 *    sentinel has reached by then. */
struct walk {
    const struct rep_run *run;
    const struct rounds *r;
    uint32_t groups; /* >= 1 */
    uint32_t *cur;   /* [sentinel * groups + group]: round index, NO_ROUND before any */
    bool *switched;  /* [sentinel * groups + group] */
    uint32_t *prev;  /* [sentinel]: round of its last record */
    uint64_t *epoch; /* [sentinel] */
    uint32_t newest; /* the latest round any sentinel reached */
};

/* The first round (of `group`, or of any when -1) with epoch >= `epoch`, else NO_ROUND. */
static uint32_t round_from_epoch(const struct rounds *r, int32_t group, uint64_t epoch) {
    for (uint32_t k = 0; k < r->len; k++) {
        if ((group < 0 || r->v[k].group == group) && r->v[k].epoch >= epoch) { return k; }
    }
    return NO_ROUND;
}

static uint32_t first_of_group(const struct rounds *r, int32_t group) {
    return round_from_epoch(r, group, 0);
}

static uint32_t next_of_group(const struct rounds *r, uint32_t k) {
    for (uint32_t j = k + 1; j < r->len; j++) {
        if (r->v[j].group == r->v[k].group) { return j; }
    }
    return NO_ROUND;
}

/* Moves sentinel s forward into round k (never back). */
static void enter(struct walk *w, uint32_t s, uint32_t k) {
    int32_t g = w->r->v[k].group;
    size_t at = (size_t)s * w->groups + (uint32_t)(g < 0 ? 0 : g);
    if (w->cur[at] == NO_ROUND || w->cur[at] < k) {
        w->cur[at] = k;
        w->switched[at] = false;
    }
}

static bool is_leader_step(const char *type) {
    static const char *const steps[] = {
        "+try-failover",      "+elected-leader",      "+selected-slave",
        "+promoted-slave",    "+failover-end",        "+failover-end-for-timeout",
        "+slave-reconf-sent", "+slave-reconf-inprog", "+slave-reconf-done",
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (strcmp(type, steps[i]) == 0) { return true; }
    }
    return strncmp(type, "+failover-state-", 16) == 0 || strncmp(type, "-failover-abort-", 16) == 0;
}

/* The round of sentinel s's next +switch-master from record i on, or NO_ROUND. */
static uint32_t next_switch_round(const struct walk *w, size_t i, uint32_t s) {
    const struct rep_run *run = w->run;
    const char *proc = run->scn->sentinels[s].name;
    for (size_t j = i + 1; j < run->log.len; j++) {
        const struct rep_event *ev = &run->log.events[j];
        if (ev->kind != REP_KIND_EVENT || strcmp(ev->proc, proc) != 0) { continue; }
        if (strcmp(ev->type, "+switch-master") != 0) { continue; }
        struct switch_seen sw;
        if (!parse_switch(run, ev->text, &sw)) { return NO_ROUND; }
        return round_of_switch(w->r, &sw, w->epoch[s]);
    }
    return NO_ROUND;
}

/* The round of a sentinel event that names group g. */
static uint32_t group_event_round(struct walk *w, size_t i, uint32_t s, int32_t g) {
    const struct rep_event *ev = &w->run->log.events[i];
    size_t at = (size_t)s * w->groups + (uint32_t)g;
    if (w->cur[at] == NO_ROUND) { w->cur[at] = first_of_group(w->r, g); }
    if (w->cur[at] == NO_ROUND) { return w->prev[s]; } /* a group that never failed over */
    uint32_t k = NO_ROUND;
    if (strcmp(ev->type, "+switch-master") == 0) {
        struct switch_seen sw;
        k = parse_switch(w->run, ev->text, &sw) ? round_of_switch(w->r, &sw, w->epoch[s]) : k;
        if (k != NO_ROUND && k >= w->cur[at]) {
            enter(w, s, k);
            w->switched[at] = true;
        }
        return k != NO_ROUND ? k : w->cur[at];
    }
    if (strcmp(ev->type, "+config-update-from") == 0) {
        k = next_switch_round(w, i, s);
    } else if (is_leader_step(ev->type)) {
        k = round_from_epoch(w->r, g, w->epoch[s]);
    } else if (w->switched[at] && strncmp(ev->text, "master ", 7) == 0) {
        uint32_t next = next_of_group(w->r, w->cur[at]);
        bool opens =
            next != NO_ROUND && subject_node(w->run, ev->text, NULL) == w->r->v[next].old_master;
        k = opens ? next : NO_ROUND;
    }
    if (k != NO_ROUND) { enter(w, s, k); }
    return w->cur[at];
}

static uint32_t sentinel_record_round(struct walk *w, size_t i, uint32_t s) {
    const struct rep_event *ev = &w->run->log.events[i];
    if (ev->kind != REP_KIND_EVENT) { return w->prev[s]; }
    bool new_epoch = strcmp(ev->type, "+new-epoch") == 0;
    if (new_epoch) { w->epoch[s] = strtoull(ev->text, NULL, 10); }
    if (new_epoch || strcmp(ev->type, "+vote-for-leader") == 0) {
        uint32_t k = round_from_epoch(w->r, -1, w->epoch[s]);
        k = k != NO_ROUND ? k : w->r->len - 1;
        enter(w, s, k);
        return k;
    }
    int32_t g = group_of_text(w->run->scn, ev->type, ev->text);
    return g < 0 ? w->prev[s] : group_event_round(w, i, s, g);
}

static int assign_rounds(struct rep_norm *n, const struct rounds *r, uint32_t *out) {
    const struct rep_run *run = n->run;
    const struct scn *s = run->scn;
    struct walk w = {run, r, s->groups_len > 0 ? s->groups_len : 1, NULL, NULL, NULL, NULL, 0};
    size_t cells = (size_t)s->sentinels_len * w.groups + 1;
    w.cur = malloc(cells * sizeof(*w.cur));
    w.switched = calloc(cells, sizeof(*w.switched));
    w.prev = calloc(s->sentinels_len + 1, sizeof(*w.prev));
    w.epoch = calloc(s->sentinels_len + 1, sizeof(*w.epoch));
    int rc = -1;
    if (w.cur == NULL || w.switched == NULL || w.prev == NULL || w.epoch == NULL) { goto done; }
    for (size_t c = 0; c < cells; c++) {
        w.cur[c] = NO_ROUND;
    }
    for (size_t i = 0; i < run->log.len; i++) {
        int32_t sen = sentinel_of(run, &run->log.events[i]);
        if (sen < 0 || r->len == 1) {
            out[i] = r->len == 1 ? 0 : w.newest;
            continue;
        }
        out[i] = sentinel_record_round(&w, i, (uint32_t)sen);
        w.prev[sen] = out[i];
        if (out[i] > w.newest) { w.newest = out[i]; }
    }
    rc = 0;
done:
    free(w.cur);
    free(w.switched);
    free(w.prev);
    free(w.epoch);
    return rc;
}

/* ---------------------------------------------------------------- roles */

int rep_norm_round_role(
    const struct rep_norm *n, uint32_t round, struct scn_proc p, char *out, size_t len) {
    REP_ASSERT(round < n->rounds_len);
    const struct scn *s = n->run->scn;
    const struct rep_norm_round *x = &n->rounds[round];
    int w;
    if (p.kind == SCN_PROC_SENTINEL) {
        /* Followers count in scenario order, skipping the leader. */
        uint32_t f = p.index + 1 - (x->leader >= 0 && (uint32_t)x->leader < p.index ? 1 : 0);
        w = (int32_t)p.index == x->leader ? snprintf(out, len, "L") : snprintf(out, len, "F%u", f);
    } else if (x->group < 0 || s->nodes[p.index].group != (uint32_t)x->group) {
        w = snprintf(out, len, "%s", s->nodes[p.index].name);
    } else if ((int32_t)p.index == x->old_master) {
        w = snprintf(out, len, "M");
    } else if ((int32_t)p.index == x->promoted) {
        w = snprintf(out, len, "P");
    } else {
        /* Replicas count in scenario order within the group, skipping M and P. */
        uint32_t r = n->group_pos__[p.index] + 1;
        r -= x->old_master >= 0 && (uint32_t)x->old_master < p.index;
        r -= x->promoted >= 0 && (uint32_t)x->promoted < p.index;
        w = snprintf(out, len, "R%u", r);
    }
    return w < 0 || (size_t)w >= len ? -1 : 0;
}

int32_t rep_norm_sentinel_in_role(const struct rep_norm *n, uint32_t round, const char *role) {
    for (uint32_t i = 0; i < n->run->scn->sentinels_len; i++) {
        char mine[REP_ROLE_MAX];
        if (rep_norm_round_role(n, round, (struct scn_proc){SCN_PROC_SENTINEL, i}, mine,
                                sizeof(mine)) == 0 &&
            strcmp(mine, role) == 0) {
            return (int32_t)i;
        }
    }
    return -1;
}

int rep_norm_round_label(uint32_t rounds, uint32_t round, const char *role, char *out, size_t len) {
    int w =
        rounds > 1 ? snprintf(out, len, "%u:%s", round + 1, role) : snprintf(out, len, "%s", role);
    return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* Per node, how many nodes of its group come before it. */
static int rank_nodes(struct rep_norm *n) {
    const struct scn *s = n->run->scn;
    uint32_t *seen = calloc(s->groups_len + 1, sizeof(*seen));
    n->group_pos__ = calloc(s->nodes_len + 1, sizeof(*n->group_pos__));
    if (seen == NULL || n->group_pos__ == NULL) {
        free(seen);
        return -1;
    }
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        uint32_t g = s->nodes[i].group < s->groups_len ? s->nodes[i].group : s->groups_len;
        n->group_pos__[i] = seen[g]++;
    }
    free(seen);
    return 0;
}

/* The summary tables: every process's role in the last failover. */
static void assign_roles(struct rep_norm *n) {
    const struct scn *s = n->run->scn;
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        rep_norm_round_role(n, n->last, (struct scn_proc){SCN_PROC_SENTINEL, i},
                            n->sentinel_roles[i], REP_ROLE_MAX);
    }
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        rep_norm_round_role(n, n->last, (struct scn_proc){SCN_PROC_NODE, i}, n->node_roles[i],
                            REP_ROLE_MAX);
    }
}

/* ---------------------------------------------------------------- roled and skeleton forms */

const char *rep_norm_role_of(const struct rep_norm *n, const char *proc) {
    struct scn_proc p;
    if (rep__find_proc(n->run, proc, &p) < 0) { return NULL; }
    return p.kind == SCN_PROC_NODE ? n->node_roles[p.index] : n->sentinel_roles[p.index];
}

/* A text's names as roles of round `round` (bare: the text lives in its round). */
static int roled(
    const struct rep_norm *n, uint32_t round, const char *named, char *buf, size_t cap) {
    struct out o = {buf, cap, 0, 0};
    buf[0] = '\0';
    char copy[REP_NORM_TEXT_MAX];
    snprintf(copy, sizeof(copy), "%s", named);
    char *w[WORDS_MAX];
    size_t cnt = rep__split(copy, w, WORDS_MAX);
    const struct scn *s = n->run->scn;
    for (size_t i = 0; i < cnt; i++) {
        if (s->groups_len == 1 && strcmp(w[i], s->groups[0].name) == 0) { continue; }
        struct scn_proc p;
        char role[REP_ROLE_MAX];
        bool known = rep__find_proc(n->run, w[i], &p) == 0 &&
                     rep_norm_round_role(n, round, p, role, sizeof(role)) == 0;
        emit(&o, known ? role : w[i]);
    }
    return o.rc;
}

static bool numeric_word(const char *w) {
    for (; *w != '\0'; w++) {
        if (!((*w >= '0' && *w <= '9') || *w == '/' || *w == '.')) { return false; }
    }
    return true;
}

/* "R12" -> "R", "F3" -> "F": the numbering of replicas and followers is not seed-stable. */
static bool numbered_role(const char *w, char letter) {
    return w[0] == letter && all_digits(w + 1);
}

static int skeleton(const char *type, const char *roled_text, char *buf, size_t cap) {
    struct out o = {buf, cap, 0, 0};
    buf[0] = '\0';
    emit(&o, type);
    char copy[REP_NORM_TEXT_MAX];
    snprintf(copy, sizeof(copy), "%s", roled_text);
    char *w[WORDS_MAX];
    size_t cnt = rep__split(copy, w, WORDS_MAX);
    for (size_t i = 0; i < cnt && strcmp(w[i], "@") != 0; i++) {
        if (w[i][0] == '#' || numeric_word(w[i])) { continue; }
        if (numbered_role(w[i], 'R')) {
            emit(&o, "R");
        } else if (numbered_role(w[i], 'F')) {
            emit(&o, "F");
        } else {
            emit(&o, w[i]);
        }
    }
    return o.rc;
}

bool rep_norm_line_matches(const char *pattern, const char *line) {
    char pc[REP_NORM_TEXT_MAX * 2], lc[REP_NORM_TEXT_MAX * 2];
    snprintf(pc, sizeof(pc), "%s", pattern);
    snprintf(lc, sizeof(lc), "%s", line);
    char *pw[WORDS_MAX], *lw[WORDS_MAX];
    size_t pn = rep__split(pc, pw, WORDS_MAX);
    size_t ln = rep__split(lc, lw, WORDS_MAX);
    if (pn > ln) { return false; }
    for (size_t i = 0; i < pn; i++) {
        bool ok = strcmp(pw[i], "*") == 0 || strcmp(pw[i], lw[i]) == 0;
        ok = ok || (strcmp(pw[i], "F") == 0 && numbered_role(lw[i], 'F'));
        ok = ok || (strcmp(pw[i], "R") == 0 && numbered_role(lw[i], 'R'));
        if (!ok) { return false; }
    }
    return true;
}

/* ---------------------------------------------------------------- the whole run */

/* The emitter's role in the record's round, with the round when there are several. */
static void emitter_role(const struct rep_norm *n, struct rep_norm_event *ne) {
    struct scn_proc p;
    char role[REP_ROLE_MAX];
    if (rep__find_proc(n->run, ne->proc, &p) < 0 ||
        rep_norm_round_role(n, ne->round, p, role, sizeof(role)) < 0) {
        ne->role[0] = '\0';
        return;
    }
    if (rep_norm_round_label(n->rounds_len, ne->round, role, ne->role, sizeof(ne->role)) < 0) {
        ne->role[0] = '\0';
    }
}

/* The next form's room in the text pool: REP_NORM_TEXT_MAX bytes, of which
 * commit_text() keeps what was written. */
static char *next_text(const struct rep_norm *n) {
    return n->texts__ + n->texts_len__;
}

static const char *commit_text(struct rep_norm *n) {
    char *t = next_text(n);
    n->texts_len__ += strlen(t) + 1;
    return t;
}

static int normalize_event(struct rep_norm *n,
                           size_t i,
                           uint32_t round,
                           struct rep_norm_event *ne) {
    const struct rep_run *run = n->run;
    const struct rep_event *ev = &run->log.events[i];
    memset(ne, 0, sizeof(*ne));
    ne->index = (uint32_t)i;
    ne->dt_ms = (int64_t)ev->t_ms - (int64_t)run->fault_t_ms;
    ne->kind = ev->kind;
    ne->level = ev->level;
    ne->round = round;
    memcpy(ne->proc, ev->proc, sizeof(ne->proc));
    memcpy(ne->type, ev->type, sizeof(ne->type));
    emitter_role(n, ne);
    if (rep_norm_named(run, ev->text, next_text(n), REP_NORM_TEXT_MAX) < 0) { return -1; }
    ne->named = commit_text(n);
    if (roled(n, round, ne->named, next_text(n), REP_NORM_TEXT_MAX) < 0) { return -1; }
    ne->roled = commit_text(n);
    *next_text(n) = '\0';
    if (ev->kind == REP_KIND_EVENT &&
        skeleton(ev->type, ne->roled, next_text(n), REP_NORM_TEXT_MAX) < 0) {
        return -1;
    }
    ne->skel = commit_text(n);
    return 0;
}

/* The first fault record, or the first record at fault_t_ms; len if none. */
static uint32_t find_fault(const struct rep_run *run) {
    uint32_t at = (uint32_t)run->log.len;
    for (size_t i = run->log.len; i-- > 0;) {
        if (run->log.events[i].t_ms >= run->fault_t_ms) { at = (uint32_t)i; }
    }
    for (size_t i = at; i < run->log.len; i++) {
        /* Records of the fault's own millisecond logged before it still belong before it. */
        if (run->log.events[i].kind == REP_KIND_FAULT) { return (uint32_t)i; }
        if (run->log.events[i].t_ms > run->fault_t_ms) { break; }
    }
    return at;
}

/* Rounds, their summary and role tables, and each record's round (into *rounds_of). */
static int find_rounds(struct rep_norm *n, uint32_t **rounds_of) {
    const struct rep_run *run = n->run;
    struct rounds r;
    *rounds_of = calloc(run->log.len + 1, sizeof(**rounds_of));
    if (*rounds_of == NULL || discover_rounds(run, &r) < 0) { return -1; }
    n->rounds = r.v;
    n->rounds_len = r.len;
    summarize(n);
    if (rank_nodes(n) < 0) { return -1; }
    assign_roles(n);
    return assign_rounds(n, &r, *rounds_of);
}

static int normalize_all(struct rep_norm *n, const uint32_t *rounds_of) {
    const struct rep_run *run = n->run;
    int rc = 0;
    for (size_t i = 0; i < run->log.len && rc == 0; i++) {
        /* Only roles longer than the names they replace can overflow. */
        rc = normalize_event(n, i, rounds_of[i], &n->events[n->len]);
        n->len += rc == 0;
    }
    return rc;
}

int rep_normalize(const struct rep_run *run, struct rep_norm *out) {
    REP_ASSERT(run != NULL);
    REP_ASSERT(run->scn != NULL);
    const struct scn *s = run->scn;
    memset(out, 0, sizeof(*out));
    out->run = run;
    /* normalize_event() clears each record it fills; only [0, len) is ever read. */
    out->events = malloc((run->log.len > 0 ? run->log.len : 1) * sizeof(*out->events));
    out->texts__ = malloc((run->log.len > 0 ? run->log.len : 1) * 3 * REP_NORM_TEXT_MAX);
    out->sentinel_roles = calloc(s->sentinels_len + 1, sizeof(*out->sentinel_roles));
    out->node_roles = calloc(s->nodes_len + 1, sizeof(*out->node_roles));
    uint32_t *rounds_of = NULL;
    int rc = -1;
    if (out->events != NULL && out->texts__ != NULL && out->sentinel_roles != NULL &&
        out->node_roles != NULL && find_rounds(out, &rounds_of) == 0) {
        out->fault_index = find_fault(run);
        rc = normalize_all(out, rounds_of);
    }
    free(rounds_of);
    if (rc < 0) { rep_norm_free(out); }
    return rc;
}

bool rep_norm_after_fault(const struct rep_norm *n, const struct rep_norm_event *e) {
    if (e->index >= n->fault_index) { return true; }
    if (e->dt_ms < 0) { return false; }
    return strcmp(e->type, "+monitor") != 0 && strcmp(e->type, "+slave") != 0 &&
           strcmp(e->type, "+sentinel") != 0;
}

void rep_norm_free(struct rep_norm *n) {
    free(n->events);
    free(n->texts__);
    free(n->rounds);
    free(n->group_pos__);
    free(n->sentinel_roles);
    free(n->node_roles);
    memset(n, 0, sizeof(*n));
}

/* ---------------------------------------------------------------- output */

/* "+12.345s" / "-0.100s" without floating point. */
static void format_dt(int64_t dt_ms, char *buf, size_t len) {
    uint64_t a = dt_ms < 0 ? (uint64_t)(-(dt_ms + 1)) + 1 : (uint64_t)dt_ms;
    snprintf(buf, len, "%c%llu.%03llus", dt_ms < 0 ? '-' : '+', (unsigned long long)(a / 1000),
             (unsigned long long)(a % 1000));
}

int rep_norm_write_text(FILE *f, const struct rep_norm *n) {
    for (uint32_t i = 0; i < n->len; i++) {
        const struct rep_norm_event *e = &n->events[i];
        char dt[32];
        format_dt(e->dt_ms, dt, sizeof(dt));
        const char *raw = n->run->log.events[e->index].text;
        if (fprintf(f, "%10s %-8s %-3s %s%s%s   | %s\n", dt, e->proc, e->role, e->type,
                    e->type[0] != '\0' ? " " : "", e->roled, raw) < 0) {
            return -1;
        }
    }
    return 0;
}

int rep_norm_write_json(FILE *f, const struct rep_norm *n) {
    char buf[8192];
    for (uint32_t i = 0; i < n->len; i++) {
        const struct rep_norm_event *e = &n->events[i];
        const struct rep_event *ev = &n->run->log.events[e->index];
        size_t pos = 0;
        int rc = rep__json_cat(buf, sizeof(buf), &pos, "{\"seq\":%llu,\"dt_ms\":%lld,\"proc\":",
                               (unsigned long long)ev->seq, (long long)e->dt_ms);
        rc |= rep__json_str(buf, sizeof(buf), &pos, e->proc);
        rc |= rep__json_cat(buf, sizeof(buf), &pos, ",\"role\":");
        rc |= rep__json_str(buf, sizeof(buf), &pos, e->role);
        rc |= rep__json_cat(buf, sizeof(buf), &pos,
                            ",\"kind\":\"%s\",\"level\":\"%s\",\"type\":", rep_kind_name(e->kind),
                            rep_level_name(e->level));
        rc |= rep__json_str(buf, sizeof(buf), &pos, e->type);
        rc |= rep__json_cat(buf, sizeof(buf), &pos, ",\"named\":");
        rc |= rep__json_str(buf, sizeof(buf), &pos, e->named);
        rc |= rep__json_cat(buf, sizeof(buf), &pos, ",\"roled\":");
        rc |= rep__json_str(buf, sizeof(buf), &pos, e->roled);
        rc |= rep__json_cat(buf, sizeof(buf), &pos, ",\"skel\":");
        rc |= rep__json_str(buf, sizeof(buf), &pos, e->skel);
        rc |= rep__json_cat(buf, sizeof(buf), &pos, ",\"raw\":");
        rc |= rep__json_str(buf, sizeof(buf), &pos, ev->text);
        rc |= rep__json_cat(buf, sizeof(buf), &pos, "}\n");
        REP_ASSERT(rc == 0);
        if (fwrite(buf, 1, pos, f) != pos) { return -1; }
    }
    return 0;
}
