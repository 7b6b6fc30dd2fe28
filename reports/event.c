/* event.c: the event record, its JSON Lines form and the determinism hash.
 *
 * Method: one formatter produces the JSON bytes of a record; writing a log
 * and hashing it both go through it, so the hash is the hash of exactly
 * what a run file holds. The reader is strict (json.c) and checks each
 * record's fields, types and bounds, naming file:line:col on error. Header
 * records of a run file (runfile.h) are skipped, so a run file reads as a
 * plain log too.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reports/json.h"
#include "reports/rep_assert.h"
#include "scenarios/scenario.h"

#define EVENT_LINE_MAX 4096u /* a record's JSON line; the longest possible fits */

static const char *const kind_names[] = {"event", "log", "explain", "fault", "check", "node"};
static const char *const level_names[] = {"debug", "verbose", "notice", "warning"};
static const char level_chars[] = {'.', '-', '*', '#'};

/* ---------------------------------------------------------------- the log */

void rep_log_init(struct rep_log *log) {
    REP_ASSERT(log != NULL);
    memset(log, 0, sizeof(*log));
}

void rep_log_free(struct rep_log *log) {
    REP_ASSERT(log != NULL);
    free(log->events);
    memset(log, 0, sizeof(*log));
}

static void copy_field(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    /* Callers promise the bounds of event.h; a longer string is their bug. */
    REP_ASSERT(n < cap);
    memcpy(dst, src, n + 1);
}

int rep_log_append(struct rep_log *log,
                   uint64_t t_ms,
                   enum rep_kind kind,
                   enum rep_level level,
                   const char *proc,
                   const char *type,
                   const char *text) {
    REP_ASSERT(log != NULL);
    REP_ASSERT(kind <= REP_KIND_NODE);
    REP_ASSERT(level <= REP_LEVEL_WARNING);
    if (log->len >= REP_EVENTS_MAX) { return -1; }
    if (log->len == log->cap) {
        size_t cap = log->cap == 0 ? 256 : log->cap * 2;
        if (cap > REP_EVENTS_MAX) { cap = REP_EVENTS_MAX; }
        struct rep_event *ev = realloc(log->events, cap * sizeof(*ev));
        REP_ASSERT(ev != NULL);
        log->events = ev;
        log->cap = cap;
    }
    struct rep_event *ev = &log->events[log->len];
    memset(ev, 0, sizeof(*ev));
    ev->seq = log->len;
    ev->t_ms = t_ms;
    ev->kind = kind;
    ev->level = level;
    copy_field(ev->proc, sizeof(ev->proc), proc != NULL ? proc : "");
    copy_field(ev->type, sizeof(ev->type), type != NULL ? type : "");
    copy_field(ev->text, sizeof(ev->text), text != NULL ? text : "");
    log->len++;
    return 0;
}

static int cmp_time_seq(const void *a, const void *b) {
    const struct rep_event *x = a, *y = b;
    if (x->t_ms != y->t_ms) { return x->t_ms < y->t_ms ? -1 : 1; }
    if (x->seq != y->seq) { return x->seq < y->seq ? -1 : 1; }
    /* Equal seq happens when several files were appended separately; fall back to process. */
    return strcmp(x->proc, y->proc);
}

void rep_log_sort(struct rep_log *log) {
    REP_ASSERT(log != NULL);
    if (log->len > 1) { qsort(log->events, log->len, sizeof(log->events[0]), cmp_time_seq); }
    for (size_t i = 0; i < log->len; i++) {
        log->events[i].seq = i;
    }
}

/* ---------------------------------------------------------------- names */

const char *rep_kind_name(enum rep_kind kind) {
    REP_ASSERT(kind <= REP_KIND_NODE);
    return kind_names[kind];
}

const char *rep_level_name(enum rep_level level) {
    REP_ASSERT(level <= REP_LEVEL_WARNING);
    return level_names[level];
}

char rep_level_char(enum rep_level level) {
    REP_ASSERT(level <= REP_LEVEL_WARNING);
    return level_chars[level];
}

int rep_kind_parse(const char *s, enum rep_kind *out) {
    for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum rep_kind)i;
            return 0;
        }
    }
    return -1;
}

int rep_level_parse(const char *s, enum rep_level *out) {
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum rep_level)i;
            return 0;
        }
    }
    return -1;
}

