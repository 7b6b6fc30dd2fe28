/* sentinel_conf.c: the process directives of a sentinel config file.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real/sentinel_conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "real/check.h"
#include "real/resp.h"
#include "real/sentinel_directives.h"

#define CONF_WORDS_MAX 64
#define CONF_TEXT_MAX  (16u << 20)

static bool is_trim(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Finds line `lineno`'s trimmed extent. */
static void line_extent(const char *text, size_t len, size_t start, size_t *b, size_t *e) {
    size_t end = start;
    while (end < len && text[end] != '\n') {
        end++;
    }
    size_t first = start;
    while (first < end && is_trim(text[first])) {
        first++;
    }
    while (end > first && is_trim(text[end - 1])) {
        end--;
    }
    *b = first;
    *e = end;
}

void real_sentinel_conf_line(
    const char *text, size_t len, uint32_t lineno, char *out, size_t outlen) {
    size_t pos = 0;
    for (uint32_t n = 1; n < lineno && pos < len; n++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        pos = nl == NULL ? len : (size_t)(nl - text) + 1;
    }
    size_t b, e;
    line_extent(text, len, pos, &b, &e);
    snprintf(out, outlen, "%.*s", (int)(e - b), text + b);
}

static char *dup_word(const char *w) {
    char *d = strdup(w);
    REAL_ASSERT(d != NULL);
    return d;
}

static void set_str(char **slot, const char *w) {
    free(*slot);
    *slot = dup_word(w);
}

/* Sets a level the validator accepted (one of Redis's four names). */
static void set_loglevel(struct real_sentinel_conf *conf, const char *w) {
    static const char *const names[] = {"debug", "verbose", "notice", "warning"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(w, names[i]) == 0) { conf->loglevel = (enum core_level)i; }
    }
}

/* Applies one directive. Returns NULL, or Redis's reason for refusing it. */
static void set_binds(struct real_sentinel_conf *conf, int n, char **addrs) {
    for (int i = 0; i < conf->binds_len; i++) {
        free(conf->binds[i]);
    }
    conf->binds_len = 0;
    for (int i = 0; i < n; i++) {
        conf->binds[conf->binds_len++] = dup_word(addrs[i]);
    }
}

/* Validates one directive as redis-sentinel does, then applies the ones
 * the process acts on. Returns NULL, or Redis's reason for refusing it. */
static const char *directive(
    struct real_sentinel_conf *conf, int argc, char **argv, bool apply, char *msg, size_t msglen) {
    const char *name = argv[0];
    /* The core reads `sentinel` lines; Redis checks them after the file. */
    if (strcmp(name, "sentinel") == 0) { return NULL; }
    const char *why = real__sentinel_directive_check(argc, argv, msg, msglen);
    if (why != NULL) { return why; }
    if (strcmp(name, "bind") == 0) {
        if (argc - 1 > REAL_SERVE_BINDS_MAX) { return "Too many bind addresses specified."; }
        /* A bare `bind` means Redis's default addresses. */
        static char any4[] = "*", any6[] = "-::*";
        char *defaults[] = {any4, any6};
        set_binds(conf, argc == 1 ? 2 : argc - 1, argc == 1 ? defaults : argv + 1);
    } else if (strcmp(name, "dir") == 0) {
        if (apply && chdir(argv[1]) != 0) {
            snprintf(msg, msglen, "%s", strerror(errno));
            return msg;
        }
    } else if (strcmp(name, "logfile") == 0) {
        if (apply && argv[1][0] != '\0') {
            FILE *f = fopen(argv[1], "a");
            if (f == NULL) {
                snprintf(msg, msglen, "Can't open the log file: %s", strerror(errno));
                return msg;
            }
            fclose(f);
        }
        set_str(&conf->logfile, argv[1]);
    } else if (strcmp(name, "loglevel") == 0) {
        set_loglevel(conf, argv[1]);
    } else if (strcmp(name, "daemonize") == 0) {
        conf->daemonize = strcasecmp(argv[1], "yes") == 0;
    } else if (strcmp(name, "pidfile") == 0 || strcmp(name, "requirepass") == 0) {
        set_str(name[0] == 'p' ? &conf->pidfile : &conf->requirepass, argv[1]);
    }
    return NULL;
}

int real_sentinel_conf_load(const char *text,
                            size_t len,
                            bool apply,
                            struct real_sentinel_conf *conf,
                            uint32_t *line,
                            char *msg,
                            size_t msglen) {
    memset(conf, 0, sizeof(*conf));
    conf->binds[conf->binds_len++] = dup_word("*");
    conf->binds[conf->binds_len++] = dup_word("-::*");
    conf->logfile = dup_word("");
    conf->loglevel = CORE_LEVEL_NOTICE;
    size_t pos = 0;
    for (uint32_t lineno = 1; pos < len; lineno++) {
        size_t b, e;
        line_extent(text, len, pos, &b, &e);
        const char *nl = memchr(text + pos, '\n', len - pos);
        pos = nl == NULL ? len : (size_t)(nl - text) + 1;
        if (b == e || text[b] == '#') { continue; }
        char *argv[CONF_WORDS_MAX];
        size_t lens[CONF_WORDS_MAX];
        int argc = real_resp_split_args(text + b, e - b, argv, lens, CONF_WORDS_MAX);
        const char *why = NULL;
        if (argc < 0) {
            why = "Unbalanced quotes in configuration line";
        } else if (argc > 0) {
            for (char *p = argv[0]; *p; p++) {
                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            }
            why = directive(conf, argc, argv, apply, msg, msglen);
            real_resp_words_free(argv, argc);
        }
        if (why != NULL) {
            if (why != msg) { snprintf(msg, msglen, "%s", why); }
            *line = lineno;
            real_sentinel_conf_free(conf);
            return -1;
        }
    }
    return 0;
}

void real_sentinel_conf_free(struct real_sentinel_conf *conf) {
    for (int i = 0; i < conf->binds_len; i++) {
        free(conf->binds[i]);
    }
    free(conf->logfile);
    free(conf->pidfile);
    free(conf->requirepass);
    memset(conf, 0, sizeof(*conf));
}

/* Appends a command-line value as one double-quoted config word. */
static void quoted(struct real_resp_buf *b, const char *w) {
    real_resp_buf_append(b, " \"", 2);
    for (const char *p = w; *p; p++) {
        if (*p == '"' || *p == '\\') { real_resp_buf_append(b, "\\", 1); }
        real_resp_buf_append(b, p, 1);
    }
    real_resp_buf_append(b, "\"", 1);
}

int real_sentinel_conf_read(const char *path, int argc, char **argv, char **out, size_t *outlen) {
    FILE *f = fopen(path, "r");
    if (f == NULL) { return -1; }
    struct real_resp_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        real_resp_buf_append(&b, chunk, n);
        if (b.len > CONF_TEXT_MAX) {
            fclose(f);
            real_resp_buf_free(&b);
            errno = EFBIG;
            return -1;
        }
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        real_resp_buf_free(&b);
        errno = EIO;
        return -1;
    }
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            real_resp_buf_append(&b, "\n", 1);
            real_resp_buf_append(&b, argv[i] + 2, strlen(argv[i] + 2));
        } else {
            quoted(&b, argv[i]);
        }
    }
    if (argc > 0) { real_resp_buf_append(&b, "\n", 1); }
    real_resp_buf_append(&b, "", 1);
    *out = b.data;
    *outlen = b.len - 1;
    return 0;
}
