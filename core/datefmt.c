/* datefmt.c: Unix time to civil time and ctime() text (see datefmt.h).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/datefmt.h"

#include <stdio.h>

#include "core/check.h"

void core__civil_from_unix(uint64_t unix_s, struct core__civil *out) {
    CORE_ASSERT(out != NULL);
    uint64_t days = unix_s / 86400, rem = unix_s % 86400;
    out->hour = (uint32_t)(rem / 3600);
    out->min = (uint32_t)(rem % 3600 / 60);
    out->sec = (uint32_t)(rem % 60);
    out->wday = (uint32_t)((days + 4) % 7); /* 1970-01-01 was a Thursday */
    /* Days-to-civil over 400-year eras that start on March 1st, so that the
     * leap day is the last day of an era-year; all values are non-negative
     * here because the input is unsigned. */
    uint64_t z = days + 719468;
    uint64_t era = z / 146097;
    uint64_t doe = z - era * 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint64_t mp = (5 * doy + 2) / 153;
    out->day = (uint32_t)(doy - (153 * mp + 2) / 5 + 1);
    out->month = (uint32_t)(mp < 10 ? mp + 3 : mp - 9);
    out->year = (int64_t)(yoe + era * 400) + (out->month <= 2 ? 1 : 0);
    CORE_ASSERT(out->month >= 1 && out->month <= 12);
    CORE_ASSERT(out->day >= 1 && out->day <= 31);
}

int core__ctime(uint64_t unix_s, char out[CORE__CTIME_LEN]) {
    static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    CORE_ASSERT(out != NULL);
    struct core__civil c;
    core__civil_from_unix(unix_s, &c);
    out[0] = '\0';
    if (c.year > 9999) { return -1; }
    int n = snprintf(out, CORE__CTIME_LEN, "%s %s %2u %02u:%02u:%02u %04u", wdays[c.wday],
                     months[c.month - 1], (unsigned)c.day, (unsigned)c.hour, (unsigned)c.min,
                     (unsigned)c.sec, (unsigned)c.year);
    CORE_ASSERT(n == CORE__CTIME_LEN - 1);
    return 0;
}
