/* diff.c: the Sentinel-aware diff of two runs (see diff.h).
 *
 * Method: per role, each side's sentinel events from the fault on (DEBUG
 * excluded) are collected in skeleton form and sorted into chains, whose
 * order the spec guarantees, and an unordered rest. Chains are aligned by
 * longest common subsequence; the rest pairs up by line in time order.
 * Every comparison yields display rows, which are sorted by time and
 * printed as unified-diff hunks with context.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/diff.h"

#include <stdlib.h>
#include <string.h>

#include "reports/internal.h"
#include "reports/rep_assert.h"

#define CHAIN_MAX     40
#define LCS_CELLS_MAX (1u << 24) /* chains longer than this product are refused */

/* The leader's chain: spec §9.10, in order. */
static const char *const leader_chain[] = {
    "+sdown master",
    "+odown master",
    "+new-epoch",
    "+try-failover",
    "+vote-for-leader",
    "+elected-leader",
    "+failover-state-select-slave",
    "+selected-slave",
    "+failover-state-send-slaveof-noone",
    "+failover-state-wait-promotion",
    "+promoted-slave",
    "+failover-state-reconf-slaves",
    "+failover-end",
    "+switch-master",
};
/* Each replica's reconfiguration, on the leader; replicas interleave freely. */
static const char *const reconf_chain[] = {"+slave-reconf-sent", "+slave-reconf-inprog",
                                           "+slave-reconf-done"};
/* A follower's three independent chains (spec §9.10, "On every other sentinel"). */
static const char *const follower_detect[] = {"+sdown master", "+odown master"};
static const char *const follower_vote[] = {"+new-epoch", "+vote-for-leader"};
static const char *const follower_switch[] = {"+config-update-from", "+switch-master"};

/* Things one sentinel or another does (spec §11.3: the first whose INFO
 * arrives converts the old master, the others then see it as a replica):
 * compared across all sentinels, not per role. */
static const char *const anyone[] = {"+convert-to-slave", "+fix-slave-config", "+role-change"};

/* Events whose presence legitimately varies (spec §9.10): the leader's
 * -odown (only when the observers switched first), a follower's +odown
 * (none when the switch arrives first), and -role-change (only when an
 * INFO reply lands between promotion and switch). Missing on one side,
 * they are shown but not counted. */
static const char *const optional_leader[] = {"-odown master", "-role-change"};
static const char *const optional_follower[] = {"+odown master", "-role-change"};

#define ROW_OPTIONAL 3 /* a row class beside enum rep_diff_class: shown, not counted */

struct item {
    int64_t dt_ms;
    const char *line; /* skeleton line, owned by the rep_norm */
    const char *type;
    char chain[CHAIN_MAX]; /* "" = unordered */
    bool done;
};

struct side {
    struct item *items;
    uint32_t len;
};

struct row {
    char mark; /* ' ', '-', '+' */
    int64_t key_ms;
    int64_t a_ms, b_ms;
    const char *line;
    int cls; /* -1: none */
};

struct rows {
    struct row *v;
    uint32_t len, cap;
};

struct ctx {
    const struct rep_diff_opts *o;
    struct rep_diff_result *res;
    struct rows rows;
    const char *role;         /* bare: "L", "F2", "*" */
    char label[REP_ROLE_MAX]; /* as shown: the role, with its round when there are several */
    int rc;
};

void rep_diff_opts_default(struct rep_diff_opts *o) {
    memset(o, 0, sizeof(*o));
    o->tick_ms = 100;
    o->latency_ms = 10;
    o->ping_period_ms = 1000;
    o->period_ms = 2000;
    o->window_ms = 5000;
    o->context = 3;
    o->a_label = "a";
    o->b_label = "b";
}

uint32_t rep_diff_tolerance_ms(const struct rep_diff_opts *o, const char *type) {
    bool detect =
        strcmp(type, "+sdown") == 0 || strcmp(type, "-sdown") == 0 || strcmp(type, "+odown") == 0;
    return o->tick_ms + o->latency_ms + (detect ? o->ping_period_ms : o->period_ms);
}

