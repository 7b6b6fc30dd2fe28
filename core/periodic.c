/* periodic.c: the INFO / PING / hello schedule and the PING reply rules.
 *
 * Method: mirrors sentinelSendPeriodicCommands(), sentinelSendHello(),
 * sentinelPingReplyCallback() and sentinelPublishReplyCallback() (spec §5).
 * There is deliberately no "already outstanding" check: an unanswered INFO
 * or hello is re-sent every tick until the pending-commands cap, as in 7.0.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/hello.h"
#include "core/internal.h"

/* Mirrors sentinelSendHello(); false if nothing could be sent. */
static bool send_hello(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    struct core__link *l = core__link_of(s, inst);
    if (l->disconnected) { return false; }
    const char *ip = s->announce_ip[0] != '\0' ? s->announce_ip : l->local_ip;
    if (ip[0] == '\0') { return false; }
    struct core__master *m = core__master_of(s, inst);
    struct core__inst *mi = core__minst(s, m);
    struct core__addr maddr = core__current_master_addr(s, ri->master);
    /* "%s,%u,%s,%llu,%s,%s,%u,%llu" built piecewise: the hello is the most
     * frequent text a sentinel produces, and a format string is its cost. */
    char payload[CORE__HELLO_MAX + 64];
    struct core__buf b;
    core__buf_init(&b, payload, sizeof(payload));
    core__buf_puts(&b, ip);
    core__buf_putc(&b, ',');
    core__buf_putu64(&b, s->announce_port != 0 ? s->announce_port : s->port);
    core__buf_putc(&b, ',');
    core__buf_puts(&b, s->myid);
    core__buf_putc(&b, ',');
    core__buf_putu64(&b, s->current_epoch);
    core__buf_putc(&b, ',');
    core__buf_puts(&b, mi->name);
    core__buf_putc(&b, ',');
    core__buf_puts(&b, core__announce_ip(&maddr));
    core__buf_putc(&b, ',');
    core__buf_putu64(&b, maddr.port);
    core__buf_putc(&b, ',');
    core__buf_putu64(&b, m->config_epoch);
    CORE_ASSERT(!b.overflow);
    CORE_ASSERT(b.len > 0);
    const char *argv[] = {"PUBLISH", CORE__HELLO_CHANNEL, payload};
    return core__send(s, inst, CORE__CK_PUBLISH, false, 3, argv);
}

int64_t core__info_period(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(ri->flags & (CORE__F_MASTER | CORE__F_SLAVE));
    if (ri->flags & CORE__F_SLAVE) {
        struct core__inst *mi = core__minst(s, core__master_of(s, inst));
        if ((mi->flags & (CORE__F_O_DOWN | CORE__F_FAILOVER_IN_PROGRESS)) ||
            ri->master_link_down_time != 0) {
            return 1000;
        }
    }
    CORE_ASSERT(s->t.info_period > 0);
    return s->t.info_period;
}

/* Mirrors sentinelSendPeriodicCommands() (spec §5.1). */
void core__send_periodic(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    struct core__link *l = core__link_of(s, inst);
    CORE_ASSERT(ri->flags & CORE__F_KINDS);
    if (l->disconnected) { return; }
    if (l->pending_commands >= (int32_t)(CORE__PENDING_MAX * l->refcount)) { return; }
    int64_t ping_period =
        ri->down_after_period < s->t.ping_period ? ri->down_after_period : s->t.ping_period;
    CORE_ASSERT(ping_period > 0);
    if (!(ri->flags & CORE__F_SENTINEL) &&
        (ri->info_refresh == 0 || s->now - ri->info_refresh > core__info_period(s, inst))) {
        static const char *const argv[] = {"INFO"};
        core__send(s, inst, CORE__CK_INFO, false, 1, argv);
    }
    if (s->now - l->last_pong_time > ping_period && s->now - l->last_ping_time > ping_period / 2) {
        core__send_ping(s, inst);
    }
    if (s->now - ri->last_pub_time > s->t.publish_period) { send_hello(s, inst); }
}

static void force_hello_one(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(s->t.publish_period > 0);
    CORE_ASSERT(ri->last_pub_time >= 0 || ri->last_pub_time < s->now);
    if (ri->last_pub_time >= s->t.publish_period + 1) {
        ri->last_pub_time -= s->t.publish_period + 1;
    }
}

/* Mirrors sentinelForceHelloUpdateForMaster(). */
void core__force_hello(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    core__wake_master(s, mslot);
    CORE_ASSERT(core__minst(s, m)->flags & CORE__F_MASTER);
    force_hello_one(s, m->inst);
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        force_hello_one(s, m->sentinels[k]);
    }
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        force_hello_one(s, m->replicas[k]);
    }
}

static bool starts_with(const struct core_reply *r, const char *prefix) {
    CORE_ASSERT(r != NULL);
    size_t n = strlen(prefix);
    CORE_ASSERT(n > 0);
    return r->str != NULL && r->len >= n && memcmp(r->str, prefix, n) == 0;
}

/* Mirrors sentinelPingReplyCallback() (spec §5.2). */
void core__on_ping_reply(struct core_sentinel *s, uint32_t inst, const struct core_reply *r) {
    CORE_ASSERT(r != NULL);
    struct core__inst *ri = core__inst(s, inst);
    struct core__link *l = core__link_of(s, inst);
    if (r->type == CORE_REPLY_STATUS || r->type == CORE_REPLY_ERROR) {
        if (starts_with(r, "PONG") || starts_with(r, "LOADING") || starts_with(r, "MASTERDOWN")) {
            l->last_avail_time = s->now;
            l->act_ping_time = 0;
            if ((ri->flags & CORE__F_MASTER_REBOOT) && starts_with(r, "PONG")) {
                ri->flags &= ~CORE__F_MASTER_REBOOT;
            }
        } else if (starts_with(r, "BUSY") && (ri->flags & CORE__F_S_DOWN) &&
                   !(ri->flags & CORE__F_SCRIPT_KILL_SENT)) {
            static const char *const argv[] = {"SCRIPT", "KILL"};
            core__send(s, inst, CORE__CK_DISCARD, false, 2, argv);
            ri->flags |= CORE__F_SCRIPT_KILL_SENT;
        }
    }
    l->last_pong_time = s->now;
    CORE_ASSERT(l->last_pong_time == s->now);
}

/* Mirrors sentinelPublishReplyCallback(): only a non-error reply counts. */
void core__on_publish_reply(struct core_sentinel *s, uint32_t inst, const struct core_reply *r) {
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(r != NULL);
    CORE_ASSERT(ri->flags & CORE__F_KINDS);
    if (r->type != CORE_REPLY_ERROR) { ri->last_pub_time = s->now; }
}
