/* chaos_report.h: summary, results file and shard merging (sim/chaos_report.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SIM_CHAOS_REPORT_H
#define SENTSIM_SIM_CHAOS_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "sim/chaos_pool.h"

struct sim_chaos_report {
    uint64_t first, last; /* the seed range */
    uint32_t shard_k, shard_n;
    uint32_t jobs;
    struct sim_chaos_batch b;
    char (*repro)[256]; /* [b.found_cap]: reproducer of found[i], "" none */
};

/* The human summary: rate, findings per invariant and class, data, coverage. */
void sim_chaos_report_summary(FILE *f, const struct sim_chaos_report *r);

/* Findings that are not known behaviour (bug or new), counted per seed and invariant. */
uint64_t sim_chaos_report_unexplained(const struct sim_chaos_report *r);

/* Writes the JSON Lines results file. Returns 0 or -1 on I/O error. */
int sim_chaos_report_write_json(const char *path, const struct sim_chaos_report *r);

/* Reads and adds up results files (shards). Returns 0, or -1 with err filled. */
int sim_chaos_report_merge(
    const char *const *paths, uint32_t n, struct sim_chaos_report *out, char *err, size_t errlen);

void sim_chaos_report_free(struct sim_chaos_report *r);

#endif
