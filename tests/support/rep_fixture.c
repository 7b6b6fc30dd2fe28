/* rep_fixture.c: hand-made runs for the reports tests (see rep_fixture.h).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "tests/support/rep_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/rep_assert.h"

static const char *const node_names[3] = {"m", "r1", "r2"};
static const char *const sentinel_names[3] = {"s1", "s2", "s3"};

static void runid_of(uint32_t i, char *buf) {
    /* 40 hex digits, recognisable in failure output: "1111...", "2222...". */
    memset(buf, (char)('1' + i), REP_RUNID_LEN);
    buf[REP_RUNID_LEN] = '\0';
}

void rep_fx_init(struct rep_fx *fx) {
    memset(fx, 0, sizeof(*fx));
    struct scn *s = &fx->scn;
    s->path = (char *)(uintptr_t) "tests/fixture.yaml";
    snprintf(s->name, sizeof(s->name), "fixture");
    s->seeds_len = 1;
    s->seeds[0] = 1;
    snprintf(fx->groups[0].name, SCN_NAME_MAX, "mymaster");
    fx->groups[0].settings.quorum = 2;
    fx->groups[0].settings.down_after_ms = 30000;
    s->groups = fx->groups;
    s->groups_len = 1;
    for (uint32_t i = 0; i < 3; i++) {
        snprintf(fx->nodes[i].name, SCN_NAME_MAX, "%s", node_names[i]);
        fx->nodes[i].replicaof = i == 0 ? -1 : 0;
        fx->nodes[i].priority = 100;
        fx->nodes[i].pos = (struct scn_pos){3 + i, 5};
        snprintf(fx->sentinels[i].name, SCN_NAME_MAX, "%s", sentinel_names[i]);
        fx->sentinels[i].pos = (struct scn_pos){7 + i, 5};
    }
    s->nodes = fx->nodes;
    s->nodes_len = 3;
    s->sentinels = fx->sentinels;
    s->sentinels_len = 3;
    s->expect.failovers_max = UINT32_MAX;
    s->expect.lost_writes_min = -1;
    s->expect.lost_writes_max = -1;
    REP_ASSERT(rep_run_init(&fx->run, s, REP_MODE_SIM, 16) == 0);
    fx->run.seed = 1;
    for (uint32_t i = 0; i < 3; i++) {
        char id[REP_RUNID_LEN + 1];
        runid_of(i, id);
        REP_ASSERT(rep_run_add_name(&fx->run, "127.0.0.1", (uint16_t)(6379 + i), "",
                                    (struct scn_proc){SCN_PROC_NODE, i}) == 0);
        REP_ASSERT(rep_run_add_name(&fx->run, "127.0.0.1", (uint16_t)(26379 + i), id,
                                    (struct scn_proc){SCN_PROC_SENTINEL, i}) == 0);
    }
}

void rep_fx_free(struct rep_fx *fx) {
    rep_run_free(&fx->run);
}

struct rep_fx_plan rep_fx_plan_default(void) {
    struct rep_fx_plan p = {1, 1, 5000, {30000, 30050, 30100}, 101, 0, 1};
    return p;
}

struct rep_fx_plan rep_fx_plan_second(void) {
    struct rep_fx_plan p = {2, 2, 60000, {30000, 30050, 30100}, 101, 1, 2};
    return p;
}

