/* sentinel_directives.h: validation of the server (non-`sentinel`)
 * directives of a sentinel config file, as redis-sentinel 7.0.15 does it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_SENTINEL_DIRECTIVES_H
#define SENTSIM_REAL_SENTINEL_DIRECTIVES_H

#include <stdbool.h>
#include <stddef.h>

/* Returns NULL when redis-sentinel 7.0.15 would accept the directive
 * argv[0..argc) (argv[0] lower-cased, not `sentinel`), else its reason in
 * Redis's words (possibly formatted into msg). `dir` is checked for
 * existence without changing directory. */
const char *real__sentinel_directive_check(int argc, char **argv, char *msg, size_t msglen);

#endif
