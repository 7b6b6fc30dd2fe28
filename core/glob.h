/* glob.h: Redis's glob-style pattern matching (stringmatchlen).
 *
 * Method: a direct recursive matcher over byte strings with explicit
 * lengths, used for PSUBSCRIBE patterns and SENTINEL CONFIG GET. Semantics
 * are Redis's: `*` any run, `?` any byte, `[abc]`, `[^abc]`, `[a-z]` (either
 * bound order), `\x` the literal x (also inside brackets); an unclosed `[`
 * matches up to the end of the pattern. Each `*` recurses once; recursion
 * deeper than CORE__GLOB_NESTING_MAX gives "no match", and a failed `*`
 * tail stops the whole match early, so the cost stays polynomial on
 * adversarial patterns (the same guards Redis added in 7.0.10). Quirks
 * kept: "*" does not match the empty string, and an escaped byte inside
 * brackets compares case-sensitively even with nocase.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_CORE_GLOB_H
#define SENTSIM_CORE_GLOB_H

#include <stdbool.h>
#include <stddef.h>

#define CORE__GLOB_NESTING_MAX 1000 /* nested `*` recursions before giving up */

/* True if str[0..slen) matches pattern[0..plen). With nocase, ASCII letters
 * compare case-insensitively (ranges included). */
bool core__glob_match(const char *pattern, size_t plen, const char *str, size_t slen, bool nocase);

#endif
