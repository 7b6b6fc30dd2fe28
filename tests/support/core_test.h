/* core_test.h: helpers shared by the core's cmocka tests.
 *
 * Method: the core reports a failed CORE_ASSERT through the handler the
 * driver installs. Tests install one that either fails the running cmocka
 * test with the file, line and expression, or, inside
 * CORE_TEST_EXPECT_ASSERT(), jumps back so that a test can prove that a
 * contract violation is caught (the negative space of an assertion).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_CORE_TEST_H
#define SENTSIM_TESTS_CORE_TEST_H

#include <setjmp.h>
#include <stdbool.h>

#include "core/core.h"

/* Installs the cmocka-aware assertion handler; call at the top of main(). */
void core_test_install_handler(void);

/* The C library's malloc and free as a core allocator. */
struct core_allocator core_test_malloc(void);

/* Where a failed assertion jumps while CORE_TEST_EXPECT_ASSERT runs. */
extern jmp_buf *core_test_assert_jump;

/* Runs `stmt` and fails the test unless it trips a CORE_ASSERT. */
#define CORE_TEST_EXPECT_ASSERT(stmt)                                                              \
    do {                                                                                           \
        jmp_buf core_test_jb_;                                                                     \
        volatile bool core_test_tripped_ = false;                                                  \
        core_test_assert_jump = &core_test_jb_;                                                    \
        if (setjmp(core_test_jb_) == 0) {                                                          \
            stmt;                                                                                  \
        } else {                                                                                   \
            core_test_tripped_ = true;                                                             \
        }                                                                                          \
        core_test_assert_jump = NULL;                                                              \
        assert_true(core_test_tripped_);                                                           \
    } while (0)

#endif
