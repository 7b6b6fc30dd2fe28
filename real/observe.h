/* observe.h: what the sentinels said, as event records, while the run goes on.
 *
 * Method: each sentinel runs with loglevel verbose and a log file in its
 * directory; that file is the event record (Redis writes each line as it
 * happens, so tailing it also serves live waits). Lines are parsed by
 * reports' parser (reports/log.h) into records named by scenario process
 * with t_ms relative to the run's wall-clock origin; data nodes' logs are
 * tailed the same way into informational REP_KIND_NODE records. Non-event lines below
 * NOTICE (connection chatter caused by the harness's own polling) are not
 * kept. The harness adds its own records (faults, checks) with its own
 * wall-clock times; the log is sorted by time once the run is over.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_OBSERVE_H
#define SENTSIM_REAL_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "real/proc.h"
#include "reports/event.h"

#define REAL_LINE_MAX 4096

struct real_tail {
    uint64_t offset;             /* bytes of the file consumed */
    size_t partial_len;          /* bytes of an unfinished last line */
    char partial[REAL_LINE_MAX]; /* that unfinished line */
    uint64_t malformed;          /* prefixed lines the parser rejected */
};

struct real_observer {
    struct real_world *w;
    uint64_t origin_ms;      /* wall-clock ms of the run's t = 0 */
    struct real_tail *tails; /* [nodes_len + sentinels_len]: nodes first */
    struct rep_log log;      /* everything so far, in arrival order */
    char errstr[256];
};

int real_observe_init(struct real_observer *o, struct real_world *w, uint64_t origin_ms);
void real_observe_free(struct real_observer *o);

/* Reads whatever the sentinels logged since the last call. Returns 0, or -1
 * with o->errstr when the record is full (a loud failure of the run). */
int real_observe_poll(struct real_observer *o);

/* The run time now (ms since the origin). */
uint64_t real_observe_now(const struct real_observer *o);

/* Adds a harness record (fault, check: proc "harness", no type, the texts the
 * simulator uses) stamped now; returns its t_ms. */
uint64_t real_observe_note(struct real_observer *o,
                           enum rep_kind kind,
                           enum rep_level level,
                           const char *fmt,
                           ...) __attribute__((format(printf, 4, 5)));

/* Index of the first event record at or after `from` emitted by sentinel
 * `sentinel` with this type and text containing `text` ("" = any); -1. */
long real_observe_find(const struct real_observer *o,
                       size_t from,
                       uint32_t sentinel,
                       const char *type,
                       const char *text);

#endif
