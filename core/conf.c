/* conf.c: config-file words, directives, quoting and CONFIG REWRITE (see conf.h).
 *
 * Method: the splitter is a byte-at-a-time state machine over an explicit
 * length, decoding into the caller's scratch buffer (a decoded word is never
 * longer than its source, so len + 1 bytes always suffice). The rewrite
 * engine indexes the old file once (offset, length, kind and a 64-bit hash
 * of the key per line, in a bounded stack table), places each new line on
 * the first free old line whose key matches (hash first, then the real key),
 * and writes the result in one pass. Nothing is allocated.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/conf.h"

#include <string.h>

#include "core/check.h"
#include "core/core.h"

/* ---------------------------------------------------------------- splitting */

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_sep(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

static int hex_val(char c) {
    if (c >= '0' && c <= '9') { return c - '0'; }
    if (c >= 'a' && c <= 'f') { return c - 'a' + 10; }
    if (c >= 'A' && c <= 'F') { return c - 'A' + 10; }
    return -1;
}

static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The byte at i, with the end of the line reading as NUL (as in Redis). */
static char at(const char *s, size_t len, size_t i) {
    return i < len ? s[i] : '\0';
}

/* Decodes one escape inside double quotes at s[*i] == '\\'; returns the byte
 * and leaves *i on the last byte consumed. */
static char dq_escape(const char *s, size_t len, size_t *i) {
    CORE_ASSERT(s[*i] == '\\');
    CORE_ASSERT(*i + 1 < len);
    size_t p = *i;
    if (at(s, len, p + 1) == 'x' && hex_val(at(s, len, p + 2)) >= 0 &&
        hex_val(at(s, len, p + 3)) >= 0) {
        *i = p + 3;
        return (char)(hex_val(s[p + 2]) * 16 + hex_val(s[p + 3]));
    }
    *i = p + 1;
    switch (s[p + 1]) {
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'b':
        return '\b';
    case 'a':
        return '\a';
    default:
        return s[p + 1];
    }
}

/* Reads one word starting at s[*i] (not a blank) into out; returns its
 * length, or -1 for unbalanced quotes. Leaves *i after the word. */
static long read_word(const char *s, size_t len, size_t *i, char *out) {
    CORE_ASSERT(*i < len);
    CORE_ASSERT(!is_space(s[*i]) && s[*i] != '\0');
    size_t p = *i, o = 0;
    int quote = 0; /* 0, '"' or '\'' */
    for (;;) {
        char c = at(s, len, p);
        if (quote == 0 && is_sep(c)) { break; }
        if (quote != 0 && c == '\0') { return -1; }
        if (quote == 0 && (c == '"' || c == '\'')) {
            quote = c;
        } else if (quote == '"' && c == '\\' && at(s, len, p + 1) != '\0') {
            out[o++] = dq_escape(s, len, &p);
        } else if (quote == '\'' && c == '\\' && at(s, len, p + 1) == '\'') {
            out[o++] = '\'';
            p++;
        } else if (c == quote) {
            /* A closing quote must end the word. */
            char next = at(s, len, p + 1);
            if (next != '\0' && !is_space(next)) { return -1; }
            break;
        } else {
            out[o++] = c;
        }
        p++;
    }
    if (p < len && s[p] != '\0') { p++; } /* the separator or closing quote */
    *i = p;
    return (long)o;
}

/* read_word() for the common word without quotes: copies up to the next
 * separator and skips it. Returns -2 (nothing consumed) at a quote, where
 * only read_word() knows the rules. */
static long read_plain_word(const char *s, size_t len, size_t *i, char *out) {
    CORE_ASSERT(*i < len);
    CORE_ASSERT(out != NULL);
    size_t p = *i;
    while (p < len && !is_sep(s[p])) {
        if (s[p] == '"' || s[p] == '\'') { return -2; }
        p++;
    }
    size_t n = p - *i;
    memcpy(out, s + *i, n);
    if (p < len && s[p] != '\0') { p++; } /* the separator */
    *i = p;
    return (long)n;
}

int core__conf_split(const char *line, size_t len, struct core__conf_args *args) {
    CORE_ASSERT(args != NULL);
    CORE_ASSERT(line != NULL || len == 0);
    args->argc = 0;
    if (len > CORE__CONF_LINE_MAX) { return CORE_E_LIMIT; }
    size_t i = 0, used = 0;
    for (;;) {
        while (i < len && line[i] != '\0' && is_space(line[i])) {
            i++;
        }
        if (at(line, len, i) == '\0') { return CORE_OK; }
        if (args->argc == CORE__CONF_ARGS_MAX) {
            args->argc = 0;
            return CORE_E_LIMIT;
        }
        char *w = args->scratch + used;
        long n = read_plain_word(line, len, &i, w);
        if (n == -2) { n = read_word(line, len, &i, w); }
        if (n < 0) {
            args->argc = 0;
            return CORE_E_CONFIG;
        }
        w[n] = '\0';
        used += (size_t)n + 1;
        CORE_ASSERT(used <= len + 1);
        args->argv[args->argc] = w;
        args->argv_len[args->argc] = (size_t)n;
        args->argc++;
    }
}

bool core__conf_word_is(const struct core__conf_args *args, uint32_t i, const char *lower_word) {
    CORE_ASSERT(args != NULL);
    CORE_ASSERT(lower_word != NULL);
    if (i >= args->argc) { return false; }
    size_t n = strlen(lower_word);
    if (args->argv_len[i] != n) { return false; }
    for (size_t k = 0; k < n; k++) {
        if (lower(args->argv[i][k]) != lower_word[k]) { return false; }
    }
    return true;
}

/* ---------------------------------------------------------------- iterating */

/* Trims Redis's config blanks (space, tab, CR, LF) from both ends. */
static void trim(const char **p, size_t *n) {
    CORE_ASSERT(p != NULL && n != NULL);
    CORE_ASSERT(*p != NULL || *n == 0);
    while (*n > 0 && strchr(" \t\r\n", (*p)[0]) != NULL && (*p)[0] != '\0') {
        (*p)++;
        (*n)--;
    }
    while (*n > 0 && strchr(" \t\r\n", (*p)[*n - 1]) != NULL && (*p)[*n - 1] != '\0') {
        (*n)--;
    }
}

void core__conf_iter_init(struct core__conf_iter *it, const char *text, size_t len) {
    CORE_ASSERT(it != NULL);
    CORE_ASSERT(text != NULL || len == 0);
    memset(it, 0, sizeof(*it));
    it->text = text;
    it->len = len;
}

/* Moves to the next raw line (LF-separated); false at the end. */
static bool next_line(struct core__conf_iter *it) {
    CORE_ASSERT(it->pos <= it->len);
    if (it->pos >= it->len) { return false; }
    const char *start = it->text + it->pos;
    const char *nl = memchr(start, '\n', it->len - it->pos);
    size_t n = nl != NULL ? (size_t)(nl - start) : it->len - it->pos;
    it->pos += n + (nl != NULL ? 1 : 0);
    it->lineno++;
    it->line = start;
    it->line_len = n;
    trim(&it->line, &it->line_len);
    return true;
}

int core__conf_next(struct core__conf_iter *it, struct core__conf_args *args) {
    CORE_ASSERT(it != NULL);
    CORE_ASSERT(args != NULL);
    while (next_line(it)) {
        if (it->line_len == 0 || it->line[0] == '#') { continue; }
        int rc = core__conf_split(it->line, it->line_len, args);
        if (rc != CORE_OK) { return rc; }
        if (args->argc == 0) { continue; }
        char *w = args->scratch + (args->argv[0] - args->scratch);
        for (size_t k = 0; k < args->argv_len[0]; k++) {
            w[k] = lower(w[k]);
        }
        return 1;
    }
    args->argc = 0;
    return 0;
}

/* ---------------------------------------------------------------- quoting */

int core__conf_put_repr(struct core__buf *b, const char *s, size_t len) {
    CORE_ASSERT(b != NULL);
    CORE_ASSERT(s != NULL || len == 0);
    core__buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\':
            core__buf_puts(b, "\\\\");
            break;
        case '"':
            core__buf_puts(b, "\\\"");
            break;
        case '\n':
            core__buf_puts(b, "\\n");
            break;
        case '\r':
            core__buf_puts(b, "\\r");
            break;
        case '\t':
            core__buf_puts(b, "\\t");
            break;
        case '\a':
            core__buf_puts(b, "\\a");
            break;
        case '\b':
            core__buf_puts(b, "\\b");
            break;
        default:
            if (c >= 0x20 && c <= 0x7e) {
                core__buf_putc(b, (char)c);
            } else {
                core__buf_appendf(b, "\\x%02x", (unsigned)c);
            }
            break;
        }
    }
    return core__buf_putc(b, '"');
}

