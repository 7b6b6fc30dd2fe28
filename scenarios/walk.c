/* walk.c: positioned access to libfyaml nodes, keys and sticky errors.
 *
 * Method: libfyaml 0.7 exposes positions only through tokens, so a scalar's
 * position is its token's start mark and a collection's is that of its
 * first scalar inside (the first key of a mapping, the first item of a
 * sequence); an empty collection falls back to the key that introduced it.
 * Unknown keys get a suggestion from a small edit-distance search over the
 * keys the mapping accepts.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenarios/check.h"
#include "scenarios/walk.h"

_Noreturn void scn__assert_fail(const char *file, int line, const char *expr) {
    fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
    abort();
}

int scn__fail(struct scn__ctx *c, struct scn_pos pos, const char *fmt, ...) {
    SCN_ASSERT(c != NULL);
    SCN_ASSERT(fmt != NULL);
    if (c->failed) { return -1; }
    c->failed = true;
    c->err->pos = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
    va_end(ap);
    /* Quoted file content may hold line breaks or control bytes; the error
     * must stay one printable line. */
    for (char *p = c->err->msg; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) { *p = '?'; }
    }
    return -1;
}

static struct scn_pos token_pos(struct fy_token *t, struct scn_pos fallback) {
    if (t == NULL) { return fallback; }
    const struct fy_mark *m = fy_token_start_mark(t);
    if (m == NULL || m->line < 0 || m->column < 0) { return fallback; }
    struct scn_pos p = {(uint32_t)m->line + 1, (uint32_t)m->column + 1};
    return p;
}

struct scn_pos scn__pos(struct fy_node *n, struct scn_pos fallback) {
    /* Nesting is bounded by libfyaml's depth limit, so this loop ends. */
    for (int depth = 0; n != NULL && depth < 256; depth++) {
        if (fy_node_is_scalar(n)) { return token_pos(fy_node_get_scalar_token(n), fallback); }
        void *it = NULL;
        if (fy_node_is_mapping(n)) {
            struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
            if (p == NULL) { return fallback; }
            n = fy_node_pair_key(p);
        } else {
            n = fy_node_sequence_iterate(n, &it);
        }
    }
    return fallback;
}

bool scn__is_null(struct fy_node *n) {
    if (n == NULL) { return true; }
    if (!fy_node_is_scalar(n) || fy_node_is_alias(n)) { return false; }
    if (fy_node_get_style(n) != FYNS_PLAIN) { return false; }
    size_t len = 0;
    const char *v = fy_node_get_scalar(n, &len);
    if (v == NULL || len == 0) { return true; }
    return (len == 1 && v[0] == '~') || (len == 4 && strncmp(v, "null", 4) == 0);
}

const char *scn__type_name(struct fy_node *n) {
    if (scn__is_null(n)) { return "nothing"; }
    if (fy_node_is_alias(n)) { return "an alias"; }
    if (fy_node_is_mapping(n)) { return "a mapping"; }
    if (fy_node_is_sequence(n)) { return "a sequence"; }
    return "a scalar";
}

static int no_alias(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    if (n != NULL && fy_node_is_alias(n)) {
        return scn__fail(c, pos, "YAML aliases are not supported; write the value out");
    }
    return 0;
}

int scn__want_map(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what) {
    if (no_alias(c, n, pos) < 0) { return -1; }
    if (n == NULL || !fy_node_is_mapping(n)) {
        return scn__fail(c, pos, "%s must be a mapping, not %s", what, scn__type_name(n));
    }
    return 0;
}

int scn__want_seq(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what) {
    if (no_alias(c, n, pos) < 0) { return -1; }
    if (n == NULL || !fy_node_is_sequence(n)) {
        return scn__fail(c, pos, "%s must be a sequence, not %s", what, scn__type_name(n));
    }
    return 0;
}

