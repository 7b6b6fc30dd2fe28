/* html.c: a self-contained HTML page per scenario run, with an SVG swimlane
 * timeline (one lane per process) and the run's Redis log lines.
 *
 * Method: times are offsets from the first fault, so a sim run and a real
 * run of the same scenario share one scale and sit side by side. Spans
 * (a node down, a sentinel's SDOWN and ODOWN of a master) are paired from
 * start and end records; single events are marks on the lane of the
 * process they concern (a promotion on the promoted node's lane, a
 * reconfiguration on the replica's). Everything is integer arithmetic and
 * inline SVG/CSS: no script, no external file, and the same run renders
 * the same bytes.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "reports/diff.h"
#include "reports/internal.h"
#include "reports/log.h"
#include "reports/normalize.h"
#include "reports/rep_assert.h"
#include "reports/report.h"
#include "reports/runfile.h"

#define SVG_W         1000
#define LABEL_W       90
#define PLOT_X0       100
#define PLOT_X1       (SVG_W - 20)
#define AXIS_H        44
#define LANE_H        30
#define LOG_LINES_MAX 4000  /* log lines shown in the page; the run file has them all */
#define MARKS_MAX     20000 /* plain event ticks drawn per run */

static void esc(FILE *f, const char *s) {
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* ---------------------------------------------------------------- geometry */

#define BREAKS_MAX 64 /* compressed quiet gaps per page */

/* The time axis: offsets from the fault, mapped piecewise-linearly so that
 * long quiet stretches (waiting for down-after, for a restart) shrink to a
 * short break and the busy moments get the width. */
struct view {
    int64_t start_ms, end_ms; /* offsets from the fault */
    uint32_t n;               /* breakpoints */
    int64_t t[2 * BREAKS_MAX + 2];
    int64_t u[2 * BREAKS_MAX + 2]; /* virtual (shown) time at each breakpoint */
    uint32_t lanes;
    uint32_t height;
};

struct lane_ctx {
    const struct rep_run *run;
    const struct rep_norm *n;
    const struct view *v;
    FILE *f;
    uint32_t marks;
};

static int64_t xpos(const struct view *v, int64_t dt) {
    if (dt < v->start_ms) { dt = v->start_ms; }
    if (dt > v->end_ms) { dt = v->end_ms; }
    uint32_t i = 0;
    while (i + 2 < v->n && dt >= v->t[i + 1]) {
        i++;
    }
    int64_t seg = v->t[i + 1] - v->t[i];
    int64_t u = v->u[i] + (seg > 0 ? (dt - v->t[i]) * (v->u[i + 1] - v->u[i]) / seg : 0);
    return PLOT_X0 + u * (PLOT_X1 - PLOT_X0) / v->u[v->n - 1];
}

/* Whether [t[i], t[i+1]] is a compressed gap. */
static bool is_break(const struct view *v, uint32_t i) {
    return v->u[i + 1] - v->u[i] < v->t[i + 1] - v->t[i];
}

static int64_t dt_of(const struct rep_run *run, uint64_t t_ms) {
    return (int64_t)t_ms - (int64_t)run->fault_t_ms;
}

/* Lane of a process: nodes first, then sentinels; -1 for harness/client. */
static int32_t lane_of(const struct rep_run *run, const char *proc) {
    struct scn_proc p;
    if (rep__find_proc(run, proc, &p) < 0) { return -1; }
    return p.kind == SCN_PROC_NODE ? (int32_t)p.index : (int32_t)(run->scn->nodes_len + p.index);
}

static int64_t lane_y(int32_t lane) {
    return AXIS_H + (int64_t)lane * LANE_H;
}

static int cmp_i64(const void *x, const void *y) {
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* Adds the gaps longer than `gap` between the sorted times as breaks. */
static void add_breaks(struct view *v, const int64_t *times, size_t n, int64_t gap) {
    int64_t u = 0;
    v->n = 0;
    v->t[v->n] = v->start_ms;
    v->u[v->n++] = 0;
    int64_t prev = v->start_ms;
    for (size_t i = 0; i <= n; i++) {
        int64_t t = i < n ? times[i] : v->end_ms;
        if (t - prev > gap && v->n + 3 < 2 * BREAKS_MAX + 2) {
            /* Keep a little real time on both sides, squeeze the middle. */
            u += gap / 4;
            v->t[v->n] = prev + gap / 4;
            v->u[v->n++] = u;
            u += gap / 3;
            v->t[v->n] = t - gap / 4;
            v->u[v->n++] = u;
            u += gap / 4;
        } else {
            u += t - prev;
        }
        prev = t;
    }
    v->t[v->n] = v->end_ms;
    v->u[v->n++] = u > 0 ? u : 1;
}

/* A view covering both runs, from the first record to the last. */
static void view_of(const struct rep_run *a, const struct rep_run *b, struct view *v) {
    const struct rep_run *runs[2] = {a, b};
    size_t total = 0;
    for (int i = 0; i < 2; i++) {
        total += runs[i] != NULL ? runs[i]->log.len : 0;
    }
    int64_t *times = calloc(total + 1, sizeof(*times));
    int64_t first = 0, last = 1000;
    size_t n = 0;
    for (int i = 0; i < 2; i++) {
        const struct rep_run *r = runs[i];
        for (size_t k = 0; r != NULL && k < r->log.len; k++) {
            int64_t dt = dt_of(r, r->log.events[k].t_ms);
            first = dt < first ? dt : first;
            last = dt > last ? dt : last;
            if (times != NULL) { times[n++] = dt; }
        }
        if (r != NULL && dt_of(r, r->end_t_ms) > last) { last = dt_of(r, r->end_t_ms); }
    }
    v->start_ms = first;
    v->end_ms = last + (last - first) / 50 + 1;
    if (times != NULL) { qsort(times, n, sizeof(*times), cmp_i64); }
    int64_t gap = (v->end_ms - v->start_ms) / 12;
    add_breaks(v, times != NULL ? times : &first, times != NULL ? n : 0, gap > 1500 ? gap : 1500);
    free(times);
    v->lanes = a->scn->nodes_len + a->scn->sentinels_len;
    v->height = (uint32_t)(AXIS_H + v->lanes * LANE_H + 30);
}

/* ---------------------------------------------------------------- drawing primitives */

static void mark_title(struct lane_ctx *c, const struct rep_event *ev) {
    char dt[32];
    int64_t d = dt_of(c->run, ev->t_ms);
    snprintf(dt, sizeof(dt), "%+lld ms", (long long)d);
    fprintf(c->f, "<title>");
    esc(c->f, dt);
    fputc(' ', c->f);
    esc(c->f, ev->proc);
    fputc(' ', c->f);
    esc(c->f, ev->type);
    fputc(' ', c->f);
    esc(c->f, ev->text);
    fprintf(c->f, "</title>");
}

static void span(struct lane_ctx *c,
                 int32_t lane,
                 int64_t from,
                 int64_t to,
                 int inset,
                 const char *cls,
                 const char *title) {
    if (to < c->v->start_ms || from > c->v->end_ms) { return; }
    int64_t x0 = xpos(c->v, from), x1 = xpos(c->v, to);
    if (x1 - x0 < 2) { x1 = x0 + 2; }
    fprintf(c->f, "<rect class=\"%s\" x=\"%lld\" y=\"%lld\" width=\"%lld\" height=\"%d\">", cls,
            (long long)x0, (long long)(lane_y(lane) + inset), (long long)(x1 - x0),
            LANE_H - 2 * inset);
    fprintf(c->f, "<title>");
    esc(c->f, title);
    fprintf(c->f, "</title></rect>\n");
}

/* A shape at an event: "dot", "diamond", "bar", "tick", "cross". */
static void mark(struct lane_ctx *c,
                 int32_t lane,
                 const struct rep_event *ev,
                 const char *shape,
                 const char *cls,
                 const char *label) {
    int64_t dt = dt_of(c->run, ev->t_ms);
    if (lane < 0 || dt < c->v->start_ms || dt > c->v->end_ms) { return; }
    long long x = (long long)xpos(c->v, dt), y = (long long)lane_y(lane) + LANE_H / 2;
    fprintf(c->f, "<g class=\"%s\">", cls);
    if (strcmp(shape, "diamond") == 0) {
        fprintf(c->f, "<path d=\"M%lld %lldl6 6l-6 6l-6 -6z\"/>", x, y - 6);
    } else if (strcmp(shape, "dot") == 0) {
        fprintf(c->f, "<circle cx=\"%lld\" cy=\"%lld\" r=\"4\"/>", x, y);
    } else if (strcmp(shape, "bar") == 0) {
        fprintf(c->f, "<rect x=\"%lld\" y=\"%lld\" width=\"3\" height=\"%d\"/>", x - 1, y - 12, 24);
    } else if (strcmp(shape, "cross") == 0) {
        fprintf(c->f, "<path d=\"M%lld %lldl10 10m0 -10l-10 10\"/>", x - 5, y - 5);
    } else {
        fprintf(c->f, "<rect x=\"%lld\" y=\"%lld\" width=\"2\" height=\"10\"/>", x, y - 5);
    }
    mark_title(c, ev);
    if (label != NULL) {
        fprintf(c->f, "<text x=\"%lld\" y=\"%lld\">%s</text>", x + 5, y - 7, label);
    }
    fprintf(c->f, "</g>\n");
}

/* ---------------------------------------------------------------- spans */

/* The node a "%@" subject names ("<kind> <name> <ip> <port>"), or -1. */
static int32_t subject_node(const struct rep_run *run, const char *text) {
    char copy[REP_TEXT_MAX];
    snprintf(copy, sizeof(copy), "%s", text);
    char *w[6];
    if (rep__split(copy, w, 6) < 4) { return -1; }
    return rep__node_of_addr(run, w[2], (unsigned)strtoul(w[3], NULL, 10));
}

/* Node down spans from the fault records: kill/shutdown/pause start one,
 * restart/resume end it. Both drivers' forms are read: type "kill", text
 * "m"; or type "", text "kill m,r1". */
static void down_spans(struct lane_ctx *c) {
    const struct rep_run *run = c->run;
    uint32_t lanes = c->v->lanes;
    int64_t *since = malloc((lanes + 1) * sizeof(*since));
    if (since == NULL) { return; }
    for (uint32_t i = 0; i < lanes; i++) {
        since[i] = INT64_MIN;
    }
    for (size_t i = 0; i < run->log.len; i++) {
        const struct rep_event *ev = &run->log.events[i];
        if (ev->kind != REP_KIND_FAULT) { continue; }
        char copy[REP_TEXT_MAX + REP_TYPE_MAX + 2];
        snprintf(copy, sizeof(copy), "%s %s", ev->type, ev->text);
        for (char *p = copy; *p != '\0'; p++) {
            if (*p == ',') { *p = ' '; }
        }
        char *w[64];
        size_t n = rep__split(copy, w, 64);
        if (n < 2) { continue; }
        bool start = strcmp(w[0], "kill") == 0 || strcmp(w[0], "shutdown") == 0 ||
                     strcmp(w[0], "pause") == 0;
        bool stop = strcmp(w[0], "restart") == 0 || strcmp(w[0], "resume") == 0;
        for (size_t k = 1; k < n && (start || stop); k++) {
            int32_t lane = lane_of(run, w[k]);
            if (lane < 0) { continue; }
            int64_t dt = dt_of(run, ev->t_ms);
            if (start && since[lane] == INT64_MIN) { since[lane] = dt; }
            if (stop && since[lane] != INT64_MIN) {
                span(c, lane, since[lane], dt, 2, "down", w[0][0] == 'r' ? "down" : "paused");
                since[lane] = INT64_MIN;
            }
        }
    }
    for (uint32_t i = 0; i < lanes; i++) {
        if (since[i] != INT64_MIN) {
            span(c, (int32_t)i, since[i], c->v->end_ms, 2, "down", "down");
        }
    }
    free(since);
}

/* SDOWN (odown false) or ODOWN (odown true) spans of masters on one
 * sentinel's lane; drawn in two passes so ODOWN always lies on top. */
static void down_views(struct lane_ctx *c, int32_t sentinel, bool odown) {
    const struct rep_run *run = c->run;
    const char *proc = run->scn->sentinels[sentinel].name;
    int32_t lane = (int32_t)run->scn->nodes_len + sentinel;
    const char *on = odown ? "+odown" : "+sdown", *off = odown ? "-odown" : "-sdown";
    const char *cls = odown ? "odown" : "sdown", *title = odown ? "ODOWN" : "SDOWN";
    int inset = odown ? 10 : 7;
    int64_t since = INT64_MIN;
    for (size_t i = 0; i < run->log.len; i++) {
        const struct rep_event *ev = &run->log.events[i];
        if (ev->kind != REP_KIND_EVENT || strcmp(ev->proc, proc) != 0) { continue; }
        bool master = strncmp(ev->text, "master ", 7) == 0;
        int64_t dt = dt_of(run, ev->t_ms);
        /* A switch or reset rebuilds the master record: whatever it was, it is over. */
        bool reset =
            strcmp(ev->type, "+switch-master") == 0 || strcmp(ev->type, "+reset-master") == 0;
        if (master && strcmp(ev->type, on) == 0 && since == INT64_MIN) { since = dt; }
        if (((master && strcmp(ev->type, off) == 0) || reset) && since != INT64_MIN) {
            span(c, lane, since, dt, inset, cls, title);
            since = INT64_MIN;
        }
    }
    if (since != INT64_MIN) { span(c, lane, since, c->v->end_ms, inset, cls, title); }
}

/* ---------------------------------------------------------------- marks */

static void event_mark(struct lane_ctx *c, const struct rep_event *ev) {
    const struct rep_run *run = c->run;
    int32_t lane = lane_of(run, ev->proc);
    const char *t = ev->type;
    int32_t node = subject_node(run, ev->text);
    int32_t node_lane = node >= 0 ? node : -1;
    if (strcmp(t, "+elected-leader") == 0) {
        mark(c, lane, ev, "diamond", "elect", "elected");
    } else if (strcmp(t, "+try-failover") == 0) {
        mark(c, lane, ev, "dot", "elect", NULL);
    } else if (strcmp(t, "+vote-for-leader") == 0) {
        mark(c, lane, ev, "dot", "vote", NULL);
    } else if (strcmp(t, "+promoted-slave") == 0) {
        mark(c, lane, ev, "tick", "promote", NULL);
        mark(c, node_lane, ev, "diamond", "promote", "promoted");
    } else if (strncmp(t, "+slave-reconf-", 14) == 0) {
        mark(c, lane, ev, "tick", "reconf", NULL);
        mark(c, node_lane, ev, strcmp(t, "+slave-reconf-done") == 0 ? "dot" : "tick", "reconf",
             strcmp(t, "+slave-reconf-done") == 0 ? "reconf" : NULL);
    } else if (strcmp(t, "+switch-master") == 0) {
        mark(c, lane, ev, "bar", "switch", "switch");
    } else if (strncmp(t, "-failover-abort", 15) == 0) {
        mark(c, lane, ev, "cross", "abort", "abort");
    } else if (strcmp(t, "+convert-to-slave") == 0) {
        mark(c, lane, ev, "tick", "reconf", NULL);
        mark(c, node_lane, ev, "dot", "convert", "converted");
    } else if (strcmp(t, "+tilt") == 0) {
        mark(c, lane, ev, "cross", "abort", "tilt");
    } else if (c->marks < MARKS_MAX) {
        c->marks++;
        mark(c, lane, ev, "tick", "other", NULL);
    }
}

static void fault_line(struct lane_ctx *c, const struct rep_event *ev, uint32_t k) {
    int64_t dt = dt_of(c->run, ev->t_ms);
    if (dt < c->v->start_ms || dt > c->v->end_ms) { return; }
    long long x = (long long)xpos(c->v, dt);
    fprintf(c->f, "<g class=\"fault\"><line x1=\"%lld\" y1=\"%d\" x2=\"%lld\" y2=\"%u\"/>", x,
            AXIS_H - 16 + (int)(k % 2) * 8, x, c->v->height - 30);
    fprintf(c->f, "<text x=\"%lld\" y=\"%d\">", x + 3, AXIS_H - 18 + (int)(k % 2) * 8);
    char label[REP_TYPE_MAX + REP_TEXT_MAX + 2];
    snprintf(label, sizeof(label), "%s%s%s", ev->type, ev->type[0] != '\0' ? " " : "", ev->text);
    label[40] = '\0'; /* a label, not the record: the tooltip has it all */
    esc(c->f, label);
    fprintf(c->f, "</text>");
    mark_title(c, ev);
    fprintf(c->f, "</g>\n");
}

/* ---------------------------------------------------------------- one timeline */

static void axis(struct lane_ctx *c) {
    const struct view *v = c->v;
    int64_t shown = v->u[v->n - 1];
    static const int64_t steps[] = {100,   200,   500,    1000,   2000,   5000,    10000,  20000,
                                    30000, 60000, 120000, 300000, 600000, 1800000, 3600000};
    int64_t step = steps[sizeof(steps) / sizeof(steps[0]) - 1];
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (shown / steps[i] <= 14) {
            step = steps[i];
            break;
        }
    }
    for (uint32_t i = 0; i + 1 < v->n; i++) {
        long long x0 = (long long)xpos(v, v->t[i]), x1 = (long long)xpos(v, v->t[i + 1]);
        if (is_break(v, i)) {
            /* A quiet stretch, squeezed: say how long it really was. */
            long long gap = (long long)(v->t[i + 1] - v->t[i]);
            fprintf(c->f,
                    "<rect class=\"gap\" x=\"%lld\" y=\"%d\" width=\"%lld\" height=\"%u\"/>"
                    "<text class=\"axis\" x=\"%lld\" y=\"%u\">~%lld.%llds~</text>\n",
                    x0, AXIS_H, x1 - x0, v->lanes * LANE_H, x0, v->height - 14, gap / 1000,
                    gap % 1000 / 100);
            continue;
        }
        int64_t first = v->t[i] / step * step;
        for (int64_t t = first; t < v->t[i + 1]; t += step) {
            if (t < v->t[i]) { continue; }
            long long x = (long long)xpos(v, t);
            /* Leave room for the squeezed-gap label just before this segment. */
            if (i > 0 && is_break(v, i - 1) && x - x0 < 40) { continue; }
            fprintf(c->f,
                    "<line class=\"grid\" x1=\"%lld\" y1=\"%d\" x2=\"%lld\" y2=\"%u\"/>"
                    "<text class=\"axis\" x=\"%lld\" y=\"%u\">%s%lld.%llds</text>\n",
                    x, AXIS_H, x, v->height - 28, x - 12, v->height - 28 + 12, t < 0 ? "-" : "+",
                    (long long)((t < 0 ? -t : t) / 1000),
                    (long long)((t < 0 ? -t : t) % 1000 / 100));
        }
    }
}

static void lanes(struct lane_ctx *c) {
    const struct scn *s = c->run->scn;
    for (uint32_t i = 0; i < c->v->lanes; i++) {
        bool node = i < s->nodes_len;
        const char *name = node ? s->nodes[i].name : s->sentinels[i - s->nodes_len].name;
        const char *role = node ? c->n->node_roles[i] : c->n->sentinel_roles[i - s->nodes_len];
        long long y = (long long)lane_y((int32_t)i);
        fprintf(c->f, "<rect class=\"lane%u\" x=\"0\" y=\"%lld\" width=\"%d\" height=\"%d\"/>",
                i % 2, y, SVG_W, LANE_H);
        fprintf(c->f, "<text class=\"lane-label\" x=\"6\" y=\"%lld\">", y + LANE_H / 2 + 4);
        esc(c->f, name);
        if (strcmp(role, name) != 0) {
            fprintf(c->f, " <tspan class=\"role\">");
            esc(c->f, role);
            fprintf(c->f, "</tspan>");
        }
        fprintf(c->f, "</text>\n");
    }
}

static void timeline(FILE *f, const struct rep_run *run, const struct view *v, const char *title) {
    struct rep_norm n;
    if (rep_normalize(run, &n) < 0) {
        fprintf(f, "<p>could not normalize this run</p>\n");
        return;
    }
    struct lane_ctx c = {run, &n, v, f, 0};
    fprintf(f, "<div class=\"tl\"><h2>");
    esc(f, title);
    fprintf(f,
            "</h2>\n<svg class=\"timeline\" viewBox=\"0 0 %d %u\" width=\"100%%\" "
            "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n",
            SVG_W, v->height);
    lanes(&c);
    axis(&c);
    down_spans(&c);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < run->scn->sentinels_len; i++) {
            down_views(&c, (int32_t)i, pass == 1);
        }
    }
    uint32_t faults = 0;
    for (size_t i = 0; i < run->log.len; i++) {
        const struct rep_event *ev = &run->log.events[i];
        if (ev->kind == REP_KIND_FAULT) {
            fault_line(&c, ev, faults++);
        } else if (ev->kind == REP_KIND_EVENT) {
            event_mark(&c, ev);
        }
    }
    fprintf(f, "</svg></div>\n");
    rep_norm_free(&n);
}

