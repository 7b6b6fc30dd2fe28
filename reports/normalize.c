/* normalize.c: names, roles and offsets for a run's events (see normalize.h).
 *
 * Method: a first pass over the log finds the last failover (the
 * +switch-master of the highest epoch, the +elected-leader of that epoch)
 * and from it every process's role; a second pass rewrites each record's
 * text word by word through the names map and then the role table. Words
 * are only ever replaced whole, so a text that holds no known address
 * passes through unchanged.
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

/* Address lookups: a sorted index when a whole run is normalized, the
 * run's linear names map for a single text. */
struct lookup {
    const struct rep_run *run;
    const struct rep_name **by_addr; /* sorted by (port, ip); NULL: linear */
    uint32_t len;
};

static int cmp_addr(uint16_t port, const char *ip, const struct rep_name *n) {
    if (port != n->port) { return port < n->port ? -1 : 1; }
    return strcmp(ip, n->ip);
}

static int cmp_names(const void *x, const void *y) {
    const struct rep_name *a = *(const struct rep_name *const *)x;
    const struct rep_name *b = *(const struct rep_name *const *)y;
    int c = cmp_addr(a->port, a->ip, b);
    /* Equal addresses keep map order (first registration wins, as in the linear lookup). */
    return c != 0 ? c : (a < b ? -1 : a > b);
}

static const char *find_addr(const struct lookup *lk, const char *ip, uint16_t port) {
    if (lk->by_addr == NULL) { return rep_run_name_of_addr(lk->run, ip, port); }
    uint32_t lo = 0, hi = lk->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_addr(port, ip, lk->by_addr[mid]) > 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < lk->len && cmp_addr(port, ip, lk->by_addr[lo]) == 0) {
        return rep__proc_name(lk->run->scn, lk->by_addr[lo]->proc);
    }
    return NULL;
}

/* The name of "ip port" (two words) or NULL. */
static const char *name_of_pair(const struct lookup *lk, const char *ip, const char *port) {
    if (!all_digits(port) || strlen(port) > 5) { return NULL; }
    return find_addr(lk, ip, (uint16_t)port_of(port));
}

/* The name of "ip:port" (one word; the last colon splits, for IPv6) or NULL. */
static const char *name_of_joined(const struct lookup *lk, const char *word) {
    const char *colon = strrchr(word, ':');
    if (colon == NULL || colon == word) { return NULL; }
    char ip[REP_IP_MAX];
    size_t n = (size_t)(colon - word);
    if (n >= sizeof(ip)) { return NULL; }
    memcpy(ip, word, n);
    ip[n] = '\0';
    return name_of_pair(lk, ip, colon + 1);
}

struct out {
    char *buf;
    size_t cap;
    size_t pos;
    int rc;
};

static void emit(struct out *o, const char *word) {
    if (rep__json_cat(o->buf, o->cap, &o->pos, "%s%s", o->pos > 0 ? " " : "", word) < 0) {
        o->rc = -1;
    }
}

