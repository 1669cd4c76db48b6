#!/bin/sh
# Command-line behaviour of the real binary: exit statuses and the messages
# people see. Each case: expected status, a text the output must contain,
# then the arguments. Closes with "cli: N passed, N failed".
FERRY=${FERRY:-build/ferry}
dir=$(dirname "$FERRY")
passed=0; failed=0

check() { # status text prog args...
    want=$1; text=$2; prog=$3; shift 3
    out=$(timeout 20 "$prog" "$@" </dev/null 2>&1); rc=$?
    if [ "$rc" -eq "$want" ] && printf '%s' "$out" | grep -qF -- "$text"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $(basename "$prog") $* (exit $rc, wanted $want with \"$text\")"
        printf '%s\n' "$out" | head -5 | sed 's/^/    /'
    fi
}

f=$FERRY
# Help and listings come from the registries and exit 0.
check 0 "Supported machines are:" $f -M help
check 0 "none" $f -machine help
check 0 'name "e1000", bus pci' $f -device help
check 0 "Network devices:" $f -device '?'
check 0 "mac=<macaddr>" $f -device e1000,help
check 0 "Available netdev backend types:" $f -netdev help
check 0 "hubport" $f -netdev help
check 0 "virtio-net-pci" $f -nic model=help
check 0 "rtl8139" $f -net nic,model=help
check 0 "Available CPUs for aarch64" $f -cpu help
check 0 "Available CPUs for x86_64" "$dir/ferry-system-x86_64" -cpu help
check 0 "guest_errors" $f -d help
check 0 "tcg" $f -accel help
check 0 "ferry emulator version" $f -version
check 0 "usage:" $f -h
check 0 "-netdev TYPE" $f --help

# The issue's examples: exit 1 naming the problem.
check 1 "-nosuchopt: invalid option" $f -nosuchopt
check 1 "-m 12Q: invalid size '12Q'" $f -m 12Q
check 1 "-netdev tap,id=: Parameter 'id' expects an identifier" $f -netdev tap,id=
check 1 "e1000: no property 'nosuchprop' (valid: addr, mac, netdev)" $f -device e1000,nosuchprop=1
# More bad input.
check 1 "did you mean -netdev?" $f -netdv user
check 1 "no KVM" $f -enable-kvm
check 1 "no KVM" $f -accel kvm
check 1 "unsupported machine type 'nosuch' (valid: " $f -M nosuch
check 1 "Invalid parameter 'bogus' for machine 'none'" $f -M none,bogus=1
check 1 "Invalid parameter 'bogus' for netdev type 'user'" $f -netdev user,id=n0,bogus=1
check 1 "'e1001' is not a NIC model" $f -nic user,model=e1001
check 1 "Duplicate ID 'a' for netdev" $f -netdev user,id=a -netdev user,id=a
check 1 "netdev type 'user' is not implemented yet" $f -M none -netdev user,id=n0
check 1 "device 'e1000' is not implemented yet" $f -M none -device e1000
check 1 "machine 'none' has no CPUs" $f -M none -cpu max
check 1 "cannot read file" $f -kernel /nonexistent/Image
check 1 "requires an argument" $f -kernel
# aarch64's default board is virt; it stops at its first missing piece.
check 1 "virt: the virtio-mmio transport is not implemented yet" "$dir/ferry-system-aarch64"
check 1 "the x86_64 default (q35) is not implemented yet" "$dir/ferry-system-x86_64"
check 1 "unknown log item 'nope'" $f -d nope
check 1 "block devices" $f -hda disk.img
# The virt board: its keys, -dtb, and honest refusals.
check 0 "virt-7.2" $f -M help
check 0 "gic-version" $f -M virt,help
check 1 "gic-version=5 is not a GIC version (valid: 2, 3, max)" $f -machine virt,gic-version=5
check 1 "gic-version=host needs KVM" $f -M virt,gic-version=host
check 1 "highmem=maybe: Parameter 'highmem' expects 'on' or 'off'" $f -M virt,highmem=maybe
check 1 "Invalid parameter 'usb' for machine 'virt'" $f -M virt,usb=on
check 1 "acpi=on needs ACPI tables, which are not implemented yet" $f -M virt,acpi=on
check 1 "gic-version=2 supports at most 8 CPUs" $f -M virt -smp 9
check 1 "with highmem=off RAM must end below 4 GiB" $f -M virt,highmem=off -m 4G
check 1 "-dtb /etc/hostname: not a device tree blob" $f -M virt -dtb /etc/hostname
# Board values are checked before any backend opens (no wait for a client).
check 1 "gic-version=5 is not a GIC version" $f -serial tcp:127.0.0.1:0,server=on,wait=on -M virt,gic-version=5
check 1 "virt: the virtio-mmio transport is not implemented yet" $f -M virt-7.2,gic-version=3,secure=on,virtualization=on -smp 4 -m 1G
check 1 "virt: the virtio-mmio transport is not implemented yet" $f -M virt,dumpdtb=/tmp/ferry-cli-never.dtb
# -fw_cfg: QEMU's forms and rules.
check 1 "exactly one of file= and string= is needed" $f -M none -fw_cfg opt/x
check 1 "name too long" $f -M none -fw_cfg opt/0123456789012345678901234567890123456789012345678901,string=x
check 1 "-fw_cfg opt/x,string=y: machine 'none' has no fw_cfg device" $f -M none -fw_cfg opt/x,string=y
check 1 'should be prefixed with "opt/"' $f -M none -fw_cfg etc/x,string=y

# The monitor on the empty machine, driven through stdin.
monitor_case() { # text input
    want=$1; input=$2
    out=$(printf '%b' "$input" | timeout 20 $f -M none -m 64M -monitor stdio 2>&1); rc=$?
    if [ "$rc" -eq 0 ] && printf '%s' "$out" | grep -qF -- "$want"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: monitor '$input' (exit $rc, wanted \"$want\")"
        printf '%s\n' "$out" | tail -5 | sed 's/^/    /'
    fi
}
monitor_case "ferry 0.1" 'info version\nquit\n'
monitor_case "VM status: paused" 'stop\ninfo status\nquit\n'
monitor_case "(prio 0, ram): ram" 'info mtree\nquit\n'
monitor_case "bus: main-system-bus" 'info qtree\nquit\n'
monitor_case "unknown command: 'frobnicate'" 'frobnicate\nquit\n'
monitor_case "has no power button" 'system_powerdown\nquit\n'

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
