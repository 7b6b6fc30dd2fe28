/* real_fixture.c: helpers for the real-mode harness tests.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "real/sys.h"
#include "tests/support/real_fixture.h"

void rfx_load(struct scn *s, const char *yaml) {
    struct scn_error err;
    memset(s, 0, sizeof(*s));
    if (scn_load_string("test.yaml", yaml, strlen(yaml), s, &err) != 0) {
        char buf[600];
        scn_error_format(&err, buf, sizeof(buf));
        fail_msg("scenario did not load: %s", buf);
    }
}

void rfx_snapshot(const struct real_world *w, struct rfx_snapshot *snap) {
    memset(snap, 0, sizeof(*snap));
    const struct scn *s = w->scn;
    for (uint32_t k = 0; k < s->nodes_len + s->sentinels_len && snap->len < RFX_PROCS_MAX; k++) {
        const struct real_proc *p =
            k < s->nodes_len ? &w->nodes[k] : &w->sentinels[k - s->nodes_len];
        snap->pids[snap->len] = p->pid;
        snprintf(snap->ips[snap->len], sizeof(snap->ips[0]), "%s", p->ip);
        snap->ports[snap->len] = p->port;
        snap->len++;
    }
    snap->netns = w->netns;
    snprintf(snap->root, sizeof(snap->root), "%s", w->guard.root);
    snprintf(snap->prefix, sizeof(snap->prefix), "%s", w->guard.netns_prefix);
}

bool rfx_pid_running(pid_t pid) {
    if (pid <= 0) { return false; }
    char path[64], stat[512];
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    if (real__read_file(path, stat, sizeof(stat)) <= 0) { return false; }
    const char *rp = strrchr(stat, ')');
    return rp != NULL && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

int rfx_netns_count(const char *prefix) {
    DIR *d = opendir("/run/netns");
    if (d == NULL) { return 0; }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) { n++; }
    }
    closedir(d);
    return n;
}

bool rfx_listening(const char *ip, uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { return false; }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &sa.sin_addr);
    bool ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

void rfx_assert_gone(const struct rfx_snapshot *snap) {
    for (uint32_t i = 0; i < snap->len; i++) {
        if (rfx_pid_running(snap->pids[i])) { fail_msg("pid %ld still runs", (long)snap->pids[i]); }
        if (!snap->netns && snap->ports[i] != 0 && rfx_listening(snap->ips[i], snap->ports[i])) {
            fail_msg("%s:%u still listens", snap->ips[i], (unsigned)snap->ports[i]);
        }
    }
    struct stat st;
    if (stat(snap->root, &st) == 0) { fail_msg("temp root %s is still there", snap->root); }
    if (rfx_netns_count(snap->prefix) != 0) {
        fail_msg("namespaces %s* are still there", snap->prefix);
    }
}
