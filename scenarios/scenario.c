/* scenario.c: loading a scenario file into `struct scn`, and freeing it.
 *
 * Method: libfyaml parses the whole file into a document with its own
 * diagnostics sent to a callback that keeps only the first error's
 * position and text (nothing reaches stderr); that text is then reworded
 * into our messages. The top-level keys are checked first, then the
 * sections are read in dependency order (topology before the timeline that
 * names its processes, the workload before `lost-writes`), so a section may
 * appear anywhere in the file. Every string is copied out before the
 * document is destroyed.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/check.h"
#include "scenarios/walk.h"

#define SCN_FILE_MAX        (4u << 20) /* bytes; a scale scenario is far smaller */
#define DEFAULT_DURATION_MS 120000
#define DEFAULT_SETTLE_MS   10000
#define DEFAULT_RATE        50

/* ---------------------------------------------------------------- libfyaml diagnostics */

/* The first error libfyaml reports, captured from its output callback. */
struct diag_capture {
    bool have;
    uint32_t line, col;
    char msg[160];
};

/* libfyaml formats "<input>:line:col: error: text" and then the source
 * line and a caret in further calls; only the first such header matters. */
static void diag_output(struct fy_diag *diag, void *user, const char *buf, size_t len) {
    (void)diag;
    struct diag_capture *cap = user;
    if (cap->have || len == 0) { return; }
    char tmp[512];
    size_t n = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
    memcpy(tmp, buf, n);
    tmp[n] = '\0';
    char *mark = strstr(tmp, ": error: ");
    if (mark == NULL) { return; }
    char *text = mark + strlen(": error: ");
    text[strcspn(text, "\n")] = '\0';
    /* Walk back over ":line:col" before the mark. */
    *mark = '\0';
    char *colon2 = strrchr(tmp, ':');
    if (colon2 == NULL) { return; }
    *colon2 = '\0';
    char *colon1 = strrchr(tmp, ':');
    if (colon1 == NULL) { return; }
    cap->line = (uint32_t)strtoul(colon1 + 1, NULL, 10);
    cap->col = (uint32_t)strtoul(colon2 + 1, NULL, 10);
    snprintf(cap->msg, sizeof cap->msg, "%s", text);
    cap->have = true;
}

/* The word at a 1-based position of the input (for "duplicate key 'x'"). */
static void word_at(const char *yaml, size_t len, struct scn_pos pos, char *out, size_t cap) {
    size_t i = 0;
    out[0] = '\0';
    for (uint32_t line = 1; line < pos.line && i < len; i++) {
        if (yaml[i] == '\n') { line++; }
    }
    i += pos.col > 0 ? pos.col - 1 : 0;
    size_t o = 0;
    while (i < len && o + 1 < cap && yaml[i] != ':' && yaml[i] != '\n' && yaml[i] != ' ' &&
           yaml[i] != ',' && yaml[i] != '}') {
        out[o++] = yaml[i++];
    }
    out[o] = '\0';
}

/* Rewords libfyaml's message into ours; unknown ones keep their text. */
static void syntax_error(struct scn__ctx *c,
                         const struct diag_capture *cap,
                         const char *yaml,
                         size_t len) {
    static const struct {
        const char *theirs;
        const char *ours;
    } table[] = {
        {"flow sequence without a closing bracket", "unclosed '[': a flow list needs ']'"},
        {"flow mapping without a closing brace", "unclosed '{': a flow mapping needs '}'"},
        {"double-quoted scalar without closing quote", "unterminated double-quoted string"},
        {"single-quoted scalar without closing quote", "unterminated single-quoted string"},
        {"invalid multiline plain key", "bad indentation: a key continues on the next line"},
        {"tab", "tab character in indentation; indent with spaces"},
        {"block sequence entries are not allowed", "a list item ('- ') where a value was expected"},
        {"did not find expected", "bad indentation or a missing ':'"},
        {"unexpected end of input", "the file ends in the middle of a value"},
        {"wrongly indented flow", "bad indentation inside '{...}' or '[...]' (unclosed bracket?)"},
        {"invalid indentation", "bad indentation"},
        {"wrong indentation", "bad indentation"},
        {"undefined alias", "YAML alias to an undefined anchor"},
        {"invalid escape", "invalid escape sequence in a double-quoted string"},
    };
    struct scn_pos pos = {cap->line, cap->col};
    if (strstr(cap->msg, "duplicate key") != NULL) {
        char word[SCN__WORD_MAX];
        word_at(yaml, len, pos, word, sizeof word);
        scn__fail(c, pos, "duplicate key '%s'", word);
        return;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strstr(cap->msg, table[i].theirs) != NULL) {
            scn__fail(c, pos, "%s", table[i].ours);
            return;
        }
    }
    scn__fail(c, pos, "invalid YAML (%s)", cap->msg);
}

