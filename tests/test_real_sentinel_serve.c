/* test_real_sentinel_serve.c: `sentsim sentinel` as a process: start-up and
 * config errors, serving commands, discovery, Pub/Sub events, the config
 * rewrite, authentication, clean shutdown, and robustness against hostile
 * clients and hostile "servers" (real redis-server processes on loopback).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tests/support/real_sentinel_harness.h"

static struct rsh_proc master, replica, ours;

static int setup(void **state) {
    (void)state;
    rsh_setup();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    rsh_teardown();
    return 0;
}

/* Starts master + replica and our sentinel monitoring them with quorum 1. */
static void start_trio(const char *extra) {
    rsh_redis(&master, "master", 0);
    assert_true(rsh_wait_up(master.port, 5000));
    rsh_redis(&replica, "replica", master.port);
    assert_true(rsh_wait_up(replica.port, 5000));
    char body[1024];
    snprintf(body, sizeof(body),
             "sentinel monitor mymaster 127.0.0.1 %u 1\n"
             "sentinel down-after-milliseconds mymaster 1500\n"
             "sentinel failover-timeout mymaster 6000\n%s",
             (unsigned)master.port, extra);
    rsh_sentinel(&ours, "ours", true, body);
}

static bool replica_known(void *arg) {
    (void)arg;
    char *n = rsh_master_field(ours.port, "mymaster", "num-slaves");
    bool ok = n != NULL && strcmp(n, "1") == 0;
    free(n);
    return ok;
}

static bool reply_is(redisReply *r, int type, const char *str) {
    bool ok = r != NULL && r->type == type && (str == NULL || strcmp(r->str, str) == 0);
    if (r != NULL) { freeReplyObject(r); }
    return ok;
}

/* Goal: our sentinel starts from a config file, answers PING, MYID, MASTER,
 * GET-MASTER-ADDR-BY-NAME, discovers the replica through INFO, and rewrites
 * its config in place (myid persisted, known-replica added, comments kept).
 * Method: a real master and replica; poll SENTINEL MASTER; read the file. */
static void test_sentinel_serve_monitors_and_rewrites(void **state) {
    (void)state;
    start_trio("# a comment that must survive\n");
    assert_true(rsh_wait_up(ours.port, 5000));
    redisReply *r = rsh_cmd(ours.port, "SENTINEL MYID");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_int_equal(r->len, 40);
    char myid[41];
    memcpy(myid, r->str, 41);
    freeReplyObject(r);
    assert_true(rsh_wait(replica_known, NULL, 15000));
    char *flags = rsh_master_field(ours.port, "mymaster", "flags");
    assert_string_equal(flags, "master");
    free(flags);
    r = rsh_cmd(ours.port, "SENTINEL GET-MASTER-ADDR-BY-NAME mymaster");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    assert_string_equal(r->element[0]->str, "127.0.0.1");
    assert_int_equal(atoi(r->element[1]->str), master.port);
    freeReplyObject(r);
    r = rsh_cmd(ours.port, "SENTINEL REPLICAS mymaster");
    assert_non_null(r);
    assert_int_equal(r->elements, 1);
    freeReplyObject(r);
    assert_true(reply_is(rsh_cmd(ours.port, "SENTINEL GET-MASTER-ADDR-BY-NAME nosuch"),
                         REDIS_REPLY_NIL, NULL));
    char *conf = rsh_read(ours.conf);
    assert_non_null(conf);
    char want[128];
    snprintf(want, sizeof(want), "sentinel myid %s", myid);
    assert_non_null(strstr(conf, want));
    snprintf(want, sizeof(want), "sentinel known-replica mymaster 127.0.0.1 %u",
             (unsigned)replica.port);
    assert_non_null(strstr(conf, want));
    assert_non_null(strstr(conf, "# a comment that must survive"));
    free(conf);
    assert_true(rsh_count(ours.log, "Sentinel ID is") == 1);
    assert_true(rsh_count(ours.log, "+monitor master mymaster") == 1);
}

