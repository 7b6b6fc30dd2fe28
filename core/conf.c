/* conf.c: config-file words, directives and quoting (see conf.h).
 *
 * Method: the splitter is a byte-at-a-time state machine over an explicit
 * length, decoding into the caller's scratch buffer (a decoded word is never
 * longer than its source, so len + 1 bytes always suffice).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/conf.h"

#include <string.h>

#include "core/check.h"
#include "core/core.h"

/* ---------------------------------------------------------------- splitting */

static int hex_val(char c) {
    if (c >= '0' && c <= '9') { return c - '0'; }
    if (c >= 'a' && c <= 'f') { return c - 'a' + 10; }
    if (c >= 'A' && c <= 'F') { return c - 'A' + 10; }
    return -1;
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
    CORE_ASSERT(!core__conf_is_space(s[*i]) && s[*i] != '\0');
    size_t p = *i, o = 0;
    int quote = 0; /* 0, '"' or '\'' */
    for (;;) {
        char c = at(s, len, p);
        if (quote == 0 && core__conf_is_sep(c)) { break; }
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
            if (next != '\0' && !core__conf_is_space(next)) { return -1; }
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
    while (p < len && !core__conf_is_sep(s[p])) {
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
        while (i < len && line[i] != '\0' && core__conf_is_space(line[i])) {
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
        if (core__conf_lower(args->argv[i][k]) != lower_word[k]) { return false; }
    }
    return true;
}

/* ---------------------------------------------------------------- iterating */

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
    core__conf_trim(&it->line, &it->line_len);
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
            w[k] = core__conf_lower(w[k]);
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
