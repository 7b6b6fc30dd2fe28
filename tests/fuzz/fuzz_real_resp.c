/* fuzz_real_resp.c: libFuzzer target for the RESP pieces of `sentsim
 * sentinel`: the client request parser, the bounded reply reader and the
 * config-line splitter (real/resp.c).
 *
 * Method: the first input byte picks the parser and the chunk size the rest
 * is fed in (bytes arrive split at arbitrary points on a real socket). The
 * request parser must return whole requests whose arguments lie inside the
 * bytes consumed, or a protocol error with a message; the reply reader must
 * only ever hand out trees within the core's bounds (depth, elements,
 * string length, total values); the splitter must return words or -1.
 * Sanitizers catch the rest.
 *
 * fuzz-sources: real/resp.c real/sys.c
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real/resp.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void requests(const char *p, size_t n, size_t chunk, bool authed) {
    static struct real_resp_req q;
    struct real_resp_buf b = {0};
    real_resp_req_reset(&q);
    for (size_t off = 0; off < n;) {
        size_t take = n - off < chunk ? n - off : chunk;
        real_resp_buf_append(&b, p + off, take);
        off += take;
        for (;;) {
            int rc = real_resp_req_parse(&q, &b, authed);
            if (rc == 0) { break; }
            if (rc < 0) {
                CHECK(q.errstr[0] != '\0');
                real_resp_buf_free(&b);
                return;
            }
            CHECK(q.pos <= b.len);
            CHECK(q.argc <= REAL_RESP_REQ_ARGC_MAX);
            for (size_t i = 0; i < q.argc; i++) {
                /* Each argument and the byte after it lie in the consumed part. */
                CHECK(q.arg_off[i] + q.arg_len[i] < q.pos);
            }
            real_resp_buf_consume(&b, q.pos);
            real_resp_req_reset(&q);
        }
    }
    real_resp_buf_free(&b);
}

static size_t check_tree(const struct core_reply *r, int depth) {
    CHECK(depth <= CORE_REPLY_DEPTH_MAX);
    size_t values = 1;
    switch (r->type) {
    case CORE_REPLY_STATUS:
    case CORE_REPLY_ERROR:
    case CORE_REPLY_BULK:
        CHECK(r->str != NULL);
        CHECK(r->len <= CORE_INFO_BYTES_MAX);
        CHECK(r->str[r->len] == '\0');
        break;
    case CORE_REPLY_ARRAY:
        CHECK(r->elements_len <= CORE_REPLY_ELEMENTS_MAX);
        for (size_t i = 0; i < r->elements_len; i++) {
            values += check_tree(&r->elements[i], depth + 1);
        }
        break;
    case CORE_REPLY_INTEGER:
    case CORE_REPLY_NIL:
    case CORE_REPLY_NIL_ARRAY:
        break;
    default:
        CHECK(!"unknown reply type");
    }
    return values;
}

static void replies(const char *p, size_t n, size_t chunk) {
    struct real_resp_reader *r = real_resp_reader_new();
    bool broken = false;
    for (size_t off = 0; off < n && !broken;) {
        size_t take = n - off < chunk ? n - off : chunk;
        broken = real_resp_reader_feed(r, p + off, take) != 0;
        off += take;
        while (!broken) {
            struct core_reply *v = NULL;
            int rc = real_resp_reader_next(r, &v);
            if (rc == 0) { break; }
            if (rc < 0) {
                CHECK(v == NULL);
                broken = true;
                break;
            }
            CHECK(check_tree(v, 1) <= REAL_RESP_REPLY_NODES_MAX);
            real_resp_reply_free(v);
        }
    }
    real_resp_reader_free(r);
}

static void split(const char *p, size_t n) {
    char *words[16];
    size_t lens[16];
    int k = real_resp_split_args(p, n, words, lens, 16);
    CHECK(k >= -1 && k <= 16);
    for (int i = 0; i < k; i++) {
        CHECK(strlen(words[i]) <= lens[i]);
    }
    real_resp_words_free(words, k < 0 ? 0 : k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) { return 0; }
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    size_t chunk = (size_t)(data[0] >> 2) + 1;
    switch (data[0] & 3) {
    case 0:
        requests(p, n, chunk, true);
        break;
    case 1:
        requests(p, n, chunk, false);
        break;
    case 2:
        replies(p, n, chunk);
        break;
    default:
        split(p, n);
        break;
    }
    return 0;
}
