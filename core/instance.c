/* instance.c: creating, finding, releasing and resetting instance records.
 *
 * Method: mirrors upstream's createSentinelRedisInstance(),
 * releaseSentinelRedisInstance(), sentinelResetMaster() and
 * sentinelResetMasterAndChangeAddress(). Records live in one table and are
 * found by linear scans in table order, which is also the deterministic
 * iteration order the spec asks for (§0). Per-master tables are arrays of
 * record indexes kept in insertion order; removal shifts them down.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* ---------------------------------------------------------------- addresses */

static bool ipv4_literal(const char *p, const char *end) {
    CORE_ASSERT(p != NULL && end != NULL);
    int parts = 0;
    CORE_ASSERT(p <= end);
    while (p < end) {
        int digits = 0, val = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            val = val * 10 + (*p - '0');
            if (++digits > 3 || val > 255) { return false; }
            p++;
        }
        if (digits == 0 || (digits > 1 && p[-digits] == '0')) { return false; }
        parts++;
        if (p < end && (*p != '.' || parts == 4)) { return false; }
        if (p < end) { p++; }
        if (p == end && end[-1] == '.') { return false; }
    }
    return parts == 4;
}

static bool ipv6_literal(const char *ip, size_t len) {
    CORE_ASSERT(len < 4096);
    int groups = 0, digits = 0;
    bool dcolon = false;
    CORE_ASSERT(ip != NULL);
    if (len < 2) { return false; }
    for (size_t i = 0; i < len; i++) {
        char c = ip[i];
        if (c == ':') {
            if (i + 1 < len && ip[i + 1] == ':') {
                if (dcolon) { return false; }
                dcolon = true;
                if (digits > 0) { groups++; }
                digits = 0;
                i++;
                continue;
            }
            if (digits == 0 || i + 1 == len) { return false; }
            groups++;
            digits = 0;
        } else if (c == '.') {
            /* An embedded IPv4 tail counts as two groups. */
            size_t start = i - (size_t)digits;
            if (!ipv4_literal(ip + start, ip + len)) { return false; }
            return dcolon ? groups + 2 <= 7 : groups + 2 == 8;
        } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
            if (++digits > 4) { return false; }
        } else {
            return false;
        }
    }
    if (digits > 0) { groups++; }
    return dcolon ? groups <= 7 : groups == 8;
}

bool core__ip_literal(const char *ip) {
    CORE_ASSERT(ip != NULL);
    size_t len = strlen(ip);
    CORE_ASSERT(len < 4096);
    if (strchr(ip, ':') != NULL) { return ipv6_literal(ip, len); }
    return len > 0 && ipv4_literal(ip, ip + len);
}

bool core__addr_equal(const struct core__addr *a, const struct core__addr *b) {
    CORE_ASSERT(a != NULL);
    CORE_ASSERT(b != NULL);
    return a->port == b->port && core__strcasecmp(a->ip, b->ip) == 0;
}

/* Mirrors sentinelAddrEqualsHostname(): we keep the host as given, so the
 * resolved and the unresolved comparisons are the same string compare. */
bool core__addr_equals_host(struct core_sentinel *s, const struct core__addr *a, const char *h) {
    CORE_ASSERT(s != NULL);
    CORE_ASSERT(a != NULL);
    if (h == NULL) { return false; }
    return core__strcasecmp(a->ip, h) == 0;
}

static int check_addr(struct core_sentinel *s, const char *ip, int64_t port, const char **err) {
    CORE_ASSERT(ip != NULL);
    CORE_ASSERT(err != NULL);
    if (port < 0 || port > 65535) {
        *err = "Invalid port number.";
        return CORE_E_CONFIG;
    }
    if (strlen(ip) >= CORE_IP_MAX || (!s->resolve_hostnames && !core__ip_literal(ip)) ||
        ip[0] == '\0') {
        *err = "Can't resolve instance hostname.";
        return CORE_E_CONFIG;
    }
    return CORE_OK;
}

