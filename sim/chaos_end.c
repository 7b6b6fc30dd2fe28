/* chaos_end.c: the judgement of a finished run: liveness and data.
 *
 * Method: a generated schedule ends by healing the network and resuming and
 * restarting every process, then leaves the convergence bound
 * (chaos_bound.c) plus a stable window. If the run reached that window
 * with the network healed (no partition, links back to the scenario's
 * latency and loss) and every data node and a quorum and a majority of the
 * sentinels up,
 * every monitored master must have converged: all live sentinels report the
 * same node, that node is up and a master, and every other node of the
 * group replicates from it, directly or through a chain of replicas
 * (Sentinel leaves chains alone, spec §19 item 12). Lost acknowledged
 * writes are reported with what discarded them; they are known Sentinel
 * behaviour (asynchronous replication, spec §19 item 21), with or without
 * min-replicas-to-write.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/chaos_internal.h"
#include "sim/check.h"

/* True if node n reaches `master` by following upstream links. */
static bool chains_to(const struct rep_run *run, uint32_t n, int32_t master) {
    int32_t at = (int32_t)n;
    for (uint32_t hops = 0; hops <= run->scn->nodes_len; hops++) {
        const struct rep_node_state *ns = &run->nodes[at];
        if (at == master) { return true; }
        if (ns->is_master || ns->upstream < 0) { return false; }
        at = ns->upstream;
    }
    return false;
}

static const char orphan_cite[] =
    "spec §11.1 (RESET forgets replica records), §11.3, §11.4, §19 item 10: a master known "
    "only as a replica record is never rediscovered";

/* True if node n, now a master nobody follows, was known to the sentinels
 * only as a replica record of group g (a replica selected for promotion, or
 * the old master re-created as a replica at the switch, awaiting
 * +convert-to-slave) when a SENTINEL RESET of the group dropped those
 * records (§11.1). No master's INFO lists it any more, so no sentinel
 * learns of it again (§11.4, §19 item 10). */
static bool orphaned_by_reset(const struct rep_run *run, uint32_t g, uint32_t n) {
    char pattern[REP_IP_MAX + 16] = "";
    for (uint32_t i = 0; i < run->names_len; i++) {
        const struct rep_name *nm = &run->names[i];
        if (nm->proc.kind == SCN_PROC_NODE && nm->proc.index == n) {
            snprintf(pattern, sizeof(pattern), "slave %s:%u ", nm->ip, nm->port);
        }
    }
    char master[SCN_NAME_MAX + 16];
    snprintf(master, sizeof(master), "master %s ", run->scn->groups[g].name);
    /* Orphaned: a reset of the group came after the last time any sentinel
     * (re)created the node's replica record. */
    size_t known = 0, reset = 0;
    for (size_t i = 0; i < run->log.len && pattern[0] != '\0'; i++) {
        const struct rep_event *e = &run->log.events[i];
        if (e->kind != REP_KIND_EVENT) { continue; }
        if ((strcmp(e->type, "+selected-slave") == 0 || strcmp(e->type, "+slave") == 0) &&
            strstr(e->text, pattern) == e->text) {
            known = i + 1;
        }
        if (strcmp(e->type, "+reset-master") == 0 &&
            strncmp(e->text, master, strlen(master)) == 0) {
            reset = i + 1;
        }
    }
    return known > 0 && reset > known;
}

/* The node at the top of n's chain of upstreams (n itself if a master). */
static uint32_t chain_root(const struct rep_run *run, uint32_t n) {
    uint32_t at = n;
    for (uint32_t hops = 0; hops <= run->scn->nodes_len; hops++) {
        int32_t up = run->nodes[at].upstream;
        if (run->nodes[at].is_master || up < 0) { break; }
        at = (uint32_t)up;
    }
    return at;
}

