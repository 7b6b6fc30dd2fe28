#!/bin/sh
# real_suite: the mission scenarios of scenarios/library/ against real processes.
#
# Runs every library file whose name starts with one of the four missions
# (master-dies-first, replica-dies-first, split-quorum, chained-replicas)
# with --sentinel=redis, and again with --sentinel=core when
# `sentsim sentinel --version` works (otherwise it says loudly that core
# mode was NOT run). Runs go JOBS at a time (default 4): each run has its own
# ports, temp root and namespaces, so they never collide. Prints each
# verdict line and the time split, then "N passed, N failed".
#
# Usage: sh tests/real_suite.sh [SENTSIM]   (JOBS=, MISSIONS=, MODES="redis core" override)
#
# SPDX-License-Identifier: BSD-3-Clause
set -u
cd "$(dirname "$0")/.." || exit 2
SENTSIM=${1:-build/release/sentsim}
JOBS=${JOBS:-4}
MISSIONS=${MISSIONS:-"master-dies-first replica-dies-first split-quorum chained-replicas"}
case "$SENTSIM" in /*) ;; *) SENTSIM="$PWD/$SENTSIM" ;; esac
if [ ! -x "$SENTSIM" ]; then
    echo "real_suite: $SENTSIM is not built" >&2
    exit 2
fi

files=""
for m in $MISSIONS; do
    for f in scenarios/library/"$m"*.yaml; do
        [ -f "$f" ] && files="$files $f"
    done
done
if [ -z "$files" ]; then
    echo "real_suite: no mission scenario found in scenarios/library/" >&2
    exit 2
fi

modes="redis"
if [ -n "${MODES:-}" ]; then
    modes=$MODES
elif "$SENTSIM" sentinel --version >/dev/null 2>&1; then
    modes="redis core"
else
    echo "real_suite: ******************************************************************"
    echo "real_suite: core mode was NOT run: 'sentsim sentinel --version' does not work"
    echo "real_suite: ******************************************************************"
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/sentsim-suite.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT INT TERM
start=$(date +%s)

# One line per run: "mode file"; each run writes its output and exit code.
for mode in $modes; do
    for f in $files; do
        echo "$mode $f"
    done
done | xargs -P "$JOBS" -L 1 sh -c '
    out=$0; bin=$1; mode=$2; f=$3
    tag=$(basename "$f" .yaml)-$mode
    "$bin" real "$f" --sentinel="$mode" --quiet >"$out/$tag.log" 2>&1
    echo $? >"$out/$tag.rc"
' "$out" "$SENTSIM"

pass=0
fail=0
for mode in $modes; do
    for f in $files; do
        tag=$(basename "$f" .yaml)-$mode
        rc=$(cat "$out/$tag.rc" 2>/dev/null || echo 99)
        if [ "$rc" -eq 0 ]; then
            pass=$((pass + 1))
            echo "ok   [$mode] $(grep -E '^(PASS|FAIL) ' "$out/$tag.log" | head -1)"
        else
            fail=$((fail + 1))
            echo "FAIL [$mode] $f (exit $rc):"
            sed 's/^/    /' "$out/$tag.log" | tail -15
        fi
        grep -E ': wall [0-9]+ ms' "$out/$tag.log" | sed 's/^/     /'
    done
done
echo "real_suite: $pass passed, $fail failed ($(($(date +%s) - start)) s, modes: $modes)"
[ "$fail" -eq 0 ]
