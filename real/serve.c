/* serve.c: the RESP listener's sockets: listening, accepting, reading and
 * parsing requests, writing replies, and enforcing the per-client bounds.
 *
 * Method: see serve.h. Clients are never freed while a request is being
 * handled (a reply or a publication may mark any client for closing); they
 * are swept at the end of each poll round.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "real/check.h"
#include "real/serve_client.h"
#include "real/sys.h"

#define READ_CHUNK      (16u * 1024u)
#define READS_PER_ROUND 8

/* ---------------------------------------------------------------- listeners */

static void addr_text(const struct sockaddr_storage *ss, char *out, size_t len) {
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
        port = ntohs(a->sin6_port);
    } else if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
        port = ntohs(a->sin_port);
    }
    snprintf(out, len, "%s:%u", ip, port);
}

/* Opens one listener. Returns the fd, -1 on error (errno set). */
static int listen_one(const char *addr, uint16_t port) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t len;
    bool v6 = strchr(addr, ':') != NULL;
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        const char *ip = strcmp(addr, "::*") == 0 ? "::" : addr;
        if (inet_pton(AF_INET6, ip, &a->sin6_addr) != 1) {
            errno = EINVAL;
            return -1;
        }
        len = sizeof(*a);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        const char *ip = strcmp(addr, "*") == 0 ? "0.0.0.0" : addr;
        if (inet_pton(AF_INET, ip, &a->sin_addr) != 1) {
            errno = EINVAL;
            return -1;
        }
        len = sizeof(*a);
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { return -1; }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (v6) { (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)); }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 511) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int real_serve_open(const struct real_serve_config *cfg,
                    const struct real_serve_callbacks *cbs,
                    struct real_serve **out,
                    char *err,
                    size_t errlen) {
    REAL_ASSERT(cfg->binds_len >= 0 && cfg->binds_len <= REAL_SERVE_BINDS_MAX);
    REAL_ASSERT(cbs->command_cb != NULL && cbs->log_cb != NULL);
    REAL_ASSERT(cfg->clients_max > 0 && cfg->clients_max <= REAL_SERVE_CLIENTS_MAX);
    struct real_serve *s = real_resp_xcalloc(1, sizeof(*s));
    s->clients_max = cfg->clients_max;
    s->cbs = *cbs;
    s->next_id = 1;
    if (cfg->requirepass != NULL && cfg->requirepass[0] != '\0') {
        s->requirepass = strdup(cfg->requirepass);
        REAL_ASSERT(s->requirepass != NULL);
    }
    for (int i = 0; cfg->port != 0 && i < cfg->binds_len; i++) {
        const char *addr = cfg->binds[i];
        bool optional = addr[0] == '-';
        if (optional) { addr++; }
        int fd = listen_one(addr, cfg->port);
        if (fd >= 0) {
            s->lfds[s->lfds_len++] = fd;
            continue;
        }
        if (optional &&
            (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) {
            continue;
        }
        snprintf(err, errlen, "Could not create server TCP listening socket %s:%u: %s", addr,
                 (unsigned)cfg->port, strerror(errno));
        real_serve_free(s);
        return -1;
    }
    if (cfg->port != 0 && s->lfds_len == 0) {
        snprintf(err, errlen, "Failed listening on port %u (tcp), aborting.", (unsigned)cfg->port);
        real_serve_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* ---------------------------------------------------------------- clients */

static void client_free(struct real__serve_client *c) {
    if (c->fd >= 0) { close(c->fd); }
    real_resp_buf_free(&c->query);
    real_resp_buf_free(&c->out);
    for (size_t i = 0; i < c->subs_len; i++) {
        free(c->subs[i].name);
    }
    free(c->subs);
    free(c->name);
    free(c);
}

void real_serve_free(struct real_serve *s) {
    if (s == NULL) { return; }
    for (int i = 0; i < s->lfds_len; i++) {
        close(s->lfds[i]);
    }
    for (size_t i = 0; i < s->clients_len; i++) {
        client_free(s->clients[i]);
    }
    free(s->requirepass);
    free(s);
}

size_t real_serve_clients(const struct real_serve *s) {
    return s->clients_len;
}

static struct real__serve_client *find_client(struct real_serve *s, uint64_t id) {
    for (size_t i = 0; i < s->clients_len; i++) {
        if (s->clients[i]->id == id) { return s->clients[i]; }
    }
    return NULL;
}

void real__serve_check_out(struct real_serve *s, struct real__serve_client *c) {
    size_t limit = c->subs_len > 0 ? REAL_SERVE_PUBSUB_OUT_MAX : REAL_SERVE_OUT_MAX;
    if (c->out.len <= limit || c->close_asap) { return; }
    char line[160];
    snprintf(line, sizeof(line),
             "Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of output "
             "buffer limits.",
             (unsigned long long)c->id, c->addr);
    s->cbs.log_cb(s->cbs.ud, CORE_LEVEL_WARNING, line);
    c->close_asap = true;
}

void real_serve_reply(struct real_serve *s, uint64_t client, const struct core_reply *reply) {
    struct real__serve_client *c = find_client(s, client);
    if (c == NULL || c->close_asap) { return; }
    real_resp_reply(&c->out, reply);
    real__serve_check_out(s, c);
}

void real_serve_publish(struct real_serve *s,
                        const char *channel,
                        size_t channel_len,
                        const char *payload,
                        size_t payload_len) {
    for (size_t i = 0; i < s->clients_len; i++) {
        struct real__serve_client *c = s->clients[i];
        for (size_t j = 0; j < c->subs_len && !c->close_asap; j++) {
            const struct real__serve_sub *sub = &c->subs[j];
            if (!sub->pattern &&
                (sub->len != channel_len || memcmp(sub->name, channel, channel_len) != 0)) {
                continue;
            }
            if (sub->pattern && !real__serve_glob(sub->name, sub->len, channel, channel_len)) {
                continue;
            }
            real_resp_array(&c->out, sub->pattern ? 4 : 3);
            if (sub->pattern) {
                real_resp_bulk(&c->out, "pmessage", 8);
                real_resp_bulk(&c->out, sub->name, sub->len);
            } else {
                real_resp_bulk(&c->out, "message", 7);
            }
            real_resp_bulk(&c->out, channel, channel_len);
            real_resp_bulk(&c->out, payload, payload_len);
            real__serve_check_out(s, c);
        }
    }
}

static void accept_all(struct real_serve *s, int lfd) {
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd = accept(lfd, (struct sockaddr *)&ss, &len);
        if (fd < 0) { return; }
        (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
        if (s->clients_len == s->clients_max) {
            static const char full[] = "-ERR max number of clients reached\r\n";
            (void)send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(fd);
            continue;
        }
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct real__serve_client *c = real_resp_xcalloc(1, sizeof(*c));
        c->id = s->next_id++;
        c->fd = fd;
        c->authed = s->requirepass == NULL;
        c->created_ms = real__now_ms();
        c->last_ms = c->created_ms;
        snprintf(c->last_cmd, sizeof(c->last_cmd), "NULL");
        real_resp_req_reset(&c->req);
        addr_text(&ss, c->addr, sizeof(c->addr));
        len = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
            addr_text(&ss, c->laddr, sizeof(c->laddr));
        }
        s->clients[s->clients_len++] = c;
        char line[96];
        snprintf(line, sizeof(line), "Accepted %s", c->addr);
        s->cbs.log_cb(s->cbs.ud, CORE_LEVEL_VERBOSE, line);
    }
}

/* Runs every complete request in c's query buffer. */
static void process_query(struct real_serve *s, struct real__serve_client *c) {
    while (!c->close_asap && !c->close_after_reply) {
        int rc = real_resp_req_parse(&c->req, &c->query, c->authed);
        if (rc == 0) { break; }
        if (rc < 0) {
            char line[256];
            snprintf(line, sizeof(line), "Protocol error (%s) from client: id=%llu addr=%s",
                     c->req.errstr, (unsigned long long)c->id, c->addr);
            s->cbs.log_cb(s->cbs.ud, CORE_LEVEL_VERBOSE, line);
            char msg[160];
            snprintf(msg, sizeof(msg), "ERR %s", c->req.errstr);
            real_resp_error(&c->out, msg);
            c->close_after_reply = true;
            break;
        }
        const char *argv[REAL_RESP_REQ_ARGC_MAX];
        for (size_t i = 0; i < c->req.argc; i++) {
            argv[i] = c->query.data + c->req.arg_off[i];
            c->query.data[c->req.arg_off[i] + c->req.arg_len[i]] = '\0';
        }
        if (c->req.argc > 0) {
            c->last_ms = real__now_ms();
            real__serve_dispatch(s, c, (uint32_t)c->req.argc, argv, c->req.arg_len);
        }
        real_resp_buf_consume(&c->query, c->req.pos);
        real_resp_req_reset(&c->req);
    }
}

static void client_read(struct real_serve *s, struct real__serve_client *c) {
    for (int i = 0; i < READS_PER_ROUND; i++) {
        char chunk[READ_CHUNK];
        ssize_t n = read(c->fd, chunk, sizeof(chunk));
        if (n == 0) {
            char line[160];
            snprintf(line, sizeof(line), "Client closed connection id=%llu addr=%s",
                     (unsigned long long)c->id, c->addr);
            s->cbs.log_cb(s->cbs.ud, CORE_LEVEL_VERBOSE, line);
            c->close_asap = true;
            return;
        }
        if (n < 0) {
            if (errno == EINTR) { continue; }
            if (errno != EAGAIN && errno != EWOULDBLOCK) { c->close_asap = true; }
            return;
        }
        real_resp_buf_append(&c->query, chunk, (size_t)n);
        if (c->query.len > REAL_SERVE_QUERY_MAX) {
            char line[160];
            snprintf(line, sizeof(line),
                     "Closing client that reached max query buffer length: id=%llu addr=%s",
                     (unsigned long long)c->id, c->addr);
            s->cbs.log_cb(s->cbs.ud, CORE_LEVEL_WARNING, line);
            c->close_asap = true;
            return;
        }
        process_query(s, c);
        if (c->close_asap || c->close_after_reply || (size_t)n < sizeof(chunk)) { return; }
    }
}

static void client_write(struct real__serve_client *c) {
    while (c->out.len > 0) {
        ssize_t n = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) { continue; }
            if (errno != EAGAIN && errno != EWOULDBLOCK) { c->close_asap = true; }
            return;
        }
        real_resp_buf_consume(&c->out, (size_t)n);
    }
}