/* ---------------------------------------------------------------- the page */

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222;background:#fff}"
    "h1{font-size:20px}h2{font-size:16px;margin:8px 0}"
    ".pass{color:#1e7d32;font-weight:bold}.fail{color:#c62828;font-weight:bold}"
    ".runs{display:flex;flex-wrap:wrap;gap:16px}.tl{flex:1 1 600px;min-width:600px}"
    "svg text{font:11px monospace;fill:#222}.lane0{fill:#f7f7f7}.lane1{fill:#ececec}"
    ".lane-label{font:bold 12px monospace}.role{fill:#6a1b9a}"
    ".grid{stroke:#d0d0d0;stroke-width:1}.axis{fill:#555}.gap{fill:#fff;opacity:.6}"
    ".down{fill:#9e9e9e;opacity:.55}.sdown{fill:#f9a825;opacity:.8}.odown{fill:#e53935}"
    ".fault line{stroke:#c62828;stroke-width:2;stroke-dasharray:5 3}.fault text{fill:#c62828}"
    ".elect{fill:#6a1b9a}.vote{fill:#455a64}.promote{fill:#2e7d32}.reconf{fill:#1565c0}"
    ".switch{fill:#8e24aa}.abort{stroke:#c62828;stroke-width:2;fill:#c62828}"
    ".convert{fill:#00897b}.other rect{fill:#78909c}"
    ".legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;"
    "height:12px;margin-right:4px;vertical-align:middle}"
    "pre{font:12px monospace;background:#f5f5f5;padding:8px;overflow:auto;max-height:600px}";

