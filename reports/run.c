/* run.c: the run record both drivers fill, and its names map.
 *
 * Method: reports look process names and addresses up once or more per
 * event, and a scale run has hundreds of processes and hundreds of
 * thousands of events, so both lookups are binary searches: process names
 * are sorted once by rep_run_init (the scenario is fixed by then), and
 * rep_run_add_name inserts each address into its place in a sorted index
 * (a run registers each process once, so the moves stay small). Equal keys
 * keep the order a scan would meet them in, so the first match is the one
 * a scan finds.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/run.h"

#include <stdlib.h>
#include <string.h>

#include "reports/internal.h"
#include "reports/rep_assert.h"

/* Names, then the order rep__find_proc once scanned in: nodes, then sentinels, by index. */
static int cmp_proc_names(const void *x, const void *y) {
    const struct rep_proc_name *a = x;
    const struct rep_proc_name *b = y;
    int c = strcmp(a->name, b->name);
    if (c != 0) { return c; }
    if (a->proc.kind != b->proc.kind) { return a->proc.kind == SCN_PROC_NODE ? -1 : 1; }
    return a->proc.index < b->proc.index ? -1 : a->proc.index > b->proc.index;
}

static int index_procs(struct rep_run *run) {
    const struct scn *s = run->scn;
    uint32_t total = s->nodes_len + s->sentinels_len;
    run->procs_by_name__ = calloc(total > 0 ? total : 1, sizeof(*run->procs_by_name__));
    if (run->procs_by_name__ == NULL) { return -1; }
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        run->procs_by_name__[i] = (struct rep_proc_name){s->nodes[i].name, {SCN_PROC_NODE, i}};
    }
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        run->procs_by_name__[s->nodes_len + i] =
            (struct rep_proc_name){s->sentinels[i].name, {SCN_PROC_SENTINEL, i}};
    }
    qsort(run->procs_by_name__, total, sizeof(*run->procs_by_name__), cmp_proc_names);
    return 0;
}

/* `port` is unsigned so that a parsed port above 65535 matches nothing. */
static int cmp_addr(const struct rep_run *run, const char *ip, unsigned port, uint32_t at) {
    const struct rep_name *n = &run->names[run->names_by_addr__[at]];
    if (port != n->port) { return port < n->port ? -1 : 1; }
    return strcmp(ip, n->ip);
}

/* The first place in the address index past every entry below the address
 * (`after_equal`: past the equal ones too, where a new one goes). */