/* ---------------------------------------------------------------- creation */

/* Records whether slot i holds a record (core__inst_used()). */
static void mark_used(struct core_sentinel *s, uint32_t i, bool used) {
    CORE_ASSERT(i < s->insts_max);
    uint64_t bit = UINT64_C(1) << (i % 64);
    s->inst_used[i / 64] = used ? s->inst_used[i / 64] | bit : s->inst_used[i / 64] & ~bit;
}

static uint32_t new_inst(
    struct core_sentinel *s, uint32_t flags, uint32_t mslot, const char *ip, int64_t port) {
    uint32_t i;
    /* Next fit, so that loading a large config stays linear. */
    for (i = s->inst_cursor; i < s->insts_max && core__inst_used(s, i); i++) {}
    if (i == s->insts_max) {
        for (i = 0; i < s->insts_max && core__inst_used(s, i); i++) {}
    }
    CORE_ASSERT(i < s->insts_max);
    core__wake_master(s, mslot); /* its others changed */
    s->inst_cursor = i + 1 < s->insts_max ? i + 1 : 0;
    CORE_ASSERT(mslot < s->lim.masters_max);
    struct core__inst *ri = &s->insts[i];
    memset(ri, 0, sizeof(*ri));
    mark_used(s, i, true);
    ri->flags = flags;
    ri->master = mslot;
    ri->link = core__link_new(s);
    ri->born_seq = s->cmd_seq;
    snprintf(ri->addr.ip, sizeof(ri->addr.ip), "%s", ip);
    ri->addr.port = (uint16_t)port;
    ri->last_pub_time = s->now;
    ri->last_hello_time = s->now;
    ri->last_master_down_reply_time = s->now;
    ri->down_after_period = s->t.default_down_after;
    ri->role_reported = (uint8_t)(flags & (CORE__F_MASTER | CORE__F_SLAVE));
    ri->role_reported_time = s->now;
    ri->slave_conf_change_time = s->now;
    ri->slave_priority = 100;
    ri->replica_announced = 1;
    return i;
}

/* The name index: every hello looks its master up by name, and a scan of
 * all masters made that quadratic in the number of masters. */
static uint32_t name_hash(const char *name, size_t len) {
    uint32_t h = 2166136261u;
    CORE_ASSERT(name != NULL || len == 0);
    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    }
    return h;
}

static void name_index_put(struct core_sentinel *s, uint32_t mslot) {
    const char *n = core__minst(s, &s->masters[mslot])->name;
    uint32_t mask = s->names_len - 1;
    uint32_t i = name_hash(n, strlen(n)) & mask;
    while (s->names[i] != 0) {
        i = (i + 1) & mask;
    }
    s->names[i] = mslot + 1;
    CORE_ASSERT(s->nmasters < s->names_len / 2);
}

/* Rebuilt from the table after a removal (rare), which keeps probing simple. */
static void name_index_rebuild(struct core_sentinel *s) {
    CORE_ASSERT(s->names_len >= 2 * s->nmasters);
    memset(s->names, 0, s->names_len * sizeof(*s->names));
    for (uint32_t k = 0; k < s->nmasters; k++) {
        name_index_put(s, s->order[k]);
    }
}

uint32_t core__master_by_name(struct core_sentinel *s, const char *name, size_t len) {
    CORE_ASSERT(name != NULL);
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    /* Names are NUL-terminated in CORE_NAME_MAX bytes, so a longer one is absent. */
    if (len >= CORE_NAME_MAX) { return CORE__NONE; }
    uint32_t mask = s->names_len - 1;
    for (uint32_t i = name_hash(name, len) & mask; s->names[i] != 0; i = (i + 1) & mask) {
        uint32_t mslot = s->names[i] - 1;
        const char *n = core__minst(s, &s->masters[mslot])->name;
        if (n[len] == '\0' && memcmp(n, name, len) == 0) {
            /* A name with a NUL inside (a client's argv) equals no C string. */
            return memchr(name, '\0', len) == NULL ? mslot : CORE__NONE;
        }
    }
    return CORE__NONE;
}

