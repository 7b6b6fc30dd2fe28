/* cmd.c: `sentsim real FILE.yaml`: one scenario against real processes.
 *
 * Method: loads the scenario, runs it once with real_run(), prints the
 * merged human log (reports' renderer, the same view `sentsim run` prints),
 * the verdict and where the wall-clock time went. Exit 0 pass, 1 fail,
 * 2 bad input or a refused step, 130 when interrupted (after cleaning up).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real/check.h"
#include "real/cmd.h"
#include "real/real.h"
#include "reports/log.h"
#include "reports/report.h"
#include "reports/runfile.h"

static void usage(FILE *f) {
    fprintf(f, "usage: sentsim real FILE.yaml [--sentinel=redis|core|mixed] [--json FILE] "
               "[--quiet] [--verbose]\n"
               "  Runs the scenario against real redis-server and sentinel processes on\n"
               "  loopback (or in network namespaces when it cuts links).\n"
               "  Exit 0 pass, 1 fail, 2 bad input or refused step.\n");
}

int real__parse_sentinel(const char *arg, enum real_sentinel_mode *out) {
    if (strcmp(arg, "redis") == 0) {
        *out = REAL_SENTINEL_REDIS;
    } else if (strcmp(arg, "core") == 0) {
        *out = REAL_SENTINEL_CORE;
    } else if (strcmp(arg, "mixed") == 0) {
        *out = REAL_SENTINEL_MIXED;
    } else {
        fprintf(stderr, "sentsim: --sentinel must be redis, core or mixed, not '%s'\n", arg);
        return -1;
    }
    return 0;
}

int real__load(const char *path, struct scn *s) {
    struct scn_error err;
    memset(s, 0, sizeof(*s));
    if (scn_load(path, s, &err) != 0) {
        char buf[600];
        scn_error_format(&err, buf, sizeof(buf));
        fprintf(stderr, "%s\n", buf);
        return -1;
    }
    return 0;
}

void real__print_timing(FILE *f, const char *name, const struct real_timing *t) {
    fprintf(f,
            "%s: wall %llu ms = set-up to ready %llu + timeline %llu + teardown %llu; "
            "first fault to last +switch-master %llu ms\n",
            name, (unsigned long long)t->total_ms, (unsigned long long)t->setup_ms,
            (unsigned long long)t->timeline_ms, (unsigned long long)t->teardown_ms,
            (unsigned long long)t->fault_ms);
}

void real__print_verdict(FILE *f, const struct rep_run *run, const struct rep_verdict *v) {
    fprintf(f, "%s %s: %u failover(s), leader %s, promoted %s\n", v->pass ? "PASS" : "FAIL",
            run->scn->name, (unsigned)v->failovers, v->leader[0] ? v->leader : "-",
            v->promoted[0] ? v->promoted : "-");
    if (run->failure[0] != '\0') { fprintf(f, "  run failure: %s\n", run->failure); }
    for (uint32_t i = 0; i < v->findings_len; i++) {
        char buf[700];
        rep_finding_format(run, &v->findings[i], buf, sizeof(buf));
        fprintf(f, "  %s\n", buf);
    }
}

int real_cmd_real(int argc, char **argv) {
    struct real_options opt;
    real_options_default(&opt);
    const char *path = NULL, *json = NULL;
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--sentinel=", 11) == 0) {
            if (real__parse_sentinel(argv[i] + 11, &opt.sentinel) != 0) { return 2; }
        } else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            json = argv[++i];
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
            opt.verbose = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && path == NULL) {
            path = argv[i];
        } else {
            fprintf(stderr, "sentsim real: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (path == NULL) {
        usage(stderr);
        return 2;
    }
    struct scn s;
    if (real__load(path, &s) != 0) { return 2; }
    real_catch_signals();
    struct rep_run run;
    struct real_timing timing;
    char err[REAL_ERR_MAX] = "";
    int rc = real_run(&s, &opt, &run, &timing, err, sizeof(err));
    int exit_code;
    if (rc == REAL_E_BAD) {
        fprintf(stderr, "sentsim real: refused: %s\n", err);
        scn_free(&s);
        return 2;
    }
    if (rc != REAL_OK) {
        fprintf(stderr, "sentsim real: %s: %s\n", s.name, err);
        exit_code = rc == REAL_E_INTERRUPTED ? 130 : 1;
    } else {
        struct rep_verdict v;
        rep_expect_check(&run, &v);
        if (!quiet) { rep_log_write_run(stdout, &run, NULL); }
        real__print_verdict(stdout, &run, &v);
        real__print_timing(stdout, s.name, &timing);
        exit_code = v.pass ? 0 : 1;
        /* The whole run (header, names, final state, events), as `sentsim run` writes it. */
        if (json != NULL && rep_run_save(&run, json) != 0) {
            fprintf(stderr, "sentsim real: cannot write %s: %s\n", json, strerror(errno));
            exit_code = 1;
        }
    }
    rep_run_free(&run);
    scn_free(&s);
    return exit_code;
}
