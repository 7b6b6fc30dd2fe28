/* proc.h: the processes of one real run: data nodes and sentinels.
 *
 * Method: every process gets a private 0700 directory under the run's temp
 * root, holding its config file, log and data, so CONFIG REWRITE and
 * Sentinel's own config flushes work and a restart comes back from the
 * rewritten file. On loopback each process listens on 127.0.0.1 at a port
 * chosen at run time by a bind probe from a random base, and a start that
 * loses a race for its port is retried on another one; a process counts as
 * started only when it answers with its own pid, so we never mistake
 * somebody else's server for ours. In namespace mode (netns.c) each process
 * has its own network namespace and address instead.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_PROC_H
#define SENTSIM_REAL_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "real/watchdog.h"
#include "scenarios/scenario.h"

#define REAL_PATH_MAX 384
#define REAL_ERR_MAX  512

/* Which sentinel implementation a run launches (--sentinel=). */
enum real_sentinel_mode {
    REAL_SENTINEL_REDIS, /* redis-sentinel for every sentinel (default) */
    REAL_SENTINEL_CORE,  /* `sentsim sentinel FILE.conf` for every sentinel */
    REAL_SENTINEL_MIXED, /* each sentinel's scenario impl; default: first core, rest redis */
};

struct real_proc {
    struct scn_proc id;
    const char *name;         /* the scenario's name for it */
    bool core;                /* a sentinel run by `sentsim sentinel` */
    char dir[300];            /* private directory (0700) */
    char conf[REAL_PATH_MAX]; /* its config file */
    char log[REAL_PATH_MAX];  /* its log file */
    char ip[48];
    uint16_t port;
    const char *pass;      /* what the harness AUTHs with; "" for none */
    pid_t pid;             /* 0 when not running */
    bool paused;           /* SIGSTOPped by a fault */
    bool started_once;     /* its port is fixed from now on */
    char netns[64];        /* its namespace; "" on loopback */
    struct scn_ratio loss; /* namespace mode: share of its packets dropped */
    char myid[41];         /* sentinels: SENTINEL MYID; "" until known */
};

struct real_world {
    const struct scn *scn;
    struct real_guard guard;
    bool guarded;                /* guard started (and must be finished) */
    bool netns;                  /* namespace mode: one namespace per process */
    char hub[64];                /* the bridge namespace (namespace mode) */
    struct real_proc *nodes;     /* [scn->nodes_len] */
    struct real_proc *sentinels; /* [scn->sentinels_len] */
    char exe[REAL_PATH_MAX];     /* this sentsim binary, for core sentinels */
    uint32_t next_port;          /* bind-probe cursor (loopback) */
    char errstr[REAL_ERR_MAX];   /* why the last call failed */
};

/* Prepares the world: temp root, watchdog, per-process dirs. Nothing runs yet.
 * Returns 0, or -1 with w->errstr (and everything undone). */
int real_world_init(struct real_world *w,
                    const struct scn *scn,
                    enum real_sentinel_mode mode,
                    bool netns);

/* Starts every data node, then every sentinel (with the scenario's SENTINEL
 * DEBUG timers). Returns 0 or -1 with w->errstr. */
int real_world_start(struct real_world *w);

/* Polls (bounded by timeout_ms) until every replica is in sync and every
 * sentinel knows the expected replicas and other sentinels. Returns 0, or
 * -1 with w->errstr naming what never became true. */
int real_world_wait_ready(struct real_world *w, uint64_t timeout_ms);

/* Starts one process from its current config file (restart) and, for a
 * sentinel, re-applies the timers. Returns 0 or -1 with w->errstr. */
int real_proc_start(struct real_world *w, struct real_proc *p);

/* Reaps the process if it has exited; true while it is still running. */
bool real_proc_alive(struct real_proc *p);

/* SIGKILLs and reaps the process (resuming it first if paused). */
void real_proc_stop(struct real_proc *p);

struct real_proc *real_world_proc(struct real_world *w, struct scn_proc id);

/* The process listening at ip:port, or NULL. */
struct real_proc *real_world_find_addr(struct real_world *w, const char *ip, uint16_t port);

/* Stops everything and removes every trace (processes, namespaces, dirs). */
void real_world_close(struct real_world *w);

#endif
