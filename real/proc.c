/* proc.c: the processes of one real run: data nodes and sentinels.
 *
 * Method: see proc.h. Config files are generated once, right before a
 * process's first start (by then the addresses it refers to are final:
 * data nodes start in replication order, sentinels last); later starts reuse
 * whatever the process itself rewrote since.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _GNU_SOURCE /* setns */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "real/check.h"
#include "real/link.h"
#include "real/netns.h"
#include "real/proc.h"
#include "real/query.h"
#include "real/real.h"
#include "real/sys.h"

#define PORT_BASE_MIN    20000u
#define PORT_BASE_SPAN   10000u
#define START_ATTEMPTS   8
#define UP_TIMEOUT_MS    8000u
#define QUERY_TIMEOUT_MS 1000u
#define CONF_MAX         8192

static int werr(struct real_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int werr(struct real_world *w, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->errstr, sizeof(w->errstr), fmt, ap);
    va_end(ap);
    return -1;
}

struct real_proc *real_world_proc(struct real_world *w, struct scn_proc id) {
    if (id.kind == SCN_PROC_NODE) {
        REAL_ASSERT(id.index < w->scn->nodes_len);
        return &w->nodes[id.index];
    }
    REAL_ASSERT(id.kind == SCN_PROC_SENTINEL);
    REAL_ASSERT(id.index < w->scn->sentinels_len);
    return &w->sentinels[id.index];
}

struct real_proc *real_world_find_addr(struct real_world *w, const char *ip, uint16_t port) {
    for (uint32_t i = 0; i < w->scn->nodes_len; i++) {
        if (w->nodes[i].port == port && strcmp(w->nodes[i].ip, ip) == 0) { return &w->nodes[i]; }
    }
    for (uint32_t i = 0; i < w->scn->sentinels_len; i++) {
        struct real_proc *p = &w->sentinels[i];
        if (p->port == port && strcmp(p->ip, ip) == 0) { return p; }
    }
    return NULL;
}

/* ---------------------------------------------------------------- set-up */

static bool sentinel_is_core(const struct scn_sentinel *s,
                             uint32_t index,
                             enum real_sentinel_mode mode) {
    switch (mode) {
    case REAL_SENTINEL_REDIS:
        return false;
    case REAL_SENTINEL_CORE:
        return true;
    case REAL_SENTINEL_MIXED:
        if (s->impl == SCN_IMPL_CORE) { return true; }
        if (s->impl == SCN_IMPL_REDIS) { return false; }
        return index == 0;
    }
    REAL_UNREACHABLE();
}

static int proc_prepare(struct real_world *w,
                        struct real_proc *p,
                        struct scn_proc id,
                        const char *name,
                        const char *pass) {
    p->id = id;
    p->name = name;
    p->pass = pass;
    snprintf(p->dir, sizeof(p->dir), "%s/%c%u", w->guard.root, id.kind == SCN_PROC_NODE ? 'n' : 's',
             (unsigned)id.index);
    if (mkdir(p->dir, 0700) != 0) { return werr(w, "mkdir %s: %s", p->dir, strerror(errno)); }
    snprintf(p->conf, sizeof(p->conf), "%s/%s.conf", p->dir,
             id.kind == SCN_PROC_NODE ? "redis" : "sentinel");
    snprintf(p->log, sizeof(p->log), "%s/%s.log", p->dir,
             id.kind == SCN_PROC_NODE ? "redis" : "sentinel");
    snprintf(p->ip, sizeof(p->ip), "127.0.0.1");
    return 0;
}

