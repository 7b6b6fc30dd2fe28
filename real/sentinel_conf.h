/* sentinel_conf.h: what `sentsim sentinel` itself reads from the config
 * file: the server directives around the core (bind, dir, logfile,
 * loglevel, pidfile, requirepass, daemonize), the file itself and the
 * command line.
 *
 * Method: the core reads the whole text too (it owns `port`, the
 * `sentinel` directives and the rewrite); this reader validates every
 * other directive as redis-sentinel 7.0.15 would (sentinel_directives.c),
 * with Redis's messages, and keeps the ones that concern the process.
 * Server directives come first, as in Redis, whose `sentinel` lines are
 * only checked after the whole file. `dir` is applied (chdir) while
 * reading, as Redis does, so later relative paths resolve against it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_SENTINEL_CONF_H
#define SENTSIM_REAL_SENTINEL_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "real/serve.h"

struct real_sentinel_conf {
    char *binds[REAL_SERVE_BINDS_MAX]; /* default "* -::*", as in Redis */
    int binds_len;
    char *logfile; /* "" = standard output */
    enum core_level loglevel;
    char *pidfile;     /* NULL: none */
    char *requirepass; /* NULL: none */
    bool daemonize;    /* detach from the terminal after loading */
};

/* Reads the process directives of `text`. Returns 0, or -1 with *line
 * (1-based) and msg (Redis's reason) set. With `apply`, `dir` changes the
 * working directory and `logfile` is opened once to check it, as Redis
 * does; without it (--check-config) nothing on disk is touched. After an
 * error there is nothing to free. */
int real_sentinel_conf_load(const char *text,
                            size_t len,
                            bool apply,
                            struct real_sentinel_conf *conf,
                            uint32_t *line,
                            char *msg,
                            size_t msglen);

void real_sentinel_conf_free(struct real_sentinel_conf *conf);

/* Copies line `lineno` (1-based) of text, trimmed, into out. */
void real_sentinel_conf_line(
    const char *text, size_t len, uint32_t lineno, char *out, size_t outlen);

/* Reads the file at `path` and appends the command-line options argv
 * ("--name value ..." become "name value" lines, as Redis does). Returns 0
 * with a NUL-terminated heap text in *out, or -1 with errno set. */
int real_sentinel_conf_read(const char *path, int argc, char **argv, char **out, size_t *outlen);

#endif
