/* test_scn_bad.c: the bad-input corpus through the loader API itself.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenarios/scenario.h"

/* Reads the first line of `path` (without its newline) into buf. */
static void first_line(const char *path, char *buf, size_t len) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, (int)len, f));
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_scn_bad_corpus_messages(void **state) {
    /* Goal: every file of tests/bad is refused with exactly its recorded
     * message, and the corpus is as broad as promised. Method: load each
     * NAME.yaml with scn_load, format the error, compare with NAME.expect;
     * count distinct messages (text after the position). The san build
     * also proves that each failing path frees what it allocated. */
    (void)state;
    DIR *d = opendir("tests/bad");
    assert_non_null(d);
    char *msgs[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) { continue; }
        char path[600], expect_path[600], want[700], got[700];
        snprintf(path, sizeof path, "tests/bad/%s", e->d_name);
        snprintf(expect_path, sizeof expect_path, "tests/bad/%.*s.expect", (int)(len - 5),
                 e->d_name);
        first_line(expect_path, want, sizeof want);
        struct scn s;
        struct scn_error err;
        assert_int_equal(scn_load(path, &s, &err), -1);
        scn_error_format(&err, got, sizeof got);
        assert_string_equal(got, want);
        scn_free(&s);
        assert_true(n < sizeof msgs / sizeof msgs[0]);
        msgs[n] = strdup(err.msg);
        assert_non_null(msgs[n]);
        n++;
    }
    closedir(d);
    assert_true(n >= 50);
    qsort(msgs, n, sizeof msgs[0], by_name);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        distinct += i == 0 || strcmp(msgs[i], msgs[i - 1]) != 0;
    }
    for (size_t i = 0; i < n; i++) {
        free(msgs[i]);
    }
    assert_true(distinct >= 40);
}

static void test_scn_bad_truncations_never_crash(void **state) {
    /* Goal: every prefix of a valid library file either loads or fails with
     * a positioned message, never crashes or leaks. Method: load each prefix
     * of master-dies-first.yaml as a string and check the error shape. */
    (void)state;
    FILE *f = fopen("scenarios/library/master-dies-first.yaml", "rb");
    assert_non_null(f);
    static char buf[16384];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(len > 100 && len < sizeof buf);
    for (size_t cut = 0; cut <= len; cut++) {
        struct scn s;
        struct scn_error err;
        if (scn_load_string("cut.yaml", buf, cut, &s, &err) < 0) {
            assert_true(err.msg[0] != '\0');
            assert_true(err.pos.line >= 1);
        }
        scn_free(&s);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scn_bad_corpus_messages),
        cmocka_unit_test(test_scn_bad_truncations_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