const char *rep_diff_class_name(enum rep_diff_class c) {
    static const char *const names[] = {"ORDER", "PRESENCE", "TIMING"};
    REP_ASSERT(c <= REP_DIFF_TIMING);
    return names[c];
}

/* ---------------------------------------------------------------- collecting */

static bool in_list(const char *const *list, size_t n, const char *skel) {
    for (size_t i = 0; i < n; i++) {
        if (rep_norm_line_matches(list[i], skel)) { return true; }
    }
    return false;
}

#define IN(list, skel) in_list(list, sizeof(list) / sizeof(list[0]), skel)

static void chain_of(bool leader, const struct rep_norm_event *e, char *chain) {
    chain[0] = '\0';
    if (leader && IN(leader_chain, e->skel)) {
        snprintf(chain, CHAIN_MAX, "main");
    } else if (leader && IN(reconf_chain, e->skel)) {
        /* Keyed by the replica (its R<n> role word) so replicas may interleave. */
        const char *subject = strstr(e->roled, "slave ");
        char who[32] = ""; /* one role word, as sscanf reads it */
        if (subject != NULL) { sscanf(subject + 6, "%31s", who); }
        snprintf(chain, CHAIN_MAX, "reconf %s", who);
    } else if (!leader && IN(follower_detect, e->skel)) {
        snprintf(chain, CHAIN_MAX, "detect");
    } else if (!leader && IN(follower_vote, e->skel)) {
        snprintf(chain, CHAIN_MAX, "vote");
    } else if (!leader && IN(follower_switch, e->skel)) {
        snprintf(chain, CHAIN_MAX, "switch");
    }
}

static bool from_sentinel(const struct rep_norm *n, const struct rep_norm_event *e) {
    struct scn_proc p;
    return rep__find_proc(n->run, e->proc, &p) == 0 && p.kind == SCN_PROC_SENTINEL;
}

/* One sentinel's events of one round without the "anyone" ones, or
 * (sentinel -1, all) the "anyone" events of every sentinel in every round:
 * which sentinel converts the old master, and when, does not follow the
 * rounds. */
static int collect(
    const struct rep_norm *n, uint32_t round, int32_t sentinel, bool all, struct side *s) {
    memset(s, 0, sizeof(*s));
    if (sentinel < 0 && !all) { return 0; }
    s->items = calloc(n->len + 1, sizeof(*s->items));
    if (s->items == NULL) { return -1; }
    const char *proc = sentinel >= 0 ? n->run->scn->sentinels[sentinel].name : NULL;
    bool leader = sentinel >= 0 && sentinel == n->rounds[round].leader;
    for (uint32_t i = 0; i < n->len; i++) {
        const struct rep_norm_event *e = &n->events[i];
        if (e->kind != REP_KIND_EVENT || e->level == REP_LEVEL_DEBUG ||
            !rep_norm_after_fault(n, e)) {
            continue;
        }
        if (all ? !IN(anyone, e->skel) || !from_sentinel(n, e)
                : e->round != round || strcmp(e->proc, proc) != 0 || IN(anyone, e->skel)) {
            continue;
        }
        struct item *it = &s->items[s->len++];
        it->dt_ms = e->dt_ms;
        it->line = e->skel;
        it->type = e->type;
        chain_of(leader, e, it->chain);
    }
    return 0;
}

/* ---------------------------------------------------------------- rows and findings */

static void add_row(struct ctx *c, char mark, const struct item *a, const struct item *b, int cls) {
    if (c->rows.len == c->rows.cap) {
        uint32_t cap = c->rows.cap == 0 ? 64 : c->rows.cap * 2;
        struct row *v = realloc(c->rows.v, cap * sizeof(*v));
        if (v == NULL) {
            c->rc = -1;
            return;
        }
        c->rows.v = v;
        c->rows.cap = cap;
    }
    struct row *r = &c->rows.v[c->rows.len++];
    r->mark = mark;
    r->a_ms = a != NULL ? a->dt_ms : INT64_MIN;
    r->b_ms = b != NULL ? b->dt_ms : INT64_MIN;
    r->key_ms = a != NULL ? a->dt_ms : b->dt_ms;
    r->line = a != NULL ? a->line : b->line;
    r->cls = cls;
}

