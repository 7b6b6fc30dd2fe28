/* real_fixture.h: helpers for the real-mode harness tests (tests/test_real_*.c
 * other than the `sentsim sentinel` ones): scenarios from YAML text and a
 * "nothing is left" check of a world after teardown. Prefix rfx_.
 *
 * Method: before teardown the test takes a snapshot of everything the world
 * created (pids, listening addresses, temp root, namespace prefix); after
 * teardown rfx_assert_gone() checks each of them really is gone.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_REAL_FIXTURE_H
#define SENTSIM_TESTS_REAL_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "real/proc.h"
#include "scenarios/scenario.h"

#define RFX_PROCS_MAX 64

struct rfx_snapshot {
    uint32_t len;
    pid_t pids[RFX_PROCS_MAX];
    char ips[RFX_PROCS_MAX][48];
    uint16_t ports[RFX_PROCS_MAX];
    bool netns;
    char root[256];
    char prefix[64];
};

/* Loads a scenario from YAML text; fails the test with the loader's message. */
void rfx_load(struct scn *s, const char *yaml);

/* Records what the world created. */
void rfx_snapshot(const struct real_world *w, struct rfx_snapshot *snap);

/* True while pid runs (a zombie or a missing pid does not). */
bool rfx_pid_running(pid_t pid);

/* Number of network namespaces whose name starts with prefix. */
int rfx_netns_count(const char *prefix);

/* True when something accepts TCP connections at ip:port (loopback only). */
bool rfx_listening(const char *ip, uint16_t port);

/* Fails the test unless every process, port, namespace and the temp root
 * of the snapshot are gone. */
void rfx_assert_gone(const struct rfx_snapshot *snap);

#endif
