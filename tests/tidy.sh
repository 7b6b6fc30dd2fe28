#!/bin/sh
# tidy: the rules a compiler does not check.
#  - core/ is sans-I/O: no clock, randomness, allocation, stdio output,
#    sockets or files (snprintf is allowed: it is pure);
#  - no line over 100 columns, no FIXME anywhere;
#  - no function in core/ longer than 70 lines.
#
# SPDX-License-Identifier: BSD-3-Clause
set -u
cd "$(dirname "$0")/.." || exit 2
fail=0
say() { echo "tidy: $*"; fail=1; }

core_files=$(ls core/*.c core/*.h 2>/dev/null)
if [ -n "$core_files" ]; then
    hits=$(grep -nE '#include *[<"](hiredis|sys/socket|netinet|arpa/inet|time\.h|sys/time\.h|unistd\.h|pthread\.h|fcntl\.h|libfyaml)' $core_files)
    [ -n "$hits" ] && say "core/ includes an I/O or clock header:" && echo "$hits"
    hits=$(sed -e 's://.*$::' $core_files /dev/null | grep -nE '(^|[^a-z_.>])(time|gettimeofday|clock_gettime|rand|random|srand|malloc|calloc|realloc|free|printf|fprintf|vfprintf|puts|fputs|fopen|fwrite|fread|perror|sleep|usleep|exit|abort)[[:space:]]*\(' | grep -v 'snprintf' )
    [ -n "$hits" ] && say "core/ calls a clock, allocator, randomness or stdio function:" && echo "$hits"
    hits=$(grep -nE '(^|[^a-z_])(stdout|stderr|stdin)([^a-z_]|$)' $core_files)
    [ -n "$hits" ] && say "core/ touches a standard stream:" && echo "$hits"
    # Function length: from a line starting a definition "{" at column 0 to "}" at column 0.
    long=$(awk 'FNR==1{start=0} /^\{/{start=FNR} /^\}/{ if (start && FNR-start-1 > 70) printf "%s:%d: function body of %d lines (max 70)\n", FILENAME, start, FNR-start-1; start=0 }' core/*.c 2>/dev/null)
    [ -n "$long" ] && say "core/ functions too long:" && echo "$long"
fi

src=$(ls core/*.[ch] sim/*.[ch] real/*.[ch] reports/*.[ch] scenarios/*.[ch] tests/*.[ch] tests/*/*.[ch] 2>/dev/null)
if [ -n "$src" ]; then
    hits=$(awk 'length($0) > 100 { printf "%s:%d: %d columns\n", FILENAME, FNR, length($0) }' $src)
    [ -n "$hits" ] && say "lines over 100 columns:" && echo "$hits"
    hits=$(grep -n 'FIXME' $src)
    [ -n "$hits" ] && say "FIXME left in:" && echo "$hits"
    hits=$(grep -nE '(^|[^A-Z_])assert[[:space:]]*\(' $src | grep -v 'tests/')
    [ -n "$hits" ] && say "raw assert() outside tests (use the module's ASSERT macro):" && echo "$hits"
fi

if [ "$fail" -ne 0 ]; then exit 1; fi
echo "tidy: clean"
