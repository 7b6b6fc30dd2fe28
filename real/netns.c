/* netns.c: network namespaces and nftables for partitions and loss.
 *
 * Method: see netns.h. Everything is done with the `ip` and `nft` tools,
 * which keeps this file small and every step visible in an error message.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _GNU_SOURCE /* setns */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "real/check.h"
#include "real/netns.h"
#include "real/proc.h"
#include "real/sys.h"

#define HUB_IP    "10.213.255.254"
#define NODE_PORT 6400u
#define SENT_PORT 26400u
#define TABLE     "sentsim"

static int home_fd = -1; /* the harness's own namespace while it sits in a hub */

static int werr(struct real_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int werr(struct real_world *w, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->errstr, sizeof(w->errstr), fmt, ap);
    va_end(ap);
    return -1;
}

/* Runs a tool; on failure records the command and its output. */
static int tool(struct real_world *w, const char *const argv[]) {
    char out[256];
    int rc = real__run(argv, out, sizeof(out));
    if (rc == 0) { return 0; }
    char cmd[256] = "";
    size_t used = 0;
    for (int i = 0; argv[i] != NULL && used < sizeof(cmd) - 1; i++) {
        int n = snprintf(cmd + used, sizeof(cmd) - used, "%s%s", i ? " " : "", argv[i]);
        if (n < 0) { break; }
        used += (size_t)n;
        if (used >= sizeof(cmd)) { used = sizeof(cmd) - 1; }
    }
    out[strcspn(out, "\n")] = '\0';
    return werr(w, "'%.200s' failed (%d): %.200s", cmd, rc, out);
}

bool real_netns_available(char *why, size_t len) {
    if (geteuid() != 0) {
        snprintf(why, len, "network namespaces need root (running as uid %ld)", (long)geteuid());
        return false;
    }
    const char *argv[] = {"ip", "netns", "list", NULL};
    if (real__run(argv, NULL, 0) != 0) {
        snprintf(why, len, "'ip netns' does not work here");
        return false;
    }
    return true;
}

bool real_netns_netem_available(void) {
    static int cached = -1;
    if (cached >= 0) { return cached == 1; }
    char ns[64];
    snprintf(ns, sizeof(ns), "sentsim-%ld-probe", (long)getpid());
    const char *add[] = {"ip", "netns", "add", ns, NULL};
    const char *up[] = {"ip", "-n", ns, "link", "set", "lo", "up", NULL};
    const char *tc[] = {"tc", "-n",   ns,      "qdisc", "add", "dev",
                        "lo", "root", "netem", "delay", "1ms", NULL};
    const char *del[] = {"ip", "netns", "del", ns, NULL};
    cached = 0;
    if (real__run(add, NULL, 0) == 0) {
        cached = real__run(up, NULL, 0) == 0 && real__run(tc, NULL, 0) == 0;
        real__run(del, NULL, 0);
    }
    return cached == 1;
}

