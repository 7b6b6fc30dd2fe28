/* link.h: a small synchronous Redis client for the harness (hiredis 0.14).
 *
 * Method: hiredis 0.14 has no connect timeout, so the TCP connect is done
 * here (non-blocking connect + poll) and the socket handed to hiredis, which
 * then runs with a send/receive timeout. Replies are built by our own reply
 * functions, which refuse a reply with too many elements before anything is
 * allocated, and the read loop refuses to buffer more than a fixed number of
 * bytes: a hostile or broken peer makes a command fail, never the harness.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_LINK_H
#define SENTSIM_REAL_LINK_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#define REAL_REPLY_ELEMENTS_MAX 100000u    /* reply objects (all levels) in one reply */
#define REAL_REPLY_BYTES_MAX    (8u << 20) /* bytes buffered for one reply */
#define REAL_LINK_ARGS_MAX      128

struct real_link {
    redisContext *ctx; /* NULL when closed */
    uint32_t budget;   /* reply objects left for the reply being read */
    char errstr[128];  /* why the last call failed */
};

/* Connects to ip:port within timeout_ms and sets the same timeout for every
 * command. Returns 0, or -1 with l->errstr set (l stays closed). */
int real_link_open(struct real_link *l, const char *ip, uint16_t port, uint32_t timeout_ms);

void real_link_close(struct real_link *l);

/* Sends one command and reads its reply. Returns 0 with *reply set (an error
 * reply is still 0: check (*reply)->type), or -1 with l->errstr set, after
 * which the link is closed. Free the reply with real_reply_free(). */
int real_link_cmdv(struct real_link *l, int argc, const char *const *argv, redisReply **reply);

/* Same with the words given as arguments, ending with NULL. */
int real_link_cmd(struct real_link *l, redisReply **reply, const char *word, ...);

void real_reply_free(redisReply *r);

/* One command on a fresh connection (AUTH first when `pass` is not empty).
 * Returns 0 with *reply, or -1 with errstr (of errlen bytes) set. */
int real_query(const char *ip,
               uint16_t port,
               const char *pass,
               uint32_t timeout_ms,
               redisReply **reply,
               char *errstr,
               size_t errlen,
               int argc,
               const char *const *argv);

/* The value of `key` in a flat RESP2 map (field, value, ...) of strings; NULL if absent. */
const char *real_reply_map_get(const redisReply *r, const char *key);

/* Copies the value of "key:value" from an INFO text into out. Returns 0 or -1 if absent. */
int real_info_field(const char *info, const char *key, char *out, size_t outlen);

#endif