/* ---------------------------------------------------------------- pre-checks */

/* Length of the UTF-8 sequence at s (1..4), or 0 when it is malformed
 * (overlong forms, surrogates and values above U+10FFFF included). */
static size_t utf8_len(const unsigned char *s, size_t avail) {
    if (s[0] < 0x80) { return 1; }
    size_t n = s[0] >= 0xf0 ? 4 : (s[0] >= 0xe0 ? 3 : (s[0] >= 0xc2 ? 2 : 0));
    if (n == 0 || s[0] > 0xf4 || n > avail) { return 0; }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) { return 0; }
    }
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f)) {
        return 0;
    }
    return n;
}

/* Refuses what libfyaml 0.7 must never see: malformed UTF-8 (its directive
 * scanner loops forever on some, found by fuzzing) and YAML directives,
 * which a scenario has no use for. Columns count characters, 1-based. */
static int precheck(struct scn__ctx *c, const char *yaml, size_t len) {
    struct scn_pos pos = {1, 1};
    bool line_start = true;
    for (size_t i = 0; i < len;) {
        const unsigned char *u = (const unsigned char *)yaml + i;
        if (line_start && u[0] == '%') {
            return scn__fail(c, pos, "YAML directives ('%%YAML', '%%TAG') are not supported");
        }
        size_t n = utf8_len(u, len - i);
        if (n == 0) { return scn__fail(c, pos, "invalid UTF-8 byte 0x%02x", u[0]); }
        line_start = u[0] == '\n';
        pos.line += line_start;
        pos.col = line_start ? 1 : pos.col + (uint32_t)n;
        i += n;
    }
    return 0;
}

/* ---------------------------------------------------------------- small sections */

static int load_seeds(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    struct scn *s = c->s;
    if (n != NULL && fy_node_is_sequence(n)) {
        void *it = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
            if (s->seeds_len >= SCN_SEEDS_MAX) {
                return scn__fail(c, pos, "too many seeds (at most %u)", SCN_SEEDS_MAX);
            }
            if (scn__u64(c, item, scn__pos(item, pos), "a seed", &s->seeds[s->seeds_len]) < 0) {
                return -1;
            }
            s->seeds_len++;
        }
        if (s->seeds_len == 0) { return scn__fail(c, pos, "'seeds' is empty"); }
        return 0;
    }
    const char *v = NULL;
    size_t len = 0;
    if (scn__scalar(c, n, pos, "'seeds'", &v, &len) < 0) { return -1; }
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < len; i++) {
        if (v[i] == '.' && v[i + 1] == '.') { dots = v + i; }
    }
    if (dots == NULL) {
        s->seeds_len = 1;
        return scn__u64(c, n, pos, "'seeds'", &s->seeds[0]);
    }
    /* The scalar is not NUL-terminated: parse a terminated copy. Two
     * 20-digit numbers and the dots fit; anything longer is not a range. */
    char range[48];
    bool ok = len < sizeof(range);
    uint64_t lo = 0, hi = 0;
    if (ok) {
        memcpy(range, v, len);
        range[len] = '\0';
        const char *mid = range + (dots - v) + 2;
        char *end = NULL;
        errno = 0;
        lo = strtoull(range, &end, 10);
        ok = end == mid - 2 && range[0] >= '0' && range[0] <= '9' && errno == 0;
        errno = 0;
        hi = strtoull(mid, &end, 10);
        ok = ok && end == range + len && mid[0] >= '0' && mid[0] <= '9' && errno == 0;
    }
    if (!ok) {
        return scn__fail(c, pos, "'seeds' must be a number, a list or a range like \"1..8\"");
    }
    if (lo > hi) {
        return scn__fail(c, pos, "'seeds' range %llu..%llu is empty", (unsigned long long)lo,
                         (unsigned long long)hi);
    }
    if (hi - lo >= SCN_SEEDS_MAX) {
        return scn__fail(c, pos, "too many seeds (at most %u)", SCN_SEEDS_MAX);
    }
    for (uint64_t x = lo; x <= hi; x++) {
        s->seeds[s->seeds_len++] = x;
    }
    return 0;
}