int scn__next_pair(struct scn__ctx *c, struct fy_node *map, void **it, struct scn__kv *kv) {
    SCN_ASSERT(map != NULL && fy_node_is_mapping(map));
    struct fy_node_pair *p = fy_node_mapping_iterate(map, it);
    if (p == NULL) { return 0; }
    struct fy_node *k = fy_node_pair_key(p);
    struct scn_pos zero = {0, 0};
    kv->key_pos = scn__pos(k, scn__pos(map, zero));
    if (k == NULL || !fy_node_is_scalar(k) || fy_node_is_alias(k)) {
        return scn__fail(c, kv->key_pos, "keys must be plain words, not %s", scn__type_name(k));
    }
    size_t len = 0;
    const char *s = fy_node_get_scalar(k, &len);
    if (s == NULL || len == 0) { return scn__fail(c, kv->key_pos, "empty key"); }
    if (len >= sizeof kv->key) { return scn__fail(c, kv->key_pos, "unknown key '%.40s...'", s); }
    memcpy(kv->key, s, len);
    kv->key[len] = '\0';
    if (memchr(s, '\0', len) != NULL) { return scn__fail(c, kv->key_pos, "key contains NUL"); }
    kv->value = fy_node_pair_value(p);
    if (scn__is_null(kv->value)) { kv->value = NULL; }
    kv->pos = scn__pos(kv->value, kv->key_pos);
    if (no_alias(c, kv->value, kv->pos) < 0) { return -1; }
    return 1;
}

/* Levenshtein distance, bounded to short words (keys are < SCN__WORD_MAX). */
static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la >= SCN__WORD_MAX || lb >= SCN__WORD_MAX) { return SIZE_MAX; }
    size_t row[SCN__WORD_MAX + 1];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best) { best = up + 1; }
            if (row[j - 1] + 1 < best) { best = row[j - 1] + 1; }
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *scn__suggest(const char *s, const char *const *words, size_t words_len) {
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    size_t len = strlen(s);
    /* Allow one edit for short words, two for longer, three for long names. */
    size_t limit = len <= 4 ? 1 : (len <= 10 ? 2 : 3);
    for (size_t i = 0; i < words_len; i++) {
        size_t d = edit_distance(s, words[i]);
        if (d <= limit && d < best_d) {
            best = words[i];
            best_d = d;
        }
    }
    return best;
}

int scn__key_index(struct scn__ctx *c,
                   const struct scn__kv *kv,
                   const char *const *keys,
                   size_t keys_len,
                   const char *where) {
    for (size_t i = 0; i < keys_len; i++) {
        if (strcmp(kv->key, keys[i]) == 0) { return (int)i; }
    }
    const char *hint = scn__suggest(kv->key, keys, keys_len);
    if (hint != NULL) {
        return scn__fail(c, kv->key_pos, "unknown key '%s' in %s (did you mean '%s'?)", kv->key,
                         where, hint);
    }
    return scn__fail(c, kv->key_pos, "unknown key '%s' in %s", kv->key, where);
}

/* ---------------------------------------------------------------- scalars */

int scn__scalar(struct scn__ctx *c,
                struct fy_node *n,
                struct scn_pos pos,
                const char *what,
                const char **out,
                size_t *len) {
    if (no_alias(c, n, pos) < 0) { return -1; }
    if (scn__is_null(n)) { return scn__fail(c, pos, "missing value for %s", what); }
    if (!fy_node_is_scalar(n)) {
        return scn__fail(c, pos, "%s must be a single value, not %s", what, scn__type_name(n));
    }
    *out = fy_node_get_scalar(n, len);
    SCN_ASSERT(*out != NULL);
    if (memchr(*out, '\0', *len) != NULL) { return scn__fail(c, pos, "%s contains NUL", what); }
    return 0;
}

int scn__str(struct scn__ctx *c,
             struct fy_node *n,
             struct scn_pos pos,
             const char *what,
             char *dst,
             size_t cap) {
    const char *v = NULL;
    size_t len = 0;
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return -1; }
    if (len >= cap) {
        return scn__fail(c, pos, "%s is too long (%zu bytes, at most %zu)", what, len, cap - 1);
    }
    memcpy(dst, v, len);
    dst[len] = '\0';
    return 0;
}

