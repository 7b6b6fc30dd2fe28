/* chaos_check.c: Sentinel's safety invariants, checked as a run goes.
 *
 * Method: the checker is a small state machine fed, in run order, with the
 * events each sentinel emits and with read-only views of its core after
 * every step that emitted any event (every change the invariants are about
 * comes with an event: a vote, an epoch, a switch). It keeps per sentinel
 * and per monitored master only what the invariants need (the vote of the
 * latest epoch, ODOWN as announced by +odown/-odown, the config epoch, the
 * epoch of the last attempt) and a bounded list of elections, so each check
 * costs a few comparisons and nothing is allocated after
 * sim_chaos_check_new(). The invariants and where the spec states them:
 *
 *   two-leaders       at most one sentinel elected per master per epoch (§8.2:
 *                     one vote per epoch, majority needed, §8.3); a forced
 *                     (manual) failover needs no votes (§9.2), so a clash with
 *                     one is classified as known behaviour;
 *   vote-changed      a sentinel's vote never changes within an epoch (§8.2);
 *   epoch-regressed   config epochs only grow (§8.1); current epochs too,
 *                     within one process lifetime; a config epoch that goes
 *                     back across a restart is known behaviour (§16.3: an
 *                     epoch adopted without an address change is not flushed);
 *   failover-no-odown an automatic attempt needs ODOWN (§8.4); manual ones are
 *                     recognized by "Executing user requested FAILOVER";
 *   unpromoted        a switch goes to a node some leader promoted (§9.5, §11.2);
 *   prio0             a priority-0 replica is never selected (§10.1 filter 4);
 *   disagree          in the stable window every live sentinel reports the same
 *                     master.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/chaos_internal.h"
#include "sim/check.h"

#define RUNID_LEN           CORE_RUNID_LEN
#define ADDR_LEN            (CORE_IP_MAX + 8) /* "ip:port" */
#define SIM_CHAOS_ADDRS_MAX 128

/* A selection or promotion of a replica, kept until its node is known. */
struct pick {
    uint64_t t_ms;
    uint32_t sentinel;
    bool promoted;
    bool judged;
    bool as_master; /* the node reported role:master to that sentinel when picked */
    char addr[ADDR_LEN];
};

/* The role a sentinel last saw a replica record report (±role-change). */
struct role {
    uint32_t sentinel;
    bool master;
    char addr[ADDR_LEN];
};

/* Per sentinel and monitored master. */
struct sg {
    char vote[RUNID_LEN + 1]; /* latest vote's candidate; "" if none seen */
    uint64_t vote_epoch;
    uint64_t failover_epoch; /* epoch of this sentinel's last +try-failover */
    uint64_t config_epoch;   /* highest seen */
    int32_t sentinels_known; /* other-sentinel records in the latest view; -1 none yet */
    uint8_t state;           /* failover state index (coverage) */
    bool odown;
    bool sdown;          /* the master is SDOWN (from +sdown/-sdown master events) */
    char addr[ADDR_LEN]; /* "ip:port" of the master in the latest view; "" none */
    bool forced;         /* the last attempt was a manual failover */
    bool manual_pending; /* "Executing user requested FAILOVER" seen, attempt next */
};

/* Per sentinel. */
struct ps {
    char runid[RUNID_LEN + 1];
    uint64_t epoch_event;   /* value of the latest +new-epoch */
    uint64_t current_epoch; /* from the core view, this lifetime */
    bool epoch_known;
    bool up;
    bool tilt; /* between +tilt and -tilt */
};

struct election {
    uint32_t group;
    uint32_t sentinel;
    uint64_t epoch;
    uint64_t current_epoch; /* the leader's current epoch when elected (> epoch: late votes) */
    bool forced;
    bool partial; /* the leader knew fewer sentinels than there are */
};

