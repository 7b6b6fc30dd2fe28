/* fuzz_info.c: libFuzzer target for the INFO parser (core/info.c).
 *
 * Method: the first byte picks the replica-table capacity (0..15), the rest
 * is the INFO text. After parsing, every promise of info.h is checked:
 * counts within bounds, strings NUL-terminated inside their fields, flags
 * consistent with values, nothing written past the table.
 *
 * fuzz-sources: core/info.c core/check.c
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/info.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) { return 0; }
    uint32_t cap = data[0] % 16;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct core__info_replica tab[17];
    memset(tab, 0xa5, sizeof(tab));
    struct core__info in;
    CHECK(core__info_parse(text, len, &in, tab, cap) == CORE_OK);
    CHECK(in.replicas_len <= cap);
    CHECK(in.replicas_len <= in.replicas_seen);
    CHECK(in.replicas_seen == in.replicas_len || in.replicas_len == cap);
    CHECK(in.lines <= len + 1);
    CHECK(in.role == CORE__INFO_ROLE_NONE || in.role == CORE__INFO_ROLE_MASTER ||
          in.role == CORE__INFO_ROLE_SLAVE);
    CHECK(memchr(in.run_id, '\0', sizeof(in.run_id)) != NULL);
    CHECK(in.has_run_id == (strlen(in.run_id) == CORE_RUNID_LEN));
    CHECK(memchr(in.master_host, '\0', sizeof(in.master_host)) != NULL);
    CHECK(in.has_master_host || in.master_host[0] == '\0');
    CHECK(in.has_master_port || in.master_port == 0);
    CHECK(in.has_master_link_status || !in.master_link_up);
    for (uint32_t i = 0; i < in.replicas_len; i++) {
        CHECK(memchr(tab[i].ip, '\0', sizeof(tab[i].ip)) != NULL);
        CHECK(tab[i].ip[0] != '\0');
    }
    /* Slots past the ones written are untouched. */
    for (uint32_t i = in.replicas_len; i < 17; i++) {
        CHECK((unsigned char)tab[i].ip[0] == 0xa5);
    }
    /* Parsing is a pure function of the bytes. */
    struct core__info again;
    CHECK(core__info_parse(text, len, &again, tab, cap) == CORE_OK);
    CHECK(memcmp(&in, &again, sizeof(in)) == 0);
    return 0;
}
