/* golden.c: golden skeletons, written once per scenario and checked on
 * every run (see golden.h).
 *
 * Method: a role's lines are the skeleton forms of one sentinel's events
 * from the fault on (NOTICE and WARNING only). The golden of a role is the
 * longest common subsequence of every such sequence seen, so whatever
 * depends on the seed (a follower's +odown before or after its vote, an
 * extra -odown) drops out and only the seed-invariant order stays. A check
 * asks for the golden as a subsequence of each sequence, and prints a
 * unified diff (golden "-", run "+") for the first that lacks it. With
 * several failover rounds each round has its own L and F sections, fed by
 * the events normalization put in that round.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/golden.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reports/lcs.h"
#include "reports/rep_assert.h"

enum { ROLE_L, ROLE_F };

#define ROUND_OF(section) ((uint32_t)(section) / 2)
#define ROLE_OF(section)  ((section) % 2)

int rep_golden_init(struct rep_golden *g) {
    memset(g, 0, sizeof(*g));
    for (int r = 0; r < REP_GOLDEN_ROLES; r++) {
        snprintf(g->roles[r].role, REP_ROLE_MAX, "%s", ROLE_OF(r) == ROLE_L ? "L" : "F");
        g->roles[r].lines = calloc(REP_GOLDEN_LINES_MAX, sizeof(*g->roles[r].lines));
        if (g->roles[r].lines == NULL) {
            rep_golden_free(g);
            return -1;
        }
    }
    return 0;
}

void rep_golden_free(struct rep_golden *g) {
    for (int r = 0; r < REP_GOLDEN_ROLES; r++) {
        free(g->roles[r].lines);
    }
    memset(g, 0, sizeof(*g));
}

/* The skeleton lines of one sentinel in one round, pointing into n. Returns the count. */
static size_t sequence(const struct rep_norm *n,
                       uint32_t round,
                       uint32_t sentinel,
                       const char **out) {
    const char *proc = n->run->scn->sentinels[sentinel].name;
    size_t len = 0;
    for (uint32_t i = 0; i < n->len; i++) {
        const struct rep_norm_event *e = &n->events[i];
        if (e->kind == REP_KIND_EVENT && e->level >= REP_LEVEL_NOTICE && e->round == round &&
            rep_norm_after_fault(n, e) && strcmp(e->proc, proc) == 0) {
            out[len++] = e->skel;
        }
    }
    return len;
}

/* Whether sentinel i plays section r's role in its round (followers only
 * count when alive at the end). A round the run does not have has nobody. */
static bool plays(const struct rep_norm *n, uint32_t i, int r) {
    if (ROUND_OF(r) >= n->rounds_len) { return false; }
    int32_t leader = n->rounds[ROUND_OF(r)].leader;
    if (ROLE_OF(r) == ROLE_L) { return (int32_t)i == leader; }
    return (int32_t)i != leader && n->run->sentinels[i].up;
}

/* The rounds of a run that have sections. */
static uint32_t kept_rounds(const struct rep_norm *n) {
    return n->rounds_len < REP_GOLDEN_ROUNDS_MAX ? n->rounds_len : REP_GOLDEN_ROUNDS_MAX;
}

static int intersect(struct rep_golden_role *gr, const char **seq, size_t len) {
    if (!gr->seen) {
        if (len > REP_GOLDEN_LINES_MAX) { return -1; }
        for (size_t i = 0; i < len; i++) {
            snprintf(gr->lines[i], REP_NORM_TEXT_MAX, "%s", seq[i]);
        }
        gr->len = (uint32_t)len;
        gr->seen = 1;
        return 0;
    }
    const char **cur = calloc(gr->len + 1, sizeof(*cur));
    size_t *m = calloc(gr->len + 1, sizeof(*m));
    int rc = -1;
    if (cur == NULL || m == NULL) { goto done; }
    for (uint32_t i = 0; i < gr->len; i++) {
        cur[i] = gr->lines[i];
    }
    if (rep__lcs(cur, gr->len, seq, len, m) < 0) { goto done; }
    uint32_t o = 0;
    for (uint32_t i = 0; i < gr->len; i++) {
        if (m[i] == (size_t)-1) { continue; }
        if (o != i) { memcpy(gr->lines[o], gr->lines[i], REP_NORM_TEXT_MAX); }
        o++;
    }
    gr->len = o;
    rc = 0;
done:
    free(cur);
    free(m);
    return rc;
}

