/* netns.h: network namespaces and nftables for partitions and loss.
 *
 * Method: only a scenario that cuts links runs in namespace mode. A hub
 * namespace holds a bridge with an address for the harness; every process
 * gets its own namespace with one veth to that bridge and an address in the
 * project's test subnet (10.213.0.0/16, which exists only inside the run's
 * namespaces). The harness moves itself into the hub, so nothing touches
 * the host's interfaces, and its own traffic (observation, workload) is
 * never cut: faults are nftables rules on the bridge's forward hook, in a
 * table that lives and dies with the hub. The watchdog deletes every
 * namespace of the run by name prefix.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_NETNS_H
#define SENTSIM_REAL_NETNS_H

#include <stdbool.h>
#include <stddef.h>

#include "scenarios/scenario.h"

struct real_world;

/* True when this process can create namespaces (root and `ip netns` works). */
bool real_netns_available(char *why, size_t len);

/* True when `tc netem` works here; checked once in a throwaway namespace. */
bool real_netns_netem_available(void);

/* Creates the hub and one namespace per process, gives each its address
 * (w->nodes[i].ip, ...) and moves the harness into the hub. Returns 0 or -1
 * with w->errstr. */
int real_netns_setup(struct real_world *w);

/* In a child: joins the named namespace. Returns 0 or -1. */
int real_netns_enter(const char *name);

/* Moves the harness back to the namespace it started in (no-op if never left). */
void real_netns_leave(void);

/* Drops traffic from side_a to side_b (and back unless one_way); an empty
 * side_b means every other process. Returns 0 or -1 with w->errstr. */
int real_netns_partition(struct real_world *w,
                         const struct scn_set *side_a,
                         const struct scn_set *side_b,
                         bool one_way);

/* Removes every partition rule. */
int real_netns_heal(struct real_world *w);

/* Sets the loss ratio of `targets` (every process when empty) to num/den
 * (num == 0: none) and drops that share of the packets to or from each
 * process with a ratio. A packet between two lossy processes meets both
 * rules. Returns 0 or -1 with w->errstr. */
int real_netns_loss(struct real_world *w, const struct scn_set *targets, struct scn_ratio loss);

#endif
