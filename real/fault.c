/* fault.c: carrying out timeline steps against real processes.
 *
 * Method: see fault.h. A step's FAULT record is stamped when the action was
 * taken (before waiting for a process to go away or come back), so events
 * become offsets from the moment the fault really happened.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "real/check.h"
#include "real/fault.h"
#include "real/link.h"
#include "real/netns.h"
#include "real/sys.h"

#define SHUTDOWN_WAIT_MS 10000u
#define COMMAND_TIMEOUT  2000u

static int ferr(char *errstr, size_t len, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int ferr(char *errstr, size_t len, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, len, fmt, ap);
    va_end(ap);
    return code;
}

const char *real_step_name(enum scn_step_kind kind) {
    switch (kind) {
    case SCN_STEP_KILL:
        return "kill";
    case SCN_STEP_SHUTDOWN:
        return "shutdown";
    case SCN_STEP_RESTART:
        return "restart";
    case SCN_STEP_PAUSE:
        return "pause";
    case SCN_STEP_RESUME:
        return "resume";
    case SCN_STEP_PARTITION:
        return "partition";
    case SCN_STEP_HEAL:
        return "heal";
    case SCN_STEP_LATENCY:
        return "latency";
    case SCN_STEP_LOSS:
        return "loss";
    case SCN_STEP_CLOCK_JUMP:
        return "clock-jump";
    case SCN_STEP_SENTINEL:
        return "sentinel";
    case SCN_STEP_NODE:
        return "node";
    case SCN_STEP_WRITES:
        return "writes";
    case SCN_STEP_WAIT:
        return "wait";
    case SCN_STEP_SLEEP:
        return "sleep";
    }
    REAL_UNREACHABLE();
}

/* ---------------------------------------------------------------- pre-check */

static uint32_t min_down_after(const struct scn *s) {
    uint32_t m = UINT32_MAX;
    for (uint32_t g = 0; g < s->groups_len; g++) {
        if (s->groups[g].settings.down_after_ms < m) { m = s->groups[g].settings.down_after_ms; }
    }
    return m;
}