static int named(const struct lookup *lk, const char *text, char *outbuf, size_t len) {
    REP_ASSERT(lk->run != NULL);
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
        if (i + 1 < n && (name = name_of_pair(lk, w[i], w[i + 1])) != NULL) {
            used = 2;
        } else if ((name = name_of_joined(lk, w[i])) == NULL && is_runid(w[i])) {
            name = rep_run_name_of_runid(lk->run, w[i]);
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

int rep_norm_named(const struct rep_run *run, const char *text, char *outbuf, size_t len) {
    struct lookup lk = {run, NULL, 0};
    return named(&lk, text, outbuf, len);
}

/* ---------------------------------------------------------------- the last failover */

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
    uint64_t epoch;
};

/* One +elected-leader, with the promotion its leader then reported. */
struct election {
    int32_t sentinel;
    int32_t group;
    int32_t master; /* node the master record pointed at */
    int32_t promoted;
    uint64_t epoch;
};

#define ROUNDS_MAX 4096

struct scan {
    uint64_t *epoch; /* per sentinel: its current epoch, from +new-epoch */
    struct switch_seen *rounds;
    uint32_t rounds_len;
    struct election *elections;
    uint32_t elections_len;
    struct switch_seen last;
    bool have_last;
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

/* Counts +switch-master rounds: distinct (group, epoch) pairs, or distinct
 * (group, old, new) when the emitter's epoch is unknown. */
static void add_round(struct scan *sc, const struct switch_seen *sw) {
    for (uint32_t i = 0; i < sc->rounds_len; i++) {
        const struct switch_seen *r = &sc->rounds[i];
        bool same = r->group == sw->group && r->epoch == sw->epoch;
        if (sw->epoch == 0) { same = same && r->old_node == sw->old_node; }
        if (sw->epoch == 0) { same = same && r->new_node == sw->new_node; }
        if (same) { return; }
    }
    if (sc->rounds_len < ROUNDS_MAX) { sc->rounds[sc->rounds_len++] = *sw; }
    if (!sc->have_last || sw->epoch >= sc->last.epoch) {
        sc->last = *sw;
        sc->have_last = true;
    }
}

static void scan_event(const struct rep_run *run,
                       struct scan *sc,
                       const struct rep_event *ev,
                       uint32_t sentinel) {
    if (strcmp(ev->type, "+new-epoch") == 0) {
        sc->epoch[sentinel] = strtoull(ev->text, NULL, 10);
    } else if (strcmp(ev->type, "+elected-leader") == 0 && sc->elections_len < ROUNDS_MAX) {
        struct election *e = &sc->elections[sc->elections_len++];
        e->sentinel = (int32_t)sentinel;
        e->master = subject_node(run, ev->text, &e->group);
        e->promoted = -1;
        e->epoch = sc->epoch[sentinel];
    } else if (strcmp(ev->type, "+promoted-slave") == 0) {
        for (uint32_t k = sc->elections_len; k-- > 0;) {
            if (sc->elections[k].sentinel == (int32_t)sentinel) {
                sc->elections[k].promoted = subject_node(run, ev->text, NULL);
                break;
            }
        }
    } else if (strcmp(ev->type, "+switch-master") == 0) {
        struct switch_seen sw;
        if (parse_switch(run, ev->text, &sw)) {
            sw.epoch = sc->epoch[sentinel];
            add_round(sc, &sw);
        }
    }
}

/* The election behind the last switch: same group and epoch, else the
 * latest one for the group no later than that epoch (an emitter whose
 * +new-epoch was not recorded). Without a switch, the latest election. */
static const struct election *pick_election(const struct scan *sc) {
    const struct election *best = NULL;
    for (uint32_t k = 0; k < sc->elections_len; k++) {
        const struct election *e = &sc->elections[k];
        if (!sc->have_last) {
            best = e;
        } else if (e->group == sc->last.group && e->epoch == sc->last.epoch) {
            best = e;
        }
    }
    if (best != NULL || !sc->have_last) { return best; }
    for (uint32_t k = 0; k < sc->elections_len; k++) {
        const struct election *e = &sc->elections[k];
        if (e->group == sc->last.group && (e->epoch <= sc->last.epoch || sc->last.epoch == 0)) {
            best = e;
        }
    }
    return best;
}

static int find_failover(const struct rep_run *run, struct rep_norm *n) {
    const struct scn *s = run->scn;
    struct scan sc;
    memset(&sc, 0, sizeof(sc));
    sc.epoch = calloc(s->sentinels_len + 1, sizeof(*sc.epoch));
    sc.rounds = calloc(ROUNDS_MAX, sizeof(*sc.rounds));
    sc.elections = calloc(ROUNDS_MAX, sizeof(*sc.elections));
    int rc = -1;
    if (sc.epoch == NULL || sc.rounds == NULL || sc.elections == NULL) { goto done; }
    for (size_t i = 0; i < run->log.len; i++) {
        const struct rep_event *ev = &run->log.events[i];
        struct scn_proc p;
        if (ev->kind == REP_KIND_EVENT && rep__find_proc(s, ev->proc, &p) == 0 &&
            p.kind == SCN_PROC_SENTINEL) {
            scan_event(run, &sc, ev, p.index);
        }
    }
    n->failovers = sc.rounds_len;
    n->group = s->groups_len > 0 ? 0 : -1;
    n->leader = -1;
    n->promoted = -1;
    n->old_master = s->groups_len > 0 ? (int32_t)s->groups[0].master : -1;
    const struct election *e = pick_election(&sc);
    if (sc.have_last) {
        n->group = sc.last.group;
        n->old_master = sc.last.old_node;
        n->promoted = sc.last.new_node;
    } else if (e != NULL) {
        n->group = e->group >= 0 ? e->group : n->group;
        n->promoted = e->promoted;
        if (e->master >= 0) { n->old_master = e->master; }
    }
    if (e != NULL) { n->leader = e->sentinel; }
    rc = 0;
done:
    free(sc.epoch);
    free(sc.rounds);
    free(sc.elections);
    return rc;
}

static void assign_roles(const struct rep_run *run, struct rep_norm *n) {
    const struct scn *s = run->scn;
    uint32_t f = 0;
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        if ((int32_t)i == n->leader) {
            snprintf(n->sentinel_roles[i], REP_ROLE_MAX, "L");
        } else {
            snprintf(n->sentinel_roles[i], REP_ROLE_MAX, "F%u", ++f);
        }
    }
    uint32_t r = 0;
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        if (n->group < 0 || s->nodes[i].group != (uint32_t)n->group) {
            snprintf(n->node_roles[i], REP_ROLE_MAX, "%s", s->nodes[i].name);
        } else if ((int32_t)i == n->old_master) {
            snprintf(n->node_roles[i], REP_ROLE_MAX, "M");
        } else if ((int32_t)i == n->promoted) {
            snprintf(n->node_roles[i], REP_ROLE_MAX, "P");
        } else {
            snprintf(n->node_roles[i], REP_ROLE_MAX, "R%u", ++r);
        }
    }
}