static void record(struct ctx *c,
                   enum rep_diff_class cls,
                   const struct item *a,
                   const struct item *b) {
    struct rep_diff_result *res = c->res;
    if (cls == REP_DIFF_ORDER) { res->order++; }
    if (cls == REP_DIFF_PRESENCE) { res->presence++; }
    if (cls == REP_DIFF_TIMING) { res->timing++; }
    if (res->items_len < REP_DIFF_ITEMS_MAX) {
        struct rep_diff_item *d = &res->items[res->items_len++];
        d->cls = cls;
        snprintf(d->role, sizeof(d->role), "%s", c->label);
        snprintf(d->line, sizeof(d->line), "%s", a != NULL ? a->line : b->line);
        d->a_dt_ms = a != NULL ? a->dt_ms : INT64_MIN;
        d->b_dt_ms = b != NULL ? b->dt_ms : INT64_MIN;
    }
}

/* One side has it, the other not: PRESENCE, unless it is optional. */
static void presence(struct ctx *c, const struct item *a, const struct item *b) {
    const struct item *it = a != NULL ? a : b;
    bool opt =
        strcmp(c->role, "L") == 0 ? IN(optional_leader, it->line) : IN(optional_follower, it->line);
    if (!opt) { record(c, REP_DIFF_PRESENCE, a, b); }
    add_row(c, a != NULL ? '-' : '+', a, b, opt ? ROW_OPTIONAL : (int)REP_DIFF_PRESENCE);
}

static void pair(struct ctx *c, const struct item *a, const struct item *b, uint32_t tol_ms) {
    int64_t d = a->dt_ms - b->dt_ms;
    if (d < 0) { d = -d; }
    if (d > (int64_t)tol_ms) {
        record(c, REP_DIFF_TIMING, a, b);
        add_row(c, '-', a, NULL, REP_DIFF_TIMING);
        add_row(c, '+', NULL, b, REP_DIFF_TIMING);
        /* Show the two times of one event next to each other. */
        if (c->rc == 0) { c->rows.v[c->rows.len - 1].key_ms = a->dt_ms; }
    } else {
        add_row(c, ' ', a, b, -1);
    }
}

/* ---------------------------------------------------------------- chains */

/* Items of one chain, in order. */
static uint32_t pick(const struct side *s, const char *chain, struct item **out) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->len; i++) {
        if (strcmp(s->items[i].chain, chain) == 0) { out[n++] = &s->items[i]; }
    }
    return n;
}

/* Unaligned items present on both sides are ORDER, the rest PRESENCE. */
static void unaligned(struct ctx *c, struct item **a, uint32_t na, struct item **b, uint32_t nb) {
    for (uint32_t i = 0; i < na; i++) {
        if (a[i]->done) { continue; }
        struct item *twin = NULL;
        for (uint32_t k = 0; k < nb && twin == NULL; k++) {
            if (!b[k]->done && strcmp(b[k]->line, a[i]->line) == 0) { twin = b[k]; }
        }
        a[i]->done = true;
        if (twin != NULL) {
            twin->done = true;
            record(c, REP_DIFF_ORDER, a[i], twin);
            add_row(c, '-', a[i], NULL, REP_DIFF_ORDER);
            add_row(c, '+', NULL, twin, REP_DIFF_ORDER);
        } else {
            presence(c, a[i], NULL);
        }
    }
    for (uint32_t k = 0; k < nb; k++) {
        if (b[k]->done) { continue; }
        b[k]->done = true;
        presence(c, NULL, b[k]);
    }
}

