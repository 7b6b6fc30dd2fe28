/* out.c: the output list and arena of one core_step(), and reply trees.
 *
 * Method: outputs and every string or reply they point to are carved from
 * one arena reset at each step, so the driver sees stable memory until its
 * next call and the core never allocates. Running out of either is a limit
 * the driver configured too small: a loud assertion, not a silent drop.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

void core__out_reset(struct core_sentinel *s) {
    CORE_ASSERT(s->outs != NULL);
    CORE_ASSERT(s->arena != NULL);
    CORE_ASSERT(!s->persist_pending);
    s->nouts = 0;
    s->arena_used = 0;
}

void *core__arena_alloc_raw(struct core_sentinel *s, size_t n) {
    size_t at = (s->arena_used + 7u) & ~(size_t)7u;
    CORE_ASSERT(at >= s->arena_used);
    /* A step producing more than arena_bytes is a limit set too low. */
    CORE_ASSERT(n <= s->lim.arena_bytes);
    CORE_ASSERT(at <= s->lim.arena_bytes - n);
    s->arena_used = at + n;
    return s->arena + at;
}

void *core__arena_alloc(struct core_sentinel *s, size_t n) {
    void *p = core__arena_alloc_raw(s, n);
    memset(p, 0, n);
    return p;
}

char *core__arena_strndup(struct core_sentinel *s, const char *str, size_t len) {
    CORE_ASSERT(len < s->lim.arena_bytes);
    CORE_ASSERT(str != NULL || len == 0);
    char *p = core__arena_alloc_raw(s, len + 1); /* every byte is written below */
    if (len > 0) { memcpy(p, str, len); }
    p[len] = '\0';
    return p;
}

struct core_output *core__out_push(struct core_sentinel *s, enum core_output_kind kind) {
    /* The file must be on disk before the reply it guards and before we stop. */
    if (s->persist_pending &&
        (kind == CORE_OUT_REPLY || kind == CORE_OUT_CRASH || kind == CORE_OUT_EXIT)) {
        core__out_persist(s);
    }
    CORE_ASSERT(s->nouts < s->lim.outputs_max);
    CORE_ASSERT(!s->halted);
    struct core_output *o = &s->outs[s->nouts++];
    memset(o, 0, sizeof(*o));
    o->kind = kind;
    return o;
}

static void out_text(struct core_sentinel *s,
                     enum core_output_kind kind,
                     enum core_level level,
                     const char *fmt,
                     va_list ap) {
    char buf[CORE__TEXT_MAX];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    CORE_ASSERT(n >= 0);
    size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    struct core_output *o = core__out_push(s, kind);
    o->level = level;
    o->text = core__arena_strndup(s, buf, len);
    o->text_len = len;
}

void core__out_log(struct core_sentinel *s, enum core_level level, const char *fmt, ...) {
    CORE_ASSERT(fmt != NULL);
    CORE_ASSERT(level <= CORE_LEVEL_WARNING);
    va_list ap;
    va_start(ap, fmt);
    out_text(s, CORE_OUT_LOG, level, fmt, ap);
    va_end(ap);
}

void core__out_explain(struct core_sentinel *s, const char *fmt, ...) {
    CORE_ASSERT(fmt != NULL);
    CORE_ASSERT(s != NULL);
    if (!s->explain) { return; }
    va_list ap;
    va_start(ap, fmt);
    out_text(s, CORE_OUT_EXPLAIN, CORE_LEVEL_DEBUG, fmt, ap);
    va_end(ap);
}

void core__out_reply(struct core_sentinel *s, uint64_t client, const struct core_reply *r) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(r->type <= CORE_REPLY_NIL_ARRAY);
    struct core_output *o = core__out_push(s, CORE_OUT_REPLY);
    o->client = client;
    o->reply = r;
}

void core__out_persist(struct core_sentinel *s) {
    CORE_ASSERT(s->persist_pending);
    CORE_ASSERT(s->conf_deferred == 0); /* a +slave batch settles before anything else */
    CORE_ASSERT(s->conf_len < s->lim.config_bytes_max);
    s->persist_pending = false;
    struct core_output *o = core__out_push(s, CORE_OUT_PERSIST);
    o->text = core__arena_strndup(s, s->conf, s->conf_len);
    o->text_len = s->conf_len;
}

