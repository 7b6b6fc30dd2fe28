/* chaos_run.c: one scenario run under the chaos invariant checkers.
 *
 * Method: the simulator calls the observer (sim.h, struct sim_observer)
 * synchronously after every core step. If the step emitted any event
 * (every change the invariants watch comes with one) or the sentinel just
 * started, the checker first reads its core's views, then takes the step's
 * events and log lines in order. Sentinel starts and stops reset what a
 * process keeps in memory; the end of the last timeline step opens the
 * stable window (bound from chaos_bound.c). A WAIT that times out does not
 * end the run (wait_timeout_continues): chaos waits on events that may
 * never come. With stop_at, the run ends as soon as that invariant is
 * violated (with that class), which is what shrinking needs; other
 * findings on the way do not stop it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/chaos_internal.h"
#include "sim/check.h"
#include "sim/sim.h"

/* Whether a settled, quiet world may end its run early (chaos_bound.c). */
static bool quiet_stop = true;

void sim_chaos_set_quiet_stop(bool on) {
    quiet_stop = on;
}

struct ctx {
    const struct scn *scn;
    struct sim_chaos_check *c;
    uint64_t bound_ms;
    const struct sim_chaos_violation *stop_at; /* NULL: run to the end */
    bool fresh[SCN_SENTINELS_MAX];             /* the next step is this sentinel's first */
    uint64_t quiet_ms;                         /* 0: never end early */
    uint64_t done_ms;                          /* when the last step finished; 0: not yet */
};

static int32_t group_of(const struct scn *s, const char *master) {
    if (master == NULL) { return -1; }
    for (uint32_t g = 0; g < s->groups_len; g++) {
        if (strcmp(s->groups[g].name, master) == 0) { return (int32_t)g; }
    }
    return -1;
}

static bool reached(const struct sim_chaos_check *c, const struct sim_chaos_violation *at) {
    const struct sim_chaos_violation *v;
    uint32_t n = sim_chaos_check_violations(c, &v);
    for (uint32_t i = 0; i < n; i++) {
        if (v[i].inv == at->inv && v[i].cls == at->cls) { return true; }
    }
    return false;
}

/* After the last step: once the world has settled and stayed quiet for
 * quiet_ms, nothing Sentinel could still do remains (chaos_bound.c), so the
 * run ends here and is judged here, with the stable window ending now. */
static bool settled_and_quiet(struct ctx *x, uint64_t t_ms) {
    if (x->quiet_ms == 0 || x->done_ms == 0) { return false; }
    uint64_t last = sim_chaos_check_last_event(x->c);
    uint64_t since = last > x->done_ms ? last : x->done_ms;
    if (t_ms < since + x->quiet_ms || !sim_chaos_check_settled(x->c)) { return false; }
    sim_chaos_check_stable_from(x->c, t_ms);
    return true;
}

static bool on_core_step(void *ud,
                         uint64_t t_ms,
                         uint32_t sentinel,
                         const struct core_sentinel *core,
                         const struct core_output *outs,
                         size_t outs_len) {
    struct ctx *x = ud;
    SIM_ASSERT(sentinel < x->scn->sentinels_len);
    bool events = false;
    for (size_t i = 0; i < outs_len && !events; i++) {
        events = outs[i].kind == CORE_OUT_EVENT;
    }
    /* The view first: what the events are judged against (how many
     * sentinels a leader knew) is then the state this step produced. */
    if (events || x->fresh[sentinel]) {
        x->fresh[sentinel] = false;
        sim_chaos_check_core(x->c, t_ms, sentinel, core);
    }
    char text[REP_TEXT_MAX];
    for (size_t i = 0; i < outs_len; i++) {
        const struct core_output *o = &outs[i];
        if (o->kind != CORE_OUT_EVENT && o->kind != CORE_OUT_LOG) { continue; }
        size_t len = o->text_len < sizeof(text) - 1 ? o->text_len : sizeof(text) - 1;
        memcpy(text, o->text, len);
        text[len] = '\0';
        bool ev = o->kind == CORE_OUT_EVENT;
        sim_chaos_check_event(x->c, t_ms, sentinel, ev ? group_of(x->scn, o->master) : -1,
                              ev ? o->type : "", text);
    }
    if (x->stop_at != NULL && reached(x->c, x->stop_at)) { return true; }
    return settled_and_quiet(x, t_ms);
}