static uint32_t addr_bound(const struct rep_run *run,
                           const char *ip,
                           unsigned port,
                           bool after_equal) {
    uint32_t lo = 0, hi = run->names_len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = cmp_addr(run, ip, port, mid);
        if (c > 0 || (after_equal && c == 0)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* The first registered name of an address (`nodes_only`: of a data node), or NULL. */
static const struct rep_name *find_addr(const struct rep_run *run,
                                        const char *ip,
                                        unsigned port,
                                        bool nodes_only) {
    for (uint32_t at = addr_bound(run, ip, port, false);
         at < run->names_len && cmp_addr(run, ip, port, at) == 0; at++) {
        const struct rep_name *n = &run->names[run->names_by_addr__[at]];
        if (!nodes_only || n->proc.kind == SCN_PROC_NODE) { return n; }
    }
    return NULL;
}

int rep_run_init(struct rep_run *run,
                 const struct scn *scn,
                 enum rep_mode mode,
                 uint32_t names_cap) {
    REP_ASSERT(run != NULL);
    REP_ASSERT(scn != NULL);
    memset(run, 0, sizeof(*run));
    run->scn = scn;
    run->mode = mode;
    rep_log_init(&run->log);
    run->names = calloc(names_cap > 0 ? names_cap : 1, sizeof(*run->names));
    run->names_by_addr__ = calloc(names_cap > 0 ? names_cap : 1, sizeof(*run->names_by_addr__));
    run->names_with_runid__ =
        calloc(names_cap > 0 ? names_cap : 1, sizeof(*run->names_with_runid__));
    run->nodes = calloc(scn->nodes_len > 0 ? scn->nodes_len : 1, sizeof(*run->nodes));
    run->sentinels =
        calloc(scn->sentinels_len > 0 ? scn->sentinels_len : 1, sizeof(*run->sentinels));
    if (run->names == NULL || run->names_by_addr__ == NULL || run->names_with_runid__ == NULL ||
        run->nodes == NULL || run->sentinels == NULL || index_procs(run) < 0) {
        goto fail;
    }
    run->names_cap = names_cap;
    for (uint32_t i = 0; i < scn->nodes_len; i++) {
        run->nodes[i].upstream = -1;
    }
    for (uint32_t i = 0; i < scn->sentinels_len; i++) {
        int32_t *m = malloc((scn->groups_len > 0 ? scn->groups_len : 1) * sizeof(*m));
        if (m == NULL) { goto fail; }
        for (uint32_t g = 0; g < scn->groups_len; g++) {
            m[g] = -1;
        }
        run->sentinels[i].master_of_group = m;
    }
    return 0;
fail:
    rep_run_free(run);
    return -1;
}

void rep_run_free(struct rep_run *run) {
    REP_ASSERT(run != NULL);
    if (run->sentinels != NULL && run->scn != NULL) {
        for (uint32_t i = 0; i < run->scn->sentinels_len; i++) {
            free(run->sentinels[i].master_of_group);
        }
    }
    free(run->sentinels);
    free(run->nodes);
    free(run->names);
    free(run->names_by_addr__);
    free(run->names_with_runid__);
    free(run->procs_by_name__);
    rep_log_free(&run->log);
    memset(run, 0, sizeof(*run));
}

int rep_run_add_name(
    struct rep_run *run, const char *ip, uint16_t port, const char *runid, struct scn_proc proc) {
    REP_ASSERT(run != NULL);
    REP_ASSERT(ip != NULL);
    if (run->names_len >= run->names_cap) { return -1; }
    if (strlen(ip) >= REP_IP_MAX) { return -1; }
    if (runid != NULL && strlen(runid) > REP_RUNID_LEN) { return -1; }
    uint32_t at = addr_bound(run, ip, port, true);
    memmove(&run->names_by_addr__[at + 1], &run->names_by_addr__[at],
            (run->names_len - at) * sizeof(*run->names_by_addr__));
    run->names_by_addr__[at] = run->names_len;
    struct rep_name *n = &run->names[run->names_len++];
    memset(n, 0, sizeof(*n));
    memcpy(n->ip, ip, strlen(ip) + 1);
    n->port = port;
    if (runid != NULL) { memcpy(n->runid, runid, strlen(runid) + 1); }
    if (n->runid[0] != '\0') { run->names_with_runid__[run->runids_len++] = run->names_len - 1; }
    n->proc = proc;
    return 0;
}

const char *rep_run_name_of_addr(const struct rep_run *run, const char *ip, uint16_t port) {
    const struct rep_name *n = find_addr(run, ip, port, false);
    return n != NULL ? rep__proc_name(run->scn, n->proc) : NULL;
}

const char *rep_run_name_of_runid(const struct rep_run *run, const char *runid) {
    if (runid[0] == '\0') { return NULL; }
    /* Only sentinels have run ids: a handful, however large the topology. */
    for (uint32_t k = 0; k < run->runids_len; k++) {
        const struct rep_name *n = &run->names[run->names_with_runid__[k]];
        if (strcmp(n->runid, runid) == 0) { return rep__proc_name(run->scn, n->proc); }
    }
    return NULL;
}

/* ---------------------------------------------------------------- internal helpers */

const char *rep__proc_name(const struct scn *s, struct scn_proc p) {
    if (p.kind == SCN_PROC_NODE) {
        REP_ASSERT(p.index < s->nodes_len);
        return s->nodes[p.index].name;
    }
    REP_ASSERT(p.index < s->sentinels_len);
    return s->sentinels[p.index].name;
}

int rep__find_proc(const struct rep_run *run, const char *name, struct scn_proc *out) {
    uint32_t len = run->scn->nodes_len + run->scn->sentinels_len;
    uint32_t lo = 0, hi = len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strcmp(name, run->procs_by_name__[mid].name) > 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == len || strcmp(name, run->procs_by_name__[lo].name) != 0) { return -1; }
    *out = run->procs_by_name__[lo].proc;
    return 0;
}

int32_t rep__node_of_addr(const struct rep_run *run, const char *ip, unsigned port) {
    const struct rep_name *n = find_addr(run, ip, port, true);
    return n != NULL ? (int32_t)n->proc.index : -1;
}

bool rep__set_has(const struct scn_set *set, struct scn_proc p) {
    for (uint32_t i = 0; i < set->len; i++) {
        if (set->items[i].kind == p.kind && set->items[i].index == p.index) { return true; }
    }
    return false;
}

void rep__set_format(const struct scn *s, const struct scn_set *set, char *buf, size_t len) {
    size_t pos = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < set->len && pos < len; i++) {
        int n = snprintf(buf + pos, len - pos, "%s%s", i > 0 ? ", " : "",
                         rep__proc_name(s, set->items[i]));
        if (n < 0) { return; }
        pos += (size_t)n;
    }
}

size_t rep__split(char *s, char **words, size_t max) {
    size_t n = 0;
    char *p = s;
    while (*p != '\0' && n < max) {
        while (*p == ' ') {
            *p++ = '\0';
        }
        if (*p == '\0') { break; }
        words[n++] = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
    }
    return n;
}