int real_world_init(struct real_world *w,
                    const struct scn *scn,
                    enum real_sentinel_mode mode,
                    bool netns) {
    REAL_ASSERT(w != NULL && scn != NULL);
    memset(w, 0, sizeof(*w));
    w->scn = scn;
    w->netns = netns;
    w->nodes = calloc(scn->nodes_len > 0 ? scn->nodes_len : 1, sizeof(*w->nodes));
    w->sentinels = calloc(scn->sentinels_len > 0 ? scn->sentinels_len : 1, sizeof(*w->sentinels));
    if (w->nodes == NULL || w->sentinels == NULL) { return werr(w, "out of memory"); }
    ssize_t n = readlink("/proc/self/exe", w->exe, sizeof(w->exe) - 1);
    if (n <= 0) { return werr(w, "cannot read /proc/self/exe: %s", strerror(errno)); }
    w->exe[n] = '\0';
    if (real_guard_start(&w->guard, w->errstr, sizeof(w->errstr)) != 0) { return -1; }
    w->guarded = true;
    w->next_port =
        PORT_BASE_MIN + (uint32_t)((uint64_t)getpid() * 7919u + real__now_ms()) % PORT_BASE_SPAN;
    for (uint32_t i = 0; i < scn->nodes_len; i++) {
        struct scn_proc id = {SCN_PROC_NODE, i};
        const struct scn_node *sn = &scn->nodes[i];
        if (proc_prepare(w, &w->nodes[i], id, sn->name, sn->requirepass) != 0) { return -1; }
    }
    for (uint32_t i = 0; i < scn->sentinels_len; i++) {
        struct scn_proc id = {SCN_PROC_SENTINEL, i};
        const struct scn_sentinel *ss = &scn->sentinels[i];
        if (proc_prepare(w, &w->sentinels[i], id, ss->name, ss->requirepass) != 0) { return -1; }
        w->sentinels[i].core = sentinel_is_core(ss, i, mode);
    }
    if (netns && real_netns_setup(w) != 0) { return -1; }
    return 0;
}

/* ---------------------------------------------------------------- config files */

struct buf {
    char *p;
    size_t len;
    size_t cap;
    bool overflow;
};

static void add(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len) {
        b->overflow = true;
        return;
    }
    b->len += (size_t)n;
}

/* Lines every process shares: where it listens and where its files go. */
static void common_config(const struct real_world *w,
                          const struct real_proc *p,
                          struct buf *b,
                          const char *loglevel) {
    add(b, "# sentsim %s: %s of scenario %s\n", p->id.kind == SCN_PROC_NODE ? "node" : "sentinel",
        p->name, w->scn->name);
    add(b, "port %u\nbind %s\n", (unsigned)p->port, p->ip);
    /* Namespaces listen on a non-loopback address: no protected mode there. */
    if (w->netns) { add(b, "protected-mode no\n"); }
    add(b, "daemonize no\ndir %s\nlogfile %s\nloglevel %s\n", p->dir, p->log, loglevel);
    if (p->pass[0] != '\0') { add(b, "requirepass %s\n", p->pass); }
}

static void node_config(const struct real_world *w, const struct real_proc *p, struct buf *b) {
    const struct scn_node *n = &w->scn->nodes[p->id.index];
    common_config(w, p, b, "notice");
    add(b, "save \"\"\n");
    /* Durable data only matters when a workload wrote some. */
    add(b, "appendonly %s\n", w->scn->workload.enabled ? "yes" : "no");
    /* Redis 7.0 waits 5 s before a diskless full sync; the simulator does not. */
    add(b, "repl-diskless-sync-delay 0\n");
    if (n->replicaof >= 0) {
        const struct real_proc *up = &w->nodes[n->replicaof];
        add(b, "replicaof %s %u\n", up->ip, (unsigned)up->port);
    }
    add(b, "replica-priority %u\n", (unsigned)n->priority);
    add(b, "replica-announced %s\n", n->announced ? "yes" : "no");
    if (n->masterauth[0] != '\0') { add(b, "masterauth %s\n", n->masterauth); }
    if (n->min_replicas_to_write > 0) {
        add(b, "min-replicas-to-write %u\nmin-replicas-max-lag %u\n",
            (unsigned)n->min_replicas_to_write, (unsigned)n->min_replicas_max_lag_s);
    }
}