struct sim_chaos_check {
    const struct scn *scn;
    const struct rep_run *names;
    uint32_t ns, ng;
    struct ps *ps; /* [ns] */
    struct sg *sg; /* [ns * ng] */
    /* Addresses ("ip:port") a switch may go to: masters the sentinels started
     * with and every promoted replica. Addresses, not nodes: the names map
     * may be filled only at the end of a run. */
    char legit[SIM_CHAOS_ADDRS_MAX][ADDR_LEN];
    uint32_t legit_len;
    /* Replicas selected or promoted, judged against their priority as soon
     * as the names map can tell which node they are. */
    struct pick picks[SIM_CHAOS_ADDRS_MAX];
    uint32_t picks_len;
    struct role roles[SIM_CHAOS_ADDRS_MAX];
    uint32_t roles_len;
    struct election el[SIM_CHAOS_ELECTIONS_MAX];
    uint32_t el_len;
    uint64_t stable_from_ms;
    uint64_t last_event_ms; /* time of the latest event of any sentinel */
    bool judged;            /* liveness was judged at the end */
    uint64_t seen;          /* bit per invariant and class already flagged */
    uint32_t v_len;
    struct sim_chaos_violation v[SIM_CHAOS_VIOLATIONS_MAX];
    struct sim_chaos_cov cov;
};

_Static_assert(SIM_CHAOS_INV_COUNT * 3 <= 64, "one bit per invariant and class in `seen`");

static const char *const inv_names[SIM_CHAOS_INV_COUNT] = {
    "two-leaders", "vote-changed",   "epoch-regressed", "failover-no-odown", "unpromoted",  "prio0",
    "disagree",    "no-convergence", "crash",           "run-error",         "writes-lost",
};

const char *sim_chaos_inv_name(enum sim_chaos_inv inv) {
    SIM_ASSERT((unsigned)inv < SIM_CHAOS_INV_COUNT);
    return inv_names[inv];
}

int sim_chaos_inv_parse(const char *s, enum sim_chaos_inv *out) {
    for (uint32_t i = 0; i < SIM_CHAOS_INV_COUNT; i++) {
        if (strcmp(s, inv_names[i]) == 0) {
            *out = (enum sim_chaos_inv)i;
            return 0;
        }
    }
    return -1;
}

const char *sim_chaos_class_name(enum sim_chaos_class c) {
    switch (c) {
    case SIM_CHAOS_CLASS_BUG:
        return "bug";
    case SIM_CHAOS_CLASS_KNOWN:
        return "known";
    case SIM_CHAOS_CLASS_NEW:
        return "new";
    }
    SIM_UNREACHABLE();
}

static struct sg *sg_at(struct sim_chaos_check *c, uint32_t s, uint32_t g) {
    SIM_ASSERT(s < c->ns);
    SIM_ASSERT(g < c->ng);
    return &c->sg[(size_t)s * c->ng + g];
}

struct sim_chaos_check *sim_chaos_check_new(const struct scn *scn, const struct rep_run *names) {
    SIM_ASSERT(scn != NULL);
    struct sim_chaos_check *c = calloc(1, sizeof(*c));
    if (c == NULL) { return NULL; }
    c->scn = scn;
    c->names = names;
    c->ns = scn->sentinels_len;
    c->ng = scn->groups_len;
    c->ps = calloc(c->ns ? c->ns : 1, sizeof(*c->ps));
    c->sg = calloc((size_t)(c->ns ? c->ns : 1) * (c->ng ? c->ng : 1), sizeof(*c->sg));
    if (!c->ps || !c->sg) {
        sim_chaos_check_free(c);
        return NULL;
    }
    for (size_t i = 0; i < (size_t)c->ns * c->ng; i++) {
        c->sg[i].sentinels_known = -1;
    }
    c->stable_from_ms = UINT64_MAX;
    return c;
}

void sim_chaos_check_free(struct sim_chaos_check *c) {
    if (c == NULL) { return; }
    free(c->ps);
    free(c->sg);
    free(c);
}

