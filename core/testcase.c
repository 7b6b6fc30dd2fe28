/* testcase.c: hit counts for CORE_TESTCASE() (see check.h).
 *
 * Method: a fixed table of (file, line, hits) filled in first-hit order;
 * lookups are linear, which is fine for the few hundred sites a build has
 * and keeps the order of the table deterministic (no hashing).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "core/check.h"

struct site {
    const char *file;
    int line;
    uint64_t hits;
};

static struct site sites[CORE__TESTCASE_MAX];
static uint32_t sites_len;
static uint64_t dropped;

void core__testcase_hit(const char *file, int line) {
    CORE_ASSERT(file != NULL);
    CORE_ASSERT(line > 0);
    for (uint32_t i = 0; i < sites_len; i++) {
        if (sites[i].line == line && strcmp(sites[i].file, file) == 0) {
            sites[i].hits++;
            return;
        }
    }
    if (sites_len == CORE__TESTCASE_MAX) {
        dropped++;
        return;
    }
    sites[sites_len].file = file;
    sites[sites_len].line = line;
    sites[sites_len].hits = 1;
    sites_len++;
}

int core__testcase_get(uint32_t i, const char **file, int *line, uint64_t *hits) {
    CORE_ASSERT(file != NULL && line != NULL && hits != NULL);
    if (i >= sites_len) { return -1; }
    *file = sites[i].file;
    *line = sites[i].line;
    *hits = sites[i].hits;
    return 0;
}

uint64_t core__testcase_dropped(void) {
    return dropped;
}
