/* sched.c: binary min-heap on (time_ms, seq).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim/sched.h"

#include <stdlib.h>

#include "sim/check.h"

int sim_sched_init(struct sim_sched *s, size_t cap) {
    SIM_ASSERT(cap > 0);
    s->heap = malloc(cap * sizeof(*s->heap));
    s->len = 0;
    s->cap = s->heap != NULL ? cap : 0;
    s->next_seq = 0;
    return s->heap != NULL ? 0 : -1;
}

void sim_sched_free(struct sim_sched *s) {
    free(s->heap);
    s->heap = NULL;
    s->len = 0;
    s->cap = 0;
}

static bool before(const struct sim_ev *x, const struct sim_ev *y) {
    if (x->t_ms != y->t_ms) { return x->t_ms < y->t_ms; }
    return x->seq < y->seq;
}

void sim_sched_push(struct sim_sched *s, uint64_t t_ms, uint32_t kind, uint32_t a, uint64_t b) {
    SIM_ASSERT(s->len < s->cap); /* the run outgrew its event queue: raise the bound */
    struct sim_ev ev = {.t_ms = t_ms, .seq = s->next_seq++, .kind = kind, .a = a, .b = b};
    size_t i = s->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&ev, &s->heap[parent])) { break; }
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = ev;
}

bool sim_sched_pop(struct sim_sched *s, struct sim_ev *out) {
    if (s->len == 0) { return false; }
    *out = s->heap[0];
    struct sim_ev last = s->heap[--s->len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= s->len) { break; }
        size_t m = l;
        if (l + 1 < s->len && before(&s->heap[l + 1], &s->heap[l])) { m = l + 1; }
        if (!before(&s->heap[m], &last)) { break; }
        s->heap[i] = s->heap[m];
        i = m;
    }
    if (s->len > 0) { s->heap[i] = last; }
    SIM_ASSERT(s->len == 0 || !before(&s->heap[0], out));
    return true;
}

uint64_t sim_sched_next_ms(const struct sim_sched *s) {
    return s->len > 0 ? s->heap[0].t_ms : UINT64_MAX;
}
