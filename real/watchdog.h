/* watchdog.h: nothing a run starts may outlive it, however the harness ends.
 *
 * Method: at start the harness creates an "anchor" process that leads the
 * process group every child joins, and a watchdog process in a group of its
 * own that blocks reading a pipe whose only write end the harness holds
 * (close-on-exec, so no child inherits it); only then does it create
 * anything with a name, and every such name (temp root, namespaces) starts
 * with the run's prefix "sentsim-<pid>-<k>-". When the harness exits or
 * dies in any way (even SIGKILL), the kernel closes that pipe; the watchdog
 * then SIGKILLs the children's group until nothing in it runs, deletes
 * every namespace with the prefix (their veths and nftables tables go with
 * them) and every temp dir with it. Children also carry
 * PR_SET_PDEATHSIG(SIGKILL), and one that finds the group gone before it
 * joined it exits at once, so the moment of death never matters.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_WATCHDOG_H
#define SENTSIM_REAL_WATCHDOG_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define REAL_NETNS_PREFIX_MAX 40

struct real_guard {
    pid_t harness; /* our pid, for the children's parent check */
    pid_t anchor;  /* leader (pgid) of every child's group */
    pid_t watchdog;
    int pipe_wr;                              /* closing it starts the cleanup */
    char tmpdir[160];                         /* $TMPDIR or /tmp */
    char root[256];                           /* private temp root (0700) */
    char netns_prefix[REAL_NETNS_PREFIX_MAX]; /* "sentsim-<pid>-<k>-": ours, dirs too */
};

/* Starts the anchor and the watchdog, then creates the temp root: every
 * name the run creates (temp root, namespaces) starts with netns_prefix,
 * which the watchdog knows from the start, so no moment of death leaks one.
 * Returns 0, or -1 with errstr set (nothing left behind). */
int real_guard_start(struct real_guard *g, char *errstr, size_t errlen);

/* Kills the anchor's group, lets the watchdog do the rest and waits for it:
 * when this returns, nothing of the run is left. */
void real_guard_finish(struct real_guard *g);

/* In a freshly forked child: dies with the harness, joins the group. Returns
 * 0, or -1 when the harness is already gone (the child must _exit). */
int real_guard_child_enter(const struct real_guard *g);

#endif
