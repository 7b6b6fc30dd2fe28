/* buf.c: the bounded string builder (see buf.h).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/buf.h"

#include <stdio.h>
#include <string.h>

#include "core/check.h"

void core__buf_init(struct core__buf *b, char *mem, size_t cap) {
    CORE_ASSERT(b != NULL);
    CORE_ASSERT(mem != NULL);
    CORE_ASSERT(cap >= 1);
    b->data = mem;
    b->cap = cap;
    core__buf_reset(b);
}

void core__buf_reset(struct core__buf *b) {
    CORE_ASSERT(b != NULL);
    CORE_ASSERT(b->cap >= 1);
    b->len = 0;
    b->overflow = false;
    b->data[0] = '\0';
}

int core__buf_putn(struct core__buf *b, const char *s, size_t n) {
    CORE_ASSERT(b != NULL);
    CORE_ASSERT(b->len < b->cap);
    CORE_ASSERT(s != NULL || n == 0);
    if (b->overflow) { return -1; }
    if (n > b->cap - 1 - b->len) {
        b->overflow = true;
        return -1;
    }
    if (n > 0) { memcpy(b->data + b->len, s, n); }
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int core__buf_putc(struct core__buf *b, char c) {
    return core__buf_putn(b, &c, 1);
}

int core__buf_puts(struct core__buf *b, const char *s) {
    CORE_ASSERT(s != NULL);
    return core__buf_putn(b, s, strlen(s));
}

int core__buf_putu64(struct core__buf *b, unsigned long long v) {
    char digits[24];
    size_t n = sizeof(digits);
    do {
        digits[--n] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    CORE_ASSERT(n > 0 && n < sizeof(digits));
    return core__buf_putn(b, digits + n, sizeof(digits) - n);
}

int core__buf_vappendf(struct core__buf *b, const char *fmt, va_list ap) {
    CORE_ASSERT(b != NULL);
    CORE_ASSERT(fmt != NULL);
    CORE_ASSERT(b->len < b->cap);
    if (b->overflow) { return -1; }
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    if (n < 0 || (size_t)n >= room) {
        /* vsnprintf wrote a truncated prefix: undo it, the append is all or nothing. */
        b->data[b->len] = '\0';
        b->overflow = true;
        return -1;
    }
    b->len += (size_t)n;
    CORE_ASSERT(b->data[b->len] == '\0');
    return 0;
}

int core__buf_appendf(struct core__buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = core__buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}
