/* cmd.c: `sentsim report`, the command line over recorded run files.
 *
 * Method: every subcommand reads run files (runfile.h) into memory, loads
 * their scenarios, and hands them to the library functions the drivers use
 * too; the command itself only parses arguments and picks exit codes:
 * 0 success / same, 1 failed / differ, 2 bad usage or bad input.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "reports/diff.h"
#include "reports/golden.h"
#include "reports/log.h"
#include "reports/normalize.h"
#include "reports/report.h"
#include "reports/runfile.h"

#define FILES_MAX 4096

static const char usage_text[] =
    "usage: sentsim report <command> [options] RUN.jsonl...\n"
    "  html RUN [--real REAL] [-o OUT.html]   swimlane timeline page (sim and real side by side)\n"
    "  normalize RUN [--json]                 events with names, roles and offsets\n"
    "  diff A B [--tolerance-ms N] [--window-ms N] [--context N]\n"
    "                                         Sentinel-aware diff; exit 0 same, 1 differ\n"
    "  check RUN...                           expectations; exit 0 pass, 1 fail\n"
    "  junit RUN... [-o OUT.xml] [--kind K]   JUnit XML, one testcase per run file\n"
    "  markdown RUN... [-o OUT.md]            Markdown summary\n"
    "  summary RUN...                         terminal summary\n"
    "  log RUN [--proc NAME]                  Redis log lines (merged, or one process)\n"
    "  golden RUN... [--golden FILE] [--write]  check against (or write) a golden skeleton\n"
    "  hash RUN                               FNV-1a determinism hash of the events\n"
    "Common: --scenario FILE overrides the scenario path recorded in a run file.\n"
    "Exit status: 0 success or same, 1 failed or differ, 2 bad usage or input.\n";

struct args {
    const char *files[FILES_MAX];
    size_t files_len;
    const char *out, *real, *scenario, *kind, *proc, *golden;
    bool json, write;
    struct rep_diff_opts diff;
};

static int bad_usage(const char *msg, const char *arg) {
    fprintf(stderr, "sentsim report: %s%s%s\n%s", msg, arg != NULL ? " " : "",
            arg != NULL ? arg : "", usage_text);
    return 2;
}

static int number(const char *s, uint32_t *out) {
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v > UINT32_MAX) { return -1; }
    *out = (uint32_t)v;
    return 0;
}

static int parse(int argc, char **argv, struct args *a) {
    memset(a, 0, sizeof(*a));
    rep_diff_opts_default(&a->diff);
    const char **value_of[] = {&a->out, &a->real, &a->scenario, &a->kind, &a->proc, &a->golden};
    const char *value_opt[] = {"-o", "--real", "--scenario", "--kind", "--proc", "--golden"};
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        bool done = false;
        for (size_t k = 0; k < sizeof(value_opt) / sizeof(value_opt[0]) && !done; k++) {
            if (strcmp(o, value_opt[k]) != 0) { continue; }
            if (++i == argc) { return bad_usage("missing value after", o); }
            *value_of[k] = argv[i];
            done = true;
        }
        uint32_t *num = strcmp(o, "--tolerance-ms") == 0 ? &a->diff.period_ms
                        : strcmp(o, "--window-ms") == 0  ? &a->diff.window_ms
                        : strcmp(o, "--context") == 0    ? &a->diff.context
                                                         : NULL;
        if (done) { continue; }
        if (num != NULL) {
            if (++i == argc || number(argv[i], num) < 0) {
                return bad_usage("expected a number after", o);
            }
            /* One tolerance for every chain event, SDOWN/ODOWN included. */
            if (num == &a->diff.period_ms) { a->diff.ping_period_ms = a->diff.period_ms; }
        } else if (strcmp(o, "--json") == 0) {
            a->json = true;
        } else if (strcmp(o, "--write") == 0) {
            a->write = true;
        } else if (o[0] == '-' && o[1] != '\0') {
            return bad_usage("unknown option", o);
        } else if (a->files_len == FILES_MAX) {
            return bad_usage("too many files", NULL);
        } else {
            a->files[a->files_len++] = o;
        }
    }
    return 0;
}

/* Reads n run files into a heap array (the runs point into it). */
static struct rep_run_file *load(const struct args *a, const char *const *paths, size_t n) {
    struct rep_run_file *rf = calloc(n + 1, sizeof(*rf));
    if (rf == NULL) { return NULL; }
    for (size_t i = 0; i < n; i++) {
        char err[1024];
        if (rep_run_read_json(paths[i], a->scenario, &rf[i], err, sizeof(err)) < 0) {
            fprintf(stderr, "sentsim report: %s\n", err);
            for (size_t k = 0; k < i; k++) {
                rep_run_file_free(&rf[k]);
            }
            free(rf);
            return NULL;
        }
    }
    return rf;
}