/* Reads Pub/Sub messages from a subscribed context until `type` arrives. */
static bool wait_message(redisContext *c, const char *channel, const char *needle, int timeout_ms) {
    uint64_t end = rsh_now_ms() + (uint64_t)timeout_ms;
    while (rsh_now_ms() < end) {
        redisReply *r = NULL;
        if (redisGetReply(c, (void **)&r) != REDIS_OK) {
            if (c->err == REDIS_ERR_IO) {
                c->err = 0;
                continue;
            }
            return false;
        }
        /* ["message", channel, payload] or ["pmessage", pattern, channel, payload] */
        size_t at = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 4 ? 2 : 1;
        bool hit = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == at + 2 &&
                   strcmp(r->element[0]->str, at == 2 ? "pmessage" : "message") == 0 &&
                   strcmp(r->element[at]->str, channel) == 0 &&
                   strstr(r->element[at + 1]->str, needle) != NULL;
        if (r != NULL) { freeReplyObject(r); }
        if (hit) { return true; }
    }
    return false;
}

/* Goal: a subscriber receives +sdown (payload = event text) when the master
 * dies, a pattern subscriber gets it as a pmessage, PING works in subscribed
 * mode and other commands are refused there. Method: SUBSCRIBE +sdown and
 * PSUBSCRIBE *down on two connections, kill the master (down-after 1500 ms),
 * read messages for up to 10 s. */
static void test_sentinel_serve_publishes_sdown(void **state) {
    (void)state;
    start_trio("");
    assert_true(rsh_wait_up(ours.port, 5000));
    assert_true(rsh_wait(replica_known, NULL, 15000));
    struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", ours.port, tv);
    assert_true(c != NULL && c->err == 0);
    redisSetTimeout(c, tv);
    redisReply *r = redisCommand(c, "SUBSCRIBE +sdown");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_string_equal(r->element[0]->str, "subscribe");
    freeReplyObject(r);
    r = redisCommand(c, "PING");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_string_equal(r->element[0]->str, "pong");
    freeReplyObject(r);
    r = redisCommand(c, "SENTINEL MASTERS");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_non_null(strstr(r->str, "only (P|S)SUBSCRIBE"));
    freeReplyObject(r);
    redisContext *pc = redisConnectWithTimeout("127.0.0.1", ours.port, tv);
    assert_true(pc != NULL && pc->err == 0);
    redisSetTimeout(pc, tv);
    r = redisCommand(pc, "PSUBSCRIBE *down");
    assert_non_null(r);
    assert_string_equal(r->element[0]->str, "psubscribe");
    assert_int_equal(r->element[2]->integer, 1);
    freeReplyObject(r);
    rsh_kill(&master);
    char needle[64];
    snprintf(needle, sizeof(needle), "master mymaster 127.0.0.1 %u", (unsigned)master.port);
    assert_true(wait_message(c, "+sdown", needle, 10000));
    assert_true(wait_message(pc, "+sdown", needle, 10000));
    r = redisCommand(c, "UNSUBSCRIBE");
    assert_non_null(r);
    assert_string_equal(r->element[0]->str, "unsubscribe");
    assert_int_equal(r->element[2]->integer, 0);
    freeReplyObject(r);
    redisFree(pc);
    redisFree(c);
}

/* Opens a raw TCP connection to port. */
static int raw_connect(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* True if the server closes fd within timeout_ms (reading what it says). */
static bool closed_by_peer(int fd, int timeout_ms) {
    uint64_t end = rsh_now_ms() + (uint64_t)timeout_ms;
    char buf[4096];
    while (rsh_now_ms() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0) { continue; }
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) { return true; }
    }
    return false;
}

/* Goal: hostile clients are disconnected and the sentinel keeps serving.
 * Method: garbage bytes, a huge bulk length, a 1M-element array header, an
 * endless inline line, a request past the query-buffer bound and a client
 * that never reads its replies, each on its own connection; afterwards
 * PING and SENTINEL MASTERS still answer. */