int core__create_master(struct core_sentinel *s,
                        const char *name,
                        const char *ip,
                        int64_t port,
                        int64_t quorum,
                        uint32_t *out,
                        const char **err) {
    CORE_ASSERT(quorum > 0);
    CORE_ASSERT(out != NULL);
    int rc = check_addr(s, ip, port, err);
    if (rc != CORE_OK) { return rc; }
    if (core__master_by_name(s, name, strlen(name)) != CORE__NONE) {
        *err = "Duplicate master name.";
        return CORE_E_CONFIG;
    }
    if (strlen(name) >= CORE_NAME_MAX || s->nmasters == s->lim.masters_max) {
        *err = "Too many masters or master name too long (sentsim limit).";
        s->limit_refusals++;
        return CORE_E_LIMIT;
    }
    uint32_t m;
    for (m = 0; m < s->lim.masters_max && s->masters[m].in_use; m++) {}
    CORE_ASSERT(m < s->lim.masters_max);
    struct core__master *mr = &s->masters[m];
    uint32_t *pool = s->index_pool + (size_t)m * (s->lim.replicas_max + s->lim.sentinels_max);
    memset(mr, 0, sizeof(*mr));
    mr->in_use = true;
    mr->replicas = pool;
    mr->sentinels = pool + s->lim.replicas_max;
    mr->sentinel_keys = s->keys_pool + (size_t)m * s->lim.sentinels_max;
    mr->quorum = quorum;
    mr->parallel_syncs = 1;
    mr->failover_timeout = s->t.default_failover_timeout;
    mr->promoted = CORE__NONE;
    mr->odown_explained = -1;
    mr->elect_explained = -1;
    mr->inst = new_inst(s, CORE__F_MASTER, m, ip, port);
    snprintf(s->insts[mr->inst].name, CORE_NAME_MAX, "%s", name);
    name_index_put(s, m);
    s->order[s->nmasters++] = m;
    *out = m;
    return CORE_OK;
}

static void replica_name(char *buf, size_t cap, const char *ip, int64_t port) {
    CORE_ASSERT(cap >= CORE_NAME_MAX);
    CORE_ASSERT(port >= 0 && port <= 65535);
    snprintf(buf, cap, strchr(ip, ':') != NULL ? "[%s]:%lld" : "%s:%lld", ip, (long long)port);
}

/* The replica index: every INFO of a master looks up each replica it lists,
 * and a scan per line made one INFO quadratic in the replicas. */