static void verdict_box(FILE *f,
                        const struct rep_run *run,
                        const struct rep_verdict *v,
                        const char *kind) {
    if (v == NULL) { return; }
    fprintf(f,
            "<p>%s: <span class=\"%s\">%s</span> leader <b>%s</b>, promoted <b>%s</b>, "
            "%u failover%s</p>\n",
            kind, v->pass ? "pass" : "fail", v->pass ? "PASS" : "FAIL",
            v->leader[0] != '\0' ? v->leader : "none",
            v->promoted[0] != '\0' ? v->promoted : "none", v->failovers,
            v->failovers == 1 ? "" : "s");
    if (v->findings_len == 0) { return; }
    fprintf(f, "<ul>\n");
    for (uint32_t i = 0; i < v->findings_len; i++) {
        char buf[700];
        rep_finding_format(run, &v->findings[i], buf, sizeof(buf));
        fprintf(f, "<li>");
        esc(f, buf);
        fprintf(f, "</li>\n");
    }
    fprintf(f, "</ul>\n");
}

static void legend(FILE *f) {
    static const char *const items[][2] = {
        {"#9e9e9e", "process down / paused"},
        {"#f9a825", "SDOWN (master)"},
        {"#e53935", "ODOWN"},
        {"#6a1b9a", "try-failover / elected"},
        {"#455a64", "vote"},
        {"#2e7d32", "promotion"},
        {"#1565c0", "reconfiguration"},
        {"#8e24aa", "switch-master"},
        {"#00897b", "convert-to-slave"},
        {"#c62828", "fault / abort / tilt"},
    };
    fprintf(f, "<p class=\"legend\">");
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        fprintf(f, "<span><i class=\"sw\" style=\"background:%s\"></i>%s</span>", items[i][0],
                items[i][1]);
    }
    fprintf(f, "</p>\n");
}

