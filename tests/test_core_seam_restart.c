/* test_core_seam_restart.c: a sentinel restarted from the config file it
 * persisted (spec §16) keeps its identity, its master and its epochs.
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

#include <cmocka.h>

#include "core/core.h"
#include "tests/support/core_seam.h"
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define EXTRA "sentinel down-after-milliseconds mymaster 5000\n"

/* A fresh core from `text`, started; *persisted tells whether START wrote
 * the file again. */
static struct core_sentinel *restart(const char *text, uint64_t now, bool *persisted) {
    struct core_limits l = core_limits_default();
    struct core_options o = {text, strlen(text), 4242, false};
    struct core_allocator a = core_test_malloc();
    struct core_sentinel *s = NULL;
    struct core_error err;
    int rc = core_new(&l, &o, &a, now, &s, &err);
    if (rc != CORE_OK) { fail_msg("core_new: %d line %u: %s", rc, err.line, err.msg); }
    struct core_input in = {.kind = CORE_IN_START};
    const struct core_output *outs;
    size_t n;
    assert_int_equal(core_step(s, now, &in, &outs, &n), CORE_OK);
    *persisted = false;
    bool monitor = false;
    for (size_t j = 0; j < n; j++) {
        *persisted = *persisted || outs[j].kind == CORE_OUT_PERSIST;
        if (outs[j].kind == CORE_OUT_EVENT && strcmp(outs[j].type, "+monitor") == 0) {
            assert_memory_equal(outs[j].text, "master mymaster 10.0.1.2 6379 quorum 2", 38);
            monitor = true;
        }
    }
    assert_true(monitor);
    return s;
}

/* The text a SENTINEL FLUSHCONFIG of s persists (a heap copy). */
static char *flush(struct core_sentinel *s, uint64_t now) {
    static const char *const argv[] = {"SENTINEL", "FLUSHCONFIG"};
    static const size_t lens[] = {8, 11};
    struct core_input in = {
        .kind = CORE_IN_COMMAND, .client = 1, .argc = 2, .argv = argv, .argv_len = lens};
    const struct core_output *outs;
    size_t n;
    assert_int_equal(core_step(s, now, &in, &outs, &n), CORE_OK);
    char *text = NULL;
    bool replied = false;
    for (size_t j = 0; j < n; j++) {
        if (outs[j].kind == CORE_OUT_PERSIST) {
            assert_false(replied); /* persist comes before the reply it guards */
            text = strndup(outs[j].text, outs[j].text_len);
        }
        replied = replied || outs[j].kind == CORE_OUT_REPLY;
    }
    assert_true(replied);
    assert_non_null(text);
    return text;
}

/* Goal: after a failover each sentinel's persisted file keeps the original
 * lines in place with the new values (monitor on line 2 with R1's address,
 * down-after on line 3) and holds myid, epochs, both replicas and both other
 * sentinels; a core started from it has the same id, current epoch, master
 * address, config and leader epochs, replicas and sentinels, does not
 * rewrite the file at start-up, and its next flush writes the same text.
 * Method: run a failover, then restart every sentinel from its text. */
