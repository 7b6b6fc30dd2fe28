/* fuzz_support.h: what the libFuzzer harnesses share: a check that stops
 * the run where an invariant breaks, a reader that turns the fuzzer's bytes
 * into choices, and the core's allocator hooks over malloc.
 *
 * Header-only, because run.sh builds each target from its own file plus the
 * sources it declares.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SENTSIM_TESTS_FUZZ_SUPPORT_H
#define SENTSIM_TESTS_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* abort() rather than return: libFuzzer saves the input that got here. */
#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            fprintf(stderr, "%s: check failed: %s (line %d)\n", __FILE__, #x, __LINE__);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The fuzzer's bytes, consumed front to back; past the end every read is 0. */
struct fuzz_in {
    const uint8_t *p;
    size_t n;
};

static inline uint32_t fuzz_u8(struct fuzz_in *in) {
    if (in->n == 0) { return 0; }
    in->n--;
    return *in->p++;
}

static inline uint32_t fuzz_u16(struct fuzz_in *in) {
    uint32_t lo = fuzz_u8(in);
    return lo | (fuzz_u8(in) << 8);
}

static inline void *fuzz_alloc(void *ud, size_t n) {
    (void)ud;
    return malloc(n);
}

static inline void fuzz_free(void *ud, void *p) {
    (void)ud;
    free(p);
}

#endif