int real_fault_precheck(const struct scn *s, bool *need_netns, char *errstr, size_t len) {
    *need_netns = s->network.loss.num > 0 && s->network.loss.den > 0;
    for (uint32_t i = 0; i < s->steps_len; i++) {
        const struct scn_step *st = &s->steps[i];
        const char *where = s->path != NULL ? s->path : s->name;
        switch (st->kind) {
        case SCN_STEP_PARTITION:
        case SCN_STEP_HEAL:
        case SCN_STEP_LOSS:
            *need_netns = true;
            break;
        case SCN_STEP_LATENCY:
            if (!real_netns_netem_available()) {
                return ferr(errstr, len, REAL_E_REFUSED,
                            "%s:%u:%u: latency steps need 'tc netem', which this kernel lacks "
                            "(sch_netem); real mode refuses the scenario rather than fake it",
                            where, st->pos.line, st->pos.col);
            }
            return ferr(errstr, len, REAL_E_REFUSED,
                        "%s:%u:%u: latency steps are not realised by real mode yet (tc netem is "
                        "present, but no per-link delay is set up)",
                        where, st->pos.line, st->pos.col);
        case SCN_STEP_CLOCK_JUMP:
            if (st->jump_ms < 0) {
                return ferr(errstr, len, REAL_E_REFUSED,
                            "%s:%u:%u: a backward clock jump (%lld ms) cannot be realised on a "
                            "real sentinel (it would need its clock changed, not just stopped)",
                            where, st->pos.line, st->pos.col, (long long)st->jump_ms);
            }
            if ((uint64_t)st->jump_ms >= min_down_after(s)) {
                return ferr(errstr, len, REAL_E_REFUSED,
                            "%s:%u:%u: a clock jump is realised as a SIGSTOP of the same length; "
                            "%lld ms is not below down-after-milliseconds (%u), so the other "
                            "sentinels would see this one down, which a clock jump does not do",
                            where, st->pos.line, st->pos.col, (long long)st->jump_ms,
                            (unsigned)min_down_after(s));
            }
            break;
        default:
            break;
        }
    }
    if (*need_netns) {
        char why[160];
        if (!real_netns_available(why, sizeof(why))) {
            return ferr(errstr, len, REAL_E_REFUSED,
                        "%s: partitions and loss need one network namespace per process, "
                        "but %s; real mode refuses rather than fake them",
                        s->path != NULL ? s->path : s->name, why);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- helpers */

/* "m,r1" for a set of processes. */
static void names_of(const struct scn *s, const struct scn_set *set, char *out, size_t len) {
    size_t used = 0;
    out[0] = '\0';
    if (set->len == 0) {
        snprintf(out, len, "all");
        return;
    }
    for (uint32_t i = 0; i < set->len && used + 1 < len; i++) {
        int n =
            snprintf(out + used, len - used, "%s%s", i ? "," : "", scn_proc_name(s, set->items[i]));
        if (n < 0) { break; }
        used += (size_t)n;
    }
}

static void wait_gone(struct real_proc *p, struct real_observer *o) {
    uint64_t deadline = real__now_ms() + SHUTDOWN_WAIT_MS;
    while (real_proc_alive(p) && real__now_ms() < deadline) {
        real_observe_poll(o);
        real__sleep_ms(5);
    }
    if (real_proc_alive(p)) {
        real_observe_note(o, REP_KIND_CHECK, REP_LEVEL_WARNING,
                          "%s did not exit within %u ms of SIGTERM; killed", p->name,
                          SHUTDOWN_WAIT_MS);
        real_proc_stop(p);
    }
}

/* Runs argv on one process and describes the reply in `out`. */
static void run_command(
    struct real_world *w, struct real_proc *p, const struct scn_step *st, char *out, size_t len) {
    const char *argv[SCN_ARGV_MAX + 1];
    int argc = (int)st->argc;
    for (uint32_t i = 0; i < st->argc; i++) {
        argv[i] = st->argv[i];
    }
    /* REPLICAOF <node> names a node: the driver puts its address in. */
    char port[8];
    struct scn_proc up;
    bool replicaof = strcasecmp(argv[0], "replicaof") == 0 || strcasecmp(argv[0], "slaveof") == 0;
    if (replicaof && argc == 2 && scn_find_proc(w->scn, argv[1], &up) == 0 &&
        up.kind == SCN_PROC_NODE) {
        const struct real_proc *u = real_world_proc(w, up);
        snprintf(port, sizeof(port), "%u", (unsigned)u->port);
        argv[1] = u->ip;
        argv[2] = port;
        argc = 3;
    }
    redisReply *r = NULL;
    char err[160];
    if (p->pid == 0 || p->paused) {
        snprintf(out, len, "not sent: %s is %s", p->name, p->pid == 0 ? "down" : "paused");
        return;
    }
    if (real_query(p->ip, p->port, p->pass, COMMAND_TIMEOUT, &r, err, sizeof(err), (int)st->argc,
                   argv) != 0) {
        snprintf(out, len, "failed: %s", err);
        return;
    }
    switch (r->type) {
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_STRING:
        snprintf(out, len, "%.200s", r->str);
        break;
    case REDIS_REPLY_ERROR:
        snprintf(out, len, "-%.200s", r->str);
        break;
    case REDIS_REPLY_INTEGER:
        snprintf(out, len, "%lld", r->integer);
        break;
    case REDIS_REPLY_ARRAY:
        snprintf(out, len, "(%zu elements)", r->elements);
        break;
    default:
        snprintf(out, len, "(nil)");
        break;
    }
    real_reply_free(r);
}

static void argv_text(const struct scn_step *st, char *out, size_t len) {
    size_t used = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < st->argc && used + 1 < len; i++) {
        int n = snprintf(out + used, len - used, "%s%s", i ? " " : "", st->argv[i]);
        if (n < 0) { break; }
        used += (size_t)n;
    }
}

/* ---------------------------------------------------------------- per process */

static int act_on(struct real_world *w,
                  struct real_observer *o,
                  const struct scn_step *st,
                  struct real_proc *p,
                  char *errstr,
                  size_t len) {
    switch (st->kind) {
    case SCN_STEP_KILL:
        real_proc_stop(p);
        return 0;
    case SCN_STEP_SHUTDOWN:
        if (p->pid == 0) { return 0; }
        kill(p->pid, SIGTERM);
        if (p->paused) {
            kill(p->pid, SIGCONT);
            p->paused = false;
        }
        wait_gone(p, o);
        return 0;
    case SCN_STEP_RESTART:
        if (real_proc_start(w, p) != 0) {
            return ferr(errstr, len, REAL_E_FAIL, "restart %s: %s", p->name, w->errstr);
        }
        return 0;
    case SCN_STEP_PAUSE:
        if (p->pid > 0 && kill(p->pid, SIGSTOP) == 0) { p->paused = true; }
        return 0;
    case SCN_STEP_RESUME:
        if (p->pid > 0 && kill(p->pid, SIGCONT) == 0) { p->paused = false; }
        return 0;
    case SCN_STEP_CLOCK_JUMP: {
        REAL_ASSERT(st->jump_ms >= 0);
        real_observe_note(o, REP_KIND_FAULT, REP_LEVEL_WARNING, "clock-jump %s by %lld ms", p->name,
                          (long long)st->jump_ms);
        if (p->pid == 0 || p->paused) { return 0; }
        kill(p->pid, SIGSTOP);
        uint64_t until = real__now_ms() + (uint64_t)st->jump_ms;
        while (real__now_ms() < until) {
            real_observe_poll(o);
            real__sleep_ms(2);
        }
        kill(p->pid, SIGCONT);
        return 0;
    }
    case SCN_STEP_SENTINEL:
    case SCN_STEP_NODE: {
        char cmd[SCN_ARGV_MAX * (SCN_ARG_MAX + 1)], reply[256];
        argv_text(st, cmd, sizeof(cmd));
        uint64_t t = real_observe_now(o);
        run_command(w, p, st, reply, sizeof(reply));
        /* Stamped at the send, so the record precedes what the command caused. */
        if (rep_log_append(&o->log, t, REP_KIND_FAULT, REP_LEVEL_WARNING, "harness", "", "") == 0) {
            struct rep_event *last = &o->log.events[o->log.len - 1];
            snprintf(last->text, sizeof(last->text), "%s: %.300s -> %.180s", p->name, cmd, reply);
        }
        return 0;
    }
    default:
        REAL_UNREACHABLE();
    }
}

int real_fault_apply(struct real_world *w,
                     struct real_observer *o,
                     const struct scn_step *st,
                     char *errstr,
                     size_t len) {
    const struct scn *s = w->scn;
    char a[512], b[512];
    switch (st->kind) {
    case SCN_STEP_PARTITION:
        names_of(s, &st->side_a, a, sizeof(a));
        names_of(s, &st->side_b, b, sizeof(b));
        real_observe_note(o, REP_KIND_FAULT, REP_LEVEL_WARNING, "partition %s %s %s", a,
                          st->one_way ? "->" : "|", st->side_b.len ? b : "(rest)");
        if (real_netns_partition(w, &st->side_a, &st->side_b, st->one_way) != 0) {
            return ferr(errstr, len, REAL_E_FAIL, "partition: %s", w->errstr);
        }
        return 0;
    case SCN_STEP_HEAL:
        real_observe_note(o, REP_KIND_FAULT, REP_LEVEL_WARNING, "heal");
        if (real_netns_heal(w) != 0) {
            return ferr(errstr, len, REAL_E_FAIL, "heal: %s", w->errstr);
        }
        return 0;
    case SCN_STEP_LOSS:
        real_observe_note(o, REP_KIND_FAULT, REP_LEVEL_WARNING, "loss %u/%u on %s",
                          (unsigned)st->loss.num, (unsigned)st->loss.den,
                          st->targets.len > 0 ? "targets" : "all links");
        if (real_netns_loss(w, &st->targets, st->loss) != 0) {
            return ferr(errstr, len, REAL_E_FAIL, "loss: %s", w->errstr);
        }
        return 0;
    case SCN_STEP_LATENCY:
        return ferr(errstr, len, REAL_E_REFUSED, "latency steps are not realised by real mode");
    default:
        break;
    }
    /* Process faults are one record per step, as the simulator writes them. */
    bool per_target = st->kind == SCN_STEP_SENTINEL || st->kind == SCN_STEP_NODE ||
                      st->kind == SCN_STEP_CLOCK_JUMP;
    if (!per_target) {
        names_of(s, &st->targets, a, sizeof(a));
        real_observe_note(o, REP_KIND_FAULT, REP_LEVEL_WARNING, "%s %s", real_step_name(st->kind),
                          a);
    }
    /* A SENTINEL step without targets goes to every sentinel. */
    bool all = st->targets.len == 0 && st->kind == SCN_STEP_SENTINEL;
    uint32_t n = all ? s->sentinels_len : st->targets.len;
    for (uint32_t i = 0; i < n; i++) {
        struct scn_proc id = all ? (struct scn_proc){SCN_PROC_SENTINEL, i} : st->targets.items[i];
        struct real_proc *p = real_world_proc(w, id);
        int rc = act_on(w, o, st, p, errstr, len);
        if (rc != 0) { return rc; }
    }
    return 0;
}
