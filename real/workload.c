/* workload.c: a client that writes through whatever master the sentinels name.
 *
 * Method: see workload.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real/check.h"
#include "real/sys.h"
#include "real/workload.h"

#define CLIENT_TIMEOUT_MS 200u
#define VERIFY_BATCH      100 /* keys per MGET when reading the writes back */
_Static_assert(VERIFY_BATCH + 1 <= REAL_LINK_ARGS_MAX, "an MGET batch must fit one command");

int real_workload_init(struct real_workload *wl, struct real_world *w) {
    REAL_ASSERT(wl != NULL && w != NULL);
    memset(wl, 0, sizeof(*wl));
    wl->w = w;
    wl->group = w->scn->workload.group;
    uint32_t rate = w->scn->workload.writes_per_sec > 0 ? w->scn->workload.writes_per_sec : 10;
    wl->period_ms = rate >= 1000 ? 1 : 1000 / rate;
    wl->acked = calloc(REAL_WRITES_MAX / 8, 1);
    return wl->acked != NULL ? 0 : -1;
}

void real_workload_free(struct real_workload *wl) {
    if (wl->link.ctx != NULL) { real_link_close(&wl->link); }
    free(wl->acked);
    wl->acked = NULL;
}

void real_workload_set(struct real_workload *wl, bool on) {
    wl->on = on;
    wl->next_ms = real__now_ms();
}

/* Finds the master through the sentinels and connects to it. */
static int discover(struct real_workload *wl) {
    struct real_world *w = wl->w;
    const char *name = w->scn->groups[wl->group].name;
    for (uint32_t j = 0; j < w->scn->sentinels_len; j++) {
        struct real_proc *s = &w->sentinels[j];
        if (s->pid == 0 || s->paused) { continue; }
        const char *argv[] = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", name};
        redisReply *r = NULL;
        char err[160];
        if (real_query(s->ip, s->port, s->pass, CLIENT_TIMEOUT_MS, &r, err, sizeof(err), 3, argv) !=
            0) {
            continue;
        }
        struct real_proc *m = NULL;
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
            r->element[0]->type == REDIS_REPLY_STRING &&
            r->element[1]->type == REDIS_REPLY_STRING) {
            m = real_world_find_addr(w, r->element[0]->str,
                                     (uint16_t)strtoul(r->element[1]->str, NULL, 10));
        }
        real_reply_free(r);
        if (m == NULL || m->id.kind != SCN_PROC_NODE) { continue; }
        if (real_link_open(&wl->link, m->ip, m->port, CLIENT_TIMEOUT_MS) != 0) { continue; }
        bool ok = true;
        if (m->pass[0] != '\0') {
            ok = real_link_cmd(&wl->link, &r, "AUTH", m->pass, NULL) == 0 &&
                 r->type == REDIS_REPLY_STATUS;
            real_reply_free(r);
            r = NULL;
        }
        /* A sentinel-aware client confirms the role before writing. */
        ok = ok && real_link_cmd(&wl->link, &r, "ROLE", NULL) == 0 &&
             r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
             r->element[0]->type == REDIS_REPLY_STRING && strcmp(r->element[0]->str, "master") == 0;
        real_reply_free(r);
        if (ok) { return 0; }
        real_link_close(&wl->link);
    }
    return -1;
}

static void write_one(struct real_workload *wl) {
    if (wl->written >= REAL_WRITES_MAX) { return; }
    uint64_t k = wl->written++;
    if (wl->link.ctx == NULL && discover(wl) != 0) {
        wl->counts.refused++;
        return;
    }
    char key[40], val[24];
    snprintf(key, sizeof(key), "sentsim:%llu", (unsigned long long)k);
    snprintf(val, sizeof(val), "%llu", (unsigned long long)k);
    redisReply *r = NULL;
    if (real_link_cmd(&wl->link, &r, "SET", key, val, NULL) != 0) {
        wl->counts.refused++;
        return;
    }
    if (r->type == REDIS_REPLY_STATUS) {
        wl->counts.acked++;
        wl->acked[k / 8] |= (uint8_t)(1u << (k % 8));
    } else {
        wl->counts.refused++;
        real_link_close(&wl->link);
    }
    real_reply_free(r);
}

void real_workload_tick(struct real_workload *wl) {
    if (!wl->on) { return; }
    uint64_t now = real__now_ms();
    /* Never more than one period behind: a stalled write is not made up in a burst. */
    if (wl->next_ms + wl->period_ms < now) { wl->next_ms = now; }
    while (wl->next_ms <= now) {
        write_one(wl);
        wl->next_ms += wl->period_ms;
    }
}

int real_workload_verify(struct real_workload *wl,
                         const struct real_proc *master,
                         char *errstr,
                         size_t len) {
    wl->counts.lost = 0;
    if (wl->counts.acked == 0) { return 0; }
    struct real_link l;
    redisReply *r = NULL;
    if (master == NULL || master->pid == 0 || master->paused) {
        snprintf(errstr, len, "workload: no reachable master to read the writes back from");
        wl->counts.lost = wl->counts.acked;
        return -1;
    }
    if (real_link_open(&l, master->ip, master->port, 2000) != 0) {
        snprintf(errstr, len, "workload: %s", l.errstr);
        return -1;
    }
    if (master->pass[0] != '\0') {
        if (real_link_cmd(&l, &r, "AUTH", master->pass, NULL) != 0) { goto fail; }
        real_reply_free(r);
    }
    /* MGET in batches: one round trip per VERIFY_BATCH acknowledged keys. */
    static char keys[VERIFY_BATCH][32];
    const char *argv[VERIFY_BATCH + 1] = {"MGET"};
    int n = 0;
    for (uint64_t k = 0; k <= wl->written; k++) {
        bool last = k == wl->written;
        if (!last && (wl->acked[k / 8] & (1u << (k % 8)))) {
            snprintf(keys[n], sizeof(keys[n]), "sentsim:%llu", (unsigned long long)k);
            argv[n + 1] = keys[n];
            n++;
        }
        if (n == 0 || (n < VERIFY_BATCH && !last)) { continue; }
        if (real_link_cmdv(&l, n + 1, argv, &r) != 0) { goto fail; }
        bool ok = r->type == REDIS_REPLY_ARRAY && r->elements == (size_t)n;
        for (int i = 0; i < n; i++) {
            if (!ok || r->element[i]->type != REDIS_REPLY_STRING) { wl->counts.lost++; }
        }
        real_reply_free(r);
        n = 0;
    }
    real_link_close(&l);
    return 0;
fail:
    snprintf(errstr, len, "workload: reading back from %s: %s", master->name, l.errstr);
    real_link_close(&l);
    return -1;
}
