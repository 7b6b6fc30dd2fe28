/* info.c: the INFO parser (see info.h for the field rules).
 *
 * Method: split on LF, drop a CR before it, and test each line against the
 * few prefixes Sentinel knows, in Sentinel's order. Values are copied out
 * with explicit lengths; numbers go through a small NUL-terminated copy so
 * that strtoll/strtoull never read past the line.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/info.h"

#include <stdlib.h>
#include <string.h>

#include "core/check.h"

#define NUM_MAX 64 /* bytes of a number copied for strtoll; longer tails are ignored */

/* A line as a (pointer, length) pair. */
struct span {
    const char *p;
    size_t n;
};

/* Prefixes are string literals, so their length is known at compile time;
 * the first-byte test rejects most lines before any memcmp. */
#define STARTS_WITH(l, lit, plen) starts_with((l), (lit), sizeof(lit) - 1, (plen))

static bool starts_with(struct span l, const char *prefix, size_t k, size_t *plen) {
    CORE_ASSERT(k > 0 && prefix[0] != '\0');
    CORE_ASSERT(l.p != NULL || l.n == 0);
    if (l.n < k || l.p[0] != prefix[0] || memcmp(l.p, prefix, k) != 0) { return false; }
    *plen = k;
    return true;
}

static void copy_num(struct span v, char out[NUM_MAX]) {
    CORE_ASSERT(v.p != NULL || v.n == 0);
    size_t n = v.n < NUM_MAX - 1 ? v.n : NUM_MAX - 1;
    memcpy(out, v.p, n);
    out[n] = '\0';
}

static int64_t read_i64(struct span v) {
    char tmp[NUM_MAX];
    copy_num(v, tmp);
    return (int64_t)strtoll(tmp, NULL, 10);
}

static uint64_t read_u64(struct span v) {
    char tmp[NUM_MAX];
    copy_num(v, tmp);
    return (uint64_t)strtoull(tmp, NULL, 10);
}

static struct span tail(struct span l, size_t from) {
    CORE_ASSERT(from <= l.n);
    struct span v = {l.p + from, l.n - from};
    return v;
}

/* Copies v into a NUL-terminated field of `cap` bytes; false if it does not
 * fit or contains a NUL (which could never be compared as a C string). */
static bool copy_str(struct span v, char *out, size_t cap) {
    CORE_ASSERT(cap >= 1);
    if (v.n >= cap || memchr(v.p, '\0', v.n) != NULL) { return false; }
    memcpy(out, v.p, v.n);
    out[v.n] = '\0';
    return true;
}

static bool equals_nocase(struct span v, const char *lower) {
    CORE_ASSERT(lower != NULL);
    CORE_ASSERT(v.p != NULL || v.n == 0);
    size_t k = strlen(lower);
    if (v.n != k) { return false; }
    for (size_t i = 0; i < k; i++) {
        char c = v.p[i];
        if (c >= 'A' && c <= 'Z') { c = (char)(c - 'A' + 'a'); }
        if (c != lower[i]) { return false; }
    }
    return true;
}

/* The value from `from` up to the next comma (or the end of the line). */
static struct span until_comma(struct span l, const char *from) {
    CORE_ASSERT(from >= l.p);
    CORE_ASSERT(from <= l.p + l.n);
    struct span v = {from, (size_t)(l.p + l.n - from)};
    const char *comma = memchr(v.p, ',', v.n);
    if (comma != NULL) { v.n = (size_t)(comma - v.p); }
    return v;
}

/* Finds `needle` in l (memmem is not in C11); NULL if absent. */
static const char *find(struct span l, const char *needle) {
    size_t k = strlen(needle);
    CORE_ASSERT(k > 0);
    for (size_t i = 0; i + k <= l.n; i++) {
        if (l.p[i] == needle[0] && memcmp(l.p + i, needle, k) == 0) { return l.p + i; }
    }
    return NULL;
}

/* Splits a slaveN line into ip and port spans; false if malformed. */
static bool replica_fields(struct span l, struct span *ip, struct span *port) {
    CORE_ASSERT(l.n >= 7);
    CORE_ASSERT(ip != NULL && port != NULL);
    const char *at = find(l, "ip=");
    if (at != NULL) {
        /* New format: ip=<ip>,port=<port>,state=...: each value ends at a comma. */
        const char *p = find(l, "port=");
        if (p == NULL) { return false; }
        *ip = until_comma(l, at + 3);
        *port = until_comma(l, p + 5);
        return true;
    }
    /* Old format: slaveN:<ip>,<port>,<state>: the port must be followed by a comma. */
    const char *colon = memchr(l.p, ':', l.n);
    if (colon == NULL) { return false; }
    *ip = until_comma(l, colon + 1);
    if (ip->p + ip->n == l.p + l.n) { return false; }
    *port = until_comma(l, ip->p + ip->n + 1);
    return port->p + port->n < l.p + l.n;
}