static void sentinel_config(const struct real_world *w, const struct real_proc *p, struct buf *b) {
    const struct scn_sentinel *s = &w->scn->sentinels[p->id.index];
    common_config(w, p, b, "verbose");
    if (s->sentinel_user[0] != '\0') { add(b, "sentinel sentinel-user %s\n", s->sentinel_user); }
    if (s->sentinel_pass[0] != '\0') { add(b, "sentinel sentinel-pass %s\n", s->sentinel_pass); }
    for (uint32_t g = 0; g < w->scn->groups_len; g++) {
        const struct scn_group *grp = &w->scn->groups[g];
        const struct scn_master_settings *st = &grp->settings;
        const struct real_proc *m = &w->nodes[grp->master];
        add(b, "sentinel monitor %s %s %u %u\n", grp->name, m->ip, (unsigned)m->port,
            (unsigned)st->quorum);
        add(b, "sentinel down-after-milliseconds %s %u\n", grp->name, (unsigned)st->down_after_ms);
        add(b, "sentinel failover-timeout %s %u\n", grp->name, (unsigned)st->failover_timeout_ms);
        add(b, "sentinel parallel-syncs %s %u\n", grp->name, (unsigned)st->parallel_syncs);
        if (st->master_reboot_down_after_ms > 0) {
            add(b, "sentinel master-reboot-down-after-period %s %u\n", grp->name,
                (unsigned)st->master_reboot_down_after_ms);
        }
        if (st->auth_pass[0] != '\0') {
            add(b, "sentinel auth-pass %s %s\n", grp->name, st->auth_pass);
        }
        if (st->auth_user[0] != '\0') {
            add(b, "sentinel auth-user %s %s\n", grp->name, st->auth_user);
        }
    }
}

static int write_config(struct real_world *w, const struct real_proc *p) {
    char text[CONF_MAX];
    struct buf b = {text, 0, sizeof(text), false};
    if (p->id.kind == SCN_PROC_NODE) {
        node_config(w, p, &b);
    } else {
        sentinel_config(w, p, &b);
    }
    if (b.overflow) { return werr(w, "%s: generated config exceeds %d bytes", p->name, CONF_MAX); }
    if (real__write_file(p->conf, text, b.len) != 0) {
        return werr(w, "cannot write %s: %s", p->conf, strerror(errno));
    }
    return 0;
}

/* ---------------------------------------------------------------- ports */

static bool port_free(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { return false; }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

static int pick_port(struct real_world *w, uint16_t *out) {
    for (uint32_t tries = 0; tries < PORT_BASE_SPAN; tries++) {
        uint32_t port = w->next_port++;
        if (w->next_port >= PORT_BASE_MIN + PORT_BASE_SPAN) { w->next_port = PORT_BASE_MIN; }
        if (port == 6379 || port == 26379) { continue; }
        /* A sentinel's or node's port + 10000 is never used by Redis (no cluster bus). */
        if (port_free((uint16_t)port)) {
            *out = (uint16_t)port;
            return 0;
        }
    }
    return werr(w, "no free loopback port in %u..%u", PORT_BASE_MIN,
                PORT_BASE_MIN + PORT_BASE_SPAN - 1);
}

/* ---------------------------------------------------------------- processes */

bool real_proc_alive(struct real_proc *p) {
    if (p->pid <= 0) { return false; }
    int status;
    pid_t r = waitpid(p->pid, &status, WNOHANG);
    if (r == p->pid || (r < 0 && errno == ECHILD)) {
        p->pid = 0;
        p->paused = false;
        return false;
    }
    return true;
}

void real_proc_stop(struct real_proc *p) {
    if (p->pid <= 0) { return; }
    kill(p->pid, SIGKILL);
    if (p->paused) { kill(p->pid, SIGCONT); }
    while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR) {}
    p->pid = 0;
    p->paused = false;
}

