/* conf_rw.c: CONFIG REWRITE of a sentinel's config file (see conf.h).
 *
 * Method: the engine works on a line index of the old file (offset, length,
 * kind and key id per line) that it keeps from one rewrite to the next: it
 * writes the index of each file it produces while producing it, so a
 * sentinel's flush never splits its old file again. Keys are interned (lower-cased bytes in
 * a pool, one id each), so matching lines is comparing ids. Each new line
 * is read once: its key, then a per-key chain in order; the i-th new line
 * of a key takes the i-th old line of that key, which a single pass over
 * the old lines hands out. When the new lines keep the last ones' keys in
 * order, the changed ones are substituted where the last ones went, and
 * only the index entries after them move. Nothing is allocated.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/conf.h"

#include <string.h>

#include "core/check.h"
#include "core/core.h"

enum line_kind {
    LINE_TEXT,      /* a comment or a blank line: kept as it is */
    LINE_BAD,       /* cannot be split: kept as "# ??? <line>" */
    LINE_DIRECTIVE, /* has a key */
};

#define NO_LINE UINT32_MAX
#define NO_KEY  UINT32_MAX

static uint32_t key_hash(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* True if s[0, n) equals `lower_word` ignoring ASCII case. */
static bool word_equals(const char *s, size_t n, const char *lower_word) {
    CORE_ASSERT(s != NULL || n == 0);
    CORE_ASSERT(lower_word != NULL);
    if (n != strlen(lower_word)) { return false; }
    for (size_t k = 0; k < n; k++) {
        if (core__conf_lower(s[k]) != lower_word[k]) { return false; }
    }
    return true;
}

/* Writes the key of words w0 (and w1 if `two`) lower-cased into key, the
 * two words joined by one space; returns its length. */
static size_t join_key(const char *w0, size_t n0, const char *w1, size_t n1, bool two, char *key) {
    CORE_ASSERT(w0 != NULL && key != NULL);
    CORE_ASSERT(n0 + n1 + 1 <= CORE__CONF_LINE_MAX + 1);
    size_t n = 0;
    for (size_t k = 0; k < n0; k++) {
        key[n++] = core__conf_lower(w0[k]);
    }
    if (!two) { return n; }
    key[n++] = ' ';
    for (size_t k = 0; k < n1; k++) {
        key[n++] = core__conf_lower(w1[k]);
    }
    return n;
}

/* Writes the lower-cased key of a split line into key; returns its length.
 * `sentinel <word>` lines are keyed by both words, others by the first. */
static size_t make_key(const struct core__conf_args *a, char *key, bool *sentinel_key) {
    CORE_ASSERT(a->argc > 0);
    bool two = a->argc > 1 && core__conf_word_is(a, 0, "sentinel");
    /* Redis 7.0 never marks the legacy `known-slave` key as rewritten, so
     * such lines survive a rewrite in place (7.2 changed this, spec §21). */
    *sentinel_key = two && !core__conf_word_is(a, 1, "known-slave");
    return join_key(a->argv[0], a->argv_len[0], two ? a->argv[1] : "", two ? a->argv_len[1] : 0,
                    two, key);
}

/* The key of a line whose words are plain runs of bytes between separators
 * (no quote, no NUL), found without splitting: the same length, key and
 * flag as core__conf_split() then make_key(); -1 where the splitter fails
 * or finds no word; -2 at a quote or NUL, where only the splitter knows the
 * rules. Most lines are plain, and this is the hot path of every rewrite. */
static long plain_key(const char *p, size_t n, char *key, bool *sentinel_key) {
    CORE_ASSERT(p != NULL || n == 0);
    CORE_ASSERT(key != NULL && sentinel_key != NULL);
    if (n > CORE__CONF_LINE_MAX) { return -1; }
    size_t at[2] = {0, 0}, len[2] = {0, 0}, i = 0;
    uint32_t words = 0;
    for (;;) {
        while (i < n && core__conf_is_space(p[i])) {
            i++;
        }
        if (i == n) { break; }
        if (words == CORE__CONF_ARGS_MAX) { return -1; }
        size_t start = i;
        for (; i < n && !core__conf_is_sep(p[i]); i++) {
            if (p[i] == '"' || p[i] == '\'') { return -2; }
        }
        if (i < n && p[i] == '\0') { return -2; }
        if (words < 2) {
            at[words] = start;
            len[words] = i - start;
        }
        words++;
        if (i < n) { i++; } /* the separator */
    }
    if (words == 0) { return -1; }
    bool two = words > 1 && word_equals(p + at[0], len[0], "sentinel");
    *sentinel_key = two && !word_equals(p + at[1], len[1], "known-slave");
    return (long)join_key(p + at[0], len[0], p + at[1], len[1], two, key);
}

/* Computes the key of line p[0, n) into rw->key; -1 if it cannot be split
 * or has no word. */
static long line_key(struct core__conf_rw *rw, const char *p, size_t n, bool *sentinel_key) {
    CORE_ASSERT(rw != NULL);
    CORE_ASSERT(p != NULL);
    long k = plain_key(p, n, rw->key, sentinel_key);
    if (k != -2) { return k; }
    if (core__conf_split(p, n, &rw->args) != CORE_OK || rw->args.argc == 0) { return -1; }
    return (long)make_key(&rw->args, rw->key, sentinel_key);
}

static void keys_clear(struct core__conf_rw *rw) {
    CORE_ASSERT(rw != NULL);
    CORE_ASSERT(rw->pool != NULL);
    rw->slots_len = CORE__CONF_KEY_SLOTS_MIN;
    memset(rw->slots, 0, rw->slots_len * sizeof(rw->slots[0]));
    rw->keys_len = 0;
    rw->pool_len = 0;
    rw->prev_valid = false; /* neu[] holds key ids */
}

/* The slot of the key in rw->key[0, len) whose hash is h: the slot holding
 * it, or the empty one where it would go. */
static uint32_t key_slot(const struct core__conf_rw *rw, size_t len, uint32_t h) {
    CORE_ASSERT(len <= CORE__CONF_LINE_MAX + 1);
    CORE_ASSERT(2 * rw->keys_len <= rw->slots_len); /* so the probe meets an empty slot */
    uint32_t mask = rw->slots_len - 1, i;
    for (i = h & mask; rw->slots[i] != 0; i = (i + 1) & mask) {
        const struct core__conf_key *k = &rw->keys[rw->slots[i] - 1];
        if (k->hash == h && k->len == len && memcmp(rw->pool + k->off, rw->key, len) == 0) {
            return i;
        }
    }
    return i;
}

/* The id of the key in rw->key[0, len), or NO_KEY if it is not interned. */
static uint32_t key_find(const struct core__conf_rw *rw, size_t len) {
    uint32_t i = key_slot(rw, len, key_hash(rw->key, len));
    return rw->slots[i] != 0 ? rw->slots[i] - 1 : NO_KEY;
}

/* Doubles the slots in use and places every key again. */
static void slots_grow(struct core__conf_rw *rw) {
    CORE_ASSERT(rw->slots_len < CORE__CONF_KEY_SLOTS);
    rw->slots_len *= 2;
    memset(rw->slots, 0, rw->slots_len * sizeof(rw->slots[0]));
    uint32_t mask = rw->slots_len - 1;
    for (uint32_t k = 0; k < rw->keys_len; k++) {
        uint32_t i = rw->keys[k].hash & mask;
        while (rw->slots[i] != 0) {
            i = (i + 1) & mask;
        }
        rw->slots[i] = k + 1;
    }
}

/* The id of the key in rw->key[0, len), interned if new; NO_KEY if the
 * table or the pool is full. */
static uint32_t key_id(struct core__conf_rw *rw, size_t len) {
    /* 0 is a key too: a line whose first word is "" keeps its place. */
    CORE_ASSERT(len <= CORE__CONF_LINE_MAX + 1);
    CORE_ASSERT(rw->keys_len <= CORE__CONF_KEYS_MAX);
    if (2 * (rw->keys_len + 1) > rw->slots_len && rw->slots_len < CORE__CONF_KEY_SLOTS) {
        slots_grow(rw);
    }
    uint32_t h = key_hash(rw->key, len), i = key_slot(rw, len, h);
    if (rw->slots[i] != 0) { return rw->slots[i] - 1; }
    if (rw->keys_len == CORE__CONF_KEYS_MAX || len > rw->pool_cap - rw->pool_len) { return NO_KEY; }
    struct core__conf_key *k = &rw->keys[rw->keys_len];
    k->hash = h;
    k->off = (uint32_t)rw->pool_len;
    k->len = (uint32_t)len;
    k->stamp = 0; /* not in any rewrite's new lines yet */
    memcpy(rw->pool + rw->pool_len, rw->key, len);
    rw->pool_len += len;
    rw->slots[i] = ++rw->keys_len;
    return rw->keys_len - 1;
}

void core__conf_rw_init(
    struct core__conf_rw *rw, char *pool, size_t pool_cap, char *prev, size_t prev_cap) {
    CORE_ASSERT(rw != NULL);
    CORE_ASSERT(pool != NULL && pool_cap > 0);
    CORE_ASSERT(prev != NULL || prev_cap == 0);
    rw->pool = pool;
    rw->pool_cap = pool_cap < UINT32_MAX ? pool_cap : UINT32_MAX;
    rw->prev = prev;
    rw->prev_cap = prev_cap;
    rw->prev_len = 0;
    rw->neu_len = 0;
    rw->stamp = 0;
    rw->substituted = 0;
    keys_clear(rw);
    core__conf_rw_forget(rw);
}

void core__conf_rw_forget(struct core__conf_rw *rw) {
    CORE_ASSERT(rw != NULL);
    CORE_ASSERT(rw->pool != NULL);
    rw->indexed = false;
    rw->old_len = 0;
    rw->same_shape = false;
}

static bool is_signature(const char *p, size_t n) {
    return n == strlen(CORE__CONF_SIGNATURE) && memcmp(p, CORE__CONF_SIGNATURE, n) == 0;
}

/* Classifies the trimmed line p[0, n) at text[l->off] as the index does:
 * a blank line or comment (noting the signature), a line that cannot be
 * split, or a directive with its key. Returns CORE_E_LIMIT if the key does
 * not fit in the table. */
static int index_line(struct core__conf_rw *rw,
                      struct core__conf_line *l,
                      const char *p,
                      size_t n) {
    CORE_ASSERT(l != NULL);
    CORE_ASSERT(p != NULL || n == 0);
    l->kind = LINE_TEXT;
    l->key = NO_KEY;
    l->sentinel_key = false;
    if (n == 0 || p[0] == '#') {
        rw->has_signature = rw->has_signature || is_signature(p, n);
        return CORE_OK;
    }
    bool sk = false;
    long k = line_key(rw, p, n, &sk);
    if (k < 0) {
        l->kind = LINE_BAD;
        return CORE_OK;
    }
    l->key = key_id(rw, (size_t)k);
    if (l->key == NO_KEY) { return CORE_E_LIMIT; }
    l->kind = LINE_DIRECTIVE;
    l->sentinel_key = sk;
    return CORE_OK;
}

/* Indexes every LF-separated line of a file from scratch, including the
 * empty one after a final newline (Redis keeps it, which is why rewritten
 * files end with a blank line). Forgets every key first. */
static int index_text(struct core__conf_rw *rw, const char *text, size_t len) {
    CORE_ASSERT(len < UINT32_MAX);
    CORE_ASSERT(text != NULL || len == 0);
    keys_clear(rw);
    rw->old_len = 0;
    rw->indexed = true;
    rw->too_long = false;
    rw->has_signature = false;
    if (len == 0) { return CORE_OK; }
    for (size_t pos = 0;;) {
        const char *p = text + pos;
        const char *nl = memchr(p, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - p) : len - pos;
        if (rw->old_len == CORE__CONF_LINES_MAX) {
            rw->too_long = true;
            return CORE_OK;
        }
        struct core__conf_line *l = &rw->old[rw->old_len++];
        pos += n + 1;
        core__conf_trim(&p, &n);
        l->off = (uint32_t)(p - text);
        l->len = (uint32_t)n;
        int rc = index_line(rw, l, p, n);
        if (rc != CORE_OK) {
            core__conf_rw_forget(rw);
            return rc;
        }
        if (nl == NULL) { return CORE_OK; }
    }
}

/* Moves *pos in text[*pos, to) past the next non-empty new line, which is
 * text[*off, *off + *n); false if there is none. */
static bool next_new_line(const char *text, size_t *pos, size_t to, size_t *off, size_t *n) {
    CORE_ASSERT(text != NULL || to == 0);
    CORE_ASSERT(off != NULL && n != NULL);
    while (*pos < to) {
        const char *p = text + *pos;
        const char *nl = memchr(p, '\n', to - *pos);
        *off = *pos;
        *n = nl != NULL ? (size_t)(nl - p) : to - *pos;
        *pos += *n + 1;
        if (*n > 0) { return true; }
    }
    return false;
}

/* Reads the non-empty new lines of text[from, to) into neu[first, limit),
 * interning their keys; *count is where the next line would go. New lines
 * are taken as given, not trimmed (Redis writes `sentinel auth-pass m `
 * with its trailing space for an empty password). CORE_E_LIMIT: a line
 * did not fit below `limit`. */
static int parse_new(struct core__conf_rw *rw,
                     const char *text,
                     size_t from,
                     size_t to,
                     uint32_t limit,
                     uint32_t *count) {
    CORE_ASSERT(text != NULL || to == 0);
    CORE_ASSERT(*count <= limit && limit <= CORE__CONF_LINES_MAX);
    size_t pos = from, off = 0, n = 0;
    while (next_new_line(text, &pos, to, &off, &n)) {
        const char *p = text + off;
        if (*count == limit) { return CORE_E_LIMIT; }
        bool sk = false;
        long k = p[0] == '#' ? -1 : line_key(rw, p, n, &sk);
        if (k < 0) { return CORE_E_CONFIG; }
        uint32_t id = key_id(rw, (size_t)k);
        if (id == NO_KEY) { return CORE_E_LIMIT; }
        rw->neu[(*count)++] = (struct core__conf_line){
            .off = (uint32_t)off, .len = (uint32_t)n, .key = id, .sentinel_key = sk};
    }
    return CORE_OK;
}

static size_t common_prefix(const char *a, const char *b, size_t n) {
    CORE_ASSERT(a != NULL && b != NULL);
    size_t p = 0;
    while (n - p >= 256 && memcmp(a + p, b + p, 256) == 0) {
        p += 256;
    }
    while (p < n && a[p] == b[p]) {
        p++;
    }
    return p;
}

static size_t common_suffix(const char *a, size_t an, const char *b, size_t bn, size_t max) {
    CORE_ASSERT(max <= an && max <= bn);
    size_t s = 0;
    while (max - s >= 256 && memcmp(a + an - s - 256, b + bn - s - 256, 256) == 0) {
        s += 256;
    }
    while (s < max && a[an - s - 1] == b[bn - s - 1]) {
        s++;
    }
    return s;
}

/* How many of the last rewrite's new lines (still in neu[]) can be kept
 * as they are, with their keys: *head lines before the first byte where
 * the texts differ, *tail lines after the last. A flush changes a few
 * lines of one master, so this is nearly all of them. */
static void reusable(
    const struct core__conf_rw *rw, const char *text, size_t len, uint32_t *head, uint32_t *tail) {
    CORE_ASSERT(rw->prev_valid);
    CORE_ASSERT(rw->neu_len <= CORE__CONF_LINES_MAX);
    size_t n = len < rw->prev_len ? len : rw->prev_len;
    size_t p = common_prefix(text, rw->prev, n);
    size_t s = common_suffix(text, len, rw->prev, rw->prev_len, n - p);
    uint32_t h = 0, t = 0;
    /* Whole lines with their LF: they also are lines of the new text. */
    while (h < rw->neu_len && rw->neu[h].off + rw->neu[h].len < p) {
        h++;
    }
    while (t < rw->neu_len - h && rw->neu[rw->neu_len - 1 - t].off > rw->prev_len - s) {
        t++;
    }
    *head = h;
    *tail = t;
}

/* Where a rewrite's new text differs from the last one's: the lines
 * neu[head, neu_len - tail) are to be read again from text[from, to), and
 * the offsets of the last `tail` lines move by `shift` (modulo 2^64). */
struct span {
    uint32_t head, tail;
    size_t from, to, shift;
};

static void find_span(const struct core__conf_rw *rw,
                      const char *text,
                      size_t len,
                      struct span *s) {
    CORE_ASSERT(text != NULL || len == 0);
    CORE_ASSERT(rw->neu_len <= CORE__CONF_LINES_MAX);
    *s = (struct span){.to = len, .shift = len - rw->prev_len};
    if (!rw->prev_valid) { return; }
    reusable(rw, text, len, &s->head, &s->tail);
    if (s->head > 0) { s->from = rw->neu[s->head - 1].off + rw->neu[s->head - 1].len + 1u; }
    if (s->tail > 0) { s->to = rw->neu[rw->neu_len - s->tail].off + s->shift; }
}

/* Fills neu[] with the new lines: those of the last rewrite's new lines
 * that the text still has, and the others read afresh from the span *s. */
static int collect_new(struct core__conf_rw *rw, const char *text, size_t len, struct span *s) {
    CORE_ASSERT(text != NULL || len == 0);
    CORE_ASSERT(rw->neu_len <= CORE__CONF_LINES_MAX);
    find_span(rw, text, len, s);
    rw->prev_valid = false; /* neu[] is being overwritten */
    uint32_t tail = s->tail, count = s->head;
    const uint32_t park = CORE__CONF_LINES_MAX - tail;
    memmove(&rw->neu[park], &rw->neu[rw->neu_len - tail], tail * sizeof(rw->neu[0]));
    int rc = parse_new(rw, text, s->from, s->to, park, &count);
    if (rc == CORE_E_LIMIT && tail > 0) { /* near the line limit: read it all in order */
        count = 0;
        tail = 0;
        rc = parse_new(rw, text, 0, len, CORE__CONF_LINES_MAX, &count);
    }
    if (rc != CORE_OK) { return rc; }
    memmove(&rw->neu[count], &rw->neu[park], tail * sizeof(rw->neu[0]));
    for (uint32_t j = count; j < count + tail; j++) {
        rw->neu[j].off = (uint32_t)(rw->neu[j].off + s->shift);
    }
    rw->neu_len = count + tail;
    return CORE_OK;
}

/* Reads the new lines and chains the lines of each key in order: the i-th
 * new line of a key replaces the i-th old line of that key. *s is where the
 * text differs from the last new lines. */
static int read_new(struct core__conf_rw *rw, const char *text, size_t len, struct span *s) {
    CORE_ASSERT(rw->stamp != 0);
    CORE_ASSERT(text != NULL || len == 0);
    int rc = collect_new(rw, text, len, s);
    if (rc != CORE_OK) { return rc; }
    for (uint32_t j = 0; j < rw->neu_len; j++) {
        struct core__conf_line *l = &rw->neu[j];
        struct core__conf_key *key = &rw->keys[l->key];
        l->next = NO_LINE;
        l->placed = false;
        l->kind = LINE_DIRECTIVE;
        if (key->stamp != rw->stamp) {
            key->stamp = rw->stamp;
            key->head = j;
        } else {
            rw->neu[key->tail].next = j;
        }
        key->tail = j;
    }
    return CORE_OK;
}

/* Keeps a copy of the new lines that neu[] describes, for the next
 * rewrite's reusable(). The copy already holds the bytes before the span
 * s, and those after it at `shift` bytes from their place: only the span
 * is copied. */
static void keep_new(struct core__conf_rw *rw, const char *text, size_t len, const struct span *s) {
    CORE_ASSERT(!rw->prev_valid);
    CORE_ASSERT(text != NULL || len == 0);
    CORE_ASSERT(s->from <= s->to && s->to <= len);
    if (rw->prev == NULL || len > rw->prev_cap) { return; }
    /* Unmoved (a value changed in place, the usual flush), the tail is
     * already where it belongs: copying it onto itself would still stream
     * the whole text through the cache. */
    if (s->shift != 0) { memmove(rw->prev + s->to, rw->prev + (s->to - s->shift), len - s->to); }
    if (s->to > s->from) { memcpy(rw->prev + s->from, text + s->from, s->to - s->from); }
    rw->prev_len = len;
    rw->prev_valid = true;
}

/* The output side of a rewrite: the text, and the index of it that the next
 * rewrite will use, written over the old index (never ahead of the line
 * being read: each old line gives at most one output line). */
struct writer {
    struct core__conf_rw *rw;
    struct core__buf *out;
    size_t base;    /* where the new text starts in out */
    bool was_blank; /* the last line written was blank */
    uint32_t lines; /* entries of the new index */
    bool needs_signature;
    uint32_t steps; /* rewrites this one stands for (core__conf_rw_rewrite_steps), or 0 */
    uint32_t slots; /* new lines written as directives */
};

/* Appends one output line; runs of blank lines shrink to one, as in Redis.
 * Returns the line's index entry (a blank line or comment until the caller
 * says otherwise), or NULL if nothing was written or the index is full. */
static struct core__conf_line *emit(struct writer *w, const char *prefix, const char *p, size_t n) {
    CORE_ASSERT(p != NULL || n == 0);
    CORE_ASSERT(w->lines <= CORE__CONF_LINES_MAX);
    bool blank = prefix == NULL && n == 0;
    if (blank && w->was_blank) { return NULL; }
    w->was_blank = blank;
    size_t off = w->out->len - w->base, plen = prefix != NULL ? strlen(prefix) : 0;
    if (prefix != NULL) { core__buf_putn(w->out, prefix, plen); }
    core__buf_putn(w->out, p, n);
    core__buf_putc(w->out, '\n');
    if (w->lines == CORE__CONF_LINES_MAX) {
        w->rw->too_long = true;
        return NULL;
    }
    struct core__conf_line *l = &w->rw->old[w->lines++];
    *l = (struct core__conf_line){.off = (uint32_t)off,
                                  .len = (uint32_t)(plen + n),
                                  .key = NO_KEY,
                                  .next = NO_LINE,
                                  .kind = LINE_TEXT};
    return l;
}

/* Writes a blank line or comment of the old file. */
static void emit_text(struct writer *w, const char *p, size_t n) {
    CORE_ASSERT(p != NULL || n == 0);
    CORE_ASSERT(n == 0 || p[0] == '#');
    if (emit(w, NULL, p, n) != NULL) {
        w->rw->has_signature = w->rw->has_signature || is_signature(p, n);
    }
}

/* Writes new line g as given, noting which line of the index it is; its
 * index entry is what indexing the written line would give: trimmed, and
 * keyed like g since trimming never changes the words, unless the trimmed
 * line starts with '#'. */
static void emit_new(struct writer *w, const struct core__conf_line *g, const char *new_text) {
    CORE_ASSERT(g->kind == LINE_DIRECTIVE);
    CORE_ASSERT(g->len > 0);
    const char *p = new_text + g->off, *t = p;
    size_t n = g->len;
    struct core__conf_line *l = emit(w, NULL, p, n);
    if (l == NULL) { return; }
    w->rw->neu_at[g - w->rw->neu] = w->lines - 1;
    core__conf_trim(&t, &n);
    l->off += (uint32_t)(t - p);
    l->len = (uint32_t)n;
    if (n == 0 || t[0] == '#') {
        w->rw->has_signature = w->rw->has_signature || is_signature(t, n);
        return;
    }
    l->kind = LINE_DIRECTIVE;
    l->key = g->key;
    l->sentinel_key = g->sentinel_key;
    w->slots++;
}

/* Writes the old file with each directive replaced by the next new line of
 * its key; directives left over are blanked if their key is a sentinel key
 * or is in the new lines, else kept. */
static void write_old(struct writer *w, const char *old_text, const char *new_text) {
    struct core__conf_rw *rw = w->rw;
    CORE_ASSERT(rw->indexed && !rw->too_long);
    for (uint32_t i = 0, n = rw->old_len; i < n; i++) {
        const struct core__conf_line l = rw->old[i]; /* emit() may overwrite old[i] */
        const char *p = old_text + l.off;
        CORE_ASSERT(w->lines <= i);
        if (l.kind == LINE_BAD) {
            emit(w, "# ??? ", p, l.len);
        } else if (l.kind == LINE_TEXT) {
            emit_text(w, p, l.len);
        } else {
            struct core__conf_key *k = &rw->keys[l.key];
            bool in_new = k->stamp == rw->stamp;
            if (in_new && k->head != NO_LINE) {
                struct core__conf_line *g = &rw->neu[k->head];
                k->head = g->next;
                g->placed = true;
                emit_new(w, g, new_text);
            } else if (l.sentinel_key || in_new) {
                emit(w, NULL, p, 0);
            } else {
                struct core__conf_line *e = emit(w, NULL, p, l.len);
                if (e != NULL) {
                    e->kind = LINE_DIRECTIVE;
                    e->key = l.key;
                    e->sentinel_key = l.sentinel_key;
                }
            }
        }
    }
}

/* Appends the new lines that replaced nothing, after the signature line if
 * the old file lacks it, then indexes the empty line after the final
 * newline. Standing for several rewrites, it also writes the blank line
 * each of them left before the next one's appended line. Returns how many
 * lines it appended. */
static uint32_t write_appended(struct writer *w, const char *new_text) {
    struct core__conf_rw *rw = w->rw;
    CORE_ASSERT(rw->neu_len <= CORE__CONF_LINES_MAX);
    uint32_t appended = 0;
    for (uint32_t j = 0; j < rw->neu_len; j++) {
        if (rw->neu[j].placed) { continue; }
        if (w->needs_signature) {
            emit_text(w, CORE__CONF_SIGNATURE, strlen(CORE__CONF_SIGNATURE));
            w->needs_signature = false;
        }
        if (appended > 0 && w->steps > 0) { emit_text(w, "", 0); }
        emit_new(w, &rw->neu[j], new_text);
        appended++;
    }
    if (w->out->len == w->base) { return appended; }
    if (w->lines == CORE__CONF_LINES_MAX) {
        rw->too_long = true;
        return appended;
    }
    rw->old[w->lines++] = (struct core__conf_line){.off = (uint32_t)(w->out->len - w->base),
                                                   .key = NO_KEY,
                                                   .next = NO_LINE,
                                                   .kind = LINE_TEXT};
    return appended;
}

/* True if the keys of new lines of new_len bytes surely fit in the table
 * and the pool. */
static bool has_room(const struct core__conf_rw *rw, size_t new_len) {
    CORE_ASSERT(rw->pool_len <= rw->pool_cap);
    return rw->keys_len <= CORE__CONF_KEYS_MAX - CORE__CONF_LINES_MAX &&
           new_len <= rw->pool_cap - rw->pool_len;
}

/* Indexes the old text if there is no index, or again (forgetting keys no
 * longer used) if the next rewrite's keys might not fit. */
static int prepare(struct core__conf_rw *rw, const char *old_text, size_t old_len, size_t new_len) {
    CORE_ASSERT(rw != NULL);
    CORE_ASSERT(rw->pool_len <= rw->pool_cap);
    if (rw->indexed && has_room(rw, new_len)) { return CORE_OK; }
    return index_text(rw, old_text, old_len);
}

/* A new stamp marks the keys of this rewrite's new lines; at wrap-around
 * no key may keep an old stamp that comes round again. */
static void next_stamp(struct core__conf_rw *rw) {
    CORE_ASSERT(rw != NULL);
    CORE_ASSERT(rw->keys_len <= CORE__CONF_KEYS_MAX);
    if (rw->stamp == UINT32_MAX) {
        for (uint32_t k = 0; k < rw->keys_len; k++) {
            rw->keys[k].stamp = 0;
        }
        rw->stamp = 0;
    }
    rw->stamp++;
}

/* ---------------------------------------------------------------- substituting */

/* A new line of a same-shape rewrite whose text changed: it is now
 * text[off, off + len) and goes to line `at` of the file, which holds the
 * last rewrite's line in its place: old_len bytes from old_start, leading
 * blanks included (the index entry holds the trimmed line). */
struct swap {
    uint32_t at;
    size_t off, len, old_start, old_len;
};

#define SWAPS_MAX 64 /* more changed lines take the full pass */

/* The changed new lines of a same-shape rewrite, in file order. */
struct plan {
    struct span span;
    uint32_t count;
    size_t grow; /* what the file grows by, modulo 2^64 */
    struct swap swaps[SWAPS_MAX];
};

/* True if new line p[0, n) can take the slot of the last new line g: it
 * has g's key (and flag), and written out it still reads as a directive. */
static bool same_slot(struct core__conf_rw *rw,
                      const char *p,
                      size_t n,
                      const struct core__conf_line *g) {
    CORE_ASSERT(p != NULL && n > 0);
    CORE_ASSERT(g->kind == LINE_DIRECTIVE);
    bool sk = false;
    long k = p[0] == '#' ? -1 : line_key(rw, p, n, &sk);
    if (k < 0 || key_find(rw, (size_t)k) != g->key || sk != g->sentinel_key) { return false; }
    core__conf_trim(&p, &n);
    return n > 0 && p[0] != '#';
}

/* Adds new line j, changed to text[off, off + n), to the plan in file
 * order; false if the plan is full. */
static bool add_swap(
    const struct core__conf_rw *rw, struct plan *pl, uint32_t j, size_t off, size_t n) {
    CORE_ASSERT(j < rw->neu_len);
    CORE_ASSERT(pl->count <= SWAPS_MAX);
    if (pl->count == SWAPS_MAX) { return false; }
    const struct core__conf_line *g = &rw->neu[j], *slot = &rw->old[rw->neu_at[j]];
    const char *was = rw->prev + g->off, *t = was;
    size_t tn = g->len;
    core__conf_trim(&t, &tn);
    CORE_ASSERT(slot->kind == LINE_DIRECTIVE && slot->key == g->key && slot->len == tn);
    struct swap sw = {.at = rw->neu_at[j],
                      .off = off,
                      .len = n,
                      .old_start = slot->off - (size_t)(t - was),
                      .old_len = g->len};
    uint32_t i = pl->count++;
    for (; i > 0 && pl->swaps[i - 1].at > sw.at; i--) {
        pl->swaps[i] = pl->swaps[i - 1];
    }
    pl->swaps[i] = sw;
    pl->grow += n - g->len;
    return true;
}

/* Plans a rewrite by substitution: true if the new lines in `text` have
 * the last new lines' keys in the same order and at most SWAPS_MAX of them
 * changed. Only the span that differs from the last new lines is read, and
 * only the lines of it that changed are split. Changes nothing but the
 * scratch space. */
static bool plan_swaps(struct core__conf_rw *rw, const char *text, size_t len, struct plan *pl) {
    CORE_ASSERT(rw->same_shape);
    CORE_ASSERT(text != NULL || len == 0);
    find_span(rw, text, len, &pl->span);
    pl->count = 0;
    pl->grow = 0;
    uint32_t j = pl->span.head, end = rw->neu_len - pl->span.tail;
    size_t pos = pl->span.from, off = 0, n = 0;
    while (next_new_line(text, &pos, pl->span.to, &off, &n)) {
        if (j == end) { return false; }
        const struct core__conf_line *g = &rw->neu[j];
        bool same = n == g->len && memcmp(text + off, rw->prev + g->off, n) == 0;
        if (!same && !(same_slot(rw, text + off, n, g) && add_swap(rw, pl, j, off, n))) {
            return false;
        }
        j++;
    }
    return j == end;
}

/* Moves the offsets of index lines [from, to) by delta (modulo 2^32). */
static void shift_lines(struct core__conf_rw *rw, uint32_t from, uint32_t to, uint32_t delta) {
    CORE_ASSERT(from <= to && to <= rw->old_len);
    CORE_ASSERT(rw->indexed);
    for (uint32_t i = from; delta != 0 && i < to; i++) {
        rw->old[i].off += delta;
    }
}

/* Writes the old file with the planned lines substituted, and moves their
 * index entries (trimmed, as emit_new() writes them) and the later ones. */
static void write_swapped(struct core__conf_rw *rw,
                          const char *old_text,
                          size_t old_len,
                          const char *new_text,
                          const struct plan *pl,
                          struct core__buf *out) {
    CORE_ASSERT(old_text != NULL && new_text != NULL);
    CORE_ASSERT(pl->count <= SWAPS_MAX);
    size_t cur = 0;
    uint32_t delta = 0, next = pl->count > 0 ? pl->swaps[0].at : rw->old_len;
    for (uint32_t s = 0; s < pl->count; s++) {
        const struct swap *sw = &pl->swaps[s];
        CORE_ASSERT(sw->old_start >= cur && sw->at >= next);
        shift_lines(rw, next, sw->at, delta);
        core__buf_putn(out, old_text + cur, sw->old_start - cur);
        const char *p = new_text + sw->off, *t = p;
        size_t n = sw->len;
        core__conf_trim(&t, &n);
        rw->old[sw->at].off = (uint32_t)(sw->old_start + delta + (size_t)(t - p));
        rw->old[sw->at].len = (uint32_t)n;
        core__buf_putn(out, p, sw->len);
        cur = sw->old_start + sw->old_len;
        delta += (uint32_t)(sw->len - sw->old_len);
        next = sw->at + 1;
    }
    core__buf_putn(out, old_text + cur, old_len - cur);
    shift_lines(rw, next, rw->old_len, delta);
}

/* Points neu[] at the new lines in `text`: the span read again, and the
 * tail lines moved. */
static void move_new(struct core__conf_rw *rw, const char *text, const struct span *sp) {
    CORE_ASSERT(text != NULL || sp->to == 0);
    CORE_ASSERT(sp->head + sp->tail <= rw->neu_len);
    size_t pos = sp->from, off = 0, n = 0;
    for (uint32_t j = sp->head; next_new_line(text, &pos, sp->to, &off, &n); j++) {
        rw->neu[j].off = (uint32_t)off;
        rw->neu[j].len = (uint32_t)n;
    }
    for (uint32_t j = rw->neu_len - sp->tail; j < rw->neu_len; j++) {
        rw->neu[j].off = (uint32_t)(rw->neu[j].off + sp->shift);
    }
}

/* next_stamp() and the stamps read_new() gives: the keys of the last new
 * lines, which are this rewrite's, carry the new stamp. */
static void restamp(struct core__conf_rw *rw) {
    CORE_ASSERT(rw->stamp != 0 && rw->stamp != UINT32_MAX);
    CORE_ASSERT(rw->keys_len <= CORE__CONF_KEYS_MAX);
    uint32_t last = rw->stamp++;
    for (uint32_t k = 0; k < rw->keys_len; k++) {
        if (rw->keys[k].stamp == last) { rw->keys[k].stamp = rw->stamp; }
    }
}

/* The rewrite of a file whose last rewrite left it same-shaped (conf.h)
 * with new lines of the same shape: the old text with the changed lines
 * substituted, and the workspace left as the full pass would leave it
 * (each key's head chain ran out then as it does now: every line was
 * placed). False, having changed nothing, where that does not apply,
 * including an output that would overflow. */
static bool substitute(struct core__conf_rw *rw,
                       const char *old_text,
                       size_t old_len,
                       const char *new_lines,
                       size_t new_len,
                       struct core__buf *out) {
    CORE_ASSERT(out != NULL && out->len < out->cap);
    if (!rw->same_shape || rw->stamp == UINT32_MAX || !has_room(rw, new_len)) { return false; }
    CORE_ASSERT(rw->indexed && !rw->too_long && rw->prev_valid && rw->old_len > 0);
    /* The index ends with the empty line after the file's final newline. */
    if (old_len != rw->old[rw->old_len - 1].off || new_len >= UINT32_MAX) { return false; }
    struct plan pl;
    if (out->overflow || !plan_swaps(rw, new_lines, new_len, &pl)) { return false; }
    if (old_len + pl.grow > out->cap - 1 - out->len) { return false; }
    restamp(rw);
    move_new(rw, new_lines, &pl.span);
    write_swapped(rw, old_text, old_len, new_lines, &pl, out);
    rw->prev_valid = false;
    keep_new(rw, new_lines, new_len, &pl.span);
    rw->same_shape = rw->prev_valid;
    rw->substituted++;
    return true;
}

/* ---------------------------------------------------------------- rewriting */

static int rewrite(struct core__conf_rw *rw,
                   const char *old_text,
                   size_t old_len,
                   const char *new_lines,
                   size_t new_len,
                   uint32_t steps,
                   struct core__buf *out) {
    CORE_ASSERT(old_text != NULL || old_len == 0);
    CORE_ASSERT(new_lines != NULL || new_len == 0);
    CORE_ASSERT(out != NULL && out->cap <= UINT32_MAX);
    if (old_len >= UINT32_MAX || new_len >= UINT32_MAX) { return CORE_E_LIMIT; }
    rw->same_shape = false;
    int rc = prepare(rw, old_text, old_len, new_len);
    if (rc != CORE_OK) { return rc; }
    if (rw->too_long) { return CORE_E_LIMIT; }
    next_stamp(rw);
    struct span span;
    rc = read_new(rw, new_lines, new_len, &span);
    if (rc != CORE_OK) { return rc; }
    struct writer w = {.rw = rw,
                       .out = out,
                       .base = out->len,
                       .needs_signature = !rw->has_signature,
                       .steps = steps};
    rw->has_signature = false;
    write_old(&w, old_text, new_lines);
    uint32_t appended = write_appended(&w, new_lines);
    rw->old_len = w.lines;
    if (out->overflow) {
        core__conf_rw_forget(rw);
        return CORE_E_LIMIT;
    }
    if (steps > 0 && appended != steps) {
        core__conf_rw_forget(rw);
        return CORE_E_CONFIG;
    }
    keep_new(rw, new_lines, new_len, &span);
    /* Every new line took a directive slot, and the file ends with a blank
     * line (so nothing was appended), which the next rewrite squeezes with
     * the empty one after it. */
    rw->same_shape = w.slots == rw->neu_len && w.was_blank && !rw->too_long && rw->prev_valid;
    return CORE_OK;
}

int core__conf_rw_rewrite(struct core__conf_rw *rw,
                          const char *old_text,
                          size_t old_len,
                          const char *new_lines,
                          size_t new_len,
                          struct core__buf *out) {
    CORE_ASSERT(rw != NULL);
    CORE_ASSERT(out != NULL);
    if (substitute(rw, old_text, old_len, new_lines, new_len, out)) { return CORE_OK; }
    return rewrite(rw, old_text, old_len, new_lines, new_len, 0, out);
}

int core__conf_rw_rewrite_steps(struct core__conf_rw *rw,
                                const char *old_text,
                                size_t old_len,
                                const char *new_lines,
                                size_t new_len,
                                uint32_t steps,
                                struct core__buf *out) {
    CORE_ASSERT(steps > 0);
    return rewrite(rw, old_text, old_len, new_lines, new_len, steps, out);
}

int core__conf_rewrite(const char *old_text,
                       size_t old_len,
                       const char *new_lines,
                       size_t new_len,
                       struct core__buf *out) {
    struct core__conf_rw rw;
    char pool[CORE__CONF_ONESHOT_KEY_BYTES];
    CORE_ASSERT(old_text != NULL || old_len == 0);
    CORE_ASSERT(out != NULL);
    core__conf_rw_init(&rw, pool, sizeof(pool), NULL, 0);
    return core__conf_rw_rewrite(&rw, old_text, old_len, new_lines, new_len, out);
}