int core__conf_put_word(struct core__buf *b, const char *s, size_t len) {
    CORE_ASSERT(b != NULL);
    CORE_ASSERT(s != NULL || len == 0);
    bool bare = len > 0;
    for (size_t i = 0; i < len && bare; i++) {
        char c = s[i];
        bare = c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '\\';
    }
    if (!bare) { return core__conf_put_repr(b, s, len); }
    return core__buf_putn(b, s, len);
}

/* ---------------------------------------------------------------- rewrite */

enum line_kind {
    LINE_TEXT,      /* a comment or a blank line: kept as it is */
    LINE_BAD,       /* cannot be split: kept as "# ??? <line>" */
    LINE_DIRECTIVE, /* has a key */
};

struct old_line {
    uint64_t hash; /* of the key (directives) */
    uint32_t off;  /* the trimmed line is old_text[off, off + len) */
    uint32_t len;
    uint32_t new_off; /* the new line replacing it starts at new_lines[new_off] */
    uint8_t kind;     /* enum line_kind */
    bool replaced;
    bool sentinel_key; /* a `sentinel <word>` key Sentinel always rewrites */
    bool key_in_new;   /* some new line's key has the same hash (to be verified) */
    uint32_t next;     /* the next old line of the same hash bucket, in file order */
};

