/* sentinel_log.h: Redis-format log lines for `sentsim sentinel`, stamped
 * with the real wall clock.
 *
 * Method: reports/log.h formats lines for simulated runs (fixed epoch, fake
 * pids), so a live process needs its own tiny writer. A line reads exactly
 * like Redis's: `<pid>:X <dd> <Mon> <yyyy> <hh:mm:ss.mmm> <c> <text>` in
 * local time, c one of . - * # by level. Like Redis, the log file is
 * opened for each line (so that it can be rotated) and an empty name means
 * standard output.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_SENTINEL_LOG_H
#define SENTSIM_REAL_SENTINEL_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* Longest message text, as Redis's LOG_MAX_LEN (1024 with the NUL). */
#define REAL_SENTINEL_LOG_TEXT_MAX 1023

/* Where lines go and which levels pass; set before the first line. */
void real_sentinel_log_setup(const char *logfile, enum core_level min_level);

/* Writes one line at `level` if it passes the configured level. */
void real_sentinel_log(enum core_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Same with an explicit length (texts from the core are not NUL-terminated). */
void real_sentinel_log_text(enum core_level level, const char *text, size_t len);

/* Formats the line prefix for wall-clock ms `now_ms` into buf (>= 48 bytes). */
void real_sentinel_log_prefix(uint64_t now_ms, enum core_level level, char *buf, size_t len);

#endif
