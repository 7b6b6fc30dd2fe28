/* test_real_link.c: the harness's Redis client against hostile peers.
 *
 * Method: a forked fake server on a loopback port answers any command with
 * canned bytes (huge array counts, deep nesting, endless bulk data, or
 * nothing at all); the client must fail the command with a message, within
 * its timeout, and never crash or allocate what the peer asks for.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "real/link.h"
#include "real/sys.h"

struct fake {
    pid_t pid;
    uint16_t port;
};

/* Listens on a free loopback port (backlog `backlog`); returns the fd. */
static int listen_any(uint16_t *port, int backlog) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, backlog), 0);
    socklen_t sl = sizeof(sa);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* Starts a server that answers the first command with `reply` and then, when
 * `stream` is set, keeps sending that many more filler bytes. */
static struct fake fake_start(const char *reply, size_t len, size_t stream) {
    struct fake f;
    int lfd = listen_any(&f.port, 8);
    f.pid = fork();
    assert_true(f.pid >= 0);
    if (f.pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        int c = accept(lfd, NULL, NULL);
        char buf[512];
        if (c < 0 || read(c, buf, sizeof(buf)) <= 0) { _exit(0); }
        if (len > 0 && write(c, reply, len) < 0) { _exit(0); }
        static char filler[65536];
        memset(filler, 'x', sizeof(filler));
        while (stream > 0) {
            size_t n = stream < sizeof(filler) ? stream : sizeof(filler);
            if (write(c, filler, n) <= 0) { break; }
            stream -= n;
        }
        pause();
        _exit(0);
    }
    close(lfd);
    return f;
}

static void fake_stop(struct fake *f) {
    kill(f->pid, SIGKILL);
    waitpid(f->pid, NULL, 0);
}

/* Sends PING to the fake and expects a clean failure whose message has `why`. */
static void expect_refused(const char *reply, size_t len, size_t stream, const char *why) {
    struct fake f = fake_start(reply, len, stream);
    struct real_link l;
    assert_int_equal(real_link_open(&l, "127.0.0.1", f.port, 1000), 0);
    redisReply *r = (redisReply *)1;
    assert_int_equal(real_link_cmd(&l, &r, "PING", NULL), -1);
    assert_null(r);
    assert_null(l.ctx);
    if (strstr(l.errstr, why) == NULL) { fail_msg("error '%s' lacks '%s'", l.errstr, why); }
    real_link_close(&l);
    fake_stop(&f);
}

static void test_real_link_refuses_huge_array_count(void **state) {
    /* Goal: an array header announcing two billion elements is refused
     * before anything is allocated. Method: the fake answers "*2000000000". */
    (void)state;
    const char reply[] = "*2000000000\r\n";
    expect_refused(reply, sizeof(reply) - 1, 0, "reply");
}

static void test_real_link_refuses_too_many_elements_in_total(void **state) {
    /* Goal: the element budget counts every level, so many modest arrays
     * cannot add up past it. Method: three nested arrays of 60000 each. */
    (void)state;
    const char reply[] = "*3\r\n*60000\r\n";
    size_t len = sizeof(reply) - 1;
    char *buf = malloc(len + 60000 * 4 + 16);
    assert_non_null(buf);
    memcpy(buf, reply, len);
    for (int i = 0; i < 60000; i++) {
        memcpy(buf + len, ":1\r\n", 4);
        len += 4;
    }
    memcpy(buf + len, "*60000\r\n", 8);
    len += 8;
    expect_refused(buf, len, 0, "reply");
    free(buf);
}

static void test_real_link_refuses_deep_nesting(void **state) {
    /* Goal: nesting deeper than the reader allows is an error, not a crash.
     * Method: twelve nested one-element arrays. */
    (void)state;
    char reply[128] = "";
    for (int i = 0; i < 12; i++) {
        strcat(reply, "*1\r\n");
    }
    strcat(reply, ":1\r\n");
    expect_refused(reply, strlen(reply), 0, "reply");
}