static void test_sentinel_serve_drops_hostile_clients(void **state) {
    (void)state;
    start_trio("");
    assert_true(rsh_wait_up(ours.port, 5000));
    static const char *const attacks[] = {
        "*1\r\n\x01\x02\x03garbage\r\n",
        "*1\r\n$99999999999\r\n",
        "*1000000\r\n",
        "*2\r\n$4\r\nPING\r\n:1\r\n",
    };
    for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        int fd = raw_connect(ours.port);
        assert_int_equal(write(fd, attacks[i], strlen(attacks[i])), (ssize_t)strlen(attacks[i]));
        assert_true(closed_by_peer(fd, 3000));
        close(fd);
    }
    /* 200 KiB without a newline: past the inline bound. */
    int fd = raw_connect(ours.port);
    char *junk = malloc(200 * 1024);
    memset(junk, 'x', 200 * 1024);
    (void)write(fd, junk, 200 * 1024);
    free(junk);
    assert_true(closed_by_peer(fd, 3000));
    close(fd);
    /* Eight arguments of 512 KiB each: every length is allowed, but the
     * request outgrows the 4 MiB query buffer before it completes. */
    fd = raw_connect(ours.port);
    const char *hdr = "*9\r\n$3\r\nSET\r\n";
    (void)write(fd, hdr, strlen(hdr));
    char *blob = malloc(512 * 1024);
    memset(blob, 'y', 512 * 1024);
    bool closed = false;
    for (int i = 0; i < 8 && !closed; i++) {
        const char *bulk = "$524288\r\n";
        closed = send(fd, bulk, strlen(bulk), MSG_NOSIGNAL) < 0 ||
                 send(fd, blob, 512 * 1024, MSG_NOSIGNAL) < 0 ||
                 send(fd, "\r\n", 2, MSG_NOSIGNAL) < 0;
    }
    free(blob);
    assert_true(closed || closed_by_peer(fd, 3000));
    close(fd);
    /* A client that pipelines requests but never reads its replies is
     * dropped once 64 MiB of them wait for it. */
    fd = raw_connect(ours.port);
    const char *req = "SENTINEL MASTER mymaster\r\n";
    size_t req_len = strlen(req), batch = 4096;
    char *many = malloc(req_len * batch);
    for (size_t i = 0; i < batch; i++) {
        memcpy(many + i * req_len, req, req_len);
    }
    uint64_t end = rsh_now_ms() + 20000;
    while (rsh_count(ours.log, "overcoming of output buffer limits") == 0 && rsh_now_ms() < end) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, 100) > 0 && send(fd, many, req_len * batch, MSG_NOSIGNAL) < 0) { break; }
    }
    free(many);
    close(fd);
    assert_int_equal(rsh_count(ours.log, "overcoming of output buffer limits"), 1);
    assert_true(rsh_wait_up(ours.port, 2000));
    redisReply *r = rsh_cmd(ours.port, "SENTINEL MASTERS");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 1);
    freeReplyObject(r);
    assert_true(ours.pid > 0 && kill(ours.pid, 0) == 0);
}

/* Goal: a storm of random bytes from many clients at once never stops the
 * sentinel from answering the well-behaved. Method: 32 connections fed
 * seeded random bytes (half of them framed like RESP, to get past the
 * first line) for 5 s, reconnecting when dropped, with a PING between
 * bursts; the process must live and answer throughout. */