static _Noreturn void child_exec(const struct real_world *w, const struct real_proc *p) {
    if (real_guard_child_enter(&w->guard) != 0) { _exit(126); }
    if (p->netns[0] != '\0' && real_netns_enter(p->netns) != 0) { _exit(126); }
    if (chdir(p->dir) != 0) { _exit(126); }
    char out[REAL_PATH_MAX + 16];
    snprintf(out, sizeof(out), "%s/stdout.log", p->dir);
    int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600);
    int devnull = open("/dev/null", O_RDONLY);
    if (fd < 0 || devnull < 0) { _exit(126); }
    dup2(devnull, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    char conf[REAL_PATH_MAX];
    snprintf(conf, sizeof(conf), "%s", p->conf);
    if (p->id.kind == SCN_PROC_NODE) {
        const char *bin = getenv("REDIS_SERVER");
        char prog[REAL_PATH_MAX];
        snprintf(prog, sizeof(prog), "%s", bin != NULL ? bin : "redis-server");
        char *argv[] = {prog, conf, NULL};
        execvp(prog, argv);
    } else if (!p->core) {
        const char *bin = getenv("REDIS_SENTINEL");
        char prog[REAL_PATH_MAX];
        snprintf(prog, sizeof(prog), "%s", bin != NULL ? bin : "redis-sentinel");
        char *argv[] = {prog, conf, NULL};
        execvp(prog, argv);
    } else {
        char prog[REAL_PATH_MAX], cmd[] = "sentinel";
        snprintf(prog, sizeof(prog), "%s", w->exe);
        char *argv[] = {prog, cmd, conf, NULL};
        execv(prog, argv);
    }
    _exit(127);
}

static int spawn(struct real_world *w, struct real_proc *p) {
    REAL_ASSERT(p->pid == 0);
    pid_t pid = fork();
    if (pid < 0) { return werr(w, "fork: %s", strerror(errno)); }
    if (pid == 0) { child_exec(w, p); }
    /* Both sides set the group, so it holds whichever runs first. */
    setpgid(pid, w->guard.anchor);
    p->pid = pid;
    p->paused = false;
    return 0;
}

/* The last non-empty line of a file, for error messages. */
static void last_line(const char *path, char *out, size_t outlen) {
    char text[8192];
    out[0] = '\0';
    long n = real__read_file(path, text, sizeof(text));
    if (n <= 0) { return; }
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) {
        text[--n] = '\0';
    }
    const char *nl = strrchr(text, '\n');
    const char *src = nl != NULL ? nl + 1 : text;
    size_t len = strlen(src);
    if (len >= outlen) { len = outlen - 1; }
    memcpy(out, src, len);
    out[len] = '\0';
}

/* Waits until the process answers PING, and is the one we started. */
static int wait_up(struct real_world *w, struct real_proc *p) {
    uint64_t deadline = real__now_ms() + UP_TIMEOUT_MS;
    char err[160] = "no answer yet";
    while (real__now_ms() < deadline && !real_interrupted()) {
        if (!real_proc_alive(p)) {
            char line[200];
            last_line(p->log, line, sizeof(line));
            if (line[0] == '\0') {
                char out[REAL_PATH_MAX + 16];
                snprintf(out, sizeof(out), "%s/stdout.log", p->dir);
                last_line(out, line, sizeof(line));
            }
            return werr(w, "%s exited at start (%s:%u): %s", p->name, p->ip, (unsigned)p->port,
                        line);
        }
        redisReply *r = NULL;
        const char *argv[] = {"INFO", "server"};
        if (real_query(p->ip, p->port, p->pass, QUERY_TIMEOUT_MS, &r, err, sizeof(err), 2, argv) ==
            0) {
            char pid[32];
            bool answered = r->type == REDIS_REPLY_STRING;
            bool ours = answered && (real_info_field(r->str, "process_id", pid, sizeof(pid)) != 0 ||
                                     strtol(pid, NULL, 10) == (long)p->pid);
            if (r->type == REDIS_REPLY_ERROR) {
                snprintf(err, sizeof(err), "%.150s", r->str);
            } else if (!ours) {
                snprintf(err, sizeof(err), "another process answers on this port");
            }
            real_reply_free(r);
            if (ours) { return 0; }
        }
        real__sleep_ms(10);
    }
    return werr(w, "%s (%s:%u) did not answer within %u ms: %s", p->name, p->ip, (unsigned)p->port,
                UP_TIMEOUT_MS, err);
}

