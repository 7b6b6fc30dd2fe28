/* sentinel_loop.c: one core sentinel on the real clock and network.
 *
 * Method: the loop of core.h, with poll(2) as the wait. The core's "now" is
 * CLOCK_REALTIME, as Sentinel 7.0 uses the wall clock, so that TILT reacts
 * to real clock jumps; the wait for its next deadline is timed on the
 * monotonic clock, as Redis times its own timer, so a jump never stalls
 * the ticks. Each event is fed to the core and its outputs carried out in
 * order. Outputs are only valid until the next core_step(), so anything an
 * output causes that must go back to the core (a connect that failed at
 * once, a link broken while sending) is queued and fed after the whole
 * batch has been carried out.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real/sentinel_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "real/check.h"
#include "real/corelink.h"
#include "real/resp.h"
#include "real/sentinel_log.h"
#include "real/serve.h"
#include "real/sys.h"

#define LINKS_MAX   4096
/* Longest wait for a tick: Sentinel's timer period is at most 100 ms. */
#define TICK_MAX_MS 100
#define SAVED_TEXT  "Sentinel new configuration saved on disk"

struct loop {
    struct core_sentinel *core;
    struct real_serve *serve;
    const char *config_path;
    struct real_corelink *links[LINKS_MAX];
    size_t links_len;
    uint32_t downs[LINKS_MAX]; /* CONN_DOWN inputs waiting for the batch to end */
    size_t downs_len;
    bool persist_failed; /* the last PERSIST failed: its "saved" line is a lie */
    bool exiting;
    int exit_status;
    uint64_t deadline_wall; /* the core's last deadline (its wall clock) */
    uint64_t deadline_mono; /* when to tick for it (monotonic clock) */
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) {
    got_signal = sig;
}

/* ---------------------------------------------------------------- persist */

static int fsync_dir(const char *path) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof(dir), ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { return -1; }
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int real__sentinel_persist(const char *path, const char *text, size_t len) {
    char tmp[PATH_MAX];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) { return -1; }
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777) : 0644;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR) { continue; }
        if (n <= 0) { goto fail; }
        off += (size_t)n;
    }
    if (fchmod(fd, mode) != 0 || fsync(fd) != 0) { goto fail; }
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) { goto fail; }
    return fsync_dir(path);
fail:;
    int saved = errno;
    if (fd >= 0) { close(fd); }
    unlink(tmp);
    errno = saved;
    return -1;
}

/* ---------------------------------------------------------------- links */

static size_t link_index(const struct loop *lp, uint32_t conn) {
    for (size_t i = 0; i < lp->links_len; i++) {
        if (lp->links[i]->conn == conn) { return i; }
    }
    return SIZE_MAX;
}

static void link_remove(struct loop *lp, size_t i) {
    REAL_ASSERT(i < lp->links_len);
    real_corelink_free(lp->links[i]);
    lp->links[i] = lp->links[--lp->links_len];
}

/* Drops a broken link and queues its CONN_DOWN for after the batch. */
static void link_broken(struct loop *lp, size_t i) {
    struct real_corelink *l = lp->links[i];
    real_sentinel_log(CORE_LEVEL_DEBUG, "link %u down: %s", (unsigned)l->conn, l->errstr);
    REAL_ASSERT(lp->downs_len < LINKS_MAX);
    lp->downs[lp->downs_len++] = l->conn;
    link_remove(lp, i);
}

/* ---------------------------------------------------------------- outputs */

static void out_connect(struct loop *lp, const struct core_output *o) {
    if (lp->links_len == LINKS_MAX) {
        REAL_ASSERT(lp->downs_len < LINKS_MAX);
        lp->downs[lp->downs_len++] = o->conn;
        return;
    }
    REAL_ASSERT(link_index(lp, o->conn) == SIZE_MAX);
    struct real_corelink *l =
        real_corelink_open(o->conn, o->conn_kind == CORE_CONN_PUBSUB, o->ip, o->port);
    lp->links[lp->links_len++] = l;
    if (l->broken) { link_broken(lp, lp->links_len - 1); }
}

static void out_send(struct loop *lp, const struct core_output *o) {
    size_t i = link_index(lp, o->conn);
    /* A link we already reported down: the core has not heard of it yet. */
    if (i == SIZE_MAX) { return; }
    real_corelink_send(lp->links[i], o->cmd, o->argc, o->argv, o->argv_len);
    if (lp->links[i]->broken) { link_broken(lp, i); }
}

static void out_persist(struct loop *lp, const struct core_output *o) {
    lp->persist_failed = real__sentinel_persist(lp->config_path, o->text, o->text_len) != 0;
    if (lp->persist_failed) {
        real_sentinel_log(CORE_LEVEL_WARNING,
                          "WARNING: Sentinel was not able to save the new configuration on "
                          "disk!!!: %s",
                          strerror(errno));
    }
}

