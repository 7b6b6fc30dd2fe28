/* log.c: Redis-format log lines from event records, and back.
 *
 * Method: simulated dates are computed from the run epoch with integer
 * civil-calendar arithmetic (no time zone, no libc clock), so rendering is
 * deterministic; real dates are local time as Redis printed them and go
 * through mktime(). A data node's role letter is tracked from the
 * sentinels' own events, the only account of roles every run has.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/internal.h"
#include "reports/rep_assert.h"

static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* ---------------------------------------------------------------- formatting */

/* Days since 1970-01-01 to a proleptic Gregorian date. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    uint64_t doe = (uint64_t)(z - era * 146097);
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int rep_log_format_line(
    const struct rep_event *ev, uint32_t pid, char role, char *buf, size_t len) {
    REP_ASSERT(ev != NULL);
    REP_ASSERT(role == 'X' || role == 'M' || role == 'S' || role == 'C');
    uint64_t ms = REP_LOG_EPOCH_UNIX_MS + ev->t_ms;
    uint64_t secs = ms / 1000;
    int64_t y;
    unsigned mo, d;
    civil_from_days((int64_t)(secs / 86400), &y, &mo, &d);
    uint64_t sod = secs % 86400;
    int n = snprintf(buf, len, "%u:%c %02u %s %lld %02u:%02u:%02u.%03u %c %s%s%s", pid, role, d,
                     months[mo - 1], (long long)y, (unsigned)(sod / 3600),
                     (unsigned)(sod / 60 % 60), (unsigned)(sod % 60), (unsigned)(ms % 1000),
                     rep_level_char(ev->level), ev->type, ev->type[0] != '\0' ? " " : "", ev->text);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The fake pid and role of each process of a run, and a node's current role. */
struct procs {
    const struct rep_run *run;
    char extra[16][REP_PROC_NAME_MAX]; /* client, harness ... in order of appearance */
    uint32_t extra_len;
    bool *node_master;
};

static uint32_t proc_pid(struct procs *ps, const char *proc, char *role) {
    const struct scn *s = ps->run->scn;
    struct scn_proc p;
    if (rep__find_proc(ps->run, proc, &p) == 0) {
        if (p.kind == SCN_PROC_NODE) {
            *role = ps->node_master[p.index] ? 'M' : 'S';
            return REP_LOG_PID_BASE + p.index;
        }
        *role = 'X';
        return REP_LOG_PID_BASE + s->nodes_len + p.index;
    }
    /* Harness and client lines are not Redis's; they take the child letter. */
    *role = 'C';
    uint32_t base = REP_LOG_PID_BASE + s->nodes_len + s->sentinels_len;
    for (uint32_t i = 0; i < ps->extra_len; i++) {
        if (strcmp(ps->extra[i], proc) == 0) { return base + i; }
    }
    if (ps->extra_len == 16) { return base + 16; }
    snprintf(ps->extra[ps->extra_len], REP_PROC_NAME_MAX, "%s", proc);
    return base + ps->extra_len++;
}

/* The node named by words[at], words[at+1] ("ip port"), or -1. */
static int32_t node_at(const struct rep_run *run, char **w, size_t n, size_t at) {
    if (at + 1 >= n) { return -1; }
    return rep__node_of_addr(run, w[at], (unsigned)strtoul(w[at + 1], NULL, 10));
}

/* Follows role changes of data nodes from the sentinels' events. */
static void track_roles(struct procs *ps, const struct rep_event *ev) {
    if (ev->kind != REP_KIND_EVENT) { return; }
    char copy[REP_TEXT_MAX];
    snprintf(copy, sizeof(copy), "%s", ev->text);
    char *w[8];
    size_t n = rep__split(copy, w, 8);
    int32_t node = -1;
    bool master = false;
    if (strcmp(ev->type, "+promoted-slave") == 0) {
        node = node_at(ps->run, w, n, 2);
        master = true;
    } else if (strcmp(ev->type, "+switch-master") == 0) {
        node = node_at(ps->run, w, n, 3);
        master = true;
    } else if (strcmp(ev->type, "+convert-to-slave") == 0 ||
               strcmp(ev->type, "+slave-reconf-sent") == 0) {
        node = node_at(ps->run, w, n, 2);
    }
    if (node >= 0) { ps->node_master[node] = master; }
}

int rep_log_write_run(FILE *f, const struct rep_run *run, const char *proc) {
    REP_ASSERT(run != NULL);
    REP_ASSERT(run->scn != NULL);
    struct procs ps;
    memset(&ps, 0, sizeof(ps));
    ps.run = run;
    ps.node_master = calloc(run->scn->nodes_len + 1, sizeof(bool));
    if (ps.node_master == NULL) { return -1; }
    for (uint32_t i = 0; i < run->scn->nodes_len; i++) {
        ps.node_master[i] = run->scn->nodes[i].replicaof < 0;
    }
    int width = 0;
    for (size_t i = 0; i < run->log.len; i++) {
        int w = (int)strlen(run->log.events[i].proc);
        width = w > width ? w : width;
    }
    int rc = 0;
    for (size_t i = 0; i < run->log.len && rc == 0; i++) {
        const struct rep_event *ev = &run->log.events[i];
        char role;
        uint32_t pid = proc_pid(&ps, ev->proc, &role);
        track_roles(&ps, ev);
        if (proc != NULL && strcmp(proc, ev->proc) != 0) { continue; }
        char line[REP_LOG_LINE_MAX];
        int frc = rep_log_format_line(ev, pid, role, line, sizeof(line));
        REP_ASSERT(frc == 0); /* REP_LOG_LINE_MAX holds the longest record */
        if (proc == NULL) {
            rc = fprintf(f, "%-*s | %s\n", width, ev->proc, line) < 0 ? -1 : 0;
        } else {
            rc = fprintf(f, "%s\n", line) < 0 ? -1 : 0;
        }
    }
    free(ps.node_master);
    return rc;
}