/* Expands the {name} placeholders of rep_fx_ev. */
static void expand(const char *in, char *out, size_t len) {
    size_t o = 0;
    while (*in != '\0' && o + 1 < len) {
        const char *close = in[0] == '{' ? strchr(in, '}') : NULL;
        if (close == NULL) {
            out[o++] = *in++;
            continue;
        }
        char key[16];
        size_t k = (size_t)(close - in - 1);
        REP_ASSERT(k < sizeof(key));
        memcpy(key, in + 1, k);
        key[k] = '\0';
        bool joined = k > 0 && key[k - 1] == ':';
        if (joined) { key[k - 1] = '\0'; }
        char word[64] = "";
        for (uint32_t i = 0; i < 3; i++) {
            if (strncmp(key, "id:", 3) == 0 && strcmp(key + 3, sentinel_names[i]) == 0) {
                runid_of(i, word);
            } else if (strcmp(key, node_names[i]) == 0) {
                snprintf(word, sizeof(word), joined ? "127.0.0.1:%u" : "127.0.0.1 %u", 6379 + i);
            } else if (strcmp(key, sentinel_names[i]) == 0) {
                snprintf(word, sizeof(word), joined ? "127.0.0.1:%u" : "127.0.0.1 %u", 26379 + i);
            }
        }
        REP_ASSERT(word[0] != '\0');
        int n = snprintf(out + o, len - o, "%s", word);
        REP_ASSERT(n > 0 && (size_t)n < len - o);
        o += (size_t)n;
        in = close + 1;
    }
    out[o] = '\0';
}

static enum rep_level level_of(const char *type) {
    static const char *const notice[] = {"+slave",
                                         "+sentinel",
                                         "+slave-reconf-sent",
                                         "+slave-reconf-inprog",
                                         "+slave-reconf-done",
                                         "+failover-state-send-slaveof-noone",
                                         "+failover-state-wait-promotion",
                                         "+convert-to-slave"};
    if (strcmp(type, "+role-change") == 0 || strcmp(type, "-role-change") == 0) {
        return REP_LEVEL_VERBOSE;
    }
    for (size_t i = 0; i < sizeof(notice) / sizeof(notice[0]); i++) {
        if (strcmp(type, notice[i]) == 0) { return REP_LEVEL_NOTICE; }
    }
    return REP_LEVEL_WARNING;
}

void rep_fx_ev(
    struct rep_fx *fx, uint64_t t_ms, const char *proc, const char *type, const char *text) {
    char buf[REP_TEXT_MAX];
    expand(text, buf, sizeof(buf));
    REP_ASSERT(
        rep_log_append(&fx->run.log, t_ms, REP_KIND_EVENT, level_of(type), proc, type, buf) == 0);
}

void rep_fx_log(struct rep_fx *fx, uint64_t t_ms, const char *proc, const char *text) {
    char buf[REP_TEXT_MAX];
    expand(text, buf, sizeof(buf));
    REP_ASSERT(rep_log_append(&fx->run.log, t_ms, REP_KIND_LOG, REP_LEVEL_WARNING, proc, "", buf) ==
               0);
}

/* ---------------------------------------------------------------- the failover */

struct gen {
    struct rep_fx *fx;
    const struct rep_fx_plan *p;
    const char *leader;
    char M[8], P[8], R[8]; /* the dying master, the promoted and the other node, by name */
    char E[24];            /* the epoch */
};

static const char *gen_word(const struct gen *g, char key) {
    switch (key) {
    case 'M':
        return g->M;
    case 'P':
        return g->P;
    case 'R':
        return g->R;
    case 'E':
        return g->E;
    case 'L':
        return g->leader;
    default:
        return NULL;
    }
}

static void ev(struct gen *g, uint64_t t, const char *proc, const char *type, const char *fmt) {
    /* "%M" / "%P" / "%R" / "%L" / "%E" in fmt name the master, the promoted and the other
     * node, the leader, and give the epoch. */
    char text[REP_TEXT_MAX];
    size_t o = 0;
    for (const char *c = fmt; *c != '\0' && o + 8 < sizeof(text); c++) {
        const char *w = c[0] == '%' ? gen_word(g, c[1]) : NULL;
        if (w != NULL) {
            o += (size_t)snprintf(text + o, sizeof(text) - o, "%s", w);
            c++;
        } else {
            text[o++] = *c;
        }
    }
    text[o] = '\0';
    rep_fx_ev(g->fx, t, proc, type, text);
}

