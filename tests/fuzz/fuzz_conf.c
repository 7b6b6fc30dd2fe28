/* fuzz_conf.c: libFuzzer target for config splitting, iteration, quoting
 * and the CONFIG REWRITE engine (core/conf.c).
 *
 * Method: the input is cut at its first 0xff byte into an old file and a
 * set of new lines (no cut: both are the whole input). Checked:
 *   - every directive the iterator returns has argc within bounds and
 *     NUL-terminated words inside the scratch buffer, and each word written
 *     with core__conf_put_repr() splits back to the same bytes;
 *   - a rewrite never overflows silently, and when it succeeds every new
 *     line appears in the output as a whole line at least as often as in
 *     the new lines;
 *   - with well-formed new lines, rewriting the result again is stable from
 *     the second rewrite on (the first may add the final blank line).
 *
 * fuzz-sources: core/conf.c core/conf_rw.c core/buf.c core/check.c
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/core.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX (3 * 65536)

static struct core__conf_args args, back;
static char out1[OUT_MAX], out2[OUT_MAX], out3[OUT_MAX], repr[4 * CORE__CONF_LINE_MAX + 8];

static void check_words(void) {
    CHECK(args.argc <= CORE__CONF_ARGS_MAX);
    for (uint32_t i = 0; i < args.argc; i++) {
        const char *w = args.argv[i];
        CHECK(w >= args.scratch && w + args.argv_len[i] < args.scratch + sizeof(args.scratch));
        CHECK(w[args.argv_len[i]] == '\0');
        struct core__buf b;
        core__buf_init(&b, repr, sizeof(repr));
        CHECK(core__conf_put_repr(&b, w, args.argv_len[i]) == 0);
        CHECK(core__conf_split(b.data, b.len, &back) == CORE_OK);
        CHECK(back.argc == 1 && back.argv_len[0] == args.argv_len[i]);
        CHECK(memcmp(back.argv[0], w, args.argv_len[i]) == 0);
    }
}

static void iterate(const char *text, size_t len) {
    struct core__conf_iter it;
    core__conf_iter_init(&it, text, len);
    int rc;
    uint32_t last = 0;
    while ((rc = core__conf_next(&it, &args)) != 0) {
        CHECK(rc == 1 || rc == CORE_E_CONFIG || rc == CORE_E_LIMIT);
        CHECK(it.lineno > last);
        last = it.lineno;
        if (rc == 1) {
            CHECK(args.argc > 0);
            check_words();
        }
    }
}

/* Occurrences of line[0..n) as a whole line of text. */
static size_t count_line(const char *text, size_t len, const char *line, size_t n) {
    size_t hits = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t k = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        hits += k == n && memcmp(text + pos, line, n) == 0;
        pos += k + 1;
    }
    return hits;
}

/* New lines the engine promises to keep stable: printable, starting with a
 * letter, splittable. */
static bool well_formed(const char *neu, size_t len) {
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(neu + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (neu + pos)) : len - pos;
        const char *p = neu + pos;
        pos += n + 1;
        if (n == 0) { continue; }
        if (!((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))) { return false; }
        for (size_t i = 0; i < n; i++) {
            if (p[i] < 0x20 || p[i] > 0x7e) { return false; }
        }
    }
    return true;
}

static void check_lines_present(const char *neu, size_t len, const char *out, size_t out_len) {
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(neu + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (neu + pos)) : len - pos;
        if (n > 0) {
            CHECK(count_line(out, out_len, neu + pos, n) >= count_line(neu, len, neu + pos, n));
        }
        pos += n + 1;
    }
}

static size_t rewrite(
    const char *old, size_t old_len, const char *neu, size_t len, char *out, int *rc) {
    struct core__buf b;
    core__buf_init(&b, out, OUT_MAX);
    *rc = core__conf_rewrite(old, old_len, neu, len, &b);
    CHECK(b.len < OUT_MAX && out[b.len] == '\0');
    CHECK(*rc == CORE_OK || *rc == CORE_E_CONFIG || *rc == CORE_E_LIMIT);
    CHECK(*rc != CORE_OK || !b.overflow);
    CHECK(*rc != CORE_OK || b.len == 0 || out[b.len - 1] == '\n');
    return b.len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) { return 0; }
    const char *text = (const char *)data;
    const char *cut = memchr(text, 0xff, size);
    size_t old_len = cut != NULL ? (size_t)(cut - text) : size;
    const char *neu = cut != NULL ? cut + 1 : text;
    size_t neu_len = cut != NULL ? size - old_len - 1 : size;
    iterate(text, size);
    int rc;
    size_t n1 = rewrite(text, old_len, neu, neu_len, out1, &rc);
    if (rc != CORE_OK) { return 0; }
    check_lines_present(neu, neu_len, out1, n1);
    if (!well_formed(neu, neu_len)) { return 0; }
    size_t n2 = rewrite(out1, n1, neu, neu_len, out2, &rc);
    CHECK(rc == CORE_OK);
    size_t n3 = rewrite(out2, n2, neu, neu_len, out3, &rc);
    CHECK(rc == CORE_OK);
    CHECK(n2 == n3 && memcmp(out2, out3, n2) == 0);
    return 0;
}