/* ---------------------------------------------------------------- roled and skeleton forms */

static int cmp_by_name(const void *x, const void *y) {
    return strcmp(((const struct rep_norm_name *)x)->name, ((const struct rep_norm_name *)y)->name);
}

/* Builds the sorted name -> role index (names are unique in a scenario). */
static int index_names(struct rep_norm *n) {
    const struct scn *s = n->run->scn;
    uint32_t total = s->nodes_len + s->sentinels_len;
    n->by_name__ = calloc(total + 1, sizeof(*n->by_name__));
    if (n->by_name__ == NULL) { return -1; }
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        n->by_name__[i] = (struct rep_norm_name){s->nodes[i].name, n->node_roles[i]};
    }
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        n->by_name__[s->nodes_len + i] =
            (struct rep_norm_name){s->sentinels[i].name, n->sentinel_roles[i]};
    }
    qsort(n->by_name__, total, sizeof(*n->by_name__), cmp_by_name);
    return 0;
}

const char *rep_norm_role_of(const struct rep_norm *n, const char *proc) {
    const struct scn *s = n->run->scn;
    if (n->by_name__ != NULL) {
        struct rep_norm_name key = {proc, NULL};
        const struct rep_norm_name *hit =
            bsearch(&key, n->by_name__, s->nodes_len + s->sentinels_len, sizeof(key), cmp_by_name);
        return hit != NULL ? hit->role : NULL;
    }
    struct scn_proc p;
    if (rep__find_proc(s, proc, &p) < 0) { return NULL; }
    return p.kind == SCN_PROC_NODE ? n->node_roles[p.index] : n->sentinel_roles[p.index];
}