static void judge_group(struct sim_chaos_check *c, const struct rep_run *run, uint32_t g) {
    const struct scn *s = run->scn;
    const char *gname = s->groups[g].name;
    int32_t m = -1;
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        int32_t said = run->sentinels[i].master_of_group[g];
        if (!run->sentinels[i].up) { continue; }
        if (m < 0) { m = said; }
        if (said < 0 || said != m) {
            sim_chaos__flag(c, SIM_CHAOS_INV_NO_CONVERGENCE, SIM_CHAOS_CLASS_NEW, run->end_t_ms,
                            s->sentinels[i].name, "",
                            "%s: sentinels disagree at the end (%s says %s, another %s)", gname,
                            s->sentinels[i].name, said >= 0 ? s->nodes[said].name : "none",
                            m >= 0 ? s->nodes[m].name : "none");
            return;
        }
    }
    if (m < 0) { return; }
    if (!run->nodes[m].up || !run->nodes[m].is_master) {
        sim_chaos__flag(c, SIM_CHAOS_INV_NO_CONVERGENCE, SIM_CHAOS_CLASS_NEW, run->end_t_ms,
                        s->nodes[m].name, "", "%s: every sentinel reports %s, which is %s", gname,
                        s->nodes[m].name, run->nodes[m].up ? "a replica" : "down");
        return;
    }
    for (uint32_t n = 0; n < s->nodes_len; n++) {
        if (s->nodes[n].group != g || (int32_t)n == m || !run->nodes[n].up) { continue; }
        if (!chains_to(run, n, m)) {
            int32_t up = run->nodes[n].upstream;
            /* The node, or the master at the top of its chain, fell out of
             * every sentinel's view with a RESET. */
            uint32_t root = chain_root(run, n);
            bool orphan = run->nodes[root].is_master && orphaned_by_reset(run, g, root);
            sim_chaos__flag(c, SIM_CHAOS_INV_NO_CONVERGENCE,
                            orphan ? SIM_CHAOS_CLASS_KNOWN : SIM_CHAOS_CLASS_NEW, run->end_t_ms,
                            s->nodes[n].name, orphan ? orphan_cite : "",
                            "%s: master is %s but %s %s", gname, s->nodes[m].name, s->nodes[n].name,
                            run->nodes[n].is_master ? "is a master too"
                            : up >= 0               ? "replicates from outside the master"
                                                    : "replicates from nobody");
            return;
        }
    }
}

/* Liveness applies once the faults are healed: every data node of group g
 * is up (running, not paused) and a quorum and a majority of the sentinels
 * are up. A schedule that leaves a node down (a shrunk one may) is not
 * judged: "no replica to promote" is not a liveness failure. */
static bool electable(const struct rep_run *run, uint32_t g) {
    const struct scn *s = run->scn;
    uint32_t up = 0;
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        up += run->sentinels[i].up ? 1u : 0u;
    }
    for (uint32_t n = 0; n < s->nodes_len; n++) {
        if (s->nodes[n].group == g && !run->nodes[n].up) { return false; }
    }
    return up >= s->groups[g].settings.quorum && up >= s->sentinels_len / 2 + 1;
}

/* The event that made node `name` a replica again after it acknowledged
 * writes (so a resync discarded them): the last reconfiguration of it, or
 * else the last fault that hit it. Written into buf as a short phrase. */
static void discarded_by(const struct rep_run *run, const char *name, char *buf, size_t cap) {
    static const char *const demote[] = {"+convert-to-slave", "+slave-reconf-sent",
                                         "+slave-reconf-sent-be", "+fix-slave-config"};
    char pattern[REP_IP_MAX + 16] = "";
    for (uint32_t i = 0; i < run->names_len; i++) {
        const struct rep_name *n = &run->names[i];
        if (n->proc.kind == SCN_PROC_NODE &&
            strcmp(run->scn->nodes[n->proc.index].name, name) == 0) {
            snprintf(pattern, sizeof(pattern), "slave %s:%u ", n->ip, n->port);
        }
    }
    for (size_t i = run->log.len; i > 0 && pattern[0] != '\0'; i--) {
        const struct rep_event *e = &run->log.events[i - 1];
        if (e->kind != REP_KIND_EVENT || strstr(e->text, pattern) == NULL) { continue; }
        for (size_t k = 0; k < sizeof(demote) / sizeof(demote[0]); k++) {
            if (strcmp(e->type, demote[k]) == 0) {
                snprintf(buf, cap, "demoted by %s from %s at %.1f s", e->type, e->proc,
                         (double)e->t_ms / 1000.0);
                return;
            }
        }
    }
    for (size_t i = run->log.len; i > 0; i--) {
        const struct rep_event *e = &run->log.events[i - 1];
        if (e->kind == REP_KIND_FAULT && strstr(e->text, name) != NULL) {
            snprintf(buf, cap, "last fault on it: '%.60s' at %.1f s", e->text,
                     (double)e->t_ms / 1000.0);
            return;
        }
    }
    snprintf(buf, cap, "never reconfigured by a sentinel");
}

