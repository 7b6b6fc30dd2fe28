/* report.h: the `sentsim report` subcommand and the reports a library run
 * writes: terminal summary, Markdown, JUnit XML and HTML timelines.
 *
 * Method: a driver collects one `struct rep_case` per scenario x seed and
 * hands the array over; every writer reads only that (and the runs it
 * points to), so sim, real and compare runs report alike. Files go under
 * reports/out/ (git-ignored) unless the caller picks another directory.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_REPORT_H
#define SENTSIM_REPORTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/run.h"

#define REP_OUT_DIR "reports/out"

/* One scenario x seed result. */
struct rep_case {
    const char *kind;     /* the JUnit testsuite: "sim", "real-redis", "compare" ... */
    const char *scenario; /* scenario name */
    const char *path;     /* scenario file */
    uint64_t seed;
    uint64_t virtual_ms; /* simulated (or real) duration of the run */
    uint64_t wall_ms;    /* host time it took; 0 if not measured */
    struct rep_verdict verdict;
    const char *extra;          /* more failure text (golden drift, diff); NULL if none */
    const struct rep_run *run;  /* for HTML timelines; may be NULL */
    const struct rep_run *real; /* the real-mode run beside it (compare); may be NULL */
};

/* The `sentsim report` entry point (see `sentsim report --help`). */
int rep_cmd_report(int argc, char **argv);

/* True when f is a terminal and NO_COLOR is unset. */
bool rep_color_wanted(FILE *f);

/* One line per case ("PASS name seed=1 leader=s2 promoted=r1 failovers=1
 * 32.4s"), findings indented under failures, a total line last. */
void rep_summary_write(FILE *f, const struct rep_case *cases, size_t n, bool color);

/* A Markdown table of the cases, findings in a list below it. Returns 0 / -1 (I/O). */
int rep_markdown_write(FILE *f, const struct rep_case *cases, size_t n);

/* JUnit XML: one <testsuite> per distinct kind, one <testcase> per case,
 * failures carry the findings. Returns 0 / -1 (I/O). */
int rep_junit_write(FILE *f, const struct rep_case *cases, size_t n);

/* A self-contained HTML page: verdict, an SVG swimlane timeline of `run`
 * (and of `real` beside it when not NULL) and the Redis log lines.
 * Returns 0 / -1 (I/O). */
int rep_html_write(FILE *f,
                   const struct rep_run *run,
                   const struct rep_verdict *verdict,
                   const struct rep_run *real,
                   const struct rep_verdict *real_verdict);

/* Writes dir/summary.md, dir/junit.xml and dir/<scenario>-<kind>-<seed>.html for
 * each case with a run, creating dir. Returns 0 or -1 (message on stderr). */
int rep_write_all(const char *dir, const struct rep_case *cases, size_t n);

/* "path:line:col: msg" (or "path: msg" without a position) into buf. */
void rep_finding_format(const struct rep_run *run,
                        const struct rep_finding *f,
                        char *buf,
                        size_t len);

#endif
