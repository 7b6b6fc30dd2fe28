#!/bin/sh
# Install the Debian packages sentsim needs, only when some are missing, and
# make sure the packaged redis services neither start nor keep running: the
# harness picks its own ports and never relies on 6379/26379.
#
# SPDX-License-Identifier: BSD-3-Clause
set -eu

PACKAGES="libc6-dev libhiredis-dev libcmocka-dev libfyaml-dev pkg-config redis-server
redis-sentinel redis-tools clang clang-format valgrind nftables iproute2
libclang-rt-14-dev chromium"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

stop_services() {
    for svc in redis-server redis-sentinel; do
        if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
            systemctl stop "$svc" || true
            systemctl disable "$svc" >/dev/null 2>&1 || true
        fi
        if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
    done
}

if [ -z "$missing" ]; then
    echo "setup: all packages present"
    stop_services
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages:$missing; run 'make setup' as root or install them with apt-get" >&2
    exit 1
fi

echo "setup: installing$missing"
# A policy-rc.d that denies every start keeps the packaged services down on
# machines where packages would otherwise start them.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    own_policy=1
fi
export DEBIAN_FRONTEND=noninteractive
status=0
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } || status=$?
[ "$own_policy" -eq 1 ] && rm -f "$policy"
if [ "$status" -ne 0 ]; then
    echo "setup: apt-get failed (exit $status) installing:$missing" >&2
    exit "$status"
fi
stop_services
echo "setup: done"