void sim_chaos__flag(struct sim_chaos_check *c,
                     enum sim_chaos_inv inv,
                     enum sim_chaos_class cls,
                     uint64_t t_ms,
                     const char *proc,
                     const char *cite,
                     const char *fmt,
                     ...) {
    SIM_ASSERT((unsigned)inv < SIM_CHAOS_INV_COUNT);
    uint64_t bit = 1ull << (inv * 3 + cls);
    if ((c->seen & bit) || c->v_len >= SIM_CHAOS_VIOLATIONS_MAX) { return; }
    c->seen |= bit;
    struct sim_chaos_violation *v = &c->v[c->v_len++];
    memset(v, 0, sizeof(*v));
    v->inv = inv;
    v->cls = cls;
    v->t_ms = t_ms;
    snprintf(v->proc, sizeof(v->proc), "%s", proc ? proc : "");
    snprintf(v->cite, sizeof(v->cite), "%s", cite ? cite : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
    va_end(ap);
}

void sim_chaos_check_runid(struct sim_chaos_check *c, uint32_t sentinel, const char *runid) {
    SIM_ASSERT(sentinel < c->ns);
    snprintf(c->ps[sentinel].runid, sizeof(c->ps[sentinel].runid), "%s", runid);
}

/* ---------------------------------------------------------------- lookups */

static const char *sname(const struct sim_chaos_check *c, uint32_t s) {
    return c->scn->sentinels[s].name;
}

/* The sentinel whose id is `runid`, as a name, or the id itself. */
static const char *runid_name(const struct sim_chaos_check *c, const char *runid) {
    for (uint32_t s = 0; s < c->ns; s++) {
        if (strcmp(c->ps[s].runid, runid) == 0) { return sname(c, s); }
    }
    return runid;
}

/* The node at ip:port, or -1. */
static int32_t node_at(const struct sim_chaos_check *c, const char *ip, uint32_t port) {
    if (c->names == NULL) { return -1; }
    for (uint32_t i = 0; i < c->names->names_len; i++) {
        const struct rep_name *n = &c->names->names[i];
        if (n->port == port && n->proc.kind == SCN_PROC_NODE && strcmp(n->ip, ip) == 0) {
            return (int32_t)n->proc.index;
        }
    }
    return -1;
}

static int32_t group_named(const struct sim_chaos_check *c, const char *name, size_t len) {
    for (uint32_t g = 0; g < c->ng; g++) {
        if (strlen(c->scn->groups[g].name) == len &&
            strncmp(c->scn->groups[g].name, name, len) == 0) {
            return (int32_t)g;
        }
    }
    return -1;
}

/* Splits `text` into up to `max` space-separated words (pointers into buf). */
static uint32_t words(const char *text, char *buf, size_t cap, char **w, uint32_t max) {
    snprintf(buf, cap, "%s", text);
    uint32_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, " ", &save); p != NULL && n < max;
         p = strtok_r(NULL, " ", &save)) {
        w[n++] = p;
    }
    return n;
}

/* The node at "ip:port", or -1 (also while the names map is empty). */
static int32_t node_of_addr(const struct sim_chaos_check *c, const char *addr) {
    const char *colon = strrchr(addr, ':');
    if (colon == NULL || (size_t)(colon - addr) >= CORE_IP_MAX) { return -1; }
    char ip[CORE_IP_MAX];
    memcpy(ip, addr, (size_t)(colon - addr));
    ip[colon - addr] = '\0';
    return node_at(c, ip, (uint32_t)strtoul(colon + 1, NULL, 10));
}

/* A node's name if the names map knows the address, else the address. */
static const char *addr_name(const struct sim_chaos_check *c, const char *addr) {
    int32_t n = node_of_addr(c, addr);
    return n >= 0 ? c->scn->nodes[n].name : addr;
}

static bool legit_has(const struct sim_chaos_check *c, const char *addr) {
    for (uint32_t i = 0; i < c->legit_len; i++) {
        if (strcmp(c->legit[i], addr) == 0) { return true; }
    }
    return false;
}

static void legit_add(struct sim_chaos_check *c, const char *addr) {
    if (legit_has(c, addr) || c->legit_len >= SIM_CHAOS_ADDRS_MAX) { return; }
    snprintf(c->legit[c->legit_len++], ADDR_LEN, "%s", addr);
}

static const char *node_name(const struct sim_chaos_check *c, int32_t n) {
    return n >= 0 ? c->scn->nodes[n].name : "?";
}

/* ---------------------------------------------------------------- events */

