/* sched.h: the simulator's event queue.
 *
 * Method: events are totally ordered by (time_ms, seq), where the sequence
 * number is assigned at push time and is unique, so two events due at the
 * same millisecond always come out in the order they were scheduled.
 * Nearly every event is due within a few seconds (message latencies,
 * sentinel ticks, node timers), so those sit in a timing wheel of
 * one-millisecond buckets, each a FIFO: within a bucket push order is seq
 * order, and push and pop cost O(1) whatever the number of pending events.
 * Events further out wait in a binary heap on (time_ms, seq) and move into
 * the wheel, in heap order, as soon as the wheel's window reaches their
 * time, i.e. before anything can be pushed directly for that time.
 * Capacity is fixed; overflow is a loud failure.
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

/* A pending event: in a wheel bucket's FIFO (next) or in the heap. */
struct sim_sched_slot {
    struct sim_ev ev;
    uint32_t next;
};

struct sim_sched {
    struct sim_sched_slot *slots; /* [cap]: the pending events */
    uint32_t slot_free;           /* free list of slots (then the untouched tail) */
    uint32_t slots_used;
    size_t len; /* pending events (wheel + heap) */
    size_t cap;
    uint64_t next_seq;
    uint64_t base_ms; /* the wheel holds [base_ms, base_ms + WHEEL_MS) */
    uint64_t scan_ms; /* no wheel event is due in [base_ms, scan_ms) */
    size_t wheel_len; /* events in the wheel */
    uint32_t *head;   /* [WHEEL_MS] per-millisecond FIFOs, by time modulo the window */
    uint32_t *tail;
    uint32_t *heap; /* slot indices of later events, min-heap on (t_ms, seq) */
    size_t heap_len;
};

/* Returns 0, or -1 when the memory cannot be had. */
int sim_sched_init(struct sim_sched *s, size_t cap);
void sim_sched_free(struct sim_sched *s);

/* Schedules an event no earlier than the last one popped; asserts that the
 * capacity is not exceeded. */
void sim_sched_push(struct sim_sched *s, uint64_t t_ms, uint32_t kind, uint32_t a, uint64_t b);

/* Removes the earliest event into *out; false when the queue is empty. */
bool sim_sched_pop(struct sim_sched *s, struct sim_ev *out);

/* The event due next at the same millisecond as the last one popped, or
 * NULL: a hint for prefetching what it will touch. */
const struct sim_ev *sim_sched_peek_same_ms(const struct sim_sched *s);

/* Time of the earliest event, or UINT64_MAX when empty. */
uint64_t sim_sched_next_ms(struct sim_sched *s);

#endif