void core__out_halt(struct core_sentinel *s, enum core_output_kind kind, int status) {
    CORE_ASSERT(kind == CORE_OUT_CRASH || kind == CORE_OUT_EXIT);
    CORE_ASSERT(!s->halted);
    struct core_output *o = core__out_push(s, kind);
    o->status = status;
    s->halted = true;
}

/* ---------------------------------------------------------------- replies */

struct core_reply *core__r_new(struct core_sentinel *s, size_t n) {
    CORE_ASSERT(n > 0);
    CORE_ASSERT(n < (1u << 20));
    return core__arena_alloc(s, n * sizeof(struct core_reply));
}

void core__r_status(struct core_sentinel *s, struct core_reply *r, const char *str) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(str != NULL);
    r->type = CORE_REPLY_STATUS;
    r->len = strlen(str);
    r->str = core__arena_strndup(s, str, r->len);
}

void core__r_error(struct core_sentinel *s, struct core_reply *r, const char *fmt, ...) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(fmt != NULL);
    char buf[CORE__TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    CORE_ASSERT(n >= 0);
    r->type = CORE_REPLY_ERROR;
    r->len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    r->str = core__arena_strndup(s, buf, r->len);
}

void core__r_bulk(struct core_sentinel *s, struct core_reply *r, const char *str, size_t len) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(str != NULL || len == 0);
    r->type = CORE_REPLY_BULK;
    r->len = len;
    r->str = core__arena_strndup(s, str, len);
}

void core__r_bulkz(struct core_sentinel *s, struct core_reply *r, const char *str) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(str != NULL);
    core__r_bulk(s, r, str, strlen(str));
}

void core__r_bulkf(struct core_sentinel *s, struct core_reply *r, const char *fmt, ...) {
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(fmt != NULL);
    char buf[CORE__TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    CORE_ASSERT(n >= 0);
    core__r_bulk(s, r, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void core__r_int(struct core_reply *r, int64_t v) {
    CORE_ASSERT(r->elements == NULL);
    CORE_ASSERT(r != NULL);
    r->type = CORE_REPLY_INTEGER;
    r->integer = v;
}

void core__r_nil(struct core_reply *r) {
    CORE_ASSERT(r->elements == NULL);
    CORE_ASSERT(r != NULL);
    r->type = CORE_REPLY_NIL;
}

struct core_reply *core__r_array(struct core_sentinel *s, struct core_reply *r, size_t n) {
    CORE_ASSERT(n <= (1u << 20));
    CORE_ASSERT(r != NULL);
    r->type = CORE_REPLY_ARRAY;
    r->elements_len = n;
    if (n == 0) {
        r->elements = NULL;
        return NULL;
    }
    struct core_reply *els = core__r_new(s, n);
    r->elements = els;
    return els;
}

void core__rmap_init(struct core_sentinel *s,
                     struct core__rmap *m,
                     struct core_reply *r,
                     size_t pairs_max) {
    CORE_ASSERT(pairs_max > 0);
    CORE_ASSERT(r != NULL);
    m->r = r;
    m->cap = pairs_max * 2;
    m->els = core__r_array(s, r, m->cap);
    r->elements_len = 0;
}

static struct core_reply *rmap_pair(struct core_sentinel *s, struct core__rmap *m, const char *k) {
    CORE_ASSERT(m->r->elements_len + 2 <= m->cap);
    CORE_ASSERT(k != NULL);
    struct core_reply *kv = &m->els[m->r->elements_len];
    m->r->elements_len += 2;
    core__r_bulkz(s, kv, k);
    return kv + 1;
}

void core__rmap_str(struct core_sentinel *s, struct core__rmap *m, const char *k, const char *v) {
    CORE_ASSERT(m->r != NULL);
    CORE_ASSERT(v != NULL);
    core__r_bulkz(s, rmap_pair(s, m, k), v);
}

/* Numbers as bulk strings, as in the instance maps of SENTINEL MASTER. */
void core__rmap_bint(struct core_sentinel *s, struct core__rmap *m, const char *k, int64_t v) {
    CORE_ASSERT(m->r != NULL);
    CORE_ASSERT(k != NULL);
    core__r_bulkf(s, rmap_pair(s, m, k), "%lld", (long long)v);
}

void core__rmap_int(struct core_sentinel *s, struct core__rmap *m, const char *k, int64_t v) {
    CORE_ASSERT(m->r != NULL);
    CORE_ASSERT(k != NULL);
    core__r_int(rmap_pair(s, m, k), v);
}
