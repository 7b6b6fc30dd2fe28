/* sentinel_main.c: `sentsim sentinel FILE.conf`: our core as a drop-in
 * Redis Sentinel process.
 *
 * Method: start the way redis-sentinel does: read the config file (plus
 * "--name value" options from the command line, appended as config lines),
 * validate it (the core for `port` and the `sentinel` directives, this
 * driver for the process directives) and report a bad line in Redis's
 * FATAL CONFIG FILE ERROR format; refuse a config file that cannot be
 * rewritten; apply `dir`, `logfile`, `loglevel`, `daemonize` and `pidfile`; seed the
 * core from /dev/urandom; then hand over to the event loop. With
 * --check-config only the validation runs and errors are printed as
 * "FILE:LINE: message".
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/core.h"
#include "real/check.h"
#include "real/real.h"
#include "real/resp.h"
#include "real/sentinel_conf.h"
#include "real/sentinel_log.h"
#include "real/sentinel_loop.h"
#include "real/serve.h"
#include "real/sys.h"

static void *heap_alloc(void *ud, size_t size) {
    (void)ud;
    return malloc(size);
}

static void heap_free(void *ud, void *ptr) {
    (void)ud;
    free(ptr);
}

_Noreturn static void on_core_assert(
    const char *file, int line, const char *expr, const char *where, void *ud) {
    (void)ud;
    real_sentinel_log(CORE_LEVEL_WARNING, "=== ASSERTION FAILED ===");
    real_sentinel_log(CORE_LEVEL_WARNING, "==> %s:%d '%s' is not true (%s)", file, line, expr,
                      where);
    abort();
}

static uint64_t urandom_seed(void) {
    uint64_t seed = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    REAL_ASSERT(f != NULL);
    size_t n = fread(&seed, sizeof(seed), 1, f);
    fclose(f);
    REAL_ASSERT(n == 1);
    return seed;
}

/* Prints a config error the way the caller asked: Redis's banner, or
 * FILE:LINE for --check-config. */
static void config_error(const char *path,
                         const char *text,
                         size_t len,
                         uint32_t line,
                         const char *msg,
                         bool check_only) {
    if (check_only) {
        fprintf(stderr, "%s:%u: %s\n", path, (unsigned)line, msg);
        return;
    }
    char bad[1024];
    real_sentinel_conf_line(text, len, line, bad, sizeof(bad));
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Redis %s) ***\n", CORE_VERSION);
    fprintf(stderr, "Reading the configuration file, at line %u\n", (unsigned)line);
    fprintf(stderr, ">>> '%s'\n", bad);
    fprintf(stderr, "%s\n", msg);
}

static void usage(void) {
    fprintf(stderr, "usage: sentsim sentinel FILE.conf [--check-config] [--<option> <value> ...]\n"
                    "       sentsim sentinel --version\n"
                    "  Runs our Sentinel core as a real sentinel process, configured like\n"
                    "  redis-sentinel. --check-config only validates FILE.conf.\n");
}

/* Makes `path` absolute against the start directory, as Redis does before
 * `dir` moves the process elsewhere. */
static int absolute_path(const char *path, char *out, size_t len) {
    if (path[0] == '/') { return snprintf(out, len, "%s", path) < (int)len ? 0 : -1; }
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == NULL) { return -1; }
    return snprintf(out, len, "%s/%s", cwd, path) < (int)len ? 0 : -1;
}

/* Like Redis, asks for enough descriptors for maxclients plus a reserve
 * for our own links, and lowers maxclients when the system gives fewer, so
 * that accept() and connect() fail on our bounds, not on the process
 * limit. Returns the number of clients to accept. */
static uint32_t fit_fd_limit(void) {
    rlim_t reserve = 4096 + 32;
    rlim_t want = REAL_SERVE_CLIENTS_MAX + reserve;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) { return 1024; }
    rlim_t old = rl.rlim_cur;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) { rl.rlim_cur = old; }
        if (rl.rlim_cur > old) {
            real_sentinel_log(CORE_LEVEL_NOTICE,
                              "Increased maximum number of open files to %llu (it was originally "
                              "set to %llu).",
                              (unsigned long long)rl.rlim_cur, (unsigned long long)old);
        }
    }
    if (rl.rlim_cur >= want) { return REAL_SERVE_CLIENTS_MAX; }
    /* Split what we have between clients and links. */
    rlim_t clients = rl.rlim_cur > 64 ? (rl.rlim_cur - 32) / 2 : 16;
    real_sentinel_log(CORE_LEVEL_WARNING,
                      "maxclients has been reduced to %llu to compensate for low ulimit.",
                      (unsigned long long)clients);
    return (uint32_t)clients;
}

/* Detaches like Redis: the parent exits 0 at once, the child leaves the
 * session and points its standard streams at /dev/null. */
