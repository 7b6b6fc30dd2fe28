/* serve.h: the RESP2 listener of `sentsim sentinel`: clients and other
 * sentinels reach our core through it.
 *
 * Method: a Redis-like server loop without a server: sockets are
 * non-blocking and driven by the caller's poll(2); each request is parsed
 * by resp.h and either answered here (connection-level commands the core
 * does not model: AUTH, HELLO, QUIT, CLIENT, COMMAND COUNT and the Pub/Sub
 * commands) or handed to the caller's command callback, which steps the
 * core and calls real_serve_reply() with what the core answered. Every
 * client is bounded (query buffer, argument count and length, output
 * buffer, subscriptions); a client exceeding a bound is disconnected.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_SERVE_H
#define SENTSIM_REAL_SERVE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define REAL_SERVE_BINDS_MAX      16
#define REAL_SERVE_CLIENTS_MAX    10000       /* Redis's default maxclients */
#define REAL_SERVE_QUERY_MAX      (4u << 20)  /* bytes of unparsed requests per client */
#define REAL_SERVE_OUT_MAX        (64u << 20) /* bytes of pending replies per client */
#define REAL_SERVE_PUBSUB_OUT_MAX (8u << 20)  /* same for a subscribed client */
#define REAL_SERVE_SUBS_MAX       1024        /* channels plus patterns per client */
#define REAL_SERVE_POLLFDS_MAX    (REAL_SERVE_BINDS_MAX * 2 + REAL_SERVE_CLIENTS_MAX)

/* The id the driver uses for commands it issues itself (SHUTDOWN on SIGTERM). */
#define REAL_SERVE_INTERNAL_CLIENT UINT64_MAX

struct real_serve_config {
    const char *binds[REAL_SERVE_BINDS_MAX]; /* addresses; "*" any IPv4, "::*" any IPv6,
                                                a leading '-' makes one optional */
    int binds_len;
    uint16_t port;           /* 0: no TCP listener */
    uint32_t clients_max;    /* 1..REAL_SERVE_CLIENTS_MAX; more are refused */
    const char *requirepass; /* NULL or "": no AUTH needed */
};

/* What the server asks of its owner. */
struct real_serve_callbacks {
    /* A command for the core from client `client`. The callback answers it
     * through real_serve_reply() before returning (or not at all, for a
     * command the core does not answer). */
    void (*command_cb)(
        void *ud, uint64_t client, uint32_t argc, const char *const *argv, const size_t *argv_len);
    /* A log line at a Redis level (CORE_LEVEL_*). */
    void (*log_cb)(void *ud, int level, const char *text);
    void *ud;
};

struct real_serve;

/* Opens the listeners. Returns 0, or -1 with err (Redis's wording) filled. */
int real_serve_open(const struct real_serve_config *cfg,
                    const struct real_serve_callbacks *cbs,
                    struct real_serve **out,
                    char *err,
                    size_t errlen);

/* Closes every listener and client. NULL is ignored. */
void real_serve_free(struct real_serve *s);

/* Fills fds with the sockets to watch; returns how many (<= cap). */
size_t real_serve_pollfds(const struct real_serve *s, struct pollfd *fds, size_t cap);

/* Handles the poll(2) results for the fds real_serve_pollfds() returned. */
void real_serve_ready(struct real_serve *s, const struct pollfd *fds, size_t n);

/* Queues the core's answer for `client` (ignored if the client is gone). */
void real_serve_reply(struct real_serve *s, uint64_t client, const struct core_reply *reply);

/* Publishes `payload` on `channel` to subscribed clients. */
void real_serve_publish(struct real_serve *s,
                        const char *channel,
                        size_t channel_len,
                        const char *payload,
                        size_t payload_len);

/* Number of connected clients. */
size_t real_serve_clients(const struct real_serve *s);

#endif