int real_netns_enter(const char *name) {
    char path[128];
    snprintf(path, sizeof(path), "/run/netns/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { return -1; }
    int rc = setns(fd, CLONE_NEWNET);
    close(fd);
    return rc;
}

void real_netns_leave(void) {
    if (home_fd < 0) { return; }
    REAL_ASSERT(setns(home_fd, CLONE_NEWNET) == 0);
    close(home_fd);
    home_fd = -1;
}

/* One process: its namespace, its veth to the bridge, its address. */
static int setup_proc(struct real_world *w, struct real_proc *p, const char *veth) {
    const char *hub = w->hub;
    char cidr[64];
    snprintf(cidr, sizeof(cidr), "%s/16", p->ip);
    const char *add[] = {"ip", "netns", "add", p->netns, NULL};
    const char *pair[] = {"ip",   "-n",   hub,    "link", "add",   veth,     "type",
                          "veth", "peer", "name", "eth0", "netns", p->netns, NULL};
    const char *port[] = {"ip", "-n", hub, "link", "set", veth, "master", "br0", "up", NULL};
    const char *addr[] = {"ip", "-n", p->netns, "addr", "add", cidr, "dev", "eth0", NULL};
    const char *up[] = {"ip", "-n", p->netns, "link", "set", "eth0", "up", NULL};
    const char *lo[] = {"ip", "-n", p->netns, "link", "set", "lo", "up", NULL};
    if (tool(w, add) || tool(w, pair) || tool(w, port) || tool(w, addr) || tool(w, up) ||
        tool(w, lo)) {
        return -1;
    }
    return 0;
}

int real_netns_setup(struct real_world *w) {
    const struct scn *s = w->scn;
    if (s->nodes_len > 199u * 250u || s->sentinels_len > 250u) {
        return werr(w, "too many processes for namespace mode");
    }
    snprintf(w->hub, sizeof(w->hub), "%shub", w->guard.netns_prefix);
    const char *add[] = {"ip", "netns", "add", w->hub, NULL};
    const char *br[] = {"ip", "-n", w->hub, "link", "add", "br0", "type", "bridge", NULL};
    const char *brup[] = {"ip", "-n", w->hub, "link", "set", "br0", "up", NULL};
    const char *braddr[] = {"ip", "-n", w->hub, "addr", "add", HUB_IP "/16", "dev", "br0", NULL};
    const char *lo[] = {"ip", "-n", w->hub, "link", "set", "lo", "up", NULL};
    if (tool(w, add) || tool(w, br) || tool(w, brup) || tool(w, braddr) || tool(w, lo)) {
        return -1;
    }
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        struct real_proc *p = &w->nodes[i];
        char veth[16];
        snprintf(p->netns, sizeof(p->netns), "%sn%u", w->guard.netns_prefix, (unsigned)i);
        snprintf(p->ip, sizeof(p->ip), "10.213.%u.%u", 1u + i / 250u, 1u + i % 250u);
        p->port = (uint16_t)NODE_PORT;
        snprintf(veth, sizeof(veth), "vn%u", (unsigned)i);
        if (setup_proc(w, p, veth) != 0) { return -1; }
    }
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        struct real_proc *p = &w->sentinels[i];
        char veth[16];
        snprintf(p->netns, sizeof(p->netns), "%ss%u", w->guard.netns_prefix, (unsigned)i);
        snprintf(p->ip, sizeof(p->ip), "10.213.200.%u", 1u + i);
        p->port = (uint16_t)SENT_PORT;
        snprintf(veth, sizeof(veth), "vs%u", (unsigned)i);
        if (setup_proc(w, p, veth) != 0) { return -1; }
    }
    home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home_fd < 0 || real_netns_enter(w->hub) != 0) {
        return werr(w, "cannot enter namespace %s: %s", w->hub, strerror(errno));
    }
    /* Two base chains on the bridge: partitions and loss change independently. */
    const char *table[] = {"nft", "add", "table", "bridge", TABLE, NULL};
    const char *part[] = {"nft",
                          "add chain bridge " TABLE
                          " part { type filter hook forward priority 0; policy accept; }",
                          NULL};
    const char *loss[] = {"nft",
                          "add chain bridge " TABLE
                          " loss { type filter hook forward priority 1; policy accept; }",
                          NULL};
    if (tool(w, table) || tool(w, part) || tool(w, loss)) { return -1; }
    return 0;
}

/* ---------------------------------------------------------------- rules */

/* Writes "{ ip, ip, ... }" of a set (or of everyone not in `except` when the set is empty). */
static int addr_set(struct real_world *w,
                    const struct scn_set *set,
                    const struct scn_set *except,
                    char *out,
                    size_t len) {
    size_t used = 0;
    int count = 0;
    out[0] = '\0';
    const struct scn *s = w->scn;
    uint32_t total = s->nodes_len + s->sentinels_len;
    for (uint32_t k = 0; k < total; k++) {
        struct scn_proc id = k < s->nodes_len
                                 ? (struct scn_proc){SCN_PROC_NODE, k}
                                 : (struct scn_proc){SCN_PROC_SENTINEL, k - s->nodes_len};
        bool in = false;
        const struct scn_set *look = set->len > 0 ? set : except;
        for (uint32_t i = 0; look != NULL && i < look->len; i++) {
            if (look->items[i].kind == id.kind && look->items[i].index == id.index) { in = true; }
        }
        if (set->len == 0) { in = !in; }
        if (!in) { continue; }
        int n = snprintf(out + used, len - used, "%s%s", count ? ", " : "{ ",
                         real_world_proc(w, id)->ip);
        if (n < 0 || (size_t)n >= len - used) { return werr(w, "address set too long"); }
        used += (size_t)n;
        count++;
    }
    if (count == 0) { return 1; }
    if (used + 3 > len) { return werr(w, "address set too long"); }
    memcpy(out + used, " }", 3);
    return 0;
}