static int load_cites(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    struct scn *s = c->s;
    if (n != NULL && fy_node_is_scalar(n) && !fy_node_is_alias(n)) {
        s->cites = calloc(1, sizeof *s->cites);
        if (s->cites == NULL) { return scn__fail(c, pos, "out of memory"); }
        s->cites[0] = scn__strdup(c, n, pos, "'cites'");
        if (s->cites[0] == NULL) { return -1; }
        s->cites_len = 1;
        return 0;
    }
    if (scn__want_seq(c, n, pos, "'cites'") < 0) { return -1; }
    int count = fy_node_sequence_item_count(n);
    if (count <= 0 || count > 64) {
        return scn__fail(c, pos, "'cites' lists 1 to 64 sources, not %d", count);
    }
    s->cites = calloc((size_t)count, sizeof *s->cites);
    if (s->cites == NULL) { return scn__fail(c, pos, "out of memory"); }
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
        SCN_ASSERT(s->cites_len < (uint32_t)count);
        s->cites[s->cites_len] = scn__strdup(c, item, scn__pos(item, pos), "a citation");
        if (s->cites[s->cites_len] == NULL) { return -1; }
        s->cites_len++;
    }
    return 0;
}

static int load_timers(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    struct scn_timers *t = &c->s->timers;
    if (scn__want_map(c, n, pos, "'timers'") < 0) { return -1; }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, scn_timer_names, SCN_TIMERS_LEN, "'timers'");
        char what[96];
        uint64_t ms = 0;
        if (k < 0) { return -1; }
        snprintf(what, sizeof what, "timer '%s'", kv.key);
        if (scn__duration(c, kv.value, kv.pos, what, false, &ms) < 0) { return -1; }
        if (ms > UINT32_MAX) { return scn__fail(c, kv.pos, "%s is too large", what); }
        *scn_timer_slot(t, (uint32_t)k) = (uint32_t)ms;
    }
    return r;
}

static int load_network(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    static const char *const keys[] = {"latency", "loss"};
    if (scn__want_map(c, n, pos, "'network'") < 0) { return -1; }
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, keys, 2, "'network'");
        if (k < 0) { return -1; }
        int bad = k == 0 ? scn__latency(c, kv.value, kv.pos, "'latency'", &c->s->network.latency)
                         : scn__ratio(c, kv.value, kv.pos, "'loss'", &c->s->network.loss);
        if (bad < 0) { return -1; }
    }
    return r;
}

static int load_workload(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos) {
    static const char *const keys[] = {"master", "writes-per-sec"};
    struct scn_workload *w = &c->s->workload;
    w->enabled = true;
    w->writes_per_sec = DEFAULT_RATE;
    struct fy_node *master = NULL;
    struct scn_pos master_pos = pos;
    if (n != NULL) {
        if (scn__want_map(c, n, pos, "'workload'") < 0) { return -1; }
        struct scn__kv kv;
        void *it = NULL;
        int r;
        while ((r = scn__next_pair(c, n, &it, &kv)) > 0) {
            int k = scn__key_index(c, &kv, keys, 2, "'workload'");
            if (k < 0) { return -1; }
            if (k == 0) {
                master = kv.value;
                master_pos = kv.pos;
                if (master == NULL) { return scn__fail(c, kv.pos, "missing value for 'master'"); }
            } else if (scn__u32(c, kv.value, kv.pos, "'writes-per-sec'", 1, 100000,
                                &w->writes_per_sec) < 0) {
                return -1;
            }
        }
        if (r < 0) { return -1; }
    }
    return scn__group_ref(c, master, master_pos, "'workload'", &w->group);
}

/* ---------------------------------------------------------------- the document */

enum top_key {
    T_NAME,
    T_DESCRIPTION,
    T_CITES,
    T_SEEDS,
    T_DURATION,
    T_SETTLE,
    T_EXPLAIN,
    T_TIMERS,
    T_DEFAULTS,
    T_MASTERS,
    T_SENTINELS,
    T_NETWORK,
    T_WORKLOAD,
    T_TIMELINE,
    T_EXPECT,
    T_COUNT,
};
static const char *const top_keys[] = {
    "name",     "description", "cites",     "seeds",   "duration", "settle",   "explain", "timers",
    "defaults", "masters",     "sentinels", "network", "workload", "timeline", "expect",
};

