/* fuzz_glob.c: libFuzzer target for glob matching (core/glob.c).
 *
 * Method: the input is cut at its first NUL into a pattern and a string.
 * Checked: matching terminates (libFuzzer's timeout catches blow-ups); a
 * pattern free of special bytes matches exactly itself; without brackets a
 * case-sensitive match implies a case-insensitive one; for patterns of literals, `*` and
 * `?` (brackets and backslashes would swallow an added star), "*" +
 * pattern + "*" matches whatever the pattern matched (non-empty strings).
 *
 * fuzz-sources: core/glob.c core/check.c
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/glob.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096) { return 0; }
    const char *p = (const char *)data;
    const char *cut = memchr(p, '\0', size);
    size_t plen = cut != NULL ? (size_t)(cut - p) : size;
    const char *s = cut != NULL ? cut + 1 : p;
    size_t slen = cut != NULL ? size - plen - 1 : size;
    bool exact = core__glob_match(p, plen, s, slen, false);
    bool folded = core__glob_match(p, plen, s, slen, true);
    bool brackets = memchr(p, '[', plen) != NULL;
    /* Ranges are ordered before folding (Redis), so only without brackets
     * does a case-sensitive match imply a case-insensitive one. */
    CHECK(!exact || folded || brackets);
    bool plain = true, simple = true; /* simple: only literals, `*` and `?` */
    for (size_t i = 0; i < plen; i++) {
        plain = plain && memchr("*?[\\", p[i], 4) == NULL;
        simple = simple && memchr("[\\", p[i], 2) == NULL;
    }
    if (plain) { CHECK(exact == (plen == slen && memcmp(p, s, plen) == 0)); }
    if (exact && simple && slen > 0 && plen < 990) {
        static char wide[1002];
        wide[0] = '*';
        memcpy(wide + 1, p, plen);
        wide[plen + 1] = '*';
        CHECK(core__glob_match(wide, plen + 2, s, slen, false));
    }
    return 0;
}