static int align_chain(struct ctx *c, struct side *sa, struct side *sb, const char *chain) {
    struct item **a = calloc(sa->len + 1, sizeof(*a));
    struct item **b = calloc(sb->len + 1, sizeof(*b));
    uint32_t na = a != NULL ? pick(sa, chain, a) : 0;
    uint32_t nb = b != NULL ? pick(sb, chain, b) : 0;
    uint64_t cells = (uint64_t)(na + 1) * (nb + 1);
    uint32_t *t = cells <= LCS_CELLS_MAX ? calloc(cells, sizeof(*t)) : NULL;
    if (a == NULL || b == NULL || t == NULL) {
        free(a);
        free(b);
        free(t);
        return -1;
    }
#define T(i, k) t[(size_t)(i) * (nb + 1) + (k)]
    for (uint32_t i = na; i-- > 0;) {
        for (uint32_t k = nb; k-- > 0;) {
            if (strcmp(a[i]->line, b[k]->line) == 0) {
                T(i, k) = T(i + 1, k + 1) + 1;
            } else {
                T(i, k) = T(i + 1, k) > T(i, k + 1) ? T(i + 1, k) : T(i, k + 1);
            }
        }
    }
    for (uint32_t i = 0, k = 0; i < na && k < nb;) {
        if (strcmp(a[i]->line, b[k]->line) == 0) {
            a[i]->done = b[k]->done = true;
            pair(c, a[i], b[k], rep_diff_tolerance_ms(c->o, a[i]->type));
            i++;
            k++;
        } else if (T(i + 1, k) >= T(i, k + 1)) {
            i++;
        } else {
            k++;
        }
    }
#undef T
    unaligned(c, a, na, b, nb);
    free(a);
    free(b);
    free(t);
    return 0;
}

/* ---------------------------------------------------------------- the unordered rest */

static int cmp_item(const void *x, const void *y) {
    const struct item *a = *(const struct item *const *)x, *b = *(const struct item *const *)y;
    int c = strcmp(a->line, b->line);
    if (c != 0) { return c; }
    if (a->dt_ms != b->dt_ms) { return a->dt_ms < b->dt_ms ? -1 : 1; }
    return a < b ? -1 : a > b; /* same array: record order */
}

/* The unordered items of a side, sorted by (line, time). */
static struct item **rest_of(struct side *s, uint32_t *n) {
    struct item **v = calloc(s->len + 1, sizeof(*v));
    *n = 0;
    if (v == NULL) { return NULL; }
    for (uint32_t i = 0; i < s->len; i++) {
        if (s->items[i].chain[0] == '\0' && !s->items[i].done) { v[(*n)++] = &s->items[i]; }
    }
    qsort(v, *n, sizeof(*v), cmp_item);
    return v;
}

static int match_rest(struct ctx *c, struct side *sa, struct side *sb) {
    /* Sorted by (line, time) on each side, the k-th occurrence of a line
     * pairs with the other side's k-th: the nearest in time. */
    uint32_t na, nb;
    struct item **a = rest_of(sa, &na), **b = rest_of(sb, &nb);
    if (a == NULL || b == NULL) {
        free(a);
        free(b);
        return -1;
    }
    uint32_t i = 0, k = 0;
    while (i < na || k < nb) {
        int cmp = i == na ? 1 : k == nb ? -1 : strcmp(a[i]->line, b[k]->line);
        if (cmp == 0) {
            a[i]->done = b[k]->done = true;
            pair(c, a[i++], b[k++], c->o->window_ms);
        } else if (cmp < 0) {
            a[i]->done = true;
            presence(c, a[i++], NULL);
        } else {
            b[k]->done = true;
            presence(c, NULL, b[k++]);
        }
    }
    free(a);
    free(b);
    return 0;
}

/* ---------------------------------------------------------------- printing */

static int cmp_row(const void *x, const void *y) {
    const struct row *a = x, *b = y;
    if (a->key_ms != b->key_ms) { return a->key_ms < b->key_ms ? -1 : 1; }
    int ra = a->mark == ' ' ? 0 : a->mark == '-' ? 1 : 2;
    int rb = b->mark == ' ' ? 0 : b->mark == '-' ? 1 : 2;
    if (ra != rb) { return ra - rb; }
    return strcmp(a->line, b->line);
}

