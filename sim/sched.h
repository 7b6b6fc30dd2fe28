/* sched.h: the simulator's event queue.
 *
 * Method: events are totally ordered by (time_ms, seq), where the sequence
 * number is assigned at push time and is unique, so two events due at the
 * same millisecond always come out in the order they were scheduled.
 * Nearly every event is due within a few seconds (message latencies,
 * sentinel ticks, node timers), so those sit in a timing wheel of
 * one-millisecond buckets, each a FIFO: within a bucket push order is seq
 * order, and push and pop cost O(1) whatever the number of pending events.
 * A bucket's FIFO is a list of chunks of several events, so popping reads
 * memory in order rather than chasing a link per event (with tens of
 * thousands pending, each link was a cache miss). Events further out wait
 * in a binary heap on (time_ms, seq) and move into the wheel, in heap
 * order, as soon as the wheel's window reaches their time, i.e. before
 * anything can be pushed directly for that time. Capacity is fixed;
 * overflow is a loud failure.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_SCHED_H
#define SENTSIM_SIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_SCHED_WHEEL_MS 4096 /* the wheel's window (a power of two) */

/* One scheduled event: what it is and two operands, interpreted by kind. */
struct sim_ev {
    uint64_t t_ms;
    uint64_t seq;
    uint32_t kind;
    uint32_t a;
    uint64_t b;
};

/* An event in the wheel: its time is its bucket's, its seq its position. */
struct sim_sched_ent {
    uint32_t kind;
    uint32_t a;
    uint64_t b;
};

/* A run of one bucket's FIFO, four cache lines. */
#define SIM_SCHED_CHUNK_EVS 15
struct sim_sched_chunk {
    _Alignas(64) uint32_t next; /* the bucket's next chunk, or the free list's */
    uint16_t head;              /* next entry to pop */
    uint16_t tail;              /* next free entry */
    struct sim_sched_ent ents[SIM_SCHED_CHUNK_EVS];
};

struct sim_sched {
    struct sim_ev *heap; /* [cap]: events beyond the window, a min-heap on (t_ms, seq) */
    size_t heap_len;
    struct sim_sched_chunk *chunks; /* [chunks_cap]: the wheel's FIFOs */
    uint32_t chunks_cap;
    uint32_t chunk_free; /* free list of chunks (then the untouched tail) */
    uint32_t chunks_used;
    size_t len; /* pending events (wheel + heap) */
    size_t cap;
    uint64_t next_seq;
    uint64_t base_ms; /* the wheel holds [base_ms, base_ms + WHEEL_MS) */
    uint64_t scan_ms; /* no wheel event is due in [base_ms, scan_ms) */
    size_t wheel_len; /* events in the wheel */
    uint32_t *head;   /* [WHEEL_MS] per-millisecond chunk lists, by time modulo the window */
    uint32_t *tail;
};

/* Returns 0, or -1 when the memory cannot be had. */
int sim_sched_init(struct sim_sched *s, size_t cap);
void sim_sched_free(struct sim_sched *s);

/* Schedules an event no earlier than the last one popped; asserts that the
 * capacity is not exceeded. */
void sim_sched_push(struct sim_sched *s, uint64_t t_ms, uint32_t kind, uint32_t a, uint64_t b);

/* Removes the earliest event into *out (all but its seq); false when the
 * queue is empty. */
bool sim_sched_pop(struct sim_sched *s, struct sim_ev *out);

/* The k-th event (from 0) due next at the same millisecond as the last one
 * popped, or NULL: a hint for prefetching what it will touch. */
const struct sim_sched_ent *sim_sched_peek_same_ms(const struct sim_sched *s, uint32_t k);

/* Time of the earliest event, or UINT64_MAX when empty. */
uint64_t sim_sched_next_ms(struct sim_sched *s);

#endif
