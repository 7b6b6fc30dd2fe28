#!/bin/sh
# determinism: the same seed gives the same event log byte for byte, and
# different seeds give different runs.
#
# Method: each scenario below is run over SEEDS seeds twice, each run's
# JSON Lines event log is hashed, and the two passes must agree seed by
# seed; within a pass, the seeds must not all produce the same log (a
# simulator that ignored its seed would). Usage: determinism.sh SENTSIM.
#
# SPDX-License-Identifier: BSD-3-Clause
set -u
SENTSIM=${1:-build/release/sentsim}
SEEDS=${SEEDS:-100}
SCENARIOS=${SCENARIOS:-"scenarios/library/master-dies-first.yaml scenarios/library/old-master-partitioned-writes-lost.yaml"}
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

hash_pass() { # scenario pass -> $tmp/<pass>.hashes
    : >"$tmp/$2.hashes"
    s=1
    while [ "$s" -le "$SEEDS" ]; do
        "$SENTSIM" run "$1" --seed "$s" --quiet --json "$tmp/run.jsonl" >"$tmp/out" 2>&1
        rc=$?
        if [ "$rc" -gt 1 ] || [ ! -s "$tmp/run.jsonl" ]; then
            echo "determinism: $1 seed $s: sentsim run failed (exit $rc):"
            cat "$tmp/out"
            return 1
        fi
        echo "$s $(sha256sum <"$tmp/run.jsonl" | cut -c1-16)" >>"$tmp/$2.hashes"
        rm -f "$tmp/run.jsonl"
        s=$((s + 1))
    done
}

for scn in $SCENARIOS; do
    hash_pass "$scn" 1 && hash_pass "$scn" 2 || { fail=1; continue; }
    if ! cmp -s "$tmp/1.hashes" "$tmp/2.hashes"; then
        echo "determinism: $scn: the same seed gave different logs:"
        diff "$tmp/1.hashes" "$tmp/2.hashes" | head -20
        fail=1
        continue
    fi
    distinct=$(cut -d' ' -f2 "$tmp/1.hashes" | sort -u | wc -l)
    if [ "$distinct" -lt 2 ]; then
        echo "determinism: $scn: all $SEEDS seeds gave the same log (is the seed used?)"
        fail=1
        continue
    fi
    echo "determinism: $scn: $SEEDS seeds x 2 runs identical; $distinct distinct logs"
done
exit $fail
