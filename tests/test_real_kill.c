/* test_real_kill.c: SIGKILL the harness mid-failover; nothing may be left.
 *
 * Method: `$SENTSIM real` runs a failover scenario (the mission scenario
 * master-dies-first on loopback, a partition in network namespaces); at a
 * random moment during the failover the test SIGKILLs it (no handler runs,
 * no cleanup code of the harness gets a chance), then checks within 5 s
 * that no process of that run still runs, none of its ports listens, and
 * its temp root, namespaces and nftables tables are gone. The ports and
 * processes are learnt while it runs, from its temp root (each process's
 * config file and working directory).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "real/netns.h"
#include "real/sys.h"
#include "tests/support/real_fixture.h"

#define PORTS_MAX      64
#define GONE_WITHIN_MS 5000u

/* The mission scenario: the master dies and a failover follows (~2-7 s in). */
#define MISSION "scenarios/library/master-dies-first.yaml"

static const char *const netns_yaml =
    "name: kill-netns\n"
    "timers: {info-period: 1000}\n"
    "defaults: {quorum: 2, down-after-milliseconds: 1500, failover-timeout: 6000}\n"
    "masters:\n  mymaster: {master: m, replicas: [r1, r2]}\n"
    "sentinels: 3\n"
    "timeline:\n"
    "  - partition: [[m, s1], [r1, r2, s2, s3]]\n"
    "  - wait: {event: +switch-master, on: [s2, s3], timeout: 30s}\n";

/* $SENTSIM, else the sentsim of this test's own build: build/<V>/tests/.. */
static const char *sentsim_path(void) {
    static char path[512];
    const char *p = getenv("SENTSIM");
    if (p != NULL) { return p; }
    if (path[0] != '\0') { return path; }
    char self[480];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) { return "build/release/sentsim"; }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash != NULL) { *slash = '\0'; }
    slash = strrchr(self, '/');
    if (slash != NULL) { *slash = '\0'; }
    snprintf(path, sizeof(path), "%s/sentsim", self);
    return path;
}

/* The run's temp root, once it exists: /tmp/sentsim-<pid>-XXXXXX. */
static int find_root(pid_t pid, char *out, size_t len) {
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "sentsim-%ld-", (long)pid);
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] != '/') { tmp = "/tmp"; }
    DIR *d = opendir(tmp);
    if (d == NULL) { return -1; }
    struct dirent *e;
    int rc = -1;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            snprintf(out, len, "%s/%s", tmp, e->d_name);
            rc = 0;
        }
    }
    closedir(d);
    return rc;
}

/* Reads "port N" from every process's config file under root. */
static int collect_ports(const char *root, uint16_t *ports) {
    int n = 0;
    DIR *d = opendir(root);
    if (d == NULL) { return 0; }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < PORTS_MAX) {
        if (e->d_name[0] == '.') { continue; }
        for (int k = 0; k < 2; k++) {
            char path[1024], text[8192];
            snprintf(path, sizeof(path), "%s/%s/%s", root, e->d_name,
                     k ? "sentinel.conf" : "redis.conf");
            if (real__read_file(path, text, sizeof(text)) <= 0) { continue; }
            const char *p = strstr(text, "\nport ");
            if (p != NULL) { ports[n++] = (uint16_t)strtoul(p + 6, NULL, 10); }
        }
    }
    closedir(d);
    return n;
}

/* Processes (not zombies) whose working directory lies under root. */
static int processes_under(const char *root) {
    DIR *d = opendir("/proc");
    int n = 0;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') { continue; }
        char link[300], cwd[600];
        snprintf(link, sizeof(link), "/proc/%s/cwd", e->d_name);
        ssize_t len = readlink(link, cwd, sizeof(cwd) - 1);
        if (len <= 0) { continue; }
        cwd[len] = '\0';
        if (strncmp(cwd, root, strlen(root)) == 0 && rfx_pid_running(atoi(e->d_name))) { n++; }
    }
    if (d != NULL) { closedir(d); }
    return n;
}

static bool host_has_our_nft_table(void) {
    char out[4096];
    const char *argv[] = {"nft", "list", "tables", NULL};
    if (real__run(argv, out, sizeof(out)) != 0) { return false; }
    return strstr(out, "sentsim") != NULL;
}