/* How two leaders of one failover epoch are explained. A forced failover
 * needs no votes (§9.2), and a majority is counted over the sentinels a
 * leader knows, so sentinels that have not discovered each other each win
 * alone (§8.3; docs "Adding or removing Sentinels"): both known. A leader
 * whose current epoch had moved past its attempt's epoch was elected by
 * votes of that later epoch: the tally counts votes of the global current
 * epoch (§8.3 step 2) and asks carry it (§7.2.2), as upstream does, but the
 * spec's own consequence ("we cannot win epoch F") says otherwise: new. */
static enum sim_chaos_class two_leaders_class(const struct election *a,
                                              const struct election *b,
                                              const char **cite) {
    if (a->forced || b->forced) {
        *cite = "spec §9.2, §12.4: a forced failover skips the election";
        return SIM_CHAOS_CLASS_KNOWN;
    }
    if (a->partial || b->partial) {
        *cite = "spec §8.3: majority of the sentinels known; they had not discovered each other";
        return SIM_CHAOS_CLASS_KNOWN;
    }
    if (a->current_epoch > a->epoch || b->current_epoch > b->epoch) {
        *cite = "spec §8.3 step 2, §7.2.2: votes of the current epoch elect an older attempt";
        return SIM_CHAOS_CLASS_NEW;
    }
    *cite = "";
    return SIM_CHAOS_CLASS_BUG;
}

static void on_elected(struct sim_chaos_check *c, uint64_t t, uint32_t s, uint32_t g) {
    struct sg *x = sg_at(c, s, g);
    struct election me = {g,
                          s,
                          x->failover_epoch,
                          c->ps[s].current_epoch,
                          x->forced,
                          x->sentinels_known >= 0 && (uint32_t)x->sentinels_known + 1 < c->ns};
    for (uint32_t i = 0; i < c->el_len; i++) {
        const struct election *e = &c->el[i];
        if (e->group != g || e->epoch != me.epoch || e->sentinel == s) { continue; }
        const char *cite = "";
        enum sim_chaos_class cls = two_leaders_class(e, &me, &cite);
        const struct election *late = me.current_epoch > me.epoch ? &me : e;
        char why[SCN_NAME_MAX + 48] = "";
        if (late->current_epoch > late->epoch) {
            snprintf(why, sizeof(why), " (%s by votes of epoch %" PRIu64 ")",
                     sname(c, late->sentinel), late->current_epoch);
        }
        sim_chaos__flag(c, SIM_CHAOS_INV_TWO_LEADERS, cls, t, sname(c, s), cite,
                        "%s and %s both elected leader of %s in epoch %" PRIu64 "%s",
                        sname(c, e->sentinel), sname(c, s), c->scn->groups[g].name, me.epoch, why);
    }
    if (c->el_len < SIM_CHAOS_ELECTIONS_MAX) { c->el[c->el_len++] = me; }
}

static void on_vote(
    struct sim_chaos_check *c, uint64_t t, uint32_t s, uint32_t g, const char *text) {
    char buf[REP_TEXT_MAX];
    char *w[2];
    if (words(text, buf, sizeof(buf), w, 2) != 2) { return; }
    uint64_t epoch = strtoull(w[1], NULL, 10);
    struct sg *x = sg_at(c, s, g);
    if (x->vote[0] != '\0' && x->vote_epoch == epoch && strcmp(x->vote, w[0]) != 0) {
        char first[RUNID_LEN + 1];
        snprintf(first, sizeof(first), "%s", runid_name(c, x->vote));
        sim_chaos__flag(c, SIM_CHAOS_INV_VOTE_CHANGED, SIM_CHAOS_CLASS_BUG, t, sname(c, s), "",
                        "%s voted for %s and then for %s in epoch %" PRIu64 " of %s", sname(c, s),
                        first, runid_name(c, w[0]), epoch, c->scn->groups[g].name);
    }
    if (x->vote[0] == '\0' || epoch >= x->vote_epoch) {
        snprintf(x->vote, sizeof(x->vote), "%s", w[0]);
        x->vote_epoch = epoch;
    }
}

