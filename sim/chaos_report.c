/* chaos_report.c: the end summary, the JSON Lines results file, and merging shards.
 *
 * Method: a batch's results file holds one JSON object per line: a "batch"
 * header, one "finding" per violation (seed order), the data-loss figures
 * and every coverage slot. Merging shard files is reading those lines back
 * and adding them up; findings are re-sorted by seed, so merged shards give
 * the same summary as one run over the whole range. Only this writer's own
 * format is read, so the reader is a small key scanner, not a JSON parser.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/chaos_internal.h"
#include "sim/chaos_report.h"
#include "sim/check.h"

/* ---------------------------------------------------------------- summary */

static const char *class_word(uint32_t cls) {
    return sim_chaos_class_name((enum sim_chaos_class)cls);
}

/* The first finding of invariant `inv` and class `cls`, or NULL. */
static const struct sim_chaos_violation *first_of(const struct sim_chaos_report *r,
                                                  uint32_t inv,
                                                  uint32_t cls,
                                                  uint64_t *seed,
                                                  const char **repro) {
    for (uint32_t i = 0; i < r->b.found_len; i++) {
        const struct sim_chaos_result *x = &r->b.found[i];
        for (uint32_t k = 0; k < x->violations_len; k++) {
            if ((uint32_t)x->violations[k].inv == inv && (uint32_t)x->violations[k].cls == cls) {
                *seed = x->seed;
                /* A seed's reproducer is for one invariant (named in its file name). */
                *repro =
                    r->repro != NULL &&
                            strstr(r->repro[i], sim_chaos_inv_name((enum sim_chaos_inv)inv)) != NULL
                        ? r->repro[i]
                        : "";
                return &x->violations[k];
            }
        }
    }
    return NULL;
}

static void print_coverage(FILE *f, const struct sim_chaos_cov *cov) {
    uint32_t reached = 0, known = 0;
    char never[1024] = "";
    size_t len = 0;
    for (uint32_t e = 0; e + 1 < SIM_CHAOS_COV_EVENTS; e++) {
        const char *name = sim_chaos_cov_event_name(e);
        if (name == NULL) { continue; }
        known++;
        if (cov->events[e] > 0) {
            reached++;
        } else if (len + strlen(name) + 3 < sizeof(never)) {
            len +=
                (size_t)snprintf(never + len, sizeof(never) - len, "%s%s", len ? ", " : "", name);
        }
    }
    fprintf(f, "coverage: %u of %u event types reached", reached, known);
    if (cov->events[SIM_CHAOS_COV_EVENTS - 1] > 0) {
        fprintf(f, " (+%" PRIu64 " of unknown types)", cov->events[SIM_CHAOS_COV_EVENTS - 1]);
    }
    fprintf(f, "\n  never: %s\n  events:", len ? never : "(none)");
    uint32_t col = 0;
    for (uint32_t e = 0; e + 1 < SIM_CHAOS_COV_EVENTS; e++) {
        const char *name = sim_chaos_cov_event_name(e);
        if (name == NULL || cov->events[e] == 0) { continue; }
        fprintf(f, "%s %s %" PRIu64, col++ % 4 == 0 ? "\n   " : ",", name, cov->events[e]);
    }
    fputs("\n  failover-state transitions:", f);
    col = 0;
    for (uint32_t a = 0; a < SIM_CHAOS_COV_STATES; a++) {
        for (uint32_t b = 0; b < SIM_CHAOS_COV_STATES; b++) {
            if (cov->trans[a][b] == 0) { continue; }
            fprintf(f, "%s %s->%s %" PRIu64, col++ % 4 == 0 ? "\n   " : ",",
                    sim_chaos_cov_state_name(a), sim_chaos_cov_state_name(b), cov->trans[a][b]);
        }
    }
    fputc('\n', f);
}

/* Swarm view: which fault kinds were enabled in the seeds with unexplained
 * findings (a kind present in all of them is the first suspect). */
static void print_swarm(FILE *f, const struct sim_chaos_report *r) {
    uint32_t seeds = 0, with[SIM_CHAOS_F_COUNT] = {0};
    for (uint32_t i = 0; i < r->b.found_len; i++) {
        const struct sim_chaos_result *x = &r->b.found[i];
        bool unexplained = false;
        for (uint32_t k = 0; k < x->violations_len; k++) {
            unexplained |= x->violations[k].cls != SIM_CHAOS_CLASS_KNOWN;
        }
        if (!unexplained) { continue; }
        seeds++;
        for (uint32_t k = 0; k < SIM_CHAOS_F_COUNT; k++) {
            with[k] += (x->faults_enabled >> k) & 1u;
        }
    }
    if (seeds == 0) { return; }
    fprintf(f, "fault kinds enabled in the %u seeds with unexplained findings:", seeds);
    for (uint32_t k = 0; k < SIM_CHAOS_F_COUNT; k++) {
        fprintf(f, " %s %u%s", sim_chaos_fault_name((enum sim_chaos_fault)k), with[k],
                k + 1 < SIM_CHAOS_F_COUNT ? "," : "\n");
    }
}