int rep_golden_add(struct rep_golden *g, const struct rep_run *run) {
    struct rep_norm n;
    if (rep_normalize(run, &n) < 0) { return -1; }
    const char **seq = calloc(n.len + 1, sizeof(*seq));
    int rc = seq == NULL ? -1 : 0;
    uint32_t rounds = kept_rounds(&n) > g->rounds ? kept_rounds(&n) : g->rounds;
    for (int r = 0; r < (int)(2 * rounds) && rc == 0; r++) {
        /* A round the earlier runs did not have: they kept nothing of it. */
        if (g->runs > 0 && ROUND_OF(r) >= g->rounds) { g->roles[r].seen = 1; }
        bool any = false;
        for (uint32_t i = 0; i < run->scn->sentinels_len && rc == 0; i++) {
            if (!plays(&n, i, r)) { continue; }
            any = true;
            rc = intersect(&g->roles[r], seq, sequence(&n, ROUND_OF(r), i, seq));
        }
        /* A run without this role (no leader elected) leaves nothing invariant in it. */
        if (!any && rc == 0) { rc = intersect(&g->roles[r], seq, 0); }
    }
    g->runs++;
    g->rounds = rounds;
    free(seq);
    rep_norm_free(&n);
    return rc;
}

int rep_golden_write(const struct rep_golden *g, const struct rep_run *run, const char *path) {
    FILE *f = fopen(path, "w");
    if (f == NULL) { return -1; }
    const struct scn *s = run->scn;
    /* The file name only: the golden must not change with where the library was run from. */
    const char *file = s->path != NULL ? s->path : "";
    const char *slash = strrchr(file, '/');
    file = slash != NULL ? slash + 1 : file;
    fprintf(f,
            "# sentsim golden skeleton of scenario %s (%s)\n"
            "# Written by `sentsim run --update-golden` from %u run(s); review every change.\n"
            "# Per role (L: elected leader, F: each follower alive at the end), the\n"
            "# sentinels' event lines from the first fault on, in the order every run\n"
            "# must keep (reports/README.md, \"Golden skeletons\").\n",
            s->name, file, g->runs);
    if (g->rounds > 1) {
        fprintf(f, "# [k:L] and [k:F] hold failover round k's events (roles of that round).\n");
    }
    for (int r = 0; r < (int)(2 * (g->rounds > 0 ? g->rounds : 1)); r++) {
        char label[REP_ROLE_MAX];
        rep_norm_round_label(g->rounds, ROUND_OF(r), g->roles[r].role, label, sizeof(label));
        fprintf(f, "[%s]\n", label);
        for (uint32_t i = 0; i < g->roles[r].len; i++) {
            fprintf(f, "%s\n", g->roles[r].lines[i]);
        }
    }
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

int rep_golden_path(const char *scenario_path, char *buf, size_t len) {
    size_t n = strlen(scenario_path);
    const char *exts[] = {".yaml", ".yml"};
    for (size_t i = 0; i < 2; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(scenario_path + n - e, exts[i]) == 0) {
            n -= e;
            break;
        }
    }
    int w = snprintf(buf, len, "%.*s.golden", (int)n, scenario_path);
    return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* "[L]" / "[F]" (round 1) or "[k:L]" / "[k:F]": the section index, or -1. */
static int section_of(const char *line) {
    unsigned long round = 1;
    const char *role = line + 1;
    if (*role >= '1' && *role <= '9') {
        char *end;
        round = strtoul(role, &end, 10);
        if (*end != ':' || round > REP_GOLDEN_ROUNDS_MAX) { return -1; }
        role = end + 1;
    }
    int r = strcmp(role, "L]") == 0 ? ROLE_L : strcmp(role, "F]") == 0 ? ROLE_F : -1;
    return r < 0 ? -1 : (int)(round - 1) * 2 + r;
}

int rep_golden_read(const char *path, struct rep_golden *g, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s:0:0: %s", path, strerror(errno));
        return -1;
    }
    char line[REP_NORM_TEXT_MAX + 2];
    uint32_t no = 0;
    int role = -1, rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
        no++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        } else if (!feof(f)) {
            snprintf(err, errlen, "%s:%u:%d: line too long", path, no, REP_NORM_TEXT_MAX);
            rc = -1;
            break;
        }
        if (n == 0 || line[0] == '#') { continue; }
        if (line[0] == '[') {
            role = section_of(line);
            if (role < 0) {
                snprintf(err, errlen, "%s:%u:1: unknown section (want [L], [F], [k:L] or [k:F])",
                         path, no);
                rc = -1;
            } else {
                g->roles[role].seen = 1;
                if (ROUND_OF(role) + 1 > g->rounds) { g->rounds = ROUND_OF(role) + 1; }
            }
            continue;
        }
        if (role < 0) {
            snprintf(err, errlen, "%s:%u:1: line outside an [L] or [F] section", path, no);
            rc = -1;
        } else if (g->roles[role].len == REP_GOLDEN_LINES_MAX) {
            snprintf(err, errlen, "%s:%u:1: more than %u lines in a role", path, no,
                     REP_GOLDEN_LINES_MAX);
            rc = -1;
        } else {
            memcpy(g->roles[role].lines[g->roles[role].len++], line, n + 1);
        }
    }
    fclose(f);
    return rc;
}

