/* test_core_pure_confrw.c: the rewrite engine's kept line index (core/conf.c).
 *
 * Method: differential. A sentinel keeps one workspace and hands each
 * rewrite the text the previous one wrote; these tests replay random
 * sequences of rewrites that way and check every result, byte for byte and
 * error code for error code, against two oracles: the one-shot
 * core__conf_rewrite(), which indexes the old text from scratch (the path
 * every sentinel takes at its first flush), and the rules of conf.h written
 * here the slow and obvious way (split every line, compare key strings,
 * quadratic placement); and the workspace's index and keys against a twin
 * that keeps no copy of the new lines, so never takes the substitution
 * shortcut. Inputs mix what the generator writes with what a hand-edited
 * file may hold: comments, blank runs, CRs, case variants, quoted and
 * unparsable lines, NUL bytes, `known-slave`, the signature.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/conf.h"
#include "core/core.h"
#include "core/rng.h"
#include "tests/support/core_test.h"

#define TEXT_MAX  8192 /* bytes of one random text */
#define LINES_MAX 400  /* lines the oracle handles */
#define KEY_MAX   256

/* ---------------------------------------------------------------- the oracle */

struct o_line {
    const char *p; /* trimmed (old lines) or as given (new lines) */
    size_t n;
    int kind; /* 0 text, 1 unparsable, 2 directive */
    char key[KEY_MAX];
    size_t key_len;
    bool sentinel_key;
    int replaced_by; /* new line index or -1 */
    bool placed;
};

static struct o_line o_old[LINES_MAX], o_new[LINES_MAX];
static struct core__conf_args o_args;