static void out_event(struct loop *lp, const struct core_output *o) {
    char line[REAL_SENTINEL_LOG_TEXT_MAX + 1];
    int n = snprintf(line, sizeof(line), "%s %.*s", o->type, (int)o->text_len, o->text);
    if (n > 0) {
        real_sentinel_log_text(o->level, line,
                               (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
    }
    if (o->level != CORE_LEVEL_DEBUG && lp->serve != NULL) {
        real_serve_publish(lp->serve, o->type, strlen(o->type), o->text, o->text_len);
    }
}

static void out_log(struct loop *lp, const struct core_output *o) {
    bool saved = o->text_len == strlen(SAVED_TEXT) && memcmp(o->text, SAVED_TEXT, o->text_len) == 0;
    if (saved && lp->persist_failed) { return; }
    real_sentinel_log_text(o->level, o->text, o->text_len);
}

static void apply(struct loop *lp, const struct core_output *o) {
    switch (o->kind) {
    case CORE_OUT_CONNECT:
        out_connect(lp, o);
        break;
    case CORE_OUT_CLOSE: {
        size_t i = link_index(lp, o->conn);
        if (i != SIZE_MAX) { link_remove(lp, i); }
        break;
    }
    case CORE_OUT_SEND:
        out_send(lp, o);
        break;
    case CORE_OUT_PERSIST:
        out_persist(lp, o);
        break;
    case CORE_OUT_REPLY:
        if (o->client != REAL_SERVE_INTERNAL_CLIENT && lp->serve != NULL) {
            real_serve_reply(lp->serve, o->client, o->reply);
        }
        break;
    case CORE_OUT_EVENT:
        out_event(lp, o);
        break;
    case CORE_OUT_LOG:
        out_log(lp, o);
        break;
    case CORE_OUT_EXPLAIN:
        real_sentinel_log_text(CORE_LEVEL_DEBUG, o->text, o->text_len);
        break;
    case CORE_OUT_CRASH:
        /* The core logged why; like Sentinel, stop without any cleanup. */
        _exit(o->status);
    case CORE_OUT_EXIT:
        lp->exiting = true;
        lp->exit_status = o->status;
        break;
    default:
        REAL_UNREACHABLE();
    }
}

/* Feeds one input and carries out its outputs (not the queued downs). */
static void step(struct loop *lp, const struct core_input *in) {
    /* After EXIT the core is halted: the rest of this pass is moot. */
    if (lp->exiting) { return; }
    const struct core_output *outs;
    size_t outs_len;
    int rc = core_step(lp->core, real__now_ms(), in, &outs, &outs_len);
    REAL_ASSERT(rc == CORE_OK);
    for (size_t i = 0; i < outs_len; i++) {
        apply(lp, &outs[i]);
    }
}

static void flush_downs(struct loop *lp) {
    for (size_t i = 0; i < lp->downs_len; i++) {
        struct core_input in = {.kind = CORE_IN_CONN_DOWN, .conn = lp->downs[i]};
        step(lp, &in);
    }
    lp->downs_len = 0;
}

/* ---------------------------------------------------------------- inputs */

static void on_command(
    void *ud, uint64_t client, uint32_t argc, const char *const *argv, const size_t *argv_len) {
    struct loop *lp = ud;
    struct core_input in = {.kind = CORE_IN_COMMAND,
                            .client = client,
                            .argc = argc,
                            .argv = argv,
                            .argv_len = argv_len};
    step(lp, &in);
}

static void on_serve_log(void *ud, int level, const char *text) {
    (void)ud;
    real_sentinel_log((enum core_level)level, "%s", text);
}

/* Handles one link's poll result: handshake, replies, failure. */
static void link_ready(struct loop *lp, uint32_t conn, short revents) {
    size_t i = link_index(lp, conn);
    if (i == SIZE_MAX) { return; }
    char local_ip[CORE_IP_MAX];
    if (real_corelink_ready(lp->links[i], revents, local_ip, sizeof(local_ip)) == 1) {
        struct core_input up = {.kind = CORE_IN_CONN_UP, .conn = conn, .local_ip = local_ip};
        step(lp, &up);
        return;
    }
    for (;;) {
        i = link_index(lp, conn);
        if (i == SIZE_MAX) { return; }
        struct core_input in;
        struct core_reply *reply;
        if (real_corelink_next(lp->links[i], &in, &reply) == 0) { break; }
        step(lp, &in);
        real_resp_reply_free(reply);
    }
    if (lp->links[i]->broken) { link_broken(lp, i); }
}

static void shutdown_on_signal(struct loop *lp) {
    int sig = got_signal;
    got_signal = 0;
    real_sentinel_log(CORE_LEVEL_WARNING, "Received %s scheduling shutdown...",
                      sig == SIGINT ? "SIGINT" : "SIGTERM");
    static const char *const argv[] = {"SHUTDOWN"};
    static const size_t argv_len[] = {8};
    on_command(lp, REAL_SERVE_INTERNAL_CLIENT, 1, argv, argv_len);
    if (!lp->exiting) {
        /* The core refused or does not model SHUTDOWN: exit the same way. */
        real_sentinel_log(CORE_LEVEL_WARNING, "Sentinel is now ready to exit, bye bye...");
        lp->exiting = true;
        lp->exit_status = 0;
    }
}

/* One pass: tick if due, wait for sockets until the deadline, handle them. */
static uint64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Converts a new core deadline (wall clock) into a monotonic instant, taken
 * right after the step that set it, when both clocks agree. Ticks then keep
 * their pace whatever the wall clock does in between, as Redis's timer
 * does, and the core sees the jump in `now` (TILT). After a tick the
 * deadline is always re-read, so an unchanged one cannot make us spin. */
static void track_deadline(struct loop *lp, bool after_tick) {
    uint64_t deadline = core_deadline_ms(lp->core);
    if (deadline == lp->deadline_wall && !after_tick) { return; }
    uint64_t wall = real__now_ms();
    uint64_t wait = deadline > wall ? deadline - wall : 0;
    lp->deadline_wall = deadline;
    lp->deadline_mono = mono_ms() + (wait < TICK_MAX_MS ? wait : TICK_MAX_MS);
}

/* One pass: tick if due, wait for sockets until the deadline, handle them. */
static void loop_once(struct loop *lp, struct pollfd *fds, uint32_t *conns) {
    track_deadline(lp, false);
    if (mono_ms() >= lp->deadline_mono) {
        struct core_input tick = {.kind = CORE_IN_TICK};
        step(lp, &tick);
        flush_downs(lp);
        track_deadline(lp, true);
    }
    size_t nserve = lp->serve ? real_serve_pollfds(lp->serve, fds, REAL_SERVE_POLLFDS_MAX) : 0;
    size_t n = nserve;
    for (size_t i = 0; i < lp->links_len; i++) {
        short ev = real_corelink_events(lp->links[i]);
        if (ev == 0) { continue; }
        conns[n - nserve] = lp->links[i]->conn;
        fds[n++] = (struct pollfd){.fd = lp->links[i]->fd, .events = ev};
    }
    uint64_t now = mono_ms();
    uint64_t wait = lp->deadline_mono > now ? lp->deadline_mono - now : 0;
    int timeout = (int)(wait < TICK_MAX_MS ? wait : TICK_MAX_MS);
    int rc = poll(fds, (nfds_t)n, timeout);
    if (rc < 0) {
        REAL_ASSERT(errno == EINTR);
        return;
    }
    if (lp->serve != NULL) { real_serve_ready(lp->serve, fds, nserve); }
    flush_downs(lp);
    for (size_t k = nserve; k < n; k++) {
        if (fds[k].revents != 0) { link_ready(lp, conns[k - nserve], fds[k].revents); }
        flush_downs(lp);
    }
    /* Replies and publications produced by link events go out next pass;
     * let the server flush them now rather than after a poll wakeup. */
    if (lp->serve != NULL) { real_serve_ready(lp->serve, fds, 0); }
}

int real__sentinel_run(struct core_sentinel *core,
                       const struct real_sentinel_conf *conf,
                       const char *config_path,
                       uint32_t clients_max) {
    struct loop *lp = real_resp_xcalloc(1, sizeof(*lp));
    lp->core = core;
    lp->config_path = config_path;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct real_serve_config scfg = {
        .port = core_port(core), .clients_max = clients_max, .requirepass = conf->requirepass};
    for (int i = 0; i < conf->binds_len; i++) {
        scfg.binds[scfg.binds_len++] = conf->binds[i];
    }
    struct real_serve_callbacks cbs = {.command_cb = on_command, .log_cb = on_serve_log, .ud = lp};
    /* Like redis-sentinel (no unix socket here): port 0 would serve nobody. */
    if (scfg.port == 0) {
        real_sentinel_log(CORE_LEVEL_WARNING, "Configured to not listen anywhere, exiting.");
        core_free(core);
        free(lp);
        return 1;
    }
    char err[256];
    if (real_serve_open(&scfg, &cbs, &lp->serve, err, sizeof(err)) != 0) {
        real_sentinel_log(CORE_LEVEL_WARNING, "Warning: %s", err);
        real_sentinel_log(CORE_LEVEL_WARNING, "Failed listening on port %u (tcp), aborting.",
                          (unsigned)scfg.port);
        core_free(core);
        free(lp);
        return 1;
    }
    real_sentinel_log(CORE_LEVEL_NOTICE, "Running mode=sentinel, port=%u.", (unsigned)scfg.port);
    struct core_input start = {.kind = CORE_IN_START};
    step(lp, &start);
    flush_downs(lp);

    struct pollfd *fds = real_resp_xcalloc(REAL_SERVE_POLLFDS_MAX + LINKS_MAX, sizeof(*fds));
    uint32_t *conns = real_resp_xcalloc(LINKS_MAX, sizeof(*conns));
    while (!lp->exiting) {
        if (got_signal != 0) {
            shutdown_on_signal(lp);
            break;
        }
        loop_once(lp, fds, conns);
    }
    int status = lp->exit_status;
    free(fds);
    free(conns);
    while (lp->links_len > 0) {
        link_remove(lp, lp->links_len - 1);
    }
    real_serve_free(lp->serve);
    core_free(lp->core);
    free(lp);
    return status;
}