static int log_block(FILE *f, const struct rep_run *run, const char *title) {
    fprintf(f, "<details><summary>");
    esc(f, title);
    fprintf(f, " (%zu records)</summary><pre>", run->log.len);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL) { return -1; }
    int rc = rep_log_write_run(m, run, NULL);
    fclose(m);
    size_t lines = 0;
    for (char *p = buf; rc == 0 && p != NULL && *p != '\0' && lines < LOG_LINES_MAX; lines++) {
        char *nl = strchr(p, '\n');
        if (nl != NULL) { *nl = '\0'; }
        esc(f, p);
        fputc('\n', f);
        p = nl != NULL ? nl + 1 : NULL;
    }
    if (lines == LOG_LINES_MAX) { fprintf(f, "... (see the run file for the rest)\n"); }
    free(buf);
    fprintf(f, "</pre></details>\n");
    return rc;
}

/* The scenario's documented, accepted differences between sim and real. */
static void differences(FILE *f, const struct scn *s) {
    const struct scn_expect *x = &s->expect;
    if (x->differences_len == 0) { return; }
    fprintf(f, "<h2>Accepted differences between sim and real</h2>\n<ul>\n");
    for (uint32_t i = 0; i < x->differences_len; i++) {
        fprintf(f, "<li>");
        esc(f, x->differences[i].what != NULL ? x->differences[i].what : "");
        fprintf(f, " <i>(");
        esc(f, x->differences[i].why != NULL ? x->differences[i].why : "");
        fprintf(f, ")</i></li>\n");
    }
    fprintf(f, "</ul>\n");
}