/* Old directives chained by key hash, so that placing the new lines costs
 * about one chain walk each instead of a scan of the whole old file (a file
 * of 100 masters has ~1500 lines and is rewritten at every discovery). */
#define BUCKETS_MAX (2 * CORE__CONF_LINES_MAX)
#define NO_LINE     UINT32_MAX
struct bucket {
    uint32_t head;        /* first line of the chain, or NO_LINE */
    uint32_t tail;        /* last line, for appending in file order */
    uint32_t cursor;      /* no line before it in the chain is still unreplaced */
    bool marked;          /* key_in_new was set on every line of hash `marked_hash` */
    uint64_t marked_hash; /* (chains may mix hashes: they are reduced to a bucket) */
};

/* Scratch shared by the rewrite helpers (too big for several stack copies). */
struct rewrite {
    const char *old_text;
    const char *new_text;
    size_t new_len;
    struct old_line lines[CORE__CONF_LINES_MAX];
    uint32_t lines_len;
    uint8_t placed[CORE__CONF_LINES_MAX / 8]; /* bit per new line: replaced an old one */
    struct bucket buckets[BUCKETS_MAX];
    uint32_t buckets_len; /* a power of two, at least twice the old lines */
    bool needs_signature;
    struct core__conf_args args;
    char key[CORE__CONF_LINE_MAX + 2];
    char key2[CORE__CONF_LINE_MAX + 2];
};

static uint64_t fnv1a(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    }
    return h;
}

