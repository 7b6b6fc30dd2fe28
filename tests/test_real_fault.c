/* test_real_fault.c: each kind of fault, carried out on real processes.
 *
 * Method: every test loads a small scenario whose timeline lists the steps
 * under test, starts its world, applies the steps one by one with
 * real_fault_apply() and checks the effect from the outside (process table,
 * replies, the sentinels' own log lines), then checks teardown left nothing.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "real/fault.h"
#include "real/link.h"
#include "real/netns.h"
#include "real/observe.h"
#include "real/proc.h"
#include "real/query.h"
#include "real/sys.h"
#include "tests/support/real_fixture.h"

#define HEAD                                                                                       \
    "name: fault\n"                                                                                \
    "timers: {info-period: 1000, publish-period: 500}\n"                                           \
    "defaults: {quorum: 2, down-after-milliseconds: 1500, failover-timeout: 6000}\n"               \
    "masters:\n"                                                                                   \
    "  mymaster: {master: m, replicas: [r1, r2]}\n"                                                \
    "sentinels: 3\n"

struct fx {
    struct scn s;
    struct real_world w;
    struct real_observer o;
};

static struct fx *fx_start(const char *yaml, bool netns) {
    static struct fx f;
    memset(&f, 0, sizeof(f));
    rfx_load(&f.s, yaml);
    if (real_world_init(&f.w, &f.s, REAL_SENTINEL_REDIS, netns) != 0) {
        fail_msg("init: %s", f.w.errstr);
    }
    assert_int_equal(real_observe_init(&f.o, &f.w, real__now_ms()), 0);
    if (real_world_start(&f.w) != 0) { fail_msg("start: %s", f.w.errstr); }
    if (real_world_wait_ready(&f.w, 20000) != 0) { fail_msg("ready: %s", f.w.errstr); }
    return &f;
}

static void fx_apply(struct fx *f, uint32_t step) {
    char err[512];
    assert_true(step < f->s.steps_len);
    if (real_fault_apply(&f->w, &f->o, &f->s.steps[step], err, sizeof(err)) != 0) {
        fail_msg("step %u: %s", (unsigned)step, err);
    }
}

/* Waits (bounded) until sentinel j has logged `type`; fails the test otherwise. */
static void fx_wait_event(
    struct fx *f, uint32_t j, const char *type, const char *text, uint64_t timeout_ms) {
    uint64_t deadline = real__now_ms() + timeout_ms;
    while (real__now_ms() < deadline) {
        assert_int_equal(real_observe_poll(&f->o), 0);
        if (real_observe_find(&f->o, 0, j, type, text) >= 0) { return; }
        real__sleep_ms(20);
    }
    fail_msg("sentinel s%u never logged %s %s within %llu ms", (unsigned)j + 1, type, text,
             (unsigned long long)timeout_ms);
}

/* The first FAULT record whose text starts with `prefix`; fails if none. */
static const struct rep_event *fx_fault(struct fx *f, const char *prefix) {
    for (size_t i = 0; i < f->o.log.len; i++) {
        const struct rep_event *ev = &f->o.log.events[i];
        if (ev->kind != REP_KIND_FAULT || strncmp(ev->text, prefix, strlen(prefix)) != 0) {
            continue;
        }
        assert_string_equal(ev->proc, "harness");
        assert_string_equal(ev->type, "");
        return ev;
    }
    fail_msg("no fault record '%s...'", prefix);
    return NULL;
}

static void fx_stop(struct fx *f) {
    struct rfx_snapshot snap;
    rfx_snapshot(&f->w, &snap);
    real_world_close(&f->w);
    real_observe_free(&f->o);
    rfx_assert_gone(&snap);
    scn_free(&f->s);
}

static bool answers_ping(const struct real_proc *p, uint32_t timeout_ms) {
    const char *argv[] = {"PING"};
    redisReply *r = NULL;
    char err[160];
    if (real_query(p->ip, p->port, p->pass, timeout_ms, &r, err, sizeof(err), 1, argv) != 0) {
        return false;
    }
    real_reply_free(r);
    return true;
}

static void test_real_fault_kill_and_sdown(void **state) {
    /* Goal: kill is a SIGKILL: the process is gone at once and the sentinels
     * see the master down. Method: kill m, check its pid and port, wait for
     * +sdown master on s1, check the FAULT record. */
    (void)state;
    struct fx *f = fx_start(HEAD "timeline:\n  - kill: m\n", false);
    pid_t pid = f->w.nodes[0].pid;
    fx_apply(f, 0);
    assert_false(rfx_pid_running(pid));
    assert_int_equal(f->w.nodes[0].pid, 0);
    assert_false(rfx_listening(f->w.nodes[0].ip, f->w.nodes[0].port));
    fx_wait_event(f, 0, "+sdown", "master mymaster", 5000);
    assert_string_equal(fx_fault(f, "kill")->text, "kill m");
    fx_stop(f);
}