/* Lost acknowledged writes with the node that took the most and what discarded them. */
static void judge_data(struct sim_chaos_check *c, const struct rep_run *run) {
    const struct scn *s = run->scn;
    uint32_t mrw = 0;
    for (uint32_t n = 0; n < s->nodes_len; n++) {
        if (s->nodes[n].group == s->workload.group && s->nodes[n].min_replicas_to_write > mrw) {
            mrw = s->nodes[n].min_replicas_to_write;
        }
    }
    /* The workload's own account names each node that acknowledged lost writes. */
    static const char marker[] = " acknowledged writes lost: acked by ";
    uint64_t most = 0;
    char who[SCN_NAME_MAX] = "", why[128] = "";
    for (size_t i = 0; i < run->log.len; i++) {
        const struct rep_event *e = &run->log.events[i];
        const char *m = e->kind == REP_KIND_CHECK ? strstr(e->text, marker) : NULL;
        if (m == NULL) { continue; }
        uint64_t n = strtoull(e->text, NULL, 10);
        if (n <= most) { continue; }
        most = n;
        snprintf(who, sizeof(who), "%.*s", (int)strcspn(m + sizeof(marker) - 1, " "),
                 m + sizeof(marker) - 1);
    }
    if (who[0] != '\0') { discarded_by(run, who, why, sizeof(why)); }
    sim_chaos__flag(c, SIM_CHAOS_INV_WRITES_LOST, SIM_CHAOS_CLASS_KNOWN, run->end_t_ms, who,
                    "spec §19 item 21; redis docs 'Consistency under partitions'",
                    "%" PRIu64 " of %" PRIu64
                    " acked writes lost (min-replicas-to-write %u); %" PRIu64 " acked by %s, %s",
                    run->writes.lost, run->writes.acked, mrw, most, who[0] ? who : "?", why);
}

static bool same_ratio(struct scn_ratio a, struct scn_ratio b) {
    bool a_never = a.num == 0 || a.den == 0, b_never = b.num == 0 || b.den == 0;
    return (a_never && b_never) || (a.num == b.num && a.den == b.den);
}

/* Whether the timeline ends with the network healed: no partition left in
 * force and every process's latency and loss back to the scenario's own.
 * Steps run in order whatever their timing, so a static walk suffices. A
 * shrunk schedule may have lost its final heal; it is then not judged. */
static bool network_healed(const struct scn *s) {
    uint32_t procs = s->nodes_len + s->sentinels_len;
    uint8_t *odd = calloc(procs ? procs : 1, 1); /* bit 0: latency, bit 1: loss changed */
    if (odd == NULL) { return false; }
    bool cut = false;
    for (uint32_t i = 0; i < s->steps_len; i++) {
        const struct scn_step *st = &s->steps[i];
        if (st->kind == SCN_STEP_PARTITION) { cut = true; }
        if (st->kind == SCN_STEP_HEAL) { cut = false; }
        if (st->kind != SCN_STEP_LATENCY && st->kind != SCN_STEP_LOSS) { continue; }
        bool lat = st->kind == SCN_STEP_LATENCY;
        bool normal = lat ? st->latency.min_ms == s->network.latency.min_ms &&
                                st->latency.max_ms == s->network.latency.max_ms
                          : same_ratio(st->loss, s->network.loss);
        uint8_t bit = lat ? 1u : 2u;
        uint32_t n = st->targets.len ? st->targets.len : procs;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t at = k;
            if (st->targets.len > 0) {
                struct scn_proc p = st->targets.items[k];
                at = p.kind == SCN_PROC_NODE ? p.index : s->nodes_len + p.index;
            }
            odd[at] = (uint8_t)(normal ? odd[at] & ~bit : odd[at] | bit);
        }
    }
    bool healed = !cut;
    for (uint32_t p = 0; p < procs; p++) {
        healed &= odd[p] == 0;
    }
    free(odd);
    return healed;
}

void sim_chaos_check_end(struct sim_chaos_check *c, const struct rep_run *run) {
    SIM_ASSERT(run != NULL);
    SIM_ASSERT(run->scn != NULL);
    sim_chaos__judge_picks(c);
    const struct scn *s = run->scn;
    uint64_t stable = sim_chaos__stable_from(c);
    /* Liveness needs the stable window: a run cut short (its hard end came
     * first, or it stopped at a violation) is not judged. */
    if (stable != UINT64_MAX && run->end_t_ms >= stable && network_healed(s)) {
        bool all = true;
        for (uint32_t g = 0; g < s->groups_len; g++) {
            if (electable(run, g)) {
                judge_group(c, run, g);
            } else {
                all = false;
            }
        }
        if (all) { sim_chaos__set_judged(c); }
    }
    if (run->writes.lost > 0) { judge_data(c, run); }
}
