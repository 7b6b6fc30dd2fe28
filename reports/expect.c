/* expect.c: a scenario's expectations checked against a finished run.
 *
 * Method: the final state comes from what the driver recorded (node roles,
 * every sentinel's answer per group); who led and who was promoted comes
 * from the normalized log (normalize.c), so sim and real runs are judged
 * by the same rules. Each failed expectation becomes a finding that cites
 * the position in the scenario file it was written at, phrased as
 * "expected ..., got ...". Expectations the scenario model keeps no
 * position for (leader, promoted, failovers, lost writes) cite the file.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reports/internal.h"
#include "reports/normalize.h"
#include "reports/report.h"
#include "reports/rep_assert.h"
#include "reports/run.h"

static const struct scn_pos no_pos = {0, 0};

__attribute__((format(printf, 3, 4))) static void finding(struct rep_verdict *v,
                                                          struct scn_pos pos,
                                                          const char *fmt,
                                                          ...) {
    v->pass = false;
    if (v->findings_len == REP_FINDINGS_MAX) { return; }
    struct rep_finding *f = &v->findings[v->findings_len++];
    f->pos = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
    va_end(ap);
}

static const char *node_name(const struct scn *s, int32_t node) {
    if (node < 0) { return "none"; }
    REP_ASSERT((uint32_t)node < s->nodes_len);
    return s->nodes[node].name;
}

/* ---------------------------------------------------------------- final state */

/* The final master of a group: what most live sentinels name (ties to the
 * lower node index), else the one live node of the group reporting
 * role:master; -1 when neither decides. */
static int32_t final_master(const struct rep_run *run, uint32_t g) {
    const struct scn *s = run->scn;
    int32_t best = -1;
    uint32_t best_votes = 0;
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        int32_t cand = run->sentinels[i].master_of_group[g];
        if (!run->sentinels[i].up || cand < 0) { continue; }
        uint32_t votes = 0;
        for (uint32_t k = 0; k < s->sentinels_len; k++) {
            votes += run->sentinels[k].up && run->sentinels[k].master_of_group[g] == cand;
        }
        if (votes > best_votes || (votes == best_votes && cand < best)) {
            best = cand;
            best_votes = votes;
        }
    }
    if (best >= 0) { return best; }
    int32_t only = -1;
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        if (s->nodes[i].group == g && run->nodes[i].up && run->nodes[i].is_master) {
            if (only >= 0) { return -1; }
            only = (int32_t)i;
        }
    }
    return only;
}

/* "s1=m s2=r1 s3=down" */
static void answers(const struct rep_run *run, uint32_t g, char *buf, size_t len) {
    size_t pos = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < run->scn->sentinels_len && pos < len; i++) {
        const struct rep_sentinel_state *st = &run->sentinels[i];
        int n =
            snprintf(buf + pos, len - pos, "%s%s=%s", i > 0 ? " " : "", run->scn->sentinels[i].name,
                     st->up ? node_name(run->scn, st->master_of_group[g]) : "down");
        if (n < 0) { return; }
        pos += (size_t)n;
    }
}

static void check_replicas(const struct rep_run *run,
                           const struct scn_expect_group *eg,
                           int32_t fm,
                           struct rep_verdict *v) {
    const struct scn *s = run->scn;
    for (uint32_t k = 0; k < eg->replicas_len; k++) {
        const struct scn_expect_replica *er = &eg->replicas[k];
        REP_ASSERT(er->node < s->nodes_len);
        int32_t want = er->upstream == SCN_UPSTREAM_MASTER ? fm : er->upstream;
        const struct rep_node_state *st = &run->nodes[er->node];
        if (er->upstream == SCN_UPSTREAM_MASTER && fm < 0) {
            finding(v, er->pos,
                    "expected %s to replicate from the final master, got no final "
                    "master to compare with",
                    s->nodes[er->node].name);
            continue;
        }
        if (!st->up) {
            finding(v, er->pos, "expected %s to replicate from %s, got %s down",
                    s->nodes[er->node].name, node_name(s, want), s->nodes[er->node].name);
        } else if (st->upstream != want || (want >= 0 && st->is_master)) {
            finding(v, er->pos, "expected %s to replicate from %s, got %s", s->nodes[er->node].name,
                    node_name(s, want), st->is_master ? "role:master" : node_name(s, st->upstream));
        }
    }
}

