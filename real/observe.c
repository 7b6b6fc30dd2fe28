/* observe.c: what the sentinels said, as event records, while the run goes on.
 *
 * Method: see observe.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "real/check.h"
#include "real/observe.h"
#include "real/sys.h"
#include "reports/log.h"

#define LOG_TEXT_KEEP 240 /* bytes of a non-event line kept (with "...") */

int real_observe_init(struct real_observer *o, struct real_world *w, uint64_t origin_ms) {
    REAL_ASSERT(o != NULL && w != NULL);
    memset(o, 0, sizeof(*o));
    o->w = w;
    o->origin_ms = origin_ms;
    rep_log_init(&o->log);
    uint32_t n = w->scn->nodes_len + w->scn->sentinels_len;
    o->tails = calloc(n > 0 ? n : 1, sizeof(*o->tails));
    if (o->tails == NULL) {
        snprintf(o->errstr, sizeof(o->errstr), "out of memory");
        return -1;
    }
    return 0;
}

void real_observe_free(struct real_observer *o) {
    free(o->tails);
    o->tails = NULL;
    rep_log_free(&o->log);
}

uint64_t real_observe_now(const struct real_observer *o) {
    uint64_t now = real__now_ms();
    return now > o->origin_ms ? now - o->origin_ms : 0;
}

static int keep(struct real_observer *o, const struct rep_event *ev) {
    if (rep_log_append(&o->log, ev->t_ms, ev->kind, ev->level, ev->proc, ev->type, ev->text) != 0) {
        snprintf(o->errstr, sizeof(o->errstr), "more than %u records: the run is stopped",
                 (unsigned)REP_EVENTS_MAX);
        return -1;
    }
    return 0;
}

/* The process of tail k: data nodes first, then sentinels. */
static const struct real_proc *tail_proc(const struct real_observer *o, uint32_t k) {
    uint32_t nodes = o->w->scn->nodes_len;
    return k < nodes ? &o->w->nodes[k] : &o->w->sentinels[k - nodes];
}

/* One complete line of process k's log. */
static int take_line(struct real_observer *o, uint32_t k, const char *line) {
    struct rep_event ev;
    const struct real_proc *p = tail_proc(o, k);
    int rc = rep_log_parse_line(line, p->name, o->origin_ms, &ev);
    if (rc < 0) {
        o->tails[k].malformed++;
        return 0;
    }
    if (rc > 0) { return 0; }
    /* The harness's own polling makes verbose connection chatter: not part of the record. */
    if (ev.kind != REP_KIND_EVENT && ev.level < REP_LEVEL_NOTICE) { return 0; }
    if (p->id.kind == SCN_PROC_NODE) {
        /* A data node's lines are informational, whatever they look like. */
        if (ev.type[0] != '\0') {
            char whole[REP_TEXT_MAX];
            snprintf(whole, sizeof(whole), "%.47s %.460s", ev.type, ev.text);
            memcpy(ev.text, whole, sizeof(ev.text));
            ev.type[0] = '\0';
        }
        ev.kind = REP_KIND_NODE;
    }
    if (ev.kind != REP_KIND_EVENT && strlen(ev.text) > LOG_TEXT_KEEP) {
        /* Redis's long informational lines (a client description after
         * REPLICAOF) are cut: reports normalizes texts up to a fixed size. */
        memcpy(ev.text + LOG_TEXT_KEEP - 3, "...", 4);
    }
    return keep(o, &ev);
}

static int poll_one(struct real_observer *o, uint32_t k) {
    struct real_tail *t = &o->tails[k];
    int fd = open(tail_proc(o, k)->log, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { return 0; /* not created yet */ }
    if (lseek(fd, (off_t)t->offset, SEEK_SET) < 0) {
        close(fd);
        return 0;
    }
    char buf[16384];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) { continue; }
        if (n <= 0) { break; }
        t->offset += (uint64_t)n;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] != '\n') {
                /* An over-long line is cut, not a reason to stop reading. */
                if (t->partial_len < sizeof(t->partial) - 1) {
                    t->partial[t->partial_len++] = buf[i];
                }
                continue;
            }
            t->partial[t->partial_len] = '\0';
            t->partial_len = 0;
            if (take_line(o, k, t->partial) != 0) {
                close(fd);
                return -1;
            }
        }
    }
    close(fd);
    return 0;
}

int real_observe_poll(struct real_observer *o) {
    for (uint32_t k = 0; k < o->w->scn->nodes_len + o->w->scn->sentinels_len; k++) {
        if (poll_one(o, k) != 0) { return -1; }
    }
    return 0;
}

uint64_t real_observe_note(
    struct real_observer *o, enum rep_kind kind, enum rep_level level, const char *fmt, ...) {
    struct rep_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.t_ms = real_observe_now(o);
    ev.kind = kind;
    ev.level = level;
    snprintf(ev.proc, sizeof(ev.proc), "harness");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
    va_end(ap);
    /* A full record already failed the run loudly through poll; a note never hides that. */
    (void)keep(o, &ev);
    return ev.t_ms;
}

long real_observe_find(const struct real_observer *o,
                       size_t from,
                       uint32_t sentinel,
                       const char *type,
                       const char *text) {
    const char *proc = o->w->sentinels[sentinel].name;
    for (size_t i = from; i < o->log.len; i++) {
        const struct rep_event *ev = &o->log.events[i];
        if (ev->kind != REP_KIND_EVENT || strcmp(ev->type, type) != 0) { continue; }
        if (strcmp(ev->proc, proc) != 0) { continue; }
        if (text[0] != '\0' && strstr(ev->text, text) == NULL) { continue; }
        return (long)i;
    }
    return -1;
}
