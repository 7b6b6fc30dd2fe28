/* hello.c: the hello message parser and formatter (see hello.h).
 *
 * Method: split the payload on commas into exactly 8 spans, then validate
 * and copy each one into its field; any failure zeroes the record, so a
 * caller can never act on half a hello.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/hello.h"

#include <string.h>

#include "core/check.h"

#define TOKENS 8

struct token {
    const char *p;
    size_t n;
};

/* Splits into exactly TOKENS comma-separated tokens, in one pass over the
 * bytes (a hello is short, and a memchr() call per token cost more than
 * the scan); false otherwise, or at a NUL byte, which no field may hold:
 * numbers are digits and strings are kept as C strings. */
static bool split(const char *s, size_t len, struct token tok[TOKENS]) {
    CORE_ASSERT(s != NULL || len == 0);
    CORE_ASSERT(tok != NULL);
    size_t start = 0, count = 0;
    if (len == 0) { return false; } /* one empty token, not TOKENS */
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',') {
            if (s[i] == '\0') { return false; }
            continue;
        }
        if (count == TOKENS) { return false; }
        tok[count].p = s + start;
        tok[count].n = i - start;
        count++;
        start = i + 1;
    }
    return count == TOKENS;
}

/* Decimal digits only, at least one, and no 64-bit overflow. */
static bool read_u64(struct token t, uint64_t *out) {
    CORE_ASSERT(out != NULL);
    CORE_ASSERT(t.p != NULL || t.n == 0);
    if (t.n == 0 || t.n > 20) { return false; }
    uint64_t v = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.p[i] < '0' || t.p[i] > '9') { return false; }
        uint64_t d = (uint64_t)(t.p[i] - '0');
        if (v > (UINT64_MAX - d) / 10) { return false; }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool read_port(struct token t, uint16_t *out) {
    CORE_ASSERT(out != NULL);
    uint64_t v;
    if (!read_u64(t, &v) || v == 0 || v > 65535) { return false; }
    *out = (uint16_t)v;
    return true;
}

/* Non-empty and shorter than cap (split() refused NULs). */
static bool copy_str(struct token t, char *out, size_t cap) {
    CORE_ASSERT(cap >= 2);
    CORE_ASSERT(out != NULL);
    if (t.n == 0 || t.n >= cap) { return false; }
    memcpy(out, t.p, t.n);
    out[t.n] = '\0';
    return true;
}

int core__hello_parse(const char *payload, size_t len, struct core__hello *out) {
    CORE_ASSERT(out != NULL);
    CORE_ASSERT(payload != NULL || len == 0);
    memset(out, 0, sizeof(*out));
    struct token t[TOKENS];
    if (len > CORE__HELLO_MAX || !split(payload, len, t)) { return -1; }
    bool ok = copy_str(t[0], out->ip, sizeof(out->ip)) && read_port(t[1], &out->port) &&
              t[2].n == CORE_RUNID_LEN && copy_str(t[2], out->runid, sizeof(out->runid)) &&
              read_u64(t[3], &out->current_epoch) &&
              copy_str(t[4], out->master_name, sizeof(out->master_name)) &&
              copy_str(t[5], out->master_ip, sizeof(out->master_ip)) &&
              read_port(t[6], &out->master_port) && read_u64(t[7], &out->master_config_epoch);
    if (!ok) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    CORE_ASSERT(strlen(out->runid) == CORE_RUNID_LEN);
    CORE_ASSERT(out->port != 0 && out->master_port != 0);
    return 0;
}

int core__hello_format(struct core__buf *b, const struct core__hello *h) {
    CORE_ASSERT(b != NULL);
    CORE_ASSERT(h != NULL);
    CORE_ASSERT(h->ip[0] != '\0');
    CORE_ASSERT(h->master_name[0] != '\0');
    CORE_ASSERT(h->master_ip[0] != '\0');
    CORE_ASSERT(h->port != 0);
    CORE_ASSERT(h->master_port != 0);
    CORE_ASSERT(strlen(h->runid) == CORE_RUNID_LEN);
    return core__buf_appendf(b, "%s,%u,%s,%llu,%s,%s,%u,%llu", h->ip, (unsigned)h->port, h->runid,
                             (unsigned long long)h->current_epoch, h->master_name, h->master_ip,
                             (unsigned)h->master_port, (unsigned long long)h->master_config_epoch);
}
