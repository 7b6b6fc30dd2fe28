/* test_core_pure_buf.c: the bounded string builder (core/buf.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "tests/support/core_test.h"

/* Goal: appends concatenate and keep the text NUL-terminated.
 * Method: mix all four append forms in a roomy buffer. */
static void test_buf_append_forms_concatenate(void **state) {
    (void)state;
    char mem[64];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_string_equal(b.data, "");
    assert_int_equal(core__buf_puts(&b, "ab"), 0);
    assert_int_equal(core__buf_putc(&b, 'c'), 0);
    assert_int_equal(core__buf_putn(&b, "dexx", 2), 0);
    assert_int_equal(core__buf_appendf(&b, "-%d-%s", 42, "z"), 0);
    assert_int_equal(core__buf_putn(&b, NULL, 0), 0);
    assert_string_equal(b.data, "abcde-42-z");
    assert_int_equal(b.len, 10);
    assert_false(b.overflow);
}

/* Goal: a buffer fills to exactly cap - 1 bytes; one more byte overflows,
 * writes nothing, and every later append fails too (sticky), even one that
 * would fit. Method: a 5-byte buffer inside a guard-filled array, for each
 * append form. */
static void test_buf_overflow_is_sticky_and_bounded(void **state) {
    (void)state;
    for (int form = 0; form < 4; form++) {
        char mem[16];
        memset(mem, '#', sizeof(mem));
        struct core__buf b;
        core__buf_init(&b, mem, 5);
        assert_int_equal(core__buf_puts(&b, "abcd"), 0);
        int rc = 0;
        switch (form) {
        case 0:
            rc = core__buf_putc(&b, 'e');
            break;
        case 1:
            rc = core__buf_puts(&b, "e");
            break;
        case 2:
            rc = core__buf_putn(&b, "e", 1);
            break;
        default:
            rc = core__buf_appendf(&b, "%c", 'e');
            break;
        }
        assert_int_equal(rc, -1);
        assert_true(b.overflow);
        assert_string_equal(mem, "abcd");
        assert_int_equal(b.len, 4);
        assert_int_equal(mem[5], '#');
        assert_int_equal(core__buf_putn(&b, "", 0), -1);
        core__buf_reset(&b);
        assert_false(b.overflow);
        assert_int_equal(core__buf_puts(&b, "x"), 0);
        assert_string_equal(mem, "x");
    }
}

/* Goal: a formatted append that does not fit in full leaves no partial text.
 * Method: a 10-byte buffer holding "12345", then a 6-byte appendf (needs 11)
 * and check that vsnprintf's truncated prefix was undone. */
static void test_buf_appendf_all_or_nothing(void **state) {
    (void)state;
    char mem[10];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(core__buf_puts(&b, "12345"), 0);
    assert_int_equal(core__buf_appendf(&b, "%s", "abcdef"), -1);
    assert_string_equal(mem, "12345");
    assert_int_equal(b.len, 5);
    assert_int_equal(core__buf_appendf(&b, "%s", "a"), -1);
    /* Exactly filling the buffer is fine. */
    core__buf_reset(&b);
    assert_int_equal(core__buf_appendf(&b, "%09d", 7), 0);
    assert_string_equal(mem, "000000007");
}

/* Goal: a 1-byte buffer holds only the empty text; a 0-byte one is refused.
 * Method: append to the 1-byte one; init with cap 0 under EXPECT_ASSERT. */
static void test_buf_tiny_capacities(void **state) {
    (void)state;
    char mem[1];
    struct core__buf b;
    core__buf_init(&b, mem, 1);
    assert_int_equal(core__buf_putn(&b, "", 0), 0);
    assert_int_equal(core__buf_putc(&b, 'a'), -1);
    assert_string_equal(mem, "");
    CORE_TEST_EXPECT_ASSERT(core__buf_init(&b, mem, 0));
}

/* Goal: embedded NUL bytes are copied by putn and counted in len.
 * Method: append "a\0b" and inspect the bytes. */
static void test_buf_putn_copies_nul_bytes(void **state) {
    (void)state;
    char mem[8];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    assert_int_equal(core__buf_putn(&b, "a\0b", 3), 0);
    assert_int_equal(b.len, 3);
    assert_memory_equal(mem, "a\0b\0", 4);
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_append_forms_concatenate),
        cmocka_unit_test(test_buf_overflow_is_sticky_and_bounded),
        cmocka_unit_test(test_buf_appendf_all_or_nothing),
        cmocka_unit_test(test_buf_tiny_capacities),
        cmocka_unit_test(test_buf_putn_copies_nul_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