/* Checks one sequence; on drift prints its diff. Returns 0, 1 (drift) or -1. */
static int check_seq(const struct rep_golden_role *gr,
                     const char **seq,
                     size_t len,
                     const char *golden_path,
                     const char *who,
                     FILE *out) {
    const char **gl = calloc(gr->len + 1, sizeof(*gl));
    size_t *m = calloc(gr->len + 1, sizeof(*m));
    int rc = -1;
    if (gl == NULL || m == NULL) { goto done; }
    for (uint32_t i = 0; i < gr->len; i++) {
        gl[i] = gr->lines[i];
    }
    long pairs = rep__lcs(gl, gr->len, seq, len, m);
    if (pairs < 0) { goto done; }
    rc = (uint32_t)pairs == gr->len ? 0 : 1;
    if (rc == 1 && out != NULL) {
        fprintf(out, "--- %s [%s]\n+++ run: %s\n", golden_path, gr->role, who);
        if (rep__udiff(out, gl, gr->len, seq, len, 3, 1) < 0) { rc = -1; }
    }
done:
    free(gl);
    free(m);
    return rc;
}

int rep_golden_check(const struct rep_run *run, const char *golden_path, FILE *diff_out) {
    struct rep_golden g;
    char err[512];
    if (rep_golden_init(&g) < 0) { return -1; }
    if (rep_golden_read(golden_path, &g, err, sizeof(err)) < 0) {
        if (diff_out != NULL) { fprintf(diff_out, "%s\n", err); }
        rep_golden_free(&g);
        return -1;
    }
    struct rep_norm n;
    if (rep_normalize(run, &n) < 0) {
        rep_golden_free(&g);
        return -1;
    }
    const char **seq = calloc(n.len + 1, sizeof(*seq));
    int rc = seq == NULL ? -1 : 0, drift = 0;
    for (int r = 0; r < (int)(2 * g.rounds) && rc >= 0; r++) {
        /* One diff per drifting role: the first sequence that lacks the golden. */
        struct rep_golden_role *gr = &g.roles[r];
        rep_norm_round_label(g.rounds, ROUND_OF(r), ROLE_OF(r) == ROLE_L ? "L" : "F", gr->role,
                             sizeof(gr->role));
        bool any = false;
        rc = 0;
        for (uint32_t i = 0; i < run->scn->sentinels_len && rc == 0; i++) {
            if (!plays(&n, i, r)) { continue; }
            any = true;
            char role[REP_ROLE_MAX], label[REP_ROLE_MAX], who[160];
            rep_norm_round_role(&n, ROUND_OF(r), (struct scn_proc){SCN_PROC_SENTINEL, i}, role,
                                sizeof(role));
            rep_norm_round_label(n.rounds_len, ROUND_OF(r), role, label, sizeof(label));
            snprintf(who, sizeof(who), "%s as %s (seed %llu)", run->scn->sentinels[i].name, label,
                     (unsigned long long)run->seed);
            rc = check_seq(gr, seq, sequence(&n, ROUND_OF(r), i, seq), golden_path, who, diff_out);
        }
        if (!any && gr->len > 0) {
            const char *who = ROUND_OF(r) >= n.rounds_len ? "no such round"
                              : ROLE_OF(r) == ROLE_L      ? "no leader"
                                                          : "no follower";
            rc = check_seq(gr, seq, 0, golden_path, who, diff_out);
        }
        drift |= rc == 1;
    }
    rc = rc < 0 ? -1 : drift;
    free(seq);
    rep_norm_free(&n);
    rep_golden_free(&g);
    return rc;
}
