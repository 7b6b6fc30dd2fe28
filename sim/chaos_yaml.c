/* chaos_yaml.c: a scenario model back to the scenario library's YAML.
 *
 * Method: a reproducer must outlive the generator that found it, so it is
 * written as the full schedule (scenarios/README.md schema), not as a seed
 * to regenerate. The writer emits exactly what the loader reads back into
 * an equal model: nodes in index order (each group's master, then its
 * replicas), sentinels as a list, every step with an explicit `after:` or
 * `at:`, durations as integer milliseconds and every string double-quoted.
 * Callers check the round trip by loading the file with scn_load.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/chaos_internal.h"
#include "sim/check.h"

static void qstr(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\') { fputc('\\', f); }
        fputc(*s, f);
    }
    fputc('"', f);
}

void sim_chaos__json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            fprintf(f, "\\%c", ch);
        } else if (ch < 0x20) {
            fprintf(f, "\\u%04x", ch);
        } else {
            fputc(ch, f);
        }
    }
    fputc('"', f);
}

static void proc_list(FILE *f, const struct scn *s, const struct scn_set *set) {
    fputc('[', f);
    for (uint32_t i = 0; i < set->len; i++) {
        if (i > 0) { fputs(", ", f); }
        qstr(f, scn_proc_name(s, set->items[i]));
    }
    fputc(']', f);
}

static void node_settings(FILE *f, const struct scn *s, const struct scn_node *n) {
    fprintf(f, "priority: %u", n->priority);
    if (n->replicaof >= 0) {
        fputs(", replicaof: ", f);
        qstr(f, s->nodes[n->replicaof].name);
    }
    if (!n->announced) { fputs(", announced: false", f); }
    if (n->min_replicas_to_write > 0) {
        fprintf(f, ", min-replicas-to-write: %u", n->min_replicas_to_write);
    }
    fprintf(f, ", min-replicas-max-lag: %u", n->min_replicas_max_lag_s);
    if (n->requirepass[0] != '\0') {
        fputs(", requirepass: ", f);
        qstr(f, n->requirepass);
    }
    if (n->masterauth[0] != '\0') {
        fputs(", masterauth: ", f);
        qstr(f, n->masterauth);
    }
}

static void write_topology(FILE *f, const struct scn *s) {
    fputs("masters:\n", f);
    for (uint32_t g = 0; g < s->groups_len; g++) {
        const struct scn_group *grp = &s->groups[g];
        const struct scn_master_settings *st = &grp->settings;
        fputs("  ", f);
        qstr(f, grp->name);
        fputs(":\n    master: {name: ", f);
        qstr(f, s->nodes[grp->master].name);
        fputs(", ", f);
        node_settings(f, s, &s->nodes[grp->master]);
        fprintf(f,
                "}\n    quorum: %u\n    down-after-milliseconds: %u\n"
                "    failover-timeout: %u\n    parallel-syncs: %u\n",
                st->quorum, st->down_after_ms, st->failover_timeout_ms, st->parallel_syncs);
        if (st->master_reboot_down_after_ms > 0) {
            fprintf(f, "    master-reboot-down-after-period: %u\n",
                    st->master_reboot_down_after_ms);
        }
        bool any = false;
        for (uint32_t n = 0; n < s->nodes_len; n++) {
            if (s->nodes[n].group != g || n == grp->master) { continue; }
            if (!any) { fputs("    replicas:\n", f); }
            any = true;
            fputs("      ", f);
            qstr(f, s->nodes[n].name);
            fputs(": {", f);
            node_settings(f, s, &s->nodes[n]);
            fputs("}\n", f);
        }
    }
    fputs("sentinels: [", f);
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        if (i > 0) { fputs(", ", f); }
        qstr(f, s->sentinels[i].name);
    }
    fputs("]\n", f);
}

static void write_header(FILE *f, const struct scn *s, uint64_t seed) {
    fputs("name: ", f);
    qstr(f, s->name);
    fprintf(f, "\nseeds: [%" PRIu64 "]\nduration: %" PRIu64 "\nsettle: %" PRIu64 "\n", seed,
            s->duration_ms, s->settle_ms);
    bool any = false;
    for (uint32_t i = 0; i < SCN_TIMERS_LEN; i++) {
        uint32_t v = scn_timer_get(&s->timers, i);
        if (v == 0) { continue; }
        if (!any) { fputs("timers:\n", f); }
        any = true;
        fprintf(f, "  %s: %u\n", scn_timer_names[i], v);
    }
    fprintf(f, "network:\n  latency: {min: %u, max: %u}\n", s->network.latency.min_ms,
            s->network.latency.max_ms);
    if (s->network.loss.num > 0) {
        fprintf(f, "  loss: \"%u/%u\"\n", s->network.loss.num, s->network.loss.den);
    }
    if (s->workload.enabled) {
        fputs("workload:\n  master: ", f);
        qstr(f, s->groups[s->workload.group].name);
        fprintf(f, "\n  writes-per-sec: %u\n", s->workload.writes_per_sec);
    }
}

static void write_ratio(FILE *f, struct scn_ratio r) {
    if (r.num == 0 || r.den == 0) {
        fputs("\"never\"", f);
    } else {
        fprintf(f, "\"%u/%u\"", r.num, r.den);
    }
}

static void write_wait(FILE *f, const struct scn *s, const struct scn_step *st) {
    const struct scn_cond *c = &st->cond;
    fputs("wait: {", f);
    switch (c->kind) {
    case SCN_COND_EVENT:
        fputs("event: ", f);
        qstr(f, c->event);
        if (c->text[0] != '\0') {
            fputs(", text: ", f);
            qstr(f, c->text);
        }
        fprintf(f, ", on: {%s: ", c->quantifier == SCN_ANY ? "any" : "all");
        if (c->on.len == 0) {
            struct scn_set all = {0, NULL};
            struct scn_proc items[SCN_SENTINELS_MAX];
            for (uint32_t i = 0; i < s->sentinels_len; i++) {
                items[i].kind = SCN_PROC_SENTINEL;
                items[i].index = i;
            }
            all.len = s->sentinels_len;
            all.items = items;
            proc_list(f, s, &all);
        } else {
            proc_list(f, s, &c->on);
        }
        fputc('}', f);
        break;
    case SCN_COND_KNOWS:
        fprintf(f, "knows: {replicas: %u, sentinels: %u}, master: ", c->replicas, c->sentinels);
        qstr(f, s->groups[c->group].name);
        break;
    case SCN_COND_ROLE:
        fputs("node: ", f);
        qstr(f, s->nodes[c->node].name);
        fprintf(f, ", role: %s", c->role_master ? "master" : "replica");
        if (!c->role_master && c->upstream >= 0) {
            fputs(", of: ", f);
            qstr(f, s->nodes[c->upstream].name);
        }
        break;
    case SCN_COND_MASTER:
        fputs("master-is: ", f);
        qstr(f, s->nodes[c->node].name);
        fputs(", master: ", f);
        qstr(f, s->groups[c->group].name);
        break;
    }
    fprintf(f, ", timeout: %" PRIu64 "}", st->timeout_ms);
}

static void write_command(FILE *f, const struct scn *s, const struct scn_step *st) {
    fputs(st->kind == SCN_STEP_SENTINEL ? "sentinel: {on: " : "node: {on: ", f);
    proc_list(f, s, &st->targets);
    fputs(", command: [", f);
    for (uint32_t i = 0; i < st->argc; i++) {
        if (i > 0) { fputs(", ", f); }
        qstr(f, st->argv[i]);
    }
    fputs("]}", f);
}

static void write_step(FILE *f, const struct scn *s, const struct scn_step *st) {
    static const char *const simple[] = {"kill", "shutdown", "restart", "pause", "resume"};
    if (st->kind == SCN_STEP_SLEEP) {
        /* A zero sleep does nothing and the loader wants sleeps > 0. */
        if (st->time_ms > 0) { fprintf(f, "  - sleep: %" PRIu64 "\n", st->time_ms); }
        return;
    }
    fprintf(f, "  - %s: %" PRIu64 "\n    ", st->when == SCN_WHEN_AT ? "at" : "after", st->time_ms);
    switch (st->kind) {
    case SCN_STEP_KILL:
    case SCN_STEP_SHUTDOWN:
    case SCN_STEP_RESTART:
    case SCN_STEP_PAUSE:
    case SCN_STEP_RESUME:
        fprintf(f, "%s: ", simple[st->kind]);
        proc_list(f, s, &st->targets);
        break;
    case SCN_STEP_PARTITION:
        if (st->side_b.len == 0) {
            fputs("partition: {isolate: ", f);
            proc_list(f, s, &st->side_a);
        } else {
            fputs("partition: {sides: [", f);
            proc_list(f, s, &st->side_a);
            fputs(", ", f);
            proc_list(f, s, &st->side_b);
            fputc(']', f);
        }
        fprintf(f, ", one-way: %s}", st->one_way ? "true" : "false");
        break;
    case SCN_STEP_HEAL:
        fputs("heal: true", f);
        break;
    case SCN_STEP_LATENCY:
    case SCN_STEP_LOSS:
        fprintf(f, "%s: {to: ", st->kind == SCN_STEP_LATENCY ? "latency" : "loss");
        if (st->kind == SCN_STEP_LATENCY) {
            fprintf(f, "{min: %u, max: %u}", st->latency.min_ms, st->latency.max_ms);
        } else {
            write_ratio(f, st->loss);
        }
        if (st->targets.len > 0) {
            fputs(", on: ", f);
            proc_list(f, s, &st->targets);
        }
        fputc('}', f);
        break;
    case SCN_STEP_CLOCK_JUMP:
        fputs("clock-jump: {on: ", f);
        proc_list(f, s, &st->targets);
        fprintf(f, ", by: %" PRId64 "}", st->jump_ms);
        break;
    case SCN_STEP_SENTINEL:
    case SCN_STEP_NODE:
        write_command(f, s, st);
        break;
    case SCN_STEP_WRITES:
        fprintf(f, "writes: %s", st->writes_on ? "true" : "false");
        break;
    case SCN_STEP_WAIT:
        write_wait(f, s, st);
        break;
    case SCN_STEP_SLEEP:
        SIM_UNREACHABLE();
    }
    fputc('\n', f);
}