int rep_event_type_known(const char *type) {
    return scn_event_type_index(type) >= 0;
}

/* ---------------------------------------------------------------- writing and hashing */

/* The JSON line of a record, '\n' included; returns its length. */
/* Built with plain appends: every event of every run is formatted here for
 * the log hash, and printf was most of that cost. */
static size_t format_json(const struct rep_event *ev, char *buf, size_t cap) {
    size_t pos = 0;
    const char *kind = rep_kind_name(ev->kind), *level = rep_level_name(ev->level);
#define LIT(s) rep__json_put(buf, cap, &pos, s, sizeof(s) - 1)
    int rc = LIT("{\"seq\":");
    rc |= rep__json_u64(buf, cap, &pos, (unsigned long long)ev->seq);
    rc |= LIT(",\"t_ms\":");
    rc |= rep__json_u64(buf, cap, &pos, (unsigned long long)ev->t_ms);
    rc |= LIT(",\"proc\":");
    rc |= rep__json_str(buf, cap, &pos, ev->proc);
    rc |= LIT(",\"kind\":\"");
    rc |= rep__json_put(buf, cap, &pos, kind, strlen(kind));
    rc |= LIT("\",\"level\":\"");
    rc |= rep__json_put(buf, cap, &pos, level, strlen(level));
    rc |= LIT("\",\"type\":");
    rc |= rep__json_str(buf, cap, &pos, ev->type);
    rc |= LIT(",\"text\":");
    rc |= rep__json_str(buf, cap, &pos, ev->text);
    rc |= LIT("}\n");
#undef LIT
    /* The field bounds make the worst case (every byte escaped) fit EVENT_LINE_MAX. */
    REP_ASSERT(rc == 0);
    return pos;
}

int rep_event_write_json(FILE *f, const struct rep_event *ev) {
    char buf[EVENT_LINE_MAX];
    size_t n = format_json(ev, buf, sizeof(buf));
    return fwrite(buf, 1, n, f) == n ? 0 : -1;
}

int rep_log_write_json(FILE *f, const struct rep_log *log) {
    for (size_t i = 0; i < log->len; i++) {
        if (rep_event_write_json(f, &log->events[i]) < 0) { return -1; }
    }
    return 0;
}

uint64_t rep_log_hash(const struct rep_log *log) {
    uint64_t h = UINT64_C(14695981039346656037);
    char buf[EVENT_LINE_MAX];
    for (size_t i = 0; i < log->len; i++) {
        size_t n = format_json(&log->events[i], buf, sizeof(buf));
        for (size_t k = 0; k < n; k++) {
            h ^= (unsigned char)buf[k];
            h *= UINT64_C(1099511628211);
        }
    }
    return h;
}

/* ---------------------------------------------------------------- reading */

struct reader {
    const char *path;
    uint32_t line;
    char *err;
    size_t errlen;
};

static int bad(const struct reader *r, uint32_t col, const char *msg, const char *key) {
    if (key != NULL) {
        snprintf(r->err, r->errlen, "%s:%u:%u: %s \"%s\"", r->path, r->line, col, msg, key);
    } else {
        snprintf(r->err, r->errlen, "%s:%u:%u: %s", r->path, r->line, col, msg);
    }
    return -1;
}

static int get_uint(const struct reader *r,
                    const struct rep__json_obj *o,
                    const char *key,
                    uint64_t *out) {
    const struct rep__json_field *f = rep__json_get(o, key);
    if (f == NULL) { return bad(r, 1, "missing field", key); }
    if (f->type != REP__JSON_INT || f->num < 0) {
        return bad(r, f->col, "expected a non-negative integer for", key);
    }
    *out = (uint64_t)f->num;
    return 0;
}

static int get_str(
    const struct reader *r, const struct rep__json_obj *o, const char *key, char *dst, size_t cap) {
    const struct rep__json_field *f = rep__json_get(o, key);
    if (f == NULL) { return bad(r, 1, "missing field", key); }
    if (f->type != REP__JSON_STRING) { return bad(r, f->col, "expected a string for", key); }
    if (strlen(f->str) >= cap) { return bad(r, f->col, "string too long for", key); }
    memcpy(dst, f->str, strlen(f->str) + 1);
    return 0;
}

