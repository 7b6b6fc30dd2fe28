/* lcs.c: longest common subsequence and unified-diff printing.
 *
 * Method: the classic dynamic-programming table, filled from the end so
 * that a forward walk recovers the alignment; bounded by a cell limit so a
 * pathological input is an error rather than an allocation of gigabytes.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "reports/lcs.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/rep_assert.h"

#define CELLS_MAX (1u << 24)
#define NONE      ((size_t)-1)

long rep__lcs(const char *const *a, size_t na, const char *const *b, size_t nb, size_t *match_a) {
    uint64_t cells = (uint64_t)(na + 1) * (nb + 1);
    if (cells > CELLS_MAX) { return -1; }
    uint32_t *t = calloc((size_t)cells, sizeof(*t));
    if (t == NULL) { return -1; }
#define T(i, k) t[(size_t)(i) * (nb + 1) + (k)]
    for (size_t i = na; i-- > 0;) {
        for (size_t k = nb; k-- > 0;) {
            if (strcmp(a[i], b[k]) == 0) {
                T(i, k) = T(i + 1, k + 1) + 1;
            } else {
                T(i, k) = T(i + 1, k) > T(i, k + 1) ? T(i + 1, k) : T(i, k + 1);
            }
        }
    }
    long pairs = 0;
    for (size_t i = 0; i < na; i++) {
        match_a[i] = NONE;
    }
    for (size_t i = 0, k = 0; i < na && k < nb;) {
        if (strcmp(a[i], b[k]) == 0) {
            match_a[i++] = k++;
            pairs++;
        } else if (T(i + 1, k) >= T(i, k + 1)) {
            i++;
        } else {
            k++;
        }
    }
#undef T
    free(t);
    return pairs;
}

struct urow {
    char mark;
    const char *line;
};

long rep__udiff(FILE *f,
                const char *const *a,
                size_t na,
                const char *const *b,
                size_t nb,
                unsigned context,
                int only_missing) {
    size_t *m = calloc(na + 1, sizeof(*m));
    struct urow *rows = calloc(na + nb + 1, sizeof(*rows));
    if (m == NULL || rows == NULL || rep__lcs(a, na, b, nb, m) < 0) {
        free(m);
        free(rows);
        return -1;
    }
    size_t n = 0, k = 0;
    long missing = 0;
    for (size_t i = 0; i < na; i++) {
        if (m[i] == NONE) {
            rows[n++] = (struct urow){'-', a[i]};
            missing++;
            continue;
        }
        while (k < m[i]) {
            rows[n++] = (struct urow){'+', b[k++]};
        }
        rows[n++] = (struct urow){' ', a[i]};
        k++;
    }
    while (k < nb) {
        rows[n++] = (struct urow){'+', b[k++]};
    }
    REP_ASSERT(n <= na + nb);
    for (size_t i = 0; i < n;) {
        bool change = rows[i].mark == '-' || (!only_missing && rows[i].mark == '+');
        if (!change) {
            i++;
            continue;
        }
        size_t start = i > context ? i - context : 0, end = i;
        for (size_t j = i; j < n && j <= end + 2 * context; j++) {
            if (rows[j].mark == '-' || (!only_missing && rows[j].mark == '+')) { end = j; }
        }
        size_t stop = end + context + 1 < n ? end + context + 1 : n;
        fprintf(f, "@@ lines %zu-%zu @@\n", start + 1, stop);
        for (size_t j = start; j < stop; j++) {
            fprintf(f, "%c%s\n", rows[j].mark, rows[j].line);
        }
        i = stop;
    }
    free(m);
    free(rows);
    return missing;
}
