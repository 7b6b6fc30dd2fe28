/* fuzz_eventlog.c: libFuzzer target for the JSON Lines readers the diff
 * and the reports use (reports/event.c, reports/runfile.c, reports/json.c).
 *
 * Method: the input (after its first byte) is written to a private temp
 * file, since the readers take paths. The first byte picks the reader:
 * even, rep_log_read_json() (an event log, or a run file read as one);
 * odd, rep_run_read_json() with the scenario fixed to a library file (a
 * fuzzed header must not make the reader open arbitrary paths). Checked:
 * the readers terminate without a sanitizer report or a leak; a refusal
 * fills a one-line "file:line:col: message" naming the temp file; an
 * accepted event log has consecutive seq numbers from 0 and NUL-terminated
 * fields, and writing it with rep_log_write_json() and reading it back
 * gives the same records and the same determinism hash. The temp files
 * are removed at exit.
 *
 * fuzz-sources: reports scenarios
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/event.h"
#include "reports/runfile.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCENARIO "scenarios/library/master-dies-first.yaml"

static char path_in[64], path_out[64];

static void write_file(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(data, 1, size, f) == size);
    CHECK(fclose(f) == 0);
}

static void check_error(const char *err) {
    CHECK(strncmp(err, path_in, strlen(path_in)) == 0);
    CHECK(err[strlen(path_in)] == ':');
    CHECK(strchr(err, '\n') == NULL);
}

static void check_event(const struct rep_event *e, uint64_t seq) {
    CHECK(e->seq == seq);
    CHECK(memchr(e->proc, '\0', sizeof(e->proc)) != NULL);
    CHECK(memchr(e->type, '\0', sizeof(e->type)) != NULL);
    CHECK(memchr(e->text, '\0', sizeof(e->text)) != NULL);
    CHECK(rep_kind_name(e->kind) != NULL && rep_level_name(e->level) != NULL);
}

static void round_trip(const struct rep_log *log) {
    FILE *f = fopen(path_out, "wb");
    CHECK(f != NULL);
    CHECK(rep_log_write_json(f, log) == 0);
    CHECK(fclose(f) == 0);
    struct rep_log back;
    char err[512];
    rep_log_init(&back);
    if (rep_log_read_json(path_out, &back, err, sizeof(err)) < 0) {
        fprintf(stderr, "fuzz_eventlog: own output refused: %s\n", err);
        CHECK(!"written log reads back");
    }
    CHECK(back.len == log->len);
    for (size_t j = 0; j < log->len; j++) {
        const struct rep_event *a = &log->events[j], *b = &back.events[j];
        CHECK(a->seq == b->seq && a->t_ms == b->t_ms && a->kind == b->kind);
        CHECK(a->level == b->level && strcmp(a->proc, b->proc) == 0);
        CHECK(strcmp(a->type, b->type) == 0 && strcmp(a->text, b->text) == 0);
    }
    CHECK(rep_log_hash(&back) == rep_log_hash(log));
    rep_log_free(&back);
}

static void read_log(void) {
    struct rep_log log;
    char err[512];
    rep_log_init(&log);
    if (rep_log_read_json(path_in, &log, err, sizeof(err)) < 0) {
        check_error(err);
    } else {
        for (size_t j = 0; j < log.len; j++) {
            check_event(&log.events[j], j);
        }
        round_trip(&log);
    }
    rep_log_free(&log);
}

static void read_run(void) {
    static struct rep_run_file rf;
    char err[1024];
    if (rep_run_read_json(path_in, SCENARIO, &rf, err, sizeof(err)) < 0) {
        check_error(err);
        return;
    }
    for (size_t j = 0; j < rf.run.log.len; j++) {
        check_event(&rf.run.log.events[j], j);
    }
    rep_run_file_free(&rf);
}

static void remove_files(void) {
    unlink(path_in);
    unlink(path_out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0 || size > (1u << 20)) { return 0; }
    if (path_in[0] == '\0') {
        snprintf(path_in, sizeof(path_in), "/tmp/fuzz_eventlog.%ld.in", (long)getpid());
        snprintf(path_out, sizeof(path_out), "/tmp/fuzz_eventlog.%ld.out", (long)getpid());
        atexit(remove_files);
    }
    write_file(path_in, data + 1, size - 1);
    if (data[0] & 1) {
        read_run();
    } else {
        read_log();
    }
    return 0;
}
