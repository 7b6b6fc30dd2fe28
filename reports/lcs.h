/* lcs.h: longest common subsequence of two string sequences, and a
 * unified-diff printer built on it (reports' own helpers).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_REPORTS_LCS_H
#define SENTSIM_REPORTS_LCS_H

#include <stddef.h>
#include <stdio.h>

/* Aligns a and b: fills match_a[i] with the index in b that a[i] pairs
 * with, or (size_t)-1. Returns the number of pairs, or -1 on memory
 * exhaustion or sequences too long (na * nb over 16 M). */
long rep__lcs(const char *const *a, size_t na, const char *const *b, size_t nb, size_t *match_a);

/* Prints a unified diff of a ("-") against b ("+") with `context` lines,
 * hunks only around lines of a that b lacks when only_missing is set.
 * Returns the number of '-' lines, or -1 on memory exhaustion. */
long rep__udiff(FILE *f,
                const char *const *a,
                size_t na,
                const char *const *b,
                size_t nb,
                unsigned context,
                int only_missing);

#endif
