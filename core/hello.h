/* hello.h: the hello message of spec §5.3.1, parsed and formatted.
 *
 * Method: a hello is a flat record of exactly 8 comma-separated tokens, so
 * the parser is a strict split: anything that Sentinel would not have
 * produced (a wrong token count, an empty or over-long token, a number with
 * non-digits, a port out of 1..65535, a run id that is not 40 bytes) is
 * rejected as a whole and the caller ignores the message, which is what
 * Sentinel does with a hello it cannot use. Formatting writes the same
 * layout, so parse(format(h)) == h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_HELLO_H
#define SENTSIM_CORE_HELLO_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/core.h"

/* The longest hello payload core__hello_format() can produce. */
#define CORE__HELLO_MAX                                                                            \
    ((CORE_IP_MAX - 1) * 2 + 5 * 2 + CORE_RUNID_LEN + 20 * 2 + (CORE_NAME_MAX - 1) + 7)

/* The 8 fields, in payload order. Strings are NUL-terminated. */
struct core__hello {
    char ip[CORE_IP_MAX];            /* 1: the sender sentinel's (announce) address */
    uint16_t port;                   /* 2: the sender's (announce) port, 1..65535 */
    char runid[CORE_RUNID_LEN + 1];  /* 3: the sender's myid, exactly 40 bytes */
    uint64_t current_epoch;          /* 4: the sender's current epoch */
    char master_name[CORE_NAME_MAX]; /* 5: the master the hello is about */
    char master_ip[CORE_IP_MAX];     /* 6: its current address in the sender's view */
    uint16_t master_port;            /* 7: 1..65535 */
    uint64_t master_config_epoch;    /* 8: the sender's config epoch for it */
};

/* Parses `len` bytes of `payload` (not necessarily NUL-terminated).
 * Returns 0 and fills *out, or -1 (malformed; *out is zeroed). Epochs are
 * unsigned decimal without sign or spaces and must fit in 64 bits; ports
 * are decimal 1..65535; ip/name tokens are non-empty and shorter than their
 * field. */
int core__hello_parse(const char *payload, size_t len, struct core__hello *out);

/* Appends the payload for *h to b. Returns 0, or -1 if b overflowed. The
 * fields must be valid (non-empty strings, non-zero ports; asserted). */
int core__hello_format(struct core__buf *b, const struct core__hello *h);

#endif