/* Sends the scenario's SENTINEL DEBUG timers to a running sentinel (they are
 * not persisted, so after every start). */
static int apply_timers(struct real_world *w, struct real_proc *p) {
    REAL_ASSERT(p->id.kind == SCN_PROC_SENTINEL);
    const struct scn_timers *t = &w->scn->timers;
    for (uint32_t i = 0; i < SCN_TIMERS_LEN; i++) {
        uint32_t v = scn_timer_get(t, i);
        if (v == 0) { continue; }
        char val[16], err[160];
        snprintf(val, sizeof(val), "%u", (unsigned)v);
        const char *argv[] = {"SENTINEL", "DEBUG", scn_timer_names[i], val};
        redisReply *r = NULL;
        if (real_query(p->ip, p->port, p->pass, QUERY_TIMEOUT_MS, &r, err, sizeof(err), 4, argv) !=
            0) {
            return werr(w, "%s: SENTINEL DEBUG %s %s: %s", p->name, scn_timer_names[i], val, err);
        }
        bool ok = r->type == REDIS_REPLY_STATUS;
        if (!ok) {
            werr(w, "%s: SENTINEL DEBUG %s %s refused: %.200s", p->name, scn_timer_names[i], val,
                 r->str != NULL ? r->str : "?");
        }
        real_reply_free(r);
        if (!ok) { return -1; }
    }
    return 0;
}

static int read_myid(struct real_world *w, struct real_proc *p) {
    const char *argv[] = {"SENTINEL", "MYID"};
    redisReply *r = NULL;
    char err[160];
    if (real_query(p->ip, p->port, p->pass, QUERY_TIMEOUT_MS, &r, err, sizeof(err), 2, argv) != 0) {
        return werr(w, "%s: SENTINEL MYID: %s", p->name, err);
    }
    bool ok = r->type == REDIS_REPLY_STRING && r->len == 40;
    if (ok) { snprintf(p->myid, sizeof(p->myid), "%s", r->str); }
    real_reply_free(r);
    if (!ok) { return werr(w, "%s: SENTINEL MYID did not return a 40-character id", p->name); }
    return 0;
}

int real_proc_start(struct real_world *w, struct real_proc *p) {
    if (real_proc_alive(p)) { return werr(w, "%s is already running", p->name); }
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
        if (!p->started_once) {
            if (!w->netns && pick_port(w, &p->port) != 0) { return -1; }
            if (write_config(w, p) != 0) { return -1; }
        }
        if (spawn(w, p) != 0) { return -1; }
        if (wait_up(w, p) == 0) {
            p->started_once = true;
            if (p->id.kind == SCN_PROC_NODE) { return 0; }
            if (apply_timers(w, p) != 0) { return -1; }
            return read_myid(w, p);
        }
        real_proc_stop(p);
        /* Only a first start may move to another port, and only after losing it. */
        if (p->started_once || w->netns || strstr(w->errstr, "in use") == NULL) { return -1; }
    }
    return werr(w, "%s: no port could be bound after %d attempts", p->name, START_ATTEMPTS);
}

int real_world_start(struct real_world *w) {
    const struct scn *s = w->scn;
    /* Data nodes in replication order: a replica's config names its upstream's port. */
    uint32_t started = 0;
    for (uint32_t pass = 0; pass <= s->nodes_len && started < s->nodes_len; pass++) {
        for (uint32_t i = 0; i < s->nodes_len; i++) {
            struct real_proc *p = &w->nodes[i];
            int32_t up = s->nodes[i].replicaof;
            if (p->started_once || (up >= 0 && !w->nodes[up].started_once)) { continue; }
            if (real_proc_start(w, p) != 0) { return -1; }
            started++;
        }
    }
    if (started < s->nodes_len) { return werr(w, "replicaof chain has a cycle"); }
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        if (real_proc_start(w, &w->sentinels[i]) != 0) { return -1; }
    }
    return 0;
}

