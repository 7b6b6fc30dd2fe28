/* fuzz_sentinel_conf.c: libFuzzer target for core_new() on any config file.
 *
 * Method: the input is the whole sentinel config text. core_new() must
 * return CORE_OK, CORE_E_CONFIG or CORE_E_LIMIT (never an assertion or a
 * sanitizer report); a CORE_E_CONFIG names a line within the file (or 0)
 * and a non-empty NUL-terminated message. An accepted file must start
 * (CORE_IN_START) and answer SENTINEL FLUSHCONFIG by persisting a file,
 * and that file must load again into a core with the same id, the same
 * masters (names, addresses, config epochs) and the same current epoch.
 * Two kinds of input are exempt from the reload check, because Sentinel
 * 7.0 itself writes files it then refuses and the core reproduces that:
 *   - a `known-slave` line: 7.0's rewrite leaves old `known-slave` lines
 *     in place (spec §21: only 7.2 rewrites them), giving "Duplicate
 *     hostname and port for replica";
 *   - a `sentinel` directive word with a space, control byte, quote or
 *     non-ASCII byte: 7.0 writes names, auth-pass, auth-user,
 *     sentinel-pass, scripts ... as raw words (spec §16.3), so such a
 *     value splits differently on reload.
 *
 * fuzz-sources: core
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/core.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW_MS 1700000000000ull

static struct core_limits limits(void) {
    struct core_limits l = core_limits_default();
    l.masters_max = 8;
    l.replicas_max = 8;
    l.sentinels_max = 8;
    l.conns_max = 128;
    l.outputs_max = 1024;
    l.arena_bytes = 256u << 10;
    l.config_bytes_max = 64u << 10;
    l.info_cache_bytes = 256;
    return l;
}

static int load(const char *text, size_t len, struct core_sentinel **s, struct core_error *err) {
    struct core_limits l = limits();
    struct core_options o = {text, len, 1, false};
    struct core_allocator a = {fuzz_alloc, fuzz_free, NULL};
    memset(err, 0, sizeof(*err));
    return core_new(&l, &o, &a, NOW_MS, s, err);
}

static size_t lines_of(const char *text, size_t len) {
    size_t n = 1;
    for (size_t j = 0; j < len; j++) {
        n += text[j] == '\n';
    }
    return n;
}

/* Starts s and returns a heap copy of the file FLUSHCONFIG persists (its
 * bytes, which may include NULs, in *len). */
static char *start_and_flush(struct core_sentinel *s, size_t *len) {
    const struct core_output *outs;
    size_t n;
    struct core_input start = {.kind = CORE_IN_START};
    CHECK(core_step(s, NOW_MS, &start, &outs, &n) == CORE_OK);
    const char *argv[] = {"SENTINEL", "FLUSHCONFIG"};
    size_t lens[] = {8, 11};
    struct core_input cmd = {
        .kind = CORE_IN_COMMAND, .client = 1, .argc = 2, .argv = argv, .argv_len = lens};
    CHECK(core_step(s, NOW_MS, &cmd, &outs, &n) == CORE_OK);
    char *text = NULL;
    for (size_t j = 0; j < n; j++) {
        if (outs[j].kind == CORE_OUT_PERSIST) {
            free(text);
            text = malloc(outs[j].text_len + 1);
            CHECK(text != NULL);
            memcpy(text, outs[j].text, outs[j].text_len);
            *len = outs[j].text_len;
        }
    }
    return text;
}

/* Whether text has `known-slave` in any letter case. */
static bool has_known_slave(const char *text, size_t len) {
    static const char word[] = "known-slave";
    for (size_t j = 0; j + sizeof(word) - 1 <= len; j++) {
        size_t k = 0;
        while (k < sizeof(word) - 1 && (text[j + k] | 0x20) == word[k]) {
            k++;
        }
        if (k == sizeof(word) - 1) { return true; }
    }
    return false;
}

/* Whether a word of a `sentinel` directive would need quoting to survive
 * a raw write (other directives are kept as they were written). */
static bool has_unsafe_word(const char *text, size_t len) {
    static struct core__conf_args args;
    struct core__conf_iter it;
    core__conf_iter_init(&it, text, len);
    int rc;
    while ((rc = core__conf_next(&it, &args)) != 0) {
        bool sentinel =
            rc == 1 && args.argv_len[0] == 8 && memcmp(args.argv[0], "sentinel", 8) == 0;
        for (uint32_t i = 0; sentinel && i < args.argc; i++) {
            for (size_t k = 0; k < args.argv_len[i]; k++) {
                unsigned char c = (unsigned char)args.argv[i][k];
                if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\') { return true; }
            }
        }
    }
    return false;
}

static void check_same(const struct core_sentinel *a, const struct core_sentinel *b) {
    CHECK(strcmp(core_myid(a), core_myid(b)) == 0);
    CHECK(core_current_epoch(a) == core_current_epoch(b));
    CHECK(core_masters_len(a) == core_masters_len(b));
    for (uint32_t i = 0; i < core_masters_len(a); i++) {
        struct core_master_view ma, mb;
        CHECK(core_master(a, i, &ma) == 0 && core_master(b, i, &mb) == 0);
        CHECK(strcmp(ma.name, mb.name) == 0 && strcmp(ma.ip, mb.ip) == 0);
        CHECK(ma.port == mb.port && ma.config_epoch == mb.config_epoch);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) { return 0; }
    /* An exact-size copy: a read past the end is an ASan report. */
    char *text = malloc(size > 0 ? size : 1);
    CHECK(text != NULL);
    memcpy(text, data, size);
    struct core_sentinel *s = NULL;
    struct core_error err;
    int rc = load(text, size, &s, &err);
    CHECK(rc == CORE_OK || rc == CORE_E_CONFIG || rc == CORE_E_LIMIT);
    if (rc != CORE_OK) {
        CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
        CHECK(rc != CORE_E_CONFIG || err.msg[0] != '\0');
        CHECK(err.line <= lines_of(text, size));
        free(text);
        return 0;
    }
    size_t saved_len = 0;
    char *saved = start_and_flush(s, &saved_len);
    CHECK(saved != NULL);
    if (has_known_slave(text, size) || has_unsafe_word(text, size)) {
        core_free(s);
        free(saved);
        free(text);
        return 0;
    }
    struct core_sentinel *again = NULL;
    rc = load(saved, saved_len, &again, &err);
    if (rc != CORE_OK) {
        fprintf(stderr, "fuzz_sentinel_conf: rewritten file rejected at line %u: %s\n%.*s\n",
                err.line, err.msg, (int)saved_len, saved);
    }
    CHECK(rc == CORE_OK);
    check_same(s, again);
    core_free(again);
    core_free(s);
    free(saved);
    free(text);
    return 0;
}
