#!/bin/sh
# Proves a guest kit works, without ferry: boots it under Debian's QEMU (TCG,
# the yardstick and test oracle) and checks /init's markers.
#
#   tests/guest/kit/selftest.sh ARCH [all]
#
#   ARCH   arm64 or amd64 (the kit must exist: make guests)
#   all    also every other NIC model the kit has a driver for
#
# Cases: virtio-net-pci (2 CPUs, DHCP, iperf3 over loopback), e1000 (an
# explicit ferry.modules list, DHCP), a static address, and the power key
# (system_powerdown in QEMU's monitor -> KEY_POWER -> orderly poweroff).
# Console logs are kept in $BUILD/guests/selftest/. Not part of `make check`:
# it needs QEMU and takes a minute or two per arch.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
BUILD=${BUILD:-$top/build}
export BUILD

[ $# -ge 1 ] || { echo "usage: selftest.sh arm64|amd64 [all]" >&2; exit 2; }
arch=$1 mode=${2:-basic}
case $arch in
arm64) emu=qemu-system-aarch64 ;;
amd64) emu=qemu-system-x86_64 ;;
*) echo "selftest.sh: unknown arch '$arch' (arm64 or amd64)" >&2; exit 2 ;;
esac
[ -f "$BUILD/guests/$arch/initramfs.cpio.gz" ] ||
    { echo "selftest.sh: no $arch kit in $BUILD/guests: run 'make guests' first" >&2; exit 2; }
if ! command -v "$emu" >/dev/null 2>&1; then
    echo "selftest.sh: $emu missing; installing the yardstick (scripts/deps.sh bench)" >&2
    sh "$top/scripts/deps.sh" bench
fi

logs=$BUILD/guests/selftest
mkdir -p "$logs"
enc() { sh "$here/encode-cmd.sh" "$@"; }
passed=0 failed=0

# check_marks NAME FILE PATTERN...: every PATTERN (a grep -E regex) must
# match a line of FILE.
check_marks() {
    name=$1 file=$2; shift 2
    miss=""
    for pat in "$@"; do
        grep -Eq -- "$pat" "$file" || miss="$miss
    missing: $pat"
    done
    if [ -z "$miss" ]; then
        return 0
    fi
    echo "FAIL $arch/$name:$miss" >&2
    return 1
}

# run_case NAME "KERNEL PARAMS" "EMULATOR ARGS" PATTERN...
run_case() {
    name=$1 params=$2 eargs=$3; shift 3
    out=$logs/$arch-$name.marks
    # shellcheck disable=SC2086
    "$here/boot.sh" -q -t 240 -l "$logs/$arch-$name.log" $params "$arch" -- $eargs >"$out" 2>&1 || :
    report "$name" "$out" "$@"
}

report() {
    name=$1 out=$2; shift 2
    host=$(grep '^FERRY-HOST boot' "$out" || echo "FERRY-HOST boot init_wall=none exit_wall=? status=?")
    iw=$(echo "$host" | sed -n 's/.*init_wall=\([^ ]*\).*/\1/p')
    ew=$(echo "$host" | sed -n 's/.*exit_wall=\([^ ]*\).*/\1/p')
    up=$(sed -n 's/^FERRY-MARK init uptime=\([^ ]*\).*/\1/p' "$out")
    # Markers, plus the console with carriage returns removed (a command's
    # output is on the console, not among the markers).
    { cat "$out"; tr -d '\r' <"$logs/$arch-$name.log"; } >"$out.all"
    if check_marks "$name" "$out.all" "$@" 'status=0$'; then
        passed=$((passed + 1))
        echo "PASS $arch/$name: init marker after ${iw}s wall (guest uptime ${up:-?}s), exit after ${ew}s"
    else
        failed=$((failed + 1))
        echo "     (markers: $out, console: $logs/$arch-$name.log)" >&2
    fi
}

common='^FERRY-MARK init uptime=[0-9.]+ kernel=[^ ]+ arch='
dhcp='^FERRY-MARK dhcp name=eth0 result=ok ip=10\.0\.2\.15/24 router=10\.0\.2\.2 '
link='^FERRY-MARK link name=eth0 state=up'
off='^FERRY-MARK poweroff action=poweroff'

