/* json.h: the strict, bounded JSON reader and writer behind reports' files.
 *
 * Method: every file reports/ reads is JSON Lines whose objects are flat:
 * string, integer, boolean and array-of-string values only. So the parser
 * is a single pass over one line into a fixed table of fields, with every
 * decoded string copied into the object's own buffer; anything else (floats,
 * nesting, duplicate keys, raw control characters, trailing bytes) is an
 * error with the 1-based column where it was found.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_JSON_H
#define SENTSIM_REPORTS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REP__JSON_FIELDS_MAX 16
#define REP__JSON_KEY_MAX    32
#define REP__JSON_LINE_MAX   (64u * 1024u) /* header records; event lines have their own limit */

enum rep__json_type {
    REP__JSON_STRING,
    REP__JSON_INT,
    REP__JSON_BOOL,
    REP__JSON_ARRAY, /* of strings */
};

struct rep__json_field {
    char key[REP__JSON_KEY_MAX];
    enum rep__json_type type;
    uint32_t col;    /* 1-based column of the value */
    int64_t num;     /* INT (values beyond int64 are errors) */
    bool flag;       /* BOOL */
    const char *str; /* STRING; ARRAY: the first of arr_len NUL-separated strings */
    uint32_t arr_len;
};

struct rep__json_obj {
    uint32_t len;
    struct rep__json_field fields[REP__JSON_FIELDS_MAX];
    size_t used;
    char buf[REP__JSON_LINE_MAX + 1]; /* decoded strings; never longer than the line */
};

/* Parses one line (without '\n'). Returns 0, or -1 with *col and msg set. */
int rep__json_parse(const char *line,
                    size_t len,
                    struct rep__json_obj *obj,
                    uint32_t *col,
                    char *msg,
                    size_t msglen);

/* The field named key, or NULL. */
const struct rep__json_field *rep__json_get(const struct rep__json_obj *obj, const char *key);

/* Writes s as a JSON string literal (quotes included) into buf at *pos,
 * escaping quotes, backslashes and control characters. Returns 0, or -1
 * when buf (of size cap) is too small. */
int rep__json_str(char *buf, size_t cap, size_t *pos, const char *s);

/* Appends the n bytes at s, then a NUL, at *pos: the hot paths' printf-free
 * append. Returns 0, or -1 when it does not fit. */
int rep__json_put(char *buf, size_t cap, size_t *pos, const char *s, size_t n);

/* Appends v in decimal at *pos. Returns 0, or -1 when it does not fit. */
int rep__json_u64(char *buf, size_t cap, size_t *pos, unsigned long long v);

/* Appends printf-formatted text at *pos. Returns 0, or -1 when it does not fit. */
int rep__json_cat(char *buf, size_t cap, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reads one event record (event.h's JSON form) from a parsed line and
 * appends it to log; seq must equal log->len. Returns 0, or -1 with
 * "path:line:col: message" in err. */
struct rep_log;
int rep__event_parse(const char *path,
                     uint32_t line,
                     const struct rep__json_obj *obj,
                     struct rep_log *log,
                     char *err,
                     size_t errlen);

/* Whether a parsed line is one of runfile.h's header records. */
bool rep__json_is_header(const struct rep__json_obj *obj);

#endif
