/* runfile.c: a whole run as one JSON Lines file, written and read back
 * (see runfile.h for the format).
 *
 * Method: header records are written from the run record field by field;
 * reading loads the scenario first (names and sizes live there), then
 * fills the run strictly: every header field is required, unknown fields
 * and names are errors, and event records go through event.c's reader.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/runfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reports/internal.h"
#include "reports/json.h"
#include "reports/rep_assert.h"

static const char *const mode_names[] = {"sim", "real-redis", "real-core", "real-mixed"};

const char *rep_mode_name(enum rep_mode mode) {
    REP_ASSERT(mode <= REP_MODE_REAL_MIXED);
    return mode_names[mode];
}

int rep_mode_parse(const char *s, enum rep_mode *out) {
    for (int i = 0; i <= REP_MODE_REAL_MIXED; i++) {
        if (strcmp(s, mode_names[i]) == 0) {
            *out = (enum rep_mode)i;
            return 0;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------- writing */

struct wbuf {
    char *b;
    size_t cap;
    size_t pos;
    int rc;
};

static void str(struct wbuf *w, const char *key, const char *v) {
    w->rc |= rep__json_cat(w->b, w->cap, &w->pos, ",\"%s\":", key);
    w->rc |= rep__json_str(w->b, w->cap, &w->pos, v);
}

static void num(struct wbuf *w, const char *key, uint64_t v) {
    w->rc |= rep__json_cat(w->b, w->cap, &w->pos, ",\"%s\":%llu", key, (unsigned long long)v);
}

static void flag(struct wbuf *w, const char *key, bool v) {
    w->rc |= rep__json_cat(w->b, w->cap, &w->pos, ",\"%s\":%s", key, v ? "true" : "false");
}

static void begin(struct wbuf *w, const char *kind) {
    w->pos = 0;
    w->rc = rep__json_cat(w->b, w->cap, &w->pos, "{\"kind\":\"%s\"", kind);
}

static int end(struct wbuf *w, FILE *f) {
    w->rc |= rep__json_cat(w->b, w->cap, &w->pos, "}\n");
    if (w->rc != 0) { return -1; }
    return fwrite(w->b, 1, w->pos, f) == w->pos ? 0 : -1;
}

static const char *node_or_empty(const struct scn *s, int32_t node) {
    return node >= 0 && (uint32_t)node < s->nodes_len ? s->nodes[node].name : "";
}

int rep_run_write_json(FILE *f, const struct rep_run *run) {
    const struct scn *s = run->scn;
    struct wbuf w = {malloc(REP__JSON_LINE_MAX), REP__JSON_LINE_MAX, 0, 0};
    if (w.b == NULL) { return -1; }
    int rc = 0;
    begin(&w, "run");
    num(&w, "version", 1);
    str(&w, "scenario", s->path != NULL ? s->path : "");
    str(&w, "name", s->name);
    str(&w, "mode", rep_mode_name(run->mode));
    num(&w, "seed", run->seed);
    num(&w, "fault_t_ms", run->fault_t_ms);
    num(&w, "end_t_ms", run->end_t_ms);
    str(&w, "failure", run->failure);
    rc |= end(&w, f);
    for (uint32_t i = 0; i < run->names_len; i++) {
        const struct rep_name *n = &run->names[i];
        begin(&w, "name");
        str(&w, "proc", rep__proc_name(s, n->proc));
        str(&w, "ip", n->ip);
        num(&w, "port", n->port);
        str(&w, "runid", n->runid);
        rc |= end(&w, f);
    }
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        const struct rep_node_state *st = &run->nodes[i];
        begin(&w, "final-node");
        str(&w, "proc", s->nodes[i].name);
        flag(&w, "up", st->up);
        flag(&w, "master", st->is_master);
        str(&w, "upstream", node_or_empty(s, st->upstream));
        flag(&w, "link_up", st->link_up);
        num(&w, "repl_offset", st->repl_offset);
        rc |= end(&w, f);
    }
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        const struct rep_sentinel_state *st = &run->sentinels[i];
        begin(&w, "final-sentinel");
        str(&w, "proc", s->sentinels[i].name);
        flag(&w, "up", st->up);
        num(&w, "epoch", st->current_epoch);
        w.rc |= rep__json_cat(w.b, w.cap, &w.pos, ",\"masters\":[");
        for (uint32_t g = 0; g < s->groups_len; g++) {
            if (g > 0) { w.rc |= rep__json_cat(w.b, w.cap, &w.pos, ","); }
            w.rc |= rep__json_str(w.b, w.cap, &w.pos, node_or_empty(s, st->master_of_group[g]));
        }
        w.rc |= rep__json_cat(w.b, w.cap, &w.pos, "]");
        rc |= end(&w, f);
    }
    begin(&w, "writes");
    num(&w, "acked", run->writes.acked);
    num(&w, "lost", run->writes.lost);
    num(&w, "refused", run->writes.refused);
    rc |= end(&w, f);
    free(w.b);
    if (rc != 0) { return -1; }
    return rep_log_write_json(f, &run->log);
}