static void test_real_fault_shutdown_is_clean(void **state) {
    /* Goal: shutdown goes through Redis's own clean exit. Method: shut r1
     * down, check it exited and logged its goodbye line. */
    (void)state;
    struct fx *f = fx_start(HEAD "timeline:\n  - shutdown: r1\n", false);
    pid_t pid = f->w.nodes[1].pid;
    fx_apply(f, 0);
    assert_false(rfx_pid_running(pid));
    char log[65536];
    assert_true(real__read_file(f->w.nodes[1].log, log, sizeof(log)) > 0);
    assert_non_null(strstr(log, "ready to exit, bye bye"));
    fx_stop(f);
}

static void test_real_fault_restart_comes_back_from_rewritten_config(void **state) {
    /* Goal: a restart uses the config file as the process last rewrote it.
     * Method: make r2 a master with REPLICAOF NO ONE + CONFIG REWRITE, kill
     * it, restart it: it must come back as a master, on the same port. */
    (void)state;
    struct fx *f = fx_start(HEAD "timeline:\n"
                                 "  - node: {on: r2, command: replicaof no one}\n"
                                 "  - node: {on: r2, command: config rewrite}\n"
                                 "  - kill: r2\n"
                                 "  - restart: r2\n",
                            false);
    struct real_proc *r2 = &f->w.nodes[2];
    uint16_t port = r2->port;
    for (uint32_t i = 0; i < 4; i++) {
        fx_apply(f, i);
    }
    assert_int_equal(r2->port, port);
    assert_true(rfx_pid_running(r2->pid));
    struct real_role role;
    assert_int_equal(real_query_role(&f->w, r2, &role), 0);
    assert_true(role.is_master);
    fx_stop(f);
}

static void test_real_fault_pause_and_resume(void **state) {
    /* Goal: a paused process accepts nothing until resumed. Method: pause
     * r1; PING times out; resume; PING answers. */
    (void)state;
    struct fx *f = fx_start(HEAD "timeline:\n  - pause: r1\n  - resume: r1\n", false);
    struct real_proc *r1 = &f->w.nodes[1];
    fx_apply(f, 0);
    assert_true(r1->paused);
    assert_false(answers_ping(r1, 300));
    fx_apply(f, 1);
    assert_false(r1->paused);
    assert_true(answers_ping(r1, 1000));
    fx_stop(f);
}

static void test_real_fault_clock_jump_makes_tilt(void **state) {
    /* Goal: a forward clock jump is realised as a stop of the same length,
     * which the sentinel's timer sees as a jump: +tilt. Method: jump s1 by
     * 2.5 s (over the 2 s TILT trigger, under down-after 3 s). */
    (void)state;
    struct fx *f = fx_start("name: jump\n"
                            "timers: {info-period: 1000, publish-period: 500}\n"
                            "defaults: {quorum: 2, down-after-milliseconds: 3000}\n"
                            "masters:\n  mymaster: {master: m, replicas: [r1]}\n"
                            "sentinels: 2\n"
                            "timeline:\n  - clock-jump: {on: s1, by: 2500ms}\n",
                            false);
    uint64_t t0 = real__now_ms();
    fx_apply(f, 0);
    assert_true(real__now_ms() - t0 >= 2500);
    fx_wait_event(f, 0, "+tilt", "", 3000);
    assert_string_equal(fx_fault(f, "clock-jump")->text, "clock-jump s1 by 2500 ms");
    fx_stop(f);
}

static void test_real_fault_sentinel_command_fails_over(void **state) {
    /* Goal: a sentinel step runs SENTINEL <command> and records the reply.
     * Method: SENTINEL FAILOVER mymaster on s1; s1 logs +switch-master. */
    (void)state;
    struct fx *f =
        fx_start(HEAD "timeline:\n  - sentinel: {on: s1, command: failover mymaster}\n", false);
    fx_apply(f, 0);
    assert_string_equal(fx_fault(f, "s1:")->text, "s1: SENTINEL failover mymaster -> OK");
    fx_wait_event(f, 0, "+switch-master", "mymaster", 10000);
    fx_stop(f);
}