char *scn__strdup(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what) {
    const char *v = NULL;
    size_t len = 0;
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return NULL; }
    if (len > 65536) {
        scn__fail(c, pos, "%s is too long (%zu bytes, at most 65536)", what, len);
        return NULL;
    }
    char *d = malloc(len + 1);
    if (d == NULL) {
        scn__fail(c, pos, "out of memory");
        return NULL;
    }
    memcpy(d, v, len);
    d[len] = '\0';
    return d;
}

static int parse_u64(const char *v, size_t len, uint64_t *out) {
    if (len == 0 || len > 20) { return -1; }
    uint64_t x = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9') { return -1; }
        uint64_t d = (uint64_t)(v[i] - '0');
        if (x > (UINT64_MAX - d) / 10) { return -1; }
        x = x * 10 + d;
    }
    *out = x;
    return 0;
}

int scn__u64(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what, uint64_t *out) {
    const char *v = NULL;
    size_t len = 0;
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return -1; }
    if (parse_u64(v, len, out) < 0) {
        return scn__fail(c, pos, "%s must be a non-negative integer, not '%.*s'", what,
                         (int)(len > 40 ? 40 : len), v);
    }
    return 0;
}

int scn__u32(struct scn__ctx *c,
             struct fy_node *n,
             struct scn_pos pos,
             const char *what,
             uint32_t min,
             uint32_t max,
             uint32_t *out) {
    uint64_t x = 0;
    if (scn__u64(c, n, pos, what, &x) < 0) { return -1; }
    if (x < min) { return scn__fail(c, pos, "%s must be at least %u", what, min); }
    if (x > max) { return scn__fail(c, pos, "%s must be at most %u", what, max); }
    *out = (uint32_t)x;
    return 0;
}

int scn__bool(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what, bool *out) {
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    const char *v = NULL;
    size_t len = 0;
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return -1; }
    for (size_t i = 0; i < 3; i++) {
        if (strlen(yes[i]) == len && strncasecmp(v, yes[i], len) == 0) {
            *out = true;
            return 0;
        }
        if (strlen(no[i]) == len && strncasecmp(v, no[i], len) == 0) {
            *out = false;
            return 0;
        }
    }
    return scn__fail(c, pos, "%s must be true or false, not '%.*s'", what,
                     (int)(len > 40 ? 40 : len), v);
}

/* ---------------------------------------------------------------- durations, ratios */

/* Durations are bounded to about 31 years so that sums of steps cannot overflow. */
#define DURATION_MAX_MS ((int64_t)1 << 40)

int scn__parse_duration(
    const char *text, size_t len, bool allow_negative, int64_t *out_ms, char *msg, size_t msglen) {
    size_t i = 0;
    bool neg = false;
    if (len > 0 && (text[0] == '-' || text[0] == '+')) {
        neg = text[0] == '-';
        i = 1;
    }
    uint64_t whole = 0, frac = 0, frac_scale = 1;
    size_t digits = 0;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
        if (whole > (uint64_t)DURATION_MAX_MS) { break; }
        whole = whole * 10 + (uint64_t)(text[i] - '0');
    }
    if (i < len && text[i] == '.') {
        for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
            if (frac_scale >= 1000000000) {
                snprintf(msg, msglen, "too many decimals in duration '%.*s'", (int)len, text);
                return -1;
            }
            frac = frac * 10 + (uint64_t)(text[i] - '0');
            frac_scale *= 10;
        }
    }
    const char *unit = text + i;
    size_t ulen = len - i;
    uint64_t mul = 0;
    if (ulen == 0 || (ulen == 2 && strncmp(unit, "ms", 2) == 0)) {
        mul = 1;
    } else if (ulen == 1 && unit[0] == 's') {
        mul = 1000;
    } else if (ulen == 1 && unit[0] == 'm') {
        mul = 60000;
    }
    if (digits == 0 || mul == 0) {
        snprintf(msg, msglen,
                 "'%.*s' is not a duration (write 1500, \"1500ms\", \"1.5s\" or \"1m\")",
                 (int)(len > 40 ? 40 : len), text);
        return -1;
    }
    if (whole > (uint64_t)DURATION_MAX_MS / mul) {
        snprintf(msg, msglen, "duration '%.*s' is too long", (int)(len > 40 ? 40 : len), text);
        return -1;
    }
    uint64_t ms = whole * mul;
    if ((frac * mul) % frac_scale != 0) {
        snprintf(msg, msglen, "duration '%.*s' is not a whole number of milliseconds", (int)len,
                 text);
        return -1;
    }
    ms += frac * mul / frac_scale;
    if (neg && !allow_negative) {
        snprintf(msg, msglen, "duration '%.*s' must not be negative", (int)len, text);
        return -1;
    }
    *out_ms = neg ? -(int64_t)ms : (int64_t)ms;
    return 0;
}