/* Checks the top-level keys and remembers each section's node. */
static int index_top(struct scn__ctx *c, struct fy_node *root, struct scn__kv *sec, bool *have) {
    struct scn__kv kv;
    void *it = NULL;
    int r;
    while ((r = scn__next_pair(c, root, &it, &kv)) > 0) {
        int k = scn__key_index(c, &kv, top_keys, T_COUNT, "the scenario");
        if (k < 0) { return -1; }
        sec[k] = kv;
        have[k] = true;
    }
    return r;
}

static int load_header(struct scn__ctx *c, const struct scn__kv *sec, const bool *have) {
    struct scn *s = c->s;
    if (have[T_NAME] &&
        scn__str(c, sec[T_NAME].value, sec[T_NAME].pos, "'name'", s->name, sizeof s->name) < 0) {
        return -1;
    }
    if (have[T_DESCRIPTION]) {
        s->description =
            scn__strdup(c, sec[T_DESCRIPTION].value, sec[T_DESCRIPTION].pos, "'description'");
        if (s->description == NULL) { return -1; }
    }
    if (have[T_CITES] && load_cites(c, sec[T_CITES].value, sec[T_CITES].pos) < 0) { return -1; }
    if (have[T_SEEDS] && load_seeds(c, sec[T_SEEDS].value, sec[T_SEEDS].pos) < 0) { return -1; }
    if (!have[T_SEEDS]) {
        s->seeds[0] = 1;
        s->seeds_len = 1;
    }
    s->duration_ms = DEFAULT_DURATION_MS;
    s->settle_ms = DEFAULT_SETTLE_MS;
    if (have[T_DURATION] && scn__duration(c, sec[T_DURATION].value, sec[T_DURATION].pos,
                                          "'duration'", false, &s->duration_ms) < 0) {
        return -1;
    }
    if (have[T_SETTLE] && scn__duration(c, sec[T_SETTLE].value, sec[T_SETTLE].pos, "'settle'", true,
                                        &s->settle_ms) < 0) {
        return -1;
    }
    if (have[T_EXPLAIN] &&
        scn__bool(c, sec[T_EXPLAIN].value, sec[T_EXPLAIN].pos, "'explain'", &s->explain) < 0) {
        return -1;
    }
    if (have[T_TIMERS] && load_timers(c, sec[T_TIMERS].value, sec[T_TIMERS].pos) < 0) { return -1; }
    return 0;
}

static int load_root(struct scn__ctx *c, struct fy_node *root) {
    struct scn *s = c->s;
    struct scn__kv sec[T_COUNT];
    bool have[T_COUNT] = {false};
    struct scn_pos top = {1, 1};
    memset(sec, 0, sizeof sec);
    if (root == NULL) { return scn__fail(c, top, "the scenario is empty"); }
    if (scn__want_map(c, root, scn__pos(root, top), "a scenario") < 0 ||
        index_top(c, root, sec, have) < 0 || load_header(c, sec, have) < 0) {
        return -1;
    }
    /* Defaults follow Sentinel's, or the timers' defaults when given (spec §1.1, §1.3). */
    struct scn_master_settings defaults;
    memset(&defaults, 0, sizeof defaults);
    defaults.down_after_ms =
        s->timers.default_down_after_ms ? s->timers.default_down_after_ms : 30000;
    defaults.failover_timeout_ms =
        s->timers.default_failover_timeout_ms ? s->timers.default_failover_timeout_ms : 180000;
    defaults.parallel_syncs = 1;
    if (have[T_DEFAULTS] &&
        scn__load_settings(c, sec[T_DEFAULTS].value, sec[T_DEFAULTS].pos, &defaults) < 0) {
        return -1;
    }
    if (!have[T_MASTERS]) { return scn__fail(c, top, "a scenario needs 'masters'"); }
    if (!have[T_SENTINELS]) { return scn__fail(c, top, "a scenario needs 'sentinels'"); }
    if (scn__load_masters(c, sec[T_MASTERS].value, sec[T_MASTERS].pos, &defaults) < 0 ||
        scn__load_sentinels(c, sec[T_SENTINELS].value, sec[T_SENTINELS].pos) < 0 ||
        scn__resolve_topology(c) < 0) {
        return -1;
    }
    s->network.latency.min_ms = 1;
    s->network.latency.max_ms = 1;
    if (have[T_NETWORK] && load_network(c, sec[T_NETWORK].value, sec[T_NETWORK].pos) < 0) {
        return -1;
    }
    if (have[T_WORKLOAD] && load_workload(c, sec[T_WORKLOAD].value, sec[T_WORKLOAD].pos) < 0) {
        return -1;
    }
    if (have[T_TIMELINE] &&
        (scn__load_timeline(c, sec[T_TIMELINE].value, sec[T_TIMELINE].pos) < 0 ||
         scn__check_timeline(c) < 0)) {
        return -1;
    }
    return scn__load_expect(c, have[T_EXPECT] ? sec[T_EXPECT].value : NULL, sec[T_EXPECT].pos);
}

