/* serve_client.h: one client of the RESP listener, shared by serve.c (I/O)
 * and serve_cmds.c (the connection-level commands answered locally).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_SERVE_CLIENT_H
#define SENTSIM_REAL_SERVE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "real/resp.h"
#include "real/serve.h"

struct real__serve_sub {
    char *name; /* a channel or a pattern (binary safe) */
    size_t len;
    bool pattern;
};

struct real__serve_client {
    uint64_t id;
    int fd;
    char addr[64];  /* peer "ip:port" */
    char laddr[64]; /* our end */
    char *name;     /* CLIENT SETNAME; NULL if none */
    bool authed;
    bool close_asap;        /* drop without flushing (limits, errors) */
    bool close_after_reply; /* drop once the output buffer is flushed */
    uint64_t created_ms;
    uint64_t last_ms; /* last command */
    char last_cmd[32];
    struct real_resp_buf query;
    struct real_resp_req req;
    struct real_resp_buf out;
    struct real__serve_sub *subs;
    size_t subs_len;
    size_t subs_cap;
};

struct real_serve {
    int lfds[REAL_SERVE_BINDS_MAX * 2];
    int lfds_len;
    struct real__serve_client *clients[REAL_SERVE_CLIENTS_MAX];
    size_t clients_len;
    size_t clients_max;
    uint64_t next_id;
    char *requirepass; /* NULL: none */
    struct real_serve_callbacks cbs;
};

/* Runs one parsed request of client c (argv NUL-terminated). */
void real__serve_dispatch(struct real_serve *s,
                          struct real__serve_client *c,
                          uint32_t argc,
                          const char *const *argv,
                          const size_t *argv_len);

/* Marks c to be dropped if its output buffer is over its limit. */
void real__serve_check_out(struct real_serve *s, struct real__serve_client *c);

/* Redis glob matching (*, ?, [..], \), case-sensitive, in O(len(p) * len(s)). */
bool real__serve_glob(const char *p, size_t plen, const char *s, size_t slen);

#endif