/* Writes the whole document to an open stream. */
static void write_doc(FILE *f, const struct scn *s, uint64_t seed, const char *comment) {
    if (comment != NULL) {
        const char *p = comment;
        while (*p != '\0') {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(f, "# %.*s\n", (int)len, p);
            p += len + (nl ? 1 : 0);
        }
    }
    write_header(f, s, seed);
    write_topology(f, s);
    bool any = false;
    for (uint32_t i = 0; i < s->steps_len; i++) {
        if (s->steps[i].kind == SCN_STEP_SLEEP && s->steps[i].time_ms == 0) { continue; }
        if (!any) { fputs("timeline:\n", f); }
        any = true;
        write_step(f, s, &s->steps[i]);
    }
}

int sim_chaos_write_yaml(const struct scn *s,
                         uint64_t seed,
                         const char *comment,
                         const char *path) {
    SIM_ASSERT(s != NULL && path != NULL);
    FILE *f = fopen(path, "w");
    if (f == NULL) { return -1; }
    write_doc(f, s, seed, comment);
    int err = ferror(f);
    if (fclose(f) != 0 || err) {
        if (errno == 0) { errno = EIO; }
        return -1;
    }
    return 0;
}

int sim_chaos_yaml_string(const struct scn *s, uint64_t seed, char **out, size_t *len) {
    SIM_ASSERT(s != NULL && out != NULL && len != NULL);
    FILE *f = open_memstream(out, len);
    if (f == NULL) { return -1; }
    write_doc(f, s, seed, NULL);
    return fclose(f) == 0 ? 0 : -1;
}