/* Writes the lower-cased key of a split line into key; returns its length.
 * `sentinel <word>` lines are keyed by both words, others by the first. */
static size_t make_key(const struct core__conf_args *a, char *key, bool *sentinel_key) {
    CORE_ASSERT(a->argc > 0);
    size_t n = 0;
    uint32_t words = a->argc > 1 && core__conf_word_is(a, 0, "sentinel") ? 2 : 1;
    for (uint32_t w = 0; w < words; w++) {
        if (w > 0) { key[n++] = ' '; }
        for (size_t k = 0; k < a->argv_len[w]; k++) {
            key[n++] = lower(a->argv[w][k]);
        }
    }
    CORE_ASSERT(n <= CORE__CONF_LINE_MAX + 1);
    /* Redis 7.0 never marks the legacy `known-slave` key as rewritten, so
     * such lines survive a rewrite in place (7.2 changed this, spec §21). */
    *sentinel_key = words == 2 && !core__conf_word_is(a, 1, "known-slave");
    return n;
}

/* Splits line and computes its key into buf; -1 if it cannot be split. */
static long key_of(struct rewrite *rw, const char *line, size_t len, char *buf, bool *sk) {
    CORE_ASSERT(line != NULL);
    CORE_ASSERT(buf == rw->key || buf == rw->key2);
    if (core__conf_split(line, len, &rw->args) != CORE_OK || rw->args.argc == 0) { return -1; }
    return (long)make_key(&rw->args, buf, sk);
}

static void index_line(struct rewrite *rw, const char *p, size_t n) {
    CORE_ASSERT(rw->lines_len < CORE__CONF_LINES_MAX);
    CORE_ASSERT(p >= rw->old_text);
    struct old_line *l = &rw->lines[rw->lines_len++];
    trim(&p, &n);
    memset(l, 0, sizeof(*l));
    l->off = (uint32_t)(p - rw->old_text);
    l->len = (uint32_t)n;
    l->kind = LINE_TEXT;
    if (n == 0 || p[0] == '#') {
        if (n == strlen(CORE__CONF_SIGNATURE) && memcmp(p, CORE__CONF_SIGNATURE, n) == 0) {
            rw->needs_signature = false;
        }
        return;
    }
    bool sk = false;
    long k = key_of(rw, p, n, rw->key, &sk);
    if (k < 0) {
        l->kind = LINE_BAD;
        return;
    }
    l->kind = LINE_DIRECTIVE;
    l->hash = fnv1a(rw->key, (size_t)k);
    l->sentinel_key = sk;
}

/* Indexes every LF-separated line of the old file, including the empty one
 * after a final newline (Redis keeps it, which is why rewritten files end
 * with a blank line). */
static int index_old(struct rewrite *rw, size_t len) {
    CORE_ASSERT(len < UINT32_MAX);
    CORE_ASSERT(rw->old_text != NULL || len == 0);
    rw->lines_len = 0;
    rw->needs_signature = true;
    if (len == 0) { return CORE_OK; }
    size_t pos = 0;
    for (;;) {
        const char *start = rw->old_text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - start) : len - pos;
        if (rw->lines_len == CORE__CONF_LINES_MAX) { return CORE_E_LIMIT; }
        index_line(rw, start, n);
        if (nl == NULL) { return CORE_OK; }
        pos += n + 1;
    }
}

/* Moves to the next non-empty new line; false at the end. New lines are
 * written as given, not trimmed (Redis writes `sentinel auth-pass m ` with
 * its trailing space for an empty password). */
static bool next_new(const struct rewrite *rw, size_t *pos, const char **p, size_t *n) {
    CORE_ASSERT(*pos <= rw->new_len);
    while (*pos < rw->new_len) {
        const char *start = rw->new_text + *pos;
        const char *nl = memchr(start, '\n', rw->new_len - *pos);
        size_t len = nl != NULL ? (size_t)(nl - start) : rw->new_len - *pos;
        *pos += len + (nl != NULL ? 1 : 0);
        *p = start;
        *n = len;
        if (len > 0) { return true; }
    }
    return false;
}

