/* check.c: the assertion handler hook and the failure context.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/check.h"
#include "core/core.h"

static void (*assert_handler)(
    const char *file, int line, const char *expr, const char *where, void *ud);
static void *assert_ud;
/* The sentinel being stepped, kept as raw values: formatting them at every
 * step cost a fifth of a simulation's instructions, so the "where" text is
 * built only when an assertion fails. */
static char where_id[CORE_RUNID_LEN + 1];
static uint64_t where_now_ms;
static uint64_t where_seed;
static bool where_set;

void core_set_assert_handler(
    void (*assert_cb)(const char *file, int line, const char *expr, const char *where, void *ud),
    void *ud) {
    assert_handler = assert_cb;
    assert_ud = ud;
}

void core__check_enter(const char *myid, uint64_t now_ms, uint64_t seed) {
    const char *id = myid != NULL ? myid : "?";
    size_t n = strnlen(id, CORE_RUNID_LEN);
    memcpy(where_id, id, n);
    where_id[n] = '\0';
    where_now_ms = now_ms;
    where_seed = seed;
    where_set = true;
}

_Noreturn void core__assert_fail(const char *file, int line, const char *expr) {
    char where[128] = "core: no sentinel being stepped";
    if (where_set) {
        snprintf(where, sizeof(where), "sentinel %s now_ms %llu seed %llu", where_id,
                 (unsigned long long)where_now_ms, (unsigned long long)where_seed);
    }
    if (assert_handler != NULL) { assert_handler(file, line, expr, where, assert_ud); }
    /* The default handler, and a handler that returned: stop right here. */
    for (;;) {
        __builtin_trap();
    }
}
