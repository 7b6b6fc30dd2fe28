/* core_seam.c: helpers for the seam-level scenario tests (see core_seam.h).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/core_seam.h"

struct cw *seam_deploy(int sentinels, const char *extra, uint64_t seed) {
    char conf[1024];
    snprintf(conf, sizeof(conf), "port 26379\nsentinel monitor mymaster 10.0.1.1 6379 2\n%s",
             extra);
    struct cw *w = cw_new();
    int m = cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.1.2", 6379, m);
    cw_node(w, "10.0.1.3", 6379, m);
    for (int k = 0; k < sentinels; k++) {
        cw_sentinel(w, conf, seed + (uint64_t)k);
    }
    /* Discovery: INFO finds the replicas at once, hellos every 2 s find the
     * sentinels; give it a few publish periods. */
    cw_run(w, cw_now(w) + 12000);
    for (int k = 0; k < sentinels; k++) {
        struct core_master_view v;
        assert_int_equal(core_master(cw_core(w, k), 0, &v), 0);
        assert_int_equal(v.replicas, 2);
        assert_int_equal(v.sentinels, (uint32_t)(sentinels - 1));
    }
    return w;
}

void seam_types(const struct cw *w, int k, int from, int to, char *out, size_t cap) {
    size_t n = 0;
    out[0] = '\0';
    if (to < 0) { to = cw_events_len(w); }
    for (int j = from; j < to; j++) {
        const struct cw_event *e = cw_event_at(w, j);
        if (e->sentinel != k || e->kind != CORE_OUT_EVENT) { continue; }
        int m = snprintf(out + n, cap - n, "%s%s", n ? " " : "", e->type);
        if (m < 0 || (size_t)m >= cap - n) { fail_msg("event sequence longer than %zu", cap); }
        n += (size_t)m;
    }
}

/* Matches actual[i..] against want[j..], optional entries either way. */
static bool match(const char *const *actual, int na, int i, const char *const *want, int j) {
    if (want[j] == NULL) { return i == na; }
    bool optional = want[j][0] == '?';
    const char *type = want[j] + (optional ? 1 : 0);
    if (optional && match(actual, na, i, want, j + 1)) { return true; }
    return i < na && strcmp(actual[i], type) == 0 && match(actual, na, i + 1, want, j + 1);
}

/* True if `type` is listed as "!<type>" (ignored wherever it occurs). */
static bool ignored(const char *const *want, const char *type) {
    for (int j = 0; want[j] != NULL; j++) {
        if (want[j][0] == '!' && strcmp(want[j] + 1, type) == 0) { return true; }
    }
    return false;
}

void seam_expect_sequence(
    const struct cw *w, int k, int from, int to, const char *const *want, const char *who) {
    const char *actual[512], *expected[128];
    int na = 0, ne = 0;
    if (to < 0) { to = cw_events_len(w); }
    for (int j = from; j < to; j++) {
        const struct cw_event *e = cw_event_at(w, j);
        if (e->sentinel != k || e->kind != CORE_OUT_EVENT || ignored(want, e->type)) { continue; }
        if (na == 512) { fail_msg("%s: more than 512 events", who); }
        actual[na++] = e->type;
    }
    for (int j = 0; want[j] != NULL; j++) {
        if (want[j][0] != '!' && ne < 127) { expected[ne++] = want[j]; }
    }
    expected[ne] = NULL;
    if (match(actual, na, 0, expected, 0)) { return; }
    char got[8192], exp[4096];
    seam_types(w, k, from, to, got, sizeof(got));
    size_t n = 0;
    exp[0] = '\0';
    for (int j = 0; want[j] != NULL; j++) {
        n += (size_t)snprintf(exp + n, sizeof(exp) - n, "%s%s", j ? " " : "", want[j]);
    }
    fail_msg("%s (sentinel %d) event sequence differs\n  expected: %s\n  got:      %s", who, k, exp,
             got);
}

int seam_must_find(const struct cw *w, int from, int k, const char *type, const char *text) {
    int at = cw_find(w, from, k, type, text);
    if (at < 0) {
        fail_msg("sentinel %d: no %s%s%s after record %d", k, type, text ? " with " : "",
                 text ? text : "", from);
    }
    return at;
}