int scn__duration(struct scn__ctx *c,
                  struct fy_node *n,
                  struct scn_pos pos,
                  const char *what,
                  bool allow_zero,
                  uint64_t *out_ms) {
    const char *v = NULL;
    size_t len = 0;
    char msg[160];
    int64_t ms = 0;
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return -1; }
    if (scn__parse_duration(v, len, false, &ms, msg, sizeof msg) < 0) {
        return scn__fail(c, pos, "%s: %s", what, msg);
    }
    if (ms == 0 && !allow_zero) { return scn__fail(c, pos, "%s must be greater than 0", what); }
    *out_ms = (uint64_t)ms;
    return 0;
}

int scn__signed_duration(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what, int64_t *out_ms) {
    const char *v = NULL;
    size_t len = 0;
    char msg[160];
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return -1; }
    if (scn__parse_duration(v, len, true, out_ms, msg, sizeof msg) < 0) {
        return scn__fail(c, pos, "%s: %s", what, msg);
    }
    if (*out_ms == 0) { return scn__fail(c, pos, "%s must not be 0", what); }
    return 0;
}

int scn__parse_ratio(
    const char *text, size_t len, struct scn_ratio *out, char *msg, size_t msglen) {
    uint64_t num = 0, den = 0;
    const char *slash = memchr(text, '/', len);
    if ((len == 5 && strncmp(text, "never", 5) == 0) || (len == 1 && text[0] == '0')) {
        out->num = 0;
        out->den = 0;
        return 0;
    }
    if ((len == 6 && strncmp(text, "always", 6) == 0) || (len == 1 && text[0] == '1')) {
        out->num = 1;
        out->den = 1;
        return 0;
    }
    if (slash == NULL || parse_u64(text, (size_t)(slash - text), &num) < 0 ||
        parse_u64(slash + 1, len - (size_t)(slash - text) - 1, &den) < 0) {
        snprintf(msg, msglen, "'%.*s' is not a ratio (write \"1/100\", 0 or 1)",
                 (int)(len > 40 ? 40 : len), text);
        return -1;
    }
    if (den == 0 || den > UINT32_MAX) {
        snprintf(msg, msglen, "ratio '%.*s' needs a denominator between 1 and %u", (int)len, text,
                 UINT32_MAX);
        return -1;
    }
    if (num > den) {
        snprintf(msg, msglen, "ratio '%.*s' is greater than 1", (int)len, text);
        return -1;
    }
    out->num = (uint32_t)num;
    out->den = num == 0 ? 0 : (uint32_t)den;
    return 0;
}

int scn__ratio(struct scn__ctx *c,
               struct fy_node *n,
               struct scn_pos pos,
               const char *what,
               struct scn_ratio *out) {
    const char *v = NULL;
    size_t len = 0;
    char msg[160];
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return -1; }
    if (scn__parse_ratio(v, len, out, msg, sizeof msg) < 0) {
        return scn__fail(c, pos, "%s: %s", what, msg);
    }
    return 0;
}

static int latency_bound(struct scn__ctx *c,
                         const char *v,
                         size_t len,
                         struct scn_pos pos,
                         const char *what,
                         uint32_t *out) {
    char msg[160];
    int64_t ms = 0;
    if (scn__parse_duration(v, len, false, &ms, msg, sizeof msg) < 0) {
        return scn__fail(c, pos, "%s: %s", what, msg);
    }
    if (ms > 600000) { return scn__fail(c, pos, "%s: latency above 10 minutes", what); }
    *out = (uint32_t)ms;
    return 0;
}