void sim_chaos_report_summary(FILE *f, const struct sim_chaos_report *r) {
    const struct sim_chaos_batch *b = &r->b;
    double secs = (double)b->elapsed_ms / 1000.0;
    fprintf(f,
            "sentsim chaos: %" PRIu64 " seeds (%" PRIu64 "..%" PRIu64 ", shard %u/%u) in %.1f s"
            " with %u jobs: %.1f seeds/s\n",
            b->runs, r->first, r->last, r->shard_k, r->shard_n, secs, r->jobs,
            secs > 0 ? (double)b->runs / secs : 0.0);
    fprintf(f, "liveness judged in %" PRIu64 " of %" PRIu64 " runs (stable window reached)\n",
            b->judged, b->runs);
    bool any = false;
    for (uint32_t inv = 0; inv < SIM_CHAOS_INV_COUNT; inv++) {
        for (uint32_t cls = 0; cls < 3; cls++) {
            if (b->inv_count[inv][cls] == 0) { continue; }
            if (!any) { fputs("findings (seeds per invariant and class; first seed):\n", f); }
            any = true;
            uint64_t seed = 0;
            const char *repro = "";
            const struct sim_chaos_violation *v = first_of(r, inv, cls, &seed, &repro);
            fprintf(f, "  %-18s %-5s %6" PRIu64 "  seed %" PRIu64 ": %s\n",
                    sim_chaos_inv_name((enum sim_chaos_inv)inv), class_word(cls),
                    b->inv_count[inv][cls], seed, v ? v->detail : "");
            if (v && v->cite[0]) { fprintf(f, "  %18s %5s         cite: %s\n", "", "", v->cite); }
            if (repro[0]) { fprintf(f, "  %18s %5s         reproducer: %s\n", "", "", repro); }
        }
    }
    if (!any) { fputs("findings: none\n", f); }
    print_swarm(f, r);
    fprintf(
        f,
        "data: %" PRIu64 " acknowledged writes; lost in %" PRIu64 " seeds (%" PRIu64
        " writes) without min-replicas-to-write, %" PRIu64 " seeds (%" PRIu64 " writes) with it\n",
        b->writes_acked, b->seeds_lost[0], b->writes_lost[0], b->seeds_lost[1], b->writes_lost[1]);
    print_coverage(f, &b->cov);
}

uint64_t sim_chaos_report_unexplained(const struct sim_chaos_report *r) {
    uint64_t n = 0;
    for (uint32_t inv = 0; inv < SIM_CHAOS_INV_COUNT; inv++) {
        n += r->b.inv_count[inv][SIM_CHAOS_CLASS_BUG] + r->b.inv_count[inv][SIM_CHAOS_CLASS_NEW];
    }
    return n;
}

/* ---------------------------------------------------------------- JSON Lines */