static void leader_side(struct gen *g, uint64_t t) {
    const char *L = g->leader;
    ev(g, t, L, "+sdown", "master mymaster {%M}");
    ev(g, t + 100, L, "+odown", "master mymaster {%M} #quorum 2/2");
    ev(g, t + 100, L, "+new-epoch", "%E");
    ev(g, t + 100, L, "+try-failover", "master mymaster {%M}");
    ev(g, t + 100, L, "+vote-for-leader", "{id:%L} %E");
    ev(g, t + 200, L, "+elected-leader", "master mymaster {%M}");
    ev(g, t + 200, L, "+failover-state-select-slave", "master mymaster {%M}");
    ev(g, t + 300, L, "+selected-slave", "slave {%P:} {%P} @ mymaster {%M}");
    ev(g, t + 300, L, "+failover-state-send-slaveof-noone", "slave {%P:} {%P} @ mymaster {%M}");
    ev(g, t + 400, L, "+failover-state-wait-promotion", "slave {%P:} {%P} @ mymaster {%M}");
    ev(g, t + 1200, L, "-role-change",
       "slave {%P:} {%P} @ mymaster {%M} new reported role is master");
    ev(g, t + 1200, L, "+promoted-slave", "slave {%P:} {%P} @ mymaster {%M}");
    ev(g, t + 1200, L, "+failover-state-reconf-slaves", "master mymaster {%M}");
    ev(g, t + 1300, L, "+slave-reconf-sent", "slave {%R:} {%R} @ mymaster {%M}");
    ev(g, t + 2300, L, "+slave-reconf-inprog", "slave {%R:} {%R} @ mymaster {%M}");
    ev(g, t + 2300, L, "+slave-reconf-done", "slave {%R:} {%R} @ mymaster {%M}");
    ev(g, t + 2400, L, "-odown", "master mymaster {%M}");
    ev(g, t + 2400, L, "+failover-end", "master mymaster {%M}");
    ev(g, t + 2400, L, "+switch-master", "mymaster {%M} {%P}");
    ev(g, t + 2400, L, "+slave", "slave {%R:} {%R} @ mymaster {%P}");
    ev(g, t + 2400, L, "+slave", "slave {%M:} {%M} @ mymaster {%P}");
}

static void follower_side(
    struct gen *g, const char *F, uint64_t sdown, uint64_t vote, uint64_t promo) {
    ev(g, sdown, F, "+sdown", "master mymaster {%M}");
    ev(g, vote, F, "+new-epoch", "%E");
    ev(g, vote, F, "+vote-for-leader", "{id:%L} %E");
    uint64_t odown = (sdown > vote ? sdown : vote) + 150;
    ev(g, odown, F, "+odown", "master mymaster {%M} #quorum 3/2");
    ev(g, promo + 110, F, "+config-update-from", "sentinel {id:%L} {%L} @ mymaster {%M}");
    ev(g, promo + 110, F, "+switch-master", "mymaster {%M} {%P}");
    ev(g, promo + 110, F, "+slave", "slave {%R:} {%R} @ mymaster {%P}");
    ev(g, promo + 110, F, "+slave", "slave {%M:} {%M} @ mymaster {%P}");
}

