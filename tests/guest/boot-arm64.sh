#!/bin/sh
# boot-arm64.sh — `make check-boot`: Debian's arm64 kernel and the kit's
# initramfs (make guests) on ferry's -M virt. Every boot is bounded by a
# timeout and judged by the kit's markers and ferry's exit status, never by
# how long it took (the wall times are printed, for people).
#
#   sh tests/guest/boot-arm64.sh            (FERRY=build/ferry BUILD=build)
#
# 1. Configurations: cortex-a57/max, -smp 1, 2 and 4, gic-version 2 and 3,
#    EL2 (virtualization=on): `init`, `cpus online=N` for -smp N, the
#    `poweroff` marker and exit status 0 (PSCI SYSTEM_OFF).
# 2. virtio on both transports: virtio-net and virtio-rng as PCI and MMIO
#    devices; virtio_pci and virtio_mmio load, the four devices enumerate
#    with their drivers bound, both NICs get a DHCP lease over user
#    networking and both entropy devices give bytes through /dev/hwrng.
# 3. A command line as QEMU how-tos write it (only the binary's name
#    changed): no -no-reboot, no panic=, -m 1024, console=ttyAMA0 alone.
# 4. The gzip'd Image.
# 5. -dtb: a tree dumped by -machine dumpdtb= boots; ferry fills /chosen
#    (bootargs, the initrd).
# 6. Reboot and panic, with the exit statuses of QEMU 7.2 (0 in each case):
#    `reboot` restarts the machine (the guest boots again: a second init
#    marker; then SIGTERM, which ends ferry with 0 as it does QEMU);
#    with -no-reboot the reboot ends ferry with 0; a kernel panic
#    (sysrq c) with panic=-1 -no-reboot ends it with 0.
#
# A ferry that cannot build the virt board fails at once (status 1) with
# its message. Prints one line per check and
# a summary "check-boot: N passed, N failed".
set -u
FERRY=${FERRY:-build/ferry}
BUILD=${BUILD:-build}
TIMEOUT=${BOOT_TIMEOUT:-180}
kit=$BUILD/guests/arm64
here=$(dirname "$0")