static void check_group(const struct rep_run *run,
                        const struct scn_expect_group *eg,
                        struct rep_verdict *v) {
    const struct scn *s = run->scn;
    REP_ASSERT(eg->group < s->groups_len);
    const char *gname = s->groups[eg->group].name;
    int32_t fm = final_master(run, eg->group);
    char said[512];
    answers(run, eg->group, said, sizeof(said));
    if (eg->master_one_of.len > 0) {
        char set[256];
        rep__set_format(s, &eg->master_one_of, set, sizeof(set));
        struct scn_proc p = {SCN_PROC_NODE, fm < 0 ? 0 : (uint32_t)fm};
        if (fm < 0 || !rep__set_has(&eg->master_one_of, p)) {
            finding(v, eg->pos, "expected the final master of %s to be one of {%s}, got %s (%s)",
                    gname, set, node_name(s, fm), said);
        } else if (!run->nodes[fm].up || !run->nodes[fm].is_master) {
            finding(v, eg->pos, "expected final master %s of %s to report role:master, got %s",
                    node_name(s, fm), gname, run->nodes[fm].up ? "role:slave" : "it down");
        }
    }
    check_replicas(run, eg, fm, v);
    if (!eg->sentinels_agree) { return; }
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        if (run->sentinels[i].up &&
            (fm < 0 || run->sentinels[i].master_of_group[eg->group] != fm)) {
            finding(v, eg->pos, "expected every live sentinel to name %s as master of %s, got %s",
                    node_name(s, fm), gname, said);
            return;
        }
    }
}

/* ---------------------------------------------------------------- the log */

static void check_one_of(const struct rep_run *run,
                         const struct scn_set *set,
                         enum scn_proc_kind kind,
                         int32_t who,
                         const char *what,
                         struct rep_verdict *v) {
    if (set->len == 0) { return; }
    struct scn_proc p = {kind, who < 0 ? 0 : (uint32_t)who};
    if (who >= 0 && rep__set_has(set, p)) { return; }
    char buf[256];
    rep__set_format(run->scn, set, buf, sizeof(buf));
    finding(v, no_pos, "expected the %s of the last failover to be one of {%s}, got %s", what, buf,
            who < 0 ? "none" : rep__proc_name(run->scn, p));
}

/* Whether sentinel i's event lines of the last failover's round hold the
 * skeleton in order (skeleton roles are that failover's); on failure
 * describes the first line not found. */
static bool skeleton_holds(const struct rep_norm *n,
                           uint32_t sentinel,
                           const struct scn_skeleton *sk,
                           char *why,
                           size_t len) {
    const char *proc = n->run->scn->sentinels[sentinel].name;
    uint32_t k = 0;
    const struct rep_norm_event *last = NULL;
    for (uint32_t i = 0; i < n->len && k < sk->len; i++) {
        const struct rep_norm_event *e = &n->events[i];
        if (e->kind != REP_KIND_EVENT || e->round != n->last || strcmp(e->proc, proc) != 0) {
            continue;
        }
        char line[REP_NORM_TEXT_MAX + REP_TYPE_MAX + 2];
        snprintf(line, sizeof(line), "%s %s", e->type, e->roled);
        if (rep_norm_line_matches(sk->lines[k], line)) {
            k++;
            last = e;
        }
    }
    if (k == sk->len) { return true; }
    if (last == NULL) {
        snprintf(why, len, "none of it");
    } else {
        snprintf(why, len, "no match after \"%s %s\" at %+lld ms", last->type, last->roled,
                 (long long)last->dt_ms);
    }
    return false;
}

static void check_skeleton(const struct rep_norm *n,
                           const struct scn_skeleton *sk,
                           struct rep_verdict *v) {
    const struct rep_run *run = n->run;
    if (sk->len == 0) { return; }
    if (sk->role == SCN_ROLE_LEADER && n->leader < 0) {
        finding(v, sk->pos, "expected the leader to log \"%s\" ..., got no elected leader",
                sk->lines[0]);
        return;
    }
    for (uint32_t i = 0; i < run->scn->sentinels_len; i++) {
        bool is_leader = (int32_t)i == n->leader;
        if ((sk->role == SCN_ROLE_LEADER) != is_leader && sk->role != SCN_ROLE_ANY) { continue; }
        /* Followers and "any" apply to the sentinels alive at the end. */
        if (!is_leader && !run->sentinels[i].up) { continue; }
        char why[REP_NORM_TEXT_MAX + REP_TYPE_MAX + 64];
        if (skeleton_holds(n, i, sk, why, sizeof(why))) { continue; }
        finding(v, sk->pos, "expected %s (%s) to log the skeleton in order, got %s",
                n->sentinel_roles[i], run->scn->sentinels[i].name, why);
    }
}