static void on_try(struct sim_chaos_check *c, uint64_t t, uint32_t s, uint32_t g) {
    struct sg *x = sg_at(c, s, g);
    x->failover_epoch = c->ps[s].epoch_event;
    x->forced = x->manual_pending;
    x->manual_pending = false;
    if (!x->forced && !x->odown) {
        sim_chaos__flag(c, SIM_CHAOS_INV_FAILOVER_NO_ODOWN, SIM_CHAOS_CLASS_BUG, t, sname(c, s), "",
                        "%s started a failover of %s (epoch %" PRIu64 ") without +odown",
                        sname(c, s), c->scn->groups[g].name, x->failover_epoch);
    }
}

/* Judges a pick once its node is known; returns false while it is not. */
static bool judge_pick(struct sim_chaos_check *c, struct pick *p) {
    int32_t n = node_of_addr(c, p->addr);
    if (n < 0) { return false; }
    p->judged = true;
    if (c->scn->nodes[n].priority != 0) { return true; }
    /* A node running as a master reports no slave_priority in INFO (§17.2), so
     * its record keeps the assumed 100 (§1.2), and selection ignores the
     * reported role (§10.1): an old master not yet converted can be picked. */
    static const char why[] = "spec §1.2, §17.2, §10.1: a master's INFO has no slave_priority; "
                              "100 is assumed and the reported role is not checked";
    sim_chaos__flag(
        c, SIM_CHAOS_INV_PRIO0, p->as_master ? SIM_CHAOS_CLASS_NEW : SIM_CHAOS_CLASS_BUG, p->t_ms,
        sname(c, p->sentinel), p->as_master ? why : "", "%s: %s of priority-0 replica %s%s",
        sname(c, p->sentinel), p->promoted ? "+promoted-slave" : "+selected-slave", node_name(c, n),
        p->as_master ? " while it reported role:master" : "");
    return true;
}

static struct role *role_of(struct sim_chaos_check *c, uint32_t s, const char *addr, bool add) {
    for (uint32_t i = 0; i < c->roles_len; i++) {
        if (c->roles[i].sentinel == s && strcmp(c->roles[i].addr, addr) == 0) {
            return &c->roles[i];
        }
    }
    if (!add || c->roles_len >= SIM_CHAOS_ADDRS_MAX) { return NULL; }
    struct role *r = &c->roles[c->roles_len++];
    r->sentinel = s;
    r->master = false;
    snprintf(r->addr, sizeof(r->addr), "%s", addr);
    return r;
}

/* "+slave" creates a record (role slave until INFO says otherwise, §11.1);
 * "±role-change ... new reported role is master|slave" updates it. */
static void on_role(struct sim_chaos_check *c, uint32_t s, const char *type, const char *text) {
    char buf[REP_TEXT_MAX];
    char *w[4];
    if (words(text, buf, sizeof(buf), w, 4) < 4 || strcmp(w[0], "slave") != 0) { return; }
    char addr[ADDR_LEN];
    snprintf(addr, sizeof(addr), "%s:%s", w[2], w[3]);
    struct role *r = role_of(c, s, addr, true);
    if (r == NULL) { return; }
    r->master = strcmp(type, "+slave") != 0 && strstr(text, "new reported role is master") != NULL;
}

static void on_selected(
    struct sim_chaos_check *c, uint64_t t, uint32_t s, const char *type, const char *text) {
    char buf[REP_TEXT_MAX];
    char *w[4];
    if (words(text, buf, sizeof(buf), w, 4) < 4 || strcmp(w[0], "slave") != 0) { return; }
    struct pick p = {t, s, strcmp(type, "+promoted-slave") == 0, false, false, ""};
    snprintf(p.addr, sizeof(p.addr), "%s:%s", w[2], w[3]);
    const struct role *r = role_of(c, s, p.addr, false);
    p.as_master = r != NULL && r->master;
    /* The selection is the decision (§10); a promotion only makes the node
     * a legitimate switch target (it reports role:master by then anyway). */
    if (p.promoted) {
        legit_add(c, p.addr);
        return;
    }
    if (!judge_pick(c, &p) && c->picks_len < SIM_CHAOS_ADDRS_MAX) { c->picks[c->picks_len++] = p; }
}

/* Picks the names map could not place during the run, judged at its end. */
void sim_chaos__judge_picks(struct sim_chaos_check *c) {
    for (uint32_t i = 0; i < c->picks_len; i++) {
        if (!c->picks[i].judged) { judge_pick(c, &c->picks[i]); }
    }
}

