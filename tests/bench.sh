#!/bin/sh
# make bench: speed, throughput and scale figures, with fixed seeds, written to
# reports/out/bench.md and reports/out/bench.json. Targets are reported as
# ratios, never asserted: a slow machine must not fail the build. The one
# thing that does fail is determinism: every run's event-log hash must equal
# the value recorded in tests/bench/hashes.txt (BENCH_RECORD=1 re-records).
#
# usage: bench.sh SENTSIM   (env: BENCH_QUICK=1 for a short smoke run,
#                            BENCH_REAL=0 to skip the real-mode comparison)
#
# SPDX-License-Identifier: BSD-3-Clause
set -eu
SENTSIM=$1
cd "$(dirname "$0")/.."
OUT=reports/out
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir -p "$OUT"
QUICK=${BENCH_QUICK:-0}
HASHES=tests/bench/hashes.txt
MDF=scenarios/library/master-dies-first.yaml

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.1f", a / b }'; }
json=""
md=""
add() { json="$json$1,"; }
line() { md="$md$1
"; }

# ---------------------------------------------------------------- determinism
hash_fail=0
check_hash() { # name file
    h=$(sha256sum "$2" | cut -c1-16)
    rec=$(awk -v n="$1" '$1 == n { print $2 }' "$HASHES" 2>/dev/null || true)
    if [ "${BENCH_RECORD:-0}" = 1 ]; then
        { grep -v "^$1 " "$HASHES" 2>/dev/null || true; echo "$1 $h"; } | sort > "$TMP/h" && mv "$TMP/h" "$HASHES"
    elif [ -z "$rec" ]; then
        echo "bench: no recorded hash for $1 (run with BENCH_RECORD=1)"; hash_fail=1
    elif [ "$rec" != "$h" ]; then
        echo "bench: DETERMINISM: $1 hashes to $h, recorded $rec"; hash_fail=1
    fi
    echo "$h"
}

# ---------------------------------------------------------------- speed
runs=20; [ "$QUICK" = 1 ] && runs=3
t0=$(now_ms)
seed=1
while [ "$seed" -le "$runs" ]; do
    "$SENTSIM" run "$MDF" --seed "$seed" --quiet --json "$TMP/mdf-$seed.jsonl" > "$TMP/mdf-$seed.out" || true
    seed=$((seed + 1))
done
t1=$(now_ms)
sim_wall_ms=$(( (t1 - t0) / runs ))
[ "$sim_wall_ms" -ge 1 ] || sim_wall_ms=1
virt_ms=$(sed -n 's/.* t=\([0-9.]*\)s.*/\1/p' "$TMP/mdf-1.out" | awk '{ printf "%d", $1 * 1000 }')
events=$(grep -c '"kind":"event"' "$TMP/mdf-1.jsonl" || true)
mdf_hash=$(check_hash master-dies-first-seed1 "$TMP/mdf-1.jsonl")
speedup=$(ratio "$virt_ms" "$sim_wall_ms")
evps=$(ratio "$(( events * 1000 ))" "$sim_wall_ms")
line "## Speed: master-dies-first (seed 1..$runs)"
line ""
line "| figure | value |"
line "|---|---|"
line "| virtual time per run | ${virt_ms} ms |"
line "| wall time per run (process included) | ${sim_wall_ms} ms |"
line "| virtual seconds per wall second | ${speedup} (target >= 20000) |"
line "| Sentinel events per run / per wall second | ${events} / ${evps} |"
line "| log hash (seed 1) | ${mdf_hash} |"
add "\"mdf_virtual_ms\":$virt_ms,\"mdf_sim_wall_ms\":$sim_wall_ms,\"mdf_speedup\":\"$speedup\",\"mdf_events\":$events"

if command -v valgrind >/dev/null 2>&1; then
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$SENTSIM" run "$MDF" --seed 1 --quiet 2>&1 >/dev/null \
         | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
    line "| instructions per run (callgrind, seed 1) | ${ir:-n/a} |"
    add "\"mdf_instructions\":\"${ir:-n/a}\""
fi

if [ "${BENCH_REAL:-1}" = 1 ] && [ "$QUICK" != 1 ]; then
    t0=$(now_ms)
    if "$SENTSIM" real "$MDF" --quiet > "$TMP/real.out" 2>&1; then real_ok=pass; else real_ok=FAIL; fi
    real_wall_ms=$(( $(now_ms) - t0 ))
    line "| real mode wall time (redis-sentinel, $real_ok) | ${real_wall_ms} ms |"
    line "| real wall / sim wall | $(ratio "$real_wall_ms" "$sim_wall_ms") (target >= 10000) |"
    add "\"mdf_real_wall_ms\":$real_wall_ms,\"mdf_real_vs_sim\":\"$(ratio "$real_wall_ms" "$sim_wall_ms")\""
fi
line ""

# ---------------------------------------------------------------- chaos throughput
seeds=300; [ "$QUICK" = 1 ] && seeds=30
t0=$(now_ms)
"$SENTSIM" chaos --seeds "1..$seeds" --jobs 1 --small --no-shrink --quiet \
    --json "$TMP/chaos.jsonl" --out "$TMP/chaos" > "$TMP/chaos.out" 2>&1 || true
chaos_ms=$(( $(now_ms) - t0 ))
sps=$(ratio "$(( seeds * 1000 ))" "$chaos_ms")
line "## Chaos throughput (--small: 3 sentinels, 3 nodes; seeds 1..$seeds, one core)"
line ""
line "| figure | value |"
line "|---|---|"
line "| wall time | ${chaos_ms} ms |"
line "| seeds per second per core | ${sps} (target >= 150) |"
line ""
add "\"chaos_seeds\":$seeds,\"chaos_wall_ms\":$chaos_ms,\"chaos_seeds_per_s\":\"$sps\""

# ---------------------------------------------------------------- scale
line "## Scale: 5 sentinels, 1 h virtual, SENTINEL FAILOVER of every master every 5 min"
line ""
line "| topology | wall | peak RSS | pass | hash | cost vs half size |"
line "|---|---|---|---|---|---|"
scale() { # masters replicas prev_wall_ms
    sh tests/bench/scale.sh "$1" "$2" > "$TMP/scale.yaml"
    name="scale-$1x$2"
    t0=$(now_ms)
    if /usr/bin/time -f '%M' -o "$TMP/rss" "$SENTSIM" run "$TMP/scale.yaml" --quiet \
        --json "$TMP/$name.jsonl" > "$TMP/$name.out" 2>&1; then ok=pass; else ok=FAIL; fi
    wall=$(( $(now_ms) - t0 ))
    rss_kb=$(tail -n 1 "$TMP/rss")
    h=$(check_hash "$name" "$TMP/$name.jsonl")
    growth="-"; [ -n "$3" ] && growth="$(ratio "$wall" "$3")x (target <= 2.2)"
    line "| $1 x $2 | ${wall} ms | $((rss_kb / 1024)) MiB | $ok | $h | $growth |"
    add "\"${name}_wall_ms\":$wall,\"${name}_rss_kb\":$rss_kb,\"${name}_pass\":\"$ok\""
    last_wall=$wall
}
if [ "$QUICK" = 1 ]; then
    scale 1 50 ""; scale 1 100 "$last_wall"
else
    scale 1 500 ""; scale 1 1000 "$last_wall"
    scale 100 3 ""; scale 200 3 "$last_wall"
fi
line ""

{ echo "# sentsim benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"; echo; printf '%s' "$md"; } > "$OUT/bench.md"
printf '{%s"hash_ok":%s}\n' "$json" "$([ $hash_fail = 0 ] && echo true || echo false)" > "$OUT/bench.json"
cat "$OUT/bench.md"
echo "bench: wrote $OUT/bench.md and $OUT/bench.json"
exit "$hash_fail"