static uint32_t rname_hash(uint32_t mslot, const char *name) {
    uint32_t h = 2166136261u ^ (mslot * 0x9e3779b9u);
    CORE_ASSERT(name != NULL);
    for (const char *p = name; *p != '\0'; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    return h;
}

static void rname_put(struct core_sentinel *s, uint32_t inst) {
    const struct core__inst *ri = core__inst(s, inst);
    uint32_t mask = s->rnames_len - 1;
    uint32_t i = rname_hash(ri->master, ri->name) & mask;
    CORE_ASSERT(ri->flags & CORE__F_SLAVE);
    while (s->rnames[i] != 0) {
        i = (i + 1) & mask;
    }
    s->rnames[i] = inst + 1;
}

/* Removes a replica's entry when it is released. Backward-shift deletion
 * keeps every probe chain unbroken without tombstones; rebuilding the whole
 * table instead made each reset cost all masters' replicas. */
static void rname_del(struct core_sentinel *s, uint32_t inst) {
    const struct core__inst *ri = core__inst(s, inst);
    uint32_t mask = s->rnames_len - 1;
    uint32_t i = rname_hash(ri->master, ri->name) & mask;
    CORE_ASSERT(ri->flags & CORE__F_SLAVE);
    while (s->rnames[i] != inst + 1) {
        CORE_ASSERT(s->rnames[i] != 0);
        i = (i + 1) & mask;
    }
    s->rnames[i] = 0;
    for (uint32_t j = (i + 1) & mask; s->rnames[j] != 0; j = (j + 1) & mask) {
        const struct core__inst *rj = core__inst(s, s->rnames[j] - 1);
        uint32_t home = rname_hash(rj->master, rj->name) & mask;
        /* The entry at j may fill the hole at i unless its home lies in (i, j]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            s->rnames[i] = s->rnames[j];
            s->rnames[j] = 0;
            i = j;
        }
    }
}

uint32_t core__replica_lookup(struct core_sentinel *s,
                              uint32_t mslot,
                              const char *ip,
                              int64_t port) {
    char key[CORE_NAME_MAX];
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    CORE_ASSERT(ip != NULL);
    if (port < 0 || port > 65535 || strlen(ip) >= CORE_IP_MAX) { return CORE__NONE; }
    replica_name(key, sizeof(key), ip, port);
    uint32_t mask = s->rnames_len - 1;
    for (uint32_t i = rname_hash(mslot, key) & mask; s->rnames[i] != 0; i = (i + 1) & mask) {
        const struct core__inst *ri = core__inst(s, s->rnames[i] - 1);
        if (ri->master == mslot && strcmp(ri->name, key) == 0) { return s->rnames[i] - 1; }
    }
    return CORE__NONE;
}

int core__create_replica(struct core_sentinel *s,
                         uint32_t mslot,
                         const char *ip,
                         int64_t port,
                         uint32_t *out,
                         const char **err) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    CORE_ASSERT(out != NULL);
    int rc = check_addr(s, ip, port, err);
    if (rc != CORE_OK) { return rc; }
    if (core__replica_lookup(s, mslot, ip, port) != CORE__NONE) {
        *err = "Duplicate hostname and port for replica.";
        return CORE_E_CONFIG;
    }
    if (m->nreplicas == s->lim.replicas_max) {
        *err = "Too many replicas for this master (sentsim limit).";
        s->limit_refusals++;
        return CORE_E_LIMIT;
    }
    uint32_t i = new_inst(s, CORE__F_SLAVE, mslot, ip, port);
    replica_name(s->insts[i].name, CORE_NAME_MAX, ip, port);
    s->insts[i].down_after_period = core__minst(s, m)->down_after_period;
    m->replicas[m->nreplicas++] = i;
    rname_put(s, i);
    *out = i;
    return CORE_OK;
}

/* The first 8 bytes of a run id, zero-padded. Equal run ids have equal
 * keys, so a lookup by run id (the sender of every hello) reads only the
 * records whose key matches, not every sentinel record of the master. */
static uint64_t runid_key(const char *runid) {
    CORE_ASSERT(runid != NULL);
    uint64_t key = 0;
    for (unsigned i = 0; i < 8 && runid[i] != '\0'; i++) {
        key |= (uint64_t)(unsigned char)runid[i] << (8 * i);
    }
    return key;
}

uint32_t core__sentinel_lookup(
    struct core_sentinel *s, uint32_t mslot, const char *ip, int64_t port, const char *runid) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    CORE_ASSERT(ip != NULL || runid != NULL);
    uint64_t key = runid != NULL ? runid_key(runid) : 0;
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        if (runid != NULL && m->sentinel_keys[k] != key) { continue; }
        struct core__inst *ri = core__inst(s, m->sentinels[k]);
        if (runid != NULL && ri->runid[0] == '\0') { continue; }
        if (runid != NULL && strcmp(ri->runid, runid) != 0) { continue; }
        if (ip != NULL && (ri->addr.port != port || core__strcasecmp(ri->addr.ip, ip) != 0)) {
            continue;
        }
        return m->sentinels[k];
    }
    return CORE__NONE;
}

int core__create_sentinel(struct core_sentinel *s,
                          uint32_t mslot,
                          const char *runid,
                          const char *ip,
                          int64_t port,
                          uint32_t *out,
                          const char **err) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    CORE_ASSERT(runid != NULL);
    int rc = check_addr(s, ip, port, err);
    if (rc != CORE_OK) { return rc; }
    for (uint32_t k = 0; k < m->nsentinels; k++) {
        if (strcmp(core__inst(s, m->sentinels[k])->name, runid) == 0) {
            *err = "Duplicate runid for sentinel.";
            return CORE_E_CONFIG;
        }
    }
    if (m->nsentinels == s->lim.sentinels_max || strlen(runid) >= CORE_NAME_MAX) {
        *err = "Too many sentinels for this master (sentsim limit).";
        s->limit_refusals++;
        return CORE_E_LIMIT;
    }
    uint32_t i = new_inst(s, CORE__F_SENTINEL, mslot, ip, port);
    snprintf(s->insts[i].name, CORE_NAME_MAX, "%s", runid);
    snprintf(s->insts[i].runid, CORE_RUNID_LEN + 1, "%.40s", runid);
    s->insts[i].down_after_period = core__minst(s, m)->down_after_period;
    m->sentinel_keys[m->nsentinels] = runid_key(s->insts[i].runid);
    m->sentinels[m->nsentinels++] = i;
    *out = i;
    return CORE_OK;
}

