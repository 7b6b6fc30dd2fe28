/* cmd.h: helpers shared by the real-mode subcommands (cmd.c, compare.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_CMD_H
#define SENTSIM_REAL_CMD_H

#include <stdio.h>

#include "real/real.h"

/* Parses a --sentinel= value; prints why and returns -1 when unknown. */
int real__parse_sentinel(const char *arg, enum real_sentinel_mode *out);

/* Loads a scenario, printing "file:line:col: message" on failure. Returns 0 or -1. */
int real__load(const char *path, struct scn *s);

/* "name: wall N ms = set-up to ready ... " */
void real__print_timing(FILE *f, const char *name, const struct real_timing *t);

/* "PASS name: ..." and one line per finding. */
void real__print_verdict(FILE *f, const struct rep_run *run, const struct rep_verdict *v);

#endif
