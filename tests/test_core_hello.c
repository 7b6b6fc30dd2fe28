/* test_core_hello.c: hello processing (spec §4.6, §4.7, §5.3.3).
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
#include "tests/support/core_test.h"
#include "tests/support/core_world.h"

#define ID_X  "1111111111111111111111111111111111111111"
#define ID_Y  "2222222222222222222222222222222222222222"
/* P2 and P3 are alike but for their last digit. */
#define ID_P1 "4444444444444444444444444444444444444444"
#define ID_P2 "3333333333333333333333333333333333333332"
#define ID_P3 "3333333333333333333333333333333333333333"

#define CONF                                                                                       \
    "sentinel monitor m1 10.0.1.1 6379 2\n"                                                        \
    "sentinel monitor m2 10.0.2.1 6379 2\n"

static struct cw *world(void) {
    struct cw *w = cw_new();
    cw_node(w, "10.0.1.1", 6379, -1);
    cw_node(w, "10.0.2.1", 6379, -1);
    cw_sentinel(w, CONF, 3);
    cw_run(w, cw_now(w) + 1000);
    return w;
}

/* Delivers a hello as a direct PUBLISH from another sentinel. */
static void hello(struct cw *w,
                  const char *ip,
                  const char *id,
                  unsigned long long epoch,
                  const char *master,
                  const char *mip,
                  unsigned long long cepoch) {
    char payload[256];
    snprintf(payload, sizeof(payload), "%s,26379,%s,%llu,%s,%s,6379,%llu", ip, id, epoch, master,
             mip, cepoch);
    const char *argv[] = {"PUBLISH", "__sentinel__:hello", payload};
    struct core_reply *r = cw_command(w, 0, 3, argv);
    assert_int_equal(r->integer, 1);
    cw_reply_free(r);
}

static const char *sentinel_field(struct cw *w, const char *master, const char *key, char *buf) {
    const char *argv[] = {"SENTINEL", "SENTINELS", master};
    struct core_reply *r = cw_command(w, 0, 3, argv);
    buf[0] = '\0';
    if (r->elements_len > 0) {
        const struct core_reply *m = &r->elements[0];
        for (size_t k = 0; k + 1 < m->elements_len; k += 2) {
            if (strcmp(m->elements[k].str, key) == 0) { strcpy(buf, m->elements[k + 1].str); }
        }
    }
    cw_reply_free(r);
    return buf;
}

static void test_hello_new_sentinel_and_sharing(void **state) {
    /* Goal: a hello from an unknown sentinel creates it with +sentinel and
     * persists it; the same sentinel seen under a second master shares one
     * link (refcount 2). Method: direct PUBLISH hellos. */
    (void)state;
    struct cw *w = world();
    char buf[64];
    int from = cw_events_len(w);
    hello(w, "10.0.0.5", ID_X, 0, "m1", "10.0.1.1", 0);
    assert_true(cw_find(w, from, 0, "+sentinel",
                        "sentinel " ID_X " 10.0.0.5 26379 @ m1 10.0.1.1 6379") >= 0);
    assert_non_null(strstr(cw_persisted(w, 0), "sentinel known-sentinel m1 10.0.0.5 26379 " ID_X));
    hello(w, "10.0.0.5", ID_X, 0, "m2", "10.0.2.1", 0);
    assert_int_equal(cw_count(w, 0, "+sentinel", ID_X), 2);
    assert_string_equal(sentinel_field(w, "m1", "link-refcount", buf), "2");
    hello(w, "10.0.0.5", ID_X, 0, "nope", "10.0.2.1", 0);
    hello(w, "10.0.0.5,x", ID_X, 0, "m1", "10.0.2.1", 0);
    assert_int_equal(cw_count(w, 0, "+sentinel", NULL), 2);
    cw_free(w);
}

static void test_hello_address_switch_and_invalid_addr(void **state) {
    /* Goal: a known run id at a new address replaces its record with
     * +sentinel-address-switch (no +sentinel) and updates the other masters'
     * records (+sentinel-address-update); a new run id at a used address
     * removes the old one everywhere (+sentinel-invalid-addr) (§4.7). */
    (void)state;
    struct cw *w = world();
    char buf[64];
    hello(w, "10.0.0.5", ID_X, 0, "m1", "10.0.1.1", 0);
    hello(w, "10.0.0.5", ID_X, 0, "m2", "10.0.2.1", 0);
    int from = cw_events_len(w);
    hello(w, "10.0.0.6", ID_X, 0, "m1", "10.0.1.1", 0);
    assert_true(cw_find(w, from, 0, "+sentinel-address-switch",
                        "master m1 10.0.1.1 6379 ip 10.0.0.6 port 26379 for " ID_X) >= 0);
    assert_true(cw_find(w, from, 0, "+sentinel-address-update",
                        "sentinel " ID_X " 10.0.0.6 26379 @ m1 10.0.1.1 6379 "
                        "1 additional matching instances") >= 0);
    assert_int_equal(cw_find(w, from, 0, "+sentinel", NULL), -1);
    assert_string_equal(sentinel_field(w, "m2", "ip", buf), "10.0.0.6");
    from = cw_events_len(w);
    hello(w, "10.0.0.6", ID_Y, 0, "m1", "10.0.1.1", 0);
    assert_true(cw_find(w, from, 0, "+sentinel-invalid-addr",
                        "sentinel " ID_X " 10.0.0.6 26379 @ m1") >= 0);
    assert_true(cw_find(w, from, 0, "+sentinel", ID_Y) >= 0);
    assert_string_equal(sentinel_field(w, "m2", "name", buf), "");
    assert_string_equal(sentinel_field(w, "m1", "name", buf), ID_Y);
    cw_free(w);
}

