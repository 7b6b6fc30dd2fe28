/* sys.h: small operating-system helpers shared by the real-mode files.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_SYS_H
#define SENTSIM_REAL_SYS_H

#include <stddef.h>
#include <stdint.h>

/* Wall-clock milliseconds (CLOCK_REALTIME): the clock Redis stamps its logs with. */
uint64_t real__now_ms(void);

/* Sleeps `ms` milliseconds (restarting after signals). */
void real__sleep_ms(uint64_t ms);

/* Runs argv (a NULL-terminated program and arguments, found on PATH) and
 * waits for it. Its stdout and stderr go to /dev/null unless `out` is given,
 * in which case up to outlen-1 bytes of them are kept there. Returns the exit
 * status (0 = success), or -1 when it could not be run. */
int real__run(const char *const argv[], char *out, size_t outlen);

/* Removes a directory tree (no symlinks followed). Returns 0, or -1. */
int real__rm_rf(const char *path);

/* Writes `len` bytes to a new file (mode 0600). Returns 0 or -1. */
int real__write_file(const char *path, const char *buf, size_t len);

/* Reads a whole small file (at most cap-1 bytes) into buf, NUL-terminated.
 * Returns the length, or -1. */
long real__read_file(const char *path, char *buf, size_t cap);

#endif
