/* info.h: the parser of a data node's INFO reply (spec §6.1 step 2).
 *
 * Method: one pass over the text, line by line, with no state kept between
 * calls and nothing allocated: the caller owns the result and the replica
 * table. The parser only extracts what Sentinel reads; what to do with it
 * (+reboot, +slave, role changes, ignoring slaveN lines of a replica record)
 * is the state machine's business. Field rules follow Sentinel 7.0:
 *   - lines end in CRLF (real Redis) or LF (tolerated); a CR before the LF is
 *     not part of the line;
 *   - `run_id:` counts only on a line of at least 47 bytes, and then exactly
 *     the 40 bytes after the colon are taken;
 *   - `role:master` / `role:slave` match as prefixes; the most recent one
 *     wins and sets the "current role" while reading;
 *   - master_host, master_port, master_link_status, slave_priority,
 *     slave_repl_offset and replica_announced are read only while the current
 *     role is slave (in real INFO `role:slave` precedes them);
 *   - master_link_down_since_seconds is read whatever the role (it may be
 *     -1, which the core turns into -1000 ms);
 *   - `slave<digit>...` lines (at least 7 bytes) in the new format
 *     `slaveN:ip=<ip>,port=<port>,state=...` (a line containing "ip=") or the
 *     old format `slaveN:<ip>,<port>,<state>` add a replica address;
 *   - numbers are read like C's strtoll/strtoull: leading digits count and
 *     trailing garbage is ignored; no digits reads as 0 (Sentinel uses atoi);
 *   - a value longer than its field (an address of CORE_IP_MAX bytes or
 *     more) makes that line count as absent, never truncated.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_INFO_H
#define SENTSIM_CORE_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* The role an INFO text reports (its last role: line). */
enum core__info_role {
    CORE__INFO_ROLE_NONE,   /* no role: line at all */
    CORE__INFO_ROLE_MASTER, /* role:master */
    CORE__INFO_ROLE_SLAVE,  /* role:slave */
};

/* One replica address from a slaveN line of a master's INFO. */
struct core__info_replica {
    char ip[CORE_IP_MAX]; /* as written (Sentinel does not resolve it here) */
    int64_t port;         /* as read (atoi-like); the caller validates 1..65535 */
};

/* What Sentinel reads from one INFO text. A has_* flag is false when its
 * line was absent (or not read because of the role rule); the value is then
 * zero/empty. */
struct core__info {
    bool has_run_id;
    char run_id[CORE_RUNID_LEN + 1]; /* NUL-terminated */

    enum core__info_role role;

    bool has_master_link_down_since;
    int64_t master_link_down_since_s; /* seconds; -1 is possible */

    /* Read only after role:slave. */
    bool has_master_host;
    char master_host[CORE_IP_MAX]; /* NUL-terminated */
    bool has_master_port;
    int64_t master_port;
    bool has_master_link_status;
    bool master_link_up; /* "up", case-insensitively */
    bool has_slave_priority;
    int64_t slave_priority;
    bool has_slave_repl_offset;
    uint64_t slave_repl_offset; /* bytes */
    bool has_replica_announced;
    int64_t replica_announced; /* 0 or 1 in real INFO */

    /* slaveN lines. replicas_seen counts every well-formed one; only the
     * first replicas_cap are written, so replicas_seen > replicas_len means
     * the caller's table overflowed (report it, do not trust the rest). */
    uint32_t replicas_len;  /* entries written to the caller's table */
    uint32_t replicas_seen; /* well-formed slaveN lines in the text */
    uint32_t lines;         /* lines in the text */
};

/* Parses `len` bytes of INFO `text` (not necessarily NUL-terminated) into
 * *out and replicas[0..replicas_cap). replicas may be NULL if replicas_cap
 * is 0. Returns:
 *   CORE_OK        parsed (a text with none of the known lines parses fine);
 *   CORE_E_LIMIT   len > CORE_INFO_BYTES_MAX: *out is zeroed, nothing read.
 * A replica-table overflow is not an error here: see replicas_seen. */
int core__info_parse(const char *text,
                     size_t len,
                     struct core__info *out,
                     struct core__info_replica *replicas,
                     uint32_t replicas_cap);

#endif
