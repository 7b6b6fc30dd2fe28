/* check.c: the assertion handler hook and the failure context.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>

#include "core/check.h"
#include "core/core.h"

static void (*assert_handler)(
    const char *file, int line, const char *expr, const char *where, void *ud);
static void *assert_ud;
static char where_buf[128] = "core: no sentinel being stepped";

void core_set_assert_handler(
    void (*assert_cb)(const char *file, int line, const char *expr, const char *where, void *ud),
    void *ud) {
    assert_handler = assert_cb;
    assert_ud = ud;
}

void core__check_enter(const char *myid, uint64_t now_ms, uint64_t seed) {
    snprintf(where_buf, sizeof(where_buf), "sentinel %.40s now_ms %llu seed %llu",
             myid != NULL ? myid : "?", (unsigned long long)now_ms, (unsigned long long)seed);
}

_Noreturn void core__assert_fail(const char *file, int line, const char *expr) {
    if (assert_handler != NULL) { assert_handler(file, line, expr, where_buf, assert_ud); }
    /* The default handler, and a handler that returned: stop right here. */
    for (;;) {
        __builtin_trap();
    }
}
