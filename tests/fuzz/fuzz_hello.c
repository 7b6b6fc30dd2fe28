/* fuzz_hello.c: libFuzzer target for the hello parser and formatter.
 *
 * Method: parse the input; a rejected input must leave a zeroed record; an
 * accepted one must satisfy the field rules of hello.h and survive
 * format -> parse unchanged, within CORE__HELLO_MAX bytes.
 *
 * fuzz-sources: core/hello.c core/buf.c core/check.c
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hello.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const struct core__hello zero;
    struct core__hello h;
    if (core__hello_parse((const char *)data, size, &h) != 0) {
        CHECK(memcmp(&h, &zero, sizeof(h)) == 0);
        return 0;
    }
    CHECK(h.port != 0 && h.master_port != 0);
    CHECK(strlen(h.runid) == CORE_RUNID_LEN);
    CHECK(h.ip[0] != '\0' && h.master_ip[0] != '\0' && h.master_name[0] != '\0');
    CHECK(strchr(h.ip, ',') == NULL && strchr(h.master_name, ',') == NULL);
    char mem[CORE__HELLO_MAX + 1];
    struct core__buf b;
    core__buf_init(&b, mem, sizeof(mem));
    CHECK(core__hello_format(&b, &h) == 0);
    CHECK(b.len <= size);
    struct core__hello back;
    CHECK(core__hello_parse(b.data, b.len, &back) == 0);
    CHECK(memcmp(&h, &back, sizeof(h)) == 0);
    return 0;
}
