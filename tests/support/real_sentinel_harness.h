/* real_sentinel_harness.h: processes and probes for the `sentsim sentinel`
 * tests: redis-server data nodes, our sentinel and redis-sentinel on free
 * loopback ports in a temporary directory, synchronous hiredis queries,
 * waits, log scans, and a fake "redis-server" answering with hostile bytes.
 *
 * Method: every child is started with PR_SET_PDEATHSIG so that a test
 * that dies leaves nothing running, and rsh_teardown() kills whatever is
 * left and removes the directory. Helpers are prefixed rsh_ (real
 * sentinel harness).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_REAL_SENTINEL_HARNESS_H
#define SENTSIM_TESTS_REAL_SENTINEL_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <hiredis/hiredis.h>

#define RSH_PROCS_MAX 32

struct rsh_proc {
    pid_t pid; /* 0 when not running */
    uint16_t port;
    char conf[512];
    char log[512];
    char dir[400];
};

/* Creates the temp directory; call first. */
void rsh_setup(void);

/* Kills every child still running and removes the temp directory. */
void rsh_teardown(void);

/* The temp directory of this test process. */
const char *rsh_dir(void);

/* A loopback port nobody listens on (never the same twice in a process). */
uint16_t rsh_free_port(void);

/* Writes a file (creating parents is the caller's job). */
void rsh_write(const char *path, const char *text);

/* Reads a whole file into a heap string (NULL if missing). */
char *rsh_read(const char *path);

/* Starts redis-server on a free port, as a replica of `master_port` if not 0. */
void rsh_redis(struct rsh_proc *p, const char *name, uint16_t master_port);

/* Starts a sentinel with `conf_body` (port, bind, logfile and dir are
 * added): ours (`$SENTSIM sentinel`) or redis-sentinel. */
void rsh_sentinel(struct rsh_proc *p, const char *name, bool ours, const char *conf_body);

/* Runs argv to completion with stdout+stderr captured (heap, NUL-terminated)
 * and returns its exit status (-1 if it died by a signal). */
int rsh_run(const char *const argv[], char **output);

/* The sentsim binary under test ($SENTSIM or build/release/sentsim). */
const char *rsh_sentsim(void);

/* Restarts a stopped process from its config file (same port). */
void rsh_restart(struct rsh_proc *p, bool sentinel, bool ours);

/* SIGKILLs (or signals) and reaps. */
void rsh_kill(struct rsh_proc *p);
int rsh_signal_wait(struct rsh_proc *p, int sig, int timeout_ms);

/* AUTHs every later rsh_cmd() with `pass` ("" = none; reset by teardown). */
void rsh_set_auth(const char *pass);

/* One command over a fresh connection (1 s timeouts); NULL on failure. */
redisReply *rsh_cmd(uint16_t port, const char *fmt, ...);

/* Waits until PING answers PONG; false on timeout. */
bool rsh_wait_up(uint16_t port, int timeout_ms);

/* The value of `field` in SENTINEL MASTER <name> (heap string) or NULL. */
char *rsh_master_field(uint16_t port, const char *name, const char *field);

/* Polls cond(arg) every 50 ms until true or timeout. */
bool rsh_wait(bool (*cond)(void *arg), void *arg, int timeout_ms);

/* Counts lines of a file containing `needle`. */
int rsh_count(const char *path, const char *needle);

/* Milliseconds of the monotonic clock. */
uint64_t rsh_now_ms(void);

/* How a fake data node answers. */
enum rsh_fake_mode {
    RSH_FAKE_GARBAGE,    /* random bytes */
    RSH_FAKE_HUGE_INFO,  /* a 4 MiB bulk for every command */
    RSH_FAKE_TRUNCATED,  /* half a reply, then silence */
    RSH_FAKE_WRONG_TYPE, /* :42 to everything, nested arrays to INFO */
    RSH_FAKE_SILENT,     /* accepts, never answers */
    RSH_FAKE_DEEP,       /* a 1000-deep nested array */
    RSH_FAKE_WIDE,       /* an array header of 1M elements */
};

/* Forks a fake server on a free port; it serves every connection its way
 * until killed. */
void rsh_fake(struct rsh_proc *p, enum rsh_fake_mode mode);

#endif
