/* codec.c: the byte form of commands and replies while they cross the network.
 *
 * Method: an in-flight message holds plain bytes (in pooled chunks), never
 * pointers, so a reply is encoded when the sender produces it and decoded
 * into core_reply values when it is delivered. The form is a compact
 * length-prefixed tree (not RESP: nobody outside the simulator reads it);
 * strings carry a trailing NUL so that they can be used in place. Every
 * write is bounds-checked against the buffer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <string.h>

#include "sim/check.h"
#include "sim/world.h"

struct writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
};

static void put(struct writer *wr, const void *p, size_t n) {
    SIM_ASSERT(wr->len + n <= wr->cap); /* a message larger than the scratch area */
    if (n > 0) { memcpy(wr->buf + wr->len, p, n); }
    wr->len += n;
}

static void put_u32(struct writer *wr, uint32_t v) {
    put(wr, &v, sizeof(v));
}

static void put_str(struct writer *wr, const char *s, size_t n) {
    SIM_ASSERT(n <= UINT32_MAX);
    put_u32(wr, (uint32_t)n);
    put(wr, s, n);
    put(wr, "", 1);
}

struct reader {
    const uint8_t *buf;
    uint32_t len;
    uint32_t pos;
};

static uint32_t get_u32(struct reader *rd) {
    uint32_t v;
    SIM_ASSERT(rd->pos + sizeof(v) <= rd->len);
    memcpy(&v, rd->buf + rd->pos, sizeof(v));
    rd->pos += (uint32_t)sizeof(v);
    return v;
}

static const char *get_str(struct reader *rd, size_t *n) {
    uint32_t len = get_u32(rd);
    SIM_ASSERT(rd->pos + len + 1 <= rd->len);
    const char *s = (const char *)rd->buf + rd->pos;
    SIM_ASSERT(s[len] == '\0');
    rd->pos += len + 1;
    *n = len;
    return s;
}

uint32_t sim__encode_argv(
    uint8_t *buf, size_t cap, uint32_t argc, const char *const *argv, const size_t *argv_len) {
    struct writer wr = {buf, cap, 0};
    put_u32(&wr, argc);
    for (uint32_t i = 0; i < argc; i++) {
        put_str(&wr, argv[i], argv_len != NULL ? argv_len[i] : strlen(argv[i]));
    }
    return (uint32_t)wr.len;
}

uint32_t sim__decode_argv(
    const uint8_t *buf, uint32_t len, const char **argv, size_t *argv_len, uint32_t argv_max) {
    struct reader rd = {buf, len, 0};
    uint32_t argc = get_u32(&rd);
    SIM_ASSERT(argc <= argv_max);
    for (uint32_t i = 0; i < argc; i++) {
        argv[i] = get_str(&rd, &argv_len[i]);
    }
    SIM_ASSERT(rd.pos == len);
    return argc;
}

static void put_reply(struct writer *wr, const struct core_reply *r, int depth) {
    SIM_ASSERT(depth <= CORE_REPLY_DEPTH_MAX);
    uint8_t type = (uint8_t)r->type;
    put(wr, &type, 1);
    switch (r->type) {
    case CORE_REPLY_INTEGER:
        put(wr, &r->integer, sizeof(r->integer));
        break;
    case CORE_REPLY_STATUS:
    case CORE_REPLY_ERROR:
    case CORE_REPLY_BULK:
        put_str(wr, r->str, r->len);
        break;
    case CORE_REPLY_ARRAY:
        SIM_ASSERT(r->elements_len <= CORE_REPLY_ELEMENTS_MAX * 16);
        put_u32(wr, (uint32_t)r->elements_len);
        for (size_t i = 0; i < r->elements_len; i++) {
            put_reply(wr, &r->elements[i], depth + 1);
        }
        break;
    case CORE_REPLY_NIL:
    case CORE_REPLY_NIL_ARRAY:
        break;
    default:
        SIM_UNREACHABLE();
    }
}

uint32_t sim__encode_reply(uint8_t *buf, size_t cap, const struct core_reply *r) {
    struct writer wr = {buf, cap, 0};
    put_reply(&wr, r, 0);
    return (uint32_t)wr.len;
}

static void get_reply(struct sim_world *w, struct reader *rd, struct core_reply *out, int depth) {
    SIM_ASSERT(depth <= CORE_REPLY_DEPTH_MAX + 1);
    SIM_ASSERT(rd->pos < rd->len);
    memset(out, 0, sizeof(*out));
    out->type = (enum core_reply_type)rd->buf[rd->pos++];
    switch (out->type) {
    case CORE_REPLY_INTEGER:
        SIM_ASSERT(rd->pos + sizeof(out->integer) <= rd->len);
        memcpy(&out->integer, rd->buf + rd->pos, sizeof(out->integer));
        rd->pos += (uint32_t)sizeof(out->integer);
        break;
    case CORE_REPLY_STATUS:
    case CORE_REPLY_ERROR:
    case CORE_REPLY_BULK:
        out->str = get_str(rd, &out->len);
        break;
    case CORE_REPLY_ARRAY: {
        uint32_t n = get_u32(rd);
        SIM_ASSERT(w->reply_pool_len + n <= SIM_REPLY_POOL);
        struct core_reply *els = &w->reply_pool[w->reply_pool_len];
        w->reply_pool_len += n;
        for (uint32_t i = 0; i < n; i++) {
            get_reply(w, rd, &els[i], depth + 1);
        }
        out->elements = els;
        out->elements_len = n;
        break;
    }
    case CORE_REPLY_NIL:
    case CORE_REPLY_NIL_ARRAY:
        break;
    default:
        SIM_UNREACHABLE();
    }
}

const struct core_reply *sim__decode_reply(struct sim_world *w, const uint8_t *buf, uint32_t len) {
    struct reader rd = {buf, len, 0};
    w->reply_pool_len = 1;
    struct core_reply *root = &w->reply_pool[0];
    get_reply(w, &rd, root, 0);
    SIM_ASSERT(rd.pos == len);
    return root;
}

uint32_t sim__encode_status(uint8_t *buf, size_t cap, enum core_reply_type type, const char *s) {
    SIM_ASSERT(type == CORE_REPLY_STATUS || type == CORE_REPLY_ERROR);
    struct core_reply r = {.type = type, .str = s, .len = strlen(s)};
    return sim__encode_reply(buf, cap, &r);
}

uint32_t sim__encode_push(uint8_t *buf,
                          size_t cap,
                          const char *channel,
                          size_t channel_len,
                          const char *payload,
                          size_t payload_len) {
    struct writer wr = {buf, cap, 0};
    put_str(&wr, channel, channel_len);
    put_str(&wr, payload, payload_len);
    return (uint32_t)wr.len;
}

void sim__decode_push(const uint8_t *buf,
                      uint32_t len,
                      const char **channel,
                      size_t *channel_len,
                      const char **payload,
                      size_t *payload_len) {
    struct reader rd = {buf, len, 0};
    *channel = get_str(&rd, channel_len);
    *payload = get_str(&rd, payload_len);
    SIM_ASSERT(rd.pos == len);
}