/* Parses `yaml` and loads it; the document never outlives this call. */
static int load_document(struct scn__ctx *c, const char *yaml, size_t len) {
    struct diag_capture cap;
    memset(&cap, 0, sizeof cap);
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_output;
    dcfg.user = &cap;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    struct scn_pos top = {1, 1};
    if (diag == NULL) { return scn__fail(c, top, "out of memory"); }
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET;
    pcfg.diag = diag;
    struct fy_parser *fyp = fy_parser_create(&pcfg);
    struct fy_document *doc = NULL;
    int rc = -1;
    if (fyp == NULL || fy_parser_set_string(fyp, yaml, len) != 0) {
        scn__fail(c, top, "out of memory");
        goto fail;
    }
    doc = fy_parse_load_document(fyp);
    if (doc == NULL || fy_diag_got_error(diag)) {
        if (cap.have) {
            syntax_error(c, &cap, yaml, len);
        } else if (doc == NULL && !fy_diag_got_error(diag)) {
            scn__fail(c, top, "the scenario is empty");
        } else {
            scn__fail(c, top, "invalid YAML");
        }
        goto fail;
    }
    struct fy_document *extra = fy_parse_load_document(fyp);
    if (extra != NULL || fy_diag_got_error(diag)) {
        struct scn_pos where = {cap.line, cap.col};
        if (extra != NULL) {
            where = scn__pos(fy_document_root(extra), top);
            fy_parse_document_destroy(fyp, extra);
            scn__fail(c, where, "a second YAML document ('---'); a scenario is one document");
        } else if (cap.have) {
            syntax_error(c, &cap, yaml, len);
        } else {
            scn__fail(c, top, "invalid YAML");
        }
        goto fail;
    }
    rc = load_root(c, fy_document_root(doc));
fail:
    if (doc != NULL) { fy_parse_document_destroy(fyp, doc); }
    if (fyp != NULL) { fy_parser_destroy(fyp); }
    fy_diag_destroy(diag);
    return rc;
}

/* ---------------------------------------------------------------- public API */

int scn_load_string(
    const char *name, const char *yaml, size_t len, struct scn *out, struct scn_error *err) {
    SCN_ASSERT(name != NULL && out != NULL && err != NULL);
    SCN_ASSERT(yaml != NULL || len == 0);
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    snprintf(err->path, sizeof err->path, "%s", name);
    struct scn__ctx c;
    memset(&c, 0, sizeof c);
    c.s = out;
    c.err = err;
    out->path = strdup(name);
    int rc = -1;
    if (out->path == NULL) {
        scn__fail(&c, (struct scn_pos){0, 0}, "out of memory");
    } else if (len > SCN_FILE_MAX) {
        scn__fail(&c, (struct scn_pos){0, 0}, "file is larger than %u bytes", SCN_FILE_MAX);
    } else if (memchr(yaml, '\0', len) != NULL) {
        scn__fail(&c, (struct scn_pos){0, 0}, "file contains a NUL byte; not a YAML text file");
    } else if (precheck(&c, yaml, len) == 0) {
        rc = load_document(&c, len == 0 ? "" : yaml, len);
    }
    if (rc == 0 && out->name[0] == '\0') {
        /* Default name: the file's base name without its extension. */
        const char *base = strrchr(name, '/');
        base = base == NULL ? name : base + 1;
        size_t n = strcspn(base, ".");
        snprintf(out->name, sizeof out->name, "%.*s", (int)(n < 63 ? n : 63), base);
    }
    free(c.upstream_name);
    free(c.upstream_pos);
    free(c.name_slots);
    SCN_ASSERT((rc == 0) == !c.failed);
    return rc;
}