static void on_switch(
    struct sim_chaos_check *c, uint64_t t, uint32_t s, uint32_t g, const char *text) {
    char buf[REP_TEXT_MAX];
    char *w[5];
    sg_at(c, s, g)->odown = false; /* the reset clears the flags (§11.1) */
    sg_at(c, s, g)->sdown = false;
    if (words(text, buf, sizeof(buf), w, 5) != 5) { return; }
    char addr[ADDR_LEN];
    snprintf(addr, sizeof(addr), "%s:%s", w[3], w[4]);
    /* A group's initial master is legitimate too (known by name once mapped). */
    int32_t n = node_of_addr(c, addr);
    bool initial = n >= 0 && c->scn->groups[c->scn->nodes[n].group].master == (uint32_t)n;
    if (!legit_has(c, addr) && !initial && c->legit_len < SIM_CHAOS_ADDRS_MAX) {
        sim_chaos__flag(c, SIM_CHAOS_INV_UNPROMOTED, SIM_CHAOS_CLASS_BUG, t, sname(c, s), "",
                        "%s switched %s to %s, which no leader promoted", sname(c, s),
                        c->scn->groups[g].name, addr_name(c, addr));
    }
}

/* Failover-state transitions as the events announce them (spec §9.10):
 * every state change of an attempt emits one, so coverage needs no views. */
static void track_state(struct sim_chaos_check *c, struct sg *x, const char *type) {
    static const struct {
        const char *type;
        uint8_t state;
    } map[] = {
        {"+try-failover", 1},
        {"+failover-state-select-slave", 2},
        {"+failover-state-send-slaveof-noone", 3},
        {"+failover-state-wait-promotion", 4},
        {"+failover-state-reconf-slaves", 5},
        {"+failover-end", 6},
        {"+failover-end-for-timeout", 6},
        {"+switch-master", 0},
        {"+reset-master", 0},
        {"-failover-abort-not-elected", 0},
        {"-failover-abort-no-good-slave", 0},
        {"-failover-abort-slave-timeout", 0},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(type, map[i].type) != 0) { continue; }
        if (map[i].state != x->state) { c->cov.trans[x->state][map[i].state]++; }
        x->state = map[i].state;
        return;
    }
}

void sim_chaos_check_event(struct sim_chaos_check *c,
                           uint64_t t_ms,
                           uint32_t sentinel,
                           int32_t group,
                           const char *type,
                           const char *text) {
    SIM_ASSERT(sentinel < c->ns);
    SIM_ASSERT(type != NULL && text != NULL);
    static const char manual[] = "Executing user requested FAILOVER of '";
    if (type[0] == '\0') {
        if (strncmp(text, manual, sizeof(manual) - 1) == 0) {
            const char *name = text + sizeof(manual) - 1;
            const char *end = strchr(name, '\'');
            int32_t g = end ? group_named(c, name, (size_t)(end - name)) : -1;
            if (g >= 0) { sg_at(c, sentinel, (uint32_t)g)->manual_pending = true; }
        }
        return;
    }
    c->cov.events[sim_chaos_cov_event(type)]++;
    c->last_event_ms = t_ms;
    if (strcmp(type, "+tilt") == 0 || strcmp(type, "-tilt") == 0) {
        c->ps[sentinel].tilt = type[0] == '+';
        return;
    }
    if (strcmp(type, "+new-epoch") == 0) {
        c->ps[sentinel].epoch_event = strtoull(text, NULL, 10);
        return;
    }
    if (group < 0 || (uint32_t)group >= c->ng) { return; }
    uint32_t g = (uint32_t)group;
    struct sg *x = sg_at(c, sentinel, g);
    track_state(c, x, type);
    if (strcmp(type, "+vote-for-leader") == 0) {
        on_vote(c, t_ms, sentinel, g, text);
    } else if (strcmp(type, "+try-failover") == 0) {
        on_try(c, t_ms, sentinel, g);
    } else if (strcmp(type, "+elected-leader") == 0) {
        on_elected(c, t_ms, sentinel, g);
    } else if (strcmp(type, "+odown") == 0) {
        x->odown = true;
    } else if (strcmp(type, "-odown") == 0 || strcmp(type, "+reset-master") == 0) {
        x->odown = false;
        x->sdown &= type[0] == '-';
    } else if (strcmp(type + 1, "sdown") == 0 && strncmp(text, "master ", 7) == 0) {
        x->sdown = type[0] == '+';
    } else if (strcmp(type, "+selected-slave") == 0 || strcmp(type, "+promoted-slave") == 0) {
        on_selected(c, t_ms, sentinel, type, text);
    } else if (strcmp(type, "+slave") == 0 || strcmp(type + 1, "role-change") == 0) {
        on_role(c, sentinel, type, text);
    } else if (strcmp(type, "+switch-master") == 0) {
        on_switch(c, t_ms, sentinel, g, text);
    }
}