static void format_ms(int64_t ms, char *buf, size_t len) {
    char t[32] = "";
    if (ms != INT64_MIN) {
        uint64_t a = ms < 0 ? (uint64_t)(-(ms + 1)) + 1 : (uint64_t)ms;
        snprintf(t, sizeof(t), "%c%llu.%03llus", ms < 0 ? '-' : '+', (unsigned long long)(a / 1000),
                 (unsigned long long)(a % 1000));
    }
    snprintf(buf, len, "%9s", t);
}

static void print_row(FILE *f, const struct row *r) {
    char a[32], b[32];
    format_ms(r->a_ms, a, sizeof(a));
    format_ms(r->b_ms, b, sizeof(b));
    if (r->cls < 0) {
        fprintf(f, "%c %s %s  %s\n", r->mark, a, b, r->line);
    } else {
        fprintf(f, "%c %s %s  %-44s  %s\n", r->mark, a, b, r->line,
                r->cls == ROW_OPTIONAL ? "optional (not counted)"
                                       : rep_diff_class_name((enum rep_diff_class)r->cls));
    }
}

static void print_rows(FILE *f,
                       const struct rows *rows,
                       const char *role,
                       const char *pa,
                       const char *pb,
                       uint32_t context) {
    uint32_t n = rows->len;
    uint32_t i = 0;
    while (i < n) {
        while (i < n && rows->v[i].mark == ' ') {
            i++;
        }
        if (i == n) { return; }
        uint32_t start = i > context ? i - context : 0;
        uint32_t end = i;
        /* Extend the hunk while changes are within 2 * context rows of each other. */
        for (uint32_t k = i; k < n; k++) {
            if (rows->v[k].mark != ' ') { end = k; }
            if (k > end + 2 * context) { break; }
        }
        uint32_t stop = end + context + 1 < n ? end + context + 1 : n;
        fprintf(f, "@@ role %s (%s | %s) rows %u-%u @@\n", role, pa, pb, start + 1, stop);
        for (uint32_t k = start; k < stop; k++) {
            print_row(f, &rows->v[k]);
        }
        i = stop;
    }
}

/* ---------------------------------------------------------------- per round and role */

/* Compares role `role` of round `round` (bare role; "*": the anyone events). */
static int diff_role(struct ctx *c,
                     const struct rep_norm *na,
                     const struct rep_norm *nb,
                     uint32_t round,
                     const char *role,
                     FILE *out) {
    bool all = strcmp(role, "*") == 0;
    int32_t ia = all || round >= na->rounds_len ? -1 : rep_norm_sentinel_in_role(na, round, role);
    int32_t ib = all || round >= nb->rounds_len ? -1 : rep_norm_sentinel_in_role(nb, round, role);
    struct side sa, sb;
    if (collect(na, round, ia, all, &sa) < 0) { return -1; }
    if (collect(nb, round, ib, all, &sb) < 0) {
        free(sa.items);
        return -1;
    }
    c->role = role;
    uint32_t rounds = na->rounds_len > nb->rounds_len ? na->rounds_len : nb->rounds_len;
    if (all || rep_norm_round_label(rounds, round, role, c->label, sizeof(c->label)) < 0) {
        snprintf(c->label, sizeof(c->label), "%s", role);
    }
    c->rows.len = 0;
    struct side *sides[2] = {&sa, &sb};
    for (int s = 0; s < 2 && c->rc == 0; s++) {
        for (uint32_t i = 0; i < sides[s]->len && c->rc == 0; i++) {
            const struct item *it = &sides[s]->items[i];
            if (it->chain[0] != '\0' && !it->done && align_chain(c, &sa, &sb, it->chain) < 0) {
                c->rc = -1;
            }
        }
    }
    if (c->rc == 0 && match_rest(c, &sa, &sb) < 0) { c->rc = -1; }
    if (c->rc == 0 && out != NULL) {
        qsort(c->rows.v, c->rows.len, sizeof(struct row), cmp_row);
        const char *pa = ia >= 0 ? na->run->scn->sentinels[ia].name : all ? "any" : "-";
        const char *pb = ib >= 0 ? nb->run->scn->sentinels[ib].name : all ? "any" : "-";
        print_rows(out, &c->rows, c->label, pa, pb, c->o->context);
    }
    free(sa.items);
    free(sb.items);
    return c->rc;
}