/* The Sentinel-aware diff of the two runs, open when they differ. */
static void diff_block(FILE *f, const struct rep_run *a, const struct rep_run *b) {
    struct rep_diff_result *res = malloc(sizeof(*res));
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (res == NULL || m == NULL) {
        free(res);
        if (m != NULL) { fclose(m); }
        free(buf);
        return;
    }
    struct rep_diff_opts o;
    rep_diff_opts_default(&o);
    o.a_label = rep_mode_name(a->mode);
    o.b_label = rep_mode_name(b->mode);
    int rc = rep_diff_runs(a, b, &o, res, m);
    fclose(m);
    if (rc >= 0) {
        fprintf(f,
                "<details%s><summary>Sentinel-aware diff: %u ORDER, %u PRESENCE, %u TIMING"
                "</summary><pre>",
                rc > 0 ? " open" : "", res->order, res->presence, res->timing);
        esc(f, buf);
        fprintf(f, "</pre></details>\n");
    }
    free(buf);
    free(res);
}

int rep_html_write(FILE *f,
                   const struct rep_run *run,
                   const struct rep_verdict *verdict,
                   const struct rep_run *real,
                   const struct rep_verdict *real_verdict) {
    REP_ASSERT(run != NULL);
    const struct scn *s = run->scn;
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>sentsim: ");
    esc(f, s->name);
    fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>", css);
    esc(f, s->name);
    fprintf(f, " <small>(%s, seed %llu)</small></h1>\n", rep_mode_name(run->mode),
            (unsigned long long)run->seed);
    if (s->description != NULL) {
        fprintf(f, "<p>");
        esc(f, s->description);
        fprintf(f, "</p>\n");
    }
    verdict_box(f, run, verdict, rep_mode_name(run->mode));
    if (real != NULL) { verdict_box(f, real, real_verdict, rep_mode_name(real->mode)); }
    struct view v;
    view_of(run, real, &v);
    fprintf(f, "<p>Times are offsets from the first fault; quiet stretches are squeezed "
               "(~length~). Hover a mark for its event.</p>\n");
    legend(f);
    fprintf(f, "<div class=\"runs\">\n");
    char title[96];
    snprintf(title, sizeof(title), "%s (seed %llu)", rep_mode_name(run->mode),
             (unsigned long long)run->seed);
    timeline(f, run, &v, title);
    if (real != NULL) {
        snprintf(title, sizeof(title), "%s (seed %llu)", rep_mode_name(real->mode),
                 (unsigned long long)real->seed);
        timeline(f, real, &v, real->mode == REP_MODE_SIM ? title : rep_mode_name(real->mode));
    }
    fprintf(f, "</div>\n");
    if (real != NULL && run->scn->sentinels_len == real->scn->sentinels_len) {
        diff_block(f, run, real);
    }
    differences(f, s);
    int rc = log_block(f, run, "Redis log lines");
    if (real != NULL && rc == 0) { rc = log_block(f, real, "Redis log lines (real)"); }
    fprintf(f, "</body></html>\n");
    return rc != 0 || ferror(f) ? -1 : 0;
}
