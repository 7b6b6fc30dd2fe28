/* sim_world.c: inline-YAML simulated worlds for the sim/ unit tests.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/sim_world.h"

static void tap(struct sim_world *w, uint32_t m, void *ud) {
    struct sw *t = ud;
    const struct sim_msg *msg = &w->msgs[m];
    assert_true(t->seen_len < SW_SEEN_MAX);
    struct sw_seen *s = &t->seen[t->seen_len++];
    memset(s, 0, sizeof(*s));
    s->t_ms = w->now_ms;
    s->kind = msg->kind;
    s->conn = msg->conn;
    s->cmd = msg->cmd;
    if (msg->kind == SIM_MSG_REPLY) {
        const uint8_t *p = sim__msg_payload(w, m);
        sim__reply_render(sim__decode_reply(w, p, msg->len), s->text, sizeof(s->text));
    } else if (msg->kind == SIM_MSG_PUSH) {
        const char *ch, *pl;
        size_t chl, pll;
        sim__decode_push(sim__msg_payload(w, m), msg->len, &ch, &chl, &pl, &pll);
        snprintf(s->text, sizeof(s->text), "%.*s %.*s", (int)chl, ch, (int)pll, pl);
    }
}

struct sw *sw_new(const char *yaml, uint64_t seed) {
    struct sw *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    struct scn_error err;
    if (scn_load_string("test.yaml", yaml, strlen(yaml), &t->scn, &err) != 0) {
        char buf[600];
        scn_error_format(&err, buf, sizeof(buf));
        fail_msg("%s", buf);
    }
    assert_int_equal(rep_run_init(&t->run, &t->scn, REP_MODE_SIM, 64), 0);
    struct sim_options opt;
    sim_options_default(&opt);
    assert_int_equal(sim__world_init(&t->w, &t->scn, seed, &opt, &t->run), SIM_OK);
    t->w.tap_cb = tap;
    t->w.tap_ud = t;
    for (uint32_t i = 0; i < t->w.nodes_len; i++) {
        sim__node_start(&t->w, i);
    }
    return t;
}

void sw_free(struct sw *t) {
    sim__world_free(&t->w);
    rep_run_free(&t->run);
    scn_free(&t->scn);
    free(t);
}

void sw_run(struct sw *t, uint64_t until_ms) {
    sim__world_loop(&t->w, until_ms);
}

uint32_t sw_connect(struct sw *t, uint32_t proc) {
    return sim__net_connect(&t->w, t->w.client.proc, proc, 0);
}

static uint32_t split(char *line, const char **argv, uint32_t max) {
    uint32_t argc = 0;
    for (char *tok = strtok(line, " "); tok != NULL && argc < max; tok = strtok(NULL, " ")) {
        argv[argc++] = tok;
    }
    return argc;
}

uint64_t sw_send(struct sw *t, uint32_t conn, const char *cmd_line) {
    char line[256];
    const char *argv[16];
    snprintf(line, sizeof(line), "%s", cmd_line);
    uint32_t argc = split(line, argv, 16);
    uint32_t len = sim__encode_argv(t->w.scratch, SIM_SCRATCH_BYTES, argc, argv, NULL);
    uint64_t cmd = ++t->next_cmd;
    sim__net_send(&t->w, conn, SIM_END_CLIENT, SIM_MSG_CMD, cmd, t->w.scratch, len);
    return cmd;
}

const char *sw_node(struct sw *t, uint32_t node, const char *cmd_line) {
    static char reply[4096];
    char line[256];
    const char *argv[16];
    snprintf(line, sizeof(line), "%s", cmd_line);
    uint32_t argc = split(line, argv, 16);
    sim__node_harness(&t->w, node, argc, argv, reply, sizeof(reply));
    return reply;
}

uint32_t sw_count(const struct sw *t, enum sim_msg_kind kind, uint32_t conn) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->seen_len; i++) {
        if (t->seen[i].kind == kind && (conn == UINT32_MAX || t->seen[i].conn == conn)) { n++; }
    }
    return n;
}

const struct sw_seen *sw_first(const struct sw *t, enum sim_msg_kind kind, uint32_t conn) {
    for (uint32_t i = 0; i < t->seen_len; i++) {
        if (t->seen[i].kind == kind && (conn == UINT32_MAX || t->seen[i].conn == conn)) {
            return &t->seen[i];
        }
    }
    return NULL;
}
