#!/bin/sh
# uefi-arm64.sh — part of `make check-boot`: Debian's UEFI firmware for
# virt (qemu-efi-aarch64's QEMU_EFI.fd, installed by scripts/deps.sh
# guests) on ferry with -bios, as a QEMU how-to runs it:
#
#   ferry-system-aarch64 -M virt -cpu max -bios QEMU_EFI.fd -nographic
#
# 1. With -net none the firmware boots to its UEFI shell (its boot options
#    are tried and fail first with a NIC). In the shell: `pci` lists the
#    PCIe host bridge (1B36:0008); `setvar -nv` stores a variable in the
#    variable store UEFI keeps in flash bank 1 (CFI commands: erase,
#    buffered program), `reset` restarts the machine, the variable is read
#    back after the second boot, and `reset -s` (PSCI SYSTEM_OFF) ends
#    ferry with status 0.
# 2. With the default NIC (virtio-net-pci on user networking), the boot
#    manager's first option is PXE over IPv4 on that NIC (its MAC in the
#    option's name); Esc on the console cancels it (as a person would: its
#    DHCP would wait a minute for a boot server user networking does not
#    offer), the firmware reports the option failed, and ferry is stopped
#    (SIGTERM: status 0).
# 3. Linux through UEFI (the kit, make guests): see below.
#
#   sh tests/guest/uefi-arm64.sh        (FERRY=build/ferry BUILD=build, UEFI_FW=path)
#
# The keys go to ferry's stdin only after the console shows what they
# answer; each run is bounded by UEFI_TIMEOUT seconds.
set -u
FERRY=${FERRY:-build/ferry}
BUILD=${BUILD:-build}
TIMEOUT=${UEFI_TIMEOUT:-240}
FW=${UEFI_FW:-/usr/share/qemu-efi-aarch64/QEMU_EFI.fd}
# Homebrew's QEMU ships the same firmware under another name.
if [ -z "${UEFI_FW:-}" ] && [ ! -f "$FW" ] && command -v brew >/dev/null 2>&1; then
    FW=$(brew --prefix)/share/qemu/edk2-aarch64-code.fd
fi

if [ ! -f "$FW" ]; then
    echo "check-uefi: FAIL: no UEFI firmware at $FW (Debian: qemu-efi-aarch64, which" \
        "'sh scripts/deps.sh guests' installs; or set UEFI_FW)"
    exit 1
fi

tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -KILL $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
log=$tmp/console.log fifo=$tmp/keys
mkfifo "$fifo"
exec 3<>"$fifo"
passed=0 failed=0 why="" seen=0

# The console without colours and cursor moves (the firmware draws with them).
text() { tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g'; }

start() { # ferry's arguments
    : >"$log"
    seen=0
    t0=$(date +%s)
    "$FERRY" "$@" <"$fifo" >"$log" 2>&1 &
    pid=$!
}
elapsed() { echo $(($(date +%s) - t0)); }

# expect TEXT: waits until the console shows TEXT after what the last
# expect matched; on failure sets why.
expect() {
    [ -n "$why" ] && return 1
    while :; do
        n=$(text | tail -n +"$((seen + 1))" | grep -anF -- "$1" | head -n 1 | cut -d: -f1)
        if [ -n "$n" ]; then
            seen=$((seen + n))
            return 0
        fi
        if ! kill -0 $pid 2>/dev/null; then
            why="ferry ended before \"$1\""
            return 1
        fi
        if [ "$(elapsed)" -ge "$TIMEOUT" ]; then
            why="no \"$1\" after ${TIMEOUT}s"
            return 1
        fi
        sleep 0.2
    done
}
send() { [ -z "$why" ] && printf '%s\r' "$1" >&3; }

# finish [term]: waits for ferry's end (or ends it with SIGTERM), sets status.
finish() {
    [ "${1:-}" = term ] && [ -z "$why" ] && kill -TERM $pid
    while kill -0 $pid 2>/dev/null && [ "$(elapsed)" -lt "$TIMEOUT" ]; do sleep 0.2; done
    if kill -0 $pid 2>/dev/null; then
        kill -KILL $pid
        [ -z "$why" ] && why="still running after ${TIMEOUT}s"
    fi
    wait $pid
    status=$?
    pid=""
    [ -z "$why" ] && [ "$status" -ne 0 ] && why="exit status $status"
}

verdict() { # NAME
    if [ -z "$why" ]; then
        passed=$((passed + 1))
        echo "check-uefi: ok   $1 (${wall}s)"
    else
        failed=$((failed + 1))
        echo "check-uefi: FAIL $1: $why"
        text | grep -av '^$' | tail -n 15 | sed 's/^/    | /'
    fi
    why=""
}

guid=3b6e0e5b-9d4c-4f7a-8a3e-1f2e3d4c5b6a
start -M virt -cpu max -bios "$FW" -nographic -net none
expect "UEFI firmware"
expect "UEFI Interactive Shell"
expect "Shell> "
shell_at=$(elapsed)
send "pci"
expect "Vendor 1B36 Device 0008"
expect "Shell> "
send "setvar FerryCheck -nv -bs -guid $guid =L\"ferry-nv\""
expect "Shell> "
send "reset"
expect "UEFI firmware"
expect "Shell> "
send "setvar FerryCheck -guid $guid"
expect "FerryCheck - 0010 Bytes"
expect "66 00 65 00 72 00 72 00 79 00 2D 00 6E 00 76 00"
expect "Shell> "
send "reset -s"
finish
wall=$(elapsed)
verdict "-bios QEMU_EFI.fd -net none: the UEFI shell after ${shell_at:-?}s, pci, an NV variable across reset, reset -s exits 0"

start -M virt -cpu max -bios "$FW" -nographic
expect ">>Start PXE over IPv4"
[ -z "$why" ] && printf '\033' >&3
expect "PXE-E21: Remote boot cancelled"
expect 'failed to load Boot0001 "UEFI PXEv4 (MAC:525400123456)"'
finish term
wall=$(elapsed)
verdict "-bios QEMU_EFI.fd with the default NIC: PXE boot on virtio-net-pci (its MAC), cancelled with Esc"

# 3. Linux through the firmware: -kernel/-initrd/-append reach UEFI through
#    fw_cfg, its loader starts the kernel's EFI stub, and the kit's init
#    sees 2 CPUs, gets a DHCP lease on the default NIC, and powers off.
kit=$BUILD/guests/arm64
if [ -f "$kit/Image" ] && [ -f "$kit/initramfs.cpio.gz" ]; then
    start -M virt -cpu max -smp 2 -m 1G -bios "$FW" -nographic -no-reboot -kernel "$kit/Image" \
        -initrd "$kit/initramfs.cpio.gz" -append "console=ttyAMA0 panic=-1 ferry.net=dhcp"
    expect "EFI stub: Booting Linux Kernel"
    expect "efi: EFI v2.70 by EDK II"
    expect "FERRY-MARK init "
    expect "FERRY-MARK cpus online=2"
    expect "FERRY-MARK dhcp name=eth0 result=ok ip=10.0.2.15/24"
    expect "FERRY-MARK poweroff action=poweroff"
    finish
else
    why="the arm64 kit is missing ($kit): run 'make guests'"
fi
wall=$(elapsed)
verdict "-bios QEMU_EFI.fd -kernel Image -initrd: Linux through UEFI (fw_cfg, EFI stub), -smp 2, DHCP, poweroff exits 0"

echo "check-uefi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
