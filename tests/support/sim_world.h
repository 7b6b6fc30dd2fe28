/* sim_world.h: a simulated world built from inline YAML, for sim/ unit tests.
 *
 * Method: tests describe their topology as a scenario text (loaded with
 * scn_load_string, as the real loader does) and get the simulator's own
 * internal world built from it, with data nodes started and no sentinels
 * started, so that a test drives the network and the nodes directly. A
 * probe on the workload client's process records what reaches it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_SUPPORT_SIM_WORLD_H
#define SENTSIM_TESTS_SUPPORT_SIM_WORLD_H

#include <stdint.h>

#include "reports/run.h"
#include "scenarios/scenario.h"
#include "sim/world.h"

#define SW_SEEN_MAX 512

/* One message that reached the probe. */
struct sw_seen {
    uint64_t t_ms;
    enum sim_msg_kind kind;
    uint32_t conn;
    uint64_t cmd;
    char text[256]; /* a reply rendered "+PONG", "-ERR ...", ":3", "$...", "*n" */
};

struct sw {
    struct scn scn;
    struct rep_run run;
    struct sim_world w;
    uint32_t seen_len;
    struct sw_seen seen[SW_SEEN_MAX];
    uint64_t next_cmd;
};

/* Builds the world from YAML and starts every data node at t=0. Aborts the
 * test on a load error. */
struct sw *sw_new(const char *yaml, uint64_t seed);
void sw_free(struct sw *t);

/* Runs the world until virtual time until_ms. */
void sw_run(struct sw *t, uint64_t until_ms);

/* The probe opens a connection to process `proc` / sends one command on it. */
uint32_t sw_connect(struct sw *t, uint32_t proc);
uint64_t sw_send(struct sw *t, uint32_t conn, const char *cmd_line);

/* Runs a command on node i as the harness would; returns the rendered reply. */
const char *sw_node(struct sw *t, uint32_t node, const char *cmd_line);

/* How many messages of `kind` the probe saw on conn (UINT32_MAX: any conn). */
uint32_t sw_count(const struct sw *t, enum sim_msg_kind kind, uint32_t conn);

/* The first message of `kind` on conn, or NULL. */
const struct sw_seen *sw_first(const struct sw *t, enum sim_msg_kind kind, uint32_t conn);

#endif
