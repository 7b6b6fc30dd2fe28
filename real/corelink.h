/* corelink.h: the outbound connections a core sentinel asks for (CONNECT),
 * carried over real non-blocking TCP sockets.
 *
 * Method: one `struct real_corelink` per core connection id. Sending never
 * blocks: commands are encoded into an output buffer, flushed when poll(2)
 * says the socket is writable, and queued while the handshake is still in
 * progress, as hiredis's async client does. Each command sent remembers its
 * command id in a FIFO, so replies go back to the core in order. Replies
 * are framed and bounded by the reader of resp.h.
 *
 * On a Pub/Sub connection "message" arrays become CORE_IN_MESSAGE and
 * everything else (the confirmation of SUBSCRIBE or an error answering it)
 * is the reply to the oldest command in flight; the core reproduces what
 * hiredis does with an error there (spec §4.5). A reply nobody waits for
 * breaks the link, as it makes hiredis drop the connection.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_CORELINK_H
#define SENTSIM_REAL_CORELINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "real/resp.h"

/* Output bytes a link may hold before the peer is deemed stuck. */
#define REAL_CORELINK_OUT_MAX     (16u << 20)
/* Commands a link may have in flight (the core itself caps at 100 per link). */
#define REAL_CORELINK_PENDING_MAX 1024

struct real_corelink {
    uint32_t conn;     /* the core's connection id */
    int fd;            /* -1 once closed */
    bool pubsub;       /* CORE_CONN_PUBSUB */
    bool connecting;   /* the TCP handshake has not completed yet */
    bool broken;       /* failed: report CONN_DOWN and close */
    bool replies_done; /* the reply stream is corrupt: deliver nothing more */
    char errstr[128];
    struct real_resp_buf out;
    struct real_resp_reader *reader;
    uint64_t pending[REAL_CORELINK_PENDING_MAX]; /* command ids in flight, a ring */
    size_t pending_head;
    size_t pending_len;
};

/* Allocates a link and starts a non-blocking connect to ip:port. Always
 * returns a link; if the connect failed at once, it is `broken` with
 * errstr set (the caller reports CONN_DOWN). */
struct real_corelink *real_corelink_open(uint32_t conn, bool pubsub, const char *ip, uint16_t port);

/* Closes the socket and frees the link. NULL is ignored. */
void real_corelink_free(struct real_corelink *l);

/* Queues one command. A link that can take no more becomes broken. */
void real_corelink_send(struct real_corelink *l,
                        uint64_t cmd,
                        uint32_t argc,
                        const char *const *argv,
                        const size_t *argv_len);

/* The poll(2) events the link waits for. */
short real_corelink_events(const struct real_corelink *l);

/* Handles poll(2) results. Returns 1 when the handshake just completed
 * (local_ip, of local_len bytes, gets our end's address: report CONN_UP),
 * 0 otherwise; afterwards the link may be broken. */
int real_corelink_ready(struct real_corelink *l, short revents, char *local_ip, size_t local_len);

/* The next input for the core from buffered replies, also on a broken
 * link (drain them before reporting it down). Returns 1 with *in filled
 * (*reply owns the value: free it with real_resp_reply_free after the
 * step), 0 if nothing complete is buffered; the link may then be broken. */
int real_corelink_next(struct real_corelink *l, struct core_input *in, struct core_reply **reply);

#endif
