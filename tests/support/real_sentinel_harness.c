/* real_sentinel_harness.c: processes and probes for the `sentsim sentinel`
 * tests (see the header).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "tests/support/real_sentinel_harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmp_root[256];
static pid_t children[RSH_PROCS_MAX * 4];
static size_t children_len;
static uint16_t used_ports[512];
static size_t used_ports_len;
static char auth_pass[64];

void rsh_set_auth(const char *pass) {
    snprintf(auth_pass, sizeof(auth_pass), "%s", pass);
}

static void die(const char *what) {
    fprintf(stderr, "harness: %s: %s\n", what, strerror(errno));
    rsh_teardown();
    exit(2);
}

uint64_t rsh_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void rsh_setup(void) {
    snprintf(tmp_root, sizeof(tmp_root), "/tmp/sentsim-rsh-XXXXXX");
    if (mkdtemp(tmp_root) == NULL) { die("mkdtemp"); }
    signal(SIGPIPE, SIG_IGN);
}

const char *rsh_dir(void) {
    return tmp_root;
}

void rsh_teardown(void) {
    for (size_t i = 0; i < children_len; i++) {
        if (children[i] > 0) {
            kill(children[i], SIGKILL);
            waitpid(children[i], NULL, 0);
        }
    }
    children_len = 0;
    if (tmp_root[0] != '\0' && getenv("RSH_KEEP") == NULL) {
        pid_t pid = fork();
        if (pid == 0) {
            execlp("rm", "rm", "-rf", tmp_root, (char *)NULL);
            _exit(127);
        }
        waitpid(pid, NULL, 0);
    }
    tmp_root[0] = '\0';
    auth_pass[0] = '\0';
}

uint16_t rsh_free_port(void) {
    for (int tries = 0; tries < 100; tries++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(a);
        if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
            getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
            die("bind probe");
        }
        close(fd);
        uint16_t port = ntohs(a.sin_port);
        bool seen = false;
        for (size_t i = 0; i < used_ports_len; i++) {
            seen |= used_ports[i] == port;
        }
        /* Redis listens on port+10000 for cluster bus only in cluster mode;
         * plain ports are enough here. */
        if (!seen && used_ports_len < sizeof(used_ports) / sizeof(used_ports[0])) {
            used_ports[used_ports_len++] = port;
            return port;
        }
    }
    die("no free port");
    return 0;
}

void rsh_write(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f == NULL) { die(path); }
    fputs(text, f);
    fclose(f);
}

char *rsh_read(const char *path) {
    FILE *f = fopen(path, "r");
    if (f == NULL) { return NULL; }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

const char *rsh_sentsim(void) {
    const char *s = getenv("SENTSIM");
    return s != NULL && s[0] != '\0' ? s : "build/release/sentsim";
}

static pid_t spawn(const char *const argv[], const char *out_path) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) { die("fork"); }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) { _exit(1); }
        int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        /* execvp's prototype predates const; it does not modify argv. */
        execvp(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    if (children_len < sizeof(children) / sizeof(children[0])) { children[children_len++] = pid; }
    return pid;
}

static void proc_paths(struct rsh_proc *p, const char *name) {
    snprintf(p->dir, sizeof(p->dir), "%s/%s", tmp_root, name);
    if (mkdir(p->dir, 0700) != 0 && errno != EEXIST) { die("mkdir"); }
    snprintf(p->conf, sizeof(p->conf), "%s/%s.conf", p->dir, name);
    snprintf(p->log, sizeof(p->log), "%s/%s.log", p->dir, name);
}

static void start(struct rsh_proc *p, bool sentinel, bool ours) {
    char out[600];
    snprintf(out, sizeof(out), "%s.out", p->log);
    if (sentinel && ours) {
        const char *argv[] = {rsh_sentsim(), "sentinel", p->conf, NULL};
        p->pid = spawn(argv, out);
    } else if (sentinel) {
        const char *argv[] = {"redis-sentinel", p->conf, NULL};
        p->pid = spawn(argv, out);
    } else {
        const char *argv[] = {"redis-server", p->conf, NULL};
        p->pid = spawn(argv, out);
    }
}

