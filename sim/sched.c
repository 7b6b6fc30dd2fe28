/* sched.c: the event queue: a timing wheel of chunked FIFOs plus a heap for later events.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim/sched.h"

#include <stdlib.h>

#include "sim/check.h"

#define NONE UINT32_MAX
#define MASK (SIM_SCHED_WHEEL_MS - 1)

_Static_assert(sizeof(struct sim_sched_chunk) == 256, "a chunk fills four cache lines");

int sim_sched_init(struct sim_sched *s, size_t cap) {
    SIM_ASSERT(cap > 0 && cap < NONE / 2);
    *s = (struct sim_sched){.chunk_free = NONE};
    /* A bucket's chunks are full but for its first (partly popped) and its
     * last (partly pushed), and at most WHEEL_MS buckets (or cap, if fewer)
     * hold events. */
    size_t buckets = cap < SIM_SCHED_WHEEL_MS ? cap : SIM_SCHED_WHEEL_MS;
    s->chunks_cap = (uint32_t)(cap / SIM_SCHED_CHUNK_EVS + 2 * buckets + 1);
    s->chunks = aligned_alloc(64, (size_t)s->chunks_cap * sizeof(*s->chunks));
    s->heap = malloc(cap * sizeof(*s->heap));
    s->head = malloc(SIM_SCHED_WHEEL_MS * sizeof(*s->head));
    s->tail = malloc(SIM_SCHED_WHEEL_MS * sizeof(*s->tail));
    if (s->chunks == NULL || s->heap == NULL || s->head == NULL || s->tail == NULL) {
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
    free(s->chunks);
    free(s->heap);
    free(s->head);
    free(s->tail);
    *s = (struct sim_sched){.chunk_free = NONE};
}

/* ---------------------------------------------------------------- the heap */

static bool before(const struct sim_ev *a, const struct sim_ev *b) {
    if (a->t_ms != b->t_ms) { return a->t_ms < b->t_ms; }
    return a->seq < b->seq;
}

static void heap_push(struct sim_sched *s, const struct sim_ev *ev) {
    size_t i = s->heap_len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(ev, &s->heap[parent])) { break; }
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = *ev;
}

static struct sim_ev heap_pop(struct sim_sched *s) {
    struct sim_ev top = s->heap[0];
    struct sim_ev last = s->heap[--s->heap_len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= s->heap_len) { break; }
        size_t m = l;
        if (l + 1 < s->heap_len && before(&s->heap[l + 1], &s->heap[l])) { m = l + 1; }
        if (!before(&s->heap[m], &last)) { break; }
        s->heap[i] = s->heap[m];
        i = m;
    }
    if (s->heap_len > 0) { s->heap[i] = last; }
    return top;
}

/* ---------------------------------------------------------------- the wheel */

static uint32_t chunk_new(struct sim_sched *s) {
    uint32_t c = s->chunk_free;
    if (c != NONE) {
        s->chunk_free = s->chunks[c].next;
    } else {
        SIM_ASSERT(s->chunks_used < s->chunks_cap); /* bounded by construction */
        c = s->chunks_used++;
    }
    s->chunks[c].next = NONE;
    s->chunks[c].head = s->chunks[c].tail = 0;
    return c;
}

static void chunk_release(struct sim_sched *s, uint32_t c) {
    s->chunks[c].next = s->chunk_free;
    s->chunk_free = c;
}

static void wheel_append(struct sim_sched *s, uint64_t t, struct sim_sched_ent ent) {
    uint32_t b = (uint32_t)(t & MASK);
    uint32_t c = s->tail[b];
    if (c == NONE || s->chunks[c].tail == SIM_SCHED_CHUNK_EVS) {
        uint32_t fresh = chunk_new(s);
        if (c == NONE) {
            s->head[b] = fresh;
        } else {
            s->chunks[c].next = fresh;
        }
        s->tail[b] = c = fresh;
    }
    s->chunks[c].ents[s->chunks[c].tail++] = ent;
    s->wheel_len++;
    if (t < s->scan_ms) { s->scan_ms = t; }
}

/* Moves the window's start to base_ms, taking in the heap's events that it
 * now covers, earliest (and for one time, first pushed) first. */
static void advance(struct sim_sched *s, uint64_t base_ms) {
    SIM_ASSERT(base_ms >= s->base_ms);
    s->base_ms = base_ms;
    if (s->scan_ms < base_ms) { s->scan_ms = base_ms; }
    while (s->heap_len > 0 && s->heap[0].t_ms - base_ms < SIM_SCHED_WHEEL_MS) {
        struct sim_ev ev = heap_pop(s);
        wheel_append(s, ev.t_ms, (struct sim_sched_ent){.kind = ev.kind, .a = ev.a, .b = ev.b});
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
    s->len++;
    uint64_t seq = s->next_seq++;
    if (t_ms - s->base_ms < SIM_SCHED_WHEEL_MS) {
        wheel_append(s, t_ms, (struct sim_sched_ent){.kind = kind, .a = a, .b = b});
    } else {
        heap_push(s, &(struct sim_ev){.t_ms = t_ms, .seq = seq, .kind = kind, .a = a, .b = b});
    }
}

const struct sim_sched_ent *sim_sched_peek_same_ms(const struct sim_sched *s, uint32_t k) {
    for (uint32_t c = s->head[s->base_ms & MASK]; c != NONE; c = s->chunks[c].next) {
        const struct sim_sched_chunk *chunk = &s->chunks[c];
        if (k < (uint32_t)(chunk->tail - chunk->head)) { return &chunk->ents[chunk->head + k]; }
        k -= (uint32_t)(chunk->tail - chunk->head);
    }
    return NULL;
}

uint64_t sim_sched_next_ms(struct sim_sched *s) {
    if (s->wheel_len > 0) {
        scan(s);
        return s->scan_ms;
    }
    return s->heap_len > 0 ? s->heap[0].t_ms : UINT64_MAX;
}

bool sim_sched_pop(struct sim_sched *s, struct sim_ev *out) {
    if (s->len == 0) { return false; }
    if (s->wheel_len == 0) { advance(s, s->heap[0].t_ms); }
    scan(s);
    advance(s, s->scan_ms);
    uint32_t b = (uint32_t)(s->base_ms & MASK);
    uint32_t c = s->head[b];
    struct sim_sched_chunk *chunk = &s->chunks[c];
    SIM_ASSERT(chunk->head < chunk->tail);
    struct sim_sched_ent ent = chunk->ents[chunk->head++];
    if (chunk->head == chunk->tail) {
        /* Emptied: a full chunk gives way to the next; the last one goes. */
        SIM_ASSERT(chunk->tail == SIM_SCHED_CHUNK_EVS || s->tail[b] == c);
        s->head[b] = chunk->next;
        if (s->head[b] == NONE) { s->tail[b] = NONE; }
        chunk_release(s, c);
    }
    s->wheel_len--;
    s->len--;
    *out = (struct sim_ev){.t_ms = s->base_ms, .kind = ent.kind, .a = ent.a, .b = ent.b};
    return true;
}