/* ---------------------------------------------------------------- release */

static void release_inst(struct core_sentinel *s, uint32_t inst) {
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(ri->flags & CORE__F_KINDS);
    if ((ri->flags & CORE__F_SLAVE) && (ri->flags & CORE__F_PROMOTED)) {
        struct core__master *m = core__master_of(s, inst);
        if (m->promoted == inst) { m->promoted = CORE__NONE; }
    }
    core__link_release(s, ri->link);
    mark_used(s, inst, false);
    core__wake_master(s, ri->master); /* its others changed */
    CORE_ASSERT(!core__inst_used(s, inst));
}

void core__release_replicas(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        rname_del(s, m->replicas[k]);
        release_inst(s, m->replicas[k]);
    }
    m->nreplicas = 0;
    CORE_ASSERT(m->promoted == CORE__NONE);
}

void core__release_sentinel_at(struct core_sentinel *s, uint32_t mslot, uint32_t pos) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    CORE_ASSERT(pos < m->nsentinels);
    release_inst(s, m->sentinels[pos]);
    memmove(&m->sentinels[pos], &m->sentinels[pos + 1],
            (m->nsentinels - pos - 1) * sizeof(m->sentinels[0]));
    memmove(&m->sentinel_keys[pos], &m->sentinel_keys[pos + 1],
            (m->nsentinels - pos - 1) * sizeof(m->sentinel_keys[0]));
    m->nsentinels--;
}

void core__remove_master(struct core_sentinel *s, uint32_t mslot) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    core__release_replicas(s, mslot);
    while (m->nsentinels > 0) {
        core__release_sentinel_at(s, mslot, m->nsentinels - 1);
    }
    release_inst(s, m->inst);
    m->in_use = false;
    uint32_t k;
    for (k = 0; k < s->nmasters && s->order[k] != mslot; k++) {}
    CORE_ASSERT(k < s->nmasters);
    memmove(&s->order[k], &s->order[k + 1], (s->nmasters - k - 1) * sizeof(s->order[0]));
    s->nmasters--;
    name_index_rebuild(s);
}

/* Mirrors sentinelTryConnectionSharing(). */
bool core__try_link_sharing(struct core_sentinel *s, uint32_t inst) {
    CORE_ASSERT(s->nmasters <= s->lim.masters_max);
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(ri->flags & CORE__F_SENTINEL);
    if (ri->runid[0] == '\0') { return false; }
    if (core__link_of(s, inst)->refcount > 1) { return false; }
    for (uint32_t k = 0; k < s->nmasters; k++) {
        uint32_t mslot = s->order[k];
        if (mslot == ri->master) { continue; }
        uint32_t match = core__sentinel_lookup(s, mslot, NULL, 0, ri->runid);
        if (match == CORE__NONE || match == inst) { continue; }
        core__link_release(s, ri->link);
        ri->link = s->insts[match].link;
        core__link_of(s, inst)->refcount++;
        return true;
    }
    return false;
}