void rsh_redis(struct rsh_proc *p, const char *name, uint16_t master_port) {
    memset(p, 0, sizeof(*p));
    proc_paths(p, name);
    p->port = rsh_free_port();
    char text[2048];
    int n = snprintf(text, sizeof(text),
                     "port %u\nbind 127.0.0.1\ndir %s\nlogfile %s\nsave \"\"\n"
                     "appendonly no\nrepl-diskless-sync-delay 0\n",
                     (unsigned)p->port, p->dir, p->log);
    if (master_port != 0) {
        snprintf(text + n, sizeof(text) - (size_t)n, "replicaof 127.0.0.1 %u\n",
                 (unsigned)master_port);
    }
    rsh_write(p->conf, text);
    start(p, false, false);
}

void rsh_sentinel(struct rsh_proc *p, const char *name, bool ours, const char *conf_body) {
    memset(p, 0, sizeof(*p));
    proc_paths(p, name);
    p->port = rsh_free_port();
    size_t len = strlen(conf_body) + 1024;
    char *text = malloc(len);
    snprintf(text, len, "port %u\nbind 127.0.0.1\ndir %s\nlogfile %s\n%s", (unsigned)p->port,
             p->dir, p->log, conf_body);
    rsh_write(p->conf, text);
    free(text);
    start(p, true, ours);
}

void rsh_restart(struct rsh_proc *p, bool sentinel, bool ours) {
    if (p->pid == 0) { start(p, sentinel, ours); }
}

void rsh_kill(struct rsh_proc *p) {
    if (p->pid <= 0) { return; }
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
    for (size_t i = 0; i < children_len; i++) {
        if (children[i] == p->pid) { children[i] = 0; }
    }
    p->pid = 0;
}

int rsh_signal_wait(struct rsh_proc *p, int sig, int timeout_ms) {
    kill(p->pid, sig);
    uint64_t end = rsh_now_ms() + (uint64_t)timeout_ms;
    int status = 0;
    while (rsh_now_ms() < end) {
        pid_t r = waitpid(p->pid, &status, WNOHANG);
        if (r == p->pid) {
            for (size_t i = 0; i < children_len; i++) {
                if (children[i] == p->pid) { children[i] = 0; }
            }
            p->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        }
        usleep(20000);
    }
    rsh_kill(p);
    return -1000;
}

int rsh_run(const char *const argv[], char **output) {
    char path[300];
    snprintf(path, sizeof(path), "%s/run-%u.out", tmp_root, (unsigned)rsh_now_ms());
    pid_t pid = spawn(argv, path);
    int status;
    waitpid(pid, &status, 0);
    for (size_t i = 0; i < children_len; i++) {
        if (children[i] == pid) { children[i] = 0; }
    }
    *output = rsh_read(path);
    if (*output == NULL) { *output = strdup(""); }
    unlink(path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

redisReply *rsh_cmd(uint16_t port, const char *fmt, ...) {
    struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (c == NULL || c->err) {
        if (c != NULL) { redisFree(c); }
        return NULL;
    }
    struct timeval rtv = {.tv_sec = 3, .tv_usec = 0};
    redisSetTimeout(c, rtv);
    if (auth_pass[0] != '\0') {
        /* Data nodes have no password and refuse this; that is harmless. */
        redisReply *a = redisCommand(c, "AUTH %s", auth_pass);
        if (a != NULL) { freeReplyObject(a); }
    }
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    redisFree(c);
    return r;
}

bool rsh_wait_up(uint16_t port, int timeout_ms) {
    uint64_t end = rsh_now_ms() + (uint64_t)timeout_ms;
    while (rsh_now_ms() < end) {
        redisReply *r = rsh_cmd(port, "PING");
        bool ok = r != NULL && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
        if (r != NULL) { freeReplyObject(r); }
        if (ok) { return true; }
        usleep(50000);
    }
    return false;
}

char *rsh_master_field(uint16_t port, const char *name, const char *field) {
    redisReply *r = rsh_cmd(port, "SENTINEL MASTER %s", name);
    char *out = NULL;
    if (r != NULL && r->type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i + 1 < r->elements; i += 2) {
            if (r->element[i]->type == REDIS_REPLY_STRING &&
                strcmp(r->element[i]->str, field) == 0 &&
                r->element[i + 1]->type == REDIS_REPLY_STRING) {
                out = strdup(r->element[i + 1]->str);
            }
        }
    }
    if (r != NULL) { freeReplyObject(r); }
    return out;
}

bool rsh_wait(bool (*cond)(void *arg), void *arg, int timeout_ms) {
    uint64_t end = rsh_now_ms() + (uint64_t)timeout_ms;
    while (rsh_now_ms() < end) {
        if (cond(arg)) { return true; }
        usleep(50000);
    }
    return cond(arg);
}

int rsh_count(const char *path, const char *needle) {
    char *text = rsh_read(path);
    if (text == NULL) { return 0; }
    int n = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        n += strstr(line, needle) != NULL;
    }
    free(text);
    return n;
}

