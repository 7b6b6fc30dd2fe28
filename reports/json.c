/* json.c: the strict, bounded JSON Lines reader and the string escaper.
 *
 * Method: see json.h. The reader walks the line once with an index; every
 * error names the column where the offending byte sits.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/json.h"

#include <stdarg.h>
#include <string.h>

#include "reports/rep_assert.h"

struct cursor {
    const char *s;
    size_t len;
    size_t i;
    struct rep__json_obj *obj;
    char *msg;
    size_t msglen;
};

static int fail(struct cursor *c, const char *what) {
    snprintf(c->msg, c->msglen, "%s", what);
    return -1;
}

static void skip_ws(struct cursor *c) {
    while (c->i < c->len && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\r')) {
        c->i++;
    }
}

static int hex4(struct cursor *c, uint32_t *out) {
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        if (c->i >= c->len) { return fail(c, "truncated \\u escape"); }
        char h = c->s[c->i];
        uint32_t d;
        if (h >= '0' && h <= '9') {
            d = (uint32_t)(h - '0');
        } else if (h >= 'a' && h <= 'f') {
            d = (uint32_t)(h - 'a' + 10);
        } else if (h >= 'A' && h <= 'F') {
            d = (uint32_t)(h - 'A' + 10);
        } else {
            return fail(c, "bad hex digit in \\u escape");
        }
        v = v * 16 + d;
        c->i++;
    }
    *out = v;
    return 0;
}

static void put(struct cursor *c, char ch) {
    /* The decoded form is never longer than the source line, which the buffer holds. */
    REP_ASSERT(c->obj->used < sizeof(c->obj->buf) - 1);
    c->obj->buf[c->obj->used++] = ch;
}