/* Mirrors sentinelGetCurrentMasterAddress(). */
struct core__addr core__current_master_addr(struct core_sentinel *s, uint32_t mslot) {
    CORE_ASSERT(mslot < s->lim.masters_max);
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    struct core__inst *mi = core__minst(s, m);
    if ((mi->flags & CORE__F_FAILOVER_IN_PROGRESS) && m->promoted != CORE__NONE &&
        m->failover_state >= CORE__FO_RECONF_SLAVES) {
        return core__inst(s, m->promoted)->addr;
    }
    return mi->addr;
}

/* Mirrors sentinelRedisInstanceNoDownFor(). */
bool core__no_down_for(struct core_sentinel *s, uint32_t inst, int64_t ms) {
    CORE_ASSERT(inst < s->insts_max);
    struct core__inst *ri = core__inst(s, inst);
    CORE_ASSERT(ms >= 0);
    int64_t most_recent = ri->s_down_since_time;
    if (ri->o_down_since_time > most_recent) { most_recent = ri->o_down_since_time; }
    return most_recent == 0 || s->now - most_recent > ms;
}

/* ---------------------------------------------------------------- reset */

/* Mirrors sentinelResetMaster(): see spec §11.1 for what is kept. */
void core__reset_master(struct core_sentinel *s, uint32_t mslot, bool keep_sentinels) {
    CORE_ASSERT(mslot < s->lim.masters_max);
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    core__release_replicas(s, mslot);
    while (!keep_sentinels && m->nsentinels > 0) {
        core__release_sentinel_at(s, mslot, m->nsentinels - 1);
    }
    struct core__inst *mi = core__minst(s, m);
    core__link_close(s, mi->link, false);
    core__link_close(s, mi->link, true);
    mi->flags &= CORE__F_MASTER;
    m->leader[0] = '\0';
    m->failover_state = CORE__FO_NONE;
    m->failover_state_change_time = 0;
    m->failover_start_time = 0;
    m->promoted = CORE__NONE;
    mi->runid[0] = '\0';
    mi->has_slave_master_host = false;
    struct core__link *l = core__link_of(s, m->inst);
    l->act_ping_time = s->now;
    l->last_ping_time = 0;
    l->last_avail_time = s->now;
    l->last_pong_time = s->now;
    mi->role_reported_time = s->now;
    mi->role_reported = CORE__F_MASTER;
}

/* Mirrors sentinelResetMasterAndChangeAddress(). */
int core__reset_master_and_change_address(struct core_sentinel *s,
                                          uint32_t mslot,
                                          const char *ip,
                                          uint16_t port) {
    struct core__master *m = &s->masters[mslot];
    CORE_ASSERT(m->in_use);
    const char *err = NULL;
    if (check_addr(s, ip, port, &err) != CORE_OK) { return -1; }
    struct core__addr newaddr, *list = core__arena_alloc(s, (m->nreplicas + 1) * sizeof(*list));
    uint32_t n = 0;
    snprintf(newaddr.ip, sizeof(newaddr.ip), "%s", ip);
    newaddr.port = port;
    for (uint32_t k = 0; k < m->nreplicas; k++) {
        struct core__inst *r = core__inst(s, m->replicas[k]);
        if (!core__addr_equal(&r->addr, &newaddr)) { list[n++] = r->addr; }
    }
    struct core__inst *mi = core__minst(s, m);
    if (!core__addr_equal(&newaddr, &mi->addr)) { list[n++] = mi->addr; }
    core__reset_master(s, mslot, true);
    mi->addr = newaddr;
    mi->o_down_since_time = 0;
    mi->s_down_since_time = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t r;
        if (core__create_replica(s, mslot, list[k].ip, list[k].port, &r, &err) == CORE_OK) {
            core__event_at(s, CORE_LEVEL_NOTICE, "+slave", r);
        }
    }
    core__flush_config(s);
    return 0;
}