/* ---------------------------------------------------------------- parsing real logs */

struct lex {
    const char *s;
    size_t i;
};

static int digits(struct lex *x, unsigned min, unsigned max, unsigned long *out) {
    unsigned n = 0;
    unsigned long v = 0;
    while (x->s[x->i] >= '0' && x->s[x->i] <= '9' && n < max) {
        v = v * 10 + (unsigned long)(x->s[x->i++] - '0');
        n++;
    }
    *out = v;
    return n >= min ? 0 : -1;
}

static int expect_char(struct lex *x, char c) {
    if (x->s[x->i] != c) { return -1; }
    x->i++;
    return 0;
}

/* Fills ev->type/text/kind from the text after the level character. */
static void classify(const char *text, char role, struct rep_event *ev) {
    const char *sp = strchr(text, ' ');
    size_t wlen = sp != NULL ? (size_t)(sp - text) : strlen(text);
    char word[REP_TYPE_MAX];
    bool event = false;
    if ((text[0] == '+' || text[0] == '-') && wlen < sizeof(word)) {
        memcpy(word, text, wlen);
        word[wlen] = '\0';
        event = rep_event_type_known(word) != 0;
    }
    if (event && role == 'X') {
        ev->kind = REP_KIND_EVENT;
        memcpy(ev->type, word, wlen + 1);
        text = sp != NULL ? sp + 1 : "";
    } else {
        ev->kind = role == 'X' ? REP_KIND_LOG : REP_KIND_NODE;
    }
    /* A real text longer than the record holds is cut, not an error: logs are evidence. */
    snprintf(ev->text, sizeof(ev->text), "%s", text);
}

int rep_log_parse_line(const char *line,
                       const char *proc,
                       uint64_t origin_unix_ms,
                       struct rep_event *out) {
    REP_ASSERT(line != NULL);
    REP_ASSERT(out != NULL);
    struct lex x = {line, 0};
    unsigned long pid, day, year, hh, mm, ss, ms;
    if (digits(&x, 1, 10, &pid) < 0 || x.s[x.i] != ':') { return 1; }
    x.i++;
    char role = x.s[x.i];
    /* "<pid>:signal-handler (<time>) ..." and the like are not log lines proper. */
    if ((role != 'X' && role != 'M' && role != 'S' && role != 'C') || x.s[x.i + 1] != ' ') {
        return 1;
    }
    x.i++;
    if (expect_char(&x, ' ') < 0 || digits(&x, 1, 2, &day) < 0 || expect_char(&x, ' ') < 0) {
        return -1;
    }
    int mon = -1;
    for (int m = 0; m < 12; m++) {
        if (strncmp(x.s + x.i, months[m], 3) == 0) { mon = m; }
    }
    if (mon < 0) { return -1; }
    x.i += 3;
    if (expect_char(&x, ' ') < 0 || digits(&x, 4, 4, &year) < 0 || expect_char(&x, ' ') < 0 ||
        digits(&x, 2, 2, &hh) < 0 || expect_char(&x, ':') < 0 || digits(&x, 2, 2, &mm) < 0 ||
        expect_char(&x, ':') < 0 || digits(&x, 2, 2, &ss) < 0 || expect_char(&x, '.') < 0 ||
        digits(&x, 3, 3, &ms) < 0 || expect_char(&x, ' ') < 0) {
        return -1;
    }
    const char *levels = ".-*#";
    const char *lv = strchr(levels, x.s[x.i]);
    if (x.s[x.i] == '\0' || lv == NULL) { return -1; }
    x.i++;
    if (expect_char(&x, ' ') < 0) { return -1; }
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = (int)year - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = (int)day;
    tm.tm_hour = (int)hh;
    tm.tm_min = (int)mm;
    tm.tm_sec = (int)ss;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1) { return -1; }
    uint64_t unix_ms = (uint64_t)t * 1000 + ms;
    memset(out, 0, sizeof(*out));
    out->t_ms = unix_ms > origin_unix_ms ? unix_ms - origin_unix_ms : 0;
    out->level = (enum rep_level)(lv - levels);
    snprintf(out->proc, sizeof(out->proc), "%s", proc);
    classify(x.s + x.i, role, out);
    return 0;
}

int rep_log_parse_file(const char *path,
                       const char *proc,
                       uint64_t origin_unix_ms,
                       struct rep_log *log,
                       char *err,
                       size_t errlen) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s:0:0: %s", path, strerror(errno));
        return -1;
    }
    char line[4096 + 2];
    uint32_t lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        } else if (!feof(f)) {
            snprintf(err, errlen, "%s:%u:4097: line longer than 4 KiB", path, lineno);
            rc = -1;
            break;
        }
        struct rep_event ev;
        int r = rep_log_parse_line(line, proc, origin_unix_ms, &ev);
        if (r < 0) {
            snprintf(err, errlen, "%s:%u:1: not a Redis log line", path, lineno);
            rc = -1;
        } else if (r == 0 &&
                   rep_log_append(log, ev.t_ms, ev.kind, ev.level, ev.proc, ev.type, ev.text) < 0) {
            snprintf(err, errlen, "%s:%u:1: too many records", path, lineno);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s:%u:0: %s", path, lineno, strerror(errno));
        rc = -1;
    }
    fclose(f);
    return rc;
}
