/* sys.c: small operating-system helpers shared by the real-mode files.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _GNU_SOURCE /* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "real/check.h"
#include "real/sys.h"

_Noreturn void real__assert_fail(const char *file, int line, const char *expr) {
    fprintf(stderr, "sentsim real: assertion failed at %s:%d: %s\n", file, line, expr);
    abort();
}

uint64_t real__now_ms(void) {
    struct timespec ts;
    REAL_ASSERT(clock_gettime(CLOCK_REALTIME, &ts) == 0);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void real__sleep_ms(uint64_t ms) {
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

int real__run(const char *const argv[], char *out, size_t outlen) {
    int fds[2] = {-1, -1};
    REAL_ASSERT(argv != NULL && argv[0] != NULL);
    if (out != NULL) {
        REAL_ASSERT(outlen > 0);
        out[0] = '\0';
        if (pipe2(fds, O_CLOEXEC) != 0) { return -1; }
    }
    pid_t pid = fork();
    if (pid < 0) {
        if (out != NULL) {
            close(fds[0]);
            close(fds[1]);
        }
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int sink = out != NULL ? fds[1] : devnull;
        if (devnull >= 0) { dup2(devnull, 0); }
        if (sink >= 0) {
            dup2(sink, 1);
            dup2(sink, 2);
        }
        /* execvp wants writable strings; the child owns copies of them. */
        char *copy[64];
        size_t n = 0;
        while (n < 63 && argv[n] != NULL) {
            copy[n] = strdup(argv[n]);
            n++;
        }
        copy[n] = NULL;
        execvp(copy[0], copy);
        _exit(127);
    }
    if (out != NULL) {
        close(fds[1]);
        size_t used = 0;
        for (;;) {
            char tmp[512];
            ssize_t n = read(fds[0], tmp, sizeof(tmp));
            if (n < 0 && errno == EINTR) { continue; }
            if (n <= 0) { break; }
            size_t take = (size_t)n;
            if (take > outlen - 1 - used) { take = outlen - 1 - used; }
            memcpy(out + used, tmp, take);
            used += take;
        }
        out[used] = '\0';
        close(fds[0]);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) { return -1; }
    }
    if (WIFEXITED(status)) { return WEXITSTATUS(status); }
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Removes everything inside the directory open as `dfd`, then closes it. */
static int rm_inside(int dfd, int depth) {
    if (depth > 16) {
        close(dfd);
        return -1;
    }
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) { continue; }
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = -1;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || rm_inside(sub, depth + 1) != 0) { rc = -1; }
            if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) != 0) { rc = -1; }
        } else if (unlinkat(dirfd(d), e->d_name, 0) != 0) {
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

int real__rm_rf(const char *path) {
    REAL_ASSERT(path != NULL && path[0] == '/');
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) { return errno == ENOENT ? 0 : -1; }
    int rc = rm_inside(dfd, 0);
    if (rmdir(path) != 0 && errno != ENOENT) { rc = -1; }
    return rc;
}

int real__write_file(const char *path, const char *buf, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) { return -1; }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR) { continue; }
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    return close(fd);
}

long real__read_file(const char *path, char *buf, size_t cap) {
    REAL_ASSERT(cap > 0);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { return -1; }
    size_t used = 0;
    while (used < cap - 1) {
        ssize_t n = read(fd, buf + used, cap - 1 - used);
        if (n < 0 && errno == EINTR) { continue; }
        if (n <= 0) { break; }
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    return (long)used;
}