static void test_real_link_refuses_endless_bulk(void **state) {
    /* Goal: a bulk string bigger than the harness accepts stops the read at
     * the byte bound instead of buffering up to Redis's 512 MB. Method: the
     * fake announces a 500 MB bulk and streams 12 MB of it. */
    (void)state;
    const char reply[] = "$500000000\r\n";
    expect_refused(reply, sizeof(reply) - 1, 12u << 20, "larger than the harness accepts");
}

static void test_real_link_times_out_on_a_silent_peer(void **state) {
    /* Goal: a peer that accepts but never answers costs one timeout. Method:
     * the fake reads the command and says nothing; 300 ms timeout. */
    (void)state;
    struct fake f = fake_start("", 0, 0);
    struct real_link l;
    assert_int_equal(real_link_open(&l, "127.0.0.1", f.port, 300), 0);
    redisReply *r = NULL;
    uint64_t t0 = real__now_ms();
    assert_int_equal(real_link_cmd(&l, &r, "PING", NULL), -1);
    uint64_t took = real__now_ms() - t0;
    assert_true(took >= 250 && took < 2000);
    real_link_close(&l);
    fake_stop(&f);
}

static void test_real_link_connect_times_out(void **state) {
    /* Goal: connect is bounded although hiredis 0.14 has no connect timeout.
     * Method: a listener that never accepts, its queue already full, so the
     * kernel drops our SYN; 300 ms timeout. */
    (void)state;
    uint16_t port;
    int lfd = listen_any(&port, 0);
    int filler[4];
    for (int i = 0; i < 4; i++) {
        filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connect(filler[i], (struct sockaddr *)&sa, sizeof(sa));
    }
    real__sleep_ms(50);
    struct real_link l;
    uint64_t t0 = real__now_ms();
    assert_int_equal(real_link_open(&l, "127.0.0.1", port, 300), -1);
    uint64_t took = real__now_ms() - t0;
    assert_true(took >= 250 && took < 2000);
    assert_non_null(strstr(l.errstr, "timed out"));
    for (int i = 0; i < 4; i++) {
        close(filler[i]);
    }
    close(lfd);
}

static void test_real_link_reads_a_normal_map_and_info(void **state) {
    /* Goal: well-formed replies still work, and the map/INFO helpers find
     * fields. Method: the fake answers a flat map; INFO text is parsed
     * directly. */
    (void)state;
    const char reply[] = "*4\r\n$10\r\nnum-slaves\r\n$1\r\n2\r\n$4\r\nname\r\n$1\r\nm\r\n";
    struct fake f = fake_start(reply, sizeof(reply) - 1, 0);
    struct real_link l;
    assert_int_equal(real_link_open(&l, "127.0.0.1", f.port, 1000), 0);
    redisReply *r = NULL;
    assert_int_equal(real_link_cmd(&l, &r, "SENTINEL", "MASTER", "m", NULL), 0);
    assert_string_equal(real_reply_map_get(r, "num-slaves"), "2");
    assert_string_equal(real_reply_map_get(r, "name"), "m");
    assert_null(real_reply_map_get(r, "absent"));
    real_reply_free(r);
    real_link_close(&l);
    fake_stop(&f);
    char v[16];
    const char *info = "# Replication\r\nrole:slave\r\nmaster_port:6400\r\n";
    assert_int_equal(real_info_field(info, "master_port", v, sizeof(v)), 0);
    assert_string_equal(v, "6400");
    assert_int_equal(real_info_field(info, "master", v, sizeof(v)), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_link_refuses_huge_array_count),
        cmocka_unit_test(test_real_link_refuses_too_many_elements_in_total),
        cmocka_unit_test(test_real_link_refuses_deep_nesting),
        cmocka_unit_test(test_real_link_refuses_endless_bulk),
        cmocka_unit_test(test_real_link_times_out_on_a_silent_peer),
        cmocka_unit_test(test_real_link_connect_times_out),
        cmocka_unit_test(test_real_link_reads_a_normal_map_and_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
