/* datefmt.h: Unix time to C's ctime() layout, without <time.h>.
 *
 * Method: the core reads no clock and may not include <time.h>, but
 * Sentinel shows some times in ctime() form. The conversion is pure
 * arithmetic on the time it is given: days since 1970-01-01 to a civil
 * date with Howard Hinnant's days-to-civil algorithm, always in UTC.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_DATEFMT_H
#define SENTSIM_CORE_DATEFMT_H

#include <stdint.h>

/* Bytes of a ctime text plus its NUL: "Wed Nov 10 03:52:47 2021". */
#define CORE__CTIME_LEN 25

/* A broken-down UTC time. */
struct core__civil {
    int64_t year;   /* e.g. 2021 */
    uint32_t month; /* 1..12 */
    uint32_t day;   /* 1..31 */
    uint32_t hour;  /* 0..23 */
    uint32_t min;   /* 0..59 */
    uint32_t sec;   /* 0..59 */
    uint32_t wday;  /* 0 = Sunday .. 6 = Saturday */
};

/* Converts seconds since the Unix epoch to a UTC civil time. */
void core__civil_from_unix(uint64_t unix_s, struct core__civil *out);

/* Writes unix_s as "Www Mmm dd hh:mm:ss yyyy" (UTC, day space-padded like
 * ctime, no trailing newline) and a NUL. Returns 0, or -1 if the year
 * exceeds 9999 (out then holds "" ). */
int core__ctime(uint64_t unix_s, char out[CORE__CTIME_LEN]);

#endif