if [ ! -f "$kit/Image" ] || [ ! -f "$kit/Image.gz" ] || [ ! -f "$kit/initramfs.cpio.gz" ]; then
    echo "check-boot: the arm64 kit is missing ($kit): run 'make guests'"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Can this build make the whole board? (dumpdtb builds every piece, then
# exits.) A board that cannot be built is a failure, never a skip.
probe=$("$FERRY" -M virt,dumpdtb="$tmp/probe.dtb" -nographic -monitor none 2>&1)
if [ ! -s "$tmp/probe.dtb" ]; then
    echo "check-boot: FAILED: the virt board cannot be built: $(printf '%s' "$probe" | head -n 1)"
    exit 1
fi

passed=0 failed=0 why="" marks="" status=0 host="" log=$tmp/console.log

markers() { tr -d '\r' <"$1" | sed -n 's/.*\(FERRY-MARK .*\)/\1/p'; }
count() { printf '%s\n' "$marks" | grep -Ec "$1"; }

# need ERE WHAT: a marker must match ERE, else the check fails with WHAT.
need() {
    [ -n "$why" ] && return 0
    printf '%s\n' "$marks" | grep -Eq "$1" || why=$2
}
# need_log TEXT WHAT: the console must hold TEXT.
need_log() {
    [ -n "$why" ] && return 0
    tr -d '\r' <"$log" | grep -aqF -- "$1" || why=$2
}
need_status() {
    [ -n "$why" ] && return 0
    [ "$status" -eq "$1" ] || why="exit status $status, not $1"
}

verdict() { # NAME DETAIL
    if [ -z "$why" ]; then
        passed=$((passed + 1))
        echo "check-boot: ok   $1: $2"
    else
        failed=$((failed + 1))
        echo "check-boot: FAIL $1: $why (status $status)"
        tr -d '\r' <"$log" | grep -a -E 'Run /init|Kernel panic|Unable to handle|Internal error|not implemented' |
            head -n 5 | sed 's/^/    /'
        tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    | /'
    fi
    why=""
}

# kit_boot [boot.sh options] -- [emulator args]: through the kit's boot.sh
# (-no-reboot, panic=-1, -m 512M); sets marks, status and host.
kit_boot() {
    out=$(sh "$here/kit/boot.sh" -q -e "$FERRY" -t "$TIMEOUT" -l "$log" "$@")
    status=$?
    marks=$(printf '%s\n' "$out" | grep '^FERRY-MARK')
    host=$(printf '%s\n' "$out" | grep '^FERRY-HOST' | tail -n 1)
    host=${host#FERRY-HOST boot arch=arm64 }
}

# direct INITS ARGS...: ferry with exactly ARGS (stdin /dev/null); with
# INITS > 0 it is stopped with SIGTERM once the console holds that many
# init markers. Sets marks, status (124 on timeout) and host.
direct() {
    inits=$1; shift
    : >"$log"
    start=$(date +%s.%N)
    "$FERRY" "$@" </dev/null >"$log" 2>&1 &
    pid=$!
    ticks=0 status=""
    while kill -0 $pid 2>/dev/null; do
        if [ "$inits" -gt 0 ] && [ "$(tr -d '\r' <"$log" | grep -a -c 'FERRY-MARK init ')" -ge "$inits" ]; then
            kill -TERM $pid
            break
        fi
        if [ $ticks -ge $((TIMEOUT * 10)) ]; then
            kill -KILL $pid
            status=124
            break
        fi
        sleep 0.1
        ticks=$((ticks + 1))
    done
    wait $pid
    s=$?
    [ -z "$status" ] && status=$s
    marks=$(markers "$log")
    host="exit_wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') status=$status"
}

enc() { sh "$here/kit/encode-cmd.sh" "$1"; }

# ---- 1. configurations ---------------------------------------------------------
# cpu smp gic [extra machine keys]
for c in "cortex-a57 1 2" "cortex-a57 2 3" "max 2 2" "max 1 3" "cortex-a57 4 2" "max 4 3" \
         "cortex-a57 2 3 virtualization=on"; do
    set -- $c
    cpu=$1 smp=$2 gic=$3 extra=${4:-}
    machine="virt,gic-version=$gic${extra:+,$extra}"
    kit_boot -M "$machine" -c "$cpu" -s "$smp" arm64
    need '^FERRY-MARK init ' "no init marker"
    need "^FERRY-MARK cpus online=$smp\$" \
        "not $smp CPUs online ($(printf '%s\n' "$marks" | grep '^FERRY-MARK cpus' | head -n 1))"
    need '^FERRY-MARK poweroff action=poweroff' "no poweroff marker"
    need_status 0
    verdict "-M $machine -cpu $cpu -smp $smp" "$host"
done

# ---- 2. virtio on both transports ------------------------------------------------
rngcmd='cd /sys/class/misc/hw_random && for r in $(cat rng_available); do echo $r >rng_current; echo "rng=$r bytes=$(head -c 64 /dev/hwrng | wc -c)"; done'
kit_boot -s 2 -a "ferry.net=eth0=dhcp,eth1=dhcp $(enc "$rngcmd")" arm64 -- \
    -nic user,model=virtio-net-pci -nic user,model=virtio-net-device \
    -device virtio-rng-pci -device virtio-rng-device
need '^FERRY-MARK module name=virtio_pci result=ok' "virtio_pci did not load"
need '^FERRY-MARK module name=virtio_mmio result=ok' "virtio_mmio did not load"
need '^FERRY-MARK virtio-devices count=4$' "not 4 virtio devices: $(printf '%s\n' "$marks" | grep '^FERRY-MARK virtio-devices')"
for d in "1 virtio_net pci" "1 virtio_net mmio" "4 virtio_rng pci" "4 virtio_rng mmio"; do
    set -- $d
    need "^FERRY-MARK virtio .* id=$1 driver=$2 transport=$3 " "no $3 device $1 bound to $2"
done
need '^FERRY-MARK nic .*driver=virtio_net .*transport=pci pciid=1af4:1000' "no virtio-net NIC on PCI"
need '^FERRY-MARK nic .*driver=virtio_net .*transport=mmio' "no virtio-net NIC on MMIO"
need '^FERRY-MARK dhcp name=eth0 result=ok ip=10.0.2.15/24' "no DHCP lease on eth0"
need '^FERRY-MARK dhcp name=eth1 result=ok ip=10.0.2.15/24' "no DHCP lease on eth1"
need_log "rng=virtio_rng.0 bytes=64" "no bytes from the first virtio-rng"
need_log "rng=virtio_rng.1 bytes=64" "no bytes from the second virtio-rng"
need '^FERRY-MARK cmd rc=0' "the hwrng command failed"
need '^FERRY-MARK poweroff ' "no poweroff marker"
need_status 0
verdict "virtio-net and virtio-rng on PCI and MMIO" "$host"

# ---- 3. a QEMU how-to's command line ------------------------------------------
direct 0 -M virt -cpu cortex-a57 -m 1024 -nographic -kernel "$kit/Image" \
    -initrd "$kit/initramfs.cpio.gz" -append "console=ttyAMA0"
need '^FERRY-MARK init ' "no init marker"
need '^FERRY-MARK mem total_kb=' "no mem marker"
need '^FERRY-MARK poweroff action=poweroff' "no poweroff marker"
need_status 0
verdict "how-to line: -M virt -cpu cortex-a57 -m 1024 -nographic -kernel -initrd -append console=ttyAMA0" "$host"

# ---- 4. the gzip'd Image --------------------------------------------------------
kit_boot -g arm64
need '^FERRY-MARK init ' "no init marker"
need '^FERRY-MARK poweroff action=poweroff' "no poweroff marker"
need_status 0
verdict "-kernel Image.gz" "$host"

# ---- 5. -dtb: a dumped tree, /chosen filled by ferry ----------------------------
dtb=$tmp/virt.dtb
"$FERRY" -M virt,gic-version=3,dumpdtb="$dtb" -cpu cortex-a57 -smp 2 -m 512M -nographic \
    -monitor none >/dev/null 2>&1
if [ -s "$dtb" ]; then
    chosen='ls /proc/device-tree/chosen; echo "bootargs=$(tr -d "\0" </proc/device-tree/chosen/bootargs)"'
    kit_boot -M virt,gic-version=3 -s 2 -a "ferry.hostname=dtb-check $(enc "$chosen")" arm64 -- -dtb "$dtb"
    need '^FERRY-MARK init ' "no init marker (the initrd from /chosen)"
    need '^FERRY-MARK cpus online=2$' "not 2 CPUs online"
    need_log "linux,initrd-start" "no linux,initrd-start in /chosen"
    need_log "bootargs=console=ttyAMA0 panic=-1 ferry.hostname=dtb-check" "/chosen/bootargs is not -append"
    need '^FERRY-MARK poweroff ' "no poweroff marker"
    need_status 0
else
    why="-machine dumpdtb= wrote no tree"
fi
verdict "-dtb (a dumped tree; ferry fills /chosen)" "$host"

# ---- 6. reboot, -no-reboot, panic -----------------------------------------------
direct 2 -M virt -cpu cortex-a57 -m 512M -nographic -kernel "$kit/Image" \
    -initrd "$kit/initramfs.cpio.gz" -append "console=ttyAMA0 ferry.modules=none ferry.reboot=1"
[ "$(count '^FERRY-MARK init ')" -ge 2 ] || why="the guest did not boot again after reboot"
need '^FERRY-MARK poweroff action=reboot' "no reboot marker"
need_log "reboot: Restarting system" "the kernel did not restart"
need_status 0
verdict "reboot restarts the machine (two boots; then SIGTERM: exit 0)" "$host"

kit_boot -a "ferry.modules=none ferry.reboot=1" arm64
need '^FERRY-MARK poweroff action=reboot' "no reboot marker"
[ -z "$why" ] && [ "$(count '^FERRY-MARK init ')" -ne 1 ] && why="booted again despite -no-reboot"
need_status 0
verdict "reboot with -no-reboot exits" "$host"

kit_boot -a "ferry.modules=none $(enc 'echo c >/proc/sysrq-trigger')" arm64
need '^FERRY-MARK cmd-start' "the command did not start"
need_log "Kernel panic - not syncing: sysrq triggered crash" "no kernel panic"
[ -z "$why" ] && [ "$(count '^FERRY-MARK init ')" -ne 1 ] && why="booted again despite -no-reboot"
[ -z "$why" ] && [ "$(count '^FERRY-MARK poweroff ')" -ne 0 ] && why="powered off instead of panicking"
need_status 0
verdict "kernel panic with panic=-1 -no-reboot exits" "$host"

echo "check-boot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
