/* runfile.h: a whole run (header, names map, final state, events) as one
 * JSON Lines file, so `sentsim report` can work on recorded runs.
 *
 * Method: the file starts with header records that carry a "kind" first
 * and no "seq"; the event records of event.h follow. Field names are
 * stable (documented in reports/README.md, jq-friendly):
 *   {"kind":"run","version":1,"scenario":"scenarios/library/x.yaml","name":"x",
 *    "mode":"sim","seed":1,"fault_t_ms":5000,"end_t_ms":90000,"failure":""}
 *   {"kind":"name","proc":"r1","ip":"127.0.0.1","port":6380,"runid":""}
 *   {"kind":"final-node","proc":"r1","up":true,"master":true,"upstream":"",
 *    "link_up":false,"repl_offset":1234}
 *   {"kind":"final-sentinel","proc":"s1","up":true,"epoch":1,"masters":["r1"]}
 *   {"kind":"writes","acked":100,"lost":0,"refused":3}
 *   {"seq":0,"t_ms":0,"proc":"s1","kind":"event",...}
 * "masters" lists, per group in scenario order, the node the sentinel
 * names as master ("" when none). The scenario itself is loaded from the
 * path in the header (or one the caller gives), since expectations and
 * process names live there.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_RUNFILE_H
#define SENTSIM_REPORTS_RUNFILE_H

#include <stddef.h>
#include <stdio.h>

#include "reports/run.h"
#include "scenarios/scenario.h"

/* A run read back from a file, with the scenario it needs. run.scn points
 * into this struct, so it must stay where it was read. */
struct rep_run_file {
    struct scn scn;
    struct rep_run run;
    int loaded; /* scn was loaded and run initialized: free both */
};

const char *rep_mode_name(enum rep_mode mode); /* "sim", "real-redis", "real-core", "real-mixed" */
int rep_mode_parse(const char *s, enum rep_mode *out);

/* Writes the header records and the events. Returns 0 or -1 on I/O error. */
int rep_run_write_json(FILE *f, const struct rep_run *run);

/* Same, to a file path (created or truncated). */
int rep_run_save(const struct rep_run *run, const char *path);

/* Reads a run file. `scenario` overrides the header's scenario path when
 * not NULL. Returns 0, or -1 with "file:line:col: message" in err. */
int rep_run_read_json(
    const char *path, const char *scenario, struct rep_run_file *out, char *err, size_t errlen);
void rep_run_file_free(struct rep_run_file *rf);

#endif
