/* resp.h: RESP2 on the wire for `sentsim sentinel`: buffers, encoders, the
 * request parser for our clients and the bounded reply reader for our links.
 *
 * Method: requests are parsed the way a Redis server does it (multibulk or
 * inline, lengths validated as soon as their header line arrives, so that a
 * hostile length is refused before any byte of it is buffered); replies
 * from the servers we monitor go through hiredis's reader with our own
 * object functions, which build `struct core_reply` trees and refuse
 * anything deeper, wider or longer than the core accepts.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REAL_RESP_H
#define SENTSIM_REAL_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---------------------------------------------------------------- buffers */

/* A drained buffer larger than this is freed rather than kept. */
#define REAL_RESP_BUF_KEEP (64u * 1024u)

/* A growable byte buffer; `len` bytes are valid. Zero-initialize to use. */
struct real_resp_buf {
    char *data;
    size_t len;
    size_t cap;
};

void real_resp_buf_append(struct real_resp_buf *b, const void *p, size_t n);
void real_resp_buf_printf(struct real_resp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes (n <= len). */
void real_resp_buf_consume(struct real_resp_buf *b, size_t n);
void real_resp_buf_free(struct real_resp_buf *b);

/* Heap helpers that abort the process on exhaustion: real/ may use the heap,
 * and running on without memory is worse than stopping loudly. */
void *real_resp_xmalloc(size_t n);
void *real_resp_xcalloc(size_t count, size_t n);
void *real_resp_xrealloc(void *p, size_t n);

/* ---------------------------------------------------------------- encoders */

void real_resp_status(struct real_resp_buf *b, const char *s);
void real_resp_error(struct real_resp_buf *b, const char *s); /* s without the leading '-' */
void real_resp_integer(struct real_resp_buf *b, int64_t v);
void real_resp_bulk(struct real_resp_buf *b, const char *s, size_t len);
void real_resp_array(struct real_resp_buf *b, size_t len);
void real_resp_reply(struct real_resp_buf *b, const struct core_reply *r);
/* A command as an array of bulk strings, as clients send them. */
void real_resp_command(struct real_resp_buf *b,
                       uint32_t argc,
                       const char *const *argv,
                       const size_t *argv_len);

/* ---------------------------------------------------------------- requests */

#define REAL_RESP_REQ_ARGC_MAX        1024
#define REAL_RESP_REQ_ARG_MAX         (512u * 1024u)
#define REAL_RESP_REQ_INLINE_MAX      (64u * 1024u)
#define REAL_RESP_REQ_NOAUTH_ARGC_MAX 10 /* like Redis, before AUTH succeeded */
#define REAL_RESP_REQ_NOAUTH_ARG_MAX  16384

/* Incremental state for one client's query buffer. */
struct real_resp_req {
    size_t argc;                            /* arguments parsed so far */
    size_t arg_off[REAL_RESP_REQ_ARGC_MAX]; /* offsets into the query buffer */
    size_t arg_len[REAL_RESP_REQ_ARGC_MAX];
    long expect_argc; /* multibulk: announced count; 0 before the header */
    long bulk_len;    /* length announced by the current '$' line; -1 if none */
    size_t pos;       /* parse position in the query buffer */
    char errstr[128]; /* protocol error, for "-ERR <errstr>" */
};

void real_resp_req_reset(struct real_resp_req *q);

/* Parses the next request at the start of `buf`. Returns 1 when one is
 * complete (q->argc arguments at q->arg_off/arg_len, q->pos bytes used; an
 * empty request has argc 0; each argument is followed by one byte of the
 * buffer the caller may overwrite with a NUL), 0 when more bytes are needed, and -1 on a
 * protocol error (q->errstr; the client must be dropped after the reply).
 * `authed` selects Redis's tighter limits for unauthenticated clients. */
int real_resp_req_parse(struct real_resp_req *q, struct real_resp_buf *buf, bool authed);

/* Splits a line into words the way Redis splits config lines and inline
 * commands (quotes, escapes). Returns the count, or -1 on unbalanced
 * quotes or more than `max` words. Words are NUL-terminated heap copies
 * in `words` (free with real_resp_words_free); `lens` gets their lengths. */
int real_resp_split_args(const char *line, size_t len, char **words, size_t *lens, int max);
void real_resp_words_free(char **words, int n);

/* ---------------------------------------------------------------- replies */

struct real_resp_reader;

/* A reader for one outbound link. Replies are bounded by the core's
 * CORE_REPLY_* limits and by REAL_RESP_REPLY_NODES_MAX values in total. */
#define REAL_RESP_REPLY_NODES_MAX 1024

struct real_resp_reader *real_resp_reader_new(void);
void real_resp_reader_free(struct real_resp_reader *r);

/* Feeds bytes. Returns 0, or -1 if the reader is now broken (the peer sent
 * malformed or oversized data: drop the link; real_resp_reader_error says why). */
int real_resp_reader_feed(struct real_resp_reader *r, const char *p, size_t n);

/* Returns 1 and a reply (free it with real_resp_reply_free), 0 if no complete
 * reply is buffered, or -1 if the reader is broken. */
int real_resp_reader_next(struct real_resp_reader *r, struct core_reply **out);
const char *real_resp_reader_error(const struct real_resp_reader *r);
void real_resp_reply_free(struct core_reply *reply);

#endif