/* ---------------------------------------------------------------- readiness */

/* "" when node i replicates from its configured upstream with the link up. */
static void replica_pending(struct real_world *w, uint32_t i, char *why, size_t len) {
    struct real_proc *p = &w->nodes[i];
    const struct real_proc *up = &w->nodes[w->scn->nodes[i].replicaof];
    struct real_role role;
    why[0] = '\0';
    if (real_query_role(w, p, &role) != 0) {
        snprintf(why, len, "node %s does not answer INFO replication", p->name);
    } else if (role.is_master || role.upstream != up || !role.link_up) {
        snprintf(why, len, "node %s is not in sync with %s (%s, link %s)", p->name, up->name,
                 role.is_master ? "role master" : "role replica", role.link_up ? "up" : "down");
    }
}

/* "" when sentinel s knows the expected replicas and sentinels of group g. */
static void sentinel_pending(
    struct real_world *w, struct real_proc *p, uint32_t g, char *why, size_t len) {
    const struct scn *s = w->scn;
    uint32_t want_replicas = 0, have_r = 0, have_s = 0;
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        if (s->nodes[i].replicaof == (int32_t)s->groups[g].master) { want_replicas++; }
    }
    uint32_t want_sentinels = s->sentinels_len - 1;
    why[0] = '\0';
    if (real_query_knows(w, p, g, &have_r, &have_s) != 0) {
        snprintf(why, len, "sentinel %s does not answer SENTINEL MASTER %s", p->name,
                 s->groups[g].name);
    } else if (have_r < want_replicas || have_s < want_sentinels) {
        snprintf(why, len, "sentinel %s knows %u/%u replicas and %u/%u other sentinels of %s",
                 p->name, (unsigned)have_r, (unsigned)want_replicas, (unsigned)have_s,
                 (unsigned)want_sentinels, s->groups[g].name);
    }
}

int real_world_wait_ready(struct real_world *w, uint64_t timeout_ms) {
    const struct scn *s = w->scn;
    uint64_t deadline = real__now_ms() + timeout_ms;
    char why[REAL_ERR_MAX] = "";
    for (;;) {
        why[0] = '\0';
        for (uint32_t i = 0; i < s->nodes_len && why[0] == '\0'; i++) {
            if (s->nodes[i].replicaof >= 0) { replica_pending(w, i, why, sizeof(why)); }
        }
        for (uint32_t j = 0; j < s->sentinels_len && why[0] == '\0'; j++) {
            for (uint32_t g = 0; g < s->groups_len && why[0] == '\0'; g++) {
                sentinel_pending(w, &w->sentinels[j], g, why, sizeof(why));
            }
        }
        if (why[0] == '\0') { return 0; }
        if (real_interrupted()) { return werr(w, "interrupted while waiting: %s", why); }
        if (real__now_ms() >= deadline) { break; }
        real__sleep_ms(25);
    }
    return werr(w, "not ready after %llu ms: %s", (unsigned long long)timeout_ms, why);
}

/* ---------------------------------------------------------------- teardown */

void real_world_close(struct real_world *w) {
    if (w->scn != NULL) {
        for (uint32_t i = 0; w->nodes != NULL && i < w->scn->nodes_len; i++) {
            real_proc_stop(&w->nodes[i]);
        }
        for (uint32_t i = 0; w->sentinels != NULL && i < w->scn->sentinels_len; i++) {
            real_proc_stop(&w->sentinels[i]);
        }
    }
    if (w->guarded) {
        real_netns_leave();
        real_guard_finish(&w->guard);
        w->guarded = false;
    }
    free(w->nodes);
    free(w->sentinels);
    w->nodes = NULL;
    w->sentinels = NULL;
}