static void unload(struct rep_run_file *rf, size_t n) {
    for (size_t i = 0; i < n; i++) {
        rep_run_file_free(&rf[i]);
    }
    free(rf);
}

static FILE *open_out(const char *path) {
    if (path == NULL || strcmp(path, "-") == 0) { return stdout; }
    FILE *f = fopen(path, "w");
    if (f == NULL) { perror(path); }
    return f;
}

static int close_out(FILE *f, int rc) {
    if (f == stdout) { return fflush(f) != 0 ? 2 : rc; }
    return fclose(f) != 0 ? 2 : rc;
}

/* ---------------------------------------------------------------- subcommands */

static int cmd_html(const struct args *a) {
    if (a->files_len != 1) { return bad_usage("html takes one run file", NULL); }
    const char *paths[2] = {a->files[0], a->real};
    size_t n = a->real != NULL ? 2 : 1;
    struct rep_run_file *rf = load(a, paths, n);
    if (rf == NULL) { return 2; }
    struct rep_verdict v[2];
    for (size_t i = 0; i < n; i++) {
        rep_expect_check(&rf[i].run, &v[i]);
    }
    FILE *f = open_out(a->out);
    int rc = f == NULL ? 2 : 0;
    if (f != NULL) {
        rc = rep_html_write(f, &rf[0].run, &v[0], n == 2 ? &rf[1].run : NULL,
                            n == 2 ? &v[1] : NULL) < 0
                 ? 2
                 : 0;
        rc = close_out(f, rc);
    }
    unload(rf, n);
    return rc;
}

static int cmd_normalize(const struct args *a) {
    if (a->files_len != 1) { return bad_usage("normalize takes one run file", NULL); }
    struct rep_run_file *rf = load(a, a->files, 1);
    if (rf == NULL) { return 2; }
    struct rep_norm n;
    int rc = 2;
    if (rep_normalize(&rf->run, &n) == 0) {
        FILE *f = open_out(a->out);
        if (f != NULL) {
            rc = (a->json ? rep_norm_write_json(f, &n) : rep_norm_write_text(f, &n)) < 0 ? 2 : 0;
            rc = close_out(f, rc);
        }
        rep_norm_free(&n);
    }
    unload(rf, 1);
    return rc;
}

static int cmd_diff(struct args *a) {
    if (a->files_len != 2) { return bad_usage("diff takes two run files", NULL); }
    struct rep_run_file *rf = load(a, a->files, 2);
    if (rf == NULL) { return 2; }
    if (rf[0].scn.sentinels_len != rf[1].scn.sentinels_len) {
        fprintf(stderr, "sentsim report: %s and %s are runs of different topologies\n", a->files[0],
                a->files[1]);
        unload(rf, 2);
        return 2;
    }
    a->diff.a_label = a->files[0];
    a->diff.b_label = a->files[1];
    struct rep_diff_result *res = malloc(sizeof(*res));
    int rc = 2;
    if (res != NULL) {
        rc = rep_diff_runs(&rf[0].run, &rf[1].run, &a->diff, res, stdout);
        if (rc >= 0) {
            printf("%u ORDER, %u PRESENCE, %u TIMING\n", res->order, res->presence, res->timing);
        }
        rc = rc < 0 ? 2 : rc;
    }
    free(res);
    unload(rf, 2);
    return rc;
}