static void parse_replica(struct span l,
                          struct core__info *out,
                          struct core__info_replica *tab,
                          uint32_t cap) {
    struct span ip, port;
    if (!replica_fields(l, &ip, &port)) { return; }
    struct core__info_replica r;
    if (ip.n == 0 || !copy_str(ip, r.ip, sizeof(r.ip))) { return; }
    r.port = read_i64(port);
    CORE_TESTCASE(out->replicas_seen == cap);
    if (out->replicas_seen < cap) {
        CORE_ASSERT(tab != NULL);
        tab[out->replicas_seen] = r;
        out->replicas_len++;
    }
    out->replicas_seen++;
    CORE_ASSERT(out->replicas_len <= out->replicas_seen);
}

/* The fields Sentinel reads only while the current role is slave. */
static void parse_slave_field(struct span l, struct core__info *out) {
    CORE_ASSERT(out->role == CORE__INFO_ROLE_SLAVE);
    size_t k;
    if (STARTS_WITH(l, "master_host:", &k)) {
        out->has_master_host = copy_str(tail(l, k), out->master_host, sizeof(out->master_host));
        if (!out->has_master_host) { out->master_host[0] = '\0'; }
    } else if (STARTS_WITH(l, "master_port:", &k)) {
        out->has_master_port = true;
        out->master_port = read_i64(tail(l, k));
    } else if (STARTS_WITH(l, "master_link_status:", &k)) {
        out->has_master_link_status = true;
        out->master_link_up = equals_nocase(tail(l, k), "up");
    } else if (STARTS_WITH(l, "slave_priority:", &k)) {
        out->has_slave_priority = true;
        out->slave_priority = read_i64(tail(l, k));
    } else if (STARTS_WITH(l, "slave_repl_offset:", &k)) {
        out->has_slave_repl_offset = true;
        out->slave_repl_offset = read_u64(tail(l, k));
    } else if (STARTS_WITH(l, "replica_announced:", &k)) {
        out->has_replica_announced = true;
        out->replica_announced = read_i64(tail(l, k));
    }
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static void parse_line(struct span l,
                       struct core__info *out,
                       struct core__info_replica *tab,
                       uint32_t cap) {
    size_t k;
    /* Every prefix below starts with r, s or m; most INFO lines do not. */
    if (l.n == 0 || (l.p[0] != 'r' && l.p[0] != 's' && l.p[0] != 'm')) { return; }
    if (l.n >= 47 && STARTS_WITH(l, "run_id:", &k)) {
        struct span id = {l.p + k, CORE_RUNID_LEN};
        if (copy_str(id, out->run_id, sizeof(out->run_id))) { out->has_run_id = true; }
    }
    if (l.n >= 7 && memcmp(l.p, "slave", 5) == 0 && is_digit(l.p[5])) {
        parse_replica(l, out, tab, cap);
    }
    if (l.n >= 32 && STARTS_WITH(l, "master_link_down_since_seconds:", &k)) {
        out->has_master_link_down_since = true;
        out->master_link_down_since_s = read_i64(tail(l, k));
    }
    if (STARTS_WITH(l, "role:master", &k)) { out->role = CORE__INFO_ROLE_MASTER; }
    if (STARTS_WITH(l, "role:slave", &k)) { out->role = CORE__INFO_ROLE_SLAVE; }
    if (out->role == CORE__INFO_ROLE_SLAVE) { parse_slave_field(l, out); }
}

int core__info_parse(const char *text,
                     size_t len,
                     struct core__info *out,
                     struct core__info_replica *replicas,
                     uint32_t replicas_cap) {
    CORE_ASSERT(out != NULL);
    CORE_ASSERT(text != NULL || len == 0);
    CORE_ASSERT(replicas != NULL || replicas_cap == 0);
    memset(out, 0, sizeof(*out));
    if (len > CORE_INFO_BYTES_MAX) { return CORE_E_LIMIT; }
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        struct span l = {text + pos, end - pos};
        if (l.n > 0 && l.p[l.n - 1] == '\r') { l.n--; }
        parse_line(l, out, replicas, replicas_cap);
        out->lines++;
        pos = nl != NULL ? end + 1 : len;
    }
    CORE_ASSERT(out->replicas_len <= replicas_cap);
    CORE_ASSERT(out->replicas_len <= out->replicas_seen);
    return CORE_OK;
}
