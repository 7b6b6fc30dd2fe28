#!/bin/sh
# chaos_planted: the chaos explorer against the core's planted bug.
#
# Builds the V=coretest variant (CORE_PLANTED_BUG=1: the vote procedure may
# grant a second vote in one epoch) and runs tests/test_chaos_planted.c:
# the explorer must find the double vote, shrink it within a minute to a
# reproducer of at most 5 fault steps, and the reproducer (a stored
# schedule) must still fail after the generator changed. The release
# build of the same test checks that the search finds nothing there.
#
# SPDX-License-Identifier: BSD-3-Clause
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory V=coretest build/coretest/tests/test_chaos_planted
start=$(date +%s)
build/coretest/tests/test_chaos_planted
echo "chaos_planted: passed in $(( $(date +%s) - start )) s"