static int cmp_time(const void *a, const void *b) {
    const struct rep_event *x = a, *y = b;
    if (x->t_ms != y->t_ms) { return x->t_ms < y->t_ms ? -1 : 1; }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void resort(struct rep_fx *fx) {
    qsort(fx->run.log.events, fx->run.log.len, sizeof(struct rep_event), cmp_time);
    for (size_t i = 0; i < fx->run.log.len; i++) {
        fx->run.log.events[i].seq = i;
    }
}

void rep_fx_failover(struct rep_fx *fx, const struct rep_fx_plan *p) {
    struct gen g = {fx, p, sentinel_names[p->leader], "", "", "", ""};
    REP_ASSERT(p->master < 3 && p->promoted < 3 && p->promoted != p->master);
    uint32_t other = 3 - p->master - p->promoted;
    snprintf(g.M, sizeof(g.M), "%s", node_names[p->master]);
    snprintf(g.P, sizeof(g.P), "%s", node_names[p->promoted]);
    snprintf(g.R, sizeof(g.R), "%s", node_names[other]);
    snprintf(g.E, sizeof(g.E), "%llu", (unsigned long long)p->epoch);
    REP_ASSERT(rep_log_append(&fx->run.log, p->fault_t_ms, REP_KIND_FAULT, REP_LEVEL_WARNING,
                              "harness", "kill", g.M) == 0);
    uint64_t t_leader = p->fault_t_ms + p->sdown_ms[p->leader];
    leader_side(&g, t_leader);
    for (uint32_t i = 0; i < 3; i++) {
        if (i == p->leader) { continue; }
        follower_side(&g, sentinel_names[i], p->fault_t_ms + p->sdown_ms[i], t_leader + p->vote_ms,
                      t_leader + 1200);
        char line[128];
        snprintf(line, sizeof(line), "{id:%s} voted for {id:%s} %s", sentinel_names[i], g.leader,
                 g.E);
        rep_fx_log(fx, t_leader + p->vote_ms + 1, g.leader, line);
    }
    resort(fx);
    if (fx->run.fault_t_ms == 0) { fx->run.fault_t_ms = p->fault_t_ms; }
    fx->run.end_t_ms = t_leader + 10000;
    fx->run.nodes[p->master] = (struct rep_node_state){false, true, -1, false, 0};
    fx->run.nodes[p->promoted] = (struct rep_node_state){true, true, -1, false, 1000};
    fx->run.nodes[other] = (struct rep_node_state){true, false, (int32_t)p->promoted, true, 1000};
    for (uint32_t i = 0; i < 3; i++) {
        fx->run.sentinels[i].up = true;
        fx->run.sentinels[i].master_of_group[0] = (int32_t)p->promoted;
        fx->run.sentinels[i].current_epoch = p->epoch;
    }
}

/* ---------------------------------------------------------------- edits */

static bool hit(const struct rep_event *e, const char *proc, const char *type) {
    return strcmp(e->proc, proc) == 0 && strcmp(e->type, type) == 0;
}

int rep_fx_drop(struct rep_fx *fx, const char *proc, const char *type) {
    return rep_fx_drop_from(fx, proc, type, 0);
}

int rep_fx_drop_from(struct rep_fx *fx, const char *proc, const char *type, uint64_t from_ms) {
    struct rep_log *log = &fx->run.log;
    size_t o = 0;
    int n = 0;
    for (size_t i = 0; i < log->len; i++) {
        if (hit(&log->events[i], proc, type) && log->events[i].t_ms >= from_ms) {
            n++;
        } else {
            log->events[o++] = log->events[i];
        }
    }
    log->len = o;
    resort(fx);
    return n;
}

int rep_fx_shift(struct rep_fx *fx, const char *proc, const char *type, int64_t by_ms) {
    int n = 0;
    for (size_t i = 0; i < fx->run.log.len; i++) {
        struct rep_event *e = &fx->run.log.events[i];
        if (hit(e, proc, type)) {
            e->t_ms = (uint64_t)((int64_t)e->t_ms + by_ms);
            n++;
        }
    }
    resort(fx);
    return n;
}

int rep_fx_move_after(struct rep_fx *fx, const char *proc, const char *type, const char *after) {
    struct rep_log *log = &fx->run.log;
    size_t from = log->len, to = log->len;
    for (size_t i = 0; i < log->len; i++) {
        if (from == log->len && hit(&log->events[i], proc, type)) { from = i; }
        if (hit(&log->events[i], proc, after)) { to = i; }
    }
    if (from == log->len || to == log->len || from == to) { return 0; }
    struct rep_event moved = log->events[from];
    moved.t_ms = log->events[to].t_ms;
    if (from < to) {
        memmove(&log->events[from], &log->events[from + 1], (to - from) * sizeof(moved));
        log->events[to] = moved;
    } else {
        memmove(&log->events[to + 2], &log->events[to + 1], (from - to - 1) * sizeof(moved));
        log->events[to + 1] = moved;
    }
    for (size_t i = 0; i < log->len; i++) {
        log->events[i].seq = i;
    }
    return 1;
}
