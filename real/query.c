/* query.c: the questions the harness asks running processes.
 *
 * Method: see query.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real/check.h"
#include "real/link.h"
#include "real/query.h"
#include "real/sys.h"

bool real_proc_reachable(const struct real_proc *p) {
    return p->pid > 0 && !p->paused;
}

static int ask(struct real_proc *p, redisReply **r, int argc, const char *const *argv) {
    char err[160];
    if (!real_proc_reachable(p)) { return -1; }
    return real_query(p->ip, p->port, p->pass, REAL_QUERY_TIMEOUT_MS, r, err, sizeof(err), argc,
                      argv);
}

int real_query_role(struct real_world *w, struct real_proc *node, struct real_role *out) {
    REAL_ASSERT(node->id.kind == SCN_PROC_NODE);
    memset(out, 0, sizeof(*out));
    const char *argv[] = {"INFO", "replication"};
    redisReply *r = NULL;
    if (ask(node, &r, 2, argv) != 0) { return -1; }
    if (r->type != REDIS_REPLY_STRING) {
        real_reply_free(r);
        return -1;
    }
    char role[16] = "", host[64] = "", port[16] = "", link[16] = "", off[32] = "";
    real_info_field(r->str, "role", role, sizeof(role));
    real_info_field(r->str, "master_host", host, sizeof(host));
    real_info_field(r->str, "master_port", port, sizeof(port));
    real_info_field(r->str, "master_link_status", link, sizeof(link));
    real_info_field(r->str, "master_repl_offset", off, sizeof(off));
    real_reply_free(r);
    out->is_master = strcmp(role, "master") == 0;
    out->link_up = strcmp(link, "up") == 0;
    out->offset = strtoull(off, NULL, 10);
    if (!out->is_master && host[0] != '\0') {
        struct real_proc *up = real_world_find_addr(w, host, (uint16_t)strtoul(port, NULL, 10));
        if (up != NULL && up->id.kind == SCN_PROC_NODE) { out->upstream = up; }
    }
    return 0;
}

int real_query_master(struct real_world *w,
                      struct real_proc *sentinel,
                      uint32_t g,
                      struct real_proc **out) {
    REAL_ASSERT(g < w->scn->groups_len);
    *out = NULL;
    const char *argv[] = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", w->scn->groups[g].name};
    redisReply *r = NULL;
    if (ask(sentinel, &r, 3, argv) != 0) { return -1; }
    int rc = 0;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[0]->type == REDIS_REPLY_STRING && r->element[1]->type == REDIS_REPLY_STRING) {
        struct real_proc *m = real_world_find_addr(w, r->element[0]->str,
                                                   (uint16_t)strtoul(r->element[1]->str, NULL, 10));
        if (m != NULL && m->id.kind == SCN_PROC_NODE) { *out = m; }
    } else if (r->type != REDIS_REPLY_NIL) {
        rc = -1;
    }
    real_reply_free(r);
    return rc;
}

int real_query_knows(struct real_world *w,
                     struct real_proc *sentinel,
                     uint32_t g,
                     uint32_t *replicas,
                     uint32_t *sentinels) {
    REAL_ASSERT(g < w->scn->groups_len);
    const char *argv[] = {"SENTINEL", "MASTER", w->scn->groups[g].name};
    redisReply *r = NULL;
    if (ask(sentinel, &r, 3, argv) != 0) { return -1; }
    const char *ns = real_reply_map_get(r, "num-slaves");
    const char *no = real_reply_map_get(r, "num-other-sentinels");
    int rc = ns != NULL && no != NULL ? 0 : -1;
    if (rc == 0) {
        *replicas = (uint32_t)strtoul(ns, NULL, 10);
        *sentinels = (uint32_t)strtoul(no, NULL, 10);
    }
    real_reply_free(r);
    return rc;
}

uint64_t real_query_epoch(const struct real_proc *sentinel) {
    static char text[1 << 16];
    if (real__read_file(sentinel->conf, text, sizeof(text)) <= 0) { return 0; }
    const char *key = "sentinel current-epoch ";
    for (const char *p = text; p != NULL && *p != '\0';) {
        if (strncmp(p, key, strlen(key)) == 0) { return strtoull(p + strlen(key), NULL, 10); }
        p = strchr(p, '\n');
        if (p != NULL) { p++; }
    }
    return 0;
}
