/* run.c: the run record both drivers fill, and its names map.
 *
 * Method: lookups are linear over the names map; a scenario has at most a
 * few thousand processes and reports look names up once per event word,
 * which is cheap next to everything else a run does.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/run.h"

#include <stdlib.h>
#include <string.h>

#include "reports/internal.h"
#include "reports/rep_assert.h"

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
    run->nodes = calloc(scn->nodes_len > 0 ? scn->nodes_len : 1, sizeof(*run->nodes));
    run->sentinels =
        calloc(scn->sentinels_len > 0 ? scn->sentinels_len : 1, sizeof(*run->sentinels));
    if (run->names == NULL || run->nodes == NULL || run->sentinels == NULL) { goto fail; }
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
    struct rep_name *n = &run->names[run->names_len++];
    memset(n, 0, sizeof(*n));
    memcpy(n->ip, ip, strlen(ip) + 1);
    n->port = port;
    if (runid != NULL) { memcpy(n->runid, runid, strlen(runid) + 1); }
    n->proc = proc;
    return 0;
}

const char *rep_run_name_of_addr(const struct rep_run *run, const char *ip, uint16_t port) {
    for (uint32_t i = 0; i < run->names_len; i++) {
        if (run->names[i].port == port && strcmp(run->names[i].ip, ip) == 0) {
            return rep__proc_name(run->scn, run->names[i].proc);
        }
    }
    return NULL;
}

const char *rep_run_name_of_runid(const struct rep_run *run, const char *runid) {
    if (runid[0] == '\0') { return NULL; }
    for (uint32_t i = 0; i < run->names_len; i++) {
        if (strcmp(run->names[i].runid, runid) == 0) {
            return rep__proc_name(run->scn, run->names[i].proc);
        }
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

int rep__find_proc(const struct scn *s, const char *name, struct scn_proc *out) {
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        if (strcmp(s->nodes[i].name, name) == 0) {
            *out = (struct scn_proc){SCN_PROC_NODE, i};
            return 0;
        }
    }
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        if (strcmp(s->sentinels[i].name, name) == 0) {
            *out = (struct scn_proc){SCN_PROC_SENTINEL, i};
            return 0;
        }
    }
    return -1;
}

int32_t rep__node_of_addr(const struct rep_run *run, const char *ip, unsigned port) {
    for (uint32_t i = 0; i < run->names_len; i++) {
        const struct rep_name *n = &run->names[i];
        if (n->proc.kind == SCN_PROC_NODE && n->port == port && strcmp(n->ip, ip) == 0) {
            return (int32_t)n->proc.index;
        }
    }
    return -1;
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
