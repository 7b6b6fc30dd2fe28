/* corelink.c: outbound connections of a core sentinel over real TCP.
 *
 * Method: see corelink.h. The connect is started non-blocking and its
 * outcome read with SO_ERROR once poll(2) reports the socket writable, the
 * only portable way to learn it without blocking. Like Sentinel's client
 * library, we put no timeout on the handshake: a blackholed peer is left to
 * the core's own inactivity rule (spec §4.4) and to the kernel.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real/corelink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "real/check.h"

/* Bytes read per read(2), and reads per poll round (fairness between links). */
#define READ_CHUNK      (64u * 1024u)
#define READS_PER_ROUND 16

static void fail(struct real_corelink *l, const char *what, int err) {
    if (l->broken) { return; }
    l->broken = true;
    if (err != 0) {
        snprintf(l->errstr, sizeof(l->errstr), "%s: %s", what, strerror(err));
    } else {
        snprintf(l->errstr, sizeof(l->errstr), "%s", what);
    }
}

/* Fills a socket address from a textual IPv4 or IPv6 literal. */
static int make_addr(const char *ip, uint16_t port, struct sockaddr_storage *ss, socklen_t *len) {
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        *len = sizeof(*v4);
        return 0;
    }
    if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        *len = sizeof(*v6);
        return 0;
    }
    return -1;
}

struct real_corelink *real_corelink_open(uint32_t conn,
                                         bool pubsub,
                                         const char *ip,
                                         uint16_t port) {
    struct real_corelink *l = real_resp_xcalloc(1, sizeof(*l));
    l->conn = conn;
    l->fd = -1;
    l->pubsub = pubsub;
    l->reader = real_resp_reader_new();
    struct sockaddr_storage ss;
    socklen_t sslen;
    if (make_addr(ip, port, &ss, &sslen) != 0) {
        fail(l, "Invalid address", 0);
        return l;
    }
    l->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd < 0) {
        fail(l, "socket", errno);
        return l;
    }
    int one = 1;
    (void)setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    (void)setsockopt(l->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    if (connect(l->fd, (struct sockaddr *)&ss, sslen) != 0 && errno != EINPROGRESS) {
        fail(l, "connect", errno);
        return l;
    }
    l->connecting = true;
    return l;
}

void real_corelink_free(struct real_corelink *l) {
    if (l == NULL) { return; }
    if (l->fd >= 0) { close(l->fd); }
    real_resp_reader_free(l->reader);
    real_resp_buf_free(&l->out);
    free(l);
}

void real_corelink_send(struct real_corelink *l,
                        uint64_t cmd,
                        uint32_t argc,
                        const char *const *argv,
                        const size_t *argv_len) {
    REAL_ASSERT(argc > 0);
    if (l->broken) { return; }
    if (l->pending_len == REAL_CORELINK_PENDING_MAX) {
        fail(l, "too many commands in flight", 0);
        return;
    }
    real_resp_command(&l->out, argc, argv, argv_len);
    if (l->out.len > REAL_CORELINK_OUT_MAX) {
        fail(l, "output buffer limit reached", 0);
        return;
    }
    size_t slot = (l->pending_head + l->pending_len) % REAL_CORELINK_PENDING_MAX;
    l->pending[slot] = cmd;
    l->pending_len++;
}

short real_corelink_events(const struct real_corelink *l) {
    if (l->broken || l->fd < 0) { return 0; }
    if (l->connecting) { return POLLOUT; }
    return (short)(POLLIN | (l->out.len > 0 ? POLLOUT : 0));
}

static int handshake_done(struct real_corelink *l, char *local_ip, size_t local_len) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) { err = errno; }
    if (err != 0) {
        fail(l, "connect", err);
        return 0;
    }
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    if (getsockname(l->fd, (struct sockaddr *)&ss, &sslen) != 0) {
        fail(l, "getsockname", errno);
        return 0;
    }
    const void *addr = ss.ss_family == AF_INET6
                           ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                           : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
    if (inet_ntop(ss.ss_family, addr, local_ip, (socklen_t)local_len) == NULL) {
        fail(l, "inet_ntop", errno);
        return 0;
    }
    l->connecting = false;
    return 1;
}

