/* chaos_seeds.c: the seed space: ranges, shards and time limits on the command line.
 *
 * Method: a shard is a residue class of the seed (s mod n), so every shard
 * of a range is known without enumerating it, the n shards of a range
 * partition it exactly, and neighbouring seeds (which cost about the same)
 * spread evenly over the shards.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/chaos.h"
#include "sim/check.h"

bool sim_chaos_shard_owns(uint64_t seed, uint32_t k, uint32_t n) {
    SIM_ASSERT(n >= 1);
    SIM_ASSERT(k >= 1 && k <= n);
    return seed % n == (uint64_t)(k - 1);
}

/* A decimal u64 filling exactly [s, end). */
static int parse_u64(const char *s, const char *end, uint64_t *out) {
    if (s == end || *s < '0' || *s > '9') { return -1; }
    uint64_t v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9') { return -1; }
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) { return -1; }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int sim_chaos_parse_range(const char *s, uint64_t *a, uint64_t *b) {
    const char *dots = strstr(s, "..");
    const char *end = s + strlen(s);
    if (dots == NULL) {
        if (parse_u64(s, end, a) != 0) { return -1; }
        *b = *a;
        return 0;
    }
    if (parse_u64(s, dots, a) != 0) { return -1; }
    if (dots + 2 == end) {
        /* "A..": open-ended, for --time runs that continue where another stopped. */
        *b = UINT64_MAX;
        return 0;
    }
    if (parse_u64(dots + 2, end, b) != 0 || *b < *a) { return -1; }
    return 0;
}

int sim_chaos_parse_shard(const char *s, uint32_t *k, uint32_t *n) {
    const char *slash = strchr(s, '/');
    uint64_t kk = 0, nn = 0;
    if (slash == NULL || parse_u64(s, slash, &kk) != 0 ||
        parse_u64(slash + 1, s + strlen(s), &nn) != 0) {
        return -1;
    }
    if (nn < 1 || nn > 1000000 || kk < 1 || kk > nn) { return -1; }
    *k = (uint32_t)kk;
    *n = (uint32_t)nn;
    return 0;
}

int sim_chaos_parse_time(const char *s, uint64_t *out_ms) {
    size_t len = strlen(s);
    uint64_t mul = 1000;
    size_t digits = len;
    if (len >= 2 && strcmp(s + len - 2, "ms") == 0) {
        mul = 1;
        digits = len - 2;
    } else if (len >= 1 && (s[len - 1] == 's' || s[len - 1] == 'm' || s[len - 1] == 'h')) {
        mul = s[len - 1] == 's' ? 1000 : (s[len - 1] == 'm' ? 60000 : 3600000);
        digits = len - 1;
    }
    uint64_t v = 0;
    if (parse_u64(s, s + digits, &v) != 0 || v == 0 || v > UINT64_MAX / mul) { return -1; }
    *out_ms = v * mul;
    return 0;
}