static void daemonize(void) {
    pid_t pid = fork();
    if (pid < 0) {
        real_sentinel_log(CORE_LEVEL_WARNING, "Can't fork to daemonize: %s", strerror(errno));
        return;
    }
    if (pid > 0) { _exit(0); }
    (void)setsid();
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0) { return; }
    (void)dup2(fd, STDIN_FILENO);
    (void)dup2(fd, STDOUT_FILENO);
    (void)dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) { close(fd); }
}

static int write_pidfile(const char *path) {
    FILE *f = fopen(path, "w");
    if (f == NULL) { return -1; }
    fprintf(f, "%d\n", (int)getpid());
    return fclose(f);
}

/* Loads and validates; on success *core and *conf are ready. */
static int load(const char *path,
                const char *text,
                size_t len,
                bool check_only,
                struct real_sentinel_conf *conf,
                struct core_sentinel **core) {
    uint32_t line = 0;
    char msg[256];
    if (real_sentinel_conf_load(text, len, !check_only, conf, &line, msg, sizeof(msg)) != 0) {
        config_error(path, text, len, line, msg, check_only);
        return -1;
    }
    struct core_limits limits = core_limits_default();
    struct core_options opts = {
        .config_text = text, .config_len = len, .seed = urandom_seed(), .explain = false};
    struct core_allocator alloc = {.alloc_cb = heap_alloc, .free_cb = heap_free, .ud = NULL};
    struct core_error err = {0};
    int rc = core_new(&limits, &opts, &alloc, real__now_ms(), core, &err);
    if (rc == CORE_OK) { return 0; }
    if (rc == CORE_E_CONFIG) {
        config_error(path, text, len, err.line, err.msg, check_only);
    } else {
        fprintf(stderr, "sentsim sentinel: cannot create the sentinel (error %d)\n", rc);
    }
    real_sentinel_conf_free(conf);
    return -1;
}

int real_cmd_sentinel(int argc, char **argv) {
    const char *file = NULL;
    bool check_only = false;
    char **opts = real_resp_xcalloc((size_t)argc, sizeof(char *));
    int opts_len = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check-config") == 0) {
            check_only = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage();
            free(opts);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-v") == 0) {
            /* Like redis-sentinel --version: scripts probe it to see the binary runs. */
            printf("sentsim sentinel: Sentinel core of Redis v=%s\n", CORE_VERSION);
            free(opts);
            return 0;
        } else if (file == NULL && strncmp(argv[i], "--", 2) != 0) {
            file = argv[i];
        } else {
            opts[opts_len++] = argv[i];
        }
    }
    core_set_assert_handler(on_core_assert, NULL);
    if (file == NULL) {
        real_sentinel_log(CORE_LEVEL_WARNING,
                          "Sentinel needs config file on disk to save state. Exiting...");
        free(opts);
        return 1;
    }
    char path[PATH_MAX];
    char *text = NULL;
    size_t len = 0;
    if (absolute_path(file, path, sizeof(path)) != 0 ||
        real_sentinel_conf_read(path, opts_len, opts, &text, &len) != 0) {
        fprintf(stderr, "Fatal error, can't open config file '%s': %s\n", file, strerror(errno));
        free(opts);
        return 1;
    }
    free(opts);
    struct real_sentinel_conf conf;
    struct core_sentinel *core = NULL;
    int rc = load(check_only ? file : path, text, len, check_only, &conf, &core);
    free(text);
    if (rc != 0) { return 1; }
    if (check_only) {
        core_free(core);
        real_sentinel_conf_free(&conf);
        return 0;
    }
    real_sentinel_log_setup(conf.logfile, conf.loglevel);
    real_sentinel_log(CORE_LEVEL_WARNING,
                      "oO0OoO0OoO0Oo sentsim sentinel is starting oO0OoO0OoO0Oo");
    real_sentinel_log(CORE_LEVEL_WARNING,
                      "sentsim sentinel (Redis Sentinel %s behaviour), pid=%d, just started",
                      CORE_VERSION, (int)getpid());
    real_sentinel_log(CORE_LEVEL_WARNING, "Configuration loaded");
    if (conf.daemonize) { daemonize(); }
    /* Like Redis, a daemon without a pidfile directive still writes one. */
    const char *pidfile = conf.pidfile != NULL ? conf.pidfile
                          : conf.daemonize     ? "/var/run/redis.pid"
                                               : NULL;
    if (access(path, W_OK) != 0) {
        real_sentinel_log(CORE_LEVEL_WARNING,
                          "Sentinel config file %s is not writable: %s. Exiting...", path,
                          strerror(errno));
        core_free(core);
        real_sentinel_conf_free(&conf);
        return 1;
    }
    uint32_t clients_max = fit_fd_limit();
    if (pidfile != NULL && write_pidfile(pidfile) != 0) {
        real_sentinel_log(CORE_LEVEL_WARNING, "Failed to write PID file: %s", strerror(errno));
    }
    int status = real__sentinel_run(core, &conf, path, clients_max);
    if (pidfile != NULL) { unlink(pidfile); }
    real_sentinel_conf_free(&conf);
    return status;
}
