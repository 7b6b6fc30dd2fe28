/* report.c: the terminal summary, Markdown, JUnit XML and the report
 * directory a library run leaves behind.
 *
 * Method: every writer walks the same array of cases, in the caller's
 * order, and prints nothing that depends on the host except the wall time
 * the caller measured (JUnit's time attribute), so the reports of a sim
 * library run are reproducible.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/rep_assert.h"
#include "reports/report.h"

bool rep_color_wanted(FILE *f) {
    const char *no = getenv("NO_COLOR");
    return isatty(fileno(f)) && (no == NULL || no[0] == '\0');
}

/* "32.4s" from ms, without floating point. */
static void seconds(uint64_t ms, char *buf, size_t len) {
    snprintf(buf, len, "%llu.%llus", (unsigned long long)(ms / 1000),
             (unsigned long long)(ms % 1000 / 100));
}

static const char *or_none(const char *s) {
    return s[0] != '\0' ? s : "none";
}

/* ---------------------------------------------------------------- terminal */

void rep_summary_write(FILE *f, const struct rep_case *cases, size_t n, bool color) {
    size_t failed = 0;
    const char *green = color ? "\033[32m" : "", *red = color ? "\033[31m" : "";
    const char *reset = color ? "\033[0m" : "";
    for (size_t i = 0; i < n; i++) {
        const struct rep_case *c = &cases[i];
        const struct rep_verdict *v = &c->verdict;
        bool pass = v->pass && c->extra == NULL;
        failed += !pass;
        char t[32];
        seconds(c->virtual_ms, t, sizeof(t));
        fprintf(f, "%s%s%s %-40s %-6s seed=%-4llu leader=%-4s promoted=%-4s failovers=%u %s\n",
                pass ? green : red, pass ? "PASS" : "FAIL", reset, c->scenario, c->kind,
                (unsigned long long)c->seed, or_none(v->leader), or_none(v->promoted), v->failovers,
                t);
        for (uint32_t k = 0; k < v->findings_len; k++) {
            char buf[700];
            if (c->run != NULL) {
                rep_finding_format(c->run, &v->findings[k], buf, sizeof(buf));
            } else {
                snprintf(buf, sizeof(buf), "%s: %s", c->path, v->findings[k].msg);
            }
            fprintf(f, "     %s\n", buf);
        }
        if (c->extra != NULL) { fprintf(f, "%s%s", c->extra, "\n"); }
    }
    fprintf(f, "%s%zu passed%s, %s%zu failed%s (of %zu)\n", failed == 0 ? green : "", n - failed,
            failed == 0 ? reset : "", failed > 0 ? red : "", failed, failed > 0 ? reset : "", n);
}

/* ---------------------------------------------------------------- Markdown */

static void md_cell(FILE *f, const char *s) {
    for (; *s != '\0'; s++) {
        if (*s == '|') {
            fputs("\\|", f);
        } else if (*s == '\n') {
            fputc(' ', f);
        } else {
            fputc(*s, f);
        }
    }
}

int rep_markdown_write(FILE *f, const struct rep_case *cases, size_t n) {
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        failed += !(cases[i].verdict.pass && cases[i].extra == NULL);
    }
    fprintf(f, "# sentsim results\n\n%zu passed, %zu failed (of %zu).\n\n", n - failed, failed, n);
    fprintf(f, "| result | scenario | kind | seed | leader | promoted | failovers | time |\n"
               "|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const struct rep_case *c = &cases[i];
        char t[32];
        seconds(c->virtual_ms, t, sizeof(t));
        fprintf(f, "| %s | ", c->verdict.pass && c->extra == NULL ? "PASS" : "**FAIL**");
        md_cell(f, c->scenario);
        fprintf(f, " | %s | %llu | %s | %s | %u | %s |\n", c->kind, (unsigned long long)c->seed,
                or_none(c->verdict.leader), or_none(c->verdict.promoted), c->verdict.failovers, t);
    }
    if (failed > 0) { fprintf(f, "\n## Failures\n"); }
    for (size_t i = 0; i < n; i++) {
        const struct rep_case *c = &cases[i];
        if (c->verdict.pass && c->extra == NULL) { continue; }
        fprintf(f, "\n### %s, %s, seed %llu\n\n", c->scenario, c->kind,
                (unsigned long long)c->seed);
        for (uint32_t k = 0; k < c->verdict.findings_len; k++) {
            char buf[700];
            if (c->run != NULL) {
                rep_finding_format(c->run, &c->verdict.findings[k], buf, sizeof(buf));
            } else {
                snprintf(buf, sizeof(buf), "%s: %s", c->path, c->verdict.findings[k].msg);
            }
            fprintf(f, "- `%s`\n", buf);
        }
        if (c->extra != NULL) { fprintf(f, "\n```\n%s\n```\n", c->extra); }
    }
    return ferror(f) ? -1 : 0;
}

/* ---------------------------------------------------------------- JUnit */