static void do_read(struct real_corelink *l) {
    char chunk[READ_CHUNK];
    for (int i = 0; i < READS_PER_ROUND && !l->broken; i++) {
        ssize_t n = read(l->fd, chunk, sizeof(chunk));
        if (n == 0) {
            fail(l, "Server closed the connection", 0);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) { continue; }
            if (errno != EAGAIN && errno != EWOULDBLOCK) { fail(l, "read", errno); }
            return;
        }
        if (real_resp_reader_feed(l->reader, chunk, (size_t)n) != 0) {
            fail(l, real_resp_reader_error(l->reader), 0);
            return;
        }
        if ((size_t)n < sizeof(chunk)) { return; }
    }
}

static void do_write(struct real_corelink *l) {
    while (l->out.len > 0 && !l->broken) {
        ssize_t n = send(l->fd, l->out.data, l->out.len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) { continue; }
            if (errno != EAGAIN && errno != EWOULDBLOCK) { fail(l, "write", errno); }
            return;
        }
        real_resp_buf_consume(&l->out, (size_t)n);
    }
}

int real_corelink_ready(struct real_corelink *l, short revents, char *local_ip, size_t local_len) {
    if (l->broken || l->fd < 0 || revents == 0) { return 0; }
    if (l->connecting) { return handshake_done(l, local_ip, local_len); }
    if (revents & (POLLIN | POLLHUP | POLLERR)) { do_read(l); }
    if ((revents & POLLOUT) && !l->broken) { do_write(l); }
    return 0;
}

static bool is_bulk(const struct core_reply *r) {
    return r->type == CORE_REPLY_BULK;
}

/* A Pub/Sub "message" array: ["message", channel, payload]. */
static bool is_message(const struct core_reply *r) {
    return r->type == CORE_REPLY_ARRAY && r->elements_len == 3 && is_bulk(&r->elements[0]) &&
           is_bulk(&r->elements[1]) && is_bulk(&r->elements[2]) && r->elements[0].len == 7 &&
           strncasecmp(r->elements[0].str, "message", 7) == 0;
}

int real_corelink_next(struct real_corelink *l, struct core_input *in, struct core_reply **reply) {
    *reply = NULL;
    /* Replies that arrived before an EOF or a write error still count, as
     * hiredis hands them over before it reports the disconnection; after
     * a malformed or unexpected reply nothing more is trusted. */
    if (l->replies_done) { return 0; }
    struct core_reply *r;
    int rc = real_resp_reader_next(l->reader, &r);
    if (rc < 0) {
        l->replies_done = true;
        fail(l, real_resp_reader_error(l->reader), 0);
    }
    if (rc <= 0) { return 0; }
    memset(in, 0, sizeof(*in));
    in->conn = l->conn;
    if (l->pubsub && is_message(r)) {
        in->kind = CORE_IN_MESSAGE;
        in->channel = r->elements[1].str;
        in->channel_len = r->elements[1].len;
        in->payload = r->elements[2].str;
        in->payload_len = r->elements[2].len;
        *reply = r;
        return 1;
    }
    if (l->pending_len == 0) {
        l->replies_done = true;
        fail(l, r->type == CORE_REPLY_ERROR ? "unexpected error reply" : "unexpected reply", 0);
        real_resp_reply_free(r);
        return 0;
    }
    in->kind = CORE_IN_REPLY;
    in->cmd = l->pending[l->pending_head];
    l->pending_head = (l->pending_head + 1) % REAL_CORELINK_PENDING_MAX;
    l->pending_len--;
    in->reply = r;
    *reply = r;
    return 1;
}
