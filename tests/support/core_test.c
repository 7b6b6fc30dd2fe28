/* core_test.c: the cmocka-aware CORE_ASSERT handler (see core_test.h).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/core.h"
#include "tests/support/core_test.h"

jmp_buf *core_test_assert_jump;

static void on_assert(const char *file, int line, const char *expr, const char *where, void *ud) {
    (void)ud;
    if (core_test_assert_jump != NULL) {
        jmp_buf *jb = core_test_assert_jump;
        core_test_assert_jump = NULL;
        longjmp(*jb, 1);
    }
    fail_msg("CORE_ASSERT failed at %s:%d: %s (%s)", file, line, expr, where);
}

void core_test_install_handler(void) {
    core_set_assert_handler(on_assert, NULL);
}

static void *malloc_cb(void *ud, size_t n) {
    (void)ud;
    return malloc(n);
}

static void free_cb(void *ud, void *p) {
    (void)ud;
    free(p);
}

struct core_allocator core_test_malloc(void) {
    return (struct core_allocator){malloc_cb, free_cb, NULL};
}
