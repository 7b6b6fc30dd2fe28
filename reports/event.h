/* The one event record shared by sim and real mode, and its JSON Lines form.
 *
 * Method: every run, simulated or real, is reduced to an ordered array of
 * these records. That array is what is normalized, diffed, goldened and
 * hashed; the human view (Redis log lines) is rendered from it too. A record
 * holds copies, never pointers into a driver's memory, so a log can be
 * written, read back and compared byte for byte.
 *
 * JSON Lines form (one object per line, fields always in this order; `jq`
 * friendly; stable names documented in reports/README.md):
 *   {"seq":12,"t_ms":31042,"proc":"s1","kind":"event","level":"warning",
 *    "type":"+sdown","text":"master mymaster 127.0.0.1 6379"}
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_EVENT_H
#define SENTSIM_REPORTS_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REP_PROC_NAME_MAX 32         /* process names: s1, m, r1a, client, harness */
#define REP_TYPE_MAX      48         /* longest Sentinel event type plus margin */
#define REP_TEXT_MAX      512        /* event text after the type; longer is an error */
#define REP_EVENTS_MAX    (1u << 20) /* a run emitting more is a loud failure */

/* What a record is. */
enum rep_kind {
    REP_KIND_EVENT,   /* a Sentinel event: type + text, published on Pub/Sub */
    REP_KIND_LOG,     /* a non-event Sentinel log line ("voted for", "Next failover delay") */
    REP_KIND_EXPLAIN, /* sentsim's own explanation of a "no" decision (debug) */
    REP_KIND_FAULT,   /* a timeline step the harness carried out (kill m, partition ...) */
    REP_KIND_CHECK,   /* a harness observation: wait satisfied, expectation result */
    REP_KIND_NODE,    /* a data-node log line (role change, sync), informational */
};

/* Redis log levels, in Redis's order. */
enum rep_level {
    REP_LEVEL_DEBUG,   /* '.' */
    REP_LEVEL_VERBOSE, /* '-' */
    REP_LEVEL_NOTICE,  /* '*' */
    REP_LEVEL_WARNING, /* '#' */
};

struct rep_event {
    uint64_t seq;  /* position in the run, from 0 */
    uint64_t t_ms; /* ms since the run's epoch (sim: virtual) */
    enum rep_kind kind;
    enum rep_level level;
    char proc[REP_PROC_NAME_MAX]; /* emitting process, by scenario name */
    char type[REP_TYPE_MAX];      /* "+sdown"; empty for LOG/NODE records */
    char text[REP_TEXT_MAX];      /* text after the type, exactly as Sentinel logs it */
};

/* A growable, bounded array of records (heap; owned by whoever _init'ed it). */
struct rep_log {
    struct rep_event *events;
    size_t len;
    size_t cap;
};

void rep_log_init(struct rep_log *log);
void rep_log_free(struct rep_log *log);

/* Appends a record, assigning its seq. Returns 0, or -1 when REP_EVENTS_MAX
 * records are already stored (the caller must fail the run loudly). Text
 * longer than REP_TEXT_MAX-1 is an assertion failure in the caller's build. */
int rep_log_append(struct rep_log *log,
                   uint64_t t_ms,
                   enum rep_kind kind,
                   enum rep_level level,
                   const char *proc,
                   const char *type,
                   const char *text);

const char *rep_kind_name(enum rep_kind kind);    /* "event", "log", ... */
const char *rep_level_name(enum rep_level level); /* "debug", "verbose", "notice", "warning" */
char rep_level_char(enum rep_level level);        /* '.', '-', '*', '#' */

/* Parses the names above back; returns 0 or -1 for an unknown name. */
int rep_kind_parse(const char *s, enum rep_kind *out);
int rep_level_parse(const char *s, enum rep_level *out);

/* Writes one record as one JSON line (with '\n'). Returns 0 or -1 on I/O error. */
int rep_event_write_json(FILE *f, const struct rep_event *ev);

/* Reads a JSON Lines file into `log`. On malformed input returns -1 and
 * writes "file:line:col: message" into err. Bounded: lines over 4 KiB and
 * more than REP_EVENTS_MAX records are errors. */
int rep_log_read_json(const char *path, struct rep_log *log, char *err, size_t errlen);

/* 64-bit FNV-1a over the JSON Lines form of the whole log: the determinism hash. */
uint64_t rep_log_hash(const struct rep_log *log);

/* ---------------------------------------------------------------- additions
 * (additive to the original contract) */

/* True when `type` is one of the event types Sentinel 7.0 emits (spec
 * §13.2), e.g. "+sdown"; used to tell event lines from plain log lines. */
int rep_event_type_known(const char *type);

/* Sorts a log by (t_ms, previous seq) and renumbers seq from 0: how logs
 * parsed from several processes' files are merged into one run. */
void rep_log_sort(struct rep_log *log);

/* Writes the whole log as JSON Lines. Returns 0 or -1 on I/O error. */
int rep_log_write_json(FILE *f, const struct rep_log *log);

#endif
