#!/bin/sh
# altered_core: a core with a deliberately changed behaviour must be caught.
#
# The V=altered build (CORE_PLANTED_BUG=2, see core/check.h) makes observers
# switch masters without logging +config-update-from. This script shows that
#  1. the golden check of master-dies-first fails with a diff naming it;
#  2. the Sentinel-aware diff of a release run against an altered run (same
#     seed) fails with a PRESENCE difference naming it;
#  3. with REAL=1 (root, real redis-sentinel installed): `sentsim compare`
#     of the altered sim against real Sentinel fails too.
# Each check greps the tool's own output for the changed event, so a failure
# for any other reason does not count as "caught".
#
# usage: altered_core.sh   (from make check; make real sets REAL=1)
#
# SPDX-License-Identifier: BSD-3-Clause
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory -s V=altered build/altered/sentsim
make --no-print-directory -s build/release/sentsim
ALTERED=build/altered/sentsim
RELEASE=build/release/sentsim
MDF=scenarios/library/master-dies-first
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
caught() { # label status output-file
    if [ "$2" -eq 1 ] && grep -q -- '+config-update-from' "$3"; then
        echo "altered_core: caught by $1"
    else
        echo "altered_core: NOT caught by $1 (exit $2):"; sed 's/^/    /' "$3"; fail=1
    fi
}

mkdir "$tmp/lib"
cp "$MDF.yaml" "$MDF.golden" "$tmp/lib/"
status=0
"$ALTERED" run --library "$tmp/lib" --golden > "$tmp/golden.out" 2>&1 || status=$?
caught "the golden check" "$status" "$tmp/golden.out"

"$RELEASE" run "$MDF.yaml" --seed 1 --quiet --json "$tmp/release.jsonl" > /dev/null
"$ALTERED" run "$MDF.yaml" --seed 1 --quiet --json "$tmp/altered.jsonl" > /dev/null 2>&1 || true
status=0
"$RELEASE" report diff "$tmp/release.jsonl" "$tmp/altered.jsonl" > "$tmp/diff.out" 2>&1 || status=$?
caught "the sim-vs-sim diff" "$status" "$tmp/diff.out"
grep -q 'PRESENCE' "$tmp/diff.out" || { echo "altered_core: the diff does not call it PRESENCE"; fail=1; }

if [ "${REAL:-0}" = 1 ]; then
    status=0
    rm -f reports/out/compare-master-dies-first-seed*.diff
    "$ALTERED" compare "$MDF.yaml" --runs 2 > "$tmp/compare.out" 2>&1 || status=$?
    # compare prints a summary; the per-seed diffs it writes name the events.
    cat reports/out/compare-master-dies-first-seed*.diff >> "$tmp/compare.out" 2>/dev/null || true
    caught "sentsim compare against real redis-sentinel" "$status" "$tmp/compare.out"
fi
[ "$fail" -eq 0 ] && echo "altered_core: 1 passed, 0 failed" || echo "altered_core: 0 passed, 1 failed"
exit "$fail"