/* Starts the harness on the scenario file, kills it `after_ms` after the
 * first fault could have happened, then checks that everything goes within 5 s. */
static void kill_and_check(const char *scn_path, uint64_t after_ms, int sig) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(sentsim_path(), sentsim_path(), "real", scn_path, "--quiet", (char *)NULL);
        _exit(127);
    }
    /* Learn the run's root and ports while it runs (ready takes ~2 s). */
    char root[512] = "";
    uint16_t ports[PORTS_MAX];
    int nports = 0;
    uint64_t t0 = real__now_ms(), kill_at = t0 + 2000 + after_ms;
    while (real__now_ms() < kill_at) {
        if (root[0] == '\0') { find_root(pid, root, sizeof(root)); }
        if (root[0] != '\0') {
            int n = collect_ports(root, ports);
            if (n > nports) { nports = n; }
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fail_msg("sentsim real ended before the kill");
        }
        real__sleep_ms(20);
    }
    assert_true(root[0] != '\0');
    assert_true(nports >= 6);
    assert_int_equal(kill(pid, sig), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    /* SIGINT is caught: the harness cleans up itself and exits 130. */
    if (sig == SIGINT) { assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 130); }
    uint64_t killed = real__now_ms();
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "sentsim-%ld-", (long)pid);
    struct stat st;
    bool gone = false;
    while (!gone && real__now_ms() - killed < GONE_WITHIN_MS) {
        gone = processes_under(root) == 0 && stat(root, &st) != 0 && rfx_netns_count(prefix) == 0;
        for (int i = 0; gone && i < nports; i++) {
            if (rfx_listening("127.0.0.1", ports[i])) { gone = false; }
        }
        if (!gone) { real__sleep_ms(50); }
    }
    if (!gone) {
        fail_msg("after %u ms: %d processes, root %s, %d namespaces", GONE_WITHIN_MS,
                 processes_under(root), stat(root, &st) == 0 ? "present" : "gone",
                 rfx_netns_count(prefix));
    }
    assert_false(host_has_our_nft_table());
    printf("# %s at +%llu ms; everything gone %llu ms later\n",
           sig == SIGINT ? "SIGINT" : "SIGKILL", (unsigned long long)after_ms,
           (unsigned long long)(real__now_ms() - killed));
}

static void test_real_kill_harness_mid_failover_loopback(void **state) {
    /* Goal: nothing survives a SIGKILLed harness on loopback, whatever the
     * moment. Method: three runs, killed at random moments 0..4.5 s into
     * the failover (detection, election, promotion, reconfiguration). */
    (void)state;
    srand((unsigned)time(NULL));
    for (int i = 0; i < 3; i++) {
        kill_and_check(MISSION, (uint64_t)(rand() % 4500), SIGKILL);
    }
}

static void test_real_kill_sigint_cleans_up_and_exits_130(void **state) {
    /* Goal: Ctrl-C mid-failover ends the run cleanly: exit 130 and nothing
     * left. Method: SIGINT at a random moment of the failover. */
    (void)state;
    kill_and_check(MISSION, (uint64_t)(rand() % 4500), SIGINT);
}

static void test_real_kill_harness_mid_failover_netns(void **state) {
    /* Goal: the same in namespace mode: namespaces, veths and the nftables
     * table go too. Method: two runs of a partition failover, killed at
     * random moments. */
    (void)state;
    char why[160];
    if (!real_netns_available(why, sizeof(why))) { skip(); }
    char path[] = "/tmp/sentsim-test-kill-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, netns_yaml, strlen(netns_yaml)), (ssize_t)strlen(netns_yaml));
    close(fd);
    for (int i = 0; i < 2; i++) {
        kill_and_check(path, (uint64_t)(rand() % 4500), SIGKILL);
    }
    unlink(path);
}

int main(void) {
    if (access(sentsim_path(), X_OK) != 0) {
        fprintf(stderr, "test_real_kill: %s is not built (set SENTSIM=)\n", sentsim_path());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_kill_harness_mid_failover_loopback),
        cmocka_unit_test(test_real_kill_harness_mid_failover_netns),
        cmocka_unit_test(test_real_kill_sigint_cleans_up_and_exits_130),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