int rep_run_save(const struct rep_run *run, const char *path) {
    FILE *f = fopen(path, "w");
    if (f == NULL) { return -1; }
    int rc = rep_run_write_json(f, run);
    if (fclose(f) != 0) { rc = -1; }
    return rc;
}

/* ---------------------------------------------------------------- reading */

struct rd {
    const char *path;
    uint32_t line;
    char *err;
    size_t errlen;
    const struct rep__json_obj *o;
};

static int rd_fail(struct rd *r, uint32_t col, const char *msg, const char *what) {
    snprintf(r->err, r->errlen, "%s:%u:%u: %s%s%s%s", r->path, r->line, col, msg,
             what != NULL ? " \"" : "", what != NULL ? what : "", what != NULL ? "\"" : "");
    return -1;
}

/* Refuses fields other than the listed ones (NULL-terminated). */
static int only(struct rd *r, const char *const *keys) {
    for (uint32_t i = 0; i < r->o->len; i++) {
        bool ok = false;
        for (const char *const *k = keys; *k != NULL; k++) {
            ok = ok || strcmp(*k, r->o->fields[i].key) == 0;
        }
        if (!ok) { return rd_fail(r, r->o->fields[i].col, "unknown field", r->o->fields[i].key); }
    }
    return 0;
}

static const struct rep__json_field *field(struct rd *r,
                                           const char *key,
                                           enum rep__json_type type) {
    const struct rep__json_field *f = rep__json_get(r->o, key);
    if (f == NULL) {
        rd_fail(r, 1, "missing field", key);
        return NULL;
    }
    if (f->type != type) {
        rd_fail(r, f->col, "wrong type for field", key);
        return NULL;
    }
    return f;
}

static int get_u64(struct rd *r, const char *key, uint64_t max, uint64_t *out) {
    const struct rep__json_field *f = field(r, key, REP__JSON_INT);
    if (f == NULL) { return -1; }
    if (f->num < 0 || (uint64_t)f->num > max) { return rd_fail(r, f->col, "out of range", key); }
    *out = (uint64_t)f->num;
    return 0;
}

static int get_bool(struct rd *r, const char *key, bool *out) {
    const struct rep__json_field *f = field(r, key, REP__JSON_BOOL);
    if (f == NULL) { return -1; }
    *out = f->flag;
    return 0;
}

static const char *get_str(struct rd *r, const char *key, size_t cap) {
    const struct rep__json_field *f = field(r, key, REP__JSON_STRING);
    if (f == NULL) { return NULL; }
    if (strlen(f->str) >= cap) {
        rd_fail(r, f->col, "string too long in", key);
        return NULL;
    }
    return f->str;
}

/* A process of a given kind named by field key. */
static int get_proc(struct rd *r,
                    const struct rep_run *run,
                    const char *key,
                    enum scn_proc_kind kind,
                    struct scn_proc *out) {
    const char *name = get_str(r, key, SCN_NAME_MAX);
    if (name == NULL) { return -1; }
    if (rep__find_proc(run, name, out) < 0 || out->kind != kind) {
        return rd_fail(r, rep__json_get(r->o, key)->col, "unknown process", name);
    }
    return 0;
}

/* A node name or "" (-1). */
static int node_index(
    struct rd *r, const struct rep_run *run, const char *name, uint32_t col, int32_t *out) {
    struct scn_proc p;
    if (name[0] == '\0') {
        *out = -1;
        return 0;
    }
    if (rep__find_proc(run, name, &p) < 0 || p.kind != SCN_PROC_NODE) {
        return rd_fail(r, col, "unknown node", name);
    }
    *out = (int32_t)p.index;
    return 0;
}

