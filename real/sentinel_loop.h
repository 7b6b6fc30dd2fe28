/* sentinel_loop.h: the event loop that drives one core sentinel on the real
 * clock and the real network (internal to `sentsim sentinel`).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_SENTINEL_LOOP_H
#define SENTSIM_REAL_SENTINEL_LOOP_H

#include "core/core.h"
#include "real/sentinel_conf.h"

/* Runs the sentinel until SHUTDOWN, a signal or a crash output; returns the
 * process exit status. `config_path` is absolute; the core has been
 * created but not started; at most `clients_max` clients are served.
 * Takes ownership of `core`. */
int real__sentinel_run(struct core_sentinel *core,
                       const struct real_sentinel_conf *conf,
                       const char *config_path,
                       uint32_t clients_max);

/* Replaces the config file atomically (temporary file in the same
 * directory, fsync, rename, fsync of the directory). Returns 0 or -1 with
 * errno set. */
int real__sentinel_persist(const char *path, const char *text, size_t len);

#endif