/* True if old line l has exactly the key key[0..klen) (its hash matched). */
static bool same_key(struct rewrite *rw, const struct old_line *l, const char *key, size_t klen) {
    bool sk;
    long k = key_of(rw, rw->old_text + l->off, l->len, rw->key2, &sk);
    CORE_ASSERT(k >= 0);
    return (size_t)k == klen && memcmp(rw->key2, key, klen) == 0;
}

/* Chains the old directives by hash bucket, in file order. */
static void index_buckets(struct rewrite *rw) {
    CORE_ASSERT(rw->lines_len <= CORE__CONF_LINES_MAX);
    rw->buckets_len = 16;
    while (rw->buckets_len < 2 * rw->lines_len) {
        rw->buckets_len *= 2;
    }
    CORE_ASSERT(rw->buckets_len <= BUCKETS_MAX);
    for (uint32_t b = 0; b < rw->buckets_len; b++) {
        rw->buckets[b].head = rw->buckets[b].tail = rw->buckets[b].cursor = NO_LINE;
        rw->buckets[b].marked = false;
    }
    for (uint32_t i = 0; i < rw->lines_len; i++) {
        struct old_line *l = &rw->lines[i];
        if (l->kind != LINE_DIRECTIVE) { continue; }
        struct bucket *b = &rw->buckets[l->hash & (rw->buckets_len - 1)];
        l->next = NO_LINE;
        if (b->head == NO_LINE) {
            b->head = b->cursor = i;
        } else {
            rw->lines[b->tail].next = i;
        }
        b->tail = i;
    }
}

/* Takes the first free old line with key key[0..klen) (hash h) for the new
 * line at new_off, marking every old line of that hash as having its key in
 * the new text; false if there is none. Same result as scanning the whole old
 * file in order: lines before the cursor are all replaced already. */
static bool take_old(struct rewrite *rw, uint64_t h, size_t klen, uint32_t new_off) {
    struct bucket *b = &rw->buckets[h & (rw->buckets_len - 1)];
    CORE_ASSERT(rw->buckets_len > 0);
    if (!b->marked || b->marked_hash != h) {
        for (uint32_t i = b->head; i != NO_LINE; i = rw->lines[i].next) {
            if (rw->lines[i].hash == h) { rw->lines[i].key_in_new = true; }
        }
        b->marked = true;
        b->marked_hash = h;
    }
    while (b->cursor != NO_LINE && rw->lines[b->cursor].replaced) {
        b->cursor = rw->lines[b->cursor].next;
    }
    for (uint32_t i = b->cursor; i != NO_LINE; i = rw->lines[i].next) {
        struct old_line *l = &rw->lines[i];
        CORE_ASSERT(l->kind == LINE_DIRECTIVE);
        if (l->hash != h || l->replaced || !same_key(rw, l, rw->key, klen)) { continue; }
        l->replaced = true;
        l->new_off = new_off;
        return true;
    }
    return false;
}

/* Gives each new line the first free old line with its key (spec §16.3). */
static int place_new(struct rewrite *rw) {
    CORE_ASSERT(rw->lines_len <= CORE__CONF_LINES_MAX);
    size_t pos = 0, n;
    const char *p;
    uint32_t j = 0;
    index_buckets(rw);
    while (next_new(rw, &pos, &p, &n)) {
        if (j == CORE__CONF_LINES_MAX) { return CORE_E_LIMIT; }
        bool sk;
        long k = p[0] == '#' ? -1 : key_of(rw, p, n, rw->key, &sk);
        if (k < 0) { return CORE_E_CONFIG; }
        uint64_t h = fnv1a(rw->key, (size_t)k);
        if (take_old(rw, h, (size_t)k, (uint32_t)(p - rw->new_text))) {
            rw->placed[j / 8] = (uint8_t)(rw->placed[j / 8] | (1u << (j % 8)));
        }
        j++;
    }
    return CORE_OK;
}

