/* test_core_pure_glob.c: Redis glob matching (core/glob.c).
 *
 * The quirk cases were checked against redis-server 7.0.15 (KEYS).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/glob.h"
#include "tests/support/core_test.h"

static bool m(const char *p, const char *s, bool nocase) {
    return core__glob_match(p, strlen(p), s, strlen(s), nocase);
}

/* Goal: the pattern language, case by case.
 * Method: table of (pattern, string, nocase, expected). */
static void test_glob_table(void **state) {
    (void)state;
    static const struct {
        const char *p, *s;
        bool nocase, want;
    } cases[] = {
        {"", "", false, true},
        {"", "a", false, false},
        {"a", "", false, false},
        {"*", "", false, false}, /* Redis quirk: checked with KEYS "**" */
        {"*", "anything", false, true},
        {"**", "x", false, true},
        {"a*", "a", false, true},
        {"a*b", "ab", false, true},
        {"a*b", "axxb", false, true},
        {"a*b", "axxbc", false, false},
        {"*b", "b", false, true},
        {"a?c", "abc", false, true},
        {"a?c", "ac", false, false},
        {"h[ae]llo", "hello", false, true},
        {"h[ae]llo", "hillo", false, false},
        {"h[^e]llo", "hallo", false, true},
        {"h[^e]llo", "hello", false, false},
        {"h[a-b]llo", "hbllo", false, true},
        {"h[b-a]llo", "hbllo", false, true},
        {"h[a-b]llo", "hcllo", false, false},
        {"[\\]]", "]", false, true},
        {"[\\-]", "-", false, true},
        {"a[\\", "a\\", false, true}, /* unclosed class */
        {"a[^", "ab", false, true},
        {"a[", "ab", false, false},
        {"\\*", "*", false, true},
        {"\\*", "a", false, false},
        {"a\\", "a\\", false, true}, /* trailing backslash is literal */
        {"HeLLo", "hello", true, true},
        {"HeLLo", "hello", false, false},
        {"h[A-C]x", "hbx", true, true},
        {"h[\\B]x", "hbx", true, false}, /* escaped class byte: exact */
        {"h[B]x", "hbx", true, true},
        {"h[C-a]x", "hDx", false, true},
        {"h[C-a]x", "hDx", true, false}, /* bounds ordered, then folded: c..a is empty */
        {"__sentinel__:*", "__sentinel__:hello", false, true},
        {"*-master", "+switch-master", false, true},
        {"*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false,
         false},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        assert_int_equal(m(cases[c].p, cases[c].s, cases[c].nocase), cases[c].want);
    }
}

/* Goal: lengths are explicit: NUL bytes are ordinary, nothing past len is
 * read. Method: byte strings with NULs and truncated lengths. */
static void test_glob_explicit_lengths(void **state) {
    (void)state;
    assert_true(core__glob_match("a\0*", 3, "a\0zz", 4, false));
    assert_false(core__glob_match("a\0b", 3, "a\0c", 3, false));
    assert_true(core__glob_match("abX", 2, "abY", 2, false));
    assert_true(core__glob_match(NULL, 0, NULL, 0, false));
}

/* Goal: adversarial patterns stay fast and deep nesting is bounded.
 * Method: 2000 stars against a long string (would recurse past the limit),
 * and a many-star no-match that is exponential without the skip guard. */
static void test_glob_adversarial_bounded(void **state) {
    (void)state;
    static char pat[4001], str[3000];
    for (int i = 0; i < 2000; i++) {
        pat[2 * i] = '*';
        pat[2 * i + 1] = 'a';
    }
    memset(str, 'a', sizeof(str));
    /* 2000 nested stars exceed CORE__GLOB_NESTING_MAX: no match, no crash. */
    assert_false(core__glob_match(pat, 4000, str, sizeof(str), false));
    /* Within the limit it matches. */
    assert_true(core__glob_match(pat, 2 * 500, str, sizeof(str), false));
    pat[2 * 30] = 'b';
    assert_false(core__glob_match(pat, 2 * 30 + 1, str, sizeof(str), false));
}

int main(void) {
    core_test_install_handler();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob_table),
        cmocka_unit_test(test_glob_explicit_lengths),
        cmocka_unit_test(test_glob_adversarial_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