static void on_sentinel(void *ud, uint64_t t_ms, uint32_t sentinel, bool up) {
    struct ctx *x = ud;
    SIM_ASSERT(sentinel < x->scn->sentinels_len);
    x->fresh[sentinel] = up;
    sim_chaos_check_proc(x->c, t_ms, sentinel, up);
}

static void on_timeline(void *ud, uint64_t t_ms, uint32_t step) {
    struct ctx *x = ud;
    if (step + 1 == x->scn->steps_len) {
        sim_chaos_check_stable_from(x->c, t_ms + x->bound_ms);
        x->done_ms = t_ms > 0 ? t_ms : 1;
    }
}

static void fill_result(const struct sim_chaos_check *c,
                        const struct rep_run *run,
                        struct sim_chaos_result *out) {
    const struct sim_chaos_violation *v;
    uint32_t n = sim_chaos_check_violations(c, &v);
    out->violations_len = n;
    memcpy(out->violations, v, n * sizeof(*v));
    out->cov = *sim_chaos_check_cov(c);
    out->liveness_judged = sim_chaos_check_judged(c);
    out->writes_acked = run->writes.acked;
    out->writes_lost = run->writes.lost;
    out->end_t_ms = run->end_t_ms;
    const struct scn *s = run->scn;
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        out->min_replicas |= s->nodes[i].min_replicas_to_write > 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (v[i].inv == SIM_CHAOS_INV_WRITES_LOST) {
            snprintf(out->lost_cause, sizeof(out->lost_cause), "%s", v[i].detail);
        }
    }
}

int sim_chaos_run_scn(const struct scn *scn,
                      uint64_t seed,
                      const struct sim_chaos_violation *stop_at,
                      struct sim_chaos_result *out,
                      struct rep_run *keep) {
    SIM_ASSERT(scn != NULL && out != NULL);
    SIM_ASSERT(scn->sentinels_len <= SCN_SENTINELS_MAX);
    memset(out, 0, sizeof(*out));
    out->seed = seed;
    struct rep_run local;
    struct rep_run *run = keep != NULL ? keep : &local;
    memset(run, 0, sizeof(*run));
    struct ctx x;
    memset(&x, 0, sizeof(x));
    x.scn = scn;
    x.bound_ms = sim_chaos_bound_ms(scn);
    x.stop_at = stop_at;
    x.c = sim_chaos_check_new(scn, run);
    x.quiet_ms = quiet_stop ? sim_chaos_quiet_ms(scn) : 0;
    if (x.c == NULL) { return SIM_E_NOMEM; }
    struct sim_observer obs = {
        .core_step_cb = on_core_step,
        .sentinel_cb = on_sentinel,
        .timeline_cb = on_timeline,
        .ud = &x,
    };
    struct sim_options opt;
    sim_options_default(&opt);
    opt.observer = &obs;
    opt.wait_timeout_continues = true;
    int rc = sim_run(scn, seed, &opt, run);
    if (rc != SIM_OK) {
        sim_chaos__flag(x.c, SIM_CHAOS_INV_RUN_ERROR, SIM_CHAOS_CLASS_NEW, 0, "", "",
                        "sim_run failed with %d", rc);
    } else {
        if (run->failure[0] != '\0') {
            sim_chaos__flag(x.c, SIM_CHAOS_INV_RUN_ERROR, SIM_CHAOS_CLASS_NEW, run->end_t_ms, "",
                            "", "driver failure: %s", run->failure);
        }
        sim_chaos_check_end(x.c, run);
    }
    fill_result(x.c, run, out);
    sim_chaos_check_free(x.c);
    if (keep == NULL) { rep_run_free(run); }
    return rc;
}

int sim_chaos_run_seed(uint64_t seed,
                       const struct sim_chaos_gen_options *opt,
                       struct sim_chaos_result *out) {
    struct scn s;
    int rc = sim_chaos_generate(seed, opt, &s);
    if (rc != 0) { return rc; }
    rc = sim_chaos_run_scn(&s, seed, NULL, out, NULL);
    out->faults_enabled = sim_chaos_gen_mask(seed, opt);
    sim_chaos_scn_free(&s);
    return rc;
}