/* Whether an old directive nobody replaced is dropped: always for the
 * sentinel keys, else only if some new line really has its key. */
static bool dropped(struct rewrite *rw, const struct old_line *l) {
    if (l->sentinel_key) { return true; }
    if (!l->key_in_new) { return false; }
    bool sk;
    long k = key_of(rw, rw->old_text + l->off, l->len, rw->key, &sk);
    CORE_ASSERT(k >= 0);
    size_t pos = 0, n;
    const char *p;
    while (next_new(rw, &pos, &p, &n)) {
        long k2 = key_of(rw, p, n, rw->key2, &sk);
        if (k2 == k && memcmp(rw->key, rw->key2, (size_t)k) == 0) { return true; }
    }
    return false;
}

/* Appends one output line; runs of blank lines shrink to one, as in Redis. */
static void emit(
    struct core__buf *out, bool *was_blank, const char *prefix, const char *p, size_t n) {
    CORE_ASSERT(p != NULL || n == 0);
    CORE_ASSERT(out != NULL && was_blank != NULL);
    bool blank = prefix == NULL && n == 0;
    if (blank && *was_blank) { return; }
    *was_blank = blank;
    if (prefix != NULL) { core__buf_puts(out, prefix); }
    core__buf_putn(out, p, n);
    core__buf_putc(out, '\n');
}

static void write_old(struct rewrite *rw, struct core__buf *out, bool *was_blank) {
    for (uint32_t i = 0; i < rw->lines_len; i++) {
        const struct old_line *l = &rw->lines[i];
        const char *p = rw->old_text + l->off;
        if (l->kind == LINE_BAD) {
            emit(out, was_blank, "# ??? ", p, l->len);
        } else if (l->kind == LINE_TEXT) {
            emit(out, was_blank, NULL, p, l->len);
        } else if (l->replaced) {
            size_t pos = l->new_off, n;
            bool ok = next_new(rw, &pos, &p, &n);
            CORE_ASSERT(ok);
            emit(out, was_blank, NULL, p, n);
        } else {
            emit(out, was_blank, NULL, p, dropped(rw, l) ? 0 : l->len);
        }
    }
}

static void write_appended(struct rewrite *rw, struct core__buf *out, bool *was_blank) {
    CORE_ASSERT(out != NULL);
    size_t pos = 0, n;
    const char *p;
    for (uint32_t j = 0; next_new(rw, &pos, &p, &n); j++) {
        if (rw->placed[j / 8] & (1u << (j % 8))) { continue; }
        if (rw->needs_signature) {
            emit(out, was_blank, NULL, CORE__CONF_SIGNATURE, strlen(CORE__CONF_SIGNATURE));
            rw->needs_signature = false;
        }
        emit(out, was_blank, NULL, p, n);
    }
}

int core__conf_rewrite(const char *old_text,
                       size_t old_len,
                       const char *new_lines,
                       size_t new_len,
                       struct core__buf *out) {
    CORE_ASSERT(old_text != NULL || old_len == 0);
    CORE_ASSERT(new_lines != NULL || new_len == 0);
    CORE_ASSERT(out != NULL);
    if (old_len >= UINT32_MAX || new_len >= UINT32_MAX) { return CORE_E_LIMIT; }
    struct rewrite rw;
    rw.old_text = old_text;
    rw.new_text = new_lines;
    rw.new_len = new_len;
    memset(rw.placed, 0, sizeof(rw.placed));
    int rc = index_old(&rw, old_len);
    if (rc == CORE_OK) { rc = place_new(&rw); }
    if (rc != CORE_OK) { return rc; }
    bool was_blank = false;
    write_old(&rw, out, &was_blank);
    write_appended(&rw, out, &was_blank);
    return out->overflow ? CORE_E_LIMIT : CORE_OK;
}