static int nft_rule(struct real_world *w, const char *chain, const char *rule) {
    char cmd[16384];
    int n = snprintf(cmd, sizeof(cmd), "add rule bridge %s %s %s", TABLE, chain, rule);
    if (n < 0 || (size_t)n >= sizeof(cmd)) { return werr(w, "nft rule too long"); }
    const char *argv[] = {"nft", cmd, NULL};
    return tool(w, argv);
}

int real_netns_partition(struct real_world *w,
                         const struct scn_set *side_a,
                         const struct scn_set *side_b,
                         bool one_way) {
    REAL_ASSERT(w->netns);
    static char a[8192], b[8192], rule[16384 + 64];
    int ra = addr_set(w, side_a, NULL, a, sizeof(a));
    int rb = addr_set(w, side_b, side_a, b, sizeof(b));
    if (ra < 0 || rb < 0) { return -1; }
    if (ra > 0 || rb > 0) { return 0; /* one side is empty: nothing to cut */ }
    snprintf(rule, sizeof(rule), "ip saddr %s ip daddr %s drop", a, b);
    if (nft_rule(w, "part", rule) != 0) { return -1; }
    if (one_way) { return 0; }
    snprintf(rule, sizeof(rule), "ip saddr %s ip daddr %s drop", b, a);
    return nft_rule(w, "part", rule);
}

int real_netns_heal(struct real_world *w) {
    REAL_ASSERT(w->netns);
    const char *argv[] = {"nft", "flush chain bridge " TABLE " part", NULL};
    return tool(w, argv);
}

int real_netns_loss(struct real_world *w, const struct scn_set *targets, struct scn_ratio loss) {
    REAL_ASSERT(w->netns);
    if (loss.den > 0 && loss.num > loss.den) {
        return werr(w, "loss ratio %u/%u is over 1", loss.num, loss.den);
    }
    const struct scn *s = w->scn;
    uint32_t total = s->nodes_len + s->sentinels_len;
    /* Each process keeps its own ratio; the rules are rebuilt from all of them. */
    for (uint32_t k = 0; k < total; k++) {
        struct scn_proc id = k < s->nodes_len
                                 ? (struct scn_proc){SCN_PROC_NODE, k}
                                 : (struct scn_proc){SCN_PROC_SENTINEL, k - s->nodes_len};
        bool hit = targets->len == 0;
        for (uint32_t i = 0; i < targets->len; i++) {
            hit = hit || (targets->items[i].kind == id.kind && targets->items[i].index == id.index);
        }
        if (hit) { real_world_proc(w, id)->loss = loss; }
    }
    const char *flush[] = {"nft", "flush chain bridge " TABLE " loss", NULL};
    if (tool(w, flush) != 0) { return -1; }
    for (uint32_t k = 0; k < total; k++) {
        const struct real_proc *p =
            k < s->nodes_len ? &w->nodes[k] : &w->sentinels[k - s->nodes_len];
        if (p->loss.num == 0 || p->loss.den == 0) { continue; }
        char rule[160];
        for (int dir = 0; dir < 2; dir++) {
            snprintf(rule, sizeof(rule), "ip %s %s numgen random mod %u < %u drop",
                     dir ? "daddr" : "saddr", p->ip, (unsigned)p->loss.den, (unsigned)p->loss.num);
            if (nft_rule(w, "loss", rule) != 0) { return -1; }
        }
    }
    return 0;
}
