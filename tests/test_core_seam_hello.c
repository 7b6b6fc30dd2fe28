/* test_core_seam_hello.c: processing of received hellos (spec §5.3.3)
 * through the seam, fed as direct PUBLISH commands (§12.8).
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

#define F1 "f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1"
#define F2 "f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2"
#define AT " @ mymaster 10.0.1.1 6379"

/* One hello and what sentinel 0 must log for it, in order ("type text"). */
struct step {
    const char *payload;
    const char *events[6];
};

/* Publishes `payload` on sentinel 0 and checks the reply (:1) and the
 * events of exactly this step. */
static void publish(struct cw *w, const struct step *st, size_t i) {
    int from = cw_events_len(w);
    const char *argv[] = {"PUBLISH", "__sentinel__:hello", st->payload};
    struct core_reply *r = cw_command(w, 0, 3, argv);
    assert_non_null(r);
    assert_int_equal(r->type, CORE_REPLY_INTEGER);
    assert_int_equal(r->integer, 1);
    cw_reply_free(r);
    int k = 0;
    for (int j = from; j < cw_events_len(w); j++) {
        const struct cw_event *e = cw_event_at(w, j);
        if (e->sentinel != 0 || e->kind != CORE_OUT_EVENT) { continue; }
        char got[600];
        snprintf(got, sizeof(got), "%s %s", e->type, e->text);
        if (st->events[k] == NULL || strcmp(got, st->events[k]) != 0) {
            fail_msg("step %zu: event %d is \"%s\", want \"%s\"", i, k, got,
                     st->events[k] ? st->events[k] : "(none)");
        }
        k++;
    }
    if (st->events[k] != NULL) { fail_msg("step %zu: missing \"%s\"", i, st->events[k]); }
}

/* Goal: the §5.3.3 rules one by one: a new run id is a +sentinel; the same
 * hello again changes nothing; a known run id at a new address is an
 * address switch; a new run id at a used address invalidates the old
 * record; a higher current epoch is adopted (+new-epoch); a higher config
 * epoch with another address switches the master (+config-update-from,
 * +switch-master, +slave for the other replica and the old master); an
 * equal or lower config epoch, an unknown master name or a malformed
 * payload change nothing. Method: a table of hellos published to sentinel 0
 * of a settled world, each step's events compared exactly. */
static void test_seam_hello_rules(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, "", 1200);
    static const struct step steps[] = {
        {"10.0.0.9,26379," F1 ",0,mymaster,10.0.1.1,6379,0",
         {"+sentinel sentinel " F1 " 10.0.0.9 26379" AT}},
        {"10.0.0.9,26379," F1 ",0,mymaster,10.0.1.1,6379,0", {NULL}},
        {"10.0.0.8,26379," F1 ",0,mymaster,10.0.1.1,6379,0",
         {"+sentinel-address-switch master mymaster 10.0.1.1 6379 ip 10.0.0.8 port 26379 for " F1}},
        {"10.0.0.8,26379," F2 ",0,mymaster,10.0.1.1,6379,0",
         {"+sentinel-invalid-addr sentinel " F1 " 10.0.0.8 26379" AT,
          "+sentinel sentinel " F2 " 10.0.0.8 26379" AT}},
        {"10.0.0.8,26379," F2 ",7,mymaster,10.0.1.1,6379,0", {"+new-epoch 7"}},
        {"10.0.0.8,26379," F2 ",7,mymaster,10.0.1.3,6379,7",
         {"+config-update-from sentinel " F2 " 10.0.0.8 26379" AT,
          "+switch-master mymaster 10.0.1.1 6379 10.0.1.3 6379",
          "+slave slave 10.0.1.2:6379 10.0.1.2 6379 @ mymaster 10.0.1.3 6379",
          "+slave slave 10.0.1.1:6379 10.0.1.1 6379 @ mymaster 10.0.1.3 6379"}},
        {"10.0.0.8,26379," F2 ",7,mymaster,10.0.1.2,6379,7", {NULL}},
        {"10.0.0.8,26379," F2 ",7,mymaster,10.0.1.2,6379,6", {NULL}},
        {"10.0.0.8,26379," F2 ",9,other,10.0.1.2,6379,9", {NULL}},
        {"10.0.0.8,26379," F2 ",9,mymaster,10.0.1.2,6379", {NULL}},
        {"10.0.0.8,26379," F2 ",9,mymaster,10.0.1.2,6379,9,", {NULL}},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        publish(w, &steps[i], i);
    }
    struct core_master_view v;
    assert_int_equal(core_master(cw_core(w, 0), 0, &v), 0);
    assert_string_equal(v.ip, "10.0.1.3");
    assert_int_equal(v.config_epoch, 7);
    assert_int_equal(v.sentinels, 3); /* the two real ones and F2; F1 is gone */
    assert_int_equal(core_current_epoch(cw_core(w, 0)), 7);
    const char *conf = cw_persisted(w, 0);
    assert_non_null(strstr(conf, "sentinel known-sentinel mymaster 10.0.0.8 26379 " F2 "\n"));
    assert_null(strstr(conf, F1));
    assert_non_null(strstr(conf, "sentinel monitor mymaster 10.0.1.3 6379 2\n"));
    cw_free(w);
}

/* Goal: PUBLISH to a sentinel on any other channel is refused with
 * Sentinel's message. Method: one command, read the error. */
static void test_seam_hello_other_channel_refused(void **state) {
    (void)state;
    struct cw *w = seam_deploy(3, "", 1300);
    const char *argv[] = {"PUBLISH", "news", "hello"};
    struct core_reply *r = cw_command(w, 0, 3, argv);
    assert_non_null(r);
    assert_int_equal(r->type, CORE_REPLY_ERROR);
    static const char want[] = "ERR Only HELLO messages are accepted by Sentinel instances.";
    assert_int_equal(r->len, strlen(want));
    assert_memory_equal(r->str, want, r->len);
    cw_reply_free(r);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seam_hello_rules),
        cmocka_unit_test(test_seam_hello_other_channel_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
