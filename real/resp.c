/* resp.c: RESP2 buffers, encoders, request parser and bounded reply reader.
 *
 * Method: see resp.h. The request parser keeps its position across reads
 * (a client dripping a large request byte by byte costs linear time), and
 * refuses a length as soon as its header line is complete. The reply
 * reader lets hiredis do the framing and builds each value directly in its
 * parent's element array, so a finished reply is already the contiguous
 * `struct core_reply` tree the core takes.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real/resp.h"

#include <hiredis/read.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real/check.h"

/* ---------------------------------------------------------------- buffers */

void *real_resp_xmalloc(size_t n) {
    void *p = malloc(n == 0 ? 1 : n);
    if (p == NULL) {
        fprintf(stderr, "sentsim: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

void *real_resp_xcalloc(size_t count, size_t n) {
    void *p = calloc(count == 0 ? 1 : count, n == 0 ? 1 : n);
    if (p == NULL) {
        fprintf(stderr, "sentsim: out of memory (%zu x %zu bytes)\n", count, n);
        abort();
    }
    return p;
}

void *real_resp_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n == 0 ? 1 : n);
    if (q == NULL) {
        fprintf(stderr, "sentsim: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

static void buf_reserve(struct real_resp_buf *b, size_t extra) {
    REAL_ASSERT(b->len <= b->cap);
    REAL_ASSERT(extra < SIZE_MAX / 4);
    if (b->cap - b->len >= extra) { return; }
    size_t cap = b->cap == 0 ? 256 : b->cap;
    while (cap - b->len < extra) {
        cap *= 2;
    }
    b->data = real_resp_xrealloc(b->data, cap);
    b->cap = cap;
}

void real_resp_buf_append(struct real_resp_buf *b, const void *p, size_t n) {
    if (n == 0) { return; }
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void real_resp_buf_printf(struct real_resp_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    REAL_ASSERT(n >= 0);
    buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    int m = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    REAL_ASSERT(m == n);
    b->len += (size_t)n;
}

void real_resp_buf_consume(struct real_resp_buf *b, size_t n) {
    REAL_ASSERT(n <= b->len);
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    /* Give back the memory of a burst once it is drained. */
    if (b->len == 0 && b->cap > REAL_RESP_BUF_KEEP) { real_resp_buf_free(b); }
}

void real_resp_buf_free(struct real_resp_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* ---------------------------------------------------------------- encoders */

/* Simple strings cannot carry CR or LF; Redis replaces them by spaces. */
static void line_item(struct real_resp_buf *b, char mark, const char *s, size_t len) {
    real_resp_buf_append(b, &mark, 1);
    size_t start = b->len;
    real_resp_buf_append(b, s, len);
    for (size_t i = start; i < b->len; i++) {
        if (b->data[i] == '\r' || b->data[i] == '\n') { b->data[i] = ' '; }
    }
    real_resp_buf_append(b, "\r\n", 2);
}

void real_resp_status(struct real_resp_buf *b, const char *s) {
    line_item(b, '+', s, strlen(s));
}

void real_resp_error(struct real_resp_buf *b, const char *s) {
    line_item(b, '-', s, strlen(s));
}

void real_resp_integer(struct real_resp_buf *b, int64_t v) {
    real_resp_buf_printf(b, ":%" PRId64 "\r\n", v);
}

void real_resp_bulk(struct real_resp_buf *b, const char *s, size_t len) {
    real_resp_buf_printf(b, "$%zu\r\n", len);
    real_resp_buf_append(b, s, len);
    real_resp_buf_append(b, "\r\n", 2);
}

void real_resp_array(struct real_resp_buf *b, size_t len) {
    real_resp_buf_printf(b, "*%zu\r\n", len);
}

void real_resp_reply(struct real_resp_buf *b, const struct core_reply *r) {
    switch (r->type) {
    case CORE_REPLY_STATUS:
        line_item(b, '+', r->str, r->len);
        break;
    case CORE_REPLY_ERROR:
        line_item(b, '-', r->str, r->len);
        break;
    case CORE_REPLY_INTEGER:
        real_resp_integer(b, r->integer);
        break;
    case CORE_REPLY_BULK:
        real_resp_bulk(b, r->str, r->len);
        break;
    case CORE_REPLY_NIL:
        real_resp_buf_append(b, "$-1\r\n", 5);
        break;
    case CORE_REPLY_NIL_ARRAY:
        real_resp_buf_append(b, "*-1\r\n", 5);
        break;
    case CORE_REPLY_ARRAY:
        real_resp_array(b, r->elements_len);
        for (size_t i = 0; i < r->elements_len; i++) {
            real_resp_reply(b, &r->elements[i]);
        }
        break;
    default:
        REAL_UNREACHABLE();
    }
}

void real_resp_command(struct real_resp_buf *b,
                       uint32_t argc,
                       const char *const *argv,
                       const size_t *argv_len) {
    REAL_ASSERT(argc > 0);
    real_resp_array(b, argc);
    for (uint32_t i = 0; i < argc; i++) {
        real_resp_bulk(b, argv[i], argv_len[i]);
    }
}

/* ---------------------------------------------------------------- requests */

/* Strict decimal: optional '-', no leading zeros or blanks, no overflow. */
static int parse_ll(const char *s, size_t len, long long *out) {
    size_t i = 0;
    bool neg = false;
    if (len == 0 || len > 20) { return -1; }
    if (s[0] == '-') {
        neg = true;
        i = 1;
        if (len == 1) { return -1; }
    }
    if (s[i] == '0' && len > i + 1) { return -1; }
    unsigned long long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') { return -1; }
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10) { return -1; }
        v = v * 10 + d;
    }
    if (v > (unsigned long long)LLONG_MAX) { return -1; }
    *out = neg ? -(long long)v : (long long)v;
    return 0;
}

void real_resp_req_reset(struct real_resp_req *q) {
    q->argc = 0;
    q->expect_argc = 0;
    q->bulk_len = -1;
    q->pos = 0;
    q->errstr[0] = '\0';
}

static int req_fail(struct real_resp_req *q, const char *msg) {
    snprintf(q->errstr, sizeof(q->errstr), "%s", msg);
    return -1;
}

/* Finds the "\r\n" ending the line at `from`; returns its offset or -1. */
static long find_crlf(const struct real_resp_buf *buf, size_t from) {
    if (from >= buf->len) { return -1; }
    const char *cr = memchr(buf->data + from, '\r', buf->len - from);
    if (cr == NULL || (size_t)(cr - buf->data) + 1 >= buf->len) { return -1; }
    return (long)(cr - buf->data);
}

static int req_inline(struct real_resp_req *q, struct real_resp_buf *buf) {
    const char *nl = memchr(buf->data, '\n', buf->len);
    if (nl == NULL) {
        if (buf->len > REAL_RESP_REQ_INLINE_MAX) {
            return req_fail(q, "Protocol error: too big inline request");
        }
        return 0;
    }
    size_t line_len = (size_t)(nl - buf->data);
    size_t used = line_len + 1;
    if (line_len > 0 && buf->data[line_len - 1] == '\r') { line_len--; }
    char *words[REAL_RESP_REQ_ARGC_MAX];
    size_t lens[REAL_RESP_REQ_ARGC_MAX];
    int n = real_resp_split_args(buf->data, line_len, words, lens, REAL_RESP_REQ_ARGC_MAX);
    if (n < 0) { return req_fail(q, "Protocol error: unbalanced quotes in request"); }
    /* Rewrite the words, each followed by a NUL, in place of the line, so
     * that arguments of both request forms live in the query buffer with a
     * byte after them; they fit because words were separated by blanks
     * and splitting only removes quotes, escapes and blanks. */
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        REAL_ASSERT(off + lens[i] + 1 <= used);
        memcpy(buf->data + off, words[i], lens[i]);
        buf->data[off + lens[i]] = '\0';
        q->arg_off[i] = off;
        q->arg_len[i] = lens[i];
        off += lens[i] + 1;
    }
    real_resp_words_free(words, n);
    q->argc = (size_t)n;
    q->pos = used;
    return 1;
}

static int req_header(struct real_resp_req *q, struct real_resp_buf *buf, bool authed) {
    long cr = find_crlf(buf, 0);
    if (cr < 0) {
        if (buf->len > REAL_RESP_REQ_INLINE_MAX) {
            return req_fail(q, "Protocol error: too big mbulk count string");
        }
        return 0;
    }
    long long n;
    if (parse_ll(buf->data + 1, (size_t)cr - 1, &n) != 0 || n > REAL_RESP_REQ_ARGC_MAX) {
        return req_fail(q, "Protocol error: invalid multibulk length");
    }
    if (!authed && n > REAL_RESP_REQ_NOAUTH_ARGC_MAX) {
        return req_fail(q, "Protocol error: unauthenticated multibulk length");
    }
    q->pos = (size_t)cr + 2;
    if (n <= 0) { return 1; }
    q->expect_argc = (long)n;
    return 0;
}

static int req_bulk_header(struct real_resp_req *q, struct real_resp_buf *buf, bool authed) {
    long cr = find_crlf(buf, q->pos);
    if (cr < 0) {
        if (buf->len - q->pos > REAL_RESP_REQ_INLINE_MAX) {
            return req_fail(q, "Protocol error: too big bulk count string");
        }
        return 0;
    }
    if (buf->data[q->pos] != '$') {
        char msg[64];
        snprintf(msg, sizeof(msg), "Protocol error: expected '$', got '%c'", buf->data[q->pos]);
        return req_fail(q, msg);
    }
    long long n;
    size_t digits = (size_t)cr - q->pos - 1;
    if (parse_ll(buf->data + q->pos + 1, digits, &n) != 0 || n < 0 || n > REAL_RESP_REQ_ARG_MAX) {
        return req_fail(q, "Protocol error: invalid bulk length");
    }
    if (!authed && n > REAL_RESP_REQ_NOAUTH_ARG_MAX) {
        return req_fail(q, "Protocol error: unauthenticated bulk length");
    }
    q->pos = (size_t)cr + 2;
    q->bulk_len = (long)n;
    return 1;
}

int real_resp_req_parse(struct real_resp_req *q, struct real_resp_buf *buf, bool authed) {
    if (q->expect_argc == 0) {
        if (buf->len == 0) { return 0; }
        if (buf->data[0] != '*') { return req_inline(q, buf); }
        int rc = req_header(q, buf, authed);
        if (rc != 0 || q->expect_argc == 0) { return rc; }
    }
    while ((long)q->argc < q->expect_argc) {
        if (q->bulk_len < 0) {
            int rc = req_bulk_header(q, buf, authed);
            if (rc <= 0) { return rc; }
        }
        size_t need = (size_t)q->bulk_len + 2;
        if (buf->len - q->pos < need) { return 0; }
        REAL_ASSERT(q->argc < REAL_RESP_REQ_ARGC_MAX);
        q->arg_off[q->argc] = q->pos;
        q->arg_len[q->argc] = (size_t)q->bulk_len;
        q->argc++;
        q->pos += need;
        q->bulk_len = -1;
    }
    return 1;
}

/* ---------------------------------------------------------------- split args */

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') { return c - '0'; }
    if (c >= 'a' && c <= 'f') { return c - 'a' + 10; }
    if (c >= 'A' && c <= 'F') { return c - 'A' + 10; }
    return -1;
}

static bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Reads one double-quoted word starting after the opening quote. Returns the
 * index after the closing quote, or 0 on an unbalanced or glued quote. */
static size_t split_dquoted(const char *s, size_t len, size_t i, struct real_resp_buf *w) {
    while (i < len) {
        char c = s[i];
        if (c == '\\' && i + 3 < len && s[i + 1] == 'x' && hex_digit(s[i + 2]) >= 0 &&
            hex_digit(s[i + 3]) >= 0) {
            char byte = (char)(hex_digit(s[i + 2]) * 16 + hex_digit(s[i + 3]));
            real_resp_buf_append(w, &byte, 1);
            i += 4;
        } else if (c == '\\' && i + 1 < len) {
            char e = s[i + 1];
            char out = e == 'n'   ? '\n'
                       : e == 'r' ? '\r'
                       : e == 't' ? '\t'
                       : e == 'b' ? '\b'
                       : e == 'a' ? '\a'
                                  : e;
            real_resp_buf_append(w, &out, 1);
            i += 2;
        } else if (c == '"') {
            if (i + 1 < len && !is_blank(s[i + 1])) { return 0; }
            return i + 1;
        } else {
            real_resp_buf_append(w, &c, 1);
            i++;
        }
    }
    return 0;
}

static size_t split_squoted(const char *s, size_t len, size_t i, struct real_resp_buf *w) {
    while (i < len) {
        if (s[i] == '\\' && i + 1 < len && s[i + 1] == '\'') {
            real_resp_buf_append(w, "'", 1);
            i += 2;
        } else if (s[i] == '\'') {
            if (i + 1 < len && !is_blank(s[i + 1])) { return 0; }
            return i + 1;
        } else {
            real_resp_buf_append(w, &s[i], 1);
            i++;
        }
    }
    return 0;
}

int real_resp_split_args(const char *line, size_t len, char **words, size_t *lens, int max) {
    int n = 0;
    size_t i = 0;
    for (;;) {
        while (i < len && is_blank(line[i])) {
            i++;
        }
        if (i >= len) { return n; }
        struct real_resp_buf w = {0};
        if (line[i] == '"' || line[i] == '\'') {
            size_t next = line[i] == '"' ? split_dquoted(line, len, i + 1, &w)
                                         : split_squoted(line, len, i + 1, &w);
            if (next == 0 || n >= max) {
                real_resp_buf_free(&w);
                real_resp_words_free(words, n);
                return -1;
            }
            i = next;
        } else {
            while (i < len && !is_blank(line[i])) {
                real_resp_buf_append(&w, &line[i], 1);
                i++;
            }
            if (n >= max) {
                real_resp_buf_free(&w);
                real_resp_words_free(words, n);
                return -1;
            }
        }
        real_resp_buf_append(&w, "", 1);
        words[n] = w.data;
        lens[n] = w.len - 1;
        n++;
    }
}

void real_resp_words_free(char **words, int n) {
    for (int i = 0; i < n; i++) {
        free(words[i]);
        words[i] = NULL;
    }
}

/* ---------------------------------------------------------------- replies */

struct real_resp_reader {
    redisReader *hr;
    uint32_t nodes; /* values of the reply being built */
    char err[128];  /* why we refused a value; "" if hiredis refused it */
};

/* The tree is ours; the core only gets a const view of it. */
static struct core_reply *mut(const struct core_reply *r) {
    return (struct core_reply *)(uintptr_t)r;
}

static void reply_free_children(struct core_reply *r) {
    if (r->str != NULL) { free((void *)(uintptr_t)r->str); }
    if (r->elements != NULL) {
        for (size_t i = 0; i < r->elements_len; i++) {
            reply_free_children(mut(&r->elements[i]));
        }
        free((void *)(uintptr_t)r->elements);
    }
}

void real_resp_reply_free(struct core_reply *reply) {
    if (reply == NULL) { return; }
    reply_free_children(reply);
    free(reply);
}

static void reader_free_object(void *obj) {
    real_resp_reply_free(obj);
}

/* Where the value of task `t` goes: a fresh root, or its slot in the parent's
 * element array. NULL (with r->err set) if a bound would be exceeded. */
static struct core_reply *reader_slot(const redisReadTask *t) {
    struct real_resp_reader *r = t->privdata;
    int depth = 1;
    for (const redisReadTask *p = t->parent; p != NULL; p = p->parent) {
        depth++;
    }
    if (t->parent == NULL) { r->nodes = 0; }
    if (depth > CORE_REPLY_DEPTH_MAX) {
        snprintf(r->err, sizeof(r->err), "reply nested deeper than %d", CORE_REPLY_DEPTH_MAX);
        return NULL;
    }
    if (++r->nodes > REAL_RESP_REPLY_NODES_MAX) {
        snprintf(r->err, sizeof(r->err), "reply of more than %d values", REAL_RESP_REPLY_NODES_MAX);
        return NULL;
    }
    if (t->parent == NULL) { return real_resp_xcalloc(1, sizeof(struct core_reply)); }
    struct core_reply *parent = t->parent->obj;
    REAL_ASSERT(parent->type == CORE_REPLY_ARRAY);
    REAL_ASSERT(t->idx >= 0 && (size_t)t->idx < parent->elements_len);
    return mut(&parent->elements[t->idx]);
}

static void *reader_string(const redisReadTask *t, char *s, size_t len) {
    struct real_resp_reader *r = t->privdata;
    if (len > CORE_INFO_BYTES_MAX) {
        snprintf(r->err, sizeof(r->err), "string of %zu bytes in a reply", len);
        return NULL;
    }
    struct core_reply *v = reader_slot(t);
    if (v == NULL) { return NULL; }
    v->type = t->type == REDIS_REPLY_ERROR    ? CORE_REPLY_ERROR
              : t->type == REDIS_REPLY_STATUS ? CORE_REPLY_STATUS
                                              : CORE_REPLY_BULK;
    char *copy = real_resp_xmalloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    v->str = copy;
    v->len = len;
    return v;
}

static void *reader_array(const redisReadTask *t, int elements) {
    struct real_resp_reader *r = t->privdata;
    if (elements < 0 || elements > CORE_REPLY_ELEMENTS_MAX) {
        snprintf(r->err, sizeof(r->err), "array of %d elements in a reply", elements);
        return NULL;
    }
    struct core_reply *v = reader_slot(t);
    if (v == NULL) { return NULL; }
    v->type = CORE_REPLY_ARRAY;
    v->elements = real_resp_xcalloc((size_t)elements, sizeof(struct core_reply));
    v->elements_len = (size_t)elements;
    return v;
}

static void *reader_integer(const redisReadTask *t, long long value) {
    struct core_reply *v = reader_slot(t);
    if (v == NULL) { return NULL; }
    v->type = CORE_REPLY_INTEGER;
    v->integer = value;
    return v;
}

static void *reader_nil(const redisReadTask *t) {
    struct core_reply *v = reader_slot(t);
    if (v == NULL) { return NULL; }
    v->type = t->type == REDIS_REPLY_ARRAY ? CORE_REPLY_NIL_ARRAY : CORE_REPLY_NIL;
    return v;
}

static redisReplyObjectFunctions reader_functions = {
    .createString = reader_string,
    .createArray = reader_array,
    .createInteger = reader_integer,
    .createNil = reader_nil,
    .freeObject = reader_free_object,
};

struct real_resp_reader *real_resp_reader_new(void) {
    struct real_resp_reader *r = real_resp_xcalloc(1, sizeof(*r));
    r->hr = redisReaderCreateWithFunctions(&reader_functions);
    if (r->hr == NULL) {
        fprintf(stderr, "sentsim: out of memory (hiredis reader)\n");
        abort();
    }
    r->hr->privdata = r;
    return r;
}

void real_resp_reader_free(struct real_resp_reader *r) {
    if (r == NULL) { return; }
    redisReaderFree(r->hr);
    free(r);
}

const char *real_resp_reader_error(const struct real_resp_reader *r) {
    return r->err[0] != '\0' ? r->err : r->hr->errstr;
}

int real_resp_reader_feed(struct real_resp_reader *r, const char *p, size_t n) {
    if (r->hr->err != 0) { return -1; }
    if (redisReaderFeed(r->hr, p, n) != REDIS_OK) { return -1; }
    return 0;
}

int real_resp_reader_next(struct real_resp_reader *r, struct core_reply **out) {
    void *obj = NULL;
    *out = NULL;
    if (r->hr->err != 0) { return -1; }
    if (redisReaderGetReply(r->hr, &obj) != REDIS_OK) { return -1; }
    if (obj != NULL) {
        *out = obj;
        return 1;
    }
    /* An incomplete value that already exceeds the largest the core takes
     * will never become acceptable: refuse it instead of buffering on. */
    if (r->hr->len - r->hr->pos > CORE_INFO_BYTES_MAX + 4096) {
        snprintf(r->err, sizeof(r->err), "reply longer than %u bytes", CORE_INFO_BYTES_MAX);
        r->hr->err = REDIS_ERR_PROTOCOL;
        return -1;
    }
    return 0;
}
