/* chaos_scn.c: owning copies of chaos scenarios (clone, free, drop a step).
 *
 * Method: the shrinker tries thousands of candidate scenarios, each a small
 * edit of the last one that still failed, so it needs deep copies that it
 * owns outright. Only what the generator produces and a reproducer needs is
 * copied: topology, timers, network, workload and steps; the expect block
 * of a chaos scenario is always empty. Every array is one calloc, released
 * here, so these copies never depend on how the YAML loader allocates.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "sim/chaos.h"
#include "sim/check.h"
#include "sim/sim.h"

static int set_copy(const struct scn_set *src, struct scn_set *dst) {
    dst->len = 0;
    dst->items = NULL;
    if (src->len == 0) { return 0; }
    dst->items = calloc(src->len, sizeof(*dst->items));
    if (dst->items == NULL) { return SIM_E_NOMEM; }
    memcpy(dst->items, src->items, src->len * sizeof(*dst->items));
    dst->len = src->len;
    return 0;
}

static void step_free(struct scn_step *st) {
    free(st->targets.items);
    free(st->side_a.items);
    free(st->side_b.items);
    free(st->cond.on.items);
    st->targets.items = st->side_a.items = st->side_b.items = st->cond.on.items = NULL;
}

static int step_copy(const struct scn_step *src, struct scn_step *dst) {
    *dst = *src;
    dst->targets.items = dst->side_a.items = dst->side_b.items = dst->cond.on.items = NULL;
    if (set_copy(&src->targets, &dst->targets) != 0 || set_copy(&src->side_a, &dst->side_a) != 0 ||
        set_copy(&src->side_b, &dst->side_b) != 0 || set_copy(&src->cond.on, &dst->cond.on) != 0) {
        step_free(dst);
        return SIM_E_NOMEM;
    }
    return 0;
}

static void *dup_array(const void *src, size_t n, size_t size) {
    if (n == 0) { return NULL; }
    void *p = calloc(n, size);
    if (p != NULL) { memcpy(p, src, n * size); }
    return p;
}

int sim_chaos_scn_clone(const struct scn *src, struct scn *dst) {
    SIM_ASSERT(src != NULL);
    SIM_ASSERT(dst != NULL);
    memset(dst, 0, sizeof(*dst));
    memcpy(dst->name, src->name, sizeof(dst->name));
    dst->seeds_len = src->seeds_len;
    memcpy(dst->seeds, src->seeds, sizeof(dst->seeds));
    dst->duration_ms = src->duration_ms;
    dst->settle_ms = src->settle_ms;
    dst->explain = src->explain;
    dst->timers = src->timers;
    dst->network = src->network;
    dst->workload = src->workload;
    dst->expect.failovers_max = UINT32_MAX;
    dst->expect.lost_writes_min = -1;
    dst->expect.lost_writes_max = -1;
    dst->groups = dup_array(src->groups, src->groups_len, sizeof(*src->groups));
    dst->nodes = dup_array(src->nodes, src->nodes_len, sizeof(*src->nodes));
    dst->sentinels = dup_array(src->sentinels, src->sentinels_len, sizeof(*src->sentinels));
    if ((src->groups_len && !dst->groups) || (src->nodes_len && !dst->nodes) ||
        (src->sentinels_len && !dst->sentinels)) {
        goto fail;
    }
    dst->groups_len = src->groups_len;
    dst->nodes_len = src->nodes_len;
    dst->sentinels_len = src->sentinels_len;
    if (src->steps_len > 0) {
        dst->steps = calloc(src->steps_len, sizeof(*dst->steps));
        if (dst->steps == NULL) { goto fail; }
        for (uint32_t i = 0; i < src->steps_len; i++) {
            if (step_copy(&src->steps[i], &dst->steps[i]) != 0) { goto fail; }
            dst->steps_len = i + 1;
        }
    }
    return 0;
fail:
    sim_chaos_scn_free(dst);
    return SIM_E_NOMEM;
}

void sim_chaos_scn_free(struct scn *s) {
    if (s == NULL) { return; }
    for (uint32_t i = 0; i < s->steps_len; i++) {
        step_free(&s->steps[i]);
    }
    free(s->steps);
    free(s->groups);
    free(s->nodes);
    free(s->sentinels);
    memset(s, 0, sizeof(*s));
}

void sim_chaos_scn_drop_step(struct scn *s, uint32_t i) {
    SIM_ASSERT(i < s->steps_len);
    step_free(&s->steps[i]);
    memmove(&s->steps[i], &s->steps[i + 1], (s->steps_len - i - 1) * sizeof(*s->steps));
    s->steps_len--;
    memset(&s->steps[s->steps_len], 0, sizeof(*s->steps));
}

uint32_t sim_chaos_fault_steps(const struct scn *s) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->steps_len; i++) {
        enum scn_step_kind k = s->steps[i].kind;
        if (k != SCN_STEP_WAIT && k != SCN_STEP_SLEEP && k != SCN_STEP_HEAL) { n++; }
    }
    return n;
}
