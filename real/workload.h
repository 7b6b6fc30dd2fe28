/* workload.h: a client that writes through whatever master the sentinels name.
 *
 * Method: like a Sentinel-aware client library, it asks the sentinels for
 * the master's address, checks with ROLE that the node really is a master,
 * and writes sequential keys at the scenario's rate; any error drops the
 * connection and the next write discovers the master again. It runs inside
 * the harness loop (short timeouts, never more than one write late), keeps a
 * bitmap of acknowledged writes, and at the end reads them back from the
 * final master to count the acknowledged writes that were lost.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_WORKLOAD_H
#define SENTSIM_REAL_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "real/link.h"
#include "real/proc.h"
#include "reports/run.h"

#define REAL_WRITES_MAX (1u << 22) /* keys one run may write */

struct real_workload {
    struct real_world *w;
    bool on; /* writing now */
    uint32_t group;
    uint32_t period_ms;    /* between writes */
    uint64_t next_ms;      /* wall-clock ms of the next write */
    uint64_t written;      /* keys attempted (key numbers 0..written-1) */
    uint8_t *acked;        /* bitmap [REAL_WRITES_MAX / 8] */
    struct real_link link; /* to the current master, when known */
    struct rep_writes counts;
};

int real_workload_init(struct real_workload *wl, struct real_world *w);
void real_workload_free(struct real_workload *wl);

/* Starts or stops writing. */
void real_workload_set(struct real_workload *wl, bool on);

/* Does the writes that are due. */
void real_workload_tick(struct real_workload *wl);

/* Reads every acknowledged key back from the node at ip:port and fills
 * counts.lost. Returns 0, or -1 when that node could not be read. */
int real_workload_verify(struct real_workload *wl,
                         const struct real_proc *master,
                         char *errstr,
                         size_t len);

#endif
