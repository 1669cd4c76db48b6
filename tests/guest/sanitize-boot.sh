#!/bin/sh
# sanitize-boot.sh — part of `make check-asan`: ferry built with ASan and
# UBSan (build/asan/ferry) boots real guests, where the translator, the
# A64 frontend and the devices meet code no unit test wrote:
#
# 1. Debian's kernel and the kit on -M virt, -smp 2, virtio-net and
#    virtio-rng on PCI and MMIO, DHCP on both NICs, poweroff.
# 2. Debian's UEFI firmware (-bios), which boots the same kernel from
#    fw_cfg and powers off.
#
# A sanitizer report ends ferry at once (non-zero status, the report on
# the console); each boot must end with the kit's poweroff marker and
# status 0.
#
#   sh tests/guest/sanitize-boot.sh     (FERRY=build/asan/ferry BUILD=build)
set -u
FERRY=${FERRY:-build/asan/ferry}
BUILD=${BUILD:-build}
TIMEOUT=${BOOT_TIMEOUT:-300}
FW=${UEFI_FW:-/usr/share/qemu-efi-aarch64/QEMU_EFI.fd}
kit=$BUILD/guests/arm64
here=$(dirname "$0")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0 failed=0

judge() { # NAME STATUS LOG
    if [ "$2" -eq 0 ] && tr -d '\r' <"$3" | grep -aq 'FERRY-MARK poweroff action=poweroff'; then
        passed=$((passed + 1))
        echo "sanitize-boot: ok   $1"
    else
        failed=$((failed + 1))
        echo "sanitize-boot: FAIL $1 (status $2)"
        tr -d '\r' <"$3" | grep -a -A 12 -E 'runtime error|ERROR: AddressSanitizer' | head -n 30 |
            sed 's/^/    | /'
        tr -d '\r' <"$3" | tail -n 5 | sed 's/^/    | /'
    fi
}

sh "$here/kit/boot.sh" -q -e "$FERRY" -t "$TIMEOUT" -l "$tmp/1.log" -s 2 \
    -a "ferry.net=eth0=dhcp,eth1=dhcp" arm64 -- \
    -nic user,model=virtio-net-pci -nic user,model=virtio-net-device \
    -device virtio-rng-pci -device virtio-rng-device >/dev/null
judge "the kit, -smp 2, virtio on PCI and MMIO" $? "$tmp/1.log"

if [ -f "$FW" ]; then
    timeout "$TIMEOUT" "$FERRY" -M virt -cpu max -smp 2 -m 1G -bios "$FW" -nographic -no-reboot \
        -kernel "$kit/Image" -initrd "$kit/initramfs.cpio.gz" \
        -append "console=ttyAMA0 panic=-1 ferry.net=dhcp" </dev/null >"$tmp/2.log" 2>&1
    judge "UEFI, then the kernel from fw_cfg" $? "$tmp/2.log"
else
    failed=$((failed + 1))
    echo "sanitize-boot: FAIL no UEFI firmware at $FW (scripts/deps.sh guests installs it)"
fi

echo "sanitize-boot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