/* ---------------------------------------------------------------- views */

static void disagree_check(struct sim_chaos_check *c, uint64_t t, uint32_t s, uint32_t g) {
    const char *mine = sg_at(c, s, g)->addr;
    if (t < c->stable_from_ms || mine[0] == '\0') { return; }
    for (uint32_t o = 0; o < c->ns; o++) {
        const char *theirs = sg_at(c, o, g)->addr;
        if (o == s || !c->ps[o].up || theirs[0] == '\0' || strcmp(theirs, mine) == 0) { continue; }
        sim_chaos__flag(c, SIM_CHAOS_INV_DISAGREE, SIM_CHAOS_CLASS_NEW, t, sname(c, s), "",
                        "in the stable window %s says %s is master of %s, %s says %s", sname(c, s),
                        addr_name(c, mine), c->scn->groups[g].name, sname(c, o),
                        addr_name(c, theirs));
    }
}

static void view_master(struct sim_chaos_check *c,
                        uint64_t t,
                        uint32_t s,
                        uint32_t g,
                        const struct core_master_view *v,
                        bool fresh) {
    struct sg *x = sg_at(c, s, g);
    if (v->config_epoch < x->config_epoch) {
        /* Right after a restart this is Sentinel's own behaviour: a config
         * epoch adopted from a hello that names the address already held is
         * not flushed (spec §16.3), so the process reads the older one back.
         * Within one process lifetime it is a bug. */
        sim_chaos__flag(c, SIM_CHAOS_INV_EPOCH_REGRESSED,
                        fresh ? SIM_CHAOS_CLASS_KNOWN : SIM_CHAOS_CLASS_BUG, t, sname(c, s),
                        fresh ? "spec §16.3: config-epoch adoption without an address change "
                                "is not flushed; the restart reads the older epoch"
                              : "",
                        "%s: config epoch of %s went from %" PRIu64 " to %" PRIu64 "%s",
                        sname(c, s), v->name, x->config_epoch, v->config_epoch,
                        fresh ? " across a restart" : "");
    }
    if (v->config_epoch >= x->config_epoch || fresh) { x->config_epoch = v->config_epoch; }
    if (v->leader[0] != '\0' && x->vote[0] != '\0' && v->leader_epoch == x->vote_epoch &&
        strcmp(v->leader, x->vote) != 0) {
        char first[RUNID_LEN + 1];
        snprintf(first, sizeof(first), "%s", runid_name(c, x->vote));
        sim_chaos__flag(c, SIM_CHAOS_INV_VOTE_CHANGED, SIM_CHAOS_CLASS_BUG, t, sname(c, s), "",
                        "%s's vote in epoch %" PRIu64 " of %s changed from %s to %s", sname(c, s),
                        v->leader_epoch, v->name, first, runid_name(c, v->leader));
    }
    snprintf(x->addr, sizeof(x->addr), "%s:%u", v->ip, (unsigned)v->port);
    /* What a sentinel starts with is a legitimate master (at first the
     * initial one; after a restart what it persisted, §9.5). */
    if (fresh) { legit_add(c, x->addr); }
    x->sentinels_known = (int32_t)v->sentinels;
    disagree_check(c, t, s, g);
}

