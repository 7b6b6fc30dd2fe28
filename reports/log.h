/* log.h: the human view of a run, as Redis log lines, and the parser that
 * turns real redis-sentinel log files back into event records.
 *
 * Method: a line looks exactly like Redis's own,
 *   <pid>:<role> <dd> <Mon> <yyyy> <hh:mm:ss.mmm> <c> <text>
 * with role X (sentinel), M (master), S (replica) or C (child), c one of
 * . - * # by level, and <text> "<type> <text>" for events. Simulated runs
 * have no wall clock, so their dates are a fixed run epoch,
 * 2026-01-01 00:00:00.000 UTC, plus t_ms, and every process gets a fixed
 * fake pid (REP_LOG_PID_BASE plus its position in the scenario: nodes
 * first, then sentinels): the same run always renders the same bytes.
 * Real logs carry wall-clock local dates; the parser converts them to t_ms
 * relative to an origin the caller gives, in Unix milliseconds.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_LOG_H
#define SENTSIM_REPORTS_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/event.h"
#include "reports/run.h"

#define REP_LOG_EPOCH_UNIX_MS 1767225600000ull /* 2026-01-01 00:00:00.000 UTC */
#define REP_LOG_PID_BASE      1000u            /* fake pid of the scenario's first process */
#define REP_LOG_LINE_MAX      (REP_TEXT_MAX + REP_TYPE_MAX + REP_PROC_NAME_MAX + 64)

/* Formats one record as a Redis log line without '\n', dated
 * REP_LOG_EPOCH_UNIX_MS + ev->t_ms (UTC). `role` is 'X', 'M', 'S' or 'C'.
 * Returns 0, or -1 when buf is too small (len >= REP_LOG_LINE_MAX always fits). */
int rep_log_format_line(const struct rep_event *ev, uint32_t pid, char role, char *buf, size_t len);

/* Writes a run as Redis log lines. With `proc` NULL every process's lines
 * are merged in record order, each prefixed by "<proc> | " (process names
 * padded to one width); with `proc` set only that process's lines are
 * written, unprefixed, as its own log file would read. A data node's role
 * letter follows the run: M while it is master (from the scenario's start
 * and +promoted-slave / +switch-master / +convert-to-slave events), else S.
 * Returns 0 or -1 on I/O error. */
int rep_log_write_run(FILE *f, const struct rep_run *run, const char *proc);

/* Parses one line of a real redis-sentinel log (any loglevel). Event lines
 * ("<type> <text>" with a known type, spec §13.2) become REP_KIND_EVENT,
 * every other prefixed line ("... voted for ...", "Next failover delay",
 * "Sentinel new configuration saved on disk", start-up lines) becomes
 * REP_KIND_LOG with the whole text and an empty type. The local date is
 * converted with mktime() (the process's TZ, as Redis used) and t_ms is
 * its Unix ms minus origin_unix_ms (0 when earlier). seq is left 0.
 * Returns 0 for a record, 1 for a line that is not a log line (the ASCII
 * logo, blank lines, "<pid>:signal-handler ..."), -1 when a "<pid>:<role> " line is malformed. */
int rep_log_parse_line(const char *line,
                       const char *proc,
                       uint64_t origin_unix_ms,
                       struct rep_event *out);

/* Parses a whole log file and appends its records to `log` (call
 * rep_log_sort() after adding several processes' files). Returns 0, or -1
 * with "file:line:col: message" in err (I/O error, malformed line, line
 * over 4 KiB, too many records). */
int rep_log_parse_file(const char *path,
                       const char *proc,
                       uint64_t origin_unix_ms,
                       struct rep_log *log,
                       char *err,
                       size_t errlen);

#endif
