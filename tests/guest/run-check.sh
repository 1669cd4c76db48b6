#!/bin/sh
# run-check.sh — `make run`, exactly as a person runs it, with its input
# typed from here (part of `make check-boot`): the default guest boots on
# virt, gets a DHCP lease through the default NIC (virtio-net-pci on user
# networking), and its shell answers on the console; `poweroff` typed at
# the prompt ends ferry with status 0.
#
#   sh tests/guest/run-check.sh          (MAKE=make BUILD=build)
#
# The keys go through a FIFO on make's stdin, each only after the console
# shows what it answers (the prompt, the command's output), so nothing
# depends on timing; the whole run is bounded by RUN_TIMEOUT seconds.
set -u
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}
TIMEOUT=${RUN_TIMEOUT:-180}

tmp=$(mktemp -d)
pid=""
# stop PID: ferry (make's child) first, then make.
stop() { pkill -TERM -P "$1" 2>/dev/null; kill -TERM "$1" 2>/dev/null; }
trap '[ -n "$pid" ] && stop $pid; rm -rf "$tmp"' EXIT INT TERM
fifo=$tmp/keys log=$tmp/console.log
mkfifo "$fifo"
exec 3<>"$fifo"          # held open: ferry's stdin never sees an early end

: >"$log"
start=$(date +%s.%N)
$MAKE -s --no-print-directory BUILD="$BUILD" run <"$fifo" >"$log" 2>&1 &
pid=$!
elapsed() { awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
text() { tr -d '\r' <"$log"; }

# wait_for TEXT: until the console holds TEXT (a fixed string), false if
# make ended or the time ran out first.
wait_for() {
    while kill -0 $pid 2>/dev/null; do
        text | grep -aqF -- "$1" && return 0
        [ "$(elapsed | cut -d. -f1)" -ge "$TIMEOUT" ] && return 1
        sleep 0.1
    done
    text | grep -aqF -- "$1"
}

why=""
wait_for "FERRY-MARK shell" || why="no shell marker"
[ -z "$why" ] && { wait_for "ferry# " || why="no shell prompt"; }
shell_wall=$(elapsed)
if [ -z "$why" ]; then
    # shellcheck disable=SC2016
    printf '%s\n' 'echo "answer=$((6 * 7)) $(uname -m)"' >&3
    wait_for "answer=42 aarch64" || why="the shell did not answer"
fi
[ -z "$why" ] && printf 'poweroff\n' >&3
status=""
while kill -0 $pid 2>/dev/null; do
    if [ "$(elapsed | cut -d. -f1)" -ge "$TIMEOUT" ]; then
        stop $pid
        status=124
        [ -z "$why" ] && why="still running after poweroff"
        break
    fi
    sleep 0.1
done
wait $pid
s=$?
pid=""
[ -z "$status" ] && status=$s
exec 3>&-

marks=$(text | sed -n 's/.*\(FERRY-MARK .*\)/\1/p')
need() { [ -n "$why" ] && return 0; printf '%s\n' "$marks" | grep -Eq "$1" || why=$2; }
need '^FERRY-MARK init ' "no init marker"
need '^FERRY-MARK cpus online=2$' "not 2 CPUs online"
need '^FERRY-MARK nic name=eth0 driver=virtio_net .*transport=pci pciid=1af4:1000' \
    "the default NIC (virtio-net-pci) is not eth0"
need '^FERRY-MARK dhcp name=eth0 result=ok ip=10.0.2.15/24 router=10.0.2.2' "no DHCP lease"
need '^FERRY-MARK poweroff action=poweroff' "no poweroff marker after poweroff"
[ -z "$why" ] && [ "$status" -ne 0 ] && why="exit status $status"

if [ -z "$why" ]; then
    echo "check-run: ok   make run: shell after ${shell_wall}s, poweroff typed: exit 0 after $(elapsed)s"
    exit 0
fi
echo "check-run: FAIL make run: $why (status $status)"
text | tail -n 20 | sed 's/^/    | /'
exit 1
