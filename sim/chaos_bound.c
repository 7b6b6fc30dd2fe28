/* chaos_bound.c: how long a healed world may take to converge, from its timers.
 *
 * Method: liveness is judged only after the last step (heal, resume,
 * restart everything) plus a bound derived from Sentinel's own timers, so a
 * slow but correct convergence is never reported. The bound is the sum of
 * the worst legitimate delays, each taken from the spec:
 *
 *   B = T_tilt + T_gossip + T_detect + 2 * T_attempt + T_promote + T_reconf + T_enforce
 *
 *   T_tilt    = tilt-period + tilt-trigger, if any clock jump is scheduled
 *               (a sentinel in TILT acts on nothing, §3.4);
 *   T_gossip  = 2 * publish-period + 2 * ping-period: a hello carrying the
 *               newest config epoch reaches every sentinel over a link that
 *               may first have to reconnect (§5.3, §11.2);
 *   T_detect  = down-after + 2 * info-period + 2 * ask-period + 1000: SDOWN
 *               including a master that reports role:slave (rule 2, §7.1),
 *               then one ask round for ODOWN (§7.2.2), plus tick jitter;
 *   T_attempt = 2 * failover-timeout + 1000 + min(election-timeout,
 *               failover-timeout) + 1000: a sentinel that voted or tried
 *               before the heal waits out its retry window (§8.4, §19 item 5)
 *               and an election may fail once more on a split vote (§18.2);
 *               two attempts are allowed;
 *   T_promote = failover-timeout: the promoted replica's INFO shows the
 *               promotion, or the attempt aborts (§9.5);
 *   T_reconf  = failover-timeout: RECONF_SLAVES ends at the latest by
 *               +failover-end-for-timeout (§9.6);
 *   T_enforce = max(8000, failover-timeout) + 2 * info-period: a returning
 *               old master is converted after 8 s (§11.3, convert-to-slave)
 *               and a misconfigured replica after failover-timeout
 *               (fix-slave-config), each seen at an INFO.
 *
 * down-after and failover-timeout are the largest any group has or any
 * SENTINEL SET step can give it.
 *
 * A run may end before the bound once it is settled and quiet (chaos_run.c):
 * every live sentinel out of TILT, no failover running, no master SDOWN or
 * ODOWN, all naming the same master, and no event from any sentinel for
 *
 *   Q = max(T_detect, T_enforce) + T_gossip + 10000 (the stable window)
 *
 * after the last step. Every later action Sentinel could still take starts
 * from a timer no longer than that and announces itself with an event: a
 * master reporting role:slave goes SDOWN within T_detect, a returning old
 * master or a misconfigured replica is corrected within T_enforce, a newer
 * configuration spreads within T_gossip. Retry windows (2 x failover-timeout)
 * matter only for a master that is SDOWN/ODOWN, which is excluded.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/chaos.h"
#include "sim/check.h"

static uint64_t max_u64(uint64_t a, uint64_t b) {
    return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

/* The largest value a SENTINEL SET step gives `opt`, or 0. */
static uint64_t set_max(const struct scn *s, const char *opt) {
    uint64_t m = 0;
    for (uint32_t i = 0; i < s->steps_len; i++) {
        const struct scn_step *st = &s->steps[i];
        if (st->kind != SCN_STEP_SENTINEL || st->argc < 5) { continue; }
        if (strcasecmp(st->argv[1], "SET") != 0 || strcasecmp(st->argv[3], opt) != 0) { continue; }
        m = max_u64(m, strtoull(st->argv[4], NULL, 10));
    }
    return m;
}

/* The timers every formula uses: effective values, largest settings. */
struct terms {
    uint64_t tilt, gossip, detect, attempt, enforce, ft;
};

static struct terms terms_of(const struct scn *s) {
    SIM_ASSERT(s != NULL);
    struct scn_timers tm = scn_timers_effective(s);
    uint64_t down_after = set_max(s, "down-after-milliseconds");
    uint64_t ft = set_max(s, "failover-timeout");
    bool jumps = false;
    for (uint32_t g = 0; g < s->groups_len; g++) {
        down_after = max_u64(down_after, s->groups[g].settings.down_after_ms);
        ft = max_u64(ft, s->groups[g].settings.failover_timeout_ms);
    }
    for (uint32_t i = 0; i < s->steps_len; i++) {
        jumps |= s->steps[i].kind == SCN_STEP_CLOCK_JUMP;
    }
    if (down_after == 0) { down_after = tm.default_down_after_ms; }
    if (ft == 0) { ft = tm.default_failover_timeout_ms; }
    struct terms out;
    out.tilt = jumps ? (uint64_t)tm.tilt_period_ms + tm.tilt_trigger_ms : 0;
    out.gossip = 2ull * tm.publish_period_ms + 2ull * tm.ping_period_ms;
    out.detect = down_after + 2ull * tm.info_period_ms + 2ull * tm.ask_period_ms + 1000;
    out.attempt = 2 * ft + 1000 + min_u64(tm.election_timeout_ms, ft) + 1000;
    out.enforce = max_u64(8000, ft) + 2ull * tm.info_period_ms;
    out.ft = ft;
    return out;
}

uint64_t sim_chaos_bound_ms(const struct scn *s) {
    struct terms t = terms_of(s);
    uint64_t b = t.tilt + t.gossip + t.detect + 2 * t.attempt + t.ft + t.ft + t.enforce;
    SIM_ASSERT(b < (1ull << 40));
    return b;
}

uint64_t sim_chaos_quiet_ms(const struct scn *s) {
    struct terms t = terms_of(s);
    return max_u64(t.detect, t.enforce) + t.gossip + 10000;
}
