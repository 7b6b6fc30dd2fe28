/* sched.c: the event queue: a timing wheel of FIFOs plus a heap for later events.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim/sched.h"

#include <stdlib.h>

#include "sim/check.h"

#define NONE UINT32_MAX
#define MASK (SIM_SCHED_WHEEL_MS - 1)

int sim_sched_init(struct sim_sched *s, size_t cap) {
    SIM_ASSERT(cap > 0 && cap < NONE);
    *s = (struct sim_sched){.slot_free = NONE};
    s->slots = malloc(cap * sizeof(*s->slots));
    s->heap = malloc(cap * sizeof(*s->heap));
    s->head = malloc(SIM_SCHED_WHEEL_MS * sizeof(*s->head));
    s->tail = malloc(SIM_SCHED_WHEEL_MS * sizeof(*s->tail));
    if (s->slots == NULL || s->heap == NULL || s->head == NULL || s->tail == NULL) {
        sim_sched_free(s);
        return -1;
    }
    for (uint32_t i = 0; i < SIM_SCHED_WHEEL_MS; i++) {
        s->head[i] = s->tail[i] = NONE;
    }
    s->cap = cap;
    return 0;
}

void sim_sched_free(struct sim_sched *s) {
    free(s->slots);
    free(s->heap);
    free(s->head);
    free(s->tail);
    *s = (struct sim_sched){.slot_free = NONE};
}

/* ---------------------------------------------------------------- the heap */

static bool before(const struct sim_sched *s, uint32_t x, uint32_t y) {
    const struct sim_ev *a = &s->slots[x].ev, *b = &s->slots[y].ev;
    if (a->t_ms != b->t_ms) { return a->t_ms < b->t_ms; }
    return a->seq < b->seq;
}

static void heap_push(struct sim_sched *s, uint32_t slot) {
    size_t i = s->heap_len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(s, slot, s->heap[parent])) { break; }
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = slot;
}

static uint32_t heap_pop(struct sim_sched *s) {
    uint32_t top = s->heap[0];
    uint32_t last = s->heap[--s->heap_len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= s->heap_len) { break; }
        size_t m = l;
        if (l + 1 < s->heap_len && before(s, s->heap[l + 1], s->heap[l])) { m = l + 1; }
        if (!before(s, s->heap[m], last)) { break; }
        s->heap[i] = s->heap[m];
        i = m;
    }
    if (s->heap_len > 0) { s->heap[i] = last; }
    return top;
}

/* ---------------------------------------------------------------- the wheel */

static void wheel_append(struct sim_sched *s, uint32_t slot) {
    uint64_t t = s->slots[slot].ev.t_ms;
    uint32_t b = (uint32_t)(t & MASK);
    s->slots[slot].next = NONE;
    if (s->tail[b] == NONE) {
        s->head[b] = slot;
    } else {
        s->slots[s->tail[b]].next = slot;
    }
    s->tail[b] = slot;
    s->wheel_len++;
    if (t < s->scan_ms) { s->scan_ms = t; }
}

/* Moves the window's start to base_ms, taking in the heap's events that it
 * now covers, earliest (and for one time, first pushed) first. */
static void advance(struct sim_sched *s, uint64_t base_ms) {
    SIM_ASSERT(base_ms >= s->base_ms);
    s->base_ms = base_ms;
    if (s->scan_ms < base_ms) { s->scan_ms = base_ms; }
    while (s->heap_len > 0 && s->slots[s->heap[0]].ev.t_ms - base_ms < SIM_SCHED_WHEEL_MS) {
        wheel_append(s, heap_pop(s));
    }
}

/* Moves scan_ms to the earliest wheel event (the wheel is not empty). */
static void scan(struct sim_sched *s) {
    while (s->head[s->scan_ms & MASK] == NONE) {
        s->scan_ms++;
    }
}

void sim_sched_push(struct sim_sched *s, uint64_t t_ms, uint32_t kind, uint32_t a, uint64_t b) {
    SIM_ASSERT(s->len < s->cap);    /* the run outgrew its event queue: raise the bound */
    SIM_ASSERT(t_ms >= s->base_ms); /* never before an event already popped */
    uint32_t slot = s->slot_free;
    if (slot != NONE) {
        s->slot_free = s->slots[slot].next;
        /* The next push's slot: its link is read then (a miss in a big pool). */
        if (s->slot_free != NONE) { __builtin_prefetch(&s->slots[s->slot_free], 1); }
    } else {
        slot = s->slots_used++;
    }
    s->len++;
    s->slots[slot].ev =
        (struct sim_ev){.t_ms = t_ms, .seq = s->next_seq++, .kind = kind, .a = a, .b = b};
    if (t_ms - s->base_ms < SIM_SCHED_WHEEL_MS) {
        wheel_append(s, slot);
    } else {
        heap_push(s, slot);
    }
}

const struct sim_ev *sim_sched_peek_same_ms(const struct sim_sched *s) {
    uint32_t slot = s->head[s->base_ms & MASK];
    return slot != NONE ? &s->slots[slot].ev : NULL;
}

uint64_t sim_sched_next_ms(struct sim_sched *s) {
    if (s->wheel_len > 0) {
        scan(s);
        return s->scan_ms;
    }
    return s->heap_len > 0 ? s->slots[s->heap[0]].ev.t_ms : UINT64_MAX;
}

bool sim_sched_pop(struct sim_sched *s, struct sim_ev *out) {
    if (s->len == 0) { return false; }
    if (s->wheel_len == 0) { advance(s, s->slots[s->heap[0]].ev.t_ms); }
    scan(s);
    advance(s, s->scan_ms);
    uint32_t b = (uint32_t)(s->base_ms & MASK);
    uint32_t slot = s->head[b];
    s->head[b] = s->slots[slot].next;
    if (s->head[b] == NONE) { s->tail[b] = NONE; }
    s->wheel_len--;
    s->len--;
    *out = s->slots[slot].ev;
    SIM_ASSERT(out->t_ms == s->base_ms);
    s->slots[slot].next = s->slot_free;
    s->slot_free = slot;
    return true;
}