/* ---------------------------------------------------------------- fake server */

static void fake_answer(int fd, enum rsh_fake_mode mode, unsigned *seed, bool *spoken) {
    char buf[8192];
    size_t n = 0;
    switch (mode) {
    case RSH_FAKE_GARBAGE:
        for (n = 0; n < 512; n++) {
            buf[n] = (char)(rand_r(seed) & 0xff);
        }
        break;
    case RSH_FAKE_HUGE_INFO: {
        size_t big = 4u << 20;
        n = (size_t)snprintf(buf, sizeof(buf), "$%zu\r\n", big);
        (void)send(fd, buf, n, MSG_NOSIGNAL);
        memset(buf, 'a', sizeof(buf));
        for (size_t sent = 0; sent < big; sent += sizeof(buf)) {
            if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL) < 0) { return; }
        }
        n = 0;
        break;
    }
    case RSH_FAKE_TRUNCATED:
        if (!*spoken) {
            n = (size_t)snprintf(buf, sizeof(buf), "$100\r\n# Replication\r\nrole:ma");
        }
        break;
    case RSH_FAKE_WRONG_TYPE:
        n = (size_t)snprintf(buf, sizeof(buf), ":42\r\n*2\r\n*1\r\n:1\r\n$-1\r\n+OK\r\n");
        break;
    case RSH_FAKE_SILENT:
        break;
    case RSH_FAKE_DEEP:
        for (n = 0; n + 4 < 4000; n += 4) {
            memcpy(buf + n, "*1\r\n", 4);
        }
        break;
    case RSH_FAKE_WIDE:
        n = (size_t)snprintf(buf, sizeof(buf), "*1000000\r\n:1\r\n");
        break;
    }
    *spoken = true;
    if (n > 0) { (void)send(fd, buf, n, MSG_NOSIGNAL); }
}

static void fake_serve(int lfd, enum rsh_fake_mode mode) {
    struct pollfd fds[64];
    bool spoken[64] = {false};
    size_t n = 1;
    unsigned seed = 12345;
    fds[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
    for (;;) {
        if (poll(fds, n, 1000) < 0) { continue; }
        for (size_t i = n; i-- > 1;) {
            if (fds[i].revents == 0) { continue; }
            char buf[4096];
            ssize_t r = read(fds[i].fd, buf, sizeof(buf));
            if (r <= 0) {
                close(fds[i].fd);
                fds[i] = fds[--n];
                spoken[i] = spoken[n];
                continue;
            }
            fake_answer(fds[i].fd, mode, &seed, &spoken[i]);
        }
        if ((fds[0].revents & POLLIN) && n < 64) {
            int fd = accept(lfd, NULL, NULL);
            if (fd >= 0) {
                struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
                spoken[n] = false;
                fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
            }
        }
    }
}

void rsh_fake(struct rsh_proc *p, enum rsh_fake_mode mode) {
    memset(p, 0, sizeof(*p));
    p->port = rsh_free_port();
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(p->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 64) != 0) {
        die("fake listen");
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) { _exit(1); }
        signal(SIGPIPE, SIG_IGN);
        fake_serve(lfd, mode);
        _exit(0);
    }
    close(lfd);
    p->pid = pid;
    if (children_len < sizeof(children) / sizeof(children[0])) { children[children_len++] = pid; }
}
