/* test_real_observe.c: sentinel log files become event records as they grow.
 *
 * Method: no processes: a world with two sentinels whose log files the test
 * writes itself, in pieces (half lines, several lines at once), in Redis's
 * exact line format; after each piece the observer polls and the records
 * are checked (names, types, texts, times relative to the origin, what is
 * dropped).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "real/observe.h"
#include "real/proc.h"
#include "real/sys.h"
#include "tests/support/real_fixture.h"

struct ofx {
    struct scn s;
    struct real_world w;
    struct real_observer o;
    char dir[64];
    uint64_t origin_ms;
};

static void ofx_init(struct ofx *f) {
    memset(f, 0, sizeof(*f));
    rfx_load(&f->s, "name: observe\n"
                    "defaults: {quorum: 2}\n"
                    "masters:\n  mymaster: {master: m, replicas: [r1]}\n"
                    "sentinels: [a, b]\n");
    snprintf(f->dir, sizeof(f->dir), "/tmp/sentsim-test-observe-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->w.scn = &f->s;
    f->w.nodes = calloc(f->s.nodes_len, sizeof(*f->w.nodes));
    f->w.sentinels = calloc(f->s.sentinels_len, sizeof(*f->w.sentinels));
    for (uint32_t i = 0; i < f->s.nodes_len; i++) {
        f->w.nodes[i].name = f->s.nodes[i].name;
        f->w.nodes[i].id = (struct scn_proc){SCN_PROC_NODE, i};
        snprintf(f->w.nodes[i].log, sizeof(f->w.nodes[i].log), "%s/n%u.log", f->dir, (unsigned)i);
    }
    for (uint32_t j = 0; j < f->s.sentinels_len; j++) {
        f->w.sentinels[j].name = f->s.sentinels[j].name;
        f->w.sentinels[j].id = (struct scn_proc){SCN_PROC_SENTINEL, j};
        snprintf(f->w.sentinels[j].log, sizeof(f->w.sentinels[j].log), "%s/s%u.log", f->dir,
                 (unsigned)j);
    }
    /* The origin is a whole second of local time, so the lines' times are exact. */
    f->origin_ms = (real__now_ms() / 1000u) * 1000u;
    assert_int_equal(real_observe_init(&f->o, &f->w, f->origin_ms), 0);
}

static void ofx_free(struct ofx *f) {
    real_observe_free(&f->o);
    free(f->w.nodes);
    free(f->w.sentinels);
    real__rm_rf(f->dir);
    scn_free(&f->s);
}

/* A Redis log line prefix for origin + offset_ms, local time as Redis writes it. */
static void prefix_as(
    const struct ofx *f, char role, uint64_t offset_ms, char c, char *out, size_t len) {
    uint64_t t = f->origin_ms + offset_ms;
    time_t secs = (time_t)(t / 1000u);
    struct tm tm;
    localtime_r(&secs, &tm);
    char date[64];
    strftime(date, sizeof(date), "%d %b %Y %H:%M:%S", &tm);
    snprintf(out, len, "4242:%c %s.%03u %c ", role, date, (unsigned)(t % 1000u), c);
}

/* A sentinel's line prefix. */
static void prefix(const struct ofx *f, uint64_t offset_ms, char c, char *out, size_t len) {
    prefix_as(f, 'X', offset_ms, c, out, len);
}