int scn__latency(struct scn__ctx *c,
                 struct fy_node *n,
                 struct scn_pos pos,
                 const char *what,
                 struct scn_latency *out) {
    if (n != NULL && fy_node_is_mapping(n)) {
        static const char *const keys[] = {"min", "max"};
        struct scn__kv kv;
        void *it = NULL;
        int r;
        bool have[2] = {false, false};
        uint32_t v[2] = {0, 0};
        while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
            int k = scn__key_index(c, &kv, keys, 2, what);
            const char *s = NULL;
            size_t len = 0;
            if (k < 0 || scn__scalar(c, kv.value, kv.pos, keys[k], &s, &len) < 0 ||
                latency_bound(c, s, len, kv.pos, what, &v[k]) < 0) {
                return -1;
            }
            have[k] = true;
        }
        if (r < 0) { return -1; }
        if (!have[0] || !have[1]) {
            return scn__fail(c, pos, "%s needs both 'min' and 'max'", what);
        }
        out->min_ms = v[0];
        out->max_ms = v[1];
    } else {
        const char *s = NULL;
        size_t len = 0;
        if (scn__scalar(c, n, pos, what, &s, &len) < 0) { return -1; }
        const char *dots = NULL;
        for (size_t i = 0; i + 1 < len; i++) {
            if (s[i] == '.' && s[i + 1] == '.') {
                dots = s + i;
                break;
            }
        }
        if (dots == NULL) {
            if (latency_bound(c, s, len, pos, what, &out->min_ms) < 0) { return -1; }
            out->max_ms = out->min_ms;
        } else if (latency_bound(c, s, (size_t)(dots - s), pos, what, &out->min_ms) < 0 ||
                   latency_bound(c, dots + 2, len - (size_t)(dots - s) - 2, pos, what,
                                 &out->max_ms) < 0) {
            return -1;
        }
    }
    if (out->min_ms > out->max_ms) {
        return scn__fail(c, pos, "%s: minimum %ums is above maximum %ums", what, out->min_ms,
                         out->max_ms);
    }
    return 0;
}

/* ---------------------------------------------------------------- references */

#define NAME_CAP_MIN 64u /* doubled as processes come: a small scenario clears little */

static uint32_t name_hash(const char *name) {
    uint32_t h = 2166136261u;
    for (const char *p = name; *p != '\0'; p++) {
        h = (h ^ (uint8_t)*p) * 16777619u;
    }
    return h;
}

static uint32_t proc_code(struct scn_proc p) {
    return (p.kind == SCN_PROC_SENTINEL ? 0x80000000u : 0u) | p.index;
}

static struct scn_proc proc_of(uint32_t code) {
    struct scn_proc p = {(code & 0x80000000u) ? SCN_PROC_SENTINEL : SCN_PROC_NODE,
                         code & 0x7fffffffu};
    return p;
}

/* Puts slot value v (1 + proc code) in the first free slot of its probe. */
static void names_place(uint32_t *slots, uint32_t cap, const char *name, uint32_t v) {
    uint32_t mask = cap - 1;
    for (uint32_t i = name_hash(name) & mask, n = 0; n < cap; i = (i + 1) & mask, n++) {
        if (slots[i] == 0) {
            slots[i] = v;
            return;
        }
    }
    SCN_UNREACHABLE(); /* the table is kept at least half empty */
}

/* Doubles the index (or starts it) and places every process again. */
static int names_grow(struct scn__ctx *c, struct scn_pos pos) {
    uint32_t cap = c->name_cap == 0 ? NAME_CAP_MIN : 2 * c->name_cap;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL) { return scn__fail(c, pos, "out of memory"); }
    for (uint32_t i = 0; i < c->name_cap; i++) {
        uint32_t v = c->name_slots[i];
        if (v != 0) { names_place(slots, cap, scn_proc_name(c->s, proc_of(v - 1)), v); }
    }
    free(c->name_slots);
    c->name_slots = slots;
    c->name_cap = cap;
    return 0;
}

