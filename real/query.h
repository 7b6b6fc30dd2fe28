/* query.h: the questions the harness asks running processes.
 *
 * Method: one fresh connection per question, with a short timeout, so a
 * paused or partitioned process costs a bounded delay and never leaves a
 * half-read reply behind. Answers are translated to scenario processes
 * through the world's address table.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_QUERY_H
#define SENTSIM_REAL_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "real/proc.h"

#define REAL_QUERY_TIMEOUT_MS 500u

/* What a data node says about its replication role. */
struct real_role {
    bool is_master;
    struct real_proc *upstream; /* replicas: the node it replicates from; NULL if unknown */
    bool link_up;               /* master_link_status:up */
    uint64_t offset;            /* master_repl_offset */
};

/* True when the process is running and not paused (worth asking). */
bool real_proc_reachable(const struct real_proc *p);

/* INFO replication of a data node. Returns 0 or -1 (no answer). */
int real_query_role(struct real_world *w, struct real_proc *node, struct real_role *out);

/* SENTINEL GET-MASTER-ADDR-BY-NAME: the node a sentinel names as master of
 * group g (*out NULL when it names an unknown address or none). Returns 0 or -1. */
int real_query_master(struct real_world *w,
                      struct real_proc *sentinel,
                      uint32_t g,
                      struct real_proc **out);

/* SENTINEL MASTER: how many replicas and other sentinels a sentinel knows. Returns 0 or -1. */
int real_query_knows(struct real_world *w,
                     struct real_proc *sentinel,
                     uint32_t g,
                     uint32_t *replicas,
                     uint32_t *sentinels);

/* The current epoch a sentinel last wrote to its config file (0 if none). */
uint64_t real_query_epoch(const struct real_proc *sentinel);

#endif
