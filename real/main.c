/* sentsim: the one binary. main() only dispatches to each module's entry point.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "real/real.h"
#include "reports/report.h"
#include "sim/chaos.h"
#include "sim/sim.h"

#define SENTSIM_VERSION "0.1.0"

struct subcommand {
    const char *name;
    int (*main_cb)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand subcommands[] = {
    {"run", sim_cmd_run, "replay scenarios in the deterministic simulator"},
    {"real", real_cmd_real, "run a scenario against real redis-server/redis-sentinel"},
    {"compare", real_cmd_compare, "run a scenario in sim and real mode and diff the logs"},
    {"sentinel", real_cmd_sentinel, "run our core as a real sentinel: sentsim sentinel FILE.conf"},
    {"chaos", sim_cmd_chaos, "swarm-test Sentinel invariants over many seeds; shrink failures"},
    {"report", rep_cmd_report, "render, normalize or diff recorded event logs"},
};

static void usage(FILE *f) {
    fprintf(f,
            "sentsim %s: deterministic simulation and chaos testing for Redis Sentinel %s\n"
            "usage: sentsim <command> [options]   (sentsim <command> --help for more)\n\n",
            SENTSIM_VERSION, "7.0");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
        fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    }
    fprintf(f, "  %-10s %s\n", "version", "print the version");
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("sentsim %s (Sentinel behaviour of Redis 7.0.15)\n", SENTSIM_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0) {
            return subcommands[i].main_cb(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "sentsim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