void sim_chaos_check_core(struct sim_chaos_check *c,
                          uint64_t t_ms,
                          uint32_t sentinel,
                          const struct core_sentinel *core) {
    SIM_ASSERT(sentinel < c->ns);
    SIM_ASSERT(core != NULL);
    struct ps *p = &c->ps[sentinel];
    bool fresh = !p->epoch_known;
    if (p->runid[0] == '\0') { sim_chaos_check_runid(c, sentinel, core_myid(core)); }
    uint64_t e = core_current_epoch(core);
    if (p->epoch_known && e < p->current_epoch) {
        sim_chaos__flag(c, SIM_CHAOS_INV_EPOCH_REGRESSED, SIM_CHAOS_CLASS_BUG, t_ms,
                        sname(c, sentinel), "",
                        "%s: current epoch went from %" PRIu64 " to %" PRIu64 " while running",
                        sname(c, sentinel), p->current_epoch, e);
    }
    p->current_epoch = e;
    p->epoch_known = true;
    uint32_t len = core_masters_len(core);
    for (uint32_t i = 0; i < len; i++) {
        struct core_master_view v;
        if (core_master(core, i, &v) != 0) { continue; }
        int32_t g = group_named(c, v.name, strlen(v.name));
        if (g >= 0) { view_master(c, t_ms, sentinel, (uint32_t)g, &v, fresh); }
    }
}

void sim_chaos_check_proc(struct sim_chaos_check *c, uint64_t t_ms, uint32_t sentinel, bool up) {
    SIM_ASSERT(sentinel < c->ns);
    (void)t_ms;
    struct ps *p = &c->ps[sentinel];
    p->up = up;
    p->epoch_known = false;
    p->tilt = false;
    for (uint32_t i = 0; i < c->roles_len; i++) {
        if (c->roles[i].sentinel == sentinel) { c->roles[i].master = false; }
    }
    for (uint32_t g = 0; g < c->ng; g++) {
        struct sg *x = sg_at(c, sentinel, g);
        /* A new process starts with no flags and no attempt; votes and config
         * epochs were persisted (§8.2, §9.5) and stay. */
        x->odown = false;
        x->sdown = false;
        x->manual_pending = false;
        x->state = 0;
        x->addr[0] = '\0';
    }
}

void sim_chaos_check_writes_lost(
    struct sim_chaos_check *c, uint64_t t_ms, uint32_t node, uint64_t count, const char *cause) {
    SIM_ASSERT(node < c->scn->nodes_len);
    sim_chaos__flag(
        c, SIM_CHAOS_INV_WRITES_LOST, SIM_CHAOS_CLASS_KNOWN, t_ms, c->scn->nodes[node].name,
        "spec §19 item 21; redis docs 'Consistency under partitions'",
        "%s discarded %" PRIu64 " acknowledged writes: %s", c->scn->nodes[node].name, count, cause);
}

void sim_chaos_check_stable_from(struct sim_chaos_check *c, uint64_t t_ms) {
    c->stable_from_ms = t_ms;
}

uint32_t sim_chaos_check_violations(const struct sim_chaos_check *c,
                                    const struct sim_chaos_violation **out) {
    *out = c->v;
    return c->v_len;
}

const struct sim_chaos_cov *sim_chaos_check_cov(const struct sim_chaos_check *c) {
    return &c->cov;
}

uint64_t sim_chaos__stable_from(const struct sim_chaos_check *c) {
    return c->stable_from_ms;
}

void sim_chaos__set_judged(struct sim_chaos_check *c) {
    c->judged = true;
}

bool sim_chaos_check_judged(const struct sim_chaos_check *c) {
    return c->judged;
}

uint64_t sim_chaos_check_last_event(const struct sim_chaos_check *c) {
    return c->last_event_ms;
}

bool sim_chaos_check_settled(const struct sim_chaos_check *c) {
    for (uint32_t g = 0; g < c->ng; g++) {
        const char *agreed = NULL;
        for (uint32_t s = 0; s < c->ns; s++) {
            const struct sg *x = &c->sg[(size_t)s * c->ng + g];
            if (!c->ps[s].up) { continue; }
            if (c->ps[s].tilt || x->state != 0 || x->odown || x->sdown || x->addr[0] == '\0') {
                return false;
            }
            if (agreed != NULL && strcmp(agreed, x->addr) != 0) { return false; }
            agreed = x->addr;
        }
        if (agreed == NULL) { return false; }
    }
    return true;
}