static void test_sentinel_serve_survives_garbage_storm(void **state) {
    (void)state;
    start_trio("");
    assert_true(rsh_wait_up(ours.port, 5000));
    enum { CONNS = 32 };
    int fds[CONNS];
    for (int i = 0; i < CONNS; i++) {
        fds[i] = raw_connect(ours.port);
    }
    unsigned seed = 20261122;
    uint64_t end = rsh_now_ms() + 5000;
    long sent = 0;
    while (rsh_now_ms() < end) {
        for (int i = 0; i < CONNS; i++) {
            char buf[2048];
            size_t n = (size_t)(rand_r(&seed) % (int)sizeof(buf)) + 1;
            for (size_t k = 0; k < n; k++) {
                buf[k] = (char)rand_r(&seed);
            }
            if (i % 2 == 0 && n > 16) {
                int m = snprintf(buf, 16, "*%d\r\n$%d\r\n", rand_r(&seed) % 12, rand_r(&seed) % 40);
                buf[m] = (char)rand_r(&seed);
            }
            if (send(fds[i], buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
                (errno == EPIPE || errno == ECONNRESET)) {
                close(fds[i]);
                fds[i] = raw_connect(ours.port);
            } else {
                sent += (long)n;
            }
            char sink[4096];
            (void)recv(fds[i], sink, sizeof(sink), MSG_DONTWAIT);
        }
        assert_true(rsh_wait_up(ours.port, 2000));
    }
    for (int i = 0; i < CONNS; i++) {
        close(fds[i]);
    }
    assert_true(sent > 100000);
    assert_true(kill(ours.pid, 0) == 0);
    assert_true(rsh_wait(replica_known, NULL, 15000));
}

static bool healthy_master_ok(void *arg) {
    (void)arg;
    char *flags = rsh_master_field(ours.port, "mymaster", "flags");
    char *n = rsh_master_field(ours.port, "mymaster", "num-slaves");
    bool ok = flags != NULL && strcmp(flags, "master") == 0 && n != NULL && strcmp(n, "1") == 0;
    free(flags);
    free(n);
    return ok;
}

/* Goal: masters that answer with garbage, a 4 MiB INFO, a truncated reply,
 * wrong types, nothing at all, a 1000-deep array or a 1M-element header do
 * not crash our sentinel, which keeps monitoring a healthy master beside
 * them and reports them down. Method: one fake server per behaviour, all
 * monitored with the healthy master; check for 8 s. */
static void test_sentinel_serve_survives_hostile_servers(void **state) {
    (void)state;
    static const enum rsh_fake_mode modes[] = {
        RSH_FAKE_GARBAGE, RSH_FAKE_HUGE_INFO, RSH_FAKE_TRUNCATED, RSH_FAKE_WRONG_TYPE,
        RSH_FAKE_SILENT,  RSH_FAKE_DEEP,      RSH_FAKE_WIDE,
    };
    enum { N = sizeof(modes) / sizeof(modes[0]) };
    struct rsh_proc fakes[N];
    char extra[2048] = "";
    size_t off = 0;
    for (size_t i = 0; i < N; i++) {
        rsh_fake(&fakes[i], modes[i]);
        off += (size_t)snprintf(extra + off, sizeof(extra) - off,
                                "sentinel monitor evil%zu 127.0.0.1 %u 1\n"
                                "sentinel down-after-milliseconds evil%zu 1000\n",
                                i, (unsigned)fakes[i].port, i);
    }
    start_trio(extra);
    assert_true(rsh_wait_up(ours.port, 5000));
    assert_true(rsh_wait(healthy_master_ok, NULL, 15000));
    uint64_t end = rsh_now_ms() + 8000;
    while (rsh_now_ms() < end) {
        assert_true(kill(ours.pid, 0) == 0);
        assert_true(rsh_wait_up(ours.port, 2000));
        usleep(200000);
    }
    assert_true(healthy_master_ok(NULL));
    for (size_t i = 0; i < N; i++) {
        char name[16];
        snprintf(name, sizeof(name), "evil%zu", i);
        char *flags = rsh_master_field(ours.port, name, "flags");
        assert_non_null(flags);
        assert_non_null(strstr(flags, "s_down"));
        free(flags);
    }
}

/* Goal: with requirepass, commands need AUTH (NOAUTH / WRONGPASS / OK),
 * as in Redis. Method: raw hiredis commands on one connection. */
static void test_sentinel_serve_requires_auth(void **state) {
    (void)state;
    start_trio("requirepass s3cret\n");
    struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
    uint64_t end = rsh_now_ms() + 5000;
    redisContext *c = NULL;
    while (rsh_now_ms() < end) {
        c = redisConnectWithTimeout("127.0.0.1", ours.port, tv);
        if (c != NULL && c->err == 0) { break; }
        if (c != NULL) { redisFree(c); }
        c = NULL;
        usleep(50000);
    }
    assert_non_null(c);
    redisReply *r = redisCommand(c, "SENTINEL MASTERS");
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_string_equal(r->str, "NOAUTH Authentication required.");
    freeReplyObject(r);
    r = redisCommand(c, "AUTH wrong");
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_non_null(strstr(r->str, "WRONGPASS"));
    freeReplyObject(r);
    r = redisCommand(c, "AUTH s3cret");
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    r = redisCommand(c, "SENTINEL MASTERS");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    r = redisCommand(c, "CLIENT SETNAME tester");
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    r = redisCommand(c, "CLIENT GETNAME");
    assert_string_equal(r->str, "tester");
    freeReplyObject(r);
    r = redisCommand(c, "COMMAND COUNT");
    assert_int_equal(r->integer, 15);
    freeReplyObject(r);
    redisFree(c);
}

/* Goal: SIGTERM ends the process with status 0 and does not rewrite the
 * config. Method: snapshot the file once it is stable, SIGTERM, compare. */
static void test_sentinel_serve_sigterm_is_clean(void **state) {
    (void)state;
    start_trio("");
    assert_true(rsh_wait_up(ours.port, 5000));
    assert_true(rsh_wait(replica_known, NULL, 15000));
    usleep(500000);
    char *before = rsh_read(ours.conf);
    assert_int_equal(rsh_signal_wait(&ours, SIGTERM, 5000), 0);
    char *after = rsh_read(ours.conf);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_true(rsh_count(ours.log, "Received SIGTERM scheduling shutdown") == 1);
}

static bool tilted(void *arg) {
    (void)arg;
    return rsh_count(ours.log, "+tilt #tilt mode entered") == 1;
}

/* Goal: TILT reacts to real time: a sentinel frozen for longer than the
 * tilt trigger (2 s) enters TILT when it resumes, says so in INFO, and
 * keeps serving. Method: SIGSTOP for 3 s, SIGCONT, read the log and INFO. */
static void test_sentinel_serve_tilt_after_freeze(void **state) {
    (void)state;
    start_trio("");
    assert_true(rsh_wait_up(ours.port, 5000));
    assert_true(rsh_wait(replica_known, NULL, 15000));
    assert_int_equal(kill(ours.pid, SIGSTOP), 0);
    usleep(3000000);
    assert_int_equal(kill(ours.pid, SIGCONT), 0);
    assert_true(rsh_wait(tilted, NULL, 3000));
    redisReply *r = rsh_cmd(ours.port, "INFO sentinel");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_non_null(strstr(r->str, "sentinel_tilt:1"));
    freeReplyObject(r);
}

/* Goal: pidfile and loglevel are honoured: the pid file holds our pid while
 * we run and is removed on SHUTDOWN; at loglevel warning no notice line
 * ("*") is written; SHUTDOWN exits 0 even with a command pipelined behind
 * it. Method: start with both, send "SHUTDOWN\r\nPING\r\n" raw. */
static void test_sentinel_serve_pidfile_and_loglevel(void **state) {
    (void)state;
    char extra[600];
    snprintf(extra, sizeof(extra), "pidfile %s/ours.pid\nloglevel warning\n", rsh_dir());
    start_trio(extra);
    assert_true(rsh_wait_up(ours.port, 5000));
    char path[600];
    snprintf(path, sizeof(path), "%s/ours.pid", rsh_dir());
    char *pid = rsh_read(path);
    assert_non_null(pid);
    assert_int_equal(atoi(pid), ours.pid);
    free(pid);
    assert_true(rsh_count(ours.log, "+monitor master mymaster") == 1);
    assert_true(rsh_count(ours.log, " * ") == 0);
    /* A command pipelined after SHUTDOWN must not reach the halted core. */
    int fd = raw_connect(ours.port);
    const char *wire = "SHUTDOWN\r\nPING\r\n";
    assert_int_equal(write(fd, wire, strlen(wire)), (ssize_t)strlen(wire));
    assert_int_equal(rsh_signal_wait(&ours, 0, 5000), 0);
    close(fd);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_true(rsh_count(ours.log, "Sentinel is now ready to exit, bye bye...") == 1);
}

/* Goal: SENTINEL SIMULATE-FAILURE crash-after-election makes the process
 * exit at once with status 99 after winning, with Sentinel's log line.
 * Method: quorum 1, arm the failure, kill the master, wait for the exit. */
static void test_sentinel_serve_simulated_crash(void **state) {
    (void)state;
    start_trio("");
    assert_true(rsh_wait_up(ours.port, 5000));
    assert_true(rsh_wait(replica_known, NULL, 15000));
    redisReply *r = rsh_cmd(ours.port, "SENTINEL SIMULATE-FAILURE crash-after-election");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    rsh_kill(&master);
    assert_int_equal(rsh_signal_wait(&ours, 0, 15000), 99);
    assert_true(rsh_count(ours.log, "+elected-leader master mymaster") == 1);
    assert_true(rsh_count(ours.log, "Sentinel CRASH because of SENTINEL simulate-failure") == 1);
}

/* Goal: `daemonize yes` detaches like Redis: the command returns 0 at once,
 * the daemon writes its pid file, serves, and on SIGTERM exits and removes
 * the pid file. Method: run the binary directly, then talk to the pid. */
static void test_sentinel_serve_daemonizes(void **state) {
    (void)state;
    rsh_redis(&master, "master", 0);
    assert_true(rsh_wait_up(master.port, 5000));
    uint16_t port = rsh_free_port();
    char conf[600], pidfile[600], text[2048];
    snprintf(conf, sizeof(conf), "%s/daemon.conf", rsh_dir());
    snprintf(pidfile, sizeof(pidfile), "%s/daemon.pid", rsh_dir());
    snprintf(text, sizeof(text),
             "port %u\nbind 127.0.0.1\ndir %s\nlogfile daemon.log\ndaemonize yes\n"
             "pidfile %s\nsentinel monitor mymaster 127.0.0.1 %u 1\n",
             (unsigned)port, rsh_dir(), pidfile, (unsigned)master.port);
    rsh_write(conf, text);
    const char *argv[] = {rsh_sentsim(), "sentinel", conf, NULL};
    char *out = NULL;
    assert_int_equal(rsh_run(argv, &out), 0);
    free(out);
    assert_true(rsh_wait_up(port, 5000));
    char *pid_text = rsh_read(pidfile);
    assert_non_null(pid_text);
    pid_t pid = (pid_t)atoi(pid_text);
    free(pid_text);
    assert_true(pid > 0);
    assert_int_equal(kill(pid, SIGTERM), 0);
    uint64_t end = rsh_now_ms() + 5000;
    while (kill(pid, 0) == 0 && rsh_now_ms() < end) {
        usleep(20000);
    }
    if (kill(pid, 0) == 0) { kill(pid, SIGKILL); }
    assert_int_not_equal(access(pidfile, F_OK), 0);
    char log[600];
    snprintf(log, sizeof(log), "%s/daemon.log", rsh_dir());
    assert_int_equal(rsh_count(log, "Received SIGTERM scheduling shutdown"), 1);
}

static bool ipv6_master_ok(void *arg) {
    uint16_t port = *(uint16_t *)arg;
    redisReply *r = rsh_cmd(port, "SENTINEL MASTER mymaster");
    bool ok = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 9 &&
              strcmp(r->element[3]->str, "::1") == 0 && strcmp(r->element[9]->str, "master") == 0;
    if (r != NULL) { freeReplyObject(r); }
    return ok;
}

/* Goal: IPv6 works both ways: our sentinel listens on ::1 and monitors a
 * master that listens on ::1 only. Method: a redis-server bound to ::1, our
 * sentinel bound to ::1 and 127.0.0.1; query over IPv6 with hiredis. */
static void test_sentinel_serve_ipv6(void **state) {
    (void)state;
    int probe = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
    bool have_v6 = probe >= 0 && bind(probe, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (probe >= 0) { close(probe); }
    if (!have_v6) { skip(); }
    rsh_redis(&master, "master", 0);
    assert_true(rsh_wait_up(master.port, 5000));
    char conf[2048];
    snprintf(conf, sizeof(conf), "port %u\nbind ::1\ndir %s\nlogfile %s\nsave \"\"\n",
             (unsigned)master.port, master.dir, master.log);
    rsh_write(master.conf, conf);
    rsh_kill(&master);
    rsh_restart(&master, false, false);
    char body[256];
    snprintf(body, sizeof(body), "bind ::1 127.0.0.1\nsentinel monitor mymaster ::1 %u 1\n",
             (unsigned)master.port);
    rsh_sentinel(&ours, "ours", true, body);
    assert_true(rsh_wait_up(ours.port, 5000));
    struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
    redisContext *c = redisConnectWithTimeout("::1", ours.port, tv);
    assert_true(c != NULL && c->err == 0);
    redisReply *r = redisCommand(c, "PING");
    assert_non_null(r);
    assert_string_equal(r->str, "PONG");
    freeReplyObject(r);
    redisFree(c);
    assert_true(rsh_wait(ipv6_master_ok, &ours.port, 10000));
}

/* Goal: config errors are reported like Redis (FATAL banner, line, reason,
 * exit 1), --check-config prints FILE:LINE: message, and a read-only config
 * file is refused. Method: run the binary on small files. */
static void test_sentinel_serve_config_errors(void **state) {
    (void)state;
    char path[600];
    snprintf(path, sizeof(path), "%s/bad.conf", rsh_dir());
    rsh_write(path, "port 0\n# fine\nsentinel monitor m 127.0.0.1 6379 0\n");
    char *out = NULL;
    const char *argv1[] = {rsh_sentsim(), "sentinel", path, NULL};
    assert_int_equal(rsh_run(argv1, &out), 1);
    assert_non_null(strstr(out, "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***"));
    assert_non_null(strstr(out, "Reading the configuration file, at line 3"));
    assert_non_null(strstr(out, ">>> 'sentinel monitor m 127.0.0.1 6379 0'"));
    assert_non_null(strstr(out, "Quorum must be 1 or greater."));
    free(out);
    const char *argv2[] = {rsh_sentsim(), "sentinel", "--check-config", path, NULL};
    assert_int_equal(rsh_run(argv2, &out), 1);
    char want[700];
    snprintf(want, sizeof(want), "%s:3: Quorum must be 1 or greater.", path);
    assert_non_null(strstr(out, want));
    free(out);
    rsh_write(path, "port 0\nloglevel loud\n");
    assert_int_equal(rsh_run(argv2, &out), 1);
    snprintf(want, sizeof(want), "%s:2: ", path);
    assert_non_null(strstr(out, want));
    free(out);
    rsh_write(path, "port 0\nsentinel monitor m 127.0.0.1 6379 2\n");
    assert_int_equal(rsh_run(argv2, &out), 0);
    free(out);
    if (geteuid() != 0) {
        chmod(path, 0400);
        assert_int_equal(rsh_run(argv1, &out), 1);
        assert_non_null(strstr(out, "is not writable"));
        free(out);
    }
    /* Port 0 serves nobody: redis-sentinel refuses to run, so do we. */
    rsh_write(path, "port 0\nsentinel monitor m 127.0.0.1 6379 2\n");
    assert_int_equal(rsh_run(argv1, &out), 1);
    assert_non_null(strstr(out, "Configured to not listen anywhere, exiting."));
    free(out);
    /* A port somebody else holds: Redis's two lines, exit 1. */
    struct rsh_proc squatter;
    rsh_fake(&squatter, RSH_FAKE_SILENT);
    char text[128];
    snprintf(text, sizeof(text), "port %u\nbind 127.0.0.1\n", (unsigned)squatter.port);
    rsh_write(path, text);
    assert_int_equal(rsh_run(argv1, &out), 1);
    assert_non_null(strstr(out, "Could not create server TCP listening socket 127.0.0.1:"));
    assert_non_null(strstr(out, "Failed listening on port"));
    free(out);
    rsh_kill(&squatter);
    const char *argv3[] = {rsh_sentsim(), "sentinel", NULL};
    assert_int_equal(rsh_run(argv3, &out), 1);
    assert_non_null(strstr(out, "Sentinel needs config file on disk to save state. Exiting..."));
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sentinel_serve_config_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_monitors_and_rewrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_publishes_sdown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_drops_hostile_clients, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_survives_hostile_servers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_survives_garbage_storm, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_requires_auth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_sigterm_is_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_tilt_after_freeze, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_pidfile_and_loglevel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_simulated_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_daemonizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentinel_serve_ipv6, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
