/* glob.c: Redis-compatible glob matching (see glob.h).
 *
 * Method: walk pattern and string together; on `*` try the rest of the
 * pattern at every suffix of the string (one recursion level per `*`). A
 * recursive call that fails because the string ran out sets `skip`: no
 * longer prefix can match either, so every enclosing `*` loop stops at once;
 * this keeps patterns like "a*a*a*a*b" from going exponential.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "core/glob.h"

#include "core/check.h"

struct glob {
    const char *p, *s;
    size_t pn, sn;
    bool nocase;
};

static char fold(const struct glob *g, char c) {
    if (g->nocase && c >= 'A' && c <= 'Z') { return (char)(c - 'A' + 'a'); }
    return c;
}

/* Matches the bracket class at g->p[*pi] == '[' against c; advances *pi to
 * the closing ']' (or the last pattern byte if unclosed). */
static bool match_class(const struct glob *g, size_t *pi, char c) {
    CORE_ASSERT(*pi < g->pn);
    CORE_ASSERT(g->p[*pi] == '[');
    size_t i = *pi + 1;
    bool negate = i < g->pn && g->p[i] == '^';
    if (negate) { i++; }
    bool hit = false;
    for (; i < g->pn && g->p[i] != ']'; i++) {
        if (g->p[i] == '\\' && i + 1 < g->pn) {
            i++;
            hit = hit || g->p[i] == c; /* Redis compares escaped class bytes exactly */
        } else if (i + 2 < g->pn && g->p[i + 1] == '-') {
            /* Bounds are ordered before folding, as in Redis, so with nocase
             * a range like [C-a] folds to the empty c..a. */
            char lo = g->p[i], hi = g->p[i + 2];
            if (lo > hi) {
                char t = lo;
                lo = hi;
                hi = t;
            }
            lo = fold(g, lo);
            hi = fold(g, hi);
            char x = fold(g, c);
            hit = hit || (x >= lo && x <= hi);
            i += 2;
        } else {
            hit = hit || fold(g, g->p[i]) == fold(g, c);
        }
    }
    /* An unclosed class ends at the last pattern byte, as in Redis. */
    *pi = i < g->pn ? i : g->pn - 1;
    return negate ? !hit : hit;
}

static bool match(const struct glob *g, size_t pi, size_t si, bool *skip, int nesting) {
    CORE_ASSERT(pi <= g->pn);
    CORE_ASSERT(si <= g->sn);
    if (nesting > CORE__GLOB_NESTING_MAX) { return false; }
    while (pi < g->pn && si < g->sn) {
        char pc = g->p[pi];
        if (pc == '*') {
            while (pi + 1 < g->pn && g->p[pi + 1] == '*') {
                pi++;
            }
            if (pi + 1 == g->pn) { return true; }
            for (size_t k = si; k < g->sn; k++) {
                if (match(g, pi + 1, k, skip, nesting + 1)) { return true; }
                if (*skip) { return false; }
            }
            *skip = true;
            return false;
        }
        if (pc == '[') {
            if (!match_class(g, &pi, g->s[si])) { return false; }
        } else if (pc == '\\' && pi + 1 < g->pn) {
            pi++;
            if (fold(g, g->p[pi]) != fold(g, g->s[si])) { return false; }
        } else if (pc != '?' && fold(g, pc) != fold(g, g->s[si])) {
            return false;
        }
        pi++;
        si++;
        if (si == g->sn) {
            /* The string is used up: trailing `*`s match the empty rest. An
             * empty string never gets here, so "*" does not match "" (a
             * Redis quirk kept on purpose). */
            while (pi < g->pn && g->p[pi] == '*') {
                pi++;
            }
        }
    }
    return pi == g->pn && si == g->sn;
}

bool core__glob_match(const char *pattern, size_t plen, const char *str, size_t slen, bool nocase) {
    CORE_ASSERT(pattern != NULL || plen == 0);
    CORE_ASSERT(str != NULL || slen == 0);
    struct glob g = {pattern, str, plen, slen, nocase};
    bool skip = false;
    return match(&g, 0, 0, &skip, 0);
}
