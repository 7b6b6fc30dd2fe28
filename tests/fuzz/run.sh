#!/bin/sh
# run.sh: build and run every libFuzzer target tests/fuzz/fuzz_*.c (`make fuzz`).
#
# Usage: sh tests/fuzz/run.sh [SECONDS]   (default 60 per target; CLANG= to override)
#
# Each target is built with clang -fsanitize=fuzzer,address,undefined (and
# the quiet-visit check, core/quiet.c) from
# its own file plus the sources it declares on a comment line
#     fuzz-sources: core/info.c core/check.c     (files)
#     fuzz-sources: core scenarios               (every *.c of a directory)
# (default: core). Directories `scenarios` and `real` also link libfyaml and
# hiredis. The target then runs for SECONDS over a working corpus in
# build/fuzz/corpus/<target>/ seeded from tests/fuzz/corpus/<target>/ (the
# seeds are never modified). Printed per target: execs/s and total execs from
# libFuzzer's final stats. Crash, timeout, leak and OOM inputs are copied to
# tests/fuzz/crash-<target>-<hash>, and the script exits 1 if any target
# failed to build or found a problem.
#
# SPDX-License-Identifier: BSD-3-Clause
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
CLANG=${CLANG:-clang}
out=build/fuzz
mkdir -p "$out"
fail=0

sources_of() { # $1: target source; prints the sources and link flags it needs
    decl=$(sed -n 's/.*fuzz-sources:\(.*\)/\1/p' "$1" | head -n 1 | sed 's:\*/::')
    [ -n "$decl" ] || decl=core
    for d in $decl; do
        case $d in
        *.c) echo "$d" ;;
        *) ls "$d"/*.c 2>/dev/null | grep -v '^real/main\.c$' ;;
        esac
        case $d in
        scenarios*) pkg-config --cflags --libs libfyaml ;;
        real*) pkg-config --cflags --libs hiredis ;;
        esac
    done
}

stat_of() { # $1: log, $2: stat name
    sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

for src in tests/fuzz/fuzz_*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    target=${name#fuzz_}
    bin=$out/$name
    # shellcheck disable=SC2046
    if ! "$CLANG" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -fno-omit-frame-pointer -DCORE_VERIFY_QUIET=1 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. \
        -o "$bin" "$src" $(sources_of "$src") -lm >"$bin.build.log" 2>&1; then
        echo "fuzz: $name: build FAILED (see $bin.build.log)"
        sed -n '1,5p' "$bin.build.log"
        fail=1
        continue
    fi
    work=$out/corpus/$target
    mkdir -p "$work"
    seeds=tests/fuzz/corpus/$target
    [ -d "$seeds" ] || seeds=
    rm -f "$bin"-crash-* "$bin"-timeout-* "$bin"-leak-* "$bin"-oom-* "$bin"-slow-unit-*
    "./$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$bin-" "$work" $seeds >"$bin.log" 2>&1
    rc=$?
    printf 'fuzz: %-12s %10s execs/s %14s execs  (log %s)\n' "$target" \
        "$(stat_of "$bin.log" average_exec_per_sec)" \
        "$(stat_of "$bin.log" number_of_executed_units)" "$bin.log"
    found=0
    for f in "$bin"-crash-* "$bin"-timeout-* "$bin"-leak-* "$bin"-oom-*; do
        [ -e "$f" ] || continue
        kind=${f#"$bin"-}
        kind=${kind#crash-}
        cp "$f" "tests/fuzz/crash-$target-$kind"
        echo "fuzz: $name: found ${f#"$bin"-} -> tests/fuzz/crash-$target-$kind"
        found=1
    done
    if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
        echo "fuzz: $name: FAILED (exit $rc)"
        grep -m 3 -E 'ERROR|SUMMARY|deadly' "$bin.log"
        fail=1
    fi
done
exit "$fail"