static void xml(FILE *f, const char *s) {
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '<') {
            fputs("&lt;", f);
        } else if (ch == '>') {
            fputs("&gt;", f);
        } else if (ch == '&') {
            fputs("&amp;", f);
        } else if (ch == '"') {
            fputs("&quot;", f);
        } else if (ch < 0x20 && ch != '\n' && ch != '\t') {
            fputc(' ', f); /* not allowed in XML 1.0 */
        } else {
            fputc(*s, f);
        }
    }
}

static void junit_case(FILE *f, const struct rep_case *c) {
    const struct rep_verdict *v = &c->verdict;
    fprintf(f, "    <testcase classname=\"%s.", c->kind);
    xml(f, c->scenario);
    fprintf(f, "\" name=\"");
    xml(f, c->scenario);
    fprintf(f, " seed=%llu\" time=\"%llu.%03llu\">\n", (unsigned long long)c->seed,
            (unsigned long long)(c->wall_ms / 1000), (unsigned long long)(c->wall_ms % 1000));
    if (!v->pass || c->extra != NULL) {
        fprintf(f, "      <failure type=\"expectation\" message=\"%u finding%s%s\">",
                v->findings_len, v->findings_len == 1 ? "" : "s",
                c->extra != NULL ? " and a drift" : "");
        for (uint32_t k = 0; k < v->findings_len; k++) {
            char buf[700];
            if (c->run != NULL) {
                rep_finding_format(c->run, &v->findings[k], buf, sizeof(buf));
            } else {
                snprintf(buf, sizeof(buf), "%s: %s", c->path, v->findings[k].msg);
            }
            xml(f, buf);
            fputc('\n', f);
        }
        if (c->extra != NULL) { xml(f, c->extra); }
        fprintf(f, "</failure>\n");
    }
    char t[32];
    seconds(c->virtual_ms, t, sizeof(t));
    fprintf(f, "      <system-out>leader=%s promoted=%s failovers=%u virtual=%s</system-out>\n",
            or_none(v->leader), or_none(v->promoted), v->failovers, t);
    fprintf(f, "    </testcase>\n");
}

int rep_junit_write(FILE *f, const struct rep_case *cases, size_t n) {
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        failed += !(cases[i].verdict.pass && cases[i].extra == NULL);
    }
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"sentsim\" tests=\"%zu\" failures=\"%zu\">\n",
            n, failed);
    /* One suite per kind, in order of first appearance. */
    for (size_t i = 0; i < n; i++) {
        bool first = true;
        for (size_t k = 0; k < i; k++) {
            first = first && strcmp(cases[k].kind, cases[i].kind) != 0;
        }
        if (!first) { continue; }
        size_t tests = 0, fails = 0;
        uint64_t ms = 0;
        for (size_t k = i; k < n; k++) {
            if (strcmp(cases[k].kind, cases[i].kind) != 0) { continue; }
            tests++;
            fails += !(cases[k].verdict.pass && cases[k].extra == NULL);
            ms += cases[k].wall_ms;
        }
        fprintf(f,
                "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
                "time=\"%llu.%03llu\">\n",
                cases[i].kind, tests, fails, (unsigned long long)(ms / 1000),
                (unsigned long long)(ms % 1000));
        for (size_t k = i; k < n; k++) {
            if (strcmp(cases[k].kind, cases[i].kind) == 0) { junit_case(f, &cases[k]); }
        }
        fprintf(f, "  </testsuite>\n");
    }
    fprintf(f, "</testsuites>\n");
    return ferror(f) ? -1 : 0;
}

/* ---------------------------------------------------------------- the directory */

static int mkdirs(const char *dir) {
    char path[1024];
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) { return -1; }
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/') { continue; }
        *p = '\0';
        if (mkdir(path, 0777) < 0 && errno != EEXIST) { return -1; }
        *p = '/';
    }
    return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

static int write_file(const char *dir,
                      const char *name,
                      const struct rep_case *cases,
                      size_t n,
                      int (*writer)(FILE *, const struct rep_case *, size_t)) {
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "sentsim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = writer(f, cases, n);
    if (fclose(f) != 0) { rc = -1; }
    if (rc < 0) { fprintf(stderr, "sentsim: error writing %s\n", path); }
    return rc;
}

int rep_write_all(const char *dir, const struct rep_case *cases, size_t n) {
    if (mkdirs(dir) < 0) {
        fprintf(stderr, "sentsim: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = write_file(dir, "summary.md", cases, n, rep_markdown_write);
    rc |= write_file(dir, "junit.xml", cases, n, rep_junit_write);
    for (size_t i = 0; i < n; i++) {
        const struct rep_case *c = &cases[i];
        if (c->run == NULL) { continue; }
        char path[1200];
        snprintf(path, sizeof(path), "%s/%s-%s-%llu.html", dir, c->scenario, c->kind,
                 (unsigned long long)c->seed);
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            fprintf(stderr, "sentsim: cannot write %s: %s\n", path, strerror(errno));
            rc = -1;
            continue;
        }
        rc |= rep_html_write(f, c->run, &c->verdict, c->real, NULL);
        if (fclose(f) != 0) { rc = -1; }
    }
    return rc != 0 ? -1 : 0;
}
