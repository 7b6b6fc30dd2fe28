/* test_rep_render.c: the HTML report renders to a non-blank page in a real
 * browser.
 *
 * Method: the §18.1 fixture run (with a second, "real" run beside it) is
 * written as HTML, headless Chromium takes a screenshot, and
 * tests/support/png_colored.py counts the coloured pixels of the timeline
 * area: spans and marks are the page's only colour, so a broken SVG or an
 * empty timeline counts (nearly) nothing. The screenshot stays in
 * reports/out/render/ for a look. Skipped when Chromium is not installed
 * (`make setup` installs it).
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
#include <sys/stat.h>

#include <cmocka.h>

#include "reports/report.h"
#include "tests/support/rep_fixture.h"

#define OUT_DIR "reports/out/render"

static const char *chromium(void) {
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", names[i]);
        if (system(cmd) == 0) { return names[i]; }
    }
    return NULL;
}

/* Renders html to png with headless Chromium; returns the coloured pixel
 * count below the page header (y >= 240 at 1600x1000). */
static unsigned long shoot(const char *browser, const char *name) {
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "d=$(mktemp -d) && %s --headless --no-sandbox --disable-gpu --disable-quic "
             "--no-first-run --disable-background-networking --disable-component-update "
             "--disable-sync --hide-scrollbars --user-data-dir=$d "
             "--screenshot=" OUT_DIR "/%s.png --window-size=1600,1000 "
             "file://$PWD/" OUT_DIR "/%s.html >/dev/null 2>&1; rc=$?; rm -rf $d; exit $rc",
             browser, name, name);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd),
             "python3 tests/support/png_colored.py " OUT_DIR "/%s.png 0 240 1600 1000", name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    unsigned long colored = 0, w = 0, h = 0;
    assert_int_equal(fscanf(p, "%lu %lu %lu", &colored, &w, &h), 3);
    assert_int_equal(pclose(p), 0);
    assert_int_equal(w, 1600);
    print_message("%s: %lux%lu, %lu coloured pixels in the timeline area\n", name, w, h, colored);
    return colored;
}

static void write_page(const char *name, const struct rep_run *a, const struct rep_run *b) {
    char path[128];
    snprintf(path, sizeof(path), OUT_DIR "/%s.html", name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    struct rep_verdict v;
    rep_expect_check(a, &v);
    assert_int_equal(rep_html_write(f, a, &v, b, b != NULL ? &v : NULL), 0);
    fclose(f);
}

static void test_rep_render_timeline_not_blank(void **state) {
    /* Goal: the timeline of a failover renders visibly, and the check can
     * tell: a page of a run without events stays (nearly) colourless.
     * Method: see the file header; the §18.1 fixture with a "real" run
     * beside it, then an empty run. */
    (void)state;
    const char *browser = chromium();
    if (browser == NULL) {
        print_message("chromium not installed; skipping (make setup installs it)\n");
        skip();
    }
    struct rep_fx sim, real, empty;
    rep_fx_init(&sim);
    rep_fx_init(&real);
    rep_fx_init(&empty);
    struct rep_fx_plan p = rep_fx_plan_default();
    rep_fx_failover(&sim, &p);
    p.leader = 0;
    p.sdown_ms[0] = 30300;
    real.run.mode = REP_MODE_REAL_REDIS;
    rep_fx_failover(&real, &p);
    assert_int_equal(system("mkdir -p " OUT_DIR), 0);
    write_page("fixture", &sim.run, &real.run);
    write_page("empty", &empty.run, NULL);
    assert_true(shoot(browser, "fixture") >= 5000);
    assert_true(shoot(browser, "empty") < 2000); /* role labels only */
    rep_fx_free(&sim);
    rep_fx_free(&real);
    rep_fx_free(&empty);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_render_timeline_not_blank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