int scn__names_add(struct scn__ctx *c, struct scn_proc p, struct scn_pos pos) {
    if (2 * (c->name_count + 1) > c->name_cap && names_grow(c, pos) < 0) { return -1; }
    names_place(c->name_slots, c->name_cap, scn_proc_name(c->s, p), 1 + proc_code(p));
    c->name_count++;
    return 0;
}

int scn__names_find(const struct scn__ctx *c, const char *name, struct scn_proc *out) {
    if (c->name_slots == NULL) { return -1; }
    uint32_t mask = c->name_cap - 1;
    for (uint32_t i = name_hash(name) & mask, n = 0; n < c->name_cap; i = (i + 1) & mask, n++) {
        if (c->name_slots[i] == 0) { return -1; }
        struct scn_proc p = proc_of(c->name_slots[i] - 1);
        if (strcmp(scn_proc_name(c->s, p), name) == 0) {
            *out = p;
            return 0;
        }
    }
    return -1;
}

int scn__proc_one(struct scn__ctx *c,
                  struct fy_node *n,
                  struct scn_pos pos,
                  const char *what,
                  struct scn_proc *out) {
    char name[SCN_NAME_MAX];
    const char *v = NULL;
    size_t len = 0;
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return -1; }
    if (len >= sizeof name) {
        return scn__fail(c, pos, "unknown process '%.40s...' in %s", v, what);
    }
    memcpy(name, v, len);
    name[len] = '\0';
    if (scn__names_find(c, name, out) < 0) {
        return scn__fail(c, pos, "unknown node or sentinel '%s' in %s", name, what);
    }
    return 0;
}

int scn__proc_set(struct scn__ctx *c,
                  struct fy_node *n,
                  struct scn_pos pos,
                  const char *what,
                  struct scn_set *out) {
    SCN_ASSERT(out->items == NULL);
    if (n != NULL && fy_node_is_sequence(n)) {
        int count = fy_node_sequence_item_count(n);
        if (count <= 0) { return scn__fail(c, pos, "%s names no process", what); }
        uint32_t cap = c->s->nodes_len + c->s->sentinels_len;
        if ((uint32_t)count > cap) {
            return scn__fail(c, pos, "%s names %d processes but the scenario has %u", what, count,
                             cap);
        }
        out->items = calloc((size_t)count, sizeof *out->items);
        if (out->items == NULL) { return scn__fail(c, pos, "out of memory"); }
        void *it = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
            struct scn_pos ipos = scn__pos(item, pos);
            struct scn_proc p;
            if (scn__proc_one(c, item, ipos, what, &p) < 0) { return -1; }
            for (uint32_t i = 0; i < out->len; i++) {
                if (out->items[i].kind == p.kind && out->items[i].index == p.index) {
                    return scn__fail(c, ipos, "'%s' appears twice in %s", scn_proc_name(c->s, p),
                                     what);
                }
            }
            SCN_ASSERT(out->len < (uint32_t)count);
            out->items[out->len++] = p;
        }
        return 0;
    }
    out->items = calloc(1, sizeof *out->items);
    if (out->items == NULL) { return scn__fail(c, pos, "out of memory"); }
    if (scn__proc_one(c, n, pos, what, &out->items[0]) < 0) { return -1; }
    out->len = 1;
    return 0;
}

int scn__group_ref(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what, uint32_t *out) {
    SCN_ASSERT(c->s->groups_len > 0);
    if (n == NULL) {
        if (c->s->groups_len != 1) {
            return scn__fail(c, pos, "%s needs 'master:' (the scenario monitors %u masters)", what,
                             c->s->groups_len);
        }
        *out = 0;
        return 0;
    }
    const char *v = NULL;
    size_t len = 0;
    if (scn__scalar(c, n, pos, what, &v, &len) < 0) { return -1; }
    for (uint32_t i = 0; i < c->s->groups_len; i++) {
        if (strlen(c->s->groups[i].name) == len && memcmp(c->s->groups[i].name, v, len) == 0) {
            *out = i;
            return 0;
        }
    }
    return scn__fail(c, pos, "unknown master '%.*s' in %s", (int)(len > 40 ? 40 : len), v, what);
}