static int roled(const struct rep_norm *n, const char *named, char *buf, size_t cap) {
    struct out o = {buf, cap, 0, 0};
    buf[0] = '\0';
    char copy[REP_NORM_TEXT_MAX];
    snprintf(copy, sizeof(copy), "%s", named);
    char *w[WORDS_MAX];
    size_t cnt = rep__split(copy, w, WORDS_MAX);
    const struct scn *s = n->run->scn;
    for (size_t i = 0; i < cnt; i++) {
        const char *role = rep_norm_role_of(n, w[i]);
        if (s->groups_len == 1 && strcmp(w[i], s->groups[0].name) == 0) { continue; }
        emit(&o, role != NULL ? role : w[i]);
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

static int normalize_event(const struct rep_norm *n,
                           const struct lookup *lk,
                           size_t i,
                           struct rep_norm_event *ne) {
    const struct rep_run *run = n->run;
    const struct rep_event *ev = &run->log.events[i];
    memset(ne, 0, sizeof(*ne));
    ne->index = (uint32_t)i;
    ne->dt_ms = (int64_t)ev->t_ms - (int64_t)run->fault_t_ms;
    ne->kind = ev->kind;
    ne->level = ev->level;
    memcpy(ne->proc, ev->proc, sizeof(ne->proc));
    memcpy(ne->type, ev->type, sizeof(ne->type));
    const char *role = rep_norm_role_of(n, ev->proc);
    snprintf(ne->role, sizeof(ne->role), "%s", role != NULL ? role : "");
    if (named(lk, ev->text, ne->named, sizeof(ne->named)) < 0) { return -1; }
    if (roled(n, ne->named, ne->roled, sizeof(ne->roled)) < 0) { return -1; }
    if (ev->kind == REP_KIND_EVENT &&
        skeleton(ev->type, ne->roled, ne->skel, sizeof(ne->skel)) < 0) {
        return -1;
    }
    return 0;
}

int rep_normalize(const struct rep_run *run, struct rep_norm *out) {
    REP_ASSERT(run != NULL);
    REP_ASSERT(run->scn != NULL);
    const struct scn *s = run->scn;
    memset(out, 0, sizeof(*out));
    out->run = run;
    out->events = calloc(run->log.len > 0 ? run->log.len : 1, sizeof(*out->events));
    out->sentinel_roles = calloc(s->sentinels_len + 1, sizeof(*out->sentinel_roles));
    out->node_roles = calloc(s->nodes_len + 1, sizeof(*out->node_roles));
    if (out->events == NULL || out->sentinel_roles == NULL || out->node_roles == NULL ||
        find_failover(run, out) < 0) {
        rep_norm_free(out);
        return -1;
    }
    assign_roles(run, out);
    out->fault_index = (uint32_t)run->log.len;
    for (size_t i = run->log.len; i-- > 0;) {
        const struct rep_event *ev = &run->log.events[i];
        if (ev->t_ms >= run->fault_t_ms) { out->fault_index = (uint32_t)i; }
    }
    for (size_t i = out->fault_index; i < run->log.len; i++) {
        /* Records of the fault's own millisecond logged before it still belong before it. */
        if (run->log.events[i].kind == REP_KIND_FAULT) {
            out->fault_index = (uint32_t)i;
            break;
        }
        if (run->log.events[i].t_ms > run->fault_t_ms) { break; }
    }
    if (index_names(out) < 0) {
        rep_norm_free(out);
        return -1;
    }
    struct lookup lk = {run, calloc(run->names_len + 1, sizeof(*lk.by_addr)), run->names_len};
    if (lk.by_addr == NULL) {
        rep_norm_free(out);
        return -1;
    }
    for (uint32_t i = 0; i < run->names_len; i++) {
        lk.by_addr[i] = &run->names[i];
    }
    qsort(lk.by_addr, lk.len, sizeof(*lk.by_addr), cmp_names);
    for (size_t i = 0; i < run->log.len; i++) {
        if (normalize_event(out, &lk, i, &out->events[out->len]) < 0) {
            /* Only roles longer than the names they replace can overflow. */
            free(lk.by_addr);
            rep_norm_free(out);
            return -1;
        }
        out->len++;
    }
    free(lk.by_addr);
    return 0;
}

bool rep_norm_after_fault(const struct rep_norm *n, const struct rep_norm_event *e) {
    if (e->index >= n->fault_index) { return true; }
    if (e->dt_ms < 0) { return false; }
    return strcmp(e->type, "+monitor") != 0 && strcmp(e->type, "+slave") != 0 &&
           strcmp(e->type, "+sentinel") != 0;
}

void rep_norm_free(struct rep_norm *n) {
    free(n->events);
    free(n->sentinel_roles);
    free(n->node_roles);
    free(n->by_name__);
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
