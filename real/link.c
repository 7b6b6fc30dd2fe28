/* link.c: a small synchronous Redis client for the harness (hiredis 0.14).
 *
 * Method: see link.h. Reply objects are plain hiredis `redisReply` structs,
 * but allocated and freed only here, so the element budget can be charged
 * before each allocation and a refusal surfaces as hiredis's reader error.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "real/check.h"
#include "real/link.h"

/* ---------------------------------------------------------------- reply objects */

/* Charges one object to the link's budget; false when the reply is too big. */
static int charge(const redisReadTask *task) {
    struct real_link *l = task->privdata;
    REAL_ASSERT(l != NULL);
    if (l->budget == 0) { return 0; }
    l->budget--;
    return 1;
}

static redisReply *new_object(const redisReadTask *task, int type) {
    if (!charge(task)) { return NULL; }
    redisReply *r = calloc(1, sizeof(*r));
    if (r == NULL) { return NULL; }
    r->type = type;
    if (task->parent != NULL) {
        redisReply *parent = task->parent->obj;
        REAL_ASSERT(parent->type == REDIS_REPLY_ARRAY);
        REAL_ASSERT(task->idx >= 0 && (size_t)task->idx < parent->elements);
        parent->element[task->idx] = r;
    }
    return r;
}

static void *create_string(const redisReadTask *task, char *str, size_t len) {
    if (len > REAL_REPLY_BYTES_MAX) { return NULL; }
    char *copy = malloc(len + 1);
    if (copy == NULL) { return NULL; }
    redisReply *r = new_object(task, task->type);
    if (r == NULL) {
        free(copy);
        return NULL;
    }
    memcpy(copy, str, len);
    copy[len] = '\0';
    r->str = copy;
    r->len = len;
    return r;
}

static void *create_array(const redisReadTask *task, int elements) {
    struct real_link *l = task->privdata;
    if (elements < 0 || (uint32_t)elements > l->budget) { return NULL; }
    redisReply *r = new_object(task, REDIS_REPLY_ARRAY);
    if (r == NULL) { return NULL; }
    if (elements > 0) {
        r->element = calloc((size_t)elements, sizeof(redisReply *));
        if (r->element == NULL) {
            /* Unhook from the parent so the partial tree is freed once. */
            if (task->parent != NULL) {
                ((redisReply *)task->parent->obj)->element[task->idx] = NULL;
            }
            free(r);
            return NULL;
        }
    }
    r->elements = (size_t)elements;
    return r;
}

static void *create_integer(const redisReadTask *task, long long value) {
    redisReply *r = new_object(task, REDIS_REPLY_INTEGER);
    if (r != NULL) { r->integer = value; }
    return r;
}

static void *create_nil(const redisReadTask *task) {
    return new_object(task, REDIS_REPLY_NIL);
}

static void free_object(void *obj) {
    real_reply_free(obj);
}

static redisReplyObjectFunctions reply_functions = {
    create_string, create_array, create_integer, create_nil, free_object,
};

void real_reply_free(redisReply *r) {
    if (r == NULL) { return; }
    if (r->type == REDIS_REPLY_ARRAY && r->element != NULL) {
        for (size_t i = 0; i < r->elements; i++) {
            real_reply_free(r->element[i]);
        }
        free(r->element);
    }
    free(r->str);
    free(r);
}

/* ---------------------------------------------------------------- connection */

static int fail(struct real_link *l, const char *what, const char *detail) {
    snprintf(l->errstr, sizeof(l->errstr), "%.60s: %.60s", what, detail);
    real_link_close(l);
    return -1;
}

/* Connects a TCP socket within timeout_ms; returns the fd or -1 with errno. */
static int connect_timed(const struct sockaddr_in *sa, uint32_t timeout_ms) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { return -1; }
    if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0) {
        if (errno != EINPROGRESS) { goto fail; }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int n;
        do {
            n = poll(&p, 1, (int)timeout_ms);
        } while (n < 0 && errno == EINTR);
        if (n == 0) {
            errno = ETIMEDOUT;
            goto fail;
        }
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0) { goto fail; }
        if (soerr != 0) {
            errno = soerr;
            goto fail;
        }
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) { goto fail; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
fail : {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}
}

int real_link_open(struct real_link *l, const char *ip, uint16_t port, uint32_t timeout_ms) {
    REAL_ASSERT(l != NULL && ip != NULL);
    REAL_ASSERT(timeout_ms > 0);
    memset(l, 0, sizeof(*l));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) { return fail(l, "bad IPv4 address", ip); }
    int fd = connect_timed(&sa, timeout_ms);
    if (fd < 0) {
        char what[80];
        snprintf(what, sizeof(what), "connect %s:%u", ip, (unsigned)port);
        return fail(l, what, strerror(errno));
    }
    l->ctx = redisConnectFd(fd);
    if (l->ctx == NULL || l->ctx->err != 0) {
        if (l->ctx == NULL) { close(fd); }
        return fail(l, "hiredis", "cannot wrap the socket");
    }
    l->ctx->reader->fn = &reply_functions;
    l->ctx->reader->privdata = l;
    struct timeval tv = {.tv_sec = (time_t)(timeout_ms / 1000u),
                         .tv_usec = (suseconds_t)(timeout_ms % 1000u) * 1000};
    if (redisSetTimeout(l->ctx, tv) != REDIS_OK) {
        return fail(l, "hiredis", "cannot set timeout");
    }
    return 0;
}