size_t real_serve_pollfds(const struct real_serve *s, struct pollfd *fds, size_t cap) {
    size_t n = 0;
    for (int i = 0; i < s->lfds_len && n < cap; i++) {
        fds[n++] = (struct pollfd){.fd = s->lfds[i], .events = POLLIN};
    }
    for (size_t i = 0; i < s->clients_len && n < cap; i++) {
        const struct real__serve_client *c = s->clients[i];
        short ev = c->close_after_reply ? 0 : POLLIN;
        if (c->out.len > 0) { ev |= POLLOUT; }
        fds[n++] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    return n;
}

void real_serve_ready(struct real_serve *s, const struct pollfd *fds, size_t n) {
    size_t clients_before = s->clients_len;
    for (size_t i = 0; i < n; i++) {
        if (fds[i].revents == 0) { continue; }
        if (i < (size_t)s->lfds_len) {
            accept_all(s, fds[i].fd);
            continue;
        }
        size_t ci = i - (size_t)s->lfds_len;
        if (ci >= clients_before) { continue; }
        struct real__serve_client *c = s->clients[ci];
        REAL_ASSERT(c->fd == fds[i].fd);
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) { client_read(s, c); }
    }
    /* Flush what every client got this round (replies, publications), then
     * sweep the clients that are done. */
    size_t kept = 0;
    for (size_t i = 0; i < s->clients_len; i++) {
        struct real__serve_client *c = s->clients[i];
        if (!c->close_asap && c->out.len > 0) { client_write(c); }
        if (c->close_asap || (c->close_after_reply && c->out.len == 0)) {
            client_free(c);
            continue;
        }
        s->clients[kept++] = c;
    }
    s->clients_len = kept;
}