static void put_utf8(struct cursor *c, uint32_t cp) {
    if (cp < 0x80) {
        put(c, (char)cp);
    } else if (cp < 0x800) {
        put(c, (char)(0xc0 | (cp >> 6)));
        put(c, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        put(c, (char)(0xe0 | (cp >> 12)));
        put(c, (char)(0x80 | ((cp >> 6) & 0x3f)));
        put(c, (char)(0x80 | (cp & 0x3f)));
    } else {
        put(c, (char)(0xf0 | (cp >> 18)));
        put(c, (char)(0x80 | ((cp >> 12) & 0x3f)));
        put(c, (char)(0x80 | ((cp >> 6) & 0x3f)));
        put(c, (char)(0x80 | (cp & 0x3f)));
    }
}

static int escape(struct cursor *c) {
    if (c->i >= c->len) { return fail(c, "truncated escape"); }
    char e = c->s[c->i++];
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    const char *p = strchr(from, e);
    if (p != NULL && e != '\0') {
        put(c, to[p - from]);
        return 0;
    }
    if (e != 'u') {
        c->i--;
        return fail(c, "unknown escape");
    }
    uint32_t cp;
    if (hex4(c, &cp) < 0) { return -1; }
    if (cp >= 0xd800 && cp <= 0xdbff) {
        uint32_t lo;
        if (c->i + 2 > c->len || c->s[c->i] != '\\' || c->s[c->i + 1] != 'u') {
            return fail(c, "unpaired surrogate in \\u escape");
        }
        c->i += 2;
        if (hex4(c, &lo) < 0) { return -1; }
        if (lo < 0xdc00 || lo > 0xdfff) { return fail(c, "unpaired surrogate in \\u escape"); }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        return fail(c, "unpaired surrogate in \\u escape");
    }
    if (cp == 0) { return fail(c, "\\u0000 is not allowed"); }
    put_utf8(c, cp);
    return 0;
}

/* The length of the well-formed UTF-8 sequence at p (no overlongs,
 * surrogates or code points past U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail) {
    unsigned char b0 = p[0];
    size_t n = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 0;
    if (n == 0 || b0 > 0xf4 || n > avail) { return 0; }
    uint32_t cp = b0 & (0x7fu >> n);
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80) { return 0; }
        cp = (cp << 6) | (p[k] & 0x3fu);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) { return 0; }
    return n;
}

static int utf8(struct cursor *c) {
    size_t n = utf8_len((const unsigned char *)c->s + c->i, c->len - c->i);
    if (n == 0) { return fail(c, "invalid UTF-8"); }
    for (size_t k = 0; k < n; k++) {
        put(c, c->s[c->i++]);
    }
    return 0;
}

/* Parses a string literal at the cursor into the buffer; *out points at it. */
static int string(struct cursor *c, const char **out) {
    if (c->i >= c->len || c->s[c->i] != '"') { return fail(c, "expected a string"); }
    c->i++;
    *out = c->obj->buf + c->obj->used;
    for (;;) {
        if (c->i >= c->len) { return fail(c, "unterminated string"); }
        unsigned char ch = (unsigned char)c->s[c->i];
        if (ch == '"') {
            c->i++;
            put(c, '\0');
            return 0;
        }
        if (ch < 0x20) { return fail(c, "raw control character in string"); }
        if (ch >= 0x80) {
            if (utf8(c) < 0) { return -1; }
            continue;
        }
        c->i++;
        if (ch == '\\') {
            if (escape(c) < 0) { return -1; }
        } else {
            put(c, (char)ch);
        }
    }
}

static int number(struct cursor *c, int64_t *out) {
    bool neg = false;
    if (c->i < c->len && c->s[c->i] == '-') {
        neg = true;
        c->i++;
    }
    size_t start = c->i;
    uint64_t v = 0;
    while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        uint64_t d = (uint64_t)(c->s[c->i] - '0');
        if (v > (UINT64_C(9223372036854775807) - d) / 10) {
            return fail(c, "integer out of range");
        }
        v = v * 10 + d;
        c->i++;
    }
    if (c->i == start) { return fail(c, "expected a value"); }
    if (c->i - start > 1 && c->s[start] == '0') {
        c->i = start;
        return fail(c, "leading zero in number");
    }
    if (c->i < c->len && (c->s[c->i] == '.' || c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        return fail(c, "numbers must be integers");
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

static int literal(struct cursor *c, const char *word) {
    size_t n = strlen(word);
    if (c->i + n > c->len || memcmp(c->s + c->i, word, n) != 0) {
        return fail(c, "expected a value");
    }
    c->i += n;
    return 0;
}

static int array(struct cursor *c, struct rep__json_field *f) {
    c->i++; /* '[' */
    f->str = c->obj->buf + c->obj->used;
    f->arr_len = 0;
    skip_ws(c);
    if (c->i < c->len && c->s[c->i] == ']') {
        c->i++;
        return 0;
    }
    for (;;) {
        const char *item;
        skip_ws(c);
        if (string(c, &item) < 0) { return -1; }
        f->arr_len++;
        skip_ws(c);
        if (c->i < c->len && c->s[c->i] == ',') {
            c->i++;
            continue;
        }
        if (c->i < c->len && c->s[c->i] == ']') {
            c->i++;
            return 0;
        }
        return fail(c, "expected ',' or ']' in array");
    }
}

static int value(struct cursor *c, struct rep__json_field *f) {
    if (c->i >= c->len) { return fail(c, "expected a value"); }
    char ch = c->s[c->i];
    f->col = (uint32_t)c->i + 1;
    if (ch == '"') {
        f->type = REP__JSON_STRING;
        return string(c, &f->str);
    }
    if (ch == '[') {
        f->type = REP__JSON_ARRAY;
        return array(c, f);
    }
    if (ch == 't' || ch == 'f') {
        f->type = REP__JSON_BOOL;
        f->flag = ch == 't';
        return literal(c, ch == 't' ? "true" : "false");
    }
    if (ch == '{') { return fail(c, "nested objects are not allowed"); }
    f->type = REP__JSON_INT;
    return number(c, &f->num);
}

static int member(struct cursor *c) {
    const char *key;
    size_t key_at = c->i;
    if (string(c, &key) < 0) { return -1; }
    if (strlen(key) >= REP__JSON_KEY_MAX) {
        c->i = key_at;
        return fail(c, "key too long");
    }
    if (rep__json_get(c->obj, key) != NULL) {
        c->i = key_at;
        return fail(c, "duplicate key");
    }
    if (c->obj->len == REP__JSON_FIELDS_MAX) {
        c->i = key_at;
        return fail(c, "too many fields");
    }
    struct rep__json_field *f = &c->obj->fields[c->obj->len];
    memset(f, 0, sizeof(*f));
    snprintf(f->key, sizeof(f->key), "%s", key);
    skip_ws(c);
    if (c->i >= c->len || c->s[c->i] != ':') { return fail(c, "expected ':'"); }
    c->i++;
    skip_ws(c);
    if (value(c, f) < 0) { return -1; }
    c->obj->len++;
    return 0;
}

int rep__json_parse(const char *line,
                    size_t len,
                    struct rep__json_obj *obj,
                    uint32_t *col,
                    char *msg,
                    size_t msglen) {
    REP_ASSERT(line != NULL);
    REP_ASSERT(obj != NULL);
    struct cursor c = {line, len, 0, obj, msg, msglen};
    obj->len = 0;
    obj->used = 0;
    int rc = -1;
    if (len > REP__JSON_LINE_MAX) {
        rc = fail(&c, "line too long");
        goto done;
    }
    skip_ws(&c);
    if (c.i >= len || line[c.i] != '{') {
        rc = fail(&c, "expected '{'");
        goto done;
    }
    c.i++;
    skip_ws(&c);
    if (c.i < len && line[c.i] == '}') {
        c.i++;
    } else {
        for (;;) {
            skip_ws(&c);
            if (member(&c) < 0) { goto done; }
            skip_ws(&c);
            if (c.i < len && line[c.i] == ',') {
                c.i++;
                continue;
            }
            if (c.i < len && line[c.i] == '}') {
                c.i++;
                break;
            }
            rc = fail(&c, "expected ',' or '}'");
            goto done;
        }
    }
    skip_ws(&c);
    if (c.i != len) {
        rc = fail(&c, "trailing characters after the object");
        goto done;
    }
    rc = 0;
done:
    *col = (uint32_t)c.i + 1;
    return rc;
}

const struct rep__json_field *rep__json_get(const struct rep__json_obj *obj, const char *key) {
    for (uint32_t i = 0; i < obj->len; i++) {
        if (strcmp(obj->fields[i].key, key) == 0) { return &obj->fields[i]; }
    }
    return NULL;
}

int rep__json_cat(char *buf, size_t cap, size_t *pos, const char *fmt, ...) {
    REP_ASSERT(*pos <= cap);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, cap - *pos, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *pos) { return -1; }
    *pos += (size_t)n;
    return 0;
}

int rep__json_put(char *buf, size_t cap, size_t *pos, const char *s, size_t n) {
    REP_ASSERT(*pos <= cap);
    if (n >= cap - *pos) { return -1; }
    memcpy(buf + *pos, s, n);
    *pos += n;
    buf[*pos] = '\0';
    return 0;
}

int rep__json_u64(char *buf, size_t cap, size_t *pos, unsigned long long v) {
    char digits[20];
    size_t n = 0;
    do {
        digits[sizeof(digits) - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return rep__json_put(buf, cap, pos, digits + sizeof(digits) - n, n);
}

/* The escape of an ASCII byte, or NULL when it passes through as it is. */
static const char *ascii_escape(unsigned char c, char spare[7]) {
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\t':
        return "\\t";
    default:
        break;
    }
    if (c >= 0x20 && c != 0x7f) { return NULL; }
    snprintf(spare, 7, "\\u%04x", c);
    return spare;
}

int rep__json_str(char *buf, size_t cap, size_t *pos, const char *s) {
    if (rep__json_put(buf, cap, pos, "\"", 1) < 0) { return -1; }
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        /* Runs of plain bytes are copied at once. */
        size_t run = 0;
        char spare[7];
        while (p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\') {
            run++;
        }
        if (run > 0) {
            if (rep__json_put(buf, cap, pos, (const char *)p, run) < 0) { return -1; }
            p += run;
            continue;
        }
        int rc;
        if (*p < 0x80) {
            const char *esc = ascii_escape(*p, spare);
            rc = rep__json_put(buf, cap, pos, esc, strlen(esc));
            p++;
        } else {
            /* UTF-8 passes through; a byte that is not (from a real log) becomes '?',
             * so that whatever we write, we can read back within the same bounds. */
            size_t n = utf8_len(p, strlen((const char *)p));
            rc = n == 0 ? rep__json_put(buf, cap, pos, "?", 1)
                        : rep__json_put(buf, cap, pos, (const char *)p, n);
            p += n == 0 ? 1 : n;
        }
        if (rc < 0) { return -1; }
    }
    return rep__json_put(buf, cap, pos, "\"", 1);
}
