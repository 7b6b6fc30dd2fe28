/* sentinel_log.c: Redis-format log lines with real wall-clock dates.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real/sentinel_log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "real/check.h"
#include "real/sys.h"

static char log_path[4096];
static enum core_level log_min = CORE_LEVEL_NOTICE;

void real_sentinel_log_setup(const char *logfile, enum core_level min_level) {
    REAL_ASSERT(strlen(logfile) < sizeof(log_path));
    snprintf(log_path, sizeof(log_path), "%s", logfile);
    log_min = min_level;
}

void real_sentinel_log_prefix(uint64_t now_ms, enum core_level level, char *buf, size_t len) {
    static const char marks[] = ".-*#";
    REAL_ASSERT((unsigned)level < 4);
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    char date[32];
    strftime(date, sizeof(date), "%d %b %Y %H:%M:%S", &tm);
    snprintf(buf, len, "%d:X %s.%03u %c ", (int)getpid(), date, (unsigned)(now_ms % 1000),
             marks[level]);
}

void real_sentinel_log_text(enum core_level level, const char *text, size_t len) {
    if (level < log_min) { return; }
    /* Redis formats a message into 1024 bytes, so longer ones are cut. */
    if (len > REAL_SENTINEL_LOG_TEXT_MAX) { len = REAL_SENTINEL_LOG_TEXT_MAX; }
    char prefix[64];
    real_sentinel_log_prefix(real__now_ms(), level, prefix, sizeof(prefix));
    bool to_stdout = log_path[0] == '\0';
    FILE *f = to_stdout ? stdout : fopen(log_path, "a");
    if (f == NULL) { return; }
    fprintf(f, "%s%.*s\n", prefix, (int)len, text);
    fflush(f);
    if (!to_stdout) { fclose(f); }
}

void real_sentinel_log(enum core_level level, const char *fmt, ...) {
    if (level < log_min) { return; }
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0) { return; }
    size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
    real_sentinel_log_text(level, line, len);
}