static void test_real_fault_partition_and_heal(void **state) {
    /* Goal: a partition really cuts links between namespaces, and heal
     * restores them, while the harness still reaches everyone. Method:
     * isolate m; the sentinels see it SDOWN although the harness still gets
     * PONG from it; heal; they see -sdown. Quorum 4 of 3 sentinels keeps
     * ODOWN out of reach: with quorum 3 all three could agree and fail over
     * to r1 before the heal, and the switch moves the record, so
     * "-sdown master mymaster" would never be logged. */
    (void)state;
    char why[160];
    if (!real_netns_available(why, sizeof(why))) { skip(); }
    struct fx *f =
        fx_start("name: cut\n"
                 "timers: {info-period: 1000, publish-period: 500}\n"
                 "defaults: {quorum: 4, down-after-milliseconds: 1500}\n"
                 "masters:\n  mymaster: {master: m, replicas: [r1]}\n"
                 "sentinels: 3\n"
                 "timeline:\n  - partition: {isolate: m}\n  - after: 1s\n    heal: all\n",
                 true);
    fx_apply(f, 0);
    fx_wait_event(f, 0, "+sdown", "master mymaster", 5000);
    assert_true(answers_ping(&f->w.nodes[0], 1000));
    fx_apply(f, 1);
    /* The sentinel's connection survived the cut; its queued PING and the
     * PONG go through at the kernel's next retransmission, whose back-off
     * doubles while the cut lasts (0.2, 0.4, 0.8, 1.6, 3.2 s ...), so the
     * -sdown can come several seconds after the heal. */
    fx_wait_event(f, 0, "-sdown", "master mymaster", 15000);
    fx_stop(f);
}

static void test_real_fault_loss_drops_packets(void **state) {
    /* Goal: a loss step really drops that share of a process's packets, and
     * a zero ratio restores them. Method: 100% loss on m (namespace mode):
     * the sentinels see it SDOWN; loss 0: -sdown. */
    (void)state;
    char why[160];
    if (!real_netns_available(why, sizeof(why))) { skip(); }
    struct fx *f = fx_start("name: loss\n"
                            "timers: {info-period: 1000, publish-period: 500}\n"
                            "defaults: {quorum: 3, down-after-milliseconds: 1500}\n"
                            "masters:\n  mymaster: {master: m, replicas: [r1]}\n"
                            "sentinels: 2\n"
                            "timeline:\n"
                            "  - loss: {to: 1/1, on: [m]}\n"
                            "  - after: 1s\n    loss: 0/1\n",
                            true);
    fx_apply(f, 0);
    assert_string_equal(fx_fault(f, "loss")->text, "loss 1/1 on targets");
    fx_wait_event(f, 0, "+sdown", "master mymaster", 5000);
    fx_apply(f, 1);
    fx_wait_event(f, 0, "-sdown", "master mymaster", 15000); /* retransmission back-off, as above */
    fx_stop(f);
}

static void test_real_fault_refuses_what_it_cannot_realise(void **state) {
    /* Goal: steps that cannot be realised faithfully are refused before
     * anything starts, with a message saying why. Method: pre-check a
     * backward clock jump, a jump longer than down-after, and a latency
     * step (this kernel has no netem). */
    (void)state;
    static const struct {
        const char *step;
        const char *why;
    } cases[] = {
        {"  - clock-jump: {on: s1, by: -5s}\n", "backward clock jump"},
        {"  - clock-jump: {on: s1, by: 5s}\n", "not below down-after-milliseconds"},
        {"  - latency: 50ms\n", "latency steps"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char yaml[1024];
        snprintf(yaml, sizeof(yaml), "%stimeline:\n%s", HEAD, cases[i].step);
        struct scn s;
        rfx_load(&s, yaml);
        bool netns = false;
        char err[512] = "";
        assert_int_equal(real_fault_precheck(&s, &netns, err, sizeof(err)), REAL_E_REFUSED);
        if (strstr(err, cases[i].why) == NULL) { fail_msg("case %zu: '%s'", i, err); }
        assert_non_null(strstr(err, "test.yaml:"));
        scn_free(&s);
    }
}

static void test_real_fault_refuses_partitions_without_root(void **state) {
    /* Goal: without root, partitions are refused with a clear message, never
     * faked. Method: a child drops to uid 65534 and pre-checks a scenario
     * with a partition step; it reports through its exit status. */
    (void)state;
    struct scn s;
    rfx_load(&s, HEAD "timeline:\n  - partition: {isolate: m}\n");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) { _exit(3); }
        bool netns = false;
        char err[512] = "";
        int rc = real_fault_precheck(&s, &netns, err, sizeof(err));
        bool ok = rc == REAL_E_REFUSED && strstr(err, "need root") != NULL &&
                  strstr(err, "refuses rather than fake") != NULL;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    scn_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_fault_kill_and_sdown),
        cmocka_unit_test(test_real_fault_shutdown_is_clean),
        cmocka_unit_test(test_real_fault_restart_comes_back_from_rewritten_config),
        cmocka_unit_test(test_real_fault_pause_and_resume),
        cmocka_unit_test(test_real_fault_clock_jump_makes_tilt),
        cmocka_unit_test(test_real_fault_sentinel_command_fails_over),
        cmocka_unit_test(test_real_fault_partition_and_heal),
        cmocka_unit_test(test_real_fault_loss_drops_packets),
        cmocka_unit_test(test_real_fault_refuses_what_it_cannot_realise),
        cmocka_unit_test(test_real_fault_refuses_partitions_without_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
