/* watchdog.c: nothing a run starts may outlive it, however the harness ends.
 *
 * Method: see watchdog.h. The cleanup is idempotent, so the harness's own
 * orderly teardown and the watchdog can both run it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _GNU_SOURCE /* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "real/check.h"
#include "real/sys.h"
#include "real/watchdog.h"

#define NETNS_DIR "/run/netns"

/* True while some process of the group is still running (zombies do not
 * count: they hold nothing, and whoever inherited them reaps them). */
static bool group_running(pid_t pgid) {
    DIR *d = opendir("/proc");
    if (d == NULL) { return kill(-pgid, 0) == 0; }
    bool running = false;
    struct dirent *e;
    while (!running && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') { continue; }
        char path[300], stat[512];
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        if (real__read_file(path, stat, sizeof(stat)) <= 0) { continue; }
        /* "pid (comm) S ppid pgrp ...": comm may hold spaces, so parse after the last ')'. */
        const char *rp = strrchr(stat, ')');
        char state = 0;
        long ppid = 0, pgrp = 0;
        if (rp == NULL || sscanf(rp + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3) { continue; }
        if (pgrp == (long)pgid && state != 'Z' && state != 'X') { running = true; }
    }
    closedir(d);
    return running;
}

/* SIGKILLs the group until nothing in it runs (bounded: 5 s). */
static void kill_group(pid_t pgid) {
    if (pgid <= 1) { return; }
    for (int i = 0; i < 500; i++) {
        if (kill(-pgid, SIGKILL) != 0 && errno == ESRCH) { return; }
        if (!group_running(pgid)) { return; }
        real__sleep_ms(10);
    }
}

static void delete_namespaces(const char *prefix) {
    size_t plen = strlen(prefix);
    if (plen == 0) { return; }
    DIR *d = opendir(NETNS_DIR);
    if (d == NULL) { return; }
    struct dirent *e;
    char names[64][256];
    int n = 0;
    while ((e = readdir(d)) != NULL && n < 64) {
        if (strncmp(e->d_name, prefix, plen) == 0) {
            snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
        }
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        const char *argv[] = {"ip", "netns", "del", names[i], NULL};
        real__run(argv, NULL, 0);
    }
}

/* Removes every directory of tmpdir named with the prefix (the temp root,
 * whether or not the harness lived to learn its random suffix). */
static void delete_dirs(const char *tmpdir, const char *prefix) {
    DIR *d = opendir(tmpdir);
    if (d == NULL) { return; }
    char paths[8][512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 8) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            snprintf(paths[n++], sizeof(paths[0]), "%s/%s", tmpdir, e->d_name);
        }
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        real__rm_rf(paths[i]);
    }
}

/* Everything the watchdog does; idempotent. */
static void cleanup(const struct real_guard *g) {
    kill_group(g->anchor);
    delete_namespaces(g->netns_prefix);
    delete_dirs(g->tmpdir, g->netns_prefix);
}

/* Closes every inherited descriptor but `keep`: another run's watchdog pipe
 * held open here would keep that watchdog from ever seeing its harness go. */
static void close_others(int keep) {
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) { max = 65536; }
    for (int fd = 3; fd < (int)max; fd++) {
        if (fd != keep) { close(fd); }
    }
}

static _Noreturn void watchdog_main(struct real_guard *g, int pipe_rd) {
    /* Ctrl-C and the like go to the harness; the watchdog outlives it. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    close_others(pipe_rd);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
    }
    for (;;) {
        char b;
        ssize_t n = read(pipe_rd, &b, 1);
        if (n == 0 || (n < 0 && errno != EINTR)) { break; }
    }
    cleanup(g);
    _exit(0);
}

static _Noreturn void anchor_main(pid_t harness) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != harness) { _exit(0); }
    close_others(-1);
    for (;;) {
        pause();
    }
}

int real_guard_start(struct real_guard *g, char *errstr, size_t errlen) {
    static unsigned worlds; /* several runs in one process get distinct names */
    REAL_ASSERT(g != NULL);
    memset(g, 0, sizeof(*g));
    g->pipe_wr = -1;
    g->harness = getpid();
    snprintf(g->netns_prefix, sizeof(g->netns_prefix), "sentsim-%ld-%u-", (long)g->harness,
             worlds++);
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] != '/' || strlen(tmp) >= sizeof(g->tmpdir)) { tmp = "/tmp"; }
    snprintf(g->tmpdir, sizeof(g->tmpdir), "%s", tmp);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) { goto fail; }
    g->anchor = fork();
    if (g->anchor < 0) { goto fail_pipe; }
    if (g->anchor == 0) {
        setpgid(0, 0);
        anchor_main(g->harness);
    }
    setpgid(g->anchor, g->anchor);
    g->watchdog = fork();
    if (g->watchdog < 0) { goto fail_anchor; }
    if (g->watchdog == 0) {
        setpgid(0, 0);
        close(fds[1]);
        watchdog_main(g, fds[0]);
    }
    close(fds[0]);
    g->pipe_wr = fds[1];
    snprintf(g->root, sizeof(g->root), "%s/%sXXXXXX", g->tmpdir, g->netns_prefix);
    if (mkdtemp(g->root) == NULL) {
        snprintf(errstr, errlen, "cannot create a temp dir under %s: %s", g->tmpdir,
                 strerror(errno));
        real_guard_finish(g);
        return -1;
    }
    return 0;
fail_anchor:
    kill(g->anchor, SIGKILL);
    waitpid(g->anchor, NULL, 0);
fail_pipe:
    close(fds[0]);
    close(fds[1]);
fail:
    snprintf(errstr, errlen, "cannot start the watchdog: %s", strerror(errno));
    return -1;
}

void real_guard_finish(struct real_guard *g) {
    REAL_ASSERT(g != NULL);
    if (g->pipe_wr < 0) { return; }
    kill(-g->anchor, SIGKILL);
    while (waitpid(g->anchor, NULL, 0) < 0 && errno == EINTR) {}
    close(g->pipe_wr);
    g->pipe_wr = -1;
    while (waitpid(g->watchdog, NULL, 0) < 0 && errno == EINTR) {}
}

int real_guard_child_enter(const struct real_guard *g) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != g->harness) { return -1; }
    if (setpgid(0, g->anchor) != 0) { return -1; }
    return 0;
}
