#!/bin/sh
# run.sh: the bad-input corpus. Every tests/bad/NAME.yaml must make
# `sentsim run` fail cleanly: exit status 2, first stderr line exactly
# tests/bad/NAME.expect, no crash, no hang (10 s each). Every
# tests/bad/NAME.conf must make `sentsim sentinel --check-config` print
# tests/bad/NAME.conf.expect (Redis 7.0.15's own message and line, recorded
# from redis-sentinel) and exit non-zero; those count separately and are
# skipped when the binary has no --check-config yet.
#
# usage: sh tests/bad/run.sh build/release/sentsim
#
# SPDX-License-Identifier: BSD-3-Clause
set -u
if [ $# -ne 1 ]; then
    echo "usage: $0 <sentsim-binary>" >&2
    exit 2
fi
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$(dirname "$0")/../.." || exit 2
if [ ! -x "$bin" ]; then
    echo "run.sh: $bin is not an executable" >&2
    exit 2
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
say_fail() {
    failed=$((failed + 1))
    echo "FAIL $1: $2"
}

# check NAME FILE EXPECT-FILE WANT-STATUS CMD...: runs CMD, compares.
check() {
    name=$1 expect_file=$2 want=$3
    shift 3
    if [ ! -f "$expect_file" ]; then
        say_fail "$name" "no $expect_file"
        return
    fi
    timeout 10 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    got=$(head -n 1 "$tmp/err")
    want_line=$(head -n 1 "$expect_file")
    if [ "$rc" -eq 124 ]; then
        say_fail "$name" "timed out after 10 s"
    elif [ "$rc" -ge 128 ]; then
        say_fail "$name" "crashed (status $rc): $got"
    elif [ "$want" = any ] && [ "$rc" -eq 0 ]; then
        say_fail "$name" "accepted (status 0)"
    elif [ "$want" != any ] && [ "$rc" -ne "$want" ]; then
        say_fail "$name" "status $rc, want $want: $got"
    elif [ "$got" != "$want_line" ]; then
        say_fail "$name" "message differs"
        echo "  want: $want_line"
        echo "  got:  $got"
    else
        passed=$((passed + 1))
    fi
}

for f in tests/bad/*.yaml; do
    name=${f%.yaml}
    check "$f" "$name.expect" 2 "$bin" run "$f"
done
echo "scenarios: $passed passed, $failed failed"
yaml_passed=$passed yaml_failed=$failed

passed=0 failed=0
if "$bin" sentinel --help 2>&1 | grep -q -- '--check-config'; then
    for f in tests/bad/*.conf; do
        [ -f "$f" ] || continue
        check "$f" "$f.expect" any "$bin" sentinel "$f" --check-config
    done
    echo "sentinel configs: $passed passed, $failed failed"
else
    echo "sentinel configs: skipped ($bin sentinel has no --check-config)"
fi

passed=$((yaml_passed + passed))
failed=$((yaml_failed + failed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