static void check_never(const struct rep_norm *n,
                        const struct scn_never *nv,
                        struct rep_verdict *v) {
    for (uint32_t i = 0; i < n->len; i++) {
        const struct rep_norm_event *e = &n->events[i];
        const char *raw = n->run->log.events[e->index].text;
        if (e->kind != REP_KIND_EVENT || strcmp(e->type, nv->event) != 0) { continue; }
        if (nv->text[0] != '\0' && strstr(raw, nv->text) == NULL &&
            strstr(e->named, nv->text) == NULL) {
            continue;
        }
        finding(v, nv->pos, "expected no %s%s%s, got \"%s %s\" from %s at %+lld ms", nv->event,
                nv->text[0] != '\0' ? " containing " : "", nv->text, e->type, e->named, e->proc,
                (long long)e->dt_ms);
        return;
    }
}

static void check_counts(const struct rep_run *run,
                         const struct rep_norm *n,
                         struct rep_verdict *v) {
    const struct scn_expect *x = &run->scn->expect;
    if (n->failovers < x->failovers_min ||
        (x->failovers_max != UINT32_MAX && n->failovers > x->failovers_max)) {
        if (x->failovers_max == UINT32_MAX) {
            finding(v, no_pos, "expected at least %u failovers (+switch-master rounds), got %u",
                    x->failovers_min, n->failovers);
        } else {
            finding(v, no_pos, "expected %u..%u failovers (+switch-master rounds), got %u",
                    x->failovers_min, x->failovers_max, n->failovers);
        }
    }
    int64_t lost = (int64_t)run->writes.lost;
    if (x->lost_writes_min >= 0 && lost < x->lost_writes_min) {
        finding(v, no_pos, "expected at least %lld lost writes, got %lld (of %llu acked)",
                (long long)x->lost_writes_min, (long long)lost,
                (unsigned long long)run->writes.acked);
    }
    if (x->lost_writes_max >= 0 && lost > x->lost_writes_max) {
        finding(v, no_pos, "expected at most %lld lost writes, got %lld (of %llu acked)",
                (long long)x->lost_writes_max, (long long)lost,
                (unsigned long long)run->writes.acked);
    }
}

void rep_expect_check(const struct rep_run *run, struct rep_verdict *out) {
    REP_ASSERT(run != NULL);
    REP_ASSERT(run->scn != NULL);
    const struct scn *s = run->scn;
    const struct scn_expect *x = &s->expect;
    memset(out, 0, sizeof(*out));
    out->pass = true;
    if (run->failure[0] != '\0') {
        finding(out, no_pos, "expected the run to complete, got: %s", run->failure);
    }
    for (uint32_t i = 0; i < x->groups_len; i++) {
        check_group(run, &x->groups[i], out);
    }
    struct rep_norm n;
    if (rep_normalize(run, &n) < 0) {
        finding(out, no_pos, "expected a log reports can normalize, got one it cannot");
        return;
    }
    if (n.leader >= 0) {
        snprintf(out->leader, sizeof(out->leader), "%s", s->sentinels[n.leader].name);
    }
    if (n.promoted >= 0) {
        snprintf(out->promoted, sizeof(out->promoted), "%s", s->nodes[n.promoted].name);
    }
    out->failovers = n.failovers;
    check_one_of(run, &x->leader_one_of, SCN_PROC_SENTINEL, n.leader, "leader", out);
    check_one_of(run, &x->promoted_one_of, SCN_PROC_NODE, n.promoted, "promoted replica", out);
    check_counts(run, &n, out);
    for (uint32_t i = 0; i < x->skeletons_len; i++) {
        check_skeleton(&n, &x->skeletons[i], out);
    }
    for (uint32_t i = 0; i < x->never_len; i++) {
        check_never(&n, &x->never[i], out);
    }
    rep_norm_free(&n);
}

void rep_finding_format(const struct rep_run *run,
                        const struct rep_finding *f,
                        char *buf,
                        size_t len) {
    const char *path = run->scn->path != NULL ? run->scn->path : run->scn->name;
    if (f->pos.line == 0) {
        snprintf(buf, len, "%s: %s", path, f->msg);
    } else {
        snprintf(buf, len, "%s:%u:%u: %s", path, f->pos.line, f->pos.col, f->msg);
    }
}
