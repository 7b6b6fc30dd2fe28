/* no_resolver.c: the sentsim binary resolves no host names.
 *
 * Why: the binary is linked statically (see the Makefile), because a sim
 * run is often one short process per seed, and loading shared objects was
 * a tenth of its time. hiredis's redisConnectFd(), which real mode uses on
 * sockets it connected itself, comes in an object with hiredis's
 * name-resolving connect, and a static glibc's getaddrinfo() would need
 * glibc's shared NSS modules at run time. Addresses are IP literals
 * throughout sentsim (host names are out of scope), so these definitions,
 * which take the place of glibc's in this binary only, refuse every
 * lookup. The test binaries keep glibc's.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <netdb.h>
#include <stddef.h>

int getaddrinfo(const char *restrict node,
                const char *restrict service,
                const struct addrinfo *restrict hints,
                struct addrinfo **restrict res) {
    (void)node;
    (void)service;
    (void)hints;
    *res = NULL;
    return EAI_FAIL;
}

void freeaddrinfo(struct addrinfo *res) {
    (void)res; /* getaddrinfo() above never allocates */
}