/* A sender not found gets a record, new (+sentinel) or moved (§4.7). */
static bool new_record_since(struct cw *w, int from) {
    return cw_find(w, from, 0, "+sentinel", NULL) >= 0 ||
           cw_find(w, from, 0, "+sentinel-address-switch", NULL) >= 0;
}

static void test_hello_sender_found_by_whole_runid(void **state) {
    /* Goal: a hello finds its sender's record by the whole run id, among
     * records whose run ids differ only at the end, also after a record
     * before them was removed. Method: three peers of m1, two of them
     * alike, repeated hellos (no new record may appear), then a new run id
     * takes the first one's address (+sentinel-invalid-addr removes it)
     * and the others speak again. */
    (void)state;
    struct cw *w = world();
    hello(w, "10.0.0.11", ID_P1, 0, "m1", "10.0.1.1", 0);
    hello(w, "10.0.0.12", ID_P2, 0, "m1", "10.0.1.1", 0);
    hello(w, "10.0.0.13", ID_P3, 0, "m1", "10.0.1.1", 0);
    int from = cw_events_len(w);
    hello(w, "10.0.0.13", ID_P3, 0, "m1", "10.0.1.1", 0);
    hello(w, "10.0.0.12", ID_P2, 0, "m1", "10.0.1.1", 0);
    hello(w, "10.0.0.11", ID_P1, 0, "m1", "10.0.1.1", 0);
    assert_false(new_record_since(w, from));
    hello(w, "10.0.0.11", ID_Y, 0, "m1", "10.0.1.1", 0);
    assert_true(cw_find(w, from, 0, "+sentinel-invalid-addr", "sentinel " ID_P1) >= 0);
    assert_true(cw_find(w, from, 0, "+sentinel", "sentinel " ID_Y) >= 0);
    from = cw_events_len(w);
    hello(w, "10.0.0.12", ID_P2, 0, "m1", "10.0.1.1", 0);
    hello(w, "10.0.0.13", ID_P3, 0, "m1", "10.0.1.1", 0);
    hello(w, "10.0.0.11", ID_Y, 0, "m1", "10.0.1.1", 0);
    assert_false(new_record_since(w, from));
    cw_free(w);
}

static void test_hello_epochs_and_switch(void **state) {
    /* Goal: a higher current epoch is adopted (+new-epoch); a higher config
     * epoch with another master address switches like an observer
     * (+config-update-from, +switch-master, +slave for the old master); an
     * equal or older config epoch changes nothing (§5.3.3 steps 3-4). */
    (void)state;
    struct cw *w = world();
    hello(w, "10.0.0.5", ID_X, 0, "m1", "10.0.1.1", 0);
    int from = cw_events_len(w);
    hello(w, "10.0.0.5", ID_X, 5, "m1", "10.0.1.1", 0);
    assert_true(cw_find(w, from, 0, "+new-epoch", "5") >= 0);
    assert_int_equal(core_current_epoch(cw_core(w, 0)), 5);
    hello(w, "10.0.0.5", ID_X, 5, "m1", "10.0.1.9", 3);
    int up = cw_find(w, from, 0, "+config-update-from",
                     "sentinel " ID_X " 10.0.0.5 26379 @ m1 10.0.1.1 6379");
    int sw = cw_find(w, from, 0, "+switch-master", "m1 10.0.1.1 6379 10.0.1.9 6379");
    int sl = cw_find(w, from, 0, "+slave", "slave 10.0.1.1:6379 10.0.1.1 6379 @ m1 10.0.1.9 6379");
    assert_true(up >= 0 && sw > up && sl > sw);
    struct core_master_view v;
    core_master(cw_core(w, 0), 0, &v);
    assert_int_equal(v.config_epoch, 3);
    assert_string_equal(v.ip, "10.0.1.9");
    assert_int_equal(v.sentinels, 1);
    from = cw_events_len(w);
    hello(w, "10.0.0.5", ID_X, 5, "m1", "10.0.1.7", 3);
    hello(w, "10.0.0.5", ID_X, 5, "m1", "10.0.1.7", 2);
    assert_int_equal(cw_find(w, from, 0, "+switch-master", NULL), -1);
    cw_free(w);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello_new_sentinel_and_sharing),
        cmocka_unit_test(test_hello_address_switch_and_invalid_addr),
        cmocka_unit_test(test_hello_sender_found_by_whole_runid),
        cmocka_unit_test(test_hello_epochs_and_switch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