/* Verdicts of every file as cases; the runs stay loaded for the writers. */
static int cmd_cases(const struct args *a, const char *which) {
    if (a->files_len == 0) { return bad_usage("no run files given", NULL); }
    struct rep_run_file *rf = load(a, a->files, a->files_len);
    struct rep_case *cases = calloc(a->files_len, sizeof(*cases));
    if (rf == NULL || cases == NULL) {
        free(cases);
        if (rf != NULL) { unload(rf, a->files_len); }
        return 2;
    }
    size_t failed = 0;
    for (size_t i = 0; i < a->files_len; i++) {
        struct rep_case *c = &cases[i];
        const struct rep_run *r = &rf[i].run;
        c->kind = a->kind != NULL ? a->kind : rep_mode_name(r->mode);
        c->scenario = r->scn->name;
        c->path = r->scn->path;
        c->seed = r->seed;
        c->virtual_ms = r->end_t_ms;
        c->run = r;
        rep_expect_check(r, &c->verdict);
        failed += !c->verdict.pass;
    }
    int rc = 0;
    if (strcmp(which, "check") == 0 || strcmp(which, "summary") == 0) {
        rep_summary_write(stdout, cases, a->files_len, rep_color_wanted(stdout));
    } else {
        FILE *f = open_out(a->out);
        if (f == NULL) {
            rc = 2;
        } else {
            rc = (strcmp(which, "junit") == 0 ? rep_junit_write(f, cases, a->files_len)
                                              : rep_markdown_write(f, cases, a->files_len)) < 0
                     ? 2
                     : 0;
            rc = close_out(f, rc);
        }
    }
    if (rc == 0 && strcmp(which, "check") == 0 && failed > 0) { rc = 1; }
    free(cases);
    unload(rf, a->files_len);
    return rc;
}

static int cmd_log(const struct args *a) {
    if (a->files_len != 1) { return bad_usage("log takes one run file", NULL); }
    struct rep_run_file *rf = load(a, a->files, 1);
    if (rf == NULL) { return 2; }
    FILE *f = open_out(a->out);
    int rc = f == NULL ? 2 : close_out(f, rep_log_write_run(f, &rf->run, a->proc) < 0 ? 2 : 0);
    unload(rf, 1);
    return rc;
}

static int cmd_golden(const struct args *a) {
    if (a->files_len == 0) { return bad_usage("golden takes run files", NULL); }
    struct rep_run_file *rf = load(a, a->files, a->files_len);
    if (rf == NULL) { return 2; }
    char path[1024];
    if (a->golden != NULL) {
        snprintf(path, sizeof(path), "%s", a->golden);
    } else if (rep_golden_path(rf[0].scn.path, path, sizeof(path)) < 0) {
        unload(rf, a->files_len);
        return bad_usage("scenario path too long", NULL);
    }
    int rc = 0;
    if (a->write) {
        struct rep_golden g;
        rc = rep_golden_init(&g) < 0 ? 2 : 0;
        for (size_t i = 0; i < a->files_len && rc == 0; i++) {
            rc = rep_golden_add(&g, &rf[i].run) < 0 ? 2 : 0;
        }
        if (rc == 0 && rep_golden_write(&g, &rf[0].run, path) < 0) {
            perror(path);
            rc = 2;
        }
        rep_golden_free(&g);
    } else {
        for (size_t i = 0; i < a->files_len && rc != 2; i++) {
            int r = rep_golden_check(&rf[i].run, path, stdout);
            rc = r < 0 ? 2 : (r > 0 ? 1 : rc);
        }
    }
    unload(rf, a->files_len);
    return rc;
}

static int cmd_hash(const struct args *a) {
    if (a->files_len != 1) { return bad_usage("hash takes one run file", NULL); }
    struct rep_log log;
    rep_log_init(&log);
    char err[512];
    int rc = 0;
    if (rep_log_read_json(a->files[0], &log, err, sizeof(err)) < 0) {
        fprintf(stderr, "sentsim report: %s\n", err);
        rc = 2;
    } else {
        printf("%016llx  %s (%zu records)\n", (unsigned long long)rep_log_hash(&log), a->files[0],
               log.len);
    }
    rep_log_free(&log);
    return rc;
}

int rep_cmd_report(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    struct args *a = malloc(sizeof(*a));
    if (a == NULL) { return 2; }
    int rc = parse(argc, argv, a);
    const char *cmd = argv[1];
    if (rc != 0) {
        /* parse already explained */
    } else if (strcmp(cmd, "html") == 0) {
        rc = cmd_html(a);
    } else if (strcmp(cmd, "normalize") == 0) {
        rc = cmd_normalize(a);
    } else if (strcmp(cmd, "diff") == 0) {
        rc = cmd_diff(a);
    } else if (strcmp(cmd, "check") == 0 || strcmp(cmd, "junit") == 0 ||
               strcmp(cmd, "markdown") == 0 || strcmp(cmd, "summary") == 0) {
        rc = cmd_cases(a, cmd);
    } else if (strcmp(cmd, "log") == 0) {
        rc = cmd_log(a);
    } else if (strcmp(cmd, "golden") == 0) {
        rc = cmd_golden(a);
    } else if (strcmp(cmd, "hash") == 0) {
        rc = cmd_hash(a);
    } else {
        rc = bad_usage("unknown command", cmd);
    }
    free(a);
    return rc;
}
