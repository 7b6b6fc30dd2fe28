#!/bin/sh
# stress: interrupt real-mode runs at random moments; nothing may be left.
#
# Runs `sentsim real` N times (default 200), alternating a loopback failover
# scenario and a namespace (partition) one, and ends each run after a random
# 0.2..6 s with SIGINT (the harness cleans up itself) or SIGKILL (the
# watchdog cleans up). Then, for up to 5 s, it waits for that run's traces
# to go, and counts what is still there: running processes whose working
# directory is in its temp root, loopback listeners on the ports its config
# files named, the temp root itself, its namespaces, and nftables tables
# named sentsim in the host namespace. Prints the totals and the slowest
# cleanup; exit 1 when anything was left.
#
# Usage: sh tests/stress.sh [SENTSIM]   (N= overrides the number of runs)
#
# SPDX-License-Identifier: BSD-3-Clause
set -u
cd "$(dirname "$0")/.." || exit 2
SENTSIM=${1:-build/release/sentsim}
N=${N:-200}
TMP=${TMPDIR:-/tmp}
LOOPBACK=scenarios/library/master-dies-first.yaml
NETNS=scenarios/library/old-master-partitioned-writes-lost.yaml
if [ ! -x "$SENTSIM" ]; then
    echo "stress: $SENTSIM is not built" >&2
    exit 2
fi
[ "$(id -u)" -eq 0 ] || NETNS=$LOOPBACK

procs_under() {
    n=0
    for d in /proc/[0-9]*; do
        cwd=$(readlink "$d/cwd" 2>/dev/null) || continue
        case "$cwd" in "$1"*)
            state=$(awk '{print $3}' "$d/stat" 2>/dev/null)
            [ "$state" != "Z" ] && n=$((n + 1)) ;;
        esac
    done
    echo $n
}

listening() {
    n=0
    for p in $1; do
        ss -ltnH 2>/dev/null | awk '{print $4}' | grep -qx "127.0.0.1:$p" && n=$((n + 1))
    done
    echo $n
}

now_ms() { date +%s%3N; }

left_procs=0
left_ports=0
left_dirs=0
left_ns=0
left_nft=0
sigint=0
sigkill=0
slowest=0
i=0
while [ "$i" -lt "$N" ]; do
    i=$((i + 1))
    if [ $((i % 2)) -eq 0 ]; then f=$NETNS; else f=$LOOPBACK; fi
    "$SENTSIM" real "$f" --quiet >/dev/null 2>&1 &
    pid=$!
    # A random moment 0.2..6 s in: start-up, readiness, fault, failover.
    ms=$(awk -v s="$i$$" 'BEGIN { srand(s); printf "%d", 200 + rand() * 5800 }')
    sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    root=$(ls -d "$TMP"/sentsim-"$pid"-* 2>/dev/null | head -1)
    ports=""
    [ -n "$root" ] && ports=$(cat "$root"/*/*.conf 2>/dev/null | awk '$1 == "port" { print $2 }')
    if [ $((i % 3)) -eq 0 ]; then
        kill -INT "$pid" 2>/dev/null
        sigint=$((sigint + 1))
    else
        kill -KILL "$pid" 2>/dev/null
        sigkill=$((sigkill + 1))
    fi
    wait "$pid" 2>/dev/null
    killed=$(now_ms)
    while :; do
        p=0
        d=0
        [ -n "$root" ] && p=$(procs_under "$root") && [ -e "$root" ] && d=1
        ns=$(ip netns list 2>/dev/null | grep -c "^sentsim-$pid-")
        [ "$p" -eq 0 ] && [ "$d" -eq 0 ] && [ "$ns" -eq 0 ] && break
        [ $(($(now_ms) - killed)) -ge 5000 ] && break
        sleep 0.05
    done
    took=$(($(now_ms) - killed))
    [ "$took" -gt "$slowest" ] && slowest=$took
    left_procs=$((left_procs + p))
    left_dirs=$((left_dirs + d))
    left_ns=$((left_ns + ns))
    left_ports=$((left_ports + $(listening "$ports")))
    if nft list tables 2>/dev/null | grep -q sentsim; then left_nft=$((left_nft + 1)); fi
    if [ $((i % 20)) -eq 0 ]; then
        echo "stress: $i/$N runs; left so far: $left_procs processes, $left_ports ports," \
             "$left_dirs dirs, $left_ns namespaces"
    fi
done
echo "stress: $N runs ($sigint SIGINT, $sigkill SIGKILL): left $left_procs processes," \
     "$left_ports listening ports, $left_dirs temp dirs, $left_ns namespaces," \
     "$left_nft nft tables; slowest cleanup $slowest ms"
[ "$left_procs" -eq 0 ] && [ "$left_ports" -eq 0 ] && [ "$left_dirs" -eq 0 ] &&
    [ "$left_ns" -eq 0 ] && [ "$left_nft" -eq 0 ]