static void test_seam_restart_from_persisted_config(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, EXTRA, 9500);
    cw_kill_node(w, 0);
    cw_run(w, cw_now(w) + 15000);
    assert_int_equal(cw_count(w, -1, "+elected-leader", NULL), 1);
    for (int k = 0; k < 3; k++) {
        const char *text = cw_persisted(w, k);
        assert_non_null(text);
        static const char head[] = "port 26379\n"
                                   "sentinel monitor mymaster 10.0.1.2 6379 2\n"
                                   "sentinel down-after-milliseconds mymaster 5000\n";
        assert_memory_equal(text, head, sizeof(head) - 1);
        const struct core_sentinel *old = cw_core(w, k);
        char line[128];
        snprintf(line, sizeof(line), "sentinel myid %s\n", core_myid(old));
        assert_non_null(strstr(text, line));
        assert_non_null(strstr(text, "sentinel config-epoch mymaster 1\n"));
        assert_non_null(strstr(text, "sentinel leader-epoch mymaster 1\n"));
        assert_non_null(strstr(text, "sentinel current-epoch 1\n"));
        assert_non_null(strstr(text, "sentinel known-replica mymaster 10.0.1.3 6379\n"));
        assert_non_null(strstr(text, "sentinel known-replica mymaster 10.0.1.1 6379\n"));
        for (int j = 0; j < 3; j++) {
            snprintf(line, sizeof(line), "sentinel known-sentinel mymaster 10.0.0.%d 26379 %s\n",
                     j + 1, core_myid(cw_core(w, j)));
            assert_true((strstr(text, line) != NULL) == (j != k));
        }

        bool persisted;
        struct core_sentinel *s = restart(text, cw_now(w), &persisted);
        assert_false(persisted);
        assert_string_equal(core_myid(s), core_myid(old));
        assert_int_equal(core_current_epoch(s), core_current_epoch(old));
        struct core_master_view a, b;
        assert_int_equal(core_master(old, 0, &a), 0);
        assert_int_equal(core_master(s, 0, &b), 0);
        assert_string_equal(b.name, "mymaster");
        assert_string_equal(b.ip, a.ip);
        assert_int_equal(b.port, a.port);
        assert_int_equal(b.config_epoch, 1);
        assert_int_equal(b.leader_epoch, a.leader_epoch);
        assert_int_equal(b.replicas, a.replicas);
        assert_int_equal(b.sentinels, a.sentinels);
        assert_false(b.failover_in_progress);
        for (uint32_t j = 0; j < b.sentinels; j++) {
            struct core_instance_view x;
            assert_int_equal(core_other_sentinel(s, 0, j, &x), 0);
            assert_int_equal(strlen(x.runid), CORE_RUNID_LEN);
            assert_string_not_equal(x.runid, core_myid(s));
        }
        char *again = flush(s, cw_now(w));
        assert_string_equal(again, text);
        free(again);
        core_free(s);
    }
    cw_free(w);
}

/* Goal: a sentinel started without myid generates one, persists it at
 * START, and a restart from that text keeps it. Method: START a core from
 * a bare monitor line, capture the persisted text, restart from it. */
static void test_seam_restart_generated_myid_persists(void **state) {
    (void)state;
    static const char conf[] = "sentinel monitor mymaster 10.0.1.2 6379 2\n";
    struct core_limits l = core_limits_default();
    struct core_options o = {conf, sizeof(conf) - 1, 77, false};
    struct core_allocator a = core_test_malloc();
    struct core_sentinel *s = NULL;
    struct core_error err;
    assert_int_equal(core_new(&l, &o, &a, 1700000000000ull, &s, &err), CORE_OK);
    struct core_input in = {.kind = CORE_IN_START};
    const struct core_output *outs;
    size_t n;
    assert_int_equal(core_step(s, 1700000000000ull, &in, &outs, &n), CORE_OK);
    char *text = NULL;
    for (size_t j = 0; j < n; j++) {
        if (outs[j].kind == CORE_OUT_PERSIST) { text = strndup(outs[j].text, outs[j].text_len); }
    }
    assert_non_null(text);
    char line[64];
    snprintf(line, sizeof(line), "sentinel myid %s\n", core_myid(s));
    assert_non_null(strstr(text, line));
    assert_non_null(strstr(text, "# Generated by CONFIG REWRITE\n"));
    bool persisted;
    struct core_sentinel *s2 = restart(text, 1700000001000ull, &persisted);
    assert_false(persisted);
    assert_string_equal(core_myid(s2), core_myid(s));
    core_free(s2);
    core_free(s);
    free(text);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seam_restart_from_persisted_config),
        cmocka_unit_test(test_seam_restart_generated_myid_persists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