static int read_run(struct rd *r, struct rep_run *run) {
    static const char *const keys[] = {"kind", "version",    "scenario", "name",    "mode",
                                       "seed", "fault_t_ms", "end_t_ms", "failure", NULL};
    uint64_t version;
    if (only(r, keys) < 0 || get_u64(r, "version", 1, &version) < 0) { return -1; }
    const char *mode = get_str(r, "mode", 32);
    const char *failure = get_str(r, "failure", sizeof(run->failure));
    if (mode == NULL || failure == NULL || get_u64(r, "seed", UINT64_MAX, &run->seed) < 0 ||
        get_u64(r, "fault_t_ms", UINT64_MAX, &run->fault_t_ms) < 0 ||
        get_u64(r, "end_t_ms", UINT64_MAX, &run->end_t_ms) < 0) {
        return -1;
    }
    if (rep_mode_parse(mode, &run->mode) < 0) {
        return rd_fail(r, rep__json_get(r->o, "mode")->col, "unknown mode", mode);
    }
    snprintf(run->failure, sizeof(run->failure), "%s", failure);
    return 0;
}

static int read_name(struct rd *r, struct rep_run *run) {
    static const char *const keys[] = {"kind", "proc", "ip", "port", "runid", NULL};
    struct scn_proc p;
    uint64_t port;
    const char *name, *ip, *runid;
    if (only(r, keys) < 0 || (name = get_str(r, "proc", SCN_NAME_MAX)) == NULL ||
        (ip = get_str(r, "ip", REP_IP_MAX)) == NULL ||
        (runid = get_str(r, "runid", REP_RUNID_LEN + 1)) == NULL ||
        get_u64(r, "port", 65535, &port) < 0) {
        return -1;
    }
    if (rep__find_proc(run, name, &p) < 0) {
        return rd_fail(r, rep__json_get(r->o, "proc")->col, "unknown process", name);
    }
    if (rep_run_add_name(run, ip, (uint16_t)port, runid, p) < 0) {
        return rd_fail(r, 1, "too many name records", NULL);
    }
    return 0;
}

static int read_node(struct rd *r, struct rep_run *run) {
    static const char *const keys[] = {"kind",     "proc",    "up",          "master",
                                       "upstream", "link_up", "repl_offset", NULL};
    struct scn_proc p;
    if (only(r, keys) < 0 || get_proc(r, run, "proc", SCN_PROC_NODE, &p) < 0) { return -1; }
    struct rep_node_state *st = &run->nodes[p.index];
    const char *up = get_str(r, "upstream", SCN_NAME_MAX);
    if (up == NULL || get_bool(r, "up", &st->up) < 0 || get_bool(r, "master", &st->is_master) < 0 ||
        get_bool(r, "link_up", &st->link_up) < 0 ||
        get_u64(r, "repl_offset", UINT64_MAX, &st->repl_offset) < 0) {
        return -1;
    }
    return node_index(r, run, up, rep__json_get(r->o, "upstream")->col, &st->upstream);
}

static int read_sentinel(struct rd *r, struct rep_run *run) {
    static const char *const keys[] = {"kind", "proc", "up", "epoch", "masters", NULL};
    struct scn_proc p;
    if (only(r, keys) < 0 || get_proc(r, run, "proc", SCN_PROC_SENTINEL, &p) < 0) { return -1; }
    struct rep_sentinel_state *st = &run->sentinels[p.index];
    const struct rep__json_field *m = field(r, "masters", REP__JSON_ARRAY);
    if (m == NULL || get_bool(r, "up", &st->up) < 0 ||
        get_u64(r, "epoch", UINT64_MAX, &st->current_epoch) < 0) {
        return -1;
    }
    if (m->arr_len != run->scn->groups_len) {
        return rd_fail(r, m->col, "masters must list one node per monitored master", NULL);
    }
    const char *item = m->str;
    for (uint32_t g = 0; g < m->arr_len; g++) {
        if (node_index(r, run, item, m->col, &st->master_of_group[g]) < 0) { return -1; }
        item += strlen(item) + 1;
    }
    return 0;
}