static void append_to(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void append(const struct ofx *f, uint32_t j, const char *text) {
    append_to(f->w.sentinels[j].log, text);
}

static void test_real_observe_tails_partial_lines_into_events(void **state) {
    /* Goal: a line is taken only once complete, by the sentinel that wrote
     * it, with its time relative to the origin. Method: write half a line,
     * poll (nothing), finish it plus another, poll (two records). */
    (void)state;
    static struct ofx f;
    ofx_init(&f);
    char p1[96], p2[96], buf[512];
    prefix(&f, 1234, '#', p1, sizeof(p1));
    prefix(&f, 1300, '#', p2, sizeof(p2));
    snprintf(buf, sizeof(buf), "%s+sdown master mymaster 127.0.0.1 ", p1);
    append(&f, 1, buf);
    assert_int_equal(real_observe_poll(&f.o), 0);
    assert_int_equal(f.o.log.len, 0);
    snprintf(buf, sizeof(buf), "6400\n%s+odown master mymaster 127.0.0.1 6400 #quorum 2/2\n", p2);
    append(&f, 1, buf);
    assert_int_equal(real_observe_poll(&f.o), 0);
    assert_int_equal(f.o.log.len, 2);
    const struct rep_event *ev = &f.o.log.events[0];
    assert_int_equal(ev->kind, REP_KIND_EVENT);
    assert_string_equal(ev->proc, "b");
    assert_string_equal(ev->type, "+sdown");
    assert_string_equal(ev->text, "master mymaster 127.0.0.1 6400");
    assert_int_equal(ev->t_ms, 1234);
    assert_int_equal(f.o.log.events[1].t_ms, 1300);
    assert_int_equal(real_observe_find(&f.o, 0, 1, "+odown", "#quorum 2/2"), 1);
    assert_int_equal(real_observe_find(&f.o, 0, 0, "+odown", ""), -1);
    assert_int_equal(real_observe_find(&f.o, 2, 1, "+odown", ""), -1);
    ofx_free(&f);
}

static void test_real_observe_drops_connection_chatter_keeps_notices(void **state) {
    /* Goal: the verbose lines the harness's own polling causes are not part
     * of the record, verbose events and notice log lines are. Method: one
     * file with an "Accepted" line, a -role-change event (verbose), a config
     * save notice, and Redis's ASCII-art start-up line. */
    (void)state;
    static struct ofx f;
    ofx_init(&f);
    char v[96], n[96], buf[1024];
    prefix(&f, 10, '-', v, sizeof(v));
    prefix(&f, 20, '*', n, sizeof(n));
    snprintf(buf, sizeof(buf),
             "                _._\n"
             "%sAccepted 127.0.0.1:51234\n"
             "%s-role-change slave 127.0.0.1:6401 127.0.0.1 6401 @ mymaster 127.0.0.1 6400 new "
             "reported role is master\n"
             "%sSentinel new configuration saved on disk\n",
             v, v, n);
    append(&f, 0, buf);
    assert_int_equal(real_observe_poll(&f.o), 0);
    assert_int_equal(f.o.log.len, 2);
    assert_int_equal(f.o.log.events[0].kind, REP_KIND_EVENT);
    assert_string_equal(f.o.log.events[0].type, "-role-change");
    assert_int_equal(f.o.log.events[0].level, REP_LEVEL_VERBOSE);
    assert_int_equal(f.o.log.events[1].kind, REP_KIND_LOG);
    assert_string_equal(f.o.log.events[1].text, "Sentinel new configuration saved on disk");
    ofx_free(&f);
}

static void test_real_observe_survives_an_overlong_line(void **state) {
    /* Goal: a line longer than the tail buffer is cut and skipped, and the
     * lines after it still arrive. Method: 10 KB of junk, then an event. */
    (void)state;
    static struct ofx f;
    ofx_init(&f);
    static char buf[12000];
    memset(buf, 'z', 10000);
    buf[10000] = '\n';
    buf[10001] = '\0';
    append(&f, 0, buf);
    char p[96];
    prefix(&f, 5, '#', p, sizeof(p));
    snprintf(buf, sizeof(buf), "%s+tilt #tilt mode entered\n", p);
    append(&f, 0, buf);
    assert_int_equal(real_observe_poll(&f.o), 0);
    assert_int_equal(f.o.log.len, 1);
    assert_string_equal(f.o.log.events[0].type, "+tilt");
    ofx_free(&f);
}

static void test_real_observe_node_lines_are_informational(void **state) {
    /* Goal: a data node's log lines become REP_KIND_NODE records named by
     * the node, never events. Method: a replica's sync lines in r1's log. */
    (void)state;
    static struct ofx f;
    ofx_init(&f);
    char p[96], buf[512];
    prefix_as(&f, 'S', 700, '*', p, sizeof(p));
    snprintf(buf, sizeof(buf), "%sMASTER <-> REPLICA sync: Finished with success\n", p);
    append_to(f.w.nodes[1].log, buf);
    assert_int_equal(real_observe_poll(&f.o), 0);
    assert_int_equal(f.o.log.len, 1);
    assert_int_equal(f.o.log.events[0].kind, REP_KIND_NODE);
    assert_string_equal(f.o.log.events[0].proc, "r1");
    assert_string_equal(f.o.log.events[0].type, "");
    assert_string_equal(f.o.log.events[0].text, "MASTER <-> REPLICA sync: Finished with success");
    assert_int_equal(f.o.log.events[0].t_ms, 700);
    ofx_free(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_observe_tails_partial_lines_into_events),
        cmocka_unit_test(test_real_observe_drops_connection_chatter_keeps_notices),
        cmocka_unit_test(test_real_observe_survives_an_overlong_line),
        cmocka_unit_test(test_real_observe_node_lines_are_informational),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