void real_link_close(struct real_link *l) {
    REAL_ASSERT(l != NULL);
    if (l->ctx != NULL) { redisFree(l->ctx); }
    l->ctx = NULL;
}

int real_link_cmdv(struct real_link *l, int argc, const char *const *argv, redisReply **reply) {
    REAL_ASSERT(l != NULL && reply != NULL);
    REAL_ASSERT(argc > 0 && argc <= REAL_LINK_ARGS_MAX);
    *reply = NULL;
    if (l->ctx == NULL) {
        snprintf(l->errstr, sizeof(l->errstr), "link is closed");
        return -1;
    }
    redisContext *c = l->ctx;
    const char *words[REAL_LINK_ARGS_MAX];
    for (int i = 0; i < argc; i++) {
        words[i] = argv[i];
    }
    if (redisAppendCommandArgv(c, argc, words, NULL) != REDIS_OK) {
        return fail(l, "send", c->errstr);
    }
    int done = 0;
    while (!done) {
        if (redisBufferWrite(c, &done) != REDIS_OK) { return fail(l, "send", c->errstr); }
    }
    l->budget = REAL_REPLY_ELEMENTS_MAX;
    void *r = NULL;
    for (;;) {
        if (redisGetReplyFromReader(c, &r) != REDIS_OK) { return fail(l, "reply", c->errstr); }
        if (r != NULL) { break; }
        if (c->reader->len - c->reader->pos > REAL_REPLY_BYTES_MAX) {
            return fail(l, "reply", "larger than the harness accepts");
        }
        if (redisBufferRead(c) != REDIS_OK) {
            return fail(l, "receive", c->err == REDIS_ERR_IO ? strerror(errno) : c->errstr);
        }
    }
    *reply = r;
    return 0;
}

int real_link_cmd(struct real_link *l, redisReply **reply, const char *word, ...) {
    const char *argv[REAL_LINK_ARGS_MAX];
    int argc = 0;
    va_list ap;
    va_start(ap, word);
    for (const char *w = word; w != NULL; w = va_arg(ap, const char *)) {
        REAL_ASSERT(argc < REAL_LINK_ARGS_MAX);
        argv[argc++] = w;
    }
    va_end(ap);
    return real_link_cmdv(l, argc, argv, reply);
}

int real_query(const char *ip,
               uint16_t port,
               const char *pass,
               uint32_t timeout_ms,
               redisReply **reply,
               char *errstr,
               size_t errlen,
               int argc,
               const char *const *argv) {
    struct real_link l;
    *reply = NULL;
    if (real_link_open(&l, ip, port, timeout_ms) != 0) { goto fail; }
    if (pass != NULL && pass[0] != '\0') {
        redisReply *a = NULL;
        if (real_link_cmd(&l, &a, "AUTH", pass, NULL) != 0) { goto fail; }
        int ok = a->type == REDIS_REPLY_STATUS;
        real_reply_free(a);
        if (!ok) {
            snprintf(l.errstr, sizeof(l.errstr), "AUTH refused by %s:%u", ip, (unsigned)port);
            real_link_close(&l);
            goto fail;
        }
    }
    if (real_link_cmdv(&l, argc, argv, reply) != 0) { goto fail; }
    real_link_close(&l);
    return 0;
fail:
    if (errstr != NULL && errlen > 0) { snprintf(errstr, errlen, "%s", l.errstr); }
    return -1;
}

const char *real_reply_map_get(const redisReply *r, const char *key) {
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) { return NULL; }
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        const redisReply *k = r->element[i];
        const redisReply *v = r->element[i + 1];
        if (k == NULL || v == NULL || k->type != REDIS_REPLY_STRING) { continue; }
        if (v->type != REDIS_REPLY_STRING || strcmp(k->str, key) != 0) { continue; }
        return v->str;
    }
    return NULL;
}

int real_info_field(const char *info, const char *key, char *out, size_t outlen) {
    REAL_ASSERT(info != NULL && key != NULL && outlen > 0);
    size_t klen = strlen(key);
    for (const char *p = info; p != NULL && *p != '\0';) {
        const char *eol = strchr(p, '\n');
        size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == ':') {
            size_t vlen = len - klen - 1;
            if (vlen > 0 && p[klen + vlen] == '\r') { vlen--; }
            if (vlen >= outlen) { vlen = outlen - 1; }
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = '\0';
            return 0;
        }
        p = eol != NULL ? eol + 1 : NULL;
    }
    return -1;
}