int sim_chaos_report_write_json(const char *path, const struct sim_chaos_report *r) {
    FILE *f = fopen(path, "w");
    if (f == NULL) { return -1; }
    const struct sim_chaos_batch *b = &r->b;
    fprintf(f,
            "{\"kind\":\"batch\",\"first\":%" PRIu64 ",\"last\":%" PRIu64 ",\"shard_k\":%u,"
            "\"shard_n\":%u,\"jobs\":%u,\"runs\":%" PRIu64 ",\"elapsed_ms\":%" PRIu64
            ",\"writes_acked\":%" PRIu64 ",\"judged\":%" PRIu64 "}\n",
            r->first, r->last, r->shard_k, r->shard_n, r->jobs, b->runs, b->elapsed_ms,
            b->writes_acked, b->judged);
    for (uint32_t i = 0; i < b->found_len; i++) {
        const struct sim_chaos_result *x = &b->found[i];
        for (uint32_t k = 0; k < x->violations_len; k++) {
            const struct sim_chaos_violation *v = &x->violations[k];
            fprintf(f,
                    "{\"kind\":\"finding\",\"seed\":%" PRIu64 ",\"inv\":\"%s\",\"class\":\"%s\","
                    "\"t_ms\":%" PRIu64 ",\"faults\":%u,\"proc\":",
                    x->seed, sim_chaos_inv_name(v->inv), sim_chaos_class_name(v->cls), v->t_ms,
                    x->faults_enabled);
            sim_chaos__json_str(f, v->proc);
            fputs(",\"detail\":", f);
            sim_chaos__json_str(f, v->detail);
            fputs(",\"cite\":", f);
            sim_chaos__json_str(f, v->cite);
            fputs(",\"reproducer\":", f);
            sim_chaos__json_str(f, k == 0 && r->repro != NULL ? r->repro[i] : "");
            fputs("}\n", f);
        }
    }
    for (uint32_t k = 0; k < 2; k++) {
        fprintf(f,
                "{\"kind\":\"data\",\"min_replicas\":%u,\"seeds\":%" PRIu64
                ",\"writes_lost\":%" PRIu64 "}\n",
                k, b->seeds_lost[k], b->writes_lost[k]);
    }
    for (uint32_t e = 0; e < SIM_CHAOS_COV_EVENTS; e++) {
        const char *name = sim_chaos_cov_event_name(e);
        if (name == NULL) { continue; }
        fprintf(f, "{\"kind\":\"event\",\"name\":\"%s\",\"count\":%" PRIu64 "}\n", name,
                b->cov.events[e]);
    }
    for (uint32_t a = 0; a < SIM_CHAOS_COV_STATES; a++) {
        for (uint32_t c = 0; c < SIM_CHAOS_COV_STATES; c++) {
            fprintf(f,
                    "{\"kind\":\"transition\",\"from\":\"%s\",\"to\":\"%s\",\"count\":%" PRIu64
                    "}\n",
                    sim_chaos_cov_state_name(a), sim_chaos_cov_state_name(c), b->cov.trans[a][c]);
        }
    }
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* The value of "key": in a line we wrote: a number, or a string unescaped into buf. */
static const char *field(const char *line, const char *key, char *buf, size_t cap) {
    char pat[40];
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (p == NULL) { return NULL; }
    p += strlen(pat);
    size_t n = 0;
    if (*p != '"') {
        while (*p != '\0' && *p != ',' && *p != '}' && n + 1 < cap) {
            buf[n++] = *p++;
        }
        buf[n] = '\0';
        return buf;
    }
    for (p++; *p != '\0' && *p != '"' && n + 1 < cap; p++) {
        if (*p == '\\' && p[1] == 'u' && strlen(p) >= 6) {
            buf[n++] = (char)strtoul((char[5]){p[2], p[3], p[4], p[5], 0}, NULL, 16);
            p += 5;
        } else {
            if (*p == '\\' && p[1] != '\0') { p++; }
            buf[n++] = *p;
        }
    }
    buf[n] = '\0';
    return buf;
}

static uint64_t num(const char *line, const char *key) {
    char buf[32];
    return field(line, key, buf, sizeof(buf)) ? strtoull(buf, NULL, 10) : 0;
}

static int merge_finding(struct sim_chaos_report *r, const char *line) {
    char inv[32], cls[16];
    enum sim_chaos_inv iv;
    if (!field(line, "inv", inv, sizeof(inv)) || sim_chaos_inv_parse(inv, &iv) != 0 ||
        !field(line, "class", cls, sizeof(cls))) {
        return -1;
    }
    uint64_t seed = num(line, "seed");
    struct sim_chaos_batch *b = &r->b;
    struct sim_chaos_result *x = b->found_len ? &b->found[b->found_len - 1] : NULL;
    if (x == NULL || x->seed != seed) {
        if (b->found_len == b->found_cap) {
            uint32_t cap = b->found_cap ? b->found_cap * 2 : 64;
            void *n1 = realloc(b->found, cap * sizeof(*b->found));
            if (n1 == NULL) { return -1; }
            b->found = n1;
            void *n2 = realloc(r->repro, cap * sizeof(*r->repro));
            if (n2 == NULL) { return -1; }
            r->repro = n2;
            b->found_cap = cap;
        }
        x = &b->found[b->found_len];
        memset(x, 0, sizeof(*x));
        r->repro[b->found_len][0] = '\0';
        b->found_len++;
        x->seed = seed;
        x->faults_enabled = (uint32_t)num(line, "faults");
    }
    if (x->violations_len >= SIM_CHAOS_VIOLATIONS_MAX) { return 0; }
    struct sim_chaos_violation *v = &x->violations[x->violations_len++];
    v->inv = iv;
    v->cls = strcmp(cls, "bug") == 0     ? SIM_CHAOS_CLASS_BUG
             : strcmp(cls, "known") == 0 ? SIM_CHAOS_CLASS_KNOWN
                                         : SIM_CHAOS_CLASS_NEW;
    v->t_ms = num(line, "t_ms");
    field(line, "proc", v->proc, sizeof(v->proc));
    field(line, "detail", v->detail, sizeof(v->detail));
    field(line, "cite", v->cite, sizeof(v->cite));
    char rp[256];
    if (field(line, "reproducer", rp, sizeof(rp)) && rp[0]) {
        snprintf(r->repro[b->found_len - 1], sizeof(r->repro[0]), "%s", rp);
    }
    b->inv_count[v->inv][v->cls]++;
    return 0;
}

static int merge_line(struct sim_chaos_report *r, const char *line, bool first_file) {
    char kind[16], name[64], to[32];
    if (!field(line, "kind", kind, sizeof(kind))) { return -1; }
    struct sim_chaos_batch *b = &r->b;
    if (strcmp(kind, "batch") == 0) {
        uint64_t first = num(line, "first"), last = num(line, "last");
        r->first = first_file || first < r->first ? first : r->first;
        r->last = first_file || last > r->last ? last : r->last;
        r->shard_k = 1;
        r->shard_n = 1;
        r->jobs = (uint32_t)num(line, "jobs") + (first_file ? 0 : r->jobs);
        b->runs += num(line, "runs");
        b->elapsed_ms =
            b->elapsed_ms > num(line, "elapsed_ms") ? b->elapsed_ms : num(line, "elapsed_ms");
        b->writes_acked += num(line, "writes_acked");
        b->judged += num(line, "judged");
    } else if (strcmp(kind, "finding") == 0) {
        return merge_finding(r, line);
    } else if (strcmp(kind, "data") == 0) {
        uint32_t k = num(line, "min_replicas") ? 1 : 0;
        b->seeds_lost[k] += num(line, "seeds");
        b->writes_lost[k] += num(line, "writes_lost");
    } else if (strcmp(kind, "event") == 0 && field(line, "name", name, sizeof(name))) {
        b->cov.events[sim_chaos_cov_event(name)] += num(line, "count");
    } else if (strcmp(kind, "transition") == 0 && field(line, "from", name, sizeof(name)) &&
               field(line, "to", to, sizeof(to))) {
        b->cov.trans[sim_chaos__state_index(name)][sim_chaos__state_index(to)] +=
            num(line, "count");
    }
    return 0;
}

static int by_seed(const void *a, const void *b) {
    const struct sim_chaos_result *x = a, *y = b;
    return x->seed < y->seed ? -1 : (x->seed > y->seed ? 1 : 0);
}

int sim_chaos_report_merge(
    const char *const *paths, uint32_t n, struct sim_chaos_report *out, char *err, size_t errlen) {
    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i < n; i++) {
        FILE *f = fopen(paths[i], "r");
        if (f == NULL) {
            snprintf(err, errlen, "%s: cannot open", paths[i]);
            return -1;
        }
        char line[4096];
        uint32_t lineno = 0;
        while (fgets(line, sizeof(line), f) != NULL) {
            lineno++;
            if (merge_line(out, line, i == 0) != 0) {
                snprintf(err, errlen, "%s:%u: not a chaos results line", paths[i], lineno);
                fclose(f);
                return -1;
            }
        }
        fclose(f);
    }
    /* Findings of one seed are adjacent within a file and shards never share
     * seeds: sort whole results by seed, their reproducer paths with them. */
    uint32_t len = out->b.found_len;
    if (len > 1) {
        struct sim_chaos_result *res = malloc(len * sizeof(*res));
        char(*rp)[256] = malloc(len * sizeof(*rp));
        if (res == NULL || rp == NULL) {
            free(res);
            free(rp);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        for (uint32_t i = 0; i < len; i++) {
            res[i] = out->b.found[i];
            res[i].end_t_ms = i; /* the original index rides along in a spare field */
        }
        qsort(res, len, sizeof(*res), by_seed);
        for (uint32_t i = 0; i < len; i++) {
            memcpy(rp[i], out->repro[res[i].end_t_ms], sizeof(rp[i]));
        }
        memcpy(out->b.found, res, len * sizeof(*res));
        memcpy(out->repro, rp, len * sizeof(*rp));
        free(res);
        free(rp);
    }
    return 0;
}

void sim_chaos_report_free(struct sim_chaos_report *r) {
    sim_chaos_batch_free(&r->b);
    free(r->repro);
    r->repro = NULL;
}
