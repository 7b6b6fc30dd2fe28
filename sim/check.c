/* check.c: reporting a failed simulator assertion with its replay context.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim/check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t context_seed;
static const uint64_t *context_now_ms;

void sim__check_context(uint64_t seed, const uint64_t *now_ms) {
    context_seed = seed;
    context_now_ms = now_ms;
}

void sim__assert_fail(const char *file, int line, const char *expr) {
    if (context_now_ms != NULL) {
        fprintf(stderr, "%s:%d: assertion failed: %s (seed %" PRIu64 ", t=%" PRIu64 " ms)\n", file,
                line, expr, context_seed, *context_now_ms);
    } else {
        fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
    }
    fflush(stderr);
    abort();
}