static int read_writes(struct rd *r, struct rep_run *run) {
    static const char *const keys[] = {"kind", "acked", "lost", "refused", NULL};
    if (only(r, keys) < 0 || get_u64(r, "acked", UINT64_MAX, &run->writes.acked) < 0 ||
        get_u64(r, "lost", UINT64_MAX, &run->writes.lost) < 0 ||
        get_u64(r, "refused", UINT64_MAX, &run->writes.refused) < 0) {
        return -1;
    }
    return 0;
}

/* Loads the scenario named by the first record and initializes the run. */
static int open_run(struct rd *r, const char *scenario, struct rep_run_file *out) {
    const struct rep__json_field *k = rep__json_get(r->o, "kind");
    if (k == NULL || k->type != REP__JSON_STRING || strcmp(k->str, "run") != 0) {
        return rd_fail(r, 1, "a run file starts with a {\"kind\":\"run\"} record", NULL);
    }
    const char *path = scenario;
    if (path == NULL && (path = get_str(r, "scenario", 4096)) == NULL) { return -1; }
    struct scn_error se;
    if (scn_load(path, &out->scn, &se) < 0) {
        char msg[600];
        scn_error_format(&se, msg, sizeof(msg));
        return rd_fail(r, 1, "cannot load the scenario:", msg);
    }
    const struct scn *s = &out->scn;
    uint32_t cap = 4 * (s->nodes_len + s->sentinels_len) + 64;
    if (rep_run_init(&out->run, s, REP_MODE_SIM, cap) < 0) {
        scn_free(&out->scn);
        return rd_fail(r, 1, "out of memory", NULL);
    }
    out->loaded = 1;
    return read_run(r, &out->run);
}

static int read_line(struct rd *r, const char *scenario, struct rep_run_file *out) {
    if (!out->loaded) { return open_run(r, scenario, out); }
    if (!rep__json_is_header(r->o)) {
        return rep__event_parse(r->path, r->line, r->o, &out->run.log, r->err, r->errlen);
    }
    const char *kind = rep__json_get(r->o, "kind")->str;
    if (strcmp(kind, "name") == 0) { return read_name(r, &out->run); }
    if (strcmp(kind, "final-node") == 0) { return read_node(r, &out->run); }
    if (strcmp(kind, "final-sentinel") == 0) { return read_sentinel(r, &out->run); }
    if (strcmp(kind, "writes") == 0) { return read_writes(r, &out->run); }
    return rd_fail(r, 1, "a second run record", NULL);
}

int rep_run_read_json(
    const char *path, const char *scenario, struct rep_run_file *out, char *err, size_t errlen) {
    memset(out, 0, sizeof(*out));
    err[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s:0:0: %s", path, strerror(errno));
        return -1;
    }
    struct rep__json_obj *obj = malloc(sizeof(*obj));
    char *line = malloc(REP__JSON_LINE_MAX + 2);
    struct rd r = {path, 0, err, errlen, obj};
    int rc = -1;
    if (obj == NULL || line == NULL) {
        snprintf(err, errlen, "%s:0:0: out of memory", path);
        goto done;
    }
    while (fgets(line, REP__JSON_LINE_MAX + 2, f) != NULL) {
        r.line++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        } else if (!feof(f)) {
            rd_fail(&r, REP__JSON_LINE_MAX + 1, "line longer than 64 KiB", NULL);
            goto done;
        }
        uint32_t col;
        char msg[96];
        if (rep__json_parse(line, n, obj, &col, msg, sizeof(msg)) < 0) {
            rd_fail(&r, col, msg, NULL);
            goto done;
        }
        if (read_line(&r, scenario, out) < 0) { goto done; }
    }
    if (!out->loaded) {
        r.line = 1;
        rd_fail(&r, 1, "empty run file", NULL);
        goto done;
    }
    rc = 0;
done:
    if (rc < 0) { rep_run_file_free(out); }
    free(line);
    free(obj);
    fclose(f);
    return rc;
}

void rep_run_file_free(struct rep_run_file *rf) {
    if (rf->loaded) {
        rep_run_free(&rf->run);
        scn_free(&rf->scn);
    }
    memset(rf, 0, sizeof(*rf));
}