int scn_load(const char *path, struct scn *out, struct scn_error *err) {
    SCN_ASSERT(path != NULL && out != NULL && err != NULL);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        memset(out, 0, sizeof *out);
        memset(err, 0, sizeof *err);
        snprintf(err->path, sizeof err->path, "%s", path);
        snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(errno));
        return -1;
    }
    char *buf = malloc(SCN_FILE_MAX + 1);
    size_t len = buf == NULL ? 0 : fread(buf, 1, SCN_FILE_MAX + 1, f);
    bool read_error = buf == NULL || ferror(f);
    int saved = errno;
    fclose(f);
    if (read_error) {
        free(buf);
        memset(out, 0, sizeof *out);
        memset(err, 0, sizeof *err);
        snprintf(err->path, sizeof err->path, "%s", path);
        snprintf(err->msg, sizeof err->msg, "cannot read: %s",
                 buf == NULL ? "out of memory" : strerror(saved));
        return -1;
    }
    int rc = scn_load_string(path, buf, len, out, err);
    free(buf);
    return rc;
}

static void free_set(struct scn_set *set) {
    free(set->items);
    set->items = NULL;
    set->len = 0;
}

static void free_expect(struct scn_expect *e) {
    for (uint32_t i = 0; i < e->groups_len; i++) {
        free_set(&e->groups[i].master_one_of);
        free(e->groups[i].replicas);
    }
    free(e->groups);
    free_set(&e->leader_one_of);
    free_set(&e->promoted_one_of);
    for (uint32_t i = 0; i < e->skeletons_len; i++) {
        free(e->skeletons[i].lines);
    }
    free(e->skeletons);
    free(e->never);
    for (uint32_t i = 0; i < e->differences_len; i++) {
        free(e->differences[i].what);
        free(e->differences[i].why);
    }
    free(e->differences);
}

void scn_free(struct scn *s) {
    if (s == NULL) { return; }
    free(s->path);
    free(s->description);
    for (uint32_t i = 0; i < s->cites_len; i++) {
        free(s->cites[i]);
    }
    free(s->cites);
    free(s->groups);
    free(s->nodes);
    free(s->sentinels);
    for (uint32_t i = 0; i < s->steps_len; i++) {
        free_set(&s->steps[i].targets);
        free_set(&s->steps[i].side_a);
        free_set(&s->steps[i].side_b);
        free_set(&s->steps[i].cond.on);
    }
    free(s->steps);
    free_expect(&s->expect);
    memset(s, 0, sizeof *s);
}

void scn_error_format(const struct scn_error *err, char *buf, size_t len) {
    SCN_ASSERT(err != NULL && buf != NULL && len > 0);
    if (err->pos.line == 0) {
        snprintf(buf, len, "%s: %s", err->path, err->msg);
    } else {
        snprintf(buf, len, "%s:%u:%u: %s", err->path, err->pos.line, err->pos.col, err->msg);
    }
}

int scn_find_proc(const struct scn *s, const char *name, struct scn_proc *out) {
    SCN_ASSERT(s != NULL && name != NULL && out != NULL);
    for (uint32_t i = 0; i < s->nodes_len; i++) {
        if (strcmp(s->nodes[i].name, name) == 0) {
            out->kind = SCN_PROC_NODE;
            out->index = i;
            return 0;
        }
    }
    for (uint32_t i = 0; i < s->sentinels_len; i++) {
        if (strcmp(s->sentinels[i].name, name) == 0) {
            out->kind = SCN_PROC_SENTINEL;
            out->index = i;
            return 0;
        }
    }
    return -1;
}

const char *scn_proc_name(const struct scn *s, struct scn_proc p) {
    SCN_ASSERT(s != NULL);
    if (p.kind == SCN_PROC_NODE) {
        SCN_ASSERT(p.index < s->nodes_len);
        return s->nodes[p.index].name;
    }
    SCN_ASSERT(p.kind == SCN_PROC_SENTINEL);
    SCN_ASSERT(p.index < s->sentinels_len);
    return s->sentinels[p.index].name;
}