static void header(FILE *f, const char *mark, const char *label, const struct rep_norm *n) {
    const struct scn *s = n->run->scn;
    fprintf(f, "%s %s\t(leader %s, promoted %s, %u failover%s", mark, label,
            n->leader >= 0 ? s->sentinels[n->leader].name : "none",
            n->promoted >= 0 ? s->nodes[n->promoted].name : "none", n->failovers,
            n->failovers == 1 ? "" : "s");
    if (n->rounds_len > 1) {
        /* Each round's leader, so a diff between rounds led by others reads plainly. */
        fprintf(f, "; round leaders");
        for (uint32_t k = 0; k < n->rounds_len; k++) {
            int32_t l = n->rounds[k].leader;
            fprintf(f, " %u:%s", k + 1, l >= 0 ? s->sentinels[l].name : "none");
        }
    }
    fprintf(f, ")\n");
}

int rep_diff_norm(const struct rep_norm *a,
                  const struct rep_norm *b,
                  const struct rep_diff_opts *opts,
                  struct rep_diff_result *res,
                  FILE *out) {
    REP_ASSERT(a != NULL && b != NULL);
    REP_ASSERT(a->run->scn->sentinels_len == b->run->scn->sentinels_len);
    struct rep_diff_opts defaults;
    rep_diff_opts_default(&defaults);
    if (opts == NULL) { opts = &defaults; }
    memset(res, 0, sizeof(*res));
    struct ctx c = {opts, res, {NULL, 0, 0}, "", "", 0};
    if (out != NULL) {
        header(out, "---", opts->a_label != NULL ? opts->a_label : "a", a);
        header(out, "+++", opts->b_label != NULL ? opts->b_label : "b", b);
    }
    /* Round by round (a round one side lacks is all PRESENCE), roles in a
     * fixed order: L, then F1..Fn, whichever side has them. */
    uint32_t n = a->run->scn->sentinels_len;
    uint32_t rounds = a->rounds_len > b->rounds_len ? a->rounds_len : b->rounds_len;
    for (uint32_t k = 0; k < rounds && c.rc == 0; k++) {
        for (uint32_t i = 0; i <= n && c.rc == 0; i++) {
            char role[REP_ROLE_MAX];
            if (i == 0) {
                snprintf(role, sizeof(role), "L");
            } else {
                snprintf(role, sizeof(role), "F%u", i);
            }
            bool in_a = k < a->rounds_len && rep_norm_sentinel_in_role(a, k, role) >= 0;
            bool in_b = k < b->rounds_len && rep_norm_sentinel_in_role(b, k, role) >= 0;
            if (in_a || in_b) { diff_role(&c, a, b, k, role, out); }
        }
    }
    if (c.rc == 0) { diff_role(&c, a, b, 0, "*", out); }
    free(c.rows.v);
    if (c.rc < 0) { return -1; }
    return res->order + res->presence + res->timing > 0 ? 1 : 0;
}

int rep_diff_runs(const struct rep_run *a,
                  const struct rep_run *b,
                  const struct rep_diff_opts *opts,
                  struct rep_diff_result *res,
                  FILE *out) {
    struct rep_norm na, nb;
    if (rep_normalize(a, &na) < 0) { return -1; }
    if (rep_normalize(b, &nb) < 0) {
        rep_norm_free(&na);
        return -1;
    }
    int rc = rep_diff_norm(&na, &nb, opts, res, out);
    rep_norm_free(&na);
    rep_norm_free(&nb);
    return rc;
}