# 1. virtio-net-pci, 2 CPUs, DHCP, iperf3 (with its libraries) over loopback.
cmd1=$(enc 'iperf3 -s -D -1 && sleep 0.5 && iperf3 -c 127.0.0.1 -t 1 | grep -c receiver && echo "hello-$((6*7))"')
run_case virtio-net-pci "-s 2 -a ferry.net=dhcp -a $cmd1" "-nic user,model=virtio-net-pci" \
    "$common" '^FERRY-MARK cpus online=2$' \
    '^FERRY-MARK module name=virtio_net result=ok' \
    '^FERRY-MARK nic name=eth0 driver=virtio_net mac=52:54:00:12:34:56 bus=virtio transport=pci pciid=1af4:1000 ' \
    "$link" "$dhcp" '^hello-42$' '^FERRY-MARK cmd rc=0 ' "$off"

# 2. e1000, only the modules named, DHCP.
cmd2=$(enc 'cat /etc/resolv.conf; ip route')
run_case e1000 "-a ferry.modules=e1000 -a ferry.net=dhcp -a $cmd2" "-nic user,model=e1000" \
    "$common" '^FERRY-MARK cpus online=1$' \
    '^FERRY-MARK module name=e1000 result=ok$' '^FERRY-MARK modules mode=list loaded=1 failed=0' \
    '^FERRY-MARK nic name=eth0 driver=e1000 mac=52:54:00:12:34:56 bus=pci pciid=8086:100e ' \
    "$link" "$dhcp" '^nameserver 10\.0\.2\.3' '^FERRY-MARK cmd rc=0 ' "$off"

# 3. A static address and a gateway; ICMP echo to slirp's gateway.
cmd3=$(enc 'ip route | grep "^default via 10.0.2.2" && ping -c 1 -W 5 10.0.2.2 >/dev/null && echo ping-ok')
run_case static "-a ferry.net=static:10.0.2.15/24:10.0.2.2 -a $cmd3" "-nic user,model=virtio-net-pci" \
    "$common" '^FERRY-MARK static name=eth0 result=ok ip=10\.0\.2\.15/24 router=10\.0\.2\.2' \
    '^ping-ok$' '^FERRY-MARK cmd rc=0 ' "$off"

# 4. The power key: the guest waits; QEMU's system_powerdown (ACPI power
#    button on q35, gpio-keys on virt) must power it off.
name=powerkey
mon=$logs/$arch-$name.mon
rm -f "$mon.in" "$mon.out"
mkfifo "$mon.in" "$mon.out"
out=$logs/$arch-$name.marks
log=$logs/$arch-$name.log
: >"$log"
"$here/boot.sh" -q -t 240 -l "$log" -a ferry.wait=forever "$arch" -- \
    -nic none -monitor "pipe:$mon" >"$out" 2>&1 &
bpid=$!
cat "$mon.out" >/dev/null &
cpid=$!
exec 8>"$mon.in"
i=0
while [ $i -lt 2400 ] && ! grep -q 'FERRY-MARK wait' "$log" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
sleep 1
echo system_powerdown >&8
wait $bpid || :
exec 8>&-
kill $cpid 2>/dev/null || :
rm -f "$mon.in" "$mon.out"
report "$name" "$out" "$common" '^FERRY-MARK nics count=0$' '^FERRY-MARK wait seconds=forever' \
    '^FERRY-MARK powerkey dev=/dev/input/event' "$off"

# 5. (all) Every other NIC model the kit has a driver for: the driver binds,
#    the link comes up, DHCP answers.
if [ "$mode" = all ]; then
    models="e1000e:e1000e:8086:10d3 rtl8139:8139(cp|too):10ec:8139 ne2k_pci:ne2k-pci:10ec:8029 pcnet:pcnet32:1022:2000
            i82559er:e100:8086:1209 tulip:tulip:1011:0019 vmxnet3:vmxnet3:15ad:07b0
            virtio-net-pci-non-transitional:virtio_net:1af4:1041"
    [ "$arch" = arm64 ] && models="$models virtio-net-device:virtio_net:mmio"
    for m in $models; do
        model=${m%%:*} rest=${m#*:}
        drv=${rest%%:*} id=${rest#*:}
        case $id in
        mmio) nicpat="^FERRY-MARK nic name=eth0 driver=$drv mac=52:54:00:12:34:56 bus=virtio transport=mmio" ;;
        *)    nicpat="^FERRY-MARK nic name=eth0 driver=$drv mac=52:54:00:12:34:56 bus=(pci|virtio)( transport=pci)? pciid=$id " ;;
        esac
        eargs="-nic user,model=$model"
        # -nic places PCI NICs only; a virtio-mmio NIC is a -device.
        [ "$id" = mmio ] && eargs="-netdev user,id=n0 -device $model,netdev=n0"
        run_case "$model" "-a ferry.net=dhcp" "$eargs" \
            "$common" "$nicpat" "$link" "$dhcp" "$off"
    done
fi

echo "selftest $arch: $passed passed, $failed failed"
[ $failed = 0 ]
