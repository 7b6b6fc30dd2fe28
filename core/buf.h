/* buf.h: a bounded string builder over caller-owned memory.
 *
 * Method: the core allocates nothing after start-up, so every text it
 * produces (hello payloads, event texts, config files) is built in a fixed
 * buffer. An append that does not fit in full writes nothing, sets the
 * sticky `overflow` flag and turns every later append into a no-op, so a
 * caller can build a whole text and check once at the end (hiredis-style
 * sticky error). The text is always NUL-terminated and never written past
 * `cap`.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_BUF_H
#define SENTSIM_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct core__buf {
    char *data;    /* caller memory; data[len] is always '\0' */
    size_t len;    /* bytes of text, excluding the NUL */
    size_t cap;    /* bytes of memory at data; len <= cap - 1 */
    bool overflow; /* sticky: an append did not fit; the text stops before it */
};

/* Starts an empty text in mem[0..cap). cap must be at least 1 (asserted). */
void core__buf_init(struct core__buf *b, char *mem, size_t cap);

/* Empties the text and clears the overflow flag (same memory). */
void core__buf_reset(struct core__buf *b);

/* Appends one byte. Returns 0, or -1 if the buffer is (now) overflowed. */
int core__buf_putc(struct core__buf *b, char c);

/* Appends the NUL-terminated string s. Returns 0 or -1 (overflow). */
int core__buf_puts(struct core__buf *b, const char *s);

/* Appends n bytes from s (which may contain NULs). Returns 0 or -1. */
int core__buf_putn(struct core__buf *b, const char *s, size_t n);

/* Appends v in decimal, as "%llu" would, without the cost of a format
 * string (hot paths: hello payloads). Returns 0 or -1 (overflow). */
int core__buf_putu64(struct core__buf *b, unsigned long long v);

/* Appends printf-formatted text (vsnprintf). Returns 0 or -1 (overflow or
 * an encoding error, which is treated as an overflow). */
int core__buf_appendf(struct core__buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The va_list form of core__buf_appendf(). */
int core__buf_vappendf(struct core__buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
