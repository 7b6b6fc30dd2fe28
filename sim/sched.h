/* sched.h: the simulator's event queue.
 *
 * Method: a binary min-heap of fixed capacity keyed by (time_ms, seq). The
 * sequence number is assigned at push time and is unique, so two events due
 * at the same millisecond always come out in the order they were scheduled,
 * whatever the heap's internal layout. Overflow is a loud failure.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_SCHED_H
#define SENTSIM_SIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One scheduled event: what it is and two operands, interpreted by kind. */
struct sim_ev {
    uint64_t t_ms;
    uint64_t seq;
    uint32_t kind;
    uint32_t a;
    uint64_t b;
};

struct sim_sched {
    struct sim_ev *heap;
    size_t len;
    size_t cap;
    uint64_t next_seq;
};

/* Returns 0, or -1 when the memory cannot be had. */
int sim_sched_init(struct sim_sched *s, size_t cap);
void sim_sched_free(struct sim_sched *s);

/* Schedules an event; asserts that the capacity is not exceeded. */
void sim_sched_push(struct sim_sched *s, uint64_t t_ms, uint32_t kind, uint32_t a, uint64_t b);

/* Removes the earliest event into *out; false when the queue is empty. */
bool sim_sched_pop(struct sim_sched *s, struct sim_ev *out);

/* Time of the earliest event, or UINT64_MAX when empty. */
uint64_t sim_sched_next_ms(const struct sim_sched *s);

#endif
