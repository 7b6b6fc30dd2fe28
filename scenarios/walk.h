/* walk.h: the loader's internal view of a YAML document (scenarios/ only).
 *
 * Method: libfyaml gives a tree of nodes; these helpers read it with a
 * position attached to every value, so each section parser can report
 * "file:line:col: message" in one call and return -1. The first error is
 * sticky: later ones are ignored, so the message always names the first
 * problem found. Every string read here is copied into fixed buffers or
 * heap memory that the scenario owns, never kept as a libfyaml pointer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_SCENARIOS_WALK_H
#define SENTSIM_SCENARIOS_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libfyaml.h>

#include "scenarios/scenario.h"

#define SCN__WORD_MAX 64 /* keys and enum words we compare against */

/* The loading context shared by the section parsers. */
struct scn__ctx {
    struct scn *s;
    struct scn_error *err;
    bool failed;
    /* Pass-one state of the topology: replicaof targets are names until
     * every node is known, then resolved to indices. */
    char (*upstream_name)[SCN_NAME_MAX]; /* [nodes_len]; "" = the group's master */
    struct scn_pos *upstream_pos;        /* [nodes_len] */
    /* Name index of nodes and sentinels (open addressing, FNV-1a), so that
     * loading a 4096-node topology stays linear: slot = 1 + proc code. */
    uint32_t *name_slots;
    uint32_t name_cap;   /* a power of two, at least twice name_count */
    uint32_t name_count; /* processes indexed */
};

/* One key/value pair of a mapping, with positions. */
struct scn__kv {
    char key[SCN__WORD_MAX];
    struct scn_pos key_pos;
    struct fy_node *value; /* NULL when the value is empty */
    struct scn_pos pos;    /* of the value, or of the key when it is empty */
};

/* Records the first error and returns -1. */
int scn__fail(struct scn__ctx *c, struct scn_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The 1-based position of a node; `fallback` for an empty node. */
struct scn_pos scn__pos(struct fy_node *n, struct scn_pos fallback);

/* Kind tests that treat an empty value (`key:`, `~`, `null`) as absent. */
bool scn__is_null(struct fy_node *n);
const char *scn__type_name(struct fy_node *n); /* "a mapping", "a sequence", "a scalar", ... */

/* Requires `n` to be a mapping / sequence; `what` names it in the message. */
int scn__want_map(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what);
int scn__want_seq(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what);

/* Walks a mapping: returns the next pair in `kv` (1), 0 at the end, -1 on
 * an error (a non-scalar or overlong key). `it` starts as NULL. */
int scn__next_pair(struct scn__ctx *c, struct fy_node *map, void **it, struct scn__kv *kv);

/* The index of kv->key in `keys`, or -1 after reporting "unknown key" with
 * a "did you mean" when one of `keys` is close; `where` names the mapping. */
int scn__key_index(struct scn__ctx *c,
                   const struct scn__kv *kv,
                   const char *const *keys,
                   size_t keys_len,
                   const char *where);

/* The closest word of `words` to `s` within a small edit distance, or NULL. */
const char *scn__suggest(const char *s, const char *const *words, size_t words_len);

/* Scalar readers. `what` names the value in messages ("'quorum'"). */
int scn__scalar(struct scn__ctx *c,
                struct fy_node *n,
                struct scn_pos pos,
                const char *what,
                const char **out,
                size_t *len);
int scn__str(struct scn__ctx *c,
             struct fy_node *n,
             struct scn_pos pos,
             const char *what,
             char *dst,
             size_t cap);
char *scn__strdup(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what);
int scn__u32(struct scn__ctx *c,
             struct fy_node *n,
             struct scn_pos pos,
             const char *what,
             uint32_t min,
             uint32_t max,
             uint32_t *out);
int scn__u64(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what, uint64_t *out);
int scn__bool(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what, bool *out);
/* A duration: an integer (ms) or "250ms", "2s", "1.5s", "1m"; > 0 unless
 * `allow_zero`. */
int scn__duration(struct scn__ctx *c,
                  struct fy_node *n,
                  struct scn_pos pos,
                  const char *what,
                  bool allow_zero,
                  uint64_t *out_ms);
/* A signed duration ("-3s"), for clock jumps; never 0. */
int scn__signed_duration(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what, int64_t *out_ms);
/* A ratio "1/100", an integer 0 or 1, or "never"/"always". */
int scn__ratio(struct scn__ctx *c,
               struct fy_node *n,
               struct scn_pos pos,
               const char *what,
               struct scn_ratio *out);
/* Latency: a duration (fixed), "1ms..5ms", or {min: , max: }. */
int scn__latency(struct scn__ctx *c,
                 struct fy_node *n,
                 struct scn_pos pos,
                 const char *what,
                 struct scn_latency *out);

/* Pure text parsers behind the readers above (exposed for tests). Return 0
 * or -1 with a message (no position) in `msg`. */
int scn__parse_duration(
    const char *text, size_t len, bool allow_negative, int64_t *out_ms, char *msg, size_t msglen);
int scn__parse_ratio(const char *text, size_t len, struct scn_ratio *out, char *msg, size_t msglen);

/* Process names: a scalar name or a sequence of names, resolved against the
 * scenario's nodes and sentinels; `what` is the step or key ("kill"). The
 * set is heap-allocated (scn_free releases it). Duplicates are errors. */
int scn__proc_set(struct scn__ctx *c,
                  struct fy_node *n,
                  struct scn_pos pos,
                  const char *what,
                  struct scn_set *out);
/* Adds a process (already in the scenario's arrays) to the name index. */
int scn__names_add(struct scn__ctx *c, struct scn_proc p, struct scn_pos pos);
/* Finds a node or sentinel by name through the index; 0 or -1. */
int scn__names_find(const struct scn__ctx *c, const char *name, struct scn_proc *out);

/* One name, resolved. */
int scn__proc_one(struct scn__ctx *c,
                  struct fy_node *n,
                  struct scn_pos pos,
                  const char *what,
                  struct scn_proc *out);
/* A monitored master (group) by name; absent/NULL = the only group. */
int scn__group_ref(
    struct scn__ctx *c, struct fy_node *n, struct scn_pos pos, const char *what, uint32_t *out);

/* Requires `type` to be a Sentinel 7.0 event name ("+switch-master"). */
int scn__check_event(struct scn__ctx *c, const char *type, struct scn_pos pos);

/* Section parsers (topology.c, timeline.c, expect.c). */
int scn__load_settings(struct scn__ctx *c,
                       struct fy_node *n,
                       struct scn_pos pos,
                       struct scn_master_settings *out);
int scn__load_masters(struct scn__ctx *c,
                      struct fy_node *n,
                      struct scn_pos pos,
                      const struct scn_master_settings *defaults);
int scn__load_sentinels(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos);
int scn__resolve_topology(struct scn__ctx *c);
int scn__load_timeline(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos);
int scn__load_expect(struct scn__ctx *c, struct fy_node *n, struct scn_pos pos);
int scn__check_timeline(struct scn__ctx *c);

#endif