/* Whether a record without "seq" is one of runfile.h's header records. */
static bool is_header(const struct rep__json_obj *o) {
    static const char *const kinds[] = {"run", "name", "final-node", "final-sentinel", "writes"};
    const struct rep__json_field *k = rep__json_get(o, "kind");
    if (k == NULL || k->type != REP__JSON_STRING) { return false; }
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(k->str, kinds[i]) == 0) { return true; }
    }
    return false;
}

static int parse_record(const struct reader *r,
                        const struct rep__json_obj *o,
                        struct rep_log *log) {
    static const char *const keys[] = {"seq", "t_ms", "proc", "kind", "level", "type", "text"};
    struct rep_event ev;
    memset(&ev, 0, sizeof(ev));
    for (uint32_t i = 0; i < o->len; i++) {
        bool ok = false;
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            ok = ok || strcmp(o->fields[i].key, keys[k]) == 0;
        }
        if (!ok) { return bad(r, o->fields[i].col, "unknown field", o->fields[i].key); }
    }
    char kind[16], level[16];
    if (get_uint(r, o, "seq", &ev.seq) < 0 || get_uint(r, o, "t_ms", &ev.t_ms) < 0 ||
        get_str(r, o, "proc", ev.proc, sizeof(ev.proc)) < 0 ||
        get_str(r, o, "kind", kind, sizeof(kind)) < 0 ||
        get_str(r, o, "level", level, sizeof(level)) < 0 ||
        get_str(r, o, "type", ev.type, sizeof(ev.type)) < 0 ||
        get_str(r, o, "text", ev.text, sizeof(ev.text)) < 0) {
        return -1;
    }
    if (rep_kind_parse(kind, &ev.kind) < 0) {
        return bad(r, rep__json_get(o, "kind")->col, "unknown kind", kind);
    }
    if (rep_level_parse(level, &ev.level) < 0) {
        return bad(r, rep__json_get(o, "level")->col, "unknown level", level);
    }
    if (ev.seq != log->len) {
        return bad(r, rep__json_get(o, "seq")->col, "seq out of order in", "seq");
    }
    if (rep_log_append(log, ev.t_ms, ev.kind, ev.level, ev.proc, ev.type, ev.text) < 0) {
        return bad(r, 1, "too many records", NULL);
    }
    return 0;
}

int rep__event_parse(const char *path,
                     uint32_t line,
                     const struct rep__json_obj *obj,
                     struct rep_log *log,
                     char *err,
                     size_t errlen) {
    struct reader r = {path, line, err, errlen};
    return parse_record(&r, obj, log);
}

bool rep__json_is_header(const struct rep__json_obj *obj) {
    return rep__json_get(obj, "seq") == NULL && is_header(obj);
}

int rep_log_read_json(const char *path, struct rep_log *log, char *err, size_t errlen) {
    struct reader r = {path, 0, err, errlen};
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s:0:0: %s", path, strerror(errno));
        return -1;
    }
    struct rep__json_obj *obj = malloc(sizeof(*obj));
    char *line = malloc(REP__JSON_LINE_MAX + 2);
    int rc = -1;
    if (obj == NULL || line == NULL) {
        snprintf(err, errlen, "%s:0:0: out of memory", path);
        goto done;
    }
    for (;;) {
        if (fgets(line, REP__JSON_LINE_MAX + 2, f) == NULL) { break; }
        r.line++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        } else if (!feof(f)) {
            bad(&r, REP__JSON_LINE_MAX + 1, "line longer than 64 KiB", NULL);
            goto done;
        }
        /* Only run-file header records (runfile.h) may be longer than an event line. */
        if (n > EVENT_LINE_MAX && strncmp(line, "{\"kind\":", 8) != 0) {
            bad(&r, EVENT_LINE_MAX + 1, "line longer than 4 KiB", NULL);
            goto done;
        }
        if (n == 0) {
            bad(&r, 1, "empty line", NULL);
            goto done;
        }
        uint32_t col;
        char msg[96];
        if (rep__json_parse(line, n, obj, &col, msg, sizeof(msg)) < 0) {
            bad(&r, col, msg, NULL);
            goto done;
        }
        if (rep__json_is_header(obj)) { continue; }
        if (parse_record(&r, obj, log) < 0) { goto done; }
    }
    if (ferror(f)) {
        bad(&r, 0, strerror(errno), NULL);
        goto done;
    }
    rc = 0;
done:
    free(line);
    free(obj);
    fclose(f);
    return rc;
}