static bool o_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The key as conf.h defines it; false if the line cannot be split. */
static bool o_key(struct o_line *l) {
    if (core__conf_split(l->p, l->n, &o_args) != CORE_OK || o_args.argc == 0) { return false; }
    bool two = o_args.argc > 1 && core__conf_word_is(&o_args, 0, "sentinel");
    l->key_len = 0;
    for (uint32_t w = 0; w < (two ? 2u : 1u); w++) {
        if (w > 0) { l->key[l->key_len++] = ' '; }
        for (size_t k = 0; k < o_args.argv_len[w]; k++) {
            char c = o_args.argv[w][k];
            assert_true(l->key_len < KEY_MAX);
            l->key[l->key_len++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
    }
    l->sentinel_key = two && !core__conf_word_is(&o_args, 1, "known-slave");
    return true;
}

static bool o_same_key(const struct o_line *a, const struct o_line *b) {
    return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

struct o_out {
    char *p;
    size_t len, cap;
    bool was_blank, overflow;
};

static void o_emit(struct o_out *o, const char *prefix, const char *p, size_t n) {
    bool blank = prefix == NULL && n == 0;
    if (blank && o->was_blank) { return; }
    o->was_blank = blank;
    size_t pl = prefix != NULL ? strlen(prefix) : 0;
    if (o->overflow || o->len + pl + n + 1 > o->cap - 1) {
        o->overflow = true;
        return;
    }
    if (pl > 0) { memcpy(o->p + o->len, prefix, pl); }
    if (n > 0) { memcpy(o->p + o->len + pl, p, n); }
    o->len += pl + n;
    o->p[o->len++] = '\n';
}

/* Splits text at LF; old lines are trimmed and all kept, new lines are kept
 * as given and only if non-empty. Returns the count, or -1 past LINES_MAX. */
static int o_lines(const char *text, size_t len, bool old, struct o_line *lines) {
    int count = 0;
    for (size_t pos = 0; len > 0 && pos <= len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        const char *p = text + pos;
        pos += n + 1;
        if (!old && n == 0) { continue; }
        if (old) {
            while (n > 0 && o_blank(p[0])) {
                p++;
                n--;
            }
            while (n > 0 && o_blank(p[n - 1])) {
                n--;
            }
        }
        if (count == LINES_MAX) { return -1; }
        lines[count++] = (struct o_line){.p = p, .n = n, .replaced_by = -1};
        if (nl == NULL && old) { break; }
    }
    return count;
}

static int oracle(
    const char *old, size_t old_len, const char *neu, size_t neu_len, struct o_out *o) {
    static const char sig[] = CORE__CONF_SIGNATURE;
    int no = o_lines(old, old_len, true, o_old), nn = o_lines(neu, neu_len, false, o_new);
    assert_true(no >= 0 && nn >= 0); /* inputs stay far below the engine's limits */
    bool has_sig = false;
    for (int i = 0; i < no; i++) {
        struct o_line *l = &o_old[i];
        bool text = l->n == 0 || l->p[0] == '#';
        has_sig = has_sig || (text && l->n == strlen(sig) && memcmp(l->p, sig, l->n) == 0);
        l->kind = text ? 0 : o_key(l) ? 2 : 1;
    }
    for (int j = 0; j < nn; j++) {
        if (o_new[j].p[0] == '#' || !o_key(&o_new[j])) { return CORE_E_CONFIG; }
        for (int i = 0; i < no; i++) {
            if (o_old[i].kind == 2 && o_old[i].replaced_by < 0 &&
                o_same_key(&o_old[i], &o_new[j])) {
                o_old[i].replaced_by = j;
                o_new[j].placed = true;
                break;
            }
        }
    }
    for (int i = 0; i < no; i++) {
        const struct o_line *l = &o_old[i];
        if (l->kind != 2) {
            o_emit(o, l->kind == 1 ? "# ??? " : NULL, l->p, l->n);
        } else if (l->replaced_by >= 0) {
            o_emit(o, NULL, o_new[l->replaced_by].p, o_new[l->replaced_by].n);
        } else {
            bool in_new = false;
            for (int j = 0; j < nn; j++) {
                in_new = in_new || o_same_key(l, &o_new[j]);
            }
            o_emit(o, NULL, l->p, l->sentinel_key || in_new ? 0 : l->n);
        }
    }
    for (int j = 0; j < nn; j++) {
        if (o_new[j].placed) { continue; }
        if (!has_sig) { o_emit(o, NULL, sig, strlen(sig)); }
        has_sig = true;
        o_emit(o, NULL, o_new[j].p, o_new[j].n);
    }
    return o->overflow ? CORE_E_LIMIT : CORE_OK;
}

/* ---------------------------------------------------------------- random texts */

static struct core__rng rng;

static uint32_t below(uint32_t n) {
    return core__rng_below(&rng, n);
}

static void put(char *t, size_t *len, const char *s) {
    size_t n = strlen(s);
    assert_true(*len + n < TEXT_MAX);
    memcpy(t + *len, s, n);
    *len += n;
}

/* One line: usually what the generator writes, sometimes what a hand may
 * (new lines: only what splits, and " #x", a directive that reads back as
 * a comment). */
static void random_line(char *t, size_t *len, bool old) {
    static const char *const kw[] = {"monitor",      "known-replica", "known-sentinel",
                                     "config-epoch", "leader-epoch",  "current-epoch",
                                     "known-slave",  "KNOWN-Replica", "myid"};
    static const char *const odd[] = {
        "port 26379", "dir \"/tmp/x\"", "PORT 1", "'x y' z", "\"sentinel\" monitor m", "sentinel",
        "include /x", "sentinel 'known-replica' m", "x\vy z", "a\"b c\" d",
        "sentinel\tmonitor\t m 1", "\vport 2", " #x",
        /* old lines only from here */
        "a \"b", "# comment", CORE__CONF_SIGNATURE, "", "  \t ", "\v"};
    size_t at = *len, odd_len = old ? sizeof(odd) / sizeof(odd[0]) : 13;
    if (below(4) == 0) {
        put(t, len, odd[below((uint32_t)odd_len)]);
    } else {
        put(t, len, below(8) == 0 ? "Sentinel " : "sentinel ");
        put(t, len, kw[below(sizeof(kw) / sizeof(kw[0]))]);
        char v[32];
        snprintf(v, sizeof(v), " m%u %u", below(3), below(50));
        put(t, len, v);
    }
    if (old && below(10) == 0) { put(t, len, "\r"); }
    if (below(40) == 0) { put(t, len, " \t"); }
    if (below(old ? 60 : 400) == 0 && *len > at) { t[at + below((uint32_t)(*len - at))] = '\0'; }
}

/* A text of random lines (new lines: some empty). */
static size_t random_text(char *t, bool old, uint32_t lines_max) {
    size_t len = 0;
    uint32_t lines = below(lines_max + 1);
    for (uint32_t i = 0; i < lines; i++) {
        size_t at = len;
        random_line(t, &len, old);
        if (!old && below(30) == 0) { len = at; }
        if (i + 1 < lines || below(2) == 0) { put(t, &len, "\n"); }
    }
    return len;
}

/* Replaces a random stretch of t[0, n) (any bytes, possibly none) with a
 * few random lines, as a flush changes a few lines of one master; returns
 * the new length. */
static size_t edit_text(char *t, size_t n) {
    static char mid[TEXT_MAX], rest[TEXT_MAX];
    size_t a = below((uint32_t)n + 1), b = a + below((uint32_t)(n - a) + 1);
    if (below(2) == 0) { b = a + (n - a < 40 ? n - a : below(40)); }
    size_t m = random_text(mid, false, 3), r = n - b;
    if (a + m + r >= TEXT_MAX) { return n; }
    memcpy(rest, t + b, r);
    memcpy(t + a, mid, m);
    memcpy(t + a + m, rest, r);
    return a + m + r;
}

/* ---------------------------------------------------------------- the tests */

/* A workspace, and its twin that keeps no copy of the new lines: the twin
 * reads every new line at every rewrite, and so never substitutes lines,
 * yet must end every rewrite with the same index and keys. */
struct seq {
    struct core__conf_rw *rw, *twin;
    char *pool, *twin_pool, *prev;
    char cur[TEXT_MAX * 4], kept[TEXT_MAX * 4], fresh[TEXT_MAX * 4], slow[TEXT_MAX * 4];
    char twin_out[TEXT_MAX * 4];
    size_t cur_len;
};

static struct seq *seq_new(size_t pool_cap) {
    struct seq *q = calloc(1, sizeof(*q));
    assert_non_null(q);
    q->rw = malloc(sizeof(*q->rw));
    q->twin = malloc(sizeof(*q->twin));
    q->pool = malloc(pool_cap);
    q->twin_pool = malloc(pool_cap);
    q->prev = malloc(TEXT_MAX);
    assert_true(q->rw != NULL && q->twin != NULL && q->twin_pool != NULL);
    assert_non_null(q->pool);
    assert_non_null(q->prev);
    core__conf_rw_init(q->rw, q->pool, pool_cap, q->prev, TEXT_MAX);
    core__conf_rw_init(q->twin, q->twin_pool, pool_cap, NULL, 0);
    return q;
}

static void seq_free(struct seq *q) {
    free(q->prev);
    free(q->twin_pool);
    free(q->pool);
    free(q->twin);
    free(q->rw);
    free(q);
}

static void seq_forget(struct seq *q) {
    core__conf_rw_forget(q->rw);
    core__conf_rw_forget(q->twin);
}

static void same_line(const struct core__conf_line *a, const struct core__conf_line *b) {
    assert_int_equal(a->off, b->off);
    assert_int_equal(a->len, b->len);
    assert_int_equal(a->key, b->key);
    assert_int_equal(a->next, b->next);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->sentinel_key, b->sentinel_key);
    assert_int_equal(a->placed, b->placed);
}

/* After a successful rewrite the workspace and its twin describe the same
 * file and the same new lines with the same keys. */
static void same_state(const struct core__conf_rw *a, const struct core__conf_rw *b) {
    assert_int_equal(a->indexed, b->indexed);
    assert_int_equal(a->too_long, b->too_long);
    assert_int_equal(a->has_signature, b->has_signature);
    assert_int_equal(a->old_len, b->old_len);
    for (uint32_t i = 0; i < a->old_len; i++) {
        same_line(&a->old[i], &b->old[i]);
    }
    assert_int_equal(a->neu_len, b->neu_len);
    for (uint32_t j = 0; j < a->neu_len; j++) {
        same_line(&a->neu[j], &b->neu[j]);
        /* Where each new line went matters only to the substitution. */
        if (a->same_shape) { assert_int_equal(a->neu_at[j], b->neu_at[j]); }
    }
    assert_int_equal(a->stamp, b->stamp);
    assert_int_equal(a->keys_len, b->keys_len);
    for (uint32_t k = 0; k < a->keys_len; k++) {
        const struct core__conf_key *x = &a->keys[k], *y = &b->keys[k];
        assert_true(x->hash == y->hash && x->off == y->off && x->len == y->len);
        assert_true(x->stamp == y->stamp && x->head == y->head && x->tail == y->tail);
    }
    assert_memory_equal(a->slots, b->slots, sizeof(a->slots));
    assert_int_equal(a->pool_len, b->pool_len);
    assert_memory_equal(a->pool, b->pool, a->pool_len);
}

/* One rewrite of q->cur with new lines neu, through the kept index (and
 * its twin), from scratch and by the oracle, into an output of `cap`
 * bytes: all must agree. On success the result becomes q->cur. */
static void seq_step(struct seq *q, const char *neu, size_t neu_len, size_t cap) {
    struct core__buf kept, fresh, twin;
    struct o_out slow = {.p = q->slow, .cap = cap};
    core__buf_init(&kept, q->kept, cap);
    core__buf_init(&fresh, q->fresh, cap);
    core__buf_init(&twin, q->twin_out, cap);
    int rk = core__conf_rw_rewrite(q->rw, q->cur, q->cur_len, neu, neu_len, &kept);
    int rt = core__conf_rw_rewrite(q->twin, q->cur, q->cur_len, neu, neu_len, &twin);
    int rf = core__conf_rewrite(q->cur, q->cur_len, neu, neu_len, &fresh);
    int rs = oracle(q->cur, q->cur_len, neu, neu_len, &slow);
    assert_int_equal(rk, rs);
    assert_int_equal(rf, rs);
    assert_int_equal(rt, rs);
    if (rk != CORE_OK) { return; }
    assert_int_equal(kept.len, slow.len);
    assert_int_equal(fresh.len, slow.len);
    assert_int_equal(twin.len, slow.len);
    assert_memory_equal(q->kept, q->slow, slow.len);
    assert_memory_equal(q->fresh, q->slow, slow.len);
    assert_memory_equal(q->twin_out, q->slow, slow.len);
    same_state(q->rw, q->twin);
    memcpy(q->cur, q->kept, kept.len);
    q->cur_len = kept.len;
}

/* Goal: a kept index gives the same text as indexing from scratch and as
 * the rules, over long random sequences of rewrites that add, drop, reorder
 * and edit lines, including failed rewrites (a bad new line, an output
 * that does not fit) after which the file stays as it was. Method: 300
 * random starting files, 12 rewrites each, mostly small edits of the
 * previous new lines (what the kept new lines are for), differential. */
static void test_confrw_kept_index_matches_from_scratch(void **state) {
    (void)state;
    core__rng_seed(&rng, 8);
    static char neu[TEXT_MAX];
    struct seq *q = seq_new(4 * TEXT_MAX);
    size_t n = 0;
    for (int run = 0; run < 300; run++) {
        q->cur_len = random_text(q->cur, true, 30);
        seq_forget(q);
        for (int step = 0; step < 12; step++) {
            n = below(3) == 0 ? random_text(neu, false, 40) : edit_text(neu, n);
            if (below(25) == 0 && n > 0) { neu[below((uint32_t)n)] = '"'; }
            size_t cap = below(12) == 0 ? below((uint32_t)(q->cur_len + n + 2)) + 1 : TEXT_MAX * 4;
            seq_step(q, neu, n, cap);
        }
    }
    seq_free(q);
}

/* Goal: a workspace whose keys fill its pool forgets the unused ones and
 * re-indexes its file instead of failing, and still agrees with the
 * oracles. Method: a pool of twice the largest text, and 400 rewrites whose
 * new lines each bring keys never seen before. */
static void test_confrw_forgets_keys_when_the_pool_fills(void **state) {
    (void)state;
    static char neu[TEXT_MAX];
    struct seq *q = seq_new(2 * TEXT_MAX * 4);
    q->cur_len = 0;
    for (int step = 0; step < 400; step++) {
        size_t n = 0;
        for (int k = 0; k < 40; k++) {
            char line[128];
            snprintf(line, sizeof(line), "sentinel key-%d-%d-%s m 1\nport%d 1\n", step, k,
                     "padding-padding-padding-padding-padding", k);
            put(neu, &n, line);
        }
        seq_step(q, neu, n, TEXT_MAX * 4);
    }
    seq_free(q);
}

/* Goal: the kept index keeps the engine's line limit: a file the rewrite
 * made longer than CORE__CONF_LINES_MAX lines cannot be rewritten again,
 * exactly as if it had been indexed from scratch. Method: append lines up
 * to the limit through a kept index; then rewrite the result both through
 * it and after core__conf_rw_forget() (the one-shot form's key store is
 * too small for these many keys). */
static void test_confrw_too_many_lines_stays_refused(void **state) {
    (void)state;
    size_t cap = (size_t)CORE__CONF_LINES_MAX * 16;
    char *neu = malloc(cap), *a = malloc(cap), *b = malloc(cap), *pool = malloc(2 * cap);
    char *neu_prev = malloc(cap);
    struct core__conf_rw *rw = malloc(sizeof(*rw));
    assert_true(neu != NULL && a != NULL && b != NULL && pool != NULL && rw != NULL);
    assert_non_null(neu_prev);
    size_t n = 0;
    for (uint32_t k = 0; k < CORE__CONF_LINES_MAX - 2; k++) {
        n += (size_t)snprintf(neu + n, cap - n, "sentinel k%u\n", k);
    }
    core__conf_rw_init(rw, pool, 2 * cap, neu_prev, cap);
    struct core__buf out;
    core__buf_init(&out, a, cap);
    /* The signature, the lines and the empty line after the final newline:
     * exactly the limit. */
    assert_int_equal(core__conf_rw_rewrite(rw, "", 0, neu, n, &out), CORE_OK);
    size_t len = out.len;
    n += (size_t)snprintf(neu + n, cap - n, "one-more 1\n");
    for (int forget = 0; forget < 2; forget++) {
        if (forget) { core__conf_rw_forget(rw); }
        core__buf_init(&out, b, cap);
        assert_int_equal(core__conf_rw_rewrite(rw, a, len, neu, n, &out), CORE_OK);
    }
    /* Now a blank line and one more line: over the limit. */
    memcpy(a, b, out.len);
    len = out.len;
    for (int forget = 0; forget < 2; forget++) {
        if (forget) { core__conf_rw_forget(rw); }
        core__buf_init(&out, b, cap);
        assert_int_equal(core__conf_rw_rewrite(rw, a, len, "", 0, &out), CORE_E_LIMIT);
    }
    free(rw);
    free(pool);
    free(neu_prev);
    free(neu);
    free(a);
    free(b);
}

/* New lines of the generator's form: `lines` joined by LFs. */
static size_t join_lines(char *t, char lines[][64], uint32_t n) {
    size_t len = 0;
    for (uint32_t i = 0; i < n; i++) {
        put(t, &len, lines[i]);
        put(t, &len, "\n");
    }
    return len;
}

/* Inserts a known-replica line of a random master at a random place. */
static void add_replica_line(char lines[][64], uint32_t *n, uint32_t serial) {
    uint32_t at = below(*n + 1);
    memmove(lines[at + 1], lines[at], (*n - at) * sizeof(lines[0]));
    snprintf(lines[at], sizeof(lines[0]), "sentinel known-replica m%u 10.0.0.%u 6379", below(3),
             serial);
    (*n)++;
}

/* Goal: core__conf_rw_rewrite_steps() writes what the rewrites it stands
 * for would have written one after the other, down to the blank line each
 * left before the next one's appended line, and refuses new lines that do
 * not append one line per step. Method: 300 random files (hand-edited
 * lines included); new lines of the generator's form; a first rewrite
 * adds one known-replica line, then 1 to 5 more are added one at a time at
 * random places; the chain of one-shot rewrites is the oracle. */
static void test_confrw_steps_match_one_by_one(void **state) {
    (void)state;
    core__rng_seed(&rng, 9);
    static char neu[TEXT_MAX], chain[TEXT_MAX * 4], lines[64][64];
    static const char *const kw[][2] = {
        {"monitor", "10.0.0.1 6379 2"}, {"config-epoch", "7"}, {"known-sentinel", "10.0.0.9 1 a"}};
    struct seq *q = seq_new(4 * TEXT_MAX);
    for (int run = 0; run < 300; run++) {
        uint32_t n = 0, serial = 0;
        for (uint32_t k = below(8); k > 0; k--) {
            uint32_t w = below(3);
            snprintf(lines[n++], sizeof(lines[0]), "sentinel %s m%u %s", kw[w][0], below(3),
                     kw[w][1]);
        }
        q->cur_len = random_text(q->cur, true, 30);
        seq_forget(q);
        add_replica_line(lines, &n, serial++);
        size_t len = join_lines(neu, lines, n);
        seq_step(q, neu, len, TEXT_MAX * 4);
        memcpy(chain, q->cur, q->cur_len);
        size_t chain_len = q->cur_len;
        uint32_t steps = 1 + below(5);
        for (uint32_t k = 0; k < steps; k++) {
            add_replica_line(lines, &n, serial++);
            len = join_lines(neu, lines, n);
            struct core__buf b;
            core__buf_init(&b, q->fresh, sizeof(q->fresh));
            assert_int_equal(core__conf_rewrite(chain, chain_len, neu, len, &b), CORE_OK);
            memcpy(chain, q->fresh, b.len);
            chain_len = b.len;
        }
        struct core__buf out, twin;
        core__buf_init(&out, q->kept, sizeof(q->kept));
        core__buf_init(&twin, q->twin_out, sizeof(q->twin_out));
        bool wrong = below(8) == 0;
        uint32_t claimed = steps + (wrong ? 1 : 0);
        int rc = core__conf_rw_rewrite_steps(q->rw, q->cur, q->cur_len, neu, len, claimed, &out);
        int rt = core__conf_rw_rewrite_steps(q->twin, q->cur, q->cur_len, neu, len, claimed, &twin);
        assert_int_equal(rt, rc);
        if (wrong) {
            assert_int_equal(rc, CORE_E_CONFIG);
            continue;
        }
        assert_int_equal(rc, CORE_OK);
        assert_int_equal(out.len, chain_len);
        assert_memory_equal(q->kept, chain, chain_len);
        assert_memory_equal(q->twin_out, chain, chain_len);
        same_state(q->rw, q->twin);
    }
    seq_free(q);
}

/* ---------------------------------------------------------------- same-shape rewrites */

/* A new line of the generator's kind, as its parts: a key spelling, a
 * master, a value and a style. Spellings come in pairs with the same key:
 * a value change may switch between them. */
struct shaped {
    uint32_t kind, master, value, style;
};

#define STYLE_LEAD   1u  /* a leading blank */
#define STYLE_TRAIL  2u  /* a trailing space */
#define STYLE_QUOTE  4u  /* a quoted value */
#define STYLE_EMPTY  8u  /* no value, as `sentinel auth-pass m ` */
#define STYLE_OTHER  16u /* the other spelling of the pair */
#define STYLE_RANDOM 32u /* any of the above */

static const char *const shape_kw[][2] = {
    {"sentinel config-epoch", "SENTINEL Config-Epoch"},
    {"sentinel leader-epoch", "Sentinel leader-epoch"},
    {"sentinel known-replica", "sentinel KNOWN-REPLICA"},
    {"sentinel monitor", "sentinel\tmonitor"},
    {"sentinel auth-pass", "sentinel auth-pass"},
    {"sentinel known-slave", "sentinel Known-Slave"},
    {"port", "PORT"},
    /* The same key, once with its sentinel flag and once without. */
    {"sentinel x", "'sentinel x'"},
    /* The same key "#x", once a directive and once a line that reads back
     * as a comment, so that it never keeps the slot it took. */
    {"'#x'", " #x"},
};

static void shaped_render(const struct shaped *l, char *t, size_t *len) {
    char v[48];
    if ((l->style & STYLE_LEAD) != 0) { put(t, len, " "); }
    put(t, len, shape_kw[l->kind][(l->style & STYLE_OTHER) != 0]);
    snprintf(v, sizeof(v), " m%u ", l->master);
    put(t, len, v);
    if ((l->style & STYLE_EMPTY) == 0) {
        if ((l->style & STYLE_QUOTE) != 0) {
            snprintf(v, sizeof(v), "\"v %u\"", l->value);
        } else {
            snprintf(v, sizeof(v), "%u", l->value);
        }
        put(t, len, v);
    }
    if ((l->style & STYLE_TRAIL) != 0) { put(t, len, " "); }
}

static void shaped_value(struct shaped *l) {
    l->value = below(1000);
    if (below(4) == 0) { l->style = below(3) == 0 ? below(STYLE_RANDOM) : 0; }
}

static void shaped_random(struct shaped *l) {
    uint32_t kinds = sizeof(shape_kw) / sizeof(shape_kw[0]);
    l->kind = below(60) == 0 ? kinds - 1 : below(kinds - 1);
    l->master = below(4);
    shaped_value(l);
}

/* The new lines of the model, with an empty line here and there (skipped)
 * and sometimes no final newline. */
static size_t shaped_text(char *t, const struct shaped *ls, uint32_t n) {
    size_t len = 0;
    for (uint32_t i = 0; i < n; i++) {
        shaped_render(&ls[i], t, &len);
        put(t, &len, below(30) == 0 ? "\n\n" : "\n");
    }
    if (len > 0 && below(10) == 0) { len--; }
    return len;
}

/* A hand-edited old file: comments, blank runs, odd lines and some of the
 * model's lines in random order, so that new lines land out of order. */
static size_t shaped_old(char *t, const struct shaped *ls, uint32_t n) {
    size_t len = 0;
    uint32_t lines = below(20) + n;
    for (uint32_t i = 0; i < lines; i++) {
        if (below(3) == 0) {
            shaped_render(&ls[below(n)], t, &len);
        } else {
            random_line(t, &len, true);
        }
        put(t, &len, below(8) == 0 ? "\n\n\n" : "\n");
    }
    return len;
}

/* Mostly a flush's change: the values of a few lines (now and then all of
 * them, more than the shortcut takes); sometimes nothing; sometimes a line
 * added, dropped, moved or re-keyed. */
static void shaped_mutate(struct shaped *ls, uint32_t *n, uint32_t n_max) {
    uint32_t r = below(20);
    if (r < 13) {
        uint32_t changes = below(25) == 0 ? *n : 1 + below(3);
        for (uint32_t k = 0; k < changes; k++) {
            shaped_value(&ls[changes == *n ? k : below(*n)]);
        }
    } else if (r == 16 && *n < n_max) {
        uint32_t at = below(*n + 1);
        memmove(&ls[at + 1], &ls[at], (*n - at) * sizeof(ls[0]));
        shaped_random(&ls[at]);
        (*n)++;
    } else if (r == 17 && *n > 1) {
        uint32_t at = below(*n);
        memmove(&ls[at], &ls[at + 1], (*n - at - 1) * sizeof(ls[0]));
        (*n)--;
    } else if (r == 18 && *n > 1) {
        uint32_t at = below(*n - 1);
        struct shaped x = ls[at];
        ls[at] = ls[at + 1];
        ls[at + 1] = x;
    } else if (r == 19) {
        shaped_random(&ls[below(*n)]);
    }
}

/* An output cap for a rewrite of a file of old_len bytes with new lines of
 * new_len: now and then too small for anything, or about the old size, so
 * that a few bytes more do not fit. */
static size_t shaped_cap(size_t old_len, size_t new_len) {
    uint32_t r = below(15);
    if (r == 0) { return below((uint32_t)(old_len + new_len + 2)) + 1; }
    if (r == 1) { return old_len + 1 + below(8); }
    return TEXT_MAX * 4;
}

/* Goal: a rewrite whose new lines have the last ones' keys in the same
 * order, which the workspace does by substituting the changed lines,
 * writes what the full pass writes and leaves the same index, keys and
 * stamps; and the shortcut is taken where it applies. Method: 150 runs of
 * 40 rewrites of a model of up to 80 generator lines (trailing spaces,
 * empty values, quotes, other spellings of a key, a key with and without
 * its sentinel flag, a line that reads back as a comment) over a
 * hand-edited old file, mostly changing values; now and then an output
 * cap too small or random new lines. Differential against the oracles and
 * the twin that never substitutes, and the count of substituting rewrites
 * checked. */
static void test_confrw_same_shape_substitutes_lines(void **state) {
    (void)state;
    core__rng_seed(&rng, 10);
    static char neu[TEXT_MAX];
    static struct shaped ls[80];
    const uint32_t n_max = sizeof(ls) / sizeof(ls[0]);
    struct seq *q = seq_new(4 * TEXT_MAX);
    uint32_t rewrites = 0;
    for (int run = 0; run < 150; run++) {
        uint32_t n = 1 + below(n_max);
        for (uint32_t i = 0; i < n; i++) {
            shaped_random(&ls[i]);
        }
        q->cur_len = shaped_old(q->cur, ls, n);
        seq_forget(q);
        for (int step = 0; step < 40; step++, rewrites++) {
            shaped_mutate(ls, &n, n_max);
            size_t len = below(50) == 0 ? random_text(neu, false, 40) : shaped_text(neu, ls, n);
            seq_step(q, neu, len, shaped_cap(q->cur_len, len));
        }
    }
    /* About half of them here (3151 of 6000): the others follow a change
     * of shape, a failure or new lines the shortcut does not take. */
    assert_true(q->rw->substituted >= rewrites / 3);
    assert_int_equal(q->twin->substituted, 0);
    seq_free(q);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confrw_kept_index_matches_from_scratch),
        cmocka_unit_test(test_confrw_forgets_keys_when_the_pool_fills),
        cmocka_unit_test(test_confrw_too_many_lines_stays_refused),
        cmocka_unit_test(test_confrw_steps_match_one_by_one),
        cmocka_unit_test(test_confrw_same_shape_substitutes_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
